"""Dates as exports write them: ISO, ``2024/3/1``, ``2024年3月1日``, Excel serial days,
``20240301``, and ``03/04/2024`` read in one order per column (the date-order rule:
:func:`_one_date_order`)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .values import _is_blank_cell, _is_na_text, _text_of



@dataclass
class _Dates:
    values: pd.Series  # datetime64[ns]
    bad: np.ndarray
    order: _DateOrder | None = None  # how dates written 03/04/2024 were read


@dataclass(frozen=True)
class _DateOrder:
    """The one order a column's ``dd/mm/yyyy`` or ``mm/dd/yyyy`` dates were read in.

    day_first : the first number is the day.
    example : a value that settles it (a number over 12), or ``None`` when every value fits
        both orders and month/day was taken, the way WeChat writes dates.
    misfits : values that fit only the other order (read as unreadable).
    """

    day_first: bool
    example: str | None
    misfits: int = 0

    def note(self, header: str) -> tuple[str, str]:
        how, how_zh = ("day/month/year", "日/月/年") if self.day_first else \
            ("month/day/year", "月/日/年")
        if self.example is None:
            en = (f"Dates in '{header}' fit both day/month and month/day order; read as "
                  "month/day/year, the way WeChat writes dates. If they are day/month, write them "
                  "as 2024-04-03.")
            zh = (f"“{header}”列的日期既可按“日/月”也可按“月/日”理解；"
                  "已按微信的写法“月/日/年”读取。如实际是“日/月”，请写成 2024-04-03 这样的格式。")
        else:
            en = (f"Dates in '{header}' read as {how} (values such as '{self.example}' settle "
                  "the order).")
            zh = f"“{header}”列的日期按“{how_zh}”读取（“{self.example}”这样的值确定了顺序）。"
        if self.misfits:
            en += " Values that fit only the other order could not be read."
            zh += "只符合另一种顺序的值无法读取。"
        return en, zh


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?=$|[\sT])(.*)$")


def _one_date_order(t: pd.Series) -> tuple[pd.Series, _DateOrder | None]:
    """Dates written ``a/b/yyyy`` (or with ``.`` or ``-``), put as ``yyyy-mm-dd``, all in one
    order: a first number over 12 makes the column day-first, a second one month-first; when
    both occur, the order most values fit wins and the others are left unreadable; when every
    value fits both, month/day (as WeChat writes dates). Other values are left as they are."""
    parts = t.str.extract(_NUMERIC_DATE)
    has = parts[0].notna().to_numpy()
    if not has.any():
        return t, None
    first = parts[0][has].astype(int).to_numpy()
    second = parts[1][has].astype(int).to_numpy()
    day_first_fits = (first <= 31) & (second <= 12)
    month_first_fits = (first <= 12) & (second <= 31)
    settles_day = day_first_fits & ~month_first_fits
    settles_month = month_first_fits & ~day_first_fits
    if settles_day.any() or settles_month.any():
        day_first = int(day_first_fits.sum()) > int(month_first_fits.sum()) or (
            int(day_first_fits.sum()) == int(month_first_fits.sum()) and settles_day.any()
            and not settles_month.any())
        settles = settles_day if day_first else settles_month
        example = str(t[has].iloc[int(np.flatnonzero(settles)[0])]).split()[0] \
            if settles.any() else None
    else:
        day_first, example = False, None
    day, month = (first, second) if day_first else (second, first)
    fits = day_first_fits if day_first else month_first_fits
    out = t.copy()
    written = parts[2][has] + "-" + pd.Series(month, index=parts.index[has]).astype(str) + \
        "-" + pd.Series(day, index=parts.index[has]).astype(str) + " " + parts[3][has]
    out.loc[has] = written.where(fits, "not a date").str.strip()
    return out, _DateOrder(day_first, example, int((~fits).sum()))


_MIN_TS, _MAX_TS = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")


def _to_ns(values: Any) -> pd.Series:
    s = pd.Series(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return s.astype("datetime64[ns]")


def _iso(s: pd.Series) -> pd.Series:
    try:
        out = pd.to_datetime(s, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        out = pd.to_datetime(s, format="ISO8601", errors="coerce", utc=True)
    if isinstance(out.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return out


def _number_dates(v: np.ndarray) -> np.ndarray:
    """Numbers → dates: yyyymmdd (20240301) or Excel serial days (45352 = 2024-03-01)."""
    with np.errstate(invalid="ignore"):
        ymd = (v >= 19000101) & (v <= 21001231) & (np.mod(v, 1) == 0)
        serial = ~ymd & (v >= 1) & (v < 110000)
    dt = np.full(len(v), np.datetime64("NaT"), dtype="datetime64[ns]")
    if ymd.any():
        dt[ymd] = pd.to_datetime(pd.Series(v[ymd].astype(np.int64).astype(str)), format="%Y%m%d",
                                 errors="coerce").to_numpy(dtype="datetime64[ns]")
    if serial.any():
        dt[serial] = (pd.Timestamp("1899-12-30")
                      + pd.to_timedelta(np.round(v[serial] * 86400), unit="s")
                      ).to_numpy(dtype="datetime64[ns]")
    return dt


def _parse_dates(s: pd.Series, blank: np.ndarray) -> _Dates:
    """A column's dates, whatever each cell holds: a date or datetime, a number (Excel serial
    days, ``20240301``) or text (ISO, then :func:`_written_dates`); outside 1900–2200 is
    unreadable. A column that repeats its dates (daily data) is parsed once per value."""
    n = len(s)
    if s.dtype.kind not in "iufbmM" and n > 2000:  # daily data repeats its dates: parse once
        codes, uniques = pd.factorize(s.reset_index(drop=True), use_na_sentinel=True)
        if len(uniques) * 4 < n:
            once = _parse_dates(pd.Series(uniques, dtype=object),
                                np.array([_is_blank_cell(u) for u in uniques], dtype=bool))
            vals = np.append(once.values.to_numpy(dtype="datetime64[ns]"),
                             np.datetime64("NaT"))[codes]
            bad = np.append(once.bad, False)[codes] & ~blank
            vals[blank] = np.datetime64("NaT")
            return _Dates(pd.Series(vals, dtype="datetime64[ns]"), bad, once.order)
    result = pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    bad = np.zeros(n, dtype=bool)
    order = None
    if s.dtype.kind == "M":
        out = s.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None) \
            if isinstance(s.dtype, pd.DatetimeTZDtype) else s
        return _Dates(out.astype("datetime64[ns]").reset_index(drop=True), bad)
    obj = s.astype(object) if s.dtype != object else s
    todo = ~blank
    # numbers: Excel serial days or yyyymmdd
    if s.dtype.kind in "iuf" or s.dtype == object:
        is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                         and not isinstance(v, bool)).to_numpy(bool) & todo \
            if s.dtype == object else todo.copy()
        if is_num.any():
            v = pd.to_numeric(obj[is_num], errors="coerce").to_numpy(dtype="float64")
            dt = _number_dates(v)
            idx = np.flatnonzero(is_num)
            result.iloc[idx] = dt
            bad[idx] = np.isnat(dt)
            todo = todo & ~is_num
    if s.dtype == object and todo.any():
        is_dt = obj.map(lambda v: isinstance(v, (_dt.date, pd.Timestamp, np.datetime64))
                        ).to_numpy(bool) & todo
        if is_dt.any():
            idx = np.flatnonzero(is_dt)
            result.iloc[idx] = _to_ns(pd.to_datetime(obj[is_dt].tolist(), errors="coerce"))
            todo &= ~is_dt
    if todo.any():
        idx = np.flatnonzero(todo)
        texts = obj[todo].map(_text_of).astype(str) if s.dtype == object else s[todo].astype(str)
        texts = texts.reset_index(drop=True)
        got = _iso(texts)
        miss = got.isna().to_numpy().copy()
        na_like = np.zeros(len(texts), dtype=bool)
        if miss.any():
            # text that is only digits: Excel serial days (45352) or yyyymmdd (20240301)
            digits = texts.str.fullmatch(r"\s*(?:\d{5}(?:\.\d+)?|\d{8})\s*").fillna(False
                                                                              ).to_numpy(bool)
            digits = digits & miss
            if digits.any():
                got.loc[digits] = pd.Series(
                    _number_dates(pd.to_numeric(texts[digits]).to_numpy(dtype="float64")),
                    index=texts.index[digits]).astype(got.dtype)
                miss &= ~digits
            na_like = texts.map(_is_na_text).to_numpy(bool) & miss
            miss &= ~na_like
        if miss.any():
            written, order = _written_dates(texts[miss])
            got.loc[written.index] = written.astype(got.dtype)
        got_ns = got.astype("datetime64[us]")
        in_range = got_ns.notna() & (got_ns >= _MIN_TS) & (got_ns < _MAX_TS)
        ok = in_range.to_numpy()
        if len(idx) == n and ok.all():  # every value readable: no scatter needed
            return _Dates(got_ns.astype("datetime64[ns]"), bad, order)
        result.iloc[idx[ok]] = got_ns[ok].astype("datetime64[ns]").to_numpy()
        bad[idx[~ok & ~na_like]] = True
    return _Dates(result, bad, order)


def _written_dates(texts: pd.Series) -> tuple[pd.Series, _DateOrder | None]:
    """Dates as people write them: ``2024年3月1日（星期五）``, ``2024/3/1``, ``03/04/2024`` (one
    order for the column: :func:`_one_date_order`), and what pandas reads of the rest that has a
    four-digit year; ``NaT`` where none of that reads. The index is ``texts``'."""
    written = texts.str.normalize("NFKC").str.strip()
    written = written.str.replace(r"[(（]?(星期|周)[一二三四五六日天][)）]?", "", regex=True)
    written = written.str.replace(
        r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]?)?",
        lambda m: f"{m.group(1)}-{m.group(2)}-{m.group(3) or 1} ", regex=True)
    written = written.str.replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3 ", regex=True)
    written = written.str.replace(r"\s+", " ", regex=True).str.strip()
    written, order = _one_date_order(written)
    dates = _iso(written)
    still = dates.isna().to_numpy()
    if still.any():
        left = written[still]
        has_year = left.str.contains(r"\d{4}", regex=True).to_numpy()
        if has_year.any():
            try:
                mixed = pd.to_datetime(left[has_year], format="mixed", errors="coerce")
            except (ValueError, TypeError, OverflowError):
                mixed = pd.Series(pd.NaT, index=left[has_year].index)
            if isinstance(mixed.dtype, pd.DatetimeTZDtype):
                mixed = mixed.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
            dates.loc[left[has_year].index] = mixed.astype(dates.dtype)
    return dates, order
