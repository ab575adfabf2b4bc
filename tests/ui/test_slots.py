"""Chart slots: how a chart reaches the browser (``workbench.ui.slots``)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from workbench.runtime.assets import STATIC_ENV, plotly_bundle
from workbench.charts import theme
from workbench.ui.slots import ChartSlot, PlotView, plotly_url


def values(sent):
    """An array as plotly sends it: a list, or a typed array (``{"dtype", "bdata"}``)."""
    if isinstance(sent, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(sent["bdata"]), dtype=sent["dtype"]).tolist()
    return sent


def bars(values, title="Reads"):
    return go.Figure(go.Bar(x=["a", "b", "c"], y=list(values)), layout={"title": {"text": title}})


def test_served_chart_is_one_view_redrawn_with_new_json():
    slot = ChartSlot(width=520)
    first = slot.draw(bars, [1, 2, 3])
    view = slot.view
    assert isinstance(view, PlotView) and slot.box.children == (view,)
    assert view.plotly_url == plotly_bundle("/workbench/static/")
    sent = json.loads(view.figure)
    assert sent["data"][0]["y"] == [1, 2, 3] and sent["layout"]["width"] == 520
    assert "template" not in sent["layout"]  # the template travels once, on its own
    assert json.loads(view.template)["layout"]["font"]["family"] == theme.FONT_FAMILY
    assert first.layout.width == 520 and slot.figure is first

    changes = []
    view.observe(lambda c: changes.append(c.name), names=["figure", "template"])
    second = slot.draw(bars, [4, 5, 6], title="Follows")
    assert slot.view is view and slot.box.children == (view,)  # redrawn in place
    assert changes == ["figure"]  # same template: not sent again
    sent = json.loads(view.figure)
    assert sent["data"][0]["y"] == [4, 5, 6]
    assert sent["layout"]["title"]["text"] == "Follows"
    assert slot.figure is second and list(second.data[0].y) == [4, 5, 6]


def test_numpy_data_is_sent_as_plain_numbers():
    import numpy as np

    slot = ChartSlot()
    slot.draw(lambda: go.Figure(go.Scatter(x=np.arange(3), y=np.array([0.5, np.nan, 2.0]))))
    sent = json.loads(slot.view.figure)
    assert values(sent["data"][0]["x"]) == [0, 1, 2]
    y = values(sent["data"][0]["y"])
    assert y[0] == 0.5 and y[2] == 2.0 and (y[1] is None or y[1] != y[1])  # NaN: a gap


def test_outside_the_workbench_server_plotly_own_widget_shows_the_chart(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    assert plotly_url() is None
    slot = ChartSlot(width=400)
    slot.draw(bars, [1, 2, 3])
    assert isinstance(slot.view, go.FigureWidget) and slot.view.layout.width == 400
    assert list(slot.view.data[0].y) == [1, 2, 3]


@pytest.mark.parametrize("host", [None, "10.0.0.5"])
def test_plotly_url_is_the_servers_path_whatever_the_host(monkeypatch, host):
    """Without the host: a pre-heated kernel draws its charts before the visit brings one."""
    if host is None:
        monkeypatch.delenv("SERVER_NAME", raising=False)
    else:
        monkeypatch.setenv("SERVER_NAME", host)
    monkeypatch.setenv(STATIC_ENV, "/team/workbench/static/")
    assert plotly_url() == plotly_bundle("/team/workbench/static/")
    assert plotly_url().startswith("/team/workbench/static/plotly.min.js?v=")


def test_hidden_slot():
    slot = ChartSlot()
    slot.hide()
    assert slot.box.layout.display == "none"
    slot.hide(False)
    assert slot.box.layout.display == ""
