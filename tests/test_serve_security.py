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

from serving import HOME, fetch
from workbench import io
from workbench.serve import TOKEN_ENV, WorkbenchServer, running


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

    previous = signal.signal(signal.SIGTERM, own)
    try:
        app()
        app("--team", "--host=10.0.0.5")
        assert signal.getsignal(signal.SIGTERM) is own
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, previous)


# -- a real server ------------------------------------------------------------------------
def kernel_id(page_html: str) -> str:
    """The id of the kernel Voilà started for a page (in the page's config)."""
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page_html)
    assert found, "no kernelId in the rendered page"
    return found.group(1)


def cookie_header(cookies: CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in cookies)


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """A team server on loopback (the stated host) with a token it made itself."""
    import os

    log = tmp_path_factory.mktemp("voila-team") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
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
    refused = run_async(_ws_status(url, kernel_id(body), cookie=""))
    assert refused == 403


def run_async(coro):
    """Run ``coro`` to its end in a thread of its own: the browser tests' Playwright keeps an
    event loop running in this thread for the whole session, and ``asyncio.run`` refuses to
    start a second one there."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _ws_status(url: str, kernel: str, cookie: str) -> int | None:
    """The HTTP status a websocket handshake to ``kernel``'s channels gets (None: opened)."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    ws_url = url.replace("http://", "ws://") + f"api/kernels/{kernel}/channels"
    try:
        conn = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookie},
                                                   connect_timeout=30))
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

    root = Path(__file__).resolve().parents[1]

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
