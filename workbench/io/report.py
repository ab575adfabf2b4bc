"""What the loader says: :class:`DataError` when a file cannot be used, :class:`LoadReport`
when it was read, and :class:`Loaded`, the frame and its report together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from ..errors import InputError



class DataError(InputError):
    """Input the workbench cannot use, explained so a planner can fix it.

    Attributes
    ----------
    en, zh : the full message (where, what, fix) in English and Chinese.
    problem, problem_zh : what is wrong, without the location and the fix.
    file : the file name (or ``None``).
    row : first offending row as seen in Excel/a text editor (1-based), or ``None``;
        ``rows`` lists all the offending rows that were found.
    column : the offending column header as written in the file (or ``None``).
    fix, fix_zh : what to do about it.

    ``str(err)`` is the English message, a newline, then the Chinese one;
    ``err.message("zh")`` gives one language.

    Examples
    --------
    >>> from workbench import io
    >>> try:
    ...     io.load(b"", name="empty.csv")
    ... except io.DataError as err:
    ...     print(err.message("en"))  # doctest: +NORMALIZE_WHITESPACE
    File 'empty.csv': the file is empty (0 bytes). Fix: export the data again and check that
    the chosen date range has data.
    """

    #: for a page to offer a mapping (:class:`workbench.io.Mapping`): the values as written
    #: that are not known levels of ``level_column`` (value -> cells) ...
    unknown: dict[str, int] = {}
    level_column: str | None = None
    #: ... or the kind read, its required columns the file lacks, and the file's headers
    kind: str | None = None
    missing: list[str] = []
    headers: list[str] = []

    def __init__(self, problem: str, problem_zh: str, *, fix: str = "", fix_zh: str = "",
                 file: str | None = None, row: int | None = None, column: str | None = None,
                 rows: Iterable[int] = (), column_letter: str | None = None,
                 canonical: str | None = None) -> None:
        self.file, self.column, self.canonical = file, column, canonical
        self.rows = [int(r) for r in rows] or ([int(row)] if row is not None else [])
        self.row = int(row) if row is not None else (self.rows[0] if self.rows else None)
        self.column_letter = column_letter
        super().__init__(problem, problem_zh, fix=fix, fix_zh=fix_zh)

    def _compose_en(self) -> str:
        where = []
        if self.file:
            where.append(f"File '{self.file}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            col = f"column {self.column_letter} " if self.column_letter else "column "
            col += f"'{self.column}'"
            if self.canonical and self.canonical != self.column:
                col += f" ({self.canonical})"
            where.append(col)
        head = ", ".join(where)
        text = f"{head}: {self.problem}" if head else self.problem
        return f"{text} Fix: {self.fix}" if self.fix else text

    def _compose_zh(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{self.file}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            col = f"{self.column_letter} 列" if self.column_letter else "列"
            col += f"“{self.column}”"
            if self.canonical and self.canonical != self.column:
                col += f"（{self.canonical}）"
            where.append(col)
        head = "，".join(where)
        text = f"{head}：{self.problem_zh}" if head else self.problem_zh
        return f"{text} 解决办法：{self.fix_zh}" if self.fix_zh else text


@dataclass
class LoadReport:
    """What the loader did with one file.

    Attributes
    ----------
    kind : the data kind the frame follows (a key of :data:`workbench.schemas.SCHEMAS`).
    detected : ``True`` when ``kind`` was detected from the headers rather than given.
    source : the file name (``"upload"`` for unnamed bytes).
    rows_read : data rows found below the header (blank lines included).
    rows_loaded : rows in the returned frame.
    notes : ``(en, zh)`` pairs, e.g. which columns were matched, which rows were dropped.
    columns : canonical name -> header as written in the file, for the columns that were read.
    unknown_levels : canonical column -> {value as written: cells} of values that are not known
        levels (blanked, or for several levels a cell, left out of the cell), counted.
    """

    kind: str
    detected: bool = False
    source: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    #: canonical column -> {value as written: cells} of levels the loader did not know
    unknown_levels: dict[str, dict[str, int]] = field(default_factory=dict)

    def note(self, en: str, zh: str) -> None:
        self.notes.append((en, zh))

    def messages(self, lang: str = "en") -> list[str]:
        """The notes in one language (``"en"`` or ``"zh"``)."""
        i = 1 if str(lang).lower().startswith("zh") else 0
        return [pair[i] for pair in self.notes]


@dataclass
class Loaded:
    """A canonical frame and the report of how it was read."""

    frame: pd.DataFrame
    report: LoadReport
