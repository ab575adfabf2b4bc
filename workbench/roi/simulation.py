"""Activity ROI (活动ROI): is an activity worth its cost, and how sure are we?

A planner describes an activity as an :class:`ActivityEstimate`: its funnel (reach → participation
→ conversion → order value × margin, plus follows × the value of a follower × their retention)
and its costs (fixed: prizes, venue, materials, KOL fee, staff hours × hourly cost; variable: a
cost per participant, coupons redeemed × face value, ad impressions × CPM and clicks × CPC).
Every input is a three-point estimate :class:`Range` ``(low, likely, high)``; :func:`simulate`
draws them all, and the :class:`RoiResult` says how the ROI is spread, where each input breaks
even and which inputs matter most.

The model (per draw)::

    participants = reach × participation_rate
    conversions  = participants × conversion_rate
    follows      = participants × follow_rate
    value  = conversions × value_per_conversion × margin
           + follows × retention × follower_value
    cost   = cost_prizes + cost_venue + cost_materials + cost_kol + staff_hours × staff_rate
           + participants × (cost_per_participant + coupon_redemption × coupon_face_value)
           + ad_impressions × cpm / 1000 + ad_clicks × cpc
    profit = value − cost;   ROI = profit ÷ cost           (DOMAIN.md)

Design decisions
----------------
* **PERT draws by inverse CDF.** A range with ``low < high`` is the PERT distribution: ``low +
  (high − low) × Beta(α, β)`` with ``α = 1 + 4 (likely − low) / (high − low)`` and ``β = 1 + 4
  (high − likely) / (high − low)``, whose mean is ``(low + 4 likely + high) / 6``. Draws are
  uniforms pushed through a table of the Beta quantile function (:data:`TABLE_NODES` + 1 nodes
  of ``scipy.special.betaincinv``, cached per range, linear in between), computed in place.
  That is 5-10× faster than ``Generator.beta`` (which alone takes 45 ms per input for a
  million draws), and the error in the mean is below 1e-4 of the range for every PERT shape.
* **float32 draws.** Draws and samples are ``float32`` (:data:`DTYPE`): seven significant
  digits are far finer than any planner's estimate, and half the memory traffic is what
  brings a million draws of a dozen inputs under 200 ms. Means and spreads are summed in
  float64; an estimate with no uncertain input gets its summary from the float64 model, exact.
* **Correlation** (e.g. reach and participation, or a coupon's redemption and the conversion
  rate) is a Gaussian copula: ``ρ`` is the correlation of the normal scores (the draws' rank
  correlation is ``6/π · asin(ρ/2)``, nearly ``ρ``). Each input keeps its PERT distribution:
  correlated inputs look their normal scores up in a table of ``F⁻¹(Φ(z))`` over
  ``|z| ≤`` :data:`NORMAL_SPAN`, so the copula costs one more table, not a call to ``Φ``.
* **Tornado in closed form.** The tornado moves one input from low to high with the others at
  their likely values, so each bar is two exact model evaluations, not a simulation; the rank
  (Spearman) correlation of each input's draws with the ROI, on at most
  :data:`SPEARMAN_DRAWS` draws, shows what matters when everything varies together.
* **Break-even in closed form.** With the others fixed, profit is a straight line in any one
  input (the model is a sum of products), so the break-even value is ``x₀ − p(x₀)/slope``;
  ``scipy.optimize.brentq`` is the fallback should the model ever become non-linear.
* **Bounded inputs.** Counts and amounts are at most :data:`MAX_AMOUNT` (a trillion), so no
  product of inputs leaves float32's range; a cost that rounds to nothing at float32 precision
  is no cost (``simulate`` refuses), and a ratio over an almost-zero cost is clipped to the
  largest float32 rather than infinite.
* **Lazy analysis.** ``RoiResult.summary`` is computed by :func:`simulate`;
  ``RoiResult.break_even`` and ``RoiResult.sensitivity`` on first use, so a dashboard can
  redraw the histogram without paying for the tornado.

Examples
--------
>>> from workbench import roi
>>> est = roi.template("lottery")
>>> res = roi.simulate(est, n=20_000, seed=1)
>>> 0 < res.summary["p_roi_positive"] < 1
True
>>> res.sensitivity.index[0] in roi.INPUT_KEYS
True
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from .. import i18n, schemas
from ..errors import InputError

__all__ = [
    "ACTIVITY_TYPES", "ActivityEstimate", "INPUTS", "INPUT_KEYS", "INPUT_LABELS", "InputSpec",
    "DEFAULT_CPM", "DTYPE", "MAX_AMOUNT", "MAX_DRAWS", "MIN_HISTORY", "NORMAL_SPAN",
    "OUTPUT_LABELS", "PRIOR_QUANTILES", "Range", "RoiResult", "SPEARMAN_DRAWS", "TABLE_NODES",
    "break_even", "evaluate", "input_label", "priors", "sensitivity", "simulate", "template",
]

ACTIVITY_TYPES: tuple[str, ...] = schemas.ACTIVITY_TYPES
#: Nodes of the PERT quantile table (see the module notes).
TABLE_NODES = 2048
#: The rank correlations of the sensitivity table use at most this many draws.
SPEARMAN_DRAWS = 20_000  # rank correlations to about ±0.01; 100,000 cost 60 ms a redraw
#: Fewer past activities (or usable values) than this and :func:`priors` keeps the template.
MIN_HISTORY = 3
#: The quantiles :func:`priors` takes for low / likely / high.
PRIOR_QUANTILES = (0.10, 0.50, 0.90)
#: CPM (CNY) at which :func:`priors` splits past ad spend into impressions when the type's
#: template buys no ads.
DEFAULT_CPM = 90.0
#: dtype of the draws and samples (see the module notes).
DTYPE = np.float32
#: Normal scores beyond ±this are clipped in the copula's tables (probability 2e-9).
NORMAL_SPAN = 6.0
#: Most draws :func:`simulate` makes (a dozen inputs of ten million draws is about 1 GB).
MAX_DRAWS = 10_000_000
#: Largest count or amount (CNY) an input may take: a trillion. Products of inputs then stay far
#: inside :data:`DTYPE`'s range (about 3.4e38), so no draw overflows.
MAX_AMOUNT = 1e12
#: Ratios (ROI, cost per conversion, per follow) are clipped to ± the largest :data:`DTYPE`
#: (a cost that rounds to almost nothing would otherwise make them infinite).
_RATIO_MAX = float(np.finfo(DTYPE).max)
PAYLOAD_VERSION = 1


# --------------------------------------------------------------------------------------------
# Inputs: keys, labels, units, bounds
# --------------------------------------------------------------------------------------------
class InputSpec(NamedTuple):
    """What one input is.

    Attributes
    ----------
    key : the stable key (a field of :class:`ActivityEstimate`, a key of payloads).
    en, zh : labels for the dashboard.
    kind : ``"count"`` (≥ 0), ``"rate"`` (a share in [0, 1]) or ``"money"`` (CNY, ≥ 0).
    unit : ``"people"``, ``"share"``, ``"CNY"``, ``"CNY/hour"``, ``"hours"``, ...
    group : ``"funnel"``, ``"fixed_cost"`` or ``"variable_cost"``.
    default : the value when not given (1 for margin and retention, else 0).
    """

    key: str
    en: str
    zh: str
    kind: str
    unit: str
    group: str
    default: float = 0.0


INPUTS: tuple[InputSpec, ...] = (
    InputSpec("reach", "Reach (people exposed)", "曝光人数", "count", "people", "funnel"),
    InputSpec("participation_rate", "Participation rate (of reach)", "参与率（占曝光）", "rate",
              "share", "funnel"),
    InputSpec("conversion_rate", "Conversion rate (of participants)", "转化率（占参与）", "rate",
              "share", "funnel"),
    InputSpec("value_per_conversion", "Order value per conversion", "每次转化的客单价", "money",
              "CNY", "funnel"),
    InputSpec("margin", "Gross margin on that value", "毛利率", "rate", "share", "funnel", 1.0),
    InputSpec("follow_rate", "Follows per participant", "关注率（每位参与者）", "rate", "share",
              "funnel"),
    InputSpec("follower_value", "Value of a follower", "单个粉丝价值", "money", "CNY", "funnel"),
    InputSpec("retention", "Retention of new follows", "新粉留存率", "rate", "share", "funnel",
              1.0),
    InputSpec("cost_prizes", "Prizes", "奖品成本", "money", "CNY", "fixed_cost"),
    InputSpec("cost_venue", "Venue", "场地费用", "money", "CNY", "fixed_cost"),
    InputSpec("cost_materials", "Materials", "物料费用", "money", "CNY", "fixed_cost"),
    InputSpec("cost_kol", "KOL fee", "KOL费用", "money", "CNY", "fixed_cost"),
    InputSpec("staff_hours", "Staff hours", "人力工时", "count", "hours", "fixed_cost"),
    InputSpec("staff_rate", "Staff cost per hour", "人力时薪", "money", "CNY/hour",
              "fixed_cost"),
    InputSpec("cost_per_participant", "Cost per participant", "每位参与者成本", "money",
              "CNY/participant", "variable_cost"),
    InputSpec("coupon_face_value", "Coupon face value", "优惠券面额", "money", "CNY/coupon",
              "variable_cost"),
    InputSpec("coupon_redemption", "Coupon redemption (of participants)", "优惠券核销率（占参与）",
              "rate", "share", "variable_cost"),
    InputSpec("ad_impressions", "Ad impressions", "广告曝光量", "count", "impressions",
              "variable_cost"),
    InputSpec("cpm", "CPM (cost per 1,000 impressions)", "千次曝光成本（CPM）", "money", "CNY",
              "variable_cost"),
    InputSpec("ad_clicks", "Ad clicks", "广告点击量", "count", "clicks", "variable_cost"),
    InputSpec("cpc", "CPC (cost per click)", "单次点击成本（CPC）", "money", "CNY",
              "variable_cost"),
)
_SPEC: dict[str, InputSpec] = {s.key: s for s in INPUTS}
#: Every input key, in display order.
INPUT_KEYS: tuple[str, ...] = tuple(_SPEC)
#: ``{input key: (English label, Chinese label)}``.
INPUT_LABELS: dict[str, tuple[str, str]] = {s.key: (s.en, s.zh) for s in INPUTS}
#: ``{sample key: (English label, Chinese label)}`` for the arrays in ``RoiResult.samples``.
OUTPUT_LABELS: dict[str, tuple[str, str]] = {
    "participants": ("Participants", "参与人数"),
    "conversions": ("Conversions", "转化人数"),
    "follows": ("Follows gained", "新增关注"),
    "value": ("Value (CNY)", "价值（元）"),
    "cost": ("Cost (CNY)", "成本（元）"),
    "profit": ("Profit (CNY)", "利润（元）"),
    "roi": ("ROI", "投资回报率 ROI"),
    "cost_per_conversion": ("Cost per conversion (CNY)", "单次转化成本（元）"),
    "cost_per_follow": ("Cost per follow (CNY)", "单个关注成本（元）"),
}
_COST_KEYS = tuple(s.key for s in INPUTS if s.group != "funnel")
_SOURCES = ("template", "history", "calibrated", "user")


def input_label(key: str, lang: str = "en") -> str:
    """The label of an input (or a sample key) in ``lang``.

    Examples
    --------
    >>> input_label("participation_rate", "zh")
    '参与率（占曝光）'
    """
    en, zh = INPUT_LABELS.get(key) or OUTPUT_LABELS.get(key) or (key, key)
    return zh if str(lang).lower().startswith("zh") else en


def _names(key: str | None) -> tuple[str, str]:
    if key is None:
        return "A three-point estimate", "三点估计"
    en, zh = INPUT_LABELS.get(key, (key, key))
    return f"{en} ({key})", f"{zh}（{key}）"


def _number(key: str | None, what: str, what_zh: str, value: Any) -> float:
    """``value`` as a finite float, or an :class:`InputError` naming the input."""
    en, zh = _names(key)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise InputError(f"{en}: the {what} value {value!r} is not a number.",
                         f"{zh}：{what_zh}值 {value!r} 不是数字。",
                         fix="Enter a number (no units or text; a share like 5 % as 0.05).",
                         fix_zh="请输入数字（不带单位或文字；比例如 5% 请输入 0.05）。")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{en}: the {what} value must be a finite number, not {x}.",
                         f"{zh}：{what_zh}值必须是有限数字，而不是 {x}。",
                         fix="Enter an ordinary number.", fix_zh="请输入普通数字。")
    return x


def _triple(key: str | None, low: Any, likely: Any, high: Any) -> tuple[float, float, float]:
    """Numbers, ``low ≤ likely ≤ high``, and the bounds of ``key``'s kind."""
    lo = _number(key, "low", "最低", low)
    mid = _number(key, "likely", "最可能", likely)
    hi = _number(key, "high", "最高", high)
    en, zh = _names(key)
    if not lo <= mid <= hi:
        raise InputError(
            f"{en}: low ≤ likely ≤ high is needed, got low {lo:g}, likely {mid:g}, high {hi:g}.",
            f"{zh}：需要 最低 ≤ 最可能 ≤ 最高，现在是 最低 {lo:g}、最可能 {mid:g}、最高 {hi:g}。",
            fix="Put the smallest plausible value in low and the largest in high.",
            fix_zh="请把可能的最小值填在“最低”，最大值填在“最高”。")
    spec = _SPEC.get(key) if key else None
    if spec is None:
        return lo, mid, hi
    if spec.kind == "rate" and not (0.0 <= lo and hi <= 1.0):
        raise InputError(
            f"{en} is a share between 0 and 1; got {lo:g} – {hi:g}.",
            f"{zh} 是 0 到 1 之间的比例；现在是 {lo:g} – {hi:g}。",
            fix="Enter shares as fractions: 5 % is 0.05, 100 % is 1.",
            fix_zh="比例请输入小数：5% 输入 0.05，100% 输入 1。")
    noun, noun_zh = (("a cost", "成本") if spec.kind == "money" and spec.group != "funnel"
                     else ("an amount", "数值") if spec.kind == "money"
                     else ("a count", "数量"))
    if lo < 0:
        raise InputError(f"{en} is {noun} and cannot be negative; got low {lo:g}.",
                         f"{zh} 是{noun_zh}，不能为负数；现在最低为 {lo:g}。",
                         fix="Enter 0 or more.", fix_zh="请输入 0 或更大的数。")
    if hi > MAX_AMOUNT:
        raise InputError(f"{en} is {noun} of at most {MAX_AMOUNT:,.0f} (a trillion); got high "
                         f"{hi:g}.",
                         f"{zh} 是{noun_zh}，最多为 {MAX_AMOUNT:,.0f}（一万亿）；现在最高为 {hi:g}。",
                         fix="Check the units: amounts are in CNY, counts in people, "
                             "impressions or clicks.",
                         fix_zh="请检查单位：金额以元计，数量以人数、曝光量或点击量计。")
    return lo, mid, hi


# --------------------------------------------------------------------------------------------
# Range: a three-point estimate
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """A three-point estimate: PERT-distributed between ``low`` and ``high``, peaked at ``likely``.

    ``low == high`` (hence ``== likely``) is a fixed value. Construction checks that the three
    are numbers with ``low ≤ likely ≤ high``; the bounds of a particular input (a rate in [0, 1],
    a cost ≥ 0) are checked by :class:`ActivityEstimate`, which knows the input's name.

    Examples
    --------
    >>> r = Range(0.02, 0.05, 0.11)
    >>> round(r.mean, 4)                     # (low + 4 likely + high) / 6
    0.055
    >>> Range.fixed(3).is_fixed, Range.of((1, 2, 4)).high
    (True, 4.0)
    """

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        lo, mid, hi = _triple(None, self.low, self.likely, self.high)
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "likely", mid)
        object.__setattr__(self, "high", hi)

    @classmethod
    def fixed(cls, value: float) -> "Range":
        """A value known exactly (``low = likely = high``)."""
        return cls(value, value, value)

    @classmethod
    def of(cls, value: Any, key: str | None = None) -> "Range":
        """A :class:`Range` from a Range, a number, ``(low, likely, high)`` or a dict with those
        keys; errors name ``key`` when given (and check its bounds)."""
        if isinstance(value, Range):
            triple: tuple[Any, Any, Any] = (value.low, value.likely, value.high)
        elif isinstance(value, Mapping):
            try:
                triple = (value["low"], value["likely"], value["high"])
            except KeyError:
                triple = _bad_shape(key, value)
        elif isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                                  and value.ndim == 1):
            items = list(value)
            triple = (items[0], items[1], items[2]) if len(items) == 3 else _bad_shape(key, value)
        else:
            triple = (value, value, value)
        return cls(*_triple(key, *triple))

    @property
    def is_fixed(self) -> bool:
        return self.low == self.high

    @property
    def mean(self) -> float:
        """``(low + 4 likely + high) / 6``."""
        return (self.low + 4.0 * self.likely + self.high) / 6.0

    @property
    def shape(self) -> tuple[float, float]:
        """The Beta parameters ``(α, β)`` of the PERT distribution (``(1, 1)`` when fixed)."""
        width = self.high - self.low
        if width == 0:
            return 1.0, 1.0
        return (1.0 + 4.0 * (self.likely - self.low) / width,
                1.0 + 4.0 * (self.high - self.likely) / width)

    @property
    def std(self) -> float:
        """Standard deviation of the PERT distribution."""
        a, b = self.shape
        width = self.high - self.low
        return width * math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    def ppf(self, u: Any) -> Any:
        """The exact quantile function (``scipy.special.betaincinv``) at probabilities ``u``."""
        if self.is_fixed:
            return np.full_like(np.asarray(u, dtype=float), self.low)
        a, b = self.shape
        return self.low + (self.high - self.low) * special.betaincinv(a, b, u)

    def to_list(self) -> list[float]:
        return [self.low, self.likely, self.high]


def _bad_shape(key: str | None, value: Any) -> Any:
    en, zh = _names(key)
    raise InputError(f"{en}: expected a number or three numbers (low, likely, high), "
                     f"got {value!r}.",
                     f"{zh}：应为一个数字或三个数字（最低、最可能、最高），现在是 {value!r}。",
                     fix="Give one number for a known value, or low, likely and high.",
                     fix_zh="已知值填一个数字，不确定的值填最低、最可能、最高三个数字。")


@functools.lru_cache(maxsize=1024)
def _table(r: Range, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """``r``'s quantile function at :data:`TABLE_NODES` + 1 evenly spaced points, and its
    steps, as :data:`DTYPE`: on the probability scale (``scale="uniform"``, points ``0, 1/M,
    ..., 1``), or composed with Φ on the normal scale (``"normal"``, points ``-Z ... Z`` with
    ``Z =`` :data:`NORMAL_SPAN`) so the copula's normal scores map straight to draws."""
    a, b = r.shape
    p = np.linspace(0.0, 1.0, TABLE_NODES + 1)
    if scale == "normal":
        p = special.ndtr(np.linspace(-NORMAL_SPAN, NORMAL_SPAN, TABLE_NODES + 1))
    q = r.low + (r.high - r.low) * special.betaincinv(a, b, p)
    if scale == "uniform":
        q[0], q[-1] = r.low, r.high
    dq = np.diff(q).astype(DTYPE)
    q = q.astype(DTYPE)
    q.setflags(write=False)
    dq.setflags(write=False)
    return q, dq


def _pert_inplace(x: np.ndarray, r: Range, idx: np.ndarray, tmp: np.ndarray,
                  scale: str = "uniform") -> None:
    """Turn uniforms (or standard normal scores, ``scale="normal"``) ``x`` into PERT draws of
    ``r`` in place: linear interpolation in :func:`_table` (``idx``, ``tmp``: workspace)."""
    q, dq = _table(r, scale)
    if scale == "normal":                               # -Z..Z → 0..M, tails beyond Z clipped
        np.add(x, NORMAL_SPAN, out=x)
        np.multiply(x, TABLE_NODES / (2 * NORMAL_SPAN), out=x)
        np.clip(x, 0.0, TABLE_NODES * (1 - 1e-6), out=x)
    else:                                               # 0..1 → 0..M (M·u < M in float32)
        np.multiply(x, TABLE_NODES, out=x)
    np.copyto(idx, x, casting="unsafe")                 # floor, as x >= 0
    np.subtract(x, idx, out=x)                          # position inside the cell
    # mode="clip" is the unbuffered take (2x faster with out=), and a guard on the index.
    np.take(dq, idx, out=tmp, mode="clip")
    np.multiply(x, tmp, out=x)
    np.take(q, idx, out=tmp, mode="clip")
    np.add(x, tmp, out=x)


# --------------------------------------------------------------------------------------------
# The estimate
# --------------------------------------------------------------------------------------------
def _zero() -> Range:
    return Range(0.0, 0.0, 0.0)


def _one() -> Range:
    return Range(1.0, 1.0, 1.0)


@dataclass(frozen=True)
class ActivityEstimate:
    """A planned activity: its type, every uncertain input as a :class:`Range`, and notes.

    Inputs may be given as a :class:`Range`, a number (fixed) or ``(low, likely, high)``; they
    are checked on construction, and a bad one raises :class:`~workbench.errors.InputError`
    naming it in English and Chinese. Unset inputs are 0, except ``margin`` and ``retention``
    (1). See the module docstring for the model and :data:`INPUTS` for keys, labels and units.

    Attributes
    ----------
    activity_type : one of :data:`ACTIVITY_TYPES`.
    reach, participation_rate, ... : the inputs (:data:`INPUT_KEYS`).
    name : the planner's name for the activity.
    correlation : ``{(key_a, key_b): rho}``, used by :func:`simulate` unless it is given one.
    note : ``{"en": ..., "zh": ...}`` where the numbers came from.
    sources : ``{key: "template" | "history" | "calibrated" | "user"}``.

    Examples
    --------
    >>> est = ActivityEstimate("vote", reach=(20_000, 30_000, 50_000),
    ...                        participation_rate=(0.05, 0.08, 0.12), staff_hours=20,
    ...                        staff_rate=100)
    >>> est.uncertain()
    ['reach', 'participation_rate']
    >>> est.replace(staff_hours=(15, 20, 30)).staff_hours.high
    30.0
    """

    activity_type: str
    _: KW_ONLY
    reach: Range = field(default_factory=_zero)
    participation_rate: Range = field(default_factory=_zero)
    conversion_rate: Range = field(default_factory=_zero)
    value_per_conversion: Range = field(default_factory=_zero)
    margin: Range = field(default_factory=_one)
    follow_rate: Range = field(default_factory=_zero)
    follower_value: Range = field(default_factory=_zero)
    retention: Range = field(default_factory=_one)
    cost_prizes: Range = field(default_factory=_zero)
    cost_venue: Range = field(default_factory=_zero)
    cost_materials: Range = field(default_factory=_zero)
    cost_kol: Range = field(default_factory=_zero)
    staff_hours: Range = field(default_factory=_zero)
    staff_rate: Range = field(default_factory=_zero)
    cost_per_participant: Range = field(default_factory=_zero)
    coupon_face_value: Range = field(default_factory=_zero)
    coupon_redemption: Range = field(default_factory=_zero)
    ad_impressions: Range = field(default_factory=_zero)
    cpm: Range = field(default_factory=_zero)
    ad_clicks: Range = field(default_factory=_zero)
    cpc: Range = field(default_factory=_zero)
    name: str = ""
    correlation: Mapping[tuple[str, str], float] = field(default_factory=dict)
    note: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kind = self.activity_type
        if not isinstance(kind, str) or kind not in ACTIVITY_TYPES:
            raise InputError(
                f"Activity type (activity_type) {kind!r} is not one the workbench knows.",
                f"活动类型（activity_type）{kind!r} 无法识别。",
                fix=f"Use one of: {', '.join(ACTIVITY_TYPES)}.",
                fix_zh=f"请使用以下之一：{'、'.join(ACTIVITY_TYPES)}。")
        for key in INPUT_KEYS:
            object.__setattr__(self, key, Range.of(getattr(self, key), key))
        object.__setattr__(self, "name", "" if self.name is None else str(self.name))
        object.__setattr__(self, "correlation", _pairs(self.correlation))
        note = dict(self.note or {})
        object.__setattr__(self, "note", {"en": str(note.get("en", "")),
                                          "zh": str(note.get("zh", ""))})
        sources = dict(self.sources or {})
        for key, src in sources.items():
            if key not in _SPEC or src not in _SOURCES:
                raise InputError(f"Unknown input source {key!r}: {src!r}.",
                                 f"无法识别的输入来源 {key!r}：{src!r}。",
                                 fix=f"Sources are one of {', '.join(_SOURCES)} per input key.",
                                 fix_zh=f"来源应为 {'、'.join(_SOURCES)} 之一。")
        object.__setattr__(self, "sources", sources)

    # ---------------------------------------------------------------- access
    def inputs(self) -> dict[str, Range]:
        """``{key: Range}`` for every input, in :data:`INPUT_KEYS` order."""
        return {key: getattr(self, key) for key in INPUT_KEYS}

    def uncertain(self) -> list[str]:
        """Keys of the inputs with ``low < high`` (the ones drawn at random)."""
        return [key for key in INPUT_KEYS if not getattr(self, key).is_fixed]

    def likely(self) -> dict[str, float]:
        """``{key: likely value}``."""
        return {key: getattr(self, key).likely for key in INPUT_KEYS}

    def replace(self, **changes: Any) -> "ActivityEstimate":
        """A checked copy with some inputs (or ``name``, ``correlation``, ...) changed; changed
        inputs are marked ``"user"`` in :attr:`sources` unless ``sources`` is given."""
        unknown = [k for k in changes if k not in {f.name for f in dataclasses.fields(self)}
                   or k == "_"]
        if unknown:
            raise InputError(f"Unknown input {unknown[0]!r}.",
                             f"无法识别的输入 {unknown[0]!r}。",
                             fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                             fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        if "sources" not in changes:
            sources = dict(self.sources)
            sources.update({k: "user" for k in changes if k in _SPEC})
            changes["sources"] = sources
        return dataclasses.replace(self, **changes)

    def label(self, lang: str = "en") -> str:
        """The activity type's name in ``lang`` (``"Lottery"`` / ``"抽奖"``)."""
        return i18n.level("activity_type", self.activity_type, lang)

    # ---------------------------------------------------------------- payload
    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict (str keys, numbers, lists) for the scenario store.

        Examples
        --------
        >>> est = template("kol")
        >>> ActivityEstimate.from_payload(est.to_payload()) == est
        True
        """
        return {
            "kind": "activity_estimate",
            "version": PAYLOAD_VERSION,
            "activity_type": self.activity_type,
            "name": self.name,
            "inputs": {key: getattr(self, key).to_list() for key in INPUT_KEYS},
            "correlation": [[a, b, float(rho)] for (a, b), rho in self.correlation.items()],
            "note": dict(self.note),
            "sources": dict(self.sources),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "ActivityEstimate":
        """The estimate a :meth:`to_payload` dict describes (checked like any other)."""
        if not isinstance(payload, Mapping) or "activity_type" not in payload:
            raise InputError("This saved scenario is not an activity estimate.",
                             "该保存的方案不是活动估算。",
                             fix="Load a scenario saved from the Activity ROI page.",
                             fix_zh="请加载从“活动ROI”页面保存的方案。")
        version = payload.get("version", PAYLOAD_VERSION)
        if version != PAYLOAD_VERSION:
            raise InputError(f"Activity estimate format version {version!r} is not supported.",
                             f"不支持版本 {version!r} 的活动估算格式。",
                             fix="Update the workbench.", fix_zh="请升级工作台。")
        inputs = dict(payload.get("inputs") or {})
        unknown = [k for k in inputs if k not in _SPEC]
        if unknown:
            raise InputError(f"Unknown input {unknown[0]!r} in the saved estimate.",
                             f"保存的估算中有无法识别的输入 {unknown[0]!r}。",
                             fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                             fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        corr = {}
        for item in payload.get("correlation") or []:
            if not isinstance(item, (list, tuple)) or len(item) != 3:
                raise InputError(f"A correlation must be [input, input, rho]; got {item!r}.",
                                 f"相关系数应为 [输入, 输入, rho]；现在是 {item!r}。")
            corr[(item[0], item[1])] = item[2]
        return cls(str(payload["activity_type"]), **inputs, name=payload.get("name", ""),
                   correlation=corr, note=payload.get("note") or {},
                   sources=payload.get("sources") or {})


def _pairs(correlation: Any) -> dict[tuple[str, str], float]:
    """``correlation`` (dict of pairs, labelled DataFrame, or a square array in
    :data:`INPUT_KEYS` order) as ``{(a, b): rho}`` with ``a`` before ``b`` in key order."""
    if correlation is None:
        return {}
    items: Iterable[tuple[Any, Any, Any]]
    if isinstance(correlation, pd.DataFrame):
        keys_r, keys_c = list(correlation.index), list(correlation.columns)
        values = correlation.to_numpy(dtype=float)
        items = [(keys_r[i], keys_c[j], values[i, j]) for i in range(len(keys_r))
                 for j in range(len(keys_c)) if keys_r[i] != keys_c[j]]
    elif isinstance(correlation, np.ndarray):
        k = len(INPUT_KEYS)
        if correlation.shape != (k, k):
            raise InputError(
                f"A correlation matrix must be {k} × {k} (one row and column per input, in "
                f"the order of roi.INPUT_KEYS); got {correlation.shape}.",
                f"相关矩阵应为 {k} × {k}（每个输入一行一列，按 roi.INPUT_KEYS 的顺序）；"
                f"现在是 {correlation.shape}。",
                fix="Give {(input_a, input_b): rho} instead.",
                fix_zh="也可以用 {(输入a, 输入b): rho} 的形式。")
        items = [(INPUT_KEYS[i], INPUT_KEYS[j], correlation[i, j]) for i in range(k)
                 for j in range(k) if i != j and correlation[i, j] != 0]
    elif isinstance(correlation, Mapping):
        items = []
        for pair, rho in correlation.items():
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise InputError(f"Correlation keys are pairs of inputs; got {pair!r}.",
                                 f"相关系数的键应为一对输入；现在是 {pair!r}。",
                                 fix="Write {('reach', 'participation_rate'): 0.5}.",
                                 fix_zh="例如 {('reach', 'participation_rate'): 0.5}。")
            items.append((pair[0], pair[1], rho))
    else:
        raise InputError(f"Correlation must be a dict of pairs or a matrix; got "
                         f"{type(correlation).__name__}.",
                         f"相关系数应为“输入对 → 系数”的字典或矩阵；现在是 "
                         f"{type(correlation).__name__}。")
    out: dict[tuple[str, str], float] = {}
    order = {k: i for i, k in enumerate(INPUT_KEYS)}
    for a, b, rho in items:
        for key in (a, b):
            if key not in order:
                raise InputError(f"Correlation names an unknown input {key!r}.",
                                 f"相关系数中有无法识别的输入 {key!r}。",
                                 fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                                 fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        (ea, za), (eb, zb) = _names(a), _names(b)
        if a == b:
            raise InputError(f"An input cannot be correlated with itself ({ea}).",
                             f"输入不能与自身相关（{za}）。")
        r = _number(None, "correlation", "相关系数", rho)
        if not -1.0 <= r <= 1.0:
            raise InputError(f"The correlation of {ea} and {eb} must lie in [-1, 1]; got {r:g}.",
                             f"{za} 与 {zb} 的相关系数必须在 [-1, 1] 之间；现在是 {r:g}。",
                             fix="Use e.g. 0.5 for a moderate positive link.",
                             fix_zh="例如中等正相关可填 0.5。")
        pair = (a, b) if order[a] < order[b] else (b, a)
        if pair in out and out[pair] != r:
            raise InputError(f"The correlation of {ea} and {eb} is given twice "
                             f"({out[pair]:g} and {r:g}).",
                             f"{za} 与 {zb} 的相关系数给了两次（{out[pair]:g} 和 {r:g}）。",
                             fix="Keep one value.", fix_zh="请只保留一个值。")
        out[pair] = r
    return out


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------
def _ratio(num: Any, den: Any) -> Any:
    """``num / den`` where ``den > 0``, NaN elsewhere (scalars stay scalars), clipped to ±
    :data:`_RATIO_MAX` (a denominator that is almost zero gives a huge ratio, not infinity)."""
    if np.ndim(num) == 0 and np.ndim(den) == 0:
        if not den > 0:
            return math.nan
        x = float(num) / float(den)
        return x if math.isnan(x) else min(max(x, -_RATIO_MAX), _RATIO_MAX)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = np.divide(num, den)
    bad = den <= 0
    if np.any(bad):                                     # rare: one test, no extra array
        out = np.where(bad, np.nan, out)
    np.clip(out, -_RATIO_MAX, _RATIO_MAX, out=out)      # NaN stays NaN
    return out


def evaluate(values: Mapping[str, Any]) -> dict[str, Any]:
    """The model: outputs from input values (numbers, or numpy arrays that broadcast).

    Missing inputs take their defaults (0; 1 for ``margin`` and ``retention``). Ratios with a
    zero denominator (ROI at zero cost, cost per follow with no follows) are NaN.

    Returns
    -------
    dict with ``participants, conversions, follows, value, cost, profit, roi,
    cost_per_conversion, cost_per_follow``.

    Examples
    --------
    >>> out = evaluate({"reach": 10_000, "participation_rate": 0.1, "conversion_rate": 0.05,
    ...                 "value_per_conversion": 200, "cost_prizes": 5_000})
    >>> out["value"], out["cost"], out["roi"]
    (10000.0, 5000.0, 1.0)
    """
    v = {s.key: values.get(s.key, s.default) for s in INPUTS}
    participants = v["reach"] * v["participation_rate"]
    conversions = participants * v["conversion_rate"]
    follows = participants * v["follow_rate"]
    value = (conversions * (v["value_per_conversion"] * v["margin"])
             + follows * (v["retention"] * v["follower_value"]))
    fixed = (v["cost_prizes"] + v["cost_venue"] + v["cost_materials"] + v["cost_kol"]
             + v["staff_hours"] * v["staff_rate"])
    per_participant = v["cost_per_participant"] + v["coupon_redemption"] * v["coupon_face_value"]
    ads = v["ad_impressions"] * (v["cpm"] / 1000.0) + v["ad_clicks"] * v["cpc"]
    cost = fixed + participants * per_participant + ads
    profit = value - cost
    out = {"participants": participants, "conversions": conversions, "follows": follows,
           "value": value, "cost": cost, "profit": profit,
           "roi": _ratio(profit, cost),
           "cost_per_conversion": _ratio(cost, conversions),
           "cost_per_follow": _ratio(cost, follows)}
    return {k: float(x) if np.ndim(x) == 0 else x for k, x in out.items()}


def _profit_at(base: Mapping[str, float], key: str) -> Callable[[float], float]:
    def profit(x: float) -> float:
        return evaluate({**base, key: x})["profit"]
    return profit


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------
def _check_draws(n: Any, seed: Any, target: Any) -> tuple[int, int | None, float | None]:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) \
            or not 1 <= n <= MAX_DRAWS:
        raise InputError(f"The number of draws must be a whole number from 1 to "
                         f"{MAX_DRAWS:,}; got {n!r}.",
                         f"模拟次数必须是 1 到 {MAX_DRAWS:,} 之间的整数；现在是 {n!r}。",
                         fix="Use e.g. 100000.", fix_zh="例如 100000。")
    if seed is not None and (isinstance(seed, (bool, np.bool_))
                             or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise InputError(f"The random seed must be a whole number ≥ 0 or None; got {seed!r}.",
                         f"随机种子必须是 ≥ 0 的整数或 None；现在是 {seed!r}。")
    t = None if target is None else _number(None, "target ROI", "目标ROI", target)
    return int(n), None if seed is None else int(seed), t


def _copula_factor(keys: list[str], pairs: Mapping[tuple[str, str], float]) -> np.ndarray:
    """``F`` with ``F Fᵀ = C`` for the correlation matrix ``C`` of ``keys``."""
    index = {k: i for i, k in enumerate(keys)}
    c = np.eye(len(keys))
    for (a, b), rho in pairs.items():
        c[index[a], index[b]] = c[index[b], index[a]] = rho
    w, v = np.linalg.eigh(c)
    if w.min() < -1e-9:
        names_en = ", ".join(_names(k)[0] for k in keys)
        names_zh = "、".join(_names(k)[1] for k in keys)
        raise InputError(
            f"These correlations cannot all hold together (among {names_en}): e.g. a and b "
            "strongly positive, b and c strongly positive, but a and c strongly negative.",
            f"这些相关系数不能同时成立（涉及 {names_zh}）：例如 a 与 b、b 与 c 都强正相关，"
            "而 a 与 c 却强负相关。",
            fix="Weaken some of the correlations.", fix_zh="请减弱其中一些相关系数。")
    return v * np.sqrt(np.clip(w, 0.0, None))


def _quantiles(x: np.ndarray, probs: Iterable[float]) -> list[float]:
    """numpy's default (linear) quantiles of ``x``, one single-k partition per quantile
    (several ``kth`` in one ``np.partition`` call are ~10× slower)."""
    work = x.copy()
    n = work.size
    out = []
    for p in probs:
        h = (n - 1) * p
        k = int(math.floor(h))
        frac = h - k
        work.partition(k)
        lo = float(work[k])
        if frac > 0 and k + 1 < n:
            hi = float(work[k + 1:].min())
            out.append(lo + frac * (hi - lo))
        else:
            out.append(lo)
    return out


def _finite(x: np.ndarray) -> np.ndarray:
    return x[~np.isnan(x)] if np.isnan(x).any() else x


def _summary(samples: Mapping[str, np.ndarray], n: int, target: float | None,
             likely: Mapping[str, float], deterministic: bool = False
             ) -> dict[str, float | None]:
    """The summary of ``samples`` (``likely``: the model at every input's likely value; when
    ``deterministic`` those values are the statistics, exactly)."""
    def stats(key: str, probs: tuple[float, ...]) -> list[float]:
        if deterministic:
            return [likely[key]] * len(probs)
        return _quantiles(_finite(samples[key]), probs)

    keys = ("roi", "profit", "cost", "value", "participants", "conversions", "follows")
    if deterministic:
        mean = {k: likely[k] for k in keys}
        roi_std = 0.0
    else:
        finite = {k: _finite(samples[k]) for k in keys}
        mean = {k: float(x.mean(dtype=np.float64)) if x.size else math.nan
                for k, x in finite.items()}
        roi_std = float(finite["roi"].std(dtype=np.float64)) if finite["roi"].size else math.nan
    roi = samples["roi"]
    out: dict[str, float | None] = {"n": n, "target": target}
    if not math.isnan(mean["roi"]):
        p5, p25, p50, p75, p95 = stats("roi", (0.05, 0.25, 0.5, 0.75, 0.95))
        out.update(roi_mean=mean["roi"], roi_std=roi_std, roi_p5=p5, roi_p25=p25, roi_p50=p50,
                   roi_p75=p75, roi_p95=p95)
    else:
        out.update(roi_mean=None, roi_std=None, roi_p5=None, roi_p25=None, roi_p50=None,
                   roi_p75=None, roi_p95=None)
    out["p_roi_positive"] = float(np.count_nonzero(roi > 0)) / n
    # A loss is money lost, ROI < 0; ROI = 0 exactly is break-even, neither loss nor gain. The
    # page's "chance of losing money" and the histogram's red bars both read this definition.
    out["p_loss"] = float(np.count_nonzero(roi < 0)) / n
    out["p_roi_above_target"] = (None if target is None
                                 else float(np.count_nonzero(roi > target)) / n)
    for key, probs in (("profit", (0.05, 0.5, 0.95)), ("cost", (0.05, 0.95)),
                       ("value", (0.05, 0.95))):
        out[f"{key}_mean"] = mean[key]
        for p, q in zip(probs, stats(key, probs)):
            out[f"{key}_p{round(p * 100)}"] = q
    for key in ("participants", "conversions", "follows"):
        out[f"{key}_mean"] = mean[key]
    cost = mean["cost"]
    out["roi_of_means"] = _none_if_nan(_ratio(mean["value"] - cost, cost))
    out["roi_likely"] = _none_if_nan(likely["roi"])
    out["cost_per_conversion"] = _none_if_nan(_ratio(cost, mean["conversions"]))
    out["cost_per_follow"] = _none_if_nan(_ratio(cost, mean["follows"]))
    return out


def _none_if_nan(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


@dataclass(eq=False)
class RoiResult:
    """What :func:`simulate` found.

    Attributes
    ----------
    estimate : the estimate simulated.
    n, seed, target : draws, random seed and ROI target used.
    samples : ``{key: float32 array of n}`` for ``participants, conversions, follows, value,
        cost, profit, roi, cost_per_conversion, cost_per_follow`` (NaN where undefined: no
        cost, no conversions, no follows). :meth:`frame` gives them as a DataFrame.
    draws : ``{input key: float32 array of n}`` for the uncertain inputs.
    summary : plain floats (``None`` where undefined): ``n, target, roi_mean, roi_std,
        roi_p5, roi_p25, roi_p50, roi_p75, roi_p95, p_roi_positive`` (share of draws with ROI >
        0), ``p_loss`` (share with ROI < 0, money lost: ROI = 0 is break-even, not a loss; a
        draw without an ROI counts in neither), ``p_roi_above_target`` (None without a
        target), ``profit_mean/p5/p50/p95, cost_mean/p5/p95, value_mean/p5/p95,
        participants_mean, conversions_mean, follows_mean``, ``roi_of_means`` (ROI of the
        expected value and cost), ``roi_likely`` (every input at likely), ``cost_per_conversion``
        and ``cost_per_follow`` (expected cost ÷ expected count).
    correlation : the ``{(a, b): rho}`` applied (pairs with a fixed input dropped).
    break_even, sensitivity : see :func:`break_even` and :func:`sensitivity`; computed on
        first use.
    """

    estimate: ActivityEstimate
    n: int
    seed: int | None
    target: float | None
    samples: dict[str, np.ndarray]
    draws: dict[str, np.ndarray]
    summary: dict[str, float | None]
    correlation: dict[tuple[str, str], float]

    @functools.cached_property
    def break_even(self) -> dict[str, float | None]:
        """``{input key: value where profit is zero, others at likely}``; None: none in range."""
        return break_even(self.estimate)

    @functools.cached_property
    def sensitivity(self) -> pd.DataFrame:
        """The tornado table; see :func:`sensitivity`."""
        return sensitivity(self)

    def frame(self) -> pd.DataFrame:
        """The samples (and the uncertain inputs' draws) as one DataFrame."""
        return pd.DataFrame({**self.samples, **self.draws}, copy=False)

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict: the estimate, settings, summary, break-even and tornado (no
        samples)."""
        table = self.sensitivity.reset_index()
        records = [{k: (_none_if_nan(v) if isinstance(v, (float, np.floating)) else v)
                    for k, v in rec.items()} for rec in table.to_dict("records")]
        return {
            "kind": "roi_result",
            "version": PAYLOAD_VERSION,
            "estimate": self.estimate.to_payload(),
            "n": self.n,
            "seed": self.seed,
            "target": self.target,
            "correlation": [[a, b, rho] for (a, b), rho in self.correlation.items()],
            "summary": dict(self.summary),
            "break_even": dict(self.break_even),
            "sensitivity": records,
        }


def simulate(estimate: ActivityEstimate, n: int = 100_000, seed: int | None = 0,
             target: float | None = None, correlation: Any = None) -> RoiResult:
    """Monte Carlo of an activity's cost, value, profit and ROI.

    Parameters
    ----------
    estimate : the activity.
    n : draws.
    seed : random seed (same seed, same result); None for fresh randomness.
    target : an ROI to beat (e.g. ``0.5`` for 50 %); adds ``P(ROI > target)`` to the summary.
    correlation : ``{(key_a, key_b): rho}``, a DataFrame labelled with input keys, or a square
        array in :data:`INPUT_KEYS` order; None uses ``estimate.correlation``. Pairs that
        involve a fixed input are ignored. Applied through a Gaussian copula.

    Returns
    -------
    RoiResult

    Raises
    ------
    InputError
        When the activity can cost nothing at all (ROI undefined), ``n`` is not a positive
        whole number, or the correlations are invalid or inconsistent.

    Examples
    --------
    >>> est = ActivityEstimate("qa", reach=20_000, participation_rate=(0.02, 0.03, 0.05),
    ...                        conversion_rate=0.01, value_per_conversion=200,
    ...                        cost_prizes=1_500)
    >>> res = simulate(est, n=10_000, seed=0, target=0.1)
    >>> round(res.summary["roi_likely"], 2)         # 20k × 3 % × 1 % × 200 = 1,200 CNY
    -0.2
    """
    n, seed, target = _check_draws(n, seed, target)
    pairs = _pairs(correlation) if correlation is not None else dict(estimate.correlation)
    inputs = estimate.inputs()
    # at the draws' precision: a cost that rounds to 0 in DTYPE costs nothing in every draw
    highs = {k: DTYPE(r.high) for k, r in inputs.items()}
    if not evaluate(highs)["cost"] > 0:
        raise InputError(
            "This activity costs nothing at all, so its ROI ((value − cost) ÷ cost) is "
            "undefined.",
            "该活动没有任何成本，因此无法计算 ROI（(价值 − 成本) ÷ 成本）。",
            fix="Enter at least one cost: staff hours and hourly cost, prizes, ads, ...",
            fix_zh="请至少填写一项成本：人力工时和时薪、奖品、广告等。")
    uncertain = estimate.uncertain()
    pairs = {p: rho for p, rho in pairs.items()
             if p[0] in uncertain and p[1] in uncertain and rho != 0}
    rng = np.random.default_rng(seed)
    values: dict[str, Any] = {k: r.low for k, r in inputs.items() if r.is_fixed}
    draws: dict[str, np.ndarray] = {}
    if uncertain:
        u = rng.random((len(uncertain), n), dtype=DTYPE)
        linked = sorted({k for p in pairs for k in p}, key=INPUT_KEYS.index)
        if linked:
            factor = _copula_factor(linked, pairs)
            normal = rng.standard_normal((len(linked), n), dtype=DTYPE)
            for i, key in enumerate(linked):            # z = F · normal, row by row (no BLAS
                row = u[uncertain.index(key)]           # threads on a busy machine)
                np.multiply(normal[0], DTYPE(factor[i, 0]), out=row)
                for j in range(1, len(linked)):
                    row += DTYPE(factor[i, j]) * normal[j]
        idx = np.empty(n, np.intp)
        tmp = np.empty(n, DTYPE)
        for row, key in zip(u, uncertain):
            _pert_inplace(row, inputs[key], idx, tmp, "normal" if key in linked else "uniform")
            draws[key] = row
        values.update(draws)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = evaluate(values)
    samples = {k: (np.full(n, x, DTYPE) if np.ndim(x) == 0 else x) for k, x in out.items()}
    likely = evaluate(estimate.likely())
    summary = _summary(samples, n, target, likely, deterministic=not uncertain)
    return RoiResult(estimate, n, seed, target, samples, draws, summary, pairs)


# --------------------------------------------------------------------------------------------
# Break-even and sensitivity
# --------------------------------------------------------------------------------------------
def _root(f: Callable[[float], float], a: float, b: float) -> float | None:
    """A zero of ``f`` in ``[a, b]``: closed form when ``f`` is a line there, ``brentq`` when
    it is not but changes sign; None when there is none (or ``f`` does not change sign)."""
    fa, fb = f(a), f(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if a == b or (fa > 0) == (fb > 0):
        return None
    mid = 0.5 * (a + b)
    scale = max(1.0, abs(fa), abs(fb))
    if abs(f(mid) - 0.5 * (fa + fb)) <= 1e-9 * scale:
        x = a + (b - a) * fa / (fa - fb)
        return min(max(x, a), b)
    from scipy import optimize  # only here: importing it costs every ROI page ~1 s at start

    return float(optimize.brentq(f, a, b, xtol=1e-12 * max(1.0, abs(a), abs(b)), rtol=1e-12))


def break_even(estimate: ActivityEstimate) -> dict[str, float | None]:
    """For each input, the value between its low and high at which profit is zero with every
    other input at its likely value; None when there is none in that range.

    Examples
    --------
    >>> est = ActivityEstimate("coupon", reach=10_000, participation_rate=0.1,
    ...                        conversion_rate=(0.05, 0.1, 0.2), value_per_conversion=100,
    ...                        cost_prizes=8_000)
    >>> break_even(est)["conversion_rate"]          # 1,000 participants × r × 100 = 8,000
    0.08
    """
    base = estimate.likely()
    out: dict[str, float | None] = {}
    for key, r in estimate.inputs().items():
        x = _root(_profit_at(base, key), r.low, r.high)
        out[key] = None if x is None else float(x)
    return out


def sensitivity(result: RoiResult) -> pd.DataFrame:
    """The tornado and the rank correlations of the uncertain inputs with the ROI.

    Each row is an uncertain input (index: its key), sorted by ``swing`` descending:
    ``label_en, label_zh, low, likely, high``; ``roi_low`` and ``roi_high``: the ROI with this
    input at its low / high and every other input at its likely value (exact model
    evaluations); ``swing = |roi_high − roi_low|``; ``spearman``: rank correlation of the
    input's draws with the simulated ROI (on at most :data:`SPEARMAN_DRAWS` draws).
    """
    est = result.estimate
    base = est.likely()
    m = min(result.n, SPEARMAN_DRAWS)
    roi = result.samples["roi"][:m]
    ok = ~np.isnan(roi)
    roi_rank = _ranks(roi[ok]) if ok.any() else None
    rows = []
    for key in est.uncertain():
        r = getattr(est, key)
        lo = evaluate({**base, key: r.low})["roi"]
        hi = evaluate({**base, key: r.high})["roi"]
        rho = math.nan
        if roi_rank is not None and key in result.draws:
            rho = _pearson(_ranks(result.draws[key][:m][ok]), roi_rank)
        en, zh = INPUT_LABELS[key]
        rows.append({"key": key, "label_en": en, "label_zh": zh, "low": r.low,
                     "likely": r.likely, "high": r.high, "roi_low": lo, "roi_high": hi,
                     "swing": abs(hi - lo) if not (math.isnan(hi) or math.isnan(lo))
                     else math.nan, "spearman": rho})
    columns = ["key", "label_en", "label_zh", "low", "likely", "high", "roi_low", "roi_high",
               "swing", "spearman"]
    table = pd.DataFrame(rows, columns=columns)
    table["order"] = range(len(table))
    table = table.sort_values(["swing", "order"], ascending=[False, True],
                              na_position="last", kind="stable")
    return table.drop(columns="order").set_index("key")


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank), as float."""
    order = np.argsort(x)
    xs = x[order]
    ranks = np.empty(x.size)
    ranks[order] = np.arange(x.size, dtype=float)
    if np.any(xs[1:] == xs[:-1]):                      # ties: average their ranks
        first = np.concatenate([[True], xs[1:] != xs[:-1]])
        group = np.cumsum(first) - 1
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, x.size))
        mean_rank = starts + (counts - 1) / 2.0
        ranks[order] = mean_rank[group]
    return ranks


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float(np.einsum("i,i->", a, a)) * float(np.einsum("i,i->", b, b)))
    return float(np.einsum("i,i->", a, b)) / den if den > 0 else math.nan


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------
# Starting values per activity type, for a brand account selling small kitchen appliances
# (orders of 150-300 CNY at a 30-50 % gross margin) on Chinese social platforms. Rates and
# amounts are in line with the team's sample history and with common industry figures: Moments
# ads at CPM 50-150 CNY; a new follower worth 5-25 CNY to an account; lottery follows churning
# faster than follows from content.
_COMMON: dict[str, tuple[float, float, float]] = {
    "margin": (0.30, 0.40, 0.50),
    "follower_value": (5.0, 12.0, 25.0),
    "staff_rate": (80.0, 100.0, 130.0),
}
_TEMPLATES: dict[str, dict[str, Any]] = {
    "lottery": {
        "reach": (50_000, 100_000, 250_000), "participation_rate": (0.05, 0.08, 0.13),
        "conversion_rate": (0.004, 0.008, 0.015), "value_per_conversion": (150, 200, 280),
        "follow_rate": (0.18, 0.27, 0.36), "retention": (0.35, 0.50, 0.70),
        "cost_prizes": (5_000, 8_000, 15_000), "staff_hours": (30, 45, 65),
        "ad_impressions": (0, 100_000, 250_000), "cpm": (50, 90, 150),
    },
    "qa": {
        "reach": (15_000, 25_000, 40_000), "participation_rate": (0.02, 0.035, 0.055),
        "conversion_rate": (0.005, 0.01, 0.02), "value_per_conversion": (130, 200, 250),
        "follow_rate": (0.12, 0.15, 0.20), "retention": (0.60, 0.75, 0.85),
        "cost_prizes": (300, 1_000, 2_500), "staff_hours": (15, 25, 40),
    },
    "vote": {
        "reach": (25_000, 40_000, 90_000), "participation_rate": (0.05, 0.09, 0.12),
        "conversion_rate": (0.002, 0.004, 0.006), "value_per_conversion": (130, 200, 230),
        "follow_rate": (0.12, 0.16, 0.25), "retention": (0.60, 0.75, 0.85),
        "cost_prizes": (500, 1_000, 3_000), "staff_hours": (15, 25, 35),
    },
    "coupon": {
        "reach": (40_000, 100_000, 160_000), "participation_rate": (0.05, 0.09, 0.13),
        "conversion_rate": (0.13, 0.22, 0.35), "value_per_conversion": (150, 210, 250),
        "follow_rate": (0.06, 0.08, 0.12), "retention": (0.60, 0.70, 0.80),
        "coupon_face_value": (30, 50, 80), "coupon_redemption": (0.13, 0.22, 0.35),
        "staff_hours": (25, 35, 60),
        "correlation": {("conversion_rate", "coupon_redemption"): 0.8},
    },
    "flash_sale": {
        "reach": (40_000, 70_000, 130_000), "participation_rate": (0.03, 0.055, 0.08),
        "conversion_rate": (0.19, 0.27, 0.43), "value_per_conversion": (150, 185, 230),
        "follow_rate": (0.03, 0.045, 0.06), "retention": (0.55, 0.65, 0.80),
        "coupon_face_value": (25, 40, 55), "coupon_redemption": (0.19, 0.27, 0.43),
        "staff_hours": (35, 55, 90),
        "correlation": {("conversion_rate", "coupon_redemption"): 0.8},
    },
    "offline_event": {
        "reach": (3_000, 6_000, 12_000), "participation_rate": (0.20, 0.30, 0.45),
        "conversion_rate": (0.10, 0.18, 0.30), "value_per_conversion": (250, 400, 600),
        "follow_rate": (0.19, 0.25, 0.30), "follower_value": (10, 25, 50),
        "retention": (0.80, 0.90, 0.95),
        "cost_prizes": (1_000, 1_600, 3_200), "cost_venue": (15_000, 30_000, 60_000),
        "cost_materials": (2_000, 4_000, 8_000), "cost_per_participant": (10, 20, 40),
        "staff_hours": (80, 120, 200),
    },
    "contest": {
        "reach": (40_000, 70_000, 100_000), "participation_rate": (0.007, 0.013, 0.019),
        "conversion_rate": (0.05, 0.067, 0.075), "value_per_conversion": (190, 240, 285),
        "follow_rate": (0.15, 0.19, 0.25), "retention": (0.60, 0.75, 0.85),
        "cost_prizes": (5_000, 7_000, 10_000), "staff_hours": (30, 40, 55),
        "ad_impressions": (0, 30_000, 150_000), "cpm": (50, 90, 150),
    },
    "kol": {
        "reach": (250_000, 600_000, 1_000_000), "participation_rate": (0.014, 0.022, 0.04),
        "conversion_rate": (0.02, 0.05, 0.07), "value_per_conversion": (200, 300, 340),
        "follow_rate": (0.02, 0.035, 0.06), "retention": (0.60, 0.75, 0.85),
        "cost_kol": (50_000, 85_000, 210_000), "staff_hours": (30, 55, 70),
    },
    "paid_ads": {
        "reach": (450_000, 800_000, 1_400_000), "participation_rate": (0.011, 0.016, 0.021),
        "conversion_rate": (0.016, 0.023, 0.049), "value_per_conversion": (185, 270, 315),
        "follow_rate": (0.07, 0.085, 0.13), "retention": (0.65, 0.78, 0.88),
        "ad_impressions": (400_000, 600_000, 900_000), "cpm": (50, 90, 150),
        "staff_hours": (15, 30, 50),
        "correlation": {("reach", "ad_impressions"): 0.8},
    },
}
_TEMPLATE_NOTES: dict[str, tuple[str, str]] = {
    "lottery": ("A WeChat comment / repost lottery (留言抽奖) with a Moments-ad boost: "
                "follows are cheap but many leave once the prizes are drawn.",
                "微信留言/转发抽奖，配合少量朋友圈广告加热：涨粉便宜，但开奖后取关较多。"),
    "qa": ("A knowledge Q&A challenge on the account: small prizes, few sales.",
           "公众号知识问答挑战：奖品小，带货少。"),
    "vote": ("A vote (e.g. pick the next colour): wide participation, almost no sales.",
             "投票活动（如新品配色投票）：参与面广，几乎不带货。"),
    "coupon": ("Coupons handed out to participants; redemption moves with conversion "
               "(correlated 0.8).",
               "向参与者派发优惠券；核销率与转化率同向变化（相关系数 0.8）。"),
    "flash_sale": ("A limited-time sale; the discount is counted as a coupon redeemed at "
                   "purchase (correlated 0.8 with conversion).",
                   "限时抢购；折扣按下单时核销的优惠券计算（与转化率相关系数 0.8）。"),
    "offline_event": ("An offline event (pop-up, meet-up, workshop): venue and staff heavy, "
                      "few but valuable attendees, who buy more and stay (a follower is worth "
                      "more).",
                      "线下活动（快闪店、见面会、工作坊）：场地和人力成本高，人少但价值高，"
                      "到场用户买得多、留得住（粉丝价值更高）。"),
    "contest": ("A UGC contest (recipes, photos) with prizes and a small ad boost.",
                "UGC 征集比赛（食谱、晒图），设奖品并少量投放广告。"),
    "kol": ("A KOL collaboration (live stream, unboxing, seeding post): one fixed fee, wide "
            "reach, low participation.",
            "KOL合作（直播、开箱、种草笔记）：一次性费用，曝光大，参与率低。"),
    "paid_ads": ("Paid ads (Moments ads / Douyin feed) at CPM 50-150 CNY; reach moves with "
                 "impressions bought (correlated 0.8).",
                 "付费广告（朋友圈广告 / 抖音信息流），CPM 50–150 元；曝光人数随购买的广告曝光"
                 "量变化（相关系数 0.8）。"),
}


def _check_type(activity_type: Any) -> str:
    if activity_type not in ACTIVITY_TYPES:
        raise InputError(f"Activity type (activity_type) {activity_type!r} is not one the "
                         "workbench knows.",
                         f"活动类型（activity_type）{activity_type!r} 无法识别。",
                         fix=f"Use one of: {', '.join(ACTIVITY_TYPES)}.",
                         fix_zh=f"请使用以下之一：{'、'.join(ACTIVITY_TYPES)}。")
    return str(activity_type)


def template(activity_type: str) -> ActivityEstimate:
    """Sensible starting values for an activity type (see the notes in the result).

    Examples
    --------
    >>> est = template("paid_ads")
    >>> est.cpm
    Range(low=50.0, likely=90.0, high=150.0)
    >>> est.note["zh"][:4]
    '广告投放'
    """
    kind = _check_type(activity_type)
    spec = dict(_COMMON)
    spec.update(_TEMPLATES[kind])
    correlation = spec.pop("correlation", {})
    en, zh = _TEMPLATE_NOTES[kind]
    label_en, label_zh = (i18n.level("activity_type", kind, "en"),
                          i18n.level("activity_type", kind, "zh"))
    return ActivityEstimate(
        kind, **spec, name=label_en, correlation=correlation,
        note={"en": f"Template for {label_en}. {en}", "zh": f"{label_zh}模板。{zh}"},
        sources={k: "template" for k in INPUT_KEYS})


# --------------------------------------------------------------------------------------------
# Priors from history
# --------------------------------------------------------------------------------------------
def _column(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A count or amount column as float; text, infinities, negatives and values above
    :data:`MAX_AMOUNT` are NaN (not a usable past value)."""
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    x = pd.to_numeric(frame[col], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    return np.where((x >= 0) & (x <= MAX_AMOUNT), x, np.nan)


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` per activity; NaN where it has no finite value (a denominator of 5e-324)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = num / np.where(den > 0, den, 1.0)
    return np.where((den > 0) & np.isfinite(out), out, np.nan)


def _history_values(past: pd.DataFrame, tpl: ActivityEstimate) -> dict[str, np.ndarray]:
    """Per-activity values of the inputs the history can tell (NaN where it cannot)."""
    col = functools.partial(_column, past)
    reach, participants, conversions = col("reach"), col("participants"), col("conversions")
    coupons = col("cost_coupons")
    values = {
        "reach": reach,
        "participation_rate": _rate(participants, reach),
        "conversion_rate": _rate(conversions, participants),
        "value_per_conversion": _rate(col("revenue"), conversions),
        "follow_rate": _rate(col("follows_gained"), participants),
        "cost_prizes": col("cost_prizes"),
        "cost_venue": col("cost_venue"),
        "cost_kol": col("cost_kol"),
        "staff_hours": col("cost_staff") / tpl.staff_rate.likely
        if tpl.staff_rate.likely > 0 else np.full(len(past), np.nan),
    }
    # Coupons are redeemed when people buy: redemptions ≈ conversions, so the face value is
    # the coupon cost per conversion and the redemption rate the conversion rate.
    used = coupons > 0
    values["coupon_face_value"] = np.where(used, _rate(coupons, conversions),
                                           np.where(coupons == 0, 0.0, np.nan))
    values["coupon_redemption"] = np.where(used, values["conversion_rate"],
                                           np.where(coupons == 0, 0.0, np.nan))
    # Ad spend is split into impressions at the CPM of :func:`_prior_cpm`.
    values["ad_impressions"] = col("cost_ads") / _prior_cpm(tpl) * 1000.0
    return values


def _prior_cpm(tpl: ActivityEstimate) -> float:
    """The CPM that splits past ad spend into impressions: the template's likely CPM, or
    :data:`DEFAULT_CPM` when the template has no ads."""
    return tpl.cpm.likely if tpl.cpm.likely > 0 else DEFAULT_CPM


def priors(activities: pd.DataFrame, activity_type: str,
           calibrated: Mapping[str, Any] | None = None) -> ActivityEstimate:
    """An estimate whose low / likely / high come from the team's past activities of a type.

    For each input the history can tell, low / likely / high are the p10 / median / p90
    (numpy's linear quantiles) over the past activities of ``activity_type``:

    ==========================  ===================================================
    reach                       ``reach``
    participation_rate          ``participants / reach``
    conversion_rate             ``conversions / participants``
    value_per_conversion        ``revenue / conversions``
    follow_rate                 ``follows_gained / participants``
    cost_prizes, _venue, _kol   the cost columns (venue includes materials)
    staff_hours                 ``cost_staff / staff_rate`` (the template's likely rate)
    coupon_face_value           ``cost_coupons / conversions`` (0 without coupons)
    coupon_redemption           ``conversions / participants`` (0 without coupons)
    ad_impressions              ``cost_ads / cpm × 1000`` (the template's likely CPM)
    ==========================  ===================================================

    Everything else (margin, follower value, retention, materials, CPM, ...) comes from
    :func:`template`, as does any input with fewer than :data:`MIN_HISTORY` usable values (every
    input, when there are fewer than :data:`MIN_HISTORY` past activities). ``calibrated``
    (``{key: Range, number or (low, likely, high)}``, e.g. from a campaign review) overrides last.
    ``note`` says, in English and Chinese, how many activities were used and what came from
    where; ``sources`` says it per input.

    Examples
    --------
    >>> from workbench import io
    >>> est = priors(io.sample("activities"), "coupon")      # doctest: +SKIP
    >>> est.note["en"][:35]                                  # doctest: +SKIP
    'From 11 past Coupon activities (2024'
    """
    kind = _check_type(activity_type)
    tpl = template(kind)
    if not isinstance(activities, pd.DataFrame) or "activity_type" not in activities.columns:
        raise InputError("Priors need the activities table (with an activity_type column).",
                         "先验估计需要活动数据表（含 activity_type 列）。",
                         fix="Load the past activities file first.",
                         fix_zh="请先加载历史活动数据。")
    past = activities[activities["activity_type"].astype("string") == kind]
    label_en, label_zh = (i18n.level("activity_type", kind, "en"),
                          i18n.level("activity_type", kind, "zh"))
    ranges: dict[str, Any] = {}
    sources = {k: "template" for k in INPUT_KEYS}
    from_history, too_few = [], []
    if len(past) >= MIN_HISTORY:
        for key, column in _history_values(past, tpl).items():
            usable = np.isfinite(column) & (column >= 0)
            if _SPEC[key].kind != "rate":
                usable &= column <= MAX_AMOUNT
            x = column[usable]
            if x.size < MIN_HISTORY:
                too_few.append(key)
                continue
            lo, mid, hi = (float(v) for v in np.quantile(x, PRIOR_QUANTILES))
            if _SPEC[key].kind == "rate":
                lo, mid, hi = (min(max(v, 0.0), 1.0) for v in (lo, mid, hi))
            ranges[key] = Range(lo, mid, hi)
            sources[key] = "history"
            from_history.append(key)
        if "ad_impressions" in ranges:
            # history knows the spend, not the price: fix the CPM it was split at, so the
            # prior's ad spend is the history's spend (widen the CPM to add price risk).
            ranges["cpm"] = Range.fixed(_prior_cpm(tpl))
    if len(past) >= MIN_HISTORY:
        dates = pd.to_datetime(past["start_date"], errors="coerce") if "start_date" in past \
            else pd.Series(dtype="datetime64[ns]")
        span = (f" ({dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d})"
                if dates.notna().any() else "")
        en = (f"From {len(past)} past {label_en} activities{span}: low / likely / high are "
              f"the p10 / median / p90 of {', '.join(from_history)}.")
        zh = (f"依据 {len(past)} 场历史{label_zh}活动{span}：最低 / 最可能 / 最高取 "
              f"{'、'.join(INPUT_LABELS[k][1] for k in from_history)} 的 "
              "第10百分位 / 中位数 / 第90百分位。")
        if too_few:
            en += (f" Fewer than {MIN_HISTORY} usable values for {', '.join(too_few)}: "
                   "template used.")
            zh += (f"{'、'.join(INPUT_LABELS[k][1] for k in too_few)} 的有效数据少于 "
                   f"{MIN_HISTORY} 个，使用模板值。")
        if "ad_impressions" in ranges:
            cpm = _prior_cpm(tpl)
            en += f" Past ad spend is split into impressions at a fixed CPM of {cpm:g} CNY."
            zh += f"历史广告费用按固定 CPM {cpm:g} 元折算为广告曝光量。"
        en += " Everything else is the template."
        zh += "其余输入使用模板值。"
    else:
        en = (f"Only {len(past)} past {label_en} activities (fewer than {MIN_HISTORY}): every "
              "input is the template.")
        zh = (f"历史{label_zh}活动只有 {len(past)} 场（少于 {MIN_HISTORY} 场）："
              "所有输入使用模板值。")
    if calibrated:
        unknown = [k for k in calibrated if k not in _SPEC]
        if unknown:
            raise InputError(f"Unknown calibrated input {unknown[0]!r}.",
                             f"无法识别的校准输入 {unknown[0]!r}。",
                             fix=f"Inputs are: {', '.join(INPUT_KEYS)}.",
                             fix_zh=f"可用的输入：{'、'.join(INPUT_KEYS)}。")
        for key, value in calibrated.items():
            ranges[key] = Range.of(value, key)
            sources[key] = "calibrated"
        en += f" Calibrated from reviews: {', '.join(calibrated)}."
        zh += f"依据复盘校准：{'、'.join(INPUT_LABELS[k][1] for k in calibrated)}。"
    return dataclasses.replace(tpl, **ranges, name=f"{label_en} (history)",
                               note={"en": en, "zh": zh}, sources=sources)
