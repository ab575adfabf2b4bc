"""The Chromium the workbench drives: it prints the meeting report to PDF
(:func:`workbench.report.pdf`) and runs the browser tests, benchmarks and screenshots.

Debian's ``chromium`` (``playwright install`` cannot download browsers here), or the one
``WORKBENCH_CHROMIUM`` names, with the flags that keep it off the closed network. This module
imports nothing heavy: a kernel printing a PDF need not load the server (Voilà,
jupyter_server, nbconvert). :mod:`workbench.serve` re-exports both names.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Debian's Chromium, for browser tests, benchmarks and screenshots (``playwright install``
#: cannot download browsers here), with the flags that keep it off the closed network.
CHROMIUM = Path(os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
