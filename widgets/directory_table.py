"""A table of additional working directories with their scope and file (``/permissions``'s
Workspace tab).

Rows are :class:`tui.permissions.editor.DirectoryRow` objects (plain data, attributes down).
``d``/delete posts :class:`DirectoryTable.RemoveRequested` (messages up); the screen confirms and
writes.  Read-only rows (``--add-dir``, managed, ``--settings``) carry a lock.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from tui.permissions.editor import DirectoryRow
from widgets.settings_table import SettingsTable


class DirectoryTable(SettingsTable[DirectoryRow]):
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

    SUBJECT = "Directory"
    FILE_WIDTH = 24

    def subject(self, row: DirectoryRow) -> str:
        """The directory, resolved as the loader resolves it."""
        return str(row.path)

    def action_remove(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RemoveRequested(self, row))
