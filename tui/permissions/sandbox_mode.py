"""Whether a Bash call runs inside the sandbox, and what that means for the permission engine.

``SPEC.md`` §8 and REF §6.2/§6.4: with ``sandbox.enabled`` every Bash command runs in bubblewrap,
except commands matching ``excludedCommands`` (if any sub-command of a compound matches, the
whole compound runs unsandboxed) and ``dangerouslyDisableSandbox`` retries (honoured only while
``allowUnsandboxedCommands`` is true; those always go through the prompt).

Whatever ``sandbox.enabled`` says, a command Warden runs without asking because its analysis
judged it read-only runs in the *read-only sandbox* when bubblewrap can run (issue 10 item 1;
:func:`sandbox_profile`, :mod:`tui.sandbox.readonly`).

These are decisions, so they live with the permission engine, which asks :func:`runs_sandboxed`
before it applies the ask rules; :mod:`tui.sandbox` (which builds on the rules) runs what they
decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tui.permissions.decision import Decision
    from tui.shell.model import ShellAnalysis

SandboxProfile = Literal["sandbox", "auto-allow", "read-only"]
"""How a Bash call runs in bubblewrap (:meth:`tui.sandbox.runner.SandboxRunner.run`):

* ``"sandbox"``: the configured sandbox (``sandbox.enabled``), for commands the user or a rule
  approved: working directories writable except the protected paths;
* ``"auto-allow"``: the configured sandbox for a command ``autoAllowBashIfSandboxed`` let run
  without a prompt: every protected path of REF §11.1 read-only, existing or not;
* ``"read-only"``: a command allowed because it was judged read-only: nothing writable, a
  private ``/tmp``, no network.
"""


@dataclass
class SandboxState:
    """The session's sandbox: its settings and whether it can run here.

    Attributes:
        enabled: ``sandbox.enabled`` (toggled by ``/sandbox``).
        available: bubblewrap can start here (``warden doctor``).
        auto_allow: ``autoAllowBashIfSandboxed`` (default true).
        allow_unsandboxed: ``allowUnsandboxedCommands`` (default true).
        fail_if_unavailable: ``failIfUnavailable``.
        excluded_commands: ``excludedCommands`` patterns (``Bash(...)`` form or bare).
        runner: the :class:`tui.sandbox.runner.SandboxRunner` Bash uses, when available.
        unavailable_reason: why it cannot run, for messages.
        containment: the runner for the read-only sandbox (built whether or not
            ``sandbox.enabled``), or None when bubblewrap cannot run here: then the analysis
            alone decides ("read-only checks: analysis only").
        containment_reason: why :attr:`containment` is None and how to fix it.
    """

    enabled: bool = False
    available: bool = False
    auto_allow: bool = True
    allow_unsandboxed: bool = True
    fail_if_unavailable: bool = False
    excluded_commands: tuple[str, ...] = ()
    runner: Any = None
    unavailable_reason: str = ""
    containment: Any = None
    containment_reason: str = ""

    @property
    def contained(self) -> bool:
        """True when read-only commands run in the read-only sandbox."""
        return self.containment is not None


def _pattern(entry: str) -> str:
    entry = entry.strip()
    if entry.startswith("Bash(") and entry.endswith(")"):
        return entry[5:-1]
    return entry


def is_excluded(analysis: ShellAnalysis | None, command: str, excluded: tuple[str, ...]) -> bool:
    """True when any sub-command (or the whole command) matches an ``excludedCommands`` entry."""
    if not excluded:
        return False
    from tui.permissions.rules import bash_matches

    texts = [" ".join(command.split())]
    if analysis is not None:
        texts += [cmd.text for cmd in analysis.commands]
    return any(bash_matches(_pattern(e), t) for e in excluded for t in texts if _pattern(e))


def wants_unsandboxed(tool_input: Mapping[str, Any]) -> bool:
    """True when the model asked for ``dangerouslyDisableSandbox``."""
    return tool_input.get("dangerouslyDisableSandbox") is True


def runs_sandboxed(state: SandboxState | None, command: str, tool_input: Mapping[str, Any],
                   analysis: ShellAnalysis | None) -> bool:
    """Whether this Bash call will run inside bubblewrap.

    False when the sandbox is off or unavailable, when the command is excluded, or when the model
    asked to escape it and ``allowUnsandboxedCommands`` allows that.
    """
    if state is None or not state.enabled or not state.available:
        return False
    if wants_unsandboxed(tool_input) and state.allow_unsandboxed:
        return False
    return not is_excluded(analysis, command, state.excluded_commands)


def sandbox_profile(state: SandboxState | None, decision: Decision, command: str,
                    tool_input: Mapping[str, Any],
                    analysis: ShellAnalysis | None) -> SandboxProfile | None:
    """Where a decided Bash call runs: a :data:`SandboxProfile`, or None for plainly.

    * ``decision.auto == "read-only"`` and the read-only sandbox is available: ``"read-only"``
      (issue 10 item 1; this holds whether or not ``sandbox.enabled``);
    * otherwise, when :func:`runs_sandboxed`: ``"auto-allow"`` for a command the sandbox
      auto-allowed (``decision.auto == "sandbox"``), else ``"sandbox"`` (a call that asks keeps
      this profile once approved);
    * otherwise None.  A read-only command where bubblewrap cannot run is judged by the
      analysis alone and runs plainly.
    """
    if decision.auto == "read-only" and state is not None and state.contained:
        return "read-only"
    if runs_sandboxed(state, command, tool_input, analysis):
        return "auto-allow" if decision.auto == "sandbox" else "sandbox"
    return None
