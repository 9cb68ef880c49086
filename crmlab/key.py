"""The teacher's answer key for one group's company: ``python -m crmlab.key --group K [-o 文件名]``.

For each lesson 1-4 the key lists every exercise (:func:`crmlab.exercises.questions`,
with ``q.expected()``), every classroom question (``crmlab.exercises.lessonN.CLASSROOM``)
and every end-of-class quiz item (:func:`crmlab.quiz.questions`) with its reference
answer, computed from the chosen group's data.  :func:`answer_key` returns the key
as one table per lesson (题号, 类型, 层次, 题目, 参考答案); :func:`to_markdown`
makes a printable page; :func:`write_key` writes both a Markdown and an Excel
file (an existing file is never overwritten unless asked: a numbered name is used).

The group is set with :func:`crmlab.course.set_group` only while the key is
computed; the previous group is restored afterwards.  An answer that cannot be
computed shows as "（无法计算：原因）" in its row instead of stopping the key.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from crmlab import course
from crmlab._errors import CRMDataError

LESSONS = (1, 2, 3, 4)
COLUMNS = ("题号", "类型", "层次", "题目", "参考答案")
#: exercise kinds as the key names them
KIND_NAMES = {"choice": "选择题", "number": "数值题", "text": "文字题", "table": "表格题", "code": "编程题"}
CLASSROOM_TIER = "课堂互动"
QUIZ_TIER = "课后测试"


def check_group(group: Any) -> int:
    """``group`` as an int 0..4, or a Chinese :class:`CRMDataError` saying what is allowed."""
    text = str(group).strip()
    if isinstance(group, bool) or not text.lstrip("-").isdigit() or int(text) not in course.GROUPS:
        raise CRMDataError(f"组号必须是 0 到 4 的整数（0 = 课程公司，1-4 = 各组的公司），收到的是「{group}」。")
    return int(text)


@contextlib.contextmanager
def using_group(group: int) -> Iterator[int]:
    """Set the course group to ``group`` for the ``with`` block, then restore the previous one."""
    group = check_group(group)
    previous = course.current_group()
    course.set_group(group)
    try:
        yield group
    finally:
        course.set_group(previous)


def display(value: Any) -> str:
    """A reference answer as text (tables as aligned text, lists joined with 、)."""
    if isinstance(value, pd.DataFrame):
        return value.to_string(index=not isinstance(value.index, pd.RangeIndex))
    if isinstance(value, pd.Series):
        return value.to_string()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(display(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def safe_answer(compute: Callable[[], Any]) -> str:
    """``display(compute())``, or "（无法计算：原因）" when computing fails."""
    try:
        return display(compute())
    except Exception as exc:  # noqa: BLE001 - one broken answer must not stop the whole key
        reason = str(exc).strip() or type(exc).__name__
        return f"（无法计算：{reason}）"


def _exercise_rows(lesson: int) -> list[dict]:
    from crmlab.exercises import questions

    return [dict(zip(COLUMNS, (q.name, KIND_NAMES.get(q.kind, q.kind), q.tier, q.prompt,
                               safe_answer(q.expected)), strict=True))
            for q in questions(lesson)]


def _classroom_rows(lesson: int) -> list[dict]:
    module = importlib.import_module(f"crmlab.exercises.lesson{lesson}")
    return [dict(zip(COLUMNS, (f"课堂{i}", "课堂问题", CLASSROOM_TIER, text, safe_answer(answer)), strict=True))
            for i, (text, answer) in enumerate(getattr(module, "CLASSROOM", []), start=1)]


def _quiz_rows(lesson: int) -> list[dict]:
    from crmlab import quiz

    rows = []
    for item in quiz.questions(lesson):
        stem = item.stem + "".join(f"\n{chr(65 + i)}. {o}" for i, o in enumerate(item.options) if o)
        answer = item.answer_text + (f"\n解析：{item.explanation}" if item.explanation else "")
        rows.append(dict(zip(COLUMNS, (f"测试{item.number}", item.kind, QUIZ_TIER, stem, answer), strict=True)))
    return rows


def lesson_key(lesson: int) -> pd.DataFrame:
    """The key of one lesson for the current group: exercises, classroom questions, quiz items."""
    if lesson not in LESSONS:
        raise CRMDataError(f"课次必须是 1 到 4 的整数，收到的是「{lesson}」。")
    rows = _exercise_rows(lesson) + _classroom_rows(lesson) + _quiz_rows(lesson)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def answer_key(group: int, lessons: Sequence[int] = LESSONS) -> dict[int, pd.DataFrame]:
    """{lesson: key table} for company ``group``; the course group is restored afterwards."""
    with using_group(group):
        return {lesson: lesson_key(lesson) for lesson in lessons}


def _company_line(group: int) -> str:
    from crmlab.datasets import company

    co = company(group)
    return f"第 {group} 组：{co['name']} · 行业：{co['industry']}"


def _md_answer(text: str) -> str:
    lines = text.split("\n")
    if len(lines) > 1 and any("  " in line.strip() for line in lines):  # an aligned table: keep its columns
        return "\n```text\n" + text.replace("```", "'''") + "\n```"
    return " " + "  \n".join(lines)


def to_markdown(key: dict[int, pd.DataFrame], group: int) -> str:
    """A printable Markdown answer key: one section per lesson, each question with its answer."""
    lines = [f"# 教师答案 · {_company_line(group)}", "",
             f"分析日期 {course.COURSE_DATE}；答案按这一组公司的数据计算。", ""]
    for lesson, frame in key.items():
        lines += [f"## 第{lesson}课", ""]
        section = None
        for row in frame.itertuples(index=False):
            part = "练习" if row.层次 not in (CLASSROOM_TIER, QUIZ_TIER) else row.层次
            if part != section:
                section = part
                lines += [f"### {part}", ""]
            lines += [f"**{row.题号}**（{row.类型} · {row.层次}）", "",
                      row.题目.replace("\n", "  \n"), "", f"**参考答案：**{_md_answer(row.参考答案)}", "", "---", ""]
    return "\n".join(lines)


def write_key(group: int, output: Any = None, *, overwrite: bool = False,
              lessons: Sequence[int] = LESSONS) -> tuple[Path, Path]:
    """Write the key of ``group`` as ``<output>.md`` and ``<output>.xlsx``; returns the two paths written.

    ``output`` defaults to ``教师答案_第K组``; a suffix .md/.xlsx on it is ignored.  Existing files are
    kept (numbered names are used) unless ``overwrite=True``.
    """
    from crmlab.export import to_excel, write_text

    group = check_group(group)
    base = Path(output) if output else Path(f"教师答案_第{group}组")
    if base.suffix.lower() in (".md", ".xlsx"):
        base = base.with_suffix("")
    key = answer_key(group, lessons)
    md = write_text(base.with_name(base.name + ".md"), to_markdown(key, group), overwrite=overwrite)
    sheets = {f"第{lesson}课": frame for lesson, frame in key.items()}
    xlsx = to_excel(sheets, base.with_name(base.name + ".xlsx"), overwrite=overwrite, index=False)
    _wrap_long_text(xlsx)
    return md, xlsx


def _wrap_long_text(path: Path) -> None:
    """Wrap the question and answer columns (long, multi-line text) and align every row at the top."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment

    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=cell.column > 3)
    book.save(path)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m crmlab.key",
                                description="写出某一组公司的教师答案（练习、课堂问题、课后测试），Markdown 和 Excel 各一份。")
    p.add_argument("--group", "-g", default=None, help="组号 0–4（0 = 课程公司）；不写时用当前组")
    p.add_argument("-o", "--output", default=None, help="输出文件名（不带扩展名），默认 教师答案_第K组")
    p.add_argument("--lesson", "-l", type=int, nargs="+", choices=LESSONS, default=list(LESSONS),
                   help="只写这几课（1–4，可以写多个），默认四课都写")
    p.add_argument("--force", action="store_true", help="输出文件已存在时替换它（默认另起带编号的文件名）")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        group = check_group(course.current_group() if args.group is None else args.group)
        md, xlsx = write_key(group, args.output, overwrite=args.force, lessons=sorted(set(args.lesson)))
    except CRMDataError as exc:
        print(f"没有写出答案：{exc}", file=sys.stderr)
        return 2
    print(f"已写出第 {group} 组的教师答案：\n  {md}\n  {xlsx}")
    return 0


__all__ = ["COLUMNS", "LESSONS", "answer_key", "check_group", "display", "lesson_key", "main", "safe_answer",
           "to_markdown", "using_group", "write_key"]


if __name__ == "__main__":
    sys.exit(main())
