"""A place on a page for one chart, redrawn in the browser with ``Plotly.react``.

:class:`ChartSlot` holds a box, the chart's last figure (``slot.figure``, a ``go.Figure`` a test
can read) and the widget that shows it. :meth:`ChartSlot.draw` builds the figure with the chart
module's function and hands its JSON to the widget.

The transport was chosen with ``make bench`` (issue 7). Served by :mod:`workbench.serve`, a chart
is a :class:`PlotView`: a small anywidget that loads plotly.js once per browser from the
workbench's own server (cached for a year) and calls ``Plotly.react`` with the new figure, which
redraws only what changed; legend clicks survive through ``layout.uirevision``, and an axis
the user zoomed or panned keeps its range until a double click resets it. A plotly
``FigureWidget`` instead answers every update with the whole layout and trace deltas (5–11 KB
back to the kernel, echoed again), and its figures are slower to build and update in Python:
an ROI input went 103 → 83 ms median in Chromium with this widget (on a busy machine). Outside
the workbench's server (a notebook opened in JupyterLab) there is no plotly.js to load, and a
plotly ``FigureWidget`` (bundle inline) shows the figure instead.
"""

from __future__ import annotations

import json
import os
from typing import Callable

import anywidget
import ipywidgets as w
import plotly.graph_objects as go
import traitlets as tl
from plotly.utils import PlotlyJSONEncoder

from workbench.runtime.assets import STATIC_ENV, plotly_bundle
from workbench.ui.soon import soon

_ESM = r"""
const KEY = "__workbenchPlotly";
// The workbench's pages load plotly.js themselves (script#wb-plotly, fetched while the
// kernel still runs the notebook); elsewhere, or if that failed, it is loaded here.
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window[KEY]) {
    window[KEY] = new Promise((resolve, reject) => {
      const early = document.getElementById("wb-plotly");
      const waiting = early && !early.dataset.failed;
      const script = waiting ? early : document.createElement("script");
      script.addEventListener("load", () => resolve(window.Plotly));
      script.addEventListener("error", () => {
        window[KEY] = null;
        reject(new Error("plotly.js did not load: " + url));
      });
      if (!waiting) { script.src = url; document.head.appendChild(script); }
    });
  }
  return window[KEY];
}
export default {
  async render({ model, el }) {
    const plot = document.createElement("div");
    plot.className = "wb-plot";
    el.appendChild(plot);
    const Plotly = await loadPlotly(model.get("plotly_url"));
    let template = null;
    const readTemplate = () => { template = JSON.parse(model.get("template") || "null"); };
    // axes the user zoomed or panned: their range stays when new data arrive (uirevision
    // alone keeps it only while the chart's own range does not change)
    const zoomed = new Set();
    const draw = () => {
      const figure = JSON.parse(model.get("figure") || "{}");
      const layout = figure.layout || {};
      if (template && layout.template === undefined) layout.template = template;
      if (layout.uirevision === undefined) layout.uirevision = "workbench";
      for (const axis of zoomed) {
        const range = plot.layout && plot.layout[axis] && plot.layout[axis].range;
        if (range) {
          const kept = { range: range.slice(), autorange: false };
          layout[axis] = Object.assign({}, layout[axis], kept);
        }
      }
      return Plotly.react(plot, figure.data || [], layout, { displaylogo: false });
    };
    readTemplate();
    await draw();
    plot.on("plotly_relayout", (event) => {
      for (const key of Object.keys(event)) {
        const match = /^([xy]axis\d*)\.(range|autorange)/.exec(key);
        if (match && match[2] === "autorange") zoomed.delete(match[1]);
        else if (match) zoomed.add(match[1]);
      }
    });
    plot.on("plotly_doubleclick", () => zoomed.clear());
    model.on("change:template", () => { readTemplate(); draw(); });
    model.on("change:figure", draw);
    return () => Plotly.purge(plot);
  },
};
"""


class PlotView(anywidget.AnyWidget):
    """A plotly chart drawn by plotly.js from ``plotly_url`` (see the module's notes).

    Traits
    ------
    figure : the figure's JSON without its template (``{"data": [...], "layout": {...}}``).
    template : the layout template's JSON, sent once (it is most of a small figure's bytes).
    plotly_url : where the browser loads plotly.js from (once per page).
    """

    _esm = tl.Unicode(_ESM).tag(sync=True)
    figure = tl.Unicode("{}").tag(sync=True)
    template = tl.Unicode("null").tag(sync=True)
    plotly_url = tl.Unicode("").tag(sync=True)

    def show(self, fig: go.Figure) -> None:
        """Send ``fig``: the template only when it changed, then the figure."""
        data = fig.to_plotly_json()
        layout = dict(data.get("layout") or {})
        template = layout.pop("template", None)
        text = json.dumps(template, cls=PlotlyJSONEncoder) if template is not None else "null"
        if text != self.template:
            self.template = text
        self.figure = json.dumps({"data": data.get("data", []), "layout": layout},
                                 cls=PlotlyJSONEncoder)


def plotly_url() -> str | None:
    """Where this kernel's browser loads plotly.js: the workbench server's copy (its URL carries
    plotly's version, so the browser caches it), or ``None`` outside :mod:`workbench.serve`.

    The URL is the server's path, without its host: the page adds the ``<script>`` (relative to
    itself), so a chart drawn in a pre-heated kernel before its visit (which brings the host)
    finds plotly.js through whatever address the visitor used."""
    path = os.environ.get(STATIC_ENV)
    return plotly_bundle(path) if path else None


class ChartSlot:
    """One chart on a page.

    Parameters
    ----------
    width : the figure's width in pixels; ``None`` leaves the figure's own.
    box_width : CSS width of the box (``"100%"``, ``"50%"``).
    """

    def __init__(self, width: int | None = None, box_width: str = "100%"):
        self.width = width
        self.box = w.Box(layout=w.Layout(width=box_width))
        #: the figure on screen (a plain ``go.Figure``: read its ``data`` and ``layout``)
        self.figure: go.Figure | None = None
        #: the widget showing it (made at the first draw, then kept)
        self.view: PlotView | go.FigureWidget | None = None

    def draw(self, build: Callable[..., go.Figure], *args, **kwargs) -> go.Figure | None:
        """Show ``build(*args, **kwargs)`` in place of the chart on screen and return it; while
        the page is being built in Voilà, once its cell has ended instead, and return ``None``
        (:mod:`workbench.ui.soon`)."""
        drawn = []
        soon(self, lambda: drawn.append(self._draw(build, *args, **kwargs)))
        return drawn[0] if drawn else None

    def _draw(self, build: Callable[..., go.Figure], *args, **kwargs) -> go.Figure:
        figure = build(*args, **kwargs)
        if self.width is not None:
            figure.layout.width = self.width
        self.figure = figure
        url = plotly_url()
        if url is None:  # no workbench server: plotly's own widget, replaced each time
            self.view = go.FigureWidget(figure)
            self.box.children = (self.view,)
            return figure
        if self.view is None:
            self.view = PlotView(plotly_url=url)
            self.view.show(figure)
            self.box.children = (self.view,)
        else:
            self.view.show(figure)
        return figure

    def hide(self, hidden: bool = True) -> None:
        self.box.layout.display = "none" if hidden else ""
