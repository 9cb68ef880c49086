"""Widgets for lesson 3 (细分客户): thin views over :mod:`crmlab.segment`.

* :class:`RFMExplorer` - analysis date, "high" rule and naming scheme -> table and chart.
* :class:`KMeansExplorer` - k slider and feature check boxes -> silhouette and profile chart.
* :class:`SegmentPlanView` - the homework: a goal, offer, channel and budget per segment,
  exported to Excel and Markdown.
* :class:`UploadRFMView` - bring your own file: read with :func:`crmlab.io.read_transactions`,
  then RFM.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.labels import pick
from crmlab.widgets._base import View

HIGH_RULE_OPTIONS = [
    ("分数高于平均分（默认）", "score_mean"),
    ("数值好于平均值", "value_mean"),
    ("数值好于中位数", "value_median"),
]
SCHEME_OPTIONS = [("八类客户（重要价值客户…）", "cn8"), ("R×F 网格（Champions…）", "rf_grid")]
CHART_OPTIONS = [("人数与金额", "sizes"), ("R×F 热力图", "heatmap"), ("树状图（人数占比）", "treemap")]


def _summary_html(summary: pd.DataFrame, *, strategy: bool = True) -> str:
    cols = ["customers", "customer_share", "revenue_share", "recency_mean", "frequency_mean", "monetary_mean"]
    if strategy:
        cols.append("strategy")
    df = summary[[c for c in cols if c in summary.columns]].copy()
    fmt = {
        "customer_share": "{:.1%}",
        "revenue_share": "{:.1%}",
        "recency_mean": "{:.0f}",
        "frequency_mean": "{:.1f}",
        "monetary_mean": "{:,.0f}",
    }
    for c, f in fmt.items():
        if c in df.columns:
            df[c] = [("—" if pd.isna(v) else f.format(v)) for v in df[c]]
    from crmlab.segment import label_columns

    text = label_columns(df).to_html(border=0, escape=True)
    # keep headers and segment names on one line; only the strategy text wraps
    return re.sub(r"<th(?=[ >])", '<th style="white-space:nowrap"', text)


#: what a typed analysis date may look like: YYYY-MM-DD, 2026/1/1, 2026.1.1, 2026年1月1日, 20260101
_DATE_TEXT = re.compile(r"\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?|\d{8}")


def _as_date(value: Any):
    """'' / None -> None (default date); otherwise a Timestamp or a Chinese error.

    Text must look like a calendar date (``YYYY-MM-DD``, ``2026/1/1``, ``2026年1月1日``,
    ``20260101``): pandas would read ``"-3"`` as the year -3 and a bare number as nanoseconds.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    bad = f"分析日期「{value}」无法识别，请写成 {COURSE_DATE} 这样的格式，或留空。"
    if isinstance(value, (int, float, np.number)) or (
        isinstance(value, str) and not _DATE_TEXT.fullmatch(value.strip())
    ):
        raise CRMDataError(bad)
    if isinstance(value, str) and "年" in value:
        value = re.sub(r"\D+", "-", value.strip()).strip("-")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise CRMDataError(bad) from exc
    if pd.isna(ts):
        return None
    return ts


class RFMExplorer(View):
    """RFM on a transactions frame: choose the analysis date, the high rule and the scheme.

    ``update(asof=COURSE_DATE, high_rule="score_mean", scheme="cn8", chart="sizes")``
    """

    def __init__(self, transactions: pd.DataFrame, asof: Any = None):
        super().__init__()
        import ipywidgets as w

        self.transactions = transactions
        self._scores = None  # (analysis date, rfm table) of the last date used
        st = {"description_width": "90px"}
        self.asof = w.Text(value="" if asof is None else str(pd.Timestamp(asof).date()),
                           placeholder="留空 = 最后订单的次日", description="分析日期", continuous_update=False, style=st)
        self.high_rule = w.Dropdown(options=HIGH_RULE_OPTIONS, value="score_mean", description="“高”的标准", style=st)
        self.scheme = w.Dropdown(options=SCHEME_OPTIONS, value="cn8", description="分群方案", style=st)
        self.chart = w.ToggleButtons(options=CHART_OPTIONS, value="sizes", description="图表", style=st)
        self.table = w.HTML()
        for c in (self.asof, self.high_rule, self.scheme, self.chart):
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([w.HBox([self.asof, self.high_rule, self.scheme]), self.chart, self.status,
                              self.out, self.table])
        self._refresh()

    def _refresh(self):
        self.update(asof=self.asof.value, high_rule=self.high_rule.value, scheme=self.scheme.value,
                    chart=self.chart.value)

    def compute(self, asof=None, high_rule="score_mean", scheme="cn8", chart="sizes"):
        from crmlab.segment import relabel_rfm, rfm, segment_summary

        if chart not in {v: k for k, v in CHART_OPTIONS}:
            raise CRMDataError(f"没有名为「{chart}」的图表。")
        date = _as_date(asof)
        if self._scores is None or self._scores[0] != date:
            # recency, frequency, monetary and the scores depend on the date only: the rule and
            # the scheme re-name the same table (crmlab.segment.relabel_rfm)
            self._scores = (date, rfm(self.transactions, date))
        table = relabel_rfm(self._scores[1], high_rule=high_rule, scheme=scheme)
        return {"rfm": table, "summary": segment_summary(table), "chart": chart}

    def render(self, result):
        from crmlab.charts import segment as charts

        self.table.value = _summary_html(result["summary"])
        if result["chart"] == "heatmap":
            ax = self.live_axes("heatmap", (6.4, 5.0), left=0.12, right=0.98, bottom=0.11, top=0.9)
            return charts.plot_rf_heatmap(result["rfm"], ax=ax)
        if result["chart"] == "treemap":
            ax = self.live_axes("treemap", (8, 4.6), left=0.02, right=0.98, bottom=0.02, top=0.92)
            return charts.plot_segment_treemap(result["summary"], ax=ax)
        ax = self.live_axes("sizes", (8, 4.2), left=0.09, right=0.9, bottom=0.25, top=0.9)
        return charts.plot_segment_sizes(result["summary"], ax=ax)

    def update(self, **values):
        self.table.value = ""
        return super().update(**values)


FEATURE_OPTIONS = [
    ("最近购买间隔 recency", "recency"),
    ("购买次数 frequency", "frequency"),
    ("消费金额 monetary", "monetary"),
    ("R 分", "R"),
    ("F 分", "F"),
    ("M 分", "M"),
]


KM_CHART_OPTIONS = [("蛇形图", "snake"), ("雷达图", "radar")]


class KMeansExplorer(View):
    """KMeans on an RFM (or any feature) table: k slider, feature check boxes, live silhouette.

    ``update(k=4, features=("recency", "frequency", "monetary"), log=True, standardize=True,
    chart="snake")``; ``chart="radar"`` draws the radar chart (needs 3 or more features,
    otherwise the snake chart is shown with a note).
    Up to 5,000 customers it uses the settings of :func:`crmlab.segment.kmeans_segments`
    (10 random starts, silhouette on up to 3,000 customers), so the explorer shows the same
    clusters and silhouette as the notebook cells; for larger tables a live update uses
    one k-means++ start (``n_init=1``, scikit-learn's own default since 1.4) and a silhouette
    sample of 1,000 customers, so that moving the slider redraws at once.
    """

    def __init__(self, rfm: pd.DataFrame, features=None, n_init: int | None = None):
        super().__init__()
        import ipywidgets as w

        self.rfm = rfm
        big = len(rfm) > 5000 if hasattr(rfm, "__len__") else False
        self.n_init = (1 if big else 10) if n_init is None else n_init
        self.silhouette_sample = 1000 if big else 3000
        if features is None:
            features = [c for _, c in FEATURE_OPTIONS if c in getattr(rfm, "columns", [])]
            defaults = {"recency", "frequency", "monetary"}
        else:
            features = list(features)
            defaults = set(features)
        self.boxes = {
            c: w.Checkbox(value=c in defaults, description={v: k for k, v in FEATURE_OPTIONS}.get(c, c),
                          indent=False, layout=w.Layout(width="190px"))
            for c in features
        }
        self.k = w.IntSlider(value=4, min=2, max=8, description="聚类数 k", continuous_update=False)
        self.log = w.Checkbox(value=True, description="先取对数 log(1+x)", indent=False)
        self.standardize = w.Checkbox(value=True, description="标准化（消除单位差异）", indent=False)
        self.chart = w.ToggleButtons(options=KM_CHART_OPTIONS, value="snake", description="画像图")
        self._chart = "snake"
        self.score = w.HTML()
        for c in (self.k, self.log, self.standardize, self.chart, *self.boxes.values()):
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([
            w.HBox([self.k, self.log, self.standardize]),
            w.HBox(list(self.boxes.values())),
            self.chart,
            self.score, self.status, self.out,
        ])
        self._refresh()

    def _refresh(self):
        feats = [c for c, b in self.boxes.items() if b.value]
        self.update(k=self.k.value, features=feats, log=self.log.value, standardize=self.standardize.value,
                    chart=self.chart.value)

    def compute(self, k=4, features=("recency", "frequency", "monetary"), log=True, standardize=True):
        from crmlab.segment import kmeans_segments

        if not isinstance(self.rfm, pd.DataFrame) or self.rfm.empty:
            raise CRMDataError("KMeans 需要一张客户表（DataFrame），例如 crmlab.segment.rfm(...) 的结果；现在的表是空的或不是表格。")
        feats = [features] if isinstance(features, str) else list(features or [])
        if not feats:
            raise CRMDataError("请至少勾选 1 个特征，KMeans 才能聚类。")
        return kmeans_segments(self.rfm, feats, k, log=log, standardize=standardize, n_init=self.n_init,
                               silhouette_sample=self.silhouette_sample)

    def render(self, result):
        from crmlab.charts.segment import plot_cluster_profiles, plot_cluster_radar

        sil = result.silhouette
        text = "—" if not math.isfinite(sil) else f"{sil:.3f}"
        self.score.value = (
            f"<b>轮廓系数：{text}</b>（越接近 1 分得越清楚；小于 0.25 说明类别之间界限模糊）"
        )
        if self._chart == "radar":
            if len(result.features) >= 3:
                ax = self.live_axes("radar", (9, 5.4), rect=(0.06, 0.08, 0.5, 0.78), projection="polar")
                return plot_cluster_radar(result, ax=ax)
            self.score.value += "<br>雷达图至少需要 3 个特征，现在先用蛇形图显示。"
        ax = self.live_axes("snake", (9, 4.2), left=0.08, right=0.66, bottom=0.2, top=0.9)
        return plot_cluster_profiles(result, ax=ax)

    def update(self, **values):
        chart = values.pop("chart", self._chart)
        self.score.value = ""
        if chart not in {v: k for k, v in KM_CHART_OPTIONS}:
            self.error(f"没有名为「{chart}」的图表，可选：蛇形图（snake）或雷达图（radar）。")
            self.out.outputs = ()
            self.result = None
            return None
        self._chart = chart
        return super().update(**values)


PLAN_FIELDS = ("goal", "offer", "channel", "budget")
PLAN_LABELS = pick(PLAN_FIELDS, "plan")  # 目标, 方案/优惠, 渠道, 预算（元）: crmlab.labels
MAX_AMOUNT = 1e12  # yuan per transaction in an uploaded file: more is a unit or typing error
MAX_BUDGET = 1e9  # yuan per segment: more is a typing slip in a classroom plan
CHANNELS = ["", "专属客户经理", "电话回访", "短信", "微信/公众号", "电子邮件", "门店活动", "上门拜访", "线上商城推送"]


class SegmentPlanView(View):
    """The homework: write a differentiated plan per segment and export it.

    Per segment the learner types the goal, the offer, picks a channel and a budget.
    ``set_plan(segment, goal=..., offer=..., channel=..., budget=...)`` fills a row
    from code; :meth:`plan` returns the plan with the segment figures;
    :meth:`export(path_xlsx, path_md)` writes an Excel file and a Markdown report.
    """

    def __init__(self, summary: pd.DataFrame, *, title: str = "差异化客户方案"):
        super().__init__()
        import ipywidgets as w

        self.title = title
        self.rows: dict[str, dict[str, Any]] = {}
        if not isinstance(summary, pd.DataFrame) or "customers" not in summary.columns or len(summary) == 0:
            self.summary = pd.DataFrame({"customers": pd.Series(dtype="int64")})
            self.report = w.HTML()
            self.widget = w.VBox([self.status])
            self.error("方案表需要客户群数据：请传入 segment_summary(...) 的结果（每个客户群一行，含 customers 列）。")
            return
        self.summary = summary
        lay = {"goal": "200px", "offer": "260px", "channel": "150px", "budget": "120px"}
        header = w.HBox([w.HTML("<b>客户群</b>", layout=w.Layout(width="175px"))]
                        + [w.HTML(f"<b>{PLAN_LABELS[f]}</b>", layout=w.Layout(width=lay[f])) for f in PLAN_FIELDS])
        lines = [header]
        for seg in summary.index:
            n = int(summary.loc[seg, "customers"])
            row = {
                "goal": w.Text(placeholder="例如：提高复购", layout=w.Layout(width=lay["goal"])),
                "offer": w.Text(placeholder="例如：满300减30", layout=w.Layout(width=lay["offer"])),
                "channel": w.Combobox(options=CHANNELS[1:], placeholder="选择或输入", layout=w.Layout(width=lay["channel"])),
                "budget": w.FloatText(value=0.0, layout=w.Layout(width=lay["budget"])),
            }
            for c in row.values():
                c.observe(lambda _change: self._refresh(), names="value")
            self.rows[str(seg)] = row
            lines.append(w.HBox([w.HTML(f"{html.escape(str(seg))}（{n}人）", layout=w.Layout(width="175px"))]
                                + [row[f] for f in PLAN_FIELDS]))
        self.path_xlsx = w.Text(value="我的细分方案.xlsx", description="Excel 文件")
        self.path_md = w.Text(value="我的细分方案.md", description="报告文件")
        self.button = w.Button(description="导出方案", button_style="success", icon="download")
        self.button.on_click(lambda _b: self._export_clicked())
        self.report = w.HTML()
        self.widget = w.VBox([*lines, w.HBox([self.path_xlsx, self.path_md, self.button]), self.status,
                              self.report, self.out])
        self._refresh()

    # -- filling ------------------------------------------------------------
    def set_plan(self, segment: str, **values: Any) -> None:
        """Fill one segment's row (keys: goal, offer, channel, budget)."""
        if segment not in self.rows:
            raise CRMDataError(f"没有名为「{segment}」的客户群。可选：{'、'.join(self.rows)}。")
        for key, val in values.items():
            if key not in PLAN_FIELDS:
                raise CRMDataError(f"方案里没有「{key}」这一项，可填：goal、offer、channel、budget。")
            if key == "budget":
                try:
                    val = float(val)
                except (TypeError, ValueError) as exc:
                    raise CRMDataError(f"「{segment}」的预算要填数字，例如 5000，而你给的是「{val}」。") from exc
            self.rows[segment][key].value = val if key == "budget" else str(val)
        self._refresh()

    def values(self) -> dict[str, dict[str, Any]]:
        return {seg: {f: row[f].value for f in PLAN_FIELDS} for seg, row in self.rows.items()}

    def _refresh(self):
        self.update(plan=self.values())

    # -- View ---------------------------------------------------------------
    def compute(self, plan=None):
        return self.plan(plan)

    def plan(self, plan: dict | None = None) -> pd.DataFrame:
        """The plan with the segment figures (one row per segment, Chinese column names)."""
        plan = self.values() if plan is None else plan
        s = self.summary
        if len(s) == 0:
            raise CRMDataError("没有客户群，无法制定方案。请先用 segment_summary(...) 得到各客户群。")
        out = pd.DataFrame(index=pd.Index([str(i) for i in s.index], name="客户群"))
        out["客户数"] = s["customers"].astype(int).to_numpy()
        if "customer_share" in s.columns:
            out["客户占比"] = s["customer_share"].to_numpy(float).round(4)
        if "revenue" in s.columns:
            out["消费金额（元）"] = s["revenue"].to_numpy(float).round(2)
        if "revenue_share" in s.columns:
            out["金额占比"] = s["revenue_share"].to_numpy(float).round(4)
        if "strategy" in s.columns:
            out["参考策略"] = s["strategy"].to_numpy()
        for f in PLAN_FIELDS:
            col = []
            for seg in out.index:
                v = plan.get(seg, {}).get(f, 0.0 if f == "budget" else "")
                if f == "budget":
                    try:
                        v = float(v or 0)
                    except (TypeError, ValueError) as exc:
                        raise CRMDataError(f"「{seg}」的预算要填数字，现在是「{v}」。") from exc
                    if math.isnan(v):
                        raise CRMDataError(f"「{seg}」的预算是空的，请填一个数字（不花钱就填 0）。")
                    if not math.isfinite(v) or v < 0:
                        raise CRMDataError(f"「{seg}」的预算不能是负数或无穷大，现在是 {v:g}。")
                    if v > MAX_BUDGET:
                        raise CRMDataError(
                            f"「{seg}」的预算 {v:,.0f} 元太大了（超过 10 亿元），是不是多打了几个 0？请改成实际的金额。"
                        )
                col.append(v)
            out[PLAN_LABELS[f]] = col
        n = out["客户数"].to_numpy(float)
        budget = out["预算（元）"].to_numpy(float)
        safe = np.where(n > 0, n, 1.0)
        out["每位客户预算（元）"] = np.where(n > 0, budget / safe, np.nan).round(2)
        return out

    def render(self, result):
        total = float(result["预算（元）"].sum())
        filled = int((result["目标"].str.strip() != "").sum())
        self.report.value = (
            f"已填写 {filled}/{len(result)} 个客户群的目标，总预算 {total:,.0f} 元。"
            "填完后点击“导出方案”，把 Excel 和报告交给老师。"
        )
        return None

    # -- export -------------------------------------------------------------
    def markdown(self, plan: pd.DataFrame | None = None) -> str:
        plan = self.plan() if plan is None else plan
        total = float(plan["预算（元）"].sum())
        lines = [f"# {self.title}", "", f"客户群 {len(plan)} 个，客户 {int(plan['客户数'].sum())} 位，总预算 {total:,.0f} 元。", ""]
        lines.append("| 客户群 | 客户数 | 客户占比 | 金额占比 | 目标 | 方案/优惠 | 渠道 | 预算（元） |")
        lines.append("|---|---:|---:|---:|---|---|---|---:|")

        def cell(v):
            return str(v).replace("|", "／").replace("\n", " ")

        for seg, r in plan.iterrows():
            cs = f"{r['客户占比']:.1%}" if "客户占比" in plan.columns else ""
            rs = f"{r['金额占比']:.1%}" if "金额占比" in plan.columns else ""
            lines.append(f"| {cell(seg)} | {int(r['客户数'])} | {cs} | {rs} | {cell(r['目标'])} | "
                         f"{cell(r['方案/优惠'])} | {cell(r['渠道'])} | {r['预算（元）']:,.0f} |")
        lines += ["", "## 各客户群的方案说明", ""]
        for seg, r in plan.iterrows():
            lines.append(f"### {seg}（{int(r['客户数'])} 人）")
            lines.append("")
            if "参考策略" in plan.columns and r["参考策略"]:
                lines.append(f"- 参考策略：{r['参考策略']}")
            lines.append(f"- 目标：{r['目标'] or '（未填写）'}")
            lines.append(f"- 方案/优惠：{r['方案/优惠'] or '（未填写）'}")
            lines.append(f"- 渠道：{r['渠道'] or '（未填写）'}")
            lines.append(f"- 预算：{r['预算（元）']:,.0f} 元")
            lines.append("")
        return "\n".join(lines)

    def export(self, path_xlsx, path_md) -> tuple[Path, Path]:
        """Write the plan to an Excel file (sheet 细分方案) and a Markdown report."""
        plan = self.plan()
        px, pm = Path(path_xlsx), Path(path_md)
        if px.suffix.lower() != ".xlsx":
            raise CRMDataError(f"Excel 文件名要以 .xlsx 结尾，现在是「{px.name}」。")
        from crmlab.export import to_excel, write_text

        try:  # an existing file is kept: the new one gets a numbered name (我的细分方案_2.xlsx)
            px = to_excel(plan, px, sheet_name="细分方案", index=True)
            pm = write_text(pm, self.markdown(plan))
        except PermissionError as exc:
            raise CRMDataError(f"无法写入文件「{exc.filename}」：文件可能正在 Excel 中打开，请关闭后再导出。") from exc
        except OSError as exc:
            where = exc.filename or px
            raise CRMDataError(
                f"无法写入文件「{where}」：文件夹不存在或没有写入权限。请只写文件名（如 我的细分方案.xlsx），或检查文件夹。"
            ) from exc
        return px, pm

    def _export_clicked(self):
        from crmlab.widgets._base import friendly_message

        try:
            px, pm = self.export(self.path_xlsx.value, self.path_md.value)
        except Exception as exc:  # never a traceback
            self.error(friendly_message(exc))
            return
        self.status.value = f"<span style='color:#1b7f3b'>✓ 已导出：{html.escape(px.name)} 和 {html.escape(pm.name)}</span>"


class UploadRFMView(View):
    """Bring your own data: upload a CSV/Excel file of purchases, get the RFM segments.

    ``update(content=b"...", filename="orders.csv")``; bad files show the Chinese message
    of :func:`crmlab.io.read_transactions`.
    """

    def __init__(self, asof: Any = None):
        super().__init__()
        import ipywidgets as w

        self.upload = w.FileUpload(accept=".csv,.xlsx,.xls,.txt", multiple=False, description="上传交易文件")
        self.asof = w.Text(value="" if asof is None else str(pd.Timestamp(asof).date()),
                           placeholder="留空 = 最后订单的次日", description="分析日期", continuous_update=False)
        self.table = w.HTML()
        self.upload.observe(lambda _change: self._refresh(), names="value")
        self.asof.observe(lambda _change: self._refresh(date_changed=True), names="value")
        help_text = ("<small>文件至少要有客户编号、下单日期、金额三列（列名可以是中文，如“客户编号”“日期”“金额”）；"
                     "有订单号更好。支持 UTF-8 和 GBK 编码的 CSV 以及 Excel 文件。</small>")
        self.widget = w.VBox([w.HBox([self.upload, self.asof]), w.HTML(help_text), self.status, self.out, self.table])

    def _refresh(self, date_changed: bool = False):
        files = self.upload.value
        if not files:
            if date_changed:  # a date without a file: say what to do first
                self.update(content=None)
            return
        item = files[0]
        self.update(content=bytes(item["content"]), filename=item.get("name", "上传的文件"), asof=self.asof.value)

    def compute(self, content=None, filename="上传的文件.csv", asof=None):
        from crmlab.io import read_transactions
        from crmlab.segment import rfm, segment_summary

        if content is None:
            raise CRMDataError("还没有上传文件。请点击“上传交易文件”选择一个 CSV 或 Excel 文件。")
        data = read_transactions(bytes(content), filename=filename)
        huge = data["amount"].abs() > MAX_AMOUNT
        if huge.any():
            rows = "、".join(str(i + 1) for i in np.flatnonzero(huge.to_numpy())[:5])
            raise CRMDataError(
                f"「{filename}」的金额列有大得离谱的数（超过 1 万亿元），在第 {rows} 笔交易。"
                "请检查金额的单位，或是不是多打了几个 0。"
            )
        table = rfm(data, _as_date(asof))
        return {"data": data, "rfm": table, "summary": segment_summary(table), "filename": filename}

    def render(self, result):
        from crmlab.charts.segment import plot_segment_sizes

        d = result["data"]
        head = (f"<p>读入「{html.escape(str(result['filename']))}」：{len(d)} 笔交易，"
                f"{len(result['rfm'])} 位客户，分析日期 {result['rfm'].attrs['asof']}。</p>")
        self.table.value = head + _summary_html(result["summary"])
        ax = self.live_axes("sizes", (8, 4.2), left=0.09, right=0.9, bottom=0.25, top=0.9)
        return plot_segment_sizes(result["summary"], ax=ax)

    def update(self, **values):
        self.table.value = ""
        return super().update(**values)


__all__ = ["KMeansExplorer", "RFMExplorer", "SegmentPlanView", "UploadRFMView"]
