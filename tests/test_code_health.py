"""Code health guards (issue 9): ruff clean, no overlong functions in the package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 60


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function, not counting its docstring."""
    total = node.end_lineno - node.lineno + 1
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        total -= body[0].end_lineno - body[0].lineno + 1
    return total


def long_functions(folder: Path, limit: int = MAX_LINES) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _code_lines(node)
                if n > limit:
                    found.append(f"{path.relative_to(folder.parent).as_posix()}:{node.lineno} {node.name} ({n} lines)")
    return found


def test_long_function_finder_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES + 1))
    (tmp_path / "m.py").write_text(f'def f():\n    """Doc."""\n{body}\n', encoding="utf-8")
    assert len(long_functions(tmp_path)) == 1
    short = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES - 2))
    (tmp_path / "m.py").write_text(f'def f():\n    """Doc\n\n    more.\n    """\n{short}\n', encoding="utf-8")
    assert long_functions(tmp_path) == []


def test_no_function_in_crmlab_is_longer_than_the_limit():
    assert long_functions(ROOT / "crmlab") == []


def test_ruff_is_clean():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "crmlab", "tests"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
