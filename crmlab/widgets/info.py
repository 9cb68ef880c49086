"""Widgets for lesson 2 (收集客户信息): thin views over :mod:`crmlab.infobase` and :mod:`crmlab.analysis`.

* :class:`DataCardView` -- enter a customer (validation, source, channel, consent) into an InfoBase.
* :class:`RoleView` -- the customer list as a chosen role sees it (masking, audit).
* :class:`RegionSalesView`, :class:`AgeFavouriteView` -- basic analysis (month / age bands).
* :class:`ParetoView` -- statistical analysis (top share, region).
* :class:`ForecastView` -- trend analysis (horizon, level, region).
* :class:`MonthCompareView` -- association analysis (month, region).
* :class:`InfoTypeSortView` -- sort fields into descriptive / behavioural / associative, with feedback.
* :class:`MinimiseView` -- tick the fields a purpose needs (data minimisation), with feedback.
* :class:`ScreeningPairView` -- merge two records or not? The screening rules answer, with the reason.
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
        view = self.base.read_customers(role, user=user, limit=self.rows)  # only the rows shown are read and audited
        return role, view

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

        ax = self.live_axes("regions", (7, 4.2), left=0.075, right=0.99, bottom=0.112, top=0.935)
        return plot_sales_by_region(table, ax=ax)


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
        self._aged: dict = {}  # measure ("quantity" / "amount") -> crmlab.analysis.age_category_totals
        self.bands = w.Dropdown(options=list(BAND_SCHEMES), description="年龄分段")
        self.value = w.ToggleButtons(options=[("购买件数", "quantity"), ("购买金额", "amount")], description="统计")
        for c in (self.bands, self.value):
            c.observe(lambda _c: self.update(bands=self.bands.value, value=self.value.value), names="value")
        self.widget = w.VBox([w.HBox([self.bands, self.value]), self.status, self.out])

    def compute(self, bands: str = "五段（25/35/45/55）", value: str = "quantity", edges=None):
        from crmlab.analysis import AGE_LABELS, age_category_totals, favourite_by_age

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
        if value not in self._aged:  # totals per buyer's age and category, once per measure; the bands re-add them
            self._aged[value] = age_category_totals(self.orders, self.customers, value)
        return favourite_by_age(self.orders, self.customers, bins=bins, labels=labels, value=value,
                                aged=self._aged[value])

    def render(self, table):
        from crmlab.charts.info import plot_favourite_by_age

        ax = self.live_axes("ages", (8, 4.2), left=0.107, right=0.985, bottom=0.128, top=0.935)
        return plot_favourite_by_age(table, ax=ax)


class ParetoView(View):
    """Statistical analysis: share of the top X % of customers, per region."""

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame):
        super().__init__()
        import ipywidgets as w

        self.orders, self.customers = orders, customers
        self._shares = None  # (region, customer_shares of its orders) of the last region used
        self.top = w.IntSlider(value=20, min=5, max=50, step=5, description="前 %", continuous_update=False)
        self.region = w.Dropdown(options=_regions(customers), description="地区")
        for c in (self.top, self.region):
            c.observe(lambda _c: self.update(top=self.top.value / 100, region=self.region.value), names="value")
        self.widget = w.VBox([w.HBox([self.top, self.region]), self.status, self.out])

    def compute(self, top: float = 0.2, region: str = ALL):
        from crmlab.analysis import customer_shares, share_of_top

        if self._shares is None or self._shares[0] != region:  # the slider re-reads the same region's table
            self._shares = (region, customer_shares(_orders_in(self.orders, self.customers, region)))
        shares = self._shares[1]
        return shares, top, share_of_top(shares, top)

    def render(self, result):
        from crmlab.charts.info import plot_pareto

        shares, top, _ = result
        ax = self.live_axes("pareto", (7, 4.2), left=0.09, right=0.985, bottom=0.113, top=0.936)
        return plot_pareto(shares, top=top, ax=ax)


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

        ax = self.live_axes("forecast", (10, 4.8), left=0.065, right=0.995, bottom=0.13, top=0.943)
        return plot_forecast(table, ax=ax)


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
        from IPython.display import HTML, display

        from crmlab.charts.info import plot_month_over_month

        text = html.escape(str(table.attrs.get("explanation", "")))
        display(HTML(f"<p style='font-size:15px'>{text}</p>"))
        ax = self.live_axes("months", (9, 4), left=0.1, right=0.995, bottom=0.118, top=0.932)
        return plot_month_over_month(table, ax=ax)


# --------------------------------------------------------------------------
# learner decisions with feedback: sorting, minimisation, screening
# --------------------------------------------------------------------------
_OK_STYLE = "color:#1b7f3b"
_BAD_STYLE = "color:#b3261e"


def _feedback_html(table: pd.DataFrame, head: str) -> str:
    rows = []
    for _, r in table.iterrows():
        style = _OK_STYLE if r["对错"] == "✓" else (_BAD_STYLE if r["对错"] not in ("未选",) else "color:#8a6d00")
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in r.to_numpy())
        rows.append(f"<tr style='{style}'>{cells}</tr>")
    th = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    return f"<p style='font-size:15px'>{head}</p><table><tr>{th}</tr>{''.join(rows)}</table>"


class InfoTypeSortView(View):
    """信息分类: pick a type for each field, press 检查, see which are right and why.

    ``update(phone="描述类", satisfaction="关联类", ...)`` returns the feedback table
    (:func:`crmlab.info.sort_feedback`); fields left empty count as not yet sorted.
    """

    OPTIONS = (("请选择", ""), ("描述类", "描述类信息"), ("行为类", "行为类信息"), ("关联类", "关联类信息"))

    def __init__(self, fields=None):
        super().__init__()
        import ipywidgets as w

        from crmlab.info import COLUMN_LABELS, SORT_FIELDS

        fields = list(fields or SORT_FIELDS)
        self.controls = {f: w.Dropdown(options=list(self.OPTIONS), value="", layout=w.Layout(width="120px")) for f in fields}
        rows = [w.HBox([w.Label(COLUMN_LABELS.get(f, f), layout=w.Layout(width="230px")), c])
                for f, c in self.controls.items()]
        self.check = w.Button(description="检查", button_style="primary")
        self.check.on_click(lambda _b: self.update())
        half = (len(rows) + 1) // 2
        self.widget = w.VBox([w.HBox([w.VBox(rows[:half]), w.VBox(rows[half:])]), self.check, self.status, self.out])

    def compute(self, **values):
        from crmlab.info import sort_feedback

        return sort_feedback(self.control_values(values))

    def render(self, table: pd.DataFrame) -> str:
        a = table.attrs
        head = f"答对 <b>{a['n_right']}</b> / {a['n']} 个。"
        if a["n_answered"] < a["n"]:
            head += f"还有 {a['n'] - a['n_answered']} 个没有选。"
        return _feedback_html(table, head)


class MinimiseView(View):
    """按需收集: choose a purpose, tick the fields it needs, press 检查.

    ``update(purpose="订单配送", ticked=["name", "phone", "address"])`` returns the feedback
    table of :func:`crmlab.info.minimisation_feedback` (too many / too few fields).
    """

    def __init__(self, purpose: str = "订单配送"):
        super().__init__()
        import ipywidgets as w

        from crmlab.info import COLUMN_LABELS, MINIMISE_FIELDS, PURPOSES

        self.controls = {"purpose": w.Dropdown(options=list(PURPOSES), value=purpose, description="用途")}
        self.boxes = {f: w.Checkbox(description=COLUMN_LABELS.get(f, f), value=False, indent=False,
                                    layout=w.Layout(width="140px")) for f in MINIMISE_FIELDS}
        self.controls["purpose"].observe(lambda _c: self._clear(), names="value")
        self.check = w.Button(description="检查我的选择", button_style="primary")
        self.check.on_click(lambda _b: self.update())
        boxes = list(self.boxes.values())
        grid = w.VBox([w.HBox(boxes[i:i + 5]) for i in range(0, len(boxes), 5)])
        self.widget = w.VBox([self.controls["purpose"], w.HTML("勾选这个用途<b>需要</b>收集的字段："), grid,
                              self.check, self.status, self.out])

    def _clear(self) -> None:
        self.out.outputs = ()  # not clear_output(): see crmlab.widgets._base.show_in
        self.status.value = ""

    def compute(self, purpose: str | None = None, ticked=None):
        from crmlab.info import minimisation_feedback

        purpose = self.controls["purpose"].value if purpose is None else purpose
        if ticked is None:
            ticked = [f for f, b in self.boxes.items() if b.value]
        return minimisation_feedback(ticked, purpose)

    def render(self, table: pd.DataFrame) -> str:
        ok = not table.attrs["too_many"] and not table.attrs["too_few"]
        head = ("✓ " if ok else "× ") + html.escape(table.attrs["verdict"])
        return _feedback_html(table, f"<b style='{_OK_STYLE if ok else _BAD_STYLE}'>{head}</b>")


class ScreeningPairView(View):
    """合并还是不合并？ Two records of the company's own data; the learner decides, the rules answer.

    ``update(pair=0, decision="合并")`` returns a dict with ``table`` (the two records),
    ``decision`` (the rules' :class:`~crmlab.identify.PairDecision`), ``correct`` (the
    learner agreed with the rules) and ``same_person`` (from the answer file, if given).
    ``decision=None`` only shows the pair.
    """

    def __init__(self, raw: pd.DataFrame, truth: pd.DataFrame | None = None, n: int = 6):
        super().__init__()
        import ipywidgets as w

        from crmlab.identify import screening_examples

        self.raw, self.truth = raw, truth
        self.pairs = screening_examples(raw, n=n)
        if not self.pairs:
            raise CRMDataError("这批记录里找不到需要判断的记录对（没有两条记录有相同的电话、邮箱、身份证号或姓名生日）。")
        self.controls = {"pair": w.Dropdown(options=[(f"第 {k + 1} 对", k) for k in range(len(self.pairs))], value=0,
                                            description="记录对")}
        self.controls["pair"].observe(lambda _c: self.update(decision=None), names="value")
        self.buttons = [w.Button(description=d, button_style=s) for d, s in (("合并", "success"), ("不合并", "warning"))]
        for b in self.buttons:
            b.on_click(lambda btn: self.update(decision=btn.description))
        self.widget = w.VBox([w.HBox([self.controls["pair"], *self.buttons]), self.status, self.out])
        self.update(decision=None)

    def compute(self, pair: int | None = None, decision: str | None = None) -> dict:
        from crmlab.identify import explain_pair, pair_table

        k = self.controls["pair"].value if pair is None else pair
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self.pairs):
            raise CRMDataError(f"没有第 {k} 对记录：请从 0 到 {len(self.pairs) - 1} 中选。")
        if decision not in (None, "合并", "不合并"):
            raise CRMDataError(f"判断只能是“合并”或“不合并”，不是“{decision}”。")
        a, b = self.pairs[k]
        recs = self.raw.set_index("record_id")
        rules = explain_pair(recs.loc[a], recs.loc[b])
        same = None
        if self.truth is not None:
            person = self.truth.set_index("record_id")["person_id"]
            same = bool(person.get(a) == person.get(b))
        correct = None if decision is None else (decision == "合并") == rules.merge
        return {"table": pair_table(self.raw, (a, b)), "decision": rules, "choice": decision, "correct": correct,
                "same_person": same}

    def render(self, result: dict) -> str:
        out = result["table"].to_html(border=0, escape=True)
        if result["choice"] is None:
            return out + "<p>这两条记录是同一个人吗？点“合并”或“不合并”。</p>"
        d = result["decision"]
        mark = (f"<b style='{_OK_STYLE}'>✓ 和筛选规则的判断一致。</b>" if result["correct"]
                else f"<b style='{_BAD_STYLE}'>× 筛选规则的判断是：{'合并' if d.merge else '不合并'}。</b>")
        text = f"<p style='font-size:15px'>{mark} {html.escape(d.rule)}：{html.escape(d.reason)}</p>"
        if result["same_person"] is not None:
            fact = "同一个人" if result["same_person"] else "两个不同的人"
            agree = "规则判对了" if result["same_person"] == d.merge else "这一次规则判错了：规则不是万能的，拿不准时要人工核实"
            text += f"<p>对照答案：这两条记录其实属于<b>{fact}</b>，{agree}。</p>"
        return out + text


__all__ = [
    "AgeFavouriteView",
    "DataCardView",
    "ForecastView",
    "InfoTypeSortView",
    "MinimiseView",
    "MonthCompareView",
    "ParetoView",
    "RegionSalesView",
    "RoleView",
    "ScreeningPairView",
]
