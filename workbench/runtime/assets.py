"""The pages' static files: where they are, which plotly.js the pages load, and the URLs that
name a file's content.

:mod:`workbench.serve` serves :data:`STATIC_DIR` and :func:`plotly_js` under
``/workbench/static/`` and tells its kernels that path in :data:`STATIC_ENV`;
:mod:`workbench.ui.slots` reads it there to give a chart the URL of plotly.js
(:func:`plotly_bundle`). A URL carries a digest of the file (``?v=``): the browser keeps the
file for a year and fetches it again only when it changes.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

#: Environment variable through which :mod:`workbench.serve` tells its kernels where it serves
#: plotly.js (read by :mod:`workbench.ui.slots`).
STATIC_ENV = "WORKBENCH_STATIC_PATH"
#: The workbench's own browser files.
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: The pages' stylesheet (every dashboard's styles, one file).
STYLESHEET = STATIC_DIR / "workbench.css"
#: plotly.js with only the trace kinds the charts draw (``tools/plotly_bundle/build.sh``).
PARTIAL_PLOTLY = STATIC_DIR / "plotly-workbench.min.js"


def _plotly_js_version(path: Path) -> str | None:
    """The plotly.js version in a bundle's banner (``plotly.js v4.1.1``)."""
    try:
        with path.open("rb") as f:
            head = f.read(400).decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else None


def full_plotly_js() -> Path:
    """The full plotly.min.js that plotly's Python package ships."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@functools.cache
def plotly_js() -> Path:
    """The plotly.js the pages load: the partial bundle (:data:`PARTIAL_PLOTLY`: Chromium runs it
    in ~0.3 s instead of ~1.4 s, 0.44 instead of 1.47 MB gzipped) when it is built from the
    plotly.js version plotly's Python package expects, else that package's full bundle."""
    full = full_plotly_js()
    if PARTIAL_PLOTLY.exists() and _plotly_js_version(PARTIAL_PLOTLY) == _plotly_js_version(full):
        return PARTIAL_PLOTLY
    return full


def _digest(file: Path) -> str:
    stat = file.stat()
    return _content_digest(file, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _content_digest(file: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()[:12]


def static_url(path: str, file: Path, name: str | None = None) -> str:
    """The URL of ``file`` under the static ``path`` (``/workbench/static/``), as ``name``
    (its own name when omitted): it names the file's content (``?v=``), so the browser keeps the
    file for a year and fetches it again only when it changes."""
    return f"{path}{name or file.name}?v={_digest(file)}"


def plotly_bundle(path: str) -> str:
    """The URL of plotly.js (:func:`plotly_js`) under the static ``path``
    (:func:`static_url`)."""
    return static_url(path, plotly_js(), "plotly.min.js")
