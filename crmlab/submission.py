"""A student's hand-in file: identity, exercise results, the notebook and the homework files, in one zip.

``crmlab.student("张三")`` once, then ``crmlab.submit(lesson=1)`` writes
``作业_第1课_张三.zip`` containing

* ``submission.json`` - who, when, the stored checks of this student (:mod:`crmlab.records`)
  and the results the saved notebook shows (its check records, see
  :data:`crmlab.exercises.RECORD_MIME`);
* ``notebook/<name>.ipynb`` - the notebook as last saved;
* ``files/...`` - the lesson's exported homework files when they exist (lesson 3's
  segment plan .xlsx/.md, lesson 4's credit report).

:mod:`crmlab.grade` reads a folder of these files.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from crmlab._errors import CRMDataError

FORMAT = "crmlab-submission"
VERSION = 2
SUBMISSION_MEMBER = "submission.json"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_NAME = 40
MAX_NOTEBOOK_BYTES = 30_000_000  # a course notebook with figures is a few MB
MAX_HOMEWORK_BYTES = 20_000_000  # per exported homework file
MAX_HOMEWORK_FILES = 8

#: the files each lesson's homework exports (file-name patterns, looked up next to the notebook)
HOMEWORK_FILES: dict[str, tuple[str, ...]] = {
    "lesson3": ("我的细分方案*.xlsx", "我的细分方案*.md"),
    "lesson4": ("第4课_信用报告*.xlsx", "第4课_信用报告*.md"),
}


def safe_name(name: Any, what: str = "姓名") -> str:
    """``name`` cleaned for use in a file name (Chinese kept); Chinese error when empty or unusable."""
    if not isinstance(name, str) or not name.strip():
        raise CRMDataError(f"请填写{what}，例如 crmlab.student(\"张三\")。{what}不能为空。")
    text = unicodedata.normalize("NFC", name).strip()
    text = _UNSAFE.sub("", text)
    text = re.sub(r"\s+", "_", text).strip("._ ")
    if not text:
        raise CRMDataError(f"{what}「{name}」里只有标点或特殊符号，不能用作文件名：请只写汉字、字母或数字。")
    if len(text) > _MAX_NAME:
        raise CRMDataError(f"{what}太长了（{len(text)} 个字）：请不超过 {_MAX_NAME} 个字。")
    return text


def _vscode_notebook() -> str:
    try:
        from IPython import get_ipython
    except ImportError:
        return ""
    shell = get_ipython()
    return str(shell.user_ns.get("__vsc_ipynb_file__", "")) if shell is not None else ""


def detect_notebook() -> Path | None:
    """The notebook this kernel runs; ``None`` if unknown.

    JupyterLab / Notebook 7 put its path in the kernel's ``JPY_SESSION_NAME``
    (relative to the server's root; the kernel runs in the notebook's folder);
    VS Code defines ``__vsc_ipynb_file__``.
    """
    value = (os.environ.get("JPY_SESSION_NAME", "") or _vscode_notebook()).strip()
    if not value or not value.endswith(".ipynb"):
        return None
    given = Path(value)
    for candidate in (given, Path.cwd() / given, Path.cwd() / given.name):
        if candidate.is_file():
            return candidate.resolve()
    return None


# ---------------------------------------------------------------------------
# the results a notebook shows
# ---------------------------------------------------------------------------


def _valid_record(rec: Any) -> dict | None:
    """A check record from a cell output, or ``None`` if it is not one (never trusts types)."""
    if not isinstance(rec, dict) or rec.get("format") != "crmlab-check":
        return None
    lesson, question, event = rec.get("lesson"), rec.get("question"), rec.get("event")
    if not (isinstance(lesson, str) and re.fullmatch(r"lesson\d{1,2}", lesson)
            and isinstance(question, str) and re.fullmatch(r"q\d{1,3}", question)):
        return None
    if event == "check" and rec.get("result") in ("correct", "incorrect"):
        out = {"lesson": lesson, "question": question, "event": "check", "result": rec["result"]}
    elif event == "solution":
        out = {"lesson": lesson, "question": question, "event": "solution"}
    else:
        return None
    for key in ("student", "student_id"):
        if isinstance(rec.get(key), str):
            out[key] = rec[key][:100]
    return out


def notebook_records(notebook: Any) -> list[dict]:
    """The check / solution records shown in a notebook's outputs, in cell order.

    ``notebook`` is the parsed JSON (a dict); anything malformed is ignored, never raised.
    """
    from crmlab.exercises import RECORD_MIME

    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    out = []
    for cell in cells if isinstance(cells, list) else []:
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        for output in outputs if isinstance(outputs, list) else []:
            data = output.get("data") if isinstance(output, dict) else None
            rec = _valid_record(data.get(RECORD_MIME)) if isinstance(data, dict) else None
            if rec is not None:
                out.append(rec)
    return out


def summarise_records(records: list[dict], lessons: list[str]) -> dict:
    """``{lesson: {question: {"passed", "attempts", "solution"}}}`` from a notebook's records."""
    out: dict[str, dict] = {}
    for rec in records:
        if rec["lesson"] not in lessons:
            continue
        q = out.setdefault(rec["lesson"], {}).setdefault(rec["question"],
                                                        {"passed": False, "attempts": 0, "solution": False})
        if rec["event"] == "solution":
            q["solution"] = True
        else:
            q["attempts"] += 1
            q["passed"] = q["passed"] or rec["result"] == "correct"
    return out


def read_notebook(path: Path) -> dict:
    """A saved notebook's JSON; empty dict if it is too big or unreadable."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------
# the submission
# ---------------------------------------------------------------------------


def homework_files(lesson: str | None, folder: Path) -> list[Path]:
    """The lesson's exported homework files found in ``folder`` (newest first, bounded in number and size)."""
    patterns = [p for k, pats in HOMEWORK_FILES.items() if lesson in (None, k) for p in pats]
    found: dict[Path, float] = {}
    for pattern in patterns:
        for path in folder.glob(pattern):
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file() and 0 < st.st_size <= MAX_HOMEWORK_BYTES and not path.name.startswith("~$"):
                found[path] = st.st_mtime
    return sorted(found, key=lambda p: -found[p])[:MAX_HOMEWORK_FILES]


def _results(lessons: list[str], who) -> tuple[dict, dict]:
    from crmlab import records
    from crmlab.exercises.progress import lesson_questions

    checks = records.student_checks(records.load_store(), who)
    catalogue = lesson_questions()
    results = {k: checks.get(k, {}) if isinstance(checks.get(k), dict) else {} for k in lessons}
    questions = {k: [q for q, _name in catalogue.get(k, [])] for k in lessons}
    return results, questions


def build_submission(who, lesson: str | None, *, notebook: Path | None = None,
                     files: list[Path] | None = None) -> dict:
    """The JSON content of a hand-in file for the identity ``who`` (a :class:`crmlab.records.Student`)."""
    import crmlab
    from crmlab.labels import LESSON_TITLES

    lessons = [lesson] if lesson else list(LESSON_TITLES)
    results, questions = _results(lessons, who)
    shown = summarise_records(notebook_records(read_notebook(notebook)), lessons) if notebook else {}
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": who.name,
        "class_name": who.class_name,
        "student_id": who.student_id,
        "lesson": lesson,
        "lessons": lessons,
        "submitted_at": datetime.now().astimezone().isoformat(),
        "crmlab_version": crmlab.__version__,
        "results": results,
        "notebook_results": shown,
        "questions": questions,
        "notebook": notebook.name if notebook else None,
        "files": [f"files/{p.name}" for p in files or []],
    }


def _passed(data: dict) -> set[tuple[str, str]]:
    out = {(lesson, q) for lesson, recs in data["results"].items() for q, r in recs.items()
           if isinstance(r, dict) and r.get("passed")}
    return out | {(lesson, q) for lesson, recs in data.get("notebook_results", {}).items()
                  for q, r in recs.items() if r.get("passed")}


@dataclass
class SubmitResult:
    """What :func:`submit` returns: the written file and a Chinese message; usable as a path."""

    path: Path
    notebook: Path | None
    data: dict = field(repr=False)
    unsaved: bool = False

    def __fspath__(self) -> str:
        return str(self.path)

    @property
    def message(self) -> str:
        n_total = sum(len(q) for q in self.data["questions"].values())
        lines = [f"已生成作业文件：{self.path}",
                 f"姓名：{self.data['name']}；练习已通过 {len(_passed(self.data))} / {n_total} 题。"]
        if self.notebook is not None:
            lines.append(f"附带的笔记本：{self.notebook.name}（是最后一次保存的版本）。")
            if self.unsaved:
                lines.append("注意：你在最后一次保存之后又运行过检查。请按 Ctrl+S 保存，再提交一次。")
        else:
            lines.append("没有附带笔记本：只交了练习结果。要附上笔记本，请先保存（Ctrl+S），"
                         "再写 submit(lesson=课次, notebook=\"笔记本文件名.ipynb\")。")
        if self.data.get("files"):
            lines.append("附带的作业文件：" + "、".join(f.split("/", 1)[1] for f in self.data["files"]))
        lines.append("请把这个文件按老师的要求交上去（例如上传到课程平台或拷贝到老师的文件夹）。")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        body = "<br>".join(html.escape(line) for line in self.message.splitlines())
        color = "#b3261e" if self.unsaved else "#1b7f3b"
        return f"<div style='border-left:4px solid {color};padding:4px 10px'>{body}</div>"


def _target(folder: Any, name: str, lesson: str | None) -> Path:
    from crmlab import records

    where = Path(folder).expanduser()
    if not where.is_dir():
        raise CRMDataError(f"找不到文件夹「{folder}」：请先建好这个文件夹，或者不写 folder，直接保存在当前文件夹。")
    label = records.lesson_title(lesson).split()[0] if lesson else "全部课次"
    return where / f"作业_{label}_{name}.zip"


def _write_zip(path: Path, data: dict, notebook: Path | None, files: list[Path]) -> None:
    tmp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(SUBMISSION_MEMBER, json.dumps(data, ensure_ascii=False, indent=1))
            if notebook is not None:
                zf.write(notebook, arcname=f"notebook/{notebook.name}")
            for extra in files:
                zf.write(extra, arcname=f"files/{extra.name}")
        os.replace(tmp, path)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise CRMDataError(f"无法写入「{path}」：文件可能正被其他程序打开，或者这个文件夹不允许写入。"
                           "请关闭该文件，或用 folder=\"其他文件夹\" 换个位置。") from None


def _identity(name: Any, class_name: Any, student_id: Any):
    """The identity to hand in under: the given name (registered now) or this kernel's identity."""
    from crmlab import records

    who = records.current_student()
    if name is None:
        if who is None:
            raise CRMDataError("还没有登记你是谁：请先在笔记本开头的表单里填写姓名并点「确定」，"
                               "或者运行 crmlab.student(\"你的姓名\")，然后再提交。")
        if class_name or student_id:
            who = records.student(who.name, student_id or who.student_id, class_name or who.class_name)
        return who
    safe_name(name)
    same = who is not None and who.name == " ".join(unicodedata.normalize("NFC", name).split())
    sid = student_id or (who.student_id if same else "")
    cls = class_name or (who.class_name if same else "")
    return records.student(name, sid, cls)


def _unsaved(notebook: Path | None) -> bool:
    """The notebook file is older than this kernel's last check: the latest results are not saved yet."""
    from crmlab import records

    last = records.last_event()
    if notebook is None or last is None:
        return False
    try:
        return notebook.stat().st_mtime + 1 < last <= time.time()
    except OSError:
        return False


def submit(name: Any = None, lesson: Any = None, notebook: Any = None, folder: Any = ".", *,
           class_name: str = "", student_id: str = "") -> SubmitResult:
    """Write one hand-in file ``作业_<课次>_<姓名>.zip`` in ``folder`` and return where it is.

    ``name``: by default the identity set by :func:`crmlab.student` (refused in Chinese when
    there is none); a given name is registered as this kernel's identity.
    ``lesson``: 1-4 (only that lesson's results and homework files) or ``None`` (all lessons).
    ``notebook``: path of the notebook to include; by default the notebook this kernel
    runs (JupyterLab); save it first, the file holds its last saved version.
    """
    from crmlab import records

    key = records.lesson_key(lesson) if lesson is not None else None
    nb = detect_notebook() if notebook is None else Path(notebook).expanduser()
    if nb is not None and not nb.is_file():
        raise CRMDataError(f"找不到笔记本文件「{notebook}」：请检查文件名（含 .ipynb），并先保存笔记本。")
    who = _identity(name, class_name, student_id)
    path = _target(folder, safe_name(who.name), key)
    files = homework_files(key, nb.parent if nb is not None else Path.cwd())
    data = build_submission(who, key, notebook=nb, files=files)
    _write_zip(path, data, nb, files)
    return SubmitResult(path.resolve(), nb, data, unsaved=_unsaved(nb))
