"""Faults the scenario store must survive without losing a saved version.

* **SIGKILL in the middle of a save.** Writer processes save large payloads in a loop and are
  killed with ``SIGKILL`` at random moments (the kernel gives them no chance to clean up: this
  is a kernel OOM kill, a ``kill -9``, a culled Voilà kernel). After every kill the database is
  opened again and must be intact (``PRAGMA integrity_check`` on SQLite), hold every version a
  writer was told it saved, exactly as written, with versions consecutive and none doubled; a
  writer still running must not be blocked by the dead one's lock; and a new save must work.
* **A locked SQLite file.** Another process holds ``BEGIN EXCLUSIVE`` for longer than the
  store's busy timeout: saving gives a :class:`StoreError` that says in words what happened and
  what to do, nothing is half-written, reading still works, and saving works once the lock goes.
* **A lock held on PostgreSQL.** Another connection holds ``LOCK TABLE``, or the scenario's own
  save lock, past the store's lock timeout: the same clear error after one wait, nothing
  half-written, other scenarios still saved, and saving works once the lock goes.

The corrupt-file and payload-migration cases are in ``tests/store/test_store.py``
(``test_corrupt_file_raises_store_error_and_is_left_alone``,
``test_migration_hook_applies_to_older_records``), as is the 8-process × 100-save run.

Like ``tests/store/test_store.py``, the SIGKILL test runs on SQLite and, when
``WORKBENCH_TEST_PG_URL`` is set (CI starts a server with ``.ci/start-postgres``), on PostgreSQL
in a fresh schema.
Writers are forked, not spawned: a fork starts in milliseconds, a spawned interpreter importing
numpy and SQLAlchemy takes about a second, and each child opens its own store after the fork.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

import store_backends

from workbench import store as store_mod
from workbench.store import ScenarioStore, StoreError

# The same backends and fresh-database fixture as tests/store/test_store.py.

needs_fork = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods() or not hasattr(signal, "SIGKILL"),
    reason="needs fork() and SIGKILL (POSIX)",
)


# the shared fixtures (tests/fixtures/store_backends.py), used by this module
_clean_env = store_backends.clean_env
db_url = store_backends.db_url


def raw_rows(s: ScenarioStore) -> list[dict]:
    """Every stored row exactly as it is in the table."""
    with s._engine.connect() as conn:
        rows = conn.execute(sa.select(store_mod.scenarios).order_by(store_mod.scenarios.c.id))
        return [dict(r) for r in rows.mappings()]


# --------------------------------------------------------------------------------------------
# SIGKILL in the middle of a save
# --------------------------------------------------------------------------------------------

KIND, NAME = "mix_plan", "春季计划 killed"
ROUNDS = 8               # two writers killed per round
MAX_SAVES = 5_000        # per writer; a writer is always killed long before
#: payload sizes (characters of text): small saves and ones that fill many pages and trigger
#: WAL checkpoints, so kills land in every phase of a save
SIZES = (1_000, 30_000, 250_000, 1_000_000)


def payload_for(writer: int, seq: int) -> dict:
    """The ``seq``-th payload of a writer: deterministic, so any row can be checked exactly."""
    rng = random.Random(writer * 1_000_003 + seq)
    size = rng.choice(SIZES)
    return {
        "writer": writer, "seq": seq,
        "title": f"写入者 {writer} 第 {seq} 次保存",
        "text": rng.randbytes(size // 2).hex(),
        "rates": [rng.random() for _ in range(64)],
        "start": dt.date(2025, 1, 1) + dt.timedelta(days=seq % 365),
    }


def _save_until_killed(url: str, writer: int, ready, count, versions, busy) -> None:
    """Child process: save ``payload_for(writer, seq)`` for seq = 0, 1, 2 ... until killed.

    Shared memory (lock-free, so a kill can never leave a lock held) tells the parent how far
    it got: ``versions[seq]`` is the version save number ``seq`` was given, ``count`` how many
    saves returned, ``busy`` is 1 + the seq being saved (0 between saves).
    """
    try:
        with ScenarioStore(url) as s:
            s.list(KIND)  # the table exists before the parent starts the clock
            ready.set()
            for seq in range(MAX_SAVES):
                payload = payload_for(writer, seq)
                busy.value = seq + 1
                versions[seq] = s.save(KIND, NAME, payload, author=f"writer-{writer}",
                                       note=f"seq {seq}")
                count.value = seq + 1
                busy.value = 0
    except BaseException:  # pragma: no cover - shows up as a non-SIGKILL exit code
        import traceback

        traceback.print_exc()
        os._exit(3)
    os._exit(4)  # pragma: no cover - ran out of saves before being killed


@dataclass
class Writer:
    id: int
    process: mp.process.BaseProcess
    ready: object
    count: object
    versions: object
    busy: object

    @property
    def reported(self) -> int:
        return self.count.value

    def reported_versions(self) -> list[int]:
        return list(self.versions[: self.reported])


@dataclass
class KillStats:
    kills: int = 0
    mid_save: int = 0             # the writer was inside save() when the kill landed
    committed_unreported: int = 0  # the save was committed, the kill came before it returned
    checks: int = 0
    versions_checked: int = 0
    survivor_waits: list[float] = field(default_factory=list)


def _start_writer(ctx, url: str, writer_id: int) -> Writer:
    ready, count, busy = ctx.Event(), ctx.RawValue("i", 0), ctx.RawValue("i", 0)
    versions = ctx.RawArray("i", MAX_SAVES)
    proc = ctx.Process(target=_save_until_killed,
                       args=(url, writer_id, ready, count, versions, busy), daemon=True)
    proc.start()
    writer = Writer(writer_id, proc, ready, count, versions, busy)
    assert ready.wait(30), "writer did not start"
    return writer


def _kill(writer: Writer, stats: KillStats) -> None:
    os.kill(writer.process.pid, signal.SIGKILL)
    writer.process.join(10)
    # -SIGKILL: it was still saving (3 = a save failed, 4 = it ran out of work).
    assert writer.process.exitcode == -signal.SIGKILL
    stats.kills += 1
    if writer.busy.value > writer.count.value:
        stats.mid_save += 1


def _wait_for_progress(writer: Writer, timeout: float = 20.0) -> float:
    """Seconds until a running writer completes one more save (it must not be blocked)."""
    start, before = time.monotonic(), writer.reported
    while writer.reported == before:
        assert writer.process.is_alive(), "the surviving writer died"
        assert time.monotonic() - start < timeout, (
            f"writer {writer.id} made no progress for {timeout} s after the other was killed")
        time.sleep(0.002)
    return time.monotonic() - start


def _integrity_check(url: str) -> None:
    """SQLite's own check, on a plain connection (it also recovers a WAL left by the kill)."""
    path = sa.make_url(url).database
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _check_database(url: str, writers: dict[int, Writer | int],
                    stats: KillStats) -> dict[int, int]:
    """Open the database after kills and check every version; returns how many versions
    each writer has.

    ``writers`` maps writer id to its :class:`Writer` (killed children: the database may hold
    one save more than it reported, committed just before the kill) or to an exact count
    (saves made by this process, all returned).
    """
    if url.startswith("sqlite"):
        _integrity_check(url)
    with ScenarioStore(url) as s:
        history = s.history(KIND, NAME, include_payload=True)
        rows = raw_rows(s)
    versions = [r.version for r in history]
    assert versions == list(range(1, len(history) + 1)), "versions not consecutive"
    assert len(rows) == len(history), "a version is stored twice"
    by_writer: dict[int, list] = {}
    for rec in history:
        by_writer.setdefault(rec.payload["writer"], []).append(rec)
    assert set(by_writer) <= set(writers)
    for writer_id, expected in writers.items():
        recs = by_writer.get(writer_id, [])
        # each writer's saves are in the history in the order it made them, none missing
        assert [r.payload["seq"] for r in recs] == list(range(len(recs)))
        if isinstance(expected, Writer):
            assert expected.reported <= len(recs) <= expected.reported + 1
            assert [r.version for r in recs[: expected.reported]] == expected.reported_versions()
        else:
            assert len(recs) == expected
        for rec in recs:
            assert rec.payload == payload_for(writer_id, rec.payload["seq"])
            assert (rec.author, rec.note) == (f"writer-{writer_id}", f"seq {rec.payload['seq']}")
    stats.checks += 1
    stats.versions_checked += len(history)
    return {writer_id: len(recs) for writer_id, recs in by_writer.items()}


def _check_round(db_url: str, rnd: int, first: Writer, second: Writer,
                 writers: dict[int, Writer | int], stats: KillStats, parent_id: int) -> None:
    """After a round's kills: check the whole database, then save once from this process."""
    stored = _check_database(db_url, writers, stats)
    stats.committed_unreported += sum(stored.get(w.id, 0) - w.reported for w in (first, second))
    total = sum(stored.values())
    # Saving works after the kills, and gets the next version.
    with ScenarioStore(db_url) as s:
        assert s.save(KIND, NAME, payload_for(parent_id + rnd, 0),
                      author=f"writer-{parent_id + rnd}", note="seq 0") == total + 1
    writers[parent_id + rnd] = 1


@needs_fork
def test_sigkill_in_the_middle_of_saves_loses_nothing(db_url: str) -> None:
    """Each round: two writers save to one scenario; one is killed at a random moment, the
    other must go on saving (the dead one's lock is released), then it is killed too. After
    each round the database is checked in full and this process saves once more."""
    rng = random.Random(20250308)
    ctx = mp.get_context("fork")
    stats = KillStats()
    writers: dict[int, Writer | int] = {}
    parent_id = 1_000_000
    started: list[Writer] = []
    try:
        for rnd in range(ROUNDS):
            first = _start_writer(ctx, db_url, 2 * rnd)
            started.append(first)
            second = _start_writer(ctx, db_url, 2 * rnd + 1)
            started.append(second)
            writers[first.id], writers[second.id] = first, second
            time.sleep(rng.uniform(0.0, 0.12))
            _kill(first, stats)
            stats.survivor_waits.append(_wait_for_progress(second))
            time.sleep(rng.uniform(0.0, 0.05))
            _kill(second, stats)
            _check_round(db_url, rnd, first, second, writers, stats, parent_id)
    finally:  # a failed check must not leave a writer filling the disk
        for writer in started:
            if writer.process.is_alive():
                writer.process.kill()
                writer.process.join(10)
    final = sum(_check_database(db_url, writers, stats).values())

    assert stats.kills == 2 * ROUNDS
    assert final >= 3 * ROUNDS  # every child saved at least once (the survivor must have)
    print(f"\n{db_url.split(':')[0]}: {stats.kills} SIGKILLs ({stats.mid_save} inside save(), "
          f"{stats.committed_unreported} committed just before the kill); {stats.checks} "
          f"checks, {stats.versions_checked} versions checked, {final} versions at the end; "
          f"survivor's next save after a kill: max {max(stats.survivor_waits):.3f} s")


# --------------------------------------------------------------------------------------------
# A locked SQLite database
# --------------------------------------------------------------------------------------------

LOCK_TIMEOUT_S = 0.4

_LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()   # hold the lock until the test says so
conn.execute("ROLLBACK")
conn.close()
"""


@contextmanager
def _locked_by_another_process(path: Path) -> Iterator[None]:
    """Another process holds ``BEGIN EXCLUSIVE`` on ``path`` until the block ends."""
    locker = subprocess.Popen([sys.executable, "-c", _LOCKER, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        yield
    finally:
        locker.communicate("release\n", timeout=10)
    assert locker.returncode == 0


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_locked_sqlite_database_is_a_clear_error_and_nothing_is_half_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: str) -> None:
    """``wal``: the store's own file. ``delete``: a file another tool switched back to a
    rollback journal, where the lock blocks readers too (and the store cannot switch to WAL)."""
    monkeypatch.setattr(store_mod.engine, "SQLITE_BUSY_TIMEOUT_S", LOCK_TIMEOUT_S)
    path = tmp_path / "scenarios.sqlite"
    with ScenarioStore(path) as s:
        s.save("roi", "Double 11", {"budget": 20_000})
        s.save("roi", "Double 11", {"budget": 25_000})
        before = raw_rows(s)
    if journal == "delete":
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
        conn.close()

    with _locked_by_another_process(path):
        with ScenarioStore(path) as s:  # a fresh store, as a newly opened dashboard has
            if journal == "wal":  # readers never wait for the writer
                assert s.load("roi", "Double 11") == {"budget": 25_000}
            start = time.monotonic()
            with pytest.raises(StoreError) as info:
                s.save("roi", "Double 11", {"budget": 30_000})
            waited = time.monotonic() - start
    message = str(info.value)
    assert str(path) in message
    assert "is locked: another program" in message                       # what happened
    assert f"more than {LOCK_TIMEOUT_S:g} seconds" in message
    assert "Nothing was written" in message and "still there" in message  # what it means
    assert "Close the program that has the file open" in message          # what to do
    assert "try again" in message
    assert "disk is not full" not in message  # not the generic advice
    zh = info.value.message("zh")  # a Chinese page says the same in Chinese
    assert str(path) in zh and "被锁定" in zh and "没有写入任何内容" in zh and "重试" in zh
    # It waited for the busy timeout, once (not once per retry).
    assert LOCK_TIMEOUT_S * 0.9 <= waited < LOCK_TIMEOUT_S * 3 + 1.0

    with ScenarioStore(path) as s:
        assert raw_rows(s) == before  # nothing half-applied
        assert s.save("roi", "Double 11", {"budget": 30_000}) == 3
        assert [r.payload for r in s.history("roi", "Double 11", include_payload=True)] == [
            {"budget": 20_000}, {"budget": 25_000}, {"budget": 30_000}]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_locked_database_that_has_no_table_yet(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The first ever save, while another program holds the (empty) file: same clear error."""
    monkeypatch.setattr(store_mod.engine, "SQLITE_BUSY_TIMEOUT_S", LOCK_TIMEOUT_S)
    path = tmp_path / "scenarios.sqlite"
    sqlite3.connect(path).close()  # an empty database file
    with _locked_by_another_process(path):
        with ScenarioStore(path) as s, pytest.raises(StoreError, match="is locked"):
            s.save("roi", "first", {})
    with ScenarioStore(path) as s:
        assert s.list("roi") == []
        assert s.save("roi", "first", {"ok": True}) == 1


# --------------------------------------------------------------------------------------------
# A lock held on PostgreSQL
# --------------------------------------------------------------------------------------------


@contextmanager
def _pg_lock_held(url: str, statement: str) -> Iterator[None]:
    """Another connection runs ``statement`` (a lock) in a transaction held until the block
    ends, or for 10 s at most: a store that waited for ever would then fail the test (its
    save goes through) instead of hanging it."""
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn, conn.begin() as transaction:
            conn.exec_driver_sql("SET idle_in_transaction_session_timeout = '10s'")
            conn.exec_driver_sql(statement)
            yield
            transaction.rollback()
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not store_backends.PG_URL, reason=store_backends.PG_SKIP_REASON)
@pytest.mark.parametrize("held", ["table", "scenario"])
def test_a_lock_held_on_postgresql_is_a_clear_error_and_nothing_is_half_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: str) -> None:
    """``table``: another program holds ``LOCK TABLE`` (a maintenance job). ``scenario``:
    another process holds the scenario's save lock (a stuck workbench). Without a lock timeout
    the save would wait for ever, and the page with it."""
    monkeypatch.setattr(store_mod.engine, "PG_LOCK_TIMEOUT_S", LOCK_TIMEOUT_S)
    statement = {
        "table": "LOCK TABLE scenarios IN ACCESS EXCLUSIVE MODE",
        "scenario": f"SELECT pg_advisory_xact_lock({store_mod._advisory_key('roi', 'Double 11')})",
    }[held]
    with store_backends.fresh_database("postgresql", tmp_path) as url:
        with ScenarioStore(url) as s:
            s.save("roi", "Double 11", {"budget": 20_000})
            s.save("roi", "Double 11", {"budget": 25_000})
            before = raw_rows(s)
        with _pg_lock_held(url, statement):
            with ScenarioStore(url) as s:  # a fresh store, as a newly opened dashboard has
                start = time.monotonic()
                with pytest.raises(StoreError) as info:
                    s.save("roi", "Double 11", {"budget": 30_000})
                waited = time.monotonic() - start
                if held == "scenario":  # another scenario saves meanwhile
                    assert s.save("roi", "Singles' Day", {"budget": 1}) == 1
        message = str(info.value)
        assert "is locked: another program" in message                      # what happened
        assert f"more than {LOCK_TIMEOUT_S:g} seconds" in message
        assert "Nothing was written" in message and "still there" in message  # what it means
        assert "try again" in message and "what holds the lock" in message    # what to do
        assert "Is the server running" not in message  # not the unreachable-server advice
        zh = info.value.message("zh")
        assert "被锁定" in zh and "没有写入任何内容" in zh and "LOCK TABLE" in zh
        # It waited for the lock timeout, once (not once per retry).
        assert LOCK_TIMEOUT_S * 0.9 <= waited < LOCK_TIMEOUT_S * 3 + 1.0

        with ScenarioStore(url) as s:
            after = [r for r in raw_rows(s) if r["name"] == "Double 11"]
            assert after == before  # nothing half-applied
            assert s.save("roi", "Double 11", {"budget": 30_000}) == 3


# --------------------------------------------------------------------------------------------
# A read-only database file, or a read-only folder (issue 19, item 7)
# --------------------------------------------------------------------------------------------
_AS_ANOTHER_USER = """
import os, sys, json, sqlite3
import sqlalchemy.dialects.sqlite.pysqlite
from workbench.store import ScenarioStore, StoreError
if os.geteuid() == 0:  # root writes any file: save as 'nobody', the way a team member would
    os.setgid(65534)
    os.setuid(65534)
out = {}
try:
    store = ScenarioStore(sys.argv[1])
    out["names"] = [s.name for s in store.list("plan")]
    store.save("plan", "b", {"x": 2})
    out["saved"] = True
except StoreError as err:
    out["en"], out["zh"] = err.message("en"), err.message("zh")
print(json.dumps(out))
"""


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_database_says_which_is_read_only(read_only: str) -> None:
    """Before, a read-only *file* was reported as an unwritable *folder*."""
    top = Path(tempfile.mkdtemp(prefix="workbench-ro-"))  # in /tmp: 'nobody' can reach it
    request_cleanup = top
    folder = top / "shared"
    folder.mkdir()
    path = folder / "scenarios.sqlite"
    with ScenarioStore(str(path)) as store:
        store.save("plan", "a", {"x": 1})
    for extra in folder.glob("scenarios.sqlite-*"):
        extra.unlink()
    top.chmod(0o755)
    folder.chmod(0o777 if read_only == "file" else 0o755)
    path.chmod(0o644 if read_only == "file" else 0o666)
    try:
        done = subprocess.run([sys.executable, "-c", _AS_ANOTHER_USER, str(path)],
                              capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
    try:
        check_read_only_result(done, path, folder, read_only)
    finally:
        shutil.rmtree(request_cleanup, ignore_errors=True)


def check_read_only_result(done: subprocess.CompletedProcess, path: Path, folder: Path,
                           read_only: str) -> None:
    assert done.returncode == 0, done.stderr[-2000:]
    got = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert "saved" not in got
    if read_only == "file":
        assert got["names"] == ["a"]  # read, not written
        assert f"the scenario database file {path} is read-only" in got["en"]
        assert "folder" not in got["en"].split("read-only")[0]
        assert f"方案数据库文件 {path} 是只读的" in got["zh"]
    else:
        assert f"the folder {folder} that holds the scenario database is read-only" in got["en"]
        assert f"文件夹 {folder} 是只读的" in got["zh"]
    assert "Nothing was written" in got["en"] and "没有写入任何内容" in got["zh"]
    with ScenarioStore(str(path)) as store:
        assert [v.version for v in store.history("plan", "a")] == [1]
