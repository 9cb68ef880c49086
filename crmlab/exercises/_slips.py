"""Targeted feedback for slips common to many numeric exercises (lessons 3 and 4).

* :func:`number` - like :func:`crmlab.exercises.answers.as_number`, but a whole result object
  (e.g. a ``CreditPolicyResult``) or a number typed as text with a unit or separators
  ("¥1,200", "19%", "640分") gets a message that says how to hand it in;
* :func:`sign_or_unit` - the right number with the wrong sign, or in 万元 instead of 元.
"""

from __future__ import annotations

import re
from typing import Any

from crmlab.exercises.answers import Wrong, as_number, is_close

_TYPED_NUMBER = re.compile(r"[¥￥]?\s*-?[\d,，]+(\.\d+)?\s*(元|万元|%|％|分|天)?")


def number(answer: Any, what: str, *, attribute: str | None = None) -> float:
    """The answer as a float; Chinese hints for a result object or a number written as text.

    ``attribute`` names the field of a result object that holds the wanted number
    (e.g. ``"profit_change"``): handing in the whole object gets a hint to use it.
    """
    if attribute and hasattr(answer, attribute):
        raise Wrong(f"你交的是整个计算结果，这里只要其中的一个数：在后面加上 .{attribute}。")
    if isinstance(answer, str) and _TYPED_NUMBER.fullmatch(answer.strip()) and not _is_float(answer):
        text = answer.strip()
        plain = re.sub(r"[¥￥,，\s元万%％分天]", "", text)
        if text.endswith(("%", "％")):
            raise Wrong(f"请交一个数，而不是文字「{text}」；百分数要写成小数：{text} 写成 {float(plain) / 100:.10g}。")
        if "万" in text:
            raise Wrong(f"请交一个数，而不是文字「{text}」：单位是元，{text} 要写成 {float(plain) * 10000:.10g}。")
        raise Wrong(f"请交一个数，而不是文字「{text}」：去掉引号、¥、逗号和单位，写成 {plain}。")
    return as_number(answer, what)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def sign_or_unit(value: float, correct: float, *, unit: str = "元", tol: float = 0.01) -> None:
    """Raise :class:`Wrong` when ``value`` is ``-correct`` or ``correct`` in 万元 / percent slips."""
    if correct and is_close(value, -correct, abs_=tol):
        raise Wrong("数值对了，符号反了：再想想结果应该是正数还是负数。")
    if unit == "元" and abs(correct) >= 1e4 and is_close(value, correct / 1e4, rel=1e-4, abs_=tol / 1e4):
        raise Wrong(f"单位不对：你写的是万元（{value:g} 万元），题目要的是元，要乘以 10000。")
