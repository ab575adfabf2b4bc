"""Cell values: blanks and summary rows (合计/总计), numbers (``1,234``, ``1.2万``, ``10万+``,
``3.2%``), levels of a category and lists of them, and province names. Vectorised: only messy
values take the slow path."""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .aliases import _levels, _norm_value

_NA_TOKENS = frozenset({
    "", "-", "--", "---", "—", "——", "–", "/", "n/a", "na", "nan", "null", "none", "#n/a",
    "无", "暂无", "空", "#div/0!", "#value!",
})
_SUMMARY_TOKENS = frozenset({
    "合计", "总计", "汇总", "总和", "平均", "平均值", "total", "sum", "average",
})
_READ_CSV_NA = sorted({v for t in _NA_TOKENS if t for v in (t, t.upper(), t.title())})


def _is_blank_cell(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


_NUM_RE = re.compile(
    r"^(?P<sign>[-+]?)(?:¥|rmb|cny)?(?P<num>\d+(?:\.\d*)?|\.\d+)(?:e(?P<exp>[-+]?\d+))?"
    r"(?P<unit>万|亿|千|k|w)?(?P<plus>\+)?(?P<pct>%)?(?:元|人|次|秒|条|篇|个)?$")
_UNIT = {"万": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3, "w": 1e4}


def _variants(tokens: Iterable[str]) -> list[str]:
    out = set()
    for t in tokens:
        for v in (t, t.upper(), t.title()):
            out.update({v, f" {v}", f"{v} ", f" {v} ", f"{v}:", f"{v}："})
    out.update({" ", "  ", "\t", "\u3000"})
    return sorted(out)


_NA_VARIANTS = _variants(_NA_TOKENS)
_SUMMARY_VARIANTS = _variants(_SUMMARY_TOKENS)


def _blank_mask(s: pd.Series) -> np.ndarray:
    """Blank cells: NA, or one of the NA tokens (exact, hash lookup: fast on big files).

    Parsers treat other spellings of blank (odd spacing/case) as blank too, in their slow path.
    """
    na = s.isna().to_numpy()
    if s.dtype.kind in "iufbM" or isinstance(s.dtype, pd.CategoricalDtype):
        return na
    return na | s.isin(_NA_VARIANTS).to_numpy()


def _summary_mask(s: pd.Series) -> np.ndarray:
    """Cells that mark a summary row: 合计, 总计:, Total, 平均值 … (exact, after trimming)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        hit = np.array([isinstance(c, str) and _is_summary_text(c) for c in cats] + [False])
        return hit[s.cat.codes.to_numpy()]
    if s.dtype.kind in "iufbM":
        return np.zeros(len(s), dtype=bool)
    return s.isin(_SUMMARY_VARIANTS).to_numpy(dtype=bool)


def _is_summary_text(t: Any) -> bool:
    return isinstance(t, str) and _norm_value(t).rstrip(":") in _SUMMARY_TOKENS


def _is_na_text(t: Any) -> bool:
    return _norm_value(t).rstrip(":") in _NA_TOKENS


def _text_of(v: Any) -> str:
    """Cell → text the way the user sees it (``12.0`` from Excel reads ``12``)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (_dt.datetime, pd.Timestamp)):
        return v.isoformat(sep=" ")
    return str(v)


def _show(text: str, limit: int = 60) -> str:
    """A value as quoted in a message: control characters (NUL, …) visible, long text cut."""
    text = "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch
                   for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Numbers:
    values: np.ndarray  # float64, NaN = blank or bad
    bad: np.ndarray  # bool
    lower_bound: np.ndarray  # bool: "10万+"
    percent: np.ndarray  # bool: "3.2%"


def _parse_numbers(s: pd.Series, blank: np.ndarray) -> _Numbers:
    n = len(s)
    none = np.zeros(n, dtype=bool)
    if s.dtype.kind in "iuf":
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return _Numbers(vals, ~np.isnan(vals) & ~np.isfinite(vals), none, none)
    if s.dtype.kind == "b":
        return _Numbers(np.full(n, np.nan), ~blank, none, none)
    obj = s.astype(object)
    is_bool = obj.map(lambda v: isinstance(v, (bool, np.bool_, _dt.date))).to_numpy(bool) \
        if s.dtype == object else none
    num = pd.to_numeric(obj.where(~is_bool), errors="coerce").to_numpy(dtype="float64",
                                                                       na_value=np.nan)
    num = num.copy()
    num[blank] = np.nan
    todo = np.isnan(num) & ~blank
    lower = np.zeros(n, dtype=bool)
    pct = np.zeros(n, dtype=bool)
    bad = (~np.isnan(num) & ~np.isfinite(num)) | (is_bool & ~blank)
    todo &= ~is_bool
    if todo.any():
        sub = obj[todo].map(_text_of).astype(str)
        t = sub.str.normalize("NFKC").str.strip().str.lower()
        na_like = t.isin(_NA_TOKENS).to_numpy()
        t = t.str.replace(r"[\s,，'’_]", "", regex=True).str.replace("\u2212", "-", regex=False)
        parts = t.str.extract(_NUM_RE)
        ok = parts["num"].notna().to_numpy().copy()
        base = pd.to_numeric(parts["num"], errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
        exp = pd.to_numeric(parts["exp"], errors="coerce").fillna(0).to_numpy(dtype="float64")
        mult = parts["unit"].map(_UNIT).fillna(1.0).to_numpy(dtype="float64")
        sign = np.where(parts["sign"].to_numpy(dtype=object) == "-", -1.0, 1.0)
        is_pct = parts["pct"].notna().to_numpy()
        with np.errstate(over="ignore", invalid="ignore"):
            vals = sign * base * np.power(10.0, exp) * mult
            vals = np.where(is_pct, vals / 100.0, vals)
        ok &= np.isfinite(vals)
        idx = np.flatnonzero(todo)
        num[idx[ok]] = vals[ok]
        bad[idx[~ok & ~na_like]] = True
        lower[idx[ok]] = parts["plus"].notna().to_numpy()[ok]
        pct[idx[ok]] = is_pct[ok]
    return _Numbers(num, bad, lower, pct)


def _parse_category(s: pd.Series, table: dict[str, str], levels: tuple[str, ...],
                    blank: np.ndarray) -> tuple[pd.Categorical, np.ndarray]:
    """Map values to level codes through their distinct values; returns (categorical, bad mask).

    A value whose table entry is empty (e.g. 全部 for the channel) means "no level": NA, not bad.
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if blank.any():
        codes = np.where(blank, -1, codes)
    position = {code: i for i, code in enumerate(levels)}
    target = np.full(len(uniques) + 1, -1, dtype=np.int64)
    unknown = np.zeros(len(uniques) + 1, dtype=bool)
    for i, u in enumerate(uniques):
        text = _text_of(u)
        code = "" if _is_na_text(text) else table.get(_norm_value(text))
        if code is None:
            unknown[i] = True
        elif code:
            target[i] = position[code]
    cat = pd.Categorical.from_codes(target[codes], categories=list(levels))
    return cat, unknown[codes]


def _parse_multi(s: pd.Series, table: dict[str, str], levels: tuple[str, ...],
                 blank: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Cells of several levels (``a;b``) as codes joined by ``;``. A cell keeps the levels it
    names that are known; the unknown ones are counted (value as written -> cells), never
    dropped without a word. Returns (codes, bad mask: cells with no known level at all,
    unknown counts)."""
    codes, uniques = pd.factorize(s.astype(object).where(~blank), use_na_sentinel=True)
    cells = np.bincount(codes[codes >= 0], minlength=len(uniques))
    out, badu, unknown = [], [], {}
    for i, u in enumerate(uniques):
        if _is_na_text(_text_of(u)):
            out.append(None)
            badu.append(False)
            continue
        tokens = [t for t in re.split(r"[;；,，、|/\s]+", _text_of(u)) if t]
        got, missing = [], []
        for t in tokens:
            code = table.get(_norm_value(t))
            if code is None:
                missing.append(t)
            elif code and code not in got:
                got.append(code)
        for t in missing:
            unknown[t] = unknown.get(t, 0) + int(cells[i])
        got.sort(key=levels.index)
        out.append(";".join(got) if got else None)
        badu.append(bool(missing) and not got)
    vals = np.array(out + [None], dtype=object)[codes]
    bad = np.array(badu + [False], dtype=bool)[codes]
    return vals, bad, unknown


def _province(text: Any) -> str:
    """``广东省`` → ``广东``, ``广西壮族自治区`` → ``广西`` (levels.csv, column province)."""
    t = str(text).strip()
    return _levels().get("province", {}).get(_norm_value(t)) or re.sub(r"(省|市)$", "", t) or t


def _provinces(s: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if not len(uniques):
        return s
    mapped = np.array([_province(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], dtype="string")


def read_number(value: Any) -> tuple[float, bool]:
    """One value read as the loader reads a cell of a number column: ``1,234``, ``1.2万``,
    ``10万+`` (its lower bound), ``5%`` (a share). Returns ``(number, written as a
    percentage)``; the number is NaN when the value is not one (``5%`` gives ``(0.05, True)``).

    >>> read_number("1.2万"), read_number("5%"), read_number("lots")[0] != read_number("lots")[0]
    ((12000.0, False), (0.05, True), True)
    """
    parsed = _parse_numbers(pd.Series([value], dtype=object), np.zeros(1, dtype=bool))
    number = float(parsed.values[0])
    return (math.nan if parsed.bad[0] else number), bool(parsed.percent[0])
