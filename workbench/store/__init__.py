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

The settings :data:`SQLITE_BUSY_TIMEOUT_S`, :data:`PG_LOCK_TIMEOUT_S` and :data:`SAVE_ATTEMPTS`
live in ``engine``, where they are read; ``store.SQLITE_BUSY_TIMEOUT_S = 5`` (or a test's
``monkeypatch.setattr(store, ...)``) sets them there.

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

import sys
import types

from . import engine
from .draft_store import Draft
from .engine import Database, default_url
from .errors import NotFound, StoreError
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
    "Database",
    "Draft",
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

def _engine_setting(name: str) -> property:
    """A setting of :mod:`.engine` read and set there through the package (a plain re-export
    would be a copy: setting it, as a deployment or a test's monkeypatch does, would leave the
    value the engine reads unchanged)."""
    return property(lambda package: getattr(engine, name),
                    lambda package, value: setattr(engine, name, value),
                    doc=f"``workbench.store.engine.{name}``")


class _StorePackage(types.ModuleType):
    """The package's module type, for the settings that live in :mod:`.engine`."""

    SQLITE_BUSY_TIMEOUT_S = _engine_setting("SQLITE_BUSY_TIMEOUT_S")
    PG_LOCK_TIMEOUT_S = _engine_setting("PG_LOCK_TIMEOUT_S")
    SAVE_ATTEMPTS = _engine_setting("SAVE_ATTEMPTS")


sys.modules[__name__].__class__ = _StorePackage
