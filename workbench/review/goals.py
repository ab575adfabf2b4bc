"""KPI targets a team enters by hand (page 04): which KPIs take one, and the check of what was
typed. The review uses them as the KPI table's plan (:func:`workbench.review.review`,
``targets=``; saved with a plan as ``kpi_goals``)."""

from __future__ import annotations

import math
from typing import Any, Mapping

from ..errors import InputError
from ..i18n import t
from .values import _count

#: KPIs a team may set a target for by hand (:func:`check_goals`): counts a week (posts,
#: reads, follows), shares (rates, 0..1), and the follower total at the period's end
GOAL_KPIS: tuple[str, ...] = ("posts", "reads", "new_follows", "net_follows", "follows",
                              "engagement_rate", "share_rate", "follow_conversion",
                              "cumulative_follows")
#: the targets that are rates (a share, 0..1); the others are counts
GOAL_RATES = frozenset({"engagement_rate", "share_rate", "follow_conversion"})
#: the targets that are totals a week (prorated to the days reviewed); the rest are levels
GOAL_WEEKLY = frozenset({"posts", "reads", "new_follows", "net_follows", "follows"})


def check_goals(raw: Any) -> dict[str, float]:
    """KPI targets entered by hand, checked: ``{kpi: value}`` for :data:`GOAL_KPIS` (blank or
    ``None``: no target). Counts are a week's, rates shares (0..1); a value that is not a
    number, a negative count (but net follows) or a rate outside 0..1 is refused, in the
    user's language, with the KPI's name as the page shows it."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InputError("KPI targets must be a table of KPI and value.",
                         "KPI 目标必须是“指标–数值”的对应表。")
    out: dict[str, float] = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key not in GOAL_KPIS:
            raise InputError(f"There is no KPI {key!r} to set a target for.",
                             f"没有可设定目标的指标 {key!r}。",
                             fix=f"Choose from {', '.join(GOAL_KPIS)}.",
                             fix_zh=f"可选：{'、'.join(GOAL_KPIS)}。")
        en, zh = t(f"metric.{key}", "en"), t(f"metric.{key}", "zh")
        x = _count(value) if not isinstance(value, (int, float)) else float(value)
        low = -math.inf if key == "net_follows" else 0.0
        high = 1.0 if key in GOAL_RATES else 1e12
        if not math.isfinite(x) or not low <= x <= high:
            what = ("a share between 0% and 100%" if key in GOAL_RATES
                    else "a number" if key == "net_follows" else "a number of 0 or more")
            what_zh = ("0% 到 100% 之间的比例" if key in GOAL_RATES
                       else "数字" if key == "net_follows" else "不小于 0 的数字")
            raise InputError(f"The target for {en} must be {what}, not {value!r}.",
                             f"“{zh}”的目标应为{what_zh}，而不是 {value!r}。")
        out[str(key)] = x
    return out
