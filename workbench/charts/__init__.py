"""Plotly charts of the dashboards: pure functions ``data → go.Figure`` and in-place updaters.

* :mod:`workbench.charts.theme`: colours, fonts, margins and number formats shared by all charts.
* :mod:`workbench.charts.personas`: the personas page (sizes, lift heatmap, behaviour radar,
  follower map, k curve, persona comparison).

Charts know plotly and the i18n catalogue; they never create widgets or touch files.
"""

from workbench.charts import theme

__all__ = ["theme"]
