"""A table of permission rules with their scope and file; the ``/permissions`` tabs use one each.

Rows are :class:`tui.permissions.editor.RuleRow` objects (plain data, attributes down).  Keys
post :class:`RuleTable.Requested` (messages up); the screen does the writing.  Read-only rows
(managed, command line, session) carry a lock; the screen refuses edit keys on them.
"""

from __future__ import annotations

from typing import Literal

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui.permissions.editor import RuleRow
from widgets.settings_table import SettingsTable

RuleAction = Literal["edit", "delete", "move"]


class RuleTable(SettingsTable[RuleRow]):
    """One behaviour's rules: lock, rule, scope, file.  ``e``/enter edit, ``d`` delete, ``m``
    move to another scope."""

    DEFAULT_CSS = """
    RuleTable { height: 1fr; }
    RuleTable > .datatable--header { text-style: bold; }
    """

    BINDINGS = [
        Binding("e", "request('edit')", "Edit", id="rules.edit"),
        Binding("d,delete", "request('delete')", "Delete", id="rules.delete"),
        Binding("m", "request('move')", "Move scope", id="rules.move"),
    ]

    class Requested(Message):
        """The user asked to edit, delete or move ``row``."""

        def __init__(self, table: RuleTable, row: RuleRow, action: RuleAction) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.action = action

        @property
        def control(self) -> RuleTable:
            return self.table

    SUBJECT = "Rule"
    FILE_WIDTH = 30

    def subject(self, row: RuleRow) -> str:
        """The rule as written in the settings file."""
        return row.text

    def action_request(self, action: RuleAction) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Requested(self, row, action))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: edit it."""
        event.stop()
        self.action_request("edit")
