"""Audience personas (用户画像): segment followers, profile the segments, name them.

Three questions, three functions:

* :func:`segment` groups people from user-level data (survey, CRM, mini-program exports) into
  ``k`` personas and profiles each one: its size, the levels it over-indexes on (lift), how it
  reads and buys (z-scores), where and when it is online, and a name in English and Chinese.
* :func:`reader_profile` works from what WeChat still exports: per-article reader
  distributions (gender / age / region), combined weighted by reads into the reader profile of
  each content type and platform.
* :func:`ipf` fits a joint table (e.g. gender × age) from a survey seed and exported marginals.

How :func:`segment` clusters
----------------------------
Every attribute becomes a *block* of a float32 matrix: one-hot levels for categories (a missing
value is an all-zero row), one indicator per interest for the multi-label ``interests``,
``log1p`` counts and spend (median-imputed, standardised) and the online hour as ``sin``/``cos``.
Each block is scaled so that its total variance equals the attribute's weight (default 1), so an
attribute with eight levels counts as much as one with three.

That matrix seeds the clustering (k-means++ and Lloyd's k-means, :func:`_kmeans`), and gives the
2-D map (PCA) and the silhouette; the three are written here in numpy and checked against
scikit-learn in the tests, because importing scikit-learn cost every personas kernel 88 MB.
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
people, each one started from the splits of the k − 1 fit (:mod:`workbench.personas_select`),
and the elbow of the model's BIC (Bayesian information criterion) is kept: the smallest
k after which one more persona improves the BIC by less than 5 % of its range (the BIC minimum
itself keeps drifting upwards, since real people are not exactly the model's independent
draws). The chosen k's fit then starts the fit of everyone. The curve is in
``Segmentation.quality``. The model itself is :mod:`workbench.latent_class`.

Examples
--------
>>> from workbench import io, personas
>>> seg = personas.segment(io.sample("followers"), k=6, seed=0)      # doctest: +SKIP
>>> [p.name["en"] for p in seg.personas][:2]                          # doctest: +SKIP
['Tier-1 young female professionals · fashion & beauty & lifestyle', ...]
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .. import i18n, schemas
from ..errors import InputError
from .latent_class import _STARTS, _assign, _Design, _em, _fit, _Model
from .latent_class import _kmeans as _kmeans  # checked against scikit-learn from here
from .choose_k import ELBOW_SHARE, _bic, choose_k
from .choose_k import steps as _choice_steps

__all__ = [
    "CATEGORICAL", "FIT_ROWS", "K_RANGE", "MAX_NUMBER", "MAX_WEIGHT", "MULTI", "NUMERIC",
    "NumericTrait", "Persona", "SELECT_ROWS", "Segmentation", "Trait", "default_features",
    "ipf", "reader_profile", "segment",
]

#: Category columns of the followers schema that can define a persona.
CATEGORICAL: tuple[str, ...] = ("gender", "age_band", "city_tier", "occupation", "platform",
                                "follow_source")
#: Multi-label columns (``;``-joined codes).
MULTI: tuple[str, ...] = ("interests",)
#: Behaviour columns (counts and money); ``active_hour`` is handled as a cyclic hour.
NUMERIC: tuple[str, ...] = ("reads_30d", "shares_30d", "comments_30d", "purchases_90d",
                            "spend_90d")
HOUR = "active_hour"
#: Never used as features: identifiers, free text, dates.
EXCLUDED: tuple[str, ...] = ("follower_id", "province", "follow_date")
#: Rows the model is fitted on; larger inputs are fitted on a random sample of this size and
#: every row is then assigned to its most likely persona.
FIT_ROWS = 50_000
#: Rows used to choose k when ``k=None`` (the chosen k is then fitted on up to
#: :data:`FIT_ROWS`). 10,000 chose the planted 6 segments for every seed, as 20,000 did, in
#: half the time.
SELECT_ROWS = 10_000
#: The k tried when ``k=None``.
K_RANGE: tuple[int, ...] = tuple(range(2, 11))
#: Largest weight an attribute may have (the dashboard offers 0-3); larger weights would
#: overflow the float32 matrix k-means works on.
MAX_WEIGHT = 100.0
#: Largest number a behaviour column may hold (reads, spend in CNY ...); larger is a typo or
#: an overflow, treated as missing.
MAX_NUMBER = 1e12
#: Rows of the silhouette sample.
SILHOUETTE_ROWS = 5_000
#: Followers whose encoded features a segmentation keeps (a random sample when there are more):
#: the persona map and the silhouette sample from them. Keeping every row cost 217 MB at
#: 1,000,000 followers.
MAP_ROWS = 20_000
#: Counts modelled as a rate of another count: column -> denominator.
_RATES = {"shares_30d": "reads_30d", "comments_30d": "reads_30d", "spend_90d": "purchases_90d"}
_BINS = 5


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trait:
    """A categorical level that sets a segment apart.

    Attributes
    ----------
    attribute : canonical column, e.g. ``"city_tier"``, ``"interests"``, ``"platform"``.
    level : level code, e.g. ``"tier1"``.
    count : people in the segment with this level.
    share_in_segment : ``count / segment size``.
    share_overall : share of everyone profiled with this level.
    lift : ``share_in_segment / share_overall`` (0 when nobody has the level).

    Examples
    --------
    >>> t = Trait("gender", "female", 9, 0.9, 0.5, 1.8)
    >>> f"{t.lift:.1f}x"
    '1.8x'
    """

    attribute: str
    level: str
    count: int
    share_in_segment: float
    share_overall: float
    lift: float

    def label(self, lang: str = "en") -> str:
        """Display name of the level (``"Tier 1"`` / ``"一线"``)."""
        return i18n.level(self.attribute, self.level, lang)


@dataclass(frozen=True)
class NumericTrait:
    """How a segment differs on a number.

    Attributes
    ----------
    attribute : canonical column, e.g. ``"reads_30d"``, ``"spend_90d"``.
    mean_in_segment, mean_overall : means (missing values left out).
    z : ``(mean_in_segment - mean_overall) / std_overall`` (population std; 0 if constant).

    Examples
    --------
    >>> NumericTrait("reads_30d", 12.0, 8.0, 0.5).z
    0.5
    """

    attribute: str
    mean_in_segment: float
    mean_overall: float
    z: float


@dataclass
class Persona:
    """A named segment: who, how many, what sets them apart, where and when they are online.

    Attributes
    ----------
    id : 0..k-1, ordered by size descending (in :meth:`Segmentation.profile` the ids of the
        full segmentation are kept).
    size, share : people in the persona and their share of everyone profiled.
    traits : every level of every categorical/multi attribute used, sorted by lift descending.
    numeric : z-scores of the behaviour columns.
    platforms : ``(platform code, share of the persona)``, descending.
    active_hours : 24 shares (hour 0..23) summing to 1; empty when there is no hour data.
    interests : ``(interest code, share of the persona with it)``, descending.
    name, description : ``{"en": ..., "zh": ...}``.

    Examples
    --------
    >>> p = Persona(0, 10, 1.0, [], [], [], [], [], {"en": "A", "zh": "甲"}, {"en": "", "zh": ""})
    >>> p.renamed(name_zh="学生党").name
    {'en': 'A', 'zh': '学生党'}
    """

    id: int
    size: int
    share: float
    traits: list[Trait]
    numeric: list[NumericTrait]
    platforms: list[tuple[str, float]]
    active_hours: list[float]
    interests: list[tuple[str, float]]
    name: dict[str, str]
    description: dict[str, str]

    def top_traits(self, n: int = 5, min_count: int = 30) -> list[Trait]:
        """The ``n`` traits with the highest lift among levels held by ``min_count`` people or more.

        Examples
        --------
        >>> a = Trait("gender", "male", 5, 0.5, 0.2, 2.5)
        >>> b = Trait("gender", "female", 40, 0.5, 0.8, 0.6)
        >>> p = Persona(0, 80, 1.0, [a, b], [], [], [], [], {}, {})
        >>> [t.level for t in p.top_traits(min_count=30)]
        ['female']
        """
        return [t for t in self.traits if t.count >= min_count][:n]

    def peak_hours(self, width: int = 2) -> tuple[int, float] | None:
        """The busiest ``width``-hour window: its first hour and the share of activity in it
        (``None`` without hour data). Windows wrap past midnight.

        Examples
        --------
        >>> hours = [0.0] * 24; hours[7] = 0.4; hours[21] = 0.3; hours[22] = 0.3
        >>> Persona(0, 1, 1.0, [], [], [], hours, [], {}, {}).peak_hours()
        (21, 0.6)
        """
        hours = np.asarray(self.active_hours, dtype=float)
        if hours.size != 24 or not hours.sum() > 0:
            return None
        window = sum(np.roll(hours, -i) for i in range(width))
        start = int(np.argmax(window))
        return start, float(window[start])

    def renamed(self, name_en: str | None = None, name_zh: str | None = None) -> "Persona":
        """A copy with a new English and/or Chinese name (the other one kept)."""
        name = dict(self.name)
        if name_en is not None:
            name["en"] = name_en
        if name_zh is not None:
            name["zh"] = name_zh
        return dataclasses.replace(self, name=name)


# --------------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------------
@dataclass
class _Attribute:
    """One feature, encoded: ``codes`` (int, -1 = missing) for the model, ``block`` for k-means."""

    name: str
    kind: str                       # "category", "multi", "number", "hour"
    levels: list[str]               # model levels (category/multi codes, or bin labels)
    codes: np.ndarray | None        # (n,) int32 level per row, -1 when missing; multi: the
                                    # row of ``combos`` (its combination of levels)
    block: np.ndarray               # (n, d) float32, centred, total variance 1
    weight: float = 1.0
    combos: np.ndarray | None = None  # multi: (C, L) uint8 levels of each combination


def default_features(followers: pd.DataFrame) -> list[str]:
    """Every canonical followers column present with data, except ids, province and dates.

    Examples
    --------
    >>> default_features(pd.DataFrame({"gender": ["female"], "province": ["广东"]}))
    ['gender']
    """
    out = []
    for col in schemas.FOLLOWERS.names:
        if col in EXCLUDED or col not in followers.columns:
            continue
        if followers[col].notna().any():
            out.append(col)
    return out


def _category_codes(s: pd.Series, levels: Sequence[str] | None = None
                    ) -> tuple[np.ndarray, list[str]]:
    """Integer codes (-1 = missing) and the level list, for a category/string column."""
    if isinstance(s.dtype, pd.CategoricalDtype) and levels is None:
        cats = [str(c) for c in s.cat.categories]
        return s.cat.codes.to_numpy(np.int32), cats
    codes, uniques = pd.factorize(s.astype("string"), sort=True)
    names = [str(u) for u in uniques]
    if levels is not None:
        order = [lv for lv in levels if lv in names] + [n for n in names if n not in levels]
        remap = np.array([order.index(n) for n in names], np.int32)
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        names = order
    return codes.astype(np.int32), names


def _multi_combos(s: pd.Series, levels: Sequence[str]
                  ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The ``;``-joined codes of a multi-label column as combinations: each row's combination
    (``(n,)``, in :func:`_small_int`), the ``(C, L)`` uint8 levels of each
    combination (the last: missing, no level) and the level list. A million followers hold a
    few hundred distinct combinations: 2 MB where ``(n, L)`` indicators took 11 MB."""
    codes, uniques = pd.factorize(s.astype("string"))
    found: list[str] = []
    parts = [[p.strip() for p in str(u).split(";") if p.strip()] for u in uniques]
    for ps in parts:
        for p in ps:
            if p not in found:
                found.append(p)
    names = [lv for lv in levels if lv in found] + sorted(p for p in found if p not in levels)
    index = {n: i for i, n in enumerate(names)}
    table = np.zeros((len(uniques) + 1, len(names)), np.uint8)   # last row: missing
    for u, ps in enumerate(parts):
        for p in ps:
            table[u, index[p]] = 1
    rows = np.where(codes >= 0, codes, len(uniques))
    return rows.astype(_small_int(len(table))), table, names


def _numbers(s: pd.Series) -> np.ndarray:
    """A number column as float; text, infinities and values beyond ± :data:`MAX_NUMBER` are
    missing values (NaN)."""
    x = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    return np.where(np.abs(x) <= MAX_NUMBER, x, np.nan)


def _bin_codes(x: np.ndarray, zero_level: bool) -> tuple[np.ndarray, list[str]]:
    """Bins for the model: ``0`` (when ``zero_level``) then quantile bins of the other values."""
    ok = ~np.isnan(x)
    rest = ok & (x > 0) if zero_level else ok
    codes = np.full(x.shape, -1, np.int32)
    labels: list[str] = []
    offset = 0
    if zero_level:
        codes[ok & (x <= 0)] = 0
        labels.append("0")
        offset = 1
    if rest.any():
        vals = x[rest]
        edges = np.unique(np.quantile(vals, np.linspace(0, 1, _BINS + 1)[1:-1]))
        b = np.searchsorted(edges, vals, side="right")
        codes[rest] = offset + b
        bounds = np.concatenate([[vals.min()], edges, [vals.max()]])
        labels += [f"{bounds[i]:g}–{bounds[i + 1]:g}" for i in range(len(edges) + 1)]
    return codes, labels


def _standardise(block: np.ndarray) -> np.ndarray:
    top = float(np.abs(block).max()) if block.size else 0.0
    if top > 1e100:                  # values near the float limit: scale first (the result is
        block = block / top          # scale-free), or the mean and variance overflow
    block = block - block.mean(axis=0, keepdims=True)
    total = float((block ** 2).sum(axis=1).mean())
    return (block / math.sqrt(total)).astype(np.float32) if total > 0 else block.astype(np.float32)


def _zh(name: str) -> str:
    """The Chinese name of a followers column (the code itself when it is not canonical)."""
    return schemas.FOLLOWERS[name].zh or name if name in schemas.FOLLOWERS.names else name


def _encode(followers: pd.DataFrame, features: list[str], weights: dict[str, float],
            notes: list[tuple[str, str]]) -> list[_Attribute]:
    n = len(followers)
    attrs: list[_Attribute] = []
    for name in features:
        s = followers[name]
        w = weights.get(name, 1.0)
        if isinstance(w, (bool, np.bool_)) or not isinstance(
                w, (int, float, np.integer, np.floating)) or not (0 <= w <= MAX_WEIGHT):
            raise InputError(f"The weight of {name!r} must be a number from 0 to {MAX_WEIGHT:g}, "
                             f"not {w!r}.",
                             f"“{_zh(name)}”的权重必须是 0 到 {MAX_WEIGHT:g} 之间的数，而不是 {w!r}。",
                             fix="Set the weight between 0 (not used) and 3.",
                             fix_zh="请把权重设在 0（不使用）到 3 之间。")
        w = float(w)
        if w == 0:
            notes.append((f"{name}: weight 0, not used for clustering", f"{_zh(name)}：权重为 0，不参与分群"))
            continue
        if s.isna().all():
            notes.append((f"{name}: every value is missing, ignored", f"{_zh(name)}：全部缺失，已忽略"))
            continue
        if name in MULTI:
            combo, combos, levels = _multi_combos(s, schemas.FOLLOWERS[name].levels)
            ind = combos[combo]
            if not levels or (ind.min(axis=0) == ind.max(axis=0)).all():
                notes.append((f"{name}: the same for everyone, ignored", f"{_zh(name)}：所有人都一样，已忽略"))
                continue
            attrs.append(_Attribute(name, "multi", levels, combo,
                                    _standardise(ind.astype(np.float32)), w, combos))
        elif name == HOUR:
            x = _numbers(s)
            ok = ~np.isnan(x)
            if np.unique(x[ok]).size < 2:
                notes.append((f"{name}: only one value, ignored", f"{_zh(name)}：只有一个取值，已忽略"))
                continue
            codes = np.where(ok, np.mod(np.rint(np.nan_to_num(x)), 24), -1).astype(np.int32)
            hour = np.mod(np.where(ok, x, np.nanmedian(x)), 24)
            ang = 2 * np.pi * hour / 24
            block = _standardise(np.column_stack([np.sin(ang), np.cos(ang)]))
            attrs.append(_Attribute(name, "hour", [f"{h}" for h in range(24)], codes,
                                    block, w))
        elif name in NUMERIC or pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(
                s.dtype, pd.CategoricalDtype):
            x = _numbers(s)
            ok = ~np.isnan(x)
            if np.unique(x[ok]).size < 2:
                notes.append((f"{name}: only one value, ignored", f"{_zh(name)}：只有一个取值，已忽略"))
                continue
            filled = np.where(ok, x, np.median(x[ok]))
            block = _standardise(np.log1p(np.maximum(filled, 0))[:, None]
                                 if filled.min() >= 0 else filled[:, None])
            den = _RATES.get(name)
            if den is not None and den in features and den in followers.columns:
                d = _numbers(followers[den])
                rate = np.where((d > 0) & ok, x / np.where(d > 0, d, 1), np.nan)
                codes, labels = _bin_codes(rate, zero_level=False)
            else:
                codes, labels = _bin_codes(x, zero_level=bool(np.nanmin(x) <= 0))
            attrs.append(_Attribute(name, "number", labels, codes, block, w))
        else:
            canonical = name in schemas.FOLLOWERS.names
            levels_hint = schemas.FOLLOWERS[name].levels if canonical else None
            codes, levels = _category_codes(s, levels_hint or None)
            used = np.unique(codes[codes >= 0])
            if used.size < 2:
                notes.append((f"{name}: only one category ({levels[int(used[0])]}), ignored",
                              f"{_zh(name)}：只有一个类别（{levels[int(used[0])]}），已忽略"))
                continue
            onehot = np.zeros((n, len(levels)), np.float32)
            rows = np.flatnonzero(codes >= 0)
            onehot[rows, codes[rows]] = 1.0
            attrs.append(_Attribute(name, "category", levels, codes,
                                    _standardise(onehot), w))
    return attrs


def _seed_matrix(attrs: list[_Attribute], rows: np.ndarray | None = None) -> np.ndarray:
    """The matrix k-means starts the model from: category and interest blocks (all if none).

    Behaviour blocks are left out here: their continuous spread pulls k-means towards
    "active vs dormant" splits, which is a poor start for the segments.
    """
    chosen = [a for a in attrs if a.kind in ("category", "multi")] or attrs
    return _matrix(chosen, rows)


def _matrix(attrs: list[_Attribute], rows: np.ndarray | None = None) -> np.ndarray:
    """The k-means matrix: each block times ``sqrt(weight)`` (total variance = weight)."""
    blocks = [(a.block if rows is None else a.block[rows]) * np.float32(math.sqrt(a.weight))
              for a in attrs]
    return np.hstack(blocks).astype(np.float32, copy=False)


# --------------------------------------------------------------------------------------------
# The latent class model's design (the model: workbench.latent_class)
# --------------------------------------------------------------------------------------------
def _design(attrs: list[_Attribute]) -> _Design:
    groups, bern, wts, sizes = [], [], [], []
    offset = 0
    n = len(attrs[0].block)
    row_parts, col_parts = [], []
    for g, a in enumerate(attrs):
        L = len(a.levels)
        if a.kind == "multi":
            r, c = np.nonzero(a.combos[a.codes])
        else:
            r = np.flatnonzero(a.codes >= 0)
            c = a.codes[r]
        row_parts.append(r.astype(np.int64))
        col_parts.append(c.astype(np.int64) + offset)
        groups += [g] * L
        bern += [a.kind == "multi"] * L
        wts += [a.weight] * L
        sizes.append(L)
        offset += L
    r = np.concatenate(row_parts)
    c = np.concatenate(col_parts)
    S = sparse.csr_matrix((np.ones(len(r), np.float64), (r, c)), shape=(n, offset))
    return _Design(S, np.array(groups), np.array(bern, bool), np.array(wts), np.array(sizes))


# --------------------------------------------------------------------------------------------
# The map's PCA and the silhouette, in numpy (the k-means starts: workbench.latent_class)
# --------------------------------------------------------------------------------------------
# scikit-learn did these two and k-means; importing it (which imports scipy.stats) cost every
# personas kernel 88 MB of its 290 (issue 7's goal: 250 MB). Each one here is checked against it
# in tests/test_personas_numeric.py.
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
# Profiling
# --------------------------------------------------------------------------------------------
@dataclass
class _Profiler:
    """What profiling needs, precomputed once per segmentation (codes, not strings)."""

    categories: dict[str, tuple[np.ndarray, list[str]]]   # codes (-1 missing), levels
    multis: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]  # combination of each row,
                                                          # (C, L) levels of each, levels
    numbers: dict[str, np.ndarray]                        # float with NaN
    hours: np.ndarray | None                              # int hour 0..23, -1 missing
    trait_attrs: list[str]                                # attributes whose levels are traits


def _profiler(followers: pd.DataFrame, features: list[str],
              encoded: Sequence[_Attribute] = ()) -> _Profiler:
    """What profiling needs; the codes of ``encoded`` attributes (made by :func:`_encode` from
    the same frame and levels) are taken as they are, not computed again."""
    done = {(a.name, a.kind): (a.codes, a.levels) if a.kind == "category"
            else (a.codes, a.combos, a.levels) for a in encoded if a.kind in ("category", "multi")}
    cats: dict[str, tuple[np.ndarray, list[str]]] = {}
    multis: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
    for col in CATEGORICAL:
        if col in followers.columns and followers[col].notna().any():
            levels = schemas.FOLLOWERS[col].levels
            cats[col] = done.get((col, "category")) or _category_codes(followers[col], levels)
    for col in MULTI:
        if col in followers.columns and followers[col].notna().any():
            multis[col] = done.get((col, "multi")) or _multi_combos(
                followers[col], schemas.FOLLOWERS[col].levels)
    for col in features:   # extra (non-canonical) categorical features
        if col not in cats and col not in multis and col not in NUMERIC and col != HOUR and (
                not pd.api.types.is_numeric_dtype(followers[col].dtype)
                or isinstance(followers[col].dtype, pd.CategoricalDtype)):
            cats[col] = done.get((col, "category")) or _category_codes(followers[col])
    # kept as long as the segmentation, so in small types (int8 codes, combinations of levels,
    # float32 numbers summed in float64, int8 hours): 84 → 28 MB at 1,000,000 followers
    cats = {col: (codes.astype(_small_int(len(levels))), levels)
            for col, (codes, levels) in cats.items()}
    numbers = {c: _numbers(followers[c]).astype(np.float32) for c in NUMERIC
               if c in followers.columns and followers[c].notna().any()}
    hours = None
    if HOUR in followers.columns and followers[HOUR].notna().any():
        x = _numbers(followers[HOUR])
        hours = np.where(np.isnan(x), -1, np.mod(np.rint(np.nan_to_num(x)), 24)).astype(np.int8)
    trait_attrs = [c for c in features if c in cats or c in multis]
    return _Profiler(cats, multis, numbers, hours, trait_attrs)


def _small_int(count: int) -> type:
    """The smallest signed integer type holding -1 to ``count``."""
    return next(t for t in (np.int8, np.int16, np.int32) if count < np.iinfo(t).max)


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


def _profile(prof: _Profiler, labels: np.ndarray, k: int, mask: np.ndarray | None,
             names: list[dict[str, str]] | None) -> list[Persona]:
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != labels.shape:
            raise ValueError(f"mask must be a boolean array of shape {labels.shape}, "
                             f"got {mask.dtype} {mask.shape}")
        # positions, then take: a boolean index scans its mask again for each of the ~15
        # columns (4 ms each at 1,000,000 followers), a take of positions costs 0.2-0.5 ms
        rows = np.flatnonzero(mask)
        lab = labels.take(rows).astype(np.intp)
    else:
        lab = labels.astype(np.intp)  # labels are small ints: the table indices are larger
    n = len(lab)
    sizes = np.bincount(lab, minlength=k)

    def sub(a: np.ndarray) -> np.ndarray:
        return a if mask is None else a.take(rows, axis=0)

    traits: list[list[Trait]] = [[] for _ in range(k)]
    platforms: list[list[tuple[str, float]]] = [[] for _ in range(k)]
    interests: list[list[tuple[str, float]]] = [[] for _ in range(k)]

    def add(attr: str, levels: list[str], table: np.ndarray, as_trait: bool) -> None:
        # table: (k, L) counts
        overall = table.sum(axis=0)
        for j in range(k):
            for li, lv in enumerate(levels):
                c = int(table[j, li])
                s_in = _ratio(c, sizes[j])
                s_all = _ratio(overall[li], n)
                if as_trait:
                    traits[j].append(Trait(attr, lv, c, s_in, s_all, _ratio(s_in, s_all)))
            shares = [(lv, _ratio(int(table[j, li]), sizes[j])) for li, lv in enumerate(levels)]
            shares.sort(key=lambda t: -t[1])
            if attr == "platform":
                platforms[j] = shares
            elif attr == "interests":
                interests[j] = shares

    for attr, (codes, levels) in prof.categories.items():
        # missing (code -1) counted in a column of its own, then dropped: no boolean index
        width = len(levels) + 1
        table = np.bincount(lab * width + (sub(codes) + 1), minlength=k * width)
        add(attr, levels, table.reshape(k, width)[:, 1:], attr in prof.trait_attrs)
    for attr, (combo, combos, levels) in prof.multis.items():
        # followers per persona and combination of levels, then levels per persona
        width = len(combos)
        per_combo = np.bincount(lab * width + sub(combo), minlength=k * width).reshape(k, width)
        add(attr, levels, per_combo @ combos.astype(np.int64), attr in prof.trait_attrs)
    for j in range(k):
        traits[j].sort(key=lambda t: (-t.lift, -t.count))

    numeric: list[list[NumericTrait]] = [[] for _ in range(k)]
    for attr, x in prof.numbers.items():
        v, lab_v = sub(x), lab
        ok = ~np.isnan(v)
        if not ok.any():  # nobody with a value (or nobody at all: an empty filter)
            continue
        if not ok.all():
            v, lab_v = v[ok], lab[ok]
        mean_all = float(v.mean(dtype=np.float64))
        std_all = float(v.std(dtype=np.float64))
        cnt = np.bincount(lab_v, minlength=k)
        tot = np.bincount(lab_v, weights=v, minlength=k)
        for j in range(k):
            m = float(tot[j] / cnt[j]) if cnt[j] else float("nan")
            z = (m - mean_all) / std_all if std_all > 0 and cnt[j] else 0.0
            numeric[j].append(NumericTrait(attr, m, mean_all, float(z)))

    hours: list[list[float]] = [[] for _ in range(k)]
    if prof.hours is not None:
        # unknown hours (-1) in a column of their own, dropped
        table = np.bincount(lab * 25 + (sub(prof.hours) + 1), minlength=k * 25).reshape(k, 25)
        table = table[:, 1:]
        for j in range(k):
            total = table[j].sum()
            hours[j] = (table[j] / total).tolist() if total else []

    out = []
    for j in range(k):
        p = Persona(j, int(sizes[j]), _ratio(sizes[j], n), traits[j], numeric[j], platforms[j],
                    hours[j], interests[j], {}, {})
        p.name = dict(names[j]) if names is not None else _name(p)
        p.description = _describe(p)
        out.append(p)
    return out


# --------------------------------------------------------------------------------------------
# Names and descriptions
# --------------------------------------------------------------------------------------------
# Persona-name phrases (adjectives / nouns), both languages; level display names come from i18n.
_TIER = {"tier1": ("Tier-1", "一线"), "new_tier1": ("New-tier-1", "新一线"),
         "tier2": ("Tier-2", "二线"), "tier3_plus": ("Small-city", "下沉市场")}
_AGE = {"under_18": ("teen", "少年"), "18_24": ("young", "青年"), "25_30": ("young", "青年"),
        "31_40": ("thirty-something", "三十而立"), "41_50": ("middle-aged", "中年"),
        "over_50": ("senior", "银发")}
_GENDER = {"female": ("female", "女性"), "male": ("male", "男性")}
_OCCUPATION = {"student": ("students", "学生"), "professional": ("professionals", "职场人"),
               "freelancer": ("freelancers", "自由职业者"),
               "civil_servant": ("civil servants", "公职人员"),
               "business_owner": ("business owners", "企业主"),
               "homemaker": ("homemakers", "全职家长"), "retired": ("retirees", "退休人士")}
_FALLBACK_NOUN = ("followers", "用户")
_NAME_MIN_LIFT = 1.25
_NAME_MIN_SHARE = 0.35


def _best(p: Persona, attr: str, min_count: int) -> Trait | None:
    for t in p.traits:
        if (t.attribute == attr and t.count >= min_count and t.lift >= _NAME_MIN_LIFT
                and t.share_in_segment >= _NAME_MIN_SHARE):
            return t
    return None


def _name(p: Persona) -> dict[str, str]:
    min_count = max(1, min(30, p.size // 20))
    en: list[str] = []
    zh: list[str] = []
    for attr, table in (("city_tier", _TIER), ("age_band", _AGE), ("gender", _GENDER)):
        t = _best(p, attr, min_count)
        if t is not None and t.level in table:
            en.append(table[t.level][0])
            zh.append(table[t.level][1])
    t = _best(p, "occupation", min_count)
    noun = _OCCUPATION.get(t.level, _FALLBACK_NOUN) if t is not None else _FALLBACK_NOUN
    if not en and noun is _FALLBACK_NOUN:
        pt = _best(p, "platform", min_count)
        if pt is not None:
            en.append(i18n.level("platform", pt.level, "en"))
            zh.append(i18n.level("platform", pt.level, "zh"))
    who_en = " ".join(en + [noun[0]])
    who_en = who_en[0].upper() + who_en[1:]
    who_zh = "".join(zh + [noun[1]])
    likes = [t for t in p.traits if t.attribute == "interests" and t.count >= min_count
             and t.lift >= 1.1][:2]
    if likes:
        who_en += " · " + " & ".join(i18n.level("interests", t.level, "en").lower() for t in likes)
        who_zh += " · " + "与".join(i18n.level("interests", t.level, "zh") for t in likes)
    if not en and not zh and noun is _FALLBACK_NOUN and not likes:
        return {"en": "Mixed audience", "zh": "综合人群"}
    return {"en": who_en, "zh": who_zh}


def _unique_names(personas: list[Persona]) -> None:
    seen: dict[str, int] = {}
    for p in personas:
        key = p.name["en"]
        if key in seen:
            seen[key] += 1
            p.name = {"en": f"{p.name['en']} ({seen[key]})", "zh": f"{p.name['zh']}（{seen[key]}）"}
        else:
            seen[key] = 1


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _describe(p: Persona) -> dict[str, str]:
    if p.size == 0:
        return {"en": "Nobody in this selection.", "zh": "当前筛选中没有人。"}
    min_count = max(1, min(30, p.size // 20))
    top = [t for t in p.top_traits(3, min_count) if t.lift > 1]
    en = [f"{p.size:,} people ({_pct(p.share)})"]
    zh = [f"{p.size:,} 人（{_pct(p.share)}）"]
    if top:
        en.append(", ".join(f"{t.label('en')} {_pct(t.share_in_segment)} ({t.lift:.1f}× average)"
                            for t in top))
        zh.append("、".join(f"{t.label('zh')} {_pct(t.share_in_segment)}（{t.lift:.1f} 倍）"
                            for t in top))
    if p.platforms:
        code, share = p.platforms[0]
        en.append(f"mostly on {i18n.level('platform', code, 'en')} ({_pct(share)})")
        zh.append(f"主要在{i18n.level('platform', code, 'zh')}（{_pct(share)}）")
    peak = p.peak_hours()
    if peak is not None:
        start, _ = peak
        en.append(f"online most {start:02d}:00–{(start + 2) % 24:02d}:00")
        zh.append(f"{start:02d}:00–{(start + 2) % 24:02d}:00 最活跃")
    reads = next((t for t in p.numeric if t.attribute == "reads_30d"), None)
    if reads is not None and not math.isnan(reads.mean_in_segment):
        en.append(f"{reads.mean_in_segment:.1f} reads in 30 days")
        zh.append(f"近30天人均阅读 {reads.mean_in_segment:.1f} 次")
    return {"en": "; ".join(en) + ".", "zh": "；".join(zh) + "。"}


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
        shares are the baseline); ids and names are those of :attr:`personas`, so a renamed
        persona keeps its name. Personas absent from the subset have size 0.

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
        names = [p.name for p in sorted(self.personas, key=lambda p: p.id)]
        return _profile(self._profiler, self.labels, self.k, m, names)

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
                         f"粉丝表没有列 {'、'.join(missing)}（现有列：{'、'.join(map(str, followers.columns))}）。",
                         fix="Choose attributes the table has.", fix_zh="请选择表中已有的属性。")
    bad = [f for f in features if f in EXCLUDED]
    if bad:
        raise InputError(f"{', '.join(map(repr, bad))} cannot define a persona (ids, province "
                         "and dates are not used).",
                         f"{'、'.join(_zh(b) for b in bad)} 不能用来划分人设（不使用 ID、省份和日期）。",
                         fix="Remove them from the attributes to segment on.",
                         fix_zh="请从分群属性中去掉它们。")
    return features


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
        (:func:`workbench.personas_select.choose_k`).
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
        (a ``ValueError`` with English and Chinese text) fewer rows than ``k``, an unknown or excluded feature, no usable feature left (constant,
        single-category and all-missing columns are ignored and listed in ``notes``), or a bad
        ``k`` / weight (a number from 0 to :data:`MAX_WEIGHT`) / seed (0 to 2³² − 1). Numbers
        that are not numbers (text, infinite, beyond ± :data:`MAX_NUMBER`) are missing values.

    Examples
    --------
    >>> seg = segment(io.sample("followers"), k=6, seed=0)   # doctest: +SKIP
    >>> seg.k, len(seg.labels)                                # doctest: +SKIP
    (6, 20000)
    """
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
    features = _check_features(followers, features)
    notes: list[tuple[str, str]] = []
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
    used = [a.name for a in attrs]
    rng = np.random.default_rng(seed)
    design = _design(attrs)
    # progress: one step per k-means start and final EM run (k=None: per persona whose split
    # is screened and per run to convergence while choosing k, then the final run), then
    # assignment and profiling
    total = (_STARTS + 1) + 2
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(min(done[0] / total, 1.0))

    curve: dict[int, float] = {}
    likelihoods: dict[int, float] = {}
    chosen: _Model | None = None
    if k is None:
        sel = np.sort(rng.choice(n, size=min(SELECT_ROWS, n), replace=False))
        Xs, Ds = _seed_matrix(attrs, sel), design.rows(sel)
        ks = [kk for kk in K_RANGE if kk <= len(sel)]
        if not ks:
            raise InputError(f"Cannot choose the number of personas from {n} followers.",
                             f"{n} 位粉丝无法自动选择人设数。",
                             fix=f"Load at least {K_RANGE[0]} followers.",
                             fix_zh=f"请导入至少 {K_RANGE[0]} 位粉丝。")
        total = _choice_steps(ks) + 1 + 2
        choice = choose_k(Xs, Ds, ks, seed, step=step, trying=trying_k or (lambda kk: None))
        k, curve, likelihoods = choice.k, choice.bic, choice.log_likelihood
        chosen = choice.models[k]
        if trying_k is not None:
            trying_k(k)   # the chosen k, fitted on everyone

    fit_rows = np.arange(n) if n <= FIT_ROWS else np.sort(rng.choice(n, FIT_ROWS, replace=False))
    Df = design if n <= FIT_ROWS else design.rows(fit_rows)
    if chosen is None:
        Xf = _seed_matrix(attrs) if n <= FIT_ROWS else _seed_matrix(attrs, fit_rows)
        model, ll = _fit(Xf, Df, k, seed, step=step)
    else:   # the chosen k's fit on the sample starts the fit of every row
        model, ll = _em(Df, np.empty(0, np.int64), k, model=chosen)
        step()
    raw = _assign(design, model)
    step()
    # ids by size, descending (ties: lower raw id first)
    order = np.argsort(-np.bincount(raw, minlength=k), kind="stable")
    relabel = np.empty(k, _small_int(k))  # int8 for up to 126 personas: 1 MB a million rows
    relabel[order] = np.arange(k)
    labels = relabel[raw]

    kept = None if n <= MAP_ROWS else np.sort(rng.choice(n, MAP_ROWS, replace=False))
    X = _matrix(attrs, kept)
    quality: dict[str, Any] = {"criterion": f"BIC of the latent class model (sample of "
                                            f"{min(SELECT_ROWS, n):,}; elbow: smallest k after "
                                            f"which one more persona improves it by less than "
                                            f"{ELBOW_SHARE:.0%} of its range)",
                               "curve": curve}
    if curve:
        quality["score"] = curve[k]
    else:
        quality["criterion"] = f"BIC of the latent class model ({len(fit_rows):,} rows)"
        quality["score"] = _bic(ll, model, len(fit_rows))
        quality["curve"] = {k: quality["score"]}
    quality["log_likelihood"] = ll
    if likelihoods:
        quality["log_likelihood_curve"] = likelihoods
    if k >= 2 and n > k:
        m = X.shape[0]
        srows = np.sort(rng.choice(m, size=min(SILHOUETTE_ROWS, m), replace=False))
        slabels = labels[srows if kept is None else kept[srows]]
        if len(np.unique(slabels)) >= 2:
            quality["silhouette"] = _silhouette(X[srows], slabels)
    prof = _profiler(followers, used, attrs)
    personas = _profile(prof, labels, k, None, None)
    _unique_names(personas)
    done[0] = total - 1
    step()
    return Segmentation(labels=labels, personas=personas, k=k, quality=quality, features=used,
                        seed=seed, notes=notes, _profiler=prof, _matrix=X,
                        _matrix_rows=kept)


# --------------------------------------------------------------------------------------------
# Aggregate data: reader distributions and IPF
# --------------------------------------------------------------------------------------------
def reader_profile(distributions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Reader profile per content type and platform from per-article reader distributions.

    Each article's distribution (share of its readers in each gender / age / region level) is
    weighted by the article's reads: ``share = Σ reads_a · share_a / Σ reads_a`` over the
    articles of a content type and platform that have that dimension. Articles are matched on
    their title; a share missing from the export is computed as ``users / Σ users`` of the
    article and dimension. Only WeChat articles are matched (the only platform with these
    exports; a missing platform is WeChat); a missing content type is ``"unknown"``.

    Returns
    -------
    DataFrame with columns ``content_type, platform, dimension, level, share, articles, reads``
    (long format; shares of a content type, platform and dimension sum to 1).

    Examples
    --------
    >>> d = pd.DataFrame({"title": ["a", "a", "b", "b"], "dimension": ["gender"] * 4,
    ...                   "level": ["female", "male"] * 2, "users": [60, 40, 20, 80]})
    >>> a = pd.DataFrame({"title": ["a", "b"], "reads": [100, 300],
    ...                   "content_type": ["news", "news"], "platform": ["wechat", "wechat"]})
    >>> reader_profile(d, a)[["level", "share"]].round(2).to_dict("list")
    {'level': ['male', 'female'], 'share': [0.7, 0.3]}
    """
    for frame, need, what in ((distributions, ("title", "dimension", "level"), "distributions"),
                              (articles, ("title", "reads"), "articles")):
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise InputError(f"The {what} table needs column(s) {', '.join(missing)}.",
                             f"{'读者分布' if what == 'distributions' else '文章'}表缺少列："
                             f"{'、'.join(missing)}。",
                             fix="Export the 单篇详情 sheets and the 已通知内容 list again.",
                             fix_zh="请重新导出“单篇详情”和“已通知内容”。")
    d = distributions[["title", "dimension", "level"]].copy()
    d["title"] = d["title"].astype("string")
    d["dimension"] = d["dimension"].astype("string")
    d["level"] = d["level"].astype("string")
    if "share" in distributions.columns and distributions["share"].notna().all():
        d["share"] = pd.to_numeric(distributions["share"], errors="coerce").astype(float)
    elif "users" in distributions.columns:
        users = pd.to_numeric(distributions["users"], errors="coerce").astype(float)
        total = users.groupby([d["title"], d["dimension"]]).transform("sum")
        d["share"] = (users / total).where(total > 0)
    else:
        raise InputError("The distributions table needs a share (占比) or a users (人数) column.",
                         "读者分布表需要“占比”或“人数”列。")
    d = d.dropna(subset=["title", "dimension", "level", "share"])

    a = pd.DataFrame({"title": articles["title"].astype("string"),
                      "reads": pd.to_numeric(articles["reads"], errors="coerce").astype(float)})
    a["content_type"] = (articles["content_type"].astype("string").fillna("unknown")
                         if "content_type" in articles.columns else "unknown")
    a["platform"] = (articles["platform"].astype("string").fillna("wechat")
                     if "platform" in articles.columns else "wechat")
    # the distributions are WeChat exports: a title that other platforms reuse must not lend
    # them WeChat's readers
    a = a[a["platform"] == "wechat"].dropna(subset=["title", "reads"])
    a = a.groupby(["title", "content_type", "platform"], as_index=False)["reads"].sum()
    m = d.merge(a, on="title", how="inner")
    if m.empty:
        raise InputError("No article title of the distributions table matches a title of the "
                         "articles table.",
                         "读者分布表中的文章标题与文章表中的标题都对不上。",
                         fix="Export both for the same articles.",
                         fix_zh="请导出同一批文章的两份数据。")
    m["weighted"] = m["share"] * m["reads"]
    keys = ["content_type", "platform", "dimension"]
    num = m.groupby(keys + ["level"], as_index=False).agg(weighted=("weighted", "sum"))
    per_article = m.drop_duplicates(keys + ["title"])
    den = per_article.groupby(keys, as_index=False).agg(reads=("reads", "sum"),
                                                        articles=("title", "nunique"))
    out = num.merge(den, on=keys)
    out["share"] = np.where(out["reads"] > 0, out["weighted"] / out["reads"].where(
        out["reads"] > 0, 1), np.nan)
    out = out[keys + ["level", "share", "articles", "reads"]]
    out["articles"] = out["articles"].astype("int64")
    return out.sort_values(keys + ["share", "level"], ascending=[True, True, True, False, True]
                           ).reset_index(drop=True)


def ipf(seed: np.ndarray, marginals: list[np.ndarray], tol: float = 1e-9,
        max_iter: int = 1000) -> np.ndarray:
    """Iterative proportional fitting: scale ``seed`` until its sums match ``marginals``.

    ``marginals[i]`` is the target sum over every axis but ``i`` (e.g. the exported gender and
    age distributions); ``seed`` (e.g. a survey's cross-table) gives the associations. The
    result keeps the seed's odds ratios and matches every marginal within ``tol`` times the
    marginals' total: shares (summing to 1) within ``tol``, counts of a billion people within
    ``tol × 1e9`` (an absolute 1e-9 is below the spacing of float64 numbers that large).
    Marginals given as shares give a joint table of shares, counts a table of counts.

    Parameters
    ----------
    seed : the starting table (non-negative), one axis per marginal.
    marginals : the target sums, one 1-D array per axis, all with the same total.
    tol : largest marginal error allowed, as a share of the marginals' total.
    max_iter : cycles over the axes before giving up.

    Raises
    ------
    ValueError
        shapes disagree, negative values, marginals with different totals, a positive
        marginal cell whose seed slice is all zero, or no convergence within ``max_iter``.

    Examples
    --------
    >>> ipf(np.ones((2, 2)), [np.array([0.6, 0.4]), np.array([0.5, 0.5])]).round(2).tolist()
    [[0.3, 0.3], [0.2, 0.2]]
    """
    table = np.asarray(seed, dtype=float).copy()
    margins = [np.asarray(m, dtype=float) for m in marginals]
    if table.ndim != len(margins):
        raise ValueError(f"seed has {table.ndim} axes but {len(margins)} marginals were given")
    for i, m in enumerate(margins):
        if m.ndim != 1 or m.shape[0] != table.shape[i]:
            raise ValueError(f"marginal {i} has shape {m.shape}; axis {i} of the seed has "
                             f"{table.shape[i]} levels")
        if (m < 0).any() or not np.isfinite(m).all():
            raise ValueError(f"marginal {i} has negative or non-finite values")
    if (table < 0).any() or not np.isfinite(table).all():
        raise ValueError("the seed table has negative or non-finite values")
    totals = [m.sum() for m in margins]
    if not np.allclose(totals, totals[0], rtol=1e-6, atol=1e-12):
        got = ", ".join(f"{t:g}" for t in totals)
        raise ValueError(f"marginals must have the same total; got {got}")
    for i, m in enumerate(margins):
        other = tuple(a for a in range(table.ndim) if a != i)
        s = table.sum(axis=other)
        if ((s == 0) & (m > 0)).any():
            bad = np.flatnonzero((s == 0) & (m > 0)).tolist()
            raise ValueError(f"marginal {i} needs people in level(s) {bad} where the seed has "
                             "none; put a small positive value in those seed cells")
    for _ in range(max_iter):
        for i, m in enumerate(margins):
            other = tuple(a for a in range(table.ndim) if a != i)
            s = table.sum(axis=other)
            factor = np.divide(m, s, out=np.zeros_like(m), where=s > 0)
            shape = [1] * table.ndim
            shape[i] = -1
            table *= factor.reshape(shape)
        err = max(float(np.abs(table.sum(axis=tuple(a for a in range(table.ndim) if a != i))
                               - m).max()) for i, m in enumerate(margins))
        if err <= tol * totals[0]:
            return table
    raise ValueError(f"IPF did not converge within {max_iter} iterations (largest marginal "
                     f"error {err:.3g}, {err / totals[0]:.3g} of the total); check that the "
                     "seed's zero cells allow the marginals")


#: dimension of the reader distributions → the followers column holding the same thing
DISTRIBUTION_COLUMNS = {"gender": "gender", "age": "age_band", "region": "province"}


def reader_candidates(profile: pd.DataFrame, survey: pd.DataFrame | None = None, *,
                      content_type: str | None = None,
                      dimensions: Sequence[str] = ("gender", "age", "region"),
                      top: int = 8, smoothing: float = 0.5) -> pd.DataFrame:
    """Persona candidates from aggregates: the largest cells of the joint reader table.

    WeChat exports each dimension of an article's readers separately. The joint table (e.g.
    women aged 25–30 in Guangdong) is estimated by :func:`ipf` from the exported marginals of
    ``profile`` (:func:`reader_profile`; all content types weighted by their reads, or one) and
    a seed: the cross-table of a user-level ``survey`` (followers, CRM or survey answers in the
    followers schema) plus ``smoothing`` people in every cell, so that the survey's associations
    are kept and every exported level can be filled. Without a survey the seed is flat, i.e. the
    dimensions are taken as independent (said in the result's ``attrs["method"]``).

    Returns
    -------
    DataFrame with one column per dimension (level codes), ``share`` (estimated share of the
    readers), ``independent`` (the share if the dimensions were independent), ``survey_share``
    (the cell's share of the survey, NaN without one), sorted by ``share``, the ``top`` rows.
    ``attrs``: ``method`` (``{"en", "zh"}``), ``readers`` (reads behind the marginals),
    ``survey_rows``.

    Examples
    --------
    >>> prof = pd.DataFrame({"content_type": "news", "platform": "wechat", "reads": 100,
    ...     "dimension": ["gender"] * 2 + ["age"] * 2, "level": ["female", "male", "18_24", "25_30"],
    ...     "share": [0.6, 0.4, 0.5, 0.5], "articles": 1})
    >>> survey = pd.DataFrame({"gender": ["female"] * 3 + ["male"] * 3,
    ...                        "age_band": ["18_24", "18_24", "25_30", "25_30", "25_30", "18_24"]})
    >>> reader_candidates(prof, survey, dimensions=("gender", "age"), top=1,
    ...                   smoothing=0)[["gender", "age", "share"]].round(3).to_dict("records")
    [{'gender': 'female', 'age': '18_24', 'share': 0.38}]
    """
    need = {"dimension", "level", "share", "reads", "content_type"}
    if not need <= set(profile.columns):
        raise InputError("The reader profile needs the columns of reader_profile().",
                         "读者画像表应包含 reader_profile() 给出的列。")
    dims = [d for d in dimensions if d in DISTRIBUTION_COLUMNS]
    if not dims:
        raise InputError(f"Choose dimensions among {', '.join(DISTRIBUTION_COLUMNS)}.",
                         f"请从 {'、'.join(DISTRIBUTION_COLUMNS)} 中选择维度。")
    prof = profile if content_type is None else profile[profile["content_type"] == content_type]
    prof = prof[prof["dimension"].isin(dims)]
    missing = [d for d in dims if d not in set(prof["dimension"])]
    if missing:
        raise InputError(f"The reader distributions have no {', '.join(missing)} data"
                         + (f" for {content_type}" if content_type else "") + ".",
                         f"读者分布中没有{'、'.join(missing)}数据"
                         + (f"（{i18n.level('content_type', content_type, 'zh')}）"
                            if content_type else "") + "。",
                         fix="Export the 单篇详情 sheets with their distribution sections.",
                         fix_zh="请导出包含读者分布部分的“单篇详情”。")
    levels: list[list[str]] = []
    marginals: list[np.ndarray] = []
    for d in dims:
        part = prof[prof["dimension"] == d]
        weighted = (part["share"] * part["reads"]).groupby(part["level"].astype(str)).sum()
        reads = part.drop_duplicates(["content_type", "platform"])["reads"].sum()
        margin = (weighted / reads).sort_values(ascending=False)
        margin = margin[margin > 0]
        levels.append([str(x) for x in margin.index])
        marginals.append(margin.to_numpy() / margin.sum())
    shape = tuple(len(lv) for lv in levels)
    seed = np.full(shape, float(smoothing) if survey is not None else 1.0)
    survey_share = None
    used = 0
    if survey is not None:
        columns = [DISTRIBUTION_COLUMNS[d] for d in dims]
        absent = [c for c in columns if c not in survey.columns]
        if absent:
            raise InputError(f"The survey has no column {', '.join(absent)}.",
                             f"调查数据缺少列：{'、'.join(absent)}。",
                             fix="Load followers or survey answers with these columns.",
                             fix_zh="请导入包含这些列的粉丝或调查数据。")
        codes = []
        keep = np.ones(len(survey), dtype=bool)
        for c, lv in zip(columns, levels):
            index = {code: i for i, code in enumerate(lv)}
            col = survey[c].astype("string").map(index).astype("float")
            keep &= col.notna().to_numpy()
            codes.append(col.to_numpy())
        used = int(keep.sum())
        if used:
            counts = np.zeros(shape)
            np.add.at(counts, tuple(c[keep].astype(int) for c in codes), 1.0)
            seed += counts
            survey_share = counts / counts.sum()
    if survey is not None and not used:
        raise InputError("No survey row matches the exported levels.",
                         "调查数据中没有与导出分布对得上的行。")
    joint = ipf(seed, marginals)
    independent = marginals[0]
    for m in marginals[1:]:
        independent = np.multiply.outer(independent, m)
    order = np.argsort(-joint, axis=None, kind="stable")[:top]
    cells = np.unravel_index(order, shape)
    out = pd.DataFrame({d: [levels[i][j] for j in cells[i]] for i, d in enumerate(dims)})
    out["share"] = joint.ravel()[order]
    out["independent"] = independent.ravel()[order]
    out["survey_share"] = (survey_share.ravel()[order] if survey_share is not None
                           else np.full(len(order), np.nan))
    out.attrs["readers"] = float(prof.drop_duplicates(["content_type", "platform"])["reads"].sum())
    out.attrs["survey_rows"] = used
    out.attrs["method"] = (
        {"en": f"IPF: the exported distributions fitted to the associations of {used:,} survey "
               "rows", "zh": f"IPF：以 {used:,} 行调查数据中的关联为起点，拟合到导出的分布"}
        if used else
        {"en": "no survey: the dimensions are taken as independent",
         "zh": "无调查数据：假定各维度相互独立"})
    return out
