"""Versioned scenario store: plans, personas and calibrations saved by name, never overwritten.

A *scenario* is a JSON-serialisable payload (a content-mix plan, a set of target personas, an
activity estimate, calibrated rates ...) saved under a ``kind`` (what sort of thing it is, e.g.
``"mix_plan"``) and a ``name`` chosen by the planner. Every :meth:`ScenarioStore.save` appends a
new version (1, 2, 3 ...) in one transaction; old versions are never changed or deleted, so any
number on a past report can be traced back to exactly what was saved.

Where to find what
------------------
====================  ==========================================================================
``scenario_store``    :class:`ScenarioStore` (save, load, record, list, history), ``Record``,
                      ``Summary``
``draft_store``       drafts: a page's unsaved working state (``put_draft``, ``draft``,
                      ``drop_draft``), ``Draft``
``payload``           what is saved: JSON encoding, :data:`PAYLOAD_SCHEMA_VERSION`, migrations of
                      older payloads
``tables``            the database's tables (``scenarios``, ``drafts``) and the checks on
                      names; a new table goes here
``engine``            the database: where it is (``WORKBENCH_DB``), SQLite and PostgreSQL
                      engines and their hooks, locks, timeouts and retries (:class:`Database`)
``errors``            :class:`StoreError` and its messages (locked, damaged, read-only,
                      unreachable), :class:`NotFound`
====================  ==========================================================================

The settings :data:`~engine.SQLITE_BUSY_TIMEOUT_S`, :data:`~engine.PG_LOCK_TIMEOUT_S` and
:data:`~engine.SAVE_ATTEMPTS` live in ``engine``, where they are read (a test changes them
there: ``monkeypatch.setattr(store.engine, "PG_LOCK_TIMEOUT_S", 1)``); the package shows
their values.

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

from . import engine as engine  # the settings' home (see above)
from .draft_store import Draft
from .engine import PG_LOCK_TIMEOUT_S, SAVE_ATTEMPTS, SQLITE_BUSY_TIMEOUT_S, Database, default_url
from .errors import NameTaken, NotFound, StoreError
from .payload import PAYLOAD_SCHEMA_VERSION, decode_payload, encode_payload
from .scenario_store import Record, ScenarioStore, Summary
from .tables import MAX_NAME_LENGTH, drafts, metadata, scenarios

# Private names that tests use, from where they live.
from .engine import _advisory_key as _advisory_key
from .errors import _locked_error as _locked_error
from .payload import _MIGRATIONS as _MIGRATIONS
from .payload import _migrate as _migrate

__all__ = [
    "MAX_NAME_LENGTH",
    "PAYLOAD_SCHEMA_VERSION",
    "PG_LOCK_TIMEOUT_S",
    "SAVE_ATTEMPTS",
    "SQLITE_BUSY_TIMEOUT_S",
    "Database",
    "Draft",
    "NameTaken",
    "NotFound",
    "Record",
    "ScenarioStore",
    "StoreError",
    "Summary",
    "decode_payload",
    "default_url",
    "drafts",
    "encode_payload",
    "metadata",
    "scenarios",
]
