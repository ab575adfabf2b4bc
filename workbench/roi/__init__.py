"""Activity ROI (活动ROI): is an activity worth its cost, and how sure are we?

A package of concepts; this module re-exports the public names (and the private ones other
modules and tests reach for), so ``from workbench import roi; roi.simulate(...)`` keeps working.
"""

from .simulation import (
    ACTIVITY_TYPES, DEFAULT_CPM, DTYPE, INPUT_KEYS, INPUT_LABELS, INPUTS, MAX_AMOUNT, MAX_DRAWS,
    MIN_HISTORY, NORMAL_SPAN, OUTPUT_LABELS, PAYLOAD_VERSION, PRIOR_QUANTILES, SPEARMAN_DRAWS,
    TABLE_NODES, ActivityEstimate, InputSpec, Range, RoiResult, break_even, evaluate,
    input_label, priors, sensitivity, simulate, template,
)
# private names that other modules and tests reach for
from .simulation import _check_type as _check_type
from .simulation import _root as _root
from .simulation import _summary as _summary

__all__ = [
    "ACTIVITY_TYPES", "ActivityEstimate", "INPUTS", "INPUT_KEYS", "INPUT_LABELS", "InputSpec",
    "DEFAULT_CPM", "DTYPE", "MAX_AMOUNT", "MAX_DRAWS", "MIN_HISTORY", "NORMAL_SPAN",
    "OUTPUT_LABELS", "PAYLOAD_VERSION", "PRIOR_QUANTILES", "Range", "RoiResult",
    "SPEARMAN_DRAWS", "TABLE_NODES", "break_even", "evaluate", "input_label", "priors",
    "sensitivity", "simulate", "template",
]
