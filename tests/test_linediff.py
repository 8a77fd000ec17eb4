"""The line diff behind hunks (``tui.linediff``: rapidfuzz on numbered lines), difflib shapes."""

from __future__ import annotations

import difflib
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from tui.linediff import grouped_opcodes, matching_blocks, opcodes

items = st.lists(st.sampled_from(["a", "b", "c", "", "x1", "x2", "x3", "y"]), max_size=40)


def rebuild(a: list[str], b: list[str], codes) -> list[str]:
    """``b`` rebuilt from ``a`` and the opcodes (equal runs checked)."""
    out: list[str] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out += a[i1:i2]
        else:
            out += b[j1:j2]
    return out


@given(a=items, b=items)
def test_opcodes_are_contiguous_and_rebuild_the_new_side(a, b) -> None:
    codes = opcodes(a, b)
    i = j = 0
    for _tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    assert rebuild(a, b, codes) == b
    blocks = matching_blocks(a, b)
    assert blocks[-1] == (len(a), len(b), 0)
    for (i, j, n), (k, m, size) in pairwise(blocks):
        assert i + n <= k and j + n <= m  # increasing, never overlapping
        assert (i + n, j + n) != (k, m) or size == 0  # adjacent blocks are merged


@given(a=items, b=items)
def test_grouping_matches_difflib_for_the_same_opcodes(a, b) -> None:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    codes = matcher.get_opcodes()
    ours = list(grouped_opcodes(codes, 3))
    assert ours == list(difflib.SequenceMatcher(None, a, b, autojunk=False)
                        .get_grouped_opcodes(3))


def test_unique_lines_anchor_the_diff() -> None:
    # Lines repeated many times ("return", "") and unique ones: the one edit is found exactly.
    old = [line for n in range(300) for line in (f"def f{n}():", "    return 1", "")]
    new = list(old)
    new[3 * 150 + 1] = "    return 2"
    assert [c for c in opcodes(old, new) if c[0] != "equal"] == [
        ("replace", 451, 452, 451, 452)
    ]


def test_no_change_and_empty_sides() -> None:
    assert list(grouped_opcodes(opcodes(["a"], ["a"]))) == []
    assert list(grouped_opcodes(opcodes([], []))) == []
    assert opcodes([], ["a", "b"]) == [("insert", 0, 0, 0, 2)]
    assert opcodes(["a", "b"], []) == [("delete", 0, 2, 0, 0)]
