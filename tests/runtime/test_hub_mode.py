"""Hub mode's own parts without a hub (workbench.runtime.hub): where to serve, the shared-store
rule of `make hub`, and the activity reports the idle culler reads."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from workbench.runtime import hub


def test_the_hub_says_where_to_serve() -> None:
    env = {"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:47001/user/li%20na/",
           "JUPYTERHUB_SERVICE_PREFIX": "/user/li%20na/"}
    assert hub.started_by_hub(env) and not hub.started_by_hub({})
    assert hub.hub_address(env) == ("127.0.0.1", 47001, "/user/li%20na/")
    assert hub.hub_address({"JUPYTERHUB_SERVICE_URL": "https://:8888"}) == ("", 8888, "/")


@pytest.mark.parametrize("url, refused", [
    ("", "WORKBENCH_DB is not set"),
    ("sqlite://", "a store in memory"),
    ("scenarios.sqlite", "is a relative path"),
    ("/srv/workbench/team.sqlite", None),
    ("postgresql://workbench@db.internal/workbench", None),
])
def test_a_team_hub_needs_one_shared_store(url, refused) -> None:
    problem = hub.shared_store_problem(url)
    assert (problem is None) if refused is None else (refused in problem)
    if problem:
        assert "make hub" in problem             # says what to type instead


def in_a_loop(coroutine):
    """Run ``coroutine`` on an event loop of its own, in a thread: the test worker's main thread
    may already run one (Playwright's sync API, for the browser tests beside)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coroutine)))
    thread.start()
    thread.join(30)
    return result[0]


class _Hub(BaseHTTPRequestHandler):
    posts: list = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).posts.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_activity_is_reported_only_when_there_is_news_and_retried_after_a_failure() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    last = [None]
    reporter = hub.ActivityReporter(lambda: last[0], token="server-token", server_name="",
                                    url=f"http://127.0.0.1:{server.server_port}/activity")
    try:
        assert in_a_loop(reporter.report()) is False          # nothing happened yet
        last[0] = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        assert in_a_loop(reporter.report()) is True
        assert _Hub.posts[-1] == ("token server-token", {
            "servers": {"": {"last_activity": "2026-12-07T01:30:00Z"}},
            "last_activity": "2026-12-07T01:30:00Z"})
        assert in_a_loop(reporter.report()) is False          # no news: an idle server
        assert len(_Hub.posts) == 1
        _Hub.status = 503                                       # the hub restarting
        last[0] += dt.timedelta(minutes=5)
        assert in_a_loop(reporter.report()) is False
        _Hub.status = 200
        assert in_a_loop(reporter.report()) is True           # tried again, and sent
        assert _Hub.posts[-1][1]["last_activity"] == "2026-12-07T01:35:00Z"
    finally:
        server.shutdown()
