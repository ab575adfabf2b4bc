"""The content-mix dashboard driven without a browser: rules → plan → KPIs, chart, calendar."""

from __future__ import annotations

import base64
import datetime as dt
import re

import icalendar
import numpy as np
import pytest

from workbench import mix
from workbench.store import ScenarioStore
from workbench.ui import MixDashboard, PersonaModel


@pytest.fixture()
def page():
    return MixDashboard(lang="en", store=ScenarioStore("sqlite://"))


def posts_in_chart(page) -> np.ndarray:
    return np.array([list(tr.y) for tr in page.charts["mix"].figure.data], dtype=int)


def test_opens_with_a_plan_its_chart_and_a_calendar(page):
    plan = page.model.plan
    assert plan.status == "optimal" and page.model.attempt is plan
    # the chart draws the plan: a trace per content type, a bar per platform
    assert posts_in_chart(page).T.tolist() == plan.posts.to_numpy().tolist()
    assert f"{plan.total('reads'):,.0f}" in page.kpis.value
    cal = page.model.calendar
    assert page.model.start.weekday() == 0 and page.model.start > dt.date.today()
    assert len(cal.items) == 4 * int(plan.posts.to_numpy().sum())
    assert page.calendar_view.value.count('data-item=') == len(cal.items)
    assert page.calendar_view.value.count('class="wb-week"') == 4
    assert "Plan found" in page.status.value
    assert "Diminishing returns" in page.notes.value
    est = page.charts["estimates"].figure
    assert len(est.data) == 6  # five platforms and the raw averages


def test_hours_slider_resolves_and_redraws(page):
    page.hours.value = 35  # the platform minimums alone need about 29 h
    small = page.model.plan
    assert small.feasible and small.constraints.team_hours == 35
    assert small.usage.set_index("group").loc["team_hours", "used"] <= 35 + 1e-6
    chart_small = posts_in_chart(page).sum()
    page.hours.value = 120
    big = page.model.plan
    assert big.usage.set_index("group").loc["team_hours", "used"] <= 120 + 1e-6
    assert posts_in_chart(page).sum() > chart_small
    assert big.total("reads") > small.total("reads")
    assert len(page.model.calendar.items) == 4 * int(big.posts.to_numpy().sum())


def test_conflicting_rules_are_explained_and_the_last_plan_stays(page):
    kept = page.model.plan
    page.hours.value = 5
    assert page.model.plan is kept and page.model.attempt.status == "infeasible"
    assert "No plan meets every rule" in page.status.value
    assert "the team has 5 h" in page.status.value
    page.header.model.lang = "zh"
    assert "团队只有 5 小时" in page.status.value
    page.header.model.lang = "en"
    page.hours.value = 60
    assert page.model.plan is not kept and "Plan found" in page.status.value


def test_service_account_and_platforms(page):
    page.account.value = "service"
    plan = page.model.plan
    assert plan.pushes["wechat"] <= 1
    page.platforms.value = ("wechat", "douyin")
    assert list(page.model.plan.posts.index) == ["wechat", "douyin"]
    assert {i.platform for i in page.model.calendar.items} <= {"wechat", "douyin"}


def test_share_rules_and_goal_weights(page):
    page.shares["educational"].value = (20, 100)
    posts = page.model.plan.posts
    assert posts["educational"].sum() >= 0.2 * posts.to_numpy().sum() - 1e-9
    before = page.model.plan.total("follows")
    for goal in ("reads", "engagement", "conversions"):
        page.weights[goal].value = 0
    assert page.model.plan.total("follows") >= before


def test_target_personas_from_a_saved_persona_set(page):
    store = page.store
    personas = PersonaModel(followers=__import__("workbench.io").io.sample("followers"))
    store.save("personas", "Q4 audience", personas.payload())
    page._fill_saved()
    page.persona_set.value = "Q4 audience"
    assert len(page.persona_pick.options) == 6
    students = next(pid for label, pid in page.persona_pick.options if "student" in label.lower())
    page.persona_min.value = 6
    page.persona_pick.value = (students,)
    target = page.model.constraints.personas[0]
    assert target.min_posts == 6 and set(target.content_types) & {"fun", "interactive"}
    posts = page.model.plan.posts
    served = int(posts[list(target.content_types)].to_numpy().sum())
    assert served >= 6

    # the page says what the rule did: the plan without persona rules, solved for comparison
    free = mix.plan(page.model.estimates, page.model.constraints.replace(personas=()))
    without = int(free.posts[[c for c in target.content_types
                              if c in free.posts.columns]].to_numpy().sum())
    (effect,) = mix.persona_effect(page.model.estimates, page.model.plan)
    assert (effect["posts"], effect["without"], effect["min_posts"]) == (served, without, 6)
    assert effect["binds"] == (without < 6)
    note = page.persona_note.value
    assert f"{served} posts a week" in note and "at least 6 asked" in note
    assert ("changes the plan" if without < 6 else "does not change the plan") in note
    # at a minimum the plan meets anyway, the page says the rule changes nothing
    page.persona_min.value = 1
    (effect,) = mix.persona_effect(page.model.estimates, page.model.plan)
    assert effect["without"] >= 1 and not effect["binds"]
    assert "does not change the plan" in page.persona_note.value
    page.header.model.lang = "zh"
    assert "此规则未改变方案" in page.persona_note.value
    assert page.persona_pick.value == (students,)       # the language keeps what was picked
    page.persona_pick.value = ()
    assert page.persona_note.value == ""


def test_calendar_status_is_editable_and_saved_with_the_plan_and_ics(page):
    first = page.model.calendar.items[0].item_id
    page.item_pick.value = first
    page.item_status.value = "approved"
    assert page.model.calendar.item(first).status == "approved"
    assert "Approved" in page.calendar_view.value
    page.hours.value = 61  # a re-solve keeps the statuses typed so far
    if any(i.item_id == first for i in page.model.calendar.items):
        assert page.model.calendar.item(first).status == "approved"
    page.save_name.value = "Plan <Q1>"
    assert page.save() == 1
    saved = page.store.load("mix_plan", "Plan <Q1>")
    expected = saved["kpi_targets"]["reads"]["expected"]
    assert expected == pytest.approx(page.model.plan.total("reads"))
    assert any(i["status"] == "approved" for i in saved["calendar_items"]) or first not in {
        i.item_id for i in page.model.calendar.items}
    assert mix.MixPlan.from_payload(saved).posts.equals(page.model.plan.posts)
    for kind in ("csv", "ics", "xlsx"):                       # one click, one file
        page.export_buttons[kind].click()
    assert [name.rsplit(".", 1)[1] for name, _ in page.downloads.sent] == ["csv", "ics", "xlsx"]
    links = re.findall(r'download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)"',
                       page.downloads.value)
    assert [base64.b64decode(data) for _, _, data in links] == [
        raw for _, raw in page.downloads.sent]
    ics = icalendar.Calendar.from_ical(page.downloads.sent[1][1])
    events = [e for e in ics.walk("VEVENT")]
    assert len([e for e in events if "wechat" in str(e.get("UID")) or e.get("DTSTART").dt.__class__
                is dt.datetime]) >= len(page.model.calendar.items)


def test_baseline_comparison(page):
    page.save_name.value = "Baseline"
    page.save()
    page._fill_saved()
    page.baseline.value = "Baseline"
    assert "+0% vs baseline" in page.kpis.value
    page.hours.value = 120
    assert re.search(r"\+\d+% vs baseline", page.kpis.value)


def test_frontier_on_request(page):
    assert page.charts["frontier"].box.layout.display == "none"
    page.frontier_button.click()
    points = page.frontier_points
    assert len(points) == 11 and (points["status"] != "infeasible").all()
    fig = page.charts["frontier"].figure
    assert list(fig.data[0].x) == pytest.approx(points["reads"].tolist())
    assert fig.data[1].x[0] == pytest.approx(page.model.plan.total("reads"))
    # more weight on follows never buys more reads, nor fewer follows
    ordered = points.sort_values("weight")
    assert ordered["reads"].is_monotonic_decreasing and ordered["follows"].is_monotonic_increasing


def test_chinese(page):
    page.header.model.lang = "zh"
    assert "各平台每周发文" in page.charts["mix"].figure.layout.title.text
    assert "周一" in page.calendar_view.value and "草稿" in page.calendar_view.value
    assert page.account.options[0][0] == "订阅号"
    assert "已找到方案" in page.status.value


def test_an_upload_too_short_to_plan_from_is_explained_and_the_plan_stays(page):
    kept = page.model.plan
    short = __import__("workbench.io").io.sample("articles").head(3).to_csv(index=False).encode()
    assert page.header.pickers["articles"].upload_file(short, "three.csv")
    assert page.model.plan is kept
    assert "Too little history" in page.status.value
    page.header.model.lang = "zh"
    assert "历史数据太少" in page.status.value


@pytest.fixture(scope="module")
def sample_review():
    from workbench import io, review

    plan = review.backtest_plan(io.sample("articles"), "2026-10-05", weeks=6)
    return review.review(plan, io.sample("daily_users"), io.sample("articles"),
                         io.sample("activities"), impact=False).to_payload()


def test_use_last_review_moves_the_estimates_and_the_plan(page, sample_review):
    page.use_review.value = True  # nothing saved yet: said, and the box unticks
    assert page.use_review.value is False and "No saved campaign review" in page.review_note.value
    before_plan, before = page.model.plan.posts.copy(), page.model.estimates
    page.store.save("review", "October campaign", sample_review)
    page.use_review.value = True
    assert page.model.calibration == sample_review["calibrated"]
    assert page.model.estimates is not before
    cells = page.model.estimates.cells.set_index(["platform", "content_type", "metric"])["mean"]
    old = before.cells.set_index(["platform", "content_type", "metric"])["mean"]
    assert not np.allclose(cells.to_numpy(), old.reindex(cells.index).to_numpy())
    assert not page.model.plan.posts.equals(before_plan)  # the next plan differs because of it
    assert "October campaign" in page.review_note.value and "2026-10-05" in page.review_note.value
    page.use_review.value = False
    assert page.model.estimates.cells["mean"].equals(before.cells["mean"])


def test_a_failing_store_is_said_never_taken_for_nothing_saved():
    """Issue 20: a store that could not be read made the page say "no saved campaign review"
    (and list no persona sets) while the database was locked."""
    from store_backends import LOCKED_EN, LOCKED_ZH, failing_store

    page = MixDashboard(lang="en", store=failing_store())
    note = page.store_note.value
    assert "Could not read the saved persona sets: " + LOCKED_EN in note
    assert "Could not read the saved plans to compare with: " + LOCKED_EN in note
    page.use_review.value = True
    assert page.use_review.value is False
    assert "Could not read the last saved campaign review: " + LOCKED_EN in page.store_note.value
    assert "No saved campaign review" not in page.review_note.value
    page.header.model.lang = "zh"
    assert "无法读取最近保存的复盘：" + LOCKED_ZH in page.store_note.value
    assert "无法读取已保存的画像集：" + LOCKED_ZH in page.store_note.value
    assert "Could not" not in page.store_note.value
    assert page.model.plan is not None  # planning goes on without the store


def test_posts_a_week_per_platform_are_set_on_the_page(page):
    """Issue 22: a minimum and a maximum per platform in the plan, and the plan keeps them."""
    shown = [s.description for s in page.cadence_box.children]
    assert shown == ["WeChat", "Weibo", "Douyin", "Xiaohongshu", "Zhihu",
                     "No content type back to back on a platform"]
    assert page.rule_panel.get_title(1) == "Posts a week per platform (minimum – maximum)"
    assert page.cadence["weibo"].value == mix.CADENCE["weibo"]
    page.cadence["weibo"].value = (2, 3)
    posts = page.model.plan.posts.sum(axis=1)
    assert 2 <= posts["weibo"] <= 3
    assert page.model.constraints.posts_range("weibo") == (2, 3)
    page.platforms.value = ("wechat", "weibo")
    assert [s.description for s in page.cadence_box.children][:2] == ["WeChat", "Weibo"]
    assert len(page.cadence_box.children) == 3
    page.variety.value = False
    assert page.model.constraints.variety is False


def test_every_fix_a_conflict_suggests_points_to_a_control_on_the_page(page):
    """The infeasibility message names the control that changes each conflicting rule, with
    the label it has on the page."""
    page.cadence["wechat"].value = (12, 14)   # 12 WeChat posts a week need more hours than 20
    page.hours.value = 20
    assert page.model.attempt.status == "infeasible"
    groups = {c.group for c in page.model.attempt.conflicts}
    assert {"team_hours", "platform_min"} <= groups
    status = re.sub(r"<[^>]+>", "\n", page.status.value)
    assert f"Change it here: {page.hours.description}." in status
    panel = page.rule_panel.get_title(1).split(" (")[0]          # "Posts a week per platform"
    assert f"Change it here: {panel} (lower a minimum)." in status
    page.header.model.lang = "zh"
    status = re.sub(r"<[^>]+>", "\n", page.status.value)
    assert f"在此调整：{page.hours.description}。" in status
    assert "在此调整：各平台每周发文数（降低最少值）。" in status
    page.header.model.lang = "en"
    page.cadence["wechat"].value = (3, 14)
    page.hours.value = 60
    assert page.model.plan.status == "optimal"


def test_a_calendar_item_is_tracked_filtered_and_reopened_with_the_plan(tmp_path):
    """Issue 22: topic, owner, time and status of a post, each change with who and when;
    the calendar filters by owner and status; a reload (a new page) opening the saved plan
    shows them."""
    db = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    page = MixDashboard(lang="en", store=ScenarioStore(db))
    first = page.model.calendar.items[0]
    moved = first.start.date() + dt.timedelta(days=1)
    page.item_pick.value = first.item_id
    page.item_topic.value = "年终盘点：十大干货"
    page.item_owner.value = "小王"
    page.item_date.value = moved
    page.item_time.value = "09:30"
    assert page.apply_item()
    page.item_status.value = "final_review"
    item = page.model.calendar.item(first.item_id)
    assert (item.topic, item.owner, item.status) == ("年终盘点：十大干货", "小王", "final_review")
    assert item.start == dt.datetime.combine(moved, dt.time(9, 30))
    assert "年终盘点：十大干货" in page.calendar_view.value and "小王" in page.calendar_view.value
    assert "Changes:" in page.item_history.value and "Final review" in page.item_history.value
    assert [o for _, o in page.filter_owner.options] == ["*", "", "小王"]
    page.filter_owner.value = "小王"
    assert page.calendar_view.value.count("data-item=") == 1
    assert "Showing 1 of" in page.filter_note.value
    page.filter_owner.value = "*"
    page.filter_status.value = "final_review"
    assert page.calendar_view.value.count("data-item=") == 1
    page.filter_status.value = "*"
    page.item_time.value = "25:99"
    assert not page.apply_item()
    assert "Cannot read the date and time" in page.status.value
    page.save_name.value = "Week plan"
    page.save()
    # a reload: another page opens the saved plan from the scenario browser
    again = MixDashboard(lang="zh", store=ScenarioStore(db))
    assert again.scenarios.open("Week plan")
    item = again.model.calendar.item(first.item_id)
    assert (item.topic, item.owner, item.status) == ("年终盘点：十大干货", "小王", "final_review")
    assert "终审" in again.calendar_view.value
    again.item_pick.value = first.item_id
    assert again.item_owner.value == "小王" and again.item_time.value == "09:30"
    assert "修改记录" in again.item_history.value


def test_a_planned_post_the_team_published_shows_with_its_reads(page):
    from workbench import io

    articles = io.sample("articles")
    page.start.value = dt.date(2026, 10, 5)
    item = next(it for it in page.model.calendar.items if it.platform == "wechat")
    day = articles[(articles["publish_time"].dt.date == item.start.date())
                   & (articles["platform"] == "wechat")]
    page.item_pick.value = item.item_id
    page.item_topic.value = day["title"].iloc[0]
    assert page.apply_item()
    chip = re.search(rf'<div class="wb-chip[^"]*" [^>]*data-item="{item.item_id}">(.*?)</div>',
                     page.calendar_view.value).group(1)
    reads = f"{int(day['reads'].iloc[0]):,}"
    assert f"published: {day['title'].iloc[0]} ({reads} reads)" in chip
    assert "Published" in chip


def test_the_platforms_asked_for_come_back_with_data_that_has_them():
    """Data with WeChat alone narrows the plan to WeChat; data with every platform (the demo,
    another account) brings back the platforms the planner asked for, not WeChat alone."""
    from workbench import io
    from workbench.ui.mix import MixModel

    demo = io.sample("articles")
    wechat = demo[demo["platform"] == "wechat"]
    model = MixModel(articles=demo)
    everything = tuple(model.constraints.platforms)
    assert len(everything) == 5
    model.articles = wechat
    assert model.constraints.platforms == ("wechat",)
    assert set(model.plan.posts.index) == {"wechat"}
    model.articles = demo
    assert model.constraints.platforms == everything
    assert model.set_rules(platforms=("wechat", "weibo"))
    model.articles = wechat
    assert model.constraints.platforms == ("wechat",)
    model.articles = demo
    assert model.constraints.platforms == ("wechat", "weibo")


def test_the_platform_list_follows_the_data(page):
    """The page's platform list offers the platforms of the data in use, and ticks those the
    plan uses, after the data changed under it."""
    from workbench import io

    demo = io.sample("articles")
    page.model.articles = demo[demo["platform"] == "wechat"]
    assert [v for _, v in page.platforms.options] == ["wechat"]
    assert page.platforms.value == ("wechat",)
    page.model.articles = demo
    assert len(page.platforms.options) == 5
    assert set(page.platforms.value) == set(page.model.constraints.platforms)
    assert len(page.platforms.value) == 5


def test_a_reviewer_on_the_hub_sees_only_their_steps_and_a_refused_one_says_why(monkeypatch):
    """Signed in to a team's hub as a first reviewer: the steps that are not theirs are greyed
    out with whose step each is; topic, owner and time are locked; a refused click changes
    nothing, says why in both languages, and the status shown goes back."""
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    monkeypatch.setenv("WORKBENCH_GROUPS", "初审")
    page = MixDashboard(lang="en", store=ScenarioStore("sqlite://"))
    first = page.model.calendar.items[0].item_id
    page.model.calendar.set_status(first, "first_review", roles={"editor"}, by="alice")
    page.item_pick.value = first
    page._on_item()
    refused = {s for i, s in enumerate(mix.STATUSES) if f"wb-refuse-{i}" in
               page.item_status._dom_classes}
    assert refused == {"draft", "approved", "published"}
    tips = dict(zip(mix.STATUSES, page.item_status.tooltips))
    assert tips["approved"] == "A step for an admin" and tips["final_review"] == ""
    assert page.item_topic.disabled and page.item_apply.disabled
    assert "Signed in as bob (first reviewer)" in page.item_role.value
    page.item_status.value = "approved"
    assert page.model.calendar.item(first).status == "first_review"
    assert page.item_status.value == "first_review"
    assert "step for an admin; your role: first reviewer" in page.status.value
    assert "step for an admin; your role: first reviewer" in page.item_role.value  # beside it
    page.item_status.value = "final_review"
    item = page.model.calendar.item(first)
    assert item.status == "final_review" and item.history[-1]["by"] == "bob"
    page.header.model.lang = "zh"
    assert "当前登录：bob（初审）" in page.item_role.value
    tips = dict(zip(mix.STATUSES, page.item_status.tooltips))
    assert tips["approved"] == "这一步需要终审或管理员"
