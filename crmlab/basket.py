"""Association rules between categories (数据挖掘：关联规则), for cross-selling.

A *basket* is what one order holds (``by="order"``) or everything one customer has
ever bought (``by="customer"``).  A rule ``A → B`` reads "baskets with A also hold B":

* **support** (支持度) = share of all baskets that hold A and B;
* **confidence** (置信度) = share of the baskets with A that also hold B;
* **lift** (提升度) = confidence ÷ share of all baskets that hold B.  Above 1: A makes
  B more likely; about 1: unrelated; below 1: A makes B *less* likely, however high
  the confidence looks.

The frequent itemsets and the rules come from mlxtend's ``apriori`` and
``association_rules`` (a well-tested implementation; imported only when a rule is
computed).  This module adds the one-hot baskets, the learner's thresholds with
Chinese errors, readable rules and recommendations for one customer.

>>> lines = crmlab.datasets.load("order_lines")
>>> rules = find_rules(lines, min_support=0.02, min_confidence=0.3)
>>> rules_table(rules).head()
>>> recommend(rules, lines, "C00042")
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.labels import pick

MIN_SUPPORT = 0.02
MIN_CONFIDENCE = 0.3
MIN_LIFT = 0.0
BY = {"order": ("order_id", "订单"), "customer": ("customer_id", "客户")}
ARROW = " → "

__all__ = [
    "ARROW",
    "BY",
    "MIN_CONFIDENCE",
    "MIN_LIFT",
    "MIN_SUPPORT",
    "basket_matrix",
    "customer_items",
    "example_customer",
    "explain_rule",
    "find_rules",
    "recommend",
    "rule_text",
    "rules_table",
    "styled_rules",
]


# ------------------------------------------------------------------ input checks


def _basket_key(by: str) -> str:
    if by not in BY:
        raise CRMDataError(f"by 只能是 \"order\"（按订单）或 \"customer\"（按客户），你给的是 {by!r}。")
    return BY[by][0]


def _check_lines(lines, key: str, item: str) -> None:
    if not isinstance(lines, pd.DataFrame):
        raise CRMDataError("需要订单明细表（DataFrame），请用 crmlab.datasets.load(\"order_lines\") 读取。")
    missing = [c for c in (key, item) if c not in lines.columns]
    if missing:
        raise CRMDataError(
            f"订单明细表缺少列 {'、'.join(missing)}。关联规则要知道“哪一篮”（{key}）买了“什么”（{item}），"
            "请使用 crmlab.datasets.load(\"order_lines\")。"
        )
    if len(lines) == 0:
        raise CRMDataError("订单明细表是空的：没有购买记录，就找不到一起购买的规律。请检查筛选条件。")


def _threshold(value, what: str, upper: float | None = 1.0) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CRMDataError(f"{what}“{value}”不是数字：请写成 0.05 这样的小数（不要写百分号）。") from None
    if not np.isfinite(v):
        raise CRMDataError(f"{what}不能是空值或无穷大。")
    if upper is None:
        if v < 0:
            raise CRMDataError(f"{what}不能是负数（你给的是 {v:g}）。提升度最小是 0，写 0 表示不按提升度筛选。")
        return v
    if not 0 < v <= upper:
        hint = "；如果你想写 5%，请写 0.05" if 1 < v <= 100 else ""
        raise CRMDataError(f"{what}要在 0 到 1 之间（大于 0，最大为 1），你给的是 {v:g}{hint}。")
    return v


# ------------------------------------------------------------------ baskets


def basket_matrix(lines: pd.DataFrame, by: str = "order", item: str = "category") -> pd.DataFrame:
    """One row per basket (order or customer), one True/False column per item."""
    key = _basket_key(by)
    _check_lines(lines, key, item)
    sub = lines[[key, item]].dropna()
    if sub.empty:
        raise CRMDataError(f"订单明细表的 {key} 或 {item} 列全是空值，无法组成购物篮。")
    b_codes, b_index = pd.factorize(sub[key], sort=True)
    items = sorted(sub[item].astype(str).unique())
    i_codes = pd.Categorical(sub[item].astype(str), categories=items).codes
    onehot = np.zeros((len(b_index), len(items)), dtype=bool)
    onehot[b_codes, i_codes] = True
    return pd.DataFrame(onehot, index=pd.Index(b_index, name=key), columns=pd.Index(items, name=item))


def customer_items(lines: pd.DataFrame, customer_id: str, item: str = "category") -> list[str]:
    """Sorted items a customer has bought (empty list: not a buyer)."""
    _check_lines(lines, "customer_id", item)
    got = lines.loc[lines["customer_id"] == customer_id, item].dropna().astype(str)
    return sorted(got.unique())


# ------------------------------------------------------------------ rules


def rule_text(antecedents, consequents) -> str:
    """``"A + B → C"`` for a rule given as two sets (items sorted by name)."""
    return " + ".join(sorted(map(str, antecedents))) + ARROW + " + ".join(sorted(map(str, consequents)))


def _mine(onehot: pd.DataFrame, min_support: float, max_len: int) -> pd.DataFrame:
    from mlxtend.frequent_patterns import apriori, association_rules

    # apriori counts supports with vectorised numpy over the one-hot matrix: with a
    # handful of categories and tens of thousands of baskets it is ~30x faster than
    # fpgrowth, whose tree is built one basket at a time in Python.
    itemsets = apriori(onehot, min_support=min_support, use_colnames=True, max_len=max_len)
    if len(itemsets) == 0 or itemsets["itemsets"].map(len).max() < 2:
        return pd.DataFrame()
    return association_rules(itemsets, num_itemsets=len(onehot), metric="support", min_threshold=min_support,
                             return_metrics=["antecedent support", "consequent support", "support",
                                             "confidence", "lift"])


def _no_rule_message(n_baskets: int, what: str, min_support: float, min_confidence: float, min_lift: float) -> str:
    return (
        f"在 {n_baskets:,} 个{what}购物篮里，找不到同时满足 支持度 ≥ {min_support:.0%}、置信度 ≥ {min_confidence:.0%}、"
        f"提升度 ≥ {min_lift:.2f} 的规则。门槛定得太高了：请先降低最小支持度（例如 0.02），"
        "再降低最小置信度或最小提升度，然后再试。"
    )


def find_rules(lines: pd.DataFrame, min_support: float = MIN_SUPPORT, min_confidence: float = MIN_CONFIDENCE,
               min_lift: float = MIN_LIFT, by: str = "order", item: str = "category", max_len: int = 2) -> pd.DataFrame:
    """Association rules between items of ``lines``, strongest lift first.

    Columns: ``antecedents``, ``consequents`` (frozensets), ``rule`` ("A → B"),
    ``antecedent support``, ``consequent support``, ``support``, ``confidence``, ``lift``.
    ``max_len`` is the largest itemset (2 = rules "one item → one item").
    Ties in lift (A → B and B → A have the same lift) go to the higher confidence.
    ``attrs``: ``by``, ``n_baskets``, the thresholds.
    Raises :class:`~crmlab.CRMDataError` when no rule passes the thresholds.
    """
    min_support = _threshold(min_support, "最小支持度")
    min_confidence = _threshold(min_confidence, "最小置信度")
    min_lift = _threshold(min_lift, "最小提升度", upper=None)
    if not isinstance(max_len, (int, np.integer)) or isinstance(max_len, bool) or max_len < 2:
        raise CRMDataError(f"max_len 是一条规则最多涉及几个类别，至少为 2（你给的是 {max_len!r}）。")
    onehot = basket_matrix(lines, by=by, item=item)
    rules = _mine(onehot, min_support, int(max_len))
    if len(rules):
        keep = (rules["confidence"] >= min_confidence - 1e-12) & (rules["lift"] >= min_lift - 1e-12)
        rules = rules[keep]
    if len(rules) == 0:
        raise CRMDataError(_no_rule_message(len(onehot), BY[by][1], min_support, min_confidence, min_lift))
    rules = rules.assign(rule=[rule_text(a, c) for a, c in zip(rules["antecedents"], rules["consequents"])])
    order = np.lexsort((rules["rule"].to_numpy(), -rules["confidence"].round(12).to_numpy(),
                        -rules["lift"].round(9).to_numpy()))
    cols = ["antecedents", "consequents", "rule", "antecedent support", "consequent support",
            "support", "confidence", "lift"]
    out = rules.iloc[order][cols].reset_index(drop=True)
    out.attrs.update(by=by, n_baskets=len(onehot), min_support=min_support, min_confidence=min_confidence,
                     min_lift=min_lift)
    return out


def _check_rules(rules) -> None:
    need = ["antecedents", "consequents", "support", "confidence", "lift"]
    if not isinstance(rules, pd.DataFrame) or any(c not in rules.columns for c in need):
        raise CRMDataError("需要 find_rules 算出的规则表（含 antecedents、consequents、support、confidence、lift 列）。")


COLUMNS_CN = pick((
    "rule", "support", "confidence", "lift", "antecedent support", "consequent support",
))


def rules_table(rules: pd.DataFrame) -> pd.DataFrame:
    """The rules with Chinese column names: 规则, 前项, 后项, 支持度, 置信度, 提升度, 后项支持度."""
    _check_rules(rules)
    out = pd.DataFrame({
        "规则": [rule_text(a, c) for a, c in zip(rules["antecedents"], rules["consequents"])],
        "前项": [" + ".join(sorted(map(str, a))) for a in rules["antecedents"]],
        "后项": [" + ".join(sorted(map(str, c))) for c in rules["consequents"]],
        "支持度": rules["support"].to_numpy(),
        "置信度": rules["confidence"].to_numpy(),
        "提升度": rules["lift"].to_numpy(),
    })
    if "consequent support" in rules.columns:
        out["后项支持度"] = rules["consequent support"].to_numpy()
    out.index = pd.RangeIndex(1, len(out) + 1, name="排名")
    return out


def styled_rules(rules: pd.DataFrame, top: int | None = None):
    """Display version of :func:`rules_table` (a pandas Styler): the rule, percents and
    2-decimal lifts (without the 前项/后项 columns, which repeat the rule)."""
    table = rules_table(rules).drop(columns=["前项", "后项"])
    if top is not None:
        table = table.head(int(top))
    fmt = {"支持度": "{:.1%}", "置信度": "{:.1%}", "提升度": "{:.2f}", "后项支持度": "{:.1%}"}
    return table.style.format({k: v for k, v in fmt.items() if k in table.columns})


def explain_rule(rule: pd.Series, by: str = "order") -> str:
    """One plain Chinese sentence reading a rule's confidence against its lift."""
    what = BY.get(by, BY["order"])[1]
    a = " + ".join(sorted(map(str, rule["antecedents"])))
    c = " + ".join(sorted(map(str, rule["consequents"])))
    base = rule["confidence"] / rule["lift"] if rule["lift"] > 0 else float("nan")
    verdict = (f"更常同时买{c}，值得交叉销售" if rule["lift"] > 1.05
               else f"买{c}的比例和平均水平差不多，没有关联" if rule["lift"] >= 0.95
               else f"反而更少买{c}，这条规则没有用")
    return (f"买了{a}的{what}中，有 {rule['confidence']:.0%} 也买了{c}；而全部{what}中买{c}的占 {base:.0%}。"
            f"提升度 = {rule['confidence']:.0%} ÷ {base:.0%} ≈ {rule['lift']:.2f}：买了{a}的{what}{verdict}。")


# ------------------------------------------------------------------ recommendations


def _reason(antecedents, consequents, confidence: float, lift: float, per_order: bool) -> str:
    a = "、".join(sorted(map(str, antecedents)))
    c = "、".join(sorted(map(str, consequents)))
    who = f"买{a}的订单中有 {confidence:.0%} 同时买了{c}" if per_order else f"买过{a}的客户中有 {confidence:.0%} 也买过{c}"
    return f"{who}，是平均水平的 {lift:.1f} 倍"


def recommend(rules: pd.DataFrame, lines: pd.DataFrame, customer_id: str, top: int = 3,
              item: str = "category") -> pd.DataFrame:
    """Items to offer ``customer_id`` next: consequents of rules whose antecedents the
    customer holds, that the customer has never bought; only rules with lift > 1.

    One row per item (its strongest rule): 推荐类别, 依据规则, 置信度, 提升度, 理由;
    ranked by lift, then confidence.  ``attrs["bought"]``: what the customer bought.
    An empty frame means no rule applies (``attrs["message"]`` says why).
    """
    _check_rules(rules)
    customer_id = str(customer_id).strip()
    _check_lines(lines, "customer_id", item)
    if customer_id not in set(lines["customer_id"].astype(str)):
        raise CRMDataError(f"订单明细里没有客户 {customer_id}：请检查编号（例如 C00042），潜在客户还没有购买记录。")
    bought = set(customer_items(lines, customer_id, item))
    per_order = rules.attrs.get("by", "order") == "order"
    rows = []
    for a, c, conf, lift in zip(rules["antecedents"], rules["consequents"], rules["confidence"], rules["lift"]):
        if lift > 1 and set(a) <= bought and not (set(c) & bought):
            rows.append({
                "推荐类别": " + ".join(sorted(map(str, c))), "依据规则": rule_text(a, c),
                "置信度": float(conf), "提升度": float(lift),
                "理由": _reason(a, c, conf, lift, per_order),
            })
    cols = ["推荐类别", "依据规则", "置信度", "提升度", "理由"]
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out = out.sort_values(["提升度", "置信度"], ascending=False, kind="stable")
        out = out.drop_duplicates("推荐类别").head(max(int(top), 0)).reset_index(drop=True)
        out.index = pd.RangeIndex(1, len(out) + 1)
    out.attrs["bought"] = sorted(bought)
    if len(out) == 0:
        out.attrs["message"] = (
            f"客户 {customer_id} 买过：{'、'.join(sorted(bought))}。当前的规则里没有“他买过前项、却没买过后项、"
            "且提升度大于 1”的规则，暂时没有可推荐的类别。可以降低门槛，或按客户（by=\"customer\"）找规则。"
        )
    return out


def example_customer(rules: pd.DataFrame, lines: pd.DataFrame, item: str = "category") -> str:
    """A customer of ``lines`` for whom :func:`recommend` gives a recommendation (the lesson's example).

    The customer holds every antecedent but no consequent of the strongest rule with
    lift > 1 and has bought the most items among such customers (ties: smallest id), so
    the example is the same on every run and fits each group's own data.
    Raises :class:`CRMDataError` when no rule has lift > 1 or nobody fits.
    """
    _check_rules(rules)
    _check_lines(lines, "customer_id", item)
    useful = rules[rules["lift"] > 1]
    if useful.empty:
        raise CRMDataError("规则表里没有提升度大于 1 的规则，找不到可以推荐的例子：请降低门槛后再找规则。")
    onehot = basket_matrix(lines, by="customer", item=item)
    for a, c in zip(useful["antecedents"], useful["consequents"]):
        a, c = sorted(map(str, a)), [x for x in map(str, c) if x in onehot.columns]
        if not c or any(x not in onehot.columns for x in a):
            continue
        fits = onehot.index[onehot[a].all(axis=1) & ~onehot[c].any(axis=1)]
        if len(fits):
            size = onehot.loc[fits].sum(axis=1)
            order = sorted(fits, key=lambda cid: (-int(size[cid]), str(cid)))
            return str(order[0])
    raise CRMDataError("没有客户“买过前项、却没买过后项”：每位客户都已经买过推荐的类别了。")
