"""Trustworthy under bad input (issue 8): property tests on every model's inputs.

The rule, for :mod:`workbench.roi`, :mod:`workbench.mix`, :mod:`workbench.personas` and
:mod:`workbench.review`: whatever the input, a model returns a clean result (finite numbers
where numbers are promised, its invariants hold) or raises
:class:`workbench.errors.InputError` (a ``ValueError``) that explains the problem in English
and Chinese — never another exception, never a hang.

Inputs start from the bundled samples (the canonical schemas) and are perturbed the way real
files go wrong: rows subsampled down to a handful or none, a column overwritten with NaN,
infinity, negatives, huge or tiny values, text where a date belongs, a single distinct value,
contradictory rules. Examples are kept few (``max_examples`` 5-60) so the file runs in well
under a minute on two cores.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from workbench import io, mix, personas, review, roi, schemas
from workbench.errors import InputError

CJK = re.compile(r"[\u4e00-\u9fff]")
NAN, INF = float("nan"), float("inf")
#: Values that break models: nothing, negatives, the edges of float64, subnormals, NaN, inf.
EXTREMES = (0.0, 1.0, 0.5, 1e-9, 5e-324, 1e-300, 1e12, 1e13, 1e18, 1e300, 1.7e308, -1.0,
            -1e-9, -1e300, NAN, INF, -INF)
SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.data_too_large])


def bilingual(err: InputError) -> None:
    """An error a planner can act on: a message in English and one in Chinese."""
    assert isinstance(err, InputError), type(err)
    assert isinstance(err, ValueError)
    assert err.en.strip() and err.zh.strip()
    assert CJK.search(err.zh), err.zh
    assert err.message("zh") == err.zh and err.message("en") == err.en


def finite_or_none(x) -> bool:
    return x is None or (isinstance(x, (int, float, np.integer, np.floating))
                         and not isinstance(x, bool) and math.isfinite(float(x)))


def ordered(*xs: float) -> bool:
    """``xs[0] ≤ xs[1] ≤ ...`` up to float32 rounding."""
    return all(a <= b + 1e-6 * max(1.0, abs(a), abs(b)) for a, b in zip(xs, xs[1:]))


def overwrite(frame: pd.DataFrame, col: str, value, rows: np.ndarray | None = None
              ) -> pd.DataFrame:
    """``frame`` with ``col`` (all of it, or ``rows``) set to ``value``; counts become float
    (or object for text) so that NaN, inf and strings fit."""
    out = frame.copy()
    if isinstance(value, str):
        out[col] = out[col].astype(object) if col in out else None
    elif col in out and not pd.api.types.is_float_dtype(out[col].dtype):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64") \
            if pd.api.types.is_numeric_dtype(out[col].dtype) else out[col].astype(object)
    if rows is None:
        out[col] = value
    else:
        idx = out.index[rows[rows < len(out)]]
        if col not in out:
            out[col] = np.nan
        out.loc[idx, col] = value
    return out


def spoil(draw, frame: pd.DataFrame, columns, max_rows: int) -> pd.DataFrame:
    """Up to two of ``columns`` overwritten with an extreme value or text, whole or in up to
    ``max_rows`` rows (``draw``: a composite strategy's)."""
    for _ in range(draw(st.integers(0, 2))):
        col = draw(st.sampled_from(columns))
        value = draw(st.sampled_from(EXTREMES + ("x",)))
        rows = None if draw(st.booleans()) else np.array(draw(st.lists(
            st.integers(0, max(len(frame) - 1, 0)), min_size=1, max_size=max_rows)))
        frame = overwrite(frame, col, value, rows)
    return frame


_SAMPLES: dict[str, pd.DataFrame] = {}


def sample(kind: str) -> pd.DataFrame:
    """The bundled sample (read once per module; callers get a copy)."""
    if kind not in _SAMPLES:
        _SAMPLES[kind] = io.sample(kind)
    return _SAMPLES[kind].copy()


@st.composite
def perturbed(draw, kind: str, columns: tuple[str, ...], *, max_rows: int,
              min_rows: int = 0, strings: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of the ``kind`` sample (a random subset, sorted or not), with up to two of
    ``columns`` overwritten (all rows or a few) with an extreme value."""
    base = sample(kind)
    n = draw(st.integers(min_rows, max_rows))
    start = draw(st.integers(0, max(0, len(base) - n)))
    if draw(st.booleans()):
        frame = base.iloc[start:start + n]                       # a contiguous stretch
    else:
        rows = draw(st.lists(st.integers(0, len(base) - 1), min_size=n, max_size=n))
        frame = base.iloc[rows]
    frame = frame.reset_index(drop=True)
    for _ in range(draw(st.integers(0, 2))):
        col = draw(st.sampled_from(columns))
        value = draw(st.sampled_from(EXTREMES)) if col not in strings \
            else draw(st.sampled_from(EXTREMES + ("x", "")))
        some = draw(st.integers(0, 2)) > 0
        rows = np.array(draw(st.lists(st.integers(0, max(n - 1, 0)), min_size=1, max_size=3))) \
            if some else None
        frame = overwrite(frame, col, value, rows)
    return frame


# ============================================================================================
# roi
# ============================================================================================
number = st.one_of(st.floats(0, 1e6), st.floats(0, 1), st.sampled_from(EXTREMES),
                   st.floats(allow_nan=True, allow_infinity=True))
bad_three_point = st.one_of(
    number,                                                     # all equal (a fixed value)
    st.lists(number, min_size=3, max_size=3).map(sorted),       # low ≤ likely ≤ high ...
    st.tuples(number, number, number),                          # ... or in any order
)


def good_three_point(key: str):
    """Plausible values of an input: a share for a rate, else an amount up to the limit (with
    all-equal, zero and edge values)."""
    top = 1.0 if roi.INPUTS[roi.INPUT_KEYS.index(key)].kind == "rate" else roi.MAX_AMOUNT
    x = st.one_of(st.floats(0, top), st.floats(0, min(top, 1e4)),
                  st.sampled_from((0.0, top, 5e-324, 1e-30)))
    return st.one_of(x, st.lists(x, min_size=3, max_size=3).map(sorted))


@st.composite
def estimates(draw) -> tuple[str, dict, dict | None, bool, dict]:
    kind = draw(st.sampled_from(roi.ACTIVITY_TYPES))
    keys = draw(st.lists(st.sampled_from(roi.INPUT_KEYS), max_size=8, unique=True))
    changes = {k: draw(bad_three_point if draw(st.integers(0, 5)) == 0 else good_three_point(k))
               for k in keys}
    corr = None
    if draw(st.integers(0, 3)) == 0:
        pairs = draw(st.lists(st.tuples(st.sampled_from(roi.INPUT_KEYS),
                                        st.sampled_from(roi.INPUT_KEYS)), max_size=3))
        corr = {p: draw(st.one_of(st.floats(-1, 1), st.sampled_from((NAN, 2.0, -1.0, 1.0))))
                for p in pairs}
    run = {"n": 2_000, "seed": 1}
    if draw(st.integers(0, 4)) == 0:           # how many draws, which seed, which target
        run = {"n": draw(st.sampled_from((1, 2, 0, -1, 2.5, True, 10 ** 12))),
               "seed": draw(st.sampled_from((0, None, -1, "a", 2 ** 40))),
               "target": draw(st.sampled_from((None, 0.5, -2.0, NAN, INF, "x")))}
    return kind, changes, corr, draw(st.integers(0, 3)) > 0, run


def _check_result(res: roi.RoiResult) -> None:
    s = res.summary
    for key, value in s.items():
        assert finite_or_none(value), (key, value)
    assert 0.0 <= s["p_roi_positive"] <= 1.0
    if s["roi_p5"] is not None:
        assert ordered(s["roi_p5"], s["roi_p25"], s["roi_p50"], s["roi_p75"], s["roi_p95"]), s
        assert s["roi_std"] >= 0
    assert ordered(s["profit_p5"], s["profit_p50"], s["profit_p95"]), s
    assert ordered(s["cost_p5"], s["cost_p95"]) and ordered(s["value_p5"], s["value_p95"]), s
    assert not np.isinf(res.samples["roi"]).any()
    est = res.estimate
    for key, draws in res.draws.items():
        r = getattr(est, key)
        assert ordered(r.low, float(draws.min())) and ordered(float(draws.max()), r.high), key
    for key, x in res.break_even.items():
        r = getattr(est, key)
        assert x is None or (math.isfinite(x) and ordered(r.low, x, r.high)), (key, x)
    table = res.sensitivity
    assert set(table.index) <= set(est.uncertain())
    num = table[["roi_low", "roi_high", "swing", "spearman"]].to_numpy(float)
    assert not np.isinf(num).any()
    assert ((table["swing"] >= 0) | table["swing"].isna()).all()
    assert (table["spearman"].abs().fillna(0) <= 1 + 1e-9).all()
    json.dumps(res.to_payload(), allow_nan=False)


@settings(max_examples=60, **SLOW)
@given(case=estimates())
@example(case=("lottery", {"reach": 3.4028235677973366e38}, None, True,     # was IndexError
               {"n": 2_000, "seed": 1}))
@example(case=("qa", {"reach": 100.0, "cost_prizes": (0.0, 0.0, 1e-300)}, None, False,
               {"n": 2_000, "seed": 1}))                                   # was all-None ROI
def test_roi_simulate_is_clean_or_refuses(case) -> None:
    kind, changes, corr, from_template, run = case
    try:
        est = (roi.template(kind).replace(**changes) if from_template
               else roi.ActivityEstimate(kind, **changes))
        res = roi.simulate(est, correlation=corr, **run)
    except InputError as err:
        event("refused: " + err.problem[:40])
        bilingual(err)
        return
    _check_result(res)


ACT_COLUMNS = ("reach", "participants", "conversions", "revenue", "follows_gained",
               "cost_prizes", "cost_coupons", "cost_ads", "cost_kol", "cost_venue", "cost_staff",
               "start_date", "activity_type")


@st.composite
def activity_histories(draw) -> tuple[pd.DataFrame, str]:
    kind = draw(st.sampled_from(roi.ACTIVITY_TYPES))
    frame = draw(perturbed("activities", ACT_COLUMNS, max_rows=25,
                           strings=("start_date", "activity_type")))
    shape = draw(st.sampled_from(("as is", "all of the type", "all NaN", "no rows")))
    if shape == "all of the type":
        frame["activity_type"] = kind
    elif shape == "all NaN":
        frame = frame.astype(object)
        for col in frame.columns:
            if col != "activity_type":
                frame[col] = np.nan
        frame["activity_type"] = kind
    elif shape == "no rows":
        frame = frame.iloc[:0]
    return frame, kind


@settings(max_examples=40, **SLOW)
@given(case=activity_histories())
def test_roi_priors_from_any_history(case) -> None:
    frame, kind = case
    est = roi.priors(frame, kind)          # a history with the type column never fails
    assert est.activity_type == kind
    for key, r in est.inputs().items():
        assert all(math.isfinite(v) for v in r.to_list()), key
        assert r.low <= r.likely <= r.high
    assert est.note["en"] and CJK.search(est.note["zh"])
    try:
        res = roi.simulate(est, n=2_000, seed=0)
    except InputError as err:               # e.g. a history of activities that cost nothing
        bilingual(err)
        return
    _check_result(res)


# ============================================================================================
# mix
# ============================================================================================
_ESTIMATES: dict[str, mix.Estimates] = {}


def sample_estimates() -> mix.Estimates:
    if "sample" not in _ESTIMATES:
        _ESTIMATES["sample"] = mix.estimate(sample("articles"))
    return _ESTIMATES["sample"]


PLATS = ("wechat", "weibo", "douyin", "xiaohongshu", "zhihu")
BAD_POSTS = (NAN, INF, -1, 2.5, 10 ** 6, 10 ** 9, "3", None)
BAD_AMOUNTS = (NAN, INF, -INF, -1.0, 5e-324, 1e-300, 1e300, 1.7e308, "10", None)


@st.composite
def constraint_sets(draw) -> mix.Constraints:
    """Plausible weekly rules, often contradictory (too few hours, a minimum above what the
    pushes allow, share and persona rules that cannot all hold); one time in three one field
    holds a value that is not a valid number at all."""
    plats = tuple(p for p in PLATS if draw(st.booleans())) or (draw(st.sampled_from(PLATS)),)
    types = tuple(c for c in schemas.CONTENT_TYPES if draw(st.integers(0, 3))) \
        or (draw(st.sampled_from(schemas.CONTENT_TYPES)),)
    mins, maxs = {}, {}
    for p in plats:
        if draw(st.booleans()):
            mins[p] = draw(st.integers(0, 10))
            maxs[p] = mins[p] + draw(st.integers(-1, 10))      # -1: min above max
    kw: dict = {
        "account_type": draw(st.sampled_from(mix.ACCOUNT_TYPES)),
        "platforms": plats, "content_types": types,
        "team_hours": draw(st.one_of(st.floats(0, 300), st.floats(60, 300),
                                     st.sampled_from((0.0, 1e6)))),
        "budget": draw(st.one_of(st.none(), st.none(), st.floats(0, 30_000), st.just(0.0))),
        "min_posts": mins, "max_posts": {p: max(v, 0) for p, v in maxs.items()},
        "min_share": draw(st.dictionaries(st.sampled_from(schemas.CONTENT_TYPES),
                                          st.floats(0, 0.6), max_size=2)),
        "max_share": draw(st.dictionaries(st.sampled_from(schemas.CONTENT_TYPES),
                                          st.floats(0.3, 1), max_size=2)),
        "variety": draw(st.booleans()),
        "max_pushes": draw(st.one_of(st.none(), st.none(), st.integers(0, 7))),
        "articles_per_push": draw(st.integers(1, 8)),
    }
    if draw(st.integers(0, 3)) == 0:
        kw["hours"] = draw(st.dictionaries(st.sampled_from(schemas.CONTENT_TYPES),
                                           st.floats(0.01, 40), max_size=2))
        kw["platform_effort"] = draw(st.dictionaries(st.sampled_from(PLATS),
                                                     st.floats(0.1, 5), max_size=2))
    if draw(st.integers(0, 3)) == 0:
        kw["cost"] = draw(st.dictionaries(st.sampled_from(schemas.CONTENT_TYPES),
                                          st.floats(0, 3_000), max_size=2))
    if draw(st.booleans()):
        kw["personas"] = tuple(
            mix.PersonaTarget(f"P{i}", tuple(draw(st.sets(st.sampled_from(
                schemas.CONTENT_TYPES), min_size=1, max_size=3))), draw(st.integers(0, 5)),
                tuple(draw(st.sets(st.sampled_from(PLATS), max_size=2))), name_zh=f"人设{i}")
            for i in range(draw(st.integers(1, 2))))
    if draw(st.integers(0, 2)) == 0:                     # one value that is not a number
        field = draw(st.sampled_from(("team_hours", "budget", "min_posts", "max_posts",
                                      "min_share", "max_share", "hours", "platform_effort",
                                      "cost", "max_pushes", "articles_per_push", "personas",
                                      "account_type", "platforms")))
        if field in ("min_posts", "max_posts"):
            kw[field] = {**kw[field], draw(st.sampled_from(plats)): draw(st.sampled_from(
                BAD_POSTS))}
        elif field in ("min_share", "max_share"):
            kw[field] = {**kw[field], draw(st.sampled_from(types)): draw(st.sampled_from(
                (NAN, -0.1, 1.5, INF, "x")))}
        elif field in ("hours", "cost"):
            kw[field] = {draw(st.sampled_from(types)): draw(st.sampled_from(BAD_AMOUNTS))}
        elif field == "platform_effort":
            kw[field] = {draw(st.sampled_from(plats)): draw(st.sampled_from(BAD_AMOUNTS))}
        elif field in ("max_pushes", "articles_per_push"):
            kw[field] = draw(st.sampled_from((-1, 0, 9, 2.5, NAN)))
        elif field == "personas":
            kw[field] = (mix.PersonaTarget("Q", ("news",), draw(st.sampled_from(
                (10 ** 6, -2, NAN, 1.5))), name_zh="人设"),)
        elif field == "account_type":
            kw[field] = draw(st.sampled_from(("enterprise", None, "")))
        elif field == "platforms":
            kw[field] = draw(st.sampled_from(((), ("wechat", "wechat"), ("myspace",), "weibo")))
        else:
            kw[field] = draw(st.sampled_from(BAD_AMOUNTS))
    return mix.Constraints(**kw)


def check_plan(p: mix.MixPlan, cons: mix.Constraints) -> None:
    """A found plan keeps every rule; an impossible one says why, in both languages."""
    event(f"plan {p.status}")
    assert p.message["en"] and CJK.search(p.message["zh"])
    if p.status == "error":              # no plan within the time limit: said in words
        assert "time limit" in p.message["en"] and "时限" in p.message["zh"]
        return
    if not p.feasible:
        assert p.status == "infeasible", p.message
        assert p.conflicts
        for c in p.conflicts:
            assert c.group in mix.GROUPS, c
            assert c.en and CJK.search(c.zh)
            assert math.isfinite(c.amount) and c.amount > 0
        return
    cells = p.cells
    x = cells["posts"].to_numpy()
    assert (x >= 0).all()
    hours = np.array([cons.cell_hours(r.platform, r.content_type) for r in cells.itertuples()])
    cost = np.array([cons.cell_cost(r.platform, r.content_type) for r in cells.itertuples()])
    assert hours @ x <= cons.team_hours * (1 + 1e-9) + 1e-6
    if cons.budget is not None:
        assert cost @ x <= cons.budget * (1 + 1e-9) + 1e-6
    total = x.sum()
    for plat in cons.platforms:
        sub = cells[cells["platform"] == plat]
        lo, hi = cons.posts_range(plat)
        assert lo <= int(sub["posts"].sum()) <= hi
        if plat == "wechat":
            assert p.pushes["wechat"] <= cons.push_limit()
    for c in cons.content_types:
        n = cells.loc[cells["content_type"] == c, "posts"].sum()
        assert n >= cons.min_share.get(c, 0.0) * total - 1e-6
        assert n <= cons.max_share.get(c, 1.0) * total + 1e-6
    for persona in cons.personas:
        where = set(persona.platforms or cons.platforms)
        n = cells.loc[cells["platform"].isin(where)
                      & cells["content_type"].isin(persona.content_types), "posts"].sum()
        assert n >= persona.min_posts
    e = p.expected
    assert np.isfinite(e.to_numpy(float)).all(), e
    assert (e["low"] <= e["expected"] * (1 + 1e-9) + 1e-9).all()
    assert (e["expected"] <= e["high"] * (1 + 1e-9) + 1e-9).all()
    assert np.isfinite(cells[list(mix.METRICS)].to_numpy(float)).all()
    json.dumps(p.to_payload())          # the store keeps NaN and inf (no upper bound)


@settings(max_examples=50, **SLOW)
@given(cons=constraint_sets())
@example(cons=mix.Constraints(min_posts={"wechat": NAN}))                 # was ValueError
@example(cons=mix.Constraints(platforms=("zhihu",), content_types=("event_report",),
                              team_hours=0.0, hours={"event_report": 1e300}))  # solver lost
@example(cons=mix.Constraints(                   # was status "error" after the time limit
    platforms=("weibo", "douyin", "xiaohongshu"), content_types=("fun", "event_report"),
    team_hours=89.0, budget=None, min_share={"fun": 0.453125}, max_share={"fun": 0.453125},
    articles_per_push=1, variety=False))
def test_mix_plan_keeps_the_rules_or_explains(cons) -> None:
    try:
        p = mix.plan(sample_estimates(), cons)
    except InputError as err:
        event("refused: " + err.problem[:40])
        bilingual(err)
        return
    check_plan(p, cons)


ART_COLUMNS = ("reads", "likes", "wows", "comments", "shares", "favourites",
               "follows_after_read", "position", "publish_time", "content_type", "platform",
               "conversions")


@st.composite
def article_histories(draw) -> pd.DataFrame:
    frame = draw(perturbed("articles", ART_COLUMNS, max_rows=120,
                           strings=("publish_time", "content_type", "platform")))
    shape = draw(st.sampled_from(("as is", "one platform", "one type", "zero reads")))
    if shape == "one platform":
        frame["platform"] = draw(st.sampled_from(PLATS))
    elif shape == "one type":
        frame["content_type"] = draw(st.sampled_from(schemas.CONTENT_TYPES))
    elif shape == "zero reads":
        for col in ("reads", "likes", "shares", "follows_after_read"):
            frame[col] = 0
    return frame


@settings(max_examples=40, **SLOW)
@given(articles=article_histories())
def test_mix_estimate_and_plan_on_any_history(articles) -> None:
    try:
        est = mix.estimate(articles)
    except InputError as err:
        event("refused: " + err.problem[:40])
        bilingual(err)
        return
    for arr in (est._mean, est._se_log, est._posts):
        assert np.isfinite(arr).all() and (arr >= 0).all()
    c = est.cells
    vals = c[["mean", "low", "high", "se_log"]].to_numpy(float)
    assert np.isfinite(vals).all(), c[~np.isfinite(vals).all(axis=1)]
    assert ordered(0.0, *c["low"].nsmallest(1)) and (c["low"] <= c["mean"] + 1e-9).all()
    assert (c["mean"] <= c["high"] * (1 + 1e-12) + 1e-9).all()
    assert all(math.isfinite(v) and v >= 0 for v in est.reference.values()), est.reference
    assert all(0 < est.decay_for(p) <= 1 for p in est._platforms)
    cons = mix.Constraints(platforms=est._platforms, budget=None,
                           min_posts={p: 0 for p in est._platforms})
    try:
        p = mix.plan(est, cons)
    except InputError as err:            # e.g. nothing was ever read: no goal has data
        bilingual(err)
        return
    check_plan(p, cons)


# ============================================================================================
# personas
# ============================================================================================
FOLLOWER_COLUMNS = ("gender", "age_band", "city_tier", "occupation", "interests", "platform",
                    "follow_source", "reads_30d", "shares_30d", "comments_30d",
                    "purchases_90d", "spend_90d", "active_hour")


@st.composite
def follower_frames(draw) -> tuple[pd.DataFrame, int | None, dict]:
    frame = draw(perturbed("followers", FOLLOWER_COLUMNS, min_rows=1, max_rows=40,
                           strings=("gender", "interests", "platform")))
    for _ in range(draw(st.integers(0, 2))):
        col = draw(st.sampled_from([c for c in FOLLOWER_COLUMNS if c in frame.columns]))
        how = draw(st.sampled_from(("NaN", "one value", "drop")))
        if how == "drop":
            frame = frame.drop(columns=[col])
        elif how == "NaN":
            frame[col] = frame[col].astype(object)
            frame[col] = np.nan
        elif len(frame):
            frame[col] = frame[col].iloc[0]
    n = len(frame)
    k = draw(st.one_of(st.integers(1, n + 2), st.integers(1, min(n, 8)),
                       st.sampled_from((0, -1, 2.0, True))))
    weights = draw(st.dictionaries(st.sampled_from(FOLLOWER_COLUMNS), st.one_of(
        st.floats(0, 3), st.floats(0, 3), st.sampled_from((0.0, 100.0, 5e-324)),
        st.sampled_from((NAN, -1.0, INF, 1e300, None, "x"))), max_size=3))
    weights = {c: w for c, w in weights.items() if c in frame.columns}
    return frame, k, weights


def check_segmentation(seg: personas.Segmentation, n: int, k: int | None) -> None:
    assert len(seg.labels) == n
    if k is not None:
        assert seg.k == k
    assert len(seg.personas) == seg.k
    assert seg.labels.min() >= 0 and seg.labels.max() < seg.k
    assert sorted(p.id for p in seg.personas) == list(range(seg.k))
    assert sum(p.size for p in seg.personas) == n
    assert np.bincount(seg.labels, minlength=seg.k).tolist() == [
        p.size for p in sorted(seg.personas, key=lambda p: p.id)]
    for p in seg.personas:
        assert p.name["en"] and p.name["zh"] and p.description["en"]
        assert 0 <= p.share <= 1
        for t in p.traits:
            assert math.isfinite(t.lift) and t.lift >= 0
        for t in p.numeric:
            assert not (math.isinf(t.z) or math.isinf(t.mean_in_segment))
        if p.active_hours:
            assert abs(sum(p.active_hours) - 1) < 1e-9
    assert math.isfinite(seg.quality["score"])
    if "silhouette" in seg.quality:
        assert -1 <= seg.quality["silhouette"] <= 1


@settings(max_examples=30, **SLOW)
@given(case=follower_frames())
def test_personas_segment_covers_every_row_or_refuses(case) -> None:
    frame, k, weights = case
    try:
        seg = personas.segment(frame, k=k, weights=weights, seed=0)
    except InputError as err:
        event("refused: " + err.problem[:40])
        bilingual(err)
        return
    check_segmentation(seg, len(frame), k)
    rows, xy = seg.embedding(sample_size=50)
    assert np.isfinite(xy).all() and len(rows) == len(xy)


@settings(max_examples=5, **SLOW)
@given(frame=perturbed("followers", FOLLOWER_COLUMNS, min_rows=1, max_rows=12))
def test_personas_choose_k_on_tiny_tables(frame) -> None:
    try:
        seg = personas.segment(frame, k=None, seed=0)
    except InputError as err:
        event("refused: " + err.problem[:40])
        bilingual(err)
        return
    check_segmentation(seg, len(frame), None)
    assert seg.k in personas.K_RANGE


# ============================================================================================
# review
# ============================================================================================
_PLANS: dict[str, dict] = {}


def sample_plan() -> dict:
    """A two-week back-test plan on the sample (built once)."""
    if "plan" not in _PLANS:
        _PLANS["plan"] = review.backtest_plan(sample("articles"), "2026-10-05", weeks=2)
    return json.loads(json.dumps(_PLANS["plan"]))


DAILY_COLUMNS = ("date", "new_follows", "unfollows", "net_follows", "cumulative_follows",
                 "new_from_search_name", "new_from_other")
REVIEW_ART_COLUMNS = ("reads", "likes", "wows", "comments", "shares", "favourites",
                      "follows_after_read", "position", "push_reads", "delivered",
                      "publish_time", "platform", "content_type")


@st.composite
def review_cases(draw):
    plan = sample_plan()
    start = pd.Timestamp("2026-10-05") + pd.Timedelta(days=draw(st.sampled_from(
        (0, 0, -3, 10, -400, -800, 500))))
    plan["calendar"] = {"start": start.date().isoformat(),
                        "weeks": draw(st.sampled_from((1, 2, 2, 6, 52)))}
    how = draw(st.sampled_from(("as is", "drop cells", "extreme cell", "no targets")))
    if how == "drop cells":
        keep = draw(st.lists(st.integers(0, len(plan["cells"]) - 1), min_size=1, max_size=4))
        plan["cells"] = [plan["cells"][i] for i in sorted(set(keep))]
    elif how == "extreme cell":
        i = draw(st.integers(0, len(plan["cells"]) - 1))
        col = draw(st.sampled_from(("posts", "reads", "follows", "reads_per_post")))
        plan["cells"][i][col] = draw(st.sampled_from(EXTREMES + ("x",)))
    elif how == "no targets":
        plan.pop("kpi_targets", None)
        plan["expected"] = []

    daily = sample("daily_users")
    window = draw(st.sampled_from(("all", "period only", "around", "none in period")))
    d = pd.to_datetime(daily["date"])
    if window == "period only":
        daily = daily[(d >= start) & (d < start + pd.Timedelta(days=14))]
    elif window == "around":
        daily = daily[(d >= start - pd.Timedelta(days=20)) & (d < start + pd.Timedelta(days=5))]
    elif window == "none in period":
        daily = daily[d < start]
    daily = daily.reset_index(drop=True)
    if draw(st.integers(0, 3)) == 0:                                   # zero followers
        for col in DAILY_COLUMNS[1:]:
            daily[col] = 0
    daily = spoil(draw, daily, DAILY_COLUMNS, max_rows=3)

    articles = sample("articles")
    if draw(st.booleans()):
        t = pd.to_datetime(articles["publish_time"])
        lo = start - pd.Timedelta(days=draw(st.sampled_from((0, 7, 120))))
        hi = start + pd.Timedelta(days=draw(st.sampled_from((1, 14, 30))))
        articles = articles[(t >= lo) & (t < hi)].reset_index(drop=True)
    articles = spoil(draw, articles, REVIEW_ART_COLUMNS, max_rows=5)

    activities = None
    if draw(st.booleans()):
        activities = sample("activities")
        for _ in range(draw(st.integers(0, 2))):
            col = draw(st.sampled_from(("cost_total", "revenue", "participants", "reach",
                                        "conversions", "follows_gained", "start_date")))
            activities = overwrite(activities, col, draw(st.sampled_from(EXTREMES + ("x",))))
    extra = {}
    if draw(st.integers(0, 4)) == 0:
        extra["assumptions"] = {"margin": draw(st.sampled_from((0.4, 0.0, NAN, -1.0, 2.0, "x"))),
                                "follower_value": draw(st.sampled_from((10.0, INF, 1e300)))}
    return plan, daily, articles, activities, extra, draw(st.booleans())


@settings(max_examples=40, **SLOW)
@given(case=review_cases())
def test_review_gives_a_finite_kpi_table_or_refuses(case) -> None:
    plan, daily, articles, activities, extra, impact = case
    try:
        rv = review.review(plan, daily, articles, activities, impact=impact, **extra)
    except InputError as err:
        event("refused: " + err.problem[:40])
        bilingual(err)
        return
    k = rv.kpis
    assert list(k["kpi"]) == [x[0] for x in review.KPIS]
    nums = k[["plan", "actual", "diff", "pct", "attainment"]].to_numpy(float)
    assert not np.isinf(nums).any(), k
    assert set(k["status"]) <= set(review.STATUSES)
    assert ((k["status"] == "n/a") == k["attainment"].isna()).all()
    v = rv.variance.dropna(subset=["volume", "rate", "diff"])
    assert np.isfinite(v[["volume", "rate", "diff"]].to_numpy(float)).all()
    err = (v["volume"] + v["rate"] - v["diff"]).abs()
    assert (err <= 1e-9 * (v["volume"].abs() + v["rate"].abs() + v["diff"].abs()) + 1e-6).all()
    assert rv.start <= rv.as_of <= rv.end
    assert review.MIN_RECOMMENDATIONS <= len(rv.recommendations) <= review.MAX_RECOMMENDATIONS
    for r in rv.recommendations:
        assert r.en and CJK.search(r.zh)
    assert rv.summary["en"] and CJK.search(rv.summary["zh"])
    assert math.isfinite(rv.wci_period["wci"])
    json.dumps(rv.to_payload(), allow_nan=False)


@pytest.mark.parametrize("kind", ["followers", "articles", "daily_users", "activities"])
def test_samples_have_the_canonical_columns(kind: str) -> None:
    """The strategies perturb the samples: they must be the canonical tables."""
    frame = sample(kind)
    required = [c.name for c in schemas.schema(kind).columns if c.required]
    assert set(required) <= set(frame.columns)
