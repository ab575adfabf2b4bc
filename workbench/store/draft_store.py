"""Drafts: a page's unsaved working state, kept beside the saved scenarios.

Beside the versioned scenarios, a second table keeps *drafts*: a page's unsaved working state,
autosaved every few seconds so that it survives a kernel that dies (tab closed, kernel culled,
server restarted). A draft is scratch space, not a scenario: there is one per ``(kind, owner)``,
:meth:`ScenarioStore.put_draft` replaces it, :meth:`ScenarioStore.drop_draft` removes it, and
the scenarios table is never touched by either. ``owner`` defaults to the same user name as a
save's ``author``. See :mod:`workbench.ui.drafts` for how pages use them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from . import engine
from .engine import _advisory_key, _backoff
from .errors import StoreError
from .payload import PAYLOAD_SCHEMA_VERSION, _migrate, decode_payload, encode_payload
from .. import identity
from .tables import MAX_NAME_LENGTH, _check_text, drafts

__all__ = ["Draft"]


@dataclass(frozen=True)
class Draft:
    """A page's unsaved working state, autosaved (see :meth:`ScenarioStore.put_draft`).

    Attributes
    ----------
    kind : str
        Which page's state it is (the page's scenario kind, e.g. ``"mix_plan"``).
    owner : str
        Whose it is (a user name, like a save's author).
    name : str
        The scenario name typed on the page when it was autosaved (may be empty).
    session : str
        An id of the page session that wrote it (a page only removes its own draft).
    saved_at : datetime.datetime
        When it was autosaved, timezone-aware UTC.
    schema_version : int
        The payload schema it was written with; ``payload`` is already migrated.
    payload : Any
        The working state, as given to ``put_draft``.
    """

    kind: str
    owner: str
    name: str
    session: str
    saved_at: dt.datetime
    schema_version: int
    payload: Any


class DraftMethods:
    """The draft methods of :class:`workbench.store.ScenarioStore`.

    Mixed into the store beside :class:`workbench.store.engine.Database`, whose transactions
    and schema they use.
    """

    def put_draft(self, kind: str, payload: Any, *, name: str = "", session: str = "",
                  owner: str | None = None, saved_at: dt.datetime | None = None) -> Draft:
        """Keep ``payload`` as the unsaved working state of ``kind``, replacing any earlier one.

        Drafts live in their own table: saved scenarios and their versions are not touched.

        Parameters
        ----------
        kind : str
            Which page's state.
        payload : Any
            JSON-serialisable state (as for :meth:`save`).
        name : str, optional
            The scenario name on the page at the time (shown when the draft is offered back).
        session : str, optional
            Id of the page session writing it (see :meth:`drop_draft`).
        owner : str, optional
            Whose draft; default as ``author`` in :meth:`save`.
        saved_at : datetime, optional
            Timezone-aware time to record (default: now).

        Returns
        -------
        Draft
            What was stored.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.put_draft("mix_plan", {"hours": 30}, name="Q3", owner="li")
        >>> _ = store.put_draft("mix_plan", {"hours": 35}, name="Q3", owner="li")
        >>> store.draft("mix_plan", owner="li").payload
        {'hours': 35}
        >>> store.list("mix_plan")
        []
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        owner = (identity.user() if owner is None
                 else _check_text(owner, "owner", max_length=MAX_NAME_LENGTH))
        name = _check_text(name, "name", allow_empty=True).strip()
        session = _check_text(session, "session", allow_empty=True)[:64]
        saved_at = dt.datetime.now(dt.timezone.utc) if saved_at is None else saved_at
        text = encode_payload(payload)
        self._ensure_schema()
        row = dict(kind=kind, owner=owner, name=name, session=session, saved_at=saved_at,
                   schema_version=PAYLOAD_SCHEMA_VERSION, payload=text)
        for attempt in range(engine.SAVE_ATTEMPTS):
            try:
                with self._transaction(write=True) as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                            _advisory_key("draft", kind, owner))))
                    conn.execute(drafts.delete().where(drafts.c.kind == kind,
                                                       drafts.c.owner == owner))
                    conn.execute(drafts.insert().values(**row))
                break
            except IntegrityError:  # a client without the lock got there first: again
                _backoff(attempt)
        else:
            raise StoreError(f"could not keep the draft of {kind!r} in {self.describe()}: "
                             "other writers kept replacing it. Try again.",
                             f"无法在 {self.describe()} 中保存 {kind!r} 的草稿：它总被其他写入者"
                             "替换。请重试。")
        return Draft(kind=kind, owner=owner, name=name, session=session,
                     saved_at=saved_at.astimezone(dt.timezone.utc),
                     schema_version=PAYLOAD_SCHEMA_VERSION, payload=decode_payload(text))

    def draft(self, kind: str, *, owner: str | None = None) -> Draft | None:
        """The unsaved working state kept for ``kind`` (and ``owner``), or ``None``.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> store.draft("mix_plan") is None
        True
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        owner = (identity.user() if owner is None
                 else _check_text(owner, "owner", max_length=MAX_NAME_LENGTH))
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            row = conn.execute(sa.select(drafts).where(
                drafts.c.kind == kind, drafts.c.owner == owner)).mappings().first()
        if row is None:
            return None
        return Draft(kind=row["kind"], owner=row["owner"], name=row["name"],
                     session=row["session"], saved_at=row["saved_at"],
                     schema_version=row["schema_version"],
                     payload=_migrate(decode_payload(row["payload"]), row["schema_version"],
                                      row["kind"]))

    def drop_draft(self, kind: str, *, owner: str | None = None,
                   session: str | None = None) -> bool:
        """Remove the draft of ``kind`` (only if it was written by ``session``, when given).

        Returns whether a draft was removed. Saved scenarios are not touched.

        Examples
        --------
        >>> store = ScenarioStore("sqlite://")
        >>> _ = store.put_draft("roi", {"budget": 1}, session="tab-1")
        >>> store.drop_draft("roi", session="tab-2"), store.drop_draft("roi", session="tab-1")
        (False, True)
        """
        kind = _check_text(kind, "kind", max_length=MAX_NAME_LENGTH)
        owner = (identity.user() if owner is None
                 else _check_text(owner, "owner", max_length=MAX_NAME_LENGTH))
        self._ensure_schema()
        where = [drafts.c.kind == kind, drafts.c.owner == owner]
        if session is not None:
            where.append(drafts.c.session == session)
        with self._transaction(write=True) as conn:
            removed = conn.execute(drafts.delete().where(*where)).rowcount
        return bool(removed)
