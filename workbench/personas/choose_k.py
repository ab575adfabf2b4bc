"""Choosing the number of personas: the BIC curve of nested fits, and its elbow.

:func:`workbench.personas.segment` with ``k=None`` calls :func:`choose_k` on a sample of
followers. Every k of the range is fitted in turn, each one started from the fit of ``k − 1``:

* **the best split**: each persona of the ``k − 1`` fit is split in two by 2-means of its
  members (the best of :data:`SPLIT_TRIES`) and fitted as two personas among its members for
  a few EM iterations; the persona whose members gain most is split, the others are kept as
  they are, and EM runs to convergence on every row from there;
* **a guard**: a fit that explains the data less well than the ``k − 1`` fit (a lower
  log-likelihood, which the optimum of nested models never has) is a poor optimum: fresh
  k-means starts are fitted too, and failing those the ``k − 1`` fit with one persona
  duplicated stands in (a k-persona model with exactly its likelihood).

So the log-likelihood never falls as k grows, and the curve no longer depends on whether a few
random starts happened to find the optimum (issue 19: seed 0 chose 5 personas on planted
6-segment data, its k = 6 fit lying in a poor optimum). Each k starts next to its optimum, so
the whole curve costs about two hundred EM iterations where independent random starts cost
over a thousand. The chosen k's model then starts the fit of every follower (one EM run).

The number of personas is the elbow of the model's BIC (Bayesian information criterion,
:func:`_bic`): the smallest k after which one more persona lowers the BIC by less than
:data:`ELBOW_SHARE` of its range (:func:`_elbow`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .latent_class import _KMEANS_ROWS, _Design, _e_step, _em, _kmeans, _m_step, _Model

#: k=None: stop adding personas once one more lowers the BIC by less than this share of the
#: BIC's range over the k tried.
ELBOW_SHARE = 0.05
#: fresh k-means starts tried at a k whose split fit explains the data less well than k − 1
FRESH_STARTS = 2
#: 2-means tries to split a persona with (the one with the least inertia is kept), each
#: fitted on at most this many of its members
SPLIT_TRIES = 3
SPLIT_ROWS = 2_000
#: EM iterations each persona's split is screened with
SCREEN_ITER = 5
#: EM iterations at most, and the relative gain in log-likelihood that ends them, for each k
#: of the curve (the BIC differences that choose k are thousands of times larger)
SELECT_ITER = 100
SELECT_TOL = 1e-5


@dataclass
class Choice:
    """The curve of fits over k and the k chosen.

    Attributes
    ----------
    k : the elbow of ``bic``.
    bic, log_likelihood : ``{k: value}`` for every k fitted (log-likelihood non-decreasing).
    models : the fitted model of every k (on the rows it was chosen on).
    """

    k: int
    bic: dict[int, float]
    log_likelihood: dict[int, float]
    models: dict[int, _Model] = field(repr=False)


def steps(ks: Sequence[int]) -> int:
    """Progress steps :func:`choose_k` reports for ``ks``: one per persona whose split is
    screened, one per run to convergence."""
    return sum(ks)


def choose_k(X: np.ndarray, design: _Design, ks: Sequence[int], seed: int,
             step: Callable[[], None] = lambda: None,
             trying: Callable[[int], None] = lambda k: None) -> Choice:
    """Fit every k of ``ks`` (ascending) from the best split of the previous fit, and choose
    the elbow of the BIC.

    Parameters
    ----------
    X : the k-means matrix of the rows (category and interest blocks).
    design : the model's design of the same rows.
    ks : the numbers of personas to try, ascending and consecutive.
    seed : makes the splits and the fresh starts reproducible.
    step : called after each persona's split is screened and after each run to convergence.
    trying : called with each k as its fit begins (the page shows it).

    Returns
    -------
    Choice

    Examples
    --------
    >>> choice = choose_k(X, design, range(2, 11), seed=0)          # doctest: +SKIP
    >>> choice.k, choice.log_likelihood[6] >= choice.log_likelihood[5]  # doctest: +SKIP
    (6, True)
    """
    n = X.shape[0]
    bic: dict[int, float] = {}
    lls: dict[int, float] = {}
    models: dict[int, _Model] = {}
    # one persona: everybody alike; its split is a 2-means partition of everyone
    prev = _m_step(design, np.ones((n, 1)))
    prev_ll = _e_step(design, prev)[1]
    for k in ks:
        trying(k)
        rng = np.random.default_rng([seed, k])
        R = _e_step(design, prev)[0]
        split = _best_split(X, design, R, rng, step)
        model, ll = _converge(design, k, split if split is not None else _fresh(X, k, rng))
        step()
        for _ in range(FRESH_STARTS if ll < prev_ll else 0):   # below k − 1: start afresh
            found = _converge(design, k, _fresh(X, k, rng))
            if found[1] > ll:
                model, ll = found
        if ll < prev_ll:   # still below k − 1: its fit with a persona duplicated
            model, ll = _duplicated(prev), prev_ll
        models[k], lls[k], bic[k] = model, ll, _bic(ll, model, n)
        prev, prev_ll = model, ll
    return Choice(_elbow(bic), bic, lls, models)


def _converge(design: _Design, k: int, start: np.ndarray) -> tuple[_Model, float]:
    """EM to convergence (:data:`SELECT_TOL`) from responsibilities ``start`` ``(n, k)``."""
    return _em(design, np.empty(0, np.int64), k, max_iter=SELECT_ITER,
               model=_m_step(design, start), tol=SELECT_TOL)


def _best_split(X: np.ndarray, design: _Design, R: np.ndarray, rng: np.random.Generator,
                step: Callable[[], None]) -> np.ndarray | None:
    """The start for one persona more (responsibilities ``(n, k)``) from the ``k − 1`` fit's
    responsibilities ``R``: the persona whose members two personas explain best, split in
    two, the others kept (``None`` when every persona's members are all alike).

    Each persona's members are split by 2-means (the best of :data:`SPLIT_TRIES`) and fitted
    as two personas for :data:`SCREEN_ITER` EM iterations among themselves; the gain in their
    log-likelihood over one persona ranks the splits. Screening every persona costs about
    :data:`SCREEN_ITER` iterations over all rows, whatever k.
    """
    owner = R.argmax(axis=1)
    best: tuple[float, int, np.ndarray, np.ndarray] | None = None
    for j in range(R.shape[1]):
        members = np.flatnonzero(owner == j)
        half = _halves(X[members], rng) if len(members) >= 2 else None
        if half is not None:
            local = design.rows(members)
            one = _e_step(local, _m_step(local, np.ones((len(members), 1))))[1]
            two, ll = _em(local, half, 2, max_iter=SCREEN_ITER)
            if best is None or ll - one > best[0]:
                best = (ll - one, j, members, _e_step(local, two)[0][:, 1])
        step()
    if best is None:
        return None
    _, j, members, second = best
    share = np.full(len(R), 0.5)
    share[members] = second
    split = np.column_stack([R, R[:, j] * share])
    split[:, j] *= 1.0 - share
    return split


def _halves(X: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """The 2-means partition of ``X`` rows with the least inertia of :data:`SPLIT_TRIES`
    (``None`` when the rows are all alike). One try often cuts across the two groups a
    persona holds, and EM then crawls from it (issue 19)."""
    total = X.sum(axis=0, dtype=np.float64)
    best: tuple[float, np.ndarray] | None = None
    for _ in range(SPLIT_TRIES):
        labels = _kmeans(X, 2, rng, rows=min(SPLIT_ROWS, len(X)))
        second = labels == 1
        n1 = int(second.sum())
        if n1 in (0, len(X)):
            continue
        s1 = X[second].sum(axis=0, dtype=np.float64)
        s0 = total - s1
        # the inertia less the rows' squared norms (the same for every try)
        inertia = -(s0 @ s0 / (len(X) - n1) + s1 @ s1 / n1)
        if best is None or inertia < best[0]:
            best = (inertia, labels)
    return None if best is None else best[1]


def _fresh(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """A k-means partition of the rows, as responsibilities ``(n, k)``."""
    labels = _kmeans(X, k, rng, rows=_KMEANS_ROWS)
    start = np.zeros((len(labels), k))
    start[np.arange(len(labels)), labels] = 1.0
    return start


def _duplicated(model: _Model) -> _Model:
    """The same model with its largest persona in two identical halves (the same likelihood,
    one persona more)."""
    j = int(np.argmax(model.log_pi))
    log_pi = np.append(model.log_pi, model.log_pi[j] - math.log(2))
    log_pi[j] -= math.log(2)
    k = len(log_pi)
    per_persona = (model.n_params - (k - 2)) // (k - 1)
    return _Model(log_pi, np.column_stack([model.W, model.W[:, j]]),
                  np.append(model.const, model.const[j]), (k - 1) + k * per_persona)


def _elbow(curve: dict[int, float], share: float = ELBOW_SHARE) -> int:
    """Smallest k after which one more persona lowers the BIC by less than ``share`` of its range.

    BIC keeps falling slowly past the real number of segments (people are not exactly
    independent draws per attribute), so its minimum overshoots; the elbow does not.

    Examples
    --------
    >>> _elbow({2: 100.0, 3: 40.0, 4: 10.0, 5: 8.0, 6: 7.0})
    4
    """
    ks = sorted(curve)
    span = max(curve.values()) - min(curve.values())
    for a, b in zip(ks, ks[1:]):
        if curve[a] - curve[b] < share * span:
            return a
    return min(curve, key=curve.get)


def _bic(ll: float, model: _Model, n: int) -> float:
    """The Bayesian information criterion of a fit: ``−2 log L + parameters × log n``."""
    return -2.0 * ll + model.n_params * math.log(n)
