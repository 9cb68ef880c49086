"""Shared pytest setup for crmlab's tests and for nbval runs over the notebook folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises")

# Kernels started by nbval / nbclient inherit this: no debugpy "frozen modules" warning.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def course_notebooks() -> list[Path]:
    """All committed course notebooks (notebooks/, solutions/, exercises/), sorted."""
    found: list[Path] = []
    for folder in NOTEBOOK_DIRS:
        found.extend(sorted((ROOT / folder).glob("*.ipynb")))
    return found


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
