"""Snapshot tests of the diff viewer alone (150x40, theme warden-dark, no agent).

The app is ``tests/snapshot_apps/diff_split_app.py``: the two-file change of
``diff_view_app.py`` (``src/greeting.py`` with two hunks, new ``docs/GREETING.md``) with the
second hunk of ``src/greeting.py`` marked rejected as the main screen marks it.  Regenerate after
an intended change with ``pytest tests/test_snapshots_diff.py --snapshot-update``.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.scenarios import wait_until
from tests.snapshot_apps.diff_split_app import DiffSplitApp

SIZE = (150, 40)


async def _marked(pilot: Pilot[None]) -> None:
    """Wait until the diff is painted and the rejected hunk carries its class."""
    app = pilot.app
    assert isinstance(app, DiffSplitApp)
    await wait_until(pilot, lambda: app.marked, what="the rejected hunk's class")
    await pilot.pause()


def test_two_file_edit_unified_with_hunk_2_of_file_1_rejected(snap_compare) -> None:
    """A reviewer should see, from the top: a two-row file list (``src/greeting.py  +2 -2``, the
    first row highlighted, and ``docs/GREETING.md  new file  +5 -0``); the header bar
    ``src/greeting.py  +2 -2``; hunk ``@@ -4,7 +4,7 @@`` in one column with two number columns
    (old, new), where line 7 ``return "Hello, " + name + "!"`` is on a red band and its
    replacement ``return f"Hello, {name}!"  # f-string`` on a green band, with only the changed
    characters (``" +``, `` + "`` on the red line; ``f``, ``{``, ``}``, ``  # f-string`` on the
    green line) on a stronger red / green background; then hunk ``@@ -12,7 +12,7 @@`` dimmed
    and tinted red (rejected) from its header to its last line; then the header
    ``docs/GREETING.md  new file  +5 -0`` with a green badge and its five ``+`` lines."""
    assert snap_compare(DiffSplitApp(split=False), terminal_size=SIZE, run_before=_marked)


def test_two_file_edit_split_with_hunk_2_of_file_1_rejected(snap_compare) -> None:
    """The same change side by side.  A reviewer should see the same file list and headers; each
    hunk row split by a thin ``│`` in the middle: old line numbers, ``-`` markers and red bands
    on the left, new line numbers, ``+`` markers and green bands on the right, context lines on
    both sides; line 7's old and new versions level on one row with the same stronger marks on
    the changed characters as the unified view; the second hunk dimmed and tinted red
    (rejected), its long added line 15 folding onto two ``↪`` rows on the right while the left
    side continues its red band with blank rows (no marker); and for the new Markdown file an
    empty, slightly lighter filler on the left of every ``+`` line."""
    assert snap_compare(DiffSplitApp(split=True), terminal_size=SIZE, run_before=_marked)
