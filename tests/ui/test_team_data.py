"""Pages open on the team's data (issue 21): the workspace when it holds any upload, the sample
only as the labelled demo while it is empty, never the two side by side.

Each page here gets its own workspace: a SQLite file per test (``tests/conftest.py``), the
store and the workspace in it, as under ``make run``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import io
from workbench.sample import exports
from workbench.store import ScenarioStore, StoreError
from workbench.ui import MixDashboard, ReviewDashboard
from workbench.ui.shell import TEAM, DataSourceModel
from workbench.workspace import Workspace


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"


@pytest.fixture(scope="module")
def growth() -> bytes:
    return exports.user_growth(io.sample("daily_users"), "2025-09-01", "2025-10-31")


def review_page(db: str, lang: str = "en") -> ReviewDashboard:
    return ReviewDashboard(lang=lang, store=ScenarioStore(db))


def test_an_empty_workspace_opens_on_the_labelled_demo(db: str) -> None:
    page = MixDashboard(lang="en", store=ScenarioStore(db))
    source, picker = page.header.source(), page.header.pickers["articles"]
    assert source.source == "sample" and len(source.data) == len(io.sample("articles"))
    assert picker.source.options == (("Your team's data", TEAM),
                                      ("Demo data (a sample brand)", "sample"))
    said = " ".join(source.status)
    assert said.startswith("Demo data: 1,605 rows of a sample brand's article data, not yours.")
    assert "内容分析 → 已通知内容 → 下载数据明细" in said
    page.header.model.lang = "zh"
    assert picker.source.options[1][0] == "演示数据（示例品牌）"
    assert source.status[0].startswith("演示数据：示例品牌的文章数据，共 1,605 行")


def test_an_upload_is_kept_and_the_page_leaves_the_demo_whole(db: str, growth: bytes) -> None:
    page = review_page(db)
    picker = page.header.pickers["daily_users"]
    assert picker.upload_file(growth, "用户增长.csv")
    users = page.header.source("daily_users")
    assert users.source == TEAM and len(users.data) == 61
    assert users.status[:3] == [
        "Loaded 用户增长.csv: 61 rows of follower growth data.",
        "Kept in your team's data: 61 rows: 61 new, 0 updated, 0 unchanged.",
        "Your team's data: 61 rows of follower growth data from 1 upload(s), "
        "2025-09-01 – 2025-10-31."]
    # the page's other kinds leave the sample too: empty, saying what to upload and where
    for kind, name, where in (("articles", "article", "内容分析 → 已通知内容 → 下载数据明细"),
                              ("activities", "activity", "your activity list")):
        other = page.header.source(kind)
        assert other.source == TEAM and other.data.empty
        assert list(other.data.columns) == list(io.empty(kind).columns)
        assert other.status[0].startswith(f"Your team's data has no {name} data yet: upload")
        assert where in other.status[0]
    assert page.model.daily_users is users.data and page.model.articles.empty
    # the same file again changes nothing, and says so
    assert picker.upload_file(growth, "用户增长 (1).csv")
    assert users.status[1] == ("Kept in your team's data: The same file as upload 1: "
                               "nothing changed.")


def test_another_kernel_opens_on_the_team_data(db: str, growth: bytes) -> None:
    first = review_page(db)
    first.header.pickers["daily_users"].upload_file(growth, "用户增长.csv")
    later = exports.user_growth(io.sample("daily_users"), "2025-10-20", "2025-11-30")
    first.header.pickers["daily_users"].upload_file(later, "用户增长 11月.csv")
    # a new visit, another kernel: the merged history, not the sample, in Chinese too
    page = review_page(db, lang="zh")
    users = page.header.source("daily_users")
    assert users.source == TEAM and len(users.data) == 91
    assert users.data["date"].min() == pd.Timestamp("2025-09-01")
    assert users.status == [
        "团队数据：用户增长数据共 91 行，来自 2 次上传，2025-09-01 至 2025-11-30。"]
    assert page.header.source("articles").data.empty
    assert page.header.source("articles").status[0].startswith(
        "团队数据中还没有文章数据：请上传已通知内容")
    assert page.header.pickers["daily_users"].source.value == TEAM
    assert page.header.pickers["daily_users"].source.label == "团队数据"


def test_a_page_built_before_an_upload_reads_it_at_its_visit(db: str, growth: bytes) -> None:
    """A pre-heated kernel built its page minutes before the visit; another page kept an
    upload meanwhile: the visit refreshes it (``Page.from_url`` calls ``refresh``)."""
    waiting = review_page(db)
    assert waiting.header.source("daily_users").source == "sample"
    review_page(db).header.pickers["daily_users"].upload_file(growth, "用户增长.csv")
    waiting.header.model.refresh()
    assert waiting.header.source("daily_users").source == TEAM
    assert len(waiting.model.daily_users) == 61 and waiting.model.articles.empty
    # nothing changed since: a second refresh reads nothing again
    seen = waiting.header.source("daily_users").data
    waiting.header.model.refresh()
    assert waiting.header.source("daily_users").data is seen


def test_a_workspace_that_cannot_be_read_is_said_and_the_demo_shown() -> None:
    def broken() -> Workspace:
        raise StoreError("the scenario database /srv/wb.sqlite is locked by another program",
                         "方案数据库 /srv/wb.sqlite 被其他程序锁定")

    source = DataSourceModel("articles", lang="en", workspace=broken)
    assert source.source == "sample" and source.status_level == "error"
    assert source.status[0] == ("Your team's data could not be read (the scenario database "
                                "/srv/wb.sqlite is locked by another program); showing the demo "
                                "data.")
    assert source.status[1].startswith("Demo data:")
    source.lang = "zh"
    assert source.status[0].startswith("无法读取团队数据（方案数据库 /srv/wb.sqlite 被其他程序锁定")


def test_an_upload_the_workspace_cannot_keep_is_used_on_the_page_and_said(db: str) -> None:
    class Full(Workspace):
        def add(self, *args, **kwargs):
            raise StoreError("the scenario database could not be used: disk full",
                             "无法使用方案数据库：磁盘已满")

    workspace = Full(db)
    source = DataSourceModel("articles", lang="en", workspace=lambda: workspace)
    data = (io.sample("articles").head(40).to_csv(index=False)).encode()
    assert source.load_file(data, "articles.csv")
    assert source.source == "upload" and len(source.data) == 40
    assert source.status[1] == ("Used on this page only: your team's data could not keep it "
                                "(the scenario database could not be used: disk full).")
    assert "upload" in source.sources


def test_a_bad_file_keeps_the_team_data_on_screen(db: str, growth: bytes) -> None:
    page = review_page(db)
    picker = page.header.pickers["daily_users"]
    picker.upload_file(growth, "用户增长.csv")
    users = page.header.source("daily_users")
    before = users.data
    assert not picker.upload_file("时间,新关注人数\n2025年11月3日,abc\n".encode(), "坏文件.csv")
    assert users.data is before and users.status_level == "error"
    assert users.status[-1] == "The data shown before is still in use."
    assert len(Workspace(db).uploads()) == 1


def test_a_notified_articles_export_is_typed_and_planned_from(db: str) -> None:
    """已通知内容 has no content types: the tagging rules type most posts, the page says how
    many, and page 02 plans from the team's posts (it refused them before issue 21)."""
    posts = exports.notified_articles(io.sample("articles"), "2026-03-01", "2026-11-15")
    page = MixDashboard(lang="en", store=ScenarioStore(db))
    assert page.header.pickers["articles"].upload_file(posts, "已通知内容.csv")
    source = page.header.source()
    counts = source.data.attrs["tagging"]
    assert source.source == TEAM and counts.by_rule > 0.85 * len(source.data)
    assert source.status[3] == (
        f"Content types: 0 from the files, {counts.by_rule:,} by the tagging rules, 0 set by "
        f"hand, {counts.untagged:,} untagged (planned as Untagged until tagged).")
    assert not page.model.error and page.model.plan is not None
    plan = page.model.plan.posts  # posts a week: platform × content type
    assert list(plan.index) == ["wechat"] and plan.loc["wechat"].sum() > 0


def test_posts_no_rule_types_are_planned_as_untagged_with_a_warning(db: str) -> None:
    """With no tagging rule at all, every post of 已通知内容 is untagged: page 02 still plans
    (untagged posts, in a grey bar) and says why, in the status beside the plan, in both
    languages."""
    Workspace(db).set_tag_rules([])
    posts = exports.notified_articles(io.sample("articles"), "2026-03-01", "2026-11-15")
    page = MixDashboard(lang="en", store=ScenarioStore(db))
    assert page.header.pickers["articles"].upload_file(posts, "已通知内容.csv")
    source = page.header.source()
    n = len(source.data)
    assert source.data.attrs["tagging"].untagged == n
    plan = page.model.plan
    assert not page.model.error and plan is not None and plan.feasible
    assert plan.posts.columns[-1] == "untagged" and plan.posts.loc["wechat", "untagged"] > 0
    assert plan.posts.drop(columns="untagged").to_numpy().sum() == 0
    status = page.status.value
    assert "wb-status--warn" in status
    assert f"Warning: {n:,} of {n:,} posts have no content type" in status
    assert "Warning:" not in page.notes.value       # said once, not again in the folded notes
    bars = page.charts["mix"].figure.data
    assert bars[-1].name == "Untagged" and list(bars[-1].y) == [plan.posts.loc["wechat",
                                                                               "untagged"]]
    page.header.model.lang = "zh"
    assert f"注意：{n:,} 篇中有 {n:,} 篇没有内容类型" in page.status.value


def test_a_page_shows_one_account_or_all(db: str, growth: bytes) -> None:
    ws = Workspace(db)
    ws.add(growth, name="用户增长.csv")  # 61 days, to the account it makes (公众号)
    member = ws.add_account("会员中心", account_type="service")
    ws.add(exports.user_growth(io.sample("daily_users"), "2025-11-01", "2025-11-07"),
           name="会员中心 用户增长.csv", account=member)
    page = review_page(db)
    picker = page.header.account
    assert picker.layout.display == "" and picker in page.header.widget.children
    assert picker.options == (("All accounts", -1),
                              ("公众号 (WeChat, subscription)", 1),
                              ("会员中心 (WeChat, service)", 2))
    users = page.header.source("daily_users")
    assert len(users.data) == 68 and len(page.model.daily_users) == 68
    picker.value = 2
    assert len(users.data) == 7 and len(page.model.daily_users) == 7
    assert users.status[0].startswith("Your team's data: 7 rows of follower growth data")
    picker.value = -1
    assert len(users.data) == 68
    page.header.model.lang = "zh"
    assert picker.options[0] == ("全部账号", -1) and picker.description == "账号"


def test_one_account_needs_no_picker(db: str, growth: bytes) -> None:
    Workspace(db).add(growth, name="用户增长.csv")
    header = review_page(db).header
    # not even hidden on the page: the page's other controls keep their places
    assert header.account not in header.widget.children


def test_a_page_built_before_new_tags_reads_them_at_its_visit(db: str) -> None:
    """A pre-heated page 02 built its articles before the team typed posts on the Data page:
    the visit reads them again (tagging rules and choices by hand change the articles)."""
    from workbench.workspace import TagRule

    ws = Workspace(db)
    ws.add("内容标题,发表时间,阅读次数\n周末随笔,2026-11-07 20:00,3100\n早报｜新规,"
           "2026-11-08 08:00,900\n".encode(), name="已通知内容.csv")
    waiting = MixDashboard(lang="en", store=ScenarioStore(db))
    assert waiting.header.source().data["content_type"].isna().sum() == 1
    ws.set_tag_rules([*ws.tag_rules(), TagRule("随笔", "story")])
    waiting.header.model.refresh()
    typed = waiting.header.source().data
    assert typed["content_type"].astype(str).tolist() == ["story", "news"]
    ws.tag("早报｜新规", "2026-11-08 08:00", "interactive")
    waiting.header.model.refresh()
    assert waiting.header.source().data.attrs["tagging"].corrected == 1


def test_the_review_back_tests_the_team_history_and_says_so(db: str, growth: bytes) -> None:
    page = review_page(db)
    assert page.plan_pick.options[0][0] == ("Demo: the plan the team would have made on "
                                            "2026-10-05 from the history (6 weeks)")
    page.header.pickers["daily_users"].upload_file(growth, "用户增长.csv")  # to 2025-10-31
    assert page.plan_pick.options[0][0] == ("Back-test: the plan your history suggested on "
                                            "2025-09-15 (6 weeks)")
    page.header.model.lang = "zh"
    assert page.plan_pick.options[0][0].startswith("回测：按团队在 2025-09-15 之前的历史数据")
