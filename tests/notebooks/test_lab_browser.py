"""The course's JupyterLab as ``crmlab-lab`` starts it, in headless Chromium (issue 17, items 1 and 5).

The real entry point (``python -m crmlab.lab``) starts the server, on a temporary folder holding a
stand-in ``notebooks/00_start.ipynb`` (the file crmlab-lab opens), with a temporary home, Jupyter
configuration, runtime and settings folders.  Like ``uv run crmlab-lab``, it writes the course's
JupyterLab defaults into this environment (the same file each time).  Chromium runs with a font
configuration that holds no Chinese font, the way a bare Linux lab machine is set up, and with every
request to another host refused and recorded.  The test then checks:

* the server printed no deprecation warning (nor any Python warning, error or traceback) while
  starting and serving the notebook;
* the page asked no host but the local server for anything;
* JupyterLab's interface, notebook text, code, printed output and widgets (a button, a drop-down, a
  text box) use font lists that end with the course font, and the browser loaded that font from the
  local server to show the Chinese interface;
* no Chinese text stays drawn as boxes: the menu bar, the file list and the cell's output look the
  same, pixel for pixel, when drawn again after the font arrived.

Marked ``browser``: it runs in the full run (``pytest --full``) or when named on the command line.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import ROOT
from crmlab import FONT_FAMILY

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ARTIFACTS = ROOT / "tests" / "artifacts"
FONT_URL_END = "/custom/CRMLabSansSC-Regular.ttf"
# Latin fonts only: what Chromium may use besides the page's web fonts (a machine without Chinese fonts)
LATIN_FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]
START_MARKDOWN = "# 客户关系管理\n\n欢迎来到课程。"
START_CODE = ("import ipywidgets as widgets\n"
              "from IPython.display import display\n"
              "display(widgets.Button(description='热力图'), widgets.Dropdown(options=['高价值', '低价值'], description='标准'),\n"
              "        widgets.Text(value='客户名称'))\n"
              "print('客户关系管理')")


@functools.cache
def _helpers():
    """tests/notebooks/test_browser.py's server and Chromium helpers (one way to start and stop a server in the suite)."""
    path = next(iter(sorted((ROOT / "tests").rglob("test_browser.py"))))
    spec = importlib.util.spec_from_file_location("_crmlab_test_browser_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chinese_font_files() -> list[str]:
    """The font files fontconfig knows that cover Chinese (none when ``fc-list`` is missing)."""
    if shutil.which("fc-list") is None:
        return []
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True).stdout
    return sorted({line.strip().rstrip(":") for line in out.splitlines() if line.strip()})


def _no_chinese_fonts_config(folder: Path) -> Path:
    """A fontconfig file: the system's configuration with every Chinese font rejected (a bare lab machine).

    Without ``fc-list`` it lists only the Latin font folders instead.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rejected = "".join(f"<glob>{escape(path)}</glob>" for path in _chinese_font_files())
    if shutil.which("fc-list") is not None and Path("/etc/fonts/fonts.conf").is_file():
        fonts = f"<include>/etc/fonts/fonts.conf</include><selectfont><rejectfont>{rejected}</rejectfont></selectfont>"
    else:
        fonts = "".join(f"<dir>{d}</dir>" for d in LATIN_FONT_DIRS if d.is_dir())
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig>{fonts}<cachedir>{escape(str(folder / 'cache'))}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    if shutil.which("fc-list") is not None:  # the harness itself: Chinese is really gone
        env = dict(os.environ, FONTCONFIG_FILE=str(conf))
        left = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, env=env).stdout
        assert left.strip() == "", f"fontconfig still offers Chinese fonts: {left}"
    return conf


@pytest.fixture(scope="module")
def crmlab_lab(tmp_path_factory):
    """``python -m crmlab.lab`` on a free local port; yields (url of the start notebook, token, log path)."""
    tb = _helpers()
    tb._chromium_or_skip()
    base = tmp_path_factory.mktemp("crmlab_lab")
    course = base / "course"
    (course / "notebooks").mkdir(parents=True)
    nb = new_notebook(cells=[new_markdown_cell(START_MARKDOWN), new_code_cell(START_CODE)])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, course / "notebooks" / "00_start.ipynb")
    env = dict(
        os.environ,
        HOME=str(base / "home"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    for name in ("PYTHONWARNINGS", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
        env.pop(name, None)  # the server's own warnings and configuration, as a user's shell has them
    token = secrets.token_hex(16)
    port = tb._free_port()
    log_path = base / "crmlab-lab.log"
    log = open(log_path, "wb")  # noqa: SIM115 - stays open for the server's lifetime
    # crmlab-lab serves the course folder and opens notebooks/00_start.ipynb; root_dir (given after
    # crmlab-lab's own --notebook-dir, so it wins) points the server at the stand-in folder instead
    cmd = [sys.executable, "-m", "crmlab.lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
           "--LabApp.expose_app_in_browser=True"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        tb._wait_for_server(proc, f"{url}/api/status?token={token}", log_path, "crmlab-lab")
        yield f"{url}/lab/tree/notebooks/00_start.ipynb", token, log_path
    finally:
        tb._stop(proc)
        log.close()


@pytest.fixture(scope="module")
def bare_browser(tmp_path_factory):
    """Headless Chromium that sees no Chinese system font."""
    from playwright.sync_api import sync_playwright

    tb = _helpers()
    conf = _no_chinese_fonts_config(tmp_path_factory.mktemp("fontconfig"))
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(tb.CHROMIUM), args=tb.CHROMIUM_FLAGS, headless=True, env=env)
        try:
            yield browser
        finally:
            browser.close()


# Inside the page: the three font variables, the font each kind of text is drawn with, the course font's state.
_FONTS_JS = """
() => {
  const root = getComputedStyle(document.documentElement);
  const font = sel => { const el = document.querySelector(sel); return el ? getComputedStyle(el).fontFamily : null; };
  const faces = Array.from(document.fonts).filter(f => f.family.replace(/["']/g, '') === %(family)s);
  return {
    ui: root.getPropertyValue('--jp-ui-font-family').trim(),
    content: root.getPropertyValue('--jp-content-font-family').trim(),
    code: root.getPropertyValue('--jp-code-font-family').trim(),
    menu: font('.lm-MenuBar-itemLabel'),
    markdown: font('.jp-RenderedMarkdown h1'),
    editor: font('.jp-CodeCell .cm-content'),
    output: font('.jp-OutputArea-output pre'),
    button: font('.widget-button'),
    dropdown: font('.widget-dropdown select'),
    textbox: font('.widget-text input'),
    faces: faces.map(f => f.status),
    menuText: Array.from(document.querySelectorAll('.lm-MenuBar-itemLabel')).map(el => el.textContent).join(' '),
  };
}
"""


# Inside the page: run the notebook (widgets, printed text) once its kernel is ready.
_RUN_JS = """
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.ready;
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
}
"""

# Inside the page: draw an element (and everything in it) again from scratch.
_REDRAW_JS = """
(selector) => {
  const el = document.querySelector(selector);
  el.style.display = 'none';
  void el.offsetHeight;
  el.style.display = '';
  void el.offsetHeight;
}
"""


def _last_family(value: str | None) -> str:
    return (value or "").split(",")[-1].strip().strip("\"'")


def test_crmlab_lab_page_is_local_and_falls_back_to_the_course_font(crmlab_lab, bare_browser):
    url, token, log_path = crmlab_lab
    ctx = bare_browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    ctx.set_extra_http_headers({"Authorization": f"token {token}"})
    foreign: list[str] = []
    font_responses: list[tuple[str, int]] = []

    def local_only(route):
        request_url = route.request.url
        if request_url.startswith(("data:", "blob:")) or urlsplit(request_url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            foreign.append(request_url)
            route.abort()

    ctx.route("**/*", local_only)
    page = ctx.new_page()
    page.on("response", lambda r: r.url.split("?")[0].endswith(FONT_URL_END) and font_responses.append((r.url, r.status)))
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    shots = ARTIFACTS / "crmlab_lab"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(url, timeout=60_000)
        page.wait_for_selector(".jp-RenderedMarkdown h1", timeout=60_000)
        page.wait_for_selector(".jp-CodeCell .cm-content", timeout=30_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=30_000)
        page.evaluate(_RUN_JS)
        page.wait_for_selector(".widget-text input", timeout=60_000)
        page.wait_for_selector(".jp-OutputArea-output pre", timeout=30_000)
        # the Chinese menus need the course font here: the browser loads it by itself
        page.wait_for_function(
            f"() => Array.from(document.fonts).some(f => f.family.replace(/[\"']/g, '') === {FONT_FAMILY!r}"
            " && f.status === 'loaded')", timeout=30_000)  # fmt: skip
        page.wait_for_timeout(1000)  # let late requests (settings, kernel, translations) show up in the log
        page.screenshot(path=str(shots / "start.png"))
        fonts = page.evaluate(_FONTS_JS % {"family": repr(FONT_FAMILY)})
        assert "文件" in fonts["menuText"], fonts["menuText"]  # the Chinese interface
        for key in ("ui", "content", "code", "menu", "markdown", "editor", "output", "button", "dropdown", "textbox"):
            assert _last_family(fonts[key]) == FONT_FAMILY, (key, fonts[key])
        assert fonts["faces"] == ["loaded"], fonts["faces"]
        assert font_responses and all(status in (200, 304) for _u, status in font_responses), font_responses
        assert page.evaluate(f"() => document.fonts.check('16px \"{FONT_FAMILY}\"', '客户关系管理')")
        # no text stays as boxes: the menu bar and the file list look the same after being drawn again
        for selector in (".lm-MenuBar-content", ".jp-DirListing-header", ".jp-Cell-outputArea"):
            before = page.locator(selector).first.screenshot()
            page.evaluate(_REDRAW_JS, selector)
            page.wait_for_timeout(300)
            same = page.locator(selector).first.screenshot() == before
            assert same, f"{selector}: 重新绘制后文字不同（方框？）/ text drawn before the font arrived was stale"
        assert foreign == [], f"请求了外部网站 / requests to other hosts: {foreign}"
        assert not page_errors, page_errors
    except Exception:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shots / "failed.png"))
        raise
    finally:
        ctx.close()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert "--allow-root" in log or os.getuid() != 0  # as root, crmlab-lab added it and said so
    # Python warnings ("...: DeprecationWarning: ..."), deprecated options, errors; not the server's
    # routine "[W ...]" notices such as "Notebook ... is not trusted" for a fresh notebook
    problems = [line for line in log.splitlines()
                if re.search(r"[Dd]eprecat|\w+Warning\b|Traceback|^\[E ", line)]  # fmt: skip
    assert problems == [], "\n".join(problems)
