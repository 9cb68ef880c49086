"""Screening quality on records from an independent generator (tests/domain/screening_generator.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from screening_generator import make_records

from crmlab import CRMDataError
from crmlab.infobase import InfoBase, evaluate_pairs, screening


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_precision_and_recall_on_independent_records(seed):
    records = make_records(seed)
    assert records["person_id"].nunique() > 800 and len(records) > 1500
    scores = evaluate_pairs(records)
    assert scores["precision"] >= 0.98, scores
    assert scores["recall"] >= 0.97, scores


def test_generator_really_varies_what_it_should():
    r = make_records(7)
    names = r["name"].dropna()
    assert names.str.contains("陳|劉|張|黃|趙|國|偉|華").any()  # traditional script
    assert set(r["gender"].dropna()) >= {"M", "F", "男性", "女士", "先生", "female"}
    assert r["phone"].dropna().str.startswith("+86").any() and r["id_number"].isna().any()
    assert (r.groupby("id_number")["person_id"].nunique() >= 30).any()  # the shared sample ID


def test_traditional_script_and_gender_spellings_merge():
    raw = pd.DataFrame({
        "record_id": ["a", "b", "c", "d"],
        "name": ["陳國強", "陈国强", "張偉明", "张伟明"],
        "gender": ["M", "男性", "先生", "male"],
        "phone": ["13800000001", "138 0000 0001", "13900000002", "+86 139 0000 0002"],
        "birth_date": ["1990-01-01", "1990/1/1", None, "1985年5月5日"],
        "city": ["北京市", "北京", "上海", "上海"],
    })
    c = screening.screen(raw).clusters
    assert c["a"] == c["b"] and c["c"] == c["d"] and c["a"] != c["c"]
    assert screening.normalize_genders(pd.Series(["M", "F", "男性", "女士", "先生", "Female", "保密", None])).tolist() == \
        ["男", "女", "男", "女", "男", "女", "", ""]
    assert screening.to_simplified(pd.Series(["陳國強", "abc", None])).tolist() == ["陈国强", "abc", ""]


def test_shared_id_with_different_names_and_birth_dates_is_not_one_person():
    sample = "11010519491231002X"
    raw = pd.DataFrame({
        "record_id": [f"r{i}" for i in range(6)],
        "name": ["李明", "赵丽华", "孙强", "周建国", "吴芳", "李明"],
        "id_number": [sample] * 6,
        "birth_date": ["1980-01-02", "1975-06-07", "1990-09-09", "1966-03-03", "2001-12-12", "1980/1/2"],
    })
    c = screening.screen(raw).clusters
    assert c.nunique() == 5 and c["r0"] == c["r5"]  # only the true repeat merges


def test_two_character_names_one_character_apart_need_more_than_a_city():
    raw = pd.DataFrame({
        "record_id": ["a", "b", "c", "d"],
        "name": ["王强", "王伟", "王伟", "王玮"],
        "birth_date": ["1990-01-01", "1990-01-01", "1985-05-05", "1985-05-05"],
        "city": ["北京", "北京", "上海", "上海"],
        "phone": ["13800000001", None, "13900000002", "13900000002"],
    })
    c = screening.screen(raw).clusters
    assert c["a"] != c["b"]  # 王强/王伟: same day, same city, nothing else
    assert c["c"] == c["d"]  # 王伟/王玮: phone and birth date agree


def test_evaluate_pairs_needs_the_answer_column():
    with pytest.raises(CRMDataError, match="答案列"):
        evaluate_pairs(pd.DataFrame({"record_id": ["a"], "name": ["甲"]}))


def test_infobase_screening_uses_the_same_rules():
    records = make_records(5, n_people=120, shared_id_people=10)
    base = InfoBase(":memory:", clock=lambda: "2026-01-01 09:00:00")
    base.import_records(records.drop(columns="person_id").rename(columns={"record_id": "record_id"}),
                        source="各部门", channel="内部记录", collected_at="2025-12-31")
    result = base.screen()
    raw = base.raw_records()
    truth = pd.DataFrame({"raw_id": raw["raw_id"], "person_id": records.set_index("record_id").loc[raw["record_id"], "person_id"].to_numpy()})
    scores = screening.pairwise_scores(result.clusters, truth, id_column="raw_id")
    assert scores["precision"] >= 0.98 and scores["recall"] >= 0.95
    base.close()
