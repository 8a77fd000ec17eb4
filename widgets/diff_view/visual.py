"""How one hunk is drawn: :class:`HunkVisual` (unified) and :class:`SplitHunkVisual` (side by side).

Both draw a ``@@`` header row, then the hunk's lines with a gutter of line numbers, a ``+``/``-``
marker column (colour is never the only signal) and the code, folded (never cropped) to the
width.  Rows are produced one at a time (:meth:`render_row`) so a widget can draw only what is on
screen.  Styles come resolved from the widget's component classes (:class:`HunkStyles`).

Unified::

     12 12   context
     13    - removed line
        13 + added line
           ↪ + …its continuation when folded

Split (old | new; the shorter side of a change block is padded with filler)::

     13 - removed line          │ 13 + added line
                                │ 14 + another added line
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.segment import Segment
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from widgets.diff_view.prepare import HunkRow, PreparedHunk

SPLIT_SEPARATOR = "│"
"""The one-cell column between the old and new sides of the split view."""


@dataclass(frozen=True, slots=True)
class HunkStyles:
    """Resolved component styles for the hunk visuals (full styles for the row bands and the
    filler, so opaque theme colours apply; partial, colour-only styles for the gutter, markers
    and intra-line marks, which sit on top of a band and of syntax colours)."""

    header: Style
    added: Style
    removed: Style
    gutter: Style
    marker_added: Style
    marker_removed: Style
    added_word: Style
    removed_word: Style
    filler: Style


Piece = tuple[HunkRow | None, Content | None, bool]
"""One drawn line of one side: ``(row, code piece, is continuation)``; ``(None, None, False)``
is filler (no line on this side), ``(row, None, True)`` a blank continuation of a row that folds
to fewer lines than its partner."""


def marked_code(row: HunkRow, styles: HunkStyles) -> Content:
    """The row's code with its intra-line marks applied on top of syntax highlighting."""
    if not row.marks:
        return row.code
    style = styles.added_word if row.tag == "+" else styles.removed_word
    return row.code.add_spans([Span(start, end, style) for start, end in row.marks])


def fold_row(row: HunkRow, code_width: int, styles: HunkStyles) -> list[Piece]:
    """A row's marked code folded to ``code_width`` cells (at least one piece)."""
    code = marked_code(row, styles)
    if code.cell_length <= code_width:
        return [(row, code, False)]
    return [(row, piece, number > 0) for number, piece in enumerate(code.fold(code_width))]


def to_strip(content: Content, base: Style, width: int) -> Strip:
    """Render one line of content over ``base``, cropped or padded to exactly ``width`` cells.

    Span styles that are strings (``"$text-success italic"``) are parsed with the running app's
    theme variables.
    """
    segments = [
        Segment(text, text_style.rich_style)
        for text, text_style in content.render(base, end="", parse_style=_parse_style)
    ]
    return Strip(segments).crop_extend(0, width, base.rich_style)


def _parse_style(style: str | Style) -> Style:
    """A span's style: parsed when it is a string (``Content.render`` passes only those)."""
    return style if isinstance(style, Style) else Style.parse(style)


LineT = TypeVar("LineT")
"""What one drawn line of a layout is: a :data:`Piece`, or a pair of them side by side."""


class _BaseHunkVisual(Visual, Generic[LineT]):
    """What both layouts share: the header row, the fold cache and row-by-row rendering."""

    def __init__(self, prepared: PreparedHunk, styles: HunkStyles) -> None:
        self._prepared = prepared
        self._styles = styles
        self._width = prepared.number_width
        self._fold_cache: tuple[int, list[LineT]] | None = None

    def _fold(self, width: int) -> list[LineT]:
        """Drawn lines for ``width`` (implemented by each layout)."""
        raise NotImplementedError

    def _folded(self, width: int) -> list[LineT]:
        """:meth:`_fold`, cached for the last width."""
        if self._fold_cache is None or self._fold_cache[0] != width:
            self._fold_cache = (width, self._fold(width))
        return self._fold_cache[1]

    def _draw(self, line: LineT, width: int, base: Style) -> Strip:
        """One drawn line (implemented by each layout)."""
        raise NotImplementedError

    def _marker(self, tag: str) -> Style | str:
        return {"+": self._styles.marker_added, "-": self._styles.marker_removed}.get(tag, "")

    def _band(self, tag: str, base: Style) -> Style:
        return {"+": self._styles.added, "-": self._styles.removed}.get(tag, base)

    def get_height(self, rules: RulesMap, width: int) -> int:
        """Header row plus folded rows."""
        return 1 + len(self._folded(width))

    def render_row(self, y: int, width: int, base: Style) -> Strip:
        """Row ``y`` (0 is the ``@@`` header) padded with its row style to exactly ``width``.

        Args:
            y: row index, 0 to ``get_height(width) - 1``; beyond that a blank row.
            width: width in cells.
            base: the widget's style (background and text colour under context rows).
        """
        if y == 0:
            header = Content(f" {self._prepared.hunk.header}")
            return to_strip(header, self._styles.header, width)
        folded = self._folded(width)
        if y > len(folded):
            return Strip.blank(width, base.rich_style)
        return self._draw(folded[y - 1], width, base)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """Every row (the widget draws rows lazily with :meth:`render_row` instead)."""
        rows = self.get_height(options.rules, width)
        return [self.render_row(y, width, style) for y in range(rows if height is None else height)]


class HunkVisual(_BaseHunkVisual[Piece]):
    """The unified layout: one column, old and new numbers side by side in the gutter."""

    def __init__(self, prepared: PreparedHunk, styles: HunkStyles) -> None:
        super().__init__(prepared, styles)
        self._prefix_width = 2 * self._width + 5  # " old new " + marker + space

    def _fold(self, width: int) -> list[Piece]:
        code_width = max(width - self._prefix_width, 2)
        folded: list[Piece] = []
        for row in self._prepared.rows:
            folded.extend(fold_row(row, code_width, self._styles))
        return folded

    def _draw(self, line: Piece, width: int, base: Style) -> Strip:
        row, piece, continuation = line
        assert row is not None and piece is not None
        number_width = self._width
        if continuation:
            numbers = f" {'':>{number_width}} {'↪':>{number_width}} "
        else:
            old = "" if row.old_no is None else row.old_no
            new = "" if row.new_no is None else row.new_no
            numbers = f" {old:>{number_width}} {new:>{number_width}} "
        prefix = Content.assemble(
            (numbers, self._styles.gutter), (row.tag, self._marker(row.tag)), " "
        )
        return to_strip(prefix + piece, self._band(row.tag, base), width)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """Widest row without folding."""
        widest = max((row.code.cell_length for row in self._prepared.rows), default=0)
        return max(self._prefix_width + widest, len(self._prepared.hunk.header) + 1)


class SplitHunkVisual(_BaseHunkVisual[tuple[Piece, Piece]]):
    """The split layout: old lines on the left, new lines on the right, each with its own
    number and marker; paired rows stay level (the shorter fold is padded)."""

    def __init__(self, prepared: PreparedHunk, styles: HunkStyles) -> None:
        super().__init__(prepared, styles)
        self._prefix_width = self._width + 4  # " number " + marker + space

    @staticmethod
    def halves(width: int) -> tuple[int, int]:
        """Cells of the left and right sides for a total ``width`` (one cell separates them)."""
        left = max(width - 1, 0) // 2
        return left, max(width - 1 - left, 0)

    def _fold(self, width: int) -> list[tuple[Piece, Piece]]:
        left_width, right_width = self.halves(width)
        left_code = max(left_width - self._prefix_width, 2)
        right_code = max(right_width - self._prefix_width, 2)
        styles = self._styles
        folded: list[tuple[Piece, Piece]] = []
        for split_row in self._prepared.split_rows:
            left = fold_row(split_row.left, left_code, styles) if split_row.left else []
            right = fold_row(split_row.right, right_code, styles) if split_row.right else []
            for number in range(max(len(left), len(right))):
                folded.append((
                    self._side(left, number, split_row.left),
                    self._side(right, number, split_row.right),
                ))
        return folded

    @staticmethod
    def _side(pieces: list[Piece], number: int, row: HunkRow | None) -> Piece:
        if number < len(pieces):
            return pieces[number]
        return (row, None, True) if row is not None else (None, None, False)

    def _draw_side(self, piece: Piece, old_side: bool, width: int, base: Style) -> Strip:
        row, code, continuation = piece
        if row is None:
            return Strip.blank(width, self._styles.filler.rich_style)
        if continuation:  # a folded piece, or blank padding level with a longer partner
            number = "↪" if code is not None else ""
        else:
            value = row.old_no if old_side else row.new_no
            number = "" if value is None else str(value)
        marker = row.tag if code is not None else " "  # padding is not another line
        prefix = Content.assemble(
            (f" {number:>{self._width}} ", self._styles.gutter),
            (marker, self._marker(row.tag)),
            " ",
        )
        return to_strip(prefix + (code or Content("")), self._band(row.tag, base), width)

    def _draw(self, line: tuple[Piece, Piece], width: int, base: Style) -> Strip:
        left_width, right_width = self.halves(width)
        left, right = line
        separator = Strip([Segment(SPLIT_SEPARATOR, (base + self._styles.gutter).rich_style)])
        return Strip.join([
            self._draw_side(left, True, left_width, base),
            separator,
            self._draw_side(right, False, right_width, base),
        ]).crop_extend(0, width, base.rich_style)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """Both sides at the widest row without folding, plus the separator."""
        widest = max((row.code.cell_length for row in self._prepared.rows), default=0)
        return max(2 * (self._prefix_width + widest) + 1, len(self._prepared.hunk.header) + 1)
