"""Lesson 4 exercises (客户信用管理).

基础 (core, no programming): pyramid tiers, the low-value tier, cash vs credit sales,
payment terms per segment, the cost of money tied up in receivables, 5C factors,
credit grades and limits, ageing buckets, provision and DSO.
拓展 (code): an ageing table, the credit share of sales, the credit policy
simulator, scorecard points.

Use in a notebook::

    from crmlab.exercises.lesson4 import *
    q1.check(answer)   # q1.hint(), q1.solution()

Answers that depend on the company (pyramid shares, widget results) are computed
for the current group (:func:`crmlab.course.current_group`) at check time.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from crmlab.course import COURSE_DATE
from crmlab.exercises._core import Question, Wrong, choice, is_close
from crmlab.exercises._slips import number as _number
from crmlab.exercises._slips import sign_or_unit

ASOF = COURSE_DATE


def _close(a, b, rel=1e-6, abs_=0.01) -> bool:
    return is_close(a, b, rel=rel, abs_=abs_)


def _load(name: str) -> pd.DataFrame:
    """A course table of the current group's company (``crmlab.course.current_group()``)."""
    import crmlab
    from crmlab.course import current_group

    return crmlab.datasets.load(name, group=current_group())


def _tier_names() -> tuple:
    from crmlab.credit import PYRAMID_LABELS

    return PYRAMID_LABELS


def _share(answer, what: str) -> float:
    """A share typed as 0.19, 19 (percent) or "19%" -> fraction; Wrong for an amount."""
    if isinstance(answer, str):
        text = unicodedata.normalize("NFKC", answer).strip().replace(",", "")
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*%", text)
        if m:
            return float(m.group(1)) / 100
    v = _number(answer, what)
    if v > 100:
        raise Wrong(f"你交的 {v:,.0f} 像是一个金额，不是占比：题目要的是{what}（例如 19.0% 填 19.0）。")
    return v / 100 if v > 1 else v


def _numq(name: str, prompt: str, expected, *, tol: float, unit: str, slips, fallback, hint, solution,
          tier: str = "基础") -> Question:
    """A number question whose last message names the likely mistake (``fallback(value, want)``)."""
    def value(v):
        return float(v() if callable(v) else v)

    def check(answer):
        v = _number(answer, "一个数字")
        want = value(expected)
        if _close(v, want, abs_=tol):
            return
        for slip, message in slips() if callable(slips) else slips:
            if _close(v, value(slip), abs_=tol):
                raise Wrong(message)
        sign_or_unit(v, want, unit=unit.strip() or "元", tol=tol)
        raise Wrong(fallback(v, want))

    def shown():
        want = value(expected)
        return f"{want:,.0f}{unit}" if float(want).is_integer() else f"{want:,.2f}{unit}"

    return Question(name, prompt, check, hint, solution, tier=tier, kind="number", expected=shown)


def _side(v: float, want: float) -> str:
    return "大" if v > want else "小"


# ================================================================== 基础
# ------------------------------------------------------------------ q1 pyramid tier from a rank
Q1_RANKS = {"A": ("甲", 15), "B": ("乙", 90), "C": ("丙", 350), "D": ("丁", 1200)}
Q1_CUSTOMERS = 2000


def _q1() -> Question:
    vip, main, third, bottom = _tier_names()
    opts = {k: f"客户{n}（第 {r:,} 名）" for k, (n, r) in Q1_RANKS.items()}
    return choice(
        "练习1",
        f"公司有 {Q1_CUSTOMERS:,} 位客户，按销售额从高到低排名。按默认比例（1%、4%、15%、80%）分层，"
        f"下面哪一位属于“{main}”？",
        opts, "B",
        explain={
            "A": f"第 15 名在前 1%（前 {Q1_CUSTOMERS // 100} 名）之内，是{vip}，不是{main}。",
            "C": f"第 350 名在前 5%（前 100 名）之外、前 20%（前 400 名）之内，属于第三层“{third}”。",
            "D": f"第 1,200 名在前 20%（前 400 名）之外，属于最底层“{bottom}”。",
        },
        hint=[
            "比例是从塔顶往下累加的：先算出每一层最后一名的名次。",
            f"{Q1_CUSTOMERS:,} 位客户：前 1% 是前 20 名，前 1%+4%=5% 是前 100 名，前 20% 是前 400 名。"
            f"{main}是第 21～100 名。",
        ],
    )


q1 = _q1()


# ------------------------------------------------------------------ q2 VIP share from the pyramid table
def _pyramid_tiers() -> pd.DataFrame:
    from crmlab.credit import pyramid

    return pyramid(_load("orders")).tiers


def _vip_share() -> float:
    return float(_pyramid_tiers().iloc[0]["value_share"])


def _check_q2(answer):
    v = _share(answer, "金额占比")
    t = _pyramid_tiers()
    if _close(v, t.iloc[0]["value_share"], abs_=6e-4):
        return
    if _close(v, t.iloc[0]["customer_share"], abs_=6e-4):
        raise Wrong("这是塔顶客户占全部客户人数的比例（客户占比）；题目问的是他们的销售额占全部销售额的比例（金额占比）。")
    if _close(v, t.iloc[1]["cum_value_share"], abs_=6e-4):
        raise Wrong("这是前两层加起来的累计金额占比；只要塔顶这一层的金额占比。")
    if _close(v, t.iloc[-1]["value_share"], abs_=6e-4):
        raise Wrong("这是塔底（人数最多的一层）的金额占比；题目问的是塔顶那一层。")
    side = "大" if v > t.iloc[0]["value_share"] else "小"
    raise Wrong(f"你填的 {v:.1%} 比塔顶的金额占比{side}，也不是表里其他常见的格子：看金字塔表第一行的“金额占比”。")


q2 = Question(
    "练习2",
    "看本课的客户金字塔表（按销售额）：塔顶的 VIP 客户贡献了全部销售额的百分之几？（例如 19.0% 填 19.0）",
    _check_q2,
    hint=["表里每一层有两个比例：一个说人数，一个说销售额。题目问的是哪一个？",
          "看第一行（VIP客户）的“金额占比”一列。"],
    solution=lambda: f"answer = {_vip_share() * 100:.1f}   # 金字塔表第一行的“金额占比”",
    tier="基础", kind="number", expected=lambda: f"{_vip_share():.1%}",
)


# ------------------------------------------------------------------ q3 the low-value tier
q3 = choice(
    "练习3",
    "案例“管理你的低价值客户”：塔底的客户人数最多，单个贡献最小。公司应该怎样对待他们？",
    {"A": "全部放弃，把他们的订单推给竞争对手",
     "B": "用低成本的标准服务（自助下单、线上客服）照顾好，再从中找出有潜力的客户重点培养",
     "C": "和 VIP 客户一样派专人服务，不能厚此薄彼",
     "D": "统一提价，让他们自己离开"},
    "B",
    explain={"A": "塔底客户人数多，合起来的销售额并不小，其中还有将来会长大的客户；一律放弃会丢掉这部分生意和口碑。",
             "C": "资源有限：给每位小客户配专人，成本会超过他们带来的毛利，VIP 客户反而照顾不好。",
             "D": "一刀切提价会把有潜力的客户也赶走，还会伤害公司口碑；要分清哪些客户值得培养。"},
    hint=["想一想金字塔理论的出发点：企业资源有限，要“区别对待”，而不是“放弃”或“一视同仁”。",
          "低价值客户：降低服务成本，同时筛选有潜力的客户往上一层培养。"],
)


# ------------------------------------------------------------------ q4 cash vs credit sales
q4 = choice(
    "练习4",
    "关于现金交易和信用交易（赊销），哪些说法是对的？",
    {"A": "现金交易钱货两清，公司没有收不回货款的风险",
     "B": "赊销能吸引客户多买，但货款被客户占用，还可能拖欠甚至变成坏账",
     "C": "赊销客户越多越好，因为销售额越大利润一定越多",
     "D": "客户信用就是客户的存款多少，和是否按时付款无关"},
    {"A", "B"},
    explain={"C": "销售额增加不等于利润增加：赊销要承担坏账、收账费用和资金占用的成本，放宽过头反而少赚。",
             "D": "客户信用说的是企业相信客户会按约定付款、因而允许先拿货后付款；按时付款的记录正是信用的核心。"},
    hint=["逐条想：这句话说的是赊销的好处、代价，还是对“信用”的误解？",
          "两条对：一条说现金交易的特点，一条说赊销的“双刃剑”。"],
)


# ------------------------------------------------------------------ q5 terms for a segment
q5 = choice(
    "练习5",
    "一家新开张、没有任何付款记录的餐馆，第一次进货就要求“月结 60 天”。给它什么付款条件最合适？",
    {"A": "直接答应月结 60 天，先把客户抢到手",
     "B": "先做现金交易或收一部分定金，积累几个月的按时付款记录后，再评估给多少账期",
     "C": "永远只做现金交易，新客户都不可信",
     "D": "给 90 天账期，让它多进货"},
    "B",
    explain={"A": "没有付款记录，就无从判断它愿不愿意、有没有能力按时付款；60 天账期的风险全由公司承担。",
             "C": "一律拒绝会失去好客户；等它有了按时付款的记录，可以逐步给赊销。",
             "D": "账期越长，被占用的资金越多，坏账风险越大；对一个没有记录的新客户更不合适。"},
    hint=["赊销给的是“信任”：对一个还不了解的客户，信任从哪里来？",
          "先用现金或定金降低风险，同时积累付款记录——这就是给新客户的常见做法。"],
)


# ------------------------------------------------------------------ q6 payment terms widget
Q6_TERMS = {"混合客户": (0.20, 30)}


def _q6_results():
    from crmlab.credit import segment_baseline, segment_terms

    base = segment_baseline(_load("orders"), _load("invoices"))
    return segment_terms(base, Q6_TERMS)


def _q6_saving() -> float:
    r = _q6_results()
    return float(r.current.loc["混合客户", "expected_bad_debt"] - r.new.loc["混合客户", "expected_bad_debt"])


def _q6_slips():
    def total():
        r = _q6_results()
        return float(r.new.loc["合计", "expected_bad_debt"])

    def segment_new():
        return float(_q6_results().new.loc["混合客户", "expected_bad_debt"])

    return [(lambda: -_q6_saving(), "方向弄反了：问的是“少了多少”，填一个正数（现在的预计坏账 − 新的预计坏账）。"),
            (total, "这是三类客户合计的预计坏账金额，不是“少了多少”：看“坏账变化”一列。"),
            (segment_new, "这是改了以后混合客户的预计坏账本身；题目问比现在少了多少，看“坏账变化”一列。")]


q6 = _numq(
    "练习6",
    "在“付款条件”控制器里，只把“混合客户”改成：定金 20%、余款赊销 30 天（其他类别不变）。"
    "混合客户一年的预计坏账比现在少多少元？（填正数，按元取整即可）",
    _q6_saving, tol=1.0, unit=" 元", slips=_q6_slips,
    fallback=lambda v, want: f"你填的 {v:,.0f} 元比控制器算出的减少额{_side(v, want)}：检查控制器是否只改了混合客户一行，"
    "定金是 20%、余款选的是“赊销 30 天”，然后读那一行的“坏账变化”。",
    hint=["收了定金，客户欠我们的钱就少了；看控制器表格里混合客户那一行。",
          "在混合客户那一行把定金拖到 20%、余款选“赊销 30 天”，读“坏账变化”那一格（负数表示减少），填它的绝对值。"],
    solution=lambda: f"answer = {_q6_saving():.0f}   # 控制器里混合客户一行的“坏账变化”是 {-_q6_saving():,.0f} 元",
)


# ------------------------------------------------------------------ q7 cost of money tied up
Q7 = {"annual_sales": 7_200_000, "collection_days": 45, "cost_of_capital": 0.10, "year_days": 360}
_Q7_DAILY = Q7["annual_sales"] / Q7["year_days"]
_Q7_RECEIVABLE = _Q7_DAILY * Q7["collection_days"]

q7 = _numq(
    "练习7",
    "某公司年赊销额 720 万元，平均收账期 45 天，资金成本率 10%，一年按 360 天算。"
    "应收账款一年占用资金的成本是多少元？",
    _Q7_RECEIVABLE * Q7["cost_of_capital"], tol=0.5, unit=" 元",
    slips=[(_Q7_RECEIVABLE, "这是应收账款平均余额（被客户占用的资金），还要乘以资金成本率 10% 才是一年的资金成本。"),
           (Q7["annual_sales"] / 365 * Q7["collection_days"] * Q7["cost_of_capital"], "本题一年按 360 天算，不是 365 天。"),
           (Q7["annual_sales"] * Q7["collection_days"] * Q7["cost_of_capital"],
            "漏了第一步：先把年销售额换算成日销售额（÷ 360），再乘以收账天数。"),
           (Q7["annual_sales"] * Q7["cost_of_capital"], "漏了收账期：被占用的只是 45 天的销售额，不是全年的销售额。"),
           (_Q7_RECEIVABLE * Q7["cost_of_capital"] * 100, "资金成本率 10% 是 0.10，你的结果大了 100 倍。")],
    hint=["资金成本 = 被占用的钱 × 资金成本率；被占用的钱 = 每天的赊销额 × 平均收账天数。",
          "7,200,000 ÷ 360 = 每天 20,000 元；× 45 天 = 900,000 元被占用；× 10% = ？"],
    solution="answer = 7_200_000 / 360 * 45 * 0.10   # = 90,000 元",
    fallback=lambda v, want: f"你的结果 {v:,.0f} 元比正确答案{_side(v, want)}，也不是常见的半成品：按三步重算——"
    "年赊销额 ÷ 360 得每天的赊销额，× 45 天得被占用的钱，× 10% 得资金成本。",
)


# ------------------------------------------------------------------ q8 5C factors
Q8_FACTS = ("净资产 300 万元", "近 12 个月有 3 次逾期付款", "用一套房产作担保", "所在行业受政策扶持、前景很好",
            "营运资金 50 万元、年营业收入 800 万元")
Q8_LETTERS = {"A": "品格", "B": "能力", "C": "资本", "D": "抵押", "E": "条件"}
Q8_ANSWER = "CADEB"
_Q8_WHY = (
    "净资产是客户的家底，属于资本。",
    "逾期付款记录反映的是“愿不愿意按时还钱”，属于品格。",
    "房产担保是还不了钱时的保障，属于抵押。",
    "行业前景是客户无法控制的外部环境，属于条件。",
    "营运资金和营业收入反映的是“有没有能力按时还钱”，属于能力。",
)


def _letters_of(answer, n: int, allowed: dict, what: str) -> list[str]:
    """The learner's sequence of letters or names (string or list) as letters."""
    names = {v: k for k, v in allowed.items()}
    if isinstance(answer, str):
        text = unicodedata.normalize("NFKC", answer).strip().upper()
        parts = [p for p in re.split(r"[\s,，、;；/]+", text) if p]
        if len(parts) == 1 and re.fullmatch(r"[A-Z]{2,}", parts[0]):  # "CADEB": one letter per item
            parts = list(parts[0])
    elif isinstance(answer, (list, tuple)):
        parts = [unicodedata.normalize("NFKC", str(a)).strip().upper() for a in answer]
    else:
        raise Wrong(f"请按顺序写 {n} 个字母，例如 answer = \"{'A' * n}\"（记得加引号）。")
    parts = [names.get(p, p) for p in parts]
    if len(parts) != n:
        raise Wrong(f"一共有 {n} 条{what}，你写了 {len(parts)} 个答案：每条一个字母，按顺序写。")
    unknown = [p for p in parts if p not in allowed]
    if unknown:
        raise Wrong(f"“{unknown[0]}”不是选项：只能用 {'、'.join(f'{k}（{v}）' for k, v in allowed.items())}。")
    return parts


def _check_q8(answer):
    parts = _letters_of(answer, len(Q8_FACTS), Q8_LETTERS, "事实")
    wrong = [i for i, (a, b) in enumerate(zip(parts, Q8_ANSWER)) if a != b]
    if not wrong:
        return
    i = wrong[0]
    more = f"（一共错了 {len(wrong)} 条）" if len(wrong) > 1 else ""
    raise Wrong(f"你把第 {i + 1} 条（{Q8_FACTS[i]}）归为{Q8_LETTERS[parts[i]]}。{_Q8_WHY[i]}{more}")


q8 = Question(
    "练习8",
    "下面五条事实各属于 5C 的哪一个？按顺序写字母（A 品格、B 能力、C 资本、D 抵押、E 条件），例如 \"ABBCE\"。\n"
    + "\n".join(f"{i}. {f}" for i, f in enumerate(Q8_FACTS, start=1)),
    _check_q8,
    hint=["每个 C 回答一个问题：愿不愿意还（品格）、有没有能力还（能力）、家底厚不厚（资本）、"
          "还不了有什么保障（抵押）、外部环境好不好（条件）。",
          "净资产 → 家底；逾期记录 → 愿不愿意；担保 → 保障；行业 → 外部环境；营运资金 → 短期还钱的能力。"],
    solution=f'answer = "{Q8_ANSWER}"   # ' + "、".join(f"{i}. {Q8_LETTERS[c]}" for i, c in enumerate(Q8_ANSWER, 1)),
    tier="基础", kind="text", expected=f"{Q8_ANSWER}（" + "、".join(Q8_LETTERS[c] for c in Q8_ANSWER) + "）",
)


# ------------------------------------------------------------------ q9 grades
Q9_SCORES = [90, 89.5, 80, 70, 59.9]


def _grades(answer, n: int) -> list[str]:
    if isinstance(answer, str):
        parts = [p for p in re.split(r"[\s,，、;；/]+", unicodedata.normalize("NFKC", answer).upper()) if p]
    elif isinstance(answer, (list, tuple)):
        parts = [unicodedata.normalize("NFKC", str(a)).strip().upper() for a in answer]
    else:
        raise Wrong(f"请按顺序写 {n} 个等级，用空格隔开，例如 answer = \"AAA AA A BBB BB\"。")
    if len(parts) != n:
        raise Wrong(f"一共有 {n} 个分数，你写了 {len(parts)} 个等级：每个分数一个等级，用空格隔开。")
    return parts


def _check_q9(answer):
    from crmlab.credit import DEFAULT_GRADES, LOWEST_GRADE, grade_of

    parts = _grades(answer, len(Q9_SCORES))
    unknown = [p for p in parts if p not in (*DEFAULT_GRADES, LOWEST_GRADE)]
    if unknown:
        raise Wrong(f"“{unknown[0]}”不是信用等级：等级只有 AAA、AA、A、BBB、BB、B。")
    for score, got in zip(Q9_SCORES, parts):
        want = grade_of(score)
        if got == want:
            continue
        if score == 89.5 and got == "AAA":
            raise Wrong("你把 89.5 分评成了 AAA：不能四舍五入，没到 90 分就不是 AAA，是 AA。")
        if score in (80, 70) and got == grade_of(score - 1):
            raise Wrong(f"你把正好 {score} 分评成了 {got}：门槛分数本身属于较高的一档（≥ {score} 就算），应是 {want}。")
        if score == 59.9 and got == "BBB":
            raise Wrong("你把 59.9 分评成了 BBB：BBB 要 ≥ 60 分，59.9 分只能是 BB。")
        raise Wrong(f"你把 {score} 分评成了 {got}，对照门槛应是 {want}：从最高的门槛往下比，第一个达到的就是它的等级。")


q9 = Question(
    "练习9",
    "按本课的等级门槛（AAA ≥ 90，AA 80～89，A 70～79，BBB 60～69，BB 50～59，B < 50），"
    "给 5C 总分 " + "、".join(map(str, Q9_SCORES)) + " 依次评出信用等级，用空格隔开，例如 \"AAA AA A BBB BB\"。",
    _check_q9,
    hint=["从最高的门槛往下比：分数 ≥ 90 是 AAA，否则 ≥ 80 是 AA……不要四舍五入。",
          "注意两种分数：89.5 没到 90；正好 80、70 的分数属于较高那一档。"],
    solution="answer = \"AAA AA AA A BB\"",
    tier="基础", kind="text", expected="AAA AA AA A BB",
)


# ------------------------------------------------------------------ q10 credit limit
Q10 = {"net_worth": 2_000_000, "working_capital": 600_000, "avg_monthly_sales": 150_000, "payment_terms_days": 60,
       "net_worth_share": 0.10, "working_capital_share": 0.20, "grade": "A", "grade_factor": 0.8}
_Q10_METHODS = (Q10["net_worth"] * Q10["net_worth_share"], Q10["working_capital"] * Q10["working_capital_share"],
                Q10["avg_monthly_sales"] * Q10["payment_terms_days"] / 30)
_Q10_BASE = min(_Q10_METHODS)

q10 = _numq(
    "练习10",
    "某客户净资产 200 万元、营运资金 60 万元、月均赊购 15 万元、账期 60 天，5C 评为 A 级（等级系数 0.8）。"
    "按本课的额度规则（净资产 × 10%、营运资金 × 20%、月均赊购额 × 账期天数 ÷ 30，三者取最小，再乘等级系数），"
    "建议信用额度是多少元？",
    _Q10_BASE * Q10["grade_factor"], tol=0.5, unit=" 元",
    fallback=lambda v, want: f"你的结果 {v:,.0f} 元比正确额度{_side(v, want)}：三种方法的额度分别是 200,000、120,000、"
    "300,000 元，检查是不是哪一个算错了（比例 10%、20% 要换成 0.10、0.20），取最小后再 × 0.8。",
    slips=[(_Q10_BASE, "三种方法取最小值这一步对了，但还没乘等级系数：A 级要 × 0.8。"),
           (max(_Q10_METHODS) * Q10["grade_factor"], "你取了三种方法里最大的额度；稳健的做法是取最小值，避免给得过多。"),
           (max(_Q10_METHODS), "你取了三种方法里最大的额度，也没乘等级系数；应取最小值再 × 0.8。"),
           (sum(_Q10_METHODS) / 3 * Q10["grade_factor"], "你取了三种方法的平均值；本课的规则是取最小值。"),
           (Q10["avg_monthly_sales"] * Q10["payment_terms_days"] * Q10["grade_factor"],
            "销售额法要把账期天数换算成月：月均赊购额 × 60 ÷ 30。")],
    hint=["先分别算三种方法的额度，再取最小，最后乘等级系数。",
          "2,000,000 × 10% = 200,000；600,000 × 20% = 120,000；150,000 × 60 ÷ 30 = 300,000；最小的 × 0.8 = ？"],
    solution="answer = min(200_000, 120_000, 300_000) * 0.8   # 96,000 元",
)


# ------------------------------------------------------------------ q11 ageing buckets
Q11_DUE = [COURSE_DATE, "2025-12-02", "2025-12-01", "2025-10-03", "2025-07-04"]
Q11_LETTERS = {"A": "未到期", "B": "逾期1-30天", "C": "逾期31-60天", "D": "逾期61-90天", "E": "逾期91-180天",
               "F": "逾期180天以上"}


def _q11_expected() -> list[str]:
    from crmlab.credit import bucket_of

    asof = pd.Timestamp(ASOF)
    by_name = {v: k for k, v in Q11_LETTERS.items()}
    return [by_name[bucket_of((asof - pd.Timestamp(d)).days)] for d in Q11_DUE]


def _check_q11(answer):
    expected = _q11_expected()
    parts = _letters_of(answer, len(Q11_DUE), Q11_LETTERS, "发票")
    asof = pd.Timestamp(ASOF)
    for i, (got, want) in enumerate(zip(parts, expected)):
        if got == want:
            continue
        days = (asof - pd.Timestamp(Q11_DUE[i])).days
        if i == 0:
            raise Wrong("第 1 张发票今天才到期：逾期 0 天，到期当天还不算逾期，是 A（未到期）。")
        raise Wrong(f"第 {i + 1} 张发票到期日 {Q11_DUE[i]}，到截止日逾期 {days} 天，你写的 {got}（{Q11_LETTERS[got]}）"
                    f"不对，{days} 天落在 {want}（{Q11_LETTERS[want]}）。" + ("12 月有 31 天。" if days in (30, 31) else ""))


q11 = Question(
    "练习11",
    f"截止日 {ASOF}，五张未付发票的到期日依次为 " + "、".join(Q11_DUE) + "。按顺序写出它们的账龄段字母（"
    + "、".join(f"{k} {v}" for k, v in Q11_LETTERS.items()) + "），例如 \"ABCDE\"。",
    _check_q11,
    hint=["逾期天数 = 截止日 − 到期日；0 天及以下是“未到期”，1～30 天是“逾期1-30天”……",
          "数天数时注意：12 月有 31 天，10 月有 31 天；正好 30 天仍是“逾期1-30天”。"],
    solution=lambda: f'answer = "{"".join(_q11_expected())}"',
    tier="基础", kind="text", expected=lambda: "".join(_q11_expected()),
)


# ------------------------------------------------------------------ q12 provision
Q12_AMOUNTS = {"未到期": 200_000, "逾期1-30天": 80_000, "逾期31-60天": 30_000, "逾期61-90天": 10_000,
               "逾期91-180天": 6_000, "逾期180天以上": 4_000}
Q12_RATES_PERCENT = {"未到期": 1, "逾期1-30天": 3, "逾期31-60天": 10, "逾期61-90天": 20,
                     "逾期91-180天": 50, "逾期180天以上": 80}
_Q12 = sum(Q12_AMOUNTS[k] * Q12_RATES_PERCENT[k] / 100 for k in Q12_AMOUNTS)

q12 = _numq(
    "练习12",
    "各账龄段的应收金额（元）和计提比例如下，计算应计提的坏账准备总额（元）。\n"
    + "；".join(f"{k} {Q12_AMOUNTS[k]:,} 元、{Q12_RATES_PERCENT[k]}%" for k in Q12_AMOUNTS),
    _Q12, tol=0.5, unit=" 元",
    fallback=lambda v, want: f"你的结果 {v:,.0f} 元比正确答案{_side(v, want)}：六段要各乘自己的比例（1%、3%、10%、20%、50%、80%）"
    "再相加，检查是不是有一段乘错了比例或漏加了。",
    slips=[(_Q12 * 100, "计提比例是百分数：3% 是 0.03，你的结果大了 100 倍。"),
           (sum(Q12_AMOUNTS.values()) * 0.05, "你给所有应收账款用了同一个比例；账龄分析法要每一段乘它自己的比例。"),
           (sum(Q12_AMOUNTS.values()), "这是应收账款合计，还没有乘计提比例。"),
           (_Q12 - Q12_AMOUNTS["未到期"] * 0.01, "漏了“未到期”这一段：它也有 1% 的坏账风险。")],
    hint=["账龄越长，收不回来的可能越大，所以每一段的比例不同：每段分别算，再加起来。",
          "200,000 × 1% + 80,000 × 3% + 30,000 × 10% + 10,000 × 20% + 6,000 × 50% + 4,000 × 80% = ？"],
    solution="answer = 2000 + 2400 + 3000 + 2000 + 3000 + 3200   # 15,600 元",
)


# ------------------------------------------------------------------ q13 DSO
Q13 = {"open_receivables": 1_500_000, "credit_sales_90d": 4_500_000, "period_days": 90}
_Q13 = Q13["open_receivables"] / Q13["credit_sales_90d"] * Q13["period_days"]

q13 = _numq(
    "练习13",
    "季度末应收账款余额 150 万元，这个季度（90 天）的赊销额 450 万元。应收账款周转天数（平均多少天收回货款）是多少天？",
    _Q13, tol=0.05, unit=" 天",
    fallback=lambda v, want: f"你的结果 {v:g} 天比正确答案{_side(v, want)}：周转天数 = 应收余额 ÷ 每天的赊销额；"
    "每天的赊销额是季度赊销额 ÷ 90，不是全年的。",
    slips=[(Q13["credit_sales_90d"] / Q13["open_receivables"] * Q13["period_days"],
            "分子分母颠倒了：是应收余额 ÷ 赊销额（150 万 ÷ 450 万），再 × 90 天。"),
           (Q13["open_receivables"] / Q13["credit_sales_90d"], "这只是余额和赊销额的比值（1/3），还要乘以期间天数 90，单位才是“天”。"),
           (Q13["open_receivables"] / Q13["credit_sales_90d"] * 365, "赊销额是一个季度（90 天）的，所以乘 90，不是 365。"),
           (Q13["open_receivables"] / Q13["credit_sales_90d"] * 360, "赊销额是一个季度（90 天）的，所以乘 90，不是 360。"),
           (Q13["open_receivables"] / (Q13["credit_sales_90d"] / Q13["period_days"]) / 30,
            "单位弄成了“月”：题目问的是天数，不用再 ÷ 30。")],
    hint=["周转天数 = 还欠着的钱 ÷ 每天的赊销额。",
          "每天赊销 4,500,000 ÷ 90 = 50,000 元；1,500,000 ÷ 50,000 = ？天"],
    solution="answer = 1_500_000 / 4_500_000 * 90   # 30 天",
)


# ------------------------------------------------------------------ q14 read the ageing and provision tables
def _provision_table() -> pd.DataFrame:
    from crmlab.credit import aging, provision

    return provision(aging(_load("invoices"), ASOF))


def _oldest_share() -> float:
    p = _provision_table()
    return float(p.loc["逾期180天以上", "provision"] / p.loc["合计", "provision"])


def _check_q14(answer):
    v = _share(answer, "坏账准备里的占比")
    p = _provision_table()
    want = _oldest_share()
    if _close(v, want, abs_=1.5e-3):
        return
    if _close(v, p.loc["逾期180天以上", "receivable"] / p.loc["合计", "receivable"], abs_=1.5e-3):
        raise Wrong("这是逾期180天以上的应收金额占全部应收的比例（账龄表的“占比”）；题目问的是它的坏账准备占坏账准备合计的比例。")
    if _close(v, p.loc["逾期180天以上", "provision_rate"], abs_=1.5e-3):
        raise Wrong("80% 是这一段的计提比例；题目问的是这一段的坏账准备占全部坏账准备的比例：两个金额相除。")
    if _close(v, p.loc["合计", "provision_rate"], abs_=1.5e-3):
        raise Wrong("这是坏账准备合计占全部应收的比例（合计行的计提比例）；题目只问逾期180天以上这一段占坏账准备合计的比例。")
    raise Wrong(f"你填的 {v:.1%} 比正确答案{_side(v, want)}：在坏账准备表里，用“逾期180天以上”那一行的坏账准备 ÷ “合计”行的坏账准备。")


q14 = Question(
    "练习14",
    f"看本课的坏账准备表（截止日 {COURSE_DATE}）：逾期180天以上这一段的坏账准备，占坏账准备合计的百分之几？"
    "（例如 50.5% 填 50.5）想一想：为什么催收要先盯住这些老欠款？",
    _check_q14,
    hint=["坏账准备表里每一段有应收金额、计提比例和坏账准备三列，这道题只用“坏账准备”一列。",
          "逾期180天以上那一行的坏账准备 ÷ 合计行的坏账准备，再换成百分数。"],
    solution=lambda: f"answer = {_oldest_share() * 100:.1f}   # 逾期180天以上的坏账准备 ÷ 坏账准备合计",
    tier="基础", kind="number", expected=lambda: f"{_oldest_share():.1%}",
)


# ================================================================== 拓展 (code)
def practice_invoices() -> pd.DataFrame:
    """Ten hand-made invoices for the ageing exercise (cut-off date = the course date)."""
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
                ["2025-11-14", "2025-12-01", COURSE_DATE, "2025-11-20", "2025-12-02", "2025-11-02",
                 "2025-07-01", "2025-11-19", "2026-01-09", "2026-02-04"]
            ),
            "paid_date": pd.to_datetime(
                [None, None, None, "2025-12-28", None, COURSE_DATE, None, "2026-01-08", None, None]
            ),
        }
    )


# ------------------------------------------------------------------ q15 ageing table (code)
def _q15_variants():
    inv = practice_invoices()
    asof = pd.Timestamp(ASOF)
    days = (asof - inv["due_date"]).dt.days
    in_bucket = days.between(31, 60) & (inv["issue_date"] <= asof)
    correct = inv.loc[in_bucket & (inv["paid_date"].isna() | (inv["paid_date"] > asof)), "amount"].sum()
    unpaid_only = inv.loc[in_bucket & inv["paid_date"].isna(), "amount"].sum()
    with_paid = inv.loc[in_bucket, "amount"].sum()
    paid_on_asof = inv.loc[in_bucket & (inv["paid_date"].isna() | (inv["paid_date"] >= asof)), "amount"].sum()
    return correct, unpaid_only, with_paid, paid_on_asof


def _check_q15(answer):
    v = _number(answer, "一个金额（元）")
    correct, unpaid_only, with_paid, paid_on_asof = _q15_variants()
    if _close(v, correct):
        return
    if _close(v, unpaid_only):
        raise Wrong("你只算了到今天还没付的发票：截止日之后才付款的发票，在截止日那天还没收回，仍然是应收账款。")
    if _close(v, paid_on_asof):
        raise Wrong("你把截止日当天付清的发票也算进去了：当天已经付清，就不再是应收账款。")
    if _close(v, with_paid):
        raise Wrong("你把截止日之前已经付清的发票也算进去了：只算截止日仍未收回的发票。")
    sign_or_unit(v, correct)
    side = "多" if v > correct else "少"
    raise Wrong(f"你的结果 {v:,.2f} 比正确金额{side}：逐张核对“逾期 31～60 天”和“截止日仍未收回”这两个条件。")


q15 = Question(
    "练习15",
    "用 practice_invoices() 的 10 张发票，计算截止日那天“逾期31-60天”这一段的应收金额合计（元）。",
    _check_q15,
    hint=["先找出截止日仍未收回的发票，再挑出逾期 31～60 天的。",
          "可以直接用 cc.aging(practice_invoices(), ASOF)，再对“逾期31-60天”这一列求和。"],
    solution="tab = cc.aging(practice_invoices(), ASOF)\nanswer = tab['逾期31-60天'].sum()",
    tier="拓展", kind="code", expected=lambda: f"{_q15_variants()[0]:,.2f} 元",
)


# ------------------------------------------------------------------ q16 credit share of sales (code)
def _credit_share() -> float:
    o = _load("orders")
    return float(o.loc[o["payment_method"] == "赊销", "amount"].sum() / o["amount"].sum())


def _check_q16(answer):
    v = _number(answer, "一个比例（小数）")
    o = _load("orders")
    credit = o["payment_method"] == "赊销"
    correct = o.loc[credit, "amount"].sum() / o["amount"].sum()
    if _close(v, correct, abs_=5e-4):
        return
    if _close(v, correct * 100, abs_=0.05):
        raise Wrong("你写的是百分数；这里请写成小数（例如 0.25）。")
    if _close(v, credit.mean(), abs_=5e-4):
        raise Wrong("你算的是赊销订单的笔数占比；题目问的是金额占比，要把 amount 列加总。")
    if _close(v, 1 - correct, abs_=5e-4):
        raise Wrong("你算的是现金销售的占比，题目问的是赊销。")
    if v > 100:
        raise Wrong("你交的是赊销金额本身，不是占比：还要除以全部订单的金额合计。")
    side = "大" if v > correct else "小"
    raise Wrong(f"你的结果 {v:.4f} 比正确的比例{side}：分子是赊销订单的金额合计，分母是全部订单的金额合计。")


q16 = Question(
    "练习16",
    "在课程订单数据中，赊销（payment_method == '赊销'）的销售额占全部销售额的比例是多少？（小数）",
    _check_q16,
    hint=["比例 = 赊销金额合计 ÷ 全部金额合计，按金额算，不按笔数算。",
          "orders.loc[orders['payment_method'] == '赊销', 'amount'].sum() 是分子。"],
    solution="answer = orders.loc[orders['payment_method'] == '赊销', 'amount'].sum() / orders['amount'].sum()",
    tier="拓展", kind="code", expected=lambda: f"{_credit_share():.4f}",
)


# ------------------------------------------------------------------ q17 credit policy (code)
Q17 = {"sales": 2_000_000, "margin": 0.25, "sales_increase": 0.20, "current_days": 30, "new_days": 60,
       "current_bad_debt": 0.01, "new_bad_debt": 0.025, "current_collection_cost": 0.005,
       "new_collection_cost": 0.01, "cost_of_capital": 0.12}


def _q17_change() -> float:
    from crmlab.credit import credit_policy

    return float(credit_policy(**Q17).profit_change)


def _check_q17(answer):
    from crmlab.credit import credit_policy

    v = _number(answer, "净收益变化（元）", attribute="profit_change")
    correct = _q17_change()
    if _close(v, correct, abs_=0.5):
        return
    if _close(v, -correct, abs_=0.5):
        raise Wrong("符号反了：净收益变化 = 新政策净收益 − 现行政策净收益。")
    if _close(v, credit_policy(**{**Q17, "cost_of_capital": 0}).profit_change, abs_=0.5):
        raise Wrong("漏掉了应收账款的资金成本：账期拉长后，被占用的资金变多，要乘以资金成本率 12%。")
    if _close(v, Q17["sales"] * Q17["sales_increase"] * Q17["margin"], abs_=0.5):
        raise Wrong("这只是新增销售带来的毛利，还要减去新增的坏账、收账费用和资金成本。")
    if _close(v, credit_policy(**Q17).table.loc["净收益", "new_policy"], abs_=0.5):
        raise Wrong("这是新政策的净收益本身；题目问的是变化：新政策净收益 − 现行政策净收益。")
    sign_or_unit(v, correct, tol=0.5)
    raise Wrong(f"你的结果 {v:,.2f} 不是上面几种常见的半成品：用 cc.credit_policy(**Q17).table 看各项明细，逐项对照。")


q17 = Question(
    "练习17",
    "按 Q17 的参数（年销售额 200 万元，毛利率 25%，放宽后销售增长 20%，收账期 30→60 天，坏账率 1%→2.5%，"
    "收账费用率 0.5%→1%，资金成本率 12%），新信用政策使净收益变化多少元？",
    _check_q17,
    hint=["净收益 = 毛利 − 资金成本 − 坏账损失 − 收账费用；两种政策各算一次，再相减（新 − 旧）。",
          "cc.credit_policy(**Q17) 一步算完，结果的 .profit_change 就是变化。"],
    solution="answer = cc.credit_policy(**Q17).profit_change",
    tier="拓展", kind="code", expected=lambda: f"{_q17_change():,.2f} 元",
)


# ------------------------------------------------------------------ q18 scorecard points (拓展)
Q18_ODDS = 200
_Q18 = 600 + 20 / np.log(2) * np.log(Q18_ODDS / 50)

q18 = _numq(
    "练习18",
    "评分卡设定：好坏比 50:1 时为 600 分，好坏比每翻一倍加 20 分。好坏比为 200:1 的客户得多少分？",
    _Q18, tol=0.5, unit=" 分",
    fallback=lambda v, want: f"你的结果 {v:g} 分比正确答案{_side(v, want)}：从 50:1 到 200:1 翻了两倍，每翻一倍加 20 分，"
    "从 600 分往上加。",
    slips=[(600 + 20 * (Q18_ODDS / 50 - 1), "分数和好坏比不是正比：好坏比每翻一倍才加 20 分；50→100→200 只翻了两倍。"),
           (600 + 20 * Q18_ODDS / 50, "分数和好坏比不是正比：好坏比每翻一倍才加 20 分；50→100→200 只翻了两倍。"),
           (600 - 20 / np.log(2) * np.log(Q18_ODDS / 50), "方向反了：好坏比越高（客户越安全），分数越高。"),
           (600 + 20 * np.log(Q18_ODDS / 50), "你用的是自然对数：要数的是“翻了几倍”，即以 2 为底的对数，log2(4) = 2。"),
           (620, "50:1 到 200:1 不是翻一倍，而是翻了两倍（50→100→200），要加两次 20 分。")],
    hint=["从 50:1 到 200:1 翻了几倍？每翻一倍加 20 分。", "50→100→200：翻了两倍，600 + 2 × 20 = ？"],
    solution="answer = 600 + 20 * 2   # 640 分（50→100→200 翻了两倍）",
    tier="拓展",
)


QUESTIONS = [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16, q17, q18]


# ================================================================== classroom questions (teacher's key)
def _cls_pyramid() -> str:
    t = _pyramid_tiers()
    parts = [f"{name} {int(r['customers']):,} 人（{r['customer_share']:.1%}）贡献 {r['value_share']:.1%}" for name, r in t.iterrows()]
    return "；".join(parts) + "。3 名客户经理应先专人服务塔顶两层，第三层标准服务，塔底低成本服务并挑出有潜力的。"


def _cls_segments() -> str:
    from crmlab.credit import payment_segments

    s = payment_segments(_load("orders"), _load("invoices"), ASOF)
    parts = []
    for name, r in s.iterrows():
        late = "—" if pd.isna(r.get("late_rate")) else f"{r['late_rate']:.1%}"
        parts.append(f"{name} {int(r['customers']):,} 人，销售额占 {r['sales_share']:.1%}，逾期率 {late}")
    return "；".join(parts) + "。"


def _cls_terms() -> str:
    from crmlab.credit import segment_baseline, segment_terms

    base = segment_baseline(_load("orders"), _load("invoices"))
    r = segment_terms(base, {"混合客户": (0.30, 30)})
    t = r.table.loc["合计"]
    return (f"混合客户改为定金 30%、余款赊销 30 天：被占用的资金 {t['avg_receivable_change']:+,.0f} 元，"
            f"预计坏账 {r.new.loc['合计', 'expected_bad_debt'] - r.current.loc['合计', 'expected_bad_debt']:+,.0f} 元，"
            f"一年净收益 {t['net_profit_change']:+,.0f} 元（收得太紧会丢掉依赖赊销的生意）。")


def _cls_policy() -> str:
    from crmlab.credit import credit_policy

    base = {"sales": 1_000_000, "margin": 0.20, "sales_increase": 0.15, "current_days": 30, "new_days": 60,
            "current_bad_debt": 0.01, "new_bad_debt": 0.03, "current_collection_cost": 0.005,
            "new_collection_cost": 0.01}
    a = credit_policy(**base, cost_of_capital=0.10)
    b = credit_policy(**base, cost_of_capital=0.20)
    return (f"资金成本率 10%：净收益变化 {a.profit_change:,.0f} 元，保本需销售增长 {a.breakeven_increase:.1%}；"
            f"20%：{b.profit_change:,.0f} 元，保本点 {b.breakeven_increase:.1%}。资金越贵，放宽信用越不划算。")


def _cls_application() -> str:
    from crmlab.credit import credit_limit, score_5c
    from crmlab.widgets.credit import APP_FIELDS

    out = []
    for late in (1, 5, 8):
        row = {k: v for k, (_label, v) in APP_FIELDS.items()}
        row.update(customer_id="申请人", late_payments_12m=late, on_time_payment_rate=row["on_time_payment_rate"] / 100,
                   debt_ratio=row["debt_ratio"] / 100)
        acc = pd.DataFrame([row])
        s, lim = score_5c(acc).iloc[0], credit_limit(acc).iloc[0]
        out.append(f"逾期 {late} 次：{s['score']:.1f} 分、{s['grade']} 级、额度 {lim['credit_limit']:,.0f} 元")
    return "；".join(out) + "。变化的只有品格，它的权重最大。"


def _cls_aging() -> str:
    from crmlab.credit import aging, provision

    p = provision(aging(_load("invoices"), ASOF))
    return (f"截止 {ASOF}：应收余额 {p.loc['合计', 'receivable']:,.0f} 元，坏账准备 {p.loc['合计', 'provision']:,.0f} 元"
            f"（{p.loc['合计', 'provision'] / p.loc['合计', 'receivable']:.1%}）。")


CLASSROOM = [
    ("课堂互动 1：客户金字塔每层的人数和金额占比是多少？只有 3 名客户经理，先服务哪一层？", _cls_pyramid),
    ("课堂互动 2：现金客户、赊销客户、混合客户各有多少人？销售额占比和逾期率是多少？", _cls_segments),
    ("课堂互动 2（付款条件控制器）：混合客户改成定金 30%、余款赊销 30 天，资金、坏账和净收益怎样变化？", _cls_terms),
    ("课堂互动 3：资金成本率从 10% 提高到 20%，放宽账期（30→60 天）的净收益和保本点怎样变化？", _cls_policy),
    ("课堂互动 4：信用申请里近 12 个月逾期次数从 1 改成 5、8，总分、等级和额度怎样变化？", _cls_application),
    ("课堂互动 5：截止日的应收余额和坏账准备是多少？", _cls_aging),
]

__all__ = [
    "ASOF",
    "CLASSROOM",
    "Q1_CUSTOMERS",
    "Q1_RANKS",
    "Q6_TERMS",
    "Q7",
    "Q8_FACTS",
    "Q8_LETTERS",
    "Q9_SCORES",
    "Q10",
    "Q11_DUE",
    "Q11_LETTERS",
    "Q12_AMOUNTS",
    "Q12_RATES_PERCENT",
    "Q13",
    "Q17",
    "Q18_ODDS",
    "QUESTIONS",
    "practice_invoices",
    "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15", "q16", "q17",
    "q18",
]
