"""The workspace's tables, in the same database as the scenarios.

``workspace_accounts``: the team's accounts (platform, account type, a name the team knows it
by). ``workspace_uploads``: one row per upload, only ever inserted: the file as received
(``content``), the canonical frame read from it (``frame``, as
:mod:`workbench.workspace.frames` stores it, with each row's merge key), who added it and when,
its content hash and the loader's report. Removing an upload sets
``removed_at``; restoring clears it; nothing is deleted. ``workspace_histories``: each
account and kind's merged history as of its uploads (``upload_ids``), written with every add,
removal and restore so that a new kernel reads one stored frame, not a hundred weekly ones; it
is derived from the uploads and rebuilt from them whenever it does not match.

:class:`workbench.workspace.Workspace` creates the missing tables on first use, as the store
does (:meth:`workbench.store.engine.Database._ensure_schema`).
"""

from __future__ import annotations

import sqlalchemy as sa

from ..store.tables import MAX_NAME_LENGTH, _UTCDateTime

metadata = sa.MetaData()

accounts = sa.Table(
    "workspace_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(MAX_NAME_LENGTH), nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("account_type", sa.String(32), nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.UniqueConstraint("name", name="uq_workspace_accounts_name"),
)
"""The team's accounts: 公众号 "品牌主号", 服务号 "会员中心", a Weibo…"""

uploads = sa.Table(
    "workspace_uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("workspace_accounts.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("first_date", sa.String(10)),
    sa.Column("last_date", sa.String(10)),
    sa.Column("report", sa.Text, nullable=False),
    sa.Column("format_version", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("frame", sa.LargeBinary, nullable=False),
    sa.Column("removed_at", _UTCDateTime),
    sa.Column("removed_by", sa.Text),
    sa.Index("ix_workspace_uploads_account_kind", "account_id", "kind"),
    # an id is never given twice, even after a rolled-back add: a kernel's cached frames are
    # keyed by the uploads' ids
    sqlite_autoincrement=True,
)
"""Every upload as received, with its canonical frame. Rows are only ever inserted; removing
one sets ``removed_at``."""

histories = sa.Table(
    "workspace_histories",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("workspace_accounts.id"), primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("upload_ids", sa.Text, nullable=False),
    sa.Column("format_version", sa.Integer, nullable=False),
    sa.Column("frame", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", _UTCDateTime, nullable=False),
)
"""Each account and kind's merged history (with its merge keys), as of ``upload_ids``
(comma-separated, oldest first): derived, rebuilt from the uploads when it does not match."""

tag_rule_sets = sa.Table(
    "workspace_tag_rule_sets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sqlite_autoincrement=True,
)
"""Each save of the team's tagging rules: the newest set applies (an empty one: no rules)."""

tag_rules = sa.Table(
    "workspace_tag_rules",
    metadata,
    sa.Column("set_id", sa.Integer, sa.ForeignKey("workspace_tag_rule_sets.id"),
              primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("pattern", sa.Text, nullable=False),
    sa.Column("regex", sa.Boolean, nullable=False),
    sa.Column("content_type", sa.String(32), nullable=False),
)
"""The rules of each set, in the order they apply; rows are only ever inserted."""

tag_corrections = sa.Table(
    "workspace_tag_corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article", sa.Text, nullable=False),
    sa.Column("content_type", sa.String(32), nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Index("ix_workspace_tag_corrections_article", "article"),
)
"""A post's content type chosen by hand (``article``: :func:`.tags.article_key`); the newest
for a post wins; rows are only ever inserted."""

mappings = sa.Table(
    "workspace_mappings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("workspace_accounts.id")),
    sa.Column("columns", sa.Text, nullable=False),
    sa.Column("levels", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
)
"""The team's own header and level names (:class:`workbench.io.Mapping`), per account (or for
every account: ``account_id`` empty); each save a new row, the newest applies."""
