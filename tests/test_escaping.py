"""User text never becomes markup: article titles, activity names, persona names, scenario
names and file names, typed or uploaded with ``<script>``, ``<img onerror>``, quotes and ``&``.

The dashboards are driven without a browser (as in ``tests/test_ui_*.py``), the way a user
gets text in: uploads through the page's picker, renames and names typed into the boxes, saves
and the pages that read the saved scenarios back. Then *every* HTML widget on the page and
every chart on it (the JSON the browser draws) is searched:

* the raw tags never appear (``<script>…``, ``<img src=x onerror=…>``, ``<a href="javascript:…``,
  nor a quote that could end an attribute, ``"'>``);
* the text does appear, escaped once: ``html.escape`` in HTML widgets and reports; in charts
  ``<`` and ``&`` escaped and quotes as they are (plotly.js knows no ``&quot;``: escaped
  quotes would show as ``&quot;``);
* nothing is escaped twice (``&amp;lt;``, ``&amp;amp;``).
"""

from __future__ import annotations

import html
import json
import re

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench import io
from workbench.store import ScenarioStore
from workbench.ui import MixDashboard, PersonaDashboard, ReviewDashboard, RoiDashboard
from workbench.ui.shell import DataSourcePicker

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
QUOTES = "\"'><a href=\"javascript:alert(1)\">x</a> & co"
EVIL = (SCRIPT, IMG, QUOTES)
#: what must never reach the browser as it is
RAW = ("<script>alert(1)", "<img src=x onerror", '<a href="javascript:', "\"'>")
TWICE = re.compile(r"&amp;(lt|gt|amp|quot|#x27|#39);")


def in_html(text: str) -> str:
    return html.escape(text, quote=True)


def in_chart(text: str) -> str:
    return html.escape(text, quote=False)


# -- collecting what the browser gets --------------------------------------------------------
def widgets(root: w.Widget):
    """Every widget under ``root`` (boxes, accordions, the charts' views)."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(getattr(node, "children", ()) or ())


def html_values(page) -> list[str]:
    return [x.value for x in widgets(page.widget) if isinstance(x, (w.HTML, w.HTMLMath))]


def figure_json(page) -> list[dict]:
    """The figures as the browser gets them: a chart view's JSON or a FigureWidget's data,
    and the ``go.Figure`` each slot keeps."""
    out = []
    for x in widgets(page.widget):
        if isinstance(x, go.FigureWidget):
            out.append(x.to_plotly_json())
        elif isinstance(getattr(x, "figure", None), str):  # PlotView
            out.append(json.loads(x.figure or "{}"))
    for slot in getattr(page, "charts", {}).values():
        if getattr(slot, "figure", None) is not None:
            out.append(slot.figure.to_plotly_json())
    return out


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    if hasattr(value, "tolist"):
        return strings(value.tolist())
    return []


def assert_safe(texts: list[str], where: str) -> None:
    for text in texts:
        for raw in RAW:
            assert raw not in text, f"raw {raw!r} in {where}: …{_around(text, raw)}…"
        assert not TWICE.search(text), f"escaped twice in {where}: {TWICE.search(text)[0]}"


def assert_chart_quotes(texts: list[str], where: str) -> None:
    """plotly.js decodes ``&lt;``, ``&amp;`` and numeric entities but not ``&quot;``: a quote
    escaped for a chart would show as "&quot;"."""
    for text in texts:
        assert "&quot;" not in text, f"&quot; in {where} charts: …{_around(text, '&quot;')}…"


def _around(text: str, part: str, width: int = 80) -> str:
    i = text.find(part)
    return text[max(0, i - width): i + len(part) + width]


def assert_page_safe(page, where: str, chart_quotes: bool = True) -> tuple[str, str]:
    """Check every HTML widget and chart of ``page``; return (all HTML, all chart text).
    ``chart_quotes``: also check that the charts show quotes as typed (not ``&quot;``)."""
    htmls = html_values(page)
    chart_texts = [s for fig in figure_json(page) for s in strings(fig)]
    assert_safe(htmls, f"{where} HTML")
    assert_safe(chart_texts, f"{where} charts")
    if chart_quotes:
        assert_chart_quotes(chart_texts, where)
    # no user text in a hovertemplate (%{…} there is plotly's, and it renders what it finds)
    for fig in figure_json(page):
        for trace in fig.get("data", []):
            template = trace.get("hovertemplate")
            for text in strings(template):
                assert not any(e in html.unescape(text) for e in EVIL), text
    return "\n".join(htmls), "\n".join(chart_texts)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def evil_column(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = [f"{EVIL[i % 3]} #{i}" for i in range(len(frame))]
    return frame


@pytest.fixture()
def store():
    return ScenarioStore("sqlite://")


# -- file names ------------------------------------------------------------------------------
@pytest.mark.parametrize("evil", EVIL)
def test_uploaded_file_names_in_status_and_preview(evil):
    from workbench.ui import DataSourceModel
    from workbench.ui.shell import DataPreview

    model = DataSourceModel("articles", lang="en")
    picker, preview = DataSourcePicker(model), DataPreview(model)
    # a file the loader rejects, a file over the limit, then a good one: all say its name
    assert not picker.upload_file(b"colour,size\nred,3\n", f"{evil}.csv")
    assert in_html(f"{evil}.csv") in picker.status.value
    assert_safe([picker.status.value], "error status")
    assert not model.load_file(b"x", f"{evil}.csv", size=io.MAX_UPLOAD_BYTES + 1)
    assert in_html(f"{evil}.csv") in picker.status.value
    assert_safe([picker.status.value], "too-large status")
    for lang in ("zh", "en"):
        model.lang = lang
        assert_safe([picker.status.value, picker.hint.value], f"status in {lang}")

    articles = evil_column(io.sample("articles").head(20), "title")
    assert picker.upload_file(csv_bytes(articles), f"{evil}.csv")
    assert f"Loaded {in_html(evil)}.csv" in picker.status.value
    assert in_html(articles["title"].iloc[0]) in preview.widget.value  # titles in the preview
    assert_safe([picker.status.value, preview.widget.value], "upload status and preview")


# -- the review page: titles, activity names, the report, saved names ------------------------
@pytest.fixture()
def review_page(store):
    page = ReviewDashboard(lang="en", store=store)
    articles = evil_column(io.sample("articles"), "title")
    activities = evil_column(io.sample("activities"), "name")
    assert page.header.pickers["articles"].upload_file(csv_bytes(articles), f"{SCRIPT}.csv")
    assert page.header.pickers["activities"].upload_file(csv_bytes(activities), f"{IMG}.csv")
    assert page.model.review is not None and not page.model.error
    return page


def test_review_page_escapes_titles_activity_names_and_file_names(review_page):
    page = review_page
    all_html, all_charts = assert_page_safe(page, "review page")
    # the top-posts table shows the titles, escaped once
    top = page.model.review.articles.sort_values("reads", ascending=False)["title"].iloc[0]
    assert in_html(top) in page.leaderboard.value
    assert in_html(f"{SCRIPT}.csv") in all_html and in_html(f"{IMG}.csv") in all_html
    # the activities of the period are named on the calibration chart
    names = page.model.review.activities["name"].tolist()
    assert names and in_chart(names[0]) in all_charts
    for lang in ("zh", "en"):  # relabelled pages draw everything again
        page.header.model.lang = lang
        assert_page_safe(page, f"review page in {lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_review_report_escapes_the_title_and_user_text(review_page, lang):
    from workbench import report

    rv = review_page.model.review
    text = report.html(rv, lang=lang, title=QUOTES + SCRIPT)
    for raw in RAW:
        assert raw not in text, f"raw {raw!r} in the report: …{_around(text, raw)}…"
    assert f"<title>{in_html(QUOTES + SCRIPT)}</title>" in text
    assert in_html(rv.articles["title"].iloc[0]) in text                # the top posts table
    assert in_html(rv.activities["name"].iloc[0]) in text               # the activities table
    assert not TWICE.search(text.split("<script", 1)[0])  # the head, before plotly.js
    body = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
    assert not TWICE.search(body)
    # the charts' JSON is inside <script>: plotly writes "<" as \u003c there, so no user text
    # can close the script element
    for block in re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S)[1:]:
        assert "<script" not in block.lower() and "<img" not in block.lower()


def test_review_page_export_and_saved_names(review_page, store):
    page = review_page
    page.header.model.lang = "en"
    page.export_report()
    assert_safe([page.downloads.value], "download link")
    page.save_name.value = QUOTES
    assert page.save() is not None
    assert in_html(QUOTES) in page.save_status.value
    assert_safe([page.save_status.value], "save status")

    # the saved review's name, read back on the content-mix page ("use the last review")
    mix = MixDashboard(lang="en", store=store)
    mix.use_review.value = True
    assert in_html(QUOTES) in mix.review_note.value
    assert_page_safe(mix, "mix page using the review")


# -- personas: renamed personas on cards and charts, the saved set on the mix page -------------
def test_persona_names_on_cards_charts_and_the_mix_page(store):
    page = PersonaDashboard(lang="en", store=store, background=False)
    people = page.model.personas
    assert len(people) >= 3
    for persona, evil in zip(people, EVIL):
        page.picker.value = persona.id
        page.rename_box.value = evil
    page.other.value = people[1].id  # the comparison shows two renamed personas
    all_html, all_charts = assert_page_safe(page, "personas page")
    for evil in EVIL:
        assert in_html(evil) in page.cards.value
        assert in_chart(evil) in all_charts
    page.save_name.value = SCRIPT
    assert page.save() is not None
    assert in_html(SCRIPT) in page.save_status.value
    assert_page_safe(page, "personas page after saving")

    # the mix page: the saved set as targets (names in its options, notes and charts)
    mix = MixDashboard(lang="en", store=store)
    mix.persona_set.value = SCRIPT
    mix.persona_pick.value = tuple(p.id for p in people[:3])
    assert mix.model.plan is not None
    assert_page_safe(mix, "mix page with persona targets")
    mix.save_name.value = IMG
    assert mix.save() is not None
    assert in_html(IMG) in mix.save_status.value
    assert_page_safe(mix, "mix page after saving")
    for lang in ("zh", "en"):
        mix.header.model.lang = lang
        assert_page_safe(mix, f"mix page in {lang}")


def test_mix_page_with_uploaded_titles_and_its_calendar(store):
    mix = MixDashboard(lang="en", store=store)
    articles = evil_column(io.sample("articles"), "title")
    assert mix.header.pickers["articles"].upload_file(csv_bytes(articles), f"{QUOTES}.csv")
    mix.export()
    all_html, _ = assert_page_safe(mix, "mix page with uploaded titles")
    assert in_html(articles["title"].iloc[0]) in all_html  # in the data preview
    assert "wb-week" in mix.calendar_view.value


# -- activity ROI: scenario names and uploaded activity names --------------------------------
def test_roi_scenario_and_activity_names(store):
    page = RoiDashboard(lang="en", store=store)
    activities = evil_column(io.sample("activities"), "name")
    assert page.header.pickers["activities"].upload_file(csv_bytes(activities), f"{IMG}.csv")
    page.fill_from_history()
    for evil in EVIL:
        page.scenario_name.value = evil
        page.keep_scenario()
    all_html, all_charts = assert_page_safe(page, "ROI page")
    for evil in EVIL:
        assert in_html(evil) in page.scenario_table.value
        # the scenario comparison names them
        assert in_chart(evil) in all_charts or in_html(evil) in all_charts
    page.save_name.value = QUOTES
    assert page.save() is not None
    assert in_html(QUOTES) in page.save_status.value
    assert_page_safe(page, "ROI page after saving")


def test_roi_scenario_comparison_shows_quotes_as_typed(store):
    page = RoiDashboard(lang="en", store=store)
    page.scenario_name.value = QUOTES
    page.keep_scenario()
    assert_page_safe(page, "ROI page")
