"""Shared helpers of the benchmark scripts ``tests/benchmarks/bench_*.py``.

Every script keeps its human-readable output and, in addition, prints one
machine-readable line per measurement::

    BENCH {"what": "...", "ours": 1.2, "baseline": 0.3, "unit": "s", "ratio": 4.0, "target": "≤ 5x", "met": true}

``tests/benchmarks/run.py`` runs the scripts and collects these lines into one
table.  Quick mode (smaller data, fewer repeats, for CI) is switched on by the
``--quick`` flag or the environment variable ``CRMLAB_BENCH_QUICK=1``.
"""

from __future__ import annotations

import json
import math
import os
import sys

QUICK_ENV = "CRMLAB_BENCH_QUICK"
PREFIX = "BENCH "


def quick() -> bool:
    """Is the benchmark asked to run in quick mode (``--quick`` or ``CRMLAB_BENCH_QUICK=1``)?"""
    return "--quick" in sys.argv[1:] or os.environ.get(QUICK_ENV, "") not in ("", "0")


def positional_args() -> list[str]:
    """Command-line arguments other than flags (``--quick``)."""
    return [a for a in sys.argv[1:] if not a.startswith("--")]


def _number(x: float | None) -> float | None:
    if x is None or not math.isfinite(float(x)):
        return None
    return float(x)


def report(what: str, ours: float, *, target: str, met: bool, baseline: float | None = None,
           unit: str = "s", ratio: float | None = None, gate: bool = True) -> None:
    """Print the machine-readable line of one measurement.

    ``ratio`` defaults to ``ours / baseline`` when a baseline is given.  ``target``
    is a short text such as ``"≤ 5x"`` or ``"≤ 0.2 s"``; ``met`` says whether it is met.
    ``gate=False`` marks a goal that is reported but not yet required (an open issue's
    target): the table shows it as "not yet" and the run does not fail on it.
    """
    if ratio is None and baseline:
        ratio = ours / baseline
    row = {
        "what": what, "ours": _number(ours), "baseline": _number(baseline), "unit": unit,
        "ratio": _number(ratio), "target": target, "met": bool(met),
    }
    if not gate:
        row["gate"] = False
    print(PREFIX + json.dumps(row, ensure_ascii=False), flush=True)
