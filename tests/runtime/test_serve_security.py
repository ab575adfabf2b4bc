"""Serving safely: loopback by default, a token and a stated host for a team, and a kernel
websocket that cannot run code.

The server tests start the real server (``workbench.serve.running``, a subprocess on a free
loopback port) and talk to it over HTTP and the kernel websocket, as a browser would. The
start-up rules (which addresses, which token) are checked in-process on the application the
command line builds, from the same configuration (``voila.json``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import os
import re
import signal
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from jupyter_server.base.handlers import JupyterHandler

from serving import HOME, fetch
from workbench import io
from workbench.runtime import access
from workbench.runtime.access import (
    ALLOWED_HOSTS_ENV, HOSTS_SETTING, accepted_hosts, host_allowed, is_public,
)
from workbench.serve import KERNEL_SERVER_ENV, NOTEBOOKS, TOKEN_ENV, WorkbenchServer, running


# -- start-up rules (in-process: the application the command line builds) -------------------
def app(*argv: str) -> WorkbenchServer:
    server = WorkbenchServer()
    server.initialize(["--no-browser", *argv])
    return server


def test_default_is_loopback_without_token_and_a_websocket_limit_above_the_upload_limit(
        monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    server = app()
    assert server.ip == "127.0.0.1"
    assert not server.token and not server.auto_token and not server.team
    limit = server.tornado_settings["websocket_max_message_size"]
    assert limit >= 2 * io.MAX_UPLOAD_BYTES  # a file at the upload limit arrives, with room


def test_a_busy_kernel_has_a_minute_to_show_its_page():
    """Voilà drops a cell's output that comes more than ``iopub_timeout`` seconds after the
    cell ends (4 s by default): with ten sessions on two cores, dashboards came up blank."""
    from voila.execute import VoilaExecutor

    server = app()
    assert VoilaExecutor(nb=None, config=server.config).iopub_timeout >= 60
    assert server.tornado_settings["compress_response"] is True  # plotly.js: 4.8 → 1.4 MB


def test_a_lower_configured_websocket_limit_is_raised_to_fit_the_upload_limit():
    server = app("--Voila.tornado_settings=websocket_max_message_size=1048576")
    assert server.tornado_settings["websocket_max_message_size"] >= 2 * io.MAX_UPLOAD_BYTES


@pytest.mark.parametrize("argv", [
    ["--Voila.ip=0.0.0.0"],           # every interface, open to anyone: refused
    ["--Voila.ip=10.0.0.5"],
    ["--team"],                       # a team server needs the address stated
    ["--team", "--host="],
    ["--host=10.0.0.5"],              # --host belongs to --team (with its token)
])
def test_refuses_to_start_open_to_the_network(argv, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(SystemExit) as stop:
        app(*argv)
    assert stop.value.code == 2


def test_team_mode_takes_the_stated_host_and_the_token_from_the_environment(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "s3cret-team-token")
    server = app("--team", "--host=10.0.0.5", "--port=9123")
    assert server.ip == "10.0.0.5" and server.token == "s3cret-team-token"
    # the start-up line names the address, and not the token the admin set
    assert server.display_url.startswith("http://10.0.0.5:9123/?token=")
    assert "s3cret" not in server.display_url and TOKEN_ENV in server.display_url


def test_team_mode_makes_a_random_token_when_none_is_set(monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    first, second = app("--team", "--host=10.0.0.5"), app("--team", "--host=10.0.0.5")
    assert len(first.token) >= 40 and first.token != second.token
    assert first.display_url.endswith(f"?token={first.token}")  # printed once, to share


def test_building_the_server_leaves_the_process_signal_handlers_alone():
    """Voilà took SIGTERM over while only configuring itself: after a test had built the
    server, pytest's SIGTERM stopped an event loop that was not running. The server takes it
    while it serves (``listen``; see test_sigterm_stops_a_serving_server_cleanly)."""
    def own(signum, frame):  # pragma: no cover (never sent)
        pass

    previous, interrupt = signal.signal(signal.SIGTERM, own), signal.getsignal(signal.SIGINT)
    try:
        app()
        app("--team", "--host=10.0.0.5")
        assert signal.getsignal(signal.SIGTERM) is own
        assert signal.getsignal(signal.SIGINT) is interrupt
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_the_host_rule_accepts_loopback_the_stated_address_and_the_configured_names():
    """DNS rebinding: a page from evil.example points its name at this machine; its requests
    name evil.example in ``Host``. Loopback names always pass (an attacker owns none), the
    address the server listens on and the names the team configured (a proxy's) too."""
    loopback = accepted_hosts("127.0.0.1")
    for host in ("127.0.0.1:8866", "localhost:8866", "[::1]:8866", "LOCALHOST", "127.0.0.2"):
        assert host_allowed(host, loopback), host
    for host in ("evil.example:8866", "evil.example", "10.0.0.5:8866", "127.0.0.1.evil.example",
                 "localhost.evil.example:8866", "[::2]:8866", ""):
        assert not host_allowed(host, loopback), host

    team = accepted_hosts("10.0.0.5", ["Proxy.Example", " ", "[fd00::7]:443"])
    assert team == {"10.0.0.5", "proxy.example", "fd00::7"}
    for host in ("10.0.0.5:8866", "10.0.0.5", "proxy.example", "PROXY.example:443",
                 "[fd00::7]", "localhost:8866"):
        assert host_allowed(host, team), host
    for host in ("evil.example:8866", "10.0.0.6:8866", "proxy.example.evil.example"):
        assert not host_allowed(host, team), host

    # every interface: any address (a rebinding page never has one) and this machine's name
    every = accepted_hosts("0.0.0.0", ["proxy.example"])
    assert host_allowed("10.1.2.3:8866", every) and host_allowed("[fd00::1]:8866", every)
    assert host_allowed(f"{socket.gethostname()}:8866", every)
    assert host_allowed("proxy.example", every) and not host_allowed("evil.example", every)


def test_team_mode_accepts_the_stated_address_and_the_configured_host_names(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "s3cret-team-token")
    monkeypatch.setenv(ALLOWED_HOSTS_ENV, "proxy.example, other.example")
    assert app("--team", "--host=10.0.0.5").allowed_hosts == ["proxy.example", "other.example"]
    # the command line replaces the environment's names
    server = app("--team", "--host=10.0.0.5", "--allowed-host=a.example",
                 "--allowed-host=b.example")
    assert server.allowed_hosts == ["a.example", "b.example"]
    settings = _settings(server, monkeypatch)
    assert settings[HOSTS_SETTING] == {"10.0.0.5", "a.example", "b.example"}
    # should a handler miss the workbench's check, jupyter_server's own refuses other names
    assert settings["allow_remote_access"] is False
    monkeypatch.delenv(ALLOWED_HOSTS_ENV)
    assert _settings(app(), monkeypatch)[HOSTS_SETTING] == {"127.0.0.1"}


@pytest.mark.parametrize("host, address", [("10.0.0.5", "10.0.0.5"), ("0.0.0.0", "127.0.0.1"),
                                           ("fd00::5", "[fd00::5]")])
def test_kernels_reach_a_team_server_on_its_address_with_its_token(host, address,
                                                                   monkeypatch):
    """A pre-heated kernel learns its visitor's address (``?lang=zh``) from the server, on the
    server's address (Voilà's kernels assumed 127.0.0.1: a team server on 10.0.0.5 showed
    every pre-heated page in the default language), with the token (the websocket wants it)."""
    monkeypatch.setenv(TOKEN_ENV, "s3cret-team-token")
    _settings(app("--team", f"--host={host}"), monkeypatch)
    assert os.environ[KERNEL_SERVER_ENV] == address
    assert os.environ[TOKEN_ENV] == "s3cret-team-token"


def _settings(server: WorkbenchServer, monkeypatch) -> dict:
    """The tornado settings ``start()`` gives the application (no kernel starts: no pool).
    The server tells its kernels things through the environment: put it back afterwards."""
    from workbench.runtime.assets import STATIC_ENV

    for name in (STATIC_ENV, TOKEN_ENV, KERNEL_SERVER_ENV):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    server.voila_configuration.preheat_kernel = False
    return server.init_settings()


def _public_methods(handler) -> set[str]:
    return {verb for verb in handler.SUPPORTED_METHODS
            if is_public(getattr(handler, verb.lower(), None))}


def test_every_handler_checks_the_host_and_only_the_login_page_is_public(monkeypatch):
    """Each handler the server routes (Voilà's pages, API, files and websockets, the login
    page, the workbench's own files) checks the ``Host`` before it answers, and only the login
    page and the files it shows (``LOGIN_FILES``) answer without the login (the token in
    team mode). Voilà's file handlers were plain tornado ones, and jupyter_server's serve
    anyone."""
    monkeypatch.setenv(TOKEN_ENV, "s3cret-team-token")
    server = app("--team", "--host=10.0.0.5")
    _settings(server, monkeypatch)
    routes = server.init_handlers()
    assert len(routes) > 15
    public = {}
    for route in routes:
        pattern, handler = route[0], route[1]
        assert issubclass(handler, JupyterHandler), pattern
        assert handler.check_host is access._Gate.check_host, pattern
        if _public_methods(handler):
            public[pattern] = _public_methods(handler)
    files = next(p for p in public if "voila/static" in p)
    assert public == {"/login": {"GET", "HEAD", "POST"}, "/logout": {"GET", "HEAD"},
                      files: {"GET", "HEAD"}}
    served = [name for name in access.LOGIN_FILES if re.fullmatch(files, f"/voila/static/{name}")]
    assert served == list(access.LOGIN_FILES)
    assert not re.fullmatch(files, "/voila/static/voila.js")


# -- a real server ------------------------------------------------------------------------
def kernel_id(page_html: str) -> str:
    """The id of the kernel Voilà started for a page (in the page's config)."""
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page_html)
    assert found, "no kernelId in the rendered page"
    return found.group(1)


def cookie_header(cookies: CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in cookies)


PROXY = "workbench.proxy.example"


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """A team server on loopback (the stated host) with a token it made itself, which also
    answers to a reverse proxy's name (``PROXY``)."""
    log = tmp_path_factory.mktemp("voila-team") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    env[ALLOWED_HOSTS_ENV] = PROXY
    try:
        with running(args=["--team", "--host=127.0.0.1"], env=env, log=log, timeout=90) as url:
            yield url, log
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"{exc}:\n{log.read_text()[-3000:]}")


def test_the_default_server_listens_on_loopback_only(server):
    url, log = server
    port = urllib.parse.urlsplit(url).port
    assert re.search(rf"running at:\s*http://127\.0\.0\.1:{port}/\s", log.read_text())
    assert fetch(url + "voila/tree", timeout=30)[0] == 200  # no token on loopback
    other = _non_loopback_address()
    if other is None:
        pytest.skip("this machine has no non-loopback address to try")
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex((other, port)) != 0, f"the server answers on {other}:{port}"


def _non_loopback_address() -> str | None:
    """An address of this machine other than loopback (the UDP 'connect' sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


# -- the Host header: DNS rebinding --------------------------------------------------------
def _from(host: str) -> dict[str, str]:
    """The headers of a request from a page at ``host``: its name in Host and Origin."""
    return {"Host": host, "Origin": f"http://{host}"}


#: Files of every kind the server serves: the workbench's, Voilà's, its templates' and
#: extensions', the theme, and an image beside the notebooks (``notebook_image``).
FILES = ("workbench/static/page.js", "workbench/static/page.css",
         "workbench/static/upload-guard.js", "workbench/static/plotly.min.js",
         "voila/static/voila.js", "voila/static/style/bootstrap.min.css.map",
         "voila/templates/lab/static/index.css",
         "voila/labextensions/@voila-dashboards/widgets-manager8/package.json",
         "voila/api/themes/@jupyterlab/theme-light-extension/index.css")


@pytest.fixture(scope="module")
def notebook_image():
    """``voila/files/<name>`` of an image beside the notebooks (voila.json's
    ``file_allowlist`` lets Voilà serve those), removed afterwards."""
    image = NOTEBOOKS / f"test-{uuid.uuid4().hex}.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(24))
    try:
        yield f"voila/files/{image.name}"
    finally:
        image.unlink(missing_ok=True)


def test_the_loopback_server_answers_only_to_loopback_host_names(server, notebook_image):
    """``make run`` has no token: a page at evil.example that points its name at 127.0.0.1
    (DNS rebinding) would read the dashboards and drive their kernels as its own. Requests
    naming evil.example get nothing: no page, no file list, no file, no websocket. Loopback
    names get everything."""
    url, _ = server
    port = urllib.parse.urlsplit(url).port
    evil = _from(f"evil.example:{port}")
    cheap = ["voila/tree", "voila/api/contents", *FILES, notebook_image]
    for path in [HOME, *cheap, ""]:
        status = fetch(url + path, headers=evil)[0]
        assert status == 403, (path, status)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        for path in cheap:
            assert fetch(url + path, headers=_from(host), timeout=30)[0] == 200, (host, path)

    cookies = CookieJar()
    status, _, page = fetch(url + HOME, cookies, headers=_from(f"localhost:{port}"))
    assert status == 200
    kernel = kernel_id(page)
    try:
        cookie = cookie_header(cookies)
        for socket_path in (f"api/kernels/{kernel}/channels", f"voila/query/{kernel}"):
            assert run_async(_ws_status(url, socket_path, cookie, evil)) == 403, socket_path
        assert run_async(_ws_status(url, f"api/kernels/{kernel}/channels", cookie,
                                    _from(f"localhost:{port}"))) is None
    finally:
        fetch_delete_kernel(url, kernel, cookies)


def test_team_server_requires_the_token_it_printed_once(team_server):
    url, log = team_server
    text = log.read_text()
    tokens = re.findall(r"\?token=([A-Za-z0-9_-]{20,})", text)
    assert len(tokens) == 1, text[-2000:]  # printed exactly once, in the URL to share
    token = tokens[0]

    # without the token: to the login page, or refused
    status, headers, _ = fetch(url + HOME, timeout=30)
    assert status == 302 and "/login" in headers["Location"]
    assert fetch(url + "voila/tree", timeout=30)[0] == 302
    assert fetch(url + "voila/api/contents", timeout=30)[0] == 403
    assert fetch(url + f"api/kernels/{uuid.uuid4()}", timeout=30)[0] == 403
    # a wrong token is no token
    assert fetch(url + HOME + "?token=not-the-token", timeout=30)[0] == 302

    # with it: the page; afterwards the login cookie it set is enough
    cookies = CookieJar()
    status, _, body = fetch(f"{url}{HOME}?token={token}", cookies)
    assert status == 200 and kernel_id(body)
    assert fetch(url + HOME, cookies)[0] == 200
    # ... but the kernel websocket still wants it: without cookies it is refused
    refused = run_async(_ws_status(url, f"api/kernels/{kernel_id(body)}/channels", cookie=""))
    assert refused == 403


def printed_token(log: Path) -> str:
    return re.findall(r"\?token=([A-Za-z0-9_-]{20,})", log.read_text())[0]


def test_team_server_answers_its_address_and_the_proxys_name_and_no_other(team_server):
    """Team mode keeps the token and adds the Host rule: the stated address and the names the
    team configured (``WORKBENCH_ALLOWED_HOSTS``: a reverse proxy's) pass; a request naming
    any other host is refused even with the token."""
    url, log = team_server
    token, port = printed_token(log), urllib.parse.urlsplit(url).port
    for host, status in ((f"127.0.0.1:{port}", 200), (f"{PROXY}:{port}", 200), (PROXY, 200),
                         (f"evil.example:{port}", 403), (f"{PROXY}.evil.example", 403)):
        assert fetch(f"{url}voila/tree?token={token}", headers=_from(host),
                     timeout=30)[0] == status, host
        assert fetch(f"{url}voila/api/contents?token={token}", headers=_from(host),
                     timeout=30)[0] == status, host
    # the proxy's name does not replace the token
    assert fetch(url + "voila/tree", headers=_from(f"{PROXY}:{port}"), timeout=30)[0] == 302


def test_team_server_serves_nothing_but_the_login_page_without_the_token(team_server,
                                                                        notebook_image):
    """README: every visitor needs the token. Without it (or its login cookie) only the login
    page and the files it shows are served; every other file sends the visitor to the login
    page, and the kernels' request socket is refused. With it every one of them is served."""
    url, log = team_server
    token = printed_token(log)
    status, _, login = fetch(url + "login", timeout=30)
    assert status == 200 and 'name="password"' in login
    shown = re.findall(r'(?:href|src)=["\']/?(voila/static/[^"\']+)["\']', login)
    assert sorted(shown) == sorted(f"voila/static/{name}" for name in access.LOGIN_FILES)
    for path in shown:
        assert fetch(url + path, timeout=30)[0] == 200, path

    cookies = CookieJar()
    assert fetch(f"{url}voila/tree?token={token}", cookies, timeout=30)[0] == 200
    for path in (*FILES, notebook_image, ""):
        status, headers, _ = fetch(url + path, timeout=30)
        assert status == 302 and "/login?next=" in headers["Location"], (path, status)
        status, headers, _ = fetch(url + path, cookies, timeout=30)
        assert (status, headers.get("Location")) == ((200, None) if path else (302, "/" + HOME))

    status, _, page = fetch(f"{url}{HOME}", cookies)
    assert status == 200
    kernel = kernel_id(page)
    try:
        assert run_async(_ws_status(url, f"voila/query/{kernel}", cookie="")) == 403
    finally:
        fetch_delete_kernel(url, kernel, cookies)


@pytest.mark.slow
def test_a_team_servers_pre_heated_kernel_gets_its_visitors_address(team_server):
    """A pre-heated kernel asks the server for its visitor's address (``?lang=zh``) on a
    websocket that now wants the token too: the server gives the kernels its token."""
    url, log = team_server
    cookies = CookieJar()
    status, _, page = fetch(f"{url}{HOME}?lang=zh&token={printed_token(log)}", cookies)
    assert status == 200
    kernel = kernel_id(page)
    try:
        states = run_async(_widget_states(url, kernel, cookies))
    finally:
        fetch_delete_kernel(url, kernel, cookies)
    text = json.dumps(states, ensure_ascii=False)
    assert "02_content_mix.ipynb?lang=zh" in text  # the home page's cards, in Chinese


async def _widget_states(url: str, kernel: str, cookies: CookieJar) -> dict:
    """The states of a kernel's widgets, as a page's front end asks for them (ipywidgets'
    ``jupyter.widget.control`` comm)."""
    session, comm = uuid.uuid4().hex, uuid.uuid4().hex
    control = _message("comm_open", session, content={
        "comm_id": comm, "target_name": "jupyter.widget.control", "data": {}})
    control["metadata"] = {"version": "1.0.0"}  # ipywidgets' control protocol
    sends = [control, _message("comm_msg", session, content={
        "comm_id": comm, "data": {"method": "request_states"}})]
    for reply in await _talk(url, kernel, cookies, sends, wait=15):
        data = reply.get("content", {}).get("data", {})
        if reply["header"]["msg_type"] == "comm_msg" and data.get("method") == "update_states":
            return data["states"]
    raise AssertionError("the kernel sent no widget states")


def run_async(coro):
    """Run ``coro`` to its end in a thread of its own: the browser tests' Playwright keeps an
    event loop running in this thread for the whole session, and ``asyncio.run`` refuses to
    start a second one there."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _ws_status(url: str, path: str, cookie: str,
                     headers: dict[str, str] | None = None) -> int | None:
    """The HTTP status a websocket handshake to ``path`` (``api/kernels/<id>/channels``) gets
    (None: opened), with ``cookie`` and ``headers``."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = url.replace("http://", "ws://") + path
    try:
        conn = await websocket_connect(HTTPRequest(
            ws_url, headers={"Cookie": cookie, **(headers or {})}, connect_timeout=30))
    except HTTPClientError as err:
        return err.code
    conn.close()
    return None


# -- the kernel websocket runs no code from the browser ------------------------------------
def _message(msg_type: str, session: str, channel: str = "shell", content=None) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                   "username": "test", "version": "5.3",
                   "date": dt.datetime.now(dt.timezone.utc).isoformat()},
        "parent_header": {}, "metadata": {}, "content": content or {}, "channel": channel,
        "buffers": [],
    }


async def _talk(url: str, kernel: str, cookies: CookieJar, sends: list[dict],
                wait: float) -> list[dict]:
    """Send ``sends`` on the kernel's websocket (Jupyter's JSON protocol); return every
    message that comes back within ``wait`` seconds."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = url.replace("http://", "ws://") + f"api/kernels/{kernel}/channels"
    request = HTTPRequest(ws_url, headers={"Cookie": cookie_header(cookies)},
                          connect_timeout=30)
    conn = await websocket_connect(request)
    try:
        for msg in sends:
            await conn.write_message(json.dumps(msg))
        received = []
        deadline = asyncio.get_running_loop().time() + wait
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                raw = await asyncio.wait_for(conn.read_message(), left)
            except asyncio.TimeoutError:
                break
            if raw is None:
                break
            if isinstance(raw, str):
                received.append(json.loads(raw))
        return received
    finally:
        conn.close()


def test_the_kernel_websocket_refuses_execute_request(server, tmp_path):
    """Voilà's page may only send comm, kernel-info and shutdown messages: code sent as an
    ``execute_request`` (on the shell or the control channel) never runs. A
    ``kernel_info_request`` on the same socket is answered, so the socket itself works."""
    url, log = server
    cookies = CookieJar()
    status, _, body = fetch(url + HOME, cookies)
    assert status == 200
    kernel = kernel_id(body)
    session = uuid.uuid4().hex
    target = Path("/tmp") / f"pwned-{uuid.uuid4().hex}"
    code = f"open({str(target)!r}, 'w').write('pwned')"
    execute = _message("execute_request", session, content={
        "code": code, "silent": False, "store_history": False, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": True})
    execute_control = _message("execute_request", session, channel="control",
                               content=execute["content"])
    inspect = _message("inspect_request", session,
                       content={"code": code, "cursor_pos": 4, "detail_level": 0})
    info = _message("kernel_info_request", session)
    try:
        replies = run_async(_talk(url, kernel, cookies,
                                    [execute, execute_control, inspect, info], wait=6))
    finally:
        fetch_delete_kernel(url, kernel, cookies)
    answered = {m["parent_header"].get("msg_id") for m in replies}
    types = {m["header"]["msg_type"] for m in replies}
    assert info["header"]["msg_id"] in answered and "kernel_info_reply" in types
    refused = {execute["header"]["msg_id"], execute_control["header"]["msg_id"],
               inspect["header"]["msg_id"]}
    assert not refused & answered, [m["header"]["msg_type"] for m in replies]
    assert not {"execute_reply", "execute_input", "inspect_reply"} & types
    assert not target.exists(), "code sent over the websocket ran in the kernel"
    assert 'Received message of type "execute_request", which is not allowed' in \
        log.read_text()


def fetch_delete_kernel(url: str, kernel: str, cookies: CookieJar) -> None:
    """Shut the test's kernel down (Voilà's shutdown endpoint, with the page's _xsrf)."""
    xsrf = next((c.value for c in cookies if c.name == "_xsrf"), "")
    request = urllib.request.Request(url + f"voila/api/shutdown/{kernel}", method="POST",
                                     headers={"X-XSRFToken": xsrf,
                                              "Cookie": cookie_header(cookies)}, data=b"")
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except urllib.error.URLError:
        pass  # the idle cull takes it later



def test_make_serve_team_passes_only_a_host_stated_on_the_command_line():
    import subprocess

    root = Path(__file__).resolve().parents[2]

    def dry_run(*args: str, env_host: str | None = None) -> str:
        import os

        env = {k: v for k, v in os.environ.items() if k != "HOST"}
        if env_host is not None:
            env["HOST"] = env_host  # e.g. tcsh exports the machine's name as HOST
        out = subprocess.run(["make", "-n", "serve-team", *args], cwd=root, env=env,
                             capture_output=True, text=True, check=True).stdout
        return next(line for line in out.splitlines() if "workbench.serve" in line)

    assert '--team --host="10.0.0.5"' in dry_run("HOST=10.0.0.5")
    assert '--team --host=""' in dry_run()  # → the server refuses to start (above)
    assert '--team --host=""' in dry_run(env_host="myhost")


def test_sigterm_stops_a_serving_server_cleanly(tmp_path):
    """While it serves, the server owns SIGTERM: ``running()`` (tests, benchmarks) stops it
    with one, and it shuts its kernels down on the way out."""
    log = tmp_path / "server.log"
    with running(args=["--VoilaConfiguration.preheat_kernel=False"], log=log, timeout=90):
        pass
    assert re.search(r"Handle signal (15|Signals\.SIGTERM)", log.read_text()), \
        log.read_text()[-2000:]
