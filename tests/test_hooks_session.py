"""Hooks in a real session (issue 11 items 2 and 3): built from the session's own policy, held
back in an untrusted workspace, given the ``env`` setting but never Warden's key, swapped on a
reload, and able to block a settings change (ConfigChange)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.test_hooks_loop import FakeClient as _FakeClient
from tests.test_hooks_loop import text, tool
from tests.test_hooks_support import GIT_PUSH_GATE, hooks_of, script, write_json
from tui.agent import events as ev
from tui.agent.session import AgentSession
from tui.config import AppConfig


class FakeClient(_FakeClient):
    """The scripted model, closable like the SDK's client."""

    async def close(self) -> None:
        return None


def user_settings() -> Path:
    return Path(os.environ["WARDEN_CONFIG_DIR"]) / "settings.json"


def session_in(project: Path, *, trusted: bool, events: list | None = None) -> AgentSession:
    sink = events.append if events is not None else (lambda e: None)
    session = AgentSession(AppConfig(cwd=project, api_key="sk-test", base_url="http://127.0.0.1:9",
                                     trusted_project=trusted), sink)
    session._connect_sync()
    return session


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "clone"
    path.mkdir()
    return path


@pytest.mark.parametrize("trusted", [False, True])
async def test_a_repository_hook_runs_only_after_trust(project: Path, trusted: bool) -> None:
    """A cloned repository's PreToolUse gate is a program the repository chose: untrusted, it
    is not even configured; trusted, it blocks ``git push`` before the engine."""
    gate = script(project / ".claude" / "hooks", "push-gate.sh", GIT_PUSH_GATE)
    write_json(project / ".claude" / "settings.json", hooks_of("PreToolUse", str(gate), "Bash"))
    events: list = []
    session = session_in(project, trusted=trusted, events=events)
    assert session.agent.hooks.hooks.has("PreToolUse") is trusted
    client = FakeClient([tool("Bash", {"command": "git push origin main"})], [text("ok")])
    session.agent.client = client
    session.mark_ready("claude-test")
    turn = asyncio.create_task(session.run_turn("push it"))
    if not trusted:
        # No hook: the engine asks, and the user says no.
        async def asked_once() -> list:
            while not (asked := [e for e in events if isinstance(e, ev.ApprovalNeeded)]):
                await asyncio.sleep(0.02)
            return asked

        try:
            asked = await asyncio.wait_for(asked_once(), 20)
        except TimeoutError:
            pytest.fail("timed out waiting for the git push to ask")
        from tui.approvals import Answer

        asked[0].request.answer(Answer("deny_with_reason", reason="no"))
    await asyncio.wait_for(turn, 20)
    result = client.requests[1]["messages"][-1]["content"][0]
    assert ("BLOCKED: push from a feature branch" in str(result["content"])) is trusted
    await session.aclose()


async def test_hooks_get_the_env_setting_and_never_the_api_key(project: Path,
                                                                monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-secret-in-the-environment")
    out = project / "seen.txt"
    hook = script(project.parent / "hooks", "env.sh",
                  f'echo "$TEAM_VAR ${{ANTHROPIC_API_KEY:-no-key}}" > {out}\n')
    write_json(user_settings(), {"env": {"TEAM_VAR": "from-settings"},
                                 **hooks_of("PreToolUse", str(hook), "Read")})
    session = session_in(project, trusted=False)
    (project / "a.txt").write_text("x")
    session.agent.client = FakeClient([tool("Read", {"file_path": str(project / "a.txt")})],
                                      [text("ok")])
    session.mark_ready("claude-test")
    await asyncio.wait_for(session.run_turn("read it"), 20)
    assert out.read_text().split() == ["from-settings", "no-key"]
    await session.aclose()


async def test_session_start_context_reaches_the_first_request(project: Path) -> None:
    write_json(user_settings(), hooks_of(
        "SessionStart", "echo '{\"hookSpecificOutput\": {\"additionalContext\": "
        "\"Release freeze until Friday\"}}'"))
    session = session_in(project, trusted=False)
    client = FakeClient([text("noted")])
    session.agent.client = client
    session.mark_ready("claude-test")
    await asyncio.wait_for(session.run_turn("hello"), 20)
    assert "Release freeze until Friday" in json.dumps(client.requests[0]["messages"])
    await session.aclose()


async def test_a_config_change_hook_keeps_a_change_out_and_reloads_swap_the_hooks(
        project: Path) -> None:
    """A user's ConfigChange gate that refuses local-settings changes: an edit of that file
    made outside Warden is not applied.  Once the user settings drop the gate, the next change
    applies and /hooks sees the new configuration."""
    gate = script(project.parent / "hooks", "freeze.sh", "echo 'settings are frozen' >&2\n"
                  "exit 2\n")
    write_json(user_settings(), hooks_of("ConfigChange", str(gate), "local_settings"))
    events: list = []
    session = session_in(project, trusted=False, events=events)
    session.mark_ready("claude-test")
    local = session.local_settings
    write_json(local, {"permissions": {"allow": ["Bash(make *)"]}})
    await session.live.reload((local,), external=True)
    assert "Bash(make *)" not in [r.text for r in session.perm_ctx.policy.allow]
    assert any("blocked the change" in e.text for e in events if isinstance(e, ev.Notice))
    write_json(user_settings(), {})
    await session.live.reload((user_settings(),), external=True)
    assert not session.agent.hooks.hooks.has("ConfigChange")
    await session.live.reload((local,), external=True)
    assert "Bash(make *)" in [r.text for r in session.perm_ctx.policy.allow]
    await session.aclose()
