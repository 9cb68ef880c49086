"""Benchmark: every classroom widget updates in at most 100 ms for a company of 10,000 customers.

The dashboards' pages (``crmlab.app.pages``: the same views, built with the same inputs as
the lesson notebooks) are built on a course company generated with 10,000 customers
(``crmlab.datasets.generate(n_customers=10_000)``, about 100,000 orders); the reference data
sets (CDNOW, German credit) are the shipped ones.  Every control a learner can change with a
click (drop-downs, toggle buttons, sliders, check boxes) is set to other values the way the
browser sets it (``control.value = v``, which runs the widget's own observer: compute, chart,
PNG), and each change is timed.  Each change is made three times (there and back); the best
time counts, the slowest change of a widget is its result.  The baseline times the first two
controls of each widget (the first one in quick mode).  Text boxes and buttons are not
timed (typing and clicking "save" are not live updates).

Baseline (same run): the same update with the chart turned into a PNG the way Jupyter's
inline display does it (standard Agg canvas, ``bbox_inches="tight"``, default compression),
i.e. the update as it was before ``crmlab.widgets.figure_png``.

The 100 ms goal is reported for every widget (``gate=False``: shown as "not yet" while it is
missed, without failing the run): the same kind of 2-core machine has been measured twice as
fast on one day as on another, so an absolute time cannot be required of every widget in CI.
What is required is machine-independent: the slowest widget, relative to its same-run baseline,
stays at most ``MAX_RATIO`` (a widget that went back to the slow way of showing charts fails).
The explorers' 100 ms is required by ``bench_explorers.py``.  The script fails when a control
change shows a generic error message (a bug).

Run: ``uv run python tests/benchmarks/bench_widgets.py [--quick] [page-title ...]``.
Quick mode (CI): one other value per control, each change made twice (best counts).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
from _bench import positional_args, quick, report

LIMIT_MS = 100.0
MAX_RATIO = 0.8  # required: every widget with a chart at most 0.8x its same-run baseline (measured 0.26-0.56x)
MIN_BASELINE_MS = 20.0  # baselines below this are widgets without a chart (HTML only): no ratio to speak of
N_CUSTOMERS = 10_000
REPEAT = 3


def company_data():
    """A LessonData whose course tables are a generated company of 10,000 customers."""
    import crmlab
    from crmlab.app.pages import LessonData

    frames = crmlab.datasets.generate(n_customers=N_CUSTOMERS)

    class BigCompany(LessonData):
        def table(self, name):
            if name in frames:
                return self.get(f"table:{name}", lambda: frames[name].copy())
            return super().table(name)

    return BigCompany(), frames


def controls(widget) -> list:
    """The live controls inside a widget tree (value widgets a learner clicks), in display order."""
    import ipywidgets as w

    live = (w.Dropdown, w.ToggleButtons, w.RadioButtons, w.Select, w.IntSlider, w.FloatSlider,
            w.SelectionSlider, w.Checkbox, w.ToggleButton, w.BoundedIntText, w.BoundedFloatText, w.IntText,
            w.FloatText)
    found, stack = [], [widget]
    while stack:
        node = stack.pop(0)
        if isinstance(node, live) and not getattr(node, "disabled", False):
            found.append(node)
        stack[:0] = list(getattr(node, "children", ()) or ())
    return found


def other_values(control, n: int) -> list:
    """Up to ``n`` values other than the current one, spread over the control's range."""
    import ipywidgets as w

    v = control.value
    if isinstance(control, (w.Checkbox, w.ToggleButton)):
        return [not v]
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        values = [x for x in values if x != v]
        step = max(1, len(values) // n)
        return values[::step][:n]
    lo, hi = getattr(control, "min", None), getattr(control, "max", None)
    if lo is None or hi is None:
        return []
    cands = [lo, hi, type(v)((lo + hi) / 2) if isinstance(v, int) else (lo + hi) / 2]
    return [c for c in dict.fromkeys(cands) if c != v][:n]


def time_widget(view, n_values: int, repeat: int = REPEAT, n_controls: int | None = None) -> tuple[float, list[str]]:
    """Slowest best-of-``repeat`` change over every control setting, in ms; and the messages seen."""
    worst, errors = 0.0, []
    for control in controls(view.widget)[:n_controls]:
        start = control.value
        for value in other_values(control, n_values):
            best = float("inf")
            for _ in range(repeat):
                for target in (value, start):
                    t = time.perf_counter()
                    control.value = target
                    best = min(best, (time.perf_counter() - t) * 1000) if target == value else best
                    if view.message:  # a Chinese explanation (e.g. two thresholds in the wrong order) is by design
                        errors.append(f"{control.description or type(control).__name__}={target!r}: {view.message}")
            worst = max(worst, best)
    return worst, errors


def main() -> int:
    from IPython.core.interactiveshell import InteractiveShell

    from crmlab import widgets
    from crmlab.app import pages

    InteractiveShell.instance()  # display() goes through IPython's publisher, as in a kernel
    wanted = positional_args()
    n_values, repeat = (1, 2) if quick() else (3, REPEAT)
    t0 = time.perf_counter()
    data, frames = company_data()
    print(f"company: {len(frames['customers']):,} customers, {len(frames['orders']):,} orders, "
          f"{len(frames['invoices']):,} invoices (generated in {time.perf_counter() - t0:.1f} s)")
    rows, ok = [], True
    for lesson in (pages.lesson1, pages.lesson2, pages.lesson3, pages.lesson4):
        for title, build in lesson(data):
            if wanted and title not in wanted:
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                view = build()
                if not controls(view.widget):
                    continue
                ours, errors = time_widget(view, n_values, repeat)
                with widgets.inline_png():
                    base, _ = time_widget(view, 1, repeat, n_controls=1 if quick() else 2)
            rows.append((title, type(view).__name__, ours, base, errors))
            broken = [e for e in errors if "意外" in e or "输入有误" in e]  # a generic message: a bug
            print(f"{title:<10} {type(view).__name__:<22} slowest update {ours:6.0f} ms"
                  f"   (inline-display baseline, first control(s): {base:6.0f} ms)"
                  + (f"\n{'':<10} messages shown: {sorted(set(errors))[:2]}" if errors else ""))
            if broken:
                print(f"FAIL: {type(view).__name__} showed a generic error message (a bug, not a Chinese explanation)")
            ok &= not broken
            # the 100 ms goal of every widget is reported here; the explorers' is required in bench_explorers.py
            report(f"{type(view).__name__} ({title}) update, {N_CUSTOMERS:,} customers (slowest control change)",
                   ours, baseline=base or None,  # 0: the first control has no live update to compare
                   unit="ms", target=f"≤ {LIMIT_MS:.0f} ms", met=ours <= LIMIT_MS, gate=False)
    if rows:
        print(f"{len(rows)} widgets; median of the slowest updates {statistics.median(r[2] for r in rows):.0f} ms, "
              f"slowest {max(r[2] for r in rows):.0f} ms ({max(rows, key=lambda r: r[2])[1]})")
    slow = [r for r in rows if r[2] > LIMIT_MS]
    print(f"{len(rows) - len(slow)} of {len(rows)} widgets update within {LIMIT_MS:.0f} ms"
          + (f"; not yet: {', '.join(r[1] for r in slow)}" if slow else ""))
    charted = [r for r in rows if r[3] >= MIN_BASELINE_MS]  # widgets whose update draws a chart
    if charted and not wanted:
        worst = max(charted, key=lambda r: r[2] / r[3])
        # a ratio of two times taken in the same run hardly depends on how fast the machine is: the
        # required guard against a widget falling back to the slow way of showing its chart
        report(f"slowest widget update relative to its inline-display baseline ({worst[1]}; "
               f"{len(charted)} widgets with a chart)", worst[2], baseline=worst[3], unit="ms",
               target=f"≤ {MAX_RATIO}x", met=worst[2] / worst[3] <= MAX_RATIO)
        if worst[2] / worst[3] > MAX_RATIO:
            print(f"FAIL: {worst[1]} takes {worst[2] / worst[3]:.2f}x its inline-display baseline (at most {MAX_RATIO}x)")
            ok = False
    print("OK" if ok else "FAIL (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
