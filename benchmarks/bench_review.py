"""Campaign review: the whole review of a plan, its parts, and the calibration round trip.

Goal (the campaign-review issue): two years of daily follower data (730 days) and 5,000 articles
reviewed in under 300 ms, not counting the impact model (its counterfactual with 1,000 bootstrap
draws is timed on its own, and the full review with it beside). The 5,000 articles are the
bundled sample's 1,605 resampled with replacement (seeded), with fresh ids; the plan is the
back-test plan of 2026-10-05 for 6 weeks, the activities the bundled 62.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks import Row, p95, row, timed
from workbench import io, mix, review, roi


def articles_5000(seed: int = 0) -> pd.DataFrame:
    """5,000 articles resampled from the sample (same two years, same platforms and types)."""
    base = io.sample("articles")
    idx = np.random.default_rng(seed).integers(0, len(base), 5_000)
    out = base.iloc[idx].reset_index(drop=True)
    out["article_id"] = pd.array([f"B{i:05d}" for i in range(len(out))], dtype="string")
    return out.sort_values("publish_time", kind="stable").reset_index(drop=True)


def run() -> list[Row]:
    rows: list[Row] = []
    daily = io.sample("daily_users")
    acts = io.sample("activities")
    big = articles_5000()
    plan = review.backtest_plan(io.sample("articles"), "2026-10-05", weeks=6)

    times = timed(lambda: review.review(plan, daily, big, acts, impact=False), repeat=15,
                  warmup=2)
    rv = review.review(plan, daily, big, acts, impact=False)
    r = row("review.review, 730 days + 5,000 articles, without impact", times, unit="ms",
            goal_text="median ≤ 300 ms",
            note=f"{len(rv.articles)} posts in 6 weeks, {len(rv.variance)} variance rows, "
                 f"{len(rv.recommendations)} recommendations")
    r.ok = float(np.median(times)) * 1e3 <= 300
    rows.append(r)

    times = timed(lambda: review.review(plan, daily, big, acts), repeat=15, warmup=2)
    rows.append(row("review.review, the same, with impact", times, unit="ms",
                    note=f"p95 {p95(times) * 1e3:.0f} ms"))

    s = daily.set_index("date")["new_follows"].astype(float)
    rows.append(row("review.counterfactual, new follows (prediction interval)",
                    timed(lambda: review.counterfactual(s, "2026-10-05", "2026-11-15"),
                          repeat=15, warmup=2), unit="ms"))

    small = io.sample("articles")
    times = timed(lambda: review.review(plan, daily, small, acts), repeat=15, warmup=2)
    rows.append(row("review.review, sample (1,605 articles), with impact", times, unit="ms"))

    estimates = {"coupon": roi.template("coupon"), "lottery": roi.template("lottery"),
                 "kol": roi.template("kol")}
    rows.append(row("review.review, sample, 3 ROI estimates (20,000 draws each)",
                    timed(lambda: review.review(plan, daily, small, acts,
                                                roi_estimates=estimates, impact=False),
                          repeat=7, warmup=1), unit="ms"))

    rows.append(row("CampaignReview.to_payload, 5,000 articles", timed(rv.to_payload, repeat=7),
                    unit="ms"))
    rows.append(row("review.backtest_plan, 2026-10-05, 6 weeks",
                    timed(lambda: review.backtest_plan(small, "2026-10-05", weeks=6), repeat=5),
                    unit="ms", note="estimate + plan + calendar"))

    history = small[small["publish_time"] < "2026-10-05"]
    est = mix.estimate(history)
    rv_small = review.review(plan, daily, small, acts, impact=False)
    rows.append(row("review.apply_to_estimates + mix.plan (the next plan)",
                    timed(lambda: mix.plan(review.apply_to_estimates(est, rv_small.calibrated)),
                          repeat=7), unit="ms"))
    return rows
