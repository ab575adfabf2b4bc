"""The budget: what one file may hold so that reading it fits in a page's kernel.

A file over any of these limits is refused at once, before the memory is taken, with a
:class:`~workbench.io.DataError` that names the limit (README, "Your own data"). Measured: a zip
of 2,000,000 followers (220 MB of CSV) loads with a peak of 0.9 GB resident, 1.05 GB of address
space.

The readers look the limits up here when they run (``limits.MAX_ROWS``), so a test that makes
one small patches this module: ``monkeypatch.setattr(io.limits, "MAX_ROWS", 50)``.
"""

from __future__ import annotations

from .report import DataError

#: The stated upload limit. ``load()`` of bytes or a file object larger than this raises
#: :class:`DataError`. Paths on the local disk are not limited (they are the team's own files).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
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
#: How much of a file's start is read to tell its format, encoding, separator and header.
_SAMPLE_BYTES = 256 * 1024


def _too_large(name: str, size: int | None) -> DataError:
    limit = MAX_UPLOAD_BYTES // (1024 * 1024)
    if size is None:
        en, zh = "the file is", "文件大小"
    else:
        mb = size / 1024 / 1024
        en, zh = f"the file is {mb:.1f} MB,", f"文件大小为 {mb:.1f} MB，"
    return DataError(
        f"{en} over the upload limit of {limit} MB.",
        f"{zh}超过了 {limit} MB 的上传上限。",
        fix="zip it (a .zip or .gz holding one .csv or .xlsx file is read as that file, and "
            "only its compressed size counts), or export a shorter date range or split the "
            "file, and remove sheets and columns you do not need.",
        fix_zh="请把文件压缩（内含一个 .csv 或 .xlsx 文件的 .zip 或 .gz 会按该文件读取，"
               "只计压缩后的大小），或缩短导出的日期范围、拆分文件，并删除不需要的工作表和列。",
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


def _too_many_rows(name: str) -> DataError:
    return DataError(
        f"the table has more than {MAX_ROWS:,} rows, the most the workbench reads from one file.",
        f"表格超过 {MAX_ROWS:,} 行，这是工作台从一个文件读取的上限。",
        fix="export a shorter date range, or split the file and load the parts one at a time.",
        fix_zh="请缩短导出的日期范围，或拆分文件后分别导入。", file=name)


def _too_wide(name: str, row: int | None, fields: int, *, column: str = "",
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
        fix_zh="请在 Excel 或 WPS 中删除不需要的列（以及这一行末尾的空列或多余的分隔符），"
               "保存后重新导入。",
        file=name, row=row)


def _too_many_cells(name: str, what: tuple[str, str]) -> DataError:
    return DataError(
        f"the {what[0]} holds more than {MAX_SHEET_CELLS:,} cells (rows × columns), the most the "
        f"workbench reads from one {what[0]}.",
        f"该{what[1]}超过 {MAX_SHEET_CELLS:,} 个单元格（行数 × 列数），"
        f"这是工作台从一个{what[1]}读取的上限。",
        fix=f"save it as 'CSV UTF-8' (a CSV may hold up to {MAX_ROWS:,} rows), or export a "
            "shorter date range, and delete the columns you do not need.",
        fix_zh=f"请另存为“CSV UTF-8”格式（CSV 最多可含 {MAX_ROWS:,} 行），"
               "或缩短导出的日期范围，并删除不需要的列。",
        file=name)
