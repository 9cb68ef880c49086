"""Who is a customer: roles, states, and the other classifications of lesson 1 (识别客户).

* :data:`ROLE_SCENARIOS` and :func:`check_role_answer` -- customer (客户) vs
  consumer (消费者) vs user (用户): a small scenario quiz with Chinese feedback.
* :func:`customer_states` -- the state of every customer at a chosen date
  (非客户 / 潜在客户 / 目标客户 / 现实客户-初次购买 / 现实客户-重复购买 /
  现实客户-忠诚 / 流失客户), derived from the data with rules that are plain
  keyword parameters; :func:`state_transitions` counts the moves between two dates.
* :func:`classify_end_intermediate` -- end customers vs intermediate customers.
* :func:`classify_attitude` -- lighthouse / follower / rational / profit-seeking
  customers from the survey (novelty seeking x price sensitivity).
* :func:`classify_by_profit` -- key / ordinary / small customers by gross profit.

All functions take pandas frames with the course schema (see ``data/README.md``)
and return new frames; nothing is printed and no input is modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmlab._checks import int_param as _int_param
from crmlab._checks import parse_dates as _dates
from crmlab._checks import to_numbers as _numbers
from crmlab._checks import to_timestamp
from crmlab._errors import CRMDataError
from crmlab._tiers import tier_bounds


def _date(value: Any, name: str) -> pd.Timestamp:
    return to_timestamp(value, name, normalize=True)

__all__ = [
    "ATTITUDE_RULES",
    "ATTITUDE_TYPES",
    "LABELS",
    "PROFIT_TIERS",
    "REAL_STATES",
    "ROLES",
    "ROLE_OPTIONS",
    "ROLE_SCENARIOS",
    "STATES",
    "STATE_RULES",
    "RoleFeedback",
    "attitude_summary",
    "check_role_answer",
    "classify_attitude",
    "classify_by_profit",
    "classify_end_intermediate",
    "customer_states",
    "end_intermediate_summary",
    "label_columns",
    "profit_tier_summary",
    "state_counts",
    "state_transitions",
]

LABELS: dict[str, str] = {
    "state": "客户状态",
    "n_orders": "订单数",
    "first_order": "首次购买日期",
    "last_order": "最近购买日期",
    "days_since_last": "距最近购买天数",
    "tenure_days": "关系时长（天）",
    "customers": "客户数",
    "share": "占比",
    "role": "客户角色",
    "customer_type": "客户类型",
    "buyers": "购买过的客户数",
    "amount": "销售额（元）",
    "amount_share": "销售额占比",
    "avg_order_amount": "平均每单金额（元）",
    "orders": "订单数",
    "attitude": "购买心理类型",
    "novelty_seeking": "求新程度",
    "price_sensitivity": "价格敏感度",
    "gross_profit": "毛利（元）",
    "profit_share": "毛利占比",
    "cum_customer_share": "累计客户占比",
    "cum_profit_share": "累计毛利占比",
    "profit_rank": "毛利排名",
    "tier": "客户级别",
    "avg_profit": "人均毛利（元）",
    "promo_share": "促销期购买占比",
    "from": "开始时的状态",
    "to": "结束时的状态",
    "stage": "阶段",
}


def label_columns(df: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with Chinese column and index names (for display only)."""
    labels = LABELS if labels is None else labels
    out = df.rename(columns=lambda c: labels.get(c, c) if isinstance(c, str) else c)
    out = out.rename_axis(index=labels.get(out.index.name, out.index.name))
    if out.columns.name:
        out = out.rename_axis(columns=labels.get(out.columns.name, out.columns.name))
    return out


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _frame(df: Any, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"{what}应该是一张表（pandas DataFrame），现在收到的是 {type(df).__name__}。")
    return df


def _columns(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"{what}缺少列：{'、'.join(missing)}。请用 crmlab.datasets.load(...) 读取的原始表，或检查列名拼写。"
        )


# ---------------------------------------------------------------------------
# 1. customer vs consumer vs user
# ---------------------------------------------------------------------------

ROLE_OPTIONS: tuple[str, ...] = ("客户", "消费者", "用户")

#: Scenario quiz.  ``answer`` is the most precise role; ``partly`` maps other
#: options that are not wrong but less precise to a Chinese explanation.
ROLE_SCENARIOS: list[dict[str, Any]] = [
    {
        "id": "car_company",
        "text": "A 公司出钱买了一辆汽车，给公司总经理上下班使用。",
        "question": "对汽车公司来说，A 公司是它的——",
        "answer": "客户",
        "explain": "A 公司为汽车付了钱，是付费的一方，所以是客户；它是组织，并不亲自“使用、消费”这辆车。",
        "partly": {},
    },
    {
        "id": "car_manager",
        "text": "A 公司出钱买了一辆汽车，给公司总经理上下班使用。",
        "question": "对汽车公司来说，总经理是它的——",
        "answer": "用户",
        "explain": "总经理天天开这辆车，但车不是他付的钱：使用而不付费的人是用户，不是客户。",
        "partly": {},
    },
    {
        "id": "free_app",
        "text": "大学生小林每天用一款免费的聊天软件和同学联系，从没为它花过钱。",
        "question": "对软件公司来说，小林是它的——",
        "answer": "用户",
        "explain": "只要在使用产品，不管付不付费都算用户；小林没有付费，所以还不是客户。",
        "partly": {},
    },
    {
        "id": "milk_self",
        "text": "小王下班后在超市买了一盒牛奶，当晚自己喝掉了。",
        "question": "对超市来说，小王最准确的身份是——",
        "answer": "消费者",
        "explain": "个人为了自己生活消费而购买并使用商品，就是消费者；消费者是客户中的一种（个人、最终使用）。",
        "partly": {
            "客户": "小王确实是客户（他付了钱），但还有更准确的说法：他是个人、为自己消费而买，所以是消费者。",
            "用户": "小王确实在使用牛奶，但他也付了钱、为自己消费：更准确的身份是消费者。",
        },
    },
    {
        "id": "distributor",
        "text": "某饮料厂把一批饮料批发给经销商老赵，老赵再把饮料卖给各个小超市。",
        "question": "对饮料厂来说，老赵是它的——",
        "answer": "客户",
        "explain": "老赵付钱进货，是饮料厂的客户（中间客户）；他买来是为了转卖，自己并不消费，所以不是消费者。",
        "partly": {},
    },
    {
        "id": "baby_formula",
        "text": "一对父母给一岁的孩子买了奶粉，每天冲给孩子喝。",
        "question": "对奶粉企业来说，这个孩子是它的——",
        "answer": "用户",
        "explain": "孩子喝奶粉（使用者），但付钱、做购买决定的是父母：孩子是用户，父母才是客户。",
        "partly": {
            "消费者": "孩子确实在“消费”奶粉，但他没有付钱、也不做购买决定；课上的说法里付费的父母才是客户，孩子是用户。",
        },
    },
    {
        "id": "school_uniform",
        "text": "一所学校统一向服装厂订购校服，学生穿着上课。",
        "question": "对服装厂来说，学校是它的——",
        "answer": "客户",
        "explain": "学校出钱订购，是付费的组织，所以是客户；穿校服的学生才是用户。",
        "partly": {},
    },
]

_SCENARIO_BY_ID = {s["id"]: s for s in ROLE_SCENARIOS}


@dataclass(frozen=True)
class RoleFeedback:
    """Result of :func:`check_role_answer`: ``correct`` and a Chinese ``message``."""

    scenario_id: str
    answer: str
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.correct


def check_role_answer(scenario_id: str, answer: str) -> RoleFeedback:
    """Check one answer of the customer / consumer / user quiz.

    Returns a :class:`RoleFeedback`; ``correct`` is True only for the most
    precise role.  Answers that are true but less precise get a specific message.
    """
    if scenario_id not in _SCENARIO_BY_ID:
        raise CRMDataError(
            f"没有编号为 {scenario_id!r} 的情景。可用的编号：{'、'.join(_SCENARIO_BY_ID)}。"
        )
    s = _SCENARIO_BY_ID[scenario_id]
    given = "" if answer is None else str(answer).strip()
    if given == "":
        return RoleFeedback(scenario_id, given, False, "还没有选择答案。")
    if given not in ROLE_OPTIONS:
        return RoleFeedback(
            scenario_id, given, False, f"“{given}”不是选项，请在{'、'.join(ROLE_OPTIONS)}中选一个。"
        )
    if given == s["answer"]:
        return RoleFeedback(scenario_id, given, True, "✓ 正确。" + s["explain"])
    if given in s["partly"]:
        return RoleFeedback(scenario_id, given, False, "△ 不算错，但不够准确。" + s["partly"][given])
    return RoleFeedback(scenario_id, given, False, f"× 不对，应该是“{s['answer']}”。" + s["explain"])


# ---------------------------------------------------------------------------
# 2. customer states at a date
# ---------------------------------------------------------------------------

STATES: tuple[str, ...] = (
    "非客户",
    "潜在客户",
    "目标客户",
    "现实客户-初次购买",
    "现实客户-重复购买",
    "现实客户-忠诚",
    "流失客户",
)
REAL_STATES: tuple[str, ...] = STATES[3:6]

#: The rules of :func:`customer_states`, in Chinese, in the order they are applied.
STATE_RULES: list[tuple[str, str]] = [
    ("非客户", "分析日期之前还没有登记进客户名单（登记日期不早于分析日期）。"),
    ("潜在客户", "已登记，但在分析日期之前从未购买，销售部也还没有把他列为目标。"),
    ("目标客户", "已登记、从未购买，但销售部在分析日期之前已把他列为跟进目标（targeted_date）。"),
    ("流失客户", "买过，但最近一次购买距分析日期已超过 churn_days 天（正好等于 churn_days 天的还不算流失）。"),
    ("现实客户-初次购买", "买过且没有流失，到分析日期为止只买过 1 次。"),
    ("现实客户-忠诚", "没有流失，订单数 ≥ loyal_min_orders，且从第一次购买到分析日期已满 loyal_min_tenure_days 天。"),
    ("现实客户-重复购买", "其余买过 2 次及以上、没有流失的客户。"),
]


def _prepare_orders(orders: pd.DataFrame, what: str = "订单表") -> pd.DataFrame:
    orders = _frame(orders, what)
    _columns(orders, ["customer_id", "order_date"], what)
    out = orders.copy()
    out["customer_id"] = out["customer_id"].astype(str)
    out["order_date"] = _dates(out["order_date"], f"{what}的 order_date 列")
    for col in _MONEY_COLUMNS:
        if col in out.columns:
            out[col] = _numbers(out[col], f"{what}的 {col} 列")
    return out


#: Numeric columns of the orders table that are checked when present.
_MONEY_COLUMNS: tuple[str, ...] = ("amount", "cost", "gross_profit", "quantity")


def customer_states(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    asof: Any = "2026-01-01",
    *,
    churn_days: int = 180,
    loyal_min_orders: int = 5,
    loyal_min_tenure_days: int = 365,
) -> pd.DataFrame:
    """The state of every customer on the morning of ``asof``.

    Only what happened *before* ``asof`` counts (orders with ``order_date < asof``,
    customers with ``signup_date < asof``).  Rules, applied in this order
    (see :data:`STATE_RULES`):

    1. 非客户: not yet in the customer base (``signup_date >= asof``);
    2. 潜在客户 / 目标客户: registered, never bought; 目标客户 when
       ``targeted_date < asof``;
    3. 流失客户: bought, but the last purchase is *more than* ``churn_days``
       days before ``asof``;
    4. 现实客户-初次购买: exactly one order;
    5. 现实客户-忠诚: at least ``loyal_min_orders`` orders and first purchase
       at least ``loyal_min_tenure_days`` days before ``asof``;
    6. 现实客户-重复购买: the other active repeat buyers.

    Returns one row per customer (index ``customer_id``, order of ``customers``)
    with ``state`` (ordered categorical over :data:`STATES`), ``n_orders``,
    ``first_order``, ``last_order``, ``days_since_last`` and ``tenure_days``
    (days from the first purchase to ``asof``).  Orders of customer ids that are
    not in ``customers`` are ignored; their number is in ``attrs["unknown_ids"]``.
    """
    customers = _frame(customers, "客户表")
    _columns(customers, ["customer_id", "signup_date"], "客户表")
    orders = _prepare_orders(orders)
    asof = _date(asof, "分析日期 asof")
    churn_days = _int_param(churn_days, "churn_days（多少天没买算流失）", minimum=1)
    loyal_min_orders = _int_param(loyal_min_orders, "loyal_min_orders（忠诚客户至少的订单数）", minimum=2)
    loyal_min_tenure_days = _int_param(loyal_min_tenure_days, "loyal_min_tenure_days（忠诚客户至少的关系天数）", minimum=0)

    ids, signup, targeted = _customer_dates(customers)
    out, unknown = _purchase_history(orders, ids, asof)
    registered = (signup < asof).to_numpy() | (out["n_orders"] > 0).to_numpy()
    is_target = (targeted < asof).fillna(False).to_numpy() if len(targeted) else np.zeros(0, bool)
    state = _assign_states(out, registered, is_target, churn_days, loyal_min_orders, loyal_min_tenure_days)
    out.insert(0, "state", pd.Categorical(state, categories=list(STATES), ordered=True))
    out.attrs.update(
        asof=asof,
        churn_days=churn_days,
        loyal_min_orders=loyal_min_orders,
        loyal_min_tenure_days=loyal_min_tenure_days,
        unknown_ids=unknown,
    )
    return out


def _customer_dates(customers: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Customer ids (checked unique), signup dates and targeted dates (NaT when absent)."""
    ids = customers["customer_id"].astype(str)
    if ids.duplicated().any():
        dup = ", ".join(ids[ids.duplicated()].unique()[:5])
        raise CRMDataError(f"客户表里有重复的客户编号：{dup}。请先去掉重复行（drop_duplicates）。")
    signup = _dates(customers["signup_date"], "客户表的 signup_date 列")
    if "targeted_date" in customers.columns:
        targeted = _dates(customers["targeted_date"], "客户表的 targeted_date 列")
    else:
        targeted = pd.Series(pd.NaT, index=customers.index, dtype="datetime64[ns]")
    return ids, signup, targeted


def _purchase_history(orders: pd.DataFrame, ids: pd.Series, asof: pd.Timestamp) -> tuple[pd.DataFrame, int]:
    """Per customer id in ``ids``: orders before ``asof``, first/last order, recency and tenure in days.

    Also returns how many ordering customer ids are not in ``ids``.
    """
    past = orders[orders["order_date"] < asof]
    agg = past.groupby("customer_id")["order_date"].agg(["size", "min", "max"])
    known = agg.index.isin(ids.to_numpy())
    unknown = int((~known).sum())
    agg = agg[known]

    out = pd.DataFrame(index=pd.Index(ids.to_numpy(), name="customer_id"))
    out["n_orders"] = agg["size"].reindex(out.index).fillna(0).astype(int)
    out["first_order"] = agg["min"].reindex(out.index)
    out["last_order"] = agg["max"].reindex(out.index)
    out["days_since_last"] = (asof - out["last_order"]).dt.days
    out["tenure_days"] = (asof - out["first_order"]).dt.days
    return out, unknown


def _assign_states(
    history: pd.DataFrame,
    registered: np.ndarray,
    is_target: np.ndarray,
    churn_days: int,
    loyal_min_orders: int,
    loyal_min_tenure_days: int,
) -> np.ndarray:
    """The state names of :data:`STATE_RULES`, applied in order to a purchase history."""
    n = history["n_orders"].to_numpy()
    since = history["days_since_last"].to_numpy(dtype=float)
    tenure = history["tenure_days"].to_numpy(dtype=float)
    return np.select(
        [
            ~registered,
            (n == 0) & ~is_target,
            n == 0,
            since > churn_days,
            n == 1,
            (n >= loyal_min_orders) & (tenure >= loyal_min_tenure_days),
        ],
        [STATES[0], STATES[1], STATES[2], STATES[6], STATES[3], STATES[5]],
        default=STATES[4],
    )


def state_counts(states: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """Customers per state (all :data:`STATES`, zeros included) and their share."""
    if isinstance(states, pd.DataFrame):
        _columns(states, ["state"], "客户状态表")
        s = states["state"]
    elif isinstance(states, pd.Series):
        s = states
    else:
        raise CRMDataError(
            f"客户状态应该是 customer_states(...) 返回的表，现在收到的是 {type(states).__name__}。"
        )
    if len(s) == 0:
        raise CRMDataError("没有客户可以统计。请先用 customer_states(...) 得到每位客户的状态。")
    counts = pd.Series(pd.Categorical(s, categories=list(STATES))).value_counts().reindex(list(STATES), fill_value=0)
    out = pd.DataFrame({"customers": counts.astype(int)})
    out["share"] = out["customers"] / out["customers"].sum()
    out.index.name = "state"
    out.attrs.update(getattr(states, "attrs", {}))
    return out


def state_transitions(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    start: Any,
    end: Any,
    **rules: Any,
) -> pd.DataFrame:
    """How many customers moved from each state at ``start`` to each state at ``end``.

    ``rules`` are passed to :func:`customer_states` (``churn_days`` ...), the same
    for both dates.  Returns a square count table, rows = state at ``start``
    (``from``), columns = state at ``end`` (``to``), all :data:`STATES` present.
    """
    s0, s1 = _date(start, "起始日期 start"), _date(end, "结束日期 end")
    if s1 <= s0:
        raise CRMDataError(f"结束日期 {s1.date()} 应晚于起始日期 {s0.date()}，请调换或重新选择日期。")
    a = customer_states(customers, orders, s0, **rules)["state"]
    b = customer_states(customers, orders, s1, **rules)["state"]
    table = pd.crosstab(
        pd.Categorical(a, categories=list(STATES)),
        pd.Categorical(b.reindex(a.index), categories=list(STATES)),
        dropna=False,
    )
    table = table.reindex(index=list(STATES), columns=list(STATES), fill_value=0).astype(int)
    table.index.name = "from"
    table.columns.name = "to"
    table.attrs.update(start=s0, end=s1, **rules)
    return table


# ---------------------------------------------------------------------------
# 3. end vs intermediate customers
# ---------------------------------------------------------------------------

ROLES: tuple[str, ...] = ("终端客户", "中间客户")
_ROLE_MAP = {"终端客户": "终端客户", "最终客户": "终端客户", "中间商": "中间客户", "中间客户": "中间客户"}


def classify_end_intermediate(customers: pd.DataFrame) -> pd.DataFrame:
    """End customer (终端客户: buys to use) vs intermediate customer (中间客户: buys to resell).

    Uses the ``customer_role`` column of the customer list (中间商 -> 中间客户).
    Returns ``customer_id`` index with ``role`` and ``customer_type``.
    """
    customers = _frame(customers, "客户表")
    _columns(customers, ["customer_id", "customer_role"], "客户表")
    role = customers["customer_role"].map(_ROLE_MAP)
    bad = role.isna()
    if bad.any():
        vals = "、".join(map(str, customers.loc[bad, "customer_role"].unique()[:5]))
        raise CRMDataError(f"客户表 customer_role 列有无法识别的取值：{vals}。只认“终端客户”和“中间商”。")
    out = pd.DataFrame(
        {
            "role": pd.Categorical(role, categories=list(ROLES)),
            "customer_type": customers["customer_type"].to_numpy() if "customer_type" in customers else "",
        },
    )
    out.index = pd.Index(customers["customer_id"].astype(str).to_numpy(), name="customer_id")
    return out


def end_intermediate_summary(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Per role: customers, buyers, orders, sales, sales share, average order amount."""
    roles = classify_end_intermediate(customers)
    orders = _prepare_orders(orders)
    _columns(orders, ["amount"], "订单表")
    o = orders.merge(roles[["role"]], left_on="customer_id", right_index=True, how="inner")
    g = o.groupby("role", observed=False)
    out = pd.DataFrame(
        {
            "customers": roles["role"].value_counts().reindex(list(ROLES), fill_value=0),
            "buyers": g["customer_id"].nunique().reindex(list(ROLES), fill_value=0),
            "orders": g.size().reindex(list(ROLES), fill_value=0),
            "amount": g["amount"].sum().reindex(list(ROLES), fill_value=0.0),
        }
    )
    total = out["amount"].sum()
    out["amount_share"] = out["amount"] / total if total else np.nan
    out["avg_order_amount"] = (out["amount"] / out["orders"].where(out["orders"] > 0)).round(2)
    out["amount"] = out["amount"].round(2)
    out.index.name = "role"
    return out


# ---------------------------------------------------------------------------
# 4. lighthouse / follower / rational / profit-seeking
# ---------------------------------------------------------------------------

ATTITUDE_TYPES: tuple[str, ...] = ("灯塔型", "跟随型", "理性型", "逐利型")

#: The rules of :func:`classify_attitude`, in Chinese, in the order they are applied.
ATTITUDE_RULES: list[tuple[str, str]] = [
    ("逐利型", "价格敏感度 ≥ price_high，且求新程度 < novelty_high：哪里便宜去哪里，常在促销时购买。"),
    ("灯塔型", "求新程度 ≥ novelty_high，且价格敏感度 ≤ price_low：新东西一出来就想试，不太在乎价格。"),
    ("跟随型", "其余求新程度 ≥ novelty_mid 的人：对新东西有兴趣，但要先看别人用得怎么样。"),
    ("理性型", "其余的人：对新奇不感冒，买之前会仔细比较、谨慎决定。"),
]


def classify_attitude(
    survey: pd.DataFrame,
    *,
    novelty_high: float = 4,
    novelty_mid: float = 3,
    price_low: float = 2,
    price_high: float = 5,
) -> pd.DataFrame:
    """Buyer attitude from the survey's ``novelty_seeking`` and ``price_sensitivity`` (1-5).

    Rules, applied in this order (thresholds are parameters):

    1. 逐利型 (profit-seeking): price sensitivity >= ``price_high`` and novelty
       seeking < ``novelty_high`` -- buys when the price is right;
    2. 灯塔型 (lighthouse): novelty seeking >= ``novelty_high`` and price
       sensitivity <= ``price_low`` -- tries new things first, price matters little;
    3. 跟随型 (follower): the others with novelty seeking >= ``novelty_mid`` --
       interested in what is new, but waits for others and watches the price;
    4. 理性型 (rational): everyone else -- little interest in novelty, compares carefully.

    Returns ``customer_id`` index with the two scores and ``attitude``.
    """
    survey = _frame(survey, "问卷表")
    _columns(survey, ["customer_id", "novelty_seeking", "price_sensitivity"], "问卷表")
    thresholds = {"novelty_high": novelty_high, "novelty_mid": novelty_mid, "price_low": price_low, "price_high": price_high}
    _check_attitude_thresholds(thresholds)
    nov = pd.to_numeric(survey["novelty_seeking"], errors="coerce")
    pri = pd.to_numeric(survey["price_sensitivity"], errors="coerce")
    if nov.isna().any() or pri.isna().any():
        rows = ", ".join(map(str, list(survey.index[nov.isna() | pri.isna()])[:5]))
        raise CRMDataError(f"问卷表的求新程度或价格敏感度有空值或非数字（行 {rows}）。请先删除这些行。")
    if price_low >= price_high:
        raise CRMDataError(
            f"price_low（{price_low}）应小于 price_high（{price_high}）：“不在乎价格”的门槛要低于“很在乎价格”。"
        )
    high_n, mid_n = nov >= novelty_high, nov >= novelty_mid
    attitude = np.select(
        [(pri >= price_high) & ~high_n, high_n & (pri <= price_low), mid_n],
        ["逐利型", "灯塔型", "跟随型"],
        default="理性型",
    )
    out = pd.DataFrame(
        {
            "novelty_seeking": nov.to_numpy(),
            "price_sensitivity": pri.to_numpy(),
            "attitude": pd.Categorical(attitude, categories=list(ATTITUDE_TYPES)),
        },
        index=pd.Index(survey["customer_id"].astype(str).to_numpy(), name="customer_id"),
    )
    out.attrs.update(thresholds)
    return out


def _check_attitude_thresholds(thresholds: dict[str, Any]) -> None:
    """Each threshold a number in 1-5 and ``novelty_mid <= novelty_high``, else a Chinese error."""
    for k, v in thresholds.items():
        try:
            f = float(v)
        except (TypeError, ValueError) as exc:
            raise CRMDataError(f"阈值 {k} 应该是 1-5 之间的数，现在是 {v!r}。") from exc
        if not (1 <= f <= 5):
            raise CRMDataError(f"阈值 {k} = {v} 超出了问卷 1-5 分的范围，请取 1 到 5 之间的数。")
    if thresholds["novelty_mid"] > thresholds["novelty_high"]:
        raise CRMDataError(
            f"novelty_mid（{thresholds['novelty_mid']}）不能大于 novelty_high（{thresholds['novelty_high']}）："
            "“中等求新”的门槛应低于“高求新”。"
        )


def attitude_summary(attitude: pd.DataFrame, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per attitude type: customers, share, mean scores; with ``orders`` also the
    share of purchases made in promotions (``occasion == '促销'``)."""
    if attitude is None or len(attitude) == 0:
        raise CRMDataError("没有可以统计的问卷结果。请先用 classify_attitude(survey) 分类。")
    g = attitude.groupby("attitude", observed=False)
    out = pd.DataFrame(
        {
            "customers": g.size().reindex(list(ATTITUDE_TYPES), fill_value=0),
            "novelty_seeking": g["novelty_seeking"].mean().round(2),
            "price_sensitivity": g["price_sensitivity"].mean().round(2),
        }
    )
    out.insert(1, "share", out["customers"] / out["customers"].sum())
    if orders is not None:
        o = _prepare_orders(orders)
        _columns(o, ["occasion"], "订单表")
        o = o.merge(attitude[["attitude"]], left_on="customer_id", right_index=True, how="inner")
        promo = (o["occasion"] == "促销").groupby(o["attitude"], observed=False).mean()
        out["promo_share"] = promo.reindex(out.index).round(3)
    out.index.name = "attitude"
    return out


# ---------------------------------------------------------------------------
# 5. key / ordinary / small customers by profit
# ---------------------------------------------------------------------------

PROFIT_TIERS: tuple[str, ...] = ("关键客户", "普通客户", "小客户")


def classify_by_profit(orders: pd.DataFrame, shares: Sequence[float] = (0.2, 0.3)) -> pd.DataFrame:
    """Key / ordinary / small customers by total gross profit.

    Customers who bought are ranked by their total ``gross_profit`` (largest
    first; ties broken by ``customer_id``).  With ``shares = (a, b)`` the first
    ``a`` of the ranked customers (by head count, rounded half up as in
    :func:`crmlab._tiers.tier_bounds`) are 关键客户, the next
    ``b`` are 普通客户 and the rest are 小客户.  The default (0.2, 0.3) gives
    20% key, 30% ordinary and 50% small customers.

    Returns one row per buying customer, in rank order, with ``gross_profit``,
    ``profit_rank`` (1 = most profit), ``cum_customer_share``,
    ``cum_profit_share`` (cumulative share of all gross profit) and ``tier``.
    """
    orders = _prepare_orders(orders)
    _columns(orders, ["gross_profit"], "订单表")
    try:
        a, b = (float(x) for x in shares)
    except (TypeError, ValueError) as exc:
        raise CRMDataError("shares 应该是两个比例，例如 (0.2, 0.3)：前 20% 是关键客户，再往后 30% 是普通客户。") from exc
    if a > 1 or b > 1:
        raise CRMDataError(
            f"shares = {tuple(shares)} 看起来是百分数。请写成 0-1 之间的比例，例如 (0.2, 0.3) 而不是 (20, 30)。"
        )
    if a <= 0 or b < 0 or a + b > 1:
        raise CRMDataError(f"shares = {tuple(shares)} 不合理：两个比例都要大于 0，且加起来不超过 1。")
    gp = pd.to_numeric(orders["gross_profit"], errors="coerce")
    if gp.isna().any():
        rows = ", ".join(map(str, list(orders.index[gp.isna()])[:5]))
        raise CRMDataError(f"订单表的 gross_profit 列有空值或非数字（行 {rows}）。")
    prof = gp.groupby(orders["customer_id"]).sum()
    if prof.empty:
        raise CRMDataError("订单表是空的，没有客户可以按利润分级。")
    frame = prof.rename("gross_profit").reset_index()
    frame = frame.sort_values(["gross_profit", "customer_id"], ascending=[False, True], kind="stable")
    frame = frame.set_index("customer_id")
    n = len(frame)
    frame["profit_rank"] = np.arange(1, n + 1)
    frame["cum_customer_share"] = frame["profit_rank"] / n
    total = frame["gross_profit"].sum()
    frame["cum_profit_share"] = frame["gross_profit"].cumsum() / total if total else np.nan
    n_key, n_ord_end = tier_bounds(n, (a, b))  # rounded half up, like lesson 4's pyramid / ABC tiers
    n_ord = n_ord_end - n_key
    if n_key == 0:
        n_key = 1  # at least one key customer
        n_ord = max(0, n_ord - 1)
    tier = np.array([PROFIT_TIERS[2]] * n, dtype=object)
    tier[:n_key] = PROFIT_TIERS[0]
    tier[n_key : n_key + n_ord] = PROFIT_TIERS[1]
    frame["tier"] = pd.Categorical(tier, categories=list(PROFIT_TIERS))
    frame["gross_profit"] = frame["gross_profit"].round(2)
    frame.attrs.update(shares=(a, b))
    return frame


def profit_tier_summary(tiers: pd.DataFrame) -> pd.DataFrame:
    """Per tier: customers, share of customers, gross profit, share of profit, profit per customer."""
    if tiers is None or len(tiers) == 0:
        raise CRMDataError("没有可以统计的客户。请先用 classify_by_profit(orders) 分级。")
    _columns(tiers, ["tier", "gross_profit"], "分级结果")
    g = tiers.groupby("tier", observed=False)["gross_profit"]
    out = pd.DataFrame({"customers": g.size(), "gross_profit": g.sum()}).reindex(list(PROFIT_TIERS), fill_value=0)
    out.insert(1, "share", out["customers"] / out["customers"].sum())
    total = out["gross_profit"].sum()
    out["profit_share"] = out["gross_profit"] / total if total else np.nan
    out["avg_profit"] = (out["gross_profit"] / out["customers"].where(out["customers"] > 0)).round(2)
    out["gross_profit"] = out["gross_profit"].round(2)
    out.index.name = "tier"
    return out
