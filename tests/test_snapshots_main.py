"""Snapshot tests of the main screen (140x42, theme warden-dark), from the demo scenarios.

Regenerate after an intended change with ``make snapshots``; ``make screenshots`` writes the
same scenarios into ``screenshots/``.
"""

from __future__ import annotations

from tests.scenarios import SIZE, DemoRun, to_pending_command, to_pending_two_file_edit


def test_main_screen_with_pending_command(snap_compare) -> None:
    """A reviewer should see: the chat on the left with the prompt, the model's text, three Read
    lines each saying how many lines were read, and the `curl … | sh` call marked "waiting for
    your approval"; on the right one approval card titled "Bash  Run a command" with the command,
    "Model says: Install the project's development tools", why Warden asks, and the keys
    y / n / N; the footer shows "Allow once", "Deny", "Deny with reason"; the status line shows
    mode `default`, the model, the cwd and the "Demo: recorded model responses" label."""
    run = DemoRun()
    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=to_pending_command)
    finally:
        run.close()


def test_main_screen_with_pending_two_file_edit(snap_compare) -> None:
    """A reviewer should see: the curl call marked "not run: Permission denied by the user" with
    the reason "Never run scripts from the internet"; two Edit cards (statskit/stats.py +4 -1 and
    CHANGELOG.md) in the queue, the first one focused (yellow border); below them the diff
    viewer with both files, each with a header, line-number gutter, `+`/`-` markers, green added
    and red removed lines, and syntax-highlighted Python."""
    run = DemoRun()
    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=to_pending_two_file_edit)
    finally:
        run.close()
