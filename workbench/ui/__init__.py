"""Dashboards: one class per page, each a traitlets model beside a widget view.

A notebook builds one of these and shows it, e.g. ``HomeDashboard.from_url().show()``.
"""

from workbench.ui.home import ComingSoon, HomeDashboard
from workbench.ui.personas import PersonaDashboard, PersonaModel
from workbench.ui.shell import DataSourceModel, DataSourcePicker, Header, Page, ShellModel

__all__ = [
    "ComingSoon",
    "DataSourceModel",
    "DataSourcePicker",
    "Header",
    "HomeDashboard",
    "Page",
    "PersonaDashboard",
    "PersonaModel",
    "ShellModel",
]
