"""Pilot tests of the review flows around edits: ctrl+a accepts the batch of pending edits
(commands stay individual), ``o`` opens a proposal in $EDITOR, and in acceptEdits mode the
turn's changes can be reverted hunk by hunk afterwards."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.scenarios import (
    DemoRun,
    answer,
    to_pending_command,
    to_pending_two_file_edit,
    wait_until,
)
from tests.test_apply_hunks import NEW, OLD
from tui.agent import events as ev
from tui.approvals import ApprovalRequest
from tui.messages import AgentUpdate
from tui.permissions.decision import Decision
from tui.tools import default_tools
from tui.tools.base import ToolContext
from widgets.approval_queue import ApprovalCard
from widgets.changes_review import ChangesReview
from widgets.diff_view import DiffHunk


async def test_ctrl_a_accepts_every_pending_edit_but_never_a_command(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    tools = default_tools()
    ctx = ToolContext(cwd=run.cwd)
    (run.cwd / "notes.txt").write_text(OLD)
    first = await tools["Write"].prepare(
        "toolu_1", {"file_path": str(run.cwd / "notes.txt"), "content": NEW}, ctx)
    second = await tools["Write"].prepare(
        "toolu_2", {"file_path": str(run.cwd / "new.txt"), "content": "hello\n"}, ctx)
    command = await tools["Bash"].prepare("toolu_3", {"command": "rm -rf build"}, ctx)
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.prompt.value = ""
            loop = asyncio.get_running_loop()
            requests = [ApprovalRequest(call, Decision("ask", "asks"), loop.create_future())
                        for call in (first, command, second)]
            for request in requests:
                screen.post_message(AgentUpdate(ev.ApprovalNeeded(request)))
            await wait_until(pilot, lambda: len(screen.queue.cards) == 3, what="three cards")
            batch = screen.queue.query_one(".approval-queue--batch")
            assert screen.queue.has_class("-batch")
            assert "2 edits pending" in str(batch.render())
            assert "1 other request stay" in str(batch.render())
            await wait_until(pilot, lambda: len(screen.diff.query(DiffHunk)) == 4, what="hunks")
            screen.diff.query(DiffHunk).first().focus()     # reject hunk 1 of notes.txt
            await pilot.press("space")
            await pilot.pause(ApprovalCard.GUARD_SECONDS)
            await pilot.press("ctrl+a")
            await pilot.pause()
            answers = [r.future.result() if r.future.done() else None for r in requests]
            assert [c.request.call.name for c in screen.queue.cards] == ["Bash"]
    finally:
        run.close()
    assert answers[0].kind == "allow_once" and answers[0].rejected_hunks == (0,)
    assert answers[2].kind == "allow_once"
    assert answers[1] is None                         # the command still waits on its own


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$VISUAL: a script that appends a line, as a person would in their editor."""
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n"
                      "p.write_text(p.read_text() + '# edited in the editor\\n')\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")


async def test_o_opens_the_proposal_in_the_editor_and_the_edited_version_is_written(
        tmp_path: Path, fake_editor: None) -> None:
    run = DemoRun(tmp_path / "statskit")
    stats = run.cwd / "statskit" / "stats.py"
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_two_file_edit(pilot)
            card = screen.queue.cards[0]
            assert card.change.path == stats
            await answer(pilot, "o")
            await wait_until(pilot, lambda: card.review.edited, what="the edited proposal")
            await pilot.pause()
            subject = str(card.query_one(".approval-card--subject").render())
            assert "edited by you" in subject
            assert "# edited in the editor" in card.change.new_text
            card.focus()
            await answer(pilot, "y")
            await wait_until(pilot, lambda: "# edited in the editor" in stats.read_text(),
                             what="the user's version on disk")
    finally:
        run.close()


async def test_accept_edits_changes_can_be_reverted_hunk_by_hunk(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    stats = run.cwd / "statskit" / "stats.py"
    before = stats.read_text()
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.session.set_mode("acceptEdits")
            await to_pending_command(pilot)
            await answer(pilot, "N", reason="no remote scripts")
            review = screen.query_one("#review", ChangesReview)
            await wait_until(pilot, lambda: len(review.files) == 2 and review.diff.is_ready,
                             what="the changes-this-turn review")
            assert stats.read_text() != before            # written at once, no prompt
            assert not review.has_class("-empty") and review.display
            title = str(review.query_one(".changes-review--title").render())
            assert "Changes this turn (acceptEdits): 2 files" in title
            hunk = next(h for h in review.diff.hunk_widgets()
                        if review.files[h.file_index].change.path == stats)
            hunk.focus()
            await pilot.press("space")
            await wait_until(pilot, lambda: stats.read_text() == before, what="the revert")
            await wait_until(pilot, lambda: hunk.has_class("-rejected") or any(
                h.has_class("-rejected") for h in review.diff.hunk_widgets()), what="tint")
            assert any("reverted hunk 1" in note for note in screen.session.agent.notes)
    finally:
        run.close()
