"""One vocabulary (crmlab.labels): the lessons' label tables agree with it, and the rule holds.

The label tables that modules still keep are compared with :mod:`crmlab.labels` entry by entry.
A difference is allowed only when it is listed in ``PENDING`` (wording the committed notebooks
still show); a listed difference that has disappeared must be removed from the list, so the list
only shrinks.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

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


# ------------------------------------------------------------------ explanation tables

#: The domain's display tables: explanation tables (rules, strategies, steps, principles) and feedback on a
#: learner's answer, text to be read rather than numbers to compute with, built with Chinese headers on purpose
#: (ARCHITECTURE.md, "Language of result columns").  Named here so the exceptions are a closed list: a new table
#: with Chinese headers fails the test below until it is listed (or given English columns); one converted to
#: English columns must leave the list.
DISPLAY_TABLES = {
    "crmlab.customers.rule_table": "the classification rules with their numbers (判断规则)",
    "crmlab.lifecycle.stage_rules": "the life-cycle rules in words (阶段, 规则)",
    "crmlab.lifecycle.stage_confusion": "planted pattern x stage, 合计 and 识别率: a teaching check",
    "crmlab.lifecycle.stage_strategy": "features, goal and strategy per stage",
    "crmlab.lifecycle.retention_economics": "the worked tables of the 5x / 5% rules (costs, selling, referrals)",
    "crmlab.basket.rules_table": "display version of find_rules (English columns)",
    "crmlab.basket.recommend": "recommendations with their reason in words",
    "crmlab.info.TYPE_DESCRIPTIONS": "lesson 2: the three information types explained",
    "crmlab.info.classify_columns": "lesson 2: column -> 含义, 信息类型",
    "crmlab.info.CHANNELS": "lesson 2: collection channels",
    "crmlab.info.METHODS": "lesson 2: collection methods",
    "crmlab.info.purposes": "lesson 2: purposes and the fields they need",
    "crmlab.info.minimise": "lesson 2: advice per field (最小必要); exercises index 字段 and 必要",
    "crmlab.info.sort_feedback": "lesson 2: feedback on the learner's sorting",
    "crmlab.info.minimisation_feedback": "lesson 2: feedback on the learner's choice of fields",
    "crmlab.info.INFOBASE_CONTENTS": "lesson 2: what an information base holds",
    "crmlab.info.infobase_contents": "lesson 2: the same with row counts (记录数)",
    "crmlab.identify.PROCESS_STEPS": "lesson 2: the identification steps",
    "crmlab.identify.PRINCIPLES": "lesson 2: the identification principles",
    "crmlab.identify.identification_flow": "lesson 2: the steps with this company's results, the masked prospect list",
}

_DOMAIN = ("customers", "value", "lifecycle", "segment", "credit", "analysis", "basket", "info", "identify", "festival")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_CJK.search(node.value))


def _dict_keys(node) -> set[str]:
    return {k.value for k in node.keys if k is not None and _cjk(k)} if isinstance(node, ast.Dict) else set()


def _headers(scope) -> set[str]:
    """Chinese column names a piece of code gives a table: DataFrame(columns=[...]), DataFrame({...}),
    DataFrame([{...}]), rows.append({...}), .assign(名=...) and frame["名"] = ...."""
    found: set[str] = set()
    for node in ast.walk(scope):
        func = getattr(node, "func", None)
        name = getattr(func, "attr", getattr(func, "id", None))
        if isinstance(node, ast.Call) and name == "DataFrame":
            for kw in node.keywords:
                if kw.arg == "columns" and isinstance(kw.value, (ast.List, ast.Tuple)):
                    found |= {e.value for e in kw.value.elts if _cjk(e)}
            for arg in node.args[:1]:
                found |= set().union(*(_dict_keys(d) for d in ast.walk(arg)))
        elif isinstance(node, ast.Call) and name == "append" and node.args:
            found |= _dict_keys(node.args[0])
        elif isinstance(node, ast.Call) and name == "assign":
            found |= {kw.arg for kw in node.keywords if kw.arg and _CJK.search(kw.arg)}
        elif isinstance(node, ast.Assign):
            found |= {t.slice.value for t in node.targets if isinstance(t, ast.Subscript) and _cjk(t.slice)}
    return found


def _public_owners(name: str, uses: dict[str, set[str]], seen: frozenset = frozenset()) -> set[str]:
    """The public functions of a module that call the private ``name``, directly or through private helpers."""
    owners = set()
    for caller, names in uses.items():
        if name in names and caller not in seen:
            owners |= {caller} if not caller.startswith("_") else _public_owners(caller, uses, seen | {name})
    return owners


def _tables_with_chinese_headers() -> dict[str, set[str]]:
    """``module.function`` or ``module.CONSTANT`` of the domain -> the Chinese headers it builds (a private
    helper's headers count for the public functions that call it)."""
    root = Path(__file__).resolve().parents[2]
    out: dict[str, set[str]] = {}
    for name in _DOMAIN:
        path = root / "crmlab" / name
        files = [path.with_suffix(".py")] if path.with_suffix(".py").exists() else sorted(path.glob("*.py"))
        for file in files:
            module = ".".join(file.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            body = ast.parse(file.read_text(encoding="utf-8")).body
            uses = {f.name: {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}
                    for f in body if isinstance(f, ast.FunctionDef)}
            for node in body:
                target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
                where = node.name if isinstance(node, ast.FunctionDef) else (
                    getattr(target, "id", None) if isinstance(node, (ast.Assign, ast.AnnAssign)) else None)
                if not where or not (headers := _headers(node)):
                    continue
                for owner in _public_owners(where, uses) if where.startswith("_") else {where}:
                    out.setdefault(f"{module}.{owner}", set()).update(headers)
    return out


def test_only_the_named_display_tables_have_chinese_headers():
    """Domain results use English columns; the explanation tables of DISPLAY_TABLES are the named exceptions."""
    found = _tables_with_chinese_headers()
    assert set(found) == set(DISPLAY_TABLES), {
        "Chinese headers in a table not listed": {k: sorted(v) for k, v in found.items() if k not in DISPLAY_TABLES},
        "listed but has no Chinese headers any more": sorted(set(DISPLAY_TABLES) - set(found)),
    }


def test_the_header_finder_finds_them():
    source = ("def f():\n    pd.DataFrame({'列': [1]}).assign(新列=2)\n"
              "def g(rows):\n    rows.append({'字段': 1})\n    t = pd.DataFrame(rows, columns=['说明'])\n    t['合计'] = 0\n"
              "def h():\n    return pd.DataFrame({'amount': [1]}).rename(columns={'amount': '金额'})\n")
    tree = ast.parse(source)
    assert [sorted(_headers(f)) for f in tree.body] == [["列", "新列"], ["合计", "字段", "说明"], []]


def test_display_tables_show_chinese_headers():
    from crmlab import info, lifecycle

    assert list(lifecycle.stage_rules().columns) == ["阶段", "规则"]
    assert list(lifecycle.stage_strategy().columns) == ["特征", "企业目标", "主要策略"]
    assert list(info.purposes().columns) == ["用途", "需要的字段", "依据"]
    assert {"字段", "含义", "必要", "建议"} <= set(info.minimise(["name"], ["订单配送"]).columns)
