"""Content mix (内容配比): what to publish where, how often, and when.

Three steps, three functions:

* :func:`estimate` learns from the articles history what one post of each (platform, content
  type) brings — reads, engagement, shares, follows after reading, conversions — with an 80 %
  interval, how much the headline slot, the weekday and the hour matter, and how fast the n-th
  post of the same type in one week wears out (diminishing returns).
* :func:`plan` chooses integer posts per week for every (platform, type) cell with a
  mixed-integer programme (``scipy.optimize.milp``, HiGHS) under the team's :class:`Constraints`
  and explains in English and Chinese what conflicts when no plan meets every rule.
* :meth:`MixPlan.calendar` puts the weekly plan on dates, times and WeChat push slots, marks
  Chinese public holidays and shopping festivals, tracks each item's review status and exports
  CSV and iCalendar (``.ics``). :func:`frontier` re-solves over the weight between two goals.

How the estimates work
----------------------
Per platform, ``log(1 + reads)`` is modelled as platform mean + content-type effect + slot
effects (WeChat position 1..8; weekday, hour and weekday × hour) + noise, fitted by a few rounds
of backfitting. Every set of effects is shrunk by empirical Bayes: each group mean (a type, a
position, a weekday × hour cell) has the sampling variance ``sigma² / n``; the between-group
variance ``tau²`` is the DerSimonian–Laird method-of-moments estimate, and each group keeps the
share ``tau² / (tau² + sigma²/n)`` of its distance from the precision-weighted mean. A cell of 3
lucky posts is pulled most of the way to the platform mean; a cell of 300 posts barely moves; an
empty cell *is* the platform mean, with a wide interval. Weekday × hour cells shrink towards the
weekday and hour main effects, which shrink towards zero.

Engagement (likes + wows + comments + shares + favourites), shares, follows after reading and
(when the table has them) conversions are modelled as rates per read (a ratio estimator per
cell, shrunk the same way towards the platform's rate); their expected value per post is the
cell's reads times its rate. When there is no ``conversions`` column, conversions are *assumed*
to be ``follows × conversion_rate`` (default :data:`CONVERSION_PER_FOLLOW`, said in the notes).

Expected values are per post *in a typical slot* (slot effects centred on the log scale, mean
of the back-transformed residuals as the smearing factor); the slot multipliers say how much a
headline, a secondary position or a weekday × hour is worth relative to that.

Diminishing returns: the n-th post of the same type on a platform in one week is worth
``decay ** (n - 1)`` of the first. ``decay`` is fitted from the history — within each (platform,
type, week) the residual log reads are regressed on the post's rank that week (week fixed
effects, so festival weeks with many posts do not confound it); per-platform slopes are shrunk
towards the pooled slope — when the pooled slope is clearly below zero (upper end of its 90 %
interval < 0, at least :data:`MIN_DECAY_PAIRS` within-week pairs). Otherwise the assumed
:data:`ASSUMED_DECAY` is used and the notes say so. ``estimate(..., decay=0.8)`` overrides both.

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

Rules (each a named group): team hours, budget, per-platform minimum and maximum posts, push
limits, minimum and maximum share of each content type, persona coverage (at least N posts a
week of the types a persona prefers) and, by default, variety (no type more than half a
platform's posts plus one, so that no type must run back to back in the calendar).

When no plan meets every rule, each group is relaxed on its own with elastic slack variables
(minimise the slack) to find how much it would have to give; every group that can fix the plan
alone is reported with that amount (:class:`Conflict`), e.g. "The minimum posts and other rules
need at least 26 h of work a week; the team has 20 h". If no single group suffices, all groups
are relaxed together and those with slack are reported.

Bad input
---------
A post whose reads are not a count (text, negative, infinite, above :data:`MAX_COUNT`) or whose
publish time is not a date is left out, and the notes say how many; other counts that are not
counts are missing values. A rate per read needs at least one read. Rules are checked before
anything is solved: posts a week are whole numbers up to :data:`MAX_POSTS_PER_WEEK`, hours and
costs per post lie in ranges the solver computes exactly in. Share limits so narrow that no
whole number of posts meets them at any weekly total are found by counting when the solver runs
out of time without a plan.

Examples
--------
>>> from workbench import io, mix
>>> est = mix.estimate(io.sample("articles"))                       # doctest: +SKIP
>>> p = mix.plan(est, mix.Constraints(team_hours=50))               # doctest: +SKIP
>>> p.posts.loc["wechat"].sum(), p.status                           # doctest: +SKIP
(3, 'optimal')
>>> cal = p.calendar("2026-03-02", weeks=4)                         # doctest: +SKIP
>>> ics = cal.to_ics()                                              # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .. import i18n, schemas
from ..errors import InputError, require_columns
from ..export import csv_rows

__all__ = [
    "ACCOUNT_TYPES", "ARTICLES_PER_PUSH", "ASSUMED_DECAY", "CADENCE", "CONVERSION_PER_FOLLOW",
    "Calendar", "CalendarItem", "Conflict", "Constraints", "DEFAULT_COST", "DEFAULT_HOURS",
    "DayMark", "Estimates", "GROUPS", "METRICS", "MIN_HISTORY", "MixPlan", "PLATFORM_COST",
    "PLATFORM_EFFORT",
    "INTEREST_TYPES", "MAX_COST_PER_POST", "MAX_COUNT", "MAX_HOURS_PER_POST",
    "MAX_POSTS_PER_WEEK", "MAX_SE_LOG", "MIN_HOURS_PER_POST", "PUSHES_PER_WEEK", "PersonaTarget",
    "STATUSES", "day_marks", "estimate",
    "frontier", "persona_targets",
    "plan", "qixi",
]

#: What a post brings, in the order used everywhere.
METRICS: tuple[str, ...] = ("reads", "engagement", "shares", "follows", "conversions")
_METRIC_ZH = {"reads": "阅读", "engagement": "互动", "shares": "分享", "follows": "关注",
              "conversions": "转化"}
#: Columns summed into engagement (missing parts count as 0; wows exist on WeChat only).
ENGAGEMENT_PARTS: tuple[str, ...] = ("likes", "wows", "comments", "shares", "favourites")
#: WeChat account types a plan can be for.
ACCOUNT_TYPES: tuple[str, ...] = ("subscription", "service")
#: Review status of a calendar item, in workflow order.
STATUSES: tuple[str, ...] = ("draft", "in_review", "approved", "published")
#: Fewer posts than this and :func:`estimate` refuses: the per-cell numbers would be noise.
MIN_HISTORY = 30
#: Largest count a post's reads, likes, shares ... may have; larger (or negative, infinite, text)
#: is not a count, and the value is left out.
MAX_COUNT = 1e12
#: Most posts a week on one platform a plan may ask for (min or max); Weibo's busiest cadence
#: is a few posts a day.
MAX_POSTS_PER_WEEK = 200
#: Hours one post may take (6 minutes to 1,000 hours); the effort factors multiply them.
MIN_HOURS_PER_POST, MAX_HOURS_PER_POST = 0.1, 1_000.0
#: Most a post may cost (CNY); 0 (free) is allowed, else at least 0.01.
MAX_COST_PER_POST = 1e7
#: Cap on a cell's standard error on the log scale (a factor e⁵ ≈ 150 either way: "we know
#: nothing"), so that a rate estimated from almost nothing cannot overflow the intervals.
MAX_SE_LOG = 5.0
_STATUS_LABELS = {"draft": ("Draft", "草稿"), "in_review": ("In review", "审核中"),
                  "approved": ("Approved", "已通过"), "published": ("Published", "已发布")}

#: Production hours of one post per content type (writing, design, review).
DEFAULT_HOURS: dict[str, float] = {
    "educational": 6.0, "news": 2.0, "interactive": 2.0, "fun": 2.0, "story": 5.0,
    "product": 3.0, "event_report": 3.0,
}
#: Hours multiplier per platform: video platforms cost more to produce for.
PLATFORM_EFFORT: dict[str, float] = {
    "douyin": 1.6, "kuaishou": 1.6, "bilibili": 1.8, "xiaohongshu": 1.2,
}
#: Cash cost of one post per content type (CNY: freelance copy, images, props, licences).
DEFAULT_COST: dict[str, float] = {
    "educational": 400.0, "news": 100.0, "interactive": 200.0, "fun": 250.0, "story": 500.0,
    "product": 350.0, "event_report": 300.0,
}
#: Cost multiplier per platform (video shoots and editing).
PLATFORM_COST: dict[str, float] = {
    "douyin": 2.0, "kuaishou": 2.0, "bilibili": 2.0, "xiaohongshu": 1.3,
}
#: Default (min, max) posts a week per platform, from the cadence norms in DOMAIN.md: an official
#: account publishes 3-5 times a week (articles here: up to two a push on average), Weibo several
#: times a day, short video and Xiaohongshu a few times a week, Zhihu and Bilibili less.
CADENCE: dict[str, tuple[int, int]] = {
    "wechat": (3, 14), "weibo": (5, 21), "douyin": (2, 7), "kuaishou": (2, 7),
    "xiaohongshu": (2, 7), "zhihu": (1, 5), "bilibili": (1, 3), "toutiao": (3, 14),
}
#: Group pushes a week: a subscription account once a day; a service account four a month,
#: planned as one a week.
PUSHES_PER_WEEK: dict[str, int] = {"subscription": 7, "service": 1}
#: Articles a WeChat push may carry (headline + up to seven secondary).
ARTICLES_PER_PUSH = 8
#: Platforms whose posts sit in push positions (headline first).
POSITIONED: tuple[str, ...] = ("wechat",)
#: Value of the n-th post of a type in a week relative to the first, when the history does not
#: show a clear decay.
ASSUMED_DECAY = 0.85
#: Lowest decay a fit may give (guards against a few odd weeks).
DECAY_FLOOR = 0.5
#: Within-week pairs the pooled decay fit needs before it is trusted.
MIN_DECAY_PAIRS = 30
#: Share of new followers assumed to take the target action when no conversions are recorded.
CONVERSION_PER_FOLLOW = 0.05
#: Weekday × hour cells need this many posts to be a candidate calendar slot.
MIN_SLOT_POSTS = 3
#: Hours used when a platform has no timing history.
DEFAULT_POST_HOURS: tuple[int, ...] = (20, 12, 21, 8, 18, 19, 22, 10, 15)
TIMEZONE = "Asia/Shanghai"
_Z80 = 1.2815515655446004      # standard normal 90th percentile: 80 % two-sided intervals
_Z90_ONE_SIDED = 1.6448536269514722
_BACKFIT_ROUNDS = 4
_DFS_NODES = 20_000
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _num(x: float, digits: int = 1) -> str:
    """``26`` for 26.0, ``25.5`` for 25.5, thousands separated."""
    if x is None or not math.isfinite(x):
        return "–"
    r = round(float(x), digits)
    return f"{r:,.0f}" if abs(r - round(r)) < 1e-9 else f"{r:,.{digits}f}"


def _pct(share: float) -> str:
    return f"{_num(100 * share)} %"


def _plat(p: str, lang: str) -> str:
    return i18n.level("platform", p, lang)


def _type(c: str, lang: str) -> str:
    return i18n.level("content_type", c, lang)


def _dl(est: np.ndarray, var: np.ndarray
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Empirical Bayes (DerSimonian–Laird): shrink estimates towards their weighted mean.

    Parameters
    ----------
    est, var : group estimates and their sampling variances (NaN or inf: no data).

    Returns
    -------
    shrunk, post_var, own : the shrunk estimates, their posterior variances and the weight each
        kept on its own estimate (0 for groups without data, which get the prior mean).
    prior, tau2 : the random-effects mean and the between-group variance.

    Examples
    --------
    >>> s, v, own, prior, tau2 = _dl(np.array([0.0, 0.0, 3.0]), np.array([0.01, 0.01, 1.0]))
    >>> bool(own[2] < own[0]), round(prior, 2) < 1
    (True, True)
    """
    est = np.asarray(est, float)
    var = np.maximum(np.asarray(var, float), 1e-12)
    ok = np.isfinite(est) & np.isfinite(var)
    shrunk = np.zeros_like(est)
    post = np.zeros_like(est)
    own = np.zeros_like(est)
    if not ok.any():
        return shrunk, post, own, 0.0, 0.0
    e, v = est[ok], var[ok]
    w = 1.0 / v
    mean_w = float((w * e).sum() / w.sum())
    tau2 = 0.0
    if ok.sum() >= 2:
        q = float((w * (e - mean_w) ** 2).sum())
        denom = float(w.sum() - (w ** 2).sum() / w.sum())
        if denom > 0:
            tau2 = max(0.0, (q - (ok.sum() - 1)) / denom)
    ws = 1.0 / (v + tau2)
    prior = float((ws * e).sum() / ws.sum())
    var_prior = float(1.0 / ws.sum())
    b = tau2 / (tau2 + v)
    shrunk[ok] = prior + b * (e - prior)
    post[ok] = b * v + (1 - b) ** 2 * var_prior
    own[ok] = b
    shrunk[~ok] = prior
    post[~ok] = tau2 + var_prior
    return shrunk, post, own, prior, tau2


def _group_eb(values: np.ndarray, codes: np.ndarray, n_groups: int, sigma2: float | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Shrunk group means of ``values`` (codes ``-1`` ignored).

    Returns shrunk means, posterior variances, own weights, counts and the pooled within-group
    variance ``sigma2`` (estimated when ``None``).
    """
    use = codes >= 0
    c = codes[use]
    v = values[use]
    n = np.bincount(c, minlength=n_groups).astype(float)
    sums = np.bincount(c, weights=v, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    if sigma2 is None:
        j = int((n > 0).sum())
        resid = v - means[c]
        dof = len(v) - j
        if dof > 0:
            sigma2 = float((resid ** 2).sum() / dof)
        elif len(v) > 1:
            sigma2 = float(np.var(v, ddof=1))
        else:
            sigma2 = 1.0
        sigma2 = max(sigma2, 1e-6)
    with np.errstate(divide="ignore"):
        var = np.where(n > 0, sigma2 / np.maximum(n, 1), np.inf)
    shrunk, post, own, _, _ = _dl(means, var)
    return shrunk, post, own, n, sigma2


def _centre(effect: np.ndarray, counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return effect - (effect * counts).sum() / total if total > 0 else effect


# --------------------------------------------------------------------------------------------
# Estimates
# --------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Estimates:
    """What one post of each (platform, content type) brings, learnt from the history.

    Attributes
    ----------
    cells : tidy table, one row per (platform, content_type, metric): ``posts`` in the history,
        ``raw_mean`` (the plain average per post, slot mix as it was), ``mean`` (shrunk, per post
        in a typical slot; the week's first post of the type when the decay was fitted from the
        history, since later ones are worth ``decay ** (n - 1)`` of it), ``low``/``high``
        (80 % interval of that mean), ``se_log`` (its standard error on the log scale),
        ``shrinkage`` (how far the cell was pulled to the platform mean: 0 = kept its own
        value, 1 = the platform mean; for rates, the rate's).
    positions : platform, position (1 = headline), posts, ``raw_multiplier``, ``multiplier``
        (shrunk; reads relative to a typical slot).
    timing : platform, weekday (0 = Monday), hour, posts, ``multiplier`` (shrunk towards the
        weekday and hour main effects), for every hour the platform has published at.
    decay : platform, ``decay`` used, ``source`` (``"history"``, ``"assumed"``, ``"given"``),
        ``fitted`` (the platform's own fit, before shrinkage), ``se`` (of its log), ``pairs``.
    platforms : platform, posts, weeks of history, posts_per_week, ``mean_reads`` (a typical
        post), ``log_sd`` (post-to-post noise of log reads), ``tau`` (spread of type effects).
    reference : what a typical historical week delivered per metric (all platforms): the scale
        that normalises the plan's objective.
    conversion_rate : the assumed conversions per follow, or ``None`` when conversions were
        recorded in the articles.
    decay_fitted : whether the decay came from the history.
    notes : ``(en, zh)`` pairs: assumptions and data caveats.

    Examples
    --------
    >>> est = estimate(io.sample("articles"))                                # doctest: +SKIP
    >>> round(est.table("reads").loc["wechat", "educational"])               # doctest: +SKIP
    5893
    """

    cells: pd.DataFrame
    positions: pd.DataFrame
    timing: pd.DataFrame
    decay: pd.DataFrame
    platforms: pd.DataFrame
    reference: dict[str, float]
    conversion_rate: float | None
    decay_fitted: bool
    notes: list[tuple[str, str]]
    # dense arrays for the solver: platform × type × metric
    _platforms: tuple[str, ...] = field(default=(), repr=False)
    _mean: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)), repr=False)
    _se_log: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)), repr=False)
    _posts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    _log_sd: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    _slots: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False)
    _decay: dict[str, float] = field(default_factory=dict, repr=False)
    _slot_cache: dict[str, Any] | None = field(default=None, repr=False)

    def mean(self, platform: str, content_type: str, metric: str = "reads") -> float:
        """Shrunk expected ``metric`` of one post of ``content_type`` on ``platform``."""
        p = self._platform_index(platform)
        if content_type not in schemas.CONTENT_TYPES or metric not in METRICS:
            raise InputError(f"Unknown content type or metric: {content_type!r}, {metric!r}.",
                             f"未知的内容类型或指标：{content_type!r}、{metric!r}。")
        return float(self._mean[p, schemas.CONTENT_TYPES.index(content_type),
                                METRICS.index(metric)])

    def table(self, metric: str = "reads", value: str = "mean") -> pd.DataFrame:
        """Wide platform × content type table of one ``value`` column for ``metric``."""
        if metric not in METRICS:
            raise InputError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.",
                             f"未知指标 {metric!r}；可选：{', '.join(METRICS)}。")
        sub = self.cells[self.cells["metric"] == metric]
        out = sub.pivot(index="platform", columns="content_type", values=value)
        return out.reindex(index=list(self._platforms), columns=list(schemas.CONTENT_TYPES))

    def slot_multipliers(self, platform: str) -> tuple[float, float]:
        """``(headline, secondary)`` reads multipliers of a push platform; ``(1, 1)`` elsewhere."""
        return self._slots.get(platform, (1.0, 1.0))

    def decay_for(self, platform: str) -> float:
        """The diminishing-returns factor of ``platform`` (value of post n+1 / post n)."""
        return self._decay.get(platform, ASSUMED_DECAY)

    def best_slots(self, platform: str, n: int | None = None) -> pd.DataFrame:
        """Weekday × hour slots of ``platform`` with enough history, best multiplier first."""
        t = self.timing[self.timing["platform"] == platform]
        good = t[t["posts"] >= MIN_SLOT_POSTS]
        t = good if len(good) else t[t["posts"] > 0]
        t = t.sort_values(["multiplier", "weekday", "hour"], ascending=[False, True, True])
        return t.head(n).reset_index(drop=True) if n else t.reset_index(drop=True)

    def _platform_index(self, platform: str) -> int:
        try:
            return self._platforms.index(platform)
        except ValueError:
            raise InputError(
                f"There is no history for {_plat(platform, 'en')} ({platform}).",
                f"没有 {_plat(platform, 'zh')}（{platform}）的历史数据。",
                fix="Load its articles or remove it from the plan's platforms.",
                fix_zh="请导入该平台的文章数据，或从计划的平台中移除它。") from None

    def _slot_payload(self) -> dict[str, Any]:
        """What a calendar needs from the history, as plain JSON types (computed once)."""
        if self._slot_cache is not None:
            return self._slot_cache
        out: dict[str, Any] = {}
        for p in self._platforms:
            best = self.best_slots(p)
            t = self.timing[self.timing["platform"] == p]
            hours = (t.groupby("hour")["posts"].sum().sort_values(ascending=False))
            out[p] = {
                "slots": [[int(r.weekday), int(r.hour), round(float(r.multiplier), 4)]
                          for r in best.itertuples()],
                "hours": [int(h) for h, n in hours.items() if n > 0],
                "headline": round(self._slots.get(p, (1.0, 1.0))[0], 4),
                "secondary": round(self._slots.get(p, (1.0, 1.0))[1], 4),
            }
        self._slot_cache = out
        return out


def _counts(s: pd.Series) -> np.ndarray:
    """A count column as float: NaN where it is not a count (text, negative, infinite, above
    :data:`MAX_COUNT`)."""
    x = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    return np.where((x >= 0) & (x <= MAX_COUNT), x, np.nan)


def _metric_frame(df: pd.DataFrame, conversions: bool) -> np.ndarray:
    """``(n, 5)`` float per-post metrics (NaN where not recorded or not a count); conversions
    NaN if absent."""
    n = len(df)
    out = np.full((n, len(METRICS)), np.nan)
    out[:, 0] = _counts(df["reads"])
    parts = [_counts(df[c]) for c in ENGAGEMENT_PARTS if c in df.columns]
    if parts:
        stack = np.column_stack(parts)
        out[:, 1] = np.where(np.isnan(stack).all(axis=1), np.nan, np.nansum(stack, axis=1))
    if "shares" in df.columns:
        out[:, 2] = _counts(df["shares"])
    if "follows_after_read" in df.columns:
        out[:, 3] = _counts(df["follows_after_read"])
    if conversions:
        out[:, 4] = _counts(df["conversions"])
    return out


def _check_articles(articles: Any) -> tuple[pd.DataFrame, int]:
    """The usable posts (publish time a date, platform and content type known, reads a count),
    publish time as datetimes and position as numbers; and how many posts were left out
    because their reads or publish time could not be read."""
    require_columns(articles, "articles", ("publish_time", "platform", "content_type", "reads"))
    df = articles[articles["platform"].notna() & articles["content_type"].notna()
                  & articles["reads"].notna() & articles["publish_time"].notna()]
    df = df[df["content_type"].astype(str).isin(schemas.CONTENT_TYPES)
            & df["platform"].astype(str).isin(schemas.PLATFORMS)].copy()
    times = df["publish_time"]
    if not pd.api.types.is_datetime64_any_dtype(times):
        with warnings.catch_warnings():           # text: parsed one by one, unreadable → NaT
            warnings.simplefilter("ignore", UserWarning)
            times = pd.to_datetime(times, errors="coerce")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    df["publish_time"] = times
    if "position" in df.columns:
        df["position"] = pd.to_numeric(df["position"], errors="coerce")
    ok = df["publish_time"].notna().to_numpy() & ~np.isnan(_counts(df["reads"]))
    dropped = int((~ok).sum())
    df = df[ok]
    if df.empty:
        raise InputError("The articles table has no usable posts (platform, content type, "
                         "publish time and reads all filled in, reads a count of 0 or more).",
                         "文章数据中没有可用的发文记录（平台、内容类型、发表时间和阅读数都需要填写，"
                         "阅读数须为不小于 0 的数）。",
                         fix="Check the file, or use the sample data.",
                         fix_zh="请检查文件，或使用示例数据。")
    return df, dropped


def _fit_platform(y: np.ndarray, cell: np.ndarray, pos: np.ndarray, wd: np.ndarray,
                  hr: np.ndarray, positioned: bool, rank: np.ndarray, group: np.ndarray,
                  slope: float | None = None) -> dict[str, Any]:
    """Backfit type, position, timing and rank effects of one platform's log reads.

    Type, position and timing effects are shrunk (empirical Bayes). ``rank`` is the post's
    order (0, 1, ...) among same-type posts of its week and ``group`` codes that (type, week);
    the rank slope is the within-week regression slope (week fixed effects) when ``slope`` is
    ``None``, else fixed at ``slope``. Type effects are then those of the week's first post.
    """
    n_types = len(schemas.CONTENT_TYPES)
    mu = float(y.mean())
    a = np.zeros(n_types)
    p_eff = np.zeros(ARTICLES_PER_PUSH)
    w_eff = np.zeros(7)
    h_eff = np.zeros(24)
    i_eff = np.zeros(7 * 24)
    wh = wd * 24 + hr
    pos_codes = pos if positioned else np.full_like(pos, -1)
    a_post = np.zeros(n_types)
    a_own = np.zeros(n_types)
    counts = np.zeros(n_types)
    sigma2 = 1.0
    p_raw = np.zeros(ARTICLES_PER_PUSH)
    p_n = np.zeros(ARTICLES_PER_PUSH)
    n_groups = int(group.max()) + 1 if len(group) else 0
    g_n = np.bincount(group, minlength=n_groups).astype(float)
    k_t = rank - (np.bincount(group, weights=rank, minlength=n_groups) / np.maximum(g_n, 1))[group]
    sxx = float((k_t * k_t).sum())
    pairs = float(len(y) - (g_n > 0).sum())
    b = 0.0 if slope is None else float(slope)
    rss = 0.0
    for _ in range(_BACKFIT_ROUNDS):
        yk = y - b * rank
        pe = np.where(pos_codes >= 0, p_eff[np.maximum(pos_codes, 0)], 0.0)
        t = w_eff[wd] + h_eff[hr] + i_eff[wh]
        a, a_post, a_own, counts, sigma2 = _group_eb(yk - mu - pe - t, cell, n_types)
        if positioned and (pos_codes >= 0).any():
            r = yk - mu - a[cell] - t
            p_eff, _, _, p_n, _ = _group_eb(r, pos_codes, ARTICLES_PER_PUSH)
            with np.errstate(invalid="ignore"):
                p_raw = np.bincount(np.maximum(pos_codes, 0),
                                    weights=np.where(pos_codes >= 0, r, 0),
                                    minlength=ARTICLES_PER_PUSH) / np.maximum(p_n, 1)
            shift = (p_eff * p_n).sum() / max(p_n.sum(), 1)
            p_eff = p_eff - shift
            p_raw = p_raw - shift
            pe = np.where(pos_codes >= 0, p_eff[np.maximum(pos_codes, 0)], 0.0)
        base = yk - mu - a[cell] - pe
        w_eff, _, _, w_n, _ = _group_eb(base - h_eff[hr] - i_eff[wh], wd, 7)
        w_eff = _centre(w_eff, w_n)
        h_eff, _, _, h_n, _ = _group_eb(base - w_eff[wd] - i_eff[wh], hr, 24)
        h_eff = _centre(h_eff, h_n)
        i_eff, _, _, i_n, _ = _group_eb(base - w_eff[wd] - h_eff[hr], wh, 7 * 24)
        i_eff = np.where(i_n > 0, i_eff, 0.0)
        i_eff = _centre(i_eff, i_n)
        # rank slope, within (type, week): regress the rest of the model's residual on rank
        r = y - mu - a[cell] - pe - (w_eff[wd] + h_eff[hr] + i_eff[wh])
        r_t = r - (np.bincount(group, weights=r, minlength=n_groups) / np.maximum(g_n, 1))[group]
        b_free = float((k_t * r_t).sum() / sxx) if sxx > 0 else 0.0
        rss = float(((r_t - b_free * k_t) ** 2).sum())
        if slope is None:
            b = b_free
    pe = np.where(pos_codes >= 0, p_eff[np.maximum(pos_codes, 0)], 0.0)
    t = w_eff[wd] + h_eff[hr] + i_eff[wh]
    resid = y - b * rank - mu - a[cell] - pe - t
    return {
        "mu": mu, "a": a, "a_post": a_post, "a_own": a_own, "counts": counts, "sigma2": sigma2,
        "p_eff": p_eff, "p_raw": p_raw, "p_n": p_n, "w": w_eff, "h": h_eff,
        "i": i_eff.reshape(7, 24), "resid": resid, "smear": float(np.mean(np.exp(resid))),
        "b": b_free, "sxx": sxx, "rss": rss, "pairs": pairs,
    }


def _rate_eb(metric: np.ndarray, reads: np.ndarray, cell: np.ndarray, n_types: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shrunk per-read rates of one metric per cell: (rate, posterior sd, own weight).

    A cell needs at least one read in all for a rate (fractions of a read, which no export
    has, would make it astronomically large)."""
    ok = ~np.isnan(metric) & ~np.isnan(reads)
    if not ok.any() or reads[ok].sum() < 1:
        z = np.zeros(n_types)
        return z, z, z
    m, r, c = metric[ok], reads[ok], cell[ok]
    sum_m = np.bincount(c, weights=m, minlength=n_types)
    sum_r = np.bincount(c, weights=r, minlength=n_types)
    sum_r2 = np.bincount(c, weights=r * r, minlength=n_types)
    n = np.bincount(c, minlength=n_types)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(sum_r >= 1, sum_m / np.maximum(sum_r, 1), np.nan)
    resid = m - np.nan_to_num(rate)[c] * r
    j = int((sum_r >= 1).sum())
    dof = max(len(m) - j, 1)
    phi = float((resid ** 2).sum() / max((r * r).sum(), 1e-12)) * len(m) / dof
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where((sum_r >= 1) & (n > 0), phi * sum_r2 / np.maximum(sum_r, 1) ** 2, np.inf)
    shrunk, post, own, _, _ = _dl(rate, var)
    return np.maximum(shrunk, 0.0), np.sqrt(post), own


def estimate(articles: pd.DataFrame, *, conversion_rate: float = CONVERSION_PER_FOLLOW,
             decay: float | Mapping[str, float] | None = None) -> Estimates:
    """Expected outcome of one post per (platform, content type), slot effects and decay.

    Parameters
    ----------
    articles : canonical articles table (:func:`workbench.io.load` / ``io.sample("articles")``):
        ``publish_time, platform, content_type, reads`` at least; engagement parts, ``shares``,
        ``follows_after_read``, ``position`` and ``conversions`` are used when present.
    conversion_rate : conversions per follow after reading, used only when the table has no
        ``conversions`` column (the estimate is then ``follows × conversion_rate``).
    decay : the diminishing-returns factor (value of a type's post n+1 in a week relative to
        post n), one number for every platform or a mapping per platform; ``None`` fits it from
        the history (or falls back to :data:`ASSUMED_DECAY`, see the module notes).

    Returns
    -------
    Estimates

    Raises
    ------
    InputError
        If ``articles`` is not a table, lacks the needed columns or has no usable row, or a
        parameter is out of range.

    Examples
    --------
    >>> est = estimate(io.sample("articles"))                                    # doctest: +SKIP
    >>> round(est.decay_for("wechat"), 2), est.slot_multipliers("wechat")[0] > 1 # doctest: +SKIP
    (0.85, True)
    """
    df, dropped = _check_articles(articles)
    if not (isinstance(conversion_rate, (int, float)) and 0 <= conversion_rate <= 1):
        raise InputError(f"The conversion rate must be between 0 and 1, not {conversion_rate!r}.",
                         f"转化率必须在 0 到 1 之间，而不是 {conversion_rate!r}。")
    decays_given: dict[str, float] = {}
    if decay is not None:
        items = decay.items() if isinstance(decay, Mapping) else (("*", decay),)
        for key, value in items:
            if not (isinstance(value, (int, float)) and 0 < float(value) <= 1):
                raise InputError(f"The decay must be in (0, 1], not {value!r}.",
                                 f"递减系数必须在 (0, 1] 之间，而不是 {value!r}。",
                                 fix="Use e.g. 0.85: the second post of a type in a week is "
                                     "worth 85 % of the first.",
                                 fix_zh="例如 0.85：同一周同类型的第二篇价值为第一篇的 85%。")
            decays_given[str(key)] = float(value)
    if len(df) < MIN_HISTORY:
        raise InputError(
            f"Too little history to estimate what a post brings: {len(df)} posts with reads "
            f"(at least {MIN_HISTORY} are needed, better a few months).",
            f"历史数据太少，无法估计每篇内容的效果：只有 {len(df)} 篇有阅读数据（至少需要 "
            f"{MIN_HISTORY} 篇，最好有几个月的数据）。",
            fix="Export a longer period of the published-content list (已通知内容).",
            fix_zh="请导出更长时间段的“已通知内容”列表。")
    notes: list[tuple[str, str]] = []
    if dropped:
        notes.append((f"{dropped} posts left out: their reads are not a count (negative, "
                      "infinite or text) or their publish time is not a date.",
                      f"{dropped} 篇内容未计入：阅读数不是有效数字（负数、无穷大或文字），"
                      "或发表时间不是日期。"))
    has_conv = "conversions" in df.columns and not np.isnan(_counts(df["conversions"])).all()
    df = df.sort_values(["publish_time", "position"] if "position" in df.columns
                        else ["publish_time"], kind="stable", na_position="last")
    plat = df["platform"].astype(str).to_numpy()
    ctype = df["content_type"].astype(str).to_numpy()
    types = schemas.CONTENT_TYPES
    n_types = len(types)
    type_idx = {c: i for i, c in enumerate(types)}
    cell = np.array([type_idx[c] for c in ctype], np.int64)
    metrics = _metric_frame(df, has_conv)
    times = pd.to_datetime(df["publish_time"])
    wd = times.dt.day_of_week.to_numpy(np.int64)
    hr = times.dt.hour.to_numpy(np.int64)
    if "position" in df.columns:
        pos = pd.to_numeric(df["position"], errors="coerce").to_numpy(float, na_value=np.nan)
        pos = np.where(np.isnan(pos), -1, np.clip(pos, 1, ARTICLES_PER_PUSH) - 1).astype(np.int64)
    else:
        pos = np.full(len(df), -1, np.int64)
    week = times.dt.to_period("W-SUN").astype(str).to_numpy()
    # order among same-type posts of the platform's week (0 = first), and that (type, week)
    key = pd.Series(plat, dtype=object) + "|" + pd.Series(ctype, dtype=object) + "|" + week
    group_all = pd.factorize(key)[0].astype(np.int64)
    rank = pd.Series(group_all).groupby(group_all).cumcount().to_numpy(float)
    order = [p for p in schemas.PLATFORMS if p in set(plat)]
    n_p = len(order)

    def fit_of(p: str, slope: float | None) -> dict[str, Any]:
        rows = plat == p
        y = np.log1p(np.maximum(metrics[rows, 0], 0))
        positioned = p in POSITIONED and (pos[rows] >= 0).sum() >= 10
        g = pd.factorize(group_all[rows])[0].astype(np.int64)
        out = _fit_platform(y, cell[rows], pos[rows], wd[rows], hr[rows], positioned,
                            rank[rows], g, slope)
        out["positioned"] = positioned
        return out

    # diminishing returns: pass 1 fits the rank slope freely per platform (week fixed effects)
    free = {p: fit_of(p, None) for p in order}
    sxx_all = sum(f["sxx"] for f in free.values())
    pairs_all = sum(f["pairs"] for f in free.values())
    b_all = sum(f["b"] * f["sxx"] for f in free.values()) / sxx_all if sxx_all > 0 else 0.0
    rss_all = sum(f["rss"] for f in free.values())
    se_all = math.sqrt(rss_all / max(pairs_all - 1, 1) / sxx_all) if sxx_all > 0 else math.inf
    upper = b_all + _Z90_ONE_SIDED * se_all
    decay_fitted = pairs_all >= MIN_DECAY_PAIRS and upper < 0
    per_b = np.array([free[p]["b"] if free[p]["sxx"] > 0 else np.nan for p in order])
    per_se = np.array([math.sqrt(free[p]["rss"] / max(free[p]["pairs"] - 1, 1) / free[p]["sxx"])
                       if free[p]["sxx"] > 0 else math.inf for p in order])
    shrunk_b = _dl(per_b, per_se ** 2)[0] if decay_fitted else np.zeros(n_p)
    decay_rows: list[dict[str, Any]] = []
    decays: dict[str, float] = {}
    slope_of: dict[str, float] = {}
    for pi, p in enumerate(order):
        slope_of[p] = 0.0
        if p in decays_given or "*" in decays_given:
            value, source = decays_given.get(p, decays_given.get("*", ASSUMED_DECAY)), "given"
        elif decay_fitted:
            value = float(np.clip(math.exp(min(shrunk_b[pi], 0.0)), DECAY_FLOOR, 1.0))
            source = "history"
            slope_of[p] = math.log(value)
        else:
            value, source = ASSUMED_DECAY, "assumed"
        decays[p] = value
        decay_rows.append({"platform": p, "decay": value, "source": source,
                           "fitted": math.exp(per_b[pi]) if np.isfinite(per_b[pi]) else np.nan,
                           "se": float(per_se[pi]), "pairs": int(free[p]["pairs"])})

    mean = np.zeros((n_p, n_types, len(METRICS)))
    se_log = np.zeros((n_p, n_types, len(METRICS)))
    posts = np.zeros((n_p, n_types))
    log_sd = np.zeros(n_p)
    cell_rows: list[dict[str, Any]] = []
    pos_rows: list[dict[str, Any]] = []
    timing_rows: list[dict[str, Any]] = []
    plat_rows: list[dict[str, Any]] = []
    slots: dict[str, tuple[float, float]] = {}
    for pi, p in enumerate(order):
        rows = plat == p
        positioned = free[p]["positioned"]
        # pass 2: type, slot and timing effects with the rank slope fixed at the decay used
        # (history), or at 0 (assumed or given: the cell levels are then the average post's)
        fit = fit_of(p, slope_of[p])
        sd = float(np.std(fit["resid"]))
        log_sd[pi] = sd
        counts = fit["counts"]
        posts[pi] = counts
        level = fit["mu"] + fit["a"]
        reads_mean = np.maximum(np.exp(level) * fit["smear"] - 1, 0)
        reads_se = np.sqrt(fit["a_post"])
        span_days = (times[rows].max() - times[rows].min()).days + 1
        weeks = max(span_days / 7.0, 1.0)
        # rates of the other metrics
        rates = {}
        for mi, m in enumerate(METRICS[1:], start=1):
            if m == "conversions" and not has_conv:
                continue
            rates[m] = _rate_eb(metrics[rows, mi], metrics[rows, 0], cell[rows], n_types)
        mean[pi, :, 0] = reads_mean
        se_log[pi, :, 0] = reads_se
        for mi, m in enumerate(METRICS[1:], start=1):
            if m in rates:
                rate, rate_sd, _ = rates[m]
                mean[pi, :, mi] = reads_mean * rate
                with np.errstate(invalid="ignore", divide="ignore"):
                    rel = np.where(rate > 0, rate_sd / np.maximum(rate, 1e-300), 0.0)
                se_log[pi, :, mi] = np.sqrt(reads_se ** 2 + rel ** 2)
        if not has_conv:
            mean[pi, :, 4] = mean[pi, :, 3] * conversion_rate
            se_log[pi, :, 4] = se_log[pi, :, 3]
        se_log[pi] = np.fmin(se_log[pi], MAX_SE_LOG)       # NaN (no information) → the cap
        for ci, c in enumerate(types):
            in_cell = rows & (cell == ci)
            for mi, m in enumerate(METRICS):
                vals = metrics[in_cell, mi]
                if m == "conversions" and not has_conv:
                    vals = metrics[in_cell, 3] * conversion_rate
                vals = vals[~np.isnan(vals)]
                mu_m = float(mean[pi, ci, mi])
                s = float(se_log[pi, ci, mi])
                if m == "reads":
                    shrink = 1.0 - float(fit["a_own"][ci])
                elif m in rates:
                    shrink = 1.0 - float(rates[m][2][ci])
                else:
                    shrink = 1.0 - float(rates.get("follows", (0, 0, np.zeros(n_types)))[2][ci])
                cell_rows.append({
                    "platform": p, "content_type": c, "metric": m, "posts": int(counts[ci]),
                    "raw_mean": float(vals.mean()) if len(vals) else np.nan,
                    "mean": mu_m, "low": mu_m * math.exp(-_Z80 * s),
                    "high": mu_m * math.exp(_Z80 * s), "se_log": s, "shrinkage": shrink,
                })
        # positions
        if positioned:
            mult = np.exp(fit["p_eff"])
            for k in range(ARTICLES_PER_PUSH):
                if fit["p_n"][k] > 0:
                    pos_rows.append({"platform": p, "position": k + 1, "posts": int(fit["p_n"][k]),
                                     "raw_multiplier": float(np.exp(fit["p_raw"][k])),
                                     "multiplier": float(mult[k])})
            sec_n = fit["p_n"][1:]
            head = float(mult[0])
            sec = float((mult[1:] * sec_n).sum() / sec_n.sum()) if sec_n.sum() > 0 else head
            slots[p] = (head, sec)
        # timing grid over the hours this platform publishes at
        hours_seen = np.unique(hr[rows])
        n_wh = np.bincount(wd[rows] * 24 + hr[rows], minlength=7 * 24).reshape(7, 24)
        eff = fit["w"][:, None] + fit["h"][None, :] + fit["i"]
        for w_ in range(7):
            for h_ in hours_seen:
                timing_rows.append({"platform": p, "weekday": w_, "hour": int(h_),
                                    "posts": int(n_wh[w_, h_]),
                                    "multiplier": float(np.exp(eff[w_, h_]))})
        plat_rows.append({
            "platform": p, "posts": int(rows.sum()), "weeks": weeks,
            "posts_per_week": float(rows.sum() / weeks),
            "mean_reads": float(np.exp(fit["mu"] + float((fit["a"] * counts).sum()
                                                          / max(counts.sum(), 1)))
                                * fit["smear"] - 1),
            "log_sd": sd, "tau": float(np.sqrt(np.var(fit["a"][counts > 0]))) if (counts > 0).any()
            else 0.0,
        })
        if (counts < 5).any():
            thin = [c for ci, c in enumerate(types) if counts[ci] < 5]
            notes.append((f"{_plat(p, 'en')}: thin history for "
                          f"{', '.join(i18n.level('content_type', c, 'en') for c in thin)} (fewer "
                          "than 5 posts); their estimates lean on the platform average.",
                          f"{_plat(p, 'zh')}："
                          f"{'、'.join(i18n.level('content_type', c, 'zh') for c in thin)} 的历史"
                          "不足 5 篇，估计值主要参考该平台的平均水平。"))

    if not has_conv:
        notes.append((f"No conversions column: conversions are assumed to be follows after "
                      f"reading × {conversion_rate:g}.",
                      f"数据中没有转化列：转化按 阅读后关注 × {conversion_rate:g} 估算。"))
    pooled = {"b": b_all, "se": se_all, "pairs": pairs_all}
    lo = math.exp(pooled["b"] - _Z90_ONE_SIDED * pooled["se"]) if np.isfinite(pooled["se"]) else 0
    hi = math.exp(upper) if np.isfinite(upper) else math.inf
    fitted_text = (f"pooled fit {math.exp(pooled['b']):.3f} (90 % interval {lo:.3f}–{hi:.3f}, "
                   f"{int(pooled['pairs'])} within-week pairs)")
    fitted_zh = (f"历史拟合 {math.exp(pooled['b']):.3f}（90% 区间 {lo:.3f}–{hi:.3f}，"
                 f"{int(pooled['pairs'])} 对同周文章）")
    if decays_given:
        notes.append((f"Diminishing returns: decay given by the planner ({fitted_text}).",
                      f"边际递减：衰减系数由策划人给定（{fitted_zh}）。"))
    elif decay_fitted:
        notes.append((f"Diminishing returns fitted from the history: {fitted_text}; per "
                      "platform shrunk towards it.",
                      f"边际递减由历史数据拟合：{fitted_zh}；各平台向其收缩。"))
    else:
        notes.append((f"Diminishing returns assumed at {ASSUMED_DECAY:g} a post: the history "
                      f"shows no clear decay ({fitted_text}).",
                      f"边际递减假定为每多发一篇 ×{ASSUMED_DECAY:g}：历史数据看不出明显衰减"
                      f"（{fitted_zh}）。"))

    cells = pd.DataFrame(cell_rows)
    for col in ("platform", "content_type", "metric"):
        levels = {"platform": order, "content_type": types, "metric": METRICS}[col]
        cells[col] = pd.Categorical(cells[col], categories=list(levels))
    positions = pd.DataFrame(pos_rows, columns=["platform", "position", "posts",
                                                "raw_multiplier", "multiplier"])
    timing = pd.DataFrame(timing_rows, columns=["platform", "weekday", "hour", "posts",
                                                "multiplier"])
    platforms = pd.DataFrame(plat_rows)
    ppw = posts / platforms["weeks"].to_numpy()[:, None]
    reference = {m: float((ppw * mean[:, :, mi]).sum()) for mi, m in enumerate(METRICS)}
    return Estimates(
        cells=cells, positions=positions, timing=timing, decay=pd.DataFrame(decay_rows),
        platforms=platforms, reference=reference,
        conversion_rate=None if has_conv else float(conversion_rate),
        decay_fitted=bool(decay_fitted and not decays_given), notes=notes,
        _platforms=tuple(order), _mean=mean, _se_log=se_log, _posts=posts, _log_sd=log_sd,
        _slots=slots, _decay=decays,
    )


# --------------------------------------------------------------------------------------------
# Constraints
# --------------------------------------------------------------------------------------------
@dataclass
class PersonaTarget:
    """A target persona the weekly plan must serve.

    Attributes
    ----------
    name, name_zh : the persona's name (shown in conflict messages).
    content_types : the content types it prefers.
    min_posts : at least this many posts a week of those types.
    platforms : where those posts count (empty: every platform of the plan).

    Examples
    --------
    >>> PersonaTarget("Students", ("educational", "fun"), 4, name_zh="学生党").min_posts
    4
    """

    name: str
    content_types: tuple[str, ...]
    min_posts: int
    platforms: tuple[str, ...] = ()
    name_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "name_zh": self.name_zh,
                "content_types": list(self.content_types), "min_posts": int(self.min_posts),
                "platforms": list(self.platforms)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "PersonaTarget":
        return cls(str(d["name"]), tuple(d["content_types"]), int(d["min_posts"]),
                   tuple(d.get("platforms", ())), str(d.get("name_zh", "")))


def _default_weights() -> dict[str, float]:
    return {"reads": 1.0, "engagement": 1.0, "follows": 1.0, "conversions": 1.0}


@dataclass
class Constraints:
    """What the team can and must publish in a week; every field has a sensible default.

    Attributes
    ----------
    account_type : the WeChat account, ``"subscription"`` (one push a day) or ``"service"``
        (four pushes a month, planned as one a week).
    platforms : platforms the plan covers.
    content_types : content types the team produces.
    team_hours : production hours available a week.
    hours : hours per post by content type (:data:`DEFAULT_HOURS` for types not given).
    platform_effort : hours multiplier per platform (:data:`PLATFORM_EFFORT`; 1 when absent).
    budget : CNY a week for posts (``None``: no budget limit).
    cost : CNY per post by content type (:data:`DEFAULT_COST`).
    platform_cost : cost multiplier per platform (:data:`PLATFORM_COST`; 1 when absent).
    min_posts, max_posts : posts (articles) a week per platform; platforms not given use
        :data:`CADENCE`.
    min_share, max_share : share of all the week's posts per content type (0..1); by default
        product posts are at most 30 % (a brand rule against hard selling).
    personas : :class:`PersonaTarget` coverage rules.
    weights : objective weights of reads, engagement, follows, conversions (and shares).
    max_pushes : WeChat group pushes a week (``None``: 7 on a subscription account, 1 on a
        service account; more than that is refused).
    articles_per_push : articles a push may carry, 1..8.
    variety : no type may take more than half of a platform's posts plus one, so the calendar
        never has to run one type back to back.
    time_limit : seconds the solver may take (then the best plan found is returned with
        status ``"time_limit"``).
    mip_gap : relative optimality gap at which the solver stops: the plan is proven to be
        within this share of the best possible value. The default 1 % keeps a weekly plan
        under 100 ms; proving the exact optimum (``0``) of a busy plan can take HiGHS several
        hundred ms, for differences far below the estimates' own uncertainty.

    Examples
    --------
    >>> c = Constraints(team_hours=30, max_share={"product": 0.2})
    >>> c.posts_range("weibo"), c.push_limit(), c.cell_hours("douyin", "fun")
    ((5, 21), 7, 3.2)
    """

    account_type: str = "subscription"
    platforms: tuple[str, ...] = ("wechat", "weibo", "douyin", "xiaohongshu", "zhihu")
    content_types: tuple[str, ...] = schemas.CONTENT_TYPES
    team_hours: float = 60.0
    hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    platform_effort: dict[str, float] = field(default_factory=lambda: dict(PLATFORM_EFFORT))
    budget: float | None = 10_000.0
    cost: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_COST))
    platform_cost: dict[str, float] = field(default_factory=lambda: dict(PLATFORM_COST))
    min_posts: dict[str, int] = field(default_factory=dict)
    max_posts: dict[str, int] = field(default_factory=dict)
    min_share: dict[str, float] = field(default_factory=dict)
    max_share: dict[str, float] = field(default_factory=lambda: {"product": 0.3})
    personas: tuple[PersonaTarget, ...] = ()
    weights: dict[str, float] = field(default_factory=_default_weights)
    max_pushes: int | None = None
    articles_per_push: int = ARTICLES_PER_PUSH
    variety: bool = True
    time_limit: float = 2.0
    mip_gap: float = 0.01

    def __post_init__(self) -> None:
        self.platforms = tuple(self.platforms)
        self.content_types = tuple(self.content_types)
        self.personas = tuple(self.personas)
        for name in ("hours", "platform_effort", "cost", "platform_cost", "min_posts",
                     "max_posts", "min_share", "max_share", "weights"):
            setattr(self, name, dict(getattr(self, name)))
        for p in self.platforms:
            lo, hi = CADENCE.get(p, (0, 14))
            self.min_posts.setdefault(p, lo)
            self.max_posts.setdefault(p, hi)

    def replace(self, **changes: Any) -> "Constraints":
        """A copy with some fields changed (dicts are copied, so the original stays as it was)."""
        return dataclasses.replace(self, **changes)

    def posts_range(self, platform: str) -> tuple[int, int]:
        """``(min, max)`` posts a week on ``platform``."""
        lo, hi = CADENCE.get(platform, (0, 14))
        return int(self.min_posts.get(platform, lo)), int(self.max_posts.get(platform, hi))

    def push_limit(self) -> int:
        """WeChat group pushes allowed a week."""
        cap = PUSHES_PER_WEEK.get(self.account_type, 7)
        return cap if self.max_pushes is None else int(self.max_pushes)

    def cell_hours(self, platform: str, content_type: str) -> float:
        """Production hours of one post of ``content_type`` on ``platform``."""
        return float(self.hours.get(content_type, DEFAULT_HOURS[content_type])) \
            * float(self.platform_effort.get(platform, 1.0))

    def cell_cost(self, platform: str, content_type: str) -> float:
        """Cost (CNY) of one post of ``content_type`` on ``platform``."""
        return float(self.cost.get(content_type, DEFAULT_COST[content_type])) \
            * float(self.platform_cost.get(platform, 1.0))

    def validate(self) -> None:
        """Raise :class:`InputError` (English and Chinese) for any value that cannot be used."""
        def bad(en: str, zh: str, fix: str = "", fix_zh: str = "") -> InputError:
            return InputError(en, zh, fix=fix, fix_zh=fix_zh)

        if self.account_type not in ACCOUNT_TYPES:
            raise bad(f"Unknown WeChat account type {self.account_type!r}.",
                      f"未知的公众号类型 {self.account_type!r}。",
                      "Choose 'subscription' or 'service'.", "请选择 subscription（订阅号）或 "
                      "service（服务号）。")
        if not self.platforms:
            raise bad("The plan covers no platform.", "计划没有包含任何平台。",
                      "Choose at least one platform.", "请至少选择一个平台。")
        for p in self.platforms:
            if p not in schemas.PLATFORMS:
                raise bad(f"Unknown platform {p!r}.", f"未知平台 {p!r}。",
                          f"Choose from {', '.join(schemas.PLATFORMS)}.",
                          f"可选：{', '.join(schemas.PLATFORMS)}。")
        if len(set(self.platforms)) != len(self.platforms):
            raise bad("A platform is listed twice.", "平台重复。")
        if not self.content_types:
            raise bad("The plan has no content type.", "计划没有任何内容类型。",
                      "Choose at least one content type.", "请至少选择一种内容类型。")
        for c in self.content_types:
            if c not in schemas.CONTENT_TYPES:
                raise bad(f"Unknown content type {c!r}.", f"未知内容类型 {c!r}。",
                          f"Choose from {', '.join(schemas.CONTENT_TYPES)}.",
                          f"可选：{', '.join(schemas.CONTENT_TYPES)}。")
        _check_number(self.team_hours, "team hours a week", "每周团队工时", minimum=0)
        if self.budget is not None:
            _check_number(self.budget, "budget a week (CNY)", "每周预算（元）", minimum=0)
        # bounded so that the solver's coefficients stay in the range it computes exactly in
        # (1e300 hours a post, or 5e-324, left HiGHS unable to say which rules conflict)
        for name, zh, table, low, high in (
                ("hours per post", "每篇工时", self.hours, MIN_HOURS_PER_POST, MAX_HOURS_PER_POST),
                ("effort factor", "工时系数", self.platform_effort, 0.01, 100),
                ("cost per post", "每篇成本", self.cost, 0, MAX_COST_PER_POST),
                ("cost factor", "成本系数", self.platform_cost, 0, 100)):
            for key, value in table.items():
                _check_number(value, f"{name} of {key}", f"{key} 的{zh}", low, high)
                if 0 < value < 0.01:                    # a cost below a fen is no cost
                    _check_number(value, f"{name} of {key}", f"{key} 的{zh}", 0.01, high)
        for key in list(self.hours) + list(self.cost) + list(self.min_share) \
                + list(self.max_share):
            if key not in schemas.CONTENT_TYPES:
                raise bad(f"Unknown content type {key!r}.", f"未知内容类型 {key!r}。",
                          f"Choose from {', '.join(schemas.CONTENT_TYPES)}.",
                          f"可选：{', '.join(schemas.CONTENT_TYPES)}。")
        for key in list(self.min_posts) + list(self.max_posts) + list(self.platform_effort) \
                + list(self.platform_cost):
            if key not in schemas.PLATFORMS:
                raise bad(f"Unknown platform {key!r}.", f"未知平台 {key!r}。",
                          f"Choose from {', '.join(schemas.PLATFORMS)}.",
                          f"可选：{', '.join(schemas.PLATFORMS)}。")
        for label, label_zh, table in (("minimum", "最少", self.min_posts),
                                       ("maximum", "最多", self.max_posts)):
            for p, value in table.items():      # checked as given: posts_range rounds them
                _check_number(value, f"{label} posts a week on {p}",
                              f"{_plat(p, 'zh')} 每周{label_zh}发文", 0, MAX_POSTS_PER_WEEK,
                              integer=True)
        for p in self.platforms:
            lo, hi = self.posts_range(p)
            if lo > hi:
                raise bad(f"{_plat(p, 'en')}: the minimum of {lo} posts a week is above the "
                          f"maximum of {hi}.",
                          f"{_plat(p, 'zh')}：每周最少 {lo} 篇高于最多 {hi} 篇。",
                          "Lower the minimum or raise the maximum.", "请降低最少值或提高最多值。")
        for c in set(self.min_share) | set(self.max_share):
            lo = self.min_share.get(c, 0.0)
            hi = self.max_share.get(c, 1.0)
            _check_number(lo, f"minimum share of {c}", f"{_type(c, 'zh')} 最低占比", 0, 1)
            _check_number(hi, f"maximum share of {c}", f"{_type(c, 'zh')} 最高占比", 0, 1)
            if lo > hi:
                raise bad(f"{_type(c, 'en')}: the minimum share {_pct(lo)} is above the maximum "
                          f"share {_pct(hi)}.",
                          f"{_type(c, 'zh')}：最低占比 {_pct(lo)} 高于最高占比 {_pct(hi)}。",
                          "Lower the minimum or raise the maximum.",
                          "请降低最低占比或提高最高占比。")
        for persona in self.personas:
            if not isinstance(persona, PersonaTarget):
                raise bad("Persona coverage rules must be PersonaTarget objects.",
                          "人设覆盖规则必须是 PersonaTarget。")
            _check_number(persona.min_posts, f"minimum posts for persona {persona.name!r}",
                          f"人设“{persona.name_zh or persona.name}”的最少发文", minimum=0,
                          integer=True)
            if not persona.content_types:
                raise bad(f"Persona {persona.name!r} prefers no content type.",
                          f"人设“{persona.name_zh or persona.name}”没有偏好的内容类型。",
                          "Choose at least one content type.", "请至少选择一种内容类型。")
            for c in persona.content_types:
                if c not in schemas.CONTENT_TYPES:
                    raise bad(f"Persona {persona.name!r}: unknown content type {c!r}.",
                              f"人设“{persona.name_zh or persona.name}”：未知内容类型 {c!r}。")
            for p in persona.platforms:
                if p not in schemas.PLATFORMS:
                    raise bad(f"Persona {persona.name!r}: unknown platform {p!r}.",
                              f"人设“{persona.name_zh or persona.name}”：未知平台 {p!r}。")
        for m, w in self.weights.items():
            if m not in METRICS:
                raise bad(f"Unknown objective {m!r}.", f"未知目标 {m!r}。",
                          f"Choose from {', '.join(METRICS)}.", f"可选：{', '.join(METRICS)}。")
            _check_number(w, f"weight of {m}", f"{_METRIC_ZH[m]} 的权重", minimum=0)
        if sum(self.weights.values()) <= 0:
            raise bad("Every objective weight is 0.", "所有目标权重都为 0。",
                      "Give at least one goal a positive weight.", "请至少给一个目标正权重。")
        cap = PUSHES_PER_WEEK[self.account_type]
        if self.max_pushes is not None:
            _check_number(self.max_pushes, "pushes a week", "每周群发次数", minimum=0,
                          integer=True)
            if self.max_pushes > cap:
                account_zh = i18n.level("account_type", self.account_type, "zh")
                raise bad(
                    f"A {self.account_type} account can push at most {cap} time(s) a week, "
                    f"not {self.max_pushes}" + (" (four group pushes a month)."
                                                if self.account_type == "service" else
                                                " (one group push a day)."),
                    f"{account_zh}每周最多群发 {cap} 次，不能设为 {self.max_pushes} 次"
                    + ("（每月四次群发）。" if self.account_type == "service"
                       else "（每天一次）。"),
                    f"Use at most {cap}.", f"请设为不超过 {cap}。")
        _check_number(self.articles_per_push, "articles a push", "每次群发的文章数", 1,
                      ARTICLES_PER_PUSH, integer=True)
        _check_number(self.time_limit, "solver time limit (s)", "求解时间上限（秒）", minimum=0,
                      strict=True)
        _check_number(self.mip_gap, "optimality gap", "最优性差距", 0, 0.5)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (for the scenario store)."""
        return {
            "account_type": self.account_type, "platforms": list(self.platforms),
            "content_types": list(self.content_types), "team_hours": float(self.team_hours),
            "hours": {k: float(v) for k, v in self.hours.items()},
            "platform_effort": {k: float(v) for k, v in self.platform_effort.items()},
            "budget": None if self.budget is None else float(self.budget),
            "cost": {k: float(v) for k, v in self.cost.items()},
            "platform_cost": {k: float(v) for k, v in self.platform_cost.items()},
            "min_posts": {k: int(v) for k, v in self.min_posts.items()},
            "max_posts": {k: int(v) for k, v in self.max_posts.items()},
            "min_share": {k: float(v) for k, v in self.min_share.items()},
            "max_share": {k: float(v) for k, v in self.max_share.items()},
            "personas": [p.to_dict() for p in self.personas],
            "weights": {k: float(v) for k, v in self.weights.items()},
            "max_pushes": None if self.max_pushes is None else int(self.max_pushes),
            "articles_per_push": int(self.articles_per_push), "variety": bool(self.variety),
            "time_limit": float(self.time_limit), "mip_gap": float(self.mip_gap),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Constraints":
        """The inverse of :meth:`to_dict` (unknown keys are ignored)."""
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        for key in ("platforms", "content_types"):
            if key in kw:
                kw[key] = tuple(kw[key])
        if "personas" in kw:
            kw["personas"] = tuple(PersonaTarget.from_dict(p) for p in kw["personas"])
        for key in ("hours", "platform_effort", "cost", "platform_cost", "min_posts",
                    "max_posts", "min_share", "max_share", "weights"):
            if key in kw:
                kw[key] = dict(kw[key])
        return cls(**kw)


def _check_number(value: Any, name: str, name_zh: str, minimum: float | None = None,
                  maximum: float | None = None, *, integer: bool = False,
                  strict: bool = False) -> None:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(float(value))
    if ok and integer:
        ok = float(value) == int(value)
    if ok and minimum is not None:
        ok = float(value) > minimum if strict else float(value) >= minimum
    if ok and maximum is not None:
        ok = float(value) <= maximum
    if not ok:
        rng = []
        if minimum is not None:
            rng.append(("above " if strict else "at least ") + _num(minimum))
        if maximum is not None:
            rng.append("at most " + _num(maximum))
        rng_zh = []
        if minimum is not None:
            rng_zh.append(("大于 " if strict else "不小于 ") + _num(minimum))
        if maximum is not None:
            rng_zh.append("不大于 " + _num(maximum))
        kind = "a whole number" if integer else "a number"
        raise InputError(f"The {name} must be {kind} " + " and ".join(rng) + f", not {value!r}.",
                         f"{name_zh}必须是" + ("整数" if integer else "数字") + "，且"
                         + "、".join(rng_zh) + f"，而不是 {value!r}。")


# --------------------------------------------------------------------------------------------
# The MILP
# --------------------------------------------------------------------------------------------
#: Constraint groups, in the order conflicts are reported.
GROUPS: tuple[str, ...] = ("team_hours", "budget", "pushes", "platform_max", "platform_min",
                           "persona", "type_share_min", "type_share_max", "variety")


@dataclass
class Conflict:
    """One constraint group that stops every plan, and how much it would have to give.

    Attributes
    ----------
    group : one of :data:`GROUPS`.
    amount : how much the group must be relaxed (more hours, more CNY, fewer minimum posts ...).
    unit : ``"h"``, ``"CNY"``, ``"posts"``, ``"pushes"`` or ``"share"``.
    en, zh : the explanation in English and Chinese.
    alone : relaxing this group by ``amount`` makes a plan possible on its own; ``False`` when
        it only works together with the other groups listed.
    """

    group: str
    amount: float
    unit: str
    en: str
    zh: str
    alone: bool = True

    def message(self, lang: str = "en") -> str:
        return self.zh if str(lang).lower().startswith("zh") else self.en

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "amount": float(self.amount), "unit": self.unit,
                "en": self.en, "zh": self.zh, "alone": bool(self.alone)}


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
    tidx = np.array([schemas.CONTENT_TYPES.index(types[i]) for i in cell_c])
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
            for k in np.flatnonzero(on):
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
                    bonus, positioned, wvec, rows, cap)


def _caps(pr: _Problem, cons: Constraints, elastic: bool) -> np.ndarray:
    """Upper bound on posts per cell implied by hard rows (generous when relaxing)."""
    K = len(pr.cell_p)
    if elastic:
        need = sum(cons.posts_range(p)[0] for p in pr.platforms) \
            + sum(int(x.min_posts) for x in cons.personas)
        big = max([cons.posts_range(p)[1] for p in pr.platforms] + [need, 1])
        return np.full(K, min(big, 400), np.int64)
    caps = np.empty(K, np.int64)
    for k in range(K):
        p = pr.platforms[pr.cell_p[k]]
        hi = cons.posts_range(p)[1]
        # (a tiny cost per post makes the quotient huge, even infinite: compare before flooring)
        if pr.hours[k] > 0 and cons.team_hours / pr.hours[k] < hi:
            hi = int(math.floor(cons.team_hours / pr.hours[k] + 1e-9))
        if cons.budget is not None and pr.cost[k] > 0 and cons.budget / pr.cost[k] < hi:
            hi = int(math.floor(cons.budget / pr.cost[k] + 1e-9))
        if pr.positioned[k]:
            hi = min(hi, pr.push_cap * cons.articles_per_push)
        if cons.variety:
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
    optimum is reported at least at the solver's value, never below). Where any later increment is worth
    more, e.g. a headline worth less than a secondary slot (a negative extra, decayed towards
    0), the solver would switch on the last, cheapest ones: all of that owner's increments
    are then chained, the n-th only with the (n-1)-th.
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


# --------------------------------------------------------------------------------------------
# Infeasibility
# --------------------------------------------------------------------------------------------
def _units(group: str) -> str:
    return {"team_hours": "h", "budget": "CNY", "pushes": "pushes"}.get(group, "posts")


def _persona_name(cons: Constraints, key: str, lang: str) -> str:
    p = cons.personas[int(key)]
    return (p.name_zh or p.name) if lang == "zh" else p.name


def _row_text(group: str, r: _Row, s: float, cons: Constraints) -> tuple[str, str, str, str]:
    """For one row with slack ``s``: full sentence (en, zh) and a short list item (en, zh)."""
    if group == "pushes":
        p, cap = r.key, int(r.ub)
        need = cap + int(s)
        if cons.account_type == "service":
            rule_en = "a service account has four group pushes a month, one a week"
            rule_zh = "服务号每月只能群发 4 次，即每周 1 次"
        else:
            rule_en = f"the account may push {cap} time(s) a week (at most one a day)"
            rule_zh = f"账号每周最多群发 {cap} 次（每天最多一次）"
        return (f"{_plat(p, 'en')}: these posts need {need} pushes a week (at most "
                f"{cons.articles_per_push} articles a push), but {rule_en} ({_num(s)} short).",
                f"{_plat(p, 'zh')}：这些文章每周需要 {need} 次群发（每次最多 "
                f"{cons.articles_per_push} 篇），但{rule_zh}（差 {_num(s)} 次）。",
                f"{_plat(p, 'en')} {cap} → {need}", f"{_plat(p, 'zh')} {cap} → {need}")
    if group == "platform_min":
        p, lo = r.key, int(r.lb)
        return (f"{_plat(p, 'en')}: the minimum of {lo} posts a week cannot be met; at most "
                f"{_num(lo - s)} fit with the other rules ({_num(s)} short).",
                f"{_plat(p, 'zh')}：每周最少 {lo} 篇无法满足，在其他规则下最多 {_num(lo - s)} 篇"
                f"（差 {_num(s)} 篇）。",
                f"{_plat(p, 'en')} {lo} → {_num(lo - s)}",
                f"{_plat(p, 'zh')} {lo} → {_num(lo - s)}")
    if group == "platform_max":
        p, hi = r.key, int(r.ub)
        return (f"{_plat(p, 'en')}: the other rules need {_num(hi + s)} posts a week, above the "
                f"maximum of {hi} ({_num(s)} over).",
                f"{_plat(p, 'zh')}：其他规则每周需要 {_num(hi + s)} 篇，超过上限 {hi} 篇"
                f"（多 {_num(s)} 篇）。",
                f"{_plat(p, 'en')} {hi} → {_num(hi + s)}",
                f"{_plat(p, 'zh')} {hi} → {_num(hi + s)}")
    if group == "persona":
        persona = cons.personas[int(r.key)]
        n = int(r.lb)
        name_zh = persona.name_zh or persona.name
        types_en = ", ".join(_type(c, "en") for c in persona.content_types)
        types_zh = "、".join(_type(c, "zh") for c in persona.content_types)
        return (f"Persona “{persona.name}” needs {n} posts a week of {types_en}; at most "
                f"{_num(n - s)} fit with the other rules ({_num(s)} short).",
                f"人设“{name_zh}”每周需要 {n} 篇{types_zh}；在其他规则下最多 {_num(n - s)} 篇"
                f"（差 {_num(s)} 篇）。",
                f"“{persona.name}” {n} → {_num(n - s)}", f"“{name_zh}” {n} → {_num(n - s)}")
    if group == "type_share_min":
        c = r.key
        share = float(cons.min_share.get(c, 0.0))
        return (f"{_type(c, 'en')} must be at least {_pct(share)} of the posts; with the other "
                f"rules {_num(s)} post(s) are missing.",
                f"{_type(c, 'zh')}至少要占发文量的 {_pct(share)}；在其他规则下还差 {_num(s)} 篇。",
                f"{_type(c, 'en')} ≥ {_pct(share)}: {_num(s)}",
                f"{_type(c, 'zh')} ≥ {_pct(share)}：{_num(s)} 篇")
    if group == "type_share_max":
        c = r.key
        share = float(cons.max_share.get(c, 1.0))
        return (f"{_type(c, 'en')} may be at most {_pct(share)} of the posts; the other rules need "
                f"{_num(s)} post(s) more than that.",
                f"{_type(c, 'zh')}最多占发文量的 {_pct(share)}；其他规则需要比这多 {_num(s)} 篇。",
                f"{_type(c, 'en')} ≤ {_pct(share)}: {_num(s)}",
                f"{_type(c, 'zh')} ≤ {_pct(share)}：{_num(s)} 篇")
    p, c = r.key.split("/")       # variety
    return (f"{_plat(p, 'en')}: so that no type runs back to back, {_type(c, 'en')} may have at "
            f"most half the posts plus one; the other rules need {_num(s)} more.",
            f"{_plat(p, 'zh')}：为避免同类内容连续发布，{_type(c, 'zh')}最多占一半加一篇；"
            f"其他规则还需要多 {_num(s)} 篇。",
            f"{_plat(p, 'en')} {_type(c, 'en')}: {_num(s)}",
            f"{_plat(p, 'zh')}{_type(c, 'zh')}：{_num(s)} 篇")


_LIST_HEAD = {
    "pushes": ("Push limits: {n} more pushes a week are needed", "群发次数上限：每周还需 {n} 次"),
    "platform_min": ("The platform minimums do not fit the other rules: lower them by {n} posts "
                     "in all", "各平台最少发文量与其他规则冲突：共需减少 {n} 篇"),
    "platform_max": ("The other rules need {n} posts more than the platform maximums allow",
                     "其他规则需要比各平台上限多 {n} 篇"),
    "persona": ("The persona coverage rules are {n} posts short", "人设覆盖规则共差 {n} 篇"),
    "type_share_min": ("The minimum type shares are {n} posts short",
                       "内容类型最低占比共差 {n} 篇"),
    "type_share_max": ("The maximum type shares are {n} posts too low for the other rules",
                       "内容类型最高占比比其他规则所需少 {n} 篇"),
    "variety": ("The no-back-to-back rule is {n} posts too tight for the other rules",
                "避免同类连续发布的规则比其他规则所需少 {n} 篇"),
}


def _conflict_text(group: str, slacks: list[tuple[_Row, float]], cons: Constraints
                   ) -> tuple[float, str, str]:
    """Amount, English and Chinese text for one group's slack per row."""
    total = sum(s for _, s in slacks)
    if group == "team_hours":
        have = float(cons.team_hours)
        need = have + total
        return (total,
                f"The minimum posts and other rules need at least {_num(need)} h of work a week; "
                f"the team has {_num(have)} h ({_num(total)} h short).",
                f"最少发文量等规则每周至少需要 {_num(need)} 小时，团队只有 {_num(have)} 小时"
                f"（差 {_num(total)} 小时）。")
    if group == "budget":
        have = float(cons.budget or 0.0)
        need = have + total
        return (total,
                f"The minimum posts and other rules cost at least ¥{_num(need, 0)} a week; the "
                f"budget is ¥{_num(have, 0)} (¥{_num(total, 0)} short).",
                f"最少发文量等规则每周至少需要 ¥{_num(need, 0)}，预算只有 ¥{_num(have, 0)}"
                f"（差 ¥{_num(total, 0)}）。")
    rounded = [(r, float(math.ceil(s - 1e-6))) for r, s in slacks]
    total = sum(s for _, s in rounded)
    texts = [_row_text(group, r, s, cons) for r, s in rounded]
    if len(texts) == 1:
        return total, texts[0][0], texts[0][1]
    head_en, head_zh = _LIST_HEAD[group]
    return (total,
            head_en.format(n=_num(total)) + " (" + "; ".join(t[2] for t in texts) + ").",
            head_zh.format(n=_num(total)) + "（" + "；".join(t[3] for t in texts) + "）。")


def _share_sum_conflict(cons: Constraints) -> Conflict | None:
    mins = {c: float(v) for c, v in cons.min_share.items() if v > 0 and c in cons.content_types}
    total = sum(mins.values())
    if total <= 1 + 1e-9:
        return None
    parts_en = ", ".join(f"{_type(c, 'en')} {_pct(v)}" for c, v in mins.items())
    parts_zh = "、".join(f"{_type(c, 'zh')} {_pct(v)}" for c, v in mins.items())
    over = total - 1
    return Conflict(
        "type_share_min", over, "share",
        f"The minimum shares of content types add up to {_pct(total)} ({parts_en}); they cannot "
        f"all hold, {_num(100 * over)} points over 100 %.",
        f"各内容类型的最低占比合计 {_pct(total)}（{parts_zh}），无法同时满足，超出 100% "
        f"{_num(100 * over)} 个百分点。")


def _share_window_conflict(cons: Constraints) -> Conflict | None:
    """Share limits that no whole number of posts meets at any weekly total the platform
    limits allow (e.g. a type held to exactly 45.3 % of at most 35 posts): a conflict found by
    counting, which the solver can take longer than its time limit to prove (:func:`plan`
    asks when the solver runs out of time without a plan)."""
    limited = [c for c in cons.content_types if c in cons.min_share or c in cons.max_share]
    if not limited:
        return None
    lo_t = hi_t = 0
    for p in cons.platforms:
        lo, hi = cons.posts_range(p)
        if p in POSITIONED:
            hi = min(hi, cons.push_limit() * int(cons.articles_per_push))
        lo_t, hi_t = lo_t + lo, hi_t + max(hi, 0)
    if lo_t > hi_t or lo_t == 0:
        return None                      # other rules conflict, or an empty week fits
    lo_s = {c: float(cons.min_share.get(c, 0.0)) for c in cons.content_types}
    hi_s = {c: float(cons.max_share.get(c, 1.0)) for c in cons.content_types}
    raise_max: list[float] = []          # per total: share points the maximums must give
    cut_min: list[float] = []            # per total: share points the minimums must give
    for t in range(lo_t, hi_t + 1):
        need = {c: math.ceil(lo_s[c] * t - 1e-9) for c in cons.content_types}
        room = {c: math.floor(hi_s[c] * t + 1e-9) for c in cons.content_types}
        if all(need[c] <= room[c] for c in limited) and sum(need.values()) <= t \
                and sum(room.values()) >= t:
            return None
        if sum(need.values()) <= t:
            raise_max.append(sum(max(0, need[c] - room[c]) for c in limited) / t)
        cut_min.append(max(sum(need.values()) - t, 0) / t)
    rules_en = ", ".join(f"{_type(c, 'en')} {_pct(lo_s[c])}–{_pct(hi_s[c])}" for c in limited)
    rules_zh = "、".join(f"{_type(c, 'zh')} {_pct(lo_s[c])}–{_pct(hi_s[c])}" for c in limited)
    head_en = (f"With {lo_t}–{hi_t} posts a week, no whole number of posts keeps every content "
               f"type within its share limits ({rules_en})")
    head_zh = (f"每周 {lo_t}–{hi_t} 篇时，任何整数篇数都无法让各内容类型满足占比要求"
               f"（{rules_zh}）")
    if raise_max and min(raise_max) > 0:
        amount = min(raise_max)
        return Conflict("type_share_max", amount, "share",
                        f"{head_en}: raise the maximum shares by {_num(100 * amount)} points.",
                        f"{head_zh}：请把最高占比提高 {_num(100 * amount)} 个百分点。")
    amount = max(min(cut_min), 1.0 / hi_t)
    return Conflict("type_share_min", amount, "share",
                    f"{head_en}: lower the minimum shares by {_num(100 * amount)} points.",
                    f"{head_zh}：请把最低占比降低 {_num(100 * amount)} 个百分点。")


def _explain(pr: _Problem, cons: Constraints) -> list[Conflict]:
    """Which rule groups conflict, and by how much (see the module notes)."""
    present = [g for g in GROUPS if any(r.group == g for r in pr.rows)]
    conflicts: list[Conflict] = []
    for g in present:
        res, z_cell, g_cell, _, slack_rows = _solve(pr, cons, elastic=[g])
        if res.x is None or res.status not in (0, 1):
            continue
        first = len(z_cell) + len(g_cell)
        slack = res.x[first:first + len(slack_rows)]
        used = [(pr.rows[i], float(s)) for i, s in zip(slack_rows, slack) if s > 1e-6]
        if not used:
            continue
        amount, en, zh = _conflict_text(g, used, cons)
        conflicts.append(Conflict(g, amount, _units(g), en, zh, True))
    if conflicts:
        return conflicts
    res, z_cell, g_cell, _, slack_rows = _solve(pr, cons, elastic=present)
    if res.x is None or not (res.x[len(z_cell) + len(g_cell):] > 1e-6).any():
        return [Conflict("unknown", math.nan, "", "No plan meets every rule, and the solver "
                         "could not say which rules conflict.", "没有满足所有规则的方案，"
                         "求解器也未能判断是哪些规则冲突。", False)]
    first = len(z_cell) + len(g_cell)
    slack = res.x[first:first + len(slack_rows)]
    by_group: dict[str, list[tuple[_Row, float]]] = {}
    for i, s in zip(slack_rows, slack):
        if s > 1e-6:
            by_group.setdefault(pr.rows[i].group, []).append((pr.rows[i], float(s)))
    for g in GROUPS:
        if g in by_group:
            amount, en, zh = _conflict_text(g, by_group[g], cons)
            conflicts.append(Conflict(g, amount, _units(g), en + " (together with the others "
                                      "listed)", zh + "（需与其他所列规则一同调整）", False))
    return conflicts


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------
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
    notes : ``(en, zh)`` pairs: assumptions (decay, conversions, thin cells, service-account pushes).
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

    def calendar(self, start: dt.date | str | None = None, weeks: int = 4) -> "Calendar":
        """Place the weekly plan on dates, times and push slots for ``weeks`` weeks.

        Parameters
        ----------
        start : first day (any weekday; default: next Monday).
        weeks : number of weeks, 1..52.

        Returns
        -------
        Calendar
        """
        return _calendar(self, start, weeks)

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
    weights, wvec, notes = _weights(objective, cons, est.reference)
    pr = _problem(est, cons, wvec)
    notes = list(est.notes) + notes
    if cons.account_type == "service" and "wechat" in cons.platforms:
        notes.append(("Service account: four group pushes a month are planned as one push a "
                      "week (up to eight articles); a 4-week calendar has exactly four pushes.",
                      "服务号：每月 4 次群发按每周 1 次（最多 8 篇）安排；4 周的日历正好 4 次群发。"))
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
                   decay, slots)


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
                   {"en": text[0], "zh": text[1]}, decay, slots)


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


# --------------------------------------------------------------------------------------------
# Calendar: holidays and festivals
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayMark:
    """A public holiday or shopping festival on a date.

    Attributes
    ----------
    date : the day.
    kind : ``"holiday"`` (public holiday or rest day, from ``holidays.China``) or
        ``"festival"`` (520, 618, Qixi, Double 11, Double 12).
    name, name_zh : English and Chinese names.
    """

    date: dt.date
    kind: str
    name: str
    name_zh: str

    def label(self, lang: str = "en") -> str:
        return self.name_zh if str(lang).lower().startswith("zh") else self.name


def _jd_to_beijing_date(jd: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(jd + 8 / 24 - 2440587.5))


def _new_moon_jd(k: int) -> float:
    """Julian day (UT, about a minute's accuracy) of new moon number ``k`` (Meeus, ch. 49)."""
    T = k / 1236.85
    jde = (2451550.09766 + 29.530588861 * k + 0.00015437 * T ** 2 - 0.000000150 * T ** 3
           + 0.00000000073 * T ** 4)
    E = 1 - 0.002516 * T - 0.0000074 * T ** 2
    r = math.radians
    M = r(2.5534 + 29.10535670 * k - 0.0000014 * T ** 2 - 0.00000011 * T ** 3)
    Mp = r(201.5643 + 385.81693528 * k + 0.0107582 * T ** 2 + 0.00001238 * T ** 3
           - 0.000000058 * T ** 4)
    F = r(160.7108 + 390.67050284 * k - 0.0016118 * T ** 2 - 0.00000227 * T ** 3
          + 0.000000011 * T ** 4)
    Om = r(124.7746 - 1.56375588 * k + 0.0020672 * T ** 2 + 0.00000215 * T ** 3)
    s = math.sin
    corr = (-0.40720 * s(Mp) + 0.17241 * E * s(M) + 0.01608 * s(2 * Mp) + 0.01039 * s(2 * F)
            + 0.00739 * E * s(Mp - M) - 0.00514 * E * s(Mp + M) + 0.00208 * E * E * s(2 * M)
            - 0.00111 * s(Mp - 2 * F) - 0.00057 * s(Mp + 2 * F) + 0.00056 * E * s(2 * Mp + M)
            - 0.00042 * s(3 * Mp) + 0.00042 * E * s(M + 2 * F) + 0.00038 * E * s(M - 2 * F)
            - 0.00024 * E * s(2 * Mp - M) - 0.00017 * s(Om) - 0.00007 * s(Mp + 2 * M)
            + 0.00004 * s(2 * Mp - 2 * F) + 0.00004 * s(3 * M) + 0.00003 * s(Mp + M - 2 * F)
            + 0.00003 * s(2 * Mp + 2 * F) - 0.00003 * s(Mp + M + 2 * F)
            + 0.00003 * s(Mp - M + 2 * F) - 0.00002 * s(Mp - M - 2 * F)
            - 0.00002 * s(3 * Mp + M) + 0.00002 * s(4 * Mp))
    return jde + corr - 69.0 / 86400.0     # TT → UT (ΔT ≈ 69 s in the 2020s)


def _sun_longitude(jd: float) -> float:
    """Apparent solar longitude in degrees (Meeus, ch. 25, low accuracy: ~0.01°)."""
    T = (jd - 2451545.0) / 36525.0
    L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T * T
    M = math.radians(357.52911 + 35999.05029 * T - 0.0001537 * T * T)
    C = ((1.914602 - 0.004817 * T - 0.000014 * T * T) * math.sin(M)
         + (0.019993 - 0.000101 * T) * math.sin(2 * M) + 0.000289 * math.sin(3 * M))
    omega = math.radians(125.04 - 1934.136 * T)
    return (L0 + C - 0.00569 - 0.00478 * math.sin(omega)) % 360.0


def _solar_term_date(year: int, longitude: float, month: int) -> dt.date:
    """Beijing date on which the sun reaches ``longitude`` (searched within ``month``)."""
    def jd_of(d: dt.date) -> float:       # Beijing midnight
        return (d - dt.date(1970, 1, 1)).days + 2440587.5 - 8 / 24

    d = dt.date(year, month, 1)
    for _ in range(45):
        a = (_sun_longitude(jd_of(d)) - longitude + 180) % 360 - 180
        b = (_sun_longitude(jd_of(d + dt.timedelta(days=1))) - longitude + 180) % 360 - 180
        if a < 0 <= b:
            return d
        d += dt.timedelta(days=1)
    raise ValueError(f"solar longitude {longitude} not reached in {year}-{month}")


def _lunar_month_start(on_or_before: dt.date) -> dt.date:
    """Beijing date of the last new moon on or before ``on_or_before``."""
    jd = (on_or_before - dt.date(1970, 1, 1)).days + 2440587.5
    k = math.floor((jd - 2451550.09766) / 29.530588861) + 1
    while _jd_to_beijing_date(_new_moon_jd(k)) > on_or_before:
        k -= 1
    return _jd_to_beijing_date(_new_moon_jd(k))


def qixi(year: int) -> dt.date:
    """Qixi (七夕), the 7th day of the 7th lunar month, in ``year``.

    The 7th lunar month is the one holding the solar term Chushu (处暑, solar longitude 150°),
    so it starts at the last new moon (Beijing time) on or before that day; Qixi is six days
    later. New moons and the solar term use Meeus' algorithms (about a minute of accuracy).
    For every year 1901-2099 this gives the same day as counting back from ``holidays``' own
    Mid-Autumn date (15th of the 8th month), leap 7th months (2006, 2044, ...) included.

    Examples
    --------
    >>> qixi(2025), qixi(2026)
    (datetime.date(2025, 8, 29), datetime.date(2026, 8, 19))
    """
    chushu = _solar_term_date(year, 150.0, 8)
    return _lunar_month_start(chushu) + dt.timedelta(days=6)


_FESTIVALS = (
    ((5, 20), "520 (online Valentine's Day)", "520 网络情人节"),
    ((6, 18), "618 shopping festival", "618 购物节"),
    ((11, 11), "Double 11 (Singles' Day)", "双11"),
    ((12, 12), "Double 12", "双12"),
)


def day_marks(first: dt.date, last: dt.date) -> dict[dt.date, list[DayMark]]:
    """Chinese public holidays (incl. rest days) and shopping festivals from ``first`` to ``last``.

    Holidays come from ``holidays.China`` with its English and Chinese (``zh_CN``) names;
    festivals are 520, 618, Qixi (lunar, :func:`qixi`), Double 11 and Double 12.

    Examples
    --------
    >>> marks = day_marks(dt.date(2026, 10, 1), dt.date(2026, 11, 11))
    >>> marks[dt.date(2026, 10, 1)][0].name_zh, marks[dt.date(2026, 11, 11)][0].name_zh
    ('国庆节', '双11')
    """
    import holidays

    years = list(range(first.year, last.year + 1))
    out: dict[dt.date, list[DayMark]] = {}
    en = holidays.China(years=years, language="en_US")
    zh = holidays.China(years=years, language="zh_CN")
    for d in sorted(en):
        if first <= d <= last:
            names_en = en.get_list(d)
            names_zh = zh.get_list(d)
            for i, name in enumerate(names_en):
                out.setdefault(d, []).append(DayMark(d, "holiday", name,
                                                     names_zh[i] if i < len(names_zh) else name))
    for y in years:
        fests = [(dt.date(y, m, d), n, z) for (m, d), n, z in _FESTIVALS]
        fests.append((qixi(y), "Qixi (Chinese Valentine's Day)", "七夕"))
        for d, n, z in fests:
            if first <= d <= last:
                out.setdefault(d, []).append(DayMark(d, "festival", n, z))
    return {d: out[d] for d in sorted(out)}


# --------------------------------------------------------------------------------------------
# Calendar: placement
# --------------------------------------------------------------------------------------------
@dataclass
class CalendarItem:
    """One planned post on a date and time.

    Attributes
    ----------
    item_id : stable id, ``"<platform>-<YYYYMMDD>-<n>"`` (n = position on WeChat, else the
        post's order that day).
    start : date and time (naive, Beijing time).
    platform, content_type : what and where.
    push : WeChat push number within the calendar (1..), else ``None``.
    position : WeChat slot (1 = headline), else ``None``.
    multiplier : expected reads relative to a typical slot (timing × position).
    expected_reads : the cell's reads per post × multiplier × the type's decay that week.
    status : review status, one of :data:`STATUSES`.
    marks : holidays / festivals on the date.
    """

    item_id: str
    start: dt.datetime
    platform: str
    content_type: str
    push: int | None
    position: int | None
    multiplier: float
    expected_reads: float
    status: str = "draft"
    marks: tuple[DayMark, ...] = ()

    @property
    def slot(self) -> str:
        if self.position is None:
            return "post"
        return "headline" if self.position == 1 else "secondary"


_SLOT_LABELS = {"post": ("Post", "发布"), "headline": ("Headline", "头条"),
                "secondary": ("Secondary", "次条")}


class Calendar:
    """A publishing calendar: posts on dates and slots, holidays marked, review status tracked.

    Attributes
    ----------
    items : :class:`CalendarItem` list in time order.
    marks : date → holidays / festivals of the calendar's days.
    start, weeks, account_type : what it covers.
    warnings : ``(en, zh)`` where a rule could not be kept (a type back to back when the week's
        counts leave no other order).
    notes : ``(en, zh)`` where the calendar departs from the plan's detail to keep a rule (a
        push led by another type than the plan's headline split).

    Examples
    --------
    >>> cal = plan(est, Constraints()).calendar("2026-03-02", weeks=2)          # doctest: +SKIP
    >>> cal.set_status(cal.items[0].item_id, "approved")                        # doctest: +SKIP
    """

    def __init__(self, items: list[CalendarItem], marks: dict[dt.date, list[DayMark]],
                 start: dt.date, weeks: int, account_type: str, warnings: list[tuple[str, str]],
                 plan: MixPlan | None = None, notes: list[tuple[str, str]] | None = None
                 ) -> None:
        self.items = items
        self.marks = marks
        self.start = start
        self.weeks = weeks
        self.account_type = account_type
        self.warnings = warnings
        self.notes = notes or []
        self._plan = plan
        self._by_id = {it.item_id: it for it in items}

    def __len__(self) -> int:
        return len(self.items)

    def item(self, item_id: str) -> CalendarItem:
        try:
            return self._by_id[item_id]
        except KeyError:
            raise InputError(f"There is no calendar item {item_id!r}.",
                             f"日历中没有条目 {item_id!r}。") from None

    def set_status(self, item_id: str, status: str) -> CalendarItem:
        """Set an item's review status (draft → in review → approved → published).

        The status is also stored on the plan, so it is saved with it. ``"in review"`` and
        ``"in-review"`` are accepted for ``"in_review"``.
        """
        value = str(status).strip().lower().replace(" ", "_").replace("-", "_")
        if value not in STATUSES:
            raise InputError(
                f"Unknown review status {status!r}.", f"未知的审核状态 {status!r}。",
                fix="Use one of: " + ", ".join(STATUSES) + ".",
                fix_zh="可选：" + "、".join(_STATUS_LABELS[s][1] for s in STATUSES) + "。")
        it = self.item(item_id)
        it.status = value
        if self._plan is not None:
            self._plan.statuses[item_id] = value
        return it

    def frame(self, lang: str = "en") -> pd.DataFrame:
        """The items as a table (labels in ``lang``)."""
        zh = str(lang).lower().startswith("zh")
        recs = []
        for it in self.items:
            recs.append({
                "item_id": it.item_id, "date": it.start.date().isoformat(),
                "time": it.start.strftime("%H:%M"),
                "weekday": (_WEEKDAYS_ZH if zh else _WEEKDAYS_EN)[it.start.weekday()],
                "platform": it.platform, "platform_label": _plat(it.platform, lang),
                "content_type": it.content_type,
                "content_type_label": _type(it.content_type, lang),
                "push": it.push, "position": it.position,
                "slot": _SLOT_LABELS[it.slot][1 if zh else 0],
                "status": it.status, "status_label": _STATUS_LABELS[it.status][1 if zh else 0],
                "marks": "; ".join(m.label(lang) for m in it.marks),
                "expected_reads": round(it.expected_reads),
            })
        cols = ["item_id", "date", "time", "weekday", "platform", "platform_label",
                "content_type", "content_type_label", "push", "position", "slot", "status",
                "status_label", "marks", "expected_reads"]
        out = pd.DataFrame(recs, columns=cols)
        out["push"] = out["push"].astype("Int64")
        out["position"] = out["position"].astype("Int64")
        return out

    def to_csv(self, lang: str = "en") -> str:
        """The calendar as CSV text (UTF-8), text cells neutralised against spreadsheet formulas."""
        df = self.frame(lang)
        return csv_rows(df.columns, df.itertuples(index=False))

    def to_ics(self, lang: str = "en", *, include_marks: bool = True,
               uid_prefix: str = "workbench-mix", stamp: dt.datetime | None = None,
               duration_minutes: int = 30) -> bytes:
        """The calendar as iCalendar bytes (RFC 5545), built with ``icalendar``.

        One VEVENT per post: UID ``<uid_prefix>-<item_id>@workbench`` (stable across exports of
        the same plan and start, whatever the status), DTSTART/DTEND in Asia/Shanghai (TZID, with
        a VTIMEZONE), SUMMARY ``platform · type · slot``, STATUS TENTATIVE (draft, in review) or
        CONFIRMED (approved, published), the review status and marks in the DESCRIPTION. With
        ``include_marks`` (default) each holiday / festival is one more all-day VEVENT
        (TRANSP:TRANSPARENT). ``stamp`` fixes DTSTAMP (default: now, UTC).
        """
        import icalendar

        zh = str(lang).lower().startswith("zh")
        tz = ZoneInfo(TIMEZONE)
        stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.timezone.utc)
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Planning Workbench//content mix//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-timezone", TIMEZONE)
        cal.add("x-wr-calname", "内容日历" if zh else "Content calendar")
        for it in self.items:
            ev = icalendar.Event()
            ev.add("uid", f"{uid_prefix}-{it.item_id}@workbench")
            ev.add("dtstamp", stamp)
            start = it.start.replace(tzinfo=tz)
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(minutes=duration_minutes))
            slot = _SLOT_LABELS[it.slot][1 if zh else 0]
            if it.position is not None:
                slot = f"{slot} {it.position}" if it.position > 1 else slot
            ev.add("summary", f"{_plat(it.platform, lang)} · {_type(it.content_type, lang)} · "
                              f"{slot}")
            ev.add("status", "CONFIRMED" if it.status in ("approved", "published")
                   else "TENTATIVE")
            status = _STATUS_LABELS[it.status][1 if zh else 0]
            lines = [("审核状态：" if zh else "Review status: ") + status,
                     ("预计阅读：" if zh else "Expected reads: ") + f"{it.expected_reads:,.0f}"]
            if it.marks:
                lines.append(("节日：" if zh else "Marked: ")
                             + "; ".join(m.label(lang) for m in it.marks))
            ev.add("description", "\n".join(lines))
            ev.add("categories", [_plat(it.platform, lang), _type(it.content_type, lang)])
            cal.add_component(ev)
        if include_marks:
            for d, marks in self.marks.items():
                for n, m in enumerate(marks):
                    ev = icalendar.Event()
                    ev.add("uid", f"{uid_prefix}-mark-{d:%Y%m%d}-{n}@workbench")
                    ev.add("dtstamp", stamp)
                    ev.add("dtstart", d)
                    ev.add("dtend", d + dt.timedelta(days=1))
                    ev.add("summary", m.label(lang))
                    ev.add("transp", "TRANSPARENT")
                    ev.add("categories", ["节假日" if m.kind == "holiday" else "购物节"] if zh
                           else ["Holiday" if m.kind == "holiday" else "Festival"])
                    cal.add_component(ev)
        cal.add_missing_timezones()
        return cal.to_ical()


def _parse_start(start: dt.date | str | None) -> dt.date:
    if start is None:
        today = dt.date.today()
        return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    if isinstance(start, dt.datetime):
        return start.date()
    if isinstance(start, dt.date):
        return start
    try:
        return dt.date.fromisoformat(str(start))
    except ValueError:
        raise InputError(f"Cannot read the start date {start!r}.", f"无法识别开始日期 {start!r}。",
                         fix="Use YYYY-MM-DD, e.g. 2026-03-02.",
                         fix_zh="请用 YYYY-MM-DD 格式，例如 2026-03-02。") from None


def _platform_slots(info: Mapping[str, Any] | None) -> tuple[dict[int, list[tuple[int, float]]],
                                                             list[int], np.ndarray]:
    """Per weekday the candidate hours best first, the platform's hours, and weekday scores."""
    by_day: dict[int, list[tuple[int, float]]] = {w: [] for w in range(7)}
    hours = list(info.get("hours", [])) if info else []
    for wd, hr, mult in (info.get("slots", []) if info else []):
        by_day[int(wd)].append((int(hr), float(mult)))
    for w in by_day:
        by_day[w].sort(key=lambda t: (-t[1], t[0]))
    score = np.array([by_day[w][0][1] if by_day[w] else 1.0 for w in range(7)])
    return by_day, hours or list(DEFAULT_POST_HOURS), score


def _hours_for_day(by_day: dict[int, list[tuple[int, float]]], hours: list[int], weekday: int,
                   k: int) -> list[tuple[int, float]]:
    chosen: list[tuple[int, float]] = []
    seen: set[int] = set()
    for h, m in by_day[weekday]:
        if len(chosen) == k:
            break
        chosen.append((h, m))
        seen.add(h)
    for h in list(hours) + list(DEFAULT_POST_HOURS) + list(range(24)):
        if len(chosen) == k:
            break
        if h not in seen:
            chosen.append((h, 1.0))
            seen.add(h)
    return sorted(chosen)


def _arrange(pools_of_slots: list[str], pools: dict[str, dict[str, int]], prev: str | None,
             rank: dict[str, int]) -> list[str] | None:
    """Types for the slots in order so that no two neighbours share a type (None if impossible).

    Depth-first search, most-remaining type first (ties: higher value), pruned by the counting
    bound (a type can fill at most every other remaining slot).
    """
    n = len(pools_of_slots)
    counts = {k: dict(v) for k, v in pools.items()}
    out: list[str] = []
    nodes = 0

    def remaining_total(t: str) -> int:
        return sum(c.get(t, 0) for c in counts.values())

    def ok(i: int, last: str | None) -> bool:
        left = n - i
        for t in rank:
            r = remaining_total(t)
            if r > (left + 1) // 2 or (t == last and r > left // 2):
                return False
        return True

    def dfs(i: int, last: str | None) -> bool:
        nonlocal nodes
        if i == n:
            return True
        nodes += 1
        if nodes > _DFS_NODES or not ok(i, last):
            return False
        pool = counts[pools_of_slots[i]]
        cands = sorted((t for t, c in pool.items() if c > 0 and t != last),
                       key=lambda t: (-remaining_total(t), rank[t]))
        for t in cands:
            pool[t] -= 1
            out.append(t)
            if dfs(i + 1, t):
                return True
            out.pop()
            pool[t] += 1
        return False

    return out if dfs(0, prev) else None


def _greedy(pools_of_slots: list[str], pools: dict[str, dict[str, int]], prev: str | None,
            rank: dict[str, int]) -> list[str]:
    counts = {k: dict(v) for k, v in pools.items()}
    out = []
    last = prev
    for pool_name in pools_of_slots:
        pool = counts[pool_name]
        cands = sorted((t for t, c in pool.items() if c > 0),
                       key=lambda t: (t == last, -pool[t], rank[t]))
        t = cands[0]
        pool[t] -= 1
        out.append(t)
        last = t
    return out


def _calendar(plan_: MixPlan, start: dt.date | str | None, weeks: int) -> Calendar:
    if not isinstance(weeks, (int, np.integer)) or isinstance(weeks, bool) or not 1 <= weeks <= 52:
        raise InputError(f"The calendar covers 1 to 52 weeks, not {weeks!r}.",
                         f"日历可覆盖 1 到 52 周，而不是 {weeks!r}。")
    if not plan_.feasible:
        raise InputError("There is no plan to put on a calendar: " + plan_.message["en"],
                         "没有可排入日历的方案：" + plan_.message["zh"],
                         fix="Relax the conflicting rules first.", fix_zh="请先放宽冲突的规则。")
    first = _parse_start(start)
    weeks = int(weeks)
    last = first + dt.timedelta(days=7 * weeks - 1)
    marks = day_marks(first, last)
    cons = plan_.constraints
    cells = plan_.cells
    value = {(r.platform, r.content_type): float(r.reads_per_post)
             for r in cells.itertuples()}
    items: list[CalendarItem] = []
    warnings: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    prev_type: dict[str, str] = {}
    push_no: dict[str, int] = {}
    # per platform, what a week holds
    weekly: dict[str, dict[str, Any]] = {}
    for p in cons.platforms:
        sub = cells[(cells["platform"] == p) & (cells["posts"] > 0)]
        if sub.empty:
            continue
        counts = {r.content_type: int(r.posts) for r in sub.itertuples()}
        heads = {r.content_type: int(r.headlines) for r in sub.itertuples()}
        rank = {t: i for i, t in enumerate(sorted(counts, key=lambda t: (-value[(p, t)], t)))}
        weekly[p] = {"counts": counts, "heads": heads, "rank": rank,
                     "slots": _platform_slots(plan_.slots.get(p)),
                     "info": plan_.slots.get(p, {})}
    for w in range(weeks):
        days = [first + dt.timedelta(days=7 * w + i) for i in range(7)]
        for p, wk in weekly.items():
            by_day, hours, score = wk["slots"]
            counts, heads, rank = wk["counts"], wk["heads"], wk["rank"]
            N = sum(counts.values())
            order = sorted(range(7), key=lambda i: (-score[days[i].weekday()], i))
            slot_list: list[tuple[dt.datetime, int | None, str, float]] = []
            if p in POSITIONED:
                P = max(sum(heads.values()), 1)
                P = min(P, 7)
                push_days = sorted(order[:P])
                better = sorted(push_days, key=lambda i: order.index(i))
                size = {i: N // P for i in push_days}
                for i in better[:N % P]:
                    size[i] += 1
                head_m = float(wk["info"].get("headline", 1.0))
                sec_m = float(wk["info"].get("secondary", 1.0))
                for i in push_days:
                    d = days[i]
                    hr, mult = _hours_for_day(by_day, hours, d.weekday(), 1)[0]
                    t0 = dt.datetime.combine(d, dt.time(hr))
                    for pos in range(1, size[i] + 1):
                        slot_list.append((t0, pos, "head" if pos == 1 else "sec",
                                          mult * (head_m if pos == 1 else sec_m)))
                pools = {"head": {t: heads.get(t, 0) for t in counts},
                         "sec": {t: counts[t] - heads.get(t, 0) for t in counts}}
            else:
                per_day = {i: N // 7 for i in range(7)}
                for i in order[:N % 7]:
                    per_day[i] += 1
                for i in range(7):
                    if per_day[i] == 0:
                        continue
                    d = days[i]
                    for hr, mult in _hours_for_day(by_day, hours, d.weekday(), per_day[i]):
                        slot_list.append((dt.datetime.combine(d, dt.time(hr)), None, "any", mult))
                pools = {"any": dict(counts)}
            slot_list.sort(key=lambda s: (s[0], s[1] or 0))
            kinds = [s[2] for s in slot_list]
            types = _arrange(kinds, pools, prev_type.get(p), rank)
            if types is None:
                types = _arrange(kinds, pools, None, rank)
            if types is None and len(pools) > 1:
                # the plan's headline split leaves no order without a type back to back: let
                # any type lead a push (the week's counts stay the plan's)
                types = _arrange(["any"] * len(kinds), {"any": dict(counts)}, prev_type.get(p),
                                 rank) or _arrange(["any"] * len(kinds), {"any": dict(counts)},
                                                   None, rank)
                if types is not None:
                    notes.append((f"{_plat(p, 'en')}, week of {days[0]}: headlines changed from "
                                  f"the plan's so that no content type runs back to back.",
                                  f"{_plat(p, 'zh')}，{days[0]} 当周：为避免同类内容连续发布，"
                                  f"头条类型与方案略有不同。"))
            if types is None:
                types = _greedy(kinds, pools, prev_type.get(p), rank)
                warnings.append((f"{_plat(p, 'en')}, week of {days[0]}: the counts leave no order "
                                 f"without a content type back to back.",
                                 f"{_plat(p, 'zh')}，{days[0]} 当周：按发文数量无法避免同类内容"
                                 f"连续发布。"))
            seen: dict[str, int] = {}
            day_seq: dict[dt.date, int] = {}
            for (when, pos, _, mult), t in zip(slot_list, types):
                seen[t] = seen.get(t, 0) + 1
                d = when.date()
                if pos is None:
                    day_seq[d] = day_seq.get(d, 0) + 1
                    n = day_seq[d]
                    push = None
                else:
                    n = pos
                    if pos == 1:
                        push_no[p] = push_no.get(p, 0) + 1
                    push = push_no[p]
                item_id = f"{p}-{d:%Y%m%d}-{n}"
                decay = plan_.decay.get(p, ASSUMED_DECAY)
                exp_reads = value[(p, t)] * mult * decay ** (seen[t] - 1)
                items.append(CalendarItem(item_id, when, p, t, push, pos, float(mult),
                                          float(exp_reads), plan_.statuses.get(item_id, "draft"),
                                          tuple(marks.get(d, ()))))
            if types:
                prev_type[p] = types[-1]
    items.sort(key=lambda it: (it.start, cons.platforms.index(it.platform), it.position or 0))
    plan_.calendar_settings = {"start": first.isoformat(), "weeks": weeks}
    return Calendar(items, marks, first, weeks, cons.account_type, warnings, plan_, notes)



# --------------------------------------------------------------------------------------------
# Target personas from a saved persona set
# --------------------------------------------------------------------------------------------
#: The content types that serve each interest (a stated editorial mapping, not fitted).
INTEREST_TYPES: dict[str, tuple[str, ...]] = {
    "entertainment": ("fun", "interactive"), "tech": ("educational", "news"),
    "education": ("educational",), "lifestyle": ("story", "product"),
    "fashion_beauty": ("product", "story"), "sports": ("event_report", "fun"),
    "games": ("fun", "interactive"), "career": ("educational", "news"),
    "finance": ("news", "educational"), "travel": ("story", "event_report"),
    "food": ("story", "product"), "parenting": ("educational", "story"),
}


def persona_targets(persona_set: Mapping[str, Any], ids: Iterable[int] | None = None,
                    min_posts: int = 2, interests: int = 2) -> list[PersonaTarget]:
    """Target personas from a persona set saved by the personas page (store kind
    ``"personas"``): each chosen persona prefers the content types of its ``interests`` most
    common interests (:data:`INTEREST_TYPES`) and gets at least ``min_posts`` of them a week.

    Examples
    --------
    >>> saved = {"personas": [{"id": 0, "name": {"en": "Students", "zh": "学生"},
    ...                        "interests": [["games", 0.7], ["education", 0.6]]}]}
    >>> persona_targets(saved)[0].content_types
    ('fun', 'interactive', 'educational')
    """
    chosen = None if ids is None else {int(i) for i in ids}
    targets = []
    for record in persona_set.get("personas", []):
        if chosen is not None and int(record.get("id", -1)) not in chosen:
            continue
        types: list[str] = []
        for code, _share in list(record.get("interests", []))[:interests]:
            for kind in INTEREST_TYPES.get(str(code), ()):
                if kind not in types:
                    types.append(kind)
        if not types:
            continue
        name = record.get("name", {})
        targets.append(PersonaTarget(str(name.get("en", f"Persona {record.get('id')}")),
                                     tuple(types), int(min_posts),
                                     name_zh=str(name.get("zh", ""))))
    return targets
