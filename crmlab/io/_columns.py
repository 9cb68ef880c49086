"""Column aliases and the mapping of a file's column names to the canonical names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crmlab._errors import CRMDataError
from crmlab.io._common import _clean_name, _key, _names_text, _Table
from crmlab.labels import pick

_CUSTOMER_ID_ALIASES = (
    "customer_id", "客户编号", "客户ID", "客户号", "客户代码", "客户编码", "客户账号",
    "会员号", "会员编号", "会员ID", "会员卡号", "会员代码", "用户ID", "用户编号", "用户号",
    "顾客编号", "顾客ID", "顾客号", "买家会员名", "买家昵称", "买家账号", "买家ID", "下单账号", "下单帐号",
    "CustomerID", "Customer ID", "Customer No", "Cust ID", "Client ID", "Member ID", "User ID",
)


TRANSACTION_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": _CUSTOMER_ID_ALIASES,
    "order_id": (
        "order_id", "订单号", "订单编号", "订单ID", "订单代码", "单号", "单据号", "单据编号",
        "交易号", "交易编号", "交易单号", "流水号", "小票号", "发票号", "InvoiceNo",
        "Invoice", "Invoice No", "Invoice ID", "Order ID", "Order No", "Order Number",
        "Transaction ID",
    ),
    "order_date": (
        "order_date", "日期", "下单时间", "下单日期", "消费日期", "消费时间", "交易日期",
        "交易时间", "购买日期", "购买时间", "订单日期", "订单时间", "成交日期", "成交时间",
        "付款日期", "付款时间", "支付时间", "订单付款时间", "销售日期", "InvoiceDate", "Invoice Date", "date",
        "Order Date", "Purchase Date", "Transaction Date",
    ),
    "amount": (
        "amount", "金额", "消费金额", "实付金额", "订单金额", "销售额", "销售金额", "交易金额",
        "支付金额", "付款金额", "实收金额", "实付", "实付款", "买家实际支付金额", "总金额", "成交金额", "消费额", "合计",
        "sales", "revenue", "total", "Total Amount", "Order Amount",
    ),
    "quantity": ("quantity", "数量", "购买数量", "件数", "销量", "销售数量", "订购数量", "商品数量", "qty"),
    "unit_price": ("unit_price", "单价", "价格", "售价", "销售单价", "UnitPrice", "Unit Price", "price"),
    "category": ("category", "品类", "类别", "商品类别", "商品类型", "产品类别", "商品分类"),
    "product": ("product", "商品", "商品名称", "产品", "产品名称", "品名", "Description", "Product Name"),
    "channel": ("channel", "渠道", "销售渠道", "购买渠道", "下单渠道"),
}


"""Accepted column names for :func:`read_transactions` (canonical name first)."""


# Column names that only appear in one platform's export, next to other aliases of the
# same target (Taobao: 总金额 is before discounts, 买家实际支付金额 is what was paid):
# when one of several matching columns has such a name, it is taken without asking.
_PLATFORM_PREFERRED: dict[str, tuple[str, ...]] = {"amount": ("买家实际支付金额",)}

CUSTOMER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": _CUSTOMER_ID_ALIASES,
    "customer_type": ("customer_type", "客户类型", "客户类别", "Customer Type"),
    "name": (
        "name", "姓名", "名字", "客户姓名", "客户名称", "会员姓名", "顾客姓名", "用户姓名", "名称",
        "Customer Name", "Full Name",
    ),
    "gender": ("gender", "性别", "sex"),
    "birth_date": ("birth_date", "出生日期", "生日", "出生年月日", "Birthday", "Birth Date", "DOB", "Date of Birth"),
    "age": ("age", "年龄"),
    "city": ("city", "城市", "所在城市", "所在地"),
    "city_tier": ("city_tier", "城市等级", "城市级别", "城市线级"),
    "province": ("province", "省份", "省", "所在省份"),
    "region": ("region", "地区", "区域", "大区", "所属区域", "所在地区", "area"),
    "address": ("address", "地址", "详细地址", "联系地址", "通讯地址", "收货地址"),
    "acquisition_channel": ("acquisition_channel", "获客渠道", "来源渠道", "渠道", "注册渠道", "channel"),
    "source": ("source", "来源", "数据来源", "客户来源"),
    "signup_date": (
        "signup_date", "注册日期", "注册时间", "入会日期", "入会时间", "开户日期", "加入日期",
        "开卡日期", "Signup Date", "Register Date", "Registration Date", "Join Date",
    ),
    "phone": (
        "phone", "手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "移动电话", "联系方式",
        "mobile", "tel", "telephone", "Phone Number",
    ),
    "email": ("email", "邮箱", "电子邮箱", "电子邮件", "邮件", "E-mail", "mail"),
    "id_number": ("id_number", "身份证号", "身份证号码", "身份证", "证件号", "证件号码", "ID Card"),
    "consent_marketing": (
        "consent_marketing", "同意营销", "营销同意", "是否同意营销", "接受营销", "是否接受营销",
    ),
    "customer_role": ("customer_role", "客户角色", "Customer Role"),
    "targeted_date": ("targeted_date", "首次接触日期", "目标客户日期"),
    "company": ("company", "公司", "公司名称", "单位", "工作单位", "企业名称"),
}


"""Accepted column names for :func:`read_customers` (canonical name first)."""

_LABELS = pick((
    "customer_id", "order_id", "order_date", "amount", "quantity", "unit_price", "category", "product",
    "channel", "customer_type", "name", "gender", "birth_date", "age", "city", "city_tier", "province",
    "region", "address", "acquisition_channel", "source", "signup_date", "phone", "email", "id_number",
    "consent_marketing", "customer_role", "targeted_date", "company",
), "file")


def _all_alias_keys() -> frozenset[str]:
    return frozenset(_key(a) for al in (*TRANSACTION_ALIASES.values(), *CUSTOMER_ALIASES.values()) for a in al)


def _excel_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _map_columns(table: _Table, aliases: Mapping[str, tuple[str, ...]], columns: Mapping[str, str] | None) -> dict[str, int]:
    names = table.names
    keys = [_key(n) for n in names]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for user_name, target in (columns or {}).items():
        if target is None:
            continue
        uk = _key(_clean_name(user_name))
        hits = [i for i, (n, k) in enumerate(zip(names, keys)) if n == _clean_name(user_name) or k == uk]
        if not hits:
            raise CRMDataError(
                f"columns 参数中指定的列「{str(user_name)[:30]}」在{table.label}中不存在。"
                f"现有的列：{_names_text(names)}。请检查列名的写法。"
            )
        if len(hits) > 1:
            raise CRMDataError(
                f"{table.label}中有 {len(hits)} 列都叫「{user_name}」（第 {'、'.join(_excel_letter(i) for i in hits)} 列），"
                "无法确定用哪一列。请在 Excel 中给它们改成不同的列名。"
            )
        if target in mapping:
            raise CRMDataError(
                f"columns 参数把两列都指定成了「{target}」：「{names[mapping[target]]}」和「{user_name}」。每个目标只能对应一列。"
            )
        mapping[target] = hits[0]
        used.add(hits[0])
    lookup: dict[str, str] = {}
    for canon, al in aliases.items():
        for a in al:
            lookup.setdefault(_key(a), canon)
    candidates: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if i in used:
            continue
        canon = lookup.get(k)
        if canon is None or canon in mapping:
            continue
        candidates.setdefault(canon, []).append(i)
    for canon, hits in candidates.items():
        preferred = {_key(a) for a in _PLATFORM_PREFERRED.get(canon, ())}
        best = [i for i in hits if keys[i] in preferred]
        if len(hits) > 1 and len(best) == 1:
            hits = best
        if len(hits) > 1:
            cols = "、".join(f"「{names[i]}」" for i in hits)
            label = _LABELS.get(canon, canon)
            raise CRMDataError(
                f"{table.label}中有多列都可以当作{label}（{canon}）：{cols}。"
                f"请删掉多余的列，或用 columns={{\"{names[hits[0]]}\": \"{canon}\"}} 指定要用哪一列。"
            )
        mapping[canon] = hits[0]
    return mapping


def _missing_column_error(table: _Table, canon: str, aliases: Mapping[str, tuple[str, ...]], extra: str = "") -> CRMDataError:
    label = _LABELS.get(canon, canon)
    accepted = "、".join(aliases[canon])
    found = _names_text(table.names)
    return CRMDataError(
        f"{table.label}缺少必需的列：{label}（{canon}）。现有的列：{found}。"
        f"可以识别的列名有：{accepted}（不区分大小写和空格）。{extra}"
        f"如果{label}在别的列里，请改列名，或用 columns={{\"你的列名\": \"{canon}\"}} 指定。"
    )


_GUESS_WORDS = {
    "customer_id": ("交易对方", "对方", "买家", "昵称", "会员", "客户", "顾客", "用户", "付款人", "姓名", "customer"),
    "order_date": ("时间", "日期", "date", "time"),
}


def _guess_hint(table: _Table, canon: str) -> str:
    """Point at a column that probably holds ``canon`` (e.g. 交易对方 in a WeChat Pay bill)."""
    for word in _GUESS_WORDS.get(canon, ()):
        for nm in table.names:
            if word in nm.lower():
                label = _LABELS.get(canon, canon)
                why = "（微信/支付宝账单没有客户编号，通常用「交易对方」代表客户）" if "对方" in nm else ""
                return f"文件里的「{nm}」列也许可以当作{label}{why}：确认后用 columns={{\"{nm}\": \"{canon}\"}} 指定。"
    return ""


def _header_keys(aliases: Mapping[str, tuple[str, ...]], required: Iterable[str], columns: Mapping[str, str] | None) -> frozenset[str]:
    keys = {_key(a) for c in required for a in aliases[c]}
    keys |= {_key(_clean_name(k)) for k in (columns or {})}
    return frozenset(keys)
