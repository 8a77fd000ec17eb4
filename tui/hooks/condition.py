"""A hook's ``if`` condition: one permission rule, evaluated with Warden's own rule matcher.

REF §8.1: ``if`` is exactly one permission-rule string evaluated against the tool name and
input; for Bash every sub-command (past ``VAR=`` prefixes and wrappers, inside ``$()`` and
backticks) is checked, and when the command cannot be parsed the hook runs (fail open towards
running the check).  Warden evaluates the rule the way the engine evaluates a *deny* rule, which
is the side that matches more, so a doubtful case runs the hook.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.permissions.context import PermissionContext
    from tui.tools.base import ToolCall

__all__ = ["if_matches"]


class _IfSource:
    """The source named on the temporary rule (never shown)."""

    label = "hook condition"
    scope = "session"
    path = None


def if_matches(rule_text: str, call: ToolCall, ctx: PermissionContext,
               analysis: Any = None) -> bool | None:
    """Whether the permission rule ``rule_text`` matches the prepared ``call``.

    Args:
        rule_text: e.g. ``"Bash(git commit *)"`` or ``"Edit(src/**)"``.
        call: the prepared tool call (absolute paths, the command).
        ctx: the session's permission context (working directories, home); its rules and mode
            are not used.
        analysis: the Bash command's :class:`~tui.shell.model.ShellAnalysis`, when known.

    Returns:
        True or False; None when the condition cannot be evaluated (the rule does not parse, the
        Bash command cannot be analysed, the engine stops before its rules): the caller then
        runs the hook.
    """
    from tui.permissions.engine import decide
    from tui.permissions.policy import Policy

    policy = Policy()
    rule = policy.add(rule_text, "deny", anchor=ctx.cwd, source=_IfSource())
    if rule is None:
        return None
    if call.command is not None:
        if analysis is None:
            from tui.shell import analyze_cached

            analysis = analyze_cached(call.command, ctx.cwd, ctx.home, tuple(ctx.working_dirs))
        if analysis is None or not analysis.ok:
            return None
    # bypassPermissions: after the rules the engine returns without the costly checks.
    probe = replace(ctx, policy=policy, mode="bypassPermissions", sandbox=None,
                    repo_has_unsaved_work=lambda _path: False)
    try:
        decision = decide(call, probe, analysis)
    except Exception:  # any failure to evaluate means: run the hook (REF §8.1 fails open)
        return None
    if decision.behavior == "deny" and decision.rule == rule.text:
        return True
    if decision.behavior == "ask" and decision.source.startswith("built-in: UNC"):
        return None  # stopped before the rules
    return False
