"""Lesson 1 exercises (识别客户): customer roles, customer states and transitions,
attitude types, profit tiers, delivered value, CLV (indicator method and discounted),
Kotler's relationship level, life-cycle stage and retention economics.

Use in a notebook::

    from crmlab.exercises.lesson1 import *
    q1.check(answer)   # q1.hint(), q1.solution()

Checkers compute the expected answer from the course data with :mod:`crmlab`
functions at check time (never a stored number), and recognise the usual mistakes:
delivered value with the wrong sign, retention given in percent, churn rule off by
one day, ranking not sorted, orders counted instead of customers ...
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmlab.exercises._core import Question, Wrong
from crmlab.exercises._core import as_number as _number

ASOF = "2026-01-01"

__all__ = [
    "ASOF",
    "practice_customer_orders",
    "practice_offers",
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6",
    "q7",
    "q8",
    "q9",
    "q10",
    "q11",
]


# ------------------------------------------------------------------ helpers
def _load(name: str) -> pd.DataFrame:
    import crmlab

    return crmlab.datasets.load(name)


def _text(answer, what: str, example: str) -> str:
    if isinstance(answer, pd.Series) and len(answer) == 1:
        answer = answer.iloc[0]
    if not isinstance(answer, str):
        raise Wrong(f"请交一段文字（{what}），例如 \"{example}\"，记得加引号。")
    return answer.strip()


def _close(a: float, b: float, tol: float = 1e-6) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


# ------------------------------------------------------------------ q1 roles
Q1_IDS = ("distributor", "baby_formula", "free_app")


def _q1_check(answer):
    from crmlab.customers import ROLE_OPTIONS, check_role_answer

    if not isinstance(answer, Mapping):
        raise Wrong("请交一个字典，例如 {\"distributor\": \"客户\", \"baby_formula\": \"...\", \"free_app\": \"...\"}。")
    missing = [k for k in Q1_IDS if k not in answer]
    if missing:
        raise Wrong(f"字典里还缺这些情景的答案：{'、'.join(missing)}。")
    for key in Q1_IDS:
        value = answer[key]
        if value not in ROLE_OPTIONS:
            raise Wrong(f"情景 {key} 的答案「{value}」不是选项，请从{'、'.join(ROLE_OPTIONS)}中选。")
        fb = check_role_answer(key, value)
        if not fb.correct:
            if value == "客户":
                raise Wrong(f"情景 {key}：{fb.message} 记住：客户一定是付钱的一方。")
            raise Wrong(f"情景 {key}：{fb.message}")


q1 = Question(
    "练习1",
    "客户、消费者还是用户？为三个情景各选一个身份（distributor：批发饮料的经销商老赵；"
    "baby_formula：喝奶粉的一岁孩子；free_app：免费用聊天软件的小林）。",
    _q1_check,
    hint="先问“谁付的钱”：付钱的是客户；只使用、不付钱的是用户；个人为自己生活买来用的是消费者。"
    "运行 crmlab.customers.ROLE_SCENARIOS 可以看到完整的情景描述。",
    solution='answer = {"distributor": "客户", "baby_formula": "用户", "free_app": "用户"}',
)


# ------------------------------------------------------------------ q2 lost customers, churn rule
Q2_CHURN_DAYS = 90


def _q2_expected():
    from crmlab.customers import customer_states

    st = customer_states(_load("customers"), _load("orders"), ASOF, churn_days=Q2_CHURN_DAYS)
    return st


def _q2_check(answer):
    v = _number(answer, "流失客户的人数")
    st = _q2_expected()
    lost = st["state"] == "流失客户"
    expected = int(lost.sum())
    if v == expected:
        return
    since = st["days_since_last"]
    if v == int((since >= Q2_CHURN_DAYS).sum()):
        raise Wrong("差了“正好 90 天”的那些客户：规则是“超过 90 天”没买才算流失，要用 > 90，不是 >= 90。")
    from crmlab.customers import customer_states

    default = customer_states(_load("customers"), _load("orders"), ASOF)
    if v == int((default["state"] == "流失客户").sum()):
        raise Wrong("这是按默认 180 天算出的人数。本题规定 90 天没买就算流失：churn_days=90。")
    orders = _load("orders")
    n_orders_lost = int(orders["customer_id"].isin(st.index[lost]).sum())
    if v == n_orders_lost:
        raise Wrong("你数的是流失客户的订单条数。题目问的是人数：每位客户只算一次。")
    if v == int((since > Q2_CHURN_DAYS).sum()) + int(st["n_orders"].eq(0).sum()):
        raise Wrong("从没买过的人（潜在、目标客户）不算流失：流失客户一定是曾经买过的。")
    if v == int((since <= Q2_CHURN_DAYS).sum()):
        raise Wrong(f"这是 {Q2_CHURN_DAYS} 天内买过的客户（没有流失的）人数。题目问的是超过 {Q2_CHURN_DAYS} 天没买的客户：用 > 。")
    buyers = int(st["n_orders"].gt(0).sum())
    if 0 < v < 1 or (1 <= v <= 100 and v != int(v)):
        raise Wrong(f"你交的像是比例或百分数（{v:g}）。题目问的是人数：数出流失客户有多少位（一个整数）。")
    past = orders[orders["order_date"] < pd.Timestamp(ASOF)]
    if v == int(((pd.Timestamp(ASOF) - past["order_date"]).dt.days > Q2_CHURN_DAYS).sum()):
        raise Wrong("你数的是超过 90 天前的订单条数。要先按客户取最近一次购买日期（groupby(\"customer_id\")[\"order_date\"].max()），每位客户只算一次。")
    if v > buyers:
        raise Wrong(f"结果 {v:g} 比买过东西的客户总数（{buyers} 位）还多，肯定数多了：每位客户只能算一次。")
    raise Wrong(
        f"你的结果是 {v:g}。步骤：找出每位客户在 {ASOF} 之前的最近一次购买日期，算出距 {ASOF} 的天数，"
        f"统计超过 {Q2_CHURN_DAYS} 天的客户人数。"
    )


q2 = Question(
    "练习2",
    f"规则：最近一次购买距 {ASOF} 超过 {Q2_CHURN_DAYS} 天的客户算流失客户。按这个规则，有多少位流失客户？",
    _q2_check,
    hint="last = orders.groupby(\"customer_id\")[\"order_date\"].max()；days = (pd.Timestamp(\"2026-01-01\") - last).dt.days；"
    "再数 days > 90 的客户。也可以用 crmlab.customers.customer_states(..., churn_days=90)。",
    solution=(
        "last = orders.groupby(\"customer_id\")[\"order_date\"].max()\n"
        "days = (pd.Timestamp(\"2026-01-01\") - last).dt.days\n"
        "answer = int((days > 90).sum())"
    ),
)


# ------------------------------------------------------------------ q3 transitions
Q3_START, Q3_END = "2025-10-01", "2026-01-01"


def _q3_check(answer):
    from crmlab.customers import state_transitions

    v = _number(answer, "客户人数")
    t = state_transitions(_load("customers"), _load("orders"), Q3_START, Q3_END)
    expected = int(t.loc["现实客户-忠诚", "流失客户"])
    if v == expected:
        return
    if v == int(t.loc["流失客户", "现实客户-忠诚"]):
        raise Wrong("方向反了：行是开始时（2025-10-01）的状态，列是结束时（2026-01-01）的状态。应取 table.loc[\"现实客户-忠诚\", \"流失客户\"]。")
    if v == int(t["流失客户"].sum()):
        raise Wrong("这是 2026-01-01 全部流失客户的人数。题目只问其中 2025-10-01 时还是忠诚客户的那些人。")
    if v == int(t.loc["现实客户-忠诚"].sum()):
        raise Wrong("这是 2025-10-01 时全部忠诚客户的人数。还要看他们三个月后变成了什么状态。")
    raise Wrong(f"你的结果是 {v:g}。用 state_transitions(customers, orders, \"{Q3_START}\", \"{Q3_END}\") 得到转移表再取一格。")


q3 = Question(
    "练习3",
    f"按默认规则，{Q3_START} 时是“现实客户-忠诚”、到 {Q3_END} 变成“流失客户”的有多少人？",
    _q3_check,
    hint="转移表的行是开始时的状态，列是结束时的状态：table.loc[行, 列]。",
    solution=(
        "table = crmlab.customers.state_transitions(customers, orders, \"2025-10-01\", \"2026-01-01\")\n"
        "answer = int(table.loc[\"现实客户-忠诚\", \"流失客户\"])"
    ),
)


# ------------------------------------------------------------------ q4 attitude types
def _q4_check(answer):
    from crmlab.customers import ATTITUDE_TYPES, attitude_summary, classify_attitude

    name = _text(answer, "客户类型的名称", "理性型")
    summ = attitude_summary(classify_attitude(_load("survey")), _load("orders"))
    expected = str(summ["promo_share"].idxmax())
    if name == expected:
        return
    if name not in ATTITUDE_TYPES:
        raise Wrong(f"「{name}」不是四种类型之一：{'、'.join(ATTITUDE_TYPES)}。")
    if name == str(summ["customers"].idxmax()):
        raise Wrong("这是人数最多的类型。题目问的是“促销期购买占比”最高的类型：看 promo_share 列。")
    if name == str(summ["promo_share"].idxmin()):
        raise Wrong("这是促销期购买占比最低的类型，要找最高的：用 idxmax()。")
    raise Wrong("把 attitude_summary(...) 的 promo_share 列从大到小排一排，看看第一名是谁。")


q4 = Question(
    "练习4",
    "用问卷把客户分成灯塔型、跟随型、理性型、逐利型（默认门槛）。哪一类客户在促销期购买的订单占比最高？",
    _q4_check,
    hint="att = crmlab.customers.classify_attitude(survey)；summary = crmlab.customers.attitude_summary(att, orders)；"
    "看 promo_share 列。",
    solution=(
        "att = crmlab.customers.classify_attitude(survey)\n"
        "summary = crmlab.customers.attitude_summary(att, orders)\n"
        "answer = summary[\"promo_share\"].idxmax()"
    ),
)


# ------------------------------------------------------------------ q5 key customers' profit share
def _q5_check(answer):
    from crmlab.customers import classify_by_profit, profit_tier_summary

    v = _number(answer, "一个比例")
    orders = _load("orders")
    tiers = classify_by_profit(orders)
    expected = float(profit_tier_summary(tiers).loc["关键客户", "profit_share"])
    if _close(v, expected, 1e-3):
        return
    if _close(v, expected * 100, 1e-2):
        raise Wrong(f"你交的是百分数（{v:.1f}）。请交 0-1 之间的比例，例如 {expected:.3f}。")
    n_key = int((tiers["tier"] == "关键客户").sum())
    profit = orders.groupby("customer_id")["gross_profit"].sum()
    unsorted = float(profit.iloc[:n_key].sum() / profit.sum())
    if _close(v, unsorted, 1e-3):
        raise Wrong("你取的是按客户编号排在前面的 20%，忘了先按毛利从高到低排序：sort_values(ascending=False)。")
    amount = orders.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    if _close(v, float(amount.iloc[:n_key].sum() / amount.sum()), 1e-3):
        raise Wrong("你用的是销售额（amount）。题目按毛利（gross_profit）分级，看的是利润，不是销售额。")
    if _close(v, float(profit.sort_values().iloc[:n_key].sum() / profit.sum()), 1e-3):
        raise Wrong("排序方向反了：你取的是毛利最低的 20% 客户。要从高到低排：sort_values(ascending=False)。")
    if _close(v, 1 - expected, 1e-3):
        raise Wrong("这是其余 80% 客户（普通客户和小客户）的毛利占比。题目问的是前 20% 的关键客户。")
    if v > 1:
        raise Wrong(f"你交的 {v:,.2f} 比 1 还大，像是毛利金额。题目要的是比例：关键客户的毛利 ÷ 全部客户的毛利。")
    o_sorted = orders["gross_profit"].sort_values(ascending=False)
    if _close(v, float(o_sorted.iloc[: round(0.2 * len(o_sorted))].sum() / o_sorted.sum()), 1e-3):
        raise Wrong("你取的是毛利最高的 20% 订单。要先按客户汇总毛利（groupby(\"customer_id\")），再取前 20% 的客户。")
    raise Wrong(f"你的结果是 {v:.4f}。步骤：按客户汇总毛利 → 从高到低排序 → 前 20% 客户的毛利 ÷ 全部毛利。")


q5 = Question(
    "练习5",
    "把买过东西的客户按累计毛利从高到低排队，前 20% 是关键客户。关键客户贡献了全部毛利的多大比例（0-1 之间的小数）？",
    _q5_check,
    hint="profit = orders.groupby(\"customer_id\")[\"gross_profit\"].sum().sort_values(ascending=False)；"
    "n = round(0.2 * len(profit))；answer = profit.iloc[:n].sum() / profit.sum()。",
    solution=(
        "profit = orders.groupby(\"customer_id\")[\"gross_profit\"].sum().sort_values(ascending=False)\n"
        "n_key = round(0.2 * len(profit))\n"
        "answer = profit.iloc[:n_key].sum() / profit.sum()"
    ),
)


# ------------------------------------------------------------------ q6 delivered value
def practice_offers() -> pd.DataFrame:
    """Three competing offers (points on a 0-100 scale) for a family buying a refrigerator."""
    return pd.DataFrame(
        {
            "product_value": [80, 70, 85],
            "service_value": [60, 75, 50],
            "personnel_value": [50, 70, 55],
            "image_value": [70, 60, 80],
            "money_cost": [90, 80, 110],
            "time_cost": [20, 30, 10],
            "energy_cost": [15, 20, 10],
            "physical_cost": [10, 15, 5],
        },
        index=pd.Index(["甲商场", "乙网店", "丙品牌店"], name="offer"),
    )


def _q6_check(answer):
    from crmlab.value import COST_PARTS, VALUE_PARTS, delivered_value

    offers = practice_offers()
    expected = delivered_value(offers)["delivered_value"]
    if isinstance(answer, pd.DataFrame):
        if "delivered_value" in answer.columns:
            answer = answer["delivered_value"]
        elif answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
    if not isinstance(answer, pd.Series):
        raise Wrong("请交一个以方案名为索引的 Series：每个方案一个让渡价值。")
    if set(map(str, answer.index)) != set(expected.index):
        raise Wrong(f"索引应当是三个方案：{'、'.join(expected.index)}。")
    a = answer.reindex(expected.index).astype(float)
    if np.allclose(a, expected):
        return
    if np.allclose(a, -expected):
        raise Wrong("符号反了：让渡价值 = 客户总价值 − 客户总成本，不是成本减价值。")
    if np.allclose(a, offers[VALUE_PARTS].sum(axis=1) - offers["money_cost"]):
        raise Wrong("只减了货币成本。客户总成本还包括时间、精力和体力成本：四项成本都要减。")
    if np.allclose(a, offers[VALUE_PARTS].sum(axis=1) / offers[COST_PARTS].sum(axis=1)):
        raise Wrong("你算的是价值 ÷ 成本。让渡价值是两者之差：总价值 − 总成本。")
    raise Wrong("先把四项价值相加得到总价值，四项成本相加得到总成本，再相减。")


q6 = Question(
    "练习6",
    "practice_offers() 是一个家庭买冰箱时比较的三个方案（0-100 分）。算出每个方案的客户让渡价值（Series，索引是方案名）。",
    _q6_check,
    hint="from crmlab.value import VALUE_PARTS, COST_PARTS；offers[VALUE_PARTS].sum(axis=1) 是总价值。",
    solution=(
        "offers = practice_offers()\n"
        "answer = offers[VALUE_PARTS].sum(axis=1) - offers[COST_PARTS].sum(axis=1)"
    ),
)


# ------------------------------------------------------------------ q7 discounted CLV
Q7 = {"margin": 300.0, "retention": 0.8, "discount": 0.1, "periods": 5}


def _q7_check(answer):
    from crmlab.value import clv_value

    v = _number(answer, "客户终身价值（元）")
    m, r, d, n = Q7["margin"], Q7["retention"], Q7["discount"], Q7["periods"]
    expected = clv_value(m, r, d, n)
    if _close(v, expected, 1e-4) or abs(v - round(expected, 2)) < 1e-9:
        return
    if abs(v - expected) < 1:
        raise Wrong(f"非常接近了（{v:g}），只是取整了。请交没有四舍五入的结果，或至少保留两位小数。")
    t = np.arange(1, n + 1)
    if _close(v, float(sum(m * (r * 100) ** t / (1 + d) ** t)), 1e-4) or _close(
        v, float(sum(m * r**t / (1 + d * 100) ** t)), 1e-4
    ):
        raise Wrong("留存率或折现率当成了百分数（80、10）。公式里要用小数：0.8 和 0.1。")
    if _close(v, float(sum(m * r**t)), 1e-4):
        raise Wrong("忘了折现：每一期还要除以 (1 + 0.1) 的 t 次方。")
    if _close(v, float(sum(m / (1 + d) ** t)), 1e-4):
        raise Wrong("忘了留存：客户第 t 期还在的概率是 0.8 的 t 次方，要乘上去。")
    t0 = np.arange(0, n)
    if _close(v, float(sum(m * r**t0 / (1 + d) ** t0)), 1e-4):
        raise Wrong("t 从 0 开始了。本题约定第 1 期的利润在第 1 期末取得，t = 1, 2, …, 5。")
    if _close(v, m * n, 1e-4):
        raise Wrong("这只是 5 期利润的简单相加，没有考虑留存和折现。")
    if _close(v, float(sum(m * r**t * (1 + d) ** t)), 1e-4):
        raise Wrong("折现要除以 (1 + 0.1) 的 t 次方，你乘上去了：将来的钱折算到今天会变少，不会变多。")
    for periods in (n - 1, n + 1):
        tt = np.arange(1, periods + 1)
        if _close(v, float(sum(m * r**tt / (1 + d) ** tt)), 1e-4):
            raise Wrong(f"你算了 {periods} 期。本题只算 5 年：t = 1, 2, 3, 4, 5（np.arange(1, 6) 正好是这 5 个数）。")
    raise Wrong(f"你的结果是 {v:.2f}。CLV = Σ 300 × 0.8^t ÷ 1.1^t，t = 1 … 5。")


q7 = Question(
    "练习7",
    "一位客户每年带来利润 300 元，每年留存率 80%，折现率 10%，只算 5 年（t = 1…5）。他的客户终身价值是多少元？",
    _q7_check,
    hint="t = np.arange(1, 6)；answer = (300 * 0.8 ** t / 1.1 ** t).sum()。也可以用 crmlab.value.clv_value(300, 0.8, 0.1, 5)。",
    solution="t = np.arange(1, 6)\nanswer = float((300 * 0.8 ** t / 1.1 ** t).sum())",
)


# ------------------------------------------------------------------ q8 Kotler level
def _q8_check(answer):
    from crmlab.lifecycle import KOTLER_LEVELS, kotler_inputs, recommend_level

    name = _text(answer, "关系水平的名称", "负责型")
    orders = _load("orders")
    k = kotler_inputs(orders, ASOF)
    expected = recommend_level(**k).level
    if name == expected:
        return
    if name not in KOTLER_LEVELS:
        raise Wrong(f"「{name}」不是五种关系水平之一：{'、'.join(KOTLER_LEVELS)}。")
    recent = orders[orders["order_date"] >= pd.Timestamp(ASOF) - pd.Timedelta(days=365)]
    if name == recommend_level(len(recent), k["unit_margin"]).level:
        raise Wrong(f"你把订单数（{len(recent)} 单）当成了客户数。客户数要数不同的 customer_id：nunique()。")
    raise Wrong(
        "先算 2025 年买过东西的客户数和毛利率（毛利合计 ÷ 销售额合计），再在矩阵里找对应的格子："
        "crmlab.lifecycle.kotler_matrix()。"
    )


q8 = Question(
    "练习8",
    f"用 {ASOF} 之前一年（2025 年）的订单，算出买过东西的客户数和整体毛利率，按科特勒矩阵（默认门槛）应该建立哪种客户关系？",
    _q8_check,
    hint="n = recent[\"customer_id\"].nunique()；margin = recent[\"gross_profit\"].sum() / recent[\"amount\"].sum()；"
    "再用 crmlab.lifecycle.recommend_level(n, margin)。",
    solution=(
        "recent = orders[orders[\"order_date\"] >= \"2025-01-01\"]\n"
        "n = recent[\"customer_id\"].nunique()\n"
        "margin = recent[\"gross_profit\"].sum() / recent[\"amount\"].sum()\n"
        "answer = crmlab.lifecycle.recommend_level(n, margin).level"
    ),
)


# ------------------------------------------------------------------ q9 life-cycle stage
def practice_customer_orders() -> pd.DataFrame:
    """Orders of one customer: 2,000 yuan in 2024 and 1,200 yuan in 2025."""
    rows = [
        ("P01", "2024-06-01", 800.0), ("P01", "2024-09-15", 700.0), ("P01", "2024-12-20", 500.0),
        ("P01", "2025-03-10", 500.0), ("P01", "2025-08-08", 400.0), ("P01", "2025-12-01", 300.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def _q9_check(answer):
    from crmlab.lifecycle import STAGES, lifecycle_stage

    name = _text(answer, "阶段名称", "形成期")
    expected = str(lifecycle_stage(practice_customer_orders(), ASOF).loc["P01", "stage"])
    if name == expected:
        return
    if name == "成长期":
        raise Wrong("课本里的“成长期”在本课的四阶段里叫“形成期”。不过这位客户早已过了形成期的天数门槛，再看看他的消费趋势。")
    if name not in STAGES:
        raise Wrong(f"「{name}」不是四个阶段之一：{'、'.join(STAGES)}。")
    if name == "稳定期":
        raise Wrong("消费从 2,000 元降到 1,200 元，变化率 = 1200 ÷ 2000 − 1 = −40%。规则是“下降 40% 及以上”（≤ −40%）算退化，正好 40% 也算。")
    if name in ("考察期", "形成期"):
        raise Wrong("这位客户从 2024-06-01 就开始购买，到 2026-01-01 已经一年半多，早过了考察期和形成期的天数门槛；再看消费趋势。")
    raise Wrong("先算关系时长，再算近一年和前一年的消费变化率，按规则顺序判断。")


q9 = Question(
    "练习9",
    "practice_customer_orders() 是一位客户的全部订单。按默认规则（考察期 90 天、满 365 天才算稳定、"
    "近一年比前一年下降 40% 及以上算退化），他在 2026-01-01 处于哪个生命周期阶段？",
    _q9_check,
    hint="近一年 = 2025 年的消费额，前一年 = 2024 年的消费额；变化率 = 近一年 ÷ 前一年 − 1。"
    "也可以直接用 crmlab.lifecycle.lifecycle_stage(practice_customer_orders())。",
    solution=(
        "st = crmlab.lifecycle.lifecycle_stage(practice_customer_orders(), \"2026-01-01\")\n"
        "answer = str(st.loc[\"P01\", \"stage\"])"
    ),
)


# ------------------------------------------------------------------ q10 retention economics
Q10 = {"base_churn": 0.25, "churn_reduction": 0.05, "margin_growth": 0.15}


def _q10_check(answer):
    from crmlab.lifecycle import retention_economics

    v = _number(answer, "利润增幅（小数）")
    expected = retention_economics(**Q10).profit_increase
    if _close(v, expected, 1e-4):
        return
    if _close(v, expected * 100, 1e-2):
        raise Wrong(f"你交的是百分数（{v:.1f}）。请交小数，例如 0.35 表示 35%。")
    if _close(v, retention_economics().profit_increase, 1e-4):
        raise Wrong("这是默认参数（流失率 20%、利润年增 10%）的结果。本题是流失率 25%、利润年增 15%。")
    if _close(v, retention_economics(margin_growth=0.15).profit_increase, 1e-4):
        raise Wrong("这是原流失率 20%（默认值）时的结果。本题原流失率是 25%：base_churn=0.25。")
    if _close(v, retention_economics(base_churn=0.25, churn_reduction=0.05).profit_increase, 1e-4):
        raise Wrong("忘了把 margin_growth 设为 0.15（利润年增 15%）。")
    if _close(v, retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0).profit_increase, 1e-4):
        raise Wrong("这是老客户利润不增长（margin_growth=0）时的结果。本题老客户利润每年增长 15%：margin_growth=0.15。")
    r = retention_economics(**Q10)
    gain = float(r.summary.loc["clv_improved", "value"] - r.summary.loc["clv_base", "value"])
    if _close(v, gain, 1e-3):
        raise Wrong(f"你交的是终身利润增加的金额（{v:.2f} 元）。题目要的是增幅：增加的金额 ÷ 原来的终身利润。")
    raise Wrong(f"你的结果是 {v:.4f}。用 retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)。")


q10 = Question(
    "练习10",
    "客户年流失率从 25% 降到 20%（降低 5 个百分点），老客户利润每年增长 15%，其余用默认值。"
    "每位新客户的终身利润会增加百分之几？请交小数。",
    _q10_check,
    hint="r = crmlab.lifecycle.retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)；"
    "answer = r.profit_increase。",
    solution=(
        "r = crmlab.lifecycle.retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)\n"
        "answer = r.profit_increase"
    ),
)


# ------------------------------------------------------------------ q11 indicator CLV ranking
Q11_WEIGHTS = {"gross_profit": 0.3, "volume": 0.1, "service_cost": 0.1, "satisfaction": 0.2, "loyalty": 0.2,
               "trust": 0.1}


def _q11_check(answer):
    from crmlab.value import clv_metrics, indicator_clv

    metrics = clv_metrics(_load("orders"), _load("interactions"), _load("survey"))
    scored = indicator_clv(metrics, Q11_WEIGHTS)
    expected = [str(i) for i in scored.index[:5]]
    if isinstance(answer, (pd.Index, pd.Series, np.ndarray, tuple)):
        answer = list(answer)
    if not isinstance(answer, list):
        raise Wrong("请交一个列表，里面是 5 个客户编号，例如 [\"C00012\", ...]。")
    got = [str(x) for x in answer]
    if got == expected:
        return
    if len(got) != 5:
        raise Wrong(f"要交前 5 名，你交了 {len(got)} 个编号。")
    if got == [str(i) for i in scored.index[::-1][:5]]:
        raise Wrong("这是排在最后的 5 位：排序方向反了，得分高的排前面（ascending=False）。")
    if set(got) == set(expected):
        raise Wrong("5 位客户选对了，但顺序不对：要按终身价值得分从高到低排列。")
    default = [str(i) for i in indicator_clv(metrics).index[:5]]
    if got == default:
        raise Wrong("这是默认权重的排名。本题的权重是 Q11_WEIGHTS（毛利 0.3、满意度和忠诚度各 0.2……）。")
    if got == [str(i) for i in metrics["gross_profit"].sort_values(ascending=False, kind="stable").index[:5]]:
        raise Wrong("这是只按毛利排出的前 5 名。指标综合评价法要把六个指标都标准化、按 Q11_WEIGHTS 加权后再排名。")
    if got == [str(i) for i in metrics.index[:5]]:
        raise Wrong("这只是客户编号最小的 5 位：忘了按得分排序。")
    raise Wrong("请用 indicator_clv(metrics, Q11_WEIGHTS) 算出得分，取排名前 5 的客户编号。")


q11 = Question(
    "练习11",
    "用指标综合评价法（权重 Q11_WEIGHTS）给客户打终身价值分，得分最高的 5 位客户是谁？交一个按名次排好的编号列表。",
    _q11_check,
    hint="metrics = crmlab.value.clv_metrics(orders, interactions, survey)；"
    "scored = crmlab.value.indicator_clv(metrics, Q11_WEIGHTS)；它已经按 rank 排好序。",
    solution=(
        "metrics = crmlab.value.clv_metrics(orders, interactions, survey)\n"
        "scored = crmlab.value.indicator_clv(metrics, Q11_WEIGHTS)\n"
        "answer = list(scored.sort_values(\"clv_score\", ascending=False, kind=\"stable\").index[:5])"
    ),
)

__all__ += ["Q11_WEIGHTS"]
