"""Content mix: estimates, the MILP plan, infeasibility explanations and the calendar."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io as _io
import itertools
import json
import math
import re
from typing import Any

import icalendar
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import io, mix, store
from workbench.errors import InputError

CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------------------------
# Fixtures and builders
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def est() -> mix.Estimates:
    return mix.estimate(io.sample("articles"))


def synthetic(spec: dict[tuple[str, str], tuple[int, float]], *, sd: float = 0.6, seed: int = 0,
              weeks: int = 104, decay: float = 1.0) -> pd.DataFrame:
    """Articles with ``n`` posts per (platform, type) and log reads ~ N(log_mean, sd).

    Posts are spread over ``weeks`` weeks at 20:00; with ``decay`` < 1 the k-th post of a type
    in its week gets ``decay ** (k - 1)`` of the reads.
    """
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2024-01-01 20:00")
    for (platform, ctype), (n, log_mean) in spec.items():
        day = rng.integers(0, weeks * 7, n)
        for d in day:
            rows.append((platform, ctype, start + pd.Timedelta(days=int(d)), log_mean))
    df = pd.DataFrame(rows, columns=["platform", "content_type", "publish_time", "log_mean"])
    df = df.sort_values("publish_time", kind="stable").reset_index(drop=True)
    week = df["publish_time"].dt.to_period("W-SUN")
    rank = df.groupby(["platform", "content_type", week]).cumcount().to_numpy()
    reads = np.exp(df["log_mean"].to_numpy() + rng.normal(0, sd, len(df))) * decay ** rank
    reads = np.rint(reads).astype(int)
    out = pd.DataFrame({
        "article_id": [f"S{i:05d}" for i in range(len(df))],
        "publish_time": df["publish_time"],
        "platform": df["platform"], "content_type": df["content_type"],
        "reads": pd.array(reads, dtype="Int64"),
        "likes": pd.array(np.rint(reads * 0.02).astype(int), dtype="Int64"),
        "comments": pd.array(np.rint(reads * 0.005).astype(int), dtype="Int64"),
        "shares": pd.array(np.rint(reads * 0.01).astype(int), dtype="Int64"),
        "favourites": pd.array(np.rint(reads * 0.01).astype(int), dtype="Int64"),
        "follows_after_read": pd.array(np.rint(reads * 0.002).astype(int), dtype="Int64"),
    })
    return out


def check_plan_rules(p: mix.MixPlan, cons: mix.Constraints) -> None:
    """Every constraint holds on a feasible plan."""
    cells = p.cells
    x = cells["posts"].to_numpy()
    assert (x >= 0).all()
    hours = np.array([cons.cell_hours(r.platform, r.content_type) for r in cells.itertuples()])
    cost = np.array([cons.cell_cost(r.platform, r.content_type) for r in cells.itertuples()])
    assert hours @ x <= cons.team_hours + 1e-6
    if cons.budget is not None:
        assert cost @ x <= cons.budget + 1e-6
    total = x.sum()
    for plat in cons.platforms:
        sub = cells[cells["platform"] == plat]
        n = int(sub["posts"].sum())
        lo, hi = cons.posts_range(plat)
        assert lo <= n <= hi, (plat, n, lo, hi)
        if cons.variety:
            assert (2 * sub["posts"] <= n + 1).all(), sub
        if plat == "wechat":
            pushes = p.pushes["wechat"]
            assert pushes == int(sub["headlines"].sum())
            assert pushes <= cons.push_limit()
            assert n <= cons.articles_per_push * pushes
            assert (sub["headlines"] <= sub["posts"]).all()
        else:
            assert (sub["headlines"] == 0).all()
    for c in cons.content_types:
        n = int(cells.loc[cells["content_type"] == c, "posts"].sum())
        assert n >= cons.min_share.get(c, 0.0) * total - 1e-6
        assert n <= cons.max_share.get(c, 1.0) * total + 1e-6
    for persona in cons.personas:
        where = set(persona.platforms or cons.platforms)
        n = int(cells.loc[cells["platform"].isin(where)
                          & cells["content_type"].isin(persona.content_types), "posts"].sum())
        assert n >= persona.min_posts


def check_calendar_rules(cal: mix.Calendar, p: mix.MixPlan, cons: mix.Constraints) -> None:
    """Counts are the plan's; one push a day, headline first, pushes within their size limit;
    with the variety rule on, no type runs back to back on a platform within a week."""
    assert len(cal) == cal.weeks * int(p.posts.to_numpy().sum())
    pushes: dict[int, list[mix.CalendarItem]] = {}
    for it in cal.items:
        if it.platform == "wechat":
            pushes.setdefault(it.push, []).append(it)
        else:
            assert it.push is None and it.position is None
    days = [its[0].start.date() for its in pushes.values()]
    assert len(days) == len(set(days))                       # at most one push a day
    assert len(pushes) == cal.weeks * p.pushes.get("wechat", 0)
    for its in pushes.values():
        positions = sorted(it.position for it in its)
        assert positions == list(range(1, len(its) + 1))     # headline first, then 2, 3 ...
        assert len(its) <= cons.articles_per_push <= 8
        assert len({it.start for it in its}) == 1
    by_week: dict[tuple[str, int], list[mix.CalendarItem]] = {}
    for it in cal.items:
        week = (it.start.date() - cal.start).days // 7
        by_week.setdefault((it.platform, week), []).append(it)
    for (platform, week), its in by_week.items():
        counts = pd.Series([it.content_type for it in its]).value_counts()
        plan_counts = p.cells[(p.cells["platform"] == platform) & (p.cells["posts"] > 0)]
        assert counts.to_dict() == dict(zip(plan_counts["content_type"], plan_counts["posts"]))
        if cons.variety:
            its = sorted(its, key=lambda it: (it.start, it.position or 0))
            types = [it.content_type for it in its]
            assert all(a != b for a, b in zip(types, types[1:])), (platform, week, types)
    if cons.variety:
        assert not cal.warnings


# --------------------------------------------------------------------------------------------
# Estimates
# --------------------------------------------------------------------------------------------
def test_estimates_on_the_sample(est):
    cells = est.cells
    assert len(cells) == 5 * 7 * 5
    assert set(cells.columns) >= {"platform", "content_type", "metric", "posts", "raw_mean",
                                  "mean", "low", "high", "shrinkage"}
    assert (cells["low"] <= cells["mean"] + 1e-9).all()
    assert (cells["mean"] <= cells["high"] + 1e-9).all()
    empty = cells[(cells["platform"] == "zhihu") & (cells["content_type"] == "product")]
    assert (empty["posts"] == 0).all() and (empty["shrinkage"] == 1.0).all()
    assert empty["raw_mean"].isna().all()
    head, sec = est.slot_multipliers("wechat")
    assert head > 1.5 * sec          # the sample plants 2.5-7x headline vs secondary reads
    assert est.slot_multipliers("weibo") == (1.0, 1.0)
    assert set(est.decay["source"]) <= {"history", "assumed"}
    assert 0 < est.decay_for("wechat") <= 1
    assert est.conversion_rate == mix.CONVERSION_PER_FOLLOW
    assert any("conversions" in en and "转化" in zh for en, zh in est.notes)
    ratio = est.table("conversions") / est.table("follows")
    assert np.allclose(ratio.to_numpy(), mix.CONVERSION_PER_FOLLOW, equal_nan=True)
    assert not est.timing.empty and (est.timing["multiplier"] > 0).all()
    assert set(est.reference) == set(mix.METRICS)


def test_shrinkage_pulls_thin_cells_and_leaves_thick_ones():
    spec = {("weibo", "educational"): (300, 8.0), ("weibo", "news"): (200, 8.3),
            ("weibo", "fun"): (150, 7.8), ("weibo", "story"): (100, 8.1),
            ("weibo", "product"): (80, 7.9), ("weibo", "interactive"): (3, 10.0)}
    est = mix.estimate(synthetic(spec, seed=3))
    reads = est.cells[est.cells["metric"] == "reads"].set_index("content_type")
    platform_mean = float(est.platforms.set_index("platform").loc["weibo", "mean_reads"])
    lucky = reads.loc["interactive"]
    assert lucky["posts"] == 3
    assert lucky["raw_mean"] > 4 * platform_mean           # three lucky posts
    assert lucky["shrinkage"] > 0.5
    raw_gap = abs(math.log(lucky["raw_mean"] / platform_mean))
    shrunk_gap = abs(math.log(lucky["mean"] / platform_mean))
    assert shrunk_gap < 0.5 * raw_gap
    big = reads.loc["educational"]
    assert big["posts"] == 300
    assert big["shrinkage"] < 0.05
    assert abs(big["mean"] / big["raw_mean"] - 1) < 0.08
    empty = reads.loc["event_report"]
    assert empty["posts"] == 0 and empty["shrinkage"] == 1.0
    # an empty cell is the platform's prior mean, with a wider interval than the big cell
    assert (empty["high"] / empty["low"]) > (big["high"] / big["low"])


def test_decay_is_fitted_when_the_history_shows_it():
    spec = {("weibo", t): (400, 8.0) for t in ("educational", "news", "fun")}
    fitted = mix.estimate(synthetic(spec, seed=5, weeks=52, decay=0.7, sd=0.3))
    assert fitted.decay_fitted
    row = fitted.decay.set_index("platform").loc["weibo"]
    assert row["source"] == "history"
    assert abs(row["decay"] - 0.7) < 0.08
    flat = mix.estimate(synthetic(spec, seed=5, weeks=52, decay=1.0, sd=0.3))
    assert not flat.decay_fitted
    assert flat.decay_for("weibo") == mix.ASSUMED_DECAY
    assert any("assumed" in en and "假定" in zh for en, zh in flat.notes)
    given_ = mix.estimate(synthetic(spec, seed=5, weeks=52), decay={"weibo": 0.6})
    assert given_.decay_for("weibo") == 0.6
    assert given_.decay.set_index("platform").loc["weibo", "source"] == "given"


def test_conversions_column_is_used_when_present():
    spec = {("douyin", "fun"): (60, 9.0), ("douyin", "news"): (40, 8.5)}
    arts = synthetic(spec, seed=1)
    arts["conversions"] = pd.array(np.rint(arts["reads"].astype(float) * 0.001).astype(int),
                                   dtype="Int64")
    est = mix.estimate(arts)
    assert est.conversion_rate is None
    conv = est.mean("douyin", "fun", "conversions")
    assert conv == pytest.approx(est.mean("douyin", "fun", "reads") * 0.001, rel=0.1)


# --------------------------------------------------------------------------------------------
# The plan against brute force
# --------------------------------------------------------------------------------------------
def _cells(cons: mix.Constraints) -> list[tuple[str, str]]:
    """The (platform, type) cells in the plan's order."""
    return [(pl, c) for pl in cons.platforms for c in cons.content_types]


def _feasible_plans(cons: mix.Constraints):
    """Every plan of a small case that meets every rule, checked here by hand.

    Yields the posts per cell (in :func:`_cells` order), the indices of the WeChat cells and
    every choice of headlines per WeChat cell that goes with those posts (at most one headline
    per push and per post, within the push limit, every article in some push).
    """
    cells = _cells(cons)
    cap = cons.push_limit()
    wk = [i for i, k in enumerate(cells) if k[0] == "wechat"]
    for xs in itertools.product(*[range(cons.posts_range(pl)[1] + 1) for pl, _ in cells]):
        x = dict(zip(cells, xs))
        if sum(cons.cell_hours(*k) * x[k] for k in cells) > cons.team_hours + 1e-9:
            continue
        if cons.budget is not None and sum(cons.cell_cost(*k) * x[k] for k in cells) \
                > cons.budget + 1e-9:
            continue
        ok = True
        for pl in cons.platforms:
            n = sum(x[(pl, c)] for c in cons.content_types)
            lo, up = cons.posts_range(pl)
            if not lo <= n <= up:
                ok = False
            if cons.variety and any(2 * x[(pl, c)] > n + 1 for c in cons.content_types):
                ok = False
        total = sum(xs)
        for c in cons.content_types:
            n = sum(x[(pl, c)] for pl in cons.platforms)
            if n < cons.min_share.get(c, 0) * total - 1e-9 \
                    or n > cons.max_share.get(c, 1) * total + 1e-9:
                ok = False
        if not ok:
            continue
        n_w = sum(xs[i] for i in wk)
        hs = [hs for hs in itertools.product(*[range(min(xs[i], cap) + 1) for i in wk])
              if sum(hs) <= cap and n_w <= cons.articles_per_push * sum(hs)]
        if hs:
            yield xs, wk, hs


def _brute_force(est: mix.Estimates, cons: mix.Constraints, p: mix.MixPlan) -> float:
    """Best objective over every integer plan (and headline choice) of a small case, each
    valued by the module's formula written out here."""
    cells = _cells(cons)
    w = np.array([p.weights.get(m, 0.0) / p.reference[m] if p.weights.get(m) else 0.0
                  for m in mix.METRICS])
    base = {k: sum(w[i] * est.mean(k[0], k[1], m) for i, m in enumerate(mix.METRICS))
            for k in cells}

    def s(n: int, d: float) -> float:
        return sum(d ** i for i in range(n))

    best = -math.inf
    for xs, wk, choices in _feasible_plans(cons):
        value = 0.0
        for k, n in zip(cells, xs):
            value += base[k] * est.slot_multipliers(k[0])[1] * s(n, est.decay_for(k[0]))
        if wk:
            head, sec = est.slot_multipliers("wechat")
            d = est.decay_for("wechat")
            value += max(sum(base[cells[i]] * (head - sec) * s(h, d) for i, h in zip(wk, hs))
                         for hs in choices)
        best = max(best, value)
    return best


def _problem(est: mix.Estimates, cons: mix.Constraints, objective) -> mix._Problem:
    _, wvec, _ = mix._weights(objective, cons, est.reference)
    return mix._problem(est, cons, wvec)


def _best_as_reported(est: mix.Estimates, cons: mix.Constraints, objective
                      ) -> tuple[float, np.ndarray, np.ndarray] | None:
    """The best plan of a small case by enumeration, every plan valued by the function that
    values a plan for :attr:`MixPlan.objective` (``mix._totals``): (value, posts, headlines),
    or ``None`` when no plan meets the rules. (A plan's value is linear in its posts' and its
    headlines' effective counts, so the two parts are valued once each and added.)"""
    pr = _problem(est, cons, objective)
    zero = np.zeros(len(pr.cell_p))

    @functools.cache
    def posts_value(xs: tuple[int, ...]) -> float:
        return float(mix._totals(pr, np.array(xs, float), zero)[1] @ pr.weights)

    @functools.cache
    def headlines_value(hs: tuple[int, ...]) -> float:
        return float(mix._totals(pr, zero, np.array(hs, float))[1] @ pr.weights)

    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for xs, wk, choices in _feasible_plans(cons):
        for hs in choices:
            h = np.zeros(len(xs), int)
            h[wk] = hs
            value = posts_value(xs) + headlines_value(tuple(h))
            if best is None or value > best[0]:
                best = (value, np.array(xs), h)
    if best is not None:          # the best, valued whole, as a plan is reported
        value = float(mix._totals(pr, best[1].astype(float), best[2].astype(float))[1]
                      @ pr.weights)
        assert value == pytest.approx(best[0], rel=1e-12)
        best = (value, best[1], best[2])
    return best


def _solver_value(est: mix.Estimates, cons: mix.Constraints, objective) -> float:
    """The objective value HiGHS gives the plan it chose."""
    res = mix._solve(_problem(est, cons, objective), cons)[0]
    return -float(res.fun)


@pytest.mark.parametrize("variant", [
    dict(),
    dict(variety=False, objective="reads"),
    dict(objective="follows", min_share={"news": 0.3}),
    dict(max_pushes=2, team_hours=16, objective={"reads": 1, "engagement": 2}),
    dict(account_type="service", max_posts={"wechat": 4, "weibo": 4}, variety=False),
])
def test_milp_matches_brute_force(est, variant):
    variant = dict(variant)
    objective = variant.pop("objective", None)
    base = dict(platforms=("wechat", "weibo"), content_types=("educational", "news"),
                team_hours=30.0, budget=None, min_posts={"wechat": 1, "weibo": 1},
                max_posts={"wechat": 4, "weibo": 4}, max_share={}, max_pushes=3)
    if variant.get("account_type") == "service":
        base["max_pushes"] = None
    base.update(variant)
    cons = mix.Constraints(**base, mip_gap=0.0)
    p = mix.plan(est, cons, objective=objective)
    assert p.status == "optimal"
    assert p.gap <= 1e-6
    check_plan_rules(p, cons)
    best = _brute_force(est, cons, p)
    assert p.objective == pytest.approx(best, rel=1e-6)
    assert _solver_value(est, cons, objective) == pytest.approx(p.objective, rel=1e-9)
    # with the default 1 % tolerance the plan is within 1 % of the best, and says how close
    quick = mix.plan(est, cons.replace(mip_gap=0.01), objective=objective)
    assert quick.gap <= 0.01 + 1e-9
    assert best * (1 - 0.01) - 1e-9 <= quick.objective <= best + 1e-9


HEADLINE_COUNTS = ("reads", "read_users", "push_reads", "likes", "wows", "comments", "shares",
                   "share_users", "favourites", "follows_after_read")


@pytest.fixture(scope="module")
def headline_below() -> mix.Estimates:
    """The sample history with every headline's counts cut to a sixth: a team whose headline
    slot reads less than its secondary positions (a fixed daily notice on top, say)."""
    arts = io.sample("articles").copy()
    head = (arts["position"] == 1).fillna(False).to_numpy()
    for col in HEADLINE_COUNTS:
        values = arts[col].astype("float64").to_numpy(copy=True)
        values[head] = np.rint(values[head] / 6)
        arts[col] = pd.array(values, dtype=arts[col].dtype)
    return mix.estimate(arts)


def _check_against_enumeration(est: mix.Estimates, cons: mix.Constraints, objective) -> None:
    """The plan is the best by enumeration (to 1e-9), both as this file values it and as the
    module reports it; the solver's own objective is the reported one; "optimal" is true."""
    p = mix.plan(est, cons, objective=objective)
    found = _best_as_reported(est, cons, objective)
    if found is None:
        assert p.status == "infeasible"
        return
    assert p.status == "optimal"
    assert p.gap <= 1e-6
    check_plan_rules(p, cons)
    best, _, _ = found
    assert p.objective == pytest.approx(best, rel=1e-9)
    assert p.objective == pytest.approx(_brute_force(est, cons, p), rel=1e-9)
    assert _solver_value(est, cons, objective) == pytest.approx(p.objective, rel=1e-9)
    quick = mix.plan(est, cons.replace(mip_gap=0.01), objective=objective)
    assert quick.status == "optimal" and quick.gap <= 0.01 + 1e-9
    assert best * (1 - 0.01) - 1e-9 <= quick.objective <= best + 1e-9


def test_the_planted_history_reads_less_in_the_headline(headline_below):
    head, sec = headline_below.slot_multipliers("wechat")
    assert head < 0.7 * sec


@pytest.mark.parametrize("variant", [
    dict(),
    dict(variety=False),
    dict(articles_per_push=2, max_pushes=3, variety=False),
    dict(articles_per_push=2, max_pushes=4, max_posts={"wechat": 6, "weibo": 3}),
    dict(articles_per_push=1, max_pushes=5, variety=False, max_posts={"wechat": 5, "weibo": 3}),
    dict(articles_per_push=3, max_pushes=2, max_posts={"wechat": 6, "weibo": 2},
         objective="follows"),
    dict(articles_per_push=2, max_pushes=3, team_hours=20.0,
         objective={"reads": 1, "engagement": 2}),
])
def test_milp_matches_brute_force_when_headlines_read_less(headline_below, variant):
    variant = dict(variant)
    objective = variant.pop("objective", "reads")
    base = dict(platforms=("wechat", "weibo"), content_types=("educational", "news"),
                team_hours=40.0, budget=None, min_posts={"wechat": 1, "weibo": 1},
                max_posts={"wechat": 4, "weibo": 4}, max_share={}, max_pushes=3, mip_gap=0.0)
    base.update(variant)
    _check_against_enumeration(headline_below, mix.Constraints(**base), objective)


def _random_case(est: mix.Estimates, seed: int) -> tuple[mix.Estimates, mix.Constraints, Any]:
    """A small random case: per-cell values, decay and the headline's worth drawn at random,
    the headline worth less than a secondary slot on odd seeds and more on even ones."""
    rng = np.random.default_rng(seed)
    sec = float(rng.uniform(0.3, 1.5))
    head = sec * float(rng.uniform(0.1, 0.95) if seed % 2 else rng.uniform(1.05, 4.0))
    decay = {p: float(rng.choice([1.0, rng.uniform(0.5, 1.0)])) for p in ("wechat", "weibo")}
    noisy = dataclasses.replace(est, _mean=est._mean * rng.lognormal(0, 0.7, est._mean.shape),
                                _slots={"wechat": (head, sec)}, _decay=decay)
    service = rng.random() < 0.2
    cons = mix.Constraints(
        account_type="service" if service else "subscription", platforms=("wechat", "weibo"),
        content_types=tuple(str(c) for c in rng.choice(mix.schemas.CONTENT_TYPES, 2,
                                                       replace=False)),
        team_hours=float(rng.uniform(8, 40)),
        budget=None if rng.random() < 0.6 else float(rng.uniform(500, 4000)),
        min_posts={"wechat": int(rng.integers(0, 3)), "weibo": int(rng.integers(0, 2))},
        max_posts={"wechat": int(rng.integers(2, 6)), "weibo": int(rng.integers(1, 4))},
        max_share={}, max_pushes=None if service else int(rng.integers(1, 5)),
        articles_per_push=int(rng.integers(1, 4)), variety=bool(rng.random() < 0.5),
        mip_gap=0.0)
    objective = [None, "reads", "follows", {"reads": 1.0, "engagement": float(rng.uniform(0, 3))}
                 ][int(rng.integers(4))]
    return noisy, cons, objective


@pytest.mark.parametrize("seed", range(24))
def test_milp_matches_brute_force_on_random_small_cases(est, seed):
    noisy, cons, objective = _random_case(est, seed)
    head, sec = noisy.slot_multipliers("wechat")
    assert (head < sec) == bool(seed % 2)
    _check_against_enumeration(noisy, cons, objective)


def test_decay_gives_diminishing_returns_in_the_plan():
    spec = {("weibo", "news"): (300, 9.0), ("weibo", "fun"): (300, 8.6)}
    arts = synthetic(spec, seed=2)
    cons = mix.Constraints(platforms=("weibo",), content_types=("news", "fun"), budget=None,
                           min_posts={"weibo": 6}, max_posts={"weibo": 6}, variety=False,
                           team_hours=100, max_share={})
    linear = mix.plan(mix.estimate(arts, decay=1.0), cons, objective="reads")
    steep = mix.plan(mix.estimate(arts, decay=0.5), cons, objective="reads")
    assert linear.posts.loc["weibo", "news"] == 6         # no decay: all on the best type
    assert 0 < steep.posts.loc["weibo", "fun"] < 6        # decay: the mix spreads


# --------------------------------------------------------------------------------------------
# Property tests: every rule holds on random constraint sets
# --------------------------------------------------------------------------------------------
PLATS = ("wechat", "weibo", "douyin", "xiaohongshu", "zhihu")


@st.composite
def constraint_sets(draw):
    account = draw(st.sampled_from(mix.ACCOUNT_TYPES))
    plats = tuple(p for p in PLATS if draw(st.booleans())) or ("wechat",)
    mins, maxs = {}, {}
    for p in plats:
        lo = draw(st.integers(0, 4))
        mins[p] = lo
        maxs[p] = lo + draw(st.integers(0, 8))
    cap = mix.PUSHES_PER_WEEK[account]
    personas = ()
    if draw(st.booleans()):
        personas = (mix.PersonaTarget("P", tuple(draw(st.sets(st.sampled_from(
            mix.schemas.CONTENT_TYPES), min_size=1, max_size=3))), draw(st.integers(0, 5))),)
    return mix.Constraints(
        account_type=account, platforms=plats, team_hours=draw(st.floats(0, 120)),
        budget=draw(st.one_of(st.none(), st.floats(0, 20_000))), min_posts=mins, max_posts=maxs,
        min_share={"educational": draw(st.floats(0, 0.4))},
        max_share={"product": draw(st.floats(0.1, 1.0))},
        max_pushes=draw(st.one_of(st.none(), st.integers(0, cap))),
        articles_per_push=draw(st.integers(1, 8)), variety=draw(st.booleans()),
        personas=personas)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cons=constraint_sets())
def test_rules_hold_on_random_constraints(est, cons):
    p = mix.plan(est, cons)
    assert p.status in ("optimal", "time_limit", "infeasible")
    if p.feasible:
        check_plan_rules(p, cons)
        check_calendar_rules(p.calendar("2026-02-09", weeks=2), p, cons)
        assert p.expected.loc["reads", "low"] <= p.expected.loc["reads", "expected"] + 1e-9
        assert p.expected.loc["reads", "expected"] <= p.expected.loc["reads", "high"] + 1e-9
    else:
        assert p.conflicts
        for c in p.conflicts:
            assert c.group in mix.GROUPS and c.en and CJK.search(c.zh)
            assert c.amount > 0
        hours = [c for c in p.conflicts if c.group == "team_hours" and c.alone]
        if hours:      # adding the hours it asks for is enough
            fixed = mix.plan(est, cons.replace(team_hours=cons.team_hours + hours[0].amount
                                               + 0.01))
            assert fixed.feasible


# --------------------------------------------------------------------------------------------
# Infeasibility explained
# --------------------------------------------------------------------------------------------
def test_too_few_hours_names_hours_and_the_amount(est):
    cons = mix.Constraints(platforms=("wechat", "weibo"), content_types=("news", "educational"),
                           min_posts={"wechat": 3, "weibo": 5}, team_hours=10, budget=None,
                           variety=False)
    p = mix.plan(est, cons)
    assert p.status == "infeasible" and not p.feasible
    hours = next(c for c in p.conflicts if c.group == "team_hours")
    assert hours.amount == pytest.approx(6.0)      # 8 news posts x 2 h = 16 h, the team has 10
    assert hours.unit == "h" and hours.alone
    assert "16 h" in hours.en and "10 h" in hours.en and "6 h short" in hours.en
    assert "16 小时" in hours.zh and "10 小时" in hours.zh
    mins = next(c for c in p.conflicts if c.group == "platform_min")
    assert mins.amount == 3                          # or cut 3 of the 8 minimum posts
    assert "10 h" in p.message["en"] and "10 小时" in p.message["zh"]
    assert p.posts.to_numpy().sum() == 0


def test_minimum_above_what_the_pushes_allow(est):
    cons = mix.Constraints(account_type="service", platforms=("wechat",),
                           min_posts={"wechat": 12})
    p = mix.plan(est, cons)
    assert p.status == "infeasible"
    groups = {c.group: c for c in p.conflicts}
    assert groups["platform_min"].amount == 4       # one push a week carries 8 articles
    assert "12" in groups["platform_min"].en and "8" in groups["platform_min"].en
    assert groups["pushes"].amount == 1
    assert "服务号" in groups["pushes"].zh


def test_persona_minimum_above_the_platform_maximum(est):
    persona = mix.PersonaTarget("Night owls", ("news", "fun"), 8, ("weibo",), name_zh="夜猫子")
    cons = mix.Constraints(platforms=("weibo",), min_posts={"weibo": 2},
                           max_posts={"weibo": 6}, personas=(persona,), variety=False)
    p = mix.plan(est, cons)
    groups = {c.group: c for c in p.conflicts}
    assert groups["platform_max"].amount == 2
    assert groups["persona"].amount == 2
    assert "Night owls" in groups["persona"].en and "夜猫子" in groups["persona"].zh


def test_share_rules_that_cannot_both_hold(est):
    cons = mix.Constraints(min_share={"educational": 0.6, "news": 0.6})
    p = mix.plan(est, cons)
    assert p.status == "infeasible"
    (c,) = p.conflicts
    assert c.group == "type_share_min" and c.unit == "share"
    assert c.amount == pytest.approx(0.2)
    assert "120.0%" in c.en and "120.0%" in c.zh
    # shares that only conflict through the other rules are found by the solver
    cons = mix.Constraints(platforms=("zhihu",), content_types=("educational", "news"),
                           min_posts={"zhihu": 2}, max_posts={"zhihu": 2}, variety=False,
                           min_share={"educational": 0.6, "news": 0.3})
    p = mix.plan(est, cons)
    groups = {c.group: c for c in p.conflicts}
    assert groups["type_share_min"].amount == 1      # 2 posts: 60 % and 30 % need 2 + 1
    assert groups["platform_max"].amount == 1        # or a third post
    # the same type's minimum above its maximum is an input error, not a conflict
    with pytest.raises(InputError):
        mix.plan(est, cons.replace(max_share={"educational": 0.4}))


@pytest.mark.parametrize("change", [
    dict(team_hours=-5), dict(hours={"news": -1.0}), dict(min_posts={"weibo": 9},
                                                          max_posts={"weibo": 3}),
    dict(platforms=("wechat", "myspace")), dict(account_type="enterprise"),
    dict(min_share={"news": 0.5}, max_share={"news": 0.2}), dict(max_pushes=9),
    dict(account_type="service", max_posts={"wechat": 8}, max_pushes=2),
    dict(weights={"likes": 1.0}), dict(budget=float("nan")),
    dict(personas=(mix.PersonaTarget("x", ("poems",), 2),)),
])
def test_invalid_inputs_raise_bilingual_errors(est, change):
    with pytest.raises(InputError) as info:
        mix.plan(est, mix.Constraints(**change))
    assert info.value.en and CJK.search(info.value.zh)


def test_invalid_data_and_choices(est):
    for bad in (pd.DataFrame(columns=["publish_time", "platform", "content_type", "reads"]),
                pd.DataFrame({"x": [1]}), "articles.csv"):
        with pytest.raises(InputError) as info:
            mix.estimate(bad)
        assert CJK.search(info.value.zh)
    with pytest.raises(InputError):
        mix.plan(est, mix.Constraints(platforms=("bilibili",)))      # no bilibili history
    with pytest.raises(InputError):
        mix.plan(est, mix.Constraints(), objective="likes")
    with pytest.raises(InputError):
        mix.estimate(io.sample("articles"), decay=1.5)
    p = mix.plan(est, mix.Constraints(team_hours=1))
    with pytest.raises(InputError):
        p.calendar("2026-03-02", 4)                                   # nothing to place
    good = mix.plan(est, mix.Constraints())
    with pytest.raises(InputError):
        good.calendar("2026-03-02", 0)
    with pytest.raises(InputError):
        good.calendar("March", 2)


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def busy_plan(est) -> mix.MixPlan:
    cons = mix.Constraints(team_hours=90, min_posts={"wechat": 8},
                           max_posts={"wechat": 12, "weibo": 14}, max_pushes=4)
    p = mix.plan(est, cons)
    assert p.feasible
    return p


def test_calendar_rules_hold(busy_plan):
    start = dt.date(2026, 9, 28)
    cal = busy_plan.calendar(start, weeks=8)
    check_calendar_rules(cal, busy_plan, busy_plan.constraints)
    assert busy_plan.pushes["wechat"] >= 2
    assert all(start <= it.start.date() < start + dt.timedelta(weeks=8) for it in cal.items)
    assert any(it.position and it.position > 1 for it in cal.items)      # secondary slots used
    # headlines go to the plan's headline types (when the order allows it)
    if not cal.notes:
        heads = pd.Series([it.content_type for it in cal.items if it.position == 1])
        plan_heads = busy_plan.cells.set_index("content_type").query("platform == 'wechat'")
        for c, n in plan_heads["headlines"].items():
            assert (heads == c).sum() == 8 * n
    # holidays and festivals on their dates
    assert any(m.name_zh == "国庆节" for m in cal.marks[dt.date(2026, 10, 1)])
    assert any(m.name_zh == "双11" for m in cal.marks[dt.date(2026, 11, 11)])
    assert any(m.kind == "festival" and "Double 11" in m.name
               for m in cal.marks[dt.date(2026, 11, 11)])
    on_oct1 = [it for it in cal.items if it.start.date() == dt.date(2026, 10, 1)]
    assert on_oct1 and all(any(m.name == "National Day" for m in it.marks) for it in on_oct1)


def test_service_account_pushes_four_times_in_four_weeks(est):
    p = mix.plan(est, mix.Constraints(account_type="service"))
    assert p.pushes["wechat"] == 1
    cal = p.calendar("2026-03-02", weeks=4)
    pushes = {it.push for it in cal.items if it.platform == "wechat"}
    assert len(pushes) == 4
    assert any("four group pushes a month" in en for en, _ in p.notes)


def test_ics_export(busy_plan):
    cal = busy_plan.calendar("2026-09-28", weeks=8)
    stamp = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    n_marks = sum(len(v) for v in cal.marks.values())
    data = cal.to_ics(stamp=stamp)
    parsed = icalendar.Calendar.from_ical(data)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(cal) + n_marks
    posts = [e for e in events if isinstance(e["dtstart"].dt, dt.datetime)]
    assert len(posts) == len(cal)
    first = cal.items[0]
    ev = next(e for e in posts if str(e["uid"]).startswith(f"workbench-mix-{first.item_id}@"))
    assert ev["dtstart"].dt == first.start.replace(tzinfo=ev["dtstart"].dt.tzinfo)
    assert str(ev["dtstart"].dt.tzinfo) == "Asia/Shanghai"
    assert ev["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert str(ev["status"]) == "TENTATIVE"
    assert "draft" in str(ev["description"]).lower()
    assert len({str(e["uid"]) for e in events}) == len(events)
    all_day = {e["dtstart"].dt for e in events if not isinstance(e["dtstart"].dt, dt.datetime)}
    assert {dt.date(2026, 10, 1), dt.date(2026, 11, 11)} <= all_day
    assert list(parsed.walk("VTIMEZONE"))
    # approving keeps the UID and confirms the event
    cal.set_status(first.item_id, "approved")
    again = icalendar.Calendar.from_ical(cal.to_ics(stamp=stamp, include_marks=False))
    events2 = list(again.walk("VEVENT"))
    assert len(events2) == len(cal)
    ev2 = next(e for e in events2 if str(e["uid"]) == str(ev["uid"]))
    assert str(ev2["status"]) == "CONFIRMED"
    zh = icalendar.Calendar.from_ical(cal.to_ics(lang="zh", stamp=stamp))
    assert any(CJK.search(str(e["summary"])) for e in zh.walk("VEVENT"))


def test_review_status_is_validated_and_saved_with_the_plan(est):
    p = mix.plan(est, mix.Constraints())
    cal = p.calendar("2026-03-02", weeks=2)
    first, second = cal.items[0].item_id, cal.items[1].item_id
    assert cal.items[0].status == "draft"
    cal.set_status(first, "in review")
    cal.set_status(second, "published")
    assert cal.item(first).status == "first_review"       # the review flow's first step
    with pytest.raises(InputError) as info:
        cal.set_status(first, "done")
    assert CJK.search(info.value.zh)
    with pytest.raises(InputError):
        cal.set_status("no-such-item", "draft")
    payload = p.to_payload()
    text = store.encode_payload(payload)                     # the store accepts it
    json.loads(text)
    back = mix.MixPlan.from_payload(store.decode_payload(text))
    assert back.posts.equals(p.posts)
    assert back.pushes == p.pushes
    assert back.objective == pytest.approx(p.objective)
    assert back.expected["expected"].to_numpy() == pytest.approx(p.expected["expected"].to_numpy())
    assert back.calendar_settings == {"start": "2026-03-02", "weeks": 2}
    cal2 = back.calendar("2026-03-02", weeks=2)
    assert [it.item_id for it in cal2.items] == [it.item_id for it in cal.items]
    assert cal2.item(first).status == "first_review"
    assert cal2.item(second).status == "published"
    assert cal2.frame().drop(columns="status_label").equals(
        cal.frame().drop(columns="status_label"))
    # an infeasible plan round-trips too, conflicts and all
    bad = mix.plan(est, mix.Constraints(team_hours=5))
    back_bad = mix.MixPlan.from_payload(store.decode_payload(store.encode_payload(
        bad.to_payload())))
    assert [c.group for c in back_bad.conflicts] == [c.group for c in bad.conflicts]


def test_csv_export_neutralises_formulas(busy_plan):
    cal = busy_plan.calendar("2026-09-28", weeks=2)
    evil = mix.DayMark(cal.items[0].start.date(), "festival", "=HYPERLINK(\"http://x\")", "=x")
    cal.items[0].marks = (evil,)
    text = cal.to_csv()
    rows = list(csv.reader(_io.StringIO(text)))
    assert rows[0][0] == "item_id" and len(rows) == len(cal) + 1
    cells = [c for r in rows for c in r]
    assert not any(c[:1] in ("=", "+", "@") for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells
    zh = cal.to_csv(lang="zh")
    assert "头条" in zh and "草稿" in zh


def test_csv_export_leaves_no_formula_after_a_line_break(busy_plan):
    """A festival named with a bare CR before a formula (issue 19, item 3): quoted, and the line
    after the CR neutralised, so a reader that breaks lines on CR sees no live formula."""
    cal = busy_plan.calendar("2026-09-28", weeks=1)
    cal.items[0].marks = (mix.DayMark(cal.items[0].start.date(), "festival",
                                      "F1\r=cmd|' /C calc'!A0", "节\r+1"),)
    for lang in ("en", "zh"):
        text = cal.to_csv(lang)
        for line in re.split(r"\r\n|\r|\n", text):
            assert all(c.lstrip('"')[:1] not in "=+-@" for c in line.split(",") if c), line
        rows = list(csv.reader(_io.StringIO(text, newline="")))
        assert len(rows) == len(cal) + 1
    assert "\"F1\r'=cmd|' /C calc'!A0\"" in cal.to_csv("en")


def test_calendar_is_fast_enough_to_not_need_a_solver(busy_plan):
    busy_plan.calendar("2026-01-05", weeks=12)     # warm (holidays import)
    cal = busy_plan.calendar("2026-01-05", weeks=12)
    assert len(cal) == 12 * int(busy_plan.posts.to_numpy().sum())
    assert any(m.name_zh == "春节" for ms in cal.marks.values() for m in ms)


# --------------------------------------------------------------------------------------------
# Determinism, frontier, festivals
# --------------------------------------------------------------------------------------------
def test_determinism(est):
    cons = mix.Constraints(team_hours=70)
    a, b = mix.plan(est, cons), mix.plan(est, cons)
    assert a.posts.equals(b.posts) and a.objective == b.objective
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ca, cb = a.calendar("2026-05-04", 6), b.calendar("2026-05-04", 6)
    assert ca.to_csv() == cb.to_csv()
    assert ca.to_ics(stamp=stamp) == cb.to_ics(stamp=stamp)
    e2 = mix.estimate(io.sample("articles"))
    assert e2.cells.equals(est.cells)


def test_frontier_trades_one_goal_for_the_other(est):
    f = mix.frontier(est, mix.Constraints(), goals=("reads", "follows"), steps=5)
    assert list(f["weight"]) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert (f["status"] == "optimal").all()
    assert f["reads"].iloc[0] >= f["reads"].iloc[-1] - 1e-6
    assert f["follows"].iloc[-1] >= f["follows"].iloc[0] - 1e-6
    assert f["efficient"].any()
    assert all(isinstance(p, dict) and p for p in f["posts"])
    with pytest.raises(InputError):
        mix.frontier(est, goals=("reads", "reads"))


def test_qixi_and_festival_dates():
    assert mix.qixi(2024) == dt.date(2024, 8, 10)
    assert mix.qixi(2025) == dt.date(2025, 8, 29)
    assert mix.qixi(2026) == dt.date(2026, 8, 19)
    assert mix.qixi(2006) == dt.date(2006, 7, 31)             # a year with a leap 7th month
    marks = mix.day_marks(dt.date(2026, 5, 1), dt.date(2026, 12, 31))
    names = {d: {m.name_zh for m in ms} for d, ms in marks.items()}
    assert "618 购物节" in names[dt.date(2026, 6, 18)]
    assert "七夕" in names[dt.date(2026, 8, 19)]
    assert "双12" in names[dt.date(2026, 12, 12)]
    assert "520 网络情人节" in names[dt.date(2026, 5, 20)]
    assert "劳动节" in names[dt.date(2026, 5, 1)]


def test_too_little_history_is_refused_in_both_languages():
    with pytest.raises(InputError, match="Too little history") as err:
        mix.estimate(io.sample("articles").head(10))
    assert "历史数据太少" in err.value.zh and "已通知内容" in err.value.fix_zh

# --------------------------------------------------------------------------------------------
# Regressions (issue 8, trustworthy under bad input): inputs that broke the content mix model
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change", [
    dict(min_posts={"wechat": float("nan")}),             # was ValueError from int(nan)
    dict(min_posts={"wechat": float("inf")}),             # was OverflowError
    dict(max_posts={"weibo": 10 ** 9}, team_hours=1e9, budget=None, variety=False),  # 10^9 binaries
    dict(hours={"news": 1e200}, platform_effort={"weibo": 1e200}),   # infinite hours per post
    dict(hours={"event_report": 5e-324}),                 # was OverflowError: floor(60 / 5e-324)
    dict(cost={"news": 1e-300}),
])
def test_constraints_that_are_not_usable_numbers_are_refused(est, change) -> None:
    # issue 8: these raised ValueError/OverflowError, exhausted memory, or left the solver
    # unable to say which rules conflict
    with pytest.raises(InputError) as err:
        mix.plan(est, mix.Constraints(**change))
    assert err.value.en and CJK.search(err.value.zh)


def test_share_limits_no_whole_number_of_posts_meets_are_explained(est) -> None:
    # issue 8: Fun held to exactly 29/64 of at most 35 posts: HiGHS ran out of time and the plan
    # came back as status "error" with the solver's English text in both languages
    cons = mix.Constraints(platforms=("weibo", "douyin", "xiaohongshu"),
                           content_types=("fun", "event_report"), team_hours=89.0, budget=None,
                           min_share={"fun": 0.453125}, max_share={"fun": 0.453125},
                           articles_per_push=1, variety=False)
    p = mix.plan(est, cons)
    assert p.status == "infeasible"
    (c,) = p.conflicts
    assert c.group == "type_share_max" and c.unit == "share"
    assert c.amount == pytest.approx(1 / 35)          # 16 of 35 posts: 45.7 % needs +2.9 points
    assert "9–35 posts" in c.en and "45.3%" in c.en and "趣味" in c.zh
    wider = mix.plan(est, cons.replace(max_share={"fun": 0.453125 + c.amount + 1e-9}))
    assert wider.feasible


@pytest.mark.parametrize("column, value", [
    ("reads", np.inf),            # was ValueError from scipy.optimize.milp (non-finite c)
    ("reads", 1e18),              # was OverflowError: math range error
    ("publish_time", "x"),        # was pandas DateParseError
])
def test_article_values_that_are_not_counts_are_left_out(column, value) -> None:
    arts = io.sample("articles")
    bad = arts.copy()
    bad[column] = bad[column].astype(object if isinstance(value, str) else "float64")
    bad.loc[bad.index[:40], column] = value
    est = mix.estimate(bad)
    assert np.isfinite(est._mean).all() and np.isfinite(est._se_log).all()
    assert any("40 posts left out" in en for en, _ in est.notes)
    p = mix.plan(est)
    assert p.feasible and np.isfinite(p.expected.to_numpy(float)).all()
    everything = arts.copy()
    everything[column] = everything[column].astype(object if isinstance(value, str)
                                                     else "float64")
    everything[column] = value
    with pytest.raises(InputError):
        mix.estimate(everything)


@pytest.mark.parametrize("reads", [1e9, 1e12, 1e-300])
def test_one_post_copied_thirty_times_gives_finite_estimates_and_intervals(reads) -> None:
    # issue 8: with no spread at all in the history, reads 1e9 gave shares an 80 % interval
    # of 2.5e-07 – 0.44 around an expected 2,240 and follows a NaN top; reads 1e12 raised
    # OverflowError; fractions of a read (1e-300) made astronomically large rates
    arts = io.sample("articles")
    copies = arts.iloc[[0] * 30].reset_index(drop=True)
    copies["reads"] = reads
    copies["likes"] = 0
    est = mix.estimate(copies)
    assert np.isfinite(est._mean).all() and np.isfinite(est._se_log).all()
    try:
        p = mix.plan(est, mix.Constraints(platforms=("wechat",)))
    except InputError as err:                 # nothing was read: no goal has data
        assert reads < 1 and "weight is 0" in err.en
        return
    e = p.expected
    assert np.isfinite(e.to_numpy(float)).all()
    assert (e["low"] <= e["expected"]).all() and (e["expected"] <= e["high"]).all()
