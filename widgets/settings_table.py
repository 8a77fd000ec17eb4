"""The table shape the ``/permissions`` tabs share: lock, subject, scope, file.

:class:`SettingsTable` keeps the rows it shows (plain data with ``read_only``, ``scope``,
``origin`` and ``key`` attributes, attributes down), redraws only when they change, and keeps the
cursor on the same entry across a reload (else on the same line).  Subclasses name the subject
column and say how a row reads in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.widgets import DataTable

from tui.permissions.editor import LOCK

RowT = TypeVar("RowT")


class SettingsTable(DataTable[Text], Generic[RowT]):
    """Rows of settings entries with a lock column for read-only ones."""

    SUBJECT: ClassVar[str] = "Entry"
    """Title of the subject column."""

    FILE_WIDTH: ClassVar[int] = 30
    """Characters of a file path shown; longer ones keep their end ("…/user/settings.json")."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.rows_shown: tuple[RowT, ...] = ()

    def on_mount(self) -> None:
        self.add_columns(" ", self.SUBJECT, "Scope", "File")

    def subject(self, row: RowT) -> str:
        """How ``row`` reads in the subject column (the rule text, the directory...)."""
        raise NotImplementedError

    def show(self, rows: Sequence[RowT], file_label: Callable[[RowT], str]) -> None:
        """Replace the rows, keeping the cursor on the same entry when it is still there (else
        on the same line: the entry was edited or removed)."""
        rows = tuple(rows)
        if rows == self.rows_shown:
            return
        current, index = self.current_row, self.cursor_row
        self.clear()
        for row in rows:
            entry: Any = row
            scope = entry.scope if entry.origin is None else f"{entry.scope} {entry.origin}"
            label = file_label(row)
            if len(label) > self.FILE_WIDTH:
                label = "…" + label[-(self.FILE_WIDTH - 1):]
            self.add_row(Text(LOCK if entry.read_only else " "), Text(self.subject(row)),
                         Text(scope, style="dim"), Text(label, style="dim"), key=entry.key)
        self.rows_shown = rows
        if current is not None and current in rows:
            self.move_cursor(row=rows.index(current))
        elif rows:
            self.move_cursor(row=min(max(index, 0), len(rows) - 1))

    @property
    def current_row(self) -> RowT | None:
        """The entry under the cursor, or None when the table is empty."""
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]
