"""Permission features a user drives from the TUI: Shift+Tab modes and "always allow"."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.scenarios import DemoRun, answer, to_pending_two_file_edit, wait_until
from tui.permissions.engine import CallView, decide


async def test_shift_tab_cycles_default_accept_edits_plan(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            seen = []
            for _ in range(4):
                await pilot.press("shift+tab")
                await pilot.pause()
                seen.append(screen.status.mode)
            assert seen == ["acceptEdits", "plan", "default", "acceptEdits"]
            assert screen.session.perm_ctx.mode == "acceptEdits"
            assert "acceptEdits" in str(screen.status.render())
    finally:
        run.close()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
async def test_always_allow_saves_the_edited_rule_and_applies_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The local file is git-ignored through the user's global excludes file (REF §1.2): here
    # $XDG_CONFIG_HOME/git/ignore in tmp_path, with no global git config to point elsewhere.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    run = DemoRun(tmp_path / "statskit")
    subprocess.run(["git", "init", "-q"], cwd=run.cwd, check=True)
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_two_file_edit(pilot)
            await answer(pilot, "y")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 1, what="one edit left")
            await answer(pilot, "y")
            await wait_until(pilot, lambda: [c.request.call.name for c in screen.queue.cards]
                             == ["Bash"], what="the pytest card")
            card = screen.queue.cards[0]
            assert card.request.suggested_rules == ("Bash(python -m pytest *)",)
            await answer(pilot, "a")
            rule_input = card.query_one("#rule-0")
            assert rule_input.has_focus
            covers = str(card.query_one("#covers-0").render())
            assert "python -m pytest" in covers
            await pilot.press("enter")
            await wait_until(pilot, lambda: not screen.turn_running, timeout=60, what="turn end")
            local = run.cwd / ".claude" / "settings.local.json"
            saved = json.loads(local.read_text())
            assert saved == {"permissions": {"allow": ["Bash(python -m pytest *)"]}}
            ignore = (tmp_path / "xdg" / "git" / "ignore").read_text()
            assert "**/.claude/settings.local.json" in ignore.splitlines()
            later = CallView.from_input("Bash", {"command": "python -m pytest -x"}, run.cwd)
            assert decide(later, screen.session.perm_ctx).behavior == "allow"
    finally:
        run.close()
