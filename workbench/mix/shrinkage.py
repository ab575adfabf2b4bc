"""Empirical Bayes shrinkage (DerSimonian–Laird), how :mod:`workbench.mix.estimates` pulls
a thin group towards its neighbours.

Each group mean (a content type, a push position, a weekday × hour cell) has the sampling
variance ``sigma² / n``; the between-group variance ``tau²`` is the DerSimonian–Laird
method-of-moments estimate, and each group keeps the share ``tau² / (tau² + sigma²/n)`` of its
distance from the precision-weighted mean: 3 lucky posts are pulled most of the way, 300 barely
move, an empty group *is* the mean. Rates per read (:func:`_rate_eb`) shrink the same way.
"""

from __future__ import annotations

import numpy as np


def _dl(est: np.ndarray, var: np.ndarray
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Empirical Bayes (DerSimonian–Laird): shrink estimates towards their weighted mean.

    Parameters
    ----------
    est, var : group estimates and their sampling variances (NaN or inf: no data).

    Returns
    -------
    shrunk, post_var, own : the shrunk estimates, their posterior variances and the weight each
        kept on its own estimate (0 for groups without data, which get the prior mean).
    prior, tau2 : the random-effects mean and the between-group variance.

    Examples
    --------
    >>> s, v, own, prior, tau2 = _dl(np.array([0.0, 0.0, 3.0]), np.array([0.01, 0.01, 1.0]))
    >>> bool(own[2] < own[0]), round(prior, 2) < 1
    (True, True)
    """
    est = np.asarray(est, float)
    var = np.maximum(np.asarray(var, float), 1e-12)
    ok = np.isfinite(est) & np.isfinite(var)
    shrunk = np.zeros_like(est)
    post = np.zeros_like(est)
    own = np.zeros_like(est)
    if not ok.any():
        return shrunk, post, own, 0.0, 0.0
    e, v = est[ok], var[ok]
    w = 1.0 / v
    mean_w = float((w * e).sum() / w.sum())
    tau2 = 0.0
    if ok.sum() >= 2:
        q = float((w * (e - mean_w) ** 2).sum())
        denom = float(w.sum() - (w ** 2).sum() / w.sum())
        if denom > 0:
            tau2 = max(0.0, (q - (ok.sum() - 1)) / denom)
    ws = 1.0 / (v + tau2)
    prior = float((ws * e).sum() / ws.sum())
    var_prior = float(1.0 / ws.sum())
    b = tau2 / (tau2 + v)
    shrunk[ok] = prior + b * (e - prior)
    post[ok] = b * v + (1 - b) ** 2 * var_prior
    own[ok] = b
    shrunk[~ok] = prior
    post[~ok] = tau2 + var_prior
    return shrunk, post, own, prior, tau2


def _group_eb(values: np.ndarray, codes: np.ndarray, n_groups: int, sigma2: float | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Shrunk group means of ``values`` (codes ``-1`` ignored).

    Returns shrunk means, posterior variances, own weights, counts and the pooled within-group
    variance ``sigma2`` (estimated when ``None``).
    """
    use = codes >= 0
    c = codes[use]
    v = values[use]
    n = np.bincount(c, minlength=n_groups).astype(float)
    sums = np.bincount(c, weights=v, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    if sigma2 is None:
        j = int((n > 0).sum())
        resid = v - means[c]
        dof = len(v) - j
        if dof > 0:
            sigma2 = float((resid ** 2).sum() / dof)
        elif len(v) > 1:
            sigma2 = float(np.var(v, ddof=1))
        else:
            sigma2 = 1.0
        sigma2 = max(sigma2, 1e-6)
    with np.errstate(divide="ignore"):
        var = np.where(n > 0, sigma2 / np.maximum(n, 1), np.inf)
    shrunk, post, own, _, _ = _dl(means, var)
    return shrunk, post, own, n, sigma2


def _centre(effect: np.ndarray, counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return effect - (effect * counts).sum() / total if total > 0 else effect


def _rate_eb(metric: np.ndarray, reads: np.ndarray, cell: np.ndarray, n_types: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shrunk per-read rates of one metric per cell: (rate, posterior sd, own weight).

    A cell needs at least one read in all for a rate (fractions of a read, which no export
    has, would make it astronomically large)."""
    ok = ~np.isnan(metric) & ~np.isnan(reads)
    if not ok.any() or reads[ok].sum() < 1:
        z = np.zeros(n_types)
        return z, z, z
    m, r, c = metric[ok], reads[ok], cell[ok]
    sum_m = np.bincount(c, weights=m, minlength=n_types)
    sum_r = np.bincount(c, weights=r, minlength=n_types)
    sum_r2 = np.bincount(c, weights=r * r, minlength=n_types)
    n = np.bincount(c, minlength=n_types)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(sum_r >= 1, sum_m / np.maximum(sum_r, 1), np.nan)
    resid = m - np.nan_to_num(rate)[c] * r
    j = int((sum_r >= 1).sum())
    dof = max(len(m) - j, 1)
    phi = float((resid ** 2).sum() / max((r * r).sum(), 1e-12)) * len(m) / dof
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where((sum_r >= 1) & (n > 0), phi * sum_r2 / np.maximum(sum_r, 1) ** 2, np.inf)
    shrunk, post, own, _, _ = _dl(rate, var)
    return np.maximum(shrunk, 0.0), np.sqrt(post), own
