"""The review of one campaign: :func:`review` and the :class:`CampaignReview` it returns.

:func:`review` reads the plan and the tables (:mod:`~workbench.review.inputs`), fixes the
period and the pre-period, and puts together the KPI table (:mod:`~workbench.review.kpis`), the
variance, the trends, the impact, the article leaderboard, the WCI, the activities, the
calibration, the recommendations and a summary paragraph.

*Scope.* Actuals are the posts on the plan's platforms published in the period (posts elsewhere
are left out and counted in :attr:`CampaignReview.notes`), the follower flow of ``daily_users``
in the period (rows of several platforms are added up per day), and the activities that
*start* in the period (so consecutive reviews never count one twice). The plan's content
``conversions`` target is not reviewed: WeChat exports record no conversions per article (the
mix assumes follows × 5 %); the KPI table's conversions are the activities'.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import festivals, mix, roi
from ..errors import InputError

from .activities import _VALUE_KEYS, _activities, _estimate_of
from .calibrate import (CALIBRATION_PRIOR_ACTIVITIES, CALIBRATION_PRIOR_POSTS, Calibration,
                        _calibrate_activities, _calibrate_content)
from .impact import _IMPACT_METHOD, Impact, _impact
from .goals import check_goals
from .inputs import _PlanView, _plan_view, _prep_activities, _prep_articles, _prep_daily
from .kpis import AT_RISK, ON_TRACK, _activity_kpis, _content_and_follower_kpis, _with_goals
from .recommend import Recommendation, _recommend
from .trends import Trends, _trends
from .values import PAYLOAD_VERSION, _jsonable, _num, _pct, _records
from .variance import VARIANCE_METRICS, _planned_per_post, _variance
from .wci import WCI_VERSION, _wci_weeks, _wci_window, _wechat_articles


class NotYet(InputError):
    """The plan's period has not started in the data: nothing to review yet (a page says so
    as news, not as an error). ``start``, ``end``: the plan's period; ``data_end``: the data's
    last day."""

    def __init__(self, en: str, zh: str, *, fix: str, fix_zh: str, start: dt.date,
                 end: dt.date, data_end: dt.date):
        super().__init__(en, zh, fix=fix, fix_zh=fix_zh)
        self.start, self.end, self.data_end = start, end, data_end


__all__ = ["CampaignReview", "NotYet", "review"]


@dataclass(eq=False)
class CampaignReview:
    """What a campaign promised, what happened, why, and what to carry into the next plan.

    Attributes
    ----------
    start, end : the plan's period (first and last day); weeks : its length.
    as_of : the last day reviewed: ``end``, or the follower data's last day when it ends
        sooner (a review during the campaign: the plan's targets are then prorated to the
        days covered, see :attr:`notes`).
    baseline_start, baseline_end : the pre-period, as long as the days reviewed.
    platforms : the plan's platforms.
    kpis : one row per KPI (:data:`KPIS`): ``kpi, label_en, label_zh, unit, better, plan,
        actual, diff, pct`` (percent of |plan|), ``attainment, status, plan_source``
        (``"plan"`` or ``"baseline"``).
    variance : per metric (:data:`VARIANCE_METRICS`) and (platform, content type):
        ``plan_posts, actual_posts, plan_per_post, actual_per_post, plan, actual, diff, volume,
        rate, plan_source`` with ``volume + rate == diff``.
    trends : :class:`Trends`; impact : :class:`Impact`.
    articles : the period's posts, best first: ``rank, article_id, publish_time, platform,
        content_type, position, title, reads, open_rate, share_rate, engagement_rate,
        follow_conversion, follows_after_read, plan_reads_per_post, reads_vs_plan``.
    wci : WCI (version 14.2) per week of the baseline and the period, see :func:`wci_index`;
        ``wci_period`` / ``wci_baseline`` : the whole windows' index.
    activities : the activities that started in the period with value, ROI and, when
        estimated, the plan and the percentile of the actual ROI in its simulation.
    schedule : the plan's calendar items up to ``as_of`` with ``published`` (a post of that
        platform and content type went out that day); empty when the plan has none.
    recommendations : 3-8 :class:`Recommendation`.
    calibrated : :class:`Calibration`.
    summary : ``{"en", "zh"}`` one paragraph.
    notes : ``(en, zh)`` assumptions and data caveats.
    """

    start: dt.date
    end: dt.date
    as_of: dt.date
    weeks: int
    baseline_start: dt.date
    baseline_end: dt.date
    platforms: tuple[str, ...]
    kpis: pd.DataFrame
    variance: pd.DataFrame
    trends: Trends
    impact: Impact
    articles: pd.DataFrame
    wci: pd.DataFrame
    wci_period: dict[str, Any]
    wci_baseline: dict[str, Any]
    activities: pd.DataFrame
    schedule: pd.DataFrame
    recommendations: list[Recommendation]
    calibrated: Calibration
    summary: dict[str, str]
    notes: list[tuple[str, str]]

    def kpi(self, key: str) -> pd.Series:
        """The row of one KPI."""
        k = self.kpis.set_index("kpi")
        if key not in k.index:
            raise InputError(f"Unknown KPI {key!r}.", f"未知指标 {key!r}。",
                             fix=f"Choose from {', '.join(k.index)}.",
                             fix_zh=f"可选：{', '.join(k.index)}。")
        return k.loc[key]

    def variance_by(self, by: str = "platform", metric: str = "reads") -> pd.DataFrame:
        """Volume and rate effects of ``metric`` summed by ``"platform"`` or
        ``"content_type"`` (a ``total`` row last)."""
        if by not in ("platform", "content_type") or metric not in VARIANCE_METRICS:
            raise InputError("Group the variance by platform or content_type, for one of "
                             f"{', '.join(VARIANCE_METRICS)}.",
                             f"差异分解可按 platform 或 content_type 汇总，指标为 "
                             f"{', '.join(VARIANCE_METRICS)} 之一。")
        v = self.variance[self.variance["metric"] == metric]
        out = v.groupby(by, sort=False)[["plan_posts", "actual_posts", "plan", "actual", "diff",
                                         "volume", "rate"]].sum()
        out.loc["total"] = out.sum()
        return out

    def to_payload(self) -> dict[str, Any]:
        """The review as plain JSON types (str keys) for the scenario store."""
        return {
            "kind": "campaign_review", "version": PAYLOAD_VERSION,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat(),
                       "as_of": self.as_of.isoformat(), "weeks": self.weeks},
            "baseline": {"start": self.baseline_start.isoformat(),
                         "end": self.baseline_end.isoformat()},
            "platforms": list(self.platforms),
            "thresholds": {"on_track": ON_TRACK, "at_risk": AT_RISK},
            "kpis": _records(self.kpis), "variance": _records(self.variance),
            "trends": self.trends.to_payload(), "impact": self.impact.to_payload(),
            "articles": _records(self.articles), "wci": _records(self.wci),
            "wci_period": _jsonable(self.wci_period), "wci_baseline": _jsonable(self.wci_baseline),
            "activities": _records(self.activities), "schedule": _records(self.schedule),
            "recommendations": [r.to_dict() for r in self.recommendations],
            "calibrated": self.calibrated.to_payload(), "summary": dict(self.summary),
            "notes": [list(n) for n in self.notes],
        }


def _leaderboard(cur: pd.DataFrame, view: _PlanView) -> pd.DataFrame:
    pp = _planned_per_post(view)
    a = cur.sort_values(["reads", "publish_time"], ascending=[False, True], kind="stable")
    reads = a["reads"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        open_rate = np.where(a["delivered"] > 0, a["push_reads"] / a["delivered"], np.nan)
        share = np.where(reads > 0, a["shares"] / reads, np.nan)
        eng = np.where(reads > 0, a["engagement"] / reads, np.nan)
        fc = np.where(reads > 0, a["follows"] / reads, np.nan)
    per = {k: v["reads"] for k, v in pp.items()}
    plan_pp = np.array([per.get((p, c), per.get((p, "*"), np.nan))
                        for p, c in zip(a["platform"], a["content_type"])], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        vs = np.where(plan_pp > 0, reads / plan_pp, np.nan)
    out = pd.DataFrame({
        "rank": np.arange(1, len(a) + 1), "article_id": a["article_id"].to_numpy(),
        "publish_time": a["publish_time"].to_numpy(), "platform": a["platform"].to_numpy(),
        "content_type": a["content_type"].to_numpy(),
        "position": pd.array(np.where(np.isnan(a["position"]), np.nan, a["position"]),
                             dtype="Float64").astype("Int64"),
        "title": a["title"].to_numpy(), "reads": reads, "open_rate": open_rate,
        "share_rate": share, "engagement_rate": eng, "follow_conversion": fc,
        "follows_after_read": a["follows"].to_numpy(), "plan_reads_per_post": plan_pp,
        "reads_vs_plan": vs})
    return out


def _schedule(view: _PlanView, cur: pd.DataFrame) -> pd.DataFrame:
    cols = ["item_id", "date", "time", "platform", "content_type", "slot", "status", "published"]
    if not view.items:
        return pd.DataFrame(columns=cols)
    items = pd.DataFrame(view.items)
    for c in cols[:-1]:
        if c not in items.columns:
            items[c] = None
    items = items[cols[:-1]].copy()
    items["date"] = pd.to_datetime(items["date"], errors="coerce").dt.normalize()
    items = items[items["date"] <= view.as_of].reset_index(drop=True)
    have = cur.groupby(["date", "platform", "content_type"]).size().to_dict()
    used: dict[tuple, int] = {}
    pub = []
    for r in items.itertuples(index=False):
        key = (r.date, str(r.platform), str(r.content_type))
        n = used.get(key, 0)
        ok = n < have.get(key, 0)
        used[key] = n + (1 if ok else 0)
        pub.append(ok)
    items["published"] = pub
    return items


def _summary(view: _PlanView, kpis: pd.DataFrame, impact: Impact,
             wci_period: Mapping[str, Any], activities: pd.DataFrame,
             recs: list[Recommendation], n_posts: int) -> dict[str, str]:
    k = kpis.set_index("kpi")
    counts = kpis["status"].value_counts()
    on, risk, off = (int(counts.get(s, 0)) for s in ("on_track", "at_risk", "off_track"))
    s0, s1 = view.start.date().isoformat(), view.as_of.date().isoformat()

    def pair(key: str) -> tuple[str, str, str]:
        r = k.loc[key]
        if r["unit"] == "share":
            return _pct(r["actual"]), _pct(r["plan"]), _num(r["pct"])
        return _num(r["actual"]), _num(r["plan"]), _num(r["pct"])

    def versus(key: str) -> tuple[str, str]:
        """``"350,071, 81.5% above the 192,857 planned"`` in English and Chinese: which way
        and against what, never a bare percentage."""
        r = k.loc[key]
        actual, plan = _num(r["actual"]), _num(r["plan"])
        basis_en, basis_zh = {"target": ("targeted", "目标"), "plan": ("planned", "计划")}.get(
            r["plan_source"], ("in the pre-period", "活动前同期"))
        if not math.isfinite(float(r["pct"])):
            return (f"{actual} ({plan} {basis_en})", f"{actual}（{basis_zh} {plan}）")
        if abs(float(r["pct"])) < 0.05:
            return (f"{actual}, as {basis_en}", f"{actual}，与{basis_zh}持平")
        up = float(r["pct"]) > 0
        share = _num(abs(float(r["pct"])))
        return (f"{actual}, {share}% {'above' if up else 'below'} the {plan} {basis_en}",
                f"{actual}，比{basis_zh} {plan} {'高' if up else '低'} {share}%")

    (ra_en, ra_zh), (fa_en, fa_zh) = versus("reads"), versus("follows")
    na, nb, _ = pair("new_follows")
    span_en = (f"{view.weeks} weeks" if view.covered_days == view.days else
               f"{view.covered_days} of the plan's {view.days} days")
    span_zh = (f"{view.weeks} 周" if view.covered_days == view.days else
               f"方案 {view.days} 天中的 {view.covered_days} 天")
    en = (f"From {s0} to {s1} ({span_en}) the team published {n_posts} posts on "
          f"{len(view.platforms)} platforms. Reads were {ra_en}; follows after reading "
          f"{fa_en}; the WeChat account gained {na} "
          f"new followers ({nb} in the pre-period). {on} KPIs on track, {risk} at risk, {off} "
          f"off track.")
    zh = (f"{s0} 至 {s1}（{span_zh}）共在 {len(view.platforms)} 个平台发布 {n_posts} 篇内容。"
          f"阅读量 {ra_zh}；阅读后关注 {fa_zh}；公众号新关注 "
          f"{na} 人（活动前同期 {nb} 人）。{on} 项指标达标，{risk} 项有风险，{off} 项未达标。")
    if impact.available and "new_follows" in set(impact.summary["metric"]):
        x = impact.summary.set_index("metric").loc["new_follows"]
        en += (f" Against the pre-period trend, new follows changed by {_num(x['lift'])} "
               f"(90% interval {_num(x['low'])} to {_num(x['high'])}).")
        zh += (f"与活动前趋势相比，新关注变化 {_num(x['lift'])} 人（90% 区间 {_num(x['low'])} 至 "
               f"{_num(x['high'])}）。")
    en += f" WCI (v{WCI_VERSION}) {_num(wci_period['wci'])}."
    zh += f"WCI（v{WCI_VERSION}）为 {_num(wci_period['wci'])}。"
    if len(activities):
        roi_row = k.loc["roi"]
        en += (f" {len(activities)} activities cost {_num(k.loc['cost', 'actual'])} CNY at an ROI "
               f"of {_pct(roi_row['actual'])}%.")
        zh += (f"{len(activities)} 场活动花费 {_num(k.loc['cost', 'actual'])} 元，ROI "
               f"{_pct(roi_row['actual'])}%。")
    if recs:
        en += f" First recommendation: {recs[0].en}"
        zh += f"首要建议：{recs[0].zh}"
    return {"en": en, "zh": zh}


def review(plan: mix.MixPlan | Mapping[str, Any], daily_users: pd.DataFrame,
           articles: pd.DataFrame, activities: pd.DataFrame | None = None, *,
           roi_estimates: Mapping[str, Any] | None = None,
           daily_reads: pd.DataFrame | None = None,
           assumptions: Mapping[str, float] | None = None,
           start: Any = None, weeks: int | None = None, impact: bool = True,
           seed: int = 0, targets: Mapping[str, Any] | None = None) -> CampaignReview:
    """Review a content-mix plan against what happened over its calendar.

    Parameters
    ----------
    plan : a :class:`workbench.mix.MixPlan` with a calendar, or the payload saved by the
        content-mix page (``MixPlan.to_payload()`` plus ``kpi_targets``, ``calendar_items`` and
        ``calendar`` = ``{"start", "weeks"}``).
    daily_users : the follower flow (用户增长): ``date, new_follows, unfollows`` at least;
        ``net_follows``, ``cumulative_follows`` and the ``new_from_*`` sources when present.
    articles : the posts: ``publish_time, platform, content_type, reads`` at least; engagement
        parts, ``follows_after_read``, ``push_reads``, ``delivered``, ``position`` used when
        present.
    activities : past activities (``activity_type, start_date, participants, cost_total``...).
    roi_estimates : ``{activity_id or activity_type: roi.ActivityEstimate or its payload}``;
        the activities they match get the percentile of their actual ROI in the simulation,
        and when every activity of the period is matched they are the activity KPIs' plan.
    daily_reads : optional 内容分析 → 数据趋势 table (reads per day and channel) for the read
        sources.
    assumptions : ``{"margin", "retention", "follower_value"}`` overriding the value of an
        activity's revenue and follows (see the module notes).
    start, weeks : override the plan's calendar period (review the plan over other dates).
    targets : KPI targets entered by hand, ``{kpi: value}`` (:data:`GOAL_KPIS`: counts a week,
        rates as shares, the follower total at the end); they are the KPI table's plan (source
        ``"target"``). Default: the plan payload's ``kpi_goals``.
    impact : compute the counterfactual (``False`` skips it: ``impact.summary`` is empty).
    seed : random seed of the ROI simulations.

    Returns
    -------
    CampaignReview

    Raises
    ------
    InputError
        A missing column, a plan without posts or calendar, a period with no data (the plan's
        dates outside the tables), or a bad ROI estimate — in English and Chinese.

    Examples
    --------
    >>> rv = review(backtest_plan(arts, "2026-10-05"), daily, arts, acts)        # doctest: +SKIP
    >>> rv.kpis[["kpi", "plan", "actual", "status"]]                            # doctest: +SKIP
    """
    view = _plan_view(plan, start, weeks)
    if targets is not None:
        view.goals = check_goals(targets)
    arts = _prep_articles(articles)
    daily = _prep_daily(daily_users)
    acts = _prep_activities(activities)
    assumptions = dict(assumptions or {})
    bad = [k for k in assumptions if k not in _VALUE_KEYS]
    if bad:
        raise InputError(f"Unknown value assumption {bad[0]!r}.", f"未知的价值假设 {bad[0]!r}。",
                         fix=f"Use {', '.join(_VALUE_KEYS)}.",
                         fix_zh=f"可用：{'、'.join(_VALUE_KEYS)}。")
    # checked as the ROI inputs they are (margin and retention shares, a follower's value ≥ 0)
    assumptions = {k: roi.Range.of(v, k).likely for k, v in assumptions.items()}
    estimates = {str(k): _estimate_of(v, str(k)) for k, v in (roi_estimates or {}).items()}
    notes: list[tuple[str, str]] = []

    first = view.start
    s0, s1 = first.date().isoformat(), view.end.date().isoformat()
    flow_days = int(daily.loc[first:view.end, "new_follows"].notna().sum()) if len(daily) else 0
    if flow_days == 0 and len(daily) and first > daily["new_follows"].last_valid_index():
        last_day = daily["new_follows"].last_valid_index().date()
        raise NotYet(f"This plan runs {s0} – {s1}, and the data ends on {last_day}: nothing to "
                     "review yet.",
                     f"该方案周期为 {s0} 至 {s1}，而数据截至 {last_day}：暂时没有可复盘的内容。",
                     fix="It is reviewed as soon as the data covers its first days; meanwhile, "
                         "choose other dates to review it over.",
                     fix_zh="数据覆盖到方案的前几天后即可复盘；也可以先选择其他日期来复盘。",
                     start=first.date(), end=view.end.date(), data_end=last_day)
    if flow_days == 0:
        span = (f"{daily.index.min().date()} – {daily.index.max().date()}" if len(daily)
                else "no dates")
        raise InputError(f"The follower data has no day in the plan's period {s0} – {s1} (it "
                         f"covers {span}).",
                         f"用户增长数据中没有方案周期 {s0} 至 {s1} 内的日期（数据覆盖 {span}）。",
                         fix="Load the follower data that covers the campaign, or review a "
                             "plan whose calendar falls inside the data.",
                         fix_zh="请导入覆盖活动期的用户增长数据，或选择日历在数据范围内的方案。")
    view.last = daily["new_follows"].last_valid_index()
    last = view.as_of
    n_days = view.covered_days
    if last < view.end:
        next_day = (last + pd.Timedelta(days=1)).date()
        notes.append((f"The data ends on {last.date()}: the review covers {n_days} of the plan's "
                      f"{view.days} days; the plan's targets are prorated to them and the "
                      f"pre-period is the {n_days} days before. Still to come: "
                      f"{view.days - n_days} days, {next_day} – {view.end.date()}.",
                      f"数据截至 {last.date()}：复盘覆盖方案 {view.days} 天中的 {n_days} 天；"
                      f"计划目标按天数折算，活动前同期取之前的 {n_days} 天。尚未到来："
                      f"{next_day} 至 {view.end.date()}，共 {view.days - n_days} 天。"))
    pre_end = first - pd.Timedelta(days=1)
    pre_start = first - pd.Timedelta(days=n_days)
    on_plan = arts["platform"].isin(view.platforms).to_numpy()
    in_period = ((arts["date"] >= first) & (arts["date"] <= last)).to_numpy()
    in_pre = ((arts["date"] >= pre_start) & (arts["date"] <= pre_end)).to_numpy()
    cur = arts[on_plan & in_period]
    pre = arts[on_plan & in_pre]
    flow_days = int(daily.loc[first:last, "new_follows"].notna().sum())
    if cur.empty:
        raise InputError(f"There is no post on the plan's platforms in the period {s0} – {s1}.",
                         f"方案周期 {s0} 至 {s1} 内，方案涉及的平台没有任何发文。",
                         fix="Load the articles that cover the campaign, or check the plan's "
                             "dates and platforms.",
                         fix_zh="请导入覆盖活动期的文章数据，或检查方案的日期和平台。")
    if flow_days < n_days:
        notes.append((f"The follower data covers {flow_days} of the period's {n_days} days; "
                      "totals are over the days it has.",
                      f"用户增长数据只覆盖周期 {n_days} 天中的 {flow_days} 天；"
                      "合计按已有天数计算。"))
    other = int((~on_plan & in_period).sum())
    if other:
        notes.append((f"{other} posts on platforms outside the plan are left out.",
                      f"方案以外平台的 {other} 篇内容未计入。"))
    if pre.empty and not len(daily.loc[pre_start:pre_end].dropna(how="all")):
        notes.append(("There is no data before the period: baseline KPIs are n/a.",
                      "周期之前没有数据：以活动前同期为基准的指标无法计算。"))

    # ---- KPIs
    rows = _with_goals(_content_and_follower_kpis(view, cur, pre, daily, pre_start, pre_end),
                       view)
    acts_period, sims = _activities(acts, first, last, estimates, assumptions, seed)
    activity_rows, activity_notes = _activity_kpis(acts, acts_period, estimates, assumptions,
                                                   pre_start, pre_end)
    notes += activity_notes
    history = acts[acts["start_date"] < first] if acts is not None else None
    kpis = pd.DataFrame(rows + activity_rows)

    # ---- the rest
    variance = _variance(view, cur)
    marks = festivals.day_marks(pre_start.date(), last.date())
    trends = _trends(view, arts[on_plan], daily, pre_start, daily_reads, marks)
    imp = _impact(view, arts[on_plan], daily) if impact else Impact(
        pd.DataFrame(columns=["metric", "label_en", "label_zh", "actual", "counterfactual",
                              "lift", "low", "high", "relative", "clear", "train_start",
                              "train_end"]),
        pd.DataFrame(columns=["date", "metric", "actual", "counterfactual", "low", "high"]),
        dict(_IMPACT_METHOD), [("Impact not computed.", "未计算活动影响。")])
    leaders = _leaderboard(cur, view)
    wechat = _wechat_articles(arts)
    wci = _wci_weeks(view, wechat)
    wci_period = _wci_window(wechat, first, last)
    wci_baseline = _wci_window(wechat, pre_start, pre_end)
    cal = Calibration(s0, last.date().isoformat(), CALIBRATION_PRIOR_POSTS,
                      CALIBRATION_PRIOR_ACTIVITIES, _calibrate_content(variance),
                      _calibrate_activities(acts_period, history, estimates))
    recs = _recommend(kpis, variance, acts_period, imp, trends, leaders, cal)
    summary = _summary(view, kpis, imp, wci_period, acts_period, recs, len(cur))
    notes.append((f"Plan values without a target in the plan come from the pre-period "
                  f"{pre_start.date()} – {pre_end.date()}.",
                  f"方案未设目标的指标以活动前同期（{pre_start.date()} 至 {pre_end.date()}）"
                  "为基准。"))
    return CampaignReview(
        start=first.date(), end=view.end.date(), as_of=last.date(), weeks=view.weeks,
        baseline_start=pre_start.date(),
        baseline_end=pre_end.date(), platforms=tuple(view.platforms), kpis=kpis,
        variance=variance, trends=trends, impact=imp, articles=leaders, wci=wci,
        wci_period=wci_period, wci_baseline=wci_baseline, activities=acts_period,
        schedule=_schedule(view, cur), recommendations=recs, calibrated=cal, summary=summary,
        notes=notes)
