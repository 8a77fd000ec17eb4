""":class:`DiffView`: proposed changes to one or more files, unified or side by side.

Layout (a vertical scroll container)::

    DiffFileList     (2+ files) one row per file: path, badges, +N -M; enter jumps to it
    DiffFileHeader   src/app.py  new file  +12 -3
    DiffHunk         @@ -1,7 +1,8 @@          (one widget per hunk, unified or split)
    DiffHunk         @@ -40,6 +41,9 @@
    DiffFileHeader   data/big.csv  +6000 -0
    DiffLargeFile    summary + "Open in pager (p)"  (over ``max_lines`` changed lines)
    DiffFileHeader   logo.png  binary
    DiffNotice       Binary file: 1,024 bytes → 2,048 bytes, not shown.

Preparation (hunks, highlighting, pairing, intra-line marks) runs in a thread; the widgets are
mounted afterwards and :class:`DiffView.Ready` is posted once they are painted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.approvals import HunkReview
from tui.diffs import FileChange
from widgets.diff_view.file_list import DiffFileList
from widgets.diff_view.prepare import (
    DEFAULT_MAX_LINES,
    PreparedFile,
    prepare_changes,
    prepare_file,
)
from widgets.diff_view.visual import HunkStyles
from widgets.diff_view.widgets import (
    HUNK_COMPONENT_CLASSES,
    DiffFileHeader,
    DiffHunk,
    DiffLargeFile,
    DiffNotice,
    binary_notice,
    empty_notice,
    resolve_hunk_styles,
)

SPLIT_MIN_WIDTH = 140
"""With :attr:`DiffView.split` ``None`` (auto), the view is split when it is at least this many
cells wide: two sides of about 70 cells, about 62 of code each after the gutter.  Narrower, the
unified layout (one 130-cell code column) reads better than two cramped, heavily folded ones."""


class DiffView(VerticalScroll):
    """Proposed changes to one or more files as diffs, with syntax highlighting.

    Children: a :class:`DiffFileList` when there are two or more changes, then per change a
    :class:`DiffFileHeader` followed by one :class:`DiffHunk` per hunk, or a
    :class:`DiffLargeFile` summary (too many changed lines), or a :class:`DiffNotice` (binary
    file, nothing changed, nothing to show).

    Keys: ``s`` switches unified/split (:attr:`split`), ``p`` opens a too-large file in the
    pager (only offered when there is one).

    The hunks' colours are component classes of the view (resolved once for all hunks):

    | Class | Description |
    | :- | :- |
    | `diff-view--hunk-header` | The ``@@ -a,b +c,d @@`` row. |
    | `diff-view--gutter` | Line numbers (``↪`` on folded rows) and the split separator. |
    | `diff-view--added` | Background band of an added line. |
    | `diff-view--removed` | Background band of a removed line. |
    | `diff-view--marker-added` | The ``+`` marker. |
    | `diff-view--marker-removed` | The ``-`` marker. |
    | `diff-view--added-word` | Changed characters within a paired added line. |
    | `diff-view--removed-word` | Changed characters within a paired removed line. |
    | `diff-view--filler` | The empty side of an unpaired line in the split view. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = set(HUNK_COMPONENT_CLASSES)

    DEFAULT_CSS = """
    DiffView {
        height: 1fr;
        & > DiffFileHeader { margin-top: 1; }
        & > DiffFileHeader:first-child { margin-top: 0; }
        & > .diff-view--hunk-header { color: $diff-hunk-header-fg; background: $foreground 6%; }
        & > .diff-view--gutter { color: $diff-gutter-fg; }
        & > .diff-view--added { background: $diff-added-bg; }
        & > .diff-view--removed { background: $diff-removed-bg; }
        & > .diff-view--marker-added { color: $diff-added-fg; text-style: bold; }
        & > .diff-view--marker-removed { color: $diff-removed-fg; text-style: bold; }
        & > .diff-view--added-word { background: $diff-added-word-bg; }
        & > .diff-view--removed-word { background: $diff-removed-word-bg; }
        & > .diff-view--filler { background: $foreground 4%; }
    }
    """

    BINDINGS: ClassVar = [
        Binding("s", "toggle_split", "Split/unified", id="diff.toggle_split"),
        Binding("p", "open_pager", "Open in pager", id="diff.open_pager"),
    ]

    split: reactive[bool | None] = reactive(None)
    """``True`` side by side, ``False`` unified, ``None`` (the default) automatic: split when
    the view is at least :data:`SPLIT_MIN_WIDTH` cells wide."""

    @dataclass
    class Highlighted(Message):
        """Posted after :class:`Ready` once every hunk has its syntax colours (at once for
        small diffs; big ones are painted plain first, see
        :data:`~widgets.diff_view.prepare.SYNC_HIGHLIGHT_LINES`)."""

        diff_view: DiffView
        """The view that is highlighted."""

        @property
        def control(self) -> DiffView:
            """Alias of :attr:`diff_view`."""
            return self.diff_view

    @dataclass
    class Ready(Message):
        """Posted when the changes given last are mounted and painted."""

        diff_view: DiffView
        """The view that is ready."""

        @property
        def control(self) -> DiffView:
            """Alias of :attr:`diff_view`."""
            return self.diff_view

    @dataclass
    class PagerRequested(Message):
        """The user asked to read one change whole in the pager (``p`` on a file too large to
        lay out hunk by hunk).  The screen decides how to show it: the view never imports a
        screen (issue 12 item 4)."""

        diff_view: DiffView
        """The view asking."""
        change: FileChange
        """The change to show."""

        @property
        def control(self) -> DiffView:
            """Alias of :attr:`diff_view`."""
            return self.diff_view

    def __init__(
        self,
        changes: Sequence[FileChange] = (),
        *,
        max_lines: int | None = DEFAULT_MAX_LINES,
        split: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create a diff view; preparation starts when it is mounted.

        Args:
            changes: the file changes to show, in order.
            max_lines: most changed lines of one file laid out hunk by hunk (``None``: no cap);
                a bigger file is summarised, with a pager.
            split: initial :attr:`split` (``None``: automatic by width).
            name: widget name.
            id: widget id.
            classes: space-separated CSS classes.
            disabled: whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._changes: tuple[FileChange, ...] = tuple(changes)
        self._reviews: tuple[HunkReview | None, ...] = ()
        self._max_lines = max_lines
        self._ready = False
        self._highlighted = False
        self._generation = 0
        self._focus_index: int | None = None
        self._large: list[int] = []
        self._hunk_styles: HunkStyles | None = None
        self.set_reactive(DiffView.split, split)

    @property
    def changes(self) -> tuple[FileChange, ...]:
        """The changes shown (or being prepared)."""
        return self._changes

    @property
    def is_ready(self) -> bool:
        """True once the current changes are mounted (a :class:`Ready` follows the paint)."""
        return self._ready

    @property
    def is_highlighted(self) -> bool:
        """True once the current changes are painted with their syntax colours."""
        return self._ready and self._highlighted

    @property
    def is_split(self) -> bool:
        """Whether hunks are laid out side by side now (:attr:`split`, or the width when auto)."""
        if self.split is not None:
            return self.split
        return self.size.width >= SPLIT_MIN_WIDTH

    @property
    def large_files(self) -> list[int]:
        """Indexes of the changes shown as a summary because they are too large."""
        return list(self._large)

    def hunk_styles(self) -> HunkStyles:
        """The hunks' resolved colours (cached until the theme or styles change)."""
        if self._hunk_styles is None:
            self._hunk_styles = resolve_hunk_styles(self)
        return self._hunk_styles

    def notify_style_update(self) -> None:
        """Resolve the hunks' colours again on next use (theme change)."""
        super().notify_style_update()
        self._hunk_styles = None

    def on_mount(self) -> None:
        """Prepare the initial changes."""
        self._load(self._changes)

    def set_changes(self, changes: Sequence[FileChange],
                    reviews: Sequence[HunkReview | None] = ()) -> None:
        """Replace what the view shows; a :class:`Ready` is posted when the new diff is painted.

        Args:
            changes: the file changes to show, in order.
            reviews: per change (same order; missing or ``None``: no review), the
                :class:`~tui.approvals.HunkReview` whose rejected hunks the view dims, as the
                approval card that owns it counts them; :meth:`show_rejected` after it changes.
        """
        self._changes = tuple(changes)
        self._reviews = tuple(reviews)
        self._ready = False
        self._generation += 1
        self._focus_index = None
        if self.is_mounted:
            self._load(self._changes)

    @property
    def file_headers(self) -> list[DiffFileHeader]:
        """Header widgets, one per change, in order (empty until ready)."""
        return list(self.query_children(DiffFileHeader))

    @property
    def file_list(self) -> DiffFileList | None:
        """The list of files at the top (only with two or more changes, once ready)."""
        return next(iter(self.query_children(DiffFileList)), None)

    def show_rejected(self) -> None:
        """Dim the hunks that the reviews given to :meth:`set_changes` reject (hunks of
        changes without a review are left as they are)."""
        for hunk in self.hunk_widgets():
            self._mark_rejected(hunk)

    def _mark_rejected(self, hunk: DiffHunk) -> None:
        review = self._reviews[hunk.file_index] if hunk.file_index < len(self._reviews) else None
        if review is not None:
            hunk.set_class(hunk.hunk.index in review.rejected, "-rejected")

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
        if (file_list := self.file_list) is not None:
            file_list.highlighted = index
        header = self.file_headers[index]

        def scroll() -> None:
            # virtual_region excludes the header's top margin, so the header itself is at the top.
            self.scroll_to(y=header.virtual_region.y, animate=animate)

        self.call_after_refresh(scroll)

    # -- split / unified --------------------------------------------------------------------

    def watch_split(self) -> None:
        """Lay every hunk out again when :attr:`split` changes."""
        self._apply_split()

    def on_resize(self, event: events.Resize) -> None:
        """In auto mode the width decides the layout."""
        self._apply_split()

    def _apply_split(self) -> None:
        split = self.is_split
        for hunk in self.hunk_widgets():
            hunk.split = split

    def action_toggle_split(self) -> None:
        """``s``: switch between side by side and unified (from whichever is shown now)."""
        self.split = not self.is_split

    # -- the pager --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer ``p`` only when a file is too large to show inline."""
        if action == "open_pager":
            return bool(self._large)
        return True

    def action_open_pager(self) -> None:
        """``p``: the current file in the pager if it is a too-large one, else the first such."""
        if not self._large:
            return
        focused = self.screen.focused
        index = getattr(focused, "file_index", None) if focused is not None else None
        for candidate in (index, self._focus_index):
            if candidate in self._large:
                self.open_pager(candidate)
                return
        self.open_pager(self._large[0])

    def open_pager(self, index: int) -> None:
        """Ask for the whole diff of change ``index`` in a pager: posts
        :class:`PagerRequested`.

        Raises:
            IndexError: if there is no change ``index``.
        """
        self.post_message(self.PagerRequested(self, self._changes[index]))

    @on(DiffLargeFile.OpenPager)
    def _open_pager_pressed(self, message: DiffLargeFile.OpenPager) -> None:
        message.stop()
        self.open_pager(message.file_index)

    @on(DiffFileList.FileSelected)
    def _file_selected(self, message: DiffFileList.FileSelected) -> None:
        message.stop()
        self.focus_change(message.index)

    # -- loading ----------------------------------------------------------------------------

    @work(exclusive=True, group="diff-view-load")
    async def _load(self, changes: tuple[FileChange, ...]) -> None:
        """Prepare in a thread, then swap the children; highlight what was left plain once
        painted (a newer call cancels this one)."""
        generation = self._generation
        self._highlighted = False
        prepared = await asyncio.to_thread(prepare_changes, changes, self._max_lines)
        self._large = [file.index for file in prepared if file.too_large]
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(list(self._compose_prepared(prepared)))
        self._ready = True
        self.refresh_bindings()
        if self._focus_index is not None:
            self.focus_change(self._focus_index)
        painted = asyncio.Event()

        def post_ready() -> None:
            painted.set()
            if generation == self._generation:  # not superseded by set_changes meanwhile
                self.post_message(self.Ready(self))

        self.call_after_refresh(post_ready)
        plain = [file for file in prepared if not file.highlighted]
        if plain:
            # After the paint, so the (GIL-bound) highlighting does not delay it.
            await painted.wait()
            await self._highlight_later(plain, generation)
        self._highlighted = True
        if generation == self._generation:
            self.post_message(self.Highlighted(self))

    async def _highlight_later(self, plain: list[PreparedFile], generation: int) -> None:
        """Highlight the files prepared plain (in a thread) and give their hunks the result."""
        max_lines = self._max_lines

        def highlight() -> dict[int, PreparedFile]:
            return {
                file.index: prepare_file(file.index, file.change, max_lines, highlight=True)
                for file in plain
            }

        done = await asyncio.to_thread(highlight)
        if generation != self._generation:
            return
        for hunk in self.hunk_widgets():
            if (file := done.get(hunk.file_index)) is not None:
                hunk.prepared = file.hunks[hunk.hunk.index]

    def _compose_prepared(self, files: Sequence[PreparedFile]) -> Iterable[Widget]:
        """Widgets for prepared files, in display order."""
        if not files:
            yield DiffNotice("Nothing to show.")
        if len(files) > 1:
            yield DiffFileList([file.change for file in files])
        split = self.is_split
        for file in files:
            change = file.change
            yield DiffFileHeader(change, file.index)
            if change.is_binary:
                yield DiffNotice(binary_notice(change))
            elif file.too_large:
                yield DiffLargeFile(file)
            elif not file.hunks:
                yield DiffNotice(empty_notice(change))
            for hunk in file.hunks:
                widget = DiffHunk(hunk, file.index, split=split, styles=self.hunk_styles)
                self._mark_rejected(widget)
                yield widget
