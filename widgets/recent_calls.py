"""Recently asked and denied calls, with one key to allow such a call next time.

Rows are :class:`tui.agent.recent.RecentCall` objects, newest first.  ``A`` posts
:class:`RecentCallsTable.AllowNextTime`, enter posts :class:`RecentCallsTable.Picked` (the
screen puts the call in the test box).  Summaries come from the model: plain ``Text`` cells.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.message import Message
from textual.widgets import DataTable

from tui.agent.recent import RecentCall


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with a trailing "…"."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


class RecentCallsTable(DataTable[Text]):
    """Outcome; the tool and call, and under it the rule "allow this next time" would save."""

    DEFAULT_CSS = """
    RecentCallsTable { height: 1fr; }
    """

    BINDINGS = [
        Binding("A", "allow_next_time", "Allow next time", id="recent.allow_next_time"),
    ]

    class AllowNextTime(Message):
        """Save a rule so that calls like ``call`` are allowed from now on."""

        def __init__(self, call: RecentCall) -> None:
            super().__init__()
            self.call = call

    class Picked(Message):
        """Put ``call`` in the test box."""

        def __init__(self, call: RecentCall) -> None:
            super().__init__()
            self.call = call

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.calls: tuple[RecentCall, ...] = ()

    CALL_WIDTH = 28
    """Characters of the call and of its rule shown per row (the rest is cut with "…")."""

    def on_mount(self) -> None:
        self.add_column("Outcome")
        self.add_column("Call", width=self.CALL_WIDTH)

    def show(self, calls: Sequence[RecentCall]) -> None:
        """Replace the rows (newest first), keeping the cursor on the same call."""
        calls = tuple(calls)
        if calls == self.calls:
            return
        current = self.current_call
        self.clear()
        denied, asked = self._style("error"), self._style("warning")
        for call in calls:
            refused = call.behavior == "deny" or "denied" in call.outcome
            if call.rule:
                note = f"decided by the rule {call.rule}"
            elif call.suggested_rules:
                note = "A saves " + ", ".join(call.suggested_rules)
            else:
                note = "A suggests a rule"
            text = Text.assemble(fit(f"{call.tool}  {call.summary}", self.CALL_WIDTH), "\n",
                                 (fit(note, self.CALL_WIDTH), "dim"))
            self.add_row(Text(call.label, style=denied if refused else asked), text, height=2,
                         key=call.call_id)
        self.calls = calls
        ids = [c.call_id for c in calls]
        if current is not None and current.call_id in ids:
            self.move_cursor(row=ids.index(current.call_id))

    def _style(self, variable: str) -> Style:
        """A bold Rich style in the theme colour ``$variable`` (DataTable cells are Rich text)."""
        value = self.app.get_css_variables().get(variable)
        try:
            return Style(color=Color.parse(value).rich_color, bold=True) if value else Style()
        except ColorParseError:
            return Style(bold=True)

    @property
    def current_call(self) -> RecentCall | None:
        """The call under the cursor, or None when there is none."""
        if not self.calls or not 0 <= self.cursor_row < len(self.calls):
            return None
        return self.calls[self.cursor_row]

    def action_allow_next_time(self) -> None:
        call = self.current_call
        if call is not None:
            self.post_message(self.AllowNextTime(call))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: try the call in the test box."""
        event.stop()
        call = self.current_call
        if call is not None:
            self.post_message(self.Picked(call))
