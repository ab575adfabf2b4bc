"""The Data page's chart: what the team's data covers, per account and kind, gaps visible.

:func:`coverage_strip` draws each run of covered days as a bar along a date axis, one row per
account and kind; the days between two runs are the gaps a team fills by uploading the export
of those dates again.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from workbench.charts import theme
from workbench.i18n import kind_name, t

COVERED = "#4e79a7"


def _label(key: str, lang: str, **fmt: object) -> str:
    return html.escape(t(f"chart.data.{key}", lang, **fmt), quote=False)


def row_name(account: str, kind: str, lang: str) -> str:
    return f"{html.escape(account, quote=False)} · {kind_name(kind, lang)}"


def coverage_strip(covered: pd.DataFrame, lang: str = "en") -> go.Figure:
    """``covered`` (``workspace.coverage.spans``) as a strip per account and kind."""
    fig = go.Figure()
    if covered.empty:
        fig.update_layout(title={"text": _label("title", lang)}, height=200,
                          xaxis={"visible": False}, yaxis={"visible": False},
                          annotations=[{"text": _label("empty", lang), "showarrow": False,
                                        "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])
        return fig
    names = [row_name(a, k, lang) for a, k in zip(covered["account"], covered["kind"])]
    days = ((covered["end"] - covered["start"]).dt.days + 1).astype(int)
    ends = covered["end"] + pd.Timedelta(days=1)
    fig.add_trace(go.Bar(
        orientation="h", y=names, base=covered["start"].dt.strftime("%Y-%m-%d").tolist(),
        x=((ends - covered["start"]).dt.total_seconds() * 1000).tolist(),
        marker={"color": COVERED}, showlegend=False,
        customdata=list(zip(covered["start"].dt.strftime("%Y-%m-%d"),
                            covered["end"].dt.strftime("%Y-%m-%d"), days)),
        hovertemplate=_label("hover", lang, start="%{customdata[0]}", end="%{customdata[1]}",
                             days="%{customdata[2]}") + "<extra></extra>"))
    rows = list(dict.fromkeys(names))
    fig.update_layout(
        title={"text": _label("title", lang)}, height=140 + 46 * len(rows),
        margin={"l": 20, "r": 20, "t": 60, "b": 40}, bargap=0.35,
        xaxis={"type": "date", "title": {"text": ""}},
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1], "automargin": True},
        template=theme.TEMPLATE,
    )
    return fig
