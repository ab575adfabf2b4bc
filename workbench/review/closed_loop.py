"""The closed loop: a review's calibrated rates carried into the next content-mix plan
(:func:`apply_to_estimates`) and the next activity ROI estimates (:func:`roi_overrides`,
:func:`apply_to_roi`).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Mapping

import numpy as np

from .. import mix, roi
from ..errors import InputError
from .activities import _estimate_of
from .calibrate import _FUNNEL_KEYS, Calibration
from .campaign import CampaignReview

__all__ = ["apply_to_estimates", "apply_to_roi", "roi_overrides"]


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
        if p not in estimates._platforms or c not in estimates.content_types:
            continue
        pi, ci = estimates._platforms.index(p), estimates.content_types.index(c)
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
