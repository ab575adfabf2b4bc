"""The team's deployments agree with the repository (issue 24): the Kubernetes image installs
exactly what `make run` does (the same locked `uv sync`), and runs the same server as `make hub`;
the Helm values hand each person's pod the groups the workbench reads roles from."""

from __future__ import annotations

import re
import types
from pathlib import Path

import yaml

from workbench import identity

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
VALUES = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "values.yaml").read_text("utf-8"))


def recipe(target: str) -> list[str]:
    """A Makefile target's prerequisites and commands."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(target)}:(.*)\n((?:\t.*\n)*)", text, re.M)
    assert found, target
    return [found.group(1).strip(), *(line.strip() for line in found.group(2).splitlines())]


def test_the_image_installs_with_the_same_locked_sync_as_make_run() -> None:
    runs = [" ".join(line.split()) for line in re.findall(r"^RUN (.+)$", DOCKERFILE, re.M)]
    assert "make env hub-env && rm -rf ~/.cache/uv" in runs
    assert recipe("run")[0] == "env"                              # make run installs by env
    env, hub_env = recipe("env"), recipe("hub-env")
    assert env[1] == "@$(UV) sync --locked --quiet --inexact"
    assert hub_env[1] == env[1] + " --extra hub"                  # the same, with the hub's
    copied = re.findall(r"^COPY (.+)$", DOCKERFILE, re.M)
    assert any(c.split()[-2:] == [".", "."] for c in copied)      # uv.lock comes with the tree


def test_the_image_and_make_hub_run_the_same_server() -> None:
    cmd = re.search(r"^CMD (\[.+\])$", DOCKERFILE, re.M).group(1)
    assert yaml.safe_load(cmd) == ["python", "-m", "workbench.serve"]
    config = (ROOT / "tools" / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert 'c.Spawner.cmd = [sys.executable, "-m", "workbench.serve"]' in config
    assert VALUES["singleuser"]["cmd"] is None                    # the image's own command
    assert VALUES["singleuser"]["defaultUrl"] == "/voila/render/00_home.ipynb"
    assert VALUES["singleuser"]["extraEnv"]["WORKBENCH_DB"]["valueFrom"]["secretKeyRef"]
    assert VALUES["cull"]["enabled"] is True


def test_the_helm_values_give_each_pod_the_groups_roles_come_from() -> None:
    """Run the values' extraConfig as the hub would, for a first reviewer and an admin."""
    environment: dict = {}
    c = types.SimpleNamespace(KubeSpawner=types.SimpleNamespace(environment=environment))
    exec(VALUES["hub"]["extraConfig"]["workbench"], {"c": c})
    for groups, admin, roles in ((["初审"], False, {"first_reviewer"}),
                                 (["final-reviewers", "marketing"], True,
                                  {"final_reviewer", "admin"})):
        user = types.SimpleNamespace(admin=admin,
                                     groups=[types.SimpleNamespace(name=g) for g in groups])
        env = {k: v(types.SimpleNamespace(user=user)) for k, v in environment.items()}
        assert set(env) == {identity.GROUPS_ENV, identity.ADMIN_ENV}
        assert identity.roles_for(env[identity.GROUPS_ENV].split(","),
                                  env[identity.ADMIN_ENV] == "1") == roles
    # make hub's configuration hands the same two variables to each person's server
    config = (ROOT / "tools" / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    for name in (identity.GROUPS_ENV, identity.ADMIN_ENV):
        assert f'"{name}": lambda spawner:' in config
