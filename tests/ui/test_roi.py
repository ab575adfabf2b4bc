"""The activity-ROI dashboard driven without a browser: inputs → model → KPI cards and charts."""

from __future__ import annotations

import base64
import html
import dataclasses
import io as stdio
import re

import numpy as np
import pandas as pd
import pytest

from workbench import io, roi
from workbench.store import ScenarioStore
from workbench.ui import RoiDashboard


@pytest.fixture()
def page():
    return RoiDashboard(lang="en", store=ScenarioStore("sqlite://"))


def kpi(page, key: str) -> str:
    return re.search(rf'data-kpi="{key}">.*?wb-kpi-value">([^<]*)<', page.kpis.value).group(1)


def test_opens_on_the_lottery_template_with_every_view(page):
    est = page.model.estimate
    assert est.activity_type == "lottery" and page.activity.value == "lottery"
    summary = page.model.result.summary
    assert kpi(page, "expected_roi") == f"{summary['roi_mean']:.0%}"
    draws = np.asarray(page.model.result.samples["roi"], float)
    assert kpi(page, "p_loss") == f"{np.mean(draws < 0):.0%}"        # counted here, not the view's
    hist = page.charts["histogram"].figure
    shares = np.concatenate([np.asarray(tr.y, float) for tr in hist.data])
    assert 0.98 < shares.sum() <= 1.0  # the bins hold (nearly) every draw
    assert all(x < 0 for x in hist.data[0].x) and all(x >= 0 for x in hist.data[1].x)
    curve = page.charts["curve"].figure.data[0]
    assert curve.y[0] == 1 and curve.y[-1] == 0 and list(curve.x) == sorted(curve.x)
    tornado = page.charts["tornado"].figure
    assert tornado.data[0].y[0] == "Reach (people exposed)"  # the widest swing first
    # rates are typed in percent
    assert [b.value for b in page.fields["participation_rate"]] == pytest.approx(
        [100 * x for x in est.participation_rate.to_list()])
    assert page.charts["compare"].box.layout.display == "none"


def test_chance_of_loss_card_table_and_red_bars_agree_at_break_even(page):
    # 20 % of the draws lose money, 30 % break even exactly, 50 % gain: the card, the scenario
    # table and the histogram's red bars all say 20 % (ROI ≤ 0 would say 50 %).
    real, n = page.model.result, page.model.draws
    samples = {**real.samples,
               "roi": np.repeat(np.float32([-0.5, 0.0, 1.0]), [n // 5, 3 * n // 10, n // 2])}
    page.model.result = dataclasses.replace(
        real, samples=samples, summary=roi._summary(samples, n, None, {"roi": 0.0}))
    assert kpi(page, "p_loss") == "20%"
    assert sum(page.charts["histogram"].figure.data[0].y) == pytest.approx(0.2)
    page.model.keep_scenario("made up")
    row = re.search(r"<td>made up</td>(.*?)</tr>", page.scenario_table.value).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[3] == "20%"


def test_an_input_change_redraws_kpis_and_charts(page):
    before = page.model.result.summary["roi_mean"]
    hist_before = list(page.charts["histogram"].figure.data[1].y)
    low, likely, high = page.fields["participation_rate"]
    high.value = 30.0   # percent
    likely.value = 20.0
    after = page.model.result.summary["roi_mean"]
    assert page.model.estimate.participation_rate.likely == pytest.approx(0.20)
    assert after > before
    assert kpi(page, "expected_roi") == f"{after:.0%}"
    assert list(page.charts["histogram"].figure.data[1].y) != hist_before


def test_fixed_inputs_give_the_exact_roi(page):
    est = page.model.estimate
    for spec in roi.INPUTS:
        likely = getattr(est, spec.key).likely
        scale = 100 if spec.kind == "rate" else 1
        boxes = page.fields[spec.key]
        page._filling = True
        for box in boxes:
            box.value = likely * scale
        page._filling = False
        page._on_field(spec.key)
    exact = roi.evaluate(page.model.estimate.likely())["roi"]
    assert page.model.result.summary["roi_mean"] == pytest.approx(exact, rel=1e-9)
    assert page.model.result.summary["p_roi_positive"] in (0.0, 1.0)


def test_an_invalid_input_is_explained_and_the_last_result_stays(page):
    kept = page.model.result
    page.fields["reach"][0].value = 10_000_000  # low above high
    assert page.model.result is kept
    assert "low ≤ likely ≤ high" in page.status.value and "last valid result" in page.status.value
    page.header.model.lang = "zh"
    assert "曝光人数" in page.status.value and "保留上一次有效的结果" in page.status.value
    page.header.model.lang = "en"
    page.fields["reach"][0].value = 50_000
    assert page.status.value == "" and page.model.result is not kept


def test_target_line_and_chance(page):
    page.target.value = 20  # percent
    summary = page.model.result.summary
    assert summary["target"] == pytest.approx(0.2)
    roi_draws = np.asarray(page.model.result.samples["roi"], float)
    assert summary["p_roi_above_target"] == pytest.approx((roi_draws > 0.2).mean())
    assert kpi(page, "p_target") == f"{summary['p_roi_above_target']:.0%}"
    shapes = page.charts["histogram"].figure.layout.shapes
    assert sorted(round(s.x0, 6) for s in shapes) == [0.0, 0.2]


def test_activity_type_loads_its_template_and_history_fills_the_ranges(page):
    page.activity.value = "kol"
    assert page.model.estimate.activity_type == "kol"
    assert page.fields["cost_kol"][1].value == roi.template("kol").cost_kol.likely
    assert "Template for" in page.note.value

    page.activity.value = "lottery"
    page.fill_button.click()
    est = page.model.estimate
    acts = io.sample("activities")
    past = acts[acts["activity_type"] == "lottery"]
    reach = past["reach"].astype(float).dropna()
    assert est.reach.likely == pytest.approx(reach.median())
    assert f"From {len(past)} past" in page.note.value
    assert page.fields["reach"][1].value == pytest.approx(reach.median())


def test_scenarios_compare_side_by_side_and_save_with_a_csv(page):
    page.scenario_name.value = "Plan A"
    page.keep_button.click()
    page.fields["cost_prizes"][1].value = 12_000
    page.scenario_name.value = "Plan <b>B</b>"
    page.keep_button.click()
    assert [s["name"] for s in page.model.scenarios] == ["Plan A", "Plan <b>B</b>"]
    box = page.charts["compare"].figure.data[0]
    assert list(box.x) == ["Plan A", "Plan &lt;b&gt;B&lt;/b&gt;"]
    assert box.median[0] != box.median[1]
    assert "Plan &lt;b&gt;B&lt;/b&gt;" in page.scenario_table.value
    assert page.charts["compare"].box.layout.display == ""

    page.save_name.value = "Spring lottery"
    assert page.save() == 1 and page.save() == 2
    saved = page.store.load("roi", "Spring lottery")
    assert saved["estimate"]["activity_type"] == "lottery" and len(saved["scenarios"]) == 2
    assert saved["summary"]["roi_mean"] == pytest.approx(page.model.result.summary["roi_mean"])
    back = roi.ActivityEstimate.from_payload(saved["estimate"])
    assert back.cost_prizes.likely == 12_000
    assert page.downloads.value == ""                      # saving downloads nothing
    page.export_button.click()                             # one click, one file
    (name, raw), = page.downloads.sent
    assert name.startswith("roi-") and name.endswith(".csv")
    data = re.search(r'base64,([^"]+)"', page.downloads.value).group(1)
    assert base64.b64decode(data) == raw
    table = pd.read_csv(stdio.StringIO(raw.decode("utf-8-sig")))
    assert table["scenario"].tolist() == ["Plan A", "Plan <b>B</b>"]
    second = page.model.scenarios[1]["summary"]["roi_mean"]
    assert table["roi_mean"].iloc[1] == pytest.approx(second)


def test_chinese_labels(page):
    page.header.model.lang = "zh"
    assert page.activity.options[0][0] == "抽奖"
    assert "曝光人数" in page.labels["reach"].value
    assert "预期 ROI" in page.kpis.value
    assert "ROI 可能的结果分布" in page.charts["histogram"].figure.layout.title.text
    assert page.charts["tornado"].figure.data[0].y[0] == "曝光人数"


def test_use_last_review_fills_the_funnel_from_its_calibration(page):
    from workbench import review

    assert page.fill_from_review() is False and "No saved campaign review" in page.status.value
    plan = review.backtest_plan(io.sample("articles"), "2026-10-05", weeks=6)
    rv = review.review(plan, io.sample("daily_users"), io.sample("articles"),
                       io.sample("activities"), impact=False)
    kind = next(iter(rv.calibrated.activities))
    page.activity.value = kind
    page.fill_from_history()
    history = page.model.estimate
    page.store.save("review", "October campaign", rv.to_payload())
    assert page.fill_from_review() is True
    calibrated = rv.calibrated.activities[kind]["calibrated"]
    est = page.model.estimate
    changed = [k for k, v in calibrated.items() if np.isfinite(v) and hasattr(est, k)
               and abs(getattr(est, k).likely - getattr(history, k).likely) > 1e-12]
    assert changed, "the review's calibrated funnel rates reach the estimate"
    for key in changed:
        assert getattr(est, key).likely == pytest.approx(min(max(calibrated[key], 0), 1))


def test_a_failed_save_is_said_beside_the_button_and_nothing_is_lost(page, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(page.store, "save", broken)
    kept = page.model.result
    assert page.save() is None
    assert "wb-status--error" in page.save_status.value and "disk full" in page.save_status.value
    assert page.model.result is kept and page.downloads.value == ""
    page.header.model.lang = "zh"
    page.save()
    assert "保存失败" in page.save_status.value


def test_a_store_error_is_said_in_the_pages_language(page, monkeypatch):
    """The store's own explanation (here: the database locked by another program) is shown in
    the language of the page, inside the page's sentence (one full stop, not two)."""
    from workbench import store as store_mod

    def locked(*args, **kwargs):
        raise store_mod._locked_error("/data/scenarios.sqlite", 30.0, "Close it, then try again.",
                                      "请关闭它后重试。")

    monkeypatch.setattr(page.store, "save", locked)
    page.save()
    english = page.save_status.value
    assert "is locked: another program" in english and "try again. Nothing was lost" in english
    assert ".." not in english
    page.header.model.lang = "zh"
    page.save()
    chinese = page.save_status.value
    assert "保存失败：方案数据库 /data/scenarios.sqlite 被锁定" in chinese
    assert "请关闭它后重试。没有丢失任何内容" in chinese and "is locked" not in chinese
    assert "。。" not in chinese


@pytest.mark.parametrize("value, shown", [(-0.58, "−58%"), (1.16, "116%"), (-0.001, "0%"),
                                          (float("nan"), "–"), (None, "–")])
def test_percentages_use_a_true_minus(value, shown):
    from workbench.ui.roi import _pct

    assert _pct(value) == shown


def test_a_failing_store_is_said_never_taken_for_no_review():
    from store_backends import LOCKED_EN, LOCKED_ZH, failing_store

    page = RoiDashboard(lang="en", store=failing_store())
    assert page.fill_from_review() is False
    assert "Could not read the last saved campaign review: " + LOCKED_EN in page.status.value
    assert "No saved campaign review" not in page.status.value
    page.header.model.lang = "zh"
    assert "无法读取最近保存的复盘：" + LOCKED_ZH in page.status.value


@pytest.mark.parametrize(("key", "typed", "en", "zh"), [
    ("participation_rate", (5, 8, 150),
     "Participation rate (of reach) is a percentage between 0% and 100%; you typed 5% – 150%. "
     "Type 5 for 5%.", "参与率（占曝光）是 0% 到 100% 之间的百分比；现在是 5% – 150%。"),
    ("participation_rate", (-2, 8, 12),
     "is a percentage between 0% and 100%; you typed -2% – 12%", "现在是 -2% – 12%"),
    ("cost_prizes", (0, 1e12, 2e12),
     "can be at most ¥1,000,000,000,000; you typed ¥2,000,000,000,000 as High",
     "最多为 ¥1.00万亿；“最高”现在是 ¥2.00万亿"),
    ("reach", (-5, 10, 20), "cannot be below 0; you typed −5 as Low", "“最低”现在是 −5"),
])
def test_input_errors_speak_in_the_pages_units_and_labels(page, key, typed, en, zh):
    """Issue 23: a share typed in % is judged in %, the input is named as the page names it,
    and no number is written like 1e+12."""
    for box, value in zip(page.fields[key], typed):
        box.value = value
    taken = getattr(page.model.estimate, key)
    assert (taken.low, taken.likely, taken.high) != tuple(
        v / (100 if key.endswith("_rate") else 1) for v in typed)   # not taken: the last stays
    status = page.status.value
    assert en in html.unescape(status), status
    assert "fractions" not in status and "0.05" not in status and key not in status
    assert "e+" not in status
    page.header.model.lang = "zh"
    assert zh in html.unescape(page.status.value)


def test_filled_numbers_are_shown_as_people_read_them(page):
    """Issue 23: "Fill from history" put 333539.2 people, 1.634688 % and 312.923117 CNY in
    the boxes, and its note listed snake_case names."""
    page.fill_from_history()
    for spec in roi.INPUTS:
        for box in page.fields[spec.key]:
            value = box.value
            if spec.kind == "count":
                assert value == round(value), (spec.key, value)
            else:
                assert value == round(value, 2), (spec.key, value)
    note = page.note.value
    assert "_" not in re.sub(r"<[^>]+>", "", note), note
    assert "p10 / median / p90 of " in note


def test_a_fill_can_be_undone(page):
    """Issue 23: a fill replaced what the planner typed without a way back."""
    page.fields["cost_prizes"][1].value = 12_345
    typed = page.model.estimate
    assert page.undo_button.layout.display == "none"
    page.fill_from_history()
    assert page.model.estimate is not typed and page.undo_button.layout.display == ""
    assert page.undo_fill()
    assert page.model.estimate is typed and page.fields["cost_prizes"][1].value == 12_345
    assert page.undo_button.layout.display == "none" and not page.undo_fill()
