"""The "Workspace" part of ``/permissions``: additional working directories (UI-free).

REF §4.5 and §5: besides the rules, the dialog manages the working directories; added
directories get the same treatment as the project (reads without a prompt, edits per mode).
They live in ``permissions.additionalDirectories`` of a settings file, written as the user typed
them and resolved like :func:`tui.settings.loader.resolve_dir` does: against the file's anchor
(the project for local and project settings, the user directory for user settings), ``~`` is the
home directory.  ``--add-dir`` and managed entries are read-only.  Writes go through
:mod:`tui.settings.writer` (atomic, other keys and formatting kept, managed files refused); the
session's reload then puts the directory in (or out of) the working directories from the next
tool call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.pathutil import lexically_inside
from tui.permissions.editor import LOCK, WRITABLE_SCOPES, DirectoryRow, EditorError, _write
from tui.settings.model import SettingsSource

DIRECTORIES_KEYS = ("permissions", "additionalDirectories")
"""Where a settings file lists its additional directories."""


def anchor_of(scope: str, file: Path, cwd: Path, env: Mapping[str, str] | None = None) -> Path:
    """The directory a relative entry in ``file`` (of ``scope``) is relative to (REF §2.5)."""
    from tui.settings.paths import anchor_for

    return anchor_for(SettingsSource(scope, file), cwd, env)  # type: ignore[arg-type]


def _same_directory(target: Path, anchor: Path,
                    env: Mapping[str, str] | None) -> Callable[[Any], bool]:
    """A test for list entries that name ``target`` (in any spelling)."""
    from tui.settings.loader import resolve_dir

    def same(item: Any) -> bool:
        return isinstance(item, str) and bool(item.strip()) and \
            resolve_dir(item, anchor, env) == target

    return same


def check_directory(text: str, scope: str, files: Mapping[str, Path], *, cwd: Path,
                    env: Mapping[str, str] | None = None) -> tuple[Path | None, str | None]:
    """Resolve a directory the user typed for ``scope``'s file, and say why it cannot be added.

    Touches the file system (does the directory exist?): call it off the event loop.

    Returns:
        ``(path, None)`` when it can be added; ``(path or None, problem)`` otherwise: empty,
        padded with spaces, missing (create it first), not a directory, or the project itself
        or inside it (already a working directory).
    """
    from tui.settings.loader import resolve_dir

    if not text.strip():
        return None, "Type a directory, e.g. ../docs, ~/notes or /srv/data."
    if text != text.strip():
        return None, "A path may not start or end with spaces."
    if scope not in WRITABLE_SCOPES:
        return None, f"Directories are added to local, project or user settings, not {scope}."
    anchor = anchor_of(scope, files[scope], cwd, env)
    path = resolve_dir(text, anchor, env)
    relative = "" if text.startswith(("/", "~")) else f" (a relative path starts at {anchor})"
    if not path.exists():
        return path, (f"{path} does not exist{relative}. Create it first (mkdir -p {path}) or "
                      "check the path.")
    if not path.is_dir():
        return path, f"{path} is a file, not a directory{relative}."
    for project in {Path(os.path.abspath(cwd)), Path(cwd).resolve()}:
        if lexically_inside(path, project):
            return path, (f"{path} is inside the project ({project}), which is a working "
                          "directory already.")
    return path, None


def add_directory(files: Mapping[str, Path], scope: str, text: str, *, cwd: Path,
                  env: Mapping[str, str] | None = None) -> Path:
    """Add ``text`` (stored as typed) to ``permissions.additionalDirectories`` of ``scope``'s
    file; returns that file.

    Raises:
        EditorError: ``scope`` is not local/project/user; the directory does not exist, is not a
            directory or is inside the project (:func:`check_directory`); the file lists it
            already (in any spelling); or the file cannot be written (unparseable, odd shape,
            managed, I/O).  Nothing was written.
    """
    path, problem = check_directory(text, scope, files, cwd=cwd, env=env)
    if problem is not None or path is None:
        raise EditorError(problem or f"{text}: not a directory.")
    file = files[scope]
    from tui.settings.writer import add_to_list

    present = _same_directory(path, anchor_of(scope, file, cwd, env), env)
    if not _write(add_to_list, file, DIRECTORIES_KEYS, text, present):
        raise EditorError(f"{path} is already in {file}.")
    return file


def remove_directory(row: DirectoryRow, *, cwd: Path,
                     env: Mapping[str, str] | None = None) -> Path:
    """Remove every entry naming ``row.path`` from ``permissions.additionalDirectories`` of its
    file; returns that file.

    Raises:
        EditorError: the row is read-only (``--add-dir``, managed, ``--settings``: the message
            names where it comes from), the file no longer lists it (changed on disk), or the
            write fails.
    """
    if row.read_only or row.file is None or row.scope not in WRITABLE_SCOPES:
        raise EditorError(f"{LOCK} {row.path} comes from {row.source}: "
                          f"{row.why_read_only or 'read-only'}.")
    from tui.settings.writer import remove_from_list

    same = _same_directory(row.path, anchor_of(row.scope, row.file, cwd, env), env)
    if not _write(remove_from_list, row.file, DIRECTORIES_KEYS, same):
        raise EditorError(f"{row.path} is no longer in {row.file} (changed on disk?).")
    return row.file
