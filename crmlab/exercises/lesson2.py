"""Lesson 2 exercises (收集客户信息): information types, ID check digit, validation,
masking, phone normalisation, data minimisation, the four analyses, screening metric,
association rules (lift, a lift threshold, why a rule with lift < 1 is useless).

Use in a notebook::

    from crmlab.exercises.lesson2 import *
    q1.check(answer)   # q1.hint(), q1.solution()
"""

from __future__ import annotations

import numbers

import pandas as pd

from crmlab.exercises._core import Question, Wrong, is_close
from crmlab.exercises._slips import number as _number


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
Q1_COLUMNS = ["age", "city", "phone", "order_date", "amount", "category", "satisfaction", "loyalty", "bn_price", "type"]


def _q1_keys_and_names(answer: dict, types) -> None:
    missing = [c for c in Q1_COLUMNS if c not in answer]
    if missing and any(k not in Q1_COLUMNS and str(k).strip().lower() in Q1_COLUMNS for k in answer):
        raise Wrong("字典的键要和 Q1_COLUMNS 中的列名一模一样（小写英文），例如 'age'。")
    if missing:
        raise Wrong(f"还有列没有归类：{missing}。")
    bad_names = {str(v) for v in answer.values() if v not in types}
    for name in sorted(bad_names):
        full = [t for t in types if name.strip() and t.startswith(name.strip())]
        if full:
            raise Wrong(f"类型名请写全称：「{name}」要写成「{full[0]}」。三种类型是 {'、'.join(types)}。")
    if bad_names:
        raise Wrong(f"信息类型只能写 {'、'.join(types)}；「{sorted(bad_names)[0]}」不是。")


def _check_q1(answer):
    from crmlab import info

    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, dict):
        raise Wrong("请交一个字典：{列名: 信息类型}，例如 {'age': '描述类信息', ...}。")
    _q1_keys_and_names(answer, info.INFO_TYPES)
    wrong = [c for c in Q1_COLUMNS if answer[c] != info.info_type(c)]
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


q1 = Question(
    "练习1",
    "把 Q1_COLUMNS 中的每一列归入描述类、行为类或关联类信息（字典 {列名: 类型}）",
    _check_q1,
    hint="问自己：这一列回答的是“客户是谁”（描述类）、“客户做了什么”（行为类），还是“客户为什么这样做”（关联类）？bn_ 开头的是“追求的利益”调查题。",
    solution="from crmlab import info\nanswer = {c: info.info_type(c) for c in Q1_COLUMNS}",
)


# ------------------------------------------------------------------ q2 ID check digit
Q2_FIRST17 = "44030419850615123"


def _check_q2(answer):
    from crmlab.infobase.codes import ID_WEIGHTS, id_check_digit

    expected = id_check_digit(Q2_FIRST17)
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
    if len(a) == 18 and a.startswith(Q2_FIRST17):
        raise Wrong("你交的是完整的 18 位号码；这里只要第 18 位那一个字符，例如 answer = '7'。")
    total = sum(int(d) * w for d, w in zip(Q2_FIRST17, ID_WEIGHTS))
    table = "10X98765432"
    if a in (table[(total % 11 + 1) % 11], table[(total % 11 - 1) % 11]):
        raise Wrong(f"查表时差了一位：余数是 {total % 11}，取 '10X98765432'[{total % 11}]，位置要从 0 开始数。")
    if a == str(total % 11):
        raise Wrong(
            f"你算出了余数 {total % 11}，但余数还要查对照表 '10X98765432' 才是校验码：余数是几，就取第几位（从 0 数起）。"
        )
    if a in (str(total), str(total % 10)):
        raise Wrong("加权和之后还要除以 11 取余数，再查对照表 '10X98765432'。")
    raise Wrong(f"还不对。加权和应是 {total}：检查每一位是否乘对了权重（7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2）。")


q2 = Question(
    "练习2",
    "算出身份证号前 17 位 Q2_FIRST17 的第 18 位校验码（字符串）",
    _check_q2,
    hint="前 17 位分别乘以权重 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 并求和；和除以 11 取余数 r；校验码是 '10X98765432'[r]。",
    solution="W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]\ns = sum(int(d) * w for d, w in zip(Q2_FIRST17, W))\nanswer = '10X98765432'[s % 11]",
)


# ------------------------------------------------------------------ q3 validate IDs
Q3_IDS = ["11010519491231002X", "110105194912310021", "44030419850615123", "320508198207169006", "110101199013011238"]


def _check_q3(answer):
    from crmlab.infobase.codes import validate_id_number

    expected = [validate_id_number(x) for x in Q3_IDS]
    answer = _as_list(answer, len(Q3_IDS), "每个身份证号是否有效（True/False）")
    if not all(type(a).__name__ in ("bool", "bool_") for a in answer):
        if any(isinstance(a, str) for a in answer):
            raise Wrong("列表里请只放 True 或 False，不要加引号（写 True，不写 'True' 或 '有效'）。")
        raise Wrong("列表里请只放 True 或 False（不用 1/0）。")
    answer = [bool(a) for a in answer]
    if answer == expected:
        return
    i = next(k for k in range(len(expected)) if answer[k] != expected[k])
    x = Q3_IDS[i]
    if len(x) != 18:
        raise Wrong(f"第 {i + 1} 个号码只有 {len(x)} 位：18 位是最基本的要求。")
    if x[10:12] > "12":
        raise Wrong(f"第 {i + 1} 个号码的出生日期部分（第 7-14 位）是 {x[6:14]}，月份不存在。")
    raise Wrong(f"第 {i + 1} 个号码判断错了：重新计算它的校验码，和最后一位比一比。")


q3 = Question(
    "练习3",
    "判断 Q3_IDS 中 5 个身份证号是否有效（True/False 列表）",
    _check_q3,
    hint="有效的号码要同时满足：18 位；前 17 位是数字；第 7-14 位是真实存在的日期；最后一位等于校验码。可以用 validate_id_number 验证你的判断。",
    solution="from crmlab.infobase import validate_id_number\nanswer = [validate_id_number(x) for x in Q3_IDS]",
)


# ------------------------------------------------------------------ q4 masking
Q4_PHONE = "13912345678"


def _check_q4(answer):
    if not isinstance(answer, str):
        raise Wrong("请交一个字符串，例如 '138****5678'。")
    a = answer.strip()
    expected = Q4_PHONE[:3] + "****" + Q4_PHONE[-4:]
    if a == expected:
        return
    _q4_slip(a, expected)


def _q4_slip(a: str, expected: str) -> None:
    if a.replace(" ", "").replace("-", "") == expected:
        raise Wrong("不要加空格或短横线，直接写成“前 3 位 + **** + 后 4 位”。")
    if a == Q4_PHONE or a.isdigit():
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
    if a[:3] != Q4_PHONE[:3] or a[-4:] != Q4_PHONE[-4:]:
        raise Wrong(f"留下的数字要和原号码 {Q4_PHONE} 一样：前 3 位是 {Q4_PHONE[:3]}，后 4 位是 {Q4_PHONE[-4:]}。")
    raise Wrong("格式是“前 3 位 + **** + 后 4 位”。")


q4 = Question(
    "练习4",
    "把手机号 Q4_PHONE 脱敏成“前 3 位 + **** + 后 4 位”",
    _check_q4,
    hint="字符串切片：phone[:3] 是前 3 位，phone[-4:] 是后 4 位。",
    solution="answer = Q4_PHONE[:3] + '****' + Q4_PHONE[-4:]",
)


# ------------------------------------------------------------------ q5 normalise phones
Q5_PHONES = ["+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８", "8613912345678", "139 1234 5679"]


def _is_deduplicated(answer, expected: list[str]) -> bool:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or not 0 < len(answer) < len(expected):
        return False
    texts = [str(a) for a in answer]
    return len(set(texts)) == len(texts) and set(texts) <= set(expected)


def _check_q5(answer):
    from crmlab.infobase.codes import normalize_phone

    expected = [normalize_phone(p) for p in Q5_PHONES]
    if _is_deduplicated(answer, expected):
        raise Wrong(f"这里不要去重：每个原始号码对应一个整理结果，按原来的顺序一共 {len(Q5_PHONES)} 项。")
    answer = _as_list(answer, len(Q5_PHONES), "整理后的手机号")
    answer = [str(a) for a in answer]
    if answer == expected:
        return
    a, e, raw = next(t for t in zip(answer, expected, Q5_PHONES) if t[0] != t[1])
    if a.startswith("86") or a.startswith("+86"):
        raise Wrong(f"「{raw}」：国家代码 +86/86 要去掉，只留 11 位手机号。")
    if any(ch in a for ch in " -"):
        raise Wrong(f"「{raw}」：空格和短横线都要去掉。")
    if not a.isascii():
        raise Wrong(f"「{raw}」是全角数字，要转成普通的半角数字（可用 unicodedata.normalize('NFKC', s)）。")
    if a.isdigit() and len(a) == 11:
        raise Wrong(f"「{raw}」整理后是 {e}：只去掉符号、转换全角，不能改动数字本身（看着像同一个号码也不能改）。")
    raise Wrong(f"「{raw}」整理后应是 11 位数字。")


q5 = Question(
    "练习5",
    "把 Q5_PHONES 整理成统一的 11 位手机号（列表）",
    _check_q5,
    hint="先把全角转半角（unicodedata.normalize('NFKC', s)），再去掉空格、短横线和 +，最后去掉开头的国家代码 86。",
    solution="from crmlab.infobase.codes import normalize_phone\nanswer = [normalize_phone(p) for p in Q5_PHONES]",
)


# ------------------------------------------------------------------ q6 minimisation
Q6_FIELDS = ["name", "phone", "address", "id_number", "birth_date", "income", "hobby", "email"]
Q6_PURPOSES = ["订单配送", "营销推送"]


def _check_q6(answer):
    from crmlab.info import minimise

    r = minimise(Q6_FIELDS, Q6_PURPOSES)
    expected = set(r.loc[~r["必要"], "字段"])
    if isinstance(answer, pd.DataFrame):
        raise Wrong("你交的是整张表；这里只要不应收集的字段名列表，例如 ['income', ...]（表中“必要”为 False 的字段）。")
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise Wrong("请交一个列表，写出不应收集的字段名。")
    a = {str(x) for x in answer}
    if a == expected:
        return
    if a == set(Q6_FIELDS) - expected:
        raise Wrong("你列出的是应当收集的字段；题目问的是反过来：哪些字段不应收集。")
    unknown = sorted(a - set(Q6_FIELDS))
    if unknown:
        raise Wrong(f"「{unknown[0]}」不在 Q6_FIELDS 里：只从 {Q6_FIELDS} 中挑，字段名照原样写英文。")
    kept_wrongly = expected - a
    dropped_wrongly = a - expected
    if dropped_wrongly:
        f = sorted(dropped_wrongly)[0]
        raise Wrong(f"「{f}」是声明的用途需要的字段（看一看 purposes() 表），不能删。")
    f = sorted(kept_wrongly)[0]
    raise Wrong(f"「{f}」没有任何声明的用途需要它，按最小必要原则不应收集。还差 {len(kept_wrongly)} 个。")


q6 = Question(
    "练习6",
    "信息库的用途只有 Q6_PURPOSES。Q6_FIELDS 中哪些字段不应收集？（列表）",
    _check_q6,
    hint="对照 purposes() 表：一个字段只要有一个声明的用途需要它，就可以收集；没有任何用途需要的，按“最小必要”原则不收集。",
    solution="from crmlab.info import minimise\nr = minimise(Q6_FIELDS, Q6_PURPOSES)\nanswer = r.loc[~r['必要'], '字段'].tolist()",
)


# ------------------------------------------------------------------ q7 basic: favourite of an age band
Q7_BAND = "25-34岁"


def _check_q7(answer):
    from crmlab import analysis, datasets

    t = analysis.favourite_by_age(datasets.load("orders"), datasets.load("customers"))
    expected = t.loc[Q7_BAND, "最爱品类"]
    if isinstance(answer, (pd.DataFrame, pd.Series)):
        raise Wrong(f"你交的是整张表或一行；只要一个品类名称：在表后面加上 .loc['{Q7_BAND}', '最爱品类']。")
    if not isinstance(answer, str):
        raise Wrong("请交一个品类名称（字符串），例如 '生鲜果蔬'。")
    if answer.strip() == expected:
        return
    others = [band for band in t.index if band != Q7_BAND and t.loc[band, "最爱品类"] == answer.strip()]
    if others:
        raise Wrong(f"这是「{others[0]}」等其他年龄段最爱的品类；题目问的是「{Q7_BAND}」这一行。")
    by_amount = analysis.favourite_by_age(datasets.load("orders"), datasets.load("customers"), value="amount")
    if answer.strip() == by_amount.loc[Q7_BAND, "最爱品类"]:
        raise Wrong("你按购买金额比较了；题目要比较的是购买件数（quantity），就像口红例子里比较的是买了多少支。")
    overall = datasets.load("orders").groupby("category")["quantity"].sum().idxmax()
    if answer.strip() == overall:
        raise Wrong("这是所有客户合计最多的品类；题目只看这个年龄段的客户。")
    raise Wrong(f"还不对。先用 favourite_by_age(orders, customers) 做交叉表，再看「{Q7_BAND}」这一行。")


q7 = Question(
    "练习7",
    "课程数据中，25-34 岁的个人客户购买件数最多的是哪个品类？",
    _check_q7,
    hint="像口红颜色的例子一样：先把客户按年龄分段，再统计每段购买各品类的件数，件数最多的就是该段的偏好。",
    solution="from crmlab import analysis\nanswer = analysis.favourite_by_age(orders, customers).loc['25-34岁', '最爱品类']",
)


# ------------------------------------------------------------------ q8 statistical: top 20 %
def _check_q8(answer):
    from crmlab import analysis, datasets

    orders = datasets.load("orders")
    expected = analysis.top_share(orders, 0.2)
    v = _number(answer, "一个小数")
    if _close(v, expected) or any(v == round(expected, n) for n in (2, 3, 4)):
        return
    if _close(v, expected * 100, abs_=0.05):
        raise Wrong("你写成了百分数；请写成小数（例如 0.65 而不是 65）。")
    _q8_slip(v, orders, expected)
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
    raise Wrong("还不对：先按客户汇总销售额，从高到低排序，取前 20% 的客户，算他们的销售额之和占总额的比例。")


def _q8_slip(v: float, orders, expected: float) -> None:
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


q8 = Question(
    "练习8",
    "课程订单数据中，销售额排名前 20% 的客户贡献了全部销售额的多大比例？（小数）",
    _check_q8,
    hint="groupby('customer_id')['amount'].sum() → sort_values(ascending=False) → 取前 20% 个客户 → 求和 ÷ 总额。",
    solution="from crmlab import analysis\nanswer = analysis.top_share(orders, 0.2)",
)


# ------------------------------------------------------------------ q9 association: verdict
Q9_MONTH = "2025-11"


def _check_q9(answer):
    from crmlab import analysis, datasets

    t = analysis.month_over_month(datasets.load("orders"), datasets.load("interactions"), Q9_MONTH)
    expected = t.attrs["verdict"]
    if isinstance(answer, pd.DataFrame):
        raise Wrong("你交的是整张对比表；只要一个结论：看“结论”列，或用 table.attrs['verdict']。")
    if isinstance(answer, str) and answer.strip() in ("好转", "变坏"):
        raise Wrong(f"「{answer.strip()}」是单个指标的评价；总体结论请用 '变好'、'变差' 或 '持平' 之一回答。")
    if not isinstance(answer, str) or answer.strip() not in ("变好", "变差", "持平"):
        raise Wrong("请回答 '变好'、'变差' 或 '持平' 之一。")
    if answer.strip() == expected:
        return
    unweighted = analysis.month_over_month(
        datasets.load("orders"),
        datasets.load("interactions"),
        Q9_MONTH,
        weights={"购买数量": 1, "投诉次数": 1, "退货次数": 1},
    ).attrs["verdict"]
    if answer.strip() == unweighted:
        raise Wrong("你把三项指标看得一样重。规则里购买数量的权重是 3，投诉、退货各是 1：先乘以权重再相加。")
    raise Wrong(
        "再看看三个指标的方向：购买数量增加是好事，投诉和退货增加是坏事。"
        "逐项打分（好 +1、坏 −1、变化不超过 5% 算 0），再乘以权重（购买数量 3，投诉、退货各 1），"
        "加权总分为正就是变好，为负就是变差。"
    )


q9 = Question(
    "练习9",
    "比较 2025-11 与 2025-10 的购买数量、投诉次数和退货次数，经营情况是变好、变差还是持平？",
    _check_q9,
    hint="用 month_over_month(orders, interactions, '2025-11') 得到对比表，看“评价”和“得分”列（得分 = 权重 × ±1），把得分加起来。",
    solution="from crmlab import analysis\nanswer = analysis.month_over_month(orders, interactions, '2025-11').attrs['verdict']",
)


# ------------------------------------------------------------------ q10 screening metric
Q10_CLUSTERS = pd.Series([1, 1, 1, 2, 2, 3], index=["R1", "R2", "R3", "R4", "R5", "R6"], name="合并结果")
Q10_TRUTH = pd.DataFrame(
    {"record_id": ["R1", "R2", "R3", "R4", "R5", "R6"], "person_id": ["甲", "甲", "乙", "丙", "丙", "丁"]}
)


def _check_q10(answer):
    from crmlab.infobase.screening import pairwise_scores

    s = pairwise_scores(Q10_CLUSTERS, Q10_TRUTH)
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


q10 = Question(
    "练习10",
    "6 条记录的合并结果 Q10_CLUSTERS 与正确答案 Q10_TRUTH，计算两两配对的精确率和召回率 (precision, recall)",
    _check_q10,
    hint="组 1 有 3 条记录，能配成 3 对；组 2 有 2 条，1 对；一共判了 4 对。答案中“甲”2 条 1 对，“丙”2 条 1 对。再数判出的 4 对里哪些是对的。",
    solution="from crmlab.infobase.screening import pairwise_scores\ns = pairwise_scores(Q10_CLUSTERS, Q10_TRUTH)\nanswer = (s['precision'], s['recall'])",
)


# ------------------------------------------------------------------ q11-q13 association rules (data mining)
Q11_RULE = ("酒水饮料", "休闲零食")  # antecedent, consequent
Q13_OPTIONS = {
    "A": "置信度 68% 还不够高，要到 80% 以上才可信",
    "B": "生鲜果蔬本来就在约 78% 的订单里，买了节日礼盒的订单里反而只有 68% 有它：这条规则没有带来额外的信息",
    "C": "支持度只有 8%，这个组合太少见，不值得专门做活动",
    "D": "提升度 0.87 说明这条规则只在 87% 的情况下成立，还要收集更多数据",
}


def _course_rules(**kwargs):
    from crmlab import basket, datasets

    return basket.find_rules(datasets.load("order_lines"), **kwargs)


def _rule_row(rules, antecedent: str, consequent: str):
    hit = rules[(rules["antecedents"] == frozenset([antecedent])) & (rules["consequents"] == frozenset([consequent]))]
    return hit.iloc[0]


def _check_q11(answer):
    rules = _course_rules()
    r = _rule_row(rules, *Q11_RULE)
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
    raise Wrong(f"还不对。在规则表里找前项是{Q11_RULE[0]}、后项是{Q11_RULE[1]}的那一行（注意方向），读“提升度”列。")


def _q11_slip(value: float, rules, r) -> None:
    if _close(value, r["confidence"] / r["support"], abs_=0.01):
        raise Wrong("分母用错了：要除以后项支持度（全部订单中买后项的比例），不是这条规则的支持度。")
    back = rules[rules["rule"] == f"{Q11_RULE[1]} → {Q11_RULE[0]}"]
    if len(back) and _close(value, back["confidence"].iloc[0], abs_=0.01):
        raise Wrong(f"这是反方向规则 {Q11_RULE[1]} → {Q11_RULE[0]} 的置信度；题目要的是提升度。")


q11 = Question(
    "练习11",
    f"用默认门槛找出按订单的关联规则，规则 {Q11_RULE[0]} → {Q11_RULE[1]} 的提升度是多少？（保留两位小数即可）",
    _check_q11,
    hint="rules = analysis.find_rules(order_lines)，再用 analysis.rules_table(rules) 查看；"
    "注意 A → B 和 B → A 是两条规则，置信度不同，提升度却一样。",
    solution="from crmlab import analysis, datasets\nrules = analysis.find_rules(datasets.load('order_lines'))\n"
    "answer = rules.loc[rules['rule'] == '酒水饮料 → 休闲零食', 'lift'].iloc[0]",
)


def _check_q12(answer):
    from crmlab._errors import CRMDataError
    from crmlab.datasets._companies import get_company

    x, y = get_company(0).cross_sell
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
    hint="先看全部规则的提升度：最强的规则约为 2，其余都在 1 附近或小于 1。门槛应该落在两者之间。",
    solution="answer = 1.2",
)


def _check_q13(answer):
    if isinstance(answer, (list, tuple, set)) and len(answer) == 1:
        answer = next(iter(answer))
    if not isinstance(answer, str) or answer.strip().upper().rstrip(".、") not in Q13_OPTIONS:
        raise Wrong("请回答一个选项字母：'A'、'B'、'C' 或 'D'。")
    choice = answer.strip().upper().rstrip(".、")
    if choice == "B":
        return
    raise Wrong(
        {
            "A": "置信度高低不是关键：就算置信度有 90%，只要后项本来就在 95% 的订单里，这条规则也说明不了什么。要和后项本来的比例比，也就是看提升度。",
            "C": "支持度 8% 并不算低（每 12 笔订单就有 1 笔）；问题出在提升度：买了节日礼盒的订单里有生鲜果蔬的比例，比全部订单的平均水平还低。",
            "D": "提升度不是“成立的比例”，而是“比平时高几倍”：0.87 表示买了礼盒的订单买生鲜果蔬的可能性只有平时的 0.87 倍，反而更低。",
        }[choice]
    )


q13 = Question(
    "练习13",
    "规则“节日礼盒 → 生鲜果蔬”的置信度约 68%，看起来很高，可提升度只有约 0.87。为什么不能据此在礼盒旁边推销生鲜果蔬？"
    "从 Q13_OPTIONS 中选一个字母。",
    _check_q13,
    hint="提升度 = 置信度 ÷ 全部订单中买生鲜果蔬的比例。先看看全部订单里有多少比例买了生鲜果蔬。",
    solution="answer = 'B'",
)


__all__ = [
    "Q1_COLUMNS",
    "Q2_FIRST17",
    "Q3_IDS",
    "Q4_PHONE",
    "Q5_PHONES",
    "Q6_FIELDS",
    "Q6_PURPOSES",
    "Q7_BAND",
    "Q9_MONTH",
    "Q10_CLUSTERS",
    "Q10_TRUTH",
    "Q11_RULE",
    "Q13_OPTIONS",
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
]
