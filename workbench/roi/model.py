"""The activity model: its inputs (keys, labels, units, bounds) and :func:`evaluate`.

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

* **Bounded inputs.** Counts and amounts are at most :data:`MAX_AMOUNT` (a trillion), so no
  product of inputs leaves float32's range; a cost that rounds to nothing at float32 precision
  is no cost (``simulate`` refuses), and a ratio over an almost-zero cost is clipped to the
  largest float32 rather than infinite.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, NamedTuple

import numpy as np

from ..errors import InputError

#: dtype of the draws and samples (see :mod:`workbench.roi.simulation`).
DTYPE = np.float32
#: Largest count or amount (CNY) an input may take: a trillion. Products of inputs then stay far
#: inside :data:`DTYPE`'s range (about 3.4e38), so no draw overflows.
MAX_AMOUNT = 1e12
#: Ratios (ROI, cost per conversion, per follow) are clipped to ± the largest :data:`DTYPE`
#: (a cost that rounds to almost nothing would otherwise make them infinite).
_RATIO_MAX = float(np.finfo(DTYPE).max)


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
                         fix="Enter a number (no units or text; a share like 5% as 0.05).",
                         fix_zh="请输入数字（不带单位或文字；比例如 5% 请输入 0.05）。")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{en}: the {what} value must be a finite number, not {x}.",
                         f"{zh}：{what_zh}值必须是有限数字，而不是 {x}。",
                         fix="Enter an ordinary number.", fix_zh="请输入普通数字。")
    return x


def range_problem(key: str | None, low: float, likely: float, high: float) -> str | None:
    """What keeps ``(low, likely, high)`` from being a range of input ``key`` (in the model's
    units: a rate as a fraction): ``"number"`` (not finite), ``"order"`` (not low ≤ likely ≤
    high), ``"share"`` (a rate outside 0–1), ``"negative"``, ``"too_big"`` (over
    :data:`MAX_AMOUNT`), or ``None``. The one rule; :func:`_triple` and the ROI page word it
    each in their own units."""
    if not all(math.isfinite(v) for v in (low, likely, high)):
        return "number"
    if not low <= likely <= high:
        return "order"
    spec = _SPEC.get(key) if key else None
    if spec is None:
        return None
    if spec.kind == "rate" and not (0.0 <= low and high <= 1.0):
        return "share"
    if low < 0:
        return "negative"
    if high > MAX_AMOUNT:
        return "too_big"
    return None


def _triple(key: str | None, low: Any, likely: Any, high: Any) -> tuple[float, float, float]:
    """Numbers, ``low ≤ likely ≤ high``, and the bounds of ``key``'s kind."""
    lo = _number(key, "low", "最低", low)
    mid = _number(key, "likely", "最可能", likely)
    hi = _number(key, "high", "最高", high)
    en, zh = _names(key)
    problem = range_problem(key, lo, mid, hi)
    if problem == "order":
        raise InputError(
            f"{en}: low ≤ likely ≤ high is needed, got low {lo:g}, likely {mid:g}, high {hi:g}.",
            f"{zh}：需要 最低 ≤ 最可能 ≤ 最高，现在是 最低 {lo:g}、最可能 {mid:g}、最高 {hi:g}。",
            fix="Put the smallest plausible value in low and the largest in high.",
            fix_zh="请把可能的最小值填在“最低”，最大值填在“最高”。")
    if problem == "share":
        raise InputError(
            f"{en} is a share between 0 and 1; got {lo:g} – {hi:g}.",
            f"{zh} 是 0 到 1 之间的比例；现在是 {lo:g} – {hi:g}。",
            fix="Enter shares as fractions: 5% is 0.05, 100% is 1.",
            fix_zh="比例请输入小数：5% 输入 0.05，100% 输入 1。")
    spec = _SPEC.get(key) if key else None
    noun, noun_zh = (("a cost", "成本") if spec and spec.kind == "money" and spec.group != "funnel"
                     else ("an amount", "数值") if spec and spec.kind == "money"
                     else ("a count", "数量"))
    if problem == "negative":
        raise InputError(f"{en} is {noun} and cannot be negative; got low {lo:g}.",
                         f"{zh} 是{noun_zh}，不能为负数；现在最低为 {lo:g}。",
                         fix="Enter 0 or more.", fix_zh="请输入 0 或更大的数。")
    if problem == "too_big":
        raise InputError(f"{en} is {noun} of at most {MAX_AMOUNT:,.0f} (a trillion); got high "
                         f"{hi:g}.",
                         f"{zh} 是{noun_zh}，最多为 {MAX_AMOUNT:,.0f}（一万亿）；"
                         f"现在最高为 {hi:g}。",
                         fix="Check the units: amounts are in CNY, counts in people, "
                             "impressions or clicks.",
                         fix_zh="请检查单位：金额以元计，数量以人数、曝光量或点击量计。")
    return lo, mid, hi


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
