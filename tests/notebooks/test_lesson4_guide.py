"""The teacher guide's lesson-4 answers that tests/notebooks/test_docs.py does not cover: the payment-terms widget,
the exercise answers quoted in the guide, the pyramid's tier names and the minute plan."""

from __future__ import annotations

import re
from pathlib import Path

import crmlab
import crmlab.credit as cc
from crmlab.exercises import lesson4 as L

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    guide = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    start = guide.index("## 七、第4课")
    return guide[start:guide.index("## 八、", start)]


def test_payment_terms_answers():
    text = _section()
    orders, invoices = crmlab.datasets.load("orders", group=0), crmlab.datasets.load("invoices", group=0)
    base = cc.segment_baseline(orders, invoices)
    mixed = cc.segment_terms(base, {"混合客户": (0.30, 30)})
    t = mixed.table.loc["合计"]
    assert f"被占用的资金少 {-t['avg_receivable_change']:,.0f} 元" in text
    assert f"预计坏账少 {-t['expected_bad_debt_change']:,.0f} 元" in text
    assert f"一年净收益反而少 {-t['net_profit_change']:,.0f} 元" in text
    lost = base.loc["混合客户", "annual_sales"] - mixed.new.loc["混合客户", "sales"]
    assert f"少买了约 {lost / 10_000:.0f} 万元" in text
    assert f"{base.loc['混合客户', 'credit_share']:.0%} 的货是赊购的" in text
    assert f"账期是 {base.loc['混合客户', 'current_days']:.0f} 天" in text
    cash = cc.segment_terms(base, {"现金客户": (0, 30)}).table.loc["合计"]
    assert f"预计坏账多 {cash['expected_bad_debt_change']:,.0f} 元" in text
    q6 = cc.segment_terms(base, {"混合客户": (0.20, 30)}).table.loc["混合客户"]
    assert f"预计坏账少 {-q6['expected_bad_debt_change']:,.0f} 元（练习6）" in text


def test_exercise_answers_in_the_guide():
    text = _section()
    assert f"（`exercises/04_credit.ipynb`，{len(L.QUESTIONS)} 题）" in text
    assert f"应为 {L._Q10_BASE * 0.8:,.0f} 元" in text
    assert f"应收余额 {L._Q7_RECEIVABLE:,.0f} 元" in text
    assert f"（{L._q6_saving():,.0f} 元）" in text
    assert f"坏账准备合计（{L._oldest_share():.1%}）" in text
    core = sum(q.tier == "基础" for q in L.QUESTIONS)
    assert f"基础 {core} 题，拓展 {len(L.QUESTIONS) - core} 题选做" in text


def test_tier_names_and_minute_plan():
    text = _section()
    t = cc.pyramid(crmlab.datasets.load("orders", group=0)).tiers
    for name, row in t.iterrows():
        assert f"{name} {int(row['customers']):,} 人" in text
        assert f"{row['value_share']:.1%}" in text
    # the minute plan: two lessons of 45 minutes, rows in order, the last one ending at 45'
    rows = re.findall(r"^\| (第[一二]节 )?(\d+)–(\d+)′", text, flags=re.M)
    assert rows[0][1] == "0" and rows[-1][2] == "45"
    second = [i for i, r in enumerate(rows) if r[0]]
    assert len(second) == 2
    for part in (rows[:second[1]], rows[second[1]:]):
        ends = [(int(a), int(b)) for _, a, b in part]
        assert ends[0][0] == 0 and ends[-1][1] == 45
        assert all(ends[i][1] == ends[i + 1][0] for i in range(len(ends) - 1))


def test_measured_core_size_in_the_guide():
    from tests.notebooks.test_lesson4_notebook import core_budget

    chars, outputs = core_budget()
    assert f"约 {round(chars, -2):,} 个汉字，{outputs} 张表和图" in _section()
