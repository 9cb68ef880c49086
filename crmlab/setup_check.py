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

    try:
        from crmlab import datasets

        missing = [n for n in datasets.names() if not (datasets.data_dir() / f"{n}.csv").exists()]
    except Exception as exc:  # pragma: no cover
        missing = [str(exc)]
    rows.append(("课程数据", not missing, "" if not missing else "找不到：" + "、".join(missing)))
    frame = pd.DataFrame(rows, columns=["检查项", "通过", "说明"])
    frame["结果"] = frame.pop("通过").map({True: "通过", False: "未通过"})
    return frame[["检查项", "结果", "说明"]]
