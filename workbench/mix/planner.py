"""The weekly plan: :func:`plan` solves it, :func:`frontier` traces the trade-off between two
goals, and :class:`MixPlan` holds the result (saved to and loaded from the scenario store).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import InputError
from .calendar import Calendar
from .common import METRICS, POSITIONED
from .conflicts import Conflict, _explain, _share_sum_conflict, _share_window_conflict
from .estimates import Estimates, estimate
from .placement import check_weeks, parse_start, place
from .rules import Constraints
from .solver import _Problem, _problem, _solve, _totals, _weights


@dataclass(eq=False)
class MixPlan:
    """Posts per week per (platform, content type), what they should bring, and how it solved.

    Attributes
    ----------
    status : ``"optimal"`` (proven within ``constraints.mip_gap`` of the best possible),
        ``"time_limit"`` (best plan found in the time), ``"infeasible"`` (see
        :attr:`conflicts`) or ``"error"``.
    cells : tidy table per (platform, content_type): ``posts``, ``headlines`` (WeChat),
        ``hours``, ``cost``, the expected total of each metric that week, and
        ``reads_per_post`` (one post in a typical slot).
    expected : index = metric; ``expected``, ``low``, ``high``: the week's totals with an 80 %
        interval (estimation uncertainty and post-to-post variation).
    pushes : WeChat group pushes a week.
    usage : each rule with what the plan uses: group, key, used, lower, upper, unit.
    objective : value of the plan (1.0 = what a typical historical week delivered, per the
        weights).
    weights : the normalised objective weights; reference : the normalisers per metric.
    gap : relative MIP gap reported by HiGHS (how far the plan may be from the best possible);
        solve_ms : solver wall-clock time (including the conflict search when infeasible).
    constraints : the :class:`Constraints` it was solved for.
    conflicts : why no plan exists (empty unless infeasible).
    notes : ``(en, zh)`` pairs: assumptions (decay, conversions, thin cells, service-account
        pushes).
    message : ``{"en": ..., "zh": ...}`` one-line summary of the outcome.
    decay, slots : the decay per platform and the history's best slots, kept so that
        :meth:`calendar` works on a plan loaded from the scenario store.
    statuses : review status per calendar item id (edited through :meth:`Calendar.set_status`).

    Examples
    --------
    >>> p = plan(io.sample("articles"), Constraints())                        # doctest: +SKIP
    >>> p.posts.sum().sum(), p.expected.loc["reads", "expected"]               # doctest: +SKIP
    """

    status: str
    cells: pd.DataFrame
    expected: pd.DataFrame
    pushes: dict[str, int]
    usage: pd.DataFrame
    objective: float
    weights: dict[str, float]
    reference: dict[str, float]
    gap: float
    solve_ms: float
    constraints: Constraints
    conflicts: list[Conflict]
    notes: list[tuple[str, str]]
    message: dict[str, str]
    decay: dict[str, float]
    slots: dict[str, Any]
    statuses: dict[str, str] = field(default_factory=dict)
    calendar_settings: dict[str, Any] = field(default_factory=dict)
    #: what the team tracks of each calendar item (``{item_id: {"status", "topic", "owner",
    #: "start", "history"}}``), written by :meth:`Calendar.edit`, saved with the plan
    tracking: dict[str, dict] = field(default_factory=dict)
    #: the estimates' warnings (posts without a content type, planned as untagged), also in
    #: :attr:`notes`: a page shows them beside the plan, not folded away
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """Whether a plan was found (optimal or the best within the time limit)."""
        return self.status in ("optimal", "time_limit")

    @property
    def posts(self) -> pd.DataFrame:
        """Posts a week as a platform × content type table of integers."""
        wide = self.cells.pivot(index="platform", columns="content_type", values="posts")
        return wide.reindex(index=list(self.constraints.platforms),
                            columns=list(self.constraints.content_types)).fillna(0).astype(int)

    def total(self, metric: str) -> float:
        """Expected weekly total of ``metric``."""
        return float(self.expected.loc[metric, "expected"])

    def calendar(self, start: dt.date | str | None = None, weeks: int = 4) -> Calendar:
        """Place the weekly plan on dates, times and push slots for ``weeks`` weeks.

        Parameters
        ----------
        start : first day (any weekday; default: next Monday).
        weeks : number of weeks, 1..52.

        Returns
        -------
        Calendar
        """
        weeks = check_weeks(weeks)
        if not self.feasible:
            raise InputError("There is no plan to put on a calendar: " + self.message["en"],
                             "没有可排入日历的方案：" + self.message["zh"],
                             fix="Relax the conflicting rules first.",
                             fix_zh="请先放宽冲突的规则。")
        first = parse_start(start)
        cal = place(self.cells, self.constraints, self.slots, self.decay, self.statuses, first,
                    weeks, self.tracking)
        self.calendar_settings = {"start": first.isoformat(), "weeks": weeks}
        return cal

    def to_payload(self) -> dict[str, Any]:
        """The plan as plain JSON types for :class:`workbench.store.ScenarioStore`."""
        cells = []
        for r in self.cells.itertuples(index=False):
            d = r._asdict()
            cells.append({k: (v if isinstance(v, str) else float(v) if isinstance(
                v, (float, np.floating)) else int(v)) for k, v in d.items()})
        return {
            "kind": "mix_plan", "layout": 1, "status": self.status,
            "objective": float(self.objective), "gap": float(self.gap),
            "solve_ms": float(self.solve_ms), "weights": dict(self.weights),
            "reference": dict(self.reference), "cells": cells,
            "expected": [{"metric": m, "expected": float(r.expected), "low": float(r.low),
                          "high": float(r.high)} for m, r in self.expected.iterrows()],
            "pushes": {k: int(v) for k, v in self.pushes.items()},
            "usage": [{k: (v if isinstance(v, str) else float(v)) for k, v in rec.items()}
                      for rec in self.usage.to_dict("records")],
            "constraints": self.constraints.to_dict(),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "notes": list(self.notes), "message": dict(self.message),
            "decay": {k: float(v) for k, v in self.decay.items()}, "slots": self.slots,
            "statuses": dict(self.statuses), "calendar": dict(self.calendar_settings),
            "warnings": [list(pair) for pair in self.warnings],
            "tracking": {k: dict(v) for k, v in self.tracking.items()},
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "MixPlan":
        """Rebuild a plan saved with :meth:`to_payload`."""
        if not isinstance(payload, Mapping) or payload.get("kind") != "mix_plan":
            raise InputError("This saved scenario is not a content-mix plan.",
                             "该场景不是内容配比方案。")
        cells = pd.DataFrame(payload["cells"])
        if cells.empty:
            cells = pd.DataFrame(columns=_CELL_COLUMNS)
        expected = pd.DataFrame(payload["expected"]).set_index("metric")
        expected.index.name = None
        return cls(
            status=payload["status"], cells=cells, expected=expected,
            pushes=dict(payload["pushes"]), usage=pd.DataFrame(payload["usage"]),
            objective=float(payload["objective"]), weights=dict(payload["weights"]),
            reference=dict(payload["reference"]), gap=float(payload["gap"]),
            solve_ms=float(payload["solve_ms"]),
            constraints=Constraints.from_dict(payload["constraints"]),
            conflicts=[Conflict(**c) for c in payload["conflicts"]],
            notes=list(payload["notes"]), message=dict(payload["message"]),
            decay=dict(payload["decay"]), slots=dict(payload["slots"]),
            statuses=dict(payload.get("statuses", {})),
            calendar_settings=dict(payload.get("calendar", {})),
            warnings=[(str(en), str(zh)) for en, zh in payload.get("warnings", [])],
            tracking={str(k): dict(v) for k, v in (payload.get("tracking") or {}).items()
                      if isinstance(v, Mapping)},
        )


_CELL_COLUMNS = ["platform", "content_type", "posts", "headlines", "hours", "cost", *METRICS,
                 "reads_per_post"]


def _usage(pr: _Problem, cons: Constraints, x: np.ndarray, h: np.ndarray) -> pd.DataFrame:
    recs: list[dict[str, Any]] = []
    T = float(x.sum())
    recs.append({"group": "team_hours", "key": "", "used": float(pr.hours @ x), "lower": 0.0,
                 "upper": float(cons.team_hours), "unit": "h"})
    if cons.budget is not None:
        recs.append({"group": "budget", "key": "", "used": float(pr.cost @ x), "lower": 0.0,
                     "upper": float(cons.budget), "unit": "CNY"})
    for i, p in enumerate(pr.platforms):
        lo, hi = cons.posts_range(p)
        recs.append({"group": "platform_posts", "key": p, "used": float(x[pr.cell_p == i].sum()),
                     "lower": float(lo), "upper": float(hi), "unit": "posts"})
        if p in POSITIONED:
            recs.append({"group": "pushes", "key": p, "used": float(h[pr.cell_p == i].sum()),
                         "lower": 0.0, "upper": float(pr.push_cap), "unit": "pushes"})
    for j, c in enumerate(pr.types):
        if c in cons.min_share or c in cons.max_share:
            recs.append({"group": "type_share", "key": c,
                         "used": float(x[pr.cell_c == j].sum() / T) if T else 0.0,
                         "lower": float(cons.min_share.get(c, 0.0)),
                         "upper": float(cons.max_share.get(c, 1.0)), "unit": "share"})
    for n, persona in enumerate(cons.personas):
        row = next((r for r in pr.rows if r.group == "persona" and r.key == str(n)), None)
        used = float(row.cx @ x) if row is not None else 0.0
        recs.append({"group": "persona", "key": persona.name, "used": used,
                     "lower": float(persona.min_posts), "upper": math.inf, "unit": "posts"})
    return pd.DataFrame(recs, columns=["group", "key", "used", "lower", "upper", "unit"])


def plan(data: pd.DataFrame | Estimates, constraints: Constraints | None = None,
         objective: str | Mapping[str, float] | None = None) -> MixPlan:
    """The best integer posts per week per (platform, content type) under ``constraints``.

    Parameters
    ----------
    data : an articles table (estimated with :func:`estimate` defaults) or precomputed
        :class:`Estimates` (so that a dashboard re-solves without re-estimating).
    constraints : the team's rules; ``None`` uses :class:`Constraints` defaults.
    objective : ``None`` (``constraints.weights``), one metric name (``"follows"``) or a
        mapping of metric weights; weights apply to totals normalised by a typical week.

    Returns
    -------
    MixPlan
        With ``status == "infeasible"`` and :attr:`MixPlan.conflicts` when no plan meets every
        rule (it does not raise, so a dashboard can explain and keep the last good plan).

    Raises
    ------
    InputError
        For invalid constraints (negative hours, min above max, unknown platform ...), an
        unusable articles table, or a platform without history.

    Examples
    --------
    >>> est = estimate(io.sample("articles"))                                  # doctest: +SKIP
    >>> plan(est, Constraints(team_hours=10)).conflicts[0].en                  # doctest: +SKIP
    'The minimum posts and other rules need at least 29.2 h of work a week; the team has 10 h ...'
    """
    est = data if isinstance(data, Estimates) else estimate(data)
    cons = Constraints() if constraints is None else constraints
    if not isinstance(cons, Constraints):
        raise InputError("constraints must be a mix.Constraints.", "constraints 必须是 "
                         "mix.Constraints。")
    cons.validate()
    if schemas.UNTAGGED in est.content_types and schemas.UNTAGGED not in cons.content_types:
        cons = cons.replace(content_types=cons.content_types + (schemas.UNTAGGED,))
    weights, wvec, notes = _weights(objective, cons, est.reference)
    pr = _problem(est, cons, wvec)
    notes = list(est.notes) + notes
    if cons.account_type == "service" and "wechat" in cons.platforms:
        notes.append(("Service account: four group pushes a month are planned as one push a "
                      "week (up to eight articles); a 4-week calendar has exactly four pushes.",
                      "服务号：每月 4 次群发按每周 1 次（最多 8 篇）安排；"
                      "4 周的日历正好 4 次群发。"))
    notes.append(("Expected values are for a typical time slot; the calendar picks better slots, "
                  "so the plan's totals lean conservative.",
                  "预期值按一般时段计算；日历会选更好的时段，因此方案总数偏保守。"))
    decay = {p: est.decay_for(p) for p in cons.platforms}
    slots = {p: v for p, v in est._slot_payload().items() if p in cons.platforms}
    K = len(pr.cell_p)
    t0 = time.perf_counter()
    pre = _share_sum_conflict(cons)
    if pre is not None:
        return _infeasible(pr, cons, [pre], weights, est, notes, decay, slots,
                           (time.perf_counter() - t0) * 1e3)
    res, z_cell, g_cell, _, _ = _solve(pr, cons)
    solve_ms = (time.perf_counter() - t0) * 1e3
    if res.x is None:
        if res.status == 2:
            conflicts = _explain(pr, cons)
            return _infeasible(pr, cons, conflicts, weights, est, notes, decay, slots,
                               (time.perf_counter() - t0) * 1e3)
        # out of time without any plan: share windows that no weekly total meets are the
        # usual cause (the solver branches through every total to prove it); count them
        window = _share_window_conflict(cons)
        if window is not None:
            return _infeasible(pr, cons, [window], weights, est, notes, decay, slots,
                               (time.perf_counter() - t0) * 1e3)
        limit = f"{cons.time_limit:g}"
        return _infeasible(pr, cons, [], weights, est, notes, decay, slots, solve_ms,
                           status="error", text=(
                               f"No plan was found within the solver's time limit of {limit} s: "
                               "the rules may contradict each other in a way that takes long "
                               "to prove (e.g. share limits that few weekly totals meet). "
                               "Fix: loosen the share or persona rules, or raise the time "
                               f"limit. (Solver: {res.message})",
                               f"求解器在 {limit} 秒时限内没有找到方案：各项规则之间可能存在"
                               "难以快速判定的冲突（例如只有极少数每周总篇数能满足的占比限制）。"
                               "解决办法：放宽占比或人设规则，或延长求解时限。"
                               f"（求解器信息：{res.message}）"))
    xs = np.rint(res.x).astype(int)
    nz = len(z_cell)
    x = np.bincount(z_cell, weights=xs[:nz], minlength=K)
    h = np.bincount(g_cell, weights=xs[nz:nz + len(g_cell)], minlength=K)
    status = "optimal" if res.status == 0 else "time_limit"
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    per_cell, total, low, high = _totals(pr, x, h)
    objective_value = float(total @ pr.weights)
    cells = _cells_frame(pr, x, h, per_cell)
    expected = pd.DataFrame({"expected": total, "low": low, "high": high}, index=list(METRICS))
    pushes = {p: int(h[pr.cell_p == i].sum()) for i, p in enumerate(pr.platforms)
              if p in POSITIONED}
    msg = ({"en": f"Plan found: {int(x.sum())} posts a week, value {objective_value:.2f} "
                  f"(1.00 = a typical past week), within {gap:.1%} of the best possible.",
            "zh": f"已找到方案：每周 {int(x.sum())} 篇，价值 {objective_value:.2f}"
                  f"（1.00 = 过去典型一周），与最优方案的差距不超过 {gap:.1%}。"}
           if status == "optimal" else
           {"en": f"Best plan within the {cons.time_limit:g} s time limit (gap {gap:.1%}).",
            "zh": f"在 {cons.time_limit:g} 秒时限内找到的最佳方案（差距 {gap:.1%}）。"})
    return MixPlan(status, cells, expected, pushes, _usage(pr, cons, x, h), objective_value,
                   weights, dict(est.reference), gap, solve_ms, cons.replace(), [], notes, msg,
                   decay, slots, warnings=list(est.warnings))


def _cells_frame(pr: _Problem, x: np.ndarray, h: np.ndarray, per_cell: np.ndarray
                 ) -> pd.DataFrame:
    data: dict[str, Any] = {
        "platform": [pr.platforms[i] for i in pr.cell_p],
        "content_type": [pr.types[j] for j in pr.cell_c],
        "posts": x.astype(int), "headlines": h.astype(int),
        "hours": pr.hours * x, "cost": pr.cost * x,
    }
    for mi, m in enumerate(METRICS):
        data[m] = per_cell[:, mi]
    data["reads_per_post"] = pr.means[:, 0]
    return pd.DataFrame(data, columns=_CELL_COLUMNS)


def _infeasible(pr: _Problem, cons: Constraints, conflicts: list[Conflict],
                weights: dict[str, float], est: Estimates, notes: list[tuple[str, str]],
                decay: dict[str, float], slots: dict[str, Any], solve_ms: float, *,
                status: str = "infeasible", text: tuple[str, str] | None = None) -> MixPlan:
    K = len(pr.cell_p)
    zero = np.zeros(K)
    per_cell = np.zeros((K, len(METRICS)))
    if text is None:
        alone = any(c.alone for c in conflicts)
        text = (("No plan meets every rule. Change one of: " if alone else
                 "No plan meets every rule. Change these together: ")
                + " | ".join(c.en for c in conflicts),
                ("没有满足所有规则的方案。请调整以下任一项：" if alone else
                 "没有满足所有规则的方案。请同时调整：") + " | ".join(c.zh for c in conflicts))
    expected = pd.DataFrame({"expected": 0.0, "low": 0.0, "high": 0.0}, index=list(METRICS))
    return MixPlan(status, _cells_frame(pr, zero, zero, per_cell), expected,
                   {p: 0 for p in pr.platforms if p in POSITIONED}, _usage(pr, cons, zero, zero),
                   0.0, weights, dict(est.reference), math.nan, solve_ms, cons.replace(),
                   conflicts, notes,
                   {"en": text[0], "zh": text[1]}, decay, slots, warnings=list(est.warnings))


def frontier(data: pd.DataFrame | Estimates, constraints: Constraints | None = None,
             goals: tuple[str, str] = ("reads", "follows"), steps: int = 11) -> pd.DataFrame:
    """Trade-off between two goals: re-solve with the weight moving from one to the other.

    Parameters
    ----------
    data : articles or :class:`Estimates`.
    constraints : the rules (defaults when ``None``).
    goals : the two metrics; weight 0 is all on ``goals[0]``, weight 1 all on ``goals[1]``.
    steps : number of weights from 0 to 1 (at least 2).

    Returns
    -------
    pandas.DataFrame
        One row per weight: ``weight``, the two goals' expected weekly totals, ``status``,
        ``posts`` (a dict ``"platform/type" -> posts`` of the non-zero cells) and ``efficient``
        (no other point is at least as good on both goals and better on one).

    Examples
    --------
    >>> frontier(estimate(io.sample("articles")), steps=3)[["weight", "reads"]]   # doctest: +SKIP
    """
    est = data if isinstance(data, Estimates) else estimate(data)
    if len(goals) != 2 or goals[0] == goals[1] or any(g not in METRICS for g in goals):
        raise InputError(f"Choose two different goals from {', '.join(METRICS)}.",
                         f"请从 {', '.join(METRICS)} 中选择两个不同的目标。")
    if not isinstance(steps, int) or steps < 2:
        raise InputError("The frontier needs at least 2 steps.", "权衡曲线至少需要 2 个点。")
    a, b = goals
    recs = []
    for t in np.linspace(0.0, 1.0, steps):
        p = plan(est, constraints, objective={a: 1.0 - float(t), b: float(t)})
        posts = {f"{r.platform}/{r.content_type}": int(r.posts)
                 for r in p.cells.itertuples() if r.posts > 0}
        recs.append({"weight": float(t), a: p.total(a), b: p.total(b), "status": p.status,
                     "objective": p.objective, "posts": posts})
    out = pd.DataFrame(recs)
    va, vb = out[a].to_numpy(), out[b].to_numpy()
    ok = out["status"].isin(["optimal", "time_limit"]).to_numpy()
    eff = []
    for i in range(len(out)):
        dominated = ok & (va >= va[i] - 1e-9) & (vb >= vb[i] - 1e-9) & \
            ((va > va[i] + 1e-9) | (vb > vb[i] + 1e-9))
        eff.append(bool(ok[i] and not dominated.any()))
    out["efficient"] = eff
    return out


def persona_effect(data: pd.DataFrame | Estimates, result: MixPlan) -> list[dict[str, Any]]:
    """What each target persona rule of ``result`` does to the plan: the posts a week of the
    persona's content types the plan has (``posts``, on its platforms), the least the rule
    asks (``min_posts``), and the posts the same plan would have without any persona rule
    (``without``). The rule *binds* (``binds``) where the plan without it falls short of its
    minimum: there it changed the plan; elsewhere the plan met it anyway.

    Returns one dict per persona, in the rule's order: ``name``, ``name_zh``,
    ``content_types``, ``min_posts``, ``posts``, ``without``, ``binds``; ``[]`` without
    persona rules or a plan.
    """
    cons = result.constraints
    if not cons.personas or not result.feasible:
        return []
    est = data if isinstance(data, Estimates) else estimate(data)
    free = plan(est, cons.replace(personas=()))

    def served(p: MixPlan, target) -> int:
        posts = p.posts
        rows = [r for r in posts.index if not target.platforms or r in target.platforms]
        cols = [c for c in posts.columns if c in target.content_types]
        return int(posts.loc[rows, cols].to_numpy().sum())

    out = []
    for target in cons.personas:
        without = served(free, target) if free.feasible else 0
        out.append({"name": target.name, "name_zh": target.name_zh or target.name,
                    "content_types": tuple(target.content_types),
                    "min_posts": int(target.min_posts), "posts": served(result, target),
                    "without": without, "binds": without < target.min_posts})
    return out
