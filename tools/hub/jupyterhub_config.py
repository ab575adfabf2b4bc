# JupyterHub for a team: `make hub` (README, "A team on JupyterHub"). Each person who signs in
# gets a server of their own, `python -m workbench.serve` in hub mode (workbench/runtime/hub.py),
# all of them writing to one shared store (WORKBENCH_DB), so the team's plans, calendars and
# uploads are one, each authored by whoever made it.
#
# Settings come from the environment (the Makefile passes them on):
#   WORKBENCH_DB          the shared store: postgresql://… for a team, or an absolute path to one
#                         SQLite file for a trial. Required: without it each person's server
#                         would keep a private store and the team's loop would break.
#   WORKBENCH_HUB_URL     where people open the hub (default http://127.0.0.1:8000; a team's
#                         address, e.g. http://10.0.0.5:8000)
#   WORKBENCH_HUB_ADMINS  comma-separated admins (default: admin). With the default sign-in
#                         (NativeAuthenticator) an admin signs up under that name first, then
#                         approves each colleague's sign-up at /hub/authorize.
#   WORKBENCH_HUB_AUTH    native (default), dummy (tests: any name, WORKBENCH_HUB_PASSWORD), or
#                         an authenticator's import name (OAuthenticator's generic OAuth2 for
#                         WeCom/企业微信, LDAP…: README).
#   WORKBENCH_HUB_SPAWNER simple (default: every server runs under the hub's own account, in a
#                         home of its own; the pages cannot run code), localprocess or systemd
#                         (real accounts, the hub run as root).
#   WORKBENCH_HUB_STATE   the hub's own files (its database, cookie secret; default .hub/)
#   WORKBENCH_HUB_IDLE    seconds before an idle person's server is stopped (default 3600)
#   WORKBENCH_HUB_GROUPS  optional, the flow's groups at start: "first-reviewers=bob,li;
#                         final-reviewers=carol" (otherwise set them on the hub's admin page)
#
# Roles follow JupyterHub groups (workbench/identity.py): editors (anyone in no flow group),
# first-reviewers / 初审, final-reviewers / 终审, admins (and the hub's admins). A person's
# roles are read when their server starts: after changing groups, stop their server on the admin
# page (or wait for the idle cull).

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbench.runtime.hub import shared_store_problem  # noqa: E402

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)
env = os.environ

problem = shared_store_problem(env.get("WORKBENCH_DB", ""))
if problem:
    sys.exit(problem)

state = Path(env.get("WORKBENCH_HUB_STATE") or ROOT / ".hub").resolve()
state.mkdir(parents=True, exist_ok=True)
c.JupyterHub.bind_url = env.get("WORKBENCH_HUB_URL") or "http://127.0.0.1:8000"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{env.get('WORKBENCH_HUB_API_PORT') or 8081}"
c.ConfigurableHTTPProxy.api_url = \
    f"http://127.0.0.1:{env.get('WORKBENCH_HUB_PROXY_API_PORT') or 8001}"
c.ConfigurableHTTPProxy.command = [
    str(ROOT / "tools/hub/node_modules/.bin/configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.default_url = "/hub/home"
# a person whose server is not running (stopped when idle, or crashed) and who opens one of its
# pages has it started again, without a "Launch server" click; a crashed one is noticed in 10 s
c.JupyterHub.implicit_spawn_seconds = 1
c.Spawner.poll_interval = 10

# Sign-in
admins = {a.strip() for a in (env.get("WORKBENCH_HUB_ADMINS") or "admin").split(",")
          if a.strip()}
c.Authenticator.admin_users = admins
auth = env.get("WORKBENCH_HUB_AUTH") or "native"
if auth == "native":
    c.JupyterHub.authenticator_class = "native"
    c.NativeAuthenticator.open_signup = False          # an admin approves each sign-up
    c.NativeAuthenticator.minimum_password_length = 8
    c.Authenticator.allow_all = True                   # approved by an admin = allowed
elif auth == "dummy":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = env.get("WORKBENCH_HUB_PASSWORD") or ""
    c.Authenticator.allow_all = True
else:
    c.JupyterHub.authenticator_class = auth

# Each person's server: the workbench itself, with the hub's identity and the shared store
spawner = env.get("WORKBENCH_HUB_SPAWNER") or "simple"
c.JupyterHub.spawner_class = {"simple": "jupyterhub.spawner.SimpleLocalProcessSpawner",
                              "localprocess": "localprocess",
                              "systemd": "systemdspawner.SystemdSpawner"}.get(spawner, spawner)
if spawner == "simple":
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "workbench.serve"]
c.Spawner.default_url = "/voila/render/00_home.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "WORKBENCH_DB": env["WORKBENCH_DB"],
    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    # the person's groups and admin flag, from which the workbench reads their roles
    # (workbench/identity.py); read when their server starts
    "WORKBENCH_GROUPS": lambda spawner: ",".join(sorted(g.name for g in spawner.user.groups)),
    "WORKBENCH_ADMIN": lambda spawner: "1" if spawner.user.admin else "0",
}
for name in ("WORKBENCH_ALLOWED_HOSTS", "WORKBENCH_TEST_PG_URL"):
    if env.get(name):
        c.Spawner.environment[name] = env[name]

groups = {}
for part in (env.get("WORKBENCH_HUB_GROUPS") or "").split(";"):
    if "=" in part:
        group, users = part.split("=", 1)
        groups[group.strip()] = {"users": [u.strip() for u in users.split(",") if u.strip()]}
if groups:
    c.JupyterHub.load_groups = groups

# An idle person's server is stopped and its memory given back (the culler reads the activity
# each server reports: workbench/runtime/hub.py)
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={int(env.get('WORKBENCH_HUB_IDLE') or 3600)}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
