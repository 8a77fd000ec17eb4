""":class:`CommandCard`: a Bash command waiting for the user, with Warden's explanation.

Besides the base card's lines it shows the risk Warden's analysis found (a badge in the title),
Warden's own explanation of the command, a warning when the model's description understates
it (:func:`tui.permissions.mismatch.description_mismatch`), and, on ``e``, the model's separate
risk note (:mod:`widgets.risk_note`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.approvals import ApprovalRequest
from widgets.approval_card.base import ApprovalCard
from widgets.risk_note import RiskNoteView

if TYPE_CHECKING:
    from tui.agent.explain_more import RiskNote

RISK_STYLES = {
    "read-only": "$risk-low", "writes-project": "$risk-medium", "writes-outside": "$risk-high",
    "network": "$risk-high", "destructive": "$risk-high", "unknown": "$risk-high",
}
"""Risk (:attr:`tui.shell.explain.Explanation.risk`) → the theme colour of its badge."""


class CommandCard(ApprovalCard):
    """A Bash command waiting for the user.

    | Key | Answer |
    | :- | :- |
    | `y` | Allow once. |
    | `a` | Always allow: edit the suggested rule; `enter` saves it to the local settings. |
    | `n` | Deny; the turn stops. |
    | `N` | Deny with a reason typed on the card; the model reads it and goes on. |
    | `e` | Ask the model for a separate note on the command's risks (not an answer). |
    | `escape` | Close the rule or reason input. |
    """

    BINDING_GROUP_TITLE = "Command approval"

    ASKS = "Run a command"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "explain_more", "Explain risks", id="approval.explain_more"),
    ]

    @dataclass
    class ExplainRequested(Message):
        """The user pressed ``e``: ask the model for a risk note (the screen does, in a
        worker, and calls :meth:`CommandCard.show_risk_note` back)."""

        card: CommandCard
        """The card that asks."""

        @property
        def control(self) -> CommandCard:
            """Alias of :attr:`card`."""
            return self.card

    @classmethod
    def accepts(cls, request: ApprovalRequest) -> bool:
        """Tool calls with a shell command (Bash)."""
        call = request.call
        return call is not None and call.command is not None

    @property
    def command(self) -> str:
        """The command asked about."""
        call = self.request.call
        return (call.command or "") if call is not None else ""

    def title_parts(self) -> list[tuple[str, str] | str]:
        """The base title plus the risk badge."""
        parts = super().title_parts()
        risk = getattr(self.request.explanation, "risk", None)
        if risk:
            style = f"bold $background on {RISK_STYLES.get(risk, '$risk-high')}"
            parts += ["  ", (f" {risk} ", style)]
        return parts

    def subject_line(self) -> str:
        return self.command

    def compose_details(self) -> ComposeResult:
        """Warden's explanation, and the mismatch warning when there is one."""
        explanation = self.request.explanation
        if explanation is None:
            return
        yield Static(Content.assemble(("Warden: ", "dim"), getattr(explanation, "summary", "")),
                     classes="approval-card--explain", markup=False)
        mismatch = _mismatch(self.request.subject.description, explanation)
        if mismatch:
            yield Static(Content("⚠ " + mismatch), classes="approval-card--mismatch",
                         markup=False)

    def compose_notes(self) -> ComposeResult:
        """Where the model's risk note appears."""
        yield RiskNoteView(classes="approval-card--risk-note")

    def extra_keys(self) -> Iterable[tuple[str, str]]:
        return (("e", "explain risks"),)

    def action_explain_more(self) -> None:
        """``e``: ask the model for a risk note once; the card stays answerable meanwhile."""
        view = self.query(RiskNoteView)
        if not view or view.first().state in ("pending", "done"):
            return
        view.first().show_pending()
        self.post_message(self.ExplainRequested(self))

    def show_risk_note(self, note: RiskNote) -> None:
        """Show the model's risk note (called by the screen when the request returns)."""
        for view in self.query(RiskNoteView):
            view.show_note(note)

    def show_risk_error(self, text: str) -> None:
        """Show why the risk-note request failed; ``e`` may be pressed again."""
        for view in self.query(RiskNoteView):
            view.show_error(text)


def _mismatch(description: str | None, explanation: object) -> str | None:
    from tui.permissions.mismatch import description_mismatch

    commands = getattr(explanation, "commands", ())
    return description_mismatch(
        description, getattr(explanation, "risk", "unknown"),
        deletes=any(getattr(c, "deletes", ()) for c in commands),
        network=any(getattr(c, "hosts", ()) for c in commands)
        or getattr(explanation, "risk", "") == "network",
    )
