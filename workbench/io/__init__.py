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

The package, in the order a file goes through it:

* :mod:`.sources` — a path, bytes or an upload; the one table inside a ``.zip``/``.gz``;
* :mod:`.sniff` — what the file really is (``.xlsx``, a web-page table, CSV text) or why not;
* :mod:`.decode` — its text encoding (UTF-8, GB18030, UTF-16, lines that mix them);
* :mod:`.csv_reader`, :mod:`.xlsx_reader`, :mod:`.html_reader` (with :mod:`.grids`) — its table;
  :mod:`.sections` — the multi-section 单篇详情 sheet;
* :mod:`.headers` — the header row, the kind of data, which column is which;
* :mod:`.values`, :mod:`.dates` — cell values: numbers, levels, dates read in one order;
* :mod:`.build` — the canonical frame and the notes of its report; :mod:`.kinds` — what each
  kind adds (per-source rows pivoted, distribution levels mapped, derived columns).

Used throughout: :mod:`.limits` (the budget a file must fit), :mod:`.aliases` (the alias and
level tables in ``workbench/aliases/``) and :mod:`.report` (:class:`DataError`,
:class:`LoadReport`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schemas
from .build import BAD_VALUE_SHARE, _Builder, empty_frame
from .csv_reader import _read_csv
from .html_reader import _read_html
from .limits import (
    MAX_COLUMNS, MAX_ROWS, MAX_SHARED_STRINGS_BYTES, MAX_SHEET_CELLS, MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
)
from .report import DataError, LoadReport, Loaded
from .sections import _sections_to_raw
from .sniff import _sniff_format
from .sources import _open_source, _unpack
from .xlsx_reader import _read_xlsx

# Read by tests: the alias tables' folder, the size of the sniffing sample, and the limits'
# module (a test makes a limit small with ``monkeypatch.setattr(io.limits, "MAX_ROWS", 50)``:
# the readers look it up there, not here).
from . import limits as limits
from .aliases import _ALIAS_DIR as _ALIAS_DIR
from .aliases import _MAPPING, Mapping
from .limits import _SAMPLE_BYTES as _SAMPLE_BYTES

__all__ = [
    "BAD_VALUE_SHARE", "DataError", "LoadReport", "Loaded", "MAX_COLUMNS", "MAX_ROWS", "Mapping",
    "MAX_SHARED_STRINGS_BYTES", "MAX_SHEET_CELLS", "MAX_UNPACKED_BYTES", "MAX_UPLOAD_BYTES",
    "empty", "load", "read", "sample",
]


def read(path_or_file: Any, kind: str | None = None, *, name: str | None = None,
         mapping: Mapping | None = None) -> Loaded:
    """Read a file into a canonical frame and a :class:`LoadReport`.

    Parameters
    ----------
    path_or_file : a path (``str``/``Path``), the file's ``bytes``, a binary file object, or an
        ipywidgets ``FileUpload`` value entry (a dict with ``content`` and ``name``).
    kind : ``followers``, ``articles``, ``daily_users``, ``activities``, ``daily_reads`` or
        ``distributions``; detected from the headers when ``None``.
    name : the file name (for bytes and file objects: ``name="x.xlsx"`` says the format and
        is shown in messages).
    mapping : the team's own header and level names (:class:`Mapping`), which win over the
        built-in ones: a workspace keeps them per account (the Data page offers them when a
        file misses a column or holds unknown levels).

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
        raise _unknown_kind(kind)
    token = _MAPPING.set(mapping if mapping else None)
    try:
        return _read(path_or_file, kind, name)
    finally:
        _MAPPING.reset(token)


def _read(path_or_file: Any, kind: str | None, name: str | None) -> Loaded:
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


def empty(kind: str) -> pd.DataFrame:
    """A canonical frame of ``kind`` with no rows (every column, in schema order, with its
    dtype): what a page gets for a kind the team has no data of.

    >>> list(empty("daily_users").columns[:3]), len(empty("daily_users"))
    (['date', 'platform', 'new_follows'], 0)
    """
    if kind not in schemas.SCHEMAS:
        raise _unknown_kind(kind)
    return empty_frame(schemas.schema(kind))


def _unknown_kind(kind: str) -> DataError:
    return DataError(
        f"unknown kind of data '{kind}'; expected one of {', '.join(schemas.KINDS)}.",
        f"未知的数据类型“{kind}”；应为 {'、'.join(schemas.KINDS)} 之一。",
        fix="choose one of the listed kinds.", fix_zh="请选择列出的类型之一。")


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
        raise _unknown_kind(kind)
    path = _data_dir() / f"{kind}.csv"
    if not path.exists():
        raise DataError(f"there is no bundled sample for {kind} ({path}).",
                        f"没有{schemas.schema(kind).zh}的示例数据（{path}）。",
                        fix="regenerate the samples (workbench.sample) or set WORKBENCH_DATA_DIR "
                            "to the folder that holds them.",
                        fix_zh="请重新生成示例数据（workbench.sample），或把 WORKBENCH_DATA_DIR "
                               "设为示例数据所在的文件夹。",
                        file=path.name)
    key = (kind, str(path), path.stat().st_mtime)
    if key not in _SAMPLE_CACHE:
        _SAMPLE_CACHE[key] = load(path, kind)
    frame = _SAMPLE_CACHE[key]
    out = frame.copy(deep=not _COPY_ON_WRITE)
    out.attrs["load_report"] = frame.attrs.get("load_report")
    return out
