"""Backup and restore of an InfoBase file: identity checks, schema checks, copies that cannot hang.

Rules (what a careful school IT administrator expects):

* a backup never goes onto the base itself -- decided by *file identity*
  (device + inode, as :func:`os.path.samefile`), so relative paths, ``..``, symbolic
  and hard links to the base are all caught;
* an existing file is overwritten only with ``overwrite=True``, and never when it is
  not an SQLite file (a spreadsheet, a notebook) or is a folder;
* the copy is written to a temporary file beside the target and moved into place only
  after its integrity check passed, so a failed backup never leaves half a file;
* a restore takes only a file whose schema (tables, indexes, triggers) is exactly the
  base's, so a backup whose protective triggers were dropped is refused;
* every copy gives up with a Chinese message when the file stays locked by another
  program for longer than the time-out -- it never waits for ever, and the base's
  lock is released on every path.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path

from crmlab._errors import CRMDataError

_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


class _GaveUp(Exception):
    """Raised from the backup progress callback to abort a copy that stays locked."""


def file_id(path: str | os.PathLike) -> tuple[int, int] | None:
    """(device, inode) of an existing file (links followed), None when there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def is_sqlite_file(path: Path) -> bool:
    """Does the file start with SQLite's header?  (An empty file counts as one: nothing to lose.)"""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except OSError:
        return False
    return head == b"" or head == _SQLITE_HEADER


def copy_database(src: sqlite3.Connection, dest: sqlite3.Connection, timeout: float, what: str) -> None:
    """SQLite online backup ``src`` -> ``dest``; gives up after ``timeout`` seconds of locks."""
    last_step = [time.monotonic()]  # time of the last step that copied pages

    def progress(status: int, remaining: int, total: int) -> None:
        now = time.monotonic()
        if status not in _BUSY_CODES:
            last_step[0] = now
        elif now - last_step[0] > timeout:
            raise _GaveUp

    try:
        src.backup(dest, pages=256, progress=progress, sleep=0.05)
    except _GaveUp:
        raise CRMDataError(
            f"{what}失败：文件被另一个程序锁住，等了 {timeout:g} 秒仍未释放，没有做任何修改。"
            "请关闭其他打开这个信息库的笔记本后再试。"
        ) from None
    except sqlite3.Error as exc:
        raise CRMDataError(f"{what}失败（{exc}），没有做任何修改。") from exc


def integrity(conn: sqlite3.Connection) -> str:
    return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())


def schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """{(type, name): normalised SQL} of every table, index, trigger and view."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger', 'view')")
    return {(t, n): re.sub(r"\s+", " ", sql or "").strip() for t, n, sql in rows}


_KIND = {"table": "表", "index": "索引", "trigger": "触发器", "view": "视图"}


def schema_difference(expected: dict, got: dict) -> str:
    """Chinese description of how ``got`` differs from ``expected`` ('' when identical)."""
    parts = []
    for label, keys in (("缺少", sorted(expected.keys() - got.keys())), ("多出", sorted(got.keys() - expected.keys())),
                        ("定义不同", sorted(k for k in expected.keys() & got.keys() if expected[k] != got[k]))):
        if keys:
            shown = "、".join(f"{_KIND.get(t, t)} {n}" for t, n in keys[:5])
            parts.append(f"{label}：{shown}{' 等' if len(keys) > 5 else ''}")
    return "；".join(parts)


def check_backup_target(target: Path, base_id: tuple[int, int] | None, overwrite: bool) -> None:
    """Refuse the base itself, folders, existing files (unless ``overwrite``) and non-database files."""
    if target.is_dir():
        raise CRMDataError(f"「{target.name}」是一个文件夹。请给出备份文件的名字，例如 文件夹/备份.db。")
    if not target.parent.is_dir():
        raise CRMDataError(f"备份位置的文件夹「{target.parent}」不存在。请先建好文件夹，或换一个位置。")
    tid = file_id(target)
    if tid is not None and base_id is not None and tid == base_id:
        raise CRMDataError("备份文件不能是信息库本身（这个路径指向的正是正在使用的信息库文件）。请换一个文件名。")
    if tid is None:
        return
    if not is_sqlite_file(target):
        raise CRMDataError(
            f"「{target.name}」已经存在，而且不是信息库文件（可能是表格或笔记本），不会覆盖它。请换一个文件名。"
        )
    if not overwrite:
        raise CRMDataError(
            f"备份文件「{target.name}」已经存在，没有覆盖。要用新备份替换它，请写 backup(路径, overwrite=True)；"
            "或者换一个文件名（例如加上日期）。"
        )


def write_backup(src: sqlite3.Connection, target: Path, timeout: float) -> None:
    """Copy ``src`` into a temporary file beside ``target``, verify it, then move it into place."""
    fd, tmp = tempfile.mkstemp(prefix=".备份中-", suffix=".db", dir=target.parent)
    os.close(fd)
    try:
        dest = sqlite3.connect(tmp, timeout=timeout)
        try:
            copy_database(src, dest, timeout, "备份")
            check = integrity(dest)
        finally:
            dest.close()
        if check != "ok":
            raise CRMDataError(f"备份文件 {target.name} 完整性检查未通过：{check}。请换一个位置重新备份。")
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise CRMDataError(
                f"无法写入备份文件「{target.name}」（{type(exc).__name__}）：它可能正被其他程序打开，或没有写入权限。"
            ) from exc
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def open_backup(path: Path, base_id: tuple[int, int] | None) -> sqlite3.Connection:
    """A read-only connection to a backup file, after the checks a restore needs before reading it."""
    if not path.exists():
        raise CRMDataError(f"找不到备份文件「{path.name}」。请检查文件名和文件夹。")
    if path.is_dir():
        raise CRMDataError(f"「{path.name}」是一个文件夹，不是备份文件。请选择用 backup() 生成的 .db 文件。")
    if base_id is not None and file_id(path) == base_id:
        raise CRMDataError("不能用信息库本身作为备份来恢复。请选择用 backup() 生成的备份文件。")
    if path.stat().st_size == 0:
        raise CRMDataError(f"「{path.name}」是空文件，不是本信息库的备份，没有做任何恢复。")
    if not is_sqlite_file(path):
        raise CRMDataError(f"备份文件「{path.name}」已损坏或不是信息库文件，没有做任何恢复。")
    # a file: URI built by pathlib, so '#', '?' or '%' in folder names cannot cut the path short
    try:
        return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise CRMDataError(f"无法打开备份文件「{path.name}」（{exc}），没有做任何恢复。") from exc


__all__ = [
    "check_backup_target",
    "copy_database",
    "file_id",
    "integrity",
    "is_sqlite_file",
    "open_backup",
    "schema_difference",
    "schema_of",
    "write_backup",
]
