"""crmlab.assign: solutions/ -> exercises/ transformation, drift check, notebook execution and hygiene."""

from __future__ import annotations

import ast
import json
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import ROOT, course_notebooks
from crmlab import assign
from crmlab.assign import (
    MARKDOWN_STUB,
    STUB_COMMENT,
    WIDGET_PLACEHOLDER,
    AssignError,
    clean_notebook,
    find_drift,
    make_exercise,
    notebook_sources,
    stub_names,
    transform_code,
    transform_markdown,
)
from crmlab.exercises import CORRECT, INCORRECT, NOT_ANSWERED, STATUS_LABELS

STUB = f"= ...  {STUB_COMMENT}"
# the labels CheckResult prints (text/plain), e.g. "✓ 正确"
CORRECT_LABEL, WRONG_LABEL, NOT_ANSWERED_LABEL = (STATUS_LABELS[k] for k in (CORRECT, INCORRECT, NOT_ANSWERED))


# ----------------------------------------------------------------- the real repository


def test_repository_exercises_match_solutions():
    """Fails CI when exercises/ drifted from solutions/ (fix: python -m crmlab.assign)."""
    problems = find_drift(ROOT)
    assert not problems, "\n".join(map(str, problems))


def test_check_command_on_repository(capsys):
    code = assign.main(["--check", "--root", str(ROOT)])
    out = capsys.readouterr()
    assert code == (1 if find_drift(ROOT) else 0), out.err


NOTEBOOKS = course_notebooks()


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        for value in out.get("data", {}).values():
            if isinstance(value, str):
                parts.append(value)
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_committed_notebook_is_clean(path):
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert text.endswith("\n")
    assert "widgets" not in nb.metadata, "saved widget state: run python -m crmlab.assign --execute"
    assert "version" not in nb.metadata.get("language_info", {}), "machine-specific metadata"
    for needle in (str(ROOT), "/home/", "/root/", "C:\\\\Users", sys.prefix):
        assert needle not in text, f"absolute path {needle!r} in {path.name}"
    ids = [cell.get("id") for cell in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids), "cell ids missing or duplicated"
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        where = f"{path.name} cell {index}"
        if cell.source.strip():
            assert cell.execution_count is not None, f"{where} not executed (commit notebooks executed)"
        for out in cell.outputs:
            assert out.output_type != "error", f"{where} has an error output"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{where} writes to stderr"
            assert assign.WIDGET_MIME not in out.get("data", {}), f"{where}: widget model id saved"
        tags = cell.metadata.get("tags", [])
        shows_widget = WIDGET_PLACEHOLDER in _outputs_text(cell)
        if shows_widget:
            assert "nbval-ignore-output" in tags, f"{where} shows a live widget: tag it nbval-ignore-output"
        elif "nbval-ignore-output" in tags:
            pytest.fail(f"{where} is tagged nbval-ignore-output but shows no live widget")


SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_solution_checks_all_pass(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(_outputs_text(c) for c in nb.cells if c.cell_type == "code")
    assert CORRECT_LABEL in text, "a solution notebook should show its checks passing"
    assert NOT_ANSWERED_LABEL not in text and WRONG_LABEL not in text


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_exercise_shows_not_answered(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(_outputs_text(c) for c in nb.cells if c.cell_type == "code")
    assert NOT_ANSWERED_LABEL in text
    assert CORRECT_LABEL not in text, "an exercise notebook must not contain the answers"


# ----------------------------------------------------------------- code regions


def test_simple_region():
    src = "### BEGIN SOLUTION\nanswer = orders['amount'].sum()\n### END SOLUTION\nq1.check(answer)"
    assert transform_code(src) == f"answer {STUB}\nq1.check(answer)"


def test_nested_indentation_keeps_indent_of_begin_marker():
    src = (
        "def double(x):\n"
        "    if x:\n"
        "        ### BEGIN SOLUTION\n"
        "        y = x * 2\n"
        "        return y\n"
        "        ### END SOLUTION\n"
        "    return 0\n"
    )
    out = transform_code(src)
    assert out == ("def double(x):\n" "    if x:\n" f"        y {STUB}\n" "    return 0\n")
    ast.parse(out)


def test_multiple_names_tuple_and_order():
    src = (
        "x = 1\n"
        "### BEGIN SOLUTION\n"
        "total = 0\n"
        "a, (b, *rest) = 1, (2, 3, 4)\n"
        "total += a\n"
        "df['share'] = df['amount'] / total\n"
        "for c in cols:\n"
        "    last = c\n"
        "import numpy as np\n"
        "def helper(v):\n"
        "    inner = v\n"
        "    return inner\n"
        "share: float = 0.5\n"
        "### END SOLUTION\n"
        "q.check(total)\n"
    )
    out = transform_code(src)
    names = ["total", "a", "b", "rest", "last", "helper", "share"]
    assert out == "x = 1\n" + "".join(f"{n} {STUB}\n" for n in names) + "q.check(total)\n"
    ast.parse(out)


def test_stub_names_ignores_loop_with_import_and_attribute_targets():
    code = (
        "import pandas as pd\n"
        "with open('f') as fh:\n"
        "    data = fh.read()\n"
        "for i in range(3):\n"
        "    pass\n"
        "obj.attr = 1\n"
        "d['k'] = 2\n"
        "if True:\n"
        "    res = 1\n"
        "else:\n"
        "    res = 2\n"
        "try:\n"
        "    t = 1\n"
        "except ValueError as err:\n"
        "    t = 2\n"
        "class Model:\n"
        "    field = 1\n"
    )
    assert stub_names(code) == ["data", "res", "t", "Model"]


def test_region_assigning_nothing_becomes_pass():
    src = "for row in rows:\n    ### BEGIN SOLUTION\n    print(row)\n    ### END SOLUTION\n"
    out = transform_code(src)
    assert out == f"for row in rows:\n    pass  {STUB_COMMENT}\n"
    ast.parse(out)


def test_several_regions_in_one_cell_and_no_trailing_newline():
    src = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nmid = 0\n### BEGIN SOLUTION\nb, c = 2, 3\n### END SOLUTION"
    assert transform_code(src) == f"a {STUB}\nmid = 0\nb {STUB}\nc {STUB}"


def test_cell_without_region_is_unchanged():
    src = "q1.hint()\n# ### BEGIN SOLUTION is only a marker on its own line\n"
    assert transform_code(src) == src


def test_missing_end_marker_is_a_clear_error():
    src = "x = 1\n### BEGIN SOLUTION\nanswer = 2\nq1.check(answer)\n"
    with pytest.raises(AssignError) as info:
        transform_code(src, where="solutions/01.ipynb 第 3 个单元格：")
    msg = str(info.value)
    assert "END SOLUTION" in msg and "第 2 行" in msg and "solutions/01.ipynb" in msg
    assert isinstance(info.value, ValueError)


def test_stray_end_and_nested_begin_are_errors():
    with pytest.raises(AssignError, match="BEGIN"):
        transform_code("a = 1\n### END SOLUTION\n")
    with pytest.raises(AssignError, match="BEGIN"):
        transform_code("### BEGIN SOLUTION\n### BEGIN SOLUTION\na = 1\n### END SOLUTION\n")


def test_region_that_is_not_python_is_an_error():
    with pytest.raises(AssignError, match="parse"):
        transform_code("### BEGIN SOLUTION\nanswer = (1 +\n### END SOLUTION\n")


# ----------------------------------------------------------------- markdown and notebooks


def test_markdown_region():
    src = "**你的分析：**\n\n### BEGIN SOLUTION\n高价值客户贡献了 70% 的收入。\n### END SOLUTION\n\n下一题"
    assert transform_markdown(src) == f"**你的分析：**\n\n{MARKDOWN_STUB}\n\n下一题"
    src2 = "答：\n<!-- BEGIN SOLUTION -->\n因为……\n<!-- END SOLUTION -->"
    assert transform_markdown(src2) == f"答：\n{MARKDOWN_STUB}"
    with pytest.raises(AssignError):
        transform_markdown("答：\n<!-- BEGIN SOLUTION -->\n因为……")


def _solution_nb():
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 第1课 客户价值\n\n引言"),
            new_code_cell("from crmlab.exercises import lesson1"),
            new_code_cell(
                "### BEGIN SOLUTION\nanswer = 6 * 7\n### END SOLUTION\nlesson1.q1.check(answer)",
                execution_count=2,
                outputs=[new_output("execute_result", {"text/plain": "ok"}, execution_count=2)],
            ),
            new_code_cell("print(answer)  # only makes sense with the answer", metadata={"tags": ["solution-only"]}),
            new_markdown_cell("## 思考\n### BEGIN SOLUTION\n答案\n### END SOLUTION"),
        ]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    return nb


def test_make_exercise():
    sol = _solution_nb()
    before = json.dumps(sol, sort_keys=True)
    ex = make_exercise(sol, name="solutions/01_x.ipynb")
    assert json.dumps(sol, sort_keys=True) == before, "the solution must not be modified"
    assert [c.id for c in ex.cells] == [sol.cells[i].id for i in (0, 1, 2, 4)]
    assert ex.cells[0].source.startswith("# 练习版：第1课 客户价值")
    assert ex.cells[2].source == f"answer {STUB}\nlesson1.q1.check(answer)"
    assert ex.cells[2].outputs == [] and ex.cells[2].execution_count is None
    assert ex.cells[3].source == f"## 思考\n{MARKDOWN_STUB}"
    nbformat.validate(ex)
    # generating from an exercise again does not stack the title marker
    assert make_exercise(ex).cells[0].source.startswith("# 练习版：第1课")


def test_make_exercise_error_names_notebook_and_cell():
    sol = _solution_nb()
    sol.cells[2].source = "### BEGIN SOLUTION\nanswer = 1\n"
    with pytest.raises(AssignError, match=r"solutions/01_x\.ipynb 第 3 个单元格"):
        make_exercise(sol, name="solutions/01_x.ipynb")


def test_clean_notebook_strips_state_and_stabilises_random_ids():
    styler_html = (
        '<style type="text/css">\n#T_1a2b3_row0_col0 {color: red}\n</style>\n'
        '<table id="T_1a2b3">\n<td id="T_1a2b3_row0_col0" class="data">1</td></table>'
    )

    def build(uuid: str, address: str):
        nb = _solution_nb()
        nb.metadata["language_info"] = {"name": "python", "version": "3.11.9", "pygments_lexer": "ipython3"}
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "crmlab-venv", "language": "python"}
        cell = nb.cells[1]
        cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
        cell.outputs = [
            new_output(
                "execute_result",
                {"text/html": styler_html.replace("1a2b3", uuid), "text/plain": f"<Styler at {address}>"},
                execution_count=1,
            ),
            new_output(
                "display_data",
                {assign.WIDGET_MIME: {"model_id": uuid * 6, "version_major": 2}, "text/plain": "IntSlider(value=3)"},
            ),
        ]
        return clean_notebook(nb)

    a, b = build("1a2b3", "0x7f00aa"), build("9f9f9", "0x7fbbcc")
    assert nbformat.writes(a) == nbformat.writes(b)
    assert "widgets" not in a.metadata
    assert a.metadata.language_info == {"name": "python", "pygments_lexer": "ipython3"}
    assert a.metadata.kernelspec["display_name"] == "Python 3 (ipykernel)"
    cell = a.cells[1]
    assert "execution" not in cell.metadata
    html = cell.outputs[0].data["text/html"]
    new_id = html.split('<table id="')[1].split('"')[0]
    assert new_id != "T_1a2b3" and f"#{new_id}_row0_col0" in html and f'id="{new_id}_row0_col0"' in html
    assert cell.outputs[0].data["text/plain"] == "<Styler at 0x0>"
    assert cell.outputs[1].data == {"text/plain": WIDGET_PLACEHOLDER}
    assert nbformat.writes(clean_notebook(a)) == nbformat.writes(a), "cleaning is idempotent"


def test_clean_notebook_gives_missing_ids_deterministically():
    def build():
        nb = new_notebook(cells=[new_code_cell("a = 1"), new_code_cell("a = 1")])
        nb.nbformat_minor = 4
        for cell in nb.cells:
            del cell["id"]
        return clean_notebook(nb)

    a, b = build(), build()
    assert [c.id for c in a.cells] == [c.id for c in b.cells]
    assert len({c.id for c in a.cells}) == 2
    nbformat.validate(a)


# ----------------------------------------------------------------- drift and CLI on a temp course


@pytest.fixture
def course(tmp_path):
    (tmp_path / "solutions").mkdir()
    sol = tmp_path / "solutions" / "01_x.ipynb"
    nbformat.write(_solution_nb(), sol)
    return tmp_path


def test_generate_and_drift_cycle(course, capsys):
    sol = course / "solutions" / "01_x.ipynb"
    ex = course / "exercises" / "01_x.ipynb"
    assert [p.reason for p in find_drift(course)] and not ex.exists()
    assert assign.main(["--check", "--root", str(course)]) == 1
    assert "01_x.ipynb" in capsys.readouterr().err

    assert assign.main(["--no-execute", "--root", str(course)]) == 0
    assert ex.exists() and find_drift(course) == []
    assert assign.main(["--check", "--root", str(course)]) == 0
    first = ex.read_bytes()
    assert first.endswith(b"\n") and "练习版" in first.decode("utf-8")

    # unchanged sources: the file is not touched
    assert assign.generate(sol, execute=False) is False
    assert ex.read_bytes() == first

    # editing the solution makes the exercise drift
    nb = nbformat.read(sol, as_version=4)
    nb.cells[1].source += "\nimport math"
    nbformat.write(nb, sol)
    assert [d.path for d in find_drift(course)] == [ex]
    assert assign.generate(sol, execute=False) is True
    assert find_drift(course) == []

    # an exercise without solution is reported
    (course / "exercises" / "99_orphan.ipynb").write_bytes(first)
    assert [d.path.name for d in find_drift(course)] == ["99_orphan.ipynb"]


def test_broken_solution_reported_by_check(course, capsys):
    sol = course / "solutions" / "01_x.ipynb"
    nb = nbformat.read(sol, as_version=4)
    nb.cells[2].source = "### BEGIN SOLUTION\nanswer = 1\n"
    nbformat.write(nb, sol)
    assert assign.main(["--check", "--root", str(course)]) == 1
    assert assign.main(["--no-execute", "--root", str(course)]) == 1
    err = capsys.readouterr().err
    assert "END SOLUTION" in err and "01_x.ipynb" in err


def test_missing_notebook_is_a_chinese_error(tmp_path, capsys):
    assert assign.main(["--execute", str(tmp_path / "nope.ipynb")]) == 1
    assert "找不到笔记本" in capsys.readouterr().err


# ----------------------------------------------------------------- execution (starts real kernels)


def test_execute_is_deterministic_and_uses_notebook_folder(tmp_path):
    (tmp_path / "data.txt").write_text("客户", encoding="utf-8")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 标题"),
            new_code_cell("import pandas as pd\nopen('data.txt', encoding='utf-8').read()"),
            new_code_cell("pd.DataFrame({'金额': [1.5, 2.0]}).style.format('{:.1f}')"),
            new_code_cell("import ipywidgets as w\nw.IntSlider(value=3)"),
        ]
    )
    nb.metadata["widgets"] = {"state": {}}
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    assert assign.main(["--execute", str(path)]) == 0
    first = path.read_bytes()
    assign.execute_file(path)
    assert path.read_bytes() == first
    out = nbformat.reads(first.decode("utf-8"), as_version=4)
    assert "widgets" not in out.metadata
    assert out.cells[1].outputs[0].data["text/plain"] == "'客户'"
    assert [c.id for c in out.cells] == [c.id for c in nb.cells]
    assert out.cells[3].outputs[0].data == {"text/plain": WIDGET_PLACEHOLDER}
    assert "execution" not in out.cells[1].metadata
    assert str(tmp_path) not in first.decode("utf-8")


def test_execute_warns_about_stderr(tmp_path, capsys):
    nb = new_notebook(cells=[new_code_cell("import sys\nprint('注意', file=sys.stderr)")])
    path = tmp_path / "warn.ipynb"
    nbformat.write(nb, path)
    assert assign.main(["--execute", str(path)]) == 0
    assert "第 1 个单元格" in capsys.readouterr().err
    assert assign.stderr_cells(nbformat.read(path, as_version=4)) == [1]


def test_execute_failure_exits_nonzero_and_keeps_file(tmp_path, capsys):
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("1 / 0"), new_code_cell("y = 2")])
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    assert assign.main(["--execute", str(path)]) == 1
    err = capsys.readouterr().err
    assert "执行失败" in err and "Execution failed" in err and "ZeroDivisionError" in err
    assert "第 2 个单元格" in err
    assert path.read_bytes() == before


def test_module_entry_point_runs():
    import subprocess

    res = subprocess.run(
        [sys.executable, "-m", "crmlab.assign", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert res.returncode == 0 and "--execute" in res.stdout and "--check" in res.stdout


def test_notebook_sources_ignores_outputs_and_ids():
    a = _solution_nb()
    b = _solution_nb()
    b.cells[2].outputs = []
    assert notebook_sources(a) == notebook_sources(b)
    b.cells[1].metadata["tags"] = ["nbval-ignore-output"]
    assert notebook_sources(a) != notebook_sources(b)
