"""The finished part of the conversation as lines: one widget, whatever the length of the history.

A message that is finished (the user's prompt, a closed Markdown segment of an answer, a tool
line with its outcome, a notice) is *frozen*: the lines its widgets show are captured once
(:func:`capture_lines`) and appended to :class:`ChatHistory`, and the widgets are removed.  The
history is a single Line API widget (``render_line``): a layout visits it once, and a frame
renders only the rows on screen, so typing, streaming and memory no longer grow with the number
of turns (issue 14).

Each frozen entry keeps its plain text (for ``/find`` and for copying a selection) and a way to
render it again at a new width (:meth:`ChatLog.rerender <widgets.chat_log.ChatLog>`): an
answer's Markdown is rendered straight to rows (:mod:`widgets.markdown_lines`), other entries
by a factory for their widget.  Model text stays untrusted: the captured lines are the segments
Textual rendered with markup off; nothing here parses markup.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

WidgetFactory = Callable[[], Widget]
"""Builds a fresh, unmounted widget that shows an entry (to render it again at a new width)."""


@dataclass(eq=False)
class Entry:
    """One frozen message.

    Attributes:
        kind: ``prompt``, ``answer``, ``tool`` or ``notice``.
        text: its plain text (the prompt, the answer's Markdown source, the tool line), for
            ``/find`` and tests.
        strips: the rendered rows, each ``width`` cells wide.
        width: the width in cells the rows were rendered at.
        renders: earlier renderings by width (cells -> rows), so that a chat switching between
            two widths (the side pane opening and closing) renders each entry once per width.
        margin_top: blank rows above it (the widget's top margin; collapses with the previous
            entry's ``margin_bottom`` as a vertical layout does).
        margin_bottom: blank rows below it.
        factory: builds a widget that shows the entry again (None: cannot be re-rendered
            that way).
        render_rows: renders the entry again at a width without a widget (an answer:
            ``width -> rows``); used before ``factory``.
        alternate: builds the entry's widget in its other state (a tool line with its output
            shown or hidden); None when it has no other.
    """

    kind: str
    text: str
    strips: list[Strip]
    width: int
    margin_top: int = 0
    margin_bottom: int = 0
    factory: WidgetFactory | None = field(default=None, repr=False)
    render_rows: Callable[[int], list[Strip]] | None = field(default=None, repr=False)
    alternate: WidgetFactory | None = field(default=None, repr=False)
    renders: dict[int, list[Strip]] = field(default_factory=dict, repr=False)

    KEEP_WIDTHS = 3
    """Renderings kept per entry (the newest widths)."""

    def rendered(self, width: int, strips: list[Strip]) -> None:
        """Keep ``strips``, rendered at ``width`` cells, and show them."""
        self.renders[self.width] = self.strips
        self.renders.pop(width, None)
        self.strips, self.width = strips, width
        while len(self.renders) >= self.KEEP_WIDTHS:
            del self.renders[next(iter(self.renders))]

    def use_width(self, width: int) -> bool:
        """Show the rendering at ``width`` if one is kept; False when it must be rendered."""
        if width == self.width:
            return True
        strips = self.renders.get(width)
        if strips is None:
            return False
        self.rendered(width, strips)
        return True


def capture_lines(root: Widget) -> list[Strip]:
    """The rows ``root`` and its descendants show now, ``root.region.width`` cells wide.

    Paints ``root`` then each descendant (depth first, so parents under children) into a canvas
    the size of ``root``'s region; each widget is clipped to its ancestors (a code block wider
    than the chat scrolls sideways: only its visible part is kept).  Reads the compositor's
    placement of each widget (``Widget.region``), so ``root`` must be mounted and laid out.

    Returns:
        ``root.region.height`` strips (margins excluded); empty if ``root`` is not laid out.
    """
    area = root.region
    if not area:
        return []
    width, height = area.size
    canvas: list[Strip] = [Strip.blank(width)] * height
    clips: dict[Widget, Region] = {root: area}
    for widget in root.walk_children(Widget, with_self=True):
        if widget is not root:
            parent_clip = clips.get(widget.parent) if isinstance(widget.parent, Widget) else None
            if parent_clip is None or not widget.display:
                continue
            region = widget.region
            clip = region.intersection(parent_clip.intersection(
                widget.parent.content_region if isinstance(widget.parent, Widget)
                else parent_clip))
            clips[widget] = clip
        else:
            region = clip = area
        if not clip or not widget.visible:
            continue
        top = clip.y - region.y
        strips = widget.render_lines(Region(0, top, region.width, clip.height))
        left = clip.x - region.x
        x = clip.x - area.x
        for row, strip in enumerate(strips):
            y = clip.y - area.y + row
            if 0 <= y < height:
                canvas[y] = _paint(canvas[y], strip.crop(left, left + clip.width), x, width)
    return canvas


def _paint(base: Strip, strip: Strip, x: int, width: int) -> Strip:
    """``base`` with ``strip`` painted over it from column ``x``; ``width`` cells."""
    if x == 0 and strip.cell_length >= width:
        return strip.crop(0, width)
    end = min(width, x + strip.cell_length)
    return Strip.join([base.crop(0, x), strip.crop(0, end - x), base.crop(end, width)])


_GAP = Strip([])
"""A blank row between entries (a margin), drawn in the history's own background."""


class ChatHistory(Widget):
    """Every frozen entry of the conversation, drawn row by row (the Line API).

    Height: the number of rows (``height: auto``).  Rows are stored once, as strips; a frame
    asks only for the rows on screen (``render_line``).  Text can be selected and copied
    (:meth:`get_selection`); :meth:`find` locates a phrase and :attr:`highlight` marks it.
    """

    DEFAULT_CSS = """
    ChatHistory { height: auto; width: 1fr; }
    """

    class EntryClicked(Message):
        """Entry ``index`` was clicked (a tool line may show or hide its output)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class WidthChanged(Message):
        """The history is now ``width`` cells wide: entries rendered at another width need
        rendering again (the chat does it, see :meth:`stale`)."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []
        """The frozen entries, oldest first."""
        self._rows: list[Strip] = []
        self._texts: list[str] = []
        self._starts: list[int] = []
        """Row of each entry's first strip (after its margin)."""
        self._bottom_margin = 0
        self._width = 0
        self._background: Style | None = None
        self.highlight: tuple[int, int, int] | None = None
        """``(row, start, end)``: columns of a ``/find`` match to show reversed, or None."""

    def on_click(self, event: events.Click) -> None:
        """A click on a frozen tool line that has an output shows or hides it."""
        index = bisect.bisect_right(self._starts, event.y) - 1
        if 0 <= index < len(self.entries):
            entry = self.entries[index]
            if entry.alternate is not None and event.y < self._starts[index] + len(entry.strips):
                self.post_message(self.EntryClicked(index))

    def notify_style_update(self) -> None:
        self._background = None
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        if width != self._width:
            self._width = width
            if width and any(entry.width != width for entry in self.entries):
                self.post_message(self.WidthChanged(width))

    # -- content -----------------------------------------------------------------------------

    def add(self, entries: Iterable[Entry]) -> None:
        """Append frozen entries and lay out again (one layout, whatever their number)."""
        for entry in entries:
            self.entries.append(entry)
            self._append_rows(entry)
        self.refresh(layout=True)

    def _append_rows(self, entry: Entry) -> None:
        gap = max(entry.margin_top, self._bottom_margin) if self._rows else entry.margin_top
        self._rows.extend([_GAP] * gap)
        self._texts.extend([""] * gap)
        self._starts.append(len(self._rows))
        self._rows.extend(entry.strips)
        self._texts.extend(strip.text.rstrip() for strip in entry.strips)
        self._bottom_margin = entry.margin_bottom

    def replace(self, entries: Sequence[Entry]) -> None:
        """Replace every entry by ``entries`` (or lay out the same ones again after some were
        rendered at a new width)."""
        entries = list(entries)
        self.entries = []
        self._rows, self._texts, self._starts = [], [], []
        self._bottom_margin = 0
        self.highlight = None
        self.add(entries)

    def stale(self, width: int) -> list[Entry]:
        """Entries with no rendering at ``width`` cells, newest first (the others switch to
        theirs)."""
        missing = [entry for entry in reversed(self.entries) if not entry.use_width(width)]
        return missing

    def clear(self) -> None:
        """Forget every entry (``/clear``)."""
        self.replace(())

    @property
    def row_count(self) -> int:
        """Rows the history occupies (margins included)."""
        return len(self._rows)

    def entry_row(self, index: int) -> int:
        """The row where entry ``index`` begins."""
        return self._starts[index]

    def texts(self, kind: str | None = None) -> list[str]:
        """The plain text of each entry (of one ``kind`` only, when given), oldest first."""
        return [e.text for e in self.entries if kind is None or e.kind == kind]

    def find(self, phrase: str, before: int | None = None) -> tuple[int, int] | None:
        """The last row above ``before`` (all rows when None) that shows ``phrase``, ignoring
        case, and the column it starts at; None when no row does."""
        needle = phrase.lower()
        stop = len(self._texts) if before is None else min(before, len(self._texts))
        for row in range(stop - 1, -1, -1):
            column = self._texts[row].lower().find(needle)
            if column >= 0:
                return row, column
        return None

    # -- Line API ----------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def render_line(self, y: int) -> Strip:
        """Row ``y``: the stored strip, cut or padded to the widget's width, with a selection
        or ``/find`` match marked and the offsets that mouse selection reads."""
        width = self.size.width
        if not 0 <= y < len(self._rows):
            return Strip.blank(width)
        strip = self._rows[y]
        if self._background is None:  # rich_style walks the ancestors: once per style change
            self._background = Style(bgcolor=self.rich_style.bgcolor)
        background = self._background
        if strip is _GAP:
            strip = Strip.blank(width, background)
        elif strip.cell_length != width:
            strip = strip.crop_extend(0, width, background)
        strip = mark_selection(self, strip, y, width)
        if self.highlight is not None and self.highlight[0] == y:
            strip = restyle(strip, self.highlight[1], self.highlight[2], Style(reverse=True))
        return _with_offsets(strip, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text: what the rows show, trailing blanks removed."""
        return selection.extract("\n".join(self._texts)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()


def _with_offsets(strip: Strip, y: int) -> Strip:
    """``strip`` with the offsets mouse selection reads (``(column, y)``) on the segments that
    carried one in the widget the row was captured from (text, not padding or borders), so the
    segments, and the screen's output, stay as they were."""
    segments: list[Segment] = []
    x = 0
    for text, style, control in strip:
        if style is not None and style._meta and "offset" in style.meta:
            style = style + Style.from_meta({"offset": (x, y)})
        segments.append(Segment(text, style, control))
        x += len(text)
    return Strip(segments, strip.cell_length)


def mark_selection(widget: Widget, strip: Strip, y: int, width: int) -> Strip:
    """``strip``, row ``y`` of a Line API ``widget`` ``width`` cells wide, with the part of the
    widget's text selection that is on it shown in the screen's selection style."""
    selection = widget.text_selection
    if selection is None or (span := selection.get_span(y)) is None:
        return strip
    start, end = span
    style = widget.screen.get_component_rich_style("screen--selection")
    return restyle(strip, start, width if end == -1 else end, style)


def restyle(strip: Strip, start: int, end: int, style: Style) -> Strip:
    """``strip`` with ``style`` layered over cells ``start``..``end`` (a selection, a match)."""
    end = min(end, strip.cell_length)
    if start >= end:
        return strip
    middle = Strip([Segment(text, (seg_style or Style()) + style, control)
                    for text, seg_style, control in strip.crop(start, end)])
    return Strip.join([strip.crop(0, start), middle, strip.crop(end)])
