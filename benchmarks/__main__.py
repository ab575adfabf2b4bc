"""Run every benchmark module and print one table (``make bench``)."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path

import benchmarks


def main(argv: list[str]) -> int:
    only = set(argv)
    rows = []
    for info in sorted(pkgutil.iter_modules([str(Path(benchmarks.__file__).parent)]),
                       key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        if only and info.name not in only and info.name.removeprefix("bench_") not in only:
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        print(f"running {info.name} …", file=sys.stderr, flush=True)
        rows.extend(module.run())
    print(f"\nPlanning Workbench benchmarks, {dt.date.today()}, {platform.node()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    header = ("measure", "median", "p95", "goal", "ok", "note")
    table = [header] + [
        (r.measure, f"{r.median:,.1f} {r.unit}", f"{r.p95:,.1f} {r.unit}", r.goal,
         {True: "yes", False: "NO", None: ""}[r.ok], r.note)
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for n, line in enumerate(table):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
