"""The edit-review part of the main screen: diffs of pending edits, per-hunk marks, the
``ctrl+a`` batch, ``$EDITOR`` editing and the "changes this turn" review.

:class:`EditReview` is a mixin of :class:`~tui.screens.main.MainScreen` (it uses the screen's
``queue``, ``diff``, ``chat``, ``session`` and ``turn_changes``); its message handlers follow
Textual's ``on_<namespace>_<message>`` naming so they are found through the class hierarchy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from widgets.approval_queue import ApprovalQueue, EditCard

if TYPE_CHECKING:
    from widgets.changes_review import ChangesReview
    from widgets.diff_view import DiffHunk


if TYPE_CHECKING:  # the mixin is only ever mixed into a Screen: type it as one
    from textual.screen import Screen

    _MixinBase = Screen[None]
else:
    _MixinBase = object


class EditReview(_MixinBase):
    """Handlers and actions for reviewing edits (mixed into the main screen)."""

    _queue_changed: Any

    _diff_requests: list[Any]
    queue: Any
    diff: Any
    chat: Any
    session: Any
    turn_changes: Any

    def _layout_side(self) -> None:
        """Show the side pane when something waits or was changed; pending diffs come first."""
        pending = bool(self.queue.requests)
        self.query_one("#side").set_class(not pending and not len(self.turn_changes), "-idle")
        self.diff.set_class(not self._diff_requests, "-empty")
        self.query_one("#review").set_class(bool(self._diff_requests)
                                            or not len(self.turn_changes), "-empty")

    def _show_review(self) -> None:
        """Redraw the "changes this turn" review from :attr:`turn_changes`."""
        self._review.show(self.turn_changes.files, self.session.perm_ctx.mode)
        self._layout_side()

    @property
    def _review(self) -> ChangesReview:
        from widgets.changes_review import ChangesReview

        return self.query_one("#review", ChangesReview)

    async def on_changes_review_revert_toggled(self, message: ChangesReview.RevertToggled) -> None:
        """Space on a hunk in the review: revert it on disk, or apply it again."""
        import asyncio

        from tui.tools.files import StaleFileError

        try:
            entry = await asyncio.to_thread(self.turn_changes.toggle_hunk, message.file_index,
                                            message.hunk_index)
        except (StaleFileError, OSError, IndexError) as exc:
            self.chat.add_notice(f"Not reverted: {exc}", "error")
            return
        name = entry.change.display_path or str(entry.change.path)
        done = "reverted" if message.hunk_index in entry.reverted else "applied again"
        self.chat.add_notice(f"Hunk {message.hunk_index + 1} of {name} {done}.")
        self.session.note_for_model(
            f"The user {done} hunk {message.hunk_index + 1} of your change to {name} "
            "after your turn; read the file again before editing it.")
        self._review.show(self.turn_changes.files, self.session.perm_ctx.mode)

    def action_accept_edits(self) -> None:
        """``ctrl+a``: accept every pending edit (commands stay individual)."""
        count = self.queue.accept_all_edits()
        if count:
            self.notify(f"Accepted {count} edit{'s' if count != 1 else ''}.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``ctrl+a`` is offered only while edits wait."""
        if action == "accept_edits":
            return bool(self.is_mounted and self.query("#queue") and self.queue.edit_cards)
        return True

    async def on_edit_card_edit_requested(self, message: EditCard.EditRequested) -> None:
        """``o`` on an edit card: open the proposal in ``$EDITOR``; the edited text replaces it.

        The card then shows the user's version, which they approve like any other; the answer
        carries it, and the engine decides again on it before it is written
        (:mod:`tui.agent.loop`).
        """
        import asyncio
        from pathlib import Path

        from textual.app import SuspendNotSupported

        from tui.diffs import FileChange
        from tui.external_editor import EditorError, edit_text

        card = message.card
        request, change = card.request, card.change
        if request.future.done():
            return
        name = Path(change.display_path or str(change.path)).name
        try:
            try:
                with self.app.suspend():
                    edited = edit_text(change.new_text, name)
            except SuspendNotSupported:  # headless (tests): no terminal to hand over
                edited = await asyncio.to_thread(edit_text, change.new_text, name)
        except EditorError as exc:
            self.chat.add_notice(f"Editor: {exc}", "error")
            return
        if edited == change.new_text or request.future.done():
            return
        card.use_edited(FileChange(change.path, change.old_text, edited, change.display_path,
                                   change.context))
        self._queue_changed(ApprovalQueue.Changed(self.queue.requests))

    def _card_for(self, request: object) -> EditCard | None:
        return next((c for c in self.queue.edit_cards if c.request is request), None)

    def on_diff_hunk_toggled(self, message: DiffHunk.Toggled) -> None:
        """Space on a hunk: flip it on the request's card (which tells the diff back)."""
        hunk = message.hunk_widget
        if hunk.file_index < len(self._diff_requests):
            card = self._card_for(self._diff_requests[hunk.file_index])
            if card is not None:
                card.toggle_hunk(hunk.hunk.index)

    def on_edit_card_hunks_changed(self, message: EditCard.HunksChanged) -> None:
        """The diff view dims the rejected hunks again, from the card's own review."""
        self.diff.show_rejected()
