"""A team's JupyterHub on loopback (``make hub``'s configuration, test sign-in): each person
signs in and gets ``workbench.serve`` in hub mode, all writing to one store."""

from __future__ import annotations

import os

import pytest
from team_hub import GROUPS, PASSWORD

from workbench.runtime.hub import PROXY, running_hub


def pytest_collection_modifyitems(config, items):
    if PROXY.exists() or os.environ.get("WORKBENCH_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason=f"{PROXY} not installed: make hub-proxy (npm)")
    for item in items:
        if "tests/hub/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("team") / "team.sqlite")


@pytest.fixture(scope="module")
def hub(tmp_path_factory, store):
    state = tmp_path_factory.mktemp("hub")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
    try:
        with running_hub(state, store=store, groups=GROUPS, password=PASSWORD, env=env) as url:
            yield url
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"{exc}:\n{(state / 'hub.log').read_text()[-4000:]}")

