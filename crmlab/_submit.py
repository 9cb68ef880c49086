"""A student's hand-in file: name, exercise results and (when found) the notebook, in one zip.

``crmlab.submit("张三", lesson=1)`` writes ``作业_第1课_张三.zip`` containing
``submission.json`` (who, when, the stored checks of :mod:`crmlab._progress`) and
the notebook file.  :mod:`crmlab.grade` reads a folder of these files.
"""

from __future__ import annotations

import html
import json
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from crmlab._errors import CRMDataError

FORMAT = "crmlab-submission"
VERSION = 1
SUBMISSION_MEMBER = "submission.json"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_NAME = 40


def safe_name(name: Any, what: str = "姓名") -> str:
    """``name`` cleaned for use in a file name (Chinese kept); Chinese error when empty or unusable."""
    if not isinstance(name, str) or not name.strip():
        raise CRMDataError(f"请填写{what}，例如 submit(\"张三\")。{what}不能为空。")
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


def _results(lessons: list[str]) -> tuple[dict, dict]:
    from crmlab import _progress

    store = _progress.load_store()
    catalogue = _progress.lesson_questions()
    results = {k: store["checks"].get(k, {}) for k in lessons}
    questions = {k: [q for q, _name in catalogue.get(k, [])] for k in lessons}
    return results, questions


def build_submission(name: str, lesson: str | None, *, class_name: str = "", student_id: str = "",
                     notebook: Path | None = None) -> dict:
    """The JSON content of a hand-in file."""
    import crmlab
    from crmlab import _progress

    lessons = [lesson] if lesson else list(_progress.LESSON_TITLES)
    results, questions = _results(lessons)
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "class_name": class_name,
        "student_id": student_id,
        "lesson": lesson,
        "lessons": lessons,
        "submitted_at": datetime.now().astimezone().isoformat(),
        "crmlab_version": crmlab.__version__,
        "results": results,
        "questions": questions,
        "notebook": notebook.name if notebook else None,
    }


@dataclass
class SubmitResult:
    """What :func:`submit` returns: the written file and a Chinese message; usable as a path."""

    path: Path
    notebook: Path | None
    data: dict = field(repr=False)

    def __fspath__(self) -> str:
        return str(self.path)

    @property
    def message(self) -> str:
        n_passed = sum(bool(r.get("passed")) for lesson in self.data["results"].values()
                       for r in lesson.values() if isinstance(r, dict))
        n_total = sum(len(q) for q in self.data["questions"].values())
        lines = [f"已生成作业文件：{self.path}", f"其中练习已通过 {n_passed} / {n_total} 题。"]
        if self.notebook is not None:
            lines.append(f"附带的笔记本：{self.notebook.name}（是最后一次保存的版本：提交前请先按 Ctrl+S 保存）。")
        else:
            lines.append("没有附带笔记本：只交了练习结果。要附上笔记本，请先保存（Ctrl+S），"
                         "再写 submit(\"姓名\", notebook=\"笔记本文件名.ipynb\")。")
        lines.append("请把这个文件按老师的要求交上去（例如上传到课程平台或拷贝到老师的文件夹）。")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        body = "<br>".join(html.escape(line) for line in self.message.splitlines())
        return f"<div style='border-left:4px solid #1b7f3b;padding:4px 10px'>{body}</div>"


def _target(folder: Any, name: str, lesson: str | None) -> Path:
    from crmlab import _progress

    where = Path(folder).expanduser()
    if not where.is_dir():
        raise CRMDataError(f"找不到文件夹「{folder}」：请先建好这个文件夹，或者不写 folder，直接保存在当前文件夹。")
    label = _progress.lesson_title(lesson).split()[0] if lesson else "全部课次"
    return where / f"作业_{label}_{name}.zip"


def _write_zip(path: Path, data: dict, notebook: Path | None) -> None:
    tmp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(SUBMISSION_MEMBER, json.dumps(data, ensure_ascii=False, indent=1))
            if notebook is not None:
                zf.write(notebook, arcname=f"notebook/{notebook.name}")
        os.replace(tmp, path)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise CRMDataError(f"无法写入「{path}」：文件可能正被其他程序打开，或者这个文件夹不允许写入。"
                           "请关闭该文件，或用 folder=\"其他文件夹\" 换个位置。") from None


def submit(name: str, lesson: Any = None, notebook: Any = None, folder: Any = ".", *,
           class_name: str = "", student_id: str = "") -> SubmitResult:
    """Write one hand-in file ``作业_<课次>_<姓名>.zip`` in ``folder`` and return where it is.

    ``lesson``: 1-4 (only that lesson's results) or ``None`` (all lessons).
    ``notebook``: path of the notebook to include; by default the notebook this kernel
    runs (JupyterLab); save it first, the file holds its last saved version.
    ``class_name`` / ``student_id`` (班级 / 学号) are optional.
    """
    from crmlab import _progress

    clean = safe_name(name)
    extra = {k: safe_name(v, label) if str(v or "").strip() else ""
             for k, v, label in (("class_name", class_name, "班级"), ("student_id", student_id, "学号"))}
    key = _progress.lesson_key(lesson) if lesson is not None else None
    nb = detect_notebook() if notebook is None else Path(notebook).expanduser()
    if nb is not None and not nb.is_file():
        raise CRMDataError(f"找不到笔记本文件「{notebook}」：请检查文件名（含 .ipynb），并先保存笔记本。")
    display_name = " ".join(unicodedata.normalize("NFC", name).split())
    data = build_submission(display_name, key, notebook=nb, **extra)
    path = _target(folder, clean, key)
    _write_zip(path, data, nb)
    return SubmitResult(path.resolve(), nb, data)
