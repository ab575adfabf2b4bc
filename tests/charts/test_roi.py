"""ROI charts: what they draw is the simulation's numbers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from workbench import roi
from workbench.charts import roi as charts


@pytest.fixture(scope="module")
def result():
    return roi.simulate(roi.template("lottery"), n=50_000, seed=3, target=0.2)


def finite(result):
    x = np.asarray(result.samples["roi"], float)
    return x[np.isfinite(x)]


def test_histogram_bins_are_numpys_and_losses_are_red(result):
    fig = charts.roi_histogram(result, target=0.2)
    x = finite(result)
    edges = np.linspace(*fig.layout.xaxis.range, charts.BINS + 1)
    counts, _ = np.histogram(x, bins=edges)
    shares = np.concatenate([fig.data[0].y, fig.data[1].y])
    np.testing.assert_allclose(shares * len(x), counts)
    assert max(fig.data[0].x) < 0 <= min(fig.data[1].x)
    assert sorted(round(s.x0, 6) for s in fig.layout.shapes) == [0.0, 0.2]


def break_even_result(n: int = 10_000) -> roi.RoiResult:
    """A lottery simulation whose ROI draws are made up: 20 % at −50 %, 30 % at exactly 0
    (break-even) and 50 % at +100 %, with the summary the model gives them."""
    real = roi.simulate(roi.template("lottery"), n=n, seed=5)
    made = np.repeat(np.float32([-0.5, 0.0, 1.0]), [n // 5, 3 * n // 10, n // 2])
    samples = {**real.samples, "roi": made}
    return dataclasses.replace(real, samples=samples,
                               summary=roi._summary(samples, n, None, {"roi": 0.0}))


def test_the_red_bars_are_the_summarys_chance_of_loss():
    made = break_even_result()
    fig = charts.roi_histogram(made)
    assert made.summary["p_loss"] == pytest.approx(0.2)
    assert sum(fig.data[0].y) == pytest.approx(made.summary["p_loss"])   # red: ROI < 0
    assert sum(fig.data[1].y) == pytest.approx(0.8)       # break-even is not a loss
    # break-even is a bin edge: no bar straddles it
    edges = np.linspace(*fig.layout.xaxis.range, charts.BINS + 1)
    assert np.min(np.abs(edges)) < 1e-12 * (edges[-1] - edges[0])
    for result in (made, roi.simulate(roi.template("kol"), n=20_000, seed=2)):
        fig = charts.roi_histogram(result)
        x = finite(result)
        inside = x >= fig.layout.xaxis.range[0]
        assert sum(fig.data[0].y) == pytest.approx(np.mean(inside & (x < 0)))


def test_curve_is_the_quantile_function_in_either_language(result):
    fig = charts.roi_curve(result)
    probs = np.linspace(0, 1, 101)
    np.testing.assert_allclose(fig.data[0].x, np.quantile(finite(result), probs))
    np.testing.assert_allclose(fig.data[0].y, 1 - probs)
    other = roi.simulate(roi.template("kol"), n=20_000, seed=1)
    fig = charts.roi_curve(other, lang="zh")
    assert "ROI 至少" in fig.layout.title.text
    np.testing.assert_allclose(fig.data[0].x, np.quantile(finite(other), probs))


def test_tornado_swings_from_the_likely_roi(result):
    table = result.sensitivity
    base = result.summary["roi_likely"]
    fig = charts.tornado(table, base=base)
    first = table.index[0]
    assert fig.data[0].y[0] == table.loc[first, "label_en"]
    assert fig.data[0].x[0] == pytest.approx(table.loc[first, "roi_low"] - base)
    assert fig.data[1].x[0] == pytest.approx(table.loc[first, "roi_high"] - base)
    assert fig.data[0].base == base
    # issue 23: the centre line is labelled with its ROI (not the headline's expected ROI)
    from workbench import fmt

    assert f"every input at its likely value, ROI {fmt.pct(base, 0)}" in fig.layout.title.text
    assert "各输入都取最可能值时的 ROI" in charts.tornado(table, base=base,
                                                       lang="zh").layout.title.text
    # and the red zero line is named too: break-even
    assert fig.layout.xaxis.zeroline and "red line: break-even, ROI 0%" in fig.layout.title.text
    assert "红线：盈亏平衡" in charts.tornado(table, base=base, lang="zh").layout.title.text


def test_compare_boxes_are_the_scenarios_quantiles(result):
    scenarios = [{"name": "<b>A</b>", "summary": result.summary},
                 {"name": "B", "summary": roi.simulate(roi.template("kol"), n=20_000).summary}]
    box = charts.compare(scenarios).data[0]
    assert list(box.x) == ["&lt;b&gt;A&lt;/b&gt;", "B"]
    assert box.median[0] == pytest.approx(result.summary["roi_p50"])
    assert box.q1[0] <= box.median[0] <= box.q3[0]
    assert box.lowerfence[0] == pytest.approx(result.summary["roi_p5"])
