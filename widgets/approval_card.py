"""One approval card: a tool call waiting for the user, and the keys that answer it.

A card shows what the call is (tool, command or path), the model's own description, Warden's
explanation and risk, and why Warden asks.  Keys on the focused card answer it; the card posts
:class:`ApprovalCard.Answered` and the queue (:mod:`widgets.approval_queue`) resolves the
request's future with the typed :class:`~tui.approvals.Answer` (``STYLE.md`` §4–§5).  Answer keys
are ignored for :attr:`ApprovalCard.GUARD_SECONDS` after a card appears, so a key meant for
something else cannot approve a call that just popped up, and while the user is typing: within
``GUARD_SECONDS`` of the last keystroke in the prompt (:attr:`ApprovalCard.typed_at`, passed down
by the queue), and for as long as keys keep arriving on the card less than ``GUARD_SECONDS``
apart (a typing burst that lands on a card never answers it).  ``e`` on a Bash card asks the
model for a separate risk note (:mod:`widgets.risk_note`); ``o`` on an edit opens it in
``$EDITOR``.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING

from textual import events, on
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.approvals import Answer, ApprovalRequest
from tui.permissions.suggest import describe_rule
from widgets.risk_note import RiskNoteView

if TYPE_CHECKING:
    from tui.agent.explain_more import RiskNote

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

    clock: Callable[[], float] = staticmethod(monotonic)
    """Seconds for the guard: ``time.monotonic``, the clock of :attr:`PromptInput.clock
    <widgets.prompt_input.PromptInput.clock>` too.  Tests set both to one fake clock (a callable
    object) and step it instead of sleeping."""

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
        Binding("o", "open_editor", "Edit in $EDITOR", id="approval.open_editor"),
        Binding("e", "explain_more", "Explain risks", id="approval.explain_more"),
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
        color: $text-error; text-style: bold; background: $error-muted; padding: 0 1;
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

    class EditRequested(Message):
        """The user pressed ``o`` on an edit: open the proposal in ``$EDITOR`` (the screen does)."""

        def __init__(self, card: ApprovalCard, request: ApprovalRequest) -> None:
            super().__init__()
            self.card = card
            self.request = request

    class ExplainRequested(Message):
        """The user pressed ``e`` on a Bash card: ask the model for a risk note (the screen
        does, in a worker, and calls :meth:`ApprovalCard.show_risk_note` back)."""

        def __init__(self, card: ApprovalCard, request: ApprovalRequest) -> None:
            super().__init__()
            self.card = card
            self.request = request

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
        self._shown_at = self.clock()
        self.typed_at = 0.0
        """:attr:`clock` time of the user's last keystroke in the prompt (or of a key ignored
        on this card); answer keys wait until ``GUARD_SECONDS`` after it."""
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
            if call.edited_by_user:
                subject += "  · edited by you"
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
        if self.is_command:
            yield RiskNoteView(classes="approval-card--risk-note")
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
        if self.is_edit:
            parts += ["   ", ("o", "bold"), " edit in $EDITOR"]
        if self.is_command:
            parts += ["   ", ("e", "bold"), " explain risks"]
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
        if action == "open_editor":
            return self.is_edit
        if action == "explain_more":
            return self.is_command
        if action == "cancel_input":
            return self.has_class("-reason") or self.has_class("-rules")
        return True

    def on_mount(self) -> None:
        self._shown_at = self.clock()

    def _guarded(self) -> bool:
        """True while answer keys must be ignored: the card only just appeared, or the user is
        typing (a keystroke in the prompt, or an ignored key here, less than
        ``GUARD_SECONDS`` ago)."""
        return self.clock() - max(self._shown_at, self.typed_at) < self.GUARD_SECONDS

    def on_key(self, event: events.Key) -> None:
        """A key that arrives while answer keys are ignored counts as typing: it extends the
        guard, so the card answers only after the keys pause for ``GUARD_SECONDS``.  Runs
        before the key's binding, which then sees the guard up."""
        if self._guarded():
            self.typed_at = self.clock()

    @property
    def is_command(self) -> bool:
        """True for Bash requests (they offer ``e``, explain risks)."""
        return self.request.call.name == "Bash" and self.request.call.command is not None

    def action_explain_more(self) -> None:
        """``e``: ask the model for a risk note once; the card stays answerable meanwhile."""
        view = self.query(RiskNoteView)
        if not view or view.first().state in ("pending", "done"):
            return
        view.first().show_pending()
        self.post_message(self.ExplainRequested(self, self.request))

    def show_risk_note(self, note: RiskNote) -> None:
        """Show the model's risk note (called by the screen when the request returns)."""
        for view in self.query(RiskNoteView):
            view.show_note(note)

    def show_risk_error(self, text: str) -> None:
        """Show why the risk-note request failed; ``e`` may be pressed again."""
        for view in self.query(RiskNoteView):
            view.show_error(text)

    def _answer(self, answer: Answer) -> None:
        self.post_message(self.Answered(self, self.request, answer))

    @property
    def hunk_count(self) -> int:
        """Number of hunks of an edit request that can be reviewed one by one (0 for other
        requests, and for a change too large for the diff view to lay out hunk by hunk: that
        one is allowed or denied as a whole)."""
        from widgets.diff_view.prepare import DEFAULT_MAX_LINES

        change = self.request.call.change
        if change is None or change.added + change.removed > DEFAULT_MAX_LINES:
            return 0
        return len(change.hunks)

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

    def action_open_editor(self) -> None:
        if not self._guarded():
            self.post_message(self.EditRequested(self, self.request))

    def change_edited(self) -> None:
        """The proposal was replaced by the user's edited version: redraw, hunks reset."""
        self.rejected = frozenset()
        self.set_class(False, "-partial")
        self.add_class("-edited")
        self.refresh(recompose=True)

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
