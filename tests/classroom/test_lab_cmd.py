"""``crmlab-lab`` (crmlab/lab.py): its command line, the course's Jupyter configuration and stylesheet.

The command line is parsed and the configuration loaded by the real Jupyter applications (nothing is
started), so a misspelt option or setting fails here rather than in the classroom.
tests/notebooks/test_lab_browser.py starts the server and checks the result in a browser.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from crmlab import FONT_FAMILY, FONT_FILE, lab

CSS = lab.LAB_CONFIG / "custom" / "custom.css"


def _parsed(argv: list[str]):
    """The configuration JupyterLab reads from ``argv`` (nothing is started)."""
    from jupyterlab.labapp import LabApp

    app = LabApp()
    app.parse_command_line(argv)
    return app.config


def _server(monkeypatch, tmp_path, user_config: str = ""):
    """A Jupyter server with its configuration files loaded as crmlab-lab's server loads them.

    ``user_config`` is the user's own ``jupyter_server_config.py`` (in a temporary ``jupyter --config-dir``).
    """
    from jupyter_server.serverapp import ServerApp

    user = tmp_path / "user config"
    user.mkdir()
    (user / "jupyter_server_config.py").write_text(user_config, encoding="utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", lab.config_path(None))
    app = ServerApp()
    app.load_config_file()
    return app, user


def _command(monkeypatch, tmp_path, argv: list[str], uid: int = 1000) -> list[str]:
    """What ``crmlab-lab argv`` would run, with the environment's settings written under ``tmp_path``."""
    calls = []
    monkeypatch.setattr(lab.sys, "prefix", str(tmp_path / "env"))
    monkeypatch.setattr(lab.os, "getuid", lambda: uid, raising=False)
    monkeypatch.setattr(lab, "run_server", lambda cmd, cwd: calls.append((cmd, cwd)) or 0)
    # recorded as it is, so main()'s change is undone after the test
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", os.environ.get("JUPYTER_CONFIG_PATH", ""))
    assert lab.main(argv) == 0
    (cmd, cwd), = calls
    assert cmd[:3] == [lab.sys.executable, "-m", "jupyterlab"] and cwd == lab.course_root()
    return cmd[3:]


# --------------------------------------------------------------------------- the course's configuration


def test_course_configuration_turns_on_the_stylesheet_and_off_notebook_shim(monkeypatch, tmp_path):
    app, user = _server(monkeypatch, tmp_path)
    assert app.config.LabApp.custom_css is True
    assert app.jpserver_extensions == {"notebook_shim": False}
    paths = [Path(p) for p in app.tornado_settings["static_custom_path"]]
    assert paths[0] == lab.LAB_CONFIG / "custom" and (paths[0] / "custom.css").is_file()
    assert paths[1] == FONT_FILE.parent  # custom.css loads the font from /custom/ too
    assert paths[-1] == user / "custom"  # the user's own custom folder still serves its other files


def test_users_own_configuration_is_kept(monkeypatch, tmp_path):
    """The user's dictionaries are merged with the course's, not replaced; the command line still wins."""
    app, _user = _server(monkeypatch, tmp_path, (
        "c.ServerApp.tornado_settings.update({'headers': {'X-Frame-Options': 'DENY'}})\n"
        "c.ServerApp.jpserver_extensions.update({'my_extension': True})\n"))  # fmt: skip
    assert app.tornado_settings["headers"] == {"X-Frame-Options": "DENY"}
    assert "static_custom_path" in app.tornado_settings
    assert app.jpserver_extensions == {"notebook_shim": False, "my_extension": True}
    app.update_config(_parsed(["--LabApp.custom_css=False"]))
    assert app.config.LabApp.custom_css is False


def test_config_path_adds_the_course_folder_once_and_last():
    here = str(lab.LAB_CONFIG)
    assert lab.config_path(None) == here == lab.config_path("")
    school = os.pathsep.join(["/etc/school", "/opt/x"])
    assert lab.config_path(school) == os.pathsep.join(["/etc/school", "/opt/x", here])
    assert lab.config_path(lab.config_path(school)) == lab.config_path(school)


# --------------------------------------------------------------------------- the stylesheet


def _font_lists(css: str) -> dict[str, list[str]]:
    body = re.search(r"html:root\s*\{(.*?)\}", css, re.S).group(1)
    lists = {}
    for name, value in re.findall(r"(--jp-[\w-]+)\s*:\s*([^;]+);", body):
        lists[name] = [f.strip().strip("\"'") for f in value.split(",")]
    return lists


def test_stylesheet_ends_the_interface_fonts_with_the_course_font():
    css = CSS.read_text(encoding="utf-8")
    face = re.search(r"@font-face\s*\{(.*?)\}", css, re.S).group(1)
    assert re.search(rf"font-family:\s*\"{FONT_FAMILY}\"", face)
    src = re.search(r'url\("([^"]+)"\)', face).group(1)
    assert src == FONT_FILE.name and not re.search(r"https?:|//", css)  # served by the local server, no CDN
    lists = _font_lists(css)
    assert set(lists) == {"--jp-ui-font-family", "--jp-content-font-family", "--jp-code-font-family-default"}
    for name, families in lists.items():
        assert families[-1] == FONT_FAMILY, name
        assert "sans-serif" in families or "monospace" in families, name  # JupyterLab's own list comes first


def test_stylesheet_starts_with_jupyterlabs_own_font_lists():
    """The course only appends to JupyterLab's defaults (checked against the installed light theme)."""
    import sys

    themes = Path(sys.prefix, "share", "jupyter", "lab", "themes", "@jupyterlab")
    default = (themes / "theme-light-extension" / "index.css").read_text(encoding="utf-8")
    ours = _font_lists(CSS.read_text(encoding="utf-8"))
    for name in ours:
        theirs = re.search(rf"{name}:([^;]+);", default)
        assert theirs, name
        families = [f.strip().strip("\"'") for f in theirs.group(1).split(",")]
        assert ours[name][: len(families)] == families, name


def test_course_font_covers_jupyterlabs_chinese_interface():
    """Every character of the zh_CN language pack's translations is in the course font (none shows as a box)."""
    import jupyterlab_language_pack_zh_CN as pack
    from fontTools.ttLib import TTFont

    cmap = set(TTFont(FONT_FILE)["cmap"].getBestCmap())
    chars: set[str] = set()
    for path in (Path(pack.__file__).parent / "locale").rglob("*.json"):
        chars.update(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False))
    shown = {c for c in chars if ord(c) > 0x7F and unicodedata.category(c) not in ("Cf", "Mn")}  # not zero-width marks
    assert len(shown) > 500  # the translations were found
    assert sorted(c for c in shown if ord(c) not in cmap) == []


# --------------------------------------------------------------------------- the command line


def test_main_runs_jupyterlab_on_the_course_with_its_configuration(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/etc/school")
    cmd = _command(monkeypatch, tmp_path, ["--no-browser"])
    assert os.environ["JUPYTER_CONFIG_PATH"] == os.pathsep.join(["/etc/school", str(lab.LAB_CONFIG)])
    root = lab.course_root()
    assert cmd == [f"--notebook-dir={root}", lab.START, "--no-browser"] and (root / lab.START).is_file()
    assert _parsed(cmd).ServerApp.root_dir == str(root)  # a command line JupyterLab accepts
    out = capsys.readouterr().out
    assert "简体中文" in out and "管理员" not in out


def test_main_as_root_adds_allow_root_and_says_so_in_chinese(monkeypatch, tmp_path, capsys):
    cmd = _command(monkeypatch, tmp_path, ["--no-browser"], uid=0)
    assert cmd.count("--allow-root") == 1
    assert "root（管理员）" in capsys.readouterr().out
    assert _command(monkeypatch, tmp_path, ["--allow-root"], uid=0).count("--allow-root") == 1


@pytest.mark.parametrize("own", [["--notebook-dir=/srv/class"], ["--ServerApp.root_dir", "/srv/class"]])
def test_own_folder_replaces_the_course_folder_and_start_notebook(monkeypatch, tmp_path, own):
    """Jupyter refuses an option given twice: the user's folder replaces the course's."""
    cmd = _command(monkeypatch, tmp_path, own)
    assert cmd == own
    assert _parsed(cmd).ServerApp.root_dir == "/srv/class"


def test_a_file_given_is_opened_instead_of_the_start_notebook(monkeypatch, tmp_path):
    cmd = _command(monkeypatch, tmp_path, ["notebooks/03_segmentation.ipynb"])
    assert lab.START not in cmd and cmd[-1] == "notebooks/03_segmentation.ipynb"


def test_given_matches_whole_option_names():
    assert lab.given(["--notebook-dir=/x"], "--notebook-dir")
    assert lab.given(["--no-browser", "--notebook-dir", "/x"], "--notebook-dir")
    assert not lab.given(["--notebook-dir-extra=1"], "--notebook-dir")
    assert not lab.given(["notebook-dir"], "--notebook-dir")
