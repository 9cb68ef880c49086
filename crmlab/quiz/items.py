"""The quiz items and their checking, export and scoring (everything of :mod:`crmlab.quiz` but the widget).

:mod:`crmlab.quiz` re-exports all of it; the widget :mod:`crmlab.quiz.view` builds on it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.quiz._bank import BANK, LESSON_TITLES

KINDS = ("单选题", "多选题", "判断题", "填空题")
LETTERS = "ABCD"
EXPORT_COLUMNS = ("题型", "题干", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析")

_TRUE = {"对", "正确", "是", "√", "✓", "T", "TRUE", "Y", "YES"}
_FALSE = {"错", "错误", "否", "不对", "×", "\u2717", "X", "F", "FALSE", "N", "NO"}


@dataclass(frozen=True)
class QuizItem:
    """One quiz question: ``kind`` is 单选题/多选题/判断题/填空题; ``answer`` as the platforms write it."""

    lesson: int
    number: int
    kind: str
    stem: str
    options: tuple[str, ...]
    answer: str
    explanation: str

    @property
    def answer_text(self) -> str:
        """The answer with its option texts, e.g. ``"B（A 公司是客户，总经理是用户）"``."""
        if self.kind in ("单选题", "多选题"):
            return "；".join(f"{c}（{self.options[LETTERS.index(c)]}）" for c in self.answer)
        return self.answer


@dataclass(frozen=True)
class QuizFeedback:
    """The result of one answer: ``status`` is correct / incorrect / not_answered."""

    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def _lesson(lesson: Any) -> int:
    try:
        number = int(lesson)
    except (TypeError, ValueError):
        raise CRMDataError(f"课次必须是 1 到 4 的整数，收到的是「{lesson}」。") from None
    if number not in BANK or isinstance(lesson, bool):
        raise CRMDataError(f"课次必须是 1 到 4 的整数，收到的是 {lesson}。")
    return number


def questions(lesson: int) -> list[QuizItem]:
    """The quiz items of ``lesson`` (1..4), in order."""
    number = _lesson(lesson)
    return [QuizItem(number, i, kind, stem, tuple(options), answer, why)
            for i, (kind, stem, options, answer, why) in enumerate(BANK[number], start=1)]


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().upper()


def _letters(answer: Any) -> str | None:
    """Choice letters from "b", "Ｂ", "A,C", "CA", ["A", "C"]; None when it is not letters A-D."""
    if isinstance(answer, (list, tuple, set, frozenset)):
        answer = "".join(str(a) for a in answer)
    text = re.sub(r"[\s,，、;；/]+", "", _clean(answer))
    if not text or any(c not in LETTERS for c in text):
        return None
    return "".join(sorted(set(text)))


def _truth(answer: Any) -> str | None:
    if isinstance(answer, bool):
        return "对" if answer else "错"
    text = _clean(answer)
    if text in _TRUE:
        return "对"
    if text in _FALSE:
        return "错"
    return None


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    text = re.sub(r"[,，\s元%％万]", "", unicodedata.normalize("NFKC", str(answer)))
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _unanswered(answer: Any) -> bool:
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def _check_choice(item: QuizItem, answer: Any) -> QuizFeedback:
    given = _letters(answer)
    if given is None:
        return QuizFeedback("incorrect", f"请写选项字母（A、B、C、D 中的{'几个' if item.kind == '多选题' else '一个'}），"
                                         f"你写的是「{answer}」。")
    if given == item.answer:
        return QuizFeedback("correct", f"正确。{item.explanation}")
    if item.kind == "单选题" and len(given) > 1:
        return QuizFeedback("incorrect", "这是单选题，只能选一个选项。")
    if item.kind == "多选题" and set(given) < set(item.answer):
        return QuizFeedback("incorrect", f"选对了一部分，还漏了选项。{item.explanation}")
    return QuizFeedback("incorrect", f"不对，正确答案是 {item.answer_text}。{item.explanation}")


def check_answer(item: QuizItem, answer: Any) -> QuizFeedback:
    """Check one answer to ``item``; never raises. Accepts full-width letters, 对/错/√/×, "1,000" …"""
    if _unanswered(answer):
        return QuizFeedback("not_answered", "还没有作答。")
    if item.kind in ("单选题", "多选题"):
        return _check_choice(item, answer)
    if item.kind == "判断题":
        given = _truth(answer)
        if given is None:
            return QuizFeedback("incorrect", f"判断题请回答“对”或“错”，你写的是「{answer}」。")
        if given == item.answer:
            return QuizFeedback("correct", f"正确。{item.explanation}")
        return QuizFeedback("incorrect", f"不对，这句话是{'对' if item.answer == '对' else '错'}的。{item.explanation}")
    value, expected = _number(answer), float(item.answer)
    if value is None:
        return QuizFeedback("incorrect", f"这里请填一个数字，你写的是「{answer}」。")
    if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9):
        return QuizFeedback("correct", f"正确。{item.explanation}")
    return QuizFeedback("incorrect", f"不对，你填的是 {value:g}。{item.explanation}")


def score(lesson: int, answers: Mapping[int, Any]) -> tuple[int, int]:
    """(number correct, number of items) for ``answers`` keyed by item number (1-based)."""
    items = questions(lesson)
    right = sum(check_answer(item, answers.get(item.number)).correct for item in items)
    return right, len(items)


def to_frame(lesson: int):
    """The bank as a DataFrame with the platform columns 题型, 题干, 选项A–D, 正确答案, 解析."""
    import pandas as pd

    rows = []
    for item in questions(lesson):
        options = list(item.options) + [""] * (4 - len(item.options))
        rows.append([item.kind, item.stem, *options[:4], item.answer, item.explanation])
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))


def to_markdown(lesson: int, *, answers: bool = True) -> str:
    """A printable sheet: the questions, then (``answers=True``) the answer key with 解析."""
    number = _lesson(lesson)
    lines = [f"# 第{number}课 {LESSON_TITLES[number]} · 课后测试", "", "姓名：__________　学号：__________　班级：__________", ""]
    for item in questions(number):
        lines.append(f"{item.number}. （{item.kind}）{item.stem}")
        lines.extend(f"   {LETTERS[i]}. {text}" for i, text in enumerate(item.options))
        if item.kind == "判断题":
            lines.append("   （　对　/　错　）")
        elif item.kind == "填空题":
            lines.append("   答：__________")
        lines.append("")
    if answers:
        lines += ["## 参考答案与解析", ""]
        lines.extend(f"{item.number}. {item.answer_text}　{item.explanation}" for item in questions(number))
        lines.append("")
    return "\n".join(lines)


def export(lessons: Iterable[int], path: Any, *, markdown: bool = False, overwrite: bool = False):
    """Write the banks of ``lessons`` to ``path`` (Excel, one sheet per lesson, or Markdown); returns the path.

    An existing file is never replaced silently: it is refused unless ``overwrite=True``.
    """
    from pathlib import Path

    numbers = [_lesson(n) for n in lessons]
    target = Path(path)
    if target.is_dir():
        raise CRMDataError(f"「{target}」是一个文件夹，请给出文件名，例如 {target / '课后测试.xlsx'}。")
    if target.exists() and not overwrite:
        raise CRMDataError(f"文件「{target}」已经存在，没有覆盖。换一个文件名，或确认要替换时加上 --force。")
    if markdown:
        if not target.parent.exists():
            raise CRMDataError(f"文件夹「{target.parent}」不存在，请先建好文件夹，或换一个保存位置。")
        target.write_text("\n\n".join(to_markdown(n) for n in numbers), encoding="utf-8")
        return target
    return _write_excel(numbers, target)


def _write_excel(numbers: list[int], target):
    import pandas as pd

    if target.suffix.lower() != ".xlsx":
        raise CRMDataError(f"Excel 题库的文件名要以 .xlsx 结尾，收到的是「{target.name}」。")
    if not target.parent.exists():
        raise CRMDataError(f"文件夹「{target.parent}」不存在，请先建好文件夹，或换一个保存位置。")
    try:
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for n in numbers:
                frame = to_frame(n)
                frame.to_excel(writer, sheet_name=f"第{n}课", index=False)
                sheet = writer.sheets[f"第{n}课"]
                for col, width in zip("ABCDEFGH", (8, 60, 24, 24, 24, 24, 10, 60)):
                    sheet.column_dimensions[col].width = width
    except PermissionError:
        raise CRMDataError(f"无法写入「{target}」：文件可能正在 Excel 里打开，关闭后再试。") from None
    return target


__all__ = ["EXPORT_COLUMNS", "KINDS", "LETTERS", "QuizFeedback", "QuizItem", "check_answer", "export", "questions",
           "score", "to_frame", "to_markdown"]
