"""The activity-ROI dashboard in a real browser: edit an input, see the histogram and KPIs
change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HIST_Y = """() => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        p => p.layout && p.layout.title && /ROI could turn out|ROI 可能/.test(p.layout.title.text));
    return plot ? JSON.stringify(plot.data.map(d => d.y)) : '';
}"""


def test_edit_an_input_and_see_the_roi_change(page, server_url, shoot):
    page.goto(server_url + "/voila/render/03_activity_roi.ipynb?lang=en")
    expect(page.locator(".wb-kpi")).to_have_count(6, timeout=120_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=60_000)
    page.wait_for_function(f"() => ({HIST_Y})() !== ''")
    hist = page.evaluate(HIST_Y)
    roi_before = page.locator('[data-kpi="expected_roi"] .wb-kpi-value').inner_text()
    shoot(page, "roi_en")

    # likely participation rate (percent), the second field of its row
    likely = page.locator(".wb-input-participation_rate-likely input")
    likely.fill("12")
    likely.press("Enter")
    page.wait_for_function(f"(before) => ({HIST_Y})() !== before", arg=hist, timeout=30_000)
    expect(page.locator('[data-kpi="expected_roi"] .wb-kpi-value')).not_to_have_text(roi_before)

    # an invalid range is explained in words; the charts stay
    low = page.locator(".wb-input-reach-low input")
    low.fill("9000000")
    low.press("Enter")
    expect(page.get_by_text("low ≤ likely ≤ high")).to_be_visible()

    page.locator(".wb-lang button", has_text="中文").click()
    expect(page.locator(".wb-title")).to_have_text("活动 ROI 测算")
    expect(page.get_by_text("保留上一次有效的结果")).to_be_visible()
    shoot(page, "roi_zh")
    page.assert_no_errors()


CURVE = """() => [...document.querySelectorAll('.js-plotly-plot')].find(
    p => p.layout && p.layout.title && /at least this ROI/.test(p.layout.title.text))"""


def test_a_zoom_survives_an_input_change(page, server_url):
    """Charts are redrawn with Plotly.react under a fixed uirevision: what the user zoomed
    stays zoomed when the data change."""
    page.goto(server_url + "/voila/render/03_activity_roi.ipynb?lang=en")
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=120_000)
    page.wait_for_function(f"() => !!({CURVE})()")
    plot = page.locator(".js-plotly-plot").nth(1)
    plot.scroll_into_view_if_needed()
    full = page.evaluate(f"() => ({CURVE})().layout.xaxis.range.slice()")
    box = plot.locator(".nsewdrag").first.bounding_box()
    y = box["y"] + box["height"] / 2  # drag across the middle third: a zoom on x and y
    page.mouse.move(box["x"] + box["width"] * 0.3, y - 40)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y + 40, steps=8)
    page.mouse.up()
    page.wait_for_function(f"(full) => ({CURVE})().layout.xaxis.range[1] < full[1]", arg=full)
    zoomed = page.evaluate(f"() => ({CURVE})().layout.xaxis.range.slice()")
    before = page.evaluate(f"() => JSON.stringify(({CURVE})().data[0].x)")

    likely = page.locator(".wb-input-participation_rate-likely input")
    likely.fill("12")
    likely.press("Enter")
    page.wait_for_function(f"(b) => JSON.stringify(({CURVE})().data[0].x) !== b", arg=before,
                           timeout=30_000)
    after = page.evaluate(f"() => ({CURVE})().layout.xaxis.range.slice()")
    assert after == pytest.approx(zoomed) and after != pytest.approx(full)
    page.assert_no_errors()
