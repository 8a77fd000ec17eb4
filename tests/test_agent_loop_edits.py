"""Edits the user changed before approving: the engine decides again on what will be written,
the user's bytes reach the disk, and the model is told."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.test_agent_loop import Harness
from tui.agent import events as ev
from tui.approvals import Answer, HunkReview
from tui.demo.launch import prepare_demo_project
from tui.diffs import FileChange
from tui.permissions.policy import Policy, SessionSource


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return prepare_demo_project(tmp_path / "statskit")


class EditingHarness(Harness):
    """Answers like :class:`Harness`, but first replaces each Edit's proposal with the user's
    version (what ``o`` on a card does), optionally adding a rule while the editor was open."""

    def __init__(self, cwd: Path, answers: list[Answer], deny_meanwhile: str | None = None):
        super().__init__(cwd, answers)
        self.deny_meanwhile = deny_meanwhile

    def _sink(self, event: ev.AgentEvent) -> None:
        call = event.request.call if isinstance(event, ev.ApprovalNeeded) else None
        if call is not None and call.name == "Edit":
            change = call.change
            review = HunkReview(change)
            review.replace(FileChange(change.path, change.old_text,
                                      change.new_text + "# reviewed by a human\n",
                                      change.display_path))
            if self.answers and self.answers[0].allowed:  # the card's answer carries the edit
                self.answers[0] = review.answer(self.answers[0].kind)
            if self.deny_meanwhile:
                self.agent.perm_ctx.policy.add(self.deny_meanwhile, "deny", anchor=self.cwd,
                                               source=SessionSource())
        super()._sink(event)


async def test_the_users_version_is_written_and_the_model_is_told(project: Path) -> None:
    h = EditingHarness(project, [Answer("deny_with_reason", reason="no"),
                                 Answer("allow_once"), Answer("allow_once"),
                                 Answer("allow_once")])
    try:
        await h.agent.run_turn(h.cassette.prompt)
    finally:
        await h.close()
    stats = (project / "statskit" / "stats.py").read_text()
    assert stats.endswith("# reviewed by a human\n")
    sent = [block for message in h.server.requests[-1]["messages"]
            if message["role"] == "user" and isinstance(message["content"], list)
            for block in message["content"] if block.get("type") == "tool_result"]
    told = [b for b in sent if "edited your proposed change" in str(b.get("content"))]
    assert len(told) == 2     # both edits were changed by the user; the model hears of each


async def test_an_edited_proposal_is_decided_again_before_it_is_written(project: Path) -> None:
    before = (project / "statskit" / "stats.py").read_text()
    h = EditingHarness(project, [Answer("deny_with_reason", reason="no"),
                                 Answer("allow_once"), Answer("allow_once"),
                                 Answer("allow_once")],
                       deny_meanwhile="Edit(statskit/**)")
    h.agent.perm_ctx.policy = Policy()
    try:
        await asyncio.wait_for(h.agent.run_turn(h.cassette.prompt), 60)
    finally:
        await h.close()
    assert (project / "statskit" / "stats.py").read_text() == before
    stats_edit = [f for f in h.of(ev.ToolFinished)
                  if f.call.name == "Edit" and f.call.change.path.name == "stats.py"]
    assert stats_edit and not stats_edit[0].ran
    assert "Edit(statskit/**)" in stats_edit[0].result.content
