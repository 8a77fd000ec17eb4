"""The ``Write`` tool: create a file or replace its whole content (permission class "edit")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import Field

from tui.diffs import FileChange
from tui.tools.base import Tool, ToolCall, ToolContext, ToolInputError, ToolResult
from tui.tools.edit import write_prepared_change
from tui.tools.files import TextFileError, ToolInput, absolute_input_path, read_text_checked


class WriteInput(ToolInput):
    """Input of ``Write`` (Claude Code's field names)."""

    file_path: str = Field(
        description="The absolute path of the file to write (it is created or overwritten)."
    )
    content: str = Field(description="The complete content to write to the file.")


def _current_text(path: Path, label: str) -> str | None:
    """What the file holds now (non-UTF-8 bytes replaced), ``None`` when absent.  Blocking.

    Raises:
        TextFileError: a directory, a binary file, too large or unreadable.
    """
    try:
        return read_text_checked(path, errors="replace", label=label)
    except FileNotFoundError:
        return None


class Write(Tool[WriteInput]):
    """Create a file, or overwrite a text file, with the given content."""

    name = "Write"
    description = (
        "Writes a file to the local filesystem, replacing it if it exists.\n"
        "- file_path must be an absolute path; missing parent directories are created.\n"
        "- To change part of an existing file use Edit; read a file before overwriting it.\n"
        "- Prefer editing existing files; only create new files when the task needs them "
        "(not unrequested documentation or README files)."
    )
    Input = WriteInput
    permission_class = "edit"

    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: WriteInput, ctx: ToolContext
    ) -> ToolCall[WriteInput]:
        """Read the current content (thread) and build the ``FileChange``; paths = (file,).

        Raises:
            ToolInputError: relative path, or the path is a directory or a binary file.
        """
        path = absolute_input_path(ctx, params.file_path)
        label = ctx.display(path)
        try:
            current = await asyncio.to_thread(_current_text, path, label)
        except TextFileError as exc:
            raise ToolInputError(f"{exc}; Write replaces only text files") from None
        return ToolCall(
            tool_use_id=tool_use_id,
            name=self.name,
            input=raw,
            params=params,
            permission_class=self.permission_class,
            summary=label,
            paths=(path,),
            change=FileChange(path, current, params.content, display_path=label),
        )

    async def run(self, call: ToolCall[WriteInput], ctx: ToolContext) -> ToolResult:
        """Create parents and write atomically, unless the file changed on disk meanwhile."""
        return await write_prepared_change(call, ctx, errors="replace")
