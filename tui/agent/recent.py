"""The last calls that asked or were denied, for ``/permissions`` ("allow this next time").

Fed from the agent loop's events (:mod:`tui.agent.events`): every :class:`ToolCallPrepared`
whose decision is ``ask`` or ``deny`` is recorded, :class:`ApprovalNeeded` adds the rules
"always allow" would save, and :class:`ToolFinished` says how the user answered.  REF §4.5:
Claude Code's ``/permissions`` lists "Recently denied" actions with a one-key retry.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from tui.agent import events as ev
from tui.tool_results import DENIED_PREFIX, INTERRUPTED

MAX_RECENT = 20
"""How many asked or denied calls are kept (oldest dropped first)."""


@dataclass(frozen=True)
class RecentCall:
    """One call that asked or was denied.

    Attributes:
        call_id: the tool_use id (or ``network-host-port`` for a sandbox host prompt).
        tool: the tool name; ``input`` its input object.
        summary: one line (the command, the path, ``host:port``).
        behavior: the engine's decision, ``"ask"`` or ``"deny"``.
        reason: the decision's reason; ``rule`` the deciding rule's text (None when no rule
            decided); ``source`` what decided.
        suggested_rules: what "always allow" offered (empty when unknown or not offered).
        outcome: ``""`` while waiting, then ``"allowed"``, ``"denied by you"``,
            ``"interrupted"`` or ``"not run"``.
    """

    call_id: str
    tool: str
    input: dict[str, Any]
    summary: str
    behavior: str
    reason: str
    rule: str | None = None
    source: str = ""
    suggested_rules: tuple[str, ...] = ()
    outcome: str = ""

    @property
    def blocked_by_rule(self) -> bool:
        """A deny or ask rule decided: an allow rule cannot change that (deny and ask rules
        are checked first, REF §2.7)."""
        return self.rule is not None

    @property
    def label(self) -> str:
        """``asked``/``denied``, with the user's answer: ``"asked, denied by you"``."""
        base = "denied" if self.behavior == "deny" else "asked"
        return f"{base}, {self.outcome}" if self.outcome else base


class RecentCalls:
    """A bounded record of asked and denied calls, newest last; :meth:`observe` every event."""

    def __init__(self, maxlen: int = MAX_RECENT) -> None:
        self._calls: deque[RecentCall] = deque(maxlen=maxlen)
        self.version = 0
        """Bumped on every change (the screen compares it to refresh only when needed)."""

    def __len__(self) -> int:
        return len(self._calls)

    def items(self) -> list[RecentCall]:
        """The calls, newest first."""
        return list(reversed(self._calls))

    def _find(self, call_id: str) -> int | None:
        for index in range(len(self._calls) - 1, -1, -1):
            if self._calls[index].call_id == call_id:
                return index
        return None

    def _update(self, call_id: str, **changes: Any) -> bool:
        index = self._find(call_id)
        if index is None:
            return False
        self._calls[index] = replace(self._calls[index], **changes)
        self.version += 1
        return True

    def observe(self, event: object) -> bool:
        """Record what ``event`` says about asked/denied calls; True when the record changed."""
        match event:
            case ev.ToolCallPrepared(call=call, decision=decision) if decision.behavior != "allow":
                self._calls.append(RecentCall(
                    call.tool_use_id, call.name, dict(call.input), call.summary,
                    decision.behavior, decision.reason, decision.rule, decision.source))
                self.version += 1
                return True
            case ev.ApprovalNeeded(request=request):
                subject = request.subject
                rules = tuple(request.suggested_rules)
                if self._update(subject.record_id, suggested_rules=rules):
                    return True
                self._calls.append(RecentCall(
                    subject.record_id, subject.name, dict(subject.input), subject.summary, "ask",
                    request.decision.reason, request.decision.rule, request.decision.source,
                    rules))
                self.version += 1
                return True
            case ev.ToolFinished(call=call, result=result, ran=ran):
                index = self._find(call.tool_use_id)
                if index is None or self._calls[index].outcome:
                    return False
                text = result.content
                if ran:
                    outcome = "allowed"
                elif self._calls[index].behavior == "ask" and text.startswith(
                        f"{DENIED_PREFIX} by the user"):
                    outcome = "denied by you"
                else:
                    outcome = "interrupted" if text == INTERRUPTED else "not run"
                return self._update(call.tool_use_id, outcome=outcome)
        return False
