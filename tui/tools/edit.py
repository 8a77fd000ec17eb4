"""The ``Edit`` tool: exact string replacement in one file (permission class "edit").

``prepare`` reads the file and computes the whole proposed :class:`~tui.diffs.FileChange` so the
permission prompt can show its diff; ``run`` writes ``call.change`` (which the UI may have
trimmed to the accepted hunks) only if the file still holds the text the change was computed
from.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import Field

from tui.diffs import FileChange
from tui.tools.base import Tool, ToolCall, ToolContext, ToolInputError, ToolResult
from tui.tools.files import (
    StaleFileError,
    TextFileError,
    ToolInput,
    absolute_input_path,
    apply_change,
    read_text_checked,
)


class EditInput(ToolInput):
    """Input of ``Edit`` (Claude Code's field names)."""

    file_path: str = Field(description="The absolute path of the file to modify.")
    old_string: str = Field(
        description=(
            "The exact text to replace, including whitespace and indentation as the file has "
            "it (without Read's line-number prefix). It must occur exactly once unless "
            "replace_all is true."
        )
    )
    new_string: str = Field(description="The text to replace it with (must differ from it).")
    replace_all: bool = Field(
        default=False,
        description="Replace every occurrence of old_string (default false), e.g. to rename.",
    )


def _to_crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def plan_edit(content: str | None, params: EditInput, label: str) -> str:
    """The file's new text after the edit.

    ``content`` is ``None`` when the file does not exist: only an empty ``old_string`` (create the
    file with ``new_string``) is allowed then.  In a CRLF file an ``old_string`` written with
    ``\\n`` line ends is matched with ``\\r\\n`` ones and the new text gets ``\\r\\n`` too.

    Raises:
        ToolInputError: strings equal, old_string not found, or found more than once without
            ``replace_all`` (the message says what to do).
    """
    old, new = params.old_string, params.new_string
    if old == new:
        raise ToolInputError("old_string and new_string are the same; there is nothing to change")
    if content is None:
        if old:
            raise ToolInputError(f"File does not exist: {label}")
        return new
    if not old:
        if content.strip():
            raise ToolInputError(
                f"old_string is empty but {label} already has content; give the text to "
                "replace, or use Write to replace the whole file"
            )
        return new
    count = content.count(old)
    if count == 0 and "\r\n" in content and "\n" in old:
        crlf_old = _to_crlf(old)
        count = content.count(crlf_old)
        if count:
            old, new = crlf_old, _to_crlf(new)
    if count == 0:
        raise ToolInputError(
            f"old_string not found in {label}. It must match the file exactly, including "
            "whitespace and indentation; read the file again if unsure."
        )
    if count > 1 and not params.replace_all:
        raise ToolInputError(
            f"old_string occurs {count} times in {label}. Add surrounding lines to make it "
            "unique, or set replace_all to true to replace every occurrence."
        )
    return content.replace(old, new) if params.replace_all else content.replace(old, new, 1)


def _read_for_edit(path: Any, label: str) -> str | None:
    """The file's text, ``None`` when it does not exist (blocking).

    Raises:
        TextFileError: directory, binary, not UTF-8, too large or unreadable.
    """
    try:
        return read_text_checked(path, label=label)
    except FileNotFoundError:
        return None


async def write_prepared_change(call: ToolCall[Any], ctx: ToolContext, *,
                                errors: str) -> ToolResult:
    """Write ``call.change`` after the on-disk check; the result says what was written.

    Shared by Edit and Write.  ``errors`` is the decoding the old text was read with.
    """
    change = call.change
    if change is None:
        return ToolResult("Internal error: no prepared change for this call", is_error=True)
    label = change.display_path or ctx.display(change.path)
    if change.old_text == change.new_text:
        return ToolResult(f"No changes written to {label} (the accepted change is empty)")
    try:
        await asyncio.to_thread(apply_change, change, errors=errors, label=label)
    except StaleFileError as exc:
        return ToolResult(str(exc), is_error=True)
    except OSError as exc:
        return ToolResult(f"Could not write {label}: {exc.strerror or exc}", is_error=True)
    added, removed = await asyncio.to_thread(lambda: (change.added, change.removed))
    if change.is_new:
        return ToolResult(f"Created {label}: +{added} lines")
    verb = "Edited" if call.name == "Edit" else "Wrote"
    return ToolResult(f"{verb} {label}: +{added} -{removed} lines")


class Edit(Tool[EditInput]):
    """Replace an exact string in a file; the proposed change is computed at prepare time."""

    name = "Edit"
    description = (
        "Performs exact string replacements in a file.\n"
        "- Read the file first; copy old_string exactly as it appears after Read's line-number "
        "prefix (line number + tab), keeping indentation, and never include the prefix.\n"
        "- The edit fails if old_string is not found, or occurs more than once and replace_all "
        "is false: add surrounding context to make it unique, or set replace_all to change "
        "every occurrence (useful for renames).\n"
        "- An empty old_string creates a file that does not exist yet with new_string.\n"
        "- Prefer editing existing files over creating new ones."
    )
    Input = EditInput
    permission_class = "edit"

    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: EditInput, ctx: ToolContext
    ) -> ToolCall[EditInput]:
        """Read the file (thread) and build the ``FileChange``; paths = (file,).

        Raises:
            ToolInputError: relative path, unreadable or binary file, old_string equal to
                new_string, not found, or not unique without ``replace_all``.
        """
        path = absolute_input_path(ctx, params.file_path)
        label = ctx.display(path)
        try:
            content = await asyncio.to_thread(_read_for_edit, path, label)
        except TextFileError as exc:
            raise ToolInputError(str(exc)) from None
        new_text = plan_edit(content, params, label)
        return ToolCall(
            tool_use_id=tool_use_id,
            name=self.name,
            input=raw,
            params=params,
            permission_class=self.permission_class,
            summary=label,
            paths=(path,),
            change=FileChange(path, content, new_text, display_path=label),
        )

    async def run(self, call: ToolCall[EditInput], ctx: ToolContext) -> ToolResult:
        """Write ``call.change.new_text`` atomically unless the file changed on disk."""
        return await write_prepared_change(call, ctx, errors="strict")
