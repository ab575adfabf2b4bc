"""Reviewing the team's own plan (issue 22): KPI targets entered by hand are the KPI table's
plan; a plan partly in the future is reviewed up to the data's last day and says what is to
come; a plan not started yet says so, never a broken review."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path

import pytest

from workbench import review
from workbench.errors import InputError

_spec = importlib.util.spec_from_file_location(
    "review_fixture", Path(__file__).with_name("test_review.py"))
_fixture = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("review_fixture", _fixture)
_spec.loader.exec_module(_fixture)
PLAN, ARTICLES, ACTIVITIES, VALUE, daily = (_fixture.PLAN, _fixture.ARTICLES, _fixture.ACTIVITIES,
                                            _fixture.VALUE, _fixture._daily)


def run(plan, **options) -> review.CampaignReview:
    """The fixture's review of ``plan`` (no counterfactual: these tests read the KPIs)."""
    return review.review(plan, daily(), ARTICLES, ACTIVITIES, assumptions=VALUE, impact=False,
                         **options)


def kpis(rv: review.CampaignReview):
    return rv.kpis.set_index("kpi")


def test_targets_entered_by_hand_are_the_plan_of_the_kpi_table() -> None:
    plain = kpis(run(PLAN))
    targets = {"posts": 6, "reads": 5000, "new_follows": 420, "engagement_rate": 0.05,
               "follow_conversion": 0.004, "cumulative_follows": 10_500}
    rv = run(PLAN, targets=targets)
    k = kpis(rv)
    for key, value in targets.items():       # one week reviewed: a week's targets as they are
        assert k.at[key, "plan"] == pytest.approx(value), key
        assert k.at[key, "plan_source"] == "target"
        assert k.at[key, "actual"] == pytest.approx(plain.at[key, "actual"])
    assert k.at["new_follows", "diff"] == pytest.approx(plain.at["new_follows", "actual"] - 420)
    # the others keep their plan (or pre-period)
    assert k.at["share_rate", "plan_source"] == plain.at["share_rate", "plan_source"] == "plan"
    assert k.at["unfollows", "plan"] == pytest.approx(plain.at["unfollows", "plan"])
    # saved with the plan (kpi_goals), a plan's targets apply without being passed
    saved = dict(copy.deepcopy(PLAN), kpi_goals={"reads": 5000})
    k2 = kpis(run(saved))
    assert (k2.at["reads", "plan"], k2.at["reads", "plan_source"]) == (5000, "target")


def test_weekly_targets_are_prorated_to_the_days_reviewed() -> None:
    two_weeks = dict(copy.deepcopy(PLAN), calendar={"start": "2026-03-02", "weeks": 2})
    rv = run(two_weeks, targets={"reads": 7000, "engagement_rate": 0.05})
    k = kpis(rv)
    assert k.at["reads", "plan"] == pytest.approx(7000)          # 7 of 14 days: one week
    assert k.at["engagement_rate", "plan"] == pytest.approx(0.05)
    assert any("Still to come: 7 days, 2026-03-09 – 2026-03-15." in en for en, _ in rv.notes)
    assert any("尚未到来：2026-03-09 至 2026-03-15，共 7 天。" in zh for _, zh in rv.notes)


@pytest.mark.parametrize(("targets", "en", "zh"), [
    ({"engagement_rate": 1.5}, "The target for Engagement rate must be a share between 0% "
     "and 100%, not 1.5.", "“互动率”的目标应为0% 到 100% 之间的比例"),
    ({"reads": "lots"}, "The target for Reads must be a number of 0 or more, not 'lots'.",
     "“阅读量”的目标应为不小于 0 的数字"),
    ({"posts": -1}, "The target for Posts published must be a number of 0 or more, not -1.",
     "“发文篇数”的目标应为不小于 0 的数字"),
    ({"wows": 3}, "There is no KPI 'wows' to set a target for.", "没有可设定目标的指标"),
])
def test_a_target_that_cannot_be_used_is_refused_in_both_languages(targets, en, zh) -> None:
    with pytest.raises(InputError) as err:
        run(PLAN, targets=targets)
    assert en in err.value.en and zh in err.value.zh


def test_a_net_follows_target_may_be_negative_and_blanks_are_no_target() -> None:
    assert review.check_goals({"net_follows": -50, "reads": "", "posts": None}) == {
        "net_follows": -50.0}


def test_a_plan_not_started_yet_says_so() -> None:
    future = dict(copy.deepcopy(PLAN), calendar={"start": "2026-04-06", "weeks": 4})
    with pytest.raises(review.NotYet) as err:
        run(future)
    assert (str(err.value.start), str(err.value.end), str(err.value.data_end)) == (
        "2026-04-06", "2026-05-03", "2026-03-08")
    assert err.value.en.startswith("This plan runs 2026-04-06 – 2026-05-03, and the data ends "
                                   "on 2026-03-08: nothing to review yet.")
    assert "暂时没有可复盘的内容" in err.value.zh
    # reviewed over other dates, the same plan is a review
    rv = run(future, start="2026-03-02", weeks=1)
    assert kpis(rv).at["posts", "actual"] == 5
    # a plan before the data is still an error (the data does not cover it)
    past = dict(copy.deepcopy(PLAN), calendar={"start": "2025-01-06", "weeks": 1})
    with pytest.raises(InputError) as err:
        run(past)
    assert not isinstance(err.value, review.NotYet)


def test_the_summary_says_which_way_and_against_what() -> None:
    """Issue 23: "Reads … (53.5 %)" meant 53.5 % above plan without saying so."""
    rv = run(PLAN)
    k = kpis(rv)
    pct = k.at["reads", "pct"]
    word, zh = ("above", "高") if pct > 0 else ("below", "低")
    assert f"Reads were {k.at['reads', 'actual']:,.0f}, {abs(pct):.1f}% {word} the " \
        f"{k.at['reads', 'plan']:,.0f} planned;" in rv.summary["en"]
    assert f"比计划 {k.at['reads', 'plan']:,.0f} {zh} {abs(pct):.1f}%" in rv.summary["zh"]
    targeted = run(PLAN,
                             targets={"reads": 5000})
    assert "the 5,000 targeted" in targeted.summary["en"]
    assert "比目标 5,000" in targeted.summary["zh"]


def test_a_trend_title_counts_in_words() -> None:
    from workbench.i18n import plural

    assert (plural("chart.review.trends.spikes", 1, "en"),
            plural("chart.review.trends.spikes", 2, "en"),
            plural("chart.review.trends.drops", 0, "en")) == ("1 spike", "2 spikes", "0 drops")
    assert plural("chart.review.trends.drops", 1, "zh") == "1 次异常下降"
