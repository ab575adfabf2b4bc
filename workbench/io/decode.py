"""Text encodings: UTF-8 with or without BOM, UTF-16 and UTF-32 with or without BOM, GB18030
(GBK), a file whose lines mix UTF-8 and GBK (each line read in its own encoding, and the report
names the lines), and Shift-JIS told apart from Chinese."""

from __future__ import annotations

import codecs
import re

import numpy as np

from .limits import _SAMPLE_BYTES
from .report import DataError
from .sources import _Source



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
        f"文字编码混合：第 {shown.replace(', ', '、')} 行是 {few_label}，其余是 {rest}；"
        "已按各行自己的编码读取。请核对这些行，以后请另存为“CSV UTF-8”。")]


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
