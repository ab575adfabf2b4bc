"""Where a file comes from: a path, bytes, a file object or an ipywidgets upload entry
(:class:`_Source`), refused past the upload limit; and the one table inside a ``.zip`` or
``.gz``, unpacked within the budget."""

from __future__ import annotations

import gzip
import io as _io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import limits
from .limits import _too_large, _too_large_unpacked
from .report import DataError

#: What a ``.zip`` may hold besides its one table: folders and the files macOS and Windows add.
_ZIP_LITTER = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)|/$")
#: Tables a ``.zip`` may hold (an ``.xls`` is taken out to be refused with its own message);
#: a ``.txt`` counts when there is no other.
_PACKED_TABLES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls")


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


def _read_limited(stream: Any, name: str) -> bytes:
    """All of ``stream`` (a file object that decompresses), refused past
    :data:`~.limits.MAX_UNPACKED_BYTES` without reading further (a small archive can unpack to far
    more than its stated size)."""
    chunks, total = [], 0
    while chunk := stream.read(1 << 20):
        total += len(chunk)
        if total > limits.MAX_UNPACKED_BYTES:
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
                            fix_zh="请重新压缩文件（或直接上传 .csv 文件）。",
                            file=src.name) from None
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
                "one table at a time.",
                f"压缩包里有多个表格（{shown}{more}）；工作台一次读取一个表格。",
                fix="upload a zip that holds only the one .csv or .xlsx file you want to use, "
                    "or the file itself.",
                fix_zh="请上传只含一个 .csv 或 .xlsx 文件的压缩包，或直接上传该文件。",
                file=src.name)
        if not tables:
            return src  # _sniff_zip says what it is
        member = tables[0]
        if member.flag_bits & 0x1:
            raise DataError("the zip archive is protected with a password, so it cannot be read.",
                            "压缩包设置了密码，无法读取。",
                            fix="zip the file again without a password, or upload the file itself.",
                            fix_zh="请不加密码重新压缩，或直接上传该文件。", file=src.name)
        if member.file_size > limits.MAX_UNPACKED_BYTES:
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
                            fix="choose a .csv or .xlsx file.",
                            fix_zh="请选择 .csv 或 .xlsx 文件。", file=label)
        return _Source(label, path=path)
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        label = name or "upload"
        if len(data) > limits.MAX_UPLOAD_BYTES:
            raise _too_large(label, len(data))
        return _Source(label, data=data)
    if hasattr(src, "read"):
        label = name or Path(str(getattr(src, "name", "") or "upload")).name
        data = src.read(limits.MAX_UPLOAD_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > limits.MAX_UPLOAD_BYTES:
            raise _too_large(label, None)  # not read to the end: it may be huge
        return _Source(label, data=bytes(data))
    raise DataError(f"cannot read an object of type {type(src).__name__}.",
                    f"无法读取类型为 {type(src).__name__} 的对象。",
                    fix="pass a file path, the file's bytes or an open binary file.",
                    fix_zh="请传入文件路径、文件内容（bytes）或以二进制方式打开的文件。")


#: The first member of an .xlsx package is one of these.
_XLSX_MEMBERS = ("[Content_Types].xml", "_rels/", "xl/", "docProps/", "customXml/")
