"""A minimal Textual app: the yardstick Warden's first paint is compared with.

Header, a Markdown pane with a few lines, an Input and a Footer with one binding: about the
least a chat-like Textual screen needs.  The frame is complete when both :data:`MARKER` and
the footer's :data:`BINDING_TEXT` are on screen.

Run: ``python bench/baseline_app.py``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Markdown

MARKER = "BASELINE-MARKER-42"
BINDING_TEXT = "Quit"

DOCUMENT = f"""\
# Baseline

A minimal Textual app used as the yardstick for Warden's start-up time.

- It has a header, this Markdown pane, an input and a footer.
- The footer shows one binding.

The first frame is complete once `{MARKER}` and the footer are on screen.
"""


class BaselineApp(App[None]):
    """Header, Markdown, Input, Footer: the smallest realistic chat-like screen."""

    TITLE = "Baseline"
    BINDINGS = [Binding("ctrl+q", "quit", BINDING_TEXT, priority=True)]

    def compose(self) -> ComposeResult:
        """The four widgets."""
        yield Header()
        yield Markdown(DOCUMENT)
        yield Input(placeholder="Type a prompt")
        yield Footer()


if __name__ == "__main__":
    BaselineApp().run()
