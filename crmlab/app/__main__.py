"""Open a lesson's dashboard in Voilà: ``python -m crmlab.app [N] [--group K] [voila options]``.

``--group K`` (0-4) shows company K's data: it sets ``CRMLAB_GROUP`` for the Voilà kernels.
``--projector`` opens every dashboard in the teacher's projector mode (``CRMLAB_PRESENT=1``);
without it, one page can be opened that way by adding ``?projector=1`` to its address, and
every dashboard has the 投影模式 button.

Without ``N`` Voilà lists all dashboards of ``notebooks/app/``.  Voilà shows the widgets
and text of the notebook without its code cells; it runs on this computer only
(``localhost``) and needs no internet connection: the course's Voilà template
(``crmlab/app/jupyter/voila/templates/crmlab``) drops the lab template's CDN stylesheet links.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from crmlab.lab import course_root, run_server

APP_DIR = Path("notebooks") / "app"


def dashboard_notebook(lesson: int | str, root: Path | None = None) -> Path:
    """The dashboard notebook of ``lesson`` (its file name starts with the two-digit number)."""
    from crmlab._errors import CRMDataError

    folder = (root or course_root()) / APP_DIR
    number = str(lesson).strip()
    if not number.isdigit():
        raise CRMDataError(f"“{lesson}”不是课次：请写一个数字，例如 python -m crmlab.app 3。")
    found = sorted(folder.glob(f"{int(number):02d}_*.ipynb")) if folder.is_dir() else []
    if not found:
        raise CRMDataError(f"在 {folder} 里找不到第 {lesson} 课的看板笔记本：请在课程文件夹里运行，"
                           "并确认 notebooks/app/ 文件夹完整。")
    return found[0]


# The course's Voilà template (``crmlab``): the lab template without links to a public CDN.
# Voilà finds templates under ``<jupyter data dir>/voila/templates/``; this folder is one.
TEMPLATE_ROOT = Path(__file__).parent / "jupyter"
TEMPLATE = "crmlab"


#: Voilà runs every dashboard notebook in a waiting ("pre-heated") kernel as soon as it starts, so
#: opening a dashboard only connects to it: the first tab shows in about 2 s instead of 6 s
PREHEAT = ["--preheat_kernel=True", "--pool_size=1"]


def voila_command(target: Path, extra: list[str]) -> list[str]:
    """The Voilà command line: the course template and pre-heated kernels unless ``extra`` chooses otherwise."""
    names = {a.split("=", 1)[0] for a in extra}
    template = [] if names & {"--template", "--VoilaConfiguration.template"} else [f"--template={TEMPLATE}"]
    preheat = [] if names & {"--preheat_kernel", "--VoilaConfiguration.preheat_kernel", "--pool_size",
                             "--VoilaConfiguration.default_pool_size"} else PREHEAT
    return [sys.executable, "-m", "voila", str(target), "--theme=light", *template, *preheat, *extra]


def template_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with the course template's folder first on ``JUPYTER_PATH``."""
    env = dict(os.environ if env is None else env)
    paths = [str(TEMPLATE_ROOT), *[p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


PROJECTOR_FLAG = "--projector"


def take_group(args: list[str]) -> tuple[int | None, list[str]]:
    """``--group K`` / ``--group=K`` out of ``args``: the company number (checked) and the other arguments."""
    from crmlab.course import parse_group

    rest, group, i = [], None, 0
    while i < len(args):
        arg = args[i]
        if arg == "--group":
            if i + 1 >= len(args):
                raise ValueError("--group 后面要写组号，例如 --group 2（0 到 4）。")
            group, i = parse_group(args[i + 1]), i + 2
            continue
        if arg.startswith("--group="):
            group = parse_group(arg.split("=", 1)[1])
        else:
            rest.append(arg)
        i += 1
    return group, rest


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        group, args = take_group(args)
    except ValueError as exc:  # CRMDataError is a ValueError
        print(exc, file=sys.stderr)
        return 2
    if group is not None:
        os.environ["CRMLAB_GROUP"] = str(group)  # inherited by the Voilà server and its kernels
    projector = PROJECTOR_FLAG in args
    args = [a for a in args if a != PROJECTOR_FLAG]
    if projector:
        os.environ["CRMLAB_PRESENT"] = "1"  # every dashboard starts in projector mode
    lessons = [a for a in args if not a.startswith("-")]
    extra = [a for a in args if a.startswith("-")]
    root = course_root()
    try:
        target = dashboard_notebook(lessons[0], root) if lessons else root / APP_DIR
    except (ValueError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if group is not None:
        print(f"看板使用第 {group} 组的公司数据（CRMLAB_GROUP={group}）。")
    if projector:
        print("看板以投影模式打开（适合 1024×768 的投影仪；页面上的“投影模式”按钮可以关掉）。")
    print(f"正在用 Voilà 打开 {target.relative_to(root) if target.is_relative_to(root) else target}（按 Ctrl+C 结束）")
    os.environ.update(template_env())  # the page then asks nothing of any host but this server
    return run_server(voila_command(target, extra), root)


if __name__ == "__main__":
    raise SystemExit(main())
