"""CSV and other delimited text: the separator, the widest row (measured before pandas lays
rows out), one ``pandas.read_csv`` of the mapped columns, and the errors of broken text (a quote
never closed, a row with more values than the header)."""

from __future__ import annotations

import contextlib
import csv
import io as _io
import re
import warnings
from typing import Any, Iterator

import numpy as np
import pandas as pd

from .. import schemas
from ..schemas import Schema
from . import limits
from .decode import _decode_sample, _decoded, _encoding_error, _relined
from .headers import (
    _HEADER_SCAN_ROWS, _Mapped, _Raw, _choose_kind, _col_letter, _find_header, _map_headers,
    _missing_required, _note_columns, _schema_col,
)
from .limits import _SAMPLE_BYTES, _too_many_cells, _too_many_rows, _too_wide
from .report import DataError
from .sections import _is_section_grid
from .sniff import _SAVE_AS_FIX
from .sources import _Source
from .values import _READ_CSV_NA



def _split_rows(text: str, sep: str, limit: int | None = None, *,
                budget: _Source | None = None) -> list[list[str]]:
    """The first ``limit`` rows of ``text`` (all when ``None``), split into fields.

    Without ``budget`` (header sniffing) a row is cut at :data:`~.limits.MAX_COLUMNS` + 1 fields;
    with it (a whole grid) a row wider than that, or a grid over :data:`~.limits.MAX_SHEET_CELLS`,
    is refused."""
    rows, cells = [], 0
    reader = csv.reader(_io.StringIO(text), delimiter=sep)
    try:
        for row in reader:
            if len(row) > limits.MAX_COLUMNS:
                if budget is not None:
                    raise _too_wide(budget.name, reader.line_num, len(row))
                row = row[:limits.MAX_COLUMNS + 1]
            cells += len(row)
            if budget is not None and cells > limits.MAX_SHEET_CELLS:
                raise _too_many_cells(budget.name, ("table", "表格"))
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


@contextlib.contextmanager
def _csv_fields_up_to(n: int) -> Iterator[None]:
    """Let :mod:`csv` read values of up to ``n`` characters (its default stops at 128 KB)."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, n))
    try:
        yield
    finally:
        csv.field_size_limit(before)


#: The first data row must lie within this many bytes of the file's start (see _sample_width).
_MAX_FIRST_ROW_BYTES = 8 * 1024 * 1024


def _sample_width(src: _Source, enc: str, sep: str, skip: int) -> int:
    """The widest row of the file's first :data:`_SAMPLE_BYTES` after its first ``skip`` rows;
    a row over :data:`limits.MAX_COLUMNS` fields is refused (at the line number the user sees).

    The sample's cut last row counts too (its fields so far), and the sample grows until it
    holds the first data row whole: pandas takes the number of fields from that row and, when
    it is wider than the names it is given, lays out every field before dropping the extra ones
    without a word (one data row of a million commas took minutes and gigabytes)."""
    size = _SAMPLE_BYTES
    while True:
        sample = src.head(size)
        complete = len(sample) >= src.size()
        text = _decode_sample(sample, enc, True)
        width, rows = 0, 0
        reader = csv.reader(_io.StringIO(text), delimiter=sep)
        try:
            with _csv_fields_up_to(len(text)):  # a quoted value may fill the sample
                for i, row in enumerate(reader):
                    if i >= skip:
                        if len(row) > limits.MAX_COLUMNS:  # the sample may end inside this row
                            raise _too_wide(src.name, reader.line_num, len(row),
                                            at_least=not complete)
                        width, rows = max(width, len(row)), rows + 1
        except csv.Error:
            pass
        if complete or rows > 1:  # the last row may be cut, the one before it is whole
            return width
        if size >= _MAX_FIRST_ROW_BYTES:
            limit = _MAX_FIRST_ROW_BYTES // 2**20
            raise DataError(
                f"the first data row is longer than {limit} MB, the most the workbench reads "
                "in one row.", f"第一行数据超过 {limit} MB，这是工作台读取一行的上限。",
                fix="check that the file is a table with one record a line; save it again "
                    "from Excel or WPS as 'CSV UTF-8'.",
                fix_zh="请确认文件是每行一条记录的表格，并用 Excel 或 WPS 重新另存为“CSV UTF-8”。",
                file=src.name, row=skip + 1)
        size *= 4


def _sniff_sep(text: str, kinds: tuple[str, ...]) -> tuple[str, list[list[str]]]:
    best = None
    head = "\n".join(text.splitlines()[:_HEADER_SCAN_ROWS])
    for sep in [c for c in (",", "\t", ";", "|") if c in head] or [","]:
        rows = _split_rows(text, sep, _HEADER_SCAN_ROWS)
        idx, scores, header = _find_header(rows, kinds)
        top = max(scores.values()) if scores else 0.0
        width = len(header)
        key = (top, width > 1, width)
        if best is None or key > best[0]:
            best = (key, sep, rows)
    assert best is not None
    if best[0][0] == 0:
        try:
            sep = csv.Sniffer().sniff(text[:20000], delimiters=",\t;|").delimiter
            return sep, _split_rows(text, sep, _HEADER_SCAN_ROWS)
        except csv.Error:
            pass
    return best[1], best[2]


def _read_csv(src: _Source, kind: str | None) -> tuple[list[list[Any]] | None, _Raw | None]:
    """A CSV file: either the whole grid (multi-section sheets) or the mapped raw table."""
    kinds = (kind,) if kind else schemas.KINDS
    src, enc, enc_notes = _decoded(src)
    sample = src.head(_SAMPLE_BYTES)
    complete = len(sample) >= src.size()
    text = _decode_sample(sample, enc, complete)
    if not text.strip():
        raise DataError("the file has no content (only blank space).", "文件没有内容（只有空白）。",
                        fix="export the data again and check that the chosen date range has data.",
                        fix_zh="请重新导出数据，并确认所选日期范围内有数据。", file=src.name)
    sep, rows = _sniff_sep(text, kinds)
    if kind in (None, "distributions") and _is_section_grid(rows):
        return _whole_grid(src, enc, sep), None
    header_idx, scores, header = _find_header(rows, kinds)
    if len(header) > limits.MAX_COLUMNS:
        raise _too_wide(src.name, header_idx + 1, len(header))
    chosen = kind or _choose_kind(scores, header, src)
    mapped = _map_headers(chosen, header, header_idx + 1, src)
    _missing_required(mapped, header, src, header_idx + 1)
    # every row is read to the widest one seen, so short rows and trailing empty fields are fine;
    # fields beyond the header must be empty (else a separator inside a value was not quoted):
    # _check_extra_fields reads them apart, a slice of rows at a time
    width = max(len(header), _sample_width(src, enc, sep, header_idx + 1))
    dtype = _column_dtypes(mapped, schemas.schema(chosen))
    usecols = [_field(p) for p in sorted(mapped.positions.values()) or [0]]
    table = None
    for _attempt in range(4):
        names = [_field(p) for p in range(width)]
        # reading every column is faster than selecting them all (1.8 → 1.4 × read_csv)
        selected = None if usecols == names else usecols
        kwargs = dict(sep=sep, header=None, skiprows=header_idx + 1, names=names,
                      usecols=selected, dtype=dtype, na_values=_READ_CSV_NA,
                      keep_default_na=True, skip_blank_lines=False, index_col=False,
                      nrows=limits.MAX_ROWS + 1)
        try:
            try:
                table = _pandas_read_csv(src.handle(), encoding=enc, **kwargs)
            except UnicodeDecodeError:
                if enc not in ("utf-8", "utf-8-sig"):
                    raise
                src, enc, enc_notes = _relined(src)  # a UTF-8 file with GBK lines further down
                table = _pandas_read_csv(src.handle(), encoding=enc, **kwargs)
        except UnicodeDecodeError as exc:
            raise _encoding_error(src, getattr(exc, "start", None)) from None
        except pd.errors.EmptyDataError:
            table = pd.DataFrame({p: pd.Series([], dtype=object) for p in usecols})
        except pd.errors.ParserError as exc:
            wider = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(exc))
            if wider and int(wider.group(2)) > limits.MAX_COLUMNS:
                raise _too_wide(src.name, int(wider.group(1)), int(wider.group(2))) from None
            if wider and int(wider.group(2)) > width:  # a wider row further down: read again
                width = int(wider.group(2))
                continue
            raise _parser_error(src, enc, sep, str(exc)) from None
        except ValueError as exc:
            raise DataError(f"the table could not be read ({exc}).", f"无法读取表格（{exc}）。",
                            fix=_SAVE_AS_FIX[0], fix_zh=_SAVE_AS_FIX[1], file=src.name) from None
        break
    if table is None:
        raise _parser_error(src, enc, sep, "")
    if len(table) > limits.MAX_ROWS:
        raise _too_many_rows(src.name)
    first_data_row = header_idx + 2
    if width > len(header):
        _check_extra_fields(src, dict(kwargs, encoding=enc), len(header), width, first_data_row)
    n = len(table)
    cols = {}
    for canon, pos in mapped.positions.items():
        name = _field(pos)
        missing = name not in table.columns
        cols[canon] = pd.Series([None] * n, dtype=object) if missing else table[name]
    raw = _Raw(chosen, kind is None, cols, np.arange(n) + first_data_row, mapped.headers,
               {c: _col_letter(p) for c, p in mapped.positions.items()}, mapped.wechat,
               header_idx + 1, list(mapped.notes), na_done=True)
    _note_columns(raw, mapped, scores if kind is None else None, sep)
    raw.notes.extend(enc_notes)
    return None, raw


def _whole_grid(src: _Source, enc: str, sep: str) -> list[list[str]]:
    """Every row of a multi-section sheet (单篇详情), split into fields, within the budget."""
    try:
        full = src.all_bytes().decode(enc)
    except UnicodeDecodeError:
        src, enc, _notes = _relined(src)
        full = src.all_bytes().decode(enc)
    return _split_rows(full, sep, budget=src)


def _column_dtypes(mapped: _Mapped, sch: Schema) -> dict[str, str]:
    """What ``read_csv`` reads each mapped field as: ids and lists as text (``000123`` stays as
    written), levels as categories (parsed once per distinct value), the rest as pandas sees
    them. Fields are named, not numbered: pandas takes integer keys of ``dtype`` for positions
    among the columns it keeps (a header-only file then failed with an IndexError)."""
    dtype: dict[str, str] = {}
    for canon, pos in mapped.positions.items():
        col = _schema_col(sch, canon)
        if col is None or canon.endswith("_id") or col.dtype == "multi":
            dtype[_field(pos)] = "str"
        elif col.dtype == "category":
            dtype[_field(pos)] = "category"
    return dtype


def _field(pos: int) -> str:
    """The name pandas gives the CSV field at 0-based position ``pos``."""
    return f"f{pos}"


#: Cells of the fields beyond the header read at a time by :func:`_check_extra_fields`.
_EXTRA_CELLS_AT_ONCE = 1_000_000


def _check_extra_fields(src: _Source, kwargs: dict[str, Any], header_width: int, width: int,
                        first_data_row: int) -> None:
    """A value beyond the last header column: a separator inside a value was not quoted.

    Only the fields beyond the header are read, a slice of rows at a time (``kwargs`` are the
    main read's), so a file with one very wide row costs no more memory than a narrow one."""
    extras = [_field(p) for p in range(header_width, width)]
    chunk = max(1_000, _EXTRA_CELLS_AT_ONCE // len(extras))
    kwargs = dict(kwargs, usecols=extras, dtype="str", chunksize=chunk, nrows=limits.MAX_ROWS)
    done = 0
    with _pandas_read_csv(src.handle(), **kwargs) as reader:
        for part in reader:
            filled = part.notna().to_numpy()
            rows = np.flatnonzero(filled.any(axis=1))
            if rows.size:
                i = int(rows[0])
                fields = header_width + int(np.flatnonzero(filled[i])[-1]) + 1
                raise _more_fields_error(src, first_data_row + done + i, fields, header_width)
            done += len(part)


def _more_fields_error(src: _Source, row: int | None, fields: int | None,
                       header_width: int | None) -> DataError:
    n_en = f" ({fields} fields, the header has {header_width})" if fields and header_width else ""
    n_zh = f"（{fields} 个字段，表头只有 {header_width} 个）" if fields and header_width else ""
    return DataError(
        f"this row has more fields than the header{n_en}; a separator inside a value was "
        "probably not quoted.",
        f"这一行的字段比表头多{n_zh}；可能是某个值里含有未加引号的分隔符。",
        fix="check that row (e.g. a comma inside a title) and save the file again from Excel "
            "or WPS, which quotes such values.",
        fix_zh="请检查这一行（例如标题里的逗号），再用 Excel 或 WPS 重新保存，"
               "软件会自动给这类值加引号。",
        file=src.name, row=row)


def _parser_error(src: _Source, enc: str, sep: str, message: str) -> DataError:
    if "EOF inside string" in message:
        line = _unclosed_quote_line(src, enc, sep)
        return DataError(
            "a value starts with a double quote (\") that is never closed, so the rest of the "
            "file reads as one value.",
            "某个值以英文双引号（\"）开头，但引号没有闭合，导致文件余下部分都被当成一个值。",
            fix="close the quote in that row or remove it (write a quote inside a value as \"\"), "
                "or save the file again from Excel or WPS.",
            fix_zh="请在这一行补上或删除这个引号（值中的引号要写成 \"\"），"
                   "或用 Excel 或 WPS 重新保存文件。",
            file=src.name, row=line)
    m = re.search(r"line (\d+), saw (\d+)", message)
    return _more_fields_error(src, int(m.group(1)) if m else None,
                              int(m.group(2)) if m else None, None)


def _unclosed_quote_line(src: _Source, enc: str, sep: str) -> int | None:
    """The line where the quoted value that runs to the end of the file starts."""
    text = src.all_bytes().decode(enc, errors="replace")
    reader = csv.reader(_io.StringIO(text), delimiter=sep)
    prev, start = 0, None
    try:
        for _row in reader:
            start, prev = prev + 1, reader.line_num
    except csv.Error:
        return prev + 1
    return start


def _pandas_read_csv(handle: Any, **kwargs: Any) -> pd.DataFrame:
    # columns of mixed chunks (numbers and text) come back as object: the parsers handle that
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        return pd.read_csv(handle, **kwargs)
