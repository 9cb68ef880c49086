"""crmlab: the package behind the 客户关系管理 (CRM) teaching notebooks.

``import crmlab`` is kept light: it registers the bundled Chinese font with
matplotlib and exposes :class:`CRMDataError`.  Sub-modules (``crmlab.io``,
``crmlab.datasets``, ``crmlab.segment`` ...) are imported lazily on first
attribute access, so scikit-learn and scipy load only when a lesson needs them.
"""

from __future__ import annotations

import importlib

from crmlab._errors import CRMDataError
from crmlab._fonts import setup_fonts

__version__ = "0.1.0"

_SUBMODULES = {
    "assign",
    "charts",
    "credit",
    "customers",
    "datasets",
    "exercises",
    "info",
    "infobase",
    "analysis",
    "io",
    "lifecycle",
    "segment",
    "value",
    "widgets",
}

setup_fonts()


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"crmlab.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'crmlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES)


__all__ = ["CRMDataError", "setup_fonts", "__version__"]
