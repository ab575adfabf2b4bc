"""Web-page tables (an HTML table some backends save as ``.xls``), read with the standard
library's HTML parser; merged cells (colspan/rowspan) are laid out as a workbook lays them."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from typing import Any

from . import limits
from .decode import _decoded
from .grids import _Sheet, _read_grids
from .headers import _Raw
from .limits import _too_many_cells, _too_wide
from .report import DataError
from .sniff import _SAVE_AS_FIX
from .sources import _Source
from .values import _is_blank_cell



class _TableParser(HTMLParser):
    """Every ``<table>`` of a page as rows of cell texts; a merged cell (colspan/rowspan) keeps
    its text in its first cell and leaves the others blank, as a workbook does.

    The cells the spans lay out count against the budget as each row is built: a row wider than
    :data:`~.limits.MAX_COLUMNS`, or a page over :data:`~.limits.MAX_SHEET_CELLS` cells, is
    refused there (a few kilobytes of ``colspan=1000 rowspan=1000`` would otherwise lay out
    billions of cells)."""

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
            if len(out) + colspan > limits.MAX_COLUMNS:
                raise _too_wide(self.src.name, len(t["rows"]) + 1, len(out) + colspan)
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
        if self.cells > limits.MAX_SHEET_CELLS or len(t["rows"]) >= limits.MAX_ROWS + 1:
            raise _too_many_cells(self.src.name, ("web page", "网页"))
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
