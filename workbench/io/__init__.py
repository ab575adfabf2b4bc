"""Read planners' files into canonical frames.

One entry point, :func:`load` (or :func:`read` for the frame *and* its report), takes whatever the
team has: our own CSV/XLSX with canonical English headers, a WeChat backend export with Chinese
headers (用户增长, 内容分析→数据趋势, 已通知内容, the multi-section 单篇详情 sheet), datacube API
dumps, a GB18030 CSV, an ``.xlsx`` with a title row above the header, counts written ``10万+`` or
``1,234``, rates ``3.2%``. It returns the columns of :mod:`workbench.schemas` in schema order with
their canonical dtypes, and a :class:`LoadReport` saying, in English and Chinese, what it did.

What it takes besides: UTF-8 with or without BOM, GB18030/GBK, UTF-16 (with or without BOM), a
file whose lines mix UTF-8 and GBK (each line read in its own encoding, and the report names the
lines); a web-page table saved as ``.xls`` (read with the standard library's HTML parser); a
header over two rows where the export merged cells (``阅读`` over ``人数 | 次数``); the data on a
later sheet; short rows and trailing empty fields. What it refuses, saying why and what to do:
damaged or cut-off workbooks, password-protected (encrypted) ones, Excel 97-2003 ``.xls``,
images, PDFs and archives whatever their name, a quote that is never closed, a row with more
values than the header, a file of another kind than the one chosen (the message names the kind
it looks like), and a file past the budget a page's kernel can hold (:data:`MAX_ROWS`,
:data:`MAX_COLUMNS`, :data:`MAX_SHEET_CELLS`, :data:`MAX_UNPACKED_BYTES`,
:data:`MAX_SHARED_STRINGS_BYTES`), refused before the memory is taken.

Header aliases and level names are data: ``workbench/aliases/<kind>.csv`` (``alias,canonical,
source``; an empty ``canonical`` marks a known export column that is not kept; ``source`` is
``wechat``/``datacube`` for headers that only WeChat's exports use) and
``workbench/aliases/levels.csv`` (``column,alias,code``; an empty ``code`` means "no level": e.g.
the 全部 channel row is the all-channel total).

Bad input raises :class:`DataError` (a ``ValueError``) naming the file, row, column, what was
expected and what to do, in both languages. Policy for unreadable values (text in a number
column, an unknown level, an unreadable date):

* any unreadable value in a **required** column is an error;
* in an optional column, up to :data:`BAD_VALUE_SHARE` (10 %) of the non-blank values may be
  unreadable: they become ``<NA>`` and the report lists the rows; more than that is an error;
* negative counts (below the schema's ``min_value``) are always an error;
* a row with a blank **required** value is dropped and counted in the report; blank lines and
  summary rows (合计/总计/平均, in the first text or date column) are skipped and counted;
* values that cannot be right but may be as exported (dates after today, a count larger than the
  count it is part of — :attr:`workbench.schemas.Schema.at_most` — a rate above 100 %) are kept,
  and the report names the rows.

Row numbers in messages are what the user sees in Excel or a text editor: 1-based, counting the
title and header rows.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as _dt
import difflib
import gzip
import io as _io
import os
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import InputError
from ..schemas import Column, Schema

__all__ = [
    "BAD_VALUE_SHARE", "DataError", "LoadReport", "Loaded", "MAX_COLUMNS", "MAX_ROWS",
    "MAX_SHARED_STRINGS_BYTES", "MAX_SHEET_CELLS", "MAX_UNPACKED_BYTES", "MAX_UPLOAD_BYTES",
    "load", "read", "sample",
]

#: The stated upload limit. ``load()`` of bytes or a file object larger than this raises
#: :class:`DataError`. Paths on the local disk are not limited (they are the team's own files).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# What one file may hold once read, so that reading it fits in a page's kernel (README, "Your
# own data"). A file over any of these is refused at once, before the memory is taken, with a
# DataError that names the limit. Measured: a zip of 2,000,000 followers (220 MB of CSV) loads
# with a peak of 0.9 GB resident, 1.05 GB of address space.
#: Largest table a ``.zip`` or ``.gz`` upload may unpack to, and largest sum of the parts of an
#: ``.xlsx`` (a CSV of 1,000,000 followers is about 115 MB, 25 MB zipped).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: Most data rows one file may hold.
MAX_ROWS = 2_000_000
#: Most columns (fields of a row) a table may have.
MAX_COLUMNS = 1_000
#: Most cells (the rows times the width of each row) of a workbook sheet or a web-page table:
#: their cells are Python objects until the columns are built, about ten times a CSV's cost, and
#: openpyxl parses some 50,000 cells a second.
MAX_SHEET_CELLS = 5_000_000
#: Largest text table (``xl/sharedStrings.xml``) of an ``.xlsx``: openpyxl reads it whole.
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
#: What a ``.zip`` may hold besides its one table: folders and the files macOS and Windows add.
_ZIP_LITTER = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)|/$")
#: Tables a ``.zip`` may hold (an ``.xls`` is taken out to be refused with its own message);
#: a ``.txt`` counts when there is no other.
_PACKED_TABLES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls")

#: Largest share of non-blank values of an optional column that may be unreadable and become NA.
BAD_VALUE_SHARE = 0.10

_ALIAS_DIR = Path(__file__).resolve().parents[1] / "aliases"
_HEADER_SCAN_ROWS = 30
_SAMPLE_BYTES = 256 * 1024
_MAX_COUNT = 9e15  # beyond float precision for whole numbers: not a count anyone exports
_NA_TOKENS = frozenset({
    "", "-", "--", "---", "—", "——", "–", "/", "n/a", "na", "nan", "null", "none", "#n/a",
    "无", "暂无", "空", "#div/0!", "#value!",
})
_SUMMARY_TOKENS = frozenset({"合计", "总计", "汇总", "总和", "平均", "平均值", "total", "sum", "average"})
_READ_CSV_NA = sorted({v for t in _NA_TOKENS if t for v in (t, t.upper(), t.title())})


# --------------------------------------------------------------------------------------------
# Errors and reports
# --------------------------------------------------------------------------------------------
class DataError(InputError):
    """Input the workbench cannot use, explained so a planner can fix it.

    Attributes
    ----------
    en, zh : the full message (where, what, fix) in English and Chinese.
    problem, problem_zh : what is wrong, without the location and the fix.
    file : the file name (or ``None``).
    row : first offending row as seen in Excel/a text editor (1-based), or ``None``;
        ``rows`` lists all the offending rows that were found.
    column : the offending column header as written in the file (or ``None``).
    fix, fix_zh : what to do about it.

    ``str(err)`` is the English message, a newline, then the Chinese one;
    ``err.message("zh")`` gives one language.

    Examples
    --------
    >>> try:
    ...     load(b"", name="empty.csv")
    ... except DataError as err:
    ...     print(err.message("en"))
    File 'empty.csv': the file is empty (0 bytes). Fix: export the data again and check that the chosen date range has data.
    """

    def __init__(self, problem: str, problem_zh: str, *, fix: str = "", fix_zh: str = "",
                 file: str | None = None, row: int | None = None, column: str | None = None,
                 rows: Iterable[int] = (), column_letter: str | None = None,
                 canonical: str | None = None) -> None:
        self.file, self.column, self.canonical = file, column, canonical
        self.rows = [int(r) for r in rows] or ([int(row)] if row is not None else [])
        self.row = int(row) if row is not None else (self.rows[0] if self.rows else None)
        self.column_letter = column_letter
        super().__init__(problem, problem_zh, fix=fix, fix_zh=fix_zh)

    def _compose_en(self) -> str:
        where = []
        if self.file:
            where.append(f"File '{self.file}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            col = f"column {self.column_letter} " if self.column_letter else "column "
            col += f"'{self.column}'"
            if self.canonical and self.canonical != self.column:
                col += f" ({self.canonical})"
            where.append(col)
        head = ", ".join(where)
        text = f"{head}: {self.problem}" if head else self.problem
        return f"{text} Fix: {self.fix}" if self.fix else text

    def _compose_zh(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{self.file}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            col = f"{self.column_letter} 列" if self.column_letter else "列"
            col += f"“{self.column}”"
            if self.canonical and self.canonical != self.column:
                col += f"（{self.canonical}）"
            where.append(col)
        head = "，".join(where)
        text = f"{head}：{self.problem_zh}" if head else self.problem_zh
        return f"{text} 解决办法：{self.fix_zh}" if self.fix_zh else text


@dataclass
class LoadReport:
    """What the loader did with one file.

    Attributes
    ----------
    kind : the data kind the frame follows (a key of :data:`workbench.schemas.SCHEMAS`).
    detected : ``True`` when ``kind`` was detected from the headers rather than given.
    source : the file name (``"upload"`` for unnamed bytes).
    rows_read : data rows found below the header (blank lines included).
    rows_loaded : rows in the returned frame.
    notes : ``(en, zh)`` pairs, e.g. which columns were matched, which rows were dropped.
    columns : canonical name -> header as written in the file, for the columns that were read.
    """

    kind: str
    detected: bool = False
    source: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    def note(self, en: str, zh: str) -> None:
        self.notes.append((en, zh))

    def messages(self, lang: str = "en") -> list[str]:
        """The notes in one language (``"en"`` or ``"zh"``)."""
        i = 1 if str(lang).lower().startswith("zh") else 0
        return [pair[i] for pair in self.notes]


@dataclass
class Loaded:
    """A canonical frame and the report of how it was read."""

    frame: pd.DataFrame
    report: LoadReport


# --------------------------------------------------------------------------------------------
# Alias and level tables (data)
# --------------------------------------------------------------------------------------------
def _norm_header(text: Any) -> str:
    """Header key: NFKC (full-width → half-width), lower case, no spaces/underscores/dashes."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return _norm_header_text(str(text))


#: Characters that are invisible in a header cell: byte-order marks (a file saved twice with a
#: BOM starts with two) and zero-width spaces and joiners.
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")


def _clean_cell(value: Any) -> Any:
    """A header cell as the user sees it: without invisible characters."""
    return _INVISIBLE.sub("", value).strip() if isinstance(value, str) else value


@lru_cache(maxsize=65536)
def _norm_header_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).strip().lower()
    s = s.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    s = re.sub(r"[\s_\-·.*:：]+", "", s)
    return s


def _strip_unit(key: str) -> str:
    """``阅读后关注(人)`` → ``阅读后关注``: drop a trailing bracketed unit."""
    return re.sub(r"\([^()]*\)$", "", key)


def _norm_value(text: Any) -> str:
    """Level key: NFKC, lower case, no inner spaces, dashes/tildes unified to ``-``."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[~～–—至到]", "-", s)
    return s


@dataclass(frozen=True)
class _Alias:
    canonical: str  # "" = known export column, not kept
    source: str  # "wechat" / "datacube" / ""
    priority: int


@lru_cache(maxsize=None)
def _aliases(kind: str) -> dict[str, _Alias]:
    sch = schemas.schema(kind)
    table: dict[str, _Alias] = {}
    path = _ALIAS_DIR / f"{kind}.csv"
    rows = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows):
        key = _norm_header(row["alias"])
        if key and key not in table:
            table[key] = _Alias((row.get("canonical") or "").strip(),
                                (row.get("source") or "").strip(), i)
    # the schema's own English and Chinese names are always aliases
    n = len(rows)
    for j, col in enumerate(sch.columns):
        for text in (col.name, col.zh):
            key = _norm_header(text)
            if key and key not in table:
                table[key] = _Alias(col.name, "", n + j)
    return table


def _lookup_header(kind: str, header: Any) -> _Alias | None:
    if header is None or (isinstance(header, str) and not header.strip()):
        return None
    table = _aliases(kind)
    key = _norm_header(header)
    if not key:
        return None
    hit = table.get(key)
    if hit is None:
        bare = _strip_unit(key)
        if bare != key:
            hit = table.get(bare)
    return hit


@lru_cache(maxsize=None)
def _levels() -> dict[str, dict[str, str]]:
    """column -> {normalised alias: code}; codes themselves are added by :func:`_level_table`."""
    out: dict[str, dict[str, str]] = {}
    with (_ALIAS_DIR / "levels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["column"].strip(), {})[_norm_value(row["alias"])] = (
                row.get("code") or "").strip()
    return out


@lru_cache(maxsize=None)
def _level_table(column: str, levels: tuple[str, ...]) -> dict[str, str]:
    table = dict(_levels().get(column, {}))
    for code in levels:
        table.setdefault(_norm_value(code), code)
        table.setdefault(_norm_value(code.replace("_", " ")), code)
    return table


# --------------------------------------------------------------------------------------------
# Sources: path, bytes, file objects
# --------------------------------------------------------------------------------------------
@dataclass
class _Source:
    name: str
    path: Path | None = None
    data: bytes | None = None

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()

    def head(self, n: int) -> bytes:
        if self.data is not None:
            return self.data[:n]
        with open(self.path, "rb") as fh:  # type: ignore[arg-type]
            return fh.read(n)

    def size(self) -> int:
        return len(self.data) if self.data is not None else os.path.getsize(self.path)

    def handle(self) -> Any:
        """Something pandas/openpyxl can read."""
        return _io.BytesIO(self.data) if self.data is not None else str(self.path)

    def all_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        return Path(self.path).read_bytes()  # type: ignore[arg-type]


def _too_large(name: str, size: int | None) -> DataError:
    limit = MAX_UPLOAD_BYTES // (1024 * 1024)
    if size is None:
        en, zh = "the file is", "文件大小"
    else:
        en, zh = f"the file is {size / 1024 / 1024:.1f} MB,", f"文件大小为 {size / 1024 / 1024:.1f} MB，"
    return DataError(
        f"{en} over the upload limit of {limit} MB.",
        f"{zh}超过了 {limit} MB 的上传上限。",
        fix="zip it (a .zip or .gz holding one .csv or .xlsx file is read as that file, and "
            "only its compressed size counts), or export a shorter date range or split the "
            "file, and remove sheets and columns you do not need.",
        fix_zh="请把文件压缩（内含一个 .csv 或 .xlsx 文件的 .zip 或 .gz 会按该文件读取，只计压缩后的"
               "大小），或缩短导出的日期范围、拆分文件，并删除不需要的工作表和列。",
        file=name)


def _too_large_unpacked(name: str, what: tuple[str, str] = ("compressed file", "压缩文件")
                        ) -> DataError:
    limit = MAX_UNPACKED_BYTES // (1024 * 1024)
    return DataError(
        f"the {what[0]} unpacks to more than {limit} MB, the most the workbench reads from one "
        "file.",
        f"该{what[1]}解压后超过 {limit} MB，这是工作台从一个文件读取的上限。",
        fix="export a shorter date range or split the file, and remove columns you do not need.",
        fix_zh="请缩短导出的日期范围或拆分文件，并删除不需要的列。", file=name)


def _too_many_rows(src: _Source) -> DataError:
    return DataError(
        f"the table has more than {MAX_ROWS:,} rows, the most the workbench reads from one file.",
        f"表格超过 {MAX_ROWS:,} 行，这是工作台从一个文件读取的上限。",
        fix="export a shorter date range, or split the file and load the parts one at a time.",
        fix_zh="请缩短导出的日期范围，或拆分文件后分别导入。", file=src.name)


def _too_wide(src: _Source, row: int | None, fields: int, *, column: str = "",
              at_least: bool = False) -> DataError:
    """A row past :data:`MAX_COLUMNS`: ``fields`` of it (``at_least``: counted in a sample that
    ends inside the row), or its last value in spreadsheet ``column`` (e.g. ``"XFD"``)."""
    if column:
        what = f"this row has a value in column {column} (the {fields:,}th)"
        what_zh = f"这一行在 {column} 列（第 {fields:,} 列）有值"
    else:
        what = f"this row has {'at least ' if at_least else ''}{fields:,} fields"
        what_zh = f"这一行有{'至少 ' if at_least else ' '}{fields:,} 个字段"
    return DataError(
        f"{what}; the workbench reads at most {MAX_COLUMNS:,} columns.",
        f"{what_zh}；工作台最多读取 {MAX_COLUMNS:,} 列。",
        fix="delete the columns you do not need (and the empty columns or separators at the end "
            "of that row) in Excel or WPS, save, and load the file again.",
        fix_zh="请在 Excel 或 WPS 中删除不需要的列（以及这一行末尾的空列或多余的分隔符），保存后重新导入。",
        file=src.name, row=row)


def _too_many_cells(src: _Source, what: tuple[str, str]) -> DataError:
    return DataError(
        f"the {what[0]} holds more than {MAX_SHEET_CELLS:,} cells (rows × columns), the most the "
        f"workbench reads from one {what[0]}.",
        f"该{what[1]}超过 {MAX_SHEET_CELLS:,} 个单元格（行数 × 列数），这是工作台从一个{what[1]}读取的上限。",
        fix=f"save it as 'CSV UTF-8' (a CSV may hold up to {MAX_ROWS:,} rows), or export a "
            "shorter date range, and delete the columns you do not need.",
        fix_zh=f"请另存为“CSV UTF-8”格式（CSV 最多可含 {MAX_ROWS:,} 行），或缩短导出的日期范围，并删除不需要的列。",
        file=src.name)


def _read_limited(stream: Any, name: str) -> bytes:
    """All of ``stream`` (a file object that decompresses), refused past
    :data:`MAX_UNPACKED_BYTES` without reading further (a small archive can unpack to far more
    than its stated size)."""
    chunks, total = [], 0
    while chunk := stream.read(1 << 20):
        total += len(chunk)
        if total > MAX_UNPACKED_BYTES:
            raise _too_large_unpacked(name)
        chunks.append(chunk)
    return b"".join(chunks)


def _unpack(src: _Source) -> _Source:
    """The table inside a ``.gz``, or inside a ``.zip`` that holds one table file; any other
    source as it is (an .xlsx is a zip too, and stays one)."""
    head = src.head(4)
    if head.startswith(b"\x1f\x8b"):
        inner = src.name[:-3] if src.name.lower().endswith(".gz") else src.name
        try:
            with gzip.GzipFile(fileobj=_io.BytesIO(src.all_bytes())) as gz:
                data = _read_limited(gz, src.name)
        except (OSError, EOFError, zlib.error):
            raise DataError("the .gz file is damaged or incomplete, so it cannot be unpacked.",
                            ".gz 压缩文件已损坏或不完整，无法解压。",
                            fix="compress the file again (or upload the .csv itself).",
                            fix_zh="请重新压缩文件（或直接上传 .csv 文件）。", file=src.name) from None
        return _Source(inner, data=data)
    if not head.startswith(b"PK\x03\x04"):
        return src
    try:
        zf = zipfile.ZipFile(src.handle())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return src  # _sniff_zip says what is wrong with it
    with zf:
        members = [m for m in zf.infolist() if not _ZIP_LITTER.search(m.filename)]
        names = {m.filename for m in zf.infolist()}
        if "xl/workbook.xml" in names or any(n.startswith(_XLSX_MEMBERS) for n in names):
            return src  # a workbook
        tables = ([m for m in members if Path(m.filename).suffix.lower() in _PACKED_TABLES]
                  or [m for m in members if Path(m.filename).suffix.lower() == ".txt"])
        if len(tables) > 1:
            shown = ", ".join(Path(m.filename).name for m in tables[:6])
            more = "" if len(tables) <= 6 else f" … ({len(tables)})"
            raise DataError(
                f"the zip archive holds several tables ({shown}{more}); the workbench reads "
                "one table at a time.", f"压缩包里有多个表格（{shown}{more}）；工作台一次读取一个表格。",
                fix="upload a zip that holds only the one .csv or .xlsx file you want to use, "
                    "or the file itself.",
                fix_zh="请上传只含一个 .csv 或 .xlsx 文件的压缩包，或直接上传该文件。", file=src.name)
        if not tables:
            return src  # _sniff_zip says what it is
        member = tables[0]
        if member.flag_bits & 0x1:
            raise DataError("the zip archive is protected with a password, so it cannot be read.",
                            "压缩包设置了密码，无法读取。",
                            fix="zip the file again without a password, or upload the file itself.",
                            fix_zh="请不加密码重新压缩，或直接上传该文件。", file=src.name)
        if member.file_size > MAX_UNPACKED_BYTES:
            raise _too_large_unpacked(src.name)
        try:
            with zf.open(member) as fh:
                data = _read_limited(fh, src.name)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
            raise DataError("the zip archive is damaged or uses a compression the workbench "
                            "cannot unpack.", "压缩包已损坏，或使用了工作台无法解压的压缩方式。",
                            fix="zip the file again with your system's own zip (Deflate), or "
                                "upload the file itself.",
                            fix_zh="请用系统自带的压缩功能（Deflate）重新压缩，或直接上传该文件。",
                            file=src.name) from None
    return _Source(Path(member.filename).name, data=data)


def _open_source(src: Any, name: str | None) -> _Source:
    if isinstance(src, dict) and "content" in src:  # an ipywidgets FileUpload value entry
        name = name or src.get("name")
        src = src["content"]
    if isinstance(src, (str, os.PathLike)):
        path = Path(src)
        label = name or path.name
        if not path.exists():
            raise DataError(f"the file '{path}' does not exist.", f"文件“{path}”不存在。",
                            fix="check the path and the file name.",
                            fix_zh="请检查路径和文件名。", file=label)
        if path.is_dir():
            raise DataError(f"'{path}' is a folder, not a file.", f"“{path}”是文件夹，不是文件。",
                            fix="choose a .csv or .xlsx file.", fix_zh="请选择 .csv 或 .xlsx 文件。",
                            file=label)
        return _Source(label, path=path)
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        label = name or "upload"
        if len(data) > MAX_UPLOAD_BYTES:
            raise _too_large(label, len(data))
        return _Source(label, data=data)
    if hasattr(src, "read"):
        label = name or Path(str(getattr(src, "name", "") or "upload")).name
        data = src.read(MAX_UPLOAD_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > MAX_UPLOAD_BYTES:
            raise _too_large(label, None)  # not read to the end: it may be huge
        return _Source(label, data=bytes(data))
    raise DataError(f"cannot read an object of type {type(src).__name__}.",
                    f"无法读取类型为 {type(src).__name__} 的对象。",
                    fix="pass a file path, the file's bytes or an open binary file.",
                    fix_zh="请传入文件路径、文件内容（bytes）或以二进制方式打开的文件。")


_SAVE_AS_FIX = ("open it in Excel or WPS and save it as .xlsx or 'CSV UTF-8', then load that file.",
                "请用 Excel 或 WPS 打开，另存为 .xlsx 或“CSV UTF-8”格式后再导入。")
_BINARY_SUFFIXES = {
    ".pdf", ".doc", ".docx", ".ppt", ".pptx", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip",
    ".rar", ".7z", ".numbers", ".et", ".ods", ".json", ".xlsb", ".mp4",
}
#: Leading bytes of file types people pick by mistake → (English, Chinese) name.
_MAGIC = (
    (b"%PDF", ("a PDF document", "PDF 文档")),
    (b"\x89PNG\r\n\x1a\n", ("a PNG image", "PNG 图片")),
    (b"\xff\xd8\xff", ("a JPEG image", "JPEG 图片")),
    (b"GIF8", ("a GIF image", "GIF 图片")),
    (b"Rar!\x1a\x07", ("a RAR archive", "RAR 压缩包")),
    (b"7z\xbc\xaf\x27\x1c", ("a 7-Zip archive", "7-Zip 压缩包")),
    (b"RIFF", ("a media file (RIFF: WebP, WAV or AVI)", "媒体文件（RIFF：WebP、WAV 或 AVI）")),
)
#: Stream names inside an OLE2 compound file (Office 97-2003 container) → what the file is.
_OLE_STREAMS = (
    ("EncryptedPackage", "encrypted"),
    ("EncryptionInfo", "encrypted"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("WordDocument", "doc"),
    ("PowerPoint Document", "ppt"),
)
#: The first member of an .xlsx package is one of these.
_XLSX_MEMBERS = ("[Content_Types].xml", "_rels/", "xl/", "docProps/", "customXml/")


def _unsupported(src: _Source, what: str, what_zh: str) -> DataError:
    return DataError(what, what_zh, fix=_SAVE_AS_FIX[0], fix_zh=_SAVE_AS_FIX[1], file=src.name)


def _empty_file(src: _Source) -> DataError:
    return DataError("the file is empty (0 bytes).", "文件是空的（0 字节）。",
                     fix="export the data again and check that the chosen date range has data.",
                     fix_zh="请重新导出数据，并确认所选日期范围内有数据。", file=src.name)


def _sniff_zip(src: _Source, head: bytes) -> str:
    suffix = src.suffix
    try:
        with zipfile.ZipFile(src.handle()) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        names = None
    if names is not None and "xl/workbook.xml" in names:
        return "xlsx"
    first = ""
    if len(head) >= 30:  # the first local file header names the first member
        n = int.from_bytes(head[26:28], "little")
        first = head[30:30 + n].decode("utf-8", "replace")
    if names is None and (first.startswith(_XLSX_MEMBERS) or suffix in (".xlsx", ".xlsm")):
        raise DataError(
            "the Excel workbook is damaged or incomplete (its end is missing, as when a download "
            "or a copy was cut off), so it cannot be opened.",
            "Excel 工作簿已损坏或不完整（文件结尾缺失，例如下载或复制被中断），无法打开。",
            fix="download or export the file again (and wait until the download has finished); "
                "if Excel can still open it, save it again as .xlsx.",
            fix_zh="请重新下载或导出文件（等下载完成后再导入）；如果 Excel 仍能打开，请重新另存为 .xlsx。",
            file=src.name)
    raise _unsupported(src, f"this is a zip archive ({suffix or 'no extension'}), not an Excel "
                       ".xlsx workbook or a CSV file.",
                       f"这是一个压缩包（{suffix or '无扩展名'}），不是 Excel .xlsx 工作簿或 CSV 文件。")


def _sniff_ole(src: _Source) -> None:
    """An OLE2 compound file (Office 97-2003 container): always a :class:`DataError`."""
    data = src.all_bytes()
    what = "office"
    for stream, kind in _OLE_STREAMS:  # directory entries hold the names in UTF-16LE
        if stream.encode("utf-16-le") in data:
            what = kind
            break
    if what == "encrypted":
        raise DataError(
            "the workbook is protected with a password (encrypted), so it cannot be read.",
            "工作簿设置了打开密码（已加密），无法读取。",
            fix="open it in Excel or WPS with the password, remove the password (Excel: File → "
                "Info → Protect Workbook → Encrypt with Password, clear it; WPS: File → Document "
                "Encryption) and save it as .xlsx, then load that file.",
            fix_zh="请用 Excel 或 WPS 输入密码打开，清除密码（Excel：文件 → 信息 → 保护工作簿 → "
                   "用密码进行加密，删除密码；WPS：文件 → 文档加密），另存为 .xlsx 后再导入。",
            file=src.name)
    if what == "xls":
        raise _unsupported(src, "this is an old Excel 97-2003 (.xls) workbook, which the "
                           "workbench cannot read.",
                           "这是旧版 Excel 97-2003（.xls）工作簿，工作台无法读取。")
    names = {"doc": ("a Word 97-2003 (.doc) document", "Word 97-2003（.doc）文档"),
             "ppt": ("a PowerPoint 97-2003 (.ppt) file", "PowerPoint 97-2003（.ppt）文件"),
             "office": ("an old Excel 97-2003 (.xls) or Office binary file",
                        "旧版 Excel 97-2003（.xls）或 Office 二进制文件")}[what]
    raise _unsupported(src, f"this is {names[0]}, which the workbench cannot read.",
                       f"这是{names[1]}，工作台无法读取。")


def _utf32_guess(head: bytes) -> str | None:
    """``"utf-32"`` (with a BOM), ``"utf-32-le"``/``"utf-32-be"`` (without: three NULs in every
    four bytes of ASCII text), else ``None``. Checked before UTF-16: FF FE starts both BOMs."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    sample = head[: len(head) - len(head) % 4][:4096]
    if len(sample) < 8:
        return None
    for enc, zero_at in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
        lanes = [sample[i::4] for i in zero_at]
        if all(lane.count(0) >= 0.95 * len(lane) for lane in lanes):
            try:
                sample.decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    return None


def _utf16_guess(head: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` for UTF-16 text without a BOM (NUL in every other byte)."""
    sample = head[: len(head) - len(head) % 2][:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.3 * len(zeros) and other.count(0) <= 0.02 * len(other):
            try:
                sample.decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    return None


_HTML_START = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|meta|table|title|style|div|"
                         rb"\?xml)", re.I)
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"


def _sniff_format(src: _Source) -> str:
    """``"xlsx"``, ``"html"`` (a web-page table, often named .xls) or ``"csv"``;
    :class:`DataError` for anything else."""
    if src.size() == 0:
        raise _empty_file(src)
    head = src.head(4096)
    suffix = src.suffix
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(src, head)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # D0 CF 11 E0 A1 B1 1A E1: an OLE2 container
        _sniff_ole(src)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            named = f" ('{suffix}')" if suffix else ""
            named_zh = f"（“{suffix}”）" if suffix else ""
            raise _unsupported(src, f"this file{named} is {what[0]}, not a table; the workbench "
                               "reads tables from .csv and .xlsx files.",
                               f"这个文件{named_zh}是{what[1]}，不是表格；工作台只能读取 .csv 和 .xlsx "
                               "文件中的表格。")
    wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
        or _utf32_guess(head) is not None or _utf16_guess(head) is not None
    if b"\x00" in head and not wide:
        named = suffix in (".csv", ".txt", ".tsv", ".xls", ".xlsx")
        raise _unsupported(src, "this is not a text (CSV) file or an .xlsx workbook: it holds "
                           "binary data"
                           + (f", even though it is named '{suffix}'." if named else "."),
                           "这不是文本（CSV）文件，也不是 .xlsx 工作簿：文件内容是二进制数据"
                           + (f"，虽然扩展名是“{suffix}”。" if named else "。"))
    stripped = head.lstrip(codecs.BOM_UTF8)
    if _HTML_START.match(stripped):
        if _XML_SPREADSHEET in src.head(_SAMPLE_BYTES):
            raise _unsupported(src, "this is an Excel 2003 XML spreadsheet, which the workbench "
                               "cannot read.", "这是 Excel 2003 XML 表格，工作台无法读取。")
        if re.search(rb"<table", src.all_bytes(), re.I):
            return "html"
        if stripped.lstrip().startswith(b"<?xml") and not re.search(rb"<html", head, re.I):
            raise _unsupported(src, "this is an XML data file, not a table.",
                               "这是 XML 数据文件，不是表格。")
        raise _unsupported(src, "this file is a web page (HTML) without a table, even if it is "
                           f"named '{suffix or src.name}' (for example a login or error page "
                           "saved instead of the export).",
                           f"这个文件实际上是不含表格的网页（HTML），虽然文件名为“{suffix or src.name}”"
                           "（例如保存成了登录页或错误页，而不是导出的数据）。")
    if suffix in _BINARY_SUFFIXES:
        raise _unsupported(src, f"'{suffix}' files cannot be read; the workbench reads .csv and "
                           ".xlsx files.", f"无法读取“{suffix}”文件；工作台只能读取 .csv 和 .xlsx 文件。")
    return "csv"


# --------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------
def _row_scores(cells: list[Any], kinds: Iterable[str]) -> dict[str, float]:
    scores = {}
    for kind in kinds:
        sch = schemas.schema(kind)
        required = set(sch.required)
        seen: set[str] = set()
        score = 0.0
        for cell in cells:
            hit = _lookup_header(kind, cell)
            if hit is None:
                continue
            target = hit.canonical or f"_ignored:{_norm_header(cell)}"
            if target in seen:
                continue
            seen.add(target)
            score += 3 if target in required else 1
        if score and required - _derivable(kind, seen) <= seen:
            score += 2  # every required column present: prefer a kind the file fully satisfies
        scores[kind] = score
    return scores


def _derivable(kind: str, present: set[str]) -> set[str]:
    """Required columns that can be computed from the ``present`` ones."""
    if kind == "activities" and any(c.startswith("cost_") for c in present):
        return {"cost_total"}
    return set()


def _find_header(rows: list[list[Any]], kinds: tuple[str, ...]
                 ) -> tuple[int, dict[str, float], list[Any]]:
    """The header: (row index, score per kind, the header cells).

    A header may span two rows when the export merged cells above it: ``阅读`` merged over
    ``人数 | 次数`` reads as ``阅读人数 | 阅读次数``, and a cell merged down over both rows
    (``发表时间``) keeps its text. The data starts below the row at the returned index.
    """
    best_idx, best_scores, best, best_header = -1, {}, 0.0, []
    prev: list[Any] | None = None
    for idx, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        cells = [c for c in row if _norm_header(c)]
        if not cells:
            prev = None
            continue
        candidates = [list(row)]
        if prev is not None:
            combined = _two_row_header(prev, list(row), kinds)
            if combined != list(row):
                candidates.append(combined)
        for header in candidates:
            scores = _row_scores([c for c in header if _norm_header(c)], kinds)
            top = max(scores.values()) if scores else 0.0
            if best_idx < 0 and top == 0:
                best_idx, best_scores, best_header = idx, scores, header  # first non-blank row
            if top > best:
                best_idx, best_scores, best, best_header = idx, scores, top, header
        prev = list(row)
    return best_idx, best_scores, [_clean_cell(c) for c in best_header]


def _two_row_header(parent: list[Any], child: list[Any], kinds: tuple[str, ...]) -> list[Any]:
    """``child`` completed from the row above: merged group cells (``阅读`` over ``人数``/``次数``)
    are prefixed where that gives a known header; blank cells take the text above them."""
    width = max(len(parent), len(child))
    parent = parent + [None] * (width - len(parent))
    child = child + [None] * (width - len(child))
    seen = [_norm_header(c) for c in child]
    out: list[Any] = []
    group = None  # the merged group cell spanning this column (its text is in the first column)
    for p, c, key in zip(parent, child, seen):
        if _norm_header(p):
            group = p
        if not key:
            out.append(p if _norm_header(p) else c)  # a cell merged down over both rows
            continue
        if group is not None:
            joined = f"{str(group).strip()}{str(c).strip()}"
            # the group's name is kept when it makes a known header and the cell alone is not
            # one, or is one that repeats under several groups (人数 under 阅读 and 分享)
            alone = any(_lookup_header(k, c) for k in kinds) and seen.count(key) == 1
            if not alone and any(_lookup_header(k, joined) for k in kinds):
                out.append(joined)
                continue
        out.append(c)
    return out


def _kind_requirements() -> tuple[str, str]:
    en, zh = [], []
    for kind in schemas.KINDS:
        sch = schemas.schema(kind)
        en.append(f"{kind}: " + ", ".join(sch.required))
        zh.append(f"{kind}（{sch.zh}）：" + "、".join(sch[c].zh for c in sch.required))
    return "; ".join(en), "；".join(zh)


def _choose_kind(scores: dict[str, float], headers: list[Any], src: _Source) -> str:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    shown = ", ".join(str(h) for h in headers if _norm_header(h))[:300] or "(none)"
    need_en, need_zh = _kind_requirements()
    if not ranked or ranked[0][1] == 0:
        raise DataError(
            f"could not tell what kind of data this is: no header matches a known column "
            f"(headers found: {shown}). Each kind needs: {need_en}.",
            f"无法判断这是哪一类数据：没有表头与已知列名匹配（找到的表头：{shown}）。各类数据需要的列：{need_zh}。",
            fix="rename the headers to the names above (English or Chinese), or choose the kind "
                "of data explicitly.",
            fix_zh="请把表头改成上面列出的名称（中英文均可），或明确选择数据类型。", file=src.name)
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        tied = [k for k, v in ranked if v == ranked[0][1]]
        raise DataError(
            f"the headers fit several kinds of data equally well ({', '.join(tied)}; headers "
            f"found: {shown}). Each kind needs: {need_en}.",
            f"表头同样符合多种数据类型（{'、'.join(tied)}；找到的表头：{shown}）。各类数据需要的列：{need_zh}。",
            fix="choose the kind of data explicitly, or add the columns the intended kind needs.",
            fix_zh="请明确选择数据类型，或补充目标类型所需的列。", file=src.name)
    return ranked[0][0]


def _col_letter(idx: int) -> str:
    s, n = "", idx + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class _Mapped:
    kind: str
    positions: dict[str, int]  # canonical -> column position in the file
    headers: dict[str, str]  # canonical -> header text as written
    unused: list[str]
    wechat: bool  # any WeChat-only header (an export from the WeChat backend / datacube)
    notes: list[tuple[str, str]]


def _map_headers(kind: str, header: list[Any], header_row: int, src: _Source) -> _Mapped:
    seen_keys: dict[str, int] = {}
    chosen: dict[str, tuple[int, int]] = {}  # canonical -> (priority, position)
    unused, notes = [], []
    wechat = False
    shadowed: list[tuple[str, str, str]] = []
    no_header: list[int] = []
    for pos, cell in enumerate(header):
        key = _norm_header(cell)
        if not key:
            no_header.append(pos)
            continue
        hit = _lookup_header(kind, cell)
        if key in seen_keys and hit is not None and hit.canonical:  # a column that is used
            first = seen_keys[key]
            raise DataError(
                f"the header '{cell}' appears twice (columns {_col_letter(first)} and "
                f"{_col_letter(pos)}), so it is not clear which one to use.",
                f"表头“{cell}”出现了两次（{_col_letter(first)} 列和 {_col_letter(pos)} 列），无法确定使用哪一列。",
                fix="rename or delete one of the two columns so that every header is unique.",
                fix_zh="请重命名或删除其中一列，使每个表头都唯一。",
                file=src.name, row=header_row, column=str(cell), column_letter=_col_letter(pos))
        if key in seen_keys:  # an unused column twice: nothing is ambiguous
            unused.append(f"{str(cell).strip()} ({_col_letter(pos)})")
            continue
        seen_keys[key] = pos
        if hit is None or not hit.canonical:
            unused.append(str(cell).strip())
            if hit is not None and hit.source:
                wechat = True
            continue
        if hit.source:
            wechat = True
        if hit.canonical in chosen:
            prev_pri, prev_pos = chosen[hit.canonical]
            if hit.priority < prev_pri:
                shadowed.append((str(header[prev_pos]), str(cell), hit.canonical))
                chosen[hit.canonical] = (hit.priority, pos)
            else:
                shadowed.append((str(cell), str(header[prev_pos]), hit.canonical))
            continue
        chosen[hit.canonical] = (hit.priority, pos)
    for dropped, kept, canon in shadowed:
        notes.append((f"Columns '{kept}' and '{dropped}' both mean {canon}: used '{kept}'.",
                      f"“{kept}”和“{dropped}”两列含义相同（{canon}）：使用“{kept}”。"))
    inner = [p for p in no_header if any(_norm_header(h) for h in header[p + 1:])]
    if inner:
        letters = ", ".join(_col_letter(p) for p in inner[:8])
        notes.append((f"Column(s) {letters} have no header and were not used.",
                      f"{letters.replace(', ', '、')} 列没有表头，未使用。"))
    positions = {c: p for c, (_, p) in chosen.items()}
    headers = {c: str(header[p]).strip() for c, p in positions.items()}
    return _Mapped(kind, positions, headers, unused, wechat, notes)


def _missing_required(mapped: _Mapped, header: list[Any], src: _Source, header_row: int) -> None:
    sch = schemas.schema(mapped.kind)
    present = set(mapped.positions)
    missing = [c for c in sch.required
               if c not in present and c not in _derivable(mapped.kind, present)]
    if not missing:
        return
    table = _aliases(mapped.kind)
    found = [str(h).strip() for h in header if _norm_header(h)]
    found_keys = {_norm_header(h): h for h in found}
    parts_en, parts_zh = [], []
    for name in missing:
        col = sch[name]
        names = [a for a, v in table.items() if v.canonical == name]
        close = difflib.get_close_matches(_norm_header(col.zh), list(found_keys), n=3, cutoff=0.4)
        for alias in names:
            for hit in difflib.get_close_matches(alias, list(found_keys), n=2, cutoff=0.6):
                if hit not in close:
                    close.append(hit)
        close_txt = ", ".join(f"'{found_keys[k]}'" for k in close[:3])
        accepted = ", ".join(a for a in dict.fromkeys(
            [name, col.zh, _display_alias(mapped.kind, name)]) if a)
        parts_en.append(f"{name} ({col.zh}; accepted headers include {accepted})"
                        + (f" - closest headers in the file: {close_txt}" if close_txt else ""))
        parts_zh.append(f"{col.zh}（{name}；可用表头包括 {accepted}）"
                        + (f"，文件中最接近的表头：{close_txt}" if close_txt else ""))
    if mapped.kind == "activities" and "cost_total" in missing:
        parts_en.append("(cost_total can also be computed from cost items such as cost_prizes, "
                        "cost_ads)")
        parts_zh.append("（总成本也可由奖品成本、广告投放费用等成本项相加得到）")
    other = _fitting_kinds(header, exclude=mapped.kind)
    if other:  # the file is of another kind than the one chosen
        o = schemas.schema(other[0])
        raise DataError(
            f"this file looks like {other[0]} data ({o.zh}), not {mapped.kind} data: its headers "
            f"have every column {other[0]} needs, but {mapped.kind} data needs "
            + "; ".join(parts_en) + ".",
            f"这个文件看起来是{o.zh}（{other[0]}），而不是{sch.zh}（{mapped.kind}）：表头包含{o.zh}"
            "所需的全部列，但" + sch.zh + "需要" + "；".join(parts_zh) + "。",
            fix=f"choose the kind '{other[0]}' for this file, or choose the {mapped.kind} file "
                "instead.",
            fix_zh=f"请把这个文件的数据类型选为“{o.zh}”（{other[0]}），或改选{sch.zh}的文件。",
            file=src.name, row=header_row)
    raise DataError(
        f"required column(s) missing for {mapped.kind} data: " + "; ".join(parts_en) + ".",
        f"{sch.zh}缺少必需的列：" + "；".join(parts_zh) + "。",
        fix="rename the matching column to one of the accepted headers, or add the column.",
        fix_zh="请把对应的列改成可用的表头名称，或补充这一列。",
        file=src.name, row=header_row)


def _fitting_kinds(header: list[Any], exclude: str | None = None) -> list[str]:
    """Kinds whose required columns all appear in ``header``, best match first."""
    cells = [c for c in header if _norm_header(c)]
    fits = []
    for kind in schemas.KINDS:
        if kind == exclude:
            continue
        present = {hit.canonical for c in cells
                   if (hit := _lookup_header(kind, c)) is not None and hit.canonical}
        need = set(schemas.schema(kind).required) - _derivable(kind, present)
        if need <= present:
            fits.append(kind)
    scores = _row_scores(cells, tuple(fits)) if fits else {}
    return sorted(fits, key=lambda k: -scores.get(k, 0))


def _display_alias(kind: str, canonical: str) -> str:
    """A readable alias (as written in the alias file) for messages."""
    path = _ALIAS_DIR / f"{kind}.csv"
    if not path.exists():
        return ""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["canonical"] == canonical and row["alias"] != canonical:
                return row["alias"]
    return ""


# --------------------------------------------------------------------------------------------
# Reading the raw table
# --------------------------------------------------------------------------------------------
@dataclass
class _Raw:
    """The mapped columns of one table, before value parsing."""

    kind: str
    detected: bool
    columns: dict[str, pd.Series]  # canonical -> raw values (RangeIndex)
    rownums: np.ndarray  # user-visible row number of each row
    headers: dict[str, str]
    letters: dict[str, str | None]
    wechat: bool
    header_row: int
    notes: list[tuple[str, str]] = field(default_factory=list)
    na_done: bool = False  # NA tokens already turned into NA (read_csv na_values)
    unsaved_formulas: int = 0  # workbook formula cells without a saved result (read as blank)
    first_unsaved: str | None = None

    def __len__(self) -> int:
        return len(self.rownums)


_ENC_LABEL = {"utf-8-sig": "UTF-8 with BOM", "gb18030": "GB18030 (GBK)", "utf-16": "UTF-16",
              "utf-16-le": "UTF-16 (little-endian, no BOM)",
              "utf-16-be": "UTF-16 (big-endian, no BOM)", "utf-32": "UTF-32",
              "utf-32-le": "UTF-32 (little-endian, no BOM)",
              "utf-32-be": "UTF-32 (big-endian, no BOM)"}


def _decoded(src: _Source) -> tuple[_Source, str, list[tuple[str, str]]]:
    """``src`` as bytes in one encoding pandas can read, that encoding, and notes about it.

    UTF-8 (with or without BOM) and UTF-16 are read as they are; anything else is decoded line by
    line (:func:`_relined`): GB18030/GBK, or a file whose lines mix UTF-8 and GB18030 (a GBK file
    with lines pasted from a UTF-8 one).
    """
    sample = src.head(_SAMPLE_BYTES)
    wide = _utf32_guess(sample)
    if wide:  # pandas reads UTF-32 slowly if at all: hand on UTF-8
        try:
            text = src.all_bytes().decode(wide)
        except UnicodeDecodeError as exc:
            raise _encoding_error(src, exc.start) from None
        return _Source(src.name, data=text.encode("utf-8")), "utf-8", [_enc_note(wide)]
    if sample.startswith(codecs.BOM_UTF8):
        return src, "utf-8-sig", [_enc_note("utf-8-sig")]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return src, "utf-16", [_enc_note("utf-16")]
    guess = _utf16_guess(sample)
    if guess:
        return src, guess, [_enc_note(guess)]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) >= src.size())
        return src, "utf-8", []
    except UnicodeDecodeError:
        return _relined(src)


def _enc_note(enc: str) -> tuple[str, str]:
    label = _ENC_LABEL.get(enc, enc)
    return f"Text encoding: {label}.", f"文字编码：{label}。"


_TEXT_CHARS = re.compile("[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
                        "\u2000-\u206f\u00a5\u00b7\u00d7\u00f7\u00b0]")


def _looks_cjk(text: str) -> bool:
    """Every non-ASCII character is Chinese text or its punctuation (and there is one)."""
    wide = [ch for ch in text if ord(ch) > 127]
    return bool(wide) and all(_TEXT_CHARS.match(ch) for ch in wide)


def _relined(src: _Source) -> tuple[_Source, str, list[tuple[str, str]]]:
    """Decode line by line, each line UTF-8 if it is valid UTF-8, else GB18030.

    A line valid in both is UTF-8 when that gives Chinese characters (GBK bytes rarely form
    valid UTF-8 Chinese), else it follows the encoding most other lines need. Returns a UTF-8
    copy of the file; line numbers are kept, so row numbers in messages stay right.
    """
    data = src.all_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    lines = data.split(b"\n")  # "\n" is never inside a UTF-8 or a GB18030 sequence
    wide, maybe_utf8 = _utf8_line_screen(data, len(lines))
    utf8_lines: list[int] = []
    both: list[int] = []
    for i in np.flatnonzero(maybe_utf8):
        try:
            as_utf8 = lines[i].decode("utf-8")
        except UnicodeDecodeError:
            continue
        try:
            lines[i].decode("gb18030")
        except UnicodeDecodeError:
            utf8_lines.append(int(i))
            continue
        (utf8_lines if _looks_cjk(as_utf8) else both).append(int(i))
    if len(utf8_lines) > int(wide.sum()) - len(utf8_lines) - len(both):
        utf8_lines += both  # valid both ways: follow the majority
    if not utf8_lines:
        if _looks_japanese(data):
            return _Source(src.name, data=data.decode("cp932").encode("utf-8")), "utf-8", [(
                "Text encoding: Shift-JIS (Japanese), not a Chinese encoding; the texts were read "
                "as Japanese. If the file should be Chinese, save it again as 'CSV UTF-8'.",
                "文字编码：Shift-JIS（日文），不是中文编码；文本已按日文读取。如果文件应为中文，"
                "请重新另存为“CSV UTF-8”。")]
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise _encoding_error(src, exc.start, data.count(b"\n", 0, exc.start) + 1) from None
        return _Source(src.name, data=text.encode("utf-8")), "utf-8", [_enc_note("gb18030")]
    keep = set(utf8_lines)
    out, gb_lines = [], []
    offset = 0
    for i, line in enumerate(lines):
        if i in keep or not wide[i]:
            out.append(line.decode("utf-8"))
        else:
            try:
                out.append(line.decode("gb18030"))
            except UnicodeDecodeError as exc:
                raise _encoding_error(src, offset + exc.start, i + 1) from None
            gb_lines.append(i + 1)
        offset += len(line) + 1
    new = _Source(src.name, data="\n".join(out).encode("utf-8"))
    if not gb_lines:
        return new, "utf-8", []
    utf8_nums = sorted(i + 1 for i in utf8_lines)
    few, few_label, rest = (utf8_nums, "UTF-8", "GB18030 (GBK)") \
        if len(utf8_nums) <= len(gb_lines) else (gb_lines, "GB18030 (GBK)", "UTF-8")
    shown = ", ".join(map(str, few[:8])) + ("…" if len(few) > 8 else "")
    return new, "utf-8", [(
        f"Text encoding: mixed. Line(s) {shown} are {few_label}, the rest {rest}; each line was "
        "read in its own encoding. Check these rows, and save the file as 'CSV UTF-8' next time.",
        f"文字编码混合：第 {shown.replace(', ', '、')} 行是 {few_label}，其余是 {rest}；已按各行自己的编码读取。"
        "请核对这些行，以后请另存为“CSV UTF-8”。")]


_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]")


def _looks_japanese(data: bytes) -> bool:
    """Shift-JIS (Windows code page 932) text: the whole file decodes in it, and at least a fifth
    of its first :data:`_SAMPLE_BYTES`' non-ASCII characters are kana. Chinese GBK text does not
    decode in it (or, read so, gives half-width katakana, not kana), while Japanese writes its
    particles and endings in kana; GB18030 would read Japanese without an error, into nonsense."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    head = text[:_SAMPLE_BYTES]
    wide = sum(1 for ch in head if ord(ch) > 127)
    return wide > 0 and len(_KANA.findall(head)) >= 0.2 * wide


def _utf8_line_screen(data: bytes, n_lines: int) -> tuple[np.ndarray, np.ndarray]:
    """Per line: has a non-ASCII byte; could be valid UTF-8 (its lead and continuation bytes
    balance and it has no byte UTF-8 never uses). Vectorised: a GBK file of a million lines
    takes a fraction of a second; only the few lines that pass are decoded one by one."""
    arr = np.frombuffer(data, dtype=np.uint8)
    starts = np.concatenate([[0], np.flatnonzero(arr == 10) + 1])[:n_lines]
    nonempty = np.flatnonzero(np.diff(np.append(starts, arr.size + 1)) > 1)
    wide = np.zeros(n_lines, dtype=bool)
    maybe = np.zeros(n_lines, dtype=bool)
    if not nonempty.size:
        return wide, maybe
    idx = starts[nonempty]
    high = arr >= 0x80
    n_high = np.add.reduceat(high.astype(np.int8), idx, dtype=np.int64)
    balance = ((arr & 0xC0) == 0x80).astype(np.int8)
    balance -= ((arr >= 0xC2) & (arr <= 0xDF)).astype(np.int8)
    balance -= 2 * ((arr >= 0xE0) & (arr <= 0xEF)).astype(np.int8)
    balance -= 3 * ((arr >= 0xF0) & (arr <= 0xF4)).astype(np.int8)
    never = ((arr == 0xC0) | (arr == 0xC1) | (arr >= 0xF5)).astype(np.int8)
    n_balance = np.add.reduceat(balance, idx, dtype=np.int64)
    n_never = np.add.reduceat(never, idx, dtype=np.int64)
    wide[nonempty] = n_high > 0
    maybe[nonempty] = (n_high > 0) & (n_balance == 0) & (n_never == 0)
    return wide, maybe


def _encoding_error(src: _Source, offset: int | None, line: int | None = None) -> DataError:
    at_en = f" (first unreadable byte at offset {offset})" if offset is not None else ""
    at_zh = f"（第 {offset} 字节处无法识别）" if offset is not None else ""
    return DataError(
        f"the text encoding of this file could not be read: it is neither UTF-8 nor GB18030/GBK"
        f"{at_en}.",
        f"无法识别文件的文字编码：既不是 UTF-8，也不是 GB18030/GBK{at_zh}。",
        fix="open the file in Excel or WPS and save it as 'CSV UTF-8' or as .xlsx, then load it "
            "again.",
        fix_zh="请用 Excel 或 WPS 打开文件，另存为“CSV UTF-8”或 .xlsx 后重新导入。",
        file=src.name, row=line)


def _decode_sample(sample: bytes, enc: str, complete: bool) -> str:
    dec = codecs.getincrementaldecoder(enc)(errors="replace")
    text = dec.decode(sample, final=complete)
    if not complete:  # drop a possibly cut last line
        cut = text.rfind("\n")
        text = text[: cut + 1] if cut > 0 else text
    return text


def _split_rows(text: str, sep: str, limit: int | None = None, *,
                budget: _Source | None = None) -> list[list[str]]:
    """The first ``limit`` rows of ``text`` (all when ``None``), split into fields.

    Without ``budget`` (header sniffing) a row is cut at :data:`MAX_COLUMNS` + 1 fields; with it
    (a whole grid) a row wider than that, or a grid over :data:`MAX_SHEET_CELLS`, is refused."""
    rows, cells = [], 0
    reader = csv.reader(_io.StringIO(text), delimiter=sep)
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                if budget is not None:
                    raise _too_wide(budget, reader.line_num, len(row))
                row = row[:MAX_COLUMNS + 1]
            cells += len(row)
            if budget is not None and cells > MAX_SHEET_CELLS:
                raise _too_many_cells(budget, ("table", "表格"))
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
    a row over :data:`MAX_COLUMNS` fields is refused (at the line number the user sees).

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
                        if len(row) > MAX_COLUMNS:  # the sample may end inside this row
                            raise _too_wide(src, reader.line_num, len(row),
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


def _is_section_grid(rows: list[list[Any]] | list[tuple]) -> bool:
    table = _levels().get("section", {})
    return any(table.get(_norm_value(c)) for row in rows for c in row
               if isinstance(c, str) and c.strip())


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
        try:
            full = src.all_bytes().decode(enc)
        except UnicodeDecodeError:
            src, enc, enc_notes = _relined(src)
            full = src.all_bytes().decode(enc)
        return _split_rows(full, sep, budget=src), None
    header_idx, scores, header = _find_header(rows, kinds)
    if len(header) > MAX_COLUMNS:
        raise _too_wide(src, header_idx + 1, len(header))
    chosen = kind or _choose_kind(scores, header, src)
    mapped = _map_headers(chosen, header, header_idx + 1, src)
    _missing_required(mapped, header, src, header_idx + 1)
    sch = schemas.schema(chosen)
    # every row is read to the widest one seen, so short rows and trailing empty fields are fine;
    # fields beyond the header must be empty (else a separator inside a value was not quoted):
    # _check_extra_fields reads them apart, a slice of rows at a time
    width = max(len(header), _sample_width(src, enc, sep, header_idx + 1))
    # columns are named, not numbered: pandas takes integer keys of ``dtype`` for positions
    # among the columns it keeps (a header-only file then failed with an IndexError)
    dtype: dict[str, str] = {}
    for canon, pos in mapped.positions.items():
        col = _schema_col(sch, canon)
        if col is None or canon.endswith("_id") or col.dtype == "multi":
            dtype[_field(pos)] = "str"  # keep ids such as 000123 as written
        elif col.dtype == "category":
            dtype[_field(pos)] = "category"  # parsed once per distinct value
    usecols = [_field(p) for p in sorted(mapped.positions.values()) or [0]]
    df = None
    for _attempt in range(4):
        names = [_field(p) for p in range(width)]
        # reading every column is faster than selecting them all (1.8 → 1.4 × read_csv)
        selected = None if usecols == names else usecols
        kwargs = dict(sep=sep, header=None, skiprows=header_idx + 1, names=names,
                      usecols=selected, dtype=dtype, na_values=_READ_CSV_NA,
                      keep_default_na=True, skip_blank_lines=False, index_col=False,
                      nrows=MAX_ROWS + 1)
        try:
            try:
                df = _pandas_read_csv(src.handle(), encoding=enc, **kwargs)
            except UnicodeDecodeError:
                if enc not in ("utf-8", "utf-8-sig"):
                    raise
                src, enc, enc_notes = _relined(src)  # a UTF-8 file with GBK lines further down
                df = _pandas_read_csv(src.handle(), encoding=enc, **kwargs)
        except UnicodeDecodeError as exc:
            raise _encoding_error(src, getattr(exc, "start", None)) from None
        except pd.errors.EmptyDataError:
            df = pd.DataFrame({p: pd.Series([], dtype=object) for p in usecols})
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(exc))
            if m and int(m.group(2)) > MAX_COLUMNS:
                raise _too_wide(src, int(m.group(1)), int(m.group(2))) from None
            if m and int(m.group(2)) > width:  # a wider row further down: read again
                width = int(m.group(2))
                continue
            raise _parser_error(src, enc, sep, str(exc)) from None
        except ValueError as exc:
            raise DataError(f"the table could not be read ({exc}).", f"无法读取表格（{exc}）。",
                            fix=_SAVE_AS_FIX[0], fix_zh=_SAVE_AS_FIX[1], file=src.name) from None
        break
    if df is None:
        raise _parser_error(src, enc, sep, "")
    if len(df) > MAX_ROWS:
        raise _too_many_rows(src)
    first_data_row = header_idx + 2
    if width > len(header):
        _check_extra_fields(src, dict(kwargs, encoding=enc), len(header), width, first_data_row)
    n = len(df)
    cols = {}
    for canon, pos in mapped.positions.items():
        name = _field(pos)
        cols[canon] = df[name] if name in df.columns else pd.Series([None] * n, dtype=object)
    raw = _Raw(chosen, kind is None, cols, np.arange(n) + first_data_row, mapped.headers,
               {c: _col_letter(p) for c, p in mapped.positions.items()}, mapped.wechat,
               header_idx + 1, list(mapped.notes), na_done=True)
    _note_columns(raw, mapped, scores if kind is None else None, sep)
    raw.notes.extend(enc_notes)
    return None, raw


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
    kwargs = dict(kwargs, usecols=extras, dtype="str", chunksize=chunk, nrows=MAX_ROWS)
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
        fix_zh="请检查这一行（例如标题里的逗号），再用 Excel 或 WPS 重新保存，软件会自动给这类值加引号。",
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
            fix_zh="请在这一行补上或删除这个引号（值中的引号要写成 \"\"），或用 Excel 或 WPS 重新保存文件。",
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


def _schema_col(sch: Schema, name: str) -> Column | None:
    try:
        return sch[name]
    except KeyError:
        return None


def _note_columns(raw: _Raw, mapped: _Mapped, scores: dict[str, float] | None, sep: str | None
                  ) -> None:
    heads = list(mapped.headers.values())
    shown = ", ".join(heads[:4]) + ("…" if len(heads) > 4 else "")
    shown_zh = "、".join(heads[:4]) + ("…" if len(heads) > 4 else "")
    if scores is not None:
        raw.notes.insert(0, (f"Detected kind '{mapped.kind}' from headers {shown}.",
                             f"根据表头 {shown_zh} 识别为“{mapped.kind}”（{schemas.schema(mapped.kind).zh}）。"))
    if mapped.unused:
        names = ", ".join(mapped.unused[:8]) + ("…" if len(mapped.unused) > 8 else "")
        raw.notes.append((f"Columns not used: {names}.", f"未使用的列：{names.replace(', ', '、')}。"))
    if sep is not None and sep != ",":
        label = {"\t": "tab", ";": "semicolon", "|": "vertical bar"}[sep]
        label_zh = {"\t": "制表符", ";": "分号", "|": "竖线"}[sep]
        raw.notes.append((f"Separator: {label}.", f"分隔符：{label_zh}。"))


@dataclass
class _Sheet:
    """A workbook sheet's rows (each as wide as its last value) and what reading them found."""

    title: str
    rows: list[tuple]
    unsaved_formulas: int = 0  # formula cells without a saved result (read as blank)
    first_unsaved: str | None = None  # the first such cell, e.g. "C2"


def _check_xlsx_parts(src: _Source) -> None:
    """Refuse a workbook whose parts unpack past the budget before openpyxl reads any of them.

    A zip member's stated size bounds what :mod:`zipfile` returns (more fails its check), so the
    stated sizes can be trusted."""
    try:
        with zipfile.ZipFile(src.handle()) as zf:
            parts = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # openpyxl says what is wrong with it
    if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise _too_large_unpacked(src.name, ("workbook", "工作簿"))
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") \
                and part.file_size > MAX_SHARED_STRINGS_BYTES:
            mb, limit = part.file_size / 2**20, MAX_SHARED_STRINGS_BYTES // 2**20
            raise DataError(
                f"the workbook's table of texts (sharedStrings) unpacks to {mb:,.0f} MB, more "
                f"than the {limit} MB the workbench reads.",
                f"工作簿的文本表（sharedStrings）解压后有 {mb:,.0f} MB，超过工作台读取的上限 {limit} MB。",
                fix="save the sheet as 'CSV UTF-8' in Excel or WPS and load that file, or delete "
                    "the sheets and columns you do not need.",
                fix_zh="请在 Excel 或 WPS 中把工作表另存为“CSV UTF-8”后导入，或删除不需要的工作表和列。",
                file=src.name)


def _sheet_rows(wb: Any, ws: Any, src: _Source) -> _Sheet:
    """One read-only sheet's rows, refused past the budget before they are built.

    openpyxl's read-only rows are padded to each row's last cell, so one value in column XFD
    makes a row of 16,384 cells; its own parser gives each row's cells sparsely, so the widest
    row and the grid's cells are counted before any row is laid out. A formula cell without a
    saved result (a file written by a program that does not compute formulas) reads as blank
    and is counted."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    sheet = _Sheet(ws.title, [])

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                sheet.unsaved_formulas += 1
                sheet.first_unsaved = sheet.first_unsaved or element.get("r")
            return cell

    rows, cells = sheet.rows, 0
    # the same source and settings as openpyxl's ReadOnlyWorksheet._cells_by_row
    with wb._archive.open(ws._worksheet_path) as xml:
        parser = Parser(xml, ws._shared_strings, data_only=True, epoch=wb.epoch,
                        date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, found in parser.parse():
            values = [(c["column"], c["value"]) for c in found if c["value"] is not None]
            if not values:
                continue
            if idx > MAX_ROWS + 1:
                raise _too_many_rows(src)
            last = max(col for col, _v in values)
            if last > MAX_COLUMNS:
                raise _too_wide(src, idx, last, column=get_column_letter(last))
            cells += last
            if cells > MAX_SHEET_CELLS:
                raise _too_many_cells(src, ("sheet", "工作表"))
            rows.extend([()] * (idx - 1 - len(rows)))  # blank rows between
            row: list[Any] = [None] * last
            for col, value in values:
                row[col - 1] = value
            rows.append(tuple(row))
    while rows and all(_is_blank_cell(v) for v in rows[-1]):
        rows.pop()
    return sheet


def _xlsx_sheets(src: _Source) -> list[_Sheet]:
    _check_xlsx_parts(src)
    try:
        from openpyxl import load_workbook
        wb = load_workbook(src.handle(), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DataError(f"the Excel workbook could not be opened ({type(exc).__name__}: {exc}).",
                        f"无法打开 Excel 工作簿（{type(exc).__name__}：{exc}）。",
                        fix=_SAVE_AS_FIX[0], fix_zh=_SAVE_AS_FIX[1], file=src.name) from None
    try:
        return [_sheet_rows(wb, ws, src) for ws in wb.worksheets]
    finally:
        wb.close()


def _is_blank_cell(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _read_xlsx(src: _Source, kind: str | None) -> tuple[list[list[Any]] | None, _Raw | None]:
    read = _xlsx_sheets(src)
    sheets = [sheet for sheet in read if sheet.rows]
    if not sheets:
        unsaved = next((sheet for sheet in read if sheet.unsaved_formulas), None)
        if unsaved:
            raise _unsaved_formulas_error(src, unsaved.unsaved_formulas, unsaved.first_unsaved)
        raise DataError("the workbook has no data in any sheet.", "工作簿的所有工作表都没有数据。",
                        fix="export the data again and check that the chosen date range has data.",
                        fix_zh="请重新导出数据，并确认所选日期范围内有数据。", file=src.name)
    return _read_grids(src, kind, sheets, ("sheet", "工作表"))


def _unsaved_formulas_error(src: _Source, n: int, first: str | None) -> DataError:
    at_en, at_zh = (f", the first in cell {first}", f"，第一个在 {first} 单元格") if first else ("", "")
    return DataError(
        f"the data are formulas without saved results ({n:,} cells{at_en}): the program that "
        "wrote the file did not calculate them, so they read as blank.",
        f"数据是没有保存计算结果的公式（{n:,} 个单元格{at_zh}）：生成该文件的程序没有计算这些公式，"
        "所以读到的是空值。",
        fix="open the file in Excel or WPS (it calculates the formulas), save it, and load it "
            "again.", fix_zh="请用 Excel 或 WPS 打开文件（软件会计算公式），保存后重新导入。",
        file=src.name)


def _read_grids(src: _Source, kind: str | None, sheets: list[_Sheet],
                what: tuple[str, str]) -> tuple[list[list[Any]] | None, _Raw | None]:
    """Tables already split into cells (workbook sheets, web-page tables): pick the one whose
    header best matches a kind (the first, on a tie) and map it."""
    kinds = (kind,) if kind else schemas.KINDS
    pick, best = None, -1.0
    for i, sheet in enumerate(sheets):
        if kind in (None, "distributions") and _is_section_grid(sheet.rows):
            pick = (i, sheet, "sections", {}, [])
            break
        idx, scores, header = _find_header([list(r) for r in sheet.rows[:_HEADER_SCAN_ROWS]],
                                           kinds)
        top = max(scores.values()) if scores else 0.0
        if top > best:  # a notes or field-list sheet before the data does not win
            pick, best = (i, sheet, idx, scores, header), top
    assert pick is not None
    i, sheet, header_idx, scores, header = pick
    title, rows = sheet.title, sheet.rows
    sheet_note = None
    if len(sheets) > 1:
        sheet_note = (f"Read {what[0]} '{title}' ({i + 1} of {len(sheets)}).",
                      f"读取{what[1]}“{title}”（共 {len(sheets)} 个中的第 {i + 1} 个）。")
    if header_idx == "sections":
        return [list(r) for r in rows], None
    chosen = kind or _choose_kind(scores, header, src)
    mapped = _map_headers(chosen, header, header_idx + 1, src)
    _missing_required(mapped, header, src, header_idx + 1)
    body = rows[header_idx + 1:]
    n = len(body)
    cols = {}
    for canon, pos in mapped.positions.items():
        cols[canon] = pd.Series([r[pos] if pos < len(r) else None for r in body], dtype=object)
    raw = _Raw(chosen, kind is None, cols, np.arange(n) + header_idx + 2, mapped.headers,
               {c: _col_letter(p) for c, p in mapped.positions.items()}, mapped.wechat,
               header_idx + 1, list(mapped.notes), unsaved_formulas=sheet.unsaved_formulas,
               first_unsaved=sheet.first_unsaved)
    _note_columns(raw, mapped, scores if kind is None else None, None)
    if sheet_note:
        raw.notes.append(sheet_note)
    if sheet.unsaved_formulas:
        at = f" (the first in cell {sheet.first_unsaved})" if sheet.first_unsaved else ""
        at_zh = f"（第一个在 {sheet.first_unsaved} 单元格）" if sheet.first_unsaved else ""
        raw.notes.append((
            f"{sheet.unsaved_formulas:,} formula cells have no saved result{at} and were read as "
            "blank; open the file in Excel or WPS and save it to keep their values.",
            f"{sheet.unsaved_formulas:,} 个公式单元格没有保存计算结果{at_zh}，已按空值读取；"
            "请用 Excel 或 WPS 打开并保存文件以保留其数值。"))
    return None, raw


# --------------------------------------------------------------------------------------------
# Web-page tables (an HTML table saved as .xls by some backends)
# --------------------------------------------------------------------------------------------
class _TableParser(HTMLParser):
    """Every ``<table>`` of a page as rows of cell texts; a merged cell (colspan/rowspan) keeps
    its text in its first cell and leaves the others blank, as a workbook does.

    The cells the spans lay out count against the budget as each row is built: a row wider than
    :data:`MAX_COLUMNS`, or a page over :data:`MAX_SHEET_CELLS` cells, is refused there (a few
    kilobytes of ``colspan=1000 rowspan=1000`` would otherwise lay out billions of cells)."""

    def __init__(self, src: _Source) -> None:
        super().__init__(convert_charrefs=True)
        self.src = src
        self.tables: list[tuple[int, str, list[tuple]]] = []
        self.stack: list[dict[str, Any]] = []
        self.count = 0
        self.skip = 0
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.count += 1
            self.stack.append({"seq": self.count, "rows": [], "cells": None, "cell": None,
                               "pending": {}, "caption": None})
        elif not self.stack:
            return
        elif tag == "tr":
            self._end_row()
            self.stack[-1]["cells"] = []
        elif tag in ("td", "th"):
            t = self.stack[-1]
            self._end_cell()
            if t["cells"] is None:
                t["cells"] = []
            a = dict(attrs)
            t["cell"] = {"text": [], "colspan": _span(a.get("colspan")),
                         "rowspan": _span(a.get("rowspan"))}
        elif tag == "br" and self.stack[-1]["cell"] is not None:
            self.stack[-1]["cell"]["text"].append(" ")
        elif tag == "caption":
            self.stack[-1]["caption"] = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif not self.stack:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "caption":
            t = self.stack[-1]
            t["caption"] = "".join(t["caption"] or []).strip() or None
        elif tag == "table":
            self._end_row()
            t = self.stack.pop()
            title = t["caption"] if isinstance(t["caption"], str) else f"table {t['seq']}"
            self.tables.append((t["seq"], title, t["rows"]))

    def handle_data(self, data: str) -> None:
        if self.skip or not self.stack:
            return
        t = self.stack[-1]
        if t["cell"] is not None:
            t["cell"]["text"].append(data)
        elif isinstance(t["caption"], list):
            t["caption"].append(data)

    def _end_cell(self) -> None:
        t = self.stack[-1]
        cell = t["cell"]
        if cell is None:
            return
        text = re.sub(r"\s+", " ", "".join(cell["text"])).strip()
        t["cells"].append((text or None, cell["colspan"], cell["rowspan"]))
        t["cell"] = None

    def _end_row(self) -> None:
        t = self.stack[-1]
        self._end_cell()
        if t["cells"] is None:
            return
        pending: dict[int, int] = t["pending"]  # column -> rows still covered by a rowspan above
        out: list[Any] = []

        def fill_covered() -> None:
            while len(out) in pending:
                col = len(out)
                out.append(None)
                pending[col] -= 1
                if not pending[col]:
                    del pending[col]

        for text, colspan, rowspan in t["cells"]:
            fill_covered()
            if len(out) + colspan > MAX_COLUMNS:
                raise _too_wide(self.src, len(t["rows"]) + 1, len(out) + colspan)
            for k in range(colspan):
                if rowspan > 1:
                    pending[len(out)] = rowspan - 1
                out.append(text if k == 0 else None)
        last = max(pending, default=-1)  # columns to the right still covered from above
        while len(out) <= last:
            if len(out) in pending:
                fill_covered()
            else:
                out.append(None)
        self.cells += len(out)
        if self.cells > MAX_SHEET_CELLS or len(t["rows"]) >= MAX_ROWS + 1:
            raise _too_many_cells(self.src, ("web page", "网页"))
        t["rows"].append(tuple(out))
        t["cells"] = None


def _span(value: str | None) -> int:
    try:
        return min(max(int(str(value).strip()), 1), 1000)
    except (TypeError, ValueError):
        return 1


_HTML_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030",
                  "utf-8": "utf-8", "utf8": "utf-8", "big5": "big5"}


def _html_text(src: _Source) -> str:
    data = src.all_bytes()
    m = re.search(rb"""charset\s*=\s*["']?([\w-]+)""", data[:4096], re.I)
    declared = _HTML_CHARSETS.get(m.group(1).decode("ascii").lower()) if m else None
    if data.startswith(codecs.BOM_UTF8):
        declared, data = "utf-8", data[len(codecs.BOM_UTF8):]
    for enc in [declared] if declared else []:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    decoded, enc, _notes = _decoded(_Source(src.name, data=data))
    return decoded.all_bytes().decode(enc)


def _read_html(src: _Source, kind: str | None) -> tuple[list[list[Any]] | None, _Raw | None]:
    parser = _TableParser(src)
    parser.feed(_html_text(src))
    parser.close()
    tables = [_Sheet(title, rows) for _seq, title, rows in sorted(parser.tables)
              if any(not _is_blank_cell(v) for row in rows for v in row)]
    if not tables:
        raise DataError("the web page (HTML) has no table with data.",
                        "网页（HTML）中没有包含数据的表格。",
                        fix=_SAVE_AS_FIX[0], fix_zh=_SAVE_AS_FIX[1], file=src.name)
    return _read_grids(src, kind, tables, ("table", "表格"))


# --------------------------------------------------------------------------------------------
# The 单篇详情 multi-section sheet → distributions
# --------------------------------------------------------------------------------------------
_TITLE_LABELS = {"内容标题", "标题", "文章标题", "图文标题", "title"}


def _grid_title(grid: list[list[Any]], first_section_row: int) -> str | None:
    for r in range(min(first_section_row, len(grid))):
        row = grid[r]
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = unicodedata.normalize("NFKC", cell).strip()
            m = re.match(r"^(内容标题|文章标题|图文标题|标题|title)\s*[:：]\s*(.+)$", text, re.I)
            if m:
                return m.group(2).strip()
            if _norm_header(text) in _TITLE_LABELS:
                for nxt in row[c + 1:]:
                    if not _is_blank_cell(nxt):
                        return str(nxt).strip()
                if r + 1 < len(grid) and c < len(grid[r + 1]) and not _is_blank_cell(grid[r + 1][c]):
                    return str(grid[r + 1][c]).strip()
            m = re.search(r"《(.+?)》", text)
            if m:
                return m.group(1).strip()
    return None


def _sections_to_raw(grid: list[list[Any]], src: _Source, kind: str | None) -> _Raw:
    sections = _levels()["section"]
    found = []  # (row, col, dimension or "")
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                key = _norm_value(cell)
                if key in sections:
                    found.append((r, c, sections[key], cell.strip()))
    found.sort()
    section_rows = {r for r, *_ in found}
    first = found[0][0] if found else 0
    title = _grid_title(grid, first)
    out = {"title": [], "dimension": [], "level": [], "users": [], "share": []}
    rownums: list[int] = []
    ignored = []
    for r, c, dim, label in found:
        if not dim:
            ignored.append(label)
            continue
        # the section's header row: the next non-blank row
        h = r + 1
        while h < len(grid) and all(_is_blank_cell(v) for v in grid[h][c:c + 3]):
            h += 1
        if h >= len(grid):
            continue
        header = grid[h]
        pos_users = pos_share = None
        for p in range(c, len(header)):
            if _is_blank_cell(header[p]):
                if p > c:
                    break
                continue
            hit = _lookup_header("distributions", header[p])
            if hit and hit.canonical == "users" and pos_users is None:
                pos_users = p
            elif hit and hit.canonical == "share" and pos_share is None:
                pos_share = p
        if pos_users is None:
            raise DataError(
                f"the section '{label}' has no 人数 (users) column in its header row.",
                f"“{label}”部分的表头行中没有“人数”列。",
                fix="keep the section as exported (分类/人数/占比), or put the data in a table "
                    "with columns dimension, level, users, share.",
                fix_zh="请保留导出时的格式（分类/人数/占比），或整理成包含 维度、分类、人数、占比 列的表格。",
                file=src.name, row=h + 1, column=label)
        d = h + 1
        while d < len(grid) and d not in section_rows:
            row = grid[d]
            level = row[c] if c < len(row) else None
            if _is_blank_cell(level):
                break
            out["title"].append(title)
            out["dimension"].append(dim)
            out["level"].append(level)
            out["users"].append(row[pos_users] if pos_users < len(row) else None)
            out["share"].append(row[pos_share] if pos_share is not None and pos_share < len(row)
                                else None)
            rownums.append(d + 1)
            d += 1
    cols = {k: pd.Series(v, dtype=object) for k, v in out.items()}
    raw = _Raw("distributions", kind is None, cols, np.asarray(rownums, dtype=int),
               {"title": "内容标题", "dimension": "维度", "level": "分类", "users": "人数",
                "share": "占比"},
               {k: None for k in out}, True, 0)
    if kind is None:
        raw.notes.append((
            f"Detected kind 'distributions' from the sections {', '.join(f[3] for f in found if f[2])} "
            "(单篇详情 sheet).",
            f"根据 {'、'.join(f[3] for f in found if f[2])} 等部分识别为“distributions”（单篇详情 读者分布）。"))
    if ignored:
        raw.notes.append((f"Sections not used: {', '.join(ignored)}.",
                          f"未使用的部分：{'、'.join(ignored)}。"))
    if title:
        raw.notes.append((f"Article title: {title}.", f"文章标题：{title}。"))
    return raw


# --------------------------------------------------------------------------------------------
# Value parsing (vectorised; only messy values take the slow path)
# --------------------------------------------------------------------------------------------
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
            zh = (f"“{header}”列的日期既可按“日/月”也可按“月/日”理解；已按微信的写法“月/日/年”读取。"
                  "如实际是“日/月”，请写成 2024-04-03 这样的格式。")
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
            t = texts[miss].str.normalize("NFKC").str.strip()
            t = t.str.replace(r"[(（]?(星期|周)[一二三四五六日天][)）]?", "", regex=True)
            t = t.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]?)?",
                              lambda m: f"{m.group(1)}-{m.group(2)}-{m.group(3) or 1} ", regex=True)
            t = t.str.replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3 ", regex=True)
            t = t.str.replace(r"\s+", " ", regex=True).str.strip()
            t, order = _one_date_order(t)
            again = _iso(t)
            still = again.isna().to_numpy()
            if still.any():
                cand = t[still]
                has_year = cand.str.contains(r"\d{4}", regex=True).to_numpy()
                if has_year.any():
                    try:
                        mixed = pd.to_datetime(cand[has_year], format="mixed", errors="coerce")
                    except (ValueError, TypeError, OverflowError):
                        mixed = pd.Series(pd.NaT, index=cand[has_year].index)
                    if isinstance(mixed.dtype, pd.DatetimeTZDtype):
                        mixed = mixed.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
                    again.loc[cand[has_year].index] = mixed.astype(again.dtype)
            got.loc[t.index] = again.astype(got.dtype)
        got_ns = got.astype("datetime64[us]")
        in_range = got_ns.notna() & (got_ns >= _MIN_TS) & (got_ns < _MAX_TS)
        ok = in_range.to_numpy()
        if len(idx) == n and ok.all():  # every value readable: no scatter needed
            return _Dates(got_ns.astype("datetime64[ns]"), bad, order)
        result.iloc[idx[ok]] = got_ns[ok].astype("datetime64[ns]").to_numpy()
        bad[idx[~ok & ~na_like]] = True
    return _Dates(result, bad, order)


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
                 blank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(s.astype(object).where(~blank), use_na_sentinel=True)
    out, badu = [], []
    for u in uniques:
        if _is_na_text(_text_of(u)):
            out.append(None)
            badu.append(False)
            continue
        tokens = [t for t in re.split(r"[;；,，、|/\s]+", _text_of(u)) if t]
        got, ok = [], True
        for t in tokens:
            code = table.get(_norm_value(t))
            if code is None:
                ok = False
            elif code and code not in got:
                got.append(code)
        got.sort(key=levels.index)
        out.append(";".join(got) if ok and got else None)
        badu.append(not ok)
    vals = np.array(out + [None], dtype=object)[codes]
    bad = np.array(badu + [False], dtype=bool)[codes]
    return vals, bad


# --------------------------------------------------------------------------------------------
# Building the canonical frame
# --------------------------------------------------------------------------------------------
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


def _province(text: Any) -> str:
    """``广东省`` → ``广东``, ``广西壮族自治区`` → ``广西`` (table in levels.csv, column province)."""
    t = str(text).strip()
    return _levels().get("province", {}).get(_norm_value(t)) or re.sub(r"(省|市)$", "", t) or t


def _provinces(s: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if not len(uniques):
        return s
    mapped = np.array([_province(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], dtype="string")


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


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def read(path_or_file: Any, kind: str | None = None, *, name: str | None = None) -> Loaded:
    """Read a file into a canonical frame and a :class:`LoadReport`.

    Parameters
    ----------
    path_or_file : a path (``str``/``Path``), the file's ``bytes``, a binary file object, or an
        ipywidgets ``FileUpload`` value entry (a dict with ``content`` and ``name``).
    kind : ``followers``, ``articles``, ``daily_users``, ``activities``, ``daily_reads`` or
        ``distributions``; detected from the headers when ``None``.
    name : the file name (for bytes and file objects: ``name="x.xlsx"`` says the format and
        is shown in messages).

    Returns
    -------
    Loaded
        ``.frame`` (every schema column, in schema order, with canonical dtypes) and ``.report``.

    Raises
    ------
    DataError
        for any input that cannot be used; the message says where, what and how to fix it.

    Examples
    --------
    >>> csv_bytes = "时间,新关注人数,取消关注人数\\n2024年3月1日,\\"1,234\\",12\\n".encode()
    >>> got = read(csv_bytes, name="用户增长.csv")
    >>> got.report.kind, int(got.frame.loc[0, "net_follows"])
    ('daily_users', 1222)
    """
    if kind is not None and kind not in schemas.SCHEMAS:
        raise DataError(f"unknown kind of data '{kind}'; expected one of {', '.join(schemas.KINDS)}.",
                        f"未知的数据类型“{kind}”；应为 {'、'.join(schemas.KINDS)} 之一。",
                        fix="choose one of the listed kinds.", fix_zh="请选择列出的类型之一。")
    outer = _open_source(path_or_file, name)
    src = _unpack(outer)
    fmt = _sniff_format(src)
    if fmt == "xlsx":
        grid, raw = _read_xlsx(src, kind)
    elif fmt == "html":
        grid, raw = _read_html(src, kind)
    else:
        grid, raw = _read_csv(src, kind)
    if fmt == "csv" and src.suffix in (".xls", ".xlsx"):
        (raw.notes if raw is not None else []).append((
            f"The file is named '{src.suffix}' but is really text; it was read as CSV.",
            f"文件扩展名为“{src.suffix}”，实际是文本文件，已按 CSV 读取。"))
    if fmt == "html" and src.suffix not in (".html", ".htm"):
        (raw.notes if raw is not None else []).append((
            f"The file is named '{src.suffix or src.name}' but is really a web page; its table "
            "was read.", f"文件名为“{src.suffix or src.name}”，实际是网页文件，已读取其中的表格。"))
    if grid is not None:
        raw = _sections_to_raw(grid, src, kind)
    assert raw is not None
    if src is not outer:
        raw.notes.insert(0, (f"'{src.name}' was unpacked from '{outer.name}' and read.",
                             f"已从“{outer.name}”中解压出“{src.name}”并读取。"))
    report = LoadReport(kind=raw.kind, detected=raw.detected, source=src.name,
                        notes=list(raw.notes))
    frame = _Builder(raw, src, report).build()
    frame.attrs["load_report"] = report
    return Loaded(frame, report)


def load(path_or_file: Any, kind: str | None = None, *, name: str | None = None) -> pd.DataFrame:
    """Read a file into a canonical frame; ``frame.attrs["load_report"]`` is its report.

    See :func:`read` for the parameters.

    Examples
    --------
    >>> df = load(b"date,new_follows,unfollows\\n2024-03-01,10,2\\n", name="users.csv")
    >>> list(df.columns[:4]), str(df["new_follows"].dtype)
    (['date', 'platform', 'new_follows', 'unfollows'], 'Int64')
    """
    return read(path_or_file, kind, name=name).frame


def _data_dir() -> Path:
    env = os.environ.get("WORKBENCH_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


_SAMPLE_CACHE: dict[tuple[str, str, float], pd.DataFrame] = {}
#: pandas copies on write (always from pandas 3): a shallow copy of a cached sample cannot
#: change it, where a deep one cost 90 MB at 1,000,000 followers
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or pd.options.mode.copy_on_write is True


def sample(kind: str) -> pd.DataFrame:
    """The bundled sample data ``data/<kind>.csv``, read through :func:`load`.

    The directory is the repository's ``data/`` (override with ``WORKBENCH_DATA_DIR``). Frames
    are cached per process; every call returns a copy.

    Examples
    --------
    >>> sample("articles").columns[0]  # doctest: +SKIP
    'article_id'
    """
    if kind not in schemas.SCHEMAS:
        raise DataError(f"unknown kind of data '{kind}'; expected one of {', '.join(schemas.KINDS)}.",
                        f"未知的数据类型“{kind}”；应为 {'、'.join(schemas.KINDS)} 之一。",
                        fix="choose one of the listed kinds.", fix_zh="请选择列出的类型之一。")
    path = _data_dir() / f"{kind}.csv"
    if not path.exists():
        raise DataError(f"there is no bundled sample for {kind} ({path}).",
                        f"没有{schemas.schema(kind).zh}的示例数据（{path}）。",
                        fix="regenerate the samples (workbench.sample) or set WORKBENCH_DATA_DIR "
                            "to the folder that holds them.",
                        fix_zh="请重新生成示例数据（workbench.sample），或把 WORKBENCH_DATA_DIR 设为示例数据所在的文件夹。",
                        file=path.name)
    key = (kind, str(path), path.stat().st_mtime)
    if key not in _SAMPLE_CACHE:
        _SAMPLE_CACHE[key] = load(path, kind)
    frame = _SAMPLE_CACHE[key]
    out = frame.copy(deep=not _COPY_ON_WRITE)
    out.attrs["load_report"] = frame.attrs.get("load_report")
    return out
