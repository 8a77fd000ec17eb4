"""Deciding a call nobody made: ``warden check`` and the ``/permissions`` test box.

:func:`parse_probe_input` turns what a person typed into a tool input: a JSON object, or for
convenience a bare command (Bash), path (Read, Edit, Write, NotebookEdit, Glob, Grep) or URL or
domain (WebFetch).  :func:`decide_input` runs the real engine on it and puts the settings problems
in front of the trace, so "why is this still asking?" shows a broken file first (``SPEC.md`` §3:
every decision is explainable).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.permissions.decision import Decision
from tui.permissions.engine import CallView, PermissionContext, decide

PROBE_TOOLS: tuple[str, ...] = (
    "Bash", "Read", "Edit", "Write", "Glob", "Grep", "WebFetch", "NotebookEdit",
)
"""Tools the test box offers (any other tool name takes a JSON input)."""

_PATH_KEYS: dict[str, str] = {
    "Read": "file_path", "Edit": "file_path", "Write": "file_path",
    "NotebookEdit": "notebook_path", "Glob": "path", "Grep": "path",
}

HINTS: dict[str, str] = {
    "Bash": "a command, e.g. git push --force   (or the input as JSON)",
    "WebFetch": "a URL or domain, e.g. docs.python.org   (or JSON)",
}
"""Placeholder text of the test box's input, per tool; paths for the file tools."""


class ProbeInputError(ValueError):
    """What was typed cannot be turned into a tool input; the message says why."""


def hint_for(tool: str) -> str:
    """The test box's placeholder for ``tool``."""
    if tool in _PATH_KEYS:
        return "a path, e.g. ./.env or ~/notes.md   (or the input as JSON)"
    return HINTS.get(tool, "the tool input as a JSON object")


def parse_probe_input(tool: str, text: str) -> dict[str, Any]:
    """The tool input for ``text`` typed in the test box.

    Args:
        tool: the tool name (``"Bash"``, ``"Read"``...).
        text: a JSON object (anything starting with ``{``), or a bare command / path / URL.

    Returns:
        The input object, e.g. ``{"command": "git push"}``, ``{"file_path": ".env"}``,
        ``{"url": "https://docs.python.org"}``, ``{"pattern": "*", "path": "src"}``.

    Raises:
        ProbeInputError: empty text, JSON that does not parse or is not an object, or a bare
            value for a tool that needs JSON.
    """
    stripped = text.strip()
    if not stripped:
        raise ProbeInputError("Type a command, path or URL, or the input as JSON.")
    if stripped.startswith("{"):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ProbeInputError(f"Not JSON yet: {exc.msg} at column {exc.colno}.") from None
        if not isinstance(value, dict):
            raise ProbeInputError("The input must be a JSON object.")
        return value
    if tool == "Bash":
        return {"command": stripped}
    if tool == "WebFetch":
        url = stripped if "://" in stripped else f"https://{stripped}"
        return {"url": url, "prompt": ""}
    key = _PATH_KEYS.get(tool)
    if key is None:
        raise ProbeInputError(f"Give the input of {tool} as a JSON object, e.g. {{\"key\": 1}}.")
    if tool in ("Glob", "Grep"):
        return {"pattern": "*", key: stripped}
    return {key: stripped}


def decide_input(tool: str, tool_input: Mapping[str, Any], ctx: PermissionContext, *,
                 problems: Iterable[str] = ()) -> Decision:
    """Decide a synthetic call with the real engine; ``problems`` (settings problems and rule
    warnings) are prepended to the trace as ``settings: ...`` lines.

    Paths are made absolute against ``ctx.cwd`` as the tools do it.  A bare tool name is classed
    by :mod:`tui.toolclasses`: the caller loads Warden's tools first (``import tui.tools``) so
    their declared classes are known; the engine does not import the tools, which sit above it.
    """
    view = CallView.from_input(tool, tool_input, ctx.cwd)
    decision = decide(view, ctx)
    notes = tuple(f"settings: {p}" for p in problems)
    if notes:
        decision = Decision(decision.behavior, decision.reason, decision.rule, decision.source,
                            notes + decision.trace)
    return decision


@dataclass(frozen=True)
class ProbeResult:
    """What the test box shows: a decision, or why there is none yet.

    ``tool_input`` is the parsed input (None on error); ``error`` a sentence for the user.
    """

    decision: Decision | None
    tool_input: dict[str, Any] | None = None
    error: str | None = None


def probe(tool: str, text: str, ctx: PermissionContext, *,
          problems: Iterable[str] = ()) -> ProbeResult:
    """Parse ``text`` for ``tool`` and decide it in ``ctx``; never raises for bad input."""
    tool = tool.strip()
    if not tool:
        return ProbeResult(None, error="Choose a tool.")
    try:
        tool_input = parse_probe_input(tool, text)
    except ProbeInputError as exc:
        return ProbeResult(None, error=str(exc))
    return ProbeResult(decide_input(tool, tool_input, ctx, problems=problems), tool_input)


def probe_text(tool: str, tool_input: Mapping[str, Any]) -> str:
    """The inverse for the test box: what to type for a recorded call (its bare command, path
    or URL when that round-trips, else compact JSON)."""
    if tool == "Bash" and set(tool_input) <= {"command", "description", "timeout"}:
        command = tool_input.get("command")
        if isinstance(command, str) and not command.lstrip().startswith("{"):
            return command
    key = _PATH_KEYS.get(tool)
    if key is not None and set(tool_input) == {key}:
        value = tool_input[key]
        if isinstance(value, str) and not value.startswith("{"):
            return value
    return json.dumps(dict(tool_input), ensure_ascii=False)

