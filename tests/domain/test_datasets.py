"""Tests of crmlab.datasets: loading, dtypes, byte-identical regeneration, built-in structure."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab.datasets import FILES, pools
from crmlab.infobase.codes import id_check_digit

AS_OF = pd.Timestamp("2026-01-01")
SYNTHETIC_FILES = [n for n, s in FILES.items() if s.kind == "synthetic"]


@pytest.fixture(scope="module")
def ds():
    return crmlab.datasets


@pytest.fixture(scope="module")
def data(ds):
    return {name: ds.load(name) for name in ds.names()}


# ------------------------------------------------------------------ loading


def test_names_cover_issue_list(ds):
    required = {"customers", "orders", "interactions", "survey", "raw_records", "raw_records_truth",
                "accounts", "invoices", "cdnow", "cdnow_summary", "german_credit"}
    assert required <= set(ds.names())


@pytest.mark.parametrize("name", list(FILES))
def test_load_every_name_with_schema_dtypes(ds, data, name):
    df = data[name]
    spec = FILES[name]
    assert list(df.columns) == [c.name for c in spec.columns]
    assert len(df) > 0
    for col in spec.columns:
        s = df[col.name]
        if col.type == "date":
            assert pd.api.types.is_datetime64_any_dtype(s), col.name
        elif col.type == "str":
            # pandas 2.x: an object column holding text and NaN is not "string dtype"; its values still must be str
            assert pd.api.types.is_string_dtype(s) or pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"), col.name
        elif col.type == "int":
            assert pd.api.types.is_integer_dtype(s), col.name
        elif col.type == "float":
            assert pd.api.types.is_float_dtype(s), col.name
        elif col.type == "bool":
            assert pd.api.types.is_bool_dtype(s), col.name


def test_load_returns_copies(ds):
    a = ds.load("customers")
    a.loc[0, "name"] = "改过的名字"
    assert ds.load("customers").loc[0, "name"] != "改过的名字"


def test_key_columns_and_shapes(data):
    c, o = data["customers"], data["orders"]
    assert len(c) == 3000 and c["customer_id"].is_unique
    assert c["customer_id"].str.fullmatch(r"C\d{5}").all()
    assert o["order_id"].is_unique
    assert set(o["customer_id"]) <= set(c["customer_id"])
    assert o["order_date"].between("2024-01-01", "2025-12-31").all()
    assert np.allclose(o["amount"] - o["cost"], o["gross_profit"], atol=0.011)
    assert set(o["payment_method"]) == {"现金", "赊销"}
    assert set(o["occasion"]) == {"日常", "节假日", "促销"}
    assert set(c["customer_type"]) == {"个人", "企业"}
    assert set(c["customer_role"]) == {"终端客户", "中间商"}
    assert (c.loc[c["customer_role"] == "中间商", "customer_type"] == "企业").all()
    biz = c["customer_type"] == "企业"
    assert c.loc[biz, ["gender", "birth_date", "age", "id_number"]].isna().all().all()
    assert c.loc[~biz, ["gender", "birth_date", "age", "id_number"]].notna().all().all()
    assert set(data["invoices"]["customer_id"]) <= set(data["accounts"]["customer_id"])
    assert set(data["survey"]["customer_id"]) <= set(c["customer_id"])
    assert data["cdnow"]["customer_id"].nunique() == 2357
    assert len(data["cdnow_summary"]) == 2357
    assert data["german_credit"].shape == (1000, 21)
    assert set(data["german_credit"]["creditability"]) == {"good", "bad"}


def test_dates_consistent(data):
    c = data["customers"].set_index("customer_id")
    first = data["orders"].groupby("customer_id")["order_date"].min()
    m = c.join(first.rename("first"))
    assert not (m["signup_date"] > m["first"]).any()
    assert not (m["targeted_date"] > m["first"]).any()
    assert not (m["targeted_date"] < m["signup_date"]).any()
    fi = data["interactions"].groupby("customer_id")["date"].min()
    assert not (fi < c["signup_date"].reindex(fi.index)).any()
    assert data["interactions"]["date"].between("2024-01-01", "2025-12-31").all()


def test_paid_date_nat_when_unpaid(data):
    inv = data["invoices"]
    assert inv["paid_date"].isna().any()
    assert (inv["due_date"] >= inv["issue_date"]).all()
    paid = inv["paid_date"].dropna()
    assert (paid < AS_OF).all()


def test_unknown_name_error_in_chinese_lists_names(ds):
    with pytest.raises(CRMDataError) as exc:
        ds.load("order")
    msg = str(exc.value)
    assert "没有名为" in msg and "orders" in msg and "german_credit" in msg


def test_bad_group_error(ds):
    with pytest.raises(CRMDataError, match="group"):
        ds.load("orders", group=9)
    with pytest.raises(CRMDataError, match="group"):
        ds.company("2")
    assert ds.company(np.int64(3))["group"] == 3


def test_describe_rows_from_schema(ds):
    d = ds.describe("orders")
    assert list(d.columns) == ["列名", "含义", "单位", "类型"]
    assert list(d["列名"]) == list(ds.load("orders").columns)
    assert d.set_index("列名").loc["amount", "单位"] == "元"
    with pytest.raises(CRMDataError):
        ds.describe("nope")


def test_readme_documents_every_file_and_column(ds):
    text = (ds.data_dir() / "README.md").read_text(encoding="utf-8")
    for name, spec in FILES.items():
        assert f"`{name}.csv`" in text
        for col in spec.columns:
            assert f"`{col.name}`" in text, (name, col.name)
    assert "CC BY 4.0" in text and "MIT" in text


def test_crmlab_data_env_override(ds, tmp_path, monkeypatch):
    (tmp_path / "cdnow_summary.csv").write_text(
        "customer_id,frequency,recency,T,monetary_value\n7,1,2.00,3.00,4.50\n", encoding="utf-8")
    monkeypatch.setenv("CRMLAB_DATA", str(tmp_path))
    df = ds.load("cdnow_summary")
    assert df.shape == (1, 5) and df.loc[0, "customer_id"] == "7"


# ------------------------------------------------------------------ determinism


def test_regenerate_group0_is_byte_identical(ds, tmp_path):
    ds.generate(out_dir=tmp_path)
    for name in SYNTHETIC_FILES:
        new = (tmp_path / f"{name}.csv").read_bytes()
        old = (ds.data_dir() / f"{name}.csv").read_bytes()
        assert new == old, f"{name}.csv differs from a fresh generation"
        assert b"\r\n" not in new


def test_each_group_is_a_different_company(ds):
    comps = [ds.company(g) for g in range(5)]
    assert len({c["name"] for c in comps}) == 5
    assert len({c["industry"] for c in comps}) == 5
    small = [ds.generate(group=g, n_customers=300) for g in (1, 4)]
    cats = [set(s["orders"]["category"]) for s in small]
    assert cats[0].isdisjoint(cats[1])
    assert cats[0] == set(comps[1]["categories"])
    share_biz = [(s["customers"]["customer_type"] == "企业").mean() for s in small]
    assert share_biz[1] > share_biz[0] + 0.3
    for s in small:
        assert list(s["orders"].columns) == [c.name for c in FILES["orders"].columns]


def test_load_other_group_in_memory(ds, data):
    o2 = ds.load("orders", group=2)
    assert list(o2.columns) == list(data["orders"].columns)
    assert o2.dtypes.equals(data["orders"].dtypes)
    assert set(o2["category"]) == set(ds.company(2)["categories"])
    assert ds.load("german_credit", group=2).equals(data["german_credit"])


# ------------------------------------------------------------------ structure


def test_pareto_top20_share(data):
    spend = data["orders"].groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top = int(np.ceil(0.2 * len(spend)))
    share = spend.iloc[:top].sum() / spend.sum()
    assert 0.6 <= share <= 0.8, share


def test_won_back_customers_came_back_after_more_than_a_year(data):
    """The planted won-back story: lost customers who bought again after a gap longer than the churn rule,
    within the year before the course date, paying cash; lesson 1 counts them as won back."""
    from crmlab.course import CHURN_DAYS
    from crmlab.lifecycle import relationship_metrics

    truth, o = data["customer_truth"], data["orders"]
    won = set(truth.loc[truth["pattern"] == "won_back", "customer_id"])
    assert 0.01 <= len(won) / len(truth) <= 0.05, len(won)
    mine = o[o["customer_id"].isin(won)].sort_values(["customer_id", "order_date"])
    gap = mine.groupby("customer_id")["order_date"].diff().dt.days
    biggest = gap.groupby(mine["customer_id"]).max()
    assert (biggest > CHURN_DAYS).all() and len(biggest) == len(won)
    after = mine[gap.groupby(mine["customer_id"]).cummax().fillna(0).to_numpy() > CHURN_DAYS]  # the return orders
    assert (after["order_date"] >= "2025-01-01").all() and (after["order_date"] < "2026-01-01").all()
    assert (after["payment_method"] == "现金").all()
    breadth = relationship_metrics(o).set_index("metric")["value"]
    assert breadth["挽回的流失客户数"] == len(won)


def test_every_lifecycle_kind_present_and_visible(data):
    truth = data["customer_truth"]
    shares = truth["pattern"].value_counts(normalize=True)
    for kind in ("new", "growing", "stable", "declining", "lost", "lead"):
        assert shares.get(kind, 0) >= 0.05, kind
    o = data["orders"].merge(truth[["customer_id", "pattern"]], on="customer_id")
    assert "lead" not in set(o["pattern"])
    first = o.groupby("customer_id")["order_date"].min()
    last = o.groupby("customer_id")["order_date"].max()
    pat = truth.set_index("customer_id")["pattern"]
    assert (first[pat.reindex(first.index) == "new"] >= "2025-07-01").all()
    assert (last[pat.reindex(last.index) == "lost"] < "2025-06-01").all()
    # growing customers buy more in 2025 than 2024, declining ones less
    o["y"] = o["order_date"].dt.year
    by = o.pivot_table(index="customer_id", columns="y", values="amount", aggfunc="sum", fill_value=0)
    by = by.join(pat)
    g = by[by["pattern"] == "growing"]
    d = by[by["pattern"] == "declining"]
    assert (g[2025] > g[2024]).mean() > 0.7
    assert (d[2025] < d[2024]).mean() > 0.8


def test_monthly_seasonality(data):
    o = data["orders"]
    monthly = o.groupby(o["order_date"].dt.to_period("M"))["amount"].sum()
    assert len(monthly) == 24
    assert monthly.max() >= 1.3 * monthly.mean()
    by_month = o.groupby(o["order_date"].dt.month)["amount"].sum()
    assert by_month.idxmax() in (1, 2)  # 春节 peak of the default company


def test_leads_never_buy_some_targeted(data):
    c, o = data["customers"], data["orders"]
    leads = ~c["customer_id"].isin(o["customer_id"])
    assert 0.1 <= leads.mean() <= 0.2
    assert c.loc[leads, "targeted_date"].notna().mean() > 0.2


def test_overdue_invoices_in_every_ageing_bucket(data):
    inv = data["invoices"]
    unpaid = inv[inv["paid_date"].isna() & (inv["due_date"] < AS_OF)]
    days = (AS_OF - unpaid["due_date"]).dt.days
    buckets = pd.cut(days, [0, 30, 60, 90, 180, 10_000]).value_counts()
    assert (buckets > 0).all(), buckets
    paid = inv.dropna(subset=["paid_date"])
    assert (paid["paid_date"] > paid["due_date"]).any()
    assert (paid["paid_date"] <= paid["due_date"]).any()


def test_margins_differ_by_category(data):
    o = data["orders"]
    m = o.groupby("category")["gross_profit"].sum() / o.groupby("category")["amount"].sum()
    assert m.max() - m.min() > 0.15


def test_complaints_vary_month_over_month(data):
    i = data["interactions"]
    assert {"咨询", "投诉", "退货", "售后服务", "营销接触", "回访"} <= set(i["type"])
    comp = i[i["type"] == "投诉"].groupby(i["date"].dt.to_period("M")).size()
    assert comp.max() >= 1.8 * comp.median()


def test_satisfied_customers_buy_more(data):
    s = data["survey"]
    spend = data["orders"].groupby("customer_id")["amount"].sum()
    m = s.assign(spend=s["customer_id"].map(spend))
    assert m.groupby("satisfaction")["spend"].median().loc[[4, 5]].mean() > \
        m.groupby("satisfaction")["spend"].median().loc[[1, 2]].mean()
    assert np.corrcoef(m["satisfaction"], np.log(m["spend"]))[0, 1] > 0.15


def test_psychographic_clusters_recoverable(data):
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    s = data["survey"].merge(data["customer_truth"], on="customer_id")
    cols = [c for c in s.columns if c.startswith(("ls_", "bn_"))]
    assert len(cols) >= 8
    labels = KMeans(4, n_init=10, random_state=0).fit_predict(s[cols].to_numpy(float))
    assert adjusted_rand_score(s["psycho_segment"], labels) > 0.6
    # profit-seekers are price sensitive, lighthouse customers seek novelty
    g = s.groupby("buyer_type")[["novelty_seeking", "price_sensitivity"]].mean()
    assert g.loc["逐利型", "price_sensitivity"] > g.loc["灯塔型", "price_sensitivity"] + 1.5
    assert g.loc["灯塔型", "novelty_seeking"] > g.loc["理性型", "novelty_seeking"] + 1.5


def test_profit_seekers_buy_on_promotion_and_intermediaries_in_bulk(data):
    o = data["orders"]
    t = data["customer_truth"].set_index("customer_id")
    promo = (o["occasion"] == "促销").groupby(o["customer_id"].map(t["buyer_type"])).mean()
    assert promo["逐利型"] > 1.3 * promo.drop("逐利型").max()
    role = o["customer_id"].map(data["customers"].set_index("customer_id")["customer_role"])
    q = o.groupby(role)["quantity"].mean()
    assert q["中间商"] > 2 * q["终端客户"]


def test_contact_fields_valid_format(data):
    c = data["customers"]
    prefixes = tuple(pools.PHONE_PREFIXES)
    assert c["phone"].str.fullmatch(r"1\d{10}").all() and c["phone"].str.startswith(prefixes).all()
    assert c["phone"].is_unique
    assert c["email"].str.fullmatch(r"[a-z0-9._]+@[a-z0-9.]+\.(com|cn|com\.cn)").all()
    assert 0.3 < c["consent_marketing"].mean() < 0.95


def test_id_numbers_valid_and_consistent(data):
    c = data["customers"].dropna(subset=["id_number"])
    ids = c["id_number"]
    assert ids.str.fullmatch(r"\d{17}[\dX]").all() and ids.is_unique
    assert all(id_check_digit(x[:17]) == x[17] for x in ids)
    code_of = {city: code for city, _, _, _, _, code, _ in pools.CITIES}
    assert (ids.str[:6] == c["city"].map(code_of)).all()
    assert (ids.str[6:14] == c["birth_date"].dt.strftime("%Y%m%d")).all()
    assert (ids.str[14:17].astype(int) >= 900).all()  # obviously fictional sequence range
    female = c["gender"] == "女"
    assert ((ids.str[16].astype(int) % 2 == 0) == female).all()
    assert (c["age"] == 2025 - c["birth_date"].dt.year).all()


def test_id_check_digit_known_example():
    # the textbook example from GB 11643-1999
    assert id_check_digit("11010519491231002") == "X"


# ------------------------------------------------------------------ raw records


def _norm(s):
    return None if pd.isna(s) else unicodedata.normalize("NFKC", s).strip().lower()


def _phone(s):
    s = _norm(s)
    if s is None:
        return None
    d = re.sub(r"\D", "", s)
    return d[2:] if len(d) == 13 and d.startswith("86") else d


def test_raw_records_duplicated_with_conflicts(data):
    r = data["raw_records"].merge(data["raw_records_truth"], on="record_id")
    counts = r["person_id"].value_counts()
    assert (counts >= 2).mean() >= 1 / 3
    assert set(r["source"]) == {"销售部", "客服部", "财务部", "市场部", "外购名单"}
    multi = r[r["person_id"].isin(counts[counts >= 2].index)]
    cols = ["name", "phone", "email", "id_number", "address", "birth_date"]
    conflict = multi.groupby("person_id")[cols].nunique().max(axis=1) > 1
    assert conflict.mean() > 0.9
    only_bought = r.groupby("person_id")["source"].agg(lambda s: set(s) == {"外购名单"})
    assert only_bought.sum() > 50
    assert r["person_id"].str.startswith("P").any()
    # messy formats are really there
    assert r["phone"].str.contains(r"\+86|-| ", na=False).any()
    assert r["phone"].str.contains("[０-９]", na=False).any()
    assert r["birth_date"].str.contains("年", na=False).any()
    assert r["birth_date"].str.contains("/", na=False).any()


def test_raw_records_solvable_by_blocking(data):
    """Blocking on normalised phone / ID / e-mail reaches the 0.95 precision/recall target."""
    r = data["raw_records"].merge(data["raw_records_truth"], on="record_id")
    keys = pd.DataFrame({
        "p": r["phone"].map(_phone),
        "e": r["email"].map(_norm),
        "i": r["id_number"].map(_norm),
    })
    n = len(r)
    parent = list(range(n))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for col in keys:
        for idx in keys.groupby(col).groups.values():
            idx = list(idx)
            for b in idx[1:]:
                parent[find(b)] = find(idx[0])
    pred = np.array([find(a) for a in range(n)])
    true = r["person_id"].to_numpy()
    same_pred = pred[:, None] == pred[None, :]
    same_true = true[:, None] == true[None, :]
    iu = np.triu_indices(n, 1)
    tp = (same_pred & same_true)[iu].sum()
    precision = tp / same_pred[iu].sum()
    recall = tp / same_true[iu].sum()
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


# ------------------------------------------------------------------ order lines (association rules)


def _pair_stats(lines: pd.DataFrame, a: str, b: str) -> tuple[float, float]:
    """Confidence and lift of the rule a -> b over orders, computed directly with pandas."""
    onehot = pd.crosstab(lines["order_id"], lines["category"]) > 0
    conf = onehot.loc[onehot[a], b].mean()
    return conf, conf / onehot[b].mean()


def _check_order_lines(lines: pd.DataFrame, orders: pd.DataFrame) -> None:
    assert list(lines.columns) == [c.name for c in FILES["order_lines"].columns]
    cents = (lines["amount"] * 100).round().astype("int64").groupby(lines["order_id"]).sum()
    expected = (orders.set_index("order_id")["amount"] * 100).round().astype("int64")
    assert cents.reindex(expected.index).equals(expected), "line amounts must add up to the order amount"
    assert (lines["amount"] > 0).all()
    first = lines[lines["line_no"] == 1].set_index("order_id")
    assert first.index.equals(pd.Index(orders["order_id"]))
    assert (first["category"] == orders.set_index("order_id")["category"]).all()
    assert (first["customer_id"] == orders.set_index("order_id")["customer_id"]).all()
    g = lines.groupby("order_id", sort=False)
    assert (g["line_no"].max() == g.size()).all() and not lines.duplicated(["order_id", "category"]).any()
    assert (g["amount"].idxmax().map(lines["line_no"]) == 1).all(), "the main category is the largest line"
    assert 1.5 <= g.size().mean() <= 3


def test_order_lines_add_up_to_orders(data):
    _check_order_lines(data["order_lines"], data["orders"])


def test_order_lines_planted_cross_selling_pattern(ds, data):
    co = crmlab.datasets.get_company(0)
    x, y = co.cross_sell
    conf, lift = _pair_stats(data["order_lines"], x, y)
    assert conf >= 0.55 and lift >= 1.7, (conf, lift)
    staple, rare = co.staple
    conf, lift = _pair_stats(data["order_lines"], rare, staple)
    assert conf >= 0.6 and lift <= 0.92, (conf, lift)
    # every other pair is near independence
    onehot = pd.crosstab(data["order_lines"]["order_id"], data["order_lines"]["category"]) > 0
    p = onehot.mean()
    for a in onehot.columns:
        for b in onehot.columns:
            if a < b and {a, b} != {x, y}:
                lift_ab = (onehot[a] & onehot[b]).mean() / (p[a] * p[b])
                assert lift_ab < 1.2, (a, b, lift_ab)


def test_order_lines_in_memory_without_data_folder(ds, data, tmp_path, monkeypatch):
    monkeypatch.setenv("CRMLAB_DATA", str(tmp_path / "nowhere"))
    lines = ds.load("order_lines")
    pd.testing.assert_frame_equal(lines, data["order_lines"])


def test_order_lines_have_their_own_random_stream(ds):
    """Another stream gives other lines for the very same orders (the orders do not depend on it)."""
    from crmlab.datasets import order_lines

    small = ds.generate(n_customers=300)
    co = crmlab.datasets.get_company(0)
    other = order_lines.order_lines(np.random.default_rng(1), co, small["orders"])
    _check_order_lines(other, small["orders"])
    _check_order_lines(small["order_lines"], small["orders"])
    assert len(other) != len(small["order_lines"]) or not other["category"].equals(small["order_lines"]["category"])


# ------------------------------------------------------------------ other groups (slower)


@pytest.mark.slow
@pytest.mark.parametrize("group", [1, 2, 3, 4])
def test_other_groups_have_the_same_structure(ds, group):
    fr = {name: ds.load(name, group=group) for name in SYNTHETIC_FILES}
    o, inv = fr["orders"], fr["invoices"]
    spend = o.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    share = spend.iloc[: int(np.ceil(0.2 * len(spend)))].sum() / spend.sum()
    assert 0.6 <= share <= 0.8, share
    shares = fr["customer_truth"]["pattern"].value_counts(normalize=True)
    generated = fr["customer_truth"]["pattern"].replace({"won_back": "lost"}).value_counts(normalize=True)
    assert (generated >= 0.05).all() and len(generated) == 6  # won-back customers are lost ones who came back
    assert 0.005 <= shares["won_back"] <= 0.05, shares  # every company has some
    monthly = o.groupby(o["order_date"].dt.to_period("M"))["amount"].sum()
    assert monthly.max() >= 1.3 * monthly.mean()
    unpaid = inv[inv["paid_date"].isna() & (inv["due_date"] < AS_OF)]
    buckets = pd.cut((AS_OF - unpaid["due_date"]).dt.days, [0, 30, 60, 90, 180, 10_000]).value_counts()
    assert (buckets > 0).all(), buckets
    r = fr["raw_records"].merge(fr["raw_records_truth"], on="record_id")
    assert (r["person_id"].value_counts() >= 2).mean() >= 1 / 3
    for name in SYNTHETIC_FILES:
        assert list(fr[name].columns) == [c.name for c in FILES[name].columns]
    _check_order_lines(fr["order_lines"], o)
    co = crmlab.datasets.get_company(group)
    conf, lift = _pair_stats(fr["order_lines"], *co.cross_sell)
    assert conf >= 0.55 and lift >= 1.5, (conf, lift)
    conf, lift = _pair_stats(fr["order_lines"], co.staple[1], co.staple[0])
    assert conf >= 0.6 and lift < 0.95, (conf, lift)


# ------------------------------------------------------------------ real data


def test_cdnow_summary_recomputed_from_transactions(data):
    cd, summ = data["cdnow"], data["cdnow_summary"]
    end = pd.Timestamp("1997-09-30")
    days = cd[cd["order_date"] <= end].groupby(["customer_id", "order_date"])["amount"].sum().reset_index()
    g = days.groupby("customer_id")["order_date"].agg(["min", "max", "nunique"])
    s = summ.set_index("customer_id").loc[g.index]
    assert (s["frequency"] == g["nunique"] - 1).all()
    assert np.allclose(s["recency"], (g["max"] - g["min"]).dt.days / 7, atol=0.006)
    assert np.allclose(s["T"], (end - g["min"]).dt.days / 7, atol=0.006)


def test_cdnow_summary_matches_published_bgnbd_likelihood(data):
    from scipy.special import gammaln

    s = data["cdnow_summary"]
    x, tx, T = s["frequency"].to_numpy(float), s["recency"].to_numpy(), s["T"].to_numpy()
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426  # Fader, Hardie & Lee (2005)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.full_like(x, -np.inf)
    pos = x > 0
    a4[pos] = np.log(a) - np.log(b + x[pos] - 1) - (r + x[pos]) * np.log(alpha + tx[pos])
    ll = np.sum(a1 + a2 + np.logaddexp(a3, a4))
    assert ll == pytest.approx(-9582.4, abs=0.5)
