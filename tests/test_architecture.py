"""The package's shape holds (ARCHITECTURE.md): import-linter contracts, no import cycle, one course date.

* the contracts in pyproject.toml ([tool.importlinter]) are kept;
* each contract can fail: in a copy of the package with one forbidden import per contract,
  every contract reports BROKEN (a contract that checks nothing would stay KEPT);
* every module a contract names exists (a misspelt name silently checks nothing);
* no import cycle inside crmlab (computed with grimp, the graph import-linter builds on).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = CONFIG["contracts"]

#: one import per contract that the contract forbids (file relative to crmlab/, import added at its end)
VIOLATIONS = {
    "layers": ("charts/__init__.py", "import crmlab.widgets.value"),
    "classroom-layers": ("records.py", "import crmlab.exercises"),
    "domain-stays-down": ("segment/_base.py", "import crmlab.export"),
    "charts-draw-data": ("charts/customers.py", "import crmlab.grade"),
    "widgets-no-stores": ("widgets/value.py", "import crmlab.records"),
    "lessons-independent": ("credit/_common.py", "import crmlab.segment"),
    "no-lesson2-storage": ("value/_common.py", "import crmlab.infobase"),
}


def _lint(cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    command = [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([*command, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def _status(output: str, name: str) -> str | None:
    for line in output.splitlines():
        line = line.strip()
        if line.startswith(name):
            return line[len(name):].split()[0] if line[len(name):].split() else None
    return None


def test_at_least_three_contracts_each_with_an_id_and_a_violation():
    ids = [c.get("id") for c in CONTRACTS]
    assert len(ids) >= 3 and len(set(ids)) == len(ids) and None not in ids
    assert set(ids) == set(VIOLATIONS), "give every contract a forbidden import in VIOLATIONS"


def test_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in CONTRACTS:
        assert _status(result.stdout, contract["name"]) == "KEPT", result.stdout


def test_every_contract_can_break(tmp_path):
    """A copy of crmlab with one forbidden import per contract: every contract must report it."""
    shutil.copytree(ROOT / "crmlab", tmp_path / "crmlab", ignore=shutil.ignore_patterns("__pycache__", "fonts"))
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    for relative, statement in VIOLATIONS.values():
        path = tmp_path / "crmlab" / relative
        path.write_text(path.read_text(encoding="utf-8") + f"\n{statement}  # planted by test_architecture\n",
                        encoding="utf-8")
    result = _lint(tmp_path, {"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0, result.stdout
    for contract in CONTRACTS:
        assert _status(result.stdout, contract["name"]) == "BROKEN", (contract["id"], result.stdout)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("crmlab")


def _named_modules(contract: dict) -> list[str]:
    names = []
    for key in ("source_modules", "forbidden_modules", "modules"):
        names += contract.get(key, [])
    for layer in contract.get("layers", []):
        names += [part.strip() for part in layer.replace("|", ":").split(":")]
    return names


def test_every_module_a_contract_names_exists(graph):
    missing = {c["id"]: [m for m in _named_modules(c) if m not in graph.modules] for c in CONTRACTS}
    assert not {k: v for k, v in missing.items() if v}


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    adjacency = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in adjacency:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(adjacency[node])):
                nxt = adjacency[node][j]
                if nxt not in index:
                    work += [(node, j + 1), (nxt, 0)]
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return found


def test_no_import_cycle_inside_crmlab(graph):
    cycles = _cycles(graph)
    chains = [graph.find_shortest_chain(c[0], c[1]) for c in cycles]
    assert not cycles, f"import cycles: {cycles}; e.g. {chains}"


def test_the_cycle_finder_finds_a_cycle():
    from types import SimpleNamespace

    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    fake = SimpleNamespace(modules=set(edges), find_modules_directly_imported_by=edges.__getitem__)
    assert _cycles(fake) == [["a", "b", "c"]]


def test_the_readme_names_the_full_run_that_ci_runs():
    """README: ``pytest --full`` is the one command for the whole suite and .ci/run runs it; plain pytest is everyday."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    full = "uv run --group test pytest --full"
    assert full in readme and full in ci.splitlines()
    assert "`uv run --group test pytest`" in readme  # the everyday run, documented too


# ------------------------------------------------------------------ tests use the public API only

_PRIVATE_PATH = re.compile(r"\bcrmlab(?:\.[A-Za-z0-9]\w*)*\._(?!_)\w*")


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _private_uses(source: str) -> list[str]:
    """Imports of private crmlab modules or names, ``crmlab.x._y`` attribute chains and such dotted strings."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "crmlab":
            names = [a.name for a in node.names]
            if _private(node.module) or any(_private(n) for n in names):
                found.append(f"{node.lineno}: from {node.module} import {', '.join(names)}")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] == "crmlab" and _private(a.name)]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id == "crmlab":
                found.append(f"{node.lineno}: crmlab.{'.'.join(reversed(chain))}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _PRIVATE_PATH.search(node.value):
            found.append(f"{node.lineno}: {_PRIVATE_PATH.search(node.value).group()!r}")
    return found


def test_tests_use_no_private_module():
    offenders = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name != "test_architecture.py" and (uses := _private_uses(path.read_text(encoding="utf-8"))):
            offenders[path.relative_to(ROOT).as_posix()] = uses
    assert not offenders, offenders


def test_the_private_use_finder_finds_them():
    source = ("from crmlab._errors import CRMDataError\nfrom crmlab import _present, records\nimport crmlab.app._pages\n"
              "x = crmlab.datasets._companies\npytest.importorskip('crmlab.app._pages')\n"
              "from crmlab import CRMDataError\nfrom crmlab.app import __main__\ny = crmlab.course.__file__\n")
    assert [u.split(":")[0] for u in _private_uses(source)] == ["1", "2", "3", "4", "5"]


# ------------------------------------------------------------------ one course date

def test_the_course_date_is_written_once():
    """The literal course date appears in crmlab/**/*.py only in crmlab/course.py."""
    written = [f"{p.relative_to(ROOT).as_posix()}:{n}" for p in sorted((ROOT / "crmlab").rglob("*.py"))
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
               if "2026-01-01" in line and p != ROOT / "crmlab" / "course.py"]
    assert not written, written
    from crmlab.course import COURSE_DATE

    assert COURSE_DATE == "2026-01-01"


# ------------------------------------------------------------------ package shape

def _exported_names(init: Path) -> set[str]:
    """Names a package's ``__init__.py`` defines, imports from its modules or lists in ``__all__``."""
    package = ".".join(init.parent.relative_to(ROOT).parts)
    names: set[str] = set()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            names |= set(ast.literal_eval(node.value))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module != package:  # not `from pkg import submodule`
            names |= {a.asname or a.name for a in node.names}
    return names


def test_no_module_is_named_like_a_name_its_package_exports():
    """``crmlab.segment.rfm`` is the function: a module of that name would hide it (or be hidden)."""
    clashes = {}
    for init in sorted((ROOT / "crmlab").rglob("__init__.py")):
        modules = {p.stem for p in init.parent.glob("*.py")} | {p.parent.name for p in init.parent.glob("*/__init__.py")}
        if shared := sorted(_exported_names(init) & modules):
            clashes[init.parent.relative_to(ROOT).as_posix()] = shared
    assert not clashes, clashes


def test_lesson_packages_keep_concepts_in_public_modules():
    """segment, credit and value: every private module is a helper (``_base``, ``_common``, ``_display``)."""
    helpers = {"_base", "_common", "_display"}
    for package in ("segment", "credit", "value"):
        private = {p.stem for p in (ROOT / "crmlab" / package).glob("_*.py")} - {"__init__"}
        assert private <= helpers, (package, sorted(private - helpers))


def test_concept_modules_state_their_public_names():
    """Each public module of segment, credit and value has an ``__all__`` naming only what it defines,
    and lists every name its package exports from it (``from crmlab.credit.five_c import *`` gives
    exactly the concept's API)."""
    import importlib
    import inspect

    for package in ("segment", "credit", "value"):
        pkg = importlib.import_module(f"crmlab.{package}")
        for path in sorted((ROOT / "crmlab" / package).glob("[!_]*.py")):
            module = importlib.import_module(f"crmlab.{package}.{path.stem}")
            assert hasattr(module, "__all__"), module.__name__
            missing = [n for n in module.__all__ if not hasattr(module, n)]
            assert not missing, (module.__name__, missing)
            source = inspect.getsource(module)
            defined_here = {n for n in pkg.__all__ if hasattr(module, n) and (
                getattr(getattr(module, n), "__module__", None) == module.__name__
                or re.search(rf"^{n}\s*[:=]", source, re.M))}
            assert defined_here <= set(module.__all__), (module.__name__, sorted(defined_here - set(module.__all__)))
