"""Content types for exports that lack them (issue 21, item 5): the team's tagging rules and
corrections, kept in the workspace and applied to the articles every page reads."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

import store_backends
from store_backends import db_url  # noqa: F401 (a fixture)
from workbench import io
from workbench.errors import InputError
from workbench.sample import exports
from workbench.workspace import STARTER_RULES, TagRule, Workspace

_clean_env = store_backends.clean_env


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return io.sample("articles")


def types(frame: pd.DataFrame) -> list:
    return [None if pd.isna(x) else x for x in frame["content_type"].astype(object)]


@pytest.fixture()
def ws(db_url: str) -> Workspace:  # noqa: F811
    with Workspace(db_url) as opened:
        yield opened


def test_an_export_without_types_is_typed_by_the_starter_rules(ws: Workspace,
                                                               articles: pd.DataFrame) -> None:
    ws.add(exports.notified_articles(articles, "2026-05-01", "2026-10-31"), name="已通知内容.csv")
    typed = ws.frame("articles")
    n = len(typed)
    counts = typed.attrs["tagging"]
    assert n > 100 and counts.from_file == 0 and counts.corrected == 0
    assert counts.by_rule + counts.untagged == n
    assert counts.untagged == typed["content_type"].isna().sum()
    # against the sample's own types (the export left them out): the rules get most right
    truth = dict(zip(zip(articles["title"], articles["publish_time"].dt.floor("min")),
                     articles["content_type"].astype(object)))
    want = [truth.get((t, p)) for t, p in zip(typed["title"], typed["publish_time"])]
    right = sum(a == b for a, b in zip(types(typed), want))
    assert counts.by_rule >= 0.85 * n and right >= 0.80 * n
    by_title = dict(zip(typed["title"], typed["content_type"].astype(object)))
    assert all(by_title[t] == "news" for t in by_title if t.startswith("早报｜"))


def test_the_team_rules_are_kept_and_replace_the_starter_ones(
        ws: Workspace, db_url: str) -> None:  # noqa: F811
    posts = ("内容标题,发表时间,阅读次数\n"
             "周末随笔：慢一点也没关系,2026-11-07 20:00,3100\n"
             "早报｜国补政策延续到明年,2026-11-09 08:00,8800\n"
             "轻屿咖啡机开箱,2026-11-10 12:00,5200\n").encode("gb18030")
    ws.add(posts, name="已通知内容.csv")
    assert types(ws.frame("articles")) == [None, "news", None]
    ws.set_tag_rules([TagRule("随笔|慢一点", "story"), TagRule(r"开箱$", "product", regex=True)],
                     author="小林")
    assert types(ws.frame("articles")) == \
        ["story", None, "product"]
    with Workspace(db_url) as later:  # another kernel
        assert later.tag_rules() == [TagRule("随笔|慢一点", "story"),
                                     TagRule(r"开箱$", "product", regex=True)]
        assert later.frame("articles").attrs["tagging"].untagged == 1
    ws.set_tag_rules([])  # no rules at all: the earlier sets stay in the database
    assert ws.tag_rules() == [] and ws.frame("articles")["content_type"].isna().all()
    engine = sa.create_engine(ws.url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM workspace_tag_rule_sets")).scalar() == 2
        assert conn.execute(sa.text("SELECT count(*) FROM workspace_tag_rules")).scalar() == 2
    engine.dispose()


def test_a_correction_wins_over_the_file_and_the_rules(
        ws: Workspace, db_url: str) -> None:  # noqa: F811
    posts = ("内容标题,发表时间,内容类型,阅读次数\n"
             "早报｜即饮咖啡价格战升级,2026-11-09 08:00,,9600\n"
             "用户说｜二胎妈妈阿敏和咖啡机的故事,2026-11-10 20:30,产品,4100\n").encode()
    ws.add(posts, name="文章.csv")
    first = ws.frame("articles")
    assert types(first) == ["news", "product"]
    assert (first.attrs["tagging"].from_file, first.attrs["tagging"].by_rule) == (1, 1)
    ws.tag("用户说｜二胎妈妈阿敏和咖啡机的故事", "2026-11-10 20:30", "educational")
    ws.tag("用户说｜二胎妈妈阿敏和咖啡机的故事", pd.Timestamp("2026-11-10 20:30"), "story")
    ws.tag("早报｜即饮咖啡价格战升级", "2026-11-09 08:00", "interactive")
    with Workspace(db_url) as later:
        fixed = later.frame("articles")
        assert types(fixed) == ["interactive", "story"]
        assert fixed.attrs["tagging"].corrected == 2


def test_bad_rules_are_refused_in_both_languages(ws: Workspace) -> None:
    with pytest.raises(InputError) as err:
        ws.set_tag_rules([TagRule("早报", "breaking_news")])
    assert "breaking_news" in err.value.message("en") and "无法识别" in err.value.message("zh")
    with pytest.raises(InputError, match="not a valid regular expression"):
        ws.set_tag_rules([TagRule("早报(", "news", regex=True)])
    with pytest.raises(InputError, match="no keywords"):
        ws.set_tag_rules([TagRule("  ", "news")])
    with pytest.raises(InputError):
        ws.tag("早报", "2026-11-09 08:00", "gossip")
    assert ws.tag_rules() == list(STARTER_RULES)  # nothing was kept


def test_keywords_are_words_not_patterns(ws: Workspace) -> None:
    """``Q&A`` and ``3.8`` in a keyword rule are the characters themselves; letters match in
    any case."""
    posts = ("内容标题,发表时间,阅读次数\n"
             "q&a｜关于保温杯你问我答,2026-11-11 12:00,900\n"
             "3.8节特辑,2026-03-08 12:00,700\n"
             "308个好物,2026-03-09 12:00,600\n").encode()
    ws.add(posts, name="已通知内容.csv")
    ws.set_tag_rules([TagRule("Q&A", "interactive"), TagRule("3.8", "event_report")])
    # in publish order: 3.8节特辑 (8 March), 308个好物, then the Q&A
    assert types(ws.frame("articles")) == ["event_report", None, "interactive"]
