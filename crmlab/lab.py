"""Start the course's JupyterLab in Simplified Chinese: ``python -m crmlab.lab``.

JupyterLab reads default settings from ``overrides.d/*.json`` in its application
settings folder inside the Python environment
(``{sys.prefix}/share/jupyter/lab/settings``).  This launcher puts ``crmlab.json``
there, choosing the installed language pack ``zh_CN``, then starts JupyterLab on the
course folder at ``notebooks/00_start.ipynb``.  Nothing is written to the user's home
folder: a student who picks 设置 → 语言 → English keeps that choice (user settings win
over these defaults).

The server also reads the course's Jupyter configuration, ``crmlab/lab_config`` (added to
``JUPYTER_CONFIG_PATH`` for this server only; Jupyter ranks it above the user's own
configuration, so it updates dictionaries instead of replacing them, and options on the command
line still win), again without touching the user's own files:

* JupyterLab's custom CSS (``crmlab/lab_config/custom/custom.css``) is on: it ends JupyterLab's
  font lists with the course font ``CRMLab Sans SC``, which the server itself serves from
  ``crmlab/fonts``, so menus and notebooks show Chinese on a computer without a Chinese system
  font, and the page asks no other host for anything.
* The ``notebook_shim`` server extension is off.  It only serves classic Notebook 6 server
  extensions (the course has none), and at every start it reads every attribute of the server,
  the deprecated ``ServerApp.token`` among them; since Voila's server extension makes traitlets'
  deprecation warnings visible, that printed a ``DeprecationWarning`` at every start.

Running as root (Docker images, many JupyterHub set-ups) adds ``--allow-root`` and says so.

``python -m crmlab.lab --setup`` only writes the default (Binder ``postBuild``, a school
JupyterHub image); ``--remove`` deletes it.  Other arguments go to ``jupyter lab``; a folder
(``--notebook-dir``) or file given there is opened instead of the course and its start notebook.
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
LAB_CONFIG = Path(__file__).with_name("lab_config")  # jupyter_server_config.py, custom/custom.css
ROOT_DIR_OPTIONS = ("--notebook-dir", "--ServerApp.root_dir", "--ServerApp.notebook_dir")


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
    os.environ["JUPYTER_CONFIG_PATH"] = config_path(os.environ.get("JUPYTER_CONFIG_PATH"))
    return run_server(jupyterlab_command(args, root), root)


def config_path(current: str | None) -> str:
    """``JUPYTER_CONFIG_PATH`` with the course's configuration folder added last (folders already there win)."""
    folders = [f for f in (current or "").split(os.pathsep) if f and Path(f) != LAB_CONFIG]
    return os.pathsep.join([*folders, str(LAB_CONFIG)])


def given(args: list[str], *options: str) -> bool:
    """Whether ``args`` set one of ``options`` (``--option=value`` or ``--option value``).

    Jupyter refuses an option given twice: the course's ``--notebook-dir`` stays out when the user gives a folder.
    """
    return any(a == option or a.startswith(option + "=") for a in args for option in options)


def jupyterlab_command(args: list[str], root: Path) -> list[str]:
    """The ``jupyter lab`` command line: the course folder and its start notebook (unless ``args`` name
    their own), ``args``, and ``--allow-root`` when running as root."""
    own_root = given(args, *ROOT_DIR_OPTIONS)
    folder = [] if own_root else [f"--notebook-dir={root}"]
    opens_file = own_root or any(not a.startswith("-") for a in args)
    start = [START] if (root / START).is_file() and not opens_file else []
    return [sys.executable, "-m", "jupyterlab", *folder, *start, *root_flags(args)]


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
