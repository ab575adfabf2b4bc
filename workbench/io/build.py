"""Building the canonical frame from a mapped raw table (:class:`_Builder`): blank and summary
rows skipped, each column parsed to its schema dtype under the bad-value policy
(:data:`BAD_VALUE_SHARE`), the kind's own finishing (per-source rows pivoted, distribution levels
mapped), derived columns, and notes on what cannot be right but may be as exported."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from ..schemas import Column
from .aliases import _level_table, _levels, _norm_value
from .dates import _Dates, _parse_dates
from .headers import _Raw, _schema_col
from .report import DataError, LoadReport
from .sources import _Source
from .values import (
    _blank_mask, _is_blank_cell, _is_summary_text, _parse_category, _parse_multi, _parse_numbers,
    _province, _provinces, _show, _summary_mask, _text_of,
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


class _Builder:
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
                what_en: str, what_zh: str, fix_en: str, fix_zh: str) -> None:
        """Apply the bad-value policy: error, or coerce to NA with a note."""
        n_bad = int(bad.sum())
        if not n_bad:
            return
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
            raise DataError(f"{what_en}: {ex_en}{why_en}.", f"{what_zh}：{ex_zh}{why_zh}。",
                            fix=fix_en, fix_zh=fix_zh, rows=rows, **self._where(canon))
        self.report.note(
            f"{n_bad} value(s) in '{header}' could not be read and were left blank: {ex_en}.",
            f"“{header}”列有 {n_bad} 个值无法读取，已留空：{ex_zh}。")

    # ---- per dtype ----------------------------------------------------------------------
    def number(self, canon: str, s: pd.Series, blank: np.ndarray) -> Any:
        col = self.sch[canon]
        if col.dtype == "int" and s.dtype.kind in "iu" and s.dtype.itemsize <= 8:
            if s.dtype.kind == "i" or s.max() <= np.iinfo(np.int64).max:  # fast path: clean counts
                return pd.arrays.IntegerArray(s.to_numpy(dtype=np.int64),
                                              np.zeros(len(s), dtype=bool))
        if col.dtype == "float" and s.dtype.kind in "iuf" and col.unit != "fraction":
            vals = s.to_numpy(dtype="float64")
            if np.isfinite(vals[~np.isnan(vals)]).all():
                return vals
        parsed = _parse_numbers(s, blank)
        vals = parsed.values
        is_int = col.dtype == "int"
        bad = parsed.bad.copy()
        if is_int:
            finite = np.isfinite(vals)
            rounded = np.round(vals)
            with np.errstate(invalid="ignore"):
                frac = finite & (np.abs(vals - rounded) > 1e-6 * np.maximum(1, np.abs(vals)))
                huge = finite & (np.abs(vals) > _MAX_COUNT)
            bad |= frac | huge | (parsed.percent & ~blank)
            vals = np.where(bad, np.nan, rounded)
        else:
            vals = np.where(bad, np.nan, vals)
        header = self.raw.headers.get(canon, canon)
        expect = "whole numbers" if is_int else "numbers"
        expect_zh = "整数" if is_int else "数字"
        self._settle(
            canon, bad, blank, s,
            f"these values are not {expect} (expected e.g. 1234, 1,234, 1.2万 or 10万+"
            + ("" if is_int else ", 3.2%") + ")",
            f"这些值不是{expect_zh}（应为 1234、1,234、1.2万 或 10万+" + ("" if is_int else "、3.2%")
            + " 这样的写法）",
            f"replace the text in column '{header}' with {expect}, or leave the cell blank if "
            "the value is unknown.",
            f"请把“{header}”列中的文字改成{expect_zh}；数值未知时可留空。")
        lower = parsed.lower_bound & ~bad
        if lower.any():
            rows = [int(r) for r in self.raw.rownums[lower][:5]]
            n_low = int(lower.sum())
            self.report.note(
                f"column {canon} ('{header}'): '10万+'-style values read as their lower bound "
                f"(10万+ → 100000) in {n_low} row{'s' if n_low != 1 else ''} "
                f"(rows {', '.join(map(str, rows))}{'…' if n_low > 5 else ''}).",
                f"“{header}”列中 {int(lower.sum())} 行的“10万+”类数值按下限读取（如 100000）"
                f"（第 {'、'.join(map(str, rows))}{'…' if lower.sum() > 5 else ''} 行）。")
        if col.unit == "fraction":
            has_pct = (parsed.percent & ~bad).any()
            plain = ~parsed.percent & np.isfinite(vals)
            if not has_pct and plain.any():
                mx = np.nanmax(vals[plain])
                if 1 < mx <= 100:
                    vals = np.where(plain, vals / 100.0, vals)
                    self.report.note(
                        f"'{header}' looks like percentages (largest value {mx:g}): divided by "
                        "100 to give fractions.",
                        f"“{header}”列看起来是百分数（最大值 {mx:g}）：已除以 100 转为小数。")
        if is_int:
            mask = np.isnan(vals)
            data = np.where(mask, 0, vals).astype(np.int64)
            return pd.arrays.IntegerArray(data, mask)
        return vals.astype("float64")

    def date(self, canon: str, s: pd.Series, blank: np.ndarray,
             parsed: _Dates | None = None) -> pd.Series:
        col = self.sch[canon]
        parsed = parsed if parsed is not None else _parse_dates(s, blank)
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
            canon, parsed.bad, blank, s, what, what_zh,
            "write dates like 2024-03-01, 2024/3/1 or 2024年3月1日 (times like 2024-03-01 20:30)"
            f" in column '{header}', or format the cells as dates in Excel.",
            f"请把“{header}”列的日期写成 2024-03-01、2024/3/1 或 2024年3月1日（时间写成 2024-03-01 20:30），"
            "或在 Excel 中把单元格设为日期格式。")
        vals = parsed.values
        if col.dtype == "date":
            vals = vals.dt.normalize()
        return vals

    def category(self, canon: str, s: pd.Series, blank: np.ndarray) -> pd.Categorical:
        col = self.sch[canon]
        table = _level_table(canon, col.levels)
        cat, bad = _parse_category(s, table, col.levels, blank)
        self._settle(canon, bad, blank, s, *self._level_texts(canon, col))
        return cat

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

    def multi(self, canon: str, s: pd.Series, blank: np.ndarray) -> pd.Series:
        col = self.sch[canon]
        table = _level_table(canon, col.levels)
        vals, bad = _parse_multi(s, table, col.levels, blank)
        en, zh, fen, fzh = self._level_texts(canon, col)
        self._settle(canon, bad, blank, s, en, zh,
                     fen + " Separate several values with ';'.", fzh + " 多个值用“;”分隔。")
        return pd.Series(vals, dtype="string")

    def text(self, canon: str, s: pd.Series, blank: np.ndarray | None) -> pd.Series:
        if s.dtype == object:
            s = s.map(lambda v: None if _is_blank_cell(v) else _text_of(v).strip())
        elif s.dtype.kind == "f":  # a text column that happened to hold only numbers: 2024, not 2024.0
            s = s.map(lambda v: None if np.isnan(v) else _text_of(v))
        out = s.astype("string")
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
        raw, rep = self.raw, self.report
        cols = {k: v.reset_index(drop=True) for k, v in raw.columns.items()}
        n = len(raw)
        rep.rows_read = n
        if n == 0:
            self._no_rows()
        # CSV: read_csv already turned the NA tokens (—, -, 暂无) into NA
        blanks = _LazyBlanks(cols, lambda k: self._is_text(k) and not raw.na_done)
        # blank lines: cheap columns first, stop as soon as no row can be blank everywhere
        all_blank = np.ones(n, dtype=bool)
        order = sorted(cols, key=lambda k: cols[k].dtype.kind not in "iufb")
        for k in order:
            all_blank &= blanks[k]
            if not all_blank.any():
                break
        if all_blank.any():
            self._drop_note(all_blank, "blank row(s) skipped", "个空行已跳过")
        # a summary row (合计/总计/平均) says so in its first text, level or date cell
        summary = np.zeros(n, dtype=bool)
        for canon, s in cols.items():  # in file order
            col = _schema_col(self.sch, canon)
            if col is not None and col.dtype not in ("int", "float"):
                summary |= _summary_mask(s)
                break
        # dates first: a summary row written some other way shows up as an unreadable date
        dates: dict[str, _Dates] = {}
        for canon, s in cols.items():
            col = _schema_col(self.sch, canon)
            if col is None or col.dtype not in ("date", "datetime"):
                continue
            parsed = _parse_dates(s, blanks[canon] | all_blank)
            if parsed.bad.any():
                idx = np.flatnonzero(parsed.bad)
                summ = s.iloc[idx].map(_is_summary_text).to_numpy(bool)
                summary[idx[summ]] = True
            dates[canon] = parsed
        if summary.any():
            self._drop_note(summary, "summary row(s) (合计/总计) skipped", "个汇总行（合计/总计）已跳过")
        keep = ~(all_blank | summary)
        if not keep.all():
            idx = np.flatnonzero(keep)
            cols = {k: v.iloc[idx].reset_index(drop=True) for k, v in cols.items()}
            blanks = blanks.subset(idx)
            dates = {k: _Dates(v.values.iloc[idx].reset_index(drop=True), v.bad[idx])
                     for k, v in dates.items()}
            raw.rownums = raw.rownums[idx]
        if len(raw) == 0:
            self._no_rows()
        out: dict[str, Any] = {}
        for canon, s in cols.items():
            col = _schema_col(self.sch, canon)
            if col is None:
                continue
            b = blanks[canon] if col.dtype not in ("string",) or not raw.na_done else None
            if col.dtype in ("int", "float"):
                out[canon] = self.number(canon, s, b)
            elif col.dtype in ("date", "datetime"):
                out[canon] = self.date(canon, s, b, dates[canon])
            elif col.dtype == "category":
                out[canon] = self.category(canon, s, b)
            elif col.dtype == "multi":
                out[canon] = self.multi(canon, s, b)
            else:
                out[canon] = self.text(canon, s, None if raw.na_done else b)
        extra = {k: v for k, v in cols.items() if _schema_col(self.sch, k) is None}
        frame = pd.DataFrame(out, index=pd.RangeIndex(len(raw)), copy=False)
        frame = self._finish_kind(frame, extra)
        frame = self._drop_blank_required(frame)
        self._check_min(frame)
        frame = self._derive(frame)
        self._note_implausible(frame)
        frame = self._complete(frame)
        self._note_duplicates(frame)
        rep.rows_loaded = len(frame)
        rep.columns = dict(raw.headers)
        return frame

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
                        f"{len(rows)} 行因“{header}”为空被删除（第 {shown.replace(', ', '、')} 行）。")
                drop |= miss
        if not drop.any():
            return frame
        if drop.all():
            self._no_rows()
        keep = np.flatnonzero(~drop)
        self.raw.rownums = self.raw.rownums[keep]
        return frame.iloc[keep].reset_index(drop=True)

    def _check_min(self, frame: pd.DataFrame) -> None:
        for col in self.sch.columns:
            if col.min_value is None or col.name not in frame.columns:
                continue
            s = frame[col.name]
            if s.dtype.kind not in "iuf" and not isinstance(s.dtype, pd.Int64Dtype):
                continue
            arr = s.to_numpy(dtype="float64", na_value=np.nan)
            low = arr < col.min_value
            if low.any():
                rows, ex_en, ex_zh = self._examples(low, s)
                what = "counts cannot be negative" if col.min_value == 0 else \
                    f"values must be at least {col.min_value:g}"
                what_zh = "计数不能为负数" if col.min_value == 0 else f"数值不能小于 {col.min_value:g}"
                raise DataError(
                    f"{what}, but {int(low.sum())} value(s) are below it: {ex_en}.",
                    f"{what_zh}，但有 {int(low.sum())} 个值不符合：{ex_zh}。",
                    fix="correct these values (a count is 0 or more); a net change such as "
                        "net follows belongs in its own column.",
                    fix_zh="请更正这些值（计数应为 0 或以上）；净增这类可正可负的数请放在对应的净增列。",
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

    def _finish_kind(self, frame: pd.DataFrame, extra: dict[str, pd.Series]) -> pd.DataFrame:
        if self.raw.kind == "daily_users" and "user_source" in extra:
            return self._pivot_user_source(frame, extra["user_source"])
        if self.raw.kind == "distributions":
            return self._finish_distributions(frame)
        return frame

    def _pivot_user_source(self, frame: pd.DataFrame, source: pd.Series) -> pd.DataFrame:
        """datacube getusersummary: one row per day and user_source → one row per day."""
        table = _levels().get("user_source", {})
        target = source.map(lambda v: table.get(_norm_value(_text_of(v)), "new_from_other")
                            if not _is_blank_cell(v) else None)
        if "date" not in frame.columns:
            return frame
        g = frame.assign(_t=target.to_numpy())
        agg = {c: "sum" for c in ("new_follows", "unfollows") if c in g.columns}
        if "cumulative_follows" in g.columns:
            agg["cumulative_follows"] = "max"
        days = g.groupby("date", sort=True).agg(agg) if agg else g.groupby("date").size().to_frame()
        if "new_follows" in g.columns:
            piv = g.dropna(subset=["_t"]).pivot_table(index="date", columns="_t",
                                                      values="new_follows", aggfunc="sum")
            for c in piv.columns:
                days[c] = piv[c].reindex(days.index)
        days = days.reset_index()
        first_rows = g.groupby("date", sort=True).head(1).index.to_numpy()
        self.raw.rownums = self.raw.rownums[np.sort(first_rows)][:len(days)]
        for c in days.columns:
            if c != "date":
                days[c] = days[c].astype("Int64")
        self.report.note(
            f"{len(frame)} per-source rows (user_source) combined into {len(days)} days.",
            f"{len(frame)} 行分来源数据（user_source）已合并为 {len(days)} 天。")
        return days

    def _finish_distributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        rep = self.report
        if "dimension" in frame.columns and "level" in frame.columns:
            dims = frame["dimension"].astype(object).to_numpy()
            levels = frame["level"].astype(object).to_numpy()
            gender = _level_table("gender", schemas.GENDERS)
            ages = _level_table("age_band", schemas.AGE_BANDS)
            kept: list[str] = []
            new = []
            for d, lv in zip(dims, levels):
                if lv is None or lv is pd.NA:
                    new.append(lv)
                    continue
                key = _norm_value(lv)
                if d == "gender":
                    code = gender.get(key)
                elif d == "age":
                    code = ages.get(key)
                    if code == "":
                        code = "unknown"
                elif d == "region":
                    code = _province(lv)
                else:
                    code = None
                if code is None:
                    code = str(lv).strip()
                    if code not in kept:
                        kept.append(code)
                new.append(code)
            frame["level"] = pd.array(new, dtype="string")
            if kept:
                rep.note(f"Levels kept as exported (no matching code): {', '.join(kept[:8])}.",
                         f"以下分类没有对应的代码，按原样保留：{'、'.join(kept[:8])}。")
            key = [c for c in ("title", "dimension", "level") if c in frame.columns]
            grouped = frame.assign(_t=frame["title"].fillna("") if "title" in frame else "")
            dup = grouped.duplicated(subset=["_t"] + key[1:], keep=False).to_numpy()
            if dup.any():
                before = len(frame)
                firsts = ~grouped.duplicated(subset=["_t"] + key[1:], keep="first").to_numpy()
                agg = grouped.groupby(["_t"] + key[1:], sort=False, observed=True, dropna=False
                                      )[[c for c in ("users", "share") if c in frame.columns]
                                        ].sum(min_count=1)
                frame = frame[firsts].reset_index(drop=True)
                self.raw.rownums = self.raw.rownums[firsts]
                idx = pd.MultiIndex.from_frame(grouped[firsts][["_t"] + key[1:]])
                for c in agg.columns:
                    frame[c] = agg[c].reindex(idx).to_numpy()
                    if c == "users":
                        frame[c] = frame[c].astype("Int64")
                if "users" in frame.columns:  # shares from the merged users (two articles of
                    users = frame["users"].astype("Float64")  # one title add up to one, not two)
                    total = users.groupby([frame["title"].fillna("") if "title" in frame else "",
                                           frame["dimension"]], observed=True).transform("sum")
                    recomputed = (users / total.where(total > 0)).astype("float64").round(6)
                    frame["share"] = recomputed.where(recomputed.notna(),
                                                      frame.get("share", np.nan))
                rep.note(f"{before - len(frame)} level rows merged into the same band after "
                         "mapping (their users added, shares recomputed).",
                         f"{before - len(frame)} 行分类映射到同一区间后已合并（人数相加，占比重新计算）。")
        return frame

    def _derive(self, frame: pd.DataFrame) -> pd.DataFrame:
        kind, rep, n = self.raw.kind, self.report, len(frame)
        cols = frame.columns
        if kind == "daily_users":
            if "net_follows" not in cols and {"new_follows", "unfollows"} <= set(cols):
                frame["net_follows"] = frame["new_follows"] - frame["unfollows"]
                rep.note("net_follows computed as new_follows − unfollows.",
                         "净增关注人数按 新关注人数 − 取消关注人数 计算。")
            elif "net_follows" in cols:
                diff = (frame["net_follows"] != frame["new_follows"] - frame["unfollows"]).fillna(
                    False).to_numpy(bool)
                if diff.any():
                    rows = [int(r) for r in self.raw.rownums[diff][:5]]
                    rep.note(f"net_follows differs from new − unfollows in {int(diff.sum())} rows "
                             f"(rows {', '.join(map(str, rows))}); kept as exported.",
                             f"{int(diff.sum())} 行的净增关注人数与 新关注 − 取消关注 不一致"
                             f"（第 {'、'.join(map(str, rows))} 行），按导出值保留。")
        if kind == "activities" and "cost_total" not in cols:
            items = [c.name for c in self.sch.columns
                     if c.name.startswith("cost_") and c.name != "cost_total" and c.name in cols]
            frame["cost_total"] = frame[items].sum(axis=1, min_count=1)
            rep.note(f"cost_total computed as the sum of {', '.join(items)}.",
                     f"总成本按 {'、'.join(self.sch[c].zh for c in items)} 之和计算。")
            if frame["cost_total"].isna().any():
                frame = self._drop_blank_required(frame)
        if kind == "articles":
            if "open_rate" not in cols and {"push_reads", "delivered"} <= set(cols):
                pr = frame["push_reads"].to_numpy(dtype="float64", na_value=np.nan)
                dl = frame["delivered"].to_numpy(dtype="float64", na_value=np.nan)
                with np.errstate(divide="ignore", invalid="ignore"):
                    frame["open_rate"] = np.where(dl > 0, pr / dl, np.nan)
                rep.note("open_rate computed as push_reads ÷ delivered.",
                         "送达阅读率按 公众号消息阅读次数 ÷ 送达人数 计算。")
            if "article_id" not in cols:
                frame["article_id"] = _ids("A", n)
                rep.note(f"article_id generated (A000001…) for {n} rows.",
                         f"已为 {n} 行生成文章ID（A000001…）。")
        if kind == "followers" and "follower_id" not in cols:
            frame["follower_id"] = _ids("F", n)
            rep.note(f"follower_id generated (F000001…) for {n} rows.",
                     f"已为 {n} 行生成用户ID（F000001…）。")
        if "platform" in self.sch.names and "platform" not in cols and self.raw.wechat:
            frame["platform"] = pd.Categorical(["wechat"] * n, categories=list(schemas.PLATFORMS))
            rep.note("No platform column: set to WeChat (a WeChat backend export).",
                     "文件没有平台列：按微信后台导出设为“微信”。")
        if kind == "articles" and "account_type" not in cols and self.raw.wechat:
            frame["account_type"] = pd.Categorical(["subscription"] * n,
                                                   categories=list(schemas.ACCOUNT_TYPES))
            rep.note("No account type column: set to subscription account (WeChat 订阅号 export).",
                     "文件没有账号类型列：按订阅号导出设为“订阅号”。")
        if kind == "distributions" and "users" in cols and (
                "share" not in cols or frame["share"].isna().any()):
            g = frame.assign(_t=frame["title"].fillna("") if "title" in cols else "")
            tot = g.groupby(["_t", "dimension"], observed=True, dropna=False)["users"].transform("sum")
            u = frame["users"].to_numpy(dtype="float64", na_value=np.nan)
            t = tot.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                computed = np.where(t > 0, u / t, np.nan)
            old = frame["share"].to_numpy(dtype="float64") if "share" in cols else computed
            frame["share"] = np.where(np.isnan(old), computed, old)
            rep.note("share computed as users ÷ all users of the dimension where it was blank.",
                     "占比为空处按 人数 ÷ 该维度总人数 计算。")
        return frame

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


def _ids(prefix: str, n: int) -> pd.Series:
    return pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(6).radd(prefix).astype("string")


def _coerce(s: pd.Series, col: Column) -> pd.Series:
    """Make sure a finished column has the schema dtype."""
    want = {"int": "Int64", "float": "float64", "string": "string", "multi": "string"}.get(col.dtype)
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
