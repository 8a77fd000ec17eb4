"""Which removed line goes with which added line, and which words changed between them.

Pure functions (no Textual), used by the prepare step that runs in a thread.  The pairing is the
one ``git diff`` viewers such as delta and GitHub's split view use: within a hunk, a run of
removed lines followed by a run of added lines is a change block, and its lines are paired row by
row (1st removed with 1st added, ...); the longer side's extra lines have no partner.

Marks follow textual-diff-view and delta: only for lines similar enough, by
:class:`difflib.SequenceMatcher` over the two lines' characters (otherwise almost everything
would be marked, which says nothing a whole-line band does not).  The marked ranges come from a
second matcher over *word tokens* (runs of letters/digits/underscores, runs of spaces, single
other characters), as GitHub and delta mark them: character-level ranges scatter over the
letters two different words happen to share (``return`` / ``middle``), which reads as noise.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from itertools import zip_longest

MIN_RATIO = 0.5
"""Least :meth:`difflib.SequenceMatcher.ratio` (0-1) for two paired lines to get marks."""

MAX_LINE_CHARS = 500
"""Lines longer than this (characters, either side) get no marks: matching is quadratic."""

Range = tuple[int, int]
"""A ``[start, end)`` range of character offsets in a line."""

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
"""A word, a run of whitespace, or one other character."""

RowPair = tuple[int | None, int | None]
"""``(left, right)`` indexes into a hunk's lines; ``None`` where a side has no line."""


def pair_rows(tags: Sequence[str]) -> list[RowPair]:
    """Lay a hunk's lines out as side-by-side rows.

    Args:
        tags: the hunk's line tags in order: ``" "`` (context), ``"-"`` (removed), ``"+"``
            (added).

    Returns:
        One ``(left, right)`` pair of line indexes per row: a context line is on both sides
        (``(i, i)``); in a change block, removed lines go left and added lines right, paired row
        by row, the shorter side padded with ``None``.
    """
    pairs: list[RowPair] = []
    index, count = 0, len(tags)
    while index < count:
        if tags[index] == " ":
            pairs.append((index, index))
            index += 1
            continue
        removed: list[int] = []
        while index < count and tags[index] == "-":
            removed.append(index)
            index += 1
        added: list[int] = []
        while index < count and tags[index] == "+":
            added.append(index)
            index += 1
        pairs.extend(zip_longest(removed, added))
    return pairs


def changed_ranges(
    old: str, new: str, *, min_ratio: float = MIN_RATIO, max_chars: int = MAX_LINE_CHARS
) -> tuple[tuple[Range, ...], tuple[Range, ...]] | None:
    """The character ranges (whole word tokens) that differ between a removed line and the added
    line paired with it.

    Args:
        old: the removed line (as displayed: offsets refer to this text).
        new: the added line.
        min_ratio: least similarity of the characters (:meth:`~difflib.SequenceMatcher.ratio`,
            0-1) to mark at all.
        max_chars: longest line (characters) that is compared.

    Returns:
        ``(old_ranges, new_ranges)``, each a tuple of ``[start, end)`` character offsets in file
        order (either may be empty: a pure insertion marks only the new line); ``None`` when
        the lines are equal, too long, or not similar enough.
    """
    if old == new or len(old) > max_chars or len(new) > max_chars:
        return None
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    # The cheap upper bounds first: most dissimilar pairs stop here.
    if matcher.real_quick_ratio() < min_ratio or matcher.quick_ratio() < min_ratio:
        return None
    if matcher.ratio() < min_ratio:
        return None
    old_tokens, old_starts = _tokens(old)
    new_tokens, new_starts = _tokens(new)
    words = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_ranges: list[Range] = []
    new_ranges: list[Range] = []
    for tag, i1, i2, j1, j2 in words.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            old_ranges.append((old_starts[i1], old_starts[i2]))
        if j2 > j1:
            new_ranges.append((new_starts[j1], new_starts[j2]))
    return tuple(old_ranges), tuple(new_ranges)


def _tokens(text: str) -> tuple[list[str], list[int]]:
    """``text``'s word tokens and their start offsets (plus ``len(text)`` at the end)."""
    tokens: list[str] = []
    starts: list[int] = []
    for match in _TOKEN.finditer(text):
        tokens.append(match.group())
        starts.append(match.start())
    starts.append(len(text))
    return tokens, starts
