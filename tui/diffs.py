"""Proposed file changes and their unified-diff hunks (UI-free).

A :class:`FileChange` is what an ``Edit`` or ``Write`` tool call would do to one file: the text
before (``None`` for a new file) and after.  Hunks come from a minimal line diff (rapidfuzz's
longest common subsequence, :mod:`tui.linediff`) grouped as :mod:`difflib` groups them, with
three lines of context, as ``git diff`` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
        path: absolute path of the file (after the change, for a rename).
        old_text: current content, or ``None`` when the file does not exist yet.
        new_text: content after the change (``""`` for a deletion).
        display_path: path as shown to the user (relative to the working directory when inside it).
        context: lines of unchanged context around each hunk.
        old_path: the file's path before a rename (``None``: not renamed).  A rename may also
            change the content; the hunks are then those of ``old_text`` -> ``new_text``.
        deleted: the change removes the file (``new_text`` is then ``""``; every line is removed).
        binary: the content is binary (also detected: see :attr:`is_binary`).
    """

    path: Path
    old_text: str | None
    new_text: str
    display_path: str = ""
    context: int = field(default=3, compare=False)
    old_path: Path | None = None
    deleted: bool = False
    binary: bool = False

    @property
    def is_new(self) -> bool:
        """True when the change creates the file."""
        return self.old_text is None

    @property
    def is_deleted(self) -> bool:
        """True when the change removes the file."""
        return self.deleted

    @property
    def is_renamed(self) -> bool:
        """True when the change moves the file to a new path."""
        return self.old_path is not None and self.old_path != self.path

    @property
    def is_binary(self) -> bool:
        """True for binary content: the ``binary`` flag, or a NUL character on either side (the
        test ``git diff`` uses, on the text as decoded)."""
        return self.binary or "\0" in self.new_text or "\0" in (self.old_text or "")

    @property
    def old_display_path(self) -> str:
        """The path before a rename as shown to the user, relative the way ``display_path`` is
        (``""`` when not renamed).

        When ``display_path`` is a suffix of ``path`` (relative to a working directory), the old
        path is shown relative to that same directory when it lies inside it; otherwise whole.
        """
        if self.old_path is None:
            return ""
        shown = Path(self.display_path) if self.display_path else None
        suffix = shown.parts if shown is not None and not shown.is_absolute() else ()
        if suffix and self.path.parts[-len(suffix):] == suffix:
            root = Path(*self.path.parts[: len(self.path.parts) - len(suffix)])
            if self.old_path.is_relative_to(root):
                return str(self.old_path.relative_to(root))
        return str(self.old_path)

    def size_bytes(self) -> tuple[int, int]:
        """``(old, new)`` sizes in bytes of the UTF-8 encoded texts (0 for a missing side)."""

        def size(text: str | None) -> int:
            return len(text.encode("utf-8", "surrogateescape")) if text else 0

        return size(self.old_text), size(self.new_text)

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
    hunks: list[Hunk] = []
    from tui.linediff import grouped_opcodes, opcodes  # rapidfuzz: loaded on first diff

    for group in grouped_opcodes(opcodes(old_lines, new_lines), context):
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
    from tui.linediff import grouped_opcodes, opcodes

    # The same opcodes and grouping as compute_hunks, so hunk indexes match.
    codes = opcodes(old_lines, new_lines)
    owner: dict[tuple[str, int, int, int, int], int] = {}
    for index, group in enumerate(grouped_opcodes(codes, change.context)):
        for op in group:
            if op[0] != "equal":
                owner[op] = index
    out: list[str] = []
    for op in codes:
        tag, i1, i2, j1, j2 = op
        if tag == "equal" or owner.get(op) not in accepted:
            out.extend(old_keep[i1:i2])
        else:
            out.extend(new_keep[j1:j2])
    # Some hunks stay: a deletion keeps the file, with the lines it keeps.
    return replace(change, new_text="".join(out), deleted=False)
