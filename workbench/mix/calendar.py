"""The publishing calendar: planned posts on dates and slots (:class:`CalendarItem`), the
team's tracking of each (topic, owner, review status in the flow its operations codes prescribe,
every change with who and when), the holidays and festivals of its days, and its CSV, iCalendar
and Excel exports.

:mod:`workbench.mix.placement` builds it from a plan; :mod:`workbench.festivals` marks the days.
The tracking is kept on the plan (:attr:`MixPlan.tracking`), so it is saved and reopened with it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from .. import identity
from ..errors import InputError
from ..export import csv_rows
from ..festivals import DayMark
from .common import TIMEZONE, _plat, _type

#: Review status of a calendar item, in the order of the review flow: draft → first review
#: (初审) → revision (修改) → final review (终审) → approved → published.
STATUSES: tuple[str, ...] = ("draft", "first_review", "revision", "final_review", "approved",
                             "published")
_STATUS_LABELS = {"draft": ("Draft", "草稿"), "first_review": ("First review", "初审"),
                  "revision": ("Revision", "修改"), "final_review": ("Final review", "终审"),
                  "approved": ("Approved", "已通过"), "published": ("Published", "已发布")}
#: earlier names of statuses (a plan saved before the review flow had its steps)
_STATUS_ALIASES = {"in_review": "first_review", "review": "first_review",
                   "初审": "first_review", "修改": "revision", "终审": "final_review",
                   "草稿": "draft", "已通过": "approved", "已发布": "published"}
#: what the tracking keeps of an item besides its status
TRACKED = ("topic", "owner", "start")
#: longest topic or owner name kept
MAX_TEXT = 200


def status_code(status: str) -> str:
    """A status as written (``"In review"``, ``"final-review"``, ``"终审"``) → its code in
    :data:`STATUSES`; :class:`InputError` for one that is not."""
    text = str(status).strip()
    value = _STATUS_ALIASES.get(text) or text.lower().replace(" ", "_").replace("-", "_")
    value = _STATUS_ALIASES.get(value, value)
    if value not in STATUSES:
        raise InputError(
            f"Unknown review status {status!r}.", f"未知的审核状态 {status!r}。",
            fix="Use one of: " + ", ".join(STATUSES) + ".",
            fix_zh="可选：" + "、".join(_STATUS_LABELS[s][1] for s in STATUSES) + "。")
    return value


def status_label(status: str, lang: str = "en") -> str:
    """The status as the page shows it (``"final_review"`` → ``"Final review"`` / ``"终审"``)."""
    return _STATUS_LABELS[status_code(status)][1 if str(lang).lower().startswith("zh") else 0]
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass
class CalendarItem:
    """One planned post on a date and time.

    Attributes
    ----------
    item_id : stable id, ``"<platform>-<YYYYMMDD>-<n>"`` (n = position on WeChat, else the
        post's order that day).
    start : date and time (naive, Beijing time).
    platform, content_type : what and where.
    push : WeChat push number within the calendar (1..), else ``None``.
    position : WeChat slot (1 = headline), else ``None``.
    multiplier : expected reads relative to a typical slot (timing × position).
    expected_reads : the cell's reads per post × multiplier × the type's decay that week.
    status : review status, one of :data:`STATUSES`.
    marks : holidays / festivals on the date.
    topic, owner : the post's working title and who writes it ("" until set).
    history : the changes made to it, oldest first: ``{"at", "by", "field", "old", "new"}``.
    planned : where the plan put it (``start`` differs once the item was moved).
    """

    item_id: str
    start: dt.datetime
    platform: str
    content_type: str
    push: int | None
    position: int | None
    multiplier: float
    expected_reads: float
    status: str = "draft"
    marks: tuple[DayMark, ...] = ()
    topic: str = ""
    owner: str = ""
    history: list = None  # type: ignore[assignment]
    planned: dt.datetime | None = None

    def __post_init__(self) -> None:
        self.history = list(self.history or [])
        if self.planned is None:
            self.planned = self.start

    @property
    def slot(self) -> str:
        if self.position is None:
            return "post"
        return "headline" if self.position == 1 else "secondary"


_SLOT_LABELS = {"post": ("Post", "发布"), "headline": ("Headline", "头条"),
                "secondary": ("Secondary", "次条")}


#: how alike a topic and an article title must be (``difflib`` ratio) for the article to be the
#: item published
MATCH_SIMILARITY = 0.6
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def _bare(title: str) -> str:
    """A title for comparing: lower case, no spaces or punctuation (【】｜：…)."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", str(title)).lower())


def _parse_start(value: dt.datetime | str) -> dt.datetime:
    """When a moved item goes out: a datetime (Beijing time) or ``"YYYY-MM-DD HH:MM"``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(TIMEZONE)).replace(tzinfo=None)
        return value.replace(second=0, microsecond=0)
    try:
        return dt.datetime.strptime(" ".join(str(value).split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise InputError(f"Cannot read the date and time {value!r}.",
                         f"无法识别日期和时间 {value!r}。",
                         fix="Write it as 2026-12-08 20:00.",
                         fix_zh="请写成 2026-12-08 20:00 的格式。") from None


def known_status(value: object) -> str:
    """A stored status as a code of :data:`STATUSES` (an earlier name translated); ``"draft"``
    for one that cannot be read."""
    try:
        return status_code(str(value))
    except InputError:
        return "draft"


def refused_steps(status: str, roles: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The statuses a person with ``roles`` may not move an item in ``status`` to, each with the
    roles that may (for the page to show those steps disabled, and say who takes them)."""
    held = frozenset(roles)
    return {s: identity.needed_roles(status, s) for s in STATUSES
            if not identity.may_move(held, status, s)}


def _check_roles(it: CalendarItem, changes: dict[str, object], held: frozenset[str]) -> None:
    """Refuse a change the person's roles may not make (:class:`InputError`)."""
    edits = [name for name in ("topic", "owner", "start") if name in changes]
    if edits and not identity.may_edit(held):
        raise InputError(
            f"Changing an item's topic, owner or time is for an editor or admin; your role: "
            f"{identity.role_names(held)}. Ask an editor of this plan to change it.",
            f"修改条目的选题、负责人或时间需要编辑或管理员角色；您的角色："
            f"{identity.role_names(held, 'zh')}。请联系本计划的编辑修改。")
    new = changes.get("status")
    if new is not None and not identity.may_move(held, it.status, str(new)):
        needed = identity.needed_roles(it.status, str(new))
        raise InputError(
            f"Moving an item from {status_label(it.status)} to {status_label(str(new))} is a "
            f"step for {identity.anyone_of(needed)}; your role: "
            f"{identity.role_names(held)}. Nothing was changed.",
            f"把条目从「{status_label(it.status, 'zh')}」改为「{status_label(str(new), 'zh')}」"
            f"需要{identity.anyone_of(needed, 'zh')}角色；您的角色："
            f"{identity.role_names(held, 'zh')}。未作任何修改。")


def apply_tracking(item: CalendarItem, record: dict | None) -> None:
    """Put what the team tracked for an item (a plan's :attr:`MixPlan.tracking` record) on
    the item placed from the plan: its status, topic, owner, the time it was moved to, and its
    history. An unreadable part of an old record is left out."""
    if not record:
        return
    item.status = known_status(record.get("status", item.status))
    item.topic = str(record.get("topic", item.topic) or "")
    item.owner = str(record.get("owner", item.owner) or "")
    if record.get("start"):
        try:
            item.start = _parse_start(record["start"])
        except InputError:
            pass
    item.history = [dict(h) for h in record.get("history", []) if isinstance(h, dict)]


class Calendar:
    """A publishing calendar: posts on dates and slots, holidays marked, review status tracked.

    Attributes
    ----------
    items : :class:`CalendarItem` list in time order.
    marks : date → holidays / festivals of the calendar's days.
    start, weeks, account_type : what it covers.
    warnings : ``(en, zh)`` where a rule could not be kept (a type back to back when the week's
        counts leave no other order).
    notes : ``(en, zh)`` where the calendar departs from the plan's detail to keep a rule (a
        push led by another type than the plan's headline split).

    ``statuses`` (the plan's :attr:`MixPlan.statuses`) and ``tracking`` (its
    :attr:`MixPlan.tracking`) are the records :meth:`set_status` and :meth:`edit` write to, so
    that what the team tracks is saved with the plan.

    Examples
    --------
    >>> cal = plan(est, Constraints()).calendar("2026-03-02", weeks=2)          # doctest: +SKIP
    >>> cal.set_status(cal.items[0].item_id, "approved")                        # doctest: +SKIP
    """

    def __init__(self, items: list[CalendarItem], marks: dict[dt.date, list[DayMark]],
                 start: dt.date, weeks: int, account_type: str, warnings: list[tuple[str, str]],
                 statuses: dict[str, str] | None = None,
                 notes: list[tuple[str, str]] | None = None,
                 tracking: dict[str, dict] | None = None
                 ) -> None:
        self.items = items
        self.marks = marks
        self.start = start
        self.weeks = weeks
        self.account_type = account_type
        self.warnings = warnings
        self.notes = notes or []
        self._statuses = statuses
        self._tracking = tracking
        self._by_id = {it.item_id: it for it in items}

    def __len__(self) -> int:
        return len(self.items)

    def item(self, item_id: str) -> CalendarItem:
        try:
            return self._by_id[item_id]
        except KeyError:
            raise InputError(f"There is no calendar item {item_id!r}.",
                             f"日历中没有条目 {item_id!r}。") from None

    def set_status(self, item_id: str, status: str, *, by: str | None = None,
                   at: dt.datetime | None = None,
                   roles: Iterable[str] | None = None) -> CalendarItem:
        """Set an item's review status (draft → first review → revision → final review →
        approved → published), kept with who and when.

        The status is also stored on the plan, so it is saved with it. ``"first review"``,
        ``"first-review"`` and ``"初审"`` are accepted for ``"first_review"`` (and the earlier
        ``"in_review"``).
        """
        return self.edit(item_id, status=status, by=by, at=at, roles=roles)

    def edit(self, item_id: str, *, topic: str | None = None, owner: str | None = None,
             status: str | None = None, start: dt.datetime | str | None = None,
             by: str | None = None, at: dt.datetime | None = None,
             roles: Iterable[str] | None = None) -> CalendarItem:
        """Change an item: its working title (``topic``), who writes it (``owner``), its review
        ``status``, or when it goes out (``start``, a datetime or ``"YYYY-MM-DD HH:MM"``:
        moved). Each change is kept in the item's history with ``by`` (default: the signed-in
        person, :func:`workbench.identity.user`) and ``at`` (default: now), and on the plan.

        ``roles`` (default: the signed-in person's, :func:`workbench.identity.roles`) decide
        which steps of the review flow may be taken (:func:`workbench.identity.may_move`), and
        whether topic, owner and time may change (editors and admins). Nothing changes when a
        value or a step is refused (:class:`InputError`, both languages)."""
        it = self.item(item_id)
        changes: dict[str, object] = {}
        for name, value in (("topic", topic), ("owner", owner)):
            if value is None:
                continue
            text = " ".join(str(value).split())
            if len(text) > MAX_TEXT:
                raise InputError(f"The {name} is {len(text)} characters long; at most "
                                 f"{MAX_TEXT} are kept.",
                                 f"{'选题' if name == 'topic' else '负责人'}长度为 {len(text)} "
                                 f"个字符，最多 {MAX_TEXT} 个。")
            if text != getattr(it, name):
                changes[name] = text
        if status is not None:
            code = status_code(status)
            if code != it.status:
                changes["status"] = code
        if start is not None:
            when = _parse_start(start)
            if when != it.start:
                changes["start"] = when
        if not changes:
            return it
        _check_roles(it, changes, identity.roles() if roles is None else frozenset(roles))
        who = (by or "").strip() or identity.user()
        moment = (at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        record = self._record(item_id)
        for name, value in changes.items():
            old = getattr(it, name)
            setattr(it, name, value)
            shown = (lambda v: v.strftime("%Y-%m-%d %H:%M")) if name == "start" else str
            entry = {"at": moment.isoformat(timespec="seconds"), "by": who, "field": name,
                     "old": shown(old), "new": shown(value)}
            it.history.append(entry)
            if record is not None:
                record[name] = shown(value)
                record.setdefault("history", []).append(entry)
        if "status" in changes and self._statuses is not None:
            self._statuses[item_id] = it.status
        if "start" in changes:
            self.items.sort(key=lambda x: (x.start, x.platform, x.position or 0))
        return it

    def _record(self, item_id: str) -> dict | None:
        if self._tracking is None:
            return None
        return self._tracking.setdefault(item_id, {})

    def published(self, articles: pd.DataFrame, *, similarity: float = MATCH_SIMILARITY
                  ) -> dict[str, dict]:
        """The items the articles show as published: an article on the item's day and
        platform whose title is like the item's topic (``difflib`` ratio ≥ ``similarity`` on
        the titles without spaces and punctuation; each article matches one item at most, the
        most alike first). Returns ``{item_id: {"title", "reads", "publish_time"}}``; items
        without a topic are not matched (nothing to compare)."""
        import difflib

        need = {"title", "publish_time", "platform"}
        if articles is None or not need <= set(articles.columns) or not len(articles) \
                or not any(it.topic for it in self.items):
            return {}
        times = pd.to_datetime(articles["publish_time"], errors="coerce")
        if isinstance(times.dtype, pd.DatetimeTZDtype):
            times = times.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
        days = times.dt.date
        reads = articles["reads"] if "reads" in articles else pd.Series(pd.NA, index=articles.index)
        pairs = []
        for it in self.items:
            if not it.topic:
                continue
            wanted = _bare(it.topic)
            on_day = articles.index[(days == it.start.date()).to_numpy()
                                   & (articles["platform"].astype(str) == it.platform).to_numpy()]
            for i in on_day:
                title = articles.at[i, "title"]
                if not isinstance(title, str) or not title.strip():
                    continue
                ratio = difflib.SequenceMatcher(None, wanted, _bare(title)).ratio()
                if ratio >= similarity:
                    pairs.append((ratio, it.item_id, i))
        out: dict[str, dict] = {}
        used: set = set()
        for ratio, item_id, i in sorted(pairs, key=lambda p: -p[0]):
            if item_id in out or i in used:
                continue
            used.add(i)
            value = reads.at[i]
            out[item_id] = {"title": str(articles.at[i, "title"]),
                            "reads": None if pd.isna(value) else int(value),
                            "publish_time": times.at[i].isoformat()}
        return out

    def owners(self) -> list[str]:
        """The owners named on the calendar, sorted."""
        return sorted({it.owner for it in self.items if it.owner})

    def filter(self, *, owner: str | None = None, status: str | None = None
               ) -> list[CalendarItem]:
        """The items of one owner (``""``: nobody yet) and/or one status; ``None``: any."""
        code = status_code(status) if status is not None else None
        return [it for it in self.items
                if (owner is None or it.owner == owner) and (code is None or it.status == code)]

    def frame(self, lang: str = "en") -> pd.DataFrame:
        """The items as a table (labels in ``lang``)."""
        zh = str(lang).lower().startswith("zh")
        recs = []
        for it in self.items:
            recs.append({
                "item_id": it.item_id, "date": it.start.date().isoformat(),
                "time": it.start.strftime("%H:%M"),
                "weekday": (_WEEKDAYS_ZH if zh else _WEEKDAYS_EN)[it.start.weekday()],
                "platform": it.platform, "platform_label": _plat(it.platform, lang),
                "content_type": it.content_type,
                "content_type_label": _type(it.content_type, lang),
                "push": it.push, "position": it.position,
                "slot": _SLOT_LABELS[it.slot][1 if zh else 0],
                "topic": it.topic, "owner": it.owner,
                "status": it.status, "status_label": _STATUS_LABELS[it.status][1 if zh else 0],
                "marks": "; ".join(m.label(lang) for m in it.marks),
                "expected_reads": round(it.expected_reads),
            })
        cols = ["item_id", "date", "time", "weekday", "platform", "platform_label",
                "content_type", "content_type_label", "push", "position", "slot", "topic",
                "owner", "status", "status_label", "marks", "expected_reads"]
        out = pd.DataFrame(recs, columns=cols)
        out["push"] = out["push"].astype("Int64")
        out["position"] = out["position"].astype("Int64")
        return out

    def to_csv(self, lang: str = "en") -> str:
        """The calendar as CSV text (UTF-8), text cells neutralised against spreadsheet formulas."""
        df = self.frame(lang)
        return csv_rows(df.columns, df.itertuples(index=False))

    def to_ics(self, lang: str = "en", *, include_marks: bool = True,
               uid_prefix: str = "workbench-mix", stamp: dt.datetime | None = None,
               duration_minutes: int = 30) -> bytes:
        """The calendar as iCalendar bytes (RFC 5545), built with ``icalendar``.

        One VEVENT per post: UID ``<uid_prefix>-<item_id>@workbench`` (stable across exports of
        the same plan and start, whatever the status), DTSTART/DTEND in Asia/Shanghai (TZID, with
        a VTIMEZONE), SUMMARY ``platform · type · slot``, STATUS TENTATIVE (draft, in review) or
        CONFIRMED (approved, published), the review status and marks in the DESCRIPTION. With
        ``include_marks`` (default) each holiday / festival is one more all-day VEVENT
        (TRANSP:TRANSPARENT). ``stamp`` fixes DTSTAMP (default: now, UTC).
        """
        import icalendar

        zh = str(lang).lower().startswith("zh")
        tz = ZoneInfo(TIMEZONE)
        stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.timezone.utc)
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Planning Workbench//content mix//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-timezone", TIMEZONE)
        cal.add("x-wr-calname", "内容日历" if zh else "Content calendar")
        for it in self.items:
            ev = icalendar.Event()
            ev.add("uid", f"{uid_prefix}-{it.item_id}@workbench")
            ev.add("dtstamp", stamp)
            start = it.start.replace(tzinfo=tz)
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(minutes=duration_minutes))
            slot = _SLOT_LABELS[it.slot][1 if zh else 0]
            if it.position is not None:
                slot = f"{slot} {it.position}" if it.position > 1 else slot
            summary = f"{_plat(it.platform, lang)} · {_type(it.content_type, lang)} · {slot}"
            ev.add("summary", f"{it.topic} ({summary})" if it.topic else summary)
            ev.add("status", "CONFIRMED" if it.status in ("approved", "published")
                   else "TENTATIVE")
            status = _STATUS_LABELS[it.status][1 if zh else 0]
            lines = [("审核状态：" if zh else "Review status: ") + status,
                     ("预计阅读：" if zh else "Expected reads: ") + f"{it.expected_reads:,.0f}"]
            if it.topic:
                lines.insert(0, ("选题：" if zh else "Topic: ") + it.topic)
            if it.owner:
                lines.insert(1 if it.topic else 0, ("负责人：" if zh else "Owner: ") + it.owner)
            if it.marks:
                lines.append(("节日：" if zh else "Marked: ")
                             + "; ".join(m.label(lang) for m in it.marks))
            ev.add("description", "\n".join(lines))
            ev.add("categories", [_plat(it.platform, lang), _type(it.content_type, lang)])
            cal.add_component(ev)
        if include_marks:
            for d, marks in self.marks.items():
                for n, m in enumerate(marks):
                    ev = icalendar.Event()
                    ev.add("uid", f"{uid_prefix}-mark-{d:%Y%m%d}-{n}@workbench")
                    ev.add("dtstamp", stamp)
                    ev.add("dtstart", d)
                    ev.add("dtend", d + dt.timedelta(days=1))
                    ev.add("summary", m.label(lang))
                    ev.add("transp", "TRANSPARENT")
                    ev.add("categories", ["节假日" if m.kind == "holiday" else "购物节"] if zh
                           else ["Holiday" if m.kind == "holiday" else "Festival"])
                    cal.add_component(ev)
        cal.add_missing_timezones()
        return cal.to_ical()

    def to_xlsx(self, lang: str = "en") -> bytes:
        """The team's weekly sheets as an Excel workbook (``openpyxl``): one sheet a week
        (Monday to Sunday), one row a post in time order with its date, weekday, time,
        platform, slot, content type, topic, owner, review status, expected reads and the
        day's holidays; header frozen, text cells neutralised against spreadsheet formulas."""
        import io as _io

        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        from ..export import safe_cell

        zh = str(lang).lower().startswith("zh")
        frame = self.frame(lang)
        heads = (("日期", "星期", "时间", "平台", "位置", "内容类型", "选题", "负责人", "审核状态",
                  "预计阅读", "节日") if zh else
                 ("Date", "Weekday", "Time", "Platform", "Slot", "Content type", "Topic",
                  "Owner", "Status", "Expected reads", "Marked"))
        cols = ("date", "weekday", "time", "platform_label", "slot", "content_type_label",
                "topic", "owner", "status_label", "expected_reads", "marks")
        widths = (12, 8, 7, 12, 10, 12, 40, 14, 12, 12, 20)
        book = Workbook()
        book.remove(book.active)
        monday = self.start - dt.timedelta(days=self.start.weekday())
        last = max([it.start.date() for it in self.items], default=self.start)
        while monday <= last:
            sunday = monday + dt.timedelta(days=6)
            rows = frame[(frame["date"] >= monday.isoformat())
                         & (frame["date"] <= sunday.isoformat())]
            sheet = book.create_sheet(f"{monday:%m-%d} 当周" if zh else f"Week {monday:%m-%d}")
            sheet.append(list(heads))
            for cell in sheet[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="F0F4F8")
            for rec in rows[list(cols)].itertuples(index=False):
                sheet.append([int(v) if pd.api.types.is_number(v) and not isinstance(v, bool)
                              else safe_cell("" if v is None or v is pd.NA else str(v))
                              for v in rec])
            for i, width in enumerate(widths):
                sheet.column_dimensions[chr(ord("A") + i)].width = width
            for row in sheet.iter_rows(min_row=2):
                row[6].alignment = Alignment(wrap_text=True)
            sheet.freeze_panes = "A2"
            monday += dt.timedelta(days=7)
        out = _io.BytesIO()
        book.save(out)
        return out.getvalue()
