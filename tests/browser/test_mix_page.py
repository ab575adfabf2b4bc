"""The content-mix dashboard in a real browser: move the hours slider, see the mix and calendar
change."""

from __future__ import annotations

import io as stdio

import openpyxl
import pytest
from playwright.sync_api import expect

from workbench.i18n import t
from workbench.ui.mix import GOALS

pytestmark = pytest.mark.browser

MIX_Y = """() => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        p => p.layout && p.layout.barmode === 'stack');
    return plot ? JSON.stringify(plot.data.map(d => d.y)) : '';
}"""
CALENDAR = "() => document.querySelectorAll('.wb-chip').length"


def test_hours_slider_changes_the_mix_and_the_calendar(page, server_url, shoot):
    page.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=en")
    expect(page.locator(".wb-kpi")).to_have_count(5, timeout=120_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=60_000)
    page.wait_for_function(f"() => ({MIX_Y})() !== ''")
    mix_before = page.evaluate(MIX_Y)
    chips_before = page.evaluate(CALENDAR)
    assert chips_before > 40
    shoot(page, "mix_en")

    handle = page.locator(".widget-slider .noUi-handle").first  # team hours
    handle.focus()
    hours_before = page.locator(".widget-readout").first.inner_text()
    for _ in range(3):
        handle.press("PageUp")
    expect(page.locator(".widget-readout").first).not_to_have_text(hours_before)
    page.wait_for_function(f"(before) => ({MIX_Y})() !== before", arg=mix_before, timeout=30_000)
    page.wait_for_function(f"(before) => ({CALENDAR})() !== before", arg=chips_before,
                           timeout=30_000)
    expect(page.get_by_text("Plan found")).to_be_visible()

    # the goal weights' sliders have a track to drag, not a 42 px stub (issue 23)
    tracks = page.locator(".widget-slider .noUi-target:visible")
    shown = tracks.count()                                   # hours and budget
    page.get_by_text("Goals: what a post is worth").click()
    expect(tracks).to_have_count(shown + len(GOALS))         # a weight per goal
    widths = [tracks.nth(i).bounding_box()["width"] for i in range(shown + len(GOALS))]
    assert min(widths) >= 120 and min(widths[shown:]) >= 180, widths

    page.locator(".wb-lang button", has_text="中文").click()
    expect(page.locator(".wb-title")).to_have_text("内容规划")
    expect(page.get_by_text("已找到方案")).to_be_visible()
    # the calendar is drawn again in Chinese: scroll to the new one, not the one it replaces
    # (scrolling to the old one failed, now and then, with "Element is not attached")
    expect(page.locator(".wb-week").first).to_contain_text(t("mix.weekday.0", "zh"))
    page.locator(".wb-week").first.scroll_into_view_if_needed()
    shoot(page, "mix_zh_calendar")
    with page.expect_download(timeout=60_000) as download:          # one click, one file
        page.get_by_role("button", name=t("mix.download_xlsx", "zh")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(stdio.BytesIO(download.value.path().read_bytes()))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert len(book.worksheets) >= 4 and any("周一" in str(c) for c in cells)
    page.assert_no_errors()
