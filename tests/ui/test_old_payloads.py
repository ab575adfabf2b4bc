"""A scenario saved by an earlier release opens (issue 22): the payloads in
``tests/fixtures/payloads`` were written by the release that built the scenario browser
(``make_payloads.py``) and are never rewritten; each page opens its own with the controls and
tracked calendar it was saved with."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from workbench.store import ScenarioStore, scenarios
from workbench.ui import MixDashboard, PersonaDashboard, ReviewDashboard, RoiDashboard

PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"


def stored(db: str, kind: str) -> dict:
    """Put the fixture's row into the store as it was written (its schema version, its text)."""
    row = json.loads(gzip.decompress((PAYLOADS / f"{kind}.json.gz").read_bytes()))
    store = ScenarioStore(db)
    store._ensure_schema()
    with store._engine.begin() as conn:
        conn.execute(scenarios.insert().values(
            kind=row["kind"], name=row["name"], version=1, author=row["author"],
            created_at=dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc),
            schema_version=row["schema_version"], note="", payload=row["payload"]))
    return row


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"


@pytest.mark.parametrize(("cls", "kind", "check"), [
    (PersonaDashboard, "personas", lambda p: p.k_slider.value == 4),
    (MixDashboard, "mix_plan", lambda p: p.hours.value == 45 and any(
        (it.topic, it.owner, it.status) == ("年终盘点：十大干货", "小王", "final_review")
        for it in p.model.calendar.items)),
    (RoiDashboard, "roi", lambda p: p.target.value == 25.0),
    (ReviewDashboard, "review", lambda p: p.manual["collaboration"].value == 65),
])
def test_a_scenario_saved_by_an_earlier_release_opens(db, cls, kind, check) -> None:
    row = stored(db, kind)
    extra = {"background": False} if cls is PersonaDashboard else {}
    page = cls(lang="zh", store=ScenarioStore(db), **extra)
    assert page.scenarios.pick.options[0][1] == row["name"]
    assert page.scenarios.open(row["name"])
    assert check(page)
    assert page.save_name.value == row["name"]
    assert page.scenarios.status.value.count("已打开") == 1
