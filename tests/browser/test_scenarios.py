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
    expect(cards).to_have_count(5, timeout=60_000)
    print(f"\nk 6 → 5 by hand: {time.perf_counter() - moved:.1f} s to the cards")
    saved = cards_text(page)
    page.get_by_placeholder("Name of this persona set").fill("Students 学生党")
    page.get_by_role("button", name="Save persona set").click()
    expect(page.get_by_text('Saved "Students 学生党" as version 1')).to_be_visible()

    page.reload()
    expect(cards).to_have_count(6, timeout=120_000)                # the defaults again
    started = time.perf_counter()
    page.get_by_text("Saved scenarios (").click()
    mine = page.locator(".wb-scenarios select option").filter(has_text="Students 学生党").first
    page.locator(".wb-scenarios select").first.select_option(label=mine.inner_text())
    clicked = time.perf_counter()
    page.get_by_role("button", name="Open").click()
    expect(cards).to_have_count(5, timeout=60_000)
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
    hours = page.locator(".widget-slider .noUi-handle").first       # team hours a week: 60
    hours.focus()
    for _ in range(30):
        hours.press("ArrowLeft")
    expect(page.locator(".widget-readout").first).to_have_text("30")
    # saved at once, while the kernel still plans for the first presses: the click must not
    # overtake the values held back by ipywidgets' message throttle (entry.js)
    page.get_by_placeholder("Name of this plan").fill("Q1 周计划")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text('Saved "Q1 周计划" as version 1')).to_be_visible()
    page.get_by_text("Saved scenarios (").click()
    mine = page.locator(".wb-scenarios select option").filter(has_text="Q1 周计划").first
    page.locator(".wb-scenarios select").first.select_option(label=mine.inner_text())
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
    assert another_page.locator(".widget-readout").first.inner_text() == "30"
    assert another_page.locator(".wb-kpi .wb-kpi-value").last.inner_text() == posts
    shoot(another_page, "scenarios_link_zh")
    page.assert_no_errors()
    another_page.assert_no_errors()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_edit_a_calendar_items_owner_and_status_reload_and_see_them(page, server_url, shoot,
                                                                    lang):
    zh = lang == "zh"
    page.goto(server_url + f"/voila/render/02_content_mix.ipynb?lang={lang}")
    expect(page.get_by_text("已找到方案" if zh else "Plan found")).to_be_visible(timeout=120_000)
    started = time.perf_counter()
    owner = page.get_by_label("负责人", exact=True).last if zh else \
        page.get_by_label("Owner", exact=True).last
    owner.fill("小王")
    page.get_by_role("button", name="应用修改" if zh else "Apply").click()
    page.get_by_role("button", name="终审" if zh else "Final review").click()
    chip = page.locator(".wb-chip").filter(has_text="小王")
    expect(chip).to_have_count(1, timeout=30_000)
    expect(chip).to_contain_text("终审" if zh else "Final review")
    print(f"\nedit an item's owner and status ({lang}): {time.perf_counter() - started:.1f} s")
    name = f"周计划 {lang}"
    page.get_by_placeholder("方案名称" if zh else "Name of this plan").fill(name)
    page.get_by_role("button", name="保存方案" if zh else "Save plan").click()
    expect(page.get_by_text(f"已将“{name}”保存为第 1 版" if zh
                            else f'Saved "{name}" as version 1')).to_be_visible()

    page.reload()
    expect(page.get_by_text("已找到方案" if zh else "Plan found")).to_be_visible(timeout=120_000)
    expect(page.locator(".wb-chip").filter(has_text="小王")).to_have_count(0)
    started = time.perf_counter()
    page.get_by_text("已保存的方案（" if zh else "Saved scenarios (").click()
    mine = page.locator(".wb-scenarios select option").filter(has_text=name).first
    page.locator(".wb-scenarios select").first.select_option(label=mine.inner_text())
    page.get_by_role("button", name="打开" if zh else "Open").click()
    expect(page.get_by_text(f"已打开“{name}”" if zh else f"Opened “{name}”")).to_be_visible()
    chip = page.locator(".wb-chip").filter(has_text="小王")
    expect(chip).to_have_count(1, timeout=60_000)
    expect(chip).to_contain_text("终审" if zh else "Final review")
    print(f"reopen the plan with it ({lang}): {time.perf_counter() - started:.1f} s")
    shoot(page, f"calendar_tracked_{lang}")
    page.assert_no_errors()


def test_review_a_saved_plan_over_the_teams_data_with_targets(page, server_url, server_db,
                                                              team_data_cleared, shoot):
    """The team's exports in the workspace, a plan saved on page 02 (its calendar is ahead),
    reviewed on page 04 over weeks the exports cover, against a reads target typed there."""
    from workbench import io
    from workbench.sample import exports
    from workbench.workspace import Workspace

    with Workspace(server_db) as ws:
        ws.add(exports.user_growth(io.sample("daily_users"), "2026-08-01", "2026-10-31"),
               name="用户增长.csv")
        ws.add(exports.notified_articles(io.sample("articles"), "2026-08-01", "2026-10-31"),
               name="已通知内容.csv")
    page.goto(server_url + "/voila/render/02_content_mix.ipynb?lang=en")
    expect(page.get_by_text("Plan found")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Your team's data:").first).to_be_visible()
    page.get_by_placeholder("Name of this plan").fill("Team Q4")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text('Saved "Team Q4" as version 1')).to_be_visible()

    page.goto(server_url + "/voila/render/04_campaign_review.ipynb?lang=en")
    expect(page.locator(".wb-kpi-table")).to_be_visible(timeout=120_000)
    started = time.perf_counter()
    page.get_by_label("Plan under review").select_option(label="Team Q4")
    expect(page.get_by_text("nothing to review yet")).to_be_visible(timeout=60_000)
    page.get_by_label("Review over other dates").check()
    page.get_by_label("From").fill("2026-10-05")
    page.get_by_label("From").press("Enter")
    expect(page.get_by_text("Reviewing 2026-10-05 – ")).to_be_visible(timeout=60_000)
    page.get_by_text("KPI targets (optional").click()
    reads = page.get_by_label("Reads a week")
    reads.fill("5万")
    reads.press("Enter")
    row = page.locator('.wb-kpi-table tr[data-kpi="reads"]')
    expect(row).to_contain_text("(target)", timeout=60_000)
    # the exports end on 2026-10-31: 27 of the 28 days, so 27/7 weeks of 50,000
    expect(row).to_contain_text(f"{50_000 * 27 / 7:,.0f}")
    print(f"\nreview a saved plan over the team's data with a target: "
          f"{time.perf_counter() - started:.1f} s")
    shoot(page, "review_own_plan_en")
    page.assert_no_errors()
