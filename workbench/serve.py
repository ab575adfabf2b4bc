"""Serve the dashboards: ``python -m workbench.serve [--port 8866] [--no-browser]``.

A thin subclass of Voilà that

* reads the project's ``voila.json`` (bind address, kernel pool, idle-kernel culling, the
  websocket message limit that fits the upload limit) wherever it is started from;
* serves ``notebooks/`` in folder mode, so every dashboard has its own URL
  (``/voila/render/01_personas.ipynb``);
* sends ``/`` to the home page instead of Voilà's file tree (the tree stays at ``/voila/tree``);
* serves plotly's widget bundle once at ``/workbench/static/widgetbundle.js`` (cached by the
  browser), so a chart does not carry its own 5 MB copy over the websocket
  (:mod:`workbench.ui.slots`).

Any Voilà option can still be given on the command line, e.g. ``--port 9000``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import default
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from workbench import STATIC_ENV

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
HOME = "voila/render/00_home.ipynb"
STATIC = "workbench/static/"


def plotly_bundle_dir() -> Path:
    """The folder of plotly's ``widgetbundle.js`` (the FigureWidget's front-end module)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data"

#: Debian's Chromium, for browser tests, benchmarks and screenshots (``playwright install``
#: cannot download browsers here), with the flags that keep it off the closed network.
CHROMIUM = Path(os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)


class _HomeRedirect(tornado.web.RequestHandler):
    def initialize(self, target: str) -> None:
        self.target = target

    def get(self) -> None:
        query = self.request.query
        self.redirect(self.target + (f"?{query}" if query else ""))

    head = get


class _BundleHandler(tornado.web.StaticFileHandler):
    """plotly's widget bundle; the URL carries plotly's version, so it is cached for a year."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")


class _PageHandler(TornadoVoilaHandler):
    """Voilà's page handler, also setting the ``_xsrf`` cookie.

    Leaving a page sends Voilà's kernel-shutdown request, which the server refuses (403) without
    that cookie, so every closed tab would leave its kernel running until the idle cull.
    """

    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)
        return await super().get(path)


class WorkbenchServer(Voila):
    """Voilà with the workbench's configuration and a home page at ``/``."""

    name = "workbench-serve"

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
        super().initialize(argv)
        if not self.notebook_path and not self.extra_args:
            self.root_dir = str(NOTEBOOKS)

    def init_handlers(self) -> list:
        home = url_path_join(self.server_url, HOME)
        redirect = (self.server_url, _HomeRedirect, {"target": home})
        handlers = [
            (h[0], _PageHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h
            for h in super().init_handlers()
        ]
        # kernels (started later, on request) inherit the environment: say where the bundle is
        os.environ[STATIC_ENV] = url_path_join(self.server_url, STATIC)
        static = (url_path_join(self.server_url, STATIC, "(widgetbundle\\.js)"),
                  _BundleHandler, {"path": str(plotly_bundle_dir())})
        return [redirect, static, *handlers]


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
    ``["--VoilaConfiguration.preheat_kernel=False"]``). It is stopped on exit.

    Examples
    --------
    >>> with running() as url:                      # doctest: +SKIP
    ...     urllib.request.urlopen(url + "voila/tree")
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    out = open(log, "w") if log else subprocess.DEVNULL
    child_env = {**os.environ, **(env or {})}
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

if __name__ == "__main__":
    os.chdir(ROOT)
    main()
