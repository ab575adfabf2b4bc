"""Activity ROI (活动ROI): is an activity worth its cost, and how sure are we?

A planner describes an activity as an :class:`ActivityEstimate`: its funnel (reach → participation
→ conversion → order value × margin, plus follows × the value of a follower × their retention)
and its costs (fixed: prizes, venue, materials, KOL fee, staff hours × hourly cost; variable: a
cost per participant, coupons redeemed × face value, ad impressions × CPM and clicks × CPC).
Every input is a three-point estimate :class:`Range` ``(low, likely, high)``; :func:`simulate`
draws them all, and the :class:`RoiResult` says how the ROI is spread, where each input breaks
even and which inputs matter most.

The model's formulas are in :mod:`.model` (one home; DOMAIN.md's definitions).

Where each concept lives:

==============  ============================================================================
``model``       the inputs (:data:`INPUTS`: keys, labels, units, bounds) and :func:`evaluate`
``estimate``    :class:`Range` (a three-point estimate) and :class:`ActivityEstimate`
``templates``   :func:`template`: starting values per activity type
``history``     :func:`priors`: low / likely / high from the team's past activities
``simulation``  :func:`simulate` (Monte Carlo: PERT draws, Gaussian copula) and
                :class:`RoiResult`
``tornado``     :func:`break_even` and :func:`sensitivity` (the tornado), in closed form
==============  ============================================================================

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

from .estimate import ACTIVITY_TYPES, PAYLOAD_VERSION, ActivityEstimate, Range
from .history import DEFAULT_CPM, MIN_HISTORY, PRIOR_QUANTILES, priors
from .model import (
    DTYPE, INPUT_KEYS, INPUT_LABELS, INPUTS, MAX_AMOUNT, OUTPUT_LABELS, InputSpec, evaluate,
    input_label, range_problem,
)
from .simulation import MAX_DRAWS, NORMAL_SPAN, TABLE_NODES, RoiResult, simulate
from .templates import template
from .tornado import SPEARMAN_DRAWS, break_even, sensitivity
# private names that other modules and tests reach for
from .simulation import _summary as _summary
from .templates import _check_type as _check_type
from .tornado import _root as _root

__all__ = [
    "ACTIVITY_TYPES", "ActivityEstimate", "INPUTS", "INPUT_KEYS", "INPUT_LABELS", "InputSpec",
    "DEFAULT_CPM", "DTYPE", "MAX_AMOUNT", "MAX_DRAWS", "MIN_HISTORY", "NORMAL_SPAN",
    "OUTPUT_LABELS", "PAYLOAD_VERSION", "PRIOR_QUANTILES", "Range", "RoiResult",
    "SPEARMAN_DRAWS", "TABLE_NODES", "break_even", "evaluate", "input_label", "priors",
    "range_problem", "sensitivity", "simulate", "template",
]
