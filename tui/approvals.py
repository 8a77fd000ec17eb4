"""Typed answers to approval requests (plain data shared by the core and the widgets).

An :class:`ApprovalRequest` carries an :class:`asyncio.Future` that the UI resolves with an
:class:`Answer` (``STYLE.md`` §4: approvals are futures carried inside a message).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tui.diffs import FileChange
    from tui.permissions.decision import Decision
    from tui.tools.base import ToolCall

AnswerKind = Literal["allow_once", "allow_session", "allow_always", "deny", "deny_with_reason"]

_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Answer:
    """The user's answer to one approval request.

    Attributes:
        kind: ``allow_once``; ``allow_session`` (``rules`` apply until Warden exits, never
            written: REF §1.2 for edits); ``allow_always`` (``rules`` are saved to
            ``.claude/settings.local.json``); ``deny`` (stops the turn); or ``deny_with_reason``
            (the reason goes to the model, which continues).
        reason: the user's words for ``deny_with_reason``.
        change: for edits, the version to write when the user changed the proposal.
        rules: allow rules granted with ``allow_session`` / ``allow_always``, as the user
            edited them.
        rejected_hunks: for edits, the hunk indexes the user rejected (``change`` then holds
            only the accepted ones); the model is told.
    """

    kind: AnswerKind
    reason: str | None = None
    change: FileChange | None = None
    rules: tuple[str, ...] = ()
    rejected_hunks: tuple[int, ...] = ()

    @property
    def allowed(self) -> bool:
        """True for the allowing kinds."""
        return self.kind in ("allow_once", "allow_session", "allow_always")


@dataclass(eq=False)
class ApprovalRequest:
    """A tool call waiting for the user.

    Attributes:
        call: the prepared call (command, paths, proposed change).
        decision: the engine's ``ask`` decision, with the reason it asks.
        suggested_rules: what "always allow" would save (empty: the option is not offered).
        explanation: Warden's own plain-language explanation of a Bash command
            (a :class:`tui.shell.explain.Explanation`), or ``None``.
        future: resolved by the UI with an :class:`Answer`; cancelled when the turn is
            interrupted, after which the UI drops the request.
        request_id: a small unique number, for widget ids.
    """

    call: ToolCall
    decision: Decision
    future: asyncio.Future[Answer]
    suggested_rules: tuple[str, ...] = ()
    explanation: object | None = None
    request_id: int = field(default_factory=lambda: next(_ids))

    def answer(self, answer: Answer) -> bool:
        """Resolve the future once; returns False when it was already resolved or cancelled."""
        if self.future.done():
            return False
        self.future.set_result(answer)
        return True
