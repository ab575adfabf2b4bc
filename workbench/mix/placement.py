"""Putting the weekly plan on dates, times and WeChat push slots: the best slots from the
history, pushes on the best days, and an order in which no content type runs back to back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import schemas
from ..errors import InputError
from ..festivals import day_marks
from .calendar import Calendar, CalendarItem, apply_tracking, known_status
from .common import POSITIONED, _plat
from .estimates import ASSUMED_DECAY
from .rules import Constraints

#: Hours used when a platform has no timing history.
DEFAULT_POST_HOURS: tuple[int, ...] = (20, 12, 21, 8, 18, 19, 22, 10, 15)
_DFS_NODES = 20_000


def parse_start(start: dt.date | str | None) -> dt.date:
    """The calendar's first day: a date, ISO text, or ``None`` for next Monday."""
    if start is None:
        today = dt.date.today()
        return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    if isinstance(start, dt.datetime):
        return start.date()
    if isinstance(start, dt.date):
        return start
    try:
        return dt.date.fromisoformat(str(start))
    except ValueError:
        raise InputError(f"Cannot read the start date {start!r}.", f"无法识别开始日期 {start!r}。",
                         fix="Use YYYY-MM-DD, e.g. 2026-03-02.",
                         fix_zh="请用 YYYY-MM-DD 格式，例如 2026-03-02。") from None


def _platform_slots(info: Mapping[str, Any] | None) -> tuple[dict[int, list[tuple[int, float]]],
                                                             list[int], np.ndarray]:
    """Per weekday the candidate hours best first, the platform's hours, and weekday scores."""
    by_day: dict[int, list[tuple[int, float]]] = {w: [] for w in range(7)}
    hours = list(info.get("hours", [])) if info else []
    for wd, hr, mult in (info.get("slots", []) if info else []):
        by_day[int(wd)].append((int(hr), float(mult)))
    for w in by_day:
        by_day[w].sort(key=lambda t: (-t[1], t[0]))
    score = np.array([by_day[w][0][1] if by_day[w] else 1.0 for w in range(7)])
    return by_day, hours or list(DEFAULT_POST_HOURS), score


def _hours_for_day(by_day: dict[int, list[tuple[int, float]]], hours: list[int], weekday: int,
                   k: int) -> list[tuple[int, float]]:
    chosen: list[tuple[int, float]] = []
    seen: set[int] = set()
    for h, m in by_day[weekday]:
        if len(chosen) == k:
            break
        chosen.append((h, m))
        seen.add(h)
    for h in list(hours) + list(DEFAULT_POST_HOURS) + list(range(24)):
        if len(chosen) == k:
            break
        if h not in seen:
            chosen.append((h, 1.0))
            seen.add(h)
    return sorted(chosen)


def _arrange(pools_of_slots: list[str], pools: dict[str, dict[str, int]], prev: str | None,
             rank: dict[str, int]) -> list[str] | None:
    """Types for the slots in order so that no two neighbours share a type (None if impossible).

    Depth-first search, most-remaining type first (ties: higher value), pruned by the counting
    bound (a type can fill at most every other remaining slot). Untagged posts may neighbour
    each other: nobody knows their types.
    """
    n = len(pools_of_slots)
    counts = {k: dict(v) for k, v in pools.items()}
    out: list[str] = []
    nodes = 0

    def remaining_total(t: str) -> int:
        return sum(c.get(t, 0) for c in counts.values())

    def ok(i: int, last: str | None) -> bool:
        left = n - i
        for t in rank:
            if t == schemas.UNTAGGED:
                continue
            r = remaining_total(t)
            if r > (left + 1) // 2 or (t == last and r > left // 2):
                return False
        return True

    def dfs(i: int, last: str | None) -> bool:
        nonlocal nodes
        if i == n:
            return True
        nodes += 1
        if nodes > _DFS_NODES or not ok(i, last):
            return False
        pool = counts[pools_of_slots[i]]
        cands = sorted((t for t, c in pool.items()
                        if c > 0 and (t != last or t == schemas.UNTAGGED)),
                       key=lambda t: (-remaining_total(t), rank[t]))
        for t in cands:
            pool[t] -= 1
            out.append(t)
            if dfs(i + 1, t):
                return True
            out.pop()
            pool[t] += 1
        return False

    return out if dfs(0, prev) else None


def _greedy(pools_of_slots: list[str], pools: dict[str, dict[str, int]], prev: str | None,
            rank: dict[str, int]) -> list[str]:
    counts = {k: dict(v) for k, v in pools.items()}
    out = []
    last = prev
    for pool_name in pools_of_slots:
        pool = counts[pool_name]
        cands = sorted((t for t, c in pool.items() if c > 0),
                       key=lambda t: (t == last, -pool[t], rank[t]))
        t = cands[0]
        pool[t] -= 1
        out.append(t)
        last = t
    return out


def check_weeks(weeks: Any) -> int:
    """``weeks`` as an int, if it is a whole number of weeks from 1 to 52."""
    if not isinstance(weeks, (int, np.integer)) or isinstance(weeks, bool) or not 1 <= weeks <= 52:
        raise InputError(f"The calendar covers 1 to 52 weeks, not {weeks!r}.",
                         f"日历可覆盖 1 到 52 周，而不是 {weeks!r}。")
    return int(weeks)


def place(cells: pd.DataFrame, cons: Constraints, slots: Mapping[str, Any],
          decays: Mapping[str, float], statuses: dict[str, str], first: dt.date, weeks: int,
          tracking: dict[str, dict] | None = None) -> Calendar:
    """A plan's posts (``cells``, as :attr:`MixPlan.cells`) on the dates of ``weeks`` weeks
    from ``first``, in the history's best ``slots``; ``statuses`` are the plan's review
    statuses and ``tracking`` what the team tracks of each item (topic, owner, moves,
    history), kept by the calendar (see :class:`Calendar`)."""
    last = first + dt.timedelta(days=7 * weeks - 1)
    marks = day_marks(first, last)
    value = {(r.platform, r.content_type): float(r.reads_per_post)
             for r in cells.itertuples()}
    items: list[CalendarItem] = []
    warnings: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    prev_type: dict[str, str] = {}
    push_no: dict[str, int] = {}
    weekly = {p: wk for p in cons.platforms
              if (wk := _platform_week(cells, p, value, slots)) is not None}
    for w in range(weeks):
        days = [first + dt.timedelta(days=7 * w + i) for i in range(7)]
        for p, wk in weekly.items():
            # the week's days, best first by the platform's best slot on that weekday
            order = sorted(range(7), key=lambda i: (-wk.score[days[i].weekday()], i))
            if p in POSITIONED:
                slot_list, pools = _push_slots(wk, days, order)
            else:
                slot_list, pools = _post_slots(wk, days, order)
            slot_list.sort(key=lambda s: (s[0], s[1] or 0))
            types, note, warning = _order_types([s[2] for s in slot_list], pools, wk,
                                                prev_type.get(p), p, days[0])
            notes += [note] if note else []
            warnings += [warning] if warning else []
            seen: dict[str, int] = {}
            day_seq: dict[dt.date, int] = {}
            for (when, pos, _, mult), t in zip(slot_list, types):
                seen[t] = seen.get(t, 0) + 1
                d = when.date()
                if pos is None:
                    day_seq[d] = day_seq.get(d, 0) + 1
                    n = day_seq[d]
                    push = None
                else:
                    n = pos
                    if pos == 1:
                        push_no[p] = push_no.get(p, 0) + 1
                    push = push_no[p]
                item_id = f"{p}-{d:%Y%m%d}-{n}"
                decay = decays.get(p, ASSUMED_DECAY)
                exp_reads = value[(p, t)] * mult * decay ** (seen[t] - 1)
                item = CalendarItem(item_id, when, p, t, push, pos, float(mult),
                                    float(exp_reads), known_status(statuses.get(item_id, "draft")),
                                    tuple(marks.get(d, ())))
                apply_tracking(item, (tracking or {}).get(item_id))
                items.append(item)
            if types:
                prev_type[p] = types[-1]
    items.sort(key=lambda it: (it.start, cons.platforms.index(it.platform), it.position or 0))
    return Calendar(items, marks, first, weeks, cons.account_type, warnings, statuses, notes,
                    tracking)


#: A slot on the calendar: when, push position (``None`` off push platforms), the pool of types
#: it draws from (``"head"``, ``"sec"`` or ``"any"``) and its reads multiplier.
_Slot = tuple[dt.datetime, int | None, str, float]


@dataclass
class _PlatformWeek:
    """What one platform's week holds, the same every week of the calendar."""

    counts: dict[str, int]          # posts a week per content type
    heads: dict[str, int]           # headlines a week per content type (push platforms)
    rank: dict[str, int]            # content types by reads per post, best first (0)
    by_day: dict[int, list[tuple[int, float]]]   # per weekday: (hour, multiplier), best first
    hours: list[int]                # the hours the platform publishes at
    score: np.ndarray               # (7,) best multiplier per weekday
    headline: float                 # reads multiplier of a push's headline ...
    secondary: float                # ... and of its secondary positions


def _platform_week(cells: pd.DataFrame, p: str, value: Mapping[tuple[str, str], float],
                   slots: Mapping[str, Any]) -> _PlatformWeek | None:
    """The plan's week on platform ``p`` (``None`` when it has no post there)."""
    sub = cells[(cells["platform"] == p) & (cells["posts"] > 0)]
    if sub.empty:
        return None
    counts = {r.content_type: int(r.posts) for r in sub.itertuples()}
    heads = {r.content_type: int(r.headlines) for r in sub.itertuples()}
    rank = {t: i for i, t in enumerate(sorted(counts, key=lambda t: (-value[(p, t)], t)))}
    by_day, hours, score = _platform_slots(slots.get(p))
    info = slots.get(p, {})
    return _PlatformWeek(counts, heads, rank, by_day, hours, score,
                         float(info.get("headline", 1.0)), float(info.get("secondary", 1.0)))


def _push_slots(wk: _PlatformWeek, days: list[dt.date], order: list[int]
                ) -> tuple[list[_Slot], dict[str, dict[str, int]]]:
    """A push platform's week: one push a headline on the best days (the articles spread over
    them, the better days first), each at the day's best hour; the pools of headline and
    secondary types."""
    counts, heads = wk.counts, wk.heads
    n_posts = sum(counts.values())
    n_pushes = min(max(sum(heads.values()), 1), 7)
    push_days = sorted(order[:n_pushes])
    better = sorted(push_days, key=lambda i: order.index(i))
    size = {i: n_posts // n_pushes for i in push_days}
    for i in better[:n_posts % n_pushes]:
        size[i] += 1
    out: list[_Slot] = []
    for i in push_days:
        d = days[i]
        hr, mult = _hours_for_day(wk.by_day, wk.hours, d.weekday(), 1)[0]
        t0 = dt.datetime.combine(d, dt.time(hr))
        for pos in range(1, size[i] + 1):
            out.append((t0, pos, "head" if pos == 1 else "sec",
                        mult * (wk.headline if pos == 1 else wk.secondary)))
    pools = {"head": {t: heads.get(t, 0) for t in counts},
             "sec": {t: counts[t] - heads.get(t, 0) for t in counts}}
    return out, pools


def _post_slots(wk: _PlatformWeek, days: list[dt.date], order: list[int]
                ) -> tuple[list[_Slot], dict[str, dict[str, int]]]:
    """Another platform's week: the posts spread over the seven days (the better days get the
    remainder), each day at its best hours; one pool of every type."""
    n_posts = sum(wk.counts.values())
    per_day = {i: n_posts // 7 for i in range(7)}
    for i in order[:n_posts % 7]:
        per_day[i] += 1
    out: list[_Slot] = []
    for i in range(7):
        if per_day[i] == 0:
            continue
        d = days[i]
        for hr, mult in _hours_for_day(wk.by_day, wk.hours, d.weekday(), per_day[i]):
            out.append((dt.datetime.combine(d, dt.time(hr)), None, "any", mult))
    return out, {"any": dict(wk.counts)}


def _order_types(kinds: list[str], pools: dict[str, dict[str, int]], wk: _PlatformWeek,
                 prev: str | None, p: str, monday: dt.date
                 ) -> tuple[list[str], tuple[str, str] | None, tuple[str, str] | None]:
    """The content type of each slot, no type back to back (also across the week's start,
    after ``prev``) where the counts allow; and the note or warning when they do not."""
    rank, counts = wk.rank, wk.counts
    note = warning = None
    types = _arrange(kinds, pools, prev, rank)
    if types is None:
        types = _arrange(kinds, pools, None, rank)
    if types is None and len(pools) > 1:
        # the plan's headline split leaves no order without a type back to back: let
        # any type lead a push (the week's counts stay the plan's)
        types = _arrange(["any"] * len(kinds), {"any": dict(counts)}, prev,
                         rank) or _arrange(["any"] * len(kinds), {"any": dict(counts)},
                                           None, rank)
        if types is not None:
            note = (f"{_plat(p, 'en')}, week of {monday}: headlines changed from "
                    f"the plan's so that no content type runs back to back.",
                    f"{_plat(p, 'zh')}，{monday} 当周：为避免同类内容连续发布，"
                    f"头条类型与方案略有不同。")
    if types is None:
        types = _greedy(kinds, pools, prev, rank)
        warning = (f"{_plat(p, 'en')}, week of {monday}: the counts leave no order "
                   f"without a content type back to back.",
                   f"{_plat(p, 'zh')}，{monday} 当周：按发文数量无法避免同类内容"
                   f"连续发布。")
    return types, note, warning
