"""Reading a learner's answer: :class:`Wrong` (a Chinese hint for a wrong answer), :func:`as_number`, :func:`is_close`.

The bottom of :mod:`crmlab.exercises`: the question objects (``_core``) and the
shared slips (``_slips``) both build on it, and it imports neither.
"""

from __future__ import annotations

import math
from typing import Any


class Wrong(Exception):
    """Raised by a checker: the answer is wrong; the message is a Chinese hint.

    ``hint`` (optional) is what the next :meth:`Question.hint` says first about this
    wrong answer; by default the hint repeats the gist of the message.
    """

    def __init__(self, message: str = "", *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _short(answer: Any, limit: int = 40) -> str:
    """A short, safe description of the learner's answer for feedback text."""
    if hasattr(answer, "shape") and hasattr(answer, "to_numpy"):
        return f"一张 {answer.shape[0]} 行的表" if getattr(answer, "ndim", 1) == 2 else f"一列 {len(answer)} 个值"
    try:
        text = repr(answer)
    except Exception:  # noqa: BLE001 - any learner object whose repr fails is described by its type
        text = type(answer).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    if hasattr(answer, "to_numpy") and hasattr(answer, "size"):  # pandas objects
        if answer.size == 1:
            return as_number(answer.to_numpy().ravel()[0], what)
        raise Wrong(f"这里要的是{what}，你交的是一张表/一列。可以用 .sum()、len(...) 或 .loc[...] 取出一个数。")
    if isinstance(answer, bool):
        raise Wrong(f"这里要的是{what}，你交的是 True/False。请交一个数。")
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        if isinstance(answer, str):
            raise Wrong(_text_number_hint(answer, what)) from None
        raise Wrong(f"这里要的是{what}，你交的是「{_short(answer)}」。") from None
    if math.isnan(value):
        raise Wrong("你的结果是 NaN（空值）：检查一下筛选条件是否把数据都筛掉了，或者是不是有客户没有数据。")
    return value


def is_close(a: Any, b: Any, *, rel: float = 1e-6, abs_: float = 1e-6) -> bool:
    """``a`` and ``b`` are equal numbers within the tolerances (non-numbers are never close)."""
    try:
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)
    except (TypeError, ValueError, OverflowError):
        return False


__all__ = ["Wrong", "as_number", "is_close"]
