"""Opening a proposed edit in $EDITOR: the saved text comes back; failures say what to do."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from tui.external_editor import EditorError, edit_text, editor_command


def _script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor.py"
    script.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n{body}\n")
    return f"{sys.executable} {script}"


def test_the_edited_text_is_returned_and_the_temp_file_is_private(tmp_path: Path) -> None:
    log = tmp_path / "seen.txt"
    body = (f"pathlib.Path({str(log)!r}).write_text(oct(p.stat().st_mode & 0o777) + ' ' + p.name)\n"
            "p.write_text(p.read_text().replace('1', '2'))")
    edited = edit_text("x = 1\n", "src/app.py", {"EDITOR": _script(tmp_path, body)})
    assert edited == "x = 2\n"
    mode, name = log.read_text().split()
    assert int(mode, 8) & (stat.S_IRWXG | stat.S_IRWXO) == 0
    assert name == "app.py"                      # same suffix, so the editor picks Python mode


def test_visual_wins_over_editor() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]
    assert editor_command({}) == ["vi"]


def test_a_missing_editor_and_a_failing_one_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EditorError, match="could not start the editor"):
        edit_text("x", "a.txt", {"EDITOR": str(tmp_path / "no-such-editor")})
    with pytest.raises(EditorError, match="exited with status 3"):
        edit_text("x", "a.txt", {"EDITOR": _script(tmp_path, "sys.exit(3)")})
    with pytest.raises(EditorError, match="cannot read the editor command"):
        edit_text("x", "a.txt", {"EDITOR": "'unbalanced"})
