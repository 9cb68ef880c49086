"""Widgets for lesson 4 (客户信用管理): thin views over :mod:`crmlab.credit`.

* :class:`PyramidView` - sliders move the tier cut-offs of the customer pyramid.
* :class:`CreditPolicyView` - sliders for a looser credit policy; profit change and break-even.
* :class:`CreditApplicationView` - enter one customer's 5C facts; score, grade, limit, reasons.
* :class:`AgingView` - pick the cut-off date; ageing chart and bad-debt provision.
* :class:`ScoreCutoffView` - choose the approval score of a fitted scorecard.
* :class:`PaymentTermsView` - payment terms per payment segment (deposit, credit days): cash flow and risk.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.widgets._base import View, inch_rect, table_html


def _num(value, name: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CRMDataError(f"「{name}」还没有填，请填一个数字。")
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        plain = re.sub(r"[¥￥,，元%％\s]", "", str(value))
        if re.fullmatch(r"-?\d+(\.\d+)?", plain):
            raise CRMDataError(
                f"「{name}」只填数字，不要带 ¥、逗号、% 或“元”：「{value}」请写成 {plain}。"
            ) from exc
        raise CRMDataError(f"「{name}」需要填一个数字，现在是「{value}」。") from exc
    if not math.isfinite(v):
        raise CRMDataError(f"「{name}」需要填一个有限的数字。")
    return v


def _percent(value, name: str, upper: float = 100.0) -> float:
    """A percent typed by the learner (0-100) -> fraction."""
    v = _num(value, name)
    if v < 0 or v > upper:
        raise CRMDataError(f"「{name}」请填 0~{upper:g} 之间的百分数（例如 5% 就填 5），现在是 {v:g}。")
    return v / 100


_RANK_OPTIONS = [("按销售额", "amount"), ("按毛利", "gross_profit")]


class PyramidView(View):
    """Customer pyramid with four sliders (shares of customers per tier, in percent).

    ``update(cutoffs=(1, 4, 15, 80), by="amount")``; the shares must add up to 100,
    otherwise a Chinese message explains it.
    """

    def __init__(self, orders: pd.DataFrame, labels=None):
        super().__init__()
        import ipywidgets as w

        from crmlab.credit import PYRAMID_LABELS

        self.orders = orders
        self._values: dict = {}  # ranking ("amount" or "gross_profit") -> crmlab.credit.customer_values
        self.labels = tuple(PYRAMID_LABELS if labels is None else labels)
        defaults = (1, 4, 15, 80)
        self.sliders = [
            w.FloatSlider(value=d, min=0, max=100, step=0.5, description=f"{lab}%",
                          continuous_update=False, style={"description_width": "70px"})
            for lab, d in zip(self.labels, defaults)
        ]
        self.by = w.Dropdown(options=_RANK_OPTIONS, value="amount",
                             description="排名依据")
        self.preset = w.ToggleButtons(options=["金字塔 1/4/15/80", "ABC 20/30/50"], description="预设")
        self.preset.observe(self._on_preset, names="value")
        for c in (*self.sliders, self.by):
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([self.preset, w.HBox([w.VBox(self.sliders[:2]), w.VBox(self.sliders[2:])]), self.by,
                              self.status, self.out])
        self._refresh()

    def _on_preset(self, change):
        if not isinstance(change["new"], str):  # preset deselected (None): keep the sliders as they are
            return
        pyr = change["new"].startswith("金字塔")
        vals = (1, 4, 15, 80) if pyr else (20, 30, 50, 0)
        names = self.labels if pyr else ("A类客户", "B类客户", "C类客户", self.labels[-1])
        self._busy = True  # no redraw for the intermediate slider states
        try:
            for s, v, name in zip(self.sliders, vals, names):
                s.value = v
                s.description = f"{name}%"
            # ABC has three tiers: hide the fourth slider (its value 0 means "no fourth tier")
            self.sliders[3].layout.display = None if pyr else "none"
        finally:
            self._busy = False
        self._refresh()

    def _refresh(self):
        if getattr(self, "_busy", False):
            return
        cut = tuple(s.value for s in self.sliders)
        self.update(cutoffs=cut, by=self.by.value)

    def compute(self, cutoffs=(1, 4, 15, 80), by="amount"):
        from crmlab.credit import customer_values, pyramid

        if by not in dict(_RANK_OPTIONS).values():
            raise CRMDataError(f"排名依据只能是「按销售额」（amount）或「按毛利」（gross_profit），现在是「{by}」。")
        cuts = [_num(c, "比例") for c in cutoffs]
        labels = list(self.labels[: len(cuts)])
        if len(cuts) == 4 and cuts[3] == 0:  # ABC preset: three tiers
            cuts, labels = cuts[:3], ["A类客户", "B类客户", "C类客户"]
        total = sum(cuts)
        if abs(total - 100) > 1e-6:
            raise CRMDataError(f"各层客户比例加起来要等于 100%，现在是 {total:g}%。请拖动滑块调整。")
        if any(c <= 0 for c in cuts):
            raise CRMDataError("每一层的客户比例都要大于 0%。")
        if by not in self._values:  # each customer's total, summed once per ranking; the sliders only re-cut it
            self._values[by] = customer_values(self.orders, by=by)
        return pyramid(self._values[by], by=by, cutoffs=[c / 100 for c in cuts], labels=labels)

    def render(self, result):
        from crmlab.charts.credit import plot_pyramid

        ax = self.live_axes("pyramid", (8, 4.8), left=0.005, right=0.995, bottom=0.009, top=0.944)
        return plot_pyramid(result, ax=ax)


class _SummaryView(View):
    """A View whose text verdict lives in ``self.summary`` (an HTML widget), not in the Output.

    Displaying HTML before the figure inside the Output during a widget callback
    lost the figure's contents in JupyterLab (seen in headless Chromium: blank
    or text-less PNGs), so only the figure goes into ``self.out``.
    """

    def update(self, **values):
        self.summary.value = ""  # never leave a stale verdict next to an error message
        return super().update(**values)


class CreditPolicyView(_SummaryView):
    """Credit policy simulator: looser terms vs bad debts, collection and financing cost.

    ``update(sales=..., margin=20, sales_increase=15, current_days=30, new_days=60,
    new_bad_debt=3, new_collection_cost=1, cost_of_capital=10)`` - rates in percent.
    """

    def __init__(self, sales: float = 1_000_000, margin: float = 20):
        super().__init__()
        import ipywidgets as w

        st = {"description_width": "150px"}
        lay = w.Layout(width="420px")
        self.controls = {
            "sales": w.FloatText(value=sales, description="现行年销售额（元）", style=st, layout=lay),
            "margin": w.FloatSlider(value=margin, min=0, max=60, step=1, description="毛利率（%）", style=st, layout=lay),
            "sales_increase": w.FloatSlider(value=15, min=0, max=60, step=1, description="放宽后销售增长（%）", style=st, layout=lay),
            "current_days": w.IntSlider(value=30, min=0, max=180, step=5, description="现行平均收账期（天）", style=st, layout=lay),
            "new_days": w.IntSlider(value=60, min=0, max=180, step=5, description="新平均收账期（天）", style=st, layout=lay),
            "new_bad_debt": w.FloatSlider(value=3, min=0, max=15, step=0.5, description="新坏账率（%）", style=st, layout=lay),
            "new_collection_cost": w.FloatSlider(value=1, min=0, max=5, step=0.1, description="新收账费用率（%）", style=st, layout=lay),
            "cost_of_capital": w.FloatSlider(value=10, min=0, max=30, step=0.5, description="资金成本率（%）", style=st, layout=lay),
        }
        for c in self.controls.values():
            c.continuous_update = False
            c.observe(lambda _change: self._refresh(), names="value")
        self.summary = w.HTML()  # verdict + table outside the Output area (see _SummaryView)
        self.widget = w.VBox([*self.controls.values(), self.status, self.summary, self.out])
        self._refresh()

    def _refresh(self):
        self.update(**{k: c.value for k, c in self.controls.items()})

    def compute(self, sales=1_000_000, margin=20, sales_increase=15, current_days=30, new_days=60,
                new_bad_debt=3, new_collection_cost=1, cost_of_capital=10,
                current_bad_debt=1, current_collection_cost=0.5):
        from crmlab.credit import credit_policy

        return credit_policy(
            sales=_num(sales, "现行年销售额"),
            margin=_percent(margin, "毛利率"),
            sales_increase=_percent(sales_increase, "销售增长", upper=1000),
            current_days=_num(current_days, "现行平均收账期"),
            new_days=_num(new_days, "新平均收账期"),
            current_bad_debt=_percent(current_bad_debt, "现行坏账率"),
            new_bad_debt=_percent(new_bad_debt, "新坏账率"),
            current_collection_cost=_percent(current_collection_cost, "现行收账费用率"),
            new_collection_cost=_percent(new_collection_cost, "新收账费用率"),
            cost_of_capital=_percent(cost_of_capital, "资金成本率"),
        )

    def render(self, result):
        from crmlab.charts.credit import plot_credit_policy
        from crmlab.credit import relabel

        t = relabel(result.table)  # Chinese headers (crmlab.labels)
        verdict = "值得放宽" if result.profit_change > 0 else "不值得放宽"
        be = result.breakeven_increase
        be_text = f"销售至少要增长 {be:.1%} 才能保本" if np.isfinite(be) else "无论销售增长多少都无法保本"
        self.summary.value = (
            f"<p><b>结论：{verdict}</b>（净收益变化 {result.profit_change:,.0f} 元；{be_text}）</p>"
            + table_html(t.round(0), dict.fromkeys(t.columns, "{:,.0f}"))
        )
        ax = self.live_axes("policy", (7, 4.2), left=0.125, right=0.995, bottom=0.112, top=0.935)
        return plot_credit_policy(result, ax=ax)


APP_FIELDS = {
    "years_in_business": ("经营年限（年）", 6),
    "on_time_payment_rate": ("按时付款率（%）", 90),
    "late_payments_12m": ("近12个月逾期次数", 1),
    "annual_revenue": ("年营业收入（元）", 3_000_000),
    "working_capital": ("营运资金（元）", 300_000),
    "debt_ratio": ("资产负债率（%）", 55),
    "net_worth": ("净资产（元）", 1_500_000),
    "collateral_value": ("抵押/担保价值（元）", 50_000),
    "industry_outlook": ("行业前景（1-5 分）", 3),
    "avg_monthly_sales": ("预计月均赊购额（元）", 20_000),
    "payment_terms_days": ("申请账期（天）", 30),
}


#: fields that only take whole numbers (integer input box, fractions rejected in ``compute``)
_APP_INT_FIELDS = frozenset({"late_payments_12m"})


class CreditApplicationView(_SummaryView):
    """A credit application: the learner types one customer's 5C facts.

    ``update(**facts)`` with the keys of ``APP_FIELDS`` (rates in percent) returns a
    dict with the score row, grade, limit and reasons.
    """

    def __init__(self, **defaults):
        super().__init__()
        import ipywidgets as w

        st = {"description_width": "160px"}
        self.controls = {}
        for key, (label, value) in APP_FIELDS.items():
            value = defaults.get(key, value)
            # counts are whole numbers: an IntText does not accept 2.5 late payments
            text = w.IntText if key in _APP_INT_FIELDS else w.FloatText
            self.controls[key] = text(value=value, description=label, style=st, layout=w.Layout(width="330px"))
        self.button = w.Button(description="评估这位客户", button_style="primary")
        self.button.on_click(lambda _b: self._refresh())
        half = len(self.controls) // 2 + 1
        items = list(self.controls.values())
        self.summary = w.HTML()  # verdict outside the Output area (see _SummaryView)
        self.widget = w.VBox([w.HBox([w.VBox(items[:half]), w.VBox(items[half:])]), self.button, self.status,
                              self.summary, self.out])
        self._refresh()

    def _refresh(self):
        self.update(**{k: c.value for k, c in self.controls.items()})



    def compute(self, **facts):
        from crmlab.credit import credit_limit, score_5c

        row = {"customer_id": "申请人"}
        for key, (label, default) in APP_FIELDS.items():
            value = facts.get(key, default)
            if key in ("on_time_payment_rate", "debt_ratio"):
                row[key] = _percent(value, label.split("（")[0], upper=100 if key == "on_time_payment_rate" else 500)
            else:
                row[key] = _num(value, label.split("（")[0])
            if key in _APP_INT_FIELDS and not float(row[key]).is_integer():
                raise CRMDataError(f"「{label}」是次数，请填整数（例如 0、1、2），现在是 {row[key]:g}。")
        acc = pd.DataFrame([row])
        scored = score_5c(acc)
        limit = credit_limit(acc)
        return {"scored": scored, "limit": limit, "facts": row}

    def render(self, result):
        from crmlab.charts.credit import plot_5c

        s = result["scored"].iloc[0]
        lim = result["limit"].iloc[0]
        advice = "可以给予赊销" if lim["credit_limit"] > 0 else "建议只做现金交易，不给赊销额度"
        self.summary.value = (
            "<div style='font-size:15px'>"
            f"<p>总分 <b>{s['score']:.1f}</b> 分，信用等级 <b>{html.escape(s['grade'])}</b>，"
            f"建议信用额度 <b>{lim['credit_limit']:,.0f}</b> 元（{advice}）。</p>"
            f"<p>{html.escape(s['reason'])}</p>"
            f"<p style='color:#555'>额度测算：净资产法 {lim['by_net_worth']:,.0f} 元，营运资金法 {lim['by_working_capital']:,.0f} 元，"
            f"销售额法 {lim['by_sales']:,.0f} 元；取最小值 {lim['base_limit']:,.0f} 元 × 等级系数 {lim['grade_factor']:.1f}"
            f"（{html.escape(lim['limit_note'])}）。</p>"
            "</div>"
        )
        return plot_5c(s)


class AgingView(_SummaryView):
    """Receivables ageing at a chosen date: stacked bars and provision summary.

    ``update(asof=COURSE_DATE, top=15)``.
    """

    def __init__(self, invoices: pd.DataFrame, asof=COURSE_DATE):
        super().__init__()
        import ipywidgets as w

        self.invoices = invoices
        self._aged = None  # (date, ageing table, provision) of the last date used
        self.asof = w.DatePicker(value=pd.Timestamp(asof).date(), description="截止日")
        self.top = w.IntSlider(value=15, min=5, max=40, description="显示客户数", continuous_update=False)
        for c in (self.asof, self.top):
            c.observe(lambda _change: self._refresh(), names="value")
        self.summary = w.HTML()  # totals outside the Output area (see _SummaryView)
        self.widget = w.VBox([w.HBox([self.asof, self.top]), self.status, self.summary, self.out])
        self._refresh()

    def _refresh(self):
        self.update(asof=self.asof.value, top=self.top.value)

    def compute(self, asof=COURSE_DATE, top=15):
        from crmlab.credit import aging, provision

        if asof is None or asof == "":
            raise CRMDataError("请先选择截止日。")
        if not isinstance(asof, (str, dt.date, pd.Timestamp, np.datetime64)):
            raise CRMDataError(f"截止日要选一个日期（例如 {COURSE_DATE}），现在是「{asof}」。")
        top = int(_num(top, "显示客户数"))
        if top <= 0:
            raise CRMDataError("显示客户数要大于 0。")
        if self._aged is None or self._aged[0] != pd.Timestamp(asof):
            # the ageing depends on the date only: "显示客户数" shows more or fewer rows of the same table
            tab = aging(self.invoices, asof)
            if tab.empty:
                raise CRMDataError(f"截止日 {pd.Timestamp(asof):%Y-%m-%d} 没有未收回的应收账款，请换一个日期。")
            self._aged = (pd.Timestamp(asof), tab, provision(tab))
        _, tab, prov = self._aged
        return {"aging": tab, "provision": prov, "top": min(top, 100)}

    def render(self, result):
        from crmlab.charts import bars_figsize
        from crmlab.charts.credit import plot_aging

        p = result["provision"]
        self.summary.value = (
            f"<p>应收余额合计 <b>{p.loc['合计', 'receivable']:,.0f}</b> 元，"
            f"应计提坏账准备 <b>{p.loc['合计', 'provision']:,.0f}</b> 元。</p>"
        )
        size = bars_figsize(min(result["top"], len(result["aging"])), 8)  # the chart's own size for these bars
        ax = self.live_axes("aging", size, rect=inch_rect(size, left=0.62, right=0.12, bottom=0.48, top=0.28))
        return plot_aging(result["aging"], top=result["top"], ax=ax)


class ScoreCutoffView(View):
    """Approval cut-off for scorecard points: approval rate and bad rate among approved.

    ``update(cutoff=...)``; ``points`` and ``y`` (1 = bad) are given at construction.
    """

    def __init__(self, points, y, cutoff: float | None = None):
        super().__init__()
        import ipywidgets as w

        self.points = np.asarray(points, dtype=float)
        self.y = np.asarray(y).astype(int)
        lo, hi = (float(np.floor(self.points.min())), float(np.ceil(self.points.max()))) if len(self.points) else (0, 1)
        start = cutoff if cutoff is not None else float(np.median(self.points)) if len(self.points) else 0.0
        self.slider = w.FloatSlider(value=round(start), min=lo, max=hi, step=1, description="批准分数线",
                                    continuous_update=False)
        self.slider.observe(lambda change: self.update(cutoff=change["new"]), names="value")
        self.widget = w.VBox([self.slider, self.status, self.out])
        self.update(cutoff=self.slider.value)

    def compute(self, cutoff=600):
        from crmlab.credit import cutoff_summary

        return cutoff_summary(self.points, self.y, _num(cutoff, "批准分数线"))

    def render(self, result):
        from crmlab.charts.credit import plot_score_distribution

        ax = self.live_axes("scores", (7, 4.2), left=0.1, right=0.995, bottom=0.112, top=0.941)
        plot_score_distribution(self.points, self.y, ax=ax)
        ax.axvline(result["cutoff"], color="black", linestyle="--")
        bad = result["bad_rate_approved"]
        bad_text = "—" if math.isnan(bad) else f"{bad:.1%}"
        ax.set_title(
            f"分数线 {result['cutoff']:.0f}：批准 {result['approval_rate']:.0%}，批准客户中坏客户 {bad_text}，"
            f"拒掉了 {result['bads_caught']:.0%} 的坏客户",
            fontsize=10,
        )
        return ax


_TERM_DEFAULTS = {"现金客户": (0, 0), "赊销客户": (0, 30), "混合客户": (0, 60)}
_DAY_OPTIONS = [("现金（货到付款）", 0), ("赊销 15 天", 15), ("赊销 30 天", 30), ("赊销 60 天", 60),
                ("赊销 90 天", 90)]


class PaymentTermsView(_SummaryView):
    """Choose payment terms per payment segment: deposit (定金, percent) and credit days.

    ``update(terms={"赊销客户": (20, 30), ...})`` - deposit in percent (0-100), days;
    segments left out keep the current terms.  The result is a
    :class:`crmlab.credit.SegmentTermsResult`; the summary table compares with today.
    """

    def __init__(self, orders: pd.DataFrame, invoices: pd.DataFrame, asof=None):
        super().__init__()
        import ipywidgets as w

        from crmlab.credit import segment_baseline

        self.baseline = segment_baseline(orders, invoices, asof)
        st = {"description_width": "90px"}
        self.controls = {}
        rows = []
        for seg in self.baseline.index:
            cur_days = int(self.baseline.loc[seg, "current_days"])
            options = _DAY_OPTIONS if cur_days in dict(_DAY_OPTIONS).values() else [
                *_DAY_OPTIONS, (f"赊销 {cur_days} 天", cur_days)]
            deposit = w.IntSlider(value=0, min=0, max=100, step=10, description="定金（%）", style=st,
                                  continuous_update=False, layout=w.Layout(width="330px"))
            days = w.Dropdown(options=options, value=cur_days, description="余款", style=st,
                              layout=w.Layout(width="260px"))
            for c in (deposit, days):
                c.observe(lambda _change: self._refresh(), names="value")
            self.controls[seg] = (deposit, days)
            rows.append(w.HBox([w.HTML(f"<b>{html.escape(seg)}</b>", layout=w.Layout(width="90px")), deposit, days]))
        self.summary = w.HTML()  # table outside the Output area (see _SummaryView)
        self.widget = w.VBox([*rows, self.status, self.summary, self.out])
        self._refresh()

    def _refresh(self):
        self.update(terms={seg: (d.value, days.value) for seg, (d, days) in self.controls.items()})

    def compute(self, terms=None, cost_of_capital=10):
        from crmlab.credit import segment_terms

        terms = {} if terms is None else terms
        if not isinstance(terms, dict):
            raise CRMDataError("付款条件要按客户类别填写，例如 {'赊销客户': (20, 30)}：定金 20%、余款 30 天。")
        chosen = {}
        for seg, value in terms.items():
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise CRMDataError(f"「{seg}」的付款条件要写成（定金百分数, 账期天数），例如 (20, 30)。")
            chosen[seg] = (_percent(value[0], f"{seg}的定金"), _num(value[1], f"{seg}的账期"))
        return segment_terms(self.baseline, chosen, cost_of_capital=_percent(cost_of_capital, "资金成本率"))

    def render(self, result):
        t = result.table
        show = pd.DataFrame({
            "付款条件": [_terms_text(t.loc[s, "deposit_share"], t.loc[s, "terms_days"]) for s in t.index[:-1]] + ["—"],
            "销售额（元）": t["sales"],
            "被占用的资金（元）": t["avg_receivable"],
            "资金变化": t["avg_receivable_change"],
            "预计坏账（元）": t["expected_bad_debt"],
            "坏账变化": t["expected_bad_debt_change"],
            "净收益（元）": t["net_profit"],
            "净收益变化": t["net_profit_change"],
        }, index=list(t.index))
        money = {c: "{:,.0f}" for c in show.columns if c != "付款条件"}
        change = t.loc["合计", "net_profit_change"]
        word = "多赚" if change > 0 else "少赚" if change < 0 else "不变"
        self.summary.value = (
            f"<p>和现在的付款条件相比：被占用的资金 <b>{t.loc['合计', 'avg_receivable_change']:+,.0f}</b> 元，"
            f"预计坏账 <b>{t.loc['合计', 'expected_bad_debt_change']:+,.0f}</b> 元，"
            f"一年净收益{word} <b>{abs(change):,.0f}</b> 元。</p>"
            + table_html(show, money)
        )
        return None


def _terms_text(deposit: float, days: float) -> str:
    if deposit >= 1:
        return "全额预付"
    rest = "货到付款" if days == 0 else f"赊销 {days:.0f} 天"
    if deposit <= 0:
        return "现金（货到付款）" if days == 0 else rest
    return f"定金 {deposit:.0%}，余款{rest}"


__all__ = ["AgingView", "CreditApplicationView", "CreditPolicyView", "PaymentTermsView", "PyramidView",
           "ScoreCutoffView"]
