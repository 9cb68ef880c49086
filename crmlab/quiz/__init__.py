"""End-of-class quiz (课后测试): question banks, answer checking, export for course platforms.

>>> import crmlab.quiz
>>> items = crmlab.quiz.questions(1)           # the lesson's items, in order
>>> crmlab.quiz.check_answer(items[0], "B").correct
True
>>> crmlab.quiz.show(1)                         # the widget, in a notebook's 小结

``python -m crmlab.quiz 1 -o 第1课测试.xlsx`` writes the bank in the layout Chinese course
platforms import (题型, 题干, 选项A–D, 正确答案, 解析); ``--markdown`` writes a printable sheet.
"""

from __future__ import annotations

from crmlab.quiz.items import (
    EXPORT_COLUMNS,
    KINDS,
    LETTERS,
    QuizFeedback,
    QuizItem,
    check_answer,
    export,
    questions,
    score,
    to_frame,
    to_markdown,
)


def show(lesson: int):
    """The quiz widget of ``lesson`` (instant feedback per question and a running score)."""
    from crmlab.quiz.view import QuizView

    return QuizView(lesson)


__all__ = ["EXPORT_COLUMNS", "KINDS", "LETTERS", "QuizFeedback", "QuizItem", "check_answer", "export", "questions",
           "score", "show", "to_frame", "to_markdown"]
