"""Tests for the diff viewer (``widgets.diff_view``) and Warden's themes (``themes``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES

from tests.scenarios import wait_until
from tests.snapshot_apps.diff_view_app import DiffViewApp
from themes import (
    DEFAULT_THEME,
    SEMANTIC_VARIABLES,
    WARDEN_THEMES,
    semantic_variables,
)
from tui.diffs import FileChange
from widgets.diff_view import (
    DiffFileHeader,
    DiffHunk,
    DiffLargeFile,
    DiffNotice,
    DiffView,
    highlight_lines,
    prepare_file,
    sanitize_lines,
)

# --- fixtures and helpers -------------------------------------------------------------------


def numbered(count: int, edits: dict[int, str] | None = None) -> str:
    """``count`` lines ``line N``, with 1-based line numbers in ``edits`` replaced."""
    edits = edits or {}
    return "".join(f"{edits.get(n, f'line {n}')}\n" for n in range(1, count + 1))


THREE_HUNKS = FileChange(
    Path("/p/notes.txt"),
    numbered(60),
    numbered(60, {5: "five NEW", 30: "thirty NEW", 55: "fifty-five NEW"}),
    "notes.txt",
)
"""A text file with three edits far enough apart to make three hunks."""


class DiffApp(App[None]):
    """Hosts one :class:`DiffView` on Warden's default theme and records its ``Ready`` messages."""

    def __init__(self, changes: Sequence[FileChange] = (), theme: str = DEFAULT_THEME) -> None:
        super().__init__()
        for warden_theme in WARDEN_THEMES:
            self.register_theme(warden_theme)
        self.theme = theme
        self._changes = changes
        self.ready: list[DiffView.Ready] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return semantic_variables(self.current_theme)

    def compose(self) -> ComposeResult:
        yield DiffView(self._changes, id="diff")

    def on_diff_view_ready(self, message: DiffView.Ready) -> None:
        self.ready.append(message)

    def on_diff_view_pager_requested(self, message: DiffView.PagerRequested) -> None:
        """As the main screen does: the pager screen for the requested change."""
        from tui.screens.pager import PagerScreen

        self.push_screen(PagerScreen(message.change))

    @property
    def view(self) -> DiffView:
        return self.query_one("#diff", DiffView)


async def wait_ready(pilot: Pilot[None], count: int = 1) -> None:
    """Wait (at most ~5 s) until the app has received ``count`` ``DiffView.Ready`` messages."""
    app = pilot.app
    assert isinstance(app, DiffApp)
    await wait_until(pilot, lambda: len(app.ready) >= count,
                     what=f"DiffView.Ready posted {count} time(s)")
    await pilot.pause()


def rendered(widget: DiffHunk | DiffFileHeader | DiffNotice) -> list[str]:
    """The widget's rendered rows as plain text, trailing spaces removed."""
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


# --- pilot tests ----------------------------------------------------------------------------


async def test_one_hunk_widget_per_hunk() -> None:
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        hunks = app.view.hunk_widgets()
        assert [hunk.hunk.index for hunk in hunks] == [0, 1, 2]
        assert [hunk.hunk for hunk in hunks] == list(THREE_HUNKS.hunks)
        assert all(hunk.file_index == 0 for hunk in hunks)
        assert len(app.view.file_headers) == 1
        assert app.ready[0].diff_view is app.view


async def test_hunks_show_header_numbers_and_markers() -> None:
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        for hunk_widget, changed in zip(app.view.hunk_widgets(), (5, 30, 55), strict=True):
            hunk = hunk_widget.hunk
            rows = rendered(hunk_widget)
            assert rows[0].strip() == hunk.header
            assert len(rows) == 1 + len(hunk.lines)
            # Context: both numbers, a blank marker, then the code.
            before = changed - 1
            assert re.fullmatch(rf"\s*{before}\s+{before}\s{{3}}line {before}", rows[3])
            # Removed: old number only, "-" marker; added: new number only, "+" marker.
            assert re.fullmatch(rf"\s*{changed}\s+- line {changed}", rows[4])
            assert re.fullmatch(rf"\s+{changed} \+ \S.* NEW", rows[5])
            assert rows[4].index("-") == rows[5].index("+")


async def test_gutter_is_right_aligned() -> None:
    change = FileChange(Path("/p/t.txt"), numbered(20), numbered(20, {10: "ten"}), "t.txt")
    app = DiffApp([change])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        rows = rendered(app.view.hunk_widgets()[0])[1:]
        # Numbers straddle a digit boundary (9 -> 11) and still end in the same columns.
        assert rows[2] == "  9  9   line 9"
        assert rows[3] == " 10    - line 10"
        assert rows[4] == "    10 + ten"
        assert rows[5] == " 11 11   line 11"


async def test_new_file() -> None:
    change = FileChange(Path("/p/new.py"), None, "import os\nprint(os.sep)\n", "new.py")
    app = DiffApp([change])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        (header,) = app.view.file_headers
        assert rendered(header)[0].split() == ["new.py", "new", "file", "+2", "-0"]
        (hunk,) = app.view.hunk_widgets()
        rows = rendered(hunk)
        assert rows[0].strip() == "@@ -0,0 +1,2 @@"
        assert re.fullmatch(r"\s+1 \+ import os", rows[1])
        assert re.fullmatch(r"\s+2 \+ print\(os\.sep\)", rows[2])


async def test_no_changes_and_nothing_to_show() -> None:
    same = FileChange(Path("/p/same.txt"), "a\n", "a\n", "same.txt")
    app = DiffApp([same])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        assert app.view.hunk_widgets() == []
        notices = [rendered(notice)[0].strip() for notice in app.view.query(DiffNotice)]
        assert notices == ["No changes."]
        app.view.set_changes([])
        await wait_ready(pilot, 2)
        notices = [rendered(notice)[0].strip() for notice in app.view.query(DiffNotice)]
        assert notices == ["Nothing to show."]
        assert app.view.file_headers == []


async def test_set_changes_replaces_content() -> None:
    other = FileChange(Path("/p/other.md"), "# Old\n", "# New\n", "other.md")
    app = DiffApp([THREE_HUNKS])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.view.set_changes([other])
        assert not app.view.is_ready
        await wait_ready(pilot, 2)
        assert app.view.changes == (other,)
        (header,) = app.view.file_headers
        assert rendered(header)[0].split()[0] == "other.md"
        (hunk,) = app.view.hunk_widgets()
        assert [row.split()[-1] for row in rendered(hunk)[1:]] == ["Old", "New"]


async def test_file_text_is_not_markup() -> None:
    old = "x = 1\n"
    new = 'x = "[bold]not bold[/]"  # [red]\n\x1b[31mred?\n'
    change = FileChange(Path("/p/[b]odd[/b].py"), old, new, "[b]odd[/b].py")
    app = DiffApp([change])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        text = "\n".join(rendered(app.view.hunk_widgets()[0]))
        assert '"[bold]not bold[/]"  # [red]' in text
        assert "\u241b[31mred?" in text  # ESC shown as a visible control picture
        assert rendered(app.view.file_headers[0])[0].split()[0] == "[b]odd[/b].py"


async def test_long_lines_fold_instead_of_cropping() -> None:
    long_line = "word " * 40 + "END"
    change = FileChange(Path("/p/long.txt"), "short\n", f"{long_line}\n", "long.txt")
    app = DiffApp([change])
    async with app.run_test(size=(60, 30)) as pilot:
        await wait_ready(pilot)
        rows = rendered(app.view.hunk_widgets()[0])
        prefix = 7  # " " + old (1 digit) + " " + new + " " + marker + " "
        added = [row for row in rows if "+" in row[:prefix]]
        assert len(added) > 1
        assert "↪" in added[1][:prefix]
        assert all(len(row) <= 60 for row in rows)
        joined = "".join(row[prefix:] for row in added)
        assert joined.replace(" ", "") == long_line.replace(" ", "")


async def test_focus_change_scrolls_header_to_top() -> None:
    second = FileChange(Path("/p/b.txt"), "b\n", "B\n", "b.txt")
    third = FileChange(Path("/p/c.txt"), THREE_HUNKS.old_text, THREE_HUNKS.new_text, "c.txt")
    app = DiffApp([THREE_HUNKS, second, third])
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_ready(pilot)
        app.view.focus_change(1)
        await pilot.pause()
        await pilot.pause()
        header = app.view.file_headers[1]
        assert header.has_class("-selected")
        assert not app.view.file_headers[0].has_class("-selected")
        assert header.region.y == app.view.content_region.y
        with pytest.raises(IndexError):
            app.view.focus_change(3)


async def test_line_cap_summarises_the_rest() -> None:
    change = FileChange(Path("/p/big.txt"), None, numbered(50), "big.txt")
    app = DiffApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        view = DiffView([change], max_lines=10)
        await app.mount(view)
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Over the cap the file is not laid out at all: a summary stands in for its hunks.
        assert view.hunk_widgets() == []
        assert view.large_files == [0]
        (large,) = view.query(DiffLargeFile)
        summary = str(large.query_one(".diff-large-file--summary").render())
        assert summary.startswith("+50 -0 in 1 hunk (50 changed lines): too large")


@pytest.mark.parametrize("theme", ["warden-light", "textual-light", "nord", "ansi-dark"])
async def test_other_themes_render(theme: str) -> None:
    app = DiffApp([THREE_HUNKS], theme=theme)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        rows = rendered(app.view.hunk_widgets()[0])
        assert rows[0].strip() == THREE_HUNKS.hunks[0].header
        app.theme = DEFAULT_THEME
        await pilot.pause()
        hunk = app.view.hunk_widgets()[0]
        assert rendered(hunk) == rows
        # The removed row (row 4) now has warden-dark's band colour: styles follow the theme.
        removed_row = hunk.render_lines(Region(0, 4, hunk.size.width, 1))[0]
        band = Color.parse(WARDEN_THEMES[0].variables["diff-removed-bg"])
        assert {seg.style.bgcolor.triplet.hex for seg in removed_row} == {band.hex.lower()}


# --- pure helpers ---------------------------------------------------------------------------


def test_highlight_whole_file_keeps_multiline_strings() -> None:
    code = 'x = 1\ndoc = """first\nsecond line\n"""\ny = 2\n'
    lines = highlight_lines(code, "example.py")
    assert [line.plain for line in lines[:5]] == code.splitlines()
    styles = {str(span.style) for span in lines[2].spans}
    assert any("$text-success" in style for style in styles), styles


def test_highlight_unknown_extension_is_plain() -> None:
    lines = highlight_lines("a [b]\nc\n", "data.unknown-ext")
    assert [line.plain for line in lines] == ["a [b]", "c"]
    assert all(not line.spans for line in lines)


def test_sanitize_lines_matches_diff_numbering() -> None:
    text = "a\r\nb\x0cc\td\x1b[0m\u202eevil\n"
    lines = sanitize_lines(text)
    assert len(lines) == len(text.splitlines())
    assert lines[2] == "c   d\u241b[0m\ufffdevil"
    assert [line.plain for line in highlight_lines(text, "x.py")][: len(lines)] == lines


def test_prepare_file_line_cap() -> None:
    # THREE_HUNKS changes 6 lines (3 removed, 3 added): the cap counts changed lines only.
    assert prepare_file(0, THREE_HUNKS, max_lines=6).too_large is False
    prepared = prepare_file(0, THREE_HUNKS, max_lines=5)
    assert prepared.too_large and prepared.hunks == () and prepared.changed_lines == 6
    assert len(prepare_file(0, THREE_HUNKS, max_lines=None).hunks) == 3


# --- themes ---------------------------------------------------------------------------------


def test_warden_themes_define_every_semantic_variable() -> None:
    names = [theme.name for theme in WARDEN_THEMES]
    assert DEFAULT_THEME == names[0] == "warden-dark"
    assert "warden-light" in names
    for theme in WARDEN_THEMES:
        assert set(SEMANTIC_VARIABLES) <= set(theme.variables), theme.name
        colour = r"ansi_[a-z_]+" if theme.ansi else r"#[0-9A-Fa-f]{6}"  # warden-ansi: 16 colours
        for name in SEMANTIC_VARIABLES:
            assert re.fullmatch(colour, theme.variables[name]), (theme.name, name)


@pytest.mark.parametrize("theme", [*BUILTIN_THEMES.values(), *WARDEN_THEMES], ids=lambda t: t.name)
def test_semantic_variables_for_any_theme(theme) -> None:
    variables = semantic_variables(theme)
    assert tuple(variables) == SEMANTIC_VARIABLES
    for value in variables.values():
        Color.parse(value)


# --- snapshot -------------------------------------------------------------------------------


def test_snapshot_two_file_change(snap_compare) -> None:
    """Two files at 100x32 on warden-dark; see ``snapshot_apps/diff_view_app.py``'s docstring
    for what the SVG should show (gutter, markers, bands, highlighting, folding, new file)."""

    async def run_before(pilot: Pilot[None]) -> None:
        await wait_until(pilot, lambda: pilot.app.query_one(DiffView).is_ready,
                         what="the diff view to be ready")
        await pilot.pause()

    assert snap_compare(DiffViewApp("warden-dark"), terminal_size=(100, 32), run_before=run_before)
