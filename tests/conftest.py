"""Shared pytest setup for crmlab's tests and for nbval runs over the notebook folders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises")

# Kernels started by nbval / nbclient inherit this: no debugpy "frozen modules" warning.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
# Exercise checks record progress (crmlab.records); tests and nbval kernels must never touch the
# developer's own store, so the whole run gets a throw-away one.
os.environ.setdefault("CRMLAB_HOME", tempfile.mkdtemp(prefix="crmlab-test-home-"))
# Generated companies of groups 1-4 are cached on disk (crmlab.datasets): one folder for every test
# process and run, kept out of the user's own cache; the folder name carries the generator's fingerprint.
os.environ.setdefault("CRMLAB_CACHE", os.path.join(tempfile.gettempdir(), f"crmlab-test-cache-{os.getuid() if hasattr(os, 'getuid') else 0}"))


def course_notebooks() -> list[Path]:
    """All committed course notebooks (notebooks/, solutions/, exercises/), sorted."""
    found: list[Path] = []
    for folder in NOTEBOOK_DIRS:
        found.extend(sorted((ROOT / folder).glob("*.ipynb")))
    return found


@pytest.fixture(autouse=True)
def _forget_followed_views():
    """Each test's widget views leave projector mode's redraw list when the test ends.

    Module-scoped fixtures keep views alive, and a projector switch redraws every registered
    view: without this, a switch late in a worker's run redraws hundreds of earlier tests' views.
    """
    yield
    from crmlab import presentation

    presentation.unfollow_all()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


# Property-based tests (tests/test_properties_*.py): no example database in the working tree;
# in CI (CI set, as in .ci/run) the examples are derandomized, so a run is reproducible.
try:
    from hypothesis import settings as _hypothesis_settings
except ImportError:  # pragma: no cover - hypothesis is in the test group
    pass
else:
    _hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
    _hypothesis_settings.register_profile("dev", deadline=None, database=None, print_blob=True)
    _hypothesis_settings.load_profile(
        os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
    )
