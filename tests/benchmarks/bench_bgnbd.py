"""Benchmark: BG/NBD fit on the 2,357-customer CDNOW summary.

Run: ``uv run python tests/benchmarks/bench_bgnbd.py``

Prints the median fit time of :class:`crmlab.value.BGNBD` over several runs and
two ratios against baselines measured in the same run:

* ``naive``: a plain ``scipy.optimize.minimize`` (Nelder-Mead, no gradient) of the
  straightforward BG/NBD negative log-likelihood on the raw parameters, the way
  the model is usually fitted by hand;
* ``eval x nfev``: one evaluation of the vectorised log-likelihood + gradient
  multiplied by the number of evaluations the fit used (the fit's overhead over
  pure function evaluations).

Exits 1 when the median fit takes more than 0.2 s (the target of issue 4) or
when the fit does not reproduce the published parameters.  ``--quick``: 5 runs
instead of 15, the naive baseline once.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from _bench import quick, report  # noqa: E402  (after the path set-up above)

LIMIT_SECONDS = 0.2
RUNS = 5 if quick() else 15


def naive_negloglik(params, x, tx, T):
    from scipy.special import gammaln

    r, alpha, a, b = params
    if min(params) <= 0:
        return np.inf
    ll = 0.0
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    A4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + tx)
    ll = A1 + A2 + np.log(np.exp(A3) + (x > 0) * np.exp(A4))
    return -ll.sum()


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    import scipy.optimize
    import scipy.special  # noqa: F401

    import crmlab
    from crmlab import value as V

    data = crmlab.datasets.load("cdnow_summary")
    x = data["frequency"].to_numpy(float)
    tx = data["recency"].to_numpy(float)
    T = data["T"].to_numpy(float)

    model = V.BGNBD()
    model.fit(x, tx, T)  # warm-up
    fit_s = median_time(lambda: model.fit(x, tx, T), RUNS)

    theta = np.log(list(model.params_.values()))
    args = (x, tx, T, x > 0, np.maximum(x, 1) - 1)
    eval_s = median_time(lambda: V._bgnbd_loglik_terms(theta, *args, True), 50)
    evals_s = eval_s * model.n_fev_

    from scipy.optimize import minimize

    naive_result = {}

    def naive():
        naive_result["res"] = minimize(
            naive_negloglik, [1.0, 1.0, 1.0, 1.0], args=(x, tx, T), method="Nelder-Mead",
            options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 5000, "maxfev": 10000},
        )

    naive_s = median_time(naive, 1 if quick() else 3)

    p = model.params_
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    params_ok = all(abs(p[k] / v - 1) <= 0.005 for k, v in published.items()) and abs(model.log_likelihood_ + 9582.4) <= 0.1

    print(f"customers: {model.n_}")
    print(f"params: r={p['r']:.4f} alpha={p['alpha']:.4f} a={p['a']:.4f} b={p['b']:.4f} LL={model.log_likelihood_:.2f}")
    print(f"crmlab BGNBD.fit median of {RUNS}: {fit_s:.4f} s ({model.n_fev_} evaluations, {model.n_iter_} iterations)")
    print(f"baseline eval x nfev: {evals_s:.4f} s  -> fit / baseline = {fit_s / evals_s:.2f}")
    print(
        f"baseline naive Nelder-Mead: {naive_s:.4f} s ({naive_result['res'].nfev} evaluations, "
        f"LL={-naive_result['res'].fun:.2f})  -> fit / naive = {fit_s / naive_s:.3f} (speed-up x{naive_s / fit_s:.1f})"
    )
    print(f"limit: {LIMIT_SECONDS} s -> {'OK' if fit_s <= LIMIT_SECONDS else 'TOO SLOW'}")
    report("BG/NBD fit, CDNOW 2,357 customers (baseline: naive Nelder-Mead)", fit_s, baseline=naive_s,
           target=f"≤ {LIMIT_SECONDS:g} s", met=fit_s <= LIMIT_SECONDS and params_ok)
    if not params_ok:
        print("FAIL: parameters differ from Fader, Hardie & Lee (2005) Table 1")
        return 1
    return 0 if fit_s <= LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
