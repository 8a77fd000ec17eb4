"""``decide()``: the first-cut permission engine.

First cut of ``SPEC.md`` §2–§5, fail closed: reads (Read, Glob, Grep) inside the working
directories run; reads outside them ask; every edit, write and shell command asks; an unknown
tool asks.  Symlinks are resolved before the working-directory check, so a link inside the
project that points outside it asks.  The full rule model (settings scopes, allow/ask/deny rules,
modes, shell analysis) replaces the body of :func:`decide` without changing its signature.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tui.permissions.decision import Decision

if TYPE_CHECKING:
    from tui.tools.base import ToolCall


@dataclass
class PermissionContext:
    """What :func:`decide` needs besides the call.

    Attributes:
        working_dirs: absolute working directories (cwd first, then ``--add-dir`` ones).
        mode: the permission mode; only ``"default"`` is honoured by this first cut.
        session_allowed: ``(tool name, summary)`` pairs the user allowed for this session.
    """

    working_dirs: tuple[Path, ...]
    mode: str = "default"
    session_allowed: set[tuple[str, str]] = field(default_factory=set)


def is_inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """True when ``path`` (absolute) is one of ``roots`` or below one, after resolving symlinks.

    Both the path as written and its real path must be inside (``SPEC.md`` §5: a symlink's link
    and target are both checked; allowing needs both).
    """
    real_roots = tuple(Path(os.path.realpath(r)) for r in roots)
    candidates = (Path(os.path.normpath(path)), Path(os.path.realpath(path)))
    return all(
        any(c == r or r in c.parents for r in (*roots, *real_roots)) for c in candidates
    )


def decide(call: ToolCall, ctx: PermissionContext) -> Decision:
    """Decide whether ``call`` runs (allow), waits for the user (ask) or is refused (deny).

    Args:
        call: a prepared tool call (absolute ``paths``).
        ctx: working directories and session grants.

    Returns:
        A :class:`Decision` whose ``reason`` says in one sentence why.  Never raises for a
        well-formed call; anything it does not recognise asks.
    """
    if call.permission_class == "read":
        if call.paths and all(is_inside(p, ctx.working_dirs) for p in call.paths):
            return Decision("allow", "Reads inside the working directories run without asking.",
                            source="built-in: working directory")
        return Decision("ask", "This reads outside the working directories.",
                        source="built-in: working directory")
    if (call.name, call.summary) in ctx.session_allowed:
        return Decision("allow", "You allowed this for the rest of the session.",
                        source="user: this session")
    if call.permission_class == "edit":
        where = ("" if all(is_inside(p, ctx.working_dirs) for p in call.paths)
                 else " It is outside the working directories.")
        return Decision("ask", "Edits and writes always ask in default mode." + where,
                        source="mode: default")
    if call.permission_class == "shell":
        return Decision("ask", "Shell commands always ask in default mode.",
                        source="mode: default")
    return Decision("ask", f"Warden does not know the tool {call.name!r}, so it asks.",
                    source="built-in: unknown tool")
