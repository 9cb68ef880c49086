"""The course's one vocabulary: Chinese display labels for English column names, and their units.

The rule for the language of result columns
-------------------------------------------
* Domain functions (``crmlab.customers``, ``crmlab.value``, ``crmlab.segment`` ...)
  return **English** ``snake_case`` column names: they are what code, tests and
  exercises index by (``rfm["monetary"]``), and they never change with wording.
* Everything a learner *reads* - a styled table, a chart axis, a widget, an Excel
  export, a Chinese error message naming a column - gets its Chinese label from
  **this module**: :func:`label`, :func:`pick` or :func:`relabel`.
* A name means one thing course-wide.  Where the same English name stands for a
  different quantity in one lesson's model (BG/NBD's ``recency`` is in weeks since
  the first purchase, RFM's in days since the last one), the difference is a named
  :data:`CONTEXTS` entry, never a second private dictionary.
* Names that learners and earlier work rely on are *values or headers* fixed by
  their modules and are not relabelled here: the ageing buckets
  (``crmlab.credit.BUCKETS``: 未到期 … 逾期180天以上), the RFM segment names
  (``crmlab.segment``), and the class table's 姓名 and 第N课·练习M columns
  (``crmlab.grade``).
* Display tables - explanation tables and feedback meant to be read (``lifecycle.stage_rules``,
  ``info.minimise`` ...) - are built with Chinese headers; they are a closed list
  (``DISPLAY_TABLES`` in ``tests/domain/test_labels.py``, ARCHITECTURE.md).

>>> label("monetary")
'消费金额（元）'
>>> label("recency", "bgnbd")
'最近购买时点(周)'
>>> unit("tenure_days")
'天'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crmlab import display

#: Chinese titles of the lessons (keys are the exercise module names ``crmlab.exercises.lessonN``)
LESSON_TITLES: dict[str, str] = {
    "lesson1": "第1课 识别客户",
    "lesson2": "第2课 收集客户信息",
    "lesson3": "第3课 细分客户",
    "lesson4": "第4课 客户信用管理",
}

#: One Chinese label per English column name, course-wide (grouped by where the name first appears).
COLUMNS: dict[str, str] = {
    # customers, orders and contacts (io, datasets, lesson 1-2)
    "customer_id": "客户编号", "order_id": "订单编号", "order_date": "下单日期", "amount": "金额（元）",
    "quantity": "数量", "unit_price": "单价", "category": "品类", "product": "商品", "channel": "购买渠道",
    "customer_type": "客户类型", "name": "姓名", "gender": "性别", "birth_date": "出生日期", "age": "年龄",
    "city": "城市", "city_tier": "城市等级", "province": "省份", "region": "地区", "address": "地址",
    "acquisition_channel": "获客渠道", "source": "信息来源", "signup_date": "注册日期", "phone": "手机号",
    "email": "电子邮箱", "id_number": "身份证号", "consent_marketing": "同意营销联系", "customer_role": "客户角色",
    "targeted_date": "首次接触日期", "company": "单位", "company_name": "公司名称",
    "payment_method": "付款方式", "occasion": "购买时机", "type": "服务记录类型（咨询、投诉、退货）",
    "bn_price": "追求的利益：价格实惠", "face_photo": "人脸照片", "bank_account": "银行账户", "health": "健康状况",
    "location_track": "行踪轨迹", "income": "收入", "marital_status": "婚姻状况", "hobby": "兴趣爱好",
    "record_id": "记录编号",
    # the information base (lesson 2)
    "code": "客户代码", "id_valid_to": "证件有效期至", "status": "客户状态", "collect_channel": "收集渠道",
    "collected_at": "收集时间", "updated_at": "更新时间",
    # customer states, roles and tiers (lesson 1)
    "state": "客户状态", "n_orders": "订单数", "orders": "订单数", "first_order": "首次购买日期",
    "last_order": "最近购买日期", "days_since_last": "距最近购买天数", "tenure_days": "关系时长（天）",
    "customers": "客户数", "share": "占比", "role": "客户角色", "buyers": "购买过的客户数",
    "amount_share": "销售额占比", "avg_order_amount": "平均每单金额（元）", "attitude": "购买心理类型",
    "novelty_seeking": "求新程度", "price_sensitivity": "价格敏感度", "gross_profit": "毛利（元）",
    "profit_share": "毛利占比", "cum_customer_share": "累计客户占比", "cum_profit_share": "累计毛利占比",
    "profit_rank": "毛利排名", "tier": "客户级别", "avg_profit": "人均毛利（元）", "promo_share": "促销期购买占比",
    "from": "开始时的状态", "to": "结束时的状态", "stage": "阶段", "contacts": "营销接触次数",
    "recent_profit": "近一年毛利（元）", "earlier_profit": "前一年毛利（元）", "profit_change": "毛利变化率",
    "value_type": "交易型/关系型",
    # customer value (lesson 1)
    "product_value": "产品价值", "service_value": "服务价值", "personnel_value": "人员价值", "image_value": "形象价值",
    "money_cost": "货币成本", "time_cost": "时间成本", "energy_cost": "精力成本", "physical_cost": "体力成本",
    "total_value": "客户总价值", "total_cost": "客户总成本", "delivered_value": "客户让渡价值",
    "value_cost_ratio": "价值成本比", "best": "理性客户的选择", "volume": "购买量", "service_cost": "服务成本",
    "satisfaction": "满意度", "loyalty": "忠诚度", "trust": "信任度", "current_value": "当前价值",
    "potential_value": "潜在价值", "clv_score": "终身价值得分", "rank": "排名", "period": "期数",
    "survival": "留存概率", "margin": "每期利润", "expected_margin": "期望利润", "discount_factor": "折现系数",
    "discounted_margin": "折现后利润", "cumulative_clv": "累计终身价值", "T": "观察时长(周)",
    "monetary_value": "平均每次金额", "historical_value": "历史重复消费额", "prob_alive": "仍活跃概率",
    "expected_purchases": "预计购买次数", "expected_avg_value": "预计每次金额", "clv": "预测终身价值",
    # lifecycle (lesson 1)
    "dimension": "维度", "metric": "指标", "value": "数值", "unit": "单位", "recent_amount": "近期消费额（元）",
    "previous_amount": "前期消费额（元）", "trend": "消费变化率", "avg_recent_amount": "人均近期消费额（元）",
    "avg_tenure_days": "平均关系时长（天）", "margin_growth": "每年利润增长率",
    "clv_base": "原流失率下的客户终身利润（元）", "clv_improved": "流失率降低后的客户终身利润（元）",
    "profit_increase": "利润增幅",
    # market basket (lesson 2)
    "rule": "规则", "support": "支持度", "confidence": "置信度", "lift": "提升度",
    "antecedent support": "前项支持度", "consequent support": "后项支持度",
    # segmentation (lesson 3)
    "recency": "最近购买间隔（天）", "frequency": "购买次数", "monetary": "消费金额（元）",
    "R": "R 分", "F": "F 分", "M": "M 分", "segment": "客户群", "segment_en": "英文名",
    "customer_share": "客户占比", "revenue": "消费金额合计（元）", "revenue_share": "金额占比",
    "recency_mean": "平均间隔（天）", "frequency_mean": "平均次数", "monetary_mean": "平均金额（元）",
    "R_mean": "平均 R 分", "F_mean": "平均 F 分", "M_mean": "平均 M 分", "strategy": "建议策略", "size": "客户数",
    "cluster": "类别", "revenue_per_customer": "人均消费（元）", "inertia": "组内平方和", "silhouette": "轮廓系数",
    "usage": "使用率", "age_band": "年龄段", "response_rate": "响应率", "order_value": "客单价（元）",
    "contacts_even": "平均撒网：联系人数", "contacts_targeted": "重点投放：联系人数",
    "return_even": "平均撒网：预计销售额（元）", "return_targeted": "重点投放：预计销售额（元）",
    "revenue_share_cluster": "金额占比", "expected_per_contact": "每联系一人预计带来（元）",
    "spend": "分到的预算（元）",
    "ls_cook_home": "爱居家", "ls_fitness": "爱运动", "ls_social": "爱分享", "ls_brand": "重品牌",
    "ls_budget": "会算账", "ls_busy": "工作忙", "bn_quality": "重品质", "bn_convenience": "重便捷",
    "bn_service": "重服务", "bn_novelty": "求新潮",
    # the segment plan (lesson 3) - the plan's own fields
    "goal": "目标", "offer": "方案/优惠", "budget": "预算（元）",
    # credit (lesson 4): the English names some credit tables keep
    "grade": "信用等级", "over_limit": "是否超额度", "score": "总分", "reason": "理由",
    "credit_limit": "建议额度（元）", "strongest": "最强项", "weakest": "最弱项",
    # the facts behind the 5C score (lesson 4)
    "on_time_payment_rate": "按时付款率", "late_payments_12m": "近12个月逾期次数", "years_in_business": "经营年限",
    "annual_revenue": "年营业收入", "working_capital": "营运资金", "debt_ratio": "资产负债率", "net_worth": "净资产",
    "collateral_coverage": "抵押品覆盖率", "industry_outlook": "行业前景",
    # credit (lesson 4): the five Cs and the limits
    "character": "品格", "capacity": "能力", "capital": "资本", "collateral": "抵押", "conditions": "条件",
    "by_net_worth": "净资产法", "by_working_capital": "营运资金法", "by_sales": "销售额法", "base_limit": "基础额度",
    "grade_factor": "等级系数", "limit_note": "额度说明", "current_limit": "信用额度", "balance": "应收余额",
    "excess": "超出金额",
    # credit (lesson 4): the customer pyramid and the payment segments
    "layer": "层级", "value_share": "金额占比", "avg_value": "人均金额", "cum_value_share": "累计金额占比",
    "cash_sales": "现金销售额", "credit_sales": "赊销销售额", "sales": "销售额", "credit_share": "赊销占比",
    "payment_segment": "付款方式细分", "invoice_count": "发票数", "late_invoices": "逾期发票数", "late_rate": "逾期率",
    "avg_days_late": "平均逾期天数", "overdue_now": "当前逾期金额", "sales_share": "销售额占比", "avg_sales": "人均销售额",
    # credit (lesson 4): credit policy and payment terms per segment
    "current_days": "现行账期（天）", "bad_debt_rate": "坏账率", "annual_sales": "年销售额", "gross_margin": "毛利率",
    "credited": "赊销额", "avg_receivable": "应收账款平均余额", "capital_cost": "资金成本",
    "expected_bad_debt": "预计坏账", "net_profit": "净收益", "deposit_share": "定金比例", "terms_days": "账期（天）",
    "avg_receivable_change": "应收账款平均余额变化", "expected_bad_debt_change": "预计坏账变化",
    "net_profit_change": "净收益变化", "current_policy": "现行政策", "new_policy": "新政策", "change": "变化",
    "item": "项目", "sales_growth": "销售增长率",
    # credit (lesson 4): receivables ageing, provision, collection and credit hold
    "bucket": "账龄", "receivable": "应收金额", "provision_rate": "计提比例", "provision": "坏账准备",
    "dso": "DSO（天）", "month_end": "月末", "overdue_amount": "逾期金额", "max_days_overdue": "最长逾期天数",
    "overdue_invoices": "逾期发票数", "expected_loss": "预计损失", "action": "建议措施", "exceeds_limit": "超额度",
    "seriously_overdue": "严重逾期", "hold": "暂停赊销", "hold_reason": "原因", "overdue_over_90": "逾期90天以上",
    "overdue_over_180": "逾期180天以上",
    # the four analyses of customer information (lesson 2, crmlab.analysis)
    "favourite": "最爱品类", "cum_share": "累计占比", "month": "月份", "kind": "类型", "fitted": "拟合值",
    "forecast": "预测值", "lower": "下限", "upper": "上限", "festival_share": "节前占比", "trend_line": "趋势",
    "festival_date": "春节", "pre_festival_days": "节前天数",
    "previous": "上月", "current": "本月", "previous_count": "上月次数", "current_count": "本月次数",
    "change_rate": "变化率", "rating": "评价", "weight": "权重", "verdict": "结论",
    # credit (lesson 4, 拓展): the KS table of a scorecard
    "cutoff": "分数", "cum_bad_share": "累计坏客户占比", "cum_good_share": "累计好客户占比", "ks_gap": "差值",
    "fpr": "误伤的好客户比例（假阳性率）", "tpr": "抓到的坏客户比例（真阳性率）",
}

#: Where one English name stands for a *different quantity* (or a different thing) in one
#: lesson's model: the context's label wins over :data:`COLUMNS` there.
CONTEXTS: dict[str, dict[str, str]] = {
    # BG/NBD (lesson 1, 拓展): counted in weeks, repeat purchases only
    "bgnbd": {"recency": "最近购买时点(周)", "frequency": "重复购买次数"},
    # lesson 1's customer-value indicators: the syllabus's names of the current-value indicators
    # (毛利润, and the purchase volume counted in pieces)
    "value": {"gross_profit": "毛利润", "quantity": "件数"},
    # lesson 1's group summaries: the amounts of a group added up are its sales
    "customers": {"amount": "销售额（元）"},
    # lesson 3's cluster profiles: the suggested name of a cluster and its high/low code
    "segment": {"name": "建议名称", "code": "高低代码", "share": "客户占比", "loyalty": "忠诚状况"},
    # lesson 3's survey clusters: the short survey-answer words
    "survey": {"bn_price": "重实惠", "price_sensitivity": "价格敏感", "novelty_seeking": "求新求变"},
    # lesson 3's budget tool: forecasts, not observed counts
    "budget": {"buyers": "预计回头客（人）", "contacts": "联系人数", "revenue": "预计销售额（元）"},
    # lesson 3's plan: the channel the class chooses to reach a segment by
    "plan": {"channel": "渠道"},
    # lesson 2's information base: a customer is a person or a company
    "infobase": {"name": "姓名/名称"},
    # lesson 2's four analyses: units bought per region, the Pareto table's share of customers, the
    # month-over-month points
    "analysis": {"quantity": "购买数量", "cum_customer_share": "客户累计占比", "score": "得分"},
    # lesson 2's information types: the short field words of the type-sorting exercise
    "info": {"source": "来源", "category": "购买品类", "quantity": "购买数量", "amount": "消费金额",
             "occasion": "购买场合", "novelty_seeking": "求新倾向", "consent_marketing": "营销同意"},
    # lesson 3's cluster names (重要价值客户, 近期活跃·高消费金额型 ...): the features without units
    "cluster": {"recency": "最近购买", "monetary": "消费金额"},
    # a learner's own CSV/Excel file (crmlab.io): the short header words such files use, so a message
    # about a missing or unreadable column names it the way the file would
    "file": {"order_id": "订单号", "order_date": "日期", "amount": "金额", "channel": "渠道", "source": "来源",
             "phone": "手机", "email": "邮箱", "consent_marketing": "同意营销", "company": "公司"},
}

#: Units of the columns that have one (shown in headers as ``标签（单位）`` where the label lacks it).
UNITS: dict[str, str] = {
    **dict.fromkeys(["amount", "monetary", "revenue", "monetary_mean", "revenue_per_customer", "order_value",
                     "gross_profit", "avg_profit", "avg_order_amount", "recent_profit", "earlier_profit",
                     "recent_amount", "previous_amount", "avg_recent_amount", "clv_base", "clv_improved",
                     "credit_limit", "budget", "spend", "expected_per_contact", "return_even", "return_targeted",
                     "unit_price",
                     # credit (lesson 4)
                     "avg_value", "cash_sales", "credit_sales", "sales", "avg_sales", "overdue_now", "annual_sales",
                     "credited", "avg_receivable", "capital_cost", "expected_bad_debt", "net_profit",
                     "avg_receivable_change", "expected_bad_debt_change", "net_profit_change", "current_policy",
                     "new_policy", "change", "by_net_worth", "by_working_capital", "by_sales", "base_limit",
                     "current_limit", "balance", "excess", "receivable", "provision", "overdue_amount",
                     "expected_loss", "overdue_over_90", "overdue_over_180"], "元"),
    **dict.fromkeys(["recency", "days_since_last", "tenure_days", "avg_tenure_days", "recency_mean"], "天"),
    **dict.fromkeys(["frequency", "n_orders", "orders", "contacts"], "次"),
    **dict.fromkeys(["customers", "buyers", "size"], "人"),
}
#: units that differ in a context (BG/NBD counts weeks)
CONTEXT_UNITS: dict[str, dict[str, str]] = {"bgnbd": {"recency": "周", "T": "周"}}

#: columns holding fractions between 0 and 1 (shown and exported as percentages)
PERCENT: frozenset[str] = frozenset({
    "share", "customer_share", "revenue_share", "revenue_share_cluster", "amount_share", "profit_share",
    "cum_customer_share", "cum_profit_share", "promo_share", "response_rate", "profit_change", "trend",
    "support", "confidence", "antecedent support", "consequent support",
    "value_share", "cum_value_share", "sales_share", "late_rate", "provision_rate",
})


def _check_context(context: str | None) -> None:
    if context is not None and context not in CONTEXTS:
        raise KeyError(f"unknown label context {context!r}; known: {', '.join(sorted(CONTEXTS))}")


def label(name: Any, context: str | None = None) -> Any:
    """The Chinese label of column ``name`` (in ``context`` if given); unknown names come back unchanged."""
    _check_context(context)
    if context is not None and name in CONTEXTS[context]:
        return CONTEXTS[context][name]
    return COLUMNS.get(name, name) if isinstance(name, str) else name


def unit(name: str, context: str | None = None) -> str:
    """The unit of column ``name`` (``"元"``, ``"天"``, ``"周"`` ...), ``""`` if it has none."""
    _check_context(context)
    return CONTEXT_UNITS.get(context or "", {}).get(name) or UNITS.get(name, "")


def pick(names: Iterable[str], context: str | None = None) -> dict[str, str]:
    """``{name: label}`` for ``names`` in their order: a module's own list of the columns it shows."""
    return {n: label(n, context) for n in names}


def labels(context: str | None = None) -> dict[str, str]:
    """The whole vocabulary as one dict (``context`` applied)."""
    _check_context(context)
    return {**COLUMNS, **(CONTEXTS[context] if context else {})}


def relabel(frame, context: str | None = None, *, extra: Mapping[str, str] | None = None):
    """A copy of ``frame`` with Chinese column and index-level labels (``extra`` wins); numbers unchanged."""
    return display.relabel(frame, {**labels(context), **(extra or {})})


__all__ = ["COLUMNS", "CONTEXTS", "CONTEXT_UNITS", "LESSON_TITLES", "PERCENT", "UNITS", "label", "labels", "pick",
           "relabel", "unit"]
