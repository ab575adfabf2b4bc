"""Charts of the content-mix dashboard: pure functions ``plan / estimates → go.Figure``.

* :func:`mix_bars`: posts a week per platform, stacked by content type (a trace per type,
  always all of them, so a re-solve redraws the same bars);
* :func:`cell_estimates`: expected reads per post of each platform × type, with the 80 %
  interval and the raw average of past posts (what shrinkage changed);
* :func:`frontier`: the trade-off between two goals over the weight between them.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.charts import theme
from workbench.i18n import level, t
from workbench.schemas import CONTENT_TYPES, UNTAGGED

#: one colour per content type, the same in every chart and in the calendar; untagged posts
#: (planned when the history has posts without a type) in grey
TYPE_COLOURS = dict(zip(CONTENT_TYPES + (UNTAGGED,),
                        ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2",
                         "#edc948", "#a0a0a0")))


def types_shown(present) -> tuple[str, ...]:
    """The content types a chart or legend shows: :data:`CONTENT_TYPES`, and
    :data:`UNTAGGED` last when it is among ``present`` (the plan's or the estimates' types)."""
    return CONTENT_TYPES + ((UNTAGGED,) if UNTAGGED in set(map(str, present)) else ())


# plotly shows text as a little HTML: ``<`` and ``&`` are escaped, quotes not (plotly.js knows
# no ``&quot;`` and would show it as is)
def _label(key: str, lang: str, **fmt: object) -> str:
    return html.escape(t(f"chart.mix.{key}", lang, **fmt), quote=False)


def _name(column: str, code: str, lang: str) -> str:
    return html.escape(level(column, code, lang), quote=False)


# -- the mix --------------------------------------------------------------------------------
def mix_bars(posts: pd.DataFrame, *, lang: str = "en") -> go.Figure:
    """Posts a week per platform, stacked by content type.

    Parameters
    ----------
    posts : ``MixPlan.posts``: platforms × content types, integer posts a week.

    Returns
    -------
    go.Figure with one ``Bar`` per content type of :data:`CONTENT_TYPES` (and one for
    untagged posts when the plan has them; ``x`` = platform names, ``y`` = posts).
    """
    platforms = [str(p) for p in posts.index]
    names = [_name("platform", p, lang) for p in platforms]
    bars = []
    for kind in types_shown(posts.columns):
        values = (posts[kind] if kind in posts.columns else pd.Series(0, index=posts.index))
        values = [int(v) for v in values.to_numpy()]
        label = _name("content_type", kind, lang)
        bars.append(go.Bar(
            x=names, y=values, name=label, marker={"color": TYPE_COLOURS[kind]},
            text=[str(v) if v else "" for v in values], textposition="inside",
            hovertemplate="%{x} · " + label + ": %{y}<extra></extra>"))
    totals = posts.sum(axis=1).astype(int).tolist() if len(posts.columns) else [0] * len(names)
    top = max(totals, default=0)
    return go.Figure(bars, layout={
        "title": {"text": _label("bars.title", lang, total=sum(totals))},
        "barmode": "stack", "height": 380,
        "yaxis": {"title": {"text": _label("bars.y", lang)}, "range": [0, top * 1.15 + 1],
                  "dtick": 2 if top > 10 else 1},
        "xaxis": {"showgrid": False},
        "legend": {"orientation": "h", "y": -0.16, "x": 0, "traceorder": "normal"},
        "annotations": [{"x": name, "y": total, "text": f"<b>{total}</b>", "showarrow": False,
                         "yanchor": "bottom", "font": {"size": 13}}
                        for name, total in zip(names, totals)],
        "margin": {**theme.MARGIN, "b": 80},
    })


# -- per-cell estimates ---------------------------------------------------------------------
def cell_estimates(cells: pd.DataFrame, platforms, *, metric: str = "reads",
                   lang: str = "en") -> go.Figure:
    """Expected ``metric`` per post of each platform × content type: a dot (shrunk estimate)
    with its 80 % interval, and a cross at the raw average of the past posts (absent where
    there were none); the marker says how many posts the estimate rests on.

    Returns
    -------
    go.Figure: for each platform a ``Scatter`` of estimates (``x`` = type names, ``y`` = means,
    ``error_y`` to low and high) followed by one ``Scatter`` of raw averages.
    """
    part = cells[(cells["metric"] == metric) & cells["platform"].isin(list(platforms))]
    types = types_shown(part["content_type"].unique())
    if UNTAGGED in types:   # types nobody tagged are the platform average, not an estimate
        seen = set(part.loc[part["posts"] > 0, "content_type"].astype(str))
        types = tuple(c for c in types if c in seen)
    traces, raw_x, raw_y, raw_text = [], [], [], []
    offsets = np.linspace(-0.3, 0.3, max(len(platforms), 1)) if len(platforms) > 1 else [0.0]
    type_names = [_name("content_type", c, lang) for c in types]
    for offset, (i, platform) in zip(offsets, enumerate(platforms)):
        rows = part[part["platform"] == platform].set_index("content_type").reindex(
            list(types))
        xs = [k + offset for k in range(len(types))]
        mean = rows["mean"].astype(float).to_numpy()
        low = rows["low"].astype(float).to_numpy()
        high = rows["high"].astype(float).to_numpy()
        posts = rows["posts"].fillna(0).astype(int).to_numpy()
        pname = _name("platform", platform, lang)
        hover = [_label("cells.hover", lang, platform=pname, type=type_names[k],
                        mean=theme.count(mean[k], lang), low=theme.count(low[k], lang),
                        high=theme.count(high[k], lang), posts=int(posts[k]))
                 if np.isfinite(mean[k]) else "" for k in range(len(types))]
        traces.append(go.Scatter(
            x=xs, y=mean.tolist(), mode="markers", name=pname,
            marker={"size": 10, "color": theme.PERSONA_COLOURS[i % len(theme.PERSONA_COLOURS)],
                    "symbol": ["circle" if p >= 5 else "circle-open" for p in posts]},
            error_y={"type": "data", "symmetric": False, "array": (high - mean).tolist(),
                     "arrayminus": (mean - low).tolist(), "thickness": 1.5, "width": 3},
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
        raw = rows["raw_mean"].astype(float).to_numpy()
        for k in range(len(types)):
            if posts[k] > 0 and np.isfinite(raw[k]):
                raw_x.append(xs[k])
                raw_y.append(float(raw[k]))
                raw_text.append(_label("cells.raw_hover", lang, platform=pname,
                                       type=type_names[k], mean=theme.count(raw[k], lang),
                                       posts=int(posts[k])))
    traces.append(go.Scatter(
        x=raw_x, y=raw_y, mode="markers", name=_label("cells.raw", lang),
        marker={"symbol": "x-thin", "size": 9, "color": theme.TEXT_COLOUR,
                "line": {"width": 1.5, "color": theme.TEXT_COLOUR}},
        hovertext=raw_text, hovertemplate="%{hovertext}<extra></extra>"))
    return go.Figure(traces, layout={
        "title": {"text": _label("cells.title", lang, metric=_label(f"metric.{metric}", lang))},
        "height": 420,
        "xaxis": {"tickvals": list(range(len(types))), "ticktext": type_names,
                  "showgrid": False, "zeroline": False, "range": [-0.6, len(types) - 0.4]},
        "yaxis": {"title": {"text": _label("cells.y", lang)}, "type": "log",
                  **theme.count_ticks(*_positive_span(traces), lang, log=True)},
        "legend": {"orientation": "h", "y": -0.16, "x": 0},
        "annotations": [theme.caption(_label("cells.note", lang), y=-0.3)],
        "margin": {**theme.MARGIN, "b": 110},
    })


def _positive_span(traces) -> tuple[float, float]:
    """The smallest and largest positive value the traces draw, their error bars included:
    a log axis's extent."""
    values = []
    for tr in traces:
        y = np.asarray(tr.y if tr.y is not None else [], dtype=float)
        values.append(y)
        err = tr.error_y
        if err is not None and err.array is not None:
            values.append(y + np.asarray(err.array, dtype=float))
            values.append(y - np.asarray(err.arrayminus, dtype=float))
    every = np.concatenate(values) if values else np.array([])
    every = every[np.isfinite(every) & (every > 0)]
    return (float(every.min()), float(every.max())) if len(every) else (math.nan, math.nan)


# -- the trade-off --------------------------------------------------------------------------
def frontier(points: pd.DataFrame, goals: tuple[str, str], *,
             current: tuple[float, float] | None = None, lang: str = "en") -> go.Figure:
    """What one goal costs in the other: each point a plan solved with a weight between the
    two goals (``mix.frontier``), the current plan starred.

    Returns
    -------
    go.Figure: ``data[0]`` the plans (``x`` = first goal, ``y`` = second), ``data[1]`` the
    current plan.
    """
    a, b = goals
    ok = points[points["status"].isin(["optimal", "time_limit"])]
    hover = [_label("frontier.hover", lang, weight=f"{w:.0%}", a=theme.count(x, lang),
                    b=theme.count(y, lang), goal_a=_label(f"metric.{a}", lang),
                    goal_b=_label(f"metric.{b}", lang))
             for w, x, y in zip(ok["weight"], ok[a], ok[b])]
    line = go.Scatter(x=ok[a].astype(float).tolist(), y=ok[b].astype(float).tolist(),
                      mode="lines+markers", name=_label("frontier.plans", lang),
                      line={"color": theme.PERSONA_COLOURS[0], "width": 2}, marker={"size": 8},
                      hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")
    star = go.Scatter(x=[current[0]] if current else [], y=[current[1]] if current else [],
                      mode="markers", name=_label("frontier.current", lang),
                      marker={"symbol": "star", "size": 18, "color": theme.PERSONA_COLOURS[1],
                              "line": {"width": 1, "color": "white"}},
                      hovertemplate=_label("frontier.current", lang) + "<extra></extra>")
    return go.Figure([line, star], layout={
        "title": {"text": _label("frontier.title", lang, goal_a=_label(f"metric.{a}", lang),
                                 goal_b=_label(f"metric.{b}", lang))},
        "height": 380,
        "xaxis": {"title": {"text": _label("frontier.x", lang,
                                           goal=_label(f"metric.{a}", lang))},
                  "separatethousands": True},
        "yaxis": {"title": {"text": _label("frontier.x", lang,
                                           goal=_label(f"metric.{b}", lang))},
                  "separatethousands": True},
        "legend": {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right",
                   "yanchor": "bottom"},
    })
