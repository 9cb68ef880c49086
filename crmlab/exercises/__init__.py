"""Exercise checks in the style of Kaggle Learn: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

Each lesson has a module (``crmlab.exercises.lesson1`` ... ``lesson4``) that
defines question objects ``q1``, ``q2``, ... built with :class:`Question`,
:func:`choice` or :func:`number`; :func:`questions` lists a lesson's questions
in notebook order (each with ``tier`` 基础/拓展 and ``kind``).
"""

from crmlab.exercises._core import (
    CORRECT,
    INCORRECT,
    KINDS,
    NOT_ANSWERED,
    RECORD_MIME,
    STATUS_LABELS,
    TIERS,
    CheckResult,
    Question,
    Wrong,
    as_number,
    choice,
    is_close,
    number,
    questions,
)

__all__ = [
    "CORRECT",
    "INCORRECT",
    "KINDS",
    "NOT_ANSWERED",
    "RECORD_MIME",
    "STATUS_LABELS",
    "TIERS",
    "CheckResult",
    "Question",
    "Wrong",
    "as_number",
    "choice",
    "is_close",
    "number",
    "questions",
]
