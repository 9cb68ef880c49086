"""The learner's progress chart: exercises passed out of all, per lesson."""

from __future__ import annotations

from crmlab.charts import get_ax, need_data


def plot_progress(summary, ax=None):
    """Horizontal bars per lesson: questions passed out of all; returns the Axes.

    ``summary`` has one row per lesson with ``lesson_title``, ``passed`` and ``total``
    (:func:`crmlab.exercises.progress.progress_summary`, or ``crmlab.progress().summary``).
    """
    from matplotlib.ticker import MaxNLocator

    need_data(summary, ["lesson_title", "passed", "total"], "请传入 crmlab.progress().summary。")
    _fig, ax = get_ax(ax, figsize=(6.5, 0.6 + 0.55 * max(len(summary), 1)))
    labels = list(summary["lesson_title"])[::-1]
    total = list(summary["total"])[::-1]
    passed = list(summary["passed"])[::-1]
    ax.barh(labels, total, color="#e3e7ee", label="全部练习")
    bars = ax.barh(labels, passed, color="#1b7f3b", label="已通过")
    ax.bar_label(bars, labels=[f"{p} / {t}" for p, t in zip(passed, total)], padding=4)
    ax.set_xlim(0, max(total + [1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("练习题数")
    ax.set_title("我的学习进度：各课已通过的练习")
    ax.legend(loc="lower right", fontsize="small")
    return ax


__all__ = ["plot_progress"]
