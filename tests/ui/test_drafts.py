"""Unsaved work survives a kernel restart (workbench.ui.drafts), driven without a browser.

A "restart" is a new dashboard built on the same store: what a reopened Voilà page does after
its kernel died. Time is a :class:`ManualClock`, so the 5-second autosave interval is advanced
by hand.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pytest

from workbench.store import ScenarioStore
from workbench.ui import drafts
from workbench.ui.drafts import DraftKeeper, Field, ManualClock
from workbench.ui.shell import Header, Page

BEIJING = dt.timezone(dt.timedelta(hours=8))
#: 14:32 in Beijing
START = dt.datetime(2025, 3, 8, 6, 32, tzinfo=dt.timezone.utc)


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    clock = ManualClock(START, tz=BEIJING)
    monkeypatch.setattr(drafts, "default_clock", lambda: clock)
    return clock


@pytest.fixture()
def store(tmp_path):
    with ScenarioStore(tmp_path / "scenarios.sqlite") as s:
        yield s


class TinyPage(Page):
    """A page with a slider, a dropdown, a name box and a non-widget field."""

    def __init__(self, lang: str = "en", store=None, data_kinds=()):
        self._store = store
        self.header = Header("page.content_mix.title", lang=lang, data_kinds=data_kinds,
                             autoload=False)
        self.hours = w.IntSlider(value=60, min=5, max=200, description="Team hours")
        self.platform = w.Dropdown(options=["wechat", "weibo"], value="wechat",
                                   description="Platform")
        self.name = w.Text(placeholder="Name of this plan")
        self.notes: list[str] = []
        self.status = w.HTML()
        self.widget = w.VBox([self.header.widget, self.hours, self.platform, self.name])
        self.start_drafts("tiny", {
            "hours": self.hours, "platform": self.platform,
            "notes": Field(lambda: list(self.notes), self._set_notes, "drafts.field.statuses"),
            "name": self.name,
        }, name=self.name)

    def _set_notes(self, value) -> None:
        self.notes[:] = value

    def save(self) -> int | None:
        return self.save_scenario("tiny", self.name.value or "untitled",
                                  {"hours": self.hours.value}, self.status, "mix")


# ---------------------------------------------------------------------------------------------
# autosave timing


def test_first_change_is_kept_at_once_then_at_most_every_interval(store, clock):
    page = TinyPage(store=store)
    assert store.draft("tiny") is None and page.drafts.widget.layout.display == "none"
    page.hours.value = 30                     # first change after a quiet spell: written now
    assert page.drafts.writes == 1
    assert store.draft("tiny").payload["state"]["hours"] == 30
    clock.advance(1)
    page.hours.value = 31
    page.hours.value = 32                     # within the interval: waits
    page.name.value = "Q3 plan"
    assert page.drafts.writes == 1 and store.draft("tiny").payload["state"]["hours"] == 30
    assert clock.pending == 1                 # one delayed write, however many changes
    clock.advance(3.9)
    assert page.drafts.writes == 1
    clock.advance(0.2)                        # 5 s after the first write
    assert page.drafts.writes == 2
    draft = store.draft("tiny")
    assert draft.payload["state"]["hours"] == 32 and draft.name == "Q3 plan"
    assert draft.payload["changed"] == ["hours", "name"]
    assert draft.saved_at == START + dt.timedelta(seconds=5)
    assert store.list("tiny") == []           # a draft is not a saved scenario
    clock.advance(60)
    assert page.drafts.writes == 2 and clock.pending == 0  # nothing new: nothing written


def test_changing_back_removes_the_draft(store, clock):
    page = TinyPage(store=store)
    page.hours.value = 30
    assert store.draft("tiny") is not None
    clock.advance(10)
    page.hours.value = 60                     # as the page opened: nothing unsaved
    assert store.draft("tiny") is None


def test_an_explicit_save_clears_the_draft(store, clock):
    page = TinyPage(store=store)
    page.hours.value = 30
    page.name.value = "Q3"
    clock.advance(5)
    assert store.draft("tiny").name == "Q3"
    assert page.save() == 1
    assert store.draft("tiny") is None
    saved = store.load("tiny", "Q3")      # the results, and the controls to reopen it with
    assert saved["hours"] == 30 and saved["page"]["hours"] == 30
    assert saved["page"]["name"] == "Q3"
    clock.advance(10)
    assert store.draft("tiny") is None        # the saved state is not "unsaved work"
    page.hours.value = 40                     # a change after the save is
    assert store.draft("tiny").payload["state"]["hours"] == 40
    reopened = TinyPage(store=store)
    assert reopened.drafts.found is not None
    assert "Team hours" in reopened.drafts.message()


# ---------------------------------------------------------------------------------------------
# reopening


def _leave_work_behind(store, clock, lang="en") -> TinyPage:
    page = TinyPage(store=store, lang=lang)
    page.hours.value = 30
    page.platform.value = "weibo"
    page.notes.append("post 1 approved")
    page.name.value = "Q3 plan"
    clock.advance(5)
    return page


def test_reopened_page_says_what_was_unsaved_and_restores_it(store, clock):
    _leave_work_behind(store, clock)
    clock.advance(3600)  # the kernel died; an hour later the planner comes back
    page = TinyPage(store=store)
    keeper = page.drafts
    assert keeper.found is not None
    assert page.hours.value == 60 and page.name.value == ""
    text = keeper.message()
    assert text.startswith('Unsaved changes from 14:32 (scenario "Q3 plan") were found: '
                           "Team hours, Platform, review statuses of posts, Name of this plan.")
    assert "saved scenarios are all kept" in text
    # shown under the header, with both buttons
    assert page.widget.children[1] is keeper.widget
    assert keeper.widget.layout.display == "" and keeper.buttons.layout.display == ""
    assert "14:32" in keeper.text.value and "Q3 plan" in keeper.text.value
    assert keeper.restore_button.description == "Restore"

    keeper.restore_button.click()
    assert (page.hours.value, page.platform.value, page.name.value) == (30, "weibo", "Q3 plan")
    assert page.notes == ["post 1 approved"]
    assert keeper.found is None and keeper.buttons.layout.display == "none"
    assert "Restored the unsaved changes from 14:32" in keeper.text.value
    # the restored work is this session's unsaved work now, kept at once
    draft = store.draft("tiny")
    assert draft.session == keeper.session and draft.payload["state"]["hours"] == 30
    # a third opening offers it again
    assert TinyPage(store=store).drafts.found is not None


def test_discard_removes_the_draft(store, clock):
    _leave_work_behind(store, clock)
    page = TinyPage(store=store)
    page.drafts.discard_button.click()
    assert store.draft("tiny") is None
    assert page.hours.value == 60 and page.drafts.found is None
    assert "Discarded the unsaved changes from 14:32" in page.drafts.text.value
    assert TinyPage(store=store).drafts.found is None


def test_working_without_choosing_keeps_the_note_and_the_old_draft_restorable(store, clock):
    _leave_work_behind(store, clock)
    clock.advance(60)
    page = TinyPage(store=store)
    old = page.drafts.found
    assert store.draft("tiny").session == old.session  # kept until the planner changes a thing
    page.hours.value = 100                    # ignores the note and goes on working
    assert store.draft("tiny").session == page.drafts.session  # the new work is protected
    assert page.drafts.found is old           # ... and the old draft can still be restored
    page.drafts.restore()
    assert page.hours.value == 30
    page.drafts.discard()                     # nothing to discard any more: a no-op
    assert store.draft("tiny").session == page.drafts.session


def test_a_draft_the_page_already_shows_is_not_offered(store, clock):
    page = TinyPage(store=store)
    page.name.value = "x"
    clock.advance(5)
    # A default that differs (the draft's own session did not change it) is not "unsaved".
    store.put_draft("tiny", {"state": {"hours": 60, "platform": "weibo", "notes": [],
                                       "name": ""}, "changed": ["hours"]})
    assert TinyPage(store=store).drafts.found is None


def test_choices_the_new_data_lacks_are_named(store, clock):
    _leave_work_behind(store, clock)
    page = TinyPage(store=store)
    page.platform.options = ["wechat", "douyin"]  # the data on screen now has no weibo
    skipped = page.drafts.restore()
    assert skipped == ["platform"]
    assert page.hours.value == 30 and page.platform.value == "wechat"
    assert "except Platform" in page.drafts.text.value


def test_note_follows_the_language(store, clock):
    _leave_work_behind(store, clock)
    page = TinyPage(store=store)
    page.header.model.lang = "zh"
    keeper = page.drafts
    assert "发现 14:32 未保存的修改（方案“Q3 plan”）" in keeper.text.value
    assert "内容审核状态" in keeper.text.value
    assert (keeper.restore_button.description, keeper.discard_button.description) == (
        "恢复", "丢弃")


def test_work_on_an_uploaded_file_says_to_upload_it_again(store, clock):
    page = TinyPage(store=store, data_kinds=("articles",))
    source = page.header.source()
    source.source, source.file_name = "upload", "三月文章.csv"  # as after a good upload
    page.hours.value = 30
    reopened = TinyPage(store=store, data_kinds=("articles",))
    assert "uploaded file “三月文章.csv”: upload it again first" in reopened.drafts.message()


def test_an_unusable_store_is_said_and_the_page_goes_on(tmp_path, clock, monkeypatch):
    bad = tmp_path / "scenarios.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("WORKBENCH_DB", str(bad))
    page = TinyPage()  # the default store, opened on first use: it fails
    page.hours.value = 30
    assert page.hours.value == 30
    assert "Unsaved changes cannot be kept in case the page restarts" in page.drafts.text.value
    assert "not a readable SQLite database" in page.drafts.text.value
    assert bad.read_bytes() == b"not a database at all" * 100


def test_a_failing_store_is_retried_after_a_minute_not_on_every_change(store, clock):
    from workbench.store import StoreError

    class Flaky:
        """The real store, except that writing fails while ``broken``."""

        broken, attempts = True, 0

        def __getattr__(self, name):
            return getattr(store, name)

        def put_draft(self, *args, **kwargs):
            self.attempts += 1
            if self.broken:
                raise StoreError("the scenario database x.sqlite is locked: ...",
                                 "方案数据库 x.sqlite 被锁定：……")
            return store.put_draft(*args, **kwargs)

    flaky = Flaky()
    page = TinyPage(store=flaky)
    page.hours.value = 30
    assert flaky.attempts == 1 and "is locked" in page.drafts.text.value
    page.header.model.lang = "zh"  # the store's explanation follows the page's language
    assert "方案数据库 x.sqlite 被锁定" in page.drafts.text.value
    assert "is locked" not in page.drafts.text.value
    page.header.model.lang = "en"
    for value in (31, 32, 33):
        page.hours.value = value              # each try may wait for the lock: not again yet
    clock.advance(59)
    assert flaky.attempts == 1
    flaky.broken = False
    clock.advance(2)                          # a minute on: tried again, with the latest state
    assert flaky.attempts == 2 and store.draft("tiny").payload["state"]["hours"] == 33
    assert "cannot be kept" not in page.drafts.text.value  # the warning goes


def test_outside_a_kernel_the_real_clock_writes_with_the_next_change(store):
    keeper_clock = drafts.KernelClock()
    assert keeper_clock.call_later(1, lambda: None) is False  # no kernel: nothing runs later
    slider = w.IntSlider(value=1)
    keeper = DraftKeeper(lambda: store, "tiny", {"x": slider}, lang=lambda: "en",
                         clock=keeper_clock, interval=0.0)
    slider.value = 2
    assert store.draft("tiny").payload["state"] == {"x": 2}
    keeper.flush()
    assert keeper.writes == 1


# ---------------------------------------------------------------------------------------------
# real dashboards


def test_content_mix_page_restart(store, clock):
    from workbench.ui.mix import MixDashboard

    page = MixDashboard(lang="en", store=store)
    page.hours.value = 35
    page.budget.value = 6_000
    page.weights["follows"].value = 2.5
    first = page.model.calendar.items[0].item_id
    page.item_pick.value = first
    page.item_status.value = "approved"
    page.save_name.value = "Q3 plan"
    clock.advance(5)
    posts = page.model.plan.posts.copy()

    reopened = MixDashboard(lang="en", store=store)          # the kernel restarted
    keeper = reopened.drafts
    assert reopened.hours.value == 60                         # defaults until restored
    text = keeper.message()
    assert 'Unsaved changes from 14:32 (scenario "Q3 plan") were found' in text
    for label in ("Team hours a week", "Budget", "review statuses of posts"):
        assert label in text
    assert "Start" not in text  # not changed by the planner: not restored
    keeper.restore_button.click()
    assert (reopened.hours.value, reopened.budget.value) == (35, 6_000)
    assert reopened.weights["follows"].value == 2.5 and reopened.save_name.value == "Q3 plan"
    assert reopened.model.plan.posts.equals(posts)            # the same plan, re-solved
    assert reopened.model.calendar.item(first).status == "approved"

    assert reopened.save() == 1                               # saving clears the draft
    assert store.draft("mix_plan") is None
    assert MixDashboard(lang="en", store=store).drafts.found is None


def test_personas_page_restart(store, clock, monkeypatch):
    from workbench import io
    from workbench.ui.personas import PersonaDashboard

    # 2,000 of the sample's followers: each page segments at start, and this is about drafts
    followers = io.sample("followers").sample(2_000, random_state=0).reset_index(drop=True)
    sample = io.sample
    monkeypatch.setattr(io, "sample", lambda kind: followers.copy() if kind == "followers"
                        else sample(kind))
    page = PersonaDashboard(lang="en", store=store, background=False)
    page.k_slider.value = 4
    page.filter_boxes["city_tier"].value = "tier1"
    first = page.model.personas[0].id
    page.model.rename(first, "en", "Night owls")
    clock.advance(5)

    reopened = PersonaDashboard(lang="en", store=store, background=False)
    assert "Unsaved changes from 14:32 were found: Personas, City tier, persona names" in (
        reopened.drafts.message())
    reopened.drafts.restore()
    assert reopened.k_slider.value == 4 and reopened.model.segmentation.k == 4
    assert reopened.model.filters == {"city_tier": "tier1"}
    assert next(p for p in reopened.model.personas if p.id == first).name["en"] == "Night owls"
    reopened.drafts.discard()                                 # already restored: a no-op
    reopened.save_name.value = "Spring"
    assert reopened.save() == 1
    assert store.draft("personas") is None


def test_activity_roi_page_restart(store, clock):
    from workbench.ui import RoiDashboard

    page = RoiDashboard(lang="en", store=store)
    page.fields["reach"][1].value = 150_000                   # likely reach
    page.target.value = 20                                     # %
    page.scenario_name.value = "Lottery, wider reach"
    page.keep_scenario()
    page.save_name.value = "Double 11 lottery"
    clock.advance(5)
    roi_mean = page.model.result.summary["roi_mean"]

    reopened = RoiDashboard(lang="en", store=store)            # the kernel restarted
    assert reopened.fields["reach"][1].value == 100_000        # the template until restored
    text = reopened.drafts.message()
    assert '(scenario "Double 11 lottery") were found' in text
    reopened.drafts.restore_button.click()
    assert reopened.fields["reach"][1].value == 150_000 and reopened.target.value == 20
    assert [s["name"] for s in reopened.model.scenarios] == ["Lottery, wider reach"]
    assert reopened.model.result.summary["roi_mean"] == roi_mean  # the same simulation
    assert reopened.save() == 1 and store.draft("roi") is None


def test_campaign_review_page_restart(store, clock):
    from workbench.ui import ReviewDashboard

    page = ReviewDashboard(lang="en", store=store)
    key = next(iter(page.manual))
    page.manual[key].value = 35                                # a hand-entered rating
    page.freq.value = "weekly"
    page.save_name.value = "Q4 review"
    clock.advance(5)
    card = page.scorecard.value

    reopened = ReviewDashboard(lang="en", store=store)         # the kernel restarted
    assert reopened.manual[key].value == 80
    assert '(scenario "Q4 review") were found' in reopened.drafts.message()
    reopened.drafts.restore_button.click()
    assert reopened.manual[key].value == 35 and reopened.freq.value == "weekly"
    assert reopened.scorecard.value == card                    # the same scorecard
    assert reopened.save() == 1 and store.draft("review") is None


def test_a_control_without_a_label_is_named_by_its_choices():
    """Issue 23: the drafts banner listed a button group without a description as "?"."""
    toggle = w.ToggleButtons(options=[("Subscription account", "subscription"),
                                      ("Service account", "service")])
    assert drafts.widget_field(toggle).name("en") == "Subscription account / Service account"
    assert drafts.widget_field(w.IntSlider(description="Team hours")).name("en") == "Team hours"
