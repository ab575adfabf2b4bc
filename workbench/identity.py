"""Who is working, and which steps of the review flow they may take.

One home for the signed-in person: every save, draft, calendar change and upload is authored by
:func:`user`. On a team's JupyterHub (``make hub``) each person has a server of their own, and
the hub puts their name into its environment (``JUPYTERHUB_USER``, inherited by every page's
kernel), and their JupyterHub groups and admin flag (``WORKBENCH_GROUPS``, ``WORKBENCH_ADMIN``,
written by the hub's configuration when it starts their server), from which :func:`roles`
reads their roles (:func:`roles_for`: the mapping lives here alone, for ``make hub`` and a
Kubernetes hub alike). Elsewhere,
the name is ``WORKBENCH_USER`` or the login name, and the one person, or the team sharing one
server with a token, may take every step (:data:`ALL_ROLES`): there is nobody to tell apart.

The review flow (DOMAIN.md, the operations codes' 三审三校 in a team's words): editors draft,
submit and revise; first reviewers (初审) pass an item to final review or send it back; final
reviewers (终审) approve it or send it back; an approved item is published by an editor; admins
may take any step, and manage accounts and uploads.

>>> may_move({"editor"}, "draft", "first_review")
True
>>> may_move({"editor"}, "first_review", "final_review")
False
>>> needed_roles("final_review", "approved")
('final_reviewer', 'admin')
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable

#: the roles of the review flow, in the order a team meets them
ROLES: tuple[str, ...] = ("editor", "first_reviewer", "final_reviewer", "admin")
ALL_ROLES = frozenset(ROLES)
ROLE_LABELS = {"editor": ("editor", "编辑"), "first_reviewer": ("first reviewer", "初审"),
               "final_reviewer": ("final reviewer", "终审"), "admin": ("admin", "管理员")}

#: the JupyterHub group names (as a team would call them, in English or Chinese) that give each
#: role; :func:`roles_for` also takes a role's own name (``first_reviewer``)
GROUPS: dict[str, tuple[str, ...]] = {
    "editor": ("editors", "editor", "编辑"),
    "first_reviewer": ("first-reviewers", "first_reviewers", "first-reviewer", "初审"),
    "final_reviewer": ("final-reviewers", "final_reviewers", "final-reviewer", "终审"),
    "admin": ("admins", "admin", "管理员"),
}

USER_ENV = "WORKBENCH_USER"
HUB_USER_ENV = "JUPYTERHUB_USER"
GROUPS_ENV = "WORKBENCH_GROUPS"     # the person's JupyterHub groups, comma-separated
ADMIN_ENV = "WORKBENCH_ADMIN"       # "1" for the hub's admins

#: (from, to) → the roles that may take that step; a step not listed is an admin's alone
#: (any status may be set by an admin, e.g. to put a mistake right)
_STEPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("draft", "first_review"): ("editor",),
    ("revision", "first_review"): ("editor",),
    ("revision", "final_review"): ("editor",),
    ("first_review", "draft"): ("editor",),          # withdrawn by its writer
    ("first_review", "revision"): ("first_reviewer",),
    ("first_review", "final_review"): ("first_reviewer",),
    ("final_review", "revision"): ("final_reviewer",),
    ("final_review", "approved"): ("final_reviewer",),
    ("approved", "published"): ("editor",),
}


def user() -> str:
    """The signed-in person's name: JupyterHub's user, else ``WORKBENCH_USER``, else the
    login name (``"unknown"`` when none can be found)."""
    for name in (os.environ.get(HUB_USER_ENV, ""), os.environ.get(USER_ENV, "")):
        if name.strip():
            return name.strip()
    try:
        name = getpass.getuser().strip()
    except Exception:  # getpass raises OSError/KeyError when no user name can be found
        name = ""
    return name or "unknown"


def on_hub() -> bool:
    """Whether this runs for a person signed in to a team's JupyterHub."""
    return bool(os.environ.get(HUB_USER_ENV, "").strip())


def roles() -> frozenset[str]:
    """The signed-in person's roles: on a hub, from the groups and admin flag the hub gave
    their server (:func:`roles_for`); elsewhere every role."""
    if not on_hub():
        return ALL_ROLES
    groups = [g for g in os.environ.get(GROUPS_ENV, "").split(",") if g.strip()]
    return roles_for(groups, admin=os.environ.get(ADMIN_ENV, "").strip() == "1")


def roles_for(groups: Iterable[str], admin: bool = False) -> frozenset[str]:
    """A hub user's roles from their JupyterHub groups (:data:`GROUPS`) and admin flag. A
    person in none of the flow's groups is an editor: a small team works before anyone sets
    groups up, and no one can review without being named a reviewer."""
    names = {str(g).strip().lower() for g in groups}
    found = {role for role, aliases in GROUPS.items()
             if role in names or names & {a.lower() for a in aliases}}
    if admin:
        found.add("admin")
    return frozenset(found or {"editor"})


def needed_roles(old: str, new: str) -> tuple[str, ...]:
    """The roles that may move an item from status ``old`` to ``new`` (admins always may)."""
    return (*_STEPS.get((old, new), ()), "admin")


def may_move(held: Iterable[str], old: str, new: str) -> bool:
    """Whether a person with the roles ``held`` may move an item from ``old`` to ``new``."""
    return old == new or bool(set(held) & set(needed_roles(old, new)))


def may_edit(held: Iterable[str]) -> bool:
    """Whether a person with the roles ``held`` may change an item's topic, owner or time:
    its writers and admins."""
    return bool(set(held) & {"editor", "admin"})


def role_names(held: Iterable[str], lang: str = "en") -> str:
    """Roles as a person reads them: ``"first reviewer"``, ``"初审、终审"``."""
    zh = str(lang).lower().startswith("zh")
    names = [ROLE_LABELS[r][1 if zh else 0] for r in ROLES if r in set(held)]
    if not names:
        return "无角色" if zh else "no role"
    return ("、" if zh else ", ").join(names)


def anyone_of(held: Iterable[str], lang: str = "en") -> str:
    """Whose step it is, as a person reads it: ``"a final reviewer or an admin"``,
    ``"终审或管理员"``."""
    names = role_names(held, lang)
    if str(lang).lower().startswith("zh"):
        return names.replace("、", "或")
    return " or ".join(("an " if n[0] in "aeiou" else "a ") + n for n in names.split(", "))


def may_manage(held: Iterable[str]) -> bool:
    """Whether a person with the roles ``held`` may manage the workspace's accounts and
    uploads (add or rename an account, remove or restore an upload): admins."""
    return "admin" in set(held)
