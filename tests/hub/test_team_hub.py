"""Teams on JupyterHub (issue 24): everyone signs in, gets the workbench's own pages on a server
of their own, their saves carry their name, and nobody reaches anyone else's server."""

from __future__ import annotations

import requests

from workbench.store import ScenarioStore

from team_hub import kernel_of, open_page, servers, sign_in


def test_each_person_gets_the_workbench_on_a_server_of_their_own(hub, store):
    alice, bob = sign_in(hub, "alice"), sign_in(hub, "bob")
    page, _ = open_page(alice, hub, "alice")
    assert 'src="/user/alice/workbench/static/page.js' in page      # our front end, our prefix
    assert "/user/alice/workbench/static/plotly" not in page        # the home page has no chart
    open_page(bob, hub, "bob")
    running = servers(store)
    assert {"alice", "bob"} <= set(running)
    assert running["alice"].pid != running["bob"].pid
    env = {user: running[user].environ() for user in ("alice", "bob")}
    assert (env["alice"]["WORKBENCH_GROUPS"], env["bob"]["WORKBENCH_GROUPS"]) == \
        ("", "first-reviewers")                   # alice an editor, bob a first reviewer
    assert env["alice"]["WORKBENCH_ADMIN"] == "0"
    assert env["alice"]["WORKBENCH_DB"] == env["bob"]["WORKBENCH_DB"]   # one shared store
    # on a hub only the home page keeps a pre-heated kernel: the one this visit took, and the
    # one the pool starts in its place
    kernels = [p for p in running["alice"].children(recursive=True)
               if "ipykernel_launcher" in " ".join(p.cmdline())]
    assert 1 <= len(kernels) <= 2, [p.cmdline() for p in kernels]


def test_nobody_reaches_another_persons_server_or_kernels(hub, store):
    alice, bob = sign_in(hub, "alice"), sign_in(hub, "bob")
    kernel = kernel_of(open_page(alice, hub, "alice")[0])
    mine = alice.get(f"{hub}/user/alice/api/kernels/{kernel}")
    assert mine.status_code == 200 and mine.json()["id"] == kernel
    # bob, signed in, asks for alice's kernel and her page
    assert bob.get(f"{hub}/user/alice/api/kernels/{kernel}").status_code == 403
    assert bob.get(f"{hub}/user/alice/voila/render/00_home.ipynb").status_code == 403
    # nobody signed in, with forged identity headers: through the hub's proxy and straight at
    # alice's server
    forged = {"Authorization": "token not-a-real-token", "X-Forwarded-User": "alice",
              "X-Remote-User": "alice", "Cookie": "jupyterhub-user-alice=forged"}
    direct = "http://127.0.0.1:{}".format(
        next(c.laddr.port for c in servers(store)["alice"].net_connections("tcp")
             if c.status == "LISTEN"))
    for base in (hub, direct):
        answer = requests.get(f"{base}/user/alice/api/kernels/{kernel}", headers=forged,
                              allow_redirects=False)
        assert answer.status_code in (302, 403), (base, answer.status_code)
        assert kernel not in answer.text
        page = requests.get(f"{base}/user/alice/voila/render/00_home.ipynb", headers=forged,
                            allow_redirects=False)
        assert page.status_code in (302, 403) and "page.js" not in page.text, base
        if page.status_code == 302:       # sent to the hub's sign-in, never served
            assert "/hub/api/oauth2/authorize" in page.headers["Location"] \
                or "/hub/login" in page.headers["Location"]


def save_in_kernel_env(store: str, user: str, name: str, payload: dict) -> None:
    """Save a scenario as a page's kernel of ``user``'s server would: in that server's
    environment (a kernel inherits it)."""
    import subprocess
    import sys

    env = servers(store)[user].environ()
    subprocess.run([sys.executable, "-c", (
        "import sys; from workbench.store import ScenarioStore; "
        f"ScenarioStore().save('mix_plan', sys.argv[1], {payload!r})"), name],
        env=env, check=True, timeout=60)


def test_saves_on_the_hub_carry_the_signed_in_persons_name(hub, store):
    """What a page's kernel writes is authored by the person whose server it is: the kernel
    inherits JUPYTERHUB_USER, and workbench.identity reads it (no page needed to show it)."""
    open_page(sign_in(hub, "bob"), hub, "bob")
    save_in_kernel_env(store, "bob", "Team plan", {"posts_per_week": 5})
    assert ScenarioStore(store).record("mix_plan", "Team plan").author == "bob"


def test_a_crashed_server_is_started_again_without_touching_anyone_else(hub, store):
    alice, bob = sign_in(hub, "alice"), sign_in(hub, "bob")
    open_page(alice, hub, "alice")
    open_page(bob, hub, "bob")
    before = servers(store)
    before["alice"].kill()                          # alice's server dies
    before["alice"].wait(10)
    page, _ = open_page(bob, hub, "bob")            # bob carries on, on the same server
    assert servers(store)["bob"].pid == before["bob"].pid and "page.js" in page
    page, seconds = open_page(alice, hub, "alice")  # alice's next visit: a new server
    assert "page.js" in page and servers(store)["alice"].pid != before["alice"].pid
    print(f"\nalice's server started again and her home page served in {seconds:.1f} s")


def test_removing_a_person_keeps_everything_they_saved_authored_by_them(hub, store):
    open_page(sign_in(hub, "dave"), hub, "dave")
    save_in_kernel_env(store, "dave", "Dave's week", {"posts_per_week": 7})
    admin = sign_in(hub, "admin")               # WORKBENCH_HUB_ADMINS: admin (the default)
    gone = admin.delete(f"{hub}/hub/api/users/dave",
                        headers={"X-XSRFToken": admin.cookies.get("_xsrf", path="/hub/")})
    assert gone.status_code == 204, (gone.status_code, gone.text)
    assert "dave" not in servers(store)
    saved = ScenarioStore(store)
    assert [r.author for r in saved.history("mix_plan", "Dave's week")] == ["dave"]
    assert saved.load("mix_plan", "Dave's week") == {"posts_per_week": 7}
