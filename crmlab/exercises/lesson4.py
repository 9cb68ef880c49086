"""Lesson 4 exercises (客户信用管理): ageing, provision, pyramid, payment segments,
credit policy, 5C grades, credit limits, DSO and scorecard points.

Use in a notebook::

    from crmlab.exercises.lesson4 import *
    q1.check(answer)   # q1.hint(), q1.solution()
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.exercises._core import Question, Wrong, is_close
from crmlab.exercises._slips import number as _number
from crmlab.exercises._slips import sign_or_unit


def _close(a, b, rel=1e-6, abs_=0.01) -> bool:
    return is_close(a, b, rel=rel, abs_=abs_)


ASOF = "2026-01-01"


# ------------------------------------------------------------------ data
def practice_invoices() -> pd.DataFrame:
    """Ten hand-made invoices for the ageing exercises (cut-off date 2026-01-01)."""
    return pd.DataFrame(
        {
            "customer_id": ["K01", "K01", "K01", "K02", "K02", "K02", "K03", "K03", "K03", "K03"],
            "invoice_id": [f"F{i:02d}" for i in range(1, 11)],
            "amount": [5000.0, 3000.0, 2000.0, 8000.0, 1200.0, 4500.0, 600.0, 7000.0, 2500.0, 900.0],
            "issue_date": pd.to_datetime(
                ["2025-10-15", "2025-11-01", "2025-12-01", "2025-10-21", "2025-11-02", "2025-10-03",
                 "2025-06-01", "2025-10-20", "2025-12-10", "2026-01-05"]
            ),
            "due_date": pd.to_datetime(
                ["2025-11-14", "2025-12-01", "2026-01-01", "2025-11-20", "2025-12-02", "2025-11-02",
                 "2025-07-01", "2025-11-19", "2026-01-09", "2026-02-04"]
            ),
            "paid_date": pd.to_datetime(
                [None, None, None, "2025-12-28", None, "2026-01-01", None, "2026-01-08", None, None]
            ),
        }
    )


# ------------------------------------------------------------------ q1
Q1_DUE = ["2026-01-01", "2025-12-02", "2025-12-01", "2025-10-03", "2025-07-04"]


def _check_q1(answer):
    from crmlab.credit import BUCKETS, bucket_of

    asof = pd.Timestamp(ASOF)
    expected = [bucket_of((asof - pd.Timestamp(d)).days) for d in Q1_DUE]
    if isinstance(answer, str) or not hasattr(answer, "__len__"):
        raise Wrong("请交一个列表，按顺序写出 5 张发票各自的账龄段，例如 ['未到期', '逾期1-30天', ...]。")
    if all(isinstance(a, (int, float, np.integer, np.floating)) for a in answer):
        raise Wrong("你交的是逾期天数。题目要的是账龄段的名称，例如 '未到期'、'逾期1-30天'（用 bucket_of(天数) 可以换算）。")
    answer = [str(a).strip() for a in answer]
    if len(answer) != len(expected):
        raise Wrong(f"一共有 {len(expected)} 张发票，你的列表有 {len(answer)} 项。")
    unknown = [a for a in answer if a not in BUCKETS]
    if unknown:
        raise Wrong(f"账龄段名称要和表头完全一致：{'、'.join(BUCKETS)}。「{unknown[0]}」不在其中。")
    if answer[0] != expected[0]:
        raise Wrong("第 1 张发票今天（2026-01-01）才到期：逾期天数 = 截止日 − 到期日 = 0 天，到期当天还不算逾期。")
    if answer[1] != expected[1]:
        raise Wrong("第 2 张发票逾期正好 30 天（12月2日到1月1日），30 天仍属于「逾期1-30天」。")
    if answer[2] != expected[2]:
        raise Wrong("第 3 张发票逾期 31 天（12 月有 31 天），已经进入「逾期31-60天」。")
    if answer != expected:
        raise Wrong("前三张对了。后两张请用日期相减数一数天数：(pd.Timestamp('2026-01-01') - pd.Timestamp(到期日)).days。")


q1 = Question(
    "练习1",
    "截止日 2026-01-01，五张未付发票的到期日依次为 " + "、".join(Q1_DUE) + "。按顺序写出它们各自的账龄段（列表）。",
    _check_q1,
    hint="逾期天数 = 截止日 − 到期日；0 天及以下是「未到期」，1-30 天是「逾期1-30天」，31-60 天是「逾期31-60天」……",
    solution=(
        "import pandas as pd\nfrom crmlab.credit import bucket_of\n"
        "answer = [bucket_of((pd.Timestamp('2026-01-01') - pd.Timestamp(d)).days) for d in due_dates]\n"
        "# 结果：['未到期', '逾期1-30天', '逾期31-60天', '逾期61-90天', '逾期180天以上']"
    ),
)


# ------------------------------------------------------------------ q2
def _q2_variants():
    inv = practice_invoices()
    asof = pd.Timestamp(ASOF)
    days = (asof - inv["due_date"]).dt.days
    in_bucket = days.between(31, 60)
    issued = inv["issue_date"] <= asof
    open_ = inv["paid_date"].isna() | (inv["paid_date"] > asof)
    correct = inv.loc[in_bucket & issued & open_, "amount"].sum()
    all_paid_closed = inv.loc[in_bucket & issued & inv["paid_date"].isna(), "amount"].sum()
    with_paid = inv.loc[in_bucket & issued, "amount"].sum()
    paid_on_asof_open = inv.loc[in_bucket & issued & (inv["paid_date"].isna() | (inv["paid_date"] >= asof)), "amount"].sum()
    return correct, all_paid_closed, with_paid, paid_on_asof_open


def _check_q2(answer):
    v = _number(answer, "一个金额（元）")
    correct, unpaid_only, with_paid, paid_on_asof = _q2_variants()
    if _close(v, correct):
        return
    if _close(v, unpaid_only):
        raise Wrong("截止日之后才付款的发票（paid_date > 2026-01-01），在截止日那天还没收回，仍然要算在应收账款里。")
    if _close(v, paid_on_asof):
        raise Wrong("截止日当天已经付清的发票（paid_date = 2026-01-01）不再是应收账款。")
    if _close(v, with_paid):
        raise Wrong("截止日之前已经付清的发票不算应收账款：先筛选 paid_date 为空或晚于截止日的发票。")
    sign_or_unit(v, correct)
    raise Wrong(f"你的结果是 {v:,.2f}。先找出截止日仍未收回的发票，再挑出逾期 31-60 天的，把金额加起来。")


q2 = Question(
    "练习2",
    "用 practice_invoices() 的 10 张发票，计算截止 2026-01-01 时「逾期31-60天」这一段的应收金额合计（元）。",
    _check_q2,
    hint="可以直接用 cc.aging(invoices, '2026-01-01')，再对「逾期31-60天」这一列求和；注意哪些发票在截止日仍未收回。",
    solution="tab = cc.aging(practice_invoices(), '2026-01-01')\nanswer = tab['逾期31-60天'].sum()",
)


# ------------------------------------------------------------------ q3
Q3_AMOUNTS = {"未到期": 200_000, "逾期1-30天": 80_000, "逾期31-60天": 30_000, "逾期61-90天": 10_000,
              "逾期91-180天": 6_000, "逾期180天以上": 4_000}
Q3_RATES_PERCENT = {"未到期": 1, "逾期1-30天": 3, "逾期31-60天": 10, "逾期61-90天": 20,
                    "逾期91-180天": 50, "逾期180天以上": 80}


def _check_q3(answer):
    v = _number(answer, "坏账准备总额（元）")
    correct = sum(Q3_AMOUNTS[k] * Q3_RATES_PERCENT[k] / 100 for k in Q3_AMOUNTS)
    if _close(v, correct):
        return
    if _close(v, correct * 100):
        raise Wrong("计提比例是百分数：3% 要写成 0.03，算出来的结果大了 100 倍。")
    if _close(v, sum(Q3_AMOUNTS.values()) * 0.05) or _close(v, sum(Q3_AMOUNTS.values())):
        raise Wrong("账龄分析法要每个账龄段分别乘以它自己的计提比例，再把各段加起来。")
    overdue_only = sum(Q3_AMOUNTS[k] * Q3_RATES_PERCENT[k] / 100 for k in Q3_AMOUNTS if k != "未到期")
    if _close(v, overdue_only):
        raise Wrong("未到期的应收账款也有很小的坏账风险（1%），别漏掉这一段。")
    sign_or_unit(v, correct)
    raise Wrong(f"你的结果是 {v:,.2f}。坏账准备 = Σ 各段金额 × 该段计提比例。")


q3 = Question(
    "练习3",
    "各账龄段应收金额为 Q3_AMOUNTS（元），计提比例为 Q3_RATES_PERCENT（百分数）。计算应计提的坏账准备总额（元）。",
    _check_q3,
    hint="每一段：金额 × 比例 / 100；然后把六段加起来。",
    solution="answer = sum(Q3_AMOUNTS[k] * Q3_RATES_PERCENT[k] / 100 for k in Q3_AMOUNTS)",
)


# ------------------------------------------------------------------ q4
def _orders():
    import crmlab

    return crmlab.datasets.load("orders")


def _check_q4(answer):
    from crmlab.credit import pyramid

    v = _number(answer, "一个比例（小数）")
    t = pyramid(_orders()).tiers
    correct = t.loc["VIP客户", "金额占比"]
    if _close(v, correct, abs_=5e-4):
        return
    if _close(v, correct * 100, abs_=0.05):
        raise Wrong("请写成小数（例如 0.25），不要写成百分数 25。")
    if _close(v, t.loc["VIP客户", "客户占比"], abs_=5e-4) or _close(v, 0.01, abs_=5e-4):
        raise Wrong("这是 VIP 客户占客户人数的比例（约 1%）；题目问的是他们贡献的销售额占全部销售额的比例。")
    if _close(v, t.loc["主要客户", "累计金额占比"], abs_=5e-4):
        raise Wrong("这是前 5% 客户（VIP + 主要客户）的累计金额占比；只要 VIP 这一层。")
    if v > 100:
        raise Wrong("这是一个金额，不是占比：VIP 客户的销售额还要除以全部客户的销售额。")
    raise Wrong(f"你的结果是 {v:.4f}。用 cc.pyramid(orders).tiers 看「金额占比」一列。")


q4 = Question(
    "练习4",
    "把课程订单数据按销售额排成客户金字塔（默认 1%/4%/15%/80%）。VIP 客户贡献了全部销售额的多大比例？（小数）",
    _check_q4,
    hint="cc.pyramid(orders) 返回的 .tiers 表里有「客户占比」和「金额占比」两列，别看错列。",
    solution="answer = cc.pyramid(orders).tiers.loc['VIP客户', '金额占比']",
)


# ------------------------------------------------------------------ q5
def _check_q5(answer):
    v = _number(answer, "一个比例（小数）")
    o = _orders()
    credit = o["payment_method"] == "赊销"
    correct = o.loc[credit, "amount"].sum() / o["amount"].sum()
    if _close(v, correct, abs_=5e-4):
        return
    if _close(v, correct * 100, abs_=0.05):
        raise Wrong("请写成小数（例如 0.25），不要写成百分数。")
    if _close(v, credit.mean(), abs_=5e-4):
        raise Wrong("这是赊销订单的笔数占比；题目问的是赊销金额占销售总额的比例，要用 amount 列加总。")
    if _close(v, 1 - correct, abs_=5e-4):
        raise Wrong("这是现金销售的占比，题目问的是赊销。")
    if v > 100:
        raise Wrong("这是赊销金额本身，不是占比：还要除以全部订单的金额合计。")
    raise Wrong(f"你的结果是 {v:.4f}。赊销金额合计 ÷ 全部金额合计。")


q5 = Question(
    "练习5",
    "在课程订单数据中，赊销（payment_method == '赊销'）的销售额占全部销售额的比例是多少？（小数）",
    _check_q5,
    hint="先筛选赊销订单，把 amount 加总，再除以全部订单的 amount 合计。",
    solution="answer = orders.loc[orders['payment_method'] == '赊销', 'amount'].sum() / orders['amount'].sum()",
)


# ------------------------------------------------------------------ q6
Q6 = {"annual_sales": 7_200_000, "collection_days": 45, "cost_of_capital": 0.10, "year_days": 360}


def _check_q6(answer):
    v = _number(answer, "一个金额（元）")
    daily = Q6["annual_sales"] / Q6["year_days"]
    receivable = daily * Q6["collection_days"]
    correct = receivable * Q6["cost_of_capital"]
    if _close(v, correct):
        return
    if _close(v, receivable):
        raise Wrong("这是应收账款平均余额（被客户占用的资金），还要乘以资金成本率 10% 才是一年的资金成本。")
    if _close(v, Q6["annual_sales"] / 365 * Q6["collection_days"] * Q6["cost_of_capital"]):
        raise Wrong("本题按一年 360 天计算日销售额。")
    if _close(v, Q6["annual_sales"] * Q6["collection_days"] * Q6["cost_of_capital"]):
        raise Wrong("要先把年销售额换算成日销售额（÷ 360），再乘以平均收账期。")
    if _close(v, correct * 100):
        raise Wrong("资金成本率 10% 要写成 0.10。")
    sign_or_unit(v, correct)
    raise Wrong(f"你的结果是 {v:,.2f}。资金成本 = 日销售额 × 平均收账期 × 资金成本率。")


q6 = Question(
    "练习6",
    "某公司年赊销额 720 万元，平均收账期 45 天，资金成本率 10%，一年按 360 天。应收账款一年占用资金的成本是多少元？",
    _check_q6,
    hint="日销售额 = 年销售额 / 360；应收账款平均余额 = 日销售额 × 收账天数；再乘资金成本率。",
    solution="answer = 7_200_000 / 360 * 45 * 0.10   # = 90,000 元",
)


# ------------------------------------------------------------------ q7
Q7 = {"sales": 2_000_000, "margin": 0.25, "sales_increase": 0.20, "current_days": 30, "new_days": 60,
          "current_bad_debt": 0.01, "new_bad_debt": 0.025, "current_collection_cost": 0.005,
          "new_collection_cost": 0.01, "cost_of_capital": 0.12}


def _check_q7(answer):
    from crmlab.credit import credit_policy

    v = _number(answer, "净收益变化（元）", attribute="profit_change")
    correct = credit_policy(**Q7).profit_change
    if _close(v, correct, abs_=0.5):
        return
    if _close(v, -correct, abs_=0.5):
        raise Wrong("符号反了：净收益变化 = 新政策净收益 − 现行政策净收益。")
    no_fin = credit_policy(**{**Q7, "cost_of_capital": 0}).profit_change
    if _close(v, no_fin, abs_=0.5):
        raise Wrong("漏掉了应收账款的资金成本：账期拉长后，被占用的资金变多，要乘以资金成本率 12%。")
    gross = Q7["sales"] * Q7["sales_increase"] * Q7["margin"]
    if _close(v, gross, abs_=0.5):
        raise Wrong("这只是新增销售带来的毛利，还要减去新增的坏账、收账费用和资金成本。")
    result = credit_policy(**Q7)
    if _close(v, result.table.loc["净收益", "新政策"], abs_=0.5):
        raise Wrong("这是新政策的净收益本身；题目问的是变化：新政策净收益 − 现行政策净收益。")
    sign_or_unit(v, correct, tol=0.5)
    raise Wrong(f"你的结果是 {v:,.2f}。可以用 cc.credit_policy(**Q7) 看各项明细，对照手算结果。")


q7 = Question(
    "练习7",
    "按 Q7 的参数（年销售额 200 万元，毛利率 25%，放宽后销售增长 20%，收账期 30→60 天，坏账率 1%→2.5%，"
    "收账费用率 0.5%→1%，资金成本率 12%），新信用政策使净收益变化多少元？",
    _check_q7,
    hint="分别算两种政策的净收益 = 毛利 − 资金成本 − 坏账损失 − 收账费用，再相减（新 − 旧）。",
    solution="answer = cc.credit_policy(**Q7).profit_change",
)


# ------------------------------------------------------------------ q8
Q8_SCORES = [90, 89.5, 80, 70, 59.9]


def _check_q8(answer):
    from crmlab.credit import grade_of

    expected = [grade_of(s) for s in Q8_SCORES]
    if isinstance(answer, str) or not hasattr(answer, "__len__") or len(answer) != len(expected):
        raise Wrong(f"请交一个包含 {len(expected)} 个等级的列表，例如 ['AAA', 'AA', ...]。")
    answer = [str(a).strip().upper() for a in answer]
    if answer == expected:
        return
    if answer[1] == "AAA":
        raise Wrong("89.5 分不能四舍五入成 90 分：没有达到 90 分就不是 AAA。")
    if answer[2] == "A" or answer[3] == "BBB":
        raise Wrong("门槛分数本身属于较高的等级：80 分正好是 AA，70 分正好是 A（≥ 门槛即可）。")
    raise Wrong("等级门槛：AAA ≥ 90，AA 80-89，A 70-79，BBB 60-69，BB 50-59，B < 50。")


q8 = Question(
    "练习8",
    "按默认等级门槛，给 5C 总分 " + "、".join(map(str, Q8_SCORES)) + " 依次评出信用等级（列表）。",
    _check_q8,
    hint="从最高的门槛往下比：分数 ≥ 90 是 AAA，≥ 80 是 AA……不要四舍五入。",
    solution="answer = [cc.grade_of(s) for s in Q8_SCORES]   # ['AAA', 'AA', 'AA', 'A', 'BB']",
)


# ------------------------------------------------------------------ q9
Q9 = {"net_worth": 2_000_000, "working_capital": 600_000, "avg_monthly_sales": 150_000, "payment_terms_days": 60,
      "net_worth_share": 0.10, "working_capital_share": 0.20}


def _check_q9(answer):
    v = _number(answer, "一个额度（元）")
    a = Q9["net_worth"] * Q9["net_worth_share"]
    b = Q9["working_capital"] * Q9["working_capital_share"]
    c = Q9["avg_monthly_sales"] * Q9["payment_terms_days"] / 30
    if _close(v, min(a, b, c)):
        return
    if _close(v, max(a, b, c)):
        raise Wrong("这是三种方法里最大的额度。稳健的做法是取三者中的最小值，避免给得过多。")
    if _close(v, (a + b + c) / 3):
        raise Wrong("这是三种方法的平均值；本题要求取最小值。")
    if _close(v, Q9["avg_monthly_sales"] * Q9["payment_terms_days"]):
        raise Wrong("账期是按天算的：月均销售额 × 账期天数 / 30，先把天数换算成月。")
    sign_or_unit(v, min(a, b, c))
    if _close(v, a * 100) or _close(v, b * 100) or _close(v, min(a * 100, b * 100, c)):
        raise Wrong("比例是百分数：10% 要写成 0.10，20% 写成 0.20，否则结果大了 100 倍。")
    raise Wrong(f"你的结果是 {v:,.0f}。分别算：净资产 × 10%，营运资金 × 20%，月均销售额 × 账期/30，取最小。")


q9 = Question(
    "练习9",
    "某客户净资产 200 万元、营运资金 60 万元、月均赊购 15 万元、账期 60 天。分别按净资产 10%、营运资金 20%、"
    "月均销售额 × 账期测算额度，取三者最小值作为基础信用额度（元）。",
    _check_q9,
    hint="三个数：2,000,000 × 0.10；600,000 × 0.20；150,000 × 60 / 30。然后用 min()。",
    solution="answer = min(2_000_000 * 0.10, 600_000 * 0.20, 150_000 * 60 / 30)   # 120,000 元",
)


# ------------------------------------------------------------------ q10
Q10 = {"open_receivables": 1_500_000, "credit_sales_90d": 4_500_000, "period_days": 90}


def _check_q10(answer):
    v = _number(answer, "天数")
    correct = Q10["open_receivables"] / Q10["credit_sales_90d"] * Q10["period_days"]
    if _close(v, correct):
        return
    if _close(v, Q10["credit_sales_90d"] / Q10["open_receivables"] * Q10["period_days"]):
        raise Wrong("分子分母颠倒了：DSO = 应收账款余额 ÷ 期间赊销额 × 期间天数。")
    if _close(v, Q10["open_receivables"] / Q10["credit_sales_90d"]):
        raise Wrong("还要乘以期间天数 90，结果的单位才是「天」。")
    if _close(v, Q10["open_receivables"] / Q10["credit_sales_90d"] * 365):
        raise Wrong("赊销额是这一个季度（90 天）的，所以乘以 90，而不是 365。")
    raise Wrong(f"你的结果是 {v:,.2f}。DSO = 应收账款余额 ÷ 期间赊销额 × 期间天数。")


q10 = Question(
    "练习10",
    "季度末应收账款余额 150 万元，这个季度（90 天）的赊销额 450 万元。应收账款周转天数 DSO 是多少天？",
    _check_q10,
    hint="DSO 表示平均要多少天才能把钱收回来：余额 ÷ 赊销额 × 天数。",
    solution="answer = 1_500_000 / 4_500_000 * 90   # 30 天",
)


# ------------------------------------------------------------------ q11
Q11_ODDS = 200


def _check_q11(answer):
    v = _number(answer, "一个分数")
    factor = 20 / np.log(2)
    correct = 600 + factor * np.log(Q11_ODDS / 50)
    if _close(v, correct, abs_=0.5):
        return
    if _close(v, 600 + 20 * (Q11_ODDS / 50 - 1), abs_=0.5) or _close(v, 600 + 20 * Q11_ODDS / 50, abs_=0.5):
        raise Wrong("分数和赔率不是线性关系：赔率每翻一倍加 20 分。50→100→200 翻了两倍。")
    if _close(v, 600 - (correct - 600), abs_=0.5):
        raise Wrong("方向反了：好坏比越高（客户越安全），分数越高。")
    if _close(v, 600 + 20 * np.log(Q11_ODDS / 50), abs_=0.5):
        raise Wrong("你用的是自然对数 ln：翻倍次数要用以 2 为底的对数，np.log2(200 / 50) = 2。")
    raise Wrong(f"你的结果是 {v:.1f}。从 50:1 到 200:1 翻了几倍？每翻一倍加 PDO = 20 分。")


q11 = Question(
    "练习11",
    "评分卡设定：好坏比 50:1 时为 600 分，PDO = 20（好坏比翻一倍加 20 分）。好坏比为 200:1 的客户得多少分？",
    _check_q11,
    hint="分数 = 600 + 20 × log2(好坏比 / 50)。可以用 numpy.log2。",
    solution="import numpy as np\nanswer = 600 + 20 * np.log2(200 / 50)   # 640 分",
)


QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11]

__all__ = [
    "ASOF",
    "Q1_DUE",
    "Q3_AMOUNTS",
    "Q3_RATES_PERCENT",
    "Q6",
    "Q7",
    "Q8_SCORES",
    "Q9",
    "Q10",
    "Q11_ODDS",
    "QUESTIONS",
    "practice_invoices",
    "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11",
]
