"""The teacher's class table from a folder of hand-in files.

Command line::

    python -m crmlab.grade 作业文件夹 [-o 班级成绩.xlsx] [--notebooks 学生笔记本]

reads every ``作业_*.zip`` (and ``*.json``) written by :func:`crmlab.submit`,
skips broken files with a Chinese warning, keeps the latest submission of each
student per lesson, and writes an Excel file (sheets 成绩表 and 错题统计, with
the chart) plus ``<output>_错题图.png``: which questions the class got wrong most.

Python API: :func:`class_table` (one row per student, one column per question,
1 = passed, 0 = not passed, empty = lesson not handed in), :func:`missed_questions`
and :func:`plot_missed`.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab._progress import LESSON_TITLES, lesson_questions, lesson_title
from crmlab._submit import FORMAT, SUBMISSION_MEMBER

INFO_COLUMNS = ["姓名", "班级", "学号"]
_MAX_JSON = 5_000_000  # bytes: a submission.json is a few kB


# ---------------------------------------------------------------------------
# reading files
# ---------------------------------------------------------------------------


def _load_json(path: Path) -> Any:
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo(SUBMISSION_MEMBER)
                if info.file_size > _MAX_JSON:
                    raise CRMDataError("里面的 submission.json 太大，不是正常的作业文件")
                raw = zf.read(info)
        except KeyError:
            raise CRMDataError("压缩包里没有 submission.json，不是 crmlab 作业文件") from None
        except (zipfile.BadZipFile, OSError, EOFError):
            raise CRMDataError("不是有效的 zip 文件或已损坏") from None
    else:
        if path.stat().st_size > _MAX_JSON:
            raise CRMDataError("文件太大，不是正常的作业文件")
        raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise CRMDataError("内容不是有效的 JSON（文件可能已损坏）") from None


def read_submission(path: Any) -> dict:
    """The checked content of one hand-in file; :class:`CRMDataError` with the reason if unusable."""
    path = Path(path)
    data = _load_json(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CRMDataError("不是 crmlab 作业文件")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise CRMDataError("文件里没有学生姓名")
    if not isinstance(data.get("results"), dict) or not isinstance(data.get("lessons"), list):
        raise CRMDataError("文件里没有练习结果")
    try:
        when = datetime.fromisoformat(str(data.get("submitted_at")))
    except ValueError:
        raise CRMDataError("提交时间无法识别") from None
    if when.tzinfo is None:
        when = when.astimezone()
    lessons = [k for k in data["lessons"] if k in LESSON_TITLES]
    results = {k: {q: r for q, r in v.items() if isinstance(r, dict)}
               for k, v in data["results"].items() if isinstance(v, dict)}
    who = {k: str(data.get(k) or "").strip() for k in ("class_name", "student_id")}
    return {**data, **who, "lessons": lessons, "results": results, "when": when, "file": path.name, "path": path}


def read_folder(folder: Any) -> tuple[list[dict], list[tuple[str, str]]]:
    """``(submissions, skipped)``: readable hand-in files in ``folder`` and ``(file, reason)`` for the others."""
    where = Path(folder)
    if not where.is_dir():
        raise CRMDataError(f"找不到文件夹「{folder}」：请写收作业的文件夹路径。")
    found, skipped = [], []
    for path in sorted(where.iterdir()):
        if path.name.startswith((".", "~$")) or not path.is_file() or path.suffix.lower() not in (".zip", ".json"):
            continue
        try:
            found.append(read_submission(path))
        except CRMDataError as exc:
            skipped.append((path.name, str(exc)))
        except OSError as exc:
            skipped.append((path.name, f"无法读取（{type(exc).__name__}）"))
    return found, skipped


# ---------------------------------------------------------------------------
# the class table
# ---------------------------------------------------------------------------


def _student_key(sub: dict, ids_by_name: dict[str, set]) -> tuple[str, str]:
    name = " ".join(sub["name"].split())
    sid = str(sub.get("student_id") or "").strip()
    # the same name with different student numbers: two students; otherwise one
    return (name, sid) if len(ids_by_name.get(name, ())) > 1 else (name, "")


def merge_students(submissions: list[dict]) -> tuple[dict, list[str]]:
    """Per student the latest results of each lesson; and Chinese notes on replaced files."""
    ids_by_name: dict[str, set] = {}
    for sub in submissions:
        sid = str(sub.get("student_id") or "").strip()
        if sid:
            ids_by_name.setdefault(" ".join(sub["name"].split()), set()).add(sid)
    students: dict[tuple[str, str], dict] = {}
    replaced = []
    for sub in sorted(submissions, key=lambda s: (s["when"], s["file"])):
        key = _student_key(sub, ids_by_name)
        st = students.setdefault(key, {"name": key[0], "class_name": "", "student_id": key[1],
                                       "lessons": {}, "files": [], "when": sub["when"]})
        st["class_name"] = sub.get("class_name") or st["class_name"]
        st["student_id"] = str(sub.get("student_id") or "") or st["student_id"]
        st["when"], st["files"] = sub["when"], [*st["files"], sub["file"]]
        for lesson in sub["lessons"]:
            if lesson in st["lessons"]:
                replaced.append(f"{key[0]}：{lesson_title(lesson)} 用较新的 {sub['file']} 代替了 "
                                f"{st['lessons'][lesson][1]}")
            st["lessons"][lesson] = (sub["results"].get(lesson) or {}, sub["file"])
    return students, replaced


def question_columns(lessons: list[str]) -> dict[str, list[tuple[str, str]]]:
    """``{lesson: [(question_id, column header), ...]}`` for the lessons handed in."""
    catalogue = lesson_questions()
    short = {k: lesson_title(k).split()[0] for k in LESSON_TITLES}
    return {k: [(q, f"{short[k]}·{name}") for q, name in catalogue.get(k, [])] for k in lessons}


def _student_row(st: dict, columns: dict) -> dict:
    row: dict[str, Any] = {"姓名": st["name"], "班级": st["class_name"], "学号": st["student_id"]}
    for lesson, items in columns.items():
        results = st["lessons"].get(lesson)
        for qid, header in items:
            rec = (results[0].get(qid) if results else None) or {}
            row[header] = (1 if rec.get("passed") else 0) if results else pd.NA
    return row


def class_table(folder: Any) -> pd.DataFrame:
    """One row per student, one column per question (1 / 0 / empty), per-lesson and total scores.

    ``table.attrs["skipped"]`` lists ``(file, reason)`` of unreadable files,
    ``table.attrs["replaced"]`` Chinese notes on older submissions that were replaced.
    """
    submissions, skipped = read_folder(folder)
    students, replaced = merge_students(submissions)
    lessons = [k for k in LESSON_TITLES if any(k in st["lessons"] for st in students.values())]
    columns = question_columns(lessons)
    table = pd.DataFrame([_student_row(st, columns) for st in students.values()],
                         columns=INFO_COLUMNS + [h for items in columns.values() for _q, h in items])
    for col in table.columns[len(INFO_COLUMNS):]:
        table[col] = table[col].astype("Int64")
    for lesson, items in columns.items():
        table[f"{lesson_title(lesson).split()[0]}通过题数"] = table[[h for _q, h in items]].sum(axis=1, min_count=1)
    per_question = table[[h for items in columns.values() for _q, h in items]]
    table["合计通过题数"] = per_question.fillna(0).sum(axis=1).astype(int)
    table["总题数"] = sum(len(items) for items in columns.values())
    table["完成率"] = table["合计通过题数"] / table["总题数"].where(table["总题数"] > 0)
    table["最后提交时间"] = [st["when"].strftime("%Y-%m-%d %H:%M") for st in students.values()]
    table["作业文件数"] = [len(st["files"]) for st in students.values()]
    table = table.sort_values(["班级", "学号", "姓名"], kind="stable").reset_index(drop=True)
    table.attrs.update(skipped=skipped, replaced=replaced, questions=columns)
    return table


def missed_questions(table: pd.DataFrame) -> pd.DataFrame:
    """Per question: students who handed it in but did not pass, out of those who handed it in; most missed first."""
    headers = [h for items in table.attrs.get("questions", {}).values() for _q, h in items]
    if not headers:
        headers = [c for c in table.columns if "·" in str(c)]
    rows = []
    for h in headers:
        col = table[h].dropna()
        rows.append({"练习": h, "未通过人数": int((col == 0).sum()), "提交人数": len(col)})
    out = pd.DataFrame(rows, columns=["练习", "未通过人数", "提交人数"])
    out["未通过率"] = out["未通过人数"] / out["提交人数"].where(out["提交人数"] > 0)
    out["_order"] = range(len(out))
    out = out.sort_values(["未通过人数", "_order"], ascending=[False, True], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def plot_missed(missed: pd.DataFrame, ax=None, top: int = 15):
    """Horizontal bars: the ``top`` questions most students did not pass (none: a note); returns the Axes."""
    from matplotlib.ticker import MaxNLocator

    from crmlab.charts import get_ax

    shown = missed[missed["未通过人数"] > 0].head(top).iloc[::-1]
    _fig, ax = get_ax(ax, figsize=(7, 0.8 + 0.35 * max(len(shown), 1)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if shown.empty:
        text = "还没有作业" if missed.empty else "交了作业的学生都通过了全部练习"
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    else:
        bars = ax.barh(shown["练习"], shown["未通过人数"], color="#b3261e")
        ax.bar_label(bars, labels=[f"{m} / {n}" for m, n in zip(shown["未通过人数"], shown["提交人数"])], padding=3)
        ax.set_xlim(0, max(int(shown["提交人数"].max()), 1) * 1.15)
    ax.set_xlabel("没有通过的学生人数（/ 交了这一课的人数）")
    ax.set_title("全班错得最多的练习")
    return ax


# ---------------------------------------------------------------------------
# report files and command line
# ---------------------------------------------------------------------------


def write_report(table: pd.DataFrame, output: Any) -> tuple[Path, Path]:
    """Write the Excel file (成绩表, 错题统计 + chart) and the PNG chart next to it."""
    import matplotlib.pyplot as plt
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image

    from crmlab.export import to_excel

    out = Path(output)
    missed = missed_questions(table)
    xlsx = to_excel({"成绩表": table, "错题统计": missed}, out, percent=("完成率", "未通过率"), overwrite=True)
    png = xlsx.with_name(f"{xlsx.stem}_错题图.png")
    ax = plot_missed(missed)
    ax.figure.savefig(png, dpi=120)
    plt.close(ax.figure)
    wb = load_workbook(xlsx)
    wb["错题统计"].add_image(Image(str(png)), "G2")
    wb.save(xlsx)
    return xlsx, png


def _notebooks_in(path: Path) -> list[tuple[str, bytes]]:
    """``(file name, content)`` of the notebooks inside a hand-in zip; empty if it cannot be read."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [(Path(i.filename).name, zf.read(i)) for i in zf.infolist()  # the name only: no "../"
                    if i.filename.startswith("notebook/") and i.filename.endswith(".ipynb")]
    except (zipfile.BadZipFile, OSError, EOFError):
        return []


def extract_notebooks(folder: Any, dest: Any) -> list[Path]:
    """Copy the notebooks inside the hand-in files to ``dest`` as ``<姓名>_<notebook>.ipynb`` (latest wins)."""
    from crmlab._submit import safe_name

    submissions, _skipped = read_folder(folder)
    out_dir = Path(dest)
    written: dict[Path, None] = {}
    for sub in sorted(submissions, key=lambda s: (s["when"], s["file"])):
        if sub["path"].suffix.lower() != ".zip":
            continue
        for name, content in _notebooks_in(sub["path"]):
            target = out_dir / f"{safe_name(sub['name'])}_{safe_name(name, '笔记本文件名')}"
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            except OSError:
                raise CRMDataError(f"无法把笔记本写到「{target}」：请检查这个文件夹是否可以写入。") from None
            written[target] = None
    return list(written)


def _report_lines(table: pd.DataFrame) -> list[str]:
    lines = [f"读到 {table['作业文件数'].sum()} 份作业，共 {len(table)} 位学生。"]
    skipped = table.attrs.get("skipped", [])
    if skipped:
        lines.append(f"警告：跳过了 {len(skipped)} 个无法使用的文件：")
        lines += [f"  - {name}：{reason}" for name, reason in skipped]
    for note in table.attrs.get("replaced", []):
        lines.append(f"重复提交：{note}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmlab.grade",
                                     description="把一个文件夹里的学生作业文件汇总成班级成绩表（Excel）和错题图。")
    parser.add_argument("folder", metavar="作业文件夹", help="收作业的文件夹（里面是学生交的 作业_*.zip）")
    parser.add_argument("-o", "--output", metavar="成绩表.xlsx", default="班级成绩.xlsx",
                        help="成绩表文件名（默认：班级成绩.xlsx；错题图保存在它旁边）")
    parser.add_argument("--notebooks", metavar="文件夹", help="把作业里附带的笔记本取出来放到这个文件夹（文件名前加学生姓名）")
    args = parser.parse_args(argv)
    try:
        table = class_table(args.folder)
        for line in _report_lines(table):
            print(line)
        if table.empty:
            print("文件夹里没有可用的作业文件，没有生成成绩表。")
            return 1
        xlsx, png = write_report(table, args.output)
        notebooks = extract_notebooks(args.folder, args.notebooks) if args.notebooks else None
    except CRMDataError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"成绩表：{xlsx}")
    print(f"错题图：{png}")
    if notebooks is not None:
        print(f"取出了 {len(notebooks)} 个笔记本，放在：{args.notebooks}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
