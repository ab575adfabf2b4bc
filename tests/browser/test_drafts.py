"""Drafts belong to the person and the page (issue 23 item 7): a draft left in one browser
profile is offered there again after a reload, never to a fresh profile opening the same page
(a team server runs under one login, so the server tells the browsers apart by a cookie)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROI = "/voila/render/03_activity_roi.ipynb?lang=en"


def open_roi(pg, server_url):
    pg.goto(server_url + ROI)
    expect(pg.locator(".wb-kpi")).to_have_count(6, timeout=120_000)
    expect(pg.locator(".js-plotly-plot")).to_have_count(3, timeout=60_000)


def test_a_draft_is_offered_in_its_own_browser_only(page, another_page, server_url):
    open_roi(page, server_url)
    likely = page.locator(".wb-input-participation_rate-likely input")
    likely.fill("12")
    likely.press("Enter")
    expect(page.locator('[data-kpi="expected_roi"] .wb-kpi-value')).to_be_visible()
    page.wait_for_timeout(8_000)                   # the draft is written every 5 s at most

    open_roi(another_page, server_url)             # a fresh profile: not its draft
    another_page.wait_for_timeout(3_000)           # the look for a draft has been made
    expect(another_page.locator(".wb-draft button").first).to_be_hidden()
    assert another_page.locator(".wb-input-participation_rate-likely input").input_value() \
        != "12"

    page.reload()                                  # the same profile: offered back
    expect(page.locator(".wb-kpi")).to_have_count(6, timeout=120_000)
    restore = page.locator(".wb-draft button").first
    expect(restore).to_be_visible(timeout=30_000)
    restore.click()
    expect(page.locator(".wb-input-participation_rate-likely input")).to_have_value("12")
    page.assert_no_errors()
    another_page.assert_no_errors()
