"""The KPI table: what the plan promised (or the pre-period did), what happened, and the status.

*Baseline.* Where the plan sets no target (open rate, new follows, unfollows, net growth,
cumulative followers, and the activities unless ROI estimates are given) the "plan" is the
**pre-period**: the same number of days just before the period; ``plan_source`` says which.
Cumulative followers' baseline is the followers on the day before the period plus the
pre-period's net growth. Rates are ratios of sums (open rate = Σ push reads ÷ Σ delivered over
the WeChat posts; engagement rate = Σ (likes + wows + comments + shares + favourites) ÷ Σ reads;
share rate = Σ shares ÷ Σ reads; follow conversion = Σ follows after reading ÷ Σ reads).

*Status.* ``attainment`` is ``actual ÷ plan`` for "higher is better" KPIs and ``2 − actual ÷
plan`` for "lower is better" ones (unfollows, activity cost); in general ``1 ± (actual − plan) ÷
|plan|``, which also works for a negative plan (net growth). ``on_track`` when attainment ≥
:data:`ON_TRACK` (95 % of plan; at most 105 % of a "lower is better" plan), ``at_risk`` when ≥
:data:`AT_RISK` (80 %), else ``off_track``; ``n/a`` when plan or actual is unknown. A plan of 0
counts as met (1) when the actual is not worse, else 0.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import mix, roi
from ..i18n import t
from .activities import _activity_totals, _activity_value, _value_params
from .goals import GOAL_WEEKLY
from .inputs import _PlanView
from .values import _ratio, _sum

__all__ = ["AT_RISK", "KPIS", "ON_TRACK", "STATUSES", "status_label"]


#: Attainment (share of plan) at or above which a KPI is on track.
ON_TRACK = 0.95
#: Attainment at or above which a KPI is at risk (below: off track).
AT_RISK = 0.80
STATUSES: tuple[str, ...] = ("on_track", "at_risk", "off_track", "n/a")
_STATUS_LABELS = {"on_track": ("On track", "达标"), "at_risk": ("At risk", "有风险"),
                  "off_track": ("Off track", "未达标"), "n/a": ("n/a", "无数据")}

#: ``(key, English label, Chinese label, unit, better)`` of every KPI, in table order; the
#: labels are the shared catalogue's ``metric.<key>``.
KPIS: tuple[tuple[str, str, str, str, str], ...] = tuple(
    (key, t(f"metric.{key}", "en"), t(f"metric.{key}", "zh"), unit, better)
    for key, unit, better in (
        ("posts", "posts", "higher"), ("reads", "reads", "higher"),
        ("open_rate", "share", "higher"), ("engagement_rate", "share", "higher"),
        ("share_rate", "share", "higher"), ("new_follows", "people", "higher"),
        ("unfollows", "people", "lower"), ("net_follows", "people", "higher"),
        ("cumulative_follows", "people", "higher"), ("follows", "people", "higher"),
        ("follow_conversion", "share", "higher"), ("participants", "people", "higher"),
        ("conversions", "people", "higher"), ("cost", "CNY", "lower"), ("roi", "ratio", "higher"),
    ))
_KPI = {k[0]: k for k in KPIS}


def _attainment(plan: float, actual: float, better: str) -> float:
    if not (math.isfinite(plan) and math.isfinite(actual)):
        return math.nan
    diff = actual - plan
    if plan == 0:
        good = diff >= 0 if better == "higher" else diff <= 0
        return 1.0 if good else 0.0
    sign = 1.0 if better == "higher" else -1.0
    return 1.0 + sign * diff / abs(plan)


def _status(att: float) -> str:
    if not math.isfinite(att):
        return "n/a"
    if att >= ON_TRACK - 1e-12:
        return "on_track"
    if att >= AT_RISK - 1e-12:
        return "at_risk"
    return "off_track"


def status_label(status: str, lang: str = "en") -> str:
    """Display name of a KPI status (``"at_risk"`` → ``"At risk"`` / ``"有风险"``).

    Examples
    --------
    >>> status_label("off_track", "zh")
    '未达标'
    """
    en, zh = _STATUS_LABELS.get(status, (status, status))
    return zh if str(lang).lower().startswith("zh") else en


def _with_goals(rows: list[dict[str, Any]], view) -> list[dict[str, Any]]:
    """The rows with the KPI targets entered by hand as their plan (source ``"target"``):
    counts a week prorated to the days reviewed, rates and the follower total as given."""
    out = []
    for row in rows:
        goal = view.goals.get(row["kpi"])
        if goal is None:
            out.append(row)
            continue
        plan = goal * view.scale if row["kpi"] in GOAL_WEEKLY else goal
        out.append(_kpi_row(row["kpi"], plan, row["actual"], "target"))
    return out


def _kpi_row(key: str, plan: float, actual: float, source: str) -> dict[str, Any]:
    _, en, zh, unit, better = _KPI[key]
    plan = float(plan) if plan is not None else math.nan
    actual = float(actual) if actual is not None else math.nan
    diff = actual - plan
    pct = 100.0 * diff / abs(plan) if math.isfinite(diff) and plan != 0 else math.nan
    att = _attainment(plan, actual, better)
    return {"kpi": key, "label_en": en, "label_zh": zh, "unit": unit, "better": better,
            "plan": plan, "actual": actual, "diff": diff, "pct": pct, "attainment": att,
            "status": _status(att), "plan_source": source}


def _content_totals(a: pd.DataFrame) -> dict[str, float]:
    reads = a["reads"].to_numpy()
    out = {"posts": float(len(a)), "reads": _sum(reads) if len(a) else 0.0}
    for m in ("engagement", "shares", "follows"):
        x = a[m].to_numpy()
        ok = ~np.isnan(x)
        out[m] = float(x[ok].sum()) if ok.any() else math.nan
        out[f"{m}_reads"] = float(reads[ok].sum()) if ok.any() else math.nan
    wc = a[a["platform"] == "wechat"]
    pr, dl = wc["push_reads"].to_numpy(), wc["delivered"].to_numpy()
    ok = ~np.isnan(pr) & ~np.isnan(dl) & (dl > 0)
    out["push_reads"] = float(pr[ok].sum()) if ok.any() else math.nan
    out["delivered"] = float(dl[ok].sum()) if ok.any() else math.nan
    return out


def _rates(t: Mapping[str, float]) -> dict[str, float]:
    return {"open_rate": _ratio(t["push_reads"], t["delivered"]),
            "engagement_rate": _ratio(t["engagement"], t["engagement_reads"]),
            "share_rate": _ratio(t["shares"], t["shares_reads"]),
            "follow_conversion": _ratio(t["follows"], t["follows_reads"])}


def _flow(daily: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, float]:
    sub = daily.loc[(daily.index >= first) & (daily.index <= last)]
    out = {c: _sum(sub[c].to_numpy()) for c in ("new_follows", "unfollows", "net_follows")}
    cum = sub["cumulative_follows"].dropna() if "cumulative_follows" in sub else pd.Series([])
    out["cumulative_end"] = float(cum.iloc[-1]) if len(cum) else math.nan
    out["days"] = float(sub["new_follows"].notna().sum())
    return out


def _content_and_follower_kpis(view: _PlanView, posts: pd.DataFrame, posts_before: pd.DataFrame,
                               daily: pd.DataFrame, pre_start: pd.Timestamp,
                               pre_end: pd.Timestamp) -> list[dict[str, Any]]:
    """The KPI rows of the posts (``posts``: the period's on the plan's platforms;
    ``posts_before``: the pre-period's) and of the follower flow, from ``posts`` to
    ``cumulative_follows`` and ``follow_conversion`` in :data:`KPIS` order. The plan is the
    plan's weekly target prorated to the days reviewed, else the pre-period."""
    content, content_before = _content_totals(posts), _content_totals(posts_before)
    rates, rates_before = _rates(content), _rates(content_before)
    target = {m: view.targets.get(m, math.nan) * view.scale for m in mix.METRICS}
    flow = _flow(daily, view.start, view.as_of)
    flow_before = _flow(daily, pre_start, pre_end)
    has_flow_before = flow_before["days"] > 0

    def before(key: str) -> float:
        return flow_before[key] if has_flow_before else math.nan

    followers_before = daily.loc[:pre_end, "cumulative_follows"].dropna() \
        if "cumulative_follows" in daily else pd.Series([], dtype=float)
    followers_plan = float(followers_before.iloc[-1]) + before("net_follows") \
        if len(followers_before) and has_flow_before else math.nan
    return [
        _kpi_row("posts", float(view.cells["posts"].sum()) * view.scale, content["posts"],
                 "plan"),
        _kpi_row("reads", target["reads"], content["reads"], "plan"),
        _kpi_row("open_rate", rates_before["open_rate"], rates["open_rate"], "baseline"),
        _kpi_row("engagement_rate", _ratio(target["engagement"], target["reads"]),
                 rates["engagement_rate"], "plan"),
        _kpi_row("share_rate", _ratio(target["shares"], target["reads"]), rates["share_rate"],
                 "plan"),
        _kpi_row("new_follows", before("new_follows"), flow["new_follows"], "baseline"),
        _kpi_row("unfollows", before("unfollows"), flow["unfollows"], "baseline"),
        _kpi_row("net_follows", before("net_follows"), flow["net_follows"], "baseline"),
        _kpi_row("cumulative_follows", followers_plan, flow["cumulative_end"], "baseline"),
        _kpi_row("follows", target["follows"], content["follows"], "plan"),
        _kpi_row("follow_conversion", _ratio(target["follows"], target["reads"]),
                 rates["follow_conversion"], "plan"),
    ]


def _activity_kpis(acts: pd.DataFrame | None, acts_period: pd.DataFrame,
                   estimates: Mapping[str, roi.ActivityEstimate],
                   assumptions: Mapping[str, float], pre_start: pd.Timestamp,
                   pre_end: pd.Timestamp) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The KPI rows of the activities (``participants, conversions, cost, roi``) and the notes
    (en, zh) they need. The plan is the ROI estimates' simulated means when every activity of
    the period has one, else the pre-period's activities; n/a without an activities table."""
    keys = ("participants", "conversions", "cost", "roi")
    if acts is None:
        return ([_kpi_row(key, math.nan, math.nan, "baseline") for key in keys],
                [("No activities table: activity KPIs are n/a.",
                  "未提供活动数据：活动指标无法计算。")])
    notes = []
    acts_before = acts[(acts["start_date"] >= pre_start) & (acts["start_date"] <= pre_end)]
    params = [_value_params(t, None, assumptions) for t in acts_before["activity_type"]]
    valued_before = _activity_value(acts_before.reset_index(drop=True), params) \
        if len(acts_before) else acts_before.assign(value=[])
    actual, baseline = _activity_totals(acts_period), _activity_totals(valued_before)
    all_estimated = len(acts_period) > 0 and acts_period["estimate"].notna().all()
    if all_estimated:
        planned_cost = float(acts_period["planned_cost"].sum())
        planned_value = float(acts_period["planned_value"].sum())
        plan = {"participants": float(acts_period["planned_participants"].sum()),
                "conversions": float(acts_period["planned_conversions"].sum()),
                "cost": planned_cost, "roi": _ratio(planned_value - planned_cost, planned_cost)}
        source = "plan"
    else:
        plan, source = baseline, "baseline"
        if estimates and len(acts_period):
            notes.append(("Not every activity of the period has an ROI estimate, so the "
                          "activity KPIs compare with the pre-period.",
                          "并非每场活动都有 ROI 估算，活动指标与活动前同期对比。"))
    if not len(acts_period):
        notes.append(("No activity started in the period.", "周期内没有开始的活动。"))
    rows = [_kpi_row(key, plan[key], actual[key] if len(acts_period) else
                     (0.0 if key != "roi" else math.nan), source) for key in keys]
    unused = [k for k in estimates if k not in set(acts_period.get("estimate", []))]
    if unused:
        notes.append((f"ROI estimates without a matching activity in the period: "
                      f"{', '.join(unused)}.",
                      f"以下 ROI 估算在周期内没有对应的活动：{', '.join(unused)}。"))
    return rows, notes
