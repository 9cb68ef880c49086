"""Errors raised by crmlab, with messages for learners in Simplified Chinese."""

from __future__ import annotations


class CRMDataError(ValueError):
    """Bad input data; the message (Chinese) says what is wrong and how to fix it."""


__all__ = ["CRMDataError"]
