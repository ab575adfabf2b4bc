"""Activity ROI: ``roi.simulate`` against a plain-Python Monte Carlo loop of the same model.

The baseline draws every uncertain input with ``random.betavariate`` (the PERT distribution),
evaluates the model one draw at a time in plain Python and summarises the ROI with ``sorted``.
Both run on the KOL template (11 uncertain inputs, no correlation); their mean ROIs must agree
within Monte Carlo error (|z| < 4, z = difference ÷ its standard error).

Goals: 100,000 draws with the summary ≤ 30 ms; the sensitivity analysis (tornado + rank
correlations + break-even) on a 100,000-draw result ≤ 300 ms; 1,000,000 draws ≤ 200 ms.
Other rows (no goal): the copula (coupon template, 2 correlated inputs), every input uncertain,
and priors from the bundled history.
"""

from __future__ import annotations

import math
import random
import statistics
import time

from benchmarks import Row, row, timed
from workbench import io, roi

KIND = "kol"


def naive_simulate(estimate: roi.ActivityEstimate, n: int, seed: int = 0) -> dict[str, float]:
    """The model in a plain-Python loop: ``random.betavariate`` per input per draw."""
    rng = random.Random(seed)
    inputs = estimate.inputs()
    fixed = {k: r.likely for k, r in inputs.items() if r.is_fixed}
    shapes = [(k, r.low, r.high - r.low, *r.shape) for k, r in inputs.items() if not r.is_fixed]
    rois = []
    for _ in range(n):
        v = dict(fixed)
        for key, low, width, a, b in shapes:
            v[key] = low + width * rng.betavariate(a, b)
        participants = v["reach"] * v["participation_rate"]
        conversions = participants * v["conversion_rate"]
        follows = participants * v["follow_rate"]
        value = (conversions * v["value_per_conversion"] * v["margin"]
                 + follows * v["retention"] * v["follower_value"])
        cost = (v["cost_prizes"] + v["cost_venue"] + v["cost_materials"] + v["cost_kol"]
                + v["staff_hours"] * v["staff_rate"]
                + participants * (v["cost_per_participant"]
                                  + v["coupon_redemption"] * v["coupon_face_value"])
                + v["ad_impressions"] * v["cpm"] / 1000 + v["ad_clicks"] * v["cpc"])
        rois.append((value - cost) / cost)
    ordered = sorted(rois)

    def quantile(p: float) -> float:
        h = (n - 1) * p
        k = math.floor(h)
        return ordered[k] + (h - k) * (ordered[min(k + 1, n - 1)] - ordered[k])

    return {"roi_mean": statistics.fmean(rois), "roi_std": statistics.pstdev(rois),
            "roi_p5": quantile(0.05), "roi_p50": quantile(0.5), "roi_p95": quantile(0.95),
            "p_roi_positive": sum(r > 0 for r in rois) / n}


def run() -> list[Row]:
    rows: list[Row] = []
    est = roi.template(KIND)
    k = len(est.uncertain())

    # 100 k draws: vectorised vs the plain-Python loop
    fast = timed(lambda: roi.simulate(est, n=100_000, seed=0), repeat=15)
    res = roi.simulate(est, n=100_000, seed=0)
    slow: list[float] = []
    naive = {}
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        naive = naive_simulate(est, 100_000, seed=seed)
        slow.append(time.perf_counter() - t0)
    s = res.summary
    se = math.sqrt(s["roi_std"] ** 2 / res.n + naive["roi_std"] ** 2 / 100_000)
    z = (s["roi_mean"] - naive["roi_mean"]) / se
    speedup = statistics.median(slow) / statistics.median(fast)
    r = row(f"roi.simulate, 100 k draws + summary ({KIND} template, {k} uncertain inputs)",
            fast, unit="ms", goal=30,
            note=f"{speedup:,.0f}× faster than the plain-Python loop; mean ROI "
                 f"{s['roi_mean']:.4f} vs {naive['roi_mean']:.4f} (z = {z:+.2f})")
    r.ok = bool(r.ok) and abs(z) < 4
    rows.append(r)
    rows.append(row("plain-Python loop (random.betavariate), 100 k draws + summary", slow,
                    unit="ms", note=f"baseline; p5 / p50 / p95 {naive['roi_p5']:.3f} / "
                                    f"{naive['roi_p50']:.3f} / {naive['roi_p95']:.3f} vs "
                                    f"{s['roi_p5']:.3f} / {s['roi_p50']:.3f} / "
                                    f"{s['roi_p95']:.3f}"))

    # the full sensitivity analysis of a 100 k-draw result
    def analysis() -> None:
        roi.sensitivity(res)
        roi.break_even(est)
    rows.append(row("tornado + rank correlations + break-even, 100 k draws", timed(analysis),
                    unit="ms", goal=300,
                    note=f"{k} tornado bars (closed form), Spearman on "
                         f"{min(res.n, roi.SPEARMAN_DRAWS):,} draws, {len(roi.INPUT_KEYS)} "
                         "break-even values"))

    # a million draws
    rows.append(row(f"roi.simulate, 1 M draws + summary ({KIND} template)",
                    timed(lambda: roi.simulate(est, n=1_000_000, seed=0), repeat=7),
                    unit="ms", goal=200))
    coupon = roi.template("coupon")
    rows.append(row("roi.simulate, 1 M draws, Gaussian copula (coupon template)",
                    timed(lambda: roi.simulate(coupon, n=1_000_000, seed=0), repeat=7),
                    unit="ms", note=f"{len(coupon.uncertain())} uncertain inputs, 2 correlated"))
    every = roi.ActivityEstimate(
        "offline_event",
        **{key: (1.0, 2.0, 3.0) if spec.kind != "rate" else (0.1, 0.2, 0.3)
           for key, spec in zip(roi.INPUT_KEYS, roi.INPUTS)})
    rows.append(row(f"roi.simulate, 100 k draws, all {len(roi.INPUT_KEYS)} inputs uncertain",
                    timed(lambda: roi.simulate(every, n=100_000, seed=0), repeat=15),
                    unit="ms"))

    history = io.sample("activities")
    rows.append(row(f"roi.priors, {len(history)} past activities", timed(
        lambda: [roi.priors(history, kind) for kind in roi.ACTIVITY_TYPES]), unit="ms",
        note=f"all {len(roi.ACTIVITY_TYPES)} activity types"))
    return rows
