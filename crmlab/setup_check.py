"""Check that a learner's machine is ready for the course (used by notebooks/00_start)."""

from __future__ import annotations

import importlib
import sys

REQUIRED = {
    "pandas": "数据表格",
    "matplotlib": "画图",
    "ipywidgets": "互动控件",
    "sklearn": "聚类与评分卡（scikit-learn）",
    "scipy": "生命周期价值模型",
    "openpyxl": "读写 Excel 文件",
}


def check_environment():
    """Return a DataFrame 检查项 / 结果 / 说明; every row should read 通过.

    The table contains no version numbers or paths, so it looks the same on
    every machine where the setup works.
    """
    import pandas as pd

    rows = []
    ok_py = sys.version_info >= (3, 10)
    rows.append(("Python 3.10 或更新", ok_py, "" if ok_py else "请安装 Python 3.10 及以上版本"))
    for module, purpose in REQUIRED.items():
        try:
            importlib.import_module(module)
            rows.append((f"{purpose}", True, ""))
        except Exception:  # pragma: no cover - depends on the machine
            rows.append((purpose, False, f"缺少 {module}：请按 README 重新安装（pip install -e .）"))

    from crmlab import _fonts

    family = _fonts.setup_fonts()
    rows.append(("中文字体", family is not None, "" if family else "字体文件缺失：请重新安装 crmlab"))

    rows.append(_data_row())
    frame = pd.DataFrame(rows, columns=["检查项", "通过", "说明"])
    frame["结果"] = frame.pop("通过").map({True: "通过", False: "未通过"})
    return frame[["检查项", "结果", "说明"]]


def _data_row() -> tuple[str, bool, str]:
    """The 课程数据 row: synthetic files may be generated in memory, real ones must exist."""
    try:
        from crmlab import datasets
        from crmlab.datasets import REAL

        folder = datasets.data_dir()
        missing = [n for n in datasets.names() if not (folder / f"{n}.csv").is_file()]
    except Exception as exc:  # pragma: no cover - depends on the machine
        return ("课程数据", False, f"无法检查数据文件夹（{exc}）")
    if not missing:
        return ("课程数据", True, "")
    real = [n for n in missing if n in REAL]
    fix = "请在完整的课程文件夹里运行 pip install -e . ，或用环境变量 CRMLAB_DATA 指向数据文件夹（见 README）"
    if real:
        return ("课程数据", False, f"找不到真实数据集：{'、'.join(real)}（查找位置 {folder}）。{fix}")
    return ("课程数据", True, f"缺少 {'、'.join(missing)}：课程公司的数据将在内存中生成（与课程文件相同）；{fix}")
