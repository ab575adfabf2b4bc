"""What a file really is, whatever its name: an ``.xlsx`` workbook, a web-page table (often
named ``.xls``) or CSV text. Everything else (PDFs, images, archives, old Excel 97-2003 ``.xls``,
encrypted or damaged workbooks, an Excel 2003 XML sheet, a login page saved instead of the
export) is refused here with what it is and what to do."""

from __future__ import annotations

import codecs
import re
import zipfile

from .decode import _utf16_guess, _utf32_guess
from .limits import _SAMPLE_BYTES
from .report import DataError
from .sources import _Source, _XLSX_MEMBERS

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
            fix_zh="请重新下载或导出文件（等下载完成后再导入）；"
                   "如果 Excel 仍能打开，请重新另存为 .xlsx。",
            file=src.name)
    raise _unsupported(src, f"this is a zip archive ({suffix or 'no extension'}), not an Excel "
                       ".xlsx workbook or a CSV file.",
                       f"这是一个压缩包（{suffix or '无扩展名'}），"
                       "不是 Excel .xlsx 工作簿或 CSV 文件。")


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
                               f"这个文件{named_zh}是{what[1]}，不是表格；"
                               "工作台只能读取 .csv 和 .xlsx 文件中的表格。")
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
                           "这个文件实际上是不含表格的网页（HTML），"
                           f"虽然文件名为“{suffix or src.name}”"
                           "（例如保存成了登录页或错误页，而不是导出的数据）。")
    if suffix in _BINARY_SUFFIXES:
        raise _unsupported(src, f"'{suffix}' files cannot be read; the workbench reads .csv and "
                           ".xlsx files.",
                           f"无法读取“{suffix}”文件；工作台只能读取 .csv 和 .xlsx 文件。")
    return "csv"
