"""Every lesson notebook offers the projector switch near its top, in the core path (issue 17, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0[1-4]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_notebook_offers_the_projector_switch_near_the_top(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    switch = [i for i, c in enumerate(code[:3]) if "crmlab.projector()" in "".join(c["source"])]
    assert switch, f"{path.name}: no crmlab.projector() cell among the first three code cells"
    cell = code[switch[0]]
    assert "optional" not in cell.get("metadata", {}).get("tags", []), "the switch belongs to the core path"
    assert cell.get("outputs"), "committed executed: the switch cell has its output"


def test_four_lessons_are_checked():
    assert len(NOTEBOOKS) == 4
