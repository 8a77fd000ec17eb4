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
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.approvals import Answer, ApprovalRequest
from tui.permissions.suggest import describe_rule

_TITLES = {"shell": "Run a command", "edit": "Change a file", "read": "Read outside the project",
           "network": "Reach a host from the sandbox"}


_RISK_STYLE = {
    "read-only": "$risk-low", "writes-project": "$risk-medium", "writes-outside": "$risk-high",
    "network": "$risk-high", "destructive": "$risk-high", "unknown": "$risk-high",
}


class ApprovalCard(Widget, can_focus=True):
    """One pending request.

    Keys: ``y`` allow once, ``a`` allow always (edit the suggested rule, then enter saves it to
    ``.claude/settings.local.json``; for edits: allow edits for this session), ``n`` deny,
    ``N`` deny with a reason.  Keys a request does not offer are hidden.
    """

    GUARD_SECONDS = 0.5

    BINDINGS = [
        Binding("y", "allow_once", "Allow once", id="approval.allow_once"),
        Binding("s", "allow_session", "This session", id="approval.allow_session"),
        Binding("a", "allow_always", "Always allow", id="approval.allow_always"),
        Binding("n", "deny", "Deny", id="approval.deny"),
        Binding("N", "deny_with_reason", "Deny with reason", key_display="N",
                id="approval.deny_with_reason"),
        Binding("A", "all_hunks(True)", "Accept all hunks", key_display="A",
                id="approval.accept_all_hunks"),
        Binding("R", "all_hunks(False)", "Reject all hunks", key_display="R",
                id="approval.reject_all_hunks"),
        Binding("escape", "cancel_input", "Cancel", id="approval.cancel_input", show=False),
    ]

    DEFAULT_CSS = """
    ApprovalCard {
        height: auto; padding: 0 1; margin: 0 0 1 0;
        border: round $panel-lighten-2; background: $surface;
    }
    ApprovalCard:focus, ApprovalCard:focus-within { border: round $warning; }
    ApprovalCard > .approval-card--title { text-style: bold; }
    ApprovalCard > .approval-card--subject { background: $boost; padding: 0 1; }
    ApprovalCard > .approval-card--why { color: $text-muted; }
    ApprovalCard > .approval-card--explain { color: $text; }
    ApprovalCard > .approval-card--mismatch {
        color: $text-error; text-style: bold; background: $error 15%; padding: 0 1;
    }
    ApprovalCard > .approval-card--keys { color: $text-muted; }
    ApprovalCard > .approval-card--rules { display: none; height: auto; }
    ApprovalCard.-rules > .approval-card--rules { display: block; }
    ApprovalCard > #reason { display: none; }
    ApprovalCard.-reason > #reason { display: block; }
    """

    class HunksChanged(Message):
        """The set of rejected hunks of ``request`` changed (the diff view re-marks them)."""

        def __init__(self, request: ApprovalRequest, rejected: frozenset[int]) -> None:
            super().__init__()
            self.request = request
            self.rejected = rejected

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

    def __init__(self, request: ApprovalRequest, *, local_settings: str = "") -> None:
        super().__init__(id=f"approval-{request.request_id}")
        self.request = request
        self.local_settings = local_settings or ".claude/settings.local.json"
        self._shown_at = monotonic()
        self.rejected: frozenset[int] = frozenset()
        """Hunks of an edit the user rejected (set through :meth:`set_rejected`)."""

    @property
    def is_edit(self) -> bool:
        """True for Edit/Write requests (their "always" lasts for the session)."""
        return self.request.call.permission_class == "edit"

    def compose(self):
        call = self.request.call
        explanation = self.request.explanation
        title = _TITLES.get(call.permission_class, "Use a tool")
        parts: list[tuple[str, str] | str] = [(call.name, "bold $warning"), "  ", title]
        risk = getattr(explanation, "risk", None)
        if risk:
            style = f"bold $background on {_RISK_STYLE.get(risk, '$risk-high')}"
            parts += ["  ", (f" {risk} ", style)]
        yield Static(Content.assemble(*parts), classes="approval-card--title", markup=False)
        subject = call.command if call.command is not None else call.summary
        if call.change is not None:
            change = call.change
            verb = "new file" if change.is_new else f"+{change.added} -{change.removed}"
            subject = f"{call.summary}  ({verb})"
        yield Static(Content(subject), classes="approval-card--subject", markup=False)
        if call.description:
            yield Static(Content.assemble(("Model says: ", "dim"), call.description),
                         classes="approval-card--why", markup=False)
        if explanation is not None:
            yield Static(Content.assemble(("Warden: ", "dim"), getattr(explanation, "summary", "")),
                         classes="approval-card--explain", markup=False)
            mismatch = _mismatch(call.description, explanation)
            if mismatch:
                yield Static(Content("⚠ " + mismatch), classes="approval-card--mismatch",
                             markup=False)
        decision = self.request.decision
        why = decision.reason
        if decision.rule:
            why += f"  [{decision.source}]"
        yield Static(Content.assemble(("Why asking: ", "dim"), why),
                     classes="approval-card--why", markup=False)
        yield Static(self._keys(), classes="approval-card--keys", markup=False)
        with Vertical(classes="approval-card--rules"):
            yield Static(Content(f"Always allow: saves to {self.local_settings}. Edit the rule, "
                                 "enter saves, esc cancels."), markup=False)
            for index, rule in enumerate(self.request.suggested_rules):
                yield Input(value=rule, id=f"rule-{index}", classes="approval-card--rule")
                yield Static(Content(describe_rule(rule)), id=f"covers-{index}",
                             classes="approval-card--covers", markup=False)
        yield Input(placeholder="Why not? (enter sends it to the model, esc cancels)",
                    id="reason")

    def _keys(self) -> Content:
        parts: list[tuple[str, str] | str] = [("y", "bold"), " allow once   "]
        if self.check_action("allow_session", ()):
            parts += [("s", "bold"), " this session   "]
        if self.check_action("allow_always", ()):
            label = " allow edits this session   " if self.is_edit else " always allow…   "
            parts += [("a", "bold"), label]
        parts += [("n", "bold"), " deny   ", ("N", "bold"), " deny with reason"]
        if self.hunk_count > 1 or self.rejected:
            accepted = self.hunk_count - len(self.rejected)
            parts += ["\n", (f"{accepted} of {self.hunk_count} hunks accepted", "bold"),
                      "  (space on a hunk toggles it; ", ("A", "bold"), "/", ("R", "bold"),
                      " accept/reject all)"]
        return Content.assemble(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys this request does not offer."""
        if action == "allow_always":
            return self.is_edit or bool(self.request.suggested_rules)
        if action == "allow_session":
            return self.request.call.permission_class == "network"
        if action == "all_hunks":
            return self.is_edit and self.hunk_count > 1
        if action == "cancel_input":
            return self.has_class("-reason") or self.has_class("-rules")
        return True

    def on_mount(self) -> None:
        self._shown_at = monotonic()

    def _guarded(self) -> bool:
        """True while answer keys must be ignored (the card only just appeared)."""
        return monotonic() - self._shown_at < self.GUARD_SECONDS

    def _answer(self, answer: Answer) -> None:
        self.post_message(self.Answered(self, self.request, answer))

    @property
    def hunk_count(self) -> int:
        """Number of hunks of an edit request (0 for other requests)."""
        change = self.request.call.change
        return len(change.hunks) if change is not None else 0

    def set_rejected(self, rejected: frozenset[int] | set[int]) -> None:
        """Record which hunks are rejected and show the count on the card."""
        self.rejected = frozenset(i for i in rejected if 0 <= i < self.hunk_count)
        self.set_class(bool(self.rejected), "-partial")
        keys = self.query(".approval-card--keys")
        if keys:
            keys.first(Static).update(self._keys())

    def toggle_hunk(self, index: int) -> None:
        """Accept a rejected hunk, or reject an accepted one."""
        self.set_rejected(self.rejected ^ {index})
        self.post_message(self.HunksChanged(self.request, self.rejected))

    def action_all_hunks(self, accept: bool) -> None:
        self.set_rejected(frozenset() if accept else frozenset(range(self.hunk_count)))
        self.post_message(self.HunksChanged(self.request, self.rejected))

    def _allow(self, kind: str) -> Answer:
        """The allowing answer, carrying only the accepted hunks of an edit."""
        change = self.request.call.change
        if not self.rejected or change is None:
            return Answer(kind)  # type: ignore[arg-type]
        from tui.diffs import apply_hunks

        accepted = set(range(self.hunk_count)) - self.rejected
        if not accepted:
            return Answer("deny_with_reason",
                          reason="The user rejected every hunk of this change.")
        return Answer(kind, change=apply_hunks(change, accepted),  # type: ignore[arg-type]
                      rejected_hunks=tuple(sorted(self.rejected)))

    def action_allow_once(self) -> None:
        if not self._guarded():
            self._answer(self._allow("allow_once"))

    def action_allow_always(self) -> None:
        if self._guarded():
            return
        if self.is_edit:
            self._answer(self._allow("allow_session"))
            return
        self.add_class("-rules")
        self.query(".approval-card--rule").first(Input).focus()

    def action_allow_session(self) -> None:
        if not self._guarded():
            self._answer(Answer("allow_session"))

    def action_deny(self) -> None:
        if not self._guarded():
            self._answer(Answer("deny"))

    def action_deny_with_reason(self) -> None:
        if self._guarded():
            return
        self.add_class("-reason")
        self.query_one("#reason", Input).focus()

    def action_cancel_input(self) -> None:
        self.remove_class("-reason", "-rules")
        self.focus()

    @on(Input.Changed, ".approval-card--rule")
    def _rule_changed(self, event: Input.Changed) -> None:
        index = (event.input.id or "rule-0").removeprefix("rule-")
        self.query_one(f"#covers-{index}", Static).update(Content(describe_rule(event.value)))

    @on(Input.Submitted, ".approval-card--rule")
    def _rules_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        rules = tuple(i.value.strip() for i in self.query(".approval-card--rule").results(Input)
                      if i.value.strip())
        self._answer(Answer("allow_always", rules=rules) if rules else Answer("allow_once"))

    @on(Input.Submitted, "#reason")
    def _reason_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        self._answer(Answer("deny_with_reason", reason=reason) if reason else Answer("deny"))


def _mismatch(description: str | None, explanation: object) -> str | None:
    from tui.permissions.mismatch import description_mismatch

    commands = getattr(explanation, "commands", ())
    return description_mismatch(
        description, getattr(explanation, "risk", "unknown"),
        deletes=any(getattr(c, "deletes", ()) for c in commands),
        network=any(getattr(c, "hosts", ()) for c in commands)
        or getattr(explanation, "risk", "") == "network",
    )


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
