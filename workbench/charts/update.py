"""Updating a figure in place: copy a freshly built figure's data into the one on screen.

A dashboard builds each ``FigureWidget`` once; when its data change, the chart module builds the
new figure with the same function and :func:`sync` copies the trace data and a few layout paths
into the figure on screen inside one ``batch_update`` (one message to the browser; zoom and
legend clicks survive). When the set of traces differs, :func:`sync` raises ``ValueError`` and
the dashboard swaps in the new figure instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go


def _pick(layout: go.Layout, paths: Sequence[str]) -> dict:
    """``{"xaxis": {"ticktext": …}, "height": …}`` from dotted ``paths`` of ``layout``."""
    patch: dict = {}
    for path in paths:
        parts = path.split(".")
        value = layout
        for part in parts:
            value = value[part]
        if isinstance(value, tuple):
            value = [v.to_plotly_json() if hasattr(v, "to_plotly_json") else v for v in value]
        elif hasattr(value, "to_plotly_json"):
            value = value.to_plotly_json()
        node = patch
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return patch


def sync(fig: go.Figure, fresh: go.Figure, layout_paths: Sequence[str]) -> go.Figure:
    """Copy ``fresh``'s trace data (and a few layout labels) into ``fig``'s existing traces."""
    if len(fig.data) != len(fresh.data) or any(
        old.type != new.type for old, new in zip(fig.data, fresh.data)
    ):
        raise ValueError(
            f"the figure has {len(fig.data)} traces, the new data needs {len(fresh.data)}: "
            "build a new figure instead of updating this one"
        )
    patch = _pick(fresh.layout, layout_paths)
    with fig.batch_update():
        for old, new in zip(fig.data, fresh.data):
            props = new.to_plotly_json()
            props.pop("type", None)
            props.pop("uid", None)
            old.update(props, overwrite=True)
        for key, value in patch.items():
            if isinstance(value, list):  # annotations, shapes: replaced whole (update would
                fig.layout[key] = value   # merge them element by element)
            else:  # nested dicts merge, so what the builder did not set (zoom) stays
                fig.layout.update({key: value})
    return fig
