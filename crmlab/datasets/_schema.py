"""Single source of truth for the course data files: file list, column types and the
Chinese data dictionary.  ``load`` uses the types, ``describe`` returns the rows and
``python -m crmlab.datasets`` renders them into ``data/README.md``.

Column types: ``str`` text/id, ``date`` (datetime64, empty = NaT), ``int``,
``float`` (with ``decimals`` for writing), ``bool``.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmlab.course import COURSE_DATE


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # str | date | int | float | bool
    meaning: str  # Chinese
    unit: str = ""  # Chinese unit, "" if none
    decimals: int = 2  # for float columns when writing CSV


@dataclass(frozen=True)
class FileSpec:
    name: str
    title: str  # Chinese title
    kind: str  # "synthetic" | "real"
    description: str  # Chinese
    columns: tuple


C = Column

TYPE_CN = {"str": "文本", "date": "日期", "int": "整数", "float": "小数", "bool": "是/否"}

FILES: dict[str, FileSpec] = {}


def _add(spec: FileSpec) -> None:
    FILES[spec.name] = spec


_add(FileSpec(
    "customers", "客户名单（客户登记卡汇总）", "synthetic",
    "每行一位客户或潜在客户（个人或企业），约 15% 从未购买（潜在客户/目标客户）。",
    (
        C("customer_id", "str", "客户编号，按登记先后编号"),
        C("customer_type", "str", "客户类型：个人 / 企业"),
        C("name", "str", "姓名（个人）或公司名称（企业）"),
        C("gender", "str", "性别：男 / 女；企业为空"),
        C("birth_date", "date", "出生日期；企业为空"),
        C("age", "float", "年龄（截至 2025-12-31 的整岁）；企业为空", "岁", 0),
        C("city", "str", "所在城市"),
        C("city_tier", "str", "城市等级：一线 / 新一线 / 二线 / 三线及以下"),
        C("region", "str", "地区：华东 / 华北 / 华南 / 华中 / 西南 / 西北 / 东北"),
        C("address", "str", "联系地址"),
        C("acquisition_channel", "str", "获客渠道：门店 / 官网 / 微信小程序 / 电商平台 / 电话销售 / 展会 / 老客户推荐"),
        C("source", "str", "资料来源（谁录入的这条客户资料）：门店登记 / 线上注册 / 销售部录入 / 市场活动 / 外购名单"),
        C("signup_date", "date", "登记日期（第一次留下资料的日期）"),
        C("phone", "str", "手机号（11 位，虚构）"),
        C("email", "str", "电子邮箱（虚构）"),
        C("id_number", "str", "身份证号（18 位，校验码正确，顺序码取 9xx 段，均为虚构）；企业为空"),
        C("consent_marketing", "bool", "是否同意接收营销信息"),
        C("customer_role", "str", "客户角色：终端客户（自己使用）/ 中间商（买来转卖）"),
        C("targeted_date", "date", "销售部第一次把此人列为目标、开始跟进的日期；可为空"),
    ),
))

_add(FileSpec(
    "orders", "订单明细", "synthetic",
    "2024-01-01 至 2025-12-31 的全部订单，每行一笔订单。",
    (
        C("order_id", "str", "订单编号，按时间先后编号"),
        C("customer_id", "str", "客户编号，对应 customers.customer_id"),
        C("order_date", "date", "下单日期"),
        C("category", "str", "商品类别（各公司不同）"),
        C("quantity", "int", "数量", "件"),
        C("amount", "float", "订单金额（销售额）", "元", 2),
        C("cost", "float", "商品成本", "元", 2),
        C("gross_profit", "float", "毛利 = 金额 − 成本", "元", 2),
        C("payment_method", "str", "付款方式：现金（当场付清，含线上支付）/ 赊销（先发货、后付款）"),
        C("channel", "str", "销售渠道：门店 / 线上商城 / 电话订购 / 上门销售"),
        C("occasion", "str", "购买场合：日常 / 节假日 / 促销（618、双11、双12）"),
    ),
))

_add(FileSpec(
    "order_lines", "订单商品明细行（一笔订单买了哪些类别）", "synthetic",
    "每行是一笔订单里的一个商品类别。第 1 行是主类别（就是 orders 里的 category，金额最大），"
    "其余各行是同一笔订单里顺便买的其他类别；同一订单各行金额之和正好等于 orders.amount。"
    "用来分析哪些类别常被一起购买（关联规则、交叉销售）。",
    (
        C("order_id", "str", "订单编号，对应 orders.order_id"),
        C("line_no", "int", "行号：1 为主类别，2、3……为同一订单里的其他类别"),
        C("customer_id", "str", "客户编号（与订单相同，方便按客户汇总）"),
        C("category", "str", "商品类别（同一订单里各行的类别互不相同）"),
        C("amount", "float", "这一行的金额", "元", 2),
    ),
))

_add(FileSpec(
    "interactions", "客户接触记录（服务与营销）", "synthetic",
    "客服、售后与营销部门与客户的每一次接触，可按月统计咨询、投诉、退货的变化。",
    (
        C("interaction_id", "str", "接触记录编号"),
        C("customer_id", "str", "客户编号"),
        C("date", "date", "接触日期"),
        C("type", "str", "类型：咨询 / 投诉 / 退货 / 售后服务 / 营销接触 / 回访"),
        C("channel", "str", "接触渠道：电话 / 在线客服 / 门店 / 上门 / 短信 / 邮件"),
        C("service_cost", "float", "这次接触花费的服务成本", "元", 2),
        C("resolved", "bool", "问题是否已解决（营销接触一律记为是）"),
    ),
))

_add(FileSpec(
    "survey", "客户满意度与生活方式问卷", "synthetic",
    "2025 年 11-12 月对部分个人客户做的问卷，全部为 1-5 分李克特量表（1 = 非常不同意/非常低，5 = 非常同意/非常高）。",
    (
        C("customer_id", "str", "客户编号"),
        C("survey_date", "date", "填写日期"),
        C("satisfaction", "int", "总体满意度", "分(1-5)"),
        C("loyalty", "int", "忠诚度：愿意继续购买并推荐给朋友", "分(1-5)"),
        C("trust", "int", "信任度：相信本公司的商品和承诺", "分(1-5)"),
        C("price_sensitivity", "int", "价格敏感度：价格一变就会影响购买", "分(1-5)"),
        C("novelty_seeking", "int", "求新程度：喜欢第一时间尝试新产品", "分(1-5)"),
        C("ls_cook_home", "int", "生活方式：喜欢在家做饭、在家消遣", "分(1-5)"),
        C("ls_fitness", "int", "生活方式：经常运动健身", "分(1-5)"),
        C("ls_social", "int", "生活方式：喜欢在社交媒体分享生活", "分(1-5)"),
        C("ls_brand", "int", "生活方式：偏爱知名品牌", "分(1-5)"),
        C("ls_budget", "int", "生活方式：购物前会做预算、记账", "分(1-5)"),
        C("ls_busy", "int", "生活方式：工作忙，空闲时间少", "分(1-5)"),
        C("bn_price", "int", "追求利益：看重价格实惠", "分(1-5)"),
        C("bn_quality", "int", "追求利益：看重品质可靠", "分(1-5)"),
        C("bn_convenience", "int", "追求利益：看重购买方便快捷", "分(1-5)"),
        C("bn_service", "int", "追求利益：看重服务周到", "分(1-5)"),
        C("bn_novelty", "int", "追求利益：看重新颖时尚", "分(1-5)"),
    ),
))

_add(FileSpec(
    "raw_records", "各部门零散客户记录（待甄别）", "synthetic",
    "销售部、客服部、财务部、市场部各自登记的客户记录，加上一份外购名单。同一个人可能有多条记录，"
    "姓名有错别字、电话和日期格式不统一、有旧号码旧地址、有缺项。正确答案见 raw_records_truth。",
    (
        C("record_id", "str", "记录编号"),
        C("source", "str", "记录来源：销售部 / 客服部 / 财务部 / 市场部 / 外购名单"),
        C("collected_at", "date", "记录登记日期"),
        C("name", "str", "姓名（可能有错别字或字序颠倒）"),
        C("gender", "str", "性别（可能缺失）"),
        C("phone", "str", "电话（格式不一：空格、短横线、+86、全角数字；可能是旧号码）"),
        C("email", "str", "电子邮箱（大小写、空格不一；可能缺失）"),
        C("id_number", "str", "身份证号（可能缺失、全角、末位小写 x）"),
        C("address", "str", "地址（可能是旧地址）"),
        C("city", "str", "城市"),
        C("company", "str", "工作单位（可能缺失）"),
        C("birth_date", "str", "出生日期，原样文本：2024-01-05 / 2024年1月5日 / 2024/1/5 / 20240105"),
    ),
))

_add(FileSpec(
    "raw_records_truth", "零散记录的正确归属（答案）", "synthetic",
    "raw_records 每条记录真正属于哪个人：person_id 以 C 开头的是 customers 中的客户，以 P 开头的是只出现在外购名单里的人。",
    (
        C("record_id", "str", "记录编号"),
        C("person_id", "str", "真实人员编号"),
    ),
))

_add(FileSpec(
    "accounts", "企业客户信用档案（5C）", "synthetic",
    "每个有过购买的企业客户一行，记录信用评价 5C（品格、能力、资本、抵押、条件）用到的事实，以及信用条件。",
    (
        C("customer_id", "str", "客户编号"),
        C("company_name", "str", "公司名称"),
        C("industry", "str", "客户所在行业"),
        C("years_in_business", "int", "经营年限（能力/品格）", "年"),
        C("on_time_payment_rate", "float", "近 12 个月按期付款比例（品格），0-1", "比例", 2),
        C("late_payments_12m", "int", "近 12 个月逾期付款次数（品格）", "次"),
        C("net_worth", "float", "净资产（资本）", "元", 0),
        C("working_capital", "float", "营运资金 = 流动资产 − 流动负债（资本/能力），可为负", "元", 0),
        C("annual_revenue", "float", "年营业收入（能力）", "元", 0),
        C("debt_ratio", "float", "资产负债率（资本），0-1", "比例", 2),
        C("collateral_value", "float", "可提供的抵押/担保价值（抵押），0 表示没有", "元", 0),
        C("industry_outlook", "int", "行业前景评分（条件），1 = 很差，5 = 很好", "分(1-5)"),
        C("payment_terms_days", "int", "给予的付款期限（0 表示只做现款）", "天"),
        C("credit_limit", "float", "信用额度（0 表示不赊销）", "元", 0),
        C("avg_monthly_sales", "float", "2025 年月均采购额", "元", 2),
    ),
))

_add(FileSpec(
    "invoices", "赊销发票与回款", "synthetic",
    f"每笔赊销订单开一张发票；paid_date 为空表示截至 {COURSE_DATE} 仍未付款。",
    (
        C("invoice_id", "str", "发票编号"),
        C("customer_id", "str", "客户编号"),
        C("amount", "float", "发票金额", "元", 2),
        C("issue_date", "date", "开票日期（= 发货日期）"),
        C("due_date", "date", "到期日 = 开票日期 + 付款期限"),
        C("paid_date", "date", "实际付款日期；空 = 未付款"),
        C("order_id", "str", "对应订单编号"),
    ),
))

_add(FileSpec(
    "customer_truth", "客户真实类型（教师用答案）", "synthetic",
    "生成数据时给每位客户设定的真实生命周期类型和心理类型，用来检验分析结果，学生作业中不直接使用。",
    (
        C("customer_id", "str", "客户编号"),
        C("pattern", "str", "生命周期类型代码：new / growing / stable / declining / lost / won_back / lead"),
        C("pattern_cn", "str", "生命周期类型：新客户 / 成长客户 / 稳定客户 / 衰退客户 / 流失客户 / "
                               "挽回客户（流失一年多后又回来购买）/ 潜在客户（从未购买）"),
        C("buyer_type", "str", "个人客户的购买心理类型：灯塔型 / 跟随型 / 理性型 / 逐利型；企业为空"),
        C("psycho_segment", "str", "个人客户的生活方式群体：品质生活型 / 精打细算型 / 时尚社交型 / 便捷忙碌型；企业为空"),
        C("credit_quality", "float", "企业客户的真实信用水平（标准分，越高越好）；个人为空", "", 2),
    ),
))

_add(FileSpec(
    "cdnow", "CDNOW 唱片网店购买记录（真实数据）", "real",
    "美国网上唱片店 CDNOW 1997 年 1-3 月首次购买的顾客中随机抽取的 1/10（2,357 人），追踪到 1998 年 6 月的全部购买，共 6,919 行。",
    (
        C("customer_id", "str", "顾客编号（抽样后的编号 1-2357，与 cdnow_summary 一致）"),
        C("master_id", "str", "该顾客在 CDNOW 完整数据（23,570 人）中的原编号"),
        C("order_date", "date", "购买日期"),
        C("quantity", "int", "购买 CD 张数", "张"),
        C("amount", "float", "购买金额", "美元", 2),
    ),
))

_add(FileSpec(
    "cdnow_summary", "CDNOW 顾客汇总（RFM，真实数据）", "real",
    "上述 2,357 位顾客在前 39 周（1997-01-01 至 1997-09-30）的汇总，与 Fader、Hardie、Lee (2005) 论文所用数据一致。",
    (
        C("customer_id", "str", "顾客编号"),
        C("frequency", "int", "重复购买次数（首购之后又购买的天数，同一天多次算一次）", "次"),
        C("recency", "float", "首购到最后一次购买的间隔", "周", 2),
        C("T", "float", "首购到观察期结束（1997-09-30）的间隔", "周", 2),
        C("monetary_value", "float", "重复购买的平均每次金额（frequency = 0 时为 0）", "美元", 2),
    ),
))

_add(FileSpec(
    "german_credit", "德国信贷数据（真实数据）", "real",
    "UCI Statlog 德国信贷数据，1,000 位贷款申请人，20 个属性加信用好坏标签（原始取值，英文）。",
    (
        C("status_of_existing_checking_account", "str", "现有支票账户余额状态（DM 为德国马克）"),
        C("duration_in_month", "int", "贷款期限", "月"),
        C("credit_history", "str", "信用历史（以往借款是否按时归还）"),
        C("purpose", "str", "贷款用途（汽车、家具、电视、教育、经营等）"),
        C("credit_amount", "int", "贷款金额", "德国马克"),
        C("savings_account_and_bonds", "str", "储蓄账户和债券余额"),
        C("present_employment_since", "str", "目前工作的年限"),
        C("installment_rate_in_percentage_of_disposable_income", "int", "月供占可支配收入的比例等级（1-4，越大负担越重）"),
        C("personal_status_and_sex", "str", "婚姻状况与性别"),
        C("other_debtors_or_guarantors", "str", "其他共同借款人或担保人"),
        C("present_residence_since", "int", "在现住址居住年限等级（1-4）"),
        C("property", "str", "主要财产（房产、保险、汽车、无）"),
        C("age_in_years", "int", "年龄", "岁"),
        C("other_installment_plans", "str", "其他分期付款（银行、商店、无）"),
        C("housing", "str", "住房情况：租房 / 自有 / 免费居住"),
        C("number_of_existing_credits_at_this_bank", "int", "在本银行已有的贷款笔数"),
        C("job", "str", "职业类别"),
        C("number_of_people_being_liable_to_provide_maintenance_for", "int", "需要供养的人数"),
        C("telephone", "str", "是否登记了电话"),
        C("foreign_worker", "str", "是否外籍劳工"),
        C("creditability", "str", "信用好坏标签：good（好）/ bad（坏），约 30% 为 bad"),
    ),
))

SYNTHETIC = tuple(n for n, s in FILES.items() if s.kind == "synthetic")
REAL = tuple(n for n, s in FILES.items() if s.kind == "real")
