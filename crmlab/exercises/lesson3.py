"""Lesson 3 exercises (细分客户).

基础 (core, no programming) q1-q12: why segment (the budget tool and a budget worked by hand),
the three kinds of segmentation variables, the case cards (星巴克, 万科, 低价值客户), the
RFM score direction and the eight segments, numbers read from the lesson's tables, and the
right action per segment.  拓展 (code) q13-q19: demographic and behavioural segments with
pandas, recency / frequency / R score, KMeans and choosing k.

Use in a notebook::

    from crmlab.exercises.lesson3 import *
    q1.check(answer)   # q1.hint() says more each time, q1.solution()

Numbers read from the lesson (q5, q9, q12) are computed from the current group's data
(:func:`crmlab.course.current_group`), so the check and the teacher's key follow the class's
company.  The code checkers recognise the usual mistakes (recency direction reversed, rows
counted instead of orders, no log/standardisation, segment code in the wrong order ...).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from crmlab.course import COURSE_DATE
from crmlab.exercises._core import Question, Wrong, choice, number
from crmlab.exercises._slips import number as _number

ASOF = COURSE_DATE

__all__ = [
    "ASOF",
    "CLASSROOM",
    "Q8_SCORES",
    "Q10_OPTIONS",
    "Q12_SEGMENTS",
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
    "q11",
    "q12",
    "q13",
    "q14",
    "q15",
    "q16",
    "q17",
    "q18",
    "q19",
]


# ------------------------------------------------------------------ helpers
def _load(name: str) -> pd.DataFrame:
    """A course data set of the current group's company."""
    from crmlab import datasets
    from crmlab.course import current_group

    return datasets.load(name, group=current_group())


def _summary() -> pd.DataFrame:
    """The lesson's RFM segment summary for the current group."""
    from crmlab.segment import rfm, segment_summary

    return segment_summary(rfm(_load("orders"), ASOF))


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


# ================================================================== 基础 (core, no code)

# ------------------------------------------------------------------ q1 why segment (budget tool)
q1 = choice(
    "练习1",
    "在第一部分的预算工具里，把总预算改成 30000 元（够联系所有客户），再分别点“平均撒网”和“重点投放”。"
    "两种做法的预计销售额有什么关系？这说明了什么？",
    {
        "A": "重点投放仍然多很多：无论预算多少，细分都能多带来销售额",
        "B": "两种做法一样多：正是因为资源有限，才需要细分，把钱先花在回报高的客户群上",
        "C": "平均撒网更多：应该对所有客户一视同仁",
        "D": "两种做法都带不来销售额",
    },
    "B",
    explain={
        "A": "钱够联系所有客户时，两种做法联系的是同一批人（全部客户），预计销售额一样。请在预算工具里实际点一点。",
        "C": "钱够时两种做法一样；钱不够时，平均撒网把钱摊到了回报低的客户群上，带来的反而少。",
        "D": "预算工具里两种做法都有预计销售额；题目问的是它们之间的关系。",
    },
    hint=[
        "细分的两个出发点之一是“企业的资源有限”。如果资源不再有限，细分还有用吗？",
        "把总预算改成 30000 元，先点“平均撒网”读出预计销售额，再点“重点投放”读出预计销售额，比较这两个数。",
    ],
)


# ------------------------------------------------------------------ q2 budget by hand
def _q2_plans() -> dict[str, float]:
    from crmlab.segment import budget_allocation

    seg = practice_segments()
    alloc = budget_allocation(seg, BUDGET, cost_per_contact=COST_PER_CONTACT)
    per = seg["response_rate"] * seg["order_value"]
    return {
        "even": alloc.attrs["return_even"],
        "targeted": alloc.attrs["return_targeted"],
        "everyone": float((seg["customers"] * per).sum()),
        "no_cap": float(BUDGET / COST_PER_CONTACT * per.max()),
        "first_only": float(seg["customers"].iloc[0] * per.iloc[0]),
    }


def _q2_slip(key: str):
    return lambda: _q2_plans()[key]


q2 = number(
    "练习2",
    "预算 10000 元，每联系一位客户花 10 元。下面的表（practice_segments）给出四个客户群的人数、响应率和客单价。"
    "把联系名额优先给“每联系一人预计带来的销售额（响应率 × 客单价）”最高的客户群，每个群最多联系它的全部客户。"
    "预计一共带来多少销售额（元）？可以用计算器算。",
    _q2_slip("targeted"),
    rel=1e-4,
    unit="元",
    slips=[
        (_q2_slip("even"), "这是“平均撒网”（按人数比例联系各群）的结果。题目要把名额先给每联系一人回报最高的客户群。"),
        (lambda: _q2_plans()["targeted"] * 100, "结果大了 100 倍：响应率 0.30 已经是小数（30%），不要再乘 100。"),
        (_q2_slip("everyone"), "你把所有客户都联系了一遍，但预算只够联系 10000 ÷ 10 = 1000 人。"),
        (_q2_slip("no_cap"), "重要价值客户只有 200 人，最多联系 200 人；剩下的 800 个名额要依次给第二名、第三名……"),
        (_q2_slip("first_only"), "你只算了重要价值客户那 200 人，还剩 800 个名额没用：依次给第二名、第三名……"),
    ],
    hint=[
        "先算能联系多少人：预算 ÷ 每人成本。再算每个客户群“每联系一人预计带来多少元”，从高到低排队。",
        "能联系 1000 人。重要价值客户每人 0.30 × 400 = 120 元，排第一，200 人全联系；重要发展客户每人 45 元，"
        "300 人全联系；一般发展客户每人 16 元，剩下 500 个名额正好给它。最后把“人数 × 每人预计销售额”加起来。",
    ],
    solution="200 × 120 + 300 × 45 + 500 × 16 = 24000 + 13500 + 8000\nanswer = 45500",
)


# ------------------------------------------------------------------ q3 behavioural variables
q3 = choice(
    "练习3",
    "下面哪些是行为细分的变量？",
    {
        "A": "客户的年龄",
        "B": "一年内的购买次数",
        "C": "买东西时最看重实惠还是品质",
        "D": "对品牌（商店）是否忠诚",
        "E": "客户所在的城市等级",
    },
    {"B", "D"},
    explain={
        "A": "年龄是人口统计变量：它描述客户“是谁”，不是客户“做了什么”。",
        "C": "“最看重什么”是客户怎么想，属于心理细分里的利益细分。",
        "E": "城市等级是人口统计（地区）特征。",
    },
    hint=[
        "行为细分看客户“做了什么”：什么时候买、买多少、是否忠诚、怎么付款。",
        "逐个判断：描述“是谁”的是人口统计变量，描述“怎么想”的是心理变量，描述“做了什么”的才是行为变量。本题有两个。",
    ],
)


# ------------------------------------------------------------------ q4 Starbucks
q4 = choice(
    "练习4",
    "案例“星巴克的咖啡”：星巴克选中工作忙、需要一个在家和办公室之外谈事、休息的地方的城市白领，为他们打造“第三空间”，"
    "价格也定得较高。它选目标客户时主要依据什么？",
    {
        "A": "只看年龄",
        "B": "主要看客户的生活方式和追求的利益（心理细分），也参考收入、职业",
        "C": "只看客户过去买过几次咖啡",
        "D": "随便选，谁来都一样",
    },
    "B",
    explain={
        "A": "年龄只是一个人口统计特征；星巴克看重的是这群人怎样生活、想从一杯咖啡里得到什么。",
        "C": "星巴克在开店前就选好了客户，那时还没有他们的购买记录；它看的是客户的生活方式。",
        "D": "星巴克恰恰没有“谁都卖”：它先想清楚服务谁，再设计门店、口味和价格。",
    },
    hint=[
        "“工作忙”“需要一个谈事、休息的地方”描述的是客户怎样的特点？",
        "生活方式细分和利益细分都属于心理细分：看客户怎样生活、想得到什么。",
    ],
)


# ------------------------------------------------------------------ q5 the 80/20 rule, measured
def _top20() -> float:
    from crmlab.analysis import top_share

    return 100 * top_share(_load("orders"), 0.2)


def _heavy_share() -> float:
    from crmlab.segment import customer_behaviour, segment_table

    usage = segment_table(customer_behaviour(_load("orders"), ASOF), "usage")
    return 100 * float(usage.loc["重度用户", "revenue_share"])


q5 = number(
    "练习5",
    "第三部分“行为细分”算出：消费最多的前 20% 客户贡献了全部消费金额的百分之几？写百分数里的数（例如 62.5% 写 62.5）。",
    _top20,
    abs_=0.15,
    unit="%",
    slips=[
        (80, "80% 是“二八定律”的经验说法，不是课程公司的数据。请读笔记本里“前 20% 客户”那一行算出来的比例。"),
        (_heavy_share, "这是重度用户（三分之一的客户）的金额占比。题目问的是消费最多的前 20% 客户。"),
        (20, "20 是客户所占的比例。题目问这 20% 的客户贡献了百分之几的消费金额。"),
    ],
    hint=[
        "在笔记本“行为细分”的最后，有一行写着“消费最多的前 20% 客户，贡献了全部消费金额的 ……%”。",
        "把那一行里的百分数抄下来，只写数字，不写 % 号（例如 62.5% 写 62.5）。",
    ],
)


# ------------------------------------------------------------------ q6 Vanke
q6 = choice(
    "练习6",
    "案例“万科的客户细分”：万科把购房客户分成“社会新锐”“望子成龙”“富贵之家”“务实之家”“健康养老”等几类。主要依据是什么？",
    {
        "A": "家庭结构、所处的人生阶段和收入（以人口统计细分为主）",
        "B": "过去买过几套万科的房子",
        "C": "付款用现金还是贷款",
        "D": "客户最喜欢的颜色",
    },
    "A",
    explain={
        "B": "很多购房者是第一次买房，没有购买记录可看；万科看的是家庭和人生阶段。",
        "C": "付款方式是行为变量，也是下一课信用管理的内容；万科的几类客户名字说的是家庭情况。",
        "D": "喜欢的颜色和买什么样的房子关系不大，不能作为细分依据。",
    },
    hint=[
        "看这几类客户的名字：“社会新锐”“望子成龙”“健康养老”分别说的是什么样的家庭？",
        "家庭规模、年龄、收入都属于人口统计特征。",
    ],
)


# ------------------------------------------------------------------ q7 R score direction
q7 = choice(
    "练习7",
    "客户甲 20 天前买过东西，客户乙 300 天前买过。按 RFM 打分，谁的 R 分更高？",
    {"A": "甲", "B": "乙", "C": "一样高", "D": "要看消费金额才知道"},
    "A",
    explain={
        "B": "R 看“最近一次购买距今多少天”，天数越少越好、得分越高。乙已经 300 天没来了。",
        "C": "两人的天数不同，R 分一般也不同：天数越少得分越高。",
        "D": "R 分只看最近一次购买距今的天数，和金额无关（金额是 M）。",
    },
    hint=[
        "R 是“最近一次购买距今多少天”。天数少说明客户最近还来过。",
        "RFM 里 R 是唯一一个“越小越好”的指标：最近买过的客户得 5 分。",
    ],
)


# ------------------------------------------------------------------ q8 segment names
Q8_SCORES = pd.DataFrame(
    {"R": [5, 4, 1, 3, 5, 1], "F": [5, 1, 4, 2, 4, 5], "M": [4, 5, 5, 1, 2, 1]},
    index=pd.Index(["K1", "K2", "K3", "K4", "K5", "K6"], name="客户"),
)
Q8_MEANS = {"R": 3.0, "F": 3.0, "M": 3.0}


def _q8_names(order="RFM", strict=True):
    from crmlab.segment import CN8_SEGMENTS

    out = []
    for _, row in Q8_SCORES.iterrows():
        code = "".join(
            "H" if (row[c] > Q8_MEANS[c] if strict else row[c] >= Q8_MEANS[c]) else "L" for c in order
        )
        out.append(CN8_SEGMENTS[code])
    return out


def _q8_list(answer) -> list[str]:
    if isinstance(answer, pd.Series):
        answer = list(answer)
    if isinstance(answer, str):
        answer = [a for a in re.split(r"[\s,，、;；]+", answer) if a]
    if not hasattr(answer, "__len__"):
        raise Wrong("请按 K1…K6 的顺序写出 6 个客户群名称，例如 [\"重要价值客户\", \"…\"]，或用顿号隔开的一串文字。")
    return [str(a).strip() for a in answer]


def _check_q8(answer):
    from crmlab.segment import CN8_SEGMENTS

    ans = _q8_list(answer)
    if len(ans) != len(Q8_SCORES):
        raise Wrong(f"一共 {len(Q8_SCORES)} 位客户，你写了 {len(ans)} 个名称。")
    unknown = [a for a in ans if a not in CN8_SEGMENTS.values()]
    if unknown:
        raise Wrong(f"名称要写成八类之一：{'、'.join(CN8_SEGMENTS.values())}。「{unknown[0]}」不在其中。")
    if ans == _q8_names():
        return
    for order in ("FRM", "MFR", "RMF", "MRF", "FMR"):
        if ans == _q8_names(order):
            raise Wrong(f"高低的顺序弄错了（你像是按 {order[0]}、{order[1]}、{order[2]} 的顺序）。"
                        "对照表的顺序是 R、F、M，例如 高低高 = R 高、F 低、M 高 = 重要发展客户。")
    if ans == _q8_names(strict=False):
        raise Wrong("3 分不算“高”：规则是分数高于平均分 3 分才算高，所以只有 4、5 分是高。")
    wrong = [f"K{i + 1}" for i, (a, e) in enumerate(zip(ans, _q8_names())) if a != e]
    raise Wrong(f"{'、'.join(wrong)} 不对。先把每个分数和平均分 3 比较写出高/低，再按 R、F、M 的顺序查表。")


q8 = Question(
    "练习8",
    "Q8_SCORES 是 6 位客户（K1…K6）的 R、F、M 分，三个分数的平均分都是 3。按“分数高于平均分为高”的规则，"
    "写出每位客户属于八类中的哪一类（按 K1…K6 的顺序）。",
    _check_q8,
    hint=[
        "先逐个把分数和平均分 3 比较：4、5 分是“高”，1、2、3 分是“低”。",
        "K1：R=5 高、F=5 高、M=4 高 → 高高高 → 重要价值客户。其余客户照这样做，顺序永远是 R、F、M。",
    ],
    solution="answer = ['重要价值客户', '重要发展客户', '重要保持客户', '一般挽留客户', '一般价值客户', '一般保持客户']",
    tier="基础",
    kind="text",
    expected="、".join(_q8_names()),
)


# ------------------------------------------------------------------ q9 revenue share of a segment
def _share(segment: str, column: str) -> float:
    return 100 * float(_summary().loc[segment, column])


q9 = number(
    "练习9",
    "第四部分的客户群汇总表里，“重要价值客户”贡献了全部消费金额的百分之几？写百分数里的数（例如 55.9% 写 55.9）。",
    lambda: _share("重要价值客户", "revenue_share"),
    abs_=0.15,
    unit="%",
    slips=[
        (lambda: _share("重要价值客户", "customer_share"),
         "这是重要价值客户的人数占比（客户占比）。题目问的是消费金额占比（金额占比）。"),
        (lambda: _share("一般挽留客户", "revenue_share"), "这是“一般挽留客户”那一行。请找“重要价值客户”那一行。"),
    ],
    hint=[
        "客户群汇总表每个客户群一行。人数占比和金额占比是两列不同的数。",
        "找“重要价值客户”那一行的“金额占比”一列，只写数字，不写 % 号。",
    ],
)


# ------------------------------------------------------------------ q10 strategy
Q10_OPTIONS = {
    "A": "给所有客户同样的九折优惠",
    "B": "专人电话回访，了解久未购买的原因，送定向优惠券挽回",
    "C": "不再投入任何资源",
    "D": "邀请参加新品试用，请他们推荐新客户",
}

q10 = choice(
    "练习10",
    "“重要挽留客户”（R 低、F 低、M 高）最适合哪种做法？",
    Q10_OPTIONS,
    "B",
    explain={
        "A": "一刀切的优惠正是没有细分的做法：预算被平均摊薄，高价值客户和低价值客户拿到的一样。",
        "C": "重要挽留客户以前花钱多（M 高），放弃太可惜；“一般挽留客户”才适合少投入。",
        "D": "这是给“重要价值客户”（最近买、常买、花得多）的做法；重要挽留客户已经很久没来了，先要把他们找回来。",
    },
    hint=[
        "看高低：很久没买（R 低）、买得少（F 低），但花钱多（M 高）。价值高，却在流失的边缘。",
        "对这样的客户，先要弄清他们为什么不来了，再有针对性地把他们拉回来。",
    ],
)


# ------------------------------------------------------------------ q11 low-value customers
q11 = choice(
    "练习11",
    "案例“管理你的低价值客户”：课程公司的“一般挽留客户”人数很多，贡献的消费金额却很少。下面哪种做法最合适？",
    {
        "A": "把他们的资料全部删除，不再服务",
        "B": "用短信、公众号等低成本方式联系，把有潜力的挑出来培养，其余的控制投入",
        "C": "把一半的营销预算花在他们身上",
        "D": "悄悄给他们更高的价格，弥补服务成本",
    },
    "B",
    explain={
        "A": "一刀切地放弃并不明智：有的人只是刚开始买，有潜力变成好客户，也可能向亲友推荐。",
        "C": "他们回来购买的比例最低，大笔预算花在这里回报最少。在预算工具里把钱都给一般挽留客户试试。",
        "D": "偷偷给不同客户不同的价格违背诚信，也违法（“大数据杀熟”已被禁止）。差异化是服务方式不同，不是欺骗。",
    },
    hint=[
        "低价值客户不等于没有价值：有的有潜力，有的只是现在买得少。",
        "既要控制投入（用便宜的渠道），又不能放弃有潜力的客户，而且对谁都要诚信、公平。",
    ],
)


# ------------------------------------------------------------------ q12 order segments by value
Q12_SEGMENTS = {"A": "重要价值客户", "B": "重要保持客户", "C": "一般价值客户", "D": "一般挽留客户"}


def _q12_order(column: str = "monetary_mean", ascending: bool = False) -> str:
    s = _summary()[column]
    letters = sorted(Q12_SEGMENTS, key=lambda k: float(s.loc[Q12_SEGMENTS[k]]), reverse=not ascending)
    return "".join(letters)


def _check_q12(answer):
    if isinstance(answer, (list, tuple)):
        answer = "".join(map(str, answer))
    if not isinstance(answer, str):
        raise Wrong("请写 4 个字母组成的文字，例如 \"DCBA\"（记得加引号）。")
    text = re.sub(r"[\s,，、>＞;；]+", "", answer).upper()
    if sorted(text) != sorted(Q12_SEGMENTS):
        raise Wrong("A、B、C、D 四个字母各写一次，例如 \"DCBA\"。")
    if text == _q12_order():
        return
    if text == _q12_order(ascending=True):
        raise Wrong("顺序反了：题目要从高到低排，平均金额最高的写在最前面。")
    if text == _q12_order("customers"):
        raise Wrong("你是按人数排的。人多不等于价值高：请看“平均金额（元）”一列。")
    raise Wrong("请对照客户群汇总表“平均金额（元）”一列，把这四个客户群的数找出来再排序。")


q12 = Question(
    "练习12",
    "按第四部分客户群汇总表的“平均金额（元）”一列（每位客户平均花了多少钱），把下面四个客户群从高到低排列，写出字母顺序"
    "（例如 \"DCBA\"）：" + "；".join(f"{k}. {v}" for k, v in Q12_SEGMENTS.items()),
    _check_q12,
    hint=[
        "人数最多的客户群不一定最有价值。这里比的是每位客户平均花了多少钱。",
        "在汇总表里找这四行的“平均金额（元）”，从大到小排好，再写出对应的字母。",
    ],
    solution=lambda: f"answer = \"{_q12_order()}\"",
    tier="基础",
    kind="text",
    expected=lambda: _q12_order() + "（" + " > ".join(Q12_SEGMENTS[c] for c in _q12_order()) + "）",
)


# ================================================================== classroom questions (teacher's key)
def _cls_budget() -> str:
    from crmlab.segment import budget_allocation

    plan = budget_allocation(_summary(), 20000, cost_per_contact=10)
    return (f"平均撒网预计带来 {plan.attrs['return_even']:,.0f} 元，重点投放预计带来 "
            f"{plan.attrs['return_targeted']:,.0f} 元：同样的钱，先花在每联系一人回报最高的客户群上，带来的更多。")


def _cls_budget_all() -> str:
    from crmlab.segment import budget_allocation

    summary = _summary()
    n = int(summary["customers"].sum())
    plan = budget_allocation(summary, 30000, cost_per_contact=10)
    return (f"公司共有 {n:,} 位买过东西的客户，30000 元够联系所有人：平均撒网和重点投放都联系全部客户，"
            f"预计都是 {plan.attrs['return_even']:,.0f} 元，没有差别。细分是因为资源有限。")


def _cls_pareto() -> str:
    return (f"消费最多的前 20% 客户贡献了 {_top20():.1f}% 的消费金额；三分之一的重度用户贡献了 {_heavy_share():.1f}%。"
            "“二八定律”是经验说法，实际比例要用数据算。")


def _cls_slogans() -> str:
    from crmlab.segment import psychographic_segments

    names = psychographic_segments(_load("survey"), prefix="bn_", k=4).profiles["name"]
    return (f"开放题。利益细分的四类是：{'、'.join(map(str, names))}。重实惠的一类适合满减、会员价、大包装；"
            "重品质的一类适合讲产地、品质认证、新品试吃——不应该用同一种促销方式。")


def _cls_high_rule() -> str:
    from crmlab.segment import rfm

    orders = _load("orders")
    before = int((rfm(orders, ASOF)["segment"] == "重要价值客户").sum())
    after = int((rfm(orders, ASOF, high_rule="value_mean")["segment"] == "重要价值客户").sum())
    word = "减少" if after < before else "增加"
    return (f"重要价值客户从 {before} 人{word}到 {after} 人。消费金额的平均值被少数大客户拉得很高，"
            "“金额好于平均值”的人变少，所以“重要”客户变少。")


def _cls_low_value() -> str:
    s = _summary().loc["一般挽留客户"]
    return (f"一般挽留客户 {int(s['customers'])} 人，占客户的 {s['customer_share']:.1%}，只贡献 {s['revenue_share']:.1%} "
            "的消费金额。用短信、公众号等低成本方式联系，把有潜力的挑出来培养，其余控制投入；价格和服务同样诚信、公平。")


CLASSROOM = [
    ("案例导入：同样 2 万元，平均撒网和重点投放各预计带来多少销售额？", _cls_budget),
    ("预算工具：总预算改成 30000 元（够联系所有客户），两种做法还有差别吗？", _cls_budget_all),
    ("行为细分：消费最多的前 20% 客户贡献了多少消费金额？这就是“二八定律”吗？", _cls_pareto),
    ("心理细分：为两类追求不同的客户各写一句广告语，它们该用同一种促销方式吗？", _cls_slogans),
    ("RFM 小工具：“高”的标准换成“数值好于平均值”，重要价值客户变多还是变少？为什么？", _cls_high_rule),
    ("案例“管理你的低价值客户”：一般挽留客户有多少人、贡献百分之几？你会怎样对待他们？", _cls_low_value),
]


# ================================================================== 拓展 (code)
# ------------------------------------------------------------------ q13 demographic
def _q13_expected() -> pd.Series:
    customers = _load("customers")
    orders = _load("orders")
    spend = orders.groupby("customer_id")["amount"].sum()
    people = customers[customers["customer_type"] == "个人"].set_index("customer_id")
    value = spend.reindex(people.index).fillna(0.0)
    return value.groupby(people["city_tier"]).mean()


def _check_q13(answer):
    ans = _series(answer, "人均消费金额", by="city_tier")
    exp = _q13_expected()
    if set(map(str, ans.index)) != set(exp.index):
        raise Wrong(f"请按城市等级（city_tier）分组，索引应当是：{'、'.join(exp.index)}。")
    if _same(ans, exp, tol=0.01):
        return
    customers = _load("customers")
    orders = _load("orders")
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


q13 = Question(
    "练习13",
    "人口统计细分：只看个人客户（customer_type == '个人'），按城市等级（city_tier）计算人均消费金额"
    "（没买过的客户按 0 元计入）。交一个以城市等级为索引的 Series。",
    _check_q13,
    hint=["每位客户先算出消费总额，再按城市等级求平均；没买过的个人客户也要算进去（按 0 元）。", "spend = orders.groupby('customer_id')['amount'].sum()；把它 reindex 到个人客户的编号上，fillna(0)，"
    "再 groupby(城市等级).mean()。"],
    solution="people = customers[customers['customer_type'] == '个人'].set_index('customer_id')\n"
    "spend = orders.groupby('customer_id')['amount'].sum().reindex(people.index).fillna(0)\n"
    "answer = spend.groupby(people['city_tier']).mean()",
    tier="拓展",
    kind="code",
    expected=lambda: _fmt_series(_q13_expected(), "{:,.2f} 元"),
)


# ------------------------------------------------------------------ q14 usage rate
def _q14_frame():
    from crmlab.segment import rfm, usage_rate

    table = rfm(practice_orders(), ASOF)
    return table, usage_rate(table["frequency"])


def _check_q14(answer):
    ans = _series(answer, "使用率等级")
    table, exp = _q14_frame()
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


q14 = Question(
    "练习14",
    "行为细分：用 practice_orders() 计算每位客户的购买次数（不同订单数），再按三分位把客户分为"
    "轻度用户、中度用户、重度用户。交一个以客户编号为索引的 Series。",
    _check_q14,
    hint=["使用率看购买次数：先数每位客户有几笔不同的订单，再三等分。", "freq = orders.groupby('customer_id')['order_id'].nunique()；然后 crmlab.segment.usage_rate(freq)。"],
    solution="from crmlab.segment import usage_rate\n"
    "freq = practice_orders().groupby('customer_id')['order_id'].nunique()\n"
    "answer = usage_rate(freq)",
    tier="拓展",
    kind="code",
    expected=lambda: _fmt_series(_q14_frame()[1].astype(str), "{}"),
)


# ------------------------------------------------------------------ q15 recency
def _check_q15(answer):
    from crmlab.segment import rfm

    ans = _series(answer, "recency")
    exp = rfm(practice_orders(), ASOF)["recency"]
    _check_index(ans, exp, "recency")
    if isinstance(ans.dtype, pd.api.types.DatetimeTZDtype) or pd.api.types.is_timedelta64_dtype(ans):
        raise Wrong("你的结果是时间差（Timedelta），请用 .dt.days 转成天数。")
    if pd.api.types.is_datetime64_any_dtype(ans):
        raise Wrong(f"你交的是日期（最后一次购买的日子），还要用 {COURSE_DATE} 减去它，再用 .dt.days 取天数。")
    if _same(ans, exp):
        return
    if _same(-ans, exp):
        raise Wrong("方向反了：recency = 分析日期 − 最后一次购买日期，结果应当是正数，越小表示越近。")
    orders = practice_orders()
    first = (pd.Timestamp(ASOF) - orders.groupby("customer_id")["order_date"].min()).dt.days
    if _same(ans, first):
        raise Wrong("你用的是第一次购买的日期（min）。recency 看的是最近一次购买：用 max。")
    if _same(ans, exp - 1) or _same(ans, exp + 1):
        raise Wrong(f"差了 1 天：分析日期是 {COURSE_DATE}，直接用 (分析日期 − 最后购买日期).dt.days。")
    raise Wrong(f"先按客户取最后一次下单日期（max），再用 {COURSE_DATE} 减去它，取天数。")


q15 = Question(
    "练习15",
    f"用 practice_orders() 计算每位客户的 recency：从最后一次购买到分析日期 {COURSE_DATE} 相隔多少天。"
    "交一个以客户编号为索引的 Series（整数天数）。",
    _check_q15,
    hint=["recency = 分析日期 − 最后一次购买的日期，单位是天。", "先找每位客户最后一次购买的日期：last = orders.groupby('customer_id')['order_date'].max()；"
    f"再用分析日期减去它：(pd.Timestamp('{COURSE_DATE}') - last).dt.days。"],
    solution="orders = practice_orders()\n"
    "last = orders.groupby('customer_id')['order_date'].max()\n"
    f"answer = (pd.Timestamp('{COURSE_DATE}') - last).dt.days",
    tier="拓展",
    kind="code",
    expected=lambda: _fmt_series(_practice_rfm()["recency"], "{} 天"),
)


# ------------------------------------------------------------------ q16 frequency
def _check_q16(answer):
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


q16 = Question(
    "练习16",
    "用 practice_orders() 计算每位客户的 frequency（购买次数 = 不同订单的个数）。交一个以客户编号为索引的 Series。",
    _check_q16,
    hint=["购买次数 = 不同订单的笔数，每位客户一行。", "一笔订单可能有好几行商品。数“不同的订单号”用 nunique()，而不是 size() 或 count()。"],
    solution="answer = practice_orders().groupby('customer_id')['order_id'].nunique()",
    tier="拓展",
    kind="code",
    expected=lambda: _fmt_series(_practice_rfm()["frequency"], "{} 次"),
)


# ------------------------------------------------------------------ q17 R score
def _check_q17(answer):
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


q17 = Question(
    "练习17",
    "给 practice_orders() 的每位客户打 R 分（1-5 分，按排名分成 5 等份，最近购买的得 5 分）。交一个以客户编号为索引的 Series。",
    _check_q17,
    hint=["R 分按 recency 排名打 1-5 分，最近买过的（天数最少）得 5 分。", "recency 越小越好，所以排名方向和 F、M 相反：quintile_scores(recency, ascending=False)，"
    f"或直接看 crmlab.segment.rfm(orders, '{COURSE_DATE}')['R']。"],
    solution=f"from crmlab.segment import rfm\nanswer = rfm(practice_orders(), '{COURSE_DATE}')['R']",
    tier="拓展",
    kind="code",
    expected=lambda: _fmt_series(_practice_rfm()["R"], "{} 分"),
)


# ------------------------------------------------------------------ q18 KMeans
def _course_rfm():
    from crmlab.segment import rfm

    return rfm(_load("orders"), ASOF)


def _check_q18(answer):
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


q18 = Question(
    "练习18",
    f"对课程订单数据的 RFM 表（分析日期 {COURSE_DATE}）做 K 均值聚类（KMeans）：特征 recency、frequency、monetary，"
    "先取对数再标准化，k = 4。交结果的轮廓系数（一个数）。",
    _check_q18,
    hint=["先得到课程订单的 RFM 表，再对 recency、frequency、monetary 三列做 k = 4 的聚类；取对数和标准化都要做。", "用 crmlab.segment.kmeans_segments：result = kmeans_segments(rfm_table, ('recency','frequency','monetary'), "
    "k=4, log=True, standardize=True)，轮廓系数在 result.silhouette 里。"],
    solution="from crmlab.segment import rfm, kmeans_segments\n"
    f"rfm_table = rfm(crmlab.datasets.load('orders'), '{COURSE_DATE}')\n"
    "answer = kmeans_segments(rfm_table, k=4).silhouette",
    tier="拓展",
    kind="code",
    expected=lambda: f"{_q18_silhouette():.3f}",
)


# ------------------------------------------------------------------ q19 choose k
def _q19_scores():
    from crmlab.segment import choose_k

    survey = _load("survey").set_index("customer_id")
    items = survey[[c for c in survey.columns if c.startswith(("ls_", "bn_"))]]
    return choose_k(items, range(2, 9), log=False)


def _check_q19(answer):
    v = _number(answer, "一个整数 k")
    if v != int(v):
        raise Wrong("k 是类别个数，应当是整数。")
    scores = _q19_scores()
    best = int(scores["silhouette"].idxmax())
    if int(v) == best:
        return
    if int(v) == int(scores["inertia"].idxmin()):
        raise Wrong("组内平方和总是随 k 增大而变小，取最小值就会选最大的 k。看轮廓系数最高的 k，或肘部“拐弯”的地方。")
    raise Wrong(f"k = {int(v)} 的轮廓系数是 {scores.loc[int(v), 'silhouette']:.3f}，不是最高的。" if int(v) in scores.index
                else "k 要在 2 到 8 之间选。")


q19 = Question(
    "练习19",
    "心理细分：对问卷中的生活方式（ls_）和追求利益（bn_）题目做 choose_k(…, range(2, 9), log=False)，"
    "轮廓系数最高的 k 是多少？",
    _check_q19,
    hint=["比较 k = 2…8 的轮廓系数，越大说明类与类分得越清楚。", "问卷答案是 1-5 分，不用取对数：scores = choose_k(items, range(2, 9), log=False)，"
    "再找轮廓系数最大的那一行：scores['silhouette'].idxmax()。"],
    solution="survey = crmlab.datasets.load('survey').set_index('customer_id')\n"
    "items = survey.filter(regex='^(ls|bn)_')\n"
    "answer = choose_k(items, range(2, 9), log=False)['silhouette'].idxmax()",
    tier="拓展",
    kind="code",
    expected=lambda: int(_q19_scores()["silhouette"].idxmax()),
)




def _fmt_series(values: pd.Series, fmt: str) -> str:
    """``P01：12 天、P02：…`` for the teacher's key."""
    return "、".join(f"{k}：{fmt.format(v)}" for k, v in values.items())


def _practice_rfm() -> pd.DataFrame:
    from crmlab.segment import rfm

    return rfm(practice_orders(), ASOF)


def _q18_silhouette() -> float:
    from crmlab.segment import kmeans_segments

    return kmeans_segments(_course_rfm(), ("recency", "frequency", "monetary"), 4).silhouette
