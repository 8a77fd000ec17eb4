"""A table of additional working directories with their scope and file (``/permissions``'s
Workspace tab).

Rows are :class:`tui.permissions.editor.DirectoryRow` objects (plain data, attributes down).
``d``/delete posts :class:`DirectoryTable.RemoveRequested` (messages up); the screen confirms and
writes.  Read-only rows (``--add-dir``, managed, ``--settings``) carry a lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui.permissions.editor import LOCK, DirectoryRow


class DirectoryTable(DataTable[Text]):
    """Additional directories: lock, directory, scope, file.  ``d`` removes one."""

    DEFAULT_CSS = """
    DirectoryTable { height: 1fr; }
    DirectoryTable > .datatable--header { text-style: bold; }
    """

    BINDINGS = [Binding("d,delete", "remove", "Remove directory", id="directories.remove")]

    class RemoveRequested(Message):
        """The user asked to remove ``row`` from its settings file."""

        def __init__(self, table: DirectoryTable, row: DirectoryRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> DirectoryTable:
            return self.table

    FILE_WIDTH = 24
    """Characters of a file path shown; longer ones keep their end (the directory is the
    column that matters here)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.rows_shown: tuple[DirectoryRow, ...] = ()

    def on_mount(self) -> None:
        self.add_columns(" ", "Directory", "Scope", "File")

    def show(self, rows: Sequence[DirectoryRow],
             file_label: Callable[[DirectoryRow], str]) -> None:
        """Replace the rows, keeping the cursor on the same directory when it is still there
        (else on the same line)."""
        rows = tuple(rows)
        if rows == self.rows_shown:
            return
        current, index = self.current_row, self.cursor_row
        self.clear()
        for row in rows:
            scope = row.scope if row.origin is None else f"{row.scope} {row.origin}"
            label = file_label(row)
            if len(label) > self.FILE_WIDTH:
                label = "…" + label[-(self.FILE_WIDTH - 1):]
            self.add_row(Text(LOCK if row.read_only else " "), Text(str(row.path)),
                         Text(scope, style="dim"), Text(label, style="dim"), key=row.key)
        self.rows_shown = rows
        if current is not None and current in rows:
            self.move_cursor(row=rows.index(current))
        elif rows:
            self.move_cursor(row=min(max(index, 0), len(rows) - 1))

    @property
    def current_row(self) -> DirectoryRow | None:
        """The directory under the cursor, or None when the table is empty."""
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def action_remove(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RemoveRequested(self, row))
