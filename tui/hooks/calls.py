"""What the agent loop needs to apply hook outcomes to tool calls (pure functions).

Source: REF §8.3 (tool event input), §8.4 (PreToolUse and PermissionRequest decisions).  Warden's
stricter choices: a hook's ``allow`` only answers a plain prompt (:mod:`tui.hooks.gate`); an
``updatedInput`` is prepared and decided again by the engine, so a hook can never widen what the
rules allow; a PermissionRequest ``allow`` does not answer an ask *rule*.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tui.permissions.decision import Decision
from tui.tool_results import DENIED_PREFIX

if TYPE_CHECKING:
    from tui.hooks.protocol import HookOutcome
    from tui.permissions.context import PermissionContext
    from tui.tools.base import ToolCall, ToolContext, ToolResult

__all__ = [
    "HOOK_STOPPED", "denial_text", "deny_decision", "permission_request_allows",
    "permission_suggestions", "post_tool_feedback", "tool_fields", "tool_response",
    "with_pre_tool_use",
]

HOOK_STOPPED = "Not run: a hook stopped the turn (\"continue\": false)."
"""tool_result for calls of a batch that a hook's ``continue: false`` left unrun."""

_PATH_KEYS = ("file_path", "notebook_path", "path")


def tool_fields(call: ToolCall, ctx: ToolContext) -> dict[str, Any]:
    """``tool_name``, ``tool_input`` and ``tool_use_id`` for a tool event (REF §8.3).

    File paths in ``tool_input`` are made absolute (REF §8.3: "File paths are always
    absolute"), so a gate that compares them with ``CLAUDE_PROJECT_DIR`` sees what will be used.
    """
    tool_input = dict(call.input)
    for key in _PATH_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            tool_input[key] = str(ctx.resolve(value))
    return {"tool_name": call.name, "tool_input": tool_input, "tool_use_id": call.tool_use_id}


def tool_response(call: ToolCall, result: ToolResult) -> dict[str, Any]:
    """``tool_response`` for PostToolUse: ``{"content", "is_error", "success"}``, plus
    ``filePath`` for file tools."""
    response: dict[str, Any] = {"content": result.content, "is_error": result.is_error,
                                "success": not result.is_error}
    if call.paths and call.name in ("Edit", "Write", "Read", "NotebookEdit"):
        response["filePath"] = str(call.paths[0])
    return response


def permission_suggestions(rules: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    """The "always allow" choices as PermissionRequest's ``permission_suggestions``
    (REF §8.4): one ``addRules`` entry per rule, destination ``localSettings``."""
    out: list[dict[str, Any]] = []
    for text in rules:
        name, _, rest = text.partition("(")
        rule: dict[str, Any] = {"toolName": name}
        if rest.endswith(")"):
            rule["ruleContent"] = rest[:-1]
        out.append({"type": "addRules", "rules": [rule], "behavior": "allow",
                    "destination": "localSettings"})
    return out


def denial_text(outcome: HookOutcome) -> str:
    """The tool_result text for a call a hook denied (the reason is for the model)."""
    reason = outcome.reason.strip()
    text = f"{DENIED_PREFIX} by a {outcome.event} hook."
    return f"{text} Reason: {reason}" if reason else text


def deny_decision(outcome: HookOutcome, trace: tuple[str, ...] = ()) -> Decision:
    """A deny :class:`Decision` naming the hook's file as its source."""
    reason = outcome.reason.strip()
    text = f"Denied by a {outcome.event} hook" + (f": {reason}" if reason else ".")
    return Decision("deny", text, source=outcome.source,
                    trace=(*trace, f"{outcome.source} denies", f"→ deny: {text}"))


def with_pre_tool_use(decision: Decision, outcome: HookOutcome | None, call: ToolCall,
                      ctx: PermissionContext, analysis: Any = None) -> Decision:
    """The engine's ``decision`` after a PreToolUse hook's ``ask`` or ``allow`` (REF §8.4).

    A deny (the engine's) stays.  ``ask`` makes an allowed call ask (a deny in ``dontAsk``
    mode, where nothing asks).  ``allow`` turns an ask into an allow only when
    :func:`tui.hooks.gate.hook_allow_blocker` finds nothing against it; otherwise the prompt
    stays and the trace says why.  A hook's ``deny`` is applied before the engine runs
    (:func:`deny_decision`), not here.
    """
    if outcome is None or outcome.decision not in ("ask", "allow"):
        return decision
    if decision.behavior == "deny":
        return replace(decision, trace=(*decision.trace,
                                        (f"{outcome.source} said {outcome.decision}; the deny "
                                         "stands")))
    source = outcome.source
    reason = outcome.reason.strip()
    if outcome.decision == "ask":
        if decision.behavior == "ask":
            return replace(decision, trace=(*decision.trace, f"{source} asks too"))
        text = "A PreToolUse hook asks before this call runs" + (f": {reason}" if reason else
                                                                 ".")
        behavior = "ask"
        if ctx.mode == "dontAsk":
            behavior = "deny"
            text += " In dontAsk mode Warden denies instead of asking."
        return Decision(behavior, text, source=source,  # type: ignore[arg-type]
                        trace=(*decision.trace, f"{source} asks", f"→ {behavior}: {text}"))
    if decision.behavior == "allow":
        return decision
    from tui.hooks.gate import hook_allow_blocker

    blocker = hook_allow_blocker(decision, call, ctx, analysis)
    if blocker is not None:
        return replace(decision, trace=(*decision.trace,
                                        f"{source} allows, but {blocker}: the prompt stays"))
    text = "Allowed by a PreToolUse hook" + (f": {reason}" if reason else ".")
    return Decision("allow", text, source=source,
                    trace=(*decision.trace, f"{source} allows a call no rule matched",
                           f"→ allow: {text}"))


def permission_request_allows(asked: Decision, outcome: HookOutcome) -> Decision:
    """The decision when a PermissionRequest hook answers ``allow`` for the call ``asked``
    about: allow, except that an ask *rule* keeps its prompt (Warden is stricter than REF
    §8.4: the rule's author asked for a person)."""
    if asked.rule is not None:
        return replace(asked, trace=(*asked.trace,
                                     (f"{outcome.source} allows, but the ask rule {asked.rule} "
                                      "keeps the prompt")))
    reason = outcome.reason.strip()
    text = "Approved by a PermissionRequest hook" + (f": {reason}" if reason else ".")
    return Decision("allow", text, source=outcome.source,
                    trace=(*asked.trace, f"{outcome.source} allows", f"→ allow: {text}"))


def post_tool_feedback(outcome: HookOutcome) -> str:
    """What PostToolUse hooks add to the tool_result the model sees: the block reason (exit
    2's stderr) and ``additionalContext``; ``""`` when nothing."""
    parts: list[str] = []
    if outcome.blocked and outcome.reason.strip():
        parts.append(f"PostToolUse hook feedback: {outcome.reason.strip()}")
    parts += [f"PostToolUse hook context: {c}" for c in outcome.context]
    return "\n".join(parts)
