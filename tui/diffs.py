"""Proposed file changes and their unified-diff hunks (UI-free).

A :class:`FileChange` is what an ``Edit`` or ``Write`` tool call would do to one file: the text
before (``None`` for a new file) and after.  Hunks are computed with :mod:`difflib` (the standard
library's diff algorithm), three lines of context, as ``git diff`` shows them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

LineTag = Literal[" ", "+", "-"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a hunk.

    ``tag`` is ``" "`` (context), ``"+"`` (added) or ``"-"`` (removed); ``old_no``/``new_no`` are
    1-based line numbers in the old/new file, ``None`` where the line does not exist on that side.
    ``text`` has no trailing newline.
    """

    tag: LineTag
    old_no: int | None
    new_no: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``@@ -old_start,old_len +new_start,new_len @@`` block of a unified diff."""

    index: int
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    lines: tuple[DiffLine, ...]

    @property
    def header(self) -> str:
        """The hunk header as ``git diff`` prints it, e.g. ``@@ -3,7 +3,8 @@``."""
        return f"@@ -{self.old_start},{self.old_len} +{self.new_start},{self.new_len} @@"

    @property
    def added(self) -> int:
        """Number of added lines."""
        return sum(1 for line in self.lines if line.tag == "+")

    @property
    def removed(self) -> int:
        """Number of removed lines."""
        return sum(1 for line in self.lines if line.tag == "-")


@dataclass(frozen=True)
class FileChange:
    """A proposed change to one file.

    Attributes:
        path: absolute path of the file.
        old_text: current content, or ``None`` when the file does not exist yet.
        new_text: content after the change.
        display_path: path as shown to the user (relative to the working directory when inside it).
    """

    path: Path
    old_text: str | None
    new_text: str
    display_path: str = ""
    context: int = field(default=3, compare=False)

    @property
    def is_new(self) -> bool:
        """True when the change creates the file."""
        return self.old_text is None

    @cached_property
    def hunks(self) -> tuple[Hunk, ...]:
        """The change as unified-diff hunks (empty when nothing changes)."""
        return compute_hunks(self.old_text or "", self.new_text, self.context)

    @property
    def added(self) -> int:
        """Total added lines over all hunks."""
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        """Total removed lines over all hunks."""
        return sum(h.removed for h in self.hunks)


def compute_hunks(old: str, new: str, context: int = 3) -> tuple[Hunk, ...]:
    """Diff two texts into unified hunks.

    Args:
        old: text before (``""`` for a new file).
        new: text after.
        context: lines of unchanged context around each change.

    Returns:
        The hunks in file order, numbered from 0.
    """
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    hunks: list[Hunk] = []
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for k in range(i2 - i1):
                    lines.append(DiffLine(" ", i1 + k + 1, j1 + k + 1, old_lines[i1 + k]))
                continue
            if tag in ("replace", "delete"):
                for k in range(i1, i2):
                    lines.append(DiffLine("-", k + 1, None, old_lines[k]))
            if tag in ("replace", "insert"):
                for k in range(j1, j2):
                    lines.append(DiffLine("+", None, k + 1, new_lines[k]))
        first, last = group[0], group[-1]
        old_start, old_end = first[1], last[2]
        new_start, new_end = first[3], last[4]
        old_len, new_len = old_end - old_start, new_end - new_start
        hunks.append(
            Hunk(
                index=len(hunks),
                # Unified-diff convention: an empty side starts at the line before it.
                old_start=old_start + 1 if old_len else old_start,
                old_len=old_len,
                new_start=new_start + 1 if new_len else new_start,
                new_len=new_len,
                lines=tuple(lines),
            )
        )
    return tuple(hunks)


def apply_hunks(change: FileChange, accepted: set[int] | frozenset[int]) -> FileChange:
    """The change with only the hunks whose index is in ``accepted`` applied.

    Rejected hunks keep the old lines; everything else is untouched, line endings included
    (lines are rebuilt from the texts split with their endings, indexed like the hunks).

    Returns:
        A new :class:`FileChange` from the same ``old_text`` to the partially applied text.
    """
    old = change.old_text or ""
    new = change.new_text
    hunks = change.hunks
    if set(range(len(hunks))) <= set(accepted):
        return change
    old_lines, new_lines = old.splitlines(), new.splitlines()
    old_keep, new_keep = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    # A copy first: get_grouped_opcodes() clips the first and last "equal" runs of the
    # matcher's cached opcode list in place.
    opcodes = list(matcher.get_opcodes())
    owner: dict[tuple[str, int, int, int, int], int] = {}
    for index, group in enumerate(matcher.get_grouped_opcodes(change.context)):
        for op in group:
            if op[0] != "equal":
                owner[op] = index
    out: list[str] = []
    for op in opcodes:
        tag, i1, i2, j1, j2 = op
        if tag == "equal" or owner.get(op) not in accepted:
            out.extend(old_keep[i1:i2])
        else:
            out.extend(new_keep[j1:j2])
    return FileChange(change.path, change.old_text, "".join(out), change.display_path,
                      change.context)
