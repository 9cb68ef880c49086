"""Benchmark: `import crmlab` must cost at most 1.25x importing pandas, pyplot and ipywidgets.

Both commands run as fresh interpreters, alternating, several times in the same run;
the medians are compared.  Prints the ratio; exits 1 when it is above the limit.

    uv run python tests/benchmarks/bench_import.py [--quick]

Quick mode: 3 rounds instead of 7.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from _bench import quick, report

LIMIT = 1.25
BASELINE = "import pandas, matplotlib.pyplot, ipywidgets"
SUBJECT = "import crmlab"
ROUNDS = 3 if quick() else 7


def run(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> int:
    run(BASELINE), run(SUBJECT)  # warm the OS file cache and bytecode caches
    base, subj = [], []
    for _ in range(ROUNDS):
        base.append(run(BASELINE))
        subj.append(run(SUBJECT))
    b, s = statistics.median(base), statistics.median(subj)
    ratio = s / b
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, crmlab; print(sorted(m for m in ('sklearn','scipy','sqlite3','openpyxl') if m in sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    print(f"baseline ({BASELINE}): {b:.3f} s")
    print(f"import crmlab: {s:.3f} s")
    print(f"ratio: {ratio:.2f} (limit {LIMIT})")
    print(f"heavy modules loaded by import crmlab: {heavy}")
    report("import crmlab (baseline: import pandas, pyplot, ipywidgets)", s, baseline=b,
           target=f"≤ {LIMIT:g}x, no sklearn/scipy/sqlite3/openpyxl", met=ratio <= LIMIT and heavy == "[]")
    return 0 if ratio <= LIMIT and heavy == "[]" else 1


if __name__ == "__main__":
    sys.exit(main())
