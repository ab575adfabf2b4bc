"""Pages on the team's data (issue 21): opening a page whose data comes from the workspace.

Goals: a page on a workspace holding 1,000,000 followers, two years of daily data and 5,000
articles opens no slower than on the same files served as the bundled sample (first chart,
pre-heated pool), and a page's kernel stays ≤ 250 MB on a sample-sized workspace.

Three servers, each with its own database, in headless Chromium (three visits a page, the
first with an empty browser cache, as ``bench_pages``):

* **files**: the large files served as the bundled sample (``WORKBENCH_DATA_DIR``), the
  workspace empty: the baseline;
* **workspace, large**: the same files uploaded to the workspace, the sample folder untouched;
* **workspace, sample-sized**: the bundled sample's files uploaded to the workspace.

Skipped when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import gzip
import os
import statistics
import tempfile
from pathlib import Path

from benchmarks import Row, fill_delay, pools_started, server_process, settle
from benchmarks.bench_pages import GOAL_KERNEL_MB, VISITS, _visit, first_chart_row, memory_row
from benchmarks.bench_scale import _write_data
from workbench.serve import CHROMIUM, CHROMIUM_ARGS, free_port, running

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"01_personas.ipynb": "1 M followers", "04_campaign_review.ipynb": "5,000 articles"}


def _workspace(db: Path, files: Path) -> None:
    from workbench.workspace import Workspace

    with Workspace(f"sqlite:///{db}") as ws:
        for kind in ("followers", "articles", "daily_users", "activities"):
            data = (files / f"{kind}.csv").read_bytes()
            if len(data) > 40 * 2**20:  # over the upload limit: zipped, as a team would
                ws.add(gzip.compress(data, 6), name=f"{kind}.csv.gz", kind=kind)
            else:
                ws.add(data, name=f"{kind}.csv", kind=kind)


def _visits(browser, env: dict[str, str]) -> dict[str, list]:
    port = free_port()
    out: dict[str, list] = {}
    with running(port=port, env=env, timeout=180) as url:
        server = server_process(port)
        settle(server, after=pools_started())
        for notebook in PAGES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            for n in range(VISITS):
                settle(server, after=fill_delay())
                out.setdefault(notebook, []).append(
                    _visit(context, url, notebook, server, cached=n > 0))
            context.close()
    return out


def run() -> list[Row]:
    if not CHROMIUM.exists():
        return [Row("pages on the team's data", float("nan"), float("nan"), "s",
                    note="skipped: no /usr/bin/chromium")]
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="workbench-team-") as tmp, \
            sync_playwright() as pw:
        tmp = Path(tmp)
        large = tmp / "large"
        large.mkdir()
        _write_data(large)  # bench_scale's: the sample, 1 M followers, 5,000 articles
        _workspace(tmp / "large.sqlite", large)
        _workspace(tmp / "sample.sqlite", ROOT / "data")
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        base = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_DATA_DIR",)}
        runs = {
            "files": _visits(browser, dict(base, WORKBENCH_DATA_DIR=str(large),
                                           WORKBENCH_DB=str(tmp / "empty.sqlite"))),
            "workspace": _visits(browser, dict(base, WORKBENCH_DB=str(tmp / "large.sqlite"))),
            "sample": _visits(browser, dict(base, WORKBENCH_DB=str(tmp / "sample.sqlite"))),
        }
        browser.close()
    for notebook, holds in PAGES.items():
        files, team = runs["files"][notebook], runs["workspace"][notebook]
        baseline = statistics.median(v.seconds for v in files)
        base_row = first_chart_row(f"first chart, {notebook}, {holds} as sample files", files,
                                   goal=float("inf"))
        base_row.goal, base_row.ok = "", None  # the baseline
        rows.append(base_row)
        row = first_chart_row(f"first chart, {notebook}, {holds} in the workspace", team,
                              goal=float("inf"))
        row.goal, row.ok = "≤ the files' median", row.median <= baseline * 1.0
        row.note += f"; {row.median / baseline:.2f} × the files'"
        rows.append(row)
        memory = memory_row(f"kernel memory, {notebook}, sample-sized workspace",
                            runs["sample"][notebook])
        if memory is not None:
            memory.goal, memory.ok = f"≤ {GOAL_KERNEL_MB} MB", memory.median <= GOAL_KERNEL_MB
            rows.append(memory)
    return rows
