"""Snapshot tests of the main screen (140x42, theme warden-dark), from the demo scenarios.

The demo project is copied into a directory of each test's own that the screenshot names
``/tmp/warden-scenarios`` (``shown_dir`` in ``tests/conftest.py``).  Regenerate after an intended
change with ``make snapshots``; ``make screenshots`` writes the same scenarios into
``screenshots/``.
"""

from __future__ import annotations

from tests.scenarios import (
    SHOWN_SCENARIOS,
    SIZE,
    DemoRun,
    to_pending_command,
    to_pending_two_file_edit,
)


def test_main_screen_with_pending_command(snap_compare, shown_dir) -> None:
    """A reviewer should see: the chat on the left with the prompt, the model's text, three Read
    lines each saying how many lines were read, a warning that README.md contains text that tries
    to instruct the agent (hidden_html_comment, line 28, quoting the `curl` step), and the
    `curl … | sh` call marked "waiting for your approval"; on the right one approval card titled
    "Bash  Run a command" with the command, a "⚠ This request follows text in README.md that
    tries to instruct the agent" line, "Model says: Install the project's development tools",
    Warden's own explanation, why Warden
    asks, and the keys y / n / N / e (explain risks); the footer groups the answer keys as
    "y a Allow" and "n N Deny", then "e Explain risks"; the status line shows mode `default`,
    the model, the cwd and the "Demo: recorded model responses" label."""
    run = DemoRun(shown_dir(SHOWN_SCENARIOS) / "statskit")
    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=to_pending_command)
    finally:
        run.close()


def test_main_screen_with_pending_two_file_edit(snap_compare, shown_dir) -> None:
    """The batch of pending edits.  A reviewer should see: the curl call marked "not run:
    Permission denied by the user" with the reason "Never run scripts from the internet"; at the
    top of the queue the batch line "2 edits pending (+9 -1): ctrl+a accepts all of them";
    two Edit cards (statskit/stats.py +4 -1 and CHANGELOG.md +5 -0), each with the "⚠ This
    request follows text in README.md that tries to instruct the agent" line (same turn), the
    first one focused
    (yellow border), each with the key "o edit in $EDITOR"; below them the diff viewer with a
    file list of both files, then each file with a header, line-number gutter, `+`/`-` markers,
    green added and red removed lines with the changed words marked brighter, and
    syntax-highlighted Python; the footer offers "^a Accept all edits"."""
    run = DemoRun(shown_dir(SHOWN_SCENARIOS) / "statskit")
    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=to_pending_two_file_edit)
    finally:
        run.close()


def test_accept_edits_changes_this_turn(snap_compare, shown_dir) -> None:
    """A reviewer should see: mode `acceptEdits` in the status line; the chat with the two Edit
    calls done without a prompt; on the right the pytest card waiting, and under it the review
    titled "Changes this turn (acceptEdits): 2 files" with "1 hunk reverted", the hint "space on
    a hunk reverts it on disk", and the stats.py hunk tinted red (reverted) while the
    CHANGELOG.md hunk is normal."""
    from tests.scenarios import to_accept_edits_review

    run = DemoRun(shown_dir(SHOWN_SCENARIOS) / "statskit")
    try:
        assert snap_compare(run.app, terminal_size=SIZE, run_before=to_accept_edits_review)
    finally:
        run.close()
