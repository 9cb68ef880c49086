"""Lesson 3 for learners who do not program (issues 14 and 15).

* the core path of notebooks/03_segmentation.ipynb fits the budget (≤ 3,600 Chinese characters of
  markdown outside 拓展, ≤ 30 tables + figures), 拓展 cells are tagged and headed, the prose has
  no code identifiers, one quote style, the seed's goals, case cards, classroom activity, quiz
  and homework;
* at least 8 core questions need no code; the right answers pass and the typical wrong answers
  get their targeted message; the answers that come from data follow the group (0-4);
* the solutions notebook has a 基础 and a 拓展 section, the student form first and the hand-in last.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import crmlab
import crmlab.exercises
from crmlab.exercises import lesson3 as L

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "notebooks" / "03_segmentation.ipynb"
SOLUTIONS = ROOT / "solutions" / "03_segmentation.ipynb"
CJK = re.compile("[\u4e00-\u9fff]")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _optional(cell: dict) -> bool:
    return "optional" in cell.get("metadata", {}).get("tags", [])


def core_budget(path: Path) -> tuple[int, int, int]:
    """(Chinese characters in core markdown, tables, figures in core outputs)."""
    chars = tables = figures = 0
    for cell in _cells(path):
        if _optional(cell):
            continue
        if cell["cell_type"] == "markdown":
            chars += len(CJK.findall(_source(cell)))
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                figures += 1
            elif "<table" in "".join(data.get("text/html", "")):
                tables += 1
    return chars, tables, figures


@pytest.fixture(scope="module")
def lesson() -> list[dict]:
    return _cells(LESSON)


@pytest.fixture(scope="module")
def core_md(lesson) -> str:
    return "\n".join(_source(c) for c in lesson if c["cell_type"] == "markdown" and not _optional(c))


# ------------------------------------------------------------------ the lesson notebook
def test_core_path_fits_the_budget():
    chars, tables, figures = core_budget(LESSON)
    assert chars <= 3600, chars
    assert tables + figures <= 30, (tables, figures)
    assert tables + figures >= 8  # the core still shows the data, not only prose


def test_optional_cells_are_headed_and_the_heavy_parts_are_optional(lesson):
    in_block = False
    for cell in lesson:
        src = _source(cell)
        if cell["cell_type"] == "markdown" and src.lstrip().startswith("#"):
            heading = src.lstrip("#").strip()
            in_block = _optional(cell) and heading.startswith("拓展")
            if _optional(cell):
                assert heading.startswith("拓展"), heading[:30]
        if _optional(cell):
            assert in_block, f"optional cell outside a 拓展 block: {src[:40]}"
    optional_code = "\n".join(_source(c) for c in lesson if c["cell_type"] == "code" and _optional(c))
    for heavy in ("choose_k", "kmeans_segments", "KMeansExplorer", "cdnow", "UploadRFMView", "to_excel"):
        assert heavy in optional_code, heavy
    core_code = "\n".join(_source(c) for c in lesson if c["cell_type"] == "code" and not _optional(c))
    assert "kmeans" not in core_code.lower()


def test_core_prose_has_no_code_identifiers_and_one_quote_style(core_md):
    prose = CODE_SPAN.sub("", core_md)
    assert not IDENTIFIER.findall(prose), IDENTIFIER.findall(prose)
    assert "crmlab" not in prose
    words = re.sub(r"<[^>]+>", "", prose)
    assert '"' not in words and "「" not in words and "‘" not in words.replace("‘高’", "")


def test_goals_cases_activity_quiz_and_homework(lesson, core_md):
    for goal in ("知识目标", "能力目标", "素质目标"):
        assert f"**{goal}**" in core_md
    assert "细致、严谨" in core_md  # the seed's 素质目标
    for case in ("案例：星巴克的咖啡", "案例：万科的客户细分", "案例：管理你的低价值客户"):
        block = core_md[core_md.index(case):]
        block = block[: block.find("\n#", 5) if block.find("\n#", 5) > 0 else None]
        assert "想一想" in block, case
    order = [core_md.index(h) for h in ("## 学习目标", "## 一、案例导入", "## 二、新知", "课堂互动（小组活动",
                                        "## 小结", "### 课后测试", "## 作业")]
    assert order == sorted(order)
    quiz = [c for c in lesson if "crmlab.quiz.show(3)" in _source(c)]
    assert quiz and not _optional(quiz[0])
    homework = core_md[core_md.index("## 作业"):]
    assert "选择合适的细分方法" in homework and "差异化" in homework and "预习" in homework


def test_names_and_the_80_20_rule_are_honest(lesson, core_md):
    text = "\n".join(_source(c) for c in lesson)
    assert "订单明细" not in text  # orders are 订单; 明细 are lesson 2's order lines
    assert "经验说法" in core_md
    outputs = "".join("".join(o.get("text", "")) for c in lesson for o in c.get("outputs", []))
    share = re.search(r"消费最多的前 20% 客户，贡献了全部消费金额的 ([\d.]+)%", outputs)
    assert share, "the measured share of the top 20% is printed"
    top = crmlab.analysis.top_share(crmlab.datasets.load("orders", group=0), 0.2)
    assert float(share.group(1)) == pytest.approx(100 * top, abs=0.05)


def test_widgets_of_the_core_path(lesson):
    core_code = "\n".join(_source(c) for c in lesson if c["cell_type"] == "code" and not _optional(c))
    for widget in ("BudgetView(", "RFMExplorer(", "SegmentPlanView("):
        assert widget in core_code, widget
    for cell in lesson:
        if cell["cell_type"] == "code" and re.search(r"View\(|Explorer\(|quiz\.show", _source(cell)):
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), _source(cell)


# ------------------------------------------------------------------ questions
def test_at_least_8_core_questions_need_no_code():
    qs = crmlab.exercises.questions(3)
    core = [q for q in qs if q.tier == "基础"]
    assert len(core) >= 8
    assert all(q.kind != "code" for q in core)
    tiers = [q.tier for q in qs]
    assert tiers == sorted(tiers, key=lambda t: t != "基础"), "core questions come first"
    assert all(q.kind == "code" for q in qs if q.tier == "拓展")
    assert [q.name for q in qs] == [f"练习{i}" for i in range(1, len(qs) + 1)]


RIGHT = {
    "q1": "B", "q2": 45500, "q3": "BD", "q4": "B", "q6": "A", "q7": "A", "q10": "B", "q11": "B",
    "q8": "重要价值客户、重要发展客户、重要保持客户、一般挽留客户、一般价值客户、一般保持客户",
}


@pytest.mark.parametrize("name, answer", sorted(RIGHT.items()))
def test_core_right_answers_pass(name, answer):
    assert getattr(L, name).check(answer).correct


def test_answers_read_from_the_lesson_pass():
    summary = L._summary()
    assert L.q5.check(round(L._top20(), 1)).correct
    assert L.q9.check(round(100 * summary.loc["重要价值客户", "revenue_share"], 1)).correct
    assert L.q12.check(L._q12_order()).correct
    assert L.q12.check(" ".join(L._q12_order().lower())).correct


WRONG = [
    ("q1", "A", "同一批人"),
    ("q1", "C", "摊到了回报低"),
    ("q3", "AB", "人口统计变量"),
    ("q3", "BCD", "心理细分"),
    ("q4", "C", "开店前"),
    ("q6", "B", "第一次买房"),
    ("q6", "C", "付款方式"),
    ("q7", "B", "天数越少"),
    ("q7", "D", "和金额无关"),
    ("q10", "A", "一刀切"),
    ("q10", "D", "重要价值客户"),
    ("q11", "D", "大数据杀熟"),
    ("q11", "C", "回报最少"),
    ("q11", "A", "有潜力"),
    ("q5", 80, "经验说法"),
    ("q5", 20, "客户所占的比例"),
    ("q2", 24000, "800 个名额"),
    ("q12", "DCBA", "顺序反了"),
    ("q12", "ABC", "各写一次"),
    ("q8", "重要价值客户", "你写了 1 个名称"),
]


@pytest.mark.parametrize("name, answer, words", WRONG)
def test_core_typical_wrong_answers_get_targeted_messages(name, answer, words):
    res = getattr(L, name).check(answer)
    assert not res.correct
    assert words in res.message, res.message


def test_slips_that_depend_on_the_data():
    summary = L._summary()
    people = round(100 * summary.loc["重要价值客户", "customer_share"], 1)
    assert "人数占比" in L.q9.check(people).message
    assert "重度用户" in L.q5.check(round(L._heavy_share(), 1)).message
    assert "小了 100 倍" in L.q5.check(L._top20() / 100).message
    by_size = L._q12_order("customers")
    if by_size not in (L._q12_order(), L._q12_order(ascending=True)):
        assert "按人数" in L.q12.check(by_size).message


def test_a_repeated_hint_says_more_and_reacts_to_the_last_answer():
    q = crmlab.exercises.lesson3.q7
    q.check("B")
    first = q.hint().message
    second = q.hint().message
    assert "针对你上一次的答案" in first and "天数越少" in first
    assert second != first and "5 分" in second


@pytest.mark.parametrize("group", [0, 1, 2, 3, 4])
def test_expected_answers_and_classroom_follow_the_group(group):
    previous = crmlab.course.current_group()
    crmlab.course.set_group(group)
    try:
        keys = {q.name: q.expected() for q in crmlab.exercises.questions(3) if q.name in ("练习5", "练习9", "练习12")}
        orders = crmlab.datasets.load("orders", group=group)
        top = 100 * crmlab.analysis.top_share(orders, 0.2)
        shown = float(re.search(r"\d+(?:\.\d+)?", keys["练习5"]).group())
        assert shown == pytest.approx(top, abs=0.05), (keys["练习5"], top)
        assert L.q5.check(round(top, 1)).correct and L.q9.check(
            round(100 * L._summary().loc["重要价值客户", "revenue_share"], 1)).correct
        assert L.q12.check(L._q12_order()).correct
        for text, answer in L.CLASSROOM:
            out = answer()
            assert CJK.search(text) and CJK.search(out) and len(out) > 20, text
    finally:
        crmlab.course.set_group(previous)


# ------------------------------------------------------------------ the solutions notebook
def test_solutions_have_two_tracks_form_and_handin():
    cells = _cells(SOLUTIONS)
    sources = [_source(c) for c in cells]
    assert "crmlab.student_form()" in sources[1] and "import crmlab" in sources[1]
    assert sources[-1].strip() == "crmlab.handin(lesson=3)"
    assert sources[-2].startswith("## 交作业")
    core_start = next(i for i, s in enumerate(sources) if s.startswith("## 基础部分"))
    ext_start = next(i for i, s in enumerate(sources) if s.startswith("## 拓展部分"))
    assert core_start < ext_start
    checks = [(i, int(m.group(1))) for i, s in enumerate(sources) for m in [re.search(r"^q(\d+)\.check\(", s, re.M)] if m]
    assert [n for _i, n in checks] == list(range(1, len(crmlab.exercises.questions(3)) + 1))
    for i, n in checks:
        tier = getattr(L, f"q{n}").tier
        assert (i > ext_start) == (tier == "拓展"), n
        assert _optional(cells[i]) == (tier == "拓展"), n
    for i in range(ext_start, len(cells)):
        if sources[i].startswith("## 作业"):
            break
        assert _optional(cells[i]), sources[i][:40]


# ------------------------------------------------------------------ the core path for another group's company
def test_core_cells_run_for_another_group():
    """Every core code cell runs for group 2, and its numbers are that company's, not group 0's."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    previous = crmlab.course.current_group()
    crmlab.course.set_group(2)
    namespace: dict = {}
    try:
        for cell in _cells(LESSON):
            if cell["cell_type"] == "code" and not _optional(cell):
                exec(compile(_source(cell), "lesson3-cell", "exec"), namespace)
                plt.close("all")
        own = crmlab.datasets.load("orders", group=2)
        assert namespace["company"] == crmlab.datasets.company(2)["name"]
        assert len(namespace["orders"]) == len(own)
        assert namespace["top20"] == pytest.approx(crmlab.analysis.top_share(own, 0.2))
    finally:
        crmlab.course.set_group(previous)
        plt.close("all")


def test_the_scoring_examples_in_the_prose_hold():
    """拓展 打分的细节: ten different values score 1,1,2,2,...,5,5; on CDNOW nobody has F = 1."""
    from crmlab.segment import quintile_scores, rfm

    assert list(quintile_scores(range(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert list(quintile_scores([7] * 5)) == [3] * 5
    cd = rfm(crmlab.datasets.load("cdnow"))
    assert cd["F"].min() > 1
    assert cd.loc[cd["frequency"] == 1, "F"].nunique() == 1
    text = "\n".join(_source(c) for c in _cells(LESSON))
    assert "没有人得 F = 1 分" in text and "第 1、2 名得 1 分" in text
