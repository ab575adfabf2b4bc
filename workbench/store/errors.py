"""Why the scenario store cannot be used, said in English and Chinese.

:class:`StoreError` carries both texts (``str(err)`` English, ``err.message("zh")`` Chinese);
the helpers here write the messages for a database that is locked (:func:`_locked_error`),
damaged (:func:`_corrupt_message`) or read-only (:func:`_read_only_error`). Turning a driver's
error into one of them is :meth:`workbench.store.engine.Database._store_error`. :class:`NotFound`
says that a scenario (or a version of it) does not exist, and what does.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Bilingual

__all__ = ["NameTaken", "NotFound", "StoreError"]


class StoreError(Bilingual, RuntimeError):
    """The scenario store cannot be used (unreadable file, unreachable server, ...).

    The message names the database and says what to do about it; ``str(err)`` is the English
    text, ``err.message("zh")`` the Chinese one (``err.en``, ``err.zh``).
    """

    def __init__(self, en: str, zh: str) -> None:
        self.en, self.zh = en, zh
        super().__init__(en)


class NotFound(KeyError):
    """No scenario with this kind, name (and version) exists.

    A :class:`KeyError` subclass, so ``except KeyError`` works too; ``str()`` gives the plain
    message (KeyError would otherwise show it in quotes).
    """

    def __init__(self, message: str, *, kind: str, name: str | None = None,
                 version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.name = name
        self.version = version

    def __str__(self) -> str:
        return self.message


class NameTaken(Bilingual, ValueError):
    """A scenario cannot take a name another scenario of its kind has (a rename onto it).

    ``str(err)`` is the English text, ``err.message("zh")`` the Chinese one; ``kind`` and
    ``name`` say which name is taken.
    """

    def __init__(self, en: str, zh: str, *, kind: str, name: str) -> None:
        self.en, self.zh = en, zh
        self.kind, self.name = kind, name
        super().__init__(en)


def _names_text(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = len(names) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _read_only_error(path: Path) -> StoreError:
    """SQLite could not write: say whether the file or its folder is read-only (SQLite writes
    its journal files beside the database, so a read-only folder stops saves too)."""
    kept = ("Nothing was written, and every saved version is still there.",
            "数据库中没有写入任何内容，已保存的版本都还在。")
    if path.exists() and not os.access(path, os.W_OK):
        return StoreError(
            f"the scenario database file {path} is read-only. {kept[0]} (They can still be "
            "opened.) Make the file writable "
            "for your user (its permissions, or a share mounted read-only), or point "
            "WORKBENCH_DB at a copy you can write.",
            f"方案数据库文件 {path} 是只读的。{kept[1]}（仍可打开。）"
            "请让当前用户可以写入该文件（检查文件权限，或是否以只读方式挂载的共享目录），"
            "或把 WORKBENCH_DB 指向一个可写的副本。")
    if not os.access(path.parent, os.W_OK):
        return StoreError(
            f"the folder {path.parent} that holds the scenario database is read-only: SQLite "
            f"writes its journal files beside the database. {kept[0]} Make the folder writable "
            "for your user, or point WORKBENCH_DB at a file in a folder you can write.",
            f"存放方案数据库的文件夹 {path.parent} 是只读的：SQLite 需要在数据库旁边写入日志文件。"
            f"{kept[1]}请让当前用户可以写入该文件夹，或把 WORKBENCH_DB 指向可写文件夹中的文件。")
    return StoreError(
        f"the scenario database {path} was opened read-only (a read-only disk or mount). "
        f"{kept[0]} Point WORKBENCH_DB at a file on a disk you can write.",
        f"方案数据库 {path} 以只读方式打开（只读磁盘或挂载）。{kept[1]}"
        "请把 WORKBENCH_DB 指向可写磁盘上的文件。")


def _corrupt_message(path: Path) -> tuple[str, str]:
    return (
        f"{path} is not a readable SQLite database (it is damaged, or a different kind of "
        "file). The workbench has not changed it. Move or rename the file (keep it: it may hold "
        "saved scenarios that can be recovered), or set WORKBENCH_DB to another file, then try "
        "again.",
        f"{path} 不是可读取的 SQLite 数据库（文件已损坏，或是其他类型的文件）。工作台没有改动它。"
        "请移走或重命名这个文件（请保留它：其中可能有可以恢复的已保存方案），或把 WORKBENCH_DB "
        "设为另一个文件，然后重试。",
    )


def _is_sqlite_lock_error(text: str) -> bool:
    """Whether a SQLite error says another connection held a lock past the busy timeout."""
    text = text.lower()
    return "database is locked" in text or "database table is locked" in text or (
        "database is busy" in text)


def _locked_error(where: str, seconds: float, advice: str, advice_zh: str) -> StoreError:
    """Another program held the database's lock (SQLite's busy timeout, PostgreSQL's
    ``lock_timeout``) for ``seconds``: what happened, what it means, then ``advice``."""
    return StoreError(
        f"the scenario database {where} is locked: another program (or another workbench "
        f"process) kept it busy for more than {seconds:g} seconds, so this request was given "
        f"up. Nothing was written to the database, and every saved version is still there. "
        f"{advice}",
        f"方案数据库 {where} 被锁定：另一个程序（或另一个工作台进程）占用它超过 {seconds:g} 秒，"
        f"本次请求已放弃。数据库中没有写入任何内容，所有已保存的版本都还在。{advice_zh}",
    )


#: PostgreSQL's SQLSTATE for a lock wait that ran past ``lock_timeout``
_PG_LOCK_NOT_AVAILABLE = "55P03"
