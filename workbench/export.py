"""Files the user takes away: CSV text that spreadsheets open safely, and download links.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel and WPS; exported
text (persona names, titles, scenario names: user text) gets a leading apostrophe so it stays
text (OWASP "CSV injection"). Numbers are written as numbers.

>>> import pandas as pd
>>> csv_text(pd.DataFrame({"name": ["=1+1", "ok"], "n": [-1, 2]}))
"name,n\\n'=1+1,-1\\nok,2\\n"
"""

from __future__ import annotations

import base64
import html

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` with a leading apostrophe when it is text a spreadsheet would run."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text (``\\n`` line ends, no index) with formulas in text cells neutralised."""
    frame = frame.copy()
    for column in frame.select_dtypes(include=["object", "string"]).columns:
        frame[column] = frame[column].map(safe_cell)
    return frame.to_csv(index=False, lineterminator="\n")


def download_link(data: str | bytes, file_name: str, label: str,
                  mime: str = "text/csv") -> str:
    """An ``<a download>`` link carrying ``data`` (text gets a UTF-8 BOM so Excel reads
    Chinese right); ``file_name`` and ``label`` are escaped."""
    raw = ("\ufeff" + data).encode("utf-8") if isinstance(data, str) else bytes(data)
    encoded = base64.b64encode(raw).decode("ascii")
    return (f'<a class="wb-download" download="{html.escape(file_name)}" '
            f'href="data:{mime};charset=utf-8;base64,{encoded}">{html.escape(label)}</a>')
