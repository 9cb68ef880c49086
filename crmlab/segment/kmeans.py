"""K-means clustering of customers and psychographic segmentation (lesson 3).

* :func:`kmeans_segments`, :func:`choose_k` -- clusters of customers by RFM or any features,
  named in Chinese by :func:`name_cluster`;
* :func:`psychographic_segments` -- clusters of lifestyle and benefit survey answers;
* :func:`crosstab_segments` -- clusters against another segmentation.

Re-exported by :mod:`crmlab.segment`; scikit-learn is imported inside the functions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.labels import pick
from crmlab.segment._base import CN8_SEGMENTS, _bad_rows, _require_frame

# ---------------------------------------------------------------------------
# KMeans
# ---------------------------------------------------------------------------

#: Chinese labels for features used in cluster names.
FEATURE_LABELS: dict[str, str] = {
    **pick(("recency", "frequency", "monetary", "R", "F", "M"), "segment"),
    **pick(("recency", "monetary"), "cluster"),  # crmlab.labels: the unit-less words of cluster names
}


@dataclass
class KMeansResult:
    """A fitted KMeans segmentation.

    Attributes
    ----------
    labels : Series (index of the input, name ``cluster``) with cluster numbers 0..k-1
    centers : DataFrame, cluster centres in original units (one row per cluster)
    profiles : DataFrame per cluster: ``size``, ``share``, mean of every feature,
        ``revenue_share`` (when ``monetary`` is available), ``name`` (Chinese)
    silhouette : float, mean silhouette coefficient (on a sample for big data)
    inertia : float, within-cluster sum of squares in the transformed space
    zscores : DataFrame, cluster centres in the transformed (standardised) space
    model : the fitted ``sklearn.cluster.KMeans``
    """

    k: int
    features: tuple[str, ...]
    labels: pd.Series
    centers: pd.DataFrame
    profiles: pd.DataFrame
    silhouette: float
    inertia: float
    zscores: pd.DataFrame
    model: Any = field(repr=False)
    log: bool = True
    standardize: bool = True

    @property
    def names(self) -> pd.Series:
        """Suggested Chinese name per cluster."""
        return self.profiles["name"]

    def named_labels(self) -> pd.Series:
        """Cluster name of every customer."""
        return self.labels.map(self.profiles["name"]).rename("cluster_name")


def _feature_matrix(data: Any, features: Iterable[str], log: bool) -> tuple[pd.DataFrame, np.ndarray]:
    df = _require_frame(data, "特征表")
    feats = list(features) if not isinstance(features, str) else [features]
    if not feats:
        raise CRMDataError("至少要选择 1 个特征才能聚类，请勾选特征。")
    missing = [c for c in feats if c not in df.columns]
    if missing:
        raise CRMDataError(f"特征表缺少列：{'、'.join(missing)}。现在的列有：{'、'.join(map(str, df.columns))}。")
    sub = df[feats]
    try:
        x = sub.to_numpy(dtype="float64")
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"聚类特征必须是数字，请检查这些列：{'、'.join(feats)}。") from exc
    if not np.isfinite(x).all():
        bad = ~np.isfinite(x).all(axis=1)
        raise CRMDataError(f"聚类特征里有空值或无穷大：{_bad_rows(bad)}。请先补全或删除。")
    if log:
        if (x < 0).any():
            cols = [c for c, neg in zip(feats, (x < 0).any(axis=0)) if neg]
            raise CRMDataError(f"这些特征有负数，不能取对数：{'、'.join(cols)}。请设 log=False。")
        x = np.log1p(x)
    return sub, x


def _transform(x: np.ndarray, standardize: bool):
    if not standardize:
        return x, np.zeros(x.shape[1]), np.ones(x.shape[1])
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (x - mean) / std, mean, std


def _few_threads(n: int):
    """One BLAS/OpenMP thread for small data: faster and steadier on shared classroom servers."""
    import contextlib

    if n > 200_000:
        return contextlib.nullcontext()
    controller = _threadpools()
    return contextlib.nullcontext() if controller is None else controller.limit(limits=1)


@functools.lru_cache(maxsize=1)
def _threadpools():
    """The process's BLAS/OpenMP thread pools, found once (finding them reads the loaded libraries)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return None
    return ThreadpoolController()


def _silhouette(x: np.ndarray, labels: np.ndarray, random_state: int, sample_size: int = 3000) -> float:
    """Mean silhouette coefficient, on a random sample of ``sample_size`` customers when there are more.

    The same number as ``sklearn.metrics.silhouette_score(x, labels, sample_size=...,
    random_state=...)`` (same sample, same formula; tested), computed with one distance
    matrix instead of scikit-learn's chunked loop, so a live explorer update stays fast.
    """
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(x):  # silhouette is undefined there
        return float("nan")
    if len(x) > sample_size:
        idx = np.random.RandomState(random_state).permutation(len(x))[:sample_size]
        x, labels = x[idx], labels[idx]
    codes = np.unique(labels, return_inverse=True)[1]
    counts = np.bincount(codes)
    if len(counts) < 2 or len(counts) >= len(x):
        return float("nan")
    with _few_threads(len(x)):
        sq = np.einsum("ij,ij->i", x, x)
        dist = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2.0 * (x @ x.T), 0.0))
        np.fill_diagonal(dist, 0.0)
        sums = dist @ np.eye(len(counts))[codes]  # distance of each customer to each cluster, summed
    own = sums[np.arange(len(x)), codes]
    a = own / np.maximum(counts[codes] - 1, 1)
    other = sums / counts
    other[np.arange(len(x)), codes] = np.inf
    b = other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sil = np.nan_to_num((b - a) / np.maximum(a, b))
    sil[counts[codes] == 1] = 0.0  # a customer alone in its cluster scores 0, as in scikit-learn
    return float(sil.mean())


def _check_k(k: Any, n: int, n_distinct: int) -> int:
    try:
        k_int = int(k)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"聚类数 k 必须是整数，而你给的是 {k!r}。") from exc
    if k_int != k:
        raise CRMDataError(f"聚类数 k 必须是整数，而你给的是 {k!r}。")
    if k_int < 2:
        raise CRMDataError(f"聚类数 k 至少是 2（分成 1 类等于没有细分），而你给的是 {k_int}。")
    if k_int > n:
        raise CRMDataError(f"聚类数 k = {k_int} 比客户数 {n} 还多，无法分类。请把 k 调小。")
    if k_int > n_distinct:
        raise CRMDataError(
            f"只有 {n_distinct} 种不同的客户特征组合，分不出 {k_int} 类。请把 k 调小或换一些特征。"
        )
    return k_int


def _distinct_rows(x: np.ndarray, cap: int) -> int:
    """Number of distinct rows, counting at most up to ``cap`` cheaply."""
    if len(x) <= 5000:
        return _count_distinct(x)
    return max(cap, _count_distinct(x[:5000]))


def _count_distinct(x: np.ndarray) -> int:
    rows = np.ascontiguousarray(x, dtype=np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0
    return len(np.unique(rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()))


def name_cluster(z: Mapping[str, float], labels: Mapping[str, str] | None = None) -> str:
    """A Chinese name for a cluster from its standardised profile ``z`` (feature -> z).

    With recency, frequency and monetary among the features the name is the RFM
    segment of the signs (recency below average = bought recently = high R).
    Otherwise it is built from the two most distinctive features (高/低 + label).
    """
    z = dict(z)
    if not z:
        raise CRMDataError("没有特征，无法给这一类起名字。请传入 {特征: 标准化均值} 的字典。")
    labels = {**FEATURE_LABELS, **(labels or {})}
    if {"recency", "frequency", "monetary"} <= set(z):
        code = (
            ("H" if z["recency"] < 0 else "L")
            + ("H" if z["frequency"] > 0 else "L")
            + ("H" if z["monetary"] > 0 else "L")
        )
        return CN8_SEGMENTS[code]
    phrases = [c for c in sorted(z, key=lambda c: -z[c]) if c in SURVEY_LABELS and z[c] > 0.3][:2]
    if phrases and all(str(c).startswith(("ls_", "bn_")) for c in z):
        return "·".join(labels.get(c, SURVEY_LABELS[c]) for c in phrases) + "型"
    top = sorted(z, key=lambda c: -abs(z[c]))[:2]
    parts = []
    for c in top:
        lab = labels.get(c, c)
        if abs(z[c]) < 0.25:
            parts.append("最近购买一般" if c == "recency" else f"{lab}一般")
        elif c == "recency":
            parts.append("近期活跃" if z[c] < 0 else "久未购买")
        else:
            parts.append(("高" if z[c] > 0 else "低") + lab)
    return "·".join(parts) + "型"


def _unique_names(names: list[str], z: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    """Disambiguate equal names by the feature that separates the duplicates most."""
    out = list(names)
    for name in set(names):
        idx = [i for i, nm in enumerate(names) if nm == name]
        if len(idx) < 2:
            continue
        sub = z.iloc[idx]
        col = (sub.max() - sub.min()).idxmax()
        lab = labels.get(col, col)
        order = sub[col].rank(method="first")
        for i, rnk in zip(idx, order):
            if col == "recency":
                tag = "较近" if rnk == 1 else ("较久" if rnk == len(idx) else f"近度第{int(rnk)}")
            else:
                tag = f"{lab}较低" if rnk == 1 else (f"{lab}较高" if rnk == len(idx) else f"{lab}居中")
            out[i] = f"{name}（{tag}）"
    return out


def kmeans_segments(
    rfm_or_features: pd.DataFrame,
    features: Sequence[str] = ("recency", "frequency", "monetary"),
    k: int = 4,
    log: bool = True,
    standardize: bool = True,
    random_state: int = 0,
    n_init: int = 10,
    *,
    labels: Mapping[str, str] | None = None,
    silhouette_sample: int = 3000,
) -> KMeansResult:
    """Cluster customers with KMeans on ``features`` (log1p then standardise by default).

    ``labels`` maps feature names to Chinese labels used in the cluster names.
    Clusters are numbered by decreasing size (0 = largest).
    """
    from sklearn.cluster import KMeans

    sub, x = _feature_matrix(rfm_or_features, features, log)
    feats = tuple(sub.columns)
    n = len(x)
    k = _check_k(k, n, _distinct_rows(x, k))
    xt, mean, std = _transform(x, standardize)
    model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
    with _few_threads(n):
        raw = model.fit_predict(xt)
    lab, order = _by_size(raw, k)
    centers = model.cluster_centers_[order] * std + mean
    if log:
        centers = np.expm1(centers)
    centers_df = pd.DataFrame(centers, columns=list(feats), index=pd.RangeIndex(k, name="cluster"))
    zs = _cluster_zscores(x, lab, feats, k)
    prof = _cluster_profiles(rfm_or_features, sub, lab, k)
    all_labels = {**FEATURE_LABELS, **(labels or {})}
    names = [name_cluster(zs.loc[i].to_dict(), all_labels) for i in prof.index]
    prof["name"] = _unique_names(names, zs, all_labels)
    return KMeansResult(
        k=k,
        features=feats,
        labels=pd.Series(lab, index=sub.index, name="cluster"),
        centers=centers_df,
        profiles=prof,
        silhouette=_silhouette(xt, lab, random_state, silhouette_sample),
        inertia=float(model.inertia_),
        zscores=zs,
        model=model,
        log=log,
        standardize=standardize,
    )


def _by_size(raw: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels renumbered by decreasing size (ties: lower original number first), and the order."""
    sizes = np.bincount(raw, minlength=k)
    order = np.lexsort((np.arange(k), -sizes))
    remap = np.empty(k, dtype=np.int64)
    remap[order] = np.arange(k)
    return remap[raw], order


def _cluster_zscores(x: np.ndarray, lab: np.ndarray, feats: Sequence[str], k: int) -> pd.DataFrame:
    """Mean z-score of each feature per cluster (in the transformed space, standardised either way)."""
    xs = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    return pd.DataFrame(_group_means(xs, lab, k), columns=list(feats), index=pd.RangeIndex(k, name="cluster"))


def _group_means(values: np.ndarray, lab: np.ndarray, k: int) -> np.ndarray:
    """Column means of ``values`` per cluster label 0..k-1 (k x columns)."""
    counts = np.bincount(lab, minlength=k).astype(float)
    sums = np.stack([np.bincount(lab, weights=col, minlength=k) for col in np.asarray(values, float).T], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


def _cluster_profiles(df: pd.DataFrame, sub: pd.DataFrame, lab: np.ndarray, k: int) -> pd.DataFrame:
    """Size, share, feature means and (with ``monetary``) revenue share per cluster."""
    prof = pd.DataFrame(index=pd.RangeIndex(k, name="cluster"))
    prof["size"] = np.bincount(lab, minlength=k)
    prof["share"] = prof["size"] / len(lab)
    means = _group_means(sub.to_numpy(float), lab, k)
    for i, c in enumerate(sub.columns):
        prof[c] = means[:, i]
    if "monetary" in df.columns:
        rev = pd.to_numeric(df["monetary"], errors="coerce").fillna(0).groupby(lab).sum()
        rev.index = prof.index
        total = rev.sum()
        prof["revenue_share"] = rev / total if total else 0.0
    return prof


def choose_k(
    features: pd.DataFrame,
    k_range: Iterable[int] = range(2, 9),
    *,
    columns: Sequence[str] | None = None,
    log: bool = True,
    standardize: bool = True,
    random_state: int = 0,
    n_init: int = 10,
    silhouette_sample: int = 3000,
) -> pd.DataFrame:
    """Inertia (elbow) and silhouette per k; index ``k``.

    ``columns`` selects feature columns (default: recency, frequency, monetary when
    present, otherwise every numeric column).
    """
    from sklearn.cluster import KMeans

    df = _require_frame(features, "特征表")
    if columns is None:
        if {"recency", "frequency", "monetary"} <= set(df.columns):
            columns = ["recency", "frequency", "monetary"]
        else:
            columns = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    _sub, x = _feature_matrix(df, columns, log)
    xt, _, _ = _transform(x, standardize)
    ks = list(k_range)
    if not ks:
        raise CRMDataError("k 的范围是空的，请给出例如 range(2, 9)。")
    n_distinct = _distinct_rows(x, max(ks))
    rows = []
    for k in ks:
        k = _check_k(k, len(x), n_distinct)
        model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
        with _few_threads(len(xt)):
            lab = model.fit_predict(xt)
        rows.append((k, float(model.inertia_), _silhouette(xt, lab, random_state, silhouette_sample)))
    return pd.DataFrame(rows, columns=["k", "inertia", "silhouette"]).set_index("k")


def crosstab_segments(labels: pd.Series, segments: pd.Series, *, names: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Customers per (cluster, RFM segment): rows clusters, columns segments."""
    if not isinstance(labels, pd.Series) or not isinstance(segments, pd.Series):
        raise CRMDataError(
            "交叉对比需要两列带客户编号的数据：例如 km.labels 和 rfm_table['segment']（都是 pandas Series）。"
        )
    a, b = labels.align(segments, join="inner")
    if len(a) == 0:
        raise CRMDataError("聚类结果和 RFM 客户群没有共同的客户编号，无法交叉对比。")
    tab = pd.crosstab(a, b, dropna=False)
    if names is not None:
        tab.index = [names.get(i, i) for i in tab.index]
    tab.index.name = "cluster"
    tab.columns.name = "segment"
    return tab


# ---------------------------------------------------------------------------
# psychographic segmentation (survey answers)
# ---------------------------------------------------------------------------

#: Short Chinese phrases for survey items (lifestyle ``ls_*`` and benefit-sought ``bn_*``),
#: used to name clusters by the items their members agree with most.
SURVEY_LABELS: dict[str, str] = pick((
    "ls_cook_home", "ls_fitness", "ls_social", "ls_brand", "ls_budget", "ls_busy", "bn_price",
    "bn_quality", "bn_convenience", "bn_service", "bn_novelty", "satisfaction", "loyalty", "trust",
    "price_sensitivity", "novelty_seeking",
), "survey")


def survey_item_label(column: str) -> str:
    """Chinese label of a survey item (falls back to the column name)."""
    return SURVEY_LABELS.get(column, column)


def psychographic_segments(
    survey: pd.DataFrame,
    prefix: str | Sequence[str] = ("ls_", "bn_"),
    k: int = 4,
    *,
    random_state: int = 0,
    n_init: int = 10,
) -> KMeansResult:
    """Cluster survey answers (items whose name starts with ``prefix``) and name the clusters.

    Answers are standardised (no log); the name of a cluster is built from the
    items on which it stands out most (e.g. ``高注重价格·低追求新潮型``).
    """
    df = _require_frame(survey, "问卷数据")
    prefixes = (prefix,) if isinstance(prefix, str) else tuple(prefix)
    items = [c for c in df.columns if str(c).startswith(prefixes)]
    if not items:
        raise CRMDataError(f"问卷数据里没有以 {'、'.join(prefixes)} 开头的题目列。")
    data = df.set_index("customer_id") if "customer_id" in df.columns else df
    data = data[items].dropna()
    if len(data) == 0:
        raise CRMDataError("问卷题目全是空值，无法聚类。")
    labels = {c: survey_item_label(c) for c in items}
    return kmeans_segments(
        data, items, k, log=False, standardize=True, random_state=random_state, n_init=n_init, labels=labels
    )


__all__ = [
    "FEATURE_LABELS",
    "SURVEY_LABELS",
    "KMeansResult",
    "choose_k",
    "crosstab_segments",
    "kmeans_segments",
    "name_cluster",
    "psychographic_segments",
    "survey_item_label",
]
