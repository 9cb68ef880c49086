"""Lesson 1 notebook: the core track fits the class (issue 14) and carries the syllabus (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "notebooks" / "01_identify_customers.ipynb"
SOLUTION = ROOT / "solutions" / "01_identify_customers.ipynb"
HAN = re.compile(r"[\u4e00-\u9fff]")
IDENT = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
CODE_SPAN = re.compile(r"`[^`]*`")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _optional(cell: dict) -> bool:
    return "optional" in cell.get("metadata", {}).get("tags", [])


def _src(cell: dict) -> str:
    return "".join(cell["source"])


def _core_markdown(path: Path = LESSON) -> list[str]:
    return [_src(c) for c in _cells(path) if c["cell_type"] == "markdown" and not _optional(c)]


def _tables_and_figures(cell: dict) -> int:
    n = 0
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data or "image/svg+xml" in data or "<table" in "".join(data.get("text/html", "")):
            n += 1
    return n


def test_core_budget():
    chars = sum(len(HAN.findall(text)) for text in _core_markdown())
    shown = sum(_tables_and_figures(c) for c in _cells(LESSON) if c["cell_type"] == "code" and not _optional(c))
    assert chars <= 3600, f"core prose has {chars} Chinese characters"
    assert shown <= 30, f"core shows {shown} tables and figures"
    assert shown >= 15  # the executed notebook really shows its tables and charts


def test_optional_sections_are_headed_extension():
    cells = _cells(LESSON)
    optional = [i for i, c in enumerate(cells) if _optional(c)]
    assert len(optional) >= 15  # BG/NBD, discounted CLV, life-cycle rules ... are kept as 拓展
    starts = [i for i in optional if i == 0 or not _optional(cells[i - 1])]
    for i in starts:  # every optional block opens with a heading that starts with 拓展
        first = _src(cells[i]).lstrip()
        assert cells[i]["cell_type"] == "markdown" and re.match(r"#+ 拓展", first), first[:40]
    text = " ".join(_src(cells[i]) for i in optional)
    for topic in ("BG/NBD", "折现", "电信五阶段", "高危客户"):
        assert topic in text
    # issue 18: one stated discounting convention, the life-cycle rules in numbers and how well they recover
    assert "每期的利润在期末到账" in text
    code = " ".join(_src(cells[i]) for i in optional)
    assert "stage_rules()" in code and "stage_confusion(" in code


def test_no_code_identifiers_or_developer_notes_in_core_prose():
    for text in _core_markdown():
        plain = CODE_SPAN.sub("", text)
        assert not IDENT.findall(plain), IDENT.findall(plain)
        assert "crmlab." not in plain
        assert '"' not in plain.replace("\\\"", ""), "use “” quotes in prose"


def test_class_rhythm_and_syllabus_items():
    core = "\n".join(_core_markdown())
    for heading in ("知识目标", "能力目标", "素质目标", "案例导入", "新知", "课堂互动", "## 小结", "### 课后测试", "## 作业"):
        assert heading in core, heading
    for concept in ("内部客户", "外部客户", "交易型客户", "关系型客户", "以客户为中心", "非客户", "精力成本", "体力成本"):
        assert concept in core, concept
    for case in ("案例：W 电梯与 T 公司", "案例：福田汽车"):
        assert case in core
    assert "365 天" in core and "180 天没买算流失" not in core
    assert "华禾" not in core  # examples come from the group's own company
    code = "\n".join(_src(c) for c in _cells(LESSON) if c["cell_type"] == "code")
    assert "crmlab.quiz.show(1)" in code
    assert "churn_days=180" not in code


def test_core_rule_tables_show_numbers():
    for c in _cells(LESSON):
        if c["cell_type"] != "code" or _optional(c):
            continue
        for out in c.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            for name in ("churn_days", "non_customer_days", "explore_days", "decline", "loyal_min_orders",
                         "novelty_high", "top_share", "window_days"):
                assert name not in html, (name, _src(c)[:60])


def test_non_customers_on_the_course_date_in_the_output():
    outputs = []
    for c in _cells(LESSON):
        if "customer_states" in _src(c) or "state_counts" in _src(c):
            outputs += ["".join(o.get("data", {}).get("text/html", "")) for o in c.get("outputs", [])]
    html = " ".join(outputs)
    assert "非客户" in html and "540 天" in html


@pytest.mark.parametrize("path", [SOLUTION])
def test_solutions_show_core_and_extension_sections(path):
    cells = _cells(path)
    text = [_src(c) for c in cells]
    assert "crmlab.student_form()" in text[1]
    core_start = next(i for i, t in enumerate(text) if t.startswith("## 基础练习"))
    ext_start = next(i for i, t in enumerate(text) if t.startswith("## 拓展练习"))
    assert core_start < ext_start
    assert all(_optional(c) for c in cells[ext_start:ext_start + 20])
    assert not any(_optional(c) for c in cells[core_start:ext_start])
    assert any(t.startswith("## 交作业") for t in text) and "crmlab.handin(lesson=1)" in text[-1]
    core_checks = [t for t in text[core_start:ext_start] if ".check(answer)" in t]
    assert len(core_checks) >= 8


def test_solution_notebook_answers_pass():
    """Run the solution notebook's code (without the identity and hand-in widgets): every check is correct."""
    import crmlab

    ns: dict = {"crmlab": crmlab}
    results = {}
    for cell in _cells(SOLUTION):
        src = _src(cell)
        if cell["cell_type"] != "code" or "student_form" in src or "handin" in src:
            continue
        m = re.search(r"(q\d+)\.check\(answer\)", src)
        exec(src.replace(m.group(0), "") if m else src, ns)
        if m:
            results[m.group(1)] = ns[m.group(1)].check(ns["answer"]).correct
    assert len(results) == 21 and all(results.values()), results
