""":class:`EditCard`: a proposed file change (Edit, Write) waiting for the user.

The card owns the change's :class:`~tui.approvals.HunkReview`: the version under review (the
model's, or the user's own from ``$EDITOR``) and the hunks the user rejected.  It counts the
accepted hunks on its key line; the screen hands the same review to the review pane
(:mod:`widgets.review_pane`), whose diff dims the rejected hunks, and has it re-draw them when
:class:`EditCard.HunksChanged` arrives.  Allowing
answers carry the review's choices (:meth:`~tui.approvals.HunkReview.answer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from tui.approvals import Answer, AnswerKind, ApprovalRequest, HunkReview
from widgets.approval_card.base import AnswerKey, ApprovalCard

if TYPE_CHECKING:
    from tui.diffs import FileChange


class EditCard(ApprovalCard):
    """A proposed file change waiting for the user.

    | Key | Answer |
    | :- | :- |
    | `y` | Allow once, with the hunks kept. |
    | `a` | Allow edits in the working directories for this session (never saved). |
    | `n` | Deny; the turn stops. |
    | `N` | Deny with a reason typed on the card; the model reads it and goes on. |
    | `A` / `R` | Accept / reject every hunk (`space` on a hunk in the diff toggles it). |
    | `o` | Open the proposal in `$EDITOR`; the saved text replaces it on the card. |
    | `escape` | Close the reason input. |
    """

    BINDING_GROUP_TITLE = "Edit approval"

    ASKS = "Change a file"

    HUNKS_GROUP = Binding.Group("Accept/reject all hunks")
    """``A`` and ``R`` share one footer entry."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("A", "all_hunks(True)", "Accept all hunks", key_display="A",
                id="approval.accept_all_hunks", group=HUNKS_GROUP),
        Binding("R", "all_hunks(False)", "Reject all hunks", key_display="R",
                id="approval.reject_all_hunks", group=HUNKS_GROUP),
        Binding("o", "open_editor", "Edit in $EDITOR", id="approval.open_editor"),
    ]

    @dataclass
    class EditRequested(Message):
        """The user pressed ``o``: open the proposal in ``$EDITOR`` (the screen does, and
        gives the result to :meth:`EditCard.use_edited`)."""

        card: EditCard
        """The card whose change is to be edited."""

        @property
        def control(self) -> EditCard:
            """Alias of :attr:`card`."""
            return self.card

    @dataclass
    class HunksChanged(Message):
        """The card's :attr:`~EditCard.review` changed (hunks accepted or rejected, or the
        user's own version): whoever shows the review draws it again."""

        card: EditCard
        """The card whose review changed."""

        @property
        def control(self) -> EditCard:
            """Alias of :attr:`card`."""
            return self.card

    def __init__(self, request: ApprovalRequest, *, local_settings: str = "") -> None:
        # The diff view's package is imported once a request arrives, not with the first frame.
        from widgets.diff_view.prepare import DEFAULT_MAX_LINES

        super().__init__(request, local_settings=local_settings)
        call = request.call
        assert call is not None and call.change is not None, "an EditCard shows a file change"
        self.review = HunkReview(call.change, max_lines=DEFAULT_MAX_LINES)
        """The change under review and the hunks rejected (shared with the diff view)."""

    @classmethod
    def accepts(cls, request: ApprovalRequest) -> bool:
        """Tool calls that propose a file change (Edit, Write)."""
        call = request.call
        return call is not None and call.change is not None

    # -- the review ---------------------------------------------------------------------------

    @property
    def change(self) -> FileChange:
        """The version under review (the user's own once they edited it)."""
        return self.review.change

    @property
    def rejected(self) -> frozenset[int]:
        """Indexes of the rejected hunks."""
        return self.review.rejected

    @property
    def hunk_count(self) -> int:
        """Hunks that can be reviewed one by one (0 for a change too large for the diff view
        to lay out hunk by hunk: that one is allowed or denied as a whole)."""
        return self.review.hunk_count

    def set_rejected(self, rejected: Iterable[int]) -> None:
        """Reject exactly ``rejected`` and show the count on the card."""
        self.review.set_rejected(rejected)
        self.set_class(bool(self.review.rejected), "-partial")
        self.refresh_keys()

    def toggle_hunk(self, index: int) -> None:
        """Accept a rejected hunk, or reject an accepted one."""
        self.set_rejected(self.review.rejected ^ {index})
        self.post_message(self.HunksChanged(self))

    def action_all_hunks(self, accept: bool) -> None:
        self.set_rejected(() if accept else range(self.hunk_count))
        self.post_message(self.HunksChanged(self))

    def use_edited(self, change: FileChange) -> None:
        """The user's own version replaces the one under review: redraw, every hunk kept."""
        self.review.replace(change)
        self.set_class(False, "-partial")
        self.add_class("-edited")
        self.refresh(recompose=True)

    # -- what is offered ----------------------------------------------------------------------

    def offered(self) -> tuple[AnswerKind, ...]:
        """Allow once, allow edits for the session, deny, deny with a reason."""
        return ("allow_once", "allow_always", "deny", "deny_with_reason")

    def key_hint(self, key: AnswerKey) -> str:
        return "allow edits this session" if key.kind == "allow_always" else key.hint

    def extra_keys(self) -> Iterable[tuple[str, str]]:
        return (("o", "edit in $EDITOR"),)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``A``/``R`` only when there are hunks to choose from."""
        if action == "all_hunks":
            return self.hunk_count > 1
        return super().check_action(action, parameters)

    def subject_line(self) -> str:
        """The path, what changes (``+3 -1`` or ``new file``), and whether the user edited it."""
        change = self.review.change
        verb = "new file" if change.is_new else f"+{change.added} -{change.removed}"
        line = f"{self.request.subject.summary}  ({verb})"
        return line + "  · edited by you" if self.review.edited else line

    def keys_line(self) -> Content:
        """The base key line, then how many hunks are kept when there is a choice."""
        keys = super().keys_line()
        count, rejected = self.hunk_count, self.review.rejected
        if count <= 1 and not rejected:
            return keys
        return Content.assemble(
            keys, "\n", (f"{self.review.accepted_count} of {count} hunks accepted", "bold"),
            "  (space on a hunk toggles it; ", ("A", "bold"), "/", ("R", "bold"),
            " accept/reject all)")

    # -- answering ----------------------------------------------------------------------------

    def allowing(self, kind: AnswerKind) -> Answer:
        """The allowing answer with the review's choices (the user's version, the hunks
        kept); rejecting every hunk denies with a reason instead."""
        return self.review.answer(kind)

    def action_allow_always(self) -> None:
        """``a``: allow edits in the working directories for this session."""
        if not self.guarded():
            self._answer(self.allowing("allow_session"))

    def action_open_editor(self) -> None:
        if not self.guarded():
            self.post_message(self.EditRequested(self))
