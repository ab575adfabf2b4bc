"""The campaign review in a real browser: the review loads, the report exports."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_review_loads_and_exports_the_report(page, server_url, shoot):
    page.goto(server_url + "/voila/render/04_campaign_review.ipynb?lang=en")
    expect(page.locator(".wb-kpi-table tr[data-kpi]")).to_have_count(15, timeout=180_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(6, timeout=60_000)
    expect(page.locator(".wb-recs li").first).to_be_visible()
    shoot(page, "review_en")

    with page.expect_download(timeout=60_000) as html_download:       # one click, one file
        page.get_by_role("button", name="Export report (HTML)").click()
    assert html_download.value.suggested_filename.endswith("-en.html")
    text = open(html_download.value.path(), encoding="utf-8-sig").read()
    assert "Data overview" in text and 'src="http' not in text
    # the "again" link carries the same file
    link = page.locator("a.wb-download")
    expect(link).to_have_attribute("download", html_download.value.suggested_filename)
    again = base64.b64decode(link.get_attribute("href").split("base64,", 1)[1])
    assert again.decode("utf-8-sig") == text

    with page.expect_download(timeout=120_000) as pdf_download:       # seconds: said meanwhile
        page.get_by_role("button", name="Export PDF").click()
        expect(page.get_by_text("Printing the report to PDF")).to_be_visible()
    assert pdf_download.value.suggested_filename.endswith("-en.pdf")
    assert open(pdf_download.value.path(), "rb").read(5) == b"%PDF-"
    expect(page.locator("a.wb-download")).to_have_count(2)          # the HTML link stays

    # the meeting view: the story alone, a section a screen, the keyboard between sections
    page.get_by_role("button", name="Presentation mode").click()
    expect(page.locator(".wb-present")).to_have_count(1)
    for control in (".widget-upload", ".wb-scenarios", "text=Save, report and the next plan",
                    "button:has-text('Export PDF')", ".widget-slider"):
        expect(page.locator(control).first).to_be_hidden()
    sections = page.locator(".wb-review-section:visible")
    assert sections.count() == 6                                 # the scorecard left out
    height = page.viewport_size["height"]
    assert all(box["height"] >= height - 1 for box in
               (sections.nth(i).bounding_box() for i in range(6)))
    page.mouse.click(5, 300)                                     # focus off the toggle
    for i in (1, 2):
        page.keyboard.press("PageDown")
        page.wait_for_function(f"""() => Math.abs([...document.querySelectorAll(
            '.wb-review-section')].filter(s => s.offsetParent)[{i}]
            .getBoundingClientRect().top) < 2""")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("""() => Math.abs([...document.querySelectorAll(
        '.wb-review-section')].filter(s => s.offsetParent)[1].getBoundingClientRect().top) < 2""")
    shoot(page, "review_en_meeting")
    page.keyboard.press("Escape")
    expect(page.locator(".wb-present")).to_have_count(0)
    expect(page.locator(".widget-upload").first).to_be_visible()
    page.get_by_role("button", name="Presentation mode").click()
    expect(page.get_by_role("button", name="Leave presentation (Esc)")).to_be_visible()
    page.locator(".wb-lang button", has_text="中文").click()
    expect(page.locator(".wb-title")).to_have_text("数据复盘")
    expect(page.locator(".wb-kpi-table")).to_contain_text("计划")
    shoot(page, "review_zh_present")
    page.assert_no_errors()
