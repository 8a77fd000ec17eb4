"""The model's answer while it streams: one Line API widget, whatever the answer's length.

The answer's text is cut into chunks (:func:`~widgets.markdown_lines.chunk_end`); each closed
chunk is rendered to rows once, and only the open chunk at the end is rendered again when text
arrives.  The widget has no children, so an update lays out one widget and paints the rows on
screen: the cost of a streamed token does not grow with the answer (issue 14).  When the answer
ends its rows go to the history as they are (:meth:`AnswerView.rows`).
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.reactive import Reactive
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from widgets.chat_history import mark_selection
from widgets.markdown_lines import MarkdownRenderer, chunk_end, renderer_for


class AnswerView(Widget):
    """A streaming Markdown answer drawn row by row.

    :meth:`append` adds text; the rows for the current width are brought up to date when the
    layout asks for the widget's height (so they are rendered once per update, at the width
    the widget will have).  Text can be selected and copied.
    """

    DEFAULT_CSS = """
    AnswerView { height: auto; width: 1fr; margin: 1 0 1 0; }
    """

    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    """As Textual's, without a second layout: the size is set *by* a layout (``Widget``
    declares it with ``layout=True``, so every update that grew the answer laid the screen out
    twice)."""

    def __init__(self, source: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = source
        """The answer's Markdown text so far."""
        self._rendered_width = 0
        self._chunks_end = 0
        """End of the last closed chunk in :attr:`source`: what follows is re-rendered."""
        self._chunk_rows: list[Strip] = []
        self._open_rows: list[Strip] = []
        self._open_text: str | None = None
        self._answer_rows: list[Strip] = []
        self._background_style: Style | None = None

    @property
    def renderer(self) -> MarkdownRenderer:
        """The Markdown renderer of the app's current theme."""
        return renderer_for(self.app)

    def append(self, text: str) -> None:
        """Add ``text`` to the answer and repaint (a layout only when its height changes)."""
        if not text:
            return
        self.source += text
        width = self.size.width
        if not width:
            self.refresh(layout=True)
            return
        before = len(self._answer_rows)
        self._update(width)
        self.refresh(layout=len(self._answer_rows) != before)

    def rows(self, width: int) -> list[Strip]:
        """The answer's rows at ``width`` cells (rendered now if needed)."""
        self._update(width)
        return self._answer_rows

    def _update(self, width: int) -> None:
        renderer = self.renderer
        if width != self._rendered_width:
            self._rendered_width, self._chunks_end = width, 0
            self._chunk_rows, self._open_rows, self._open_text, self._answer_rows = [], [], None, []
        while (end := chunk_end(self.source, self._chunks_end)) is not None:
            rendered = renderer.render(self.source[self._chunks_end:end], width)
            if self._chunk_rows and rendered:
                self._chunk_rows.append(Strip.blank(width))
            self._chunk_rows.extend(rendered)
            self._chunks_end = end
            self._open_text = None
        tail = self.source[self._chunks_end:]
        if tail != self._open_text:
            self._open_rows = renderer.render(tail, width) if tail.strip() else []
            self._open_text = tail
            gap = [Strip.blank(width)] if self._chunk_rows and self._open_rows else []
            self._answer_rows = [*self._chunk_rows, *gap, *self._open_rows]

    def _shown_rows(self) -> list[Strip]:
        """The rows as last brought up to date (a frame never renders: the layout did)."""
        width = self.size.width
        if width and width != self._rendered_width:
            self._update(width)
        return self._answer_rows

    def _background(self) -> Style:
        if self._background_style is None:
            self._background_style = Style(bgcolor=self.rich_style.bgcolor)
        return self._background_style

    def notify_style_update(self) -> None:
        self._background_style = None
        super().notify_style_update()

    # -- Line API ----------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows(width)) if width else 0

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the answer, with the offsets mouse selection reads."""
        width = self.size.width
        rows = self._shown_rows()
        if not 0 <= y < len(rows):
            return Strip.blank(width)
        strip = rows[y].crop_extend(0, width, self._background())
        strip = mark_selection(self, strip, y, width)
        return strip.apply_offsets(0, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as the rows show it."""
        text = "\n".join(row.text.rstrip() for row in self._shown_rows())
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()
