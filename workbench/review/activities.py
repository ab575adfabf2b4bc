"""The activities of the period: their value, ROI and funnel, and how the ROI estimate (when
there is one) called it.

*Activity value.* An activity's value is ``revenue × margin + follows_gained × retention ×
follower_value`` (DOMAIN.md: order value × margin, plus a follower's value), ROI = (value −
cost_total) ÷ cost_total. Margin, retention and follower value are the likely values of the
matching ROI estimate when one is given, else of :func:`workbench.roi.template` for the type,
unless ``assumptions`` overrides them. With ``roi_estimates``, the actual ROI's percentile in the
estimate's simulation (:func:`workbench.roi.simulate`) says whether the estimate was calibrated
(``below`` under the 5th, ``above`` over the 95th percentile).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import roi
from ..errors import InputError
from .values import _ratio, _sum

__all__ = ["ROI_DRAWS"]


#: Draws of :func:`workbench.roi.simulate` for the calibration percentile.
ROI_DRAWS = 20_000
_VALUE_KEYS = ("margin", "retention", "follower_value")


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
