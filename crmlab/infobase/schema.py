"""SQLite schema of the customer information base.

Every data table carries its provenance: ``source`` (who supplied it: 销售部,
客服部, 购买名单 ...), ``collect_channel`` (how: 当面交谈, 电话询问, 邮寄调查,
问卷调查, 内部记录, 直接购买 ...) and ``collected_at`` (when it was collected).

``raw_records`` keeps the records exactly as received; triggers forbid any
UPDATE or DELETE on it, so the original data stays complete and unchanged.
Cleaned customers link back to the raw records they came from through
``customer_raw_links``.
"""

from __future__ import annotations

PROVENANCE = ("source", "collect_channel", "collected_at")

#: columns of the raw-record table that come from the data (all stored as text)
RAW_FIELDS = (
    "record_id",
    "name",
    "gender",
    "phone",
    "email",
    "id_number",
    "address",
    "city",
    "company",
    "birth_date",
)

CUSTOMER_FIELDS = (
    "customer_id",
    "code",
    "customer_type",
    "name",
    "gender",
    "birth_date",
    "phone",
    "email",
    "id_number",
    "id_valid_to",
    "address",
    "city",
    "region",
    "company",
    "status",
    "consent_marketing",
)
#: fields of a customer that may be changed with ``update_customer`` (all but its identity)
UPDATABLE = tuple(f for f in CUSTOMER_FIELDS if f not in ("customer_id", "code", "customer_type"))

#: data tables that ``import_table`` fills: table -> data columns (provenance added)
DATA_TABLES: dict[str, tuple[str, ...]] = {
    "orders": (
        "order_id",
        "customer_id",
        "order_date",
        "category",
        "quantity",
        "amount",
        "cost",
        "gross_profit",
        "payment_method",
        "channel",
        "occasion",
    ),
    "interactions": (
        "interaction_id",
        "customer_id",
        "date",
        "type",
        "channel",
        "service_cost",
        "resolved",
    ),
    "survey_answers": ("customer_id", "survey_date", "item", "value"),
    "companies": (
        "customer_id",
        "company_name",
        "industry",
        "years_in_business",
        "annual_revenue",
        "credit_limit",
    ),
    "contacts": ("customer_id", "name", "title", "phone", "email"),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS import_batches (
    batch_id        INTEGER PRIMARY KEY,
    target          TEXT NOT NULL,
    source          TEXT NOT NULL,
    collect_channel TEXT NOT NULL,
    collected_at    TEXT,
    imported_at     TEXT NOT NULL,
    n_rows          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_records (
    raw_id          INTEGER PRIMARY KEY,
    batch_id        INTEGER NOT NULL REFERENCES import_batches(batch_id),
    record_id       TEXT,
    name            TEXT,
    gender          TEXT,
    phone           TEXT,
    email           TEXT,
    id_number       TEXT,
    address         TEXT,
    city            TEXT,
    company         TEXT,
    birth_date      TEXT,
    extra           TEXT,
    source          TEXT NOT NULL,
    collect_channel TEXT NOT NULL,
    collected_at    TEXT NOT NULL,
    phone_ok        INTEGER,
    email_ok        INTEGER,
    id_number_ok    INTEGER
);
CREATE TRIGGER IF NOT EXISTS raw_records_no_update BEFORE UPDATE ON raw_records
BEGIN SELECT RAISE(ABORT, '原始记录不可修改：raw_records 只能追加'); END;
CREATE TRIGGER IF NOT EXISTS raw_records_no_delete BEFORE DELETE ON raw_records
BEGIN SELECT RAISE(ABORT, '原始记录不可删除：raw_records 只能追加'); END;

CREATE TABLE IF NOT EXISTS customers (
    seq               INTEGER PRIMARY KEY,
    customer_id       TEXT NOT NULL UNIQUE,
    -- the code is built from seq by codes.make_customer_codes, so it is unique because seq is
    code              TEXT NOT NULL,
    customer_type     TEXT NOT NULL CHECK (customer_type IN ('个人', '企业')),
    name              TEXT NOT NULL,
    gender            TEXT,
    birth_date        TEXT,
    phone             TEXT,
    email             TEXT,
    id_number         TEXT,
    id_valid_to       TEXT,
    address           TEXT,
    city              TEXT,
    region            TEXT,
    company           TEXT,
    status            TEXT NOT NULL DEFAULT '潜在' CHECK (status IN ('潜在', '现实', '流失')),
    consent_marketing INTEGER NOT NULL DEFAULT 0,
    source            TEXT NOT NULL,
    collect_channel   TEXT NOT NULL,
    collected_at      TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customer_raw_links (
    customer_id TEXT NOT NULL REFERENCES customers(customer_id),
    raw_id      INTEGER NOT NULL REFERENCES raw_records(raw_id),
    PRIMARY KEY (customer_id, raw_id)
);
CREATE TABLE IF NOT EXISTS changes (
    change_id   INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(customer_id),
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    source      TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS retired_values (
    retired_id  INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(customer_id),
    field       TEXT NOT NULL,
    value       TEXT,
    source      TEXT,
    valid_from  TEXT,
    valid_to    TEXT NOT NULL,
    reason      TEXT
);
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id     INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    user         TEXT NOT NULL,
    role         TEXT NOT NULL,
    action       TEXT NOT NULL,
    fields       TEXT,
    n_rows       INTEGER,
    customer_ids TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志不可修改：audit_log 只能追加'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志不可删除：audit_log 只能追加'); END;
CREATE TABLE IF NOT EXISTS orders (
    order_id        TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL,
    order_date      TEXT,
    category        TEXT,
    quantity        REAL,
    amount          REAL,
    cost            REAL,
    gross_profit    REAL,
    payment_method  TEXT,
    channel         TEXT,
    occasion        TEXT,
    source          TEXT NOT NULL,
    collect_channel TEXT NOT NULL,
    collected_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS interactions (
    interaction_id  TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL,
    date            TEXT,
    type            TEXT,
    channel         TEXT,
    service_cost    REAL,
    resolved        INTEGER,
    source          TEXT NOT NULL,
    collect_channel TEXT NOT NULL,
    collected_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS survey_answers (
    answer_id       INTEGER PRIMARY KEY,
    customer_id     TEXT NOT NULL,
    survey_date     TEXT,
    item            TEXT NOT NULL,
    value           REAL,
    source          TEXT NOT NULL,
    collect_channel TEXT NOT NULL,
    collected_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS companies (
    customer_id       TEXT PRIMARY KEY,
    company_name      TEXT,
    industry          TEXT,
    years_in_business REAL,
    annual_revenue    REAL,
    credit_limit      REAL,
    source            TEXT NOT NULL,
    collect_channel   TEXT NOT NULL,
    collected_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
    contact_id      INTEGER PRIMARY KEY,
    customer_id     TEXT NOT NULL,
    name            TEXT,
    title           TEXT,
    phone           TEXT,
    email           TEXT,
    source          TEXT NOT NULL,
    collect_channel TEXT NOT NULL,
    collected_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_orders_customer ON orders(customer_id);
CREATE INDEX IF NOT EXISTS ix_inter_customer ON interactions(customer_id);
CREATE INDEX IF NOT EXISTS ix_changes_customer ON changes(customer_id);
CREATE INDEX IF NOT EXISTS ix_links_raw ON customer_raw_links(raw_id);
"""

TABLES = (
    "import_batches",
    "raw_records",
    "customers",
    "customer_raw_links",
    "changes",
    "retired_values",
    "audit_log",
    *DATA_TABLES,
)

__all__ = [
    "CUSTOMER_FIELDS",
    "DATA_TABLES",
    "PROVENANCE",
    "RAW_FIELDS",
    "SCHEMA",
    "TABLES",
    "UPDATABLE",
]
