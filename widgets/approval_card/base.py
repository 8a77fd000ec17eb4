""":class:`ApprovalCard`: the base of every approval card, and the answers a card may offer.

A card shows what is asked (its subject's name and summary), the description that came with
it, and why Warden asks.  Keys on the focused card answer it: the card posts
:class:`ApprovalCard.Answered` and the queue (:mod:`widgets.approval_queue`) resolves the
request's future with the typed :class:`~tui.approvals.Answer` (``STYLE.md`` §4–§5).

Which answers a card offers comes from :data:`ANSWER_KEYS` and the card's :meth:`offered`: the
bindings are made from the table, keys a request does not offer are hidden (``check_action``),
and the key line on the card lists the offered ones.  Answer keys are ignored for
:attr:`ApprovalCard.GUARD_SECONDS` after a card appears, so a key meant for something else
cannot approve a call that just popped up, and while the user is typing: within
``GUARD_SECONDS`` of the last keystroke in the prompt (:attr:`ApprovalCard.typed_at`, passed
down by the queue), and for as long as keys keep arriving on the card less than
``GUARD_SECONDS`` apart (a typing burst that lands on a card never answers it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from time import monotonic
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.approvals import Answer, AnswerKind, ApprovalRequest
from tui.permissions.suggest import describe_rule


@dataclass(frozen=True)
class AnswerKey:
    """One answer a card may offer.

    Attributes:
        kind: the :class:`~tui.approvals.Answer` kind; the card's action of the same name
            answers with it (``action_allow_once``...), and the binding id is
            ``approval.<kind>``.
        key: the key that answers.
        label: the words in the footer's tooltip and the keys panel.
        hint: the words after the key on the card's key line.
        group: the footer group: the allow keys show together as "y s a Allow", the deny
            keys as "n N Deny" (``Binding.Group``, as in Toad's question widget); each key's own
            words are on the card's key line.
    """

    kind: AnswerKind
    key: str
    label: str
    hint: str
    group: Binding.Group

    def binding(self) -> Binding:
        """The card binding for this answer."""
        return Binding(self.key, self.kind, self.label, key_display=self.key,
                       id=f"approval.{self.kind}", group=self.group)


ALLOW_GROUP = Binding.Group("Allow")
DENY_GROUP = Binding.Group("Deny")

ANSWER_KEYS: tuple[AnswerKey, ...] = (
    AnswerKey("allow_once", "y", "Allow once", "allow once", ALLOW_GROUP),
    AnswerKey("allow_session", "s", "This session", "this session", ALLOW_GROUP),
    AnswerKey("allow_always", "a", "Always allow", "always allow…", ALLOW_GROUP),
    AnswerKey("deny", "n", "Deny", "deny", DENY_GROUP),
    AnswerKey("deny_with_reason", "N", "Deny with reason", "deny with reason", DENY_GROUP),
)
"""Every answer a card can offer, in the order of the footer and the key line."""

_ANSWER_KINDS = frozenset(k.kind for k in ANSWER_KEYS)


class ApprovalCard(Widget, can_focus=True):
    """One pending request; the card of a tool call that no other card class takes (a read
    outside the project), and the base of the others (:mod:`widgets.approval_card`).

    | Key | Answer |
    | :- | :- |
    | `y` | Allow once. |
    | `s` | Allow for this session (where offered: a host for the sandbox). |
    | `a` | Always allow: edit the suggested rule; `enter` saves it to the local settings. |
    | `n` | Deny; the turn stops. |
    | `N` | Deny with a reason typed on the card; the model reads it and goes on. |
    | `escape` | Close the rule or reason input. |

    Keys a request does not offer are hidden (`a` needs a suggested rule).  Subclasses set
    :attr:`ASKS`, may offer other answers (:meth:`offered`), and add lines through
    :meth:`compose_details` and :meth:`compose_notes` and keys through :meth:`extra_keys`.
    """

    BINDING_GROUP_TITLE = "Approval"

    GUARD_SECONDS = 0.5

    ASKS: ClassVar[str] = "Use a tool"
    """What the card asks, in the title after the subject's name."""

    clock: Callable[[], float] = staticmethod(monotonic)
    """Seconds for the guard: ``time.monotonic``, the clock of :attr:`PromptInput.clock
    <widgets.prompt_input.PromptInput.clock>` too.  Tests set both to one fake clock (a callable
    object) and step it instead of sleeping."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(key.binding() for key in ANSWER_KEYS),
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
    ApprovalCard > .approval-card--injection {
        color: $text-warning; background: $warning-muted; padding: 0 1;
    }
    ApprovalCard > .approval-card--rules { display: none; height: auto; }
    ApprovalCard.-rules > .approval-card--rules { display: block; }
    ApprovalCard > #reason { display: none; }
    ApprovalCard.-reason > #reason { display: block; }
    """

    @dataclass
    class Answered(Message):
        """The user answered the card's request with ``answer``."""

        card: ApprovalCard
        """The card that was answered."""
        answer: Answer
        """The answer, for the request's future."""

        @property
        def control(self) -> ApprovalCard:
            """Alias of :attr:`card`."""
            return self.card

        @property
        def request(self) -> ApprovalRequest:
            """The request answered."""
            return self.card.request

    def __init__(self, request: ApprovalRequest, *, local_settings: str = "") -> None:
        super().__init__(id=f"approval-{request.request_id}")
        self.request = request
        self.local_settings = local_settings or ".claude/settings.local.json"
        self._shown_at = self.clock()
        self.typed_at = 0.0
        """:attr:`clock` time of the user's last keystroke in the prompt (or of a key ignored
        on this card); answer keys wait until ``GUARD_SECONDS`` after it."""

    @classmethod
    def accepts(cls, request: ApprovalRequest) -> bool:
        """Whether this card class shows ``request`` (the registry asks the kinds in turn;
        the base card shows any)."""
        return True

    # -- what is offered ----------------------------------------------------------------------

    def offered(self) -> tuple[AnswerKind, ...]:
        """The answers this request offers, in :data:`ANSWER_KEYS` order: allow once, always
        allow when a rule is suggested, deny, deny with a reason."""
        always: tuple[AnswerKind, ...] = ("allow_always",) if self.request.suggested_rules else ()
        return ("allow_once", *always, "deny", "deny_with_reason")

    def key_hint(self, key: AnswerKey) -> str:
        """The words after ``key`` on the key line (cards may say what it means for them)."""
        return key.hint

    def extra_keys(self) -> Iterable[tuple[str, str]]:
        """Keys other than answers, as ``(key, words)``, listed after them on the key line."""
        return ()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the answer keys this request does not offer."""
        if action in _ANSWER_KINDS:
            return action in self.offered()
        if action == "cancel_input":
            return self.has_class("-reason") or self.has_class("-rules")
        return True

    # -- drawing ------------------------------------------------------------------------------

    def title_parts(self) -> list[tuple[str, str] | str]:
        """The title line: the subject's name, then :attr:`ASKS` (or what a read asks)."""
        call = self.request.call
        title = ("Read outside the project" if call is not None
                 and call.permission_class == "read" else self.ASKS)
        return [(self.request.subject.name, "bold $warning"), "  ", title]

    def subject_line(self) -> str:
        """The highlighted line: what exactly is asked about."""
        return self.request.subject.summary

    def compose_details(self) -> ComposeResult:
        """Lines between the description and "Why asking" (none here)."""
        yield from ()

    def compose_notes(self) -> ComposeResult:
        """Lines between "Why asking" and the key line (none here)."""
        yield from ()

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(*self.title_parts()), classes="approval-card--title",
                     markup=False)
        yield Static(Content(self.subject_line()), classes="approval-card--subject",
                     markup=False)
        for warning in self.request.warnings:
            # The injection detector flagged text earlier in this turn (tui.untrusted).
            yield Static(Content.assemble(("⚠ ", "bold"), warning),
                         classes="approval-card--injection", markup=False)
        description = self.request.subject.description
        if description:
            yield Static(Content.assemble(("Model says: ", "dim"), description),
                         classes="approval-card--why", markup=False)
        yield from self.compose_details()
        decision = self.request.decision
        why = decision.reason
        if decision.rule:
            why += f"  [{decision.source}]"
        yield Static(Content.assemble(("Why asking: ", "dim"), why),
                     classes="approval-card--why", markup=False)
        yield from self.compose_notes()
        yield Static(self.keys_line(), classes="approval-card--keys", markup=False)
        with Vertical(classes="approval-card--rules"):
            yield Static(Content(f"Always allow: saves to {self.local_settings}. Edit the rule, "
                                 "enter saves, esc cancels."), markup=False)
            for index, rule in enumerate(self.request.suggested_rules):
                yield Input(value=rule, id=f"rule-{index}", classes="approval-card--rule")
                yield Static(Content(describe_rule(rule)), id=f"covers-{index}",
                             classes="approval-card--covers", markup=False)
        yield Input(placeholder="Why not? (enter sends it to the model, esc cancels)",
                    id="reason")

    def keys_line(self) -> Content:
        """The offered answers' keys, then the :meth:`extra_keys`, each with its words."""
        offered = self.offered()
        hints = [(k.key, self.key_hint(k)) for k in ANSWER_KEYS if k.kind in offered]
        hints += self.extra_keys()
        parts: list[tuple[str, str] | str] = []
        for key, words in hints:
            if parts:
                parts.append("   ")
            parts += [(key, "bold"), f" {words}"]
        return Content.assemble(*parts)

    def refresh_keys(self) -> None:
        """Draw the key line again (what it counts changed)."""
        keys = self.query(".approval-card--keys")
        if keys:
            keys.first(Static).update(self.keys_line())

    # -- the guard ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._shown_at = self.clock()

    def guarded(self) -> bool:
        """True while answer keys must be ignored: the card only just appeared, or the user is
        typing (a keystroke in the prompt, or an ignored key here, less than
        ``GUARD_SECONDS`` ago)."""
        return self.clock() - max(self._shown_at, self.typed_at) < self.GUARD_SECONDS

    def on_key(self, event: events.Key) -> None:
        """A key that arrives while answer keys are ignored counts as typing: it extends the
        guard, so the card answers only after the keys pause for ``GUARD_SECONDS``.  Runs
        before the key's binding, which then sees the guard up."""
        if self.guarded():
            self.typed_at = self.clock()

    # -- answering ----------------------------------------------------------------------------

    def allowing(self, kind: AnswerKind) -> Answer:
        """The answer for the allowing ``kind`` (an edit card adds the user's choices)."""
        return Answer(kind)

    def _answer(self, answer: Answer) -> None:
        self.post_message(self.Answered(self, answer))

    def action_allow_once(self) -> None:
        if not self.guarded():
            self._answer(self.allowing("allow_once"))

    def action_allow_session(self) -> None:
        if not self.guarded():
            self._answer(self.allowing("allow_session"))

    def action_allow_always(self) -> None:
        """``a``: open the suggested rules for editing; ``enter`` in one saves them."""
        if self.guarded():
            return
        self.add_class("-rules")
        self.query(".approval-card--rule").first(Input).focus()

    def action_deny(self) -> None:
        if not self.guarded():
            self._answer(Answer("deny"))

    def action_deny_with_reason(self) -> None:
        if self.guarded():
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
