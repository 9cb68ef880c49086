"""Probabilistic CLV: BG/NBD and Gamma-Gamma models fitted by maximum likelihood,
per-customer predictions and the high-risk warning list (高危客户预警).

scipy is imported inside the functions that need it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmlab import frames
from crmlab._checks import finite_number as _finite_number
from crmlab._checks import to_timestamp as _timestamp
from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.value._common import WEEKS_PER_MONTH, _rate, _require_columns, _require_frame


def _rfm_arrays(frequency, recency, T, *, need_fit_data: bool = True):
    try:
        x = np.asarray(frequency, dtype=float)
        tx = np.asarray(recency, dtype=float)
        TT = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise CRMDataError("frequency（重复购买次数）、recency（最近购买时点）和 T（观察时长）必须都是数字。") from None
    try:
        x, tx, TT = np.broadcast_arrays(x, tx, TT)
    except ValueError:
        raise CRMDataError(
            f"frequency、recency、T 的长度不一致（{np.size(x)}、{np.size(tx)}、{np.size(TT)}）。三列应来自同一张客户汇总表。"
        ) from None
    if need_fit_data and x.size == 0:
        raise CRMDataError("客户汇总表是空的，无法拟合模型。")
    if not (np.isfinite(x).all() and np.isfinite(tx).all() and np.isfinite(TT).all()):
        raise CRMDataError("frequency、recency、T 中有空值或无穷大。请先删除或补齐这些客户。")
    if (x < 0).any() or (tx < 0).any() or (TT < 0).any():
        raise CRMDataError("frequency、recency、T 不能为负数。请检查客户汇总表。")
    if (np.abs(x - np.round(x)) > 1e-9).any():
        raise CRMDataError("frequency（重复购买次数）必须是整数。")
    if (tx > TT + 1e-9).any():
        n_bad = int((tx > TT + 1e-9).sum())
        raise CRMDataError(
            f"有 {n_bad} 位客户的 recency（最近一次购买时点）大于 T（观察时长），这不可能。"
            "recency 是首次到最后一次购买的间隔，T 是首次购买到观察日的间隔，请检查计算。"
        )
    return np.round(x), tx, TT


_THREADPOOL_CONTROLLER: Any = None


def _single_threaded_blas():
    """Context manager limiting BLAS to one thread during the tiny optimisations.

    L-BFGS-B calls BLAS on 4x4 problems; with OpenBLAS threads on a busy machine
    the thread hand-offs cost 10x the actual work. threadpoolctl (a scikit-learn
    dependency) is used when present; otherwise nothing is limited.
    """
    global _THREADPOOL_CONTROLLER
    import contextlib

    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return contextlib.nullcontext()
    if _THREADPOOL_CONTROLLER is None:
        import scipy.optimize  # noqa: F401  (load the BLAS libraries before inspecting them)

        _THREADPOOL_CONTROLLER = ThreadpoolController()
    return _THREADPOOL_CONTROLLER.limit(limits=1, user_api="blas")


def _minimize_log_params(objective, start, tol: float, max_iter: int):
    """L-BFGS-B on log-parameters (bounded to exp(+-15)), single-threaded BLAS, numpy warnings off."""
    from scipy.optimize import minimize

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), _single_threaded_blas():
        return minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=[(-15.0, 15.0)] * len(start),
            options={"ftol": tol * 1e-3, "gtol": tol, "maxiter": max_iter},
        )


def _bgnbd_loglik_terms(log_params: np.ndarray, x, tx, T, x_pos, xm1, with_grad: bool):
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005) and its gradient w.r.t. the log params."""
    from scipy.special import digamma, gammaln

    r, alpha, a, b = np.exp(log_params)
    log_alpha = np.log(alpha)
    log_aT = np.log(alpha + T)
    log_atx = np.log(alpha + tx)
    rx = r + x
    A1 = gammaln(rx) - gammaln(r) + r * log_alpha
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -rx * log_aT
    # second term exists only for x > 0; b + x - 1 uses max(x, 1) so x = 0 never takes log(b - 1)
    A4 = np.log(a) - np.log(b + xm1) - rx * log_atx
    A4 = np.where(x_pos, A4, -np.inf)
    m = np.maximum(A3, A4)
    e3 = np.exp(A3 - m)
    e4 = np.exp(A4 - m)
    s = e3 + e4
    ll = A1 + A2 + m + np.log(s)
    if not with_grad:
        return ll, None
    w3 = e3 / s
    w4 = e4 / s
    d_r = digamma(rx) - digamma(r) + log_alpha - w3 * log_aT - w4 * log_atx
    d_alpha = r / alpha - rx * (w3 / (alpha + T) + w4 / (alpha + tx))
    dab = digamma(a + b) - digamma(a + b + x)
    d_a = dab + w4 / a
    d_b = dab + digamma(b + x) - digamma(b) - w4 / (b + xm1)
    grad = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, grad


class BGNBD:
    """Beta-geometric / negative binomial distribution (BG/NBD) purchase model.

    Fader, Hardie & Lee (2005), "Counting your customers the easy way".
    While alive, a customer buys as a Poisson process with rate lambda ~
    Gamma(r, alpha); after every purchase they drop out with probability
    p ~ Beta(a, b). Time is measured in whatever unit ``recency`` and ``T`` use
    (weeks for the CDNOW summary).

    The parameters are estimated by maximum likelihood: the log-likelihood is
    vectorised over customers (``gammaln``, log-sum-exp for the two-term
    likelihood, safe for frequency 0) and maximised over the logs of the four
    parameters with L-BFGS-B using the analytic gradient.

    Fitted attributes: ``params_`` (dict ``r, alpha, a, b``), ``log_likelihood_``
    (total log-likelihood at the optimum), ``n_`` (customers), ``n_iter_``,
    ``converged_``.
    """

    def __init__(self, *, tol: float = 1e-10, max_iter: int = 500, initial_params: Mapping[str, float] | None = None):
        self.tol = tol
        self.max_iter = max_iter
        self.initial_params = initial_params

    # -- fitting -------------------------------------------------------------
    def fit(self, frequency, recency, T) -> BGNBD:
        """Fit by maximum likelihood; ``frequency`` = repeat purchases, ``recency`` = time of
        the last purchase after the first, ``T`` = time from the first purchase to the end
        of the observation period. Returns ``self``."""

        x, tx, TT = _rfm_arrays(frequency, recency, T)
        x, tx, TT = x.ravel(), tx.ravel(), TT.ravel()
        n = x.size
        if n < 2 or not (x > 0).any():
            raise CRMDataError("拟合 BG/NBD 模型至少需要几位有重复购买的客户，目前的数据太少。")
        x_pos = x > 0
        xm1 = np.maximum(x, 1.0) - 1.0

        def objective(theta):
            ll, grad = _bgnbd_loglik_terms(theta, x, tx, TT, x_pos, xm1, True)
            return -ll.sum() / n, -grad.sum(axis=1) / n

        if self.initial_params is not None:
            start = np.log([float(self.initial_params[k]) for k in ("r", "alpha", "a", "b")])
        else:
            # method-of-moments-ish start: purchase rate r/alpha ~ mean(x)/mean(T)
            rate = max((x.sum() + 0.5) / max(TT.sum(), 1e-9), 1e-6)
            start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        res = _minimize_log_params(objective, start, self.tol, self.max_iter)
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
            raise CRMDataError("BG/NBD 模型没有收敛，数据可能太少或太特殊。请检查客户汇总表。")
        r, alpha, a, b = np.exp(res.x)
        self.params_ = {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}
        self.log_likelihood_ = float(-res.fun * n)
        self.n_ = int(n)
        self.n_iter_ = int(res.nit)
        self.n_fev_ = int(res.nfev)
        self.converged_ = bool(res.success)
        return self

    def _params(self):
        if not hasattr(self, "params_"):
            raise CRMDataError("BG/NBD 模型还没有拟合。请先调用 fit(frequency, recency, T)。")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def log_likelihood(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood at the fitted parameters."""
        x, tx, TT = _rfm_arrays(frequency, recency, T)
        theta = np.log(self._params())
        ll, _ = _bgnbd_loglik_terms(theta, x, tx, TT, x > 0, np.maximum(x, 1.0) - 1.0, False)
        return ll

    # -- predictions -----------------------------------------------------------
    @staticmethod
    def _wrap(values, like):
        if isinstance(like, pd.Series):
            return pd.Series(values, index=like.index)
        if np.ndim(values) == 0:
            return float(values)
        return values

    def prob_alive(self, frequency, recency, T):
        """P(customer still alive | frequency, recency, T) (Fader, Hardie & Lee 2005).

        Equals 1 for customers without repeat purchases (x = 0): in the BG/NBD
        a customer can only drop out right after a purchase.
        """
        r, alpha, a, b = self._params()
        x, tx, TT = _rfm_arrays(frequency, recency, T, need_fit_data=False)
        from scipy.special import expit

        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) + (r + x) * (np.log(alpha + TT) - np.log(alpha + tx))
        p = np.where(x > 0, expit(-log_odds), 1.0)
        return self._wrap(p, frequency)

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in (T, T + t] | frequency, recency, T] (Fader, Hardie & Lee 2005).

        Uses the Gaussian hypergeometric function ``scipy.special.hyp2f1``;
        undefined when ``a`` is exactly 1.
        """
        from scipy.special import hyp2f1

        r, alpha, a, b = self._params()
        x, tx, TT = _rfm_arrays(frequency, recency, T, need_fit_data=False)
        t = np.asarray(t, dtype=float)
        if not np.isfinite(t).all() or (t < 0).any():
            raise CRMDataError("预测时长 t 必须是不小于 0 的数字。")
        rx = r + x
        z = t / (alpha + TT + t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            numer = (a + b + x - 1.0) / (a - 1.0) * (
                1.0 - ((alpha + TT) / (alpha + TT + t)) ** rx * hyp2f1(rx, b + x, a + b + x - 1.0, z)
            )
            odds = np.where(
                x > 0,
                np.exp(np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) + rx * (np.log(alpha + TT) - np.log(alpha + tx))),
                0.0,
            )
            value = numer / (1.0 + odds)
        value = np.where(t == 0, 0.0, value)
        return self._wrap(value, frequency)

    def expected_purchases_new(self, t):
        """Unconditional E[X(t)]: expected purchases of a new customer in a period of length ``t``."""
        from scipy.special import hyp2f1

        r, alpha, a, b = self._params()
        t_arr = np.asarray(t, dtype=float)
        if not np.isfinite(t_arr).all() or (t_arr < 0).any():
            raise CRMDataError("时长 t 必须是不小于 0 的数字。")
        value = (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t_arr)) ** r * hyp2f1(r, b, a + b - 1.0, t_arr / (alpha + t_arr)))
        return self._wrap(value, t)


def _gg_loglik_terms(log_params, x, m, with_grad):
    from scipy.special import digamma, gammaln

    p, q, v = np.exp(log_params)
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1.0) * np.log(m) + px * np.log(x) - (px + q) * log_xmv
    if not with_grad:
        return ll, None
    dpq = digamma(px + q)
    d_p = x * (dpq - digamma(px) + np.log(m) + np.log(x) - log_xmv)
    d_q = dpq - digamma(q) + np.log(v) - log_xmv
    d_v = q / v - (px + q) / (x * m + v)
    return ll, np.stack([d_p * p, d_q * q, d_v * v])


class GammaGamma:
    """Gamma-Gamma model of the average spend per transaction (Fader & Hardie 2013).

    A customer's transactions are Gamma(p, nu) with nu ~ Gamma(q, v) across
    customers; only customers with at least one repeat purchase
    (``frequency > 0``) and positive ``monetary_value`` (their mean repeat spend)
    enter the fit. The model assumes spend is independent of purchase frequency.

    Fitted attributes: ``params_`` (dict ``p, q, v``), ``log_likelihood_``, ``n_``.
    """

    def __init__(self, *, tol: float = 1e-10, max_iter: int = 500):
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, frequency, monetary_value) -> GammaGamma:

        x, m = self._arrays(frequency, monetary_value)
        keep = x > 0
        x, m = x[keep], m[keep]
        if (m <= 0).any():
            raise CRMDataError("有重复购买的客户，其平均消费金额（monetary_value）必须大于 0。请检查数据，或去掉金额为 0 的客户。")
        n = x.size
        if n < 3:
            raise CRMDataError("拟合 Gamma-Gamma 模型至少需要几位有重复购买的客户，目前的数据太少。")

        def objective(theta):
            ll, grad = _gg_loglik_terms(theta, x, m, True)
            return -ll.sum() / n, -grad.sum(axis=1) / n

        # start: shape p ~ 1, q ~ 2, v so that the mean spend p*v/(q-1) matches the data
        start = np.log([1.0, 2.0, max(float(m.mean()), 1e-6)])
        res = _minimize_log_params(objective, start, self.tol, self.max_iter)
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
            raise CRMDataError("Gamma-Gamma 模型没有收敛。请检查消费金额数据。")
        p, q, v = np.exp(res.x)
        self.params_ = {"p": float(p), "q": float(q), "v": float(v)}
        self.log_likelihood_ = float(-res.fun * n)
        self.n_ = int(n)
        self.converged_ = bool(res.success)
        return self

    @staticmethod
    def _arrays(frequency, monetary_value):
        try:
            x = np.asarray(frequency, dtype=float).ravel()
            m = np.asarray(monetary_value, dtype=float).ravel()
        except (TypeError, ValueError):
            raise CRMDataError("frequency 和 monetary_value 必须都是数字。") from None
        if x.shape != m.shape:
            raise CRMDataError(f"frequency 和 monetary_value 的长度不一致（{x.size} 与 {m.size}）。")
        if not (np.isfinite(x).all() and np.isfinite(m).all()):
            raise CRMDataError("frequency 或 monetary_value 中有空值或无穷大，请先处理。")
        if (x < 0).any() or (m < 0).any():
            raise CRMDataError("frequency 和 monetary_value 不能为负数。")
        return x, m

    def conditional_expected_average_profit(self, frequency, monetary_value):
        """E[average spend per transaction | frequency, monetary_value].

        A weighted mean of the population mean ``p*v/(q-1)`` and the customer's
        own mean, the customer's weight growing with ``frequency``; for
        frequency 0 it is the population mean (requires q > 1).
        """
        if not hasattr(self, "params_"):
            raise CRMDataError("Gamma-Gamma 模型还没有拟合。请先调用 fit(frequency, monetary_value)。")
        p, q, v = self.params_["p"], self.params_["q"], self.params_["v"]
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary_value, dtype=float)
        if (np.asarray(x) < 0).any() or (np.asarray(m) < 0).any():
            raise CRMDataError("frequency 和 monetary_value 不能为负数。")
        m = np.where(x > 0, m, 0.0)
        value = p * (v + x * m) / (p * x + q - 1.0)
        return BGNBD._wrap(value, frequency)


def summary_from_orders(
    orders: pd.DataFrame,
    *,
    today: Any = COURSE_DATE,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "amount",
    unit_days: float = 7.0,
) -> pd.DataFrame:
    """Build the frequency / recency / T / monetary_value summary from transactions.

    Purchases on the same day count once (their values are added). ``frequency``
    = number of purchase days - 1 (repeat purchases), ``recency`` = time from the
    first to the last purchase, ``T`` = time from the first purchase to
    ``today``, both in units of ``unit_days`` days (weeks by default),
    ``monetary_value`` = mean value of the repeat purchases (the first purchase
    is left out, as in Fader & Hardie; 0 when there is none). Orders after
    ``today`` are ignored.
    """
    what = "订单表"
    orders = frames.orders(orders, require=[customer_col, date_col, value_col], what=what,
                           dates=[date_col], numbers=[value_col])  # the data contract
    today_ts = _timestamp(today, "分析日期 today")
    o = pd.DataFrame(
        {
            "customer_id": orders[customer_col].astype(str),
            "day": orders[date_col].dt.normalize(),
            "value": orders[value_col].astype(float),
        }
    )
    if (o["value"] < 0).any():
        rows = ", ".join(map(str, list(o.index[o["value"] < 0])[:5]))
        raise CRMDataError(f"{what}的列 {value_col} 有负数（行：{rows}）。退货请先从订单中去掉，金额只能是 0 或正数。")
    o = o[o["day"] <= today_ts]
    if o.empty:
        raise CRMDataError(f"在 {today_ts.date()} 之前没有订单，无法汇总。请检查日期。")
    daily = o.groupby(["customer_id", "day"], sort=True)["value"].sum().reset_index()
    g = daily.groupby("customer_id", sort=True)
    first = g["day"].min()
    last = g["day"].max()
    n_days = g.size()
    total = g["value"].sum()
    first_value = g["value"].first()
    unit = pd.Timedelta(days=unit_days)
    out = pd.DataFrame(
        {
            "frequency": (n_days - 1).astype(int),
            "recency": (last - first) / unit,
            "T": (today_ts - first) / unit,
        }
    )
    repeat = total - first_value
    out["monetary_value"] = np.where(out["frequency"] > 0, repeat / out["frequency"].clip(lower=1), 0.0)
    out.index.name = "customer_id"
    return out


def _summary_columns(summary: pd.DataFrame) -> pd.DataFrame:
    summary = _require_frame(summary, "客户汇总表")
    _require_columns(summary, ["frequency", "recency", "T", "monetary_value"], "客户汇总表")
    s = summary
    if "customer_id" in s.columns:
        s = s.set_index("customer_id")
    return s


def predict_clv(
    summary: pd.DataFrame,
    months: int = 12,
    discount_rate_annual: float = 0.10,
    margin: float = 1.0,
    bgnbd: BGNBD | None = None,
    gg: GammaGamma | None = None,
    *,
    weeks_per_month: float = WEEKS_PER_MONTH,
) -> pd.DataFrame:
    """Per-customer predicted CLV over the next ``months`` from BG/NBD + Gamma-Gamma.

    Method (the standard one, as in Fader, Hardie & Lee and the ``lifetimes``
    package): for each month m = 1..months the expected number of purchases in
    that month is ``E[X(T, T + m)] - E[X(T, T + m - 1)]`` from the BG/NBD (time
    in weeks, ``weeks_per_month`` weeks a month); it is multiplied by the
    Gamma-Gamma expected spend per purchase and by ``margin`` (profit share of
    the spend; 1.0 = revenue) and discounted by ``(1 + d)**m`` with the monthly
    rate ``d = (1 + discount_rate_annual)**(1/12) - 1``. The CLV is the sum.

    Parameters
    ----------
    summary:
        One row per customer with ``frequency``, ``recency``, ``T`` (weeks) and
        ``monetary_value``; index or column ``customer_id``.
    bgnbd, gg:
        Fitted models; fitted on ``summary`` when ``None``.

    Returns
    -------
    DataFrame
        Same order as ``summary``: the four input columns, ``historical_value``
        (frequency x monetary_value, repeat spend so far), ``prob_alive``,
        ``expected_purchases`` (next ``months``), ``expected_avg_value`` and
        ``clv``.
    """
    s = _summary_columns(summary)
    months = _months(months)
    d_year = _rate(discount_rate_annual, "年折现率", upper=1.0)
    margin = _finite_number(margin, "利润率")
    if not 0 <= margin <= 1:
        raise CRMDataError(f"利润率应是 0 到 1 之间的小数（收到 {margin:g}）；如果填的是百分数，请除以 100。")
    x, tx, TT, mv = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value"))
    if bgnbd is None:
        bgnbd = BGNBD().fit(x, tx, TT)
    if gg is None:
        gg = GammaGamma().fit(x, mv)
    avg_value = np.asarray(gg.conditional_expected_average_profit(x, mv), dtype=float)
    clv, purchases = _monthly_clv(bgnbd, x, tx, TT, avg_value * margin, months, d_year, weeks_per_month)
    return pd.DataFrame(
        {
            "frequency": x.astype(int), "recency": tx, "T": TT, "monetary_value": mv, "historical_value": x * mv,
            "prob_alive": np.asarray(bgnbd.prob_alive(x, tx, TT), dtype=float),
            "expected_purchases": purchases, "expected_avg_value": avg_value, "clv": clv,
        },
        index=s.index,
    )


def _months(months: Any) -> int:
    """The forecast horizon as an int in 1..600 months, else a Chinese error."""
    try:
        months_f = float(months)
    except (TypeError, ValueError):
        raise CRMDataError(f"预测月数必须是正整数，收到 {months!r}。") from None
    if not math.isfinite(months_f) or months_f != int(months_f) or not 1 <= months_f <= 600:
        raise CRMDataError(f"预测月数必须是 1 到 600 之间的整数（收到 {months!r}）。")
    return int(months_f)


def _monthly_clv(bgnbd: BGNBD, x, tx, TT, value_per_purchase, months: int, d_year: float, weeks_per_month: float):
    """Discounted value of the expected purchases month by month, and the total expected purchases.

    Month m contributes ``(E[X(T, T + m)] - E[X(T, T + m - 1)]) * value_per_purchase / (1 + d)**m``
    with the monthly rate ``d = (1 + d_year)**(1/12) - 1``.
    """
    d_month = (1.0 + d_year) ** (1.0 / 12.0) - 1.0
    clv = np.zeros_like(x)
    previous = np.zeros_like(x)
    for m in range(1, months + 1):
        cumulative = np.asarray(bgnbd.expected_purchases(m * weeks_per_month, x, tx, TT), dtype=float)
        clv += (cumulative - previous) * value_per_purchase / (1.0 + d_month) ** m
        previous = cumulative
    return clv, previous


def at_risk(
    clv_frame: pd.DataFrame,
    value_quantile: float = 0.8,
    alive_below: float = 0.5,
    *,
    value_col: str = "historical_value",
) -> pd.DataFrame:
    """High-risk customer warning list (高危客户预警).

    Selects customers whose value (``value_col``, by default the repeat spend so
    far, ``historical_value`` from :func:`predict_clv`; ``"clv"`` also works) is
    at or above its ``value_quantile`` quantile among customers with a positive
    value, and whose ``prob_alive`` is below ``alive_below``: customers who were
    worth a lot and have probably stopped buying. Sorted by value (largest first),
    then by probability alive (lowest first); adds ``value_threshold`` (also in
    ``attrs["value_threshold"]``, so it is known when nobody is at risk; ``inf`` when
    no customer has a positive value).
    """
    frame = _require_frame(clv_frame, "客户价值预测表")
    _require_columns(frame, [value_col, "prob_alive"], "客户价值预测表")
    q = _finite_number(value_quantile, "价值分位数")
    if not 0 <= q <= 1:
        raise CRMDataError(f"价值分位数应在 0 到 1 之间（收到 {q:g}），例如 0.8 表示价值排在前 20%。")
    alive = _finite_number(alive_below, "活跃概率阈值")
    if not 0 <= alive <= 1:
        raise CRMDataError(f"活跃概率阈值应在 0 到 1 之间（收到 {alive:g}）；如果填的是百分数，请除以 100。")
    value = pd.to_numeric(frame[value_col], errors="coerce")
    positive = value[value > 0]
    threshold = float(positive.quantile(q)) if len(positive) else math.inf
    mask = (value >= threshold) & (value > 0) & (pd.to_numeric(frame["prob_alive"], errors="coerce") < alive)
    out = frame[mask].copy()
    out["value_threshold"] = threshold
    out = out.sort_values([value_col, "prob_alive"], ascending=[False, True], kind="stable")
    out.attrs["value_threshold"] = threshold
    return out


__all__ = ["BGNBD", "GammaGamma", "at_risk", "predict_clv", "summary_from_orders"]
