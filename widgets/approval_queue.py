"""The approval queue: requests waiting for the user, one card each.

The queue mounts the card class the registry picks for each request
(:func:`widgets.approval_card.card_for`), resolves the request's future when its card is
answered, withdraws cards whose turn was interrupted, keeps the oldest card focused, and accepts
every pending edit at once (``ctrl+a``; commands are never part of that batch).
"""

from __future__ import annotations

from textual import on
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.approvals import ApprovalRequest
from widgets.approval_card import ApprovalCard, CommandCard, EditCard, card_for

__all__ = ["ApprovalCard", "ApprovalQueue", "CommandCard", "EditCard"]

class ApprovalQueue(VerticalScroll):
    """The pending requests, oldest first; resolves futures when cards are answered."""

    DEFAULT_CSS = """
    ApprovalQueue { height: auto; max-height: 60%; }
    ApprovalQueue > .approval-queue--empty { color: $text-muted; padding: 0 1; }
    ApprovalQueue > .approval-queue--batch {
        display: none; color: $text; background: $primary-muted; padding: 0 1; margin: 0 0 1 0;
    }
    ApprovalQueue.-batch > .approval-queue--batch { display: block; }
    """

    class Changed(Message):
        """The set of pending requests changed (added, answered or withdrawn)."""

        def __init__(self, requests: list[ApprovalRequest]) -> None:
            super().__init__()
            self.requests = requests

    def compose(self):
        yield Static("", classes="approval-queue--batch", markup=False)

    @property
    def edit_cards(self) -> list[EditCard]:
        """Pending Edit/Write cards: the ones ``ctrl+a`` accepts as a batch."""
        return [card for card in self.cards if isinstance(card, EditCard)]

    def accept_all_edits(self) -> int:
        """Allow every pending edit once, each with its accepted hunks (``ctrl+a``).

        Commands and other requests are never part of the batch (REF §1.3: each command is
        approved on its own).  Cards that only just appeared are skipped, like their own keys.

        Returns:
            The number of edits accepted.
        """
        accepted = 0
        for card in self.edit_cards:
            if card.guarded():
                continue
            answer = card.allowing("allow_once")
            if card.request.answer(answer) and answer.allowed:
                accepted += 1
        return accepted

    def _update_batch(self) -> None:
        """Show the batch line when two or more edits wait."""
        edits = self.edit_cards
        others = len(self.cards) - len(edits)
        self.set_class(len(edits) >= 2, "-batch")
        if len(edits) < 2:
            return
        added = sum(c.change.added for c in edits)
        removed = sum(c.change.removed for c in edits)
        text = (f"{len(edits)} edits pending (+{added} -{removed}): ctrl+a accepts all of "
                "them, with the hunks you kept.")
        if others:
            text += f" {others} other request{'s' if others > 1 else ''} stay individual."
        self.query_one(".approval-queue--batch", Static).update(Content(text))

    @property
    def requests(self) -> list[ApprovalRequest]:
        """The pending requests, in the order they arrived (answered ones excluded)."""
        return [card.request for card in self.cards]

    @property
    def cards(self) -> list[ApprovalCard]:
        """The cards of unanswered requests, in order."""
        return [
            card for card in self.query_children(ApprovalCard)
            if not card.request.future.done()
        ]

    def add_request(self, request: ApprovalRequest, *, focus: bool = True) -> ApprovalCard:
        """Show a new request in the card its kind calls for; when the turn is interrupted the
        card goes away by itself."""
        card = card_for(request)
        card.typed_at = self.typed_at
        self.mount(card)
        request.future.add_done_callback(lambda _f: self._withdraw(card))
        if focus:
            self.call_after_refresh(self._focus_oldest)
        self._update_batch()
        self.post_message(self.Changed(self.requests))
        return card

    typed_at: float = 0.0
    """:attr:`ApprovalCard.clock` time of the last keystroke in the prompt (:meth:`note_typing`)."""

    def note_typing(self, at: float) -> None:
        """The user typed in the prompt at ``at``: every card ignores answer keys until
        ``GUARD_SECONDS`` after it (``STYLE.md`` §5)."""
        self.typed_at = at
        for card in self.cards:
            card.typed_at = max(card.typed_at, at)

    def _focus_oldest(self) -> None:
        """Focus the oldest pending card unless a card already has focus."""
        cards = self.cards
        if cards and not any(c.has_focus_within for c in cards):
            cards[0].focus()

    def _withdraw(self, card: ApprovalCard) -> None:
        if card.is_attached:
            card.remove()
            self.call_after_refresh(self._after_removal)

    def _after_removal(self) -> None:
        cards = self.cards
        if cards and self.screen.focused is None:
            cards[0].focus()
        self._update_batch()
        self.post_message(self.Changed(self.requests))

    @on(ApprovalCard.Answered)
    def _answered(self, event: ApprovalCard.Answered) -> None:
        event.stop()
        was_focused = event.control.has_focus_within
        event.request.answer(event.answer)  # the done-callback removes the card
        if was_focused:
            remaining = [c for c in self.cards if c is not event.control]
            if remaining:
                remaining[0].focus()
