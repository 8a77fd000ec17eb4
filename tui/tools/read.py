"""The ``Read`` tool: a text file's lines, numbered like ``cat -n`` (permission class "read")."""

from __future__ import annotations

import asyncio
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from tui.tools.base import Tool, ToolCall, ToolContext, ToolResult, result_lines
from tui.tools.files import BINARY_SNIFF_BYTES, ToolInput, absolute_input_path, is_binary_prefix

DEFAULT_LINE_LIMIT = 2000
"""Lines returned when the model gives no ``limit``."""

MAX_LINE_CHARS = 2000
"""Characters kept of one line; longer lines are cut and marked."""

_LINE_READ_BYTES = MAX_LINE_CHARS * 4 + 4
"""Bytes read of one line: enough for ``MAX_LINE_CHARS`` characters of UTF-8."""

_COUNT_REST_MAX_BYTES = 256 * 1024 * 1024
"""Past the requested lines, count the remaining lines of at most this many bytes."""


class ReadInput(ToolInput):
    """Input of ``Read`` (Claude Code's field names)."""

    file_path: str = Field(description="The absolute path of the file to read.")
    offset: int | None = Field(
        default=None,
        ge=0,
        description=(
            "The line number to start reading from (1-based). Only give it for files too long "
            "to read at once."
        ),
    )
    limit: int | None = Field(
        default=None,
        ge=1,
        description=(
            f"The number of lines to read (default {DEFAULT_LINE_LIMIT}). Only give it for "
            "files too long to read at once."
        ),
    )


@dataclass(frozen=True, slots=True)
class _Slice:
    """Lines ``first``..``first + len(lines) - 1`` of a file that has ``total`` lines.

    ``total`` is ``None`` when the rest of a very large file was not counted.
    """

    first: int
    lines: list[str]
    total: int | None


class FileReadProblem(Exception):
    """The file cannot be shown; the message is meant for the model."""


def _decode_line(raw: bytes) -> str:
    """One line's bytes as text: newline stripped, invalid UTF-8 replaced, long lines cut."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    text = raw.decode("utf-8", errors="replace")
    if len(text) > MAX_LINE_CHARS:
        text = text[:MAX_LINE_CHARS] + " … [line truncated]"
    return text


def _read_slice(path: Path, start: int, count: int, label: str) -> _Slice:
    """Read lines ``start``..``start + count - 1`` (1-based) of ``path`` and count the rest.

    Lines end at ``\\n`` (a trailing ``\\r`` is dropped). Blocking; run it in a thread.

    Raises:
        FileReadProblem: missing, a directory, not a regular file, unreadable, or binary.
    """
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise FileReadProblem(
                f"{label} is a directory, not a file. Use Glob or `ls` through Bash to list it."
            )
        if not stat.S_ISREG(st.st_mode):
            raise FileReadProblem(f"{label} is not a regular file")
        with path.open("rb") as handle:
            if is_binary_prefix(handle.read(BINARY_SNIFF_BYTES)):
                raise FileReadProblem(f"{label} is a binary file; Read shows only text files.")
            handle.seek(0)
            return _collect(handle, start, count)
    except FileNotFoundError:
        raise FileReadProblem(f"File does not exist: {label}") from None
    except PermissionError:
        raise FileReadProblem(f"Cannot read {label}: permission denied") from None
    except OSError as exc:
        raise FileReadProblem(f"Cannot read {label}: {exc.strerror or exc}") from None


def _next_line(handle: Any) -> bytes | None:
    """The next line's first bytes (at most ``_LINE_READ_BYTES``), the rest skipped; None at EOF."""
    raw: bytes = handle.readline(_LINE_READ_BYTES)
    if not raw:
        return None
    if not raw.endswith(b"\n") and len(raw) == _LINE_READ_BYTES:
        while True:
            rest = handle.readline(1024 * 1024)
            if not rest or rest.endswith(b"\n"):
                break
    return raw


def _collect(handle: Any, start: int, count: int) -> _Slice:
    """Read the window of lines from an open binary file, then count the remaining lines."""
    lines: list[str] = []
    seen = 0
    more = False
    while (raw := _next_line(handle)) is not None:
        seen += 1
        if seen < start:
            continue
        if len(lines) >= count:
            more = True
            break
        lines.append(_decode_line(raw))
    if not more:
        return _Slice(start, lines, seen)
    counted = 0
    last = b""
    while chunk := handle.read(1024 * 1024):
        counted += len(chunk)
        seen += chunk.count(b"\n")
        last = chunk
        if counted > _COUNT_REST_MAX_BYTES:
            return _Slice(start, lines, None)
    if last and not last.endswith(b"\n"):
        seen += 1
    return _Slice(start, lines, seen)


def format_numbered(first: int, lines: list[str]) -> list[str]:
    """Lines as ``cat -n`` prints them: the number right-aligned in 6 columns, a tab, the text."""
    return [f"{first + i:>6}\t{line}" for i, line in enumerate(lines)]


class Read(Tool[ReadInput]):
    """Read a text file; the result is its lines numbered like ``cat -n``.

    At most ``limit`` (default 2,000) lines from ``offset`` (1-based), each cut at 2,000
    characters, and no more than ``ctx.output_limit`` characters in all; a closing note says
    where the output was cut and which ``offset`` continues it.
    """

    name = "Read"
    description = (
        "Reads a file from the local filesystem and returns its lines numbered like `cat -n` "
        "(line number, a tab, the line).\n"
        "- file_path must be an absolute path.\n"
        f"- By default up to {DEFAULT_LINE_LIMIT} lines are returned from the start of the file; "
        "for long files give offset (1-based line number) and limit to read a part.\n"
        f"- Lines longer than {MAX_LINE_CHARS} characters are truncated.\n"
        "- Only text files can be read; directories and binary files are refused (use Glob or "
        "Bash `ls` to list a directory).\n"
        "- Read a file before editing it, and prefer Read over `cat`, `head` or `tail` in Bash."
    )
    Input = ReadInput
    permission_class = "read"

    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: ReadInput, ctx: ToolContext
    ) -> ToolCall[ReadInput]:
        """Make ``file_path`` absolute; paths = (that path,), summary = its display path.

        Raises:
            ToolInputError: ``file_path`` is relative or empty.
        """
        path = absolute_input_path(ctx, params.file_path)
        summary = ctx.display(path)
        return ToolCall(
            tool_use_id=tool_use_id,
            name=self.name,
            input=raw,
            params=params,
            permission_class=self.permission_class,
            summary=summary,
            paths=(path,),
        )

    async def run(self, call: ToolCall[ReadInput], ctx: ToolContext) -> ToolResult:
        """Read the file in a thread; problems come back as ``is_error`` results."""
        params = call.params
        path = call.paths[0]
        start = max(params.offset or 1, 1)
        count = params.limit or DEFAULT_LINE_LIMIT
        label = ctx.display(path)
        try:
            piece = await asyncio.to_thread(_read_slice, path, start, count, label)
        except FileReadProblem as exc:
            return ToolResult(str(exc), is_error=True)
        return ToolResult(_render(piece, ctx.output_limit))

    def summarise(self, result: ToolResult) -> str:
        """``read N lines`` (N counts the result's lines, closing notes included)."""
        return f"read {len(result_lines(result))} lines"


def _render(piece: _Slice, output_limit: int) -> str:
    """The numbered lines plus a note when the file has more than was shown."""
    total = piece.total
    if not piece.lines:
        if total == 0 or (total is not None and piece.first == 1):
            return "(The file exists but is empty.)"
        known = f"only {total} lines" if total is not None else "fewer lines"
        return f"(The file has {known}; offset {piece.first} is past the end.)"
    numbered = format_numbered(piece.first, piece.lines)
    kept: list[str] = []
    used = 0
    budget = max(output_limit - 200, 1)
    for line in numbered:
        if kept and used + len(line) + 1 > budget:
            break
        kept.append(line)
        used += len(line) + 1
    last = piece.first + len(kept) - 1
    text = "\n".join(kept)
    of_total = f" of {total}" if total is not None else ""
    more_after = total is None or last < total
    if len(kept) < len(numbered):
        text += (
            f"\n\n(Output cut at {output_limit:,} characters: showing lines {piece.first}-{last}"
            f"{of_total}. Use offset={last + 1} to read on.)"
        )
    elif more_after:
        text += (
            f"\n\n(Showing lines {piece.first}-{last}{of_total}. "
            f"Use offset={last + 1} to read more.)"
        )
    return text
