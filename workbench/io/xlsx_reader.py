"""Excel ``.xlsx`` workbooks, read with openpyxl in read-only mode: each sheet's cells counted
against the budget before its rows are built, and formulas without a saved result found."""

from __future__ import annotations

import zipfile
from typing import Any

from . import limits
from .grids import _Sheet, _read_grids
from .headers import _Raw
from .limits import _too_large_unpacked, _too_many_cells, _too_many_rows, _too_wide
from .report import DataError
from .sniff import _SAVE_AS_FIX
from .sources import _Source
from .values import _is_blank_cell



def _check_xlsx_parts(src: _Source) -> None:
    """Refuse a workbook whose parts unpack past the budget before openpyxl reads any of them.

    A zip member's stated size bounds what :mod:`zipfile` returns (more fails its check), so the
    stated sizes can be trusted."""
    try:
        with zipfile.ZipFile(src.handle()) as zf:
            parts = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # openpyxl says what is wrong with it
    if sum(p.file_size for p in parts) > limits.MAX_UNPACKED_BYTES:
        raise _too_large_unpacked(src.name, ("workbook", "工作簿"))
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") \
                and part.file_size > limits.MAX_SHARED_STRINGS_BYTES:
            mb, limit = part.file_size / 2**20, limits.MAX_SHARED_STRINGS_BYTES // 2**20
            raise DataError(
                f"the workbook's table of texts (sharedStrings) unpacks to {mb:,.0f} MB, more "
                f"than the {limit} MB the workbench reads.",
                f"工作簿的文本表（sharedStrings）解压后有 {mb:,.0f} MB，"
                f"超过工作台读取的上限 {limit} MB。",
                fix="save the sheet as 'CSV UTF-8' in Excel or WPS and load that file, or delete "
                    "the sheets and columns you do not need.",
                fix_zh="请在 Excel 或 WPS 中把工作表另存为“CSV UTF-8”后导入，"
                       "或删除不需要的工作表和列。",
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
            if idx > limits.MAX_ROWS + 1:
                raise _too_many_rows(src.name)
            last = max(col for col, _v in values)
            if last > limits.MAX_COLUMNS:
                raise _too_wide(src.name, idx, last, column=get_column_letter(last))
            cells += last
            if cells > limits.MAX_SHEET_CELLS:
                raise _too_many_cells(src.name, ("sheet", "工作表"))
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
    at_en, at_zh = (f", the first in cell {first}", f"，第一个在 {first} 单元格") if first \
        else ("", "")
    return DataError(
        f"the data are formulas without saved results ({n:,} cells{at_en}): the program that "
        "wrote the file did not calculate them, so they read as blank.",
        f"数据是没有保存计算结果的公式（{n:,} 个单元格{at_zh}）：生成该文件的程序没有计算这些公式，"
        "所以读到的是空值。",
        fix="open the file in Excel or WPS (it calculates the formulas), save it, and load it "
            "again.", fix_zh="请用 Excel 或 WPS 打开文件（软件会计算公式），保存后重新导入。",
        file=src.name)
