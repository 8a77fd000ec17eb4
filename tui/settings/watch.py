"""Watching the settings files of every scope, so edits on disk apply without a restart.

REF §4.2: Claude Code watches its settings files and hot-reloads permissions.  Warden watches the
*directories* of the files with ``watchfiles`` (inotify on Linux), non-recursively, and filters
the events to the files themselves: a settings file may not exist yet, nor its directory
(``.claude/`` in a new project), so the nearest existing ancestor is watched until the directory
appears, and the watch is then rebuilt.  A symlinked settings file (dotfiles) is watched at its
target too.  Changes are grouped (``step_ms`` of quiet, at most ``debounce_ms``) before
``on_change`` runs, so an editor's write-rename-chmod is one reload.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from tui.settings.paths import MANAGED_DROPINS, discover_sources, managed_dir

DEBOUNCE_MS = 200
"""Longest a burst of changes is grouped before ``on_change`` runs (milliseconds)."""
STEP_MS = 40
"""Quiet time that ends a burst (milliseconds)."""
RESYNC_TIMEOUT_MS = 400
"""After the watch is rebuilt (a directory appeared), reload once more after this long, in case
the file was written before the new watch started (milliseconds)."""

OnChange = Callable[[set[Path]], Awaitable[None]]


def watched_files(cwd: Path, env: Mapping[str, str] | None = None) -> set[Path]:
    """Every settings file that applies in ``cwd`` (managed, local, project, user; they may not
    exist), plus the real target of each one that is a symlink."""
    files: set[Path] = set()
    for source in discover_sources(cwd, env):
        assert source.path is not None
        path = Path(os.path.abspath(source.path))
        files.add(path)
        if path.is_symlink():
            files.add(Path(os.path.realpath(path)))
    return files


def _existing(path: Path) -> Path:
    """``path`` if it is a directory, else its nearest existing ancestor."""
    while not path.is_dir() and path.parent != path:
        path = path.parent
    return path


def watch_roots(files: set[Path], dropins: Path) -> set[Path]:
    """The directories to watch (non-recursively) for ``files`` and the managed drop-in folder."""
    return {_existing(f.parent) for f in files} | {_existing(dropins)}


def relevant(path: Path, files: set[Path], dropins: Path) -> bool:
    """True when a change to ``path`` can change the settings: one of ``files``, a ``.json`` in
    the drop-in folder, or a directory on the way to one of them (created or removed)."""
    if path in files or (path.parent == dropins and path.name.endswith(".json")):
        return True
    # Strictly above a file, compared as written: not tui.pathutil's containment (which
    # would also count the file itself, handled above, and fold "..").
    return any(path in f.parents for f in (*files, dropins / "x.json"))


async def watch_settings(cwd: Path, on_change: OnChange, *, stop: asyncio.Event,
                         env: Mapping[str, str] | None = None, debounce_ms: int = DEBOUNCE_MS,
                         step_ms: int = STEP_MS) -> None:
    """Call ``on_change(paths)`` after each burst of changes to the settings files of ``cwd``,
    until ``stop`` is set (or the task is cancelled).

    ``paths`` are the changed files (or directories on the way to them).  The watch is rebuilt
    when a directory on the way to a file appears or disappears.

    Raises:
        OSError: the watch cannot be set up (e.g. the inotify watch limit is reached); the
            caller tells the user that edits on disk will not be picked up.
    """
    from watchfiles import awatch

    dropins = Path(os.path.abspath(managed_dir(env) / MANAGED_DROPINS))
    resync = False
    while not stop.is_set():
        files = watched_files(cwd, env)
        roots = watch_roots(files, dropins)
        rebuilt = False
        async for changes in awatch(*roots, watch_filter=None, debounce=debounce_ms,
                                    step=step_ms, stop_event=stop, recursive=False,
                                    rust_timeout=RESYNC_TIMEOUT_MS, yield_on_timeout=True):
            if not changes:
                if resync:
                    resync = False
                    await on_change(set(files))
                continue
            hits = {Path(p) for _, p in changes if relevant(Path(p), files, dropins)}
            if not hits:
                continue
            await on_change(hits)
            if watch_roots(watched_files(cwd, env), dropins) != roots or any(
                    h not in files for h in hits):
                rebuilt = True
                break
        if not rebuilt:
            return
        resync = True
