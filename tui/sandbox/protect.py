"""Protected paths that do not exist yet, and the full protected list for auto-allowed commands.

Source: issue 10 items 2 and 5; REF §6.2 (sandbox-level protected paths, bare-repository plant
files), REF §6.3 (bubblewrap mounts existing paths only), REF §11.1 (the protected names),
gitrepository-layout(5) (``commondir``, ``config.worktree``, ``worktrees/``, ``modules/``).

bubblewrap can only make an *existing* path read-only, and the mount point of a path that does
not exist is created in the host directory (the working directory is a bind of the host's).
So a protected path that does not exist is **held**: right before the command Warden creates it
itself, empty or with a harmless content (a :class:`Hold`), the runner mounts it read-only like
any protected path, and right after the command Warden removes it again if it is still what
Warden made (:func:`release_holds`).  Inside the sandbox the command cannot write it (``EROFS``),
replace it, remove or rename it (a mount point: ``EBUSY``), or rename its directory (pinned).

Choices, and what they cost:

* *Not* a read-only bind of the parent directory: that would forbid creating any new entry at
  the top of the project (``mkdir build``, ``.pytest_cache``) and renaming or removing any
  existing one (``sed -i`` renames over its file).
* *Not* ``/dev/null``: a character device stays writable on a read-only mount (writes vanish
  silently, so nothing is reported), and an empty ``.git/commondir`` makes git fail.
* Held paths exist on the host while the command runs, so another program looking at the
  project then (an editor, ``git status`` in another terminal) sees them; inside the sandbox,
  held *files* show up in ``git status`` as untracked (held directories are empty, and git does
  not list empty directories).  If Warden is killed during a command they stay behind; each is
  inert (empty, ``{}`` for JSON files, ``.`` for ``commondir``, which git reads as "this git
  directory").
* Held files are files (empty, or ``{}``), not directories: most tools read an empty
  configuration file as "no settings", while a directory in its place makes pnpm, yarn or bun
  fail.  Names inert at the top of a project are not held (:data:`INERT_AT_TOP`).
* Names whose mere presence changes how a tool runs are not held (:data:`WATCHED_ONLY`:
  ``pyrightconfig.json`` takes precedence over ``pyproject.toml``, the first ``lefthook`` file
  found wins, ``.bazelversion`` picks a version, ``.pnp.cjs`` switches tools to Plug'n'Play): if
  an auto-allowed command creates one, Warden removes it after the command and says so.
* Only the tops of the working directories (and the home directory, when writable) are held;
  a protected name that does not exist deeper down is not (there are too many places).

Which paths, per profile (:data:`tui.permissions.sandbox_mode.SandboxProfile`):

* every sandboxed command (``"sandbox"`` and ``"auto-allow"``): ``HEAD`` at the top of a
  working directory that is not a git directory (:data:`BARE_MARKERS`: a planted bare
  repository needs it, and git would obey its ``config``); ``commondir`` in ``.git``, in each
  submodule's git directory (``.git/modules/**``, plus a missing ``hooks``) and in each linked
  worktree's (``.git/worktrees/*``), and ``config.worktree`` where ``extensions.worktreeConfig``
  is on.  Existing ones are found by
  :func:`tui.sandbox.policy.protected_write_paths`;
* ``"auto-allow"`` also: every name of REF §11.1 (:data:`tui.permissions.protected.PROTECTED_DIRS`
  and ``PROTECTED_FILES``) at the top of each working directory, ``.git`` itself included
  (the whole ``.git`` is read-only: a command that writes the repository is not auto-allowed,
  :func:`tui.permissions.contained.auto_allow_held`); shell start-up files, ``.gitconfig`` and
  ``.config/git`` only in the home directory, where they are read.  Existing ones at any depth
  down to :data:`tui.sandbox.policy.NESTED_DEPTH` are found by :func:`auto_allow_protected`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.pathutil import lexically_inside
from tui.permissions.protected import PROTECTED_DIRS, PROTECTED_FILES
from tui.sandbox.policy import (
    SHELL_RC_FILES,
    SandboxPolicy,
    bounded_scan,
    is_git_dir,
)

__all__ = [
    "BARE_MARKERS",
    "HOME_ONLY",
    "INERT_AT_TOP",
    "WATCHED_ONLY",
    "Held",
    "Hold",
    "auto_allow_protected",
    "held_violations",
    "make_holds",
    "plan_holds",
    "refuse_created",
    "release_holds",
    "watched_missing",
]

BARE_MARKERS: tuple[str, ...] = ("HEAD",)
"""Held (as an empty directory) at the top of a working directory that is not a git directory.
git takes a directory for a (bare) git directory only with a valid ``HEAD`` file next to
``objects/`` and ``refs/`` (gitrepository-layout(5)); a directory named ``HEAD`` is never a valid
``HEAD`` (git cannot read it), so while it is held the top cannot become a git directory, and
``objects/``, ``refs/`` or ``config`` written there are inert (each hold is one more mount: the
other two are not held, to keep the sandbox's start-up cost down)."""

HOME_ONLY: frozenset[str] = frozenset(
    {n for n in SHELL_RC_FILES if n != ".envrc"} | {".gitconfig", ".claude.json"})
"""Protected names that only matter in the home directory (shells and git read them there), so
they are held only there.  ``.envrc`` is read by direnv in any directory."""

WATCHED_ONLY: frozenset[str] = frozenset({
    "pyrightconfig.json", "lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml",
    ".bazelversion", ".pnp.cjs", ".pnp.loader.mjs",
})
"""Protected names never held, because an empty one changes how a tool runs; one an
auto-allowed command creates is removed after the command (:func:`refuse_created`)."""

INERT_AT_TOP: frozenset[str] = frozenset({
    "gradle-wrapper.properties", "maven-wrapper.properties", ".ripgreprc"})
"""Protected names that no tool reads at the top of a project (the wrappers read
``gradle/wrapper/`` and ``.mvn/wrapper/``; ripgrep reads a config file only when
``RIPGREP_CONFIG_PATH`` names it), so they are not held there."""

_JSON = b"{}\n"
_COMMONDIR_SELF = b".\n"
"""A held ``commondir`` in a main or submodule git directory: git reads it as "this
directory", so git works as before inside the sandbox and, while held, outside it."""
_COMMONDIR_WORKTREE = b"../..\n"
"""A held ``commondir`` in ``.git/worktrees/NAME``: where a linked worktree's one points."""
_MODULE_BUDGET = 500
"""Directory entries looked at below ``.git/modules`` and ``.git/worktrees``."""


@dataclass(frozen=True)
class Hold:
    """A protected path that does not exist, to be created by Warden and mounted read-only for
    one command.

    Attributes:
        path: absolute, inside a writable tree; its parent exists.
        is_dir: create an empty directory (else a file).
        content: the file's bytes (harmless for whoever reads it).
    """

    path: Path
    is_dir: bool
    content: bytes = b""


@dataclass(frozen=True)
class Held:
    """A :class:`Hold` Warden created: ``ident`` is its ``(st_dev, st_ino)``."""

    hold: Hold
    ident: tuple[int, int]


def _writable(path: Path, policy: SandboxPolicy) -> bool:
    return (lexically_inside(path, *policy.write_paths)
            and not lexically_inside(path, *policy.deny_write))


def _real_dir(path: Path) -> bool:
    """``path`` is a directory and not a symbolic link (its children are where they seem)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _missing(path: Path) -> bool:
    return not os.path.lexists(path)


def _git_dirs_below(top: Path, budget: list[int]) -> Iterator[Path]:
    """Git directories below ``top`` (``.git/modules`` holds one per submodule, at the
    submodule's path, each with its own ``modules``), breadth first, bounded by ``budget``."""
    queue = [top]
    while queue:
        directory = queue.pop(0)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            budget[0] -= 1
            if budget[0] < 0:
                return
            if not e.is_dir(follow_symlinks=False):
                continue
            path = Path(e.path)
            if os.path.lexists(path / "HEAD"):
                yield path
                if _real_dir(path / "modules"):
                    queue.append(path / "modules")
            else:
                queue.append(path)


def _worktree_config(git: Path) -> bool:
    """``extensions.worktreeConfig`` may be on in ``git/config`` (then git also reads each
    ``config.worktree``); a plain text search, so it errs towards holding."""
    try:
        with open(git / "config", "rb") as fh:
            return b"worktreeconfig" in fh.read(256 * 1024).lower()
    except OSError:
        return False


def _git_holds(git: Path) -> Iterator[Hold]:
    """Holds inside a repository's ``.git``: what could redirect git to another config
    (``commondir``; ``config.worktree`` where ``extensions.worktreeConfig`` is on), in it and
    in each submodule's and linked worktree's git directory."""
    worktree_config = _worktree_config(git)
    yield Hold(git / "commondir", False, _COMMONDIR_SELF)
    if worktree_config:
        yield Hold(git / "config.worktree", False)
    budget = [_MODULE_BUDGET]
    if _real_dir(git / "modules"):
        for module in _git_dirs_below(git / "modules", budget):
            yield Hold(module / "commondir", False, _COMMONDIR_SELF)
            if _worktree_config(module):
                yield Hold(module / "config.worktree", False)
            yield Hold(module / "hooks", True)
    if _real_dir(git / "worktrees"):
        try:
            worktrees = sorted(os.scandir(git / "worktrees"), key=lambda e: e.name)
        except OSError:
            worktrees = []
        for e in worktrees[:_MODULE_BUDGET]:
            if e.is_dir(follow_symlinks=False):
                yield Hold(Path(e.path) / "commondir", False, _COMMONDIR_WORKTREE)
                if worktree_config:
                    yield Hold(Path(e.path) / "config.worktree", False)


def _top_holds(root: Path, *, home: bool) -> Iterator[Hold]:
    """Holds for the REF §11.1 names at the top of ``root`` (auto-allow)."""
    for name in sorted(PROTECTED_DIRS):
        yield Hold(root / name, True)
    for name in sorted(PROTECTED_FILES):
        if name in WATCHED_ONLY or name in INERT_AT_TOP or (name in HOME_ONLY and not home):
            continue
        yield Hold(root / name, False, _JSON if name.endswith(".json") else b"")
    if home and _real_dir(root / ".config"):
        yield Hold(root / ".config" / "git", True)


def plan_holds(policy: SandboxPolicy, *, auto_allow: bool) -> list[Hold]:
    """The protected paths to hold for one command (see the module docstring).

    Args:
        policy: the command's policy (working directories, writable trees and the read-only
            exceptions already computed; ``realpath``'d).
        auto_allow: the command runs without a prompt under ``autoAllowBashIfSandboxed``.

    Returns:
        Holds whose path does not exist now, whose parent is a real directory, and which lie
        in a writable tree (not inside a read-only exception); none with
        ``filesystem.disabled``.  Reads the file system; never raises.
    """
    if policy.filesystem_disabled:
        return []
    out: list[Hold] = []
    home = Path(os.path.realpath(policy.home)) if policy.home is not None else None
    roots = [wd for wd in policy.working_dirs if _writable(wd, policy)]
    for wd in roots:
        git = wd / ".git"
        if auto_allow:
            out += _top_holds(wd, home=wd == home)
        elif _real_dir(git):
            out += _git_holds(git)
        if not is_git_dir(wd):
            out += [Hold(wd / name, True) for name in BARE_MARKERS]
    if auto_allow and home is not None and home not in roots and _writable(home, policy):
        out += [h for h in _top_holds(home, home=True) if h.path.name in HOME_ONLY
                or h.path.name == "git"]
    seen: set[Path] = set()
    kept: list[Hold] = []
    for h in out:
        if h.path in seen or not _missing(h.path) or not _real_dir(h.path.parent):
            continue
        if not _writable(h.path, policy):
            continue
        seen.add(h.path)
        kept.append(h)
    return kept


def make_holds(holds: Iterable[Hold]) -> tuple[list[Held], list[str]]:
    """Create each hold (exclusively: never over something that appeared meanwhile).

    Returns:
        ``(held, notes)``: what was created, and a sentence for each hold that could not be
        (it was then not protected for this command).
    """
    held: list[Held] = []
    notes: list[str] = []
    for h in holds:
        try:
            if h.is_dir:
                os.mkdir(h.path, 0o755)
            else:
                fd = os.open(h.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                             | os.O_CLOEXEC, 0o644)
                try:
                    if h.content:
                        os.write(fd, h.content)
                finally:
                    os.close(fd)
            st = os.lstat(h.path)
        except FileExistsError:
            continue  # it appeared since the plan: it exists, the next scan protects it
        except OSError as exc:
            notes.append(f"could not hold {h.path} read-only for this command: "
                         f"{exc.strerror}; a command could create it")
            continue
        held.append(Held(h, (st.st_dev, st.st_ino)))
    return held, notes


def release_holds(held: Sequence[Held]) -> list[str]:
    """Remove what :func:`make_holds` created, if it is still exactly that.

    A hold changed meanwhile (only possible from outside the sandbox: inside it is read-only)
    is left in place and named.  Never raises.
    """
    notes: list[str] = []
    for item in reversed(held):
        path = item.hold.path
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) != item.ident:
            notes.append(f"{path} was replaced outside the sandbox while the command ran; "
                         "left in place: review it")
            continue
        try:
            if item.hold.is_dir:
                os.rmdir(path)
            elif _content(path) == item.hold.content:
                os.unlink(path)
            else:
                notes.append(f"{path} was written outside the sandbox while the command ran; "
                             "left in place: review it")
        except OSError as exc:
            notes.append(f"could not remove the placeholder {path}: {exc.strerror}")
    return notes


def _content(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(4096)
    except OSError:
        return None


# -- auto-allow: every protected name, existing, at any depth ---------------------------------

_ALL_NAMES = frozenset(n.lower() for n in PROTECTED_DIRS | PROTECTED_FILES)
_SKIP_DESCEND = frozenset({"node_modules"})


def auto_allow_protected(policy: SandboxPolicy) -> list[Path]:
    """Existing REF §11.1 paths inside the writable trees, for an auto-allowed command.

    At the top of each writable tree and down to :data:`tui.sandbox.policy.NESTED_DEPTH`
    levels below it (``node_modules`` is not entered; at most
    :data:`tui.sandbox.policy.SCAN_BUDGET` entries per tree), names compared case-insensitively;
    ``.git`` whole, as a directory or a ``gitdir:`` file; ``.config/git`` in the home
    directory.  Symbolic links are resolved: the target is protected when it lies in a
    writable tree (the link itself can still be replaced, like any link).

    Returns:
        ``realpath``'d existing paths inside a writable tree, sorted.  Never raises.
    """
    if policy.filesystem_disabled:
        return []
    found: list[Path] = []
    for root in policy.write_paths:
        found += _scan(Path(root))
    home = policy.home
    if home is not None:
        git_dir = Path(os.path.realpath(home)) / ".config" / "git"
        if os.path.lexists(git_dir):
            found.append(git_dir)
    out: set[Path] = set()
    for path in found:
        real = Path(os.path.realpath(path))
        if os.path.lexists(real) and lexically_inside(real, *policy.write_paths):
            out.add(real)
    return sorted(out)


def _scan(root: Path) -> list[Path]:
    return [Path(e.path) for e in bounded_scan(root, lambda e, _depth: e.name.lower()
                                               in _ALL_NAMES, skip=_SKIP_DESCEND)]


# -- names that are watched rather than held --------------------------------------------------


def watched_missing(policy: SandboxPolicy) -> list[Path]:
    """The :data:`WATCHED_ONLY` names missing at the top of each writable working directory
    (auto-allow): an auto-allowed command may not create them."""
    out: list[Path] = []
    for wd in policy.working_dirs:
        if not _writable(wd, policy):
            continue
        out += [wd / name for name in sorted(WATCHED_ONLY) if _missing(wd / name)]
    return out


def refuse_created(paths: Iterable[Path]) -> list[str]:
    """Remove each of ``paths`` that now exists as a file or a symbolic link (it was missing
    before an auto-allowed command, which had no right to create it); a directory is left and
    named.  Returns one sentence per path found.  Never raises."""
    notes: list[str] = []
    for path in paths:
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            notes.append(f"protected path created: {path} (a directory; an auto-allowed "
                         "command may not create it: review it)")
            continue
        try:
            os.unlink(path)
        except OSError as exc:
            notes.append(f"protected path created: {path}; it could not be removed "
                         f"({exc.strerror}): review it")
            continue
        notes.append(f"refused: {path} is protected and an auto-allowed command may not "
                     "create it; Warden removed it")
    return notes


_FAILED = ("is a directory", "file exists", "not a directory", "read-only file system",
           "resource busy", "permission denied", "operation not permitted")
"""File-system errors a write to a held path gives (other lines naming ``HEAD``, as git's own
messages do, are not about the sandbox)."""


def held_violations(output: str, held: Sequence[Held], *, cwd: Path,
                    already: Sequence[str] = ()) -> list[str]:
    """``"write blocked: <path> (protected: ...)"`` for each held path that an error line of
    the command names (as written relative to ``cwd``, or absolute).

    Writing a held directory as a file fails with "Is a directory" and creating it with "File
    exists", which :func:`tui.sandbox.runner.write_violations` does not look for; paths it
    already reported (in ``already``) are not repeated.
    """
    wanted: dict[str, Path] = {}
    for item in held:
        path = item.hold.path
        wanted[os.fspath(path)] = path
        try:
            wanted[os.path.relpath(path, cwd)] = path
        except ValueError:
            continue
    if not wanted:
        return []
    reported = "\n".join(already)
    found: list[str] = []
    seen: set[Path] = set()
    for line in output.splitlines():
        lowered = line.lower()
        if not any(marker in lowered for marker in _FAILED):
            continue
        for token in _tokens(line):
            named = wanted.get(token.rstrip("/"))
            if named is None or named in seen:
                continue
            seen.add(named)
            if f"write blocked: {named} " in reported:
                continue
            found.append(f"write blocked: {named} (protected: it may not be created here, so "
                         "Warden holds it read-only while the command runs)")
    return found


def _tokens(line: str) -> Iterator[str]:
    """Words of an error line with quotes and trailing colons stripped."""
    for raw in line.replace("'", " ").replace('"', " ").replace("`", " ").split():
        word = raw.strip("\u2018\u2019\u201c\u201d:,;()")
        if word.startswith("./"):
            word = word[2:]
        if word:
            yield word
