"""Per-hunk review: space rejects a hunk, A/R accept or reject all, and only the accepted hunks
reach the disk; the model is told which hunks were rejected."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.scenarios import DemoRun, wait_until
from tests.test_apply_hunks import NEW, OLD
from tui.agent import events as ev
from tui.approvals import ApprovalRequest
from tui.messages import AgentUpdate
from tui.permissions.decision import Decision
from tui.tools import default_tools
from tui.tools.base import ToolContext
from widgets.approval_queue import ApprovalCard
from widgets.diff_view import DiffHunk


async def test_space_rejects_a_hunk_and_only_accepted_hunks_are_written(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    target = run.cwd / "notes.txt"
    target.write_text(OLD)
    write = default_tools()["Write"]
    ctx = ToolContext(cwd=run.cwd)
    call = await write.prepare("toolu_w", {"file_path": str(target), "content": NEW}, ctx)
    assert len(call.change.hunks) == 3
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.prompt.value = ""
            request = ApprovalRequest(call, Decision("ask", "Edits ask."),
                                      asyncio.get_running_loop().create_future())
            screen.post_message(AgentUpdate(ev.ApprovalNeeded(request)))
            await wait_until(pilot, lambda: len(screen.diff.query(DiffHunk)) == 3, what="hunks")
            card = screen.queue.cards[0]
            hunks = list(screen.diff.query(DiffHunk))
            hunks[1].focus()
            await pilot.press("space")
            await pilot.pause()
            assert card.rejected == {1}
            assert hunks[1].has_class("-rejected") and not hunks[0].has_class("-rejected")
            assert "2 of 3 hunks accepted" in str(card.query_one(".approval-card--keys").render())
            card.focus()
            await pilot.press("R")
            assert card.rejected == {0, 1, 2}
            await pilot.press("A")
            assert card.rejected == frozenset()
            hunks[1].focus()
            await pilot.press("space")
            card.focus()
            await pilot.pause(ApprovalCard.GUARD_SECONDS)
            await pilot.press("y")
            answer = await asyncio.wait_for(request.future, 5)
    finally:
        run.close()
    assert answer.kind == "allow_once" and answer.rejected_hunks == (1,)
    call.change = answer.change
    result = await write.run(call, ctx)
    assert not result.is_error
    written = target.read_text()
    assert "LINE THREE" in written and "extra" in written  # hunks 1 and 3 applied
    assert "line 20\n" in written                          # hunk 2 (the deletion) rejected


async def test_rejecting_every_hunk_denies_with_a_reason(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    target = run.cwd / "notes.txt"
    target.write_text(OLD)
    write = default_tools()["Write"]
    call = await write.prepare("toolu_w", {"file_path": str(target), "content": NEW},
                               ToolContext(cwd=run.cwd))
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.prompt.value = ""
            request = ApprovalRequest(call, Decision("ask", "Edits ask."),
                                      asyncio.get_running_loop().create_future())
            screen.post_message(AgentUpdate(ev.ApprovalNeeded(request)))
            await wait_until(pilot, lambda: screen.queue.cards, what="the card")
            await pilot.pause(ApprovalCard.GUARD_SECONDS)
            screen.queue.cards[0].focus()
            await pilot.press("R", "y")
            answer = await asyncio.wait_for(request.future, 5)
    finally:
        run.close()
    assert answer.kind == "deny_with_reason" and "every hunk" in answer.reason
    assert target.read_text() == OLD
