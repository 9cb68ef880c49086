"""The customer information base (客户信息库), SQLite behind :class:`InfoBase`.

Sub-modules:

* :mod:`crmlab.infobase.schema` -- tables, each row with source, channel and time;
* :mod:`crmlab.infobase.codes` -- customer codes and validation (mobile, e-mail, ID);
* :mod:`crmlab.infobase.screening` -- merging scattered records (record linkage);
* :mod:`crmlab.infobase.security` -- roles and masking.
"""

from crmlab.infobase.base import COURSE_TODAY, STATUSES, ImportResult, InfoBase, estimate_id_valid_to
from crmlab.infobase.codes import (
    accuracy_report,
    check_customer_code,
    id_check_digit,
    make_customer_code,
    validate_email,
    validate_id_number,
    validate_mobile,
)
from crmlab.infobase.screening import evaluate_pairs, pairwise_scores, screen
from crmlab.infobase.security import ROLES, mask_id, mask_name, mask_phone

__all__ = [
    "COURSE_TODAY",
    "ROLES",
    "STATUSES",
    "ImportResult",
    "InfoBase",
    "accuracy_report",
    "check_customer_code",
    "estimate_id_valid_to",
    "evaluate_pairs",
    "id_check_digit",
    "make_customer_code",
    "mask_id",
    "mask_name",
    "mask_phone",
    "pairwise_scores",
    "screen",
    "validate_email",
    "validate_id_number",
    "validate_mobile",
]
