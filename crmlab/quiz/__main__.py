"""``python -m crmlab.quiz N -o 文件.xlsx [--markdown]``: export a lesson's end-of-class quiz."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crmlab._errors import CRMDataError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m crmlab.quiz",
        description="导出课后测试题库：Excel（题型、题干、选项A–D、正确答案、解析，可导入课程平台）或可打印的 Markdown。",
    )
    p.add_argument("lessons", nargs="+", help="课次 1–4，可以写多个；all 表示全部四课")
    p.add_argument("-o", "--output", required=True, help="输出文件，例如 第1课测试.xlsx 或 第1课测试.md")
    p.add_argument("--markdown", action="store_true", help="写成可打印的 Markdown（题目在前，答案与解析在后）")
    p.add_argument("--force", action="store_true", help="输出文件已存在时替换它")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from crmlab import quiz

    args = _parser().parse_args(argv)
    lessons = [1, 2, 3, 4] if [a.lower() for a in args.lessons] == ["all"] else args.lessons
    try:
        path = quiz.export(lessons, args.output, markdown=args.markdown, overwrite=args.force)
    except CRMDataError as exc:
        print(f"没有导出：{exc}", file=sys.stderr)
        return 2
    count = sum(len(quiz.questions(n)) for n in lessons)
    print(f"已导出 {count} 道题到 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
