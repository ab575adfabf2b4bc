"""The pages' plotly.js (``workbench.runtime.assets.plotly_js``): the partial bundle built by
``tools/plotly_bundle/build.sh`` when it matches the plotly.js that plotly's Python package
expects, with every trace kind the charts draw."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import workbench
from workbench.charts import theme
from workbench.runtime import assets
from workbench.runtime.assets import PARTIAL_PLOTLY, full_plotly_js, plotly_bundle, plotly_js

ENTRY = Path(__file__).resolve().parents[2] / "tools" / "plotly_bundle" / "entry.js"


def bundled_traces() -> set[str]:
    """The trace kinds the partial bundle registers (its entry file), with core's scatter."""
    return {"scatter", *re.findall(r"require\('plotly\.js/lib/([a-z0-9]+)'\)", ENTRY.read_text())
            } - {"core"}


def test_the_partial_bundle_is_of_the_plotly_js_that_plotly_expects():
    """After upgrading plotly, rebuild: tools/plotly_bundle/build.sh (pin the new plotly.js in
    its package.json). Until then the pages fall back to the full bundle."""
    expected = assets._plotly_js_version(full_plotly_js())
    assert expected and assets._plotly_js_version(PARTIAL_PLOTLY) == expected
    assert f'"plotly.js": "{expected}"' in (ENTRY.parent / "package.json").read_text()
    assert plotly_js() == PARTIAL_PLOTLY


def test_the_partial_bundle_has_every_trace_kind_the_charts_draw():
    assert set(theme.TRACE_TYPES) <= bundled_traces()
    assert f"scatter + {','.join(sorted(bundled_traces() - {'scatter'}))}" in \
        PARTIAL_PLOTLY.read_text(errors="replace")[:400]  # built from this entry file


@pytest.mark.parametrize("module", ["personas", "mix", "roi", "review"])
def test_every_chart_builder_draws_only_bundled_trace_kinds(module):
    """The chart modules name their traces as ``go.<Kind>(``: each must be in the bundle."""
    source = (Path(workbench.__file__).parent / "charts" / f"{module}.py").read_text()
    kinds = {k.lower() for k in re.findall(r"\bgo\.([A-Z][a-z]+)\(", source)} - {"figure",
                                                                              "figurewidget"}
    assert kinds and kinds <= set(theme.TRACE_TYPES), kinds - set(theme.TRACE_TYPES)


def test_a_mismatched_partial_bundle_falls_back_to_the_full_one(tmp_path, monkeypatch):
    stale = tmp_path / "plotly-workbench.min.js"
    stale.write_text("/* plotly.js v0.0.1 (partial) */ var Plotly = {};")
    monkeypatch.setattr(assets, "PARTIAL_PLOTLY", stale)
    assets.plotly_js.cache_clear()
    try:
        assert assets.plotly_js() == full_plotly_js()
        url = assets.plotly_bundle("/s/")
        assert url.startswith("/s/plotly.min.js?v=")
    finally:
        monkeypatch.undo()
        assets.plotly_js.cache_clear()
        assert plotly_js() == PARTIAL_PLOTLY and plotly_bundle("/s/") != url  # the URL follows
