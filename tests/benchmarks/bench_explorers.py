"""Benchmark: the lesson-3 explorers update in at most 100 ms for 10,000 customers.

One update = ``view.update(...)``, exactly what runs when a learner moves a control:
the domain functions, the chart, the PNG the browser shows and the widget output
(under an IPython shell, as in a kernel).  Seven control settings per explorer (the RFM
explorer's include a new analysis date, which recomputes R, F and M); each is timed
five times and the best counts; every setting must stay within the limit.  For
scale, the same work with scikit-learn's defaults (``KMeans(n_init=10)``, all
threads, silhouette on every customer) is printed for the KMeans explorer.

Run: ``uv run python tests/benchmarks/bench_explorers.py [--quick]``; exits 1 on a miss.
Quick mode: the same (10,000 customers is the target itself; it takes about 25 s).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
from _bench import report

from crmlab import segment as S
from crmlab.widgets.segment import KMeansExplorer, RFMExplorer

N_CUSTOMERS = 10_000
LIMIT_MS = 100.0
REPEAT = 5  # each control setting is timed 5 times, the best counts (filters scheduler noise); same in quick mode


def make_transactions(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_rows = 120_000
    weights = rng.pareto(1.5, N_CUSTOMERS) + 1
    cust = np.concatenate([np.arange(N_CUSTOMERS), rng.choice(N_CUSTOMERS, n_rows - N_CUSTOMERS, p=weights / weights.sum())])
    return pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.char.zfill(cust.astype(str), 5)),
            "order_id": np.char.add("O", np.arange(n_rows).astype(str)),
            "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730, n_rows), unit="D"),
            "amount": rng.gamma(2.0, 80.0, n_rows).round(2),
        }
    )


def time_update(view, values) -> float:
    t = time.perf_counter()
    view.update(**values)
    ms = (time.perf_counter() - t) * 1000
    if view.message:
        raise SystemExit(f"the explorer reported an error for {values}: {view.message}")
    return ms


def best(view, values) -> float:
    """Best of REPEAT updates with these values, each after an update with other values."""
    times = []
    for _ in range(REPEAT):
        view.update(**view.other)  # leave the setting, so every timed update really changes it
        times.append(time_update(view, values))
    return min(times)


def main() -> int:
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.instance()  # display() goes through IPython's publisher, as in a kernel
    tx = make_transactions()
    with contextlib.redirect_stdout(io.StringIO()):
        rfm_view = RFMExplorer(tx, asof="2026-01-01")  # builds the controls and warms up
    rfm_view.other = {"asof": "2026-01-01", "high_rule": "value_mean", "scheme": "rf_grid", "chart": "sizes"}
    rfm_cases = [
        {"asof": asof, "high_rule": rule, "scheme": scheme, "chart": chart}
        for asof, rule, scheme, chart in [
            ("2026-01-01", "score_mean", "cn8", "sizes"), ("2026-01-01", "value_mean", "cn8", "heatmap"),
            ("2026-01-01", "value_median", "cn8", "treemap"), ("2026-01-01", "score_mean", "rf_grid", "sizes"),
            ("2026-01-01", "score_mean", "cn8", "heatmap"), ("2026-01-01", "score_mean", "rf_grid", "treemap"),
            ("2026-02-01", "score_mean", "cn8", "sizes"),  # a new date: R, F and M are computed again
        ]
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        rfm_ms = [best(rfm_view, v) for v in rfm_cases]

    table = S.rfm(tx, "2026-01-01")
    with contextlib.redirect_stdout(io.StringIO()):
        km_view = KMeansExplorer(table)
    km_view.other = {"k": 7, "features": ["recency", "monetary", "M"], "log": True, "standardize": True}
    km_cases = [
        {"k": k, "features": feats, "log": True, "standardize": True, "chart": chart}
        for k, feats, chart in [
            (4, ["recency", "frequency", "monetary"], "snake"), (3, ["recency", "frequency", "monetary"], "snake"),
            (5, ["recency", "monetary"], "snake"), (6, ["recency", "frequency", "monetary"], "snake"),
            (8, ["recency", "frequency", "monetary", "R", "F", "M"], "snake"), (2, ["frequency"], "snake"),
            (4, ["recency", "frequency", "monetary"], "radar"),
        ]
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        km_ms = [best(km_view, v) for v in km_cases]

    # for scale: scikit-learn defaults, no thread limit, silhouette on all customers
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    x = np.log1p(table[["recency", "frequency", "monetary"]].to_numpy(float))
    x = (x - x.mean(0)) / x.std(0)
    t = time.perf_counter()
    lab = KMeans(4, n_init=10, random_state=0).fit_predict(x)
    silhouette_score(x, lab)
    naive_ms = (time.perf_counter() - t) * 1000

    print(f"{len(tx):,} transactions, {len(table):,} customers")
    print("RFMExplorer update (ms):    " + ", ".join(f"{m:.0f}" for m in rfm_ms)
          + f"  -> median {statistics.median(rfm_ms):.0f}, max {max(rfm_ms):.0f} (limit {LIMIT_MS:.0f})")
    print("KMeansExplorer update (ms): " + ", ".join(f"{m:.0f}" for m in km_ms)
          + f"  -> median {statistics.median(km_ms):.0f}, max {max(km_ms):.0f} (limit {LIMIT_MS:.0f})")
    print(f"for scale, KMeans(n_init=10) + full silhouette without the chart: {naive_ms:.0f} ms "
          f"(ratio to the explorer median {naive_ms / statistics.median(km_ms):.1f}x)")
    report(f"RFMExplorer update, {N_CUSTOMERS:,} customers (slowest of 7 settings)", max(rfm_ms), unit="ms",
           target=f"< {LIMIT_MS:.0f} ms", met=max(rfm_ms) < LIMIT_MS)
    report(f"KMeansExplorer update, {N_CUSTOMERS:,} customers (slowest of 7; baseline: sklearn defaults)",
           max(km_ms), baseline=naive_ms, unit="ms", target=f"< {LIMIT_MS:.0f} ms", met=max(km_ms) < LIMIT_MS)
    ok = max(rfm_ms) < LIMIT_MS and max(km_ms) < LIMIT_MS
    print("OK" if ok else "FAIL: an explorer update is slower than the limit")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
