"""The data contract (crmlab.frames): canonical tables, one set of Chinese messages, checked once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError, frames


def _raw():
    return pd.DataFrame({
        "customer_id": ["C1", "C2", "C1"],
        "order_date": ["2024年1月5日", "2024/2/1", "20240301"],
        "amount": ["¥1,200", "1.2万", "(300)"],
        "quantity": [1, 2, 3],
    })


def test_orders_parses_text_dates_and_money_with_the_io_parsers():
    out = frames.orders(_raw())
    assert out["amount"].tolist() == [1200.0, 12000.0, -300.0]
    assert [str(d.date()) for d in out["order_date"]] == ["2024-01-05", "2024-02-01", "2024-03-01"]
    assert out["quantity"].dtype == np.int64  # numbers already numbers are left as they are
    assert out["amount"].tolist() == crmlab.io.parse_amounts(_raw()["amount"]).tolist()


def test_a_canonical_frame_comes_back_unchanged_and_is_not_checked_twice():
    orders = crmlab.datasets.load("orders")
    dtypes = orders.dtypes.copy()
    out = frames.orders(orders)
    assert out is orders and frames.is_canonical(orders)
    pd.testing.assert_series_equal(orders.dtypes, dtypes)  # datetime64[us], int quantities kept
    assert frames.orders(orders) is orders
    # a derived frame is checked again: the mark belongs to the frame object
    changed = orders.assign(amount=orders["amount"].astype(str).where(orders.index != 3, "abc"))
    assert not frames.is_canonical(changed)
    with pytest.raises(CRMDataError, match="amount.*无法识别为金额.*abc"):
        frames.orders(changed)


def test_a_stronger_need_is_checked_even_on_a_marked_frame():
    df = pd.DataFrame({"customer_id": ["C1", "C2"], "order_date": ["2025-01-01", "2025-01-02"],
                       "amount": [1.0, np.nan]})
    out = frames.orders(df, require=["customer_id", "order_date"])
    assert frames.orders(out, require=["customer_id", "order_date"]) is out
    with pytest.raises(CRMDataError, match="amount（金额（元））列有 1 个空值"):
        frames.orders(out)


@pytest.mark.parametrize("bad, match", [
    ("orders.csv", "DataFrame.*read_transactions"),
    (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"]}), "缺少列：amount（金额（元））.*现有的列是"),
    (pd.DataFrame({"customer_id": ["a", None], "order_date": ["2025-01-01"] * 2, "amount": [1, 2]}),
     "customer_id（客户编号）列有 1 个空值，位置（索引）：1"),
    (pd.DataFrame({"customer_id": ["a", "b"], "order_date": ["2025-01-01", pd.NaT], "amount": [1, 2]}), "order_date.*空值"),
    (pd.DataFrame({"customer_id": ["a"], "order_date": ["昨天"], "amount": [1]}), "order_date.*无法识别为日期.*昨天"),
    (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"], "amount": ["十二"]}), "无法识别为金额"),
    (pd.DataFrame({"customer_id": ["a"], "order_date": ["2025-01-01"], "amount": [np.inf]}), "无穷大"),
])
def test_bad_orders_get_one_set_of_chinese_messages(bad, match):
    with pytest.raises(CRMDataError, match=match):
        frames.orders(bad)


def test_empty_tables_are_refused_only_when_asked():
    empty = pd.DataFrame({"customer_id": [], "order_date": [], "amount": []})
    assert frames.orders(empty).empty
    with pytest.raises(CRMDataError, match="空的"):
        frames.orders(empty, allow_empty=False)


def test_time_zones_are_dropped_and_other_names_can_be_typed():
    df = pd.DataFrame({"cid": ["C1"], "day": pd.to_datetime(["2025-01-01 08:00"]).tz_localize("Asia/Shanghai"),
                       "value": ["¥5"]})
    out = frames.orders(df, require=["cid", "day", "value"], dates=["day"], numbers=["value"])
    assert out["day"].dt.tz is None and out["value"].iloc[0] == 5.0


def test_customers_and_invoices():
    customers = crmlab.datasets.load("customers")
    assert frames.customers(customers) is customers
    raw = pd.DataFrame({"customer_id": ["C1"], "signup_date": ["2024年3月1日"], "targeted_date": [None]})
    out = frames.customers(raw)
    assert str(out["signup_date"].iloc[0].date()) == "2024-03-01" and out["targeted_date"].isna().all()
    inv = pd.DataFrame({"customer_id": ["C1", "C2"], "amount": ["¥1,000", 500], "issue_date": ["2025-01-01"] * 2,
                        "due_date": ["2025-01-31", None], "paid_date": [None, None]})
    out = frames.invoices(inv)  # a due date may be blank (credit notes), the amount may not
    assert out["amount"].tolist() == [1000.0, 500.0] and out["due_date"].isna().sum() == 1
    with pytest.raises(CRMDataError, match="发票表的 issue_date"):
        frames.invoices(inv.assign(issue_date=["2025-01-01", None]))


def test_orders_for_sums_gives_text_ids_and_float_money():
    raw = pd.DataFrame({"customer_id": [1, "1", 2], "order_date": ["2024年1月5日", "2024-01-06", "2024/1/7"],
                        "amount": ["¥1,200", "30", "12元"], "quantity": [1, 2, 3]})
    out = frames.orders_for_sums(raw)
    assert out["customer_id"].tolist() == ["1", "1", "2"]
    assert out["amount"].dtype == float and out["quantity"].dtype == float
    assert out.groupby("customer_id")["amount"].sum().to_dict() == {"1": 1230.0, "2": 12.0}
    with pytest.raises(CRMDataError, match="gross_profit"):
        frames.orders_for_sums(raw, require=("gross_profit",))
