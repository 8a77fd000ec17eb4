"""The diff viewer for proposed file changes: one header per file, one widget per hunk.

Modules, one job each:

- :mod:`~widgets.diff_view.highlight`: safe display lines and whole-file syntax highlighting.
- :mod:`~widgets.diff_view.intraline`: pairing removed/added lines, changed-character ranges.
- :mod:`~widgets.diff_view.prepare`: the prepare step (all of the above, run in a thread).
- :mod:`~widgets.diff_view.visual`: drawing a hunk, unified (:class:`HunkVisual`) or split
  (:class:`SplitHunkVisual`).
- :mod:`~widgets.diff_view.widgets`: :class:`DiffFileHeader`, :class:`DiffHunk`,
  :class:`DiffNotice`, :class:`DiffLargeFile`.
- :mod:`~widgets.diff_view.file_list`: :class:`DiffFileList` (multi-file diffs).
- :mod:`~widgets.diff_view.pager`: :class:`DiffPager`, the lines of the pager screen.
- :mod:`~widgets.diff_view.view`: :class:`DiffView`, which puts them together.

Everything public is re-exported here: ``from widgets.diff_view import DiffView``.
"""

from __future__ import annotations

from widgets.diff_view.file_list import DiffFileList
from widgets.diff_view.highlight import (
    HIGHLIGHT_MAX_CHARS,
    TAB_SIZE,
    TOKEN_STYLES,
    VISIBLE_CONTROLS,
    highlight_lines,
    sanitize_line,
    sanitize_lines,
)
from widgets.diff_view.intraline import changed_ranges, pair_rows
from widgets.diff_view.prepare import (
    DEFAULT_MAX_LINES,
    HunkRow,
    PreparedFile,
    PreparedHunk,
    SplitRow,
    prepare_changes,
    prepare_file,
    prepare_hunk,
    unified_diff_lines,
)
from widgets.diff_view.view import SPLIT_MIN_WIDTH, DiffView
from widgets.diff_view.visual import HunkStyles, HunkVisual, SplitHunkVisual
from widgets.diff_view.widgets import DiffFileHeader, DiffHunk, DiffLargeFile, DiffNotice

__all__ = [
    "DEFAULT_MAX_LINES",
    "HIGHLIGHT_MAX_CHARS",
    "SPLIT_MIN_WIDTH",
    "TAB_SIZE",
    "TOKEN_STYLES",
    "VISIBLE_CONTROLS",
    "DiffFileHeader",
    "DiffFileList",
    "DiffHunk",
    "DiffLargeFile",
    "DiffNotice",
    "DiffView",
    "HunkRow",
    "HunkStyles",
    "HunkVisual",
    "PreparedFile",
    "PreparedHunk",
    "SplitHunkVisual",
    "SplitRow",
    "changed_ranges",
    "highlight_lines",
    "pair_rows",
    "prepare_changes",
    "prepare_file",
    "prepare_hunk",
    "sanitize_line",
    "sanitize_lines",
    "unified_diff_lines",
]
