"""The workspace under faults: several people adding at once, a kernel killed mid-add.

* **Eight processes adding at once** lose no upload: each adds five weekly 用户增长 exports of
  its own and the same shared export; afterwards every week is there once and the shared file
  is kept once.
* **SIGKILL during an add.** A writer adds exports (up to a year of 已通知内容, a few MB) in a
  loop and is killed at a random moment, eight times: the workspace then holds every upload the
  writer reported and at most one more, each whole (its bytes hash to its ``sha256``, its
  stored frame reads back with its row count), and a new writer can go on adding.

Writers are forked (milliseconds, where a spawned interpreter importing pandas takes seconds);
each opens its own workspace after the fork. SQLite always; PostgreSQL when
``WORKBENCH_TEST_PG_URL`` is set.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import random
import signal
import time

import pandas as pd
import pytest
import sqlalchemy as sa

import store_backends
from store_backends import db_url  # noqa: F401 (a fixture)
from workbench import io
from workbench.sample import exports
from workbench.workspace import Workspace, frames

_clean_env = store_backends.clean_env

needs_fork = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods() or not hasattr(signal, "SIGKILL"),
    reason="needs fork() and SIGKILL (POSIX)")

WRITERS, WEEKS_EACH = 8, 5
FIRST_MONDAY = pd.Timestamp("2025-01-06")


def week(n: int, daily: pd.DataFrame) -> bytes:
    start = FIRST_MONDAY + pd.Timedelta(weeks=n)
    return exports.user_growth(daily, str(start.date()),
                               str((start + pd.Timedelta(days=6)).date()))


def _add_weeks(url: str, writer: int, shared: bytes, daily: pd.DataFrame, go) -> None:
    try:
        go.wait(30)
        with Workspace(url) as ws:
            for i in range(WEEKS_EACH):
                n = writer * WEEKS_EACH + i
                ws.add(week(n, daily), name=f"用户增长 第{n + 1}周.csv", author=f"writer-{writer}")
                if i == 2:
                    ws.add(shared, name="用户增长 共享.csv", author=f"writer-{writer}")
    except BaseException:  # pragma: no cover - shows as exit code 3
        import traceback

        traceback.print_exc()
        os._exit(3)
    os._exit(0)


@needs_fork
def test_eight_processes_adding_at_once_lose_nothing(db_url: str) -> None:  # noqa: F811
    daily = io.sample("daily_users")
    shared = exports.user_growth(daily, "2025-12-01", "2025-12-14")
    with Workspace(db_url) as ws:
        ws.accounts()  # the tables exist before the writers start
    ctx = mp.get_context("fork")
    go = ctx.Event()
    procs = [ctx.Process(target=_add_weeks, args=(db_url, w, shared, daily, go))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    with Workspace(db_url) as ws:
        uploads = ws.uploads()
        assert len(uploads) == WRITERS * WEEKS_EACH + 1
        assert len({u.account.id for u in uploads}) == 1 and len(ws.accounts()) == 1
        assert sum(u.file_name == "用户增长 共享.csv" for u in uploads) == 1
        merged = ws.frame("daily_users")
        assert len(merged) == WRITERS * WEEKS_EACH * 7 + 14 and merged["date"].is_unique
        # each week's first add counted all its days as new
        assert all(u.report.new == 7 for u in uploads if "第" in u.file_name)


# --------------------------------------------------------------------------------------------
# SIGKILL during an add
# --------------------------------------------------------------------------------------------

ROUNDS = 8


def export_for(seq: int, articles: pd.DataFrame, daily: pd.DataFrame) -> tuple[str, bytes]:
    """The ``seq``-th file a writer adds: small weekly ones and large article histories, so
    kills land in every phase of an add."""
    rng = random.Random(seq)
    start = FIRST_MONDAY + pd.Timedelta(days=rng.randrange(0, 300))
    if rng.random() < 0.5:
        end = start + pd.Timedelta(days=rng.choice((6, 90, 300)))
        return "已通知内容.csv", exports.notified_articles(articles, str(start.date()),
                                                        str(end.date()))
    return "用户增长.csv", exports.user_growth(daily, str(start.date()),
                                           str((start + pd.Timedelta(days=6)).date()))


def _add_until_killed(url: str, first: int, count, busy, ready) -> None:
    articles, daily = io.sample("articles"), io.sample("daily_users")
    try:
        with Workspace(url) as ws:
            ws.accounts()
            ready.set()
            for seq in range(first, first + 10_000):
                name, data = export_for(seq, articles, daily)
                busy.value = seq + 1
                if ws.add(data, name=name).report.duplicate_of is None:
                    count.value += 1  # a new upload (the same file again adds none)
                busy.value = 0
    except BaseException:  # pragma: no cover
        import traceback

        traceback.print_exc()
        os._exit(3)
    os._exit(4)  # pragma: no cover


def _check_whole(url: str) -> list[int]:
    """Every stored upload is whole; returns their ids."""
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg")
                              if url.startswith("postgresql") else url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT id, sha256, size, rows, content, frame, format_version "
                "FROM workspace_uploads ORDER BY id")).all()
    finally:
        engine.dispose()
    for r in rows:
        content = bytes(r.content)
        assert hashlib.sha256(content).hexdigest() == r.sha256 and len(content) == r.size
        assert len(frames.from_blob(bytes(r.frame), r.format_version)) == r.rows
    return [r.id for r in rows]


@needs_fork
def test_a_kill_during_an_add_leaves_it_whole_or_out(db_url: str) -> None:  # noqa: F811
    with Workspace(db_url) as ws:
        ws.accounts()
    ctx = mp.get_context("fork")
    rng = random.Random(7)
    reported_total, mid_add, first = 0, 0, 0
    for _ in range(ROUNDS):
        count, busy, ready = ctx.RawValue("i", 0), ctx.RawValue("i", 0), ctx.Event()
        proc = ctx.Process(target=_add_until_killed, args=(db_url, first, count, busy, ready),
                           daemon=True)
        proc.start()
        assert ready.wait(60), "writer did not start"
        time.sleep(rng.uniform(0.2, 2.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        assert proc.exitcode == -signal.SIGKILL
        mid_add += busy.value > 0
        reported_total += count.value
        ids = _check_whole(db_url)
        # the writer's reported adds are all there, and at most the one it was in the middle of
        assert reported_total <= len(ids) <= reported_total + ROUNDS
        first += 10_000
    assert mid_add >= ROUNDS // 2, f"only {mid_add} of {ROUNDS} kills landed during an add"
    with Workspace(db_url) as ws:  # and the workspace goes on
        before = len(ws.uploads())
        up = ws.add(exports.user_growth(io.sample("daily_users"), "2026-06-01", "2026-06-07"),
                    name="用户增长 之后.csv")
        assert len(ws.uploads()) in (before, before + 1) and up.rows == 7
        assert not ws.unreadable() and len(ws.frame("daily_users")) > 0
