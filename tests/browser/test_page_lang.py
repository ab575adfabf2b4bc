"""The language toggle changes the address, the tab's title and <html lang> (issue 23): a
reload or a shared link comes back in the language chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_toggle_changes_the_address_the_title_and_html_lang(page, server_url):
    page.goto(server_url + "/voila/render/03_activity_roi.ipynb?lang=en")
    expect(page.get_by_role("heading", name="Activity ROI")).to_be_visible(timeout=120_000)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title() == "Activity ROI · Planning Workbench"
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="活动 ROI 测算")).to_be_visible()
    page.wait_for_function("() => location.search.includes('lang=zh')")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.title() == "活动 ROI 测算 · 运营策划工作台"
    page.reload()
    expect(page.get_by_role("heading", name="活动 ROI 测算")).to_be_visible(timeout=120_000)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"   # served so
    page.assert_no_errors()
