"""Profiling a segmentation: each persona's size and share, the levels it over-indexes on
(lift), its behaviour z-scores, platforms, online hours and interests, for everyone or a
filtered subset (:meth:`workbench.personas.Segmentation.profile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .. import schemas
from .encode import (
    CATEGORICAL, HOUR, MULTI, NUMERIC, _Attribute, _category_codes, _multi_combos, _numbers,
    _small_int,
)
from .naming import _describe, _name
from .persona import NumericTrait, Persona, Trait


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


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


def _profile(prof: _Profiler, labels: np.ndarray, k: int, mask: np.ndarray | None,
             names: list[dict[str, str]] | None) -> list[Persona]:
    """The ``k`` personas of the rows where ``mask`` is true (every row when None), with
    ``names`` (by id), or names made from their traits when None."""
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != labels.shape:
            raise ValueError(f"mask must be a boolean array of shape {labels.shape}, "
                             f"got {mask.dtype} {mask.shape}")
        # positions, then take: a boolean index scans its mask again for each of the ~15
        # columns (4 ms each at 1,000,000 followers), a take of positions costs 0.2-0.5 ms
        rows = np.flatnonzero(mask)
        ids = labels.take(rows).astype(np.intp)
    else:
        ids = labels.astype(np.intp)  # labels are small ints: the table indices are larger

    def subset(a: np.ndarray) -> np.ndarray:
        """``a``'s values of the rows profiled."""
        return a if mask is None else a.take(rows, axis=0)

    n = len(ids)
    sizes = np.bincount(ids, minlength=k)
    traits, platforms, interests = _level_shares(prof, ids, subset, sizes)
    numeric = _numeric_traits(prof, ids, subset, k)
    hours = _hour_shares(prof, ids, subset, k)
    out = []
    for j in range(k):
        p = Persona(j, int(sizes[j]), _ratio(sizes[j], n), traits[j], numeric[j], platforms[j],
                    hours[j], interests[j], {}, {})
        p.name = dict(names[j]) if names is not None else _name(p)
        p.description = _describe(p)
        out.append(p)
    return out


def _level_shares(prof: _Profiler, ids: np.ndarray, subset: Callable[[np.ndarray], np.ndarray],
                  sizes: np.ndarray) -> tuple[list[list[Trait]], list[list[tuple[str, float]]],
                                              list[list[tuple[str, float]]]]:
    """Per persona (``ids``: the persona of each row profiled): its traits (every level of the
    trait attributes, by lift), and its platforms and interests by share."""
    k, n = len(sizes), len(ids)
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
        table = np.bincount(ids * width + (subset(codes) + 1), minlength=k * width)
        add(attr, levels, table.reshape(k, width)[:, 1:], attr in prof.trait_attrs)
    for attr, (combo, combos, levels) in prof.multis.items():
        # followers per persona and combination of levels, then levels per persona
        width = len(combos)
        per_combo = np.bincount(ids * width + subset(combo), minlength=k * width).reshape(k, width)
        add(attr, levels, per_combo @ combos.astype(np.int64), attr in prof.trait_attrs)
    for j in range(k):
        traits[j].sort(key=lambda t: (-t.lift, -t.count))
    return traits, platforms, interests


def _numeric_traits(prof: _Profiler, ids: np.ndarray,
                    subset: Callable[[np.ndarray], np.ndarray], k: int
                    ) -> list[list[NumericTrait]]:
    """Per persona, the mean and z-score of each behaviour column (missing values left out)."""
    numeric: list[list[NumericTrait]] = [[] for _ in range(k)]
    for attr, x in prof.numbers.items():
        values, value_ids = subset(x), ids
        ok = ~np.isnan(values)
        if not ok.any():  # nobody with a value (or nobody at all: an empty filter)
            continue
        if not ok.all():
            values, value_ids = values[ok], ids[ok]
        mean_all = float(values.mean(dtype=np.float64))
        std_all = float(values.std(dtype=np.float64))
        count = np.bincount(value_ids, minlength=k)
        total = np.bincount(value_ids, weights=values, minlength=k)
        for j in range(k):
            m = float(total[j] / count[j]) if count[j] else float("nan")
            z = (m - mean_all) / std_all if std_all > 0 and count[j] else 0.0
            numeric[j].append(NumericTrait(attr, m, mean_all, float(z)))
    return numeric


def _hour_shares(prof: _Profiler, ids: np.ndarray,
                 subset: Callable[[np.ndarray], np.ndarray], k: int) -> list[list[float]]:
    """Per persona, the share of its people online at each hour 0..23 (empty without hours)."""
    hours: list[list[float]] = [[] for _ in range(k)]
    if prof.hours is not None:
        # unknown hours (-1) in a column of their own, dropped
        table = np.bincount(ids * 25 + (subset(prof.hours) + 1), minlength=k * 25).reshape(k, 25)
        table = table[:, 1:]
        for j in range(k):
            total = table[j].sum()
            hours[j] = (table[j] / total).tolist() if total else []
    return hours
