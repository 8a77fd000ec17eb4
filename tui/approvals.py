"""Approval requests and their typed answers (plain data shared by the core and the widgets).

An :class:`ApprovalRequest` carries an :class:`asyncio.Future` that the UI resolves with an
:class:`Answer` (``STYLE.md`` §4: approvals are futures carried inside a message).  What a request
asks about, its :attr:`~ApprovalRequest.subject`, is one of the :data:`ApprovalSubject` kinds: a
tool call, or a host a sandboxed command wants to reach.

While an edit waits, the user may replace it with their own version and reject some of its
hunks; :class:`HunkReview` holds both, and makes the :class:`Answer` that carries them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

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
        change: for edits, the version to write when it is not the model's proposal: the
            user's own version (``edited_by_user``), and/or only the accepted hunks
            (``rejected_hunks``).  ``None``: write the proposal as it is.
        edited_by_user: the user replaced the proposal with their own version (``$EDITOR``);
            the engine decides again on it, and the model is told.
        rules: allow rules granted with ``allow_session`` / ``allow_always``, as the user
            edited them.
        rejected_hunks: for edits, the hunk indexes the user rejected (``change`` then holds
            only the accepted ones); the model is told.
        hunks_reviewed: how many hunks the reviewed version had, for telling the model
            "hunk(s) 2 of 3"; 0: as many as the proposal.
    """

    kind: AnswerKind
    reason: str | None = None
    change: FileChange | None = None
    edited_by_user: bool = False
    rules: tuple[str, ...] = ()
    rejected_hunks: tuple[int, ...] = ()
    hunks_reviewed: int = 0

    @property
    def allowed(self) -> bool:
        """True for the allowing kinds."""
        return self.kind in ("allow_once", "allow_session", "allow_always")


@dataclass(frozen=True, slots=True)
class HostAccess:
    """A command running in the sandbox wants to reach ``host:port``, which
    ``sandbox.network.allowedDomains`` does not list (REF §1.2; the filtering proxy asks).

    Like every :data:`ApprovalSubject` it has a ``name``, a ``summary``, an ``input`` and a
    ``record_id`` for records and lists of requests (``/permissions``' recent calls, ``-p``'s
    permission denials), and a ``description`` for the card.
    """

    host: str
    port: int

    name: ClassVar[str] = "Network"
    description: ClassVar[str] = "A sandboxed command wants to reach this host."

    @property
    def summary(self) -> str:
        """``host:port``."""
        return f"{self.host}:{self.port}"

    @property
    def input(self) -> dict[str, Any]:
        """``{"host": host, "port": port}``, as records show it."""
        return {"host": self.host, "port": self.port}

    @property
    def record_id(self) -> str:
        """``network-HOST-PORT``: one record per host and port."""
        return f"network-{self.host}-{self.port}"

    @property
    def rule(self) -> str:
        """The allow rule that lets the sandbox reach the host: ``WebFetch(domain:HOST)``."""
        return f"WebFetch(domain:{self.host})"


ApprovalSubject: TypeAlias = "ToolCall[Any] | HostAccess"
"""What an :class:`ApprovalRequest` asks about.  Each kind is one frozen dataclass (a tool call
is the agent's :class:`~tui.tools.base.ToolCall`) with ``name``, ``summary``, ``input``,
``record_id`` and ``description``; an MCP server, a trust decision or a hook will be more
members of this union, each shown by a card class of its own (``widgets.approval_card``)."""


@dataclass(eq=False)
class ApprovalRequest:
    """Something waiting for the user: a tool call, or a host the sandbox was asked to reach.

    Attributes:
        subject: what is asked about (an :data:`ApprovalSubject`).
        decision: the engine's ``ask`` decision, with the reason it asks.
        suggested_rules: what "always allow" would save (empty: the option is not offered).
        explanation: Warden's own plain-language explanation of a Bash command
            (a :class:`tui.shell.explain.Explanation`), or ``None``.
        future: resolved by the UI with an :class:`Answer`; cancelled when the turn is
            interrupted, after which the UI drops the request.
        request_id: a small unique number, for widget ids.
        warnings: lines the card shows above its answers: that this request follows text
            the injection detector flagged earlier in the same turn
            (:func:`tui.untrusted.card_warning`).
    """

    subject: ApprovalSubject
    decision: Decision
    future: asyncio.Future[Answer]
    suggested_rules: tuple[str, ...] = ()
    explanation: object | None = None
    request_id: int = field(default_factory=lambda: next(_ids))
    warnings: tuple[str, ...] = ()

    @property
    def call(self) -> ToolCall[Any] | None:
        """The subject when it is a tool call (most requests), else ``None``."""
        from tui.tools.base import ToolCall  # loaded by then: the agent prepared the call

        return self.subject if isinstance(self.subject, ToolCall) else None

    def answer(self, answer: Answer) -> bool:
        """Resolve the future once; returns False when it was already resolved or cancelled."""
        if self.future.done():
            return False
        self.future.set_result(answer)
        return True


@dataclass
class HunkReview:
    """One proposed change under review: the user's own version of it, and the hunks they
    rejected.

    The one model of rejected hunks: the edit card counts them ("2 of 3 hunks accepted") and
    the diff view dims them, both from the same object (``widgets.approval_card.EditCard``
    owns it; the screen hands it to the diff view).  :meth:`answer` turns it into the
    :class:`Answer`.

    Attributes:
        change: the version under review: the model's proposal, or the user's own.
        max_lines: most changed lines a change may have to be reviewed hunk by hunk (the diff
            view's cap, ``widgets.diff_view.prepare.DEFAULT_MAX_LINES``); ``None``: no cap.  A
            bigger change has no hunks to choose: it is allowed or denied as a whole.
        edited: True once the user replaced the proposal with their own version.
        rejected: indexes of the rejected hunks of ``change`` (only reviewable ones).
    """

    change: FileChange
    max_lines: int | None = None
    edited: bool = False
    rejected: frozenset[int] = frozenset()

    @property
    def hunk_count(self) -> int:
        """Hunks that can be accepted or rejected one by one (0 for a change over
        ``max_lines`` changed lines)."""
        change = self.change
        if self.max_lines is not None and change.added + change.removed > self.max_lines:
            return 0
        return len(change.hunks)

    @property
    def accepted_count(self) -> int:
        """Hunks that will be written."""
        return self.hunk_count - len(self.rejected)

    def set_rejected(self, rejected: Iterable[int]) -> None:
        """Reject exactly ``rejected`` (indexes that are not reviewable hunks are dropped)."""
        count = self.hunk_count
        self.rejected = frozenset(i for i in rejected if 0 <= i < count)

    def toggle(self, index: int) -> None:
        """Accept hunk ``index`` if it is rejected, else reject it."""
        self.set_rejected(self.rejected ^ {index})

    def set_all(self, accept: bool) -> None:
        """Accept every hunk, or reject every hunk."""
        self.set_rejected(() if accept else range(self.hunk_count))

    def replace(self, change: FileChange) -> None:
        """The user's own version replaces the one under review; every hunk is accepted."""
        self.change = change
        self.edited = True
        self.rejected = frozenset()

    def answer(self, kind: AnswerKind) -> Answer:
        """The allowing answer ``kind`` with what the user chose: their version, only the
        accepted hunks.  Rejecting every hunk is a ``deny_with_reason`` (the model continues).
        """
        if not self.rejected:
            return Answer(kind, change=self.change if self.edited else None,
                          edited_by_user=self.edited)
        accepted = set(range(self.hunk_count)) - self.rejected
        if not accepted:
            return Answer("deny_with_reason",
                          reason="The user rejected every hunk of this change.")
        from tui.diffs import apply_hunks

        return Answer(kind, change=apply_hunks(self.change, accepted),
                      edited_by_user=self.edited, rejected_hunks=tuple(sorted(self.rejected)),
                      hunks_reviewed=self.hunk_count)
