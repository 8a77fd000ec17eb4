"""The review pane on its own (``widgets.review_pane``): a small app mounts just the pane, gives
it pending edits and the turn's changes, and watches the messages it posts.  No main screen,
no cards: the test plays the screen's part (attributes down, messages up)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import ComposeResult
from textual.message import Message
from textual.pilot import Pilot

from tests.scenarios import wait_until
from tests.snapshot_apps.themed import ThemedApp
from tui.approvals import Answer, ApprovalRequest, HunkReview
from tui.diffs import FileChange
from tui.permissions.decision import Decision
from tui.tools.base import ToolCall
from tui.turn_changes import TurnChanges
from widgets.diff_view import DiffHunk, DiffLargeFile, DiffView
from widgets.review_pane import PendingEdit, ReviewPane


def numbered(count: int, edits: dict[int, str] | None = None) -> str:
    """``count`` lines ``line N``, with 1-based line numbers in ``edits`` replaced."""
    edits = edits or {}
    return "".join(f"{edits.get(n, f'line {n}')}\n" for n in range(1, count + 1))


def two_hunks(path: Path) -> FileChange:
    """An edit of ``path`` with two hunks: line 5 and line 30 of 40 replaced."""
    change = FileChange(path, numbered(40), numbered(40, {5: "five NEW", 30: "thirty NEW"}),
                        path.name)
    assert len(change.hunks) == 2
    return change


def pending_edit(change: FileChange) -> PendingEdit:
    """A pending Write of ``change`` and its review, as an edit card would hold them (call it
    from an async test: the request's future needs the loop)."""
    call = ToolCall("toolu_1", "Write", {}, None, "edit", change.display_path or "",
                    change=change)
    future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
    return PendingEdit(ApprovalRequest(call, Decision("ask", "Edits ask."), future),
                       HunkReview(change))


class PaneApp(ThemedApp):
    """Mounts one :class:`ReviewPane` over ``changes`` and records what it posts."""

    def __init__(self, changes: TurnChanges) -> None:
        super().__init__()
        self.changes = changes
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ReviewPane(self.changes, id="review-pane")

    @property
    def pane(self) -> ReviewPane:
        return self.query_one(ReviewPane)

    def on_review_pane_hunk_toggled(self, message: ReviewPane.HunkToggled) -> None:
        self.posted.append(message)

    def on_review_pane_reverted(self, message: ReviewPane.Reverted) -> None:
        self.posted.append(message)

    def on_review_pane_revert_failed(self, message: ReviewPane.RevertFailed) -> None:
        self.posted.append(message)

    def on_diff_view_pager_requested(self, message: DiffView.PagerRequested) -> None:
        self.posted.append(message)


async def diff_ready(pilot: Pilot[None], view: DiffView, hunks: int, what: str) -> list[DiffHunk]:
    """Wait until ``view`` shows ``hunks`` hunks; return them in order."""
    await wait_until(pilot, lambda: view.is_ready and len(view.hunk_widgets()) == hunks,
                     what=what)
    await pilot.pause()
    return view.hunk_widgets()


async def test_space_on_a_pending_hunk_asks_the_owner_and_the_pane_dims_what_it_rejects(
        tmp_path: Path) -> None:
    """A reviewer sees a two-hunk edit in the pane; space on the second hunk does not dim it by
    itself: the pane posts HunkToggled naming the request and hunk 2, and only once the owner
    (the card, played here by the test) rejects it does show_rejected dim that hunk alone."""
    app = PaneApp(TurnChanges())
    async with app.run_test(size=(100, 40)) as pilot:
        edit = pending_edit(two_hunks(tmp_path / "notes.txt"))
        app.pane.show_pending([edit])
        hunks = await diff_ready(pilot, app.pane.diff, 2, "the pending edit's two hunks")
        assert app.pane.display and app.pane.diff.display and not app.pane.review.display
        hunks[1].focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: app.posted, what="the pane's HunkToggled")
        [message] = app.posted
        assert isinstance(message, ReviewPane.HunkToggled)
        assert message.request is edit.request and message.hunk_index == 1
        assert message.control is app.pane
        assert edit.review.rejected == frozenset()        # the pane never changes the review
        assert not hunks[1].has_class("-rejected")
        edit.review.toggle(1)                              # what EditCard.toggle_hunk does
        app.pane.show_rejected()
        assert hunks[1].has_class("-rejected") and not hunks[0].has_class("-rejected")


async def test_pending_edits_come_first_and_the_turns_changes_show_once_none_wait(
        tmp_path: Path) -> None:
    """A reviewer sees nothing (the pane hidden) until there is something; then the turn's
    changes with their title; a pending edit takes their place, and they come back once no edit
    waits."""
    target = tmp_path / "app.py"
    written = two_hunks(target)
    target.write_text(written.new_text)
    changes = TurnChanges()
    app = PaneApp(changes)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.pane
        await pilot.pause()
        assert pane.is_empty and not pane.display
        changes.record(written)
        pane.show_changes("acceptEdits")
        await diff_ready(pilot, pane.review.diff, 2, "the turn's changes")
        assert pane.display and pane.review.display and not pane.diff.display
        title = str(pane.review.query_one(".changes-review--title").render())
        assert title == "Changes this turn (acceptEdits): 1 file, +2 -2 on disk"
        edit = pending_edit(two_hunks(tmp_path / "other.py"))
        pane.show_pending([edit])
        await diff_ready(pilot, pane.diff, 2, "the pending edit")
        assert pane.diff.display and not pane.review.display
        assert pane.diff.changes == (edit.review.change,)
        pane.show_pending([])
        await pilot.pause()
        assert pane.review.display and not pane.diff.display and not pane.is_empty


async def test_space_in_the_turns_review_reverts_the_hunk_on_disk_and_again_reapplies_it(
        tmp_path: Path) -> None:
    """A reviewer sees the first hunk of the turn's change tinted once space reverted it in the
    file, with Reverted(reverted=True) posted; space again writes it back and posts
    Reverted(reverted=False)."""
    target = tmp_path / "app.py"
    written = two_hunks(target)
    target.write_text(written.new_text)
    changes = TurnChanges()
    changes.record(written)
    app = PaneApp(changes)
    async with app.run_test(size=(100, 40)) as pilot:
        app.pane.show_changes("acceptEdits")
        hunks = await diff_ready(pilot, app.pane.review.diff, 2, "the turn's changes")
        hunks[0].focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: app.posted, what="the pane's Reverted")
        [first] = app.posted
        assert isinstance(first, ReviewPane.Reverted)
        assert first.reverted and first.hunk_index == 0 and first.name == "app.py"
        assert target.read_text() == numbered(40, {30: "thirty NEW"})
        hunks = await diff_ready(pilot, app.pane.review.diff, 2, "the review drawn again")
        await wait_until(pilot, lambda: hunks[0].has_class("-rejected"), what="the tint")
        assert not hunks[1].has_class("-rejected")
        hunks[0].focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: len(app.posted) == 2, what="the second Reverted")
        second = app.posted[1]
        assert isinstance(second, ReviewPane.Reverted) and not second.reverted
        assert target.read_text() == written.new_text


async def test_a_file_changed_since_is_not_reverted_and_the_pane_says_why(
        tmp_path: Path) -> None:
    """When the file no longer holds what Warden wrote, space writes nothing and the pane
    posts RevertFailed with the reason (the screen shows it as an error notice)."""
    target = tmp_path / "app.py"
    written = two_hunks(target)
    target.write_text(written.new_text)
    changes = TurnChanges()
    changes.record(written)
    app = PaneApp(changes)
    async with app.run_test(size=(100, 40)) as pilot:
        app.pane.show_changes("acceptEdits")
        hunks = await diff_ready(pilot, app.pane.review.diff, 2, "the turn's changes")
        target.write_text("someone else's text\n")
        hunks[0].focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: app.posted, what="the pane's RevertFailed")
        [message] = app.posted
        assert isinstance(message, ReviewPane.RevertFailed) and message.error
        assert target.read_text() == "someone else's text\n"


async def test_p_on_an_edit_too_large_to_lay_out_asks_for_the_pager(tmp_path: Path) -> None:
    """A reviewer sees a summary instead of hunks for an edit over the diff's line cap; ``p``
    posts DiffView.PagerRequested with that change, which leaves the pane for the screen."""
    app = PaneApp(TurnChanges())
    async with app.run_test(size=(100, 40)) as pilot:
        big = FileChange(tmp_path / "big.csv", None, "x\n" * 6_000, "big.csv")
        app.pane.show_pending([pending_edit(big)])
        await wait_until(pilot, lambda: app.pane.diff.is_ready
                         and bool(app.pane.diff.query(DiffLargeFile)), what="the summary")
        app.pane.diff.focus()
        await pilot.press("p")
        await wait_until(pilot, lambda: app.posted, what="the pager request")
        [message] = app.posted
        assert isinstance(message, DiffView.PagerRequested) and message.change is big
