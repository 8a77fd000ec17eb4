"""acceptEdits and Bash (issue 9, family 11): what a command approved by the mode wrote joins
the changes-this-turn review, where each hunk can be reverted.

A reviewer should see: the snapshot keeps text files the command writes (created, modified,
moved away) and nothing outside the working directories; the agent attaches the changes to
the call only when ``acceptEdits`` approved it; the review lists the file and ``space`` puts
the old text back on disk.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from tests.scenarios import DemoRun, wait_until
from tui.agent import events as ev
from tui.agent.loop import Agent, _Pending
from tui.bash_changes import snapshot
from tui.messages import AgentUpdate
from tui.permissions.context import PermissionContext
from tui.permissions.decision import Decision
from tui.shell import analyze
from tui.tools import default_tools
from tui.tools.base import ToolContext, ToolResult
from widgets.changes_review import ChangesReview


def _run(command: str, cwd: Path) -> None:
    import subprocess

    subprocess.run(["bash", "-c", command], cwd=cwd, check=True)


def test_snapshot_sees_sed_i_touch_and_mv(tmp_path: Path) -> None:
    """sed -i modifies, touch creates, mv removes one name and creates another."""
    (tmp_path / "a.txt").write_text("alpha\nbeta\n")
    (tmp_path / "m.txt").write_text("moved\n")
    command = "sed -i s/beta/gamma/ a.txt && touch new.txt && mv m.txt n.txt"
    snap = snapshot(analyze(command, cwd=tmp_path, working_dirs=(tmp_path,)), (tmp_path,))
    _run(command, tmp_path)
    changes = {c.display_path: c for c in snap.changes()}
    assert changes["a.txt"].old_text == "alpha\nbeta\n"
    assert changes["a.txt"].new_text == "alpha\ngamma\n"
    assert changes["new.txt"].is_new
    assert changes["m.txt"].is_deleted
    assert changes["n.txt"].new_text == "moved\n"


def test_snapshot_leaves_out_files_outside_the_working_directories(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("x\n")
    snap = snapshot(analyze(f"sed -i s/x/y/ {outside}", cwd=work, working_dirs=(work,)),
                    (work,))
    assert snap.before == {}


def _agent(cwd: Path, mode: str) -> Agent:
    return Agent(client=None, model="m", tools=default_tools(),  # type: ignore[arg-type]
                 tool_ctx=ToolContext(cwd=cwd, env=dict(os.environ)),
                 perm_ctx=PermissionContext((cwd,), mode=mode), sink=lambda e: None)


async def test_the_agent_attaches_changes_only_when_accept_edits_approved(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one\ntwo\n")
    agent = _agent(tmp_path, "acceptEdits")
    tools = default_tools()
    call = await tools["Bash"].prepare("toolu_1", {"command": "sed -i s/two/2/ a.txt"},
                                       agent.tool_ctx)
    p = _Pending("toolu_1", "Bash", call=call,
                 decision=Decision("allow", "acceptEdits", None, "mode: acceptEdits", ()))
    await agent._execute(p)
    (change,) = call.bash_changes
    assert change.new_text == "one\n2\n" and change.old_text == "one\ntwo\n"
    # the same command approved by a rule: written, but not part of the mode's review
    other = await tools["Bash"].prepare("toolu_2", {"command": "sed -i s/one/1/ a.txt"},
                                        agent.tool_ctx)
    q = _Pending("toolu_2", "Bash", call=other,
                 decision=Decision("allow", "rule", "Bash(sed *)", "project", ()))
    await agent._execute(q)
    assert other.bash_changes == ()


async def test_the_review_shows_a_commands_change_and_reverts_it(tmp_path: Path) -> None:
    """Pilot: a sed -i approved by acceptEdits appears in the review; space reverts it."""
    run = DemoRun(tmp_path / "statskit")
    target = run.cwd / "notes.txt"
    target.write_text("one\ntwo\nthree\n")
    tools = default_tools()
    ctx = ToolContext(cwd=run.cwd)
    command = "sed -i s/two/TWO/ notes.txt"
    call = await tools["Bash"].prepare("toolu_9", {"command": command}, ctx)
    snap = snapshot(analyze(command, cwd=run.cwd, working_dirs=(run.cwd,)), (run.cwd,))
    await asyncio.to_thread(_run, command, run.cwd)
    call.bash_changes = tuple(snap.changes())
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.post_message(AgentUpdate(ev.ToolFinished(call, ToolResult("ok"), ran=True)))
            review = screen.query_one("#review", ChangesReview)
            await wait_until(pilot, lambda: len(review.files) == 1 and review.diff.is_ready,
                             what="the review")
            assert review.files[0].change.path == target
            hunk = next(iter(review.diff.hunk_widgets()))
            hunk.focus()
            await pilot.press("space")
            await wait_until(pilot, lambda: target.read_text() == "one\ntwo\nthree\n",
                             what="the revert on disk")
    finally:
        run.close()
