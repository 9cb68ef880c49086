"""Every exercise notebook starts with the student form and ends with a working hand-in cell (issue 16)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

import crmlab

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted((ROOT / "exercises").glob("0[1-9]_*.ipynb"))


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_four_exercise_notebooks():
    assert [p.name[:2] for p in EXERCISES] == ["01", "02", "03", "04"]


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercise_notebook_starts_with_identity_and_ends_with_hand_in(path):
    code = _code_cells(path)
    assert "crmlab.student_form()" in code[0], "first code cell: the student form"
    lesson = int(path.name[:2])
    assert re.search(rf"crmlab\.handin\(lesson={lesson}\)", code[-1]), "last code cell: the hand-in of this lesson"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    last_md = [("".join(c["source"])) for c in cells if c["cell_type"] == "markdown"][-1]
    assert last_md.startswith("## 交作业") and "保存" in last_md  # the save reminder (the widget repeats it)


@pytest.fixture
def registered(tmp_path, monkeypatch):
    """A student registered in this process for one test; the identity is per kernel, so none is left behind."""
    from crmlab import records

    monkeypatch.setenv("CRMLAB_HOME", str(tmp_path / "home"))
    crmlab.student("测试学生", student_id="01", class_name="营销1班")
    yield
    records.forget_student()


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_hand_in_cell_submits_this_notebook(path, tmp_path, registered):
    lesson = int(path.name[:2])
    view = crmlab.handin(lesson=lesson, folder=tmp_path, notebook=path)
    result = view.update()
    assert result is not None, view.message
    zips = list(tmp_path.glob(f"作业_第{lesson}课_*.zip"))
    assert len(zips) == 1
    with zipfile.ZipFile(zips[0]) as z:
        names = z.namelist()
        assert "submission.json" in names
        assert any(n.endswith(".ipynb") for n in names)
        data = json.loads(z.read("submission.json"))
    assert "测试学生" in json.dumps(data, ensure_ascii=False)
