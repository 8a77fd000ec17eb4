"""The hook protocol: the JSON a hook reads on stdin, and what its exit status and output mean.

Source: REF §8.3 (input fields per event) and §8.4 (exit codes, JSON fields, how several hooks
combine: deny > ask > allow).  Warden is stricter in one way (REF §12.5): a handler with
``"failClosed": true`` that cannot start, times out, exits with a status other than 0 or 2, or
prints JSON Warden cannot read, denies (tool events) or blocks (UserPromptSubmit, ConfigChange,
PostToolUse feedback) instead of letting the action through.  For ``Stop`` and
``SessionStart``, where blocking protects nothing, such a failure is an error notice.

Pure functions over plain data: no processes are started here (see :mod:`tui.hooks.runner`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.hooks.config import HookHandler

__all__ = ["FAIL_CLOSED_EVENTS", "MAX_TEXT", "HandlerRun", "HookOutcome", "combine", "payload"]

MAX_TEXT = 10_000
"""Strings a hook returns are cut to this many characters (REF §8.4)."""

FAIL_CLOSED_EVENTS = frozenset({"PreToolUse", "PermissionRequest", "PostToolUse",
                                "UserPromptSubmit", "ConfigChange"})
"""Events where a ``failClosed`` handler's failure denies or blocks."""

_PERMISSION_ORDER = {"deny": 3, "ask": 2, "allow": 1}


def payload(event: str, *, session_id: str, transcript_path: str, cwd: str, mode: str,
            fields: Mapping[str, Any]) -> dict[str, Any]:
    """The stdin JSON object for one event (REF §8.3).

    Common fields: ``session_id``, ``transcript_path`` (may be ``""``), ``cwd``,
    ``permission_mode`` (``default``, ``plan``, ``acceptEdits``, ``dontAsk``,
    ``bypassPermissions``) and ``hook_event_name``; ``fields`` adds the event's own:
    ``tool_name``/``tool_input``/``tool_use_id`` (+ ``tool_response``) for tool events,
    ``permission_suggestions`` for PermissionRequest, ``prompt``, ``source``,
    ``stop_hook_active``/``last_assistant_message``, ``file_path``.
    """
    return {"session_id": session_id, "transcript_path": transcript_path, "cwd": cwd,
            "permission_mode": mode, "hook_event_name": event, **fields}


@dataclass(frozen=True)
class HandlerRun:
    """What one handler's process did.

    Attributes:
        handler: the handler that ran.
        exit_code: the exit status, or None when it could not start or was killed on timeout
            (a signal death is ``-signal``, as :mod:`asyncio.subprocess` reports it).
        stdout, stderr: captured output (decoded as UTF-8 with replacement), each capped.
        timed_out: killed (with its whole process group) after ``handler.timeout`` seconds.
        error: why it could not start, or None.
        truncated: stdout or stderr was longer than the cap.
        duration_ms: wall time from start to exit, in milliseconds.
    """

    handler: HookHandler
    exit_code: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    error: str | None = None
    truncated: bool = False
    duration_ms: float = 0.0

    @property
    def failure(self) -> str | None:
        """Why this run failed (could not start, timed out, exited with a status other than 0
        or 2), or None."""
        if self.error is not None:
            return f"could not start: {self.error}"
        if self.timed_out:
            return f"timed out after {self.handler.timeout:g} s and was killed"
        if self.exit_code not in (0, 2):
            return f"exited with status {self.exit_code}"
        return None


@dataclass
class HookOutcome:
    """The combined result of every handler run for one event.

    Attributes:
        event: the event name.
        runs: each handler's run, in configuration order.
        decision: ``PreToolUse``: ``"allow"``, ``"ask"`` or ``"deny"`` (deny > ask > allow,
            an exit 2 or a fail-closed failure is a deny); ``PermissionRequest``: ``"allow"`` or
            ``"deny"``; None when no hook decided.
        reason: why: the deny/ask/allow reason, or the block reason of the other events (exit
            2's stderr when there is no JSON reason).
        decided_by: the handler whose decision or block won (for the source label).
        blocked: ``UserPromptSubmit`` (prompt not sent), ``PostToolUse`` (feedback for the
            model), ``Stop`` (the turn continues), ``ConfigChange`` (change not applied);
            also True on a PreToolUse deny.
        updated_input: the tool input a hook asks to use instead (PreToolUse,
            PermissionRequest ``allow``), or None.
        context: ``additionalContext`` texts (and plain stdout for UserPromptSubmit and
            SessionStart), in configuration order, for the model.
        notices: ``(text, severity)`` for the user: errors, ``systemMessage``, ``stopReason``.
        stop: a hook said ``"continue": false`` (stop the turn); ``stop_reason`` says why.
    """

    event: str
    runs: tuple[HandlerRun, ...] = ()
    decision: str | None = None
    reason: str = ""
    decided_by: HookHandler | None = None
    blocked: bool = False
    updated_input: dict[str, Any] | None = None
    context: list[str] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)
    stop: bool = False
    stop_reason: str = ""

    @property
    def where(self) -> str:
        """The deciding hook's file, for sentences: ``" from project settings (/p/...)"`` (with
        its leading space), or ``""`` when no single hook decided."""
        return f" from {self.decided_by.source.label}" if self.decided_by is not None else ""

    @property
    def source(self) -> str:
        """The deciding hook as a :attr:`Decision.source`:
        ``"hook: PreToolUse in project settings (/p/.claude/settings.json)"``."""
        if self.decided_by is None:
            return f"hook: {self.event}"
        return f"hook: {self.event} in {self.decided_by.source.label}"


@dataclass
class _Verdict:
    """What one run means, before combining."""

    run: HandlerRun
    decision: str | None = None
    reason: str = ""
    blocked: bool = False
    updated_input: dict[str, Any] | None = None
    context: list[str] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)
    stop: bool = False
    stop_reason: str = ""


def _cap(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        return text[:MAX_TEXT] + f"… ({len(text) - MAX_TEXT} more characters cut)"
    return text


def describe(handler: HookHandler) -> str:
    """``"PreToolUse hook `./check.sh` (project settings (/p/.claude/settings.json))"``."""
    command = " ".join(handler.command.split())
    if len(command) > 60:
        command = command[:57] + "…"
    return f"{handler.event} hook `{command}` ({handler.source.label})"


def _interpret(event: str, run: HandlerRun) -> _Verdict:
    """What one handler's exit status and output mean for ``event`` (REF §8.4)."""
    handler = run.handler
    verdict = _Verdict(run)
    who = describe(handler)
    strict = handler.fail_closed and event in FAIL_CLOSED_EVENTS

    def fail(why: str) -> None:
        """A fail-closed handler failed: deny or block."""
        text = f"{who} failed ({why}); it is fail-closed, so Warden "
        text += "denies the call" if event in ("PreToolUse", "PermissionRequest") else "blocks"
        verdict.notices.append((text + ".", "error"))
        verdict.blocked = True
        verdict.reason = f"The {event} hook failed ({why}) and is configured to fail closed."
        if event in ("PreToolUse", "PermissionRequest"):
            verdict.decision = "deny"

    failure = run.failure
    if failure is not None and (run.error is not None or run.timed_out):
        if strict:
            fail(failure)
        else:
            verdict.notices.append((f"{who} error: {failure}; it made no decision.",
                                    "warning"))
        return verdict

    stdout = run.stdout
    data: dict[str, Any] | None = None
    bad_json: str | None = None
    if stdout.lstrip().startswith("{"):
        try:
            parsed = json.loads(stdout)
        except ValueError as exc:
            bad_json = f"its output starts with '{{' but is not valid JSON ({exc})"
        else:
            if isinstance(parsed, dict):
                data = parsed
            else:
                bad_json = "its JSON output is not an object"

    if run.exit_code == 2:
        return _exit_two(event, run, verdict, data, who)

    if failure is not None:  # any other non-zero status: non-blocking unless fail-closed
        if strict:
            fail(failure)
            return verdict
        detail = _first_line(run.stderr)
        verdict.notices.append((f"{who} error: {failure}" + (f": {detail}" if detail else "")
                                + ("" if data is not None else "; it made no decision."),
                                "warning"))
        if data is None:
            return verdict
    if bad_json is not None:
        if strict:
            fail(bad_json)
        else:
            verdict.notices.append((f"{who}: {bad_json}; it made no decision.", "warning"))
        return verdict
    if data is None:
        if run.exit_code == 0 and event in ("UserPromptSubmit", "SessionStart") and stdout.strip():
            verdict.context.append(_cap(stdout))
        return verdict
    problems = _apply_json(event, data, verdict)
    for problem in problems:
        if strict:
            fail(problem)
            return verdict
        verdict.notices.append((f"{who}: {problem}; ignored.", "warning"))
    return verdict


def _exit_two(event: str, run: HandlerRun, verdict: _Verdict, data: dict[str, Any] | None,
              who: str) -> _Verdict:
    """Exit 2: a blocking error; JSON cannot override it, but gives the reason (REF §8.4)."""
    reason = ""
    if data is not None:
        hso = data.get("hookSpecificOutput")
        for value in ((hso.get("permissionDecisionReason") if isinstance(hso, dict) else None),
                      data.get("reason")):
            if isinstance(value, str) and value.strip():
                reason = value
                break
    reason = _cap(reason or run.stderr)
    if event == "PermissionRequest":
        verdict.notices.append((f"{who} exited with status 2, which PermissionRequest hooks "
                                "cannot use to decide (they answer with a JSON decision); "
                                "it made no decision" + (f": {_first_line(reason)}"
                                                         if reason else "."), "warning"))
        return verdict
    if event == "SessionStart":
        verdict.notices.append((f"{who} exited with status 2" +
                                (f": {_first_line(reason)}" if reason else "."), "warning"))
        return verdict
    verdict.blocked = True
    verdict.reason = reason or f"Blocked by the {event} hook (exit status 2)."
    if event == "PreToolUse":
        verdict.decision = "deny"
    if data is not None:
        _universal(data, verdict)
    return verdict


def _universal(data: Mapping[str, Any], verdict: _Verdict) -> list[str]:
    """``continue``, ``stopReason``, ``systemMessage``; returns problems."""
    problems: list[str] = []
    cont = data.get("continue", True)
    if cont is False:
        verdict.stop = True
        reason = data.get("stopReason")
        verdict.stop_reason = _cap(reason) if isinstance(reason, str) else ""
    elif cont is not True:
        problems.append(f"\"continue\" must be true or false, not {cont!r}")
    message = data.get("systemMessage")
    if isinstance(message, str) and message.strip():
        verdict.notices.append((_cap(message), "warning"))
    elif message is not None and not isinstance(message, str):
        problems.append("\"systemMessage\" must be a string")
    return problems


def _apply_json(event: str, data: Mapping[str, Any], verdict: _Verdict) -> list[str]:
    """Read the JSON fields of ``event`` into ``verdict``; returns what was malformed."""
    problems = _universal(data, verdict)
    hso = data.get("hookSpecificOutput")
    if hso is not None and not isinstance(hso, dict):
        problems.append("\"hookSpecificOutput\" must be an object")
        hso = None
    hso = hso or {}
    context = hso.get("additionalContext")
    if isinstance(context, str) and context.strip():
        verdict.context.append(_cap(context))
    elif context is not None and not isinstance(context, str):
        problems.append("\"additionalContext\" must be a string")
    top_decision = data.get("decision")
    top_reason = data.get("reason")
    reason = _cap(top_reason) if isinstance(top_reason, str) else ""

    if event == "PreToolUse":
        decision = hso.get("permissionDecision")
        if decision is None and top_decision is not None:  # legacy approve/block
            decision = {"approve": "allow", "block": "deny"}.get(top_decision, top_decision)
        if decision == "defer":
            decision = "ask"  # defer needs a non-interactive caller; Warden asks instead
        if decision is not None and decision not in _PERMISSION_ORDER:
            problems.append(f"permissionDecision must be allow, deny or ask, not {decision!r}")
            decision = None
        verdict.decision = decision
        why = hso.get("permissionDecisionReason")
        verdict.reason = _cap(why) if isinstance(why, str) else reason
        if decision == "deny":
            verdict.blocked = True
        _updated(hso.get("updatedInput"), verdict, problems)
    elif event == "PermissionRequest":
        decision = hso.get("decision")
        if decision is not None:
            if not isinstance(decision, dict):
                problems.append("\"decision\" must be an object with \"behavior\"")
            else:
                behavior = decision.get("behavior")
                if behavior not in ("allow", "deny"):
                    problems.append(f"decision.behavior must be allow or deny, not {behavior!r}")
                else:
                    verdict.decision = behavior
                    message = decision.get("message")
                    verdict.reason = _cap(message) if isinstance(message, str) else ""
                    if behavior == "allow":
                        _updated(decision.get("updatedInput"), verdict, problems)
                    if decision.get("updatedPermissions") is not None:
                        problems.append("updatedPermissions is not supported by Warden (rules "
                                        "are granted only by you)")
    elif event in ("PostToolUse", "UserPromptSubmit", "Stop", "ConfigChange"):
        if top_decision == "block":
            if event == "Stop" and not reason:
                problems.append("a Stop hook's \"block\" needs a \"reason\" (what to do next)")
            else:
                verdict.blocked = True
                verdict.reason = reason or f"Blocked by the {event} hook."
        elif top_decision is not None and top_decision not in ("approve", "undefined"):
            problems.append(f"\"decision\" must be \"block\", not {top_decision!r}")
    return problems


def _updated(value: object, verdict: _Verdict, problems: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        verdict.updated_input = value
    else:
        problems.append("\"updatedInput\" must be an object (the whole new input)")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[0]
    return line if len(line) <= 200 else line[:197] + "…"


def combine(event: str, runs: Sequence[HandlerRun]) -> HookOutcome:
    """Fold every run of one event into a :class:`HookOutcome` (REF §8.4).

    PreToolUse: deny > ask > allow; the reason and ``decided_by`` are those of the first
    handler (configuration order) with the winning decision.  Several different
    ``updatedInput`` objects are not applied: the call then asks (fail closed).
    PermissionRequest: deny > allow.  Other events: blocked when any handler blocks; the reasons
    are joined.  ``continue: false`` from any handler stops.
    """
    outcome = HookOutcome(event, tuple(runs))
    verdicts = [_interpret(event, run) for run in runs]
    reasons: list[str] = []
    best = 0
    updates: list[tuple[dict[str, Any], HookHandler]] = []
    for v in verdicts:
        outcome.context += v.context
        outcome.notices += v.notices
        if v.stop:
            outcome.stop = True
            outcome.stop_reason = outcome.stop_reason or v.stop_reason
        if v.decision is not None and _PERMISSION_ORDER[v.decision] > best:
            best = _PERMISSION_ORDER[v.decision]
            outcome.decision = v.decision
            outcome.reason = v.reason
            outcome.decided_by = v.run.handler
        if v.blocked:
            if not outcome.blocked and v.decision is None:
                outcome.decided_by = outcome.decided_by or v.run.handler
            outcome.blocked = True
            if v.reason:
                reasons.append(v.reason)
        if v.updated_input is not None and v.decision != "deny":
            updates.append((v.updated_input, v.run.handler))
    if event not in ("PreToolUse", "PermissionRequest"):
        outcome.reason = "\n".join(dict.fromkeys(reasons))
    if outcome.decision == "deny":
        outcome.blocked = True
        return outcome
    if updates:
        first = updates[0][0]
        if all(u == first for u, _ in updates):
            outcome.updated_input = first
        else:
            names = ", ".join(describe(h) for _, h in updates)
            outcome.notices.append(((f"Hooks returned different updatedInput objects ({names}); "
                                     "none is applied and the call asks."), "warning"))
            if event == "PreToolUse":
                outcome.decision = "ask"
                outcome.reason = "Hooks disagree on how to change this call."
            elif event == "PermissionRequest":
                outcome.decision = None
    return outcome
