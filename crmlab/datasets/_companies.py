"""The fictional companies behind ``group=0..4``: same schema, different business."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    name: str
    unit_price: float  # typical unit price for an individual customer, yuan
    margin: float  # typical gross margin (gross profit / amount)
    events: dict = field(default_factory=dict)  # extra weight during named events
    weight: float = 1.0  # how often individual customers buy this category
    bweight: float = 1.0  # how often business customers buy this category
    age_tilt: float = 0.0  # > 0: older individuals prefer it, < 0: younger ones do


@dataclass(frozen=True)
class Company:
    group: int
    name: str
    industry: str
    description: str
    categories: tuple
    business_share: float  # share of 企业 customers
    intermediary_share: float  # share of 企业 customers that resell (中间商)
    credit_share: float  # share of 企业 buyers that get payment terms (赊销)
    freq_person: float  # orders per month of an average active individual customer
    freq_business: float  # orders per month of an average active business customer
    qty_person: float  # mean extra units per individual order
    qty_business: float  # mean units per business order
    business_discount: float  # unit-price factor for business customers
    month_factor: tuple  # 12 monthly factors of demand
    events: dict  # strength of named demand peaks (see _generate.EVENT_WINDOWS)
    complaint_months: tuple  # ((year, month, factor), ...) complaint/return spikes
    client_industries: tuple  # ((industry, outlook 1-5), ...) of business customers
    person_channels: dict
    business_channels: dict
    peak_note: str  # Chinese note on the seasonality, for the README
    # order lines (see _order_lines.py): (antecedent, consequent) bought together on purpose,
    # and (staple, rare partner): a category in most orders, seldom with its rare partner
    cross_sell: tuple = ()
    staple: tuple = ()


COMPANIES: tuple[Company, ...] = (
    Company(
        group=0,
        name="华禾优选商贸有限公司",
        industry="食品百货零售与批发",
        description="连锁超市加线上商城，既卖给家庭个人，也给餐馆、便利店等企业供货（部分企业赊销）。",
        categories=(
            Category("生鲜果蔬", 55, 0.18, {}, 1.6, 1.5, 0.5),
            Category("粮油调味", 75, 0.15, {}, 1.0, 1.6, 0.6),
            Category("休闲零食", 45, 0.35, {"618": 1.0, "1111": 1.0}, age_tilt=-0.8),
            Category("酒水饮料", 110, 0.28, {"spring": 1.0, "midautumn": 0.8}, age_tilt=-0.3),
            Category("乳品烘焙", 40, 0.25),
            Category("节日礼盒", 240, 0.40, {"spring": 4.0, "midautumn": 4.0}, 0.4, 0.3),
            Category("日用百货", 65, 0.30, {"618": 1.0, "1111": 1.5}),
        ),
        business_share=0.15,
        intermediary_share=0.4,
        credit_share=0.7,
        freq_person=0.45,
        freq_business=0.9,
        qty_person=1.2,
        qty_business=14.0,
        business_discount=0.85,
        month_factor=(1.1, 1.0, 0.85, 0.9, 0.95, 0.95, 0.9, 0.9, 1.0, 1.0, 1.05, 1.15),
        events={"spring": 1.3, "618": 0.8, "1111": 1.2, "midautumn": 1.0, "national": 0.3},
        complaint_months=((2024, 2, 2.0), (2025, 8, 3.0), (2025, 11, 1.8)),
        client_industries=(("餐饮", 3), ("便利店", 3), ("酒店", 4), ("单位食堂", 3), ("社区团购", 2)),
        person_channels={"门店": 0.55, "线上商城": 0.38, "电话订购": 0.05, "上门销售": 0.02},
        business_channels={"门店": 0.1, "线上商城": 0.15, "电话订购": 0.45, "上门销售": 0.3},
        peak_note="春节前（年货、礼盒）最旺，其次是双11、中秋和618。",
        cross_sell=("休闲零食", "酒水饮料"),
        staple=("生鲜果蔬", "节日礼盒"),
    ),
    Company(
        group=1,
        name="山野咖啡连锁",
        industry="咖啡连锁",
        description="城市咖啡连锁店加小程序点单，顾客以个人为主，少量企业团购和代理分销咖啡豆。",
        categories=(
            Category("美式与手冲", 26, 0.68, {}, 1.5, 1.0, 0.5),
            Category("拿铁类", 30, 0.65, {"dec": 1.0}, 2.5, 1.0),
            Category("茶饮与冰饮", 22, 0.70, {"summer": 2.0}, 1.5, 0.5, -0.8),
            Category("烘焙甜点", 18, 0.55, {}, 1.5, 0.5),
            Category("咖啡豆与挂耳", 88, 0.50, {"1111": 2.0, "dec": 1.0}, 0.4, 3.0),
            Category("周边与礼品卡", 120, 0.60, {"dec": 3.0, "spring": 1.0}, 0.15, 1.0),
        ),
        business_share=0.05,
        intermediary_share=0.3,
        credit_share=0.5,
        freq_person=1.3,
        freq_business=1.5,
        qty_person=0.6,
        qty_business=10.0,
        business_discount=0.8,
        month_factor=(0.9, 0.75, 0.9, 1.0, 1.05, 1.1, 1.25, 1.25, 1.0, 0.95, 0.95, 1.1),
        events={"summer": 0.5, "dec": 1.2, "school": 0.3, "1111": 0.4, "spring": -0.4},
        complaint_months=((2024, 7, 2.0), (2025, 7, 2.2), (2025, 12, 1.6)),
        client_industries=(("互联网", 4), ("金融", 3), ("教育培训", 3), ("会展活动", 2), ("咖啡代理", 3)),
        person_channels={"门店": 0.6, "线上商城": 0.38, "电话订购": 0.01, "上门销售": 0.01},
        business_channels={"门店": 0.2, "线上商城": 0.3, "电话订购": 0.3, "上门销售": 0.2},
        peak_note="夏季（冰饮）和12月（圣诞季礼品卡、咖啡豆）最旺，春节期间门店客流少。",
        cross_sell=("美式与手冲", "烘焙甜点"),
        staple=("拿铁类", "周边与礼品卡"),
    ),
    Company(
        group=2,
        name="云购网上商城",
        industry="网上商城（综合电商）",
        description="综合类网上商城，个人买家为主，少量企业采购和网店分销商，大促集中在618和双11。",
        categories=(
            Category("数码电器", 680, 0.12, {"618": 2.0, "1111": 2.0}, 0.5, 1.0),
            Category("服装鞋包", 190, 0.45, {"1111": 1.0}, age_tilt=-0.5),
            Category("美妆个护", 150, 0.50, {"1111": 2.0, "618": 1.0}, age_tilt=-0.7),
            Category("家居日用", 110, 0.35, age_tilt=0.6),
            Category("母婴用品", 170, 0.30, age_tilt=-0.2),
            Category("食品生鲜", 80, 0.20, {"spring": 3.0}),
        ),
        business_share=0.06,
        intermediary_share=0.5,
        credit_share=0.5,
        freq_person=0.45,
        freq_business=1.0,
        qty_person=0.8,
        qty_business=12.0,
        business_discount=0.88,
        month_factor=(1.0, 0.8, 0.9, 0.9, 0.95, 1.0, 0.85, 0.85, 0.95, 0.95, 1.1, 1.05),
        events={"618": 2.5, "1111": 3.5, "spring": 0.5, "dec": 0.6},
        complaint_months=((2024, 11, 2.5), (2025, 6, 2.0), (2025, 11, 3.0)),
        client_industries=(("网店分销", 3), ("企业福利采购", 3), ("学校", 4), ("小商户", 2), ("贸易公司", 3)),
        person_channels={"门店": 0.02, "线上商城": 0.93, "电话订购": 0.04, "上门销售": 0.01},
        business_channels={"门店": 0.02, "线上商城": 0.6, "电话订购": 0.28, "上门销售": 0.1},
        peak_note="双11（11月）和618（6月）两个大促最旺，年货节（1月）次之。",
        cross_sell=("美妆个护", "服装鞋包"),
        staple=("家居日用", "数码电器"),
    ),
    Company(
        group=3,
        name="联讯通信",
        industry="电信运营商",
        description="地区电信运营商，卖套餐、流量包、宽带和手机，企业客户办专线，代理商是中间商。",
        categories=(
            Category("手机套餐", 99, 0.55, {}, 2.0, 1.0, 0.4),
            Category("流量加油包", 30, 0.70, {"national": 2.0, "spring": 1.0}, 1.5, 0.3, -0.9),
            Category("家庭宽带", 120, 0.50, {"school": 2.0}, 0.8, 0.2),
            Category("手机终端", 2600, 0.08, {"school": 2.0, "1111": 1.5}, 0.25, 0.5),
            Category("增值业务", 15, 0.80, {}, 1.0, 0.5),
            Category("企业专线", 900, 0.45, {}, 0.0, 2.0),
        ),
        business_share=0.15,
        intermediary_share=0.35,
        credit_share=0.8,
        freq_person=0.6,
        freq_business=0.8,
        qty_person=0.1,
        qty_business=1.5,
        business_discount=0.9,
        month_factor=(1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.05, 1.15, 1.0, 1.0, 1.0),
        events={"school": 1.0, "spring": 0.4, "1111": 0.5, "618": 0.3},
        complaint_months=((2024, 9, 2.0), (2025, 3, 2.5), (2025, 9, 2.0)),
        client_industries=(("制造业", 3), ("零售连锁", 3), ("学校", 4), ("通信代理", 2), ("物流", 3)),
        person_channels={"门店": 0.45, "线上商城": 0.4, "电话订购": 0.12, "上门销售": 0.03},
        business_channels={"门店": 0.1, "线上商城": 0.1, "电话订购": 0.3, "上门销售": 0.5},
        peak_note="9月开学季（宽带、新手机）最旺，其次是春节和双11。",
        cross_sell=("家庭宽带", "增值业务"),
        staple=("手机套餐", "企业专线"),
    ),
    Company(
        group=4,
        name="恒固工业品批发有限公司",
        industry="工业品批发（MRO）",
        description="面向工厂、工程队和五金店的工业品批发商，企业客户占多数，普遍赊销。",
        categories=(
            Category("紧固件", 12, 0.30, {}, 1.0, 2.0),
            Category("电动工具", 420, 0.25, age_tilt=-0.4),
            Category("劳保用品", 35, 0.35, {"summer": 1.0}),
            Category("轴承传动", 110, 0.28),
            Category("润滑油品", 240, 0.22, age_tilt=0.5),
            Category("仪器仪表", 850, 0.30, {}, 0.2, 0.6),
        ),
        business_share=0.6,
        intermediary_share=0.35,
        credit_share=0.85,
        freq_person=0.4,
        freq_business=0.6,
        qty_person=1.5,
        qty_business=14.0,
        business_discount=0.9,
        month_factor=(0.9, 0.6, 1.2, 1.2, 1.05, 1.0, 0.95, 0.9, 1.1, 1.05, 1.1, 1.05),
        events={"resume": 0.9, "spring": -0.7, "national": -0.4},
        complaint_months=((2024, 3, 2.0), (2025, 4, 2.5), (2025, 10, 1.8)),
        client_industries=(("机械制造", 3), ("建筑工程", 2), ("五金零售", 3), ("汽车维修", 3), ("电子厂", 4)),
        person_channels={"门店": 0.6, "线上商城": 0.25, "电话订购": 0.12, "上门销售": 0.03},
        business_channels={"门店": 0.1, "线上商城": 0.1, "电话订购": 0.4, "上门销售": 0.4},
        peak_note="春节后复工（3月前后）最旺，9-11月旺季次之；春节前后是低谷。",
        cross_sell=("轴承传动", "润滑油品"),
        staple=("紧固件", "仪器仪表"),
    ),
)


def get_company(group: int) -> Company:
    from numbers import Integral

    from crmlab._errors import CRMDataError

    if not isinstance(group, Integral) or isinstance(group, bool) or not 0 <= group < len(COMPANIES):
        raise CRMDataError(
            f"group 只能是 0 到 {len(COMPANIES) - 1} 的整数（你给的是 {group!r}）。"
            "0 是课堂默认公司，1-4 是各小组的公司。"
        )
    return COMPANIES[int(group)]
