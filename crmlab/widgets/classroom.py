"""Classroom widgets: who is working, the learner's progress and hand-in.

* :class:`StudentForm` (``crmlab.student_form()``) - name, student number, class and a
  确定 button that calls :func:`crmlab.student` for this kernel.
* :class:`HandinView` (``crmlab.handin(lesson=N)``) - the identity fields, a save reminder
  and a 提交 button that calls :func:`crmlab.submit` for lesson N.
* :class:`ProgressView` - :func:`crmlab.progress` with a 刷新 button.
* :class:`SubmitView` - name, class, student number, lesson and a 提交 button that
  calls :func:`crmlab.submit` and shows where the hand-in file was written.
"""

from __future__ import annotations

import html
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.widgets._base import View

LESSON_OPTIONS = [("全部课次", None), ("第1课", 1), ("第2课", 2), ("第3课", 3), ("第4课", 4)]
SAVE_FIRST = "提交前请先保存笔记本（Ctrl+S）：作业文件里是笔记本最后一次保存的内容。"


def _text(value: Any) -> str:
    """A text box's value as text: empty for ``None`` / NaN, whole numbers without ``.0`` (学号 20250101)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ProgressView(View):
    """The learner's exercise progress (table per lesson and chart); 刷新 re-reads the store."""

    def __init__(self) -> None:
        import ipywidgets as w

        super().__init__()
        self.refresh = w.Button(description="刷新进度", icon="refresh")
        self.refresh.on_click(lambda _b: self.update())
        self.controls: dict = {}
        self.widget = w.VBox([self.refresh, self.status, self.out])
        self.update()

    def compute(self):
        from crmlab.exercises.progress import progress

        return progress()

    def render(self, result):
        return result._repr_html_()


class SubmitView(View):
    """Hand in: type your name (and optionally class / student number), pick the lesson, click 提交."""

    def __init__(self, folder: Any = ".", notebook: Any = None) -> None:
        import ipywidgets as w

        super().__init__()
        self.folder = folder
        self.notebook = notebook
        self.controls = {
            "name": w.Text(description="姓名", placeholder="例如：张三"),
            "class_name": w.Text(description="班级", placeholder="可不填"),
            "student_id": w.Text(description="学号", placeholder="可不填"),
            "lesson": w.Dropdown(description="课次", options=LESSON_OPTIONS, value=None),
        }
        self.button = w.Button(description="提交", button_style="success", icon="upload")
        self.button.on_click(lambda _b: self.update())
        self.widget = w.VBox([w.HTML(f"<b>提交作业</b>：{html.escape(SAVE_FIRST)}"),
                              *self.controls.values(), self.button, self.status, self.out])

    def compute(self, **values):
        from crmlab.submission import submit

        v = self.control_values(values)
        if not isinstance(v["name"], str) or not v["name"].strip():
            raise CRMDataError("请先在「姓名」一栏写上你的名字（汉字或字母），再点「提交」。")
        return submit(v["name"], lesson=v["lesson"], notebook=self.notebook, folder=self.folder,
                      class_name=_text(v["class_name"]), student_id=_text(v["student_id"]))

    def render(self, result):
        return result._repr_html_()


def _identity_controls(w) -> dict:
    from crmlab.records import current_student

    who = current_student()
    return {
        "name": w.Text(description="姓名", placeholder="例如：张三", value=who.name if who else ""),
        "student_id": w.Text(description="学号", placeholder="可不填", value=who.student_id if who else ""),
        "class_name": w.Text(description="班级", placeholder="可不填", value=who.class_name if who else ""),
    }


def _register(v: dict):
    """Register the identity typed into the form (Chinese errors for an empty or unusable name)."""
    from crmlab.records import student

    if not isinstance(v["name"], str) or not v["name"].strip():
        raise CRMDataError("请先在「姓名」一栏写上你的名字（汉字或字母），再点按钮。")
    return student(v["name"], _text(v["student_id"]), _text(v["class_name"]))


class StudentForm(View):
    """Who works in this notebook: name (required), student number, class; 确定 registers them."""

    def __init__(self) -> None:
        import ipywidgets as w

        super().__init__()
        self.controls = _identity_controls(w)
        self.button = w.Button(description="确定", button_style="primary", icon="user")
        self.button.on_click(lambda _b: self.update())
        intro = ("<b>先登记你是谁</b>：写上姓名（学号、班级可不填），点「确定」。"
                 "之后本笔记本里做的练习都记在你的名下；同一台电脑上的其他同学的记录不会混进来。")
        self.widget = w.VBox([w.HTML(intro), *self.controls.values(), self.button, self.status, self.out])
        from crmlab.records import current_student

        if current_student() is not None:
            self.result = current_student()
            self.status.value = self.render(self.result)

    def compute(self, **values):
        return _register(self.control_values(values))

    def render(self, result):
        return f"<div style='color:#1b7f3b'>✓ {html.escape(repr(result))}</div>"


class HandinView(View):
    """Hand in one lesson: identity (pre-filled), a save reminder and 提交."""

    def __init__(self, lesson: Any, folder: Any = ".", notebook: Any = None) -> None:
        import ipywidgets as w

        from crmlab.records import lesson_key, lesson_title

        super().__init__()
        self.lesson = lesson_key(lesson)
        self.folder, self.notebook = folder, notebook
        self.controls = _identity_controls(w)
        self.button = w.Button(description="提交", button_style="success", icon="upload")
        self.button.on_click(lambda _b: self.update())
        title = lesson_title(self.lesson)
        steps = (f"<b>交作业：{html.escape(title)}</b><ol style='margin:4px 0'>"
                 "<li>核对姓名（学号、班级可不填）。</li>"
                 "<li><b>先保存笔记本：按 Ctrl+S</b>（作业文件里是最后一次保存的内容）。</li>"
                 "<li>点「提交」，把生成的 作业_….zip 文件按老师的要求交上去。</li></ol>")
        self.widget = w.VBox([w.HTML(steps), *self.controls.values(), self.button, self.status, self.out])

    def compute(self, **values):
        from crmlab.submission import submit

        who = _register(self.control_values(values))
        return submit(lesson=int(self.lesson[6:]), notebook=self.notebook, folder=self.folder,
                      class_name=who.class_name, student_id=who.student_id)

    def render(self, result):
        return result._repr_html_()


def student_form() -> StudentForm:
    """The small form at the top of an exercise notebook (same as :func:`crmlab.student`)."""
    return StudentForm()


def handin(lesson: Any, folder: Any = ".", notebook: Any = None) -> HandinView:
    """The hand-in widget at the end of an exercise notebook: identity, save reminder, 提交."""
    return HandinView(lesson, folder=folder, notebook=notebook)
