"""Every View in crmlab.widgets survives every control set to hostile values, and says what is wrong in Chinese.

For each View class (found by walking ``crmlab.widgets``, so a new View without a
factory here fails the test) the controls are found in the widget tree; each control
is set to each hostile value its trait accepts (values the trait itself refuses with a
TraitError can never come from the browser and are skipped), ``update()`` is called,
and then every button is clicked with all controls hostile at once.  No exception may
escape, and any message shown must be Chinese without a traceback.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import pkgutil
import re

import matplotlib
import pytest

matplotlib.use("Agg")

import ipywidgets as w
import matplotlib.pyplot as plt

import crmlab.widgets
from crmlab import datasets
from crmlab.widgets import View

HOSTILE = (None, "", float("nan"), float("-inf"), -1, 10**18, "<b>abc</b>\x00", ("x",), True)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DISPLAY_ONLY = (w.HTML, w.HTMLMath, w.Label, w.Output, w.Image, w.Valid)


def _all_views() -> dict[str, type]:
    for mod in pkgutil.iter_modules(crmlab.widgets.__path__):
        importlib.import_module(f"crmlab.widgets.{mod.name}")
    found, todo = {}, list(View.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("crmlab.widgets") and not cls.__name__.startswith("_"):
            found[cls.__name__] = cls
    return found


@pytest.fixture(scope="module")
def factories(tmp_path_factory):
    from crmlab import segment
    from crmlab.app.pages import LESSONS, LessonData

    data = LessonData(group=0)
    built = {}
    for _, (_, pages) in LESSONS.items():
        for _, build in pages(data):
            built.setdefault(_builder_name(build, data), build)
    folder = tmp_path_factory.mktemp("handin")
    from crmlab.widgets import basket, budget, classroom, customers, info, start

    extra = {
        "RulesView": lambda: basket.RulesView(datasets.load("order_lines")),
        "BudgetView": lambda: budget.BudgetView(segment.segment_summary(data.rfm())),
        "ProgressView": classroom.ProgressView,
        "SubmitView": lambda: classroom.SubmitView(folder=folder),
        "StudentForm": classroom.StudentForm,
        "HandinView": lambda: classroom.HandinView(1, folder=folder),
        "ValueTypeView": lambda: customers.ValueTypeView(data.table("orders")),
        "InfoTypeSortView": info.InfoTypeSortView,
        "MinimiseView": info.MinimiseView,
        "ScreeningPairView": lambda: info.ScreeningPairView(datasets.load("raw_records"), datasets.load("raw_records_truth")),
        "SetupCheckView": lambda: start.SetupCheckView(data.table("customers")),
    }
    yield {**built, **extra}
    data._cache.get("infobase") and data._cache["infobase"].close()


def _builder_name(build, data) -> str:
    """The class name a page builder makes (built once here; the app caches the data)."""
    view = build()
    plt.close("all")
    return type(view).__name__


def _controls(widget) -> list:
    """Value controls and buttons in a widget tree (display-only widgets left out)."""
    out, todo, seen = [], [widget], set()
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        todo.extend(getattr(x, "children", ()) or ())
        if isinstance(x, w.Button) or (isinstance(x, w.ValueWidget) and not isinstance(x, _DISPLAY_ONLY)):
            out.append(x)
    return out


def _assert_clean(view, where: str) -> None:
    msg = view.message
    assert "Traceback" not in msg and "Error:" not in msg, (where, msg)
    if msg:
        assert _CJK.search(msg), (where, msg)
    assert "Traceback" not in view.status.value, where


def _set(control, value) -> bool:
    """Set ``control.value``; False when the widget's own validation refuses the value.

    A value the trait (or ipywidgets' validator) refuses can never come from the browser,
    so it is skipped.  Exceptions raised while *setting* an accepted value come from the
    view's observers and fail the test.
    """
    if isinstance(control, w.DatePicker) and not (value is None or isinstance(value, dt.date)):
        return False  # ipywidgets accepts a str here but cannot send it to the browser
    try:
        control.traits()["value"]._validate(control, value)
    except Exception:  # TraitError, or ipywidgets' validators tripping over a wrong type
        return False
    control.value = value
    return True


def test_every_view_class_has_a_factory(factories):
    missing = sorted(set(_all_views()) - set(factories))
    assert not missing, f"add a factory for {missing}"


@pytest.mark.slow  # every control of every view, several minutes: run by `pytest --full` and CI
@pytest.mark.parametrize("name", sorted(_all_views()))
def test_hostile_control_values_never_raise(factories, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # views that save files write here
    view = factories[name]()
    try:
        controls = [c for c in _controls(view.widget) if not isinstance(c, w.Button)]
        buttons = [c for c in _controls(view.widget) if isinstance(c, w.Button)]
        assert controls or buttons, name
        for c in controls:
            original = c.value
            for value in HOSTILE:
                if not _set(c, value):
                    continue
                view.update()
                _assert_clean(view, f"{name}.{c.description or type(c).__name__} = {value!r}")
                plt.close("all")
            _set(c, original)
        for c in controls:  # everything hostile at once, then every button
            for value in (None, float("nan"), "", -1):
                if _set(c, value):
                    break
        for b in buttons:
            b.click()
            _assert_clean(view, f"{name}: button {b.description!r}")
        view.update()
        _assert_clean(view, f"{name}: all hostile")
    finally:
        plt.close("all")


def test_known_case_pyramid_preset_none():
    from crmlab.widgets.credit import PyramidView

    v = PyramidView(datasets.load("orders"))
    v.preset.value = None  # used to raise AttributeError inside the observer
    v.update()
    assert v.message == "" or _CJK.search(v.message)
    assert not math.isnan(sum(s.value for s in v.sliders))
    plt.close("all")


def test_hostile_values_reach_a_chinese_message():
    from crmlab.widgets.credit import CreditPolicyView

    v = CreditPolicyView()
    assert v.update(sales=float("nan")) is None and _CJK.search(v.message)
    assert v.update(sales="abc") is None and _CJK.search(v.message)
    plt.close("all")
