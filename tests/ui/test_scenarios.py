"""Saved work you can reopen (issue 22): the scenario browser on pages 01–04, driven as a user
would without a browser. Opening a saved version puts its controls back and every number the
page shows comes back as it was saved."""

from __future__ import annotations

import html
import re

import pytest

from workbench.store import ScenarioStore
from workbench.ui import MixDashboard, PersonaDashboard, ReviewDashboard, RoiDashboard
from workbench.ui.scenarios import PAGE_STATE


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"


def text(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())


def results(payload: dict) -> dict:
    """What the page saved besides its controls."""
    return {k: v for k, v in payload.items() if k != PAGE_STATE}


def test_a_persona_set_reopens_with_the_same_cards(db: str) -> None:
    page = PersonaDashboard(lang="en", store=ScenarioStore(db), background=False)
    browser = page.scenarios
    assert browser.widget.get_title(0) == "Saved scenarios (none yet)"
    page.k_slider.value = 4
    page.save_name.value = "Students"
    assert page.save() == 1
    cards, saved = page.cards.value, results(ScenarioStore(db).load("personas", "Students"))
    assert browser.widget.get_title(0) == "Saved scenarios (1)"
    assert browser.pick.options[0][1] == "Students"
    page.k_slider.value = 7
    assert page.cards.value != cards
    # a reload: a new page on the same store, opened from the browser
    again = PersonaDashboard(lang="en", store=ScenarioStore(db), background=False)
    assert again.k_slider.value == 6
    assert again.scenarios.open("Students")
    assert again.k_slider.value == 4 and again.save_name.value == "Students"
    assert again.cards.value == cards
    assert results(again.model.payload()) == saved
    assert text(again.scenarios.status.value).startswith("Opened “Students” v1 (saved by ")
    assert again.drafts.state() == ScenarioStore(db).load("personas", "Students")[PAGE_STATE]


def test_versions_are_compared_and_linked(db: str) -> None:
    page = PersonaDashboard(lang="en", store=ScenarioStore(db), background=False)
    page.save_name.value = "Parents"
    page.k_slider.value = 4
    page.save()
    page.k_slider.value = 5
    page.save()
    browser = page.scenarios
    assert [v for _, v in browser.version.options] == [2, 1]
    assert browser.version.value == 2
    browser.compare.value = 1
    shown = text(browser.diff.value)
    assert shown.startswith("What changed from v1 to v2:")
    label = page.k_slider.description
    assert f"{label}: 4 → 5" in shown
    assert browser.changes("Parents", 1, 2) == [(label, 4, 5)]
    assert 'href="?scenario=Parents&amp;v=2&amp;lang=en"' in browser.link.value
    browser.version.value = 1
    assert browser.open()
    assert page.k_slider.value == 4
    page.header.model.lang = "zh"
    assert browser.open_button.description == "打开"
    assert text(browser.status.value).startswith("已打开“Parents” v1（")


def test_save_as_rename_archive_and_restore_from_the_browser(db: str) -> None:
    store = ScenarioStore(db)
    page = RoiDashboard(lang="en", store=store)
    browser = page.scenarios
    browser.new_name.value = "Double 11 lucky draw"
    assert browser.save_as() == 1
    assert page.save_name.value == "Double 11 lucky draw"
    assert [s.name for s in store.list("roi")] == ["Double 11 lucky draw"]
    browser.new_name.value = "Double 11 抽奖"
    assert browser.rename()
    assert [s.name for s in store.list("roi")] == ["Double 11 抽奖"]
    assert page.save_name.value == "Double 11 抽奖"
    browser.new_name.value = "Spare"
    browser.save_as()
    browser.pick.value = "Double 11 抽奖"
    browser.new_name.value = "Spare"
    assert not browser.rename()                           # taken: refused, said, nothing moved
    assert "already a saved scenario called “Spare”" in text(browser.status.value)
    assert sorted(s.name for s in store.list("roi")) == ["Double 11 抽奖", "Spare"]
    browser.pick.value = "Spare"
    assert browser.archive_button.description == "Archive"
    assert browser.toggle_archive()
    assert [s.name for s in store.list("roi")] == ["Double 11 抽奖"]
    assert [o[1] for o in browser.pick.options] == ["Double 11 抽奖"]
    browser.show_archived.value = True
    assert [o[0].startswith("[archived] Spare") for o in browser.pick.options] == [False, True]
    browser.pick.value = "Spare"
    assert browser.archive_button.description == "Restore"
    assert browser.toggle_archive()
    assert sorted(s.name for s in store.list("roi")) == ["Double 11 抽奖", "Spare"]


def test_a_plan_reopens_with_its_numbers(db: str) -> None:
    page = MixDashboard(lang="en", store=ScenarioStore(db))
    page.hours.value = 40
    page.save_name.value = "Q1 plan"
    assert page.save() == 1
    saved = ScenarioStore(db).load("mix_plan", "Q1 plan")
    kpis, posts = page.kpis.value, page.model.plan.posts
    page.hours.value = 90
    assert not page.model.plan.posts.equals(posts)
    other = MixDashboard(lang="en", store=ScenarioStore(db))
    assert other.scenarios.open("Q1 plan", 1)
    assert other.hours.value == 40
    assert other.model.plan.posts.equals(posts)
    assert other.kpis.value == kpis
    assert results(other.model.payload())["cells"] == results(saved)["cells"]


def test_a_review_reopens_on_its_period(db: str) -> None:
    page = ReviewDashboard(lang="en", store=ScenarioStore(db))
    weeks = page.model.review.to_payload()["period"]
    page.save_name.value = "Sep review"
    assert page.save() == 1
    summary = page.summary.value if hasattr(page, "summary") else None
    other = ReviewDashboard(lang="en", store=ScenarioStore(db))
    assert other.scenarios.open("Sep review")
    assert other.model.review.to_payload()["period"] == weeks
    if summary is not None:
        assert other.summary.value == summary


def test_a_link_opens_the_page_on_a_version_or_says_why_not(db: str) -> None:
    store = ScenarioStore(db)
    page = PersonaDashboard(lang="en", store=store, background=False)
    page.save_name.value = "Students"
    page.k_slider.value = 4
    page.save()
    page.k_slider.value = 5
    page.save()
    linked = PersonaDashboard(lang="en", store=ScenarioStore(db), background=False)
    assert linked.scenarios.open_link("?scenario=Students&v=1&lang=en")
    assert linked.k_slider.value == 4
    assert linked.scenarios.open_link("lang=en") is None          # no scenario asked for
    # a missing or archived scenario: said, and the page stays as it was (here: v1's k)
    linked.header.model.lang = "zh"
    assert linked.scenarios.open_link("scenario=Nobody&v=3") is False
    assert linked.k_slider.value == 4
    assert text(linked.scenarios.status.value) == (
        "链接指向的“Nobody”（第 3 版）在这里没有保存（或已不存在）：页面按默认设置打开。")
    assert linked.scenarios.widget.selected_index == 0          # the browser is unfolded
    store.archive("personas", "Students")
    linked.header.model.lang = "en"
    assert linked.scenarios.open_link("scenario=Students") is False
    assert "which is archived" in text(linked.scenarios.status.value)
    assert linked.k_slider.value == 4


def test_a_version_saved_before_pages_kept_their_controls_says_so(db: str) -> None:
    store = ScenarioStore(db)
    page = PersonaDashboard(lang="en", store=store, background=False)
    store.save("personas", "Old set", results(page.model.payload()))
    page.scenarios.refresh()
    page.k_slider.value = 5
    assert not page.scenarios.open("Old set")
    assert page.k_slider.value == 5
    assert "was saved before pages kept their controls" in text(page.scenarios.status.value)
