"""Snapshot tests of the chat pane of a long session (100x30, theme warden-dark).

Finished turns are frozen into one line-based history widget; these show that a frozen turn
looks as it did live, that the history scrolls back, and that ``/find`` marks what it found.
Refresh after an intended change with ``pytest tests/test_snapshots_chat.py --snapshot-update``
and look at the SVGs.
"""

from __future__ import annotations

from tests.snapshot_apps.chat_history_app import (
    LongChatApp,
    StreamingChatApp,
    scroll_back,
    stream_half,
)

SIZE = (100, 30)


def test_long_conversation_scrolled_back_to_a_find(snap_compare) -> None:
    """A reviewer should see: 40 turns, all frozen, scrolled back (a scrollbar thumb high in
    its track, not at the bottom) so that turn 12 is in the upper third: its prompt "question
    12: what next?" in a bar with a blue left edge, "● Read  notes/n2.md" with "⎿ read 4 lines",
    the heading "Step 12: the rules" with "Step 12" shown reversed (the /find match), the
    paragraph with `notes/n2.md` as inline code and "2 rules" in bold, and two bullets; turns
    11 and 13 around it look the same."""
    assert snap_compare(LongChatApp(), terminal_size=SIZE, run_before=scroll_back)


def test_frozen_turn_above_a_streaming_answer(snap_compare) -> None:
    """A reviewer should see: turn 1 (frozen) at the top, prompt bar, Read line and its answer
    "Step 1: the rules" with heading, paragraph and bullets; below it, turn 2 live: the prompt
    "question 2: and the sandbox?", "● Read  notes/sandbox.md" / "⎿ read 12 lines", the heading
    "The sandbox", the paragraph with "blocked" in bold, and an open bullet "reads:" (the
    answer is still streaming).  Both turns use the same spacing and styles: nothing shows
    where the frozen part ends."""
    assert snap_compare(StreamingChatApp(), terminal_size=SIZE, run_before=stream_half)
