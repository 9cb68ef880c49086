"""crmlab.display: the one relabel / number-format / Styler mechanics every lesson's ``styled`` uses."""

from __future__ import annotations

import pandas as pd

import crmlab.analysis as an
import crmlab.credit as cr
import crmlab.customers as cu
import crmlab.segment as seg
from crmlab import display

NAMES = {"amount": "金额", "region": "地区", "month": "月份", "kind": "类别"}


def test_relabel_renames_columns_axis_names_index_levels_and_series_names():
    frame = pd.DataFrame({"amount": [1.0, 2.0], "other": [3, 4]},
                         index=pd.MultiIndex.from_tuples([("华东", 1), ("华南", 2)], names=["region", "month"]))
    frame.columns.name = "kind"
    out = display.relabel(frame, NAMES)
    assert list(out.columns) == ["金额", "other"]
    assert out.columns.name == "类别"
    assert list(out.index.names) == ["地区", "月份"]
    assert list(frame.columns) == ["amount", "other"], "the input is not changed"
    series = display.relabel(pd.Series([1.0], name="amount", index=pd.Index(["a"], name="region")), NAMES)
    assert series.name == "金额" and series.index.name == "地区"


def test_number_formats_follow_the_column_kinds_in_order():
    frame = pd.DataFrame({"share": [0.5], "amount": [1234.5], "score": [0.1234], "flag": [True], "n": [3],
                          "x": [1.25], "text": ["a"]})
    formats = display.number_formats(frame, money={"amount"}, percent={"share"}, fixed={"score": "{:.3f}"},
                                     booleans="yes-no")
    assert formats == {"share": "{:.1%}", "amount": "{:,.0f}", "score": "{:.3f}", "flag": "yes-no",
                       "n": "{:,}", "x": "{:,.1f}"}
    assert "n" not in display.number_formats(frame, integers=None)


def test_style_formats_and_returns_a_plain_table_when_labels_repeat():
    table = pd.DataFrame({"金额": [1234.5], "说明": ["文字"]})
    html = display.style(table, {"金额": "{:,.0f}"}).to_html()
    assert "1,234" in html and "text-align: left" in html
    twice = pd.DataFrame([[1, 2]], columns=["金额", "金额"])
    assert display.style(twice, {}) is twice


def test_every_lesson_relabels_through_the_one_mechanics():
    for relabel, names in ((cu.label_columns, cu.LABELS), (seg.label_columns, seg.COLUMN_LABELS),
                           (an.relabel, an.LABELS), (cr.relabel, {c: cr.header(c) for c in ("receivable", "customer_id")})):
        column = next(iter(names))
        frame = pd.DataFrame({column: [1.0], "customer_id": ["C1"]}).set_index("customer_id")
        assert relabel(frame).columns[0] == names[column] != column
        pd.testing.assert_frame_equal(relabel(frame), display.relabel(frame, names))
