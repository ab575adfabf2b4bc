"""workbench.io: known answers for every export format, every bad case, kind detection, samples.

Text fixtures live in tests/fixtures/; binary and re-encoded ones (xlsx, GB18030, UTF-8 BOM) are
built into tmp_path by tests/fixtures/make_fixtures.py.
"""

from __future__ import annotations

import csv
import io as stdio
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bad_inputs import check_canonical as assert_canonical  # one home for the check

from workbench import io, schemas

import make_fixtures as mf  # tests/fixtures, put on sys.path by tests/conftest.py

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

DATA_DIR = Path(os.environ.get("WORKBENCH_DATA_DIR")
                or Path(__file__).resolve().parents[2] / "data")

TS = pd.Timestamp


def fx(name: str) -> Path:
    return FIXTURES / name


def assert_error(err: io.DataError, *needles: str, fix_en: str = "", fix_zh: str = "") -> None:
    """The message names what it should, in both languages, with the fix."""
    assert isinstance(err, ValueError)
    assert err.en and err.zh and err.fix and err.fix_zh
    assert str(err) == f"{err.en}\n{err.zh}"
    assert err.message("en") == err.en and err.message("zh") == err.zh
    assert "Fix:" in err.en and err.fix in err.en
    assert "解决办法" in err.zh and err.fix_zh in err.zh
    for needle in needles:
        assert needle in err.en, (needle, err.en)
        assert needle in err.zh, (needle, err.zh)
    if fix_en:
        assert fix_en in err.fix
    if fix_zh:
        assert fix_zh in err.fix_zh


def raises(*args, **kwargs) -> io.DataError:
    with pytest.raises(io.DataError) as info:
        io.load(*args, **kwargs)
    return info.value


# --------------------------------------------------------------------------------------------
# WeChat exports: known answers
# --------------------------------------------------------------------------------------------
def test_user_growth_gb18030_csv(tmp_path):
    path = mf.encoded("wechat_user_growth.csv", tmp_path, "gb18030")
    got = io.read(path)
    df, rep = got.frame, got.report
    assert_canonical(df, "daily_users")
    assert (rep.kind, rep.detected, rep.source) == ("daily_users", True, "wechat_user_growth.csv")
    assert list(df["date"]) == [TS("2024-03-01"), TS("2024-03-02"), TS("2024-03-03")]
    assert df["new_follows"].tolist() == [1234, 980, 12000]  # "1,234" and "1.2万"
    assert df["cumulative_follows"].tolist() == [120456, 121375, 133305]
    assert df["net_follows"].tolist() == [1178, 919, 11930]
    assert df["new_from_article_menu"].tolist()[:2] == [500, 410]
    assert df["new_from_other"].isna().tolist() == [False, False, True]  # "—"
    assert (df["platform"] == "wechat").all()
    # the 合计 row is not data: skipped, and said so
    assert (rep.rows_read, rep.rows_loaded) == (4, 3)
    en = " ".join(rep.messages("en"))
    zh = " ".join(rep.messages("zh"))
    assert "summary row" in en and "rows 5" in en and "汇总行" in zh
    assert "GB18030" in en
    assert "No platform column: set to WeChat (a WeChat backend export)" in en
    assert en.startswith("Detected kind 'daily_users' from headers 时间, 新关注人数")


def test_user_growth_xlsx_title_row_fullwidth_brackets(tmp_path):
    df = io.load(mf.user_growth_xlsx(tmp_path))
    assert_canonical(df, "daily_users")
    assert df["date"].tolist() == [TS("2024-03-01"), TS("2024-03-02"), TS("2024-03-03")]
    assert df["new_follows"].tolist() == [1234, 980, 12000]
    assert df["cumulative_follows"].tolist() == [120456, 121375, 133305]
    rep = df.attrs["load_report"]
    assert rep.columns["new_follows"] == "新关注人数（人）"
    assert any("blank row" in m and "rows 5" in m for m in rep.messages("en"))


def test_content_trend_utf8_bom_tab_separated(tmp_path):
    path = mf.encoded("wechat_content_trend.tsv", tmp_path, "utf-8", bom=True)
    got = io.read(path)
    df, rep = got.frame, got.report
    assert_canonical(df, "daily_reads")
    assert rep.kind == "daily_reads"
    assert df.loc[0, "reads"] == 100000  # 10万+
    assert df.loc[0, "read_users"] == 45210  # header 阅读人数（人）
    assert df["channel"].tolist()[:7] == ["push", "chat", "moments", "search", "recommendation",
                                          "profile", "other"]
    assert pd.isna(df.loc[8, "channel"])  # 全部 = the all-channel total, no level
    assert df.loc[7, "date"] == TS("2024-03-02")  # written 2024/3/2
    assert df.loc[7, "reads"] == 95000
    en, zh = rep.messages("en"), rep.messages("zh")
    lower = [m for m in en if "10万+" in m]
    assert lower and "lower bound" in lower[0] and "100000" in lower[0] and "rows 2" in lower[0]
    assert any("10万+" in m and "下限" in m for m in zh)
    assert any("tab" in m for m in en) and any("UTF-8 with BOM" in m for m in en)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_notified_articles(tmp_path, fmt):
    path = fx("wechat_notified_articles.csv") if fmt == "csv" \
        else mf.notified_articles_xlsx(tmp_path)
    got = io.read(path)
    df, rep = got.frame, got.report
    assert_canonical(df, "articles")
    assert rep.kind == "articles" and rep.detected
    assert rep.messages("en")[0].startswith(
        "Detected kind 'articles' from headers 内容标题, 发表时间")
    assert df["article_id"].tolist() == ["A000001", "A000002", "A000003"]
    assert df.loc[0, "title"] == "春季新品发布｜三大亮点一次看懂"
    assert df.loc[0, "publish_time"] == TS("2024-03-01 20:30")
    assert df.loc[0, "reads"] == 100000  # 10万+
    assert df.loc[0, "read_users"] == 85321  # "85,321"
    assert df.loc[0, "delivered"] == 412345
    assert df.loc[0, "push_reads"] == 13200
    assert df.loc[0, "open_rate"] == pytest.approx(0.032)  # "3.2%"
    assert df.loc[0, "finish_rate"] == pytest.approx(0.456)
    assert df.loc[0, "url"] == "https://mp.weixin.qq.com/s/abc001"
    assert df.loc[1, "open_rate"] == pytest.approx(0.02)
    assert df.loc[2, "open_rate"] == pytest.approx(0.0122)
    assert df.loc[2, "publish_time"].normalize() == TS("2024-03-05")
    assert pd.isna(df.loc[2, "shares"]) and pd.isna(df.loc[2, "share_users"])  # "—", "-"
    assert (df["platform"] == "wechat").all() and (df["account_type"] == "subscription").all()
    assert df["likes"].isna().all() and df["content_type"].isna().all()
    en = " ".join(rep.messages("en"))
    assert "首次分享次数" in en  # columns not used are named
    assert "No account type column: set to subscription account" in en
    first_data_row = 2 if fmt == "csv" else 4  # the xlsx has a title row and a blank row
    assert f"(rows {first_data_row})" in en
    if fmt == "csv":
        assert df.loc[1, "publish_time"] == TS("2024-03-03")  # 2024年3月3日
        assert df.loc[2, "publish_time"] == TS("2024-03-05 12:00")
    else:
        assert df.loc[1, "publish_time"] == TS("2024-03-03 08:00")  # an Excel datetime cell
        assert df.loc[2, "read_users"] == 12000 and df.loc[2, "reads"] == 15000  # 1.2万, 1.5万


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_article_detail_sections_to_distributions(tmp_path, fmt):
    path = fx("wechat_article_detail.csv") if fmt == "csv" else mf.article_detail_xlsx(tmp_path)
    got = io.read(path)
    df, rep = got.frame, got.report
    assert_canonical(df, "distributions")
    assert rep.kind == "distributions" and rep.detected
    assert (df["title"] == "春季新品发布｜三大亮点一次看懂").all()
    gender = df[df["dimension"] == "gender"].set_index("level")
    assert gender["users"].to_dict() == {"male": 41000, "female": 52000, "unknown": 2100}
    assert gender.loc["male", "share"] == pytest.approx(0.431)
    age = df[df["dimension"] == "age"].set_index("level")["users"].to_dict()
    assert age == {"under_18": 3000, "18_24": 21000, "25_30": 30000, "31_40": 28000,
                   "41_50": 9000, "over_50": 4000}
    region = df[df["dimension"] == "region"].set_index("level")["users"].to_dict()
    assert region == {"广东": 20000, "北京": 12000, "广西": 3000}
    assert len(df) == 12
    en = " ".join(rep.messages("en"))
    assert "数据概况" in en  # the overview section is named as not used


def test_distribution_levels_merge_and_unmapped(tmp_path):
    text = ("性别分布,,\n性别,人数,占比\n男,10,50%\n女,10,50%\n,,\n年龄分布,,\n年龄,人数\n"
            "50-59岁,5\n60岁以上,5\n神秘年龄,10\n")
    df = io.load(text.encode(), name="detail.csv")
    age = df[df["dimension"] == "age"].set_index("level")
    assert age["users"].to_dict() == {"over_50": 10, "神秘年龄": 10}  # merged; kept as exported
    assert age["share"].tolist() == pytest.approx([0.5, 0.5])  # computed: no 占比 column
    en = " ".join(df.attrs["load_report"].messages("en"))
    assert "merged" in en and "神秘年龄" in en


def test_datacube_user_summary_pivots_sources():
    got = io.read(fx("datacube_user_summary.csv"))
    df = got.frame
    assert_canonical(df, "daily_users")
    assert df["date"].tolist() == [TS("2024-03-01"), TS("2024-03-02")]
    assert df["new_follows"].tolist() == [165, 98]
    assert df["unfollows"].tolist() == [10, 13]
    assert df["net_follows"].tolist() == [155, 85]
    assert df["cumulative_follows"].tolist() == [5000, 5113]
    assert df.loc[0, "new_from_search_name"] == 40 and df.loc[0, "new_from_article_menu"] == 25
    assert df.loc[0, "new_from_other"] == 100 and df.loc[1, "new_from_card_share"] == 8
    assert (got.report.rows_read, got.report.rows_loaded) == (5, 2)


def test_datacube_article_total():
    df = io.load(fx("datacube_article_total.csv"))
    assert_canonical(df, "articles")
    assert df["article_id"].tolist() == ["2247483647_1", "2247483648_1"]
    assert df["reads"].tolist() == [100000, 15678]
    assert df["read_users"].tolist() == [85321, 12004]
    assert df["delivered"].tolist() == [412345, 410002]
    assert df["favourites"].tolist() == [340, 55]  # add_to_fav_count preferred over _user
    assert df["open_rate"].tolist() == pytest.approx([0.032, 0.02])
    assert df["publish_time"].tolist() == [TS("2024-03-01"), TS("2024-03-02")]
    assert (df["platform"] == "wechat").all()


def test_followers_survey_semicolon_title_row_levels():
    got = io.read(fx("followers_survey_zh.csv"))
    df = got.frame
    assert_canonical(df, "followers")
    assert df["follower_id"].tolist() == ["Q001", "Q002", "Q003", "Q004"]
    assert df["gender"].tolist() == ["male", "female", "female", "unknown"]
    assert df["age_band"].tolist() == ["18_24", "25_30", "31_40", "over_50"]
    assert df["city_tier"].tolist() == ["tier1", "new_tier1", "tier3_plus", "tier2"]
    assert df["occupation"].tolist() == ["student", "professional", "freelancer", "retired"]
    assert df["interests"].tolist() == ["tech;games", "fashion_beauty", "parenting", "travel;food"]
    assert df["platform"].tolist() == ["wechat", "xiaohongshu", "douyin", "weibo"]
    assert df["follow_source"].tolist() == ["search", "moments_ad", "kol", "other"]
    assert df["province"].tolist() == ["广东", "四川", "河南", "浙江"]  # 广东省 → 广东
    assert df["follow_date"].tolist()[:3] == [TS("2024-01-05"), TS("2023-12-20"), TS("2024-02-01")]
    assert pd.isna(df.loc[3, "follow_date"])
    assert df["spend_90d"].tolist()[:3] == pytest.approx([1280.5, 560.0, 0.0])  # ¥1,280.50
    assert df["active_hour"].tolist()[:3] == [21, 12, 9]
    assert any("semicolon" in m for m in got.report.messages("en"))


def test_activities_chinese_headers_cost_total_computed():
    got = io.read(fx("activities_zh.csv"))
    df = got.frame
    assert_canonical(df, "activities")
    assert df["activity_type"].tolist() == ["lottery", "qa", "flash_sale"]
    assert df["platform"].tolist() == ["wechat", "zhihu", "douyin"]
    assert df["start_date"].tolist() == [TS("2024-03-01"), TS("2024-03-10"), TS("2024-03-15")]
    assert df["cost_total"].tolist() == pytest.approx([7000.0, 1300.0, 28000.0])
    assert df["reach"].tolist() == [200000, 50000, 15000]  # 1.5万
    assert df["activity_id"].isna().all()
    assert any("cost_total computed" in m for m in got.report.messages("en"))
    assert any("总成本" in m for m in got.report.messages("zh"))


# --------------------------------------------------------------------------------------------
# Our own canonical files, inputs, kind detection
# --------------------------------------------------------------------------------------------
CANONICAL = {
    "followers": "followers_canonical.csv",
    "articles": "articles_canonical.csv",
    "daily_users": "daily_users_canonical.csv",
    "activities": "activities_canonical.csv",
    "daily_reads": "daily_reads_canonical.csv",
    "distributions": "distributions_canonical.csv",
}


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_canonical_files_round_trip(kind):
    path = fx(CANONICAL[kind])
    df = io.load(path)
    assert_canonical(df, kind)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(df) == len(rows)
    sch = schemas.schema(kind)
    for i, row in enumerate(rows):
        for name, value in row.items():
            got = df.loc[i, name]
            if value == "":
                assert pd.isna(got), (name, i)
            elif sch[name].dtype == "int":
                assert got == int(value), (name, i)
            elif sch[name].dtype == "float":
                assert got == pytest.approx(float(value)), (name, i)
            elif sch[name].dtype in ("date", "datetime"):
                assert got == TS(value), (name, i)
            else:
                assert got == value, (name, i)


DETECT = [
    ("followers_canonical.csv", "followers"),
    ("followers_survey_zh.csv", "followers"),
    ("articles_canonical.csv", "articles"),
    ("wechat_notified_articles.csv", "articles"),
    ("datacube_article_total.csv", "articles"),
    ("daily_users_canonical.csv", "daily_users"),
    ("wechat_user_growth.csv", "daily_users"),
    ("datacube_user_summary.csv", "daily_users"),
    ("activities_canonical.csv", "activities"),
    ("activities_zh.csv", "activities"),
    ("daily_reads_canonical.csv", "daily_reads"),
    ("wechat_content_trend.tsv", "daily_reads"),
    ("distributions_canonical.csv", "distributions"),
    ("wechat_article_detail.csv", "distributions"),
]


@pytest.mark.parametrize(("name", "kind"), DETECT)
def test_kind_detection(name, kind):
    rep = io.read(fx(name)).report
    assert rep.kind == kind and rep.detected
    assert rep.messages("en")[0].startswith(f"Detected kind '{kind}'")
    assert kind in rep.messages("zh")[0]


def test_explicit_kind_is_used_and_not_detected():
    rep = io.read(fx("wechat_notified_articles.csv"), "articles").report
    assert rep.kind == "articles" and not rep.detected
    assert not any(m.startswith("Detected") for m in rep.messages("en"))


def test_inputs_bytes_file_object_and_upload_dict(tmp_path):
    data = fx("daily_users_canonical.csv").read_bytes()
    a = io.load(data, name="users.csv")
    b = io.load(stdio.BytesIO(data))
    c = io.load({"name": "users.csv", "content": memoryview(data)})
    with fx("daily_users_canonical.csv").open("rb") as fh:
        d = io.load(fh)
    for df in (b, c, d):
        pd.testing.assert_frame_equal(df, a)
    assert a.attrs["load_report"].source == "users.csv"
    assert d.attrs["load_report"].source == "daily_users_canonical.csv"
    xlsx = mf.canonical_xlsx("followers_canonical.csv", tmp_path).read_bytes()
    df = io.load(xlsx, name="upload.xlsx")
    assert_canonical(df, "followers")
    pd.testing.assert_frame_equal(df, io.load(fx("followers_canonical.csv")))


def test_values_counts_rates_dates():
    text = ("发表时间,总阅读次数,点赞,阅读完成率,送达阅读率\n"
            "2024年3月1日,10万+,\"1,234\",45.6%,3.2%\n"
            "2024/3/2,1.2万,—,0.5,0.01\n"
            "2024-03-03 20:30,\"12,345\",-,,\n"
            "45355,7,3,,\n")
    df = io.load(text.encode("utf-8"), name="a.csv")
    assert df["reads"].tolist() == [100000, 12000, 12345, 7]
    assert df.loc[0, "likes"] == 1234 and df.loc[3, "likes"] == 3
    assert pd.isna(df.loc[1, "likes"]) and pd.isna(df.loc[2, "likes"])  # "—", "-"
    assert df["finish_rate"].tolist()[:2] == pytest.approx([0.456, 0.5])
    assert df["open_rate"].tolist()[:2] == pytest.approx([0.032, 0.01])
    assert df["publish_time"].tolist() == [TS("2024-03-01"), TS("2024-03-02"),
                                           TS("2024-03-03 20:30"), TS("2024-03-04")]  # serial


def test_percent_numbers_without_sign_become_fractions():
    text = "发表时间,阅读次数,阅读完成率\n2024-03-01,10,45.6\n2024-03-02,10,50\n"
    got = io.read(text.encode(), name="a.csv")
    assert got.frame["finish_rate"].tolist() == pytest.approx([0.456, 0.5])
    assert any("percentages" in m for m in got.report.messages("en"))


def test_derived_columns():
    users = io.load(b"date,new_follows,unfollows\n2024-03-01,10,4\n", name="u.csv")
    assert users.loc[0, "net_follows"] == 6 and pd.isna(users.loc[0, "platform"])
    people = io.load(b"gender,age_band\nfemale,18_24\nmale,over_50\n", name="p.csv")
    assert people["follower_id"].tolist() == ["F000001", "F000002"]
    arts = io.load(b"publish_time,reads,push_reads,delivered\n2024-03-01,100,50,1000\n",
                   name="a.csv")
    assert arts.loc[0, "article_id"] == "A000001"
    assert arts.loc[0, "open_rate"] == pytest.approx(0.05)


def test_text_and_ids_kept_as_written():
    text = "article_id,publish_time,reads,title\n000123,2024-03-01,1,2024\n000124,2024-03-02,2,\n"
    df = io.load(text.encode(), name="a.csv")
    assert df["article_id"].tolist() == ["000123", "000124"]
    assert df.loc[0, "title"] == "2024" and pd.isna(df.loc[1, "title"])


def test_blank_required_rows_dropped_and_counted():
    text = "date,new_follows,unfollows\n2024-03-01,1,0\n,2,0\n2024-03-03,3,0\n,4,0\n"
    got = io.read(text.encode(), name="u.csv")
    assert got.frame["new_follows"].tolist() == [1, 3]
    assert (got.report.rows_read, got.report.rows_loaded) == (4, 2)
    assert "2 rows dropped: blank date (rows 3, 5)." in got.report.messages("en")


def test_few_bad_values_in_optional_column_become_na_with_note():
    rows = "".join(f"2024-03-{d:02d},{d},{'oops' if d == 5 else d}\n" for d in range(1, 21))
    got = io.read(("publish_time,reads,likes\n" + rows).encode(), name="a.csv")
    assert pd.isna(got.frame.loc[4, "likes"]) and got.frame.loc[5, "likes"] == 6
    note = [m for m in got.report.messages("en") if "left blank" in m]
    assert note and "row 6: 'oops'" in note[0]


def test_sample_each_kind():
    for kind in ("followers", "articles", "daily_users", "activities"):
        if not (DATA_DIR / f"{kind}.csv").exists():
            pytest.skip(f"data/{kind}.csv not generated yet")
        df = io.sample(kind)
        assert_canonical(df, kind)
        assert len(df) > 0
        for name in schemas.schema(kind).required:
            assert df[name].notna().all(), (kind, name)
        df.iloc[0, 0] = None  # a copy: the cache is untouched
        assert io.sample(kind).iloc[0, 0] is not None


def test_sample_data_dir_override(tmp_path, monkeypatch):
    (tmp_path / "daily_users.csv").write_bytes(fx("daily_users_canonical.csv").read_bytes())
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    assert len(io.sample("daily_users")) == 3
    err = pytest.raises(io.DataError, io.sample, "followers").value
    assert_error(err, "followers.csv", fix_en="WORKBENCH_DATA_DIR")


# --------------------------------------------------------------------------------------------
# Bad input: always DataError, naming where, what and the fix (en + zh)
# --------------------------------------------------------------------------------------------
def test_unreadable_encoding():
    err = raises(b"date,reads\n2024-03-01,\xff\xfe\x80\n", name="bad.csv")
    assert_error(err, "bad.csv", "UTF-8", "GB18030", fix_en="CSV UTF-8", fix_zh="CSV UTF-8")
    assert ".xlsx" in err.fix and ".xlsx" in err.fix_zh


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_empty_file(data):
    err = raises(data, name="empty.csv")
    assert_error(err, "empty.csv", fix_en="export the data again", fix_zh="重新导出")


def test_header_only_means_no_data_rows():
    err = raises("时间,新关注人数,取消关注人数\n".encode(), name="u.csv")
    assert_error(err, "u.csv", fix_en="export the data again")
    assert "header row (row 1) but no data rows" in err.en and "没有数据行" in err.zh


def test_missing_required_column_lists_closest_headers():
    err = raises("内容标题,发表时间,阅读总数\nA,2024-03-01,5\n".encode(), "articles", name="a.csv")
    assert_error(err, "a.csv", "reads", "阅读次数", "'阅读总数'", fix_en="rename", fix_zh="改成")
    assert "closest headers in the file" in err.en and "最接近的表头" in err.zh


def test_missing_cost_total_and_no_cost_items():
    err = raises("活动名称,活动类型,开始日期,参与人数\nA,抽奖,2024-03-01,5\n".encode(),
                 name="a.csv")
    assert_error(err, "cost_total", "总成本")


def test_text_in_required_number_column():
    text = "发表时间,阅读次数\n2024-03-01,100\n2024-03-02,很多\n2024-03-03,abc\n"
    err = raises(text.encode(), name="a.csv")
    assert_error(err, "a.csv", "阅读次数", "很多", "abc", fix_en="replace the text",
                 fix_zh="改成整数")
    assert err.row == 3 and err.rows == [3, 4] and err.column == "阅读次数"
    assert "row 3: '很多'" in err.en and "第 3 行：“很多”" in err.zh
    assert "column B" in err.en and "B 列" in err.zh


def test_too_many_bad_values_in_optional_column():
    text = "publish_time,reads,likes\n2024-03-01,1,x\n2024-03-02,2,y\n2024-03-03,3,4\n"
    err = raises(text.encode(), name="a.csv")
    assert_error(err, "likes", "x")
    assert "2 of 3" in err.en and "3 个值中有 2 个" in err.zh
    assert err.rows == [2, 3]


def test_duplicate_headers():
    err = raises("日期,阅读次数,阅读次数\n2024-03-01,1,2\n".encode(), name="d.csv")
    assert_error(err, "d.csv", "阅读次数", "B", "C", fix_en="rename or delete",
                 fix_zh="重命名或删除")
    assert err.row == 1


def test_negative_counts():
    text = "时间,新关注人数,取消关注人数\n2024-03-01,5,1\n2024-03-02,4,-3\n"
    err = raises(text.encode(), name="u.csv")
    assert_error(err, "u.csv", "取消关注人数", "-3", fix_en="0 or more", fix_zh="0 或以上")
    assert err.row == 3 and err.column == "取消关注人数"


def test_unreadable_date_names_row_and_value():
    text = "时间,新关注人数,取消关注人数\n2024-03-01,5,1\n2024-13-45,4,3\n"
    err = raises(text.encode(), name="u.csv")
    assert_error(err, "u.csv", "时间", "2024-13-45", fix_en="2024-03-01", fix_zh="2024年3月1日")
    assert err.row == 3


def test_xlsx_error_rows_count_title_rows(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["用户增长"])
    ws.append([])
    ws.append(["时间", "新关注人数", "取消关注人数"])
    ws.append(["2024-03-01", 1, 2])
    ws.append(["2024-03-02", "不详", 2])
    path = tmp_path / "u.xlsx"
    wb.save(path)
    err = raises(path)
    assert_error(err, "u.xlsx", "新关注人数", "不详")
    assert err.row == 5 and err.column_letter == "B"


def test_unknown_level_in_required_category():
    text = ("活动名称,活动类型,开始日期,总成本,参与人数\n"
            "A,抽奖,2024-03-01,1,5\nB,跳舞,2024-03-02,1,5\n")
    err = raises(text.encode(), name="act.csv")
    assert_error(err, "act.csv", "活动类型", "跳舞", "lottery")
    assert err.row == 3


def test_file_over_upload_limit():
    err = raises(b"x" * (io.MAX_UPLOAD_BYTES + 1), name="big.csv")
    assert_error(err, "big.csv", "50 MB", fix_en="shorter date range", fix_zh="缩短")
    assert "zip it" in err.fix and ".gz" in err.fix_zh
    assert io.MAX_UPLOAD_BYTES == 50 * 1024 * 1024


@pytest.mark.parametrize(("data", "name", "needle"), [
    (b"%PDF-1.4\n%...", "report.pdf", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
    # a web page without a table (a login page saved instead of the export); web pages *with*
    # a table load: tests/io/test_bad_inputs.py
    (b"<html><head><title>login</title></head><body>session expired</body></html>", "fake.xls",
     "HTML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "chart.png", ".png"),
])
def test_unsupported_file_types(data, name, needle):
    err = raises(data, name=name)
    assert_error(err, name, fix_en=".xlsx", fix_zh=".xlsx")
    assert needle in err.en and needle in err.zh


def test_zip_that_is_not_xlsx(tmp_path):
    import zipfile
    buf = stdio.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    err = raises(buf.getvalue(), name="notes.docx")
    assert_error(err, "notes.docx", fix_en=".xlsx")


def _zipped(members: dict[str, bytes]) -> bytes:
    import zipfile
    buf = stdio.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zipped_or_gzipped_export_reads_as_the_file_inside():
    import gzip
    plain = fx("followers_canonical.csv").read_bytes()
    expected = io.load(plain, name="followers.csv")
    for packed, name in ((_zipped({"followers.csv": plain}), "crm.zip"),
                         (gzip.compress(plain), "followers.csv.gz")):
        got = io.read(packed, name=name)
        pd.testing.assert_frame_equal(got.frame, expected)
        assert got.report.kind == "followers"
        assert got.report.notes[0][0] == f"'followers.csv' was unpacked from '{name}' and read."
    # an .xlsx inside a zip too
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["时间", "新关注人数", "取消关注人数"])
    wb.active.append(["2024-03-01", 10, 2])
    book = stdio.BytesIO()
    wb.save(book)
    frame = io.load(_zipped({"用户增长.xlsx": book.getvalue()}), name="导出.zip")
    assert frame["net_follows"].tolist() == [8]


def test_a_compressed_file_that_unpacks_too_large_is_refused(monkeypatch):
    import gzip
    monkeypatch.setattr(io.limits, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    body = b"date,new_follows,unfollows\n" + b"2024-03-01,10,2\n" * 200_000  # 3.2 MB
    for packed, name in ((_zipped({"u.csv": body}), "u.zip"), (gzip.compress(body), "u.csv.gz")):
        assert len(packed) < 50_000
        err = raises(packed, name=name)
        assert_error(err, name, "2 MB", fix_en="shorter date range", fix_zh="缩短")
        assert "unpacks to more than 2 MB" in err.en and "解压后超过 2 MB" in err.zh


def test_a_password_protected_zip_is_refused():
    packed = bytearray(_zipped({"u.csv": b"date,new_follows\n2024-03-01,1\n"}))
    # set the "encrypted" flag in the local header and in the central directory entry
    packed[6] |= 0x01
    central = packed.index(b"PK\x01\x02")
    packed[central + 8] |= 0x01
    err = raises(bytes(packed), name="u.zip")
    assert_error(err, "u.zip", fix_en="without a password", fix_zh="不加密码")
    assert "protected with a password" in err.en and "设置了密码" in err.zh


def test_damaged_xlsx():
    import zipfile
    buf = stdio.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "not xml")
    err = raises(buf.getvalue(), name="broken.xlsx")
    assert_error(err, "broken.xlsx", fix_en="save it as .xlsx")


def test_ragged_row():
    err = raises(b"date,reads\n2024-03-01,1\n2024-03-02,2,3,4\n", name="r.csv")
    assert_error(err, "r.csv", fix_en="quotes such values")
    assert err.row == 3


def test_kind_not_detected_lists_what_each_kind_needs():
    err = raises("名称,备注\nA,B\n".encode(), name="x.csv")
    assert_error(err, "x.csv", "名称")
    for kind in schemas.KINDS:
        assert kind in err.en and kind in err.zh
    assert "publish_time" in err.en and "发表时间" in err.zh


def test_kind_ambiguous():
    err = raises(b"platform\nwechat\n", name="p.csv")
    assert_error(err, "p.csv", "followers", "articles", fix_en="choose the kind")
    assert "equally" in err.en


def test_unknown_kind_argument():
    err = raises(fx("daily_users_canonical.csv"), "users")
    assert_error(err, "users", "daily_users")


def test_missing_path():
    err = raises("/nonexistent/file.csv")
    assert_error(err, "file.csv", fix_en="check the path")


# --------------------------------------------------------------------------------------------
# Property: whatever is in a count column, the result is clean Int64 or a DataError
# --------------------------------------------------------------------------------------------
cell = st.one_of(
    st.integers(min_value=-10, max_value=10**13).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["10万+", "1.2万", "1,234", "3.2%", "—", "-", "", " 12 ", "1e3", "0x10",
                     "N/A", "５６", "1.5", "99999999999999999999999", "合计", "abc"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
            max_size=8),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cell, min_size=1, max_size=12))
def test_property_count_column_clean_or_dataerror(values):
    buf = stdio.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["publish_time", "reads", "likes"])
    for i, v in enumerate(values):
        writer.writerow([f"2024-03-{i + 1:02d}", i, v])
    try:
        got = io.read(buf.getvalue().encode("utf-8"), name="p.csv")
    except io.DataError as err:
        assert err.en and err.zh and err.fix
        return
    likes = got.frame["likes"]
    assert likes.dtype == "Int64"
    assert (likes.dropna() >= 0).all()
    assert len(got.frame) == len(values)
    for i, v in enumerate(values):
        if v.strip().isascii() and v.strip().isdigit():
            assert likes[i] == int(v.strip())


def test_distribution_rows_of_one_title_merge_with_shares_recomputed():
    text = ("内容标题,维度,分类,人数,占比\n"
            "同名文章,gender,男,30,0.3\n同名文章,gender,女,70,0.7\n"
            "同名文章,gender,男,10,0.5\n同名文章,gender,女,10,0.5\n")
    df = io.load(text.encode("utf-8"), kind="distributions", name="two-articles.csv")
    got = df.set_index("level")
    assert got.loc["male", "users"] == 40 and got.loc["female", "users"] == 80
    assert got.loc["male", "share"] == pytest.approx(40 / 120)
    assert df["share"].sum() == pytest.approx(1.0)


def test_distributions_without_a_title_merge_their_levels():
    """One article's distributions (no title column) where two levels mean the same (未知 and
    unknown): merged, users added, shares from the merged users. Before, the missing title
    column was grouped by as the column named '' (KeyError), and the dimension was dropped from
    the key, so 未知 of gender and 未知 of age would have merged into one row."""
    data = ("dimension,level,users\ngender,男,20\ngender,未知,5\ngender,unknown,5\n"
            "age,未知,8\nage,18-24岁,32\n").encode()
    frame = io.load(data, "distributions", name="单篇详情.csv")
    got = {(d, lv): (u, round(s, 4)) for d, lv, u, s in
           frame[["dimension", "level", "users", "share"]].itertuples(index=False)}
    assert got == {("gender", "male"): (20, 0.6667), ("gender", "unknown"): (10, 0.3333),
                   ("age", "unknown"): (8, 0.2), ("age", "18_24"): (32, 0.8)}
