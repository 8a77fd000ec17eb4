"""The model's risk note on a Bash approval card ("explain more", key ``e``).

Hidden until asked for; then "Asking the model…", then the note with a Low / Med / High badge
(or "risk: unknown"), or the error.  The note is model text: it is rendered as
:class:`~textual.content.Content`, never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.agent.explain_more import RiskNote

_BADGE_STYLE = {
    "low": "bold $background on $risk-low",
    "medium": "bold $background on $risk-medium",
    "high": "bold $background on $risk-high",
}

HEADING = "Model's risk note"
"""Shown before the badge: the note is the model's opinion, asked in a separate request."""


class RiskNoteView(Static):
    """Shows the state of one explain-risks request.

    States (a class on the widget): none (hidden), ``-pending``, ``-done``, ``-error``.
    """

    DEFAULT_CSS = """
    RiskNoteView { display: none; height: auto; padding: 0 1; margin: 1 0 0 0;
                   border-left: outer $primary; }
    RiskNoteView.-pending, RiskNoteView.-done, RiskNoteView.-error { display: block; }
    RiskNoteView.-pending { color: $text-muted; }
    RiskNoteView.-error { color: $text-error; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.note: RiskNote | None = None
        """The note shown, once it has arrived."""

    @property
    def state(self) -> str:
        """``""`` (never asked), ``"pending"``, ``"done"`` or ``"error"``."""
        for state in ("pending", "done", "error"):
            if self.has_class(f"-{state}"):
                return state
        return ""

    def _set_state(self, state: str) -> None:
        self.remove_class("-pending", "-done", "-error")
        self.add_class(f"-{state}")

    def show_pending(self) -> None:
        """The request is on its way."""
        self._set_state("pending")
        self.update(Content(f"{HEADING}: asking the model in a separate request "
                            "(no conversation history)…"))

    def show_note(self, note: RiskNote) -> None:
        """Show the model's note with its badge."""
        self.note = note
        self._set_state("done")
        badge = (f" {note.label} ", _BADGE_STYLE.get(note.level or "", "bold reverse"))
        parts: list[tuple[str, str] | str] = [(f"{HEADING}  ", "bold"), badge]
        if note.text:
            parts += ["\n", note.text]
        self.update(Content.assemble(*parts))

    def show_error(self, text: str) -> None:
        """The request failed; ``text`` says why (shown as plain text)."""
        self._set_state("error")
        self.update(Content(f"{HEADING}: the request failed: {text}"))
