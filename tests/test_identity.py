"""Who is working and which review steps they may take (workbench.identity): the signed-in
person on a team's JupyterHub, the login name elsewhere; roles from JupyterHub groups."""

from __future__ import annotations

import pytest

from workbench import identity
from workbench.mix.calendar import STATUSES


@pytest.fixture(autouse=True)
def _no_hub(monkeypatch):
    for name in (identity.HUB_USER_ENV, identity.USER_ENV, identity.GROUPS_ENV,
                 identity.ADMIN_ENV):
        monkeypatch.delenv(name, raising=False)


def test_the_hub_user_comes_before_the_workbench_user_and_the_login(monkeypatch) -> None:
    monkeypatch.setattr(identity.getpass, "getuser", lambda: "ops")
    assert identity.user() == "ops" and not identity.on_hub()
    monkeypatch.setenv(identity.USER_ENV, "小王")
    assert identity.user() == "小王"
    monkeypatch.setenv(identity.HUB_USER_ENV, " alice ")
    assert identity.user() == "alice" and identity.on_hub()


def test_off_the_hub_everyone_may_take_every_step(monkeypatch) -> None:
    monkeypatch.setenv(identity.GROUPS_ENV, "editors")      # ignored: nobody to tell apart
    assert identity.roles() == identity.ALL_ROLES
    assert all(identity.may_move(identity.roles(), a, b) for a in STATUSES for b in STATUSES)


def test_on_the_hub_roles_come_from_the_groups_the_hub_gave(monkeypatch) -> None:
    monkeypatch.setenv(identity.HUB_USER_ENV, "bob")
    monkeypatch.setenv(identity.GROUPS_ENV, "first-reviewers,marketing")
    assert identity.roles() == {"first_reviewer"}
    assert not identity.may_move(identity.roles(), "draft", "first_review")
    monkeypatch.setenv(identity.GROUPS_ENV, "")
    assert identity.roles() == {"editor"}           # in no group of the flow: an editor
    monkeypatch.setenv(identity.ADMIN_ENV, "1")
    assert identity.roles() == {"admin"}


def test_groups_map_onto_roles_in_either_language() -> None:
    assert identity.roles_for(["editors"]) == {"editor"}
    assert identity.roles_for(["初审", "终审"]) == {"first_reviewer", "final_reviewer"}
    assert identity.roles_for(["First-Reviewers"]) == {"first_reviewer"}
    assert identity.roles_for(["final_reviewer"]) == {"final_reviewer"}
    assert identity.roles_for(["marketing"]) == {"editor"}      # in no group of the flow
    assert identity.roles_for([], admin=True) == {"admin"}
    assert identity.roles_for(["管理员"]) == {"admin"}


def test_each_role_takes_its_own_steps_of_the_review_flow() -> None:
    steps = {role: {(a, b) for a in STATUSES for b in STATUSES
                    if a != b and identity.may_move({role}, a, b)}
             for role in identity.ROLES}
    assert steps["editor"] == {("draft", "first_review"), ("revision", "first_review"),
                               ("revision", "final_review"), ("first_review", "draft"),
                               ("approved", "published")}
    assert steps["first_reviewer"] == {("first_review", "revision"),
                                       ("first_review", "final_review")}
    assert steps["final_reviewer"] == {("final_review", "revision"),
                                       ("final_review", "approved")}
    assert len(steps["admin"]) == len(STATUSES) * (len(STATUSES) - 1)
    assert identity.may_edit({"editor"}) and not identity.may_edit({"final_reviewer"})
    assert identity.role_names({"first_reviewer", "final_reviewer"}, "zh") == "初审、终审"
    assert identity.anyone_of({"admin", "final_reviewer"}) == "a final reviewer or an admin"
    assert identity.anyone_of({"admin", "final_reviewer"}, "zh") == "终审或管理员"
