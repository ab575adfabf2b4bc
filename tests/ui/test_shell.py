"""The shared header and data-source picker, and the home page, driven without a browser."""

from __future__ import annotations

from types import SimpleNamespace

import datetime as dt
import html
import os

import pytest

from workbench import io
from workbench.i18n import t
from workbench.ui import DataSourceModel, Header, HomeDashboard
from workbench.ui.shell import DataPreview

GOOD_CSV = (
    "follower_id,gender,age_band,city_tier\n"
    "a1,female,18_24,tier1\n"
    "a2,male,25_30,tier2\n"
    "a3,female,31_40,new_tier1\n"
).encode()
WRONG_COLUMNS_CSV = b"colour,size\nred,3\nblue,4\n"
EVIL_NAME = "<script>alert(1)</script>.csv"


def file_value(content: bytes, name: str, size: int | None = None) -> tuple[dict, ...]:
    """What ipywidgets 8's FileUpload puts in ``.value`` after the user picks one file."""
    return ({
        "name": name, "type": "text/csv", "size": len(content) if size is None else size,
        "content": memoryview(content), "last_modified": dt.datetime(2026, 11, 1),
    },)


@pytest.fixture
def header():
    return Header("page.personas.title", lang="en", data_kinds=("followers",))


def data_error(content: bytes, name: str, kind: str = "followers") -> io.DataError:
    with pytest.raises(io.DataError) as info:
        io.load(content, kind, name=name)
    return info.value


# -- data source -------------------------------------------------------------------------------

def test_starts_with_the_bundled_sample(header):
    source = header.source()
    sample = io.sample("followers")
    assert source.source == "sample"
    assert source.data is not None and len(source.data) == len(sample)
    assert list(source.data.columns) == list(sample.columns)
    assert source.status_level == "info"
    assert f"{len(sample):,}" in source.status[0]


def test_upload_replaces_the_data_and_shows_the_report(header):
    picker, source = header.pickers["followers"], header.source()
    seen = []
    source.observe(lambda change: seen.append(change.new), names="data")

    picker.upload.value = file_value(GOOD_CSV, "survey.csv")

    assert source.source == "upload" and picker.source.value == "upload"
    assert len(source.data) == 3
    assert len(seen) == 1 and seen[0] is source.data
    assert source.status_level == "info"
    report = source.data.attrs["load_report"]
    assert source.status[0] == t("status.loaded", "en", name="survey.csv", rows="3",
                                 kind="follower data")
    assert source.status[1:] == report.messages("en")
    assert "survey.csv" in picker.status.value and "wb-status--error" not in picker.status.value
    assert picker.upload.value == ()  # cleared, so the same file can be picked again


def test_a_zipped_upload_is_offered_and_read_as_the_file_inside(header):
    """A follower export too big for the upload limit goes in as a .zip or .gz."""
    import gzip
    import io as stdio
    import zipfile

    picker, source = header.pickers["followers"], header.source()
    assert ".zip" in picker.upload.accept.split(",") and ".gz" in picker.upload.accept.split(",")
    buf = stdio.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("survey.csv", GOOD_CSV)
    for content, name in ((buf.getvalue(), "survey.zip"), (gzip.compress(GOOD_CSV), "s.csv.gz")):
        picker.upload.value = file_value(content, name)
        assert source.source == "upload" and len(source.data) == 3
        assert source.status[0] == t("status.loaded", "en", name=name, rows="3",
                                     kind="follower data")
        assert any("was unpacked from" in line for line in source.status[1:])


@pytest.mark.parametrize("content", [b"", WRONG_COLUMNS_CSV], ids=["empty", "wrong-columns"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_upload_keeps_the_data_and_shows_the_escaped_error(header, content, lang):
    picker, source = header.pickers["followers"], header.source()
    header.lang_toggle.value = lang
    before = source.data
    changes = []
    source.observe(lambda change: changes.append(change), names="data")

    picker.upload.value = file_value(content, EVIL_NAME)

    assert source.data is before and changes == []
    assert source.source == "sample"
    assert source.status_level == "error"
    expected = data_error(content, EVIL_NAME).message(lang)
    assert source.status[0] == expected
    assert source.status[-1] == t("error.kept_previous", lang)
    shown = picker.status.value
    assert "wb-status--error" in shown
    assert "<script>" not in shown
    assert html.escape(expected) in shown


def test_error_follows_the_language_toggle(header):
    picker, source = header.pickers["followers"], header.source()
    picker.upload_file(WRONG_COLUMNS_CSV, "bad.csv")
    err = data_error(WRONG_COLUMNS_CSV, "bad.csv")
    assert source.status[0] == err.message("en")
    header.lang_toggle.value = "zh"
    assert source.status == [err.message("zh"), t("error.kept_previous", "zh")]
    assert html.escape(err.message("zh")) in picker.status.value
    header.lang_toggle.value = "en"
    assert source.status[0] == err.message("en")


def test_loader_bug_is_shown_not_swallowed(header, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(io, "load", broken)
    source = header.source()
    before = source.data
    assert source.load_file(GOOD_CSV, "survey.csv") is False
    assert source.data is before and source.status_level == "error"
    assert "KeyError" in source.status[0] and "survey.csv" in source.status[0]
    header.lang_toggle.value = "zh"
    assert "无法读取 survey.csv" in source.status[0]


def test_bad_upload_after_a_good_one_keeps_the_uploaded_data(header):
    picker, source = header.pickers["followers"], header.source()
    picker.upload_file(GOOD_CSV, "good.csv")
    good = source.data
    assert picker.upload_file(WRONG_COLUMNS_CSV, "bad.csv") is False
    assert source.data is good and source.file_name == "good.csv"


def test_oversize_upload_is_refused_before_parsing(header, monkeypatch):
    picker, source = header.pickers["followers"], header.source()
    before = source.data

    def must_not_parse(*args, **kwargs):
        raise AssertionError("an oversize file must not reach the loader")

    monkeypatch.setattr(io, "load", must_not_parse)
    big = io.MAX_UPLOAD_BYTES + 1
    picker.upload.value = file_value(b"gender,age_band\n", "huge.csv", size=big)

    assert source.data is before
    assert source.status_level == "error"
    assert source.status[0] == t("error.too_large", "en", name="huge.csv", size="50.1",
                                 limit="50")
    assert "wb-status--error" in picker.status.value


def test_oversize_by_content_length(header, monkeypatch):
    monkeypatch.setattr(io, "MAX_UPLOAD_BYTES", 10)
    source = header.source()
    assert source.load_file(b"x" * 11, "a.csv") is False
    assert source.status_level == "error" and "a.csv" in source.status[0]


def test_switching_sources(header):
    picker, source = header.pickers["followers"], header.source()
    sample = source.data
    picker.source.value = "upload"  # nothing uploaded yet: ask for a file, keep the sample
    assert source.data is sample
    assert source.status == [t("status.choose_file", "en", kind="follower data")]

    picker.upload_file(GOOD_CSV, "survey.csv")
    uploaded = source.data
    picker.source.value = "sample"
    assert len(source.data) == len(sample) and source.source == "sample"
    picker.source.value = "upload"  # the last good upload comes back
    assert source.data is uploaded and source.status[0].startswith("Loaded survey.csv")


# -- language ----------------------------------------------------------------------------------

def test_language_toggle_relabels_in_place(header):
    picker, source = header.pickers["followers"], header.source()
    widgets = (header.title, header.lang_toggle, picker.source, picker.upload, picker.status)
    picker.upload_file(GOOD_CSV, "survey.csv")
    data = source.data

    header.lang_toggle.value = "zh"

    assert header.model.lang == "zh" and source.lang == "zh"
    assert (header.title, header.lang_toggle, picker.source, picker.upload,
            picker.status) == widgets
    assert "用户画像" in header.title.value and "运营策划工作台" in header.title.value
    assert "?lang=zh" in header.title.value
    assert picker.source.options == (("演示数据（示例品牌）", "sample"), ("上传的文件", "upload"))
    assert picker.source.value == "upload" and source.source == "upload"
    assert source.data is data  # relabelling never reloads
    assert picker.source.description == "数据"
    assert picker.upload.description == "上传文件"
    assert "支持 CSV" in picker.hint.value
    assert source.status[0].startswith("已读取 survey.csv")
    assert "已读取" in picker.status.value

    header.lang_toggle.value = "en"
    assert picker.source.label == "Uploaded file" and "Audience personas" in header.title.value


def test_header_without_data():
    header = Header("home.title", lang="zh", home_link=False)
    assert header.model.sources == {} and header.pickers == {}
    assert "运营策划工作台" in header.title.value and "href" not in header.title.value
    with pytest.raises(ValueError):
        header.source()


def test_data_source_model_alone():
    model = DataSourceModel("articles", lang="zh")
    assert len(model.data) == len(io.sample("articles"))
    assert "文章数据" in model.status[0]
    model.lang = "en"
    assert "article data" in model.status[0]


# -- home and placeholders ---------------------------------------------------------------------

DASHBOARD_FILES = ("01_personas.ipynb", "02_content_mix.ipynb", "03_activity_roi.ipynb",
                   "04_campaign_review.ipynb")


def test_home_links_keep_the_language():
    home = HomeDashboard(lang="en")
    for nb in DASHBOARD_FILES:
        assert f'href="./{nb}?lang=en"' in home.cards.value
    assert "Audience personas" in home.cards.value
    cards = home.cards
    home.header.lang_toggle.value = "zh"
    assert home.cards is cards
    for nb in DASHBOARD_FILES:
        assert f'href="./{nb}?lang=zh"' in home.cards.value
    assert "用户画像" in home.cards.value and "闭环" in home.intro.value
    assert "运营策划工作台" in home.header.title.value


def test_home_from_url(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "lang=zh")
    assert HomeDashboard.from_url().lang == "zh"
    monkeypatch.setenv("QUERY_STRING", "")
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)
    assert HomeDashboard.from_url().lang == "en"


def test_from_url_builds_the_page_in_the_url_language(monkeypatch):
    """Charts are created in the URL's language: a FigureWidget relabelled before it is
    displayed would reach the browser in the language it was built in."""
    from workbench.store import ScenarioStore
    from workbench.ui import RoiDashboard

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "lang=zh")
    built = []
    original = RoiDashboard.__init__

    def recording_init(self, *args, **kwargs):
        built.append(kwargs.get("lang"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(RoiDashboard, "__init__", recording_init)
    page = RoiDashboard.from_url(store=ScenarioStore("sqlite://"))
    assert built == ["zh"] and page.lang == "zh"
    assert "ROI 可能的结果分布" in page.charts["histogram"].figure.layout.title.text


def pre_heated(monkeypatch, query: str, on_visit=lambda: None) -> list[str]:
    """Make this process a pre-heated Voilà kernel whose visitor asks for ``?query``: the first
    :func:`workbench.runtime.voila.query_string` waits for the visit (``on_visit`` runs then).
    Returns the list the events go to (``"visit"``)."""
    from workbench.runtime import voila

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(voila, "_request_seen", False)
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    events = []

    def visit():  # what Voilà's wait_for_request does: the request's variables arrive
        events.append("visit")
        monkeypatch.setenv("QUERY_STRING", query)
        on_visit()

    monkeypatch.setattr(voila, "_wait_for_request", visit)
    return events


@pytest.mark.parametrize("query, drawn_after", [("lang=zh", ["drawn zh"] * 3),
                                                 ("lang=en", [])])
def test_a_preheated_kernel_builds_and_draws_before_the_visit(monkeypatch, query, drawn_after):
    """Voilà's pool runs the notebook before anyone asks: the page is built then, in the default
    language, and its charts drawn (histogram, curve, tornado), so a visit in that language
    finds them ready; a visit in the other language relabels the page and draws them again,
    once each, after the wait. The look for a draft waits for the visit."""
    from workbench.store import ScenarioStore
    from workbench.ui import RoiDashboard
    from workbench.ui.drafts import DraftKeeper
    from workbench.ui.slots import ChartSlot

    events = pre_heated(monkeypatch, query)
    original_init, original_draw = RoiDashboard.__init__, ChartSlot._draw
    original_open = DraftKeeper._open

    def recording_init(self, *args, **kwargs):
        events.append(f"built {kwargs.get('lang')}")
        original_init(self, *args, **kwargs)

    def recording_draw(self, build, *args, **kwargs):
        events.append(f"drawn {kwargs.get('lang')}")
        return original_draw(self, build, *args, **kwargs)

    def recording_open(self):
        events.append("draft looked for")
        return original_open(self)

    monkeypatch.setattr(RoiDashboard, "__init__", recording_init)
    monkeypatch.setattr(ChartSlot, "_draw", recording_draw)
    monkeypatch.setattr(DraftKeeper, "_open", recording_open)
    page = RoiDashboard.from_url(store=ScenarioStore("sqlite://"))
    assert events[:5] == ["built en", "drawn en", "drawn en", "drawn en", "visit"]
    assert sorted(events[5:]) == sorted([*drawn_after, "draft looked for"])
    lang = query.split("=")[1]
    assert page.lang == lang and page.header.lang_toggle.value == lang
    title = {"zh": "ROI 可能的结果分布", "en": "How the ROI could turn out"}[lang]
    assert title in page.charts["histogram"].figure.layout.title.text
    # the language is known now: the next page in this kernel does not wait again
    events.clear()
    RoiDashboard.from_url(store=ScenarioStore("sqlite://"))
    assert events[:2] == [f"built {lang}", f"drawn {lang}"]


def test_a_preheated_personas_page_segments_and_draws_before_the_visit(monkeypatch):
    """The personas page segments in a worker thread whose result the kernel's event loop
    applies; a pre-heated kernel's loop is held by the cell until the visit, so there it
    segments at once, and the visit finds the personas and their charts ready. Afterwards
    re-segmenting goes back to the worker (the page stays responsive)."""
    from workbench.store import ScenarioStore
    from workbench.ui import PersonaDashboard
    from workbench.ui.slots import ChartSlot

    drawn, drawn_before = [], []
    events = pre_heated(monkeypatch, "lang=en", on_visit=lambda: drawn_before.extend(drawn))
    original_draw = ChartSlot._draw

    def recording_draw(self, build, *args, **kwargs):
        drawn.append(build.__name__)
        return original_draw(self, build, *args, **kwargs)

    monkeypatch.setattr(ChartSlot, "_draw", recording_draw)
    page = PersonaDashboard.from_url(store=ScenarioStore("sqlite://"))
    assert events == ["visit"]
    assert {"lift_heatmap", "segment_sizes", "persona_map"} <= set(drawn_before)
    assert page.model.segmentation is not None and len(page.model.personas) >= 2
    assert page.model.background is True and not page.model.busy


def test_a_preheated_page_lists_what_was_saved_before_its_visit(monkeypatch):
    """A page from the pool was built minutes before its visit: a plan or persona set another
    tab saved meanwhile is offered all the same."""
    from workbench import review
    from workbench.store import ScenarioStore
    from workbench.ui import MixDashboard, ReviewDashboard

    store = ScenarioStore("sqlite://")
    plan = review.backtest_plan(io.sample("articles"), "2026-10-05", weeks=6)

    def saved_elsewhere():
        store.save("mix_plan", "Saved in another tab", plan)
        store.save("personas", "Autumn personas", {"personas": []})

    pre_heated(monkeypatch, "lang=en", saved_elsewhere)
    page = ReviewDashboard.from_url(store=store)
    assert "Saved in another tab" in [value for _, value in page.plan_pick.options]
    pre_heated(monkeypatch, "lang=en")
    mix = MixDashboard.from_url(store=store)
    assert "Autumn personas" in [value for _, value in mix.persona_set.options]


def test_home_displays():
    bundle = HomeDashboard(lang="en")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


# -- data preview --------------------------------------------------------------------------------

def test_preview_shows_the_uploaded_rows_escaped_and_localised():
    header = Header("page.content_mix.title", lang="en", data_kinds=("articles",))
    page = SimpleNamespace(header=header, previews=[DataPreview(header.source())])
    csv = ("内容标题,发表时间,总阅读次数,平台\n"
           "<script>alert(1)</script>,2024-03-01 20:30,\"1,234\",微信\n"
           "Tom & Jerry \"quoted\",2024年3月2日,10万+,微博\n").encode()
    assert page.header.pickers["articles"].upload_file(csv, "export.csv")
    preview = page.previews[0].widget.value
    assert "<script>" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "Tom &amp; Jerry &quot;quoted&quot;" in preview
    assert "First 2 of 2 rows" in preview
    # numbers as read, dates as dates, platform codes shown by their names
    assert "<td>1234</td>" in preview and "<td>100000</td>" in preview
    assert "<td>2024-03-01 20:30</td>" in preview and "<td>2024-03-02</td>" in preview
    assert "<td>WeChat</td>" in preview and "<td>Weibo</td>" in preview

    page.header.model.lang = "zh"
    preview = page.previews[0].widget.value
    assert "<th>内容标题</th>" in preview and "<td>微信</td>" in preview
    assert "共 2 行" in preview


def test_a_page_reading_several_kinds_names_each_picker():
    header = Header("page.campaign_review.title", lang="en",
                    data_kinds=("daily_users", "articles", "activities"))
    assert list(header.model.sources) == ["daily_users", "articles", "activities"]
    assert [len(m.data) for m in header.model.sources.values()] == [
        len(io.sample(k)) for k in ("daily_users", "articles", "activities")]
    assert [p.source.description for p in header.pickers.values()] == [
        "Data: follower growth data", "Data: article data", "Data: activity data"]
    header.model.lang = "zh"
    assert header.pickers["articles"].source.description == "数据：文章数据"
    single = Header("page.content_mix.title", lang="en", data_kinds=("articles",))
    assert single.pickers["articles"].source.description == "Data"

def test_a_preheated_kernel_gets_its_request_from_voilas_own_handler(monkeypatch):
    """The wait speaks Voilà's protocol (its RequestInfoSocketHandler, as the server mounts it)
    without importing ``voila.utils`` (67 MB in every pooled kernel)."""
    import asyncio
    import threading
    import uuid

    import tornado.web
    from voila.request_info_handler import RequestInfoSocketHandler

    from workbench import i18n
    from workbench.runtime import voila
    from workbench.serve import free_port

    kernel_id, port, ready = str(uuid.uuid4()), free_port(), threading.Event()
    loop = asyncio.new_event_loop()

    def serve():
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/(?P<kernel_id>[\w-]+)",
                                        RequestInfoSocketHandler)])
        app.listen(port, "127.0.0.1")
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    assert ready.wait(10)
    # the visit came before the kernel asked: Voilà keeps it for the kernel
    RequestInfoSocketHandler.send_updates(
        {"kernel_id": kernel_id, "payload": {"QUERY_STRING": "lang=zh", "SERVER_PORT": "9"}})
    for key, value in {"VOILA_PREHEAT": "True", "VOILA_KERNEL_ID": kernel_id,
                       "VOILA_APP_PORT": str(port), "VOILA_SERVER_URL": "/"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("SERVER_PORT", "")
    monkeypatch.setattr(voila, "_request_seen", False)
    try:
        assert i18n.language(voila.query_string()) == "zh"
        assert os.environ["SERVER_PORT"] == "9" and not voila.request_pending()
    finally:
        loop.call_soon_threadsafe(loop.stop)


def test_the_stylesheet_is_inline_only_where_no_workbench_server_links_it(monkeypatch):
    """Served by workbench.serve (WORKBENCH_STATIC_PATH set) a page's <head> links the one
    stylesheet; elsewhere (stock Voilà, JupyterLab) the header carries it inline."""
    from workbench.runtime.assets import STATIC_ENV, STYLESHEET
    from workbench.ui.shell import styles

    monkeypatch.setenv(STATIC_ENV, "/workbench/static/")
    assert styles().value == ""
    monkeypatch.delenv(STATIC_ENV)
    inline = styles().value
    assert inline == f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"
    for rule in (".wb-page {", ".wb-persona {", ".wb-week {", ".wb-card {", ".wb-table {"):
        assert rule in inline


def test_the_data_preview_names_columns_as_people_read_them():
    """The data as the workbench read it: 发表时间 / Publish time over the column, never the
    code name publish_time (issue 23)."""
    import re

    from workbench import io
    from workbench.ui.sources import preview_html

    articles = io.sample("articles")
    for lang, wanted in (("en", "Publish time"), ("zh", "发表时间")):
        heads = re.findall(r"<th[^>]*>(.*?)</th>", preview_html(articles, "articles", lang))
        assert wanted in heads and "Reads" in heads or "阅读次数" in heads
        assert not any("_" in h for h in heads), heads
