"""Changes this turn: edits applied without a prompt, kept so the user can revert any hunk.

In ``acceptEdits`` mode (and whenever an allow rule lets an edit through) Warden writes the
change at once, as Claude Code does (SPEC §3, REF §1.2).  Warden adds the review afterwards:
:class:`TurnChanges` keeps, per file, the text before the turn's first edit and after its last
one, and :meth:`TurnChanges.toggle_hunk` reverts a hunk (or applies it again) on disk.

A revert is the user's own action, not the model's, so it does not pass the permission engine;
it only ever writes back text the file held before this turn, and only when the file still holds
exactly what Warden wrote (otherwise :class:`~tui.tools.files.StaleFileError`, and nothing is
written).  UI-free; the blocking methods are meant to run in a thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from tui.diffs import FileChange, apply_hunks


@dataclass
class ReviewedFile:
    """One file changed this turn.

    Attributes:
        change: text before the turn's first edit -> text after its last edit (all hunks).
        reverted: indexes of :attr:`change`'s hunks the user reverted.
    """

    change: FileChange
    reverted: set[int] = field(default_factory=set)

    @property
    def on_disk(self) -> FileChange:
        """The change as it stands on disk: every hunk except the reverted ones."""
        if not self.reverted:
            return self.change
        accepted = set(range(len(self.change.hunks))) - self.reverted
        return apply_hunks(self.change, accepted)


class TurnChanges:
    """The files edited without a prompt during the current turn, in the order first edited."""

    def __init__(self) -> None:
        self._files: list[ReviewedFile] = []
        self._lock = threading.Lock()

    @property
    def files(self) -> list[ReviewedFile]:
        """The reviewed files (a copy of the list; the entries are live)."""
        return list(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def clear(self) -> None:
        """Forget everything (a new turn starts)."""
        with self._lock:
            self._files.clear()

    def record(self, change: FileChange) -> None:
        """Note an edit that was written.

        A second edit of the same file extends the first (the review shows the turn's net
        change); when the file no longer holds what the review expects (the user reverted a
        hunk, then the model edited again) the review starts over from that point.
        """
        with self._lock:
            for index, entry in enumerate(self._files):
                if entry.change.path != change.path:
                    continue
                if entry.on_disk.new_text == change.old_text:
                    before = entry.change.old_text
                    merged = FileChange(change.path, before, change.new_text,
                                        change.display_path, change.context)
                    self._files[index] = ReviewedFile(merged)
                else:
                    self._files[index] = ReviewedFile(change)
                return
            self._files.append(ReviewedFile(change))

    def toggle_hunk(self, file_index: int, hunk_index: int) -> ReviewedFile:
        """Revert hunk ``hunk_index`` of file ``file_index`` on disk, or re-apply it.

        Blocking (reads and writes the file); run it in a thread.

        Returns:
            The updated entry.

        Raises:
            IndexError: no such file or hunk.
            StaleFileError: the file changed on disk since Warden wrote it (nothing written).
            OSError: the write failed (the file is untouched).
        """
        from tui.tools.files import apply_change

        with self._lock:
            entry = self._files[file_index]
            if not 0 <= hunk_index < len(entry.change.hunks):
                raise IndexError(f"no hunk {hunk_index + 1} in {entry.change.display_path}")
            current = entry.on_disk
            wanted = set(entry.reverted) ^ {hunk_index}
            accepted = set(range(len(entry.change.hunks))) - wanted
            target = apply_hunks(entry.change, accepted)
            label = entry.change.display_path or str(entry.change.path)
            step = FileChange(entry.change.path, current.new_text, target.new_text, label)
            if entry.change.old_text is None and not accepted:
                _delete_if_unchanged(entry.change.path, current.new_text, label)
            elif (entry.change.old_text is None and not (set(range(len(entry.change.hunks)))
                                                         - entry.reverted)):
                # Re-creating a file whose only hunks were all reverted (it was removed).
                apply_change(FileChange(entry.change.path, None, target.new_text, label),
                             label=label)
            else:
                apply_change(step, label=label)
            entry.reverted = wanted
            return entry


def _delete_if_unchanged(path: Path, expected: str, label: str) -> None:
    """Remove a file this turn created, if it still holds exactly ``expected``."""
    from tui.tools.files import StaleFileError, read_text_checked

    try:
        current = read_text_checked(path, errors="strict", label=label)
    except FileNotFoundError:
        return
    if current != expected:
        raise StaleFileError(f"{label} changed on disk since it was written; not reverted")
    path.unlink()
