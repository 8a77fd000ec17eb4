"""Keeping ``.claude/settings.local.json`` out of git, as Claude Code does (REF §1.2).

When Claude Code first writes the local file in a repository that does not already ignore it,
it appends ``**/.claude/settings.local.json`` to the user's *global* git excludes file:
``core.excludesFile`` from the user's global git config when that value is absolute or starts
with ``~``, else ``$XDG_CONFIG_HOME/git/ignore``, else ``~/.config/git/ignore``.  The global file
is the user's own, so nothing is added to the repository (not even ``.git/info/exclude``), and
the one line covers every repository and worktree.

Uses the ``git`` command for the questions only git answers exactly (is the file tracked, is
it already ignored, what is ``core.excludesFile``), with
:data:`tui.shell.gitrepo.SAFE_GIT_OPTIONS`; never raises for a missing git.  The repository's
own config is never consulted for where to write: a hostile repository cannot choose the file
Warden appends to.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

__all__ = ["GIT_TIMEOUT_S", "IGNORE_LINE", "ensure_local_settings_ignored",
           "global_excludes_file"]

GIT_TIMEOUT_S = 5.0
"""Seconds a ``git`` call may take before it is abandoned."""

IGNORE_LINE = "**/.claude/settings.local.json"
"""The line appended to the global excludes file (REF §1.2)."""


def _git(cwd: Path, env: Mapping[str, str] | None,
         *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run a read-only git query in ``cwd``; None if git is missing, hangs or cannot start.

    Runs with :data:`tui.shell.gitrepo.SAFE_GIT_OPTIONS` (no pager, no fsmonitor, no hooks,
    no planted bare repository), so a hostile repository's config cannot run a program.
    """
    from tui.shell.gitrepo import SAFE_GIT_OPTIONS

    try:
        return subprocess.run(
            ["git", *SAFE_GIT_OPTIONS, *args], cwd=cwd, capture_output=True,
            text=True, timeout=GIT_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False,
            env=None if env is None else dict(env),
        )
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def global_excludes_file(cwd: Path, env: Mapping[str, str] | None = None) -> Path | None:
    """The user's global git excludes file, where Claude Code adds the ignore line.

    ``core.excludesFile`` as the user's global git config sets it (``git config --global``:
    ``$GIT_CONFIG_GLOBAL``, else ``~/.gitconfig`` and ``$XDG_CONFIG_HOME/git/config``, includes
    followed) when it is absolute or starts with ``~`` (expanded with ``HOME``); otherwise
    ``$XDG_CONFIG_HOME/git/ignore`` when that variable is set and absolute, else
    ``~/.config/git/ignore``.

    Args:
        cwd: where git runs (a directory that exists; only its global config is read).
        env: the environment git sees and ``HOME``/``XDG_CONFIG_HOME`` come from;
            ``os.environ`` when ``None``.

    Returns:
        The path (it may not exist), or None when git is missing or cannot read the global
        config (then where git looks is unknown, and nothing should be written).

    Source: REF §1.2 (Claude Code's rule); gitignore(5) for the XDG default.
    """
    env_map = os.environ if env is None else env
    found = _git(cwd, env, "config", "--global", "--includes", "--get", "core.excludesFile")
    if found is None or found.returncode not in (0, 1):
        return None
    value = found.stdout.strip() if found.returncode == 0 else ""
    if value == "~" or value.startswith("~/"):
        return _home(env_map) / value[2:] if value != "~" else _home(env_map)
    if value and os.path.isabs(value):
        return Path(value)
    xdg = env_map.get("XDG_CONFIG_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else _home(env_map) / ".config"
    return base / "git" / "ignore"


def _append_line(path: Path, line: str) -> bool:
    """Add ``line`` to the end of ``path`` (created with its directory) unless a line of the
    file already says it; atomic (:func:`tui.fsutil.atomic_write_text`, saving as the file
    tools do: keeping the mode, writing through a symlink, refusing a read-only file).  Returns
    True when the file changed.

    Raises:
        OSError, UnicodeDecodeError: the file cannot be read or written (it is left as it was).
    """
    from tui.fsutil import atomic_write_text

    try:
        existing = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        existing = ""
    if line in (x.strip() for x in existing.splitlines()):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    separator = "\n" if existing and not existing.endswith("\n") else ""
    atomic_write_text(path, f"{existing}{separator}{line}\n", mode=None, keep_mode=True,
                      follow_symlinks=True, make_parents=False, refuse_read_only=True)
    return True


def ensure_local_settings_ignored(local_path: Path, cwd: Path,
                                  env: Mapping[str, str] | None = None) -> str | None:
    """Make git ignore the local settings file, through the user's global excludes file.

    When ``local_path`` is inside a git working tree whose ignore rules (any ``.gitignore``,
    ``info/exclude`` or the global excludes file) do not already cover it, append
    :data:`IGNORE_LINE` to :func:`global_excludes_file`.  The repository is never changed.
    Call it after writing the local file; once the line is there, later calls do nothing.

    Args:
        local_path: the local settings file (:func:`tui.settings.paths.local_settings_path`),
            relative paths taken from ``cwd``.
        cwd: the session's start directory.
        env: the environment for git and for ``HOME``/``XDG_CONFIG_HOME``; ``os.environ``
            when ``None``.

    Returns:
        One line saying what was done (or that the file is tracked, so ignoring cannot help,
        or that the global config could not be read), or None when nothing was needed: not a
        repository, git missing, already ignored.

    Raises:
        SettingsWriteError: the global excludes file cannot be read as UTF-8 text or written
            (it is left as it was).

    Source: REF §1.2 ("When Claude Code first writes the local file in a repo that doesn't
    already ignore it, it appends ``**/.claude/settings.local.json`` to the user's global git
    excludes file").
    """
    local = Path(os.path.realpath(os.path.abspath(cwd / local_path)))
    where = local.parent.parent  # the directory holding .claude
    if not where.is_dir():
        return None
    top = _git(where, env, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0 or not top.stdout.strip():
        return None
    root = Path(top.stdout.strip())
    try:
        rel = local.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None
    tracked = _git(root, env, "ls-files", "--error-unmatch", "--", rel)
    if tracked is not None and tracked.returncode == 0:
        return (f"{rel} is tracked by git, so everyone who clones the repository gets it; "
                f"untrack it with: git rm --cached {rel}")
    ignored = _git(root, env, "check-ignore", "-q", "--no-index", "--", rel)
    if ignored is None or ignored.returncode != 1:
        return None  # 0: already ignored; 128 or no answer: nothing sensible to do
    excludes = global_excludes_file(root, env)
    if excludes is None:
        return (f"could not read your global git config, so {rel} was not added to your "
                f"global git ignore file; add the line {IGNORE_LINE} to it by hand")
    try:
        changed = _append_line(excludes, IGNORE_LINE)
    except (OSError, UnicodeDecodeError) as exc:
        from tui.settings.writer import SettingsWriteError

        raise SettingsWriteError(f"{excludes}: cannot add {IGNORE_LINE} ({exc}); add it by hand "
                                 "so git ignores your personal settings") from exc
    if not changed:
        return None
    return f"added {IGNORE_LINE} to {excludes} so git ignores your personal settings"
