"""How far a hook's ``allow`` reaches: it may only answer a plain "no rule matched" prompt.

REF §8.4: a PreToolUse ``allow`` skips the prompt but not deny or ask rules, critical-path
checks or interaction tools; REF §9 records that an ``allow`` once bypassed deny rules.  Warden
is stricter (fail closed): the hook's ``allow`` turns an ``ask`` into ``allow`` only when the
engine asked because no allow rule matched, in ``default`` or ``acceptEdits`` mode, and the call
carries none of the things an allow rule alone may not approve.  Everything else keeps its
prompt:

* deny and ask rules (the decision names a rule), the built-in safety checks (protected paths,
  suspicious constructs, critical removals, destructive git, UNC paths, unanalysable
  commands, the sandbox's escape), plan mode, and ``dontAsk`` (where an ask is already a deny);
* edits, writes and shell write targets outside the working directories;
* Bash commands with a finding, a network command, a wrapper, ``find -exec``, an
  environment prefix outside the safe list, a glob in option position, a program name that
  finds a program inside the working directories, or git in a repository whose config runs a
  program (each needs an exact rule, ``SPEC.md`` §4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.permissions.context import PermissionContext
    from tui.permissions.decision import Decision
    from tui.tools.base import ToolCall

__all__ = ["hook_allow_blocker"]

_HOOK_MODES = frozenset({"default", "acceptEdits"})


def hook_allow_blocker(decision: Decision, call: ToolCall, ctx: PermissionContext,
                       analysis: Any = None) -> str | None:
    """Why a hook's ``allow`` may not approve ``call``, or None when it may.

    Args:
        decision: the engine's decision on the call (must be ``ask`` for an allow to matter).
        call: the prepared call.
        ctx: the permission context the decision was made with.
        analysis: the Bash command's :class:`~tui.shell.model.ShellAnalysis`, when known.

    Returns:
        One sentence for the decision's trace, or None.
    """
    from tui.permissions.engine import CallView, is_inside

    if decision.behavior != "ask":
        return f"the engine's decision is {decision.behavior}, not a prompt"
    if decision.rule is not None:
        return f"the ask rule {decision.rule} applies"
    mode = ctx.mode
    if mode not in _HOOK_MODES:
        return f"{mode} mode keeps its prompts"
    view = CallView.of(call)
    plain = decision.source == f"mode: {mode}" or (
        view.permission_class == "read" and decision.source == "built-in: working directory")
    if not plain:
        return f"the prompt comes from {decision.source}, which no allow rule lifts"
    if view.permission_class == "edit":
        if not view.paths or not all(is_inside(p, ctx.working_dirs) for p in view.paths):
            return "it writes outside the working directories"
    if view.tool == "Bash":
        return _bash_blocker(call, ctx, analysis)
    return None


def _bash_blocker(call: ToolCall, ctx: PermissionContext, analysis: Any) -> str | None:
    from tui.permissions.engine import (
        EXACT_ONLY_WRAPPERS,
        effective_paths,
        is_inside,
        program_in_workspace,
    )
    from tui.shell.data import EXEC_WRAPPERS, SAFE_ENV_VARS

    if call.command is None:
        return "the call has no command"
    if analysis is None:
        from tui.shell import analyze_cached

        analysis = analyze_cached(call.command, ctx.cwd, ctx.home, tuple(ctx.working_dirs))
    if analysis is None or not analysis.ok:
        return "Warden could not analyse the command"
    if analysis.findings:
        return "the command has a finding only an exact rule may approve"
    if analysis.network:
        return "the command reaches the network"
    if analysis.critical_removals or analysis.destructive_git:
        return "the command removes a critical path or discards git work"
    if analysis.option_globs:
        return "a glob stands where an option may be"
    for cmd in analysis.commands:
        if cmd.origin != "top" or (set(cmd.wrappers) & (EXACT_ONLY_WRAPPERS | EXEC_WRAPPERS)):
            return f"`{cmd.text}` runs behind a wrapper"
        if any(name not in SAFE_ENV_VARS for name, _ in cmd.env):
            return f"`{cmd.text}` sets an environment variable outside the safe list"
        if cmd.argv and program_in_workspace(cmd.argv[0], ctx):
            return f"{cmd.argv[0]} on PATH is a program inside the working directories"
        if cmd.program == "git":
            from tui.shell.gitrepo import config_runs_program

            if config_runs_program(ctx.cwd) is not None:
                return "this repository's git configuration runs a program"
    for ref in analysis.writes:
        paths = effective_paths(ref)
        if not paths or not all(is_inside(p, ctx.working_dirs) for p in paths):
            return f"it writes {ref.text!r}, not provably inside the working directories"
    return None
