"""The teacher guide (notebooks/README.md) and the glossary (notebooks/glossary.md) stay true.

* every ``crmlab.…`` name and widget class they mention exists, every file they point to exists;
* every number the guide quotes from a lesson notebook is a whole token of one of that notebook's cells
  (source or outputs, never part of a longer number), so a change of the course data or of a notebook
  shows up here;
* every answer the guide gives for a classroom widget question is recomputed with crmlab;
* the group table matches ``crmlab.datasets.companies()`` and the exercise counts match the exercises;
* the glossary covers the course's concepts, one well-formed table row each.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import crmlab

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "notebooks" / "README.md"
GLOSSARY = ROOT / "notebooks" / "glossary.md"
ASOF = "2026-01-01"


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def glossary() -> str:
    return GLOSSARY.read_text(encoding="utf-8")


def notebook_cells(name: str) -> list[str]:
    """Per cell of notebooks/<name>.ipynb: its source and its text outputs as one string."""
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        parts = ["".join(cell["source"])]
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]))
            for kind in ("text/plain", "text/html"):
                if kind in out.get("data", {}):
                    parts.append("".join(out["data"][kind]))
        cells.append("\n".join(parts))
    return cells


def notebook_text(name: str) -> str:
    """Markdown, code and text outputs of notebooks/<name>.ipynb as one string."""
    return "\n".join(notebook_cells(name))


def whole(quote: str, text: str) -> bool:
    """``quote`` occurs in ``text`` as a whole token: not part of a longer number or code.

    "0.858" is not found in "0.8581", "2525" not in "12525" or "2525.3", "1,278" not in
    "1,278,000", "0.6%" not in "-0.6%"; a unit or a Chinese word may follow ("24.1%", "53 位"), and
    so may zero decimals ("358" is "358.000").  The typographic minus − counts as "-".
    """
    quote, text = quote.replace("\u2212", "-"), text.replace("\u2212", "-")
    left = r"(?<![0-9A-Za-z.,\-])" if quote[:1].isdigit() else r"(?<![0-9A-Za-z.,])"
    zeros = r"(?:\.0+)?" if quote[-1:].isdigit() and "." not in quote else ""
    return re.search(left + re.escape(quote) + zeros + r"(?![0-9A-Za-z]|[.,][0-9])", text) is not None


# ------------------------------------------------------------------ names and files exist

_NAME = re.compile(r"crmlab(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize("doc", [GUIDE, GLOSSARY], ids=["guide", "glossary"])
def test_every_crmlab_name_exists(doc):
    names = sorted(set(_NAME.findall(doc.read_text(encoding="utf-8"))))
    assert len(names) >= 10
    missing = []
    for name in names:
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)
    assert not missing, f"{doc.name} mentions names crmlab does not have: {missing}"


@pytest.mark.parametrize("doc", [GUIDE, GLOSSARY], ids=["guide", "glossary"])
def test_every_widget_class_exists(doc):
    import crmlab.widgets as widgets_pkg

    classes = set()
    for path in (ROOT / "crmlab" / "widgets").glob("*.py"):
        module = importlib.import_module(f"{widgets_pkg.__name__}.{path.stem}")
        classes |= {n for n in dir(module) if n.endswith(("View", "Explorer"))}
    mentioned = set(re.findall(r"`(?:[\w.]*\.)?([A-Z]\w*(?:View|Explorer))(?:\(\))?`", doc.read_text(encoding="utf-8")))
    assert mentioned, doc.name
    assert mentioned <= classes, sorted(mentioned - classes)


def test_files_the_guide_points_to_exist(guide):
    paths = set(re.findall(r"`((?:notebooks|exercises|solutions)/[\w./-]*)`", guide))
    paths |= {f"notebooks/{n}.ipynb" for n in re.findall(r"\((\d\d_\w+)\)", guide)}
    assert len(paths) >= 8
    for p in sorted(paths):
        assert (ROOT / p).exists(), p
    for lesson in ("00_start", "01_identify_customers", "02_customer_information", "03_segmentation", "04_credit"):
        assert lesson in guide
        if lesson != "00_start":
            assert f"exercises/{lesson}.ipynb" in guide


def test_glossary_notebooks_exist(glossary):
    for name in set(re.findall(r"`(0\d_\w+)`", glossary)):
        assert (ROOT / "notebooks" / f"{name}.ipynb").exists(), name


# ------------------------------------------------------------- numbers quoted from notebooks

QUOTED = {
    "01_identify_customers": [
        "2525", "2167", "0.858", "0.813", "222", "0.074", "1800", "0.600", "201", "0.067", "115", "1984.74",
        "349.67", "0.394", "0.233", "0.761", "423", "0.744", "1,278", "333", "0.941", "2177", "23.4%",
        "989", "790", "776", "376", "293.34", "453.41", "0.440", "0.952", "99.4%", "91.1%", "89.7%",
        "94.4%", "53 位", "2.2%",
    ],
    "02_customer_information": [
        "1,531", "286", "704", "176", "943", "1,171,215", "100.0%", "99.5%", "P020000428", "31.8%", "2553", "78.8%",
        "-0.8%", "-10,677", "2,267,351", "1,421,409", "15,946", "12.8", "-1.52", "77.5%", "65.0%", "2.05", "44.9%",
        "65.3%", "0.84", "C00192",
    ],
    "03_segmentation": [
        "142,898", "180,111", "1,125", "44.6%", "83.4%", "1,816", "95.7%", "78.8%", "21.9%", "54.1%", "31.3%",
        "2.6%", "2,357", "25.7%", "30.8%", "73.0%", "0.515", "0.396", "272", "69.0%",
    ],
    "04_credit": [
        "14.4%", "33.0%", "31.3%", "2,042", "21.2%", "78.8%", "2,291", "89.7%", "51.5%", "36.8%", "48.1%", "30.8%",
        "-11,833", "23.3%", "263", "135", "0.786", "0.473", "28.85", "487.1", "178", "55.3%", "28.1%", "397,491",
        "365,203", "25.8%", "68.2", "C01373", "59,749", "700",
    ],
}


@pytest.mark.parametrize("notebook", sorted(QUOTED))
def test_quoted_numbers_are_in_the_notebook(guide, notebook):
    """Each quoted number is a whole token of one cell (source or outputs) and of the guide."""
    cells = notebook_cells(notebook)
    missing_nb = [q for q in QUOTED[notebook] if not any(whole(q, cell) for cell in cells)]
    missing_guide = [q for q in QUOTED[notebook] if not whole(q, guide)]
    assert not missing_nb, f"the guide quotes numbers that {notebook}.ipynb no longer shows: {missing_nb}"
    assert not missing_guide, f"QUOTED lists numbers the guide does not contain: {missing_guide}"


# ------------------------------------------------------ widget answers, recomputed with crmlab


@pytest.fixture(scope="module")
def data():
    return {n: crmlab.datasets.load(n) for n in ("customers", "orders", "interactions", "survey", "invoices")}


def _in(guide: str, *snippets: str) -> None:
    for s in snippets:
        assert s in guide, s


def test_answers_lesson1_states(guide, data):
    import crmlab.customers as cu

    def lost(**rules):
        states = cu.customer_states(data["customers"], data["orders"], ASOF, interactions=data["interactions"], **rules)
        return (states["state"] == "流失客户").sum()

    _in(guide, f"从 {lost()} 人增加到 {lost(churn_days=180)} 人")
    for month in pd.date_range("2024-02-01", "2024-12-01", freq="MS"):
        st = cu.customer_states(data["customers"], data["orders"], month)["state"]
        assert (st == "现实客户-忠诚").sum() == 0, month


def test_answers_lesson1_value(guide, data):
    import crmlab.value as cv
    from crmlab.widgets.value import DiscountedCLVView

    metrics = cv.clv_metrics(data["orders"], data["interactions"], data["survey"])
    weights = dict(cv.DEFAULT_WEIGHTS) | dict.fromkeys(cv.POTENTIAL_INDICATORS, 0)
    base, current = cv.indicator_clv(metrics)["rank"], cv.indicator_clv(metrics, weights)["rank"]
    for cid in ("C01378", "C01717"):
        _in(guide, f"第 {base[cid]} 名的 {cid} 掉到第 {current[cid]} 名")
    view = DiscountedCLVView()
    try:
        values = {k: c.value for k, c in view.controls.items()}

        def clv(**changes):
            return f"{view.compute(**(values | changes))['cumulative_clv'].iloc[-1]:,.0f}"

        _in(guide, f"每期利润是 {values['margin']:.0f} 元", f"终身价值 {clv()} 元",
            f"变成 {clv(retention=0.9)} 元", f"只到 {clv(margin=values['margin'] * 1.1)} 元")
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


def test_answers_lesson1_relationships(guide, data):
    import crmlab.lifecycle as lc

    assert lc.recommend_level(n_customers=15, unit_margin=0.35).level == "伙伴型"
    assert lc.recommend_level(n_customers=300_000, unit_margin=0.08).level == "基本型"
    assert lc.recommend_level(n_customers=300_000, unit_margin=0.15).level == "被动型"
    _in(guide, "→ 伙伴型", "→ 基本型", "则是被动型")
    import crmlab.customers as cu

    top = cu.value_type_summary(cu.value_types(data["orders"], top_share=0.1)).loc["关系型-利润最大"]
    _in(guide, f"只取前 10% 时是 {top['customers']:.0f} 位客户（{top['share']:.3f}），"
               f"仍带来近一年 {top['profit_share']:.3f} 的毛利")
    from crmlab.course import CHURN_DAYS

    base = lc.lifecycle_stage(data["orders"], ASOF, churn_days=CHURN_DAYS)["stage"].value_counts()
    counts = lc.lifecycle_stage(data["orders"], ASOF, churn_days=CHURN_DAYS, early=0.45)["stage"].value_counts()
    _in(guide, f"退化期从 {base['退化期']} 人增加到 {counts['退化期']} 人",
        f"稳定期从 {base['稳定期']} 降到 {counts['稳定期']}")
    costs = lc.retention_economics(retention_cost_ratio=10).costs["合计（元）"]
    _in(guide, f"降到 {costs.iloc[0]:,.0f} / {costs.iloc[1]:,.0f} 元")
    high = lc.retention_economics(base_churn=0.4).summary.loc["profit_increase", "value"]
    base = lc.retention_economics().summary.loc["profit_increase", "value"]
    _in(guide, f"从 {base:.1%} 变大到 {high:.1%}")


def test_answers_lesson1_bgnbd(guide):
    import crmlab.value as cv

    cd = crmlab.datasets.load("cdnow_summary")
    bg = cv.BGNBD().fit(cd["frequency"], cd["recency"], cd["T"])
    p = {(f, r): float(bg.prob_alive(f, r, 39)) for f, r in ((10, 35), (10, 10), (1, 10), (15, 10))}
    _in(guide, f"仍活跃概率约 {p[10, 35]:.2f}", f"第 10 周的约 {p[10, 10]:.2f}",
        f"第 10 周后没来的约 {p[1, 10]:.2f}", f"买 15 次、第 10 周后没来的约 {p[15, 10]:.2f}")


def test_answers_lesson2(guide, data):
    from crmlab import analysis, info

    plan = ["name", "phone", "address", "email", "birth_date", "id_number", "income", "face_photo", "consent_marketing"]
    advice = info.minimise(plan, ["订单配送", "营销推送", "生日关怀"]).set_index("字段")["建议"]
    assert advice["birth_date"].startswith("保留，须事先告知并取得客户同意")
    assert advice["id_number"].startswith("不收集")
    _in(guide, "“保留，须事先告知并取得客户同意”")
    heavy = analysis.month_over_month(data["orders"], data["interactions"], "2025-08",
                                      weights={"购买数量": 5, "投诉率": 1, "退货率": 1})
    _in(guide, f"总分 {heavy.attrs['score']:+.2f}，结论仍是“{heavy.attrs['verdict']}”")
    dec = analysis.month_over_month(data["orders"], data["interactions"], "2025-12")
    _in(guide, dec.attrs["explanation"])
    from crmlab import identify

    flow = identify.identification_flow(crmlab.datasets.load("raw_records"), data["customers"])
    _in(guide, f"{flow.n_known} 人已是本公司客户，{len(flow.prospects)} 人是潜在客户")


def test_answers_lesson2_rules(guide):
    from crmlab import analysis

    lines = crmlab.datasets.load("order_lines")
    share = analysis.basket_matrix(lines).mean()
    _in(guide, f"{len(lines['order_id'].unique()):,} 笔订单", f"生鲜果蔬出现在 {share['生鲜果蔬']:.1%}")
    rules = analysis.find_rules(lines, min_support=0.02, min_confidence=0.3, min_lift=0).set_index("rule")
    top, back, gift = (rules.loc[r] for r in ("休闲零食 → 酒水饮料", "酒水饮料 → 休闲零食", "节日礼盒 → 生鲜果蔬"))
    assert rules["lift"].idxmax() in ("休闲零食 → 酒水饮料", "酒水饮料 → 休闲零食")
    _in(guide, f"置信度 {top['confidence']:.1%}、提升度 {top['lift']:.2f}", f"置信度只有 {back['confidence']:.1%}",
        f"置信度 {gift['confidence']:.1%} 看着高，提升度只有 {gift['lift']:.2f}")
    strict = analysis.find_rules(lines, min_support=0.02, min_confidence=0.7, min_lift=0)
    assert set(strict["consequents"].map(lambda c: "、".join(sorted(c)) if not isinstance(c, str) else c)) == {"生鲜果蔬"}
    low, high = f"{strict['lift'].min():.2f}", f"{strict['lift'].max():.2f}"
    _in(guide, f"剩下 {len(strict)} 条规则", f"提升度都在 {low} 左右" if low == high else f"提升度都在 {low}–{high}")
    assert rules.loc[rules["lift"] > 1].index.tolist() == ["休闲零食 → 酒水饮料", "酒水饮料 → 休闲零食"]
    by_customer = analysis.find_rules(lines, min_support=0.3, min_confidence=0.8, by="customer")
    _in(guide, f"{by_customer.attrs['n_baskets']} 位客户，规则有 {len(by_customer)} 条",
        f"提升度都只有 {by_customer['lift'].max():.1f} 左右")
    from crmlab import basket

    who = basket.example_customer(rules.reset_index(), lines)
    recs = analysis.recommend(rules.reset_index(), lines, who)
    assert recs.iloc[0, 0] == "酒水饮料"
    _in(guide, f"例子客户 {who}", f"推荐的是{recs.iloc[0, 0]}")


def test_answers_lesson3(guide, data):
    import crmlab.segment as seg

    orders = data["orders"]
    default = seg.rfm(orders, ASOF)["segment"].value_counts()
    value_mean = seg.rfm(orders, ASOF, high_rule="value_mean")["segment"].value_counts()
    _in(guide, f"重要价值客户从 {default['重要价值客户']} 人减少到 {value_mean['重要价值客户']} 人")
    summary = seg.segment_summary(seg.rfm(orders, ASOF))
    rich = seg.budget_allocation(summary, 30000, cost_per_contact=10)
    assert summary["customers"].sum() * 10 <= 30000
    _in(guide, f"{summary['customers'].sum():,} 位客户都能联系到，两种做法预计都是 {rich.attrs['return_even']:,.0f} 元")
    grid = seg.rfm(orders, ASOF, scheme="rf_grid")["segment"].value_counts()
    _in(guide, f"冠军客户 {grid['冠军客户']}、忠诚客户 {grid['忠诚客户']}、有流失风险的客户 {grid['有流失风险的客户']}"
               f"、不能失去的客户 {grid['不能失去的客户']}")
    table = seg.rfm(orders, ASOF)
    money = seg.kmeans_segments(table, ("monetary",), k=4)
    _in(guide, f"约 {money.silhouette:.2f}")
    assert "低消费金额型（消费金额较高）" in set(money.profiles["name"])
    raw = seg.kmeans_segments(table, k=4, log=False)
    _in(guide, f"约 {raw.silhouette:.2f}", f"只有 {raw.profiles['size'].min()} 人的大客户群")


def test_answers_lesson4(guide, data):
    import matplotlib.pyplot as plt

    import crmlab.credit as cc
    from crmlab.widgets.credit import APP_FIELDS, CreditApplicationView, CreditPolicyView

    policy, application = CreditPolicyView(), CreditApplicationView()
    plt.close("all")
    dear = policy.compute(cost_of_capital=20)
    bad = policy.compute(new_bad_debt=5)
    _in(guide, f"提高到 {dear.breakeven_increase:.1%}", f"{abs(dear.profit_change):,.0f} 元",
        f"保本点升到 {bad.breakeven_increase:.1%}")
    defaults = {k: v for k, (_label, v) in APP_FIELDS.items()}
    for late in (1, 5, 8):
        res = application.compute(**(defaults | {"late_payments_12m": late}))
        s, limit = res["scored"].iloc[0], res["limit"].iloc[0]
        _in(guide, f"{s['score']:.1f}", s["grade"], f"{limit['credit_limit']:,.0f} 元", f"{s['character']:.1f}")
    for day, total, rate in (("2025-02-01", "191.2", "11.3%"), ("2025-07-01", "133.2", "21.9%"), (ASOF, "141.6", "25.8%")):
        prov = cc.provision(cc.aging(data["invoices"], day)).loc["合计"]
        assert f"{prov['receivable'] / 10_000:.1f}" == total, day
        assert f"{prov['provision_rate']:.1%}" == rate, day
        _in(guide, f"{day}", f"约 {total} 万元", f"计提{'比例只有 ' if day == '2025-02-01' else ' '}{rate}")


def test_answers_lesson4_cutoffs(guide):
    import crmlab.credit as cc

    german = crmlab.datasets.load("german_credit")
    X, y = cc.german_credit_xy(german)
    cv = cc.cross_validate_scorecard(X, y, cv=5, random_state=0)
    points, bad = pd.Series(cv.points), pd.Series(y)
    for cutoff in (500, 550, 600):
        ok = points >= cutoff
        _in(guide, f"{cutoff} 分时", f"{ok.mean():.1%}")
        if cutoff < 600:
            _in(guide, f"坏客户占 {bad[ok].mean():.1%}")


# ---------------------------------------------------------------- groups and exercises


def test_group_table_matches_the_companies(guide):
    table = crmlab.datasets.companies()
    for row in table.itertuples(index=False):
        assert f"| {row.组号} | {row.公司} | {row.行业} |" in guide, row.公司
    for name in ("customers", "orders", "interactions", "raw_records", "raw_records_truth", "survey", "invoices",
                 "accounts"):
        assert f"`{name}`" in guide or f'"{name}"' in guide, name


def test_exercise_counts_match(guide):
    names = {1: "01_identify_customers", 2: "02_customer_information", 3: "03_segmentation", 4: "04_credit"}
    for n, name in names.items():
        module = importlib.import_module(f"crmlab.exercises.lesson{n}")
        count = sum(1 for i in range(1, 50) if hasattr(module, f"q{i}"))
        assert f"（`exercises/{name}.ipynb`，{count} 题）" in guide, (name, count)


# ---------------------------------------------------------------------------- glossary

REQUIRED = [
    "客户", "潜在客户", "目标客户", "现实客户", "流失客户", "客户让渡价值", "客户终身价值", "关系水平", "生命周期阶段",
    "描述类 / 行为类 / 关联类信息", "数据挖掘", "关联规则", "支持度", "置信度", "提升度", "RFM 模型", "聚类（KMeans）",
    "客户细分", "客户金字塔", "5C", "信用等级", "信用额度", "账龄", "坏账准备", "DSO",
]


def _glossary_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---") and not line.startswith("| 中文"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def test_glossary_rows_are_complete(glossary):
    rows = _glossary_rows(glossary)
    assert len(rows) >= 80
    terms = [r[0] for r in rows]
    assert len(terms) == len(set(terms)), "a term is listed twice"
    for row in rows:
        assert len(row) == 5, row
        term, english, definition, where, _note = row
        assert term and english and definition and where, row
        assert re.search(r"[A-Za-z]", english), row
    for concept in REQUIRED:
        assert any(t == concept or t.startswith(concept) for t in terms), concept


def test_glossary_terms_are_used_in_the_course(glossary):
    """The first Chinese name of every term occurs in the notebooks, crmlab or the data description."""
    corpus = [notebook_text(p.stem) for p in sorted((ROOT / "notebooks").glob("0*.ipynb"))]
    corpus += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "crmlab").rglob("*.py"))]
    corpus.append((ROOT / "data" / "README.md").read_text(encoding="utf-8"))
    text = "\n".join(corpus)
    unused = []
    for row in _glossary_rows(glossary):
        first = re.split(r" / |（|\(", row[0])[0].strip()
        if first not in text:
            unused.append(first)
    assert not unused, unused


@pytest.mark.parametrize("quote, text, found", [
    ("0.858", "比例 0.858。", True), ("0.858", "0.8581", False), ("2525", "12525 人", False),
    ("2525", "2525.3", False), ("2525", "共 2525 人", True), ("1,278", "1,278,000", False),
    ("1,278", "¥1,278 元", True), ("24.1%", "占 24.1%。", True), ("0.6%", "-0.6%", False),
    ("-0.6%", "变化 -0.6%", True), ("C00018", "C000181", False), ("C00018", "客户C00018的", True),
    ("53 位", "共 53 位客户", True), ("158", "<td>158</td>", True), ("158", "1.158", False),
    ("358", "新客户数 358.000 人", True), ("358", "358.0003", False), ("11,833", "变化 −11,833 元", False),
    ("-11,833", "变化 −11,833 元", True), ("-11,833", "-11,833</td>", True),
])
def test_whole_token_matching(quote, text, found):
    assert whole(quote, text) is found
