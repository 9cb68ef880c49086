"""Classroom widgets: the learner's progress and a hand-in button.

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
        from crmlab._progress import progress

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
        from crmlab._submit import submit

        v = self.control_values(values)
        if not isinstance(v["name"], str) or not v["name"].strip():
            raise CRMDataError("请先在「姓名」一栏写上你的名字（汉字或字母），再点「提交」。")
        return submit(v["name"], lesson=v["lesson"], notebook=self.notebook, folder=self.folder,
                      class_name=_text(v["class_name"]), student_id=_text(v["student_id"]))

    def render(self, result):
        return result._repr_html_()
