"""Customer identification (客户识别): the process and the principles, worked on the course data.

The identification process has five steps (定义 → 收集 → 整合 → 更新 → 保护):

1. **define** what information is needed (for finding prospects: who, how to reach
   them, where, for which organisation, from which source);
2. **collect** it through internal and external channels (the departments' records and
   a purchased list: ``raw_records``);
3. **integrate** the scattered records into one record per person (screening,
   :func:`crmlab.infobase.screening.screen`) and match them against the customer base:
   whoever is not yet a customer is a *prospect* (潜在客户);
4. **update**: information older than ``fresh_days`` or a phone that cannot be reached
   must be checked before anyone acts on it;
5. **protect**: lists shown to people are masked (name, phone).

:func:`identification_flow` runs the five steps and ranks the prospects by the
principles for identifying potential customers (识别潜在客户的原则, :data:`PRINCIPLES`):
not every prospect is worth the same effort (摒弃平均客户的观点); prefer contacts that
can be reached and whose information is fresh; be careful with names that come only
from a purchased list (知道何时需要谨慎); an organisation's contact may bring repeat
business (考虑合作的财务前景).

Screening decisions for one pair of records (:func:`explain_pair`) and instructive
pairs from a company's own records (:func:`screening_examples`) serve the lesson's
"merge or not?" widget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.course import COURSE_DATE
from crmlab.labels import pick

#: the five steps of the identification process, with the question each answers
PROCESS_STEPS = pd.DataFrame(
    [
        ("1 定义客户信息", "需要掌握哪些信息？", "按需收集：找潜在客户要知道姓名、怎么联系、在哪个城市、哪家单位、信息从哪来"),
        ("2 收集客户信息", "从哪里得到这些信息？", "内部渠道（各部门的记录）和外部渠道（购买的名单）"),
        ("3 整合、管理客户信息", "怎样把零散的记录管起来？", "筛选合并成“一人一条”，再和现有客户对照"),
        ("4 更新客户信息", "客户的信息变了吗？", "太旧的信息、打不通的电话要先核实"),
        ("5 保护客户信息", "有没有泄露、有没有侵犯隐私？", "名单给人看时脱敏，只用于声明的用途"),
    ],
    columns=["步骤", "回答的问题", "在本课数据上怎么做"],
)

#: principles for identifying potential customers, and the check that applies each here
PRINCIPLES = pd.DataFrame(
    [
        ("摒弃“平均客户”的观点", "不是每个潜在客户都值得同样投入：分出优先级"),
        ("寻找关注未来、愿意长期合作的客户", "有单位的联系人可能带来持续的企业订单"),
        ("认真考虑合作的财务前景", "企业客户的订单大、可能赊销：先看单位再投入"),
        ("知道何时需要谨慎", "只出现在外购名单里的人，先核实来源是否合法、信息是否真实"),
        ("评估要能落到行动上", "联系不上、信息太旧的先暂缓，更新后再联系"),
    ],
    columns=["原则", "在本课数据上的做法"],
)

PRIORITY_ORDER = ("A 优先", "B 一般", "C 暂缓")


@dataclass
class IdentificationResult:
    """Outcome of :func:`identification_flow`.

    ``steps``: one row per step with the company's numbers; ``prospects``: one row per
    prospect, masked, with the checks and the priority; ``summary``: prospects per priority.
    """

    steps: pd.DataFrame
    prospects: pd.DataFrame
    summary: pd.Series
    n_records: int
    n_people: int
    n_known: int

    @property
    def priority_text(self) -> str:
        """``"潜在客户 176 人：A 优先 64 人、B 一般 66 人、C 暂缓 46 人"``."""
        parts = "、".join(f"{k} {int(v)} 人" for k, v in self.summary.items())
        return f"潜在客户 {len(self.prospects)} 人：{parts}"


def _known_customers(merged: pd.DataFrame, customers: pd.DataFrame) -> np.ndarray:
    """Whether each merged person matches an existing customer by phone, ID number or e-mail."""
    from crmlab.infobase import codes

    need = [c for c in ("phone", "id_number", "email") if c not in customers.columns]
    if need:
        raise CRMDataError(f"客户表缺少列 {'、'.join(need)}：要用手机号、身份证号或邮箱判断一个人是不是已有客户。")
    phones = set(codes.normalize_phone_series(customers["phone"]).dropna().astype(str))
    ids = set(customers["id_number"].dropna().astype(str).str.strip().str.upper())
    emails = set(customers["email"].dropna().astype(str).str.strip().str.lower())
    return (merged["phone"].isin(phones) | merged["id_number"].isin(ids) | merged["email"].isin(emails)).to_numpy()


def _sources(merged: pd.DataFrame, raw: pd.DataFrame) -> list[str]:
    src = raw.set_index("record_id")["source"].astype(str)
    return ["、".join(sorted({src.get(m, "") for m in members} - {""})) for members in merged["members"]]


def _prospect_checks(p: pd.DataFrame, today: pd.Timestamp, fresh_days: int) -> pd.DataFrame:
    reach = p["phone"].notna()
    fresh = (today - pd.to_datetime(p["collected_at"])).dt.days <= fresh_days
    bought = p["来源"].map(lambda s: all(x == "外购名单" for x in s.split("、") if x))
    org = p["company"].notna()
    ok = reach & fresh
    prio = np.where(ok & org, PRIORITY_ORDER[0], np.where(ok, PRIORITY_ORDER[1], PRIORITY_ORDER[2]))
    why = [
        ("手机号无效，联系不上" if not r else f"信息超过 {fresh_days // 365} 年没有更新，先核实") if p0 == PRIORITY_ORDER[2]
        else ("单位联系人，可能带来持续的企业订单" if p0 == PRIORITY_ORDER[0] else "个人，信息新、能联系")
        for p0, r in zip(prio, reach)
    ]
    caution = np.where(bought, "只在外购名单里：联系前先核实来源合法、信息真实", "")
    return pd.DataFrame({"能联系": reach.to_numpy(), "信息新": fresh.to_numpy(), "有单位": org.to_numpy(),
                         "优先级": prio, "理由": why, "注意": caution}, index=p.index)


def _masked_prospects(p: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    from crmlab.infobase import security

    out = pd.DataFrame({
        "姓名": p["name"].map(security.mask_name), "手机号": p["phone"].map(security.mask_phone),
        "城市": p["city"].fillna("—"), "单位": p["company"].fillna("—"), "记录条数": p["n_records"].astype(int),
        "最近收集": pd.to_datetime(p["collected_at"]).dt.strftime("%Y-%m-%d"), "来源": p["来源"],
    }).join(checks.replace({True: "是", False: "否"}))
    rank = {k: i for i, k in enumerate(PRIORITY_ORDER)}
    out = out.assign(_r=out["优先级"].map(rank)).sort_values(["_r", "最近收集"], ascending=[True, False], kind="stable")
    return out.drop(columns="_r").reset_index(drop=True)


def _steps_table(n_raw: int, n_bought: int, n_people: int, n_known: int, checks: pd.DataFrame) -> pd.DataFrame:
    stale = int((~checks["信息新"]).sum())
    unreachable = int((~checks["能联系"]).sum())
    results = [
        "5 项：姓名、手机号、城市、单位、来源",
        f"{n_raw:,} 条零散记录，其中外购名单 {n_bought:,} 条",
        f"合并成 {n_people:,} 人：{n_known:,} 人已是本公司客户，{len(checks):,} 人是潜在客户",
        f"{stale:,} 人的信息太旧、{unreachable:,} 人手机号无效，要先核实",
        "名单只显示打了星号的姓名和手机号",
    ]
    return PROCESS_STEPS[["步骤", "回答的问题"]].assign(本公司的结果=results)


def identification_flow(raw: pd.DataFrame, customers: pd.DataFrame, today=COURSE_DATE,
                        fresh_days: int = 730) -> IdentificationResult:
    """Run the five identification steps on the raw records and rank the prospects.

    ``raw``: the scattered records (``crmlab.datasets.load("raw_records")``);
    ``customers``: the customer base; ``fresh_days``: information older than this needs
    checking.  Prospects are the merged people who match no customer.
    """
    from crmlab.infobase import screening

    if not isinstance(raw, pd.DataFrame) or raw.empty:
        raise CRMDataError("需要各部门的零散记录（raw_records），请用 crmlab.datasets.load(\"raw_records\") 读取。")
    if not isinstance(customers, pd.DataFrame):
        raise CRMDataError("需要客户表 customers，请用 crmlab.datasets.load(\"customers\") 读取。")
    missing = [c for c in ("record_id", "source", "collected_at") if c not in raw.columns]
    if missing:
        raise CRMDataError(f"零散记录缺少列 {'、'.join(missing)}：每条记录都要有编号、来源和收集时间。")
    if isinstance(fresh_days, bool) or not isinstance(fresh_days, (int, np.integer)) or fresh_days <= 0:
        raise CRMDataError(f"fresh_days 是“多少天以内的信息算新”，应是正整数（例如 730），不是 {fresh_days!r}。")
    today = pd.Timestamp(today)
    merged = screening.screen(raw).merged
    known = _known_customers(merged, customers)
    p = merged.loc[~known].copy()
    p["来源"] = _sources(p, raw)
    checks = _prospect_checks(p, today, int(fresh_days))
    prospects = _masked_prospects(p, checks)
    summary = prospects["优先级"].value_counts().reindex(list(PRIORITY_ORDER), fill_value=0).rename("人数")
    n_bought = int((raw["source"] == "外购名单").sum())
    steps = _steps_table(len(raw), n_bought, len(merged), int(known.sum()), checks)
    return IdentificationResult(steps, prospects, summary, len(raw), len(merged), int(known.sum()))


# ----------------------------------------------------------------------------- screening decisions

_PAIR_FIELDS = ("name", "gender", "birth_date", "phone", "email", "id_number", "address", "city", "company")
_SHOW = {**pick((
    "name", "gender", "birth_date", "phone", "email", "id_number", "address", "city", "source",
    "collected_at",
)),  # labels from crmlab.labels; below, the wording this lesson still shows
    "source": "来源",
}


@dataclass
class PairDecision:
    """The screening rules' decision on one pair of records, and why."""

    merge: bool
    rule: str
    reason: str


def _name_kind(a: str, b: str) -> tuple[str, str]:
    """("close" | "typo2" | "differ" | "", a note): how two normalised names compare."""
    if not a or not b:
        return "", "有一条记录没有姓名"
    if a == b:
        return "close", "姓名相同"
    if sorted(a) == sorted(b):
        return "close", f"姓名“{a}”和“{b}”只是字的顺序颠倒"
    one_sub = len(a) == len(b) >= 2 and sum(x != y for x, y in zip(a[:6], b[:6])) == 1
    if one_sub and len(a) >= 3:
        return "close", f"姓名“{a}”和“{b}”只差一个字（可能是错别字）"
    if one_sub and len(a) == 2 and a[0] == b[0]:
        return "typo2", f"两个字的姓名“{a}”和“{b}”只差一个字"
    return "differ", f"姓名“{a}”和“{b}”差别太大"


def _field_eq(na: pd.Series, nb: pd.Series, f: str) -> tuple[bool, bool]:
    both = na[f] != "" and nb[f] != ""
    return both and na[f] == nb[f], both and na[f] != nb[f]


def _vetoes(eq: dict, kind: str) -> PairDecision | None:
    if eq["id_number"][1]:
        return PairDecision(False, "不合并：身份证号不同", "两条记录都有有效的身份证号，而且不一样：一定是两个人。")
    if eq["id_number"][0] and kind == "differ" and eq["birth_date"][1]:
        return PairDecision(False, "不合并：身份证号相同，但姓名和生日都不同",
                            "姓名和出生日期都对不上，相同的身份证号多半是照抄了表格上的示例号码。")
    if not eq["id_number"][0] and (eq["birth_date"][1] or eq["gender"][1]):
        what = "出生日期" if eq["birth_date"][1] else "性别"
        return PairDecision(False, f"不合并：{what}不同", f"{what}不一样，就算姓名、电话相近，也不能当成同一个人。")
    return None


def _decide(na: pd.Series, nb: pd.Series) -> PairDecision:
    """The screening rules in words (same rules as :func:`crmlab.infobase.screening.compare_pairs`)."""
    eq = {f: _field_eq(na, nb, f) for f in ("id_number", "phone", "email", "birth_date", "gender", "city", "address")}
    kind, note = _name_kind(na["name"], nb["name"])
    veto = _vetoes(eq, kind)
    if veto is not None:
        return veto
    if eq["id_number"][0]:
        return PairDecision(True, "合并：身份证号相同", "身份证号一人一号，相同就是同一个人（格式不同不要紧）。")
    strong = [w for f, w in (("phone", "手机号"), ("email", "邮箱")) if eq[f][0]]
    second = eq["birth_date"][0] or eq["address"][0] or len(strong) >= 2
    if strong and (kind == "close" or (kind == "typo2" and second)):
        extra = "，生日或地址也相同" if kind == "typo2" else ""
        return PairDecision(True, "合并：强标识相同且姓名相近", f"{'和'.join(strong)}相同，{note}{extra}。")
    if kind == "close" and eq["birth_date"][0] and eq["city"][0]:
        return PairDecision(True, "合并：姓名相近、生日和城市相同", f"{note}，出生日期和城市也都一样。")
    same_name = kind == "close" and sorted(na["name"]) == sorted(nb["name"])
    if same_name and eq["birth_date"][0]:
        return PairDecision(True, "合并：姓名和生日都相同", f"{note}，出生日期也一样。")
    if na["name"] == nb["name"] and eq["address"][0]:
        return PairDecision(True, "合并：姓名和地址都相同", "姓名一样，地址（去掉空格和标点后）也一样。")
    if kind == "typo2":
        return PairDecision(False, "不合并：两个字的姓名只差一个字，证据不够",
                            f"{note}：像“王强”和“王伟”，常常是两个人；要有电话、邮箱或身份证号相同，"
                            "再加上生日或地址相同，才合并。")
    if strong:
        return PairDecision(False, "不合并：电话或邮箱相同，但姓名差别大",
                            f"{'和'.join(strong)}相同，但{note}：可能是家人共用一个号码。")
    return PairDecision(False, "不合并：没有足够的相同信息", "没有一条合并规则成立：相同的信息太少，不能断定是同一个人。")


def _normalised(a, b) -> pd.DataFrame:
    from crmlab.infobase import screening

    rows = []
    for rec in (a, b):
        if isinstance(rec, pd.Series):
            rec = rec.to_dict()
        if not isinstance(rec, dict):
            raise CRMDataError("请给出两条记录（每条是一行表格或一个字典，含姓名、电话等字段）。")
        rows.append({f: rec.get(f) for f in _PAIR_FIELDS})
    return screening.normalize_frame(pd.DataFrame(rows))


def explain_pair(a, b) -> PairDecision:
    """Should two records be merged?  The screening rules' decision with the reason in Chinese.

    ``a``/``b``: records as dicts or rows (name, gender, birth_date, phone, email, id_number,
    address, city).  The decision is the one :func:`crmlab.infobase.screening.compare_pairs`
    takes; the reason names the rule that decided.
    """
    from crmlab.infobase import screening

    norm = _normalised(a, b)
    decided = bool(screening.compare_pairs(norm, np.array([[0, 1]]))[0])
    words = _decide(norm.iloc[0], norm.iloc[1])
    if words.merge != decided:  # the rules changed: never give a reason that contradicts the decision
        return PairDecision(decided, "合并" if decided else "不合并", "按筛选规则判断。")
    return words


def _candidate_decisions(raw: pd.DataFrame) -> pd.DataFrame:
    from crmlab.infobase import screening

    norm = screening.normalize_frame(raw.reset_index(drop=True))
    pairs = screening.candidate_pairs(screening.blocking_keys(norm))
    rows = [pd.Series(r) for r in norm.to_dict("records")]
    rules = [_decide(rows[i], rows[j]).rule for i, j in pairs]
    return pd.DataFrame({"i": pairs[:, 0], "j": pairs[:, 1], "rule": rules})


def screening_examples(raw: pd.DataFrame, n: int = 6) -> list[tuple[str, str]]:
    """Up to ``n`` pairs of record ids from ``raw``, each decided by a different rule.

    Only pairs that share a blocking key (the pairs screening really compares) are used;
    the first pair (by record order) of each rule is taken, merging and non-merging rules
    alternating, so the widget shows every kind of decision from the company's own records.
    """
    if not isinstance(raw, pd.DataFrame) or "record_id" not in raw.columns or len(raw) < 2:
        raise CRMDataError("需要至少两条带编号（record_id）的零散记录，才能挑出要判断的记录对。")
    d = _candidate_decisions(raw)
    ids = raw["record_id"].to_numpy()
    firsts = d.drop_duplicates("rule")
    merge = firsts[firsts["rule"].str.startswith("合并")]
    keep = firsts[~firsts["rule"].str.startswith("合并")]
    out = []
    for k in range(max(len(merge), len(keep))):
        for part in (merge, keep):
            if k < len(part):
                out.append((str(ids[part["i"].iloc[k]]), str(ids[part["j"].iloc[k]])))
    return out[: int(n)]


def pair_table(raw: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """The two records of ``pair`` side by side (fields as rows, Chinese labels)."""
    sub = raw.set_index("record_id")
    missing = [r for r in pair if r not in sub.index]
    if missing:
        raise CRMDataError(f"找不到记录 {'、'.join(map(str, missing))}。")
    cols = [c for c in _SHOW if c in sub.columns]
    t = sub.loc[list(pair), cols].copy()
    if "collected_at" in t.columns:
        t["collected_at"] = pd.to_datetime(t["collected_at"], errors="coerce").dt.strftime("%Y-%m-%d")
    t = t.T.rename(index=_SHOW)
    t.columns = [f"记录 {r}" for r in pair]
    return t.fillna("（空）").astype(str)


__all__ = [
    "PRINCIPLES",
    "PRIORITY_ORDER",
    "PROCESS_STEPS",
    "IdentificationResult",
    "PairDecision",
    "explain_pair",
    "identification_flow",
    "pair_table",
    "screening_examples",
]
