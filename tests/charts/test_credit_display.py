"""Display helpers of lesson 4: money with separators, shares as percent, Chinese bin labels."""

import pandas as pd

import crmlab.credit as cc


def test_styled_formats_money_and_shares_without_changing_numbers():
    df = pd.DataFrame({"客户数": [26, 102], "客户占比": [0.01, 0.04], "金额": [3134320.79, 4821023.87],
                       "WOE": [0.81372, -0.3991]}, index=["VIP客户", "主要客户"])
    before = df.copy()
    html = cc.styled(df).to_html()
    assert "3,134,321" in html and "3134320.79" not in html
    assert "金额（元）" in html
    assert "1.0%" in html and "4.0%" in html
    assert "0.814" in html
    pd.testing.assert_frame_equal(df, before)


def test_styled_policy_table_keeps_header_and_given_columns():
    df = pd.DataFrame({"现行政策": [1000000.0, 30.0]}, index=["销售额", "平均收账期（天）"])
    html = cc.styled(df, yuan_in_header=False).to_html()
    assert "1,000,000" in html and "现行政策（元）" not in html
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


def test_styled_shows_booleans_and_english_headers_in_chinese():
    df = pd.DataFrame({"customer_id": ["C1", "C2"], "over_limit": [True, False], "信用额度": [1000.0, 2500.5]})
    html = cc.styled(df).to_html()
    assert "是否超额度" in html and "客户编号" in html and "信用额度（元）" in html
    assert ">是<" in html and ">否<" in html and "True" not in html
    assert "2,500" in html or "2,501" in html
