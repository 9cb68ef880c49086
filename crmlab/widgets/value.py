"""Widgets for lesson 1, "what a customer is worth".

* :class:`DeliveredValueView` -- value and cost parts of 2-3 competing offers,
  the delivered value of each and the offer a rational customer picks.
* :class:`IndicatorCLVView` -- weights of the six CLV indicators; the ranking updates.
* :class:`DiscountedCLVView` -- margin, retention, discount, periods sliders for
  the discounted CLV formula.

Every view computes with :mod:`crmlab.value` and draws with
:mod:`crmlab.charts.value`; ``update(...)`` never raises.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.charts import number
from crmlab.widgets._base import View, inch_rect

format_number = number  # one number format with the charts (crmlab.charts._format)


def default_offers() -> pd.DataFrame:
    """Three competing offers for the same need (e.g. buying a laptop), in points."""
    from crmlab.value import COST_PARTS, VALUE_PARTS

    data = {
        "品牌专卖店": [60, 20, 15, 15, 70, 5, 5, 2],
        "电商平台": [55, 15, 5, 10, 58, 3, 6, 1],
        "街边小店": [45, 8, 8, 3, 50, 6, 8, 5],
    }
    frame = pd.DataFrame.from_dict(data, orient="index", columns=VALUE_PARTS + COST_PARTS).astype(float)
    frame.index.name = "offer"
    return frame


def _cell(column: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return "—"
    if column == "prob_alive":
        return f"{number:.1%}"
    if column == "value_cost_ratio":
        return "—" if number in (float("inf"), float("-inf")) else f"{number:.2f}"
    return format_number(number)


def _table_html(frame: pd.DataFrame, columns: list[str], labels: dict[str, str], *, index_label: str) -> str:
    head = "".join(f"<th style='padding:2px 8px'>{html.escape(labels.get(c, c))}</th>" for c in columns)
    rows = []
    for name, row in frame.iterrows():
        cells = "".join(f"<td style='padding:2px 8px;text-align:right'>{html.escape(_cell(c, row[c]))}</td>" for c in columns)
        rows.append(f"<tr><td style='padding:2px 8px'>{html.escape(str(name))}</td>{cells}</tr>")
    return (
        "<table style='border-collapse:collapse;font-size:13px'>"
        f"<thead><tr><th style='padding:2px 8px'>{html.escape(index_label)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


class DeliveredValueView(View):
    """Customer delivered value of competing offers (客户让渡价值).

    A grid of number boxes, one column per offer and one row per value/cost part.
    ``update(offers=DataFrame)`` (or a dict ``{offer: {part: number}}``) recomputes;
    ``self.text`` holds the Chinese conclusion sentence.
    """

    def __init__(self, offers: pd.DataFrame | None = None):
        super().__init__()
        import ipywidgets as w

        from crmlab.value import COST_PARTS, LABELS, VALUE_PARTS

        self.parts = VALUE_PARTS + COST_PARTS
        self.text = ""
        self.note = ""
        if offers is None:
            offers = default_offers()
        if isinstance(offers, pd.DataFrame) and len(offers) > 0 and set(self.parts) <= set(offers.columns):
            start = offers[self.parts].head(3)
        else:
            start = default_offers()
            if offers is not None:
                self.note = "给定的方案表不完整（需要八项价值与成本列），已改用示例方案。"
        self.names = [str(n) for n in start.index]
        self.boxes: dict[tuple[str, str], Any] = {}
        cells = [w.HTML("<b>项目</b>")] + [w.HTML(f"<b>{html.escape(n)}</b>") for n in self.names]
        for part in self.parts:
            colour = "#1b7837" if part in VALUE_PARTS else "#b2182b"
            cells.append(w.HTML(f"<span style='color:{colour}'>{LABELS[part]}</span>"))
            for name in self.names:
                raw = pd.to_numeric(start.loc[name, part], errors="coerce") if name in start.index else 0.0
                box = w.FloatText(value=float(raw) if pd.notna(raw) else 0.0, layout=w.Layout(width="90px"), step=1)
                box.observe(self._on_change, names="value")
                self.boxes[(name, part)] = box
                cells.append(box)
        grid = w.GridBox(
            cells,
            layout=w.Layout(grid_template_columns="90px " + " ".join(["100px"] * len(self.names)), grid_gap="2px 6px"),
        )
        self.widget = w.VBox([w.HTML("<b>客户让渡价值 = 客户总价值 − 客户总成本</b>（请修改各方案的价值与成本；单位：分，也可以统一用元）"), grid, self.status, self.out])
        self.update(offers=self.current_offers())

    def current_offers(self) -> pd.DataFrame:
        data = {name: {part: self.boxes[(name, part)].value for part in self.parts} for name in self.names}
        frame = pd.DataFrame.from_dict(data, orient="index")[self.parts]
        frame.index.name = "offer"
        return frame

    def _on_change(self, change=None) -> None:
        self.update(offers=self.current_offers())

    def compute(self, offers: Any = None) -> pd.DataFrame:
        from crmlab.value import delivered_value

        self.text = ""
        if offers is None:
            offers = self.current_offers()
        if isinstance(offers, dict):
            offers = pd.DataFrame.from_dict(offers, orient="index")
        if not isinstance(offers, pd.DataFrame) or offers.empty:
            raise CRMDataError("没有可比较的方案。请至少填写一个方案的价值和成本。")
        result = delivered_value(offers)
        self.text = self.conclusion(result)
        return result

    @staticmethod
    def conclusion(result: pd.DataFrame) -> str:
        """The Chinese sentence naming the offer a rational customer picks."""
        winners = [str(n) for n in result.index[result["best"]]]
        best = float(result["delivered_value"].max())
        if best < 0:
            return (
                f"所有方案的客户让渡价值都是负数（最高为 {format_number(best)}）：客户付出的成本比得到的价值还多，"
                "理性客户可能一个都不选，企业需要提高价值或降低客户成本。"
            )
        if len(winners) > 1:
            return f"{'、'.join(winners)} 的客户让渡价值并列最高（{format_number(best)}），理性客户会在它们之间再比较其他因素。"
        others = result["delivered_value"].drop(index=result.index[result["best"]])
        gap = f"，比第二名高 {format_number(best - float(others.max()))}" if len(others) else ""
        return f"理性客户会选择「{winners[0]}」：它的客户让渡价值最高（{format_number(best)}{gap}）。让渡价值看的是价值减成本，而不是价格最低。"

    def render(self, result: pd.DataFrame):
        from IPython.display import HTML, display

        from crmlab.charts.value import plot_delivered_value
        from crmlab.value import LABELS

        cols = ["total_value", "total_cost", "delivered_value", "value_cost_ratio"]
        note = f"<p style='color:#7a4f00'>{html.escape(self.note)}</p>" if self.note else ""
        display(HTML(note + f"<p style='font-size:15px'>{html.escape(self.text)}</p>" + _table_html(result, cols, LABELS, index_label="方案")))
        return plot_delivered_value(result)


class IndicatorCLVView(View):
    """Weighted indicator method for CLV: weight sliders, the ranking updates.

    ``update(gross_profit=.., volume=.., service_cost=.., satisfaction=.., loyalty=..,
    trust=.., method="minmax", top=10)``; missing weights keep their slider value.
    """

    def __init__(self, metrics: pd.DataFrame | None = None, *, top: int = 10):
        super().__init__()
        import ipywidgets as w

        from crmlab.value import CURRENT_INDICATORS, DEFAULT_WEIGHTS, INDICATORS, LABELS

        self.metrics = metrics
        self.text = ""
        self.sliders = {}
        for key in INDICATORS:
            slider = w.FloatSlider(
                value=DEFAULT_WEIGHTS[key],
                min=0.0,
                max=1.0,
                step=0.05,
                description=LABELS[key] + ("（反向）" if key == "service_cost" else ""),
                readout_format=".2f",
                style={"description_width": "110px"},
                layout=w.Layout(width="380px"),
                continuous_update=False,
            )
            slider.observe(self._on_change, names="value")
            self.sliders[key] = slider
        self.method = w.Dropdown(options=[("最小-最大标准化", "minmax"), ("排名百分位", "rank")], value="minmax", description="标准化")
        self.top = w.IntSlider(value=top, min=3, max=30, description="显示前几名", continuous_update=False, style={"description_width": "110px"})
        for control in (self.method, self.top):
            control.observe(self._on_change, names="value")
        current = w.VBox([w.HTML("<b>当前价值指标</b>")] + [self.sliders[k] for k in CURRENT_INDICATORS])
        potential = w.VBox([w.HTML("<b>潜在价值指标</b>")] + [self.sliders[k] for k in INDICATORS if k not in CURRENT_INDICATORS])
        self.widget = w.VBox([w.HBox([current, potential]), w.HBox([self.method, self.top]), self.status, self.out])
        self.update()

    def compute(self, method: str | None = None, top: int | None = None, **weights: float) -> pd.DataFrame:
        from crmlab._checks import int_param
        from crmlab.value import INDICATORS, indicator_clv

        self.text = ""
        unknown = [k for k in weights if k not in INDICATORS]
        if unknown:
            raise CRMDataError(f"不认识的指标：{'、'.join(unknown)}。")
        w = {k: weights.get(k, self.sliders[k].value) for k in INDICATORS}
        self._top = int_param(self.top.value if top is None else top, "显示前几名", minimum=1, maximum=50)
        if self.metrics is None:
            raise CRMDataError("还没有客户指标数据。请传入 clv_metrics(...) 的结果。")
        result = indicator_clv(self.metrics, w, method=self.method.value if method is None else method)
        total = sum(float(v) for v in w.values())
        leader = result.index[0]
        note = "" if abs(total - 1) < 1e-9 else f"（权重合计 {total:.2f}，已按比例换算成合计 1）"
        self.text = (
            f"按当前权重，终身价值得分最高的是 {leader}（{result['clv_score'].iloc[0]:.1f} 分），"
            f"共 {len(result)} 位客户参与排名{note}。"
        )
        return result

    def render(self, result: pd.DataFrame):
        from IPython.display import HTML, display

        from crmlab.charts import bars_figsize
        from crmlab.charts.value import plot_clv_ranking

        display(HTML(f"<p style='font-size:15px'>{html.escape(self.text)}</p>"))
        size = bars_figsize(min(self._top, len(result)), 7)  # the chart's own size for these bars
        ax = self.live_axes("ranking", size, rect=inch_rect(size, left=0.68, right=0.05, bottom=0.47, top=0.28))
        return plot_clv_ranking(result, top=self._top, ax=ax)


class DiscountedCLVView(View):
    """Discounted CLV formula with sliders: margin, retention, discount, periods, acquisition cost."""

    def __init__(self, margin: float = 1000.0, retention: float = 0.8, discount: float = 0.1, periods: int = 10):
        super().__init__()
        import ipywidgets as w

        style = {"description_width": "110px"}
        layout = w.Layout(width="420px")
        self.text = ""
        self.controls = {
            "margin": w.FloatSlider(value=margin, min=0, max=10000, step=50, description="每期利润（元）", readout_format=",.0f", style=style, layout=layout, continuous_update=False),
            "retention": w.FloatSlider(value=retention, min=0, max=1, step=0.01, description="留存率（%）", readout_format=".0%", style=style, layout=layout, continuous_update=False),
            "discount": w.FloatSlider(value=discount, min=0, max=0.5, step=0.01, description="折现率（%）", readout_format=".0%", style=style, layout=layout, continuous_update=False),
            "periods": w.IntSlider(value=periods, min=1, max=30, description="期数", style=style, layout=layout, continuous_update=False),
            "acquisition_cost": w.FloatSlider(value=0, min=0, max=10000, step=50, description="获客成本（元）", readout_format=",.0f", style=style, layout=layout, continuous_update=False),
        }
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        formula = w.HTML(
            "<b>CLV = Σ<sub>t=1…n</sub> m × r<sup>t</sup> ÷ (1 + d)<sup>t</sup> − 获客成本</b>"
            "（m 每期利润，r 留存率，d 折现率，n 期数）"
        )
        self.widget = w.VBox([formula] + list(self.controls.values()) + [self.status, self.out])
        self.update()

    def compute(self, **values: Any) -> pd.DataFrame:
        from crmlab.value import discounted_clv

        self.text = ""
        v = self.control_values(values)
        table = discounted_clv(v["margin"], v["retention"], v["discount"], v["periods"], acquisition_cost=v["acquisition_cost"])
        clv = float(table["cumulative_clv"].iloc[-1])
        undiscounted = table.attrs["undiscounted_clv"]
        self.text = (
            f"这位客户在 {len(table)} 期内的终身价值约为 {format_number(clv)} 元"
            f"（不折现时为 {format_number(undiscounted)} 元；第 {len(table)} 期时还留下的概率是 {table['survival'].iloc[-1]:.1%}）。"
        )
        if clv < 0:
            if float(table["expected_margin"].sum()) > 0:
                self.text += "终身价值为负：获客成本收不回来，要么提高留存率，要么降低获客成本。"
            else:
                self.text += "终身价值为负：每期利润不是正数，客户留得越久企业亏得越多。"
        return table

    def render(self, table: pd.DataFrame):
        from IPython.display import HTML, display

        from crmlab.charts.value import plot_discounted_clv

        display(HTML(f"<p style='font-size:15px'>{html.escape(self.text)}</p>"))
        ax = self.live_axes("clv", (7, 4.2), left=0.115, right=0.99, bottom=0.112, top=0.935)
        return plot_discounted_clv(table, ax=ax)


class AtRiskView(View):
    """High-risk customer warning (高危客户预警) with adjustable thresholds.

    ``clv_frame`` is the output of :func:`crmlab.value.predict_clv`;
    ``update(value_quantile=0.8, alive_below=0.5)`` recomputes the list.
    """

    def __init__(self, clv_frame: pd.DataFrame | None = None, *, value_col: str = "historical_value", show: int = 10):
        super().__init__()
        import ipywidgets as w

        self.clv_frame = clv_frame
        self.value_col = value_col
        self.show = show
        self.text = ""
        style = {"description_width": "130px"}
        self.controls = {
            "value_quantile": w.FloatSlider(value=0.8, min=0.0, max=0.99, step=0.01, description="高价值：分位数 ≥", readout_format=".2f", style=style, continuous_update=False),
            "alive_below": w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="活跃概率 <", readout_format=".2f", style=style, continuous_update=False),
        }
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = w.VBox(list(self.controls.values()) + [self.status, self.out])
        self.update()

    def compute(self, **values: Any) -> pd.DataFrame:
        from crmlab.value import at_risk

        self.text = ""
        if self.clv_frame is None:
            raise CRMDataError("还没有客户价值预测结果。请传入 predict_clv(...) 的结果。")
        v = self.control_values(values)
        risky = at_risk(self.clv_frame, v["value_quantile"], v["alive_below"], value_col=self.value_col)
        self._values = v
        share = len(risky) / len(self.clv_frame)
        if len(risky):
            self.text = (
                f"共有 {len(risky)} 位高危客户（占全部客户的 {share:.1%}）：他们过去贡献很大，"
                f"但仍活跃的概率低于 {v['alive_below']:.0%}，应优先安排回访或挽留。"
            )
        else:
            self.text = "按当前标准没有高危客户。可以降低价值分位数或提高活跃概率的门槛再看看。"
        return risky

    def render(self, risky: pd.DataFrame):
        from IPython.display import HTML, display

        from crmlab.charts.value import plot_at_risk
        from crmlab.value import LABELS

        cols = [c for c in (self.value_col, "prob_alive", "clv") if c in risky.columns]
        table = _table_html(risky.head(self.show), cols, LABELS, index_label="客户") if len(risky) else ""
        display(HTML(f"<p style='font-size:15px'>{html.escape(self.text)}</p>" + table))
        ax = self.live_axes("risk", (7, 4.6), left=0.09, right=0.99, bottom=0.103, top=0.941)
        return plot_at_risk(self.clv_frame, value_col=self.value_col, ax=ax, **self._values)


class CustomerAliveView(View):
    """One customer's BG/NBD prediction: frequency, recency, T -> P(alive), expected purchases, CLV.

    ``bgnbd`` is a fitted :class:`crmlab.value.BGNBD`, ``gg`` an optional fitted
    :class:`crmlab.value.GammaGamma`.  ``update(frequency=5, recency=30, T=39,
    monetary_value=40, months=12)`` returns the one-row frame of
    :func:`crmlab.value.predict_clv` (missing values keep the control value).
    ``currency`` names the money unit in labels and text (CDNOW amounts are US dollars: ``"美元"``).
    """

    def __init__(self, bgnbd=None, gg=None, *, frequency: int = 5, recency: float = 30.0, T: float = 39.0,
                 monetary_value: float = 40.0, months: int = 12, currency: str = "元"):
        super().__init__()
        import ipywidgets as w

        self.bgnbd = bgnbd
        self.gg = gg
        self.currency = currency
        self.text = ""
        style = {"description_width": "190px"}
        layout = w.Layout(width="480px")
        self.controls = {
            "frequency": w.IntSlider(value=frequency, min=0, max=30, description="重复购买次数（次）",
                                     style=style, layout=layout, continuous_update=False),
            "recency": w.FloatSlider(value=recency, min=0, max=78, step=1, readout_format=".0f",
                                     description="最后一次购买在第几周（周）", style=style, layout=layout,
                                     continuous_update=False),
            "T": w.FloatSlider(value=T, min=1, max=78, step=1, readout_format=".0f",
                               description="从首次购买到今天（周）", style=style, layout=layout,
                               continuous_update=False),
            "monetary_value": w.FloatSlider(value=monetary_value, min=0, max=300, step=5, readout_format=".0f",
                                            description=f"平均每次消费（{currency}）", style=style, layout=layout,
                                            continuous_update=False),
            "months": w.IntSlider(value=months, min=1, max=36, description="预测未来几个月（月）",
                                  style=style, layout=layout, continuous_update=False),
        }
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        items = list(self.controls.values())
        self.widget = w.VBox([w.HBox([w.VBox(items[:3]), w.VBox(items[3:])]), self.status, self.out])
        self.update()

    def compute(self, **values: Any) -> pd.DataFrame:
        from crmlab.value import predict_clv

        self.text = ""
        if self.bgnbd is None or not hasattr(self.bgnbd, "params_"):
            raise CRMDataError("还没有拟合好的 BG/NBD 模型。请先运行 BGNBD().fit(frequency, recency, T)，再把它传进来。")
        v = self._checked(self.control_values(values))
        if v["recency"] > v["T"]:
            raise CRMDataError(
                f"最后一次购买在第 {v['recency']:g} 周，却只观察了 {v['T']:g} 周：最后一次购买不可能晚于今天。"
                "请把“最后一次购买在第几周”调小，或把“从首次购买到今天”调大。"
            )
        note = ""
        if v["frequency"] == 0 and v["recency"] != 0:
            # without repeat purchases the last purchase is the first one (week 0)
            v["recency"] = 0.0
            note = "没有重复购买时，最后一次购买就是第一次购买，按第 0 周计算。"
        summary = pd.DataFrame({k: [v[k]] for k in ("frequency", "recency", "T", "monetary_value")},
                               index=pd.Index(["这位客户"], name="customer_id"))
        gg = self.gg
        if gg is None:
            raise CRMDataError("还没有拟合好的 Gamma-Gamma 模型。请先运行 GammaGamma().fit(frequency, monetary_value)。")
        result = predict_clv(summary, months=v["months"], bgnbd=self.bgnbd, gg=gg)
        row = result.iloc[0]
        self._values = v
        self.text = (
            f"这位客户仍然活跃的概率约 {row['prob_alive']:.0%}；预计未来 {v['months']} 个月还会购买 "
            f"{row['expected_purchases']:.2f} 次，每次约 {row['expected_avg_value']:.0f} {self.currency}，"
            f"预测价值约 {row['clv']:.0f} {self.currency}（已按年 10% 折现）。"
        )
        if row["prob_alive"] < 0.5 and v["frequency"] > 0:
            self.text += "活跃概率已低于一半：他以前常买、最近却很久没来，应尽快回访挽留。"
        self.text += note
        return result

    def _checked(self, v: dict) -> dict:
        """The control values as finite numbers in the slider ranges, else a Chinese error."""
        from crmlab._checks import finite_number

        for key in ("frequency", "recency", "T", "monetary_value", "months"):
            label = self.controls[key].description
            number = finite_number(v[key], label)
            top = 10 * self.controls[key].max
            if not 0 <= number <= top:
                raise CRMDataError(f"{label}应在 0 到 {top:g} 之间，收到 {number:g}。请把它改成一个合理的数。")
            if key in ("frequency", "months") and number != int(number):
                raise CRMDataError(f"{label}应该是整数，收到 {number:g}。")
            v[key] = int(number) if key in ("frequency", "months") else number
        if v["T"] <= 0 or v["months"] < 1:
            raise CRMDataError("观察时长和预测月数都要大于 0。")
        return v

    def render(self, result: pd.DataFrame):
        from IPython.display import HTML, display

        from crmlab.charts.value import plot_prob_alive

        v = self._values
        display(HTML(f"<p style='font-size:15px'>{html.escape(self.text)}</p>"))
        ax = self.live_axes("alive", (8.5, 4.6), left=0.09, right=0.97, bottom=0.13, top=0.9)
        return plot_prob_alive(self.bgnbd, max_frequency=self.controls["frequency"].max, max_recency=v["T"],
                               T=v["T"], mark=(v["recency"], v["frequency"]), ax=ax)


__all__ = [
    "AtRiskView",
    "CustomerAliveView",
    "DeliveredValueView",
    "DiscountedCLVView",
    "IndicatorCLVView",
    "default_offers",
]
