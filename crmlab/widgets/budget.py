"""Lesson 3 (细分客户), why segment: share a limited marketing budget among customer segments.

* :func:`budget_base` - per segment the customers, the assumed response rate, the average
  order value and the expected sales per contact (from :func:`crmlab.segment.budget_allocation`);
* :func:`plan_outcome` - a learner's split of the budget -> contacts, expected buyers and
  expected sales per segment, with the "spread evenly" and "best segments first" plans
  for comparison;
* :class:`BudgetView` - one slider (yuan) per segment, presets for both reference plans.

The update logic is :meth:`BudgetView.update` (``spend={segment: yuan}``, ``budget=...``),
which tests call without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.labels import pick
from crmlab.widgets._base import View

#: Chinese column names of :func:`plan_outcome`'s table, in display order.
OUTCOME_LABELS = pick((
    "customers", "response_rate", "order_value", "expected_per_contact", "spend", "contacts", "buyers",
    "revenue",
), "budget")

MAX_BUDGET = 10_000_000  # yuan: more is a typing slip in a classroom demo


def budget_base(summary: pd.DataFrame, *, cost_per_contact: float = 10.0,
                response: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per segment: ``customers``, ``response_rate``, ``order_value``, ``expected_per_contact``.

    ``summary`` is a :func:`crmlab.segment.segment_summary` (or any frame that
    :func:`crmlab.segment.budget_allocation` accepts); empty segments are dropped.
    """
    from crmlab.segment import budget_allocation

    alloc = budget_allocation(summary, 1.0, cost_per_contact=cost_per_contact, response=response)
    base = alloc[["customers", "response_rate", "order_value", "expected_per_contact"]]
    base = base[base["customers"] > 0].copy()
    base.index = base.index.map(str)
    base.index.name = "segment"
    return base


def _money(value: Any, what: str) -> float:
    """A non-negative finite amount of yuan, or a Chinese error naming ``what``."""
    if isinstance(value, bool):
        raise CRMDataError(f"{what}要填数字（元），例如 2000。")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CRMDataError(f"{what}要填数字（元），例如 2000，而你给的是「{value}」。") from None
    if math.isnan(v) or math.isinf(v) or v < 0:
        raise CRMDataError(f"{what}不能是负数或空值，现在是 {value!r}。")
    return v


def _budget(budget: Any, cost: Any) -> tuple[float, float]:
    budget = _money(budget, "总预算")
    cost = _money(cost, "联系一位客户的成本")
    if cost <= 0:
        raise CRMDataError("联系一位客户的成本要大于 0 元。")
    if budget < cost:
        raise CRMDataError(f"总预算 {budget:,.0f} 元连一位客户都联系不了（每位 {cost:g} 元），请把预算调大。")
    if budget > MAX_BUDGET:
        raise CRMDataError(f"总预算 {budget:,.0f} 元太大了（超过 1000 万元），是不是多打了几个 0？")
    return budget, cost


def _contacts(base: pd.DataFrame, spend: Mapping[str, Any] | None, cost: float) -> pd.Series:
    """Contacts per segment for ``spend`` (yuan per segment); refuses unknown or too large entries."""
    spend = dict(spend or {})
    unknown = [str(s) for s in spend if str(s) not in base.index]
    if unknown:
        raise CRMDataError(f"没有名为「{unknown[0]}」的客户群。可选：{'、'.join(base.index)}。")
    money = pd.Series({seg: _money(spend.get(seg, 0.0), f"「{seg}」的预算") for seg in base.index}, dtype=float)
    contacts = np.floor(money / cost + 1e-9)
    over = contacts > base["customers"]
    if over.any():
        seg = over.idxmax()
        n = int(base.loc[seg, "customers"])
        raise CRMDataError(
            f"「{seg}」只有 {n} 位客户，最多花 {n * cost:,.0f} 元（每位 {cost:g} 元），"
            f"你给了 {money[seg]:,.0f} 元。多出来的钱请分给别的客户群。"
        )
    return contacts


def plan_outcome(base: pd.DataFrame, spend: Mapping[str, Any] | None, *, budget: float = 20000.0,
                 cost_per_contact: float = 10.0) -> pd.DataFrame:
    """Expected result of spending ``spend[segment]`` yuan on each segment of ``base``.

    Every ``cost_per_contact`` yuan contact one customer (whole customers only); a contacted
    customer buys again with the segment's ``response_rate`` and spends its ``order_value``.
    Spending more than ``budget`` in total, or more than a segment's customers can take, is
    refused with a Chinese message.  Returns one row per segment with ``spend``, ``contacts``,
    ``buyers`` and ``revenue`` added; ``.attrs`` hold ``budget``, ``spent``, ``left``,
    ``buyers``, ``revenue`` and the reference plans' sales ``revenue_even`` / ``revenue_targeted``.
    """
    from crmlab.segment import budget_allocation

    budget, cost = _budget(budget, cost_per_contact)
    contacts = _contacts(base, spend, cost)
    out = base.copy()
    out["spend"] = contacts * cost
    out["contacts"] = contacts.astype(np.int64)
    out["buyers"] = contacts * out["response_rate"]
    out["revenue"] = out["buyers"] * out["order_value"]
    spent = float(out["spend"].sum())
    if spent > budget + 1e-6:
        raise CRMDataError(
            f"超出预算：你一共安排了 {spent:,.0f} 元，预算只有 {budget:,.0f} 元，多了 {spent - budget:,.0f} 元。"
            "请把某些客户群的预算调小。"
        )
    ref = budget_allocation(base, budget, cost_per_contact=cost)
    out.attrs.update(
        budget=budget, spent=spent, left=budget - spent, buyers=float(out["buyers"].sum()),
        revenue=float(out["revenue"].sum()), revenue_even=ref.attrs["return_even"],
        revenue_targeted=ref.attrs["return_targeted"],
    )
    return out


def preset_spend(base: pd.DataFrame, plan: str, *, budget: float = 20000.0,
                 cost_per_contact: float = 10.0) -> dict[str, float]:
    """Yuan per segment of a reference plan: ``"even"`` (spread evenly), ``"targeted"`` or ``"zero"``."""
    from crmlab.segment import budget_allocation

    if plan not in ("even", "targeted", "zero"):
        raise CRMDataError(f"没有名为「{plan}」的方案，可选：平均撒网（even）、重点投放（targeted）、清零（zero）。")
    budget, cost = _budget(budget, cost_per_contact)
    if plan == "zero":
        return dict.fromkeys(base.index, 0.0)
    alloc = budget_allocation(base, budget, cost_per_contact=cost)
    contacts = np.floor(alloc[f"contacts_{plan}"] + 1e-9)
    return {str(seg): float(n * cost) for seg, n in contacts.items()}


def outcome_html(result: pd.DataFrame) -> str:
    """The plan as an HTML table with Chinese headers and a totals row."""
    df = result[list(OUTCOME_LABELS)].copy()
    total = {"customers": df["customers"].sum(), "spend": df["spend"].sum(), "contacts": df["contacts"].sum(),
             "buyers": df["buyers"].sum(), "revenue": df["revenue"].sum()}
    df.loc["合计"] = [total.get(c, np.nan) for c in df.columns]
    fmt = {"customers": "{:,.0f}", "response_rate": "{:.0%}", "order_value": "{:,.0f}",
           "expected_per_contact": "{:,.1f}", "spend": "{:,.0f}", "contacts": "{:,.0f}", "buyers": "{:,.1f}",
           "revenue": "{:,.0f}"}
    for col, f in fmt.items():
        df[col] = ["" if pd.isna(v) else f.format(v) for v in df[col]]
    df = df.rename(columns=OUTCOME_LABELS)
    df.index.name = "客户群"
    return df.to_html(border=0, escape=True)


def plot_plan_comparison(result: pd.DataFrame, ax=None):
    """Expected sales of the learner's plan next to spreading evenly and serving the best segments first."""
    from crmlab.charts import get_ax, thousands

    _fig, ax = get_ax(ax, figsize=(7.5, 2.6))
    names = ["你的方案", "平均撒网", "重点投放"]
    values = [result.attrs["revenue"], result.attrs["revenue_even"], result.attrs["revenue_targeted"]]
    bars = ax.barh(names[::-1], values[::-1], color=["#1b7837", "#bababa", "#2166ac"][::-1])
    ax.bar_label(bars, labels=[f"{v:,.0f} 元" for v in values[::-1]], padding=3)
    ax.set_xlim(0, max(max(values), 1) * 1.25)
    ax.set_xlabel("预计带来的销售额（元）")
    ax.xaxis.set_major_formatter(thousands())
    ax.set_title(f"花 {result.attrs['spent']:,.0f} 元（预算 {result.attrs['budget']:,.0f} 元）的预计效果")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


class BudgetView(View):
    """Share a limited marketing budget among segments and see the expected buyers and sales.

    ``update(spend={"重要价值客户": 5000, ...}, budget=20000)``; :meth:`preset` fills the sliders
    with a reference plan (``"even"``, ``"targeted"``, ``"zero"``).
    """

    def __init__(self, summary: pd.DataFrame, *, budget: float = 20000, cost_per_contact: float = 10.0,
                 response: Mapping[str, float] | None = None):
        super().__init__()
        import ipywidgets as w

        self.cost = float(cost_per_contact)
        self.base = budget_base(summary, cost_per_contact=self.cost, response=response)
        self._busy = False
        self.budget = w.BoundedIntText(value=int(budget), min=int(self.cost), max=MAX_BUDGET, step=1000,
                                       description="总预算（元）", style={"description_width": "90px"},
                                       layout=w.Layout(width="230px"))
        self.sliders = {
            seg: w.FloatSlider(value=0.0, min=0.0, max=float(n * self.cost), step=self.cost, description=seg,
                               continuous_update=False, readout_format=",.0f",
                               style={"description_width": "96px"}, layout=w.Layout(width="420px"))
            for seg, n in self.base["customers"].items()
        }
        buttons = []
        for label, plan in (("平均撒网", "even"), ("重点投放", "targeted"), ("全部清零", "zero")):
            b = w.Button(description=label, layout=w.Layout(width="100px"))
            b.on_click(lambda _b, plan=plan: self._preset_clicked(plan))
            buttons.append(b)
        self.spent = w.HTML()
        self.table = w.HTML()
        for c in (self.budget, *self.sliders.values()):
            c.observe(lambda _change: self._refresh(), names="value")
        grid = w.GridBox(list(self.sliders.values()),
                         layout=w.Layout(grid_template_columns="repeat(2, 430px)", width="870px"))
        help_text = w.HTML("<small>每个滑块是分给这个客户群的钱（元）；每联系一位客户花 "
                           f"{self.cost:g} 元。响应率是假设的，客单价来自真实订单。</small>")
        self.widget = w.VBox([w.HBox([self.budget, *buttons]), help_text, grid, self.spent, self.status,
                              self.out, self.table])
        self._refresh()

    def _refresh(self):
        if not self._busy:
            self.update(spend={s: sl.value for s, sl in self.sliders.items()}, budget=self.budget.value)

    def preset(self, plan: str) -> pd.DataFrame | None:
        """Fill the sliders with a reference plan and recompute; returns the result."""
        spend = preset_spend(self.base, plan, budget=self.budget.value, cost_per_contact=self.cost)
        self._busy = True
        try:
            for seg, yuan in spend.items():
                self.sliders[seg].value = yuan
        finally:
            self._busy = False
        return self.update(spend=spend, budget=self.budget.value)

    def _preset_clicked(self, plan: str) -> None:
        from crmlab.widgets._base import friendly_message

        try:
            self.preset(plan)
        except Exception as exc:  # never a traceback
            self.error(friendly_message(exc))

    def compute(self, spend=None, budget=20000):
        return plan_outcome(self.base, spend, budget=budget, cost_per_contact=self.cost)

    def render(self, result):
        a = result.attrs
        self.spent.value = (f"<b>已分配 {a['spent']:,.0f} 元，还剩 {a['left']:,.0f} 元；"
                            f"预计 {a['buyers']:,.0f} 位客户回来购买，带来 {a['revenue']:,.0f} 元销售额。</b>")
        self.table.value = outcome_html(result)
        ax = self.live_axes("plans", (7.5, 2.6), left=0.095, right=0.995, bottom=0.186, top=0.896)
        return plot_plan_comparison(result, ax=ax)

    def update(self, **values):
        self.spent.value = ""
        self.table.value = ""
        return super().update(**values)


__all__ = ["OUTCOME_LABELS", "BudgetView", "budget_base", "outcome_html", "plan_outcome", "plot_plan_comparison",
           "preset_spend"]
