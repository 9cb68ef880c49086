"""The teacher's class table from a folder of hand-in files.

Command line::

    python -m crmlab.grade 作业文件夹 [-o 班级成绩.xlsx] [--notebooks 学生笔记本] [--overwrite]

reads every ``作业_*.zip`` (and ``*.json``) written by :func:`crmlab.submit`,
skips broken, oversized or hostile files with a Chinese reason (one bad file never
stops the run), keeps the latest submission of each student per lesson, and writes
an Excel file (成绩表, 错题统计 with the chart, 记录冲突, 跳过的文件) plus
``<output>_错题图.png``.

Each question's result is the union of two sources: the checks stored on the
student's computer (``results`` in ``submission.json``) and the check records the
saved notebook shows (its :data:`crmlab.exercises.RECORD_MIME` outputs).  When they
disagree the table keeps the union and the disagreement is listed as a conflict
for the teacher to look at, instead of being silently resolved.

Python API: :func:`class_table` (one row per student, one column per question:
1 = passed, 0 = tried and not passed, empty = not tried or lesson not handed in),
:func:`missed_questions` and :func:`plot_missed`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.exercises.progress import lesson_questions
from crmlab.labels import LESSON_TITLES
from crmlab.records import lesson_title
from crmlab.submission import FORMAT, SUBMISSION_MEMBER, notebook_records, summarise_records

INFO_COLUMNS = ["姓名", "班级", "学号"]
MAX_JSON = 2_000_000  # bytes: a submission.json is a few kB
MAX_NOTEBOOK = 30_000_000  # bytes, uncompressed
MAX_ZIP_TOTAL = 80_000_000  # bytes, all members of one hand-in together (declared)
MAX_MEMBERS = 300
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB: more is a zip bomb
RUN_BUDGET = 1_500_000_000  # bytes read in one run, all files together
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# ---------------------------------------------------------------------------
# bounded reading
# ---------------------------------------------------------------------------


@dataclass
class Budget:
    """Bytes this run may still read from all hand-in files together (default :data:`RUN_BUDGET`)."""

    left: int = field(default_factory=lambda: RUN_BUDGET)

    def take(self, n: int) -> None:
        if n > self.left:
            raise CRMDataError("本次批改读取的数据总量已到上限，剩下的文件没有读：请把作业分成几个文件夹分别批改")
        self.left -= n


def clean_text(value: Any, limit: int = 100) -> str:
    """Text from a hand-in, safe to show and to write to Excel: no control characters, bounded length."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int, float)):
        return ""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", str(value)))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} KB"


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, budget: Budget) -> bytes:
    """A zip member's content, refused before reading when its declared size or ratio is too big,
    and while reading when the actual size goes beyond the declared one or the limit."""
    if info.file_size > limit:
        raise CRMDataError(f"「{clean_text(info.filename, 60)}」解压后有 {_size(info.file_size)}，超过上限 {_size(limit)}")
    if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise CRMDataError(f"「{clean_text(info.filename, 60)}」的压缩比异常（疑似“压缩炸弹”），没有解压")
    budget.take(info.file_size)
    chunks, total = [], 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            total += len(chunk)
            if total > min(limit, info.file_size):
                raise CRMDataError(f"「{clean_text(info.filename, 60)}」实际内容比登记的大小还大，文件被改动过")
            chunks.append(chunk)
    return b"".join(chunks)


def _check_zip(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise CRMDataError(f"压缩包里有 {len(infos)} 个文件，太多了，不是正常的作业文件")
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_TOTAL:
        raise CRMDataError(f"压缩包解压后共 {_size(total)}，超过上限 {_size(MAX_ZIP_TOTAL)}")
    return infos


def _parse_json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise CRMDataError(f"{what}不是有效的 JSON（文件可能已损坏）") from None
    except RecursionError:
        raise CRMDataError(f"{what}嵌套层数过多，不是正常的作业文件") from None


def _load_zip(path: Path, budget: Budget) -> tuple[Any, dict | None, list[str]]:
    """``(submission JSON, notebook JSON or None, notes)`` of a hand-in zip."""
    notes: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _check_zip(zf)
            by_name = {i.filename: i for i in infos}
            if SUBMISSION_MEMBER not in by_name:
                raise CRMDataError("压缩包里没有 submission.json，不是 crmlab 作业文件")
            data = _parse_json(read_member(zf, by_name[SUBMISSION_MEMBER], MAX_JSON, budget), "submission.json ")
            notebook = None
            members = [i for i in infos if i.filename.startswith("notebook/") and i.filename.endswith(".ipynb")]
            if members:
                try:
                    notebook = _parse_json(read_member(zf, members[0], MAX_NOTEBOOK, budget), "笔记本")
                except CRMDataError as exc:
                    notes.append(f"附带的笔记本没有读：{exc}")
                except (zipfile.BadZipFile, EOFError, zlib.error):
                    notes.append("附带的笔记本已损坏（内容和登记的大小或校验码不符），没有读")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error):
        raise CRMDataError("不是有效的 zip 文件或已损坏") from None
    return data, notebook if isinstance(notebook, dict) else None, notes


def _load(path: Path, budget: Budget) -> tuple[Any, dict | None, list[str]]:
    if path.suffix.lower() == ".zip":
        return _load_zip(path, budget)
    size = path.stat().st_size
    if size > MAX_JSON:
        raise CRMDataError(f"文件有 {_size(size)}，太大，不是正常的作业文件")
    budget.take(size)
    return _parse_json(path.read_bytes(), "内容"), None, []


# ---------------------------------------------------------------------------
# checking a submission's content (never trust its types)
# ---------------------------------------------------------------------------


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return 0
    return int(min(max(value, 0), 1_000_000))


def _clean_record(rec: dict) -> dict:
    passed = rec.get("passed") is True
    return {"passed": passed, "attempts": max(_count(rec.get("attempts")), int(passed)),
            "solution_before_pass": rec.get("solution_before_pass") is True,
            "solution": bool(rec.get("solution_seen")) or _count(rec.get("solution_views")) > 0}


def _clean_results(results: Any) -> dict:
    out: dict[str, dict] = {}
    for lesson, recs in results.items() if isinstance(results, dict) else ():
        if lesson in LESSON_TITLES and isinstance(recs, dict):
            out[lesson] = {q: _clean_record(r) for q, r in recs.items()
                           if isinstance(q, str) and re.fullmatch(r"q\d{1,3}", q) and isinstance(r, dict)}
    return out


def _when(value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(str(value)[:40])
    except (ValueError, TypeError, OverflowError):
        raise CRMDataError("提交时间无法识别") from None
    return when.astimezone() if when.tzinfo is None else when


def _own_records(notebook: dict | None, name: str, lessons: list[str]) -> tuple[dict, list[str]]:
    """The notebook's results (only records of this student or without a name) and notes on others."""
    if notebook is None:
        return {}, []
    records = notebook_records(notebook)
    others = sorted({clean_text(r["student"], 40) for r in records if r.get("student") and r["student"] != name})
    mine = [r for r in records if not r.get("student") or r["student"] == name]
    notes = [f"笔记本里有 {sum(r.get('student') == o for r in records)} 条检查记录属于「{o}」，没有计入"
             for o in others]
    return summarise_records(mine, lessons), notes


def check_submission(data: Any, notebook: dict | None = None) -> dict:
    """The usable content of a hand-in; :class:`CRMDataError` with the reason if it has none."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CRMDataError("不是 crmlab 作业文件")
    name = clean_text(data.get("name"))
    if not name:
        raise CRMDataError("文件里没有学生姓名")
    if not isinstance(data.get("results"), dict) or not isinstance(data.get("lessons"), list):
        raise CRMDataError("文件里没有练习结果")
    lessons = list(dict.fromkeys(k for k in data["lessons"] if isinstance(k, str) and k in LESSON_TITLES))
    shown, notes = _own_records(notebook, name, lessons)
    return {"name": name, "class_name": clean_text(data.get("class_name"), 50),
            "student_id": clean_text(data.get("student_id"), 50), "lessons": lessons,
            "results": _clean_results(data["results"]), "notebook_results": shown,
            "has_notebook": notebook is not None, "when": _when(data.get("submitted_at")), "notes": notes}


def read_submission(path: Any, budget: Budget | None = None) -> dict:
    """The checked content of one hand-in file; :class:`CRMDataError` with the reason if unusable."""
    path = Path(path)
    data, notebook, notes = _load(path, budget or Budget())
    sub = check_submission(data, notebook)
    sub["notes"] = notes + sub["notes"]
    return {**sub, "file": clean_text(path.name, 200), "path": path}


def read_folder(folder: Any) -> tuple[list[dict], list[tuple[str, str]]]:
    """``(submissions, skipped)``: readable hand-in files in ``folder`` and ``(file, reason)`` for the others.

    Never raises for one file: anything unexpected is a skipped file with its reason.
    """
    where = Path(folder)
    if not where.is_dir():
        raise CRMDataError(f"找不到文件夹「{folder}」：请写收作业的文件夹路径。")
    found, skipped = [], []
    budget = Budget()
    for path in sorted(where.iterdir()):
        shown = clean_text(path.name, 200)
        try:
            if path.name.startswith((".", "~$")) or not path.is_file() or path.suffix.lower() not in (".zip", ".json"):
                continue
            found.append(read_submission(path, budget))
        except CRMDataError as exc:
            skipped.append((shown, str(exc)))
        except OSError as exc:
            skipped.append((shown, f"无法读取（{type(exc).__name__}）"))
        except (MemoryError, RecursionError):
            skipped.append((shown, "文件内容过大或过于复杂，无法读取"))
        except Exception as exc:  # noqa: BLE001 - one hostile file never stops the class table
            skipped.append((shown, f"无法读取（{type(exc).__name__}）"))
    return found, skipped


# ---------------------------------------------------------------------------
# the class table
# ---------------------------------------------------------------------------


def _student_key(sub: dict, ids_by_name: dict[str, set]) -> tuple[str, str]:
    name = sub["name"]
    sid = sub["student_id"]
    # the same name with different student numbers: two students; otherwise one
    return (name, sid) if len(ids_by_name.get(name, ())) > 1 else (name, "")


def merge_students(submissions: list[dict]) -> tuple[dict, list[str]]:
    """Per student the latest hand-in of each lesson; and Chinese notes on replaced files."""
    ids_by_name: dict[str, set] = {}
    for sub in submissions:
        if sub["student_id"]:
            ids_by_name.setdefault(sub["name"], set()).add(sub["student_id"])
    students: dict[tuple[str, str], dict] = {}
    replaced = []
    for sub in sorted(submissions, key=lambda s: (s["when"], s["file"])):
        key = _student_key(sub, ids_by_name)
        st = students.setdefault(key, {"name": key[0], "class_name": "", "student_id": key[1],
                                       "lessons": {}, "files": [], "when": sub["when"], "notes": []})
        st["class_name"] = sub["class_name"] or st["class_name"]
        st["student_id"] = sub["student_id"] or st["student_id"]
        st["when"], st["files"] = sub["when"], [*st["files"], sub["file"]]
        st["notes"] += [f"{sub['file']}：{n}" for n in sub["notes"]]
        for lesson in sub["lessons"]:
            if lesson in st["lessons"]:
                replaced.append(f"{key[0]}：{lesson_title(lesson)} 用较新的 {sub['file']} 代替了 "
                                f"{st['lessons'][lesson]['file']}")
            st["lessons"][lesson] = {"store": sub["results"].get(lesson, {}),
                                     "notebook": sub["notebook_results"].get(lesson, {}),
                                     "has_notebook": sub["has_notebook"], "file": sub["file"]}
    return students, replaced


def question_columns(lessons: list[str]) -> dict[str, list[tuple[str, str]]]:
    """``{lesson: [(question_id, column header), ...]}`` for the lessons handed in."""
    catalogue = lesson_questions()
    short = {k: lesson_title(k).split()[0] for k in LESSON_TITLES}
    return {k: [(q, f"{short[k]}·{name}") for q, name in catalogue.get(k, [])] for k in lessons}


def combine(store: dict | None, shown: dict | None) -> tuple[Any, bool, str]:
    """One question: ``(1 / 0 / NA, looked at the solution before passing, conflict text or "")``."""
    store, shown = store or {}, shown or {}
    tried_s, tried_n = store.get("attempts", 0), shown.get("attempts", 0)
    pass_s, pass_n = store.get("passed", False), shown.get("passed", False)
    if not (tried_s or tried_n or pass_s or pass_n):
        return pd.NA, False, ""
    passed = pass_s or pass_n
    conflict = ""
    if pass_n and tried_s and not pass_s:
        conflict = f"笔记本里显示通过，电脑上的记录是试了 {tried_s} 次都没通过"
    elif pass_s and tried_n and not pass_n:
        conflict = "电脑上的记录是通过了，笔记本里最后显示的是答错"
    # the store knows whether the solution came before the pass; the notebook only shows it was looked at
    early = store.get("solution_before_pass", False) if store.get("solution") else shown.get("solution", False)
    return int(passed), bool(passed and early), conflict


def _student_row(st: dict, columns: dict) -> tuple[dict, list[str], list[tuple[str, str]]]:
    row: dict[str, Any] = {"姓名": st["name"], "班级": st["class_name"], "学号": st["student_id"]}
    early, conflicts = [], []
    for lesson, items in columns.items():
        got = st["lessons"].get(lesson)
        short = lesson_title(lesson).split()[0]
        for qid, header in items:
            if got is None:
                row[header] = pd.NA
                continue
            value, seen, conflict = combine(got["store"].get(qid), got["notebook"].get(qid))
            row[header] = value
            if seen:
                early.append(header)
            if conflict:
                conflicts.append((header, conflict))
        row[f"{short}通过题数"] = (sum(row[h] == 1 for _q, h in items if row[h] is not pd.NA)
                                if got is not None else pd.NA)
    return row, early, conflicts


def class_table(folder: Any) -> pd.DataFrame:
    """One row per student, one column per question (1 / 0 / empty), per-lesson and total scores.

    ``table.attrs``: ``skipped`` ``(file, reason)`` of unusable files, ``replaced`` notes on
    older submissions, ``conflicts`` ``(student, question, text)`` where the stored and the
    notebook's records disagree, ``notes`` other remarks per student.
    """
    submissions, skipped = read_folder(folder)
    students, replaced = merge_students(submissions)
    lessons = [k for k in LESSON_TITLES if any(k in st["lessons"] for st in students.values())]
    columns = question_columns(lessons)
    q_headers = [h for items in columns.values() for _q, h in items]
    rows, conflicts, notes = [], [], []
    for st in students.values():
        row, early, found = _student_row(st, columns)
        row["通过前看过答案"] = "、".join(early)
        row["记录冲突"] = len(found)
        rows.append(row)
        conflicts += [(st["name"], h, text) for h, text in found]
        notes += [(st["name"], n) for n in st["notes"]]
    lesson_cols = [f"{lesson_title(k).split()[0]}通过题数" for k in columns]
    table = pd.DataFrame(rows, columns=INFO_COLUMNS + q_headers + lesson_cols + ["通过前看过答案", "记录冲突"])
    for col in q_headers + lesson_cols:
        table[col] = table[col].astype("Int64")
    table["合计通过题数"] = table[q_headers].eq(1).sum(axis=1).astype(int) if q_headers else 0
    table["总题数"] = len(q_headers)
    table["完成率"] = table["合计通过题数"] / table["总题数"].where(table["总题数"] > 0)
    table["最后提交时间"] = [st["when"].strftime("%Y-%m-%d %H:%M") for st in students.values()]
    table["作业文件数"] = [len(st["files"]) for st in students.values()]
    table = table.sort_values(["班级", "学号", "姓名"], kind="stable").reset_index(drop=True)
    table.attrs.update(skipped=skipped, replaced=replaced, questions=columns, conflicts=conflicts, notes=notes)
    return table


def missed_questions(table: pd.DataFrame) -> pd.DataFrame:
    """Per question, counting attempts only: 做错人数 / 做过人数, and 未做人数 (handed the lesson in, not tried)."""
    columns = table.attrs.get("questions") or {}
    rows = []
    for lesson, items in columns.items():
        handed = table[f"{lesson_title(lesson).split()[0]}通过题数"].notna()
        for _q, h in items:
            col = table.loc[handed, h]
            wrong, tried = int((col == 0).sum()), int(col.notna().sum())
            untried = int(col.isna().sum())
            text = f"{wrong} / {tried} 做错" + (f"，{untried} 人未做" if untried else "")
            rows.append({"练习": h, "做错人数": wrong, "做过人数": tried, "未做人数": untried, "说明": text})
    out = pd.DataFrame(rows, columns=["练习", "做错人数", "做过人数", "未做人数", "说明"])
    out.insert(4, "做错率", out["做错人数"] / out["做过人数"].where(out["做过人数"] > 0))
    out["_order"] = range(len(out))
    out = out.sort_values(["做错人数", "_order"], ascending=[False, True], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def plot_missed(missed: pd.DataFrame, ax=None, top: int = 15):
    """Horizontal bars: the ``top`` questions most students got wrong (attempts only); returns the Axes."""
    from matplotlib.ticker import MaxNLocator

    from crmlab.charts import get_ax

    shown = missed[missed["做错人数"] > 0].head(top).iloc[::-1]
    _fig, ax = get_ax(ax, figsize=(7.5, 0.8 + 0.35 * max(len(shown), 1)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if shown.empty:
        text = "还没有作业" if missed.empty else "做过的学生都做对了"
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    else:
        bars = ax.barh(shown["练习"], shown["做错人数"], color="#b3261e")
        ax.bar_label(bars, labels=list(shown["说明"]), padding=3)
        ax.set_xlim(0, max(int(shown["做过人数"].max()), 1) * 1.6)
    ax.set_xlabel("做错的学生人数（只数做过这道题的人；没做的不算做错）")
    ax.set_title("全班错得最多的练习")
    return ax


# ---------------------------------------------------------------------------
# report files and command line
# ---------------------------------------------------------------------------


def _extra_sheets(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    sheets = {}
    if table.attrs.get("conflicts"):
        sheets["记录冲突"] = pd.DataFrame(table.attrs["conflicts"], columns=["姓名", "练习", "两种记录的差别"])
    skipped = table.attrs.get("skipped") or []
    if skipped:
        sheets["跳过的文件"] = pd.DataFrame(skipped, columns=["文件", "原因"])
    return sheets


def write_report(table: pd.DataFrame, output: Any, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write the Excel file (成绩表, 错题统计 + chart, 记录冲突, 跳过的文件) and the PNG chart next to it.

    An existing file is kept and a new name is used (``班级成绩(2).xlsx``) unless ``overwrite``.
    """
    import matplotlib.pyplot as plt
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image

    from crmlab.export import free_path, to_excel

    missed = missed_questions(table)
    sheets = {"成绩表": table, "错题统计": missed, **_extra_sheets(table)}
    xlsx = to_excel(sheets, Path(output), percent=("完成率", "做错率"), overwrite=overwrite)
    png = xlsx.with_name(f"{xlsx.stem}_错题图.png")
    png = png if overwrite else free_path(png)
    ax = plot_missed(missed)
    ax.figure.savefig(png, dpi=120)
    plt.close(ax.figure)
    wb = load_workbook(xlsx)
    wb["错题统计"].add_image(Image(str(png)), "H2")
    wb.save(xlsx)
    return xlsx, png


def _notebooks_in(path: Path, budget: Budget) -> list[tuple[str, bytes]]:
    """``(file name, content)`` of the notebooks inside a hand-in zip (bounded); empty if it cannot be read."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for info in _check_zip(zf):
            if info.filename.startswith("notebook/") and info.filename.endswith(".ipynb"):
                out.append((Path(info.filename).name, read_member(zf, info, MAX_NOTEBOOK, budget)))
    return out


def _file_part(text: str, limit: int) -> str:
    part = re.sub(r'[\\/:*?"<>|]+', "", clean_text(text, 10_000)).strip(" ._")
    part = re.sub(r"\s+", "_", part)
    return (part[:limit] or "未命名")


def extract_notebooks(folder: Any, dest: Any) -> tuple[list[Path], list[str]]:
    """Copy the notebooks in the hand-in files to ``dest`` as ``<姓名>_<notebook>.ipynb`` (latest wins).

    Returns the written files and Chinese notes on the notebooks that could not be extracted.
    """
    submissions, _skipped = read_folder(folder)
    out_dir = Path(dest)
    written: dict[Path, None] = {}
    notes, budget = [], Budget()
    for sub in sorted(submissions, key=lambda s: (s["when"], s["file"])):
        if sub["path"].suffix.lower() != ".zip":
            continue
        try:
            for name, content in _notebooks_in(sub["path"], budget):
                stem = _file_part(Path(name).stem, 80)
                target = out_dir / f"{_file_part(sub['name'], 60)}_{stem}.ipynb"
                out_dir.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                written[target] = None
        except (CRMDataError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
            notes.append(f"{sub['file']}：笔记本没有取出（{exc if isinstance(exc, CRMDataError) else type(exc).__name__}）")
    return list(written), notes


def _report_lines(table: pd.DataFrame) -> list[str]:
    lines = [f"读到 {table['作业文件数'].sum()} 份作业，共 {len(table)} 位学生。"]
    skipped = table.attrs.get("skipped", [])
    if skipped:
        lines.append(f"警告：跳过了 {len(skipped)} 个无法使用的文件：")
        lines += [f"  - {name}：{reason}" for name, reason in skipped]
    for note in table.attrs.get("replaced", []):
        lines.append(f"重复提交：{note}")
    conflicts = table.attrs.get("conflicts", [])
    if conflicts:
        lines.append(f"记录冲突：{len(conflicts)} 处电脑上的记录和笔记本里的记录不一致（表里按“任一记录通过”计，"
                     "请在“记录冲突”工作表里逐条查看）：")
        lines += [f"  - {who} {q}：{text}" for who, q, text in conflicts[:30]]
    lines += [f"说明：{who}：{note}" for who, note in table.attrs.get("notes", [])]
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crmlab.grade",
                                     description="把一个文件夹里的学生作业文件汇总成班级成绩表（Excel）和错题图。")
    parser.add_argument("folder", metavar="作业文件夹", help="收作业的文件夹（里面是学生交的 作业_*.zip）")
    parser.add_argument("-o", "--output", metavar="成绩表.xlsx", default="班级成绩.xlsx",
                        help="成绩表文件名（默认：班级成绩.xlsx；错题图保存在它旁边；已有同名文件时另起新名）")
    parser.add_argument("--notebooks", metavar="文件夹", help="把作业里附带的笔记本取出来放到这个文件夹（文件名前加学生姓名）")
    parser.add_argument("--overwrite", action="store_true", help="覆盖已有的同名成绩表和错题图")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        table = class_table(args.folder)
        for line in _report_lines(table):
            print(line)
        if table.empty:
            print("文件夹里没有可用的作业文件，没有生成成绩表。")
            return 1
        xlsx, png = write_report(table, args.output, overwrite=args.overwrite)
        extracted = extract_notebooks(args.folder, args.notebooks) if args.notebooks else None
    except CRMDataError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if Path(xlsx).name != Path(args.output).with_suffix(".xlsx").name:
        print(f"「{Path(args.output).name}」已经存在，没有覆盖；这次写成了新文件（要覆盖请加 --overwrite）。")
    print(f"成绩表：{xlsx}")
    print(f"错题图：{png}")
    if extracted is not None:
        print(f"取出了 {len(extracted[0])} 个笔记本，放在：{args.notebooks}")
        for note in extracted[1]:
            print(f"  - {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
