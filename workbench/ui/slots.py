"""A place on a page for one chart, updated in place.

:class:`ChartSlot` holds a box and the ``FigureWidget`` in it. :meth:`ChartSlot.draw` calls the
chart module's ``update_*`` function on the figure on screen (zoom and legend choices survive);
when the chart's set of traces changes (``update_*`` raises ``ValueError``), a new
``FigureWidget`` built with its data takes the box. A ``FigureWidget`` is always created with
its data: one changed before the browser shows it would reach the browser empty.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w
import plotly.graph_objects as go


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
        figure = go.FigureWidget(build(*args, **kwargs))
        if self.width is not None:
            figure.layout.width = self.width
        self.figure = figure
        self.box.children = (figure,)
        return figure

    def hide(self, hidden: bool = True) -> None:
        self.box.layout.display = "none" if hidden else ""
