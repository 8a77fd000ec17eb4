"""The built-in tools the model can call: Read, Glob, Grep, Edit, Write, Bash, WebFetch (UI-free).

Each tool declares its pydantic input model (Claude Code's field names) and its permission class;
see :mod:`tui.tools.base` for the seam.  Importing this package pulls in neither ``anthropic``
nor Textual.
"""

from __future__ import annotations

from tui.tools.base import Tool, ToolCall, ToolContext, ToolInputError, ToolResult
from tui.tools.bash import Bash
from tui.tools.edit import Edit
from tui.tools.glob import Glob
from tui.tools.grep import Grep
from tui.tools.read import Read
from tui.tools.webfetch import WebFetch
from tui.tools.write import Write

__all__ = [
    "Bash",
    "Edit",
    "Glob",
    "Grep",
    "Read",
    "Tool",
    "ToolCall",
    "ToolContext",
    "ToolInputError",
    "ToolResult",
    "WebFetch",
    "Write",
    "default_tools",
]


def default_tools() -> dict[str, Tool]:
    """A fresh instance of every built-in tool, by name: Read, Glob, Grep, Edit, Write, Bash,
    WebFetch."""
    tools: list[Tool] = [Read(), Glob(), Grep(), Edit(), Write(), Bash(), WebFetch()]
    return {tool.name: tool for tool in tools}
