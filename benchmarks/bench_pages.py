"""Pages in a real browser: home page time to first paint, preheated pool against cold kernels.

Starts the server with the project's ``voila.json`` (``workbench.serve.running``), opens the
home page in headless Chromium and times navigation → the four dashboard cards visible. Each
visit is a new tab (a new kernel); the server gets time to refill its pool between visits, as
it has between real users. Skipped when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks import Row, row
from workbench.serve import running

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VISITS = 7


def _first_paint(browser, url: str) -> float:
    page = browser.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url)
        page.locator(".wb-card").nth(3).wait_for(state="visible", timeout=120_000)
        return time.perf_counter() - t0
    finally:
        page.close()


def _visits(browser, url: str, pause: float) -> list[float]:
    _first_paint(browser, url)  # the first visit after start-up waits for every pool
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

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        with running() as url:
            home = url + "voila/render/00_home.ipynb"
            rows.append(row("home page first paint, preheated pool", _visits(browser, home, 6),
                            unit="s", goal=1.0))
        with running(args=["--VoilaConfiguration.preheat_kernel=False"]) as url:
            home = url + "voila/render/00_home.ipynb"
            rows.append(row("home page first paint, cold kernel", _visits(browser, home, 1),
                            unit="s", goal=2.5))
        browser.close()
    return rows
