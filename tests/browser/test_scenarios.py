"""Saved work you can reopen, in a real browser (issue 22): a persona set saved, the page
reloaded (a new kernel), reopened from the scenario browser with the same cards; a saved plan
opened by its link in another browser, in Chinese. The timings are printed for the note."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def cards_text(pg) -> list[str]:
    return pg.locator(".wb-persona").all_inner_texts()


def test_save_a_persona_set_reload_and_reopen_it(page, server_url, shoot):
    page.goto(server_url + "/voila/render/01_personas.ipynb?lang=en")
    cards = page.locator(".wb-persona")
    expect(cards).to_have_count(6, timeout=120_000)
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    moved = time.perf_counter()
    handle.press("ArrowLeft")
    handle.press("ArrowLeft")
    expect(cards).to_have_count(4, timeout=60_000)
    print(f"\nk 6 → 4 by hand: {time.perf_counter() - moved:.1f} s to the cards")
    saved = cards_text(page)
    page.get_by_placeholder("Name of this persona set").fill("Students 学生党")
    page.get_by_role("button", name="Save persona set").click()
    expect(page.get_by_text('Saved "Students 学生党" as version 1')).to_be_visible()

    page.reload()
    expect(cards).to_have_count(6, timeout=120_000)                # the defaults again
    started = time.perf_counter()
    page.get_by_text("Saved scenarios (1)").click()
    page.locator(".wb-scenarios select").first.select_option(index=0)
    clicked = time.perf_counter()
    page.get_by_role("button", name="Open").click()
    expect(cards).to_have_count(4, timeout=60_000)
    expect(page.get_by_text("Opened “Students 学生党” v1")).to_be_visible()
    done = time.perf_counter()
    print(f"\nreopen a persona set: {done - started:.1f} s from unfolding Saved scenarios, "
          f"{done - clicked:.1f} s from Open to the cards")
    assert cards_text(page) == saved
    shoot(page, "scenarios_personas_en")
    page.assert_no_errors()


def test_open_a_plan_by_its_link_in_chinese(page, another_page, server_url, shoot):
    page.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=en")
    expect(page.get_by_text("Plan found")).to_be_visible(timeout=120_000)
    values = page.locator(".wb-kpi .wb-kpi-value")
    default = values.last.inner_text()
    hours = page.locator(".widget-slider .noUi-handle").first       # team hours a week: 60
    hours.focus()
    for _ in range(30):
        hours.press("ArrowLeft")
    expect(page.locator(".widget-readout").first).to_have_text("30")
    expect(values.last).not_to_have_text(default, timeout=60_000)
    page.get_by_placeholder("Name of this plan").fill("Q1 周计划")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Saved scenarios (1)")).to_be_visible()
    page.get_by_text("Saved scenarios (1)").click()
    link = page.locator(".wb-scenarios a.wb-link")
    expect(link).to_have_text("Link to this version")
    href = link.get_attribute("href")
    assert href.startswith("?scenario=Q1") and "v=1" in href
    posts = values.last.inner_text()                     # posts a week: the same in Chinese

    started = time.perf_counter()
    another_page.goto(server_url + "/voila/render/02_content_mix.ipynb"
                      + href.replace("lang=en", "lang=zh"))
    expect(another_page.get_by_text("已打开“Q1 周计划” v1")).to_be_visible(timeout=120_000)
    print(f"\nopen a plan by its link: {time.perf_counter() - started:.1f} s")
    assert another_page.locator(".wb-kpi .wb-kpi-value").last.inner_text() == posts
    shoot(another_page, "scenarios_link_zh")
    page.assert_no_errors()
    another_page.assert_no_errors()
