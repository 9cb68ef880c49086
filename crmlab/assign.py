"""Generate exercise notebooks from solution notebooks, and execute notebooks reproducibly.

Command line (``python -m crmlab.assign`` or ``crmlab-assign``)::

    python -m crmlab.assign                       # all solutions/*.ipynb -> exercises/
    python -m crmlab.assign solutions/01_x.ipynb  # one notebook
    python -m crmlab.assign --force               # re-execute even if sources are unchanged
    python -m crmlab.assign --check               # exit 1 if exercises/ drifted from solutions/
    python -m crmlab.assign --execute A.ipynb ... # execute notebooks in place and clean them

Solution notebooks mark answers nbgrader-style inside code cells::

    ### BEGIN SOLUTION
    answer = orders["amount"].sum()
    ### END SOLUTION
    q1.check(answer)

Each region becomes one stub line per name the region binds at its own scope
level (``answer = ...  # 请在这里作答``), or ``pass  # 请在这里作答`` when it binds
no name.  The stubs keep the indentation of the ``### BEGIN SOLUTION`` line.
Markdown cells may contain regions too (``### BEGIN SOLUTION`` or
``<!-- BEGIN SOLUTION -->`` lines); they become ``（请在这里写下你的答案）``.
Cells tagged ``solution-only`` are dropped from the exercise notebook.

Executed notebooks are cleaned so that the committed files are reproducible:
no saved widget state, no timing metadata, no machine-specific metadata, widget
outputs replaced by a short Chinese placeholder (their model ids are random and
cannot be shown without a running kernel anyway), JSON written with
``indent=1`` and a trailing newline.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crmlab._errors import CRMDataError

__all__ = [
    "EXERCISE_TITLE_PREFIX",
    "MARKDOWN_STUB",
    "STUB_COMMENT",
    "WIDGET_PLACEHOLDER",
    "AssignError",
    "ExecutionFailed",
    "clean_notebook",
    "execute_file",
    "execute_notebook",
    "exercise_path_for",
    "find_drift",
    "generate",
    "main",
    "make_exercise",
    "notebook_sources",
    "stub_names",
    "transform_code",
    "transform_markdown",
]

STUB_COMMENT = "# 请在这里作答"
MARKDOWN_STUB = "（请在这里写下你的答案）"
EXERCISE_TITLE_PREFIX = "练习版："
SOLUTION_ONLY_TAG = "solution-only"
CELL_TIMEOUT = 600
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_PLACEHOLDER = "（交互组件：运行本单元格后显示 / run this cell to show the widget）"

_BEGIN_CODE = re.compile(r"^(?P<indent>[ \t]*)###\s*BEGIN SOLUTION\s*$")
_END_CODE = re.compile(r"^[ \t]*###\s*END SOLUTION\s*$")
_BEGIN_MD = re.compile(r"^(?P<indent>[ \t]*)(?:###\s*BEGIN SOLUTION|<!--\s*BEGIN SOLUTION\s*-->)\s*$")
_END_MD = re.compile(r"^[ \t]*(?:###\s*END SOLUTION|<!--\s*END SOLUTION\s*-->)\s*$")
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

# Top-level notebook metadata keys that only describe one machine or one session.
_DROP_NB_METADATA = {"widgets", "vscode", "interpreter", "toc-autonumbering", "varInspector", "celltoolbar"}
# Cell metadata written by execution tools (timings) rather than by authors.
_DROP_CELL_METADATA = {"execution", "ExecuteTime", "papermill", "widgets"}
# language_info keys that do not depend on the installed Python version.
_LANGUAGE_INFO_KEYS = ("codemirror_mode", "file_extension", "mimetype", "name", "nbconvert_exporter", "pygments_lexer")
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class AssignError(CRMDataError):
    """A solution notebook cannot be turned into an exercise (message in Chinese and English)."""


class ExecutionFailed(RuntimeError):
    """A notebook cell raised while executing (message in Chinese and English)."""


# --------------------------------------------------------------------------- stubs


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names: list[str] = []
        for elt in target.elts:
            names.extend(_target_names(elt))
        return names
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []  # attributes and subscripts bind no new name


def _bound_names(body: Iterable[ast.stmt]) -> list[str]:
    """Names bound at this scope level by assignments and definitions (not loop/with/import targets)."""
    names: list[str] = []
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names.extend(_target_names(target))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            names.extend(_target_names(node.target))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
            continue  # names inside a definition belong to another scope
        # descend into compound statements of the same scope (if/for/while/with/try/match)
        for field in ("body", "orelse", "finalbody"):
            names.extend(_bound_names(getattr(node, field, None) or []))
        for handler in getattr(node, "handlers", None) or []:
            names.extend(_bound_names(handler.body))
        for case in getattr(node, "cases", None) or []:
            names.extend(_bound_names(case.body))
    return names


def stub_names(code: str, where: str = "") -> list[str]:
    """Names a solution region assigns at its own scope level, in order of first appearance."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError as exc:
        raise AssignError(
            f"{where}答案区域里的代码不是完整的 Python 语句（第 {exc.lineno} 行：{exc.msg}）。"
            "请让 ### BEGIN SOLUTION 和 ### END SOLUTION 之间只包含完整的语句。"
            f" / The solution region{(' in ' + where) if where else ''} does not parse: {exc.msg}."
        ) from None
    seen: dict[str, None] = {}
    for name in _bound_names(tree.body):
        seen.setdefault(name, None)
    return list(seen)


def _replace_regions(source: str, begin: re.Pattern, end: re.Pattern, stub, where: str) -> str:
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip("\r\n")
        if end.match(stripped):
            raise AssignError(
                f"{where}第 {i + 1} 行有 ### END SOLUTION，但前面没有对应的 ### BEGIN SOLUTION。"
                f" / {where or 'cell'}: line {i + 1} has END SOLUTION without a matching BEGIN SOLUTION."
            )
        m = begin.match(stripped)
        if not m:
            out.append(line)
            i += 1
            continue
        indent = m.group("indent")
        j = i + 1
        while j < len(lines) and not end.match(lines[j].rstrip("\r\n")):
            if begin.match(lines[j].rstrip("\r\n")):
                raise AssignError(
                    f"{where}第 {j + 1} 行又出现了 ### BEGIN SOLUTION，上一个区域（第 {i + 1} 行）还没有结束。"
                    f" / {where or 'cell'}: nested BEGIN SOLUTION at line {j + 1} (region opened at line {i + 1})."
                )
            j += 1
        if j >= len(lines):
            raise AssignError(
                f"{where}第 {i + 1} 行的 ### BEGIN SOLUTION 缺少对应的 ### END SOLUTION。"
                "请在答案代码后面加上一行 ### END SOLUTION（缩进与 BEGIN 行相同）。"
                f" / {where or 'cell'}: BEGIN SOLUTION at line {i + 1} has no matching END SOLUTION."
            )
        region = "".join(lines[i + 1 : j])
        newline = "\n" if (j + 1 < len(lines) or lines[j].endswith("\n")) else ""
        out.append("\n".join(f"{indent}{text}" for text in stub(region, where)) + newline)
        i = j + 1
    return "".join(out)


def transform_code(source: str, where: str = "") -> str:
    """Replace every solution region of a code cell by ``name = ...  # 请在这里作答`` stubs."""

    def stub(region: str, where: str) -> list[str]:
        names = stub_names(region, where)
        if not names:
            return [f"pass  {STUB_COMMENT}"]
        return [f"{name} = ...  {STUB_COMMENT}" for name in names]

    return _replace_regions(source, _BEGIN_CODE, _END_CODE, stub, where)


def transform_markdown(source: str, where: str = "") -> str:
    """Replace every solution region of a markdown cell by ``（请在这里写下你的答案）``."""
    return _replace_regions(source, _BEGIN_MD, _END_MD, lambda region, where: [MARKDOWN_STUB], where)


def _mark_title(source: str) -> str:
    lines = source.split("\n")
    for k, line in enumerate(lines):
        m = re.match(r"^(#{1,6}\s+)(.*)$", line)
        if m:
            if not m.group(2).startswith(EXERCISE_TITLE_PREFIX):
                lines[k] = f"{m.group(1)}{EXERCISE_TITLE_PREFIX}{m.group(2)}"
            return "\n".join(lines)
    if source.startswith(f"**{EXERCISE_TITLE_PREFIX.rstrip('：')}**"):
        return source
    return f"**{EXERCISE_TITLE_PREFIX.rstrip('：')}**\n\n{source}"


def make_exercise(solution, name: str = ""):
    """Return the exercise version of a solution notebook (a new ``NotebookNode``, outputs cleared)."""
    import nbformat

    nb = copy.deepcopy(solution)
    _ensure_ids(nb)
    cells = []
    title_done = False
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_ONLY_TAG in tags:
            continue
        where = f"{name} 第 {index + 1} 个单元格（cell {index + 1}）：" if name else f"第 {index + 1} 个单元格："
        source = _source(cell)
        if cell.cell_type == "code":
            cell.source = transform_code(source, where)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            source = transform_markdown(source, where)
            if not title_done:
                source = _mark_title(source)
                title_done = True
            cell.source = source
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- cleaning


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _ensure_ids(nb) -> None:
    """Give every cell a valid, unique id; existing valid ids are kept, new ones are deterministic."""
    nb.nbformat = 4
    if nb.get("nbformat_minor", 0) < 5:
        nb.nbformat_minor = 5
    used: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not isinstance(cid, str) or not _CELL_ID.match(cid) or cid in used:
            seed = f"{index}:{cell.get('cell_type')}:{_source(cell)}"
            n = 0
            while True:
                cid = hashlib.sha1(f"{seed}:{n}".encode()).hexdigest()[:8]
                if cid not in used:
                    break
                n += 1
            cell["id"] = cid
        used.add(cid)


_STYLER_TABLE = re.compile(r'<table id="T_([0-9a-f]{5})"')


def _stable_styler_ids(html: str, seed: str) -> str:
    """pandas Styler tables get a random ``T_xxxxx`` id; replace it by one derived from ``seed``."""
    for n, uuid in enumerate(dict.fromkeys(_STYLER_TABLE.findall(html))):
        new = hashlib.sha1(f"{seed}:{n}".encode()).hexdigest()[:5]
        html = re.sub(rf"\bT_{uuid}(?=[_\"\s#.:,{{])", f"T_{new}", html)
    return html


_ADDRESS = re.compile(r"(<[^<>\n]* at )0x[0-9a-fA-F]+>")


def _clean_output(output, seed: str) -> None:
    output.pop("transient", None)
    data = output.get("data")
    if data and "text/plain" in data:
        # default reprs like "<Styler at 0x7f28a9323b50>" differ on every run
        text = data["text/plain"]
        text = "".join(text) if isinstance(text, list) else text
        data["text/plain"] = _ADDRESS.sub(r"\g<1>0x0>", text)
    if data and "text/html" in data:
        html = data["text/html"]
        html = "".join(html) if isinstance(html, list) else html
        if _STYLER_TABLE.search(html):
            data["text/html"] = _stable_styler_ids(html, seed)
    if data and WIDGET_MIME in data:
        # The view refers to a kernel-side model with a random id; without saved
        # widget state JupyterLab would show "Error displaying widget".
        output["data"] = {"text/plain": WIDGET_PLACEHOLDER}
        output["metadata"] = {}


def clean_notebook(nb):
    """Strip saved widget state, timings and machine-specific metadata (in place; returns ``nb``)."""
    _ensure_ids(nb)
    meta = nb.setdefault("metadata", {})
    for key in list(meta):
        if key in _DROP_NB_METADATA:
            del meta[key]
    meta["kernelspec"] = dict(_KERNELSPEC)
    info = meta.get("language_info") or {}
    lang = {k: info[k] for k in _LANGUAGE_INFO_KEYS if k in info}
    lang.setdefault("name", "python")
    meta["language_info"] = lang
    for cell in nb.cells:
        cmeta = cell.setdefault("metadata", {})
        for key in list(cmeta):
            if key in _DROP_CELL_METADATA:
                del cmeta[key]
        if cell.cell_type == "code":
            for k, output in enumerate(cell.get("outputs", [])):
                _clean_output(output, f"{cell.get('id')}:{k}")
    return nb


def notebook_sources(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    """What ``--check`` compares: cell type, source and tags of every cell."""
    return [
        (cell.cell_type, _source(cell), tuple(cell.get("metadata", {}).get("tags", [])))
        for cell in nb.cells
    ]


def _write(nb, path: Path) -> None:
    """Write atomically with nbformat (indent=1, ensure_ascii=False, trailing newline)."""
    import nbformat

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".ipynb", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            nbformat.write(nb, fh)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read(path: Path):
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise AssignError(f"找不到笔记本文件：{path}。请检查路径。 / Notebook not found: {path}")
    try:
        with open(path, encoding="utf-8") as fh:
            return nbformat.read(fh, as_version=4)
    except Exception as exc:  # noqa: BLE001 - report any unreadable notebook in Chinese
        raise AssignError(
            f"无法读取笔记本 {path}（{type(exc).__name__}: {exc}）。它可能不是有效的 .ipynb 文件。"
            f" / Cannot read notebook {path}: {exc}"
        ) from None


# --------------------------------------------------------------------------- execution


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def execute_notebook(nb, cwd: Path | str, name: str = "", timeout: int = CELL_TIMEOUT):
    """Execute ``nb`` in place with the ``python3`` kernel of the current environment, cwd = ``cwd``.

    Raises :class:`ExecutionFailed` if a cell raises; returns the cleaned notebook.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # no debugger warning on stderr
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
        allow_errors=False,
    )
    try:
        client.execute(stderr=subprocess.DEVNULL)  # kernel process noise, not notebook output
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        index = _failed_cell(nb)
        where = f"第 {index + 1} 个单元格（cell {index + 1}）" if index is not None else "某个单元格"
        detail = _ANSI.sub("", str(exc)).strip()
        raise ExecutionFailed(
            f"执行失败：{name or '笔记本'} 的{where}出错。请修正后重新运行。\n"
            f"Execution failed: {name or 'notebook'}, {where.split('（')[-1].rstrip('）')} raised.\n\n{detail}"
        ) from None
    return clean_notebook(nb)


def _failed_cell(nb) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    # timeout / dead kernel: the first code cell without execution count
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("execution_count") is None and _source(cell).strip():
            return index
    return None


def stderr_cells(nb) -> list[int]:
    """1-based numbers of cells that wrote to stderr (warnings must not be committed)."""
    return [
        index
        for index, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code"
        and any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in cell.get("outputs", []))
    ]


def _warn_stderr(nb, name: str) -> None:
    cells = stderr_cells(nb)
    if cells:
        listed = ", ".join(map(str, cells))
        print(
            f"注意：{name} 的第 {listed} 个单元格向 stderr 输出了内容（多半是警告），提交前请消除。"
            f" / Warning: cells {listed} of {name} wrote to stderr.",
            file=sys.stderr,
        )


def execute_file(path: Path | str, timeout: int = CELL_TIMEOUT) -> None:
    """Execute a notebook file in place (cwd = its folder) and write it back cleaned."""
    path = Path(path)
    nb = _read(path)
    execute_notebook(nb, path.resolve().parent, name=str(path), timeout=timeout)
    _write(nb, path)
    _warn_stderr(nb, str(path))


# --------------------------------------------------------------------------- exercises


def exercise_path_for(solution: Path | str) -> Path:
    """``<root>/solutions/NN.ipynb`` -> ``<root>/exercises/NN.ipynb``."""
    solution = Path(solution)
    return solution.parent.parent / "exercises" / solution.name


@dataclass
class Drift:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def find_drift(root: Path | str) -> list[Drift]:
    """Exercises that are missing, orphaned, or whose sources differ from what would be generated."""
    root = Path(root)
    solutions = sorted((root / "solutions").glob("*.ipynb"))
    problems: list[Drift] = []
    for sol in solutions:
        ex = exercise_path_for(sol)
        try:
            expected = make_exercise(_read(sol), name=str(sol.relative_to(root)))
        except AssignError as exc:
            problems.append(Drift(sol, f"无法生成练习 / cannot generate: {exc}"))
            continue
        if not ex.exists():
            problems.append(Drift(ex, "练习笔记本缺失，请运行 python -m crmlab.assign / exercise notebook missing"))
            continue
        if notebook_sources(_read(ex)) != notebook_sources(expected):
            problems.append(
                Drift(ex, f"与 {sol.relative_to(root)} 不一致，请运行 python -m crmlab.assign / out of date")
            )
    names = {s.name for s in solutions}
    for ex in sorted((root / "exercises").glob("*.ipynb")):
        if ex.name not in names:
            problems.append(Drift(ex, "没有对应的 solutions/ 笔记本 / no matching solution notebook"))
    return problems


def generate(solution: Path | str, force: bool = False, execute: bool = True, timeout: int = CELL_TIMEOUT) -> bool:
    """Generate (and execute) the exercise for one solution notebook; returns True if the file was written."""
    solution = Path(solution)
    target = exercise_path_for(solution)
    nb = make_exercise(_read(solution), name=str(solution))
    if target.exists() and not force and notebook_sources(_read(target)) == notebook_sources(nb):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    if execute:
        execute_notebook(nb, target.resolve().parent, name=str(target), timeout=timeout)
        _warn_stderr(nb, str(target))
    else:
        clean_notebook(nb)
    _write(nb, target)
    return True


# --------------------------------------------------------------------------- command line


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m crmlab.assign",
        description="由 solutions/ 生成 exercises/，或执行并清理笔记本。"
        " / Generate exercises/ from solutions/, or execute and clean notebooks.",
    )
    p.add_argument("notebooks", nargs="*", type=Path, help="笔记本 / notebooks (default: solutions/*.ipynb)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--execute", action="store_true", help="原地执行并清理给定的笔记本 / execute in place")
    mode.add_argument("--check", action="store_true", help="检查 exercises/ 是否与 solutions/ 一致 / drift check")
    p.add_argument("--force", action="store_true", help="即使源码未变也重新生成并执行 / regenerate anyway")
    p.add_argument("--no-execute", action="store_true", help="生成练习但不执行 / do not execute exercises")
    p.add_argument("--root", type=Path, default=None, help="课程根目录 / course root (default: cwd)")
    p.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="每个单元格的超时秒数 / per-cell timeout")
    return p


def _root(args) -> Path:
    if args.root is not None:
        return args.root
    cwd = Path.cwd()
    if (cwd / "solutions").is_dir():
        return cwd
    pkg_root = Path(__file__).resolve().parent.parent
    return pkg_root if (pkg_root / "solutions").is_dir() else cwd


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.execute:
            if not args.notebooks:
                print("请给出要执行的笔记本文件。 / Give at least one notebook to execute.", file=sys.stderr)
                return 2
            for path in args.notebooks:
                print(f"执行 / executing {path} ...", flush=True)
                execute_file(path, timeout=args.timeout)
            return 0

        root = _root(args)
        if args.check:
            problems = find_drift(root)
            if problems:
                print("exercises/ 与 solutions/ 不一致 / exercises/ drifted from solutions/:", file=sys.stderr)
                for problem in problems:
                    try:
                        shown = problem.path.resolve().relative_to(root.resolve())
                    except ValueError:
                        shown = problem.path
                    print(f"  - {shown}: {problem.reason}", file=sys.stderr)
                print("请运行 python -m crmlab.assign 重新生成。 / Run python -m crmlab.assign.", file=sys.stderr)
                return 1
            print("exercises/ 与 solutions/ 一致。 / exercises/ are up to date.")
            return 0

        solutions = args.notebooks or sorted((root / "solutions").glob("*.ipynb"))
        if not solutions:
            print(f"{root / 'solutions'} 里没有笔记本。 / No solution notebooks found.", file=sys.stderr)
            return 0
        for sol in solutions:
            written = generate(sol, force=args.force, execute=not args.no_execute, timeout=args.timeout)
            state = "已生成 / written" if written else "未变化 / unchanged"
            print(f"{exercise_path_for(sol)}: {state}", flush=True)
        return 0
    except (AssignError, ExecutionFailed) as exc:
        print(str(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
