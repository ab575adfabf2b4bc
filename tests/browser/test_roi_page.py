"""The activity-ROI dashboard in a real browser: edit an input, see the histogram and KPIs change."""

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
