"""Shown when no API key is configured: how to provide one, and how to try the demo."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

NO_KEY_TEXT = """\
# Warden needs an Anthropic API key

Warden talks to Claude through the Anthropic API. No key was found in the
`ANTHROPIC_API_KEY` environment variable or in your OS keychain.

**Provide a key** in one of these ways, then start `warden` again:

* store it in the OS keychain (recommended; it never touches a plain file):

  ```
  warden login
  ```

* or set it for this shell only:

  ```
  export ANTHROPIC_API_KEY=sk-ant-...
  ```

Keys are created at the Anthropic Console (console.anthropic.com, *API keys*).

**Try Warden without a key:** `warden --demo` (or `make demo` in a checkout) runs the full
interface on a bundled sample project, driven by a recorded model.
"""


class NoKeyScreen(Screen[None]):
    """Explains how to provide an API key; ``q`` quits."""

    CSS_PATH = "no_key.tcss"

    BINDINGS = [Binding("q", "app.quit", "Quit", id="no_key.quit")]

    def __init__(self, detail: str | None = None) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        text = NO_KEY_TEXT
        if self.detail:
            text += f"\n> {self.detail}\n"
        with VerticalScroll(id="no-key"):
            yield Markdown(text, open_links=False)
        yield Footer()
