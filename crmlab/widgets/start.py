"""The setup-check widget of notebooks/00_start: a slider that moves a Chinese chart."""

from __future__ import annotations

from crmlab.widgets._base import View


def region_counts(customers, min_age: int):
    """Individual customers aged at least ``min_age``, counted by region (largest first)."""
    import pandas as pd

    from crmlab._errors import CRMDataError

    if not 0 <= min_age <= 120:
        raise CRMDataError(f"年龄下限 {min_age} 不合理：请选 0 到 120 之间的数。")
    people = customers[customers["customer_type"] == "个人"]
    chosen = people[people["age"] >= min_age]
    counts = chosen.groupby("region").size().sort_values(ascending=False)
    return pd.Series(counts, name="客户数").rename_axis("地区")


def plot_region_counts(counts, min_age: int, ax=None):
    from crmlab.charts import get_ax

    _fig, ax = get_ax(ax, figsize=(6.5, 3.6))
    if counts.empty:
        ax.text(0.5, 0.5, "没有符合条件的客户", ha="center", va="center", transform=ax.transAxes)
    else:
        bars = ax.bar(counts.index, counts.values, color="#2f6db3")
        ax.bar_label(bars, fmt="%d")
    ax.set_title(f"{min_age} 岁及以上的个人客户：各地区人数")
    ax.set_xlabel("地区")
    ax.set_ylabel("客户数（人）")
    return ax


class SetupCheckView(View):
    """Drag the slider: the bar chart of customers per region changes."""

    def __init__(self, customers=None):
        super().__init__()
        import ipywidgets as w

        from crmlab import datasets

        self.customers = datasets.load("customers") if customers is None else customers
        self.slider = w.IntSlider(value=18, min=0, max=80, step=1, description="年龄下限",
                                  continuous_update=False)
        self.slider.observe(lambda _change: self.update(min_age=self.slider.value), names="value")
        self.widget = w.VBox([w.HTML("<b>拖动滑块，图表会随之变化：</b>"), self.slider, self.status, self.out])
        self.update(min_age=self.slider.value)

    def compute(self, min_age: int = 18):
        from crmlab._checks import int_param

        min_age = int_param(min_age, "年龄下限", minimum=0, maximum=120)
        return min_age, region_counts(self.customers, min_age)

    def render(self, result):
        min_age, counts = result
        return plot_region_counts(counts, min_age)
