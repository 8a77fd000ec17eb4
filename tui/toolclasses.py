"""The permission class of every tool name: what kind of side effect a call of it has.

One home for the fact (issue 12 item 2).  Warden's own tools declare their class on the tool
(:attr:`tui.tools.base.Tool.permission_class`), and the engine asks the call for it; this table
answers for a bare tool name (``warden check``, a hook's ``if``, rules naming tools Warden does
not implement), and a test keeps every implemented tool's declaration equal to it.

Source: REF §1.1 (which tools need approval) and §2.1 (``Read(...)`` rules cover Read, Glob,
Grep and LSP; ``Edit(...)`` rules cover Edit, Write, NotebookEdit and MultiEdit).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["PermissionClass", "TOOL_CLASSES", "declare", "tool_class", "tools_of"]

PermissionClass = Literal["read", "edit", "shell", "network", "mcp", "other"]
"""``read``: reads files; ``edit``: writes files; ``shell``: runs commands; ``network``: fetches
from the web; ``mcp``: an MCP server's tool; ``other``: none of these (asks by default)."""

TOOL_CLASSES: dict[str, PermissionClass] = {
    "Read": "read", "Glob": "read", "Grep": "read", "LSP": "read",
    "Edit": "edit", "Write": "edit", "NotebookEdit": "edit", "MultiEdit": "edit",
    "Bash": "shell", "PowerShell": "shell",
    "WebFetch": "network", "WebSearch": "network",
}
"""Claude Code's tool names with a class; any other name is ``other`` (``mcp`` for
``mcp__server__tool``)."""


_DECLARED: dict[str, PermissionClass] = {}
"""Classes Warden's own tools declare (:meth:`tui.tools.base.Tool.__init_subclass__`)."""


def declare(name: str, klass: PermissionClass) -> None:
    """Record the class a tool declares: a new tool is one module and one line in
    :func:`tui.tools.default_tools`, never a line here."""
    _DECLARED[name] = klass


def tool_class(name: str) -> PermissionClass:
    """The permission class of tool ``name``: as its tool declares it, else from
    :data:`TOOL_CLASSES`; ``mcp`` for ``mcp__server__tool``; ``other`` for anything else."""
    if name.startswith("mcp__"):
        return "mcp"
    return _DECLARED.get(name) or TOOL_CLASSES.get(name, "other")


def tools_of(klass: PermissionClass) -> frozenset[str]:
    """Every named tool of class ``klass`` (for messages and published lists)."""
    return frozenset(name for name, k in TOOL_CLASSES.items() if k == klass)
