"""Header detection: which row is the header (it may span two rows where the export merged
cells), which kind of data the headers say the file holds, and which column is which canonical
column (:class:`_Mapped`). :class:`_Raw` is a table's mapped columns before their values are
parsed, what every reader hands to :mod:`~workbench.io.build`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .. import schemas
from ..schemas import Column, Schema
from .aliases import _aliases, _clean_cell, _display_alias, _lookup_header, _norm_header
from .report import DataError
from .sources import _Source

_HEADER_SCAN_ROWS = 30


def _row_scores(cells: list[Any], kinds: Iterable[str]) -> dict[str, float]:
    scores = {}
    for kind in kinds:
        sch = schemas.schema(kind)
        required = set(sch.required)
        seen: set[str] = set()
        score = 0.0
        for cell in cells:
            hit = _lookup_header(kind, cell)
            if hit is None:
                continue
            target = hit.canonical or f"_ignored:{_norm_header(cell)}"
            if target in seen:
                continue
            seen.add(target)
            score += 3 if target in required else 1
        if score and required - _derivable(kind, seen) <= seen:
            score += 2  # every required column present: prefer a kind the file fully satisfies
        scores[kind] = score
    return scores


def _derivable(kind: str, present: set[str]) -> set[str]:
    """Required columns that can be computed from the ``present`` ones."""
    if kind == "activities" and any(c.startswith("cost_") for c in present):
        return {"cost_total"}
    return set()


def _find_header(rows: list[list[Any]], kinds: tuple[str, ...]
                 ) -> tuple[int, dict[str, float], list[Any]]:
    """The header: (row index, score per kind, the header cells).

    A header may span two rows when the export merged cells above it: ``阅读`` merged over
    ``人数 | 次数`` reads as ``阅读人数 | 阅读次数``, and a cell merged down over both rows
    (``发表时间``) keeps its text. The data starts below the row at the returned index.
    """
    best_idx, best_scores, best, best_header = -1, {}, 0.0, []
    prev: list[Any] | None = None
    for idx, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        cells = [c for c in row if _norm_header(c)]
        if not cells:
            prev = None
            continue
        candidates = [list(row)]
        if prev is not None:
            combined = _two_row_header(prev, list(row), kinds)
            if combined != list(row):
                candidates.append(combined)
        for header in candidates:
            scores = _row_scores([c for c in header if _norm_header(c)], kinds)
            top = max(scores.values()) if scores else 0.0
            if best_idx < 0 and top == 0:
                best_idx, best_scores, best_header = idx, scores, header  # first non-blank row
            if top > best:
                best_idx, best_scores, best, best_header = idx, scores, top, header
        prev = list(row)
    return best_idx, best_scores, [_clean_cell(c) for c in best_header]


def _two_row_header(parent: list[Any], child: list[Any], kinds: tuple[str, ...]) -> list[Any]:
    """``child`` completed from the row above: merged group cells (``阅读`` over ``人数``/``次数``)
    are prefixed where that gives a known header; blank cells take the text above them."""
    width = max(len(parent), len(child))
    parent = parent + [None] * (width - len(parent))
    child = child + [None] * (width - len(child))
    seen = [_norm_header(c) for c in child]
    out: list[Any] = []
    group = None  # the merged group cell spanning this column (its text is in the first column)
    for p, c, key in zip(parent, child, seen):
        if _norm_header(p):
            group = p
        if not key:
            out.append(p if _norm_header(p) else c)  # a cell merged down over both rows
            continue
        if group is not None:
            joined = f"{str(group).strip()}{str(c).strip()}"
            # the group's name is kept when it makes a known header and the cell alone is not
            # one, or is one that repeats under several groups (人数 under 阅读 and 分享)
            alone = any(_lookup_header(k, c) for k in kinds) and seen.count(key) == 1
            if not alone and any(_lookup_header(k, joined) for k in kinds):
                out.append(joined)
                continue
        out.append(c)
    return out


def _kind_requirements() -> tuple[str, str]:
    en, zh = [], []
    for kind in schemas.KINDS:
        sch = schemas.schema(kind)
        en.append(f"{kind}: " + ", ".join(sch.required))
        zh.append(f"{kind}（{sch.zh}）：" + "、".join(sch[c].zh for c in sch.required))
    return "; ".join(en), "；".join(zh)


def _choose_kind(scores: dict[str, float], headers: list[Any], src: _Source) -> str:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    shown = ", ".join(str(h) for h in headers if _norm_header(h))[:300] or "(none)"
    need_en, need_zh = _kind_requirements()
    if not ranked or ranked[0][1] == 0:
        raise DataError(
            f"could not tell what kind of data this is: no header matches a known column "
            f"(headers found: {shown}). Each kind needs: {need_en}.",
            f"无法判断这是哪一类数据：没有表头与已知列名匹配（找到的表头：{shown}）。各类数据需要的列：{need_zh}。",
            fix="rename the headers to the names above (English or Chinese), or choose the kind "
                "of data explicitly.",
            fix_zh="请把表头改成上面列出的名称（中英文均可），或明确选择数据类型。", file=src.name)
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        tied = [k for k, v in ranked if v == ranked[0][1]]
        raise DataError(
            f"the headers fit several kinds of data equally well ({', '.join(tied)}; headers "
            f"found: {shown}). Each kind needs: {need_en}.",
            f"表头同样符合多种数据类型（{'、'.join(tied)}；找到的表头：{shown}）。各类数据需要的列：{need_zh}。",
            fix="choose the kind of data explicitly, or add the columns the intended kind needs.",
            fix_zh="请明确选择数据类型，或补充目标类型所需的列。", file=src.name)
    return ranked[0][0]


def _col_letter(idx: int) -> str:
    s, n = "", idx + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class _Mapped:
    kind: str
    positions: dict[str, int]  # canonical -> column position in the file
    headers: dict[str, str]  # canonical -> header text as written
    unused: list[str]
    wechat: bool  # any WeChat-only header (an export from the WeChat backend / datacube)
    notes: list[tuple[str, str]]


def _map_headers(kind: str, header: list[Any], header_row: int, src: _Source) -> _Mapped:
    seen_keys: dict[str, int] = {}
    chosen: dict[str, tuple[int, int]] = {}  # canonical -> (priority, position)
    unused, notes = [], []
    wechat = False
    shadowed: list[tuple[str, str, str]] = []
    no_header: list[int] = []
    for pos, cell in enumerate(header):
        key = _norm_header(cell)
        if not key:
            no_header.append(pos)
            continue
        hit = _lookup_header(kind, cell)
        if key in seen_keys and hit is not None and hit.canonical:  # a column that is used
            first = seen_keys[key]
            raise DataError(
                f"the header '{cell}' appears twice (columns {_col_letter(first)} and "
                f"{_col_letter(pos)}), so it is not clear which one to use.",
                f"表头“{cell}”出现了两次（{_col_letter(first)} 列和 {_col_letter(pos)} 列），"
                "无法确定使用哪一列。",
                fix="rename or delete one of the two columns so that every header is unique.",
                fix_zh="请重命名或删除其中一列，使每个表头都唯一。",
                file=src.name, row=header_row, column=str(cell), column_letter=_col_letter(pos))
        if key in seen_keys:  # an unused column twice: nothing is ambiguous
            unused.append(f"{str(cell).strip()} ({_col_letter(pos)})")
            continue
        seen_keys[key] = pos
        if hit is None or not hit.canonical:
            unused.append(str(cell).strip())
            if hit is not None and hit.source:
                wechat = True
            continue
        if hit.source:
            wechat = True
        if hit.canonical in chosen:
            prev_pri, prev_pos = chosen[hit.canonical]
            if hit.priority < prev_pri:
                shadowed.append((str(header[prev_pos]), str(cell), hit.canonical))
                chosen[hit.canonical] = (hit.priority, pos)
            else:
                shadowed.append((str(cell), str(header[prev_pos]), hit.canonical))
            continue
        chosen[hit.canonical] = (hit.priority, pos)
    for dropped, kept, canon in shadowed:
        notes.append((f"Columns '{kept}' and '{dropped}' both mean {canon}: used '{kept}'.",
                      f"“{kept}”和“{dropped}”两列含义相同（{canon}）：使用“{kept}”。"))
    inner = [p for p in no_header if any(_norm_header(h) for h in header[p + 1:])]
    if inner:
        letters = ", ".join(_col_letter(p) for p in inner[:8])
        notes.append((f"Column(s) {letters} have no header and were not used.",
                      f"{letters.replace(', ', '、')} 列没有表头，未使用。"))
    positions = {c: p for c, (_, p) in chosen.items()}
    headers = {c: str(header[p]).strip() for c, p in positions.items()}
    return _Mapped(kind, positions, headers, unused, wechat, notes)


def _missing_required(mapped: _Mapped, header: list[Any], src: _Source, header_row: int) -> None:
    sch = schemas.schema(mapped.kind)
    present = set(mapped.positions)
    missing = [c for c in sch.required
               if c not in present and c not in _derivable(mapped.kind, present)]
    if not missing:
        return
    table = _aliases(mapped.kind)
    found = [str(h).strip() for h in header if _norm_header(h)]
    found_keys = {_norm_header(h): h for h in found}
    parts_en, parts_zh = [], []
    for name in missing:
        col = sch[name]
        names = [a for a, v in table.items() if v.canonical == name]
        close = difflib.get_close_matches(_norm_header(col.zh), list(found_keys), n=3, cutoff=0.4)
        for alias in names:
            for hit in difflib.get_close_matches(alias, list(found_keys), n=2, cutoff=0.6):
                if hit not in close:
                    close.append(hit)
        close_txt = ", ".join(f"'{found_keys[k]}'" for k in close[:3])
        accepted = ", ".join(a for a in dict.fromkeys(
            [name, col.zh, _display_alias(mapped.kind, name)]) if a)
        parts_en.append(f"{name} ({col.zh}; accepted headers include {accepted})"
                        + (f" - closest headers in the file: {close_txt}" if close_txt else ""))
        parts_zh.append(f"{col.zh}（{name}；可用表头包括 {accepted}）"
                        + (f"，文件中最接近的表头：{close_txt}" if close_txt else ""))
    if mapped.kind == "activities" and "cost_total" in missing:
        parts_en.append("(cost_total can also be computed from cost items such as cost_prizes, "
                        "cost_ads)")
        parts_zh.append("（总成本也可由奖品成本、广告投放费用等成本项相加得到）")
    other = _fitting_kinds(header, exclude=mapped.kind)
    if other:  # the file is of another kind than the one chosen
        o = schemas.schema(other[0])
        raise DataError(
            f"this file looks like {other[0]} data ({o.zh}), not {mapped.kind} data: its headers "
            f"have every column {other[0]} needs, but {mapped.kind} data needs "
            + "; ".join(parts_en) + ".",
            f"这个文件看起来是{o.zh}（{other[0]}），而不是{sch.zh}（{mapped.kind}）：表头包含{o.zh}"
            "所需的全部列，但" + sch.zh + "需要" + "；".join(parts_zh) + "。",
            fix=f"choose the kind '{other[0]}' for this file, or choose the {mapped.kind} file "
                "instead.",
            fix_zh=f"请把这个文件的数据类型选为“{o.zh}”（{other[0]}），或改选{sch.zh}的文件。",
            file=src.name, row=header_row)
    err = DataError(
        f"required column(s) missing for {mapped.kind} data: " + "; ".join(parts_en) + ".",
        f"{sch.zh}缺少必需的列：" + "；".join(parts_zh) + "。",
        fix="rename the matching column to one of the accepted headers, or add the column.",
        fix_zh="请把对应的列改成可用的表头名称，或补充这一列。",
        file=src.name, row=header_row)
    # for a page to offer the mapping: which columns, of which kind, and the file's headers
    err.kind, err.missing, err.headers = mapped.kind, list(missing), found
    raise err


def _fitting_kinds(header: list[Any], exclude: str | None = None) -> list[str]:
    """Kinds whose required columns all appear in ``header``, best match first."""
    cells = [c for c in header if _norm_header(c)]
    fits = []
    for kind in schemas.KINDS:
        if kind == exclude:
            continue
        present = {hit.canonical for c in cells
                   if (hit := _lookup_header(kind, c)) is not None and hit.canonical}
        need = set(schemas.schema(kind).required) - _derivable(kind, present)
        if need <= present:
            fits.append(kind)
    scores = _row_scores(cells, tuple(fits)) if fits else {}
    return sorted(fits, key=lambda k: -scores.get(k, 0))


@dataclass
class _Raw:
    """The mapped columns of one table, before value parsing."""

    kind: str
    detected: bool
    columns: dict[str, pd.Series]  # canonical -> raw values (RangeIndex)
    rownums: np.ndarray  # user-visible row number of each row
    headers: dict[str, str]
    letters: dict[str, str | None]
    wechat: bool
    header_row: int
    notes: list[tuple[str, str]] = field(default_factory=list)
    na_done: bool = False  # NA tokens already turned into NA (read_csv na_values)
    unsaved_formulas: int = 0  # workbook formula cells without a saved result (read as blank)
    first_unsaved: str | None = None

    def __len__(self) -> int:
        return len(self.rownums)


def _schema_col(sch: Schema, name: str) -> Column | None:
    try:
        return sch[name]
    except KeyError:
        return None


def _note_columns(raw: _Raw, mapped: _Mapped, scores: dict[str, float] | None, sep: str | None
                  ) -> None:
    heads = list(mapped.headers.values())
    shown = ", ".join(heads[:4]) + ("…" if len(heads) > 4 else "")
    shown_zh = "、".join(heads[:4]) + ("…" if len(heads) > 4 else "")
    if scores is not None:
        kind_zh = schemas.schema(mapped.kind).zh
        raw.notes.insert(0, (f"Detected kind '{mapped.kind}' from headers {shown}.",
                             f"根据表头 {shown_zh} 识别为“{mapped.kind}”（{kind_zh}）。"))
    if mapped.unused:
        names = ", ".join(mapped.unused[:8]) + ("…" if len(mapped.unused) > 8 else "")
        raw.notes.append((f"Columns not used: {names}.",
                          f"未使用的列：{names.replace(', ', '、')}。"))
    if sep is not None and sep != ",":
        label = {"\t": "tab", ";": "semicolon", "|": "vertical bar"}[sep]
        label_zh = {"\t": "制表符", ";": "分号", "|": "竖线"}[sep]
        raw.notes.append((f"Separator: {label}.", f"分隔符：{label_zh}。"))
