"""The customer information base: codes, validation, masking, transactions, history, roles."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError
from crmlab.infobase import InfoBase, codes, security
from crmlab.infobase.base import estimate_id_valid_to, estimate_id_valid_to_series

CLOCK = lambda: "2026-01-01 09:00:00"  # noqa: E731


def make_id(first17: str) -> str:
    return first17 + codes.id_check_digit(first17)


@pytest.fixture
def base():
    b = InfoBase(":memory:", clock=CLOCK)
    yield b
    b.close()


def small_customers():
    return pd.DataFrame(
        {
            "name": ["张三", "李四", "王五"],
            "customer_type": ["个人", "个人", "企业"],
            "phone": ["138 1234 5678", "+86-139-0000-1111", "1371111"],
            "email": ["zs@example.com", "bad-email", None],
            "id_number": [make_id("11010119900101123"), "110101199001011230", None],
            "birth_date": pd.to_datetime(["1990-01-01", "2000-06-15", None]),
            "region": ["华北", "华东", "西南"],
            "consent_marketing": [True, False, True],
        }
    )


# ---------------------------------------------------------------- codes
def test_gb11643_check_digit_known_example():
    # the example of the standard: 11010519491231002X
    assert codes.id_check_digit("11010519491231002") == "X"
    assert codes.validate_id_number("11010519491231002X")
    assert codes.validate_id_number("11010519491231002x")  # lower-case x accepted
    assert not codes.validate_id_number("110105194912310021")  # wrong check digit
    assert not codes.validate_id_number(make_id("11010519491331002"))  # month 13
    assert not codes.validate_id_number("1101051949123100")  # too short


def test_customer_code_rule_and_check_digit():
    code = codes.make_customer_code("个人", "华北", 42)
    assert code[:9] == "P02000042" and len(code) == 10
    assert codes.check_customer_code(code)
    # every single mistyped digit is caught by the Luhn digit
    for pos in range(1, 10):
        for d in "0123456789":
            if d != code[pos]:
                assert not codes.check_customer_code(code[:pos] + d + code[pos + 1 :])
    vec = codes.make_customer_codes(["个人", "企业", "个人"], ["华北", "东北", "火星"], start=41).tolist()
    assert vec == [
        codes.make_customer_code("个人", "华北", 41),
        codes.make_customer_code("企业", "东北", 42),
        codes.make_customer_code("个人", "火星", 43),
    ]
    assert vec[2][1:3] == "00"  # unknown region
    with pytest.raises(CRMDataError):
        codes.make_customer_code("外星人", "华北", 1)


@pytest.mark.parametrize(
    "raw, ok",
    [
        ("13812345678", True),
        ("138 1234 5678", True),
        ("138-1234-5678", True),
        ("+86 13812345678", True),
        ("+86-138-1234-5678", True),
        ("１３８１２３４５６７８", True),
        ("12812345678", False),
        ("1381234567", False),
        ("", False),
        (None, False),
    ],
)
def test_mobile_validation(raw, ok):
    assert codes.validate_mobile(raw) is ok
    assert bool(codes.validate_mobile_series(pd.Series([raw]))[0]) is ok


def test_email_and_id_series_match_scalars():
    emails = pd.Series(["a@b.cn", " A.B@QQ.COM ", "a@b", "no-at", None])
    assert codes.validate_email_series(emails).tolist() == [codes.validate_email(e) for e in emails]
    ids = pd.Series(["11010519491231002X", "11010519491231002x", "110105194912310021", "１１０１０５１９４９１２３１００２Ｘ", None, "abc"])
    assert codes.validate_id_series(ids).tolist() == [True, True, False, True, False, False]


def test_vectorised_validators_agree_with_scalars_on_fuzzed_values():
    """The numpy fast paths must give exactly what the plain scalar rules give."""
    rng = np.random.default_rng(1)
    good_id = "11010519491231002X"
    phones, ids = [], []
    for _ in range(3000):
        p = "1" + "".join(rng.choice(list("0123456789"), 10))
        k = rng.integers(0, 9)
        if k == 1:
            p = p[:3] + " " + p[3:7] + " " + p[7:]
        elif k == 2:
            p = "+86" + p
        elif k == 3:
            p = p[:-1]
        elif k == 4:
            p = p.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        elif k == 5:
            p = p + "\x00"
        elif k == 6:
            p = p[:5] + "a" + p[6:]
        phones.append(p)
        body = "".join(rng.choice(list("0123456789"), 6)) + f"{rng.integers(1890, 2030)}{rng.integers(0, 14):02d}{rng.integers(0, 33):02d}" + "".join(rng.choice(list("0123456789"), 3))
        last = codes.id_check_digit(body) if rng.random() < 0.6 else str(rng.choice(list("0123456789Xx")))
        ids.append(body + last if rng.random() < 0.9 else good_id[: rng.integers(0, 18)])
    ids += ["20000229" .rjust(14, "1") + "0011", "110105190002290010", good_id.lower(), " " + good_id]
    ps, is_ = pd.Series(phones), pd.Series(ids)
    assert codes.validate_mobile_series(ps).tolist() == [codes.validate_mobile(p) for p in phones]
    assert codes.validate_id_series(is_).tolist() == [codes.validate_id_number(v) for v in ids]
    assert codes.normalize_phone_series(ps).tolist() == [codes.normalize_phone(p) for p in phones]
    assert 0 < codes.validate_id_series(is_).mean() < 1 and 0 < codes.validate_mobile_series(ps).mean() < 1


def test_accuracy_report_counts():
    rep = codes.accuracy_report(small_customers())
    assert rep.loc["手机号", "已填写"] == 3 and rep.loc["手机号", "有效"] == 2
    assert rep.loc["电子邮箱", "已填写"] == 2 and rep.loc["电子邮箱", "无效"] == 1
    assert rep.loc["身份证号", "有效"] == 1
    assert rep.loc["电子邮箱", "准确率"] == pytest.approx(0.5)


# ---------------------------------------------------------------- masking
def test_masks():
    assert security.mask_phone("13812345678") == "138****5678"
    assert security.mask_name("张三") == "张*"
    assert security.mask_name("欧阳娜娜") == "欧***"
    assert security.mask_id("110101199001011234") == "110101********1234"
    assert security.mask_email("zhangsan@example.com") == "z***@example.com"
    assert security.mask_phone(None) == ""


# ---------------------------------------------------------------- import
def test_import_customers_codes_provenance_and_report(base):
    r = base.import_customers(small_customers(), source="门店登记", channel="当面交谈", collected_at="2025-06-01")
    assert r.n_rows == 3
    df = base.table("customers")
    assert df["code"].map(codes.check_customer_code).all()
    assert df["code"].str[0].tolist() == ["P", "P", "B"]
    assert set(df["source"]) == {"门店登记"} and set(df["collect_channel"]) == {"当面交谈"}
    assert set(df["collected_at"]) == {"2025-06-01"}
    assert df.loc[0, "phone"] == "13812345678"  # normalised
    assert r.report.loc["电子邮箱", "无效"] == 1
    # a second import continues the sequence
    r2 = base.import_customers(small_customers().iloc[:1], source="官网", channel="网站注册", collected_at="2025-07-01")
    assert base.customer(r2.customer_ids[0])["seq"] == 4


def test_strict_import_is_all_or_nothing(base):
    with pytest.raises(CRMDataError, match="手机号"):
        base.import_customers(small_customers(), source="门店", channel="当面交谈", collected_at="2025-06-01", strict=True)
    assert base.counts()["customers"] == 0
    assert base.counts()["import_batches"] == 0


def test_provenance_is_required(base):
    df = pd.DataFrame({"name": ["张三"]})
    with pytest.raises(CRMDataError, match="来源"):
        base.import_records(df, channel="电话询问", collected_at="2025-01-01")
    with pytest.raises(CRMDataError, match="时间"):
        base.import_records(df, source="客服部", channel="电话询问")
    assert base.counts()["raw_records"] == 0


def test_sql_injection_is_stored_as_text(base):
    evil = "'); DROP TABLE customers;--"
    cid = base.add_customer({"name": evil, "phone": "13812345678"}, source="官网", channel="网站注册", consent_marketing=True)
    base.import_records(pd.DataFrame({"name": [evil], "city": ["北京'; DELETE FROM raw_records;--"]}), source=evil, channel="问卷调查", collected_at="2025-01-01")
    assert base.customer(cid)["name"] == evil
    assert base.table("raw_records").loc[0, "source"] == evil
    assert base.counts()["customers"] == 1 and base.counts()["raw_records"] == 1
    assert base.read_customers("管理员", customer_ids=[cid]).loc[0, "name"] == evil
    assert base.integrity_check() == "ok"


def test_import_records_rolls_back_on_failure_mid_way(base):
    base.import_records(pd.DataFrame({"name": ["甲"]}), source="销售部", channel="内部记录", collected_at="2025-01-01")
    big = pd.DataFrame({"name": [f"客户{i}" for i in range(12000)], "phone": ["13812345678"] * 12000})

    def boom(done, total):
        if done >= 10000:
            raise RuntimeError("停电了")

    with pytest.raises(RuntimeError):
        base.import_records(big, source="市场部", channel="问卷调查", collected_at="2025-02-01", progress=boom, chunk_size=5000)
    assert base.counts()["raw_records"] == 1
    assert base.counts()["import_batches"] == 1


def test_raw_records_kept_unchanged(base):
    raw = pd.DataFrame({"name": ["张 三"], "phone": ["+86 138-1234-5678"], "birth_date": ["1990年1月2日"], "vip": ["是"]})
    base.import_records(raw, source="客服部", channel="电话询问", collected_at="2025-03-01")
    stored = base.raw_records()
    assert stored.loc[0, "phone"] == "+86 138-1234-5678"  # exactly as received
    assert stored.loc[0, "birth_date"] == "1990年1月2日"
    assert '"vip": "是"' in stored.loc[0, "extra"]
    assert stored.loc[0, "phone_ok"] == 1
    with pytest.raises(sqlite3.DatabaseError):
        base.connection.execute("UPDATE raw_records SET name = '李四'")
    with pytest.raises(sqlite3.DatabaseError):
        base.connection.execute("DELETE FROM raw_records")
    assert base.raw_records().loc[0, "name"] == "张 三"


def test_add_customer_validates(base):
    with pytest.raises(CRMDataError, match="手机号"):
        base.add_customer({"name": "张三", "phone": "123"}, source="门店", channel="当面交谈")
    with pytest.raises(CRMDataError, match="身份证"):
        base.add_customer({"name": "张三", "id_number": "110101199001011230"}, source="门店", channel="当面交谈")
    with pytest.raises(CRMDataError, match="来源"):
        base.add_customer({"name": "张三"}, source="", channel="当面交谈")
    cid = base.add_customer({"name": "张三", "id_number": make_id("11010119900101123")}, source="门店", channel="当面交谈")
    c = base.customer(cid)
    assert c["birth_date"] == "1990-01-01" and c["collected_at"] == "2026-01-01 09:00:00"
    assert c["id_valid_to"] == "2036-01-01"  # age 36 -> card valid until 46


# ---------------------------------------------------------------- history
def test_update_records_old_new_and_retires(base):
    cid = base.add_customer({"name": "张三", "phone": "13812345678", "address": "旧地址1号"}, source="门店", channel="当面交谈", collected_at="2025-01-01")
    log = base.update_customer(cid, {"phone": "13900001111", "address": "新地址2号"}, source="客户来电", at="2025-06-01")
    assert log[["field", "old_value", "new_value"]].values.tolist() == [
        ["phone", "13812345678", "13900001111"],
        ["address", "旧地址1号", "新地址2号"],
    ]
    base.retire(cid, "phone", source="回访", at="2025-09-01", reason="号码已停用")
    assert base.customer(cid)["phone"] is None
    ret = base.retired(cid)
    assert ret["value"].tolist() == ["13812345678", "旧地址1号", "13900001111"]
    assert ret["valid_from"].tolist() == ["2025-01-01", "2025-01-01", "2025-06-01"]
    assert ret["valid_to"].tolist() == ["2025-06-01", "2025-06-01", "2025-09-01"]
    assert ret["reason"].iloc[-1] == "号码已停用"
    assert len(base.history(cid)) == 3
    with pytest.raises(CRMDataError):
        base.update_customer(cid, {"phone": "abc"}, source="x")
    with pytest.raises(CRMDataError):
        base.update_customer(cid, {"code": "P000000000"}, source="x")


def test_id_expiry_estimate_and_list(base):
    assert estimate_id_valid_to("2000-03-10", "2025-12-31") == "2026-03-10"  # 25 -> expires at 26
    assert estimate_id_valid_to("1950-03-10", "2025-12-31") is None  # long-term
    assert estimate_id_valid_to("2015-01-01", "2025-12-31") == "2031-01-01"
    assert estimate_id_valid_to_series(pd.Series(["2000-03-10", "1950-03-10", None]), "2025-12-31") == ["2026-03-10", None, None]
    base.add_customer({"name": "快到期", "id_valid_to": "2026-02-01"}, source="门店", channel="当面交谈")
    base.add_customer({"name": "已过期", "id_valid_to": "2025-12-01"}, source="门店", channel="当面交谈")
    base.add_customer({"name": "还早", "id_valid_to": "2030-01-01"}, source="门店", channel="当面交谈")
    exp = base.expiring_ids(today="2026-01-01", within_days=60)
    assert exp["name"].tolist() == ["已过期", "快到期"]
    assert exp["提醒"].tolist() == ["已过期", "即将到期"]
    assert exp["days_left"].tolist() == [-31, 31]


# ---------------------------------------------------------------- roles and audit
def test_roles_masking_and_audit(base):
    base.import_customers(small_customers(), source="门店", channel="当面交谈", collected_at="2025-06-01")
    cs = base.read_customers("客服", user="小王")
    assert cs.loc[0, "phone"] == "138****5678" and cs.loc[0, "name"] == "张*"
    assert cs.loc[0, "id_number"].startswith("110101") and "*" in cs.loc[0, "id_number"]
    fin = base.read_customers("财务", user="小李")
    assert "email" not in fin.columns and fin.loc[0, "name"] == "张三"
    sales = base.read_customers("销售", user="小张")
    assert sales.loc[0, "phone"] == "13812345678" and "*" in sales.loc[0, "id_number"]
    admin = base.read_customers("管理员", user="老板")
    assert admin.loc[0, "id_number"] == small_customers().loc[0, "id_number"]
    log = base.audit_log()
    assert log["user"].tolist() == ["小王", "小李", "小张", "老板"]  # 客服 reads the address in clear
    assert "id_number" in log.iloc[3]["fields"] and "phone" not in log.iloc[1]["fields"]
    assert log.iloc[0]["fields"] == "address"
    with pytest.raises(CRMDataError, match="角色"):
        base.read_customers("黑客")


def test_read_customers_limit_reads_and_audits_only_the_first_rows(base):
    base.import_customers(small_customers(), source="门店", channel="当面交谈", collected_at="2025-06-01")
    whole = base.read_customers("销售", user="小张")
    first = base.read_customers("销售", user="小张", limit=2)
    pd.testing.assert_frame_equal(first, whole.head(2))
    log = base.audit_log()
    assert log["n_rows"].tolist()[-2:] == [3, 2]
    with pytest.raises(CRMDataError, match="limit"):
        base.read_customers("销售", user="小张", limit=-1)


# ---------------------------------------------------------------- backup
def test_backup_and_restore_round_trip(base, tmp_path):
    base.import_customers(small_customers(), source="门店", channel="当面交谈", collected_at="2025-06-01")
    before = base.table("customers")
    path = base.backup(tmp_path / "backup.db")
    base.update_customer(before.loc[0, "customer_id"], {"name": "改错了"}, source="误操作")
    base.import_customers(small_customers(), source="重复导入", channel="内部记录", collected_at="2025-07-01")
    assert base.counts()["customers"] == 6
    assert base.restore(path) == "ok"
    pd.testing.assert_frame_equal(base.table("customers"), before)
    assert base.counts()["changes"] == 0


def test_restore_refuses_broken_backup(base, tmp_path):
    base.add_customer({"name": "张三"}, source="门店", channel="当面交谈")
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CRMDataError, match="损坏|完整性"):
        base.restore(bad)
    assert base.counts()["customers"] == 1
    with pytest.raises(CRMDataError):
        base.restore(tmp_path / "missing.db")


# ---------------------------------------------------------------- forms and other tables
def test_forms_and_status(base):
    cust = pd.DataFrame(
        {"customer_id": ["C1", "C2", "C3"], "name": ["甲", "乙", "丙"], "phone": ["13800000001", "13800000002", "13800000003"]}
    )
    base.import_customers(cust, source="CRM", channel="内部记录", collected_at="2024-01-01")
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "customer_id": ["C1", "C1", "C2"],
            "order_date": pd.to_datetime(["2025-11-01", "2025-12-01", "2024-03-01"]),
            "category": ["口红", "眼影", "口红"],
            "amount": [100.0, 50.0, 80.0],
        }
    )
    base.import_table(orders, "orders", source="销售系统", channel="内部记录", collected_at="2025-12-31")
    base.import_table(
        pd.DataFrame({"interaction_id": ["I1"], "customer_id": ["C2"], "date": ["2024-04-01"], "type": ["投诉"], "resolved": [True]}),
        "interactions", source="客服系统", channel="内部记录", collected_at="2025-12-31",
    )
    counts = base.refresh_status(today="2026-01-01")
    assert counts.to_dict() == {"潜在": 1, "现实": 1, "流失": 1}
    assert base.customer("C2")["status"] == "流失"
    assert (base.history()["new_value"] == "流失").sum() == 1
    current = base.data_cards("现实")
    assert current.loc[0, "订单数"] == 2 and current.loc[0, "累计金额"] == 150 and current.loc[0, "常购品类"] == "口红"
    lost = base.data_cards("流失")
    assert lost.loc[0, "投诉次数"] == 1 and lost.loc[0, "距最近下单天数"] == 671
    assert base.data_cards("潜在")["客户编号"].tolist() == ["C3"]
    assert list(base.customer_list("客服").columns) == ["客户编号", "姓名/名称", "客户类型", "城市", "地址", "手机号", "客户状态"]
    card = base.registration_card("C1", role="客服")
    admin = base.registration_card("C1", role="管理员")
    assert "None" not in admin.astype(str).tolist() and admin["同意营销联系"] in ("是", "否")
    assert card["手机号"] == "138****0001"
    assert base.table("orders")["source"].unique().tolist() == ["销售系统"]


def test_survey_wide_is_stored_long(base):
    survey = pd.DataFrame({"customer_id": ["C1", "C2"], "survey_date": ["2025-05-01"] * 2, "satisfaction": [4, 5], "loyalty": [3, 2]})
    r = base.import_table(survey, "survey_answers", source="问卷", channel="问卷调查", collected_at="2025-05-02")
    assert r.n_rows == 4
    s = base.table("survey_answers")
    assert set(s["item"]) == {"satisfaction", "loyalty"} and s["value"].sum() == 14
    with pytest.raises(CRMDataError):
        base.import_table(survey, "customers; DROP TABLE x", source="问卷", channel="问卷调查", collected_at="2025-05-02")


def test_company_customers_contacts_and_companies(base):
    base.import_customers(
        pd.DataFrame({"customer_id": ["B1"], "name": ["某某商贸有限公司"], "customer_type": ["企业"], "region": ["华南"]}),
        source="展会", channel="当面交谈", collected_at="2025-04-01",
    )
    base.import_table(pd.DataFrame({"customer_id": ["B1"], "company_name": ["某某商贸有限公司"], "industry": ["零售"], "annual_revenue": [5e6]}),
                      "companies", source="企业信用信息公示系统", channel="资料查询", collected_at="2025-04-02")
    base.import_table(pd.DataFrame({"customer_id": ["B1", "B1"], "name": ["王经理", "李采购"], "title": ["总经理", "采购经理"], "phone": ["13800000001", "13800000002"]}),
                      "contacts", source="展会", channel="当面交谈", collected_at="2025-04-01")
    c = base.customer("B1")
    assert c["code"].startswith("B03") and c["gender"] is None
    assert base.table("companies").loc[0, "source"] == "企业信用信息公示系统"
    contacts = base.table("contacts")
    assert contacts["title"].tolist() == ["总经理", "采购经理"] and set(contacts["collected_at"]) == {"2025-04-01"}
    with pytest.raises(CRMDataError, match="重复"):
        base.import_table(pd.DataFrame({"customer_id": ["B1"], "company_name": ["重复"]}), "companies", source="x", channel="y", collected_at="2025-05-01")
    assert len(base.table("companies")) == 1


def test_base_can_be_used_from_another_thread(tmp_path):
    """JupyterLab may run widget callbacks in a kernel subshell thread, not the cell's thread."""
    import threading

    b = InfoBase(tmp_path / "t.db", clock=lambda: "2026-01-01 09:00:00")
    b.add_customer({"name": "张三", "phone": "13812345678"}, source="门店", channel="当面交谈")
    errors, ids = [], []

    def work(k):
        try:
            for j in range(5):
                ids.append(b.add_customer({"name": f"客户{k}-{j}"}, source="门店", channel="当面交谈"))
                b.read_customers("管理员", user=f"线程{k}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert b.counts()["customers"] == 21 and len(set(ids)) == 20  # no duplicate codes from a race
    assert len(b.audit_log()) == 20 and b.integrity_check() == "ok"
    b.close()


def test_closed_base_gives_chinese_message(tmp_path):
    b = InfoBase(tmp_path / "c.db")
    b.close()
    b.close()  # closing twice is harmless
    assert b.closed and "已关闭" in repr(b)
    for call in (lambda: b.counts(), lambda: b.add_customer({"name": "张三"}, source="门店", channel="当面交谈"),
                 lambda: b.read_customers("销售"), lambda: b.backup(tmp_path / "b.db")):
        with pytest.raises(CRMDataError, match="已经关闭"):
            call()
    assert InfoBase(tmp_path / "c.db").counts()["customers"] == 0  # reopening works


def test_absurd_inputs_to_the_base_give_chinese_errors(base):
    def imp(**cols):
        return base.import_customers(pd.DataFrame(cols), source="x", channel="y", collected_at="2025-01-01")

    with pytest.raises(CRMDataError, match="无法识别"):
        imp(name=["a"], consent_marketing=["也许"])
    assert base.customer(imp(name=["a", "b"], consent_marketing=["是", "否"]).customer_ids[0])["consent_marketing"] == 1
    with pytest.raises(CRMDataError, match="收集时间"):
        base.import_customers(pd.DataFrame({"name": ["a"]}), source="x", channel="y", collected_at="昨天")
    with pytest.raises(CRMDataError, match="不是数字"):
        base.import_table(pd.DataFrame({"customer_id": ["a"], "order_id": ["o"], "amount": ["¥1,200"]}), "orders",
                          source="x", channel="y", collected_at="2025-01-01")
    with pytest.raises(CRMDataError, match="出生日期"):
        base.add_customer({"name": "a", "birth_date": "明天"}, source="x", channel="y")
    with pytest.raises(CRMDataError, match="日期"):
        base.expiring_ids(today="明天")
    with pytest.raises(CRMDataError, match="流失"):
        base.refresh_status(lost_after_days=-1)
    with pytest.raises(CRMDataError, match="角色"):
        base.read_customers(["管理员"])
    with pytest.raises(CRMDataError, match="一一对应"):
        codes.make_customer_codes(["个人"], [])
    with pytest.raises(CRMDataError, match="DataFrame"):
        codes.validate_frame("phone")
    assert codes.id_check_digit(11010519491231002) == "X"
    assert base.counts()["customers"] == 2 and base.counts()["orders"] == 0


def test_bad_files_give_chinese_errors(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 200)
    with pytest.raises(CRMDataError, match="不是可用的信息库"):
        InfoBase(junk)
    b = InfoBase(tmp_path / "ok.db")
    with pytest.raises(CRMDataError, match="备份"):
        b.backup(tmp_path / "no" / "such" / "dir" / "b.db")
    b.close()



def test_restore_from_folder_with_uri_characters(base, tmp_path):
    """A folder name with '#', '?' and '%' must not make restore read another (empty) file."""
    base.import_customers(small_customers(), source="门店", channel="当面交谈", collected_at="2025-06-01")
    folder = tmp_path / "作业#1 50%?"
    folder.mkdir()
    path = base.backup(folder / "备份.db")
    base.import_customers(small_customers(), source="重复导入", channel="内部记录", collected_at="2025-07-01")
    assert base.counts()["customers"] == 6
    assert base.restore(path) == "ok"
    assert base.counts()["customers"] == 3


def test_restore_refuses_a_database_that_is_not_a_backup(base, tmp_path):
    base.import_customers(small_customers(), source="门店", channel="当面交谈", collected_at="2025-06-01")
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()  # a valid, empty SQLite file
    with pytest.raises(CRMDataError, match="不是本信息库的备份"):
        base.restore(other)
    assert base.counts()["customers"] == 3
