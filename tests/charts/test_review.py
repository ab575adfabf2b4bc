"""Charts of the campaign-review page: the figures carry the review's numbers, in both
languages, with user text escaped, empty states, and in-place updates."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from workbench import io, review, roi
from workbench.charts import review as charts
from workbench.charts import theme
from workbench.i18n import level, t

CJK = re.compile(r"[\u4e00-\u9fff]")
EVIL = "<img src=x onerror=alert(1)>"
START = "2026-10-05"


# -- reviews of the bundled sample ----------------------------------------------------------
@pytest.fixture(scope="module")
def data() -> dict:
    arts = io.sample("articles")
    return {"articles": arts, "daily": io.sample("daily_users"),
            "activities": io.sample("activities"),
            "plan": review.backtest_plan(arts, START, weeks=6)}


@pytest.fixture(scope="module")
def rv(data) -> review.CampaignReview:
    return review.review(data["plan"], data["daily"], data["articles"], data["activities"])


@pytest.fixture(scope="module")
def rv_est(data) -> review.CampaignReview:
    """ROI estimates for five of the six activity types of the period (flash sale left out);
    the first activity renamed to HTML."""
    acts = data["activities"].copy()
    first = acts.index[pd.to_datetime(acts["start_date"]) >= pd.Timestamp(START)][0]
    acts.loc[first, "name"] = EVIL
    kinds = ("contest", "offline_event", "coupon", "lottery", "kol")
    return review.review(data["plan"], data["daily"], data["articles"], acts,
                         roi_estimates={k: roi.template(k) for k in kinds})


@pytest.fixture(scope="module")
def rv_bare(data) -> review.CampaignReview:
    """No activities table and no counterfactual."""
    return review.review(data["plan"], data["daily"], data["articles"], None, impact=False)


def _all_builders(r):
    return [
        lambda lang: charts.plan_vs_actual(r, lang=lang),
        lambda lang: charts.plan_vs_actual(r, by="content_type", metric="follows", lang=lang),
        lambda lang: charts.waterfall(r, lang=lang),
        lambda lang: charts.waterfall(r, by="cell", metric="shares", lang=lang),
        lambda lang: charts.trends(r, lang=lang),
        lambda lang: charts.trends(r, metric="unfollows", freq="weekly", lang=lang),
        lambda lang: charts.counterfactual(r, lang=lang),
        lambda lang: charts.counterfactual(r, metric="reads", lang=lang),
        lambda lang: charts.wci(r, lang=lang),
        lambda lang: charts.calibration(r, lang=lang),
    ]


# -- plan vs actual -------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["platform", "content_type"])
@pytest.mark.parametrize("metric", ["reads", "follows", "engagement"])
def test_plan_vs_actual_bars_are_the_variance_sums(rv, by, metric):
    fig = charts.plan_vs_actual(rv, by=by, metric=metric)
    table = rv.variance_by(by, metric).drop(index="total")
    assert [tr.type for tr in fig.data] == ["bar", "bar"]
    np.testing.assert_allclose(fig.data[0].y, table["plan"].to_numpy())
    np.testing.assert_allclose(fig.data[1].y, table["actual"].to_numpy())
    assert list(fig.data[0].x) == [level(by, c, "en") for c in table.index]
    if metric == "reads":   # the variance's totals are the KPI table's
        k = rv.kpi("reads")
        assert sum(fig.data[0].y) == pytest.approx(k["plan"])
        assert sum(fig.data[1].y) == pytest.approx(k["actual"])
        assert f"{round(k['actual']):,}" in fig.layout.title.text


def test_plan_vs_actual_marks_unplanned_groups(rv):
    fig = charts.plan_vs_actual(rv, by="content_type", metric="reads")
    table = rv.variance_by("content_type", "reads").drop(index="total")
    unplanned = [i for i, p in enumerate(table["plan"]) if p == 0]
    assert unplanned, "the sample plan leaves event reports out"
    for i in unplanned:
        assert fig.data[1].text[i] == t("chart.review.pva.unplanned", "en")


# -- waterfall ------------------------------------------------------------------------------
@pytest.mark.parametrize("by,top", [("platform", 6), ("content_type", 3), ("cell", 4)])
@pytest.mark.parametrize("metric", ["reads", "follows"])
def test_waterfall_parts_add_up_to_the_total(rv, by, top, metric):
    fig = charts.waterfall(rv, metric=metric, by=by, top=top)
    (wf,) = fig.data
    assert wf.type == "waterfall"
    v = rv.variance[rv.variance["metric"] == metric]
    plan, actual = v["plan"].sum(), v["actual"].sum()
    measure, y = list(wf.measure), np.asarray(wf.y, dtype=float)
    assert measure[0] == "absolute" and measure[-1] == "total"
    assert set(measure[1:-1]) == {"relative"}
    assert y[0] == pytest.approx(plan) and y[-1] == pytest.approx(actual)
    assert y[1:-1].sum() == pytest.approx(actual - plan)
    # the volume bars add up to the volume effect, the rate bars to the rate effect
    hover = list(wf.hovertext)
    vol = [i for i, h in enumerate(hover) if h.startswith(t("chart.review.waterfall.volume",
                                                             "en"))]
    rate = [i for i, h in enumerate(hover) if h.startswith(t("chart.review.waterfall.rate",
                                                              "en"))]
    assert sorted(vol + rate) == list(range(1, len(y) - 1)) and max(vol) < min(rate)
    assert y[vol].sum() == pytest.approx(v["volume"].sum())
    assert y[rate].sum() == pytest.approx(v["rate"].sum())
    assert len(vol) <= top and len(rate) <= top
    assert len(fig.layout.xaxis.ticktext) == len(y)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_waterfall_names_never_run_into_each_other(rv, lang):
    """At a width where the bars' names side by side are wider than their bars, every other
    name is a line lower (and the group labels below move down with them); where there is
    room, all are on one line."""
    def layout(width):
        fig = charts.waterfall(rv, lang=lang, width=width)
        names = list(fig.layout.xaxis.ticktext)
        return names, fig
    narrow, fig = layout(688)                            # the report's print width
    assert len(narrow) >= 8
    lowered = [n.startswith("<br>") for n in narrow]
    assert lowered == [i % 2 == 1 for i in range(len(narrow))]
    groups = [a for a in fig.layout.annotations if a.xref == "x"]
    assert groups and all(a.yshift <= -12 - 18 * 2 for a in groups)
    wide, fig = layout(4000)
    assert not any(n.startswith("<br>") for n in wide)
    assert [n.replace("<br>", "") for n in narrow] == wide
    # the names a line lower have room: each one's neighbours are on the other line
    per_bar = (688 - 100) / len(narrow)
    same_line = [n for n in narrow if not n.startswith("<br>")]
    assert all(sum(13 if ord(c) > 0x2E80 else 7 for c in n) < 2 * per_bar for n in same_line)


def test_waterfall_in_chinese_and_bad_arguments(rv):
    fig = charts.waterfall(rv, lang="zh")
    assert CJK.search(fig.layout.title.text)
    assert "万" in fig.layout.title.text                  # 129.0万: the short Chinese count
    with pytest.raises(ValueError):
        charts.waterfall(rv, metric="likes")
    with pytest.raises(ValueError):
        charts.waterfall(rv, by="region")
    with pytest.raises(ValueError):
        charts.plan_vs_actual(rv, by="cell")


@pytest.mark.parametrize("build", ["plan_vs_actual", "waterfall"])
def test_chinese_count_axes_are_in_wan(rv, build):
    """Chinese charts count in 万 and 亿 as their titles do (plotly alone writes 600k, 1.4M);
    English keeps plotly's k and M."""
    zh = getattr(charts, build)(rv, lang="zh").layout.yaxis
    assert zh.ticktext and any(text.endswith("万") for text in zh.ticktext)
    assert not any(text.endswith(("k", "M")) for text in zh.ticktext)
    for value, text in zip(zh.tickvals, zh.ticktext):          # the label is the value
        number = float(text.rstrip("万").replace(",", "").replace("−", "-"))
        assert number * (1e4 if text.endswith("万") else 1) == pytest.approx(value)
    lo, hi = zh.range
    assert lo <= min(zh.tickvals) and max(zh.tickvals) <= hi
    assert getattr(charts, build)(rv, lang="en").layout.yaxis.ticktext is None


def test_count_ticks_read_as_people_write_them():
    assert theme.count_ticks(0, 1_400_000, "zh")["ticktext"][-1] == "125万"
    assert theme.count_ticks(0, 3e8, "zh")["ticktext"][1:3] == ["5000万", "1亿"]
    assert theme.count_ticks(0, 600_000, "en")["ticktext"][-1] == "600k"
    log = theme.count_ticks(300, 40_000, "zh", log=True)
    assert log["ticktext"] == ["500", "1,000", "2,000", "5,000", "1万", "2万"]
    assert theme.count_ticks(300, 40_000, "en", log=True)["ticktext"][-2:] == ["10k", "20k"]
    assert theme.count_ticks(5, 5, "zh") == {} and theme.count_ticks(0, float("nan"), "en") == {}


# -- trends ---------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["reads", "new_follows", "unfollows", "net_follows"])
def test_trend_markers_sit_on_the_flagged_days(rv, metric):
    fig = charts.trends(rv, metric=metric)
    d = rv.trends.daily
    days = pd.to_datetime(d["date"]).dt.strftime("%Y-%m-%d")
    assert list(fig.data[0].x) == list(days)
    np.testing.assert_allclose(np.asarray(fig.data[0].y, dtype=float), d[metric].to_numpy())
    np.testing.assert_allclose(np.asarray(fig.data[1].y, dtype=float),
                               d[f"{metric}_expected"].to_numpy())
    spikes, drops = fig.data[2], fig.data[3]
    flags = d[f"{metric}_anomaly"].to_numpy()
    assert list(spikes.x) == list(days[flags == 1])
    assert list(drops.x) == list(days[flags == -1])
    np.testing.assert_allclose(spikes.y, d.loc[flags == 1, metric].to_numpy())
    assert spikes.marker.color == charts.SPIKE_COLOUR and drops.marker.color == charts.DROP_COLOUR
    # every anomaly of the review's table is drawn
    an = rv.trends.anomalies
    listed = an[an["series"] == metric]
    assert sorted(pd.to_datetime(listed["date"]).dt.strftime("%Y-%m-%d")) == sorted(
        list(spikes.x) + list(drops.x))


def test_trends_shade_the_campaign_and_mark_holidays(rv):
    fig = charts.trends(rv, metric="reads")
    period = fig.layout.shapes[0]
    assert pd.Timestamp(period.x0) <= pd.Timestamp(rv.start) <= pd.Timestamp(period.x1)
    assert pd.Timestamp(period.x1) >= pd.Timestamp(rv.as_of)
    texts = [a.text for a in fig.layout.annotations]
    assert "National Day" in texts and "Double 11" in texts
    assert t("chart.review.trends.period", "en") in texts
    zh = charts.trends(rv, metric="reads", lang="zh")
    assert "国庆节" in [a.text for a in zh.layout.annotations]
    # one label per run of holiday days, not one per day
    assert texts.count("National Day") == 1


def test_weekly_trend_uses_the_weekly_table(rv):
    fig = charts.trends(rv, metric="new_follows", freq="weekly")
    w = rv.trends.weekly
    assert list(fig.data[0].x) == list(pd.to_datetime(w["week_start"]).dt.strftime("%Y-%m-%d"))
    np.testing.assert_allclose(fig.data[0].y, w["new_follows"].to_numpy(dtype=float))
    assert len(fig.data[1].x) == 0                         # no expected level when weekly
    flags = w["new_follows_anomaly"].to_numpy()
    assert len(fig.data[2].x) == int((flags == 1).sum())
    assert len(fig.data[3].x) == int((flags == -1).sum())
    with pytest.raises(ValueError):
        charts.trends(rv, freq="monthly")
    # cumulative followers have no anomaly flags: a line without markers
    cum = charts.trends(rv, metric="cumulative_follows")
    assert len(cum.data[2].x) == len(cum.data[3].x) == 0


# -- counterfactual -------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["new_follows", "reads"])
def test_counterfactual_band_and_lift(rv, metric):
    fig = charts.counterfactual(rv, metric=metric)
    low, high, cf, actual = fig.data
    days = rv.impact.daily[rv.impact.daily["metric"] == metric]
    lo, hi = np.asarray(low.y, dtype=float), np.asarray(high.y, dtype=float)
    assert len(lo) == len(days) and (lo <= hi).all()
    assert high.fill == "tonexty" and low.fill in (None, "none")
    np.testing.assert_allclose(np.asarray(cf.y, dtype=float), days["counterfactual"].to_numpy())
    pre = rv.trends.daily[pd.to_datetime(rv.trends.daily["date"]) < pd.Timestamp(rv.start)]
    assert len(actual.x) == len(pre) + len(days)           # the pre-period, then the window
    np.testing.assert_allclose(np.asarray(actual.y[len(pre):], dtype=float),
                               days["actual"].to_numpy())
    row = rv.impact.summary.set_index("metric").loc[metric]
    lift = f"{round(abs(row['lift'])):,}"
    assert lift in fig.layout.title.text
    assert f"{round(abs(row['low'])):,}" in fig.layout.title.text


def test_counterfactual_empty_state(rv_bare):
    fig = charts.counterfactual(rv_bare, metric="new_follows")
    assert all(len(tr.x) == 0 for tr in fig.data)
    assert fig.layout.title.text == t("chart.review.cf.title_none", "en",
                                      metric=t("chart.review.metric.new_follows", "en"))
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert t("chart.review.cf.empty", "en") in texts
    zh = charts.counterfactual(rv_bare, metric="new_follows", lang="zh")
    assert CJK.search(zh.layout.title.text)


# -- WCI ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wci_by_week_is_labelled_with_its_version(rv, lang):
    fig = charts.wci(rv, lang=lang)
    before, during, line_before, line_during = fig.data
    w = rv.wci
    np.testing.assert_allclose(before.y, w.loc[~w["in_period"], "wci"].to_numpy())
    np.testing.assert_allclose(during.y, w.loc[w["in_period"], "wci"].to_numpy())
    np.testing.assert_allclose(line_during.y, rv.wci_period["wci"])
    np.testing.assert_allclose(line_before.y, rv.wci_baseline["wci"])
    assert len(line_during.x) == len(w)
    assert "v14.2" in fig.layout.title.text and "v14.2" in fig.layout.yaxis.title.text
    assert all("v14.2" in h for h in during.hovertext)
    if lang == "zh":
        assert CJK.search(fig.layout.title.text)


# -- calibration ----------------------------------------------------------------------------
def test_calibration_places_the_actual_roi_in_the_forecast(rv_est):
    fig = charts.calibration(rv_est)
    bars, medians, actual = fig.data
    a = rv_est.activities
    est = a[a["roi_p5"].notna()]
    assert len(est) == 5 and len(a) == 6
    np.testing.assert_allclose(bars.base, est["roi_p5"].to_numpy())
    np.testing.assert_allclose(np.add(bars.base, bars.x), est["roi_p95"].to_numpy())
    np.testing.assert_allclose(medians.x, est["roi_p50"].to_numpy())
    np.testing.assert_allclose(actual.x, a["roi"].to_numpy())
    assert list(actual.y) == list(range(len(a)))
    for i, r in enumerate(a.itertuples()):
        if isinstance(r.calibration, str):
            assert actual.marker.color[i] == charts.CALIBRATION_COLOURS[r.calibration]
            assert f"percentile {r.percentile:.0f}" in actual.hovertext[i]
        else:
            assert actual.marker.color[i] == charts.CALIBRATION_COLOURS[None]
    within = int((est["calibration"] == "within").sum())
    assert fig.layout.title.text == t("chart.review.cal.title", "en", within=within,
                                      estimated=5)
    notes = " ".join(n.text for n in fig.layout.annotations)
    assert "1 of 6" in notes                               # one activity without a forecast


def test_calibration_escapes_activity_names(rv_est):
    for lang in ("en", "zh"):
        fig = charts.calibration(rv_est, lang=lang)
        text = fig.to_json()
        assert "<img" not in text
        assert html.escape(EVIL) in " ".join(fig.layout.yaxis.ticktext)
        assert html.escape(EVIL) in fig.data[2].hovertext[0]


def test_calibration_empty_state(rv_bare, rv):
    fig = charts.calibration(rv_bare)
    assert all(len(tr.x) == 0 for tr in fig.data)
    assert t("chart.review.cal.empty", "en") in [a.text for a in fig.layout.annotations]
    zh = charts.calibration(rv_bare, lang="zh")
    assert t("chart.review.cal.empty", "zh") in [a.text for a in zh.layout.annotations]
    # activities but no forecasts: the actual ROI only
    plain = charts.calibration(rv)
    assert len(plain.data[0].x) == 0 and len(plain.data[2].x) == len(rv.activities)


# -- shared properties ----------------------------------------------------------------------
def test_titles_in_both_languages(rv):
    for build in _all_builders(rv):
        en, zh = build("en"), build("zh")
        assert en.layout.title.text and not CJK.search(en.layout.title.text)
        assert CJK.search(zh.layout.title.text), zh.layout.title.text


def test_hover_never_interpolates_raw_data_and_payloads_stay_small(rv_est):
    for build in _all_builders(rv_est):
        fig = build("en")
        for tr in fig.data:
            tpl = tr.hovertemplate
            assert tpl in (None, "%{hovertext}<extra></extra>"), tpl
        assert len(fig.to_json()) < 60_000


def test_kpi_status_colour():
    colours = {s: charts.kpi_status_colour(s) for s in review.STATUSES}
    assert len(set(colours.values())) == 4
    assert colours["on_track"] == "#2e8540" and colours["off_track"] == "#d64545"
    assert charts.kpi_status_colour("nonsense") == colours["n/a"]
    assert charts.kpi_status_colour(None) == colours["n/a"]


# -- the options a page redraws with ---------------------------------------------------------
def test_each_chart_draws_the_options_a_control_picks(rv, rv_est, rv_bare):
    """What the pages' controls change (metric, period, grouping, language) is drawn from the
    review's own tables (the charts are rebuilt and redrawn by plotly.js, ``ui.slots``)."""
    fig = charts.plan_vs_actual(rv, metric="follows")
    np.testing.assert_allclose(fig.data[1].y, rv.variance_by("platform", "follows")
                               .drop(index="total")["actual"].to_numpy())
    assert t("chart.review.metric.follows", "en") in fig.layout.title.text

    fig = charts.trends(rv, metric="new_follows", freq="weekly", lang="zh")
    np.testing.assert_allclose(fig.data[0].y, rv.trends.weekly["new_follows"].to_numpy(float))
    assert CJK.search(fig.layout.title.text)

    fig = charts.waterfall(rv, metric="follows", by="cell", top=3)
    y = np.asarray(fig.data[0].y, dtype=float)
    v = rv.variance[rv.variance["metric"] == "follows"]
    assert y[1:-1].sum() == pytest.approx(v["actual"].sum() - v["plan"].sum())
    assert len(fig.layout.xaxis.ticktext) == len(y)

    bare, filled = charts.calibration(rv_bare), charts.calibration(rv_est)
    assert len(filled.data[2].x) == len(rv_est.activities)
    assert [tr.type for tr in bare.data] == [tr.type for tr in filled.data]

    assert len(charts.counterfactual(rv, metric="reads").data[0].x) > 0
    assert CJK.search(charts.wci(rv, lang="zh").layout.title.text)
