"""The database under the store: where it is, how it is opened, locks and timeouts.

Where scenarios live
--------------------
``ScenarioStore(url=None)`` (any :class:`Database`) resolves its database in this order:

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

The timeouts and the retry count are settings of this module (:data:`SQLITE_BUSY_TIMEOUT_S`,
:data:`PG_LOCK_TIMEOUT_S`, :data:`SAVE_ATTEMPTS`); ``workbench.store.SQLITE_BUSY_TIMEOUT_S``
reads and sets the same ones.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import platformdirs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from .errors import (
    _PG_LOCK_NOT_AVAILABLE,
    StoreError,
    _corrupt_message,
    _is_sqlite_lock_error,
    _locked_error,
    _read_only_error,
)
from .tables import metadata

__all__ = ["PG_LOCK_TIMEOUT_S", "SAVE_ATTEMPTS", "SQLITE_BUSY_TIMEOUT_S", "Database",
           "default_url"]


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
# The database
# --------------------------------------------------------------------------------------------


class Database:
    """One database (SQLite file or PostgreSQL server) and the way to use it safely.

    Resolves the URL (:func:`_resolve_url`), opens one SQLAlchemy engine with the hooks below
    (WAL, busy timeout, lock timeout), gives transactions whose driver errors become a
    :class:`StoreError` that says what to do, and creates the tables of
    :mod:`workbench.store.tables` on first use. :class:`workbench.store.ScenarioStore` is one;
    anything else kept in the same database can be another.
    """

    #: the tables this kind of database keeps (created on first use); a subclass that keeps
    #: other things in the same database names its own (:mod:`workbench.workspace`)
    metadata: sa.MetaData = metadata

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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        """Where this store keeps its data (file path or URL without password)."""
        if self._sqlite_path is not None:
            return str(self._sqlite_path)
        return self.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"

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
                f"无法连接方案数据库 {self.describe()}：{text.strip()}。"
                "请确认数据库服务器正在运行，并且 WORKBENCH_DB 设置正确。",
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
            if all(inspector.has_table(table.name) for table in self.metadata.sorted_tables):
                self._schema_ready = True
                return
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._transaction(write=True) as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
                    self.metadata.create_all(conn, checkfirst=True)
                break
            except IntegrityError:
                # Another process created it between our check and CREATE (no lock on some
                # setups): the table now exists, so checking again succeeds.
                _backoff(attempt)
        self._schema_ready = True


# --------------------------------------------------------------------------------------------
# Connection hooks and retries
# --------------------------------------------------------------------------------------------

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
