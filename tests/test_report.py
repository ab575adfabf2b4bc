"""The meeting report: six sections in either language, self-contained (plotly.js once, no
external URL), user text escaped, the KPI table's numbers, empty states, and the PDF."""

from __future__ import annotations

import html
import os
import re
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import pytest

from workbench import io, report, review
from workbench.charts import review as charts
from workbench.i18n import t
from workbench.runtime import chromium

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
START = "2026-10-05"


@pytest.fixture(scope="module")
def evil() -> review.CampaignReview:
    """The sample, with HTML in the best post's title and in an activity's name."""
    arts = io.sample("articles").copy()
    plan = review.backtest_plan(arts, START, weeks=6)
    when = pd.to_datetime(arts["publish_time"])
    in_period = (when >= START) & (when < "2026-11-16")
    best = arts.loc[in_period, "reads"].astype(float).idxmax()
    arts.loc[best, "title"] = SCRIPT
    acts = io.sample("activities").copy()
    first = acts.index[pd.to_datetime(acts["start_date"]) >= pd.Timestamp(START)][0]
    acts.loc[first, "name"] = IMG
    return review.review(plan, io.sample("daily_users"), arts, acts)


@pytest.fixture(scope="module")
def pages(evil) -> dict[str, str]:
    return {lang: report.html(evil, lang=lang) for lang in ("en", "zh")}


@pytest.fixture(scope="module")
def bare() -> review.CampaignReview:
    arts = io.sample("articles")
    plan = review.backtest_plan(arts, START, weeks=6)
    return review.review(plan, io.sample("daily_users"), arts, None, impact=False)


# -- structure ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_section_heading_in_order(pages, lang):
    text = pages[lang]
    headings = re.findall(r"<h2>(.*?)</h2>", text)
    expected = [html.escape(t(f"report.section.{key}", lang, n=i))
                for i, key in enumerate(report.SECTIONS, start=1)]
    assert headings == expected
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in text
    if lang == "zh":
        assert "数据概览" in text and "问题与原因" in text and "效果预测" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plotly_js_once_and_no_external_url(pages, lang):
    text = pages[lang]
    bundle = plotly.offline.get_plotlyjs()
    assert text.count(bundle[:2000]) == 1
    assert text.count(bundle[-2000:]) == 1
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text, flags=re.I)
    assert not [tag for tag in tags if re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""",
                                                 tag, flags=re.I)]
    assert not re.search(r"""src=["']?https?:""", text, flags=re.I)
    assert not re.search(r"""<link[^>]+href=["']?https?:""", text, flags=re.I)
    assert "mathjax" not in " ".join(tags).lower()
    assert "@import" not in text and "@font-face" not in text
    # one chart per figure of the report, each drawn by its own script
    ids = re.findall(r'<div id="(wb-report-\d+)"', text)
    assert len(ids) == len(report.FIGURES) and len(set(ids)) == len(ids)
    assert text.count("Plotly.newPlot(") == len(report.FIGURES)


def test_user_text_is_escaped(pages):
    for text in pages.values():
        assert html.escape(SCRIPT) in text                  # the title, as text
        assert "<script>alert(1)" not in text
        assert html.escape(IMG) in text                     # the activity, in its table
        assert "<img src=x" not in text


def test_title_is_escaped(evil):
    text = report.html(evil, lang="zh", title="<b>双11复盘</b> & co",
                       figures={name: None for name in report.FIGURES})
    assert "<title>&lt;b&gt;双11复盘&lt;/b&gt; &amp; co</title>" in text
    assert "<h1>&lt;b&gt;双11复盘&lt;/b&gt; &amp; co</h1>" in text
    assert "<b>双11复盘</b>" not in text


# -- numbers --------------------------------------------------------------------------------
def _formatted(x: float, unit: str) -> str:
    """The number as the report writes it, worked out here (a true minus sign, U+2212)."""
    minus = "−" if x < 0 else ""
    if unit == "share":
        return minus + (f"{abs(x) * 100:.2f}%" if abs(x) < 0.1 else f"{abs(x) * 100:.1f}%")
    if unit == "ratio":
        return minus + f"{abs(x) * 100:.1f}%"
    return f"{round(x):,}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kpi_table_carries_the_review_numbers(evil, pages, lang):
    text = pages[lang]
    table = text[text.index("<table>"):text.index("</table>")]
    rows = re.findall(r'<tr class="kpi"[^>]*>(.*?)</tr>', table)
    assert len(rows) == len(evil.kpis)
    for row, (_, k) in zip(rows, evil.kpis.iterrows()):
        assert html.escape(k[f"label_{lang}"]) in row
        assert _formatted(k["plan"], k["unit"]) in row, (k["kpi"], row)
        assert _formatted(k["actual"], k["unit"]) in row, (k["kpi"], row)
        assert html.escape(review.status_label(k["status"], lang)) in row
        assert charts.kpi_status_colour(k["status"]) in row
    assert "1,289,734" in table and "840,081" in table       # reads: actual and plan
    assert f"{round(evil.kpi('new_follows')['actual']):,}" in table


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_recommendations_summary_and_impact_in_the_language(evil, pages, lang):
    text = pages[lang]
    recs = text[text.index('<section id="recommendations">'):text.index('<section id="forecast">')]
    assert recs.count("<li>") == len(evil.recommendations)
    for rec in evil.recommendations:
        assert html.escape(rec.text(lang)) in recs
    assert html.escape(evil.summary[lang]) in text
    lift = evil.impact.summary.set_index("metric").loc["new_follows", "lift"]
    forecast = text[text.index('<section id="forecast">'):text.index('<section id="summary">')]
    assert f"+{round(lift):,}" in forecast
    assert html.escape(evil.impact.method[lang]) in forecast


def test_problems_list_the_off_track_kpis_and_the_anomalies(evil, pages):
    text = pages["en"]
    problems = text[text.index('<section id="problems">'):text.index(
        '<section id="recommendations">')]
    for _, k in evil.kpis[evil.kpis["status"].isin(["off_track", "at_risk"])].iterrows():
        assert html.escape(k["label_en"]) in problems
    an = evil.trends.anomalies
    for d in pd.to_datetime(an.loc[an["in_period"], "date"]).dt.strftime("%Y-%m-%d"):
        assert d in problems
    top = evil.variance[evil.variance["metric"] == "reads"]
    worst = top.loc[top["diff"].abs().idxmax()]
    assert f"{abs(round(worst['diff'])):,}" in problems


# -- options and empty states ---------------------------------------------------------------
def test_figures_can_be_replaced_or_left_out(evil):
    mine = go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": {"text": "My own chart"}})
    text = report.html(evil, figures={"waterfall": mine, "wci": None})
    assert "My own chart" in text
    assert len(re.findall(r'<div id="wb-report-\d+"', text)) == len(report.FIGURES) - 1
    with pytest.raises(ValueError):
        report.html(evil, figures={"pie": mine})


def test_report_without_activities_or_counterfactual(bare):
    for lang in ("en", "zh"):
        text = report.html(bare, lang=lang, figures={n: None for n in report.FIGURES})
        assert html.escape(t("report.prob.no_activities", lang)) in text
        assert html.escape(t("report.fc.no_impact", lang)) in text
        assert len(re.findall(r"<h2>", text)) == len(report.SECTIONS)


# -- PDF ------------------------------------------------------------------------------------
def test_pdf_is_none_without_chromium(monkeypatch):
    monkeypatch.setattr(chromium, "CHROMIUM", Path("/nonexistent/chromium"))
    assert report.pdf("<html><body>x</body></html>") is None


@pytest.mark.browser
@pytest.mark.skipif(not chromium.CHROMIUM.exists()
                    and os.environ.get("WORKBENCH_REQUIRE_BROWSER") != "1",
                    reason="Chromium is not installed (set WORKBENCH_REQUIRE_BROWSER=1 to fail)")
def test_pdf_of_the_report(pages):
    began = time.perf_counter()
    data = report.pdf(pages["zh"])
    took = time.perf_counter() - began
    assert data is not None and data[:4] == b"%PDF"
    assert len(data) > 50_000                               # charts drawn, fonts embedded
    print(f"PDF: {len(data):,} bytes in {took:.1f} s")
