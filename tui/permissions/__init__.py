"""The permission engine: which tool calls run, which ask, which are denied (``SPEC.md``).

:func:`decide` and :class:`PermissionContext` are loaded on first use, so importing a light
module of this package (``decision``, ``context``) does not compile the rule parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.permissions.context import PermissionContext
from tui.permissions.decision import Behavior, Decision

if TYPE_CHECKING:
    from tui.permissions.engine import decide

__all__ = ["Behavior", "Decision", "PermissionContext", "decide"]


def __getattr__(name: str) -> Any:
    if name == "decide":
        from tui.permissions.engine import decide

        return decide
    raise AttributeError(f"module 'tui.permissions' has no attribute {name!r}")
