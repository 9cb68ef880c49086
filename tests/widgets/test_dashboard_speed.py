"""A dashboard's first tab shows within 3 s of opening it (browser test, a 2-core machine).

``crmlab-app`` starts Voilà with pre-heated kernels: each dashboard notebook is run in a
waiting kernel as soon as the server starts, so opening a page only connects to it.  The
teacher starts the dashboards before the class; this test does the same (it waits until the
waiting kernels have finished their work), then opens each dashboard once at 1024x768 and
times from the request to the first tab being ready (built, every widget drawn, every image
loaded).  A dashboard slower than the limit is opened again after the server has settled
once more (best of up to three openings: the pool re-fills a used kernel in the background and
another program may be busy; a dashboard that is slow every time still fails).  Then it opens
one dashboard with ``?projector=1``: the pre-heated kernel learns the address when the page is
requested and switches projector mode on.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 3.0
TRIES = 3  # a dashboard slower than LIMIT_S is opened again (best of up to 3, like a benchmark)
WARM_TIMEOUT_S = 240

pytestmark = pytest.mark.browser


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _quiet(pid: int, timeout_s: float) -> None:
    """Wait until the server's kernels stop working (no CPU time used for 3 s in a row)."""
    import psutil

    server = psutil.Process(pid)

    def busy() -> float:
        total = 0.0
        for p in [server, *server.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    deadline, last, calm_since = time.monotonic() + timeout_s, busy(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = busy()
        if now - last > 0.05:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= 3.0 and len(server.children(recursive=True)) >= 4:
            return
        last = now
    raise AssertionError("Voilà 的预热内核迟迟没有准备好 / pre-heated kernels never settled")


def _open_first_tab(ctx, address: str, ready_js: str) -> float:
    """Seconds from requesting ``address`` to its first tab being ready."""
    page = ctx.new_page()
    try:
        start = time.monotonic()
        page.goto(address, wait_until="commit", timeout=120_000)
        page.wait_for_function(ready_js, timeout=120_000, polling=50)
        return time.monotonic() - start
    finally:
        page.close()


def test_first_tab_of_every_dashboard_within_3_seconds(tmp_path):
    tb = _module("_speed_tb", next(iter(sorted((ROOT / "tests").rglob("test_browser.py")))))
    do = _module("_speed_do", next(iter(sorted((ROOT / "tests").rglob("test_dashboard_offline.py")))))
    tb._chromium_or_skip()
    from playwright.sync_api import sync_playwright

    port = tb._free_port()
    log_path = tmp_path / "voila.log"
    log = open(log_path, "wb")  # noqa: SIM115 - stays open for the server's lifetime
    cmd = [sys.executable, "-m", "crmlab.app", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--Voila.port_retries=0"]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    times: dict[str, float] = {}
    attempts: dict[str, list[float]] = {}
    try:
        tb._wait_for_server(proc, f"{url}api/kernelspecs", log_path, "Voilà")
        _quiet(proc.pid, WARM_TIMEOUT_S)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(tb.CHROMIUM), args=tb.CHROMIUM_FLAGS)
            try:
                ctx = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
                for relpath in do.DASHBOARDS:
                    tries = []
                    while len(tries) < TRIES and (not tries or min(tries) > LIMIT_S):
                        if tries:  # a noisy moment: let the pool refill and the machine calm down
                            _quiet(proc.pid, WARM_TIMEOUT_S)
                        tries.append(_open_first_tab(ctx, f"{url}voila/render/{relpath}", do._TAB_READY_JS))
                    attempts[relpath] = [round(t, 2) for t in tries]
                    times[relpath] = min(tries)
                # ?projector=1 still works with pre-heated kernels (Dashboard.follow_address)
                page = ctx.new_page()
                page.goto(f"{url}voila/render/{do.DASHBOARDS[-1]}?projector=1", wait_until="commit", timeout=120_000)
                page.wait_for_function("() => document.body.innerText.includes('投影模式已打开')", timeout=120_000)
                page.close()
            finally:
                browser.close()
    finally:
        tb._stop(proc)
        log.close()
    print("best of the openings (s):", {k: round(v, 2) for k, v in times.items()}, "all openings:", attempts)
    slow = {k: round(v, 1) for k, v in times.items() if v > LIMIT_S}
    assert not slow, f"第一页超过 {LIMIT_S:.0f} 秒才显示 / first tab slower than {LIMIT_S} s: {slow}"
