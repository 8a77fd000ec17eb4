"""Read and Edit deny patterns resolved to the existing paths they cover, at any depth and size.

Source: ``SPEC.md`` §8 ("masks hold at any depth and size (or the command fails closed)"),
REF §6.2 (``denyRead`` and ``Read(...)`` deny rules make paths unreadable; read lists are
expanded to concrete paths on Linux), REF §6.3 (bubblewrap masks concrete paths: ``--tmpfs``
over a directory, ``--ro-bind /dev/null`` over a file), REF §2.5 (how deny patterns match:
gitignore syntax, a bare name at any depth, everything below a matched directory, case folded).

bubblewrap can only hide paths that exist, one mount per path, so a pattern such as
``Read(.env)`` (which matches at any depth) has to be turned into the list of ``.env`` files
that exist before each command.  :class:`DenyPaths` does that with one walk per anchor
directory (``os.scandir``), stepping every pattern's matcher
(:class:`tui.permissions.paths.TreeProgram`) one name at a time:

* no depth cap and no entry cap: a directory is skipped only when no pattern can match
  anything below it (``Read(/config/*.pem)`` in project settings lists only the project root
  and ``config``), or when a read pattern matched the directory itself (it is masked whole);
* symbolic links to directories are followed (a ``.env`` reached through ``link/.env`` is
  masked at its real path), each directory once per matcher state, so loops end; ``/proc``,
  ``/sys`` and ``/dev`` are not walked (the sandbox gets its own ``/proc`` and ``/dev``, and
  ``/sys`` holds no user files);
* listings are cached between commands and reused while the directory's ``st_mtime_ns`` /
  ``st_ctime_ns`` / inode are unchanged and were already older than :data:`RACY_S` when it was
  listed (a change in the same clock tick is never missed), so after the first command a
  walk costs one ``stat`` per directory it enters.

It fails closed: :class:`MaskUnavailable` (the runner then refuses the command, saying why and
what to do) when the walk takes longer than :data:`MASK_TIME_LIMIT_S`, when the patterns match
more than :data:`MAX_MASKS` paths (each one is a mount; bubblewrap's cost grows with the square
of the count: about 0.2 s at 256, 2.4 s at 1,024 on the development machine), or when a
directory cannot be listed although a command could open files in it by name.

What holds for files that appear later (the masks are computed right before each command):

* a file created inside a masked *directory* stays hidden: the directory is a read-only tmpfs
  in the sandbox, and the host's new files are under it;
* a masked file cannot be renamed, removed or hard-linked from inside the sandbox (it is a
  mount point: ``EBUSY``/``EXDEV``); renaming its directory moves the mount with it;
* a matching file that appears somewhere else *while a command runs* (written by another
  program on the host) is readable by that command until it ends; the next command masks it.
  A matching file the command writes itself holds only what the command already had;
* patterns match names, not contents: a hard link made earlier under another name, or a copy
  in git's object store (``git show HEAD:.env``), is not covered.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tui.pathutil import lexically_inside
from tui.permissions.paths import State, TreeProgram

__all__ = [
    "MASK_TIME_LIMIT_S",
    "MAX_MASKS",
    "RACY_S",
    "DenyPaths",
    "DenySource",
    "FoundPaths",
    "MaskUnavailable",
]

MASK_TIME_LIMIT_S = 5.0
"""Seconds one computation of the masks may take (all patterns, all anchors) before the command
is refused.  A cold walk looks at roughly 300,000 entries a second here; a warm one only
``stat``s the directories it enters."""

MAX_MASKS = 512
"""Most paths the deny patterns may resolve to (masks plus read-only binds) before the command
is refused: each is one mount, and bubblewrap's set-up time grows with the square of the count
(0.5 s at 512 on the development machine)."""

RACY_S = 2.0
"""A directory listing is reused only when the directory had not changed for this long when it
was listed (a change within the file system's timestamp granularity could otherwise be missed)."""

CACHE_LIMIT = 200_000
"""Most directory entries remembered between commands; beyond it directories are re-listed."""

_KERNEL_DIRS = frozenset({"/proc", "/sys", "/dev"})
_CHECK_EVERY = 512

Kind = Literal["read", "edit"]


class MaskUnavailable(RuntimeError):
    """The masks could not be computed, so the command must not run.

    The message says why (too slow, too many paths, a directory that cannot be listed) and what
    to do (narrow or anchor the pattern, deny a directory instead, move a large directory)."""


@dataclass(frozen=True)
class DenySource:
    """One deny entry: a ``Read``/``Edit`` deny rule or a ``sandbox.filesystem.denyRead`` entry.

    Attributes:
        label: how messages name it, e.g. ``"Read(.env) (project settings)"``.
        kind: ``"read"``: matched paths are masked (unreadable); ``"edit"``: matched paths are
            bound read-only.
        literal: for an entry without a pattern, the absolute path it names (masked when it
            exists; looked at again before every command).
        programs: the compiled pattern (one program per reading), walked below each
            program's ``root``.
    """

    label: str
    kind: Kind
    literal: Path | None = None
    programs: tuple[TreeProgram, ...] = ()


@dataclass(frozen=True)
class FoundPaths:
    """What :meth:`DenyPaths.find` found.

    Attributes:
        read: existing paths to mask (``realpath``'d, sorted, possibly nested; the policy keeps
            the outermost).
        edit: existing paths to bind read-only (``realpath``'d, sorted).
        entries: directory entries matched in this call (directories whose results were
            cached from an earlier call are not counted).
        listed: directories actually read with ``scandir`` in this call (cache misses).
    """

    read: tuple[Path, ...]
    edit: tuple[Path, ...]
    entries: int = 0
    listed: int = 0


@dataclass
class _Listing:
    key: tuple[int, int, int, int]
    trusted: bool
    # states -> (matches [(name, read hit, edit hit)], descents [(name, child states, is link)])
    results: dict[tuple[State, ...], tuple[tuple[tuple[str, bool, bool], ...],
                                           tuple[tuple[str, tuple[State, ...], bool], ...]]]
    entries: list[tuple[str, bool, bool]] | None  # (name, is dir, is symlink); None when dropped


class _Walk:
    """One computation: the deadline, counters and the visited set."""

    def __init__(self, time_limit_s: float) -> None:
        self.limit = time_limit_s
        self.deadline = time.monotonic() + time_limit_s
        self.entries = 0
        self.listed = 0
        self.visited: set[tuple[int, int, tuple[State, ...]]] = set()
        self.per_top: dict[str, int] = {}


class DenyPaths:
    """The deny sources of one session and a cache of what their walks saw.

    Args:
        sources: the deny entries (see :class:`DenySource`).
        time_limit_s: seconds one :meth:`find` may take.
        max_masks: most paths :meth:`find` may return (``read`` plus ``edit``).

    Thread-safe: one :meth:`find` runs at a time (the runner calls it off the event loop).
    """

    def __init__(self, sources: Sequence[DenySource], *,
                 time_limit_s: float = MASK_TIME_LIMIT_S, max_masks: int = MAX_MASKS) -> None:
        self.sources = tuple(sources)
        self.time_limit_s = time_limit_s
        self.max_masks = max_masks
        self._cache: dict[str, _Listing] = {}
        self._cached_entries = 0
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.sources)

    def find(self) -> FoundPaths:
        """The existing paths the sources cover now.

        Raises:
            MaskUnavailable: the walk took longer than ``time_limit_s``, the sources cover
                more than ``max_masks`` paths, or a directory that a command could enter
                could not be listed.  The message says why and what to do.
        """
        with self._lock:
            return self._find()

    # -- the walk ------------------------------------------------------------------------------

    def _find(self) -> FoundPaths:
        walk = _Walk(self.time_limit_s)
        read: dict[Path, str] = {}
        edit: dict[Path, str] = {}
        roots: dict[Path, list[tuple[TreeProgram, DenySource]]] = {}
        for src in self.sources:
            if src.literal is not None:
                if os.path.lexists(src.literal):
                    (read if src.kind == "read" else edit).setdefault(_real(src.literal),
                                                                        src.label)
                continue
            for program in src.programs:
                roots.setdefault(program.root, []).append((program, src))
        for root, pairs in roots.items():
            programs = tuple(p for p, _ in pairs)
            labels = tuple(s.label for _, s in pairs)
            kinds = tuple(s.kind for _, s in pairs)
            start = tuple(p.start() for p in programs)
            for i, states in enumerate(start):
                if programs[i].matched(states) and os.path.lexists(root):
                    # the pattern covers its own anchor (Read(./**), Edit(~/**))
                    (read if kinds[i] == "read" else edit).setdefault(_real(root), labels[i])
            start = tuple(frozenset() if programs[i].matched(s) else s
                          for i, s in enumerate(start))
            if any(start):
                self._walk_root(walk, root, programs, labels, kinds, start, read, edit)
        if len(read) + len(edit) > self.max_masks:
            raise MaskUnavailable(self._too_many(read, edit))
        return FoundPaths(tuple(sorted(read)), tuple(sorted(edit)), walk.entries, walk.listed)

    def _walk_root(self, walk: _Walk, root: Path, programs: tuple[TreeProgram, ...],
                   labels: tuple[str, ...], kinds: tuple[Kind, ...],
                   start: tuple[State, ...], read: dict[Path, str],
                   edit: dict[Path, str]) -> None:
        stack: list[tuple[str, tuple[State, ...], str]] = [(os.fspath(root), start, "")]
        while stack:
            directory, states, top = stack.pop()
            if time.monotonic() > walk.deadline:
                raise MaskUnavailable(self._too_slow(walk, root, labels))
            found = self._results(walk, directory, states, programs, kinds, labels, root, top)
            if found is None:
                continue
            matches, descents = found
            for name, read_hit, edit_hit in matches:
                path = _real(Path(directory, name))
                if read_hit:
                    read.setdefault(path, self._label_for(directory, name, states, programs,
                                                          labels, kinds, "read"))
                if edit_hit:
                    edit.setdefault(path, self._label_for(directory, name, states, programs,
                                                          labels, kinds, "edit"))
                if len(read) + len(edit) > self.max_masks:
                    raise MaskUnavailable(self._too_many(read, edit))
            for name, child, is_link in descents:
                child_dir = os.path.join(directory, name)
                if is_link:
                    real = os.path.realpath(child_dir)
                    if lexically_inside(real, *_KERNEL_DIRS):
                        continue
                    if not os.path.isdir(real):
                        continue
                elif child_dir in _KERNEL_DIRS:
                    continue
                stack.append((child_dir, child, top or name))

    def _label_for(self, directory: str, name: str, states: tuple[State, ...],
                   programs: tuple[TreeProgram, ...], labels: tuple[str, ...],
                   kinds: tuple[Kind, ...], kind: Kind) -> str:
        for i, program in enumerate(programs):
            if kinds[i] == kind and states[i] and program.matched(program.step(states[i], name)):
                return labels[i]
        return next(label for label, k in zip(labels, kinds, strict=True) if k == kind)

    def _results(self, walk: _Walk, directory: str, states: tuple[State, ...],
                 programs: tuple[TreeProgram, ...], kinds: tuple[Kind, ...],
                 labels: tuple[str, ...], root: Path, top: str):
        """``(matches, descents)`` for one directory reached with ``states``; None when it is
        gone, not a directory, already visited with these states, or safely unreadable."""
        try:
            st = os.stat(directory)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise MaskUnavailable(self._unlistable(directory, exc, labels)) from exc
        if not stat.S_ISDIR(st.st_mode):
            return None
        seen = (st.st_dev, st.st_ino, states)
        if seen in walk.visited:
            return None
        walk.visited.add(seen)
        key = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
        listing = self._cache.get(directory)
        if listing is None or listing.key != key or not listing.trusted:
            entries = self._list(walk, directory, st, labels)
            if entries is None:
                return None
            listing = _Listing(key, _settled(st), {}, entries)
            self._remember(directory, listing)
        cached = listing.results.get(states)
        if cached is not None:
            return cached
        if listing.entries is None:  # dropped to save memory: list again
            entries = self._list(walk, directory, st, labels)
            if entries is None:
                return None
            listing.entries = entries
        walk.per_top[top] = walk.per_top.get(top, 0) + len(listing.entries)
        matches: list[tuple[str, bool, bool]] = []
        descents: list[tuple[str, tuple[State, ...], bool]] = []
        for n, (name, is_dir, is_link) in enumerate(listing.entries):
            if n % _CHECK_EVERY == 0 and time.monotonic() > walk.deadline:
                raise MaskUnavailable(self._too_slow(walk, root, labels))
            walk.entries += 1
            child = tuple(programs[i].step(s, name) if s else s
                          for i, s in enumerate(states))
            read_hit = edit_hit = False
            for i, s in enumerate(child):
                if s and programs[i].matched(s):
                    if kinds[i] == "read":
                        read_hit = True
                    else:
                        edit_hit = True
            if read_hit or edit_hit:
                matches.append((name, read_hit, edit_hit))
            if read_hit or not (is_dir or is_link):
                continue  # a masked directory hides everything below it
            below = tuple(frozenset() if s and programs[i].matched(s) else s
                          for i, s in enumerate(child))
            if any(below):
                descents.append((name, below, is_link))
        result = (tuple(matches), tuple(descents))
        listing.results[states] = result
        if listing.trusted:
            listing.entries = None  # the results are what later commands need
        return result

    def _list(self, walk: _Walk, directory: str, st: os.stat_result,
              labels: tuple[str, ...]) -> list[tuple[str, bool, bool]] | None:
        try:
            with os.scandir(directory) as it:
                entries = []
                for e in it:
                    try:
                        is_link = e.is_symlink()
                        is_dir = not is_link and e.is_dir(follow_symlinks=False)
                    except OSError:
                        is_link = is_dir = False
                    entries.append((e.name, is_dir, is_link))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except PermissionError as exc:
            if not os.access(directory, os.X_OK):
                return None  # nobody with our rights can open anything inside it either
            raise MaskUnavailable(self._unlistable(directory, exc, labels)) from exc
        except OSError as exc:
            raise MaskUnavailable(self._unlistable(directory, exc, labels)) from exc
        walk.listed += 1
        return entries

    def _remember(self, directory: str, listing: _Listing) -> None:
        old = self._cache.pop(directory, None)
        if old is not None:
            self._cached_entries -= _size(old)
        if not listing.trusted:
            return
        size = _size(listing)
        if self._cached_entries + size > CACHE_LIMIT:
            return
        self._cache[directory] = listing
        self._cached_entries += size

    # -- messages ------------------------------------------------------------------------------

    def _too_slow(self, walk: _Walk, root: Path, labels: Iterable[str]) -> str:
        names = _names(labels)
        biggest = max((t for t in walk.per_top if t), key=lambda t: walk.per_top[t],
                      default="")
        where = (f"; most were below {os.path.join(root, biggest)}"
                 if biggest and walk.per_top[biggest] * 2 > walk.entries else "")
        return (f"the paths that {names} cover could not be found within {walk.limit:g} s "
                f"({walk.entries:,} directory entries looked at below {root}{where}), so the "
                "command was not run: without the masks it could read what the rule protects. "
                "Fix: anchor the pattern where the files are (in project settings "
                "Read(/config/.env) matches only there, while Read(.env) and "
                "Read(config/.env) match at any depth), or move large directories out of "
                f"{root}")

    def _too_many(self, read: dict[Path, str], edit: dict[Path, str]) -> str:
        counts: dict[str, int] = {}
        for label in (*read.values(), *edit.values()):
            counts[label] = counts.get(label, 0) + 1
        worst = max(counts, key=lambda k: counts[k])
        examples = [str(p) for p, label in (*read.items(), *edit.items()) if label == worst][:3]
        return (f"{worst} covers at least {counts[worst]:,} existing paths (e.g. "
                f"{', '.join(examples)}); the deny entries cover more than {self.max_masks} "
                "paths, each hidden by its own mount, so the command was not run. Fix: deny "
                "the directories that hold them instead (e.g. Read(./logs/**)), or narrow the "
                "pattern")

    def _unlistable(self, directory: str, exc: OSError, labels: Iterable[str]) -> str:
        why = exc.strerror or type(exc).__name__
        return (f"{directory} cannot be listed ({why}) to look for the paths that "
                f"{_names(labels)} cover, but a command could still open files in it by "
                "name, so the command was not run. Fix: make the directory readable to you "
                "(chmod u+r), or not enterable (chmod a-x), or name the files in the pattern")


def _settled(st: os.stat_result) -> bool:
    horizon = time.time_ns() - int(RACY_S * 1e9)
    return st.st_mtime_ns < horizon and st.st_ctime_ns < horizon


def _size(listing: _Listing) -> int:
    return (len(listing.entries) if listing.entries is not None else 0) + sum(
        len(m) + len(d) for m, d in listing.results.values())


def _names(labels: Iterable[str]) -> str:
    unique = list(dict.fromkeys(labels))
    if len(unique) <= 3:
        return " and ".join(unique)
    return f"{', '.join(unique[:3])} and {len(unique) - 3} more deny entries"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))
