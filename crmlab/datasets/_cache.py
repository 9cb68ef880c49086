"""A disk cache for the generated companies of groups 1-4.

Generating a group's company takes several seconds; a teacher switching a dashboard to group 3,
or a second kernel of the same student, should not wait for it again.  The tables are kept as
the same CSV text :func:`crmlab.datasets.generate` produces, in a folder named by a fingerprint
of the generator (its source files and the numpy/pandas versions), so a changed generator never
reads an old company.  A folder appears complete or not at all (written aside, then renamed),
and every failure falls back to generating: the cache only ever saves time.

``CRMLAB_CACHE`` chooses the folder; otherwise ``%LOCALAPPDATA%\\crmlab\\cache`` on Windows,
``~/Library/Caches/crmlab`` on macOS and ``$XDG_CACHE_HOME/crmlab`` (``~/.cache/crmlab``) elsewhere.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

MANIFEST = "sha256.txt"  # "<sha256> <table name>" per line: a file changed by hand is not trusted


def cache_dir() -> Path:
    """The folder holding crmlab's regenerable files (see the module docstring)."""
    override = os.environ.get("CRMLAB_CACHE")
    if override:
        return Path(override).expanduser()
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "crmlab" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "crmlab"
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "crmlab"


@functools.cache
def fingerprint() -> str:
    """Hash of everything the generated tables depend on."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(f"numpy {np.__version__} pandas {pd.__version__}".encode())
    return h.hexdigest()[:16]


def _folder(group: int, seed: int, n_customers: int) -> Path:
    return cache_dir() / "companies" / fingerprint() / f"group{group}-seed{seed}-n{n_customers}"


def read(group: int, seed: int, n_customers: int, names: Iterable[str],
         read_csv: Callable[[io.BytesIO, str], pd.DataFrame]) -> dict[str, pd.DataFrame] | None:
    """The cached tables, or ``None`` when they are not (all) there, altered or unreadable."""
    folder = _folder(group, seed, n_customers)
    try:
        if not folder.is_dir():
            return None
        sums = dict(line.split(" ", 1)[::-1] for line in (folder / MANIFEST).read_text(encoding="utf-8").splitlines())
        tables = {}
        for name in names:
            data = (folder / f"{name}.csv").read_bytes()
            if hashlib.sha256(data).hexdigest() != sums.get(name):
                shutil.rmtree(folder, ignore_errors=True)  # written again by the next generation
                return None
            tables[name] = read_csv(io.BytesIO(data), name)
        return tables
    except Exception:  # noqa: BLE001 - a damaged cache is regenerated, never shown to the learner
        return None


def write(group: int, seed: int, n_customers: int, texts: dict[str, str]) -> None:
    """Store the CSV texts of a company; silently does nothing when the folder cannot be written."""
    folder = _folder(group, seed, n_customers)
    if folder.is_dir():
        return
    tmp = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder.parent))
        sums = []
        for name, text in texts.items():
            data = text.encode("utf-8")
            (tmp / f"{name}.csv").write_bytes(data)
            sums.append(f"{hashlib.sha256(data).hexdigest()} {name}")
        (tmp / MANIFEST).write_text("\n".join(sums) + "\n", encoding="utf-8")
        os.replace(tmp, folder)  # complete or absent; another process may have won the race
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(tmp)
