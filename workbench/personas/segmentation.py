"""Segmenting followers into personas: :func:`segment` and its result, :class:`Segmentation`.

How :func:`segment` clusters
----------------------------
Every attribute is encoded (:mod:`.encode`) twice: as a *block* of a float32 matrix (one-hot
levels, interest indicators, ``log1p`` counts, the hour as ``sin``/``cos``), each block scaled
so that its total variance equals the attribute's weight (default 1), and as model levels.

That matrix seeds the clustering (k-means++ and Lloyd's k-means,
:func:`.latent_class._kmeans`), and gives the 2-D map (PCA) and the silhouette; the three are
written in numpy and checked against scikit-learn in the tests, because importing
scikit-learn cost every personas kernel 88 MB.
The segments themselves come from a *latent class model* (a mixture of independent
categorical distributions, fitted by EM and started from k-means): categories and
interests as they are, counts in bins (none, then quintiles of the non-zero values) and the hour
as one of 24 levels. Counts that follow from another count are modelled as the rate behind
them — shares and comments *per read*, spend *per order* — so one very active person is not
counted three times as "different". Each attribute's log-likelihood is multiplied by its weight.
On the bundled sample this recovers the six planted segments with an adjusted Rand index of
about 0.91 against the generator's labels, where k-means on the same matrix reaches 0.2-0.75.

Large inputs are fitted on a random sample of :data:`FIT_ROWS` people and every person is then
assigned to their most likely persona, so time grows linearly and no n × n matrix is formed.
With ``k=None`` every k in :data:`K_RANGE` is fitted on a sample of :data:`SELECT_ROWS`
people, each one started from the splits of the k − 1 fit (:mod:`workbench.personas.choose_k`),
and the elbow of the model's BIC (Bayesian information criterion) is kept: the smallest
k after which one more persona improves the BIC by less than 5 % of its range (the BIC minimum
itself keeps drifting upwards, since real people are not exactly the model's independent
draws). The chosen k's fit then starts the fit of everyone. The curve is in
``Segmentation.quality``. The model itself is :mod:`workbench.personas.latent_class`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .choose_k import ELBOW_SHARE, Choice, _bic, choose_k
from .choose_k import steps as _choice_steps
from .encode import (
    EXCLUDED, _Attribute, _design, _encode, _matrix, _seed_matrix, _small_int, _zh,
    default_features,
)
from .latent_class import _STARTS, _assign, _Design, _em, _fit, _Model
from .naming import _name, _unique_names
from .persona import Persona
from .profile import _profile, _Profiler, _profiler

#: Rows the model is fitted on; larger inputs are fitted on a random sample of this size and
#: every row is then assigned to its most likely persona.
FIT_ROWS = 50_000
#: Rows used to choose k when ``k=None`` (the chosen k is then fitted on up to
#: :data:`FIT_ROWS`). 10,000 chose the planted 6 segments for every seed, as 20,000 did, in
#: half the time.
SELECT_ROWS = 10_000
#: The k tried when ``k=None``.
K_RANGE: tuple[int, ...] = tuple(range(2, 11))
#: Rows of the silhouette sample.
SILHOUETTE_ROWS = 5_000
#: Followers whose encoded features a segmentation keeps (a random sample when there are more):
#: the persona map and the silhouette sample from them. Keeping every row cost 217 MB at
#: 1,000,000 followers.
MAP_ROWS = 20_000


# --------------------------------------------------------------------------------------------
# The map's PCA and the silhouette, in numpy (the k-means starts: :mod:`.latent_class`)
# --------------------------------------------------------------------------------------------
# scikit-learn did these two and k-means; importing it (which imports scipy.stats) cost every
# personas kernel 88 MB of its 290 (issue 7's goal: 250 MB). Each one here is checked against it
# in tests/personas/test_numeric.py.
def _pca2(X: np.ndarray) -> np.ndarray:
    """The first two principal-component scores of ``X`` rows (``(n, 2)``; a column of zeros
    when ``X`` has one column). Signs as scikit-learn's: each axis's largest loading is
    positive."""
    centred = np.asarray(X, np.float64) - np.mean(X, axis=0, dtype=np.float64)
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    comps = min(2, vt.shape[0])
    flip = np.sign(vt[np.arange(comps), np.abs(vt[:comps]).argmax(axis=1)])
    flip[flip == 0] = 1.0
    xy = u[:, :comps] * s[:comps] * flip
    return xy if comps == 2 else np.column_stack([xy, np.zeros(len(xy))])


def _silhouette(X: np.ndarray, labels: np.ndarray, block: int = 512) -> float:
    """Mean silhouette of ``X`` rows under ``labels`` (euclidean; 0 for a point alone in its
    cluster), in blocks of rows so memory stays ``block × n``; distances in single precision
    (to about 1e-5: it is a summary, and double took 0.2 s of a 100,000-row segmentation)."""
    X = np.asarray(X, np.float32)
    n = len(X)
    labels = np.unique(labels, return_inverse=True)[1].ravel()
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    onehot = np.zeros((n, k), np.float32)
    onehot[np.arange(n), labels] = 1
    sq = np.einsum("ij,ij->i", X, X)
    scores = np.empty(n)
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        d = np.sqrt(np.maximum(sq[rows, None] + sq[None, :] - 2.0 * (X[rows] @ X.T), 0.0))
        d[np.arange(len(rows)), rows] = 0.0
        sums = (d @ onehot).astype(np.float64)
        own = labels[rows]
        a = sums[np.arange(len(rows)), own] / np.maximum(counts[own] - 1, 1)
        others = sums / counts
        others[np.arange(len(rows)), own] = np.inf
        b = others.min(axis=1)
        scores[rows] = np.where(counts[own] > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300),
                                0.0)
    return float(scores.mean())


# --------------------------------------------------------------------------------------------
# Segmentation
# --------------------------------------------------------------------------------------------
@dataclass(eq=False)  # compared by identity: a new segmentation is news
class Segmentation:
    """Personas found in a followers table.

    Attributes
    ----------
    labels : ``(n,)`` persona id of each row, in input order (int8 up to 126 personas).
    personas : one :class:`Persona` per id, largest first.
    k : number of personas.
    quality : ``{"criterion": ..., "score": float, "curve": {k: score}}`` plus
        ``"silhouette"`` (on a sample of 5,000, in the encoded feature space) and
        ``"log_likelihood"``. ``curve`` holds every k tried (only the chosen k when k was given);
        with k chosen, ``"log_likelihood_curve"`` holds the log-likelihood of every k on the
        sample it was chosen on (never lower for a larger k).
    features : attributes used.
    seed : the seed the result was made with.
    notes : ``(en, zh)`` pairs: attributes left out and why (constant, all missing, weight 0).

    Examples
    --------
    >>> seg = segment(io.sample("followers"), k=6)                 # doctest: +SKIP
    >>> women = (io.sample("followers")["gender"] == "female").to_numpy()  # doctest: +SKIP
    >>> [p.size for p in seg.profile(women)]                          # doctest: +SKIP
    """

    labels: np.ndarray
    personas: list[Persona]
    k: int
    quality: dict
    features: list[str]
    seed: int
    notes: list[tuple[str, str]] = field(default_factory=list)
    _profiler: _Profiler | None = field(default=None, repr=False, compare=False)
    _matrix: Any = field(default=None, repr=False, compare=False)
    #: row positions of ``_matrix`` in the followers (sorted); ``None``: every row, in order
    _matrix_rows: np.ndarray | None = field(default=None, repr=False, compare=False)

    def where(self, levels: Mapping[str, str]) -> np.ndarray | None:
        """Rows whose category ``column`` holds ``level``, for every ``{column: level}`` (a
        boolean mask to :meth:`profile` with), from the codes profiling already holds: a few
        milliseconds for a million followers, where comparing the text took 40 ms a column.
        ``None`` when a column is not one of the segmentation's categories.

        Examples
        --------
        >>> seg.profile(seg.where({"city_tier": "tier1", "platform": "wechat"}))  # doctest: +SKIP
        """
        if self._profiler is None:
            return None
        keep = np.ones(len(self.labels), dtype=bool)
        for column, value in levels.items():
            found = self._profiler.categories.get(column)
            if found is None:
                return None
            codes, names = found
            if value not in names:
                return np.zeros(len(self.labels), dtype=bool)
            keep &= codes == names.index(value)
        return keep

    def profile(self, mask: np.ndarray | pd.Series | Sequence[bool]) -> list[Persona]:
        """Profile the rows where ``mask`` is true, keeping every row's persona.

        Sizes, shares, lifts and z-scores are computed within the subset (its own overall
        shares are the baseline); ids are those of :attr:`personas`. Names follow the traits
        the subset shows (under a Tier-1 filter no persona is called "Small-city …"); a
        persona renamed by the planner (its name is not the one its traits give), or absent
        from the subset (size 0), keeps its name.

        Examples
        --------
        >>> sub = seg.profile(followers["platform"] == "wechat")        # doctest: +SKIP
        """
        if self._profiler is None:
            raise ValueError("this segmentation has no profiling data; build it with segment()")
        m = np.asarray(mask.to_numpy(dtype=bool, na_value=False) if isinstance(mask, pd.Series)
                       else mask)
        if m.dtype != bool:
            m = m.astype(bool)
        profiled = _profile(self._profiler, self.labels, self.k, m, None)
        whole = sorted(self.personas, key=lambda p: p.id)
        for p, segment in zip(profiled, whole):
            if p.size == 0 or _renamed(segment):
                p.name = dict(segment.name)
        _unique_names(profiled)
        return profiled

    def embedding(self, sample_size: int = 5000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Rows of a random sample and their 2-D coordinates (PCA of the encoded features).

        Returns
        -------
        rows : ``(m,)`` row positions, sorted; ``labels[rows]`` colours the map.
        xy : ``(m, 2)`` float coordinates.

        The sample is drawn from the :data:`MAP_ROWS` followers whose features the segmentation
        kept (all of them up to that many).
        """
        X = self._matrix
        if X is None:
            raise ValueError("this segmentation has no encoded features; build it with segment()")
        m = X.shape[0]
        rng = np.random.default_rng(seed)
        picked = np.sort(rng.choice(m, size=min(sample_size, m), replace=False))
        rows = picked if self._matrix_rows is None else self._matrix_rows[picked]
        sample = X[picked]
        if sample.shape[0] < 2:
            return rows, np.zeros((len(rows), 2))
        return rows, _pca2(sample)


def _check_features(followers: pd.DataFrame, features: list[str] | None) -> list[str]:
    if features is None:
        return default_features(followers)
    features = list(dict.fromkeys(features))
    missing = [f for f in features if f not in followers.columns]
    if missing:
        raise InputError(f"The followers table has no column {', '.join(map(repr, missing))} "
                         f"(its columns: {', '.join(map(str, followers.columns))}).",
                         f"粉丝表没有列 {'、'.join(missing)}"
                         f"（现有列：{'、'.join(map(str, followers.columns))}）。",
                         fix="Choose attributes the table has.", fix_zh="请选择表中已有的属性。")
    bad = [f for f in features if f in EXCLUDED]
    if bad:
        raise InputError(f"{', '.join(map(repr, bad))} cannot define a persona (ids, province "
                         "and dates are not used).",
                         f"{'、'.join(_zh(b) for b in bad)} 不能用来划分人设"
                         "（不使用 ID、省份和日期）。",
                         fix="Remove them from the attributes to segment on.",
                         fix_zh="请从分群属性中去掉它们。")
    return features



def _renamed(persona) -> bool:
    """Whether the planner renamed a persona: its name is not the one its traits give (made
    unique with " (2)", " (3)" … as :func:`segment` does)."""
    given = _name(persona)
    return any(str(persona.name.get(lang, "")).split(" (")[0].split("（")[0] != given[lang]
               for lang in ("en", "zh"))

def segment(followers: pd.DataFrame, k: int | None = None, features: list[str] | None = None,
            weights: dict[str, float] | None = None, seed: int = 0,
            progress: Callable[[float], None] | None = None,
            trying_k: Callable[[int], None] | None = None) -> Segmentation:
    """Group followers into ``k`` personas and profile them.

    Parameters
    ----------
    followers : canonical followers frame (:func:`workbench.io.load` / ``io.sample("followers")``).
    k : number of personas; ``None`` tries :data:`K_RANGE` on a sample of :data:`SELECT_ROWS`,
        each k started from the fit of k − 1, and keeps the elbow of the BIC curve
        (:func:`workbench.personas.choose_k.choose_k`).
    features : columns to segment on; default :func:`default_features`.
    weights : per-attribute weights (default 1); 0 leaves an attribute out of the clustering
        (it is still profiled when it is a canonical column).
    seed : makes the result reproducible.
    progress : called with the share of the work done (0–1) as it goes, for a progress bar; it
        runs in the caller's thread.
    trying_k : with ``k=None``, called with each number of personas as its fit begins, and
        with the chosen one as it is fitted on every row (the page says which one it is
        fitting); in the caller's thread.

    Returns
    -------
    Segmentation

    Raises
    ------
    InputError
        (a ``ValueError`` with English and Chinese text) fewer rows than ``k``, an unknown or
        excluded feature, no usable feature left (constant, single-category and all-missing
        columns are ignored and listed in ``notes``), or a bad ``k`` / weight (a number from 0
        to :data:`MAX_WEIGHT`) / seed (0 to 2³² − 1). Numbers that are not numbers (text,
        infinite, beyond ± :data:`MAX_NUMBER`) are missing values.

    Examples
    --------
    >>> seg = segment(io.sample("followers"), k=6, seed=0)   # doctest: +SKIP
    >>> seg.k, len(seg.labels)                                # doctest: +SKIP
    (6, 20000)
    """
    k, weights = _check_arguments(followers, k, features, weights, seed)
    n = len(followers)
    features = _check_features(followers, features)
    notes: list[tuple[str, str]] = []
    attrs = _usable_attributes(followers, features, weights, notes)
    used = [a.name for a in attrs]
    rng = np.random.default_rng(seed)
    design = _design(attrs)
    work = _Progress(progress)
    choice = None
    if k is None:
        choice = _choose_k(attrs, design, n, seed, rng, work, trying_k)
        k = choice.k
    model, log_likelihood, fitted = _fit_everyone(attrs, design, n, k, seed, rng, choice, work)
    labels = _ids_by_size(_assign(design, model), k)
    work.step()

    kept = None if n <= MAP_ROWS else np.sort(rng.choice(n, MAP_ROWS, replace=False))
    X = _matrix(attrs, kept)
    quality = _quality(choice, model, log_likelihood, k, n, fitted)
    if k >= 2 and n > k:
        silhouette = _sampled_silhouette(X, labels, kept, rng)
        if silhouette is not None:
            quality["silhouette"] = silhouette
    prof = _profiler(followers, used, attrs)
    personas = _profile(prof, labels, k, None, None)
    _unique_names(personas)
    work.finish()
    return Segmentation(labels=labels, personas=personas, k=k, quality=quality, features=used,
                        seed=seed, notes=notes, _profiler=prof, _matrix=X,
                        _matrix_rows=kept)


def _check_arguments(followers: pd.DataFrame, k: int | None, features: list[str] | None,
                     weights: Mapping[str, float] | None, seed: int
                     ) -> tuple[int | None, dict[str, float]]:
    """``k`` as an int (or None) and the weights as a dict, once :func:`segment`'s arguments
    are checked (an :class:`~workbench.errors.InputError` saying what is wrong otherwise)."""
    if not isinstance(followers, pd.DataFrame):
        raise InputError("The followers must be a table (load it with workbench.io.load).",
                         "粉丝数据必须是一张表（请用 workbench.io.load 读取）。")
    n = len(followers)
    if n == 0:
        raise InputError("The followers table has no rows.", "粉丝表没有数据行。",
                         fix="Load an export with at least a few hundred followers.",
                         fix_zh="请导入至少有几百位粉丝的数据。")
    if k is not None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise InputError(f"The number of personas must be a whole number ≥ 1, not {k!r}.",
                             f"人设数必须是不小于 1 的整数，而不是 {k!r}。")
        k = int(k)
        if n < k:
            raise InputError(f"Cannot make {k} personas from {n} followers.",
                             f"{n} 位粉丝分不出 {k} 个人设。",
                             fix=f"Choose at most {n} personas or load more followers.",
                             fix_zh=f"请选择不超过 {n} 个人设，或导入更多粉丝。")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed < 2 ** 32:
        raise InputError(f"The random seed must be a whole number from 0 to 2³² − 1, not "
                         f"{seed!r}.",
                         f"随机种子必须是 0 到 2³² − 1 之间的整数，而不是 {seed!r}。",
                         fix="Use e.g. seed=0.", fix_zh="例如 seed=0。")
    if weights is not None and not isinstance(weights, Mapping):
        raise InputError("The weights must map attributes to numbers, e.g. {'gender': 2}.",
                         "权重应为“属性 → 数值”的字典，例如 {'gender': 2}。")
    weights = dict(weights or {})
    unknown = [w for w in weights if features is not None and w not in features
               and w not in followers.columns]
    if unknown:
        raise InputError(f"Weights were given for unknown attribute(s): {', '.join(unknown)}.",
                         f"为不存在的属性设置了权重：{'、'.join(unknown)}。",
                         fix="Weight only the attributes you segment on.",
                         fix_zh="只给参与分群的属性设置权重。")
    return k, weights


def _usable_attributes(followers: pd.DataFrame, features: list[str],
                       weights: dict[str, float], notes: list[tuple[str, str]]
                       ) -> list[_Attribute]:
    """The encoded features (:func:`~.encode._encode`); an error when none can segment."""
    attrs = _encode(followers, features, weights, notes)
    if not attrs:
        why = "; ".join(en for en, _ in notes) if notes else (
            "no attribute chosen" if features else "no persona column of the table has data")
        why_zh = "；".join(zh for _, zh in notes) if notes else (
            "没有选择属性" if features else "表中没有任何含数据的画像列")
        raise InputError(f"No attribute is usable to segment on ({why}).",
                         f"没有可用于分群的属性（{why_zh}）。",
                         fix="Choose attributes whose values differ between followers, with a "
                             "weight above 0.",
                         fix_zh="请选择粉丝之间取值不同、且权重大于 0 的属性。")
    return attrs


class _Progress:
    """The share of :func:`segment`'s work done, for a progress bar: one step per k-means start
    and the final EM run (k=None: per persona whose split is screened and per run to
    convergence while choosing k, then the final run), then assignment and profiling."""

    def __init__(self, report: Callable[[float], None] | None) -> None:
        self.report = report
        self.total = (_STARTS + 1) + 2
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.report is not None:
            self.report(min(self.done / self.total, 1.0))

    def finish(self) -> None:
        """The last step, however many came before."""
        self.done = self.total - 1
        self.step()


def _choose_k(attrs: list[_Attribute], design: _Design, n: int, seed: int,
              rng: np.random.Generator, work: _Progress,
              trying_k: Callable[[int], None] | None) -> Choice:
    """The number of personas, chosen on a sample of :data:`SELECT_ROWS` followers
    (:func:`~.choose_k.choose_k`)."""
    sample = np.sort(rng.choice(n, size=min(SELECT_ROWS, n), replace=False))
    ks = [kk for kk in K_RANGE if kk <= len(sample)]
    if not ks:
        raise InputError(f"Cannot choose the number of personas from {n} followers.",
                         f"{n} 位粉丝无法自动选择人设数。",
                         fix=f"Load at least {K_RANGE[0]} followers.",
                         fix_zh=f"请导入至少 {K_RANGE[0]} 位粉丝。")
    work.total = _choice_steps(ks) + 1 + 2
    choice = choose_k(_seed_matrix(attrs, sample), design.rows(sample), ks, seed,
                      step=work.step, trying=trying_k or (lambda kk: None))
    if trying_k is not None:
        trying_k(choice.k)   # the chosen k, fitted on everyone
    return choice


def _fit_everyone(attrs: list[_Attribute], design: _Design, n: int, k: int, seed: int,
                  rng: np.random.Generator, choice: Choice | None, work: _Progress
                  ) -> tuple[_Model, float, int]:
    """The model of ``k`` personas fitted on every follower (a random :data:`FIT_ROWS` of
    them when there are more), started from k-means or, when k was chosen, from the chosen
    fit on the sample. Returns the model, its log-likelihood and the rows it was fitted on."""
    fit_rows = np.arange(n) if n <= FIT_ROWS else np.sort(rng.choice(n, FIT_ROWS, replace=False))
    fit_design = design if n <= FIT_ROWS else design.rows(fit_rows)
    if choice is None:
        starts = _seed_matrix(attrs) if n <= FIT_ROWS else _seed_matrix(attrs, fit_rows)
        model, log_likelihood = _fit(starts, fit_design, k, seed, step=work.step)
    else:   # the chosen k's fit on the sample starts the fit of every row
        model, log_likelihood = _em(fit_design, np.empty(0, np.int64), k,
                                    model=choice.models[k])
        work.step()
    return model, log_likelihood, len(fit_rows)


def _ids_by_size(raw: np.ndarray, k: int) -> np.ndarray:
    """Persona ids by size, descending (ties: lower raw id first), as small ints (int8 for up
    to 126 personas: 1 MB a million rows)."""
    order = np.argsort(-np.bincount(raw, minlength=k), kind="stable")
    relabel = np.empty(k, _small_int(k))
    relabel[order] = np.arange(k)
    return relabel[raw]


def _quality(choice: Choice | None, model: _Model, log_likelihood: float, k: int, n: int,
             fitted: int) -> dict[str, Any]:
    """:attr:`Segmentation.quality` but the silhouette: the BIC curve of the chosen k, or the
    BIC of the one k fitted."""
    curve = choice.bic if choice is not None else {}
    quality: dict[str, Any] = {"criterion": f"BIC of the latent class model (sample of "
                                            f"{min(SELECT_ROWS, n):,}; elbow: smallest k after "
                                            f"which one more persona improves it by less than "
                                            f"{ELBOW_SHARE:.0%} of its range)",
                               "curve": curve}
    if curve:
        quality["score"] = curve[k]
    else:
        quality["criterion"] = f"BIC of the latent class model ({fitted:,} rows)"
        quality["score"] = _bic(log_likelihood, model, fitted)
        quality["curve"] = {k: quality["score"]}
    quality["log_likelihood"] = log_likelihood
    if choice is not None and choice.log_likelihood:
        quality["log_likelihood_curve"] = choice.log_likelihood
    return quality


def _sampled_silhouette(X: np.ndarray, labels: np.ndarray, kept: np.ndarray | None,
                        rng: np.random.Generator) -> float | None:
    """The silhouette of :data:`SILHOUETTE_ROWS` of the kept rows ``X`` (``kept``: their
    positions among the followers; None: all, in order); None when they hold one persona."""
    m = X.shape[0]
    sample = np.sort(rng.choice(m, size=min(SILHOUETTE_ROWS, m), replace=False))
    sample_labels = labels[sample if kept is None else kept[sample]]
    if len(np.unique(sample_labels)) < 2:
        return None
    return _silhouette(X[sample], sample_labels)
