"""The team's own data, kept: every upload as received, merged into one history per account and
kind, and read by every page.

:class:`Workspace` lives in the scenario store's database (SQLite by default, PostgreSQL when
``WORKBENCH_DB`` says so). The package, by concept:

* :mod:`.workspace` — :class:`Workspace`: add, list, remove and restore uploads; the merged
  frames; accounts;
* :mod:`.merge` — merge keys, how uploads become one history, what an upload changes;
* :mod:`.tags` — content types for exports without them: the team's rules and corrections;
* :mod:`.frames` — how a frame is stored (NumPy arrays, no pickle);
* :mod:`.accounts` — :class:`Account`, and which account a file belongs to;
* :mod:`.tables` — the tables.
"""

from __future__ import annotations

from .accounts import Account
from .tags import STARTER_RULES, TagRule, Tagging
from . import suggest as suggest  # the content-type suggestions (scikit-learn, lazily)
from .workspace import Unreadable, Upload, UploadReport, Workspace

__all__ = ["Account", "STARTER_RULES", "TagRule", "Tagging", "Unreadable", "Upload",
           "UploadReport", "Workspace"]
