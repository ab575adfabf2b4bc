"""Followers' columns encoded for segmenting: model levels and k-means blocks.

Every attribute becomes a *block* of a float32 matrix: one-hot levels for categories (a missing
value is an all-zero row), one indicator per interest for the multi-label ``interests``,
``log1p`` counts and spend (median-imputed, standardised) and the online hour as ``sin``/``cos``.
Each block is scaled so that its total variance equals the attribute's weight (default 1), so an
attribute with eight levels counts as much as one with three. That matrix seeds the k-means
starts (:func:`_seed_matrix`) and gives the map and the silhouette (:func:`_matrix`).

For the latent class model each attribute is also a list of *levels* (:class:`_Attribute`
``codes``): categories and interests as they are, counts in bins (none, then quintiles of the
non-zero values) and the hour as one of 24 levels; counts that follow from another count are
binned as the rate behind them (:data:`_RATES`). :func:`_design` lays them out as the model's
sparse 0/1 design.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .. import schemas
from ..errors import InputError
from .latent_class import _Design

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
#: Largest weight an attribute may have (the dashboard offers 0-3); larger weights would
#: overflow the float32 matrix k-means works on.
MAX_WEIGHT = 100.0
#: Largest number a behaviour column may hold (reads, spend in CNY ...); larger is a typo or
#: an overflow, treated as missing.
MAX_NUMBER = 1e12
#: Counts modelled as a rate of another count: column -> denominator.
_RATES = {"shares_30d": "reads_30d", "comments_30d": "reads_30d", "spend_90d": "purchases_90d"}
_BINS = 5


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
    """Each feature as an :class:`_Attribute`; one that cannot tell followers apart (weight 0,
    every value missing, a single value) is left out, and ``notes`` gets an ``(en, zh)`` why."""
    attrs: list[_Attribute] = []
    for name in features:
        column = followers[name]
        weight = _weight(name, weights)
        if weight == 0:
            notes.append(_left_out(name, "weight 0, not used for clustering",
                                   "权重为 0，不参与分群"))
            continue
        if column.isna().all():
            notes.append(_left_out(name, "every value is missing, ignored", "全部缺失，已忽略"))
            continue
        if name in MULTI:
            encoded = _encode_multi(name, column, weight)
        elif name == HOUR:
            encoded = _encode_hour(name, column, weight)
        elif name in NUMERIC or pd.api.types.is_numeric_dtype(column.dtype) and not isinstance(
                column.dtype, pd.CategoricalDtype):
            encoded = _encode_number(name, column, weight, followers, features)
        else:
            encoded = _encode_category(name, column, weight)
        if isinstance(encoded, _Attribute):
            attrs.append(encoded)
        else:
            notes.append(encoded)
    return attrs


def _weight(name: str, weights: dict[str, float]) -> float:
    """The weight of ``name`` (default 1): a number from 0 to :data:`MAX_WEIGHT`."""
    w = weights.get(name, 1.0)
    if isinstance(w, (bool, np.bool_)) or not isinstance(
            w, (int, float, np.integer, np.floating)) or not (0 <= w <= MAX_WEIGHT):
        raise InputError(f"The weight of {name!r} must be a number from 0 to {MAX_WEIGHT:g}, "
                         f"not {w!r}.",
                         f"“{_zh(name)}”的权重必须是 0 到 {MAX_WEIGHT:g} 之间的数，"
                         f"而不是 {w!r}。",
                         fix="Set the weight between 0 (not used) and 3.",
                         fix_zh="请把权重设在 0（不使用）到 3 之间。")
    return float(w)


def _left_out(name: str, why: str, why_zh: str) -> tuple[str, str]:
    """The ``(en, zh)`` note saying why attribute ``name`` is not used."""
    return f"{name}: {why}", f"{_zh(name)}：{why_zh}"


def _encode_multi(name: str, column: pd.Series, weight: float) -> _Attribute | tuple[str, str]:
    """A multi-label column (interests): one indicator per level."""
    combo, combos, levels = _multi_combos(column, schemas.FOLLOWERS[name].levels)
    indicators = combos[combo]
    if not levels or (indicators.min(axis=0) == indicators.max(axis=0)).all():
        return _left_out(name, "the same for everyone, ignored", "所有人都一样，已忽略")
    return _Attribute(name, "multi", levels, combo,
                      _standardise(indicators.astype(np.float32)), weight, combos)


def _encode_hour(name: str, column: pd.Series, weight: float) -> _Attribute | tuple[str, str]:
    """The online hour: 24 levels for the model, ``sin``/``cos`` of the hour for k-means."""
    x = _numbers(column)
    ok = ~np.isnan(x)
    if np.unique(x[ok]).size < 2:
        return _left_out(name, "only one value, ignored", "只有一个取值，已忽略")
    codes = np.where(ok, np.mod(np.rint(np.nan_to_num(x)), 24), -1).astype(np.int32)
    hour = np.mod(np.where(ok, x, np.nanmedian(x)), 24)
    angle = 2 * np.pi * hour / 24
    block = _standardise(np.column_stack([np.sin(angle), np.cos(angle)]))
    return _Attribute(name, "hour", [f"{h}" for h in range(24)], codes, block, weight)


def _encode_number(name: str, column: pd.Series, weight: float, followers: pd.DataFrame,
                   features: list[str]) -> _Attribute | tuple[str, str]:
    """A count or amount: ``log1p`` of it (median-imputed) for k-means; for the model, bins of
    it, or of the rate behind it when its denominator (:data:`_RATES`) is a feature too."""
    x = _numbers(column)
    ok = ~np.isnan(x)
    if np.unique(x[ok]).size < 2:
        return _left_out(name, "only one value, ignored", "只有一个取值，已忽略")
    filled = np.where(ok, x, np.median(x[ok]))
    block = _standardise(np.log1p(np.maximum(filled, 0))[:, None]
                         if filled.min() >= 0 else filled[:, None])
    denominator = _RATES.get(name)
    if denominator is not None and denominator in features and denominator in followers.columns:
        d = _numbers(followers[denominator])
        rate = np.where((d > 0) & ok, x / np.where(d > 0, d, 1), np.nan)
        codes, labels = _bin_codes(rate, zero_level=False)
    else:
        codes, labels = _bin_codes(x, zero_level=bool(np.nanmin(x) <= 0))
    return _Attribute(name, "number", labels, codes, block, weight)


def _encode_category(name: str, column: pd.Series, weight: float
                     ) -> _Attribute | tuple[str, str]:
    """A category: its level codes for the model, one-hot levels for k-means."""
    canonical = name in schemas.FOLLOWERS.names
    levels_hint = schemas.FOLLOWERS[name].levels if canonical else None
    codes, levels = _category_codes(column, levels_hint or None)
    used = np.unique(codes[codes >= 0])
    if used.size < 2:
        only = levels[int(used[0])]
        return (f"{name}: only one category ({only}), ignored",
                f"{_zh(name)}：只有一个类别（{only}），已忽略")
    onehot = np.zeros((len(column), len(levels)), np.float32)
    rows = np.flatnonzero(codes >= 0)
    onehot[rows, codes[rows]] = 1.0
    return _Attribute(name, "category", levels, codes, _standardise(onehot), weight)


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

# The latent class model's design (the model: :mod:`.latent_class`)
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

def _small_int(count: int) -> type:
    """The smallest signed integer type holding -1 to ``count``."""
    return next(t for t in (np.int8, np.int16, np.int32) if count < np.iinfo(t).max)
