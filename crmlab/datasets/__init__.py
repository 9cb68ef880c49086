"""Course data: the synthetic company (``group=0..4``) and two real public data sets.

>>> import crmlab
>>> orders = crmlab.datasets.load("orders")            # group 0, from data/orders.csv
>>> orders_g2 = crmlab.datasets.load("orders", group=2)  # another company, generated in memory
>>> crmlab.datasets.describe("orders")                 # Chinese data dictionary rows

``data/`` is looked up, in order: the folder named by the environment variable
``CRMLAB_DATA``; the ``data/`` folder of the course folder (repository root) the
package was installed from with ``pip install -e .`` / ``uv``; the ``data/`` folder
of a course folder (one holding ``pyproject.toml``) at or above the current working
directory.  When the package was installed without the course folder (plain
``pip install``), the synthetic company of group 0 is generated in memory (it is
deterministic, identical to the committed files); the real data sets then raise a
Chinese :class:`~crmlab.CRMDataError` saying where they were looked for and how to
fix it.  Loaded frames are cached; every call returns a fresh copy, so learners can
modify them freely.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.datasets import _cache
from crmlab.datasets._companies import COMPANIES, get_company
from crmlab.datasets._schema import FILES, REAL, SYNTHETIC, TYPE_CN

__all__ = ["FILES", "REAL", "SYNTHETIC", "companies", "company", "data_dir", "describe", "generate", "get_company", "load",
           "names", "to_csv_text"]

DEFAULT_SEED = 2024
DEFAULT_N = 3000

_CACHE: dict = {}
_GENERATED: dict = {}


def _search_dirs() -> list[Path]:
    """Candidate ``data/`` folders when ``CRMLAB_DATA`` is not set, in lookup order."""
    roots = [Path(__file__).resolve().parent.parent.parent]
    try:
        cwd = Path.cwd().resolve()
        roots += [cwd, *list(cwd.parents)[:3]]
    except OSError:  # pragma: no cover - working directory deleted
        pass
    return [root / "data" for root in dict.fromkeys(roots)]


def data_dir() -> Path:
    """Directory holding the committed CSV files (env ``CRMLAB_DATA`` overrides).

    Without ``CRMLAB_DATA``: the first ``data/`` folder of a course folder (a folder
    with ``pyproject.toml``) among :func:`_search_dirs`; if none exists, the place next
    to the package (which then does not exist, see :func:`load`).
    """
    env = os.environ.get("CRMLAB_DATA")
    if env:
        return Path(env).expanduser()
    candidates = _search_dirs()
    for d in candidates:
        if d.is_dir() and (d.parent / "pyproject.toml").is_file():
            return d
    return candidates[0]


def _missing_data_message(name: str, path: Path) -> str:
    env = os.environ.get("CRMLAB_DATA")
    if env:
        looked = f"环境变量 CRMLAB_DATA 指定的文件夹 {Path(env).expanduser()}"
        if not Path(env).expanduser().is_dir():
            looked += "（这个文件夹不存在）"
    else:
        looked = "、".join(str(d) for d in _search_dirs())
    return (
        f"找不到数据集 {name} 的文件 {path.name}。查找过的位置：{looked}。"
        "这通常是因为 crmlab 没有从完整的课程文件夹安装（例如用了不带 -e 的 pip install），"
        "安装包里不含课程的 data/ 数据文件夹。解决办法（任选其一）："
        "① 取得完整的课程文件夹（git clone 或解压老师发的压缩包），在这个文件夹里运行 pip install -e . ，"
        "再从这个文件夹启动 jupyter lab；"
        "② 把环境变量 CRMLAB_DATA 设为存放这些 CSV 文件的文件夹，例如在笔记本里运行 "
        "import os; os.environ[\"CRMLAB_DATA\"] = r\"D:\\crm\\data\"（换成你自己的路径）。"
    )


def names() -> list[str]:
    """Names accepted by :func:`load`, synthetic files first."""
    return list(FILES)


def _check_name(name) -> None:
    if name not in FILES:
        raise CRMDataError(
            f"没有名为 {name!r} 的数据集。可用的名字有：{'、'.join(FILES)}。"
            "请检查拼写，例如 crmlab.datasets.load(\"orders\")。"
        )


def _group_or_current(group: int | None) -> int:
    """``group``, or the kernel's company (:func:`crmlab.course.current_group`) when it is ``None``."""
    if group is None:
        from crmlab.course import current_group

        return current_group()
    return group


def company(group: int | None = None) -> dict:
    """Name, industry and short description of the company behind ``group`` (default: the current group)."""
    co = get_company(_group_or_current(group))
    return {
        "group": co.group,
        "name": co.name,
        "industry": co.industry,
        "description": co.description,
        "categories": [c.name for c in co.categories],
        "peak_note": co.peak_note,
    }


def companies() -> pd.DataFrame:
    """One row per group: 组号, 公司, 行业, 说明."""
    return pd.DataFrame(
        [{"组号": c.group, "公司": c.name, "行业": c.industry, "说明": c.description} for c in COMPANIES]
    )


# ------------------------------------------------------------------ CSV io


def _format_column(s: pd.Series, col) -> np.ndarray:
    """Text of one column for CSV: fixed decimals, ISO dates, empty string for missing."""
    missing = s.isna().to_numpy()
    if col.type == "date":
        out = pd.to_datetime(s).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    elif col.type == "float":
        v = s.astype(float).to_numpy()
        out = np.char.mod(f"%.{col.decimals}f", np.where(missing, 0.0, v)).astype(object)
        neg_zero = "-" + f"{0:.{col.decimals}f}"
        out[out == neg_zero] = neg_zero[1:]
    elif col.type == "int":
        out = np.where(missing, 0, s.to_numpy()).astype(np.int64).astype(str).astype(object)
    elif col.type == "bool":
        out = np.where(s.to_numpy(dtype=bool, na_value=False), "True", "False").astype(object)
    else:
        out = s.to_numpy(dtype=object, na_value="").astype(str).astype(object)
    out[missing] = ""
    return out


def to_csv_text(df: pd.DataFrame, name: str) -> str:
    """Deterministic CSV text of a frame following the schema of ``name``."""
    spec = FILES[name]
    cols = [c.name for c in spec.columns]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise CRMDataError(f"数据表 {name} 缺少列：{'、'.join(missing)}。")
    out = pd.DataFrame({c.name: _format_column(df[c.name], c) for c in spec.columns}, index=df.index)
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _read_csv(source, name: str) -> pd.DataFrame:
    spec = FILES[name]
    dtype = {}
    dates = []
    for c in spec.columns:
        if c.type == "str":
            dtype[c.name] = "str"
        elif c.type == "date":
            dtype[c.name] = "str"
            dates.append(c.name)
        elif c.type == "float":
            dtype[c.name] = "float64"
        elif c.type == "int":
            dtype[c.name] = "int64"
        elif c.type == "bool":
            dtype[c.name] = "bool"
    df = pd.read_csv(source, dtype=dtype, keep_default_na=False, na_values=[""], encoding="utf-8")
    for c in dates:
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
    return df


# ------------------------------------------------------------------ public API


def generate(seed: int = DEFAULT_SEED, n_customers: int = DEFAULT_N, group: int = 0,
             out_dir=None) -> dict[str, pd.DataFrame]:
    """Generate the synthetic company ``group``; write CSV files to ``out_dir`` if given.

    Returns a dict name -> DataFrame with the same dtypes as :func:`load`.
    Deterministic: the same arguments always give identical frames and files.
    """
    texts = _generated_texts(seed, n_customers, group)
    if out_dir is not None:
        path = Path(out_dir)
        path.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (path / f"{name}.csv").write_bytes(text.encode("utf-8"))
    return _parse(texts)


def _parse(texts: dict[str, str]) -> dict[str, pd.DataFrame]:
    return {name: _read_csv(io.StringIO(text), name) for name, text in texts.items()}


def _generated_texts(seed: int, n_customers: int, group: int) -> dict[str, str]:
    from crmlab.datasets._generate import generate as _gen

    frames = _gen(seed=seed, n_customers=n_customers, group=group)
    return {name: to_csv_text(frames[name], name) for name in SYNTHETIC}


def load(name: str, group: int | None = None) -> pd.DataFrame:
    """Load a course data set as a DataFrame (a fresh copy on every call).

    ``group=0`` reads ``data/<name>.csv``; ``group=1..4`` generate another company
    in memory (synthetic names only; the real data sets are the same for every group).
    Without ``group`` the kernel's company is used: :func:`crmlab.course.current_group`
    (``crmlab.course.set_group(k)`` or the environment variable ``CRMLAB_GROUP``; 0 by default).
    """
    _check_name(name)
    co = get_company(_group_or_current(group))
    if FILES[name].kind == "real" or co.group == 0:
        path = data_dir() / f"{name}.csv"
        key = (name, str(path))
        if key not in _CACHE:
            if path.is_file():
                _CACHE[key] = _read_csv(path, name)
            elif FILES[name].kind == "synthetic":
                # Installed without the course folder: the committed files of group 0
                # are exactly generate(group=0), so build them in memory instead.
                return _generated(0)[name].copy()
            else:
                raise CRMDataError(_missing_data_message(name, path))
        return _CACHE[key].copy()
    return _generated(co.group)[name].copy()


def _generated(group: int) -> dict[str, pd.DataFrame]:
    """Group ``group``'s tables: from this process, else the disk cache, else generated (and cached)."""
    if group not in _GENERATED:
        tables = _cache.read(group, DEFAULT_SEED, DEFAULT_N, SYNTHETIC, _read_csv)
        if tables is None:
            texts = _generated_texts(DEFAULT_SEED, DEFAULT_N, group)
            _cache.write(group, DEFAULT_SEED, DEFAULT_N, texts)
            tables = _parse(texts)
        _GENERATED[group] = tables
    return _GENERATED[group]


def describe(name: str) -> pd.DataFrame:
    """Chinese data-dictionary rows of ``name``: 列名, 含义, 单位, 类型."""
    _check_name(name)
    spec = FILES[name]
    return pd.DataFrame(
        [{"列名": c.name, "含义": c.meaning, "单位": c.unit, "类型": TYPE_CN[c.type]} for c in spec.columns]
    )
