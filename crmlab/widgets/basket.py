"""Widget for lesson 2 (数据挖掘：关联规则与交叉销售): a thin view over :mod:`crmlab.basket`.

:class:`RulesView` -- thresholds as sliders, the rules sorted by lift, the support /
confidence chart coloured by lift, and what to recommend to a chosen customer.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.widgets._base import View

TABLE_ROWS = 12
BY_OPTIONS = [("按订单", "order"), ("按客户", "customer")]
BY_TOOLTIPS = ["一笔订单是一个购物篮：看同一笔订单里一起买的类别", "一位客户是一个购物篮：看同一位客户两年里买过的类别"]


def _suggested_customers(rules: pd.DataFrame, lines: pd.DataFrame, n: int = 12) -> list[str]:
    """Customers holding the antecedent but not the consequent of the top rule (good demo cases)."""
    from crmlab.basket import basket_matrix

    top = rules.iloc[0]
    onehot = basket_matrix(lines, by="customer")
    a = [c for c in top["antecedents"] if c in onehot.columns]
    c = [x for x in top["consequents"] if x in onehot.columns]
    if not a or not c:
        return []
    mask = onehot[a].all(axis=1) & ~onehot[c].any(axis=1)
    return onehot.index[mask][:n].tolist()


class RulesView(View):
    """关联规则: sliders for min support / confidence / lift, basket kind, a customer.

    ``update(min_support=0.02, min_confidence=0.3, min_lift=0.0, by="order", customer="C00012")``
    returns ``{"rules": DataFrame, "recommendations": DataFrame | None}``.
    """

    def __init__(self, lines: pd.DataFrame, customer: str | None = None):
        super().__init__()
        import ipywidgets as w

        from crmlab.basket import MIN_CONFIDENCE, MIN_LIFT, MIN_SUPPORT, find_rules

        self.lines = lines
        style = {"description_width": "90px"}
        lay = w.Layout(width="360px")
        self.controls = {
            "min_support": w.FloatSlider(value=MIN_SUPPORT, min=0.01, max=0.5, step=0.01, description="最小支持度",
                                         readout_format=".0%", style=style, layout=lay, continuous_update=False),
            "min_confidence": w.FloatSlider(value=MIN_CONFIDENCE, min=0.05, max=1.0, step=0.05, description="最小置信度",
                                            readout_format=".0%", style=style, layout=lay, continuous_update=False),
            "min_lift": w.FloatSlider(value=MIN_LIFT, min=0.0, max=3.0, step=0.1, description="最小提升度",
                                      readout_format=".1f", style=style, layout=lay, continuous_update=False),
            "by": w.ToggleButtons(options=BY_OPTIONS, value="order", description="购物篮", tooltips=BY_TOOLTIPS,
                                  style=style),
            "customer": w.Combobox(value="", placeholder="客户编号", description="推荐给客户", style=style,
                                   layout=lay, ensure_option=False),
        }
        try:  # the lesson's example first, then a few customers who lack the consequent of the top rule
            from crmlab.basket import example_customer

            default_rules = find_rules(lines)
            suggestions = list(dict.fromkeys([example_customer(default_rules, lines),
                                              *_suggested_customers(default_rules, lines)]))
        except CRMDataError:
            suggestions = []
        self.controls["customer"].options = suggestions
        if suggestions:
            self.controls["customer"].placeholder = f"例如 {suggestions[0]}"
        self.controls["customer"].value = customer if customer is not None else (suggestions[0] if suggestions else "")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        c = self.controls
        self.widget = w.VBox([w.HBox([w.VBox([c["min_support"], c["min_confidence"], c["min_lift"]]),
                                      w.VBox([c["by"], c["customer"]])]), self.status, self.out])
        self.update()

    def compute(self, **values: Any) -> dict:
        from crmlab.basket import find_rules, recommend

        v = self.control_values(values)
        rules = find_rules(self.lines, min_support=v["min_support"], min_confidence=v["min_confidence"],
                           min_lift=v["min_lift"], by=v["by"])
        customer = str(v["customer"] or "").strip()
        recs, problem = None, ""
        if customer:
            try:
                recs = recommend(rules, self.lines, customer)
            except CRMDataError as exc:  # the rules are still worth showing
                problem = str(exc)
        return {"rules": rules, "recommendations": recs, "customer": customer, "problem": problem}

    def render(self, result: dict):
        from IPython.display import HTML, display

        from crmlab.basket import BY
        from crmlab.charts.basket import plot_rules

        rules = result["rules"]
        what = BY[rules.attrs["by"]][1]
        head = (f"<p style='font-size:15px'>在 {rules.attrs['n_baskets']:,} 个{what}购物篮中找到 <b>{len(rules)}</b> 条规则，"
                f"按提升度从高到低排列（只显示前 {min(len(rules), TABLE_ROWS)} 条）。</p>")
        display(HTML(head + _rules_html(rules.head(TABLE_ROWS))))
        if result["problem"]:
            display(HTML(f"<p style='color:#b3261e'>⚠ {html.escape(result['problem'])}</p>"))
        else:
            display(HTML(_recommend_html(result["recommendations"], result["customer"])))
        return plot_rules(rules)


def _rules_html(rules: pd.DataFrame) -> str:
    from crmlab.basket import rules_table

    t = rules_table(rules)
    for col in ("支持度", "置信度", "后项支持度"):
        if col in t.columns:
            t[col] = [f"{x:.1%}" for x in t[col]]
    t["提升度"] = [f"{x:.2f}" for x in t["提升度"]]
    return t.drop(columns=["前项", "后项"]).to_html(border=0, escape=True)


def _recommend_html(recs: pd.DataFrame | None, customer: str) -> str:
    if recs is None:
        return "<p>在“推荐给客户”里输入一个客户编号，看看该向他推荐什么。</p>"
    bought = "、".join(recs.attrs.get("bought", []))
    head = f"<p style='font-size:15px'><b>{html.escape(customer)}</b> 买过：{html.escape(bought)}。"
    if len(recs) == 0:
        return head + html.escape(recs.attrs.get("message", "暂时没有可推荐的类别。")).split("。", 1)[-1] + "</p>"
    items = "".join(f"<li><b>{html.escape(r['推荐类别'])}</b>：{html.escape(r['理由'])}（规则 {html.escape(r['依据规则'])}）</li>"
                    for _, r in recs.iterrows())
    return head + "建议向他推荐：</p><ul>" + items + "</ul>"


__all__ = ["RulesView"]
