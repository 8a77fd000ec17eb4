"""Atomic file writes: a temporary file in the same directory, fsync, rename, directory fsync.

"Nothing the user wrote is lost": a reader sees the old file or the new one, never half of one,
and the rename survives a crash once this returns.  Every file Warden writes for the user
(settings, preferences, trust, the file tools' edits, ``.gitignore`` lines, cassettes) goes
through :func:`atomic_write_bytes`; the options say what happens to an existing file's
permission bits and to a symlink.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["atomic_write_bytes", "atomic_write_text", "default_file_mode", "fsync_dir"]


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


def default_file_mode() -> int:
    """Permission bits ``open()`` would give a new file: ``0o666`` less the process umask.

    Reads the umask from ``/proc/self/status`` where it can (setting it to read it, the
    fallback, is not thread-safe).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass  # Not Linux, or no /proc: fall back to reading the umask by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = 0o600,
                       keep_mode: bool = False, follow_symlinks: bool = False,
                       make_parents: bool = True, refuse_read_only: bool = False) -> None:
    """Replace the content of ``path`` with ``data`` atomically.

    ``data`` goes to a temporary file ``.<name>.<random>.tmp`` in the same directory, is
    flushed and fsync'd, gets its permission bits and is renamed over the target; then the
    directory is fsync'd (:func:`fsync_dir`).  Blocking: call it through ``asyncio.to_thread``
    from the event loop.

    Args:
        path: the file to write.
        data: the whole new content (written byte for byte: no newline translation).
        mode: permission bits of a new file; None: ``0o666`` less the umask
            (:func:`default_file_mode`).
        keep_mode: an existing file keeps its permission bits (those of a symlink's target);
            ``mode`` then applies to a new file only.  False: the file always gets ``mode``.
        follow_symlinks: True: a symlink is written through (its target is replaced, the
            link stays).  False: the link itself is replaced by a regular file.
        make_parents: create missing parent directories (of the target, when following a
            symlink); False: a missing directory raises FileNotFoundError.
        refuse_read_only: raise PermissionError when the existing file's mode does not let
            this user write it (a rename would otherwise replace a file the user protected).

    Raises:
        PermissionError: ``refuse_read_only`` and the file is not writable, or the directory
            is not writable.
        OSError: any other failure to create, write or rename.  The old file is then
            untouched and no temporary file is left behind.
    """
    target = Path(os.path.realpath(path)) if follow_symlinks else path
    new_mode = mode
    if keep_mode or refuse_read_only:
        try:
            old_mode: int | None = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            old_mode = None
        if old_mode is not None and refuse_read_only and not os.access(target, os.W_OK):
            raise PermissionError(f"{path} is not writable (mode {old_mode:o})")
        if keep_mode and old_mode is not None:
            new_mode = old_mode
    if new_mode is None:
        new_mode = default_file_mode()
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, new_mode)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def atomic_write_text(path: Path, text: str, *, mode: int | None = 0o600,
                      keep_mode: bool = False, follow_symlinks: bool = False,
                      make_parents: bool = True, refuse_read_only: bool = False) -> None:
    """Replace ``path`` with ``text`` encoded as UTF-8 (no newline translation: CRLF stays CRLF)
    atomically; see :func:`atomic_write_bytes` for the options.

    With the defaults: parent directories are created, a symlink is replaced by a regular
    file, and the file gets mode ``0o600`` (owner read/write only).

    Raises:
        UnicodeEncodeError: ``text`` holds a lone surrogate (nothing is written).
        PermissionError, OSError: as :func:`atomic_write_bytes`; the old file is untouched.
    """
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode, keep_mode=keep_mode,
                       follow_symlinks=follow_symlinks, make_parents=make_parents,
                       refuse_read_only=refuse_read_only)


def read_json_store(path: Path, section: str, *, what: str, forget: str,
                    error: type[Exception]) -> dict[str, Any] | None:
    """Read one of Warden's JSON stores (``trust.json``, ``mcp.json``): an object holding the
    object ``section``.  The one reader of both, so a broken store fails closed the same way.

    Args:
        path: the store.
        section: the object the store must hold (``"folders"``, ``"servers"``).
        what: the store's name in messages (``"trust"``, ``"MCP approvals"``).
        forget: what deleting the file costs, for messages ("every folder will be asked about
            again").
        error: the exception class to raise.

    Returns:
        The parsed object, or None when the file does not exist.

    Raises:
        error: the file cannot be read, is not UTF-8 JSON, or has no ``section`` object; the
            message names the file (and line and column for a syntax error) and what to do.
    """
    import json

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise error(f"{path}: cannot read it ({why}); check its permissions, or delete it "
                    f"({forget})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); fix or delete the "
                    f"file ({forget})") from None
    if not isinstance(data, dict) or not isinstance(data.get(section), dict):
        raise error(f"{path}: not a Warden {what} file (no \"{section}\" object); fix or delete "
                    "it")
    return data
