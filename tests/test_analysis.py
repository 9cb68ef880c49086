"""The four analyses of lesson 2, on hand-made data where the answer is known."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError, analysis, datasets
from crmlab.charts import info as charts


@pytest.fixture
def small():
    customers = pd.DataFrame(
        {"customer_id": ["A", "B", "C", "D"], "region": ["华东", "华东", "华北", "西南"], "age": [22, 30, 50, np.nan]}
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C", "D", "C"],
            "order_date": pd.to_datetime(["2025-11-03", "2025-12-01", "2025-12-05", "2025-12-10", "2025-11-20", "2025-11-21"]),
            "category": ["口红红", "口红红", "口红粉", "口红棕", "口红红", "口红棕"],
            "quantity": [2, 1, 3, 4, 10, 1],
            "amount": [100.0, 50.0, 150.0, 200.0, 500.0, 50.0],
        }
    )
    interactions = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "A", "B"],
            "date": pd.to_datetime(["2025-11-05", "2025-11-06", "2025-12-07", "2025-11-08", "2025-12-09"]),
            "type": ["投诉", "投诉", "投诉", "退货", "咨询"],
        }
    )
    return customers, orders, interactions


def test_sales_by_region(small):
    customers, orders, _ = small
    t = analysis.sales_by_region(orders, customers)
    assert t.index[0] == "西南" and t.loc["西南", "销售额"] == 500
    assert t["销售额占比"].sum() == pytest.approx(1)
    dec = analysis.sales_by_region(orders, customers, month="2025-12")
    assert dec.loc["华东", "销售额"] == 200 and dec.loc["华东", "订单数"] == 2
    with pytest.raises(CRMDataError, match="没有订单"):
        analysis.sales_by_region(orders, customers, month="2020-01")
    with pytest.raises(CRMDataError, match="无法识别"):
        analysis.sales_by_region(orders, customers, month="十二月")


def test_favourite_by_age(small):
    customers, orders, _ = small
    t = analysis.favourite_by_age(orders, customers)
    assert t.index.tolist() == ["25岁以下", "25-34岁", "45-54岁"]  # age order, empty bands dropped
    assert t.loc["25岁以下", "最爱品类"] == "口红红"
    assert t.loc["25-34岁", "最爱品类"] == "口红粉"
    assert t.loc["45-54岁", "最爱品类"] == "口红棕" and t.loc["45-54岁", "口红棕"] == 5
    assert "口红红" in t.columns and t.drop(columns="最爱品类").to_numpy().sum() == 11  # D has no age
    with pytest.raises(CRMDataError, match="从小到大"):
        analysis.favourite_by_age(orders, customers, bins=(0, 50, 30))


def test_customer_shares_and_top(small):
    _, orders, _ = small
    s = analysis.customer_shares(orders)
    assert s.index.tolist() == ["D", "C", "A", "B"]  # ties keep the id order
    assert s["占比"].is_monotonic_decreasing and s["累计占比"].iloc[-1] == pytest.approx(1)
    assert analysis.top_share(orders, 0.25) == pytest.approx(500 / 1050)
    assert analysis.top_share(orders, 0.5) == pytest.approx(750 / 1050)
    with pytest.raises(CRMDataError, match="0 到 1"):
        analysis.top_share(orders, 20)


def test_forecast_recovers_trend_and_season():
    months = pd.period_range("2023-01", periods=36, freq="M")
    season = np.array([50, -20, -10, 0, 0, 10, 0, 0, 20, 0, 30, -80], float)
    rng = np.random.default_rng(0)
    sales = 1000 + 5 * np.arange(36) + season[months.month - 1] + rng.normal(0, 3, 36)
    orders = pd.DataFrame({"order_date": months.to_timestamp(), "amount": sales})
    f = analysis.forecast_sales(orders, horizon=6)
    fut = f[f["类型"] == "预测"]
    assert fut["月份"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    expected = 1000 + 5 * np.arange(36, 42) + season[:6]
    assert np.allclose(fut["预测值"], expected, atol=8)
    assert f.attrs["trend_per_month"] == pytest.approx(5, abs=0.3)
    # the trend column is the straight line without the seasons; fitted - trend is the season
    assert np.allclose(np.diff(f["趋势"]), f.attrs["trend_per_month"])
    hist = f[f["类型"] == "实际"]
    effect = (hist["拟合值"] - hist["趋势"]).to_numpy()
    assert np.allclose(effect[:12], effect[12:24]) and abs(effect[:12].sum()) < 1e-6
    assert np.allclose(effect[:12], season - season.mean(), atol=6)
    assert ((fut["下限"] < fut["预测值"]) & (fut["预测值"] < fut["上限"])).all()
    wide = analysis.forecast_sales(orders, horizon=6, level=0.99)
    assert (wide.loc[wide["类型"] == "预测", "上限"].to_numpy() > fut["上限"].to_numpy()).all()
    with pytest.raises(CRMDataError, match="15 个月"):
        analysis.forecast_sales(orders.iloc[:10])
    with pytest.raises(CRMDataError):
        analysis.forecast_sales(orders, horizon=0)


def test_month_over_month_verdict(small):
    customers, orders, interactions = small
    t = analysis.month_over_month(orders, interactions, "2025-12")
    assert t.loc["购买数量", "上月"] == 13 and t.loc["购买数量", "本月"] == 8
    assert t.loc["投诉次数", "上月"] == 2 and t.loc["投诉次数", "本月"] == 1
    assert t.loc["退货次数", "本月"] == 0
    assert t["评价"].tolist() == ["变坏", "好转", "好转"]
    # purchases weigh 3, complaints and returns 1 each: -3 + 1 + 1 = -1
    assert t["得分"].tolist() == [-3, 1, 1]
    assert t.attrs["verdict"] == "变差" and t.attrs["score"] == -1
    assert "加权总分 -1" in t.attrs["explanation"] and "购买数量减少" in t.attrs["explanation"]
    # with equal weights the same month would come out 变好: the weighting decides
    eq = analysis.month_over_month(orders, interactions, "2025-12", weights={"购买数量": 1, "投诉次数": 1, "退货次数": 1})
    assert eq.attrs["verdict"] == "变好"
    east = analysis.month_over_month(orders, interactions, "2025-12", customers=customers, region="华东")
    assert east.loc["购买数量", "本月"] == 4 and east.loc["购买数量", "上月"] == 2
    with pytest.raises(CRMDataError, match="超出数据范围"):
        analysis.month_over_month(orders, interactions, "2025-11")


def test_verdict_rules():
    orders = pd.DataFrame({"customer_id": ["A"] * 4, "order_date": pd.to_datetime(["2025-01-05", "2025-02-05", "2025-02-06", "2025-02-07"]), "quantity": [100, 50, 30, 22]})
    inter = pd.DataFrame({"customer_id": ["A"] * 3, "date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-02-01"]), "type": ["投诉", "退货", "投诉"]})
    t = analysis.month_over_month(orders, inter, "2025-02")
    assert t.loc["购买数量", "评价"] == "持平"  # +2 % is within 5 %
    assert t.attrs["verdict"] == "变好"  # returns went down
    assert t.attrs["score"] == 1 and t["得分"].tolist() == [0, 0, 1]


def test_purchases_outweigh_complaints_and_returns():
    # purchases up clearly, complaints and returns up too: 3 - 1 - 1 = +1
    orders = pd.DataFrame({"customer_id": ["A"] * 2, "order_date": pd.to_datetime(["2025-01-05", "2025-02-05"]), "quantity": [100, 150]})
    inter = pd.DataFrame({"customer_id": ["A"] * 4, "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-02", "2025-02-03"]), "type": ["投诉", "投诉", "投诉", "退货"]})
    t = analysis.month_over_month(orders, inter, "2025-02")
    assert t["评价"].tolist() == ["好转", "变坏", "变坏"]
    assert t.attrs["verdict"] == "变好"
    # a teacher who weighs complaints more gets the other verdict
    t2 = analysis.month_over_month(orders, inter, "2025-02", weights={"购买数量": 1, "投诉次数": 2, "退货次数": 2})
    assert t2.attrs["verdict"] == "变差" and t2.attrs["score"] == -3


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"weights": {"购买数量": 3}}, "权重应是一个字典"),
        ({"weights": {"购买数量": -1, "投诉次数": 1, "退货次数": 1}}, "不小于 0"),
        ({"weights": {"购买数量": "多", "投诉次数": 1, "退货次数": 1}}, "不是数字"),
        ({"weights": {"购买数量": 0, "投诉次数": 0, "退货次数": 0}}, "不能全为 0"),
        ({"tolerance": "5%"}, "不是数字"),
        ({"tolerance": 2}, "0 到 1"),
        ({"month": "十二月"}, "无法识别"),
    ],
)
def test_month_over_month_bad_arguments(small, kwargs, match):
    customers, orders, interactions = small
    kwargs = {"month": "2025-12", **kwargs}
    with pytest.raises(CRMDataError, match=match):
        analysis.month_over_month(orders, interactions, **kwargs)


def test_month_over_month_bad_frames(small):
    customers, orders, interactions = small
    with pytest.raises(CRMDataError, match="不是日期"):
        analysis.month_over_month(orders.assign(order_date=orders["order_date"].astype(str)), interactions, "2025-12")
    with pytest.raises(CRMDataError, match="空的"):
        analysis.month_over_month(orders.iloc[:0], interactions, "2025-12")
    with pytest.raises(CRMDataError, match="缺少列"):
        analysis.month_over_month(orders.drop(columns="quantity"), interactions, "2025-12")
    with pytest.raises(CRMDataError, match="不是数字"):
        analysis.month_over_month(orders.assign(quantity="三"), interactions, "2025-12")


def test_charts_return_axes(small):
    import matplotlib.pyplot as plt

    customers, orders, interactions = small
    axes = [
        charts.plot_sales_by_region(analysis.sales_by_region(orders, customers)),
        charts.plot_favourite_by_age(analysis.favourite_by_age(orders, customers)),
        charts.plot_pareto(analysis.customer_shares(orders)),
        charts.plot_month_over_month(analysis.month_over_month(orders, interactions, "2025-12")),
    ]
    for ax in axes:
        assert ax.get_title()
    plt.close("all")
    with pytest.raises(CRMDataError):
        charts.plot_pareto(pd.DataFrame())


def test_course_data_pareto_and_forecast():
    orders = datasets.load("orders")
    share = analysis.top_share(orders, 0.2)
    assert 0.6 <= share <= 0.8
    f = analysis.forecast_sales(orders)
    fut = f[f["类型"] == "预测"]
    assert fut["月份"].iloc[0] == "2026-01" and len(fut) == 6
    # January is the strongest month in both years (Spring Festival): the forecast must keep it
    assert fut["预测值"].iloc[0] == fut["预测值"].max()


def test_age_band_automatic_labels_read_naturally():
    bands = analysis.age_band([5, 20, 35, 59, 60, 90], bins=(0, 20, 30, 40, 50, 60, 200), labels=None)
    assert list(bands.cat.categories) == ["20岁以下", "20-29岁", "30-39岁", "40-49岁", "50-59岁", "60岁及以上"]
    assert bands.astype(str).tolist() == ["20岁以下", "20-29岁", "30-39岁", "50-59岁", "60岁及以上", "60岁及以上"]
    with pytest.raises(CRMDataError, match="从小到大"):
        analysis.age_band([30], bins=(0, 50, 40))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda o, c: analysis.sales_by_region(o.assign(amount="¥1,200"), c), "不是数字"),
        (lambda o, c: analysis.sales_by_region(o.assign(order_date=o["order_date"].astype(str)), c, month="2025-12"), "不是日期"),
        (lambda o, c: analysis.sales_by_region(o.iloc[:0], c), "空的"),
        (lambda o, c: analysis.sales_by_region(o.assign(amount=np.nan), c), "空值"),
        (lambda o, c: analysis.favourite_by_age(o.assign(amount="¥1,200"), c, value="amount"), "不是数字"),
        (lambda o, c: analysis.favourite_by_age(o, c, value="price"), "统计口径"),
        (lambda o, c: analysis.favourite_by_age(o, c, bins=None), "一串数字"),
        (lambda o, c: analysis.age_band(["二十"]), "年龄应是数字"),
        (lambda o, c: analysis.customer_shares(o.assign(amount="¥1,200")), "不是数字"),
        (lambda o, c: analysis.top_share(o, "20%"), "不是数字"),
        (lambda o, c: analysis.top_share(o, float("nan")), "NaN"),
        (lambda o, c: analysis.monthly_sales(o.assign(order_date=pd.NaT)), "全是空"),
        (lambda o, c: analysis.forecast_sales(o, level="90%"), "不是数字"),
        (lambda o, c: analysis.forecast_sales(o, horizon=True), "整数"),
        (lambda o, c: analysis.month_over_month(o, o.assign(date=o["order_date"], type="投诉"), None), "无法识别"),
    ],
)
def test_absurd_inputs_give_chinese_errors(small, call, match):
    customers, orders, interactions = small
    with pytest.raises(CRMDataError, match=match):
        call(orders, customers)
