"""Content types for exports that lack them: the team's tagging rules and its corrections.

WeChat's 已通知内容 export says nothing of a post's content type, which the content-mix plan
and the review's variance are built on. The team tags its posts two ways, both kept in the
workspace:

* **rules** — keywords (``早报|快讯``, any of them found in the title) or a regular expression,
  each naming a content type; the first rule that matches a title gives an untyped post its
  type. Until the team saves its own, :data:`STARTER_RULES` apply: title conventions common on
  Chinese brand accounts (早报 for news, 干货 and 攻略 for how-tos, 投票 and 留言 for
  interaction…);
* **corrections** — one post's type, chosen by hand, which wins over the file and the rules.

A post no rule matches stays untagged; :func:`apply` counts them so the page can say so.

>>> titles = pd.Series(["早报｜即饮咖啡价格战升级", "一文读懂复利", "周末随笔"])
>>> apply_rules(titles, STARTER_RULES).tolist()
['news', 'educational', None]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import InputError


@dataclass(frozen=True)
class TagRule:
    """Titles matching ``pattern`` are ``content_type`` posts. ``pattern``: keywords separated
    by ``|`` (any found in the title, letters in any case), or with ``regex`` a regular
    expression searched in the title."""

    pattern: str
    content_type: str
    regex: bool = False

    def check(self) -> TagRule:
        """The rule, or an :class:`InputError` saying what is wrong with it."""
        if self.content_type not in schemas.CONTENT_TYPES:
            raise InputError(f"Unknown content type {self.content_type!r} in a tagging rule.",
                             f"标注规则中的内容类型 {self.content_type!r} 无法识别。",
                             fix=f"choose one of {', '.join(schemas.CONTENT_TYPES)}.",
                             fix_zh=f"请从 {', '.join(schemas.CONTENT_TYPES)} 中选择。")
        if not self.pattern.strip():
            raise InputError("A tagging rule has no keywords.", "有一条标注规则没有关键词。",
                             fix="write the words a title holds, such as 早报|快讯.",
                             fix_zh="请填写标题中会出现的词，例如 早报|快讯。")
        if self.regex:
            try:
                re.compile(self.pattern)
            except re.error as err:
                raise InputError(f"The tagging rule {self.pattern!r} is not a valid regular "
                                 f"expression ({err}).",
                                 f"标注规则 {self.pattern!r} 不是有效的正则表达式（{err}）。",
                                 fix="correct it, or untick “regular expression” and write "
                                     "keywords separated by |.",
                                 fix_zh="请改正，或取消“正则表达式”，改写为用 | 分隔的关键词。",
                                 ) from None
        return self

    def expression(self) -> str:
        if self.regex:
            return self.pattern
        words = [w.strip() for w in self.pattern.split("|") if w.strip()]
        return "|".join(re.escape(w) for w in words)


STARTER_RULES: tuple[TagRule, ...] = (
    TagRule("早报|快讯|最新|观察|新规|行业报告|解读|速看", "news"),
    TagRule("活动回顾|现场直击|精彩瞬间|圆满落幕|回顾", "event_report"),
    TagRule("投票|留言|评论区|话题讨论|你问我答|Q&A|抽奖|互动", "interactive"),
    TagRule("新品|上市|测评|好物|到手价|必买|必囤|大促|返场|预售|折", "product"),
    TagRule("干货|攻略|教你|一文读懂|误区|步骤|新手必看|指南|全攻略|方法", "educational"),
    TagRule("故事|用户说|的一天|背后|坚持", "story"),
    TagRule(r"笑|日常|测一测|梗|be like|当.+遇上", "fun", regex=True),
)
"""The rules that apply until the team saves its own: common title conventions, first match
wins (so 新品测评 is a product post even though 测评 might read as a how-to)."""


def apply_rules(titles: pd.Series, rules: tuple[TagRule, ...] | list[TagRule]) -> pd.Series:
    """Each title's content type by the first rule it matches (``None`` where none does)."""
    text = titles.astype("string").fillna("")
    out = np.full(len(text), None, dtype=object)
    open_ = np.ones(len(text), dtype=bool)
    for rule in rules:
        if not open_.any():
            break
        hit = text.str.contains(rule.expression(), case=False, regex=True).to_numpy(dtype=bool)
        hit &= open_
        out[hit] = rule.content_type
        open_ &= ~hit
    return pd.Series(out, index=titles.index, dtype=object)


def article_key(title: object, publish_time: object) -> str:
    """How a correction names its post: the title and the minute it was published."""
    when = pd.Timestamp(publish_time).strftime("%Y-%m-%dT%H:%M") if pd.notna(publish_time) else ""
    return f"{'' if title is None or pd.isna(title) else str(title)}|{when}"


@dataclass(frozen=True)
class Tagging:
    """How the posts of a frame got their content types."""

    from_file: int
    corrected: int
    by_rule: int
    untagged: int


def apply(articles: pd.DataFrame, rules, corrections: dict[str, str]) -> tuple[pd.DataFrame,
                                                                              Tagging]:
    """``articles`` with content types from the corrections (over anything), then the rules
    (where the file gave none); and the counts."""
    if articles.empty:
        return articles, Tagging(0, 0, 0, 0)
    types = articles["content_type"].astype(object).to_numpy(copy=True)
    had = pd.notna(types)
    corrected = np.zeros(len(types), dtype=bool)
    if corrections:
        keys = [article_key(t, p) for t, p in zip(articles["title"], articles["publish_time"])]
        for i, key in enumerate(keys):
            chosen = corrections.get(key)
            if chosen is not None:
                types[i] = chosen
                corrected[i] = True
    open_ = ~had & ~corrected
    by_rule = np.zeros(len(types), dtype=bool)
    if open_.any():
        found = apply_rules(articles["title"][open_], rules).to_numpy()
        idx = np.flatnonzero(open_)
        types[idx] = found
        by_rule[idx] = pd.notna(found)
    out = articles.copy()
    out["content_type"] = pd.Categorical(types, categories=list(schemas.CONTENT_TYPES))
    counts = Tagging(int((had & ~corrected).sum()), int(corrected.sum()), int(by_rule.sum()),
                     int(pd.isna(types).sum()))
    return out, counts
