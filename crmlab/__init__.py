"""crmlab: the package behind the 客户关系管理 (CRM) teaching notebooks.

``import crmlab`` is kept light: it registers the bundled Chinese font with
matplotlib and exposes :class:`CRMDataError`.  Sub-modules (``crmlab.io``,
``crmlab.datasets``, ``crmlab.segment`` ...) are imported lazily on first
attribute access, so scikit-learn and scipy load only when a lesson needs them.
"""

from __future__ import annotations

import importlib
import os

from crmlab._errors import CRMDataError
from crmlab._fonts import FONT_FAMILY, FONT_FILE, setup_fonts

__version__ = "0.1.0"

_SUBMODULES = {
    "assign",
    "charts",
    "course",
    "credit",
    "customers",
    "datasets",
    "exercises",
    "info",
    "infobase",
    "analysis",
    "app",
    "basket",
    "io",
    "lab",
    "lifecycle",
    "segment",
    "value",
    "widgets",
    "export",
    "grade",
    "quiz",
}

# Top-level functions that live in sub-modules, imported on first use.
_FUNCTIONS = {
    "present": "crmlab.presentation",      # teacher's presentation mode (projector)
    "projector": "crmlab.presentation",    # the same as a 投影模式 switch button for a notebook
    "progress": "crmlab.exercises.progress",  # student's exercise progress
    "submit": "crmlab.submission",     # student's hand-in file
    "student": "crmlab.records",       # who works in this kernel (checks are recorded under it)
    "student_form": "crmlab.widgets.classroom",  # the same as a small form
    "handin": "crmlab.widgets.classroom",        # hand-in widget: identity, save reminder, 提交
}

setup_fonts()

if os.environ.get("CRMLAB_PRESENT", "").strip() not in ("", "0"):
    # A teacher who starts the server with CRMLAB_PRESENT=1 gets presentation mode in every kernel.
    from crmlab.presentation import present as _present_on

    _present_on()


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"crmlab.{name}")
        globals()[name] = module
        return module
    if name in _FUNCTIONS:
        func = getattr(importlib.import_module(_FUNCTIONS[name]), name)
        globals()[name] = func
        return func
    raise AttributeError(f"module 'crmlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_FUNCTIONS))


__all__ = ["FONT_FAMILY", "FONT_FILE", "CRMDataError", "__version__", "handin", "present", "progress", "projector", "setup_fonts", "student", "student_form",
           "submit"]
