"""An independent generator of scattered customer records for testing screening (record linkage).

Written for the tests only; it shares nothing with crmlab's course-data generator.
Each person gets one to four records collected by different departments; every
record may vary in format (phone with +86, dashes, full-width digits; dates as
1990年3月5日, 1990/3/5, 19900305; gender as M/F/男性/女士/先生/female...), in script
(traditional characters: 陳國強 for 陈国强), carry typos (a same-sounding character,
swapped given-name characters, one wrong ID digit) and miss fields.  Hard negatives
are built in on purpose: namesakes, two-character names one character apart
(王强/王伟) born on the same day in the same city, relatives sharing a phone, and one
valid ID number (a form's sample number) written by many different people.

``make_records(seed)`` returns a DataFrame with ``record_id`` and ``person_id``
(the truth) next to the raw fields.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蔡蒋余杜叶程苏魏吕丁沈任姚卢钟汪"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红鹏辉建国志斌宇浩凯鑫晨欣怡婷雪梅琳峰龙飞"
# simplified -> traditional for the characters above that have a traditional form (hand-written table)
TRADITIONAL = {
    "刘": "劉", "陈": "陳", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳", "孙": "孫", "马": "馬",
    "郭": "郭", "罗": "羅", "郑": "鄭", "谢": "謝", "许": "許", "韩": "韓", "冯": "馮", "邓": "鄧",
    "彭": "彭", "萧": "蕭", "董": "董", "袁": "袁", "潘": "潘", "蔡": "蔡", "蒋": "蔣", "叶": "葉",
    "苏": "蘇", "吕": "呂", "卢": "盧", "钟": "鍾", "汪": "汪", "伟": "偉", "丽": "麗",
    "强": "強", "军": "軍", "艳": "艷", "杰": "傑", "娟": "娟", "涛": "濤", "兰": "蘭", "霞": "霞",
    "刚": "剛", "华": "華", "红": "紅", "鹏": "鵬", "辉": "輝", "建": "建", "国": "國", "志": "志",
    "凯": "凱", "鑫": "鑫", "欣": "欣", "婷": "婷", "雪": "雪", "梅": "梅", "琳": "琳", "峰": "峰",
    "龙": "龍", "飞": "飛", "东": "東", "海": "海", "广": "廣", "门": "門", "区": "區", "路": "路",
    "号": "號", "楼": "樓", "阳": "陽", "宁": "寧", "庆": "慶", "汉": "漢", "长": "長", "沙": "沙",
}
# same-sounding characters a clerk types by mistake
HOMOPHONE = {
    "伟": "玮", "芳": "方", "娜": "那", "敏": "民", "静": "婧", "丽": "莉", "强": "墙", "磊": "蕾",
    "军": "君", "洋": "阳", "勇": "永", "艳": "燕", "杰": "洁", "涛": "韬", "明": "铭", "超": "潮",
    "平": "萍", "刚": "钢", "华": "桦", "红": "宏", "鹏": "朋", "辉": "晖", "国": "帼", "志": "智",
    "斌": "彬", "宇": "雨", "浩": "皓", "凯": "恺", "晨": "辰", "欣": "新", "怡": "宜", "婷": "亭",
    "雪": "学", "梅": "玫", "琳": "霖", "峰": "锋", "龙": "隆", "飞": "菲", "英": "瑛", "玉": "钰",
}
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "武汉", "成都", "重庆", "西安", "长沙", "天津"]
REGION = {"北京": "110101", "上海": "310101", "广州": "440103", "深圳": "440303", "杭州": "330102",
          "南京": "320102", "武汉": "420102", "成都": "510104", "重庆": "500101", "西安": "610102",
          "长沙": "430102", "天津": "120101"}
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "长江路", "东风路", "青年路", "文化路"]
SOURCES = ["财务部", "销售部", "客服部", "市场部", "外购名单"]
GENDER_SPELLINGS = {"男": ["男", "男", "M", "m", "男性", "先生", "Male", "male"],
                    "女": ["女", "女", "F", "f", "女性", "女士", "Female", "female"]}
_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _W)) % 11]


def _id_number(rng, city: str, birth: pd.Timestamp, male: bool) -> str:
    seq = int(rng.integers(0, 50)) * 2 + (1 if male else 0)
    first17 = f"{REGION[city]}{birth:%Y%m%d}{int(rng.integers(0, 10))}{seq:02d}"
    return first17 + id_check(first17)


def _person(rng, pid: int, name: str | None = None, birth=None, city=None) -> dict:
    male = bool(rng.random() < 0.5)
    if name is None:
        given = "".join(rng.choice(list(GIVEN), size=int(rng.choice([1, 2], p=[0.45, 0.55]))))
        name = str(rng.choice(list(SURNAMES))) + given
    if birth is None:
        birth = pd.Timestamp("1950-01-01") + pd.Timedelta(days=int(rng.integers(0, 365 * 55)))
    city = city or str(rng.choice(CITIES))
    phone = f"1{int(rng.choice([3, 5, 7, 8, 9]))}{int(rng.integers(0, 10**9)):09d}"
    return {
        "person_id": pid, "name": name, "gender": "男" if male else "女", "birth": birth, "city": city,
        "phone": phone, "email": f"u{pid:05d}{int(rng.integers(100, 999))}@example.com",
        "id_number": _id_number(rng, city, birth, male),
        "address": f"{city}市{rng.choice(STREETS)}{int(rng.integers(1, 300))}号{int(rng.integers(1, 30))}栋",
    }


def _vary_name(rng, name: str) -> str:
    r = rng.random()
    if r < 0.15:
        return "".join(TRADITIONAL.get(c, c) for c in name)
    if r < 0.22 and len(name) >= 3:
        k = int(rng.integers(1, len(name)))
        return name[:k] + HOMOPHONE.get(name[k], name[k]) + name[k + 1:]
    if r < 0.26 and len(name) == 3:
        return name[0] + name[2] + name[1]
    if r < 0.30:
        return name[0] + " " + name[1:]
    if r < 0.33:
        return "".join(chr(0x3000) if c == " " else c for c in f" {name} ")
    return name


def _vary_phone(rng, phone: str) -> str | None:
    r = rng.random()
    if r < 0.15:
        return None
    if r < 0.3:
        return f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    if r < 0.4:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if r < 0.45:
        return "".join(chr(ord(c) + 0xFEE0) for c in phone)  # full-width digits
    return phone


def _vary_date(rng, d: pd.Timestamp) -> str | None:
    r = rng.random()
    if r < 0.2:
        return None
    return [f"{d.year}年{d.month}月{d.day}日", f"{d.year}/{d.month}/{d.day}", f"{d:%Y%m%d}", f"{d:%Y-%m-%d}"][int(r * 10) % 4]


def _vary_id(rng, idn: str) -> str | None:
    r = rng.random()
    if r < 0.35:
        return None
    if r < 0.40:  # one digit mistyped: fails the check digit
        k = int(rng.integers(0, 17))
        return idn[:k] + str((int(idn[k]) + 1) % 10) + idn[k + 1:]
    if r < 0.45:
        return idn[:6] + " " + idn[6:14] + " " + idn[14:].lower()
    return idn


def _record(rng, p: dict, k: int) -> dict:
    def maybe(value, p_missing):
        return None if rng.random() < p_missing else value

    gender = maybe(str(rng.choice(GENDER_SPELLINGS[p["gender"]])), 0.3)
    email = maybe(p["email"].upper() if rng.random() < 0.2 else p["email"], 0.5)
    address = maybe(p["address"].replace("号", "号 ") if rng.random() < 0.3 else p["address"], 0.4)
    city = p["city"] if rng.random() < 0.85 else "".join(TRADITIONAL.get(c, c) for c in p["city"])
    return {
        "person_id": p["person_id"], "name": _vary_name(rng, p["name"]), "gender": gender,
        "birth_date": _vary_date(rng, p["birth"]), "phone": _vary_phone(rng, p["phone"]), "email": email,
        "id_number": _vary_id(rng, p["id_number"]), "address": address, "city": maybe(city, 0.1),
        "source": str(rng.choice(SOURCES)),
        "collected_at": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 700))),
    }


def _people(rng, n: int) -> list[dict]:
    people = [_person(rng, i) for i in range(n)]
    pid = n
    for _ in range(n // 20):  # namesakes: same common name, different people
        people.append(_person(rng, pid, name=people[int(rng.integers(0, n))]["name"]))
        pid += 1
    for _ in range(n // 25):  # 王强 / 王伟: two-character names one character apart, same day, same city
        a = people[int(rng.integers(0, n))]
        other = str(rng.choice([c for c in GIVEN if c not in a["name"]]))
        people.append(_person(rng, pid, name=a["name"][0] + other, birth=a["birth"], city=a["city"]))
        pid += 1
    return people


def make_records(seed: int = 7, n_people: int = 800, shared_id_people: int = 30) -> pd.DataFrame:
    """Records of ``n_people`` (+ hard negatives) with the truth in ``person_id``; seeded."""
    rng = np.random.default_rng(seed)
    people = _people(rng, n_people)
    rows = []
    for p in people:
        for k in range(int(rng.choice([1, 2, 3, 4], p=[0.3, 0.35, 0.25, 0.1]))):
            rows.append(_record(rng, p, k))
    # relatives sharing one phone (different names and birth dates)
    for _ in range(n_people // 40):
        a, b = (people[int(i)] for i in rng.integers(0, n_people, size=2))
        if a["person_id"] != b["person_id"]:
            rec = _record(rng, b, 0)
            rec["phone"] = a["phone"]
            rows.append(rec)
    # a form's sample ID number written down by many different people
    sample_id = "11010519491231002X"
    start = len(people)
    for i in range(shared_id_people):
        p = _person(rng, start + i)
        rec = _record(rng, p, 0)
        rec["id_number"] = sample_id
        rec["birth_date"] = f"{p['birth']:%Y-%m-%d}"
        rows.append(rec)
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    df.insert(0, "record_id", [f"R{i:05d}" for i in range(len(df))])
    return df
