"""The language toggle changes the address, the tab's title and <html lang> (issue 23): a
reload or a shared link comes back in the language chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_toggle_changes_the_address_the_title_and_html_lang(page, server_url):
    page.goto(server_url + "/voila/render/00_home.ipynb?lang=en")
    expect(page.locator(".wb-title")).to_have_text("Planning Workbench", timeout=120_000)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title() == "Planning Workbench"
    page.get_by_role("button", name="中文").click()
    expect(page.locator(".wb-title")).to_have_text("运营策划工作台")
    page.wait_for_function("() => location.search.includes('lang=zh')")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.title() == "运营策划工作台"
    page.reload()
    expect(page.locator(".wb-title")).to_have_text("运营策划工作台", timeout=120_000)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"   # served so
    page.assert_no_errors()


def test_a_dashboard_is_served_with_its_own_title():
    from workbench.serve import page_titles

    assert page_titles("03_activity_roi.ipynb") == {
        "en": "Activity ROI · Planning Workbench", "zh": "活动 ROI 测算 · 运营策划工作台"}
