"""The database's tables, and the checks a value passes before it goes into a row.

``metadata`` holds every table the workbench keeps in its database: ``scenarios`` (one row per
saved version, only ever inserted; a rename moves every version to the new name),
``scenario_states`` (which are archived), ``scenario_events`` (archives, restores and renames,
only ever inserted) and ``drafts`` (a page's unsaved working state, one row per kind and
owner). :meth:`workbench.store.engine.Database._ensure_schema` creates the missing
ones on first use, under a lock, so a new table is added here and nothing else is needed. A
change to an existing table (a new column, say) needs a migration step run by
``_ensure_schema`` as well: there has been none so far. (Migrations of the *payloads* saved in
the tables are another thing: :mod:`workbench.store.payload`.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import sqlalchemy as sa


MAX_NAME_LENGTH = 200
"""Longest ``kind`` or ``name`` accepted, in characters (after stripping spaces)."""


class _UTCDateTime(sa.types.TypeDecorator):
    """Timestamps stored as UTC and always read back as timezone-aware UTC.

    SQLite has no timezone-aware type: the value is stored as naive UTC text and the zone is put
    back on read. PostgreSQL uses ``timestamptz`` and the value is converted to UTC on read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


metadata = sa.MetaData()


scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(MAX_NAME_LENGTH), nullable=False),
    sa.Column("name", sa.String(MAX_NAME_LENGTH), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("payload", sa.Text, nullable=False),
    sa.UniqueConstraint("kind", "name", "version", name="uq_scenarios_kind_name_version"),
    sa.CheckConstraint("version >= 1", name="ck_scenarios_version_positive"),
)
"""The scenarios: one row per saved version. Rows are only ever inserted."""


scenario_states = sa.Table(
    "scenario_states",
    metadata,
    sa.Column("kind", sa.String(MAX_NAME_LENGTH), primary_key=True),
    sa.Column("name", sa.String(MAX_NAME_LENGTH), primary_key=True),
    sa.Column("archived_at", _UTCDateTime, nullable=True),
    sa.Column("archived_by", sa.Text, nullable=True),
)
"""Whether a scenario is archived (a row with ``archived_at`` set): left out of
:meth:`~workbench.store.ScenarioStore.list` unless asked for. No row: not archived."""


scenario_events = sa.Table(
    "scenario_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(MAX_NAME_LENGTH), nullable=False),
    sa.Column("name", sa.String(MAX_NAME_LENGTH), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),     # archive, restore, rename
    sa.Column("new_name", sa.String(MAX_NAME_LENGTH), nullable=True),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("at", _UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)
"""What was done to a scenario besides saving it (archived, restored, renamed: who and when).
Rows are only ever inserted."""


drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("kind", sa.String(MAX_NAME_LENGTH), primary_key=True),
    sa.Column("owner", sa.String(MAX_NAME_LENGTH), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("session", sa.String(64), nullable=False, default=""),
    sa.Column("saved_at", _UTCDateTime, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)
"""Unsaved working state: at most one row per (kind, owner), replaced on every autosave."""


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

def _check_text(value: Any, what: str, *, allow_empty: bool = False,
                max_length: int | None = None) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}: {value!r}")
    if "\x00" in value:
        raise ValueError(f"{what} must not contain NUL characters: {value!r}")
    if allow_empty:
        return value
    value = value.strip()
    if not value:
        raise ValueError(f"{what} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(
            f"{what} is {len(value)} characters long; the limit is {max_length}: {value[:40]!r}..."
        )
    return value


def _check_version(version: Any) -> int | None:
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, (int, np.integer)):
        raise TypeError(f"version must be an int or None, got {type(version).__name__}")
    version = int(version)
    if version < 1:
        raise ValueError(f"version must be 1 or more, got {version}")
    return version
