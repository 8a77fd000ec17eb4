"""The prompt input, with slash-command completion."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import monotonic

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input

TYPING_KEYS = frozenset({"backspace", "delete", "space"})
"""Non-printable keys that count as typing for the approval cards' guard (besides characters).
Enter (it ends the typing: the prompt is sent) and navigation such as tab, arrows and shift+tab
do not count: they are how one reaches a card."""

class PromptInput(Input):
    """Where the user types prompts and slash commands; Tab completes a slash command.

    ``commands`` are the slash-command names offered for completion (the screen passes the
    registry's, :data:`tui.slash.SLASH_COMMANDS`: attributes down).
    """

    DEFAULT_CSS = """
    PromptInput { border: tall $primary 40%; }
    PromptInput:focus { border: tall $primary; }
    """

    class Typed(Message):
        """The user typed in the prompt at ``at`` (:attr:`PromptInput.clock`); approval cards ignore
        answer keys for a moment after it (``STYLE.md`` §5)."""

        def __init__(self, at: float) -> None:
            super().__init__()
            self.at = at

    clock: Callable[[], float] = staticmethod(monotonic)
    """Seconds for :attr:`last_typed`: ``time.monotonic``, the clock of
    :attr:`ApprovalCard.clock <widgets.approval_card.ApprovalCard.clock>` too.  Tests set both to
    one fake clock (a callable object, its time above 0) and step it instead of sleeping."""

    last_typed: float = 0.0
    """:attr:`clock` time of the last typing keystroke (0.0: none yet)."""

    def on_key(self, event: events.Key) -> None:
        """Note a typing keystroke (runs before :class:`Input` handles the key)."""
        if event.is_printable or event.key in TYPING_KEYS:
            self.last_typed = self.clock()
            self.post_message(self.Typed(self.last_typed))

    def _watch_value(self, value: str) -> None:
        """Keep a keystroke from laying out the whole screen.

        :class:`~textual.widgets.Input` sets ``virtual_size`` on every change of the value, a
        reactive whose change requests a layout of the screen (Textual 8.2.8), and the screen's
        layout visits every widget of the conversation.  The input is one row high whatever its
        value, so the size is set without that side effect: the input scrolls its own text.
        """
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    def typed_within(self, seconds: float) -> bool:
        """True when the user typed here less than ``seconds`` ago."""
        return self.last_typed > 0 and self.clock() - self.last_typed < seconds

    def __init__(self, *, value: str = "", commands: Sequence[str] = (),
                 id: str | None = None) -> None:
        super().__init__(
            value=value,
            placeholder="Ask Warden to do something, or type / for commands",
            suggester=SuggestFromList(list(commands), case_sensitive=False),
            id=id,
        )
