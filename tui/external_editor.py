"""Open a proposed edit in the user's ``$EDITOR`` and read back what they made of it (UI-free).

The text goes to a private temporary file (mode 0600, in a fresh 0700 directory, removed
afterwards) named like the real file so the editor picks the right syntax mode.  The editor
command comes from ``$VISUAL``, then ``$EDITOR``, then ``vi``, split like a shell would
(``"code --wait"`` works).  Blocking: the caller suspends the TUI first.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path


class EditorError(Exception):
    """The editor could not be started, or exited with an error; the message says which."""


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """The editor command as an argv list: ``$VISUAL``, else ``$EDITOR``, else ``["vi"]``.

    Raises:
        EditorError: the variable cannot be split (unbalanced quotes).
    """
    env = os.environ if env is None else env
    raw = env.get("VISUAL") or env.get("EDITOR") or "vi"
    try:
        argv = shlex.split(raw)
    except ValueError as exc:
        raise EditorError(f"cannot read the editor command {raw!r}: {exc}") from None
    return argv or ["vi"]


def edit_text(text: str, filename: str, env: Mapping[str, str] | None = None) -> str:
    """Let the user edit ``text`` in their editor; returns the text as saved.

    Args:
        text: the proposed new content.
        filename: the real file's name (only its last component is used, for the suffix).
        env: environment to read ``$VISUAL``/``$EDITOR`` from (default: ``os.environ``).

    Raises:
        EditorError: the editor is missing, failed, or the file cannot be read back as UTF-8.
    """
    argv = editor_command(env)
    with tempfile.TemporaryDirectory(prefix="warden-edit-") as tmp:
        path = Path(tmp) / (Path(filename).name or "proposed.txt")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        try:
            completed = subprocess.run([*argv, str(path)], check=False)
        except OSError as exc:
            raise EditorError(f"could not start the editor {argv[0]!r}: {exc.strerror or exc}. "
                              "Set $EDITOR to an editor that is installed.") from None
        if completed.returncode != 0:
            raise EditorError(f"the editor {argv[0]!r} exited with status "
                              f"{completed.returncode}; the proposal is unchanged")
        try:
            return path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise EditorError(f"could not read the edited file back: {exc}") from None
