"""Benchmarks: ``make bench`` (``python -m benchmarks``) runs every ``bench_*.py`` here.

Each module exposes ``run() -> list[Row]``. Timings are medians over repeats on this machine,
with the p95 beside them; targets are checked here, never in timed unit tests (the machines
are shared and noisy).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Row:
    measure: str
    median: float
    p95: float
    unit: str
    goal: str = ""
    ok: bool | None = None
    note: str = ""


def timed(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``fn`` over ``repeat`` runs after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row(measure: str, times: list[float], *, unit: str = "ms", goal: float | None = None,
        goal_text: str = "", note: str = "") -> Row:
    """A row from raw seconds; ``goal`` (in ``unit``) is compared with the median."""
    scale = {"ms": 1e3, "s": 1.0}[unit]
    med = statistics.median(times) * scale
    return Row(measure, med, p95(times) * scale, unit,
               goal_text or (f"≤ {goal:g} {unit}" if goal is not None else ""),
               None if goal is None else med <= goal, note)


def server_process(port: int):
    """The server started by ``running()``: our descendant serving on ``port``."""
    import psutil

    for proc in psutil.Process().children(recursive=True):
        try:
            cmd = proc.cmdline()
        except psutil.Error:
            continue
        if any("workbench.serve" in c for c in cmd) and f"--port={port}" in cmd:
            return proc
    raise RuntimeError(f"no server process with --port={port} among this process's children")


def fill_delay() -> float:
    """Seconds a pre-heated pool waits before it starts a kernel to replace the one a visit
    took (``VoilaKernelManager.fill_delay`` in ``voila.json``; Voilà's default is 1 s)."""
    import json

    from workbench.serve import ROOT

    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    return float(config.get("VoilaKernelManager", {}).get("fill_delay", 1))


def pools_started() -> float:
    """Seconds after start until the last page's pool has started (the pools start one page
    after another: ``WorkbenchServer.pool_stagger``)."""
    from workbench.serve import NOTEBOOKS, WorkbenchServer

    stagger = WorkbenchServer.class_traits()["pool_stagger"].default_value
    return stagger * (len(list(NOTEBOOKS.glob("*.ipynb"))) - 1)


def settle(server, timeout: float = 180, quiet: float = 0.15, after: float = 0) -> None:
    """Wait ``after`` seconds, then until ``server`` (a ``psutil.Process``) and its kernels use
    under ``quiet`` of a core for a second, so a measurement is not timed against another
    page's start-up or a pool's refill."""
    import psutil

    time.sleep(after)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            procs = [server, *server.children()]
            before = sum(p.cpu_times().user + p.cpu_times().system for p in procs)
            time.sleep(1.0)
            used = sum(p.cpu_times().user + p.cpu_times().system for p in procs)
        except psutil.Error:
            continue
        if used - before < quiet:
            return
