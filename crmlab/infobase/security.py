"""Roles, field permissions and masking of personal data.

The roles model access control *for teaching*: they show which fields each kind of
work needs and what masking and an audit log look like.  They are not a security
boundary -- anyone who can open the file (or uses
:attr:`crmlab.infobase.InfoBase.connection`, the raw SQLite connection) reads every
value unmasked and unaudited.  Real systems enforce roles on a server the user
cannot bypass.

Each role sees only the fields its work needs (分级管理).  For every visible field
the role gets either the full value (``"full"``) or a masked value (``"mask"``);
fields not listed are hidden.  Reads of unmasked personal data are written to the
audit log by :meth:`crmlab.infobase.InfoBase.read_customers`.

=========  =========================================================================
role       what the work needs
=========  =========================================================================
销售        names, phone and e-mail to call on customers; ID masked; no finance
客服        name and phone masked (the service system dials for them); address full
财务        name and ID full (invoices, credit checks); phone masked; no e-mail
管理员      everything, unmasked (every such read is audited)
=========  =========================================================================
"""

from __future__ import annotations

import pandas as pd

from crmlab._errors import CRMDataError

#: personal fields whose unmasked reading is audited
PERSONAL_FIELDS = ("name", "phone", "email", "id_number", "address", "birth_date")

_BASE = {
    "customer_id": "full",
    "customer_type": "full",
    "region": "full",
    "city": "full",
    "status": "full",
}

ROLE_FIELDS: dict[str, dict[str, str]] = {
    "销售": {
        **_BASE,
        "name": "full",
        "gender": "full",
        "phone": "full",
        "email": "full",
        "id_number": "mask",
        "company": "full",
        "consent_marketing": "full",
        "source": "full",
        "channel": "full",
    },
    "客服": {
        **_BASE,
        "name": "mask",
        "gender": "full",
        "phone": "mask",
        "email": "mask",
        "id_number": "mask",
        "address": "full",
        "company": "full",
    },
    "财务": {
        **_BASE,
        "name": "full",
        "phone": "mask",
        "id_number": "full",
        "id_valid_to": "full",
        "address": "mask",
        "company": "full",
    },
    "管理员": None,  # everything, unmasked
}
ROLES = tuple(ROLE_FIELDS)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def mask_phone(value) -> str:
    """``13812345678`` -> ``138****5678``."""
    if _missing(value):
        return ""
    s = str(value)
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_name(value) -> str:
    """``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧***``: keep the first character."""
    if _missing(value):
        return ""
    s = str(value)
    return s[:1] + "*" * max(len(s) - 1, 1) if s else ""


def mask_id(value) -> str:
    """``110101199001011234`` -> ``110101********1234``: region and last four only."""
    if _missing(value):
        return ""
    s = str(value)
    if len(s) < 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_email(value) -> str:
    """``zhangsan@example.com`` -> ``z***@example.com``."""
    if _missing(value):
        return ""
    s = str(value)
    user, at, domain = s.partition("@")
    if not at:
        return mask_name(s)
    return (user[:1] + "***") + "@" + domain


def mask_address(value) -> str:
    """Keep the first six characters (province/city), hide the rest."""
    if _missing(value):
        return ""
    s = str(value)
    return s[:6] + "****" if len(s) > 6 else s[:2] + "****"


def mask_generic(value) -> str:
    if _missing(value):
        return ""
    return "****"


MASKERS = {
    "phone": mask_phone,
    "name": mask_name,
    "id_number": mask_id,
    "email": mask_email,
    "address": mask_address,
}


def check_role(role: str) -> None:
    """Roles come from the fixed list :data:`ROLES`; anything else is a Chinese error."""
    if not isinstance(role, str) or role not in ROLE_FIELDS:
        shown = role if isinstance(role, str) and len(role) <= 20 else f"{str(role)[:20]}…"
        raise CRMDataError(f"角色“{shown}”不存在。可用的角色只有：{'、'.join(ROLES)}。")


def check_user(user) -> str:
    """The user name written to the audit log: text, at most 50 characters, no control characters."""
    if not isinstance(user, str) or not user.strip():
        raise CRMDataError("请用文字写明查看者的名字（user=\"小王\"），它会记入审计日志。")
    clean = "".join(c for c in user.strip() if c.isprintable())
    return clean[:50]


def rule_for(role: str, field: str) -> str | None:
    """``"full"``, ``"mask"`` or None (hidden) for one field as ``role`` sees it."""
    rules = ROLE_FIELDS[role]
    return "full" if rules is None else rules.get(field)


#: columns holding personal data in tables other than ``customers``; ``extra`` (raw JSON) is hidden but for 管理员
_OTHER_PERSONAL = ("extra",)


def mask_columns(df: pd.DataFrame, role: str) -> tuple[pd.DataFrame, list[str]]:
    """Personal columns of any table as ``role`` may see them; other columns unchanged.

    Returns ``(view, unmasked_personal_fields)`` like :func:`apply_role`.
    """
    check_role(role)
    view, unmasked = df.copy(), []
    for c in df.columns:
        if c not in PERSONAL_FIELDS and c not in _OTHER_PERSONAL:
            continue
        rule = rule_for(role, c)
        if rule == "full":
            unmasked.append(c)
        elif rule == "mask":
            view[c] = view[c].map(MASKERS.get(c, mask_generic))
        else:
            view = view.drop(columns=c)
    return view, unmasked


#: what a role sees instead of a value it may not see
HIDDEN = "（无权查看）"


def mask_field_values(df: pd.DataFrame, role: str, value_columns: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """Change logs (column ``field`` names the field of each row): values masked per row by ``role``."""
    check_role(role)
    view, unmasked = df.copy(), set()
    if view.empty or "field" not in view.columns:
        return view, []
    for f in view["field"].dropna().unique().tolist():
        if f not in PERSONAL_FIELDS:
            continue
        rows = view["field"] == f
        rule = rule_for(role, f)
        for c in value_columns:
            if c not in view.columns:
                continue
            if rule == "full":
                unmasked.add(f)
            elif rule == "mask":
                view.loc[rows, c] = view.loc[rows, c].map(lambda v, f=f: None if _missing(v) else MASKERS.get(f, mask_generic)(v))
            else:
                view.loc[rows, c] = view.loc[rows, c].map(lambda v: None if _missing(v) else HIDDEN)
    return view, sorted(unmasked)


def apply_role(df: pd.DataFrame, role: str) -> tuple[pd.DataFrame, list[str]]:
    """Columns ``role`` may see, masked where required.

    Returns ``(view, unmasked_personal_fields)``; the second item lists the
    personal fields that the caller read in clear (for the audit log).
    """
    check_role(role)
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError("apply_role 需要一个 DataFrame（客户表）。")
    rules = ROLE_FIELDS[role]
    if rules is None:
        rules = dict.fromkeys(df.columns, "full")
    cols = [c for c in df.columns if c in rules]
    view = df[cols].copy()
    unmasked = []
    for c in cols:
        if rules[c] == "mask":
            view[c] = view[c].map(MASKERS.get(c, mask_generic))
        elif c in PERSONAL_FIELDS:
            unmasked.append(c)
    return view, unmasked


__all__ = [
    "HIDDEN",
    "MASKERS",
    "PERSONAL_FIELDS",
    "ROLES",
    "ROLE_FIELDS",
    "apply_role",
    "check_role",
    "check_user",
    "mask_address",
    "mask_columns",
    "mask_email",
    "mask_field_values",
    "mask_id",
    "mask_name",
    "mask_phone",
    "rule_for",
]
