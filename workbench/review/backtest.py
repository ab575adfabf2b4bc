"""The back-test plan: the plan the team would have made on a past date from the articles
before it, so the review page can demo on the sample.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from .. import mix
from ..errors import InputError
from .inputs import _prep_articles
from .values import _parse_date

__all__ = ["BACKTEST_CADENCE_WEEKS", "backtest_plan"]


#: Weeks of history before the start whose cadence a back-test plan keeps.
BACKTEST_CADENCE_WEEKS = 8


def _cadence_constraints(history: pd.DataFrame, first: pd.Timestamp) -> mix.Constraints:
    recent = history[history["publish_time"] >= first - pd.Timedelta(weeks=BACKTEST_CADENCE_WEEKS)]
    counts = recent["platform"].astype(str).value_counts()
    default = mix.Constraints()
    platforms = [p for p in default.platforms if counts.get(p, 0) > 0]
    if not platforms:
        platforms = [p for p in default.platforms if p in set(history["platform"].astype(str))]
    if not platforms:
        raise InputError("The history has no post on the platforms a plan covers.",
                         "历史数据中没有方案所覆盖平台的发文。",
                         fix="Load a longer articles history.", fix_zh="请导入更长的文章历史数据。")
    per_week = {p: max(1, int(round(counts.get(p, 0) / BACKTEST_CADENCE_WEEKS))) for p in platforms}
    hours = sum(n * max(default.cell_hours(p, c) for c in default.content_types)
                for p, n in per_week.items())
    return mix.Constraints(platforms=tuple(platforms), team_hours=float(math.ceil(hours)),
                           budget=None, min_posts=dict(per_week), max_posts=dict(per_week))


def backtest_plan(articles: pd.DataFrame, start: Any, weeks: int = 6,
                  constraints: mix.Constraints | None = None,
                  objective: str | Mapping[str, float] | None = None) -> dict[str, Any]:
    """The plan the team would have made on ``start`` from the articles published before it,
    as the payload the content-mix page saves (so the review page can demo on the sample).

    :func:`workbench.mix.estimate` on the history before ``start``, :func:`workbench.mix.plan`
    and a ``weeks``-week calendar from ``start``. Without ``constraints`` the plan keeps each
    platform's cadence of the :data:`BACKTEST_CADENCE_WEEKS` weeks before ``start`` (posts a
    week fixed at that average, at least 1), with enough team hours and no budget limit, so the
    optimiser chooses the mix.

    Returns
    -------
    dict
        ``MixPlan.to_payload()`` plus ``kpi_targets``, ``calendar_items``, ``calendar`` and
        ``backtest`` (``start``, ``history_posts``, ``history_end``).

    Raises
    ------
    InputError
        No history before ``start``, or no plan meets the constraints.

    Examples
    --------
    >>> p = backtest_plan(io.sample("articles"), "2026-10-05", weeks=6)         # doctest: +SKIP
    >>> p["calendar"]                                                           # doctest: +SKIP
    {'start': '2026-10-05', 'weeks': 6}
    """
    first = _parse_date(start)
    arts = articles
    if not isinstance(arts, pd.DataFrame) or "publish_time" not in arts.columns:
        _prep_articles(arts)           # raises the right message
    t = pd.to_datetime(arts["publish_time"], errors="coerce")
    history = arts[(t < first).to_numpy()]
    if history.empty:
        raise InputError(f"There are no articles before {first.date()} to plan from.",
                         f"{first.date()} 之前没有可用于制定方案的文章。",
                         fix="Choose a later start date or load a longer history.",
                         fix_zh="请选择更晚的开始日期，或导入更长的历史数据。")
    est = mix.estimate(history)
    cons = constraints if constraints is not None else _cadence_constraints(history, first)
    p = mix.plan(est, cons, objective)
    if not p.feasible:
        raise InputError("No plan meets the rules: " + p.message["en"],
                         "没有满足所有规则的方案：" + p.message["zh"],
                         fix="Relax the constraints.", fix_zh="请放宽约束条件。")
    cal = p.calendar(first.date(), weeks)
    payload = p.to_payload()
    payload["kpi_targets"] = {m: {"expected": float(r.expected), "low": float(r.low),
                                  "high": float(r.high)} for m, r in p.expected.iterrows()}
    frame = cal.frame("en")[["item_id", "date", "time", "platform", "content_type", "slot",
                             "status"]]
    payload["calendar_items"] = [{k: (None if pd.isna(v) else v) for k, v in rec.items()}
                                 for rec in frame.to_dict("records")]
    payload["calendar"] = {"start": first.date().isoformat(), "weeks": int(weeks)}
    payload["backtest"] = {"start": first.date().isoformat(), "history_posts": int(len(history)),
                           "history_end": pd.Timestamp(t[t < first].max()).isoformat()}
    return payload
