"""The multi-section 单篇详情 sheet (one article's readers by gender, age, region …, each
section a small table under its own title), read into ``distributions`` rows."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from .aliases import _levels, _lookup_header, _norm_header, _norm_value
from .headers import _Raw
from .report import DataError
from .sources import _Source
from .values import _is_blank_cell



def _is_section_grid(rows: list[list[Any]] | list[tuple]) -> bool:
    table = _levels().get("section", {})
    return any(table.get(_norm_value(c)) for row in rows for c in row
               if isinstance(c, str) and c.strip())


_TITLE_LABELS = {"内容标题", "标题", "文章标题", "图文标题", "title"}


def _grid_title(grid: list[list[Any]], first_section_row: int) -> str | None:
    for r in range(min(first_section_row, len(grid))):
        row = grid[r]
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = unicodedata.normalize("NFKC", cell).strip()
            m = re.match(r"^(内容标题|文章标题|图文标题|标题|title)\s*[:：]\s*(.+)$", text, re.I)
            if m:
                return m.group(2).strip()
            if _norm_header(text) in _TITLE_LABELS:
                for nxt in row[c + 1:]:
                    if not _is_blank_cell(nxt):
                        return str(nxt).strip()
                below = grid[r + 1] if r + 1 < len(grid) else []
                if c < len(below) and not _is_blank_cell(below[c]):
                    return str(below[c]).strip()
            m = re.search(r"《(.+?)》", text)
            if m:
                return m.group(1).strip()
    return None


def _sections_to_raw(grid: list[list[Any]], src: _Source, kind: str | None) -> _Raw:
    sections = _levels()["section"]
    found = []  # (row, col, dimension or "")
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                key = _norm_value(cell)
                if key in sections:
                    found.append((r, c, sections[key], cell.strip()))
    found.sort()
    section_rows = {r for r, *_ in found}
    first = found[0][0] if found else 0
    title = _grid_title(grid, first)
    out = {"title": [], "dimension": [], "level": [], "users": [], "share": []}
    rownums: list[int] = []
    ignored = []
    for r, c, dim, label in found:
        if not dim:
            ignored.append(label)
            continue
        # the section's header row: the next non-blank row
        h = r + 1
        while h < len(grid) and all(_is_blank_cell(v) for v in grid[h][c:c + 3]):
            h += 1
        if h >= len(grid):
            continue
        header = grid[h]
        pos_users = pos_share = None
        for p in range(c, len(header)):
            if _is_blank_cell(header[p]):
                if p > c:
                    break
                continue
            hit = _lookup_header("distributions", header[p])
            if hit and hit.canonical == "users" and pos_users is None:
                pos_users = p
            elif hit and hit.canonical == "share" and pos_share is None:
                pos_share = p
        if pos_users is None:
            raise DataError(
                f"the section '{label}' has no 人数 (users) column in its header row.",
                f"“{label}”部分的表头行中没有“人数”列。",
                fix="keep the section as exported (分类/人数/占比), or put the data in a table "
                    "with columns dimension, level, users, share.",
                fix_zh="请保留导出时的格式（分类/人数/占比），"
                       "或整理成包含 维度、分类、人数、占比 列的表格。",
                file=src.name, row=h + 1, column=label)
        d = h + 1
        while d < len(grid) and d not in section_rows:
            row = grid[d]
            level = row[c] if c < len(row) else None
            if _is_blank_cell(level):
                break
            out["title"].append(title)
            out["dimension"].append(dim)
            out["level"].append(level)
            out["users"].append(row[pos_users] if pos_users < len(row) else None)
            out["share"].append(row[pos_share] if pos_share is not None and pos_share < len(row)
                                else None)
            rownums.append(d + 1)
            d += 1
    cols = {k: pd.Series(v, dtype=object) for k, v in out.items()}
    raw = _Raw("distributions", kind is None, cols, np.asarray(rownums, dtype=int),
               {"title": "内容标题", "dimension": "维度", "level": "分类", "users": "人数",
                "share": "占比"},
               {k: None for k in out}, True, 0)
    if kind is None:
        used = [f[3] for f in found if f[2]]
        raw.notes.append((
            f"Detected kind 'distributions' from the sections {', '.join(used)} (单篇详情 sheet).",
            f"根据 {'、'.join(used)} 等部分识别为“distributions”（单篇详情 读者分布）。"))
    if ignored:
        raw.notes.append((f"Sections not used: {', '.join(ignored)}.",
                          f"未使用的部分：{'、'.join(ignored)}。"))
    if title:
        raw.notes.append((f"Article title: {title}.", f"文章标题：{title}。"))
    return raw
