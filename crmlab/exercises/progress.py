"""The learner's view of the progress store: ``crmlab.progress()``.

:func:`progress` lists every question of every lesson (from the exercise
registry, :func:`crmlab.exercises.questions`) next to the checks stored for this
kernel's student in :mod:`crmlab.records`, as a table, a per-lesson summary and
a chart (:func:`crmlab.charts.progress.plot_progress`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crmlab.charts.progress import plot_progress
from crmlab.exercises._core import questions as _lesson_questions
from crmlab.labels import LESSON_TITLES
from crmlab.records import current_student, lesson_key, lesson_title, load_store, reset_progress, student_checks


def lesson_questions() -> dict[str, list[tuple[str, str]]]:
    """``{lesson: [(question_id, display_name), ...]}`` for every exercise module, in notebook order."""
    return {key: [(q.qid, q.name) for q in _lesson_questions(key)] for key in LESSON_TITLES}


def question_lesson(question: Any) -> tuple[str, str] | None:
    """``(lesson, question_id)`` of a lesson question object, ``None`` for other questions."""
    where = getattr(question, "where", None)
    return where() if callable(where) else None


# ---------------------------------------------------------------------------
# the learner's view
# ---------------------------------------------------------------------------

_FRAME_COLUMNS = ["lesson", "lesson_title", "question", "name", "passed", "attempts", "first_passed", "last_result"]


def progress_frame(store: dict | None = None, questions: dict | None = None):
    """One row per question of every lesson: passed (bool), attempts (int), first_passed (text or None)."""
    import pandas as pd

    store = load_store() if store is None else store
    questions = lesson_questions() if questions is None else questions
    rows = []
    mine = student_checks(store)
    for lesson, items in questions.items():
        checks = mine.get(lesson) if isinstance(mine.get(lesson), dict) else {}
        known = [q for q, _name in items]
        extra = [(q, q) for q in checks if q not in known]
        for qid, name in list(items) + extra:
            rec = checks.get(qid) if isinstance(checks.get(qid), dict) else {}
            rows.append({
                "lesson": lesson, "lesson_title": lesson_title(lesson), "question": qid, "name": name,
                "passed": bool(rec.get("passed", False)), "attempts": int(rec.get("attempts", 0)),
                "first_passed": rec.get("first_passed"), "last_result": rec.get("last_result"),
            })
    return pd.DataFrame(rows, columns=_FRAME_COLUMNS)


def progress_summary(frame):
    """Per lesson: title, questions passed, total, share passed (0-1), attempts."""
    import pandas as pd

    if frame.empty:
        return pd.DataFrame(columns=["lesson_title", "passed", "total", "share", "attempts"])
    g = frame.groupby("lesson", sort=False)
    out = pd.DataFrame({
        "lesson_title": g["lesson_title"].first(),
        "passed": g["passed"].sum().astype(int),
        "total": g.size().astype(int),
        "attempts": g["attempts"].sum().astype(int),
    })
    out.insert(3, "share", out["passed"] / out["total"].where(out["total"] > 0))
    return out


def _status_cell(row) -> str:
    if row.passed:
        return "<span style='color:#1b7f3b'>✓ 已通过</span>"
    if row.attempts:
        return "<span style='color:#b3261e'>× 还没通过</span>"
    return "<span style='color:#888'>— 未做</span>"


def _lesson_html(rows) -> str:
    body = "".join(
        f"<tr><td>{html.escape(str(r.name))}</td><td>{_status_cell(r)}</td><td>{r.attempts}</td>"
        f"<td>{html.escape(_short_time(r.first_passed))}</td></tr>"
        for r in rows.itertuples(index=False)
    )
    head = "<tr><th>练习</th><th>状态</th><th>尝试次数</th><th>首次通过时间</th></tr>"
    return f"<table style='margin:2px 0 10px 0'>{head}{body}</table>"


def _short_time(value: Any) -> str:
    if not isinstance(value, str) or not value:  # None / NaN: not passed yet
        return ""
    try:
        return datetime.fromisoformat(str(value)).strftime("%m-%d %H:%M")
    except ValueError:
        return str(value)


def _figure_html(progress: Progress) -> str:
    import base64
    import io

    import matplotlib.pyplot as plt

    ax = plot_progress(progress.summary)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=90)
    plt.close(ax.figure)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img alt='学习进度图' src='data:image/png;base64,{data}'>"


@dataclass
class Progress:
    """What :func:`progress` returns: ``frame`` (one row per question) and ``summary`` (per lesson)."""

    frame: Any
    student: str = ""

    @property
    def summary(self):
        return progress_summary(self.frame)

    def to_frame(self):
        return self.frame.copy()

    def plot(self, ax=None):
        return plot_progress(self.summary, ax=ax)

    def __repr__(self) -> str:
        who = f"{self.student}的" if self.student else "我的"
        lines = [f"{who}学习进度（已通过 / 全部练习）："]
        for _key, r in self.summary.iterrows():
            lines.append(f"  {r['lesson_title']}：{r['passed']} / {r['total']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        who = f"{html.escape(self.student)}的" if self.student else "我的"
        note = "" if self.student else "；还没有登记姓名：运行 crmlab.student(\"你的姓名\") 登记"
        parts = [f"<div><b>{who}学习进度</b>（练习记录保存在这台电脑上{note}）</div>", _figure_html(self)]
        for key, r in self.summary.iterrows():  # lessons not started yet are folded
            parts.append(f"<details{' open' if r['attempts'] else ''} style='margin-top:6px'><summary>"
                         f"<b>{html.escape(r['lesson_title'])}</b>：已通过 {r['passed']} / {r['total']} 题</summary>"
                         f"{_lesson_html(self.frame[self.frame['lesson'] == key])}</details>")
        return "".join(parts)


def progress(lesson: Any = None, *, reset: bool = False) -> Progress:
    """The learner's exercise progress (all lessons, or one), for display in Jupyter.

    ``progress(reset=True)`` first forgets the stored checks (of ``lesson``, or all).
    """
    if reset:
        reset_progress(lesson)
    frame = progress_frame()
    if lesson is not None:
        frame = frame[frame["lesson"] == lesson_key(lesson)].reset_index(drop=True)
    who = current_student()
    return Progress(frame, who.describe() if who else "")


__all__ = ["Progress", "lesson_questions", "plot_progress", "progress", "progress_frame", "progress_summary",
           "question_lesson"]
