"""Load: ten simultaneous browser sessions on one server, then idle kernels culled.

Starts one server (``workbench.serve.running``) with the project's ``voila.json``, a kernel
started per session (no pre-heated pool: ten kernels start at once, the worst case) and a
shorter idle-kernel cull for the measurement (``CULL_IDLE`` seconds idle, checked every 5 s;
connected kernels are still never culled), then

* opens ten browser sessions at the same moment: one headless Chromium on loopback, ten browser
  contexts (separate cookies, so ten separate users), two on each dashboard and two on the home
  page, and times each from navigation to its first chart drawn with data (the home page has no
  chart: its first card visible); a session that has not rendered within ``WAIT`` seconds
  counts as failed, and the whole run is bounded by ``TOTAL``;
* samples, every 0.5 s in a background thread, the memory of the server and its descendants
  (the kernels): the sum of their resident set sizes (RSS; pages shared between processes are
  counted once per process, so this slightly over-states), and the CPU time they used;
* closes the sessions and waits until no kernel is left (culled as idle, or shut down by the
  page being closed) or ``CULL_WAIT`` seconds pass, and records the memory then.

The cull must not be shorter than the slowest page's wait between its kernel going idle (the
notebook executed on the server) and the page's websocket connecting: a kernel without
connections is culled like any idle one, and its page then never draws its widgets. Under load
on two shared cores that wait exceeded 30 s (five of ten sessions lost their kernels with a
30 s cull), hence 120 s here; ``voila.json`` ships 600 s.

Under that load a dashboard can also come up blank: Voilà's executor (nbclient) waits only
``iopub_timeout`` (4 s by default) for a cell's output after the cell's reply, and drops what
comes later (the server logs "Timeout waiting for IOPub output"; the note counts them). Two
of ten came up blank in every run until ``voila.json`` set ``VoilaExecutor.iopub_timeout`` to
60 s.

Skipped when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks import Row, p95, server_process
from workbench.serve import CHROMIUM, CHROMIUM_ARGS, running

SESSIONS = 10
#: the dashboards, cycled over the sessions (two sessions each)
DASHBOARDS = ("01_personas.ipynb", "02_content_mix.ipynb", "03_activity_roi.ipynb",
              "04_campaign_review.ipynb", "00_home.ipynb")
#: seconds: an idle kernel without connections is culled after this (checked every 5 s)
CULL_IDLE = 120
CULL = [f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
        "--MappingKernelManager.cull_interval=5", "--MappingKernelManager.cull_connected=False",
        # a kernel per session: a pool's idle kernels are never culled, and this measures
        # ten kernels started at once (the worst case; with the pool five of them are ready)
        "--VoilaConfiguration.preheat_kernel=False"]
#: seconds: one session's wait for its first chart; the whole run of the sessions; the wait
#: for the kernels to go after the sessions are closed
WAIT = 300
TOTAL = 420
CULL_WAIT = CULL_IDLE + 60
SAMPLE_EVERY = 0.5
#: memory after the cull may exceed the start by this much (MB)
SLACK_MB = 100

FIRST_CHART = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    p => p.data && p.data.length && p.querySelector('.main-svg'))"""
#: JavaScript: what a page that did not render shows (for the failure note)
PAGE_STATE = """() => {
    const n = sel => document.querySelectorAll(sel).length;
    return `${n('.js-plotly-plot')} plots, ${n('.jp-OutputArea-output')} outputs, `
        + `${n('.jupyter-widgets')} widget views, ${n('.wb-error, .jp-RenderedText[data-mime-type'
        + '="application/vnd.jupyter.stderr"]')} error outputs`;
}"""
HOME_CARD = "() => [...document.querySelectorAll('.wb-card')].some(c => c.offsetParent !== null)"

MB = 2**20


@dataclass
class Session:
    notebook: str
    seconds: float | None = None
    #: seconds from navigation to the kernel's websocket opening
    websocket: float | None = None
    error: str = ""
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


class Sampler(threading.Thread):
    """Samples (time, total RSS, kernel count, kernel RSS list) of the server's process tree,
    and the CPU seconds each process used (``cpu``: pid → seconds; the kernels in
    ``kernel_pids``, this process's other descendants, the browser, in ``browser_pids``)."""

    def __init__(self, root) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.samples: list[tuple[float, int, int, list[int]]] = []
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self.cpu: dict[int, float] = {}
        self.kernel_pids: set[int] = set()
        self.browser_pids: set[int] = set()
        #: kernel pid → the largest RSS seen
        self.kernel_peak: dict[int, int] = {}

    def measure(self) -> tuple[float, int, int, list[int]]:
        import psutil

        total, kernels = 0, []
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            procs = []
        for proc in procs:
            try:
                rss = proc.memory_info().rss
                # a kernel is the server's child (a process it forks shares its command line)
                is_kernel = proc.ppid() == self.root.pid and any(
                    "ipykernel_launcher" in c for c in proc.cmdline())
                cpu = proc.cpu_times()
            except psutil.Error:
                continue
            total += rss
            with self._lock:
                self.cpu[proc.pid] = max(self.cpu.get(proc.pid, 0.0), cpu.user + cpu.system)
            if is_kernel:
                kernels.append(rss)
                with self._lock:
                    self.kernel_pids.add(proc.pid)
                    self.kernel_peak[proc.pid] = max(self.kernel_peak.get(proc.pid, 0), rss)
        # the rest of this process's descendants: Playwright's driver and Chromium (CPU only)
        server = {p.pid for p in procs}
        try:
            others = [p for p in psutil.Process().children(recursive=True) if p.pid not in server]
        except psutil.Error:
            others = []
        for proc in others:
            try:
                cpu = proc.cpu_times()
            except psutil.Error:
                continue
            with self._lock:
                self.cpu[proc.pid] = max(self.cpu.get(proc.pid, 0.0), cpu.user + cpu.system)
                self.browser_pids.add(proc.pid)
        return time.monotonic(), total, len(kernels), kernels

    def run(self) -> None:
        while not self._stop_event.is_set():
            sample = self.measure()
            with self._lock:
                self.samples.append(sample)
            self._stop_event.wait(SAMPLE_EVERY)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)


async def _open(context, url: str, session: Session, start: asyncio.Event,
                shot: Path) -> None:
    page = await context.new_page()
    page.on("pageerror", lambda err: session.page_errors.append(str(err)))

    def console(msg) -> None:
        # Font Awesome's CDN cannot be reached offline: a known, harmless error
        if msg.type == "error" and "ERR_NAME_NOT_RESOLVED" not in msg.text:
            session.console_errors.append(msg.text)

    page.on("console", console)

    def websocket(ws) -> None:
        if "/channels" in ws.url and session.websocket is None:
            session.websocket = time.perf_counter() - t0

    page.on("websocket", websocket)
    await start.wait()
    t0 = time.perf_counter()
    try:
        await page.goto(url + f"voila/render/{session.notebook}", wait_until="commit",
                        timeout=WAIT * 1000)
        left = max(1.0, WAIT - (time.perf_counter() - t0))
        test = HOME_CARD if session.notebook == "00_home.ipynb" else FIRST_CHART
        await page.wait_for_function(test, timeout=left * 1000, polling=50)
        session.seconds = time.perf_counter() - t0
    except Exception as err:  # a timeout or a crashed page: this session failed
        session.error = f"{type(err).__name__}: {str(err).splitlines()[0][:80]}"
        try:  # what the page shows instead
            session.error += " — page has " + await asyncio.wait_for(page.evaluate(PAGE_STATE), 10)
            await page.screenshot(path=str(shot), full_page=True, timeout=20_000)
            session.error += f" (screenshot {shot})"
        except Exception:
            pass


async def _sessions(url: str, log: Path) -> tuple[list[Session], float, float, int]:
    """Open the sessions at once; return them, when they started and were closed, and how
    many kernels had been culled before they were closed."""
    from playwright.async_api import async_playwright

    sessions = [Session(DASHBOARDS[i % len(DASHBOARDS)]) for i in range(SESSIONS)]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM),
                                           args=list(CHROMIUM_ARGS))
        try:
            contexts = [await browser.new_context(viewport={"width": 1280, "height": 900})
                        for _ in sessions]
            start = asyncio.Event()
            tasks = [asyncio.create_task(_open(c, url, s, start, log.parent / f"failed-{i}.png"))
                     for i, (c, s) in enumerate(zip(contexts, sessions))]
            await asyncio.sleep(1)  # every page opened and waiting for the signal
            started = time.monotonic()
            start.set()
            done, pending = await asyncio.wait(tasks, timeout=TOTAL)
            for task in pending:
                task.cancel()
            for s in sessions:
                if s.seconds is None and not s.error:
                    s.error = f"not rendered within the whole run's {TOTAL} s"
            await asyncio.sleep(2)  # let the last renders settle before leaving
            culled_early = _culled(log)
            for context in contexts:
                await context.close()
            closed = time.monotonic()
        finally:
            await browser.close()
    return sessions, started, closed, culled_early


def _count(log: Path, text: str) -> int:
    return log.read_text(errors="replace").count(text) if log.exists() else 0


def _culled(log: Path) -> int:
    """How many kernels the server has culled so far (from its log)."""
    return _count(log, "Culling '")


def _mb(n: float) -> float:
    return n / MB


def run() -> list[Row]:
    if not CHROMIUM.exists():
        return [Row("10 sessions at once", float("nan"), float("nan"), "s",
                    note="skipped: no /usr/bin/chromium")]

    log = Path(tempfile.mkdtemp(prefix="workbench-bench-load-")) / "server.log"
    with running(args=CULL, log=log) as url:
        server = server_process(urlsplit(url).port)
        sampler = Sampler(server)
        sampler.start()
        try:
            time.sleep(2)
            _, start_rss, start_kernels, _ = sampler.measure()
            sessions, started, closed, culled_early = asyncio.run(_sessions(url, log))
            kernels_at_close = sampler.measure()[2]
            time.sleep(5)
            kernels_after_5s = sampler.measure()[2]
            # the kernels go: shut down by the closed pages, or culled once idle
            deadline = closed + CULL_WAIT
            while True:
                _, _, kernels_left, _ = sampler.measure()
                if kernels_left == 0 or time.monotonic() > deadline:
                    break
                time.sleep(SAMPLE_EVERY)
            gone_after = time.monotonic() - closed
            time.sleep(2)  # let the server settle once the kernels are gone
            _, end_rss, end_kernels, _ = sampler.measure()
        finally:
            sampler.stop()
        during = [s for s in sampler.samples if started <= s[0] <= closed]
        culled = _culled(log)
        # nbclient stops waiting for a cell's output 4 s (its iopub_timeout) after the cell's
        # reply: what comes later is dropped, and the page shows an empty cell
        iopub_timeouts = _count(log, "Timeout waiting for IOPub output")
    with sampler._lock:
        kernel_cpu = sum(v for k, v in sampler.cpu.items() if k in sampler.kernel_pids)
        server_cpu = sampler.cpu.get(server.pid, 0.0)
        browser_cpu = sum(v for k, v in sampler.cpu.items() if k in sampler.browser_pids)

    rendered = [s for s in sessions if s.seconds is not None]
    failed = [s for s in sessions if s.seconds is None]
    times = [s.seconds for s in rendered]
    per_dashboard = {}
    for s in rendered:
        per_dashboard.setdefault(s.notebook.split("_", 1)[0], []).append(s.seconds)
    page_errors = sum(len(s.page_errors) for s in sessions)
    console_errors = sum(len(s.console_errors) for s in sessions)
    note = "by dashboard: " + ", ".join(
        f"{k} {'/'.join(f'{t:.1f}' for t in sorted(v))}" for k, v in sorted(per_dashboard.items()))
    sockets = [s.websocket for s in sessions if s.websocket is not None]
    if sockets:
        note += (f"; kernel websocket open after {statistics.median(sockets):.1f} s median, "
                 f"{max(sockets):.1f} s latest")
    note += f"; {page_errors} page errors, {console_errors} other console errors"
    if iopub_timeouts:
        note += (f"; the server dropped late output {iopub_timeouts}× ('Timeout waiting for "
                 f"IOPub output')")
    firsts = [m for s in sessions for m in s.page_errors + s.console_errors][:1]
    if firsts:
        note += f" (first: {firsts[0][:100]!r})"
    if failed:
        note += f"; FAILED {len(failed)}: " + "; ".join(
            f"{s.notebook}: {s.error}" for s in failed) + f" (server log {log})"

    peak = max(during, key=lambda s: s[1]) if during else None
    peak_rss = peak[1] if peak else float("nan")
    most_kernels = max((s[2] for s in during), default=0)
    kernel_sizes = list(sampler.kernel_peak.values())
    per_kernel = (f"; a kernel's peak {_mb(statistics.median(kernel_sizes)):.0f} MB median, "
                  f"{_mb(max(kernel_sizes)):.0f} MB largest" if kernel_sizes else "")
    nan = float("nan")
    return [
        Row(f"{SESSIONS} sessions at once, first chart visible",
            statistics.median(times) if times else nan, p95(times) if times else nan, "s",
            f"all {SESSIONS} render", not failed, note),
        Row(f"{SESSIONS} sessions at once, peak memory (server + kernels)",
            _mb(peak_rss), _mb(peak_rss), "MB", "",
            None, f"start {_mb(start_rss):.0f} MB ({start_kernels} kernels); "
                  f"up to {most_kernels} kernels{per_kernel}; RSS summed, sampled every "
                  f"{SAMPLE_EVERY:g} s; CPU used: kernels {kernel_cpu:.0f} s, server "
                  f"{server_cpu:.0f} s, browser {browser_cpu:.0f} s"),
        Row("memory after idle kernels are culled", _mb(end_rss), _mb(end_rss), "MB",
            f"≤ start + {SLACK_MB} MB", end_kernels == 0 and end_rss <= start_rss + SLACK_MB * MB,
            f"start {_mb(start_rss):.0f} MB; kernels left after the sessions closed: "
            f"{kernels_at_close} at once, {kernels_after_5s} after 5 s, {end_kernels} after "
            f"{gone_after:.0f} s; {culled} culled as idle ({CULL_IDLE} s idle, checked every 5 s), "
            f"{culled_early} of them before the sessions closed"),
    ]
