"""Work deferred until the page's cell has ended (``workbench.ui.soon``): in Voilà the page is
sent only after its cell ends, so charts and the look for a draft wait until then (issue 7)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from workbench.store import ScenarioStore
from workbench.ui import drafts, soon
from workbench.ui.drafts import ManualClock


class Loop:
    """Stands in for the kernel's event loop: keeps callbacks until ``run_all``."""

    def __init__(self):
        self.callbacks = []

    def add_callback(self, fn, *args):
        self.callbacks.append((fn, args))

    def run_all(self):
        callbacks, self.callbacks = self.callbacks, []
        for fn, args in callbacks:
            fn(*args)


def test_outside_deferred_work_runs_at_once():
    done = []
    soon.soon("a", lambda: done.append("a"))
    assert done == ["a"]


def test_queued_work_waits_for_the_cell_to_end_and_a_later_request_replaces_an_earlier():
    loop, done = Loop(), []
    with soon.deferred(loop=loop):
        soon.soon("map", lambda: done.append("map v1"))
        soon.soon("bars", lambda: done.append("bars"))
        soon.soon("map", lambda: done.append("map v2"))  # replaces v1, and goes last
        with soon.deferred(loop=loop):  # nested: the outer block runs everything
            soon.soon("note", lambda: done.append("note"))
        assert done == [] and loop.callbacks == []
    assert done == [] and len(loop.callbacks) == 1  # one callback, after the cell
    loop.run_all()
    assert done == ["bars", "map v2", "note"]
    soon.soon("after", lambda: done.append("after"))  # the block is over: at once again
    assert done[-1] == "after"


def test_run_now_runs_the_chosen_queued_work_in_order_and_leaves_the_rest_queued():
    """What a pre-heated kernel does before its visit: the charts now, the draft look later."""
    loop, done = Loop(), []
    soon.run_now(lambda key: True)  # outside deferred: nothing queued, nothing run
    with soon.deferred(loop=loop):
        soon.soon("map", lambda: done.append("map"))
        soon.soon("draft", lambda: done.append("draft"))
        soon.soon("bars", lambda: (done.append("bars"),
                                   soon.soon("legend", lambda: done.append("legend"))))
        soon.run_now(lambda key: key != "draft")  # and what the work queued in turn
        assert done == ["map", "bars", "legend"]
        soon.soon("map", lambda: done.append("map again"))  # queued again, after the cell
    assert done == ["map", "bars", "legend"]
    loop.run_all()
    assert done == ["map", "bars", "legend", "draft", "map again"]


def test_without_a_kernel_loop_the_work_runs_when_the_block_ends():
    done = []
    with soon.deferred(loop=None):
        soon.soon("x", lambda: done.append("x"))
        assert done == []
    assert done == ["x"]


def test_a_failing_piece_is_logged_and_the_rest_still_runs(caplog):
    loop, done = Loop(), []
    with soon.deferred(loop=loop):
        soon.soon("bad", lambda: 1 / 0)
        soon.soon("good", lambda: done.append("good"))
    with caplog.at_level(logging.ERROR, logger="workbench.ui.soon"):
        loop.run_all()
    assert done == ["good"] and "deferred page work failed" in caplog.text


@pytest.fixture()
def clock(monkeypatch):
    clock = ManualClock(dt.datetime(2025, 3, 8, 6, 32, tzinfo=dt.timezone.utc))
    monkeypatch.setattr(drafts, "default_clock", lambda: clock)
    return clock


def test_a_page_built_deferred_draws_and_finds_its_draft_once_the_cell_ends(tmp_path, clock):
    from workbench.ui import RoiDashboard

    with ScenarioStore(tmp_path / "scenarios.sqlite") as store:
        first = RoiDashboard(lang="en", store=store)          # built at once (a test, no Voilà)
        assert first.charts["histogram"].figure is not None
        first.fields["reach"][1].value = 150_000              # an unsaved edit: a draft
        clock.advance(5)
        assert store.draft("roi") is not None

        loop = Loop()
        with soon.deferred(loop=loop):
            page = RoiDashboard(lang="en", store=store)        # as in Voilà, the kernel restarted
        # the cell has ended; nothing drawn or looked up yet, but the inputs are there
        assert all(slot.figure is None for slot in page.charts.values())
        assert page.drafts.found is None and page.fields["reach"][1].value == 100_000
        loop.run_all()                                          # the kernel is idle again
        histogram = page.charts["histogram"].figure
        assert histogram is not None and histogram.data
        assert page.charts["histogram"].view is not None  # on its way to the browser
        assert page.drafts.found is not None
        assert "were found" in page.drafts.message()
        page.drafts.restore_button.click()
        assert page.fields["reach"][1].value == 150_000


class TimerLoop(Loop):
    """A kernel loop with timers: ``call_later`` keeps them until ``fire``."""

    def __init__(self):
        super().__init__()
        self.timers = {}

    def call_later(self, delay, fn):
        handle = object()
        self.timers[handle] = (delay, fn)
        return handle

    def remove_timeout(self, handle):
        del self.timers[handle]

    def fire(self):
        timers, self.timers = self.timers, {}
        for _, fn in timers.values():
            fn()


def test_after_waits_a_moment_and_a_later_call_replaces_the_waiting_one(monkeypatch):
    loop, done = TimerLoop(), []
    monkeypatch.setattr(soon, "kernel_loop", lambda: loop)
    soon.after("rest", lambda: done.append("v1"))
    soon.after("rest", lambda: done.append("v2"))
    soon.after("other", lambda: done.append("other"), delay=0.2)
    assert done == [] and sorted(d for d, _ in loop.timers.values()) == [soon.AFTER, 0.2]
    loop.fire()
    assert sorted(done) == ["other", "v2"]
    assert soon._waiting == {}


def test_after_runs_at_once_outside_a_kernel_and_queues_while_a_page_is_built(monkeypatch):
    done = []
    monkeypatch.setattr(soon, "kernel_loop", lambda: None)
    soon.after("x", lambda: done.append("x"))
    assert done == ["x"]
    loop = Loop()
    with soon.deferred(loop=loop):
        soon.after("y", lambda: done.append("y"))
    assert done == ["x"]
    loop.run_all()
    assert done == ["x", "y"]


def test_a_persona_filter_sends_the_heatmap_before_the_other_charts(monkeypatch):
    """In the browser each chart's message is drawn in the order it arrives: the heatmap a
    filter is watched on goes alone, the rest a moment later (issue 7)."""
    from workbench.ui import PersonaDashboard

    page = PersonaDashboard(lang="en", background=False, store=ScenarioStore("sqlite://"))
    loop = TimerLoop()
    monkeypatch.setattr(soon, "kernel_loop", lambda: loop)
    heat, sizes, cards = page.heatmap, page.sizes, page.cards.value
    box = page.filter_boxes["city_tier"]
    box.value = next(v for _, v in box.options if v != box.value)
    assert page.heatmap is not heat
    assert page.sizes is sizes and page.cards.value == cards and len(loop.timers) == 1
    loop.fire()
    assert page.sizes is not sizes and page.cards.value != cards
