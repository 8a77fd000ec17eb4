""":class:`DiffPager`: the whole text of a diff, read-only, drawn only where it is on screen.

Used by the pager screen (:mod:`tui.screens.pager`) for files too large to lay out hunk by hunk:
tens of thousands of lines cost nothing until they scroll into view (Line API on a
:class:`~textual.scroll_view.ScrollView`).  Lines are plain text (already sanitised by
:func:`~widgets.diff_view.prepare.unified_diff_lines`), never markup; long lines scroll
horizontally rather than fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style


def measure(lines: Sequence[str]) -> int:
    """Cells of the widest line (blocking for big inputs: call it from a thread)."""
    return max((cell_len(line) for line in lines), default=0)


class DiffPager(ScrollView, can_focus=True):
    """Unified-diff lines with ``+``/``-``/``@@`` colouring; arrows, page keys, home/end scroll.

    The first two lines are the ``---``/``+++`` file lines.

    | Class | Description |
    | :- | :- |
    | `diff-pager--file` | The ``---``/``+++`` lines. |
    | `diff-pager--hunk-header` | ``@@ -a,b +c,d @@`` lines. |
    | `diff-pager--added` | Added lines. |
    | `diff-pager--removed` | Removed lines. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-pager--file",
        "diff-pager--hunk-header",
        "diff-pager--added",
        "diff-pager--removed",
    }

    DEFAULT_CSS = """
    DiffPager {
        height: 1fr;
        & > .diff-pager--file { text-style: bold; }
        & > .diff-pager--hunk-header { color: $diff-hunk-header-fg; }
        & > .diff-pager--added { color: $diff-added-fg; background: $diff-added-bg; }
        & > .diff-pager--removed { color: $diff-removed-fg; background: $diff-removed-bg; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[str] = []
        self._styles: dict[str, Style] = {}

    @property
    def lines(self) -> list[str]:
        """The lines shown (a copy)."""
        return list(self._lines)

    def set_lines(self, lines: Sequence[str], widest: int | None = None) -> None:
        """Show ``lines``; ``widest`` (cells) is measured when not given (slow for big inputs)."""
        self._lines = list(lines)
        self.virtual_size = Size(measure(lines) if widest is None else widest, len(lines))
        self.refresh()

    def _style(self, index: int, line: str) -> Style:
        """The style of line ``index``: by its first character (the file lines by position)."""
        if index < 2:
            name = "diff-pager--file"
        elif line.startswith("@@"):
            name = "diff-pager--hunk-header"
        else:
            name = {"+": "diff-pager--added", "-": "diff-pager--removed"}.get(line[:1], "")
        if not name:
            return self.visual_style
        if (style := self._styles.get(name)) is None:
            style = self._styles[name] = self.get_visual_style(name)
        return style

    def render_line(self, y: int) -> Strip:
        """Screen row ``y``: the line at the scroll position, cropped to the width."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if index >= len(self._lines):
            return Strip.blank(width, self.visual_style.rich_style)
        line = self._lines[index]
        style = self._style(index, line).rich_style
        return Strip([Segment(line, style)]).crop_extend(scroll_x, scroll_x + width, style)

    def notify_style_update(self) -> None:
        """Resolve the component styles again (theme change)."""
        super().notify_style_update()
        self._styles.clear()
        self.refresh()
