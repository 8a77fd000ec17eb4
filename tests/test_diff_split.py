"""The diff viewer's split view (old | new side by side) and intra-line change marks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.color import Color
from textual.geometry import Region
from textual.message import Message

from tests.scenarios import DemoRun, wait_until
from tests.test_diff_view import THREE_HUNKS, DiffApp, numbered, rendered, wait_ready
from themes import WARDEN_THEMES
from tui.agent import events as ev
from tui.approvals import ApprovalRequest, HostAccess
from tui.diffs import FileChange
from tui.messages import AgentUpdate
from tui.permissions.decision import Decision
from tui.tools import default_tools
from tui.tools.base import ToolContext
from widgets.approval_queue import ApprovalCard
from widgets.diff_view import (
    SPLIT_MIN_WIDTH,
    DiffHunk,
    DiffView,
    SplitHunkVisual,
    changed_ranges,
    pair_rows,
    prepare_file,
)
from widgets.diff_view.visual import SPLIT_SEPARATOR

DARK = WARDEN_THEMES[0].variables
"""warden-dark's semantic colours."""


def _change(old: str, new: str, name: str = "m.py") -> FileChange:
    return FileChange(Path(f"/p/{name}"), old, new, name)


ONE_FOR_TWO = _change(
    numbered(12),
    numbered(12, {6: "total = price * count", 7: "line 7\nextra line"}).replace(
        "line 5\n", "line five\n"
    ),
)
"""One hunk: lines 5 and 6 replaced (two removed, two added) and a line added after 7."""


def bg_at(widget: DiffHunk, y: int, text: str) -> str:
    """Background colour (``#rrggbb``) of the first cell of the last ``text`` in row ``y``."""
    strip = widget.render_lines(Region(0, y, widget.size.width, 1))[0]
    column = strip.text.rindex(text)
    (segment,) = list(strip.crop(column, column + 1))
    assert segment.style is not None and segment.style.bgcolor is not None
    return segment.style.bgcolor.triplet.hex.lower()


def hex_of(variable: str) -> str:
    """warden-dark's value of a semantic variable, as ``#rrggbb``."""
    return Color.parse(DARK[variable]).hex.lower()


# --- split / unified --------------------------------------------------------------------------


async def test_s_toggles_split_and_back() -> None:
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        view = app.view
        assert view.split is None and not view.is_split  # auto, narrower than the threshold
        hunk = view.hunk_widgets()[0]
        unified = rendered(hunk)
        assert SPLIT_SEPARATOR not in "".join(unified)
        hunk.focus()
        await pilot.press("s")
        await pilot.pause()
        assert view.split is True and all(h.split for h in view.hunk_widgets())
        rows = rendered(hunk)
        assert rows[0].strip() == THREE_HUNKS.hunks[0].header
        assert all(SPLIT_SEPARATOR in row for row in rows[1:])
        # Same hunk widgets in both layouts: per-hunk review keeps working.
        assert view.hunk_widgets()[0] is hunk
        await pilot.press("s")
        await pilot.pause()
        assert view.split is False and rendered(hunk) == unified


async def test_auto_split_follows_the_width() -> None:
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(SPLIT_MIN_WIDTH + 10, 30)) as pilot:
        await wait_ready(pilot)
        assert app.view.is_split and app.view.hunk_widgets()[0].split
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.view.is_split and not app.view.hunk_widgets()[0].split


async def test_split_rows_pair_removed_with_added_and_pad_the_shorter_side() -> None:
    app = DiffApp([ONE_FOR_TWO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot)
        app.view.split = True
        await pilot.pause()
        (hunk,) = app.view.hunk_widgets()
        rows = rendered(hunk)[1:]
        halves = [row.split(SPLIT_SEPARATOR) for row in rows]
        lefts = [left.strip() for left, _ in halves]
        rights = [right.strip() for _, right in halves]
        # Context: the same line on both sides, each with its own number.
        assert lefts[0] == "2   line 2" and rights[0] == "2   line 2"
        # Removed lines on the left level with the added lines that replace them.
        row5 = lefts.index("5 - line 5")
        assert rights[row5] == "5 + line five"
        assert (lefts[row5 + 1], rights[row5 + 1]) == ("6 - line 6", "6 + total = price * count")
        # The added line after 7 has no partner: blank filler on the left.
        extra = rights.index("8 + extra line")
        assert lefts[extra] == ""
        left_width, _ = SplitHunkVisual.halves(hunk.size.width)
        strip = hunk.render_lines(Region(0, extra + 1, hunk.size.width, 1))[0]
        filler = strip.crop(0, left_width)
        assert filler.text.strip() == ""
        (colour,) = {seg.style.bgcolor.triplet.hex.lower() for seg in filler}
        # Its own shade: neither a band nor the plain background of context lines.
        plain = hunk.visual_style.background.hex.lower()
        assert colour not in (hex_of("diff-added-bg"), hex_of("diff-removed-bg"), plain)


async def test_space_toggles_a_hunk_in_split_view_and_rejected_class_stays() -> None:
    messages: list[Message] = []
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(160, 30), message_hook=messages.append) as pilot:
        await wait_ready(pilot)
        assert app.view.is_split
        second = app.view.hunk_widgets()[1]
        second.focus()
        await pilot.press("space")
        await pilot.pause()
        # The hook sees the message at each step of its bubbling: count distinct ones.
        toggled = {id(m): m for m in messages if isinstance(m, DiffHunk.Toggled)}
        assert [m.hunk_widget for m in toggled.values()] == [second]
        second.set_class(True, "-rejected")
        await pilot.press("s")  # to unified: same widget, class kept
        await pilot.pause()
        assert not second.split and second.has_class("-rejected")


async def test_main_screen_s_toggles_split_but_a_network_card_keeps_its_s(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    target = run.cwd / "notes.txt"
    target.write_text(numbered(40))
    write = default_tools()["Write"]
    call = await write.prepare("toolu_w", {"file_path": str(target),
                                           "content": numbered(40, {3: "three"})},
                               ToolContext(cwd=run.cwd))
    network = HostAccess("example.com", 443)
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.prompt.value = ""
            loop = asyncio.get_running_loop()
            edit = ApprovalRequest(call, Decision("ask", "Edits ask."), loop.create_future())
            host = ApprovalRequest(network, Decision("ask", "Not allowed."), loop.create_future())
            screen.post_message(AgentUpdate(ev.ApprovalNeeded(edit)))
            screen.post_message(AgentUpdate(ev.ApprovalNeeded(host)))
            await wait_until(pilot, lambda: len(screen.queue.cards) == 2, what="two cards")
            await wait_until(pilot, lambda: bool(screen.diff.query(DiffHunk)), what="the diff")
            diff: DiffView = screen.diff
            before = diff.is_split
            edit_card, host_card = screen.queue.cards
            edit_card.focus()
            await pilot.pause(ApprovalCard.GUARD_SECONDS)
            await pilot.press("s")  # the edit card offers no "s": the screen's key toggles
            await pilot.pause()
            assert diff.is_split is not before
            host_card.focus()
            await pilot.pause(ApprovalCard.GUARD_SECONDS)
            await pilot.press("s")  # the network card's "this session" wins
            answer = await asyncio.wait_for(host.future, 5)
            assert answer.kind == "allow_session"
            assert diff.is_split is not before
    finally:
        run.close()


# --- intra-line marks (pure) ------------------------------------------------------------------


def test_pair_rows_pairs_change_blocks_row_by_row() -> None:
    assert pair_rows([" ", "-", "-", "+", " "]) == [(0, 0), (1, 3), (2, None), (4, 4)]
    assert pair_rows(["-", "+", "+", "+"]) == [(0, 1), (None, 2), (None, 3)]
    assert pair_rows(["+", "-"]) == [(None, 0), (1, None)]
    assert pair_rows([]) == []


def test_changed_ranges_marks_only_what_changed() -> None:
    old, new = "total = price * count", "total = price * amount"
    old_ranges, new_ranges = changed_ranges(old, new)
    # Whole words: "count" -> "amount", not the letters the two words do not share.
    assert [old[a:b] for a, b in old_ranges] == ["count"]
    assert [new[a:b] for a, b in new_ranges] == ["amount"]
    # Everything outside the ranges is common to both lines, in order.
    kept_old = "".join(c for i, c in enumerate(old) if not any(a <= i < b for a, b in old_ranges))
    kept_new = "".join(c for i, c in enumerate(new) if not any(a <= i < b for a, b in new_ranges))
    assert kept_old == kept_new


def test_changed_ranges_insertion_marks_the_new_side_only() -> None:
    assert changed_ranges("f(a)", "f(a, b)") == ((), ((3, 6),))


def test_changed_ranges_skips_dissimilar_long_and_equal_lines() -> None:
    assert changed_ranges("import os", "class Parser(Base):") is None
    assert changed_ranges("x" * 600, "x" * 599 + "y") is None
    assert changed_ranges("same", "same") is None
    assert changed_ranges("x" * 600, "x" * 599 + "y", max_chars=1000) == (((0, 600),),
                                                                          ((0, 600),))


def test_prepare_file_marks_paired_lines_and_builds_split_rows() -> None:
    prepared = prepare_file(0, ONE_FOR_TWO)
    (hunk,) = prepared.hunks
    by_text = {row.code.plain: row for row in hunk.rows}
    assert by_text["line 5"].marks and by_text["line five"].marks
    assert by_text["line 6"].marks == ()  # "total = price * count" is too different
    assert by_text["extra line"].marks == ()  # no partner
    assert by_text["line 4"].marks == ()
    lefts = [row.left.code.plain if row.left else None for row in hunk.split_rows]
    rights = [row.right.code.plain if row.right else None for row in hunk.split_rows]
    assert lefts.count(None) == 1 and rights.count(None) == 0
    assert len(hunk.split_rows) == len(hunk.rows) - 2  # two removed lines share rows


# --- intra-line marks (drawn) -----------------------------------------------------------------


async def test_marks_have_the_word_background_in_both_layouts() -> None:
    change = _change(numbered(10, {5: "total = price * count"}),
                     numbered(10, {5: "total = price * amount"}), "calc.txt")
    app = DiffApp([change])
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_ready(pilot)
        (hunk,) = app.view.hunk_widgets()
        rows = rendered(hunk)
        removed_y = next(y for y, row in enumerate(rows) if "- total" in row)
        word_removed, word_added = hex_of("diff-removed-word-bg"), hex_of("diff-added-word-bg")
        assert bg_at(hunk, removed_y, "total") == hex_of("diff-removed-bg")
        assert bg_at(hunk, removed_y, "count") == word_removed
        assert bg_at(hunk, removed_y, "ount") == word_removed  # the whole word
        assert bg_at(hunk, removed_y, "price") == hex_of("diff-removed-bg")
        assert bg_at(hunk, removed_y + 1, "amount") == word_added
        assert bg_at(hunk, removed_y + 1, "price") == hex_of("diff-added-bg")
        app.view.split = True
        await pilot.pause()
        split_y = next(y for y, row in enumerate(rendered(hunk)) if "- total" in row)
        assert bg_at(hunk, split_y, "count") == word_removed
        assert bg_at(hunk, split_y, "amount") == word_added
