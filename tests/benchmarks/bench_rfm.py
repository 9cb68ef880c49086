"""Benchmark: crmlab.segment.rfm on 1,000,000 transactions of 100,000 customers.

Baseline (same run, same data): a plain pandas groupby computing recency,
frequency (distinct orders) and monetary::

    g = df.groupby("customer_id")
    out = pd.DataFrame({"last": g["order_date"].max(),
                        "frequency": g["order_id"].nunique(),
                        "monetary": g["amount"].sum()})
    out["recency"] = (asof - out["last"]).dt.days

``rfm`` does more (input checks, R/F/M quintile scores, the eight segments) and
must take at most 1.3x the baseline.  Each is timed as the best of 5 runs,
interleaved.  The results are checked to agree.  For scale, a textbook version
(groupby + ``pd.qcut`` of the ranks + a row-wise ``apply`` for the segment
names) is timed once.

Run: ``uv run python tests/benchmarks/bench_rfm.py [--quick]``; exits 1 on a miss.
Quick mode: 200,000 transactions of 20,000 customers, best of 3.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from _bench import quick, report

from crmlab.segment import CN8_SEGMENTS, rfm

QUICK = quick()
N_ROWS = 200_000 if QUICK else 1_000_000
N_CUSTOMERS = N_ROWS // 10
TARGET = 1.3
REPEAT = 3 if QUICK else 5


def make_transactions(seed: int = 0) -> pd.DataFrame:
    """About 1.6 product lines per order; every customer has at least one order."""
    rng = np.random.default_rng(seed)
    n_orders = N_ROWS * 5 // 8
    weights = rng.pareto(1.5, N_CUSTOMERS) + 1  # skewed: a few customers order a lot
    owner = np.concatenate(
        [np.arange(N_CUSTOMERS), rng.choice(N_CUSTOMERS, n_orders - N_CUSTOMERS, p=weights / weights.sum())]
    )
    order_day = rng.integers(0, 730, n_orders)
    line_order = np.concatenate([np.arange(n_orders), rng.integers(0, n_orders, N_ROWS - n_orders)])
    rng.shuffle(line_order)
    cust = owner[line_order]
    return pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.char.zfill(cust.astype(str), 6)),
            "order_id": np.char.add("O", np.char.zfill(line_order.astype(str), 7)),
            "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(order_day[line_order], unit="D"),
            "amount": rng.gamma(2.0, 60.0, N_ROWS).round(2),
        }
    )


def baseline(df: pd.DataFrame) -> pd.DataFrame:
    asof = df["order_date"].max() + pd.Timedelta(days=1)
    g = df.groupby("customer_id")
    out = pd.DataFrame(
        {"last": g["order_date"].max(), "frequency": g["order_id"].nunique(), "monetary": g["amount"].sum()}
    )
    out["recency"] = (asof - out["last"]).dt.days
    return out


def textbook(df: pd.DataFrame) -> pd.DataFrame:
    out = baseline(df)
    out["R"] = pd.qcut(out["recency"].rank(method="first", ascending=False), 5, labels=range(1, 6)).astype(int)
    out["F"] = pd.qcut(out["frequency"].rank(method="first"), 5, labels=range(1, 6)).astype(int)
    out["M"] = pd.qcut(out["monetary"].rank(method="first"), 5, labels=range(1, 6)).astype(int)
    means = out[["R", "F", "M"]].mean()
    out["segment"] = out.apply(
        lambda r: CN8_SEGMENTS["".join("H" if r[c] > means[c] else "L" for c in "RFM")], axis=1
    )
    return out


def best_of(fn, df, repeat=REPEAT):
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(df)
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> int:
    df = make_transactions()
    print(f"{len(df):,} transactions, {df['customer_id'].nunique():,} customers, {df['order_id'].nunique():,} orders")
    baseline(df), rfm(df)  # warm up
    t_base = t_rfm = float("inf")
    for _ in range(REPEAT):  # interleaved, best of REPEAT each
        t0 = time.perf_counter()
        base = baseline(df)
        t1 = time.perf_counter()
        ours = rfm(df)
        t2 = time.perf_counter()
        t_base, t_rfm = min(t_base, t1 - t0), min(t_rfm, t2 - t1)
    ok_values = (
        np.array_equal(base.index.to_numpy(), ours.index.to_numpy())
        and np.array_equal(base["recency"].to_numpy(), ours["recency"].to_numpy())
        and np.array_equal(base["frequency"].to_numpy(), ours["frequency"].to_numpy())
        and np.allclose(base["monetary"].to_numpy(), ours["monetary"].to_numpy())
    )
    t_text, _ = best_of(textbook, df, repeat=1)
    ratio = t_rfm / t_base
    print(f"baseline groupby (recency, frequency, monetary): {t_base:.3f} s")
    print(f"crmlab.segment.rfm (+ checks, scores, segments): {t_rfm:.3f} s  -> ratio {ratio:.2f} (target <= {TARGET})")
    print(f"textbook groupby + qcut + apply (for scale):     {t_text:.3f} s  -> ratio {t_text / t_base:.2f}")
    print(f"values agree with the baseline: {ok_values}")
    report(f"rfm: {len(df):,} transactions, {N_CUSTOMERS:,} customers", t_rfm, baseline=t_base,
           target=f"≤ {TARGET:g}x", met=ratio <= TARGET and ok_values)
    if not ok_values:
        print("FAIL: rfm disagrees with the baseline")
        return 1
    if ratio > TARGET:
        print("FAIL: rfm is slower than the target")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
