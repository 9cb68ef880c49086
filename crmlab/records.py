"""The progress store: who works in this kernel and the checks they made, kept on this computer.

Every ``q.check(answer)`` of a lesson question calls :func:`record_check`, which
updates a small JSON file ``progress.json`` in :func:`data_dir` (never in the
repository); hints and looked-at solutions are recorded the same way.  The
learner's view of the records (``crmlab.progress()``) is
:mod:`crmlab.exercises.progress`; the hand-in file is :mod:`crmlab.submission`.

This module is the bottom of the classroom tools: it imports nothing from the
exercises, charts or widgets, so every one of them can record without a cycle.

Recording is best effort: a read-only or missing directory, a locked or broken
file never makes a check fail (:func:`record_check` returns ``False`` instead).
Concurrent kernels are serialised by a lock file; the JSON file is replaced
atomically (temporary file + :func:`os.replace`), so it is never half written.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.labels import LESSON_TITLES

STORE_NAME = "progress.json"
_LOCK_NAME = "progress.json.lock"
_LOCK_WAIT = 2.0  # seconds to wait for another kernel's lock
_LOCK_STALE = 10.0  # a lock file older than this is left over from a crashed kernel



# ---------------------------------------------------------------------------
# where the store lives
# ---------------------------------------------------------------------------


def data_dir() -> Path:
    """The folder for crmlab's per-user data.

    ``CRMLAB_HOME`` if set; otherwise ``%APPDATA%\\crmlab`` on Windows,
    ``~/Library/Application Support/crmlab`` on macOS and
    ``$XDG_DATA_HOME/crmlab`` (default ``~/.local/share/crmlab``) elsewhere.
    """
    override = os.environ.get("CRMLAB_HOME")
    if override:
        return Path(override).expanduser().resolve()
    if sys.platform.startswith("win"):
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "crmlab"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "crmlab"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "crmlab"


def store_path() -> Path:
    """Path of the progress file (it may not exist yet)."""
    return data_dir() / STORE_NAME


def lesson_key(lesson: Any) -> str:
    """``1``, ``"1"``, ``"lesson1"``, ``"第1课"`` -> ``"lesson1"``; anything else: Chinese error."""
    text = str(lesson).strip()
    match = re.fullmatch(r"(?:lesson|第)?\s*(\d+)\s*课?", text, flags=re.IGNORECASE)
    if isinstance(lesson, bool) or not match:
        raise CRMDataError(f"不认识的课次「{lesson}」：请写 1、2、3 或 4（例如 lesson=1）。")
    key = f"lesson{int(match.group(1))}"
    if key not in LESSON_TITLES:
        raise CRMDataError(f"没有第{int(match.group(1))}课的练习：课次只能是 1 到 {len(LESSON_TITLES)}。")
    return key


def lesson_title(key: str) -> str:
    return LESSON_TITLES.get(key, key)


# ---------------------------------------------------------------------------
# reading and writing the store
# ---------------------------------------------------------------------------


def _empty() -> dict:
    return {"version": 2, "checks": {}, "students": {}}


# ---------------------------------------------------------------------------
# who works in this kernel
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Student:
    """The identity set by :func:`student` for this kernel (never stored as "the computer's user")."""

    name: str
    student_id: str = ""
    class_name: str = ""

    @property
    def key(self) -> str:
        """The store key: name and student number (two 张三 with different numbers stay apart)."""
        return f"{self.name}|{self.student_id}"

    def describe(self) -> str:
        extra = "，".join(x for x in (f"学号 {self.student_id}" if self.student_id else "",
                                       f"班级 {self.class_name}" if self.class_name else "") if x)
        return f"{self.name}（{extra}）" if extra else self.name

    def __repr__(self) -> str:
        return (f"已登记：{self.describe()}。从现在起，这个笔记本（内核）里做的练习都记在你的名下；"
                "重启内核后请再登记一次。")

    def _repr_html_(self) -> str:
        return f"<div style='border-left:4px solid #1b7f3b;padding:4px 10px'>{html.escape(repr(self))}</div>"


_STUDENT: Student | None = None
#: checks made in this kernel before anyone was registered: handed to the first identity set
_ANONYMOUS_EVENTS: list[tuple[str, str, Any]] = []
_LAST_EVENT: float | None = None  # time.time() of this kernel's last recorded check / solution


def _clean_field(value: Any, what: str, *, required: bool = False, limit: int = 40) -> str:
    if value is None or (isinstance(value, float) and value != value):
        value = ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 学号 typed as a number
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise CRMDataError(f"{what}要写成文字，例如 \"张三\"。")
    text = " ".join(unicodedata.normalize("NFC", str(value)).replace("|", " ").split())
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    if required and not text:
        raise CRMDataError(f"请写上{what}，例如 crmlab.student(\"张三\")。")
    if len(text) > limit:
        raise CRMDataError(f"{what}太长了（{len(text)} 个字）：请不超过 {limit} 个字。")
    return text


def student(name: Any = None, student_id: Any = "", class_name: Any = "") -> Student | None:
    """Say who works in this kernel: checks are recorded under this name from now on.

    ``crmlab.student("张三", student_id="20250101", class_name="市场营销1班")``.
    Without arguments: the current identity (``None`` if nobody is registered).
    Checks made earlier in this kernel without a name are moved to the new identity.
    """
    global _STUDENT
    if name is None and not student_id and not class_name:
        return _STUDENT
    who = Student(_clean_field(name, "姓名", required=True), _clean_field(student_id, "学号"),
                  _clean_field(class_name, "班级"))
    _STUDENT = who
    pending, _ANONYMOUS_EVENTS[:] = list(_ANONYMOUS_EVENTS), []
    for lesson, question, change in pending:
        _update(lesson, question, change)
    return who


def current_student() -> Student | None:
    """The identity of this kernel, ``None`` when nobody is registered."""
    return _STUDENT


def forget_student() -> None:
    """Clear this kernel's identity (the next checks are recorded without a name)."""
    global _STUDENT
    _STUDENT = None
    _ANONYMOUS_EVENTS.clear()


def student_checks(store: dict, who: Student | None = None) -> dict:
    """``{lesson: {question: record}}`` of ``who`` (default: this kernel's identity; none: unnamed checks)."""
    who = _STUDENT if who is None else who
    if who is None:
        checks = store.get("checks")
    else:
        entry = (store.get("students") or {}).get(who.key)
        checks = entry.get("checks") if isinstance(entry, dict) else None
    return checks if isinstance(checks, dict) else {}


def load_store(path: Path | None = None) -> dict:
    """The stored checks ``{"checks": {lesson: {question: record}}}``; empty if missing or broken."""
    path = store_path() if path is None else Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _empty()
    return _normalised(data)


def _normalised(data: Any) -> dict:
    """A store dict of the current format (version 1 files have no ``students``); empty if unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("checks"), dict):
        return _empty()
    if not isinstance(data.get("students"), dict):
        data["students"] = {}
    data["version"] = 2
    return data


def _read_for_update(path: Path) -> dict:
    """The store before a change: empty if missing; a broken file is kept aside as ``progress.broken.json``.

    Any other read error (e.g. the file briefly locked by a reader on Windows) raises
    :class:`OSError`, so an update never replaces good progress by an empty store.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("checks"), dict):
        os.replace(path, path.with_name("progress.broken.json"))
        return _empty()
    return _normalised(data)


def _replace(tmp: str, path: Path) -> None:
    for attempt in range(5):  # Windows: a reader holding the file open blocks the replace for a moment
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if attempt == 4:
                raise
            time.sleep(0.05)


def _write_atomic(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(folder: Path):
    """Hold ``progress.json.lock`` (created exclusively) while updating the store."""
    lock = folder / _LOCK_NAME
    deadline = time.monotonic() + _LOCK_WAIT
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > _LOCK_STALE:
                    os.unlink(lock)
                    continue
            if time.monotonic() > deadline:
                raise TimeoutError(str(lock)) from None
            time.sleep(0.02)
    try:
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _update_record(old: Any, passed: bool, now: str) -> dict:
    rec = dict(old) if isinstance(old, dict) else {}
    rec["attempts"] = int(rec.get("attempts", 0)) + 1
    rec["passed"] = bool(rec.get("passed")) or bool(passed)
    rec["last_result"] = "correct" if passed else "incorrect"
    rec["last_time"] = now
    if passed and not rec.get("first_passed"):
        rec["first_passed"] = now
        rec["attempts_to_pass"] = rec["attempts"]
    return rec


def _bucket(data: dict, who: Student | None) -> dict:
    """The ``checks`` dict of ``who`` inside the store (created when missing)."""
    if who is None:
        return data["checks"]
    entry = data["students"].get(who.key)
    if not isinstance(entry, dict) or not isinstance(entry.get("checks"), dict):
        entry = data["students"][who.key] = {"checks": {}}
    entry.update(name=who.name, student_id=who.student_id, class_name=who.class_name or entry.get("class_name", ""))
    return entry["checks"]


def _update(lesson: str, question: str, change) -> bool:
    """Apply ``change(old_record, now) -> new_record`` to one question's record of this kernel's student.

    Without an identity the change goes to the unnamed checks and is kept for the first
    :func:`student` call of this kernel.  ``False`` if it could not be saved.
    """
    global _LAST_EVENT
    who = _STUDENT
    if who is None and len(_ANONYMOUS_EVENTS) < 5000:
        _ANONYMOUS_EVENTS.append((str(lesson), str(question), change))
    _LAST_EVENT = time.time()
    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            path = folder / STORE_NAME
            data = _read_for_update(path)
            lesson_checks = _bucket(data, who).setdefault(str(lesson), {})
            lesson_checks[str(question)] = change(lesson_checks.get(str(question)), _now())
            _write_atomic(path, data)
    except (OSError, TimeoutError, ValueError, TypeError):
        return False
    return True


def record_check(lesson: str, question: str, passed: bool) -> bool:
    """Add one attempt at ``lesson``/``question`` to the store; ``False`` if it could not be saved.

    Never raises: progress recording must not break an exercise check.
    """
    return _update(lesson, question, lambda old, now: _update_record(old, passed, now))


def _solution_record(old: Any, now: str) -> dict:
    rec = dict(old) if isinstance(old, dict) else {}
    rec["solution_views"] = int(rec.get("solution_views", 0)) + 1
    if not rec.get("solution_seen"):
        rec["solution_seen"] = now
        rec["solution_before_pass"] = not rec.get("passed")
    return rec


def record_solution(lesson: str, question: str) -> bool:
    """Note that the learner looked at the reference solution (and whether before passing)."""
    return _update(lesson, question, _solution_record)


def record_hint(lesson: str, question: str) -> bool:
    """Count one hint the learner asked for."""
    def change(old: Any, _now: str) -> dict:
        rec = dict(old) if isinstance(old, dict) else {}
        rec["hints"] = int(rec.get("hints", 0)) + 1
        return rec

    return _update(lesson, question, change)


def reset_progress(lesson: Any = None) -> None:
    """Forget the stored checks of this kernel's student (of one lesson, or all)."""
    folder = data_dir()
    path = folder / STORE_NAME
    if not path.exists():
        return
    with _locked(folder):
        data = _read_for_update(path)
        checks = _bucket(data, _STUDENT)
        if lesson is None:
            checks.clear()
        else:
            checks.pop(lesson_key(lesson), None)
        _write_atomic(path, data)


def last_event() -> float | None:
    """``time.time()`` of this kernel's last recorded check, hint or solution (``None``: none yet)."""
    return _LAST_EVENT
