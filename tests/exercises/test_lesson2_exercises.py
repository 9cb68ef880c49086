"""Lesson 2 exercises: the reference answers pass, typical mistakes get targeted Chinese hints."""

from __future__ import annotations

import pandas as pd
import pytest

import crmlab
from crmlab import analysis, info
from crmlab.exercises import lesson2 as L
from crmlab.infobase import codes
from crmlab.infobase.screening import pairwise_scores

TABLE = "10X98765432"


def _msg(question, answer) -> str:
    res = question.check(answer)
    assert res.status == "incorrect", f"{question.name} accepted {answer!r}"
    return res.message


@pytest.fixture(scope="module")
def data():
    load = crmlab.datasets.load
    return {name: load(name) for name in ("customers", "orders", "interactions", "order_lines")}


def _q14_right() -> dict:
    return {c: info.info_type(c) for c in L.Q14_COLUMNS}


def _q15_parts() -> tuple[str, int]:
    total = sum(int(d) * w for d, w in zip(L.Q15_FIRST17, codes.ID_WEIGHTS))
    return TABLE[total % 11], total


def test_every_question_unanswered_and_has_hint_and_solution():
    for q in (L.q14, L.q15, L.q16, L.q7, L.q17, L.q18, L.q8, L.q9, L.q10, L.q19, L.q11, L.q12, L.q13):
        assert q.check(...).status == "not_answered"
        assert q.hint().message and q.solution().message


def test_q14_info_types():
    right = _q14_right()
    assert L.q14.check(right).correct
    assert L.q14.check(pd.Series(right)).correct
    wrong = {**right, "satisfaction": info.BEHAVIOURAL}
    assert "关联类信息" in _msg(L.q14, wrong) and "satisfaction" in _msg(L.q14, wrong)
    assert "全称" in _msg(L.q14, {**right, "age": "描述类"})
    assert "小写" in _msg(L.q14, {k.upper(): v for k, v in right.items()})
    assert "字典" in _msg(L.q14, list(right.values()))


def test_q15_check_digit():
    expected, total = _q15_parts()
    assert L.q15.check(expected).correct
    assert "余数" in _msg(L.q15, str(total % 11)) and "对照表" in _msg(L.q15, total % 11)
    assert "除以 11" in _msg(L.q15, str(total))
    assert "从 0 开始" in _msg(L.q15, TABLE[(total % 11 + 1) % 11])
    assert "18 位" in _msg(L.q15, L.Q15_FIRST17 + expected)
    if expected.isdigit():
        assert "字符串" in _msg(L.q15, int(expected))


def test_q16_validate_ids():
    expected = [codes.validate_id_number(x) for x in L.Q16_IDS]
    assert L.q16.check(expected).correct
    assert "引号" in _msg(L.q16, [str(x) for x in expected])
    assert "1/0" in _msg(L.q16, [int(x) for x in expected])
    short = next(i for i, x in enumerate(L.Q16_IDS) if len(x) != 18)
    flipped = [not x if i == short else x for i, x in enumerate(expected)]
    assert "位" in _msg(L.q16, flipped) and f"第 {short + 1} 个" in _msg(L.q16, flipped)


def test_q7_masking():
    p = L.Q7_PHONE
    assert L.q7.check(p[:3] + "****" + p[-4:]).correct
    assert "没有脱敏" in _msg(L.q7, p)
    assert "5 个" in _msg(L.q7, p[:3] + "*****" + p[-3:])
    assert "中间 4 位" in _msg(L.q7, p[:7] + "****")
    assert "前 3 位" in _msg(L.q7, "****" + p[4:])
    assert "空格" in _msg(L.q7, f"{p[:3]} **** {p[-4:]}")
    assert "原号码" in _msg(L.q7, p[:3] + "****" + p[-4:-1] + "0")


def test_q17_normalise_phones():
    expected = [codes.normalize_phone(x) for x in L.Q17_PHONES]
    assert L.q17.check(expected).correct
    naive = [x.replace(" ", "").replace("-", "") for x in L.Q17_PHONES]
    assert "86" in _msg(L.q17, naive)
    full = list(expected)
    full[2] = L.Q17_PHONES[2]
    assert "全角" in _msg(L.q17, full)
    same = list(expected)
    same[-1] = expected[0]
    assert "不能改动数字" in _msg(L.q17, same)
    assert "不要去重" in _msg(L.q17, list(dict.fromkeys(expected)))


def test_q18_minimisation():
    r = info.minimise(L.Q18_FIELDS, L.Q18_PURPOSES)
    drop = r.loc[~r["必要"], "字段"].tolist()
    keep = r.loc[r["必要"], "字段"].tolist()
    assert L.q18.check(drop).correct
    assert "应当收集" in _msg(L.q18, keep)
    assert "整张表" in _msg(L.q18, r)
    assert "还差 1 个" in _msg(L.q18, drop[:-1])
    assert "不能删" in _msg(L.q18, [*drop, keep[0]])
    assert "不在 Q18_FIELDS" in _msg(L.q18, [*drop, "收入"])


def test_q8_favourite_of_band(data):
    table = analysis.favourite_by_age(data["orders"], data["customers"])
    right = table.loc[L.Q8_BAND, "favourite"]
    assert L.q8.check(right).correct
    other = next(c for c in table["favourite"] if c != right)
    assert "年龄段" in _msg(L.q8, other) and L.Q8_BAND in _msg(L.q8, other)
    assert ".loc" in _msg(L.q8, table)
    by_amount = analysis.favourite_by_age(data["orders"], data["customers"], value="amount").loc[L.Q8_BAND, "favourite"]
    if by_amount != right:
        assert "金额" in _msg(L.q8, by_amount)


def test_q9_top_share(data):
    per = data["orders"].groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    k = round(0.2 * len(per))
    right = per.iloc[:k].sum() / per.sum()
    assert L.q9.check(right).correct
    assert L.q9.check(round(right, 2)).correct
    assert "百分数" in _msg(L.q9, right * 100)
    assert "写成小数" in _msg(L.q9, f"{right * 100:.0f}%")
    assert "80%" in _msg(L.q9, 1 - right)
    assert "ascending=False" in _msg(L.q9, per.iloc[-k:].sum() / per.sum())
    assert "除以" in _msg(L.q9, per.iloc[:k].sum())
    assert "差了一位" in _msg(L.q9, per.iloc[: k + 1].sum() / per.sum())
    assert "一张表" in _msg(L.q9, per)


def test_q10_month_verdict(data):
    table = analysis.month_over_month(data["orders"], data["interactions"], L.Q10_MONTH)
    right = table.attrs["verdict"]
    assert L.q10.check(right).correct
    assert "attrs" in _msg(L.q10, table)
    assert "单个指标" in _msg(L.q10, "好转")
    first = table.index[0]
    alone = {"好转": "变好", "变坏": "变差", "持平": "持平"}[table["rating"].iloc[0]]
    for other in sorted({"变好", "变差", "持平"} - {right}):
        message = _msg(L.q10, other)
        if other == alone:  # looked at the first indicator only
            assert f"你只看了{first}" in message
        else:
            assert "得分" in message and "加起来" in message


def test_q19_pairwise_scores():
    s = pairwise_scores(L.Q19_CLUSTERS, L.Q19_TRUTH)
    p, r = s["precision"], s["recall"]
    assert L.q19.check((p, r)).correct
    if p != r:
        assert "顺序反了" in _msg(L.q19, (r, p))
    assert "百分数" in _msg(L.q19, (p * 100 + 1, r * 100 + 1))
    assert "写成小数" in _msg(L.q19, (f"{p:.0%}", f"{r:.0%}"))
    assert "对数" in _msg(L.q19, (2, 4))
    assert "字典" in _msg(L.q19, dict(s))
    assert "两个数" in _msg(L.q19, p)


def test_q11_lift(data):
    rules = analysis.find_rules(data["order_lines"])
    row = rules.loc[rules["rule"] == f"{L.Q11_RULE[0]} → {L.Q11_RULE[1]}"].iloc[0]
    back = rules.loc[rules["rule"] == f"{L.Q11_RULE[1]} → {L.Q11_RULE[0]}"].iloc[0]
    assert L.q11.check(row["lift"]).correct
    assert L.q11.check(round(row["lift"], 2)).correct
    assert "置信度" in _msg(L.q11, row["confidence"])
    assert "支持度" in _msg(L.q11, row["support"])
    assert "除反了" in _msg(L.q11, 1 / row["lift"])
    assert "倍数" in _msg(L.q11, row["lift"] * 100)
    assert "分母" in _msg(L.q11, row["confidence"] / row["support"])
    assert "反方向" in _msg(L.q11, back["confidence"])
    assert "一张表" in _msg(L.q11, rules)
    # rounding too coarsely is named as rounding, never blamed on the rule's direction
    for coarse in (round(row["lift"], 1), float(int(row["lift"])), float(round(row["lift"]))):
        message = _msg(L.q11, coarse)
        assert "取整" in message and "两位小数" in message and "注意方向" not in message
    other = rules.loc[(rules["lift"] - row["lift"]).abs() > 0.05].iloc[0]
    assert other["rule"] in _msg(L.q11, round(other["lift"], 2))
    assert "不分方向" in _msg(L.q11, 7.77)


def test_q12_lift_threshold(data):
    rules = analysis.find_rules(data["order_lines"])
    strongest = rules["lift"].max()
    assert L.q12.check((1.0 + strongest) / 2).correct
    assert "太低" in _msg(L.q12, 0.5)
    assert "太高" in _msg(L.q12, strongest + 1)
    assert "负数" in _msg(L.q12, -1)
    assert "1.2" in _msg(L.q12, "120%")


def test_q13_choice():
    assert L.q13.check("B").correct and L.q13.check(" b ").correct
    assert "提升度" in _msg(L.q13, "A")
    assert "支持度" in _msg(L.q13, "C")
    assert "倍" in _msg(L.q13, "D")
    assert "字母" in _msg(L.q13, "E")


def test_odd_answers_get_specific_feedback():
    import numpy as np

    expected = [codes.validate_id_number(x) for x in L.Q16_IDS]
    assert L.q16.check(np.array(expected)).correct
    assert "没有归类" in _msg(L.q14, {"age": info.DESCRIPTIVE})
    assert "没有归类" in _msg(L.q14, {})
    for q in (L.q14, L.q15, L.q16, L.q7, L.q17, L.q18, L.q8, L.q9, L.q10, L.q19, L.q11, L.q12, L.q13):
        for odd in (0, "", [], {}, pd.DataFrame({"x": [1, 2]}), object()):
            res = q.check(odd)
            assert res.status == "incorrect", (q.name, odd)
            assert "形式不对" not in res.message, (q.name, odd, res.message)
