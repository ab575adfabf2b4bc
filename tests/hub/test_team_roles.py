"""Two people on the team's hub, in two browsers (issue 24, "Done when"): alice (an editor)
and bob (a first reviewer, 初审) each sign in, open the same plan on page 02 and move a calendar
item as far as their role allows; a step bob's role may not take is greyed out and refused with
a clear message; the store shows both names."""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from team_hub import PASSWORD

from workbench.runtime.hub import sign_in_page
from workbench.store import ScenarioStore

expect.set_options(timeout=60_000)     # two people's servers on two cores: be patient
pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("WORKBENCH_SHOTS", "/tmp/shots"))
PLAN = "双十二周计划"
TOPIC = "双十二攻略：会员日怎么买"


def signed_in(browser, hub: str, user: str, page_path: str, ready: str = ".wb-chip"):
    """A browser context signed in as ``user``, on ``page_path`` of their server (started by
    the hub if needed); console errors collected on ``page.errors``."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    started = time.perf_counter()
    sign_in_page(page, hub, user, PASSWORD)
    page.goto(f"{hub}/hub/spawn/{user}?next={quote(f'/user/{user}/{page_path}')}")
    page.wait_for_url(f"**/user/{user}/voila/render/**")
    expect(page.locator(ready).first).to_be_visible(timeout=120_000)   # page 02: the calendar
    print(f"\n{user}: signed in and {page_path} drawn in {time.perf_counter() - started:.1f} s")
    return context, page


def save_plan(page, version: int) -> None:
    page.get_by_placeholder("Name of this plan").fill(PLAN)
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text(f'Saved "{PLAN}" as version {version}')).to_be_visible()


def status_button(page, name: str):
    return page.locator(".wb-steps .widget-toggle-button", has_text=name)


def test_an_editor_and_a_first_reviewer_each_take_their_own_steps(hub, store, browser):
    alice_ctx, alice = signed_in(browser, hub, "alice",
                                 "voila/render/02_content_mix.ipynb?lang=en")
    try:
        expect(alice.locator(".wb-item-role")).to_contain_text("Signed in as alice (editor)")
        alice.get_by_label("Topic", exact=True).fill(TOPIC)
        alice.get_by_role("button", name="Apply").click()
        status_button(alice, "First review").click()
        chip = alice.locator(".wb-chip").filter(has_text=TOPIC)
        expect(chip).to_contain_text("First review")
        # an editor may not pass her own item on: final review and approval are greyed out
        expect(status_button(alice, "Approved")).to_have_css("opacity", "0.4")
        save_plan(alice, version=1)
        assert alice.errors == []
    finally:
        alice_ctx.close()

    bob_ctx, bob = signed_in(browser, hub, "bob",
                             f"voila/render/02_content_mix.ipynb?lang=en&scenario={PLAN}")
    try:
        expect(bob.get_by_text(f"Opened “{PLAN}”")).to_be_visible()
        expect(bob.locator(".wb-item-role")).to_contain_text("Signed in as bob (first reviewer)")
        chip = bob.locator(".wb-chip").filter(has_text=TOPIC)
        expect(chip).to_contain_text("First review")
        # topic, owner and time are the editors'; approval skips final review
        expect(bob.get_by_label("Topic", exact=True)).to_be_disabled()
        approved = status_button(bob, "Approved")
        expect(approved).to_have_css("opacity", "0.4")
        expect(approved).to_have_attribute("title", "A step for an admin")
        approved.click()
        # said beside the steps, where bob clicked
        expect(bob.locator(".wb-item-role")).to_contain_text(
            "is a step for an admin; your role: first reviewer")
        SHOTS.mkdir(parents=True, exist_ok=True)
        bob.locator(".wb-steps").scroll_into_view_if_needed()
        bob.screenshot(path=str(SHOTS / "hub_first_reviewer_refused.png"))
        expect(chip).to_contain_text("First review")           # refused: nothing changed
        status_button(bob, "Final review").click()
        expect(chip).to_contain_text("Final review")
        save_plan(bob, version=2)
        assert bob.errors == []
    finally:
        bob_ctx.close()

    saved = ScenarioStore(store)
    assert [r.author for r in saved.history("mix_plan", PLAN)] == ["alice", "bob"]
    tracking = saved.load("mix_plan", PLAN)["tracking"]
    changes = [(h["by"], h["field"], h["new"]) for item in tracking.values()
               for h in item.get("history", [])]
    assert changes == [("alice", "topic", TOPIC), ("alice", "status", "first_review"),
                       ("bob", "status", "final_review")]


def test_a_page_whose_sign_in_ended_says_sign_in_again(hub, browser):
    """Signed out of the hub (in another tab) while a page is open: when the page's connection
    drops and cannot be re-made, the red bar says so and its button goes through the sign-in."""
    context, page = signed_in(browser, hub, "carol", "voila/render/00_home.ipynb?lang=zh",
                              ready="a.wb-card")
    try:
        other = context.new_page()
        other.goto(hub + "/hub/logout")
        other.close()
        page.evaluate("window.workbenchWidgets.kernel._ws.close(4000)")
        banner = page.locator(".wb-connection[data-state=signed_out]")
        expect(banner).to_be_visible(timeout=60_000)
        assert banner.get_attribute("role") == "alert"
        assert "您已退出团队工作台的登录" in banner.inner_text()
        banner.locator("button", has_text="重新登录").click()
        page.wait_for_url("**/hub/login**")
        expect(page.locator("#username_input")).to_be_visible()
    finally:
        context.close()
