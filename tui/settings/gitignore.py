"""Keeping ``.claude/settings.local.json`` out of git (Claude Code adds it to the ignore list
when it creates the file, REF §4.1).  Uses the ``git`` command; never raises for a missing git.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT_S = 5.0
"""Seconds a ``git`` call may take before it is abandoned."""


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run a read-only git query in ``cwd``; None if git is missing, hangs or cannot start.

    Runs with :data:`tui.shell.gitrepo.SAFE_GIT_OPTIONS` (no pager, no fsmonitor, no hooks,
    no planted bare repository), so a hostile repository's config cannot run a program.
    """
    from tui.shell.gitrepo import SAFE_GIT_OPTIONS

    try:
        return subprocess.run(
            ["git", *SAFE_GIT_OPTIONS, *args], cwd=cwd, capture_output=True,
            text=True, timeout=GIT_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False,
        )
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def ensure_local_settings_ignored(local_path: Path, cwd: Path) -> str | None:
    """Make git ignore the local settings file, through the repository's ``info/exclude``.

    When ``cwd`` is inside a git work tree whose ignore rules do not already cover
    ``local_path``, append ``/<path relative to the repo root>`` (normally
    ``/.claude/settings.local.json``) to the file ``git rev-parse --git-path info/exclude``
    names (worktrees included).  The user's global git config and home are never touched.

    Returns:
        One line saying what was done (or that the file is tracked, so ignoring cannot help),
        or None when nothing was needed: not a repository, git missing, already ignored.

    Raises:
        SettingsWriteError: the exclude file cannot be written.
    """
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0 or not top.stdout.strip():
        return None
    root = Path(top.stdout.strip())
    local = Path(os.path.realpath(os.path.abspath(cwd / local_path)))
    try:
        rel = local.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None
    tracked = _git(root, "ls-files", "--error-unmatch", "--", rel)
    if tracked is not None and tracked.returncode == 0:
        return (f"{rel} is tracked by git, so everyone who clones the repository gets it; "
                f"untrack it with: git rm --cached {rel}")
    ignored = _git(root, "check-ignore", "-q", "--", rel)
    if ignored is None or ignored.returncode != 1:
        return None  # 0: already ignored; 128 or no answer: nothing sensible to do
    where = _git(cwd, "rev-parse", "--git-path", "info/exclude")
    if where is None or where.returncode != 0 or not where.stdout.strip():
        return None
    exclude = Path(where.stdout.strip())
    if not exclude.is_absolute():
        exclude = cwd / exclude
    line = f"/{rel}"
    try:
        existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        if line in existing.splitlines():
            return None
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as fh:
            if existing and not existing.endswith("\n"):
                fh.write("\n")
            fh.write(line + "\n")
    except (OSError, UnicodeDecodeError) as exc:
        from tui.settings.writer import SettingsWriteError

        raise SettingsWriteError(f"{exclude}: cannot add {line} ({exc}); add it by hand so git "
                                 "ignores your personal settings") from exc
    return f"added {line} to {exclude} so git ignores your personal settings"
