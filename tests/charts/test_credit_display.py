"""Display helpers of lesson 4: money with separators, shares as percent, Chinese bin labels."""

import pandas as pd

import crmlab.credit as cc


def test_styled_formats_money_and_shares_without_changing_numbers():
    df = pd.DataFrame({"customers": [26, 102], "customer_share": [0.01, 0.04], "amount": [3134320.79, 4821023.87],
                       "WOE": [0.81372, -0.3991]}, index=["VIP客户", "主要客户"])
    before = df.copy()
    html = cc.styled(df).to_html()
    assert "3,134,321" in html and "3134320.79" not in html
    assert "金额（元）" in html
    assert "1.0%" in html and "4.0%" in html
    assert "0.814" in html
    pd.testing.assert_frame_equal(df, before)


def test_styled_policy_table_keeps_header_and_given_columns():
    df = pd.DataFrame({"current_policy": [1000000.0, 30.0]}, index=["销售额", "平均收账期（天）"])
    html = cc.styled(df, yuan_in_header=False).to_html()
    assert "1,000,000" in html and "现行政策（元）" not in html and "现行政策" in html
    html = cc.styled(pd.DataFrame({"x": [0.25]}), percent=["x"]).to_html()
    assert "25.0%" in html


def test_german_bin_labels_cover_every_category_of_the_data():
    import crmlab

    german = crmlab.datasets.load("german_credit")
    for feature, table in cc.GERMAN_CREDIT_LABELS.items():
        values = set(german[feature].astype(str).unique())
        assert values <= set(table), (feature, values - set(table))
        for v in values:
            assert cc.german_bin_label(feature, v) != v or v in ("其他",)
    assert cc.german_bin_label("duration_in_month", "(-∞, 12]") == "12 个月及以下"
    assert cc.german_bin_label("duration_in_month", "(24, ∞]") == "24 个月以上"
    assert "12" in cc.german_bin_label("duration_in_month", "(12, 24]")
    assert cc.german_bin_label("purpose", "其他") == "其他"


def test_every_lesson4_result_column_is_english_with_a_chinese_header():
    """The rule of crmlab.labels: English result columns; the ageing buckets and 合计 are the named exception."""
    import crmlab

    data = {k: crmlab.datasets.load(k) for k in ("orders", "invoices", "accounts")}
    ag = cc.aging(data["invoices"], "2026-01-01")
    policy = cc.credit_policy(sales=1_000_000, margin=0.2, sales_increase=0.15, current_days=30, new_days=60)
    base = cc.segment_baseline(data["orders"], data["invoices"], "2026-01-01")
    results = [
        cc.pyramid(data["orders"]).tiers, cc.payment_profile(data["orders"], data["invoices"]),
        cc.payment_segments(data["orders"], data["invoices"]), base, cc.segment_terms(base, {}).table,
        policy.table, policy.curve, cc.score_5c(data["accounts"]), cc.credit_limit(data["accounts"]),
        cc.over_limit(data["accounts"], data["invoices"], "2026-01-01"), cc.aging_summary(ag), cc.provision(ag),
        cc.collection_priority(data["invoices"], "2026-01-01", data["accounts"]), cc.credit_hold(data["accounts"], ag),
        cc.ks_table([0, 1, 0, 1], [1, 2, 3, 4]), cc.dso_trend(data["invoices"], "2025-01-01", "2025-06-30").to_frame(),
    ]
    fixed = {*cc.BUCKETS, cc.TOTAL}
    for frame in results:
        for name in [*frame.columns, *frame.index.names]:
            if name is None or name in fixed:
                continue
            assert name.isascii(), f"Chinese result column {name!r}"
            assert cc.header(name) != name or name in ("WOE",), f"{name!r} has no Chinese header"
    shown = cc.relabel(policy.table)
    assert list(shown.columns) == ["现行政策", "新政策", "变化"] and shown.index.name == "项目"
    assert policy.table.columns[0] == "current_policy"  # relabel returns a copy


def test_styled_shows_booleans_and_english_headers_in_chinese():
    df = pd.DataFrame({"customer_id": ["C1", "C2"], "over_limit": [True, False], "current_limit": [1000.0, 2500.5]})
    html = cc.styled(df).to_html()
    assert "是否超额度" in html and "客户编号" in html and "信用额度（元）" in html
    assert ">是<" in html and ">否<" in html and "True" not in html
    assert "2,500" in html or "2,501" in html
