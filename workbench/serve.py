"""Serve the dashboards: ``python -m workbench.serve [--port 8866] [--no-browser]``.

For a team on the local network: ``python -m workbench.serve --team --host=10.0.0.5``
(``make serve-team HOST=10.0.0.5``), see :class:`WorkbenchServer`.

A thin subclass of Voilà that

* reads the project's ``voila.json`` (bind address, kernel pool, idle-kernel culling, the
  websocket message limit that fits the upload limit) wherever it is started from;
* serves ``notebooks/`` in folder mode, so every dashboard has its own URL
  (``/voila/render/01_personas.ipynb``);
* sends ``/`` to the home page instead of Voilà's file tree (the tree stays at ``/voila/tree``);
* serves plotly.js once at ``/workbench/static/plotly.min.js`` (cached by the
  browser), so a chart does not carry its own 5 MB copy over the websocket
  (:mod:`workbench.ui.slots`): the workbench's partial bundle of the trace kinds it draws
  (:func:`workbench.runtime.assets.plotly_js`);
* starts fetching plotly.js in the ``<head>`` of every page with charts, while the kernel still
  runs the notebook; the front end runs it once it has asked the kernel for the widgets'
  states (:func:`plotly_tag`);
* adds ``/workbench/static/upload-guard.js`` to every dashboard page: a file over
  :data:`workbench.io.MAX_UPLOAD_BYTES` is refused in the browser, with a message beside the
  upload button, before it is sent (over the websocket limit it would be dropped silently);
* keeps the websocket message limit above the upload limit, whatever the configuration says;
* compresses its responses when ``voila.json`` asks (``compress_response``: Voilà sets tornado's
  settings after building its application, too late for tornado to add the gzip transform, so
  the setting alone did nothing);
* gives the pages the workbench's own front end instead of Voilà's JupyterLab one: the page
  template (``workbench/templates``) is Voilà's "lab" page without ``voila.js`` and
  ``voila-style.js``, and ``static/page.js`` (``tools/frontend``) connects to the kernel and draws
  the widgets. Voilà's front end was 1.5 MB gzipped and kept Chromium's main thread busy for the
  whole load; the pages use only the standard controls and :class:`workbench.ui.slots.PlotView`;
* keeps a pre-heated kernel per page (Voilà's pool, ``preheat_kernel`` in ``voila.json``): the
  page is built before anyone asks for it (:meth:`workbench.ui.shell.Page.from_url`). The pools
  start one page after another, the home page first (:attr:`WorkbenchServer.pool_stagger`; all
  at once, the home page took 17 s after start on 2 cores), and refill 5 s after a visit
  (``fill_delay``), not while the visitor's page is still being drawn;
* binds 127.0.0.1 without a token, and refuses any other address without one; ``--team``
  serves on a stated ``--host`` and requires a token (``WORKBENCH_TOKEN``, else a random one
  printed once with the URL) for everything but the login page
  (:mod:`workbench.runtime.access`);
* answers only requests that name it in their ``Host`` header: loopback, its address and the
  names configured with ``--allowed-host`` / ``WORKBENCH_ALLOWED_HOSTS`` (a reverse proxy's),
  against DNS rebinding (:mod:`workbench.runtime.access`);
* owns SIGTERM (which stops it and its kernels) only while it serves: building the
  application leaves a process's signal handlers alone;
* runs as each person's server on a team's JupyterHub when the hub starts it (hub mode, on by
  itself: :mod:`workbench.runtime.hub`): the hub's address and URL prefix, the hub's sign-in,
  activity reports for the idle culler, and pre-heated kernels for the pages named in
  :attr:`WorkbenchServer.pooled_pages` only (the home page's: a person's server then takes
  about a third of the memory).

Voilà's kernel websocket passes only comm, kernel-info and shutdown messages from the browser:
a page cannot run code in its kernel (``tests/runtime/test_serve_security.py`` checks that this
server keeps it so).

Any Voilà option can still be given on the command line, e.g. ``--port 9000``.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import tornado.ioloop
import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import Bool, Float, List, Unicode, default
from voila.app import Voila
from voila.static_file_handler import MultiStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from workbench.runtime.access import (
    ALLOWED_HOSTS_ENV, ANY_HOST, EVERY_INTERFACE, HOSTS_SETTING, LOGIN_FILES, accepted_hosts,
    guarded, is_loopback,
)
from workbench.runtime.assets import (
    STATIC_DIR, STATIC_ENV, STYLESHEET, plotly_bundle, plotly_js, static_url,
)
# Chromium's path and flags, for the browser tests, benchmarks and tools that import them here
from workbench.runtime.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (re-exported)
from workbench.runtime import hub as hub_mode

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
HOME = "voila/render/00_home.ipynb"
STATIC = "workbench/static/"
#: Environment variable holding the team token (``--team``); a random one when unset.
TOKEN_ENV = "WORKBENCH_TOKEN"
#: The page template: Voilà's "lab" page with the workbench's front end (see the module's notes).
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The front end's files in :data:`workbench.runtime.assets.STATIC_DIR`
#: (``tools/frontend/build.sh``).
FRONT_END = ("page.css", "page.js")
#: Head-room of the websocket message limit over the upload limit (a file travels as one
#: binary message, plus the widget's JSON around it).
WEBSOCKET_HEADROOM = 2


class _HomeRedirect(tornado.web.RequestHandler):
    def initialize(self, target: str) -> None:
        self.target = target

    def get(self) -> None:
        query = self.request.query
        self.redirect(self.target + (f"?{query}" if query else ""))

    head = get


class _BundleHandler(tornado.web.StaticFileHandler):
    """plotly.js (:func:`workbench.runtime.assets.plotly_js`) at ``plotly.min.js``; the URL
    names the file's content, so it is cached for a year."""

    def parse_url_path(self, url_path: str) -> str:
        return plotly_js().name

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")


def max_upload_bytes() -> int:
    """The stated upload limit (:data:`workbench.io.MAX_UPLOAD_BYTES`, its one home)."""
    from workbench import io

    return int(io.MAX_UPLOAD_BYTES)


def _attributes(attrs: dict[str, str]) -> str:
    return " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())


def _texts(keys: tuple[str, ...]) -> str:
    """The catalogue's texts of ``keys`` in every language, for a script's ``data-messages``:
    JSON ``{lang: {key: text}}``."""
    from workbench.i18n import CATALOGUES, LANGS

    return json.dumps({code: {key: CATALOGUES[code][key] for key in keys} for code in LANGS},
                      ensure_ascii=False)


#: Texts of upload-guard.js, in the order it shows them.
UPLOAD_GUARD_TEXTS = ("error.too_large", "error.kept_previous")


def upload_guard_tag(src: str) -> str:
    """The ``<script>`` of ``upload-guard.js`` with the limit and the messages (from the i18n
    catalogue, in every language) it needs; the language shown is page.js's
    (``window.workbenchLang``). Deferred: it runs after the page is parsed and before the front
    end shows a widget, and the parser does not wait for it."""
    attrs = {"src": src, "data-limit": str(max_upload_bytes()),
             "data-messages": _texts(UPLOAD_GUARD_TEXTS)}
    return f"<script defer {_attributes(attrs)}></script>"


#: Pages without a chart: they do not load plotly.js.
CHARTLESS = {"00_home.ipynb"}

#: Each dashboard's title (catalogue key): the browser tab's title, in the page's language.
PAGE_TITLES = {"00_home.ipynb": "home.title", "01_personas.ipynb": "page.personas.title",
               "02_content_mix.ipynb": "page.content_mix.title",
               "03_activity_roi.ipynb": "page.activity_roi.title",
               "04_campaign_review.ipynb": "page.campaign_review.title",
               "05_data.ipynb": "page.data.title"}


def page_titles(notebook: str) -> dict[str, str]:
    """The tab's title of a dashboard in every language: ``"Content mix · Planning
    Workbench"`` (the home page: the workbench's name alone)."""
    from workbench.i18n import LANGS, t

    key = PAGE_TITLES.get(notebook)
    out = {}
    for code in LANGS:
        home = t("home.title", code)
        out[code] = home if key in (None, "home.title") else f"{t(key, code)} · {home}"
    return out


def page_lang_tag(src: str, notebook: str) -> str:
    """The deferred ``<script>`` of ``page-lang.js``: the language toggle rewrites ``?lang=``
    in the address, the tab's title (:func:`page_titles`) and ``<html lang>``."""
    from workbench.i18n import LANGS

    attrs = {"src": src, "data-langs": ",".join(LANGS),
             "data-titles": json.dumps(page_titles(notebook), ensure_ascii=False)}
    return f"<script defer {_attributes(attrs)}></script>"


def _page_head(chunk: str, lang: str, title: str) -> str:
    """The served page's ``<html lang>`` and ``<title>`` in the page's language (Voilà writes
    ``en`` and the notebook's file name)."""
    chunk = re.sub(r'<html([^>]*?)\slang="[^"]*"', lambda m: f'<html{m.group(1)} lang="'
                   + ("zh-CN" if lang == "zh" else lang) + '"', chunk, count=1)
    return re.sub(r"<title>[^<]*</title>", lambda m: f"<title>{html.escape(title)}</title>",
                  chunk, count=1)


def plotly_tag(src: str) -> str:
    """The ``<link>`` that starts fetching plotly.js early, while the kernel still runs the
    notebook, after the page's own front end (``fetchpriority="low"``: a preloaded script
    otherwise comes before a deferred one). The front end (``page.js``) runs it once it has
    asked the kernel for the widgets' states (as ``script#wb-plotly``, which ``PlotView``
    waits for): its 0.1-0.2 s of compiling then overlaps the kernel's answer instead of
    delaying the requests."""
    return (f'<link id="wb-plotly-preload" rel="preload" as="script" fetchpriority="low" '
            f'href="{html.escape(src, quote=True)}">')


#: Texts of page.js (the ``connection.*`` keys of the i18n catalogue): the banner shown when the
#: page's kernel is gone or being reconnected.
FRONT_END_TEXTS = ("connection.waiting", "connection.lost", "connection.reload",
                   "connection.signed_out", "connection.sign_in")


def front_end_tags(path: str, lang: str) -> str:
    """The ``<link>`` and deferred ``<script>`` of the front end (:data:`FRONT_END`), and the
    ``<link>`` of the pages' stylesheet (``workbench.css``), under the static ``path``: fetched
    and compiled while the kernel still runs the notebook, run once the page is parsed. The
    script's data attributes give page.js the page's starting language (``data-lang``), the
    header toggle's languages in order (``data-langs``) and its texts (``data-messages``,
    :data:`FRONT_END_TEXTS` in every language)."""
    from workbench.i18n import LANGS

    css, js = (static_url(path, STATIC_DIR / name) for name in FRONT_END)
    styles = static_url(path, STYLESHEET)
    script = _attributes({"src": js, "data-lang": lang, "data-langs": ",".join(LANGS),
                          "data-messages": _texts(FRONT_END_TEXTS)})
    return (f'<link rel="stylesheet" href="{html.escape(css, quote=True)}">'
            f'<link rel="stylesheet" href="{html.escape(styles, quote=True)}">'
            f"<script defer {script}></script>")


class _PageHandler(TornadoVoilaHandler):
    """Voilà's page handler, also setting the ``_xsrf`` cookie and adding the front end
    (:func:`front_end_tags`), the early plotly.js (:func:`plotly_tag`) and the upload guard.

    Leaving a page sends Voilà's kernel-shutdown request (``page.js`` does as Voilà's front end
    did), which the server refuses (403) without that cookie, so every closed tab would leave its
    kernel running until the idle cull.
    The guard's ``<script>`` goes at the end of the page's ``<head>``.
    """

    @tornado.web.authenticated
    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)
        self._tell_the_browser()
        from workbench.i18n import language

        static = url_path_join(self.base_url, STATIC)
        lang = language(self.request.query)
        notebook = Path(path or "").name
        tag = (front_end_tags(static, lang)
               + upload_guard_tag(static + "upload-guard.js")
               + page_lang_tag(static + "page-lang.js", notebook))
        if notebook not in CHARTLESS:
            tag = plotly_tag(plotly_bundle(static)) + tag
        added = False
        async for chunk in self.get_generator(path=path):
            if not added:
                if "</head>" in chunk:
                    chunk = _page_head(chunk, lang, page_titles(notebook)[lang])
                    chunk = chunk.replace("</head>", tag + "</head>", 1)
                    added = True
            self.write(chunk)
            self.flush()


    def _tell_the_browser(self) -> None:
        """Give the page's kernel the visiting browser's id (:data:`BROWSER_COOKIE`, made on
        its first visit and kept ten years), as the header Voilà hands the kernel
        (:data:`BROWSER_HEADER`); a header the client sent itself is replaced."""
        from workbench.runtime.voila import BROWSER_COOKIE, BROWSER_HEADER, BROWSER_ID

        browser = self.get_cookie(BROWSER_COOKIE) or ""
        if not BROWSER_ID.fullmatch(browser):
            browser = secrets.token_urlsafe(16)
            self.set_cookie(BROWSER_COOKIE, browser, expires_days=3650, httponly=True,
                            samesite="Lax")
        self.request.headers[BROWSER_HEADER] = browser


#: Environment variable telling a pre-heated kernel the server's address (Voilà's name).
KERNEL_SERVER_ENV = "VOILA_APP_IP"


def kernel_address(ip: str) -> str:
    """The address in the URL a kernel on this machine reaches a server listening on ``ip``
    at: loopback when it listens on every interface, an IPv6 address in brackets.

    Examples
    --------
    >>> kernel_address("10.0.0.5"), kernel_address("0.0.0.0"), kernel_address("fd00::2")
    ('10.0.0.5', '127.0.0.1', '[fd00::2]')
    """
    ip = ip.strip()
    if ip in EVERY_INTERFACE:
        return "127.0.0.1"
    return f"[{ip}]" if ":" in ip and not ip.startswith("[") else ip


class WorkbenchServer(Voila):
    """Voilà with the workbench's configuration and a home page at ``/``.

    Safe by default: it binds 127.0.0.1 (``voila.json``) without a token, and refuses to start
    on any other address without one. ``--team --host=<address>`` serves the team: the address
    must be stated, and every request needs the token (``WORKBENCH_TOKEN``, else a random one
    that is printed once, in the URL to share), except the login page and its files. Either
    way it answers only requests whose ``Host`` names it (loopback, its address,
    :attr:`allowed_hosts`): see :mod:`workbench.runtime.access`.
    """

    name = "workbench-serve"

    team = Bool(False, config=True,
                help="Serve for a team: on --host (required), with a token (WORKBENCH_TOKEN "
                     "or a random one, printed once with the URL).")
    host = Unicode("", config=True,
                   help="The address to serve on with --team, e.g. 10.0.0.5 (or 0.0.0.0 for "
                        "every interface).")

    allowed_hosts = List(Unicode(), config=True,
                         help="Host names the server answers to besides its address and "
                              "loopback, e.g. a reverse proxy's (--allowed-host=proxy.example, "
                              f"repeatable; default: {ALLOWED_HOSTS_ENV}, comma-separated). A "
                              "request naming another host is refused (DNS rebinding).")

    hub = Bool(config=True,
               help="Serve as a person's server on a team's JupyterHub (on by itself when the "
                    "hub starts it: JUPYTERHUB_SERVICE_URL is set).")

    pooled_pages = List(Unicode(), default_value=None, allow_none=True, config=True,
                        help="The notebooks that keep pre-heated kernels (preheat_kernel), "
                             "e.g. ['00_home.ipynb']; default: every page, and on a hub the "
                             "home page's only (each pooled kernel holds 100-200 MB for "
                             "each person signed in).")

    pool_stagger = Float(6.0, config=True,
                         help="Seconds between the start of one page's pre-heated kernel pool "
                              "and the next (home page first); 0 starts them all at once.")

    flags = {**Voila.flags,
             "team": ({"WorkbenchServer": {"team": True}}, team.help)}
    aliases = {**Voila.aliases, "host": "WorkbenchServer.host",
               "allowed-host": "WorkbenchServer.allowed_hosts"}

    #: the token was made here (so the URL printed at start-up may carry it)
    _token_generated = False

    @default("hub")
    def _hub_default(self):
        return hub_mode.started_by_hub()

    @default("allowed_hosts")
    def _allowed_hosts_default(self):
        return [name.strip() for name in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",")
                if name.strip()]

    @default("config_file_paths")
    def _config_file_paths_default(self):
        return [str(ROOT), *super()._config_file_paths_default()]

    @default("root_dir")
    def _default_root_dir(self):
        return str(NOTEBOOKS)

    def initialize(self, argv=None):
        # Folder mode on notebooks/ unless a path was given explicitly.
        argv = list(argv) if argv is not None else None
        # The kernelspec says plain "python": make it this environment's interpreter.
        bindir = str(Path(sys.executable).parent)
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
        # Voilà takes SIGTERM over here, while only configuring; the server takes it while it
        # serves (listen), and a process that only builds the application keeps its own.
        previous = signal.getsignal(signal.SIGTERM)
        try:
            super().initialize(argv)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if not self.notebook_path and not self.extra_args:
            self.root_dir = str(NOTEBOOKS)
        if self.hub:
            self._join_hub()
        self._secure()
        self._fit_websocket_limit()

    def setup_template_dirs(self):
        super().setup_template_dirs()
        self.template_paths = [str(TEMPLATES), *self.template_paths]

    def init_settings(self):
        # Kernels inherit the environment: say where plotly.js is before any starts. Voilà's
        # pre-heated pool starts its first kernels while it makes the kernel manager, inside
        # this method (a pool kernel without it fell back to FigureWidgets: the 5 MB plotly
        # bundle in each chart's widget state, 8-13 s to a first chart).
        os.environ[STATIC_ENV] = url_path_join(self.server_url or self.base_url, STATIC)
        config = self.voila_configuration
        from workbench.runtime.voila import BROWSER_HEADER

        if BROWSER_HEADER not in config.http_header_envs:  # the visiting browser, for drafts
            config.http_header_envs = [*config.http_header_envs, BROWSER_HEADER]
        size = config.default_pool_size if config.preheat_kernel else 0
        pooled = self.pooled_pages
        if pooled is None and self.hub:
            pooled = [Path(HOME).name]
        heated = size > 0 and (self.pool_stagger > 0 or pooled is not None)
        if heated:
            # the kernel manager starts no pool of its own; _heat starts them one by one
            self.config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}}
        # A pre-heated kernel asks for its visitor's request (voila/query/<kernel id>,
        # workbench.runtime.voila) on the server's address (Voilà's kernels assume
        # 127.0.0.1, where a team server on 10.0.0.5 does not listen), with the token.
        os.environ[KERNEL_SERVER_ENV] = kernel_address(self.ip)
        if self.token:
            os.environ[TOKEN_ENV] = self.token
        settings = super().init_settings()
        # Voilà turns jupyter_server's Host check off; every handler gets the workbench's
        # (workbench.runtime.access, init_handlers), and jupyter_server's own refuses any name
        # but loopback should one be missed.
        settings.update(allow_remote_access=False, local_hostnames=["localhost"])
        # On a hub any name: the hub's sign-in guards every request (its cookie is the hub's
        # host's: a rebinding page has none), and people reach the hub by whatever name it has.
        settings[HOSTS_SETTING] = (frozenset({ANY_HOST}) if self.hub
                                   else accepted_hosts(self.ip, self.allowed_hosts))
        if heated:
            manager = self.kernel_manager
            names = ([manager.notebook_path] if manager.notebook_path else
                     sorted(p.name for p in Path(self.root_dir).glob("*.ipynb")))
            if pooled is not None:
                names = [name for name in names if name in pooled]
            loop = tornado.ioloop.IOLoop.current()
            for n, name in enumerate(names):
                loop.call_later(n * self.pool_stagger, self._heat, name, size)
        return settings

    def _heat(self, notebook: str, size: int) -> None:
        """Give ``notebook`` its pool of ``size`` pre-heated kernels and start filling it
        (until then a visit starts a kernel of its own, as without a pool)."""
        manager = self.kernel_manager
        manager.kernel_pools_config = {**manager.kernel_pools_config,
                                       notebook: {"pool_size": size}}
        manager.fill_if_needed(delay=0, notebook_name=notebook)

    def _join_hub(self) -> None:
        """Hub mode: serve where the hub says, sign people in with the hub."""
        if self.team or self.host:
            self.log.critical("--team and --host are for a server of its own; on JupyterHub "
                              "the hub signs people in and says where to serve.")
            self.exit(2)
        self.ip, self.port, self.base_url = hub_mode.hub_address()
        self.server_url = self.base_url
        self.port_retries = 0       # the hub's proxy sends this person's requests to that port
        self.open_browser = False
        self.identity_provider_class, self.authorizer_class = hub_mode.identity_classes()
        # no token of Voilà's: the hub's identity provider has its own (the server's API token)
        self.token, self.auto_token = None, True

    def _secure(self) -> None:
        """Team mode: the stated host and a token. Otherwise: no other address than loopback
        without a token. On a hub: the hub's sign-in (:meth:`_join_hub`)."""
        if self.hub:
            return
        if self.team:
            host = self.host.strip()
            if not host:
                self.log.critical("--team needs the address to serve on: --host=10.0.0.5 "
                                  "(make serve-team HOST=10.0.0.5); 0.0.0.0 serves every "
                                  "interface.")
                self.exit(2)
            self.ip = host
            token = os.environ.get(TOKEN_ENV, "").strip()
            if not token:
                token = secrets.token_urlsafe(32)
                self._token_generated = True
            self.token = token
            self.auto_token = False
        elif self.host:
            self.log.critical("--host is for --team (which also requires a token).")
            self.exit(2)
        if not is_loopback(self.ip) and not (self.token or self.auto_token):
            self.log.critical(
                "Refusing to serve on %s without a token: use --team --host=%s (make "
                "serve-team HOST=%s), which requires one.", self.ip, self.ip, self.ip)
            self.exit(2)

    def _fit_websocket_limit(self) -> None:
        """Keep tornado's websocket message limit above the upload limit (an upload is one
        message; over the limit tornado drops it and closes the connection)."""
        needed = WEBSOCKET_HEADROOM * max_upload_bytes()
        settings = dict(self.tornado_settings)
        if int(settings.get("websocket_max_message_size") or 10 * 2**20) < needed:
            settings["websocket_max_message_size"] = needed
            self.tornado_settings = settings

    def listen(self) -> None:
        # Voilà builds its tornado application first and only then copies ``tornado_settings``
        # into it: ``compress_response`` arrives after tornado chose its output transforms.
        if self.tornado_settings.get("compress_response") and \
                tornado.web.GZipContentEncoding not in self.app.transforms:
            self.app.add_transform(tornado.web.GZipContentEncoding)
        if self.hub:
            self._report_activity()
        # SIGTERM stops the server (its kernels shut down) while it serves, and only then
        previous = signal.signal(signal.SIGTERM, self._handle_signal_stop)
        try:
            super().listen()
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _report_activity(self) -> None:
        """Tell the hub when this server was last used (:class:`hub_mode.ActivityReporter`):
        its last request, or its kernels' last message, whichever is later."""
        last_request: list = [None]
        log_request = self.app.log_request

        def log_and_note(handler) -> None:
            last_request[0] = datetime.datetime.now(datetime.timezone.utc)
            log_request(handler)

        self.app.log_request = log_and_note
        manager = self.kernel_manager

        def last_used():
            times = [last_request[0]]
            for kernel_id in manager.list_kernel_ids():
                kernel = manager.get_kernel(kernel_id)
                times.append(getattr(kernel, "last_activity", None))
            times = [t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)
                     for t in times if t is not None]
            return max(times, default=None)

        hub_mode.ActivityReporter(last_used).start()

    @property
    def display_url(self) -> str:
        """The URL logged at start-up; in team mode with a generated token it carries the
        token (printed this once), with ``WORKBENCH_TOKEN`` it says where the token is."""
        if self.hub:        # never the hub's API token, which Voilà would add
            return self._url(self.ip or "localhost") + "  (signed in through JupyterHub)"
        if not self.team or self.custom_display_url:
            return super().display_url
        base = self._url(socket.gethostname() if self.ip in ("", "0.0.0.0") else self.ip)
        if self._token_generated:
            return f"{base}?token={self.token}"
        return f"{base}?token=<the value of {TOKEN_ENV}>"

    def init_handlers(self) -> list:
        """Voilà's handlers, the workbench's own, and the login page's files
        (:data:`workbench.runtime.access.LOGIN_FILES`), each checking the Host and the login
        (:func:`workbench.runtime.access.guarded`): only the login page and its files are
        public."""
        home = url_path_join(self.server_url, HOME)
        redirect = (self.server_url, _HomeRedirect, {"target": home})
        handlers = [
            (h[0], _PageHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h
            for h in super().init_handlers()
        ]
        static = (url_path_join(self.server_url, STATIC, "(plotly\\.min\\.js)"),
                  _BundleHandler, {"path": str(plotly_js().parent)})
        names = "|".join(re.escape(name) for name in ("upload-guard.js", "page-lang.js",
                                                      *FRONT_END, STYLESHEET.name))
        own = (url_path_join(self.server_url, STATIC, f"({names})"),
               tornado.web.StaticFileHandler, {"path": str(STATIC_DIR)})
        voila_files = next(h for h in handlers if h[1] is MultiStaticFileHandler)
        login_files = (url_path_join(self.server_url, "voila/static",
                                     "({})".format("|".join(map(re.escape, LOGIN_FILES)))),
                       MultiStaticFileHandler, *voila_files[2:])
        login = {h[1] for h in self.identity_provider.get_handlers()}
        # Voilà mounts the identity provider's handlers (/login, /logout, the hub's
        # /oauth_callback) at the root: they belong under the server's URL (/user/alice/...)
        handlers = [(url_path_join(self.server_url, h[0]), *h[1:])
                    if h[1] in login and not h[0].startswith(self.server_url) else h
                    for h in handlers]
        return [(h[0], guarded(h[1], public=h is login_files or h[1] in login), *h[2:])
                for h in (login_files, redirect, static, own, *handlers)]


main = WorkbenchServer.launch_instance


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(port: int | None = None, *, args: Sequence[str] = (), timeout: float = 90,
            env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """Serve the dashboards in a subprocess for tests and benchmarks; yield the base URL.

    The server uses the project's ``voila.json``; ``args`` adds Voilà options (for example
    ``["--VoilaConfiguration.preheat_kernel=False"]``); ``env`` is its whole environment (this
    process's when omitted). Scenarios and drafts go to a temporary store of its own unless
    ``env`` names one (``WORKBENCH_DB``): a run leaves nothing in the user's store, and meets
    no draft from an earlier run. It is stopped on exit.

    Examples
    --------
    >>> with running() as url:                      # doctest: +SKIP
    ...     urllib.request.urlopen(url + "voila/tree")
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    out = open(log, "w") if log else subprocess.DEVNULL
    child_env = dict(os.environ if env is None else env)
    scratch = None
    if not child_env.get("WORKBENCH_DB"):
        scratch = tempfile.TemporaryDirectory(prefix="workbench-store-")
        child_env["WORKBENCH_DB"] = str(Path(scratch.name) / "scenarios.sqlite")
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.serve", f"--port={port}", "--no-browser", *args],
        cwd=ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {proc.returncode}"
                                   + (f"; see {log}" if log else ""))
            try:
                urllib.request.urlopen(url + "voila/tree", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the server did not answer on {url} in {timeout:.0f} s"
                                       ) from err
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
        if scratch is not None:
            scratch.cleanup()

if __name__ == "__main__":
    os.chdir(ROOT)
    main()
