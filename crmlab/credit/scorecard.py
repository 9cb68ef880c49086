"""A WOE / logistic-regression credit scorecard (评分卡) as a scikit-learn estimator.

This module imports scikit-learn at the top: it is loaded only when
``crmlab.credit.Scorecard`` (or ``cross_validate_scorecard``) is first used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted as _sk_check_is_fitted

from crmlab._errors import CRMDataError
from crmlab.credit._common import check_int

MISSING = "缺失"
OTHER = "其他"


def _iv_strength(iv: float) -> str:
    if iv < 0.02:
        return "几乎无预测力"
    if iv < 0.1:
        return "弱"
    if iv < 0.3:
        return "中等"
    if iv < 0.5:
        return "强"
    return "极强"


class ScorecardNotFittedError(CRMDataError, NotFittedError):
    """Used before ``fit``: a Chinese message, still a scikit-learn NotFittedError."""


def check_is_fitted(estimator, attributes=None):
    try:
        _sk_check_is_fitted(estimator, attributes)
    except NotFittedError as exc:
        raise ScorecardNotFittedError("评分卡还没有训练：请先运行 .fit(X, y)，再打分。") from exc


def _as_frame(X) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    arr = np.asarray(X, dtype=object)
    if arr.ndim != 2:
        raise CRMDataError("X 应该是一个二维表格（每行一位客户，每列一个特征）。")
    return pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])]).infer_objects()


def _as_target(y) -> np.ndarray:
    arr = pd.Series(np.asarray(y).ravel())
    if arr.isna().any():
        raise CRMDataError("目标 y 中有空值，请先去掉这些行。")
    vals = set(arr.unique().tolist())
    if not vals <= {0, 1}:
        raise CRMDataError(
            "目标 y 只能是 0/1（1 = 坏客户、违约）。如果是文字，可以这样转换："
            "y = (df['creditability'] == 'bad').astype(int)。"
        )
    arr = arr.astype(int).to_numpy()
    if len(set(arr.tolist())) < 2:
        raise CRMDataError("训练数据里只有一种客户（全是好客户或全是坏客户），无法建立评分卡。")
    return arr


def _fmt(v: float) -> str:
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    return f"{v:.4g}"


def _monotone_merge(edges: list, good: np.ndarray, bad: np.ndarray):
    """Merge adjacent bins until the bad rate is monotone; returns (edges, good, bad)."""
    edges, good, bad = list(edges), list(good), list(bad)
    while len(good) > 1:
        rate = np.array(bad) / np.maximum(np.array(good) + np.array(bad), 1)
        direction = 1.0 if rate[-1] >= rate[0] else -1.0
        diffs = np.diff(rate) * direction
        viol = np.where(diffs < 0)[0]
        if len(viol) == 0:
            break
        i = int(viol[np.argmax(diffs[viol])])  # the smallest violation first
        good[i] += good.pop(i + 1)
        bad[i] += bad.pop(i + 1)
        edges.pop(i)
    return edges, np.array(good), np.array(bad)


class Scorecard(ClassifierMixin, BaseEstimator):
    """Credit scorecard: binning -> WOE -> logistic regression -> points.

    ``fit(X, y)`` takes the raw columns of a DataFrame (numbers and text mixed)
    and ``y`` with 1 = bad (default), 0 = good.

    * Numbers: equal-frequency bins (``n_bins``, right-closed), then, if
      ``monotone``, adjacent bins are merged until the bad rate goes one way.
      Missing values get their own bin.
    * Text categories: one bin per category; categories with fewer than
      ``min_bin_share`` of the rows are merged into ``其他`` (unseen categories
      later fall into ``其他``, or get WOE 0).
    * WOE = ln(share of goods / share of bads) per bin, with ``smoothing`` added
      to every count so an empty cell gives a finite value; IV = sum of
      (share good - share bad) x WOE.  Features with IV below ``min_iv`` are left out.
    * Logistic regression (``C``) on the WOE values.
    * Points: score = offset + factor x ln(odds good:bad), factor = pdo / ln 2,
      offset = base_points - factor x ln(base_odds): by default 600 points at
      odds 50:1 and 20 more points each time the odds double (PDO 20).

    Fitted attributes: ``bins_``, ``woe_table_``, ``iv_table_``, ``features_``,
    ``model_``, ``factor_``, ``offset_``, ``classes_``, ``feature_names_in_``.
    """

    def __init__(
        self,
        n_bins=5,
        monotone=True,
        min_bin_share=0.05,
        smoothing=0.5,
        min_iv=0.02,
        C=1.0,
        base_points=600,
        base_odds=50,
        pdo=20,
    ):
        self.n_bins = n_bins
        self.monotone = monotone
        self.min_bin_share = min_bin_share
        self.smoothing = smoothing
        self.min_iv = min_iv
        self.C = C
        self.base_points = base_points
        self.base_odds = base_odds
        self.pdo = pdo

    # ------------------------------------------------------------- binning
    def _bin_numeric(self, x: pd.Series, y: np.ndarray) -> dict:
        x = pd.to_numeric(x, errors="coerce").astype(float)
        ok = x.notna().to_numpy()
        vals = x.to_numpy()[ok]
        yv = y[ok]
        n_bins = max(int(self.n_bins), 1)
        if len(vals):
            qs = np.quantile(vals, np.linspace(0, 1, n_bins + 1)[1:-1])
            edges = [e for e in np.unique(qs) if e < vals.max()]
        else:
            edges = []
        idx = np.searchsorted(np.array(edges, dtype=float), vals, side="left")
        k = len(edges) + 1
        bad = np.bincount(idx, weights=yv, minlength=k)
        good = np.bincount(idx, weights=1 - yv, minlength=k)
        if self.monotone and k > 1:
            edges, good, bad = _monotone_merge(edges, good, bad)
        bounds = [-np.inf, *edges, np.inf]
        labels = [f"({_fmt(bounds[i])}, {_fmt(bounds[i + 1])}]" for i in range(len(bounds) - 1)]
        spec = {"kind": "number", "edges": np.array(edges, dtype=float), "labels": labels}
        counts = list(zip(labels, good, bad))
        if (~ok).any():
            ym = y[~ok]
            counts.append((MISSING, float((1 - ym).sum()), float(ym.sum())))
        return spec, counts

    def _bin_category(self, x: pd.Series, y: np.ndarray) -> dict:
        xs = x.astype(object).where(x.notna(), MISSING).astype(str)
        share = xs.value_counts(normalize=True)
        rare = set(share.index[share < float(self.min_bin_share)])
        mapping = {c: (OTHER if c in rare else c) for c in share.index}
        binned = xs.map(mapping)
        df = pd.DataFrame({"bin": binned.to_numpy(), "bad": y})
        g = df.groupby("bin", sort=True)["bad"].agg(["sum", "count"])
        counts = [(b, float(r["count"] - r["sum"]), float(r["sum"])) for b, r in g.iterrows()]
        spec = {"kind": "category", "mapping": mapping, "other": OTHER if OTHER in g.index else None}
        return spec, counts

    # ------------------------------------------------------------- fit
    def fit(self, X, y):
        X = _as_frame(X)
        y = _as_target(y)
        self._check_params(X, y)
        self.feature_names_in_ = np.array([str(c) for c in X.columns], dtype=object)
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.array([0, 1])
        self._fit_bins(X, y)
        self.features_ = [f for f in self.iv_table_["feature"] if self.iv_table_.set_index("feature").at[f, "iv"] >= float(self.min_iv)]
        if not self.features_:
            self.features_ = [self.iv_table_["feature"].iloc[0]]
        self.iv_table_["selected"] = self.iv_table_["feature"].isin(self.features_)
        W = self._woe(X)
        self.model_ = LogisticRegression(C=float(self.C), max_iter=1000)
        self.model_.fit(W.to_numpy(), y)
        self.factor_ = float(self.pdo) / math.log(2)
        self.offset_ = float(self.base_points) - self.factor_ * math.log(float(self.base_odds))
        return self

    def _check_params(self, X: pd.DataFrame, y: np.ndarray) -> None:
        """Chinese errors for mismatched X / y and out-of-range parameters."""
        if len(X) != len(y):
            raise CRMDataError(f"X 有 {len(X)} 行，y 有 {len(y)} 个值，两者要一样多。")
        if X.shape[1] == 0:
            raise CRMDataError("X 里没有任何特征列。")
        if not (0 <= float(self.min_bin_share) < 1):
            raise CRMDataError("min_bin_share 应是 0~1 之间的小数。")
        check_int(self.n_bins, "分箱数 n_bins", low=1, high=50)
        for name in ("pdo", "base_odds", "base_points", "C", "smoothing", "min_iv"):
            try:
                v = float(getattr(self, name))
            except (TypeError, ValueError) as exc:
                raise CRMDataError(f"参数 {name} 应该是数字，现在是「{getattr(self, name)}」。") from exc
            if not math.isfinite(v):
                raise CRMDataError(f"参数 {name} 不能是空值或无穷大。")
        if float(self.pdo) <= 0 or float(self.base_odds) <= 0 or float(self.C) <= 0:
            raise CRMDataError("PDO、基准赔率 base_odds 和 C 都要大于 0。")

    def _fit_bins(self, X: pd.DataFrame, y: np.ndarray) -> None:
        """Bin every column, compute WOE and IV; sets ``bins_``, ``woe_table_`` and ``iv_table_``."""
        s = float(self.smoothing)
        n_good, n_bad = float((1 - y).sum()), float(y.sum())
        bins, rows, ivs = {}, [], []
        for col in X.columns:
            x = X[col]
            numeric = pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x)
            spec, counts = (self._bin_numeric if numeric else self._bin_category)(x, y)
            k = len(counts)
            woe = {}
            iv = 0.0
            for label, g, b in counts:
                pg = (g + s) / (n_good + s * k)
                pb = (b + s) / (n_bad + s * k)
                w = math.log(pg / pb)
                woe[label] = w
                iv += (pg - pb) * w
                rows.append(
                    {
                        "feature": str(col),
                        "bin": label,
                        "count": int(g + b),
                        "good": int(g),
                        "bad": int(b),
                        "bad_rate": b / (g + b) if g + b else float("nan"),
                        "woe": w,
                        "iv": (pg - pb) * w,
                    }
                )
            spec["woe"] = woe
            bins[str(col)] = spec
            ivs.append({"feature": str(col), "iv": iv, "n_bins": k, "strength": _iv_strength(iv)})
        self.bins_ = bins
        self.woe_table_ = pd.DataFrame(rows)
        self.iv_table_ = (
            pd.DataFrame(ivs).sort_values(["iv", "feature"], ascending=[False, True]).reset_index(drop=True)
        )

    # ------------------------------------------------------------- transform
    def _woe_column(self, x: pd.Series, spec: dict) -> np.ndarray:
        woe = spec["woe"]
        if spec["kind"] == "number":
            xv = pd.to_numeric(x, errors="coerce").astype(float).to_numpy()
            idx = np.searchsorted(spec["edges"], xv, side="left")
            labels = np.array(spec["labels"], dtype=object)
            vals = np.array([woe[lab] for lab in labels])[np.minimum(idx, len(labels) - 1)]
            miss = np.isnan(xv)
            vals = vals.astype(float)
            vals[miss] = woe.get(MISSING, 0.0)
            return vals
        xs = x.astype(object).where(x.notna(), MISSING).astype(str)
        other = spec["other"]
        mapped = xs.map(spec["mapping"])
        if other is not None:
            mapped = mapped.fillna(other)
        return mapped.map(woe).fillna(0.0).astype(float).to_numpy()

    def _woe(self, X) -> pd.DataFrame:
        X = _as_frame(X)
        missing = [f for f in self.features_ if f not in X.columns.astype(str)]
        if missing:
            raise CRMDataError(f"X 缺少训练时用过的列：{'、'.join(missing)}。")
        X = X.set_axis(X.columns.astype(str), axis=1)
        return pd.DataFrame({f: self._woe_column(X[f], self.bins_[f]) for f in self.features_}, index=X.index)

    def transform(self, X) -> pd.DataFrame:
        """WOE values of the selected features."""
        check_is_fitted(self, "model_")
        return self._woe(X)

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of being bad."""
        check_is_fitted(self, "model_")
        return self.model_.decision_function(self._woe(X).to_numpy())

    def predict_proba(self, X) -> np.ndarray:
        """Columns: P(good) (class 0), P(bad) (class 1)."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._woe(X).to_numpy())

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def points(self, X) -> np.ndarray:
        """Score points per row: higher = safer (600 at odds 50:1, +20 per doubling)."""
        log_odds_good = -self.decision_function(X)
        return self.offset_ + self.factor_ * log_odds_good

    def score_table(self) -> pd.DataFrame:
        """Points per bin (rounded); a row ``基础分`` holds the base points.

        A customer's score is the base points plus the points of their bin in
        each feature (up to rounding equal to :meth:`points`).
        """
        check_is_fitted(self, "model_")
        coef = dict(zip(self.features_, self.model_.coef_[0]))
        rows = [
            {"feature": "基础分", "bin": "", "woe": float("nan"),
             "points": round(self.offset_ - self.factor_ * float(self.model_.intercept_[0]))}
        ]
        for f in self.features_:
            for label, w in self.bins_[f]["woe"].items():
                rows.append({"feature": f, "bin": label, "woe": w, "points": round(-self.factor_ * coef[f] * w)})
        return pd.DataFrame(rows)


def _ks_inputs(y_true, y_score) -> tuple[np.ndarray, np.ndarray]:
    """Labels (1 = bad, 0 = good) and scores as arrays, checked."""
    yt = np.asarray(y_true).ravel()
    try:
        ys = np.asarray(y_score, dtype=float).ravel() if not isinstance(y_score, str) else np.array([])
    except (TypeError, ValueError) as exc:
        raise CRMDataError("KS 的分数里有不是数字的内容，请先转换成数字。") from exc
    if len(yt) != len(ys):
        raise CRMDataError(f"KS 需要一一对应的标签和分数：标签 {len(yt)} 个，分数 {len(ys)} 个。")
    if len(set(yt.tolist())) < 2:
        raise CRMDataError("KS 需要同时有好客户和坏客户，现在只有一种。")
    if not set(yt.tolist()) <= {0, 1}:
        raise CRMDataError("KS 的标签只能是 1（坏客户）和 0（好客户）。")
    if np.isnan(ys).any():
        raise CRMDataError("分数里有空值，请先去掉。")
    return yt.astype(int), ys


def ks_table(y_true, y_score) -> pd.DataFrame:
    """Cumulative shares of bads and goods up to each distinct score (lowest score first).

    One row per distinct score: ``cutoff``, ``cum_bad_share`` and ``cum_good_share``
    (share of all bads / goods with a score at or below it) and ``ks_gap`` (bads minus
    goods).  Customers with equal scores enter together: a cut-off can only fall
    between two different scores, so the KS never depends on how ties are ordered.
    ``y_score`` may be scorecard points (low = risky) or a probability of being bad;
    the KS (:func:`ks_score`) is the largest absolute ``ks_gap`` either way.
    """
    yt, ys = _ks_inputs(y_true, y_score)
    scores, inverse = np.unique(ys, return_inverse=True)
    bads = np.bincount(inverse, weights=yt, minlength=len(scores))
    goods = np.bincount(inverse, weights=1 - yt, minlength=len(scores))
    cum_bad, cum_good = np.cumsum(bads) / bads.sum(), np.cumsum(goods) / goods.sum()
    return pd.DataFrame({"cutoff": scores, "cum_bad_share": cum_bad, "cum_good_share": cum_good, "ks_gap": cum_bad - cum_good})


def ks_score(y_true, y_score) -> float:
    """Kolmogorov-Smirnov statistic: max distance between the score distributions of bads and goods.

    Computed from :func:`ks_table` (cut-offs only between distinct scores), the one
    KS used by the scorecard, its cross-validation and the KS chart.
    """
    return float(ks_table(y_true, y_score)["ks_gap"].abs().max())


def cutoff_summary(points, y_true, cutoff: float) -> dict[str, float]:
    """What an approval cut-off on scorecard points does (approve when ``points >= cutoff``).

    ``approved`` (number), ``approval_rate``, ``bad_rate_approved`` and ``bad_rate_refused``
    (share of bads among the approved / the refused; NaN when that group is empty) and
    ``bads_caught`` (share of all bads refused).  ``y_true``: 1 = bad, 0 = good.
    """
    pts = np.asarray(points, dtype=float).ravel()
    y = np.asarray(y_true).astype(int).ravel()
    if len(pts) == 0:
        raise CRMDataError("没有客户分数，无法设定分数线。")
    if len(pts) != len(y):
        raise CRMDataError(f"分数和好坏标签要一一对应：分数 {len(pts)} 个，标签 {len(y)} 个。")
    ok = pts >= float(cutoff)
    n_ok = int(ok.sum())
    return {
        "cutoff": float(cutoff),
        "approved": n_ok,
        "approval_rate": n_ok / len(ok),
        "bad_rate_approved": float(y[ok].mean()) if n_ok else float("nan"),
        "bad_rate_refused": float(y[~ok].mean()) if n_ok < len(ok) else float("nan"),
        "bads_caught": float(y[~ok].sum() / max(y.sum(), 1)),
    }


def roc_table(y_true, y_proba_bad) -> pd.DataFrame:
    """The ROC curve of a bad-customer probability: at each cut-off (``cutoff``, highest first) the
    share of goods wrongly refused (``fpr``) and of bads caught (``tpr``)."""
    from sklearn.metrics import roc_curve

    yt, ys = _ks_inputs(y_true, y_proba_bad)
    fpr, tpr, cut = roc_curve(yt, ys)
    return pd.DataFrame({"cutoff": cut, "fpr": fpr, "tpr": tpr})


def auc_score(y_true, y_proba_bad) -> float:
    """Area under the ROC curve of a bad-customer probability (0.5 = guessing, 1 = perfect)."""
    from sklearn.metrics import roc_auc_score

    yt, ys = _ks_inputs(y_true, y_proba_bad)
    return float(roc_auc_score(yt, ys))


@dataclass
class CVResult:
    """Cross-validation of a scorecard.

    ``folds`` (fold, AUC, KS), their means, the estimator fitted in each fold, and
    out-of-fold ``points`` / ``proba_bad`` (each row scored by the model that did
    not see it), handy for honest charts.
    """

    folds: pd.DataFrame
    mean_auc: float
    mean_ks: float
    estimators: list = field(default_factory=list, repr=False)
    points: np.ndarray = field(default=None, repr=False)
    proba_bad: np.ndarray = field(default=None, repr=False)


def _ks_scorer(estimator, X, y) -> float:
    """Scorer callable for ``cross_validate`` (``make_scorer(response_method=...)`` needs scikit-learn>=1.4)."""
    return ks_score(y, estimator.predict_proba(X)[:, 1])


def cross_validate_scorecard(X, y, cv=5, random_state=0, **params) -> CVResult:
    """Stratified K-fold AUC and KS of :class:`Scorecard` (binning refitted in every training fold)."""
    from sklearn.model_selection import StratifiedKFold, cross_validate

    X = _as_frame(X)
    y = _as_target(y)
    if len(X) != len(y):
        raise CRMDataError(f"X 有 {len(X)} 行，y 有 {len(y)} 个值，两者要一样多。")
    smallest = int(min(np.bincount(y)))
    k = check_int(cv, "折数 cv", low=2, high=max(2, smallest))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    res = cross_validate(
        Scorecard(**params),
        X,
        y,
        cv=splitter,
        scoring={"auc": "roc_auc", "ks": _ks_scorer},
        return_estimator=True,
        return_indices=True,
        error_score="raise",
    )
    folds = pd.DataFrame({"fold": np.arange(1, len(res["test_auc"]) + 1), "AUC": res["test_auc"], "KS": res["test_ks"]})
    points = np.full(len(X), np.nan)
    proba = np.full(len(X), np.nan)
    for est, idx in zip(res["estimator"], res["indices"]["test"]):
        part = X.iloc[idx]
        points[idx] = est.points(part)
        proba[idx] = est.predict_proba(part)[:, 1]
    return CVResult(
        folds, float(folds["AUC"].mean()), float(folds["KS"].mean()), list(res["estimator"]), points, proba
    )


def german_credit_xy(df: pd.DataFrame, target: str = "creditability", bad="bad"):
    """Split the German Credit table into raw features ``X`` and ``y`` (1 = bad)."""
    if target not in df.columns:
        raise CRMDataError(f"表中没有目标列 {target}。")
    t = df[target]
    if pd.api.types.is_numeric_dtype(t) and bad == "bad":
        raise CRMDataError(f"目标列 {target} 是数字，请用 bad= 指明哪个值代表坏客户。")
    y = (t == bad).astype(int)
    return df.drop(columns=[target]), y


__all__ = [
    "CVResult",
    "Scorecard",
    "auc_score",
    "cross_validate_scorecard",
    "cutoff_summary",
    "german_credit_xy",
    "ks_score",
    "ks_table",
    "roc_table",
]
