"""Start the course's JupyterLab in Simplified Chinese: ``python -m crmlab.lab``.

JupyterLab reads default settings from ``overrides.d/*.json`` in its application
settings folder inside the Python environment
(``{sys.prefix}/share/jupyter/lab/settings``).  This launcher puts ``crmlab.json``
there, choosing the installed language pack ``zh_CN``, then starts JupyterLab on the
course folder at ``notebooks/00_start.ipynb``.  Nothing is written to the user's home
folder: a student who picks 设置 → 语言 → English keeps that choice (user settings win
over these defaults).

``python -m crmlab.lab --setup`` only writes the default (Binder ``postBuild``, a school
JupyterHub image); ``--remove`` deletes it.  Other arguments go to ``jupyter lab``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SETTINGS_FILE = "crmlab.json"
LOCALE = "zh_CN"
DEFAULTS = {
    "@jupyterlab/translation-extension:plugin": {"locale": LOCALE},
    # no news feed and update checks from the internet in a classroom / offline
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
START = "notebooks/00_start.ipynb"


def settings_dir(prefix: str | Path | None = None) -> Path:
    """JupyterLab's ``overrides.d`` folder of the environment at ``prefix`` (default: this one)."""
    return Path(sys.prefix if prefix is None else prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d"


def install_settings(prefix: str | Path | None = None) -> Path:
    """Write the course defaults (Chinese interface) for JupyterLab in this environment; returns the file."""
    path = settings_dir(prefix) / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(DEFAULTS, ensure_ascii=False, indent=2) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def remove_settings(prefix: str | Path | None = None) -> bool:
    """Delete the course defaults; ``True`` if there was a file."""
    path = settings_dir(prefix) / SETTINGS_FILE
    if path.is_file():
        path.unlink()
        return True
    return False


def course_root(start: Path | None = None) -> Path:
    """The course folder (holding ``notebooks/``): next to the package, else the working folder or above."""
    here = Path(start or Path.cwd()).resolve()
    for root in (Path(__file__).resolve().parent.parent, here, *list(here.parents)[:3]):
        if (root / "notebooks").is_dir() and (root / "pyproject.toml").is_file():
            return root
    return here


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--remove" in args:
        removed = remove_settings()
        print("已删除课程的 JupyterLab 默认设置。" if removed else "没有找到课程的 JupyterLab 默认设置。")
        return 0
    path = install_settings()
    print(f"JupyterLab 默认使用简体中文（设置文件：{path}）。换回英文：设置 → 语言 → English。")
    if "--setup" in args:
        return 0
    root = course_root()
    start = [START] if (root / START).is_file() and not any(not a.startswith("-") for a in args) else []
    return run_server([sys.executable, "-m", "jupyterlab", f"--notebook-dir={root}", *start, *root_flags(args)], root)


def root_flags(args: list[str], uid: int | None = None) -> list[str]:
    """``args`` plus ``--allow-root`` when running as root (Docker, JupyterHub images); says so in Chinese."""
    uid = (os.getuid() if hasattr(os, "getuid") else 1) if uid is None else uid
    if uid != 0 or any(a.startswith("--allow-root") for a in args):
        return list(args)
    print("当前以 root（管理员）身份运行：已自动加上 --allow-root，JupyterLab 才能启动。"
          "在学校机房或自己的电脑上，最好用普通用户运行。")
    return [*args, "--allow-root"]


def run_server(cmd: list[str], cwd: Path) -> int:
    """Run a Jupyter server command in the foreground from ``cwd``.

    On Linux/macOS this process becomes the server (``exec``), so Ctrl+C and a stop
    signal reach it directly and no server is left running; elsewhere it waits for it.
    """
    if os.name == "posix":
        os.chdir(cwd)
        os.execv(cmd[0], cmd)
    try:
        return subprocess.call(cmd, cwd=cwd)
    except KeyboardInterrupt:  # Ctrl+C stops the server; no traceback
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
