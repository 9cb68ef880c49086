"""The pages of each lesson's dashboard: a Chinese tab title and a function building its View.

Each ``lessonN(data)`` returns ``[(title, build), ...]``; ``build()`` makes the View with
the same inputs as the lesson notebook.  ``data`` is a :class:`LessonData` cache shared by
the pages of one dashboard, so course data is loaded (and models are fitted) once, and
only when a page that needs it is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crmlab.course import COURSE_DATE

ASOF = COURSE_DATE  # the lessons' "today"

Page = tuple[str, Callable[[], Any]]


class LessonData:
    """Lazily loaded course data and fitted models for one dashboard (``group`` = company)."""

    def __init__(self, group: int = 0):
        self.group = group
        self._cache: dict[str, Any] = {}

    def get(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def table(self, name: str):
        from crmlab import datasets

        group = 0 if name in ("cdnow_summary", "german_credit") else self.group
        return self.get(f"table:{name}", lambda: datasets.load(name, group=group))

    # -- lesson 1: BG/NBD + Gamma-Gamma on CDNOW (as in the notebook) -----------------
    def clv_models(self):
        def fit():
            from crmlab import value as cv

            cdnow = self.table("cdnow_summary")
            bg = cv.BGNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
            repeaters = cdnow[cdnow["frequency"] > 0]
            gg = cv.GammaGamma().fit(repeaters["frequency"], repeaters["monetary_value"])
            return bg, gg

        return self.get("clv_models", fit)

    def clv(self):
        def predict():
            from crmlab import value as cv

            bg, gg = self.clv_models()
            return cv.predict_clv(self.table("cdnow_summary"), months=12, bgnbd=bg, gg=gg)

        return self.get("clv", predict)

    # -- lesson 2: a customer database in a temporary folder --------------------------
    def infobase(self):
        return self.get("infobase", self._make_infobase)

    def _make_infobase(self):
        import tempfile
        from pathlib import Path

        from crmlab.infobase import InfoBase

        self._tmp = tempfile.TemporaryDirectory(prefix="crmlab-app-")  # removed with this object
        crm = InfoBase(Path(self._tmp.name) / "CRM.db", clock=lambda: f"{COURSE_DATE} 09:00:00")
        crm.import_customers(self.table("customers"), channel="内部记录", collected_at="2025-12-31")
        for name, source in (("orders", "销售系统"), ("interactions", "客服系统")):
            crm.import_table(self.table(name), name, source=source, channel="内部记录", collected_at="2025-12-31")
        crm.refresh_status(today=ASOF)
        return crm

    # -- lessons 3 and 4 ------------------------------------------------------------
    def rfm(self):
        from crmlab import segment

        return self.get("rfm", lambda: segment.rfm(self.table("orders"), ASOF))

    def scorecard_points(self):
        def cross_validate():
            from crmlab import credit

            X, y = credit.german_credit_xy(self.table("german_credit"))
            return credit.cross_validate_scorecard(X, y, cv=5, random_state=0).points, y

        return self.get("scorecard", cross_validate)


def lesson1(data: LessonData) -> list[Page]:
    from crmlab import lifecycle as lc
    from crmlab import value as cv
    from crmlab.widgets import customers as wc
    from crmlab.widgets import lifecycle as wl
    from crmlab.widgets import value as wv

    def kotler():
        inputs = lc.kotler_inputs(data.table("orders"), ASOF)
        return wl.KotlerLevelView(n_customers=inputs["n_customers"], unit_margin=round(inputs["unit_margin"], 2))

    def metrics():
        return cv.clv_metrics(data.table("orders"), data.table("interactions"), data.table("survey"))

    return [
        ("客户状态", lambda: wc.CustomerStateView(data.table("customers"), data.table("orders"),
                                               interactions=data.table("interactions"))),
        ("角色小测", wc.RoleQuizView),
        ("让渡价值", wv.DeliveredValueView),
        ("指标法终身价值", lambda: wv.IndicatorCLVView(metrics())),
        ("折现终身价值", wv.DiscountedCLVView),
        ("关系水平", kotler),
        ("生命周期", lambda: wl.LifecycleView(data.table("orders"), data.table("customers"))),
        ("保持客户的收益", wl.RetentionView),
        ("客户还会再买吗", lambda: wv.CustomerAliveView(*data.clv_models(), frequency=10, recency=35, T=39)),
        ("高危客户预警", lambda: wv.AtRiskView(data.clv())),
    ]


def _updated(view, **values):
    """Views of lesson 2 draw on the first ``update``; the notebook calls it right away too."""
    view.update(**values)
    return view


def lesson2(data: LessonData) -> list[Page]:
    from crmlab.widgets import info as wi

    def orders_customers():
        return data.table("orders"), data.table("customers")

    return [
        ("地区销售", lambda: _updated(wi.RegionSalesView(*orders_customers()), month="全年")),
        ("年龄与偏好", lambda: _updated(wi.AgeFavouriteView(*orders_customers()))),
        ("二八分析", lambda: _updated(wi.ParetoView(*orders_customers()), top=0.2)),
        ("销售预测", lambda: _updated(wi.ForecastView(*orders_customers()), horizon=6)),
        ("月度对比", lambda: _updated(wi.MonthCompareView(data.table("orders"), data.table("interactions"),
                                                           data.table("customers")), month="2025-12")),
        ("客户资料卡", lambda: wi.DataCardView(data.infobase())),
        ("按岗位查看", lambda: wi.RoleView(data.infobase())),
    ]


def lesson3(data: LessonData) -> list[Page]:
    from crmlab import segment
    from crmlab.widgets import segment as ws
    from crmlab.widgets.budget import BudgetView

    return [
        ("RFM 细分", lambda: ws.RFMExplorer(data.table("orders"), asof=ASOF)),
        ("K 均值聚类", lambda: ws.KMeansExplorer(data.rfm())),
        ("分群方案", lambda: ws.SegmentPlanView(segment.segment_summary(data.rfm()))),
        ("上传自己的数据", lambda: ws.UploadRFMView(asof=ASOF)),
        ("预算分配", lambda: BudgetView(segment.segment_summary(data.rfm()))),
    ]


def lesson4(data: LessonData) -> list[Page]:
    from crmlab.widgets import credit as wcr

    return [
        ("客户金字塔", lambda: wcr.PyramidView(data.table("orders"))),
        ("信用政策", lambda: wcr.CreditPolicyView(sales=1_000_000, margin=20)),
        ("信用申请评估", wcr.CreditApplicationView),
        ("评分卡分数线", lambda: wcr.ScoreCutoffView(*data.scorecard_points())),
        ("应收账款账龄", lambda: wcr.AgingView(data.table("invoices"), asof=ASOF)),
        ("付款条件", lambda: wcr.PaymentTermsView(data.table("orders"), data.table("invoices"))),
    ]


LESSONS: dict[int, tuple[str, Callable[[LessonData], list[Page]]]] = {
    1: ("第1课 识别客户", lesson1),
    2: ("第2课 收集客户信息", lesson2),
    3: ("第3课 细分客户", lesson3),
    4: ("第4课 客户信用管理", lesson4),
}
