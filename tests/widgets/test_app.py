"""App view (Voilà dashboards), the Chinese JupyterLab launcher and the Binder configuration."""

from __future__ import annotations

import json
import shutil
import subprocess

import nbformat
import pytest

import crmlab
from conftest import ROOT
from crmlab import CRMDataError, presentation
from crmlab.app import LESSONS, Dashboard, dashboard
from crmlab.app import __main__ as app_cli
from crmlab.lab import DEFAULTS, course_root, install_settings, remove_settings, settings_dir

APP_DIR = ROOT / "notebooks" / "app"


# --------------------------------------------------------------------------- dashboards


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_every_page_of_the_dashboard_builds(lesson):
    board = dashboard(lesson)
    assert board.tabs.selected_index == 0 and 0 in board.views  # first page ready at once
    assert len(board.tabs.titles) == len(board.pages) >= 4
    for index, (title, _build) in enumerate(board.pages):
        view = board.open(index)
        assert view is not None, f"第{lesson}课“{title}”打不开：{board.boxes[index].children[0].value}"
        assert view.message == "", (title, view.message)
        assert board.boxes[index].children == (view.widget,)
        assert board.tabs.selected_index == index
    assert board.open(0) is board.views[0]  # built once, reused


def test_pages_are_built_only_when_opened():
    board = dashboard(4)
    assert set(board.views) == {0}
    assert "正在准备" in board.boxes[3].children[0].value
    assert "scorecard" not in board.data._cache  # the slow cross-validation waits for its tab
    board.tabs.selected_index = 3  # what a click on the tab does
    assert 3 in board.views and "scorecard" in board.data._cache


def test_a_failing_page_shows_a_chinese_message(monkeypatch):
    board = dashboard(3)

    def broken():
        raise ValueError("订单表是空的")

    board.pages[1] = (board.pages[1][0], broken)
    assert board.open(1) is None
    text = board.boxes[1].children[0].value
    assert "打不开" in text and "订单表是空的" in text and "Traceback" not in text


@pytest.mark.parametrize("bad", [0, 5, -1, "三", None, True, 2.5])
def test_unknown_lesson_is_a_chinese_error(bad):
    with pytest.raises(CRMDataError, match="没有第"):
        Dashboard(bad)


def test_projector_switch_in_the_dashboard():
    board = dashboard(3)
    try:
        board.projector.value = True
        assert presentation.is_on() and "投影模式已打开" in board.status.value
        assert "--jp-widgets-font-size" in presentation.style_widget().value
        assert board.widget.children[0] is presentation.style_widget()
    finally:
        board.projector.value = False
    assert not presentation.is_on() and presentation.style_widget().value == ""


def test_group_gives_another_company():
    board = dashboard(3, group=2)
    assert board.data.table("orders").equals(crmlab.datasets.load("orders", group=2))


# --------------------------------------------------------------------------- dashboard notebooks


def test_one_dashboard_notebook_per_lesson_with_only_the_dashboard():
    found = sorted(APP_DIR.glob("*.ipynb"))
    assert [int(p.name[:2]) for p in found] == sorted(LESSONS)
    for path in found:
        nb = nbformat.read(path, as_version=4)
        lesson = int(path.name[:2])
        code = [c for c in nb.cells if c.cell_type == "code"]
        markdown = [c for c in nb.cells if c.cell_type == "markdown"]
        assert len(code) == 1 and len(markdown) == 1, path.name
        assert f"dashboard({lesson})" in code[0].source
        assert code[0].source.rstrip().splitlines()[-1].startswith("board.follow_address()")  # ?projector=1, pre-heated
        assert code[0].metadata.get("tags") == ["nbval-ignore-output"]
        assert markdown[0].source.startswith(f"# {LESSONS[lesson][0]}")
        assert code[0].outputs, f"{path.name} 没有执行结果：运行 python -m crmlab.assign --execute {path}"
        assert "widgets" not in nb.metadata  # no saved widget state


def test_cli_finds_the_dashboard_notebook():
    assert app_cli.dashboard_notebook(3, ROOT).name == "03_segmentation_app.ipynb"
    assert app_cli.dashboard_notebook("1", ROOT).parent == APP_DIR
    for bad in ("x", "9"):
        with pytest.raises(CRMDataError):
            app_cli.dashboard_notebook(bad, ROOT)
    cmd = app_cli.voila_command(APP_DIR / "03_segmentation_app.ipynb", ["--no-browser"])
    assert cmd[1:3] == ["-m", "voila"] and cmd[-1] == "--no-browser"
    assert "--preheat_kernel=True" in cmd and "--pool_size=1" in cmd  # dashboards run before anyone opens them
    own = app_cli.voila_command(APP_DIR / "03_segmentation_app.ipynb", ["--preheat_kernel=False"])
    assert "--preheat_kernel=True" not in own and "--pool_size=1" not in own  # a teacher's choice wins


def test_follow_address_is_a_no_op_outside_a_preheated_kernel(monkeypatch):
    from crmlab import presentation
    from crmlab.app import dashboard

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "projector=1")
    board = dashboard(4)
    try:
        board.follow_address()  # returns at once (no Voilà request to wait for) and reads the address
        assert board.projector.value and presentation.is_on()
    finally:
        board.projector.value = False
    assert not presentation.is_on()


def test_cli_unknown_lesson_exits_with_a_message(capsys):
    assert app_cli.main(["9"]) == 2
    assert "找不到第 9 课" in capsys.readouterr().err


# --------------------------------------------------------------------------- Chinese JupyterLab


def test_course_root_is_found_from_a_subfolder(tmp_path):
    assert course_root(ROOT / "notebooks" / "app") == ROOT


def test_settings_make_jupyterlab_chinese_by_default(tmp_path):
    from jupyterlab_server.settings_utils import _get_overrides
    from jupyterlab_server.translation_utils import get_language_pack

    path = install_settings(prefix=tmp_path)
    assert path.parent == settings_dir(tmp_path)
    overrides, error = _get_overrides(str(settings_dir(tmp_path).parent))  # what JupyterLab reads
    assert not error
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"
    data, message = get_language_pack("zh_CN")  # the language pack is installed, nothing fetched
    assert data and not message, message
    assert json.loads(path.read_text(encoding="utf-8")) == DEFAULTS
    assert remove_settings(prefix=tmp_path) and not path.exists()
    assert not remove_settings(prefix=tmp_path)


def test_lab_setup_only_writes_into_the_given_environment(tmp_path, monkeypatch, capsys):
    from crmlab import lab

    monkeypatch.setattr(lab.sys, "prefix", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert lab.main(["--setup"]) == 0
    assert (settings_dir(tmp_path) / "crmlab.json").is_file()
    assert not (tmp_path / "home").exists()  # nothing in the user's home folder
    assert "设置 → 语言 → English" in capsys.readouterr().out


# --------------------------------------------------------------------------- Binder / JupyterHub


def _requirements(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_binder_installs_the_locked_dependencies_and_the_course():
    binder = ROOT / ".binder"
    reqs = (binder / "requirements.txt").read_text(encoding="utf-8")
    assert "-e ." in _requirements(reqs)  # the course package itself (repo2docker runs pip in the repo)
    assert (binder / "runtime.txt").read_text().strip().startswith("python-3.")
    post = (binder / "postBuild").read_text(encoding="utf-8")
    assert post.startswith("#!/bin/bash") and "set -e" in post and "python -m crmlab.lab --setup" in post
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv 不可用，无法比对 uv.lock")
    fresh = subprocess.run(
        [uv, "export", "--frozen", "--no-hashes", "--no-dev"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert _requirements(reqs) == _requirements(fresh), (
        ".binder/requirements.txt 与 uv.lock 不一致：运行 "
        "uv export --frozen --no-hashes --no-dev --output-file .binder/requirements.txt"
    )


# --------------------------------------------------------------------------- group companies


def test_load_without_group_uses_the_current_group(monkeypatch):
    from crmlab import course, datasets

    monkeypatch.setattr(course, "_group", None)
    monkeypatch.delenv("CRMLAB_GROUP", raising=False)
    base = datasets.load("customers")
    assert base.equals(datasets.load("customers", group=0))
    monkeypatch.setenv("CRMLAB_GROUP", "2")
    assert datasets.load("customers").equals(datasets.load("customers", group=2))
    assert datasets.company()["group"] == 2
    course.set_group(3)
    assert datasets.load("orders").equals(datasets.load("orders", group=3))
    assert datasets.load("orders", group=0).equals(datasets.load("orders", group=0))  # explicit group wins
    assert not datasets.load("customers").equals(base)


def test_crmlab_app_group_option_sets_the_kernels_company(monkeypatch, capsys):
    import os

    calls = []
    monkeypatch.setattr(app_cli, "run_server", lambda cmd, root: calls.append(cmd) or 0)
    monkeypatch.setenv("CRMLAB_GROUP", "0")  # recorded, so main()'s change is undone after the test
    monkeypatch.delenv("CRMLAB_GROUP")
    assert app_cli.main(["3", "--group", "2", "--no-browser"]) == 0
    assert os.environ["CRMLAB_GROUP"] == "2"
    assert "--group" not in calls[-1] and "2" not in calls[-1][3:] and "--no-browser" in calls[-1]
    assert calls[-1][3].endswith("03_segmentation_app.ipynb")
    assert "第 2 组" in capsys.readouterr().out
    assert app_cli.main(["--group=4"]) == 0 and os.environ["CRMLAB_GROUP"] == "4"
    for bad in (["3", "--group", "7"], ["3", "--group"], ["--group=x"]):
        assert app_cli.main(bad) == 2
        assert "组号" in capsys.readouterr().err


def test_dashboard_uses_the_current_group(monkeypatch):
    from crmlab import course

    monkeypatch.setattr(course, "_group", None)
    monkeypatch.setenv("CRMLAB_GROUP", "1")
    assert dashboard(1).data.group == 1
    assert dashboard(1, group=3).data.group == 3 and course.current_group() == 1
    with pytest.raises(CRMDataError):
        dashboard(1, group=9)


def test_crmlab_lab_adds_allow_root_for_root(capsys):
    from crmlab.lab import root_flags

    assert root_flags(["--no-browser"], uid=0) == ["--no-browser", "--allow-root"]
    assert "root" in capsys.readouterr().out
    assert root_flags(["--no-browser"], uid=1000) == ["--no-browser"]
    assert root_flags(["--allow-root"], uid=0) == ["--allow-root"]
