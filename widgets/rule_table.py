"""A table of permission rules with their scope and file; the ``/permissions`` tabs use one each.

Rows are :class:`tui.permissions.editor.RuleRow` objects (plain data, attributes down).  Keys
post :class:`RuleTable.Requested` (messages up); the screen does the writing.  Read-only rows
(managed, command line, session) carry a lock; the screen refuses edit keys on them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui.permissions.editor import LOCK, RuleRow

RuleAction = Literal["edit", "delete", "move"]


class RuleTable(DataTable[Text]):
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

    FILE_WIDTH = 30
    """Characters of a file path shown; longer ones keep their end ("…/user/settings.json")."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.rows_shown: tuple[RuleRow, ...] = ()

    def on_mount(self) -> None:
        self.add_columns(" ", "Rule", "Scope", "File")

    def show(self, rows: Sequence[RuleRow], file_label: Callable[[RuleRow], str]) -> None:
        """Replace the rows, keeping the cursor on the same rule when it is still there (else
        on the same line)."""
        rows = tuple(rows)
        if rows == self.rows_shown:
            return
        current, index = self.current_row, self.cursor_row
        self.clear()
        for row in rows:
            lock = Text(LOCK if row.read_only else " ")
            scope = row.scope if row.origin is None else f"{row.scope} {row.origin}"
            label = file_label(row)
            if len(label) > self.FILE_WIDTH:
                label = "…" + label[-(self.FILE_WIDTH - 1):]
            self.add_row(lock, Text(row.text), Text(scope, style="dim"),
                         Text(label, style="dim"), key=row.key)
        self.rows_shown = rows
        if current is not None and current in rows:
            self.move_cursor(row=rows.index(current))
        elif rows:  # the rule was edited or removed: stay at the same place
            self.move_cursor(row=min(max(index, 0), len(rows) - 1))

    @property
    def current_row(self) -> RuleRow | None:
        """The rule under the cursor, or None when the table is empty."""
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def action_request(self, action: RuleAction) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Requested(self, row, action))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: edit it."""
        event.stop()
        self.action_request("edit")
