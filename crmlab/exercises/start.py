"""The warm-up of the start notebook: one practice question and a harmless look at an error.

Nothing here is recorded as a lesson result: the warm-up only teaches how a check works.
"""

from __future__ import annotations

import html

from crmlab.exercises._core import number

__all__ = ["ERROR_MEANINGS", "error_demo", "q0"]

q0 = number(
    "热身题",
    "一位客户买一台咖啡机：他得到的总价值（产品、服务、人员、形象）是 500 元，付出的总成本（钱、时间、精力）是 320 元。"
    "客户让渡价值是多少元？",
    180,
    unit=" 元",
    slips=[(-180, "减反了：让渡价值 = 总价值 − 总成本，用 500 减 320。"),
           (820, "应该相减，不是相加：让渡价值 = 总价值 − 总成本。")],
    hint=["让渡价值是客户“得到的”减去“付出的”。",
          "把 answer = ... 改成 answer = 500 - 320，再按 Shift + Enter 运行。"],
    solution="answer = 500 - 320",
    qid="q0",
)

#: What the commonest error names mean, in one plain sentence each.
ERROR_MEANINGS = {
    "NameError": "用到了一个还不存在的名字：多半是名字拼错了，或者上面定义它的格还没运行。",
    "SyntaxError": "这一行的写法 Python 看不懂：检查括号、引号是否成对，中文标点（，：（））是否误用。",
    "TypeError": "把不能放在一起算的东西放在一起了，例如文字加数字：“500” + 320。",
    "KeyError": "表里没有这个列名或这个键：对照表格，检查名字是否一字不差。",
    "ModuleNotFoundError": "找不到要导入的工具包：按 README 的命令重新启动课程。",
}


def error_demo(code: str = "answr = 500 - 320\nprint(answer_total)") -> str:
    """Run ``code`` safely and return HTML showing the error it raises the way Jupyter does, explained in Chinese.

    The notebook displays the returned HTML; nothing is raised, so "运行所有单元格" never stops here.
    """
    from IPython.display import HTML

    try:
        exec(compile(code, "<示例>", "exec"), {})
    except Exception as exc:  # noqa: BLE001 - the demo shows whichever error the snippet raises
        name, text = type(exc).__name__, str(exc)
    else:
        name, text = "", ""
    meaning = ERROR_MEANINGS.get(name, "读最后一行：冒号前是错误的类型，冒号后是原因。")
    box = ("<div style='background:#fdd;border-left:4px solid #b3261e;padding:6px 10px;font-family:monospace'>"
           f"{html.escape(name)}: {html.escape(text)}</div>") if name else "<div>这段代码没有出错。</div>"
    return HTML(f"<div><b>这段代码：</b><pre>{html.escape(code)}</pre>{box}"
                f"<div style='margin-top:4px'><b>意思是：</b>{html.escape(meaning)}</div></div>")
