"""Lesson 3 exercises (细分客户): why segment, demographic and behavioural segments,
recency / frequency / R score, the eight RFM segments, KMeans and choosing k.

Use in a notebook::

    from crmlab.exercises.lesson3 import *
    q1.check(answer)   # q1.hint(), q1.solution()

Checkers compute the expected answer with :mod:`crmlab.segment` at check time and
recognise the usual mistakes (recency direction reversed, rows counted instead of
orders, no log/standardisation, segment code in the wrong order ...).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmlab.exercises._core import Question, Wrong
from crmlab.exercises._slips import number as _number
from crmlab.exercises._slips import sign_or_unit

ASOF = "2026-01-01"

__all__ = [
    "ASOF",
    "Q7_SCORES",
    "Q10_OPTIONS",
    "practice_orders",
    "practice_segments",
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
]


# ------------------------------------------------------------------ helpers
def _series(answer, what: str, by: str = "customer_id") -> pd.Series:
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] != 1:
            raise Wrong(f"请只交一列（{what}），例如 table[\"{what}\"]，而不是整张表。")
        answer = answer.iloc[:, 0]
    if not isinstance(answer, pd.Series):
        index = {"customer_id": "客户编号", "city_tier": "城市等级"}.get(by, by)
        raise Wrong(f"请交一个以{index}为索引的 Series（{what}），例如 groupby(\"{by}\")[...] 的结果。")
    return answer


def _same(a: pd.Series, b: pd.Series, tol: float = 1e-6) -> bool:
    if len(a) != len(b) or set(map(str, a.index)) != set(map(str, b.index)):
        return False
    a = a.copy()
    a.index = a.index.map(str)
    a = a.reindex(b.index.map(str))
    try:
        return bool(np.allclose(a.to_numpy(float), b.to_numpy(float), atol=tol, equal_nan=True))
    except (TypeError, ValueError):
        return bool((a.astype(str).to_numpy() == b.astype(str).to_numpy()).all())


def _check_index(ans: pd.Series, expected: pd.Series, what: str) -> None:
    if len(ans) == len(practice_orders()) and len(ans) != len(expected):
        raise Wrong(f"你的结果有 {len(ans)} 行，和订单明细的行数一样：要先按客户分组（groupby(\"customer_id\")），每位客户一行。")
    if set(map(str, ans.index)) != set(map(str, expected.index)):
        raise Wrong(f"{what}应当以客户编号（customer_id）为索引，每位客户一行，共 {len(expected)} 位客户。")


# ------------------------------------------------------------------ practice data
def practice_orders() -> pd.DataFrame:
    """Order lines of ten customers P01..P10 (an order can have several lines).

    P09 places two orders on the same day, so counting distinct dates is not frequency.
    """
    asof = pd.Timestamp(ASOF)
    rows = []
    for i in range(10):
        n_orders = (i * 7) % 9 + 1
        last = asof - pd.Timedelta(days=(i * 37) % 200 + 1)
        for j in range(n_orders):
            date = last - pd.Timedelta(days=11 * (j - 1 if i == 8 and j >= 1 else j))
            for line in range((i + 2 * j) % 4 + 1):
                rows.append(
                    {
                        "customer_id": f"P{i + 1:02d}",
                        "order_id": f"P{i + 1:02d}-{j + 1:02d}",
                        "order_date": date,
                        "amount": float(20 * (i + 1) + 5 * j + 3 * line),
                    }
                )
    return pd.DataFrame(rows)


def practice_segments() -> pd.DataFrame:
    """Four customer groups with an assumed response rate and average order value."""
    return pd.DataFrame(
        {
            "customers": [200, 300, 500, 1000],
            "response_rate": [0.30, 0.15, 0.08, 0.02],
            "order_value": [400.0, 300.0, 200.0, 150.0],
        },
        index=pd.Index(["重要价值客户", "重要发展客户", "一般发展客户", "一般挽留客户"], name="segment"),
    )


BUDGET = 10_000.0
COST_PER_CONTACT = 10.0


# ------------------------------------------------------------------ q1 budget
def _q1_expected() -> dict[str, float]:
    from crmlab.segment import budget_allocation

    alloc = budget_allocation(practice_segments(), BUDGET, cost_per_contact=COST_PER_CONTACT)
    return {"even": alloc.attrs["return_even"], "targeted": alloc.attrs["return_targeted"]}


def _check_q1(answer):
    v = _number(answer, "重点投放的预计销售额（元）")
    exp = _q1_expected()
    if math.isclose(v, exp["targeted"], rel_tol=1e-4):
        return
    if math.isclose(v, exp["even"], rel_tol=1e-4):
        raise Wrong("这是“平均撒网”的结果。题目问的是把预算先投给每次接触回报最高的客户群。")
    seg = practice_segments()
    if math.isclose(v, exp["targeted"] * 100, rel_tol=1e-4):
        raise Wrong("结果大了 100 倍：响应率 0.30 已经是小数（30%），不要再乘 100。")
    if math.isclose(v, float((seg["customers"] * seg["response_rate"] * seg["order_value"]).sum()), rel_tol=1e-4):
        raise Wrong("你把所有客户都联系了一遍，但预算只够联系 预算 ÷ 单次成本 = 1000 人。")
    sign_or_unit(v, exp["targeted"])
    raise Wrong("先算能联系多少人（预算 ÷ 单次成本），再按“响应率 × 客单价”从高到低把名额分给各客户群，"
                "每个群最多联系它的全部客户。")


q1 = Question(
    "练习1",
    "预算 10000 元，每联系一位客户花 10 元。practice_segments() 给出四个客户群的人数、响应率和客单价。"
    "如果把名额优先给“每次接触预计带来的销售额（响应率 × 客单价）”最高的客户群，预计带来多少销售额（元）？",
    _check_q1,
    hint="能联系 10000 ÷ 10 = 1000 人。重要价值客户每次接触预计带来 0.30 × 400 = 120 元，排第一，"
    "200 人全联系；剩下的名额给第二名……也可以直接用 crmlab.segment.budget_allocation。",
    solution="from crmlab.segment import budget_allocation\n"
    "alloc = budget_allocation(practice_segments(), 10000, cost_per_contact=10)\n"
    "answer = alloc['return_targeted'].sum()",
)


# ------------------------------------------------------------------ q2 demographic
def _q2_expected() -> pd.Series:
    from crmlab import datasets

    customers = datasets.load("customers")
    orders = datasets.load("orders")
    spend = orders.groupby("customer_id")["amount"].sum()
    people = customers[customers["customer_type"] == "个人"].set_index("customer_id")
    value = spend.reindex(people.index).fillna(0.0)
    return value.groupby(people["city_tier"]).mean()


def _check_q2(answer):
    ans = _series(answer, "人均消费金额", by="city_tier")
    exp = _q2_expected()
    if set(map(str, ans.index)) != set(exp.index):
        raise Wrong(f"请按城市等级（city_tier）分组，索引应当是：{'、'.join(exp.index)}。")
    if _same(ans, exp, tol=0.01):
        return
    from crmlab import datasets

    customers = datasets.load("customers")
    orders = datasets.load("orders")
    people = customers[customers["customer_type"] == "个人"].set_index("customer_id")
    spend = orders.groupby("customer_id")["amount"].sum()
    buyers_only = spend.reindex(people.index).dropna().groupby(people["city_tier"]).mean()
    if _same(ans, buyers_only, tol=0.01):
        raise Wrong("你只算了买过东西的客户。没买过的个人客户也属于这个细分市场，他们的消费金额按 0 计入（fillna(0)）。")
    total = spend.reindex(people.index).fillna(0).groupby(people["city_tier"]).sum()
    if _same(ans, total, tol=0.01):
        raise Wrong("这是各城市等级的消费总额，题目要的是人均：再除以该等级的客户人数（用 .mean()）。")
    per_order = orders.merge(customers[["customer_id", "city_tier", "customer_type"]], on="customer_id")
    per_order = per_order[per_order["customer_type"] == "个人"].groupby("city_tier")["amount"].mean()
    if _same(ans, per_order, tol=0.01):
        raise Wrong("这是每笔订单的平均金额（按订单行求平均）。请先算每位客户的消费总额，再按城市等级求平均。")
    everyone = customers.set_index("customer_id")
    all_types = spend.reindex(everyone.index).fillna(0).groupby(everyone["city_tier"]).mean()
    if _same(ans, all_types, tol=0.01):
        raise Wrong("你把企业客户也算进去了。题目只看个人客户：先筛选 customer_type == '个人'。")
    raise Wrong("步骤：① 每位客户的消费总额；② 只保留个人客户，没买过的记 0；③ 按 city_tier 求平均。")


q2 = Question(
    "练习2",
    "人口统计细分：只看个人客户（customer_type == '个人'），按城市等级（city_tier）计算人均消费金额"
    "（没买过的客户按 0 元计入）。交一个以城市等级为索引的 Series。",
    _check_q2,
    hint="spend = orders.groupby('customer_id')['amount'].sum()；把它 reindex 到个人客户的编号上，fillna(0)，"
    "再 groupby(城市等级).mean()。",
    solution="people = customers[customers['customer_type'] == '个人'].set_index('customer_id')\n"
    "spend = orders.groupby('customer_id')['amount'].sum().reindex(people.index).fillna(0)\n"
    "answer = spend.groupby(people['city_tier']).mean()",
)


# ------------------------------------------------------------------ q3 usage rate
def _q3_frame():
    from crmlab.segment import rfm, usage_rate

    table = rfm(practice_orders(), ASOF)
    return table, usage_rate(table["frequency"])


def _check_q3(answer):
    ans = _series(answer, "使用率等级")
    table, exp = _q3_frame()
    _check_index(ans, exp, "使用率等级")
    a = ans.copy()
    a.index = a.index.map(str)
    a = a.reindex(exp.index).astype(str)
    e = exp.astype(str)
    if (a == e).all():
        return
    freq = table["frequency"]
    heavy, light = freq[(a == "重度用户").to_numpy()], freq[(a == "轻度用户").to_numpy()]
    if len(heavy) and len(light) and heavy.mean() < light.mean():
        raise Wrong("轻重颠倒了：购买次数最多的三分之一是“重度用户”，最少的三分之一是“轻度用户”。")
    from crmlab.segment import usage_rate

    by_money = usage_rate(table["monetary"]).astype(str)
    if (a == by_money).all():
        raise Wrong("你按消费金额分了组。使用率看的是购买（使用）的次数：请用 frequency。")
    rows = practice_orders().groupby("customer_id").size()
    if (a == usage_rate(rows.reindex(exp.index)).astype(str)).all():
        raise Wrong("你按订单行数分了组。一笔订单可能有好几行商品，购买次数要数不同的订单号（nunique）。")
    raise Wrong("用 crmlab.segment.usage_rate(购买次数) 按三分位分成 轻度/中度/重度用户。")


q3 = Question(
    "练习3",
    "行为细分：用 practice_orders() 计算每位客户的购买次数（不同订单数），再按三分位把客户分为"
    "轻度用户、中度用户、重度用户。交一个以客户编号为索引的 Series。",
    _check_q3,
    hint="freq = orders.groupby('customer_id')['order_id'].nunique()；然后 crmlab.segment.usage_rate(freq)。",
    solution="from crmlab.segment import usage_rate\n"
    "freq = practice_orders().groupby('customer_id')['order_id'].nunique()\n"
    "answer = usage_rate(freq)",
)


# ------------------------------------------------------------------ q4 recency
def _check_q4(answer):
    from crmlab.segment import rfm

    ans = _series(answer, "recency")
    exp = rfm(practice_orders(), ASOF)["recency"]
    _check_index(ans, exp, "recency")
    if isinstance(ans.dtype, pd.api.types.DatetimeTZDtype) or pd.api.types.is_timedelta64_dtype(ans):
        raise Wrong("你的结果是时间差（Timedelta），请用 .dt.days 转成天数。")
    if pd.api.types.is_datetime64_any_dtype(ans):
        raise Wrong("你交的是日期（最后一次购买的日子），还要用 2026-01-01 减去它，再用 .dt.days 取天数。")
    if _same(ans, exp):
        return
    if _same(-ans, exp):
        raise Wrong("方向反了：recency = 分析日期 − 最后一次购买日期，结果应当是正数，越小表示越近。")
    orders = practice_orders()
    first = (pd.Timestamp(ASOF) - orders.groupby("customer_id")["order_date"].min()).dt.days
    if _same(ans, first):
        raise Wrong("你用的是第一次购买的日期（min）。recency 看的是最近一次购买：用 max。")
    if _same(ans, exp - 1) or _same(ans, exp + 1):
        raise Wrong("差了 1 天：分析日期是 2026-01-01，直接用 (分析日期 − 最后购买日期).dt.days。")
    raise Wrong("先按客户取最后一次下单日期（max），再用 2026-01-01 减去它，取天数。")


q4 = Question(
    "练习4",
    "用 practice_orders() 计算每位客户的 recency：从最后一次购买到分析日期 2026-01-01 相隔多少天。"
    "交一个以客户编号为索引的 Series（整数天数）。",
    _check_q4,
    hint="先找每位客户最后一次购买的日期：last = orders.groupby('customer_id')['order_date'].max()；"
    "再用分析日期减去它：(pd.Timestamp('2026-01-01') - last).dt.days。",
    solution="orders = practice_orders()\n"
    "last = orders.groupby('customer_id')['order_date'].max()\n"
    "answer = (pd.Timestamp('2026-01-01') - last).dt.days",
)


# ------------------------------------------------------------------ q5 frequency
def _check_q5(answer):
    from crmlab.segment import rfm

    ans = _series(answer, "frequency")
    exp = rfm(practice_orders(), ASOF)["frequency"]
    _check_index(ans, exp, "frequency")
    if _same(ans, exp):
        return
    orders = practice_orders()
    if _same(ans, orders.groupby("customer_id").size()) or _same(ans, orders.groupby("customer_id")["order_id"].count()):
        raise Wrong("你数的是订单行数。同一笔订单里买了几样商品就有几行，购买次数要数不同的订单号：nunique()。")
    if _same(ans, orders.groupby("customer_id")["order_date"].nunique()):
        raise Wrong("你数的是不同的购买日期。同一天可能下两笔订单，请数不同的订单号 order_id。")
    raise Wrong("用 orders.groupby('customer_id')['order_id'].nunique()。")


q5 = Question(
    "练习5",
    "用 practice_orders() 计算每位客户的 frequency（购买次数 = 不同订单的个数）。交一个以客户编号为索引的 Series。",
    _check_q5,
    hint="一笔订单可能有好几行商品。数“不同的订单号”用 nunique()，而不是 size() 或 count()。",
    solution="answer = practice_orders().groupby('customer_id')['order_id'].nunique()",
)


# ------------------------------------------------------------------ q6 R score
def _check_q6(answer):
    from crmlab.segment import quintile_scores, rfm

    ans = _series(answer, "R")
    table = rfm(practice_orders(), ASOF)
    exp = table["R"]
    _check_index(ans, exp, "R")
    if _same(ans, exp):
        return
    if _same(6 - ans, exp):
        raise Wrong("方向反了：最近买过的客户（recency 最小）应当得 5 分，最久没买的得 1 分。")
    if _same(ans, pd.Series(quintile_scores(table["frequency"]), index=table.index)):
        raise Wrong("这是按购买次数打的分（F 分）。R 分要按 recency 打。")
    if _same(ans, table["recency"]):
        raise Wrong("这是 recency 天数本身，还要按排名换成 1-5 分：quintile_scores(recency, ascending=False)。")
    if ans.min() < 1 or ans.max() > 5:
        raise Wrong("R 分应当在 1 到 5 之间。")
    raise Wrong("先按 recency 排名（越近排名越靠后），再按排名分成 5 等份：crmlab.segment.quintile_scores(recency, ascending=False)。")


q6 = Question(
    "练习6",
    "给 practice_orders() 的每位客户打 R 分（1-5 分，按排名分成 5 等份，最近购买的得 5 分）。交一个以客户编号为索引的 Series。",
    _check_q6,
    hint="recency 越小越好，所以排名方向和 F、M 相反：quintile_scores(recency, ascending=False)，"
    "或直接看 crmlab.segment.rfm(orders, '2026-01-01')['R']。",
    solution="from crmlab.segment import rfm\nanswer = rfm(practice_orders(), '2026-01-01')['R']",
)


# ------------------------------------------------------------------ q7 segment names
Q7_SCORES = pd.DataFrame(
    {"R": [5, 4, 1, 3, 5, 1], "F": [5, 1, 4, 2, 4, 5], "M": [4, 5, 5, 1, 2, 1]},
    index=pd.Index(["K1", "K2", "K3", "K4", "K5", "K6"], name="customer_id"),
)
Q7_MEANS = {"R": 3.0, "F": 3.0, "M": 3.0}


def _q7_names(order="RFM", strict=True):
    from crmlab.segment import CN8_SEGMENTS

    out = []
    for _, row in Q7_SCORES.iterrows():
        code = "".join(
            "H" if (row[c] > Q7_MEANS[c] if strict else row[c] >= Q7_MEANS[c]) else "L" for c in order
        )
        out.append(CN8_SEGMENTS[code])
    return out


def _check_q7(answer):
    if isinstance(answer, pd.Series):
        answer = list(answer)
    if isinstance(answer, str) or not hasattr(answer, "__len__"):
        raise Wrong("请交一个列表，按 K1…K6 的顺序写出 6 个客户群名称。")
    ans = [str(a).strip() for a in answer]
    if len(ans) != len(Q7_SCORES):
        raise Wrong(f"一共 {len(Q7_SCORES)} 位客户，你的列表有 {len(ans)} 项。")
    from crmlab.segment import CN8_SEGMENTS

    unknown = [a for a in ans if a not in CN8_SEGMENTS.values()]
    if unknown:
        raise Wrong(f"名称要写成八类之一：{'、'.join(CN8_SEGMENTS.values())}。「{unknown[0]}」不在其中。")
    if ans == _q7_names():
        return
    for order in ("FRM", "MFR", "RMF", "MRF", "FMR"):
        if ans == _q7_names(order):
            raise Wrong(f"高低代码的顺序弄错了（你像是按 {order[0]}、{order[1]}、{order[2]} 的顺序）。"
                        "对照表的顺序是 R、F、M，例如 HLH = R 高、F 低、M 高 = 重要发展客户。")
    if ans == _q7_names(strict=False):
        raise Wrong("3 分不算“高”：规则是分数严格大于平均分 3 分才算高，所以只有 4、5 分是高。")
    wrong = [f"K{i + 1}" for i, (a, e) in enumerate(zip(ans, _q7_names())) if a != e]
    raise Wrong(f"{'、'.join(wrong)} 不对。先把每个分数和平均分 3 比较写出 H/L，再按 R、F、M 的顺序查表。")


q7 = Question(
    "练习7",
    "Q7_SCORES 是 6 位客户（K1…K6）的 R、F、M 分，三个分数的平均分都是 3。按“分数大于平均分为高”的规则，"
    "写出每位客户属于八类中的哪一类（列表，按 K1…K6 顺序）。",
    _check_q7,
    hint="K1：R=5 高、F=5 高、M=4 高 → HHH → 重要价值客户。注意顺序永远是 R、F、M，3 分不算高。",
    solution="answer = ['重要价值客户', '重要发展客户', '重要保持客户', '一般挽留客户', '一般价值客户', '一般保持客户']",
)


# ------------------------------------------------------------------ q8 KMeans
def _course_rfm():
    from crmlab import datasets
    from crmlab.segment import rfm

    return rfm(datasets.load("orders"), ASOF)


def _check_q8(answer):
    from crmlab.segment import kmeans_segments

    v = _number(answer, "轮廓系数", attribute="silhouette")
    if not -1 <= v <= 1:
        raise Wrong("轮廓系数在 −1 到 1 之间。请交 result.silhouette。")
    table = _course_rfm()
    feats = ("recency", "frequency", "monetary")
    exp = kmeans_segments(table, feats, 4).silhouette
    if math.isclose(v, exp, abs_tol=5e-3):
        return
    variants = {
        (False, False): "既没有取对数也没有标准化：金额（几千元）会压倒次数（几次），聚类几乎只按金额分。请用 log=True, standardize=True。",
        (False, True): "忘了取对数：消费金额和次数都是右偏的，少数大客户会把类别拉偏。请设 log=True。",
        (True, False): "忘了标准化：取对数后各特征的范围仍不同，范围大的特征说了算。请设 standardize=True。",
    }
    for (log, std), msg in variants.items():
        if math.isclose(v, kmeans_segments(table, feats, 4, log=log, standardize=std).silhouette, abs_tol=5e-3):
            raise Wrong(msg)
    raise Wrong("用课程订单数据的 RFM 表，特征 recency、frequency、monetary，k=4，取对数并标准化，random_state=0。")


q8 = Question(
    "练习8",
    "对课程订单数据的 RFM 表（分析日期 2026-01-01）做 K 均值聚类（KMeans）：特征 recency、frequency、monetary，"
    "先取对数再标准化，k = 4。交结果的轮廓系数（一个数）。",
    _check_q8,
    hint="用 crmlab.segment.kmeans_segments：result = kmeans_segments(rfm_table, ('recency','frequency','monetary'), "
    "k=4, log=True, standardize=True)，轮廓系数在 result.silhouette 里。",
    solution="from crmlab.segment import rfm, kmeans_segments\n"
    "rfm_table = rfm(crmlab.datasets.load('orders'), '2026-01-01')\n"
    "answer = kmeans_segments(rfm_table, k=4).silhouette",
)


# ------------------------------------------------------------------ q9 choose k
def _q9_scores():
    from crmlab import datasets
    from crmlab.segment import choose_k

    survey = datasets.load("survey").set_index("customer_id")
    items = survey[[c for c in survey.columns if c.startswith(("ls_", "bn_"))]]
    return choose_k(items, range(2, 9), log=False)


def _check_q9(answer):
    v = _number(answer, "一个整数 k")
    if v != int(v):
        raise Wrong("k 是类别个数，应当是整数。")
    scores = _q9_scores()
    best = int(scores["silhouette"].idxmax())
    if int(v) == best:
        return
    if int(v) == int(scores["inertia"].idxmin()):
        raise Wrong("组内平方和总是随 k 增大而变小，取最小值就会选最大的 k。看轮廓系数最高的 k，或肘部“拐弯”的地方。")
    raise Wrong(f"k = {int(v)} 的轮廓系数是 {scores.loc[int(v), 'silhouette']:.3f}，不是最高的。" if int(v) in scores.index
                else "k 要在 2 到 8 之间选。")


q9 = Question(
    "练习9",
    "心理细分：对问卷中的生活方式（ls_）和追求利益（bn_）题目做 choose_k(…, range(2, 9), log=False)，"
    "轮廓系数最高的 k 是多少？",
    _check_q9,
    hint="问卷答案是 1-5 分，不用取对数：scores = choose_k(items, range(2, 9), log=False)，"
    "再找轮廓系数最大的那一行：scores['silhouette'].idxmax()。",
    solution="survey = crmlab.datasets.load('survey').set_index('customer_id')\n"
    "items = survey.filter(regex='^(ls|bn)_')\n"
    "answer = choose_k(items, range(2, 9), log=False)['silhouette'].idxmax()",
)


# ------------------------------------------------------------------ q10 strategy
Q10_OPTIONS = {
    "A": "给所有客户同样的九折优惠",
    "B": "专人电话回访，了解久未购买的原因，送定向优惠券挽回",
    "C": "不再投入任何资源",
    "D": "邀请参加新品试用，请他们推荐新客户",
}


def _check_q10(answer):
    a = str(answer).strip().upper()
    if a not in Q10_OPTIONS:
        raise Wrong("请交选项字母 A、B、C 或 D（字符串，例如 'B'）。")
    if a == "B":
        return
    msg = {
        "A": "一刀切的优惠正是没有细分的做法：预算被平均摊薄，高价值客户和低价值客户拿到的一样。",
        "C": "重要挽留客户以前花钱多（M 高），放弃太可惜；“一般挽留客户”才适合少投入。",
        "D": "这是给“重要价值客户”（最近买、常买、花得多）的策略；重要挽留客户已经很久没来了，先要把他们找回来。",
    }
    raise Wrong(msg[a])


q10 = Question(
    "练习10",
    "“重要挽留客户”（R 低、F 低、M 高）最适合哪种做法？"
    + "；".join(f"{k}. {v}" for k, v in Q10_OPTIONS.items()),
    _check_q10,
    hint="看代码 LLH：很久没买（R 低）、买得少（F 低），但每次花钱多（M 高）。价值高，却在流失的边缘。",
    solution="answer = 'B'",
)
