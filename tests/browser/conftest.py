"""Browser tests: a real Voilà server on a free loopback port, driven by headless Chromium.

Chromium is Debian's (``/usr/bin/chromium``): ``playwright install`` cannot download browsers
here. Without it every browser test is skipped, unless ``WORKBENCH_REQUIRE_BROWSER`` is set
(CI), in which case they fail.
"""

from __future__ import annotations

from contextlib import contextmanager

import os
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from workbench.serve import CHROMIUM, running

SERVER_START_TIMEOUT = 60  # seconds until the server must answer
WARM_UP_TIMEOUT = 120  # seconds for the first page, which waits for the kernel pools
#: Widgets render after the kernel starts and runs the notebook: be generous.
RENDER_TIMEOUT_MS = 60_000
# ``expect`` has its own default wait (5 s), apart from the page's: with two test workers on two
# cores a page's first chart can take longer than that, so a check waits as long as the page does.
expect.set_options(timeout=RENDER_TIMEOUT_MS)
SHOTS = Path(os.environ.get("WORKBENCH_SHOTS", "/tmp/shots"))


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER"):
        fail = pytest.mark.usefixtures("_require_browser")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(fail)
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found (apt-get install chromium); "
               "set WORKBENCH_REQUIRE_BROWSER=1 to make this an error")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def _require_browser():
    pytest.fail(f"WORKBENCH_REQUIRE_BROWSER is set but {CHROMIUM} is missing")


@pytest.fixture(scope="session")
def server_db(tmp_path_factory) -> str:
    """The served pages' database (scenarios and the team's uploads), the browser tests' own."""
    return str(tmp_path_factory.mktemp("served-db") / "scenarios.sqlite")


@pytest.fixture
def team_data_cleared(server_db):
    """A test that uploads through a page leaves the served workspace as it found it: its
    uploads are removed afterwards, so the next test's pages open on the demo again."""
    yield server_db
    from workbench.workspace import Workspace

    with Workspace(server_db) as workspace:
        for upload in workspace.uploads(removed=False):
            workspace.remove(upload.id)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory, server_db):
    """Serve the dashboards on a free loopback port (``workbench.serve.running``); yield the URL."""
    log_path = tmp_path_factory.mktemp("voila") / "server.log"
    # start in English unless a URL says otherwise
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_LANG"}
    env["WORKBENCH_DB"] = server_db
    try:
        with running(env=env, log=log_path, timeout=SERVER_START_TIMEOUT) as url:
            # Warm up: the first page after start-up waits for Voila's kernel pools (every
            # notebook pre-heats at once). Fetch the home page once so the tests time a warm
            # server, as users meet it.
            with urllib.request.urlopen(f"{url}voila/render/00_home.ipynb",
                                        timeout=WARM_UP_TIMEOUT) as r:
                r.read()
            yield url.rstrip("/")
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"{exc}:\n{log_path.read_text()[-4000:]}")


class PageErrors(list):
    """Console errors and uncaught page errors seen while a test ran (``page.errors``)."""


def assert_no_errors(pg) -> None:
    """Fail listing the page's JavaScript errors, with a hint for the ones we know."""
    hints = []
    if any("/voila/api/shutdown/" in e and "403" in e for e in pg.errors):
        hints.append("Voila's kernel-shutdown beacon (sent when leaving a page) was refused: "
                     "the page has no _xsrf cookie, so kernels are not shut down on navigation. "
                     "The server must set the cookie on render pages (touch handler.xsrf_token).")
    assert list(pg.errors) == [], "\n".join([*pg.errors, *hints])


@pytest.fixture
def page(browser, request):
    with browser_page(browser) as pg:
        yield pg


@pytest.fixture
def another_page(browser):
    """A second visitor (another browser context, so another kernel), reading Chinese."""
    with browser_page(browser, locale="zh-CN") as pg:
        yield pg


@contextmanager
def browser_page(browser, locale: str = "en-US"):
    """A page in a fresh browser context that collects its JavaScript errors (``pg.errors``,
    ``pg.assert_no_errors()``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    pg = context.new_page()
    errors = PageErrors()

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            errors.append(f"console: {msg.text} ({loc.get('url', '')})")

    def on_request_failed(req):
        # leaving a page aborts its own last requests (Voilà's kernel-shutdown beacon): fine
        if req.failure != "net::ERR_ABORTED":
            errors.append(f"request failed: {req.url} ({req.failure})")

    # every page works offline: no request may leave for another host (a CDN) or fail
    pg.on("console", on_console)
    pg.on("requestfailed", on_request_failed)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.errors = errors
    pg.assert_no_errors = lambda: assert_no_errors(pg)
    pg.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def shoot(request):
    """``shoot(page, "name")`` saves a full-page screenshot to ``$WORKBENCH_SHOTS`` (/tmp/shots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(pg, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return _shoot
