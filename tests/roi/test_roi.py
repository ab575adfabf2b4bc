"""Activity ROI: hand-computed model, PERT draws, break-even, tornado, copula, validation,
priors from the sample history, templates and payloads."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from workbench import io, roi, schemas
from workbench.errors import InputError
from workbench.roi import ActivityEstimate, Range


@pytest.fixture(scope="module")
def activities() -> pd.DataFrame:
    return io.sample("activities")


# Every input fixed; the numbers are worked by hand in test_fixed_inputs_give_hand_roi.
FIXED = dict(reach=10_000, participation_rate=0.1, conversion_rate=0.05,
             value_per_conversion=200, margin=0.5, follow_rate=0.2, follower_value=10,
             retention=0.5, cost_prizes=1_000, cost_venue=500, cost_materials=200, cost_kol=0,
             staff_hours=10, staff_rate=100, cost_per_participant=1, coupon_face_value=20,
             coupon_redemption=0.1, ad_impressions=100_000, cpm=50, ad_clicks=100, cpc=2)


# ------------------------------------------------------------------ the model by hand
def test_fixed_inputs_give_hand_roi() -> None:
    # 10,000 reached × 10 % = 1,000 participants; × 5 % = 50 conversions; × 200 × 0.5 = 5,000
    # 1,000 × 20 % = 200 follows × 50 % retained × 10 CNY = 1,000  → value 6,000
    # cost: prizes 1,000 + venue 500 + materials 200 + staff 10 h × 100 = 1,000
    #       + 1,000 participants × (1 + 10 % × 20) = 3,000
    #       + 100,000 impressions × 50 / 1,000 = 5,000 + 100 clicks × 2 = 200   → 10,900
    value, cost = 6_000.0, 10_900.0
    hand = (value - cost) / cost
    res = roi.simulate(ActivityEstimate("coupon", **FIXED), n=1_000, seed=3)
    s = res.summary
    assert s["roi_mean"] == pytest.approx(hand, rel=1e-12)
    assert s["roi_p5"] == s["roi_p50"] == s["roi_p95"] == s["roi_mean"]
    assert s["roi_likely"] == pytest.approx(hand, rel=1e-12)
    assert s["roi_std"] == 0.0 and s["p_roi_positive"] == 0.0
    assert s["value_mean"] == pytest.approx(value) and s["cost_mean"] == pytest.approx(cost)
    assert s["profit_mean"] == pytest.approx(value - cost)
    assert s["participants_mean"] == pytest.approx(1_000)
    assert s["cost_per_conversion"] == pytest.approx(cost / 50)
    assert s["cost_per_follow"] == pytest.approx(cost / 200)
    assert res.draws == {}
    np.testing.assert_allclose(res.samples["roi"], hand, rtol=1e-6)
    assert res.samples["roi"].shape == (1_000,)


def test_evaluate_matches_the_documented_example() -> None:
    out = roi.evaluate({"reach": 10_000, "participation_rate": 0.1, "conversion_rate": 0.05,
                        "value_per_conversion": 200, "cost_prizes": 5_000})
    assert (out["value"], out["cost"], out["roi"]) == (10_000.0, 5_000.0, 1.0)
    assert math.isnan(out["cost_per_follow"])          # no follows


def test_vectorised_samples_match_the_scalar_model() -> None:
    res = roi.simulate(roi.template("offline_event"), n=2_000, seed=5)
    fixed = {k: r.likely for k, r in res.estimate.inputs().items() if r.is_fixed}
    for i in (0, 17, 1_999):
        point = {**fixed, **{k: float(x[i]) for k, x in res.draws.items()}}
        out = roi.evaluate(point)
        for key in ("cost", "value", "profit", "roi", "cost_per_follow"):
            assert res.samples[key][i] == pytest.approx(out[key], rel=1e-5)


# ------------------------------------------------------------------ PERT draws
@pytest.mark.parametrize("low, likely, high", [(10, 20, 60), (0.01, 0.01, 0.05),
                                               (100, 400, 400), (0, 5, 10)])
def test_pert_mean_matches_formula(low: float, likely: float, high: float) -> None:
    r = Range(low, likely, high)
    assert r.mean == pytest.approx((low + 4 * likely + high) / 6)
    est = ActivityEstimate("kol", reach=r, participation_rate=0.1, conversion_rate=0.1,
                           value_per_conversion=100, cost_kol=1_000)
    n = 200_000
    draws = roi.simulate(est, n=n, seed=11).draws["reach"].astype(np.float64)
    se = r.std / math.sqrt(n)
    assert abs(draws.mean() - r.mean) < 4 * se
    assert draws.std() == pytest.approx(r.std, rel=0.02)
    assert low <= draws.min() and draws.max() <= high
    a, b = r.shape
    ks = stats.kstest((draws - low) / (high - low), stats.beta(a, b).cdf)
    assert ks.statistic < 1.63 / math.sqrt(n) + 1e-3   # 1 % critical value + table error


def test_mc_mean_roi_matches_analytic_mean() -> None:
    # ROI is linear in the order value when everything else is fixed:
    # E[ROI] = (1,000 conversions × E[v] − cost) / cost with E[v] the PERT mean.
    r = Range(80, 120, 220)
    est = ActivityEstimate("coupon", reach=100_000, participation_rate=0.1,
                           conversion_rate=0.1, value_per_conversion=r, cost_prizes=100_000)
    n = 100_000
    res = roi.simulate(est, n=n, seed=2)
    analytic = (1_000 * r.mean - 100_000) / 100_000
    se = 1_000 * r.std / 100_000 / math.sqrt(n)
    assert abs(res.summary["roi_mean"] - analytic) < 4 * se
    assert res.summary["roi_of_means"] == pytest.approx(analytic, abs=4 * se)


def test_summary_quantiles_match_numpy() -> None:
    res = roi.simulate(roi.template("lottery"), n=50_000, seed=9, target=0.5)
    roi_ = res.samples["roi"]
    p5, p50, p95 = np.quantile(roi_, [0.05, 0.5, 0.95])
    s = res.summary
    assert (s["roi_p5"], s["roi_p50"], s["roi_p95"]) == pytest.approx((p5, p50, p95), rel=1e-6)
    assert s["p_roi_positive"] == pytest.approx(float(np.mean(roi_ > 0)))
    assert s["p_roi_above_target"] == pytest.approx(float(np.mean(roi_ > 0.5)))
    assert s["p_roi_above_target"] < s["p_roi_positive"]
    assert s["profit_p95"] == pytest.approx(np.quantile(res.samples["profit"], 0.95), rel=1e-5)
    assert s["target"] == 0.5


def test_chance_of_loss_counts_roi_below_zero_not_break_even() -> None:
    # 20 % of the draws lose half the money, 30 % break even exactly, 50 % double it; one
    # draw in ten has no ROI (no cost): it is neither a loss nor a gain.
    n = 1_000
    roi_ = np.repeat(np.float32([-0.5, 0.0, 1.0, np.nan]), [200, 300, 400, 100])
    samples = {k: np.ones(n, np.float32) for k in ("profit", "cost", "value", "participants",
                                                   "conversions", "follows")}
    samples["roi"] = roi_
    s = roi._summary(samples, n, None, {"roi": 0.0})
    assert s["p_loss"] == 0.2                  # ROI < 0: money lost
    assert s["p_roi_positive"] == 0.4          # kept: ROI > 0
    res = roi.simulate(roi.template("lottery"), n=20_000, seed=4)
    assert res.summary["p_loss"] == float(np.mean(res.samples["roi"] < 0))


# ------------------------------------------------------------------ break-even
def test_break_even_matches_closed_form() -> None:
    # 1,000 participants × rate × 100 CNY = 8,000 CNY of prizes  →  rate = 0.08
    est = ActivityEstimate("coupon", reach=10_000, participation_rate=0.1,
                           conversion_rate=(0.05, 0.1, 0.2), value_per_conversion=100,
                           cost_prizes=(5_000, 8_000, 12_000), staff_hours=(0, 0, 10),
                           staff_rate=100)
    be = roi.break_even(est)
    assert be["conversion_rate"] == pytest.approx(0.08)
    assert be["cost_prizes"] == pytest.approx(10_000)        # value at likely = 10,000
    assert be["staff_hours"] is None                         # 0-10 h never eat the 2,000 margin
    assert be["reach"] is None                               # fixed and not at break-even
    assert set(be) == set(roi.INPUT_KEYS)
    assert roi.simulate(est, n=1_000).break_even == be


def test_break_even_zeroes_profit_on_every_template() -> None:
    for kind in roi.ACTIVITY_TYPES:
        est = roi.template(kind)
        base = est.likely()
        for key, x in roi.break_even(est).items():
            if x is None:
                continue
            r = getattr(est, key)
            assert r.low <= x <= r.high
            profit = roi.evaluate({**base, key: x})["profit"]
            assert abs(profit) < 1e-6 * roi.evaluate(base)["cost"], (kind, key)


def test_root_falls_back_to_brentq_when_not_linear() -> None:
    assert roi._root(lambda x: x * x - 2.0, 0.0, 2.0) == pytest.approx(math.sqrt(2), rel=1e-10)
    assert roi._root(lambda x: x * x + 1.0, -1.0, 1.0) is None
    assert roi._root(lambda x: 3.0 * x - 1.5, 0.0, 1.0) == pytest.approx(0.5)


@settings(max_examples=60, deadline=None)
@given(value=st.floats(1_000, 50_000), lo=st.floats(0, 30_000), width=st.floats(1, 30_000),
       at=st.floats(0, 1))
def test_break_even_of_prizes_is_value_minus_other_costs(value: float, lo: float,
                                                         width: float, at: float) -> None:
    est = ActivityEstimate("lottery", reach=1_000, participation_rate=1.0,
                           conversion_rate=1.0, value_per_conversion=value / 1_000,
                           cost_prizes=(lo, lo + at * width, lo + width), staff_hours=5,
                           staff_rate=100)
    expected = value - 500
    got = roi.break_even(est)["cost_prizes"]
    if lo <= expected <= lo + width:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-6)
    else:
        assert got is None


# ------------------------------------------------------------------ tornado
def test_tornado_order_and_values_on_a_constructed_case() -> None:
    # 100 conversions × order value; cost = prizes + staff hours × 100; at likely:
    # value 10,000, cost 6,000, ROI 2/3.
    est = ActivityEstimate("contest", reach=10_000, participation_rate=0.1,
                           conversion_rate=0.1, value_per_conversion=(90, 100, 110),
                           cost_prizes=(4_000, 5_000, 8_000), staff_hours=(5, 10, 12),
                           staff_rate=100)
    table = roi.simulate(est, n=20_000, seed=1).sensitivity
    assert list(table.index) == ["cost_prizes", "value_per_conversion", "staff_hours"]
    assert table.loc["cost_prizes", "roi_low"] == pytest.approx(1.0)          # 5,000 cost
    assert table.loc["cost_prizes", "roi_high"] == pytest.approx(1_000 / 9_000)
    assert table.loc["value_per_conversion", "roi_low"] == pytest.approx(0.5)
    assert table.loc["value_per_conversion", "roi_high"] == pytest.approx(5 / 6)
    assert table.loc["staff_hours", "roi_low"] == pytest.approx(4_500 / 5_500)
    assert table.loc["staff_hours", "roi_high"] == pytest.approx(3_800 / 6_200)
    assert table["swing"].is_monotonic_decreasing
    assert table.loc["cost_prizes", "spearman"] < -0.5
    assert table.loc["value_per_conversion", "spearman"] > 0.2
    assert table.loc["cost_prizes", "label_zh"] == "奖品成本"


def test_sensitivity_lists_only_uncertain_inputs() -> None:
    res = roi.simulate(roi.template("kol"), n=20_000, seed=0)
    table = res.sensitivity
    assert set(table.index) == set(res.estimate.uncertain())
    assert {"label_en", "label_zh", "low", "likely", "high", "roi_low", "roi_high", "swing",
            "spearman"} <= set(table.columns)
    assert table["spearman"].between(-1, 1).all()


# ------------------------------------------------------------------ correlation
def _reach_participation(rho: float | None) -> roi.RoiResult:
    est = ActivityEstimate("lottery", reach=(50_000, 100_000, 200_000),
                           participation_rate=(0.04, 0.08, 0.12), conversion_rate=0.01,
                           value_per_conversion=200, follow_rate=0.3, follower_value=10,
                           cost_prizes=10_000)
    corr = None if rho is None else {("reach", "participation_rate"): rho}
    return roi.simulate(est, n=100_000, seed=4, correlation=corr)


def test_correlation_changes_spread_in_expected_direction() -> None:
    none, pos, neg = (_reach_participation(r) for r in (None, 0.8, -0.8))
    assert pos.summary["roi_std"] > 1.15 * none.summary["roi_std"]
    assert neg.summary["roi_std"] < 0.85 * none.summary["roi_std"]
    assert pos.summary["roi_p95"] > none.summary["roi_p95"] > neg.summary["roi_p95"]
    # the marginals keep their PERT distribution
    for res in (pos, neg):
        r = res.estimate.reach
        assert abs(res.draws["reach"].mean(dtype=np.float64) - r.mean) < 4 * r.std / math.sqrt(
            res.n)
    # rank correlation of a Gaussian copula: 6/π asin(ρ/2)
    rho_s = stats.spearmanr(pos.draws["reach"], pos.draws["participation_rate"]).statistic
    assert rho_s == pytest.approx(6 / math.pi * math.asin(0.4), abs=0.01)
    assert pos.correlation == {("reach", "participation_rate"): 0.8}


def test_correlation_forms_agree() -> None:
    est = roi.template("paid_ads").replace(correlation={})
    pair = {("participation_rate", "reach"): 0.5}
    frame = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["reach", "participation_rate"],
                         columns=["reach", "participation_rate"])
    matrix = np.eye(len(roi.INPUT_KEYS))
    i, j = roi.INPUT_KEYS.index("reach"), roi.INPUT_KEYS.index("participation_rate")
    matrix[i, j] = matrix[j, i] = 0.5
    results = [roi.simulate(est, n=5_000, seed=1, correlation=c) for c in (pair, frame, matrix)]
    for res in results[1:]:
        np.testing.assert_array_equal(res.samples["roi"], results[0].samples["roi"])
    # the estimate's own correlation is used when none is passed
    own = roi.simulate(est.replace(correlation=pair), n=5_000, seed=1)
    np.testing.assert_array_equal(own.samples["roi"], results[0].samples["roi"])


@pytest.mark.parametrize("corr, words", [
    ({("reach", "participation_rate"): 1.5}, ("[-1, 1]", "相关系数")),
    ({("reach", "nonsense"): 0.5}, ("nonsense", "无法识别")),
    ({("reach", "reach"): 0.5}, ("itself", "自身")),
    ({("reach", "participation_rate"): 0.9, ("participation_rate", "conversion_rate"): 0.9,
      ("reach", "conversion_rate"): -0.9}, ("cannot all hold", "不能同时成立")),
])
def test_invalid_correlation_raises(corr: dict, words: tuple[str, str]) -> None:
    est = roi.template("lottery")
    with pytest.raises(InputError) as info:
        roi.simulate(est, n=100, correlation=corr)
    assert words[0] in info.value.en and words[1] in info.value.zh


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("key, value, en_words, zh_words", [
    ("reach", (5_000, 3_000, 1_000), ("Reach", "low ≤ likely ≤ high"), ("曝光人数", "最低")),
    ("participation_rate", (0.1, 0.5, 1.5), ("Participation rate", "between 0 and 1"),
     ("参与率", "0 到 1")),
    ("conversion_rate", 1.5, ("Conversion rate", "0.05"), ("转化率", "0.05")),
    ("cost_prizes", -100, ("Prizes", "negative"), ("奖品成本", "负数")),
    ("cpm", (-1, 50, 80), ("CPM", "negative"), ("千次曝光成本", "负数")),
    ("reach", ("a lot", 1, 2), ("Reach", "not a number"), ("曝光人数", "不是数字")),
    ("staff_hours", "10", ("Staff hours", "not a number"), ("人力工时", "不是数字")),
    ("follower_value", (1, 2), ("Value of a follower", "three numbers"), ("单个粉丝价值", "三个")),
    ("retention", float("nan"), ("Retention", "finite"), ("留存率", "有限")),
])
def test_invalid_inputs_raise_bilingual_errors(key: str, value: object,
                                               en_words: tuple[str, ...],
                                               zh_words: tuple[str, ...]) -> None:
    with pytest.raises(InputError) as info:
        ActivityEstimate("lottery", **{key: value})
    err = info.value
    assert isinstance(err, ValueError)
    for w in en_words:
        assert w in err.en
    for w in zh_words:
        assert w in err.zh
    assert key in err.en and key in err.zh                  # the stable key, too
    assert err.fix and err.fix_zh
    # the same through replace() on an existing estimate
    with pytest.raises(InputError):
        roi.template("lottery").replace(**{key: value})


def test_other_invalid_requests() -> None:
    with pytest.raises(InputError, match="not a number"):
        Range(1, "2", 3)
    with pytest.raises(InputError, match="low ≤ likely ≤ high"):
        Range(3, 2, 1)
    with pytest.raises(InputError) as info:
        ActivityEstimate("webinar")
    assert "lottery" in info.value.en and "活动类型" in info.value.zh
    with pytest.raises(InputError, match="Unknown input"):
        roi.template("qa").replace(budget=5)
    with pytest.raises(InputError) as info:
        roi.simulate(ActivityEstimate("qa", reach=1_000, participation_rate=0.1))
    assert "costs nothing" in info.value.en and "成本" in info.value.zh
    for n in (0, -5, 2.5, True):
        with pytest.raises(InputError):
            roi.simulate(roi.template("qa"), n=n)
    with pytest.raises(InputError):
        roi.simulate(roi.template("qa"), n=10, target="high")
    with pytest.raises(InputError):
        roi.template("party")


# ------------------------------------------------------------------ determinism
def test_same_seed_same_result() -> None:
    est = roi.template("coupon")
    a, b = roi.simulate(est, n=20_000, seed=7), roi.simulate(est, n=20_000, seed=7)
    for key in a.samples:
        np.testing.assert_array_equal(a.samples[key], b.samples[key])
    assert a.summary == b.summary
    c = roi.simulate(est, n=20_000, seed=8)
    assert not np.array_equal(a.samples["roi"], c.samples["roi"])
    assert roi.simulate(est, n=1_000, seed=None).n == 1_000


def test_correlating_two_inputs_leaves_the_others_draws_alone() -> None:
    est = roi.template("kol")
    plain = roi.simulate(est, n=5_000, seed=3)
    linked = roi.simulate(est, n=5_000, seed=3,
                          correlation={("reach", "participation_rate"): 0.6})
    np.testing.assert_array_equal(plain.draws["cost_kol"], linked.draws["cost_kol"])
    assert not np.array_equal(plain.draws["reach"], linked.draws["reach"])


# ------------------------------------------------------------------ priors from history
def _q(x: pd.Series) -> tuple[float, float, float]:
    lo, mid, hi = np.quantile(x.dropna().to_numpy(dtype=float), [0.1, 0.5, 0.9])
    return lo, mid, hi


def test_priors_match_hand_quantiles(activities: pd.DataFrame) -> None:
    coupon = activities[activities["activity_type"] == "coupon"]
    f = {c: coupon[c].astype("float64") for c in ("reach", "participants", "conversions",
                                                   "revenue", "follows_gained", "cost_staff",
                                                   "cost_coupons")}
    est = roi.priors(activities, "coupon")
    expected = {
        "reach": _q(f["reach"]),
        "participation_rate": _q(f["participants"] / f["reach"]),
        "conversion_rate": _q(f["conversions"] / f["participants"]),
        "value_per_conversion": _q(f["revenue"] / f["conversions"]),
        "follow_rate": _q(f["follows_gained"] / f["participants"]),
        "staff_hours": _q(f["cost_staff"] / roi.template("coupon").staff_rate.likely),
        "coupon_face_value": _q(f["cost_coupons"] / f["conversions"]),
    }
    for key, triple in expected.items():
        r = getattr(est, key)
        assert (r.low, r.likely, r.high) == pytest.approx(triple, rel=1e-12), key
        assert est.sources[key] == "history"
    assert est.coupon_redemption == est.conversion_rate
    assert est.cost_kol == Range.fixed(0)                    # no coupon activity paid a KOL
    # inputs the history cannot tell come from the template
    tpl = roi.template("coupon")
    for key in ("margin", "follower_value", "retention", "staff_rate", "cost_materials"):
        assert getattr(est, key) == getattr(tpl, key) and est.sources[key] == "template"
    assert len(coupon) == 11
    assert "11" in est.note["en"] and "11" in est.note["zh"] and "优惠券" in est.note["zh"]
    assert "p10" in est.note["en"]
    assert 0 < roi.simulate(est, n=20_000).summary["p_roi_positive"] <= 1


def test_priors_ignore_a_vanishing_denominator(activities: pd.DataFrame) -> None:
    """A reach of 5e-324 people (the smallest float) made participants / reach overflow to
    infinity (a warning in the property tests): such a rate has no value and is left out."""
    coupon = activities[activities["activity_type"] == "coupon"]
    odd = activities.astype({"reach": "float64"})
    odd.loc[coupon.index[0], "reach"] = 5e-324
    rest = coupon.drop(coupon.index[0])
    with np.errstate(over="raise"):
        est = roi.priors(odd, "coupon")
    expected = _q(rest["participants"].astype(float) / rest["reach"].astype(float))
    r = est.participation_rate
    assert (r.low, r.likely, r.high) == pytest.approx(expected, rel=1e-12)


def test_priors_split_ad_spend_at_a_fixed_cpm(activities: pd.DataFrame) -> None:
    ads = activities[activities["activity_type"] == "paid_ads"]
    est = roi.priors(activities, "paid_ads")
    cpm = roi.template("paid_ads").cpm.likely
    assert est.cpm == Range.fixed(cpm)
    spend = _q(ads["cost_ads"].astype("float64"))
    got = est.ad_impressions
    assert (got.low * cpm / 1000, got.likely * cpm / 1000,
            got.high * cpm / 1000) == pytest.approx(spend)
    assert f"{cpm:g}" in est.note["en"]


def test_priors_with_too_few_activities_fall_back_to_template(activities: pd.DataFrame
                                                               ) -> None:
    two = activities[activities["activity_type"] != "vote"]
    two = pd.concat([two, activities[activities["activity_type"] == "vote"].head(2)])
    est = roi.priors(two, "vote")
    tpl = roi.template("vote")
    assert est.inputs() == tpl.inputs()
    assert set(est.sources.values()) == {"template"}
    assert "Only 2" in est.note["en"] and "fewer than 3" in est.note["en"]
    assert "2 场" in est.note["zh"] and "少于 3" in est.note["zh"]


def test_priors_fall_back_per_input(activities: pd.DataFrame) -> None:
    coupon = activities[activities["activity_type"] == "coupon"].copy()
    coupon.loc[coupon.index[2:], "revenue"] = np.nan
    est = roi.priors(coupon, "coupon")
    assert est.value_per_conversion == roi.template("coupon").value_per_conversion
    assert est.sources["value_per_conversion"] == "template"
    assert est.sources["reach"] == "history"
    assert "order value per conversion" in est.note["en"].split("Fewer than")[1]  # its label


def test_priors_take_calibrated_rates(activities: pd.DataFrame) -> None:
    est = roi.priors(activities, "lottery",
                     calibrated={"conversion_rate": (0.005, 0.009, 0.02), "retention": 0.6})
    assert est.conversion_rate == Range(0.005, 0.009, 0.02)
    assert est.retention == Range.fixed(0.6)
    assert est.sources["conversion_rate"] == "calibrated"
    assert "conversion_rate" in est.note["en"] and "校准" in est.note["zh"]
    with pytest.raises(InputError, match="Conversion rate"):
        roi.priors(activities, "lottery", calibrated={"conversion_rate": 2})
    with pytest.raises(InputError, match="Unknown calibrated input"):
        roi.priors(activities, "lottery", calibrated={"budget": 2})


# ------------------------------------------------------------------ templates
def test_every_activity_type_has_a_template_that_simulates() -> None:
    assert roi.ACTIVITY_TYPES == schemas.ACTIVITY_TYPES
    for kind in schemas.ACTIVITY_TYPES:
        est = roi.template(kind)
        assert est.activity_type == kind and est.note["en"] and est.note["zh"]
        assert len(est.uncertain()) >= 5
        assert set(est.sources.values()) == {"template"}
        res = roi.simulate(est, n=20_000, seed=0)
        assert 0 < res.summary["p_roi_positive"] < 1, kind
        assert res.summary["cost_mean"] > 0
        assert not res.sensitivity.empty


def test_templates_use_realistic_moments_ad_prices() -> None:
    cpm = roi.template("paid_ads").cpm
    assert 50 <= cpm.low and cpm.high <= 150


# ------------------------------------------------------------------ labels and payloads
def test_every_input_has_a_key_and_two_labels() -> None:
    fields = {f.name for f in dataclasses.fields(ActivityEstimate)}
    assert set(roi.INPUT_KEYS) == fields - {"activity_type", "name", "correlation", "note",
                                            "sources"}
    for key, (en, zh) in roi.INPUT_LABELS.items():
        assert en and zh and en != zh
        assert roi.input_label(key, "zh") == zh
    assert roi.input_label("roi", "zh") == roi.OUTPUT_LABELS["roi"][1]


def test_estimate_payload_round_trips_through_json() -> None:
    est = roi.template("coupon").replace(name="双11 预售券")
    payload = json.loads(json.dumps(est.to_payload(), allow_nan=False, ensure_ascii=False))
    assert ActivityEstimate.from_payload(payload) == est
    assert payload["inputs"]["coupon_face_value"] == [30.0, 50.0, 80.0]
    bad = dict(payload, inputs={**payload["inputs"], "budget": [1, 2, 3]})
    with pytest.raises(InputError, match="budget"):
        ActivityEstimate.from_payload(bad)
    with pytest.raises(InputError):
        ActivityEstimate.from_payload({"kind": "mix_plan"})


def test_result_payload_is_plain_json(activities: pd.DataFrame) -> None:
    res = roi.simulate(roi.priors(activities, "kol"), n=10_000, seed=0, target=0.2)
    payload = res.to_payload()
    text = json.dumps(payload, allow_nan=False, ensure_ascii=False)
    back = json.loads(text)
    assert back["summary"] == payload["summary"]
    for value in res.summary.values():
        assert value is None or type(value) in (float, int)
    assert back["sensitivity"][0]["key"] == res.sensitivity.index[0]
    assert back["break_even"].keys() == set(roi.INPUT_KEYS)
    frame = res.frame()
    assert len(frame) == 10_000 and {"roi", "cost", "reach"} <= set(frame.columns)

# --------------------------------------------------------------------------------------------
# Regressions (issue 8, trustworthy under bad input): inputs that broke the ROI model
# --------------------------------------------------------------------------------------------


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_an_input_beyond_float32_is_refused_not_an_index_error() -> None:
    # issue 8: reach high 3.4e38 overflowed the float32 draws; every sample was inf/NaN and
    # the summary's quantiles raised IndexError
    with pytest.raises(InputError) as err:
        roi.simulate(roi.template("lottery").replace(reach=3.4028235677973366e38), n=2_000)
    assert "reach" in err.value.en and _chinese(err.value.zh)
    with pytest.raises(InputError):
        roi.ActivityEstimate("qa", reach=(0, 1e300, 1e308), cost_prizes=10)
    roi.ActivityEstimate("qa", reach=roi.MAX_AMOUNT, cost_prizes=10)       # the limit itself


def test_a_cost_that_rounds_to_nothing_costs_nothing() -> None:
    # issue 8: a cost of 1e-300 passed the "costs something" check in float64, but every
    # float32 draw cost 0, so the summary had no ROI at all (every statistic None)
    est = roi.ActivityEstimate("qa", reach=100, cost_prizes=(0, 0, 1e-300))
    with pytest.raises(InputError) as err:
        roi.simulate(est, n=2_000)
    assert "costs nothing" in err.value.en


def test_a_tiny_cost_gives_a_huge_roi_not_infinity() -> None:
    # issue 8: value / a cost of 1e-40 overflowed float32 to an infinite ROI
    est = roi.ActivityEstimate("qa", reach=1e6, participation_rate=1, conversion_rate=1,
                               value_per_conversion=1e6, cost_prizes=(1e-40, 1e-40, 1e-39))
    res = roi.simulate(est, n=2_000)
    assert np.isfinite(res.samples["roi"]).all()
    s = res.summary
    assert all(math.isfinite(s[k]) for k in ("roi_mean", "roi_p5", "roi_p95"))
    assert s["p_roi_positive"] == 1.0


def test_priors_skip_history_values_that_are_not_counts() -> None:
    # issue 8: a negative, infinite or astronomically large past value became the prior's
    # low or high and broke the estimate (InputError "cannot be negative") or its simulation
    acts = io.sample("activities")
    for col, value in (("reach", -5.0), ("revenue", 1e300), ("cost_prizes", np.inf)):
        bad = acts.copy()
        bad[col] = bad[col].astype("float64")
        bad.loc[bad["activity_type"] == "lottery", col] = value
        est = roi.priors(bad, "lottery")
        assert all(math.isfinite(v) and v <= roi.MAX_AMOUNT for r in est.inputs().values()
                   for v in r.to_list())
        roi.simulate(est, n=2_000)


def test_draws_and_seed_are_checked() -> None:
    # issue 8: n=10**12 tried to allocate terabytes; seed=-1 raised numpy's ValueError
    for n in (10 ** 12, roi.MAX_DRAWS + 1):
        with pytest.raises(InputError):
            roi.simulate(roi.template("qa"), n=n)
    with pytest.raises(InputError) as err:
        roi.simulate(roi.template("qa"), n=100, seed=-1)
    assert _chinese(err.value.zh)


@pytest.mark.parametrize("key, triple, problem", [
    ("participation_rate", (0.01, 0.02, 0.05), None),
    ("participation_rate", (0.01, 0.02, 1.5), "share"),
    ("participation_rate", (-0.01, 0.02, 0.05), "share"),
    ("cost_prizes", (-1.0, 0.0, 10.0), "negative"),
    ("cost_prizes", (0.0, 10.0, 2e12), "too_big"),
    ("cost_prizes", (10.0, 5.0, 20.0), "order"),
    ("cost_prizes", (0.0, float("nan"), 20.0), "number"),
    ("reach", (0.0, 1e12, 1e12), None),
])
def test_range_problem_is_the_rule_the_model_and_the_page_share(key, triple, problem) -> None:
    assert roi.range_problem(key, *triple) == problem
    if problem in ("share", "negative", "too_big", "order"):
        with pytest.raises(InputError):
            roi.model._triple(key, *triple)
    elif problem is None:
        assert roi.model._triple(key, *triple) == triple
