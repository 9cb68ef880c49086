"""Information types, collect by need (data minimisation) and consent."""

from __future__ import annotations

import pytest

from crmlab import CRMDataError, datasets, info


def test_course_columns_are_all_classified():
    for name in ("customers", "orders", "interactions", "survey"):
        cols = [c for c in datasets.load(name).columns if c not in ("source", "consent_marketing", "targeted_date", "survey_date", "cost", "gross_profit")]
        t = info.classify_columns(cols)
        assert set(t["信息类型"]) <= set(info.INFO_TYPES), t[~t["信息类型"].isin(info.INFO_TYPES)]


def test_types_of_typical_columns():
    t = info.classify_columns(["age", "amount", "satisfaction", "ls_fitness", "bn_price", "whatever"]).set_index("列名")["信息类型"]
    assert t["age"] == info.DESCRIPTIVE
    assert t["amount"] == info.BEHAVIOURAL
    assert t["satisfaction"] == t["ls_fitness"] == t["bn_price"] == info.ASSOCIATIVE
    assert t["whatever"] == "未归类"


def test_minimise_flags_unneeded_and_consent():
    plan = ["name", "phone", "address", "id_number", "face_photo", "birth_date", "hobby"]
    r = info.minimise(plan, ["订单配送"]).set_index("字段")
    assert r.loc[["name", "phone", "address"], "必要"].all()
    assert not r.loc[["id_number", "face_photo", "birth_date", "hobby"], "必要"].any()
    assert r.loc["face_photo", "建议"].startswith("不收集")
    assert r.loc["address", "同意要求"] == "无需另行同意"  # needed to deliver the order
    r2 = info.minimise(plan, ["订单配送", "生日关怀", "实名认证"]).set_index("字段")
    assert r2.loc["birth_date", "同意要求"] == "同意"
    assert r2.loc["id_number", "同意要求"] == "单独同意" and r2.loc["id_number", "敏感"]
    assert r2.loc["phone", "同意要求"] == "同意"  # also used for birthday greetings
    assert r2.loc["phone", "用途"] == "订单配送、生日关怀"


def test_minimise_errors():
    with pytest.raises(CRMDataError, match="用途"):
        info.minimise(["name"], [])
    with pytest.raises(CRMDataError, match="未知的用途"):
        info.minimise(["name"], ["大数据杀熟"])
    with pytest.raises(CRMDataError):
        info.minimise([], ["订单配送"])


def test_purposes_and_methods_tables():
    assert set(info.purposes()["用途"]) == set(info.PURPOSES)
    assert {"当面交谈", "电话询问", "邮寄调查", "问卷调查", "直接购买"} <= set(info.COLLECT_CHANNELS)


# ---------------------------------------------------------------- lesson 2 exercises
def test_lesson2_exercises_accept_solutions_and_catch_mistakes():
    import pandas as pd

    from crmlab import analysis
    from crmlab.exercises import lesson2 as L
    from crmlab.infobase import validate_id_number
    from crmlab.infobase.codes import id_check_digit, normalize_phone
    from crmlab.infobase.screening import pairwise_scores

    orders, customers, inter = datasets.load("orders"), datasets.load("customers"), datasets.load("interactions")
    good = {
        L.q14: {c: info.info_type(c) for c in L.Q14_COLUMNS},
        L.q15: id_check_digit(L.Q15_FIRST17),
        L.q16: [validate_id_number(x) for x in L.Q16_IDS],
        L.q7: L.Q7_PHONE[:3] + "****" + L.Q7_PHONE[-4:],
        L.q17: [normalize_phone(p) for p in L.Q17_PHONES],
        L.q18: info.minimise(L.Q18_FIELDS, L.Q18_PURPOSES).query("~必要")["字段"].tolist(),
        L.q8: analysis.favourite_by_age(orders, customers).loc[L.Q8_BAND, "favourite"],
        L.q9: analysis.top_share(orders, 0.2),
        L.q10: analysis.month_over_month(orders, inter, L.Q10_MONTH).attrs["verdict"],
        L.q19: tuple(pairwise_scores(L.Q19_CLUSTERS, L.Q19_TRUTH)[["precision", "recall"]]),
    }
    for q, ans in good.items():
        assert q.check(ans).correct, (q.name, q.check(ans))
        assert q.check(...).status == "not_answered"
        assert q.hint().message and q.solution().message
    assert L.q16.check([True, False, False, True, False]).correct  # the expected answer spelled out
    assert L.q19.check((0.5, 1.0)).correct  # 2 correct of 4 predicted pairs; both true pairs found

    def msg(q, a):
        r = q.check(a)
        assert not r.correct
        return r.message

    wrong_q1 = dict(good[L.q14], satisfaction="描述类信息")
    assert "关联类" in msg(L.q14, wrong_q1)
    assert "余数" in msg(L.q15, str(sum(int(d) * w for d, w in zip(L.Q15_FIRST17, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])) % 11))
    assert "中间" in msg(L.q7, "1391234****")
    assert "86" in msg(L.q17, ["8613912345678"] + good[L.q17][1:])
    assert "不能删" in msg(L.q18, good[L.q18] + ["name"])
    by_amount = analysis.favourite_by_age(orders, customers, value="amount").loc[L.Q8_BAND, "favourite"]
    if by_amount != good[L.q8]:
        assert "金额" in msg(L.q8, by_amount)
    assert "品类名称" in msg(L.q8, "不存在的品类")
    assert "百分数" in msg(L.q9, good[L.q9] * 100)
    assert "顺序" in msg(L.q19, (1.0, 0.5))
    assert msg(L.q10, "很好")
    table = analysis.month_over_month(orders, inter, L.Q10_MONTH)
    by_units = {"好转": "变好", "变坏": "变差", "持平": "持平"}[table["rating"].iloc[0]]
    assert by_units != good[L.q10]  # the exercise month is one where looking at purchases alone misleads
    assert "你只看了购买数量" in msg(L.q10, by_units)
    assert not L.q9.check(pd.Series([1.0])).correct


def test_info_functions_reject_absurd_inputs():
    from crmlab import CRMDataError

    for call in (lambda: info.info_type(None), lambda: info.classify_columns(None), lambda: info.classify_columns("age"),
                 lambda: info.minimise("name", ["订单配送"]), lambda: info.minimise(None, None)):
        with pytest.raises(CRMDataError):
            call()
