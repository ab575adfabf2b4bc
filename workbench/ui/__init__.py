"""Dashboards: one class per page, each a traitlets model beside a widget view.

A notebook builds one of these and shows it, e.g. ``HomeDashboard.from_url().show()``. The
names are imported on first use, so a page pays only for its own dashboard's imports.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "HomeDashboard": "home",
    "DataDashboard": "data",
    "PersonaDashboard": "personas", "PersonaModel": "personas",
    "RoiDashboard": "roi", "RoiModel": "roi",
    "MixDashboard": "mix", "MixModel": "mix",
    "ReviewDashboard": "review", "ReviewModel": "review",
    "DataSourceModel": "sources", "DataSourcePicker": "sources", "Header": "shell", "Page": "shell",
    "ShellModel": "shell",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'workbench.ui' has no attribute {name!r}")
    return getattr(importlib.import_module(f"workbench.ui.{home}"), name)


def __dir__() -> list[str]:
    return __all__
