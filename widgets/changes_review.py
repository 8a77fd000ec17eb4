"""The "changes this turn" review: edits written without a prompt, any hunk revertible.

Attributes down: its :class:`~widgets.review_pane.ReviewPane` calls :meth:`ChangesReview.show`
with the :class:`~tui.turn_changes.ReviewedFile` entries.  Messages up: ``space`` on a hunk
posts :class:`ChangesReview.RevertToggled`; the pane reverts (or re-applies) it on disk and
shows the result again.  Reverted hunks are tinted like rejected ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.turn_changes import ReviewedFile
from widgets.diff_view import DiffHunk, DiffView


class ChangesReview(Vertical):
    """A title line and a diff of the files changed this turn."""

    DEFAULT_CSS = """
    ChangesReview { height: 1fr; }
    ChangesReview > .changes-review--title {
        background: $secondary-muted; padding: 0 1; text-style: bold;
    }
    ChangesReview > .changes-review--hint { color: $text-muted; padding: 0 1; }
    """

    @dataclass
    class RevertToggled(Message):
        """Space on hunk ``hunk_index`` of file ``file_index``: revert it, or apply it again."""

        file_index: int
        hunk_index: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._files: tuple[ReviewedFile, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", classes="changes-review--title", markup=False)
        yield Static(Content("space on a hunk reverts it on disk (space again re-applies it)"),
                     classes="changes-review--hint", markup=False)
        yield DiffView(id="review-diff")

    @property
    def diff(self) -> DiffView:
        """The diff of the turn's changes."""
        return self.query_one("#review-diff", DiffView)

    @property
    def files(self) -> tuple[ReviewedFile, ...]:
        """The files shown."""
        return self._files

    def show(self, files: Sequence[ReviewedFile], mode: str) -> None:
        """Show ``files`` (the turn's net change per file) with their reverted hunks tinted."""
        self._files = tuple(files)
        added = sum(f.on_disk.added for f in files)
        removed = sum(f.on_disk.removed for f in files)
        reverted = sum(len(f.reverted) for f in files)
        title = (f"Changes this turn ({mode}): {len(files)} file{'s' if len(files) != 1 else ''}"
                 f", +{added} -{removed} on disk")
        if reverted:
            title += f", {reverted} hunk{'s' if reverted != 1 else ''} reverted"
        self.query_one(".changes-review--title", Static).update(Content(title))
        self.diff.set_changes([f.change for f in files])

    def refresh_marks(self) -> None:
        """Tint the reverted hunks (after the diff is rebuilt or a hunk toggled)."""
        for widget in self.diff.hunk_widgets():
            if widget.file_index < len(self._files):
                reverted = self._files[widget.file_index].reverted
                widget.set_class(widget.hunk.index in reverted, "-rejected")

    @on(DiffView.Ready)
    def _ready(self, event: DiffView.Ready) -> None:
        event.stop()
        self.refresh_marks()

    @on(DiffHunk.Toggled)
    def _toggled(self, event: DiffHunk.Toggled) -> None:
        event.stop()
        self.post_message(self.RevertToggled(event.hunk_widget.file_index,
                                             event.hunk_widget.hunk.index))
