"""Lesson 2 exercises (收集客户信息).

基础 (no code, q1-q13): information types, 需要 vs 需求, data minimisation, the
identification flow, what an information base holds, a screening decision, masking,
the four analyses read from the lesson's tables and widgets, association rules (lift,
a lift threshold, why a rule with lift < 1 is useless).
拓展 (code, q14-q19): sorting columns, the ID check digit, validating IDs, normalising
phones, minimisation as a list, the pairwise precision / recall of screening.

Use in a notebook::

    from crmlab.exercises.lesson2 import *
    q1.check(answer)   # q1.hint(), q1.solution()

``CLASSROOM`` holds the lesson's classroom questions with answers computed for the
current group (for ``python -m crmlab.key``).
"""

from __future__ import annotations

import functools
import numbers

import pandas as pd

from crmlab.exercises._core import Question, Wrong, choice, is_close, number
from crmlab.exercises._slips import number as _number


def _group() -> int:
    from crmlab.course import current_group

    return current_group()


def _load(name: str):
    from crmlab import datasets

    return datasets.load(name)


def _info():
    from crmlab import info

    return info


def _codes():
    from crmlab.infobase import codes

    return codes


def _analysis():
    from crmlab import analysis

    return analysis


def _screening():
    from crmlab.infobase import screening

    return screening


def _close(a, b, abs_=1e-4) -> bool:
    return is_close(a, b, rel=0.0, abs_=abs_)


def _as_list(answer, n, what):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
        raise Wrong(f"请交一个列表，按顺序写出{what}。")
    answer = list(answer)
    if len(answer) != n:
        raise Wrong(f"一共有 {n} 项，你的列表有 {len(answer)} 项。")
    return answer


# ------------------------------------------------------------------ q1 information types
q1 = choice(
    "练习1",
    "下面哪些是客户的行为类信息？（多选）",
    {"A": "购买品类", "B": "手机号", "C": "投诉记录", "D": "满意度", "E": "出生日期"},
    {"A", "C"},
    explain={
        "B": "手机号说明怎么联系客户，是描述类信息（客户是谁、在哪里）。",
        "D": "满意度是客户的态度，要靠调查才能知道，是关联类信息（客户为什么这样做）。",
        "E": "出生日期是基本、稳定的属性，是描述类信息。",
    },
    hint=["行为类信息回答“客户做了什么”：买过什么、什么时候买、联系过企业什么。",
          "逐个问：这是客户“是谁”（描述类）、“做了什么”（行为类），还是“为什么这样做”（关联类）？选出“做了什么”的两个。"],
)

# ------------------------------------------------------------------ q2 需要 vs 需求
q2 = choice(
    "练习2",
    "顾客甲说：“走了半天，口渴了。”顾客乙说：“我想要一瓶冰镇的无糖气泡水。”哪一句说出的是“需求”？",
    {"A": "甲", "B": "乙", "C": "两句都是需求", "D": "两句都只是需要"},
    "B",
    explain={
        "A": "口渴是生活中离不开的“需要”；“需求”是想怎样满足它，带着具体的要求（冰镇、无糖、气泡水）。",
        "C": "甲只说了口渴，没有说想怎样满足，是“需要”，不是“需求”。",
        "D": "乙已经说出了想要的具体东西和要求：这就是“需求”，比“需要”多了附加的要求。",
    },
    hint=["“需要”是缺了就不行的东西；“需求”是想用什么方式、什么东西来满足它。",
          "看哪一句带着具体的要求（什么样的、什么牌子、什么口味）。"],
)

# ------------------------------------------------------------------ q3 data minimisation
q3 = choice(
    "练习3",
    "网店登记表只用于“订单配送”。按“最小必要”原则，下面哪一项不应该收集？",
    {"A": "姓名", "B": "手机号", "C": "收货地址", "D": "身份证号"},
    "D",
    explain={
        "A": "送货要知道收件人是谁：姓名是配送必需的。",
        "B": "快递员要联系收件人：手机号是配送必需的。",
        "C": "没有地址就送不到货：收货地址是配送必需的。",
    },
    hint=["最小必要：只收集这个用途离不开的信息，多一项都不收。",
          "想一想送一件快递要知道什么；身份证号是敏感个人信息，配送用不到它。"],
)


# ------------------------------------------------------------------ q4 identification flow
@functools.lru_cache(maxsize=8)
def _flow(group: int):
    from crmlab.identify import identification_flow

    return identification_flow(_load("raw_records"), _load("customers"))


def _q4_slips():
    f = lambda: _flow(_group())  # noqa: E731 - evaluated at check time, for the current group
    return [
        (lambda: f().n_people, "这是合并后的总人数：其中很多人已经是本公司的客户，要减去他们。"),
        (lambda: f().n_known, "这是已经是本公司客户的人数；题目问的是还不是客户的潜在客户。"),
        (lambda: f().n_records, "这是合并前的零散记录条数；同一个人可能有好几条记录，要看合并以后。"),
        (lambda: int(f().summary.iloc[0]), "这只是“A 优先”那一级的人数；题目问的是潜在客户一共多少人。"),
    ]


q4 = number(
    "练习4",
    "课上“客户识别的过程”那张表：本公司的零散记录合并后，有多少人还不是本公司的客户（潜在客户）？",
    lambda: len(_flow(_group()).prospects),
    rel=0, abs_=0.5, unit=" 人", slips=_q4_slips(),
    hint=["看“3 整合、管理客户信息”那一行：合并成多少人、其中多少人已是客户。",
          "潜在客户 = 合并后的人数 − 已是本公司客户的人数；那一行直接写着“…人是潜在客户”。"],
)

# ------------------------------------------------------------------ q5 what an information base holds
q5 = choice(
    "练习5",
    "客服人员上门维修的时间、方式和花费，记在客户信息库的哪一部分？",
    {"A": "原始信息", "B": "统计分析信息", "C": "企业投入记录"},
    "C",
    explain={
        "A": "原始信息是客户自己的第一手资料（基本信息、交易记录）；上门维修是企业为客户做的事。",
        "B": "统计分析信息是分析或购买得到的第二手资料（态度评价、信用状况）；上门维修是企业的付出。",
    },
    hint=["信息库的三部分：客户是谁、买了什么（原始信息）；分析出来的评价（统计分析信息）；企业为客户做了什么（企业投入记录）。",
          "上门维修花的是谁的人力和钱？是企业为争取和保持客户付出的。"],
)

# ------------------------------------------------------------------ q6 a screening decision
q6 = choice(
    "练习6",
    "两条记录：姓名“王伟”和“王玮”，手机号相同，都没有填身份证号，出生日期也相同。按本课的筛选规则应该怎样处理？",
    {"A": "合并：手机号相同，姓名只差一个字（可能是错别字）",
     "B": "不合并：姓名不一样就是两个人",
     "C": "合并：只要手机号相同就一定合并",
     "D": "不合并：没有身份证号就不能合并"},
    "A",
    explain={
        "B": "录入时打错一个字（错别字）很常见：手机号相同、出生日期也相同，两个字的姓名只差一个字，规则判为同一人。",
        "C": "手机号相同但姓名差别很大时不合并：可能是家人共用一个号码。这里合并，是因为姓名只差一个字、生日也相同。",
        "D": "身份证号不是唯一的依据：手机号、邮箱也是强标识，加上姓名相近就可以合并。",
    },
    hint=["筛选规则：强标识（身份证号、手机号、邮箱）相同且姓名相近的合并；身份证号、生日或性别不同的绝不合并。",
          "两个字的姓名只差一个字（王伟/王玮）证据较弱：要有手机号等强标识相同，再加上生日或地址相同，才算同一人。"
          "再看有没有不能合并的矛盾（生日、性别、身份证号不同）。"],
)


# ------------------------------------------------------------------ q7 masking
Q7_PHONE = "13912345678"


def _check_q7(answer):
    if not isinstance(answer, str):
        raise Wrong("请交一个字符串，例如 '138****5678'。")
    a = answer.strip()
    expected = Q7_PHONE[:3] + "****" + Q7_PHONE[-4:]
    if a == expected:
        return
    _q7_slip(a, expected)


def _q7_slip(a: str, expected: str) -> None:
    if a.replace(" ", "").replace("-", "") == expected:
        raise Wrong("不要加空格或短横线，直接写成“前 3 位 + **** + 后 4 位”。")
    if a == Q7_PHONE or a.isdigit():
        raise Wrong("你交的还是完整的手机号，没有脱敏：中间 4 位要换成 ****。")
    if "*" in a and a.count("*") != 4:
        raise Wrong(f"星号的个数不对（你用了 {a.count('*')} 个）：只遮住中间 4 位，正好 4 个 *。")
    if len(a) != 11:
        raise Wrong(f"脱敏后长度仍应是 11 位（你的有 {len(a)} 位）：用 4 个 * 替换中间 4 位。")
    if a.endswith("****"):
        raise Wrong("遮住的应是中间 4 位，保留前 3 位和后 4 位。")
    if "*" not in a:
        raise Wrong("还没有打上 * 号：中间 4 位要换成 4 个 *。")
    if a.startswith("****"):
        raise Wrong("遮住的应是中间 4 位：前 3 位（号段）要保留。")
    if a[:3] != Q7_PHONE[:3] or a[-4:] != Q7_PHONE[-4:]:
        raise Wrong(f"留下的数字要和原号码 {Q7_PHONE} 一样：前 3 位是 {Q7_PHONE[:3]}，后 4 位是 {Q7_PHONE[-4:]}。")
    raise Wrong(f"「{a}」遮住的位置不对：应该保留前 3 位和后 4 位，只把中间 4 位换成 ****。")


q7 = Question(
    "练习7",
    "客服人员不需要看到完整的手机号。把手机号 Q7_PHONE（13912345678）脱敏成“前 3 位 + **** + 后 4 位”，写成文字",
    _check_q7,
    hint=["脱敏只遮住中间 4 位：号段（前 3 位）和尾号（后 4 位）留着，客服核对身份时还用得上。",
          "13912345678 的前 3 位是 139，后 4 位是 5678：写成 answer = \"139****5678\" 这样的格式。"],
    solution="answer = \"139****5678\"   # 也可以写 Q7_PHONE[:3] + '****' + Q7_PHONE[-4:]",
    tier="基础", kind="text", expected=Q7_PHONE[:3] + "****" + Q7_PHONE[-4:],
)


# ------------------------------------------------------------------ q8 basic: favourite of an age band
Q8_BAND = "25-34岁"


def _q8_expected() -> str:
    from crmlab import analysis

    return analysis.favourite_by_age(_load("orders"), _load("customers")).loc[Q8_BAND, "favourite"]


def _check_q8(answer):
    from crmlab import analysis, datasets

    t = analysis.favourite_by_age(datasets.load("orders"), datasets.load("customers"))
    expected = t.loc[Q8_BAND, "favourite"]
    if isinstance(answer, (pd.DataFrame, pd.Series)):
        raise Wrong(f"你交的是整张表或一行；只要一个品类名称：在表后面加上 .loc['{Q8_BAND}', 'favourite']（favourite 是“最爱品类”列）。")
    if not isinstance(answer, str):
        raise Wrong("请交一个品类名称（字符串），例如 '生鲜果蔬'。")
    if answer.strip() == expected:
        return
    others = [band for band in t.index if band != Q8_BAND and t.loc[band, "favourite"] == answer.strip()]
    if others:
        raise Wrong(f"这是「{others[0]}」等其他年龄段最爱的品类；题目问的是「{Q8_BAND}」这一行。")
    by_amount = analysis.favourite_by_age(datasets.load("orders"), datasets.load("customers"), value="amount")
    if answer.strip() == by_amount.loc[Q8_BAND, "favourite"]:
        raise Wrong("你按购买金额比较了；题目要比较的是购买件数（quantity），就像口红例子里比较的是买了多少支。")
    overall = datasets.load("orders").groupby("category")["quantity"].sum().idxmax()
    if answer.strip() == overall:
        raise Wrong("这是所有客户合计最多的品类；题目只看这个年龄段的客户。")
    if answer.strip() not in set(datasets.load("orders")["category"]):
        raise Wrong(f"「{answer.strip()}」不是本公司的品类名称：照图里的写法一字不差地抄下来。")
    raise Wrong(f"「{answer.strip()}」不是「{Q8_BAND}」件数最多的品类：在图里找到这一段，比一比各品类的件数。")


q8 = Question(
    "练习8",
    "看课上“各年龄段最爱的品类”那张图：25-34 岁的个人客户购买件数最多的是哪个品类？写出品类名称",
    _check_q8,
    hint=["像口红颜色的例子一样：先把客户按年龄分段，再比较每段购买各品类的件数，件数最多的就是该段的偏好。",
          "在课上的图或表里找“25-34岁”这一段，读件数最多的品类，写成 answer = \"品类名称\"。"],
    tier="基础", kind="text",
    expected=lambda: _q8_expected(),
    solution="from crmlab import analysis\nanswer = analysis.favourite_by_age(orders, customers).loc['25-34岁', 'favourite']",
)


# ------------------------------------------------------------------ q9 statistical: top 20 %
def _check_q9(answer):
    from crmlab import analysis, datasets

    orders = datasets.load("orders")
    expected = analysis.top_share(orders, 0.2)
    v = _number(answer, "一个小数")
    if _close(v, expected) or any(v == round(expected, n) for n in (2, 3, 4)):
        return
    if _close(v, expected * 100, abs_=0.05):
        raise Wrong("你写成了百分数；请写成小数（例如 0.65 而不是 65）。")
    _q9_slip(v, orders, expected)
    customers = datasets.load("customers")
    all_cust = orders.groupby("customer_id")["amount"].sum().reindex(customers["customer_id"], fill_value=0)
    k = round(0.2 * len(customers))
    if _close(v, all_cust.sort_values(ascending=False).iloc[:k].sum() / all_cust.sum()):
        raise Wrong("你把从未下单的客户（潜在客户）也算进了客户总数；这里只看有销售额的客户。")
    if _close(
        v,
        orders.sort_values("amount", ascending=False)["amount"].iloc[: round(0.2 * len(orders))].sum()
        / orders["amount"].sum(),
    ):
        raise Wrong("你按订单排了序；要先把每位客户的销售额加总，再按客户排序。")
    raise Wrong(f"{v:g} 不是前 20% 客户的份额（比正确答案{'大' if v > expected else '小'}）：回到课上统计分析那一格，"
                "读“排名前 20% 的客户贡献了 …% 的销售额”那句话里的百分数，写成小数。")


def _q9_slip(v: float, orders, expected: float) -> None:
    per = orders.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    k = round(0.2 * len(per))
    if _close(v, 1 - expected):
        raise Wrong("这是其余 80% 客户的份额；题目问的是排名前 20% 的客户。")
    if _close(v, per.iloc[-k:].sum() / per.sum()):
        raise Wrong("排序方向反了：你取的是销售额最少的 20% 客户；要用 sort_values(ascending=False) 从高到低排。")
    if is_close(v, per.iloc[:k].sum(), rel=1e-6, abs_=0.01):
        raise Wrong("你交的是前 20% 客户的销售额合计（元）；还要除以全部客户的销售额合计，得到一个比例。")
    if any(_close(v, per.iloc[:j].sum() / per.sum()) for j in (k - 1, k + 1, int(0.2 * len(per)))):
        raise Wrong(f"人数差了一位：共有 {len(per)} 位有销售额的客户，前 20% 是 round(0.2 × {len(per)}) = {k} 位。")


q9 = Question(
    "练习9",
    "课上的统计分析算出了“排名前 20% 的客户贡献了全部销售额的多大比例”。把这个比例写成小数（例如 0.652）",
    _check_q9,
    hint=["这个数在课上“统计分析”那一格的输出里：“排名前 20% 的客户贡献了 …% 的销售额”。",
          "把那个百分数写成小数：例如 65.2% 写成 answer = 0.652。"],
    tier="基础", kind="number",
    expected=lambda: round(_analysis().top_share(_load("orders"), 0.2), 3),
    solution="from crmlab import analysis\nanswer = analysis.top_share(orders, 0.2)",
)


# ------------------------------------------------------------------ q10 association: verdict
Q10_MONTH = "2025-11"


def _check_q10(answer):
    from crmlab import analysis, datasets

    t = analysis.month_over_month(datasets.load("orders"), datasets.load("interactions"), Q10_MONTH)
    expected = t.attrs["verdict"]
    if isinstance(answer, pd.DataFrame):
        raise Wrong("你交的是整张对比表；只要一个结论：看“结论”列（列名 verdict），或用 table.attrs['verdict']。")
    if isinstance(answer, str) and answer.strip() in ("好转", "变坏"):
        raise Wrong(f"「{answer.strip()}」是单个指标的评价；总体结论请用 '变好'、'变差' 或 '持平' 之一回答。")
    if not isinstance(answer, str) or answer.strip() not in ("变好", "变差", "持平"):
        raise Wrong("请回答 '变好'、'变差' 或 '持平' 之一。")
    if answer.strip() == expected:
        return
    _q10_slip(answer.strip(), t)


def _q10_slip(answer: str, t: pd.DataFrame) -> None:
    """A wrong verdict: say which indicator the learner probably looked at alone, then the rule."""
    first = t.index[0]
    alone = {"好转": "变好", "变坏": "变差", "持平": "持平"}.get(str(t["rating"].iloc[0]))
    total = float(t["score"].sum())
    if answer == alone:
        raise Wrong(f"你只看了{first}：它{t.loc[first, 'rating']}了，可另外两项也要打分、加进总分。"
                    "在控件的表里把三项的“得分”加起来，再看总分是正是负。")
    raise Wrong(f"「{answer}」和三项得分之和对不上（{'总分不是 0' if abs(total) > 1e-9 else '总分正好是 0'}）。"
                "在控件的表里把三项的“得分”加起来：为正是“变好”，为负是“变差”，为 0 是“持平”。")


q10 = Question(
    "练习10",
    "在课上“本月比上月”的控件里选 2025-11：和 2025-10 比，经营情况是“变好”、“变差”还是“持平”？",
    _check_q10,
    hint=["在“本月比上月”控件里把“本月”选成 2025-11，看表里每项指标的“评价”和“得分”。",
          "把三项的得分加起来：总分为正是“变好”，为负是“变差”，为 0 是“持平”。写成 answer = \"变好\" 这样的文字。"],
    tier="基础", kind="text",
    expected=lambda: _analysis().month_over_month(_load("orders"), _load("interactions"), Q10_MONTH).attrs["verdict"],
    solution="from crmlab import analysis\nanswer = analysis.month_over_month(orders, interactions, '2025-11').attrs['verdict']",
)


# ------------------------------------------------------------------ q11-q13 association rules (data mining)
def _cross_sell() -> tuple[str, str]:
    """The current group's strongest pair (antecedent, consequent) of the lesson's example."""
    from crmlab.datasets import get_company

    return tuple(get_company(_group()).cross_sell)


def _q11_rule() -> tuple[str, str]:
    """练习11's rule for the current group: (antecedent, consequent), the reverse of the lesson's top rule."""
    return _cross_sell()[::-1]


def __getattr__(name: str):
    """``Q11_RULE`` is computed for the group current when it is read (``from ... import *`` reads it too)."""
    if name == "Q11_RULE":
        return _q11_rule()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


Q13_OPTIONS = {
    "A": "置信度 65% 还不够高，要到 80% 以上才可信",
    "B": "生鲜果蔬本来就在约 78% 的订单里，买了节日礼盒的订单里反而只有 65% 有它：这条规则没有带来额外的信息",
    "C": "支持度只有 7%，这个组合太少见，不值得专门做活动",
    "D": "提升度 0.84 说明这条规则只在 84% 的情况下成立，还要收集更多数据",
}


def _course_rules(**kwargs):
    from crmlab import basket, datasets

    return basket.find_rules(datasets.load("order_lines"), **kwargs)


def _rule_row(rules, antecedent: str, consequent: str):
    hit = rules[(rules["antecedents"] == frozenset([antecedent])) & (rules["consequents"] == frozenset([consequent]))]
    return hit.iloc[0]


def _check_q11(answer):
    a, b = _q11_rule()
    rules = _course_rules()
    r = _rule_row(rules, a, b)
    value = _number(answer, "提升度（一个数）")
    if _close(value, r["lift"], abs_=0.01):
        return
    if _close(value, r["confidence"], abs_=0.01) or _close(value, r["confidence"] * 100, abs_=1):
        raise Wrong("你交的是置信度。提升度 = 置信度 ÷ 后项支持度（全部订单中买后项的比例）。")
    if _close(value, r["support"], abs_=0.01) or _close(value, r["support"] * 100, abs_=1):
        raise Wrong("你交的是支持度。提升度要看“置信度”比“后项本来的比例”高多少倍。")
    if _close(value, 1 / r["lift"], abs_=0.01):
        raise Wrong("除反了：提升度 = 置信度 ÷ 后项支持度，结果大于 1 说明一起买的更多。")
    if _close(value, r["lift"] * 100, abs_=1):
        raise Wrong("提升度是“倍数”，不是百分数：请写成 1.5 这样的小数。")
    _q11_slip(value, rules, r)
    raise Wrong(f"{value:g} 不是表里的任何一个数：提升度不分方向（{a} → {b} 和反过来的规则一样），"
                f"在规则表里找到这两个类别的那一行，照抄“提升度”列的数（两位小数，例如 {r['lift']:.2f} 这样的格式）。")


def _q11_slip(value: float, rules, r) -> None:
    a, b = _q11_rule()
    lift = float(r["lift"])
    if any(_close(value, f(lift * 10) / 10, abs_=1e-9) for f in (round, int)) or any(
            _close(value, f(lift), abs_=1e-9) for f in (round, int)):
        raise Wrong(f"方向和读的列都对，只是你把提升度取整得太粗了（{value:g}）：请保留两位小数，"
                    "两位小数才分得清 2.06 和 2.14 这样相近的规则。")
    others = rules[(rules["lift"] - value).abs() <= 0.005]
    if len(others) and not _close(value, lift, abs_=0.01):
        raise Wrong(f"{value:g} 是规则 {others['rule'].iloc[0]} 的提升度，不是 {a} 和 {b} 这两个类别之间的规则。")
    if _close(value, r["confidence"] / r["support"], abs_=0.01):
        raise Wrong("分母用错了：要除以后项支持度（全部订单中买后项的比例），不是这条规则的支持度。")
    back = rules[rules["rule"] == f"{b} → {a}"]
    if len(back) and _close(value, back["confidence"].iloc[0], abs_=0.01):
        raise Wrong(f"这是反方向规则 {b} → {a} 的置信度；题目要的是提升度。")


class _RuleQuestion(Question):
    """A question whose prompt and hints name 练习11's rule: templates with ``{a}`` (antecedent) and
    ``{b}`` (consequent), filled in for the current group each time they are read."""

    @property
    def prompt(self) -> str:
        a, b = _q11_rule()
        return self._prompt_template.format(a=a, b=b)

    @prompt.setter
    def prompt(self, template: str) -> None:
        self._prompt_template = template

    @property
    def _hints(self) -> tuple[str, ...]:
        a, b = _q11_rule()
        return tuple(h.format(a=a, b=b) for h in self._hint_templates)

    @_hints.setter
    def _hints(self, templates: tuple[str, ...]) -> None:
        self._hint_templates = templates


def _q11_lift() -> float:
    return float(_rule_row(_course_rules(), *_q11_rule())["lift"])


def _q11_solution() -> str:
    a, b = _q11_rule()
    return f"answer = {_q11_lift():.2f}   # 规则表里 {a} → {b} 那一行的提升度"


q11 = _RuleQuestion(
    "练习11",
    "课上按订单找出的关联规则表里，规则 {a} → {b} 的提升度是多少？（保留两位小数）",
    _check_q11,
    hint=["提升度在规则表的“提升度”列；A → B 和 B → A 是两条规则，置信度不同，提升度却一样。",
          "在课上的规则表里找到 {a} 和 {b} 那一行，照抄“提升度”，例如 answer = 1.23。"],
    solution=_q11_solution,
    tier="基础", kind="number",
    expected=lambda: round(_q11_lift(), 2),
)


def _q12_expected() -> str:
    rules = _course_rules()
    top = float(rules["lift"].max())
    rest = rules.loc[rules["lift"] <= 1.0, "lift"]
    low = max(1.0, float(rest.max()) if len(rest) else 1.0)
    return f"大于 {low:.2f}、不超过 {top:.2f} 的任意数（例如 {min(1.2, top):.1f}）"


def _check_q12(answer):
    from crmlab._errors import CRMDataError
    x, y = _cross_sell()
    value = _number(answer, "最小提升度（一个数）")
    if value < 0:
        raise Wrong("提升度不会是负数，门槛也不能是负数。")
    try:
        rules = _course_rules(min_lift=value)
    except CRMDataError:
        rules = None
    if rules is None or f"{x} → {y}" not in set(rules["rule"]):
        raise Wrong(f"门槛太高了：连 {x} → {y} 这条最强的规则也被筛掉了。看看它的提升度是多少，门槛不能超过它。")
    weak = rules[rules["lift"] <= 1.0]
    if len(weak):
        raise Wrong(
            f"门槛太低了：表里还留着提升度不超过 1 的规则（例如 {weak['rule'].iloc[0]}，提升度 "
            f"{weak['lift'].iloc[0]:.2f}），它们不能说明“一起买”。把门槛提高到 1 以上。"
        )


q12 = Question(
    "练习12",
    "支持度和置信度门槛保持默认，只调“最小提升度”：给出一个门槛，让规则表里只剩下提升度大于 1 的规则，"
    "同时留下最强的那条规则。",
    _check_q12,
    hint=["提升度大于 1 的规则才说明“一起买”；门槛要把提升度不超过 1 的规则都筛掉，又不能把最强的规则筛掉。",
          "在课上的规则表里看最强规则的提升度和其余规则的提升度：门槛落在两者之间，例如 answer = 1.2。"],
    solution="answer = 1.2   # 大于 1、又不超过最强规则提升度的数都可以",
    tier="基础", kind="number",
    expected=lambda: _q12_expected(),
)


q13 = choice(
    "练习13",
    "规则“节日礼盒 → 生鲜果蔬”的置信度约 65%，看起来很高，可提升度只有约 0.84。为什么不能据此在礼盒旁边推销生鲜果蔬？",
    Q13_OPTIONS,
    "B",
    explain={
        "A": "置信度高低不是关键：就算置信度有 90%，只要后项本来就在 95% 的订单里，这条规则也说明不了什么。要和后项本来的比例比，也就是看提升度。",
        "C": "支持度 7% 并不算低（每 14 笔订单就有 1 笔）；问题出在提升度：买了节日礼盒的订单里有生鲜果蔬的比例，比全部订单的平均水平还低。",
        "D": "提升度不是“成立的比例”，而是“比平时高几倍”：0.84 表示买了礼盒的订单买生鲜果蔬的可能性只有平时的 0.84 倍，反而更低。",
    },
    hint=["提升度 = 置信度 ÷ 全部订单中买生鲜果蔬的比例。先看看全部订单里有多少比例买了生鲜果蔬。",
          "生鲜果蔬本来就在近八成的订单里：买了礼盒的订单里只有 65% 有它，是多了还是少了？"],
)


# ------------------------------------------------------------------ q14 information types
Q14_COLUMNS = ["age", "city", "phone", "order_date", "amount", "category", "satisfaction", "loyalty", "bn_price", "type"]


def _q14_keys_and_names(answer: dict, types) -> None:
    missing = [c for c in Q14_COLUMNS if c not in answer]
    if missing and any(k not in Q14_COLUMNS and str(k).strip().lower() in Q14_COLUMNS for k in answer):
        raise Wrong("字典的键要和 Q14_COLUMNS 中的列名一模一样（小写英文），例如 'age'。")
    if missing:
        raise Wrong(f"还有列没有归类：{missing}。")
    bad_names = {str(v) for v in answer.values() if v not in types}
    for name in sorted(bad_names):
        full = [t for t in types if name.strip() and t.startswith(name.strip())]
        if full:
            raise Wrong(f"类型名请写全称：「{name}」要写成「{full[0]}」。三种类型是 {'、'.join(types)}。")
    if bad_names:
        raise Wrong(f"信息类型只能写 {'、'.join(types)}；「{sorted(bad_names)[0]}」不是。")


def _check_q14(answer):
    from crmlab import info

    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, dict):
        raise Wrong("请交一个字典：{列名: 信息类型}，例如 {'age': '描述类信息', ...}。")
    _q14_keys_and_names(answer, info.INFO_TYPES)
    wrong = [c for c in Q14_COLUMNS if answer[c] != info.info_type(c)]
    if not wrong:
        return
    c = wrong[0]
    right = info.info_type(c)
    if right == info.ASSOCIATIVE:
        raise Wrong(
            f"「{c}」归错了：它反映客户的态度和心理（为什么买），要靠调查才能获得，属于关联类信息。一共错了 {len(wrong)} 个。"
        )
    if right == info.BEHAVIOURAL:
        raise Wrong(
            f"「{c}」归错了：它记录的是客户做过什么（买了什么、什么时候、联系了什么），属于行为类信息。一共错了 {len(wrong)} 个。"
        )
    raise Wrong(
        f"「{c}」归错了：它说明客户是谁、在哪里、怎么联系，是基本的静态属性，属于描述类信息。一共错了 {len(wrong)} 个。"
    )


q14 = Question(
    "练习14",
    "把 Q14_COLUMNS 中的每一列归入描述类、行为类或关联类信息（字典 {列名: 类型}）",
    _check_q14,
    hint=["问自己：这一列回答的是“客户是谁”（描述类）、“客户做了什么”（行为类），还是“客户为什么这样做”（关联类）？",
          "bn_ 开头的是“追求的利益”调查题，满意度、忠诚度也来自调查：都是关联类。类型名要写全称，例如 '描述类信息'。"],
    solution="from crmlab import info\nanswer = {c: info.info_type(c) for c in Q14_COLUMNS}",
    tier="拓展", kind="code",
    expected=lambda: {c: _info().info_type(c) for c in Q14_COLUMNS},
)


# ------------------------------------------------------------------ q15 ID check digit
Q15_FIRST17 = "44030419850615123"


def _check_q15(answer):
    from crmlab.infobase.codes import ID_WEIGHTS, id_check_digit

    expected = id_check_digit(Q15_FIRST17)
    if isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        answer = int(answer)
        if str(answer) == expected:
            raise Wrong("数值对了，但校验码要写成字符串（例如 '7' 或 'X'），因为它可能是字母 X。")
        answer = str(answer)
    if not isinstance(answer, str):
        raise Wrong("请交一个字符：'0'~'9' 或 'X'。")
    a = answer.strip()
    if a == expected:
        return
    if a.upper() == expected:
        raise Wrong("校验码是大写的 X，请写成 'X'。")
    if len(a) == 18 and a.startswith(Q15_FIRST17):
        raise Wrong("你交的是完整的 18 位号码；这里只要第 18 位那一个字符，例如 answer = '7'。")
    total = sum(int(d) * w for d, w in zip(Q15_FIRST17, ID_WEIGHTS))
    table = "10X98765432"
    if a in (table[(total % 11 + 1) % 11], table[(total % 11 - 1) % 11]):
        raise Wrong(f"查表时差了一位：余数是 {total % 11}，取 '10X98765432'[{total % 11}]，位置要从 0 开始数。")
    if a == str(total % 11):
        raise Wrong(
            f"你算出了余数 {total % 11}，但余数还要查对照表 '10X98765432' 才是校验码：余数是几，就取第几位（从 0 数起）。"
        )
    if a in (str(total), str(total % 10)):
        raise Wrong("加权和之后还要除以 11 取余数，再查对照表 '10X98765432'。")
    raise Wrong(f"「{a}」不是按权重算出的校验码：多半是某一位乘错了权重或加漏了一位。"
                "把 17 位数字和权重 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 一一对齐，重新求和、除以 11 取余数、查表。")


q15 = Question(
    "练习15",
    "算出身份证号前 17 位 Q15_FIRST17 的第 18 位校验码（字符串）",
    _check_q15,
    hint=["校验码由前 17 位算出来：每一位乘以各自的权重，加起来，再除以 11 取余数。",
          "权重是 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2；余数 r 查表：校验码是 '10X98765432'[r]（位置从 0 数起）。"],
    tier="拓展", kind="code",
    expected=lambda: _codes().id_check_digit(Q15_FIRST17),
    solution="W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]\ns = sum(int(d) * w for d, w in zip(Q15_FIRST17, W))\nanswer = '10X98765432'[s % 11]",
)


# ------------------------------------------------------------------ q16 validate IDs
Q16_IDS = ["11010519491231002X", "110105194912310021", "44030419850615123", "320508198207169006", "110101199013011238"]


def _check_q16(answer):
    from crmlab.infobase.codes import validate_id_number

    expected = [validate_id_number(x) for x in Q16_IDS]
    answer = _as_list(answer, len(Q16_IDS), "每个身份证号是否有效（True/False）")
    if not all(type(a).__name__ in ("bool", "bool_") for a in answer):
        if any(isinstance(a, str) for a in answer):
            raise Wrong("列表里请只放 True 或 False，不要加引号（写 True，不写 'True' 或 '有效'）。")
        raise Wrong("列表里请只放 True 或 False（不用 1/0）。")
    answer = [bool(a) for a in answer]
    if answer == expected:
        return
    i = next(k for k in range(len(expected)) if answer[k] != expected[k])
    x = Q16_IDS[i]
    if len(x) != 18:
        raise Wrong(f"第 {i + 1} 个号码只有 {len(x)} 位：18 位是最基本的要求。")
    if x[10:12] > "12":
        raise Wrong(f"第 {i + 1} 个号码的出生日期部分（第 7-14 位）是 {x[6:14]}，月份不存在。")
    raise Wrong(f"第 {i + 1} 个号码判断错了：重新计算它的校验码，和最后一位比一比。")


q16 = Question(
    "练习16",
    "判断 Q16_IDS 中 5 个身份证号是否有效（True/False 列表）",
    _check_q16,
    hint=["有效的号码要同时满足：18 位；前 17 位是数字；第 7-14 位是真实存在的日期；最后一位等于校验码。",
          "逐个检查：先数位数，再看第 7-14 位的日期（月份不超过 12），最后用 codes.validate_id_number(号码) 验证。"],
    tier="拓展", kind="code",
    expected=lambda: [_codes().validate_id_number(x) for x in Q16_IDS],
    solution="from crmlab.infobase import validate_id_number\nanswer = [validate_id_number(x) for x in Q16_IDS]",
)


# ------------------------------------------------------------------ q17 normalise phones
Q17_PHONES = ["+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８", "8613912345678", "139 1234 5679"]


def _is_deduplicated(answer, expected: list[str]) -> bool:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or not 0 < len(answer) < len(expected):
        return False
    texts = [str(a) for a in answer]
    return len(set(texts)) == len(texts) and set(texts) <= set(expected)


def _check_q17(answer):
    from crmlab.infobase.codes import normalize_phone

    expected = [normalize_phone(p) for p in Q17_PHONES]
    if _is_deduplicated(answer, expected):
        raise Wrong(f"这里不要去重：每个原始号码对应一个整理结果，按原来的顺序一共 {len(Q17_PHONES)} 项。")
    answer = _as_list(answer, len(Q17_PHONES), "整理后的手机号")
    answer = [str(a) for a in answer]
    if answer == expected:
        return
    a, e, raw = next(t for t in zip(answer, expected, Q17_PHONES) if t[0] != t[1])
    if a.startswith("86") or a.startswith("+86"):
        raise Wrong(f"「{raw}」：国家代码 +86/86 要去掉，只留 11 位手机号。")
    if any(ch in a for ch in " -"):
        raise Wrong(f"「{raw}」：空格和短横线都要去掉。")
    if not a.isascii():
        raise Wrong(f"「{raw}」是全角数字，要转成普通的半角数字（可用 unicodedata.normalize('NFKC', s)）。")
    if a.isdigit() and len(a) == 11:
        raise Wrong(f"「{raw}」整理后是 {e}：只去掉符号、转换全角，不能改动数字本身（看着像同一个号码也不能改）。")
    raise Wrong(f"「{raw}」整理后应是 11 位数字。")


q17 = Question(
    "练习17",
    "把 Q17_PHONES 整理成统一的 11 位手机号（列表）",
    _check_q17,
    hint=["同一个号码有好几种写法：国家代码、空格、短横线、全角数字。整理就是把写法统一，数字本身一个不改。",
          "先把全角转半角（unicodedata.normalize('NFKC', s)），再去掉空格、短横线和 +，最后去掉开头的国家代码 86。"],
    tier="拓展", kind="code",
    expected=lambda: [_codes().normalize_phone(p) for p in Q17_PHONES],
    solution="from crmlab.infobase.codes import normalize_phone\nanswer = [normalize_phone(p) for p in Q17_PHONES]",
)


# ------------------------------------------------------------------ q18 minimisation
Q18_FIELDS = ["name", "phone", "address", "id_number", "birth_date", "income", "hobby", "email"]
Q18_PURPOSES = ["订单配送", "营销推送"]


def _q18_expected() -> list[str]:
    r = _info().minimise(Q18_FIELDS, Q18_PURPOSES)
    return r.loc[~r["必要"], "字段"].tolist()


def _check_q18(answer):
    expected = set(_q18_expected())
    if isinstance(answer, pd.DataFrame):
        raise Wrong("你交的是整张表；这里只要不应收集的字段名列表，例如 ['income', ...]（表中“必要”为 False 的字段）。")
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise Wrong("请交一个列表，写出不应收集的字段名。")
    a = {str(x) for x in answer}
    if a == expected:
        return
    if a == set(Q18_FIELDS) - expected:
        raise Wrong("你列出的是应当收集的字段；题目问的是反过来：哪些字段不应收集。")
    unknown = sorted(a - set(Q18_FIELDS))
    if unknown:
        raise Wrong(f"「{unknown[0]}」不在 Q18_FIELDS 里：只从 {Q18_FIELDS} 中挑，字段名照原样写英文。")
    kept_wrongly = expected - a
    dropped_wrongly = a - expected
    if dropped_wrongly:
        f = sorted(dropped_wrongly)[0]
        raise Wrong(f"「{f}」是声明的用途需要的字段（看一看 purposes() 表），不能删。")
    f = sorted(kept_wrongly)[0]
    raise Wrong(f"「{f}」没有任何声明的用途需要它，按最小必要原则不应收集。还差 {len(kept_wrongly)} 个。")


q18 = Question(
    "练习18",
    "信息库的用途只有 Q18_PURPOSES。Q18_FIELDS 中哪些字段不应收集？（列表）",
    _check_q18,
    hint=["对照 purposes() 表：一个字段只要有一个声明的用途需要它，就可以收集；没有任何用途需要的，按“最小必要”原则不收集。",
          "把两个用途需要的字段合在一起，Q18_FIELDS 里不在其中的就是答案，例如 answer = ['id_number', ...]。"],
    tier="拓展", kind="code",
    expected=lambda: _q18_expected(),
    solution="from crmlab.info import minimise\nr = minimise(Q18_FIELDS, Q18_PURPOSES)\nanswer = r.loc[~r['必要'], '字段'].tolist()",
)


# ------------------------------------------------------------------ q19 screening metric
Q19_CLUSTERS = pd.Series([1, 1, 1, 2, 2, 3], index=["R1", "R2", "R3", "R4", "R5", "R6"], name="合并结果")
Q19_TRUTH = pd.DataFrame(
    {"record_id": ["R1", "R2", "R3", "R4", "R5", "R6"], "person_id": ["甲", "甲", "乙", "丙", "丙", "丁"]}
)


def _check_q19(answer):
    from crmlab.infobase.screening import pairwise_scores

    s = pairwise_scores(Q19_CLUSTERS, Q19_TRUTH)
    if isinstance(answer, dict):
        raise Wrong("你交的是整个字典；请写成两个数的元组：(s['precision'], s['recall'])。")
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise Wrong("请交两个数：(精确率, 召回率)，都写成小数。")
    p, r = (_number(x, "小数") for x in answer)
    if _close(p, s["precision"]) and _close(r, s["recall"]):
        return
    if _close(p, s["recall"]) and _close(r, s["precision"]):
        raise Wrong("两个数的顺序反了：精确率在前，召回率在后。")
    if p > 1 or r > 1:
        if float(p).is_integer() and float(r).is_integer() and max(p, r) <= 15:
            raise Wrong(
                "你交的是“对数”，还要相除：精确率 = 判对的对数 ÷ 判为同一人的对数，召回率 = 判对的对数 ÷ 答案里同一人的对数。"
            )
        raise Wrong("请写成小数（0 到 1 之间），不是百分数。")
    raise Wrong(
        "数“记录对”：合并结果中同一组里的每两条记录是一对“判为同一人”的对；"
        "精确率 = 其中真属于同一人的对数 ÷ 判为同一人的对数；召回率 = 其中真属于同一人的对数 ÷ 答案里同一人的对数。"
    )


q19 = Question(
    "练习19",
    "6 条记录的合并结果 Q19_CLUSTERS 与正确答案 Q19_TRUTH，计算两两配对的精确率和召回率 (precision, recall)",
    _check_q19,
    hint=["按“记录对”数：同一组里的每两条记录是一对“判为同一人”的对；答案里同一个人的每两条记录是一对“真同一人”的对。",
          "组 1 有 3 条记录，能配成 3 对；组 2 有 2 条，1 对；一共判了 4 对。答案中“甲”2 条 1 对，“丙”2 条 1 对。再数判出的 4 对里哪些是对的。"],
    tier="拓展", kind="code",
    expected=lambda: tuple(round(float(_screening().pairwise_scores(Q19_CLUSTERS, Q19_TRUTH)[k]), 4)
                           for k in ("precision", "recall")),
    solution="from crmlab.infobase.screening import pairwise_scores\ns = pairwise_scores(Q19_CLUSTERS, Q19_TRUTH)\nanswer = (s['precision'], s['recall'])",
)


# ------------------------------------------------------------------ classroom questions (teacher's answer key)
def _cls_birthday() -> str:
    plan = ["name", "phone", "address", "email", "birth_date", "id_number", "income", "face_photo", "consent_marketing"]
    advice = _info().minimise(plan, ["订单配送", "营销推送", "生日关怀"]).set_index("字段")["建议"]
    return (f"要增加“生日关怀”这个用途；出生日期的建议变为“{advice['birth_date']}”。"
            f"身份证号仍是“{advice['id_number']}”。")


def _cls_identify() -> str:
    f = _flow(_group())
    parts = "、".join(f"{k} {v} 人" for k, v in f.summary.items())
    return (f"{f.n_records:,} 条零散记录合并成 {f.n_people:,} 人，其中 {f.n_known:,} 人已是客户，"
            f"{len(f.prospects):,} 人是潜在客户（{parts}）。这些人都只在外购名单里，联系前要先核实来源和真实性。")


def _cls_airline() -> str:
    orders = _load("orders")
    share = _analysis().top_share(orders, 0.2)
    n = orders["customer_id"].nunique()
    return (f"本公司 {n:,} 位有购买的客户中，排名前 20%（约 {round(0.2 * n):,} 位）贡献了 {share:.1%} 的销售额："
            "和航空公司一样，促销和服务改进应先对准这些客户。")


def _cls_screen() -> str:
    from crmlab.identify import explain_pair, screening_examples

    raw = _load("raw_records")
    recs = raw.set_index("record_id")
    lines = []
    for k, (a, b) in enumerate(screening_examples(raw)):
        d = explain_pair(recs.loc[a], recs.loc[b])
        lines.append(f"第 {k + 1} 对（{a}、{b}）：{d.rule}")
    return "；".join(lines) + "。"


def _cls_month() -> str:
    t = _analysis().month_over_month(_load("orders"), _load("interactions"), "2025-08")
    return t.attrs["explanation"]


def _cls_month_discussion() -> str:
    a = _analysis()
    t = a.month_over_month(_load("orders"), _load("interactions"), "2025-12")
    heavy = a.month_over_month(_load("orders"), _load("interactions"), "2025-08",
                               weights={"购买数量": 5, "投诉率": 1, "退货率": 1})
    return (f"不一定：卖得多，投诉次数自然多，要看每千件的投诉率。2025-12：{t.attrs['explanation']}"
            f"（若把 2025-08 购买数量的权重设成 5，总分 {heavy.attrs['score']:+.2f}，结论仍是“{heavy.attrs['verdict']}”。）")


def _cls_recommend() -> str:
    from crmlab import basket

    lines = _load("order_lines")
    rules = basket.find_rules(lines)
    who = basket.example_customer(rules, lines)
    recs = basket.recommend(rules, lines, who)
    return (f"例子客户 {who} 买过：{'、'.join(recs.attrs['bought'])}；推荐 {recs.iloc[0]['推荐类别']}"
            f"（{recs.iloc[0]['理由']}）。")


def _cls_confidence() -> str:
    from crmlab import basket

    strict = basket.find_rules(_load("order_lines"), min_confidence=0.7)
    return (f"最小置信度 70% 时剩下 {len(strict)} 条规则，提升度在 {strict['lift'].min():.2f}–{strict['lift'].max():.2f}："
            + "、".join(strict["rule"].head(5)) + "。提升度不超过 1 的规则不能作为交叉销售的依据。")


CLASSROOM = [
    ("课堂讨论：超市还想给会员发生日优惠券，要增加哪个用途？哪个字段的建议会改变？", _cls_birthday),
    ("客户识别的过程：本公司的零散记录合并成多少人？潜在客户有多少，各优先级多少人？", _cls_identify),
    ("案例（航空公司）：本公司排名前 20% 的客户贡献了多少销售额？促销应先对准谁？", _cls_airline),
    ("课堂互动（合并还是不合并）：控件里每一对记录，筛选规则怎样判断？", _cls_screen),
    ("关联分析：2025 年 8 月比 7 月，经营情况是变好还是变差？", _cls_month),
    ("课堂讨论：投诉次数多了，一定是服务变差了吗？2025-12 购买少了，结论为什么是“变好”？", _cls_month_discussion),
    ("交叉销售：课上的例子客户买过什么？该向他推荐什么？", _cls_recommend),
    ("课堂讨论（调门槛）：只把最小置信度拉到 70%，留下哪些规则？提升度是多少？", _cls_confidence),
]


__all__ = [
    "CLASSROOM",
    "Q7_PHONE",
    "Q8_BAND",
    "Q10_MONTH",
    "Q11_RULE",  # noqa: F822 - module __getattr__: for the group current when it is read
    "Q13_OPTIONS",
    "Q14_COLUMNS",
    "Q15_FIRST17",
    "Q16_IDS",
    "Q17_PHONES",
    "Q18_FIELDS",
    "Q18_PURPOSES",
    "Q19_CLUSTERS",
    "Q19_TRUTH",
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
