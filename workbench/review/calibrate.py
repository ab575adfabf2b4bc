"""Calibration: the per-post rates and activity funnels measured in a review, shrunk towards
what the plan assumed, ready for the next plan (:mod:`workbench.review.closed_loop`).

*Calibration.* Per cell, calibrated = ``w × actual + (1 − w) × planned`` with ``w = n ÷ (n +``
:data:`CALIBRATION_PRIOR_POSTS` ``)`` for n actual posts (the plan's estimate counts as that
many posts) — for reads per post and engagement / shares / follows per read; the factors
calibrated ÷ planned scale the :class:`workbench.mix.Estimates`. Activity funnels
(participation, conversion, follows per participant) shrink the same way towards the estimate's
or the history's likely value with :data:`CALIBRATION_PRIOR_ACTIVITIES`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import roi
from ..errors import InputError
from .values import PAYLOAD_VERSION, _jsonable, _ratio

__all__ = ["CALIBRATION_PRIOR_ACTIVITIES", "CALIBRATION_PRIOR_POSTS", "Calibration"]


#: Planned estimate of a cell counts as this many posts when calibrating.
CALIBRATION_PRIOR_POSTS = 10.0
#: Prior of an activity type's funnel counts as this many activities when calibrating.
CALIBRATION_PRIOR_ACTIVITIES = 3.0
_FUNNEL_KEYS = ("participation_rate", "conversion_rate", "follow_rate")


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
