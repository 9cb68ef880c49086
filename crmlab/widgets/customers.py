"""Widgets for lesson 1 (识别客户), first class: thin views over :mod:`crmlab.customers`.

* :class:`RoleQuizView` - customer / consumer / user scenario quiz, one drop-down per
  scenario, instant Chinese feedback.
* :class:`CustomerStateView` - observation date, comparison period and the churn and
  loyalty rules -> state counts and the transition table, both drawn.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.widgets._base import View

_PLEASE_CHOOSE = "（请选择）"


class RoleQuizView(View):
    """Customer vs consumer vs user: choose a role per scenario and see the feedback at once.

    ``update(answers={"car_company": "客户", ...})`` returns a list of
    :class:`crmlab.customers.RoleFeedback` (unanswered scenarios are left out).
    """

    def __init__(self):
        super().__init__()
        import ipywidgets as w

        from crmlab.customers import ROLE_OPTIONS, ROLE_SCENARIOS

        self.scenarios = ROLE_SCENARIOS
        self.dropdowns: dict[str, Any] = {}
        self.feedback: dict[str, Any] = {}
        rows = []
        for i, s in enumerate(ROLE_SCENARIOS, start=1):
            dd = w.Dropdown(options=[_PLEASE_CHOOSE, *ROLE_OPTIONS], value=_PLEASE_CHOOSE,
                            layout=w.Layout(width="130px"))
            fb = w.HTML()
            dd.observe(lambda _change: self._refresh(), names="value")
            self.dropdowns[s["id"]] = dd
            self.feedback[s["id"]] = fb
            head = w.HTML(f"<b>情景 {i}</b>：{html.escape(s['text'])}")
            ask = w.HTML(html.escape(s["question"]))
            rows.append(w.VBox([head, w.HBox([ask, dd]), fb], layout=w.Layout(margin="0 0 6px 0")))
        self.score = w.HTML()
        self.widget = w.VBox([*rows, self.score, self.status, self.out])
        self._refresh()

    def _answers(self) -> dict[str, str]:
        return {k: dd.value for k, dd in self.dropdowns.items() if dd.value != _PLEASE_CHOOSE}

    def _refresh(self):
        self.update(answers=self._answers())

    def compute(self, answers: Mapping[str, str] | None = None):
        from crmlab.customers import check_role_answer

        if answers is None:
            answers = {}
        if not isinstance(answers, Mapping):
            raise CRMDataError("answers 应该是一个字典，例如 {\"car_company\": \"客户\"}。")
        return [check_role_answer(sid, a) for sid, a in answers.items() if a not in (None, "", _PLEASE_CHOOSE)]

    def render(self, result):
        done = {fb.scenario_id: fb for fb in result}
        for sid, box in self.feedback.items():
            fb = done.get(sid)
            if fb is None:
                box.value = ""
            else:
                color = "#1b7f3b" if fb.correct else ("#8a6d00" if fb.message.startswith("△") else "#b3261e")
                box.value = f"<span style='color:{color}'>{html.escape(fb.message)}</span>"
        right = sum(fb.correct for fb in result)
        self.score.value = (
            f"<b>已作答 {len(result)} / {len(self.scenarios)} 题，答对 {right} 题。</b>" if result else
            "<i>为每个情景选一个答案，马上就能看到解释。</i>"
        )
        return None


def _month_starts(first="2024-02-01", last=COURSE_DATE) -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(first, last, freq="MS")]


def _state_table_html(counts: pd.DataFrame, table: pd.DataFrame) -> str:
    c = counts.copy()
    c["share"] = [f"{v:.1%}" for v in c["share"]]
    c = c.rename(columns={"customers": "客户数", "share": "占比"})
    c.index.name = "客户状态"
    stayed = int(sum(table.loc[s, s] for s in table.index if s in table.columns))
    total = int(table.to_numpy().sum())
    moved = total - stayed
    return (
        c.T.to_html(border=0)
        + f"<p>对比期内 {total} 位客户中，<b>{moved}</b> 位换了状态，{stayed} 位保持不变。</p>"
    )


class CustomerStateView(View):
    """Customer states at a date and the moves since an earlier date.

    ``update(asof=COURSE_DATE, compare_months=3, churn_days=365, non_customer_days=540,
    loyal_min_orders=5)`` returns ``{"states", "counts", "transitions"}``.  With
    ``interactions`` the prospects who said no after repeated contacts count as 非客户 too.
    """

    def __init__(self, customers: pd.DataFrame, orders: pd.DataFrame, asof: str | None = None,
                 interactions: pd.DataFrame | None = None):
        super().__init__()
        import ipywidgets as w

        from crmlab.course import CHURN_DAYS, COURSE_DATE
        from crmlab.customers import NON_CUSTOMER_DAYS

        self.customers = customers
        self.orders = orders
        self.interactions = interactions
        self._timeline = None  # crmlab.customers.StateTimeline of these tables, made at the first update
        asof = COURSE_DATE if asof is None else asof
        st = {"description_width": "150px"}
        options = _month_starts()
        self.asof = w.Dropdown(options=options, value=asof if asof in options else options[-1],
                               description="分析日期", style=st)
        slow = {"continuous_update": False}  # recompute once when the slider is let go, not while dragging
        wide = w.Layout(width="430px")
        self.compare_months = w.IntSlider(value=3, min=1, max=12, description="和几个月前比", style=st,
                                          layout=wide, **slow)
        self.churn_days = w.IntSlider(value=CHURN_DAYS, min=30, max=720, step=5, description="多少天没买算流失",
                                      style=st, layout=wide, **slow)
        self.non_customer_days = w.IntSlider(value=NON_CUSTOMER_DAYS, min=60, max=900, step=5,
                                             description="流失多少天算非客户", style=st, layout=wide, **slow)
        self.loyal_min_orders = w.IntSlider(value=5, min=2, max=30, description="忠诚至少买几次", style=st,
                                            layout=wide, **slow)
        self.table = w.HTML()
        self.controls = {"asof": self.asof, "compare_months": self.compare_months, "churn_days": self.churn_days,
                         "non_customer_days": self.non_customer_days, "loyal_min_orders": self.loyal_min_orders}
        for c in self.controls.values():
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([
            w.HBox([self.asof]),
            w.HBox([self.compare_months, self.loyal_min_orders]),
            w.HBox([self.churn_days, self.non_customer_days]),
            self.status, self.table, self.out,
        ])
        self._refresh()

    def _refresh(self):
        self.update(**{k: c.value for k, c in self.controls.items()})

    def compute(self, asof=None, compare_months=3, churn_days=None, non_customer_days=None, loyal_min_orders=5):
        from crmlab._checks import int_param, to_timestamp
        from crmlab.course import CHURN_DAYS, COURSE_DATE
        from crmlab.customers import NON_CUSTOMER_DAYS, StateTimeline, state_counts

        asof = COURSE_DATE if asof is None else asof
        months = int_param(compare_months, "和几个月前比（compare_months）", minimum=1, maximum=120)
        if isinstance(asof, (int, float)) or str(asof).strip() == "":
            raise CRMDataError(f"分析日期应该是一个日期，例如 \"{COURSE_DATE}\"，现在是 {asof!r}。")
        end = to_timestamp(asof, "分析日期", normalize=True)
        if not pd.Timestamp("2000-01-01") <= end <= pd.Timestamp("2100-01-01"):
            raise CRMDataError(f"分析日期 {end.date()} 离课程数据太远，请选 2024-01-01 到 {COURSE_DATE} 之间的日期。")
        start = end - pd.DateOffset(months=months)
        rules = {
            "churn_days": CHURN_DAYS if churn_days is None else churn_days,
            "non_customer_days": NON_CUSTOMER_DAYS if non_customer_days is None else non_customer_days,
            "loyal_min_orders": loyal_min_orders,
        }
        if self._timeline is None:  # the tables are checked and sorted once; each date's history is kept
            self._timeline = StateTimeline(self.customers, self.orders, interactions=self.interactions)
        states = self._timeline.states(end, **rules)
        if len(states) == 0:
            raise CRMDataError("客户表是空的，没有客户可以分类。请先读取客户表：crmlab.datasets.load(\"customers\")。")
        table = self._timeline.transitions(start, end, **rules)
        return {"states": states, "counts": state_counts(states), "transitions": table}

    def render(self, result):
        from crmlab.charts.customers import plot_state_counts, plot_transition_heatmap

        self.table.value = _state_table_html(result["counts"], result["transitions"])
        ax1, ax2 = self.live_axes_row("states", (10, 4.2), [(0.07, 0.3, 0.3493, 0.6), (0.5883, 0.3, 0.4017, 0.6)])
        plot_state_counts(result["counts"], ax=ax1)
        plot_transition_heatmap(result["transitions"], ax=ax2)
        ax2.set_title("状态转移（行 → 列）")
        return ax1.figure

    def update(self, **values):
        self.table.value = ""
        return super().update(**values)


class ValueTypeView(View):
    """Transactional vs relational customers: how the rule's two numbers move the groups.

    ``update(top_share=0.2, window_days=365)`` returns ``{"types", "summary"}``
    (:func:`crmlab.customers.value_types` and :func:`crmlab.customers.value_type_summary`).
    """

    def __init__(self, orders: pd.DataFrame, asof: str | None = None):
        super().__init__()
        import ipywidgets as w

        from crmlab.course import COURSE_DATE

        self.orders = orders
        self.asof = COURSE_DATE if asof is None else asof
        st = {"description_width": "180px"}
        lay = w.Layout(width="430px")
        self.controls = {
            "top_share": w.FloatSlider(value=0.2, min=0.05, max=0.5, step=0.05, readout_format=".0%",
                                       description="“利润最大”取前百分之几", style=st, layout=lay,
                                       continuous_update=False),
            "window_days": w.IntSlider(value=365, min=90, max=365, step=5, description="比较最近多少天的毛利",
                                       style=st, layout=lay, continuous_update=False),
        }
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        self.table = w.HTML()
        self.widget = w.VBox([w.HBox(list(self.controls.values())), self.status, self.table, self.out])
        self.update()

    def compute(self, **values):
        from crmlab.customers import value_type_summary, value_types

        v = self.control_values(values)
        types = value_types(self.orders, self.asof, top_share=v["top_share"], window_days=v["window_days"])
        return {"types": types, "summary": value_type_summary(types)}

    def render(self, result):
        from crmlab.charts.customers import plot_profit_tiers

        s = result["summary"]
        shown = pd.DataFrame({"客户数": s["customers"], "人数占比": [f"{x:.1%}" for x in s["share"]],
                              "近期毛利占比": [f"{x:.1%}" for x in s["profit_share"]]})
        self.table.value = shown.rename_axis("类型").T.to_html(border=0)
        ax = self.live_axes("types", (9, 3.8), left=0.08, right=0.98, bottom=0.2, top=0.88)
        return plot_profit_tiers(s, ax=ax, title="各类客户的人数占比和近期毛利占比")

    def update(self, **values):
        self.table.value = ""
        return super().update(**values)


__all__ = ["CustomerStateView", "RoleQuizView", "ValueTypeView"]
