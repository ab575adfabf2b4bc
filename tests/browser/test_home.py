"""The home page in a real browser: both languages, the toggle, links to the dashboards."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DASHBOARDS = {
    "personas": ("01_personas.ipynb", "Audience personas", "用户画像"),
    "content_mix": ("02_content_mix.ipynb", "Content mix", "内容规划"),
    "activity_roi": ("03_activity_roi.ipynb", "Activity ROI", "活动 ROI 测算"),
    "campaign_review": ("04_campaign_review.ipynb", "Campaign review", "数据复盘"),
}


def open_home(page, url: str) -> float:
    """Go to ``url`` and wait for the four dashboard cards; returns seconds to see them."""
    start = time.monotonic()
    page.goto(url)
    expect(page.locator("a.wb-card")).to_have_count(4)
    expect(page.locator("a.wb-card").last).to_be_visible()
    return time.monotonic() - start


def test_home_in_english(page, server_url, shoot):
    seconds = open_home(page, server_url + "/")
    print(f"\nhome page: navigation -> dashboard links visible in {seconds:.2f} s")
    assert re.search(r"/voila/render/00_home\.ipynb$", page.url)
    expect(page.locator(".wb-title")).to_have_text("Planning Workbench")
    for page_key, (notebook, title, _) in DASHBOARDS.items():
        card = page.locator(f'a.wb-card[data-page="{page_key}"]')
        expect(card).to_be_visible()
        expect(card).to_contain_text(title)
        expect(card).to_have_attribute("href", f"./{notebook}?lang=en")
    expect(page.locator(".wb-intro")).to_contain_text("who we talk to")
    shoot(page, "home_en")
    page.assert_no_errors()


def test_home_in_chinese(page, server_url, shoot):
    seconds = open_home(page, server_url + "/?lang=zh")
    print(f"\nhome page (zh): navigation -> dashboard links visible in {seconds:.2f} s")
    expect(page.locator(".wb-title")).to_have_text("运营策划工作台")
    expect(page.locator(".wb-intro")).to_contain_text("闭环")
    for page_key, (notebook, _, title_zh) in DASHBOARDS.items():
        card = page.locator(f'a.wb-card[data-page="{page_key}"]')
        expect(card).to_contain_text(title_zh)
        expect(card).to_have_attribute("href", f"./{notebook}?lang=zh")
    shoot(page, "home_zh")
    page.assert_no_errors()


def test_dashboard_link_opens_its_page_and_comes_back(page, server_url, shoot):
    open_home(page, server_url + "/voila/render/00_home.ipynb")
    page.locator('a.wb-card[data-page="activity_roi"]').click()
    page.wait_for_url(re.compile(r"/voila/render/03_activity_roi\.ipynb\?lang=en$"))
    expect(page.locator(".wb-kpi")).to_have_count(6, timeout=120_000)
    expect(page.locator(".wb-title")).to_have_text("Activity ROI")
    page.locator(".wb-crumb a.wb-home-link").click()
    page.wait_for_url(re.compile(r"/voila/render/00_home\.ipynb\?lang=en$"))
    expect(page.locator("a.wb-card")).to_have_count(4)
    page.assert_no_errors()


def test_language_toggle_relabels_the_page(page, server_url, shoot):
    open_home(page, server_url + "/")
    page.locator(".wb-lang button", has_text="中文").click()
    expect(page.locator(".wb-title")).to_have_text("运营策划工作台")
    card = page.locator('a.wb-card[data-page="content_mix"]')
    expect(card).to_contain_text("内容规划")
    expect(card).to_have_attribute("href", "./02_content_mix.ipynb?lang=zh")
    shoot(page, "home_toggled_zh")
    card.click()  # the chosen language carries over to the dashboard
    page.wait_for_url(re.compile(r"/02_content_mix\.ipynb\?lang=zh$"))
    expect(page.get_by_text("已找到方案")).to_be_visible(timeout=120_000)
    page.locator(".wb-lang button", has_text="English").click()
    expect(page.get_by_text("Plan found")).to_be_visible()
    expect(page.locator(".wb-title")).to_have_text("Content mix")
    page.assert_no_errors()
