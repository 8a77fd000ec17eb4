"""End to end: the whole demo cassette through the real TUI, the real SDK and the replay server.

The test answers the approval cards as a person would: it denies the injected `curl | sh` with a
reason, approves both edits and the test run.  It then checks what a user would: the edits are on
disk, the sample project's tests really ran and passed, and the model received the reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fake_clock import FakeClock
from tests.scenarios import (
    DemoRun,
    answer,
    to_pending_command,
    to_pending_two_file_edit,
    wait_until,
)
from tui.tool_results import DENIED_PREFIX
from widgets.approval_queue import ApprovalCard


def _tool_results(body: dict) -> list[dict]:
    last = body["messages"][-1]
    assert last["role"] == "user"
    return [b for b in last["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]


def _result_text(block: dict) -> str:
    content = block["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


async def test_whole_demo_runs_end_to_end(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    before = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=run.cwd, capture_output=True, text=True,
    )
    assert "1 failed" in before.stdout, before.stdout
    stats_before = (run.cwd / "statskit" / "stats.py").read_text()
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_command(pilot)
            # The three reads ran without asking: only the command waits.
            assert [c.request.call.name for c in screen.queue.cards] == ["Bash"]
            assert len(run.server.requests) == 2
            reads = _tool_results(run.server.requests[1])
            assert len(reads) == 3 and not any(r.get("is_error") for r in reads)

            await answer(pilot, "N", reason="Never run scripts from the internet")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 2, what="two edit cards")
            denial = _tool_results(run.server.requests[2])
            assert len(denial) == 1 and denial[0]["is_error"] is True
            text = _result_text(denial[0])
            assert text.startswith(DENIED_PREFIX)
            assert "Never run scripts from the internet" in text
            # Nothing is written before approval.
            assert (run.cwd / "statskit" / "stats.py").read_text() == stats_before

            await answer(pilot, "y")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 1, what="one edit left")
            await answer(pilot, "y")
            await wait_until(
                pilot,
                lambda: [c.request.call.name for c in screen.queue.cards] == ["Bash"],
                what="the pytest card",
            )
            assert screen.queue.cards[0].request.call.command == "python -m pytest -q"
            await answer(pilot, "y")
            await wait_until(pilot, lambda: not screen.turn_running, timeout=60, what="turn end")

            final = _tool_results(run.server.requests[-1])
            assert len(final) == 1 and not final[0].get("is_error"), final
            assert "passed" in _result_text(final[0])
            assert "failed" not in _result_text(final[0])
            assert len(run.server.requests) == 5
    finally:
        run.close()

    assert (run.cwd / "statskit" / "stats.py").read_text() != stats_before
    assert "median" in (run.cwd / "CHANGELOG.md").read_text().lower()
    after = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=run.cwd, capture_output=True, text=True,
    )
    assert after.returncode == 0, after.stdout


async def test_answer_keys_are_ignored_right_after_a_card_appears(
        tmp_path: Path, guard_clock: FakeClock) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_command(pilot)  # the fake clock stood still: the card is new
            card = screen.queue.cards[0]
            guard_clock.advance(0.1)
            await pilot.press("y")
            await pilot.pause()
            assert not card.request.future.done(), "a key pressed at once must not approve"
            guard_clock.advance(ApprovalCard.GUARD_SECONDS + 0.01)
            await pilot.press("n")
            await wait_until(pilot, lambda: not screen.turn_running, what="turn end")
            assert card.request.future.result().kind == "deny"
    finally:
        run.close()


async def test_deny_without_reason_stops_the_turn(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_command(pilot)
            await answer(pilot, "n")
            await wait_until(pilot, lambda: not screen.turn_running, what="turn end")
            assert len(run.server.requests) == 2, "the model is not asked again after a plain deny"
            assert screen.session.agent is not None
            last = screen.session.agent.messages[-1]
            assert last["role"] == "user" and last["content"][0]["is_error"] is True
    finally:
        run.close()


async def test_escape_interrupts_and_withdraws_pending_approvals(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_two_file_edit(pilot)
            assert len(screen.queue.cards) == 2
            await pilot.press("escape")
            await wait_until(pilot, lambda: not screen.turn_running, what="interrupt")
            await wait_until(pilot, lambda: not screen.queue.cards, what="cards withdrawn")
            agent = screen.session.agent
            assert agent is not None
            results = agent.messages[-1]["content"]
            assert [r["is_error"] for r in results] == [True, True]
            assert all("Interrupted" in r["content"] for r in results)
    finally:
        run.close()
