"""The scenario store: versioned scenarios saved by name, never overwritten.

:class:`ScenarioStore` saves a new version of a scenario (:meth:`~ScenarioStore.save`), reads
one back (:meth:`~ScenarioStore.load`, :meth:`~ScenarioStore.record`), lists the scenarios of a
kind (:meth:`~ScenarioStore.list`, one :class:`Summary` each) and a scenario's versions
(:meth:`~ScenarioStore.history`, one :class:`Record` each). Its database plumbing is
:class:`workbench.store.engine.Database`; its drafts are :mod:`workbench.store.draft_store`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .. import identity
from . import engine
from .draft_store import DraftMethods
from .engine import Database, _advisory_key, _backoff
from .errors import NameTaken, NotFound, StoreError, _names_text
from .payload import PAYLOAD_SCHEMA_VERSION, _migrate, decode_payload, encode_payload
from .tables import (
    MAX_NAME_LENGTH, _check_text, _check_version, scenario_events,
    scenario_states, scenarios,
)

__all__ = ["Record", "ScenarioStore", "Summary"]


@dataclass(frozen=True)
class Record:
    """One saved version of a scenario.

    Attributes
    ----------
    kind, name : str
        What sort of scenario it is and the planner's name for it.
    version : int
        1 for the first save of this (kind, name), then 2, 3, ...
    author : str
        Who saved it.
    created_at : datetime.datetime
        When it was saved, timezone-aware UTC.
    schema_version : int
        The :data:`PAYLOAD_SCHEMA_VERSION` the payload was *written* with. The ``payload`` on
        this record has already been migrated to the current version.
    note : str
        Free text given at save time.
    payload : Any
        The saved data, or ``None`` when it was not requested (``history(include_payload=False)``).
    """

    kind: str
    name: str
    version: int
    author: str
    created_at: dt.datetime
    schema_version: int
    note: str
    payload: Any = None


@dataclass(frozen=True)
class Summary:
    """One line of :meth:`ScenarioStore.list`: the state of a named scenario.

    Attributes
    ----------
    name : str
        The scenario's name.
    latest_version : int
        Its newest version.
    versions : int
        How many versions exist.
    last_author : str
        Who saved the newest version.
    last_saved_at : datetime.datetime
        When the newest version was saved (UTC).
    archived : bool
        Whether it is archived (listed only with ``list(kind, archived=True)``).
    note : str
        The newest version's note.
    """

    name: str
    latest_version: int
    versions: int
    last_author: str
    last_saved_at: dt.datetime
    archived: bool = False
    note: str = ""


class ScenarioStore(DraftMethods, Database):
    """Versioned, append-only storage for scenarios, on SQLite or PostgreSQL.

    Parameters
    ----------
    url : str or os.PathLike, optional
        A SQLAlchemy URL (``sqlite:///path``, ``postgresql://user@host:port/db``) or a path to a
        SQLite file. ``None`` uses ``WORKBENCH_DB`` if set, else the default file from
        :func:`default_url` (its directory is created).

    Notes
    -----
    One SQLAlchemy engine per store; call :meth:`close` (or use ``with``) to release its
    connections. The table is created on first use. Create stores *after* forking: each
    process needs its own (``multiprocessing`` with the spawn context does this naturally).

    Examples
    --------
    >>> store = ScenarioStore("sqlite://")
    >>> store.save("personas", "Students", [{"name": "学生党", "share": 0.4}], author="wang")
    1
    >>> store.record("personas", "Students").author
    'wang'
    >>> store.close()
    """

    # -- writing --------------------------------------------------------------------------

    def save(self, kind: str, name: str, payload: Any, *, author: str | None = None,
             note: str = "") -> int:
        """Append a new version of a scenario and return its version number.

        Parameters
        ----------
        kind : str
            What sort of scenario, e.g. ``"mix_plan"``, ``"personas"``, ``"activity"``.
        name : str
            The planner's name for it (≤ 200 characters, surrounding spaces removed).
        payload : Any
            JSON-serialisable data; numpy values and dates are accepted (see the module notes).
        author : str, optional
            Who is saving. Default: ``WORKBENCH_USER``, else the OS user name, else
            ``"unknown"``.
        note : str, optional
            Free text kept with this version ("after the March review", ...).

        Returns
        -------
        int
            The new version: 1 for the first save, then 2, 3, ... Earlier versions are left
            exactly as they were.

        Raises
        ------
        TypeError
            If the payload contains something that cannot be saved as JSON.
        ValueError
            If ``kind`` or ``name`` is empty or too long.
        StoreError
            If the database cannot be used.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> store.save("activity", "Double 11 lucky draw", {"budget": 20000}, note="first try")
        1
        >>> store.save("activity", "Double 11 lucky draw", {"budget": 25000})
        2
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        name = _check_text(name, "name", max_length=MAX_NAME_LENGTH)
        author = identity.user() if author is None else _check_text(author, "author")
        note = _check_text(note, "note", allow_empty=True)
        text = encode_payload(payload)  # fail on a bad payload before touching the database
        self._ensure_schema()

        last_error: IntegrityError | None = None
        for attempt in range(engine.SAVE_ATTEMPTS):
            try:
                with self._transaction(write=True) as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.select(
                            sa.func.pg_advisory_xact_lock(_advisory_key(kind, name))))
                    version = _next_version(conn, kind, name)
                    now = dt.datetime.now(dt.timezone.utc)
                    conn.execute(scenarios.insert().values(
                        kind=kind, name=name, version=version, author=author,
                        created_at=now, schema_version=PAYLOAD_SCHEMA_VERSION, note=note,
                        payload=text,
                    ))
                    if _archived(conn, kind, name):  # a new version brings it back
                        _set_archived(conn, kind, name, None, author, now)
                return version
            except IntegrityError as exc:  # someone else took this version number: try again
                last_error = exc
                _backoff(attempt)
        raise StoreError(
            f"could not save {kind!r}/{name!r} to {self.describe()} after {engine.SAVE_ATTEMPTS} "
            "attempts: other saves kept taking the next version number. Try again.",
            f"无法把 {kind!r}/{name!r} 保存到 {self.describe()}：试了 {engine.SAVE_ATTEMPTS} 次，"
            "下一个版本号总被同时进行的其他保存占用。请重试。",
        ) from last_error

    # -- reading --------------------------------------------------------------------------

    def record(self, kind: str, name: str, version: int | None = None) -> Record:
        """One saved version with its metadata.

        Parameters
        ----------
        kind, name : str
            The scenario.
        version : int, optional
            Which version; the latest when omitted.

        Returns
        -------
        Record
            With ``payload`` decoded and migrated to the current schema.

        Raises
        ------
        NotFound
            If the scenario or that version does not exist; the message lists what does.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> store.save("mix_plan", "Q3", {"posts_per_week": 4}, author="zhao")
        1
        >>> rec = store.record("mix_plan", "Q3")
        >>> rec.version, rec.author, rec.created_at.tzinfo
        (1, 'zhao', datetime.timezone.utc)
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        name = _check_text(name, "name", max_length=MAX_NAME_LENGTH)
        version = _check_version(version)
        self._ensure_schema()
        where = (scenarios.c.kind == kind, scenarios.c.name == name)
        query = sa.select(scenarios).where(*where)
        if version is None:
            query = query.order_by(scenarios.c.version.desc()).limit(1)
        else:
            query = query.where(scenarios.c.version == version)
        with self._transaction(write=False) as conn:
            row = conn.execute(query).mappings().first()
            if row is None:
                raise self._not_found(conn, kind, name, version)
        return _record_from_row(row, with_payload=True)

    def load(self, kind: str, name: str, version: int | None = None) -> Any:
        """The payload of a scenario: the latest version, or the one asked for.

        Parameters
        ----------
        kind, name : str
            The scenario.
        version : int, optional
            Which version; the latest when omitted.

        Returns
        -------
        Any
            The payload as saved (numpy values come back as Python numbers and lists, dates as
            ``date``/``datetime``), migrated to the current schema version.

        Raises
        ------
        NotFound
            If the scenario or that version does not exist.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> store.save("mix_plan", "Q3", {"posts_per_week": 4})
        1
        >>> store.load("mix_plan", "Q3")
        {'posts_per_week': 4}
        """
        return self.record(kind, name, version).payload

    def list(self, kind: str, archived: bool = False) -> list[Summary]:
        """Every scenario of a kind, one :class:`Summary` per name, sorted by name.

        Parameters
        ----------
        kind : str
            The sort of scenario.
        archived : bool, default False
            Also list the archived ones (their ``Summary.archived`` is true).

        Returns
        -------
        list of Summary
            Empty when nothing of that kind has been saved.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> for name in ["b", "a", "b"]:
        ...     _ = store.save("personas", name, {}, author="qian")
        >>> [(s.name, s.latest_version, s.versions) for s in store.list("personas")]
        [('a', 1, 1), ('b', 2, 2)]
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        self._ensure_schema()
        latest = (
            sa.select(
                scenarios.c.name,
                sa.func.max(scenarios.c.version).label("latest_version"),
                sa.func.count().label("versions"),
            )
            .where(scenarios.c.kind == kind)
            .group_by(scenarios.c.name)
            .subquery()
        )
        query = (
            sa.select(latest.c.name, latest.c.latest_version, latest.c.versions,
                      scenarios.c.author, scenarios.c.created_at, scenarios.c.note,
                      scenario_states.c.archived_at)
            .join_from(latest, scenarios, sa.and_(
                scenarios.c.kind == kind,
                scenarios.c.name == latest.c.name,
                scenarios.c.version == latest.c.latest_version,
            ))
            .outerjoin(scenario_states, sa.and_(scenario_states.c.kind == kind,
                                                scenario_states.c.name == latest.c.name))
            .order_by(latest.c.name)
        )
        if not archived:
            query = query.where(scenario_states.c.archived_at.is_(None))
        with self._transaction(write=False) as conn:
            rows = conn.execute(query).all()
        summaries = [
            Summary(name=r.name, latest_version=r.latest_version, versions=r.versions,
                    last_author=r.author, last_saved_at=r.created_at,
                    archived=r.archived_at is not None, note=r.note or "")
            for r in rows
        ]
        # Sort in Python too: database collations differ (C vs ICU), Python's order is stable.
        return sorted(summaries, key=lambda s: s.name)

    def history(self, kind: str, name: str, *, include_payload: bool = False) -> list[Record]:
        """All versions of one scenario, oldest first.

        Parameters
        ----------
        kind, name : str
            The scenario.
        include_payload : bool, default False
            Also decode every payload (otherwise ``Record.payload`` is ``None``).

        Returns
        -------
        list of Record
            Ordered by version ascending: 1, 2, 3, ...

        Raises
        ------
        NotFound
            If nothing was ever saved under this kind and name.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.save("mix_plan", "Q3", {"v": 1}, note="draft")
        >>> _ = store.save("mix_plan", "Q3", {"v": 2}, note="final")
        >>> [(r.version, r.note) for r in store.history("mix_plan", "Q3")]
        [(1, 'draft'), (2, 'final')]
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        name = _check_text(name, "name", max_length=MAX_NAME_LENGTH)
        self._ensure_schema()
        columns = [c for c in scenarios.c if include_payload or c.name != "payload"]
        query = (
            sa.select(*columns)
            .where(scenarios.c.kind == kind, scenarios.c.name == name)
            .order_by(scenarios.c.version)
        )
        with self._transaction(write=False) as conn:
            rows = conn.execute(query).mappings().all()
            if not rows:
                raise self._not_found(conn, kind, name, None)
        return [_record_from_row(row, with_payload=include_payload) for row in rows]

    # -- archiving and renaming -----------------------------------------------------------

    def archive(self, kind: str, name: str, *, author: str | None = None) -> None:
        """Put a scenario away: :meth:`list` leaves it out (``archived=True`` shows it), every
        version stays and can be loaded; :meth:`restore` brings it back. Archiving an archived
        scenario changes nothing.

        Raises
        ------
        NotFound
            If nothing was ever saved under this kind and name.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.save("personas", "Old", {})
        >>> store.archive("personas", "Old")
        >>> store.list("personas"), [s.name for s in store.list("personas", archived=True)]
        ([], ['Old'])
        """
        self._set_state(kind, name, True, author)

    def restore(self, kind: str, name: str, *, author: str | None = None) -> None:
        """Bring an archived scenario back into :meth:`list` (a scenario that is not archived
        stays as it is).

        Raises
        ------
        NotFound
            If nothing was ever saved under this kind and name.
        """
        self._set_state(kind, name, False, author)

    def archived(self, kind: str, name: str) -> bool:
        """Whether the scenario is archived (``False`` for a name never saved)."""
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        name = _check_text(name, "name", max_length=MAX_NAME_LENGTH)
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            return _archived(conn, kind, name)

    def rename(self, kind: str, old: str, new: str, *, author: str | None = None) -> None:
        """Give a scenario a new name: every version moves with it (numbers, authors, times and
        notes unchanged), and so does its archived state; the rename is kept in the scenario's
        events.

        Raises
        ------
        NotFound
            If nothing was ever saved under ``old``.
        NameTaken
            If a scenario (archived or not) of the kind is already called ``new``.
        ValueError
            If ``new`` is empty or too long.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.save("mix_plan", "Q3", {"v": 1}); _ = store.save("mix_plan", "Q3", {"v": 2})
        >>> store.rename("mix_plan", "Q3", "Q3 (final)")
        >>> [(s.name, s.versions) for s in store.list("mix_plan")]
        [('Q3 (final)', 2)]
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        old = _check_text(old, "name", max_length=MAX_NAME_LENGTH)
        new = _check_text(new, "new name", max_length=MAX_NAME_LENGTH)
        author = identity.user() if author is None else _check_text(author, "author")
        if new == old:
            return
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":     # both names, in one order for everyone
                for key in sorted({_advisory_key(kind, old), _advisory_key(kind, new)}):
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
            if not _exists(conn, kind, old):
                raise self._not_found(conn, kind, old, None)
            if _exists(conn, kind, new):
                raise NameTaken(
                    f"There is already a saved scenario called “{new}” here (it may be "
                    f"archived): choose another name for “{old}”, or rename the other one "
                    "first. Nothing was changed.",
                    f"这里已有名为“{new}”的已保存方案（可能已归档）：请为“{old}”另选一个名称，"
                    "或先重命名已有的那个。没有做任何更改。", kind=kind, name=new)
            conn.execute(scenarios.update()
                         .where(scenarios.c.kind == kind, scenarios.c.name == old)
                         .values(name=new))
            conn.execute(scenario_states.update()
                         .where(scenario_states.c.kind == kind, scenario_states.c.name == old)
                         .values(name=new))
            conn.execute(scenario_events.insert().values(
                kind=kind, name=old, action="rename", new_name=new, author=author,
                at=dt.datetime.now(dt.timezone.utc)))

    def events(self, kind: str, name: str) -> list[dict[str, Any]]:
        """What was done to a scenario besides saving it, oldest first: ``{"action"
        ("archive", "restore", "rename"), "name", "new_name", "author", "at"}``; a rename is
        listed under the name it had and the one it got."""
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        name = _check_text(name, "name", max_length=MAX_NAME_LENGTH)
        self._ensure_schema()
        ev = scenario_events.c
        with self._transaction(write=False) as conn:
            rows = conn.execute(sa.select(scenario_events).where(
                ev.kind == kind, sa.or_(ev.name == name, ev.new_name == name)
            ).order_by(ev.id)).mappings().all()
        return [{"action": r["action"], "name": r["name"], "new_name": r["new_name"],
                 "author": r["author"], "at": r["at"]} for r in rows]

    def _set_state(self, kind: str, name: str, archive: bool, author: str | None) -> None:
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        name = _check_text(name, "name", max_length=MAX_NAME_LENGTH)
        author = identity.user() if author is None else _check_text(author, "author")
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_advisory_key(kind, name))))
            if not _exists(conn, kind, name):
                raise self._not_found(conn, kind, name, None)
            if _archived(conn, kind, name) == archive:
                return
            now = dt.datetime.now(dt.timezone.utc)
            _set_archived(conn, kind, name, now if archive else None, author, now)

    def _not_found(self, conn: Connection, kind: str, name: str, version: int | None) -> NotFound:
        """Build a NotFound whose message says what does exist instead."""
        versions = conn.execute(
            sa.select(scenarios.c.version)
            .where(scenarios.c.kind == kind, scenarios.c.name == name)
            .order_by(scenarios.c.version)
        ).scalars().all()
        if versions:
            span = (f"version {versions[0]}" if len(versions) == 1
                    else f"versions {versions[0]} to {versions[-1]}")
            message = (f"scenario {kind!r}/{name!r} has no version {version}; {span} exist "
                       f"in {self.describe()}")
            return NotFound(message, kind=kind, name=name, version=version)
        names = conn.execute(
            sa.select(scenarios.c.name).where(scenarios.c.kind == kind).distinct()
        ).scalars().all()
        wanted = f"scenario {kind!r}/{name!r}" + (f" version {version}" if version else "")
        if names:
            message = (f"no {wanted} in {self.describe()}; saved {kind!r} scenarios are: "
                       f"{_names_text(sorted(names))}")
        else:
            message = f"no {wanted}: nothing of kind {kind!r} has been saved in {self.describe()}"
        return NotFound(message, kind=kind, name=name, version=version)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _record_from_row(row: Mapping[str, Any], *, with_payload: bool) -> Record:
    payload = None
    if with_payload:
        payload = _migrate(decode_payload(row["payload"]), row["schema_version"], row["kind"])
    return Record(
        kind=row["kind"], name=row["name"], version=row["version"], author=row["author"],
        created_at=row["created_at"], schema_version=row["schema_version"], note=row["note"],
        payload=payload,
    )


def _exists(conn: Connection, kind: str, name: str) -> bool:
    return conn.execute(sa.select(scenarios.c.id).where(
        scenarios.c.kind == kind, scenarios.c.name == name).limit(1)).first() is not None


def _archived(conn: Connection, kind: str, name: str) -> bool:
    return conn.execute(sa.select(scenario_states.c.archived_at).where(
        scenario_states.c.kind == kind, scenario_states.c.name == name)).scalar() is not None


def _set_archived(conn: Connection, kind: str, name: str, at: dt.datetime | None, author: str,
                  now: dt.datetime) -> None:
    """Archive (``at`` a time) or restore (``None``) inside the caller's write transaction, and
    keep the event."""
    values = {"archived_at": at, "archived_by": author if at is not None else None}
    where = (scenario_states.c.kind == kind, scenario_states.c.name == name)
    if not conn.execute(scenario_states.update().where(*where).values(**values)).rowcount:
        conn.execute(scenario_states.insert().values(kind=kind, name=name, **values))
    conn.execute(scenario_events.insert().values(
        kind=kind, name=name, action="archive" if at is not None else "restore", author=author,
        at=now))


def _next_version(conn: Connection, kind: str, name: str) -> int:
    """``max(version) + 1`` for a scenario, read inside the caller's save transaction."""
    latest = conn.execute(
        sa.select(sa.func.max(scenarios.c.version))
        .where(scenarios.c.kind == kind, scenarios.c.name == name)
    ).scalar_one()
    return (latest or 0) + 1
