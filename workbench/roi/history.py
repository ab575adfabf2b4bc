"""Priors from history (:func:`priors`): an estimate whose low / likely / high are the
p10 / median / p90 of the team's past activities of a type, the template for the rest, and
calibrated values from campaign reviews on top.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import i18n
from ..errors import InputError
from .estimate import ActivityEstimate, Range
from .model import _SPEC, INPUT_KEYS, INPUT_LABELS, MAX_AMOUNT
from .templates import _check_type, template

#: Fewer past activities (or usable values) than this and :func:`priors` keeps the template.
MIN_HISTORY = 3
#: The quantiles :func:`priors` takes for low / likely / high.
PRIOR_QUANTILES = (0.10, 0.50, 0.90)
#: CPM (CNY) at which :func:`priors` splits past ad spend into impressions when the type's
#: template buys no ads.
DEFAULT_CPM = 90.0


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
    from_history: list[str] = []
    too_few: list[str] = []
    if len(past) >= MIN_HISTORY:
        ranges, from_history, too_few = _ranges_from_history(past, tpl)
        sources.update({key: "history" for key in from_history})
    en, zh = _note(past, label_en, label_zh, from_history, too_few,
                   split_ads="ad_impressions" in ranges, cpm=_prior_cpm(tpl))
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


def _ranges_from_history(past: pd.DataFrame, tpl: ActivityEstimate
                         ) -> tuple[dict[str, Range], list[str], list[str]]:
    """The p10 / median / p90 :class:`Range` of every input with at least
    :data:`MIN_HISTORY` usable past values, the keys taken from history and the keys with too
    few values (left to the template)."""
    ranges: dict[str, Range] = {}
    from_history, too_few = [], []
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
        from_history.append(key)
    if "ad_impressions" in ranges:
        # history knows the spend, not the price: fix the CPM it was split at, so the
        # prior's ad spend is the history's spend (widen the CPM to add price risk).
        ranges["cpm"] = Range.fixed(_prior_cpm(tpl))
    return ranges, from_history, too_few


def _note(past: pd.DataFrame, label_en: str, label_zh: str, from_history: list[str],
          too_few: list[str], split_ads: bool, cpm: float) -> tuple[str, str]:
    """Where the prior's numbers came from, in English and Chinese (before calibration)."""
    if len(past) < MIN_HISTORY:
        return (f"Only {len(past)} past {label_en} activities (fewer than {MIN_HISTORY}): every "
                "input is the template.",
                f"历史{label_zh}活动只有 {len(past)} 场（少于 {MIN_HISTORY} 场）："
                "所有输入使用模板值。")
    dates = pd.to_datetime(past["start_date"], errors="coerce") if "start_date" in past \
        else pd.Series(dtype="datetime64[ns]")
    span = (f" ({dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d})"
            if dates.notna().any() else "")
    en = (f"From {len(past)} past {label_en} activities{span}: low / likely / high are "
          f"the p10 / median / p90 of "
          f"{', '.join(INPUT_LABELS[k][0].lower() for k in from_history)}.")
    zh = (f"依据 {len(past)} 场历史{label_zh}活动{span}：最低 / 最可能 / 最高取 "
          f"{'、'.join(INPUT_LABELS[k][1] for k in from_history)} 的 "
          "第10百分位 / 中位数 / 第90百分位。")
    if too_few:
        en += (f" Fewer than {MIN_HISTORY} usable values for "
               f"{', '.join(INPUT_LABELS[k][0].lower() for k in too_few)}: template used.")
        zh += (f"{'、'.join(INPUT_LABELS[k][1] for k in too_few)} 的有效数据少于 "
               f"{MIN_HISTORY} 个，使用模板值。")
    if split_ads:
        en += f" Past ad spend is split into impressions at a fixed CPM of {cpm:g} CNY."
        zh += f"历史广告费用按固定 CPM {cpm:g} 元折算为广告曝光量。"
    en += " Everything else is the template."
    zh += "其余输入使用模板值。"
    return en, zh
