"""The weekly plan as a mixed-integer programme (``scipy.optimize.milp``, HiGHS): the
problem's arrays, the solve, and what a solution is expected to bring.

How the plan is solved
----------------------
Each cell gets one binary variable per possible post (n = 1..U); the n-th is worth
``value × decay ** (n - 1)`` and costs the cell's hours and money. On WeChat each push has
exactly one headline: binary "headline" increments per type (worth the headline's extra over a
secondary slot, decayed the same way) are linked by ``headlines ≤ posts`` per type,
``headlines ≤ pushes allowed`` and ``articles ≤ 8 × headlines`` (so pushes = headlines).
A count of n must be the first n increments, valued as the plan is reported. Increments worth
less and less (posts, a headline worth more than a secondary slot) are taken first by the
solver of its own accord; where later ones are worth more (a headline reading less than a
secondary slot: a negative extra, decayed towards 0, so the last ones cost least) they are
chained, the n-th only with the (n-1)-th. The model is exact whatever the sign of the slot
effects.
A subscription account may push once a day (≤ 7 a week); a service account has four group
pushes a month, planned as **one push a week** (a 4-week calendar has exactly 4). The value
of a post is the weighted sum of its expected reads, engagement, follows and conversions, each
divided by what a typical historical week delivered (:attr:`Estimates.reference`), so the
weights compare like with like.

HiGHS stops once the plan is *proven* within ``Constraints.mip_gap`` (default 1 %) of the best
possible value; the gap it reached is reported (:attr:`MixPlan.gap`, usually well below the
tolerance). Proving the exact optimum (``mip_gap=0``) of a busy week — 35 cells, hours, budget,
share and persona rules — takes HiGHS 100-600 ms, mostly on near-ties worth a fraction of a
percent, far inside the estimates' own 80 % intervals; at 1 % a weekly plan solves in
~20-40 ms. The tests check the exact mode against brute-force enumeration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .. import schemas
from ..errors import InputError
from .common import METRICS, POSITIONED, _METRIC_ZH, _Z80
from .estimates import Estimates
from .rules import Constraints, _check_number


@dataclass
class _Row:
    group: str
    key: str                # platform, content type, persona index or ""
    cx: np.ndarray          # coefficients on posts per cell
    ch: np.ndarray          # coefficients on headlines per cell
    lb: float
    ub: float


@dataclass
class _Problem:
    """A plan's data in arrays: cells, their values and costs, and the rows of every rule."""

    platforms: tuple[str, ...]
    types: tuple[str, ...]
    cell_p: np.ndarray      # (K,) platform index
    cell_c: np.ndarray      # (K,) type index into types
    means: np.ndarray       # (K, 5) per post, typical slot
    se_log: np.ndarray      # (K, 5)
    log_sd: np.ndarray      # (K,)
    hours: np.ndarray       # (K,)
    cost: np.ndarray        # (K,)
    decay: np.ndarray       # (K,)
    sec: np.ndarray         # (K,) slot multiplier of an ordinary / secondary post
    bonus: np.ndarray       # (K,) headline extra over secondary (0 off push platforms)
    positioned: np.ndarray  # (K,) bool
    closed: np.ndarray      # (K,) bool: no post may be planned in the cell (see _closed)
    weights: np.ndarray     # (5,) normalised, divided by the reference
    rows: list[_Row]
    push_cap: int


def _weights(objective: Any, constraints: Constraints, reference: Mapping[str, float]
             ) -> tuple[dict[str, float], np.ndarray, list[str]]:
    notes: list[tuple[str, str]] = []
    if objective is None:
        raw = dict(constraints.weights)
    elif isinstance(objective, str):
        raw = {objective: 1.0}
    elif isinstance(objective, Mapping):
        raw = dict(objective)
    else:
        raise InputError(f"The objective must be a metric name or a mapping of weights, not "
                         f"{objective!r}.", f"目标必须是指标名或权重字典，而不是 {objective!r}。")
    for m, w in raw.items():
        if m not in METRICS:
            raise InputError(f"Unknown objective {m!r}.", f"未知目标 {m!r}。",
                             fix=f"Choose from {', '.join(METRICS)}.",
                             fix_zh=f"可选：{', '.join(METRICS)}。")
        _check_number(w, f"weight of {m}", f"{_METRIC_ZH[m]} 的权重", minimum=0)
    if not math.isfinite(sum(float(w) for w in raw.values())):   # weights near the float limit
        top = max(float(w) for w in raw.values())
        raw = {m: float(w) / top for m, w in raw.items()}
    for m in list(raw):
        if raw[m] > 0 and not reference.get(m, 0) > 0:
            notes.append((f"{m}: no history to estimate it, left out of the objective.",
                          f"{_METRIC_ZH[m]}：没有历史数据可估计，未计入目标。"))
            raw[m] = 0.0
    total = sum(raw.values())
    if total <= 0:
        raise InputError("Every objective weight is 0 (or its metric has no data).",
                         "所有目标权重都为 0（或对应指标没有数据）。",
                         fix="Give a goal with data a positive weight.",
                         fix_zh="请给有数据的目标一个正权重。")
    norm = {m: float(raw.get(m, 0.0)) / total for m in METRICS}
    vec = np.array([norm[m] / reference[m] if norm[m] > 0 else 0.0 for m in METRICS])
    return {m: w for m, w in norm.items() if w > 0}, vec, notes


def _problem(est: Estimates, cons: Constraints, wvec: np.ndarray) -> _Problem:
    types = tuple(cons.content_types)
    plats = tuple(cons.platforms)
    for p in plats:
        est._platform_index(p)
    if not (np.isfinite(est._mean).all() and np.isfinite(est._se_log).all()
            and np.isfinite(wvec).all()):
        raise InputError("The estimates hold values that are not finite numbers, so no plan "
                         "can be compared.",
                         "估计值中有非有限数值，无法比较方案。",
                         fix="Estimate again from the articles with mix.estimate.",
                         fix_zh="请用 mix.estimate 从文章数据重新估计。")
    k_p, k_c = np.meshgrid(np.arange(len(plats)), np.arange(len(types)), indexing="ij")
    cell_p, cell_c = k_p.ravel(), k_c.ravel()
    pidx = np.array([est._platforms.index(plats[i]) for i in cell_p])
    for c in types:
        if c not in est.content_types:       # an untagged plan on a history that is all tagged
            raise InputError(f"The history has no {c!r} posts to estimate them from.",
                             f"历史数据中没有 {c!r} 类内容，无法估计。",
                             fix="Leave the type out of the plan's content types.",
                             fix_zh="请从计划的内容类型中去掉它。")
    tidx = np.array([est.content_types.index(types[i]) for i in cell_c])
    means = est._mean[pidx, tidx]
    se = est._se_log[pidx, tidx]
    hours = np.array([cons.cell_hours(plats[i], types[j]) for i, j in zip(cell_p, cell_c)])
    cost = np.array([cons.cell_cost(plats[i], types[j]) for i, j in zip(cell_p, cell_c)])
    positioned = np.array([plats[i] in POSITIONED for i in cell_p])
    head = np.array([est.slot_multipliers(plats[i])[0] for i in cell_p])
    sec = np.array([est.slot_multipliers(plats[i])[1] for i in cell_p])
    bonus = np.where(positioned, head - sec, 0.0)
    decay = np.array([est.decay_for(plats[i]) for i in cell_p])
    K = len(cell_p)
    rows: list[_Row] = []
    zero = np.zeros(K)
    untagged = types.index(schemas.UNTAGGED) if schemas.UNTAGGED in types else -1

    def row(group: str, key: str, cx: np.ndarray | None = None, ch: np.ndarray | None = None,
            lb: float = -np.inf, ub: float = np.inf) -> None:
        rows.append(_Row(group, key, zero if cx is None else cx, zero if ch is None else ch,
                         lb, ub))

    row("team_hours", "", cx=hours, ub=float(cons.team_hours))
    if cons.budget is not None:
        row("budget", "", cx=cost, ub=float(cons.budget))
    cap = cons.push_limit()
    for i, p in enumerate(plats):
        on = (cell_p == i).astype(float)
        lo, hi = cons.posts_range(p)
        if lo > 0:
            row("platform_min", p, cx=on, lb=lo)
        row("platform_max", p, cx=on, ub=hi)
        if p in POSITIONED:
            row("pushes", p, ch=on, ub=cap)
            row("_capacity", p, cx=on, ch=-cons.articles_per_push * on, ub=0.0)
        if cons.variety and on.sum() > 0:
            # untagged posts are of types nobody knows: no row keeps them from running on
            for k in np.flatnonzero(on * (cell_c != untagged)):
                cx = -on.copy()
                cx[k] = 1.0
                row("variety", f"{p}/{types[cell_c[k]]}", cx=cx, ub=1.0)
    for k in np.flatnonzero(positioned):
        ch = zero.copy()
        ch[k] = 1.0
        cx = zero.copy()
        cx[k] = -1.0
        row("_headline", f"{plats[cell_p[k]]}/{types[cell_c[k]]}", cx=cx, ch=ch, ub=0.0)
    for j, c in enumerate(types):
        on = (cell_c == j).astype(float)
        lo = float(cons.min_share.get(c, 0.0))
        hi = float(cons.max_share.get(c, 1.0))
        if lo > 0:
            row("type_share_min", c, cx=on - lo, lb=0.0)
        if hi < 1:
            row("type_share_max", c, cx=on - hi, ub=0.0)
    for n, persona in enumerate(cons.personas):
        if persona.min_posts <= 0:
            continue
        where = set(persona.platforms) if persona.platforms else set(plats)
        on = np.array([float(plats[cell_p[k]] in where and types[cell_c[k]] in
                             persona.content_types) for k in range(K)])
        row("persona", str(n), cx=on, lb=float(persona.min_posts))
    log_sd = est._log_sd[pidx]
    return _Problem(plats, types, cell_p, cell_c, means, se, log_sd, hours, cost, decay, sec,
                    bonus, positioned, _closed(est, pidx, tidx), wvec, rows, cap)


def _closed(est: Estimates, pidx: np.ndarray, tidx: np.ndarray) -> np.ndarray:
    """Cells no post may be planned in, once some posts are untagged: the untagged cell of a
    platform without untagged posts (it would be the platform's average, not what untagged
    posts brought), and the typed cells of a platform without a tagged post (nothing says
    which type is which there). Nothing is closed when every post has a type."""
    if schemas.UNTAGGED not in est.content_types:
        return np.zeros(len(pidx), bool)
    u = est.content_types.index(schemas.UNTAGGED)
    untagged = est._posts[:, u]
    tagged = est._posts.sum(axis=1) - untagged
    return np.where(tidx == u, untagged[pidx] == 0, tagged[pidx] == 0)


def _caps(pr: _Problem, cons: Constraints, elastic: bool) -> np.ndarray:
    """Upper bound on posts per cell implied by hard rows (generous when relaxing)."""
    K = len(pr.cell_p)
    if elastic:
        need = sum(cons.posts_range(p)[0] for p in pr.platforms) \
            + sum(int(x.min_posts) for x in cons.personas)
        big = max([cons.posts_range(p)[1] for p in pr.platforms] + [need, 1])
        return np.where(pr.closed, 0, min(big, 400)).astype(np.int64)
    caps = np.empty(K, np.int64)
    for k in range(K):
        if pr.closed[k]:
            caps[k] = 0
            continue
        p = pr.platforms[pr.cell_p[k]]
        hi = cons.posts_range(p)[1]
        # (a tiny cost per post makes the quotient huge, even infinite: compare before flooring)
        if pr.hours[k] > 0 and cons.team_hours / pr.hours[k] < hi:
            hi = int(math.floor(cons.team_hours / pr.hours[k] + 1e-9))
        if cons.budget is not None and pr.cost[k] > 0 and cons.budget / pr.cost[k] < hi:
            hi = int(math.floor(cons.budget / pr.cost[k] + 1e-9))
        if pr.positioned[k]:
            hi = min(hi, pr.push_cap * cons.articles_per_push)
        if cons.variety and pr.types[pr.cell_c[k]] != schemas.UNTAGGED:
            hi = min(hi, (cons.posts_range(p)[1] + 1) // 2)
        caps[k] = max(hi, 0)
    return caps


def _solve(pr: _Problem, cons: Constraints, *, elastic: Iterable[str] = (),
           ) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Build and solve the MILP; ``elastic`` groups get slack (minimised instead of the value).

    Returns the scipy result, the cell index of each post variable, the cell index of each
    headline variable, the cell caps, and the row indices that got a slack column.
    """
    elastic = set(elastic)
    K = len(pr.cell_p)
    caps = _caps(pr, cons, bool(elastic))
    z_cell = np.repeat(np.arange(K), caps)
    z_n = np.concatenate([np.arange(c) for c in caps]) if K else np.zeros(0, np.int64)
    h_caps = np.where(pr.positioned, np.minimum(caps, pr.push_cap if not elastic else caps), 0)
    g_cell = np.repeat(np.arange(K), h_caps)
    g_n = np.concatenate([np.arange(c) for c in h_caps]) if K else np.zeros(0, np.int64)
    nz, ng = len(z_cell), len(g_cell)
    slack_rows = [i for i, r in enumerate(pr.rows) if r.group in elastic]
    ns = len(slack_rows)
    n_var = nz + ng + ns
    base = pr.means @ pr.weights
    c = np.zeros(n_var)
    if not elastic:
        c[:nz] = -base[z_cell] * pr.sec[z_cell] * pr.decay[z_cell] ** z_n
        c[nz:nz + ng] = -base[g_cell] * pr.bonus[g_cell] * pr.decay[g_cell] ** g_n
    cx = np.array([r.cx for r in pr.rows]) if pr.rows else np.zeros((0, K))
    ch = np.array([r.ch for r in pr.rows]) if pr.rows else np.zeros((0, K))
    A = np.zeros((len(pr.rows), n_var))
    A[:, :nz] = cx[:, z_cell]
    A[:, nz:nz + ng] = ch[:, g_cell]
    lb = np.array([r.lb for r in pr.rows])
    ub = np.array([r.ub for r in pr.rows])
    for j, i in enumerate(slack_rows):
        r = pr.rows[i]
        A[i, nz + ng + j] = -1.0 if np.isfinite(r.ub) else 1.0
        c[nz + ng + j] = 1.0
    integrality = np.concatenate([np.ones(nz + ng), np.zeros(ns)])
    upper = np.concatenate([np.ones(nz + ng), np.full(ns, np.inf)])
    # one extra variable fixed at 0, so that a plan with no possible post is still a problem
    c = np.append(c, 0.0)
    A = np.hstack([A, np.zeros((len(pr.rows), 1))])
    integrality = np.append(integrality, 0.0)
    upper = np.append(upper, 0.0)
    rules = [LinearConstraint(A, lb, ub)] if len(pr.rows) else []
    order = _in_order(np.concatenate([z_cell, g_cell + K]), -c[:nz + ng], n_var + 1)
    if order.shape[0]:
        rules.append(LinearConstraint(order, -np.inf, 0.0))
    res = milp(c, integrality=integrality, bounds=Bounds(np.zeros(n_var + 1), upper),
               constraints=rules,
               options={"time_limit": float(cons.time_limit),
                        "mip_rel_gap": 1e-9 if elastic else float(cons.mip_gap)})
    return res, z_cell, g_cell, caps, slack_rows


def _in_order(owner: np.ndarray, worth: np.ndarray, n_cols: int) -> sparse.csr_matrix:
    """Rows ``v[n] - v[n-1] <= 0`` keeping the increments of a cell in order where needed.

    ``owner`` says whose increment each of the first ``len(owner)`` variables is (a cell's
    posts, or its headlines), in order n = 1, 2, ...; ``worth`` is what each adds to the
    objective. A count of n must mean *the first* n increments, the ones :func:`_totals`
    values when the plan is reported. Where an owner's increments are worth less and less
    (or the same), the solver takes the first ones of its own accord (they have the same
    coefficients in every rule), so they need no rows (and a plan stopped short of the
    optimum is reported at least at the solver's value, never below). Where any later
    increment is worth more, e.g. a headline worth less than a secondary slot (a negative
    extra, decayed towards 0), the solver would switch on the last, cheapest ones: all of that
    owner's increments are then chained, the n-th only with the (n-1)-th.
    """
    later = np.flatnonzero(owner[1:] == owner[:-1]) + 1
    rising = np.unique(owner[later[worth[later] > worth[later - 1]]])
    later = later[np.isin(owner[later], rising)]
    rows = np.arange(len(later))
    return sparse.csr_matrix(
        (np.concatenate([np.ones(len(later)), -np.ones(len(later))]),
         (np.concatenate([rows, rows]), np.concatenate([later, later - 1]))),
        shape=(len(later), n_cols))


def _effective(n: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """``sum_{i<n} decay**i`` elementwise."""
    n = np.asarray(n, float)
    d = np.asarray(decay, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(np.abs(1 - d) < 1e-12, n, (1 - d ** n) / np.maximum(1 - d, 1e-12))
    return out


def _totals(pr: _Problem, x: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray, np.ndarray]:
    """Expected metrics per cell (K, 5), totals (5), 80 % low and high of the week's totals."""
    eff = pr.sec * _effective(x, pr.decay) + pr.bonus * _effective(h, pr.decay)
    per_cell = pr.means * eff[:, None]
    total = per_cell.sum(axis=0)
    est_var = (pr.means ** 2 * (np.exp(pr.se_log ** 2) - 1) * (eff ** 2)[:, None]).sum(axis=0)
    post_var = (pr.means ** 2 * (np.exp(pr.log_sd ** 2) - 1)[:, None] * eff[:, None]).sum(axis=0)
    var = est_var + post_var
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        s2 = np.where(total > 0, np.log1p(var / np.maximum(total, 1e-300) ** 2), 0.0)
    # a log-normal's upper 80 % bound falls below its mean once s > 2·z: at that spread the
    # interval says "anything from almost nothing to the expected value and more" anyway
    s2 = np.fmin(s2, (2 * _Z80 - 1e-6) ** 2)
    s = np.sqrt(s2)
    median = total * np.exp(-s2 / 2)
    return per_cell, total, median * np.exp(-_Z80 * s), median * np.exp(_Z80 * s)
