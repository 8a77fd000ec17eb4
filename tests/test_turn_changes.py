"""The "changes this turn" core: edits written without a prompt can be reverted hunk by hunk,
on disk, and applied again; nothing is written over a file someone changed since."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_apply_hunks import NEW, OLD
from tui.diffs import FileChange
from tui.tools.files import StaleFileError
from tui.turn_changes import TurnChanges


def _written(path: Path, old: str | None, new: str) -> FileChange:
    """Write ``new`` (as an edit would have) and return the change that did it."""
    path.write_text(new)
    return FileChange(path, old, new, path.name)


def test_reverting_a_hunk_restores_its_old_lines_on_disk(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    changes = TurnChanges()
    changes.record(_written(target, OLD, NEW))
    assert len(changes.files[0].change.hunks) == 3
    entry = changes.toggle_hunk(0, 1)
    assert entry.reverted == {1}
    text = target.read_text()
    assert "line 20\n" in text             # hunk 2 (a deletion) undone
    assert "LINE THREE" in text            # hunks 1 and 3 still applied
    changes.toggle_hunk(0, 1)              # space again: applied again
    assert target.read_text() == NEW
    for index in range(3):
        changes.toggle_hunk(0, index)
    assert target.read_text() == OLD       # every hunk reverted: the file as before the turn


def test_two_edits_of_one_file_are_reviewed_as_their_net_change(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    changes = TurnChanges()
    changes.record(_written(target, "a = 1\nb = 2\n", "a = 10\nb = 2\n"))
    changes.record(_written(target, "a = 10\nb = 2\n", "a = 10\nb = 20\n"))
    assert len(changes) == 1
    net = changes.files[0].change
    assert net.old_text == "a = 1\nb = 2\n" and net.new_text == "a = 10\nb = 20\n"


def test_a_file_changed_since_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    changes = TurnChanges()
    changes.record(_written(target, OLD, NEW))
    target.write_text(NEW + "typed by the user\n")
    with pytest.raises(StaleFileError):
        changes.toggle_hunk(0, 0)
    assert target.read_text().endswith("typed by the user\n")   # nothing lost
    assert changes.files[0].reverted == set()


def test_reverting_a_created_file_removes_it_and_space_brings_it_back(tmp_path: Path) -> None:
    target = tmp_path / "new.py"
    changes = TurnChanges()
    changes.record(_written(target, None, "print('hi')\n"))
    changes.toggle_hunk(0, 0)
    assert not target.exists()
    changes.toggle_hunk(0, 0)
    assert target.read_text() == "print('hi')\n"


def test_unknown_hunk_is_an_index_error(tmp_path: Path) -> None:
    changes = TurnChanges()
    changes.record(_written(tmp_path / "x.txt", "a\n", "b\n"))
    with pytest.raises(IndexError):
        changes.toggle_hunk(0, 5)
