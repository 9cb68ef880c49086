"""Run every benchmark ``tests/benchmarks/bench_*.py`` and print one table.

Each script runs in its own fresh interpreter (as in CI), one after the other.
Scripts print a machine-readable line per measurement (``BENCH {json}``, see
``_bench.py``); a script that prints none gets one row from its exit status.
The table (Markdown) has one row per measurement: what, ours, baseline, ratio,
target, met.  Exit status 1 when any required target is missed or any script fails; goals
reported with ``"gate": false`` (an open issue's target) are shown as "not yet" only.

Usage::

    uv run python tests/benchmarks/run.py                  # full sizes (several minutes)
    uv run python tests/benchmarks/run.py --quick          # smaller data, fewer repeats (CI)
    uv run python tests/benchmarks/run.py --markdown bench.md io rfm   # only bench_io, bench_rfm

Quick mode sets ``CRMLAB_BENCH_QUICK=1`` in the scripts' environment.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PREFIX = "BENCH "
QUICK_ENV = "CRMLAB_BENCH_QUICK"


@dataclass
class ScriptResult:
    script: str
    returncode: int
    seconds: float
    rows: list[dict] = field(default_factory=list)
    output: str = ""


def discover(names: list[str]) -> list[Path]:
    """``bench_*.py`` scripts, sorted; restricted to ``bench_<name>.py`` for the given names."""
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in (Path(n).stem for n in names)}
        scripts = [s for s in scripts if s.stem in wanted]
    return scripts


def parse_rows(output: str) -> list[dict]:
    """The ``BENCH {json}`` lines of a script's output."""
    rows = []
    for line in output.splitlines():
        if line.startswith(PREFIX):
            try:
                rows.append(json.loads(line[len(PREFIX):]))
            except json.JSONDecodeError:
                rows.append({"what": f"unreadable result line: {line[:60]}", "target": "", "met": False})
    return rows


def run_script(script: Path, *, quick: bool, timeout: float) -> ScriptResult:
    """Run one benchmark script in a subprocess, echo its output, collect its rows."""
    env = dict(os.environ)
    env[QUICK_ENV] = "1" if quick else "0"
    env.setdefault("MPLBACKEND", "Agg")
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=timeout)
        code, output = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        code, output = -1, out + f"\nTIMEOUT after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    return ScriptResult(script.stem, code, seconds, parse_rows(output), output)


def table_rows(result: ScriptResult) -> list[dict]:
    """Rows of one script, plus a row for a failure that no measurement explains."""
    rows = [dict(r, script=result.script) for r in result.rows]
    if not rows:
        rows.append({"script": result.script, "what": f"{result.script} (no BENCH lines: exit status)",
                     "ours": result.seconds, "unit": "s", "target": "exit status 0", "met": result.returncode == 0})
    elif result.returncode != 0 and all(r.get("met") for r in rows):
        reason = "timeout" if result.returncode == -1 else f"exit status {result.returncode}"
        rows.append({"script": result.script, "what": f"{result.script}: other check failed ({reason})",
                     "target": "exit status 0", "met": False})
    return rows


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def _met(row: dict) -> str:
    if row.get("met"):
        return "yes"
    return "not yet (goal)" if row.get("gate") is False else "**NO**"


def missed_targets(rows: list[dict]) -> list[dict]:
    """Rows whose target is required and not met (goals with ``"gate": false`` are reported only)."""
    return [r for r in rows if not r.get("met") and r.get("gate") is not False]


def markdown(rows: list[dict]) -> str:
    """The table: one line per measurement."""
    lines = ["| benchmark | what | ours | baseline | ratio | target | met? |",
             "|---|---|---:|---:|---:|---|:---:|"]
    for r in rows:
        unit = r.get("unit", "")
        ratio = r.get("ratio")
        lines.append(
            f"| {r['script']} | {r.get('what', '')} | {_fmt(r.get('ours'), unit)} | {_fmt(r.get('baseline'), unit)} "
            f"| {'–' if ratio is None else f'{ratio:.2f}x'} | {r.get('target', '')} | {_met(r)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every tests/benchmarks/bench_*.py and print one table.")
    parser.add_argument("names", nargs="*", help="only these benchmarks (io, rfm, bench_io.py ...)")
    parser.add_argument("--quick", action="store_true", help=f"smaller data, fewer repeats (sets {QUICK_ENV}=1)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table to FILE")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per script (default 1800)")
    args = parser.parse_args(argv)

    scripts = discover(args.names)
    if not scripts:
        print(f"no benchmark scripts match {args.names}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    rows: list[dict] = []
    for script in scripts:
        print(f"== {script.relative_to(ROOT)}{' (quick)' if args.quick else ''}", flush=True)
        result = run_script(script, quick=args.quick, timeout=args.timeout)
        shown = "\n".join(ln for ln in result.output.splitlines() if not ln.startswith(PREFIX))
        print(shown, flush=True)
        print(f"-- {result.script}: exit status {result.returncode}, {result.seconds:.1f} s", flush=True)
        rows.extend(table_rows(result))
    total = time.perf_counter() - start

    text = markdown(rows)
    missed = missed_targets(rows)
    goals = [r for r in rows if not r.get("met") and r.get("gate") is False]
    footer = (f"{len(scripts)} benchmark scripts, {'quick' if args.quick else 'full'} mode, "
              f"{total:.0f} s in all; {len(missed)} target(s) missed"
              + (f"; {len(goals)} goal(s) not yet met (reported, not required)." if goals else "."))
    print("\n" + text + "\n\n" + footer)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n\n" + footer + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
