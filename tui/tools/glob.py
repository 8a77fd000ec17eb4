"""The ``Glob`` tool: files whose path matches a glob pattern, newest first (class "read").

Also the glob machinery ``Grep`` shares: brace expansion (from :mod:`tui.glob`), translation to
a regular expression (``*`` and ``?`` stay within one path component, ``**`` spans directories)
and a directory walk that never enters ``.git`` (nor ``.hg``/``.svn``) or symlinked directories
and, inside a git work tree, honours its ``.gitignore`` files as ripgrep does.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from tui.glob import TooManyAlternatives
from tui.glob import expand_braces as _expand_braces
from tui.tools.base import (
    Tool,
    ToolCall,
    ToolContext,
    ToolInputError,
    ToolResult,
    result_lines,
)
from tui.tools.files import ToolInput, optional_dir_path

MAX_RESULTS = 100
"""Paths listed by one Glob call."""

MAX_VISITED = 500_000
"""Directory entries a walk looks at before it stops and says so."""

SKIP_DIRS = frozenset({".git", ".hg", ".svn"})
"""Directory names never searched (version-control internals)."""

_MAGIC = re.compile(r"[*?\[]")


def expand_braces(pattern: str) -> list[str]:
    """:func:`tui.glob.expand_braces`, for the Glob and Grep tools.

    Raises:
        ToolInputError: more than :data:`tui.glob.MAX_BRACE_EXPANSIONS` alternatives.
    """
    try:
        return _expand_braces(pattern)
    except TooManyAlternatives as exc:
        raise ToolInputError(str(exc)) from None


def _component_regex(part: str) -> str:
    """Regex for one path component: ``*``, ``?``, ``[...]`` and ``\\x`` escapes."""
    out: list[str] = []
    i = 0
    while i < len(part):
        char = part[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < len(part):
            i += 1
            out.append(re.escape(part[i]))
        elif char == "[":
            end = i + 1
            if end < len(part) and part[end] in "!^":
                end += 1
            if end < len(part) and part[end] == "]":
                end += 1
            while end < len(part) and part[end] != "]":
                end += 1
            if end >= len(part):
                out.append(re.escape(char))
            else:
                body = part[i + 1 : end]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\")
                out.append(f"[{'^' if negate else ''}{body}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def glob_regex(pattern: str) -> str:
    """Regex source matching a relative POSIX path against a brace-free glob ``pattern``.

    ``**`` as a whole component matches zero or more directories (or, last, everything below).
    """
    parts = [p for p in pattern.split("/") if p not in ("", ".")]
    regex: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            regex.append(".*" if last else "(?:[^/]+/)*")
        else:
            regex.append(_component_regex(part.replace("**", "*")) + ("" if last else "/"))
    return "".join(regex)


def compile_globs(patterns: list[str], *, anywhere: bool = False) -> re.Pattern[str]:
    """One regex for several brace-free patterns, matched against whole relative POSIX paths.

    Args:
        patterns: glob patterns relative to the search directory.
        anywhere: a pattern without ``/`` matches a file name at any depth (``*.py`` matches
            ``a/b/c.py``), as ripgrep's ``--glob`` does; a leading ``/`` anchors it at the top.
    """
    sources: list[str] = []
    for pattern in patterns:
        if anywhere:
            if pattern.startswith("/"):
                pattern = pattern.lstrip("/")
            elif "/" not in pattern:
                pattern = "**/" + pattern
        sources.append(glob_regex(pattern))
    return re.compile("(?:" + "|".join(sources) + r")\Z", re.DOTALL)


def pattern_depth(patterns: list[str]) -> int | None:
    """Deepest component count any pattern can match, ``None`` when one has ``**``."""
    depth = 0
    for pattern in patterns:
        parts = [p for p in pattern.split("/") if p not in ("", ".")]
        if any("**" in p for p in parts):
            return None
        depth = max(depth, len(parts))
    return depth


@dataclass(frozen=True, slots=True)
class GlobPlan:
    """Where to walk and what to match: ``base`` (absolute dir) and patterns relative to it."""

    base: Path
    patterns: list[str]


def plan_glob(pattern: str, root: Path) -> GlobPlan:
    """Split ``pattern`` into the directory to walk and relative patterns.

    The literal leading components of the pattern (``src/`` in ``src/**/*.py``, ``/etc/`` in
    ``/etc/*.conf``) move into the base so the walk starts as deep as possible and the
    permission engine sees the directory actually searched.

    Raises:
        ToolInputError: the pattern is empty or expands too much.
    """
    if not pattern.strip():
        raise ToolInputError("pattern must not be empty")
    expanded = expand_braces(pattern.strip())
    split: list[tuple[list[str], list[str]]] = []
    for variant in expanded:
        variant = os.path.expanduser(variant) if variant.startswith("~") else variant
        full = variant if variant.startswith("/") else f"{root}/{variant}"
        parts = full.split("/")
        cut = 0
        while cut < len(parts) - 1 and not _MAGIC.search(parts[cut]) and "\\" not in parts[cut]:
            cut += 1
        prefix = os.path.normpath("/".join(parts[:cut]) or "/")
        split.append(([p for p in prefix.split("/") if p], parts[cut:]))
    common = split[0][0]
    for prefix_parts, _ in split[1:]:
        n = 0
        while n < min(len(common), len(prefix_parts)) and common[n] == prefix_parts[n]:
            n += 1
        common = common[:n]
    base = Path("/" + "/".join(common))
    relative = ["/".join([*prefix_parts[len(common) :], *rest]) for prefix_parts, rest in split]
    return GlobPlan(base, relative)


@dataclass(slots=True)
class WalkStats:
    """What a walk saw: ``visited`` entries, and whether it ``stopped_early`` at the cap."""

    visited: int = 0
    stopped_early: bool = False


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """One ``.gitignore`` line: a regex over paths relative to the file's directory."""

    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def parse_gitignore(text: str) -> list[IgnoreRule]:
    """Rules of one ``.gitignore`` file, in order (the last matching rule wins).

    Supports comments, ``!`` negation, ``\\#``/``\\!`` escapes, a trailing ``/`` (directories
    only), anchoring by a ``/`` at the start or in the middle, ``*``, ``?``, ``[...]`` and
    ``**``.  Trailing spaces are trimmed.
    """
    rules: list[IgnoreRule] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        elif line.startswith(("\\#", "\\!")):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        if "/" in line:
            pattern = line.lstrip("/")
        else:
            pattern = "**/" + line
        try:
            regex = re.compile(glob_regex(pattern) + r"\Z", re.DOTALL)
        except re.error:
            continue  # A line git itself would not match anything with.
        rules.append(IgnoreRule(regex, negate, dir_only))
    return rules


class GitIgnore:
    """The ``.gitignore`` rules that apply below one directory of a git work tree.

    Built with :meth:`for_directory`, which returns ``None`` outside a git work tree (like
    ripgrep, ignore files count only inside a repository).  Rules of the repository root's
    ``.git/info/exclude`` and of every ``.gitignore`` from the root down apply; ``.gitignore``
    files met during a walk are added with :meth:`load`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._rules: dict[str, list[IgnoreRule]] = {}

    @classmethod
    def for_directory(cls, directory: Path) -> GitIgnore | None:
        """Rules for walking ``directory``; ``None`` when it is not inside a git work tree."""
        root = next((d for d in (directory, *directory.parents) if (d / ".git").exists()), None)
        if root is None:
            return None
        ignore = cls(root)
        ignore._add("", root / ".git" / "info" / "exclude")
        ancestor = root
        ignore.load(ancestor)
        for part in directory.relative_to(root).parts:
            ancestor = ancestor / part
            ignore.load(ancestor)
        return ignore

    def _add(self, rel_dir: str, file: Path) -> None:
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return  # No ignore file here (the common case) or unreadable: no rules.
        rules = parse_gitignore(text)
        if rules:
            self._rules.setdefault(rel_dir, []).extend(rules)

    def load(self, directory: Path) -> None:
        """Add the rules of ``directory/.gitignore`` (if any)."""
        rel = directory.relative_to(self.root).as_posix()
        self._add("" if rel == "." else rel, directory / ".gitignore")

    def ignored(self, rel_path: str, is_dir: bool) -> bool:
        """Whether ``rel_path`` (POSIX, relative to the repository root) is ignored."""
        verdict = False
        parts = rel_path.split("/")
        for depth in range(len(parts)):
            rules = self._rules.get("/".join(parts[:depth]))
            if not rules:
                continue
            sub = "/".join(parts[depth:])
            for rule in rules:
                if rule.dir_only and not is_dir:
                    continue
                if rule.regex.match(sub):
                    verdict = not rule.negate
        return verdict


def walk_files(
    base: Path,
    *,
    max_depth: int | None = None,
    stop: threading.Event | None = None,
    stats: WalkStats | None = None,
    gitignore: bool = True,
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Yield ``(relative POSIX path, entry)`` for every regular file below ``base``.

    Files that are symlinks to regular files are included; symlinked directories, ``.git``,
    ``.hg`` and ``.svn`` are not entered; unreadable directories are skipped.  Inside a git
    work tree, paths its ``.gitignore`` files ignore are skipped too (as ripgrep does), but
    ``base`` itself is always searched.  Blocking.

    Args:
        base: the directory to walk.
        max_depth: deepest component count of a yielded path (1 = files directly in ``base``).
        stop: set it from another thread to end the walk early.
        stats: filled in with the number of entries visited.
        gitignore: honour ``.gitignore`` rules (default true).
    """
    stats = stats if stats is not None else WalkStats()
    ignore = GitIgnore.for_directory(base) if gitignore else None
    base_rel = ""
    if ignore is not None and base != ignore.root:
        base_rel = base.relative_to(ignore.root).as_posix() + "/"
    stack: list[tuple[str, str, int]] = [(str(base), "", 1)]
    while stack:
        directory, rel_dir, depth = stack.pop()
        if ignore is not None and rel_dir:
            ignore.load(Path(directory))
        try:
            with os.scandir(directory) as entries:
                listing = list(entries)
        except OSError:
            continue  # Unreadable or vanished directory: nothing to list.
        for entry in listing:
            if stop is not None and stop.is_set():
                return
            stats.visited += 1
            if stats.visited > MAX_VISITED:
                stats.stopped_early = True
                return
            rel = f"{rel_dir}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIP_DIRS or (max_depth is not None and depth >= max_depth):
                        continue
                    if ignore is not None and ignore.ignored(base_rel + rel, True):
                        continue
                    stack.append((entry.path, rel + "/", depth + 1))
                elif entry.is_file():
                    if ignore is not None and ignore.ignored(base_rel + rel, False):
                        continue
                    yield rel, entry
            except OSError:
                continue  # Entry vanished or cannot be inspected.


def hidden_below(
    base: Path, denied: Callable[[Path], bool] | None
) -> Callable[[str, os.DirEntry[str]], bool] | None:
    """A test for the files of a walk of ``base`` that must not be shown.

    ``denied`` is :attr:`ToolContext.read_denied`.  The returned function takes what
    :func:`walk_files` yields and tries ``denied`` on the path as walked and on its real path:
    ``base``'s real path joined with the relative path (the walk never enters a symlinked
    directory), or for a file that is a symlink its own real path, so a link to a denied file
    stays hidden.  ``None`` when nothing is hidden.
    """
    if denied is None:
        return None
    real_base = Path(os.path.realpath(base))

    def hidden(rel: str, entry: os.DirEntry[str]) -> bool:
        path = base / rel
        if denied(path):
            return True
        try:
            if entry.is_symlink():
                return denied(Path(os.path.realpath(path)))
        except (OSError, ValueError):
            return True  # cannot tell where it leads: do not show it
        return real_base != base and denied(real_base / rel)

    return hidden


def file_denied(path: Path, denied: Callable[[Path], bool] | None) -> bool:
    """``denied`` tried on ``path`` and on its real path (a single file, not a walk)."""
    if denied is None:
        return False
    if denied(path):
        return True
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return True
    return real != path and denied(real)


class GlobInput(ToolInput):
    """Input of ``Glob`` (Claude Code's field names)."""

    pattern: str = Field(
        description=(
            'The glob pattern to match file paths against, e.g. "**/*.py" or "src/**/*.{ts,tsx}".'
        )
    )
    path: str | None = Field(
        default=None,
        description=(
            "The directory to search in. Omit it to search the current working directory; do "
            'not send "undefined" or "null".'
        ),
    )


def _mtime(entry: os.DirEntry[str]) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return 0.0


def run_glob(
    plan: GlobPlan,
    stop: threading.Event | None = None,
    denied: Callable[[Path], bool] | None = None,
) -> tuple[list[str], int, bool]:
    """Find the matching files of ``plan``, newest modification first.

    Files ``denied`` matches (:attr:`ToolContext.read_denied`, see :func:`hidden_below`) are
    left out, as Claude Code's Glob leaves out what Read deny rules cover.

    Returns:
        (at most :data:`MAX_RESULTS` absolute paths, how many more matched, whether the walk
        stopped at :data:`MAX_VISITED` entries).  Blocking.
    """
    regex = compile_globs(plan.patterns)
    stats = WalkStats()
    found: list[tuple[float, str]] = []
    walk = walk_files(plan.base, max_depth=pattern_depth(plan.patterns), stop=stop, stats=stats)
    hidden = hidden_below(plan.base, denied)
    for rel, entry in walk:
        if regex.match(rel) and (hidden is None or not hidden(rel, entry)):
            found.append((_mtime(entry), str(plan.base / rel)))
    found.sort(key=lambda item: (-item[0], item[1]))
    paths = [path for _, path in found[:MAX_RESULTS]]
    return paths, max(len(found) - MAX_RESULTS, 0), stats.stopped_early


class Glob(Tool[GlobInput]):
    """Find files by glob pattern; absolute paths, newest modification first, at most 100."""

    name = "Glob"
    description = (
        "Fast file-name pattern matching for any codebase size.\n"
        '- Patterns like "**/*.js" or "src/**/*.ts"; `*` and `?` match within one path '
        "component, `**` matches any number of directories, `{a,b}` alternatives and `[abc]` "
        "classes work.\n"
        f"- Returns absolute paths of matching files, most recently modified first, at most "
        f"{MAX_RESULTS}.\n"
        "- `.git` directories are skipped, and inside a git repository so are the files its "
        ".gitignore files ignore (pass their directory as path to search them anyway).\n"
        "- Use it to find files by name; use Grep to search file contents."
    )
    Input = GlobInput
    permission_class = "read"

    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: GlobInput, ctx: ToolContext
    ) -> ToolCall[GlobInput]:
        """paths = (the directory actually walked: ``path`` plus the pattern's literal prefix,).

        Raises:
            ToolInputError: empty pattern or too many brace alternatives.
        """
        root = optional_dir_path(ctx, params.path)
        plan = plan_glob(params.pattern, root)
        where = ctx.display(root)
        summary = params.pattern if root == ctx.cwd else f"{params.pattern} in {where}"
        return ToolCall(
            tool_use_id=tool_use_id,
            name=self.name,
            input=raw,
            params=params,
            permission_class=self.permission_class,
            summary=summary,
            paths=(plan.base,),
        )

    async def run(self, call: ToolCall[GlobInput], ctx: ToolContext) -> ToolResult:
        """Walk in a thread; a missing ``path`` directory is an ``is_error`` result.  The plan
        is made again from the input (cheap, and it passed in :meth:`prepare_call`)."""
        params = call.params
        root = optional_dir_path(ctx, params.path)
        plan = plan_glob(params.pattern, root)
        if not root.is_dir():
            problem = "is not a directory" if root.exists() else "does not exist"
            return ToolResult(f"Directory {problem}: {root}", is_error=True)
        if not plan.base.is_dir():
            return ToolResult("No files found")
        stop = threading.Event()
        try:
            paths, more, stopped = await asyncio.to_thread(run_glob, plan, stop, ctx.read_denied)
        except asyncio.CancelledError:
            stop.set()
            raise
        if not paths:
            text = "No files found"
        else:
            text = "\n".join(paths)
            if more:
                text += (
                    f"\n(Results are truncated: {more} more files match. Use a more specific "
                    "path or pattern.)"
                )
        if stopped:
            text += f"\n(The search stopped after looking at {MAX_VISITED:,} entries.)"
        return ToolResult(text)

    def summarise(self, result: ToolResult) -> str:
        """``N paths`` when files were found (N counts the result's lines, notes included),
        else the first line (``No files found``, or why not)."""
        lines = result_lines(result)
        if lines and lines[0].startswith("/"):
            return f"{len(lines)} paths"
        return super().summarise(result)
