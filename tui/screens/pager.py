"""The pager: one file's whole diff, read-only, for changes too large to review inline.

Opened from the diff viewer (``p`` or the "Open in pager" button on a too-large file).  The
unified text is built in a thread when the screen opens, then drawn lazily by
:class:`~widgets.diff_view.pager.DiffPager`; ``esc`` or ``q`` closes the screen.  Nothing here
can change the proposed edit: it is allowed or denied as a whole on its approval card.
"""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.diffs import FileChange
from widgets.diff_view.pager import DiffPager, measure
from widgets.diff_view.prepare import unified_diff_lines
from widgets.diff_view.widgets import change_title


def _lines_and_width(change: FileChange) -> tuple[list[str], int]:
    """The diff's lines and the widest one's cells (blocking)."""
    lines = unified_diff_lines(change)
    return lines, measure(lines)


class PagerScreen(Screen[None]):
    """A read-only, full-screen view of one change's unified diff."""

    CSS_PATH = "pager.tcss"

    BINDINGS = [
        Binding("escape", "close", "Close", id="pager.close"),
        Binding("q", "close", "Close", id="pager.close_q", show=False),
    ]

    def __init__(self, change: FileChange) -> None:
        super().__init__()
        self.change = change
        """The change shown."""
        self.loaded = False
        """True once the lines are in the pager."""

    @property
    def pager(self) -> DiffPager:
        return self.query_one("#pager-lines", DiffPager)

    def compose(self) -> ComposeResult:
        change = self.change
        counts = "" if change.is_binary else f"  +{change.added} -{change.removed}"
        title = Content.assemble(
            (change_title(change), "bold"),
            counts,
            ("   read-only · esc or q closes", "$text-muted"),
            strip_control_codes=False,
        )
        yield Static(title, id="pager-title", markup=False)
        yield DiffPager(id="pager-lines")
        yield Footer()

    def on_mount(self) -> None:
        self.pager.focus()
        self._load()

    @work(exclusive=True, group="pager-load")
    async def _load(self) -> None:
        """Build the text off the event loop, then show it."""
        lines, widest = await asyncio.to_thread(_lines_and_width, self.change)
        self.pager.set_lines(lines, widest)
        self.loaded = True

    def action_close(self) -> None:
        """Back to the screen underneath."""
        self.dismiss()
