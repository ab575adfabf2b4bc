"""The team's rules for a week: :class:`Constraints`, the persona coverage rules
(:class:`PersonaTarget`, :func:`persona_targets`) and the defaults they start from.

Rules (each a named group): team hours, budget, per-platform minimum and maximum posts, push
limits, minimum and maximum share of each content type, persona coverage (at least N posts a
week of the types a persona prefers) and, by default, variety (no type more than half a
platform's posts plus one, so that no type must run back to back in the calendar).

Rules are checked (:meth:`Constraints.validate`) before anything is solved: posts a week are
whole numbers up to :data:`MAX_POSTS_PER_WEEK`, hours and costs per post lie in ranges the
solver computes exactly in.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

from .. import i18n, schemas
from ..errors import InputError
from .common import ARTICLES_PER_PUSH, METRICS, _METRIC_ZH, _num, _pct, _plat, _type

#: WeChat account types a plan can be for.
ACCOUNT_TYPES: tuple[str, ...] = ("subscription", "service")
#: Most posts a week on one platform a plan may ask for (min or max); Weibo's busiest cadence
#: is a few posts a day.
MAX_POSTS_PER_WEEK = 200
#: Hours one post may take (6 minutes to 1,000 hours); the effort factors multiply them.
MIN_HOURS_PER_POST, MAX_HOURS_PER_POST = 0.1, 1_000.0
#: Most a post may cost (CNY); 0 (free) is allowed, else at least 0.01.
MAX_COST_PER_POST = 1e7
#: Production hours of one post per content type (writing, design, review).
DEFAULT_HOURS: dict[str, float] = {
    "educational": 6.0, "news": 2.0, "interactive": 2.0, "fun": 2.0, "story": 5.0,
    "product": 3.0, "event_report": 3.0,
}
#: Hours and cost of a post without a content type (:data:`schemas.UNTAGGED`): a typical post,
#: the median of the types' defaults.
UNTAGGED_HOURS, UNTAGGED_COST = 3.0, 300.0
#: Hours multiplier per platform: video platforms cost more to produce for.
PLATFORM_EFFORT: dict[str, float] = {
    "douyin": 1.6, "kuaishou": 1.6, "bilibili": 1.8, "xiaohongshu": 1.2,
}
#: Cash cost of one post per content type (CNY: freelance copy, images, props, licences).
DEFAULT_COST: dict[str, float] = {
    "educational": 400.0, "news": 100.0, "interactive": 200.0, "fun": 250.0, "story": 500.0,
    "product": 350.0, "event_report": 300.0,
}
#: Cost multiplier per platform (video shoots and editing).
PLATFORM_COST: dict[str, float] = {
    "douyin": 2.0, "kuaishou": 2.0, "bilibili": 2.0, "xiaohongshu": 1.3,
}
#: Default (min, max) posts a week per platform, from the cadence norms in DOMAIN.md: an official
#: account publishes 3-5 times a week (articles here: up to two a push on average), Weibo several
#: times a day, short video and Xiaohongshu a few times a week, Zhihu and Bilibili less.
CADENCE: dict[str, tuple[int, int]] = {
    "wechat": (3, 14), "weibo": (5, 21), "douyin": (2, 7), "kuaishou": (2, 7),
    "xiaohongshu": (2, 7), "zhihu": (1, 5), "bilibili": (1, 3), "toutiao": (3, 14),
}
#: Group pushes a week: a subscription account once a day; a service account four a month,
#: planned as one a week.
PUSHES_PER_WEEK: dict[str, int] = {"subscription": 7, "service": 1}


@dataclass
class PersonaTarget:
    """A target persona the weekly plan must serve.

    Attributes
    ----------
    name, name_zh : the persona's name (shown in conflict messages).
    content_types : the content types it prefers.
    min_posts : at least this many posts a week of those types.
    platforms : where those posts count (empty: every platform of the plan).

    Examples
    --------
    >>> PersonaTarget("Students", ("educational", "fun"), 4, name_zh="学生党").min_posts
    4
    """

    name: str
    content_types: tuple[str, ...]
    min_posts: int
    platforms: tuple[str, ...] = ()
    name_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "name_zh": self.name_zh,
                "content_types": list(self.content_types), "min_posts": int(self.min_posts),
                "platforms": list(self.platforms)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "PersonaTarget":
        return cls(str(d["name"]), tuple(d["content_types"]), int(d["min_posts"]),
                   tuple(d.get("platforms", ())), str(d.get("name_zh", "")))


def _default_weights() -> dict[str, float]:
    return {"reads": 1.0, "engagement": 1.0, "follows": 1.0, "conversions": 1.0}


@dataclass
class Constraints:
    """What the team can and must publish in a week; every field has a sensible default.

    Attributes
    ----------
    account_type : the WeChat account, ``"subscription"`` (one push a day) or ``"service"``
        (four pushes a month, planned as one a week).
    platforms : platforms the plan covers.
    content_types : content types the team produces. When the history has posts without a
        type, :func:`~workbench.mix.plan` adds :data:`schemas.UNTAGGED` (planned, with a warning).
    team_hours : production hours available a week.
    hours : hours per post by content type (:data:`DEFAULT_HOURS` for types not given;
        :data:`UNTAGGED_HOURS` for an untagged post).
    platform_effort : hours multiplier per platform (:data:`PLATFORM_EFFORT`; 1 when absent).
    budget : CNY a week for posts (``None``: no budget limit).
    cost : CNY per post by content type (:data:`DEFAULT_COST`).
    platform_cost : cost multiplier per platform (:data:`PLATFORM_COST`; 1 when absent).
    min_posts, max_posts : posts (articles) a week per platform; platforms not given use
        :data:`CADENCE`.
    min_share, max_share : share of all the week's posts per content type (0..1); by default
        product posts are at most 30 % (a brand rule against hard selling).
    personas : :class:`PersonaTarget` coverage rules.
    weights : objective weights of reads, engagement, follows, conversions (and shares).
    max_pushes : WeChat group pushes a week (``None``: 7 on a subscription account, 1 on a
        service account; more than that is refused).
    articles_per_push : articles a push may carry, 1..8.
    variety : no type may take more than half of a platform's posts plus one, so the calendar
        never has to run one type back to back.
    time_limit : seconds the solver may take (then the best plan found is returned with
        status ``"time_limit"``).
    mip_gap : relative optimality gap at which the solver stops: the plan is proven to be
        within this share of the best possible value. The default 1 % keeps a weekly plan
        under 100 ms; proving the exact optimum (``0``) of a busy plan can take HiGHS several
        hundred ms, for differences far below the estimates' own uncertainty.

    Examples
    --------
    >>> c = Constraints(team_hours=30, max_share={"product": 0.2})
    >>> c.posts_range("weibo"), c.push_limit(), c.cell_hours("douyin", "fun")
    ((5, 21), 7, 3.2)
    """

    account_type: str = "subscription"
    platforms: tuple[str, ...] = ("wechat", "weibo", "douyin", "xiaohongshu", "zhihu")
    content_types: tuple[str, ...] = schemas.CONTENT_TYPES
    team_hours: float = 60.0
    hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    platform_effort: dict[str, float] = field(default_factory=lambda: dict(PLATFORM_EFFORT))
    budget: float | None = 10_000.0
    cost: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_COST))
    platform_cost: dict[str, float] = field(default_factory=lambda: dict(PLATFORM_COST))
    min_posts: dict[str, int] = field(default_factory=dict)
    max_posts: dict[str, int] = field(default_factory=dict)
    min_share: dict[str, float] = field(default_factory=dict)
    max_share: dict[str, float] = field(default_factory=lambda: {"product": 0.3})
    personas: tuple[PersonaTarget, ...] = ()
    weights: dict[str, float] = field(default_factory=_default_weights)
    max_pushes: int | None = None
    articles_per_push: int = ARTICLES_PER_PUSH
    variety: bool = True
    time_limit: float = 2.0
    mip_gap: float = 0.01

    def __post_init__(self) -> None:
        self.platforms = tuple(self.platforms)
        self.content_types = tuple(self.content_types)
        self.personas = tuple(self.personas)
        for name in ("hours", "platform_effort", "cost", "platform_cost", "min_posts",
                     "max_posts", "min_share", "max_share", "weights"):
            setattr(self, name, dict(getattr(self, name)))
        for p in self.platforms:
            lo, hi = CADENCE.get(p, (0, 14))
            self.min_posts.setdefault(p, lo)
            self.max_posts.setdefault(p, hi)

    def replace(self, **changes: Any) -> "Constraints":
        """A copy with some fields changed (dicts are copied, so the original stays as it was)."""
        return dataclasses.replace(self, **changes)

    def posts_range(self, platform: str) -> tuple[int, int]:
        """``(min, max)`` posts a week on ``platform``."""
        lo, hi = CADENCE.get(platform, (0, 14))
        return int(self.min_posts.get(platform, lo)), int(self.max_posts.get(platform, hi))

    def push_limit(self) -> int:
        """WeChat group pushes allowed a week."""
        cap = PUSHES_PER_WEEK.get(self.account_type, 7)
        return cap if self.max_pushes is None else int(self.max_pushes)

    def cell_hours(self, platform: str, content_type: str) -> float:
        """Production hours of one post of ``content_type`` on ``platform``."""
        return float(self.hours.get(content_type, DEFAULT_HOURS.get(content_type,
                                                                     UNTAGGED_HOURS))) \
            * float(self.platform_effort.get(platform, 1.0))

    def cell_cost(self, platform: str, content_type: str) -> float:
        """Cost (CNY) of one post of ``content_type`` on ``platform``."""
        return float(self.cost.get(content_type, DEFAULT_COST.get(content_type,
                                                                   UNTAGGED_COST))) \
            * float(self.platform_cost.get(platform, 1.0))

    def validate(self) -> None:
        """Raise :class:`InputError` (English and Chinese) for any value that cannot be used."""
        def bad(en: str, zh: str, fix: str = "", fix_zh: str = "") -> InputError:
            return InputError(en, zh, fix=fix, fix_zh=fix_zh)

        if self.account_type not in ACCOUNT_TYPES:
            raise bad(f"Unknown WeChat account type {self.account_type!r}.",
                      f"未知的公众号类型 {self.account_type!r}。",
                      "Choose 'subscription' or 'service'.", "请选择 subscription（订阅号）或 "
                      "service（服务号）。")
        if not self.platforms:
            raise bad("The plan covers no platform.", "计划没有包含任何平台。",
                      "Choose at least one platform.", "请至少选择一个平台。")
        for p in self.platforms:
            if p not in schemas.PLATFORMS:
                raise bad(f"Unknown platform {p!r}.", f"未知平台 {p!r}。",
                          f"Choose from {', '.join(schemas.PLATFORMS)}.",
                          f"可选：{', '.join(schemas.PLATFORMS)}。")
        if len(set(self.platforms)) != len(self.platforms):
            raise bad("A platform is listed twice.", "平台重复。")
        if not self.content_types:
            raise bad("The plan has no content type.", "计划没有任何内容类型。",
                      "Choose at least one content type.", "请至少选择一种内容类型。")
        for c in self.content_types:
            if c not in schemas.CONTENT_TYPES and c != schemas.UNTAGGED:
                raise bad(f"Unknown content type {c!r}.", f"未知内容类型 {c!r}。",
                          f"Choose from {', '.join(schemas.CONTENT_TYPES)}.",
                          f"可选：{', '.join(schemas.CONTENT_TYPES)}。")
        _check_number(self.team_hours, "team hours a week", "每周团队工时", minimum=0)
        if self.budget is not None:
            _check_number(self.budget, "budget a week (CNY)", "每周预算（元）", minimum=0)
        # bounded so that the solver's coefficients stay in the range it computes exactly in
        # (1e300 hours a post, or 5e-324, left HiGHS unable to say which rules conflict)
        for name, zh, table, low, high in (
                ("hours per post", "每篇工时", self.hours, MIN_HOURS_PER_POST, MAX_HOURS_PER_POST),
                ("effort factor", "工时系数", self.platform_effort, 0.01, 100),
                ("cost per post", "每篇成本", self.cost, 0, MAX_COST_PER_POST),
                ("cost factor", "成本系数", self.platform_cost, 0, 100)):
            for key, value in table.items():
                _check_number(value, f"{name} of {key}", f"{key} 的{zh}", low, high)
                if 0 < value < 0.01:                    # a cost below a fen is no cost
                    _check_number(value, f"{name} of {key}", f"{key} 的{zh}", 0.01, high)
        for key in list(self.hours) + list(self.cost) + list(self.min_share) \
                + list(self.max_share):
            if key not in schemas.CONTENT_TYPES and key != schemas.UNTAGGED:
                raise bad(f"Unknown content type {key!r}.", f"未知内容类型 {key!r}。",
                          f"Choose from {', '.join(schemas.CONTENT_TYPES)}.",
                          f"可选：{', '.join(schemas.CONTENT_TYPES)}。")
        for key in list(self.min_posts) + list(self.max_posts) + list(self.platform_effort) \
                + list(self.platform_cost):
            if key not in schemas.PLATFORMS:
                raise bad(f"Unknown platform {key!r}.", f"未知平台 {key!r}。",
                          f"Choose from {', '.join(schemas.PLATFORMS)}.",
                          f"可选：{', '.join(schemas.PLATFORMS)}。")
        for label, label_zh, table in (("minimum", "最少", self.min_posts),
                                       ("maximum", "最多", self.max_posts)):
            for p, value in table.items():      # checked as given: posts_range rounds them
                _check_number(value, f"{label} posts a week on {p}",
                              f"{_plat(p, 'zh')} 每周{label_zh}发文", 0, MAX_POSTS_PER_WEEK,
                              integer=True)
        for p in self.platforms:
            lo, hi = self.posts_range(p)
            if lo > hi:
                raise bad(f"{_plat(p, 'en')}: the minimum of {lo} posts a week is above the "
                          f"maximum of {hi}.",
                          f"{_plat(p, 'zh')}：每周最少 {lo} 篇高于最多 {hi} 篇。",
                          "Lower the minimum or raise the maximum.", "请降低最少值或提高最多值。")
        for c in set(self.min_share) | set(self.max_share):
            lo = self.min_share.get(c, 0.0)
            hi = self.max_share.get(c, 1.0)
            _check_number(lo, f"minimum share of {c}", f"{_type(c, 'zh')} 最低占比", 0, 1)
            _check_number(hi, f"maximum share of {c}", f"{_type(c, 'zh')} 最高占比", 0, 1)
            if lo > hi:
                raise bad(f"{_type(c, 'en')}: the minimum share {_pct(lo)} is above the maximum "
                          f"share {_pct(hi)}.",
                          f"{_type(c, 'zh')}：最低占比 {_pct(lo)} 高于最高占比 {_pct(hi)}。",
                          "Lower the minimum or raise the maximum.",
                          "请降低最低占比或提高最高占比。")
        for persona in self.personas:
            if not isinstance(persona, PersonaTarget):
                raise bad("Persona coverage rules must be PersonaTarget objects.",
                          "人设覆盖规则必须是 PersonaTarget。")
            _check_number(persona.min_posts, f"minimum posts for persona {persona.name!r}",
                          f"人设“{persona.name_zh or persona.name}”的最少发文", minimum=0,
                          integer=True)
            if not persona.content_types:
                raise bad(f"Persona {persona.name!r} prefers no content type.",
                          f"人设“{persona.name_zh or persona.name}”没有偏好的内容类型。",
                          "Choose at least one content type.", "请至少选择一种内容类型。")
            for c in persona.content_types:
                if c not in schemas.CONTENT_TYPES:
                    raise bad(f"Persona {persona.name!r}: unknown content type {c!r}.",
                              f"人设“{persona.name_zh or persona.name}”：未知内容类型 {c!r}。")
            for p in persona.platforms:
                if p not in schemas.PLATFORMS:
                    raise bad(f"Persona {persona.name!r}: unknown platform {p!r}.",
                              f"人设“{persona.name_zh or persona.name}”：未知平台 {p!r}。")
        for m, w in self.weights.items():
            if m not in METRICS:
                raise bad(f"Unknown objective {m!r}.", f"未知目标 {m!r}。",
                          f"Choose from {', '.join(METRICS)}.", f"可选：{', '.join(METRICS)}。")
            _check_number(w, f"weight of {m}", f"{_METRIC_ZH[m]} 的权重", minimum=0)
        if sum(self.weights.values()) <= 0:
            raise bad("Every objective weight is 0.", "所有目标权重都为 0。",
                      "Give at least one goal a positive weight.", "请至少给一个目标正权重。")
        cap = PUSHES_PER_WEEK[self.account_type]
        if self.max_pushes is not None:
            _check_number(self.max_pushes, "pushes a week", "每周群发次数", minimum=0,
                          integer=True)
            if self.max_pushes > cap:
                account_zh = i18n.level("account_type", self.account_type, "zh")
                raise bad(
                    f"A {self.account_type} account can push at most {cap} time(s) a week, "
                    f"not {self.max_pushes}" + (" (four group pushes a month)."
                                                if self.account_type == "service" else
                                                " (one group push a day)."),
                    f"{account_zh}每周最多群发 {cap} 次，不能设为 {self.max_pushes} 次"
                    + ("（每月四次群发）。" if self.account_type == "service"
                       else "（每天一次）。"),
                    f"Use at most {cap}.", f"请设为不超过 {cap}。")
        _check_number(self.articles_per_push, "articles a push", "每次群发的文章数", 1,
                      ARTICLES_PER_PUSH, integer=True)
        _check_number(self.time_limit, "solver time limit (s)", "求解时间上限（秒）", minimum=0,
                      strict=True)
        _check_number(self.mip_gap, "optimality gap", "最优性差距", 0, 0.5)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (for the scenario store)."""
        return {
            "account_type": self.account_type, "platforms": list(self.platforms),
            "content_types": list(self.content_types), "team_hours": float(self.team_hours),
            "hours": {k: float(v) for k, v in self.hours.items()},
            "platform_effort": {k: float(v) for k, v in self.platform_effort.items()},
            "budget": None if self.budget is None else float(self.budget),
            "cost": {k: float(v) for k, v in self.cost.items()},
            "platform_cost": {k: float(v) for k, v in self.platform_cost.items()},
            "min_posts": {k: int(v) for k, v in self.min_posts.items()},
            "max_posts": {k: int(v) for k, v in self.max_posts.items()},
            "min_share": {k: float(v) for k, v in self.min_share.items()},
            "max_share": {k: float(v) for k, v in self.max_share.items()},
            "personas": [p.to_dict() for p in self.personas],
            "weights": {k: float(v) for k, v in self.weights.items()},
            "max_pushes": None if self.max_pushes is None else int(self.max_pushes),
            "articles_per_push": int(self.articles_per_push), "variety": bool(self.variety),
            "time_limit": float(self.time_limit), "mip_gap": float(self.mip_gap),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Constraints":
        """The inverse of :meth:`to_dict` (unknown keys are ignored)."""
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        for key in ("platforms", "content_types"):
            if key in kw:
                kw[key] = tuple(kw[key])
        if "personas" in kw:
            kw["personas"] = tuple(PersonaTarget.from_dict(p) for p in kw["personas"])
        for key in ("hours", "platform_effort", "cost", "platform_cost", "min_posts",
                    "max_posts", "min_share", "max_share", "weights"):
            if key in kw:
                kw[key] = dict(kw[key])
        return cls(**kw)


def _check_number(value: Any, name: str, name_zh: str, minimum: float | None = None,
                  maximum: float | None = None, *, integer: bool = False,
                  strict: bool = False) -> None:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(float(value))
    if ok and integer:
        ok = float(value) == int(value)
    if ok and minimum is not None:
        ok = float(value) > minimum if strict else float(value) >= minimum
    if ok and maximum is not None:
        ok = float(value) <= maximum
    if not ok:
        rng = []
        if minimum is not None:
            rng.append(("above " if strict else "at least ") + _num(minimum))
        if maximum is not None:
            rng.append("at most " + _num(maximum))
        rng_zh = []
        if minimum is not None:
            rng_zh.append(("大于 " if strict else "不小于 ") + _num(minimum))
        if maximum is not None:
            rng_zh.append("不大于 " + _num(maximum))
        kind = "a whole number" if integer else "a number"
        raise InputError(f"The {name} must be {kind} " + " and ".join(rng) + f", not {value!r}.",
                         f"{name_zh}必须是" + ("整数" if integer else "数字") + "，且"
                         + "、".join(rng_zh) + f"，而不是 {value!r}。")


# --------------------------------------------------------------------------------------------
# Target personas from a saved persona set
# --------------------------------------------------------------------------------------------
#: The content types that serve each interest (a stated editorial mapping, not fitted).
INTEREST_TYPES: dict[str, tuple[str, ...]] = {
    "entertainment": ("fun", "interactive"), "tech": ("educational", "news"),
    "education": ("educational",), "lifestyle": ("story", "product"),
    "fashion_beauty": ("product", "story"), "sports": ("event_report", "fun"),
    "games": ("fun", "interactive"), "career": ("educational", "news"),
    "finance": ("news", "educational"), "travel": ("story", "event_report"),
    "food": ("story", "product"), "parenting": ("educational", "story"),
}


def persona_targets(persona_set: Mapping[str, Any], ids: Iterable[int] | None = None,
                    min_posts: int = 2, interests: int = 2) -> list[PersonaTarget]:
    """Target personas from a persona set saved by the personas page (store kind
    ``"personas"``): each chosen persona prefers the content types of its ``interests`` most
    common interests (:data:`INTEREST_TYPES`) and gets at least ``min_posts`` of them a week.

    Examples
    --------
    >>> saved = {"personas": [{"id": 0, "name": {"en": "Students", "zh": "学生"},
    ...                        "interests": [["games", 0.7], ["education", 0.6]]}]}
    >>> persona_targets(saved)[0].content_types
    ('fun', 'interactive', 'educational')
    """
    chosen = None if ids is None else {int(i) for i in ids}
    targets = []
    for record in persona_set.get("personas", []):
        if chosen is not None and int(record.get("id", -1)) not in chosen:
            continue
        types: list[str] = []
        for code, _share in list(record.get("interests", []))[:interests]:
            for kind in INTEREST_TYPES.get(str(code), ()):
                if kind not in types:
                    types.append(kind)
        if not types:
            continue
        name = record.get("name", {})
        targets.append(PersonaTarget(str(name.get("en", f"Persona {record.get('id')}")),
                                     tuple(types), int(min_posts),
                                     name_zh=str(name.get("zh", ""))))
    return targets
