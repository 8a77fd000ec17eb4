"""What a Bash command approved by ``acceptEdits`` changed, for the changes-this-turn review.

Issue 9, family 11: ``acceptEdits`` approves ``mkdir``, ``touch``, ``cp``, ``mv`` and
``sed -i`` inside the working directories "while maintaining permission prompts for commands
with side effects" (the seeds).  Like an edit approved by the mode, what such a command wrote
appears in the review so any hunk can be reverted.

:func:`snapshot` reads the command's write targets before it runs; :meth:`Snapshot.changes`
compares them afterwards.  Only regular text files up to :data:`MAX_BYTES` inside the working
directories are kept; directories, binary files and globbed targets are left out (the review
shows text hunks).  UI-free and blocking: run it in a thread for large targets.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.diffs import FileChange

MAX_BYTES = 1_000_000
"""Largest file (bytes) whose before and after texts are kept."""
MAX_FILES = 50
"""Most files one command's snapshot keeps."""


def _read(path: Path) -> str | None:
    """The file's text, ``None`` when absent; raises ValueError when not reviewable."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if not os.path.isfile(path) or st.st_size > MAX_BYTES:
        raise ValueError("not a reviewable file")
    data = path.read_bytes()
    if b"\0" in data:
        raise ValueError("binary")
    return data.decode("utf-8")


@dataclass
class Snapshot:
    """The write targets of one command and their texts before it ran.

    Attributes:
        before: absolute path -> text before (``None``: the file did not exist).
        cwd: the working directory, for display paths.
    """

    before: dict[Path, str | None] = field(default_factory=dict)
    cwd: Path | None = None

    def changes(self) -> list[FileChange]:
        """The files whose text differs now: created, modified or removed (in that order of
        the targets); unreadable or now-binary files are skipped."""
        out: list[FileChange] = []
        for path, old in self.before.items():
            try:
                new = _read(path)
            except (ValueError, OSError, UnicodeDecodeError):
                continue
            if new == old:
                continue
            label = _display(path, self.cwd)
            if new is None:
                if old is not None:
                    out.append(FileChange(path, old, "", label, deleted=True))
                continue
            out.append(FileChange(path, old, new, label))
        return out


def _display(path: Path, cwd: Path | None) -> str:
    if cwd is not None and (path == cwd or cwd in path.parents):
        return str(path.relative_to(cwd))
    return str(path)


def snapshot(analysis: Any, working_dirs: Sequence[Path]) -> Snapshot:
    """Read the texts of ``analysis.writes`` (a :class:`~tui.shell.model.ShellAnalysis`) that
    lie inside ``working_dirs``, before the command runs."""
    from tui.permissions.engine import effective_paths, is_inside

    snap = Snapshot(cwd=working_dirs[0] if working_dirs else None)
    for ref in getattr(analysis, "writes", ()):
        paths = effective_paths(ref)
        if not paths or not all(is_inside(p, tuple(working_dirs)) for p in paths):
            continue
        path = paths[-1]
        if path in snap.before or len(snap.before) >= MAX_FILES:
            continue
        try:
            snap.before[path] = _read(path)
        except (ValueError, OSError, UnicodeDecodeError):
            continue
    return snap
