"""The workspace: uploads kept as received, merged into one history per account and kind.

The files are the bundled sample written as WeChat's backend exports it
(:mod:`workbench.sample.exports`: 用户增长 with ``2025年9月1日`` dates and a 合计 row, 已通知内容
without ids or content types, ``10万+``), GB18030 where Excel would have saved it, and the
committed fixtures of the loader's tests. Every test runs on SQLite and, when
``WORKBENCH_TEST_PG_URL`` is set, on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import store_backends
from store_backends import db_url  # noqa: F401 (a fixture)
from workbench import io, workspace
from workbench.errors import InputError
from workbench.sample import exports
from workbench.workspace import Workspace, tags

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_clean_env = store_backends.clean_env


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    return io.sample("daily_users")


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    return io.sample("articles")


@pytest.fixture()
def ws(db_url: str) -> Workspace:  # noqa: F811
    with Workspace(db_url) as opened:
        yield opened


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.attrs = {}
    return frame


def test_weekly_exports_merge_into_one_history(ws: Workspace, daily: pd.DataFrame) -> None:
    first = ws.add(exports.user_growth(daily, "2025-09-01", "2025-10-31"), name="用户增长.csv")
    assert (first.kind, first.account.name, first.account.platform) == \
        ("daily_users", "公众号", "wechat")
    assert (first.report.rows, first.report.new, first.report.updated,
            first.report.unchanged) == (61, 61, 0, 0)
    assert (first.first_date, first.last_date) == ("2025-09-01", "2025-10-31")
    # the next export overlaps 12 days, as Excel on a Chinese Windows saves it
    later = exports.user_growth(daily, "2025-10-20", "2025-11-30", encoding="gb18030")
    second = ws.add(later, name="用户增长 (1).csv")
    assert (second.report.rows, second.report.new, second.report.updated,
            second.report.unchanged) == (42, 30, 0, 12)
    assert "30 new" in second.report.summary() and "新增 30 行" in second.report.summary("zh")
    merged = ws.frame("daily_users")
    whole = io.load(exports.user_growth(daily, "2025-09-01", "2025-11-30"), name="whole.csv")
    pd.testing.assert_frame_equal(canonical(merged), canonical(whole))
    assert merged["date"].is_monotonic_increasing and merged["date"].is_unique


def test_a_later_export_wins_on_overlap(ws: Workspace, daily: pd.DataFrame) -> None:
    ws.add(exports.user_growth(daily, "2025-09-01", "2025-09-30"), name="9月.csv")
    revised = daily.copy()
    late = revised["date"].between("2025-09-28", "2025-09-30")
    revised.loc[late, "new_follows"] += 5  # WeChat settles the last days' numbers later
    revised.loc[late, "net_follows"] += 5
    again = ws.add(exports.user_growth(revised, "2025-09-28", "2025-10-06"), name="第40周.csv")
    assert (again.report.new, again.report.updated, again.report.unchanged) == (6, 3, 0)
    merged = ws.frame("daily_users").set_index("date")
    for day in ("2025-09-28", "2025-09-29", "2025-09-30"):
        want = int(daily.loc[daily["date"] == day, "new_follows"].iloc[0]) + 5
        assert merged.loc[day, "new_follows"] == want
    assert merged.loc["2025-09-27", "new_follows"] == \
        int(daily.loc[daily["date"] == "2025-09-27", "new_follows"].iloc[0])
    assert len(merged) == 36


def test_the_same_file_twice_changes_nothing(ws: Workspace, daily: pd.DataFrame) -> None:
    data = exports.user_growth(daily, "2025-11-01", "2025-11-07")
    first = ws.add(data, name="用户增长.csv")
    before = ws.frame("daily_users")
    again = ws.add(data, name="用户增长 - 副本.csv")
    assert again.id == first.id and again.report.duplicate_of == first.id
    assert (again.report.new, again.report.updated, again.report.unchanged) == (0, 0, 7)
    assert "nothing changed" in again.report.summary()
    assert len(ws.uploads()) == 1
    pd.testing.assert_frame_equal(ws.frame("daily_users"), before)


def test_remove_can_be_undone_and_nothing_is_deleted(ws: Workspace, daily: pd.DataFrame) -> None:
    ws.add(exports.user_growth(daily, "2025-09-01", "2025-09-30"), name="9月.csv")
    october = exports.user_growth(daily, "2025-10-01", "2025-10-31")
    second = ws.add(october, name="10月.csv", author="小李")
    assert len(ws.frame("daily_users")) == 61 and second.author == "小李"
    gone = ws.remove(second.id, author="小王")
    assert gone.removed and gone.removed_by == "小王"
    assert len(ws.frame("daily_users")) == 30
    assert [u.id for u in ws.uploads(removed=False)] == [1]
    assert [u.removed for u in ws.uploads()] == [False, True]
    assert ws.content(second.id) == october  # kept as received
    back = ws.restore(second.id)
    assert not back.removed and len(ws.frame("daily_users")) == 61
    # adding a removed file again brings it back rather than keeping it twice
    ws.remove(second.id)
    again = ws.add(october, name="10月.csv")
    assert again.id == second.id and not again.removed and len(ws.uploads()) == 2


def test_articles_without_ids_merge_by_title_and_time(ws: Workspace,
                                                      articles: pd.DataFrame) -> None:
    ws.add(exports.notified_articles(articles, "2025-09-01", "2025-09-30"), name="已通知内容.csv")
    grown = articles.copy()
    september = grown["publish_time"].between("2025-09-20", "2025-09-30 23:59")
    grown.loc[september, "reads"] = grown.loc[september, "reads"] + 100  # reads keep coming in
    later = ws.add(exports.notified_articles(grown, "2025-09-20", "2025-10-15"),
                   name="已通知内容 (1).csv")
    n_late_sep = int((september & (articles["platform"] == "wechat")).sum())
    n_oct = int((articles["publish_time"].between("2025-10-01", "2025-10-15 23:59")
                 & (articles["platform"] == "wechat")).sum())
    assert n_late_sep > 5 and n_oct > 5
    assert (later.report.new, later.report.updated, later.report.unchanged) == \
        (n_oct, n_late_sep, 0)
    merged = ws.frame("articles")
    wechat = articles[(articles["platform"] == "wechat")
                      & articles["publish_time"].between("2025-09-01", "2025-10-15 23:59")]
    assert len(merged) == len(wechat)
    assert merged["article_id"].is_unique and merged["article_id"].iloc[0] == "A000001"
    assert merged["publish_time"].is_monotonic_increasing
    by_title = merged.set_index(["title", "publish_time"])["reads"]
    row = articles[september & (articles["platform"] == "wechat")].iloc[0]
    want = int(row["reads"]) + 100
    got = by_title.loc[(row["title"], row["publish_time"].floor("min"))]
    assert got == (want if want < 100_000 else 100_000)  # 10万+ is read as 100,000


def test_a_later_export_without_a_column_keeps_the_earlier_values(ws: Workspace) -> None:
    """Our own CSV says each post's content type; the next 已通知内容 export has no such
    column: the history keeps the types (a blank never overwrites a value)."""
    typed = ("内容标题,发表时间,内容类型,阅读次数\n"
             "早报｜即饮咖啡价格战升级,2025-11-03 08:00,资讯,9638\n"
             "新手必看：规划家庭预算的5个步骤,2025-11-03 08:00,干货,2295\n").encode("gb18030")
    ws.add(typed, name="文章类型.csv")
    counts = ("内容标题,发表时间,阅读次数\n"
              "早报｜即饮咖啡价格战升级,2025-11-03 08:00,\"10,240\"\n"
              "新手必看：规划家庭预算的5个步骤,2025-11-03 08:00,2295\n").encode()
    r = ws.add(counts, name="已通知内容.csv").report
    assert (r.new, r.updated, r.unchanged) == (0, 1, 1)
    merged = ws.frame("articles")
    assert merged["content_type"].tolist() == ["news", "educational"]
    assert merged["reads"].tolist() == [10240, 2295]


def test_followers_with_ids_merge_by_id(ws: Workspace) -> None:
    crm = io.sample("followers").iloc[:300]
    first = crm.iloc[:200].to_csv(index=False).encode()
    changed = crm.iloc[150:300].copy()
    changed.loc[changed.index[:10], "reads_30d"] = changed["reads_30d"].iloc[:10] + 1
    ws.add(first, name="crm_1.csv", kind="followers")
    r = ws.add(changed.to_csv(index=False).encode(), name="crm_2.csv", kind="followers").report
    assert (r.new, r.updated, r.unchanged) == (100, 10, 40)
    merged = ws.frame("followers")
    assert merged["follower_id"].tolist() == crm["follower_id"].tolist()
    assert merged["reads_30d"].iloc[150] == crm["reads_30d"].iloc[150] + 1


def test_frames_are_what_the_loader_returns(ws: Workspace) -> None:
    for name in ("wechat_user_growth.csv", "wechat_notified_articles.csv",
                 "followers_survey_zh.csv", "activities_zh.csv", "wechat_content_trend.tsv"):
        up = ws.add(FIXTURES / name)
        want = io.load(FIXTURES / name)
        if up.kind == "articles":  # an export without content types: the starter rules type it
            want = tags.apply(want, workspace.STARTER_RULES, {})[0]
        pd.testing.assert_frame_equal(canonical(ws.frame(up.kind)), canonical(want))
    assert {u.kind for u in ws.uploads()} == {"daily_users", "articles", "followers",
                                               "activities", "daily_reads"}


def test_a_kind_without_data_is_an_empty_canonical_frame(ws: Workspace,
                                                         daily: pd.DataFrame) -> None:
    for kind in ("followers", "articles", "activities", "distributions"):
        empty = ws.frame(kind)
        assert empty.empty and list(empty.columns) == list(io.empty(kind).columns)
        assert empty.dtypes.equals(io.empty(kind).dtypes)
    up = ws.add(exports.user_growth(daily, "2025-11-01", "2025-11-07"), name="用户增长.csv")
    ws.remove(up.id)
    assert ws.frame("daily_users").empty and ws.frame("daily_users").dtypes.equals(
        io.empty("daily_users").dtypes)


def test_accounts_guessed_asked_and_kept_apart(ws: Workspace, daily: pd.DataFrame,
                                               articles: pd.DataFrame) -> None:
    week = exports.user_growth(daily, "2025-11-03", "2025-11-09")
    main = ws.add(week, name="用户增长.csv").account
    assert (main.name, main.platform, main.account_type) == ("公众号", "wechat", "subscription")
    ws.rename_account(main, "品牌主号")
    member = ws.add_account("会员中心", platform="wechat", account_type="service")
    # 已通知内容 is a subscription account's export: it goes to the one subscription account
    posts = ws.add(exports.notified_articles(articles, "2025-11-01", "2025-11-09"),
                   name="已通知内容.csv")
    assert posts.account.name == "品牌主号"
    # 用户增长 does not say which of the two WeChat accounts: asked, in both languages
    other_week = exports.user_growth(daily.assign(new_follows=daily["new_follows"] // 3),
                                     "2025-11-03", "2025-11-09")
    with pytest.raises(InputError) as err:
        ws.add(other_week, name="用户增长.csv")
    assert "'品牌主号', '会员中心'" in err.value.message("en")
    assert "“品牌主号”、“会员中心”" in err.value.message("zh")
    assert len(ws.uploads()) == 2  # nothing kept
    ws.add(other_week, name="用户增长.csv", account="会员中心")
    assert ws.frame("daily_users", "品牌主号")["new_follows"].tolist() == \
        daily.set_index("date").loc["2025-11-03":"2025-11-09", "new_follows"].tolist()
    assert len(ws.frame("daily_users", member)) == 7 and len(ws.frame("daily_users")) == 14
    # a Weibo export (a platform column) makes the team's Weibo account
    weibo = ("活动名称,活动类型,平台,开始日期,参与人数,总成本\n"
             "转发抽奖,抽奖,微博,2025/11/5,\"3,200\",5000\n").encode()
    assert ws.add(weibo, name="微博活动.csv").account.name == "微博"
    assert [a.name for a in ws.accounts()] == ["品牌主号", "会员中心", "微博"]
    assert ws.accounts()[2].label("zh") == "微博（微博）"
    with pytest.raises(InputError, match="already an account named"):
        ws.add_account("会员中心")
    with pytest.raises(InputError, match="no account 'Douyin'"):
        ws.frame("articles", "Douyin")


def test_a_bad_file_keeps_nothing(ws: Workspace) -> None:
    with pytest.raises(io.DataError) as err:
        ws.add("时间,新关注人数\n2025年11月3日,abc\n".encode(), name="用户增长.csv")
    assert "取消关注人数" in err.value.message("zh") or "unfollows" in err.value.message("en")
    with pytest.raises(io.DataError):
        ws.add(b"", name="empty.csv")
    assert ws.uploads() == [] and ws.accounts() == []


def test_kept_across_sessions(db_url: str, daily: pd.DataFrame) -> None:  # noqa: F811
    with Workspace(db_url) as first:
        added = first.add(exports.user_growth(daily, "2025-11-01", "2025-11-30"),
                          name="用户增长.csv", author="小李")
    with Workspace(db_url) as later:  # another kernel, another day
        again = later.uploads()
        assert [(u.id, u.file_name, u.author, u.rows) for u in again] == \
            [(added.id, "用户增长.csv", "小李", 30)]
        assert again[0].report.new == 30 and again[0].report.notes == added.report.notes
        assert len(later.frame("daily_users")) == 30


def test_an_unreadable_stored_upload_is_named_and_the_rest_loads(
        ws: Workspace, daily: pd.DataFrame, db_url: str) -> None:  # noqa: F811
    ws.add(exports.user_growth(daily, "2025-09-01", "2025-09-30"), name="9月.csv")
    bad = ws.add(exports.user_growth(daily, "2025-10-01", "2025-10-31"), name="10月.csv")
    engine = sa.create_engine(ws.url)
    # the merged history stored beside the uploads is damaged: merged again from the uploads
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE workspace_histories SET frame = :junk"),
                     {"junk": b"PAR1 damaged on disk"})
    with Workspace(db_url) as fresh:
        assert len(fresh.frame("daily_users")) == 61 and fresh.unreadable() == []
    # and so is one upload's stored frame: the rest loads, and the upload is named
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE workspace_uploads SET frame = :junk WHERE id = :id"),
                     {"junk": b"PAR1 damaged on disk", "id": bad.id})
    engine.dispose()
    with Workspace(db_url) as fresh:  # a new kernel: nothing cached
        assert len(fresh.frame("daily_users")) == 30
        named = fresh.unreadable()
        assert [u.upload.id for u in named] == [bad.id] and named[0].upload.file_name == "10月.csv"
        fresh.remove(bad.id)
        assert fresh.unreadable() == [] or all(u.upload.removed for u in fresh.unreadable())
        assert len(fresh.frame("daily_users")) == 30


def test_public_names() -> None:
    assert workspace.Workspace is Workspace
    for name in ("add", "frame", "uploads", "remove", "restore", "accounts"):
        assert callable(getattr(Workspace, name))
    assert {"Account", "Upload", "UploadReport", "Unreadable"} <= set(workspace.__all__)


def test_stored_frames_keep_every_value_and_dtype() -> None:
    """Each kind's sample, and text the fixed-width NumPy arrays would cut (NUL characters,
    empty strings, missing values), read back exactly (no pickle: ``allow_pickle=False``)."""
    from workbench.workspace import frames

    for kind in ("followers", "articles", "daily_users", "activities", "distributions"):
        frame = canonical(io.sample(kind))
        pd.testing.assert_frame_equal(frames.from_blob(frames.to_blob(frame),
                                                       frames.FORMAT_VERSION), frame)
    odd = pd.DataFrame({
        "title": pd.array(["春季\x00新品", "", None, "x\x00"], dtype="string"),
        "level": pd.Categorical(["a", None, "b", "a"], categories=["a", "b", "c"]),
        "when": pd.to_datetime(["2025-11-03 08:00", None, "2025-11-04 00:00",
                                "2025-11-05 21:30"]).astype("datetime64[ns]"),
        "reads": pd.array([100_000, None, 0, 7], dtype="Int64"),
    })
    back = frames.from_blob(frames.to_blob(odd), frames.FORMAT_VERSION)
    pd.testing.assert_frame_equal(back, odd)
    with pytest.raises(ValueError, match="format 1"):
        frames.from_blob(frames.to_blob(odd), 1)
