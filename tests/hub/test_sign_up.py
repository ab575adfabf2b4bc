"""The sign-in a team gets out of the box with `make hub` (NativeAuthenticator): the admin
signs up, a colleague signs up and cannot sign in until the admin approves them, then gets the
workbench on a server of their own."""

from __future__ import annotations

import os

import pytest
import requests
from team_hub import open_page

from workbench.runtime.hub import running_hub


@pytest.fixture(scope="module")
def native_hub(tmp_path_factory):
    state = tmp_path_factory.mktemp("hub")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
    env["WORKBENCH_HUB_ADMINS"] = "lead"
    store = str(tmp_path_factory.mktemp("team") / "team.sqlite")
    try:
        with running_hub(state, store=store, auth="native", env=env) as url:
            yield url
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"{exc}:\n{(state / 'hub.log').read_text()[-4000:]}")


def form(session, url: str, data: dict) -> requests.Response:
    session.get(url)
    return session.post(url, data={**data, "_xsrf": session.cookies.get("_xsrf")})


def test_a_colleague_signs_in_once_the_admin_approved_them(native_hub):
    hub = native_hub
    lead, li = requests.Session(), requests.Session()
    assert form(lead, hub + "/hub/signup", {
        "username": "lead", "signup_password": "lead-pass-2026",
        "signup_password_confirmation": "lead-pass-2026"}).ok
    signed = form(lead, hub + "/hub/login", {"username": "lead", "password": "lead-pass-2026"})
    assert signed.ok and "/hub/login" not in signed.url, signed.url
    answer = form(li, hub + "/hub/signup", {
        "username": "li", "signup_password": "li-pass-2026",
        "signup_password_confirmation": "li-pass-2026"})
    assert answer.ok and "admin" in answer.text.lower()          # waits for approval
    refused = form(li, hub + "/hub/login", {"username": "li", "password": "li-pass-2026"})
    assert "/hub/login" in refused.url                         # not yet
    assert lead.get(hub + "/hub/authorize/li").ok               # the admin approves li
    signed = form(li, hub + "/hub/login", {"username": "li", "password": "li-pass-2026"})
    assert signed.ok and "/hub/login" not in signed.url, signed.url
    page, _ = open_page(li, hub, "li")
    assert 'src="/user/li/workbench/static/page.js' in page
