"""Shared test set-up: the fixture builders in tests/fixtures are importable as
``make_fixtures``."""

import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))


import pytest  # noqa: E402
from serving import server  # noqa: E402,F401 (a fixture: a real server, for the HTTP tests)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, one for the whole run (of a test worker): the browser tests' and the
    team-hub tests'. Playwright's sync API runs an event loop while it is open, so a second one
    in the same process would be refused."""
    import os

    from workbench.runtime.chromium import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} not found (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", autouse=True)
def _served_like_voila():
    """Dashboards built in tests draw their charts as they do under ``workbench.serve``: the
    kernel knows the server's static path (:func:`workbench.ui.slots.plotly_url`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_STATIC_PATH", "/workbench/static/")
        yield


@pytest.fixture(autouse=True)
def _own_database(tmp_path_factory, monkeypatch):
    """Each test keeps its scenarios and its team's uploads in a database of its own: a page
    opens on the team's data whenever the workspace holds an upload, so one test's upload must
    not turn the next test's page from the demo to "your team's data"."""
    folder = tmp_path_factory.mktemp("db", numbered=True)
    monkeypatch.setenv("WORKBENCH_DB", str(folder / "scenarios.sqlite"))
