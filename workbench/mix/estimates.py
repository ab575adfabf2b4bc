"""What one post brings, learnt from the articles history: :func:`estimate` and
:class:`Estimates`.

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

The articles table is read by :mod:`workbench.mix.history` (what counts as a usable post).
A rate per read needs at least one read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import i18n, schemas
from ..errors import InputError
from .common import ARTICLES_PER_PUSH, METRICS, POSITIONED, _plat, _Z80
from .history import _check_articles, _History, _history
from .shrinkage import _centre, _dl, _group_eb, _rate_eb

#: Fewer posts than this and :func:`estimate` refuses: the per-cell numbers would be noise.
MIN_HISTORY = 30
#: Cap on a cell's standard error on the log scale (a factor e⁵ ≈ 150 either way: "we know
#: nothing"), so that a rate estimated from almost nothing cannot overflow the intervals.
MAX_SE_LOG = 5.0
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
_Z90_ONE_SIDED = 1.6448536269514722
_BACKFIT_ROUNDS = 4


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
    content_types : the types estimated; :data:`schemas.UNTAGGED` last when posts had none.
    warnings : the notes a page shows as a warning (posts without a content type).

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
    #: the content types estimated: :data:`schemas.CONTENT_TYPES`, and
    #: :data:`schemas.UNTAGGED` last when the history has posts without a type
    content_types: tuple[str, ...] = schemas.CONTENT_TYPES
    #: the notes a planner must see before trusting a plan (posts without a content type), in
    #: :attr:`notes` too
    warnings: list[tuple[str, str]] = field(default_factory=list)
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
        if content_type not in self.content_types or metric not in METRICS:
            raise InputError(f"Unknown content type or metric: {content_type!r}, {metric!r}.",
                             f"未知的内容类型或指标：{content_type!r}、{metric!r}。")
        return float(self._mean[p, self.content_types.index(content_type),
                                METRICS.index(metric)])

    def table(self, metric: str = "reads", value: str = "mean") -> pd.DataFrame:
        """Wide platform × content type table of one ``value`` column for ``metric``."""
        if metric not in METRICS:
            raise InputError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.",
                             f"未知指标 {metric!r}；可选：{', '.join(METRICS)}。")
        sub = self.cells[self.cells["metric"] == metric]
        out = sub.pivot(index="platform", columns="content_type", values=value)
        return out.reindex(index=list(self._platforms), columns=list(self.content_types))

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


def _fit_platform(y: np.ndarray, cell: np.ndarray, pos: np.ndarray, wd: np.ndarray,
                  hr: np.ndarray, positioned: bool, rank: np.ndarray, group: np.ndarray,
                  slope: float | None = None, n_types: int = len(schemas.CONTENT_TYPES)
                  ) -> dict[str, Any]:
    """Backfit type, position, timing and rank effects of one platform's log reads.

    Type, position and timing effects are shrunk (empirical Bayes). ``rank`` is the post's
    order (0, 1, ...) among same-type posts of its week and ``group`` codes that (type, week);
    the rank slope is the within-week regression slope (week fixed effects) when ``slope`` is
    ``None``, else fixed at ``slope``. Type effects are then those of the week's first post.
    ``cell`` codes the type, one of ``n_types``.
    """
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
    decays_given = _check_parameters(conversion_rate, decay)
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
    history = _history(df)
    untagged = _untagged_note(history)
    warnings = [] if untagged is None else [untagged]
    notes += warnings
    decay_fit = _fit_decay(history, decays_given)
    platforms = [_estimate_platform(history, p, decay_fit, conversion_rate)
                 for p in history.platforms]
    notes += [p.note for p in platforms if p.note is not None]
    if not history.has_conversions:
        notes.append((f"No conversions column: conversions are assumed to be follows after "
                      f"reading × {conversion_rate:g}.",
                      f"数据中没有转化列：转化按 阅读后关注 × {conversion_rate:g} 估算。"))
    notes.append(_decay_note(decay_fit, bool(decays_given)))
    est = _estimates(history, platforms, decay_fit, notes,
                     conversion_rate=None if history.has_conversions else float(conversion_rate),
                     decay_fitted=bool(decay_fit.fitted and not decays_given))
    est.warnings = warnings
    return est


# --------------------------------------------------------------------------------------------
# The steps of estimate()
# --------------------------------------------------------------------------------------------
def _check_parameters(conversion_rate: Any, decay: Any) -> dict[str, float]:
    """Refuse a conversion rate outside [0, 1] or a decay outside (0, 1]; the decays the
    planner gave, per platform (``"*"``: every platform)."""
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
    return decays_given


def _fit(history: _History, platform: str, slope: float | None) -> dict[str, Any]:
    """:func:`_fit_platform` on one platform's posts (``slope``: the rank slope, ``None`` to
    fit it); ``"positioned"`` says whether push positions were fitted (10 posts with one)."""
    rows = history.platform == platform
    y = np.log1p(np.maximum(history.metrics[rows, 0], 0))
    positioned = platform in POSITIONED and (history.position[rows] >= 0).sum() >= 10
    group = pd.factorize(history.week_group[rows])[0].astype(np.int64)
    out = _fit_platform(y, history.content_type[rows], history.position[rows],
                        history.weekday[rows], history.hour[rows], positioned,
                        history.rank[rows], group, slope, len(history.types))
    out["positioned"] = positioned
    return out


@dataclass
class _DecayFit:
    """Diminishing returns per platform, and the pooled fit the notes report."""

    free: dict[str, dict[str, Any]]     # pass 1 per platform: the rank slope fitted freely
    decays: dict[str, float]            # the decay used
    slopes: dict[str, float]            # the rank slope pass 2 holds fixed: log(decay) or 0
    rows: list[dict[str, Any]]          # the Estimates.decay table
    fitted: bool                        # the pooled slope is clearly below zero
    pooled_slope: float
    pooled_se: float
    pooled_pairs: float
    upper: float                        # upper end of the pooled slope's one-sided 90 % bound


def _fit_decay(history: _History, decays_given: Mapping[str, float]) -> _DecayFit:
    """Pass 1: the rank slope per platform (week fixed effects), pooled; per-platform slopes
    shrunk towards the pool when it is clearly below zero; else the decay given or assumed."""
    order = history.platforms
    free = {p: _fit(history, p, None) for p in order}
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
    shrunk_b = _dl(per_b, per_se ** 2)[0] if decay_fitted else np.zeros(len(order))
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
    return _DecayFit(free, decays, slope_of, decay_rows, bool(decay_fitted), b_all, se_all,
                     pairs_all, upper)


@dataclass
class _PlatformEstimate:
    """What :func:`_estimate_platform` learnt about one platform."""

    mean: np.ndarray            # (types, metrics) per post in a typical slot
    se_log: np.ndarray          # (types, metrics)
    posts: np.ndarray           # (types,) posts in the history
    log_sd: float               # post-to-post noise of log reads
    cells: list[dict[str, Any]]
    positions: list[dict[str, Any]]
    slots: tuple[float, float] | None   # (headline, secondary) on a push platform
    timing: list[dict[str, Any]]
    summary: dict[str, Any]     # the platform's row of Estimates.platforms
    note: tuple[str, str] | None        # thin cells


def _estimate_platform(history: _History, p: str, decay_fit: _DecayFit,
                       conversion_rate: float) -> _PlatformEstimate:
    """Pass 2: type, slot and timing effects with the rank slope fixed at the decay used
    (history), or at 0 (assumed or given: the cell levels are then the average post's)."""
    rows = history.platform == p
    fit = _fit(history, p, decay_fit.slopes[p])
    counts = fit["counts"]
    mean, se_log, rates = _cell_means(history, rows, fit, conversion_rate)
    slots = None
    positions: list[dict[str, Any]] = []
    if decay_fit.free[p]["positioned"]:
        positions, slots = _position_rows(p, fit)
    span_days = (history.times[rows].max() - history.times[rows].min()).days + 1
    weeks = max(span_days / 7.0, 1.0)
    sd = float(np.std(fit["resid"]))
    summary = {
        "platform": p, "posts": int(rows.sum()), "weeks": weeks,
        "posts_per_week": float(rows.sum() / weeks),
        "mean_reads": float(np.exp(fit["mu"] + float((fit["a"] * counts).sum()
                                                      / max(counts.sum(), 1)))
                            * fit["smear"] - 1),
        "log_sd": sd, "tau": float(np.sqrt(np.var(fit["a"][counts > 0]))) if (counts > 0).any()
        else 0.0,
    }
    return _PlatformEstimate(
        mean=mean, se_log=se_log, posts=counts, log_sd=sd,
        cells=_cell_rows(history, rows, p, fit, mean, se_log, rates, conversion_rate),
        positions=positions, slots=slots, timing=_timing_rows(history, rows, p, fit),
        summary=summary, note=_thin_note(p, counts, history.types))


def _cell_means(history: _History, rows: np.ndarray, fit: dict[str, Any],
                conversion_rate: float
                ) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, ...]]]:
    """Per content type and metric: the mean per post, its standard error on the log scale
    (capped at :data:`MAX_SE_LOG`), and the shrunk rates per read of the other metrics."""
    n_types = len(history.types)
    mean = np.zeros((n_types, len(METRICS)))
    se_log = np.zeros((n_types, len(METRICS)))
    level = fit["mu"] + fit["a"]
    reads_mean = np.maximum(np.exp(level) * fit["smear"] - 1, 0)
    reads_se = np.sqrt(fit["a_post"])
    rates = {}
    for mi, m in enumerate(METRICS[1:], start=1):
        if m == "conversions" and not history.has_conversions:
            continue
        rates[m] = _rate_eb(history.metrics[rows, mi], history.metrics[rows, 0],
                            history.content_type[rows], n_types)
    mean[:, 0] = reads_mean
    se_log[:, 0] = reads_se
    for mi, m in enumerate(METRICS[1:], start=1):
        if m in rates:
            rate, rate_sd, _ = rates[m]
            mean[:, mi] = reads_mean * rate
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(rate > 0, rate_sd / np.maximum(rate, 1e-300), 0.0)
            se_log[:, mi] = np.sqrt(reads_se ** 2 + rel ** 2)
    if not history.has_conversions:
        mean[:, 4] = mean[:, 3] * conversion_rate
        se_log[:, 4] = se_log[:, 3]
    se_log = np.fmin(se_log, MAX_SE_LOG)       # NaN (no information) → the cap
    return mean, se_log, rates


def _cell_rows(history: _History, rows: np.ndarray, p: str, fit: dict[str, Any],
               mean: np.ndarray, se_log: np.ndarray, rates: dict[str, tuple[np.ndarray, ...]],
               conversion_rate: float) -> list[dict[str, Any]]:
    """The platform's rows of :attr:`Estimates.cells`."""
    n_types = len(history.types)
    out = []
    for ci, c in enumerate(history.types):
        in_cell = rows & (history.content_type == ci)
        for mi, m in enumerate(METRICS):
            vals = history.metrics[in_cell, mi]
            if m == "conversions" and not history.has_conversions:
                vals = history.metrics[in_cell, 3] * conversion_rate
            vals = vals[~np.isnan(vals)]
            mu_m = float(mean[ci, mi])
            s = float(se_log[ci, mi])
            if m == "reads":
                shrink = 1.0 - float(fit["a_own"][ci])
            elif m in rates:
                shrink = 1.0 - float(rates[m][2][ci])
            else:
                shrink = 1.0 - float(rates.get("follows", (0, 0, np.zeros(n_types)))[2][ci])
            out.append({
                "platform": p, "content_type": c, "metric": m, "posts": int(fit["counts"][ci]),
                "raw_mean": float(vals.mean()) if len(vals) else np.nan,
                "mean": mu_m, "low": mu_m * math.exp(-_Z80 * s),
                "high": mu_m * math.exp(_Z80 * s), "se_log": s, "shrinkage": shrink,
            })
    return out


def _position_rows(p: str, fit: dict[str, Any]
                   ) -> tuple[list[dict[str, Any]], tuple[float, float]]:
    """A push platform's rows of :attr:`Estimates.positions`, and its (headline, secondary)
    reads multipliers (secondary: the positions 2..8 averaged by their posts)."""
    mult = np.exp(fit["p_eff"])
    out = []
    for k in range(ARTICLES_PER_PUSH):
        if fit["p_n"][k] > 0:
            out.append({"platform": p, "position": k + 1, "posts": int(fit["p_n"][k]),
                        "raw_multiplier": float(np.exp(fit["p_raw"][k])),
                        "multiplier": float(mult[k])})
    sec_n = fit["p_n"][1:]
    head = float(mult[0])
    sec = float((mult[1:] * sec_n).sum() / sec_n.sum()) if sec_n.sum() > 0 else head
    return out, (head, sec)


def _timing_rows(history: _History, rows: np.ndarray, p: str, fit: dict[str, Any]
                 ) -> list[dict[str, Any]]:
    """The platform's rows of :attr:`Estimates.timing`: every weekday at every hour the
    platform has published at."""
    hr, wd = history.hour[rows], history.weekday[rows]
    hours_seen = np.unique(hr)
    n_wh = np.bincount(wd * 24 + hr, minlength=7 * 24).reshape(7, 24)
    eff = fit["w"][:, None] + fit["h"][None, :] + fit["i"]
    out = []
    for w_ in range(7):
        for h_ in hours_seen:
            out.append({"platform": p, "weekday": w_, "hour": int(h_),
                        "posts": int(n_wh[w_, h_]), "multiplier": float(np.exp(eff[w_, h_]))})
    return out


def _thin_note(p: str, counts: np.ndarray, types: tuple[str, ...]) -> tuple[str, str] | None:
    """The note for content types with fewer than 5 posts on the platform, if any (none when
    the platform has no tagged post at all: the untagged note says so, and no type is planned
    there but untagged)."""
    tagged = np.array([c != schemas.UNTAGGED for c in types])
    if not counts[tagged].any():
        return None
    thin = [c for ci, c in enumerate(types) if tagged[ci] and counts[ci] < 5]
    if not thin:
        return None
    return (f"{_plat(p, 'en')}: thin history for "
            f"{', '.join(i18n.level('content_type', c, 'en') for c in thin)} (fewer "
            "than 5 posts); their estimates lean on the platform average.",
            f"{_plat(p, 'zh')}："
            f"{'、'.join(i18n.level('content_type', c, 'zh') for c in thin)} 的历史"
            "不足 5 篇，估计值主要参考该平台的平均水平。")


def _untagged_note(history: _History) -> tuple[str, str] | None:
    """The warning for posts without a content type, if any: how many, where, and what the
    plan does with them."""
    if schemas.UNTAGGED not in history.types:
        return None
    untagged = history.content_type == history.types.index(schemas.UNTAGGED)
    n, total = int(untagged.sum()), len(untagged)
    only = [p for p in history.platforms if untagged[history.platform == p].all()]
    where_en = where_zh = ""
    if only:
        where_en = (f" {', '.join(_plat(p, 'en') for p in only)} "
                    f"{'has' if len(only) == 1 else 'have'} no tagged post, so "
                    f"{'its' if len(only) == 1 else 'their'} posts are planned as untagged only.")
        where_zh = (f"{'、'.join(_plat(p, 'zh') for p in only)}没有已标注的文章，"
                    "只能按“未标注”规划。")
    return (f"Warning: {n:,} of {total:,} posts have no content type; they are planned as their "
            f"own type, Untagged, and no share or persona rule counts them.{where_en} Tag them "
            "on the Data page (rules or suggestions) to plan a content mix.",
            f"注意：{total:,} 篇中有 {n:,} 篇没有内容类型，按单独的“未标注”类型规划，"
            f"不计入占比和人设规则。{where_zh}请在数据页用规则或建议为它们标注内容类型，"
            "以便规划内容配比。")


def _decay_note(decay_fit: _DecayFit, given: bool) -> tuple[str, str]:
    """Where the decay came from, with the pooled fit and its 90 % interval."""
    b, se, upper = decay_fit.pooled_slope, decay_fit.pooled_se, decay_fit.upper
    lo = math.exp(b - _Z90_ONE_SIDED * se) if np.isfinite(se) else 0
    hi = math.exp(upper) if np.isfinite(upper) else math.inf
    fitted_text = (f"pooled fit {math.exp(b):.3f} (90 % interval {lo:.3f}–{hi:.3f}, "
                   f"{int(decay_fit.pooled_pairs)} within-week pairs)")
    fitted_zh = (f"历史拟合 {math.exp(b):.3f}（90% 区间 {lo:.3f}–{hi:.3f}，"
                 f"{int(decay_fit.pooled_pairs)} 对同周文章）")
    if given:
        return (f"Diminishing returns: decay given by the planner ({fitted_text}).",
                f"边际递减：衰减系数由策划人给定（{fitted_zh}）。")
    if decay_fit.fitted:
        return (f"Diminishing returns fitted from the history: {fitted_text}; per "
                "platform shrunk towards it.",
                f"边际递减由历史数据拟合：{fitted_zh}；各平台向其收缩。")
    return (f"Diminishing returns assumed at {ASSUMED_DECAY:g} a post: the history "
            f"shows no clear decay ({fitted_text}).",
            f"边际递减假定为每多发一篇 ×{ASSUMED_DECAY:g}：历史数据看不出明显衰减"
            f"（{fitted_zh}）。")


def _estimates(history: _History, platforms: list[_PlatformEstimate], decay_fit: _DecayFit,
               notes: list[tuple[str, str]], *, conversion_rate: float | None,
               decay_fitted: bool) -> Estimates:
    """The platforms' results as the tables and solver arrays of :class:`Estimates`."""
    order = history.platforms
    mean = np.stack([p.mean for p in platforms])
    posts = np.stack([p.posts for p in platforms])
    cells = pd.DataFrame([row for p in platforms for row in p.cells])
    for col in ("platform", "content_type", "metric"):
        levels = {"platform": order, "content_type": history.types,
                  "metric": METRICS}[col]
        cells[col] = pd.Categorical(cells[col], categories=list(levels))
    positions = pd.DataFrame([row for p in platforms for row in p.positions],
                             columns=["platform", "position", "posts", "raw_multiplier",
                                      "multiplier"])
    timing = pd.DataFrame([row for p in platforms for row in p.timing],
                          columns=["platform", "weekday", "hour", "posts", "multiplier"])
    summary = pd.DataFrame([p.summary for p in platforms])
    ppw = posts / summary["weeks"].to_numpy()[:, None]
    reference = {m: float((ppw * mean[:, :, mi]).sum()) for mi, m in enumerate(METRICS)}
    return Estimates(
        cells=cells, positions=positions, timing=timing, decay=pd.DataFrame(decay_fit.rows),
        platforms=summary, reference=reference, conversion_rate=conversion_rate,
        decay_fitted=decay_fitted, notes=notes, content_types=history.types,
        _platforms=tuple(order), _mean=mean, _se_log=np.stack([p.se_log for p in platforms]),
        _posts=posts, _log_sd=np.array([p.log_sd for p in platforms]),
        _slots={p: est.slots for p, est in zip(order, platforms) if est.slots is not None},
        _decay=decay_fit.decays,
    )
