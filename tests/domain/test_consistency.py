"""Consistency across lessons (issue 9): the same customer has the same id, status and value everywhere.

Each lesson computes customer facts with its own module (lesson 1 ``crmlab.customers`` /
``crmlab.lifecycle`` / ``crmlab.value``, lesson 2 ``crmlab.analysis`` / ``crmlab.infobase``,
lesson 3 ``crmlab.segment``, lesson 4 ``crmlab.credit``).  These tests run them on the course
data with the parameters the notebooks use and check that they agree where they talk about the
same thing.  Known disagreements are ``xfail(strict=True)`` with the reason spelled out, so a fix
turns them into an XPASS failure and the marker must then be removed.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlab

ROOT = Path(__file__).resolve().parents[2]
ASOF = "2026-01-01"  # the course's "today" (data/README.md); every lesson must use this date
COURSE_DAY = pd.Timestamp(ASOF)
LINKED_TABLES = ("orders", "interactions", "survey", "accounts", "invoices")


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    names = ["customers", *LINKED_TABLES, "raw_records", "raw_records_truth", "order_lines"]
    return {n: crmlab.datasets.load(n) for n in names}


@pytest.fixture(scope="module")
def orders(data) -> pd.DataFrame:
    return data["orders"]


@pytest.fixture(scope="module")
def buyers(orders) -> set[str]:
    return set(orders["customer_id"])


@pytest.fixture(scope="module")
def states(data) -> pd.DataFrame:
    """Lesson 1: customer states on the course date as the notebook computes them (course rules, contact records)."""
    import crmlab.customers as cu

    return cu.customer_states(data["customers"], data["orders"], ASOF, interactions=data["interactions"])


@pytest.fixture(scope="module")
def rfm_table(orders) -> pd.DataFrame:
    """Lesson 3: ``seg.rfm(orders, ASOF)`` exactly as in notebooks/03_segmentation.ipynb."""
    import crmlab.segment as seg

    return seg.rfm(orders, ASOF)


@pytest.fixture(scope="module")
def behaviour(orders) -> pd.DataFrame:
    import crmlab.segment as seg

    return seg.customer_behaviour(orders, ASOF)


@pytest.fixture(scope="module")
def infobase_status(data) -> pd.Series:
    """Lesson 2: the CRM database built as in notebooks/02 (import, orders, refresh_status)."""
    from crmlab.infobase import InfoBase

    base = InfoBase(clock=lambda: "2026-01-01 09:00:00")
    try:
        base.import_customers(data["customers"], channel="内部记录", collected_at="2025-12-31")
        base.import_table(data["orders"], "orders", source="销售系统", channel="内部记录", collected_at="2025-12-31")
        base.refresh_status(today=ASOF)
        table = base.table("customers")
    finally:
        base.close()
    return table.set_index("customer_id")["status"]


def _ids(series: pd.Series, *labels: str) -> set[str]:
    return set(series.index[series.isin(labels)].astype(str))


# ---------------------------------------------------------------- one customer, one id everywhere


def test_customer_ids_unique_and_well_formed(data):
    ids = data["customers"]["customer_id"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"C\d{5}").all()


@pytest.mark.parametrize("table", LINKED_TABLES)
def test_no_orphan_customer_ids(data, table):
    known = set(data["customers"]["customer_id"])
    orphans = set(data[table]["customer_id"].astype(str)) - known
    assert not orphans, f"{table}: {len(orphans)} customer ids not in customers, e.g. {sorted(orphans)[:5]}"


def test_one_survey_and_one_credit_file_per_customer(data):
    assert data["survey"]["customer_id"].is_unique
    assert data["accounts"]["customer_id"].is_unique


def test_credit_files_are_the_business_customers_who_bought(data, buyers):
    """Lesson 1 counts 386 企业 buyers; lesson 4 says 386 企业客户 have a credit file: the same companies."""
    c = data["customers"]
    business_buyers = set(c.loc[c["customer_type"] == "企业", "customer_id"]) & buyers
    assert set(data["accounts"]["customer_id"]) == business_buyers


def test_every_credit_order_has_exactly_one_matching_invoice(data, orders):
    inv = data["invoices"]
    credit = orders[orders["payment_method"] == "赊销"].set_index("order_id")
    assert inv["order_id"].is_unique
    assert set(inv["order_id"]) == set(credit.index), "invoices must be exactly the 赊销 orders"
    joined = inv.merge(credit, left_on="order_id", right_index=True, suffixes=("", "_order"))
    assert (joined["customer_id"] == joined["customer_id_order"]).all()
    assert np.allclose(joined["amount"], joined["amount_order"])
    assert (joined["issue_date"] == joined["order_date"]).all()


def test_credit_file_monthly_sales_is_2025_purchases(data, orders):
    """accounts.avg_monthly_sales = 2025 purchases (cash and credit) / 12, as data/README.md says (月均采购额)."""
    o25 = orders[orders["order_date"].dt.year == 2025]
    expected = (o25.groupby("customer_id")["amount"].sum() / 12).round(2)
    acc = data["accounts"].set_index("customer_id")["avg_monthly_sales"]
    assert np.allclose(acc, expected.reindex(acc.index).fillna(0.0), atol=0.011)


def test_credit_file_payment_history_matches_invoices(data):
    """Character facts of the 5C score come from the invoices due in 2025 (when there are at least 3)."""
    inv = data["invoices"]
    due25 = inv[inv["due_date"].dt.year == 2025]
    on_time = due25["paid_date"].notna() & (due25["paid_date"] <= due25["due_date"])
    g = on_time.groupby(due25["customer_id"])
    n, n_on = g.size(), g.sum()
    acc = data["accounts"].set_index("customer_id")
    enough = n[n >= 3].index.intersection(acc.index)
    assert len(enough) > 100
    assert np.allclose(acc.loc[enough, "on_time_payment_rate"], (n_on / n).loc[enough].round(2))
    assert (acc.loc[enough, "late_payments_12m"] == (n - n_on).loc[enough]).all()


def test_no_course_data_after_the_course_date(data):
    """Nothing happens on or after the course's "today": every event date is in 2024-01-01 .. 2025-12-31."""
    checks = {
        "orders": ["order_date"],
        "interactions": ["date"],
        "survey": ["survey_date"],
        "invoices": ["issue_date", "paid_date"],  # due dates may lie ahead (payment terms)
        "customers": ["signup_date", "targeted_date"],
    }
    for table, cols in checks.items():
        for col in cols:
            s = data[table][col].dropna()
            assert s.max() < COURSE_DAY, f"{table}.{col} has dates on/after {ASOF}"
    assert data["orders"]["order_date"].min() >= pd.Timestamp("2024-01-01")


def test_scattered_records_carry_the_customers_id_number(data):
    """Lesson 2's raw records of a course customer carry that customer's ID number (when they have one)."""
    from crmlab.infobase import codes

    raw, truth, c = data["raw_records"], data["raw_records_truth"], data["customers"]
    assert set(truth["record_id"]) == set(raw["record_id"])
    persons = truth["person_id"]
    assert (persons.isin(c["customer_id"]) | persons.str.fullmatch(r"P\d+")).all()
    m = raw.merge(truth, on="record_id").merge(
        c[["customer_id", "id_number"]], left_on="person_id", right_on="customer_id", suffixes=("", "_customer")
    )
    ids = m["id_number"].map(codes.normalize_id)
    has = m["id_number"].notna() & ids.ne("")
    assert has.sum() > 100
    assert (ids[has] == m.loc[has, "id_number_customer"]).all()


def test_order_lines_belong_to_their_order(data, orders):
    """Lesson 2's order lines (association rules) add up to the order and keep its customer and main category."""
    lines = data["order_lines"]
    o = orders.set_index("order_id")
    assert set(lines["order_id"]) == set(o.index)
    assert (lines["customer_id"].to_numpy() == o.loc[lines["order_id"], "customer_id"].to_numpy()).all()
    sums = lines.groupby("order_id")["amount"].sum()
    assert np.allclose(sums, o.loc[sums.index, "amount"], atol=0.011)
    first = lines[lines["line_no"] == 1].set_index("order_id")["category"]
    assert (first == o.loc[first.index, "category"]).all()


# ------------------------------------------------------------ InfoBase codes (lesson 2)


def _codes(customers: pd.DataFrame) -> pd.Series:
    from crmlab.infobase import InfoBase

    with InfoBase(clock=lambda: "2026-01-01 09:00:00") as base:
        base.import_customers(customers, channel="内部记录", collected_at="2025-12-31")
        return base.table("customers").set_index("customer_id")["code"]


def test_infobase_codes_are_deterministic_and_one_to_one(data):
    from crmlab.infobase import codes

    c = data["customers"]
    first, second = _codes(c), _codes(c)
    assert set(first.index) == set(c["customer_id"]), "import must keep the course customer ids"
    pd.testing.assert_series_equal(first, second)
    assert first.is_unique
    assert first.map(codes.check_customer_code).all()


def test_infobase_code_encodes_the_customer(data):
    """Type letter and region digits of the code agree with the customer's type and region; imported in file
    order, the sequence number is the number in the course customer id (C00042 -> ...000042.)."""
    from crmlab.infobase import codes

    c = data["customers"].set_index("customer_id")
    code = _codes(data["customers"])
    assert (code.str[0] == c.loc[code.index, "customer_type"].map(codes.TYPE_CODES)).all()
    assert (code.str[1:3] == c.loc[code.index, "region"].map(codes.REGION_CODES)).all()
    assert (code.str[3:9].astype(int) == code.index.str[1:].astype(int)).all()


# --------------------------------------------------- one customer, one status (lessons 1-3)


def test_never_bought_is_potential_everywhere(states, infobase_status, buyers):
    """Lesson 1's never-buyers (潜在客户 + 目标客户, and the 非客户 who turned down repeated contacts) = lesson 2's
    InfoBase status 潜在."""
    never = states["n_orders"] == 0
    lesson1 = _ids(states["state"][never], "潜在客户", "目标客户", "非客户")
    assert lesson1 == _ids(infobase_status, "潜在")
    assert not lesson1 & buyers


def test_infobase_current_customers_are_lesson1_buyers_of_2025(infobase_status, orders):
    """Lesson 2's 现实 (bought within 365 days) = lesson 1's '2025 年买过东西的客户' (kotler_inputs)."""
    import crmlab.lifecycle as lc

    current = _ids(infobase_status, "现实")
    assert len(current) == lc.kotler_inputs(orders, ASOF)["n_customers"]
    recent = orders.loc[orders["order_date"] >= COURSE_DAY - pd.Timedelta(days=365), "customer_id"]
    assert current == set(recent)


def test_lost_customers_lesson2_equal_lesson3(infobase_status, behaviour):
    """Lesson 2 (InfoBase 流失) and lesson 3 (忠诚状况 已流失) both use 'more than 365 days without a purchase'."""
    assert _ids(infobase_status, "流失") == _ids(behaviour["loyalty"], "已流失")


def test_one_churn_rule_course_wide(data, states, infobase_status, behaviour, orders):
    """ONE churn rule for the whole course: a customer who bought but not for more than crmlab.course.CHURN_DAYS
    (365) days before the course date.  Lessons 1-3 all find exactly these customers: lesson 1 as 流失客户 (or, lost
    for more than 540 days and never won back, as 非客户), lesson 2's InfoBase as 流失, lesson 3 as 已流失; the
    default of every function that decides 流失 is CHURN_DAYS."""
    import crmlab.customers as cu
    from crmlab.course import CHURN_DAYS

    assert CHURN_DAYS == 365
    last = orders.groupby("customer_id")["order_date"].max()
    lost = set(last.index[(COURSE_DAY - last).dt.days > CHURN_DAYS])
    assert lost
    long_lost = _ids(states["state"][states["n_orders"] > 0], "非客户")
    assert _ids(states["state"], "流失客户") | long_lost == lost
    assert long_lost == set(states.index[states["days_since_last"] > cu.NON_CUSTOMER_DAYS])
    assert _ids(infobase_status, "流失") == lost
    assert _ids(behaviour["loyalty"], "已流失") == lost
    for fn in (cu.customer_states, cu.value_types):
        assert inspect.signature(fn).parameters["churn_days"].default == CHURN_DAYS, fn.__name__


def _markdown(name: str) -> str:
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_no_other_churn_horizon_is_called_lost():
    """No lesson names another number of days as the 流失 rule (the 高危客户 warning of lesson 1 is not called 流失)."""
    for name in ("01_identify_customers.ipynb", "02_customer_information.ipynb", "03_segmentation.ipynb"):
        text = _markdown(name)
        for m in re.finditer(r"(\d+) ?天(?:没买|没有购买|未购买)?[^。；\n]{0,12}流失", text):
            assert m.group(1) in ("365", "540"), f"{name}: {m.group(0)}"
    assert "365 天" in _markdown("01_identify_customers.ipynb")


def test_lesson1_lost_customers_are_telecom_exit_and_in_decline(data, states, orders):
    """Within lesson 1, under the course rule: lost customers (流失 and long-lost 非客户) = E 离网, and 退化期 = D + E."""
    import crmlab.lifecycle as lc
    from crmlab.course import CHURN_DAYS

    lost = _ids(states["state"], "流失客户") | _ids(states["state"][states["n_orders"] > 0], "非客户")
    tele = lc.telecom_stage(orders, ASOF, data["customers"], churn_days=CHURN_DAYS)["stage"]
    four = lc.lifecycle_stage(orders, ASOF, churn_days=CHURN_DAYS)["stage"]
    assert _ids(tele, "E 离网") == lost
    assert _ids(four, "退化期") >= _ids(tele, "E 离网")
    rel = lc.relationship_metrics(orders, ASOF, churn_days=CHURN_DAYS).set_index("metric")["value"]
    assert rel["流失客户数"] == len(lost)
    assert rel["活跃客户数"] == len(_ids(states["state"], "现实客户-初次购买", "现实客户-重复购买", "现实客户-忠诚"))


def test_recency_and_frequency_agree_between_lesson1_and_lesson3(states, rfm_table, behaviour):
    s = states.loc[rfm_table.index]
    assert (s["n_orders"].astype(int) == rfm_table["frequency"]).all()
    assert (s["days_since_last"].astype(int) == rfm_table["recency"]).all()
    assert (behaviour.loc[rfm_table.index, "frequency"] == rfm_table["frequency"]).all()


def test_bgnbd_summary_uses_the_same_dates(orders, states):
    """Lesson 1's BG/NBD summary (course date as today) agrees with the customer states: T is the tenure and
    T - recency the days since the last purchase; frequency counts repeat purchase *days* (Fader-Hardie)."""
    import crmlab.value as cv

    summary = cv.summary_from_orders(orders)
    st = states.loc[summary.index]
    assert set(summary.index) == set(orders["customer_id"])
    assert np.allclose(summary["T"] * 7, st["tenure_days"])
    assert np.allclose((summary["T"] - summary["recency"]) * 7, st["days_since_last"])
    days = orders.groupby("customer_id")["order_date"].nunique()
    assert (summary["frequency"] == days.loc[summary.index] - 1).all()


def test_dashboards_use_the_notebooks_segments_and_statuses(rfm_table, infobase_status):
    """The Voila dashboards (crmlab.app) build RFM segments and the CRM database like notebooks 02 and 03."""
    from crmlab.app import pages
    data = pages.LessonData(group=0)
    pd.testing.assert_series_equal(data.rfm()["segment"], rfm_table["segment"])
    status = data.infobase().table("customers").set_index("customer_id")["status"]
    pd.testing.assert_series_equal(status.sort_index(), infobase_status.sort_index())


# ------------------------------------------------------ one customer, one value (lessons 1-4)


def test_buyer_count_is_the_same_in_every_lesson(data, orders, states, rfm_table, buyers):
    import crmlab.credit as cc
    import crmlab.customers as cu
    import crmlab.lifecycle as lc
    import crmlab.value as cv
    from crmlab import analysis

    n = len(buyers)
    assert states["n_orders"].gt(0).sum() == n  # lesson 1 states
    assert len(cu.classify_by_profit(orders)) == n  # lesson 1 key / ordinary / small
    assert len(cv.clv_metrics(orders, data["interactions"], data["survey"])) == n  # lesson 1 CLV
    assert len(lc.lifecycle_stage(orders, ASOF)) == n  # lesson 1 life cycle
    assert len(analysis.customer_shares(orders)) == n  # lesson 2 '有购买的客户'
    assert len(rfm_table) == n  # lesson 3
    assert int(cc.pyramid(orders).tiers["customers"].sum()) == n  # lesson 4


def test_sales_per_customer_agree(data, orders, rfm_table, behaviour):
    """Lesson 2 销售额, lesson 3 monetary, lesson 4 pyramid and payment profile: same revenue per customer."""
    import crmlab.credit as cc
    import crmlab.customers as cu
    from crmlab import analysis

    truth = orders.groupby("customer_id")["amount"].sum()
    by_role = cu.end_intermediate_summary(data["customers"], orders)["amount"]
    assert by_role.sum() == pytest.approx(truth.sum())  # lesson 1 终端 + 中间客户 = all sales
    views = {
        "lesson 2 customer_shares": analysis.customer_shares(orders)["sales"],
        "lesson 3 rfm monetary": rfm_table["monetary"],
        "lesson 3 behaviour monetary": behaviour["monetary"],
        "lesson 4 pyramid": cc.pyramid(orders).customers.set_index("customer_id")["amount"],
        "lesson 4 payment_profile": cc.payment_profile(orders, data["invoices"], asof=ASOF)["sales"],
    }
    for name, view in views.items():
        v = view.astype(float)
        assert set(v.index) == set(truth.index), name
        assert np.allclose(v, truth.loc[v.index], atol=0.011), name


def test_gross_profit_per_customer_agrees(data, orders):
    """Lesson 1 (key customers, CLV indicator) and lesson 4 (pyramid by profit, payment profile) agree."""
    import crmlab.credit as cc
    import crmlab.customers as cu
    import crmlab.value as cv

    truth = orders.groupby("customer_id")["gross_profit"].sum()
    views = {
        "lesson 1 classify_by_profit": cu.classify_by_profit(orders)["gross_profit"],
        "lesson 1 clv_metrics": cv.clv_metrics(orders, data["interactions"], data["survey"])["gross_profit"],
        "lesson 4 pyramid(by=gross_profit)": cc.pyramid(orders, by="gross_profit")
        .customers.set_index("customer_id")["gross_profit"],
        "lesson 4 payment_profile": cc.payment_profile(orders, data["invoices"], asof=ASOF)["gross_profit"],
    }
    for name, view in views.items():
        v = view.astype(float)
        assert set(v.index) == set(truth.index), name
        assert np.allclose(v, truth.loc[v.index], atol=0.011), name


def test_top_20_percent_share_is_the_same_in_lessons_2_and_4(orders):
    """Lesson 2 '排名前 20% 的客户贡献了 79.0%' = lesson 4 A类 金额占比 = pyramid 累计金额占比 at 20%."""
    import crmlab.credit as cc
    from crmlab import analysis

    lesson2 = analysis.top_share(orders, 0.2)
    abc = cc.abc_tiers(orders).tiers
    pyr = cc.pyramid(orders).tiers
    assert abc.loc["A类客户", "value_share"] == pytest.approx(lesson2)
    third = cc.PYRAMID_LABELS[2]  # the pyramid's third tier ends at 20% of the customers
    assert pyr.loc[third, "cum_customer_share"] == pytest.approx(0.2, abs=1e-3)
    assert pyr.loc[third, "cum_value_share"] == pytest.approx(lesson2)


def test_key_customers_are_the_a_customers_by_profit(orders):
    """Lesson 1 关键客户 (top 20% by gross profit) = lesson 4 A类客户 when ranked by gross profit."""
    import crmlab.credit as cc
    import crmlab.customers as cu

    key = _ids(cu.classify_by_profit(orders)["tier"], "关键客户")
    abc = cc.abc_tiers(orders, by="gross_profit").customers.set_index("customer_id")["tier"]
    assert key == _ids(abc, "A类客户")


def test_key_customers_are_the_top_three_pyramid_tiers_by_profit(orders):
    """Notebook 01's note '和第4课对一对': ranked by gross profit, 关键客户 = VIP + 主要 + 中等 of the pyramid and
    普通客户 + 小客户 of lesson 1 = 大众客户 of the pyramid (the pyramid's tiers have their own names)."""
    import crmlab.credit as cc
    import crmlab.customers as cu

    lesson1 = cu.classify_by_profit(orders)["tier"]
    pyr = cc.pyramid(orders, by="gross_profit").customers.set_index("customer_id")["tier"]
    assert _ids(lesson1, "关键客户") == _ids(pyr, "VIP客户", "主要客户", "中等客户")
    assert _ids(lesson1, "普通客户", "小客户") == _ids(pyr, "大众客户")


def test_tier_rounding_is_half_up_not_bankers():
    """The shared rule behind both lessons' tier sizes: halves go up (Python's round(1276.5) would give 1276)."""
    from crmlab.tiers import round_half_up, tier_bounds

    assert [round_half_up(x) for x in (0.5, 1.5, 2.5, 1276.5, 510.6, 510.4)] == [1, 2, 3, 1277, 511, 510]
    assert tier_bounds(2553, (0.2, 0.3, 0.5)) == [511, 1277, 2553]
    assert tier_bounds(3, (0.5, 0.5)) == [2, 3]


def test_tier_sizes_round_the_same_way_in_lessons_1_and_4(orders):
    import crmlab.credit as cc
    import crmlab.customers as cu

    lesson1 = cu.classify_by_profit(orders, shares=(0.2, 0.3))["tier"].value_counts()
    lesson4 = cc.abc_tiers(orders, by="gross_profit").tiers["customers"]
    assert list(lesson4) == [lesson1["关键客户"], lesson1["普通客户"], lesson1["小客户"]]


def test_no_tier_name_names_two_groups(orders):
    """Lesson 1's profit tiers (the seed's 关键客户 / 普通客户 / 小客户) and lesson 4's pyramid have no name in common."""
    import crmlab.credit as cc
    import crmlab.customers as cu

    pyramid_names = set(cc.pyramid(orders).customers["tier"].astype(str))
    assert set(cu.PROFIT_TIERS) == {"关键客户", "普通客户", "小客户"}
    assert not set(cu.PROFIT_TIERS) & pyramid_names
    assert not set(cu.VALUE_TYPES) & (pyramid_names | set(cu.PROFIT_TIERS))


def test_payment_method_segments_agree_between_lessons_3_and_4(data, orders, behaviour):
    """Lesson 3 labels a customer by the payment method used most; lesson 4 splits 现金/赊销/混合客户.
    A cash-only customer of lesson 4 is 现金 in lesson 3; a 赊销 customer of lesson 3 bought on credit."""
    import crmlab.credit as cc

    seg4 = cc.payment_profile(orders, data["invoices"], asof=ASOF)["payment_segment"]
    seg3 = behaviour["payment_method"]
    assert _ids(seg4, "现金客户") <= _ids(seg3, "现金")
    assert _ids(seg3, "赊销") <= _ids(seg4, "赊销客户", "混合客户")
    assert _ids(seg4, "赊销客户", "混合客户") == set(data["invoices"]["customer_id"])


# ------------------------------------------------------------ one "today" for the whole course


def _crmlab_modules():
    skip = ("__main__", "build_font")
    for info in pkgutil.walk_packages(crmlab.__path__, "crmlab."):
        if not any(part in info.name for part in skip):
            yield importlib.import_module(info.name)


def _date_defaults():
    """(where, default) for every crmlab function/method parameter named like a 'today' date."""
    names = {"asof", "as_of", "today"}
    seen = set()
    for module in _crmlab_modules():
        for _, obj in inspect.getmembers(module):
            if getattr(obj, "__module__", "") != module.__name__:
                continue
            funcs = [obj] if inspect.isfunction(obj) else []
            if inspect.isclass(obj):
                funcs = [f for _, f in inspect.getmembers(obj, inspect.isfunction)]
            for f in funcs:
                if f in seen:
                    continue
                seen.add(f)
                for p in inspect.signature(f).parameters.values():
                    if p.name in names and p.default is not inspect.Parameter.empty and p.default is not None:
                        yield f"{f.__module__}.{f.__qualname__}({p.name}=)", p.default


def test_every_date_default_is_the_course_date():
    found = list(_date_defaults())
    assert len(found) >= 5, "expected several asof/today defaults in crmlab"
    wrong = [(where, d) for where, d in found if pd.Timestamp(d) != COURSE_DAY]
    assert not wrong, wrong


def test_course_date_constants_and_docs():
    from crmlab.infobase import COURSE_TODAY

    assert pd.Timestamp(COURSE_TODAY) == COURSE_DAY
    assert ASOF in (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def test_rfm_default_date_is_the_course_date(orders):
    """Without asof, RFM takes the day after the last purchase: on the course data that is the course date."""
    import crmlab.segment as seg

    assert pd.Timestamp(seg.rfm(orders).attrs["asof"]) == COURSE_DAY


def test_payment_segments_default_date_is_the_course_date(data, orders):
    import crmlab.credit as cc

    default = cc.payment_segments(orders, data["invoices"])
    explicit = cc.payment_segments(orders, data["invoices"], asof=ASOF)
    pd.testing.assert_frame_equal(default, explicit)


_DATE_KW = re.compile(r"\b(ASOF|asof|as_of|today|TODAY|COURSE_TODAY)\s*=\s*[\"'](\d{4}-\d{2}-\d{2})[\"']")


@pytest.mark.parametrize("folder", ["notebooks", "solutions", "exercises"])
def test_notebooks_use_the_course_date(folder):
    """Every `ASOF = "..."` / `asof="..."` / `today="..."` in a course notebook is 2026-01-01 (or uses COURSE_DATE)."""
    seen = 0
    for path in sorted((ROOT / folder).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            for name, value in _DATE_KW.findall(source):
                seen += 1
                assert value == ASOF, f"{path.name}: {name} = {value}"
            seen += source.count("COURSE_DATE")  # the constant crmlab.course.COURSE_DATE is the course date too
    if folder == "notebooks":
        assert seen >= 4


def test_exercise_modules_use_the_course_date():
    """Module-level date constants in crmlab/ (ASOF, TODAY, ...) equal the course date."""
    for path in sorted((ROOT / "crmlab").rglob("*.py")):
        for name, value in _DATE_KW.findall(path.read_text(encoding="utf-8")):
            if name.isupper():
                assert value == ASOF, f"{path.relative_to(ROOT)}: {name} = {value}"
