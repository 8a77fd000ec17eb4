"""A compact list of the files in a multi-file diff; choosing one jumps to it.

One row per file: path (``old → new`` for a rename), badges, ``+N -M``.  ``enter`` or a click
posts :class:`DiffFileList.FileSelected`; the :class:`~widgets.diff_view.DiffView` that holds
the list scrolls to that file (attributes down, messages up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList

from tui.diffs import FileChange
from widgets.diff_view.widgets import change_badges, change_title

BADGE_STYLES: dict[str, str] = {
    "new file": "$text-success",
    "deleted": "$text-error",
    "renamed": "$text-warning",
    "binary": "$text-secondary",
}
"""Badge label -> text style in the list (theme variables only)."""


def file_row(change: FileChange) -> Content:
    """One row of the list: path, badges and counts; the path is plain text (never markup)."""
    parts: list[str | tuple[str, str]] = [(change_title(change), "bold")]
    for badge in change_badges(change):
        parts += ["  ", (badge, BADGE_STYLES[badge])]
    if not change.is_binary:
        parts += ["  ", (f"+{change.added}", "$diff-added-fg"), " ",
                  (f"-{change.removed}", "$diff-removed-fg")]
    return Content.assemble(*parts, strip_control_codes=False)


class DiffFileList(OptionList):
    """The files of a diff, one row each (shown when a view holds two or more files)."""

    DEFAULT_CSS = """
    DiffFileList {
        height: auto;
        max-height: 8;
        border: none;
        padding: 0 1;
        background: $surface;
        &:focus { border: none; background-tint: $foreground 4%; }
    }
    """

    @dataclass
    class FileSelected(Message):
        """The user chose file ``index`` (its position in the view)."""

        file_list: DiffFileList
        index: int

        @property
        def control(self) -> DiffFileList:
            """Alias of :attr:`file_list`."""
            return self.file_list

    def __init__(self, changes: Sequence[FileChange]) -> None:
        super().__init__(*(file_row(change) for change in changes), markup=False)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Turn the generic selection into this list's own message."""
        event.stop()
        self.post_message(self.FileSelected(self, event.option_index))
