"""The publishing calendar: planned posts on dates and slots (:class:`CalendarItem`), their
review status, the holidays and festivals of its days, and its CSV and iCalendar exports.

:mod:`workbench.mix.placement` builds it from a plan; :mod:`workbench.festivals` marks the days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from ..errors import InputError
from ..export import csv_rows
from ..festivals import DayMark
from .common import TIMEZONE, _plat, _type

#: Review status of a calendar item, in workflow order.
STATUSES: tuple[str, ...] = ("draft", "in_review", "approved", "published")
_STATUS_LABELS = {"draft": ("Draft", "草稿"), "in_review": ("In review", "审核中"),
                  "approved": ("Approved", "已通过"), "published": ("Published", "已发布")}
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

    @property
    def slot(self) -> str:
        if self.position is None:
            return "post"
        return "headline" if self.position == 1 else "secondary"


_SLOT_LABELS = {"post": ("Post", "发布"), "headline": ("Headline", "头条"),
                "secondary": ("Secondary", "次条")}


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

    ``statuses`` (the plan's :attr:`MixPlan.statuses`) is the record :meth:`set_status` writes
    to, so that the review statuses are saved with the plan.

    Examples
    --------
    >>> cal = plan(est, Constraints()).calendar("2026-03-02", weeks=2)          # doctest: +SKIP
    >>> cal.set_status(cal.items[0].item_id, "approved")                        # doctest: +SKIP
    """

    def __init__(self, items: list[CalendarItem], marks: dict[dt.date, list[DayMark]],
                 start: dt.date, weeks: int, account_type: str, warnings: list[tuple[str, str]],
                 statuses: dict[str, str] | None = None,
                 notes: list[tuple[str, str]] | None = None
                 ) -> None:
        self.items = items
        self.marks = marks
        self.start = start
        self.weeks = weeks
        self.account_type = account_type
        self.warnings = warnings
        self.notes = notes or []
        self._statuses = statuses
        self._by_id = {it.item_id: it for it in items}

    def __len__(self) -> int:
        return len(self.items)

    def item(self, item_id: str) -> CalendarItem:
        try:
            return self._by_id[item_id]
        except KeyError:
            raise InputError(f"There is no calendar item {item_id!r}.",
                             f"日历中没有条目 {item_id!r}。") from None

    def set_status(self, item_id: str, status: str) -> CalendarItem:
        """Set an item's review status (draft → in review → approved → published).

        The status is also stored on the plan, so it is saved with it. ``"in review"`` and
        ``"in-review"`` are accepted for ``"in_review"``.
        """
        value = str(status).strip().lower().replace(" ", "_").replace("-", "_")
        if value not in STATUSES:
            raise InputError(
                f"Unknown review status {status!r}.", f"未知的审核状态 {status!r}。",
                fix="Use one of: " + ", ".join(STATUSES) + ".",
                fix_zh="可选：" + "、".join(_STATUS_LABELS[s][1] for s in STATUSES) + "。")
        it = self.item(item_id)
        it.status = value
        if self._statuses is not None:
            self._statuses[item_id] = value
        return it

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
                "status": it.status, "status_label": _STATUS_LABELS[it.status][1 if zh else 0],
                "marks": "; ".join(m.label(lang) for m in it.marks),
                "expected_reads": round(it.expected_reads),
            })
        cols = ["item_id", "date", "time", "weekday", "platform", "platform_label",
                "content_type", "content_type_label", "push", "position", "slot", "status",
                "status_label", "marks", "expected_reads"]
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
            ev.add("summary", f"{_plat(it.platform, lang)} · {_type(it.content_type, lang)} · "
                              f"{slot}")
            ev.add("status", "CONFIRMED" if it.status in ("approved", "published")
                   else "TENTATIVE")
            status = _STATUS_LABELS[it.status][1 if zh else 0]
            lines = [("审核状态：" if zh else "Review status: ") + status,
                     ("预计阅读：" if zh else "Expected reads: ") + f"{it.expected_reads:,.0f}"]
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
