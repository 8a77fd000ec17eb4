"""The agent loop without any UI: the real SDK against the replay server, approvals answered
by the test through the futures the loop hands out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import anthropic
import pytest

from tests.waiting import wait_for
from tui.agent import events as ev
from tui.agent.loop import Agent
from tui.approvals import Answer
from tui.demo.cassette import load_cassette
from tui.demo.launch import DEMO_CASSETTE, demo_env, prepare_demo_project
from tui.demo.server import ReplayServer
from tui.permissions import PermissionContext
from tui.tool_results import DENIED_PREFIX, INTERRUPTED
from tui.tools import default_tools
from tui.tools.base import ToolContext


class Harness:
    """An Agent on a demo copy, recording every event; answers come from ``answers``."""

    def __init__(self, cwd: Path, answers: list[Answer] | None = None) -> None:
        import os

        self.cwd = cwd
        self.cassette = load_cassette(DEMO_CASSETTE)
        self.server = ReplayServer(self.cassette, cwd=cwd)
        self.server.start()
        self.events: list[ev.AgentEvent] = []
        self.answers = list(answers or [])
        self.client = anthropic.AsyncAnthropic(
            base_url=self.server.base_url, api_key="test", max_retries=0
        )
        self.agent = Agent(
            client=self.client, model=self.cassette.model, tools=default_tools(),
            tool_ctx=ToolContext(cwd=cwd, env={**os.environ, **demo_env()}),
            perm_ctx=PermissionContext((cwd,)), sink=self._sink,
        )

    def _sink(self, event: ev.AgentEvent) -> None:
        self.events.append(event)
        if isinstance(event, ev.ApprovalNeeded) and self.answers:
            # Answer in order of arrival, as a person working down the queue would.
            answer = self.answers.pop(0)
            asyncio.get_running_loop().call_soon(event.request.answer, answer)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    async def close(self) -> None:
        await self.client.close()
        self.server.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return prepare_demo_project(tmp_path / "statskit")


async def test_reads_run_without_asking_and_several_tool_uses_run_in_one_turn(
    project: Path,
) -> None:
    h = Harness(project, [Answer("deny")])
    try:
        reason = await h.agent.run_turn(h.cassette.prompt)
    finally:
        await h.close()
    prepared = h.of(ev.ToolCallPrepared)
    assert [p.call.name for p in prepared[:3]] == ["Read", "Read", "Read"]
    assert all(p.decision.behavior == "allow" for p in prepared[:3])
    finished = h.of(ev.ToolFinished)
    assert all(f.ran and not f.result.is_error for f in finished[:3])
    assert "def median" in finished[1].result.content
    # The curl command asked; the plain deny stopped the turn without asking the model again.
    assert prepared[3].decision.behavior == "ask"
    assert reason == "denied" and len(h.server.requests) == 2
    assert h.of(ev.TextDelta), "the reply streamed as deltas"


async def test_tool_error_goes_back_as_is_error_and_takes_the_error_branch(
    project: Path,
) -> None:
    (project / "README.md").unlink()
    h = Harness(project)
    try:
        reason = await h.agent.run_turn(h.cassette.prompt)
    finally:
        await h.close()
    results = h.server.requests[1]["messages"][-1]["content"]
    readme = next(r for r in results if r["tool_use_id"] == "toolu_demo_explore_1")
    assert readme["is_error"] is True and "README.md" in readme["content"]
    assert reason == "end_turn"
    assert h.cassette.resolve(h.server.requests[1]["messages"], cwd=project).id == "explore_failed"


async def test_deny_with_reason_reaches_the_model_and_it_continues(project: Path) -> None:
    h = Harness(project, [Answer("deny_with_reason", reason="no remote scripts"),
                          Answer("allow_once"), Answer("allow_once"), Answer("allow_once")])
    try:
        reason = await h.agent.run_turn(h.cassette.prompt)
    finally:
        await h.close()
    denial = h.server.requests[2]["messages"][-1]["content"][0]
    assert denial["is_error"] is True
    assert denial["content"].startswith(DENIED_PREFIX) and "no remote scripts" in denial["content"]
    assert reason == "end_turn" and len(h.server.requests) == 5
    bash = [f for f in h.of(ev.ToolFinished) if f.call.name == "Bash" and f.ran]
    assert len(bash) == 1 and "6 passed" in bash[0].result.content


async def test_edits_are_not_written_when_denied(project: Path) -> None:
    before = (project / "statskit" / "stats.py").read_text()
    h = Harness(project, [Answer("deny_with_reason", reason="no"),
                          Answer("deny_with_reason", reason="not like this"),
                          Answer("deny_with_reason", reason="no changelog")])
    try:
        await h.agent.run_turn(h.cassette.prompt)
    finally:
        await h.close()
    assert (project / "statskit" / "stats.py").read_text() == before
    node = h.cassette.resolve(h.server.requests[-1]["messages"], cwd=project)
    assert node.id == "edits_denied"


async def test_interrupt_leaves_a_valid_history(project: Path) -> None:
    h = Harness(project)  # nobody answers: the turn waits on the curl approval
    task = asyncio.create_task(h.agent.run_turn(h.cassette.prompt))
    try:
        needed = await wait_for(lambda: h.of(ev.ApprovalNeeded), what="the curl approval")
        request = needed[0].request
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await h.close()
    assert request.future.cancelled()
    last = h.agent.messages[-1]
    assert last["role"] == "user"
    assert last["content"] == [{"type": "tool_result", "tool_use_id": "toolu_demo_setup_script_1",
                                "content": INTERRUPTED, "is_error": True}]
    assert isinstance(h.events[-1], ev.TurnFinished) and h.events[-1].stop_reason == "interrupted"


async def test_api_error_is_reported_not_raised(tmp_path: Path) -> None:
    client = anthropic.AsyncAnthropic(base_url="http://127.0.0.1:9", api_key="t", max_retries=0)
    seen: list[ev.AgentEvent] = []
    agent = Agent(client=client, model="m", tools=default_tools(),
                  tool_ctx=ToolContext(cwd=tmp_path), perm_ctx=PermissionContext((tmp_path,)),
                  sink=seen.append)
    try:
        assert await agent.run_turn("hi") == "error"
    finally:
        await client.close()
    errors = [e for e in seen if isinstance(e, ev.AgentError)]
    assert errors and "Connection" in errors[0].message


def test_commands_never_see_warden_credentials() -> None:
    from tui.agent.session import command_env

    env = command_env({"ANTHROPIC_API_KEY": "sk-x", "ANTHROPIC_AUTH_TOKEN": "t", "PATH": "/bin"})
    assert env == {"PATH": "/bin"}
