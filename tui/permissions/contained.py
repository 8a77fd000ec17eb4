"""The engine's side of contained auto-allow (issue 10, items 1 and 5).

Warden runs some Bash commands without asking: the ones its analysis judges read-only, and,
under ``autoAllowBashIfSandboxed``, the ones that run in the sandbox.  These helpers decide the
edges of those two allowances; :func:`tui.permissions.engine.decide` calls them and marks what
it allows with :attr:`tui.permissions.decision.Decision.auto`, from which
:func:`tui.permissions.sandbox_mode.sandbox_profile` picks where the command runs:

* a read-only command runs in the *read-only sandbox* (nothing writable, no network) when
  bubblewrap can run; a user's allow rule that approves every part of it takes precedence, and
  the command then runs as any allowed command does (plainly, or in the configured sandbox);
* the model's ``dangerouslyDisableSandbox`` on a read-only command asks the user, as it does
  for a sandboxed one (REF §6.4), unless ``allowUnsandboxedCommands`` is false;
* a command the sandbox would auto-allow but that writes a protected path (REF §11.1) or writes
  the repository with git is not auto-allowed: inside the sandbox those paths are read-only
  for auto-allowed commands, so it goes through the normal flow (an allow rule, or a prompt;
  once approved it runs in the sandbox with ``.git`` writable except hooks and configuration);
* a read-only command under sandbox auto-allow runs in the read-only sandbox rather than the
  writable one.

Pure apart from what the engine's checks read (``realpath``, the bare-repository markers).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.permissions.context import PermissionContext
    from tui.permissions.engine import CallView, _Eval

__all__ = ["auto_allow_held", "containment_available", "covered_by_rules",
           "wants_uncontained"]


def containment_available(ctx: PermissionContext) -> bool:
    """True when read-only commands run in the read-only sandbox (bubblewrap can run here)."""
    state = ctx.sandbox
    return state is not None and bool(getattr(state, "contained", False))


def covered_by_rules(ev: _Eval) -> bool:
    """True when a user's allow rule approves every sub-command of the Bash command.

    Such a command is allowed by the rules (source: the rule), so it runs as the user's rules
    say rather than contained (issue 10: "a command that your own allow rule approves runs as
    today").
    """
    analysis = ev.analysis
    if analysis is None or not analysis.commands or not ev.ctx.policy.allow:
        return False
    return all(ev.bash_command_allowed(cmd, i) is not None
               for i, cmd in enumerate(analysis.commands))


def wants_uncontained(ctx: PermissionContext, view: CallView) -> bool:
    """The model set ``dangerouslyDisableSandbox`` on a command that would run contained, and
    ``allowUnsandboxedCommands`` honours it: the engine asks instead of allowing (REF §6.4)."""
    state = ctx.sandbox
    return (view.input.get("dangerouslyDisableSandbox") is True and containment_available(ctx)
            and bool(getattr(state, "allow_unsandboxed", True)))


def auto_allow_held(ev: _Eval) -> str | None:
    """Why ``autoAllowBashIfSandboxed`` does not allow this sandboxed command, or None.

    Returns a sentence for the trace when the command is read-only and the read-only sandbox
    is available (it runs there instead), when a git sub-command writes the repository, or when
    a write target is a protected path or a bare-repository marker (all read-only in the
    sandbox for auto-allowed commands, so the command would only fail there).
    """
    from tui.permissions.engine import effective_paths
    from tui.permissions.protected import bare_repo_reason, protected_reason

    analysis = ev.analysis
    if analysis is None:
        return None
    if ev.read_only() and containment_available(ev.ctx):
        return "read-only: it runs in the read-only sandbox instead of the writable one"
    for index, cmd in enumerate(analysis.commands):
        if cmd.program == "git" and not ev.command_read_only(index):
            return (f"`{cmd.text}` writes the repository; .git stays read-only for commands "
                    "the sandbox auto-allows, so it is not auto-allowed")
    pending: list[Path] = [p for ref in analysis.writes for p in effective_paths(ref)]
    for ref in analysis.writes:
        for path in effective_paths(ref):
            why: Any = protected_reason(str(path)) or bare_repo_reason(
                path, ev.ctx.working_dirs, pending=pending)
            if why:
                return (f"it writes {path} ({why}), which stays read-only for commands the "
                        "sandbox auto-allows, so it is not auto-allowed")
    return None
