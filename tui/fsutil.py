"""Atomic file writes: a temporary file in the same directory, fsync, rename, directory fsync.

"Nothing the user wrote is lost": a reader sees the old file or the new one, never half of one,
and the rename survives a crash once this returns.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "fsync_dir"]


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable; a file system that refuses a directory fsync
    (EINVAL) is ignored, since the data itself is already synced."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        return
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically, creating its parent directories.

    Args:
        path: the file to write; a symlink is replaced by a regular file.
        text: the whole new content.
        mode: permission bits of the new file (default owner read/write only).

    Raises:
        OSError: the directory cannot be created or written; the old file is then untouched
            and no temporary file is left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
