"""The result of a permission check (``SPEC.md`` §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Behavior = Literal["allow", "ask", "deny"]


@dataclass(frozen=True, slots=True)
class Decision:
    """What the permission engine says about one tool call.

    Attributes:
        behavior: ``"allow"``, ``"ask"`` or ``"deny"``.
        reason: one sentence a person can read, e.g. "Edits always ask in default mode".
        rule: the rule text that decided, e.g. ``"Bash(npm test *)"``, or ``None`` when no rule did.
        source: what decided: a settings file and scope, the mode, a built-in check or the user.
        trace: the evaluation steps in order, one line each (``warden check`` prints them).
    """

    behavior: Behavior
    reason: str
    rule: str | None = None
    source: str = "built-in"
    trace: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """``{"decision", "reason", "rule", "source"}`` as ``warden check --json`` prints it."""
        return {"decision": self.behavior, "reason": self.reason, "rule": self.rule,
                "source": self.source}
