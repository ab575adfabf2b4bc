"""Files the user takes away: CSV text that spreadsheets open safely, and download links.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a carriage return) is a formula
to Excel and WPS; exported text (persona names, titles, scenario names: user text) gets a leading
apostrophe so it stays text (OWASP "CSV injection"). A value holding line breaks gets one at the
start of every line that would be a formula, and is quoted, so that no reader (a spreadsheet, or
a script that breaks lines on a bare CR) sees a line that starts a formula. Every text-like column
is covered: text, strings and categoricals. Numbers are written as numbers. Lines end in CRLF
(RFC 4180), so a field holding a CR or an LF is always quoted.

>>> import pandas as pd
>>> csv_text(pd.DataFrame({"name": ["=1+1", "ok"], "n": [-1, 2]}))
"name,n\\r\\n'=1+1,-1\\r\\nok,2\\r\\n"
>>> safe_cell("F1\\r=cmd|' /C calc'!A0")
"F1\\r'=cmd|' /C calc'!A0"
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A line of a multi-line value that a spreadsheet would run: right after a line break.
_FORMULA_LINE = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")
LINE_END = "\r\n"


def safe_cell(value: Any) -> Any:
    """``value`` with an apostrophe before every line of it a spreadsheet would run (text only).

    >>> safe_cell("-2"), safe_cell("ok"), safe_cell(-2)
    ("'-2", 'ok', -2)
    """
    if not isinstance(value, str):
        return value
    if "\r" in value or "\n" in value:
        value = _FORMULA_LINE.sub(r"\1'", value)
    return "'" + value if value[:1] in FORMULA_STARTS else value


def csv_rows(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text of ``header`` and ``rows`` (CRLF line ends), every cell through
    :func:`safe_cell`; ``None`` and missing values are empty cells."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=LINE_END)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None or v is pd.NA or v is pd.NaT else safe_cell(v)
                         for v in row])
    return buf.getvalue()


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text (CRLF line ends, no index) with formulas in text cells neutralised: object,
    string and categorical columns, and the header."""
    frame = frame.copy()
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(dtype) \
                or pd.api.types.is_string_dtype(dtype):
            frame[column] = frame[column].astype(object).map(safe_cell)
    frame.columns = [safe_cell(c) for c in frame.columns]
    return frame.to_csv(index=False, lineterminator=LINE_END)


def file_bytes(data: str | bytes) -> bytes:
    """The bytes a downloaded file carries: text as UTF-8 with a byte-order mark (Excel then
    reads Chinese right), bytes as they are."""
    return ("\ufeff" + data).encode("utf-8") if isinstance(data, str) else bytes(data)


def download_link(data: str | bytes, file_name: str, label: str,
                  mime: str = "text/csv") -> str:
    """An ``<a download>`` link carrying ``data`` (:func:`file_bytes`); ``file_name`` and
    ``label`` are escaped."""
    encoded = base64.b64encode(file_bytes(data)).decode("ascii")
    return (f'<a class="wb-download" download="{html.escape(file_name)}" '
            f'href="data:{mime};charset=utf-8;base64,{encoded}">{html.escape(label)}</a>')
