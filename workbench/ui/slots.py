"""A place on a page for one chart, updated in place.

:class:`ChartSlot` holds a box and the ``FigureWidget`` in it. :meth:`ChartSlot.draw` calls the
chart module's ``update_*`` function on the figure on screen (zoom and legend choices survive);
when the chart's set of traces changes (``update_*`` raises ``ValueError``), a new
``FigureWidget`` built with its data takes the box. A ``FigureWidget`` is always created with
its data: one changed before the browser shows it would reach the browser empty.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable

import ipywidgets as w
import plotly.graph_objects as go

from workbench import STATIC_ENV


# Creating the first FigureWidget imports plotly.io's renderers → nbformat → jsonschema, whose
# optional IRI format checker builds a Lark grammar at import (rfc3987_syntax: 1.4–4 s of
# every dashboard's start on this machine). Charts never validate notebooks against IRI
# formats, so that one optional module is marked absent here, in the kernel only.
sys.modules.setdefault("rfc3987_syntax", None)


@functools.lru_cache(maxsize=4)
def _shared_bundle_class(url: str) -> type:
    """A ``FigureWidget`` whose front-end module is imported from ``url`` (one download the
    browser caches for every chart) instead of travelling inside each widget's state."""
    return type("FigureWidget", (go.FigureWidget,), {"_esm": url, "__module__": __name__})


def figure_class() -> type:
    """The ``FigureWidget`` class to use: in a kernel of :mod:`workbench.serve` (which serves
    plotly's bundle and says where in the environment, and Voilà gives the request's host),
    one that loads the shared bundle; elsewhere plotly's own (the bundle inline, 5 MB a chart).
    """
    path, host = os.environ.get(STATIC_ENV), os.environ.get("SERVER_NAME")
    if not path or not host:
        return go.FigureWidget
    import plotly

    port = os.environ.get("SERVER_PORT")
    origin = f"http://{host}:{port}" if port else f"http://{host}"
    return _shared_bundle_class(f"{origin}{path}widgetbundle.js?v={plotly.__version__}")


class ChartSlot:
    """One chart on a page.

    Parameters
    ----------
    width : the figure's width in pixels (a figure drawn before its box has a size falls back
        to 700 px, so it is said); ``None`` leaves the figure's own.
    box_width : CSS width of the box (``"100%"``, ``"50%"``).
    """

    def __init__(self, width: int | None = None, box_width: str = "100%"):
        self.width = width
        self.box = w.Box(layout=w.Layout(width=box_width))
        self.figure: go.FigureWidget | None = None

    def draw(self, build: Callable[..., go.Figure], update: Callable[..., go.Figure] | None,
             *args, **kwargs) -> go.FigureWidget:
        """Show ``build(*args, **kwargs)``, through ``update(figure, *args, **kwargs)`` when a
        figure is on screen and has the same traces."""
        if self.figure is not None and update is not None:
            try:
                update(self.figure, *args, **kwargs)
                return self.figure
            except ValueError:  # another set of traces
                pass
        fresh = build(*args, **kwargs)
        if self.width is not None:  # set before the widget exists: later changes would be lost
            fresh.layout.width = self.width
        figure = figure_class()(fresh)
        self.figure = figure
        self.box.children = (figure,)
        return figure

    def hide(self, hidden: bool = True) -> None:
        self.box.layout.display = "none" if hidden else ""
