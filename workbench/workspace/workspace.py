"""The team's data: every upload kept as received, merged into one history per account and kind.

>>> from workbench.workspace import Workspace
>>> ws = Workspace("sqlite://")
>>> csv = "时间,新关注人数,取消关注人数\\n2025-11-03,120,8\\n2025-11-04,95,11\\n".encode()
>>> first = ws.add(csv, name="用户增长.csv")
>>> first.kind, first.account.name, (first.report.new, first.report.updated)
('daily_users', '公众号', (2, 0))
>>> later = "时间,新关注人数,取消关注人数\\n2025-11-04,97,11\\n2025-11-05,80,6\\n".encode()
>>> r = ws.add(later, name="用户增长 (1).csv").report
>>> (r.new, r.updated, r.unchanged), ws.frame("daily_users")["new_follows"].tolist()
((1, 1, 0), [120, 97, 80])
>>> _ = ws.remove(first.id); len(ws.frame("daily_users"))
2
>>> _ = ws.restore(first.id); len(ws.frame("daily_users"))
3

How it stays correct when several people add at once: an add reads and checks the file first,
outside any lock; then, in one write transaction (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's
advisory lock on the account and kind), it looks for the same file already there, compares the
file with the history it joins and inserts one row. A process killed during an add leaves the
upload in or out, never half of it. Readers never wait for a writer (WAL on SQLite).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .. import identity, io, schemas
from ..errors import InputError
from ..io import limits
from ..io.sources import _open_source
from ..store.engine import SAVE_ATTEMPTS, Database, _advisory_key, _backoff
from ..store.tables import MAX_NAME_LENGTH, _check_text
from . import accounts as acc
from . import frames, merge, tables, tags
from .accounts import Account
from .tags import TagRule

__all__ = ["Unreadable", "Upload", "UploadReport", "Workspace"]


@dataclass(frozen=True)
class UploadReport:
    """What adding a file did: rows new to the history, rows it updated, rows it repeated as
    they were, and the loader's notes ((en, zh) pairs). ``duplicate_of``: the upload this same
    file already is (then nothing changed)."""

    rows: int
    new: int
    updated: int
    unchanged: int
    notes: tuple[tuple[str, str], ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    duplicate_of: int | None = None
    #: canonical column -> {value as written: cells} the loader did not know (left blank)
    unknown_levels: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self, lang: str = "en") -> str:
        if str(lang).lower().startswith("zh"):
            if self.duplicate_of is not None:
                return f"与第 {self.duplicate_of} 次上传的文件相同：数据没有变化。"
            return (f"{self.rows} 行：新增 {self.new} 行，更新 {self.updated} 行，"
                    f"{self.unchanged} 行与已有数据相同。")
        if self.duplicate_of is not None:
            return f"The same file as upload {self.duplicate_of}: nothing changed."
        return (f"{self.rows} rows: {self.new} new, {self.updated} updated, "
                f"{self.unchanged} unchanged.")

    def messages(self, lang: str = "en") -> list[str]:
        """The summary, then the loader's notes, in ``lang``."""
        i = 1 if str(lang).lower().startswith("zh") else 0
        return [self.summary(lang), *(pair[i] for pair in self.notes)]

    def to_json(self) -> str:
        return json.dumps({"rows": self.rows, "new": self.new, "updated": self.updated,
                           "unchanged": self.unchanged, "notes": [list(p) for p in self.notes],
                           "columns": self.columns, "unknown_levels": self.unknown_levels},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> UploadReport:
        data = json.loads(text)
        return cls(int(data["rows"]), int(data["new"]), int(data["updated"]),
                   int(data["unchanged"]), tuple(tuple(p) for p in data.get("notes", [])),
                   dict(data.get("columns", {})),
                   unknown_levels=dict(data.get("unknown_levels", {})))


@dataclass(frozen=True)
class Upload:
    """One file the team added: which kind, to which account, by whom, when, and what it did."""

    id: int
    kind: str
    account: Account
    file_name: str
    author: str
    created_at: dt.datetime
    sha256: str
    size: int
    rows: int
    first_date: str | None
    last_date: str | None
    report: UploadReport
    removed_at: dt.datetime | None = None
    removed_by: str | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


@dataclass(frozen=True)
class Unreadable:
    """A stored upload that can no longer be read: left out of its history, named on the page
    with the offer to remove it."""

    upload: Upload
    reason: str



_ADMIN_STEPS = {"manage": ("Adding or renaming an account", "添加或重命名账号"),
                "remove": ("Removing an upload", "移除上传的文件"),
                "restore": ("Restoring an upload", "恢复上传的文件")}


def _check_admin(roles: Iterable[str] | None, step: str) -> None:
    """Refuse a step on the workspace's accounts and uploads to anyone but an admin (on a
    team's hub; elsewhere everyone may: :func:`workbench.identity.roles`)."""
    held = identity.roles() if roles is None else frozenset(roles)
    if identity.may_manage(held):
        return
    en, zh = _ADMIN_STEPS[step]
    raise InputError(
        f"{en} is for an admin; your role: {identity.role_names(held)}. Ask an admin of the "
        "team's hub to do it.",
        f"{zh}需要管理员角色；您的角色：{identity.role_names(held, 'zh')}。请联系团队的管理员。")


class Workspace(Database):
    """The team's uploads and accounts, in the scenario store's database.

    ``url``: as :class:`workbench.store.ScenarioStore` (``None``: ``WORKBENCH_DB``, else the
    user's SQLite file).
    """

    metadata = tables.metadata
    #: merged histories kept per process, most recently used last
    CACHE_SIZE = 12

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        super().__init__(url)
        self._cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._parts: OrderedDict[int, pd.DataFrame] = OrderedDict()
        self._unreadable: dict[int, str] = {}

    # -- accounts -------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """The team's accounts, in the order they were made."""
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            rows = conn.execute(sa.select(tables.accounts).order_by(tables.accounts.c.id))
            return [_account(row) for row in rows]

    def add_account(self, name: str, platform: str = "wechat",
                    account_type: str = "subscription", *, author: str | None = None,
                    roles: Iterable[str] | None = None) -> Account:
        """A new account (the name must be new to the workspace). On a team's hub, an admin's
        step (``roles``, default the signed-in person's: :func:`_check_admin`)."""
        _check_admin(roles, "manage")
        name = _check_text(name, "account name", max_length=MAX_NAME_LENGTH)
        acc.check_platform(platform, account_type)
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            self._lock(conn, "accounts")
            return self._create_account(conn, name, platform, account_type, author)

    def rename_account(self, account: Account | int | str, new_name: str, *,
                       roles: Iterable[str] | None = None) -> Account:
        _check_admin(roles, "manage")
        new_name = _check_text(new_name, "account name", max_length=MAX_NAME_LENGTH)
        found = self.account(account)
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            self._lock(conn, "accounts")
            if self._account_named(conn, new_name) not in (None, found):
                raise _name_taken(new_name)
            conn.execute(sa.update(tables.accounts).where(tables.accounts.c.id == found.id)
                         .values(name=new_name))
        return self.account(found.id)

    def account(self, ref: Account | int | str) -> Account:
        """An account by itself, its id or its name."""
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            found = self._find_account(conn, ref)
        if found is None:
            raise _no_account(ref, self.accounts())
        return found

    # -- uploads --------------------------------------------------------------------------

    def add(self, path_or_bytes: Any, name: str | None = None, kind: str | None = None,
            account: Account | int | str | None = None, *, author: str | None = None) -> Upload:
        """Read a file and keep it: it joins the history of its kind and account.

        ``path_or_bytes``: a path, the file's bytes, a binary file or an ipywidgets upload
        entry (as :func:`workbench.io.read`). ``kind``: detected when ``None``. ``account``: an
        :class:`Account`, its id or its name (a new name makes a new account, of the platform
        the file says); ``None`` takes the one account of the file's platform, making it when
        there is none.

        Raises :class:`workbench.io.DataError` for a file that cannot be used (nothing is kept)
        and :class:`workbench.errors.InputError` when the account cannot be told.
        """
        file_name, data = _received(path_or_bytes, name, kind)
        parsed = _Parsed.read(data, file_name, kind, self.mapping(account))
        kind, frame = parsed.kind, parsed.loaded.frame
        platform, account_type = acc.guess(kind, frame)
        author = (author or "").strip() or identity.user()
        self._ensure_schema()
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._transaction(write=True) as conn:
                    self._lock(conn, "accounts")
                    target = self._target_account(conn, account, platform, account_type, author)
                    self._lock(conn, f"{target.id}/{kind}")
                    # the newest upload of the same bytes (a file read again with the team's
                    # names is a newer upload of them)
                    same = conn.execute(
                        sa.select(tables.uploads.c.id, tables.uploads.c.removed_at)
                        .where(tables.uploads.c.account_id == target.id,
                               tables.uploads.c.kind == kind,
                               tables.uploads.c.sha256 == parsed.sha)
                        .order_by(tables.uploads.c.id.desc()).limit(1)).first()
                    if same is not None:
                        return self._again(conn, same.id, same.removed_at is not None)
                    upload_id, report = self._insert(conn, parsed, target, file_name, author)
                    self._store_history(conn, kind, target.id)
                return self.upload(upload_id, report=report)
            except IntegrityError:  # another process made the same new account: look again
                self._forget()
                _backoff(attempt)
            except BaseException:
                self._forget()
                raise
        raise RuntimeError("could not add the upload after repeated conflicts")

    def reread(self, upload_id: int, *, author: str | None = None) -> Upload:
        """Read a kept upload's file again with the team's names as they are now (after
        :meth:`set_mapping`, e.g. ``tier3+`` → ``tier3_plus``): the result is a new upload of
        the same bytes that takes the old one's place, which is removed (and can be restored;
        nothing is deleted). Its report counts rows new, updated and unchanged against the
        history as it was (with the old reading): what reading it again changed.

        Raises :class:`workbench.io.DataError` when the file no longer reads with the names as
        they are (nothing changes) and :class:`workbench.errors.InputError` for an upload
        that is removed or does not exist.
        """
        old = self.upload(upload_id)
        if old.removed:
            raise InputError(f"Upload {old.id} ({old.file_name}) is removed: restore it before "
                             "reading it again.",
                             f"第 {old.id} 次上传（{old.file_name}）已移除：请先恢复再重新读取。")
        parsed = _Parsed.read(self.content(old.id), old.file_name, old.kind,
                              self.mapping(old.account))
        author = (author or "").strip() or identity.user()
        with self._transaction(write=True) as conn:
            self._lock(conn, f"{old.account.id}/{old.kind}")
            before = self._history(conn, old.kind, old.account.id, keyed=True)
            done = conn.execute(sa.update(tables.uploads)
                                .where(tables.uploads.c.id == old.id,
                                       tables.uploads.c.removed_at.is_(None))
                                .values(removed_at=_now(), removed_by=author)).rowcount
            if not done:    # removed by someone else meanwhile: nothing to read again
                raise InputError(f"Upload {old.id} ({old.file_name}) was removed meanwhile.",
                                 f"第 {old.id} 次上传（{old.file_name}）刚刚已被移除。")
            upload_id, report = self._insert(conn, parsed, old.account, old.file_name, author,
                                             against=before)
            self._store_history(conn, old.kind, old.account.id)
        return self.upload(upload_id, report=report)

    def _insert(self, conn: Connection, parsed: _Parsed, target: Account, file_name: str,
                author: str, against: pd.DataFrame | None = None) -> tuple[int, UploadReport]:
        """Keep a read file as a new upload of ``target`` (inside the write transaction, under
        the account and kind's lock); its report compares it with ``against``, else the
        history as it is."""
        loaded, kind = parsed.loaded, parsed.kind
        frame = loaded.frame
        if against is None:
            against = self._history(conn, kind, target.id, keyed=True)
        changes = merge.compare(against, parsed.keyed)
        report = UploadReport(len(frame), changes.new, changes.updated, changes.unchanged,
                              tuple(loaded.report.notes), dict(loaded.report.columns),
                              unknown_levels=dict(loaded.report.unknown_levels))
        first, last = merge.date_range(kind, frame)
        upload_id = int(conn.execute(sa.insert(tables.uploads).values(
            account_id=target.id, kind=kind, file_name=file_name, author=author,
            created_at=_now(), sha256=parsed.sha, size=len(parsed.data), rows=len(frame),
            first_date=first, last_date=last, report=report.to_json(),
            format_version=frames.FORMAT_VERSION, content=parsed.data,
            frame=frames.to_blob(parsed.keyed),
        ).returning(tables.uploads.c.id)).scalar_one())
        self._parts[upload_id] = parsed.keyed
        return upload_id, report

    def uploads(self, kind: str | None = None, account: Account | int | str | None = None, *,
                removed: bool = True) -> list[Upload]:
        """The uploads, oldest first; ``removed=False`` leaves the removed ones out."""
        if kind is not None:
            schemas.schema(kind)
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            query = self._upload_query(conn, kind, account)
            if not removed:
                query = query.where(tables.uploads.c.removed_at.is_(None))
            owners = {a.id: a for a in self._all_accounts(conn)}
            return [self._upload(row, conn, owners) for row in conn.execute(query)]

    def upload(self, upload_id: int, *, report: UploadReport | None = None) -> Upload:
        """One upload by its id."""
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            row = conn.execute(self._upload_query(conn, None, None)
                               .where(tables.uploads.c.id == int(upload_id))).first()
            if row is None:
                raise _no_upload(upload_id)
            found = self._upload(row, conn)
        if report is not None:
            found = Upload(**{**found.__dict__, "report": report})
        return found

    def content(self, upload_id: int) -> bytes:
        """The file as it was received."""
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            data = conn.execute(sa.select(tables.uploads.c.content)
                                .where(tables.uploads.c.id == int(upload_id))).scalar()
        if data is None:
            raise _no_upload(upload_id)
        return bytes(data)

    def remove(self, upload_id: int, *, author: str | None = None,
               roles: Iterable[str] | None = None) -> Upload:
        """Leave an upload out of its history (it is kept: :meth:`restore` brings it back).
        On a team's hub, an admin's step (:func:`_check_admin`)."""
        _check_admin(roles, "remove")
        found = self.upload(upload_id)
        if not found.removed:
            with self._transaction(write=True) as conn:
                self._lock(conn, f"{found.account.id}/{found.kind}")
                conn.execute(sa.update(tables.uploads)
                             .where(tables.uploads.c.id == found.id,
                                    tables.uploads.c.removed_at.is_(None))
                             .values(removed_at=_now(),
                                     removed_by=(author or "").strip() or identity.user()))
                self._store_history(conn, found.kind, found.account.id)
        return self.upload(found.id)

    def restore(self, upload_id: int, *, roles: Iterable[str] | None = None) -> Upload:
        """Bring a removed upload back into its history (an admin's step on a team's hub)."""
        _check_admin(roles, "restore")
        found = self.upload(upload_id)
        if found.removed:
            with self._transaction(write=True) as conn:
                self._lock(conn, f"{found.account.id}/{found.kind}")
                conn.execute(sa.update(tables.uploads).where(tables.uploads.c.id == found.id)
                             .values(removed_at=None, removed_by=None))
                self._store_history(conn, found.kind, found.account.id)
        return self.upload(found.id)

    # -- the merged data ------------------------------------------------------------------

    def frame(self, kind: str, account: Account | int | str | None = None) -> pd.DataFrame:
        """The history of ``kind`` (one account's, or every account's one after the other):
        canonical, as :func:`workbench.io.load` returns it; no rows when there is no data."""
        schemas.schema(kind)
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            if account is None:
                ids = [a.id for a in self._all_accounts(conn)]
            else:
                found = self._find_account(conn, account)
                if found is None:
                    raise _no_account(account, self._all_accounts(conn))
                ids = [found.id]
            if kind == "articles":  # typed by the rules and choices of the moment
                state = (tuple(self._active(conn, kind, i) for i in ids), *self._tag_state(conn))
                if state in self._cache:
                    return self._cache[state].copy(deep=False)
                rules, corrections = self.tag_rules(conn), self._corrections(conn)
            histories = [self._history(conn, kind, i) for i in ids]
        histories = [f for f in histories if len(f)] or [io.empty(kind)]
        out = histories[0] if len(histories) == 1 else pd.concat(histories, ignore_index=True)
        if kind == "articles":
            out, counts = tags.apply(out, rules, corrections)
            out.attrs["tagging"] = counts
            self._remember(state, out)
        return out.copy(deep=False)

    # -- the team's own names -------------------------------------------------------------
    def mapping(self, account: Account | int | str | None = None) -> io.Mapping:
        """The header and level names files are read with: the newest mapping kept for every
        account, and over it the account's own (with no account given: every account's,
        since the account of a file is only known once it is read)."""
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            rows = conn.execute(sa.select(tables.mappings).order_by(tables.mappings.c.id)).all()
            owner = self._find_account(conn, account) if account is not None else None
        newest: dict[int | None, Any] = {}
        for row in rows:
            newest[row.account_id] = row
        chosen = [newest[k] for k in newest if k is None]
        chosen += [newest[k] for k in newest if k is not None
                   and (account is None or (owner is not None and k == owner.id))]
        return _combined(*(_stored_mapping(row) for row in chosen))

    def set_mapping(self, mapping: io.Mapping, account: Account | int | str | None = None, *,
                    author: str | None = None) -> io.Mapping:
        """Keep ``mapping`` (added to what is kept) for ``account``'s files (``None``: every
        account's); the next upload is read with it."""
        for kind, pairs in mapping.columns.items():
            names = schemas.schema(kind).names
            bad = [c for c in pairs.values() if c not in names]
            if bad:
                raise ValueError(f"unknown {kind} column(s): {', '.join(bad)}")
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            self._lock(conn, "mappings")
            owner = self._find_account(conn, account) if account is not None else None
            if account is not None and owner is None:
                raise _no_account(account, self._all_accounts(conn))
            owner_id = owner.id if owner is not None else None
            mine = tables.mappings.c.account_id
            row = conn.execute(sa.select(tables.mappings)
                               .where(mine.is_(None) if owner_id is None else mine == owner_id)
                               .order_by(tables.mappings.c.id.desc()).limit(1)).first()
            kept = _combined(_stored_mapping(row) if row is not None else io.Mapping(), mapping)
            conn.execute(sa.insert(tables.mappings).values(
                account_id=owner_id,
                columns=json.dumps(kept.columns, ensure_ascii=False),
                levels=json.dumps(kept.levels, ensure_ascii=False),
                author=(author or "").strip() or identity.user(), created_at=_now()))
        return kept

    # -- content types ------------------------------------------------------------------
    def tag_rules(self, conn: Connection | None = None) -> list[TagRule]:
        """The team's tagging rules in the order they apply (the starter rules until the team
        saves its own)."""
        if conn is None:
            self._ensure_schema()
            with self._transaction(write=False) as conn:
                return self.tag_rules(conn)
        newest = conn.execute(sa.select(sa.func.max(tables.tag_rule_sets.c.id))).scalar()
        if newest is None:
            return list(tags.STARTER_RULES)
        rows = conn.execute(sa.select(tables.tag_rules).where(tables.tag_rules.c.set_id == newest)
                            .order_by(tables.tag_rules.c.position))
        return [TagRule(r.pattern, r.content_type, bool(r.regex)) for r in rows]

    def set_tag_rules(self, rules: list[TagRule], *, author: str | None = None) -> list[TagRule]:
        """Keep ``rules`` as the team's (a new set: the earlier ones stay in the database)."""
        rules = [TagRule(r.pattern.strip(), r.content_type, bool(r.regex)).check() for r in rules]
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            self._lock(conn, "tags")
            set_id = conn.execute(sa.insert(tables.tag_rule_sets).values(
                author=(author or "").strip() or identity.user(), created_at=_now(),
            ).returning(tables.tag_rule_sets.c.id)).scalar_one()
            for position, rule in enumerate(rules):
                conn.execute(sa.insert(tables.tag_rules).values(
                    set_id=set_id, position=position, pattern=rule.pattern, regex=rule.regex,
                    content_type=rule.content_type))
        return rules

    def tag(self, title: str, publish_time: Any, content_type: str, *,
            author: str | None = None) -> None:
        """Say by hand which content type one post is (it wins over the file and the rules)."""
        TagRule("-", content_type).check()
        self._ensure_schema()
        with self._transaction(write=True) as conn:
            conn.execute(sa.insert(tables.tag_corrections).values(
                article=tags.article_key(title, publish_time), content_type=content_type,
                author=(author or "").strip() or identity.user(), created_at=_now()))

    def suggestions(self, account: Account | int | str | None = None) -> pd.DataFrame:
        """Content types suggested for the posts no file, rule or choice typed
        (:func:`workbench.workspace.suggest.suggest`), learned from the ones that have one."""
        from .suggest import suggest

        return suggest(self.frame("articles", account))

    def tag_state(self) -> tuple[int, int]:
        """Which tagging rules and choices by hand the articles are typed with (the newest
        rule set's id, the newest choice's id): a page compares it to see whether its
        articles need reading again."""
        self._ensure_schema()
        with self._transaction(write=False) as conn:
            return self._tag_state(conn)

    def _tag_state(self, conn: Connection) -> tuple[int, int]:
        rule_set = conn.execute(sa.select(sa.func.max(tables.tag_rule_sets.c.id))).scalar()
        last = conn.execute(sa.select(sa.func.max(tables.tag_corrections.c.id))).scalar()
        return (rule_set or 0, last or 0)

    def _corrections(self, conn: Connection) -> dict[str, str]:
        rows = conn.execute(sa.select(tables.tag_corrections.c.article,
                                      tables.tag_corrections.c.content_type)
                            .order_by(tables.tag_corrections.c.id))
        return {r.article: r.content_type for r in rows}  # the newest for a post wins

    def unreadable(self, kind: str | None = None) -> list[Unreadable]:
        """The stored uploads that could not be read the last time their history was built."""
        out = []
        for upload_id, reason in sorted(self._unreadable.items()):
            found = self.upload(upload_id)
            if kind is None or found.kind == kind:
                out.append(Unreadable(found, reason))
        return out

    # -- inside a transaction -------------------------------------------------------------

    def _lock(self, conn: Connection, what: str) -> None:
        """Serialise writers on ``what`` (SQLite's write lock already does)."""
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                _advisory_key("workbench.workspace", what))))

    def _active(self, conn: Connection, kind: str, account_id: int) -> tuple[int, ...]:
        up = tables.uploads.c
        return tuple(int(i) for i in conn.execute(
            sa.select(up.id).where(up.account_id == account_id, up.kind == kind,
                                   up.removed_at.is_(None)).order_by(up.id)).scalars())

    def _history(self, conn: Connection, kind: str, account_id: int, *,
                 keyed: bool = False) -> pd.DataFrame:
        """The merged history of one account and kind (``keyed``: with the merge keys, as
        :func:`merge.compare` wants it)."""
        ids = self._active(conn, kind, account_id)
        cache_key = (kind, account_id, ids, keyed)
        if cache_key in self._cache:
            self._cache.move_to_end(cache_key)
            return self._cache[cache_key]
        # a page only reading keeps the canonical frame alone: the merge keys (a text per row)
        # and the uploads' own frames are for adding, and a million of them cost a page's
        # kernel memory and its garbage collector time
        history = self._keyed_history(conn, kind, account_id, ids, keep=keyed)
        if not keyed:
            history = merge.finish(kind, history)
        self._remember(cache_key, history)
        return history

    def _forget(self) -> None:
        """Drop what this kernel remembers (an add that did not commit may have cached it)."""
        self._cache.clear()
        self._parts.clear()

    def _remember(self, cache_key: tuple, frame: pd.DataFrame) -> None:
        self._cache[cache_key] = frame
        while len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)

    def _keyed_history(self, conn: Connection, kind: str, account_id: int,
                       ids: tuple[int, ...], *, keep: bool = True) -> pd.DataFrame:
        """The keyed history of ``ids``: the stored one when it matches (or a stored earlier one
        and the uploads since), else merged again from every upload."""
        cached = self._cache.get((kind, account_id, ids, True))
        if cached is not None:
            return cached
        if len(ids) <= 1:
            part = self._part(conn, ids[0], keep=keep) if ids else None
            return merge.combine([part] if part is not None else [])
        stored = conn.execute(sa.select(tables.histories)
                              .where(tables.histories.c.account_id == account_id,
                                     tables.histories.c.kind == kind)).first()
        parts, rest = [], ids
        if stored is not None:
            done = tuple(int(i) for i in stored.upload_ids.split(",") if i)
            if ids[:len(done)] == done:
                try:
                    parts = [frames.from_blob(bytes(stored.frame), int(stored.format_version))]
                    rest = ids[len(done):]
                except Exception:  # damaged: merged again from the uploads, and rewritten
                    parts, rest = [], ids
        parts += [p for p in (self._part(conn, i, keep=keep) for i in rest) if p is not None]
        return merge.combine(parts)

    def _store_history(self, conn: Connection, kind: str, account_id: int) -> None:
        """Write the history of the account and kind's active uploads (inside the write
        transaction that changed them)."""
        ids = self._active(conn, kind, account_id)
        history = self._keyed_history(conn, kind, account_id, ids)
        self._remember((kind, account_id, ids, True), history)
        where = (tables.histories.c.account_id == account_id, tables.histories.c.kind == kind)
        if len(ids) <= 1:  # the upload is its own history
            conn.execute(sa.delete(tables.histories).where(*where))
            return
        values = dict(upload_ids=",".join(map(str, ids)), format_version=frames.FORMAT_VERSION,
                      frame=frames.to_blob(history), updated_at=_now())
        if not conn.execute(sa.update(tables.histories).where(*where).values(**values)).rowcount:
            conn.execute(sa.insert(tables.histories).values(account_id=account_id, kind=kind,
                                                            **values))

    def _part(self, conn: Connection, upload_id: int, *, keep: bool = True
              ) -> pd.DataFrame | None:
        """One upload's keyed frame (``None``, and named in :meth:`unreadable`, when it cannot
        be read)."""
        if upload_id in self._parts:
            self._parts.move_to_end(upload_id)
            return self._parts[upload_id]
        row = conn.execute(sa.select(tables.uploads.c.frame, tables.uploads.c.format_version)
                           .where(tables.uploads.c.id == upload_id)).one()
        try:
            part = frames.from_blob(bytes(row.frame), int(row.format_version))
        except Exception as exc:  # a damaged or foreign blob: named on the page, not fatal
            self._unreadable[upload_id] = f"{type(exc).__name__}: {exc}"
            return None
        self._unreadable.pop(upload_id, None)
        if not keep:
            return part
        self._parts[upload_id] = part
        while len(self._parts) > 4 * self.CACHE_SIZE:
            self._parts.popitem(last=False)
        return part

    def _again(self, conn: Connection, upload_id: int, removed: bool) -> Upload:
        """The same file added again: nothing changes (a removed one comes back)."""
        row = conn.execute(self._upload_query(conn, None, None)
                           .where(tables.uploads.c.id == upload_id)).one()
        found = self._upload(row, conn)
        if removed:
            conn.execute(sa.update(tables.uploads).where(tables.uploads.c.id == upload_id)
                         .values(removed_at=None, removed_by=None))
            self._store_history(conn, found.kind, found.account.id)
            found = Upload(**{**found.__dict__, "removed_at": None, "removed_by": None})
        rows = found.rows
        report = UploadReport(rows, 0, 0, rows, found.report.notes, found.report.columns,
                              duplicate_of=upload_id)
        return Upload(**{**found.__dict__, "report": report})

    def _target_account(self, conn: Connection, ref: Account | int | str | None, platform: str,
                        account_type: str | None, author: str) -> Account:
        if ref is not None:
            found = self._find_account(conn, ref)
            if found is not None:
                return found
            if not isinstance(ref, str):
                raise _no_account(ref, self._all_accounts(conn))
            return self._create_account(conn, ref.strip(), platform,
                                        account_type or "subscription", author)
        everyone = self._all_accounts(conn)
        same = [a for a in everyone if a.platform == platform]
        if account_type is not None and len(same) > 1:
            same = [a for a in same if a.account_type == account_type] or same
        if len(same) == 1:
            return same[0]
        if not same:
            account_type = account_type or ("subscription" if platform == "wechat" else "other")
            name = acc.default_name(platform, account_type)
            if self._account_named(conn, name) is not None:
                name = f"{name} {len(everyone) + 1}"
            return self._create_account(conn, name, platform, account_type, author)
        raise _which_account(same)

    def _create_account(self, conn: Connection, name: str, platform: str, account_type: str,
                        author: str | None) -> Account:
        if self._account_named(conn, name) is not None:
            raise _name_taken(name)
        new_id = conn.execute(sa.insert(tables.accounts).values(
            name=name, platform=platform, account_type=account_type,
            author=(author or "").strip() or identity.user(), created_at=_now(),
        ).returning(tables.accounts.c.id)).scalar_one()
        return self._find_account(conn, int(new_id))

    def _all_accounts(self, conn: Connection) -> list[Account]:
        rows = conn.execute(sa.select(tables.accounts).order_by(tables.accounts.c.id))
        return [_account(row) for row in rows]

    def _account_named(self, conn: Connection, name: str) -> Account | None:
        row = conn.execute(sa.select(tables.accounts)
                           .where(tables.accounts.c.name == name.strip())).first()
        return None if row is None else _account(row)

    def _find_account(self, conn: Connection, ref: Account | int | str) -> Account | None:
        if isinstance(ref, Account):
            ref = ref.id
        if isinstance(ref, str):
            return self._account_named(conn, ref)
        row = conn.execute(sa.select(tables.accounts)
                           .where(tables.accounts.c.id == int(ref))).first()
        return None if row is None else _account(row)

    def _upload_query(self, conn: Connection, kind: str | None,
                      account: Account | int | str | None) -> sa.Select:
        up = tables.uploads.c
        query = sa.select(*(c for c in tables.uploads.c if c.name not in ("content", "frame"))
                          ).order_by(up.id)
        if kind is not None:
            query = query.where(up.kind == kind)
        if account is not None:
            found = self._find_account(conn, account)
            if found is None:
                raise _no_account(account, self._all_accounts(conn))
            query = query.where(up.account_id == found.id)
        return query

    def _upload(self, row: Any, conn: Connection,
                owners: dict[int, Account] | None = None) -> Upload:
        owners = owners if owners is not None else {
            a.id: a for a in self._all_accounts(conn)}
        return Upload(int(row.id), row.kind, owners[int(row.account_id)], row.file_name,
                      row.author, row.created_at, row.sha256, int(row.size), int(row.rows),
                      row.first_date, row.last_date, UploadReport.from_json(row.report),
                      row.removed_at, row.removed_by)


# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Parsed:
    """A file as read for keeping: the loader's result, its bytes and hash, and its rows with
    the merge keys."""

    data: bytes
    sha: str
    loaded: Any                 # io.Loaded
    keyed: pd.DataFrame

    @property
    def kind(self) -> str:
        return self.loaded.report.kind

    @classmethod
    def read(cls, data: bytes, file_name: str, kind: str | None, mapping: io.Mapping
             ) -> _Parsed:
        loaded = io.read(data, kind, name=file_name, mapping=mapping)
        kind = loaded.report.kind
        sha = hashlib.sha256(data).hexdigest()
        id_column = merge.GENERATED_ID.get(kind, ("", ""))[0]
        keyed = merge.keyed(kind, loaded.frame, has_id=id_column in loaded.report.columns,
                            salt=sha[:16])
        return cls(data, sha, loaded, keyed)


def _stored_mapping(row: Any) -> io.Mapping:
    return io.Mapping(json.loads(row.columns), json.loads(row.levels))


def _combined(*mappings: io.Mapping) -> io.Mapping:
    """The mappings one over the other (a later one's names win)."""
    columns: dict[str, dict[str, str]] = {}
    levels: dict[str, dict[str, str]] = {}
    for mapping in mappings:
        for kind, pairs in mapping.columns.items():
            columns.setdefault(kind, {}).update(pairs)
        for column, pairs in mapping.levels.items():
            levels.setdefault(column, {}).update(pairs)
    return io.Mapping(columns, levels)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _account(row: Any) -> Account:
    return Account(int(row.id), row.name, row.platform, row.account_type, row.author,
                   row.created_at)


def _received(src: Any, name: str | None, kind: str | None) -> tuple[str, bytes]:
    """The file's name and bytes, as they will be kept (a path past the upload limit is refused
    by the loader before it is read)."""
    opened = _open_source(src, name)
    if opened.data is not None:
        return opened.name, opened.data
    assert opened.path is not None
    if opened.path.stat().st_size > limits.MAX_UPLOAD_BYTES:
        io.read(opened.path, kind, name=opened.name)  # raises the loader's "too large" error
    return opened.name, Path(opened.path).read_bytes()


def _names(accounts: list[Account], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"“{a.name}”" if lang == "zh" else f"'{a.name}'" for a in accounts)


def _which_account(candidates: list[Account]) -> InputError:
    return InputError(
        f"This file could belong to {_names(candidates, 'en')}.",
        f"这个文件可能属于{_names(candidates, 'zh')}。",
        fix="choose the account it was exported from.", fix_zh="请选择导出它的账号。")


def _no_account(ref: Any, known: list[Account]) -> InputError:
    names = _names(known, "en") or "none yet"
    return InputError(f"There is no account {ref!r} in the workspace (accounts: {names}).",
                      f"工作区中没有账号 {ref!r}（现有账号：{_names(known, 'zh') or '暂无'}）。",
                      fix="choose one of the accounts, or add it first.",
                      fix_zh="请选择现有账号，或先添加该账号。")


def _name_taken(name: str) -> InputError:
    return InputError(f"There is already an account named '{name}'.",
                      f"已经有名为“{name}”的账号。",
                      fix="choose another name.", fix_zh="请换一个名称。")


def _no_upload(upload_id: Any) -> InputError:
    return InputError(f"There is no upload {upload_id} in the workspace.",
                      f"工作区中没有编号为 {upload_id} 的上传。",
                      fix="reload the Data page to see the uploads there are.",
                      fix_zh="请刷新“数据”页面，查看现有的上传。")
