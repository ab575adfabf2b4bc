"""Page 04 reviews the team's own plan (issue 22): over other dates when it has not started,
against KPI targets typed on the page and saved with the plan."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from workbench.store import ScenarioStore
from workbench.ui import MixDashboard, ReviewDashboard


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'scenarios.sqlite'}"


def text(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())


def kpi_row(page, key: str) -> str:
    row = re.search(rf'<tr data-kpi="{key}">(.*?)</tr>', page.kpis.value).group(1)
    return text(row)


def test_a_saved_plan_in_the_future_is_news_and_is_reviewed_over_other_dates(db) -> None:
    plan_page = MixDashboard(lang="en", store=ScenarioStore(db))
    plan_page.save_name.value = "Next month"
    plan_page.save()                         # its calendar starts next Monday: in the future
    page = ReviewDashboard(lang="en", store=ScenarioStore(db))
    page.plan_pick.value = "Next month"
    status = text(page.status.value)
    assert "wb-status--info" in page.status.value
    assert status.startswith("This plan runs ") and "nothing to review yet" in status
    assert "choose other dates" in status
    assert page.period_start.disabled
    page.other_dates.value = True
    page.period_start.value = dt.date(2026, 10, 5)
    page.period_weeks.value = 4
    rv = page.model.review
    assert not page.model.error
    assert (str(rv.start), str(rv.end)) == ("2026-10-05", "2026-11-01")
    assert text(page.status.value).startswith("Reviewing 2026-10-05 – 2026-11-01 (4 weeks)")
    page.header.model.lang = "zh"
    page.other_dates.value = False
    assert "暂时没有可复盘的内容" in text(page.status.value)


def test_targets_typed_are_the_plan_and_are_saved_with_it(db) -> None:
    plan_page = MixDashboard(lang="en", store=ScenarioStore(db))
    plan_page.save_name.value = "Q4"
    plan_page.save()
    page = ReviewDashboard(lang="en", store=ScenarioStore(db))
    page.plan_pick.value = "Q4"
    page.other_dates.value = True
    page.period_start.value = dt.date(2026, 10, 5)
    page.period_weeks.value = 2
    assert page.targets["reads"].description == "Reads a week"
    assert page.targets["engagement_rate"].description.endswith("(%)")
    page.targets["reads"].value = "5万"
    page.targets["engagement_rate"].value = "5%"
    k = page.model.review.kpis.set_index("kpi")
    assert k.at["reads", "plan"] == pytest.approx(100_000)       # two weeks of 50,000
    assert k.at["engagement_rate", "plan"] == pytest.approx(0.05)
    assert k.at["reads", "plan_source"] == "target"
    assert "(target)" in kpi_row(page, "reads")
    page.targets["engagement_rate"].value = "150"
    assert "must be a share between 0% and 100%" in text(page.status.value)
    assert page.model.review.kpis.set_index("kpi").at["engagement_rate", "plan"] == \
        pytest.approx(0.05)                                      # the last review stays
    page.targets["engagement_rate"].value = "5"
    assert not page.model.error
    assert page.save_targets() == 2
    saved = ScenarioStore(db).load("mix_plan", "Q4")
    assert saved["kpi_goals"] == {"reads": 50_000.0, "engagement_rate": 0.05}
    # another visit: the saved plan brings its targets
    again = ReviewDashboard(lang="zh", store=ScenarioStore(db))
    again.plan_pick.value = "Q4"
    assert again.targets["reads"].value == "50000"
    assert again.targets["engagement_rate"].value == "5"
    assert again.targets["reads"].description == "每周阅读量"
    demo = ReviewDashboard(lang="en", store=ScenarioStore(db))
    assert demo.save_targets() is None
    assert "The demo plan is not saved" in text(demo.save_status.value)
