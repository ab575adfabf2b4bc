"""The campaign-review dashboard driven without a browser, and the closed loop into planning."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

from workbench import io, review
from workbench.i18n import level
from workbench.store import ScenarioStore
from workbench.ui import MixDashboard, ReviewDashboard, RoiDashboard


@pytest.fixture()
def store():
    return ScenarioStore("sqlite://")


@pytest.fixture()
def page(store):
    """A fresh page per test (about 0.8 s): tests move its controls and save into its store."""
    return ReviewDashboard(lang="en", store=store)


def test_opens_on_the_demo_plan_with_every_view(page):
    rv = page.model.review
    start = pd_date(io.sample("daily_users")["date"].max()) - np.timedelta64(41, "D")
    assert rv.weeks == 6 and str(rv.start) <= str(start)
    table = page.kpis.value
    assert table.count("<tr data-kpi=") == len(rv.kpis) == 15
    reads = rv.kpis.set_index("kpi").loc["reads"]
    assert f"{reads.actual:,.0f}" in table
    assert review.status_label(reads.status, "en") in table
    bars = page.charts["plan_vs_actual"].figure
    assert sum(bars.data[1].y) == pytest.approx(reads.actual, rel=1e-6)  # actual reads by platform
    assert page.charts["trends"].figure is not None and page.charts["wci"].figure is not None
    assert page.recommendations.value.count("<li>") == len(rv.recommendations) >= 3
    assert "data-total=" in page.scorecard.value
    assert page.leaderboard.value.count("<tr>") == 11  # header + 10 posts


def pd_date(value):
    import pandas as pd

    return np.datetime64(pd.Timestamp(value).date())


def bars_of(page, by: str, metric: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """What the plan-vs-actual chart should show: the review's own variance table grouped by
    ``by`` (names as the page shows them), plan and actual totals."""
    table = page.model.review.variance_by(by, metric).drop(index="total")
    names = [html.escape(level(by, str(code), "en"), quote=False) for code in table.index]
    return names, table["plan"].to_numpy(float), table["actual"].to_numpy(float)


def test_controls_redraw_in_place(page):
    platforms, _, reads = bars_of(page, "platform", "reads")
    fig = page.charts["plan_vs_actual"].figure
    assert list(fig.data[1].x) == platforms
    np.testing.assert_allclose(fig.data[1].y, reads)
    page.by.value = "content_type"                     # the control alone regroups the bars
    names, plan, actual = bars_of(page, "content_type", "reads")
    fig = page.charts["plan_vs_actual"].figure
    assert len(names) > 1 and not set(names) & set(platforms)
    assert list(fig.data[0].x) == list(fig.data[1].x) == names
    np.testing.assert_allclose(fig.data[0].y, plan)
    np.testing.assert_allclose(fig.data[1].y, actual)
    ticks = page.charts["waterfall"].figure.layout.xaxis.ticktext[1:-1]
    steps = {n.replace("<br>", "") for n in ticks}
    assert steps & set(names) and not steps & set(platforms)    # its effects too
    page.metric.value = "follows"
    names, plan, actual = bars_of(page, "content_type", "follows")
    fig = page.charts["plan_vs_actual"].figure
    assert list(fig.data[1].x) == names
    np.testing.assert_allclose(fig.data[0].y, plan)
    np.testing.assert_allclose(fig.data[1].y, actual)
    view = page.charts["trends"].view
    page.trend_metric.value = "new_follows"
    page.freq.value = "weekly"
    shown = page.charts["trends"].figure
    assert page.charts["trends"].view is view  # the chart on screen is redrawn, not replaced
    assert shown.layout.yaxis.title.text == "New follows per week"
    assert json.loads(view.figure)["layout"]["yaxis"]["title"]["text"] == "New follows per week"
    page.by.value, page.metric.value = "platform", "reads"
    page.freq.value = "daily"


def test_scorecard_follows_the_hand_entered_ratings(page):
    total = float(re.search(r'data-total="([\d.]+)"', page.scorecard.value).group(1))
    page.manual["ability"].value = 100
    higher = float(re.search(r'data-total="([\d.]+)"', page.scorecard.value).group(1))
    assert higher == pytest.approx(total + 0.20 * 20, abs=0.06)
    page.manual["ability"].value = 80
    # each slider names its part as the table's row does (issue 23), in both languages
    for lang in ("en", "zh"):
        page.header.model.lang = lang
        rows = re.findall(r"<tr><td>([^<]+)</td>", page.scorecard.value)
        for key, slider in page.manual.items():
            name = slider.description.rsplit(" (" if lang == "en" else "（", 1)[0]
            assert name in rows, (name, rows)
    page.header.model.lang = "en"


def test_report_is_offline_and_in_the_pages_language(page):
    page.header.model.lang = "zh"
    try:
        text = page.export_report()
        assert "数据概览" in text and "优化建议" in text and "总结" in text
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)
        link = re.search(r'download="([^"]+)" href="data:text/html;charset=utf-8;base64,([^"]+)"',
                         page.downloads.value)
        assert link.group(1).endswith("-zh.html")
        assert base64.b64decode(link.group(2)).decode("utf-8-sig") == text
    finally:
        page.header.model.lang = "en"


def test_a_plan_outside_the_data_is_explained_and_the_review_stays(page, store):
    kept = page.model.review
    plan = review.backtest_plan(io.sample("articles"), "2026-10-05", weeks=6)
    plan["calendar"] = {"start": "2030-01-07", "weeks": 4}
    store.save("mix_plan", "Next year", plan)
    page._fill_plans()
    page.plan_pick.value = "Next year"
    assert page.model.review is kept and page.model.error
    # a plan not started yet is news, not a fault (issue 22); the last review stays
    assert "wb-status--info" in page.status.value and "last review stays" in page.status.value
    assert "nothing to review yet" in page.status.value
    # a plan before the data begins is a fault: the data does not cover it
    plan["calendar"] = {"start": "2020-01-06", "weeks": 4}
    store.save("mix_plan", "Long ago", plan)
    page._fill_plans()
    page.plan_pick.value = "Long ago"
    assert "wb-status--error" in page.status.value and "last review stays" in page.status.value
    page.plan_pick.value = "__demo__"
    assert not page.model.error


def test_the_closed_loop_review_to_the_next_plan_and_estimate(page, store):
    """personas → plan → estimate → review → calibrated priors → a next plan that differs."""
    page.save_name.value = "October campaign"
    assert page.save() == 1
    saved = store.load("review", "October campaign")
    assert saved["calibrated"] == page.model.review.calibrated.to_payload()

    mix_page = MixDashboard(lang="en", store=store)
    before = mix_page.model.plan.posts.copy()
    mix_page.use_review.value = True
    assert "October campaign" in mix_page.review_note.value
    assert not mix_page.model.plan.posts.equals(before)

    roi_page = RoiDashboard(lang="en", store=store)
    kind = next(iter(page.model.review.calibrated.activities))
    roi_page.activity.value = kind
    roi_page.fill_from_history()
    history = roi_page.model.estimate
    assert roi_page.fill_from_review()
    assert roi_page.model.estimate != history


def test_a_failing_store_is_said_and_the_demo_still_reviews():
    from store_backends import LOCKED_EN, LOCKED_ZH, failing_store

    page = ReviewDashboard(lang="en", store=failing_store())
    assert "Could not read the saved plans: " + LOCKED_EN in page.plans_note.value
    assert page.model.review is not None  # the demo plan is reviewed all the same
    page.header.model.lang = "zh"
    assert "无法读取已保存的方案：" + LOCKED_ZH in page.plans_note.value
