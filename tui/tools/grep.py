"""The ``Grep`` tool: search file contents with a Python regular expression (class "read").

Pure Python (:mod:`re` in a worker thread), no ripgrep needed.  Skips ``.git``, binary files (a
NUL byte in the first 8 KiB), files over 2 MB and, inside a git work tree, what ``.gitignore``
ignores.  Lines are split at ``\\n`` (a trailing ``\\r``
dropped), so line numbers agree with ``Read``.
"""

from __future__ import annotations

import asyncio
import bisect
import re
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from tui.tools.base import Tool, ToolCall, ToolContext, ToolInputError, ToolResult
from tui.tools.files import ToolInput, cap_lines, is_binary_prefix, optional_dir_path
from tui.tools.glob import (
    WalkStats,
    compile_globs,
    expand_braces,
    file_denied,
    hidden_below,
    walk_files,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Files larger than this are not searched."""

MAX_LINE_CHARS = 500
"""Characters of a matching line shown in content mode."""

_NEWLINE = re.compile("\n")

OutputMode = Literal["content", "files_with_matches", "count"]


class GrepInput(ToolInput):
    """Input of ``Grep`` (Claude Code's field names, including ``-i``, ``-n``, ``-A/-B/-C``)."""

    pattern: str = Field(
        description=(
            "The regular expression to search file contents for (Python `re` syntax, close to "
            'ripgrep\'s), e.g. "def \\w+\\(" or "log.*Error". Escape literal braces and '
            "parentheses."
        )
    )
    path: str | None = Field(
        default=None,
        description="File or directory to search in. Defaults to the current working directory.",
    )
    glob: str | None = Field(
        default=None,
        description=(
            'Only search files whose name matches this glob, e.g. "*.py" or "*.{ts,tsx}"; a '
            'pattern with "/" matches the path relative to the search directory.'
        ),
    )
    output_mode: OutputMode = Field(
        default="files_with_matches",
        description=(
            '"content" shows matching lines as path:line:text (supports -A/-B/-C, -n and '
            'head_limit); "files_with_matches" (default) lists the files that match; "count" '
            "shows the number of matching lines per file."
        ),
    )
    before: int | None = Field(
        default=None,
        ge=0,
        alias="-B",
        description='Lines of context to show before each match. Only with output_mode "content".',
    )
    after: int | None = Field(
        default=None,
        ge=0,
        alias="-A",
        description='Lines of context to show after each match. Only with output_mode "content".',
    )
    context: int | None = Field(
        default=None,
        ge=0,
        alias="-C",
        description=(
            'Lines of context before and after each match. Only with output_mode "content".'
        ),
    )
    line_numbers: bool = Field(
        default=True,
        alias="-n",
        description='Show line numbers (default true). Only with output_mode "content".',
    )
    case_insensitive: bool = Field(
        default=False, alias="-i", description="Search case-insensitively."
    )
    head_limit: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Show only the first N lines (content), files (files_with_matches) or entries (count)."
        ),
    )
    multiline: bool = Field(
        default=False,
        description=(
            "Let a match span lines: `.` matches newlines and `^`/`$` match at every line. "
            "Default false (each line is searched on its own)."
        ),
    )


@dataclass(frozen=True, slots=True)
class GrepQuery:
    """A compiled search: regex, mode, context widths, filters and limits."""

    regex: re.Pattern[str]
    multiline: bool
    mode: OutputMode
    before: int
    after: int
    line_numbers: bool
    name_filter: re.Pattern[str] | None
    head_limit: int | None
    output_limit: int


@dataclass(slots=True)
class FileHits:
    """Matches in one file: 0-based matching line indexes, the match count and the lines."""

    matched: list[int]
    count: int
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class GrepOutcome:
    """Everything a search produced, before it is formatted."""

    lines: list[str]
    files: int = 0
    total: int = 0
    cut_early: bool = False
    skipped_large: int = 0
    stopped_walk: bool = False


def compile_query(params: GrepInput, output_limit: int) -> GrepQuery:
    """Compile the model's input.

    Raises:
        ToolInputError: the pattern is empty or not a valid Python regular expression, or the
            glob expands to too many alternatives.
    """
    if not params.pattern:
        raise ToolInputError("pattern must not be empty")
    flags = re.IGNORECASE if params.case_insensitive else 0
    if params.multiline:
        flags |= re.MULTILINE | re.DOTALL
    try:
        regex = re.compile(params.pattern, flags)
    except re.error as exc:
        raise ToolInputError(
            f"Invalid regular expression (Python re syntax): {exc}. Pattern: {params.pattern!r}"
        ) from None
    name_filter = None
    if params.glob and params.glob.strip():
        name_filter = compile_globs(expand_braces(params.glob.strip()), anywhere=True)
    ctx_lines = params.context or 0
    return GrepQuery(
        regex=regex,
        multiline=params.multiline,
        mode=params.output_mode,
        before=params.before if params.before is not None else ctx_lines,
        after=params.after if params.after is not None else ctx_lines,
        line_numbers=params.line_numbers,
        name_filter=name_filter,
        head_limit=params.head_limit,
        output_limit=output_limit,
    )


def _split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def search_text(text: str, query: GrepQuery, *, first_only: bool = False) -> FileHits | None:
    """Search one file's text; ``None`` when nothing matches.

    Without ``multiline`` each line is searched on its own and ``count`` is the number of matching
    lines; with it the whole text is searched and ``count`` is the number of matches.
    """
    lines = _split_lines(text)
    matched: list[int] = []
    count = 0
    if not query.multiline:
        search = query.regex.search
        for i, line in enumerate(lines):
            if search(line):
                matched.append(i)
                if first_only:
                    break
        count = len(matched)
    else:
        if not lines:
            return None
        starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        top = len(lines) - 1
        seen: set[int] = set()
        for match in query.regex.finditer(text):
            count += 1
            first = min(bisect.bisect_right(starts, match.start()) - 1, top)
            end = max(match.end() - 1, match.start())
            last = min(bisect.bisect_right(starts, end) - 1, top)
            seen.update(range(first, last + 1))
            if first_only:
                break
        matched = sorted(seen)
    if not count:
        return None
    return FileHits(matched, count, lines)


def _read_searchable(path: Path) -> str | None:
    """A file's text, or ``None`` when it is binary, too large, or cannot be read."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None  # Vanished or unreadable files are simply not searched.
    if is_binary_prefix(data):
        return None
    return data.decode("utf-8", errors="replace")


def _shorten(line: str) -> str:
    if len(line) > MAX_LINE_CHARS:
        return line[:MAX_LINE_CHARS] + " … [truncated]"
    return line


def _content_lines(name: str, hits: FileHits, query: GrepQuery) -> list[str]:
    """``path:line:text`` for matches and ``path-line-text`` for context, ``--`` between groups."""
    matched = set(hits.matched)
    groups: list[list[int]] = []
    last_end = -2
    for index in hits.matched:
        lo = max(index - query.before, 0)
        hi = min(index + query.after, len(hits.lines) - 1)
        if groups and lo <= last_end + 1:
            groups[-1][1] = max(groups[-1][1], hi)
        else:
            groups.append([lo, hi])
        last_end = groups[-1][1]
    out: list[str] = []
    for g, (lo, hi) in enumerate(groups):
        if g and (query.before or query.after):
            out.append("--")
        for i in range(lo, hi + 1):
            sep = ":" if i in matched else "-"
            number = f"{i + 1}{sep}" if query.line_numbers else ""
            out.append(f"{name}{sep}{number}{_shorten(hits.lines[i])}")
    return out


def run_grep(
    target: Path,
    query: GrepQuery,
    stop: threading.Event | None = None,
    denied: Callable[[Path], bool] | None = None,
) -> GrepOutcome:
    """Search ``target`` (a file or a directory).  Blocking; set ``stop`` to end it early.

    Files are searched in path order for "content" and "count"; "files_with_matches" lists
    files newest modification first.  Files ``denied`` matches (:attr:`ToolContext.read_denied`:
    a Read deny or ask rule covers them) are never opened, so a search of a tree that holds
    ``.env`` runs and leaves ``.env`` out (Claude Code's Grep respects Read deny rules too).
    """
    outcome = GrepOutcome(lines=[])
    candidates: list[tuple[str, float]] = []
    if target.is_dir():
        stats = WalkStats()
        hidden = hidden_below(target, denied)
        for rel, entry in walk_files(target, stop=stop, stats=stats):
            if query.name_filter is not None and not query.name_filter.match(rel):
                continue
            if hidden is not None and hidden(rel, entry):
                continue
            try:
                st = entry.stat()
            except OSError:
                continue  # Vanished while walking.
            if st.st_size > MAX_FILE_BYTES:
                outcome.skipped_large += 1
                continue
            candidates.append((str(target / rel), st.st_mtime))
        outcome.stopped_walk = stats.stopped_early
        candidates.sort()
    elif not file_denied(target, denied):
        candidates.append((str(target), 0.0))
    line_budget = query.head_limit if query.mode == "content" else None
    char_budget = query.output_limit
    matches: list[tuple[float, str, FileHits]] = []
    for name, mtime in candidates:
        if stop is not None and stop.is_set():
            break
        text = _read_searchable(Path(name))
        if text is None:
            continue
        hits = search_text(text, query, first_only=query.mode == "files_with_matches")
        if hits is None:
            continue
        outcome.files += 1
        outcome.total += hits.count
        if query.mode == "files_with_matches":
            matches.append((mtime, name, hits))
        elif query.mode == "count":
            outcome.lines.append(f"{name}:{hits.count}")
        else:
            if outcome.lines and (query.before or query.after):
                outcome.lines.append("--")
            added = _content_lines(name, hits, query)
            outcome.lines.extend(added)
            char_budget -= sum(len(line) + 1 for line in added)
            over_lines = line_budget is not None and len(outcome.lines) > line_budget
            if over_lines or char_budget < 0:
                outcome.cut_early = True
                break
    if query.mode == "files_with_matches":
        matches.sort(key=lambda item: (-item[0], item[1]))
        outcome.lines = [name for _, name, _ in matches]
    return outcome


def format_outcome(outcome: GrepOutcome, query: GrepQuery) -> str:
    """The text the model sees: results, then notes on what was cut or skipped."""
    lines = outcome.lines
    notes: list[str] = []
    if not lines:
        text = "No files found" if query.mode == "files_with_matches" else "No matches found"
    else:
        shown = lines
        hidden = 0
        if query.head_limit is not None and len(shown) > query.head_limit:
            hidden = len(shown) - query.head_limit
            shown = shown[: query.head_limit]
        shown, cut = cap_lines(shown, max(query.output_limit - 300, 1))
        hidden += cut
        if query.mode == "files_with_matches":
            header = f"Found {outcome.files} file{'s' if outcome.files != 1 else ''}"
            text = header + "\n" + "\n".join(shown)
        elif query.mode == "count":
            text = "\n".join(shown)
            unit = "match" if query.multiline else "matching line"
            plural = "es" if query.multiline else "s"
            text += (
                f"\n\nFound {outcome.total} {unit}{plural if outcome.total != 1 else ''}"
                f" in {outcome.files} file{'s' if outcome.files != 1 else ''}"
            )
        else:
            text = "\n".join(shown)
        if hidden or outcome.cut_early:
            more = f"{hidden} more" if not outcome.cut_early else "More"
            notes.append(
                f"({more} results not shown. Narrow the pattern, path or glob, or use head_limit.)"
            )
    if outcome.skipped_large:
        many = outcome.skipped_large != 1
        notes.append(
            f"({outcome.skipped_large} file{'s' if many else ''} over 2 MB "
            f"{'were' if many else 'was'} not searched.)"
        )
    if outcome.stopped_walk:
        notes.append("(The search stopped early: too many files under this path.)")
    return "\n".join([text, *notes]) if notes else text


class Grep(Tool[GrepInput]):
    """Search file contents with a regular expression (Python ``re``), in a worker thread."""

    name = "Grep"
    description = (
        "Searches file contents with a regular expression.\n"
        '- Full regex syntax (Python `re`, close to ripgrep\'s): "log.*Error", "def \\w+".\n'
        '- Filter files with glob ("*.js", "**/*.{ts,tsx}"); search a file or a directory '
        "with path (default: the current working directory).\n"
        '- output_mode: "files_with_matches" (default) lists matching files newest first; '
        '"content" shows path:line:text, with -A/-B/-C context; "count" gives matches per file.\n'
        '- "-i" ignores case; multiline lets patterns span lines.\n'
        "- .git directories, binary files, files over 2 MB and, inside a git repository, "
        "files its .gitignore files ignore are skipped.\n"
        "- Always use Grep for content search instead of grep or rg in Bash."
    )
    Input = GrepInput
    permission_class = "read"

    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: GrepInput, ctx: ToolContext
    ) -> ToolCall[GrepInput]:
        """Compile the pattern (to check it); paths = (the search path,).

        Raises:
            ToolInputError: invalid regular expression or glob.
        """
        target = optional_dir_path(ctx, params.path)
        compile_query(params, ctx.output_limit)
        summary = params.pattern
        if params.path is not None and target != ctx.cwd:
            summary += f" in {ctx.display(target)}"
        if params.glob:
            summary += f" ({params.glob})"
        return ToolCall(
            tool_use_id=tool_use_id,
            name=self.name,
            input=raw,
            params=params,
            permission_class=self.permission_class,
            summary=summary,
            paths=(target,),
        )

    async def run(self, call: ToolCall[GrepInput], ctx: ToolContext) -> ToolResult:
        """Search in a thread; a missing path is an ``is_error`` result.  The query is compiled
        again from the input (``re`` caches the pattern; it passed in :meth:`prepare_call`)."""
        query = compile_query(call.params, ctx.output_limit)
        target = call.paths[0]
        if not target.exists():
            return ToolResult(f"Path does not exist: {target}", is_error=True)
        stop = threading.Event()
        try:
            outcome = await asyncio.to_thread(run_grep, target, query, stop, ctx.read_denied)
        except asyncio.CancelledError:
            stop.set()
            raise
        return ToolResult(format_outcome(outcome, query))
