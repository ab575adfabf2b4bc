"""Tables already split into cells, a workbook's sheets or a web page's tables: the one whose
header best matches a kind is picked (a notes sheet before the data does not win) and mapped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import schemas
from .headers import (
    _HEADER_SCAN_ROWS, _Raw, _choose_kind, _col_letter, _find_header, _map_headers,
    _missing_required, _note_columns,
)
from .sections import _is_section_grid
from .sources import _Source



@dataclass
class _Sheet:
    """A workbook sheet's rows (each as wide as its last value) and what reading them found."""

    title: str
    rows: list[tuple]
    unsaved_formulas: int = 0  # formula cells without a saved result (read as blank)
    first_unsaved: str | None = None  # the first such cell, e.g. "C2"


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
