"""Screening (信息筛选): merge scattered, duplicated, conflicting records into one per person.

The method is classic record linkage in four steps:

1. **Normalise** every field: names (full-width forms, spaces, traditional
   characters -> simplified with OpenCC: ``陳國強`` = ``陈国强``), genders (``M``,
   ``男性``, ``先生``, ``Female`` ... -> 男/女), phones (``+86``, spaces, dashes,
   full-width digits), e-mails (case, spaces), ID numbers (case, full-width), birth
   dates (``1990年3月5日``, ``1990/3/5``, ``19900305``, ``1990-03-05``), cities
   (``北京市`` = ``北京``), addresses (spaces, punctuation).
2. **Block**: each record gets a few keys -- its phone, e-mail, ID number,
   name + birth date, birth date + city, name + address.  Only records sharing a
   key are compared, so the work grows with the block sizes, never with all pairs
   (``n²``).  Blocks larger than ``max_block`` are skipped (such a key does not
   identify anyone).
3. **Compare** each candidate pair and decide by rules:

   * never merge two records with *different valid ID numbers*, different birth
     dates or different genders (when both are filled);
   * never merge on a shared ID number alone when the names are clearly different
     and the birth dates differ (a form's sample number copied by many people);
   * merge when a strong identifier (ID number, phone or e-mail) agrees and the
     names are similar, or when the names are similar and birth date and city
     agree, or when the names agree (also with swapped characters) and the birth
     date or the address agrees.

   Names are "similar" when equal, equal after swapping characters
   (``张伟明``/``张明伟``), or -- for names of three or more characters -- of equal
   length with one character different (``李明伟``/``李铭伟``, a typo of a
   same-sounding character).  Two-character names one character apart are weak
   evidence, since ``王强`` and ``王伟`` are usually different people: they count
   as similar only when a strong identifier *and* the birth date or address (or a
   second strong identifier) agree.
4. **Cluster** the matched pairs with union-find (connected components) and
   **resolve conflicts**: for each field, the non-empty value of the record with
   the highest priority wins, priority = collection date (in days) + 365 x trust
   of the source (:data:`DEFAULT_TRUST`), so a department record beats a
   purchased list unless the list is much newer.  The name is the most frequent
   spelling in the cluster (typos are rare), ties broken by priority.

Quality metric (:func:`pairwise_scores`, :func:`evaluate_pairs`): over all
*pairs of records*, precision = share of the pairs put together that truly belong
to the same person, recall = share of the true same-person pairs that were put
together.  On independently generated test records (formats, scripts, typos and
missing fields varied; namesakes, 王强/王伟 pairs and a shared ID built in) the
rules reach precision >= 0.98 and recall >= 0.97 (``tests/domain/test_screening_quality.py``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.infobase import codes as _codes

#: trust of each source (0-1); unknown sources get 0.6
DEFAULT_TRUST: dict[str, float] = {
    "财务部": 0.9,
    "销售部": 0.8,
    "客服部": 0.8,
    "市场部": 0.7,
    "外购名单": 0.4,
}
FIELDS = ("name", "gender", "birth_date", "phone", "email", "id_number", "address", "city", "company")


# --------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------
def _text(s: pd.Series) -> pd.Series:
    """As NFKC-normalised, stripped text; missing -> ''."""
    s = s.astype(object).where(s.notna(), "").astype(str)
    if s.str.contains(r"[^\x00-\x7f]", regex=True).any():
        s = pd.Series([unicodedata.normalize("NFKC", v) for v in s], index=s.index)
    return s.str.strip()


_T2S = None


def to_simplified(s: pd.Series) -> pd.Series:
    """Traditional Chinese characters to simplified (陳國強 -> 陈国强) with OpenCC's ``t2s`` tables.

    OpenCC (the maintained converter behind most Chinese input methods and wikis)
    converts character by character and phrase by phrase; each distinct value is
    converted once.
    """
    global _T2S
    codes, uniq = pd.factorize(s.astype(object).where(s.notna(), ""), use_na_sentinel=False)
    values = [str(v) for v in uniq]
    if all(v.isascii() for v in values):
        return pd.Series(np.asarray(values, dtype=object)[codes], index=s.index, dtype=object)
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    converted = np.asarray([v if v.isascii() else _T2S.convert(v) for v in values], dtype=object)
    return pd.Series(converted[codes], index=s.index, dtype=object)


def normalize_names(s: pd.Series) -> pd.Series:
    """Names: NFKC, traditional -> simplified, no spaces, middle dots or full stops."""
    return to_simplified(_text(s)).str.replace(r"[\s·.•・]", "", regex=True)


def normalize_addresses(s: pd.Series) -> pd.Series:
    return to_simplified(_text(s)).str.replace(r"[\s,，。.、\-#号]", "", regex=True)


def normalize_cities(s: pd.Series) -> pd.Series:
    """Cities: simplified, without a trailing 市 (北京市 = 北京)."""
    return to_simplified(_text(s)).str.replace(r"\s", "", regex=True).str.replace(r"市$", "", regex=True)


#: spellings of gender seen in exports and forms (compared in lower case, after NFKC)
GENDER_SPELLINGS = {
    "男": "男", "男性": "男", "先生": "男", "男士": "男", "m": "男", "male": "男", "man": "男", "1": "男",
    "女": "女", "女性": "女", "女士": "女", "小姐": "女", "f": "女", "female": "女", "woman": "女", "2": "女",
}


def normalize_genders(s: pd.Series) -> pd.Series:
    """M/F/男性/女士/先生/Female... -> 男/女; anything else (保密, 未知) -> '' (not compared)."""
    codes, uniq = pd.factorize(to_simplified(_text(s)), use_na_sentinel=False)
    keys = ("".join(str(v).lower().split()) for v in uniq)
    mapped = np.asarray([GENDER_SPELLINGS.get(k, "") for k in keys], dtype=object)
    return pd.Series(mapped[codes], index=s.index, dtype=object)


def parse_dates(s: pd.Series) -> pd.Series:
    """Mixed-format dates -> ``YYYY-MM-DD`` text ('' when empty or unreadable)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("")
    t = _text(s)
    m = t.str.extract(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$")
    ok = m.notna().all(axis=1)
    out = pd.Series("", index=s.index, dtype=object)
    if ok.any():
        y, mo, d = (m.loc[ok, k].astype(int) for k in range(3))
        dt = pd.to_datetime(
            pd.DataFrame({"year": y, "month": mo, "day": d}), errors="coerce"
        )
        out.loc[ok] = dt.dt.strftime("%Y-%m-%d").fillna("")
    return out


def normalize_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Normalised copies of the comparison fields (all text, '' for missing)."""
    n = len(raw)
    empty = pd.Series([""] * n, index=raw.index, dtype=object)

    def get(c):
        return raw[c] if c in raw.columns else empty

    ids = _text(get("id_number")).str.replace(r"\s", "", regex=True).str.upper()
    id_ok = _codes.validate_id_series(ids)
    phones = _codes.normalize_phone_series(get("phone")).astype(object)
    phone_ok = phones.str.fullmatch(r"1[3-9]\d{9}").fillna(False).astype(bool)
    emails = _text(get("email")).str.lower()
    email_ok = emails.str.contains("@", regex=False)
    out = pd.DataFrame(
        {
            "name": normalize_names(get("name")),
            "gender": normalize_genders(get("gender")),
            "birth_date": parse_dates(get("birth_date")),
            "phone": phones.where(phone_ok, ""),
            "email": emails.where(email_ok, ""),
            "id_number": ids.where(id_ok, ""),
            "address": normalize_addresses(get("address")),
            "city": normalize_cities(get("city")),
            "company": to_simplified(_text(get("company"))),
        },
        index=raw.index,
    )
    # fill birth date and gender from a valid ID number when missing
    has_id = out["id_number"] != ""
    from_id = out["id_number"].str.slice(6, 14)
    fill_b = has_id & (out["birth_date"] == "")
    out.loc[fill_b, "birth_date"] = (
        from_id[fill_b].str.slice(0, 4) + "-" + from_id[fill_b].str.slice(4, 6) + "-" + from_id[fill_b].str.slice(6, 8)
    )
    fill_g = has_id & (out["gender"] == "")
    sex_digit = out.loc[fill_g, "id_number"].str.slice(16, 17).astype(int)
    out.loc[fill_g, "gender"] = np.where(sex_digit % 2 == 1, "男", "女")
    return out


# --------------------------------------------------------------------------
# blocking and comparison
# --------------------------------------------------------------------------
def _sorted_chars(s: pd.Series) -> pd.Series:
    return s.map(lambda v: "".join(sorted(v)))


def blocking_keys(norm: pd.DataFrame) -> pd.DataFrame:
    """Long table (row, key) of the blocking keys of every record (empty keys dropped)."""
    sname = _sorted_chars(norm["name"])
    keys = {
        "p": norm["phone"],
        "e": norm["email"],
        "i": norm["id_number"],
        "nb": (sname + "|" + norm["birth_date"]).where((norm["name"] != "") & (norm["birth_date"] != ""), ""),
        "bc": (norm["birth_date"] + "|" + norm["city"]).where((norm["birth_date"] != "") & (norm["city"] != ""), ""),
        "na": (sname + "|" + norm["address"]).where((norm["name"] != "") & (norm["address"] != ""), ""),
    }
    rows = np.arange(len(norm))
    parts = [
        pd.DataFrame({"row": rows[(v != "").to_numpy()], "key": (k + ":" + v[v != ""]).to_numpy()})
        for k, v in keys.items()
    ]
    return pd.concat(parts, ignore_index=True)


def candidate_pairs(keys: pd.DataFrame, max_block: int = 200) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, of rows sharing a key (blocks > max_block skipped)."""
    if keys.empty:
        return np.empty((0, 2), dtype=np.int64)
    codes, _ = pd.factorize(keys["key"])
    sizes = np.bincount(codes)
    keep = (sizes[codes] >= 2) & (sizes[codes] <= max_block)
    k = codes[keep]
    r = keys["row"].to_numpy()[keep]
    order = np.lexsort((r, k))
    k, r = k[order], r[order]
    # expand every block into its pairs, vectorised by block size
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    lens = np.diff(np.r_[starts, len(k)])
    out = []
    for size in np.unique(lens):
        st = starts[lens == size]
        ii, jj = np.triu_indices(size, 1)
        out.append(np.stack([r[st[:, None] + ii].ravel(), r[st[:, None] + jj].ravel()], axis=1))
    pairs = np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(pairs, axis=1)
    return np.unique(pairs, axis=0)


def _char_matrix(names: pd.Series, width: int = 6) -> np.ndarray:
    arr = np.zeros((len(names), width), dtype=np.uint32)
    for i, v in enumerate(names):
        cps = [ord(c) for c in v[:width]]
        arr[i, : len(cps)] = cps
    return arr


def compare_pairs(norm: pd.DataFrame, pairs: np.ndarray) -> np.ndarray:
    """Boolean match decision for each candidate pair (rules in the module docstring)."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    a, b = pairs[:, 0], pairs[:, 1]

    def eq(col):
        v = norm[col].to_numpy(dtype=object)
        va, vb = v[a], v[b]
        both = (va != "") & (vb != "")
        return both & (va == vb), both & (va != vb)

    id_eq, id_diff = eq("id_number")
    ph_eq, _ = eq("phone")
    em_eq, _ = eq("email")
    bd_eq, bd_diff = eq("birth_date")
    _g_eq, g_diff = eq("gender")
    city_eq, _ = eq("city")
    ad_eq, _ = eq("address")
    name_eq, _ = eq("name")

    close, typo2, differ = _name_similarity(norm, a, b)
    swapped = _sorted_chars(norm["name"]).to_numpy(dtype=object)
    swapped = (swapped[a] == swapped[b]) & (swapped[a] != "")
    n_strong = id_eq.astype(int) + ph_eq + em_eq
    strong = n_strong > 0
    # a two-character name one character apart (王伟/王玮 but also 王强/王伟) needs a shared
    # identifier *and* a second agreement before it counts as the same name
    name_sim = close | (typo2 & strong & (bd_eq | ad_eq | (n_strong >= 2)))
    # one valid ID written by people with clearly different names and birth dates
    # (a form's sample number, a shared family card) does not make them one person
    id_shared = id_eq & differ & bd_diff
    id_ok = id_eq & ~id_shared
    veto = id_diff | id_shared | ((bd_diff | g_diff) & ~id_ok)
    match = (strong & name_sim) | (close & bd_eq & city_eq) | ((name_eq | swapped) & bd_eq) | (name_eq & ad_eq) | id_ok
    return match & ~veto


def _name_similarity(norm: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(close, two-character typo, clearly different) masks of the names of pairs ``a``-``b``.

    close: equal, equal after swapping characters (张伟明/张明伟), or one character
    different in names of three or more characters.  Two-character typo: same surname,
    other character different (王伟/王玮 -- or 王强/王伟, so it is weak evidence).
    Clearly different: both names present and neither of the above.
    """
    names = norm["name"].to_numpy(dtype=object)
    sname = _sorted_chars(norm["name"]).to_numpy(dtype=object)
    present = (names[a] != "") & (names[b] != "")
    swap = (sname[a] == sname[b]) & present
    lens = norm["name"].str.len().to_numpy()
    chars = _char_matrix(norm["name"])
    one_sub = (lens[a] == lens[b]) & (lens[a] >= 2) & ((chars[a] != chars[b]).sum(axis=1) == 1)
    two = lens[a] == 2
    close = present & ((names[a] == names[b]) | swap | (one_sub & ~two))
    typo2 = present & one_sub & two & (chars[a][:, 0] == chars[b][:, 0])
    return close, typo2, present & ~close & ~typo2


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Union-find (connected components) labels for ``n`` nodes and edge list ``pairs``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(pairs) == 0:
        return np.arange(n)
    g = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels


# --------------------------------------------------------------------------
# conflict resolution
# --------------------------------------------------------------------------
def _resolve(raw: pd.DataFrame, norm: pd.DataFrame, labels: np.ndarray, trust: dict, id_column: str) -> pd.DataFrame:
    when = pd.to_datetime(raw["collected_at"], errors="coerce") if "collected_at" in raw.columns else pd.Series(pd.NaT, index=raw.index)
    days = ((when - pd.Timestamp("2000-01-01")).dt.days).fillna(0).to_numpy(dtype=float)
    src = raw["source"].astype(object).where(raw["source"].notna(), "") if "source" in raw.columns else pd.Series([""] * len(raw))
    tr = src.map(lambda s: trust.get(s, 0.6)).to_numpy(dtype=float)
    priority = days + 365.0 * tr
    # the merged record shows what was written (simplified script, tidy spaces), not the comparison key:
    # a normalised address drops 号 and punctuation, and "215号8栋" would read as "2158栋"
    shown = norm.copy()
    if "address" in raw.columns:
        written = to_simplified(_text(raw["address"])).str.strip().str.replace(r"\s+", " ", regex=True)
        shown["address"] = written.where(norm["address"] != "", "")
    df = shown.reset_index(drop=True).copy()
    df["_label"] = labels
    df["_prio"] = priority
    df["_id"] = raw[id_column].to_numpy()
    df["_when"] = when.to_numpy()
    df = df.sort_values(["_label", "_prio"], ascending=[True, False], kind="stable")
    g = df.groupby("_label", sort=True)
    out = pd.DataFrame(index=pd.Index(np.unique(labels), name="person"))
    for f in FIELDS:
        if f == "name":
            continue
        nonempty = df[df[f] != ""]
        out[f] = nonempty.groupby("_label")[f].first()
    # name: most frequent spelling, ties -> highest priority (first in sort order)
    counts = df.groupby(["_label", "name"], sort=False).agg(n=("name", "size"), first=("_prio", "max")).reset_index()
    counts = counts.sort_values(["_label", "n", "first"], ascending=[True, False, False])
    out["name"] = counts.drop_duplicates("_label").set_index("_label")["name"]
    out["n_records"] = g.size()
    out["collected_at"] = g["_when"].max()
    # members of each person in priority order (df is sorted by label): one split, no per-group Python call
    lab, ids = df["_label"].to_numpy(), df["_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    out["members"] = pd.Series([part.tolist() for part in np.split(ids, starts[1:])], index=lab[starts])
    out = out.fillna(dict.fromkeys(FIELDS, "")).replace({f: {"": None} for f in FIELDS})
    cols = ["name", "gender", "birth_date", "phone", "email", "id_number", "address", "city", "company", "n_records", "collected_at", "members"]
    return out[cols].reset_index()


@dataclass
class ScreeningResult:
    """Outcome of :func:`screen`.

    ``clusters``: Series record id -> person number; ``merged``: one row per person;
    ``n_candidates``: pairs compared (much fewer than all pairs); ``n_matches``: pairs merged.
    """

    clusters: pd.Series
    merged: pd.DataFrame
    n_records: int
    n_candidates: int
    n_matches: int

    @property
    def n_all_pairs(self) -> int:
        return self.n_records * (self.n_records - 1) // 2

    def summary(self) -> pd.Series:
        return pd.Series(
            {
                "原始记录数": self.n_records,
                "合并后人数": len(self.merged),
                "比较的记录对": self.n_candidates,
                "全部两两配对数": self.n_all_pairs,
                "判定为同一人的记录对": self.n_matches,
            },
            name="筛选结果",
        )


def screen(
    raw: pd.DataFrame,
    trust: dict | None = None,
    id_column: str = "record_id",
    max_block: int = 200,
) -> ScreeningResult:
    """Merge raw records into one record per person (see the module docstring)."""
    if not isinstance(raw, pd.DataFrame) or raw.empty:
        raise CRMDataError("没有要筛选的记录：原始记录表是空的。")
    if "name" not in raw.columns:
        raise CRMDataError("原始记录缺少 name（姓名）列，无法筛选。")
    if id_column not in raw.columns:
        raise CRMDataError(f"原始记录缺少编号列 {id_column}。")
    if raw[id_column].duplicated().any():
        raise CRMDataError(f"编号列 {id_column} 有重复值，每条原始记录的编号必须唯一。")
    raw = raw.reset_index(drop=True)
    trust = {**DEFAULT_TRUST, **(trust or {})}
    norm = normalize_frame(raw)
    pairs = candidate_pairs(blocking_keys(norm), max_block=max_block)
    match = compare_pairs(norm, pairs)
    labels = _components(len(raw), pairs[match])
    _, labels = np.unique(labels, return_inverse=True)
    merged = _resolve(raw, norm, labels, trust, id_column)
    clusters = pd.Series(labels, index=raw[id_column].to_numpy(), name="person")
    clusters.index.name = id_column
    return ScreeningResult(clusters, merged, len(raw), len(pairs), int(match.sum()))


def evaluate_pairs(records: pd.DataFrame, person_column: str = "person_id", id_column: str = "record_id",
                   trust: dict | None = None) -> pd.Series:
    """Screen ``records`` and score the result against their known persons.

    ``records`` are raw records plus a column ``person_column`` saying who each
    record really belongs to (the answer, hidden from :func:`screen`).  Returns
    :func:`pairwise_scores`: precision, recall, f1 and the pair counts.
    """
    if not isinstance(records, pd.DataFrame) or person_column not in records.columns:
        raise CRMDataError(f"评估需要一张带答案列 {person_column}（每条记录真正属于谁）的记录表。")
    result = screen(records.drop(columns=person_column), trust=trust, id_column=id_column)
    truth = records[[id_column, person_column]].rename(columns={person_column: "person_id"})
    return pairwise_scores(result.clusters, truth, id_column=id_column)


def _pairs_in_groups(sizes: np.ndarray) -> int:
    sizes = np.asarray(sizes, dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(clusters: pd.Series, truth: pd.DataFrame, id_column: str = "record_id") -> pd.Series:
    """Pairwise precision, recall and F1 of a clustering against the answer file.

    ``clusters``: record id -> cluster label; ``truth``: columns ``id_column`` and
    ``person_id``.  A pair of records is *predicted* when both are in the same
    cluster and *true* when both belong to the same person.
    precision = true predicted pairs / predicted pairs; recall = true predicted
    pairs / true pairs.
    """
    if id_column not in truth.columns or "person_id" not in truth.columns:
        raise CRMDataError(f"答案表需要 {id_column} 和 person_id 两列。")
    t = truth.set_index(id_column)["person_id"]
    common = clusters.index.intersection(t.index)
    if len(common) == 0:
        raise CRMDataError("筛选结果和答案表没有共同的记录编号，请检查编号列。")
    both = pd.DataFrame({"c": clusters.loc[common].to_numpy(), "p": t.loc[common].to_numpy()})
    tp = _pairs_in_groups(both.groupby(["c", "p"]).size().to_numpy())
    pred = _pairs_in_groups(both.groupby("c").size().to_numpy())
    true = _pairs_in_groups(both.groupby("p").size().to_numpy())
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return pd.Series(
        {"precision": precision, "recall": recall, "f1": f1, "true_pairs": true, "predicted_pairs": pred, "correct_pairs": tp},
        name="两两配对评估",
    )


__all__ = [
    "DEFAULT_TRUST",
    "ScreeningResult",
    "blocking_keys",
    "candidate_pairs",
    "compare_pairs",
    "evaluate_pairs",
    "normalize_frame",
    "normalize_genders",
    "pairwise_scores",
    "parse_dates",
    "screen",
    "to_simplified",
]
