"""Deterministic generator of the synthetic course company.

All randomness comes from one ``numpy.random.default_rng(seed + group)``; the
draw order is fixed, so the same arguments always give identical frames (and,
through :func:`crmlab.datasets.to_csv_text`, byte-identical files).  The helpers
below are called in that fixed order -- reordering them changes the data.  Two
parts have a random stream of their own: ``order_lines``
(:mod:`crmlab.datasets.order_lines`) and the orders of the growing / stable /
declining customers (:func:`_middle_orders`, with their invoices and order
follow-ups).  The main stream still draws those customers' orders as before and
then drops them, so every other customer's rows are unchanged.

Structure built in (checked by ``tests/domain/test_datasets.py``):

* spend is Pareto-like (log-normal customer value), top 20% bring 60-80%;
* each buyer follows one life-cycle pattern (new / growing / stable /
  declining / lost), ~15% of customers are leads that never buy; growing,
  stable and declining customers buy often (2.5 times the base rate) and
  growing / declining ones change fast, so that plain-number rules on the
  purchase timing recover each pattern for 80% or more of its customers;
* about one in seven of the lost customers whose last order leaves room for it
  come back 380-560 days later (won back, 挽回; ``customer_truth`` pattern
  ``won_back``), with 1-4 cash orders from a random stream of their own;
* demand follows a monthly profile plus named peaks (春节, 618, 双11 ...);
* satisfaction is higher for growing/stable customers and raises purchase rate;
* survey answers come from four lifestyle segments and four buyer types;
* business customers get payment terms; invoice payment depends on a latent
  credit quality, so overdue amounts fall in every ageing bucket;
* ``raw_records`` re-describes a sample of people as messy department records;
* ``order_lines`` splits each order into categories bought together (a planted
  cross-selling pair and a staple category, see ``_order_lines``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlab.course import COURSE_DATE
from crmlab.datasets import order_lines as _order_lines
from crmlab.datasets import pools as P
from crmlab.datasets._companies import Company, get_company

START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2025-12-31")
AS_OF = pd.Timestamp(COURSE_DATE)
DAYS = pd.date_range(START, END, freq="D")
N_DAYS = len(DAYS)

PATTERNS = ("lead", "new", "growing", "stable", "declining", "lost")
PATTERN_SHARE = (0.15, 0.11, 0.14, 0.26, 0.15, 0.19)
PATTERN_CN = {
    "lead": "潜在客户", "new": "新客户", "growing": "成长客户",
    "stable": "稳定客户", "declining": "衰退客户", "lost": "流失客户",
    "won_back": "挽回客户",  # a lost customer who came back (customer_truth only; generated as "lost")
}
BUYER_TYPES = ("灯塔型", "跟随型", "理性型", "逐利型")
SEGMENTS = ("品质生活型", "精打细算型", "时尚社交型", "便捷忙碌型")

SPRING_FESTIVAL = (pd.Timestamp("2024-02-10"), pd.Timestamp("2025-01-29"))
MID_AUTUMN = (pd.Timestamp("2024-09-17"), pd.Timestamp("2025-10-06"))

# ---------------------------------------------------------------- calendar


def _window(start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    return np.asarray((start <= DAYS) & (end >= DAYS)).astype(float)


def _event_windows() -> dict[str, np.ndarray]:
    w: dict[str, np.ndarray] = {}
    d = pd.Timedelta
    w["spring"] = sum(_window(c - d(days=21), c - d(days=1)) for c in SPRING_FESTIVAL)
    w["spring_holiday"] = sum(_window(c, c + d(days=6)) for c in SPRING_FESTIVAL)
    w["resume"] = sum(_window(c + d(days=14), c + d(days=60)) for c in SPRING_FESTIVAL)
    w["midautumn"] = sum(_window(c - d(days=14), c - d(days=1)) for c in MID_AUTUMN)
    w["618"] = sum(_window(pd.Timestamp(f"{y}-06-01"), pd.Timestamp(f"{y}-06-18")) for y in (2024, 2025))
    w["618"] = w["618"] + 2 * sum(_window(pd.Timestamp(f"{y}-06-18"), pd.Timestamp(f"{y}-06-18")) for y in (2024, 2025))
    w["1111"] = sum(_window(pd.Timestamp(f"{y}-11-01"), pd.Timestamp(f"{y}-11-11")) for y in (2024, 2025))
    w["1111"] = w["1111"] + 3 * sum(_window(pd.Timestamp(f"{y}-11-11"), pd.Timestamp(f"{y}-11-11")) for y in (2024, 2025))
    w["1212"] = sum(_window(pd.Timestamp(f"{y}-12-12"), pd.Timestamp(f"{y}-12-12")) for y in (2024, 2025))
    w["national"] = sum(_window(pd.Timestamp(f"{y}-10-01"), pd.Timestamp(f"{y}-10-07")) for y in (2024, 2025))
    w["summer"] = sum(_window(pd.Timestamp(f"{y}-07-01"), pd.Timestamp(f"{y}-08-31")) for y in (2024, 2025))
    w["school"] = sum(_window(pd.Timestamp(f"{y}-08-25"), pd.Timestamp(f"{y}-09-20")) for y in (2024, 2025))
    w["dec"] = sum(_window(pd.Timestamp(f"{y}-12-10"), pd.Timestamp(f"{y}-12-31")) for y in (2024, 2025))
    w["labour"] = sum(_window(pd.Timestamp(f"{y}-05-01"), pd.Timestamp(f"{y}-05-05")) for y in (2024, 2025))
    w["newyear"] = sum(_window(pd.Timestamp(f"{y}-01-01"), pd.Timestamp(f"{y}-01-03")) for y in (2024, 2025))
    return w


PROMO_EVENTS = ("618", "1111")


def _demand_curves(co: Company, win: dict[str, np.ndarray]):
    """Daily base demand B(t) and promotion demand P(t) (before customer factors)."""
    month = DAYS.month.to_numpy() - 1
    mf = np.asarray(co.month_factor)[month]
    base = np.ones(N_DAYS)
    promo = np.zeros(N_DAYS)
    for ev, strength in co.events.items():
        if ev in PROMO_EVENTS:
            promo += strength * win[ev]
        else:
            base += strength * win[ev]
    base = np.maximum(base, 0.15)
    return mf * base, mf * promo


def _occasion(win: dict[str, np.ndarray]) -> np.ndarray:
    promo = (win["618"] + win["1111"] + win["1212"]) > 0
    holiday = (win["spring"] + win["spring_holiday"] + win["national"] + win["midautumn"]
               + win["labour"] + win["newyear"]) > 0
    occ = np.full(N_DAYS, "日常", dtype=object)
    occ[holiday] = "节假日"
    occ[promo] = "促销"
    return occ


# ---------------------------------------------------------------- helpers


def _choice(rng, options, p, size):
    p = np.asarray(p, float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p / p.sum())]


def _id_check_digit(body17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    s = sum(int(c) * w for c, w in zip(body17, weights))
    return "10X98765432"[s % 11]


def id_check_digit(body17: str) -> str:
    """GB 11643 check digit of the first 17 digits of a resident ID number."""
    return _id_check_digit(body17)


def _likert(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x), 1, 5).astype(int)


def _day(ts) -> int:
    return int((pd.Timestamp(ts) - START).days)


# ---------------------------------------------------------------- customers


def _make_people(rng, n: int, female_share: float = 0.5):
    """Names, genders, birth dates, phones, e-mails for n individuals (pools only)."""
    sur = np.array([s for s, _, _ in P.SURNAMES], dtype=object)
    sur_py = np.array([p for _, p, _ in P.SURNAMES], dtype=object)
    sw = np.array([w for _, _, w in P.SURNAMES])
    si = rng.choice(len(sur), size=n, p=sw / sw.sum())
    female = rng.random(n) < female_share
    two = rng.random(n) < 0.7
    names, pys = [], []
    for k in range(n):
        pool = P.GIVEN_FEMALE if female[k] else P.GIVEN_MALE
        a = pool[rng.integers(len(pool))]
        if two[k]:
            b = pool[rng.integers(len(pool))]
            given, gpy = a[0] + b[0], a[1] + b[1]
        else:
            given, gpy = a[0], a[1]
        names.append(sur[si[k]] + given)
        pys.append((sur_py[si[k]], gpy))
    age = np.clip(rng.normal(38, 11, n), 18, 74)
    birth_off = np.floor(age * 365.25).astype(int) + rng.integers(0, 365, n)
    birth = (pd.Timestamp("2025-12-31") - pd.to_timedelta(birth_off, unit="D")).normalize()
    return names, pys, np.where(female, "女", "男"), birth


def _unique_phones(rng, n: int, used: set) -> list[str]:
    out = []
    pre = P.PHONE_PREFIXES
    while len(out) < n:
        ph = pre[rng.integers(len(pre))] + f"{rng.integers(0, 10**8):08d}"
        if ph not in used:
            used.add(ph)
            out.append(ph)
    return out


def _email(rng, py: tuple[str, str], used: set) -> str:
    doms = [d for d, _ in P.PERSONAL_MAIL_DOMAINS]
    dw = np.array([w for _, w in P.PERSONAL_MAIL_DOMAINS])
    while True:
        style = rng.integers(4)
        s, g = py
        if style == 0:
            user = f"{s}{g}{rng.integers(1, 1000)}"
        elif style == 1:
            user = f"{g}.{s}{rng.integers(70, 100)}"
        elif style == 2:
            user = f"{s}_{g}{rng.integers(10, 100)}"
        else:
            user = f"{s[0]}{g}{rng.integers(1000, 10000)}"
        dom = doms[rng.choice(len(doms), p=dw / dw.sum())]
        e = f"{user}@{dom}"
        if e not in used:
            used.add(e)
            return e


def _id_number(rng, code: str, birth: pd.Timestamp, female: bool, used: set) -> str:
    while True:
        seq = 900 + rng.integers(0, 50) * 2 + (0 if female else 1)  # 900-999, parity = sex
        body = f"{code}{birth:%Y%m%d}{seq:03d}"
        full = body + _id_check_digit(body)
        if full not in used:
            used.add(full)
            return full


def _address(rng, city: str, district: str, business: bool) -> str:
    street = P.STREETS[rng.integers(len(P.STREETS))]
    num = rng.integers(1, 400)
    base = f"{city}市{district}{street}{num}号"
    if business:
        return base + f"{rng.integers(1, 25)}层"
    return base + f"{rng.integers(1, 30)}栋{rng.integers(1, 6)}单元{rng.integers(1, 33)}{rng.integers(1, 5):02d}室"


def _company_name(rng, co: Company, city: str, brands_used: set) -> tuple[str, str]:
    """A new company name in ``city`` (and the pinyin of its brand word for the e-mail)."""
    ind = co.client_industries[rng.integers(len(co.client_industries))][0]
    while True:
        b, bpy = P.BRAND_WORDS[rng.integers(len(P.BRAND_WORDS))]
        cname = f"{city}{b}{ind}有限公司" if ind not in ("学校",) else f"{city}{b}学校"
        if cname not in brands_used:
            break
        if rng.random() < 0.5:
            b2 = P.BRAND_WORDS[rng.integers(len(P.BRAND_WORDS))][0]
            cname = f"{city}{b}{b2}{ind}有限公司"
            if cname not in brands_used:
                break
    brands_used.add(cname)
    return cname, bpy


def _business_identity(rng, co: Company, k: int, city: str, cpy: str, district: str, brands_used: set) -> tuple:
    """(name, email, id_number, gender, birth_date, address) of a business customer."""
    cname, bpy = _company_name(rng, co, city, brands_used)
    box = ["caigou", "purchase", "office", "finance"][rng.integers(4)]
    email = f"{box}{rng.integers(1, 100)}@{bpy}{cpy}{k % 97}.com.cn"
    return cname, email, None, None, pd.NaT, _address(rng, city, district, True)


def _customers(rng, co: Company, n: int):
    cities = P.CITIES
    cw = np.array([c[6] for c in cities])
    ci = rng.choice(len(cities), size=n, p=cw / cw.sum())
    business = rng.random(n) < co.business_share
    pattern = _choice(rng, PATTERNS, PATTERN_SHARE, n)
    value = np.exp(rng.normal(0, 0.9, n))
    female_share = 0.6 if co.group == 1 else 0.5
    names, pys, gender, birth = _make_people(rng, n, female_share)
    used_phone: set = set()
    phones = _unique_phones(rng, n, used_phone)
    used_mail: set = set()
    used_id: set = set()
    brands_used: set = set()
    name_col, email_col, id_col, gender_col, birth_col, addr_col = [], [], [], [], [], []
    for k in range(n):
        city, cpy, _tier, _region, district, code, _ = cities[ci[k]]
        if business[k]:
            row = _business_identity(rng, co, k, city, cpy, district, brands_used)
        else:
            row = (names[k], _email(rng, pys[k], used_mail), _id_number(rng, code, birth[k], gender[k] == "女", used_id),
                   gender[k], birth[k], _address(rng, city, district, False))
        for col, v in zip((name_col, email_col, id_col, gender_col, birth_col, addr_col), row):
            col.append(v)
    df = pd.DataFrame({
        "customer_type": np.where(business, "企业", "个人"),
        "name": name_col,
        "gender": gender_col,
        "birth_date": pd.to_datetime(pd.Series(birth_col, dtype="datetime64[ns]")),
        "city": [cities[i][0] for i in ci],
        "city_tier": [cities[i][2] for i in ci],
        "region": [cities[i][3] for i in ci],
        "address": addr_col,
        "phone": phones,
        "email": email_col,
        "id_number": id_col,
    })
    df["_city_index"] = ci
    df["_pattern"] = pattern
    df["_value"] = value
    df["_business"] = business
    return df


# ---------------------------------------------------------------- main entry


SATISFACTION_SHIFT = {"lead": 0.0, "new": 0.2, "growing": 0.6, "stable": 0.35, "declining": -0.6, "lost": -0.9}
# buyer type (灯塔型, 跟随型, 理性型, 逐利型) given the lifestyle segment
BUYER_TYPE_GIVEN_SEGMENT = np.array([
    [0.25, 0.40, 0.30, 0.05],  # 品质生活型
    [0.03, 0.22, 0.40, 0.35],  # 精打细算型
    [0.40, 0.45, 0.10, 0.05],  # 时尚社交型
    [0.08, 0.50, 0.30, 0.12],  # 便捷忙碌型
])
ACQ_PERSON = {"门店": 0.3, "官网": 0.1, "微信小程序": 0.2, "电商平台": 0.18, "电话销售": 0.07, "展会": 0.02, "老客户推荐": 0.13}
ACQ_BUSINESS = {"门店": 0.05, "官网": 0.12, "微信小程序": 0.03, "电商平台": 0.05, "电话销售": 0.35, "展会": 0.25, "老客户推荐": 0.15}
SOURCE_OF_CHANNEL = {"门店": "门店登记", "官网": "线上注册", "微信小程序": "线上注册", "电商平台": "线上注册",
                     "电话销售": "销售部录入", "展会": "市场活动", "老客户推荐": "门店登记"}
NO_DATE = -10**6  # "never targeted"
UNPAID = 10**6  # "never paid"


def _latent_traits(rng, co: Company, n: int, pattern: np.ndarray, business: np.ndarray) -> dict:
    """Satisfaction, lifestyle segment, buyer type, promotion affinity, credit quality, role."""
    z_sat = rng.normal(0, 0.8, n) + np.array([SATISFACTION_SHIFT[p] for p in pattern])
    seg = rng.choice(4, size=n, p=[0.26, 0.3, 0.22, 0.22])
    btype = np.array([rng.choice(4, p=BUYER_TYPE_GIVEN_SEGMENT[s]) for s in seg])
    promo_aff = np.array([0.9, 1.0, 0.7, 2.6])[btype] * np.exp(rng.normal(0, 0.3, n))
    credit_q = rng.normal(0, 1, n)
    role = np.where(business & (rng.random(n) < co.intermediary_share), "中间商", "终端客户")
    return {"z_sat": z_sat, "seg": seg, "btype": btype, "promo_aff": promo_aff, "credit_q": credit_q, "role": role}


def _timeline(rng, p: str) -> tuple[int, int, int]:
    """(start, end exclusive, signup day) of one customer with life-cycle pattern ``p``."""
    start, end, signup = 0, N_DAYS, 0
    if p == "lead":
        signup = rng.integers(0, N_DAYS - 10)
        start = N_DAYS
    elif p == "new":
        start = rng.integers(_day("2025-07-01"), _day("2025-11-30"))
        signup = start - rng.integers(0, 10)
    elif p == "growing":
        if rng.random() < 0.5:  # acquired in the period
            start = rng.integers(0, 180)
            signup = start - rng.integers(0, 15)
        else:
            signup = -rng.integers(30, 1500)
    elif p == "lost":
        if rng.random() < 0.3:
            start = rng.integers(0, 150)
            signup = start - rng.integers(0, 15)
        else:
            signup = -rng.integers(30, 1800)
        end = rng.integers(max(start + 60, _day("2024-05-01")), _day("2025-05-31"))
    else:  # stable, declining
        signup = -rng.integers(30, 2000)
    return start, end, signup


def _timelines(rng, pattern: np.ndarray):
    start = np.zeros(len(pattern), dtype=int)
    end = np.full(len(pattern), N_DAYS, dtype=int)  # exclusive
    signup_day = np.zeros(len(pattern), dtype=int)  # relative to START, may be negative
    for k, p in enumerate(pattern):
        start[k], end[k], signup_day[k] = _timeline(rng, p)
    return start, end, signup_day


def _trend(p: str, u: np.ndarray) -> np.ndarray:
    if p == "growing":
        return 0.3 + 1.8 * u
    if p == "declining":
        return 1.7 - 1.5 * u
    if p == "new":
        return np.full(N_DAYS, 1.3)
    return np.ones(N_DAYS)


#: Growing, stable and declining customers: their orders come from a random stream of their own
#: (third element of the seed sequence), with a stronger trend and more orders than the main stream's
#: (so that plain-number life-cycle rules recover each pattern for at least 80 % of its customers).
MIDDLE_PATTERNS = ("growing", "stable", "declining")
PATTERN_STREAM = 0x70617478  # "patx"; on this stream group 0 still sells more in August 2025 than in July (lesson 2)
MIDDLE_ORDERS = 2.5  # factor on the purchase rate of these customers
MIDDLE_SPREAD = 0.5  # their rates differ less than the main stream's (rate relative to the mean ** this)


def _middle_trend(p: str, u: np.ndarray) -> np.ndarray:
    """Purchase-rate factor of a growing / stable / declining customer at relative time ``u`` (0-1)."""
    if p == "growing":
        return 0.05 + 2.4 * u
    if p == "declining":
        return 2.2 - 2.15 * u
    return np.ones_like(u)


def _purchase_rates(co: Company, business, value, z_sat) -> np.ndarray:
    """Expected orders per day of each customer before trend, season and weekday."""
    freq = np.where(business, co.freq_business, co.freq_person) / 30.44
    rate = freq * value ** 0.55 * np.exp(0.25 * z_sat)
    return rate / np.mean(np.exp(0.25 * z_sat)) / np.mean(value ** 0.55)


def _purchases(rng, co: Company, win: dict, business, pattern, value, traits: dict, start, end,
               buyers=None, trend=None, factor: float = 1.0, spread: float = 1.0):
    """(customer index, day) of every order of ``buyers`` (default: every non-lead), sorted by day then customer.

    ``trend(pattern, u)`` (default :func:`_trend`) and ``factor`` shape the purchase rate; ``spread`` < 1
    narrows the differences in rate between customers (rate relative to the mean, to the power ``spread``).
    """
    B, Pm = _demand_curves(co, win)
    dow = np.asarray(DAYS.day_of_week)
    week_person = np.where(dow >= 5, 1.2, 0.92)
    week_business = np.where(dow >= 5, 0.35, 1.26)
    buyers = np.flatnonzero(pattern != "lead") if buyers is None else np.asarray(buyers, dtype=int)
    trend = _trend if trend is None else trend
    t = np.arange(N_DAYS)
    rate = _purchase_rates(co, business, value, traits["z_sat"])
    if spread != 1.0:
        mean = np.where(business, co.freq_business, co.freq_person) / 30.44
        rate = mean * (rate / mean) ** spread
    rate = factor * rate
    counts = np.zeros((len(buyers), N_DAYS), dtype=np.int64)
    for j, k in enumerate(buyers):
        s, e = start[k], end[k]
        u = np.clip((t - s) / max(N_DAYS - s, 1), 0, 1)
        active = (t >= s) & (t < e)
        week = week_business if business[k] else week_person
        lam = rate[k] * trend(pattern[k], u) * (B + traits["promo_aff"][k] * Pm) * week * active
        counts[j] = rng.poisson(lam)
        # first purchase on the start day for customers acquired in the period
        if s > 0 and counts[j, s] == 0:
            counts[j, s] = 1
        if counts[j].sum() == 0:
            days_active = np.flatnonzero(active)
            counts[j, days_active[rng.integers(len(days_active))]] = 1
    jj, dd = np.nonzero(counts)
    reps = counts[jj, dd]
    o_cust = np.repeat(buyers[jj], reps)
    o_day = np.repeat(dd, reps)
    order_idx = np.lexsort((o_cust, o_day))
    return o_cust[order_idx], o_day[order_idx]


def _order_categories(rng, co: Company, win: dict, cust: pd.DataFrame, business, o_cust, o_day) -> np.ndarray:
    """Category index of every order: customer preference x event weights."""
    cats = co.categories
    n_cat = len(cats)
    pref = rng.dirichlet(np.full(n_cat, 0.9), size=len(business))
    pref = pref * np.where(business[:, None], [[c.bweight for c in cats]], [[c.weight for c in cats]])
    age_z = np.nan_to_num((cust["birth_date"].dt.year.to_numpy(dtype=float, na_value=np.nan) - 1987) / -12.0)
    tilt = np.array([c.age_tilt for c in cats])
    pref = pref * np.exp(np.where(business[:, None], 0.0, age_z[:, None] * tilt[None, :]))
    pref[pref.sum(axis=1) == 0] = 1.0
    ev_w = np.ones((N_DAYS, n_cat))
    for c, cat in enumerate(cats):
        for ev, w in cat.events.items():
            ev_w[:, c] += w * np.minimum(win[ev], 1)
    pw = pref[o_cust] * ev_w[o_day]
    pw /= pw.sum(axis=1, keepdims=True)
    u = rng.random(len(o_cust))
    return np.minimum((pw.cumsum(axis=1) < u[:, None]).sum(axis=1), n_cat - 1)


def _order_values(rng, co: Company, win: dict, business, value, role, o_cust, o_day, o_cat) -> dict:
    """Quantity, amount, cost, gross profit and occasion of every order."""
    cats = co.categories
    n_orders = len(o_cust)
    unit_price = np.array([c.unit_price for c in cats])[o_cat]
    margin = np.array([c.margin for c in cats])[o_cat]
    biz_o = business[o_cust]
    basket = value[o_cust] ** 0.3
    unit = unit_price * np.exp(rng.normal(0, 0.3, n_orders)) * np.where(biz_o, co.business_discount, 1.0)
    qty_person = 1 + rng.poisson(co.qty_person * basket)
    resale = np.where(role[o_cust] == "中间商", 1.8, 1.0)  # intermediaries buy in larger lots
    qty_biz = np.maximum(1, np.rint(co.qty_business * basket * resale * np.exp(rng.normal(0, 0.5, n_orders))))
    qty = np.where(biz_o, qty_biz, qty_person).astype(int)
    amount = np.round(unit * qty, 2)
    occ = _occasion(win)[o_day]
    m = margin + rng.normal(0, 0.04, n_orders) - np.where(biz_o, 0.04, 0) - np.where(occ == "促销", 0.06, 0)
    m = np.clip(m, -0.05, 0.9)
    cost = np.round(amount * (1 - m), 2)
    return {"quantity": qty, "amount": amount, "cost": cost, "gross_profit": np.round(amount - cost, 2), "occasion": occ}


def _payment_terms(rng, co: Company, business, credit_q, o_cust):
    """Payment terms (days, 0 = cash) of each customer and which orders are on credit."""
    n = len(business)
    terms = np.zeros(n, dtype=int)
    has_terms = business & (rng.random(n) < co.credit_share)
    terms_opts = np.array([30, 60, 90])
    tp = np.where(credit_q[:, None] > 0, [[0.4, 0.4, 0.2]], [[0.6, 0.3, 0.1]])
    terms_draw = np.array([rng.choice(3, p=tp[k]) for k in range(n)])
    terms[has_terms] = terms_opts[terms_draw[has_terms]]
    credit_order = (terms[o_cust] > 0) & (rng.random(len(o_cust)) < 0.85)
    return terms, credit_order


def _order_channels(rng, co: Company, business, o_cust) -> np.ndarray:
    """Sales channel of every order: each customer mostly uses one channel."""
    n, n_orders = len(business), len(o_cust)
    pch, bch = list(co.person_channels), list(co.business_channels)
    p_p, p_b = np.array(list(co.person_channels.values())), np.array(list(co.business_channels.values()))
    main_p = rng.choice(len(pch), size=n, p=p_p)
    main_b = rng.choice(len(bch), size=n, p=p_b)
    stick = rng.random(n_orders) < 0.75
    rand_p = rng.choice(len(pch), size=n_orders, p=p_p)
    rand_b = rng.choice(len(bch), size=n_orders, p=p_b)
    ch_p = np.asarray(pch, dtype=object)[np.where(stick, main_p[o_cust], rand_p)]
    ch_b = np.asarray(bch, dtype=object)[np.where(stick, main_b[o_cust], rand_b)]
    return np.where(business[o_cust], ch_b, ch_p)


def _customer_ids(rng, signup_day) -> np.ndarray:
    """Ids "C00001"... numbered by signup day (random order within a day)."""
    n = len(signup_day)
    order_of = np.lexsort((rng.random(n), signup_day))
    new_index = np.empty(n, dtype=int)
    new_index[order_of] = np.arange(n)
    return np.array([f"C{i + 1:05d}" for i in new_index], dtype=object)


def _orders_frame(co: Company, cid, o: dict) -> pd.DataFrame:
    """The ``orders`` table of the order arrays ``o`` (see :func:`_merge_orders`)."""
    return pd.DataFrame({
        "order_id": [f"O{i + 1:07d}" for i in range(len(o["cust"]))],
        "customer_id": cid[o["cust"]],
        "order_date": DAYS[o["day"]],
        "category": np.asarray([c.name for c in co.categories], dtype=object)[o["cat"]],
        "quantity": o["quantity"],
        "amount": o["amount"],
        "cost": o["cost"],
        "gross_profit": o["gross_profit"],
        "payment_method": np.where(o["credit"], "赊销", "现金"),
        "channel": o["channel"],
        "occasion": o["occasion"],
    })


def _middle_orders(seed, group, co: Company, win: dict, cust, business, pattern, value, traits: dict, start, end,
                   terms) -> tuple:
    """(random stream, order arrays) of the growing / stable / declining customers.

    Drawn from a random stream of their own (``PATTERN_STREAM``), so the main stream -- and with it
    every other customer and table -- is the same as before these patterns were made clearer.
    """
    rng = np.random.default_rng([int(seed), int(group), PATTERN_STREAM])
    buyers = np.flatnonzero(np.isin(pattern, MIDDLE_PATTERNS))
    o_cust, o_day = _purchases(rng, co, win, business, pattern, value, traits, start, end,
                               buyers=buyers, trend=_middle_trend, factor=MIDDLE_ORDERS, spread=MIDDLE_SPREAD)
    o_cat = _order_categories(rng, co, win, cust, business, o_cust, o_day)
    values = _order_values(rng, co, win, business, value, traits["role"], o_cust, o_day, o_cat)
    credit = (terms[o_cust] > 0) & (rng.random(len(o_cust)) < 0.85)
    channel = _order_channels(rng, co, business, o_cust)
    return rng, {"cust": o_cust, "day": o_day, "cat": o_cat, **values, "credit": credit, "channel": channel}


def _merge_orders(main: dict, new: dict, replaced: np.ndarray) -> tuple[dict, np.ndarray, np.ndarray]:
    """Orders of ``main`` except those of the ``replaced`` customers, plus ``new``, by day then customer.

    Also returns the position of every ``main`` order (-1: dropped) and of every ``new`` order.
    """
    keep = ~replaced[main["cust"]]
    both = {key: np.concatenate([main[key][keep], new[key]]) for key in main}
    order = np.lexsort((both["cust"], both["day"]))  # stable: a customer's orders of one day keep their order
    pos = np.empty(len(order), dtype=int)
    pos[order] = np.arange(len(order))
    main_pos = np.full(len(keep), -1)
    main_pos[keep] = pos[: keep.sum()]
    return {key: v[order] for key, v in both.items()}, main_pos, pos[keep.sum():]


#: Won-back customers: some lost customers come back after more than a year without buying (挽回的
#:流失客户).  Their return orders come from a random stream of their own, added after every other
#: table is drawn, so the main stream and the other customers stay as they were.
WON_BACK_STREAM = 0x77696E62  # "winb"
WON_BACK_SHARE = 0.15  # of the lost customers whose last order leaves room for a return before the course date
WON_BACK_GAP = (380, 560)  # days from the last order to the return (the course's churn rule is 365 days)


def _won_back_orders(seed, group, co: Company, win: dict, cust, business, pattern, value, traits: dict,
                     final: dict) -> tuple[dict, np.ndarray]:
    """(order arrays, customer mask) of the won-back customers' return orders: 1-4 cash orders, the first
    one 380-560 days after the customer's last order, the others 15-45 days apart, all before the course date."""
    rng = np.random.default_rng([int(seed), int(group), WON_BACK_STREAM])
    last = np.full(len(pattern), -1)
    lo = pd.Series(final["day"]).groupby(final["cust"]).max()
    last[lo.index.to_numpy()] = lo.to_numpy()
    room = (pattern == "lost") & (last >= 0) & (last + WON_BACK_GAP[0] < N_DAYS - 1)
    chosen = np.flatnonzero(room)[rng.random(int(room.sum())) < WON_BACK_SHARE]
    o_cust, o_day = [], []
    for k in chosen:
        day = last[k] + rng.integers(*WON_BACK_GAP)
        for _ in range(rng.integers(1, 5)):
            if day >= N_DAYS:
                break
            o_cust.append(k)
            o_day.append(min(day, N_DAYS - 1))
            day += rng.integers(15, 46)
    o_cust, o_day = np.asarray(o_cust, dtype=int), np.asarray(o_day, dtype=int)
    order = np.lexsort((o_cust, o_day))
    o_cust, o_day = o_cust[order], o_day[order]
    o_cat = _order_categories(rng, co, win, cust, business, o_cust, o_day)
    values = _order_values(rng, co, win, business, value, traits["role"], o_cust, o_day, o_cat)
    won = {"cust": o_cust, "day": o_day, "cat": o_cat, **values, "credit": np.zeros(len(o_cust), dtype=bool),
           "channel": _order_channels(rng, co, business, o_cust)}
    mask = np.zeros(len(pattern), dtype=bool)
    mask[o_cust] = True
    return won, mask


def _with_won_back(seed, group, co, win, cust, business, pattern, value, traits, final, main_pos, new_pos) -> tuple:
    """The won-back customers (mask) and ``final`` with their return orders added (cash: no invoices);
    ``main_pos`` / ``new_pos`` (where the main-stream and pattern-stream orders are) moved to match."""
    won, won_back = _won_back_orders(seed, group, co, win, cust, business, pattern, value, traits, final)
    final, moved, _ = _merge_orders(final, won, np.zeros(len(pattern), dtype=bool))
    return won_back, final, np.where(main_pos >= 0, moved[np.maximum(main_pos, 0)], -1), moved[new_pos]


def _all_invoices(rng, rng2, cid, main: dict, new: dict, main_pos, new_pos, ids, terms, credit_q) -> pd.DataFrame:
    """Invoices of the kept ``main`` credit orders (main stream) and of the ``new`` ones (``rng2``), numbered."""
    main_ids = np.where(main_pos >= 0, ids[np.maximum(main_pos, 0)], None)
    a = _invoices(rng, cid, main["cust"], main["day"], main["credit"], terms, credit_q, main["amount"], main_ids)
    b = _invoices(rng2, cid, new["cust"], new["day"], new["credit"], terms, credit_q, new["amount"], ids[new_pos])
    inv = pd.concat([a[a["order_id"].notna()], b], ignore_index=True).sort_values("order_id", kind="stable")
    inv["invoice_id"] = [f"INV{i + 1:06d}" for i in range(len(inv))]
    return inv.reset_index(drop=True)


def _acquisition(rng, business, pattern):
    """Acquisition channel, data source and marketing consent of each customer."""
    n = len(business)
    acq = np.where(
        business,
        _choice(rng, list(ACQ_BUSINESS), list(ACQ_BUSINESS.values()), n),
        _choice(rng, list(ACQ_PERSON), list(ACQ_PERSON.values()), n),
    )
    source = np.array([SOURCE_OF_CHANNEL[a] for a in acq], dtype=object)
    bought_list = (pattern == "lead") & (acq == "电话销售") & (rng.random(n) < 0.7)
    bought_list |= (pattern == "lead") & (rng.random(n) < 0.15)
    source[bought_list] = "外购名单"
    acq[bought_list & (acq != "电话销售")] = "电话销售"
    consent = rng.random(n) < np.where(source == "外购名单", 0.35, 0.72)
    return acq, source, consent


def _targeting(rng, pattern, source, acq, start, signup_day, o_cust, o_day) -> np.ndarray:
    """Day sales first targeted each customer (NO_DATE: never); moves ``signup_day`` earlier if needed."""
    n = len(pattern)
    first_order = np.full(n, -1)
    fo = pd.Series(o_day).groupby(o_cust).min()
    first_order[fo.index.to_numpy()] = fo.to_numpy()
    targeted = np.full(n, NO_DATE)
    for k in range(n):
        if pattern[k] == "lead":
            if (rng.random() < 0.5 or source[k] == "外购名单") and rng.random() < 0.8:
                targeted[k] = min(signup_day[k] + rng.integers(1, 90), N_DAYS - 1)
        elif acq[k] in ("电话销售", "展会") and start[k] > 0:
            targeted[k] = first_order[k] - rng.integers(5, 60)
            signup_day[k] = min(signup_day[k], targeted[k])
    return targeted


def _optional_dates(days: np.ndarray, missing: np.ndarray) -> np.ndarray:
    dates = pd.Series(START + pd.to_timedelta(np.where(missing, 0, days), unit="D"))
    dates[missing] = pd.NaT
    return dates.to_numpy()


def _customers_frame(cust: pd.DataFrame, cid, acq, source, signup_day, consent, role, targeted) -> pd.DataFrame:
    birth = cust["birth_date"]
    return pd.DataFrame({
        "customer_id": cid,
        "customer_type": cust["customer_type"],
        "name": cust["name"],
        "gender": cust["gender"],
        "birth_date": birth,
        "age": (2025 - birth.dt.year).astype(float),  # every birthday has passed by 2025-12-31
        "city": cust["city"],
        "city_tier": cust["city_tier"],
        "region": cust["region"],
        "address": cust["address"],
        "acquisition_channel": acq,
        "source": source,
        "signup_date": START + pd.to_timedelta(signup_day, unit="D"),
        "phone": cust["phone"],
        "email": cust["email"],
        "id_number": cust["id_number"],
        "consent_marketing": consent,
        "customer_role": role,
        "targeted_date": _optional_dates(targeted, targeted <= NO_DATE),
    })


def _truth_frame(cid, pattern, business, traits: dict) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": cid,
        "pattern": pattern,
        "pattern_cn": [PATTERN_CN[p] for p in pattern],
        "buyer_type": np.where(business, None, np.asarray(BUYER_TYPES, dtype=object)[traits["btype"]]),
        "psycho_segment": np.where(business, None, np.asarray(SEGMENTS, dtype=object)[traits["seg"]]),
        "credit_quality": np.where(business, np.round(traits["credit_q"], 2), np.nan),
    })


def _invoices(rng, cid, o_cust, o_day, credit_order, terms, credit_q, amount, order_ids) -> pd.DataFrame:
    """One invoice per credit order; payment depends on the customer's credit quality."""
    inv_rows = np.flatnonzero(credit_order)
    ic = o_cust[inv_rows]
    issue = o_day[inv_rows]
    due = issue + terms[ic]
    q = credit_q[ic]
    p_default = 1 / (1 + np.exp(4.4 + 1.6 * q))
    p_late = 1 / (1 + np.exp(1.2 + 1.3 * q))
    r = rng.random(len(inv_rows))
    late_days = np.ceil(rng.exponential(np.where(q < -1, 45, 20)))
    early = np.floor(rng.random(len(inv_rows)) * terms[ic] * 0.6).astype(int)
    paid = np.where(r < p_default, UNPAID, np.where(r < p_default + p_late, due + late_days, due - early)).astype(int)
    paid = np.where(paid >= N_DAYS, UNPAID, paid)  # not paid by 2025-12-31
    return pd.DataFrame({
        "invoice_id": [f"INV{i + 1:06d}" for i in range(len(inv_rows))],
        "customer_id": cid[ic],
        "amount": amount[inv_rows],
        "issue_date": DAYS[issue],
        "due_date": START + pd.to_timedelta(due, unit="D"),
        "paid_date": _optional_dates(paid, paid >= UNPAID),
        "order_id": order_ids[inv_rows],
    })


def generate(seed: int = 2024, n_customers: int = 3000, group: int = 0) -> dict[str, pd.DataFrame]:
    """Generate the synthetic company ``group`` (see module docstring)."""
    from crmlab._errors import CRMDataError

    co = get_company(group)
    if not isinstance(n_customers, (int, np.integer)) or n_customers < 50:
        raise CRMDataError(f"n_customers 至少要 50（你给的是 {n_customers!r}），否则看不出客户结构。")
    rng = np.random.default_rng(int(seed) + int(group))
    win = _event_windows()
    n = int(n_customers)

    cust = _customers(rng, co, n)
    business = cust["_business"].to_numpy()
    pattern = cust["_pattern"].to_numpy()
    value = cust["_value"].to_numpy().copy()
    value[business] = value[business] ** 0.6  # business customers: large but less dispersed
    traits = _latent_traits(rng, co, n, pattern, business)
    start, end, signup_day = _timelines(rng, pattern)

    o_cust, o_day = _purchases(rng, co, win, business, pattern, value, traits, start, end)
    o_cat = _order_categories(rng, co, win, cust, business, o_cust, o_day)
    values = _order_values(rng, co, win, business, value, traits["role"], o_cust, o_day, o_cat)
    terms, credit_order = _payment_terms(rng, co, business, traits["credit_q"], o_cust)
    channel = _order_channels(rng, co, business, o_cust)
    cid = _customer_ids(rng, signup_day)
    main = {"cust": o_cust, "day": o_day, "cat": o_cat, **values, "credit": credit_order, "channel": channel}
    # the growing / stable / declining customers' orders come from their own stream (see _middle_orders)
    rng2, new = _middle_orders(seed, group, co, win, cust, business, pattern, value, traits, start, end, terms)
    replaced = np.isin(pattern, MIDDLE_PATTERNS)
    final, main_pos, new_pos = _merge_orders(main, new, replaced)
    won_back, final, main_pos, new_pos = _with_won_back(seed, group, co, win, cust, business, pattern, value, traits,
                                                        final, main_pos, new_pos)
    orders = _orders_frame(co, cid, final)

    acq, source, consent = _acquisition(rng, business, pattern)
    targeted = _targeting(rng, pattern, source, acq, start, signup_day, final["cust"], final["day"])
    customers = _customers_frame(cust, cid, acq, source, signup_day, consent, traits["role"], targeted)
    truth = _truth_frame(cid, np.where(won_back, "won_back", pattern), business, traits)
    invoices = _all_invoices(rng, rng2, cid, main, new, main_pos, new_pos, orders["order_id"].to_numpy(), terms,
                             traits["credit_q"])
    acc_k = np.flatnonzero(business & (pattern != "lead"))
    accounts = _accounts(rng, co, acc_k, cid, cust, traits["credit_q"], terms, value, orders, invoices)
    interactions = _interactions(rng, co, n, cid, pattern, business, traits["z_sat"], signup_day, targeted,
                                 o_cust, o_day, start, end)
    extra = _order_contacts(rng2, co, cid, business, traits["z_sat"], signup_day, new["cust"], new["day"])
    interactions = _numbered_interactions(interactions, extra, replaced)
    survey = _survey(rng, n, cid, pattern, business, traits["z_sat"], traits["seg"], traits["btype"])
    raw, raw_truth = _raw_records(rng, co, customers, business)

    return {
        "customers": customers.sort_values("customer_id", kind="stable").reset_index(drop=True),
        "orders": orders,
        "order_lines": _order_lines.make(seed, group, co, orders),
        "interactions": interactions,
        "survey": survey,
        "raw_records": raw,
        "raw_records_truth": raw_truth,
        "accounts": accounts,
        "invoices": invoices,
        "customer_truth": truth.sort_values("customer_id", kind="stable").reset_index(drop=True),
    }


# ---------------------------------------------------------------- accounts


def _accounts(rng, co, acc_k, cid, cust, credit_q, terms, value, orders, invoices):
    q = credit_q[acc_k]
    m = len(acc_k)
    o25 = orders[orders["order_date"] >= "2025-01-01"]
    sales25 = o25.groupby("customer_id")["amount"].sum()
    ids = cid[acc_k]
    avg_monthly = np.round(sales25.reindex(ids).fillna(0).to_numpy() / 12, 2)
    size = value[acc_k]
    ind_names = [c[0] for c in co.client_industries]
    outlook_of = dict(co.client_industries)
    industry = []
    for nm in cust["name"].to_numpy()[acc_k]:
        found = next((i for i in ind_names if i in nm), ind_names[0])
        industry.append(found)
    years = np.clip(np.rint(np.exp(rng.normal(2.0 + 0.25 * q, 0.6))), 1, 40).astype(int)
    revenue = np.round(np.exp(rng.normal(np.log(2e6) + 0.8 * np.log(size), 0.5)), -3)
    revenue = np.maximum(revenue, avg_monthly * 12 * 3)
    debt = np.clip(0.55 - 0.13 * q + rng.normal(0, 0.08, m), 0.08, 0.97).round(2)
    net_worth = np.round(revenue * np.clip(0.5 + 0.25 * q + rng.normal(0, 0.15, m), 0.05, 2.0), -3)
    wc = np.round(revenue * (0.08 + 0.07 * q + rng.normal(0, 0.05, m)), -3)
    coll = np.where(rng.random(m) < 0.45 + 0.1 * q, np.round(net_worth * rng.uniform(0.2, 0.8, m), -3), 0.0)
    outlook = np.clip(np.array([outlook_of[i] for i in industry]) + rng.integers(-1, 2, m), 1, 5)

    # payment history from the last 12 months of invoices (due in 2025)
    inv = invoices[(invoices["due_date"] >= "2025-01-01") & (invoices["due_date"] <= "2025-12-31")]
    on_time = inv["paid_date"].notna() & (inv["paid_date"] <= inv["due_date"])
    g = pd.DataFrame({"cid": inv["customer_id"], "on": on_time}).groupby("cid")["on"]
    n_inv = g.size().reindex(ids).fillna(0).to_numpy()
    n_on = g.sum().reindex(ids).fillna(0).to_numpy()
    latent_rate = np.clip(1 / (1 + np.exp(-(1.6 + 1.3 * q))) + rng.normal(0, 0.04, m), 0, 1)
    rate = np.where(n_inv >= 3, n_on / np.maximum(n_inv, 1), latent_rate).round(2)
    late = np.where(n_inv >= 3, n_inv - n_on, rng.poisson(np.clip(-q + 0.5, 0.05, None))).astype(int)
    t = terms[acc_k]
    limit = np.where(t > 0, np.round(np.maximum(avg_monthly, 1000) * t / 30 * np.clip(1.2 + 0.3 * q, 0.5, 2.0), -3), 0.0)
    return pd.DataFrame({
        "customer_id": ids,
        "company_name": cust["name"].to_numpy()[acc_k],
        "industry": industry,
        "years_in_business": years,
        "on_time_payment_rate": rate,
        "late_payments_12m": late,
        "net_worth": net_worth,
        "working_capital": wc,
        "annual_revenue": revenue,
        "debt_ratio": debt,
        "collateral_value": coll,
        "industry_outlook": outlook.astype(int),
        "payment_terms_days": t.astype(int),
        "credit_limit": limit,
        "avg_monthly_sales": avg_monthly,
    }).sort_values("customer_id", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- interactions

_ITYPES = ("咨询", "投诉", "退货", "售后服务", "营销接触", "回访")
_COST = {"咨询": (8, 0.5), "投诉": (60, 0.6), "退货": (45, 0.5), "售后服务": (120, 0.6), "营销接触": (4, 0.5), "回访": (10, 0.4)}
_ICHANNEL = {
    "咨询": {"电话": 0.4, "在线客服": 0.45, "门店": 0.15},
    "投诉": {"电话": 0.55, "在线客服": 0.35, "门店": 0.1},
    "退货": {"在线客服": 0.5, "门店": 0.4, "电话": 0.1},
    "售后服务": {"上门": 0.45, "门店": 0.3, "电话": 0.25},
    "营销接触": {"短信": 0.5, "电话": 0.3, "邮件": 0.2},
    "回访": {"电话": 0.8, "短信": 0.2},
}


class _Contacts:
    """Collects (customer index, day, type) of interactions, dropping days outside the period."""

    def __init__(self) -> None:
        self.c: list = []
        self.d: list = []
        self.t: list = []
        self.after: list = []  # True: follows an order (complaint, return, ...)

    def add(self, c, d, typ: str, after: bool = False) -> None:
        ok = (d >= 0) & (d < N_DAYS)
        self.c.append(np.asarray(c)[ok])
        self.d.append(np.asarray(d)[ok])
        self.t.append(np.full(int(ok.sum()), typ, dtype=object))
        self.after.append(np.full(int(ok.sum()), after))

    def sorted(self, signup_day: np.ndarray):
        c, d, typ = np.concatenate(self.c), np.concatenate(self.d), np.concatenate(self.t)
        after = np.concatenate(self.after)
        d = np.maximum(d, signup_day[c])  # nobody is contacted before the company has their details
        order = np.lexsort((c, d))
        return c[order], d[order], typ[order], after[order]


def _complaint_spikes(co: Company) -> np.ndarray:
    """Daily factor of complaints and returns (the company's bad months)."""
    month_idx = (DAYS.year.to_numpy() - 2024) * 12 + DAYS.month.to_numpy() - 1
    spike = np.ones(24)
    for y, mth, f in co.complaint_months:
        spike[(y - 2024) * 12 + mth - 1] = f
    return spike[month_idx]


def _after_orders(rng, co: Company, rows: _Contacts, business, z_sat, o_cust, o_day) -> None:
    """Complaints, returns, after-sales, enquiries and follow-up calls around orders."""
    day_spike = _complaint_spikes(co)
    no = len(o_cust)
    unhappy = 1 / (1 + np.exp(1.2 * z_sat[o_cust]))  # 0..1, high when dissatisfied
    # complaints and returns follow orders, more when unhappy and in spike months
    p_comp = 0.025 * (0.5 + 2 * unhappy) * day_spike[o_day] * np.where(business[o_cust], 1.5, 1.0)
    m = rng.random(no) < p_comp
    comp_c, comp_d = o_cust[m], o_day[m] + rng.integers(1, 10, m.sum())
    rows.add(comp_c, comp_d, "投诉", after=True)
    p_ret = 0.02 * (0.6 + 1.5 * unhappy) * np.sqrt(day_spike[o_day])
    m = rng.random(no) < p_ret
    rows.add(o_cust[m], o_day[m] + rng.integers(2, 15, m.sum()), "退货", after=True)
    m = rng.random(no) < np.where(business[o_cust], 0.08, 0.035)
    rows.add(o_cust[m], o_day[m] + rng.integers(3, 60, m.sum()), "售后服务", after=True)
    m = rng.random(no) < 0.06
    rows.add(o_cust[m], o_day[m] - rng.integers(0, 5, m.sum()), "咨询", after=True)
    # follow-up calls after complaints
    m = rng.random(len(comp_c)) < 0.6
    rows.add(comp_c[m], comp_d[m] + rng.integers(2, 10, m.sum()), "回访", after=True)


def _marketing_and_calls(rng, rows: _Contacts, pattern, business, signup_day, targeted, start, end) -> None:
    """Marketing before promotions and to targeted leads, lead enquiries, business call-backs."""
    buyers = np.flatnonzero(pattern != "lead")
    for y in (2024, 2025):
        for md in ("06-05", "11-03"):
            d0 = _day(f"{y}-{md}")
            sel = buyers[(start[buyers] <= d0) & (end[buyers] > d0 - 60) & (rng.random(len(buyers)) < 0.35)]
            rows.add(sel, d0 + rng.integers(-3, 3, len(sel)), "营销接触")
    leads = np.flatnonzero(targeted > NO_DATE)
    for rep in range(3):
        sel = leads[rng.random(len(leads)) < (1.0 if rep == 0 else 0.5)]
        rows.add(sel, targeted[sel] + rep * rng.integers(7, 40, len(sel)), "营销接触")
    # a few enquiries from leads
    lead_all = np.flatnonzero(pattern == "lead")
    sel = lead_all[rng.random(len(lead_all)) < 0.3]
    rows.add(sel, np.maximum(signup_day[sel], 0) + rng.integers(0, 60, len(sel)), "咨询")
    # periodic service call-backs to business customers
    bb = np.flatnonzero(business & (pattern != "lead"))
    for qd in range(0, N_DAYS, 91):
        sel = bb[(start[bb] <= qd) & (end[bb] > qd) & (rng.random(len(bb)) < 0.4)]
        rows.add(sel, qd + rng.integers(0, 60, len(sel)), "回访")


def _contact_channels(u: np.ndarray, typ: np.ndarray) -> np.ndarray:
    ch = np.empty(len(typ), dtype=object)
    for name, dist in _ICHANNEL.items():
        m = typ == name
        keys = list(dist)
        cum = np.cumsum(list(dist.values()))
        ch[m] = np.asarray(keys, dtype=object)[np.minimum(np.searchsorted(cum, u[m] * cum[-1]), len(keys) - 1)]
    return ch


def _contact_frame(rng, co, business, cid, c, d, typ, after) -> pd.DataFrame:
    """Interactions (without ids) of customer indices ``c`` on days ``d``; ``_k``/``_after`` for merging."""
    k = len(c)
    med = np.array([_COST[x][0] for x in typ])
    sd = np.array([_COST[x][1] for x in typ])
    cost = np.round(med * np.exp(rng.normal(0, 1, k) * sd) * np.where(business[c], 1.5, 1.0) * co.business_discount / 0.85, 2)
    ch = _contact_channels(rng.random(k), typ)
    p_res = np.select([typ == "投诉", typ == "退货", typ == "营销接触"], [0.78, 0.93, 1.0], 0.96)
    cid_arr = np.asarray(cid, dtype=object)
    return pd.DataFrame({
        "customer_id": cid_arr[c],
        "date": DAYS[d],
        "type": typ,
        "channel": ch,
        "service_cost": cost,
        "resolved": rng.random(k) < p_res,
        "_k": c,
        "_after": after,
    })


def _interactions(rng, co, n, cid, pattern, business, z_sat, signup_day, targeted, o_cust, o_day, start, end):
    rows = _Contacts()
    _after_orders(rng, co, rows, business, z_sat, o_cust, o_day)
    _marketing_and_calls(rng, rows, pattern, business, signup_day, targeted, start, end)
    return _contact_frame(rng, co, business, cid, *rows.sorted(signup_day))


def _order_contacts(rng, co, cid, business, z_sat, signup_day, o_cust, o_day) -> pd.DataFrame:
    """Complaints, returns, after-sales, enquiries and follow-up calls around the orders ``o_cust``/``o_day``."""
    rows = _Contacts()
    _after_orders(rng, co, rows, business, z_sat, o_cust, o_day)
    return _contact_frame(rng, co, business, cid, *rows.sorted(signup_day))


def _numbered_interactions(main: pd.DataFrame, extra: pd.DataFrame, replaced: np.ndarray) -> pd.DataFrame:
    """``main`` without the order follow-ups of the ``replaced`` customers, plus ``extra``; by day, numbered."""
    main = main[~(main["_after"].to_numpy() & replaced[main["_k"].to_numpy()])]
    out = pd.concat([main, extra], ignore_index=True)
    out = out.iloc[np.lexsort((out["_k"].to_numpy(), out["date"].to_numpy()))].reset_index(drop=True)
    out.insert(0, "interaction_id", [f"I{i + 1:06d}" for i in range(len(out))])
    return out.drop(columns=["_k", "_after"])


# ---------------------------------------------------------------- survey

# segment profiles: ls_cook_home, ls_fitness, ls_social, ls_brand, ls_budget, ls_busy,
#                   bn_price, bn_quality, bn_convenience, bn_service, bn_novelty
_SEG_PROFILE = np.array([
    [2.8, 4.5, 2.6, 4.6, 1.8, 2.8, 1.8, 4.7, 3.0, 4.5, 2.8],  # 品质生活型
    [4.6, 2.2, 1.8, 1.7, 4.7, 2.4, 4.8, 2.8, 2.4, 2.3, 1.7],  # 精打细算型
    [1.8, 3.0, 4.8, 3.8, 1.9, 2.6, 2.6, 2.8, 3.0, 2.6, 4.8],  # 时尚社交型
    [1.6, 1.8, 2.2, 2.8, 2.4, 4.8, 2.5, 3.2, 4.8, 3.6, 2.2],  # 便捷忙碌型
])
_LS_BN = ("ls_cook_home", "ls_fitness", "ls_social", "ls_brand", "ls_budget", "ls_busy",
          "bn_price", "bn_quality", "bn_convenience", "bn_service", "bn_novelty")
# buyer types: (novelty_seeking, price_sensitivity)
_BT_PROFILE = np.array([[4.6, 1.8], [3.4, 2.9], [2.0, 3.4], [2.6, 4.7]])


def _survey(rng, n, cid, pattern, business, z_sat, seg, btype):
    p_resp = np.where(pattern == "lost", 0.3, 0.62)
    take = np.flatnonzero(~business & (pattern != "lead") & (rng.random(n) < p_resp))
    m = len(take)
    z = z_sat[take]
    sat = _likert(3.4 + 1.1 * z + rng.normal(0, 0.45, m))
    loy = _likert(3.2 + 0.9 * z + rng.normal(0, 0.65, m))
    tru = _likert(3.5 + 0.8 * z + rng.normal(0, 0.7, m))
    bt = _BT_PROFILE[btype[take]]
    nov = _likert(bt[:, 0] + rng.normal(0, 0.55, m))
    pri = _likert(bt[:, 1] + rng.normal(0, 0.55, m))
    prof = _SEG_PROFILE[seg[take]] + rng.normal(0, 0.7, (m, len(_LS_BN)))
    day = rng.integers(_day("2025-11-01"), _day("2025-12-15"), m)
    df = pd.DataFrame({
        "customer_id": np.asarray(cid, dtype=object)[take],
        "survey_date": DAYS[day],
        "satisfaction": sat,
        "loyalty": loy,
        "trust": tru,
        "price_sensitivity": pri,
        "novelty_seeking": nov,
    })
    for j, col in enumerate(_LS_BN):
        df[col] = _likert(prof[:, j])
    return df.sort_values("customer_id", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- raw records

_FW = str.maketrans("0123456789", "０１２３４５６７８９")
_DEPTS = ("销售部", "客服部", "财务部", "市场部")


def _fmt_phone(rng, ph: str) -> str:
    s = rng.integers(7)
    if s == 0:
        return f"{ph[:3]} {ph[3:7]} {ph[7:]}"
    if s == 1:
        return f"{ph[:3]}-{ph[3:7]}-{ph[7:]}"
    if s == 2:
        return f"+86 {ph}"
    if s == 3:
        return ph.translate(_FW)
    if s == 4:
        return f"+86-{ph[:3]}-{ph[3:7]}-{ph[7:]}"
    return ph


def _fmt_date(rng, d: pd.Timestamp) -> str:
    s = rng.integers(5)
    if s == 0:
        return f"{d.year}年{d.month}月{d.day}日"
    if s == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if s == 2:
        return f"{d:%Y%m%d}"
    return f"{d:%Y-%m-%d}"


def _typo_name(rng, name: str) -> str:
    s = rng.integers(3)
    if s == 0 and len(name) == 3:  # swap the two given-name characters
        return name[0] + name[2] + name[1]
    idx = [i for i, ch in enumerate(name) if ch in P.SIMILAR_CHARS and i > 0] or \
          [i for i, ch in enumerate(name) if ch in P.SIMILAR_CHARS]
    if not idx:
        return name
    i = idx[rng.integers(len(idx))]
    return name[:i] + P.SIMILAR_CHARS[name[i]] + name[i + 1:]


def _external_people(rng, customers: pd.DataFrame, n_ext: int, used_phone: set, used_id: set) -> pd.DataFrame:
    """People only on the purchased list: fresh identities."""
    names, pys, gender, birth = _make_people(rng, n_ext)
    ext_phone = _unique_phones(rng, n_ext, used_phone)
    cw = np.array([c[6] for c in P.CITIES])
    eci = rng.choice(len(P.CITIES), size=n_ext, p=cw / cw.sum())
    used_mail = set(customers["email"].dropna())
    return pd.DataFrame({
        "person_id": [f"P{90001 + i}" for i in range(n_ext)],
        "name": names,
        "gender": gender,
        "birth_date": birth,
        "phone": ext_phone,
        "email": [_email(rng, pys[i], used_mail) if rng.random() < 0.6 else None for i in range(n_ext)],
        "id_number": [_id_number(rng, P.CITIES[eci[i]][5], birth[i], gender[i] == "女", used_id) for i in range(n_ext)],
        "city": [P.CITIES[i][0] for i in eci],
        "address": [_address(rng, P.CITIES[i][0], P.CITIES[i][4], False) for i in eci],
    })


def _add_namesakes(rng, ext: pd.DataFrame, people: pd.DataFrame, used_id: set) -> None:
    """Some purchased-list people share name and city with a customer (a trap for matching
    on name alone); their phone, ID and birth date differ."""
    k_same = len(ext) // 8
    src = rng.choice(len(people), size=k_same, replace=False)
    ext.loc[: k_same - 1, "name"] = people["name"].to_numpy()[src]
    ext.loc[: k_same - 1, "city"] = people["city"].to_numpy()[src]
    ext.loc[: k_same - 1, "gender"] = people["gender"].to_numpy()[src]
    for i in range(k_same):
        cty = ext.loc[i, "city"]
        code = next(c[5] for c in P.CITIES if c[0] == cty)
        ext.loc[i, "id_number"] = _id_number(rng, code, ext.loc[i, "birth_date"], ext.loc[i, "gender"] == "女", used_id)
        ext.loc[i, "address"] = _address(rng, cty, next(c[4] for c in P.CITIES if c[0] == cty), False)


def _deviate(rng, row: dict, old_phone: str, old_addr: str, fields: dict) -> None:
    """Typos, stale phone/address and missing items in a later record of the same person."""
    if rng.random() < 0.3:
        fields["name"] = _typo_name(rng, fields["name"])
    if rng.random() < 0.35:  # an old record: collected before the person moved / changed number
        fields["stale"] = True
        if rng.random() < 0.7:
            fields["phone"] = old_phone
        if rng.random() < 0.7:
            fields["address"] = old_addr
    for key, p, empty in (("email", 0.35, None), ("id_number", 0.4, None), ("gender", 0.2, None),
                          ("company", 0.3, None), ("birth_date", 0.15, pd.NaT)):
        if rng.random() < p:
            fields[key] = empty
    # keep at least one strong identifier that still links the record
    if fields["phone"] == old_phone and fields["id_number"] is None and fields["email"] is None:
        if rng.random() < 0.5:
            fields["id_number"] = row["id_number"]
        elif row["email"] is not None:
            fields["email"] = row["email"]
        else:
            fields["phone"] = row["phone"]


def _formatted_record(rng, row: dict, source: str, f: dict) -> dict:
    """One record as a department typed it (phone, e-mail, ID and date formats vary)."""
    email, idn, bdate = f["email"], f["id_number"], f["birth_date"]
    return {
        "person_id": row["person_id"],
        "source": source,
        "name": f["name"],
        "gender": f["gender"],
        "phone": _fmt_phone(rng, f["phone"]) if f["phone"] is not None else None,
        "email": None if email is None else (email.upper() if rng.random() < 0.15 else (f" {email} " if rng.random() < 0.1 else email)),
        "id_number": None if idn is None else (
            idn.translate(_FW) if rng.random() < 0.1 else (idn.lower() if rng.random() < 0.5 else idn)),
        "address": f["address"],
        "city": row["city"],
        "company": f["company"],
        "birth_date": None if pd.isna(bdate) else _fmt_date(rng, bdate),
        "_stale": f["stale"],
    }


N_RECORDS_P = np.array([0.42, 0.33, 0.17, 0.08])  # 1-4 records per customer


def _records_of(rng, kind: str, row: dict, used_phone: set, district_of: dict, employers: list) -> list[dict]:
    """All records of one person (``kind`` "cust": a customer, "ext": purchased list only)."""
    if kind == "cust":
        k = 1 + rng.choice(4, p=N_RECORDS_P)
        srcs = list(rng.choice(_DEPTS, size=k, replace=True))
        if rng.random() < 0.12:
            srcs[-1] = "外购名单"
    else:
        k = 1 + (rng.random() < 0.12)
        srcs = ["外购名单"] * k
    old_phone = _unique_phones(rng, 1, used_phone)[0]
    old_addr = _address(rng, row["city"], district_of[row["city"]], False)
    employer = employers[rng.integers(len(employers))] if rng.random() < 0.7 else None
    recs = []
    for r in range(k):  # record 0 is the "clean" one; later records deviate
        dev = r > 0 or kind == "ext" or rng.random() < 0.3
        fields = {"name": row["name"], "phone": row["phone"], "email": row["email"], "id_number": row["id_number"],
                  "address": row["address"], "company": employer, "gender": row["gender"],
                  "birth_date": row["birth_date"], "stale": False}
        if dev:
            _deviate(rng, row, old_phone, old_addr, fields)
        drop_phone = rng.random() < 0.1
        if drop_phone and kind == "cust" and dev and (fields["id_number"] is not None or fields["email"] is not None):
            fields["phone"] = None
        recs.append(_formatted_record(rng, row, srcs[r], fields))
    return recs


def _raw_records(rng, co: Company, customers: pd.DataFrame, business: np.ndarray):
    """Scattered department records of a sample of individual customers plus purchased-list people."""
    people = customers[customers["customer_type"] == "个人"].reset_index(drop=True)
    n_cust = min(700, len(people))
    pick = np.sort(rng.choice(len(people), size=n_cust, replace=False))
    people = people.iloc[pick].reset_index(drop=True)
    used_phone = set(customers["phone"])
    used_id = set(customers["id_number"].dropna())
    ext = _external_people(rng, customers, max(10, n_cust // 4), used_phone, used_id)
    _add_namesakes(rng, ext, people, used_id)
    ppl = people[["customer_id", "name", "gender", "birth_date", "phone", "email", "id_number", "city", "address"]]
    ppl = ppl.rename(columns={"customer_id": "person_id"})
    district_of = {c[0]: c[4] for c in P.CITIES}
    employers = [f"{b}{w}" for b, _ in P.BRAND_WORDS[:20] for w in ("科技有限公司", "贸易公司", "建设集团", "商贸行")]
    recs = []
    for kind, frame in (("cust", ppl), ("ext", ext)):
        for row in frame.to_dict("records"):
            row = {key: (None if (not isinstance(v, pd.Timestamp) and pd.isna(v)) else v) for key, v in row.items()}
            recs.extend(_records_of(rng, kind, row, used_phone, district_of, employers))
    return _shuffled_records(rng, pd.DataFrame(recs))


def _shuffled_records(rng, raw: pd.DataFrame):
    """Collection dates (stale records are older), random order, record ids; and the answer key."""
    m = len(raw)
    day_new = rng.integers(_day("2024-06-01"), N_DAYS, m)
    day_old = rng.integers(-700, _day("2024-06-01"), m)
    collected = np.where(raw["_stale"].to_numpy(), day_old, day_new)
    raw["collected_at"] = START + pd.to_timedelta(collected, unit="D")
    raw = raw.drop(columns="_stale")
    perm = rng.permutation(m)
    raw = raw.iloc[perm].reset_index(drop=True)
    raw.insert(0, "record_id", [f"R{i + 1:05d}" for i in range(m)])
    truth = raw[["record_id", "person_id"]].copy()
    cols = ["record_id", "source", "collected_at", "name", "gender", "phone", "email", "id_number",
            "address", "city", "company", "birth_date"]
    return raw[cols], truth
