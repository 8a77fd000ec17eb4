"""The widgets a :class:`~widgets.diff_view.DiffView` is made of, one job each.

- :class:`DiffFileHeader`: one line per file (path, badges, counts).
- :class:`DiffHunk`: one focusable widget per hunk, drawn lazily (Line API), unified or split.
- :class:`DiffNotice`: a muted one-line note ("No changes.", "Binary file: ...").
- :class:`DiffLargeFile`: the summary that stands in for the hunks of a too-large file, with a
  button that asks for the pager.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Button, Static

from tui.diffs import FileChange, Hunk
from widgets.diff_view.highlight import sanitize_line
from widgets.diff_view.prepare import PreparedFile, PreparedHunk
from widgets.diff_view.visual import HunkStyles, HunkVisual, SplitHunkVisual

BADGES: tuple[tuple[str, str], ...] = (
    ("new file", "diff-view--badge"),
    ("deleted", "diff-view--badge-deleted"),
    ("renamed", "diff-view--badge-renamed"),
    ("binary", "diff-view--badge-binary"),
)
"""Badge label -> the :class:`DiffFileHeader` component class that colours it."""


def change_badges(change: FileChange) -> list[str]:
    """The badges of a change, in display order: ``new file``, ``deleted``, ``renamed``,
    ``binary`` (those that apply)."""
    flags = (change.is_new, change.is_deleted, change.is_renamed, change.is_binary)
    return [label for (label, _), flag in zip(BADGES, flags, strict=True) if flag]


def change_title(change: FileChange) -> str:
    """The file's display path, ``old → new`` for a rename; sanitised (never markup)."""
    path = sanitize_line(change.display_path or str(change.path))
    if change.is_renamed:
        return f"{sanitize_line(change.old_display_path)} → {path}"
    return path


class DiffFileHeader(Widget):
    """One line naming a changed file: path (``old → new`` for a rename), badges (``new file``,
    ``deleted``, ``renamed``, ``binary``) and ``+added -removed`` counts (not for binary files).

    | Class | Description |
    | :- | :- |
    | `diff-view--path` | The file's display path. |
    | `diff-view--badge` | The "new file" badge. |
    | `diff-view--badge-deleted` | The "deleted" badge. |
    | `diff-view--badge-renamed` | The "renamed" badge. |
    | `diff-view--badge-binary` | The "binary" badge. |
    | `diff-view--added-count` | The ``+N`` count. |
    | `diff-view--removed-count` | The ``-N`` count. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff-view--path",
        *(name for _, name in BADGES),
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
        & > .diff-view--badge-deleted { color: $text-error; background: $error-muted; }
        & > .diff-view--badge-renamed { color: $text-warning; background: $warning-muted; }
        & > .diff-view--badge-binary { color: $text-secondary; background: $secondary-muted; }
        & > .diff-view--added-count { color: $diff-added-fg; }
        & > .diff-view--removed-count { color: $diff-removed-fg; }
    }
    """

    def __init__(self, change: FileChange, index: int) -> None:
        super().__init__()
        self.change = change
        """The change this header names."""
        self.file_index = index
        """Position of the change in its :class:`~widgets.diff_view.DiffView`."""

    def render(self) -> Content:
        """Path, badges and counts; the path is plain text (never markup)."""
        change = self.change
        get = self.get_visual_style
        parts: list[str | tuple[str, Style]] = [
            (change_title(change), get("diff-view--path", partial=True))
        ]
        styles = dict(BADGES)
        for badge in change_badges(change):
            parts += ["  ", (f" {badge} ", get(styles[badge]))]
        if not change.is_binary:
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


HUNK_COMPONENT_CLASSES: frozenset[str] = frozenset({
    "diff-view--hunk-header",
    "diff-view--gutter",
    "diff-view--added",
    "diff-view--removed",
    "diff-view--marker-added",
    "diff-view--marker-removed",
    "diff-view--added-word",
    "diff-view--removed-word",
    "diff-view--filler",
})
"""Component classes that style hunks; declared (and styled) on the
:class:`~widgets.diff_view.DiffView`, resolved there once for all its hunks."""


def resolve_hunk_styles(node: Widget) -> HunkStyles:
    """:class:`HunkStyles` from ``node``'s :data:`HUNK_COMPONENT_CLASSES` (the diff view's)."""
    get = node.get_visual_style
    return HunkStyles(
        header=get("diff-view--hunk-header"),
        added=get("diff-view--added"),
        removed=get("diff-view--removed"),
        gutter=get("diff-view--gutter", partial=True),
        marker_added=get("diff-view--marker-added", partial=True),
        marker_removed=get("diff-view--marker-removed", partial=True),
        # Background only, over the syntax colours (a partial style drops an opaque
        # background, a full one would bring the widget's text colour).
        added_word=Style(background=get("diff-view--added-word").background),
        removed_word=Style(background=get("diff-view--removed-word").background),
        filler=get("diff-view--filler"),
    )


class DiffHunk(Widget, can_focus=True):
    """One hunk of one file: its ``@@`` header and its lines (a single widget, not one per line).

    Focusable: ``space`` posts :class:`DiffHunk.Toggled` so the screen can accept or reject
    the hunk; the ``-rejected`` class dims it.  :attr:`split` switches between the unified and
    the side-by-side layout (the :class:`~widgets.diff_view.DiffView` sets it).

    Its colours come from the :class:`~widgets.diff_view.DiffView`'s component classes
    (:data:`HUNK_COMPONENT_CLASSES`), resolved once per view: a view may hold hundreds of hunks,
    and component styles per hunk would multiply the cost of mounting them by ten.
    """

    BINDINGS: ClassVar = [
        Binding("space", "toggle_hunk", "Accept/reject hunk", id="diff.toggle_hunk"),
    ]

    DEFAULT_CSS = """
    DiffHunk {
        height: auto;
        &:focus { tint: $accent 12%; }
        &.-rejected { tint: $error 18%; text-opacity: 45%; }
    }
    /* ANSI themes cannot blend colours: a tint would paint the text in its own colour. */
    App.-theme-warden-ansi DiffHunk, App.-theme-textual-ansi DiffHunk {
        &:focus { tint: transparent; border-left: outer $accent; }
        &.-rejected { tint: transparent; text-opacity: 100%; text-style: strike dim;
                      border-left: outer $error; }
    }
    """

    split: reactive[bool] = reactive(False, layout=True)
    """Side by side (old | new) instead of unified."""

    @dataclass
    class Toggled(Message):
        """The user pressed space on ``hunk_widget``."""

        hunk_widget: DiffHunk

    def __init__(
        self,
        prepared: PreparedHunk,
        file_index: int,
        *,
        split: bool = False,
        styles: Callable[[], HunkStyles] | None = None,
    ) -> None:
        """Args:
            prepared: the hunk's rows.
            file_index: position of its change in the view.
            split: start in the side-by-side layout.
            styles: gives the resolved colours (the view's :meth:`hunk_styles`); ``None``: the
                nearest ancestor's ``hunk_styles``.
        """
        super().__init__()
        self._styles = styles
        self._prepared = prepared
        self.file_index = file_index
        """Position of this hunk's change in its :class:`~widgets.diff_view.DiffView`."""
        self._visual: HunkVisual | SplitHunkVisual | None = None
        self._row_cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self.set_reactive(DiffHunk.split, split)

    def action_toggle_hunk(self) -> None:
        """Space: ask for this hunk to be accepted or rejected (the screen decides)."""
        self.post_message(self.Toggled(self))

    @property
    def hunk(self) -> Hunk:
        """The hunk drawn."""
        return self._prepared.hunk

    @property
    def prepared(self) -> PreparedHunk:
        """The hunk's prepared rows (unified and split)."""
        return self._prepared

    @prepared.setter
    def prepared(self, prepared: PreparedHunk) -> None:
        """New rows for the same hunk (its highlighted version): redrawn, same layout."""
        self._prepared = prepared
        self._visual = None
        self._row_cache.clear()
        self.refresh()

    @property
    def visual(self) -> HunkVisual | SplitHunkVisual:
        """The hunk's visual, built on first use and again after a style or layout change."""
        if self._visual is None:
            layout = SplitHunkVisual if self.split else HunkVisual
            self._visual = layout(self._prepared, self._resolve_styles())
            self._row_cache.clear()
        return self._visual

    def _resolve_styles(self) -> HunkStyles:
        if self._styles is not None:
            return self._styles()
        for node in self.ancestors:
            provider = getattr(node, "hunk_styles", None)
            if callable(provider):
                return provider()
        raise RuntimeError("a DiffHunk needs a DiffView ancestor or a styles provider")

    def watch_split(self) -> None:
        """Switch layouts: rebuild the visual (the reactive re-lays the widget out)."""
        self._visual = None
        self._row_cache.clear()

    def render(self) -> HunkVisual | SplitHunkVisual:
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
    """A muted one-line note inside a diff ("No changes.", "Binary file: ... not shown.")."""

    DEFAULT_CSS = """
    DiffNotice {
        padding: 0 1;
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)


def binary_notice(change: FileChange) -> str:
    """``"Binary file: 1,024 bytes → 2,048 bytes, not shown."``"""
    old, new = change.size_bytes()
    if change.is_new:
        return f"Binary file: new, {new:,} bytes, not shown."
    if change.is_deleted:
        return f"Binary file: {old:,} bytes deleted, not shown."
    return f"Binary file: {old:,} bytes → {new:,} bytes, not shown."


def empty_notice(change: FileChange) -> str:
    """The note for a change without hunks."""
    if change.is_renamed:
        return "Renamed; the content is unchanged."
    if change.is_deleted:
        return "Empty file deleted."
    if change.is_new:
        return "New empty file."
    return "No changes."


class DiffLargeFile(Vertical):
    """Stands in for the hunks of a file with too many changed lines to lay out: a summary and
    an "Open in pager" button (the view's ``p`` key does the same).  No per-hunk review is
    offered for such a file; its request can still be allowed or denied as a whole.

    | Class | Description |
    | :- | :- |
    | `diff-large-file--summary` | The summary line. |
    """

    DEFAULT_CSS = """
    DiffLargeFile {
        height: auto;
        padding: 0 1;
        & > .diff-large-file--summary { color: $text-warning; }
        & > Button { margin: 0 0 0 0; }
    }
    """

    @dataclass
    class OpenPager(Message):
        """The user asked to read file ``file_index`` in the pager."""

        file_index: int

    def __init__(self, prepared: PreparedFile) -> None:
        super().__init__()
        self.prepared = prepared
        """The too-large file (its change, counts, index)."""
        self.file_index = prepared.index
        """Position of the change in its :class:`~widgets.diff_view.DiffView`."""

    @staticmethod
    def summary(prepared: PreparedFile) -> str:
        """``"+6000 -0 in 1 hunk (6,000 changed lines): too large to review inline."``"""
        change = prepared.change
        count = len(change.hunks)
        return (
            f"+{change.added} -{change.removed} in {count} hunk{'s' * (count != 1)} "
            f"({prepared.changed_lines:,} changed lines): too large to review inline. "
            "Read it in the pager (p); the change can only be allowed or denied as a whole."
        )

    def compose(self) -> ComposeResult:
        yield Static(self.summary(self.prepared), markup=False, classes="diff-large-file--summary")
        yield Button("Open in pager (p)", compact=True, id="open-pager")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The button: ask for the pager."""
        event.stop()
        self.post_message(self.OpenPager(self.file_index))
