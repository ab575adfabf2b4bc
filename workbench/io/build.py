"""Building the canonical frame from a mapped raw table (:class:`_Builder`): blank and summary
rows skipped, each column parsed to its schema dtype under the bad-value policy
(:data:`BAD_VALUE_SHARE`), then the kind's own finishing and derived columns (:mod:`.kinds`), the
checks (no negative counts), and notes on what cannot be right but may be as exported (dates
after today, a part larger than its whole, rows that share a key)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from ..schemas import Column, Schema
from .aliases import _level_table, _levels
from .dates import _Dates, _parse_dates
from .headers import _Raw, _schema_col
from .kinds import _KindSteps
from .report import DataError, LoadReport
from .sources import _Source
from .values import (
    _blank_mask, _is_blank_cell, _is_summary_text, _Numbers, _parse_category, _parse_multi,
    _parse_numbers, _provinces, _show, _summary_mask, _text_of,
)
from .xlsx_reader import _unsaved_formulas_error

#: Largest share of non-blank values of an optional column that may be unreadable and become NA.
BAD_VALUE_SHARE = 0.10
_MAX_COUNT = 9e15  # beyond float precision for whole numbers: not a count anyone exports


class _LazyBlanks:
    """Blank masks per column, computed when first needed (big files skip most of them)."""

    def __init__(self, cols: dict[str, pd.Series], full_check: Any) -> None:
        self.cols, self.full_check, self.cache = cols, full_check, {}
        self.idx: np.ndarray | None = None

    def __getitem__(self, k: str) -> np.ndarray:
        if k not in self.cache:
            s = self.cols[k]
            mask = _blank_mask(s) if self.full_check(k) else s.isna().to_numpy()
            self.cache[k] = mask if self.idx is None else mask[self.idx]
        return self.cache[k]

    def subset(self, idx: np.ndarray) -> "_LazyBlanks":
        out = _LazyBlanks(self.cols, self.full_check)
        out.idx = idx if self.idx is None else self.idx[idx]
        out.cache = {k: v[idx] for k, v in self.cache.items()}
        return out


class _Builder(_KindSteps):
    """Builds one file's canonical frame (:meth:`build`) and writes what it did into the
    report: rows skipped or dropped, values left blank, columns derived."""

    def __init__(self, raw: _Raw, src: _Source, report: LoadReport) -> None:
        self.raw, self.src, self.report = raw, src, report
        self.sch = schemas.schema(raw.kind)

    # ---- helpers ------------------------------------------------------------------------
    def _where(self, canon: str) -> dict[str, Any]:
        col = _schema_col(self.sch, canon)
        header = self.raw.headers.get(canon, canon)
        return dict(file=self.src.name, column=header, column_letter=self.raw.letters.get(canon),
                    canonical=canon if header != canon else (col.zh if col else None))

    def _examples(self, mask: np.ndarray, values: pd.Series, limit: int = 3
                  ) -> tuple[list[int], str, str]:
        idx = np.flatnonzero(mask)
        rows = [int(self.raw.rownums[i]) for i in idx]
        shown = []
        for i in idx[:limit]:
            shown.append((int(self.raw.rownums[i]), _show(_text_of(values.iloc[i]))))
        en = ", ".join(f"row {r}: '{v}'" for r, v in shown)
        zh = "，".join(f"第 {r} 行：“{v}”" for r, v in shown)
        more = len(idx) - len(shown)
        if more > 0:
            en += f" and {more} more"
            zh += f"，另有 {more} 行"
        return rows, en, zh

    def _settle(self, canon: str, bad: np.ndarray, blank: np.ndarray, values: pd.Series,
                what_en: str, what_zh: str, fix_en: str, fix_zh: str, *,
                unknown: dict[str, int] | None = None) -> None:
        """Apply the bad-value policy: error, or coerce to NA with a note. ``unknown``: the
        values as written that are not known levels, with their counts (the error and the
        report carry them, for a page to offer a mapping)."""
        n_bad = int(bad.sum())
        if not n_bad:
            return
        if unknown is None and self.sch[canon].dtype == "category":
            written = values[bad].astype(object).map(lambda v: str(v).strip())
            unknown = {str(k): int(n) for k, n in written.value_counts().items()}
        col = self.sch[canon]
        nonblank = int((~blank).sum())
        rows, ex_en, ex_zh = self._examples(bad, values)
        header = self.raw.headers.get(canon, canon)
        if col.required or n_bad > BAD_VALUE_SHARE * nonblank:
            why_en = "" if col.required else (
                f" ({n_bad} of {nonblank} values; at most {BAD_VALUE_SHARE:.0%} can be left blank "
                "automatically)")
            why_zh = "" if col.required else (
                f"（{nonblank} 个值中有 {n_bad} 个；最多只能自动留空 {BAD_VALUE_SHARE:.0%}）")
            err = DataError(f"{what_en}: {ex_en}{why_en}.", f"{what_zh}：{ex_zh}{why_zh}。",
                            fix=fix_en, fix_zh=fix_zh, rows=rows, **self._where(canon))
            err.unknown, err.level_column, err.kind = dict(unknown or {}), canon, self.sch.kind
            raise err
        if unknown:
            self.report.unknown_levels[canon] = dict(unknown)
        self.report.note(
            f"{n_bad} value(s) in '{header}' could not be read and were left blank: {ex_en}.",
            f"“{header}”列有 {n_bad} 个值无法读取，已留空：{ex_zh}。")

    # ---- per dtype ----------------------------------------------------------------------
    def number(self, canon: str, cells: pd.Series, blank: np.ndarray) -> Any:
        """A count (``Int64``) or a number (``float64``) column: ``1,234``, ``1.2万``, ``10万+``
        (its lower bound), ``3.2%``; rates written as percentages become fractions."""
        col = self.sch[canon]
        clean = _clean_numbers(col, cells)
        if clean is not None:
            return clean
        parsed = _parse_numbers(cells, blank)
        values, bad = self._settle_numbers(canon, cells, blank, parsed)
        self._note_lower_bounds(canon, parsed.lower_bound & ~bad)
        if col.unit == "fraction":
            values = self._fractions(canon, values, parsed.percent, bad)
        if col.dtype == "int":
            missing = np.isnan(values)
            return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
        return values.astype("float64")

    def _settle_numbers(self, canon: str, cells: pd.Series, blank: np.ndarray,
                        parsed: _Numbers) -> tuple[np.ndarray, np.ndarray]:
        """The values (NaN where unreadable) and the unreadable ones, under the bad-value
        policy; a count must be a whole number, not a percentage, within float precision."""
        whole = self.sch[canon].dtype == "int"
        values, bad = parsed.values, parsed.bad.copy()
        if whole:
            finite = np.isfinite(values)
            rounded = np.round(values)
            with np.errstate(invalid="ignore"):
                fraction = finite & (np.abs(values - rounded)
                                     > 1e-6 * np.maximum(1, np.abs(values)))
                huge = finite & (np.abs(values) > _MAX_COUNT)
            bad |= fraction | huge | (parsed.percent & ~blank)
            values = np.where(bad, np.nan, rounded)
        else:
            values = np.where(bad, np.nan, values)
        header = self.raw.headers.get(canon, canon)
        expect = "whole numbers" if whole else "numbers"
        expect_zh = "整数" if whole else "数字"
        self._settle(
            canon, bad, blank, cells,
            f"these values are not {expect} (expected e.g. 1234, 1,234, 1.2万 or 10万+"
            + ("" if whole else ", 3.2%") + ")",
            f"这些值不是{expect_zh}（应为 1234、1,234、1.2万 或 10万+"
            + ("" if whole else "、3.2%") + " 这样的写法）",
            f"replace the text in column '{header}' with {expect}, or leave the cell blank if "
            "the value is unknown.",
            f"请把“{header}”列中的文字改成{expect_zh}；数值未知时可留空。")
        return values, bad

    def _note_lower_bounds(self, canon: str, lower: np.ndarray) -> None:
        """Say where ``10万+`` was read as 100000."""
        if not lower.any():
            return
        header = self.raw.headers.get(canon, canon)
        rows = [int(r) for r in self.raw.rownums[lower][:5]]
        n_low = int(lower.sum())
        self.report.note(
            f"column {canon} ('{header}'): '10万+'-style values read as their lower bound "
            f"(10万+ → 100000) in {n_low} row{'s' if n_low != 1 else ''} "
            f"(rows {', '.join(map(str, rows))}{'…' if n_low > 5 else ''}).",
            f"“{header}”列中 {int(lower.sum())} 行的“10万+”类数值按下限读取（如 100000）"
            f"（第 {'、'.join(map(str, rows))}{'…' if lower.sum() > 5 else ''} 行）。")

    def _fractions(self, canon: str, values: np.ndarray, percent: np.ndarray,
                   bad: np.ndarray) -> np.ndarray:
        """A rate column: when no value says ``%`` and the largest is over 1 (up to 100), the
        column was written in percent and is divided by 100."""
        has_pct = (percent & ~bad).any()
        plain = ~percent & np.isfinite(values)
        if has_pct or not plain.any():
            return values
        largest = np.nanmax(values[plain])
        if not (1 < largest <= 100):
            return values
        header = self.raw.headers.get(canon, canon)
        self.report.note(
            f"'{header}' looks like percentages (largest value {largest:g}): divided by "
            "100 to give fractions.",
            f"“{header}”列看起来是百分数（最大值 {largest:g}）：已除以 100 转为小数。")
        return np.where(plain, values / 100.0, values)

    def date(self, canon: str, cells: pd.Series, blank: np.ndarray,
             parsed: _Dates | None = None) -> pd.Series:
        """A date or datetime column (``datetime64[ns]``; a date column at midnight)."""
        col = self.sch[canon]
        parsed = parsed if parsed is not None else _parse_dates(cells, blank)
        header = self.raw.headers.get(canon, canon)
        what, what_zh = "these values could not be read as dates", "这些值无法识别为日期"
        if parsed.order is not None:
            self.report.note(*parsed.order.note(header))
            if parsed.order.misfits:
                how, how_zh = ("day/month", "日/月") if parsed.order.day_first else \
                    ("month/day", "月/日")
                what += f" (the column reads {how}, as most of its dates do)"
                what_zh += f"（该列多数日期按“{how_zh}”书写，已按此顺序读取）"
        self._settle(
            canon, parsed.bad, blank, cells, what, what_zh,
            "write dates like 2024-03-01, 2024/3/1 or 2024年3月1日 (times like 2024-03-01 20:30)"
            f" in column '{header}', or format the cells as dates in Excel.",
            f"请把“{header}”列的日期写成 2024-03-01、2024/3/1 或 2024年3月1日"
            "（时间写成 2024-03-01 20:30），或在 Excel 中把单元格设为日期格式。")
        values = parsed.values
        if col.dtype == "date":
            values = values.dt.normalize()
        return values

    def category(self, canon: str, cells: pd.Series, blank: np.ndarray) -> pd.Categorical:
        """A level column (gender, age band, channel …): the schema's codes, from the codes
        themselves or their names in ``levels.csv``."""
        col = self.sch[canon]
        table = _level_table(canon, col.levels)
        levels, bad = _parse_category(cells, table, col.levels, blank)
        self._settle(canon, bad, blank, cells, *self._level_texts(canon, col))
        return levels

    def _level_texts(self, canon: str, col: Column) -> tuple[str, str, str, str]:
        table = _levels().get(canon, {})
        examples = []
        for code in col.levels:
            zh = [a for a, c in table.items() if c == code][:1]
            examples.append(f"{code} ({zh[0]})" if zh else code)
        known = ", ".join(examples)
        header = self.raw.headers.get(canon, canon)
        return (f"these values are not known {canon} values (known: {known})",
                f"这些值不是可识别的{col.zh}（可用的值：{known}）",
                f"use one of the known values in column '{header}' (English code or Chinese "
                "name), or leave the cell blank.",
                f"请在“{header}”列中使用可识别的值（英文代码或中文名称均可），或留空。")

    def multi(self, canon: str, cells: pd.Series, blank: np.ndarray) -> pd.Series:
        """A column of several levels a cell (``a;b``), as text of codes joined by ``;``."""
        col = self.sch[canon]
        table = _level_table(canon, col.levels)
        codes, bad, unknown = _parse_multi(cells, table, col.levels, blank)
        what, what_zh, fix, fix_zh = self._level_texts(canon, col)
        self._settle(canon, bad, blank, cells, what, what_zh,
                     fix + " Separate several values with ';'.", fix_zh + " 多个值用“;”分隔。",
                     unknown=unknown)
        partial = dict(unknown)
        if partial:
            header = self.raw.headers.get(canon, canon)
            shown = sorted(partial.items(), key=lambda kv: -kv[1])[:6]
            en = ", ".join(f"'{v}' ({n:,} cells)" for v, n in shown)
            zh = "、".join(f"“{v}”（{n:,} 个单元格）" for v, n in shown)
            more = len(partial) - len(shown)
            self.report.note(
                f"'{header}' holds values that are not known {canon} levels: {en}"
                f"{f' and {more} more' if more > 0 else ''}; the known levels of those cells "
                "were kept, these were not (map them on the Data page to keep them).",
                f"“{header}”列有无法识别的{col.zh}：{zh}"
                f"{f'等 {len(partial)} 个' if more > 0 else ''}；"
                "这些单元格中可识别的值已保留，这些值未保留（可在“团队数据”页面设置对应关系）。")
            self.report.unknown_levels[canon] = dict(partial)
        return pd.Series(codes, dtype="string")

    def text(self, canon: str, cells: pd.Series, blank: np.ndarray | None) -> pd.Series:
        """A text column (titles, names, ids), trimmed; province names shortened (广东省 → 广东)."""
        if cells.dtype == object:
            cells = cells.map(lambda v: None if _is_blank_cell(v) else _text_of(v).strip())
        elif cells.dtype.kind == "f":  # a text column that held only numbers: 2024, not 2024.0
            cells = cells.map(lambda v: None if np.isnan(v) else _text_of(v))
        out = cells.astype("string")
        if blank is not None and blank.any():
            out = out.mask(blank)
        if canon == "province":
            out = _provinces(out)
        return out

    def _is_text(self, canon: str) -> bool:
        """Text columns need the NA tokens (—, -) up front; parsers of the others spot them."""
        col = _schema_col(self.sch, canon)
        return col is None or col.dtype in ("string", "multi")

    # ---- the whole frame ----------------------------------------------------------------
    def build(self) -> pd.DataFrame:
        """The canonical frame, in named steps: the rows that hold data, each column parsed to
        its dtype, the kind's own finishing, derived columns, checks and notes."""
        columns = {k: v.reset_index(drop=True) for k, v in self.raw.columns.items()}
        self.report.rows_read = len(self.raw)
        if len(self.raw) == 0:
            self._no_rows()
        # CSV: read_csv already turned the NA tokens (—, -, 暂无) into NA
        blanks = _LazyBlanks(columns, lambda k: self._is_text(k) and not self.raw.na_done)
        blank_rows = self._blank_rows(columns, blanks)
        summary_rows = self._summary_rows(columns)
        # dates first: a summary row written some other way shows up as an unreadable date
        dates, summary_dates = self._read_dates(columns, blanks, blank_rows)
        summary_rows = summary_rows | summary_dates
        if summary_rows.any():
            self._drop_note(summary_rows, "summary row(s) (合计/总计) skipped",
                            "个汇总行（合计/总计）已跳过")
        columns, blanks, dates = self._keep_rows(~(blank_rows | summary_rows), columns, blanks,
                                                 dates)
        frame = self._parse_columns(columns, blanks, dates)
        unmapped = {k: v for k, v in columns.items() if _schema_col(self.sch, k) is None}
        frame = self._finish_kind(frame, unmapped)
        frame = self._drop_blank_required(frame)
        self._check_min(frame)
        frame = self._derive(frame)
        self._note_implausible(frame)
        frame = self._complete(frame)
        self._note_duplicates(frame)
        self.report.rows_loaded = len(frame)
        self.report.columns = dict(self.raw.headers)
        return frame

    def _blank_rows(self, columns: dict[str, pd.Series], blanks: _LazyBlanks) -> np.ndarray:
        """Rows blank in every column, noted as skipped. Cheap columns are looked at first, and
        the search stops as soon as no row can be blank everywhere."""
        blank_rows = np.ones(len(self.raw), dtype=bool)
        for canon in sorted(columns, key=lambda k: columns[k].dtype.kind not in "iufb"):
            blank_rows &= blanks[canon]
            if not blank_rows.any():
                break
        if blank_rows.any():
            self._drop_note(blank_rows, "blank row(s) skipped", "个空行已跳过")
        return blank_rows

    def _summary_rows(self, columns: dict[str, pd.Series]) -> np.ndarray:
        """Rows whose first text, level or date cell says 合计/总计/平均 (a summary row)."""
        for canon, values in columns.items():  # in file order
            col = _schema_col(self.sch, canon)
            if col is not None and col.dtype not in ("int", "float"):
                return _summary_mask(values)
        return np.zeros(len(self.raw), dtype=bool)

    def _read_dates(self, columns: dict[str, pd.Series], blanks: _LazyBlanks,
                    blank_rows: np.ndarray) -> tuple[dict[str, _Dates], np.ndarray]:
        """The date columns parsed, and the rows whose unreadable date is a summary word."""
        dates: dict[str, _Dates] = {}
        summary_rows = np.zeros(len(self.raw), dtype=bool)
        for canon, values in columns.items():
            col = _schema_col(self.sch, canon)
            if col is None or col.dtype not in ("date", "datetime"):
                continue
            parsed = _parse_dates(values, blanks[canon] | blank_rows)
            if parsed.bad.any():
                idx = np.flatnonzero(parsed.bad)
                says_summary = values.iloc[idx].map(_is_summary_text).to_numpy(bool)
                summary_rows[idx[says_summary]] = True
            dates[canon] = parsed
        return dates, summary_rows

    def _keep_rows(self, keep: np.ndarray, columns: dict[str, pd.Series], blanks: _LazyBlanks,
                   dates: dict[str, _Dates]
                   ) -> tuple[dict[str, pd.Series], _LazyBlanks, dict[str, _Dates]]:
        """Only the rows in ``keep``, of the columns, their blank masks, the parsed dates and
        the row numbers; :class:`DataError` when no row is left."""
        if not keep.all():
            idx = np.flatnonzero(keep)
            columns = {k: v.iloc[idx].reset_index(drop=True) for k, v in columns.items()}
            blanks = blanks.subset(idx)
            dates = {k: _Dates(v.values.iloc[idx].reset_index(drop=True), v.bad[idx], v.order)
                     for k, v in dates.items()}
            self.raw.rownums = self.raw.rownums[idx]
        if len(self.raw) == 0:
            self._no_rows()
        return columns, blanks, dates

    def _parse_columns(self, columns: dict[str, pd.Series], blanks: _LazyBlanks,
                       dates: dict[str, _Dates]) -> pd.DataFrame:
        """Every column of the schema parsed to its dtype (columns it does not know are left
        out: :meth:`_finish_kind` may use them)."""
        out: dict[str, Any] = {}
        for canon, values in columns.items():
            col = _schema_col(self.sch, canon)
            if col is None:
                continue
            blank = blanks[canon] if col.dtype != "string" or not self.raw.na_done else None
            if col.dtype in ("int", "float"):
                out[canon] = self.number(canon, values, blank)
            elif col.dtype in ("date", "datetime"):
                out[canon] = self.date(canon, values, blank, dates[canon])
            elif col.dtype == "category":
                out[canon] = self.category(canon, values, blank)
            elif col.dtype == "multi":
                out[canon] = self.multi(canon, values, blank)
            else:
                out[canon] = self.text(canon, values, None if self.raw.na_done else blank)
        return pd.DataFrame(out, index=pd.RangeIndex(len(self.raw)), copy=False)

    # ---- rows dropped, checks and notes -------------------------------------------------
    def _no_rows(self) -> None:
        if self.raw.unsaved_formulas:
            raise _unsaved_formulas_error(self.src, self.raw.unsaved_formulas,
                                          self.raw.first_unsaved)
        raise DataError(
            f"the file has a header row (row {self.raw.header_row}) but no data rows."
            if self.raw.header_row else "the file has no data rows.",
            f"文件有表头（第 {self.raw.header_row} 行），但没有数据行。"
            if self.raw.header_row else "文件没有数据行。",
            fix="export the data again and check that the chosen date range has data.",
            fix_zh="请重新导出数据，并确认所选日期范围内有数据。", file=self.src.name)

    def _drop_note(self, mask: np.ndarray, en: str, zh: str) -> None:
        rows = [int(r) for r in self.raw.rownums[mask]]
        shown = ", ".join(map(str, rows[:8])) + ("…" if len(rows) > 8 else "")
        self.report.note(f"{len(rows)} {en} (rows {shown}).",
                         f"{len(rows)} {zh}（第 {shown.replace(', ', '、')} 行）。")

    def _drop_blank_required(self, frame: pd.DataFrame) -> pd.DataFrame:
        drop = np.zeros(len(frame), dtype=bool)
        for name in self.sch.required:
            if name not in frame.columns:
                continue
            miss = frame[name].isna().to_numpy()
            if miss.any():
                header = self.raw.headers.get(name, name)
                rows = [int(r) for r in self.raw.rownums[miss & ~drop]]
                if rows:
                    shown = ", ".join(map(str, rows[:8])) + ("…" if len(rows) > 8 else "")
                    self.report.note(
                        f"{len(rows)} rows dropped: blank {header} (rows {shown}).",
                        f"{len(rows)} 行因“{header}”为空被删除"
                        f"（第 {shown.replace(', ', '、')} 行）。")
                drop |= miss
        if not drop.any():
            return frame
        if drop.all():
            self._no_rows()
        keep = np.flatnonzero(~drop)
        self.raw.rownums = self.raw.rownums[keep]
        return frame.iloc[keep].reset_index(drop=True)

    def _check_min(self, frame: pd.DataFrame) -> None:
        """A value below its column's ``min_value`` (a negative count) is an error."""
        for col in self.sch.columns:
            if col.min_value is None or col.name not in frame.columns:
                continue
            values = frame[col.name]
            if values.dtype.kind not in "iuf" and not isinstance(values.dtype, pd.Int64Dtype):
                continue
            low = values.to_numpy(dtype="float64", na_value=np.nan) < col.min_value
            if not low.any():
                continue
            rows, ex_en, ex_zh = self._examples(low, values)
            if col.min_value == 0:
                what, what_zh = "counts cannot be negative", "计数不能为负数"
            else:
                what = f"values must be at least {col.min_value:g}"
                what_zh = f"数值不能小于 {col.min_value:g}"
            raise DataError(
                f"{what}, but {int(low.sum())} value(s) are below it: {ex_en}.",
                f"{what_zh}，但有 {int(low.sum())} 个值不符合：{ex_zh}。",
                fix="correct these values (a count is 0 or more); a net change such as "
                    "net follows belongs in its own column.",
                fix_zh="请更正这些值（计数应为 0 或以上）；"
                       "净增这类可正可负的数请放在对应的净增列。",
                rows=rows, **self._where(col.name))

    def _note_implausible(self, frame: pd.DataFrame) -> None:
        """Values that cannot be right but may be as exported: kept, and the report says where
        (dates after today, a count above the count it is part of, a rate above 100 %)."""
        if len(frame) != len(self.raw.rownums):
            return
        tomorrow = pd.Timestamp.now(tz="Asia/Shanghai").tz_localize(None).normalize() \
            + pd.Timedelta(days=1)
        head = self.raw.headers.get
        for col in self.sch.columns:
            if col.name not in frame.columns:
                continue
            s = frame[col.name]
            if col.dtype in ("date", "datetime"):
                mask = (s >= tomorrow).fillna(False).to_numpy(bool)
                if mask.any():
                    self._row_note(mask, s, f"'{head(col.name, col.name)}' has dates after today",
                                   f"“{head(col.name, col.name)}”列有晚于今天的日期")
            elif col.unit == "fraction" and s.dtype.kind == "f":
                mask = (s.to_numpy() > 1 + 1e-9)
                if mask.any():
                    self._row_note(mask, s, f"'{head(col.name, col.name)}' has rates above 100 %",
                                   f"“{head(col.name, col.name)}”列有超过 100% 的比率")
        for small, big in self.sch.at_most:
            if small not in frame.columns or big not in frame.columns:
                continue
            a = frame[small].to_numpy(dtype="float64", na_value=np.nan)
            b = frame[big].to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                mask = a > b
            if mask.any():
                hs, hb = head(small, small), head(big, big)
                self._row_note(mask, frame[small],
                               f"'{hs}' is larger than '{hb}', which cannot happen ({small} is "
                               f"part of {big})",
                               f"“{hs}”大于“{hb}”，这不可能（{self.sch[small].zh}是"
                               f"{self.sch[big].zh}的一部分）")

    def _row_note(self, mask: np.ndarray, values: pd.Series, en: str, zh: str) -> None:
        rows, ex_en, ex_zh = self._examples(mask, values)
        self.report.note(f"{en} in {len(rows)} row(s) ({ex_en}); kept as exported: check these "
                         "rows in the source.",
                         f"{zh}，共 {len(rows)} 行（{ex_zh}）；已按导出值保留，请在源数据中核对。")

    def _complete(self, frame: pd.DataFrame) -> pd.DataFrame:
        n = len(frame)
        out = {}
        for col in self.sch.columns:
            out[col.name] = _coerce(frame[col.name], col) if col.name in frame.columns \
                else _empty(col, n)
        return pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)

    def _note_duplicates(self, frame: pd.DataFrame) -> None:
        key = [k for k in self.sch.key if k in frame.columns]
        if not key or len(frame) < 2 or key == [c for c in ("article_id", "follower_id")
                                                if c in key and c not in self.raw.headers]:
            return
        if len(key) == 1 and frame[key[0]].is_unique:  # the usual case, and cheaper to test
            return
        sub = frame[key]
        if sub.isna().all(axis=None):
            return
        dup = sub.duplicated(keep=False).to_numpy() & sub.notna().all(axis=1).to_numpy()
        if dup.any():
            rows = [int(r) for r in self.raw.rownums[dup][:6]]
            self.report.note(
                f"{int(dup.sum())} rows share the same {' + '.join(key)} (rows "
                f"{', '.join(map(str, rows))}{'…' if dup.sum() > 6 else ''}); kept all of them.",
                f"{int(dup.sum())} 行的 {' + '.join(key)} 相同（第 {'、'.join(map(str, rows))}"
                f"{'…' if dup.sum() > 6 else ''} 行），已全部保留。")


def _clean_numbers(col: Column, cells: pd.Series) -> Any:
    """The fast path: a column pandas already read as clean numbers, as it is (``None`` when
    it needs parsing)."""
    if col.dtype == "int" and cells.dtype.kind in "iu" and cells.dtype.itemsize <= 8:
        if cells.dtype.kind == "i" or cells.max() <= np.iinfo(np.int64).max:
            return pd.arrays.IntegerArray(cells.to_numpy(dtype=np.int64),
                                          np.zeros(len(cells), dtype=bool))
    if col.dtype == "float" and cells.dtype.kind in "iuf" and col.unit != "fraction":
        values = cells.to_numpy(dtype="float64")
        if np.isfinite(values[~np.isnan(values)]).all():
            return values
    return None


def _coerce(s: pd.Series, col: Column) -> pd.Series:
    """Make sure a finished column has the schema dtype."""
    want = {"int": "Int64", "float": "float64", "string": "string",
            "multi": "string"}.get(col.dtype)
    if want is not None:
        if col.dtype == "float" and s.dtype != "float64":
            return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index)
        return s if s.dtype == want else s.astype(want)
    if col.dtype in ("date", "datetime"):
        return s if s.dtype == "datetime64[ns]" else s.astype("datetime64[ns]")
    if col.dtype == "category":
        if isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == list(col.levels):
            return s
        return pd.Series(pd.Categorical(s.astype(object), categories=list(col.levels)),
                         index=s.index)
    return s


def _empty(col: Column, n: int) -> Any:
    if col.dtype == "int":
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if col.dtype == "float":
        return np.full(n, np.nan)
    if col.dtype in ("date", "datetime"):
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if col.dtype == "category":
        return pd.Categorical.from_codes(np.full(n, -1), categories=list(col.levels))
    return pd.Series(pd.NA, index=pd.RangeIndex(n), dtype="string").array


def empty_frame(sch: Schema) -> pd.DataFrame:
    """A frame of ``sch`` with no rows: every column, in schema order, with its dtype."""
    return pd.DataFrame({col.name: _empty(col, 0) for col in sch.columns},
                        index=pd.RangeIndex(0), copy=False)
