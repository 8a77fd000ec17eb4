""":class:`ReviewPane`: the side pane's review of edits, under the approval queue.

It shows one of two diffs:

- the **pending edits** (``#diff``): the edits waiting in approval cards, each as its card's
  :class:`~tui.approvals.HunkReview` (the version under review, the hunks rejected), with the
  rejected hunks dimmed;
- the **changes this turn** (``#review``, a :class:`~widgets.changes_review.ChangesReview`):
  edits written without a prompt (acceptEdits, allow rules), any hunk revertible on disk.

Pending edits come first: the turn's review shows only while no edit waits.  With neither the
pane hides itself (:attr:`ReviewPane.is_empty`).

Attributes down, messages up (``STYLE.md`` §3): the screen calls :meth:`ReviewPane.show_pending`
when the queue changes, :meth:`ReviewPane.show_rejected` when a card's review changes and
:meth:`ReviewPane.show_changes` when the turn's changes do; it listens for the messages in the
class docstring.  The pane never touches a card or the screen: the card owns its review, so a
hunk toggled in the diff goes up as :class:`ReviewPane.HunkToggled` and the screen hands it to
the card.

The diff widgets' package is imported when the pane is composed (after the first frame), not
with this module, so the main screen can import the pane's messages at no cost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from tui.approvals import ApprovalRequest, HunkReview
from tui.turn_changes import ReviewedFile, TurnChanges

if TYPE_CHECKING:
    from widgets.changes_review import ChangesReview
    from widgets.diff_view import DiffHunk, DiffView


@dataclass(frozen=True, slots=True)
class PendingEdit:
    """One edit waiting for approval, as the pane shows it.

    Attributes:
        request: the pending request (identifies the card that owns :attr:`review`).
        review: the card's review: the version under review and the rejected hunks.  The pane
            reads it and never changes it.
    """

    request: ApprovalRequest
    review: HunkReview


class ReviewPane(Vertical):
    """The diff of the pending edits, or else the turn's revertible changes.

    Messages posted (all have ``control``, the pane):

    | Message | When |
    | :- | :- |
    | :class:`HunkToggled` | `space` on a hunk of a pending edit: its card should flip it. |
    | :class:`Reverted` | `space` on a hunk of the turn's changes reverted it (or re-applied it). |
    | :class:`RevertFailed` | That revert could not be done (file changed since, write failed). |

    :class:`~widgets.diff_view.DiffView.PagerRequested` from either diff (``p`` on a file too
    large to lay out) bubbles up unchanged: the screen opens the pager.

    Keys are the diff views' own: `space` on a hunk, `s` split/unified, `p` pager.
    """

    DEFAULT_CSS = """
    ReviewPane { height: 1fr; }
    ReviewPane.-empty { display: none; }
    ReviewPane > .-empty { display: none; }
    """

    @dataclass
    class HunkToggled(Message):
        """``space`` on hunk :attr:`hunk_index` of the pending edit :attr:`request`.  The pane
        does not change the review: the card that owns it does (``EditCard.toggle_hunk``),
        then :meth:`ReviewPane.show_rejected` draws the result."""

        pane: ReviewPane
        """The pane the hunk is in."""
        request: ApprovalRequest
        """The pending request whose edit the hunk belongs to."""
        hunk_index: int
        """0-based index of the hunk in the edit's version under review."""

        @property
        def control(self) -> ReviewPane:
            """Alias of :attr:`pane`."""
            return self.pane

    @dataclass
    class Reverted(Message):
        """A hunk of the turn's changes was reverted on disk, or applied again; the review
        already shows it."""

        pane: ReviewPane
        """The pane the hunk is in."""
        file: ReviewedFile
        """The file's entry after the change (:attr:`~tui.turn_changes.ReviewedFile.reverted`
        includes :attr:`hunk_index` when it was reverted)."""
        hunk_index: int
        """0-based index of the hunk in the file's change this turn."""

        @property
        def reverted(self) -> bool:
            """True if the hunk was reverted, False if it was applied again."""
            return self.hunk_index in self.file.reverted

        @property
        def name(self) -> str:
            """The file as the user knows it (display path, else the absolute path)."""
            change = self.file.change
            return change.display_path or str(change.path)

        @property
        def control(self) -> ReviewPane:
            """Alias of :attr:`pane`."""
            return self.pane

    @dataclass
    class RevertFailed(Message):
        """A revert (or re-apply) was refused or failed; nothing was written."""

        pane: ReviewPane
        """The pane the hunk is in."""
        error: str
        """What went wrong, for the user: the file changed since Warden wrote it
        (``StaleFileError``), the write failed (``OSError``), or the hunk is gone."""

        @property
        def control(self) -> ReviewPane:
            """Alias of :attr:`pane`."""
            return self.pane

    def __init__(self, changes: TurnChanges, *, id: str | None = None,
                 classes: str | None = "-empty") -> None:
        """Create the pane (empty, hence hidden, until it is given something to show).

        Args:
            changes: the turn's changes; the screen records into it and calls
                :meth:`show_changes`, the pane reverts hunks through it.
            id: widget id.
            classes: space-separated CSS classes (``-empty`` until there is something).
        """
        super().__init__(id=id, classes=classes)
        self._changes = changes
        self._pending: tuple[PendingEdit, ...] = ()
        self._mode = ""

    def compose(self) -> ComposeResult:
        from widgets.changes_review import ChangesReview
        from widgets.diff_view import DiffView

        yield DiffView(id="diff", classes="-empty")
        yield ChangesReview(id="review", classes="-empty")

    # -- typed accessors ----------------------------------------------------------------------

    @property
    def diff(self) -> DiffView:
        """The diff of the pending edits."""
        from widgets.diff_view import DiffView

        return self.query_one("#diff", DiffView)

    @property
    def review(self) -> ChangesReview:
        """The "changes this turn" review."""
        from widgets.changes_review import ChangesReview

        return self.query_one("#review", ChangesReview)

    @property
    def pending(self) -> tuple[PendingEdit, ...]:
        """The pending edits shown, in the queue's order."""
        return self._pending

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to show: no pending edit and no change this turn."""
        return not self._pending and not len(self._changes)

    # -- attributes down ----------------------------------------------------------------------

    def show_pending(self, edits: Sequence[PendingEdit]) -> None:
        """Show the diff of ``edits`` (the queue's pending edits, oldest first) with each
        review's rejected hunks dimmed; with none, the turn's changes show again."""
        self._pending = tuple(edits)
        self.diff.set_changes([e.review.change for e in self._pending],
                              [e.review for e in self._pending])
        self._layout()

    def show_rejected(self) -> None:
        """Dim the rejected hunks again, from the reviews given to :meth:`show_pending`
        (after a card accepted or rejected hunks)."""
        self.diff.show_rejected()

    def show_changes(self, mode: str) -> None:
        """Redraw the turn's review from the :class:`~tui.turn_changes.TurnChanges` given at
        construction; ``mode`` is the permission mode named in its title."""
        self._mode = mode
        self.review.show(self._changes.files, mode)
        self._layout()

    def _layout(self) -> None:
        """Pending edits hide the turn's review; nothing at all hides the pane."""
        pending = bool(self._pending)
        self.diff.set_class(not pending, "-empty")
        self.review.set_class(pending or not len(self._changes), "-empty")
        self.set_class(self.is_empty, "-empty")

    # -- messages up --------------------------------------------------------------------------

    def on_diff_hunk_toggled(self, message: DiffHunk.Toggled) -> None:
        """``space`` on a pending edit's hunk: ask for its card to flip it.  (The turn's review
        stops its own hunks' messages; found by name, see the module docstring.)"""
        message.stop()
        hunk = message.hunk_widget
        if hunk.file_index < len(self._pending):
            request = self._pending[hunk.file_index].request
            self.post_message(self.HunkToggled(self, request, hunk.hunk.index))

    async def on_changes_review_revert_toggled(self,
                                               message: ChangesReview.RevertToggled) -> None:
        """``space`` on a hunk of the turn's changes: revert it on disk (in a thread), or apply
        it again; then show the result and post :class:`Reverted` or :class:`RevertFailed`."""
        from tui.tools.files import StaleFileError

        message.stop()
        try:
            entry = await asyncio.to_thread(self._changes.toggle_hunk, message.file_index,
                                            message.hunk_index)
        except (StaleFileError, OSError, IndexError) as exc:
            self.post_message(self.RevertFailed(self, str(exc)))
            return
        self.review.show(self._changes.files, self._mode)
        self.post_message(self.Reverted(self, entry, message.hunk_index))
