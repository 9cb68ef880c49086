"""The dashboards ask nothing of any host but the local Voilà server (issue 17: no CDN requests).

Voilà's stock "lab" template links two Font Awesome stylesheets on cdn.jsdelivr.net; on a
school network that silently drops requests the page waits for them.  ``crmlab-app`` uses the
course template ``crmlab`` (crmlab/app/jupyter/voila/templates/crmlab), which drops those links;
Voilà's own bundle already carries Font Awesome.  The fast tests check the checker and the command
line; the ``browser`` tests start ``python -m crmlab.app`` the way tests/notebooks/test_browser.py
does, load every dashboard page with urllib, and open each in headless Chromium with every
non-local request refused and recorded.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT
from crmlab.app import __main__ as app_cli

APP_DIR = ROOT / "notebooks" / "app"
# `python -m crmlab.app` (no lesson) serves notebooks/app/ itself: a dashboard's URL path is its file name
DASHBOARDS = sorted(p.name for p in APP_DIR.glob("[0-9][0-9]_*.ipynb"))
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOAD_TIMEOUT_S = 240  # a dashboard page streams until its last cell ran (a 2-core machine, shared)


class _Refs(HTMLParser):
    """Every src/href of <link>, <script>, <img>, <iframe> tags in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"link", "script", "img", "iframe", "source"}:
            self.refs += [value for name, value in attrs if name in {"src", "href"} and value]


def foreign_refs(html: str) -> list[str]:
    """The absolute http(s)/protocol-relative references of ``html`` to a host that is not this computer."""
    parser = _Refs()
    parser.feed(html)
    foreign = []
    for ref in parser.refs:
        parts = urlsplit(ref.strip())
        absolute = parts.scheme in {"http", "https"} or ref.strip().startswith("//")
        if absolute and parts.hostname not in LOCAL_HOSTS:
            foreign.append(ref)
    return foreign


def test_foreign_refs_finds_cdn_links():
    """The checker itself: it sees what Voilà's stock template would send (and ignores local paths)."""
    page = ('<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css">'
            '<script src="//cdnjs.cloudflare.com/x.js"></script><script src="/voila/static/voila.js"></script>'
            '<link href="http://127.0.0.1:8866/voila/static/a.css"><img src="data:image/png;base64,AAAA">')  # fmt: skip
    assert foreign_refs(page) == ["https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css",
                                  "//cdnjs.cloudflare.com/x.js"]  # fmt: skip


def test_stock_lab_template_links_the_cdn():
    """Voilà's lab template still carries the CDN links this course template removes (else drop the template)."""
    from voila.paths import collect_template_paths

    stock = next(Path(d) / "index.html.j2" for d in collect_template_paths(["voila"], "lab", prune=True)
                 if (Path(d) / "index.html.j2").is_file())  # fmt: skip
    assert "cdn.jsdelivr.net" in stock.read_text(encoding="utf-8")


def test_crmlab_app_uses_the_course_template(tmp_path):
    cmd = app_cli.voila_command(APP_DIR / "03_segmentation_app.ipynb", ["--no-browser"])
    assert f"--template={app_cli.TEMPLATE}" in cmd and cmd[-1] == "--no-browser"
    for own in (["--template=reveal"], ["--VoilaConfiguration.template=lab"]):  # a teacher's choice wins
        mine = app_cli.voila_command(APP_DIR / "03_segmentation_app.ipynb", own)
        assert [a for a in mine if "template" in a] == own
    folder = app_cli.TEMPLATE_ROOT / "voila" / "templates" / app_cli.TEMPLATE
    assert (folder / "index.html.j2").is_file() and (folder / "conf.json").is_file()
    env = app_cli.template_env({"JUPYTER_PATH": os.pathsep.join(["/a", str(app_cli.TEMPLATE_ROOT)])})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(app_cli.TEMPLATE_ROOT), "/a"]
    assert app_cli.template_env({})["JUPYTER_PATH"] == str(app_cli.TEMPLATE_ROOT)


# --------------------------------------------------------------------------- a real Voilà server


@functools.cache
def _helpers():
    """tests/notebooks/test_browser.py's server and Chromium helpers (one way to start and stop a server in the suite).

    Loaded from its file wherever it lives under tests/ (test files may move into subfolders).
    """
    path = next(iter(sorted((ROOT / "tests").rglob("test_browser.py"))))
    spec = importlib.util.spec_from_file_location("_crmlab_test_browser_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """``python -m crmlab.app`` (all dashboards) on a free local port, as tests/notebooks/test_browser.py starts it."""
    tb = _helpers()
    base = tmp_path_factory.mktemp("voila_offline")
    port = tb._free_port()
    log_path = base / "voila.log"
    log = open(log_path, "wb")  # noqa: SIM115 - stays open for the server's lifetime
    # without pre-heated kernels: every page these tests open would start and run a fresh waiting
    # kernel in the background (CPU the parallel test run needs); tests/widgets/test_dashboard_speed.py
    # covers the pre-heated start, including ?projector=1
    cmd = [sys.executable, "-m", "crmlab.app", "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--preheat_kernel=False"]  # fmt: skip
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(base / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("JUPYTER_PATH", None)  # crmlab.app must add the template folder itself
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        tb._wait_for_server(proc, f"{url}api/kernelspecs", log_path, "Voilà")
        yield url, log_path
    finally:
        tb._stop(proc)
        log.close()


def _render_url(url: str, relpath: str) -> str:
    return f"{url}voila/render/{relpath}"


@pytest.mark.browser
@pytest.mark.parametrize("relpath", ["", *DASHBOARDS])
def test_dashboard_html_links_only_the_local_server(app_server, relpath):
    """The list page and every dashboard's full HTML (all cells run) reference no other host."""
    url, log = app_server
    page_url = _render_url(url, relpath) if relpath else url
    with urllib.request.urlopen(page_url, timeout=LOAD_TIMEOUT_S) as response:
        html = response.read().decode("utf-8")
    assert "</html>" in html, f"{page_url} 没有完整加载 / page incomplete:\n{log.read_text()[-2000:]}"
    if relpath:
        assert "voila_finish" in html and "jupyter-config-data" in html  # a rendered dashboard, not an error page
    assert foreign_refs(html) == []
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//(?!127\.0\.0\.1|localhost)""", html)


_ICON_FONT_JS = """
() => {
  const icon = document.querySelector('.jupyter-widgets .fa');
  return icon ? getComputedStyle(icon).fontFamily : null;
}
"""

# The tab panel on show: (part of) what a projector shows.
_PANEL_JS = """Array.from(document.querySelectorAll('.widget-tab > .widget-tab-contents > *, .widget-tab .lm-TabPanel-stackedPanel'))
    .find(el => !el.classList.contains('lm-mod-hidden') && el.offsetParent !== null)"""

# The shown tab is ready: built (no "正在准备"), every widget rendered, every image loaded.
_TAB_READY_JS = f"""
() => {{
  const panel = {_PANEL_JS};
  if (!panel) return false;
  const text = panel.innerText || '';
  if (text.includes('正在准备这一页') || text.includes('Loading widget')) return false;
  return Array.from(panel.querySelectorAll('img')).every(img => img.complete && img.naturalWidth > 0);
}}
"""

# What a projector at 1024x768 would show badly on the shown tab.
_FIT_PROBE_JS = f"""
() => {{
  const doc = document.documentElement;
  const width = doc.clientWidth;  // the viewport without its vertical scroll bar
  const panel = {_PANEL_JS};
  const shown = el => el.offsetParent !== null && el.getClientRects().length > 0;
  const name = el => (el.className && el.className.baseVal === undefined ? el.className : el.tagName) + ' '
      + (el.innerText || el.textContent || '').trim().slice(0, 30);
  const report = {{width: width, scrollWidth: Math.max(doc.scrollWidth, document.body.scrollWidth),
                   overflowing: [], clipped: [], image: null, text: (panel.innerText || '')}};
  // whatever sticks out to the right of the screen (the page would scroll, or a box would)
  panel.querySelectorAll('*').forEach(el => {{
    if (!shown(el)) return;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1)) report.overflowing.push(name(el) + ' @' + Math.round(r.right));
  }});
  report.overflowing = report.overflowing.slice(0, 8);
  // labels and buttons cut off (ellipsis / hidden overflow)
  const labels = '.widget-label, .widget-label-basic, .widget-button, .widget-toggle-button, .jupyter-button, '
      + '.widget-readout, .widget-inline-hbox label';
  document.querySelectorAll(labels).forEach(el => {{
    if (shown(el) && el.scrollWidth > el.clientWidth + 1) report.clipped.push(name(el));
  }});
  // a drop-down's chosen text wider than its box
  const canvas = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('.widget-dropdown select').forEach(sel => {{
    if (!shown(sel) || sel.selectedIndex < 0) return;
    const style = getComputedStyle(sel);
    canvas.font = style.fontSize + ' ' + style.fontFamily;
    const text = sel.options[sel.selectedIndex].text;
    const room = sel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (canvas.measureText(text).width > room + 1) report.clipped.push('select ' + text);
  }});
  // the tab's first chart
  const img = Array.from(panel.querySelectorAll('img')).find(shown);
  if (img) {{
    const r = img.getBoundingClientRect();
    report.image = {{left: r.left, right: r.right, width: r.width, natural: img.naturalWidth}};
  }}
  return report;
}}
"""

_TAB_LABELS_CLIPPED_JS = """
() => Array.from(document.querySelectorAll('.lm-TabBar-tabLabel, .p-TabBar-tabLabel'))
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)
"""

_FIRST_IMG_JS = f"""
() => {{ const panel = {_PANEL_JS}; const img = panel && panel.querySelector('img');
        return img && img.complete ? [img.naturalWidth, img.naturalHeight, img.src.length, img.src.slice(-80)] : null; }}
"""

PROJECTOR = {"width": 1024, "height": 768}
ERROR_TEXTS = ("Traceback", "Error displaying widget", "打不开", "意外的问题")


def _tab_titles(lesson: int) -> list[str]:
    from crmlab.app.pages import LESSONS, LessonData

    return [title for title, _build in LESSONS[lesson][1](LessonData())]


def _fit_problems(report: dict, where: str) -> list[str]:
    """What the probe found wrong on one tab, as readable lines (empty: the tab fits a projector)."""
    problems = []
    if report["scrollWidth"] > PROJECTOR["width"]:
        problems.append(f"{where}: 页面横向滚动 / page scrolls sideways ({report['scrollWidth']} px)")
    if report["overflowing"]:
        problems.append(f"{where}: 超出屏幕右边 / sticks out: {report['overflowing']}")
    if report["clipped"]:
        problems.append(f"{where}: 文字被截断 / clipped: {report['clipped']}")
    image = report["image"]
    if image and (image["right"] > report["width"] + 1 or image["left"] < 0):
        problems.append(f"{where}: 图表超出屏幕 / chart wider than the screen: {image}")
    if image and image["width"] < 0.9 * image["natural"]:
        problems.append(f"{where}: 图表被缩小 / chart shrunk to fit, its text gets small: {image}")
    problems += [f"{where}: 出错 / error text {t!r}" for t in ERROR_TEXTS if t in report["text"]]
    return problems


def _check_every_tab(page, lesson: int, shots: Path) -> list[str]:
    """Open each tab in turn; a tab with a problem leaves a full-page screenshot in ``shots``."""
    problems = []
    clipped_tabs = page.evaluate(_TAB_LABELS_CLIPPED_JS)
    if clipped_tabs:
        problems.append(f"第{lesson}课: 标签页标题被截断 / tab titles clipped: {clipped_tabs}")
    for number, title in enumerate(_tab_titles(lesson), start=1):
        page.get_by_role("tab", name=title, exact=True).click()
        page.wait_for_function(_TAB_READY_JS, timeout=LOAD_TIMEOUT_S * 1000)
        found = _fit_problems(page.evaluate(_FIT_PROBE_JS), f"第{lesson}课「{title}」")
        if found:
            page.screenshot(path=str(shots / f"lesson{lesson}_tab{number}.png"), full_page=True)
        problems += found
    return problems


def _open_projector_dashboard(page, url: str, lesson: int, relpath: str) -> None:
    """Lesson 1 is opened as usual and switched with the button (its chart must redraw larger);
    the others are opened in projector mode from the address (``?projector=1``)."""
    by_button = lesson == 1
    page.goto(_render_url(url, relpath) + ("" if by_button else "?projector=1"),
              timeout=LOAD_TIMEOUT_S * 1000, wait_until="commit")
    page.wait_for_selector(".widget-tab .jupyter-widgets img", timeout=LOAD_TIMEOUT_S * 1000)
    page.wait_for_function(_TAB_READY_JS, timeout=LOAD_TIMEOUT_S * 1000)
    switch = page.get_by_role("button", name="投影模式")
    pressed = "() => document.querySelector('.crmlab-projector').classList.contains('mod-active')"
    if not by_button:
        assert page.evaluate(pressed), "地址里的 ?projector=1 没有打开投影模式 / not in projector mode"
        return
    assert not page.evaluate(pressed)
    # in normal mode too, nothing makes the page scroll sideways (a wide chart may be shown smaller)
    normal = page.evaluate(_FIT_PROBE_JS)
    normal["image"] = None
    assert _fit_problems(normal, "第1课（平时）") == []
    before = page.evaluate(_FIRST_IMG_JS)
    switch.click()
    # the chart already on show is drawn again at the projector's size, without touching any control
    old = json.dumps(json.dumps(before, separators=(",", ":")))  # as JSON.stringify writes it, as a JS string
    page.wait_for_function(f"() => {{ const now = ({_FIRST_IMG_JS})();"
                           f" return now !== null && JSON.stringify(now) !== {old}; }}",
                           timeout=60_000)
    after = page.evaluate(_FIRST_IMG_JS)
    assert after[:2] != before[:2], (before, after)  # a new size, not just the same picture again
    assert page.evaluate(pressed)


@pytest.mark.browser
def test_dashboards_fit_a_projector_offline(app_server):
    """Every dashboard at 1024x768 in projector mode, every non-local request refused: none is
    attempted, no tab scrolls sideways or clips a label, each tab's first chart fits, no error."""
    tb = _helpers()
    tb._chromium_or_skip()
    from playwright.sync_api import sync_playwright

    url, log = app_server
    attempted: list[str] = []

    def local_only(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    problems: list[str] = []
    shots = ROOT / "tests" / "artifacts" / "projector"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(tb.CHROMIUM), args=tb.CHROMIUM_FLAGS)
        try:
            ctx = browser.new_context(viewport=PROJECTOR, locale="zh-CN")
            ctx.route("**/*", local_only)
            for relpath in DASHBOARDS:
                lesson = int(relpath[:2])
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                try:
                    _open_projector_dashboard(page, url, lesson, relpath)
                    page.screenshot(path=str(shots / f"lesson{lesson}.png"))
                    # the widgets' icons still come from Voilà's bundled Font Awesome
                    assert "Font Awesome" in (page.evaluate(_ICON_FONT_JS) or ""), relpath
                    problems += _check_every_tab(page, lesson, shots)
                    problems += [f"第{lesson}课: 页面脚本出错 / page error: {e}" for e in errors]
                except Exception:
                    with contextlib.suppress(Exception):
                        page.screenshot(path=str(shots / f"lesson{lesson}_failed.png"))
                    print(log.read_text(encoding="utf-8", errors="replace")[-3000:])
                    raise
                finally:
                    with contextlib.suppress(Exception):
                        page.close()
        finally:
            browser.close()
    assert attempted == [], attempted
    assert not problems, "\n".join(problems)
