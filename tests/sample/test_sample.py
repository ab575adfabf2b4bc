"""The bundled sample data: reproducible, schema-true, internally consistent, with the planted
effects visible. Reads the CSVs with plain pandas (independent of ``workbench.io``), except the
one test that checks ``workbench.io.sample`` takes the distributions as they are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import sample, schemas

DATA = Path(__file__).resolve().parents[2] / "data"
KINDS = ("followers", "articles", "daily_users", "activities", "distributions")


def _read(kind: str) -> pd.DataFrame:
    schema = schemas.schema(kind)
    text = [c.name for c in schema.columns if c.dtype in ("string", "category", "multi")]
    df = pd.read_csv(DATA / sample.FILES[kind], dtype={c: "string" for c in text},
                     keep_default_na=False, na_values=[""])
    for c in schema.columns:
        if c.dtype in ("date", "datetime"):
            df[c.name] = pd.to_datetime(df[c.name], format="ISO8601")
        elif c.dtype == "int":
            df[c.name] = df[c.name].astype("Int64")
    return df


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    out = {kind: _read(kind) for kind in KINDS}
    out["planted"] = pd.read_csv(DATA / sample.FILES["followers_planted"], dtype="string")
    return out


@pytest.fixture(scope="module")
def wechat(tables) -> pd.DataFrame:
    a = tables["articles"]
    w = a[a["platform"] == "wechat"].copy()
    w["open_rate_calc"] = w["push_reads"].astype(float) / w["delivered"].astype(float)
    return w


# ------------------------------------------------------------------------------ reproducible

def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    paths = sample.write(tmp_path)
    committed = sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file())
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written == committed
    assert set(paths) == {*sample.FILES, "readme"}
    for rel in committed:
        new, old = (tmp_path / rel).read_bytes(), (DATA / rel).read_bytes()
        assert new == old, f"{rel} differs: run `python -m workbench.sample --out data/`"


def test_files_are_utf8_without_bom_and_unix_line_ends():
    for rel in [*sample.FILES.values(), "README.md"]:
        raw = (DATA / rel).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8")


def test_spring_festival_dates_come_from_the_holidays_calendar():
    assert [d.strftime("%Y-%m-%d") for d in sample.spring_festivals([2025, 2026])] == [
        "2025-01-29", "2026-02-17"]


# ------------------------------------------------------------------------------ schema

@pytest.mark.parametrize("kind", KINDS)
def test_columns_are_the_schema_names_in_order(kind):
    header = (DATA / sample.FILES[kind]).read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == schemas.schema(kind).names


@pytest.mark.parametrize("kind", KINDS)
def test_categories_within_levels_and_counts_non_negative(tables, kind):
    df = tables[kind]
    for c in schemas.schema(kind).columns:
        values = df[c.name].dropna()
        if c.dtype == "category":
            assert set(values) <= set(c.levels), c.name
        elif c.dtype == "multi":
            codes = values.str.split(";")
            assert codes.map(len).between(1, 4).all(), c.name
            assert set(codes.explode()) <= set(c.levels), c.name
        elif c.dtype in ("int", "float") and c.min_value is not None:
            assert (values.astype(float) >= c.min_value).all(), c.name
    for c in schemas.schema(kind).columns:
        if c.required:
            assert df[c.name].notna().all(), c.name


def test_row_counts(tables):
    assert len(tables["followers"]) == sample.N_FOLLOWERS
    assert 1_300 <= len(tables["articles"]) <= 1_800
    assert len(tables["daily_users"]) == 730
    assert 55 <= len(tables["activities"]) <= 70
    assert 10_000 <= len(tables["distributions"]) <= 20_000


def test_ids_are_unique_and_formatted(tables):
    f, a, act = tables["followers"], tables["articles"], tables["activities"]
    assert f["follower_id"].is_unique and f["follower_id"].str.fullmatch(r"F\d{6}").all()
    assert a["article_id"].is_unique and a["article_id"].str.fullmatch(r"A\d{6}").all()
    assert act["activity_id"].is_unique


# ------------------------------------------------------------------------------ followers

def test_followers_look_like_a_survey_export(tables):
    f = tables["followers"]
    assert f["follow_date"].max() <= sample.TODAY
    raw = pd.read_csv(DATA / "followers.csv", dtype="string")
    assert raw["follow_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    # a few blanks, not many
    for column in ("province", "occupation"):
        assert 0.01 <= f[column].isna().mean() <= 0.03, column
    assert f["gender"].notna().all() and f["age_band"].notna().all()
    # provinces are Chinese names, consistent with the tier
    assert f["province"].dropna().str.fullmatch(r"[\u4e00-\u9fff]{2,3}").all()
    tier1 = f.loc[f["city_tier"] == "tier1", "province"].dropna()
    assert set(tier1) == {"北京", "上海", "广东"}
    assert not f.loc[f["city_tier"] == "tier3_plus", "province"].isin(["北京", "上海"]).any()
    # heavy tails: the top 1 % of spenders hold a large share of the spend
    spend = f["spend_90d"].sort_values(ascending=False)
    assert spend.head(len(spend) // 100).sum() / spend.sum() > 0.10
    assert (f["shares_30d"] <= f["reads_30d"]).all()


def test_planted_segments_are_distinct_and_unequal(tables):
    f, planted = tables["followers"], tables["planted"]
    assert list(planted.columns) == ["follower_id", "segment"]
    assert planted["follower_id"].tolist() == f["follower_id"].tolist()
    sizes = planted["segment"].value_counts()
    assert 5 <= len(sizes) <= 7
    assert sizes.sum() == len(f)
    shares = sizes / sizes.sum()
    assert shares.min() >= 0.05 and shares.max() <= 0.30
    assert shares.max() / shares.min() >= 2

    df = f.assign(segment=planted["segment"].to_numpy())
    by = df.groupby("segment")
    modes = by[["platform", "age_band", "gender", "occupation"]].agg(lambda s: s.mode().iloc[0])
    # every segment has its own (platform, age band) signature ...
    assert not modes[["platform", "age_band"]].duplicated().any()
    # ... and any two segments differ in at least two of the four modal traits
    rows = modes.to_numpy()
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            assert (rows[i] != rows[j]).sum() >= 2, (modes.index[i], modes.index[j])
    # noise: no segment is perfectly pure in any trait
    purity = by["occupation"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert purity.max() < 0.95
    # behaviour differs too
    spend = by["spend_90d"].median()
    assert spend.idxmax() == "business_owners" and spend["business_owners"] > 3 * spend.median()
    assert by["shares_30d"].mean().idxmax() == "silver_readers"
    assert by["comments_30d"].apply(lambda s: s.sum()).div(
        by["reads_30d"].sum()).idxmax() == "student_gamers"
    hours = by["active_hour"].agg(lambda s: s.mode().iloc[0])
    assert hours["silver_readers"] < 9 and hours["student_gamers"] >= 22


# ------------------------------------------------------------------------------ articles

def test_articles_platform_rules(tables, wechat):
    a = tables["articles"]
    assert set(a["platform"]) == {"wechat", "weibo", "xiaohongshu", "douyin", "zhihu"}
    other = a[a["platform"] != "wechat"]
    assert (wechat["account_type"] == "subscription").all()
    assert (other["account_type"] == "other").all()
    assert other["position"].isna().all() and other["push_reads"].isna().all()
    assert wechat["position"].between(1, 4).all()
    assert wechat["url"].str.fullmatch(r"https://mp\.weixin\.qq\.com/s/[A-Za-z0-9_-]{22}").all()
    assert wechat["finish_rate"].between(0, 1).all() and wechat["avg_read_seconds"].gt(0).all()
    # one push = one publish time with positions 1..n
    push = wechat.groupby("publish_time")["position"]
    assert (push.min() == 1).all() and (push.max() == push.count()).all()
    day = wechat["publish_time"].dt.normalize()
    assert wechat.groupby(day)["publish_time"].nunique().max() == 1   # one push a day
    hhmm = wechat["publish_time"].dt.hour * 100 + wechat["publish_time"].dt.minute
    assert (hhmm.between(730, 830) | hhmm.between(1200, 1230) | hhmm.between(2000, 2130)).all()
    # 3-5 pushes a week
    weeks = (sample.TODAY - sample.START).days / 7
    assert 3 <= wechat["publish_time"].nunique() / weeks <= 5
    # titles: Chinese, some with characters that need escaping
    assert a["title"].str.contains(r"[\u4e00-\u9fff]").all()
    assert a["title"].str.contains("&", regex=False).sum() >= 3
    assert a["title"].str.contains('"', regex=False).sum() >= 1
    assert not a["title"].str.contains("<script", case=False).any()


def test_article_counts_are_consistent(tables, wechat):
    a = tables["articles"]
    assert (a["read_users"] < a["reads"]).all()
    assert (a["share_users"] <= a["shares"]).all()
    assert (wechat["push_reads"] <= wechat["reads"]).all()
    assert (wechat["delivered"] > wechat["push_reads"]).all()
    np.testing.assert_allclose(wechat["open_rate"], wechat["open_rate_calc"], atol=1e-6)
    # about two thirds of WeChat reads come from the push
    assert 0.55 <= (wechat["push_reads"] / wechat["reads"]).astype(float).median() <= 0.75
    # 10万+ posts exist but are rare
    assert 1 <= (wechat["reads"] >= 100_000).sum() <= 10


def test_delivered_is_the_follower_count_at_push_time(tables, wechat):
    d = tables["daily_users"].set_index("date")["cumulative_follows"]
    before = d.shift(1).fillna(sample.START_FOLLOWERS)
    day = wechat["publish_time"].dt.normalize()
    ratio = wechat["delivered"].astype(float).to_numpy() / before.loc[day].to_numpy()
    assert ratio.min() >= 0.98 and ratio.max() <= 1.0
    # all articles of one push reach the same followers
    assert wechat.groupby("publish_time")["delivered"].nunique().max() == 1


def test_daily_new_follows_include_the_article_follows(tables, wechat):
    d = tables["daily_users"].set_index("date")
    per_day = wechat.groupby(wechat["publish_time"].dt.normalize())["follows_after_read"].sum()
    menu = d.loc[per_day.index, "new_from_article_menu"]
    assert (menu >= per_day).all()
    assert per_day.sum() / d["new_follows"].sum() > 0.03


def test_rates_are_in_the_reference_ranges(tables, wechat):
    head = wechat[wechat["position"] == 1]
    assert 0.01 <= head["open_rate_calc"].median() <= 0.05
    assert 0.005 <= wechat["open_rate_calc"].median() <= 0.05
    a = tables["articles"].copy()
    reads = a["reads"].astype(float)
    a["share_rate"] = a["shares"] / reads
    a["engagement"] = a[["likes", "wows", "comments", "shares", "favourites"]].sum(axis=1) / reads
    assert 0.01 <= a["share_rate"].median() <= 0.06
    assert 0.02 <= a["engagement"].median() <= 0.08
    for platform, g in a.groupby("platform"):
        assert 0.01 <= g["share_rate"].median() <= 0.06, platform
        assert 0.02 <= g["engagement"].median() <= 0.08, platform
    assert (wechat["follows_after_read"] / wechat["reads"]).median() < 0.005


# ------------------------------------------------------------------------------ effects

def test_headlines_outperform_secondary_slots(wechat):
    head = wechat.loc[wechat["position"] == 1, "reads"].median()
    secondary = wechat.loc[wechat["position"] > 1, "reads"].median()
    assert head > 2 * secondary
    assert 0.15 <= secondary / head <= 0.45


def test_best_content_type_differs_by_platform(tables):
    a = tables["articles"]
    medians = a.groupby(["platform", "content_type"])["reads"].median().unstack()
    counts = a.groupby(["platform", "content_type"]).size().unstack()
    best = medians.where(counts >= 5).idxmax(axis=1)
    assert best.nunique() >= 3
    assert best["wechat"] == "educational"
    assert best["douyin"] == "fun"
    assert best["xiaohongshu"] == "product"


def _relative_reads(a: pd.DataFrame) -> pd.Series:
    group = [a["platform"], a["position"].fillna(0)]
    return a["reads"] / a.groupby(group)["reads"].transform("median")


def test_double_11_lifts_product_content(tables):
    a = tables["articles"]
    rel = _relative_reads(a)
    md = a["publish_time"].dt.month * 100 + a["publish_time"].dt.day
    d11 = md.between(1020, 1111)
    product = a["content_type"] == "product"
    assert (product & d11).sum() >= 20
    assert rel[product & d11].median() > 1.3 * rel[product & ~d11].median()
    # and the team publishes more product content then
    assert product[d11].mean() > 1.5 * product[~d11].mean()


def test_spring_festival_dips_wechat(wechat):
    head = wechat[wechat["position"] == 1]
    day = head["publish_time"].dt.normalize()
    spring = pd.Series(False, index=head.index)
    for sf in sample.spring_festivals([2025, 2026]):
        spring |= day.between(sf - pd.Timedelta(days=4), sf + pd.Timedelta(days=7))
    assert spring.sum() >= 4
    rate = head["open_rate_calc"]
    assert rate[spring].median() < 0.75 * rate[~spring].median()


def test_weekday_and_hour_effects_on_wechat(wechat):
    head = wechat[wechat["position"] == 1]
    weekend = head["publish_time"].dt.day_of_week >= 5
    rate = head["open_rate_calc"]
    assert rate[~weekend].median() > 1.1 * rate[weekend].median()
    hour = head["publish_time"].dt.hour
    evening = head.loc[hour >= 20, "open_rate_calc"].median()
    noon = head.loc[hour == 12, "open_rate_calc"].median()
    assert evening > 1.1 * noon


# ------------------------------------------------------------------------------ daily users

def test_daily_users_arithmetic(tables):
    d = tables["daily_users"]
    assert (d["platform"] == "wechat").all()
    days = pd.date_range(sample.START, sample.TODAY, freq="D")
    assert d["date"].tolist() == list(days)
    assert (d["net_follows"] == d["new_follows"] - d["unfollows"]).all()
    cum = d["cumulative_follows"].to_numpy(dtype=np.int64)
    net = d["net_follows"].to_numpy(dtype=np.int64)
    assert cum[0] == sample.START_FOLLOWERS + net[0]
    assert (np.diff(cum) == net[1:]).all()
    sources = [c for c in schemas.DAILY_USERS.names if c.startswith("new_from_")]
    assert (d[sources].sum(axis=1) == d["new_follows"]).all()
    assert 150_000 <= cum[0] <= 200_000


def test_followers_grow_slowly_with_activity_spikes(tables):
    d = tables["daily_users"].set_index("date")
    cum = d["cumulative_follows"]
    assert cum.iloc[-1] > cum.iloc[0]
    monthly = cum.resample("ME").last().pct_change().dropna()
    assert 0.002 <= monthly.mean() <= 0.015
    act = tables["activities"]
    act = act[(act["platform"] == "wechat") & (act["follows_gained"] > 2_000)]
    assert len(act) >= 3
    for start, end in zip(act["start_date"], act["end_date"]):
        assert d.loc[start:end, "new_follows"].mean() > 1.5 * d["new_follows"].median()


# ------------------------------------------------------------------------------ activities

def test_activities_costs_and_funnel(tables):
    act = tables["activities"]
    assert set(act["activity_type"]) == set(schemas.ACTIVITY_TYPES)
    items = [c for c in schemas.ACTIVITIES.names if c.startswith("cost_") and c != "cost_total"]
    np.testing.assert_allclose(act[items].sum(axis=1), act["cost_total"], atol=0.005)
    assert (act["reach"] > act["participants"]).all()
    assert (act["participants"] > act["conversions"]).all()
    assert (act["cost_staff"] > 0).all()
    by_type = act.groupby("activity_type")
    assert (by_type["cost_prizes"].min()[["lottery", "contest"]] > 0).all()
    assert (by_type["cost_coupons"].min()[["coupon"]] > 0).all()
    assert (by_type["cost_ads"].min()[["paid_ads"]] > 0).all()
    assert (by_type["cost_kol"].min()[["kol"]] > 0).all()
    assert (by_type["cost_venue"].min()[["offline_event"]] > 0).all()
    length = (act["end_date"] - act["start_date"]).dt.days + 1
    assert length.between(1, 14).all()
    assert act["start_date"].min() >= sample.START and act["end_date"].max() <= sample.TODAY
    assert act["name"].str.contains(r"[\u4e00-\u9fff]").all()
    roi = (act["revenue"] - act["cost_total"]) / act["cost_total"]
    assert (roi < 0).mean() >= 0.2 and (roi > 1).mean() >= 0.2
    assert roi.min() > -1 and roi.max() < 8


# ------------------------------------------------------------------------------ distributions

def test_distributions_cover_the_wechat_articles_by_title(tables, wechat):
    d, a = tables["distributions"], tables["articles"]
    assert set(d["title"]) <= set(a["title"])
    assert set(d["title"]) == set(wechat["title"])     # every WeChat article, nothing else
    assert not d.duplicated(["title", "dimension", "level"]).any()
    # laid out like the export: per title gender, age, region; gender and age with every level
    # in order, region the provinces with readers, most readers first
    dim_rank = d["dimension"].map(schemas.DISTRIBUTION_DIMENSIONS.index)
    assert (dim_rank.groupby(d["title"], sort=False).diff().dropna() >= 0).all()
    for dim, levels in (("gender", schemas.GENDERS), ("age", schemas.AGE_BANDS)):
        per_title = d[d["dimension"] == dim].groupby("title", sort=False)["level"].agg(tuple)
        assert set(per_title) == {tuple(levels)}, dim
    region = d[d["dimension"] == "region"]
    assert (region["users"] > 0).all()
    assert (region.groupby("title", sort=False)["users"].diff().dropna() <= 0).all()
    assert set(region["level"]) <= set(tables["followers"]["province"].dropna())
    assert region.groupby("title").size().min() >= 20


def test_distribution_users_sum_to_the_articles_readers(tables, wechat):
    d = tables["distributions"]
    readers = wechat["read_users"].fillna(wechat["reads"]).groupby(wechat["title"]).sum()
    users = d.groupby(["title", "dimension"])["users"].sum().unstack()
    assert list(users.columns) == sorted(schemas.DISTRIBUTION_DIMENSIONS)
    for dim in schemas.DISTRIBUTION_DIMENSIONS:
        assert (users[dim] == readers.reindex(users.index)).all(), dim
    # shares are users / readers as the export rounds them (4 decimals), so they sum to 1
    # within the rounding of each level
    total = d.groupby(["title", "dimension"])["users"].transform("sum").astype(float)
    np.testing.assert_allclose(d["share"], (d["users"] / total).round(4), atol=1e-9)
    sums = d.groupby(["title", "dimension"])["share"].agg(["sum", "size"])
    assert ((sums["sum"] - 1).abs() <= sums["size"] * 0.00005 + 1e-9).all()


def test_distributions_load_through_io_and_match_the_articles(tables):
    from workbench import io

    d = io.sample("distributions")
    report = d.attrs["load_report"]
    assert report.rows_loaded == report.rows_read == len(tables["distributions"])
    assert not report.notes          # nothing merged, renamed or recomputed on the way in
    assert d["users"].sum() == tables["distributions"]["users"].sum()
    articles = io.sample("articles")
    assert set(d["title"]) <= set(articles.loc[articles["platform"] == "wechat", "title"])


def _shares(profile: pd.DataFrame, dimension: str) -> pd.DataFrame:
    p = profile[(profile["platform"] == "wechat") & (profile["dimension"] == dimension)]
    return p.pivot(index="content_type", columns="level", values="share")


def test_reader_profiles_differ_by_content_type(tables):
    from workbench import personas   # imports scikit-learn: a few seconds, only for this test

    profile = personas.reader_profile(tables["distributions"], tables["articles"])
    gender, age = _shares(profile, "gender"), _shares(profile, "age")
    region = _shares(profile, "region")
    for shares in (gender, age, region):
        np.testing.assert_allclose(shares.sum(axis=1), 1, atol=1e-3)
    # product readers are mostly women (young women, family managers), more than the career
    # and news readers
    female = gender["female"]
    assert female["product"] > 0.60
    assert female["product"] > female["educational"] + 0.06
    assert female["product"] > female["news"] + 0.06
    # educational and news: working age, tier-1 cities
    working = age["25_30"] + age["31_40"]
    assert working["educational"] > working["product"] + 0.12
    tier1 = region[["北京", "上海", "广东"]].sum(axis=1)
    assert tier1["educational"] > tier1["product"] + 0.10
    # fun draws the youngest readers; story and event reports the oldest (silver readers)
    young = age["under_18"] + age["18_24"]
    assert young.idxmax() == "fun" and young["fun"] > young["educational"] + 0.04
    assert age["over_50"].idxmax() in ("story", "event_report")


def test_distributions_vary_with_the_title_topic(tables, wechat):
    d = tables["distributions"]
    female = d[(d["dimension"] == "gender") & (d["level"] == "female")].set_index("title")["share"]
    kind = wechat.groupby("title")["content_type"].agg(lambda s: s.iloc[0] if s.nunique() == 1
                                                      else None)
    edu = female[kind.reindex(female.index) == "educational"]
    parenting = edu[edu.index.str.contains("亲子|儿童")]
    career = edu[edu.index.str.contains("理财|周报|职场")]
    assert len(parenting) >= 3 and len(career) >= 3
    assert parenting.mean() > career.mean() + 0.03
    # articles of one type are not copies of one another
    product = female[kind.reindex(female.index) == "product"]
    assert 0.01 < product.std() < 0.08


# ------------------------------------------------------------------------------ README

def test_readme_documents_every_column_from_the_schema():
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{sample.FILES[kind]}`" in text
        for c in schemas.schema(kind).columns:
            assert f"| `{c.name}` | {c.zh} | {c.dtype} | {c.unit} |" in text
    assert sample.FILES["followers_planted"] in text and "tests only" in text
    for seg in sample.SEGMENTS:
        assert f"`{seg.code}`" in text
