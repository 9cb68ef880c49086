"""Lesson 1 exercises (识别客户).

基础 (no code, q1-q10): customer / consumer / user, internal vs external customers,
非客户 and 流失客户 by the course rules, a move in the transition table, the key
customers' profit share, 交易型 / 关系型 customers, the four costs of delivered value,
the delivered value of the group's own offer, Kotler's relationship level.
拓展 (code, q11-q21): roles as a dictionary, a churn rule in pandas, transitions,
attitude types, profit tiers, delivered value, discounted CLV, Kotler's matrix,
a life-cycle stage, retention economics, the indicator CLV ranking.

Use in a notebook::

    from crmlab.exercises.lesson1 import *
    q1.check(answer)   # q1.hint(), q1.solution()

Checkers compute the expected answer from the current group's data with :mod:`crmlab`
functions at check time (never a stored number), and recognise the usual mistakes.
``CLASSROOM`` holds the lesson's classroom questions with answers for the current group
(for ``python -m crmlab.key``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmlab.course import CHURN_DAYS, COURSE_DATE
from crmlab.customers import NON_CUSTOMER_DAYS
from crmlab.exercises._core import Question, Wrong, choice, number
from crmlab.exercises._core import as_number as _number

ASOF = COURSE_DATE
#: The dates of the lesson's transition table (three months before the course date).
MOVES_START = "2025-10-01"

__all__ = [
    "ASOF",
    "CLASSROOM",
    "Q21_WEIGHTS",
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
    "q12",
    "q13",
    "q14",
    "q15",
    "q16",
    "q17",
    "q18",
    "q19",
    "q20",
    "q21",
]


# ------------------------------------------------------------------ helpers
def _load(name: str) -> pd.DataFrame:
    """A course table of the current group's company (``crmlab.course.current_group()``)."""
    import crmlab
    from crmlab.course import current_group

    return crmlab.datasets.load(name, group=current_group())


def _text(answer, what: str, example: str) -> str:
    if isinstance(answer, pd.Series) and len(answer) == 1:
        answer = answer.iloc[0]
    if not isinstance(answer, str):
        raise Wrong(f"请交一段文字（{what}），例如 \"{example}\"，记得加引号。")
    return answer.strip()


def _close(a: float, b: float, tol: float = 1e-6) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


def _states(asof=ASOF) -> pd.DataFrame:
    """The lesson's state table: course rules, with the contact records (as the notebook shows it)."""
    from crmlab.customers import customer_states

    return customer_states(_load("customers"), _load("orders"), asof, interactions=_load("interactions"))


def _count(state: str) -> int:
    return int((_states()["state"] == state).sum())


def _moves() -> pd.DataFrame:
    from crmlab.customers import state_transitions

    return state_transitions(_load("customers"), _load("orders"), MOVES_START, ASOF, interactions=_load("interactions"))


def _key_profit_share() -> float:
    from crmlab.customers import classify_by_profit, profit_tier_summary

    return float(profit_tier_summary(classify_by_profit(_load("orders"))).loc["关键客户", "profit_share"])


def _our_offer() -> tuple[str, float, pd.Series]:
    from crmlab.customers import example_offers
    from crmlab.value import delivered_value

    offers = example_offers()
    ours = offers.attrs["ours"]
    return ours, float(delivered_value(offers).loc[ours, "delivered_value"]), offers.loc[ours]


# ================================================================== 基础 (no code)
q1 = choice(
    "练习1",
    "A 公司出钱买了一辆汽车，给总经理上下班使用。对汽车公司来说，总经理是它的——",
    {"A": "客户", "B": "消费者", "C": "用户", "D": "中间客户"},
    "C",
    explain={
        "A": "客户一定是付钱的一方。车是 A 公司付的钱，A 公司才是客户；总经理没有付钱。",
        "B": "消费者是为自己的生活而购买、使用的人。这辆车是公司为工作买的，总经理也没有花钱买它。",
        "D": "中间客户是买来再卖出去的经销商。总经理既没有买，也不转卖。",
    },
    hint=["先问“谁付的钱”，再问“谁在用”。", "总经理天天开这辆车，但车是 A 公司买的：只使用、不付钱的人叫什么？"],
)

q2 = choice(
    "练习2",
    "公司的仓库部门每天等着采购部门按时把货备齐。对采购部门来说，仓库部门是——",
    {"A": "外部客户", "B": "内部客户", "C": "不是客户", "D": "潜在客户"},
    "B",
    explain={
        "A": "外部客户在企业之外。仓库部门和采购部门是同一家企业的部门。",
        "C": "仓库部门接受采购部门的“服务”（按时备货），把它当作客户来对待，是内部客户的意思。",
        "D": "潜在客户是还没买过的企业外部的人。这里说的是企业内部的两个部门。",
    },
    hint=["客户不一定在企业外面：从一个部门的角度看，接受它工作成果的其他部门也是它的客户。",
          "仓库部门在企业内部、接受采购部门的工作成果：选“内部”还是“外部”？"],
)

q3 = number(
    "练习3",
    f"看课上的客户状态表：按课程规则，课程公司在分析日期（{COURSE_DATE}）有多少位非客户？",
    lambda: _count("非客户"),
    unit=" 人",
    abs_=0,
    rel=0,
    slips=[
        (0, "0 是旧说法“还没登记才算非客户”的结果。课程的非客户是不会或不能购买的人：流失太久没挽回的、被联系多次仍不买的，都算。"),
        (lambda: _count("流失客户"), "这是流失客户的人数。非客户在状态表的第一行。"),
        (lambda: int((_states()["days_since_last"] > NON_CUSTOMER_DAYS).sum()),
         f"这只是“超过 {NON_CUSTOMER_DAYS} 天没买”的那部分人；被联系多次、仍然一次也没买的人也是非客户。看状态表的人数。"),
    ],
    hint=["客户状态表按状态列出人数，非客户在第一行。", "读出“非客户”那一行的“客户数”。"],
)

q4 = choice(
    "练习4",
    f"按课程规则（超过 {CHURN_DAYS} 天没买算流失，超过 {NON_CUSTOMER_DAYS} 天算非客户），"
    "一位客户买过 6 次，最近一次购买是在分析日期前 400 天。他现在是——",
    {"A": "现实客户-重复购买", "B": "流失客户", "C": "非客户", "D": "潜在客户"},
    "B",
    explain={
        "A": f"400 天没买，已经超过了 {CHURN_DAYS} 天：他不再是现实客户。",
        "C": f"要超过 {NON_CUSTOMER_DAYS} 天（一年半）一直没挽回才算非客户；400 天还没到，企业还有机会把他挽回。",
        "D": "潜在客户是从来没买过的人，他已经买过 6 次。",
    },
    hint=["按顺序比较两个门槛：400 天比 365 天长吗？比 540 天长吗？",
          f"400 > {CHURN_DAYS}，所以已经流失；400 < {NON_CUSTOMER_DAYS}，所以还没有成为非客户。"],
)

q5 = number(
    "练习5",
    f"看课上的状态转移图：{MOVES_START} 时还是“流失客户”、到 {ASOF} 变成“非客户”的有多少人？",
    lambda: int(_moves().loc["流失客户", "非客户"]),
    unit=" 人",
    abs_=0,
    rel=0,
    slips=[
        (lambda: int(_moves().loc["非客户", "流失客户"]), "方向反了：行是三个月前的状态，列是现在的状态。找“流失客户”那一行、“非客户”那一列。"),
        (lambda: int(_moves()["非客户"].sum()), "这是现在全部非客户的人数。题目只问三个月前还是流失客户的那些人：找“流失客户”那一行。"),
        (lambda: int(_moves().loc["流失客户"].sum()), "这是三个月前全部流失客户的人数。还要看他们现在变成了什么：找“非客户”那一列。"),
        (lambda: int(_moves().loc["流失客户", ["现实客户-初次购买", "现实客户-重复购买", "现实客户-忠诚"]].sum()),
         "这是被挽回、又来购买的流失客户。题目问的是一直没被挽回、成了非客户的：找“非客户”那一列。"),
    ],
    hint=["转移图的行是开始时的状态，列是结束时的状态，每一格是人数。", "找“流失客户”那一行和“非客户”那一列交叉的格子。"],
)

q6 = number(
    "练习6",
    "看课上的利润分级表：关键客户（毛利排在前 20% 的客户）贡献了全部毛利的百分之几？填百分数里的数字，例如 45。",
    lambda: round(_key_profit_share() * 100),
    abs_=1,
    rel=0,
    slips=[
        (lambda: round(_key_profit_share(), 2), "你填的是小数。题目要百分数里的数字：0.62 要填 62。"),
        (20, "20% 是关键客户占客户人数的比例。题目问的是他们贡献的毛利占比：看“毛利占比”那一列。"),
        (lambda: round((1 - _key_profit_share()) * 100), "这是其余 80% 客户（普通客户和小客户）贡献的毛利占比。题目问的是关键客户。"),
    ],
    hint=["分级表里有两种占比：客户人数的占比和毛利的占比。", "读“关键客户”那一行的“毛利占比”，换成百分数里的数字。"],
)

q7 = choice(
    "练习7",
    "一位客户买过 8 次（不全是促销时买的），近一年的毛利是 800 元，前一年是 1,200 元，不在毛利最高的前 20% 里。"
    "按课上的规则，他属于——",
    {"A": "交易型客户", "B": "关系型-利润最大", "C": "关系型-利润上升", "D": "关系型-正在失去价值"},
    "D",
    explain={
        "A": "交易型客户只买过 1 次，或者每一单都在促销时买。他买过 8 次，平时也买。",
        "B": "题目说了他不在毛利最高的前 20% 里。",
        "C": "毛利从 1,200 元降到 800 元，是在下降，不是上升。",
    },
    hint=["按规则的顺序一条条问：是交易型吗？在前 20% 吗？毛利比前一年多还是少？",
          "800 元比 1,200 元少：现在还赚钱，但在下滑。"],
)

q8 = choice(
    "练习8",
    "门店开始提供“送货上门”。对顾客来说，主要降低了客户总成本中的哪几项？",
    {"A": "货币成本", "B": "时间成本", "C": "精力成本", "D": "体力成本"},
    {"B", "D"},
    explain={
        "A": "价格没有变：送货上门不减少顾客付的钱。",
        "C": "精力成本是动脑、操心的消耗（打听、比较、担心买错）。送货上门并不减少挑选和比较的心思。",
    },
    hint=["四项成本：付的钱（货币）、花的时间、动脑操心（精力）、跑腿搬运（体力）。",
          "送货上门，顾客不用自己跑一趟、不用自己搬：省下的是哪两项？"],
)

q9 = number(
    "练习9",
    "看课上的让渡价值表：你们公司那个方案（表的第一行）的客户让渡价值是多少分？",
    lambda: _our_offer()[1],
    unit=" 分",
    abs_=0.5,
    rel=0,
    slips=[
        (lambda: -_our_offer()[1], "符号反了：让渡价值 = 客户总价值 − 客户总成本，不是成本减价值。"),
        (lambda: float(_our_offer()[2].iloc[:4].sum()), "这是客户总价值。还要减去客户总成本。"),
        (lambda: float(_our_offer()[2].iloc[:4].sum() - _our_offer()[2]["money_cost"]),
         "只减了货币成本。客户总成本还包括时间、精力和体力成本：四项都要减。"),
    ],
    hint=["让渡价值 = 客户总价值 − 客户总成本，表里已经算好了。", "读第一行“客户让渡价值”那一列的数。"],
)

q10 = choice(
    "练习10",
    "一家企业只给十几家汽车厂供应发动机，每台发动机的利润很高。按科特勒的选择矩阵，它应该和客户建立哪种关系？",
    {"A": "基本型", "B": "被动型", "C": "能动型", "D": "伙伴型"},
    "D",
    explain={
        "A": "基本型适合客户很多、利润很薄的企业：卖完就不再联系。这家企业客户少、利润高。",
        "B": "被动型只等客户有问题时来找。客户只有十几家、每家都很重要，企业应该更主动。",
        "C": "能动型是不断联系客户、发布新产品信息，适合客户较多、利润中等或较高的情况；客户少、利润高时还可以更进一步。",
    },
    hint=["科特勒按两样东西选关系：客户有多少、边际利润有多高。", "客户少、利润高：矩阵的哪个角？想一想 W 电梯和 T 公司的关系。"],
)


# ------------------------------------------------------------------ q11 roles
Q11_IDS = ("distributor", "baby_formula", "free_app")


def _q11_check(answer):
    from crmlab.customers import ROLE_OPTIONS, check_role_answer

    if not isinstance(answer, Mapping):
        raise Wrong("请交一个字典，例如 {\"distributor\": \"客户\", \"baby_formula\": \"...\", \"free_app\": \"...\"}。")
    missing = [k for k in Q11_IDS if k not in answer]
    if missing:
        raise Wrong(f"字典里还缺这些情景的答案：{'、'.join(missing)}。")
    for key in Q11_IDS:
        value = answer[key]
        if value not in ROLE_OPTIONS:
            raise Wrong(f"情景 {key} 的答案「{value}」不是选项，请从{'、'.join(ROLE_OPTIONS)}中选。")
        fb = check_role_answer(key, value)
        if not fb.correct:
            if value == "客户":
                raise Wrong(f"情景 {key}：{fb.message} 记住：客户一定是付钱的一方。")
            raise Wrong(f"情景 {key}：{fb.message}")


q11 = Question(
    "练习11",
    "客户、消费者还是用户？为三个情景各选一个身份（distributor：批发饮料的经销商老赵；"
    "baby_formula：喝奶粉的一岁孩子；free_app：免费用聊天软件的小林）。",
    _q11_check,
    hint="先问“谁付的钱”：付钱的是客户；只使用、不付钱的是用户；个人为自己生活买来用的是消费者。"
    "运行 crmlab.customers.ROLE_SCENARIOS 可以看到完整的情景描述。",
    solution='answer = {"distributor": "客户", "baby_formula": "用户", "free_app": "用户"}',
    tier="拓展",
    kind="code",
    expected="distributor：客户；baby_formula：用户（答消费者也对）；free_app：用户",
)


# ------------------------------------------------------------------ q12 lost customers, churn rule
Q12_CHURN_DAYS = 90


def _q12_expected():
    from crmlab.customers import customer_states

    st = customer_states(_load("customers"), _load("orders"), ASOF, churn_days=Q12_CHURN_DAYS)
    return st


def _q12_check(answer):
    v = _number(answer, "流失客户的人数")
    st = _q12_expected()
    since = st["days_since_last"]
    lost = since > Q12_CHURN_DAYS
    expected = int(lost.sum())
    if v == expected:
        return
    if v == int((st["state"] == "流失客户").sum()):
        raise Wrong(f"你交的是状态表里“流失客户”的人数，它不含超过 {NON_CUSTOMER_DAYS} 天没买、已经算作非客户的人。"
                    f"本题只看一条规则：超过 {Q12_CHURN_DAYS} 天没买的都算，要把他们也数进去。")
    if v == int((since >= Q12_CHURN_DAYS).sum()):
        raise Wrong("差了“正好 90 天”的那些客户：规则是“超过 90 天”没买才算流失，要用 > 90，不是 >= 90。")
    from crmlab.customers import customer_states

    default = customer_states(_load("customers"), _load("orders"), ASOF)
    if v in (int((default["state"] == "流失客户").sum()), int((since > CHURN_DAYS).sum())):
        raise Wrong(f"这是按课程统一的 {CHURN_DAYS} 天规则算出的人数。本题规定 {Q12_CHURN_DAYS} 天没买就算流失。")
    orders = _load("orders")
    n_orders_lost = int(orders["customer_id"].isin(st.index[lost]).sum())
    if v == n_orders_lost:
        raise Wrong("你数的是流失客户的订单条数。题目问的是人数：每位客户只算一次。")
    if v == int((since > Q12_CHURN_DAYS).sum()) + int(st["n_orders"].eq(0).sum()):
        raise Wrong("从没买过的人（潜在、目标客户）不算流失：流失客户一定是曾经买过的。")
    if v == int((since <= Q12_CHURN_DAYS).sum()):
        raise Wrong(f"这是 {Q12_CHURN_DAYS} 天内买过的客户（没有流失的）人数。题目问的是超过 {Q12_CHURN_DAYS} 天没买的客户：用 > 。")
    buyers = int(st["n_orders"].gt(0).sum())
    if 0 < v < 1 or (1 <= v <= 100 and v != int(v)):
        raise Wrong(f"你交的像是比例或百分数（{v:g}）。题目问的是人数：数出流失客户有多少位（一个整数）。")
    past = orders[orders["order_date"] < pd.Timestamp(ASOF)]
    if v == int(((pd.Timestamp(ASOF) - past["order_date"]).dt.days > Q12_CHURN_DAYS).sum()):
        raise Wrong("你数的是超过 90 天前的订单条数。要先按客户取最近一次购买日期（groupby(\"customer_id\")[\"order_date\"].max()），每位客户只算一次。")
    if v > buyers:
        raise Wrong(f"结果 {v:g} 比买过东西的客户总数（{buyers} 位）还多，肯定数多了：每位客户只能算一次。")
    raise Wrong(
        f"你的结果是 {v:g}。步骤：找出每位客户在 {ASOF} 之前的最近一次购买日期，算出距 {ASOF} 的天数，"
        f"统计超过 {Q12_CHURN_DAYS} 天的客户人数。"
    )


q12 = Question(
    "练习12",
    f"规则：最近一次购买距 {ASOF} 超过 {Q12_CHURN_DAYS} 天的客户算流失客户。按这个规则，有多少位流失客户？",
    _q12_check,
    hint=f"last = orders.groupby(\"customer_id\")[\"order_date\"].max()；days = (pd.Timestamp(\"{COURSE_DATE}\") - last).dt.days；"
    "再数 days > 90 的客户。也可以用 crmlab.customers.customer_states(..., churn_days=90)。",
    solution=(
        "last = orders.groupby(\"customer_id\")[\"order_date\"].max()\n"
        f"days = (pd.Timestamp(\"{COURSE_DATE}\") - last).dt.days\n"
        "answer = int((days > 90).sum())"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: int((_q12_expected()["days_since_last"] > Q12_CHURN_DAYS).sum()),
)


# ------------------------------------------------------------------ q13 transitions
Q13_START, Q13_END = "2025-10-01", COURSE_DATE


def _q13_check(answer):
    from crmlab.customers import state_transitions

    v = _number(answer, "客户人数")
    t = state_transitions(_load("customers"), _load("orders"), Q13_START, Q13_END)
    expected = int(t.loc["现实客户-忠诚", "流失客户"])
    if v == expected:
        return
    if v == int(t.loc["流失客户", "现实客户-忠诚"]):
        raise Wrong(f"方向反了：行是开始时（2025-10-01）的状态，列是结束时（{COURSE_DATE}）的状态。应取 table.loc[\"现实客户-忠诚\", \"流失客户\"]。")
    if v == int(t["流失客户"].sum()):
        raise Wrong(f"这是 {COURSE_DATE} 全部流失客户的人数。题目只问其中 2025-10-01 时还是忠诚客户的那些人。")
    if v == int(t.loc["现实客户-忠诚"].sum()):
        raise Wrong("这是 2025-10-01 时全部忠诚客户的人数。还要看他们三个月后变成了什么状态。")
    raise Wrong(f"你的结果是 {v:g}。用 state_transitions(customers, orders, \"{Q13_START}\", \"{Q13_END}\") 得到转移表再取一格。")


q13 = Question(
    "练习13",
    f"按默认规则，{Q13_START} 时是“现实客户-忠诚”、到 {Q13_END} 变成“流失客户”的有多少人？",
    _q13_check,
    hint="转移表的行是开始时的状态，列是结束时的状态：table.loc[行, 列]。",
    solution=(
        f"table = crmlab.customers.state_transitions(customers, orders, \"2025-10-01\", \"{COURSE_DATE}\")\n"
        "answer = int(table.loc[\"现实客户-忠诚\", \"流失客户\"])"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: _q13_expected(),
)


# ------------------------------------------------------------------ q14 attitude types
def _q14_check(answer):
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


q14 = Question(
    "练习14",
    "用问卷把客户分成灯塔型、跟随型、理性型、逐利型（默认门槛）。哪一类客户在促销期购买的订单占比最高？",
    _q14_check,
    hint="att = crmlab.customers.classify_attitude(survey)；summary = crmlab.customers.attitude_summary(att, orders)；"
    "看 promo_share 列。",
    solution=(
        "att = crmlab.customers.classify_attitude(survey)\n"
        "summary = crmlab.customers.attitude_summary(att, orders)\n"
        "answer = summary[\"promo_share\"].idxmax()"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: _q14_expected(),
)


# ------------------------------------------------------------------ q15 key customers' profit share
def _q15_check(answer):
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


q15 = Question(
    "练习15",
    "把买过东西的客户按累计毛利从高到低排队，前 20% 是关键客户。关键客户贡献了全部毛利的多大比例（0-1 之间的小数）？",
    _q15_check,
    hint="profit = orders.groupby(\"customer_id\")[\"gross_profit\"].sum().sort_values(ascending=False)；"
    "n = round(0.2 * len(profit))；answer = profit.iloc[:n].sum() / profit.sum()。",
    solution=(
        "profit = orders.groupby(\"customer_id\")[\"gross_profit\"].sum().sort_values(ascending=False)\n"
        "n_key = round(0.2 * len(profit))\n"
        "answer = profit.iloc[:n_key].sum() / profit.sum()"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: round(_key_profit_share(), 4),
)


# ------------------------------------------------------------------ q16 delivered value
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


def _q16_check(answer):
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


q16 = Question(
    "练习16",
    "practice_offers() 是一个家庭买冰箱时比较的三个方案（0-100 分）。算出每个方案的客户让渡价值（Series，索引是方案名）。",
    _q16_check,
    hint="from crmlab.value import VALUE_PARTS, COST_PARTS；offers[VALUE_PARTS].sum(axis=1) 是总价值。",
    solution=(
        "offers = practice_offers()\n"
        "answer = offers[VALUE_PARTS].sum(axis=1) - offers[COST_PARTS].sum(axis=1)"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: "；".join(f"{k} {v:g}" for k, v in _dv_practice().items()),
)


# ------------------------------------------------------------------ q17 discounted CLV
Q17 = {"margin": 300.0, "retention": 0.8, "discount": 0.1, "periods": 5}


def _q17_check(answer):
    from crmlab.value import clv_value

    v = _number(answer, "客户终身价值（元）")
    m, r, d, n = Q17["margin"], Q17["retention"], Q17["discount"], Q17["periods"]
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


q17 = Question(
    "练习17",
    "一位客户每年带来利润 300 元，每年留存率 80%，折现率 10%，只算 5 年（t = 1…5）。他的客户终身价值是多少元？",
    _q17_check,
    hint="t = np.arange(1, 6)；answer = (300 * 0.8 ** t / 1.1 ** t).sum()。也可以用 crmlab.value.clv_value(300, 0.8, 0.1, 5)。",
    solution="t = np.arange(1, 6)\nanswer = float((300 * 0.8 ** t / 1.1 ** t).sum())",
    tier="拓展",
    kind="code",
    expected=lambda: round(_clv_q17(), 2),
)


# ------------------------------------------------------------------ q18 Kotler level
def _q18_check(answer):
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


q18 = Question(
    "练习18",
    f"用 {ASOF} 之前一年（2025 年）的订单，算出买过东西的客户数和整体毛利率，按科特勒矩阵（默认门槛）应该建立哪种客户关系？",
    _q18_check,
    hint="n = recent[\"customer_id\"].nunique()；margin = recent[\"gross_profit\"].sum() / recent[\"amount\"].sum()；"
    "再用 crmlab.lifecycle.recommend_level(n, margin)。",
    solution=(
        "recent = orders[orders[\"order_date\"] >= \"2025-01-01\"]\n"
        "n = recent[\"customer_id\"].nunique()\n"
        "margin = recent[\"gross_profit\"].sum() / recent[\"amount\"].sum()\n"
        "answer = crmlab.lifecycle.recommend_level(n, margin).level"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: _q18_expected(),
)


# ------------------------------------------------------------------ q19 life-cycle stage
def practice_customer_orders() -> pd.DataFrame:
    """Orders of one customer: 2,000 yuan in 2024 and 1,200 yuan in 2025."""
    rows = [
        ("P01", "2024-06-01", 800.0), ("P01", "2024-09-15", 700.0), ("P01", "2024-12-20", 500.0),
        ("P01", "2025-03-10", 500.0), ("P01", "2025-08-08", 400.0), ("P01", "2025-12-01", 300.0),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    df["order_date"] = pd.to_datetime(df["order_date"])
    return df


def _q19_check(answer):
    from crmlab.lifecycle import STAGES, lifecycle_stage

    name = _text(answer, "阶段名称", "形成期")
    st = lifecycle_stage(practice_customer_orders(), ASOF).loc["P01"]
    expected = str(st["stage"])
    if name == expected:
        return
    if name == "成长期":
        raise Wrong("课本里的“成长期”在本课的四阶段里叫“形成期”。再看看他的购买重心是否高于 58%。")
    if name not in STAGES:
        raise Wrong(f"「{name}」不是四个阶段之一：{'、'.join(STAGES)}。")
    if name == "退化期":
        raise Wrong(f"他每单的金额在变小，但阶段看的是购买的时间：最近一次购买只在 {int(st['days_since_last'])} 天前，"
                    f"并没有沉默很久；购买重心约 {st['centre']:.0%}，不低于 41%，买得很均匀。")
    if name == "考察期":
        raise Wrong(f"第一次购买是 2024-06-01，到 {COURSE_DATE} 已有 {int(st['tenure_days'])} 天，早过了 183 天的考察期。")
    if name == "形成期":
        raise Wrong(f"形成期要购买重心高于 58%（越买越多）；他的购买重心约 {st['centre']:.0%}。")
    raise Wrong("按规则的顺序判断：先看是否流失或沉默很久，再看关系是否满 183 天，最后看购买重心。")


q19 = Question(
    "练习19",
    "practice_customer_orders() 是一位客户的全部订单。按课上的规则（考察期 183 天；超过 180 天没买且超过平常间隔 3 倍、"
    f"或购买重心低于 41% 算退化期；购买重心高于 58% 算形成期），他在 {COURSE_DATE} 处于哪个生命周期阶段？",
    _q19_check,
    hint=[f"先算关系时长和最近一次购买距今多少天，再算购买重心：每次购买在“第一次购买 → {COURSE_DATE}”这段时间里落在百分之几，取平均。",
          f"可以直接用 crmlab.lifecycle.lifecycle_stage(practice_customer_orders(), \"{COURSE_DATE}\")，看 centre 和 stage 两列。"],
    solution=(
        f"st = crmlab.lifecycle.lifecycle_stage(practice_customer_orders(), \"{COURSE_DATE}\")\n"
        "answer = str(st.loc[\"P01\", \"stage\"])"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: str(_lifecycle().lifecycle_stage(practice_customer_orders(), ASOF).loc["P01", "stage"]),
)


# ------------------------------------------------------------------ q20 retention economics
Q20 = {"base_churn": 0.25, "churn_reduction": 0.05, "margin_growth": 0.15}


def _q20_check(answer):
    from crmlab.lifecycle import retention_economics

    v = _number(answer, "利润增幅（小数）")
    expected = retention_economics(**Q20).profit_increase
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
    r = retention_economics(**Q20)
    gain = float(r.summary.loc["clv_improved", "value"] - r.summary.loc["clv_base", "value"])
    if _close(v, gain, 1e-3):
        raise Wrong(f"你交的是终身利润增加的金额（{v:.2f} 元）。题目要的是增幅：增加的金额 ÷ 原来的终身利润。")
    raise Wrong(f"你的结果是 {v:.4f}。用 retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)。")


q20 = Question(
    "练习20",
    "客户年流失率从 25% 降到 20%（降低 5 个百分点），老客户利润每年增长 15%，其余用默认值。"
    "每位新客户的终身利润会增加百分之几？请交小数。",
    _q20_check,
    hint="r = crmlab.lifecycle.retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)；"
    "answer = r.profit_increase。",
    solution=(
        "r = crmlab.lifecycle.retention_economics(base_churn=0.25, churn_reduction=0.05, margin_growth=0.15)\n"
        "answer = r.profit_increase"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: round(_lifecycle().retention_economics(**Q20).profit_increase, 4),
)


# ------------------------------------------------------------------ q21 indicator CLV ranking
Q21_WEIGHTS = {"gross_profit": 0.3, "volume": 0.1, "service_cost": 0.1, "satisfaction": 0.2, "loyalty": 0.2,
               "trust": 0.1}


def _q21_check(answer):
    from crmlab.value import clv_metrics, indicator_clv

    metrics = clv_metrics(_load("orders"), _load("interactions"), _load("survey"))
    scored = indicator_clv(metrics, Q21_WEIGHTS)
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
        raise Wrong("这是默认权重的排名。本题的权重是 Q21_WEIGHTS（毛利 0.3、满意度和忠诚度各 0.2……）。")
    if got == [str(i) for i in metrics["gross_profit"].sort_values(ascending=False, kind="stable").index[:5]]:
        raise Wrong("这是只按毛利排出的前 5 名。指标综合评价法要把六个指标都标准化、按 Q21_WEIGHTS 加权后再排名。")
    if got == [str(i) for i in metrics.index[:5]]:
        raise Wrong("这只是客户编号最小的 5 位：忘了按得分排序。")
    raise Wrong("请用 indicator_clv(metrics, Q21_WEIGHTS) 算出得分，取排名前 5 的客户编号。")


q21 = Question(
    "练习21",
    "用指标综合评价法（权重 Q21_WEIGHTS）给客户打终身价值分，得分最高的 5 位客户是谁？交一个按名次排好的编号列表。",
    _q21_check,
    hint="metrics = crmlab.value.clv_metrics(orders, interactions, survey)；"
    "scored = crmlab.value.indicator_clv(metrics, Q21_WEIGHTS)；它已经按 rank 排好序。",
    solution=(
        "metrics = crmlab.value.clv_metrics(orders, interactions, survey)\n"
        "scored = crmlab.value.indicator_clv(metrics, Q21_WEIGHTS)\n"
        "answer = list(scored.sort_values(\"clv_score\", ascending=False, kind=\"stable\").index[:5])"
    ),
    tier="拓展",
    kind="code",
    expected=lambda: "、".join(_top5()),
)


# ------------------------------------------------------------------ expected answers of the 拓展 questions
def _lifecycle():
    import crmlab.lifecycle

    return crmlab.lifecycle


def _q13_expected() -> int:
    from crmlab.customers import state_transitions

    t = state_transitions(_load("customers"), _load("orders"), Q13_START, Q13_END)
    return int(t.loc["现实客户-忠诚", "流失客户"])


def _q14_expected() -> str:
    from crmlab.customers import attitude_summary, classify_attitude

    return str(attitude_summary(classify_attitude(_load("survey")), _load("orders"))["promo_share"].idxmax())


def _dv_practice() -> dict:
    from crmlab.value import delivered_value

    return delivered_value(practice_offers())["delivered_value"].round(2).to_dict()


def _clv_q17() -> float:
    from crmlab.value import clv_value

    return float(clv_value(Q17["margin"], Q17["retention"], Q17["discount"], Q17["periods"]))


def _q18_expected() -> str:
    lc = _lifecycle()
    return lc.recommend_level(**lc.kotler_inputs(_load("orders"), ASOF)).level


def _top5() -> list[str]:
    from crmlab.value import clv_metrics, indicator_clv

    metrics = clv_metrics(_load("orders"), _load("interactions"), _load("survey"))
    return [str(i) for i in indicator_clv(metrics, Q21_WEIGHTS).index[:5]]


# ------------------------------------------------------------------ classroom questions (teacher's key)
def _cls_states() -> str:
    counts = _states()["state"].value_counts()
    return (f"按课程规则，{COURSE_DATE} 有流失客户 {int(counts.get('流失客户', 0)):,} 人、非客户 {int(counts.get('非客户', 0)):,} 人，"
            f"现实客户 {int(sum(counts.get(s, 0) for s in ('现实客户-初次购买', '现实客户-重复购买', '现实客户-忠诚'))):,} 人。")


def _cls_shorter_churn() -> str:
    from crmlab.customers import customer_states

    c, o, i = _load("customers"), _load("orders"), _load("interactions")
    now = int((customer_states(c, o, ASOF, interactions=i)["state"] == "流失客户").sum())
    short = int((customer_states(c, o, ASOF, interactions=i, churn_days=180)["state"] == "流失客户").sum())
    return (f"流失客户从 {now:,} 人变成 {short:,} 人，变多了：门槛越短，越多客户被算作流失。"
            "买得勤的商品（生鲜、咖啡）可以用短一些的门槛，家电这类几年才买一次的商品要用长得多的门槛。")


def _cls_roles() -> str:
    from crmlab.customers import end_intermediate_summary

    s = end_intermediate_summary(_load("customers"), _load("orders"))
    end, mid = s.loc["终端客户"], s.loc["中间客户"]
    return (f"终端客户 {int(end['customers']):,} 位，中间客户 {int(mid['customers']):,} 位；"
            f"中间客户平均每单 {mid['avg_order_amount']:,.0f} 元，是终端客户（{end['avg_order_amount']:,.0f} 元）的 "
            f"{mid['avg_order_amount'] / end['avg_order_amount']:.1f} 倍。")


def _cls_value_types() -> str:
    from crmlab.customers import value_type_summary, value_types

    s = value_type_summary(value_types(_load("orders")))
    parts = "、".join(f"{k} {int(v):,} 人" for k, v in s["customers"].items())
    top = s.loc["关系型-利润最大"]
    return f"{parts}；利润最大的关系型客户只占 {top['share']:.0%}，却带来近一年 {top['profit_share']:.0%} 的毛利。"


def _cls_kotler() -> str:
    lc = _lifecycle()
    k = lc.kotler_inputs(_load("orders"), ASOF)
    return (f"2025 年买过东西的客户 {k['n_customers']:,} 位，毛利率 {k['unit_margin']:.1%}："
            f"应建立{lc.recommend_level(**k).level}客户关系。发动机供应商（客户少、利润高）选伙伴型，"
            "几十万会员的连锁超市（客户多、利润薄）选基本型或被动型。")


def _cls_delivered() -> str:
    from crmlab.customers import example_offers
    from crmlab.value import delivered_value

    dv = delivered_value(example_offers())
    best = ", ".join(dv.index[dv["best"]])
    return (f"按课上的打分，理性的客户会选 {best}（让渡价值 {dv['delivered_value'].max():g} 分）。"
            "送货上门会降低时间成本和体力成本，提高让渡价值。")


CLASSROOM = [
    ("课堂互动（分类）：你们公司的客户里，终端客户和中间客户各有多少？中间客户每单买得多吗？", _cls_roles),
    ("客户状态：按课程规则，分析日期有多少流失客户、多少非客户？", _cls_states),
    ("课堂问题：把“多少天没买算流失”从 365 天改成 180 天，流失客户变多还是变少？", _cls_shorter_churn),
    ("交易型与关系型：各类客户有多少？利润最大的关系型客户贡献了多少毛利？", _cls_value_types),
    ("让渡价值：理性的客户会选哪一家？送货上门会改变哪几项成本？", _cls_delivered),
    ("科特勒矩阵：课程公司应该建立哪种客户关系？发动机供应商和连锁超市呢？", _cls_kotler),
]
