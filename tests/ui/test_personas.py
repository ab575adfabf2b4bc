"""The personas dashboard driven without a browser: controls → model → charts and store."""

from __future__ import annotations

import base64
import io as stdio
import re

import numpy as np
import pandas as pd
import pytest

from workbench import io
from workbench.i18n import level
from workbench.store import ScenarioStore
from workbench.ui import PersonaDashboard

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture()
def page():
    """A fresh page per test (a few seconds: it segments the sample): tests move its controls."""
    return PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=False)


def test_opens_on_the_sample_with_six_personas(page):
    model = page.model
    assert len(model.followers) == len(io.sample("followers")) == 20_000
    assert model.segmentation.k == 6 and len(model.personas) == 6
    assert sum(p.size for p in model.personas) == 20_000
    assert page.cards.value.count('class="wb-persona"') == 6
    assert list(page.sizes.data[0].x) == [p.size for p in model.personas]
    assert len(page.map.data) == 6  # one trace per persona
    assert sum(len(tr.x) for tr in page.map.data) == 5_000  # a sample is drawn, all is computed


def test_k_changes_the_number_of_personas_and_redraws(page):
    before = list(page.sizes.data[0].x)
    page.k_slider.value = 4
    try:
        assert page.model.segmentation.k == 4 and len(page.model.personas) == 4
        assert page.cards.value.count('class="wb-persona"') == 4
        assert len(page.radar.data) == 4 and len(page.map.data) == 4
        sizes = list(page.sizes.data[0].x)
        assert sizes != before and sum(sizes) == 20_000
        assert len(page.picker.options) == 4
    finally:
        page.k_slider.value = 6


def test_a_filter_reprofiles_without_reclustering(page):
    labels = page.model.segmentation.labels.copy()
    heat_before = np.array(page.heatmap.data[0].z, dtype=float)
    page.filter_boxes["city_tier"].value = "tier1"
    try:
        tier1 = int((page.model.followers["city_tier"] == "tier1").sum())
        assert sum(p.size for p in page.model.personas) == tier1
        assert page.model.segmentation.labels is not None
        np.testing.assert_array_equal(page.model.segmentation.labels, labels)
        heat_after = np.array(page.heatmap.data[0].z, dtype=float)
        assert heat_after.shape == heat_before.shape
        assert not np.allclose(np.nan_to_num(heat_after), np.nan_to_num(heat_before))
        assert list(page.sizes.data[0].x) == [p.size for p in page.model.personas]
        assert f"{tier1:,} of 20,000" in page.status.value
    finally:
        page.filter_boxes["city_tier"].value = "__all__"
    assert sum(p.size for p in page.model.personas) == 20_000


def test_rename_is_kept_escaped_and_saved(page):
    first = page.model.personas[0].id
    page.picker.value = first
    page.rename_box.value = EVIL
    assert page.model.personas[0].name["en"] == EVIL
    assert EVIL not in page.cards.value and html_escaped(EVIL) in page.cards.value
    assert all(EVIL not in str(text) for text in page.sizes.data[0].y)

    store = page.store
    page.save_name.value = "Q4 audience"
    v1 = page.save()
    v2 = page.save()
    assert (v1, v2) == (1, 2)
    saved = store.load("personas", "Q4 audience")
    assert saved["k"] == 6 and len(saved["personas"]) == 6
    assert saved["personas"][0]["name"]["en"] == EVIL
    assert sum(p["size"] for p in saved["personas"]) == 20_000
    assert "version 2" in page.save_status.value        # beside the Save button
    assert "version 2" not in page.status.value          # not at the top, off-screen


def test_exports_are_csv_with_formulas_neutralised(page):
    page.picker.value = page.model.personas[1].id
    page.rename_box.value = "=HYPERLINK(\"http://x\")"
    assert page.downloads.value == ""                    # nothing made until asked for
    page.export_buttons["personas"].click()              # one click, one file each
    page.export_buttons["labels"].click()
    (personas_name, personas_raw), (labels_name, labels_raw) = page.downloads.sent
    assert personas_name.startswith("personas-") and labels_name.startswith("persona-labels-")
    links = re.findall(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page.downloads.value)
    assert [base64.b64decode(x) for x in links] == [personas_raw, labels_raw]
    personas_csv, labels_csv = (raw.decode("utf-8-sig") for raw in (personas_raw, labels_raw))
    personas = pd.read_csv(stdio.StringIO(personas_csv))
    assert len(personas) == 6 and personas["size"].sum() == 20_000
    assert (personas["name_en"] == "'=HYPERLINK(\"http://x\")").any()
    labels = pd.read_csv(stdio.StringIO(labels_csv))
    assert len(labels) == 20_000
    assert labels["persona_id"].value_counts().sort_index().tolist() == [
        p.size for p in sorted(page.model.segmentation.personas, key=lambda p: p.id)]


def test_a_bad_upload_keeps_the_personas(page):
    before = [p.size for p in page.model.personas]
    ok = page.header.pickers["followers"].upload_file(b"colour,size\nred,3\n", "bad.csv")
    assert not ok
    assert [p.size for p in page.model.personas] == before
    assert "wb-status--error" in page.header.pickers["followers"].status.value


def test_language_toggle_relabels_controls_and_charts(page):
    page.header.model.lang = "zh"
    try:
        assert page.k_slider.description == "画像数量"
        tiers = {"一线", "新一线", "二线", "三线及以下"}
        assert page.filter_boxes["city_tier"].options[1][0] in tiers
        assert re.search(r"[\u4e00-\u9fff]", page.model.personas[2].name["zh"])
        assert any(re.search(r"[\u4e00-\u9fff]", str(y)) for y in page.sizes.data[0].y)
    finally:
        page.header.model.lang = "en"


def test_too_few_followers_for_k_explains_and_keeps_the_last_result():
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=False)
    data = io.sample("followers").head(300).to_csv(index=False).encode()
    assert page.header.pickers["followers"].upload_file(data, "survey.csv")
    assert len(page.model.followers) == 300 and sum(p.size for p in page.model.personas) == 300
    page.k_slider.value = 4
    assert len(page.model.personas) == 4

    # uploads merge into the team's data: the survey is taken out first (the Data page's
    # remove), so the next file is all there is
    page.workspace.remove(page.workspace.uploads()[0].id)
    three = io.sample("followers").head(3).to_csv(index=False).encode()
    assert page.header.pickers["followers"].upload_file(three, "tiny.csv")
    assert page.model.error  # fewer people than personas: said, not a traceback
    assert "wb-status--error" in page.status.value
    assert sum(p.size for p in page.model.personas) == 300  # the last good result stays


def html_escaped(text: str) -> str:
    import html

    return html.escape(text)


def test_new_data_segments_once_and_refreshes_the_filters(monkeypatch):
    from workbench.ui import personas as ui_personas

    calls = []
    real = ui_personas.model_lib.segment
    monkeypatch.setattr(ui_personas.model_lib, "segment",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=False)
    assert len(calls) == 1  # opening the page segments the sample once

    page.filter_boxes["city_tier"].value = "tier1"
    sample = io.sample("followers")
    tier2 = sample[sample["city_tier"] == "tier2"].head(400)
    assert page.header.pickers["followers"].upload_file(tier2.to_csv(index=False).encode(),
                                                         "tier2.csv")
    assert len(calls) == 2
    codes = [code for _, code in page.filter_boxes["city_tier"].options]
    assert codes == ["__all__", "tier2"]
    assert page.filter_boxes["city_tier"].value == "__all__"
    assert page.model.filters == {}
    assert sum(p.size for p in page.model.personas) == 400


def test_cards_say_what_each_persona_reads_when_and_where(page):
    first = page.model.personas[0]
    card = page.cards.value.split('class="wb-persona"')[1]
    top_interest = first.interests[0][0]
    from workbench.i18n import level

    assert f"Reads about:</b> {html_escaped(level('interests', top_interest, 'en'))}" in card
    assert "Online:</b> " in card and "of their activity" in card
    assert f"Where:</b> {level('platform', first.platforms[0][0], 'en')}" in card


@pytest.mark.slow
def test_attributes_and_weights_resegment():
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=False)
    assert list(page.attributes) == page.model.segmentation.features  # all used at first
    use, weight = page.attributes["interests"]
    before = page.model.segmentation.labels.copy()
    use.value = False
    assert "interests" not in page.model.segmentation.features
    assert weight.disabled
    assert not np.array_equal(page.model.segmentation.labels, before)
    use.value = True
    assert "interests" in page.model.segmentation.features

    page.attributes["gender"][1].value = 3.0
    assert page.model.weights == {"gender": 3.0}
    assert page.model.payload()["weights"] == {"gender": 3.0}
    # weighting gender up makes the personas purer in gender
    def gender_purity():
        frame = page.model.segmented
        tab = pd.crosstab(page.model.segmentation.labels, frame["gender"].astype("string"))
        return (tab.max(axis=1).sum() / tab.to_numpy().sum())
    heavy = gender_purity()
    page.attributes["gender"][1].value = 0.0
    light = gender_purity()
    assert heavy > light + 0.05

    # nothing left to segment on: said in the page's language, the last personas stay
    page.model.features = ["gender", "age_band"]  # set from code: the checkboxes follow
    assert [n for n, (use, _) in page.attributes.items() if use.value] == ["gender", "age_band"]
    kept = [p.size for p in page.model.personas]
    page.attributes["gender"][0].value = False
    page.attributes["age_band"][0].value = False
    assert page.model.error and "No attribute is usable" in page.status.value
    assert [p.size for p in page.model.personas] == kept
    page.header.model.lang = "zh"
    assert "没有可用于分群的属性" in page.status.value
    assert page.attributes["gender"][0].description == "性别"


@pytest.mark.slow
def test_auto_k_shows_the_curve_and_the_chosen_number():
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=False)
    assert page.slots["curve"].layout.display == "none" and page.curve is None
    page.auto_k.value = True
    seg = page.model.segmentation
    assert page.k_slider.disabled and page.slots["curve"].layout.display == ""
    assert list(page.curve.data[0].x) == sorted(seg.quality["curve"])
    assert len(seg.quality["curve"]) >= 5
    assert list(page.curve.data[1].x) == [seg.k]
    assert page.cards.value.count('class="wb-persona"') == seg.k == len(page.model.personas)
    page.auto_k.value = False
    assert page.model.segmentation.k == page.k_slider.value and not page.k_slider.disabled
    assert page.slots["curve"].layout.display == "none"


def test_background_segmentation_shows_progress_and_keeps_only_the_newest_request(monkeypatch):
    from workbench.ui import personas as ui_personas

    finished = []
    real = ui_personas.model_lib.segment
    monkeypatch.setattr(ui_personas.model_lib, "segment",
                        lambda *a, **k: finished.append(k["k"]) or real(*a, **k))
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=True)
    assert page.model.busy and page.progress.layout.display == ""
    assert "Segmenting 20,000 followers" in page.status.value
    page.model.wait()
    assert not page.model.busy and page.progress.layout.display == "none"
    assert len(page.model.personas) == 6 and page.sizes is not None

    page.k_slider.value = 3
    page.k_slider.value = 5  # supersedes k=3 at its next progress step
    assert page.model.busy
    assert len(page.model.personas) == 6  # the last result stays while the new one is made
    page.model.wait()
    page.model.wait()
    assert page.model.segmentation.k == 5 and len(page.model.personas) == 5
    assert page.cards.value.count('class="wb-persona"') == 5
    assert page.progress.value == 1.0 and not page.model.busy
    assert finished[-1] == 5


def test_readers_from_wechat_distributions_panel(page):
    panel = page.readers
    assert panel.profile is None and panel.sources["distributions"].data is None  # lazy
    page.readers_panel.selected_index = 0
    assert panel.profile is not None and panel.figure is not None
    types = {level("content_type", c, "en") for c in panel.profile["content_type"].unique()}
    assert set(panel.figure.data[0].y) == types and len(types) == 7
    assert [tr.name for tr in panel.figure.data] == ["Female", "Male", "Unknown"]
    female = dict(zip(panel.figure.data[0].y, panel.figure.data[0].x))
    assert female["Product"] > female["News"]  # the sample's product readers lean female

    # issue 23: each of the panel's two data pickers says which file it takes (not "Data"
    # twice), the demo is called the demo, and no "IPF" jargon is left on the page
    labels = [p.source.description for p in panel.pickers.values()]
    assert len(set(labels)) == 2 and all(label != "Data" for label in labels), labels
    assert all("Demo data" in p.source.options[0][0] for p in panel.pickers.values())
    # issue 23: the toggles read as labels, capitalised, not as lowercase codes
    assert [label for label, _ in panel.dimension.options] == ["Gender", "Age", "Region"]
    panel.dimension.value = "age"
    assert len(panel.figure.data) == 6 and all(
        sum(tr.x[i] for tr in panel.figure.data) == pytest.approx(1, abs=0.01)
        for i in range(len(types)))

    table_all = panel.table.value
    assert table_all.count("<tr>") == 9 and "iterative proportional fitting" in table_all
    panel.content_type.value = "product"
    assert panel.table.value != table_all
    assert panel.candidates.attrs["survey_rows"] > 19_000
    panel.use_survey.value = False
    assert "independent" in panel.table.value and panel.candidates["survey_share"].isna().all()
    panel.with_region.value = True
    assert list(panel.candidates.columns[:3]) == ["gender", "age", "region"]

    # an upload whose titles match nothing: said in words, the chart kept
    before = list(panel.figure.data[0].x)
    bad = "内容标题,维度,分类,人数\n不存在的文章,gender,男,10\n".encode()
    assert panel.pickers["distributions"].upload_file(bad, "detail.csv")
    assert "No article title" in panel.status.value
    assert list(panel.figure.data[0].x) == before
    page.header.model.lang = "zh"
    try:
        assert "读者分布" in page.readers_panel.get_title(0)
        assert "估计占读者比例" in panel.table.value
        assert "标题都对不上" in panel.status.value
    finally:
        page.header.model.lang = "en"


@pytest.mark.slow
def test_auto_k_in_the_background_draws_the_curve_when_the_result_comes():
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=True)
    page.model.wait()
    page.auto_k.value = True  # the data choose 6 again: the personas are the same, the curve new
    assert page.model.busy and page.curve is None
    page.model.wait()
    assert page.curve is not None and list(page.curve.data[1].x) == [page.model.segmentation.k]


def test_letting_the_data_choose_says_which_k_it_fits_and_keeps_the_page_live(monkeypatch):
    """Issue 19: while the data choose k the status line names the k being fitted and the
    progress bar moves; the other controls answer meanwhile (held here at k = 5 until a filter
    has been used and the language switched); at the end both go and the chosen k is shown."""
    import threading

    from workbench.ui import personas as ui_personas

    store = ScenarioStore("sqlite://")
    page = PersonaDashboard(lang="en", store=store, background=True)
    page.model.wait()
    real = ui_personas.model_lib.segment
    at_five, go_on = threading.Event(), threading.Event()

    def held(*args, trying_k, **kwargs):
        def trying(k):
            trying_k(k)
            if k == 5 and not at_five.is_set():
                at_five.set()
                assert go_on.wait(60)
        return real(*args, trying_k=trying, **kwargs)

    monkeypatch.setattr(ui_personas.model_lib, "segment", held)
    tried, shares, statuses = [], [], []
    page.model.observe(lambda change: tried.append(change.new), names="trying_k")
    page.model.observe(lambda change: shares.append(change.new), names="progress")
    page.status.observe(lambda change: statuses.append(change.new), names="value")
    page.auto_k.value = True
    assert at_five.wait(60)
    try:
        assert page.model.busy and page.progress.layout.display == ""
        assert "fitting 5 personas (trying 2 to 10) for 20,000 followers" in page.status.value
        assert 0 < page.progress.value < 0.5
        before = [p.size for p in page.model.personas]
        page.filter_boxes["platform"].value = "wechat"      # answered while the fit waits
        assert page.model.filters == {"platform": "wechat"}
        assert sum(p.size for p in page.model.personas) < sum(before)
        page.header.model.lang = "zh"
        assert "由数据决定画像数量：正在拟合 5 类画像" in page.status.value
        page.header.model.lang = "en"
    finally:
        go_on.set()
    page.model.wait()
    seg = page.model.segmentation
    assert tried[:9] == list(range(2, 11)) and tried[9:] == [seg.k, 0]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert any("fitting 10 personas" in text for text in statuses)
    assert seg.k == 6 and len(seg.quality["curve"]) == 9
    assert not page.model.busy and page.progress.layout.display == "none"
    assert "fitting" not in page.status.value and page.model.trying_k == 0
    assert list(page.curve.data[1].x) == [6]
    assert page.k_slider.disabled and not page.filter_boxes["platform"].disabled
    page.save_name.value = "chosen by the data"
    assert page.save() == 1          # the curves by k are saved too
    saved = store.load("personas", "chosen by the data")["quality"]
    assert sorted(saved["log_likelihood_curve"], key=int) == [str(k) for k in range(2, 11)]


def test_memory_is_handed_back_after_reading_and_after_each_segmentation(monkeypatch):
    """A million followers left ~64 MB of reader temporaries and ~260 MB of segmentation
    temporaries in glibc's heaps; the page hands them back after each (``release_memory``)."""
    from workbench.ui import personas as ui_personas
    from workbench.ui import sources

    events = []
    monkeypatch.setattr(sources, "release_memory", lambda: events.append("read"))
    monkeypatch.setattr(ui_personas, "release_memory", lambda: events.append("segmented"))
    real = ui_personas.model_lib.segment
    monkeypatch.setattr(ui_personas.model_lib, "segment",
                        lambda *a, **k: events.append("segment") or real(*a, **k))
    page = PersonaDashboard(lang="en", store=ScenarioStore("sqlite://"), background=False)
    assert events == ["read", "segment", "segmented"]
    page.k_slider.value = 4
    assert events[3:] == ["segment", "segmented"]
    sample = io.sample("followers").head(600)
    assert page.header.pickers["followers"].upload_file(sample.to_csv(index=False).encode(),
                                                         "few.csv")
    assert events[5:] == ["read", "segment", "segmented"]
