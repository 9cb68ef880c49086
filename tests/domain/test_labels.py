"""One vocabulary (crmlab.labels): the lessons' label tables agree with it, and the rule holds.

The label tables that modules still keep are compared with :mod:`crmlab.labels` entry by entry.
A difference is allowed only when it is listed in ``PENDING`` (wording the committed notebooks
still show); a listed difference that has disappeared must be removed from the list, so the list
only shrinks.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from crmlab import labels

#: (module, table, vocabulary context) of every label table kept in a module
TABLES = [
    ("crmlab.value", "LABELS", ("bgnbd", "value")),
    ("crmlab.analysis", "LABELS", "analysis"),
    ("crmlab.credit", "GERMAN_CREDIT_LABELS", None),
    ("crmlab.credit", "ITEM_NAMES", None),  # bin labels per feature: checked separately below
    ("crmlab.infobase.base", "FIELD_LABELS", "infobase"),
    ("crmlab.infobase.codes", "FIELD_LABELS", "infobase"),
    ("crmlab.lifecycle", "LABELS", None),
    ("crmlab.basket", "COLUMNS_CN", None),
    ("crmlab.segment", "COLUMN_LABELS", "segment"),
    ("crmlab.segment", "FEATURE_LABELS", ("cluster", "segment")),
    ("crmlab.segment", "SURVEY_LABELS", "survey"),
    ("crmlab.customers", "LABELS", "customers"),
    ("crmlab.info", "COLUMN_LABELS", "info"),
    ("crmlab.widgets.budget", "OUTCOME_LABELS", "budget"),
    ("crmlab.widgets.segment", "PLAN_LABELS", "plan"),
]

#: wording that still differs from the vocabulary: (module.table, column) -> the module's label
PENDING: dict = {}  # every module label now comes from crmlab.labels


def _label(column: str, contexts):
    """The vocabulary's label of ``column`` in the first of ``contexts`` that names it."""
    contexts = contexts if isinstance(contexts, tuple) else (contexts,)
    for context in contexts:
        if context is not None and column in labels.CONTEXTS[context]:
            return labels.label(column, context)
    return labels.label(column)


def _table(module: str, name: str) -> dict:
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("module, name, context", [t for t in TABLES if t[1] != "GERMAN_CREDIT_LABELS"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_module_tables_agree_with_the_vocabulary(module, name, context):
    where = f"{module}.{name}"
    differ = {}
    contexts = context if isinstance(context, tuple) else (context,)
    for column, text in _table(module, name).items():
        assert column in labels.COLUMNS or any(column in labels.CONTEXTS.get(c or "", {}) for c in contexts), \
            f"{where}: {column!r} has no entry in crmlab.labels"
        if _label(column, context) != text:
            differ[(where, column)] = text
    pending = {k: v for k, v in PENDING.items() if k[0] == where}
    assert differ == pending, "a new difference from crmlab.labels, or a PENDING entry that is resolved"


def test_german_credit_bins_have_chinese_names():
    bins = _table("crmlab.credit", "GERMAN_CREDIT_LABELS")
    assert bins and all(isinstance(v, dict) and v for v in bins.values())


def test_contexts_only_say_what_differs():
    for context, table in labels.CONTEXTS.items():
        same = [c for c, text in table.items() if labels.COLUMNS.get(c) == text]
        assert not same, f"context {context!r} repeats the course-wide label of {same}"


def test_label_pick_unit_and_relabel():
    assert labels.label("monetary") == "消费金额（元）"
    assert labels.label("recency") == "最近购买间隔（天）" and labels.unit("recency") == "天"
    assert labels.label("recency", "bgnbd") == "最近购买时点(周)" and labels.unit("recency", "bgnbd") == "周"
    assert labels.label("not_a_column") == "not_a_column" and labels.label(3) == 3
    assert labels.pick(["R", "F"]) == {"R": "R 分", "F": "F 分"}
    with pytest.raises(KeyError, match="unknown label context"):
        labels.label("recency", "no-such-context")
    frame = pd.DataFrame({"monetary": [1.5], "other": [2]}, index=pd.Index(["C1"], name="customer_id"))
    shown = labels.relabel(frame, extra={"other": "别的"})
    assert list(shown.columns) == ["消费金额（元）", "别的"] and shown.index.name == "客户编号"
    assert shown.iloc[0, 0] == 1.5 and list(frame.columns) == ["monetary", "other"]  # numbers and input unchanged


def test_names_users_rely_on_are_not_relabelled():
    from crmlab import credit, segment

    assert credit.BUCKETS == ("未到期", "逾期1-30天", "逾期31-60天", "逾期61-90天", "逾期91-180天", "逾期180天以上")
    for name in (*credit.BUCKETS, *segment.STRATEGIES, "姓名"):
        assert labels.label(name) == name
    assert list(labels.LESSON_TITLES) == ["lesson1", "lesson2", "lesson3", "lesson4"]


def test_export_and_the_plan_widget_take_their_labels_from_the_vocabulary():
    from crmlab import export
    from crmlab.widgets.segment import PLAN_LABELS

    assert labels.pick(["goal", "offer", "channel", "budget"], "plan") == PLAN_LABELS
    assert export.column_labels() == labels.labels(export.DEFAULT_CONTEXT)
    assert export.column_labels(None)["amount"] == labels.COLUMNS["amount"]
