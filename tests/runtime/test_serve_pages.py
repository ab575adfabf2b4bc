"""What a page costs the browser (issue 7): responses compressed, plotly.js loaded once and
early on the pages with charts, and the workbench's own front end instead of Voilà's.

Against the real server (``server``: ``make run``'s configuration on a free port).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
import urllib.request
from html.parser import HTMLParser

from serving import HOME, RENDER_TIMEOUT, fetch
from workbench.runtime.assets import PARTIAL_PLOTLY, STATIC_DIR, plotly_bundle, plotly_js
from workbench.serve import FRONT_END, NOTEBOOKS

ROI = "voila/render/03_activity_roi.ipynb"
BUNDLE = plotly_bundle("/workbench/static/")


def fetch_gzip(url: str) -> tuple[dict, bytes]:
    """Headers and raw body of a GET that accepts gzip, as browsers do."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=RENDER_TIMEOUT) as r:
        return dict(r.headers), r.read()


def head(page: str) -> str:
    return page[:page.index("</head>")]


def test_plotly_js_and_pages_travel_compressed(server):
    url, _ = server
    headers, body = fetch_gzip(url + BUNDLE.lstrip("/"))
    assert headers["Content-Encoding"] == "gzip"
    assert plotly_js() == PARTIAL_PLOTLY  # the partial bundle (tests/runtime/test_plotly_bundle.py)
    assert gzip.decompress(body) == PARTIAL_PLOTLY.read_bytes()
    assert len(body) < 500_000  # the full bundle: 4.8 MB as sent before, 1.47 MB gzipped
    assert "immutable" in headers["Cache-Control"]  # and fetched once a year at most
    headers, body = fetch_gzip(url + HOME)
    assert headers["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(body)


def test_a_dashboard_starts_fetching_plotly_in_its_head_and_the_home_page_does_not(server):
    """Fetched early, after the page's own front end, and run by page.js once it has asked the
    kernel for the widgets' states (a browser test checks that, and that the charts draw:
    tests/browser/test_front_end.py)."""
    url, _ = server
    status, _, page = fetch(url + ROI + "?lang=en")
    assert status == 200
    tags = re.findall(r'<link id="wb-plotly-preload"[^>]*>', head(page))
    assert len(tags) == 1 and f'href="{BUNDLE}"' in tags[0]
    assert 'rel="preload"' in tags[0] and 'as="script"' in tags[0]
    assert 'fetchpriority="low"' in tags[0]  # else it comes before the deferred page.js
    assert not re.search(r"<script[^>]*plotly\.min\.js", page)  # page.js runs it
    status, _, home = fetch(url + HOME)
    assert status == 200 and "wb-plotly" not in home and "plotly.min.js" not in home


def test_pages_load_the_workbench_front_end_and_not_voilas(server):
    """Each page links page.css and defers page.js in its <head> (fetched while the kernel runs
    the notebook), under URLs that name their content, and loads none of Voilà's JupyterLab
    front end (voila.js with its extensions, voila-style.js, Font Awesome from a CDN)."""
    url, _ = server
    for path in (HOME, ROI):
        status, _, page = fetch(url + path + "?lang=en")
        assert status == 200
        css = re.findall(r'<link rel="stylesheet" href="(/workbench/static/page\.css\?v=\w+)">',
                         head(page))
        js = re.findall(
            r'<script defer src="(/workbench/static/page\.js\?v=\w+)"[^>]*></script>', head(page))
        assert len(css) == 1 and len(js) == 1, (css, js)
        # the upload guard does not hold up the parser either
        assert re.search(r'<script defer src="/workbench/static/upload-guard\.js"', head(page))
        for name in ("/voila/static/voila.js", "voila-style.js", "cdn.jsdelivr.net"):
            assert name not in page, name
        for link, name in zip((css[0], js[0]), FRONT_END):
            headers, body = fetch_gzip(url + link.lstrip("/"))
            assert gzip.decompress(body) == (STATIC_DIR / name).read_bytes()
            assert headers["Content-Encoding"] == "gzip"
            assert "max-age" in headers["Cache-Control"] and \
                int(headers["Cache-Control"].split("max-age=")[1].split(",")[0]) > 86400 * 300
    assert len(fetch_gzip(url + js[0].lstrip("/"))[1]) < 250_000  # Voilà's: about 1.2 MB


def test_every_page_links_the_one_stylesheet_and_carries_no_style_of_its_own(server):
    """The pages' styles are one file (workbench/static/workbench.css), linked from the head and
    cached; no page sends them again in its widgets (they were eight strings in Python modules,
    two of them sent again with every redraw of the persona cards and reader tables)."""
    url, _ = server
    for path in (HOME, ROI, "voila/render/01_personas.ipynb", "voila/render/02_content_mix.ipynb",
                 "voila/render/04_campaign_review.ipynb"):
        status, _, page = fetch(url + path + "?lang=en")
        assert status == 200, path
        links = re.findall(
            r'<link rel="stylesheet" href="(/workbench/static/workbench\.css\?v=\w+)">',
            head(page))
        assert len(links) == 1, path
        assert ".wb-page {" not in page and ".wb-persona {" not in page, path
    headers, body = fetch_gzip(url + links[0].lstrip("/"))
    assert gzip.decompress(body) == (STATIC_DIR / "workbench.css").read_bytes()
    assert "max-age" in headers["Cache-Control"]


class _Scripts(HTMLParser):
    """The attributes of each ``<script>`` of a page, by its ``src`` without the query."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.found[attrs["src"].split("?")[0].rsplit("/", 1)[-1]] = attrs


def test_page_js_gets_the_pages_language_and_its_texts_in_every_language(server):
    """page.js (its connection banner) and upload-guard.js (through page.js) speak the language
    the page shows: the page's starting language and every language's texts come in page.js's
    tag, from the i18n catalogue."""
    from workbench.i18n import CATALOGUES, LANGS
    from workbench.serve import FRONT_END_TEXTS

    url, _ = server
    for lang in LANGS:
        status, _, page = fetch(url + ROI + f"?lang={lang}")
        assert status == 200
        scripts = _Scripts()
        scripts.feed(head(page))
        front = scripts.found["page.js"]
        assert front["data-lang"] == lang
        assert front["data-langs"].split(",") == list(LANGS)  # the header toggle's order
        messages = json.loads(front["data-messages"])
        assert messages == {code: {key: CATALOGUES[code][key] for key in FRONT_END_TEXTS}
                            for code in LANGS}
        assert "断开" in messages["zh"]["connection.lost"]
        guard = scripts.found["upload-guard.js"]
        assert "data-lang" not in guard  # it asks page.js (window.workbenchLang)
        assert json.loads(guard["data-messages"])["zh"]["error.too_large"] == \
            CATALOGUES["zh"]["error.too_large"]


def served_store(env: dict) -> str:
    """The ``WORKBENCH_DB`` of a server ``running(env=env)`` starts."""
    import psutil

    from workbench.serve import free_port, running

    port = free_port()
    with running(port=port, env=env):
        served = [p for p in psutil.Process().children(recursive=True)
                  if f"--port={port}" in p.cmdline()]
        assert len(served) == 1
        return served[0].environ()["WORKBENCH_DB"]


def test_a_test_server_keeps_scenarios_in_a_store_of_its_own(tmp_path):
    """``running()`` (tests, benchmarks, screenshots) gives the server a temporary store: a run
    leaves no drafts in the user's store and meets none from an earlier run; a store named in
    its environment is kept."""
    import os

    from workbench.store import default_url

    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"}
    store = served_store(env)
    assert "workbench-store-" in store and store.endswith("scenarios.sqlite")
    assert store not in default_url()
    assert not os.path.exists(os.path.dirname(store))  # removed with the server
    named = str(tmp_path / "team.sqlite")
    assert served_store({**env, "WORKBENCH_DB": named}) == named


def test_pre_heated_kernels_know_where_plotly_js_is_and_start_a_page_at_a_time(monkeypatch):
    """Voilà's pool starts its first kernels while it makes its kernel manager; they inherit
    the environment then. Without the bundle's address they drew plotly FigureWidgets (5 MB of
    plotly.js in each chart's widget state). The manager itself starts none: the server
    starts one page's pool every ``pool_stagger`` seconds, the home page first."""
    import tornado.ioloop
    import voila.app

    from workbench.runtime.assets import STATIC_ENV
    from workbench.serve import WorkbenchServer

    monkeypatch.delenv(STATIC_ENV, raising=False)
    factory, seen, timers = voila.app.voila_kernel_manager_factory, {}, []

    def spying_factory(base, preheat, pool_size, **kwargs):
        seen["preheat"], seen["static"] = preheat, os.environ.get(STATIC_ENV)
        return factory(base, preheat, pool_size, **kwargs)

    class Timers:  # the server's event loop, which does not run here
        def call_later(self, delay, callback, *args):
            timers.append((delay, callback.__name__, args))

    monkeypatch.setattr(voila.app, "voila_kernel_manager_factory", spying_factory)
    monkeypatch.setattr(tornado.ioloop.IOLoop, "current", staticmethod(lambda *a, **k: Timers()))
    server = WorkbenchServer()
    server.initialize(["--no-browser", "--VoilaConfiguration.preheat_kernel=True"])
    server.init_settings()  # what start() does first
    assert seen == {"preheat": True, "static": "/workbench/static/"}
    notebooks = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert all(server.kernel_manager.get_pool_size(name) == 0 for name in notebooks)
    assert timers == [(n * server.pool_stagger, "_heat", (name, 1))
                      for n, name in enumerate(notebooks)]
    assert notebooks[0] == "00_home.ipynb" and server.pool_stagger > 0


def test_the_pools_start_one_page_after_another_home_first(server):
    """Started all at once on 2 cores, five pools kept the home page 17 s from its first visit
    (``WorkbenchServer.pool_stagger``)."""
    _, log = server
    notebooks = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    deadline = time.monotonic() + RENDER_TIMEOUT
    while True:
        filled = re.findall(r"Kernel pool of (\S+) is filled", log.read_text())
        if set(filled) >= set(notebooks) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert set(filled) == set(notebooks)
    assert filled[0] == "00_home.ipynb"


def test_a_browser_gets_an_id_of_its_own_that_stays(server):
    """Drafts belong to the person and the page: the server gives each browser an id in a
    long-lived cookie on its first page (workbench.ui.drafts keys drafts by it), keeps it on
    later visits, and replaces one that is not an id."""
    from http.cookiejar import CookieJar

    from workbench.runtime.voila import BROWSER_COOKIE, BROWSER_ID

    url, _ = server
    jar = CookieJar()
    assert fetch(url + ROI, cookies=jar)[0] == 200
    first = {c.name: c for c in jar}[BROWSER_COOKIE]
    assert BROWSER_ID.fullmatch(first.value) and first.expires > time.time() + 3e8
    assert first.has_nonstandard_attr("HttpOnly")
    assert fetch(url + ROI, cookies=jar)[0] == 200
    assert {c.name: c.value for c in jar}[BROWSER_COOKIE] == first.value
    other = CookieJar()
    assert fetch(url + ROI, cookies=other)[0] == 200
    assert {c.name: c.value for c in other}[BROWSER_COOKIE] != first.value
    status, headers, _ = fetch(url + ROI, headers={"Cookie": f"{BROWSER_COOKIE}=<x>"})
    assert status == 200
    assert any(c.startswith(f"{BROWSER_COOKIE}=") for c in headers.get_all("Set-Cookie"))
