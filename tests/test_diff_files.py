"""The diff viewer's file-level displays: the size cap and its pager, renamed / deleted / binary
files, the file list of a multi-file diff, and big files highlighted after their first paint."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.scenarios import wait_until
from tests.test_diff_view import THREE_HUNKS, DiffApp, numbered, rendered, wait_ready
from tui.diffs import FileChange, apply_hunks
from tui.screens.pager import PagerScreen
from widgets.diff_view import (
    DEFAULT_MAX_LINES,
    DiffFileList,
    DiffHunk,
    DiffLargeFile,
    DiffNotice,
    DiffView,
    unified_diff_lines,
)
from widgets.diff_view.prepare import SYNC_HIGHLIGHT_LINES, highlight_cost

BIG = FileChange(Path("/p/data.csv"), None, numbered(6_000), "data.csv")
"""A new file of 6,000 lines: over the 5,000 changed-line cap."""


async def wait_pager(pilot) -> PagerScreen:
    """Wait until the pager screen is on top with its lines loaded."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PagerScreen)
                     and pilot.app.screen.loaded, what="the pager with its lines loaded")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PagerScreen)
    return screen


# --- the size cap and the pager ---------------------------------------------------------------


async def test_too_large_file_shows_a_summary_and_p_opens_the_pager() -> None:
    assert BIG.added > DEFAULT_MAX_LINES
    app = DiffApp([BIG])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        view = app.view
        assert view.hunk_widgets() == [] and list(app.query(DiffHunk)) == []
        (header,) = view.file_headers
        assert rendered(header)[0].split() == ["data.csv", "new", "file", "+6000", "-0"]
        (large,) = view.query(DiffLargeFile)
        summary = "\n".join(rendered(large.query_one(".diff-large-file--summary")))
        assert "+6000 -0 in 1 hunk (6,000 changed lines): too large to review inline" in summary
        view.focus()
        await pilot.press("p")
        pager = await wait_pager(pilot)
        lines = pager.pager.lines
        assert lines[:3] == ["--- /dev/null", "+++ b/data.csv", "@@ -0,0 +1,6000 @@"]
        assert lines[3] == "+line 1" and lines[-1] == "+line 6000" and len(lines) == 6_003
        # Drawn lazily, row by row from the scroll position.
        assert [pager.pager.render_line(y).text.rstrip() for y in range(4)] == lines[:4]
        pager.pager.scroll_end(animate=False)
        await pilot.pause()
        assert pager.pager.render_line(pager.pager.size.height - 1).text.rstrip() == "+line 6000"
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is not pager and not isinstance(app.screen, PagerScreen)


async def test_open_in_pager_button() -> None:
    app = DiffApp([THREE_HUNKS, BIG])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert app.view.large_files == [1]
        assert len(app.view.hunk_widgets(0)) == 3 and app.view.hunk_widgets(1) == []
        button = app.view.query_one(DiffLargeFile).query_one("#open-pager")
        button.focus()
        await pilot.press("enter")
        pager = await wait_pager(pilot)
        assert pager.change is BIG
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PagerScreen)


async def test_p_is_not_offered_without_a_large_file() -> None:
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.view.focus()
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(app.screen, PagerScreen)
        assert "p" not in {key for key, b in app.screen.active_bindings.items() if b.enabled}


def test_unified_diff_lines_are_sanitised() -> None:
    change = FileChange(Path("/p/a.txt"), "ok\n", "ok\n\x1b[2Jgone\n", "a.txt")
    assert unified_diff_lines(change) == [
        "--- a/a.txt", "+++ b/a.txt", "@@ -1,1 +1,2 @@", " ok", "+\u241b[2Jgone",
    ]


# --- renamed, deleted, binary -----------------------------------------------------------------


async def test_rename_with_changes_shows_old_and_new_path_and_hunks() -> None:
    renamed = replace(THREE_HUNKS, path=Path("/p/docs/notes.md"), display_path="docs/notes.md",
                      old_path=Path("/p/notes.txt"))
    moved_only = FileChange(Path("/p/b/x.py"), "a\n", "a\n", "b/x.py", old_path=Path("/p/a/x.py"))
    app = DiffApp([renamed, moved_only])
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        first, second = app.view.file_headers
        assert rendered(first)[0].split() == ["notes.txt", "→", "docs/notes.md", "renamed",
                                              "+3", "-3"]
        assert len(app.view.hunk_widgets(0)) == 3
        assert rendered(second)[0].split() == ["a/x.py", "→", "b/x.py", "renamed", "+0", "-0"]
        notices = [rendered(n)[0].strip() for n in app.view.query(DiffNotice)]
        assert notices == ["Renamed; the content is unchanged."]


async def test_deleted_file_removes_every_line() -> None:
    deleted = FileChange(Path("/p/old.py"), "import os\nprint(1)\n", "", "old.py", deleted=True)
    app = DiffApp([deleted])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        (header,) = app.view.file_headers
        assert rendered(header)[0].split() == ["old.py", "deleted", "+0", "-2"]
        (hunk,) = app.view.hunk_widgets()
        rows = rendered(hunk)
        assert rows[0].strip() == "@@ -1,2 +0,0 @@"
        assert [row.split()[:2] for row in rows[1:]] == [["1", "-"], ["2", "-"]]


async def test_binary_file_shows_sizes_not_content() -> None:
    image = FileChange(Path("/p/logo.png"), "\x89PNG\x00" + "a" * 10, "\x89PNG\x00" + "b" * 20,
                       "logo.png")
    flagged = FileChange(Path("/p/blob.bin"), None, "text-looking", "blob.bin", binary=True)
    app = DiffApp([image, flagged])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert image.is_binary and flagged.is_binary
        first, second = app.view.file_headers
        assert rendered(first)[0].split() == ["logo.png", "binary"]
        assert rendered(second)[0].split() == ["blob.bin", "new", "file", "binary"]
        assert app.view.hunk_widgets() == []
        notices = [rendered(n)[0].strip() for n in app.view.query(DiffNotice)]
        assert notices == ["Binary file: 16 bytes → 26 bytes, not shown.",
                           "Binary file: new, 12 bytes, not shown."]


def test_new_fields_keep_apply_hunks_working() -> None:
    deleted = FileChange(Path("/p/f.txt"), "a\nb\n", "", "f.txt", deleted=True)
    assert apply_hunks(deleted, {0}) is deleted
    kept = apply_hunks(deleted, set())
    assert kept.new_text == "a\nb\n" and not kept.is_deleted
    renamed = replace(THREE_HUNKS, old_path=Path("/p/old.txt"))
    partial = apply_hunks(renamed, {0})
    assert partial.old_path == Path("/p/old.txt") and partial.is_renamed
    assert len(partial.hunks) == 1


# --- the file list ----------------------------------------------------------------------------


async def test_file_list_rows_and_jump() -> None:
    second = FileChange(Path("/p/b.txt"), "b\n", "B\n", "b.txt")
    third = FileChange(Path("/p/c.txt"), None, numbered(30), "c.txt")
    app = DiffApp([THREE_HUNKS, second, third])
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_ready(pilot)
        file_list = app.view.file_list
        assert isinstance(file_list, DiffFileList)
        assert [str(file_list.get_option_at_index(i).prompt) for i in range(3)] == [
            "notes.txt  +3 -3", "b.txt  +1 -1", "c.txt  new file  +30 -0",
        ]
        file_list.focus()
        await pilot.press("down", "enter")  # the second row
        await pilot.pause()
        await pilot.pause()
        header = app.view.file_headers[1]
        assert header.has_class("-selected") and not app.view.file_headers[0].has_class("-selected")
        assert header.region.y == app.view.content_region.y
        assert app.view.scroll_y > 0


async def test_single_file_has_no_file_list() -> None:
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_ready(pilot)
        assert app.view.file_list is None


# --- big files: painted first, highlighted right after ----------------------------------------


def _styled(view: DiffView, file_index: int) -> bool:
    """Whether the first hunk of file ``file_index`` has syntax colours."""
    hunk = view.hunk_widgets(file_index)[0]
    return any(row.code.spans for row in hunk.prepared.rows)


class RecordingApp(DiffApp):
    """Notes, when ``Ready`` and ``Highlighted`` arrive, which files have their colours."""

    def __init__(self, changes) -> None:
        super().__init__(changes)
        self.at_ready: list[bool] = []
        self.at_highlighted: list[bool] = []

    def on_diff_view_ready(self, message: DiffView.Ready) -> None:
        super().on_diff_view_ready(message)
        self.at_ready = [_styled(self.view, i) for i in range(len(self.view.changes))]

    def on_diff_view_highlighted(self, message: DiffView.Highlighted) -> None:
        self.at_highlighted = [_styled(self.view, i) for i in range(len(self.view.changes))]


async def test_big_file_is_painted_plain_then_highlighted() -> None:
    from bench.diff import python_source

    big = FileChange(Path("/p/module.py"), python_source(1_500), python_source(1_500, 10),
                     "module.py")
    small = FileChange(Path("/p/small.py"), "x = 1\n", "x = 2\n", "small.py")
    assert highlight_cost(big) > SYNC_HIGHLIGHT_LINES
    app = RecordingApp([small, big])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        # The small file is highlighted before the first paint, the big one after it.
        assert app.at_ready == [True, False]
        await wait_until(pilot, lambda: app.at_highlighted, what="DiffView.Highlighted")
        assert app.at_highlighted == [True, True] and app.view.is_highlighted
        # Same hunk widgets, same intra-line marks: only the colours arrived.
        assert len(app.view.hunk_widgets(1)) == len(big.hunks)
        first = app.view.hunk_widgets(1)[0].prepared.rows
        assert all(row.marks for row in first if row.tag != " ")


async def test_a_too_large_change_offers_no_per_hunk_review_on_its_card() -> None:
    import asyncio

    from tui.approvals import ApprovalRequest
    from tui.permissions.decision import Decision
    from tui.tools.base import ToolCall
    from widgets.approval_card import EditCard, card_for

    def edit_card(change: FileChange) -> EditCard:
        call = ToolCall("toolu_1", "Write", {}, None, "edit", change.display_path,  # type: ignore[arg-type]
                        change=change)
        future = asyncio.get_running_loop().create_future()
        card = card_for(ApprovalRequest(call, Decision("ask", "Edits ask."), future))
        assert isinstance(card, EditCard)
        return card

    many = FileChange(Path("/p/m.txt"), numbered(30_000),
                      numbered(30_000, {n: f"changed {n}" for n in range(1, 30_000, 10)}), "m.txt")
    assert len(many.hunks) > 1 and many.added + many.removed > DEFAULT_MAX_LINES
    big_card = edit_card(many)
    assert big_card.hunk_count == 0 and not big_card.check_action("all_hunks", (True,))
    big_card.set_rejected({0, 1})
    assert big_card.rejected == frozenset()  # nothing to reject one by one
    assert edit_card(THREE_HUNKS).hunk_count == 3
