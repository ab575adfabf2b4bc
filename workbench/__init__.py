"""Planning Workbench."""

import functools

#: Environment variable through which :mod:`workbench.serve` tells its kernels where it serves
#: plotly's widget bundle (read by :mod:`workbench.ui.slots`).
STATIC_ENV = "WORKBENCH_STATIC_PATH"


@functools.cache
def plotly_bundle(path: str) -> str:
    """The URL of plotly.js under the static ``path`` (``/workbench/static/``): it carries
    plotly's version, so the browser keeps the file until plotly is upgraded."""
    from importlib.metadata import version

    return f"{path}plotly.min.js?v={version('plotly')}"
