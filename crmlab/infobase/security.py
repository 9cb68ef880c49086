"""Roles, field permissions and masking of personal data.

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
    if not isinstance(role, str) or role not in ROLE_FIELDS:
        raise CRMDataError(f"角色“{role}”不存在。可用的角色：{'、'.join(ROLES)}。")


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
    "MASKERS",
    "PERSONAL_FIELDS",
    "ROLES",
    "ROLE_FIELDS",
    "apply_role",
    "check_role",
    "mask_address",
    "mask_email",
    "mask_id",
    "mask_name",
    "mask_phone",
]
