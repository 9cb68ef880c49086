"""The end-of-class quiz widget (课后测试): one control per question, feedback as soon as it is answered.

It lives beside the quiz banks (a classroom tool), not in crmlab.widgets: the lesson widgets never import it."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.widgets import View

_COLORS = {"correct": "#1b7f3b", "incorrect": "#b3261e", "not_answered": "#666"}


class QuizView(View):
    """Quiz of one lesson. ``update(answers={1: "B", 2: "错", 5: "ABD", 6: "300"})`` checks the given answers.

    The result is a list of :class:`crmlab.quiz.QuizFeedback`, one per question in order.
    """

    def __init__(self, lesson: int = 1):
        super().__init__()
        import ipywidgets as w

        from crmlab.quiz import items as quiz

        self.items = quiz.questions(lesson)
        self.lesson = self.items[0].lesson
        self.inputs: dict[int, Any] = {}
        self.feedback: dict[int, Any] = {}
        rows = [w.HTML(f"<b>第{self.lesson}课 课后测试</b>（共 {len(self.items)} 题，作答后立即显示对错和解析）")]
        for item in self.items:
            control = self._control(item)
            self.feedback[item.number] = w.HTML()
            head = w.HTML(f"<b>{item.number}.（{item.kind}）</b>{html.escape(item.stem)}",
                          layout=w.Layout(width="100%"))
            rows.append(w.VBox([head, control, self.feedback[item.number]],
                               layout=w.Layout(margin="0 0 8px 0", width="100%")))
        self.score = w.HTML()
        self.widget = w.VBox([*rows, self.score, self.status, self.out], layout=w.Layout(max_width="960px"))
        self.update()

    def _control(self, item):
        import ipywidgets as w

        from crmlab.quiz.items import LETTERS

        full = w.Layout(width="100%")
        if item.kind == "多选题":
            boxes = [w.Checkbox(value=False, description=f"{LETTERS[i]}. {text}", indent=False, layout=full)
                     for i, text in enumerate(item.options)]
            for box in boxes:
                box.observe(lambda _c: self._refresh(), names="value")
            self.inputs[item.number] = boxes
            return w.VBox(boxes)
        if item.kind == "填空题":
            text = w.Text(placeholder="填写数字后按回车", continuous_update=False, layout=w.Layout(width="220px"))
            text.observe(lambda _c: self._refresh(), names="value")
            self.inputs[item.number] = text
            return text
        labels = ["对", "错"] if item.kind == "判断题" else [f"{LETTERS[i]}. {t}" for i, t in enumerate(item.options)]
        radio = w.RadioButtons(options=labels, value=None, layout=full)
        radio.observe(lambda _c: self._refresh(), names="value")
        self.inputs[item.number] = radio
        return radio

    def _answer(self, item) -> Any:
        control = self.inputs[item.number]
        if isinstance(control, list):
            chosen = "".join(box.description[0] for box in control if box.value)
            return chosen or None
        value = control.value
        if value is None or item.kind in ("判断题", "填空题"):
            return value
        return str(value)[0]  # "B. …" -> "B"

    def _refresh(self) -> None:
        self.update(answers={item.number: self._answer(item) for item in self.items})

    def compute(self, answers: Mapping[int, Any] | None = None):
        from crmlab.quiz.items import check_answer

        if answers is None:
            answers = {}
        if not isinstance(answers, Mapping):
            raise CRMDataError("answers 应该是一个字典，键是题号，例如 {1: \"B\", 2: \"对\"}。")
        numbers = {item.number for item in self.items}
        unknown = [str(k) for k in answers if k not in numbers]
        if unknown:
            raise CRMDataError(f"没有这些题号：{'、'.join(unknown)}。本测试的题号是 1 到 {len(self.items)}。")
        return [check_answer(item, answers.get(item.number)) for item in self.items]

    def render(self, result):
        for item, fb in zip(self.items, result):
            if fb.status == "not_answered":
                self.feedback[item.number].value = ""
                continue
            mark = "✓ 正确" if fb.correct else "× 不对"
            self.feedback[item.number].value = (
                f"<div style='color:{_COLORS[fb.status]};border-left:4px solid {_COLORS[fb.status]};"
                f"padding:2px 8px'><b>{mark}</b>　{html.escape(fb.message)}</div>")
        done = sum(fb.status != "not_answered" for fb in result)
        right = sum(fb.correct for fb in result)
        self.score.value = (f"<b>已答 {done} / {len(result)} 题，答对 {right} 题。</b>"
                            + ("　全部答完了，做得好！" if done == len(result) and right == len(result) else ""))
        return None
