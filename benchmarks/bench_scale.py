"""Dashboards at scale in a real browser: the personas page with 1,000,000 followers and the
campaign review with 5,000 articles (issue 7: they "stay within the goals").

Writes the bundled samples to a temporary folder with ``followers.csv`` replaced by a million
followers (``bench_personas.resampled``: 114 MB) and ``articles.csv`` by 5,000 articles
(``bench_review.articles_5000``), and serves the dashboards from it (``WORKBENCH_DATA_DIR``)
with the project's ``voila.json``: the pre-heated pool reads and segments the million
followers before the visit. For each of the two pages, in headless Chromium:

* three visits (the first with an empty browser cache): navigation → the first chart drawn,
  and the page's kernel's memory two seconds after it (``bench_pages``);
* then the page's control → chart updated, as in ``bench_interactions`` (30 changes), twice:
  right after opening the page, while the pool's replacement kernel reads and segments the
  data (about 10 CPU-seconds for a million followers, from ``fill_delay`` after the visit), and
  once it is done.

Skipped when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from benchmarks import Row, fill_delay, pools_started, server_process, settle
from benchmarks.bench_interactions import PAGES as CONTROLS, _page, latency_row
from benchmarks.bench_pages import GOAL_PREHEATED, VISITS, _visit, first_chart_row, memory_row
from workbench.serve import CHROMIUM, CHROMIUM_ARGS, free_port, running

ROOT = Path(__file__).resolve().parents[1]
FOLLOWERS = 1_000_000
#: page → (what it holds, the control measured: a key of ``bench_interactions.PAGES``)
SCALED = {
    "01_personas.ipynb": ("1 M followers", "personas (filter → heatmap)"),
    "04_campaign_review.ipynb": ("5,000 articles",
                                 "campaign review (trend period: day / week → trends)"),
}


def _write_data(folder: Path) -> None:
    from benchmarks.bench_personas import resampled
    from benchmarks.bench_review import articles_5000

    for sample in (ROOT / "data").glob("*.csv"):
        shutil.copy(sample, folder / sample.name)
    followers, _ = resampled(FOLLOWERS, seed=2)
    followers.to_csv(folder / "followers.csv", index=False)
    articles_5000().to_csv(folder / "articles.csv", index=False)


def run() -> list[Row]:
    if not CHROMIUM.exists():
        return [Row("dashboards at scale in the browser", float("nan"), float("nan"), "s",
                    note="skipped: no /usr/bin/chromium")]
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="workbench-scale-") as folder:
        _write_data(Path(folder))
        env = dict(os.environ, WORKBENCH_DATA_DIR=folder)
        port = free_port()
        with sync_playwright() as pw, running(port=port, env=env, timeout=180) as url:
            server = server_process(port)
            browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                         args=list(CHROMIUM_ARGS))
            settle(server, after=pools_started())
            for notebook, (holds, control) in SCALED.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                visits = []
                for n in range(VISITS):
                    settle(server, after=fill_delay())
                    visits.append(_visit(context, url, notebook, server, cached=n > 0))
                context.close()
                rows.append(first_chart_row(
                    f"first chart visible, {notebook}, {holds} (pre-heated pool)", visits,
                    GOAL_PREHEATED))
                memory = memory_row(f"kernel memory after opening {notebook}, {holds}", visits)
                rows += [memory] if memory is not None else []
                # right after opening, the pool's replacement kernel reads and segments the
                # data on the same two cores; then once it is done
                for when, before in (("right after opening", None),
                                     ("once the pool has refilled",
                                      lambda: settle(server, after=fill_delay()))):
                    settle(server, after=fill_delay())
                    latencies = _page(browser, url, *CONTROLS[control], before=before)
                    rows.append(latency_row(f"{control}, {holds}, {when}", latencies))
            browser.close()
    return rows
