"""Charts of the activity-ROI dashboard: pure functions ``RoiResult → go.Figure``.

Only summaries cross the wire: the histogram is binned here (60 bars, not 100,000 points), the
probability curve is 101 quantiles, the comparison boxes are five numbers each. The page
redraws a chart by building it again (``ui.slots``).

* :func:`roi_histogram`: the spread of ROI, break-even (ROI 0) and target lines, loss in red;
* :func:`roi_curve`: the chance that ROI is at least x, for every x;
* :func:`tornado`: how far the expected ROI moves when one input goes from low to high;
* :func:`compare`: scenarios side by side as boxes (p5, p25, median, p75, p95).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench import fmt
from workbench.charts import theme
from workbench.i18n import t

BINS = 60
LOSS_COLOUR = "#e15759"
GAIN_COLOUR = "#4e79a7"
TARGET_COLOUR = "#f28e2b"
LOW_COLOUR = "#9aa5b1"


def _label(key: str, lang: str, **fmt: object) -> str:
    return html.escape(t(f"chart.roi.{key}", lang, **fmt), quote=False)


def _layout(title: str, **extra) -> dict:
    layout = {"title": {"text": title}}  # the template is plotly's default (theme)
    layout.update(extra)
    return layout


def _sorted_roi(result) -> np.ndarray:
    """The finite ROI draws, sorted once per result (the histogram, the curve and the axis
    range all read quantiles off it)."""
    cached = getattr(result, "_sorted_roi", None)
    if cached is None:
        roi = np.asarray(result.samples["roi"], dtype=float)
        cached = np.sort(roi[np.isfinite(roi)])
        try:
            result._sorted_roi = cached
        except AttributeError:  # a result that takes no attributes: sort every time
            pass
    return cached


def _quantiles(ordered: np.ndarray, probs) -> np.ndarray:
    """Linear-interpolated quantiles of an already sorted array (numpy's default method)."""
    pos = np.asarray(probs, dtype=float) * (len(ordered) - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _range(roi: np.ndarray) -> tuple[float, float]:
    """The ROI axis (``roi`` sorted): the 0.5–99.5 % of the draws, always showing break-even,
    widened a little so that break-even (ROI 0) is an edge of the histogram's :data:`BINS`
    bins: no bar mixes losses with gains."""
    lo, hi = _quantiles(roi, [0.005, 0.995]) if roi.size else (-1.0, 1.0)
    lo, hi = min(float(lo), -0.05), max(float(hi), 0.05)
    pad = (hi - lo) * 0.04
    lo, hi = lo - pad, hi + pad
    below = min(max(round(BINS * -lo / (hi - lo)), 1), BINS - 1)   # bins left of break-even
    width = max(-lo / below, hi / (BINS - below))
    return -below * width, (BINS - below) * width


def _vline(x: float, colour: str, text: str, y: float = 1.0) -> tuple[dict, dict]:
    shape = {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
             "line": {"color": colour, "width": 2, "dash": "dash"}}
    note = {"xref": "x", "yref": "paper", "x": x, "y": y, "text": text, "showarrow": False,
            "xanchor": "left", "yanchor": "bottom", "font": {"color": colour, "size": 12}}
    return shape, note


def _lines(target: float | None, lang: str, y: float = 1.0) -> tuple[list, list]:
    shapes, notes = [], []
    shape, note = _vline(0.0, LOSS_COLOUR, _label("break_even", lang), y)
    shapes.append(shape)
    notes.append(note)
    if target is not None and target != 0:
        shape, note = _vline(target, TARGET_COLOUR,
                             _label("target", lang, target=theme.pct(target)), y - 0.08)
        shapes.append(shape)
        notes.append(note)
    return shapes, notes


# -- histogram ------------------------------------------------------------------------------
def roi_histogram(result, *, target: float | None = None, lang: str = "en") -> go.Figure:
    """The spread of ROI over the simulated draws: bars of the share of draws per ROI bin,
    losses (ROI < 0, the summary's ``p_loss``) in red, with the break-even and target lines.
    Break-even is a bin edge and bins hold ``left ≤ ROI < right``, so a draw at exactly 0 is
    not red.

    Returns
    -------
    go.Figure: ``data[0]`` the losing bins, ``data[1]`` the gaining bins (``x`` = bin centres,
    ``y`` = share of draws); the bins of both sum to the share of draws in the axis range.
    """
    roi = _sorted_roi(result)
    lo, hi = _range(roi)
    edges = np.linspace(lo, hi, BINS + 1)
    below = int(np.argmin(np.abs(edges)))
    edges[below] = 0.0                                   # exactly, whatever the rounding
    cuts = np.searchsorted(roi, edges, side="left")
    cuts[-1] = np.searchsorted(roi, edges[-1], side="right")  # the last bin is closed
    counts = np.diff(cuts)
    share = counts / max(len(roi), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    width = float(edges[1] - edges[0])
    loss = np.arange(BINS) < below                       # bins that end at or before 0
    hover = _label("hist.hover", lang)
    bars = [
        go.Bar(x=centres[mask].tolist(), y=share[mask].tolist(), width=width,
               marker={"color": colour, "line": {"width": 0}}, name=_label(name, lang),
               hovertemplate=hover + "<extra></extra>")
        for mask, colour, name in ((loss, LOSS_COLOUR, "loss"), (~loss, GAIN_COLOUR, "gain"))
    ]
    shapes, notes = _lines(target, lang)
    return go.Figure(bars, layout=_layout(
        _label("hist.title", lang), height=340, bargap=0.02, showlegend=True,
        margin={**theme.MARGIN, "r": 34},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        xaxis={"title": {"text": _label("roi", lang)}, "tickformat": ".0%", "range": [lo, hi]},
        yaxis={"title": {"text": _label("hist.y", lang)}, "tickformat": ".1%",
               "rangemode": "tozero"},
        shapes=shapes, annotations=notes,
    ))


# -- probability curve ----------------------------------------------------------------------
def roi_curve(result, *, target: float | None = None, lang: str = "en") -> go.Figure:
    """The chance that ROI reaches at least x: ``x`` = the 0–100 % quantiles of ROI, ``y`` =
    1 − their probability (one trace)."""
    roi = _sorted_roi(result)
    probs = np.linspace(0, 1, 101)
    xs = _quantiles(roi, probs) if roi.size else np.zeros(101)
    lo, hi = _range(roi)
    curve = go.Scatter(x=xs.tolist(), y=(1 - probs).tolist(), mode="lines",
                       line={"color": GAIN_COLOUR, "width": 3}, name=_label("curve.name", lang),
                       hovertemplate=_label("curve.hover", lang) + "<extra></extra>",
                       showlegend=False)
    shapes, notes = _lines(target, lang)
    return go.Figure([curve], layout=_layout(
        _label("curve.title", lang), height=340, margin={**theme.MARGIN, "r": 34},
        xaxis={"title": {"text": _label("roi", lang)}, "tickformat": ".0%", "range": [lo, hi]},
        yaxis={"title": {"text": _label("curve.y", lang)}, "tickformat": ".0%",
               "range": [0, 1.04]},
        shapes=shapes, annotations=notes,
    ))


# -- tornado --------------------------------------------------------------------------------
def tornado(sensitivity: pd.DataFrame, *, base: float, lang: str = "en",
            top: int = 10) -> go.Figure:
    """How the ROI moves when one input goes from its low to its high value (the others at
    their likely values): one bar from ``base`` to each end, the widest swing on top.

    Parameters
    ----------
    sensitivity : :func:`workbench.roi.sensitivity` (index = input key; ``label_en``,
        ``label_zh``, ``roi_low``, ``roi_high``, ``swing``); inputs with no swing are left out.
    base : the ROI with every input at its likely value.

    Returns
    -------
    go.Figure: ``data[0]`` the input at its low value, ``data[1]`` at its high value (``base``
    = the likely ROI, ``x`` = the change from it).
    """
    table = sensitivity[sensitivity["swing"] > 0].head(top)
    names = table[f"label_{'zh' if lang == 'zh' else 'en'}"].map(
        lambda s: html.escape(str(s), quote=False)).tolist()
    bars = []
    for column, colour, key in (("roi_low", LOW_COLOUR, "tornado.low"),
                                ("roi_high", GAIN_COLOUR, "tornado.high")):
        ends = table[column].to_numpy(dtype=float)
        bars.append(go.Bar(
            y=names, x=(ends - base).tolist(), base=base, orientation="h",
            marker={"color": colour}, name=_label(key, lang),
            customdata=ends.tolist(),
            hovertemplate="%{y}: " + _label("tornado.hover", lang) + "<extra></extra>"))
    # the centre line is the ROI with every input at its likely value: said, so it is not
    # taken for the expected ROI of the headline (which averages over the ranges)
    centre = _label("tornado.centre", lang, roi=fmt.pct(base, 0))
    return go.Figure(bars, layout=_layout(
        f"{_label('tornado.title', lang)}<br><span style=\"font-size:12px\">{centre}</span>",
        barmode="overlay",
        height=160 + 34 * max(len(names), 3),
        xaxis={"title": {"text": _label("roi", lang)}, "tickformat": ".0%",
               "zeroline": True, "zerolinecolor": LOSS_COLOUR},
        yaxis={"autorange": "reversed", "showgrid": False, "automargin": True},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": base, "x1": base,
                 "y0": 0, "y1": 1, "line": {"color": theme.TEXT_COLOUR, "width": 1}}],
    ))


# -- scenario comparison --------------------------------------------------------------------
def compare(scenarios: Sequence[Mapping], *, lang: str = "en") -> go.Figure:
    """Scenarios side by side: one box each from their ROI quantiles (whiskers p5–p95, box
    p25–p75, line at the median) and a diamond at the mean.

    ``scenarios``: ``{"name", "summary"}`` with ``summary`` holding ``roi_p5``, ``roi_p25``,
    ``roi_p50``, ``roi_p75``, ``roi_p95`` and ``roi_mean``.
    """
    names = [html.escape(str(s["name"]), quote=False) for s in scenarios]
    summaries = [s["summary"] for s in scenarios]

    def q(key):
        return [float(s[key]) for s in summaries]

    box = go.Box(
        x=names, q1=q("roi_p25"), median=q("roi_p50"), q3=q("roi_p75"),
        lowerfence=q("roi_p5"), upperfence=q("roi_p95"), mean=q("roi_mean"),
        marker={"color": GAIN_COLOUR}, fillcolor="rgba(78,121,167,0.25)",
        name=_label("compare.name", lang), showlegend=False, hoverinfo="y",
    )
    return go.Figure([box], layout=_layout(
        _label("compare.title", lang), height=360,
        yaxis={"title": {"text": _label("roi", lang)}, "tickformat": ".0%",
               "zeroline": True, "zerolinecolor": LOSS_COLOUR, "zerolinewidth": 2},
        xaxis={"showgrid": False},
    ))
