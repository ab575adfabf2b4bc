"""Header aliases and level names: the tables in ``workbench/aliases/``, and the keys headers
and values are compared by.

``aliases/<kind>.csv`` (``alias,canonical,source``) says which header means which canonical
column; an empty ``canonical`` marks a known export column that is not kept, and ``source`` is
``wechat``/``datacube`` for headers only WeChat's exports use. ``aliases/levels.csv``
(``column,alias,code``) maps level names (男, 25-34岁, 朋友圈, 广东省 …) to their codes; an empty
``code`` means "no level" (the 全部 channel row is the all-channel total).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import schemas

_ALIAS_DIR = Path(__file__).resolve().parents[1] / "aliases"


def _norm_header(text: Any) -> str:
    """Header key: NFKC (full-width → half-width), lower case, no spaces/underscores/dashes."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return _norm_header_text(str(text))


#: Characters that are invisible in a header cell: byte-order marks (a file saved twice with a
#: BOM starts with two) and zero-width spaces and joiners.
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")


def _clean_cell(value: Any) -> Any:
    """A header cell as the user sees it: without invisible characters."""
    return _INVISIBLE.sub("", value).strip() if isinstance(value, str) else value


@lru_cache(maxsize=65536)
def _norm_header_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).strip().lower()
    s = s.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    s = re.sub(r"[\s_\-·.*:：]+", "", s)
    return s


def _strip_unit(key: str) -> str:
    """``阅读后关注(人)`` → ``阅读后关注``: drop a trailing bracketed unit."""
    return re.sub(r"\([^()]*\)$", "", key)


def _norm_value(text: Any) -> str:
    """Level key: NFKC, lower case, no inner spaces, dashes/tildes unified to ``-``."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[~～–—至到]", "-", s)
    return s


@dataclass(frozen=True)
class _Alias:
    canonical: str  # "" = known export column, not kept
    source: str  # "wechat" / "datacube" / ""
    priority: int


@lru_cache(maxsize=None)
def _aliases(kind: str) -> dict[str, _Alias]:
    sch = schemas.schema(kind)
    table: dict[str, _Alias] = {}
    path = _ALIAS_DIR / f"{kind}.csv"
    rows = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows):
        key = _norm_header(row["alias"])
        if key and key not in table:
            table[key] = _Alias((row.get("canonical") or "").strip(),
                                (row.get("source") or "").strip(), i)
    # the schema's own English and Chinese names are always aliases
    n = len(rows)
    for j, col in enumerate(sch.columns):
        for text in (col.name, col.zh):
            key = _norm_header(text)
            if key and key not in table:
                table[key] = _Alias(col.name, "", n + j)
    return table


@dataclass(frozen=True)
class Mapping:
    """A team's own names, kept with its workspace and applied when its files are read:
    ``columns[kind][header as written] = canonical column`` (阅读人数 read as reads) and
    ``levels[column][value as written] = level code`` (``tier3+`` as tier3_plus; ``""`` leaves
    the value blank on purpose). They win over the built-in alias tables."""

    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    levels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.columns or self.levels)


#: the mapping of the file being read (:func:`workbench.io.read`'s ``mapping``)
_MAPPING: ContextVar[Mapping | None] = ContextVar("workbench_io_mapping", default=None)


def _lookup_header(kind: str, header: Any) -> _Alias | None:
    if header is None or (isinstance(header, str) and not header.strip()):
        return None
    table = _aliases(kind)
    key = _norm_header(header)
    if not key:
        return None
    mapping = _MAPPING.get()
    if mapping is not None:
        for written, canonical in mapping.columns.get(kind, {}).items():
            if _norm_header(written) == key and canonical in schemas.schema(kind).names:
                return _Alias(canonical, "", -1)  # the team's word first
    hit = table.get(key)
    if hit is None:
        bare = _strip_unit(key)
        if bare != key:
            hit = table.get(bare)
    return hit


@lru_cache(maxsize=None)
def _levels() -> dict[str, dict[str, str]]:
    """column -> {normalised alias: code}; codes themselves are added by :func:`_level_table`."""
    out: dict[str, dict[str, str]] = {}
    with (_ALIAS_DIR / "levels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["column"].strip(), {})[_norm_value(row["alias"])] = (
                row.get("code") or "").strip()
    return out


@lru_cache(maxsize=None)
def _built_in_levels(column: str, levels: tuple[str, ...]) -> dict[str, str]:
    table = dict(_levels().get(column, {}))
    for code in levels:
        table.setdefault(_norm_value(code), code)
        table.setdefault(_norm_value(code.replace("_", " ")), code)
    return table


def _level_table(column: str, levels: tuple[str, ...]) -> dict[str, str]:
    """value as written (normalised) -> level code: the built-in names, and the team's own
    (:class:`Mapping`) over them while its file is read."""
    table = _built_in_levels(column, levels)
    mapping = _MAPPING.get()
    if mapping is None or not mapping.levels.get(column):
        return table
    table = dict(table)
    for written, code in mapping.levels[column].items():
        if code == "" or code in levels:
            table[_norm_value(written)] = code
    return table


def _display_alias(kind: str, canonical: str) -> str:
    """A readable alias (as written in the alias file) for messages."""
    path = _ALIAS_DIR / f"{kind}.csv"
    if not path.exists():
        return ""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["canonical"] == canonical and row["alias"] != canonical:
                return row["alias"]
    return ""
