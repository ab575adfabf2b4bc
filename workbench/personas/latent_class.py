"""The latent class model behind :func:`workbench.personas.segment`, and its k-means starts.

A mixture of independent categorical distributions: each persona has a share (``log_pi``) and,
for every attribute, a distribution over its levels (multi-label interests: one yes/no per
interest). The data is a sparse 0/1 *design* (:class:`_Design`, one column per level, built by
:func:`workbench.personas.encode._design`); each attribute's log-likelihood is multiplied by its
weight. EM (:func:`_em`) fits it from a hard partition or from a model; :func:`_fit` starts it
from the best of several k-means partitions (:func:`_kmeans`, in numpy: importing
scikit-learn, which imports scipy.stats, cost every personas kernel 88 MB of its 290 (issue 7's
goal: 250 MB); tests/personas/test_numeric.py checks it against scikit-learn).

Choosing the number of personas is :mod:`workbench.personas.choose_k`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import sparse

_EM_ITER = 200
_EM_TOL = 1e-7
_STARTS = 8
_SCREEN_ITER = 25
#: rows the EM of each start is screened on (:func:`_fit`)
SCREEN_ROWS = 20_000
#: rows a k-means start is fitted on (then every screening row goes to its nearest centre)
_KMEANS_ROWS = 5_000
_SMOOTH = 0.5


@dataclass
class _Design:
    """Sparse 0/1 design of the model: one column per level; groups say how columns combine."""

    S: sparse.csr_matrix            # (n, D)
    group: np.ndarray               # (D,) attribute index of each column
    bernoulli: np.ndarray           # (D,) True for multi-label indicator columns
    weight: np.ndarray              # (D,) attribute weight of each column
    sizes: np.ndarray               # (G,) levels per attribute

    def rows(self, idx: np.ndarray) -> "_Design":
        return dataclasses.replace(self, S=self.S[idx])


@dataclass
class _Model:
    log_pi: np.ndarray   # (k,)
    W: np.ndarray        # (D, k) weighted log-probabilities
    const: np.ndarray    # (k,) weighted sum of log(1 - q) over Bernoulli columns
    n_params: int


def _m_step(design: _Design, R: np.ndarray) -> _Model:
    n, k = R.shape
    Nk = np.array([R[:, j].sum() for j in range(k)]) + 1e-12
    counts = np.asarray(design.S.T @ R)                       # (D, k)
    W = np.empty_like(counts)
    const = np.zeros(k)
    bern = design.bernoulli
    # categorical columns: normalise within their attribute (observed rows only)
    cat = ~bern
    if cat.any():
        g = design.group[cat]
        c = counts[cat] + _SMOOTH
        totals = np.zeros((design.group.max() + 1, k))
        np.add.at(totals, g, c)
        W[cat] = np.log(c / totals[g]) * design.weight[cat][:, None]
    if bern.any():
        q = (counts[bern] + _SMOOTH) / (Nk[None, :] + 2 * _SMOOTH)
        w = design.weight[bern][:, None]
        W[bern] = (np.log(q) - np.log1p(-q)) * w
        const = (np.log1p(-q) * w).sum(axis=0)
    free = sum(size if bern else size - 1 for size, bern in zip(design.sizes, _group_bern(design)))
    n_params = (k - 1) + k * int(free)
    return _Model(np.log(Nk / n), W, const, n_params)


def _group_bern(design: _Design) -> list[bool]:
    out = [False] * len(design.sizes)
    for g, b in zip(design.group, design.bernoulli):
        out[g] = bool(b)
    return out


def _e_step(design: _Design, model: _Model) -> tuple[np.ndarray, float]:
    """Responsibilities ``(n, k)`` and the log-likelihood of ``model``."""
    L = np.asarray(design.S @ model.W)
    L += model.const
    L += model.log_pi
    # the row maxima and sums persona by persona: numpy reduces the short rows of an (n, k)
    # array one row at a time, 4-8 times slower (most of an EM iteration)
    mx = _rows(np.maximum, L)
    L -= mx[:, None]
    np.exp(L, out=L)
    s = _rows(np.add, L)
    L /= s[:, None]
    return L, float((mx + np.log(s)).sum())


def _rows(op: np.ufunc, L: np.ndarray) -> np.ndarray:
    """``op`` reduced over each row of ``L`` ``(n, k)``, a column at a time."""
    out = L[:, 0].copy()
    for j in range(1, L.shape[1]):
        op(out, L[:, j], out=out)
    return out


def _assign(design: _Design, model: _Model, chunk: int = 250_000) -> np.ndarray:
    out = np.empty(design.S.shape[0], np.int64)
    for start in range(0, design.S.shape[0], chunk):
        part = design.S[start:start + chunk]
        L = np.asarray(part @ model.W) + model.const[None, :] + model.log_pi[None, :]
        out[start:start + chunk] = L.argmax(axis=1)
    return out


def _em(design: _Design, labels: np.ndarray, k: int, max_iter: int = _EM_ITER,
        model: _Model | None = None, tol: float = _EM_TOL) -> tuple[_Model, float]:
    """EM from a hard partition (or from ``model``) until an iteration gains less than ``tol``
    of the log-likelihood; returns the model and its log-likelihood."""
    if model is None:
        R = np.zeros((len(labels), k))
        R[np.arange(len(labels)), labels] = 1.0
        model = _m_step(design, R)
    old = -np.inf
    ll = old
    for _ in range(max_iter):
        R, ll = _e_step(design, model)
        model = _m_step(design, R)
        if ll - old <= tol * abs(ll):
            break
        old = ll
    return model, ll


# --------------------------------------------------------------------------------------------
# k-means starts
# --------------------------------------------------------------------------------------------
def _kmeans(X: np.ndarray, k: int, rng: np.random.Generator, max_iter: int = 50,
            tol: float = 1e-4, rows: int | None = None) -> np.ndarray:
    """Labels of ``X`` rows by Lloyd's k-means from a greedy k-means++ start (as scikit-learn's
    ``KMeans(n_init=1)``: ``2 + log k`` candidates per new centre, the one that lowers the
    inertia most is kept; stops when no label changes or the centres move less than ``tol``
    times the mean variance of the columns). A cluster left empty takes the point farthest
    from its centre. With ``rows``, the centres are fitted on that many rows drawn at random
    and every row is then labelled by its nearest centre."""
    X = everything = np.asarray(X)
    if rows is not None and rows < X.shape[0]:
        X = X[np.sort(rng.choice(X.shape[0], rows, replace=False))]
    n = X.shape[0]
    k = max(1, min(k, n))
    sq = np.einsum("ij,ij->i", X, X, dtype=np.float64)
    centres = X[_kmeanspp(X, sq, k, rng)].astype(np.float64)
    limit = tol * float(np.mean(np.var(X, axis=0, dtype=np.float64)))
    labels = np.full(n, -1, np.int64)
    members = np.zeros((k, n), X.dtype)
    for _ in range(max_iter):
        scores = _centre_scores(X, centres)
        new = scores.argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        members[:] = 0
        members[labels, np.arange(n)] = 1
        moved = centres.copy()
        full = counts > 0
        moved[full] = (members @ X)[full].astype(np.float64) / counts[full, None]
        if not full.all():   # an empty cluster restarts on the points farthest from theirs
            own = sq + scores[np.arange(n), labels]
            moved[~full] = X[np.argsort(-own)[:int((~full).sum())]]
        shift = float(((moved - centres) ** 2).sum())
        centres = moved
        if shift <= limit:
            break
    return _centre_scores(everything, centres).argmin(axis=1)


def _centre_scores(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Squared distances of ``X`` rows to ``centres`` less each row's own squared norm (which
    does not change the nearest centre), in ``X``'s precision."""
    c = centres.astype(X.dtype)
    return X @ (-2 * c.T) + np.einsum("ij,ij->i", c, c)


def _sq_dist(X: np.ndarray, sq: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Squared distances of ``X`` rows (``sq``: their squared norms) to ``centres``."""
    return np.maximum(sq[:, None] + _centre_scores(X, centres), 0.0)


def _kmeanspp(X: np.ndarray, sq: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Row positions of k-means++ centres (greedy: the best of ``2 + log k`` draws each)."""
    n = X.shape[0]
    trials = 2 + int(math.log(k)) if k > 1 else 1
    chosen = [int(rng.integers(n))]
    closest = _sq_dist(X, sq, X[chosen].astype(np.float64))[:, 0]
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0:   # every point sits on a centre already: any other point will do
            chosen.append(int(rng.integers(n)))
            continue
        picks = np.searchsorted(np.cumsum(closest), rng.random(trials) * total)
        picks = np.minimum(picks, n - 1)
        d = np.minimum(closest[:, None], _sq_dist(X, sq, X[picks].astype(np.float64)))
        best = int(d.sum(axis=0).argmin())
        chosen.append(int(picks[best]))
        closest = d[:, best]
    return np.asarray(chosen)


def _fit(X: np.ndarray, design: _Design, k: int, seed: int, starts: int = _STARTS,
         screen_rows: int = SCREEN_ROWS, step: Callable[[], None] = lambda: None
         ) -> tuple[_Model, float]:
    """EM started from the best of ``starts`` k-means partitions.

    Each start is k-means++ / k-means on the category and interest blocks of ``X`` (fitted on
    :data:`_KMEANS_ROWS` of them, every row then sent to its nearest centre) followed by
    :data:`_SCREEN_ITER` EM iterations on at most ``screen_rows`` rows; the start with the
    highest log-likelihood is then run to convergence on every row of ``design``. ``step`` is
    called after each start and after the final run (``starts + 1`` calls).
    """
    n = X.shape[0]
    rng = np.random.default_rng(seed)
    rows = np.arange(n) if n <= screen_rows else np.sort(rng.choice(n, screen_rows, replace=False))
    Xs, Ds = X[rows], design.rows(rows) if n > screen_rows else design
    best: tuple[_Model, float] | None = None
    for s in range(starts):
        # fewer distinct people than k: some personas stay empty, said by their size
        start = _kmeans(Xs, k, np.random.default_rng((seed * 1000 + s) % 2 ** 32),
                        rows=_KMEANS_ROWS)
        model, ll = _em(Ds, start, k, max_iter=_SCREEN_ITER)
        if best is None or ll > best[1]:
            best = (model, ll)
        step()
    assert best is not None
    out = _em(design, np.empty(0, np.int64), k, model=best[0])
    step()
    return out
