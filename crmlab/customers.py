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
* :func:`value_types` -- transactional vs relational customers (交易型 / 关系型:
  most profitable, rising, losing value) from each customer's profit trend.
* :func:`rule_table` -- a rule list with its parameter names replaced by the numbers used.

All functions take pandas frames with the course schema (see ``data/README.md``)
and return new frames; nothing is printed and no input is modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmlab import display, frames
from crmlab._checks import int_param as _int_param
from crmlab._checks import parse_dates as _dates
from crmlab._checks import to_numbers as _numbers
from crmlab._checks import to_timestamp
from crmlab._errors import CRMDataError
from crmlab.course import CHURN_DAYS, COURSE_DATE
from crmlab.labels import pick
from crmlab.tiers import tier_bounds


def _date(value: Any, name: str) -> pd.Timestamp:
    return to_timestamp(value, name, normalize=True)

__all__ = [
    "ATTITUDE_RULES",
    "ATTITUDE_TYPES",
    "DECLINE_CONTACTS",
    "LABELS",
    "NON_CUSTOMER_DAYS",
    "PROFIT_TIERS",
    "REAL_STATES",
    "ROLES",
    "ROLE_OPTIONS",
    "ROLE_SCENARIOS",
    "STATES",
    "STATE_RULES",
    "VALUE_TYPES",
    "VALUE_TYPE_RULES",
    "RoleFeedback",
    "StateTimeline",
    "attitude_summary",
    "check_role_answer",
    "classify_attitude",
    "classify_by_profit",
    "classify_end_intermediate",
    "customer_states",
    "end_intermediate_summary",
    "label_columns",
    "profit_tier_summary",
    "rule_table",
    "state_counts",
    "state_transitions",
    "value_type_summary",
    "value_types",
]

LABELS: dict[str, str] = {**pick((
    "state", "n_orders", "first_order", "last_order", "days_since_last", "tenure_days", "customers",
    "share", "role", "customer_type", "buyers", "amount", "amount_share", "avg_order_amount", "orders",
    "attitude", "novelty_seeking", "price_sensitivity", "gross_profit", "profit_share",
    "cum_customer_share", "cum_profit_share", "profit_rank", "tier", "avg_profit", "promo_share",
    "from", "to", "stage", "contacts", "recent_profit", "earlier_profit", "profit_change",
    "value_type",
), "customers")}  # all from crmlab.labels


def label_columns(df: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with Chinese column and index names (for display only)."""
    return display.relabel(df, LABELS if labels is None else labels)


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
        "also": ("消费者",),
        "explain": "孩子天天喝奶粉，是使用者（用户）；奶粉是为孩子的个人生活而买、由他最终消费的，"
        "所以说他是消费者也对。但钱是父母付的、主意是父母拿的：父母才是客户，孩子不是。",
        "partly": {},
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

    Returns a :class:`RoleFeedback`; ``correct`` is True for the most precise
    role (and for the roles in a scenario's ``also``, which fit just as well).  Answers that are true but less precise get a specific message.
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
    if given == s["answer"] or given in s.get("also", ()):
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

#: Long-lost customers become non-customers: lost and no purchase for more than this many days
#: (一年半): the company has not won them back and they are unlikely to buy again.
NON_CUSTOMER_DAYS = 540

#: A prospect who has had this many marketing contacts (营销接触) and still never bought has
#: turned the company down: a non-customer.
DECLINE_CONTACTS = 3

#: The rules of :func:`customer_states`, in Chinese, in the order they are applied.
#: Parameter names in the text are replaced by their numbers in :func:`rule_table`.
STATE_RULES: list[tuple[str, str]] = [
    ("非客户", "不会或不能购买的人：还没有进入客户名单（登记日期不早于分析日期）；"
     "或者流失后一直没能挽回，最近一次购买已超过 non_customer_days 天；"
     "或者从未购买，企业已经联系推销 decline_contacts 次及以上，对方仍然不买。"),
    ("潜在客户", "已登记，但在分析日期之前从未购买，销售部也还没有把他列为目标。"),
    ("目标客户", "已登记、从未购买，但销售部在分析日期之前已把他列为重点争取的对象。"),
    ("流失客户", "买过，但最近一次购买距分析日期已超过 churn_days 天（正好 churn_days 天的还不算流失），"
     "又没有超过 non_customer_days 天。"),
    ("现实客户-初次购买", "买过且没有流失，到分析日期为止只买过 1 次。"),
    ("现实客户-忠诚", "没有流失，订单数至少 loyal_min_orders 笔，且从第一次购买到分析日期已满 loyal_min_tenure_days 天。"),
    ("现实客户-重复购买", "其余买过 2 次及以上、没有流失的客户。"),
]


def _prepare_orders(orders: pd.DataFrame, what: str = "订单表", need: Sequence[str] = ()) -> pd.DataFrame:
    """The orders through the data contract (:func:`crmlab.frames.orders`), ids as text, money as floats."""
    return frames.orders_for_sums(orders, require=need, what=what)


def _state_rules(churn_days, non_customer_days, decline_contacts, loyal_min_orders, loyal_min_tenure_days) -> dict:
    """The checked numbers of the state rules (Chinese errors)."""
    rules = {
        "churn_days": _int_param(churn_days, "多少天没买算流失（churn_days）", minimum=1),
        "non_customer_days": _int_param(non_customer_days, "流失多少天没挽回算非客户（non_customer_days）", minimum=2),
        "decline_contacts": _int_param(decline_contacts, "联系几次仍不买算非客户（decline_contacts）", minimum=1),
        "loyal_min_orders": _int_param(loyal_min_orders, "忠诚客户至少的订单数（loyal_min_orders）", minimum=2),
        "loyal_min_tenure_days": _int_param(loyal_min_tenure_days, "忠诚客户至少的关系天数（loyal_min_tenure_days）", minimum=0),
    }
    if rules["non_customer_days"] <= rules["churn_days"]:
        raise CRMDataError(
            f"“流失多少天没挽回算非客户”（{rules['non_customer_days']} 天）要比“多少天没买算流失”"
            f"（{rules['churn_days']} 天）长：先流失，挽回不了才成为非客户。"
        )
    return rules


def customer_states(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    asof: Any = COURSE_DATE,
    *,
    interactions: pd.DataFrame | None = None,
    churn_days: int = CHURN_DAYS,
    non_customer_days: int = NON_CUSTOMER_DAYS,
    decline_contacts: int = DECLINE_CONTACTS,
    loyal_min_orders: int = 5,
    loyal_min_tenure_days: int = 365,
) -> pd.DataFrame:
    """The state of every customer on the morning of ``asof``.

    Only what happened *before* ``asof`` counts (orders with ``order_date < asof``,
    customers with ``signup_date < asof``, contacts with ``date < asof``).  Rules,
    applied in this order (see :data:`STATE_RULES`):

    1. 非客户 (will not or cannot buy): not yet in the customer base
       (``signup_date >= asof``); or bought, but the last purchase is more than
       ``non_customer_days`` days before ``asof`` (lost and never won back); or
       never bought after ``decline_contacts`` or more marketing contacts
       (``type == "营销接触"`` in ``interactions``, only when it is given);
    2. 潜在客户 / 目标客户: registered, never bought; 目标客户 when
       ``targeted_date < asof``;
    3. 流失客户: bought, last purchase *more than* ``churn_days`` days before ``asof``
       (default :data:`crmlab.course.CHURN_DAYS`);
    4. 现实客户-初次购买: exactly one order;
    5. 现实客户-忠诚: at least ``loyal_min_orders`` orders and first purchase
       at least ``loyal_min_tenure_days`` days before ``asof``;
    6. 现实客户-重复购买: the other active repeat buyers.

    Returns one row per customer (index ``customer_id``, order of ``customers``)
    with ``state`` (ordered categorical over :data:`STATES`), ``n_orders``,
    ``first_order``, ``last_order``, ``days_since_last``, ``tenure_days`` and
    ``contacts`` (marketing contacts before ``asof``; 0 without ``interactions``).
    Orders of customer ids that are not in ``customers`` are ignored; their number
    is in ``attrs["unknown_ids"]``; the rule numbers are in ``attrs``.
    """
    customers = frames.customers(customers, require=["customer_id", "signup_date"])
    orders = _prepare_orders(orders)
    asof = _date(asof, "分析日期 asof")
    rules = _state_rules(churn_days, non_customer_days, decline_contacts, loyal_min_orders, loyal_min_tenure_days)
    ids, signup, targeted = _customer_dates(customers)
    out, unknown = _purchase_history(orders, ids, asof)
    out["contacts"] = _marketing_contacts(interactions, out.index, asof)
    return _states_of(out, unknown, signup, targeted, asof, rules)


def _states_of(history: pd.DataFrame, unknown: int, signup: pd.Series, targeted: pd.Series,
               asof: pd.Timestamp, rules: dict) -> pd.DataFrame:
    """:func:`customer_states`'s result from a purchase history with contacts (changed in place)."""
    out = history
    registered = (signup < asof).to_numpy() | (out["n_orders"] > 0).to_numpy()
    is_target = (targeted < asof).fillna(False).to_numpy() if len(targeted) else np.zeros(0, bool)
    state = _assign_states(out, registered, is_target, rules)
    out.insert(0, "state", pd.Categorical(state, categories=list(STATES), ordered=True))
    out.attrs.update(asof=asof, unknown_ids=unknown, **rules)
    return out


def _marketing_contacts(interactions: pd.DataFrame | None, ids: pd.Index, asof: pd.Timestamp) -> np.ndarray:
    """Marketing contacts (营销接触) of each customer before ``asof``; zeros without ``interactions``."""
    if interactions is None:
        return np.zeros(len(ids), dtype=int)
    frame = _frame(interactions, "接触记录表")
    _columns(frame, ["customer_id", "date", "type"], "接触记录表")
    dates = _dates(frame["date"], "接触记录表的 date 列")
    mask = (frame["type"] == "营销接触").to_numpy() & (dates < asof).to_numpy()
    counts = frame.loc[mask, "customer_id"].astype(str).value_counts()
    return counts.reindex(ids).fillna(0).astype(int).to_numpy()


def _customer_dates(customers: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Customer ids (checked unique), signup dates and targeted dates (NaT when absent)."""
    ids = customers["customer_id"].astype(str)
    if ids.duplicated().any():
        dup = ", ".join(ids[ids.duplicated()].unique()[:5])
        raise CRMDataError(f"客户表里有重复的客户编号：{dup}。请先去掉重复行（drop_duplicates）。")
    signup = customers["signup_date"]  # dates already (crmlab.frames.customers)
    if "targeted_date" in customers.columns:
        targeted = customers["targeted_date"]
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


def _assign_states(history: pd.DataFrame, registered: np.ndarray, is_target: np.ndarray, rules: dict) -> np.ndarray:
    """The state names of :data:`STATE_RULES`, applied in order to a purchase history."""
    n = history["n_orders"].to_numpy()
    since = history["days_since_last"].to_numpy(dtype=float)
    tenure = history["tenure_days"].to_numpy(dtype=float)
    declined = (n == 0) & (history["contacts"].to_numpy() >= rules["decline_contacts"])
    return np.select(
        [
            ~registered | declined | (since > rules["non_customer_days"]),
            (n == 0) & ~is_target,
            n == 0,
            since > rules["churn_days"],
            n == 1,
            (n >= rules["loyal_min_orders"]) & (tenure >= rules["loyal_min_tenure_days"]),
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

    ``rules`` are passed to :func:`customer_states` (``interactions``,
    ``churn_days`` ...), the same for both dates.  Returns a square count table, rows = state at ``start``
    (``from``), columns = state at ``end`` (``to``), all :data:`STATES` present.
    """
    s0, s1 = _transition_dates(start, end)
    a = customer_states(customers, orders, s0, **rules)["state"]
    b = customer_states(customers, orders, s1, **rules)["state"]
    return _transition_table(a, b, s0, s1, rules)


def _transition_dates(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    s0, s1 = _date(start, "起始日期 start"), _date(end, "结束日期 end")
    if s1 <= s0:
        raise CRMDataError(f"结束日期 {s1.date()} 应晚于起始日期 {s0.date()}，请调换或重新选择日期。")
    return s0, s1


def _transition_table(a: pd.Series, b: pd.Series, s0: pd.Timestamp, s1: pd.Timestamp, rules: dict) -> pd.DataFrame:
    """:func:`state_transitions`'s count table from the states at ``s0`` (``a``) and ``s1`` (``b``)."""
    k = len(STATES)
    rows = pd.Categorical(a, categories=list(STATES)).codes
    cols = pd.Categorical(b.reindex(a.index), categories=list(STATES)).codes
    both = (rows >= 0) & (cols >= 0)  # a customer without a state on either date is not counted
    counts = np.bincount(rows[both].astype(np.int64) * k + cols[both], minlength=k * k).reshape(k, k)
    table = pd.DataFrame(counts.astype(int), index=pd.Index(list(STATES), name="from"),
                         columns=pd.Index(list(STATES), name="to"))
    table.attrs.update(start=s0, end=s1, **{k: v for k, v in rules.items() if k != "interactions"})
    return table


class StateTimeline:
    """Customers and their orders prepared once, for the states at many dates (a widget's live updates).

    ``StateTimeline(customers, orders, interactions=...)`` checks the tables once and sorts each
    customer's order dates; then :meth:`states` and :meth:`transitions` take the same arguments
    as :func:`customer_states` and :func:`state_transitions` (without the tables) and return the
    same results.  The rule-free part of a date (orders, first and last order, contacts) is
    computed once per date (the last ``keep`` dates are kept), so changing a rule only re-applies
    the rules.
    """

    def __init__(self, customers: pd.DataFrame, orders: pd.DataFrame, *,
                 interactions: pd.DataFrame | None = None, keep: int = 8):
        customers = frames.customers(customers, require=["customer_id", "signup_date"])
        orders = _prepare_orders(orders)
        self.ids, self.signup, self.targeted = _customer_dates(customers)
        self.interactions = interactions
        self.keep = keep
        self._histories: dict[pd.Timestamp, tuple[pd.DataFrame, int]] = {}
        self._last_states: tuple | None = None  # ((date, rules), states) of the last call of states()
        dates = orders["order_date"]
        self._dtype = dates.dtype
        codes = pd.Index(self.ids.to_numpy()).get_indexer(orders["customer_id"].to_numpy())
        when = dates.to_numpy()
        known = codes >= 0
        order = np.lexsort((when[known], codes[known]))  # by customer, then by date
        self._codes, self._when = codes[known][order], when[known][order]
        self._first_at = np.searchsorted(self._codes, np.arange(len(self.ids)))  # each customer's first row
        strangers = pd.Series(when[~known]).groupby(orders["customer_id"].to_numpy()[~known]).min()
        self._strangers_first = np.sort(strangers.to_numpy())  # first order of each unknown customer id
        self._contacts = None if interactions is None else self._marketing(interactions)

    def _marketing(self, interactions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Customer position and date of each marketing contact (checked as :func:`customer_states` does)."""
        frame = _frame(interactions, "接触记录表")
        _columns(frame, ["customer_id", "date", "type"], "接触记录表")
        dates = _dates(frame["date"], "接触记录表的 date 列")
        mask = (frame["type"] == "营销接触").to_numpy()
        codes = pd.Index(self.ids.to_numpy()).get_indexer(frame.loc[mask, "customer_id"].astype(str).to_numpy())
        return codes, dates.to_numpy()[mask]

    def _contacts_before(self, asof: pd.Timestamp) -> np.ndarray:
        if self._contacts is None:
            return np.zeros(len(self.ids), dtype=int)
        codes, dates = self._contacts
        return np.bincount(codes[(dates < asof) & (codes >= 0)], minlength=len(self.ids)).astype(int)

    def _history(self, asof: pd.Timestamp) -> tuple[pd.DataFrame, int]:
        """:func:`customer_states`'s purchase history and contacts at ``asof`` (cached), and the unknown ids."""
        if asof not in self._histories:
            n = np.bincount(self._codes[self._when < asof], minlength=len(self.ids))
            bought, when = n > 0, np.append(self._when, np.datetime64("NaT"))  # the NaT row: never bought
            first = when[np.where(bought, self._first_at, len(when) - 1)]
            last = when[np.where(bought, self._first_at + n - 1, len(when) - 1)]
            out = pd.DataFrame(index=pd.Index(self.ids.to_numpy(), name="customer_id"))
            out["n_orders"] = n.astype(int)
            out["first_order"] = pd.Series(first, index=out.index).astype(self._dtype)
            out["last_order"] = pd.Series(last, index=out.index).astype(self._dtype)
            out["days_since_last"] = (asof - out["last_order"]).dt.days
            out["tenure_days"] = (asof - out["first_order"]).dt.days
            out["contacts"] = self._contacts_before(asof)
            unknown = int(np.searchsorted(self._strangers_first, asof))
            while len(self._histories) >= self.keep:
                self._histories.pop(next(iter(self._histories)))
            self._histories[asof] = (out, unknown)
        out, unknown = self._histories[asof]
        return out.copy(), unknown

    def states(self, asof: Any = COURSE_DATE, *, churn_days: int = CHURN_DAYS,
               non_customer_days: int = NON_CUSTOMER_DAYS, decline_contacts: int = DECLINE_CONTACTS,
               loyal_min_orders: int = 5, loyal_min_tenure_days: int = 365) -> pd.DataFrame:
        """The same table as :func:`customer_states` with these tables and arguments."""
        asof = _date(asof, "分析日期 asof")
        rules = _state_rules(churn_days, non_customer_days, decline_contacts, loyal_min_orders, loyal_min_tenure_days)
        key = (asof, tuple(sorted(rules.items())))
        if self._last_states is None or self._last_states[0] != key:  # a widget asks for the end date twice
            out, unknown = self._history(asof)
            self._last_states = (key, _states_of(out, unknown, self.signup, self.targeted, asof, rules))
        return self._last_states[1].copy()

    def transitions(self, start: Any, end: Any, **rules: Any) -> pd.DataFrame:
        """The same count table as :func:`state_transitions` with these tables and arguments."""
        s0, s1 = _transition_dates(start, end)
        b = self.states(s1, **rules)["state"]  # first: a widget has just asked for the states at ``end``
        a = self.states(s0, **rules)["state"]
        return _transition_table(a, b, s0, s1, {"interactions": self.interactions, **rules})


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
    orders = _prepare_orders(orders, need=["amount"])
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
        o = _prepare_orders(orders, need=["occasion"])
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
    :func:`crmlab.tiers.tier_bounds`) are 关键客户, the next
    ``b`` are 普通客户 and the rest are 小客户.  The default (0.2, 0.3) gives
    20% key, 30% ordinary and 50% small customers.

    Returns one row per buying customer, in rank order, with ``gross_profit``,
    ``profit_rank`` (1 = most profit), ``cum_customer_share``,
    ``cum_profit_share`` (cumulative share of all gross profit) and ``tier``.
    """
    orders = _prepare_orders(orders, need=["gross_profit"])
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
    return _group_profit_summary(tiers, "tier", "gross_profit", PROFIT_TIERS)


def _group_profit_summary(frame: pd.DataFrame, by: str, profit: str, order) -> pd.DataFrame:
    """Per group of ``by`` (in ``order``): customers, share, summed ``profit``, its share, profit per customer."""
    g = frame.groupby(by, observed=False)[profit]
    out = pd.DataFrame({"customers": g.size(), profit: g.sum()}).reindex(list(order), fill_value=0)
    out.insert(1, "share", out["customers"] / out["customers"].sum())
    total = out[profit].sum()
    out["profit_share"] = out[profit] / total if total else np.nan
    out["avg_profit"] = (out[profit] / out["customers"].where(out["customers"] > 0)).round(2)
    out[profit] = out[profit].round(2)
    out.index.name = by
    return out


# ---------------------------------------------------------------------------
# 6. transactional vs relational customers (交易型 / 关系型)
# ---------------------------------------------------------------------------

VALUE_TYPES: tuple[str, ...] = ("交易型客户", "关系型-利润最大", "关系型-利润上升", "关系型-正在失去价值")

#: The rules of :func:`value_types`, in Chinese, in the order they are applied.
VALUE_TYPE_RULES: list[tuple[str, str]] = [
    ("交易型客户", "只买过 1 次，或者每一单都是在促销时买的：只看这一单划不划算，不打算和企业长期来往。"),
    ("关系型-利润最大", "其余客户中，近 window_days 天毛利排在前 top_share 的：给企业带来最大利润。"),
    ("关系型-正在失去价值", "其余客户中，近 window_days 天的毛利比再往前 window_days 天少的：现在还赚钱，但在下滑。"),
    ("关系型-利润上升", "其余客户：毛利持平或上升，有可能成为下一批最大利润来源。"),
]


def _profit_windows(orders: pd.DataFrame, asof: pd.Timestamp, window_days: int) -> pd.DataFrame:
    """Per customer: orders before ``asof``, promotion-only flag, profit in the last two windows."""
    past = orders[orders["order_date"] < asof]
    start = asof - pd.Timedelta(days=window_days)
    before = start - pd.Timedelta(days=window_days)
    gp = past["gross_profit"]
    per = pd.DataFrame({
        "n_orders": past.groupby("customer_id").size(),
        "last_order": past.groupby("customer_id")["order_date"].max(),
        "recent_profit": gp.where(past["order_date"] >= start, 0.0).groupby(past["customer_id"]).sum(),
        "earlier_profit": gp.where((past["order_date"] >= before) & (past["order_date"] < start), 0.0)
        .groupby(past["customer_id"]).sum(),
    })
    promo = (past["occasion"] == "促销") if "occasion" in past.columns else pd.Series(False, index=past.index)
    per["promo_only"] = promo.groupby(past["customer_id"]).all()
    return per


def value_types(
    orders: pd.DataFrame,
    asof: Any = COURSE_DATE,
    *,
    window_days: int = 365,
    top_share: float = 0.2,
    churn_days: int = CHURN_DAYS,
) -> pd.DataFrame:
    """Transactional vs relational customers (识别有价值的客户), from each customer's profit trend.

    Only current customers count: they bought before ``asof`` and not more than
    ``churn_days`` days before it (lost customers are left out).  Rules, in order
    (see :data:`VALUE_TYPE_RULES`):

    1. 交易型客户: one order only, or every order in a promotion (``occasion == "促销"``);
    2. 关系型-利润最大: of the others, the first ``top_share`` (rounded half up)
       by gross profit in the last ``window_days`` days;
    3. 关系型-正在失去价值: profit in the last window below the window before it;
    4. 关系型-利润上升: the rest (profit flat or rising).

    Returns one row per current customer (largest recent profit first) with
    ``n_orders``, ``recent_profit``, ``earlier_profit``, ``profit_change``
    (recent / earlier - 1; NaN when the earlier window has no profit) and
    ``value_type`` (categorical over :data:`VALUE_TYPES`).
    """
    orders = _prepare_orders(orders, need=["gross_profit"])
    asof = _date(asof, "分析日期 asof")
    window_days = _int_param(window_days, "比较毛利的天数（window_days）", minimum=7, maximum=3650)
    churn_days = _int_param(churn_days, "多少天没买算流失（churn_days）", minimum=1)
    share = float(_numbers(pd.Series([top_share]), "利润最大客户的比例（top_share）").iloc[0])
    if not 0 < share < 1:
        raise CRMDataError(f"利润最大客户的比例要在 0 和 1 之间，例如 0.2 表示前 20%；现在是 {top_share}。")
    per = _profit_windows(orders, asof, window_days)
    per = per[(asof - per["last_order"]).dt.days <= churn_days]
    if per.empty:
        raise CRMDataError(f"分析日期 {asof.date()} 之前 {churn_days} 天内没有人买过东西，没有现实客户可以分类。")
    per = per.sort_values(["recent_profit"], ascending=False, kind="stable")
    relational = ~((per["n_orders"] == 1) | per["promo_only"])
    n_top = tier_bounds(int(relational.sum()), (share,))[0] if relational.any() else 0
    top = relational & (relational.cumsum() <= n_top)
    kind = np.select(
        [~relational, top, per["recent_profit"] < per["earlier_profit"]],
        [VALUE_TYPES[0], VALUE_TYPES[1], VALUE_TYPES[3]],
        default=VALUE_TYPES[2],
    )
    out = per[["n_orders", "recent_profit", "earlier_profit"]].round(2)
    earlier = per["earlier_profit"].where(per["earlier_profit"] > 0)
    out["profit_change"] = (per["recent_profit"] / earlier - 1).round(4)
    out["value_type"] = pd.Categorical(kind, categories=list(VALUE_TYPES))
    out.index.name = "customer_id"
    out.attrs.update(asof=asof, window_days=window_days, top_share=share, churn_days=churn_days)
    return out


def value_type_summary(types: pd.DataFrame) -> pd.DataFrame:
    """Per value type: customers, share, recent gross profit, its share and profit per customer."""
    if types is None or len(types) == 0:
        raise CRMDataError("没有可以统计的客户。请先用 value_types(orders) 分类。")
    _columns(types, ["value_type", "recent_profit"], "交易型/关系型分类结果")
    return _group_profit_summary(types, "value_type", "recent_profit", VALUE_TYPES)


# ---------------------------------------------------------------------------
# 7. rules with their numbers
# ---------------------------------------------------------------------------

_PERCENT_PARAMS = {"top_share", "growth", "decline"}


def _rule_number(name: str, value: Any) -> str:
    if name in _PERCENT_PARAMS or (isinstance(value, float) and 0 < value < 1):
        return f"{float(value):.0%}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)


def rule_table(rules: Sequence[tuple[str, str]], numbers: dict[str, Any], *, first: str = "状态") -> pd.DataFrame:
    """A display table of ``rules`` with each parameter name replaced by its number.

    ``numbers`` maps parameter names (``churn_days`` ...) to the values used,
    e.g. the ``attrs`` of a result.  Longer names are replaced first, so
    ``loyal_min_tenure_days`` is not touched by ``tenure``.
    """
    names = sorted((k for k, v in numbers.items() if isinstance(v, (int, float, np.integer, np.floating))),
                   key=len, reverse=True)
    rows = []
    for label, text in rules:
        for name in names:
            text = text.replace(name, _rule_number(name, numbers[name]))
        rows.append((label, text))
    return pd.DataFrame(rows, columns=[first, "判断规则"]).set_index(first)


# ---------------------------------------------------------------------------
# 8. the delivered-value example of each group's company
# ---------------------------------------------------------------------------

#: Per group: (who buys what, our offer, two competitors).  Points 0-100 in the order
#: product, service, personnel, image value; money, time, energy (mental), physical cost.
_OFFER_EXAMPLES: dict[int, tuple[str, tuple[str, str, str]]] = {
    0: ("一位顾客准备买年货", ("{short}门店", "某电商平台", "高端超市")),
    1: ("一位上班族每天买一杯咖啡", ("{short}门店", "便利店现磨咖啡", "外卖平台上的精品咖啡")),
    2: ("一个家庭准备买一台洗衣机", ("{short}", "家电卖场", "品牌官方旗舰店")),
    3: ("一位大学生选一个手机套餐", ("{short}营业厅", "另一家运营商", "虚拟运营商")),
    4: ("一家工厂采购一批劳保用品和紧固件", ("{short}", "工业品电商平台", "本地五金店")),
}
_OFFER_POINTS = {
    "product_value": [80, 75, 85], "service_value": [70, 55, 60],
    "personnel_value": [65, 35, 70], "image_value": [60, 50, 80],
    "money_cost": [100, 80, 120], "time_cost": [25, 10, 30],
    "energy_cost": [15, 10, 20], "physical_cost": [20, 5, 20],
}


def example_offers(group: int | None = None) -> pd.DataFrame:
    """Three competing offers for a typical purchase from ``group``'s company (ours first).

    Scores are points on a 0-100 scale in the columns of :func:`crmlab.value.delivered_value`;
    ``attrs["situation"]`` says who buys what, ``attrs["ours"]`` names our offer.
    """
    from crmlab import datasets
    from crmlab.course import current_group, parse_group

    group = current_group() if group is None else parse_group(group)
    name = datasets.company(group)["name"]
    short = name.replace("有限公司", "").replace("商贸", "").replace("连锁", "")
    situation, names = _OFFER_EXAMPLES[group]
    index = pd.Index([n.format(short=short) for n in names], name="方案")
    out = pd.DataFrame(_OFFER_POINTS, index=index)
    out.attrs.update(situation=situation, ours=index[0], company=name)
    return out
