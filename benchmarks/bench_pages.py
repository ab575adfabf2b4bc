"""Pages in a real browser: first chart, bytes on the wire and kernel memory, per dashboard.

Starts the server with the project's ``voila.json`` (``workbench.serve.running``) twice: as
shipped, with Voilà's pre-heated pool (one kernel per notebook, run ahead of the visit), and
cold, with a kernel started for each visit (``preheat_kernel=False``). For each page
it makes three visits in headless Chromium, the first with an empty browser cache, the other two
with the cache it left (as a planner opening the workbench again), and measures

* navigation → the first chart drawn (a ``.js-plotly-plot`` with data; the home page: its four
  cards visible);
* the bytes to that moment: HTTP as received (``encodedDataLength``: compressed, with headers)
  plus websocket messages both ways as they travel (:class:`Traffic`), from the Chrome
  DevTools protocol;
* the page's kernel's memory (RSS, ``psutil``) two seconds after its first chart.

Between visits it waits until the kernels are idle (a pre-heated pool refills after each visit),
so a visit is not timed against the previous page's start-up. The first visit right after the
server starts is reported on its own: with a pool, the notebooks are pre-heating then.

Skipped when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

import base64
import re
import statistics
import time
import zlib
from dataclasses import dataclass, field

from benchmarks import Row, fill_delay, pools_started, row, server_process, settle
from workbench.serve import CHROMIUM, CHROMIUM_ARGS, free_port, running

POOL, COLD = "pre-heated pool, as shipped", "cold, a kernel per visit"
MODES = {POOL: [], COLD: ["--VoilaConfiguration.preheat_kernel=False"]}
HOME = "00_home.ipynb"
PAGES = (HOME, "01_personas.ipynb", "02_content_mix.ipynb", "03_activity_roi.ipynb",
         "04_campaign_review.ipynb", "05_data.ipynb")
VISITS = 3
#: goals of issue 7 (seconds to the first chart; bytes)
GOAL_COLD, GOAL_PREHEATED, GOAL_BYTES, GOAL_KERNEL_MB = 2.5, 1.0, 1.5e6, 250

READY = {
    HOME: ("() => [...document.querySelectorAll('.wb-card')]"
           ".filter(c => c.offsetParent).length >= 4"),
    # on an empty workspace the coverage chart is drawn with no bars ("No uploads yet")
    "05_data.ipynb": ("() => [...document.querySelectorAll('.js-plotly-plot')]"
                      ".some(p => p.querySelector('.main-svg'))"),
}
CHART = ("() => [...document.querySelectorAll('.js-plotly-plot')].some("
         "p => p.data && p.data.length && p.querySelector('.main-svg'))")


@dataclass
class Visit:
    seconds: float
    http_bytes: int
    ws_bytes: int
    ws_payload: int
    kernel_mb: float | None
    cached: bool

    @property
    def bytes(self) -> int:
        return self.http_bytes + self.ws_bytes


@dataclass
class Traffic:
    """Bytes seen by the Chrome DevTools protocol on one page.

    HTTP: as received (compressed, with headers). Websocket: the messages as they travel. The
    protocol reports each message decompressed; when a connection negotiated
    ``permessage-deflate`` (``websocket_compression_options`` in ``voila.json``) each message
    is deflated again here the way tornado does it (zlib level 6, 15-bit window, one stream per
    direction kept across messages), which is the size on the wire to within the frame headers.
    """

    http: int = 0
    ws: int = 0
    #: websocket messages before compression
    ws_payload: int = 0
    stopped: bool = False
    _seen: set = field(default_factory=set)
    _deflate: dict = field(default_factory=dict)

    def attach(self, page) -> None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        cdp.on("Network.webSocketFrameReceived", lambda event: self._frame(event, "in"))
        cdp.on("Network.webSocketFrameSent", lambda event: self._frame(event, "out"))

    def _finished(self, event) -> None:
        if not self.stopped and event["requestId"] not in self._seen:
            self._seen.add(event["requestId"])
            self.http += int(event["encodedDataLength"])

    def _handshake(self, event) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        if "permessage-deflate" in headers.get("sec-websocket-extensions", ""):
            for direction in ("in", "out"):
                self._deflate[event["requestId"], direction] = zlib.compressobj(
                    6, zlib.DEFLATED, -15, 8)

    def _frame(self, event, direction: str) -> None:
        if self.stopped:
            return
        frame = event["response"]
        data = frame["payloadData"]
        # binary frames (opcode 2) arrive base64-encoded
        payload = base64.b64decode(data) if frame.get("opcode") == 2 else data.encode("utf-8")
        self.ws_payload += len(payload)
        deflate = self._deflate.get((event["requestId"], direction))
        if deflate is None:
            self.ws += len(payload)
        else:  # a message ends with a sync flush, whose last 4 bytes are not sent
            self.ws += len(deflate.compress(payload) + deflate.flush(zlib.Z_SYNC_FLUSH)) - 4


def _kernel_rss_mb(server, kernel_id: str) -> float | None:
    import psutil

    for proc in server.children():
        try:
            if any(kernel_id in part for part in proc.cmdline()):
                return proc.memory_info().rss / 2**20
        except psutil.Error:
            continue
    return None


def _visit(context, url: str, notebook: str, server, cached: bool) -> Visit:
    page = context.new_page()
    traffic = Traffic()
    traffic.attach(page)
    try:
        t0 = time.perf_counter()
        page.goto(url + f"voila/render/{notebook}?lang=en", wait_until="commit")
        page.wait_for_function(READY.get(notebook, CHART), timeout=180_000, polling=20)
        seconds = time.perf_counter() - t0
        traffic.stopped = True
        found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content())
        page.wait_for_timeout(2000)
        rss = _kernel_rss_mb(server, found.group(1)) if found else None
        return Visit(seconds, traffic.http, traffic.ws, traffic.ws_payload, rss, cached)
    finally:
        page.close()


def _mode(browser, args: list[str]) -> tuple[float, dict[str, list[Visit]]]:
    """The first visit right after start (seconds), and every page's visits."""
    port = free_port()
    visits: dict[str, list[Visit]] = {}
    with running(port=port, args=args) as url:
        server = server_process(port)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        started = time.monotonic()
        first = _visit(context, url, HOME, server, cached=False).seconds
        context.close()
        if not args:  # every page's pool has started and filled before the visits are timed
            settle(server, after=max(0.0, started + pools_started() - time.monotonic()))
        for notebook in PAGES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            for n in range(VISITS):
                # a pool refills after its fill delay: wait for it, as a visitor would have
                settle(server, after=0 if args else fill_delay())
                visits.setdefault(notebook, []).append(
                    _visit(context, url, notebook, server, cached=n > 0))
            context.close()
    return first, visits


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def first_chart_row(measure: str, visits: list[Visit], goal: float) -> Row:
    """The row of navigation → first chart over ``visits`` (seconds)."""
    return row(measure, [v.seconds for v in visits], unit="s", goal=goal,
               note=f"{len(visits)} visits, the first with an empty browser cache "
                    f"({visits[0].seconds:.1f} s)")


def memory_row(measure: str, visits: list[Visit]) -> Row | None:
    """The row of the kernels' memory after ``visits`` (median; the largest as p95)."""
    mbs = [v.kernel_mb for v in visits if v.kernel_mb is not None]
    if not mbs:
        return None
    return Row(measure, statistics.median(mbs), max(mbs), "MB", f"≤ {GOAL_KERNEL_MB} MB",
               statistics.median(mbs) <= GOAL_KERNEL_MB,
               note=f"RSS 2 s after the first chart; p95 column: the largest of {len(mbs)}")


def run() -> list[Row]:
    if not CHROMIUM.exists():
        return [Row("pages in the browser", float("nan"), float("nan"), "s",
                    note="skipped: no /usr/bin/chromium")]
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        results = {mode: _mode(browser, args) for mode, args in MODES.items()}
        browser.close()

    for mode, (first, _) in results.items():
        rows.append(row(f"home page, first visit after the server starts ({mode})", [first],
                        unit="s", note="one visit; the pools start then, home first, one "
                                        f"page every {pools_started() / (len(PAGES) - 1):g} s"
                        if mode == POOL else "one visit"))
    for mode, (_, visits) in results.items():
        goal = GOAL_COLD if mode == COLD else GOAL_PREHEATED
        for notebook, seen in visits.items():
            what = "home cards visible" if notebook == HOME else "first chart visible"
            rows.append(first_chart_row(f"{what}, {notebook} ({mode})", seen, goal))
    _, shipped = results[POOL]
    for notebook, seen in shipped.items():
        empty, cached = seen[0], [v.bytes for v in seen[1:]]
        r = Row(f"bytes to the first chart, {notebook}", empty.bytes / 1e6,
                statistics.median(cached) / 1e6, "MB", f"≤ {GOAL_BYTES / 1e6:g} MB",
                empty.bytes <= GOAL_BYTES,
                note=f"median: empty browser cache (HTTP {_mb(empty.http_bytes)}, websocket "
                     f"{_mb(empty.ws_bytes)}, {_mb(empty.ws_payload)} before compression); "
                     f"p95 column: cached (HTTP "
                     f"{_mb(statistics.median(v.http_bytes for v in seen[1:]))})")
        rows.append(r)
    for notebook, seen in shipped.items():
        if (r := memory_row(f"kernel memory after opening {notebook}", seen)) is not None:
            rows.append(r)
    return rows
