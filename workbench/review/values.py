"""Reading and writing the review's values: a cell as a number, a date, a payload, a text.

*Bad values.* A count or amount that is text, negative, infinite or above :data:`MAX_VALUE`
is a missing value (a post without readable reads is left out); the net follower growth may be
negative. A plan's posts a week must be whole numbers; a planned value or target that is not a
number is no target.

The other modules of :mod:`workbench.review` share these helpers: :func:`_col` (a number
column), :func:`_ratio` and :func:`_sum` (with missing values), :func:`_parse_date`,
:func:`_jsonable` / :func:`_records` (the scenario store's payloads) and :func:`_num`,
:func:`_pct`, :func:`_plat`, :func:`_type`, :func:`_atype` (numbers and level names written
into the recommendations and the summary).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import fmt, i18n
from ..errors import InputError

__all__ = ["MAX_VALUE", "PAYLOAD_VERSION"]


PAYLOAD_VERSION = 1
#: Largest count or amount (CNY) a cell of the data may hold (a trillion); a larger, infinite,
#: negative or text value is missing.
MAX_VALUE = 1e12


def _num(x: float) -> str:
    """``12,346`` for 12345.7, ``38.2`` for 38.24, ``-3`` for -3.0, ``0.14`` for 0.136 (two
    significant digits below 1), for text and citations."""
    if x is None or not math.isfinite(float(x)):
        return "–"
    x = float(x)
    if x < 0:  # a true minus, as fmt writes it
        return fmt.MINUS + _num(-x) if _num(-x) != "0" else "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    digits = 1 if abs(x) >= 1 or x == 0 else 1 - math.floor(math.log10(abs(x)))
    r = round(x, digits)
    if abs(r - round(r)) < 1e-12:
        return f"{r:,.0f}"
    return f"{r:,.{digits}f}".rstrip("0").rstrip(".")


def _pct(share: float) -> str:
    """A share as a percent number without the sign (``0.382`` → ``38.2``)."""
    return _num(100 * share)


def _plat(p: str, lang: str) -> str:
    return i18n.level("platform", p, lang)


def _type(c: str, lang: str) -> str:
    return i18n.level("content_type", c, lang)


def _atype(a: str, lang: str) -> str:
    return i18n.level("activity_type", a, lang)


def _ratio(num: float, den: float) -> float:
    """``num / den``, or NaN where it has no finite value (a cost of 5e-324 yuan is no cost)."""
    if den is None or not math.isfinite(den) or den <= 0 or not math.isfinite(num):
        return math.nan
    out = float(num) / float(den)
    return out if math.isfinite(out) else math.nan


def _col(df: pd.DataFrame, name: str, count: bool = True) -> np.ndarray:
    """A number column as float. Text, infinities and values beyond ± :data:`MAX_VALUE` are
    missing (NaN), and so are negatives of a ``count`` (reads, follows, costs: all but the net
    follower growth)."""
    if name not in df.columns:
        return np.full(len(df), np.nan)
    x = pd.to_numeric(df[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    ok = np.abs(x) <= MAX_VALUE
    if count:
        ok &= x >= 0
    return np.where(ok, x, np.nan)


def _count(value: Any) -> float:
    """One value read like a cell of a count column (:func:`_col`): NaN when it is none."""
    return float(_col(pd.DataFrame({"v": [value]}, dtype=object), "v")[0])


def _sum(x: np.ndarray) -> float:
    return float(np.nansum(x)) if len(x) and not np.isnan(x).all() else math.nan


def _parse_date(value: Any, what: str = "start date", what_zh: str = "开始日期") -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if value is None or pd.isna(ts):
        raise InputError(f"Cannot read the {what} {value!r}.", f"无法识别{what_zh} {value!r}。",
                         fix="Use YYYY-MM-DD, e.g. 2026-10-05.",
                         fix_zh="请用 YYYY-MM-DD 格式，例如 2026-10-05。")
    return ts.normalize()


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (str, bool)):
        return v
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(float(v)) else None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.isoformat(sep=" ") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if v is pd.NA or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [str(c) for c in df.columns]
    return [{c: _jsonable(v) for c, v in zip(cols, row)}
            for row in df.itertuples(index=False, name=None)]
