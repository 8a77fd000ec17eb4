"""Helpers shared by the built-in tools: text-file I/O, input checks and output caps (UI-free).

* :func:`read_text_checked` reads a file as text and says in one sentence, for the model, why it
  cannot (missing, a directory, binary, not UTF-8, too large, unreadable).
* :func:`atomic_write_text` saves as an editor does, through :mod:`tui.fsutil` (temporary file,
  ``fsync``, rename), so a crash leaves either the old or the new content, never half of each.
* :class:`ToolInput` is the base of every tool's pydantic input model; it keeps the JSON schema the
  way Claude Code's tools show it (an optional field is ``{"type": "integer"}``, not
  ``anyOf [integer, null]``).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from tui import fsutil
from tui.diffs import FileChange
from tui.tools.base import ToolContext, ToolInputError

BINARY_SNIFF_BYTES = 8 * 1024
"""Bytes at the start of a file searched for a NUL byte to call it binary."""

MAX_EDIT_BYTES = 16 * 1024 * 1024
"""Largest file (bytes) that Edit and Write read whole to compute a change."""


class TextFileError(ValueError):
    """A file cannot be used as text; the message is one sentence meant for the model."""


def is_binary_prefix(data: bytes) -> bool:
    """True when ``data`` (a file's first bytes) holds a NUL byte, as ``grep`` and git judge."""
    return b"\0" in data[:BINARY_SNIFF_BYTES]


def read_text_checked(
    path: Path,
    *,
    errors: str = "strict",
    max_bytes: int = MAX_EDIT_BYTES,
    label: str | None = None,
) -> str:
    """Read a whole file as UTF-8 text, line endings kept exactly as they are on disk.

    Blocking: call it through ``asyncio.to_thread`` from async code.

    Args:
        path: absolute path of the file.
        errors: codec error handler; ``"strict"`` refuses non-UTF-8 files, ``"replace"`` decodes
            them lossily (only for showing old content that is about to be replaced whole).
        max_bytes: files larger than this many bytes are refused.
        label: how to name the file in messages (default: the path).

    Returns:
        The content (``\\r\\n`` kept; a byte-order mark kept as ``\\ufeff``).

    Raises:
        FileNotFoundError: the file does not exist (its message names the file).
        TextFileError: a directory, a binary file (NUL byte in the first 8 KiB), not valid UTF-8,
            larger than ``max_bytes``, or unreadable (permissions, I/O error).
    """
    name = label or str(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise TextFileError(f"{name} is a directory, not a file")
        if st.st_size > max_bytes:
            raise TextFileError(
                f"{name} is too large to edit ({st.st_size:,} bytes; the limit is "
                f"{max_bytes:,} bytes)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"File does not exist: {name}") from None
    except IsADirectoryError:
        raise TextFileError(f"{name} is a directory, not a file") from None
    except PermissionError:
        raise TextFileError(f"Cannot read {name}: permission denied") from None
    except OSError as exc:
        raise TextFileError(f"Cannot read {name}: {exc.strerror or exc}") from None
    if is_binary_prefix(data):
        raise TextFileError(f"{name} is a binary file, not text")
    try:
        return data.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        raise TextFileError(
            f"{name} is not valid UTF-8 text (bad byte at offset {exc.start})"
        ) from None


def atomic_write_text(path: Path, text: str) -> None:
    """Replace the content of ``path`` with ``text`` (UTF-8, no newline translation), atomically,
    as an editor saves: :func:`tui.fsutil.atomic_write_text` writing through a symlink (its
    target is replaced and the link stays), keeping the file's permission bits (``0o666`` less
    the umask for a new file) and refusing a file whose mode forbids this user to write it.
    On failure the temporary file is removed and the original is untouched.
    Blocking: call it through ``asyncio.to_thread``.  The parent directory must exist.

    Raises:
        PermissionError: the existing file is not writable by this user (its mode forbids it), or
            the directory is not writable.
        OSError: any other failure to write or rename.
    """
    fsutil.atomic_write_text(path, text, mode=None, keep_mode=True, follow_symlinks=True,
                             make_parents=False, refuse_read_only=True)


class StaleFileError(Exception):
    """The file on disk no longer holds the text a proposed change was computed from."""


def apply_change(change: FileChange, *, errors: str = "strict", label: str | None = None) -> None:
    """Write ``change.new_text`` to ``change.path`` if the file still holds ``change.old_text``.

    ``old_text is None`` means the file must still be absent.  Missing parent directories are
    created.  The write is atomic (:func:`atomic_write_text`).  Blocking; run it in a thread.

    Args:
        change: the (possibly user-trimmed) change to write.
        errors: how the old text was decoded when it was read (``"replace"`` for Write over a
            non-UTF-8 file), so the comparison uses the same decoding.
        label: how to name the file in messages.

    Raises:
        StaleFileError: the file was created, deleted or modified since the change was proposed.
        PermissionError, OSError: the write failed (the original file is untouched).
    """
    name = label or change.display_path or str(change.path)
    try:
        current: str | None = read_text_checked(change.path, errors=errors, label=name)
    except FileNotFoundError:
        current = None
    except TextFileError as exc:
        raise StaleFileError(
            f"{name} changed on disk since the edit was proposed ({exc}); read it again"
        ) from None
    if current != change.old_text:
        if change.old_text is None:
            detail = "it was created"
        elif current is None:
            detail = "it was deleted"
        else:
            detail = "its content differs"
        raise StaleFileError(
            f"{name}: the file changed on disk since the edit was proposed ({detail}); "
            "read it again"
        )
    change.path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(change.path, change.new_text)


def absolute_input_path(ctx: ToolContext, raw: str, field: str = "file_path") -> Path:
    """Turn the model's path into an absolute, normalised path (no symlink resolution).

    ``~`` is expanded; anything else must already be absolute, as Claude Code's tools require.

    Raises:
        ToolInputError: the path is empty or relative.
    """
    if not raw or not raw.strip():
        raise ToolInputError(f"{field} must not be empty")
    if not Path(raw).expanduser().is_absolute():
        raise ToolInputError(f"{field} must be an absolute path, not a relative one: {raw!r}")
    return ctx.resolve(raw)


def optional_dir_path(ctx: ToolContext, raw: str | None) -> Path:
    """The search path of Glob/Grep: ``cwd`` when absent, else ``raw`` made absolute.

    Models sometimes send the strings ``"undefined"`` or ``"null"`` for an omitted path; those
    mean ``cwd`` too.  Relative paths are taken relative to ``cwd``.
    """
    if raw is None or raw.strip() in ("", "undefined", "null", "."):
        return ctx.cwd
    return ctx.resolve(raw.strip())


def count_lines(text: str) -> int:
    """Number of lines as an editor shows them (a final line without newline counts)."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def cap_lines(lines: list[str], limit: int) -> tuple[list[str], int]:
    """Keep the leading ``lines`` whose total length (with newlines) fits ``limit`` characters.

    Returns:
        The kept lines and how many were dropped.  At least one line is kept (cut to ``limit``
        characters) so that a single huge line still shows something.
    """
    total = 0
    for i, line in enumerate(lines):
        total += len(line) + 1
        if total > limit:
            if i == 0:
                return [line[:limit]], len(lines) - 1
            return lines[:i], len(lines) - i
    return lines, 0


def _collapse_optional(schema: dict[str, Any]) -> None:
    """Rewrite ``anyOf [X, null]`` properties as ``X`` and drop ``"default": null``.

    The model's docstring (the schema's top-level ``description``) is dropped too: the tool's
    own description is what the model reads.
    """
    schema.pop("description", None)
    for prop in schema.get("properties", {}).values():
        variants = prop.get("anyOf")
        if isinstance(variants, list):
            non_null = [v for v in variants if v.get("type") != "null"]
            if len(non_null) == 1 and len(non_null) < len(variants):
                del prop["anyOf"]
                prop.update(non_null[0])
        if "default" in prop and prop["default"] is None:
            del prop["default"]


class ToolInput(BaseModel):
    """Base of the tools' input models: unknown keys ignored, fields settable by name or alias.

    Its JSON schema shows optional fields plainly (``{"type": "integer"}``) like Claude Code's.
    """

    model_config = ConfigDict(
        populate_by_name=True,
        extra="ignore",
        json_schema_extra=lambda schema, _cls: _collapse_optional(schema),
    )
