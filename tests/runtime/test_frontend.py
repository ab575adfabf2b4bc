"""The pages' front end (``workbench/static/page.js`` and ``page.css``, built by
``tools/frontend/build.sh``): built from the widget packages the installed ipywidgets expects,
with every icon the pages draw. (What it does in a browser: tests/browser/test_front_end.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.runtime.assets import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "frontend"
#: Icons the controls draw themselves: FileUpload's, and the Accordion's open / closed carets.
CONTROL_ICONS = {"upload", "caret-right", "caret-down"}


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_the_front_end_bundles_the_widget_controls_that_ipywidgets_expects():
    """After upgrading ipywidgets, pin the controls, base and base-manager versions that its
    JupyterLab extension depends on in tools/frontend/package.json and rebuild."""
    from jupyter_core.paths import jupyter_path

    found = [Path(d) / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
             for d in jupyter_path("labextensions")]
    manager = next(path for path in found if path.exists())  # installed with ipywidgets
    wanted = json.loads(manager.read_text())["dependencies"]
    pinned = json.loads((TOOL / "package.json").read_text())["dependencies"]
    banner = (STATIC_DIR / "page.js").read_text()[:400]
    built = re.search(r"@jupyter-widgets/controls (\d+\.\d+\.\d+)", banner)
    assert built, banner
    assert built.group(1) == pinned["@jupyter-widgets/controls"]
    for package in ("@jupyter-widgets/base", "@jupyter-widgets/base-manager",
                    "@jupyter-widgets/controls"):
        floor = wanted[package].lstrip("^")
        assert version(pinned[package])[0] == version(floor)[0], package  # same major
        assert version(pinned[package]) >= version(floor), package


def test_every_icon_the_pages_draw_is_in_the_stylesheet():
    """The stylesheet draws only the Font Awesome icons in icons.json (the icon font is left
    out): a button given a new icon needs its line there, and a rebuild."""
    sources = (ROOT / "workbench" / "ui").glob("*.py")
    used = {name for path in sources for name in re.findall(r'icon="([a-z0-9-]+)"',
                                                             path.read_text())}
    assert {"save", "trash"} <= used  # the pattern still finds them
    drawn = {k for k in json.loads((TOOL / "icons.json").read_text()) if not k.startswith("_")}
    assert used | CONTROL_ICONS <= drawn, (used | CONTROL_ICONS) - drawn
    css = (STATIC_DIR / "page.css").read_text()
    for name in drawn:
        rule = re.search(r"\.fa-" + re.escape(name) + r"\s*\{[^}]*--wb-icon:\s*url\(", css)
        assert rule, f"page.css draws no .fa-{name}: run tools/frontend/build.sh"


#: The widget modules page.js carries (its MODULES): a widget of any other module would show as
#: "could not be shown".
FRONT_END_MODULES = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "anywidget"}


def test_the_front_end_knows_every_widget_the_dashboards_build():
    from ipywidgets.widgets.widget import _instances

    from workbench.store import ScenarioStore
    from workbench.ui import (HomeDashboard, MixDashboard, PersonaDashboard, ReviewDashboard,
                              RoiDashboard)

    entry = (TOOL / "entry.js").read_text()
    modules = re.search(r"const MODULES = \{(.*?)\};", entry, re.S).group(1)
    for name in FRONT_END_MODULES:
        assert f"'{name}'" in modules or f"{name}:" in modules, name
    store = ScenarioStore("sqlite://")
    pages = [HomeDashboard(lang="en"), RoiDashboard(lang="en", store=store),
             MixDashboard(lang="en", store=store), ReviewDashboard(lang="en", store=store),
             PersonaDashboard(lang="en", store=store, background=False)]
    used = {(widget._model_module, widget._view_module) for widget in _instances.values()}
    assert pages and {"anywidget", "@jupyter-widgets/controls"} <= {m for m, _ in used}
    assert {module for pair in used for module in pair if module} <= FRONT_END_MODULES, used
