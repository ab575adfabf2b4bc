"""A team on JupyterHub (issue 24): memory per signed-in person and first pages, with 1, 3 and
10 people signed in.

A hub on loopback (``make hub``'s configuration, the test sign-in, one shared SQLite store);
people sign in one after another in headless Chromium, each in a browser context of their own:

* **first page, server starting**: sign-in done, the hub starts the person's server, until the
  home page's four cards show (a person's first visit of the day, or after the idle cull);
* **first page, server running**: the home page again, a few seconds later (the home page's
  pre-heated kernel refilled);
* **a dashboard**: page 02 (content mix) until its first chart, on a running server (no pool
  for it on a hub: its kernel starts with the visit);
* **memory per person**: the resident memory of a person's server and its kernels once their
  tabs are closed (the server and the home page's pre-heated kernel; goal ≤ 400 MB), when 1, 3
  and 10 people are signed in, and the hub with its proxy; and while page 02 is open.

Goal (issue 24): a signed-in person adds ≤ 400 MB. Skipped without /usr/bin/chromium or the
hub's proxy (``make hub-proxy``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from benchmarks import Row, p95
from benchmarks.bench_pages import CHART, HOME, READY
from workbench.runtime.hub import PROXY, people_servers, running_hub, sign_in_page
from workbench.serve import CHROMIUM, CHROMIUM_ARGS

PASSWORD = "bench-hub-2026"
PEOPLE = 10
REPORT_AT = (1, 3, 10)
GOAL_MB = 400


def _tree_mb(proc) -> float:
    import psutil

    total = 0
    for p in (proc, *proc.children(recursive=True)):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _hub_mb() -> float:
    import psutil

    total = 0
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "jupyterhub -f" in cmd or "configurable-http-proxy" in cmd \
                or "jupyterhub_idle_culler" in cmd:
            total += proc.memory_info().rss
    return total / 2**20


def _wait(page, script: str) -> float:
    t0 = time.perf_counter()
    page.wait_for_function(script, timeout=180_000, polling=20)
    return time.perf_counter() - t0


def _person(browser, hub: str, store: str, user: str) -> dict[str, float]:
    """Sign ``user`` in and time their pages."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in_page(page, hub, user, PASSWORD)
    home = f"/user/{user}/voila/render/{HOME}?lang=en"
    t0 = time.perf_counter()
    page.goto(f"{hub}/hub/spawn/{user}?next={quote(home)}")
    page.wait_for_url(f"**/user/{user}/voila/render/**", timeout=180_000)
    page.wait_for_function(READY[HOME], timeout=180_000, polling=20)
    cold = time.perf_counter() - t0
    page.wait_for_timeout(8000)         # the home page's pool refills (fill_delay 5 s)
    t0 = time.perf_counter()
    page.goto(hub + home)
    page.wait_for_function(READY[HOME], timeout=180_000, polling=20)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    page.goto(f"{hub}/user/{user}/voila/render/02_content_mix.ipynb?lang=en")
    page.wait_for_function(CHART, timeout=180_000, polling=20)
    dashboard = time.perf_counter() - t0
    page.wait_for_timeout(3000)
    working = _tree_mb(people_servers(store)[user])
    page.close(run_before_unload=True)      # the tab closed: its kernel shuts down
    context.close()
    return {"cold": cold, "warm": warm, "dashboard": dashboard, "working": working}


def run() -> list[Row]:
    if not CHROMIUM.exists() or not PROXY.exists():
        return [Row("team hub", float("nan"), float("nan"), "s",
                    note="skipped: needs /usr/bin/chromium and make hub-proxy")]
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    times: dict[str, list[float]] = {"cold": [], "warm": [], "dashboard": [], "working": []}
    with tempfile.TemporaryDirectory(prefix="workbench-hub-") as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        store = str(tmp / "team.sqlite")
        with running_hub(tmp / "hub", store=store, password=PASSWORD,
                         env=env, timeout=90) as hub:
            for n in range(1, PEOPLE + 1):
                for key, value in _person(browser, hub, store, f"user{n:02d}").items():
                    times[key].append(value)
                if n not in REPORT_AT:
                    continue
                time.sleep(5)
                per = [_tree_mb(p) for p in people_servers(store).values()]
                med = statistics.median(per)
                rows.append(Row(f"hub: memory per signed-in person, {n} signed in",
                                med, max(per), "MB", f"≤ {GOAL_MB} MB", med <= GOAL_MB,
                                f"server + the home page's kernel, no tab open (p95 column: "
                                f"the largest); hub + proxy + culler {_hub_mb():.0f} MB"))
        browser.close()
    notes = {"cold": "sign-in done → home page's cards, the hub starting the server",
             "warm": "home page again, server running, its pool refilled",
             "dashboard": "page 02's first chart on a running server (no pool on a hub)"}
    names = {"cold": "hub: first page, server starting", "warm": "hub: first page, server "
             "running", "dashboard": "hub: a dashboard (02) first chart"}
    for key in ("cold", "warm", "dashboard"):
        rows.append(Row(names[key], statistics.median(times[key]), p95(times[key]), "s",
                        note=f"{notes[key]}; {len(times[key])} people"))
    rows.append(Row("hub: memory per person working on page 02", statistics.median(
        times["working"]), p95(times["working"]), "MB",
        note="server + home page's kernel + page 02's, while its tab is open"))
    return rows
