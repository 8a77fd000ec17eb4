"""Snapshot app: the two-file change of ``diff_view_app`` with hunk 2 of file 1 rejected.

Shows :data:`tests.snapshot_apps.diff_view_app.CHANGES` in a full-screen :class:`DiffView` with
``split`` fixed (unified or side by side), on Warden's theme, without an agent.  Once the view is
ready, the second hunk of ``src/greeting.py`` gets the ``-rejected`` class exactly as the main
screen marks a hunk the user rejected with space.  ``tests/test_snapshots_diff.py`` says what a
reviewer should see in each SVG.
"""

from __future__ import annotations

from textual.app import ComposeResult

from tests.snapshot_apps.diff_view_app import CHANGES
from tests.snapshot_apps.themed import ThemedApp
from themes import DEFAULT_THEME
from widgets.diff_view import DiffView

REJECTED: dict[int, frozenset[int]] = {0: frozenset({1})}
"""File index -> indexes of its rejected hunks (hunk 2 of file 1)."""


class DiffSplitApp(ThemedApp):
    """A :class:`DiffView` of :data:`CHANGES` with ``split`` given and :data:`REJECTED` marked."""

    def __init__(self, split: bool, theme: str = DEFAULT_THEME) -> None:
        super().__init__(theme)
        self._split = split
        self.marked = False
        """True once the rejected hunks carry their class."""

    def compose(self) -> ComposeResult:
        yield DiffView(CHANGES, split=self._split, id="diff")

    def on_diff_view_ready(self, message: DiffView.Ready) -> None:
        """Mark the rejected hunks as ``MainScreen.on_approval_card_hunks_changed`` does."""
        for widget in message.diff_view.hunk_widgets():
            rejected = REJECTED.get(widget.file_index, frozenset())
            widget.set_class(widget.hunk.index in rejected, "-rejected")
        self.marked = True


if __name__ == "__main__":
    import sys

    DiffSplitApp(split="--unified" not in sys.argv).run()
