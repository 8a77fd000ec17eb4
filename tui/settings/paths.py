"""Where settings files live, and the ``/path`` anchor of each source (``SPEC.md`` §1, REF §2.5).

``WARDEN_CONFIG_DIR`` (else Claude Code's own ``CLAUDE_CONFIG_DIR``) moves the user directory
(``~/.claude``), and ``WARDEN_MANAGED_DIR`` the managed one (Claude Code's per-system location,
:data:`MANAGED_DIRS`); tests always set both.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from tui.settings.model import SettingsSource

MANAGED_DIRS: dict[str, str] = {
    "linux": "/etc/claude-code",
    "darwin": "/Library/Application Support/ClaudeCode",
    "win32": "C:\\Program Files\\ClaudeCode",
}
"""Where Claude Code reads managed settings, by ``sys.platform`` (``SPEC.md`` §1, REF §4.1);
other systems use the Linux path."""
MANAGED_FILE = "managed-settings.json"
MANAGED_DROPINS = "managed-settings.d"


def user_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user settings directory: ``$WARDEN_CONFIG_DIR``, else ``$CLAUDE_CONFIG_DIR`` (as
    Claude Code honours it), else ``~/.claude``."""
    env = os.environ if env is None else env
    configured = env.get("WARDEN_CONFIG_DIR") or env.get("CLAUDE_CONFIG_DIR")
    return Path(configured) if configured else home_dir(env) / ".claude"


def managed_dir(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The managed settings directory: ``$WARDEN_MANAGED_DIR``, else Claude Code's location on
    this system (:data:`MANAGED_DIRS`: ``/etc/claude-code`` on Linux)."""
    env = os.environ if env is None else env
    if env.get("WARDEN_MANAGED_DIR"):
        return Path(env["WARDEN_MANAGED_DIR"])
    system = sys.platform if platform is None else platform
    return Path(MANAGED_DIRS.get(system, MANAGED_DIRS["linux"]))


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$HOME`` from ``env`` if set, else the process's home directory."""
    env = os.environ if env is None else env
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def user_settings_path(env: Mapping[str, str] | None = None) -> Path:
    """``<user dir>/settings.json``."""
    return user_dir(env) / "settings.json"


def project_settings_path(cwd: Path) -> Path:
    """``<cwd>/.claude/settings.json`` (the start folder only, no parent fallback; REF §4.1)."""
    return cwd / ".claude" / "settings.json"


def start_local_settings_path(cwd: Path) -> Path:
    """``<cwd>/.claude/settings.local.json``: where the local file lived before Claude Code
    v2.1.211, and where it stays when :func:`local_settings_path` cannot use the repository
    root.  Still read (REF §1.2)."""
    return cwd / ".claude" / "settings.local.json"


def _owned_by_me(path: Path, uid: int, *, may_be_absent: bool) -> bool:
    """Whether ``path`` (and, for a symlink, its target) belongs to ``uid``; an absent path
    counts as owned only when ``may_be_absent``.  Unreadable metadata is not owned."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return may_be_absent
    except OSError:
        return False
    if st.st_uid != uid:
        return False
    if stat.S_ISLNK(st.st_mode):
        try:
            return os.stat(path).st_uid == uid
        except FileNotFoundError:
            return may_be_absent
        except OSError:
            return False
    return True


def repository_root(cwd: Path, env: Mapping[str, str] | None = None) -> Path | None:
    """The top of the git checkout ``cwd`` is in, resolved through linked worktrees to the main
    checkout; ``None`` outside a repository (or in a bare one).  ``GIT_*`` variables in ``env``
    are ignored, as for workspace trust.

    Found without running git (:func:`tui.shell.gitrepo.discover` reads ``.git`` files,
    ``gitdir:`` and ``commondir`` as git does).  A linked worktree (``.git`` file naming
    ``<main>/.git/worktrees/<name>``, whose ``commondir`` is ``<main>/.git``) gives ``<main>``;
    a submodule (whose common directory is ``<super>/.git/modules/<name>``) gives its own
    working tree, as does a worktree of a bare repository.
    """
    from tui.shell.gitrepo import discover, without_git_env

    env = os.environ if env is None else env
    repo = discover(cwd, without_git_env(env))
    if repo is None or repo.work_tree is None:
        return None
    root = repo.work_tree
    common = repo.common_dir
    if common != repo.git_dir and common.name == ".git":
        main = common.parent
        try:
            if os.path.realpath(main / ".git") == os.path.realpath(common) and \
                    (main / ".git").is_dir():
                root = main
        except OSError:
            pass  # the main checkout cannot be looked at: stay in this worktree
    return root


def local_settings_path(cwd: Path, env: Mapping[str, str] | None = None, *,
                        platform: str | None = None) -> Path:
    """Where the local settings file (personal, git-ignored; "always allow" answers) lives.

    ``<git root>/.claude/settings.local.json``, the git root resolved through worktrees to the
    main checkout (:func:`repository_root`), so one approval covers the whole repository, its
    subdirectories and worktrees.  It stays in the start directory
    (:func:`start_local_settings_path`) outside a git repository, when the repository root is
    the home directory, on Windows, and when the repository root, its ``.git`` or its
    ``.claude`` (when present; a symlink and its target both) is not owned by the current user.

    Args:
        cwd: the directory the session started in.
        env: for ``HOME``; ``os.environ`` when ``None``.  ``GIT_*`` variables are ignored.
        platform: ``sys.platform`` when ``None`` (tests pass ``"win32"``).

    Returns:
        The path (the file may not exist).  When the root is ``cwd`` itself, ``cwd`` is kept as
        written.  Never raises for file-system errors: what cannot be checked keeps the file in
        the start directory.

    Source: REF §1.2 "Where the local file lives" (Claude Code v2.1.211+).
    """
    start = start_local_settings_path(cwd)
    system = sys.platform if platform is None else platform
    if system == "win32" or not hasattr(os, "geteuid"):
        return start
    env = os.environ if env is None else env
    root = repository_root(cwd, env)
    if root is None:
        return start
    real_root = os.path.realpath(root)
    if real_root == os.path.realpath(cwd):
        return start
    if real_root == os.path.realpath(home_dir(env)):
        return start
    uid = os.geteuid()
    if not (_owned_by_me(root, uid, may_be_absent=False)
            and _owned_by_me(root / ".git", uid, may_be_absent=False)
            and _owned_by_me(root / ".claude", uid, may_be_absent=True)):
        return start
    return root / ".claude" / "settings.local.json"


def managed_settings_paths(env: Mapping[str, str] | None = None) -> list[Path]:
    """The managed files in merge order: ``managed-settings.json``, then
    ``managed-settings.d/*.json`` alphabetically, hidden and non-``.json`` entries skipped
    (REF §4.1).  Later files win for scalars.  Paths may not exist."""
    base = managed_dir(env)
    paths = [base / MANAGED_FILE]
    dropins = base / MANAGED_DROPINS
    try:
        names = sorted(os.listdir(dropins))
    except OSError:
        names = []
    paths += [dropins / n for n in names if n.endswith(".json") and not n.startswith(".")]
    return paths


def discover_sources(cwd: Path, env: Mapping[str, str] | None = None) -> list[SettingsSource]:
    """Every settings file that applies in ``cwd``, highest scope first (files may not exist):
    managed files, local, project, user.  The command line is not a file and is not listed.

    Local is two files when they differ: the one at the repository root
    (:func:`local_settings_path`, written and read) first, then the start directory's
    (:func:`start_local_settings_path`), where older versions saved rules: still read, so its
    rules apply too and the root file wins for a scalar both set (REF §1.2).  A path listed
    twice (a session started at the repository root, or in the home directory) is kept once,
    first scope."""
    found = [SettingsSource("managed", p) for p in managed_settings_paths(env)]
    found += [
        SettingsSource("local", local_settings_path(cwd, env)),
        SettingsSource("local", start_local_settings_path(cwd)),
        SettingsSource("project", project_settings_path(cwd)),
        SettingsSource("user", user_settings_path(env)),
    ]
    seen: set[str] = set()
    out: list[SettingsSource] = []
    for source in found:
        assert source.path is not None
        key = os.path.realpath(source.path)
        if key not in seen:
            seen.add(key)
            out.append(source)
    return out


def anchor_for(source: SettingsSource, cwd: Path, env: Mapping[str, str] | None = None) -> Path:
    """The directory a ``/path`` rule pattern (and a relative ``additionalDirectories`` entry) of
    ``source`` is relative to (REF §2.5): managed → the managed directory; a ``--settings`` file →
    its directory; local, project, CLI flags, inline JSON and session → ``cwd``; user → the user
    directory.  A local file at the repository root still anchors at ``cwd``, the directory the
    session started in (REF §1.2)."""
    if source.scope == "managed":
        return managed_dir(env)
    if source.scope == "user":
        return user_dir(env) if source.path is None else source.path.parent
    if source.scope == "command line" and source.path is not None:
        return source.path.parent
    return cwd
