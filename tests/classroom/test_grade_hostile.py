"""The grade command against hostile hand-ins (issue 19): every bad file is skipped with a Chinese reason,
the others are graded; members are size-checked before and while reading; names cannot become formulas.

All hostile files are generated here; the memory-bound cases run in a subprocess under a memory limit.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from crmlab import grade

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _good(name: str = "张三", **extra) -> dict:
    return {"format": "crmlab-submission", "version": 2, "name": name, "class_name": "营销1班", "student_id": "01",
            "lesson": "lesson1", "lessons": ["lesson1"], "submitted_at": datetime.now().astimezone().isoformat(),
            "results": {"lesson1": {"q1": {"passed": True, "attempts": 1}}}, **extra}


def _zip(path, submission, members=()):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("submission.json", submission if isinstance(submission, (str, bytes))
                    else json.dumps(submission, ensure_ascii=False))
        for name, content in members:
            zf.writestr(name, content)
    return path


def _deflate_zeros(n: int) -> tuple[bytes, int]:
    """Raw deflate stream of ``n`` zero bytes (built in pieces: never ``n`` bytes in memory) and its CRC."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts, crc, left = [], 0, n
    while left:
        piece = chunk[: min(left, len(chunk))]
        parts.append(comp.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(comp.flush())
    return b"".join(parts), crc


def _zeros_member(name: str, n: int, declared: int | None = None):
    data, crc = _deflate_zeros(n)
    return name, data, crc, n if declared is None else declared


def _raw_zip(path, members) -> None:
    """A zip written by hand: ``members`` = [(name, deflated data, crc, declared uncompressed size)].

    The declared size may lie (smaller than what the data inflates to), as in a crafted hand-in.
    """
    out, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        raw = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0, crc, len(data), size, len(raw), 0)
        out += raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0, crc, len(data), size,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))


def _member(name: str, content: bytes):
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = comp.compress(content) + comp.flush()
    return name, data, zlib.crc32(content), len(content)


HOSTILE_SUBMISSIONS = {
    "嵌套.zip": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "列表嵌套.zip": "[" * 200_000 + "]" * 200_000,
    "不是json.zip": "{name: 张三",
    "不是utf8.zip": b"\xff\xfe\x00{",
    "空.zip": "",
    "数组.zip": "[1, 2, 3]",
    "无名.zip": json.dumps(_good(name="")),
    "名字是数字列表.zip": json.dumps(_good(name=[1, 2])),
    "结果是列表.zip": json.dumps(_good(results=[1])),
    "课次是数字.zip": json.dumps(_good(lessons=5)),
    "时间坏了.zip": json.dumps(_good(submitted_at="昨天")),
    "时间是字典.zip": json.dumps(_good(submitted_at={"a": 1})),
    "时间超范围.zip": json.dumps(_good(submitted_at="99999-01-01")),
}


@pytest.fixture
def hostile(tmp_path):
    folder = tmp_path / "收作业"
    folder.mkdir()
    _zip(folder / "正常.zip", _good("正常的学生"))
    for name, content in HOSTILE_SUBMISSIONS.items():
        _zip(folder / name, content)
    # usable, but odd: every field mistyped or hostile
    odd = _good("=HYPERLINK(\"http://x\",\"点我\")", class_name="=2+3", student_id=" @SUM(A1)",
                results={"lesson1": {"q1": {"passed": "yes", "attempts": "many"}, "q2": [1], "x": {},
                                     "q3": {"passed": True, "attempts": 1e300}},
                         "lesson9": {"q1": {"passed": True}}, "5": 5},
                lessons=["lesson1", 7, None, "lesson1", {"a": 1}])
    _zip(folder / "公式.zip", odd)
    _zip(folder / "控制字符.zip", _good("李\x00四\u202e\x1b", class_name="\x07班"))
    _zip(folder / (("很长的文件名" * 30)[:80] + ".zip"), _good("很长的名字" * 30))
    # oversized members: declared size too big, too many members, a notebook that is not JSON
    _raw_zip(folder / "大json.zip", [_zeros_member("submission.json", 3_000_000)])
    _zip(folder / "很多文件.zip", _good("文件多"), [(f"x/{i}.txt", "x") for i in range(400)])
    _zip(folder / "坏笔记本.zip", _good("坏笔记本的学生"), [("notebook/a.ipynb", "{not json")])
    (folder / "坏文件.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    (folder / "大.json").write_bytes(b" " * 3_000_000)
    return folder


def test_one_bad_hand_in_never_stops_the_run(hostile, tmp_path, capsys):
    table = grade.class_table(hostile)
    skipped = dict(table.attrs["skipped"])
    expected_skips = set(HOSTILE_SUBMISSIONS) | {"大json.zip", "很多文件.zip", "坏文件.zip", "大.json"}
    assert set(skipped) == expected_skips
    assert all(CHINESE.search(reason) and "Traceback" not in reason for reason in skipped.values())
    assert "嵌套层数过多" in skipped["嵌套.zip"] and "嵌套层数过多" in skipped["列表嵌套.zip"]
    assert "超过上限" in skipped["大json.zip"] and "太多" in skipped["很多文件.zip"]
    assert "提交时间" in skipped["时间超范围.zip"]
    names = set(table["姓名"])
    assert {"正常的学生", "文件多"} - names == {"文件多"}
    assert "坏笔记本的学生" in names  # the results still count; the notebook is noted
    assert any("笔记本" in note for who, note in table.attrs["notes"] if who == "坏笔记本的学生")
    assert "李四" in names  # control characters removed
    assert any(n.startswith("很长的名字" * 19) and len(n) == 100 for n in names)  # long names shortened, kept
    odd = table.set_index("姓名").loc['=HYPERLINK("http://x","点我")']
    # "yes" is not True and "many" is no count: an unusable record counts as not tried; absurd counts are capped
    assert pd.isna(odd["第1课·练习1"]) and odd["第1课·练习3"] == 1 and pd.isna(odd["第1课·练习2"])
    assert grade.main([str(hostile), "-o", str(tmp_path / "成绩.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert f"跳过了 {len(expected_skips)} 个" in printed and "大json.zip" in printed


def test_formula_text_from_hand_ins_is_written_as_text(hostile, tmp_path):
    out = tmp_path / "成绩.xlsx"
    assert grade.main([str(hostile), "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    cells = [c for row in wb["成绩表"].iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if re.match(r"^\s*[=+\-@]", c.value)]
    assert {c.value for c in risky} >= {'=HYPERLINK("http://x","点我")', "=2+3", "@SUM(A1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet  # no formula anywhere in the class table
    assert "跳过的文件" in wb.sheetnames


def test_declared_size_that_lies_is_caught_while_reading(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    real = json.dumps(_good("撒谎的人")).encode("utf-8")
    name, data, crc, _size = _member("submission.json", real + b" " * 5_000_000)
    _raw_zip(folder / "谎报大小.zip", [(name, data, crc, len(real))])  # claims to be small
    _zip(folder / "正常.zip", _good("正常的学生"))
    table = grade.class_table(folder)
    assert table["姓名"].tolist() == ["正常的学生"]
    assert "损坏" in dict(table.attrs["skipped"])["谎报大小.zip"]


def test_notebook_extraction_survives_bad_members_and_long_names(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    nb = json.dumps({"cells": [], "nbformat": 4}).encode("utf-8")
    _zip(folder / "a.zip", _good("张三"), [("notebook/" + "长" * 200 + ".ipynb", nb)])
    _raw_zip(folder / "b.zip", [_member("submission.json", json.dumps(_good("李四")).encode("utf-8")),
                                _zeros_member("notebook/b.ipynb", 40_000_000)])
    _zip(folder / "c.zip", _good("王五\x00/../../x"), [("notebook/../../逃出去.ipynb", nb)])
    written, notes = grade.extract_notebooks(folder, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert len(names) == 2 and all(p.parent == tmp_path / "out" for p in written)
    assert any(n.startswith("王五") and n.endswith("逃出去.ipynb") for n in names)
    assert len(notes) == 1 and "李四" not in notes[0] and "b.zip" in notes[0] and "超过上限" in notes[0]


_MEMORY_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    from crmlab import grade
    import pandas, openpyxl, matplotlib.pyplot  # everything the run needs, loaded before the limit
    with open("/proc/self/status") as fh:
        vm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize"))
    limit = vm + 400 * 1024 * 1024  # 400 MB above what is loaded: far below the 1.15 GB the bomb inflates to
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    code = grade.main([sys.argv[1], "-o", sys.argv[2], "--notebooks", sys.argv[3]])
    print("EXIT", code)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="memory limit via RLIMIT_AS and /proc: Linux only")
def test_zip_bombs_are_refused_under_a_memory_limit(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bomb, crc = _deflate_zeros(1_150_000_000)  # about 1.1 MB that inflates to 1.15 GB
    sub = _member("submission.json", json.dumps(_good("炸弹一")).encode("utf-8"))
    _raw_zip(folder / "炸弹_如实登记.zip", [sub, ("notebook/a.ipynb", bomb, crc, 1_150_000_000)])
    sub2 = _member("submission.json", json.dumps(_good("炸弹二")).encode("utf-8"))
    _raw_zip(folder / "炸弹_谎报大小.zip", [sub2, ("notebook/a.ipynb", bomb, crc, 20_000_000)])
    _raw_zip(folder / "炸弹_作业本身.zip", [("submission.json", bomb, crc, 1_000_000)])
    _zip(folder / "正常.zip", _good("正常的学生"))
    run = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(folder), str(tmp_path / "成绩.xlsx"),
                          str(tmp_path / "笔记本")], capture_output=True, text=True, timeout=600)
    assert "EXIT 0" in run.stdout, run.stdout + run.stderr
    assert "MemoryError" not in run.stdout + run.stderr and "Traceback" not in run.stderr
    assert "炸弹_如实登记.zip" in run.stdout and "超过上限" in run.stdout
    assert "炸弹_作业本身.zip" in run.stdout
    table = openpyxl.load_workbook(tmp_path / "成绩.xlsx")["成绩表"]
    names = {table.cell(row=r, column=1).value for r in range(2, table.max_row + 1)}
    assert "正常的学生" in names and "炸弹二" in names  # its results count, its notebook is refused


def test_total_read_budget_skips_the_rest_with_a_reason(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        _zip(folder / f"{i}.zip", _good(f"学生{i}"), [("notebook/a.ipynb", json.dumps({"cells": [], "pad": "x" * 4000}))])
    size = len(json.dumps(_good("学生0")).encode("utf-8")) + 4100
    monkeypatch.setattr(grade, "RUN_BUDGET", 2 * size + 10)
    table = grade.class_table(folder)
    assert table["姓名"].tolist() == ["学生0", "学生1"]
    skipped = dict(table.attrs["skipped"])
    assert set(skipped) == {"2.zip", "3.zip"} and all("总量已到上限" in r for r in skipped.values())
