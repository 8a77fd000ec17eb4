"""Globs and recursive reads against ``Read``/``Edit`` deny rules (issue family 9).

The engine's side of :mod:`tui.permissions.intersect`:

* :func:`deny_reach` — for one deny or ask path rule, what in a call may reach a path it matches
  although no target names one: a shell glob read or written (``cat .e*``, ``rm *.env``), a tree
  read or written recursively (``grep -r x .``, ``cp -r dir out``), a Grep ``glob`` or a Glob
  ``pattern`` that names such a path.  Decided by pattern intersection, so it does not matter
  which files exist when the call is checked.
* :func:`read_hidden` — at run time, the files Grep and Glob leave out of their results (a
  ``Read`` deny or ask rule matches them), so a plain ``Grep(pattern, path=".")`` keeps working
  next to ``Read(./.env)`` without ever showing ``.env``; Claude Code's Glob and Grep also skip
  files that Read deny rules cover.

Source: REF §2.1 (which tools a ``Read``/``Edit`` rule covers), §2.5 (patterns), ``SPEC.md`` §5;
Claude Code's permission docs ("Read & Edit": deny rules apply to Grep, Glob and file-reading
Bash commands, best effort).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.permissions.intersect import (
    PathGlob,
    glob_views,
    has_magic,
    may_intersect,
    shell_glob,
    tool_glob,
    tree_glob,
)

if TYPE_CHECKING:
    from tui.permissions.context import PermissionContext
    from tui.permissions.rules import Rule
    from tui.shell.model import PathRef, ShellAnalysis

__all__ = ["deny_reach", "read_hidden", "shell_bases"]

_CD_COMMANDS = frozenset({"cd", "pushd", "chdir"})
MAX_BASES = 16
"""Directories a command may ``cd`` into before relative globs count as "anywhere"."""


def deny_reach(tool: str, tool_input: Mapping[str, Any], paths: tuple[Path, ...],
               analysis: ShellAnalysis | None, rule: Rule, ctx: PermissionContext) -> str | None:
    """What in the call may reach a path the deny or ask ``rule`` matches, or ``None``.

    Args:
        tool: the tool name; only ``Bash``, ``Grep`` and ``Glob`` have globs or trees to check.
        tool_input: the raw input (Grep's ``glob``, Glob's ``pattern`` and ``path``).
        paths: the call's absolute paths (Grep's search path).
        analysis: the Bash command's analysis (``PathRef.recursive`` marks tree reads).
        rule: a ``Read(...)`` or ``Edit(...)`` path rule on the deny side (deny or ask).  A
            ``Read`` rule covers reads and writes, an ``Edit`` rule writes (REF §2.1).
        ctx: cwd and home for the rule's anchors.

    Returns:
        A short description of the glob or tree (for the trace), or ``None``.  Targets that
        name a path (``PathRef.path``, Grep's path) are the engine's own exact check.
    """
    if rule.kind != "path" or rule.tool not in ("Read", "Edit") or rule.behavior == "allow":
        return None
    if tool in ("Grep", "Glob") and rule.tool == "Read":
        return _tool_reach(tool, tool_input, paths, rule, ctx)
    if tool == "Bash" and analysis is not None:
        refs: list[PathRef] = list(analysis.writes)
        if rule.tool == "Read":
            refs += analysis.reads
        bases: tuple[Path | None, ...] | None = None  # computed on first need
        for ref in refs:
            if ref.path is not None:
                if ref.recursive and _tree_hit(ref.path, rule, ctx):
                    return f"{ref.text} (the whole tree below it)"
                continue
            if not has_magic(ref.text):
                continue  # unknown, not a glob: the engine prompts for it
            if bases is None:
                # None from shell_bases: a cd to somewhere unknown, the glob may be anywhere
                bases = shell_bases(analysis, ctx.cwd, ctx.home) or (None,)
            for base in bases:
                glob = shell_glob(ref.text, cwd=base, home=ctx.home, tree=ref.recursive)
                if _glob_hit(glob, rule, ctx):
                    return f"{ref.text} (a glob that may match it)"
    return None


def _glob_hit(glob: PathGlob, rule: Rule, ctx: PermissionContext) -> bool:
    return any(may_intersect(view, rule, cwd=ctx.cwd, home=ctx.home)
               for view in glob_views(glob))


def _tree_hit(directory: Path, rule: Rule, ctx: PermissionContext) -> bool:
    from tui.permissions.paths import symlink_views

    try:
        views = symlink_views(directory)
    except ValueError:
        return True  # a NUL in the path: fail closed
    return any(_glob_hit(tree_glob(view), rule, ctx) for view in views)


def _tool_reach(tool: str, tool_input: Mapping[str, Any], paths: tuple[Path, ...], rule: Rule,
                ctx: PermissionContext) -> str | None:
    """A Grep ``glob`` below its search path, or a Glob ``pattern`` below its ``path``.

    Both tools skip files a Read deny or ask rule matches while they walk (:func:`read_hidden`),
    so here a pattern counts only when it *names* a matched path (``may_intersect(...,
    named=True)``): ``**/.env*`` and ``secrets/*.py`` do, ``*.py`` and ``**/*`` do not; a
    Grep without a glob is a recursive read the tool filters.
    """
    key = "glob" if tool == "Grep" else "pattern"
    pattern = tool_input.get(key)
    if not isinstance(pattern, str) or not pattern.strip():
        return None
    from tui.glob import TooManyAlternatives, expand_braces
    from tui.permissions.paths import symlink_views

    try:
        variants = expand_braces(pattern.strip())
    except TooManyAlternatives:
        return f"{key} {pattern}"  # the tool refuses it anyway; fail closed
    if tool == "Grep":
        roots = paths or (ctx.cwd,)
    else:
        # view.paths of a prepared Glob call is the walk's base, the pattern's literal prefix
        # included; the pattern is relative to the "path" input (or the cwd)
        given = tool_input.get("path")
        root = os.path.expanduser(given) if isinstance(given, str) and given else str(ctx.cwd)
        roots = (Path(os.path.normpath(os.path.join(ctx.cwd, root))),)
    for target in roots:
        try:
            views = symlink_views(target)
        except ValueError:
            return f"{key} {pattern}"
        for view in views:
            for variant in variants:
                base = view
                if tool == "Glob":
                    if variant.startswith("~"):
                        variant = os.path.expanduser(variant)
                    if variant.startswith("/"):
                        base, variant = Path("/"), variant.lstrip("/")
                glob = tool_glob(variant, base=base, anywhere=tool == "Grep")
                if may_intersect(glob, rule, cwd=ctx.cwd, home=ctx.home, named=True):
                    return f"{key} {pattern} in {target}"
    return None


def shell_bases(analysis: ShellAnalysis, cwd: Path, home: Path) -> tuple[Path, ...] | None:
    """Directories a relative path in the command may be relative to; ``None`` = unknown.

    ``PathRef.text`` of a glob is relative to wherever the command runs, which a ``cd`` earlier
    in the same command line may have changed.  Every static ``cd``/``pushd`` target is added
    to the starting directory (subshells may undo a ``cd``, so all of them count); a ``cd`` to
    something not known before the command runs (``cd $D``, ``cd -`` aside) gives ``None``.
    """
    bases: list[Path] = [cwd]
    for cmd in analysis.commands:
        if cmd.program not in _CD_COMMANDS:
            continue
        args = [a for a in cmd.argv[1:] if a == "-" or not a.startswith("-")]
        if args == ["-"]:
            continue  # back to a directory already in the list
        if not args:
            target = str(home)
        elif len(args) != 1:
            return None
        else:
            target = args[0]
            if target == "~" or target.startswith("~/"):
                target = str(home) + target[1:]
            elif target.startswith("~") or any(ch in target for ch in "$`*?["):
                return None
        if os.path.isabs(target):
            new = [Path(os.path.normpath(target))]
        else:
            new = [Path(os.path.normpath(b / target)) for b in bases]
        for path in new:
            if path not in bases:
                bases.append(path)
        if len(bases) > MAX_BASES:
            return None
    return tuple(bases)


def read_hidden(path: Path, ctx: PermissionContext) -> bool:
    """True when Grep and Glob must leave ``path`` out of their results.

    A ``Read(...)`` deny or ask rule matches it (REF §2.5, deny reading: everything below a
    match, case-insensitive).  Only the given path is tested; the tools also pass the real
    path of a symlink.  Reads ``ctx.policy`` at each call, so a reloaded policy or a granted
    rule applies at once; the compiled rules are kept while the rule lists stay the same.
    """
    policy = ctx.policy
    key = (id(policy.deny), id(policy.ask), len(policy.deny), len(policy.ask), ctx.cwd, ctx.home)
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not policy.deny or cached[1] is not policy.ask:
        rules = [r for r in (*policy.deny, *policy.ask) if r.kind == "path" and r.tool == "Read"]
        matcher = None
        if rules:
            from tui.permissions.paths import deny_matcher

            matcher = deny_matcher(rules, cwd=ctx.cwd, home=ctx.home)
        if len(_MATCHERS) > 32:
            _MATCHERS.clear()
        cached = (policy.deny, policy.ask, matcher)
        _MATCHERS[key] = cached
    return cached[2] is not None and cached[2](path)


_MATCHERS: dict[tuple[Any, ...], tuple[list[Rule], list[Rule], Callable[[Path], bool] | None]] = {}
"""Compiled matchers by policy lists (kept, so an id is not reused) and their lengths (rules
are only ever appended)."""
