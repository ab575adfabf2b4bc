"""Tests for workbench.store: the versioned scenario store.

Every behaviour test runs on SQLite (a file in tmp_path) and, when ``WORKBENCH_TEST_PG_URL`` is
set (``.ci/start-postgres`` prints one), on PostgreSQL in a fresh schema per test. Tests about
the SQLite file itself (default location, corrupt file) run on SQLite only.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

import store_backends
from store_backends import BACKENDS, fresh_database

from workbench import identity
from workbench import store as store_mod
from workbench.store import NotFound, Record, ScenarioStore, StoreError, Summary



# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


# the shared fixtures (tests/fixtures/store_backends.py), used by this module
_clean_env = store_backends.clean_env
db_url = store_backends.db_url


store = store_backends.store


def raw_rows(s: ScenarioStore) -> list[dict]:
    """Every stored row exactly as it is in the table."""
    with s._engine.connect() as conn:
        rows = conn.execute(sa.select(store_mod.scenarios).order_by(store_mod.scenarios.c.id))
        return [dict(r) for r in rows.mappings()]


# --------------------------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------------------------


def test_postgresql_url_uses_psycopg3(db_url: str) -> None:
    with ScenarioStore(db_url) as s:
        if s.url.get_backend_name() == "postgresql":
            assert s.url.drivername == "postgresql+psycopg"
            assert db_url.startswith("postgresql://")
        else:
            assert s.url.drivername == "sqlite"
        assert s.save("check", "driver", {"ok": True}) == 1


def test_save_returns_consecutive_versions(store: ScenarioStore) -> None:
    assert [store.save("mix_plan", "Spring", {"i": i}) for i in range(3)] == [1, 2, 3]
    # Versions count per (kind, name).
    assert store.save("mix_plan", "Autumn", {}) == 1
    assert store.save("personas", "Spring", {}) == 1
    assert store.save("mix_plan", "Spring", {"i": 3}) == 4


def test_load_latest_and_given_version(store: ScenarioStore) -> None:
    for i in range(1, 4):
        store.save("mix_plan", "Q3", {"posts_per_week": i})
    assert store.load("mix_plan", "Q3") == {"posts_per_week": 3}
    assert store.load("mix_plan", "Q3", version=1) == {"posts_per_week": 1}
    assert store.load("mix_plan", "Q3", 2) == {"posts_per_week": 2}
    assert store.load("mix_plan", "Q3", np.int64(2)) == {"posts_per_week": 2}
    rec = store.record("mix_plan", "Q3", 2)
    assert isinstance(rec, Record)
    assert (rec.kind, rec.name, rec.version, rec.payload) == ("mix_plan", "Q3", 2,
                                                              {"posts_per_week": 2})
    assert rec.schema_version == store_mod.PAYLOAD_SCHEMA_VERSION


def test_names_are_stripped_and_user_text_stored_as_is(store: ScenarioStore) -> None:
    name = "双11 <b>抽奖</b> & 'quotes' \"too\""
    store.save("活动", f"  {name}\t", {"t": "<script>alert(1)</script>"}, note="<i>备注</i>")
    rec = store.record("活动", name)
    assert rec.name == name and rec.kind == "活动"
    assert rec.note == "<i>备注</i>"
    assert rec.payload == {"t": "<script>alert(1)</script>"}
    assert store.load(" 活动 ", name) == rec.payload


PAYLOAD = {
    "title": "春季拉新计划 🌸",
    "personas": [{"name": "学生党", "share": 0.25}, {"name": "宝妈", "share": 0.75}],
    "nested": {"a": {"b": {"c": [1, [2, [3, None]], True, False]}}},
    "numbers": [0, -1, 2**62, 0.1, 1e-300, 1.7976931348623157e308, -0.0],
    "empty": [{}, [], ""],
    "start": dt.date(2025, 3, 1),
    "at": dt.datetime(2025, 3, 1, 8, 30, 15, 123456),
    "at_beijing": dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    "looks_tagged": {"$date": "not a date"},
    "looks_literal": {"$literal": {"$datetime": "x"}},
    "two_keys": {"$date": "2025-01-01", "other": 1},
    "tuple": (1, "二"),
}
EXPECTED = {**PAYLOAD, "tuple": [1, "二"]}


def test_payload_round_trips_exactly(store: ScenarioStore) -> None:
    store.save("plan", "round trip", PAYLOAD)
    loaded = store.load("plan", "round trip")
    assert loaded == EXPECTED
    assert list(loaded) == list(EXPECTED)  # key order kept
    assert type(loaded["start"]) is dt.date
    assert type(loaded["at"]) is dt.datetime and loaded["at"].tzinfo is None
    assert loaded["at_beijing"].utcoffset() == dt.timedelta(hours=8)
    assert math.copysign(1.0, loaded["numbers"][-1]) == -1.0
    assert store.load("plan", "round trip") == store.record("plan", "round trip").payload


def test_numpy_values_round_trip_as_python_values(store: ScenarioStore) -> None:
    payload = {
        "int": np.int64(42),
        "small": np.int8(-3),
        "float": np.float64(0.1),
        "half": np.float32(0.5),
        "flag": np.bool_(True),
        "text": np.str_("微信"),
        "vector": np.array([1.5, 2.5]),
        "matrix": np.arange(6, dtype=np.int32).reshape(2, 3),
        "day": np.datetime64("2025-03-01"),
        "moment": np.datetime64("2025-03-01T08:30:00.000001"),
        "nat": np.datetime64("NaT"),
        "days": np.array(["2025-03-01", "2025-03-02"], dtype="datetime64[D]"),
        "scalar_array": np.array(7),
        "objects": np.array([1, "a", None], dtype=object),
    }
    store.save("plan", "numpy", payload)
    loaded = store.load("plan", "numpy")
    assert loaded == {
        "int": 42, "small": -3, "float": 0.1, "half": 0.5, "flag": True, "text": "微信",
        "vector": [1.5, 2.5], "matrix": [[0, 1, 2], [3, 4, 5]],
        "day": dt.date(2025, 3, 1), "moment": dt.datetime(2025, 3, 1, 8, 30, 0, 1),
        "nat": None, "days": [dt.date(2025, 3, 1), dt.date(2025, 3, 2)],
        "scalar_array": 7, "objects": [1, "a", None],
    }
    assert type(loaded["int"]) is int and type(loaded["flag"]) is bool
    assert type(loaded["float"]) is float


def test_nan_and_infinity_round_trip(store: ScenarioStore) -> None:
    store.save("plan", "nan", {"x": float("nan"), "y": np.inf, "z": -math.inf})
    loaded = store.load("plan", "nan")
    assert math.isnan(loaded["x"]) and loaded["y"] == math.inf and loaded["z"] == -math.inf


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"tags": {"a", "b"}}, "payload['tags'] is a builtins.set"),
        ({"when": [1, object()]}, "payload['when'][1] is a builtins.object"),
        ({1: "int key"}, "key 1 of type int"),
        ({"z": np.complex128(1j)}, "payload['z'] is a numpy complex128"),
        (b"bytes", "decode it to str"),
    ],
)
def test_unsupported_payload_is_a_clear_type_error(store: ScenarioStore, payload: object,
                                                   message: str) -> None:
    with pytest.raises(TypeError) as info:
        store.save("plan", "bad", payload)
    assert message in str(info.value)
    with pytest.raises(NotFound):
        store.load("plan", "bad")  # nothing half-saved


def test_dataframe_is_rejected_with_a_hint(store: ScenarioStore) -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match=r"to_dict\(orient='records'\)"):
        store.save("plan", "df", {"posts": pd.DataFrame({"a": [1]})})


@pytest.mark.parametrize(
    ("kind", "name", "error", "match"),
    [
        ("", "x", ValueError, "kind must not be empty"),
        ("plan", "   ", ValueError, "name must not be empty"),
        ("plan", "n" * 201, ValueError, "201 characters long; the limit is 200"),
        ("plan", None, TypeError, "name must be a str"),
        (3, "x", TypeError, "kind must be a str"),
        ("plan", "a\x00b", ValueError, "NUL"),
    ],
)
def test_kind_and_name_are_validated(store: ScenarioStore, kind: object, name: object,
                                     error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        store.save(kind, name, {})  # type: ignore[arg-type]


def test_longest_name_and_bad_versions(store: ScenarioStore) -> None:
    longest = "名" * 200
    assert store.save("plan", longest, {"ok": 1}) == 1
    assert store.load("plan", longest) == {"ok": 1}
    with pytest.raises(ValueError, match="version must be 1 or more"):
        store.load("plan", longest, 0)
    with pytest.raises(TypeError, match="version must be an int"):
        store.load("plan", longest, "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="version must be an int"):
        store.load("plan", longest, True)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Not found, list, history
# --------------------------------------------------------------------------------------------


def test_not_found_messages(store: ScenarioStore) -> None:
    with pytest.raises(NotFound) as info:
        store.load("mix_plan", "Spring")
    assert isinstance(info.value, KeyError)
    assert "'mix_plan'/'Spring'" in str(info.value)
    assert "nothing of kind 'mix_plan' has been saved" in str(info.value)

    store.save("mix_plan", "Spring", {})
    store.save("mix_plan", "Spring", {})
    store.save("mix_plan", "Autumn", {})

    with pytest.raises(KeyError) as info:
        store.load("mix_plan", "Winter")
    msg = str(info.value)
    assert "no scenario 'mix_plan'/'Winter'" in msg
    assert "'Autumn', 'Spring'" in msg

    with pytest.raises(NotFound) as info:
        store.record("mix_plan", "Spring", version=7)
    msg = str(info.value)
    assert "has no version 7" in msg and "versions 1 to 2 exist" in msg
    assert (info.value.kind, info.value.name, info.value.version) == ("mix_plan", "Spring", 7)

    with pytest.raises(NotFound, match="has no version 2; version 1 exist"):
        store.load("mix_plan", "Autumn", 2)
    with pytest.raises(NotFound, match="no scenario 'mix_plan'/'Winter'"):
        store.history("mix_plan", "Winter")


def test_not_found_lists_at_most_ten_names(store: ScenarioStore) -> None:
    for i in range(13):
        store.save("plan", f"p{i:02d}", {})
    with pytest.raises(NotFound, match="'p09' and 3 more"):
        store.load("plan", "missing")


def test_list_one_summary_per_name_sorted(store: ScenarioStore) -> None:
    assert store.list("mix_plan") == []
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    store.save("mix_plan", "b-plan", {}, author="li")
    store.save("mix_plan", "a-plan", {}, author="wang")
    store.save("mix_plan", "b-plan", {}, author="zhao")
    store.save("mix_plan", "C-plan", {}, author="qian")
    store.save("personas", "a-plan", {}, author="other kind")
    after = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=1)

    summaries = store.list("mix_plan")
    assert all(isinstance(s, Summary) for s in summaries)
    assert [(s.name, s.latest_version, s.versions, s.last_author) for s in summaries] == [
        ("C-plan", 1, 1, "qian"),
        ("a-plan", 1, 1, "wang"),
        ("b-plan", 2, 2, "zhao"),
    ]
    for s in summaries:
        assert s.last_saved_at.tzinfo == dt.timezone.utc
        assert before <= s.last_saved_at <= after
    b_plan = summaries[2]
    assert b_plan.last_saved_at == store.record("mix_plan", "b-plan").created_at


def test_history_is_ascending_with_all_fields(store: ScenarioStore) -> None:
    for i, author in enumerate(["li", "wang", "zhao"], start=1):
        store.save("activity", "Lucky draw", {"budget": i * 1000}, author=author,
                   note=f"note {i}")
    history = store.history("activity", "Lucky draw")
    assert [r.version for r in history] == [1, 2, 3]
    assert [r.author for r in history] == ["li", "wang", "zhao"]
    assert [r.note for r in history] == ["note 1", "note 2", "note 3"]
    assert all(r.payload is None for r in history)
    assert all(r.kind == "activity" and r.name == "Lucky draw" for r in history)
    times = [r.created_at for r in history]
    assert times == sorted(times) and all(t.tzinfo == dt.timezone.utc for t in times)

    full = store.history("activity", "Lucky draw", include_payload=True)
    assert [r.payload for r in full] == [{"budget": 1000}, {"budget": 2000}, {"budget": 3000}]
    assert full[2] == store.record("activity", "Lucky draw")


# --------------------------------------------------------------------------------------------
# Author, immutability
# --------------------------------------------------------------------------------------------


def test_author_from_argument_env_or_os_user(store: ScenarioStore,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity.getpass, "getuser", lambda: "os-user")
    store.save("plan", "a", {})
    assert store.record("plan", "a").author == "os-user"

    monkeypatch.setenv("WORKBENCH_USER", "小王")
    store.save("plan", "a", {})
    assert store.record("plan", "a").author == "小王"

    store.save("plan", "a", {}, author="explicit")
    assert store.record("plan", "a").author == "explicit"

    def no_user() -> str:
        raise OSError("no user name")

    monkeypatch.delenv("WORKBENCH_USER")
    monkeypatch.setattr(identity.getpass, "getuser", no_user)
    store.save("plan", "a", {})
    assert store.record("plan", "a").author == "unknown"
    assert [r.author for r in store.history("plan", "a")] == [
        "os-user", "小王", "explicit", "unknown"]


def test_old_versions_are_never_overwritten(store: ScenarioStore) -> None:
    store.save("mix_plan", "Q3", {"posts_per_week": 3}, author="li", note="first")
    first = store.record("mix_plan", "Q3", 1)
    rows_before = raw_rows(store)
    time.sleep(0.01)
    for i in range(4, 8):
        store.save("mix_plan", "Q3", {"posts_per_week": i}, author="wang", note="later")
    assert store.record("mix_plan", "Q3", 1) == first
    rows_after = raw_rows(store)
    assert rows_after[: len(rows_before)] == rows_before
    assert len(rows_after) == len(rows_before) + 4
    # There is no way to delete or overwrite through the API.
    for verb in ("delete", "remove", "overwrite", "update", "replace"):
        assert not hasattr(store, verb)


def test_database_unique_constraint_refuses_a_duplicate_version(store: ScenarioStore) -> None:
    store.save("plan", "dup", {})
    row = {k: v for k, v in raw_rows(store)[0].items() if k != "id"}
    with pytest.raises(sa.exc.IntegrityError):
        with store._engine.begin() as conn:
            conn.execute(store_mod.scenarios.insert().values(**row))
    assert len(raw_rows(store)) == 1


def test_save_retries_when_another_writer_took_the_version(
        store: ScenarioStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save("plan", "race", {"v": 1})
    real_next = store_mod.scenario_store._next_version
    calls, sleeps = [], []

    def stale_once(conn, kind, name):  # the first attempt reads a stale max(version)
        calls.append(name)
        return 1 if len(calls) == 1 else real_next(conn, kind, name)

    monkeypatch.setattr(store_mod.scenario_store, "_next_version", stale_once)
    monkeypatch.setattr(store_mod.scenario_store, "_backoff", sleeps.append)
    assert store.save("plan", "race", {"v": 2}) == 2
    assert (len(calls), sleeps) == (2, [0])
    assert [r.payload for r in store.history("plan", "race", include_payload=True)] == [
        {"v": 1}, {"v": 2}]

    monkeypatch.setattr(store_mod.scenario_store, "_next_version", lambda conn, kind, name: 1)
    with pytest.raises(StoreError, match="after 10 attempts"):
        store.save("plan", "race", {"v": 3})
    assert len(sleeps) == 1 + store_mod.SAVE_ATTEMPTS
    assert store.load("plan", "race") == {"v": 2}


# --------------------------------------------------------------------------------------------
# Where the database is
# --------------------------------------------------------------------------------------------


def test_workbench_db_env_url_is_honoured(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DB", db_url)
    with ScenarioStore() as s:
        assert s.save("plan", "from env", {"x": 1}) == 1
    with ScenarioStore(db_url) as s:
        assert s.load("plan", "from env") == {"x": 1}


def test_workbench_db_env_plain_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "team share" / "场景.sqlite"
    path.parent.mkdir()
    monkeypatch.setenv("WORKBENCH_DB", str(path))
    with ScenarioStore() as s:
        s.save("plan", "x", [1])
        assert s.describe() == str(path)
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    with ScenarioStore(f"sqlite:///{path}") as s:
        assert s.load("plan", "x") == [1]
    with ScenarioStore(path) as s:  # a Path object works too
        assert s.load("plan", "x") == [1]


def test_explicit_path_in_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        ScenarioStore(tmp_path / "no such folder" / "s.sqlite")
    assert not (tmp_path / "no such folder").exists()


def test_default_path_is_under_the_user_data_dir(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod.engine.platformdirs, "user_data_dir",
                        lambda appname: str(tmp_path / "data" / appname))
    expected = tmp_path / "data" / "workbench" / "scenarios.sqlite"
    with ScenarioStore() as s:
        assert s.describe() == str(expected)
        s.save("plan", "default", {"ok": True})
    assert expected.is_file()


def test_default_path_honours_xdg_data_home(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.name == "posix" or os.uname().sysname != "Linux":
        pytest.skip("XDG_DATA_HOME is the Linux convention")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with ScenarioStore() as s:
        s.save("plan", "default", {})
    assert (tmp_path / "xdg" / "workbench" / "scenarios.sqlite").is_file()


@pytest.mark.parametrize("garbage", [
    b"name,reach\n\xe5\xbe\xae\xe4\xbf\xa1,10\n" * 200,      # a CSV saved under the wrong name
    b"SQLite format 3\x00" + bytes(range(256)) * 40,          # right header, garbage pages
])
def test_corrupt_file_raises_store_error_and_is_left_alone(tmp_path: Path, garbage: bytes,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    path = tmp_path / "scenarios.sqlite"
    path.write_bytes(garbage)
    monkeypatch.setenv("WORKBENCH_DB", str(path))
    with pytest.raises(StoreError) as info:
        with ScenarioStore() as s:
            s.save("plan", "x", {})
    msg = str(info.value)
    assert str(path) in msg
    assert "not a readable SQLite database" in msg and "has not changed it" in msg
    assert str(path) in info.value.message("zh") and "没有改动它" in info.value.message("zh")
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.sqlite"]


def test_folder_instead_of_file_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder") as info:
        ScenarioStore(tmp_path)
    assert info.value.message("zh").startswith(f"方案数据库路径 {tmp_path} 是文件夹")


def test_every_store_error_is_written_in_both_languages() -> None:
    """Each ``StoreError`` the store raises gives its English and its Chinese text (a page in
    Chinese shows the Chinese one), directly or from a helper that returns both."""
    import ast

    package = Path(store_mod.__file__).parent  # every module of workbench/store/
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in package.glob("*.py")]
    calls = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id == "StoreError"]
    assert len(calls) >= 12
    for call in calls:
        starred = any(isinstance(a, ast.Starred) for a in call.args)
        assert len(call.args) == 2 or starred, ast.unparse(call)[:120]
        if not starred:  # the second text is the Chinese one
            zh = ast.unparse(call.args[1])
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), zh[:120]


def test_unreachable_postgresql_is_a_store_error() -> None:
    s = ScenarioStore("postgresql://planner:s3cret@127.0.0.1:1/workbench?connect_timeout=2")
    assert "s3cret" not in repr(s)
    assert s.url.drivername == "postgresql+psycopg"
    with pytest.raises(StoreError) as info:
        s.save("plan", "x", {})
    assert "cannot reach the scenario database" in str(info.value)
    assert "s3cret" not in str(info.value)
    assert "无法连接方案数据库" in info.value.message("zh")
    assert "s3cret" not in info.value.message("zh")
    s.close()


def test_unsupported_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="unsupported database"):
        ScenarioStore("mysql://user@localhost/db")


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with ScenarioStore(tmp_path / "s.sqlite") as s:
        s.save("plan", "x", {})
        with s._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


# --------------------------------------------------------------------------------------------
# Schema migration hook
# --------------------------------------------------------------------------------------------


def _insert_old_record(s: ScenarioStore, schema_version: int, payload: str) -> None:
    s.list("plan")  # creates the table
    with s._engine.begin() as conn:
        conn.execute(store_mod.scenarios.insert().values(
            kind="plan", name="old", version=1, author="legacy",
            created_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
            schema_version=schema_version, note="", payload=payload,
        ))


def test_migration_hook_applies_to_older_records(store: ScenarioStore,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _insert_old_record(store, 0, '{"posts": 3}')
    # No step registered for v0: identity.
    assert store.load("plan", "old") == {"posts": 3}

    calls = []

    def v0_to_v1(kind: str, payload: dict) -> dict:
        calls.append(kind)
        return {"posts_per_week": payload["posts"]}

    monkeypatch.setitem(store_mod._MIGRATIONS, 0, v0_to_v1)
    rec = store.record("plan", "old")
    assert rec.payload == {"posts_per_week": 3}
    assert rec.schema_version == 0  # what it was written with
    assert calls == ["plan"]
    assert raw_rows(store)[0]["payload"] == '{"posts": 3}'  # nothing written back

    # Current-version records do not go through the step.
    store.save("plan", "old", {"posts_per_week": 4})
    assert store.load("plan", "old") == {"posts_per_week": 4}
    assert calls == ["plan"]
    assert [r.payload for r in store.history("plan", "old", include_payload=True)] == [
        {"posts_per_week": 3}, {"posts_per_week": 4}]


def test_migrate_chains_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod.payload, "PAYLOAD_SCHEMA_VERSION", 3)
    monkeypatch.setattr(store_mod.payload, "_MIGRATIONS", {
        0: lambda kind, p: p + ["0→1"],
        2: lambda kind, p: p + ["2→3"],
    })
    assert store_mod._migrate([], 0) == ["0→1", "2→3"]
    assert store_mod._migrate([], 1) == ["2→3"]
    assert store_mod._migrate([], 3) == []


def test_record_from_a_newer_workbench_is_refused(store: ScenarioStore) -> None:
    _insert_old_record(store, store_mod.PAYLOAD_SCHEMA_VERSION + 1, "{}")
    with pytest.raises(StoreError, match="upgrade the workbench"):
        store.load("plan", "old")


# --------------------------------------------------------------------------------------------
# Concurrency: several processes at once
# --------------------------------------------------------------------------------------------

N_PROCESSES = 8
SAVES_EACH = 100  # the issue's 8 processes × 100 saves (the run takes seconds)
SHARED = "shared"


def _save_many(url: str, worker: int, count: int, barrier, results) -> None:
    """Child process: open a store, wait for the others, then alternate saves to the shared
    scenario and to this worker's own one."""
    own = f"plan-{worker}"
    shared, mine = [], []
    with ScenarioStore(url) as s:
        barrier.wait(timeout=60)
        for seq in range(count):
            payload = {"worker": worker, "seq": seq, "text": "进程"}
            shared.append((s.save("concurrent", SHARED, payload, author=f"worker-{worker}"), seq))
            mine.append((s.save("concurrent", own, payload, author=f"worker-{worker}"), seq))
    results.put((worker, shared, mine))


@dataclass
class ConcurrentRun:
    url: str
    seconds: float
    shared: dict[int, list[tuple[int, int]]]  # worker -> [(version it was given, seq)]
    own: dict[int, list[tuple[int, int]]]


@pytest.fixture(scope="module", params=BACKENDS)
def concurrent_run(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConcurrentRun]:
    """Eight spawned processes on a fresh database, each saving 100 times to one shared name and
    100 times to its own name (interleaved). Run once per backend; the tests below check it.

    The two scenarios share one set of processes because starting a spawned interpreter that
    imports numpy and SQLAlchemy costs about a second of CPU each.
    """
    with fresh_database(request.param, tmp_path_factory.mktemp("concurrent")) as url:
        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(N_PROCESSES)
        results = ctx.Queue()
        procs = [ctx.Process(target=_save_many, args=(url, w, SAVES_EACH, barrier, results))
                 for w in range(N_PROCESSES)]
        start = time.perf_counter()
        for p in procs:
            p.start()
        try:
            got = [results.get(timeout=120) for _ in procs]
        finally:
            for p in procs:
                p.join(timeout=30)
                if p.is_alive():
                    p.kill()
        seconds = time.perf_counter() - start
        assert [p.exitcode for p in procs] == [0] * N_PROCESSES
        yield ConcurrentRun(url=url, seconds=seconds,
                            shared={w: sh for w, sh, _ in got},
                            own={w: mine for w, _, mine in got})


def test_eight_processes_saving_the_same_name(concurrent_run: ConcurrentRun) -> None:
    """8 × 100 concurrent saves on one name: versions exactly 1..800, nothing lost or doubled."""
    got = concurrent_run.shared
    total = N_PROCESSES * SAVES_EACH

    returned = sorted(v for pairs in got.values() for v, _ in pairs)
    assert returned == list(range(1, total + 1))
    for pairs in got.values():  # each process saw its own saves get increasing versions
        versions = [v for v, _ in pairs]
        assert versions == sorted(versions)

    with ScenarioStore(concurrent_run.url) as s:
        history = s.history("concurrent", SHARED, include_payload=True)
    assert [r.version for r in history] == list(range(1, total + 1))
    by_version = {r.version: r for r in history}
    for worker, pairs in got.items():
        for version, seq in pairs:  # the version a process was told holds what it saved
            rec = by_version[version]
            assert rec.payload == {"worker": worker, "seq": seq, "text": "进程"}
            assert rec.author == f"worker-{worker}"
    seen = {(r.payload["worker"], r.payload["seq"]) for r in history}
    assert seen == {(w, q) for w in range(N_PROCESSES) for q in range(SAVES_EACH)}


def test_eight_processes_saving_different_names(concurrent_run: ConcurrentRun) -> None:
    names = [f"plan-{w}" for w in range(N_PROCESSES)]
    for pairs in concurrent_run.own.values():
        assert [v for v, _ in pairs] == list(range(1, SAVES_EACH + 1))
    total = N_PROCESSES * SAVES_EACH
    with ScenarioStore(concurrent_run.url) as s:
        summaries = s.list("concurrent")
        assert [(x.name, x.versions, x.latest_version) for x in summaries] == [
            (n, SAVES_EACH, SAVES_EACH) for n in names] + [(SHARED, total, total)]
        for w, name in enumerate(names):
            history = s.history("concurrent", name, include_payload=True)
            assert [r.payload for r in history] == [
                {"worker": w, "seq": q, "text": "进程"} for q in range(SAVES_EACH)]
            assert {r.author for r in history} == {f"worker-{w}"}


def test_concurrent_histories_are_ordered(concurrent_run: ConcurrentRun) -> None:
    """Version order is save order: in every history (the shared one and each process's own)
    the save times never go backwards, and each process's saves appear in the order it made
    them. (The store numbers a version and stamps its time under the same lock.)"""
    names = [SHARED] + [f"plan-{w}" for w in range(N_PROCESSES)]
    with ScenarioStore(concurrent_run.url) as s:
        for name in names:
            history = s.history("concurrent", name, include_payload=True)
            assert [r.version for r in history] == list(range(1, len(history) + 1))
            times = [r.created_at for r in history]
            assert times == sorted(times), f"{name}: save times out of version order"
            for worker in range(N_PROCESSES):
                seqs = [r.payload["seq"] for r in history if r.payload["worker"] == worker]
                assert seqs == sorted(seqs), f"{name}: worker {worker}'s saves out of order"
                if name != SHARED:
                    assert seqs in ([], list(range(SAVES_EACH)))


# --------------------------------------------------------------------------------------------
# Drafts: unsaved working state, beside the versioned scenarios
# --------------------------------------------------------------------------------------------


def test_drafts_are_replaced_not_versioned_and_leave_scenarios_alone(store: ScenarioStore
                                                                     ) -> None:
    store.save("mix_plan", "Q3", {"hours": 60})
    scenarios_before = raw_rows(store)
    assert store.draft("mix_plan") is None
    at = dt.datetime(2025, 3, 8, 14, 32, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    first = store.put_draft("mix_plan", {"hours": 30, "start": dt.date(2025, 3, 10)},
                            name=" Q3 ", session="tab-1", owner="li", saved_at=at)
    assert (first.name, first.session, first.owner) == ("Q3", "tab-1", "li")
    assert first.saved_at == at and first.saved_at.tzinfo == dt.timezone.utc
    store.put_draft("mix_plan", {"hours": 35}, name="Q3", session="tab-2", owner="li")
    got = store.draft("mix_plan", owner="li")
    assert (got.payload, got.session, got.name) == ({"hours": 35}, "tab-2", "Q3")
    assert got.schema_version == store_mod.PAYLOAD_SCHEMA_VERSION
    # one draft per kind and owner
    assert store.draft("mix_plan", owner="wang") is None
    assert store.draft("personas", owner="li") is None
    with store._engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store_mod.drafts)
                            ).scalar_one() == 1
    # only the session that wrote it removes it when a session is given
    assert store.drop_draft("mix_plan", owner="li", session="tab-1") is False
    assert store.drop_draft("mix_plan", owner="li", session="tab-2") is True
    assert store.draft("mix_plan", owner="li") is None
    assert store.drop_draft("mix_plan", owner="li") is False
    # the versioned scenarios never moved
    assert raw_rows(store) == scenarios_before
    assert store.list("mix_plan")[0].versions == 1


def test_draft_owner_defaults_to_the_author(store: ScenarioStore,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_USER", "小王")
    store.put_draft("roi", {"budget": 1})
    assert store.draft("roi").owner == "小王"
    assert store.draft("roi", owner="小王").payload == {"budget": 1}
    with pytest.raises(TypeError, match=r"payload\['x'\] is a builtins.set"):
        store.put_draft("roi", {"x": {1}})
    assert store.draft("roi").payload == {"budget": 1}  # a bad payload changes nothing


def test_an_older_database_gets_the_drafts_table(tmp_path: Path) -> None:
    """A file written before drafts existed: its scenarios are kept, the table is added."""
    path = tmp_path / "scenarios.sqlite"
    with ScenarioStore(path) as s:
        s.save("plan", "old", {"v": 1})
        with s._engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE drafts")
    with ScenarioStore(path) as s:
        assert s.load("plan", "old") == {"v": 1}
        s.put_draft("plan", {"v": 2})
        assert s.draft("plan").payload == {"v": 2}
