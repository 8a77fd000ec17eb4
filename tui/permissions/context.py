"""What the permission engine needs besides the call (cheap to import: the rule parser and the
engine load only when a policy is compiled or a call decided)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.permissions.policy import Policy
    from tui.permissions.sandbox_mode import SandboxState


def _empty_policy() -> Policy:
    from tui.permissions.policy import Policy

    return Policy()


def git_has_unsaved_work(cwd: Path) -> bool:
    """True when the repository at ``cwd`` has uncommitted changes or unpushed commits.

    Fails closed: any error (git missing, not a repo, timeout) counts as unsaved work.  git
    runs with :data:`~tui.shell.gitrepo.SAFE_GIT_OPTIONS`, and not at all when the
    repository's configuration would run a program (a filter, textconv...): that counts as
    unsaved work too, so the destructive command still asks.
    """
    from tui.shell.gitrepo import SAFE_GIT_OPTIONS, config_runs_program

    try:
        if config_runs_program(cwd) is not None:
            return True
        status = subprocess.run(["git", *SAFE_GIT_OPTIONS, "status", "--porcelain"], cwd=cwd,
                                capture_output=True, text=True, timeout=3,
                                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
        if status.returncode != 0 or status.stdout.strip():
            return True
        ahead = subprocess.run(["git", *SAFE_GIT_OPTIONS, "rev-list", "--count",
                                "@{upstream}..HEAD"], cwd=cwd, capture_output=True, text=True,
                               timeout=3)
        return ahead.returncode != 0 or ahead.stdout.strip() not in ("", "0")
    except (OSError, subprocess.SubprocessError):
        return True


@dataclass
class PermissionContext:
    """What :func:`decide` needs besides the call.

    Attributes:
        working_dirs: absolute working directories (cwd first, then additional ones).
        mode: the permission mode (``tui.modes``).
        policy: the compiled rules (settings, command line, this session).
        home: the home directory (``~`` in rules and the protected shell rc files).
        repo_has_unsaved_work: asked only when a destructive git command is about to run.
        sandbox: the session's sandbox state (:mod:`tui.permissions.sandbox_mode`), ``None``
            when off.
    """

    working_dirs: tuple[Path, ...]
    mode: str = "default"
    policy: Policy = field(default_factory=_empty_policy)
    home: Path = field(default_factory=Path.home)
    repo_has_unsaved_work: Callable[[Path], bool] = git_has_unsaved_work
    sandbox: SandboxState | None = None

    @property
    def cwd(self) -> Path:
        """The directory Warden started in."""
        return self.working_dirs[0]

__all__ = ["PermissionContext", "git_has_unsaved_work"]
