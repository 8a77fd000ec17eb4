"""Warden's shell analyser: what a Bash command really does, before it runs (SPEC §4).

``analyze(command, cwd=...)`` parses with bashlex and returns a
:class:`~tui.shell.model.ShellAnalysis`; ``explain`` (in :mod:`tui.shell.explain`) turns it into
plain words.  The published data sets are in :mod:`tui.shell.data`.  Nothing here imports
Textual.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.shell.model import Finding, PathRef, Redirect, ShellAnalysis, SimpleCommand

if TYPE_CHECKING:
    from tui.shell.analyzer import analyze


def __getattr__(name: str) -> Any:
    """``analyze`` on first use: the analyser imports bashlex (about 0.25 s), which modules
    such as :mod:`tui.shell.gitrepo` (read before the first frame) must not pay for."""
    if name == "analyze":
        from tui.shell.analyzer import analyze

        return analyze
    raise AttributeError(f"module 'tui.shell' has no attribute {name!r}")


def command_is_read_only(analysis: ShellAnalysis, index: int) -> bool:
    """True when ``analysis.commands[index]`` on its own is a built-in read-only command.

    Its redirect targets are not considered (the engine checks them as writes); everything
    else is: the read-only set, write/exec flags, unsafe environment assignments, exec and
    privilege wrappers, suspicious constructs in it, ``cd`` outside the working directories
    and ``git`` after such a ``cd`` (REF §2.4).  False when the analysis is not ``ok`` or the
    index is out of range.
    """
    if not analysis.ok or not 0 <= index < len(analysis.command_read_only):
        return False
    return analysis.command_read_only[index]


@functools.lru_cache(maxsize=4096)
def analyze_cached(command: str, cwd: Path, home: Path | None,
                   working_dirs: tuple[Path, ...]) -> ShellAnalysis:
    """:func:`analyze`, remembered per command text and directories (the analysis is pure and
    its result frozen; file-system checks happen in the engine, outside this cache)."""
    from tui.shell.analyzer import analyze

    return analyze(command, cwd=cwd, home=home, working_dirs=working_dirs)


__all__ = ["Finding", "PathRef", "Redirect", "ShellAnalysis", "SimpleCommand", "analyze",
           "analyze_cached", "command_is_read_only"]
