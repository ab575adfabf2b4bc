"""An idle person's server is stopped by the hub's idle culler and gives all its memory back
(issue 24): a hub whose idle limit is 20 s."""

from __future__ import annotations

import os
import time

import pytest
from team_hub import PASSWORD, open_page, servers, sign_in

from workbench.runtime.hub import running_hub

IDLE = 20


def gone(proc) -> bool:
    """Ended, and holding no memory (a zombie waits only for its parent to read its exit)."""
    import psutil

    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def quick_hub(tmp_path_factory):
    state = tmp_path_factory.mktemp("hub")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
    env["WORKBENCH_HUB_IDLE"] = str(IDLE)
    store = str(tmp_path_factory.mktemp("team") / "team.sqlite")
    try:
        with running_hub(state, store=store, password=PASSWORD, env=env) as url:
            yield url, store
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"{exc}:\n{(state / 'hub.log').read_text()[-4000:]}")


def test_an_idle_persons_server_is_stopped_and_its_memory_given_back(quick_hub):
    quick_hub, store = quick_hub
    session = sign_in(quick_hub, "frank")
    open_page(session, quick_hub, "frank")
    server = servers(store)["frank"]
    kernels = server.children(recursive=True)
    assert kernels                                  # the home page's kernels
    model = session.get(f"{quick_hub}/hub/api/user").json()
    assert model["servers"][""]["last_activity"]    # reported by the server
    deadline = time.monotonic() + IDLE * 6
    while "frank" in servers(store):
        assert time.monotonic() < deadline, "the idle server still runs"
        time.sleep(1)
    assert gone(server) and all(gone(k) for k in kernels)
    print(f"\nculled {time.monotonic() - deadline + IDLE * 6:.0f} s after the visit")
