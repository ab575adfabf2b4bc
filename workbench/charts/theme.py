"""Shared look of every dashboard chart: colours, fonts, margins and number formats.

Everything here is plain data or a pure function; nothing loads a file, a font or a script from
the network (the fonts are names the browser resolves locally).

* :data:`PERSONA_COLOURS`: a qualitative palette of 12 colours; persona ``id`` *i* is always
  drawn in ``PERSONA_COLOURS[i % 12]`` (:func:`persona_colour`), in every chart.
* :data:`LIFT_SCALE`: a diverging colour scale for ``log2(lift)``, blue (less common than among
  all followers) - white (as common, lift 1) - red (more common); use it with ``zmid=0`` and
  ``zmin/zmax = ∓LIFT_CAP`` (:func:`lift_colorbar` labels it in lift, ``×0.25 … ×4``).
* :data:`FONT_FAMILY`: CJK-capable fonts first, so Chinese labels never fall back to boxes.
* :data:`TEMPLATE`: a plotly layout template with the above, plotly's default once this module
  is imported (:data:`TEMPLATE_NAME`).
* :func:`pct`, :func:`times`, :func:`count`, :func:`number`: numbers for humans
  (``12.3%``, ``×2.4``, ``12,345`` / ``12.35万``: :mod:`workbench.fmt`).

Examples
--------
>>> pct(0.1234), times(2.43), times(0.5), count(12345, "en"), count(123456, "zh")
('12.3%', '×2.4', '×0.50', '12,345', '12.35万')
"""

from __future__ import annotations

import math
import re

import plotly.graph_objects as go
import plotly.io as pio

from workbench import fmt

#: Font stack: Noto first (the Linux servers and screenshots), then macOS and Windows fonts.
FONT_FAMILY = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
FONT_SIZE = 13
TEXT_COLOUR = "#1f2933"
MUTED_TEXT = "#616e7c"
GRID_COLOUR = "#e4e7eb"
#: Cells and bars that stand for "not enough people to say" or "all followers".
MUTED_FILL = "#d9dde3"
OVERALL_COLOUR = "#9aa5b1"

#: Qualitative palette for personas (colour-blind aware, distinct in print and on screen).
PERSONA_COLOURS: tuple[str, ...] = (
    "#4e79a7",  # blue
    "#f28e2b",  # orange
    "#59a14f",  # green
    "#e15759",  # red
    "#b07aa1",  # purple
    "#76b7b2",  # teal
    "#edc948",  # yellow
    "#ff9da7",  # pink
    "#9c755f",  # brown
    "#bab0ac",  # grey
    "#1f5f8b",  # dark blue
    "#8cd17d",  # light green
)

#: ``log2(lift)`` is clipped to ``±LIFT_CAP`` for colour only: ×0.25 … ×4.
LIFT_CAP = 2.0
#: Diverging scale for ``log2(lift)``, centred at 0 (lift 1) with ``zmid=0``.
LIFT_SCALE: list[list] = [
    [0.0, "#2166ac"],
    [0.25, "#92c5de"],
    [0.5, "#f7f7f7"],
    [0.75, "#f4a582"],
    [1.0, "#b2182b"],
]

#: Room around the plot; the y/x labels get more through ``automargin``.
MARGIN = {"l": 16, "r": 16, "t": 64, "b": 48, "pad": 4}


def persona_colour(persona_id: int) -> str:
    """The colour of persona ``persona_id`` (stable across charts)."""
    return PERSONA_COLOURS[int(persona_id) % len(PERSONA_COLOURS)]


def lift_colorbar(title: str) -> dict:
    """Colour bar for :data:`LIFT_SCALE`, ticks labelled as lifts (``×0.25 … ×4``)."""
    ticks = list(range(-int(LIFT_CAP), int(LIFT_CAP) + 1))
    return {
        "title": {"text": title, "side": "right"},
        "tickvals": ticks,
        "ticktext": [times(2.0 ** v) for v in ticks],
        "thickness": 12,
        "len": 0.9,
        "outlinewidth": 0,
    }


#: The trace types the workbench draws: the template keeps plotly_white's defaults for these
#: only (a figure copies its template when it is made; all 24 types cost 3.5 ms a figure), and
#: the pages' plotly.js has these only (``tools/plotly_bundle/entry.js``; scatter is in core).
TRACE_TYPES = ("bar", "box", "heatmap", "scatter", "scatterpolar", "waterfall")
#: plotly_white's settings for kinds of plot the workbench never draws (3-D, maps, ternary).
UNUSED_LAYOUT = ("scene", "geo", "mapbox", "ternary")


def _template() -> go.layout.Template:
    white = pio.templates["plotly_white"].to_plotly_json()
    layout = {k: v for k, v in white["layout"].items() if k not in UNUSED_LAYOUT}
    data = {kind: white["data"][kind] for kind in TRACE_TYPES if kind in white["data"]}
    template = go.layout.Template(layout=layout, data=data)
    template.layout.update(
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
        title={"x": 0, "xanchor": "left", "pad": {"l": 12}, "font": {"size": 17}},
        colorway=list(PERSONA_COLOURS),
        margin=MARGIN,
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT_FAMILY, "size": FONT_SIZE}, "align": "left"},
        legend={"font": {"size": FONT_SIZE}, "bgcolor": "rgba(255,255,255,0.8)"},
        xaxis={"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "automargin": True},
        yaxis={"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "automargin": True},
    )
    return template


#: The layout template of every workbench chart.
TEMPLATE = _template()
#: Its name: registered as plotly's default template when this module is imported, so a figure
#: gets it without carrying it in its layout (setting a template object on a layout costs about
#: 12 ms of validation per figure, most of a chart rebuild).
TEMPLATE_NAME = "workbench"
pio.templates[TEMPLATE_NAME] = TEMPLATE
pio.templates.default = TEMPLATE_NAME


def wrap(text: str, columns: int) -> str:
    """``text`` broken into lines of at most ``columns`` (a Chinese character counts two) with
    ``<br>``, at spaces where there are any: plotly never wraps an annotation, and a long one is
    cut at the chart's edge."""
    lines, line, width = [], "", 0
    for word in re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*",
                           text):
        w = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in word.rstrip())
        if line and width + w > columns:
            lines.append(line.rstrip())
            line, width = "", 0
        line += word
        width += sum(2 if ord(ch) >= 0x2E80 else 1 for ch in word)
    lines.append(line.rstrip())
    return "<br>".join(lines)


def caption(text: str, *, y: float = -0.12, columns: int | None = None) -> dict:
    """An annotation under the plot area (notes such as "a random sample of …"), wrapped at
    ``columns`` (see :func:`wrap`) when the chart is narrower than the text."""
    if columns is not None:
        text = wrap(text, columns)
    return {
        "text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": y,
        "xanchor": "left", "yanchor": "top", "align": "left",
        "font": {"size": FONT_SIZE - 1, "color": MUTED_TEXT},
    }


def count_ticks(lo: float, hi: float, lang: str, *, log: bool = False,
                target: int = 6) -> dict:
    """Tick values and labels for an axis of counts from ``lo`` to ``hi``, as people read
    them: Chinese in 万 and 亿 (20万, 1.5亿; plotly itself writes 200k and 150M), English in k and
    M. A log axis gets its ticks at 1, 2 and 5 of each power of ten, labelled alike (1k, 2k, 5k,
    10k), never plotly's bare 2 … 9 between the powers. Returns ``{"tickvals", "ticktext"}``
    for the axis's dict (empty when the range is not usable)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return {}
    if log:
        if hi <= 0:
            return {}
        lo = max(lo, hi / 1e6, 1e-9)
        values = [m * 10.0 ** e for e in range(math.floor(math.log10(lo)),
                                                math.ceil(math.log10(hi)) + 1)
                  for m in (1, 2, 5) if lo <= m * 10.0 ** e <= hi]
        if len(values) > 3 * target // 2:      # a wide range: the powers of ten alone
            values = [v for v in values if math.log10(v).is_integer()] or values
    else:
        raw = (hi - lo) / target
        power = 10.0 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
        first = math.ceil(lo / step) * step
        values = [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]
    return {"tickvals": values, "ticktext": [count_tick(v, lang) for v in values]}


def count_tick(v: float, lang: str) -> str:
    """One tick label of :func:`count_ticks`: 0, 500, 2,000, 1万, 2.5万, 1亿 / 2k, 2.5M."""
    size, sign = abs(v), fmt.MINUS if v < 0 else ""
    zh = str(lang).lower().startswith("zh")
    for unit, name in ((1e8, "亿"), (1e4, "万")) if zh else ((1e6, "M"), (1e3, "k")):
        if size >= unit:
            return f"{sign}{round(size / unit, 2):g}{name}"
    return f"{sign}{round(size, 2):,g}"


# -- numbers for humans: one home, workbench.fmt (these names stay for the chart modules) ----
pct, times, count, number, signed = fmt.pct, fmt.times, fmt.count, fmt.number, fmt.signed
