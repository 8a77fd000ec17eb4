"""The approval queue: tool calls waiting for the user, one card each.

A card shows what the call is (tool, command or path), the model's own description, and why
Warden asks.  Keys on the focused card answer it; the card posts :class:`ApprovalCard.Answered`
and the queue resolves the request's future with the typed :class:`~tui.approvals.Answer`
(``STYLE.md`` §4–§5).  Answer keys are ignored for :attr:`ApprovalCard.GUARD_SECONDS` after a card
appears, so a key meant for something else cannot approve a call that just popped up.
"""

from __future__ import annotations

from time import monotonic

from textual import on
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.approvals import Answer, ApprovalRequest

_TITLES = {"shell": "Run a command", "edit": "Change a file", "read": "Read outside the project"}


class ApprovalCard(Widget, can_focus=True):
    """One pending request; ``y`` allow once, ``n`` deny, ``N`` deny with a reason."""

    GUARD_SECONDS = 0.5

    BINDINGS = [
        Binding("y", "allow_once", "Allow once", id="approval.allow_once"),
        Binding("n", "deny", "Deny", id="approval.deny"),
        Binding("N", "deny_with_reason", "Deny with reason", key_display="N",
                id="approval.deny_with_reason"),
    ]

    DEFAULT_CSS = """
    ApprovalCard {
        height: auto; padding: 0 1; margin: 0 0 1 0;
        border: round $panel-lighten-2; background: $surface;
    }
    ApprovalCard:focus { border: round $warning; }
    ApprovalCard > .approval-card--title { text-style: bold; }
    ApprovalCard > .approval-card--subject { background: $boost; padding: 0 1; }
    ApprovalCard > .approval-card--why { color: $text-muted; }
    ApprovalCard > .approval-card--keys { color: $text-muted; }
    ApprovalCard > Input { display: none; }
    ApprovalCard.-reason > Input { display: block; }
    """

    class Answered(Message):
        """The user answered ``request``."""

        def __init__(self, card: ApprovalCard, request: ApprovalRequest, answer: Answer) -> None:
            super().__init__()
            self.card = card
            self.request = request
            self.answer = answer

        @property
        def control(self) -> ApprovalCard:
            """The card that was answered."""
            return self.card

    def __init__(self, request: ApprovalRequest) -> None:
        super().__init__(id=f"approval-{request.request_id}")
        self.request = request
        self._shown_at = monotonic()

    def compose(self):
        call = self.request.call
        title = _TITLES.get(call.permission_class, "Use a tool")
        yield Static(
            Content.assemble((f"{call.name}", "bold $warning"), "  ", title),
            classes="approval-card--title", markup=False,
        )
        subject = call.command if call.command is not None else call.summary
        if call.change is not None:
            change = call.change
            verb = "new file" if change.is_new else f"+{change.added} -{change.removed}"
            subject = f"{call.summary}  ({verb})"
        yield Static(Content(subject), classes="approval-card--subject", markup=False)
        if call.description:
            yield Static(
                Content.assemble(("Model says: ", "dim"), call.description),
                classes="approval-card--why", markup=False,
            )
        yield Static(
            Content.assemble(("Why asking: ", "dim"), self.request.decision.reason),
            classes="approval-card--why", markup=False,
        )
        yield Static(
            Content.assemble(
                ("y", "bold"), " allow once   ", ("n", "bold"), " deny   ",
                ("N", "bold"), " deny with reason",
            ),
            classes="approval-card--keys", markup=False,
        )
        yield Input(placeholder="Why not? (enter to send to the model, esc to cancel)")

    def on_mount(self) -> None:
        self._shown_at = monotonic()

    def _guarded(self) -> bool:
        """True while answer keys must be ignored (the card only just appeared)."""
        return monotonic() - self._shown_at < self.GUARD_SECONDS

    def _answer(self, answer: Answer) -> None:
        self.post_message(self.Answered(self, self.request, answer))

    def action_allow_once(self) -> None:
        if not self._guarded():
            self._answer(Answer("allow_once"))

    def action_deny(self) -> None:
        if not self._guarded():
            self._answer(Answer("deny"))

    def action_deny_with_reason(self) -> None:
        if self._guarded():
            return
        self.add_class("-reason")
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _reason_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        self._answer(Answer("deny_with_reason", reason=reason) if reason else Answer("deny"))

    def key_escape(self) -> None:
        if self.has_class("-reason"):
            self.remove_class("-reason")
            self.focus()


class ApprovalQueue(VerticalScroll):
    """The pending requests, oldest first; resolves futures when cards are answered."""

    DEFAULT_CSS = """
    ApprovalQueue { height: auto; max-height: 60%; }
    ApprovalQueue > .approval-queue--empty { color: $text-muted; padding: 0 1; }
    """

    class Changed(Message):
        """The set of pending requests changed (added, answered or withdrawn)."""

        def __init__(self, requests: list[ApprovalRequest]) -> None:
            super().__init__()
            self.requests = requests

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
        """Show a new request; when the turn is interrupted its card goes away by itself."""
        card = ApprovalCard(request)
        self.mount(card)
        request.future.add_done_callback(lambda _f: self._withdraw(card))
        if focus:
            self.call_after_refresh(self._focus_oldest)
        self.post_message(self.Changed(self.requests))
        return card

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
