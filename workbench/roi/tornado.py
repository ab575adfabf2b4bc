"""What matters and where an activity breaks even: :func:`sensitivity` (the tornado and
the rank correlations with the ROI) and :func:`break_even`, both in closed form.

* **Tornado in closed form.** The tornado moves one input from low to high with the others at
  their likely values, so each bar is two exact model evaluations, not a simulation; the rank
  (Spearman) correlation of each input's draws with the ROI, on at most
  :data:`SPEARMAN_DRAWS` draws, shows what matters when everything varies together.
* **Break-even in closed form.** With the others fixed, profit is a straight line in any one
  input (the model is a sum of products), so the break-even value is ``x₀ − p(x₀)/slope``;
  ``scipy.optimize.brentq`` is the fallback should the model ever become non-linear.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping, Protocol

import numpy as np
import pandas as pd

from .estimate import ActivityEstimate
from .model import INPUT_LABELS, _profit_at, evaluate

#: The rank correlations of the sensitivity table use at most this many draws.
SPEARMAN_DRAWS = 20_000  # rank correlations to about ±0.01; 100,000 cost 60 ms a redraw


class Simulated(Protocol):
    """What :func:`sensitivity` reads of a simulation: a :class:`~workbench.roi.RoiResult`
    (named here by what it has, so this module need not import the one that imports it)."""

    @property
    def estimate(self) -> ActivityEstimate: ...

    @property
    def n(self) -> int: ...

    @property
    def samples(self) -> Mapping[str, np.ndarray]: ...

    @property
    def draws(self) -> Mapping[str, np.ndarray]: ...


def _root(f: Callable[[float], float], a: float, b: float) -> float | None:
    """A zero of ``f`` in ``[a, b]``: closed form when ``f`` is a line there, ``brentq`` when
    it is not but changes sign; None when there is none (or ``f`` does not change sign)."""
    fa, fb = f(a), f(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if a == b or (fa > 0) == (fb > 0):
        return None
    mid = 0.5 * (a + b)
    scale = max(1.0, abs(fa), abs(fb))
    if abs(f(mid) - 0.5 * (fa + fb)) <= 1e-9 * scale:
        x = a + (b - a) * fa / (fa - fb)
        return min(max(x, a), b)
    from scipy import optimize  # only here: importing it costs every ROI page ~1 s at start

    return float(optimize.brentq(f, a, b, xtol=1e-12 * max(1.0, abs(a), abs(b)), rtol=1e-12))


def break_even(estimate: ActivityEstimate) -> dict[str, float | None]:
    """For each input, the value between its low and high at which profit is zero with every
    other input at its likely value; None when there is none in that range.

    Examples
    --------
    >>> est = ActivityEstimate("coupon", reach=10_000, participation_rate=0.1,
    ...                        conversion_rate=(0.05, 0.1, 0.2), value_per_conversion=100,
    ...                        cost_prizes=8_000)
    >>> break_even(est)["conversion_rate"]          # 1,000 participants × r × 100 = 8,000
    0.08
    """
    base = estimate.likely()
    out: dict[str, float | None] = {}
    for key, r in estimate.inputs().items():
        x = _root(_profit_at(base, key), r.low, r.high)
        out[key] = None if x is None else float(x)
    return out


def sensitivity(result: Simulated) -> pd.DataFrame:
    """The tornado and the rank correlations of the uncertain inputs with the ROI.

    Each row is an uncertain input (index: its key), sorted by ``swing`` descending:
    ``label_en, label_zh, low, likely, high``; ``roi_low`` and ``roi_high``: the ROI with this
    input at its low / high and every other input at its likely value (exact model
    evaluations); ``swing = |roi_high − roi_low|``; ``spearman``: rank correlation of the
    input's draws with the simulated ROI (on at most :data:`SPEARMAN_DRAWS` draws).
    """
    est = result.estimate
    base = est.likely()
    m = min(result.n, SPEARMAN_DRAWS)
    roi = result.samples["roi"][:m]
    ok = ~np.isnan(roi)
    roi_rank = _ranks(roi[ok]) if ok.any() else None
    rows = []
    for key in est.uncertain():
        r = getattr(est, key)
        lo = evaluate({**base, key: r.low})["roi"]
        hi = evaluate({**base, key: r.high})["roi"]
        rho = math.nan
        if roi_rank is not None and key in result.draws:
            rho = _pearson(_ranks(result.draws[key][:m][ok]), roi_rank)
        en, zh = INPUT_LABELS[key]
        rows.append({"key": key, "label_en": en, "label_zh": zh, "low": r.low,
                     "likely": r.likely, "high": r.high, "roi_low": lo, "roi_high": hi,
                     "swing": abs(hi - lo) if not (math.isnan(hi) or math.isnan(lo))
                     else math.nan, "spearman": rho})
    columns = ["key", "label_en", "label_zh", "low", "likely", "high", "roi_low", "roi_high",
               "swing", "spearman"]
    table = pd.DataFrame(rows, columns=columns)
    table["order"] = range(len(table))
    table = table.sort_values(["swing", "order"], ascending=[False, True],
                              na_position="last", kind="stable")
    return table.drop(columns="order").set_index("key")


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank), as float."""
    order = np.argsort(x)
    xs = x[order]
    ranks = np.empty(x.size)
    ranks[order] = np.arange(x.size, dtype=float)
    if np.any(xs[1:] == xs[:-1]):                      # ties: average their ranks
        first = np.concatenate([[True], xs[1:] != xs[:-1]])
        group = np.cumsum(first) - 1
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, x.size))
        mean_rank = starts + (counts - 1) / 2.0
        ranks[order] = mean_rank[group]
    return ranks


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float(np.einsum("i,i->", a, a)) * float(np.einsum("i,i->", b, b)))
    return float(np.einsum("i,i->", a, b)) / den if den > 0 else math.nan
