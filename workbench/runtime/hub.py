"""Each person's server on a team's JupyterHub: :class:`workbench.serve.WorkbenchServer` in hub
mode, on by itself when the hub started it (``JUPYTERHUB_SERVICE_URL`` is set).

JupyterHub starts ``python -m workbench.serve`` for each person who signs in (``make hub``,
``tools/hub/jupyterhub_config.py``), with its address, its URL prefix (``/user/alice/``), an API
token and the sign-in's OAuth client in the environment. In hub mode the server

* listens where the hub said (:func:`hub_address`), without trying other ports;
* signs people in with the hub (jupyterhub's ``JupyterHubIdentityProvider`` and
  ``JupyterHubAuthorizer``, the same the hub's own single-user server uses): only the person
  the server belongs to, or whom the hub allows (``access:servers``), passes; its OAuth
  callback and logout are mounted under the server's prefix;
* answers whatever host name the hub is reached by (its sign-in cookie guards every request:
  a rebinding page has none);
* tells the hub when it was last used (:class:`ActivityReporter`), so that
  ``jupyterhub-idle-culler`` stops an idle person's server and gives its memory back.

The person's name reaches every page's kernel as ``JUPYTERHUB_USER`` (the hub sets it in the
server's environment) and their groups as ``WORKBENCH_GROUPS`` (``WORKBENCH_ADMIN`` for an
admin), from which :mod:`workbench.identity` reads their roles.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

#: set by JupyterHub in the environment of every server it starts
SERVICE_URL_ENV = "JUPYTERHUB_SERVICE_URL"
PREFIX_ENV = "JUPYTERHUB_SERVICE_PREFIX"
ACTIVITY_URL_ENV = "JUPYTERHUB_ACTIVITY_URL"
API_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
SERVER_NAME_ENV = "JUPYTERHUB_SERVER_NAME"
#: seconds between two reports of activity (JupyterHub's own default is 300)
ACTIVITY_INTERVAL = float(os.environ.get("JUPYTERHUB_ACTIVITY_INTERVAL") or 300)

log = logging.getLogger(__name__)


def started_by_hub(env: dict[str, str] | None = None) -> bool:
    """Whether JupyterHub started this server."""
    return bool((env if env is not None else os.environ).get(SERVICE_URL_ENV, "").strip())


def hub_address(env: dict[str, str] | None = None) -> tuple[str, int, str]:
    """``(ip, port, base_url)`` the hub told this server to serve on.

    Examples
    --------
    >>> hub_address({"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:47001/user/alice/",
    ...              "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"})
    ('127.0.0.1', 47001, '/user/alice/')
    >>> hub_address({"JUPYTERHUB_SERVICE_URL": "http://:8888/"})      # every interface
    ('', 8888, '/')
    """
    env = env if env is not None else os.environ
    url = urlparse(env[SERVICE_URL_ENV])
    port = url.port or (443 if url.scheme == "https" else 80)
    prefix = env.get(PREFIX_ENV) or url.path or "/"
    return url.hostname or "", port, prefix if prefix.endswith("/") else prefix + "/"


def shared_store_problem(url: str) -> str | None:
    """Why ``url`` (``WORKBENCH_DB``) cannot be a team hub's shared store, or ``None``.

    Every person's server must write to the same store: a PostgreSQL database for a team, or
    one SQLite file at an absolute path for a trial. Without one, each server would keep a
    private store under its own home, and nobody would see anyone else's plans.

    Examples
    --------
    >>> shared_store_problem("postgresql://workbench@db.internal/workbench") is None
    True
    >>> shared_store_problem("/srv/workbench/team.sqlite") is None
    True
    >>> print(shared_store_problem("team.sqlite"))  # doctest: +ELLIPSIS
    WORKBENCH_DB=team.sqlite is a relative path: ...
    """
    url = url.strip()
    example = ("WORKBENCH_DB=postgresql://workbench@127.0.0.1/workbench make hub (a team), or "
               "WORKBENCH_DB=/srv/workbench/team.sqlite make hub (a trial on one SQLite file)")
    if not url:
        return ("A team hub needs one shared store, and WORKBENCH_DB is not set: each person's "
                "server would keep a store of its own, and nobody would see anyone else's "
                f"plans, calendars or uploads. Start it with {example}.")
    if url.startswith("sqlite") and url.split("://", 1)[-1].strip("/") in ("", ":memory:"):
        return (f"WORKBENCH_DB={url} is a store in memory, which each server would have "
                f"alone. Start it with {example}.")
    if "://" not in url and not os.path.isabs(os.path.expanduser(url)):
        return (f"WORKBENCH_DB={url} is a relative path: each person's server starts in a "
                f"home of its own and would find a different file. Give an absolute path, or "
                f"a database: {example}.")
    return None


def identity_classes() -> tuple[type, type]:
    """JupyterHub's identity provider and authorizer for a single-user server (imported only
    in hub mode: ``pip install .[hub]``)."""
    try:
        from jupyterhub.singleuser.extension import (
            JupyterHubAuthorizer, JupyterHubIdentityProvider,
        )
    except ImportError as err:  # pragma: no cover - the hub's environment has it
        raise SystemExit("Hub mode needs JupyterHub in this environment: "
                         "uv sync --extra hub (make hub does it).") from err
    return JupyterHubIdentityProvider, JupyterHubAuthorizer


class ActivityReporter:
    """Tell the hub, every :data:`ACTIVITY_INTERVAL` seconds (±10 %), when this server was last
    used: the latest of its last request and its kernels' last activity (``last_used``), as
    jupyterhub's single-user server does. Nothing is sent when nothing happened since the last
    report, so an idle server looks idle and ``jupyterhub-idle-culler`` stops it."""

    def __init__(self, last_used: Callable[[], dt.datetime | None], *,
                 url: str | None = None, token: str | None = None,
                 server_name: str | None = None, interval: float = ACTIVITY_INTERVAL) -> None:
        self.last_used = last_used
        self.url = url if url is not None else os.environ.get(ACTIVITY_URL_ENV, "")
        self.token = token if token is not None else os.environ.get(API_TOKEN_ENV, "")
        self.server_name = (server_name if server_name is not None
                            else os.environ.get(SERVER_NAME_ENV, ""))
        self.interval = interval
        self.sent: dt.datetime | None = None

    def body(self, when: dt.datetime) -> dict:
        stamp = when.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
        return {"servers": {self.server_name: {"last_activity": stamp}},
                "last_activity": stamp}

    async def report(self) -> bool:
        """Send the last activity if there is news; whether it was sent."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        when = self.last_used()
        if not self.url or when is None or (self.sent is not None and when <= self.sent):
            return False
        request = HTTPRequest(self.url, method="POST", body=json.dumps(self.body(when)),
                              headers={"Authorization": f"token {self.token}",
                                       "Content-Type": "application/json"})
        try:
            await AsyncHTTPClient().fetch(request)
        except Exception as err:  # the hub restarting: the next report tries again
            log.warning("Could not tell the hub about this server's activity: %s", err)
            return False
        self.sent = when
        return True

    def start(self) -> None:
        """Report now and then every interval, on the current IOLoop (call before it runs)."""
        import tornado.ioloop

        loop = tornado.ioloop.IOLoop.current()

        async def tick() -> None:
            await self.report()
            loop.call_later(self.interval * (1 + 0.2 * (random.random() - 0.5)),
                            lambda: loop.add_callback(tick))

        loop.add_callback(tick)


#: the hub's configuration (make hub)
CONFIG = Path(__file__).resolve().parents[2] / "tools" / "hub" / "jupyterhub_config.py"
PROXY = CONFIG.parent / "node_modules" / ".bin" / "configurable-http-proxy"


@contextmanager
def running_hub(state: Path, *, store: str, groups: str = "", password: str = "",
                auth: str = "dummy", timeout: float = 60,
                env: dict[str, str] | None = None) -> Iterator[str]:
    """A team hub on free loopback ports for tests and benchmarks (``make hub``'s
    configuration, with the test sign-in unless ``auth`` names another: any name,
    ``password``); yields its URL. Its files and log (``hub.log``) go under ``state``; it and
    every person's server stop on exit."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    import socket

    sockets = [socket.socket() for _ in range(3)]
    for sock in sockets:        # three ports free at once, so never the same one twice
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    url = f"http://127.0.0.1:{ports[0]}"
    child = dict(os.environ if env is None else env)
    child.update(WORKBENCH_DB=store, WORKBENCH_HUB_AUTH=auth,
                 WORKBENCH_HUB_PASSWORD=password, WORKBENCH_HUB_STATE=str(state),
                 WORKBENCH_HUB_URL=url, WORKBENCH_HUB_API_PORT=str(ports[1]),
                 WORKBENCH_HUB_PROXY_API_PORT=str(ports[2]), WORKBENCH_HUB_GROUPS=groups)
    state.mkdir(parents=True, exist_ok=True)
    log_file = open(state / "hub.log", "w")
    hub = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)],
                           cwd=state, env=child, stdout=log_file, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if hub.poll() is not None:
                raise RuntimeError(f"the hub exited with code {hub.returncode}; see "
                                   f"{state / 'hub.log'}")
            try:
                urllib.request.urlopen(url + "/hub/login", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the hub did not answer on {url}") from err
                time.sleep(0.3)
        yield url
    finally:
        hub.terminate()         # the hub stops every person's server (cleanup_servers)
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, 9)
            hub.wait()
        log_file.close()


def people_servers(store: str) -> dict[str, object]:
    """The people's servers of the hub whose shared store is ``store`` (``WORKBENCH_DB``)
    running on this machine (``psutil.Process``), by their JupyterHub user: for tests and
    benchmarks (two hubs may run at once, with people of the same names)."""
    import psutil

    found = {}
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if cmd[-2:] == ["-m", "workbench.serve"]:
            try:
                env = proc.environ()
            except psutil.Error:
                continue
            if env.get("JUPYTERHUB_USER") and env.get("WORKBENCH_DB") == store:
                found[env["JUPYTERHUB_USER"]] = proc
    return found


def sign_in_page(page, hub: str, user: str, password: str) -> None:
    """Sign ``user`` in on the hub's sign-in form, in a Playwright ``page`` (tests and
    benchmarks)."""
    page.goto(hub + "/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url("**/hub/**")


if __name__ == "__main__":      # make hub: refuse a hub without a shared store, saying why
    import sys

    if sys.argv[1:] == ["--check-store"]:
        problem = shared_store_problem(os.environ.get("WORKBENCH_DB", ""))
        sys.exit(f"make hub: {problem}" if problem else 0)
