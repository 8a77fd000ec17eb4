"""A unified diff viewer for proposed file changes: one header per file, one widget per hunk.

Layout of a :class:`DiffView` (a vertical scroll container)::

    DiffFileHeader   src/app.py  new file  +12 -3
    DiffHunk         @@ -1,7 +1,8 @@
                      1  1   import os
                      2    - import sys
                         2 + import re
                            ↪ + ...continuation of a long folded line
    DiffHunk         @@ -40,6 +41,9 @@
    DiffNotice       (only for "no changes", "N lines not shown" or "nothing to show")

Syntax highlighting runs once over the *whole* old and new file texts (so multi-line strings and
comments are coloured correctly); each hunk then picks its lines by number.  Highlighting and
layout run in a thread (:func:`asyncio.to_thread`); the widgets are mounted afterwards and
:class:`DiffView.Ready` is posted once they are painted.

File text is untrusted: it is never parsed as markup, control characters are shown as visible
control pictures (``␛``), bidirectional-override characters as ``�``, and long lines are folded
rather than cropped, so nothing in a proposed change is hidden from the reviewer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual import work
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Static

from tui.diffs import DiffLine, FileChange, Hunk, LineTag

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

TAB_SIZE = 4
"""Cells per tab stop when expanding tabs in file text."""

HIGHLIGHT_MAX_CHARS = 500_000
"""Files longer than this (in characters) are shown without syntax highlighting."""

DEFAULT_MAX_LINES = 5_000
"""Default cap on the diff lines shown per file; the rest is summarised in a notice."""

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Invisible characters that reorder text ("Trojan Source"); shown as U+FFFD."""

_VISIBLE_CONTROLS: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},
    0x7F: "\u2421",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
    **{ord(char): "\ufffd" for char in _BIDI_CONTROLS},
}
"""One-for-one replacements that make control characters visible without shifting offsets."""

TOKEN_STYLES: dict[str, str] = {
    "Comment": "$foreground-muted italic",
    "Comment.Preproc": "$text-accent",
    "Keyword": "$text-secondary",
    "Keyword.Constant": "$text-accent",
    "Keyword.Type": "$text-warning",
    "Operator.Word": "$text-secondary",
    "Name.Builtin": "$text-accent",
    "Name.Builtin.Pseudo": "italic",
    "Name.Class": "$text-warning bold",
    "Name.Constant": "$text-accent",
    "Name.Decorator": "$text-accent",
    "Name.Exception": "$text-warning",
    "Name.Function": "$text-primary",
    "Name.Tag": "$text-error",
    "Name.Attribute": "$text-warning",
    "Literal.String": "$text-success",
    "Literal.String.Doc": "$text-success italic",
    "Literal.String.Escape": "$text-accent",
    "Literal.String.Interpol": "$text-accent",
    "Literal.Number": "$text-accent",
    "Generic.Heading": "$text-primary bold",
    "Generic.Subheading": "$text-primary bold",
    "Generic.Strong": "bold",
    "Generic.Emph": "italic",
    "Generic.Inserted": "$text-success",
    "Generic.Deleted": "$text-error",
    "Error": "$text-error",
}
"""Pygments token type (dotted name) -> Content style.  Only theme variables are used, so the
colours follow the app theme; a token without an entry takes its nearest ancestor's style."""

_token_style_cache: dict[_TokenType, str] = {}


def _token_style(token_type: _TokenType) -> str:
    """Style for a pygments token type, walking up to its ancestors (memoised)."""
    if (cached := _token_style_cache.get(token_type)) is not None:
        return cached
    style = ""
    node: _TokenType | None = token_type
    while node is not None:
        name = ".".join(node)
        if name in TOKEN_STYLES:
            style = TOKEN_STYLES[name]
            break
        node = node.parent
    _token_style_cache[token_type] = style
    return style


def sanitize_lines(text: str) -> list[str]:
    """Split file text into display lines, as :func:`tui.diffs.compute_hunks` numbers them.

    Tabs are expanded to :data:`TAB_SIZE`; control and bidi-override characters are replaced
    one-for-one with visible symbols.

    Args:
        text: raw file content.

    Returns:
        One string per line (``str.splitlines`` semantics), without line endings.
    """
    return [line.expandtabs(TAB_SIZE).translate(_VISIBLE_CONTROLS) for line in text.splitlines()]


def _lexer_for(filename: str) -> Lexer | None:
    """A pygments lexer chosen by file name, or ``None`` for plain text."""
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_for_filename(filename, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None
    return None if lexer.name == "Text only" else lexer


def highlight_lines(text: str, filename: str) -> list[Content]:
    """Syntax-highlight a whole file once, then split it into lines.

    Blocking (pygments is pure Python): call it from a thread for big files.

    Args:
        text: raw file content.
        filename: name used to pick the lexer (``get_lexer_for_filename``); unknown -> plain text.

    Returns:
        One :class:`Content` per line, index ``n - 1`` for line ``n``; styles are theme-variable
        strings (see :data:`TOKEN_STYLES`), resolved when rendered.
    """
    lines = sanitize_lines(text)
    lexer = _lexer_for(filename) if len(text) <= HIGHLIGHT_MAX_CHARS else None
    if lexer is None:
        return [Content(line, strip_control_codes=False) for line in lines]
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    # Rebuild the text from the tokens so offsets stay right whatever the lexer normalises.
    for token_type, value in lexer.get_tokens("\n".join(lines)):
        end = offset + len(value)
        if value and (style := _token_style(token_type)):
            spans.append(Span(offset, end, style))
        parts.append(value)
        offset = end
    highlighted = Content("".join(parts), spans, strip_control_codes=False).split(
        "\n", allow_blank=True
    )
    if len(highlighted) < len(lines):  # a lexer dropped a line break: never misnumber lines
        return [Content(line, strip_control_codes=False) for line in lines]
    return highlighted


@dataclass(frozen=True, slots=True)
class HunkRow:
    """One diff line ready to draw: tag (``" "``, ``"+"``, ``"-"``), 1-based numbers, code."""

    tag: LineTag
    old_no: int | None
    new_no: int | None
    code: Content


@dataclass(frozen=True, slots=True)
class PreparedHunk:
    """A hunk with highlighted rows; ``rows`` may be cut short by the line cap."""

    hunk: Hunk
    rows: tuple[HunkRow, ...]
    number_width: int


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """Everything needed to mount one file's widgets.

    ``hidden_lines``/``hidden_hunks`` count what the line cap left out (0 when all is shown).
    """

    index: int
    change: FileChange
    hunks: tuple[PreparedHunk, ...]
    hidden_lines: int
    hidden_hunks: int


def _pick(line: DiffLine, old_lines: list[Content], new_lines: list[Content]) -> Content:
    """The highlighted code of a diff line: removed lines from the old text, others from the new."""
    if line.tag == "-":
        assert line.old_no is not None
        return old_lines[line.old_no - 1]
    assert line.new_no is not None
    return new_lines[line.new_no - 1]


def prepare_file(index: int, change: FileChange, max_lines: int | None) -> PreparedFile:
    """Compute hunks, highlight both sides once and cut to ``max_lines`` (blocking).

    Args:
        index: position of the change in the view.
        change: the proposed change.
        max_lines: most diff lines to show for this file, ``None`` for no limit.

    Returns:
        The prepared file.
    """
    hunks = change.hunks
    name = Path(change.display_path or str(change.path)).name
    needs_old = any(line.tag == "-" for hunk in hunks for line in hunk.lines)
    old_lines = highlight_lines(change.old_text or "", name) if needs_old else []
    new_lines = highlight_lines(change.new_text, name) if hunks else []
    last = max((max(h.old_start + h.old_len, h.new_start + h.new_len) for h in hunks), default=1)
    number_width = len(str(last))
    budget = max_lines if max_lines is not None else sum(len(h.lines) for h in hunks)
    prepared: list[PreparedHunk] = []
    for hunk in hunks:
        if budget <= 0:
            break
        rows = tuple(
            HunkRow(line.tag, line.old_no, line.new_no, _pick(line, old_lines, new_lines))
            for line in hunk.lines[:budget]
        )
        budget -= len(rows)
        prepared.append(PreparedHunk(hunk, rows, number_width))
    shown = sum(len(p.rows) for p in prepared)
    return PreparedFile(
        index=index,
        change=change,
        hunks=tuple(prepared),
        hidden_lines=sum(len(h.lines) for h in hunks) - shown,
        hidden_hunks=len(hunks) - sum(1 for p in prepared if len(p.rows) == len(p.hunk.lines)),
    )


def prepare_changes(
    changes: Sequence[FileChange], max_lines: int | None = DEFAULT_MAX_LINES
) -> list[PreparedFile]:
    """:func:`prepare_file` for every change, in order (blocking; run it in a thread)."""
    return [prepare_file(index, change, max_lines) for index, change in enumerate(changes)]


@dataclass(frozen=True, slots=True)
class HunkStyles:
    """Resolved component styles for :class:`HunkVisual` (full styles for the row bands, so
    opaque theme colours apply; partial, colour-only styles for the gutter and markers)."""

    header: Style
    added: Style
    removed: Style
    gutter: Style
    marker_added: Style
    marker_removed: Style


class HunkVisual(Visual):
    """Draws one hunk: a header row, then gutter + marker + code rows folded to the width."""

    def __init__(self, prepared: PreparedHunk, styles: HunkStyles) -> None:
        self._prepared = prepared
        self._styles = styles
        self._width = prepared.number_width
        self._prefix_width = 2 * self._width + 5  # " old new " + marker + space
        self._fold_cache: tuple[int, list[tuple[HunkRow, Content, bool]]] | None = None

    def _folded(self, width: int) -> list[tuple[HunkRow, Content, bool]]:
        """Rows split to fit ``width``: ``(row, code piece, is_continuation)``."""
        if self._fold_cache is not None and self._fold_cache[0] == width:
            return self._fold_cache[1]
        code_width = max(width - self._prefix_width, 2)
        folded: list[tuple[HunkRow, Content, bool]] = []
        for row in self._prepared.rows:
            if row.code.cell_length <= code_width:
                folded.append((row, row.code, False))
                continue
            for number, piece in enumerate(row.code.fold(code_width)):
                folded.append((row, piece, number > 0))
        self._fold_cache = (width, folded)
        return folded

    def _prefix(self, row: HunkRow, continuation: bool) -> Content:
        """Gutter (old and new numbers, right-aligned), marker and a space."""
        width = self._width
        if continuation:
            numbers = f" {'':>{width}} {'↪':>{width}} "
        else:
            old = "" if row.old_no is None else row.old_no
            new = "" if row.new_no is None else row.new_no
            numbers = f" {old:>{width}} {new:>{width}} "
        styles = self._styles
        marker_style = {"+": styles.marker_added, "-": styles.marker_removed}.get(row.tag, "")
        return Content.assemble((numbers, styles.gutter), (row.tag, marker_style), " ")

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """Widest row without folding."""
        widest = max((row.code.cell_length for row in self._prepared.rows), default=0)
        return max(self._prefix_width + widest, len(self._prepared.hunk.header) + 1)

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
        styles = self._styles
        if y == 0:
            return _to_strip(Content(f" {self._prepared.hunk.header}"), styles.header, width)
        folded = self._folded(width)
        if y > len(folded):
            return Strip.blank(width, base.rich_style)
        row, piece, continuation = folded[y - 1]
        row_base = {"+": styles.added, "-": styles.removed}.get(row.tag, base)
        return _to_strip(self._prefix(row, continuation) + piece, row_base, width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """Every row (the widget draws rows lazily with :meth:`render_row` instead)."""
        rows = self.get_height(options.rules, width)
        return [self.render_row(y, width, style) for y in range(rows if height is None else height)]


def _to_strip(content: Content, base: Style, width: int) -> Strip:
    """Render one line of content over ``base``, cropped or padded to exactly ``width`` cells.

    Span styles that are strings (``"$text-success italic"``) are parsed with the running app's
    theme variables.
    """
    segments = [
        Segment(text, text_style.rich_style)
        for text, text_style in content.render(base, end="", parse_style=Style.parse)
    ]
    return Strip(segments).crop_extend(0, width, base.rich_style)


class DiffFileHeader(Widget):
    """One line naming a changed file: path, a "new file" badge, ``+added -removed`` counts.

    | Class | Description |
    | :- | :- |
    | `diff-view--path` | The file's display path. |
    | `diff-view--badge` | The "new file" badge. |
    | `diff-view--added-count` | The ``+N`` count. |
    | `diff-view--removed-count` | The ``-N`` count. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--path",
        "diff-view--badge",
        "diff-view--added-count",
        "diff-view--removed-count",
    }

    DEFAULT_CSS = """
    DiffFileHeader {
        height: 1;
        padding: 0 1;
        background: $panel;
        &.-selected { background: $primary-muted; }
        & > .diff-view--path { text-style: bold; }
        & > .diff-view--badge { color: $text-success; background: $success-muted; }
        & > .diff-view--added-count { color: $diff-added-fg; }
        & > .diff-view--removed-count { color: $diff-removed-fg; }
    }
    """

    def __init__(self, change: FileChange, index: int) -> None:
        super().__init__()
        self.change = change
        """The change this header names."""
        self.file_index = index
        """Position of the change in its :class:`DiffView`."""

    def render(self) -> Content:
        """Path, badge and counts; the path is plain text (never markup)."""
        change = self.change
        get = self.get_visual_style
        path = (change.display_path or str(change.path)).translate(_VISIBLE_CONTROLS)
        parts: list[str | tuple[str, Style]] = [(path, get("diff-view--path", partial=True))]
        if change.is_new:
            parts += ["  ", (" new file ", get("diff-view--badge"))]
        parts += [
            "  ",
            (f"+{change.added}", get("diff-view--added-count", partial=True)),
            " ",
            (f"-{change.removed}", get("diff-view--removed-count", partial=True)),
        ]
        return Content.assemble(*parts, strip_control_codes=False)

    def notify_style_update(self) -> None:
        """Re-render with the new component styles (theme change)."""
        super().notify_style_update()
        self.refresh()


class DiffHunk(Widget, can_focus=True):
    """One hunk of one file: its ``@@`` header and its lines (a single widget, not one per line).

    Focusable: ``space`` posts :class:`DiffHunk.Toggled` so the screen can accept or reject
    the hunk; the ``-rejected`` class dims it.

    | Class | Description |
    | :- | :- |
    | `diff-view--hunk-header` | The ``@@ -a,b +c,d @@`` row. |
    | `diff-view--gutter` | Old and new line numbers (and ``↪`` on folded rows). |
    | `diff-view--added` | Background band of an added line. |
    | `diff-view--removed` | Background band of a removed line. |
    | `diff-view--marker-added` | The ``+`` marker. |
    | `diff-view--marker-removed` | The ``-`` marker. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--hunk-header",
        "diff-view--gutter",
        "diff-view--added",
        "diff-view--removed",
        "diff-view--marker-added",
        "diff-view--marker-removed",
    }

    BINDINGS: ClassVar = [
        Binding("space", "toggle", "Accept/reject hunk", id="diff.toggle_hunk"),
    ]

    @dataclass
    class Toggled(Message):
        """The user pressed space on ``hunk_widget``."""

        hunk_widget: DiffHunk

    DEFAULT_CSS = """
    DiffHunk {
        height: auto;
        &:focus { tint: $accent 12%; }
        &.-rejected { tint: $error 18%; text-opacity: 45%; }
        & > .diff-view--hunk-header { color: $diff-hunk-header-fg; background: $foreground 6%; }
        & > .diff-view--gutter { color: $diff-gutter-fg; }
        & > .diff-view--added { background: $diff-added-bg; }
        & > .diff-view--removed { background: $diff-removed-bg; }
        & > .diff-view--marker-added { color: $diff-added-fg; text-style: bold; }
        & > .diff-view--marker-removed { color: $diff-removed-fg; text-style: bold; }
    }
    """

    def action_toggle(self) -> None:
        self.post_message(self.Toggled(self))

    def __init__(self, prepared: PreparedHunk, file_index: int) -> None:
        super().__init__()
        self._prepared = prepared
        self.file_index = file_index
        """Position of this hunk's change in its :class:`DiffView`."""
        self._visual: HunkVisual | None = None
        self._row_cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)

    @property
    def hunk(self) -> Hunk:
        """The hunk drawn (all of it, even when the line cap shows only part)."""
        return self._prepared.hunk

    @property
    def visual(self) -> HunkVisual:
        """The hunk's visual, built on first use and again after a style (theme) change."""
        if self._visual is None:
            get = self.get_visual_style
            styles = HunkStyles(
                header=get("diff-view--hunk-header"),
                added=get("diff-view--added"),
                removed=get("diff-view--removed"),
                gutter=get("diff-view--gutter", partial=True),
                marker_added=get("diff-view--marker-added", partial=True),
                marker_removed=get("diff-view--marker-removed", partial=True),
            )
            self._visual = HunkVisual(self._prepared, styles)
            self._row_cache.clear()
        return self._visual

    def render(self) -> HunkVisual:
        """The visual, which Textual asks for the hunk's width and height."""
        return self.visual

    def render_line(self, y: int) -> Strip:
        """Draw only the rows on screen (Line API), caching them per width.

        A hunk can hold thousands of lines; rendering them all on every resize would block.
        """
        width = self.size.width
        key = (y, width)
        if (strip := self._row_cache.get(key)) is None:
            strip = self.visual.render_row(y, width, self.visual_style)
            self._row_cache[key] = strip
        return strip

    def notify_style_update(self) -> None:
        """Rebuild the visual with the new component styles (theme change)."""
        super().notify_style_update()
        self._visual = None
        self._row_cache.clear()
        self.refresh()


class DiffNotice(Static):
    """A muted one-line note inside a diff ("No changes.", "120 more lines not shown.")."""

    DEFAULT_CSS = """
    DiffNotice {
        padding: 0 1;
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)


class DiffView(VerticalScroll):
    """Proposed changes to one or more files as unified diffs, with syntax highlighting.

    Children, per change: a :class:`DiffFileHeader`, then one :class:`DiffHunk` per hunk, and a
    :class:`DiffNotice` where there is nothing to show or the line cap left lines out.
    """

    DEFAULT_CSS = """
    DiffView {
        height: 1fr;
        & > DiffFileHeader { margin-top: 1; }
        & > DiffFileHeader:first-child { margin-top: 0; }
    }
    """

    @dataclass
    class Ready(Message):
        """Posted when the changes given last are mounted and painted."""

        diff_view: DiffView
        """The view that is ready."""

        @property
        def control(self) -> DiffView:
            """Alias of :attr:`diff_view`."""
            return self.diff_view

    def __init__(
        self,
        changes: Sequence[FileChange] = (),
        *,
        max_lines: int | None = DEFAULT_MAX_LINES,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create a diff view; preparation starts when it is mounted.

        Args:
            changes: the file changes to show, in order.
            max_lines: most diff lines shown per file (``None``: no cap); the rest is summarised.
            name: widget name.
            id: widget id.
            classes: space-separated CSS classes.
            disabled: whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._changes: tuple[FileChange, ...] = tuple(changes)
        self._max_lines = max_lines
        self._ready = False
        self._generation = 0
        self._focus_index: int | None = None

    @property
    def changes(self) -> tuple[FileChange, ...]:
        """The changes shown (or being prepared)."""
        return self._changes

    @property
    def is_ready(self) -> bool:
        """True once the current changes are mounted (a :class:`Ready` follows the paint)."""
        return self._ready

    def on_mount(self) -> None:
        """Prepare the initial changes."""
        self._load(self._changes)

    def set_changes(self, changes: Sequence[FileChange]) -> None:
        """Replace what the view shows; a :class:`Ready` is posted when the new diff is painted."""
        self._changes = tuple(changes)
        self._ready = False
        self._generation += 1
        self._focus_index = None
        if self.is_mounted:
            self._load(self._changes)

    @property
    def file_headers(self) -> list[DiffFileHeader]:
        """Header widgets, one per change, in order (empty until ready)."""
        return list(self.query_children(DiffFileHeader))

    def hunk_widgets(self, file_index: int | None = None) -> list[DiffHunk]:
        """Hunk widgets in order, all of them or those of one change."""
        return [
            hunk
            for hunk in self.query_children(DiffHunk)
            if file_index is None or hunk.file_index == file_index
        ]

    def focus_change(self, index: int, *, animate: bool = False) -> None:
        """Mark change ``index`` as current and scroll its header to the top of the view.

        Before the view is ready this is remembered and applied once the widgets are mounted.

        Raises:
            IndexError: if there is no change ``index``.
        """
        if not 0 <= index < len(self._changes):
            raise IndexError(f"no change {index} (view has {len(self._changes)})")
        self._focus_index = index
        if not self._ready:
            return
        for header in self.file_headers:
            header.set_class(header.file_index == index, "-selected")
        header = self.file_headers[index]

        def scroll() -> None:
            # virtual_region excludes the header's top margin, so the header itself is at the top.
            self.scroll_to(y=header.virtual_region.y, animate=animate)

        self.call_after_refresh(scroll)

    @work(exclusive=True, group="diff-view-load")
    async def _load(self, changes: tuple[FileChange, ...]) -> None:
        """Prepare in a thread, then swap the children (a newer call cancels this one)."""
        generation = self._generation
        prepared = await asyncio.to_thread(prepare_changes, changes, self._max_lines)
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(list(self._compose_prepared(prepared)))
        self._ready = True
        if self._focus_index is not None:
            self.focus_change(self._focus_index)

        def post_ready() -> None:
            if generation == self._generation:  # not superseded by set_changes meanwhile
                self.post_message(self.Ready(self))

        self.call_after_refresh(post_ready)

    @staticmethod
    def _compose_prepared(files: Sequence[PreparedFile]) -> Iterable[Widget]:
        """Widgets for prepared files, in display order."""
        if not files:
            yield DiffNotice("Nothing to show.")
        for file in files:
            yield DiffFileHeader(file.change, file.index)
            if not file.change.hunks:
                yield DiffNotice("No changes.")
            for hunk in file.hunks:
                yield DiffHunk(hunk, file.index)
            if file.hidden_lines:
                yield DiffNotice(
                    f"{file.hidden_lines} more diff lines ({file.hidden_hunks} hunks) not shown: "
                    "the diff is too large to display in full."
                )
