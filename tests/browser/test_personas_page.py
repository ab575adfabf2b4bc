"""The personas dashboard in a real browser: move k and a filter, see the charts change."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


#: the z rows as plotly.js draws them (``_fullData``: a typed array sent as base64 decoded)
HEATMAP_Z = """() => {
    const heat = [...document.querySelectorAll('.js-plotly-plot')]
      .find(p => p.querySelector('.hm'));
    const z = heat && heat._fullData && heat._fullData[0] && heat._fullData[0].z;
    return z ? JSON.stringify(Array.from(z, row => Array.from(row))) : '';
}"""


#: trace kinds on the page that the page's plotly.js does not know (it would leave them blank)
UNKNOWN_KINDS = """() => {
    const known = new Set(Object.keys(Plotly.PlotSchema.get().traces));
    return [...document.querySelectorAll('.js-plotly-plot')].flatMap(
        p => p.data.map(d => d.type || 'scatter')).filter(t => !known.has(t));
}"""


def heatmap_signature(page) -> str:
    """The z data plotly.js is drawing in the heatmap on the page."""
    return page.evaluate(HEATMAP_Z)


def test_move_k_and_a_filter(page, server_url, shoot):
    page.goto(server_url + "/voila/render/01_personas.ipynb?lang=en")
    cards = page.locator(".wb-persona")
    expect(cards).to_have_count(6, timeout=120_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(5, timeout=60_000)
    shoot(page, "personas_en")
    assert len(json.loads(heatmap_signature(page))) == 6  # a row per persona
    # the partial plotly.js (workbench.plotly_js) draws every chart, the map's 5,000 points too
    assert page.evaluate(UNKNOWN_KINDS) == []
    assert page.evaluate("() => Plotly.PlotSchema.get().traces.scattergl") is None
    points = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .filter(p => p.data.length && p.data.every(d => d.mode === 'markers'))
        .map(p => p.querySelectorAll('.scatterlayer .point').length)""")
    assert points and max(points) > 1000, points

    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowLeft")
    handle.press("ArrowLeft")
    expect(cards).to_have_count(4, timeout=60_000)
    expect(page.locator(".widget-readout").first).to_have_text("4")
    page.wait_for_function(f"() => JSON.parse(({HEATMAP_Z})() || '[]').length === 4")
    heat = heatmap_signature(page)

    # the city-tier filter (by its options: the page has other, folded, dropdowns too)
    page.locator("select").filter(has=page.locator("option", has_text="Tier 1")).first \
        .select_option(label="Tier 1")
    # the status line (the map's caption also says "… of 20,000 followers")
    expect(page.locator(".wb-status", has_text="of 20,000 followers")).to_be_visible()
    page.wait_for_function(f"(before) => ({HEATMAP_Z})() !== before", arg=heat, timeout=30_000)
    page.locator(".wb-lang button", has_text="中文").click()
    expect(page.locator(".wb-title")).to_have_text("用户画像")
    shoot(page, "personas_zh_filtered")
    with page.expect_download(timeout=60_000) as download:          # one click, one file
        page.get_by_role("button", name="下载画像（CSV）").click()
    table = pd.read_csv(download.value.path(), encoding="utf-8-sig")
    assert len(table) == 4 and download.value.suggested_filename.startswith("personas-")
    page.assert_no_errors()


def test_auto_k_curve_and_readers_panel(page, server_url, shoot):
    page.goto(server_url + "/voila/render/01_personas.ipynb?lang=en")
    cards = page.locator(".wb-persona")
    expect(cards).to_have_count(6, timeout=120_000)
    plots = page.locator(".js-plotly-plot")
    expect(plots).to_have_count(5, timeout=60_000)

    page.get_by_text("Let the data choose").click()
    expect(page.locator(".wb-progress").first).to_be_visible(timeout=10_000)  # work shows
    expect(plots).to_have_count(6, timeout=120_000)  # the k curve joins the charts
    expect(page.get_by_text("How many personas fit the data?")).to_be_visible()
    expect(page.locator(".wb-progress").first).to_be_hidden(timeout=60_000)

    page.get_by_text("Readers from WeChat's distributions").click()
    expect(plots).to_have_count(7, timeout=60_000)
    expect(page.get_by_text("Who reads each content type: gender")).to_be_visible()
    expect(page.locator(".wb-table tbody tr")).to_have_count(8, timeout=30_000)
    page.locator(".wb-table").scroll_into_view_if_needed()
    shoot(page, "personas_readers_en")
    page.assert_no_errors()
