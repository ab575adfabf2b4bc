"""Campaign review (数据复盘): what the plan promised, what happened, why, and what to change.

:func:`review` compares a content-mix plan (a :class:`workbench.mix.MixPlan` or the payload the
content-mix page saves) with what the account actually did over the plan's calendar — the
period ``start .. start + 7 × weeks − 1`` — and returns a :class:`CampaignReview`: the KPI table,
a volume / rate variance, daily and weekly trends with anomalies, a counterfactual of the
campaign's lift, the article leaderboard, the WCI by week, the activities' ROI, recommendations
in English and Chinese, and per-post rates calibrated from the actuals that
:func:`apply_to_estimates` and :func:`apply_to_roi` carry into the next plan (the closed loop).
:func:`scorecard` turns a review into the team appraisal of DOMAIN.md.

Decisions
---------
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

*Bad values.* A count or amount that is text, negative, infinite or above :data:`MAX_VALUE`
is a missing value (a post without readable reads is left out); the net follower growth may be
negative. A plan's posts a week must be whole numbers; a planned value or target that is not a
number is no target.

*Scope.* Actuals are the posts on the plan's platforms published in the period (posts elsewhere
are left out and counted in :attr:`CampaignReview.notes`), the follower flow of ``daily_users``
in the period (rows of several platforms are added up per day), and the activities that
*start* in the period (so consecutive reviews never count one twice). The plan's content
``conversions`` target is not reviewed: WeChat exports record no conversions per article (the
mix assumes follows × 5 %); the KPI table's conversions are the activities'.

*Variance.* Per (platform, content type) and metric (:data:`VARIANCE_METRICS`), ``volume =
(actual posts − planned posts) × planned per post`` and ``rate = (actual per post − planned per
post) × actual posts``; they add up to ``actual − plan`` exactly. Planned per post is the cell's
weekly total ÷ its weekly posts (slot and diminishing returns included); a cell the plan left
empty gets its typical post (``reads_per_post``) × its platform's planned rate per read.

*Anomalies.* Each daily series minus its centred :data:`ANOMALY_WINDOW`-day rolling median,
minus the median of that residual per weekday, is flagged when it leaves ± :data:`ANOMALY_K` ×
the robust scale (1.4826 × the rolling median absolute deviation, never below the Poisson
scale √expected): ``1`` a spike, ``-1`` a drop. Weekly series use a 5-week median.

*Impact.* The counterfactual of daily new follows and reads is a weekday profile plus a linear
trend fitted to the :data:`IMPACT_TRAIN_DAYS` days before the period with Huber weights (so past
one-off spikes do not set the baseline), extrapolated over the period. The 90 % interval of the
lift (and the daily band) is a Student t prediction interval (:mod:`workbench.baseline`): the
error of the fitted baseline (parameter uncertainty) plus the period's day-to-day noise, with
the noise's scale and its day-to-day correlation (AR(1)) estimated from the training residuals
corrected for the parameters the fit used up. On null series it covers 90 % (the residual
bootstrap it replaced covered 83 %: issue 19). No statsmodels needed.

*Activity value.* An activity's value is ``revenue × margin + follows_gained × retention ×
follower_value`` (DOMAIN.md: order value × margin, plus a follower's value), ROI = (value −
cost_total) ÷ cost_total. Margin, retention and follower value are the likely values of the
matching ROI estimate when one is given, else of :func:`workbench.roi.template` for the type,
unless ``assumptions`` overrides them. With ``roi_estimates``, the actual ROI's percentile in the
estimate's simulation (:func:`workbench.roi.simulate`) says whether the estimate was calibrated
(``below`` under the 5th, ``above`` over the 95th percentile).

*Calibration.* Per cell, calibrated = ``w × actual + (1 − w) × planned`` with ``w = n ÷ (n +``
:data:`CALIBRATION_PRIOR_POSTS` ``)`` for n actual posts (the plan's estimate counts as that
many posts) — for reads per post and engagement / shares / follows per read; the factors
calibrated ÷ planned scale the :class:`workbench.mix.Estimates`. Activity funnels
(participation, conversion, follows per participant) shrink the same way towards the estimate's
or the history's likely value with :data:`CALIBRATION_PRIOR_ACTIVITIES`.

*Scorecard.* A KPI's score is ``100 × min(attainment, 1)`` (no credit above plan, 0 at worst);
the account-metric part (30 %) averages :data:`ACCOUNT_KPIS`, the activity part (20 %)
:data:`ACTIVITY_KPIS` (plus a hand-entered ``satisfaction`` when given); collaboration (10 %),
ability (20 %), attitude (15 %) and conduct (5 %) are entered by hand, 0-100.

Examples
--------
>>> from workbench import io, review
>>> arts = io.sample("articles")                                            # doctest: +SKIP
>>> plan = review.backtest_plan(arts, "2026-10-05", weeks=6)                 # doctest: +SKIP
>>> rv = review.review(plan, io.sample("daily_users"), arts,
...                    io.sample("activities"))                             # doctest: +SKIP
>>> rv.kpis.set_index("kpi").loc["reads", ["plan", "actual", "status"]]     # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import i18n, mix, roi
from . import baseline
from ..errors import InputError, missing_columns, not_a_table, require_columns
from ..schemas import CONTENT_TYPES

__all__ = [
    "ACCOUNT_KPIS", "ACTIVITY_KPIS", "ANOMALY_K", "ANOMALY_WINDOW", "AT_RISK",
    "BACKTEST_CADENCE_WEEKS", "CALIBRATION_PRIOR_ACTIVITIES", "CALIBRATION_PRIOR_POSTS",
    "Calibration", "CampaignReview", "IMPACT_BLOCK", "IMPACT_DRAWS", "IMPACT_LEVEL",
    "IMPACT_TRAIN_DAYS", "Impact", "KPIS", "MAX_RECOMMENDATIONS", "MAX_VALUE",
    "MIN_RECOMMENDATIONS",
    "ON_TRACK", "Recommendation", "SCORECARD_WEIGHTS", "STATUSES", "Scorecard", "TREND_SERIES",
    "Trends", "VARIANCE_METRICS", "WCI_VERSION", "apply_to_estimates", "apply_to_roi",
    "backtest_plan", "counterfactual", "flag_anomalies", "review", "roi_overrides", "scorecard",
    "status_label", "wci_index",
]

#: Attainment (share of plan) at or above which a KPI is on track.
ON_TRACK = 0.95
#: Attainment at or above which a KPI is at risk (below: off track).
AT_RISK = 0.80
STATUSES: tuple[str, ...] = ("on_track", "at_risk", "off_track", "n/a")
_STATUS_LABELS = {"on_track": ("On track", "达标"), "at_risk": ("At risk", "有风险"),
                  "off_track": ("Off track", "未达标"), "n/a": ("n/a", "无数据")}

#: ``(key, English label, Chinese label, unit, better)`` of every KPI, in table order.
KPIS: tuple[tuple[str, str, str, str, str], ...] = (
    ("posts", "Posts published", "发文篇数", "posts", "higher"),
    ("reads", "Reads", "阅读量", "reads", "higher"),
    ("open_rate", "Open rate (WeChat push)", "打开率（公众号推送）", "share", "higher"),
    ("engagement_rate", "Engagement rate", "互动率", "share", "higher"),
    ("share_rate", "Share rate", "分享率", "share", "higher"),
    ("new_follows", "New follows", "新关注人数", "people", "higher"),
    ("unfollows", "Unfollows", "取消关注人数", "people", "lower"),
    ("net_follows", "Net growth", "净增关注人数", "people", "higher"),
    ("cumulative_follows", "Cumulative followers", "累积关注人数", "people", "higher"),
    ("follows", "Follows after reading", "阅读后关注人数", "people", "higher"),
    ("follow_conversion", "Follow conversion", "关注转化率", "share", "higher"),
    ("participants", "Activity participants", "活动参与人数", "people", "higher"),
    ("conversions", "Activity conversions", "活动转化人数", "people", "higher"),
    ("cost", "Activity cost (CNY)", "活动成本（元）", "CNY", "lower"),
    ("roi", "Activity ROI", "活动ROI", "ratio", "higher"),
)
_KPI = {k[0]: k for k in KPIS}

#: Metrics split into volume and rate per (platform, content type).
VARIANCE_METRICS: tuple[str, ...] = ("reads", "engagement", "shares", "follows")
_METRIC_LABELS = {"reads": ("reads", "阅读"), "engagement": ("engagement", "互动"),
                  "shares": ("shares", "分享"), "follows": ("follows after reading", "阅读后关注")}
#: Daily series of :attr:`Trends.daily` that get an anomaly flag.
TREND_SERIES: tuple[str, ...] = ("reads", "posts", "new_follows", "unfollows", "net_follows")
_SERIES_LABELS = {"reads": ("Reads", "阅读量"), "posts": ("Posts", "发文篇数"),
                  "new_follows": ("New follows", "新关注"), "unfollows": ("Unfollows", "取消关注"),
                  "net_follows": ("Net growth", "净增关注")}
#: Robust z beyond which a day is a spike or a drop.
ANOMALY_K = 3.5
#: Days of the centred rolling median the anomaly residual is taken from.
ANOMALY_WINDOW = 15
_MAD_WINDOW = 29
_MAD_SCALE = 1.4826
#: Days before the period the impact model learns from.
IMPACT_TRAIN_DAYS = 84
#: Fewer training days than this and there is no counterfactual.
IMPACT_MIN_TRAIN_DAYS = 28
#: Block length (days) of the moving-block bootstrap the interval used before issue 19 (unused).
IMPACT_BLOCK = 7
#: Bootstrap draws of the counterfactual before issue 19 (unused: the interval is computed).
IMPACT_DRAWS = 1000
#: Two-sided level of the lift's interval.
IMPACT_LEVEL = 0.90
_HUBER_C = 1.345
#: Planned estimate of a cell counts as this many posts when calibrating.
CALIBRATION_PRIOR_POSTS = 10.0
#: Prior of an activity type's funnel counts as this many activities when calibrating.
CALIBRATION_PRIOR_ACTIVITIES = 3.0
#: Draws of :func:`workbench.roi.simulate` for the calibration percentile.
ROI_DRAWS = 20_000
#: Version of the WCI formula (DOMAIN.md).
WCI_VERSION = "14.2"
#: A cell needs this many actual posts before a recommendation cites its per-post result.
MIN_POSTS_FOR_ADVICE = 3
#: Per-post deviation from plan (either way) worth a recommendation.
ADVICE_THRESHOLD = 0.20
MAX_RECOMMENDATIONS = 8
MIN_RECOMMENDATIONS = 3
#: Weights of the team scorecard (DOMAIN.md).
SCORECARD_WEIGHTS: dict[str, float] = {
    "account_metrics": 0.30, "activity_results": 0.20, "collaboration": 0.10,
    "ability": 0.20, "attitude": 0.15, "conduct": 0.05,
}
_PART_LABELS = {
    "account_metrics": ("Account metrics", "账号指标"),
    "activity_results": ("Activity results", "活动效果"),
    "collaboration": ("Cross-team collaboration", "跨部门协作"),
    "ability": ("Ability", "工作能力"), "attitude": ("Attitude", "工作态度"),
    "conduct": ("Professional conduct", "职业素养"),
}
#: KPIs averaged into the scorecard's account-metric part (follower growth, reads, shares,
#: likes and comments in DOMAIN.md's words).
ACCOUNT_KPIS: tuple[str, ...] = ("new_follows", "reads", "share_rate", "engagement_rate")
#: KPIs averaged into the scorecard's activity part.
ACTIVITY_KPIS: tuple[str, ...] = ("participants", "conversions", "roi")
MANUAL_PARTS: tuple[str, ...] = ("collaboration", "ability", "attitude", "conduct")
PAYLOAD_VERSION = 1
#: Largest count or amount (CNY) a cell of the data may hold (a trillion); a larger, infinite,
#: negative or text value is missing.
MAX_VALUE = 1e12

_ENGAGEMENT_PARTS = ("likes", "wows", "comments", "shares", "favourites")
_FOLLOW_SOURCES = {
    "new_from_search_name": ("Search by account name", "搜索公众号名称"),
    "new_from_search_id": ("Search by WeChat ID", "搜索微信号"),
    "new_from_article_menu": ("Article menu", "图文页右上角菜单"),
    "new_from_card_share": ("Shared profile card", "名片分享"),
    "new_from_other": ("Other", "其他"),
}
_VALUE_KEYS = ("margin", "retention", "follower_value")
_FUNNEL_KEYS = ("participation_rate", "conversion_rate", "follow_rate")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _num(x: float) -> str:
    """``12,346`` for 12345.7, ``38.2`` for 38.24, ``-3`` for -3.0, ``0.14`` for 0.136 (two
    significant digits below 1), for text and citations."""
    if x is None or not math.isfinite(float(x)):
        return "–"
    x = float(x)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    digits = 1 if abs(x) >= 1 or x == 0 else 1 - math.floor(math.log10(abs(x)))
    r = round(x, digits)
    if abs(r - round(r)) < 1e-12:
        return f"{r:,.0f}"
    return f"{r:,.{digits}f}".rstrip("0").rstrip(".")


def _pct(share: float) -> str:
    """A share as a percent number without the sign (``0.382`` → ``38.2``)."""
    return _num(100 * share)


def _plat(p: str, lang: str) -> str:
    return i18n.level("platform", p, lang)


def _type(c: str, lang: str) -> str:
    return i18n.level("content_type", c, lang)


def _atype(a: str, lang: str) -> str:
    return i18n.level("activity_type", a, lang)


def _ratio(num: float, den: float) -> float:
    """``num / den``, or NaN where it has no finite value (a cost of 5e-324 yuan is no cost)."""
    if den is None or not math.isfinite(den) or den <= 0 or not math.isfinite(num):
        return math.nan
    out = float(num) / float(den)
    return out if math.isfinite(out) else math.nan


def _col(df: pd.DataFrame, name: str, count: bool = True) -> np.ndarray:
    """A number column as float. Text, infinities and values beyond ± :data:`MAX_VALUE` are
    missing (NaN), and so are negatives of a ``count`` (reads, follows, costs: all but the net
    follower growth)."""
    if name not in df.columns:
        return np.full(len(df), np.nan)
    x = pd.to_numeric(df[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    ok = np.abs(x) <= MAX_VALUE
    if count:
        ok &= x >= 0
    return np.where(ok, x, np.nan)


def _count(value: Any) -> float:
    """One value read like a cell of a count column (:func:`_col`): NaN when it is none."""
    return float(_col(pd.DataFrame({"v": [value]}, dtype=object), "v")[0])


def _sum(x: np.ndarray) -> float:
    return float(np.nansum(x)) if len(x) and not np.isnan(x).all() else math.nan


def _parse_date(value: Any, what: str = "start date", what_zh: str = "开始日期") -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if value is None or pd.isna(ts):
        raise InputError(f"Cannot read the {what} {value!r}.", f"无法识别{what_zh} {value!r}。",
                         fix="Use YYYY-MM-DD, e.g. 2026-10-05.",
                         fix_zh="请用 YYYY-MM-DD 格式，例如 2026-10-05。")
    return ts.normalize()


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (str, bool)):
        return v
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(float(v)) else None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.isoformat(sep=" ") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if v is pd.NA or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [str(c) for c in df.columns]
    return [{c: _jsonable(v) for c, v in zip(cols, row)}
            for row in df.itertuples(index=False, name=None)]


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------
@dataclass
class _PlanView:
    start: pd.Timestamp
    weeks: int
    platforms: tuple[str, ...]
    cells: pd.DataFrame            # platform, content_type, posts, metrics (weekly), reads_per_post
    targets: dict[str, float]      # weekly expected per metric
    items: list[dict[str, Any]]
    name: str
    per_post: dict[tuple[str, str], dict[str, Any]] | None = None
    last: pd.Timestamp | None = None     # the last day the data covers, when before the end

    @property
    def days(self) -> int:
        return 7 * self.weeks

    @property
    def end(self) -> pd.Timestamp:
        return self.start + pd.Timedelta(days=self.days - 1)

    @property
    def as_of(self) -> pd.Timestamp:
        """The period's last day the review covers (the end, or the data's last day)."""
        return self.end if self.last is None else min(self.end, self.last)

    @property
    def covered_days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def scale(self) -> float:
        """Weeks of plan the review covers (the plan's weekly values are multiplied by it)."""
        return self.covered_days / 7.0

    @property
    def covered_weeks(self) -> int:
        return -(-self.covered_days // 7)


def _plan_view(plan: Any, start: Any = None, weeks: Any = None) -> _PlanView:
    if isinstance(plan, mix.MixPlan):
        payload = plan.to_payload()
    elif isinstance(plan, Mapping):
        payload = plan
    else:
        raise InputError("The review needs a content-mix plan (a MixPlan or the plan saved by "
                         "the content-mix page).",
                         "复盘需要一个内容配比方案（MixPlan，或内容配比页面保存的方案）。",
                         fix="Load a saved plan from the scenario store, or use "
                             "review.backtest_plan on past articles.",
                         fix_zh="请从方案库加载已保存的方案，"
                                "或用 review.backtest_plan 由历史文章生成。")
    if payload.get("kind", "mix_plan") != "mix_plan" or "cells" not in payload:
        raise InputError("This saved scenario is not a content-mix plan.",
                         "该场景不是内容配比方案。",
                         fix="Choose a plan saved from the content-mix page.",
                         fix_zh="请选择从内容配比页面保存的方案。")
    raw_cells = payload["cells"]
    cells = pd.DataFrame([c for c in raw_cells if isinstance(c, Mapping)]
                         if isinstance(raw_cells, (list, tuple)) else [])
    need = ("platform", "content_type", "posts")
    missing = [c for c in need if c not in cells.columns]
    if cells.empty or missing:
        raise InputError("The plan has no posts per platform and content type.",
                         "方案中没有各平台、各内容类型的发文数。",
                         fix="Solve the plan on the content-mix page and save it again.",
                         fix_zh="请在内容配比页面重新求解并保存方案。")
    cells = cells.copy()
    cells["platform"] = cells["platform"].astype(str)
    cells["content_type"] = cells["content_type"].astype(str)
    cells["posts"] = pd.to_numeric(cells["posts"], errors="coerce").fillna(0).astype(float)
    posts = cells["posts"].to_numpy()
    whole = np.isfinite(posts) & (posts >= 0) & (posts <= mix.MAX_POSTS_PER_WEEK)
    whole[whole] = posts[whole] == np.round(posts[whole])
    if not whole.all():
        shown = f"{float(posts[~whole][0]):g}"
        raise InputError(f"The plan's posts a week must be whole numbers from 0 to "
                         f"{mix.MAX_POSTS_PER_WEEK}; one cell has {shown}.",
                         f"方案中每周发文数必须是 0 到 {mix.MAX_POSTS_PER_WEEK} 之间的整数；"
                         f"有一个单元为 {shown}。",
                         fix="Solve the plan on the content-mix page and save it again.",
                         fix_zh="请在内容配比页面重新求解并保存方案。")
    for m in (*mix.METRICS, "reads_per_post"):      # a planned value that is not a number
        if m in cells.columns:                       # (text, inf, negative) is no target
            cells[m] = _col(cells, m)
        elif m != "reads_per_post":
            cells[m] = np.nan
    if "reads_per_post" not in cells.columns:
        cells["reads_per_post"] = np.where(cells["posts"] > 0,
                                           cells["reads"] / cells["posts"].where(
                                               cells["posts"] > 0), np.nan)
    status = payload.get("status", "optimal")
    if status not in ("optimal", "time_limit") or cells["posts"].sum() <= 0:
        raise InputError("The plan has no posts to review (it was not solved or is infeasible).",
                         "方案中没有可复盘的发文（方案未求解或无可行解）。",
                         fix="Relax the plan's rules on the content-mix page and save it again.",
                         fix_zh="请在内容配比页面放宽规则后重新保存方案。")
    targets: dict[str, float] = {}
    raw = payload.get("kpi_targets")
    if isinstance(raw, Mapping):
        pairs = [(m, v.get("expected") if isinstance(v, Mapping) else v) for m, v in raw.items()]
    else:
        expected = payload.get("expected")
        pairs = [(rec.get("metric"), rec.get("expected")) for rec in expected
                 if isinstance(rec, Mapping)] if isinstance(expected, (list, tuple)) else []
    for m, v in pairs:                               # a target that is not a number is none
        x = _count(v)
        if m is not None and math.isfinite(x):
            targets[str(m)] = x
    for m in mix.METRICS:
        if m not in targets and cells[m].notna().any():
            targets[m] = float(cells[m].sum())
    cal = payload.get("calendar")
    cal = cal if isinstance(cal, Mapping) else {}
    start_value = start if start is not None else cal.get("start")
    weeks_value = weeks if weeks is not None else cal.get("weeks")
    if start_value is None or weeks_value is None:
        raise InputError("The plan has no calendar (start date and weeks), so the review does "
                         "not know which period to look at.",
                         "方案没有日历（开始日期和周数），复盘无法确定对比的时间段。",
                         fix="Save the plan with its calendar on the content-mix page, or pass "
                             "start= and weeks=.",
                         fix_zh="请在内容配比页面连同日历一起保存方案，或传入 start= 和 weeks=。")
    first = _parse_date(start_value)
    if isinstance(weeks_value, bool) or not isinstance(weeks_value, (int, np.integer, float)) \
            or not float(weeks_value).is_integer() or not 1 <= int(weeks_value) <= 52:
        raise InputError(f"The review period must be 1 to 52 weeks, not {weeks_value!r}.",
                         f"复盘周期应为 1 到 52 周，而不是 {weeks_value!r}。")
    cons = payload.get("constraints")
    plats = cons.get("platforms") if isinstance(cons, Mapping) else None
    plats = (plats,) if isinstance(plats, str) else plats
    platforms = tuple(str(p) for p in plats) if isinstance(plats, (list, tuple)) and plats \
        else tuple(dict.fromkeys(cells["platform"]))
    raw_items = payload.get("calendar_items")
    items = [dict(it) for it in raw_items if isinstance(it, Mapping)] \
        if isinstance(raw_items, (list, tuple)) else []
    return _PlanView(first, int(weeks_value), platforms, cells, targets, items,
                     str(payload.get("name", "")))


# --------------------------------------------------------------------------------------------
# Data preparation
# --------------------------------------------------------------------------------------------
def _prep_articles(articles: Any) -> pd.DataFrame:
    require_columns(articles, "articles", ["publish_time", "platform", "content_type", "reads"])
    t = pd.to_datetime(articles["publish_time"], errors="coerce")
    out = pd.DataFrame({
        "article_id": (articles["article_id"].astype("string") if "article_id" in articles
                       else pd.Series([f"row{i + 1}" for i in range(len(articles))],
                                      index=articles.index, dtype="string")),
        "publish_time": t,
        "date": t.dt.normalize(),
        "platform": articles["platform"].astype("string"),
        "content_type": articles["content_type"].astype("string"),
        "position": _col(articles, "position"),
        "title": (articles["title"].astype("string") if "title" in articles
                  else pd.Series(pd.NA, index=articles.index, dtype="string")),
    })
    for c in ("reads", "likes", "wows", "comments", "shares", "favourites", "push_reads",
              "delivered"):
        out[c] = _col(articles, c)
    out["follows"] = _col(articles, "follows_after_read")
    parts = np.column_stack([out[c].to_numpy() for c in _ENGAGEMENT_PARTS])
    allnan = np.isnan(parts).all(axis=1)
    out["engagement"] = np.where(allnan, np.nan, np.nansum(parts, axis=1))
    ok = out["publish_time"].notna() & out["platform"].notna() & out["content_type"].notna() \
        & out["reads"].notna()
    out = out[ok.to_numpy()]
    out["platform"] = out["platform"].astype(str)
    out["content_type"] = out["content_type"].astype(str)
    return out.reset_index(drop=True)


def _prep_daily(daily_users: Any) -> pd.DataFrame:
    require_columns(daily_users, "daily_users", ["date", "new_follows", "unfollows"])
    d = pd.to_datetime(daily_users["date"], errors="coerce").dt.normalize()
    cols = ["new_follows", "unfollows", "net_follows", "cumulative_follows",
            *[c for c in _FOLLOW_SOURCES if c in daily_users.columns]]
    frame = pd.DataFrame({c: _col(daily_users, c, count=c != "net_follows") for c in cols})
    frame["date"] = d.to_numpy()
    frame = frame[frame["date"].notna()]
    if frame.empty:
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="date"))
    g = frame.groupby("date").sum(min_count=1)
    net = g["new_follows"] - g["unfollows"]
    g["net_follows"] = g["net_follows"].where(g["net_follows"].notna(), net)
    return g.asfreq("D")


def _prep_activities(activities: Any) -> pd.DataFrame | None:
    if activities is None:
        return None
    if not isinstance(activities, pd.DataFrame):
        raise not_a_table("activities")
    need = ["activity_type", "start_date", "participants"]
    missing = [c for c in need if c not in activities.columns]
    if "cost_total" not in activities.columns and not any(
            c.startswith("cost_") for c in activities.columns):
        missing.append("cost_total")
    if missing:
        raise missing_columns("activities", missing)
    out = pd.DataFrame({
        "activity_id": (activities["activity_id"].astype("string") if "activity_id" in activities
                        else pd.Series([f"ACT{i + 1:03d}" for i in range(len(activities))],
                                       index=activities.index, dtype="string")),
        "name": (activities["name"].astype("string") if "name" in activities
                 else pd.Series(pd.NA, index=activities.index, dtype="string")),
        "activity_type": activities["activity_type"].astype("string"),
        "platform": (activities["platform"].astype("string") if "platform" in activities
                     else pd.Series(pd.NA, index=activities.index, dtype="string")),
        "start_date": pd.to_datetime(activities["start_date"], errors="coerce").dt.normalize(),
        "end_date": (pd.to_datetime(activities["end_date"], errors="coerce").dt.normalize()
                     if "end_date" in activities else pd.NaT),
    })
    if "cost_total" in activities.columns:
        cost = _col(activities, "cost_total")
    else:
        items = [c for c in activities.columns if c.startswith("cost_")]
        cost = np.nansum(np.column_stack([_col(activities, c) for c in items]), axis=1)
    out["cost"] = cost
    for c in ("reach", "participants", "conversions", "revenue", "follows_gained"):
        out[c] = _col(activities, c)
    out = out[out["start_date"].notna() & out["activity_type"].notna()]
    out["activity_type"] = out["activity_type"].astype(str)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# KPI table
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Variance
# --------------------------------------------------------------------------------------------
def _planned_per_post(view: _PlanView) -> dict[tuple[str, str], dict[str, Any]]:
    """Per plan cell: weekly posts and the planned value per post of each variance metric
    (``<metric>``) with where it came from (``<metric>_source``: plan / imputed)."""
    if view.per_post is not None:
        return view.per_post
    c = view.cells
    planned = c[c["posts"] > 0]
    rate: dict[tuple[str, str], float] = {}
    for m in VARIANCE_METRICS[1:]:
        rate[("*", m)] = _ratio(float(planned[m].sum()), float(planned["reads"].sum()))
        for p, g in planned.groupby("platform"):
            rate[(str(p), m)] = _ratio(float(g[m].sum()), float(g["reads"].sum()))
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in c.itertuples(index=False):
        rec: dict[str, Any] = {"weekly_posts": float(r.posts)}
        for m in VARIANCE_METRICS:
            value = getattr(r, m)
            if r.posts > 0 and math.isfinite(value):
                rec[m], rec[f"{m}_source"] = value / r.posts, "plan"
                continue
            base = float(r.reads_per_post)
            if m != "reads":
                k = rate.get((r.platform, m), math.nan)
                base *= k if math.isfinite(k) else rate.get(("*", m), math.nan)
            rec[m], rec[f"{m}_source"] = base, "imputed"
        out[(r.platform, r.content_type)] = rec
    # a content type outside the plan's cells: the platform's average planned post
    for p in {k[0] for k in out}:
        recs = [v for k, v in out.items() if k[0] == p]
        out[(p, "*")] = {"weekly_posts": 0.0, **{
            m: float(np.nanmean([v[m] for v in recs])) if any(
                math.isfinite(v[m]) for v in recs) else math.nan for m in VARIANCE_METRICS},
            **{f"{m}_source": "imputed" for m in VARIANCE_METRICS}}
    view.per_post = out
    return out


def _variance(view: _PlanView, cur: pd.DataFrame) -> pd.DataFrame:
    pp = _planned_per_post(view)
    act = cur.groupby(["platform", "content_type"], sort=False)[
        ["reads", "engagement", "shares", "follows"]].sum()
    act["posts"] = cur.groupby(["platform", "content_type"], sort=False).size()
    actual_of = {k: dict(zip(act.columns, row)) for k, row in zip(act.index, act.to_numpy())}
    planned = [k for k, v in pp.items() if v["weekly_posts"] > 0]
    keys = planned + [k for k in actual_of if k not in set(planned)]
    order_p = {p: i for i, p in enumerate(view.platforms)}
    order_c = {c: i for i, c in enumerate(CONTENT_TYPES)}
    keys.sort(key=lambda k: (order_p.get(k[0], 99), order_c.get(k[1], 99), k))
    recs = []
    for m in VARIANCE_METRICS:
        for k in keys:
            cell = pp.get(k) or pp.get((k[0], "*"))
            plan_posts = cell["weekly_posts"] * view.scale if cell else 0.0
            per, src = (cell[m], cell[f"{m}_source"]) if cell else (math.nan, "none")
            a = actual_of.get(k)
            a_posts = float(a["posts"]) if a else 0.0
            actual = float(a[m]) if a else 0.0
            a_per = actual / a_posts if a_posts > 0 else math.nan
            if math.isfinite(per):
                plan_total = plan_posts * per
                volume = (a_posts - plan_posts) * per
                rate = (a_per - per) * a_posts if a_posts > 0 else 0.0
            else:                              # nothing to compare with: all of it is volume
                per, src, plan_total = math.nan, "none", 0.0
                volume, rate = actual, 0.0
            recs.append({"metric": m, "platform": k[0], "content_type": k[1],
                         "plan_posts": plan_posts, "actual_posts": a_posts,
                         "plan_per_post": per, "actual_per_post": a_per,
                         "plan": plan_total, "actual": actual, "diff": actual - plan_total,
                         "volume": volume, "rate": rate, "plan_source": src})
    cols = ["metric", "platform", "content_type", "plan_posts", "actual_posts", "plan_per_post",
            "actual_per_post", "plan", "actual", "diff", "volume", "rate", "plan_source"]
    return pd.DataFrame(recs, columns=cols)


# --------------------------------------------------------------------------------------------
# Trends and anomalies
# --------------------------------------------------------------------------------------------
def flag_anomalies(series: pd.Series, *, window: int = ANOMALY_WINDOW, k: float = ANOMALY_K,
                   weekday: bool = True) -> pd.DataFrame:
    """Robust spikes and drops of a daily (or weekly) series.

    Parameters
    ----------
    series : values on a regular date index (gaps as NaN).
    window : centred rolling-median window (odd, in index steps).
    k : robust z beyond which a point is flagged.
    weekday : remove a weekday profile (median residual per weekday) first.

    Returns
    -------
    pandas.DataFrame
        Same index: ``value``, ``expected`` (rolling median + weekday effect), ``residual``,
        ``scale`` (1.4826 × rolling MAD, at least √|expected| and 1), ``z`` and ``anomaly``
        (``1`` spike, ``-1`` drop, ``0``).

    Examples
    --------
    >>> idx = pd.date_range("2026-01-01", periods=60)
    >>> s = pd.Series(100.0 + (np.arange(60) % 3), index=idx)
    >>> s.iloc[40] = 400
    >>> out = flag_anomalies(s)
    >>> int(out["anomaly"].iloc[40]), int(out["anomaly"].abs().sum())
    (1, 1)
    """
    y = pd.to_numeric(series, errors="coerce").astype(float)
    out = _flags(y.to_frame("value"), window=window, k=k, weekday=weekday)
    return pd.DataFrame({"value": y.to_numpy(), **{c: f[:, 0] for c, f in out.items()}},
                        index=y.index)


def _flags(frame: pd.DataFrame, *, window: int = ANOMALY_WINDOW, k: float = ANOMALY_K,
           weekday: bool = True) -> dict[str, np.ndarray]:
    """:func:`flag_anomalies` of every column at once: ``(n, columns)`` arrays ``expected,
    residual, scale, z, anomaly``."""
    y = frame.astype(float)
    med = y.rolling(window, center=True, min_periods=max(3, window // 3)).median()
    r = (y - med).to_numpy()
    expected = med.to_numpy()
    if weekday and isinstance(y.index, pd.DatetimeIndex) and len(y) >= 14:
        wd = y.index.day_of_week.to_numpy()
        eff = np.zeros_like(r)
        for w in range(7):
            on = wd == w
            if on.any():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)    # all-NaN columns
                    e = np.nanmedian(r[on], axis=0)
                eff[on] = np.nan_to_num(e)
        r = r - eff
        expected = expected + eff
    mwin = max(2 * window - 1, 5) if weekday else max(window + 4, 9)
    rf = pd.DataFrame(r, index=y.index)
    centre = rf.rolling(mwin, center=True, min_periods=3).median()
    mad = (rf - centre).abs().rolling(mwin, center=True, min_periods=3).median().to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)                # all-NaN columns
        glob = np.nan_to_num(np.nanmedian(np.abs(r - np.nanmedian(r, axis=0)), axis=0))
    scale = _MAD_SCALE * np.where(np.isnan(mad), glob[None, :], mad)
    scale = np.fmax(scale, np.sqrt(np.maximum(np.abs(np.nan_to_num(expected)), 1.0)))
    with np.errstate(invalid="ignore"):
        z = r / scale
    flag = np.where(z > k, 1, np.where(z < -k, -1, 0)).astype(int)
    return {"expected": expected, "residual": r, "scale": scale, "z": z, "anomaly": flag}


@dataclass
class Trends:
    """Daily and weekly series of the period and its baseline, anomalies and sources.

    Attributes
    ----------
    daily : one row per day from the baseline's first day to the period's last: ``date,
        in_period, reads, posts, new_follows, unfollows, net_follows, cumulative_follows``, for
        each of :data:`TREND_SERIES` ``<series>_expected`` and ``<series>_anomaly`` (1 spike, -1
        drop, 0), and ``marks_en`` / ``marks_zh`` (holidays and festivals, ``""`` if none).
    weekly : one row per week (aligned to the period's first day; negative ``week`` numbers are
        the baseline): ``week, week_start, week_end, in_period``, the sums of the series,
        ``cumulative_follows`` at the week's end and ``<series>_anomaly``.
    anomalies : the flagged days: ``date, series, label_en, label_zh, value, expected, z, kind``
        (``"spike"`` / ``"drop"``), ``in_period``, ``marks_en``, ``marks_zh``.
    sources : baseline vs actual per source: ``kind`` (``"follow_source"`` from the new-follow
        columns of the 用户增长 export, ``"read_channel"`` from ``daily_reads``), ``source,
        label_en, label_zh, baseline, actual, diff, pct, share`` (of the period's total).
    marks : ``[{"date", "kind", "en", "zh"}]`` holidays and festivals of the two windows.
    """

    daily: pd.DataFrame
    weekly: pd.DataFrame
    anomalies: pd.DataFrame
    sources: pd.DataFrame
    marks: list[dict[str, str]]

    def to_payload(self) -> dict[str, Any]:
        return {"daily": _records(self.daily), "weekly": _records(self.weekly),
                "anomalies": _records(self.anomalies), "sources": _records(self.sources),
                "marks": _jsonable(self.marks)}


def _daily_content(arts: pd.DataFrame, index: pd.DatetimeIndex) -> pd.DataFrame:
    g = arts.groupby("date").agg(reads=("reads", "sum"), posts=("reads", "size"))
    g = g.reindex(index)
    covered = (index >= arts["date"].min()) & (index <= arts["date"].max()) if len(arts) \
        else np.zeros(len(index), bool)
    g["reads"] = np.where(covered, g["reads"].fillna(0.0), np.nan)
    g["posts"] = np.where(covered, g["posts"].fillna(0.0), np.nan)
    return g


def _trends(view: _PlanView, arts: pd.DataFrame, daily: pd.DataFrame,
            pre_start: pd.Timestamp, daily_reads: pd.DataFrame | None,
            marks: dict[dt.date, list[mix.DayMark]]) -> Trends:
    end = view.as_of
    ctx = pre_start - pd.Timedelta(days=_MAD_WINDOW)
    index = pd.date_range(ctx, end, freq="D", name="date")
    content = _daily_content(arts, index)
    flow = daily.reindex(index)
    frame = pd.DataFrame({"reads": content["reads"], "posts": content["posts"],
                          "new_follows": flow["new_follows"], "unfollows": flow["unfollows"],
                          "net_follows": flow["net_follows"],
                          "cumulative_follows": flow["cumulative_follows"]}, index=index)
    fl = _flags(frame[list(TREND_SERIES)])
    zs = {}
    for j, s in enumerate(TREND_SERIES):
        frame[f"{s}_expected"] = fl["expected"][:, j]
        frame[f"{s}_anomaly"] = np.where(frame[s].notna(), fl["anomaly"][:, j], 0)
        zs[s] = pd.Series(fl["z"][:, j], index=frame.index)
    days = frame.loc[pre_start:end].copy()
    days.insert(0, "in_period", days.index >= view.start)
    m_en = {pd.Timestamp(d): "; ".join(x.name for x in ms) for d, ms in marks.items()}
    m_zh = {pd.Timestamp(d): "；".join(x.name_zh for x in ms) for d, ms in marks.items()}
    days["marks_en"] = [m_en.get(d, "") for d in days.index]
    days["marks_zh"] = [m_zh.get(d, "") for d in days.index]

    # weekly, aligned to the period's first day, with half a year of context for the flags
    wctx = max(view.start - pd.Timedelta(weeks=26), daily.index.min() if len(daily) else ctx,
               arts["date"].min() if len(arts) else ctx)
    wctx = view.start - pd.Timedelta(weeks=max(0, (view.start - wctx).days // 7))
    windex = pd.date_range(wctx, end, freq="D")
    wc = _daily_content(arts, windex)
    wf = daily.reindex(windex)
    wk = ((windex - view.start).days // 7).to_numpy()
    base = pd.DataFrame({"week": wk, "reads": wc["reads"].to_numpy(),
                         "posts": wc["posts"].to_numpy(),
                         "new_follows": wf["new_follows"].to_numpy(),
                         "unfollows": wf["unfollows"].to_numpy(),
                         "net_follows": wf["net_follows"].to_numpy(),
                         "cumulative_follows": wf["cumulative_follows"].to_numpy()})
    grouped = base.groupby("week")
    weekly = grouped[list(TREND_SERIES)].sum(min_count=1)
    weekly["cumulative_follows"] = grouped["cumulative_follows"].last()
    weekly.index = weekly.index.astype(int)
    wfl = _flags(weekly[list(TREND_SERIES)], window=5, weekday=False)
    for j, s in enumerate(TREND_SERIES):
        weekly[f"{s}_anomaly"] = np.where(weekly[s].notna(), wfl["anomaly"][:, j], 0)
    weekly = weekly.loc[-view.covered_weeks:].reset_index()
    weekly.insert(1, "week_start", [view.start + pd.Timedelta(weeks=int(w)) for w in
                                    weekly["week"]])
    weekly.insert(2, "week_end", weekly["week_start"] + pd.Timedelta(days=6))
    weekly.insert(3, "in_period", weekly["week"] >= 0)

    recs = []
    for s in TREND_SERIES:
        hit = days[days[f"{s}_anomaly"] != 0]
        for d, r in hit.iterrows():
            recs.append({"date": d, "series": s, "label_en": _SERIES_LABELS[s][0],
                         "label_zh": _SERIES_LABELS[s][1], "value": float(r[s]),
                         "expected": float(r[f"{s}_expected"]),
                         "z": float(zs[s].at[d]),
                         "kind": "spike" if r[f"{s}_anomaly"] > 0 else "drop",
                         "in_period": bool(r["in_period"]), "marks_en": r["marks_en"],
                         "marks_zh": r["marks_zh"]})
    anomalies = pd.DataFrame(recs, columns=["date", "series", "label_en", "label_zh", "value",
                                            "expected", "z", "kind", "in_period", "marks_en",
                                            "marks_zh"])
    anomalies = anomalies.sort_values(["date", "series"]).reset_index(drop=True)

    src = []
    pre_end = view.start - pd.Timedelta(days=1)
    for col, (en, zh) in _FOLLOW_SOURCES.items():
        if col in daily.columns and daily[col].notna().any():
            b = _sum(daily.loc[pre_start:pre_end, col].to_numpy())
            a = _sum(daily.loc[view.start:end, col].to_numpy())
            src.append({"kind": "follow_source", "source": col.removeprefix("new_from_"),
                        "label_en": en, "label_zh": zh, "baseline": b, "actual": a})
    if daily_reads is not None:
        if not isinstance(daily_reads, pd.DataFrame) or not {"date", "reads"} <= set(
                daily_reads.columns):
            raise missing_columns("daily_reads", [
                c for c in ("date", "reads") if not isinstance(daily_reads, pd.DataFrame)
                or c not in daily_reads.columns])
        dr = pd.DataFrame({"date": pd.to_datetime(daily_reads["date"], errors="coerce")
                           .dt.normalize(),
                           "channel": (daily_reads["channel"].astype("string").fillna("other")
                                       if "channel" in daily_reads else "other"),
                           "reads": _col(daily_reads, "reads")})
        for ch, g in dr.groupby("channel"):
            b = float(g.loc[(g["date"] >= pre_start) & (g["date"] <= pre_end), "reads"].sum())
            a = float(g.loc[(g["date"] >= view.start) & (g["date"] <= end), "reads"].sum())
            src.append({"kind": "read_channel", "source": str(ch),
                        "label_en": i18n.level("channel", str(ch), "en"),
                        "label_zh": i18n.level("channel", str(ch), "zh"),
                        "baseline": b, "actual": a})
    sources = pd.DataFrame(src, columns=["kind", "source", "label_en", "label_zh", "baseline",
                                         "actual"])
    sources["diff"] = sources["actual"] - sources["baseline"]
    sources["pct"] = np.where(sources["baseline"] > 0,
                              100 * sources["diff"] / sources["baseline"].where(
                                  sources["baseline"] > 0), np.nan)
    tot = sources.groupby("kind")["actual"].transform("sum")
    sources["share"] = np.where(tot > 0, sources["actual"] / tot.where(tot > 0), np.nan)
    days = days.reset_index()
    mark_list = [{"date": d.isoformat(), "kind": m.kind, "en": m.name, "zh": m.name_zh}
                 for d, ms in marks.items() for m in ms]
    return Trends(days, weekly, anomalies, sources, mark_list)


# --------------------------------------------------------------------------------------------
# Impact: counterfactual with a prediction interval
# --------------------------------------------------------------------------------------------
def _design(days: np.ndarray, weekday: np.ndarray, scale: float) -> np.ndarray:
    X = np.zeros((len(days), 8))
    X[:, 0] = 1.0
    X[:, 1] = days / scale
    for w in range(1, 7):
        X[:, 1 + w] = weekday == w
    return X


def counterfactual(series: pd.Series, start: Any, end: Any, *,
                   train_days: int = IMPACT_TRAIN_DAYS, draws: int = IMPACT_DRAWS,
                   level: float = IMPACT_LEVEL, block: int = IMPACT_BLOCK,
                   seed: int | None = 0) -> dict[str, Any]:
    """What a daily series would have done from ``start`` to ``end`` without the campaign.

    A weekday profile plus a linear trend, fitted with Huber weights to the ``train_days``
    before ``start``, extrapolated over the period; the interval of the lift (actual − the
    counterfactual, summed over the period) and the daily band are prediction intervals that
    count the baseline's own error and the days' noise, correlated from one day to the next
    (:func:`workbench.baseline.prediction_error`; see the module notes).

    Parameters
    ----------
    series : daily values on a date index (missing days as NaN or absent).
    start, end : the campaign window (inclusive).
    train_days : days before ``start`` to learn from (at least :data:`IMPACT_MIN_TRAIN_DAYS`
        with data).
    level : two-sided level of the interval and the band.
    draws, block, seed : ignored (the interval was a moving-block bootstrap before issue 19;
        it is now computed, not drawn); kept so that existing calls keep working.

    Returns
    -------
    dict
        ``actual, counterfactual, lift, low, high, relative`` (lift ÷ counterfactual),
        ``clear`` (the interval excludes 0), ``train_start, train_end, train_days``, ``slope``
        (per day), ``daily`` (DataFrame: ``date, actual, counterfactual, low, high``), and the
        noise model: ``noise_sd`` (per day), ``autocorrelation`` (lag 1), ``dof`` (of the t).

    Raises
    ------
    InputError
        Fewer than :data:`IMPACT_MIN_TRAIN_DAYS` days with data before ``start``, or no day with
        data in the window.

    Examples
    --------
    >>> idx = pd.date_range("2026-01-01", periods=140)
    >>> y = pd.Series(100.0 + 5 * (idx.day_of_week >= 5), index=idx)
    >>> y[y.index >= "2026-04-21"] += 20          # 28 days × 20 = 560 extra
    >>> out = counterfactual(y, "2026-04-21", "2026-05-18")
    >>> round(out["lift"])
    560
    """
    first, last = _parse_date(start), _parse_date(end, "end date", "结束日期")
    s = pd.to_numeric(series, errors="coerce").astype(float)
    s = s.where(np.isfinite(s))                      # an infinite day is a missing day
    s.index = pd.DatetimeIndex(s.index).normalize()
    s = s.groupby(level=0).sum(min_count=1).sort_index()
    train = s[(s.index >= first - pd.Timedelta(days=int(train_days))) & (s.index < first)]
    train = train.dropna()
    if len(train) < IMPACT_MIN_TRAIN_DAYS:
        raise InputError(f"The counterfactual needs at least {IMPACT_MIN_TRAIN_DAYS} days of "
                         f"data before {first.date()}; there are {len(train)}.",
                         f"反事实基线需要 {first.date()} 之前至少 {IMPACT_MIN_TRAIN_DAYS} 天"
                         "的数据；"
                         f"现有 {len(train)} 天。",
                         fix="Load a longer history.", fix_zh="请导入更长的历史数据。")
    window = s.reindex(pd.date_range(first, last, freq="D"))
    obs = window.dropna()
    if obs.empty:
        raise InputError(f"There is no data between {first.date()} and {last.date()}.",
                         f"{first.date()} 至 {last.date()} 之间没有数据。",
                         fix="Check the period, or load data that covers it.",
                         fix_zh="请检查时间段，或导入覆盖该时间段的数据。")
    scale = 7.0
    t_tr = (train.index - first).days.to_numpy(float)
    X = _design(t_tr, train.index.day_of_week.to_numpy(), scale)
    y = train.to_numpy()
    w = np.ones(len(y))
    beta = np.zeros(X.shape[1])
    for _ in range(20):
        sw = np.sqrt(w)
        beta_new = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
        r = y - X @ beta_new
        mad = _MAD_SCALE * float(np.median(np.abs(r - np.median(r))))
        c = _HUBER_C * max(mad, 1e-9)
        w = np.minimum(1.0, c / np.maximum(np.abs(r), 1e-12))
        if np.max(np.abs(beta_new - beta)) <= 1e-7 * (1.0 + np.max(np.abs(beta_new))):
            beta = beta_new
            break
        beta = beta_new
    resid = y - X @ beta
    t_p = (obs.index - first).days.to_numpy(float)
    Xp = _design(t_p, obs.index.day_of_week.to_numpy(), scale)
    cf = Xp @ beta
    err = baseline.prediction_error(X, w, resid, t_tr, Xp, t_p)
    q = err.quantile(level)
    actual = obs.to_numpy()
    a_tot, cf_tot = float(actual.sum()), float(cf.sum())
    lift = a_tot - cf_tot
    lo, hi = lift - q * err.total_sd, lift + q * err.total_sd
    band = (cf - q * err.daily_sd, cf + q * err.daily_sd)
    if (y >= 0).all():  # counts (follows, reads): a day's band does not go below nothing
        band = (np.maximum(band[0], 0.0), band[1])
    daily = pd.DataFrame({"date": obs.index, "actual": actual, "counterfactual": cf,
                          "low": band[0], "high": band[1]})
    return {"actual": a_tot, "counterfactual": cf_tot, "lift": lift, "low": lo, "high": hi,
            "relative": _ratio(lift, cf_tot), "clear": bool(lo > 0 or hi < 0),
            "train_start": train.index.min(), "train_end": train.index.max(),
            "train_days": int(len(train)), "slope": float(beta[1] / scale), "daily": daily,
            "noise_sd": err.sigma, "autocorrelation": err.rho, "dof": err.dof}


@dataclass
class Impact:
    """The campaign's lift over the counterfactual (see :func:`counterfactual`).

    Attributes
    ----------
    summary : one row per metric (``new_follows``, ``reads``): ``metric, label_en, label_zh,
        actual, counterfactual, lift, low, high, relative, clear, train_start, train_end``.
    daily : ``date, metric, actual, counterfactual, low, high`` (per-day 90 % band).
    method : ``{"en", "zh"}`` how it was computed.
    notes : ``(en, zh)`` why a metric has no counterfactual.
    """

    summary: pd.DataFrame
    daily: pd.DataFrame
    method: dict[str, str]
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.summary.empty

    def to_payload(self) -> dict[str, Any]:
        return {"summary": _records(self.summary), "daily": _records(self.daily),
                "method": dict(self.method), "notes": [list(n) for n in self.notes]}


_IMPACT_METHOD = {
    "en": (f"Counterfactual: weekday profile + linear trend fitted (Huber weights) to the "
           f"{IMPACT_TRAIN_DAYS} days before the period; {int(IMPACT_LEVEL * 100)} % "
           "prediction interval: the baseline's own error plus the daily noise (AR(1), t)."),
    "zh": (f"反事实基线：用活动前 {IMPACT_TRAIN_DAYS} 天的数据拟合星期效应 + 线性趋势"
           "（Huber 稳健权重）"
           f"并外推到活动期；{int(IMPACT_LEVEL * 100)}% 预测区间含基线本身的误差和每日波动"
           "（日间相关，t 分布）。"),
}


def _impact(view: _PlanView, arts: pd.DataFrame, daily: pd.DataFrame) -> Impact:
    recs, days, notes = [], [], []
    series = {"new_follows": daily["new_follows"] if len(daily) else pd.Series(dtype=float)}
    if len(arts):
        idx = pd.date_range(arts["date"].min(), arts["date"].max(), freq="D")
        series["reads"] = arts.groupby("date")["reads"].sum().reindex(idx, fill_value=0.0)
    labels = {"new_follows": ("New follows", "新关注人数"), "reads": ("Reads", "阅读量")}
    for m, s in series.items():
        try:
            out = counterfactual(s, view.start, view.as_of)
        except InputError as err:
            notes.append((f"{labels[m][0]}: no counterfactual. {err.en}",
                          f"{labels[m][1]}：无法计算反事实基线。{err.zh}"))
            continue
        recs.append({"metric": m, "label_en": labels[m][0], "label_zh": labels[m][1],
                     **{k: out[k] for k in ("actual", "counterfactual", "lift", "low", "high",
                                            "relative", "clear", "train_start", "train_end")}})
        d = out["daily"].copy()
        d.insert(1, "metric", m)
        days.append(d)
    cols = ["metric", "label_en", "label_zh", "actual", "counterfactual", "lift", "low", "high",
            "relative", "clear", "train_start", "train_end"]
    daily_frame = pd.concat(days, ignore_index=True) if days else pd.DataFrame(
        columns=["date", "metric", "actual", "counterfactual", "low", "high"])
    return Impact(pd.DataFrame(recs, columns=cols), daily_frame, dict(_IMPACT_METHOD), notes)


# --------------------------------------------------------------------------------------------
# WCI
# --------------------------------------------------------------------------------------------
def _wci_f(r: float, z: float, l_: float, re: float) -> float:
    return (0.70 * math.log(r + 1) + 0.09 * math.log(10 * z + 1) + 0.06 * math.log(10 * l_ + 1)
            + 0.15 * math.log(10 * re + 1))


def wci_index(articles: pd.DataFrame, first: Any, last: Any) -> dict[str, Any]:
    """The WeChat Communication Index (WCI, version 14.2) of the WeChat articles published from
    ``first`` to ``last`` (inclusive).

    Over d days with n articles, R reads, Z 在看 (wows), L likes, RE shares (t: headlines,
    ``position == 1``; max: the highest single-article value of each), with
    ``f(r, z, l, re) = 0.70 ln(r+1) + 0.09 ln(10z+1) + 0.06 ln(10l+1) + 0.15 ln(10re+1)``:
    ``O = f(R/d, Z/d, L/d, RE/d)``, ``A = f(R/n, ...)``, ``H = f(Rt/d, ...)``,
    ``P = f(Rmax, Zmax, Lmax, REmax)`` and ``WCI = (0.6 O + 0.2 A + 0.1 H + 0.1 P)² × 1.2 × 10``.
    Missing counts (e.g. no 在看 off WeChat) count as 0; a table without ``platform`` is taken
    as all WeChat.

    Returns
    -------
    dict
        ``version, days, articles, headlines, reads, wows, likes, shares, O, A, H, P, wci``.

    Examples
    --------
    >>> one = pd.DataFrame({"publish_time": pd.to_datetime(["2026-10-05 20:00"]),
    ...                     "reads": [999], "wows": [0], "likes": [0], "shares": [0],
    ...                     "position": [1]})
    >>> round(wci_index(one, "2026-10-05", "2026-10-05")["wci"], 3)   # O=A=H=P=0.7 ln 1000
    280.576
    """
    a0, b0 = _parse_date(first, "first day", "开始日期"), _parse_date(last, "last day", "结束日期")
    if (b0 - a0).days < 0:
        raise InputError("The WCI window ends before it starts.", "WCI 的时间窗结束早于开始。")
    return _wci_window(_wci_arrays(articles), a0, b0)


def _wci_arrays(articles: pd.DataFrame) -> dict[str, np.ndarray]:
    t = pd.to_datetime(articles["publish_time"], errors="coerce").dt.normalize()
    keep = t.notna().to_numpy().copy()
    if "platform" in articles.columns:
        keep &= (articles["platform"].astype("string") == "wechat").fillna(False).to_numpy()
    out = {"t": t.to_numpy()[keep]}
    for k, c in (("r", "reads"), ("z", "wows"), ("l", "likes"), ("re", "shares")):
        out[k] = np.nan_to_num(_col(articles, c)[keep])
    out["head"] = np.nan_to_num(_col(articles, "position")[keep]) == 1
    return out


def _wci_window(arr: Mapping[str, np.ndarray], a0: pd.Timestamp, b0: pd.Timestamp
                ) -> dict[str, Any]:
    days = (b0 - a0).days + 1
    sel = (arr["t"] >= a0.to_datetime64()) & (arr["t"] <= b0.to_datetime64())
    keys = ("r", "z", "l", "re")
    vals = {k: arr[k][sel] for k in keys}
    head = arr["head"][sel]
    n = int(sel.sum())
    tot = {k: float(v.sum()) for k, v in vals.items()}
    O = _wci_f(*(tot[k] / days for k in keys))
    A = _wci_f(*(tot[k] / n for k in keys)) if n else 0.0
    H = _wci_f(*(float(vals[k][head].sum()) / days for k in keys))
    P = _wci_f(*(float(vals[k].max()) if n else 0.0 for k in keys))
    w = (0.6 * O + 0.2 * A + 0.1 * H + 0.1 * P) ** 2 * 1.2 * 10
    return {"version": WCI_VERSION, "days": days, "articles": n, "headlines": int(head.sum()),
            "reads": tot["r"], "wows": tot["z"], "likes": tot["l"], "shares": tot["re"],
            "O": O, "A": A, "H": H, "P": P, "wci": w}


def _wci_weeks(view: _PlanView, arr: Mapping[str, np.ndarray]) -> pd.DataFrame:
    recs = []
    for k in range(-view.covered_weeks, view.covered_weeks):
        a = view.start + pd.Timedelta(weeks=k)
        b = min(a + pd.Timedelta(days=6), view.as_of)
        recs.append({"week": k, "week_start": a, "week_end": b, "in_period": k >= 0,
                     **_wci_window(arr, a, b)})
    return pd.DataFrame(recs)


# --------------------------------------------------------------------------------------------
# Activities
# --------------------------------------------------------------------------------------------
def _estimate_of(value: Any, key: str) -> roi.ActivityEstimate:
    if isinstance(value, roi.ActivityEstimate):
        return value
    if isinstance(value, Mapping):
        return roi.ActivityEstimate.from_payload(value)
    raise InputError(f"The ROI estimate for {key!r} is neither an ActivityEstimate nor its "
                     "saved payload.",
                     f"{key!r} 的 ROI 估算既不是 ActivityEstimate，也不是其保存的格式。",
                     fix="Pass roi.ActivityEstimate objects or their to_payload() dicts.",
                     fix_zh="请传入 roi.ActivityEstimate 或其 to_payload() 字典。")


def _activity_value(acts: pd.DataFrame, params: list[dict[str, float]]) -> pd.DataFrame:
    out = acts.copy()
    for k in _VALUE_KEYS:
        out[k] = [p[k] for p in params]
    rev = np.nan_to_num(out["revenue"].to_numpy())
    fol = np.nan_to_num(out["follows_gained"].to_numpy())
    out["value"] = rev * out["margin"] + fol * out["retention"] * out["follower_value"]
    out["profit"] = out["value"] - out["cost"]
    cost = out["cost"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = out["profit"].to_numpy() / np.where(cost > 0, cost, 1)
    out["roi"] = np.where((cost > 0) & np.isfinite(ratio), ratio, np.nan)
    return out


def _value_params(kind: str, est: roi.ActivityEstimate | None,
                  assumptions: Mapping[str, float]) -> dict[str, float]:
    base = est if est is not None else roi.template(kind)
    out = {k: float(getattr(base, k).likely) for k in _VALUE_KEYS}
    out.update({k: float(v) for k, v in assumptions.items()})
    out["source"] = "estimate" if est is not None else "template"
    return out


def _activities(acts: pd.DataFrame | None, first: pd.Timestamp, last: pd.Timestamp,
                estimates: Mapping[str, roi.ActivityEstimate], assumptions: Mapping[str, float],
                seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    cols = ["activity_id", "name", "activity_type", "platform", "start_date", "end_date", "cost",
            "reach", "participants", "conversions", "revenue", "follows_gained", "margin",
            "retention", "follower_value", "value_source", "value", "profit", "roi",
            "participation_rate", "conversion_rate", "follow_rate", "cost_per_follow",
            "estimate", "planned_participants", "planned_conversions", "planned_cost",
            "planned_value", "planned_roi", "roi_p5", "roi_p50", "roi_p95", "percentile",
            "calibration"]
    if acts is None:
        return pd.DataFrame(columns=cols), {}
    sub = acts[(acts["start_date"] >= first) & (acts["start_date"] <= last)]
    if sub.empty:
        return pd.DataFrame(columns=cols), {}
    matched: list[str | None] = []
    for r in sub.itertuples():
        key = str(r.activity_id) if str(r.activity_id) in estimates else (
            r.activity_type if r.activity_type in estimates else None)
        matched.append(key)
    params = []
    for r, key in zip(sub.itertuples(), matched):
        params.append(_value_params(r.activity_type, estimates.get(key) if key else None,
                                    assumptions))
    out = _activity_value(sub.reset_index(drop=True), params)
    out["value_source"] = ["given" if assumptions else p["source"] for p in params]
    reach, part = out["reach"].to_numpy(), out["participants"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["participation_rate"] = np.where(reach > 0, part / reach, np.nan)
        out["conversion_rate"] = np.where(part > 0, out["conversions"] / part, np.nan)
        out["follow_rate"] = np.where(part > 0, out["follows_gained"] / part, np.nan)
        fg = out["follows_gained"].to_numpy()
        out["cost_per_follow"] = np.where(fg > 0, out["cost"] / fg, np.nan)
    out["estimate"] = matched
    sims: dict[str, roi.RoiResult] = {}
    plan_cols = {c: [] for c in cols[cols.index("planned_participants"):]}
    for r, key in zip(out.itertuples(), matched):
        if key is None:
            for c in plan_cols:
                plan_cols[c].append(None if c == "calibration" else math.nan)
            continue
        if key not in sims:
            sims[key] = roi.simulate(estimates[key], n=ROI_DRAWS, seed=seed)
        res = sims[key]
        s = res.summary
        draws = res.samples["roi"]
        draws = draws[np.isfinite(draws)]
        pct = 100.0 * float((draws <= r.roi).mean()) if len(draws) and math.isfinite(r.roi) \
            else math.nan
        plan_cols["planned_participants"].append(s["participants_mean"])
        plan_cols["planned_conversions"].append(s["conversions_mean"])
        plan_cols["planned_cost"].append(s["cost_mean"])
        plan_cols["planned_value"].append(s["value_mean"])
        plan_cols["planned_roi"].append(s["roi_mean"])
        plan_cols["roi_p5"].append(s["roi_p5"])
        plan_cols["roi_p50"].append(s["roi_p50"])
        plan_cols["roi_p95"].append(s["roi_p95"])
        plan_cols["percentile"].append(pct)
        plan_cols["calibration"].append(None if not math.isfinite(pct) else
                                        "below" if pct < 5 else "above" if pct > 95 else
                                        "within")
    for c, v in plan_cols.items():
        out[c] = v
    return out[cols], sims


def _activity_totals(a: pd.DataFrame) -> dict[str, float]:
    if a.empty:
        return {"participants": 0.0, "conversions": 0.0, "cost": 0.0, "value": 0.0,
                "roi": math.nan}
    cost = float(np.nansum(a["cost"].to_numpy(float)))
    value = float(np.nansum(a["value"].to_numpy(float)))
    return {"participants": _sum(a["participants"].to_numpy(float)),
            "conversions": _sum(a["conversions"].to_numpy(float)),
            "cost": cost, "value": value, "roi": _ratio(value - cost, cost)}


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------
@dataclass
class Calibration:
    """Rates measured in a review, shrunk towards what the plan assumed (see the module notes).

    Attributes
    ----------
    start, end : the reviewed period (ISO dates).
    prior_posts, prior_activities : the shrinkage strengths used.
    content : ``{"<platform>/<content_type>": {"platform", "content_type", "posts", "weight",
        "plan": {...}, "actual": {...}, "calibrated": {...}, "factor": {...}}}`` where the rate
        dicts hold ``reads_per_post, engagement_per_read, shares_per_read, follows_per_read``
        and ``factor`` the per-post multipliers ``reads, engagement, shares, follows``
        (calibrated ÷ planned per post) that :func:`apply_to_estimates` applies.
    activities : ``{activity_type: {"activities", "weight", "prior_source", "prior",
        "actual", "calibrated"}}`` with ``participation_rate, conversion_rate, follow_rate``.
    """

    start: str
    end: str
    prior_posts: float
    prior_activities: float
    content: dict[str, dict[str, Any]]
    activities: dict[str, dict[str, Any]]

    def to_payload(self) -> dict[str, Any]:
        """Plain JSON types (str keys) for the scenario store."""
        return {"kind": "review_calibration", "version": PAYLOAD_VERSION, "start": self.start,
                "end": self.end, "prior_posts": float(self.prior_posts),
                "prior_activities": float(self.prior_activities),
                "content": _jsonable(self.content), "activities": _jsonable(self.activities)}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "Calibration":
        if not isinstance(payload, Mapping) or payload.get("kind") != "review_calibration":
            raise InputError("This saved scenario is not a review calibration.",
                             "该场景不是复盘校准结果。",
                             fix="Choose calibrated rates saved from the campaign review.",
                             fix_zh="请选择从数据复盘页面保存的校准结果。")
        return cls(str(payload.get("start", "")), str(payload.get("end", "")),
                   float(payload.get("prior_posts", CALIBRATION_PRIOR_POSTS)),
                   float(payload.get("prior_activities", CALIBRATION_PRIOR_ACTIVITIES)),
                   {str(k): dict(v) for k, v in (payload.get("content") or {}).items()},
                   {str(k): dict(v) for k, v in (payload.get("activities") or {}).items()})


def _shrink(actual: float, prior: float, w: float) -> float:
    if not math.isfinite(actual):
        return prior
    if not math.isfinite(prior):
        return actual
    return w * actual + (1.0 - w) * prior


def _calibrate_content(variance: pd.DataFrame) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    cols = ["plan_per_post", "actual_posts", "actual_per_post", "actual"]
    v = {m: {(p, c): vals for p, c, *vals in g[["platform", "content_type", *cols]]
             .itertuples(index=False, name=None)} for m, g in variance.groupby("metric")}
    for key, (plan_rpp, n, act_rpp, act_reads) in v["reads"].items():
        if n <= 0:
            continue
        w = n / (n + CALIBRATION_PRIOR_POSTS)
        plan_r = {"reads_per_post": plan_rpp}
        act_r = {"reads_per_post": act_rpp}
        for m in ("engagement", "shares", "follows"):
            m_plan, _, _, m_act = v[m][key]
            plan_r[f"{m}_per_read"] = _ratio(m_plan, plan_rpp)
            act_r[f"{m}_per_read"] = _ratio(m_act, act_reads)
        cal = {k: _shrink(act_r[k], plan_r[k], w) for k in plan_r}
        f_reads = _ratio(cal["reads_per_post"], plan_rpp)
        if not math.isfinite(f_reads):
            continue
        factor = {"reads": f_reads}
        for m in ("engagement", "shares", "follows"):
            fr = _ratio(cal[f"{m}_per_read"], plan_r[f"{m}_per_read"])
            factor[m] = f_reads * (fr if math.isfinite(fr) else 1.0)
        out[f"{key[0]}/{key[1]}"] = {"platform": key[0], "content_type": key[1], "posts": int(n),
                                     "weight": w, "plan": plan_r, "actual": act_r,
                                     "calibrated": cal, "factor": factor}
    return out


def _funnel_rates(g: pd.DataFrame) -> dict[str, np.ndarray]:
    reach, part = g["reach"].to_numpy(float), g["participants"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"participation_rate": np.where(reach > 0, part / reach, np.nan),
                "conversion_rate": np.where(part > 0, g["conversions"].to_numpy(float) / part,
                                            np.nan),
                "follow_rate": np.where(part > 0, g["follows_gained"].to_numpy(float) / part,
                                        np.nan)}


def _history_prior(history: pd.DataFrame | None, kind: str) -> tuple[dict[str, float], str]:
    """Likely funnel rates of ``kind`` as :func:`workbench.roi.priors` sets them: the median
    over past activities when at least :data:`workbench.roi.MIN_HISTORY` have a value, else
    the template's likely value."""
    tpl = roi.template(kind)
    out = {k: float(getattr(tpl, k).likely) for k in _FUNNEL_KEYS}
    src = "template"
    past = history[history["activity_type"] == kind] if history is not None else None
    if past is not None and len(past) >= roi.MIN_HISTORY:
        for k, x in _funnel_rates(past).items():
            x = x[np.isfinite(x)]
            if x.size >= roi.MIN_HISTORY:
                out[k] = min(max(float(np.median(x)), 0.0), 1.0)
                src = "history"
    return out, src


def _calibrate_activities(acts_period: pd.DataFrame, history: pd.DataFrame | None,
                          estimates: Mapping[str, roi.ActivityEstimate]
                          ) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if acts_period.empty:
        return out
    for kind, g in acts_period.groupby("activity_type"):
        kind = str(kind)
        reach = g["reach"].to_numpy(float)
        part = g["participants"].to_numpy(float)
        ok_r = np.isfinite(reach) & np.isfinite(part) & (reach > 0)
        ok_p = np.isfinite(part) & (part > 0)
        actual = {
            "participation_rate": _ratio(float(part[ok_r].sum()), float(reach[ok_r].sum())),
            "conversion_rate": _ratio(float(np.nansum(g["conversions"].to_numpy(float)[ok_p])),
                                      float(part[ok_p].sum())),
            "follow_rate": _ratio(float(np.nansum(g["follows_gained"].to_numpy(float)[ok_p])),
                                  float(part[ok_p].sum())),
        }
        est = next((estimates[k] for k in g["estimate"].dropna() if k in estimates), None)
        if est is None and kind in estimates:
            est = estimates[kind]
        if est is not None:
            prior, prior_src = {k: float(getattr(est, k).likely) for k in _FUNNEL_KEYS}, "estimate"
        else:
            prior, prior_src = _history_prior(history, kind)
        n = float(len(g))
        w = n / (n + CALIBRATION_PRIOR_ACTIVITIES)
        cal = {k: _shrink(actual[k], prior[k], w) for k in _FUNNEL_KEYS}
        out[kind] = {"activities": int(n), "weight": w, "prior_source": prior_src,
                     "prior": prior, "actual": actual, "calibrated": cal}
    return out


def _as_calibration(calibrated: Any) -> Calibration:
    if isinstance(calibrated, CampaignReview):
        return calibrated.calibrated
    if isinstance(calibrated, Calibration):
        return calibrated
    if isinstance(calibrated, Mapping):
        if calibrated.get("kind") == "campaign_review":
            return Calibration.from_payload(calibrated.get("calibrated") or {})
        return Calibration.from_payload(calibrated)
    raise InputError("Calibrated rates must come from a campaign review (review.calibrated or "
                     "its payload).",
                     "校准参数必须来自数据复盘（review.calibrated 或其保存的格式）。")


def apply_to_estimates(estimates: mix.Estimates, calibrated: Any) -> mix.Estimates:
    """A copy of ``estimates`` with each reviewed cell's expected values scaled to the
    calibrated rates, so that :func:`workbench.mix.plan` on it plans from what happened.

    For every ``"<platform>/<type>"`` of ``calibrated.content`` (cells of platforms the
    estimates do not know are skipped), the cell's mean, low and high of reads are multiplied
    by ``factor["reads"]``, of engagement, shares and follows by their factors, and of
    conversions by the follows factor (conversions are per follow). Slot effects, decay and the
    reference week (the objective's scale) stay as they were.

    Parameters
    ----------
    estimates : from :func:`workbench.mix.estimate`.
    calibrated : :class:`Calibration`, its payload, or a :class:`CampaignReview`.

    Examples
    --------
    >>> est2 = apply_to_estimates(mix.estimate(arts), rv.calibrated)            # doctest: +SKIP
    >>> mix.plan(est2).posts                                                     # doctest: +SKIP
    """
    if not isinstance(estimates, mix.Estimates):
        raise InputError("apply_to_estimates needs mix.Estimates (from mix.estimate).",
                         "apply_to_estimates 需要 mix.Estimates（由 mix.estimate 得到）。")
    cal = _as_calibration(calibrated)
    mean = estimates._mean.copy()
    cells = estimates.cells.copy()
    scale = np.ones(len(cells))
    plat = cells["platform"].astype(str).to_numpy()
    ctype = cells["content_type"].astype(str).to_numpy()
    metric = cells["metric"].astype(str).to_numpy()
    applied = []
    for rec in cal.content.values():
        p, c = str(rec["platform"]), str(rec["content_type"])
        if p not in estimates._platforms or c not in CONTENT_TYPES:
            continue
        pi, ci = estimates._platforms.index(p), CONTENT_TYPES.index(c)
        f = {m: float(rec["factor"].get(m, 1.0) or 1.0) for m in
             ("reads", "engagement", "shares", "follows")}
        f["conversions"] = f["follows"]
        for mi, m in enumerate(mix.METRICS):
            fm = f[m] if math.isfinite(f[m]) and f[m] >= 0 else 1.0
            mean[pi, ci, mi] *= fm
            scale[(plat == p) & (ctype == c) & (metric == m)] = fm
        applied.append(f"{p}/{c}")
    for col in ("mean", "low", "high"):
        cells[col] = cells[col].to_numpy(float) * scale
    note = (f"Calibrated from the review of {cal.start} – {cal.end}: {len(applied)} cells scaled "
            "to their measured per-post results.",
            f"已按 {cal.start} 至 {cal.end} 的复盘校准：{len(applied)} 个单元按实际单篇表现调整。")
    return dataclasses.replace(estimates, cells=cells, _mean=mean,
                               notes=list(estimates.notes) + [note], _slot_cache=None)


def roi_overrides(calibrated: Any, activity_type: str,
                  like: roi.ActivityEstimate | None = None
                  ) -> dict[str, tuple[float, float, float]]:
    """The calibrated funnel of an activity type as ``{input: (low, likely, high)}``, ready for
    ``roi.priors(activities, activity_type, calibrated=...)``.

    The likely value is the calibrated rate; low and high keep the relative spread of ``like``
    (default: :func:`workbench.roi.template` of the type), capped at 1. Empty when the review
    had no activity of that type.

    Examples
    --------
    >>> est = roi.priors(acts, "coupon", calibrated=roi_overrides(rv, "coupon"))  # doctest: +SKIP
    """
    cal = _as_calibration(calibrated)
    rec = cal.activities.get(str(activity_type))
    if not rec:
        return {}
    base = like if like is not None else roi.template(roi._check_type(activity_type))
    out = {}
    for k in _FUNNEL_KEYS:
        new = float(rec["calibrated"].get(k, math.nan))
        if not math.isfinite(new):
            continue
        new = min(max(new, 0.0), 1.0)
        r = getattr(base, k)
        if r.likely > 0:
            lo, hi = r.low / r.likely * new, r.high / r.likely * new
        else:
            lo, hi = new, new
        out[k] = (min(lo, new), new, min(max(hi, new), 1.0))
    return out


def apply_to_roi(estimate: roi.ActivityEstimate, calibrated: Any) -> roi.ActivityEstimate:
    """A copy of ``estimate`` whose participation, conversion and follow rates are the
    review's calibrated ones for its activity type (spread kept, see :func:`roi_overrides`);
    unchanged when the review had no activity of that type.

    Examples
    --------
    >>> new = apply_to_roi(roi.template("coupon"), rv.calibrated)                 # doctest: +SKIP
    >>> new.sources["conversion_rate"]                                            # doctest: +SKIP
    'calibrated'
    """
    if not isinstance(estimate, roi.ActivityEstimate):
        estimate = _estimate_of(estimate, "estimate")
    changes = roi_overrides(calibrated, estimate.activity_type, like=estimate)
    if not changes:
        return estimate
    cal = _as_calibration(calibrated)
    sources = dict(estimate.sources)
    sources.update({k: "calibrated" for k in changes})
    note = dict(estimate.note)
    note["en"] = (note.get("en", "") + f" Funnel calibrated from the review of {cal.start} – "
                  f"{cal.end}.").strip()
    note["zh"] = (note.get("zh", "")
                  + f"转化漏斗已按 {cal.start} 至 {cal.end} 的复盘校准。").strip()
    return estimate.replace(**{k: roi.Range(*v) for k, v in changes.items()}, sources=sources,
                            note=note)


# --------------------------------------------------------------------------------------------
# Recommendations
# --------------------------------------------------------------------------------------------
@dataclass
class Recommendation:
    """One piece of advice, in both languages, with the numbers it cites.

    Attributes
    ----------
    kind : ``"content"``, ``"volume"``, ``"kpi"``, ``"activity"``, ``"impact"``, ``"anomaly"``,
        ``"article"`` or ``"calibration"``.
    en, zh : the text.
    numbers : the raw values behind it (``{name: float}``).
    cites : the numbers as they are written in both texts.
    priority : larger first (share of the plan's reads at stake, or a fixed weight).
    """

    kind: str
    en: str
    zh: str
    numbers: dict[str, float]
    cites: list[str]
    priority: float = 0.0

    def text(self, lang: str = "en") -> str:
        return self.zh if str(lang).lower().startswith("zh") else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "en": self.en, "zh": self.zh,
                "numbers": _jsonable(self.numbers), "cites": list(self.cites),
                "priority": _jsonable(self.priority)}


def _recommend(kpis: pd.DataFrame, variance: pd.DataFrame, activities: pd.DataFrame,
               impact: Impact, trends: Trends, leaders: pd.DataFrame,
               calibration: Calibration) -> list[Recommendation]:
    recs: list[Recommendation] = []
    reads = variance[variance["metric"] == "reads"]
    plan_reads = max(float(reads["plan"].sum()), 1.0)
    follows = variance[variance["metric"] == "follows"].set_index(["platform", "content_type"])
    cited_cells = set()
    for r in reads.itertuples():
        if r.actual_posts < MIN_POSTS_FOR_ADVICE or not (r.plan_per_post > 0):
            continue
        dev = r.actual_per_post / r.plan_per_post - 1
        if abs(dev) < ADVICE_THRESHOLD:
            continue
        cited_cells.add((r.platform, r.content_type))
        x, a, p = _pct(abs(dev)), _num(r.actual_per_post), _num(r.plan_per_post)
        pe, pz = _plat(r.platform, "en"), _plat(r.platform, "zh")
        te, tz = _type(r.content_type, "en"), _type(r.content_type, "zh")
        nums = {"deviation": dev, "actual_per_post": r.actual_per_post,
                "plan_per_post": r.plan_per_post, "posts": r.actual_posts, "rate_effect": r.rate}
        if dev > 0:
            en = (f"{te} posts on {pe} beat plan by {x} % per post ({a} vs {p} reads over "
                  f"{int(r.actual_posts)} posts): raise their share.")
            zh = (f"{pz}{tz}内容单篇表现比计划高 {x}%（{int(r.actual_posts)} 篇平均阅读 {a}，"
                  f"计划 {p}）：建议提高占比。")
        else:
            en = (f"{te} posts on {pe} fell {x} % short of plan per post ({a} vs {p} reads over "
                  f"{int(r.actual_posts)} posts): rework the format or cut their share.")
            zh = (f"{pz}{tz}内容单篇表现比计划低 {x}%（{int(r.actual_posts)} 篇平均阅读 {a}，"
                  f"计划 {p}）：建议调整形式或降低占比。")
        recs.append(Recommendation("content", en, zh, nums, [x, a, p, str(int(r.actual_posts))],
                                   abs(r.rate) / plan_reads))
    follows_plan = max(float(follows["plan"].sum()), 1.0)
    for r in follows.reset_index().itertuples(index=False):
        pl, ct = r.platform, r.content_type
        if (pl, ct) in cited_cells or r.actual_posts < MIN_POSTS_FOR_ADVICE \
                or not (r.plan_per_post > 0):
            continue
        dev = r.actual_per_post / r.plan_per_post - 1
        if abs(dev) < 2 * ADVICE_THRESHOLD:
            continue
        x, a, p = _pct(abs(dev)), _num(r.actual_per_post), _num(r.plan_per_post)
        word_en, word_zh = ("more", "多") if dev > 0 else ("fewer", "少")
        act_en = "use them as follower magnets" if dev > 0 else "add a clear follow call to action"
        act_zh = "可作为涨粉主力" if dev > 0 else "建议加强关注引导"
        en = (f"{_type(ct, 'en')} posts on {_plat(pl, 'en')} brought {x} % {word_en} follows per "
              f"post than planned ({a} vs {p}): {act_en}.")
        zh = (f"{_plat(pl, 'zh')}{_type(ct, 'zh')}内容单篇带来的关注比计划{word_zh} {x}%（{a} 对 "
              f"{p}）：{act_zh}。")
        recs.append(Recommendation("content", en, zh, {"deviation": dev,
                                                       "actual_per_post": r.actual_per_post,
                                                       "plan_per_post": r.plan_per_post},
                                   [x, a, p], 0.5 * abs(r.rate) / follows_plan))
    by_plat = reads.groupby("platform", sort=False)[["plan_posts", "actual_posts", "volume"]].sum()
    for pl, r in by_plat.iterrows():
        if r["plan_posts"] <= 0:
            continue
        share = r["actual_posts"] / r["plan_posts"]
        if 1 - ADVICE_THRESHOLD <= share <= 1 + ADVICE_THRESHOLD:
            continue
        a, p, v = str(int(r["actual_posts"])), str(int(r["plan_posts"])), _num(abs(r["volume"]))
        if share < 1:
            en = (f"{_plat(pl, 'en')}: {a} posts published of {p} planned; the missing posts "
                  f"cost about {v} reads. Keep the planned cadence or plan fewer posts.")
            zh = (f"{_plat(pl, 'zh')}：计划发文 {p} 篇，实际 {a} 篇，少发约损失 {v} 次阅读。"
                  "建议按计划节奏发布，或下期下调计划篇数。")
        else:
            en = (f"{_plat(pl, 'en')}: {a} posts published against {p} planned, adding about "
                  f"{v} reads; check the team's hours before planning this cadence.")
            zh = (f"{_plat(pl, 'zh')}：实际发文 {a} 篇（计划 {p} 篇），多发带来约 {v} 次阅读；"
                  "下期按此节奏前请核对团队工时。")
        recs.append(Recommendation("volume", en, zh, {"actual_posts": r["actual_posts"],
                                                      "plan_posts": r["plan_posts"],
                                                      "volume_effect": r["volume"]},
                                   [a, p, v], abs(r["volume"]) / plan_reads))
    k = kpis.set_index("kpi")
    advice = {
        "open_rate": ("test push times and headline titles", "建议测试推送时间和标题"),
        "share_rate": ("add share hooks: checklists, templates, shareable visuals",
                       "建议增加转发钩子：清单、模板、便于分享的图片"),
        "engagement_rate": ("ask questions and run comment topics", "建议多提问、设置留言话题"),
        "unfollows": ("check push frequency and the follow-up of lotteries",
                      "建议检查推送频率和抽奖活动后的留存"),
        "follow_conversion": ("add a clear follow call to action", "建议在文中加强关注引导"),
        "new_follows": ("review the follow sources below", "建议查看关注来源的变化"),
    }
    for key, (a_en, a_zh) in advice.items():
        if key not in k.index or k.at[key, "status"] not in ("at_risk", "off_track"):
            continue
        row = k.loc[key]
        pct_num = _num(abs(row["pct"]))
        if row["unit"] == "share":
            a, p = _pct(row["actual"]), _pct(row["plan"])
            unit_en, unit_zh = " %", "%"
        else:
            a, p = _num(row["actual"]), _num(row["plan"])
            unit_en = unit_zh = ""
        ref_en = "the plan" if row["plan_source"] == "plan" else "the pre-period"
        ref_zh = "计划" if row["plan_source"] == "plan" else "活动前同期"
        word_en = "above" if row["diff"] > 0 else "below"
        word_zh = "高" if row["diff"] > 0 else "低"
        en = (f"{row['label_en']}: {a}{unit_en} against {p}{unit_en} for {ref_en} "
              f"({pct_num} % {word_en}): {a_en}.")
        zh = (f"{row['label_zh']}为 {a}{unit_zh}，{ref_zh}为 {p}{unit_zh}（{word_zh} {pct_num}%）："
              f"{a_zh}。")
        recs.append(Recommendation("kpi", en, zh, {"actual": row["actual"], "plan": row["plan"],
                                                   "pct": row["pct"]}, [a, p, pct_num],
                                   0.05 + abs(row["pct"]) / 1000))
    if not activities.empty:
        cal_out = activities[activities["calibration"].isin(["below", "above"])]
        for r in cal_out.itertuples():
            pc, a = _num(r.percentile), _pct(r.roi)
            lo, hi = _pct(r.roi_p5), _pct(r.roi_p95)
            name = str(r.name) if isinstance(r.name, str) and r.name else str(r.activity_id)
            side_en = "below" if r.calibration == "below" else "above"
            side_zh = "低于" if r.calibration == "below" else "高于"
            en = (f"{name} ({_atype(r.activity_type, 'en')}): actual ROI {a} % fell at "
                  f"percentile {pc} of its estimate ({lo} % to {hi} %, {side_en} the 90 % range): "
                  f"re-estimate {_atype(r.activity_type, 'en')} activities with the calibrated "
                  "funnel.")
            zh = (f"{name}（{_atype(r.activity_type, 'zh')}）：实际 ROI {a}%，"
                  f"处于估算分布的第 {pc} "
                  f"百分位（{lo}% 至 {hi}%，{side_zh} 90% 区间）：建议用校准后的转化漏斗重新估算"
                  f"{_atype(r.activity_type, 'zh')}活动。")
            recs.append(Recommendation("activity", en, zh, {"roi": r.roi,
                                                            "percentile": r.percentile},
                                       [a, pc, lo, hi], 0.08))
        by_type = activities.groupby("activity_type").agg(cost=("cost", "sum"),
                                                          value=("value", "sum"))
        by_type = by_type[by_type["cost"] > 0]
        if len(by_type) >= 2:
            by_type["roi"] = (by_type["value"] - by_type["cost"]) / by_type["cost"]
            best, worst = by_type["roi"].idxmax(), by_type["roi"].idxmin()
            b, w = _pct(by_type.at[best, "roi"]), _pct(by_type.at[worst, "roi"])
            en = (f"{_atype(best, 'en')} returned an ROI of {b} % and {_atype(worst, 'en')} "
                  f"{w} %: move activity budget towards {_atype(best, 'en')}.")
            zh = (f"{_atype(best, 'zh')}活动 ROI 为 {b}%，{_atype(worst, 'zh')}为 {w}%："
                  f"建议把活动预算向{_atype(best, 'zh')}倾斜。")
            recs.append(Recommendation("activity", en, zh,
                                       {"best_roi": by_type.at[best, "roi"],
                                        "worst_roi": by_type.at[worst, "roi"]}, [b, w], 0.06))
    if impact.available:
        r = impact.summary.set_index("metric")
        if "new_follows" in r.index:
            x = r.loc["new_follows"]
            li, lo, hi = _num(x["lift"]), _num(x["low"]), _num(x["high"])
            if x["clear"] and x["lift"] > 0:
                en = (f"The campaign brought about {li} more new follows than the pre-period "
                      f"trend predicted (90 % interval {lo} to {hi}): repeat what drove it.")
                zh = (f"活动期新关注比活动前趋势预测多约 {li} 人（90% 区间 {lo} 至 {hi}）："
                      "建议复用带来增长的做法。")
            elif x["clear"]:
                en = (f"New follows were about {_num(-x['lift'])} below the pre-period trend "
                      f"(90 % interval of the lift {lo} to {hi}): find out what changed.")
                zh = (f"活动期新关注比活动前趋势预测少约 {_num(-x['lift'])} 人（提升量 90% 区间 "
                      f"{lo} 至 {hi}）：建议排查原因。")
                li = _num(-x["lift"])
            else:
                en = (f"No clear lift in new follows: {li} over the pre-period trend, 90 % "
                      f"interval {lo} to {hi} includes 0. Test one change at a time next "
                      "campaign.")
                zh = (f"新关注没有明显提升：比活动前趋势多 {li} 人，"
                      f"但 90% 区间 {lo} 至 {hi} 包含 0。"
                      "建议下期每次只测试一项改动。")
            recs.append(Recommendation("impact", en, zh, {"lift": x["lift"], "low": x["low"],
                                                          "high": x["high"]}, [li, lo, hi],
                                       0.07 if x["clear"] else 0.02))
    an = trends.anomalies
    spikes = an[(an["in_period"]) & (an["kind"] == "spike") & (an["series"] == "new_follows")]
    if len(spikes):
        top = spikes.loc[(spikes["value"] - spikes["expected"]).idxmax()]
        d = pd.Timestamp(top["date"]).date().isoformat()
        v, e = _num(top["value"]), _num(top["expected"])
        en = (f"New follows spiked on {d} ({v} against about {e} expected): find what drove it "
              "and plan it again.")
        zh = f"{d} 新关注异常升高（{v} 人，通常约 {e} 人）：建议找出原因并在下期复用。"
        recs.append(Recommendation("anomaly", en, zh, {"value": float(top["value"]),
                                                       "expected": float(top["expected"])},
                                   [d, v, e], 0.03))
    recs.sort(key=lambda r: -r.priority)
    recs = recs[:MAX_RECOMMENDATIONS]
    if len(recs) < MIN_RECOMMENDATIONS and len(leaders):
        top = leaders.iloc[0]
        title = str(top["title"]) if isinstance(top["title"], str) and top["title"] else \
            str(top["article_id"])
        rd = _num(top["reads"])
        en = (f"The best post, \"{title}\" ({_plat(top['platform'], 'en')}, "
              f"{_type(top['content_type'], 'en')}), reached {rd} reads: reuse its topic and "
              "format.")
        zh = (f"表现最好的内容《{title}》（{_plat(top['platform'], 'zh')}，"
              f"{_type(top['content_type'], 'zh')}）阅读 {rd}：建议复用其选题和形式。")
        recs.append(Recommendation("article", en, zh, {"reads": float(top["reads"])}, [rd],
                                   0.01))
    if len(recs) < MIN_RECOMMENDATIONS:
        n = str(sum(int(c["posts"]) for c in calibration.content.values()))
        cells = str(len(calibration.content))
        en = (f"Carry the rates measured on {n} posts in {cells} platform × content-type cells "
              "into the next plan (calibrated estimates).")
        zh = (f"建议把本期 {n} 篇内容（{cells} 个平台 × 内容类型组合）的实测数据"
              "带入下期方案（校准后的估计）。")
        recs.append(Recommendation("calibration", en, zh, {"posts": float(n),
                                                           "cells": float(cells)},
                                   [n, cells], 0.0))
    if len(recs) < MIN_RECOMMENDATIONS:
        k_on = int((kpis["status"] == "on_track").sum())
        k_all = int((kpis["status"] != "n/a").sum())
        en = f"{k_on} of {k_all} KPIs were on track: keep the plan's mix and cadence."
        zh = f"{k_all} 项指标中有 {k_on} 项达标：建议保持现有内容配比和发布节奏。"
        recs.append(Recommendation("kpi", en, zh, {"on_track": k_on, "kpis": k_all},
                                   [str(k_on), str(k_all)], 0.0))
    return recs


# --------------------------------------------------------------------------------------------
# The review
# --------------------------------------------------------------------------------------------
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


def _summary(view: _PlanView, kpis: pd.DataFrame, impact: Impact, wci_p: Mapping[str, Any],
             activities: pd.DataFrame, recs: list[Recommendation], n_posts: int
             ) -> dict[str, str]:
    k = kpis.set_index("kpi")
    counts = kpis["status"].value_counts()
    on, risk, off = (int(counts.get(s, 0)) for s in ("on_track", "at_risk", "off_track"))
    s0, s1 = view.start.date().isoformat(), view.as_of.date().isoformat()

    def pair(key: str) -> tuple[str, str, str]:
        r = k.loc[key]
        if r["unit"] == "share":
            return _pct(r["actual"]), _pct(r["plan"]), _num(r["pct"])
        return _num(r["actual"]), _num(r["plan"]), _num(r["pct"])

    ra, rp, rpc = pair("reads")
    fa, fp, fpc = pair("follows")
    na, nb, _ = pair("new_follows")
    span_en = (f"{view.weeks} weeks" if view.covered_days == view.days else
               f"{view.covered_days} of the plan's {view.days} days")
    span_zh = (f"{view.weeks} 周" if view.covered_days == view.days else
               f"方案 {view.days} 天中的 {view.covered_days} 天")
    en = (f"From {s0} to {s1} ({span_en}) the team published {n_posts} posts on "
          f"{len(view.platforms)} platforms. Reads were {ra} against {rp} planned ({rpc} %), "
          f"follows after reading {fa} against {fp} ({fpc} %); the WeChat account gained {na} "
          f"new followers ({nb} in the pre-period). {on} KPIs on track, {risk} at risk, {off} "
          f"off track.")
    zh = (f"{s0} 至 {s1}（{span_zh}）共在 {len(view.platforms)} 个平台发布 {n_posts} 篇内容。"
          f"阅读量 {ra}，计划 {rp}（{rpc}%）；阅读后关注 {fa}，计划 {fp}（{fpc}%）；公众号新关注 "
          f"{na} 人（活动前同期 {nb} 人）。{on} 项指标达标，{risk} 项有风险，{off} 项未达标。")
    if impact.available and "new_follows" in set(impact.summary["metric"]):
        x = impact.summary.set_index("metric").loc["new_follows"]
        en += (f" Against the pre-period trend, new follows changed by {_num(x['lift'])} "
               f"(90 % interval {_num(x['low'])} to {_num(x['high'])}).")
        zh += (f"与活动前趋势相比，新关注变化 {_num(x['lift'])} 人（90% 区间 {_num(x['low'])} 至 "
               f"{_num(x['high'])}）。")
    en += f" WCI (v{WCI_VERSION}) {_num(wci_p['wci'])}."
    zh += f"WCI（v{WCI_VERSION}）为 {_num(wci_p['wci'])}。"
    if len(activities):
        roi_row = k.loc["roi"]
        en += (f" {len(activities)} activities cost {_num(k.loc['cost', 'actual'])} CNY at an ROI "
               f"of {_pct(roi_row['actual'])} %.")
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
           seed: int = 0) -> CampaignReview:
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
    start, weeks : override the plan's calendar period.
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
        notes.append((f"The data ends on {last.date()}: the review covers {n_days} of the plan's "
                      f"{view.days} days; the plan's targets are prorated to them and the "
                      f"pre-period is the {n_days} days before.",
                      f"数据截至 {last.date()}：复盘覆盖方案 {view.days} 天中的 {n_days} 天；"
                      f"计划目标按天数折算，活动前同期取之前的 {n_days} 天。"))
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
    ct, cp = _content_totals(cur), _content_totals(pre)
    rt, rp = _rates(ct), _rates(cp)
    tg = {m: view.targets.get(m, math.nan) * view.scale for m in mix.METRICS}
    fl, fb = _flow(daily, first, last), _flow(daily, pre_start, pre_end)
    pre_has_flow = fb["days"] > 0
    rows = [
        _kpi_row("posts", float(view.cells["posts"].sum()) * view.scale, ct["posts"], "plan"),
        _kpi_row("reads", tg["reads"], ct["reads"], "plan"),
        _kpi_row("open_rate", rp["open_rate"], rt["open_rate"], "baseline"),
        _kpi_row("engagement_rate", _ratio(tg["engagement"], tg["reads"]), rt["engagement_rate"],
                 "plan"),
        _kpi_row("share_rate", _ratio(tg["shares"], tg["reads"]), rt["share_rate"], "plan"),
        _kpi_row("new_follows", fb["new_follows"] if pre_has_flow else math.nan,
                 fl["new_follows"], "baseline"),
        _kpi_row("unfollows", fb["unfollows"] if pre_has_flow else math.nan, fl["unfollows"],
                 "baseline"),
        _kpi_row("net_follows", fb["net_follows"] if pre_has_flow else math.nan,
                 fl["net_follows"], "baseline"),
    ]
    cum_before = daily.loc[:pre_end, "cumulative_follows"].dropna() \
        if "cumulative_follows" in daily else pd.Series([], dtype=float)
    cum_plan = (float(cum_before.iloc[-1]) + (fb["net_follows"] if pre_has_flow else 0.0)) \
        if len(cum_before) and pre_has_flow else math.nan
    rows.append(_kpi_row("cumulative_follows", cum_plan, fl["cumulative_end"], "baseline"))
    rows.append(_kpi_row("follows", tg["follows"], ct["follows"], "plan"))
    rows.append(_kpi_row("follow_conversion", _ratio(tg["follows"], tg["reads"]),
                         rt["follow_conversion"], "plan"))

    acts_period, sims = _activities(acts, first, last, estimates, assumptions, seed)
    if acts is not None:
        pre_acts = acts[(acts["start_date"] >= pre_start) & (acts["start_date"] <= pre_end)]
        params = [_value_params(t, None, assumptions) for t in pre_acts["activity_type"]]
        pre_val = _activity_value(pre_acts.reset_index(drop=True), params) if len(pre_acts) \
            else pre_acts.assign(value=[])
        at, ab = _activity_totals(acts_period), _activity_totals(pre_val)
        all_matched = len(acts_period) > 0 and acts_period["estimate"].notna().all()
        if all_matched:
            pc = float(acts_period["planned_cost"].sum())
            pv = float(acts_period["planned_value"].sum())
            plan_a = {"participants": float(acts_period["planned_participants"].sum()),
                      "conversions": float(acts_period["planned_conversions"].sum()),
                      "cost": pc, "roi": _ratio(pv - pc, pc)}
            src = "plan"
        else:
            plan_a, src = ab, "baseline"
            if estimates and len(acts_period):
                notes.append(("Not every activity of the period has an ROI estimate, so the "
                              "activity KPIs compare with the pre-period.",
                              "并非每场活动都有 ROI 估算，活动指标与活动前同期对比。"))
        if not len(acts_period):
            notes.append(("No activity started in the period.", "周期内没有开始的活动。"))
        for key in ("participants", "conversions", "cost", "roi"):
            rows.append(_kpi_row(key, plan_a[key], at[key] if len(acts_period) else
                                 (0.0 if key != "roi" else math.nan), src))
        unused = [k for k in estimates if k not in set(acts_period.get("estimate", []))]
        if unused:
            notes.append((f"ROI estimates without a matching activity in the period: "
                          f"{', '.join(unused)}.",
                          f"以下 ROI 估算在周期内没有对应的活动：{', '.join(unused)}。"))
        history = acts[acts["start_date"] < first]
    else:
        for key in ("participants", "conversions", "cost", "roi"):
            rows.append(_kpi_row(key, math.nan, math.nan, "baseline"))
        notes.append(("No activities table: activity KPIs are n/a.",
                      "未提供活动数据：活动指标无法计算。"))
        history = None
    kpis = pd.DataFrame(rows)

    # ---- the rest
    variance = _variance(view, cur)
    marks = mix.day_marks(pre_start.date(), last.date())
    trends = _trends(view, arts[on_plan], daily, pre_start, daily_reads, marks)
    imp = _impact(view, arts[on_plan], daily) if impact else Impact(
        pd.DataFrame(columns=["metric", "label_en", "label_zh", "actual", "counterfactual",
                              "lift", "low", "high", "relative", "clear", "train_start",
                              "train_end"]),
        pd.DataFrame(columns=["date", "metric", "actual", "counterfactual", "low", "high"]),
        dict(_IMPACT_METHOD), [("Impact not computed.", "未计算活动影响。")])
    leaders = _leaderboard(cur, view)
    wc = _wci_arrays(arts)
    wci = _wci_weeks(view, wc)
    wci_p, wci_b = _wci_window(wc, first, last), _wci_window(wc, pre_start, pre_end)
    cal = Calibration(s0, last.date().isoformat(), CALIBRATION_PRIOR_POSTS,
                      CALIBRATION_PRIOR_ACTIVITIES, _calibrate_content(variance),
                      _calibrate_activities(acts_period, history, estimates))
    recs = _recommend(kpis, variance, acts_period, imp, trends, leaders, cal)
    summary = _summary(view, kpis, imp, wci_p, acts_period, recs, len(cur))
    notes.append((f"Plan values without a target in the plan come from the pre-period "
                  f"{pre_start.date()} – {pre_end.date()}.",
                  f"方案未设目标的指标以活动前同期（{pre_start.date()} 至 {pre_end.date()}）"
                  "为基准。"))
    return CampaignReview(
        start=first.date(), end=view.end.date(), as_of=last.date(), weeks=view.weeks,
        baseline_start=pre_start.date(),
        baseline_end=pre_end.date(), platforms=tuple(view.platforms), kpis=kpis,
        variance=variance, trends=trends, impact=imp, articles=leaders, wci=wci,
        wci_period=wci_p, wci_baseline=wci_b, activities=acts_period,
        schedule=_schedule(view, cur), recommendations=recs, calibrated=cal, summary=summary,
        notes=notes)


# --------------------------------------------------------------------------------------------
# Back-test plan (demos on the sample)
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Team scorecard
# --------------------------------------------------------------------------------------------
@dataclass
class Scorecard:
    """The team appraisal of DOMAIN.md from a review and hand-entered ratings.

    Attributes
    ----------
    parts : one row per part: ``part, label_en, label_zh, weight, score`` (0-100),
        ``weighted`` (weight × score), ``source`` (``"data"`` or ``"manual"``), ``detail``
        (the KPI scores behind a data part, e.g. ``"reads 87; new_follows 100"``).
    total : the weighted total, 0-100.
    kpi_scores : ``{kpi: score}`` of the KPIs used.
    """

    parts: pd.DataFrame
    total: float
    kpi_scores: dict[str, float]

    def to_payload(self) -> dict[str, Any]:
        return {"kind": "team_scorecard", "version": PAYLOAD_VERSION,
                "parts": _records(self.parts), "total": _jsonable(self.total),
                "kpi_scores": _jsonable(self.kpi_scores),
                "weights": dict(SCORECARD_WEIGHTS)}


def _kpi_score(att: float) -> float:
    return 100.0 * min(max(att, 0.0), 1.0) if math.isfinite(att) else math.nan


def _check_score(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or not 0 <= float(value) <= 100:
        en, zh = _PART_LABELS.get(name, (name, name))
        raise InputError(f"The {en.lower()} score must be a number from 0 to 100, not {value!r}.",
                         f"{zh}评分必须是 0 到 100 之间的数字，而不是 {value!r}。",
                         fix="Enter the rating on a 0-100 scale.", fix_zh="请按 0-100 分填写。")
    return float(value)


def scorecard(source: Any, manual: Mapping[str, Any]) -> Scorecard:
    """The team scorecard: account metrics (30 %) and activity results (20 %) from the review,
    collaboration (10 %), ability (20 %), attitude (15 %) and conduct (5 %) by hand.

    A KPI scores ``100 × min(attainment, 1)`` (attainment as in the KPI table: share of plan,
    reversed for "lower is better"); the account part averages :data:`ACCOUNT_KPIS`, the activity
    part :data:`ACTIVITY_KPIS` plus ``manual["satisfaction"]`` when given. A data part with no
    KPI available (e.g. no activities) must be entered by hand as ``manual["account_metrics"]``
    or ``manual["activity_results"]`` (which also override the computed part).

    Parameters
    ----------
    source : a :class:`CampaignReview` or its payload.
    manual : ``{"collaboration", "ability", "attitude", "conduct"}`` ratings 0-100 (and the
        optional keys above).

    Examples
    --------
    >>> card = scorecard(rv, {"collaboration": 90, "ability": 80, "attitude": 85,
    ...                       "conduct": 100})                                  # doctest: +SKIP
    >>> round(card.total, 1)                                                    # doctest: +SKIP
    """
    if isinstance(source, CampaignReview):
        kpis = source.kpis
    elif isinstance(source, Mapping) and source.get("kind") == "campaign_review":
        kpis = pd.DataFrame(source["kpis"])
    else:
        raise InputError("The scorecard needs a campaign review (or its saved payload).",
                         "团队考核需要一份数据复盘结果（或其保存的格式）。",
                         fix="Run review.review first.", fix_zh="请先运行 review.review。")
    if not isinstance(manual, Mapping):
        raise InputError("Enter the hand-rated parts as a mapping.",
                         "请以字典形式填写人工评分部分。")
    allowed = set(MANUAL_PARTS) | {"satisfaction", "account_metrics", "activity_results"}
    unknown = [k for k in manual if k not in allowed]
    if unknown:
        raise InputError(f"Unknown scorecard part {unknown[0]!r}.",
                         f"未知的考核项 {unknown[0]!r}。",
                         fix=f"Use {', '.join(sorted(allowed))}.",
                         fix_zh=f"可用：{', '.join(sorted(allowed))}。")
    missing = [k for k in MANUAL_PARTS if k not in manual]
    if missing:
        labels_zh = "、".join(_PART_LABELS[k][1] for k in missing)
        raise InputError(f"The scorecard needs hand ratings for {', '.join(missing)}.",
                         f"团队考核还需要人工评分：{labels_zh}。",
                         fix="Enter each as a 0-100 score.", fix_zh="请逐项按 0-100 分填写。")
    att = dict(zip(kpis["kpi"], pd.to_numeric(kpis["attainment"], errors="coerce")))
    kpi_scores = {k: _kpi_score(float(att.get(k, math.nan))) for k in
                  ACCOUNT_KPIS + ACTIVITY_KPIS}
    rows = []
    for part in SCORECARD_WEIGHTS:
        en, zh = _PART_LABELS[part]
        if part in MANUAL_PARTS:
            score, src, detail = _check_score(part, manual[part]), "manual", ""
        elif part in manual:
            score, src, detail = _check_score(part, manual[part]), "manual", ""
        else:
            keys = ACCOUNT_KPIS if part == "account_metrics" else ACTIVITY_KPIS
            vals = {k: kpi_scores[k] for k in keys if math.isfinite(kpi_scores[k])}
            if part == "activity_results" and "satisfaction" in manual:
                vals["satisfaction"] = _check_score("satisfaction", manual["satisfaction"])
            if not vals:
                raise InputError(f"The review has no data for the {en.lower()} part.",
                                 f"复盘中没有“{zh}”部分的数据。",
                                 fix=f"Enter it by hand as manual['{part}'] (0-100).",
                                 fix_zh=f"请以 manual['{part}'] 人工填写（0-100 分）。")
            score = float(np.mean(list(vals.values())))
            src = "data"
            detail = "; ".join(f"{k} {_num(v)}" for k, v in vals.items())
        w = SCORECARD_WEIGHTS[part]
        rows.append({"part": part, "label_en": en, "label_zh": zh, "weight": w, "score": score,
                     "weighted": w * score, "source": src, "detail": detail})
    parts = pd.DataFrame(rows)
    return Scorecard(parts, float(parts["weighted"].sum()), kpi_scores)

