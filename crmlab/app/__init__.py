"""App view: each lesson's widgets as one dashboard (tabs), for Voilà or a notebook.

``crmlab.app.dashboard(3)`` returns a :class:`Dashboard`; displaying it shows one tab per
classroom widget of lesson 3, plus a 投影模式 (projector) switch.  A tab's widget is built
the first time the tab is opened, so the page appears quickly.  The dashboard notebooks
in ``notebooks/app/`` contain just that call; ``python -m crmlab.app 3`` opens one in Voilà.
"""

from __future__ import annotations

import html
from typing import Any

from crmlab._errors import CRMDataError
from crmlab.app.pages import LESSONS, LessonData

LOADING = "<p style='color:#555'>正在准备这一页，请稍候……</p>"


def _lesson_number(lesson: Any) -> int:
    text = str(lesson).strip()
    if isinstance(lesson, bool) or not text.isdigit() or int(text) not in LESSONS:
        raise CRMDataError(f"没有第 {lesson} 课的看板：请选 {'、'.join(map(str, LESSONS))} 中的一个数字。")
    return int(text)


class Dashboard:
    """One lesson's widgets in tabs; ``pages`` are built on first use (see :meth:`open`)."""

    def __init__(self, lesson: int = 1, *, group: int | None = None):
        import ipywidgets as w

        from crmlab import presentation as _present

        _present.from_env()  # CRMLAB_PRESENT=1: start in presentation mode, switch shown as on
        self.lesson = _lesson_number(lesson)
        self.title, make_pages = LESSONS[self.lesson]
        from crmlab.course import current_group, parse_group

        self.data = LessonData(group=current_group() if group is None else parse_group(group))
        self.pages = make_pages(self.data)
        self.views: dict[int, Any] = {}
        self.boxes = [w.VBox([w.HTML(LOADING)]) for _ in self.pages]
        self.tabs = w.Tab(children=self.boxes, titles=[title for title, _build in self.pages])
        self.tabs.observe(lambda change: self.open(change["new"]), names="selected_index")
        self.projector = _present.switch()  # follows the mode; flipping it redraws the charts on show
        self.projector.observe(lambda change: self.set_projector(change["new"]), names="value")
        self.status = w.HTML()
        style = _present.style_widget()
        parts = [*([style] if style is not None else []), _present.layout_widget(), self.projector, self.status, self.tabs]
        self.widget = w.VBox(parts,
                             layout=w.Layout(width="100%", max_width="100%"))
        self.widget.add_class("crmlab-dashboard")
        self.open(0)

    def open(self, index: int | None):
        """Build (once) and show the page at ``index``; returns its View, or ``None`` on error."""
        if index is None or not 0 <= index < len(self.pages):
            return None
        if index not in self.views:
            title, build = self.pages[index]
            try:
                view = build()
            except Exception as exc:  # noqa: BLE001 - a learner or teacher never sees a traceback
                from crmlab.widgets import friendly_message

                self.boxes[index].children = [self._error(f"“{title}”这一页打不开：{friendly_message(exc)}")]
                return None
            self.views[index] = view
            self.boxes[index].children = [view.widget]
        if self.tabs.selected_index != index:
            self.tabs.selected_index = index
        return self.views[index]

    def set_projector(self, on: bool) -> None:
        """Presentation mode on/off: widget text and the charts of opened pages change at once."""
        import crmlab

        crmlab.present(on)  # also redraws the charts of the pages already opened
        self.status.value = (
            "<span style='color:#0044aa'>投影模式已打开：文字和图表已放大（1024×768 的投影也放得下）。</span>"
            if on else "<span style='color:#444'>投影模式已关闭。</span>"
        )

    def follow_address(self) -> None:
        """Apply the page address's wishes (``?projector=1``) once the page is requested.

        ``crmlab-app`` runs each dashboard notebook in a pre-heated Voilà kernel before anyone
        opens it, so the address is not known while the dashboard is built; the notebook's last
        cell calls this, which waits for the request (Voilà's ``wait_for_request``) and then
        switches projector mode on when the address asks for it.  Outside a pre-heated kernel
        (a notebook, a plain Voilà server) it returns at once.
        """
        from crmlab import presentation as _present

        try:
            from voila.utils import wait_for_request
        except ImportError:  # pragma: no cover - Voilà is a dependency
            return
        wait_for_request()
        if _present.asked_by_address() and not self.projector.value:
            self.projector.value = True

    @staticmethod
    def _error(text: str):
        import ipywidgets as w

        return w.HTML(f"<div style='color:#b3261e;border-left:4px solid #b3261e;padding:4px 8px'>"
                      f"⚠ {html.escape(text)}</div>")

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import display

        display(self.widget)


def dashboard(lesson: int = 1, *, group: int | None = None) -> Dashboard:
    """The dashboard of ``lesson`` (1-4) for company ``group`` (0 = the course company).

    Without ``group``: the kernel's company (``crmlab.course.current_group()``; ``crmlab-app N --group K``
    sets it through the environment variable ``CRMLAB_GROUP``).
    """
    return Dashboard(lesson, group=group)


__all__ = ["LESSONS", "Dashboard", "dashboard"]
