"""Campaign review (数据复盘): what the plan promised, what happened, why, and what to change.

:func:`review` compares a content-mix plan (a :class:`workbench.mix.MixPlan` or the payload the
content-mix page saves) with what the account actually did over the plan's calendar — the
period ``start .. start + 7 × weeks − 1`` — and returns a :class:`CampaignReview`: the KPI table,
a volume / rate variance, daily and weekly trends with anomalies, a counterfactual of the
campaign's lift, the article leaderboard, the WCI by week, the activities' ROI, recommendations
in English and Chinese, and per-post rates calibrated from the actuals that
:func:`apply_to_estimates` and :func:`apply_to_roi` carry into the next plan (the closed loop).
:func:`scorecard` turns a review into the team appraisal of DOMAIN.md.

One concept a module; each module's notes say what it decided:

- :mod:`~workbench.review.campaign` — :func:`review` and :class:`CampaignReview` (the scope)
- :mod:`~workbench.review.inputs` — the plan under review and the three tables, read
- :mod:`~workbench.review.kpis` — the KPI table (the baseline, attainment and status)
- :mod:`~workbench.review.variance` — volume and rate effects per platform and content type
- :mod:`~workbench.review.trends` — daily and weekly series, anomalies, sources
- :mod:`~workbench.review.impact` — the counterfactual and the lift, with
  :mod:`~workbench.review.baseline` (the prediction error of the fitted baseline)
- :mod:`~workbench.review.wci` — the WeChat Communication Index
- :mod:`~workbench.review.activities` — the activities' value and ROI
- :mod:`~workbench.review.calibrate` — the calibrated rates
- :mod:`~workbench.review.closed_loop` — calibrated rates into the next plan and ROI estimates
- :mod:`~workbench.review.recommend` — the recommendations
- :mod:`~workbench.review.backtest` — the plan the team would have made (the demo)
- :mod:`~workbench.review.scorecard` — the team appraisal
- :mod:`~workbench.review.values` — reading and writing values (bad values are missing)

Examples
--------
>>> from workbench import io, review
>>> arts = io.sample("articles")                                            # doctest: +SKIP
>>> plan = review.backtest_plan(arts, "2026-10-05", weeks=6)                 # doctest: +SKIP
>>> rv = review.review(plan, io.sample("daily_users"), arts,
...                    io.sample("activities"))                             # doctest: +SKIP
>>> rv.kpis.set_index("kpi").loc["reads", ["plan", "actual", "status"]]     # doctest: +SKIP
"""

from __future__ import annotations

from .backtest import BACKTEST_CADENCE_WEEKS, backtest_plan
from .calibrate import CALIBRATION_PRIOR_ACTIVITIES, CALIBRATION_PRIOR_POSTS, Calibration
from .campaign import CampaignReview, NotYet, review
from .goals import GOAL_KPIS, GOAL_RATES, check_goals
from .closed_loop import apply_to_estimates, apply_to_roi, roi_overrides
from .impact import (IMPACT_BLOCK, IMPACT_DRAWS, IMPACT_LEVEL, IMPACT_TRAIN_DAYS, Impact,
                     counterfactual)
from .kpis import AT_RISK, KPIS, ON_TRACK, STATUSES, status_label
from .recommend import MAX_RECOMMENDATIONS, MIN_RECOMMENDATIONS, Recommendation
from .scorecard import (
    ACCOUNT_KPIS, ACTIVITY_KPIS, SCORECARD_WEIGHTS, Scorecard, part_label, scorecard,
)
from .trends import ANOMALY_K, ANOMALY_WINDOW, TREND_SERIES, Trends, flag_anomalies
from .values import MAX_VALUE
from .variance import VARIANCE_METRICS
from .wci import WCI_VERSION, wci_index

# Kept where they were before the split: module constants outside __all__, and the private
# helpers tests/review/test_review.py checks (``review._status``, ``review._attainment``).
from .activities import ROI_DRAWS as ROI_DRAWS
from .impact import IMPACT_MIN_TRAIN_DAYS as IMPACT_MIN_TRAIN_DAYS
from .kpis import _attainment as _attainment, _status as _status
from .recommend import ADVICE_THRESHOLD as ADVICE_THRESHOLD
from .recommend import MIN_POSTS_FOR_ADVICE as MIN_POSTS_FOR_ADVICE
from .scorecard import MANUAL_PARTS as MANUAL_PARTS
from .values import PAYLOAD_VERSION as PAYLOAD_VERSION

__all__ = [
    "ACCOUNT_KPIS", "ACTIVITY_KPIS", "ANOMALY_K", "ANOMALY_WINDOW", "AT_RISK",
    "BACKTEST_CADENCE_WEEKS", "CALIBRATION_PRIOR_ACTIVITIES", "CALIBRATION_PRIOR_POSTS",
    "Calibration", "CampaignReview", "GOAL_KPIS", "GOAL_RATES", "NotYet", "check_goals",
    "IMPACT_BLOCK", "IMPACT_DRAWS", "IMPACT_LEVEL",
    "IMPACT_TRAIN_DAYS", "Impact", "KPIS", "MAX_RECOMMENDATIONS", "MAX_VALUE",
    "MIN_RECOMMENDATIONS",
    "ON_TRACK", "Recommendation", "SCORECARD_WEIGHTS", "STATUSES", "Scorecard", "TREND_SERIES",
    "Trends", "VARIANCE_METRICS", "WCI_VERSION", "apply_to_estimates", "apply_to_roi",
    "backtest_plan", "counterfactual", "flag_anomalies", "part_label", "review", "roi_overrides",
    "scorecard",
    "status_label", "wci_index",
]
