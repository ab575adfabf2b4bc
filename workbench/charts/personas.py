"""Charts of the personas page: pure builders ``personas → go.Figure``.

Builders (each takes prepared model objects and ``lang``, returns a new ``go.Figure``):

* :func:`segment_sizes`: how many followers each persona holds (horizontal bars, share labels).
* :func:`lift_heatmap`: personas × attribute levels, coloured by ``log2(lift)``.
* :func:`behaviour_radar`: numeric behaviour (reads, shares, spend …) as z-scores, one polygon
  per persona.
* :func:`persona_map`: a 2-D map of a sample of followers, one trace per persona.
* :func:`k_curve`: the k-selection criterion per number of personas, the chosen k marked.
* :func:`compare`: two personas side by side on their top traits, against all followers.

A page redraws a chart by building it again: ``ui.slots.ChartSlot`` hands the new figure to
plotly.js (``Plotly.react``), which keeps the user's zoom and legend clicks.

Persona names are user-editable text. They are HTML-escaped wherever they appear (bar labels,
legend entries, hover text, titles), because plotly renders a subset of HTML in text, and they
never go into a ``hovertemplate`` (where ``%{…}`` would be interpreted).

Examples
--------
>>> fig = segment_sizes(segmentation.personas, lang="zh")          # doctest: +SKIP
>>> fig = segment_sizes(segmentation.profile(mask), lang="zh")      # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from workbench.charts import theme
from workbench.i18n import CATALOGUES, LEVEL_NAMES, level, t
from workbench.i18n import attribute as i18n_attribute

if TYPE_CHECKING:  # pragma: no cover - the model objects are only read, never built here
    from workbench.personas import Persona, Trait

__all__ = [
    "ATTRIBUTE_ORDER",
    "METRIC_ORDER",
    "behaviour_radar",
    "compare",
    "k_curve",
    "lift_heatmap",
    "persona_label",
    "persona_map",
    "segment_sizes",
]

#: Column order of the heatmap (attributes not listed follow in the order first seen).
ATTRIBUTE_ORDER: tuple[str, ...] = (
    "gender", "age_band", "city_tier", "occupation", "interests", "platform", "follow_source",
)
#: Axis order of the radar (metrics not listed follow in the order first seen).
METRIC_ORDER: tuple[str, ...] = (
    "reads_30d", "shares_30d", "comments_30d", "purchases_90d", "spend_90d", "active_hour",
)
_KEY = "chart.personas."


# -- labels ---------------------------------------------------------------------------------
def _label(key: str, lang: str, **fmt: object) -> str:
    return t(_KEY + key, lang, **fmt)


def _known(key: str) -> bool:
    return _KEY + key in CATALOGUES["en"]


def _esc(text: object) -> str:
    """``<`` and ``&`` escaped for plotly's text; quotes not (plotly.js shows ``&quot;`` as
    is, and a quote cannot end anything in its text)."""
    return html.escape(str(text), quote=False)


def persona_label(persona: Persona, lang: str = "en") -> str:
    """The persona's name in ``lang`` (else the other language, else "Persona n"), escaped.

    Examples
    --------
    >>> from types import SimpleNamespace as P
    >>> persona_label(P(id=0, name={"en": "<b>", "zh": ""}), "zh")
    '&lt;b&gt;'
    """
    names = getattr(persona, "name", None) or {}
    text = names.get(lang) or names.get("en") or names.get("zh") or next(
        (v for v in names.values() if v), None)
    if not text or not str(text).strip():
        text = _label("default_name", lang, n=int(persona.id) + 1)
    return _esc(str(text).strip())


def _unique_labels(personas: Sequence[Persona], lang: str) -> list[str]:
    """Escaped display names; a repeated name gets ``#id`` so category axes keep both rows."""
    labels = [persona_label(p, lang) for p in personas]
    seen: dict[str, int] = {}
    for name in labels:
        seen[name] = seen.get(name, 0) + 1
    return [f"{name} #{p.id + 1}" if seen[name] > 1 else name for name, p in zip(labels, personas)]


def _wrap(label: str, width: int = 26) -> str:
    """Break a long (escaped) name into two lines for axis ticks and legends.

    Breaks at the model's " · " separator, else at the space nearest the middle; Chinese
    names without spaces break after ``width // 2`` characters.
    """
    plain = html.unescape(label)
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in plain)
    if wide <= width:
        return label
    if " · " in plain:
        head, tail = plain.split(" · ", 1)
        return f"{_esc(head)}<br>· {_esc(tail)}"
    spaces = [i for i, ch in enumerate(plain) if ch == " "]
    if spaces:
        cut = min(spaces, key=lambda i: abs(i - len(plain) / 2))
        return f"{_esc(plain[:cut])}<br>{_esc(plain[cut + 1:])}"
    if wide > len(plain):  # CJK without spaces
        cut = width // 2
        return f"{_esc(plain[:cut])}<br>{_esc(plain[cut:])}"
    return label


def _attribute_name(attribute: str, lang: str) -> str:
    return _esc(i18n_attribute(attribute, lang))


_metric_name = _attribute_name


def _level_name(attribute: str, code: str, lang: str) -> str:
    return _esc(level(attribute, code, lang))


def _layout(title: str, **extra: object) -> dict:
    layout = {"title": {"text": title}}  # the template is plotly's default (theme)
    layout.update(extra)
    return layout


def _empty_note(lang: str) -> dict:
    note = theme.caption(_label("empty", lang), y=0.5)
    note.update(x=0.5, xanchor="center", yanchor="middle", font={"size": 15})
    return note


# -- sizes ----------------------------------------------------------------------------------
def segment_sizes(personas: Sequence[Persona], *, lang: str = "en") -> go.Figure:
    """Horizontal bars of persona sizes, labelled with their share of all followers.

    Parameters
    ----------
    personas : the personas, drawn top to bottom in the given order.
    lang : ``"en"`` or ``"zh"``.

    Returns
    -------
    go.Figure with one ``Bar`` trace: ``x`` = sizes, ``y`` = escaped names, ``text`` = shares.

    Examples
    --------
    >>> fig = segment_sizes(segmentation.personas, lang="zh")  # doctest: +SKIP
    >>> list(fig.data[0].x) == [p.size for p in segmentation.personas]  # doctest: +SKIP
    True
    """
    names = _unique_labels(personas, lang)
    sizes = [int(p.size) for p in personas]
    hover = [
        f"<b>{name}</b><br>"
        + _esc(_label("sizes.hover", lang, count=theme.count(p.size, lang),
                      share=theme.pct(p.share)))
        for name, p in zip(names, personas)
    ]
    bar = go.Bar(
        x=sizes, y=[_wrap(name) for name in names], orientation="h",
        text=[theme.pct(p.share) for p in personas], textposition="outside", cliponaxis=False,
        marker={"color": [theme.persona_colour(p.id) for p in personas]},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        name=_label("sizes.x", lang), showlegend=False,
    )
    longest = max(sizes, default=0)
    fig = go.Figure(
        [bar],
        layout=_layout(
            _label("sizes.title", lang),
            height=_bar_height(len(personas)),
            xaxis={"title": {"text": _label("sizes.x", lang)}, "rangemode": "tozero",
                   "range": [0, longest * 1.15 if longest else 1], "separatethousands": True},
            yaxis={"autorange": "reversed", "showgrid": False},
            bargap=0.3,
            annotations=[] if personas else [_empty_note(lang)],
        ),
    )
    return fig


def _bar_height(n: int) -> int:
    return 140 + 42 * max(n, 3)


# -- lift heatmap ---------------------------------------------------------------------------
def _columns(
    personas: Sequence[Persona], attributes: Sequence[str] | None
) -> list[tuple[str, str]]:
    """``(attribute, level)`` columns: attributes in order, levels in schema order."""
    seen: dict[str, list[str]] = {}
    for p in personas:
        for trait in p.traits:
            levels = seen.setdefault(trait.attribute, [])
            if trait.level not in levels:
                levels.append(trait.level)
    if attributes is None:
        order = [a for a in ATTRIBUTE_ORDER if a in seen] + [
            a for a in seen if a not in ATTRIBUTE_ORDER]
    else:
        order = [a for a in attributes if a in seen]
    columns = []
    for attribute in order:
        known = list(LEVEL_NAMES.get(attribute, {}))
        levels = seen[attribute]
        columns += [(attribute, code) for code in known if code in levels]
        columns += [(attribute, code) for code in levels if code not in known]
    return columns


def _log2_lift(lift: float) -> float:
    if lift is None or not math.isfinite(lift):
        return math.nan
    if lift <= 0:
        return -theme.LIFT_CAP  # nobody in the persona has it: as blue as the scale goes
    return math.log2(lift)


def lift_heatmap(
    personas: Sequence[Persona],
    attributes: Sequence[str] | None = None,
    *,
    lang: str = "en",
    min_count: int = 30,
) -> go.Figure:
    """Personas (rows) × attribute levels (columns), coloured by ``log2(lift)``.

    Parameters
    ----------
    personas : rows, top to bottom.
    attributes : attributes to show, in this order; all of them (in :data:`ATTRIBUTE_ORDER`)
        when ``None``.
    lang : ``"en"`` or ``"zh"``.
    min_count : cells with fewer people in the persona are masked (grey, a note in hover).

    Returns
    -------
    go.Figure with two ``Heatmap`` traces on numeric x (``0 … n-1``; ``layout.xaxis.ticktext``
    holds the level display names, group labels above each attribute):

    * ``data[0]``: ``z[i][j] = log2(lift)`` of persona *i* and column *j* (NaN when masked),
      colour clipped to ``±theme.LIFT_CAP`` and centred at 0 (lift 1); hover on every cell.
    * ``data[1]``: the masked cells in grey (1 where masked, NaN elsewhere), no hover.

    Examples
    --------
    >>> fig = lift_heatmap(seg.personas, ["age_band", "interests"], lang="zh")  # doctest: +SKIP
    >>> fig.layout.xaxis.ticktext[:2]  # doctest: +SKIP
    ('18岁以下', '18–24岁')
    """
    columns = _columns(personas, attributes)
    rows = _unique_labels(personas, lang)
    n_rows, n_cols = len(personas), len(columns)
    z = np.full((n_rows, n_cols), np.nan)
    masked = np.full((n_rows, n_cols), np.nan)
    hover = [[""] * n_cols for _ in range(n_rows)]
    column_names = [(_attribute_name(a, lang), _level_name(a, c, lang)) for a, c in columns]
    # the hover lines' patterns, looked up and escaped once (numbers need no escaping)
    lift_line, share_line, count_line = (_esc(_label(f"hover.{k}", lang))
                                         for k in ("lift", "share", "count"))
    few_line = f"<i>{_esc(_label('hover.few', lang, min_count=min_count))}</i>"
    for i, p in enumerate(personas):
        cells: dict[tuple[str, str], Trait] = {(tr.attribute, tr.level): tr for tr in p.traits}
        for j, key in enumerate(columns):
            trait = cells.get(key)
            attr_name, level_name = column_names[j]
            lines = [f"<b>{rows[i]}</b>", f"{attr_name}: {level_name}"]
            if trait is None or trait.count < min_count:
                masked[i, j] = 1.0
            else:
                z[i, j] = _log2_lift(trait.lift)
            if trait is not None:
                lines += [
                    lift_line.format(lift=theme.times(trait.lift)),
                    share_line.format(segment=theme.pct(trait.share_in_segment),
                                      overall=theme.pct(trait.share_overall)),
                    count_line.format(count=theme.count(trait.count, lang)),
                ]
            if trait is None or trait.count < min_count:
                lines.append(few_line)
            hover[i][j] = "<br>".join(lines)

    x = list(range(n_cols))
    y = [_wrap(row) for row in rows]
    main = go.Heatmap(
        z=z, x=x, y=y, zmin=-theme.LIFT_CAP, zmax=theme.LIFT_CAP, zmid=0,
        colorscale=theme.LIFT_SCALE, xgap=1, ygap=1, hoverongaps=True,
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        colorbar=theme.lift_colorbar(_label("heatmap.colorbar", lang)),
        name=_label("heatmap.colorbar", lang),
    )
    grey = go.Heatmap(
        z=masked, x=x, y=y, zmin=0, zmax=1, showscale=False, xgap=1, ygap=1,
        colorscale=[[0, theme.MUTED_FILL], [1, theme.MUTED_FILL]], hoverinfo="skip",
        hoverongaps=False, name=_label("hover.few", lang, min_count=min_count),
    )
    shapes, annotations = _attribute_groups(columns, lang)
    annotations.append(theme.caption(_label("heatmap.note", lang, min_count=min_count), y=0))
    annotations[-1].update(yshift=-_x_label_room(column_names) - 8)
    if not personas:
        annotations.append(_empty_note(lang))
    fig = go.Figure(
        [main, grey],
        layout=_layout(
            _label("heatmap.title", lang),
            height=_heatmap_height(n_rows, column_names),
            margin={**theme.MARGIN, "t": 96, "b": _x_label_room(column_names) + 48},
            # the margins leave room for every label: plotly.js need not measure each label
            # for overflow on every redraw (that was 40 of a filter's ~90 ms in Chromium)
            xaxis={"tickvals": x, "ticktext": [name for _, name in column_names],
                   "tickangle": -60, "showgrid": False, "zeroline": False,
                   "range": [-0.5, n_cols - 0.5], "automargin": False, "tickfont": {"size": 12},
                   "ticklabeloverflow": "allow"},
            yaxis={"autorange": "reversed", "showgrid": False, "tickfont": {"size": 13},
                   "ticklabeloverflow": "allow"},
            shapes=shapes, annotations=annotations,
        ),
    )
    return fig


def _x_label_room(column_names: Sequence[tuple[str, str]]) -> int:
    """Pixels under the plot for the rotated level names (CJK characters count double)."""
    def width(text: str) -> float:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in html.unescape(text))
    longest = max((width(name) for _, name in column_names), default=4)
    return int(min(180, 20 + 6.2 * longest * math.sin(math.radians(60))))


def _heatmap_height(n_rows: int, column_names: Sequence[tuple[str, str]]) -> int:
    return 96 + 48 + _x_label_room(column_names) + 40 * max(n_rows, 2) + 24


def _attribute_groups(columns: Sequence[tuple[str, str]], lang: str) -> tuple[list, list]:
    """White separators between attributes and the attribute names above each group."""
    shapes, annotations = [], []
    start = 0
    for j in range(1, len(columns) + 1):
        if j == len(columns) or columns[j][0] != columns[start][0]:
            attribute = columns[start][0]
            if j < len(columns):
                shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": j - 0.5,
                               "x1": j - 0.5, "y0": 0, "y1": 1.04,
                               "line": {"color": theme.TEXT_COLOUR, "width": 1}})
            annotations.append({
                "text": f"<b>{_attribute_name(attribute, lang)}</b>", "showarrow": False,
                "xref": "x", "yref": "paper", "x": (start + j - 1) / 2, "y": 1.0,
                "xanchor": "center", "yanchor": "bottom", "yshift": 2,
                "font": {"size": 12, "color": theme.TEXT_COLOUR},
            })
            start = j
    return shapes, annotations


# -- behaviour radar ------------------------------------------------------------------------
def _metrics(personas: Sequence[Persona]) -> list[str]:
    seen: list[str] = []
    for p in personas:
        for nt in p.numeric:
            if nt.attribute not in seen:
                seen.append(nt.attribute)
    return [m for m in METRIC_ORDER if m in seen] + [m for m in seen if m not in METRIC_ORDER]


def behaviour_radar(personas: Sequence[Persona], *, lang: str = "en") -> go.Figure:
    """Radar of numeric behaviour as z-scores (0 = the average follower), one trace per persona.

    Returns
    -------
    go.Figure with one ``Scatterpolar`` per persona (``name`` = escaped persona name):
    ``theta`` = metric display names, ``r`` = ``NumericTrait.z``, both with the first point
    repeated at the end to close the polygon (so ``r[:-1]`` are the z-scores in ``theta`` order).

    Examples
    --------
    >>> fig = behaviour_radar(seg.personas, lang="en")  # doctest: +SKIP
    >>> fig.data[0].theta[:2]  # doctest: +SKIP
    ('Reads (30 days)', 'Shares (30 days)')
    """
    metrics = _metrics(personas)
    theta = [_metric_name(m, lang) for m in metrics]
    names = _unique_labels(personas, lang)
    traces, extremes = [], [0.0]
    for p, name in zip(personas, names):
        by_metric = {nt.attribute: nt for nt in p.numeric}
        r, hover = [], []
        for metric, label in zip(metrics, theta):
            nt = by_metric.get(metric)
            z = float(nt.z) if nt is not None and math.isfinite(nt.z) else math.nan
            r.append(z)
            lines = [f"<b>{name}</b>", label]
            if nt is not None:
                lines += [
                    _esc(_label("hover.mean", lang, segment=theme.number(nt.mean_in_segment),
                                overall=theme.number(nt.mean_overall))),
                    _esc(_label("hover.z", lang, z=theme.signed(z))),
                ]
            hover.append("<br>".join(lines))
        extremes += [v for v in r if math.isfinite(v)]
        colour = theme.persona_colour(p.id)
        traces.append(go.Scatterpolar(
            r=r + r[:1], theta=theta + theta[:1], name=_wrap(name), mode="lines+markers",
            fill="toself", fillcolor=_alpha(colour, 0.12),
            line={"color": colour, "width": 2}, marker={"size": 5, "color": colour},
            hovertext=hover + hover[:1], hovertemplate="%{hovertext}<extra></extra>",
        ))
    low = min(-1.0, math.floor(min(extremes) * 2) / 2)
    high = max(1.0, math.ceil(max(extremes) * 2) / 2)
    # the note and the legend start at the chart's left edge, not the narrow circle's
    left = -0.5
    annotations = [{**theme.caption(_esc(_label("radar.note", lang)), y=-0.06), "x": left}]
    if not personas:
        annotations.append(_empty_note(lang))
    fig = go.Figure(
        traces,
        layout=_layout(
            _label("radar.title", lang),
            height=700,
            # the spoke labels reach past the circle ("Spend (90 days, CNY)"): room either side
            margin={**theme.MARGIN, "l": 136, "r": 136, "b": 40},
            polar={
                "radialaxis": {"range": [low, high], "tickformat": "+.1f",
                               # between the first two spokes, clear of their labels
                               "angle": 90 - 180 / max(len(metrics), 1), "tickangle": 0,
                               "gridcolor": theme.GRID_COLOUR,
                               "tickfont": {"size": 10, "color": theme.MUTED_TEXT}},
                "angularaxis": {"gridcolor": theme.GRID_COLOUR, "direction": "clockwise",
                                "tickfont": {"size": 12}},
                "bgcolor": "white",
            },
            # under the circle: beside it, the names squeezed the circle until its spoke
            # labels ran off the chart (a half-width chart, two-line names)
            legend={"orientation": "v", "x": left, "y": -0.12, "yanchor": "top",
                    "font": {"size": 11}},
            annotations=annotations,
        ),
    )
    return fig


def _alpha(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# -- map ------------------------------------------------------------------------------------
def persona_map(
    coords: np.ndarray,
    labels: np.ndarray,
    personas: Sequence[Persona],
    *,
    lang: str = "en",
    total: int | None = None,
) -> go.Figure:
    """Scatter of a sample of followers on two summary axes, coloured by persona.

    Parameters
    ----------
    coords : ``(m, 2)`` positions (``Segmentation.embedding``), ``m`` ≤ about 5,000.
    labels : ``(m,)`` persona id of each point.
    personas : one trace each, in this order (legend = escaped names).
    total : followers the sample is drawn from, for the caption; the sum of persona sizes
        when ``None``.

    Returns
    -------
    go.Figure with one ``Scatter`` per persona holding that persona's points (possibly none;
    SVG: 5,000 points draw as fast as with WebGL here, and the pages' plotly.js has no WebGL).

    Examples
    --------
    >>> rows, xy = seg.embedding(sample_size=5000)                          # doctest: +SKIP
    >>> fig = persona_map(xy, seg.labels[rows], seg.personas, lang="zh")    # doctest: +SKIP
    """
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    labels = np.asarray(labels).reshape(-1)
    if len(coords) != len(labels):
        raise ValueError(f"{len(coords)} points but {len(labels)} labels")
    names = _unique_labels(personas, lang)
    traces = []
    for p, name in zip(personas, names):
        mine = labels == p.id
        traces.append(go.Scatter(
            x=coords[mine, 0], y=coords[mine, 1], mode="markers", name=_wrap(name),
            marker={"size": 4, "opacity": 0.65, "color": theme.persona_colour(p.id)},
            hovertemplate="%{fullData.name}<extra></extra>",
        ))
    n = len(coords)
    total = int(total) if total is not None else int(sum(p.size for p in personas))
    total = max(total, n)
    axis = {"showticklabels": False, "showgrid": False, "zeroline": False, "title": None,
            "showline": True, "linecolor": theme.GRID_COLOUR, "mirror": True}
    annotations = [theme.caption(_esc(_label("map.caption", lang, n=theme.count(n, lang),
                                             total=theme.count(total, lang))), y=-0.02)]
    if not personas:
        annotations.append(_empty_note(lang))
    fig = go.Figure(
        traces,
        layout=_layout(
            _label("map.title", lang),
            height=560,
            margin={**theme.MARGIN, "b": 56},
            xaxis=axis, yaxis={**axis, "scaleanchor": "x", "scaleratio": 1},
            legend={"itemsizing": "constant", "x": 1.02, "y": 1},
            annotations=annotations,
        ),
    )
    return fig


# -- k curve --------------------------------------------------------------------------------
#: Words that identify a criterion in ``quality["criterion"]`` (a code or an English phrase
#: such as "BIC of the latent class model (sample of 20,000)"), first match wins.
_CRITERIA = (("silhouette", "silhouette"), ("calinski", "calinski_harabasz"),
             ("davies", "davies_bouldin"), ("inertia", "inertia"), ("bic", "bic"), ("aic", "aic"))


def _criterion_name(criterion: str, lang: str) -> str:
    text = criterion.lower()
    for word, code in _CRITERIA:
        if word in text:
            return _label(f"criterion.{code}", lang)
    return _label("criterion.other", lang)


def _score(x: float) -> str:
    """Scores for hover: ``0.241`` → ``"0.241"``, ``1234567.8`` → ``"1,234,568"``."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def k_curve(quality: Mapping, *, lang: str = "en", k: int | None = None) -> go.Figure:
    """The k-selection criterion for each number of personas tried, the chosen k marked.

    Parameters
    ----------
    quality : ``Segmentation.quality``: ``{"criterion": str, "score": float, "curve": {k: score}}``
        (keys may be strings after a JSON round trip).
    k : the chosen number of personas; when ``None``, the k whose score equals ``quality["score"]``.

    Returns
    -------
    go.Figure: ``data[0]`` the curve (``x`` = k ascending, ``y`` = scores), ``data[1]`` one
    marker at the chosen k.

    Examples
    --------
    >>> fig = k_curve({"criterion": "silhouette", "score": 0.31, "curve": {3: 0.2, 4: 0.31}})
    >>> fig.data[1].x
    (4,)
    """
    curve = {int(key): float(value) for key, value in (quality.get("curve") or {}).items()}
    ks = sorted(curve)
    scores = [curve[key] for key in ks]
    if k is None and ks:
        score = quality.get("score")
        k = min(ks, key=lambda key: abs(curve[key] - score)) if score is not None else ks[0]
    criterion = _criterion_name(str(quality.get("criterion", "")), lang)
    hover = [_esc(_label("k.hover", lang, k=key, score=_score(curve[key]))) for key in ks]
    chosen = [k] if k is not None else []
    chosen_y = [curve.get(k, quality.get("score"))] if k is not None else []
    line = go.Scatter(
        x=ks, y=scores, mode="lines+markers", name=criterion, showlegend=False,
        line={"color": theme.PERSONA_COLOURS[0], "width": 2}, marker={"size": 7},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    )
    mark = go.Scatter(
        x=chosen, y=chosen_y, mode="markers+text", showlegend=False,
        name=_label("k.chosen", lang, k=k),
        marker={"size": 16, "symbol": "star", "color": theme.PERSONA_COLOURS[1],
                "line": {"width": 1, "color": "white"}},
        text=[_esc(_label("k.chosen", lang, k=k))] if chosen else [], textposition="top center",
        hovertext=[_esc(_label("k.chosen", lang, k=k))] if chosen else [],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    span = (max(scores) - min(scores)) if scores else 1.0
    if span == 0:
        span = abs(scores[0]) or 1.0
    y_range = [min(scores) - 0.15 * span, max(scores) + 0.3 * span] if scores else None
    fig = go.Figure(
        [line, mark],
        layout=_layout(
            _label("k.title", lang),
            height=360,
            xaxis={"title": {"text": _label("k.x", lang)}, "dtick": 1, "showgrid": False},
            yaxis={"title": {"text": criterion},
                   "tickformat": ",.0f" if scores and max(map(abs, scores)) >= 1000 else None,
                   "range": y_range,
                   # Chinese counts in 万 (44万, not 440,000), as the page's other numbers
                   **(theme.count_ticks(*y_range, lang) if y_range and str(lang).startswith("zh")
                      and max(map(abs, scores)) >= 10_000 else {})},
            # the chart sits in a half-width slot (about 500 px): two lines of caption
            annotations=([theme.caption(_esc(_label("k.elbow", lang)), y=-0.24, columns=64)]
                         if "elbow" in str(quality.get("criterion", "")).lower() else [])
            + ([] if ks else [_empty_note(lang)]),
            margin={**theme.MARGIN, "b": 100},
        ),
    )
    return fig


# -- compare --------------------------------------------------------------------------------
def compare(
    persona_a: Persona,
    persona_b: Persona,
    *,
    lang: str = "en",
    n: int = 5,
    min_count: int = 30,
) -> go.Figure:
    """Two personas side by side: shares of their top traits, with all followers for reference.

    The rows are the union of both personas' :meth:`Persona.top_traits` (``n`` each, at least
    ``min_count`` people), A's first.

    Returns
    -------
    go.Figure with three horizontal ``Bar`` traces over the same rows (``y`` = "attribute ·
    level"): ``data[0]`` share in A, ``data[1]`` share in B, ``data[2]`` share among all.

    Examples
    --------
    >>> fig = compare(seg.personas[0], seg.personas[1], lang="zh")  # doctest: +SKIP
    """
    keys: list[tuple[str, str]] = []
    for p in (persona_a, persona_b):
        for trait in p.top_traits(n, min_count=min_count):
            if (trait.attribute, trait.level) not in keys:
                keys.append((trait.attribute, trait.level))
    cells_a = {(tr.attribute, tr.level): tr for tr in persona_a.traits}
    cells_b = {(tr.attribute, tr.level): tr for tr in persona_b.traits}
    rows = [f"{_attribute_name(a, lang)} · {_level_name(a, c, lang)}" for a, c in keys]
    name_a, name_b = persona_label(persona_a, lang), persona_label(persona_b, lang)
    if name_a == name_b:
        name_a, name_b = f"{name_a} #{persona_a.id + 1}", f"{name_b} #{persona_b.id + 1}"

    def overall(key):
        trait = cells_a.get(key) or cells_b.get(key)
        return trait.share_overall if trait is not None else 0.0

    def bars(name, cells, colour):
        shares, hover = [], []
        for key, row in zip(keys, rows):
            trait = cells.get(key)
            share = trait.share_in_segment if trait is not None else 0.0
            shares.append(share)
            lines = [f"<b>{name}</b>", row]
            if trait is not None:
                lines += [
                    _esc(_label("hover.share", lang, segment=theme.pct(share),
                                overall=theme.pct(trait.share_overall))),
                    _esc(_label("hover.lift", lang, lift=theme.times(trait.lift))),
                    _esc(_label("hover.count", lang, count=theme.count(trait.count, lang))),
                ]
                if trait.count < min_count:
                    lines.append(f"<i>{_esc(_label('hover.few', lang, min_count=min_count))}</i>")
            hover.append("<br>".join(lines))
        return go.Bar(
            x=shares, y=rows, orientation="h", name=_wrap(name, 40), marker={"color": colour},
            text=[theme.pct(s) for s in shares], textposition="outside", cliponaxis=False,
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        )

    everyone = _label("compare.overall", lang)
    colour_a, colour_b = theme.persona_colour(persona_a.id), theme.persona_colour(persona_b.id)
    if colour_a == colour_b:  # the same persona twice, or ids 12 apart: keep them apart
        colour_b = theme.persona_colour(persona_a.id + 1)
    overall_shares = [overall(key) for key in keys]
    traces = [
        bars(name_a, cells_a, colour_a),
        bars(name_b, cells_b, colour_b),
        go.Bar(
            x=overall_shares, y=rows, orientation="h", name=everyone,
            marker={"color": theme.OVERALL_COLOUR},
            text=[theme.pct(s) for s in overall_shares], textposition="outside", cliponaxis=False,
            hovertext=[f"<b>{_esc(everyone)}</b><br>{row}<br>{theme.pct(s)}"
                       for row, s in zip(rows, overall_shares)],
            hovertemplate="%{hovertext}<extra></extra>",
        ),
    ]
    longest = max([max(tr.x, default=0) for tr in traces] + [0.01])
    fig = go.Figure(
        traces,
        layout=_layout(
            _label("compare.title", lang, a=name_a, b=name_b),
            height=160 + 26 * 3 * max(len(keys), 2),
            barmode="group", bargap=0.25, bargroupgap=0.05,
            xaxis={"title": {"text": _label("compare.x", lang)}, "tickformat": ".0%",
                   "range": [0, min(1.0, longest * 1.2) if longest < 0.83 else longest * 1.2]},
            yaxis={"autorange": "reversed", "showgrid": False},
            legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
            margin={**theme.MARGIN, "t": 96},
            annotations=[] if keys else [_empty_note(lang)],
        ),
    )
    return fig


# -- readers from WeChat's distributions ----------------------------------------------------
def reader_mix(profile, dimension: str, *, lang: str = "en", top: int = 8) -> go.Figure:
    """Who reads each content type: 100 % stacked bars of one reader dimension.

    Parameters
    ----------
    profile : :func:`workbench.personas.reader_profile` output (one platform's rows).
    dimension : ``"gender"``, ``"age"`` or ``"region"``; regions beyond the ``top`` largest
        overall are summed into "other".

    Returns
    -------
    go.Figure with one ``Bar`` trace per level (in level order; legend), ``y`` = content types
    (escaped names), ``x`` = shares of that type's readers.
    """
    column = {"age": "age_band", "region": "province"}.get(dimension, dimension)
    part = profile[profile["dimension"] == dimension]
    types = [c for c in dict.fromkeys(part["content_type"].astype(str))]
    overall = (part["share"] * part["reads"]).groupby(part["level"].astype(str)).sum()
    if dimension == "region":
        keep = list(overall.sort_values(ascending=False).index[:top])
    else:
        order = {code: i for i, code in enumerate(
            list(LEVEL_NAMES.get(column, {})) or sorted(overall.index))}
        keep = sorted(overall.index, key=lambda code: (order.get(code, len(order)), code))
    table = part.pivot_table(index="content_type", columns="level", values="share",
                             aggfunc="sum", observed=True).reindex(types).fillna(0.0)
    reads = part.drop_duplicates("content_type").set_index("content_type")["reads"]
    types.sort(key=lambda c: -float(reads.get(c, 0)))
    names = [_esc(level("content_type", c, lang)) for c in types]
    series = [(code, _esc(level(column, code, lang))) for code in keep]
    rest = [c for c in table.columns if c not in keep]
    if rest:
        series.append(("__other__", _esc(_label("readers.other", lang))))
    bars = []
    for i, (code, name) in enumerate(series):
        values = (table[rest].sum(axis=1) if code == "__other__" else table.get(code))
        values = [float(values.get(c, 0.0)) if values is not None else 0.0 for c in types]
        colour = (theme.OVERALL_COLOUR if code == "__other__"
                  else theme.PERSONA_COLOURS[i % len(theme.PERSONA_COLOURS)])
        bars.append(go.Bar(
            x=values, y=names, orientation="h", name=name, marker={"color": colour},
            text=[theme.pct(v) if v >= 0.06 else "" for v in values], textposition="inside",
            insidetextanchor="middle",
            # level names can be the export's own text (regions): never in a template
            hovertext=[f"{y} · {name}: {v:.1%}" for y, v in zip(names, values)],
            hovertemplate="%{hovertext}<extra></extra>",
        ))
    return go.Figure(bars, layout=_layout(
        _label("readers.title", lang, dimension=_label(f"readers.dim.{dimension}", lang)),
        barmode="stack", height=150 + 36 * max(len(types), 3),
        xaxis={"tickformat": ".0%", "range": [0, 1], "title": {
            "text": _label("readers.x", lang)}},
        yaxis={"autorange": "reversed", "showgrid": False},
        legend={"orientation": "h", "y": -0.22, "x": 0, "traceorder": "normal"},
        margin={**theme.MARGIN, "b": 96},
        annotations=[] if types else [_empty_note(lang)],
    ))
