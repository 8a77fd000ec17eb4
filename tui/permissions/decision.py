"""The result of a permission check (``SPEC.md`` §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Behavior = Literal["allow", "ask", "deny"]

AutoAllow = Literal["read-only", "sandbox"]
"""Why Warden allowed a call on its own judgement, when no rule, mode or person did."""

READ_ONLY_SOURCE = "built-in: read-only command"
""":attr:`Decision.source` of a Bash command allowed because the analysis judged it read-only."""

SANDBOX_AUTO_ALLOW_SOURCE = "sandbox: auto-allow"
""":attr:`Decision.source` of a Bash command allowed by ``autoAllowBashIfSandboxed``."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the permission engine says about one tool call.

    Attributes:
        behavior: ``"allow"``, ``"ask"`` or ``"deny"``.
        reason: one sentence a person can read, e.g. "Edits always ask in default mode".
        rule: the rule text that decided, e.g. ``"Bash(npm test *)"``, or ``None`` when no rule did.
        source: what decided: a settings file and scope, the mode, a built-in check or the user.
        trace: the evaluation steps in order, one line each (``warden check`` prints them).
        auto: set only when Warden itself allowed the call, without a rule, a mode or the
            user: ``"read-only"`` (the analysis judged the Bash command read-only; it runs in
            the read-only sandbox when bubblewrap can run, issue 10 item 1) or ``"sandbox"``
            (``autoAllowBashIfSandboxed``; protected paths stay read-only, issue 10 item 5).
            ``None`` for every other decision.  Where the call runs follows from it
            (:func:`tui.permissions.sandbox_mode.sandbox_profile`).
    """

    behavior: Behavior
    reason: str
    rule: str | None = None
    source: str = "built-in"
    trace: tuple[str, ...] = ()
    auto: AutoAllow | None = None

    def to_json(self) -> dict[str, object]:
        """``{"decision", "reason", "rule", "source"}`` as ``warden check --json`` prints it."""
        return {"decision": self.behavior, "reason": self.reason, "rule": self.rule,
                "source": self.source}
