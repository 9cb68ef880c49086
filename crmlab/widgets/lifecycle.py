"""Widgets for lesson 1 (识别客户), second class: thin views over :mod:`crmlab.lifecycle`.

* :class:`KotlerLevelView` - number of customers and unit margin -> recommended level,
  highlighted on Kotler's matrix.
* :class:`LifecycleView` - life-cycle rules -> customers per stage and the curve
  (four stages or the telecom stages A-E) with the strategy table.
* :class:`RetentionView` - retention economics sliders -> profit change charts.
"""

from __future__ import annotations

import html

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.widgets._base import View


class KotlerLevelView(View):
    """Customer count + unit margin -> Kotler's recommended relationship level.

    ``update(n_customers=2000, unit_margin=0.25)`` returns a
    :class:`crmlab.lifecycle.KotlerChoice`.
    """

    def __init__(self, n_customers: int = 2000, unit_margin: float = 0.25):
        super().__init__()
        import ipywidgets as w

        st = {"description_width": "110px"}
        self.n_customers = w.IntText(value=n_customers, description="客户数量（人）", style=st)
        self.unit_margin = w.FloatSlider(value=unit_margin, min=0.0, max=0.9, step=0.01, readout_format=".0%",
                                         description="边际利润率（%）", style=st, layout=w.Layout(width="420px"),
                                         continuous_update=False)
        self.text = w.HTML()
        for c in (self.n_customers, self.unit_margin):
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([w.HBox([self.n_customers, self.unit_margin]), self.status, self.text, self.out])
        self._refresh()

    def _refresh(self):
        self.update(n_customers=self.n_customers.value, unit_margin=self.unit_margin.value)

    def compute(self, n_customers=2000, unit_margin=0.25):
        from crmlab.lifecycle import recommend_level

        return recommend_level(n_customers, unit_margin)

    def render(self, choice):
        from crmlab.charts.lifecycle import plot_kotler_matrix

        self.text.value = f"<p><b>{html.escape(str(choice))}</b></p>"
        ax = self.live_axes("matrix", (7.2, 5.0), left=0.16, right=0.98, bottom=0.12, top=0.86)
        return plot_kotler_matrix(choice, ax=ax)

    def update(self, **values):
        self.text.value = ""
        return super().update(**values)


MODEL_OPTIONS = [("四阶段（考察→退化）", "four"), ("电信五阶段 A-E", "telecom")]


class LifecycleView(View):
    """Life-cycle stage rules -> customers per stage, the curve and the strategy table.

    ``update(model="four", explore_days=183, silence_days=180, silence_factor=3, early=0.41,
    late=0.58, churn_days=365)`` returns ``{"stages", "summary", "strategy"}``.
    """

    def __init__(self, orders: pd.DataFrame, customers: pd.DataFrame | None = None, asof: str = COURSE_DATE):
        super().__init__()
        import ipywidgets as w

        self.orders = orders
        self.customers = customers
        self.asof = asof
        self._measures = None  # crmlab.lifecycle.lifecycle_measures of the orders, made at the first update
        st = {"description_width": "150px"}
        lay = w.Layout(width="430px")
        self.model = w.ToggleButtons(options=MODEL_OPTIONS, value="four", description="阶段划分", style=st)
        self.explore_days = w.IntSlider(value=183, min=7, max=365, step=1, description="考察期（天）", style=st, layout=lay, continuous_update=False)
        self.silence_days = w.IntSlider(value=180, min=30, max=720, step=5, description="沉默多少天算“很久”", style=st,
                                        layout=lay, continuous_update=False)
        self.silence_factor = w.FloatSlider(value=3.0, min=1.0, max=10.0, step=0.5, description="且超过平常间隔几倍",
                                            style=st, layout=lay, continuous_update=False)
        self.late = w.FloatSlider(value=0.58, min=0.51, max=0.95, step=0.01, readout_format=".0%",
                                  description="购买重心高于多少算“在加深”", style=st, layout=lay, continuous_update=False)
        self.early = w.FloatSlider(value=0.41, min=0.05, max=0.49, step=0.01, readout_format=".0%",
                                   description="购买重心低于多少算“在退化”", style=st, layout=lay, continuous_update=False)
        from crmlab.course import CHURN_DAYS

        self.churn_days = w.IntSlider(value=CHURN_DAYS, min=30, max=720, step=5, description="多少天没买算流失",
                                      style=st, layout=lay, continuous_update=False)
        self.table = w.HTML()
        controls = (self.model, self.explore_days, self.silence_days, self.silence_factor, self.late, self.early,
                    self.churn_days)
        for c in controls:
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([
            self.model,
            w.HBox([w.VBox([self.explore_days, self.silence_days, self.silence_factor]),
                    w.VBox([self.late, self.early, self.churn_days])]),
            self.status, self.out, self.table,
        ])
        self._refresh()

    def _values(self) -> dict:
        return {"model": self.model.value, "explore_days": self.explore_days.value,
                    "silence_days": self.silence_days.value, "silence_factor": self.silence_factor.value,
                    "late": self.late.value, "early": self.early.value, "churn_days": self.churn_days.value}

    def _refresh(self):
        self.update(**self._values())

    def compute(self, model="four", **rules):
        from crmlab.course import CHURN_DAYS
        from crmlab.lifecycle import lifecycle_measures, lifecycle_stage, stage_strategy, stage_summary, telecom_stage

        rules.setdefault("churn_days", CHURN_DAYS)  # the course's one churn rule, whatever the function's default
        if self._measures is None:  # the orders are summed up once; a slider only re-applies the rules
            self._measures = lifecycle_measures(self.orders, self.asof)
        if "window_days" not in rules:
            rules["measures"] = self._measures

        if model == "four":
            stages = lifecycle_stage(self.orders, self.asof, **rules)
        elif model == "telecom":
            stages = telecom_stage(self.orders, self.asof, self.customers, **rules)
        else:
            raise CRMDataError(f"没有名为「{model}」的阶段划分，请选择四阶段或电信五阶段。")
        return {"stages": stages, "summary": stage_summary(stages), "strategy": stage_strategy(model)}

    def render(self, result):
        from crmlab.charts.lifecycle import plot_lifecycle_curve

        s = result["summary"].copy()
        s["share"] = [f"{v:.1%}" for v in s["share"]]
        for col in ("avg_recent_amount", "avg_tenure_days"):  # whole yuan / days, thousands separated
            if col in s.columns:
                s[col] = ["—" if pd.isna(v) else f"{v:,.0f}" for v in s[col]]
        s = s.rename(columns={"customers": "客户数", "share": "占比", "avg_recent_amount": "人均近期消费额（元）",
                              "avg_tenure_days": "平均关系时长（天）"})
        s.index.name = "阶段"
        self.table.value = s.to_html(border=0, na_rep="—") + result["strategy"].to_html(border=0)
        ax = self.live_axes("curve", (8.4, 4.6), left=0.05, right=0.98, bottom=0.08, top=0.88)
        return plot_lifecycle_curve(result["summary"], ax=ax)

    def update(self, **values):
        self.table.value = ""
        return super().update(**values)


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """Display copy: rates as percentages, other numbers with thousands separators."""
    out = table.copy()
    for col in out.columns:
        values = pd.to_numeric(out[col], errors="coerce")
        if values.isna().any():
            continue
        if "率" in str(col):
            out[col] = [f"{v:.0%}" for v in values]
        elif (values.round() == values).all():
            out[col] = [f"{v:,.0f}" for v in values]
        else:
            out[col] = [f"{v:,.1f}" for v in values]
    return out


class RetentionView(View):
    """Retention economics simulator: sliders -> cumulative profit and the profit increase chart.

    ``update(acquisition_cost=100, retention_cost_ratio=5, base_churn=0.2, churn_reduction=0.05,
    margin_growth=0.1, referral_share=0.6, n_customers=1000)`` returns a
    :class:`crmlab.lifecycle.RetentionEconomics`.
    """

    def __init__(self):
        super().__init__()
        import ipywidgets as w

        st = {"description_width": "215px"}  # the longest label must fit: 获客成本是保留成本的几倍（倍）
        lay = w.Layout(width="500px")
        self.controls = {
            "n_customers": w.IntSlider(value=1000, min=100, max=20000, step=100, description="现有客户数（人）",
                                       style=st, layout=lay, continuous_update=False),
            "acquisition_cost": w.FloatSlider(value=100, min=0, max=1000, step=10, readout_format=",.0f",
                                              description="获取一位新客户（元）",
                                              style=st, layout=lay, continuous_update=False),
            "retention_cost_ratio": w.FloatSlider(value=5, min=1, max=10, step=0.5, readout_format=".1f",
                                                  description="获客成本是保留成本的几倍（倍）", style=st, layout=lay, continuous_update=False),
            "base_churn": w.FloatSlider(value=0.20, min=0.05, max=0.6, step=0.01, readout_format=".0%",
                                        description="现在每年流失率", style=st, layout=lay, continuous_update=False),
            "churn_reduction": w.FloatSlider(value=0.05, min=0.0, max=0.2, step=0.01, readout_format=".0%",
                                             description="流失率降低（百分点）", style=st, layout=lay, continuous_update=False),
            "margin_growth": w.FloatSlider(value=0.10, min=0.0, max=0.3, step=0.05, readout_format=".0%",
                                           description="老客户利润每年增长", style=st, layout=lay, continuous_update=False),
            "referral_share": w.FloatSlider(value=0.60, min=0.0, max=1.0, step=0.05, readout_format=".0%",
                                            description="新客户中老客户推荐的占比", style=st, layout=lay, continuous_update=False),
        }
        self.table = w.HTML()
        for c in self.controls.values():
            c.observe(lambda _change: self._refresh(), names="value")
        items = list(self.controls.values())
        self.widget = w.VBox([w.HBox([w.VBox(items[:4]), w.VBox(items[4:])]), self.status, self.out, self.table])
        self._refresh()

    def _refresh(self):
        self.update(**{k: c.value for k, c in self.controls.items()})

    def compute(self, **values):
        from crmlab.lifecycle import retention_economics

        return retention_economics(**values)

    def render(self, result):
        from crmlab.charts.lifecycle import plot_retention_curves, plot_retention_growth

        s = result.summary.copy()
        s["value"] = [f"{v:.0%}" if k == "profit_increase" else (f"{v:,.0f}" if v == round(v) else f"{v:,.1f}")
                      for k, v in s["value"].items()]
        s = s.set_index("item").rename(columns={"value": "数值"})
        s.index.name = "项目"
        self.table.value = (
            s.to_html(border=0) + _readable(result.costs).to_html(border=0)
            + _readable(result.selling).to_html(border=0) + _readable(result.referrals).to_html(border=0)
        )
        ax1, ax2 = self.live_axes_row("retention", (12.5, 4.4), [(0.07, 0.14, 0.4089, 0.76), (0.5811, 0.14, 0.4089, 0.76)])
        plot_retention_curves(result, ax=ax1)
        plot_retention_growth(result, ax=ax2)
        return ax1.figure

    def update(self, **values):
        self.table.value = ""
        return super().update(**values)


__all__ = ["KotlerLevelView", "LifecycleView", "RetentionView"]
