"""Versioned scenario store: plans, personas and calibrations saved by name, never overwritten.

A *scenario* is a JSON-serialisable payload (a content-mix plan, a set of target personas, an
activity estimate, calibrated rates ...) saved under a ``kind`` (what sort of thing it is, e.g.
``"mix_plan"``) and a ``name`` chosen by the planner. Every :meth:`ScenarioStore.save` appends a
new version (1, 2, 3 ...) in one transaction; old versions are never changed or deleted, so any
number on a past report can be traced back to exactly what was saved.

Where scenarios live
--------------------
``ScenarioStore(url=None)`` resolves its database in this order:

1. the ``url`` argument;
2. the ``WORKBENCH_DB`` environment variable;
3. a SQLite file ``scenarios.sqlite`` under ``platformdirs.user_data_dir("workbench")``.

A URL (``sqlite:///...``, ``postgresql://user@host/db``) is used as given, except that
``postgresql://`` and ``postgres://`` are routed to the psycopg 3 driver. Anything without
``://`` is taken as a path to a SQLite file.

How concurrent saves stay correct
---------------------------------
The table has ``UNIQUE (kind, name, version)``; a save computes ``max(version) + 1`` inside its
own transaction and inserts it, so two saves can never both write the same version. On top of
that each backend serialises saves to the *same* scenario so that retries are rare:

* **SQLite**: WAL journal (readers never block the writer), a 30 s busy timeout, and save
  transactions opened with ``BEGIN IMMEDIATE``, which takes the write lock *before* the
  ``max(version)`` read. pysqlite's own implicit BEGIN is switched off with SQLAlchemy's
  documented event-hook recipe so that we control the BEGIN statement. When another program
  holds the file's lock past the busy timeout, the save raises a :class:`StoreError` that says
  so (nothing is written); reading still works meanwhile, since a store checks for its tables
  under a read transaction and only takes the write lock to create a missing one.
* **PostgreSQL**: ``pg_advisory_xact_lock`` on a 64-bit hash of ``(kind, name)`` is taken first
  in the save transaction. Saves to one scenario queue behind each other (and the lock is
  released at commit, after which the next save's ``max(version)`` sees the new row under READ
  COMMITTED); saves to different scenarios do not block each other. An advisory lock was
  preferred over ``SELECT ... FOR UPDATE`` because there is no row to lock before version 1.
  Every connection has a ``lock_timeout`` of :data:`PG_LOCK_TIMEOUT_S`: when another program
  (or a stuck workbench) holds a lock past it, the request raises a :class:`StoreError` that
  says so, and nothing is written.

If a unique violation still happens (another client that does not take the lock, say), the
save is retried a bounded number of times with a small jittered backoff. Schema creation runs
under the same locks (``BEGIN IMMEDIATE`` / an advisory lock), so several processes opening a
fresh database at once do not race on ``CREATE TABLE``.

Payloads
--------
Payloads are stored as JSON text: never pickled, never evaluated. Besides JSON's own types
(``dict`` with ``str`` keys, ``list``/``tuple``, ``str``, ``int``, ``float``, ``bool``,
``None``) the encoder accepts numpy scalars and arrays (saved as numbers and lists),
``datetime.date`` and ``datetime.datetime`` (saved as tagged ISO strings and given back as
``date``/``datetime`` objects). Anything else (a DataFrame, a set, a custom object) raises a
``TypeError`` that says where in the payload it was found and how to convert it. ``NaN`` and
infinities are written the way Python's :mod:`json` writes them (``NaN``, ``Infinity``) so that
they round-trip.

Every record carries the ``schema_version`` its payload was written with
(:data:`PAYLOAD_SCHEMA_VERSION` at the time). On load, payloads from an older schema pass through
:func:`_migrate`, which applies the steps registered in ``_MIGRATIONS`` one version at a time.

Drafts
------
Beside the versioned scenarios, a second table keeps *drafts*: a page's unsaved working state,
autosaved every few seconds so that it survives a kernel that dies (tab closed, kernel culled,
server restarted). A draft is scratch space, not a scenario: there is one per ``(kind, owner)``,
:meth:`ScenarioStore.put_draft` replaces it, :meth:`ScenarioStore.drop_draft` removes it, and
the scenarios table is never touched by either. ``owner`` defaults to the same user name as a
save's ``author``. See :mod:`workbench.ui.drafts` for how pages use them.

Examples
--------
>>> from workbench.store import ScenarioStore
>>> with ScenarioStore("sqlite://") as store:          # in-memory, for the example
...     store.save("mix_plan", "Spring campaign", {"posts_per_week": 5}, author="li")
...     store.save("mix_plan", "Spring campaign", {"posts_per_week": 6}, author="li")
...     store.load("mix_plan", "Spring campaign")
...     store.load("mix_plan", "Spring campaign", version=1)
...     [s.latest_version for s in store.list("mix_plan")]
1
2
{'posts_per_week': 6}
{'posts_per_week': 5}
[2]
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import math
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from .errors import Bilingual
from sqlalchemy.pool import StaticPool

__all__ = [
    "PAYLOAD_SCHEMA_VERSION",
    "Draft",
    "NotFound",
    "Record",
    "ScenarioStore",
    "StoreError",
    "Summary",
    "default_url",
]

PAYLOAD_SCHEMA_VERSION = 1
"""Version of the payload layout written by this code; stored with every record."""

MAX_NAME_LENGTH = 200
"""Longest ``kind`` or ``name`` accepted, in characters (after stripping spaces)."""

SAVE_ATTEMPTS = 10
"""How many times :meth:`ScenarioStore.save` tries before giving up on write conflicts."""

SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long a SQLite connection waits for another process's write lock."""

PG_LOCK_TIMEOUT_S = 30.0
"""How long a PostgreSQL statement waits for a lock (another workbench saving the same
scenario, another program's lock on the table) before the request is given up: without it a
save would wait for ever, and the page with it."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class StoreError(Bilingual, RuntimeError):
    """The scenario store cannot be used (unreadable file, unreachable server, ...).

    The message names the database and says what to do about it; ``str(err)`` is the English
    text, ``err.message("zh")`` the Chinese one (``err.en``, ``err.zh``).
    """

    def __init__(self, en: str, zh: str) -> None:
        self.en, self.zh = en, zh
        super().__init__(en)


class NotFound(KeyError):
    """No scenario with this kind, name (and version) exists.

    A :class:`KeyError` subclass, so ``except KeyError`` works too; ``str()`` gives the plain
    message (KeyError would otherwise show it in quotes).
    """

    def __init__(self, message: str, *, kind: str, name: str | None = None,
                 version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.name = name
        self.version = version

    def __str__(self) -> str:
        return self.message


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
    """

    name: str
    latest_version: int
    versions: int
    last_author: str
    last_saved_at: dt.datetime


# --------------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Payload encoding
# --------------------------------------------------------------------------------------------

# Tagged values: a one-key dict whose key is one of these. A user dict that happens to look like
# a tag is wrapped in {"$literal": ...} on save, so decoding is unambiguous.
_TAG_DATE = "$date"
_TAG_DATETIME = "$datetime"
_TAG_LITERAL = "$literal"
_TAGS = frozenset({_TAG_DATE, _TAG_DATETIME, _TAG_LITERAL})

_CONVERT_HINTS = {
    "DataFrame": "convert it first, e.g. df.to_dict(orient='records')",
    "Series": "convert it first, e.g. series.to_dict() or series.tolist()",
    "set": "convert it to a sorted list first",
    "frozenset": "convert it to a sorted list first",
    "Decimal": "convert it to float or str first",
    "bytes": "decode it to str first",
}


def _path_text(path: str) -> str:
    return f"payload{path}"


def _to_jsonable(obj: Any, path: str = "") -> Any:
    """Return ``obj`` as plain JSON types, tagging dates; raise TypeError on anything else."""
    # bool is an int subclass and np.bool_ is not: check numpy first, then plain types.
    if obj is None or isinstance(obj, (bool, str)):
        return str(obj) if isinstance(obj, np.str_) else obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, np.generic):
        return _numpy_scalar(obj, path)
    if isinstance(obj, dt.datetime):  # before date: datetime is a date subclass
        return {_TAG_DATETIME: obj.isoformat()}
    if isinstance(obj, dt.date):
        return {_TAG_DATE: obj.isoformat()}
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{_path_text(path)} has a key {key!r} of type {type(key).__name__}: "
                    "payload dict keys must be str (JSON would silently turn them into strings)"
                )
            out[str(key)] = _to_jsonable(value, f"{path}[{key!r}]")
        if len(out) == 1 and next(iter(out)) in _TAGS:
            return {_TAG_LITERAL: out}
        return out
    if isinstance(obj, (list, tuple)):
        return [_to_jsonable(v, f"{path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return _numpy_array(obj, path)
    kind = type(obj).__name__
    hint = _CONVERT_HINTS.get(kind, "convert it to dicts, lists, str, numbers or dates first")
    raise TypeError(
        f"{_path_text(path)} is a {type(obj).__module__}.{kind}, which the scenario store "
        f"cannot save as JSON: {hint}"
    )


def _numpy_scalar(obj: np.generic, path: str) -> Any:
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.str_):
        return str(obj)
    if isinstance(obj, np.datetime64):
        if np.isnat(obj):
            return None
        unit = np.datetime_data(obj.dtype)[0]
        if unit in ("Y", "M", "W", "D"):
            return {_TAG_DATE: obj.astype("datetime64[D]").item().isoformat()}
        return {_TAG_DATETIME: obj.astype("datetime64[us]").item().isoformat()}
    raise TypeError(
        f"{_path_text(path)} is a numpy {obj.dtype} value, which the scenario store cannot save "
        "as JSON: convert it to int, float, bool, str or a date first"
    )


def _numpy_array(arr: np.ndarray, path: str) -> Any:
    if arr.ndim == 0:
        return _to_jsonable(arr[()], path)
    return [_numpy_array(sub, f"{path}[{i}]") if arr.ndim > 1
            else _to_jsonable(sub, f"{path}[{i}]")
            for i, sub in enumerate(arr)]


def _from_jsonable(obj: Any) -> Any:
    """Inverse of :func:`_to_jsonable`: turn tags back into dates, unwrap literals."""
    if isinstance(obj, list):
        return [_from_jsonable(v) for v in obj]
    if isinstance(obj, dict):
        if len(obj) == 1:
            (key, value), = obj.items()
            if key == _TAG_DATE and isinstance(value, str):
                return dt.date.fromisoformat(value)
            if key == _TAG_DATETIME and isinstance(value, str):
                return dt.datetime.fromisoformat(value)
            if key == _TAG_LITERAL and isinstance(value, dict):
                return {k: _from_jsonable(v) for k, v in value.items()}
        return {k: _from_jsonable(v) for k, v in obj.items()}
    return obj


def encode_payload(payload: Any) -> str:
    """Serialise a payload to the JSON text the store saves.

    Parameters
    ----------
    payload : Any
        Dicts with ``str`` keys, lists/tuples, str, int, float, bool, None, numpy scalars and
        arrays, ``datetime.date`` and ``datetime.datetime``, nested freely.

    Returns
    -------
    str
        JSON text (UTF-8 characters kept as they are, keys in the given order).

    Raises
    ------
    TypeError
        If something else is found; the message says where (``payload['plan'][3]``) and how to
        convert it.

    Examples
    --------
    >>> import datetime, numpy as np
    >>> encode_payload({"start": datetime.date(2025, 3, 1), "reach": np.int64(1200)})
    '{"start": {"$date": "2025-03-01"}, "reach": 1200}'
    >>> decode_payload(_)
    {'start': datetime.date(2025, 3, 1), 'reach': 1200}
    """
    return json.dumps(_to_jsonable(payload), ensure_ascii=False, allow_nan=True)


def decode_payload(text: str) -> Any:
    """Parse JSON text written by :func:`encode_payload` (dates come back as date objects).

    Examples
    --------
    >>> decode_payload('{"when": {"$datetime": "2025-03-01T08:00:00+00:00"}}')
    {'when': datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)}
    """
    return _from_jsonable(json.loads(text))


# --------------------------------------------------------------------------------------------
# Schema migrations of payloads
# --------------------------------------------------------------------------------------------

_MIGRATIONS: dict[int, Callable[[str, Any], Any]] = {}
"""``{from_version: step(kind, payload) -> payload at from_version + 1}``.

Register a step here whenever :data:`PAYLOAD_SCHEMA_VERSION` is raised. Versions without a
registered step are carried over unchanged (the layout did not change for that kind).
"""


def _migrate(payload: Any, from_version: int, kind: str = "") -> Any:
    """Bring a payload written with ``from_version`` up to :data:`PAYLOAD_SCHEMA_VERSION`.

    Steps from ``_MIGRATIONS`` are applied one version at a time; a missing step is the
    identity. Nothing is written back: the stored record keeps its original payload.

    Parameters
    ----------
    payload : Any
        The decoded payload as stored.
    from_version : int
        The ``schema_version`` stored with the record.
    kind : str, optional
        The scenario kind, so a step can treat kinds differently.

    Returns
    -------
    Any
        The payload in the current layout.

    Raises
    ------
    StoreError
        If the record was written by a newer workbench than this one.

    Examples
    --------
    >>> _migrate({"a": 1}, PAYLOAD_SCHEMA_VERSION)
    {'a': 1}
    """
    if from_version > PAYLOAD_SCHEMA_VERSION:
        raise StoreError(
            f"this scenario was saved with payload schema version {from_version}, but this "
            f"workbench only understands versions up to {PAYLOAD_SCHEMA_VERSION}: upgrade the "
            "workbench package to open it",
            f"这个方案是用数据格式版本 {from_version} 保存的，而当前工作台最多只能读取版本 "
            f"{PAYLOAD_SCHEMA_VERSION}：请升级 workbench 软件包后再打开。",
        )
    for version in range(from_version, PAYLOAD_SCHEMA_VERSION):
        step = _MIGRATIONS.get(version)
        if step is not None:
            payload = step(kind, payload)
    return payload


# --------------------------------------------------------------------------------------------
# Locating the database
# --------------------------------------------------------------------------------------------


def default_url() -> str:
    """The database URL used when neither ``url`` nor ``WORKBENCH_DB`` is given.

    Returns
    -------
    str
        ``sqlite:///<user data dir>/scenarios.sqlite``, where the user data dir is
        ``platformdirs.user_data_dir("workbench")`` (e.g. ``~/.local/share/workbench`` on
        Linux, honouring ``XDG_DATA_HOME``).

    Examples
    --------
    >>> default_url().endswith("scenarios.sqlite")
    True
    """
    path = Path(platformdirs.user_data_dir("workbench")) / "scenarios.sqlite"
    return f"sqlite:///{path}"


def _resolve_url(url: str | os.PathLike[str] | None) -> tuple[URL, bool]:
    """Return the SQLAlchemy URL and whether it is the default location."""
    is_default = False
    if url is None:
        url = os.environ.get("WORKBENCH_DB", "").strip() or None
    if url is None:
        url = default_url()
        is_default = True
    if isinstance(url, os.PathLike) or "://" not in str(url):
        path = Path(os.fspath(url)).expanduser().resolve()
        url = f"sqlite:///{path}"
    parsed = make_url(str(url))
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed, is_default


def _advisory_key(*parts: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` (same in every process)."""
    digest = hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_SCHEMA_LOCK_KEY = _advisory_key("workbench.store", "create schema")


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


def _default_author() -> str:
    author = os.environ.get("WORKBENCH_USER", "").strip()
    if author:
        return author
    try:
        author = getpass.getuser().strip()
    except Exception:  # getpass raises OSError/KeyError when no user name can be found
        author = ""
    return author or "unknown"


def _names_text(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = len(names) - limit
    return shown + (f" and {more} more" if more > 0 else "")


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class ScenarioStore:
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

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url, is_default = _resolve_url(url)
        self._schema_ready = False
        self._sqlite_path: Path | None = None
        backend = self.url.get_backend_name()
        if backend == "sqlite":
            self._engine = self._sqlite_engine(is_default)
        elif backend == "postgresql":
            self._engine = sa.create_engine(self.url, pool_pre_ping=True)
            _install_pg_hooks(self._engine)
        else:
            raise StoreError(
                f"unsupported database {self.describe()}: use a SQLite file or a "
                "postgresql:// URL",
                f"不支持的数据库 {self.describe()}：请使用 SQLite 文件或 postgresql:// 地址。",
            )

    # -- engine setup ---------------------------------------------------------------------

    def _sqlite_engine(self, is_default: bool) -> Engine:
        database = self.url.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every pooled connection would see its own empty DB.
            engine = sa.create_engine(
                "sqlite://", poolclass=StaticPool,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
            )
        else:
            path = Path(database)
            self._sqlite_path = path
            if is_default:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.parent.is_dir():
                raise StoreError(
                    f"cannot open the scenario database {path}: folder {path.parent} does not "
                    "exist. Create it, or point WORKBENCH_DB at an existing folder.",
                    f"无法打开方案数据库 {path}：文件夹 {path.parent} 不存在。请先创建该文件夹，"
                    "或把 WORKBENCH_DB 指向已有的文件夹。",
                )
            self._check_sqlite_file(path)
            engine = sa.create_engine(
                self.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S},
            )
        _install_sqlite_hooks(engine)
        return engine

    @staticmethod
    def _check_sqlite_file(path: Path) -> None:
        """Refuse (without touching it) a file that exists but is not a SQLite database."""
        if path.is_dir():
            raise StoreError(
                f"the scenario database path {path} is a folder, not a file: point WORKBENCH_DB "
                "at a file such as scenarios.sqlite inside it",
                f"方案数据库路径 {path} 是文件夹而不是文件：请把 WORKBENCH_DB 指向其中的一个文件，"
                "例如 scenarios.sqlite。",
            )
        if not path.exists():
            return
        try:
            with path.open("rb") as fh:
                header = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(
                f"cannot read the scenario database {path}: {exc.strerror}. Check the file's "
                "permissions.",
                f"无法读取方案数据库 {path}：{exc.strerror}。请检查文件的权限。",
            ) from exc
        if header and header != _SQLITE_MAGIC:
            raise StoreError(*_corrupt_message(path))

    # -- context management ---------------------------------------------------------------

    def close(self) -> None:
        """Release the engine's connections. Safe to call more than once."""
        self._engine.dispose()

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        """Where this store keeps its data (file path or URL without password)."""
        if self._sqlite_path is not None:
            return str(self._sqlite_path)
        return self.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"ScenarioStore({self.describe()!r})"

    # -- connections and errors -----------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """A connection inside one transaction; errors become :class:`StoreError`."""
        try:
            with self._engine.connect() as conn:
                if write and conn.dialect.name == "sqlite":
                    conn = conn.execution_options(workbench_sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise self._store_error(exc) from exc

    def _store_error(self, exc: DBAPIError) -> StoreError:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if self._sqlite_path is not None and ("not a database" in text or "malformed" in text):
            return StoreError(*_corrupt_message(self._sqlite_path))
        if self._sqlite_path is not None and _is_sqlite_lock_error(text):
            return _locked_error(
                str(self._sqlite_path), SQLITE_BUSY_TIMEOUT_S,
                "Close the program that has the file open (a database browser, a backup or sync "
                "tool, a stuck workbench window), or wait for it to finish, then try again.",
                "请关闭正在打开该文件的程序（数据库浏览器、备份或同步工具、卡住的工作台窗口），"
                "或等它结束后重试。")
        if getattr(exc.orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE:
            return _locked_error(
                self.describe(), PG_LOCK_TIMEOUT_S,
                "Wait a moment and try again. If it keeps happening, ask whoever runs the "
                "database what holds the lock (a long maintenance job, an open LOCK TABLE).",
                "请稍候重试。如果反复出现，请联系数据库管理员，查明是什么占用了锁"
                "（耗时很长的维护任务、未结束的 LOCK TABLE）。")
        if self._sqlite_path is not None and "readonly database" in text:
            return _read_only_error(self._sqlite_path)
        if self._sqlite_path is not None:
            return StoreError(
                f"the scenario database {self._sqlite_path} could not be used: {text}. Check "
                "that the folder is writable and that the disk is not full.",
                f"无法使用方案数据库 {self._sqlite_path}：{text}。请检查文件夹是否可写、"
                "磁盘是否已满。",
            )
        if exc.connection_invalidated or isinstance(exc, OperationalError):
            return StoreError(
                f"cannot reach the scenario database at {self.describe()}: {text.strip()}. Is "
                "the server running and WORKBENCH_DB correct?",
                f"无法连接方案数据库 {self.describe()}：{text.strip()}。请确认数据库服务器正在运行，"
                "并且 WORKBENCH_DB 设置正确。",
            )
        return StoreError(f"the scenario database at {self.describe()} failed: {text.strip()}",
                          f"方案数据库 {self.describe()} 出错：{text.strip()}")

    def _ensure_schema(self) -> None:
        """Create the table on first use; safe when several processes do it at once."""
        if self._schema_ready:
            return
        # Look first, under a read transaction: a store opened while another process holds the
        # write lock can still read (WAL), and only a missing table needs the write lock.
        with self._transaction(write=False) as conn:
            inspector = sa.inspect(conn)
            if all(inspector.has_table(table.name) for table in metadata.sorted_tables):
                self._schema_ready = True
                return
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._transaction(write=True) as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
                    metadata.create_all(conn, checkfirst=True)
                break
            except IntegrityError:
                # Another process created it between our check and CREATE (no lock on some
                # setups): the table now exists, so checking again succeeds.
                _backoff(attempt)
        self._schema_ready = True

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
        author = _default_author() if author is None else _check_text(author, "author")
        note = _check_text(note, "note", allow_empty=True)
        text = encode_payload(payload)  # fail on a bad payload before touching the database
        self._ensure_schema()

        last_error: IntegrityError | None = None
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._transaction(write=True) as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.select(
                            sa.func.pg_advisory_xact_lock(_advisory_key(kind, name))))
                    version = _next_version(conn, kind, name)
                    conn.execute(scenarios.insert().values(
                        kind=kind, name=name, version=version, author=author,
                        created_at=dt.datetime.now(dt.timezone.utc),
                        schema_version=PAYLOAD_SCHEMA_VERSION, note=note, payload=text,
                    ))
                return version
            except IntegrityError as exc:  # someone else took this version number: try again
                last_error = exc
                _backoff(attempt)
        raise StoreError(
            f"could not save {kind!r}/{name!r} to {self.describe()} after {SAVE_ATTEMPTS} "
            "attempts: other saves kept taking the next version number. Try again.",
            f"无法把 {kind!r}/{name!r} 保存到 {self.describe()}：试了 {SAVE_ATTEMPTS} 次，"
            "下一个版本号总被同时进行的其他保存占用。请重试。",
        ) from last_error

    # -- drafts ---------------------------------------------------------------------------

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
        owner = (_default_author() if owner is None
                 else _check_text(owner, "owner", max_length=MAX_NAME_LENGTH))
        name = _check_text(name, "name", allow_empty=True).strip()
        session = _check_text(session, "session", allow_empty=True)[:64]
        saved_at = dt.datetime.now(dt.timezone.utc) if saved_at is None else saved_at
        text = encode_payload(payload)
        self._ensure_schema()
        row = dict(kind=kind, owner=owner, name=name, session=session, saved_at=saved_at,
                   schema_version=PAYLOAD_SCHEMA_VERSION, payload=text)
        for attempt in range(SAVE_ATTEMPTS):
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
        owner = (_default_author() if owner is None
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
        owner = (_default_author() if owner is None
                 else _check_text(owner, "owner", max_length=MAX_NAME_LENGTH))
        self._ensure_schema()
        where = [drafts.c.kind == kind, drafts.c.owner == owner]
        if session is not None:
            where.append(drafts.c.session == session)
        with self._transaction(write=True) as conn:
            removed = conn.execute(drafts.delete().where(*where)).rowcount
        return bool(removed)

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

    def list(self, kind: str) -> list[Summary]:
        """Every scenario of a kind, one :class:`Summary` per name, sorted by name.

        Parameters
        ----------
        kind : str
            The sort of scenario.

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
                      scenarios.c.author, scenarios.c.created_at)
            .join_from(latest, scenarios, sa.and_(
                scenarios.c.kind == kind,
                scenarios.c.name == latest.c.name,
                scenarios.c.version == latest.c.latest_version,
            ))
            .order_by(latest.c.name)
        )
        with self._transaction(write=False) as conn:
            rows = conn.execute(query).all()
        summaries = [
            Summary(name=r.name, latest_version=r.latest_version, versions=r.versions,
                    last_author=r.author, last_saved_at=r.created_at)
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


def _read_only_error(path: Path) -> StoreError:
    """SQLite could not write: say whether the file or its folder is read-only (SQLite writes
    its journal files beside the database, so a read-only folder stops saves too)."""
    kept = ("Nothing was written, and every saved version is still there.",
            "数据库中没有写入任何内容，已保存的版本都还在。")
    if path.exists() and not os.access(path, os.W_OK):
        return StoreError(
            f"the scenario database file {path} is read-only. {kept[0]} (They can still be "
            "opened.) Make the file writable "
            "for your user (its permissions, or a share mounted read-only), or point "
            "WORKBENCH_DB at a copy you can write.",
            f"方案数据库文件 {path} 是只读的。{kept[1]}（仍可打开。）请让当前用户可以写入该文件（检查文件权限，"
            "或是否以只读方式挂载的共享目录），或把 WORKBENCH_DB 指向一个可写的副本。")
    if not os.access(path.parent, os.W_OK):
        return StoreError(
            f"the folder {path.parent} that holds the scenario database is read-only: SQLite "
            f"writes its journal files beside the database. {kept[0]} Make the folder writable "
            "for your user, or point WORKBENCH_DB at a file in a folder you can write.",
            f"存放方案数据库的文件夹 {path.parent} 是只读的：SQLite 需要在数据库旁边写入日志文件。"
            f"{kept[1]}请让当前用户可以写入该文件夹，或把 WORKBENCH_DB 指向可写文件夹中的文件。")
    return StoreError(
        f"the scenario database {path} was opened read-only (a read-only disk or mount). "
        f"{kept[0]} Point WORKBENCH_DB at a file on a disk you can write.",
        f"方案数据库 {path} 以只读方式打开（只读磁盘或挂载）。{kept[1]}"
        "请把 WORKBENCH_DB 指向可写磁盘上的文件。")


def _corrupt_message(path: Path) -> tuple[str, str]:
    return (
        f"{path} is not a readable SQLite database (it is damaged, or a different kind of "
        "file). The workbench has not changed it. Move or rename the file (keep it: it may hold "
        "saved scenarios that can be recovered), or set WORKBENCH_DB to another file, then try "
        "again.",
        f"{path} 不是可读取的 SQLite 数据库（文件已损坏，或是其他类型的文件）。工作台没有改动它。"
        "请移走或重命名这个文件（请保留它：其中可能有可以恢复的已保存方案），或把 WORKBENCH_DB "
        "设为另一个文件，然后重试。",
    )


def _is_sqlite_lock_error(text: str) -> bool:
    """Whether a SQLite error says another connection held a lock past the busy timeout."""
    text = text.lower()
    return "database is locked" in text or "database table is locked" in text or (
        "database is busy" in text)


def _locked_error(where: str, seconds: float, advice: str, advice_zh: str) -> StoreError:
    """Another program held the database's lock (SQLite's busy timeout, PostgreSQL's
    ``lock_timeout``) for ``seconds``: what happened, what it means, then ``advice``."""
    return StoreError(
        f"the scenario database {where} is locked: another program (or another workbench "
        f"process) kept it busy for more than {seconds:g} seconds, so this request was given "
        f"up. Nothing was written to the database, and every saved version is still there. "
        f"{advice}",
        f"方案数据库 {where} 被锁定：另一个程序（或另一个工作台进程）占用它超过 {seconds:g} 秒，"
        f"本次请求已放弃。数据库中没有写入任何内容，所有已保存的版本都还在。{advice_zh}",
    )


#: PostgreSQL's SQLSTATE for a lock wait that ran past ``lock_timeout``
_PG_LOCK_NOT_AVAILABLE = "55P03"


def _install_pg_hooks(engine: Engine) -> None:
    """Every connection waits :data:`PG_LOCK_TIMEOUT_S` at most for a lock."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # the setting stays for the session
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, false)",
                               (f"{max(1, round(PG_LOCK_TIMEOUT_S * 1000))}ms",))
        finally:
            dbapi_connection.autocommit = autocommit


def _record_from_row(row: Mapping[str, Any], *, with_payload: bool) -> Record:
    payload = None
    if with_payload:
        payload = _migrate(decode_payload(row["payload"]), row["schema_version"], row["kind"])
    return Record(
        kind=row["kind"], name=row["name"], version=row["version"], author=row["author"],
        created_at=row["created_at"], schema_version=row["schema_version"], note=row["note"],
        payload=payload,
    )


def _next_version(conn: Connection, kind: str, name: str) -> int:
    """``max(version) + 1`` for a scenario, read inside the caller's save transaction."""
    latest = conn.execute(
        sa.select(sa.func.max(scenarios.c.version))
        .where(scenarios.c.kind == kind, scenarios.c.name == name)
    ).scalar_one()
    return (latest or 0) + 1


def _backoff(attempt: int) -> None:
    """Sleep a small, jittered, growing time (at most about 0.5 s)."""
    time.sleep(random.uniform(0.5, 1.0) * min(0.5, 0.01 * math.pow(2, attempt)))


def _install_sqlite_hooks(engine: Engine) -> None:
    """WAL, busy timeout, and our own BEGIN (SQLAlchemy's documented pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Stop pysqlite from issuing its own BEGIN (and COMMIT before DDL); we emit BEGIN below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            _set_wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("workbench_sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _set_wal(cursor: Any) -> None:
    """Switch to WAL, retrying if another process holds the lock while switching too.

    SQLite sometimes refuses at once rather than waiting (two connections switching at the same
    moment), hence the retries; but when the busy timeout itself ran out (another program holds
    the database), retrying would only multiply the wait: give up once the busy timeout has
    passed in total.
    """
    import sqlite3

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    for attempt in range(SAVE_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) or attempt == SAVE_ATTEMPTS - 1
                    or time.monotonic() >= deadline):
                raise
            _backoff(attempt)
