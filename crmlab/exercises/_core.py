"""Question objects with Chinese feedback.

A question is defined by a *checker*: a function that receives the learner's
answer and either returns normally (correct) or raises :class:`Wrong` with a
targeted Chinese hint for a common mistake.  An answer that is still the stub
``...`` (Ellipsis) or ``None`` counts as not answered yet.

Example::

    def _check(answer):
        if answer == -expected:
            raise Wrong("符号反了：让渡价值 = 总价值 − 总成本。")
        if answer != expected:
            raise Wrong(f"还不对：你的结果是 {answer}。")

    q1 = Question("q1", "计算让渡价值", _check,
                  hint="先把四项价值相加，再减去四项成本。",
                  solution="answer = total_value - total_cost")
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_ANSWERED = "not_answered"
CORRECT = "correct"
INCORRECT = "incorrect"

_STYLE = {
    CORRECT: ("#1b7f3b", "✓ 正确"),
    INCORRECT: ("#b3261e", "× 还不对"),
    NOT_ANSWERED: ("#8a6d00", "… 尚未作答"),
    "hint": ("#1f5fa8", "★ 提示"),
    "solution": ("#5b3b8c", "◆ 参考答案"),
}


class Wrong(Exception):
    """Raised by a checker: the answer is wrong; the message is a Chinese hint."""


_INLINE_CODE = re.compile(r"`([^`\n]+)`")


def _html_text(text: str) -> str:
    """Escape ``text`` for HTML, render `code` spans and line breaks."""
    escaped = html.escape(text)
    escaped = _INLINE_CODE.sub(r"<code>\1</code>", escaped)
    return escaped.replace("\n", "<br>")


@dataclass(frozen=True)
class CheckResult:
    """What ``check()``, ``hint()`` and ``solution()`` return; renders in Jupyter."""

    status: str
    message: str
    question: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def _title(self) -> tuple[str, str]:
        return _STYLE.get(self.status, ("#333", self.status))

    def __repr__(self) -> str:  # text/plain, also what nbval compares
        _color, title = self._title()
        head = f"[{self.question}] {title}" if self.question else title
        return f"{head}：{self.message}" if self.message else head

    def _repr_html_(self) -> str:
        color, title = self._title()
        head = f"{html.escape(self.question)} · {title}" if self.question else title
        body = _html_text(self.message)
        if self.status == "solution":
            body = f"<pre style='margin:4px 0'>{html.escape(self.message)}</pre>"
        return (
            f"<div style='border-left:4px solid {color};padding:4px 10px;margin:4px 0'>"
            f"<b style='color:{color}'>{head}</b><div>{body}</div></div>"
        )

    def __bool__(self) -> bool:
        return self.correct


def _is_unanswered(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


class Question:
    """One exercise question.

    Parameters
    ----------
    name : short id shown in feedback, e.g. ``"练习1"``.
    prompt : the task in Chinese (shown by ``repr``).
    checker : ``checker(answer)``; returns on success, raises :class:`Wrong` otherwise.
    hint : a Chinese hint shown by :meth:`hint`.
    solution : the reference solution (code or text) shown by :meth:`solution`.
    """

    def __init__(
        self,
        name: str,
        prompt: str,
        checker: Callable[[Any], Any],
        hint: str,
        solution: str,
    ) -> None:
        self.name = name
        self.prompt = prompt
        self._checker = checker
        self._hint = hint
        self._solution = solution
        # the defining module: lesson questions (crmlab.exercises.lessonN) record their checks
        self.module: str = sys._getframe(1).f_globals.get("__name__", "")

    def check(self, answer: Any = Ellipsis) -> CheckResult:
        """Check ``answer`` and return Chinese feedback (never raises).

        A checked answer of a lesson question is recorded for :func:`crmlab.progress`.
        """
        result = self._check(answer)
        if result.status in (CORRECT, INCORRECT):
            _record(self, result.correct)
        return result

    def _check(self, answer: Any) -> CheckResult:
        if _is_unanswered(answer):
            return CheckResult(
                NOT_ANSWERED,
                "把 `...` 换成你的答案后再运行本格。需要帮助可以运行 .hint()。",
                self.name,
            )
        try:
            self._checker(answer)
        except Wrong as exc:
            return CheckResult(INCORRECT, str(exc) or "答案还不对，再检查一下。", self.name)
        except Exception as exc:  # a checker tripping over an odd answer type
            return CheckResult(
                INCORRECT,
                f"答案的形式不对，无法检查：你给出的是 {type(answer).__name__} 类型的值，"
                f"检查时出错（{type(exc).__name__}）。请对照题目要求的类型和列名。",
                self.name,
            )
        return CheckResult(CORRECT, "做得好！", self.name)

    def hint(self) -> CheckResult:
        return CheckResult("hint", self._hint, self.name)

    def solution(self) -> CheckResult:
        return CheckResult("solution", self._solution, self.name)

    def __repr__(self) -> str:
        return f"{self.name}：{self.prompt}"


def _record(question: Question, passed: bool) -> None:
    """Save the attempt in the learner's progress store; silently skipped on any problem."""
    try:
        from crmlab import _progress

        where = _progress.question_lesson(question)
        if where is not None:
            _progress.record_check(*where, passed)
    except Exception:  # recording must never break a check
        pass


# ---------------------------------------------------------------------------
# Helpers shared by the lesson checkers
# ---------------------------------------------------------------------------


def _text_number_hint(text: str, what: str) -> str:
    """Say how to turn a number typed as text ("¥1,200", "35%", "1.2万") into a number."""
    core = text.strip()
    tips = []
    if any(c in core for c in "¥￥元"):
        tips.append("去掉货币符号 ¥ 或“元”")
    if "," in core or "，" in core:
        tips.append("去掉千位分隔的逗号")
    if "%" in core or "％" in core:
        tips.append("把百分数换成小数（例如 35% 写成 0.35），或按题目要求直接写 35")
    if "万" in core:
        tips.append("把“万”换算成数字（1.2万 写成 12000）")
    how = "；".join(tips) if tips else "不要加引号，直接写数字，或写出计算它的代码"
    return f"这里要的是{what}，你交的是文字「{text}」，不是数字。{how}。"


def as_number(answer: Any, what: str = "一个数字") -> float:
    """The learner's answer as a float, or :class:`Wrong` saying what kind of thing was handed in.

    A one-cell Series/DataFrame is unwrapped; a longer one, a bool, text or NaN is refused.
    """
    import math

    if hasattr(answer, "to_numpy") and hasattr(answer, "size"):  # pandas objects
        if answer.size == 1:
            return as_number(answer.to_numpy().ravel()[0], what)
        raise Wrong(f"这里要的是{what}，你交的是一张表/一列。可以用 .sum()、len(...) 或 .loc[...] 取出一个数。")
    if isinstance(answer, bool):
        raise Wrong(f"这里要的是{what}，你交的是 True/False。请交一个数。")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        if isinstance(answer, str):
            raise Wrong(_text_number_hint(answer, what)) from None
        raise Wrong(f"这里要的是{what}，你交的是「{answer!r}」。") from None
    if math.isnan(value):
        raise Wrong("你的结果是 NaN（空值）：检查一下筛选条件是否把数据都筛掉了，或者是不是有客户没有数据。")
    return value


def is_close(a: Any, b: Any, *, rel: float = 1e-6, abs_: float = 1e-6) -> bool:
    """``a`` and ``b`` are equal numbers within the tolerances (non-numbers are never close)."""
    import math

    try:
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)
    except (TypeError, ValueError):
        return False
