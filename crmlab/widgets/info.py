"""Widgets for lesson 2 (收集客户信息): thin views over :mod:`crmlab.infobase` and :mod:`crmlab.analysis`.

* :class:`DataCardView` -- enter a customer (validation, source, channel, consent) into an InfoBase.
* :class:`RoleView` -- the customer list as a chosen role sees it (masking, audit).
* :class:`RegionSalesView`, :class:`AgeFavouriteView` -- basic analysis (month / age bands).
* :class:`ParetoView` -- statistical analysis (top share, region).
* :class:`ForecastView` -- trend analysis (horizon, level, region).
* :class:`MonthCompareView` -- association analysis (month, region).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.widgets._base import View

ALL = "全部"


def _regions(customers: pd.DataFrame) -> list[str]:
    return [ALL] + sorted(customers["region"].dropna().unique().tolist())


def _months(orders: pd.DataFrame) -> list[str]:
    if not isinstance(orders, pd.DataFrame) or "order_date" not in orders.columns:
        raise CRMDataError("需要订单表 orders（含 order_date 列），请用 crmlab.datasets.load(\"orders\") 读取。")
    if not pd.api.types.is_datetime64_any_dtype(orders["order_date"]) or orders["order_date"].isna().all():
        raise CRMDataError("订单表是空的，或 order_date 列不是日期：没有可以选择的月份。")
    m = orders["order_date"].dt.to_period("M")
    return [str(p) for p in pd.period_range(m.min(), m.max(), freq="M")]


def _orders_in(orders: pd.DataFrame, customers: pd.DataFrame, region: str | None) -> pd.DataFrame:
    if region in (None, "", ALL):
        return orders
    if region not in set(customers["region"]):
        raise CRMDataError(f"没有地区“{region}”。")
    return orders[orders["customer_id"].isin(customers.loc[customers["region"] == region, "customer_id"])]


def _table_html(df: pd.DataFrame, formats: dict | None = None) -> str:
    d = df.copy()
    for c, f in (formats or {}).items():
        if c in d.columns:
            d[c] = ["—" if pd.isna(v) else f.format(v) for v in d[c]]
    return d.to_html(border=0, escape=True)


# --------------------------------------------------------------------------
# data card form
# --------------------------------------------------------------------------
def _check_choices(fields: dict) -> None:
    """Gender and region come from drop-downs: anything else typed in gets a Chinese message."""
    from crmlab.infobase.codes import REGION_CODES

    for key, label, allowed in (("gender", "性别", ("男", "女")), ("region", "地区", tuple(REGION_CODES))):
        value = fields.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # left empty: allowed
        if str(value).strip() not in allowed:
            raise CRMDataError(f"{label}“{value}”不是可选项，请从下拉框选择：{'、'.join(allowed)}（也可以不填）。")


class DataCardView(View):
    """客户资料卡录入: validates the entry and writes it to the information base.

    ``update(name=..., customer_type="个人", gender="", phone="", email="", id_number="",
    address="", city="", region="", source="", channel="当面交谈", consent=False)``
    returns the new customer id (or ``None`` with a Chinese message).
    """

    FIELDS = ("name", "customer_type", "gender", "phone", "email", "id_number", "address", "city", "region")

    def __init__(self, base, role: str = "销售"):
        super().__init__()
        import ipywidgets as w

        from crmlab.info import COLLECT_CHANNELS
        from crmlab.infobase.codes import REGION_CODES

        self.base = base
        self.role = role
        lay = w.Layout(width="320px")
        self.controls = {
            "name": w.Text(description="姓名/名称", layout=lay),
            "customer_type": w.Dropdown(options=["个人", "企业"], description="客户类型", layout=lay),
            "gender": w.Dropdown(options=["", "男", "女"], description="性别", layout=lay),
            "phone": w.Text(description="手机号", placeholder="13812345678", layout=lay),
            "email": w.Text(description="电子邮箱", layout=lay),
            "id_number": w.Text(description="身份证号", layout=lay),
            "address": w.Text(description="地址", layout=lay),
            "city": w.Text(description="城市", layout=lay),
            "region": w.Dropdown(options=[""] + list(REGION_CODES), description="地区", layout=lay),
            "source": w.Text(description="信息来源", placeholder="如：门店、展会、客服部", layout=lay),
            "channel": w.Dropdown(options=list(COLLECT_CHANNELS), value="当面交谈", description="收集渠道", layout=lay),
            "consent": w.Checkbox(description="客户同意接收营销信息", indent=False),
        }
        self.save = w.Button(description="保存到信息库", button_style="primary")
        self.save.on_click(lambda _b: self.update(**{k: c.value for k, c in self.controls.items()}))
        items = list(self.controls.values())
        self.widget = w.VBox(
            [w.HBox([w.VBox(items[:6]), w.VBox(items[6:])]), self.save, self.status, self.out]
        )

    def compute(self, name: str = "", customer_type: str = "个人", source: str = "", channel: str = "当面交谈",
                consent: bool = False, **fields: Any) -> str:
        unknown = set(fields) - set(self.FIELDS)
        if unknown:
            raise CRMDataError(f"表单里没有这些字段：{sorted(unknown)}。")
        if not str(name or "").strip():
            raise CRMDataError("请填写姓名/名称。")
        if not str(source or "").strip():
            raise CRMDataError("请填写信息来源（例如：门店、展会、客服部），每条信息都要能追溯来源。")
        from crmlab.info import COLLECT_CHANNELS

        if channel not in COLLECT_CHANNELS:
            raise CRMDataError(f"收集渠道“{channel}”不在合法的收集方法中，请从下拉框选择：{'、'.join(COLLECT_CHANNELS)}。")
        if customer_type not in ("个人", "企业"):
            raise CRMDataError("客户类型只能是“个人”或“企业”，请从下拉框选择。")
        _check_choices(fields)
        record = {"name": str(name).strip(), "customer_type": customer_type}
        for k, v in fields.items():
            if v is not None and str(v).strip():
                record[k] = str(v).strip()
        if customer_type == "企业":
            record.pop("gender", None)
            if record.get("id_number"):
                raise CRMDataError("企业客户不填身份证号：请改填联系人信息，或把客户类型改为“个人”。")
        return self.base.add_customer(record, source=str(source).strip(), channel=channel, consent_marketing=bool(consent))

    def render(self, customer_id: str) -> str:
        card = self.base.registration_card(customer_id, role=self.role, user="资料卡录入")
        return (
            f"<div style='color:#1b7f3b'>✓ 已保存，客户编号 <b>{html.escape(customer_id)}</b>。"
            f"下面是{html.escape(self.role)}看到的登记卡：</div>" + card.to_frame().to_html(border=0, escape=True)
        )


class RoleView(View):
    """The customer list (一览表) as a role sees it; unmasked reads go to the audit log."""

    def __init__(self, base, rows: int = 8):
        super().__init__()
        import ipywidgets as w

        from crmlab.infobase.security import ROLES

        self.base = base
        self.rows = rows
        self.role = w.ToggleButtons(options=list(ROLES), value=ROLES[0], description="角色")
        self.role.observe(lambda _c: self.update(role=self.role.value), names="value")
        self.widget = w.VBox([self.role, self.status, self.out])
        self.update(role=self.role.value)

    def compute(self, role: str = "销售", user: str = "课堂演示"):
        user = user.strip() if isinstance(user, str) else ""
        if not user:
            raise CRMDataError("请写上查看人的名字：查看未脱敏的客户信息会记入审计日志，必须知道是谁看的。")
        view = self.base.read_customers(role, user=user)
        return role, view.head(self.rows)

    def render(self, result) -> str:
        role, view = result
        from crmlab.infobase.base import FIELD_LABELS

        return f"<b>{html.escape(role)}</b> 能看到的字段：" + view.rename(columns=FIELD_LABELS).to_html(border=0, escape=True, index=False)


# --------------------------------------------------------------------------
# the four analyses
# --------------------------------------------------------------------------
class RegionSalesView(View):
    """Basic analysis: sales by region for the whole period or one month."""

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame):
        super().__init__()
        import ipywidgets as w

        self.orders, self.customers = orders, customers
        self.month = w.Dropdown(options=["全年"] + _months(orders), value="全年", description="月份")
        self.month.observe(lambda _c: self.update(month=self.month.value), names="value")
        self.widget = w.VBox([self.month, self.status, self.out])

    def compute(self, month: str = "全年"):
        from crmlab.analysis import sales_by_region

        return sales_by_region(self.orders, self.customers, month=month)

    def render(self, table):
        from crmlab.charts.info import plot_sales_by_region

        return plot_sales_by_region(table).figure


BAND_SCHEMES = {
    "五段（25/35/45/55）": ((0, 25, 35, 45, 55, 200), None),
    "每 10 岁一段": ((0, 20, 30, 40, 50, 60, 200), None),
    "三段（青年/中年/老年）": ((0, 35, 55, 200), ("35岁以下", "35-54岁", "55岁及以上")),
}


class AgeFavouriteView(View):
    """Basic analysis: favourite category per age band (the lipstick-colour example)."""

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame):
        super().__init__()
        import ipywidgets as w

        self.orders, self.customers = orders, customers
        self.bands = w.Dropdown(options=list(BAND_SCHEMES), description="年龄分段")
        self.value = w.ToggleButtons(options=[("购买件数", "quantity"), ("购买金额", "amount")], description="统计")
        for c in (self.bands, self.value):
            c.observe(lambda _c: self.update(bands=self.bands.value, value=self.value.value), names="value")
        self.widget = w.VBox([w.HBox([self.bands, self.value]), self.status, self.out])

    def compute(self, bands: str = "五段（25/35/45/55）", value: str = "quantity", edges=None):
        from crmlab.analysis import AGE_LABELS, favourite_by_age

        if edges is not None:
            if isinstance(edges, (str, bytes)) or not hasattr(edges, "__iter__"):
                raise CRMDataError(f"年龄分段的界限“{edges}”应是一串从小到大的数字，例如 (0, 25, 35, 45, 55, 200)。")
            bins, labels = tuple(edges), None
        elif bands in BAND_SCHEMES:
            bins, labels = BAND_SCHEMES[bands]
            if bins == (0, 25, 35, 45, 55, 200):
                labels = AGE_LABELS
        else:
            raise CRMDataError(f"没有分段方式“{bands}”。")
        return favourite_by_age(self.orders, self.customers, bins=bins, labels=labels, value=value)

    def render(self, table):
        from crmlab.charts.info import plot_favourite_by_age

        return plot_favourite_by_age(table).figure


class ParetoView(View):
    """Statistical analysis: share of the top X % of customers, per region."""

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame):
        super().__init__()
        import ipywidgets as w

        self.orders, self.customers = orders, customers
        self.top = w.IntSlider(value=20, min=5, max=50, step=5, description="前 %", continuous_update=False)
        self.region = w.Dropdown(options=_regions(customers), description="地区")
        for c in (self.top, self.region):
            c.observe(lambda _c: self.update(top=self.top.value / 100, region=self.region.value), names="value")
        self.widget = w.VBox([w.HBox([self.top, self.region]), self.status, self.out])

    def compute(self, top: float = 0.2, region: str = ALL):
        from crmlab.analysis import customer_shares, top_share

        o = _orders_in(self.orders, self.customers, region)
        return customer_shares(o), top, top_share(o, top)

    def render(self, result):
        from crmlab.charts.info import plot_pareto

        shares, top, _ = result
        return plot_pareto(shares, top=top).figure


class ForecastView(View):
    """Trend analysis: monthly sales and a forecast with its band."""

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame):
        super().__init__()
        import ipywidgets as w

        self.orders, self.customers = orders, customers
        self.horizon = w.IntSlider(value=6, min=1, max=12, description="预测月数", continuous_update=False)
        self.level = w.Dropdown(options=[("80%", 0.8), ("90%", 0.9), ("95%", 0.95)], value=0.9, description="区间")
        self.region = w.Dropdown(options=_regions(customers), description="地区")
        for c in (self.horizon, self.level, self.region):
            c.observe(lambda _c: self._refresh(), names="value")
        self.widget = w.VBox([w.HBox([self.horizon, self.level, self.region]), self.status, self.out])

    def _refresh(self):
        self.update(horizon=self.horizon.value, level=self.level.value, region=self.region.value)

    def compute(self, horizon: int = 6, level: float = 0.9, region: str = ALL):
        from crmlab.analysis import forecast_sales

        return forecast_sales(_orders_in(self.orders, self.customers, region), horizon=horizon, level=level)

    def render(self, table):
        from crmlab.charts.info import plot_forecast

        return plot_forecast(table).figure


class MonthCompareView(View):
    """Association analysis: a month against the previous one, with the verdict."""

    def __init__(self, orders: pd.DataFrame, interactions: pd.DataFrame, customers: pd.DataFrame):
        super().__init__()
        import ipywidgets as w

        self.orders, self.interactions, self.customers = orders, interactions, customers
        months = _months(orders)[1:]
        if not months:
            raise CRMDataError("订单只有一个月的数据：至少要有两个月，才能做本月与上月的对比。")
        self.month = w.Dropdown(options=months, value=months[-1], description="本月")
        self.region = w.Dropdown(options=_regions(customers), description="地区")
        for c in (self.month, self.region):
            c.observe(lambda _c: self.update(month=self.month.value, region=self.region.value), names="value")
        self.widget = w.VBox([w.HBox([self.month, self.region]), self.status, self.out])

    def compute(self, month: str = "2025-12", region: str = ALL):
        from crmlab.analysis import month_over_month

        return month_over_month(self.orders, self.interactions, month, customers=self.customers,
                                region=None if region == ALL else region)

    def render(self, table):
        from crmlab.charts.info import plot_month_over_month

        return plot_month_over_month(table).figure


__all__ = [
    "AgeFavouriteView",
    "DataCardView",
    "ForecastView",
    "MonthCompareView",
    "ParetoView",
    "RegionSalesView",
    "RoleView",
]
