"""Repository-wide pytest options: the everyday run and the full run.

``pytest`` alone (the everyday run) collects tests/ only and deselects the browser and slow tests;
``pytest --full`` (what .ci/run runs) also runs nbval over notebooks/, solutions/ and exercises/
and the browser and slow tests.  Paths given on the command line always run everything they name
(``pytest notebooks/03_segmentation.ipynb`` checks that notebook).  This file sits at the
repository root so the option and the notebook filter apply to every folder pytest collects.
"""

from __future__ import annotations

import os
import sys

import pytest

# Cached bytecode for the test run.  Some machines (this project's CI kind among them) set
# PYTHONDONTWRITEBYTECODE=1; then every run, in every xdist worker and every notebook kernel, compiles
# crmlab again and pytest rewrites the asserts of every test module again: about 4 s of the everyday
# run's collection per worker (5.3 s -> 1.4 s measured).  The files go to __pycache__ folders, which
# git ignores; a read-only checkout simply writes none.  Kernels started by nbval inherit the setting.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

EVERYDAY_SKIPS = ("browser", "slow")

#: Tests marked ``slow`` here, besides those marked in their files: measured as the ones that dominate the
#: run (sweeps of hostile input over every widget or every group's company, zip bombs under a memory limit,
#: drawing every Chinese string, notebook execution, command-line subprocesses) and the property-based
#: tests.  Matched as ``<file name>::<test function>`` or ``<file name>`` (whole module), wherever the file is.
SLOW_TESTS = (
    "test_lesson1_widgets.py::test_every_lesson1_widget_survives_absurd_input",
    "test_lesson2_widgets.py::test_every_lesson2_widget_survives_absurd_input",
    "test_lesson3_widgets.py::test_lesson3_widget_absurd_input_then_recovers",
    "test_lesson4_widgets.py::test_lesson4_widget_absurd_input_then_recovers",
    "test_widgets_hostile.py",
    "test_fonts.py::test_drawing_every_chinese_string_raises_no_glyph_warning",
    "test_grade_hostile.py::test_zip_bombs_are_refused_under_a_memory_limit",
    "test_lesson2_core.py::test_explained_decisions_agree_with_the_screening_rules",
    "test_lesson2_core.py::test_screening_examples_show_both_decisions",
    "test_lesson3_core.py::test_expected_answers_and_classroom_follow_the_group",
    "test_credit_exercises.py::test_expected_answers_and_classroom_for_every_group",
    "test_assign.py::test_execute_",
    "test_quiz.py::test_command_line_writes_excel_and_markdown",
    "test_app.py::test_every_page_of_the_dashboard_builds",
    "test_properties_domain.py",
    "test_properties_infobase.py",
    "test_properties_io.py",
    "test_projector_labels.py::test_dashboard_charts_in_projector_mode",
    "test_key.py",
    "test_lesson2_widgets.py::test_lesson2_slider_extremes_give_normal_results",
    # fresh Python processes that check what an import loads, and whole-company regeneration
    "test_segment.py::test_segment_module_imports_without_sklearn",
    "test_io.py::test_import_is_light",
    "test_basket.py::test_no_heavy_import_at_crmlab_import",
    "test_credit_scorecard.py::test_import_crmlab_credit_does_not_load_sklearn",
    "test_value.py::test_value_package_keeps_public_api_and_one_job_per_module",
    "test_datasets.py::test_regenerate_group0_is_byte_identical",
    "test_datasets.py::test_order_lines_in_memory_without_data_folder",
    "test_datasets.py::test_load_other_group_in_memory",
    "test_install.py::test_synthetic_data_falls_back_to_identical_generation",
    # the statsmodels forecast fitted on the course company, three times
    "test_analysis.py::test_forecast_of_the_course_company_follows_the_planted_festival",
    "test_analysis.py::test_forecast_headers_in_chinese",
    "test_analysis.py::test_forecast_band_is_honest",
)

#: The everyday run checks the course company (group 0); tests parametrised over the other groups'
#: companies (a ``group`` parameter of 1-4) run in the full run.
EVERYDAY_GROUPS = (0,)


def _is_slow(nodeid: str) -> bool:
    name = nodeid.split("/")[-1]  # "test_x.py::test_y[param]"
    return any(name.startswith(s + "::" if s.endswith(".py") else s) for s in SLOW_TESTS)
_EVERYDAY = pytest.StashKey[bool]()


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true", default=False,
                     help="the whole suite: nbval over the notebook folders, browser and slow tests (as in CI)")


def pytest_configure(config):
    """Decide once, in the controlling process, whether this is the everyday run; xdist workers inherit it."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        config.stash[_EVERYDAY] = workerinput["crmlab_everyday"]
    else:  # no --full and no paths on the command line: a plain ``pytest``
        config.stash[_EVERYDAY] = (not config.getoption("--full")
                                   and config.args_source == pytest.Config.ArgsSource.TESTPATHS)
        if config.getoption("--full") and config.option.durations is None:
            config.option.durations = 25  # the full run (CI) lists its slowest tests: where the minutes go


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["crmlab_everyday"] = node.config.stash[_EVERYDAY]


def _everyday(config) -> bool:
    return config.stash.get(_EVERYDAY, False)


def pytest_ignore_collect(collection_path, config):
    if _everyday(config) and collection_path.suffix == ".ipynb":
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        other_group = callspec is not None and callspec.params.get("group", 0) not in EVERYDAY_GROUPS
        if _is_slow(item.nodeid) or other_group:
            item.add_marker(pytest.mark.slow)
    if not _everyday(config):
        return
    keep, dropped = [], []
    for item in items:
        (dropped if any(item.get_closest_marker(m) for m in EVERYDAY_SKIPS) else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config):
    if _everyday(config):
        return "everyday run: tests/ without notebooks, browser and slow tests (pytest --full runs everything)"
    return None
