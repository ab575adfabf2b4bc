"""Pages in a real browser: the home page's time to first paint.

Starts the server with the project's ``voila.json`` (``workbench.serve.running``), opens the
home page in headless Chromium and times navigation → the four dashboard cards visible:

* the first visit right after the server starts (what someone running ``make run`` meets);
* later visits, each in a new tab (a new kernel), with a pause between visits as between real
  users, as shipped (kernels started on request) and with Voilà's pre-heated pool of one kernel
  per notebook, the alternative ``voila.json`` could choose.

Skipped when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import time
from benchmarks import Row, row
from workbench.serve import CHROMIUM, CHROMIUM_ARGS, running

PREHEATED = ["--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1"]
VISITS = 7
STARTS = 3


def _first_paint(browser, url: str) -> float:
    page = browser.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url + "voila/render/00_home.ipynb")
        page.locator(".wb-card").nth(3).wait_for(state="visible", timeout=120_000)
        return time.perf_counter() - t0
    finally:
        page.close()


def _after_start(browser, args: list[str]) -> list[float]:
    times = []
    for _ in range(STARTS):
        with running(args=args) as url:
            times.append(_first_paint(browser, url))
    return times


def _later_visits(browser, args: list[str], pause: float) -> list[float]:
    with running(args=args) as url:
        _first_paint(browser, url)
        times = []
        for _ in range(VISITS):
            time.sleep(pause)
            times.append(_first_paint(browser, url))
    return times


def run() -> list[Row]:
    if not CHROMIUM.exists():
        return [Row("home page first paint", float("nan"), float("nan"), "s",
                    note="skipped: no /usr/bin/chromium")]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        rows = [
            row("home first paint, first visit after start (as shipped)",
                _after_start(browser, []), unit="s", goal=2.5),
            row("home first paint, first visit after start (pre-heated pool)",
                _after_start(browser, PREHEATED), unit="s", goal=2.5),
            row("home first paint, later visits (as shipped)",
                _later_visits(browser, [], 2), unit="s", goal=2.5),
            row("home first paint, later visits (pre-heated pool)",
                _later_visits(browser, PREHEATED, 6), unit="s", goal=1.0),
        ]
        browser.close()
    return rows
