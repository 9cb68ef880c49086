"""The four analyses of lesson 2, on hand-made data where the answer is known."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import itertools

import numpy as np
import pandas as pd
import pytest

from crmlab import CRMDataError, analysis, datasets, festival, labels
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
    assert t.index[0] == "西南" and t.loc["西南", "sales"] == 500
    assert t["sales_share"].sum() == pytest.approx(1)
    dec = analysis.sales_by_region(orders, customers, month="2025-12")
    assert dec.loc["华东", "sales"] == 200 and dec.loc["华东", "orders"] == 2
    with pytest.raises(CRMDataError, match="没有订单"):
        analysis.sales_by_region(orders, customers, month="2020-01")
    with pytest.raises(CRMDataError, match="无法识别"):
        analysis.sales_by_region(orders, customers, month="十二月")


def test_favourite_by_age(small):
    customers, orders, _ = small
    t = analysis.favourite_by_age(orders, customers)
    assert t.index.tolist() == ["25岁以下", "25-34岁", "45-54岁"]  # age order, empty bands dropped
    assert t.loc["25岁以下", "favourite"] == "口红红"
    assert t.loc["25-34岁", "favourite"] == "口红粉"
    assert t.loc["45-54岁", "favourite"] == "口红棕" and t.loc["45-54岁", "口红棕"] == 5
    assert "口红红" in t.columns and t.drop(columns="favourite").to_numpy().sum() == 11  # D has no age
    with pytest.raises(CRMDataError, match="从小到大"):
        analysis.favourite_by_age(orders, customers, bins=(0, 50, 30))


def test_results_have_english_columns_and_chinese_headers_for_display(small):
    """The rule of crmlab.labels: English names in the results, the old Chinese headers via relabel/styled."""
    customers, orders, interactions = small
    region = analysis.sales_by_region(orders, customers)
    assert list(region.columns) == ["orders", "quantity", "sales", "sales_share"] and region.index.name == "region"
    shown = analysis.relabel(region)
    assert list(shown.columns) == ["订单数", "购买数量", "销售额", "销售额占比"] and shown.index.name == "地区"
    assert shown["销售额"].tolist() == region["sales"].tolist() and region.columns[0] == "orders"
    fav = analysis.relabel(analysis.favourite_by_age(orders, customers))
    assert (fav.index.name, fav.columns.name, fav.columns[-1]) == ("年龄段", "品类", "最爱品类")
    assert "口红红" in fav.columns  # categories are values, never relabelled
    shares = analysis.relabel(analysis.customer_shares(orders))
    assert list(shares.columns) == ["排名", "销售额", "占比", "累计占比", "客户累计占比"]
    assert shares.index.name == "customer_id"  # the id header the lesson always showed
    mom = analysis.relabel(analysis.month_over_month(orders, interactions, "2025-12"))
    assert list(mom.columns) == ["单位", "上月", "本月", "上月次数", "本月次数", "变化", "变化率", "评价", "权重",
                                 "得分", "结论"]
    assert mom.index.name == "指标" and list(mom.index) == list(analysis.MOM_ROWS)
    assert analysis.relabel(analysis.monthly_sales(orders)).name == "销售额"
    html = analysis.styled(analysis.sales_by_region(orders, customers)).to_html()
    assert "销售额占比" in html and "47.6%" in html and "sales" not in html  # 500 of 1,050


def test_forecast_headers_in_chinese():
    orders, _ = _synthetic_sales(n_months=24)
    shown = analysis.relabel(analysis.forecast_sales(orders, horizon=2))
    assert list(shown.columns) == ["月份", "类型", "销售额", "拟合值", "预测值", "下限", "上限", "节前占比", "趋势"]


def test_customer_shares_and_top(small):
    _, orders, _ = small
    s = analysis.customer_shares(orders)
    assert s.index.tolist() == ["D", "C", "A", "B"]  # ties keep the id order
    assert s["share"].is_monotonic_decreasing and s["cum_share"].iloc[-1] == pytest.approx(1)
    assert analysis.top_share(orders, 0.25) == pytest.approx(500 / 1050)
    assert analysis.top_share(orders, 0.5) == pytest.approx(750 / 1050)
    with pytest.raises(CRMDataError, match="0 到 1"):
        analysis.top_share(orders, 20)


# --------------------------------------------------------------------------- Spring Festival and forecast


@pytest.mark.parametrize(("year", "date"), [(2015, "2015-02-19"), (2020, "2020-01-25"), (2024, "2024-02-10"),
                                            (2025, "2025-01-29"), (2026, "2026-02-17"), (2035, "2035-02-08")])
def test_spring_festival_known_dates(year, date):
    assert festival.spring_festival(year) == pd.Timestamp(date)


def test_spring_festival_table_is_a_lunar_calendar():
    dates = [festival.spring_festival(y) for y in range(2015, 2036)]
    assert all(pd.Timestamp(f"{d.year}-01-21") <= d <= pd.Timestamp(f"{d.year}-02-20") for d in dates)
    gaps = {(b - a).days for a, b in itertools.pairwise(dates)}
    assert gaps <= {354, 355, 383, 384, 385}  # 12 or 13 lunar months between festivals
    with pytest.raises(CRMDataError, match="2015-2035"):
        festival.spring_festival(2040)


def test_pre_festival_days_per_month():
    t = festival.festival_months(["2024-01", "2024-02", "2025-01", "2025-02", "2026-01", "2026-02", "2026-03"])
    assert t["pre_festival_days"].tolist() == [12, 9, 21, 0, 5, 16, 0]
    assert t.loc[5, "festival_share"] == pytest.approx(16 / 28)
    assert t["festival_date"].tolist()[:2] == ["2024-02-10", "2024-02-10"]
    assert list(labels.relabel(t).columns) == ["月份", "春节", "节前天数", "节前占比"]  # the headers shown


def _synthetic_sales(n_months=36, start="2023-01", festival_effect=0.8, growth=0.01, noise=0.03, seed=0):
    """Multiplicative monthly sales with a trend, fixed month effects and a pre-festival peak."""
    months = pd.period_range(start, periods=n_months, freq="M")
    season = np.array([0.0, -0.2, -0.1, 0, 0, 0.1, 0, 0, 0.15, 0, 0.3, 0.1])
    share = festival.festival_months(months)["festival_share"].to_numpy()
    rng = np.random.default_rng(seed)
    log_sales = np.log(1e5) + growth * np.arange(n_months) + season[months.month - 1] + festival_effect * share
    sales = np.exp(log_sales + rng.normal(0, noise, n_months))
    return pd.DataFrame({"order_date": months.to_timestamp(), "amount": sales}), season


def test_forecast_follows_the_moving_festival_and_the_trend():
    orders, season = _synthetic_sales()
    f = analysis.forecast_sales(orders, horizon=6)
    fut = f[f["kind"] == "预测"].reset_index(drop=True)
    assert fut["month"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert f.attrs["growth_per_month"] == pytest.approx(np.expm1(0.01), abs=0.003)
    trend = f.loc[f["kind"] == "实际", "trend_line"].to_numpy()
    assert f.attrs["trend_per_month"] == pytest.approx(trend[-1] - trend[-2])  # yuan per month, at the end
    # on the log scale the festival coefficient has a standard error of about 0.09 here: allow 3 of them
    assert np.log1p(f.attrs["festival_effect"]) == pytest.approx(0.8, abs=0.26)
    # 2026: festival on 17 Feb, 16 of the 21 pre-festival days in February
    share = festival.festival_months(fut["month"])["festival_share"].to_numpy()
    truth = np.exp(np.log(1e5) + 0.01 * np.arange(36, 42) + season[:6] + 0.8 * share)
    assert np.allclose(fut["forecast"], truth, rtol=0.1)
    assert ((fut["lower"] < truth) & (truth < fut["upper"])).all()
    assert fut.loc[1, "forecast"] > fut.loc[0, "forecast"]  # February 2026 beats January 2026
    assert ((fut["lower"] < fut["forecast"]) & (fut["forecast"] < fut["upper"])).all()
    wide = analysis.forecast_sales(orders, horizon=6, level=0.99)
    assert (wide.loc[wide["kind"] == "预测", "upper"].to_numpy() > fut["upper"].to_numpy()).all()
    # the trend column is a smooth growth curve
    ratio = np.diff(np.log1p(f["trend_line"].to_numpy()))
    assert np.allclose(ratio, ratio[0], atol=1e-6)
    assert f.attrs["dof"] == 36 - 14
    hist = f[f["kind"] == "实际"]
    assert hist["festival_share"].tolist() == pytest.approx(festival.festival_months(hist["month"])["festival_share"].tolist())
    with pytest.raises(CRMDataError, match="16 个月"):
        analysis.forecast_sales(orders.iloc[:15])
    with pytest.raises(CRMDataError):
        analysis.forecast_sales(orders, horizon=0)


def test_forecast_band_is_honest():
    """Data drawn from the model: the 90 % band covers about 90 % of the months that follow."""
    hits = []
    for seed in range(150):
        orders, _ = _synthetic_sales(n_months=30, start="2024-01", noise=0.1, seed=seed)
        f = analysis.forecast_sales(orders.iloc[:24], horizon=6, level=0.9)
        fut = f[f["kind"] == "预测"]
        actual = orders["amount"].to_numpy()[24:]
        hits.extend((fut["lower"].to_numpy() <= actual) & (actual <= fut["upper"].to_numpy()))
    assert 0.85 <= np.mean(hits) <= 0.95


def test_forecast_of_the_course_company_follows_the_planted_festival():
    # the generator plants a pre-festival peak (华禾优选: events["spring"] = 1.3); in 2026 it falls in February
    f = analysis.forecast_sales(datasets.load("orders", group=0))
    fut = f[f["kind"] == "预测"].set_index("month")
    assert fut.loc["2026-02", "forecast"] > fut.loc["2026-01", "forecast"]
    assert f.attrs["festival_effect"] > 0.5
    # a coffee chain whose shops are quiet before the festival (events["spring"] = -0.4)
    coffee = analysis.forecast_sales(datasets.load("orders", group=1))
    assert coffee.attrs["festival_effect"] < 0


def test_month_over_month_verdict(small):
    customers, orders, interactions = small
    t = analysis.month_over_month(orders, interactions, "2025-12")
    assert t.loc["购买数量", "previous"] == 13 and t.loc["购买数量", "current"] == 8
    # complaints per 1,000 units, with the counts beside them
    assert t.loc["投诉率", "previous"] == pytest.approx(2 / 13 * 1000) and t.loc["投诉率", "current"] == pytest.approx(125)
    assert t.loc["投诉率", "previous_count"] == 2 and t.loc["投诉率", "current_count"] == 1
    assert t.loc["退货率", "current"] == 0 and t.loc["退货率", "previous_count"] == 1
    assert t["unit"].tolist() == ["件", "次/千件", "次/千件"]
    assert t["rating"].tolist() == ["变坏", "好转", "好转"]
    # scores: the change in the good direction, capped at ±100 %
    assert t["score"].tolist() == pytest.approx([-5 / 13, 0.1875, 1.0], abs=1e-4)
    assert t.attrs["verdict"] == "变好" and t.attrs["score"] == pytest.approx(0.8029, abs=1e-4)
    assert "总分 +0.80" in t.attrs["explanation"] and "购买数量下降" in t.attrs["explanation"]
    # a teacher who weighs purchases more gets the other verdict
    heavy = analysis.month_over_month(orders, interactions, "2025-12", weights={"购买数量": 5, "投诉率": 1, "退货率": 1})
    assert heavy.attrs["verdict"] == "变差"
    old_names = analysis.month_over_month(orders, interactions, "2025-12",
                                          weights={"购买数量": 5, "投诉次数": 1, "退货次数": 1})
    assert old_names.attrs["score"] == heavy.attrs["score"]
    east = analysis.month_over_month(orders, interactions, "2025-12", customers=customers, region="华东")
    assert east.loc["购买数量", "current"] == 4 and east.loc["购买数量", "previous"] == 2
    with pytest.raises(CRMDataError, match="超出数据范围"):
        analysis.month_over_month(orders, interactions, "2025-11")


def test_the_planted_quality_incident_reads_as_worse():
    # 华禾优选, August 2025: complaints 65 -> 204 while units rose 8 %
    t = analysis.month_over_month(datasets.load("orders", group=0), datasets.load("interactions", group=0), "2025-08")
    assert t.loc["投诉率", "previous_count"] == 65 and t.loc["投诉率", "current_count"] == 204
    assert round(t.loc["投诉率", "previous"], 1) == 4.4 and round(t.loc["投诉率", "current"], 1) == 12.8
    assert t.loc["购买数量", "rating"] == "好转" and t.loc["投诉率", "rating"] == "变坏"
    assert t.attrs["verdict"] == "变差"
    assert t.attrs["season_note"] == ""  # nothing seasonal explains it


def test_verdict_rules():
    orders = pd.DataFrame({"customer_id": ["A"] * 4, "order_date": pd.to_datetime(["2025-04-05", "2025-05-05", "2025-05-06", "2025-05-07"]), "quantity": [100, 50, 30, 22]})
    inter = pd.DataFrame({"customer_id": ["A"] * 3, "date": pd.to_datetime(["2025-04-01", "2025-04-02", "2025-05-01"]), "type": ["投诉", "退货", "投诉"]})
    t = analysis.month_over_month(orders, inter, "2025-05")
    assert t.loc["购买数量", "rating"] == "持平" and t.loc["购买数量", "score"] == 0  # +2 % is within 5 %
    assert t.loc["投诉率", "rating"] == "持平"  # 10 -> 9.8 per 1,000 units
    assert t.loc["退货率", "rating"] == "好转" and t.loc["退货率", "score"] == 1  # 10 -> 0 per 1,000
    assert t.attrs["verdict"] == "变好" and t.attrs["score"] == 1


def test_more_sales_with_the_same_complaint_rate_is_better():
    # units up 50 %, complaints up 50 % too: the rate is flat, so this is growth, not a quality problem
    orders = pd.DataFrame({"customer_id": ["A"] * 2, "order_date": pd.to_datetime(["2025-04-05", "2025-05-05"]), "quantity": [200, 300]})
    inter = pd.DataFrame({"customer_id": ["A"] * 5, "date": pd.to_datetime(["2025-04-01", "2025-04-02", "2025-05-01", "2025-05-02", "2025-05-03"]), "type": ["投诉"] * 5})
    t = analysis.month_over_month(orders, inter, "2025-05")
    assert t["rating"].tolist() == ["好转", "持平", "持平"]
    assert t.attrs["verdict"] == "变好"


def test_a_month_without_units_has_no_rates():
    orders = pd.DataFrame({"customer_id": ["A"], "order_date": pd.to_datetime(["2025-04-05"]), "quantity": [10]})
    inter = pd.DataFrame({"customer_id": ["A"], "date": pd.to_datetime(["2025-05-01"]), "type": ["投诉"]})
    t = analysis.month_over_month(orders, inter, "2025-05")
    assert t.loc["投诉率", "rating"] == "无法比较" and t.loc["投诉率", "score"] == 0
    assert t.attrs["verdict"] == "变差"  # units fell to 0
    assert "无法比较" in t.attrs["explanation"]


def test_season_note_for_festival_months_and_seasonal_swings():
    data = {k: datasets.load(k, group=0) for k in ("orders", "interactions")}
    feb = analysis.month_over_month(data["orders"], data["interactions"], "2025-02")
    assert "春节（2025-01-29）" in feb.attrs["season_note"] and feb.attrs["season_note"] in feb.attrs["explanation"]
    nov = analysis.month_over_month(data["orders"], data["interactions"], "2025-11")  # 双11, a year earlier too
    assert "去年同期（2024-10 → 2024-11）" in nov.attrs["season_note"]
    quiet = analysis.month_over_month(data["orders"], data["interactions"], "2025-05")
    assert quiet.attrs["season_note"] == ""


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"weights": {"购买数量": 3}}, "权重应是一个字典"),
        ({"weights": {"购买数量": -1, "投诉率": 1, "退货率": 1}}, "不小于 0"),
        ({"weights": {"购买数量": "多", "投诉率": 1, "退货率": 1}}, "不是数字"),
        ({"weights": {"购买数量": 0, "投诉率": 0, "退货率": 0}}, "不能全为 0"),
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
    as_text = orders.assign(order_date=orders["order_date"].dt.strftime("%Y年%m月%d日"))  # read by crmlab.frames
    pd.testing.assert_frame_equal(analysis.month_over_month(as_text, interactions, "2025-12"),
                                  analysis.month_over_month(orders, interactions, "2025-12"))
    with pytest.raises(CRMDataError, match="order_date.*无法识别为日期"):
        analysis.month_over_month(orders.assign(order_date="上个月"), interactions, "2025-12")
    with pytest.raises(CRMDataError, match="空的"):
        analysis.month_over_month(orders.iloc[:0], interactions, "2025-12")
    with pytest.raises(CRMDataError, match="缺少列"):
        analysis.month_over_month(orders.drop(columns="quantity"), interactions, "2025-12")
    with pytest.raises(CRMDataError, match="quantity.*无法识别"):
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
    fut = f[f["kind"] == "预测"]
    assert fut["month"].iloc[0] == "2026-01" and len(fut) == 6
    # the pre-festival peak follows the festival: 2026-02-17, so February 2026 is the strongest month
    assert fut["forecast"].iloc[1] == fut["forecast"].max()


def test_age_band_automatic_labels_read_naturally():
    bands = analysis.age_band([5, 20, 35, 59, 60, 90], bins=(0, 20, 30, 40, 50, 60, 200), labels=None)
    assert list(bands.cat.categories) == ["20岁以下", "20-29岁", "30-39岁", "40-49岁", "50-59岁", "60岁及以上"]
    assert bands.astype(str).tolist() == ["20岁以下", "20-29岁", "30-39岁", "50-59岁", "60岁及以上", "60岁及以上"]
    with pytest.raises(CRMDataError, match="从小到大"):
        analysis.age_band([30], bins=(0, 50, 40))


def test_money_and_dates_written_as_text_are_read(small):
    customers, orders, _ = small
    as_text = orders.assign(amount=orders["amount"].map(lambda v: f"¥{v:,.2f}"),
                            order_date=orders["order_date"].dt.strftime("%Y/%m/%d"))
    pd.testing.assert_frame_equal(analysis.sales_by_region(as_text, customers),
                                  analysis.sales_by_region(orders, customers))
    pd.testing.assert_frame_equal(analysis.customer_shares(as_text), analysis.customer_shares(orders))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda o, c: analysis.sales_by_region(o.assign(amount="一千二"), c), "amount.*无法识别为金额"),
        (lambda o, c: analysis.sales_by_region(o.assign(order_date="去年"), c, month="2025-12"), "无法识别为日期"),
        (lambda o, c: analysis.sales_by_region(o.iloc[:0], c), "空的"),
        (lambda o, c: analysis.sales_by_region(o.assign(amount=np.nan), c), "空值"),
        (lambda o, c: analysis.favourite_by_age(o.assign(amount="一千二"), c, value="amount"), "无法识别为金额"),
        (lambda o, c: analysis.favourite_by_age(o, c, value="price"), "统计口径"),
        (lambda o, c: analysis.favourite_by_age(o, c, bins=None), "一串数字"),
        (lambda o, c: analysis.age_band(["二十"]), "年龄应是数字"),
        (lambda o, c: analysis.customer_shares(o.assign(amount="一千二")), "无法识别为金额"),
        (lambda o, c: analysis.top_share(o, "20%"), "不是数字"),
        (lambda o, c: analysis.top_share(o, float("nan")), "NaN"),
        (lambda o, c: analysis.monthly_sales(o.assign(order_date=pd.NaT)), "order_date.*空值"),
        (lambda o, c: analysis.forecast_sales(o, level="90%"), "不是数字"),
        (lambda o, c: analysis.forecast_sales(o, horizon=True), "整数"),
        (lambda o, c: analysis.month_over_month(o, o.assign(date=o["order_date"], type="投诉"), None), "无法识别"),
    ],
)
def test_absurd_inputs_give_chinese_errors(small, call, match):
    customers, orders, interactions = small
    with pytest.raises(CRMDataError, match=match):
        call(orders, customers)


@pytest.mark.parametrize("top", [0.05, 0.2, 0.35, 0.5, 1.0])
def test_share_of_top_from_customer_shares_equals_top_share(top):
    """The widget's fast path (customer_shares once, then the slider) gives the same share on the course data."""
    orders = datasets.load("orders")
    assert analysis.share_of_top(analysis.customer_shares(orders), top) == analysis.top_share(orders, top)
    with pytest.raises(CRMDataError):
        analysis.share_of_top(analysis.customer_shares(orders), 0)


@pytest.mark.parametrize("value", ["quantity", "amount"])
@pytest.mark.parametrize("bins", [analysis.AGE_BINS, (0, 20, 30, 40, 50, 60, 200), (0, 35, 55, 200)])
def test_favourite_by_age_from_orders_with_age_equals_the_plain_function(value, bins):
    """The widget's fast path (orders_with_age once, then the bands) gives the same table on the course data."""
    orders, customers = datasets.load("orders"), datasets.load("customers")
    aged = analysis.orders_with_age(orders, customers, value)
    plain = analysis.favourite_by_age(orders, customers, bins=bins, labels=None, value=value)
    fast = analysis.favourite_by_age(orders, customers, bins=bins, labels=None, value=value, aged=aged)
    pd.testing.assert_frame_equal(fast, plain)
    # the widget's path: totals per age and category (a few hundred rows), added up again per band;
    # amounts are added in another order, so they agree to rounding
    totals = analysis.age_category_totals(orders, customers, value)
    assert len(totals) < len(aged) / 50 and list(totals.columns) == ["age", "category", value]
    from_totals = analysis.favourite_by_age(orders, customers, bins=bins, labels=None, value=value, aged=totals)
    pd.testing.assert_frame_equal(from_totals, plain, check_exact=value == "quantity", rtol=1e-12)


@pytest.mark.parametrize("case", ["course", "before_1970", "every_7th", "time_zone"])
def test_monthly_sales_are_the_calendar_month_sums(case):
    """Month numbers in numpy give exactly the sums of grouping by calendar month, gaps filled with 0."""
    orders = datasets.load("orders")
    if case == "before_1970":
        orders = orders.copy()
        orders.loc[:5, "order_date"] = pd.Timestamp("1965-03-02")
    elif case == "every_7th":
        orders = orders.iloc[::7]
    elif case == "time_zone":
        orders = orders.assign(order_date=orders["order_date"].dt.tz_localize("Asia/Shanghai"))
    dates = orders["order_date"].dt.tz_localize(None) if case == "time_zone" else orders["order_date"]
    plain = orders.groupby(dates.dt.to_period("M"))["amount"].sum()
    plain = plain.reindex(pd.period_range(plain.index.min(), plain.index.max(), freq="M"), fill_value=0.0)
    pd.testing.assert_series_equal(analysis.monthly_sales(orders), plain.rename("sales"), check_exact=True)
