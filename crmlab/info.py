"""What customer information to collect, from where, and what the law allows.

* **Information types** (客户信息的三种类型): descriptive (描述类: who the customer
  is -- basic, fairly static attributes), behavioural (行为类: what the customer
  does -- purchases, contacts, service records) and associative (关联类: why --
  satisfaction, loyalty, attitudes, lifestyle, benefits sought).
  :func:`classify_columns` sorts the columns of the course data.
* **Collect by need** (按需收集): :func:`minimise` takes the fields a form wants to
  collect and the declared purposes of the database, and flags every field that
  no purpose needs (data minimisation) and the consent each kept field requires.
  The rules follow the Personal Information Protection Law (个人信息保护法):
  processing must be lawful, limited to what the purpose needs, and based on
  the person's consent unless it is necessary to perform a contract with them;
  sensitive personal information (ID numbers, biometrics, financial accounts,
  health, whereabouts) needs separate consent (单独同意).
* **Channels and methods** (渠道与方法): :data:`CHANNELS`, :data:`METHODS`.
* **Learner feedback** for the lesson's widgets: :func:`sort_feedback` (which type is
  a field?) and :func:`minimisation_feedback` (which fields does a purpose need?).
* **What an information base holds** (原始信息 / 统计分析信息 / 企业投入记录):
  :data:`INFOBASE_CONTENTS` and :func:`infobase_contents`, which ties each part to the
  tables of the course's SQLite :class:`~crmlab.infobase.InfoBase`.

The customer identification process and screening decisions live in
:mod:`crmlab.identify`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.labels import pick

DESCRIPTIVE, BEHAVIOURAL, ASSOCIATIVE = "描述类信息", "行为类信息", "关联类信息"
INFO_TYPES = (DESCRIPTIVE, BEHAVIOURAL, ASSOCIATIVE)

#: short definitions (for tables in the notebook)
TYPE_DESCRIPTIONS = pd.DataFrame(
    {
        "信息类型": list(INFO_TYPES),
        "回答的问题": ["客户是谁？", "客户做了什么？", "客户为什么这样做？"],
        "举例": [
            "姓名、性别、年龄、城市、电话；企业客户的行业、规模",
            "购买时间、品类、金额、渠道；咨询、投诉、退货记录",
            "满意度、忠诚度、信任、价格敏感度、生活方式、追求的利益",
        ],
        "特点": [
            "基本、较稳定、容易采集，但差别小、涉及隐私",
            "差别大、要随时记录，是掌握客户行为的依据",
            "最能解释客户行为，但难采集，要靠专门调查",
        ],
    }
)

#: information type of the columns of the course data sets
COLUMN_TYPES: dict[str, str] = {
    # customers
    "customer_id": DESCRIPTIVE,
    "customer_type": DESCRIPTIVE,
    "name": DESCRIPTIVE,
    "gender": DESCRIPTIVE,
    "birth_date": DESCRIPTIVE,
    "age": DESCRIPTIVE,
    "city": DESCRIPTIVE,
    "city_tier": DESCRIPTIVE,
    "region": DESCRIPTIVE,
    "address": DESCRIPTIVE,
    "phone": DESCRIPTIVE,
    "email": DESCRIPTIVE,
    "id_number": DESCRIPTIVE,
    "customer_role": DESCRIPTIVE,
    "company_name": DESCRIPTIVE,
    "industry": DESCRIPTIVE,
    "years_in_business": DESCRIPTIVE,
    "acquisition_channel": BEHAVIOURAL,
    "signup_date": BEHAVIOURAL,
    # orders
    "order_id": BEHAVIOURAL,
    "order_date": BEHAVIOURAL,
    "category": BEHAVIOURAL,
    "quantity": BEHAVIOURAL,
    "amount": BEHAVIOURAL,
    "payment_method": BEHAVIOURAL,
    "channel": BEHAVIOURAL,
    "occasion": BEHAVIOURAL,
    # interactions
    "interaction_id": BEHAVIOURAL,
    "date": BEHAVIOURAL,
    "type": BEHAVIOURAL,
    "service_cost": BEHAVIOURAL,
    "resolved": BEHAVIOURAL,
    # survey
    "satisfaction": ASSOCIATIVE,
    "loyalty": ASSOCIATIVE,
    "trust": ASSOCIATIVE,
    "price_sensitivity": ASSOCIATIVE,
    "novelty_seeking": ASSOCIATIVE,
}

COLUMN_LABELS: dict[str, str] = pick((
    "record_id", "source", "collected_at", "customer_id", "customer_type", "name", "gender",
    "birth_date", "age", "city", "city_tier", "region", "address", "phone", "email", "id_number",
    "customer_role", "acquisition_channel", "order_id", "bn_price", "signup_date", "order_date",
    "category", "quantity", "amount", "payment_method", "channel", "occasion", "type", "service_cost",
    "satisfaction", "loyalty", "trust", "price_sensitivity", "novelty_seeking", "consent_marketing",
    "face_photo", "bank_account", "health", "location_track", "income", "marital_status", "hobby",
), "info")  # labels from crmlab.labels (the "info" context: this lesson's short field words)


def info_type(column: str) -> str:
    """Information type of a column (``ls_*`` lifestyle and ``bn_*`` benefit items are associative)."""
    if not isinstance(column, str):
        raise CRMDataError(f"列名应是文字（例如 \"age\"），不是 {column!r}。")
    if column in COLUMN_TYPES:
        return COLUMN_TYPES[column]
    if column.startswith(("ls_", "bn_")):
        return ASSOCIATIVE
    return "未归类"


def classify_columns(columns: Iterable[str]) -> pd.DataFrame:
    """Table column -> 信息类型 (descriptive / behavioural / associative)."""
    if isinstance(columns, pd.DataFrame):
        columns = columns.columns
    if columns is None or isinstance(columns, str):
        raise CRMDataError("请给出一串列名，例如 customers.columns 或 [\"age\", \"city\"]。")
    cols = list(columns)
    return pd.DataFrame(
        {
            "列名": cols,
            "含义": [COLUMN_LABELS.get(c, c) for c in cols],
            "信息类型": [info_type(c) for c in cols],
        }
    )


# --------------------------------------------------------------------------
# channels and methods
# --------------------------------------------------------------------------
CHANNELS = pd.DataFrame(
    [
        ("内部渠道", "销售记录、订单、发票", "现有客户的交易"),
        ("内部渠道", "客户服务、投诉和退货记录", "售后服务"),
        ("内部渠道", "电话销售、面谈、促销活动、市场调查", "营销活动中"),
        ("外部渠道", "政府部门、银行、行业协会、公开出版物", "多为潜在客户，要核实"),
        ("外部渠道", "专门的数据公司（购买名单）", "真实性难保证，要抽样核实"),
    ],
    columns=["渠道", "来源举例", "说明"],
)

METHODS = pd.DataFrame(
    [
        ("资料统计法", "内部记录", "整理统计资料、原始记录、营业日记、订货合同、客户来函"),
        ("询问法", "当面交谈", "面对面提问，信息最丰富，成本高"),
        ("询问法", "电话询问", "快，范围广，时间不宜长"),
        ("询问法", "邮寄调查", "成本低，回收率低、回收慢"),
        ("询问法", "问卷调查", "线上线下都可，适合收集态度和满意度"),
        ("直接购买法", "直接购买", "委托或向数据公司购买，要确认来源合法"),
    ],
    columns=["方法", "收集渠道", "特点"],
)
#: values accepted as ``channel`` by the data-card form
COLLECT_CHANNELS = tuple(METHODS["收集渠道"]) + ("网站注册", "门店登记")


# --------------------------------------------------------------------------
# collect by need
# --------------------------------------------------------------------------
#: purpose -> (fields it needs, legal basis).  Basis "合同" = necessary to perform
#: a contract with the customer; "同意" = needs the customer's consent.
PURPOSES: dict[str, tuple[tuple[str, ...], str]] = {
    "订单配送": (("name", "phone", "address"), "合同"),
    "售后服务": (("name", "phone", "order_id", "category"), "合同"),
    "开具发票": (("name", "email", "amount"), "合同"),
    "会员注册": (("name", "phone"), "合同"),
    "营销推送": (("name", "phone", "email", "consent_marketing"), "同意"),
    "生日关怀": (("name", "phone", "birth_date"), "同意"),
    "客户细分": (("age", "gender", "city", "category", "amount", "order_date"), "同意"),
    "满意度调查": (("phone", "satisfaction", "loyalty"), "同意"),
    "信用评估": (("name", "id_number", "amount", "payment_method"), "同意"),
    "实名认证": (("name", "id_number"), "合同"),
}

#: personal information (identifies a person alone or with other data)
PERSONAL = {
    "name",
    "phone",
    "email",
    "address",
    "birth_date",
    "age",
    "gender",
    "id_number",
    "face_photo",
    "bank_account",
    "health",
    "location_track",
    "income",
    "marital_status",
    "hobby",
    "city",
}
#: sensitive personal information: needs separate consent (单独同意)
SENSITIVE = {"id_number", "face_photo", "bank_account", "health", "location_track"}


def purposes() -> pd.DataFrame:
    """The purposes one can declare, with the fields they need and their legal basis."""
    return pd.DataFrame(
        [
            {
                "用途": p,
                "需要的字段": "、".join(COLUMN_LABELS.get(f, f) for f in fields),
                "依据": "履行合同所必需" if basis == "合同" else "取得客户同意",
            }
            for p, (fields, basis) in PURPOSES.items()
        ]
    )


def minimise(fields: Iterable[str], declared: Iterable[str]) -> pd.DataFrame:
    """Check a collection plan against the declared purposes (data minimisation + consent).

    Returns one row per field: which declared purposes need it (``用途``),
    ``必要`` (some purpose needs it), ``个人信息``, ``敏感``, ``同意要求`` and a
    Chinese ``建议``.  Raises :class:`CRMDataError` for an unknown purpose.
    """
    for value, what, example in ((fields, "字段", '["name", "phone"]'), (declared, "用途", '["订单配送"]')):
        if value is None or isinstance(value, str):
            raise CRMDataError(f"{what}应是一个列表，例如 {example}（只有一项也要写成列表）。")
    fields = list(dict.fromkeys(fields))
    declared = list(dict.fromkeys(declared))
    if not declared:
        raise CRMDataError("请先声明信息库的用途（至少一个），才能判断哪些字段是必要的。")
    unknown = [p for p in declared if p not in PURPOSES]
    if unknown:
        raise CRMDataError(f"未知的用途 {unknown}。可选的用途：{'、'.join(PURPOSES)}。")
    if not fields:
        raise CRMDataError("字段列表是空的：请列出打算收集的字段。")
    rows = []
    for f in fields:
        using = [p for p in declared if f in PURPOSES[p][0]]
        needed = bool(using)
        personal = f in PERSONAL
        sensitive = f in SENSITIVE
        if not needed:
            consent = "—"
            advice = "不收集：声明的用途都用不到它（最小必要原则）"
        elif sensitive:
            consent = "单独同意"
            advice = "保留，但须告知用途并取得单独同意，严格保护"
        elif personal and all(PURPOSES[p][1] == "合同" for p in using):
            consent = "无需另行同意"
            advice = "保留：履行合同所必需，只用于该用途"
        elif personal:
            consent = "同意"
            advice = "保留，须事先告知并取得客户同意"
        else:
            consent = "—"
            advice = "保留"
        rows.append(
            {
                "字段": f,
                "含义": COLUMN_LABELS.get(f, f),
                "用途": "、".join(using),
                "必要": needed,
                "个人信息": personal,
                "敏感": sensitive,
                "同意要求": consent,
                "建议": advice,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# feedback for the lesson's widgets
# --------------------------------------------------------------------------
TYPE_REASONS = {
    DESCRIPTIVE: "说明客户是谁、在哪里、怎么联系，是基本、较稳定的属性",
    BEHAVIOURAL: "记录客户做过什么（买了什么、什么时候、联系过什么），要随时记录",
    ASSOCIATIVE: "反映客户的态度和心理（为什么这样做），要靠调查才能获得",
}
#: fields the sorting widget asks about (same for every group's company)
SORT_FIELDS = ("phone", "category", "satisfaction", "age", "order_date", "loyalty", "type", "city", "bn_price",
               "amount")


def _short(t: str) -> str:
    return t.replace("信息", "")


def sort_feedback(answers: dict) -> pd.DataFrame:
    """Check a learner's sorting ``{column: chosen type}`` against :func:`info_type`.

    A chosen type may be the full name (描述类信息) or short (描述类); empty means "not
    sorted yet".  One row per field: 字段, 你的分类, 正确分类, 对错 (✓ / × / 未选), 说明.
    ``attrs``: ``n_right``, ``n_answered``, ``n``.
    """
    if not isinstance(answers, dict) or not answers:
        raise CRMDataError("请给出每个字段的分类，例如 {\"phone\": \"描述类\"}。")
    rows, right, answered = [], 0, 0
    for col, chosen in answers.items():
        correct = info_type(col)
        if correct not in INFO_TYPES:
            raise CRMDataError(f"字段“{col}”不在本课的信息分类表里，换一个字段试试。")
        pick = str(chosen or "").strip()
        pick = pick + "信息" if pick and not pick.endswith("信息") else pick
        if pick and pick not in INFO_TYPES:
            raise CRMDataError(f"“{chosen}”不是信息类型：只能选描述类、行为类或关联类。")
        ok = pick == correct
        right += ok
        answered += bool(pick)
        mark = "未选" if not pick else ("✓" if ok else "×")
        why = f"{COLUMN_LABELS.get(col, col)}{TYPE_REASONS[correct]}，所以是{_short(correct)}。"
        rows.append({"字段": COLUMN_LABELS.get(col, col), "你的分类": _short(pick) if pick else "—",
                     "正确分类": _short(correct), "对错": mark, "说明": why})
    out = pd.DataFrame(rows)
    out.attrs.update(n_right=right, n_answered=answered, n=len(rows))
    return out


#: fields offered in the data-minimisation widget
MINIMISE_FIELDS = ("name", "phone", "address", "email", "birth_date", "id_number", "income", "face_photo",
                   "consent_marketing", "satisfaction", "loyalty", "order_id", "category", "amount")


def minimisation_feedback(ticked: Iterable[str], purpose: str, offered: Iterable[str] = MINIMISE_FIELDS) -> pd.DataFrame:
    """Feedback on a learner's choice of fields for one purpose (最小必要).

    ``ticked``: the fields the learner would collect; ``offered``: the fields shown.
    One row per offered field: 字段, 你的选择, 应该, 对错, 说明.  ``attrs``:
    ``too_many`` (collected but not needed), ``too_few`` (needed but missing), ``verdict``.
    """
    if purpose not in PURPOSES:
        raise CRMDataError(f"未知的用途“{purpose}”。可选的用途：{'、'.join(PURPOSES)}。")
    if ticked is None or isinstance(ticked, str):
        raise CRMDataError("请给出打算收集的字段列表，例如 [\"name\", \"phone\"]（一个也不选就写 []）。")
    ticked, offered = set(ticked), list(dict.fromkeys(offered))
    unknown = sorted(ticked - set(offered))
    if unknown:
        raise CRMDataError(f"这些字段不在表单里：{'、'.join(unknown)}。")
    needed = set(PURPOSES[purpose][0])
    advice = minimise(offered, [purpose]).set_index("字段")["建议"]
    rows = []
    for f in offered:
        want, got = f in needed, f in ticked
        mark = "✓" if want == got else ("多收了" if got else "漏掉了")
        why = advice[f] if want or got else "不收集：这个用途用不到它"
        if want and not got:
            why = f"“{purpose}”离不开它：不收集，这件事就做不成"
        rows.append({"字段": COLUMN_LABELS.get(f, f), "你的选择": "收集" if got else "不收集",
                     "应该": "收集" if want else "不收集", "对错": mark, "说明": why})
    out = pd.DataFrame(rows)
    too_many = [r["字段"] for r in rows if r["对错"] == "多收了"]
    too_few = [r["字段"] for r in rows if r["对错"] == "漏掉了"]
    verdict = ("正好：只收集了这个用途需要的字段。" if not too_many and not too_few else
               "；".join(x for x in (f"多收了 {len(too_many)} 个（{'、'.join(too_many)}）" if too_many else "",
                                     f"漏掉了 {len(too_few)} 个（{'、'.join(too_few)}）" if too_few else "") if x) + "。")
    out.attrs.update(too_many=too_many, too_few=too_few, verdict=verdict)
    return out


# --------------------------------------------------------------------------
# Chinese headers for the information base's tables
# --------------------------------------------------------------------------
#: headers of the change log, retired values and audit log
LOG_LABELS = {
    "field": "字段", "changed_at": "修改时间", "old_value": "旧值", "new_value": "新值", "valid_from": "有效期起",
    "valid_to": "有效期止", "reason": "原因", "value": "旧信息", "at": "时间", "user": "查看人", "role": "角色",
    "action": "操作", "fields": "看到的完整字段", "n_rows": "行数", "customer_ids": "客户编号", "seq": "顺序号",
}


def chinese(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with Chinese column headers, and field names in ``field``/``fields`` written in Chinese.

    For showing tables of the information base (raw records, customers, change log,
    retired values, audit log) to learners; unknown columns keep their names.
    """
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError("chinese() 需要一张表（DataFrame）。")
    from crmlab.infobase.base import FIELD_LABELS

    labels = {**COLUMN_LABELS, **FIELD_LABELS, **LOG_LABELS}

    def names(v):
        if not isinstance(v, str):
            return v
        return "、".join(labels.get(f.strip(), f.strip()) for f in v.replace("、", ",").split(",") if f.strip())

    out = df.copy()
    for col in ("field", "fields"):
        if col in out.columns:
            out[col] = out[col].map(names)
    return out.rename(columns=labels)


# --------------------------------------------------------------------------
# what a customer information base holds
# --------------------------------------------------------------------------
INFOBASE_CONTENTS = pd.DataFrame(
    [
        ("原始信息", "第一手资料：客户的基本信息、交易记录", "raw_records、customers、orders"),
        ("统计分析信息", "第二手资料：分析或购买得到的态度评价、信用状况、经营状况", "survey_answers、companies"),
        ("企业投入记录", "企业为客户做了什么：谁在何时以何种方式联系、服务花了多少钱", "interactions、contacts"),
    ],
    columns=["内容", "包括什么", "课程信息库中的表"],
)


def infobase_contents(counts: pd.Series | None = None) -> pd.DataFrame:
    """:data:`INFOBASE_CONTENTS` with the number of rows of each part's tables.

    ``counts``: rows per table, e.g. ``InfoBase.counts()``; without it the table has no 记录数 column.
    """
    out = INFOBASE_CONTENTS.copy()
    if counts is None:
        return out
    if not isinstance(counts, pd.Series):
        raise CRMDataError("counts 应是每张表的记录数（信息库的 counts() 的结果）。")
    tables = out["课程信息库中的表"].str.split("、")
    out["记录数"] = [int(sum(int(counts.get(t, 0)) for t in ts)) for ts in tables]
    return out


__all__ = [
    "ASSOCIATIVE",
    "BEHAVIOURAL",
    "CHANNELS",
    "COLLECT_CHANNELS",
    "COLUMN_TYPES",
    "DESCRIPTIVE",
    "INFOBASE_CONTENTS",
    "INFO_TYPES",
    "LOG_LABELS",
    "METHODS",
    "MINIMISE_FIELDS",
    "PURPOSES",
    "SENSITIVE",
    "SORT_FIELDS",
    "TYPE_DESCRIPTIONS",
    "TYPE_REASONS",
    "chinese",
    "classify_columns",
    "info_type",
    "infobase_contents",
    "minimisation_feedback",
    "minimise",
    "purposes",
    "sort_feedback",
]
