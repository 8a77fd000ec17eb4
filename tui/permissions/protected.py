"""Protected paths (REF §11.1): writes that no allow rule and no ``acceptEdits`` may approve.

Each of these can make a later tool (git, a shell, a package manager, an editor, or Warden
itself) run attacker-chosen code or change the agent's own permissions.

:func:`protected_reason` looks at the path only.  :func:`bare_repo_reason` also looks at the
file system: a directory holding ``HEAD``, ``objects/`` and ``refs/`` is a bare repository to
git (gitrepository-layout(5), https://git-scm.com/docs/gitrepository-layout), whose ``config``
git obeys when run there or below, so writing those markers is writing git configuration.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

PROTECTED_FILE_KINDS: dict[str, tuple[str, ...]] = {
    "shell start-up": (".bashrc", ".bash_profile", ".bash_login", ".bash_logout",
                       ".bash_aliases", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin",
                       ".zlogout", ".envrc"),
    "git configuration": (".gitconfig", ".gitmodules"),
    "agent configuration": (".mcp.json", ".claude.json"),
    "package manager": (".npmrc", ".yarnrc", ".yarnrc.yml", ".pnp.cjs", ".pnp.loader.mjs",
                        ".pnpmfile.cjs", "bunfig.toml", ".bunfig.toml"),
    "build tool": (".bazelrc", ".bazelversion", ".bazeliskrc", "gradle-wrapper.properties",
                   "maven-wrapper.properties"),
    "hook manager": (".pre-commit-config.yaml", "lefthook.yml", "lefthook.yaml", ".lefthook.yml",
                     ".lefthook.yaml"),
    "editor and tool": (".devcontainer.json", ".ripgreprc", "pyrightconfig.json"),
}
"""Protected file names (REF §11.1) by what runs them: the one home of the list.  Shell start-up
files run in every new shell (``.envrc`` with direnv on ``cd``); the others are read by git,
an agent, a package manager, a build tool, a hook manager or an editor, each of which can be
made to run a program from them.  The sandbox derives its narrower set from these kinds
(:mod:`tui.sandbox.policy`)."""

PROTECTED_DIR_KINDS: dict[str, tuple[str, ...]] = {
    "git": (".git",),
    "agent configuration": (".claude",),
    "editor tasks": (".vscode", ".idea"),
    "hook manager": (".husky",),
    "package manager": (".cargo", ".yarn", ".mvn"),
    "container": (".devcontainer",),
}
"""Protected directory names (contents protected at any depth, ``.claude/worktrees`` excepted),
by what reads them."""

SHELL_RC_FILES: tuple[str, ...] = PROTECTED_FILE_KINDS["shell start-up"]
"""Shell start-up files (REF §6.2 "shell rc files"; ``.envrc`` is run by direnv on ``cd``)."""

PROTECTED_DIRS: frozenset[str] = frozenset(n for names in PROTECTED_DIR_KINDS.values()
                                           for n in names)
"""Directory names whose contents are protected at any depth (``.claude/worktrees`` excepted)."""

PROTECTED_DIR_PATHS: tuple[tuple[str, ...], ...] = ((".config", "git"),)
"""Multi-segment protected directories."""

PROTECTED_FILES: frozenset[str] = frozenset(n for names in PROTECTED_FILE_KINDS.values()
                                            for n in names)
"""File names protected wherever they are."""


def protected_reason(path: str) -> str | None:
    """Why writing ``path`` (absolute, normalised) is protected, or ``None`` if it is not.

    Names are compared case-insensitively, so ``.GIT/hooks`` on a case-insensitive file system
    cannot slip past.
    """
    parts = [p.lower() for p in PurePosixPath(path).parts]
    for i, part in enumerate(parts[:-1]):
        if part in PROTECTED_DIRS:
            if part == ".claude" and i + 1 < len(parts) and parts[i + 1] == "worktrees":
                continue
            return f"{part}/ is a protected directory"
        for seq in PROTECTED_DIR_PATHS:
            if tuple(parts[i:i + len(seq)]) == seq and len(parts) > i + len(seq):
                return f"{'/'.join(seq)}/ is a protected directory"
    name = parts[-1] if parts else ""
    if name in PROTECTED_FILES:
        return f"{name} is a protected file"
    if name in PROTECTED_DIRS:
        return f"{name} is a protected directory"
    return None


BARE_REPO_MARKERS: tuple[str, ...] = ("HEAD", "objects", "refs")
"""What git's ``is_git_directory`` requires of a directory (``config`` is optional)."""

_MARKERS = frozenset(m.lower() for m in BARE_REPO_MARKERS)
_ROOT_NAMES = _MARKERS | {"packed-refs"}
"""Protected at a working directory's root whatever else is there (rare in a project)."""
_FILE_NAMES = frozenset({"config", "config.worktree", "commondir", "gitdir", "packed-refs"})
"""Git-directory files: ``config/app.yml`` is a project directory, not one of these."""
_DIR_NAMES = frozenset({"hooks", "info", "worktrees", "modules"})
_BARE_NAMES = _MARKERS | _FILE_NAMES | _DIR_NAMES


def _markers_in(directory: Path, pending: list[Path]) -> set[str]:
    """The markers ``directory`` holds now or will hold after the pending writes."""
    present = {m.lower() for m in BARE_REPO_MARKERS
               if os.path.lexists(os.path.join(directory, m))}
    for other in pending:
        parts = other.parts
        if len(parts) > len(directory.parts) and Path(*parts[:len(directory.parts)]) == directory:
            name = parts[len(directory.parts)].lower()
            if name in _MARKERS:
                present.add(name)
    return present


def bare_repo_reason(path: Path, working_dirs: Iterable[Path],
                     pending: Iterable[Path] = ()) -> str | None:
    """Why writing ``path`` plants or changes a bare git repository, or ``None``.

    For each ancestor ``D`` of ``path`` whose next component ``C`` is a git-directory name
    (compared case-insensitively, like :func:`protected_reason`):

    * ``C`` is ``HEAD``, ``objects``, ``refs`` or ``packed-refs`` and ``D`` is a working
      directory: protected;
    * ``D`` holds (now, or after the ``pending`` writes of the same command) two of ``HEAD``,
      ``objects``, ``refs``, counting ``C`` itself: protected.  ``C`` may then also be
      ``config``, ``config.worktree``, ``commondir``, ``gitdir`` or ``packed-refs`` (only as the
      written file itself, never as a directory: ``config/app.yml`` is not protected) or under
      ``hooks/``, ``info/``, ``worktrees/``, ``modules/``.

    Completing the three markers always needs a write that this catches, whatever the order.

    Args:
        path: absolute, normalised path to be written.
        working_dirs: the session's working directories (absolute, normalised).
        pending: the other paths the same command writes (``mkdir -p x/objects x/refs``).

    Returns:
        A reason such as ``"/w/HEAD would make /w a bare git repository, whose config git
        obeys"``, or None.  Never raises: unreadable directories count as empty.
    """
    parts = path.parts
    roots: set[Path] | None = None
    others: list[Path] | None = None
    for i in range(1, len(parts)):
        name = parts[i].lower()
        if name not in _BARE_NAMES or (name in _FILE_NAMES and i + 1 < len(parts)):
            continue
        if roots is None or others is None:  # built only when a name could matter
            roots = {Path(w) for w in working_dirs}
            others = [Path(p) for p in pending if Path(p) != path]
        directory = Path(*parts[:i])
        if name in _ROOT_NAMES and directory in roots:
            return (f"{parts[i]} at the root of the working directory {directory} would make "
                    "it look like a bare git repository, whose config git obeys")
        present = _markers_in(directory, others)
        if name in _MARKERS:
            present.add(name)
        if len(present) >= 2:
            return (f"{directory} is (or would become) a bare git repository: writing "
                    f"{parts[i]} there is writing git configuration")
    return None
