"""Exercise checks in the style of Kaggle Learn: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

Each lesson has a module (``crmlab.exercises.lesson1`` ... ``lesson4``) that
defines question objects ``q1``, ``q2``, ... built with :class:`Question`.
"""

from crmlab.exercises._core import NOT_ANSWERED, CheckResult, Question, Wrong

__all__ = ["NOT_ANSWERED", "CheckResult", "Question", "Wrong"]
