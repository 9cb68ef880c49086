"""Benchmark: association rules of the course company (3,000 customers and their orders).

Data: ``crmlab.datasets.load("order_lines")`` -- about 31,000 orders, 63,000 order
lines, 2,550 buying customers, 7 categories.  Timed (best of 5, interleaved):

* ours: ``crmlab.basket.find_rules`` per order **and** per customer at the notebook's
  default thresholds (one-hot baskets, checks, mlxtend ``apriori`` +
  ``association_rules``, readable rule names, sorting);
* baseline: the one-hot basket alone, built the textbook way with a plain pandas
  ``pd.crosstab(order_id, category) > 0`` (and the same per customer).

Target: under 1 s absolute for both rule sets together (a learner moving a slider
must not wait).  The ratio against the baseline is printed for scale, and our
one-hot matrix is checked to equal the crosstab.  For scale too: the same rules
with mlxtend's ``fpgrowth`` instead of ``apriori`` (timed once), and a first call in a
fresh Python process (includes importing mlxtend).

Run: ``uv run python tests/benchmarks/bench_rules.py [--quick]``; exits 1 on a miss.
Quick mode: best of 3.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pandas as pd
from _bench import quick, report

from crmlab import datasets
from crmlab.basket import basket_matrix, find_rules

QUICK = quick()
REPEAT = 3 if QUICK else 5
TARGET_S = 1.0


def ours(lines: pd.DataFrame):
    return find_rules(lines, by="order"), find_rules(lines, by="customer")


def baseline(lines: pd.DataFrame):
    return (pd.crosstab(lines["order_id"], lines["category"]) > 0,
            pd.crosstab(lines["customer_id"], lines["category"]) > 0)


def fpgrowth_rules(lines: pd.DataFrame) -> int:
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    n = 0
    for by in ("order", "customer"):
        onehot = basket_matrix(lines, by=by)
        sets = fpgrowth(onehot, min_support=0.02, use_colnames=True, max_len=2)
        n += len(association_rules(sets, num_itemsets=len(onehot), metric="confidence", min_threshold=0.3))
    return n


def cold_first_call() -> float:
    code = ("import time; t = time.perf_counter(); import crmlab; from crmlab.basket import find_rules; "
            "lines = crmlab.datasets.load('order_lines'); t1 = time.perf_counter(); find_rules(lines); "
            "print(time.perf_counter() - t1)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    lines = datasets.load("order_lines")
    print(f"{len(lines):,} order lines, {lines['order_id'].nunique():,} orders, "
          f"{lines['customer_id'].nunique():,} buying customers, {lines['category'].nunique()} categories")
    ours(lines), baseline(lines)  # warm up (imports mlxtend)
    t_ours = t_base = float("inf")
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        rules = ours(lines)
        t1 = time.perf_counter()
        base = baseline(lines)
        t2 = time.perf_counter()
        t_ours, t_base = min(t_ours, t1 - t0), min(t_base, t2 - t1)
    same = all(basket_matrix(lines, by=by).equals(b.rename_axis(columns="category"))
               for by, b in zip(("order", "customer"), base))
    t0 = time.perf_counter()
    n_fp = fpgrowth_rules(lines)
    t_fp = time.perf_counter() - t0
    t_cold = cold_first_call()
    ratio = t_ours / t_base
    print(f"baseline one-hot baskets (pd.crosstab, order + customer): {t_base:.3f} s")
    print(f"crmlab find_rules (order + customer, {len(rules[0])} + {len(rules[1])} rules): {t_ours:.3f} s"
          f"  -> ratio {ratio:.2f}, target < {TARGET_S:g} s absolute")
    print(f"same rules with fpgrowth instead of apriori (for scale, {n_fp} rules): {t_fp:.3f} s")
    print(f"first call in a fresh process, incl. importing mlxtend (for scale): {t_cold:.3f} s")
    print(f"one-hot baskets agree with the crosstab: {same}")
    met = t_ours < TARGET_S and same
    report("association rules: 3,000 customers (order + customer baskets)", t_ours, baseline=t_base,
           target=f"< {TARGET_S:g} s", met=met)
    if not same:
        print("FAIL: one-hot baskets disagree with the crosstab")
        return 1
    if t_ours >= TARGET_S:
        print("FAIL: rules take longer than the target")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
