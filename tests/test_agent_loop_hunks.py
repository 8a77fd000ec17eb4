"""A full agent turn with per-hunk review: only the accepted hunks reach the disk, and the
tool_result the model receives names the rejected ones (through the real SDK and the replay
server)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import anthropic

from tests.test_apply_hunks import NEW, OLD
from tui.agent import events as ev
from tui.agent.loop import Agent
from tui.approvals import Answer
from tui.demo.build_cassettes import NodeSpec, Tool, build_cassette
from tui.demo.server import ReplayServer
from tui.diffs import apply_hunks
from tui.permissions import PermissionContext
from tui.tools import default_tools
from tui.tools.base import ToolContext


async def test_rejected_hunks_are_not_written_and_the_model_is_told(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(OLD)
    cassette = build_cassette(
        [NodeSpec("write", ("Tidying the notes.",
                            Tool("Write", {"file_path": "{{cwd}}/notes.txt", "content": NEW})),
                  next={"ok": "done", "error": "done", "denied": "done"}),
         NodeSpec("done", ("Done.",))],
        prefix="hunks", description="one Write with three hunks", prompt="tidy the notes")
    answers: list[Answer] = []

    def sink(event: ev.AgentEvent) -> None:
        if isinstance(event, ev.ApprovalNeeded):
            change = event.request.call.change
            assert change is not None and len(change.hunks) == 3
            # What the card sends after space on hunk 2 and y: hunks 1 and 3 only.
            answer = Answer("allow_once", change=apply_hunks(change, {0, 2}),
                            rejected_hunks=(1,))
            answers.append(answer)
            asyncio.get_running_loop().call_soon(event.request.answer, answer)

    with ReplayServer(cassette, cwd=tmp_path) as server:
        client = anthropic.AsyncAnthropic(base_url=server.base_url, api_key="test",
                                          max_retries=0)
        agent = Agent(client=client, model=cassette.model, tools=default_tools(),
                      tool_ctx=ToolContext(cwd=tmp_path, env=dict(os.environ)),
                      perm_ctx=PermissionContext((tmp_path,)), sink=sink)
        try:
            reason = await asyncio.wait_for(agent.run_turn("tidy the notes"), 30)
        finally:
            await client.close()
        requests = server.requests
    assert reason == "end_turn" and answers
    written = (tmp_path / "notes.txt").read_text()
    assert written == answers[0].change.new_text
    assert "LINE THREE" in written and "line 20\n" in written    # hunk 2 (a deletion) kept out
    result = next(block for block in requests[-1]["messages"][-1]["content"]
                  if block["type"] == "tool_result")
    assert "rejected hunk(s) 2 of 3" in str(result["content"])
    assert not result.get("is_error")
