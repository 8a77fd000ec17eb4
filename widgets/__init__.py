"""Reusable Warden widgets (library style: ``DEFAULT_CSS``, component classes, nested messages).

Imports are lazy, so ``import widgets`` costs nothing until a widget is used::

    from widgets import DiffView
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from widgets.diff_view import (
        DiffFileHeader,
        DiffFileList,
        DiffHunk,
        DiffLargeFile,
        DiffNotice,
        DiffView,
    )

_LAZY: dict[str, str] = {
    "DiffFileHeader": "widgets.diff_view",
    "DiffFileList": "widgets.diff_view",
    "DiffHunk": "widgets.diff_view",
    "DiffLargeFile": "widgets.diff_view",
    "DiffNotice": "widgets.diff_view",
    "DiffView": "widgets.diff_view",
}
"""Public name -> module that defines it."""

__all__ = [
    "DiffFileHeader", "DiffFileList", "DiffHunk", "DiffLargeFile", "DiffNotice", "DiffView",
]


def __getattr__(name: str) -> Any:
    """Import a widget's module on first access to the name."""
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)
