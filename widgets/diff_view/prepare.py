"""The prepare step of the diff viewer: everything slow, done once, in a thread.

:func:`prepare_changes` turns :class:`~tui.diffs.FileChange` objects into :class:`PreparedFile`
objects: hunks computed, both sides of each file highlighted once, removed lines paired with
added lines (for the split view) and the changed characters of each pair found (intra-line
marks).  Nothing here touches a widget; the view mounts the result on the event loop.

A file whose diff has more than ``max_lines`` changed lines (:data:`DEFAULT_MAX_LINES`) is not
highlighted nor laid out: it is marked :attr:`PreparedFile.too_large` and shown as a summary
with a pager (:func:`unified_diff_lines` gives the pager its text).

Highlighting (pygments, pure Python) is the slow part: about 75 µs a line, twice (old and new
file).  :func:`prepare_changes` highlights up to :data:`SYNC_HIGHLIGHT_LINES` lines before the
first paint; files beyond that are prepared plain (:attr:`PreparedFile.highlighted` false) and
the view highlights them right after painting them, so a big edit shows up at once and takes
its colours a moment later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual.content import Content

from tui.diffs import DiffLine, FileChange, Hunk, LineTag
from widgets.diff_view.highlight import highlight_lines, plain_lines, sanitize_line
from widgets.diff_view.intraline import Range, changed_ranges, pair_rows

DEFAULT_MAX_LINES = 5_000
"""Most changed (``+``/``-``) lines of one file laid out hunk by hunk; a file with more is shown
as a summary with an "open in pager" key instead (laying out more would freeze the UI)."""

SYNC_HIGHLIGHT_LINES = 2_000
"""Most file lines (old plus new, over all files of one :func:`prepare_changes` call) highlighted
before the first paint: about 150 ms of pygments.  Files past it are highlighted afterwards."""

INTRALINE_BUDGET_CHARS = 200_000
"""Most characters (both sides) compared for intra-line marks per file; pairs past the budget
are shown with whole-line bands only, so a huge rewrite cannot stall the prepare step."""


@dataclass(frozen=True, slots=True)
class HunkRow:
    """One diff line ready to draw.

    Attributes:
        tag: ``" "`` (context), ``"+"`` (added) or ``"-"`` (removed).
        old_no: 1-based line number in the old file (``None`` on an added line).
        new_no: 1-based line number in the new file (``None`` on a removed line).
        code: the highlighted, sanitised line.
        marks: ``[start, end)`` character ranges of ``code`` that changed relative to the
            line this one is paired with (empty when unpaired or not similar enough).
    """

    tag: LineTag
    old_no: int | None
    new_no: int | None
    code: Content
    marks: tuple[Range, ...] = ()


@dataclass(frozen=True, slots=True)
class SplitRow:
    """One row of the split view: the old side's line and the new side's (``None``: filler).

    A context line is the same :class:`HunkRow` on both sides.
    """

    left: HunkRow | None
    right: HunkRow | None


@dataclass(frozen=True, slots=True)
class PreparedHunk:
    """A hunk with highlighted rows, in unified order and as side-by-side rows.

    ``number_width`` is the cells of the widest line number in the file (same for all hunks).
    """

    hunk: Hunk
    rows: tuple[HunkRow, ...]
    number_width: int
    split_rows: tuple[SplitRow, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """Everything needed to mount one file's widgets.

    Attributes:
        index: position of the change in the view.
        change: the proposed change.
        hunks: the prepared hunks (empty for a binary or too-large file).
        too_large: more than ``max_lines`` changed lines: shown as a summary and a pager.
        changed_lines: added plus removed lines (0 for a binary file, not diffed).
        highlighted: the rows carry syntax highlighting (false: plain text, to be
            highlighted later with ``prepare_file(..., highlight=True)``).
    """

    index: int
    change: FileChange
    hunks: tuple[PreparedHunk, ...]
    too_large: bool = False
    changed_lines: int = 0
    highlighted: bool = True


def _pick(line: DiffLine, old_lines: list[Content], new_lines: list[Content]) -> Content:
    """The highlighted code of a diff line: removed lines from the old text, others from the new."""
    if line.tag == "-":
        assert line.old_no is not None
        return old_lines[line.old_no - 1]
    assert line.new_no is not None
    return new_lines[line.new_no - 1]


def prepare_hunk(
    hunk: Hunk,
    old_lines: list[Content],
    new_lines: list[Content],
    number_width: int,
    budget: list[int] | None = None,
) -> PreparedHunk:
    """Rows, pairs and intra-line marks of one hunk (blocking).

    Args:
        hunk: the hunk.
        old_lines: highlighted old file, index ``n - 1`` for line ``n``.
        new_lines: highlighted new file.
        number_width: cells for line numbers.
        budget: ``[chars]`` left for intra-line comparison, decremented in place (``None``: no
            limit).
    """
    codes = [_pick(line, old_lines, new_lines) for line in hunk.lines]
    marks: list[tuple[Range, ...]] = [()] * len(codes)
    pairs = pair_rows([line.tag for line in hunk.lines])
    for left, right in pairs:
        if left is None or right is None or left == right:
            continue
        old, new = codes[left].plain, codes[right].plain
        if budget is not None:
            if budget[0] <= 0:
                break
            budget[0] -= len(old) + len(new)
        if (ranges := changed_ranges(old, new)) is not None:
            marks[left], marks[right] = ranges
    rows = tuple(
        HunkRow(line.tag, line.old_no, line.new_no, code, mark)
        for line, code, mark in zip(hunk.lines, codes, marks, strict=True)
    )
    split_rows = tuple(
        SplitRow(None if left is None else rows[left], None if right is None else rows[right])
        for left, right in pairs
    )
    return PreparedHunk(hunk, rows, number_width, split_rows)


def highlight_cost(change: FileChange) -> int:
    """Lines :func:`prepare_file` would highlight for ``change`` (old side only if lines are
    removed; nothing for binary files)."""
    if change.is_binary:
        return 0
    old = change.old_text or ""
    new_lines = change.new_text.count("\n") + 1
    return new_lines + (old.count("\n") + 1 if change.removed else 0)


def prepare_file(
    index: int,
    change: FileChange,
    max_lines: int | None = DEFAULT_MAX_LINES,
    *,
    highlight: bool = True,
) -> PreparedFile:
    """Compute hunks, highlight both sides once, pair lines and mark changed characters
    (blocking: run it in a thread).

    Args:
        index: position of the change in the view.
        change: the proposed change.
        max_lines: most changed lines laid out; a file with more is only summarised
            (``None``: no limit).
        highlight: highlight the code (``False``: plain text, everything else the same).

    Returns:
        The prepared file.  Binary files are not diffed (no hunks, ``changed_lines`` 0).
    """
    if change.is_binary:
        return PreparedFile(index, change, ())
    hunks = change.hunks
    changed = change.added + change.removed
    if max_lines is not None and changed > max_lines:
        return PreparedFile(index, change, (), too_large=True, changed_lines=changed)
    name = Path(change.display_path or str(change.path)).name
    lines = highlight_lines if highlight else (lambda text, _name: plain_lines(text))
    needs_old = any(line.tag == "-" for hunk in hunks for line in hunk.lines)
    old_lines = lines(change.old_text or "", name) if needs_old else []
    new_lines = lines(change.new_text, name) if hunks else []
    last = max((max(h.old_start + h.old_len, h.new_start + h.new_len) for h in hunks), default=1)
    number_width = len(str(last))
    budget = [INTRALINE_BUDGET_CHARS]
    prepared = tuple(prepare_hunk(h, old_lines, new_lines, number_width, budget) for h in hunks)
    return PreparedFile(index, change, prepared, changed_lines=changed, highlighted=highlight)


def prepare_changes(
    changes: Sequence[FileChange],
    max_lines: int | None = DEFAULT_MAX_LINES,
    highlight_budget: int | None = SYNC_HIGHLIGHT_LINES,
) -> list[PreparedFile]:
    """:func:`prepare_file` for every change, in order (blocking; run it in a thread).

    Args:
        changes: the changes.
        max_lines: see :func:`prepare_file`.
        highlight_budget: most lines highlighted (:func:`highlight_cost`, in order of the
            changes); the files past it come back plain, ``highlighted`` false.  ``None``: all.
    """
    prepared: list[PreparedFile] = []
    spent = 0
    for index, change in enumerate(changes):
        cost = highlight_cost(change)
        highlight = highlight_budget is None or spent + cost <= highlight_budget
        spent += cost if highlight else 0
        prepared.append(prepare_file(index, change, max_lines, highlight=highlight))
    return prepared


def unified_diff_lines(change: FileChange) -> list[str]:
    """The whole change as ``git diff``-style unified text, one string per line (blocking).

    Lines are sanitised (:func:`~widgets.diff_view.highlight.sanitize_line`): what the pager
    shows is safe to display.  The first character of each line says what it is: ``-``/``+``
    (the ``---``/``+++`` file lines and removed/added lines), ``@`` (hunk header) or `` ``.

    Returns:
        ``["--- a/old", "+++ b/new", "@@ -1,3 +1,4 @@", " context", "-removed", ...]``; for a
        binary change the file lines and ``" Binary files differ"``.
    """
    old_name = change.old_display_path or change.display_path or str(change.path)
    new_name = change.display_path or str(change.path)
    lines = [
        "--- /dev/null" if change.is_new else f"--- a/{sanitize_line(old_name)}",
        "+++ /dev/null" if change.is_deleted else f"+++ b/{sanitize_line(new_name)}",
    ]
    if change.is_binary:
        return [*lines, " Binary files differ"]
    for hunk in change.hunks:
        lines.append(hunk.header)
        lines.extend(line.tag + sanitize_line(line.text) for line in hunk.lines)
    return lines
