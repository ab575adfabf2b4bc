"""Archive, restore and rename saved scenarios (issue 22): nothing is ever deleted, every
version moves with a rename, a name another scenario has is refused. On SQLite and, when
``WORKBENCH_TEST_PG_URL`` is set, on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

import store_backends
from workbench import store as store_mod
from workbench.store import NameTaken, NotFound, ScenarioStore

_clean_env = store_backends.clean_env
db_url = store_backends.db_url


store = store_backends.store


def names(s: ScenarioStore, kind: str, archived: bool = False) -> list[str]:
    return [x.name for x in s.list(kind, archived=archived)]


def test_an_archived_scenario_leaves_the_list_and_comes_back(store: ScenarioStore) -> None:
    for name in ("A", "B", "C"):
        store.save("personas", name, {"n": name}, author="wang")
    store.save("mix_plan", "B", {"other": True})
    store.archive("personas", "B", author="li")
    assert names(store, "personas") == ["A", "C"]
    listed = store.list("personas", archived=True)
    assert [(x.name, x.archived) for x in listed] == [("A", False), ("B", True), ("C", False)]
    assert names(store, "mix_plan") == ["B"]           # another kind's "B" is its own
    assert store.archived("personas", "B") and not store.archived("mix_plan", "B")
    assert store.load("personas", "B") == {"n": "B"}   # archived, still readable
    store.archive("personas", "B")                     # twice: nothing more happens
    store.restore("personas", "B", author="zhao")
    assert names(store, "personas") == ["A", "B", "C"]
    assert [(e["action"], e["author"]) for e in store.events("personas", "B")] == [
        ("archive", "li"), ("restore", "zhao")]
    with pytest.raises(NotFound, match="'personas'/'D'"):
        store.archive("personas", "D")


def test_saving_an_archived_scenario_brings_it_back(store: ScenarioStore) -> None:
    store.save("roi", "Double 11", {"v": 1})
    store.archive("roi", "Double 11")
    assert store.save("roi", "Double 11", {"v": 2}) == 2
    assert names(store, "roi") == ["Double 11"]
    assert [e["action"] for e in store.events("roi", "Double 11")] == ["archive", "restore"]


def test_a_rename_moves_every_version(store: ScenarioStore) -> None:
    store.save("mix_plan", "Q3", {"v": 1}, author="wang", note="draft")
    store.save("mix_plan", "Q3", {"v": 2}, author="li", note="final")
    before = store.history("mix_plan", "Q3", include_payload=True)
    store.rename("mix_plan", "Q3", "Q3 计划（终稿）", author="zhao")
    after = store.history("mix_plan", "Q3 计划（终稿）", include_payload=True)
    assert [(r.version, r.author, r.note, r.created_at, r.payload) for r in after] == [
        (r.version, r.author, r.note, r.created_at, r.payload) for r in before]
    assert names(store, "mix_plan") == ["Q3 计划（终稿）"]
    with pytest.raises(NotFound):
        store.load("mix_plan", "Q3")
    assert store.save("mix_plan", "Q3 计划（终稿）", {"v": 3}) == 3   # versions go on
    assert store.save("mix_plan", "Q3", {"new": True}) == 1          # the old name is free
    (event,) = store.events("mix_plan", "Q3 计划（终稿）")
    assert (event["action"], event["name"], event["new_name"], event["author"]) == (
        "rename", "Q3", "Q3 计划（终稿）", "zhao")


def test_an_archived_scenario_stays_archived_under_its_new_name(store: ScenarioStore) -> None:
    store.save("review", "Sep", {})
    store.archive("review", "Sep")
    store.rename("review", "Sep", "September")
    assert names(store, "review") == [] and names(store, "review", True) == ["September"]
    assert store.archived("review", "September") and not store.archived("review", "Sep")


def test_a_rename_onto_a_taken_name_is_refused_and_changes_nothing(store: ScenarioStore
                                                                   ) -> None:
    store.save("personas", "Students", {"v": 1})
    store.save("personas", "Parents", {"v": 1})
    store.archive("personas", "Parents")
    with pytest.raises(NameTaken) as err:
        store.rename("personas", "Students", " Parents ")
    assert "already a saved scenario called “Parents”" in str(err.value)
    assert "已有名为“Parents”的已保存方案" in err.value.message("zh")
    assert (err.value.kind, err.value.name) == ("personas", "Parents")
    assert names(store, "personas", True) == ["Parents", "Students"]
    assert store.load("personas", "Students") == {"v": 1}
    with pytest.raises(NotFound):
        store.rename("personas", "Nobody", "Somebody")
    with pytest.raises(ValueError, match="new name must not be empty"):
        store.rename("personas", "Students", "  ")
    store.rename("personas", "Students", "Students")     # the same name: nothing to do
    assert store.events("personas", "Students") == []


def test_list_keeps_working_on_a_database_from_before_archiving(tmp_path: Path) -> None:
    """A file written before the archive tables existed: its scenarios are listed, the tables
    are added on first use."""
    path = tmp_path / "scenarios.sqlite"
    with ScenarioStore(path) as s:
        s.save("plan", "old", {"v": 1}, note="kept")
        with s._engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE scenario_states")
            conn.exec_driver_sql("DROP TABLE scenario_events")
    with ScenarioStore(path) as s:
        (summary,) = s.list("plan")
        assert (summary.name, summary.archived, summary.note) == ("old", False, "kept")
        s.archive("plan", "old")
        assert s.list("plan") == []
        with s._engine.connect() as conn:
            assert sa.inspect(conn).has_table("scenario_events")
    assert {"scenario_states", "scenario_events"} <= set(store_mod.metadata.tables)
