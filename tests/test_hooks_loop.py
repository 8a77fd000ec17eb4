"""Hooks in the agent loop (REF §8; ``SPEC.md`` §3: hooks come first in the evaluation order).

A fake streaming client plays the model: each request pops a scripted reply (text and tool_use
blocks).  Hooks are real scripts configured in real settings files in tmp_path and loaded by
Warden's loader, so every decision names the hook's file.  Approvals are answered through the
futures the loop hands out, as the UI would.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.test_hooks_support import (
    FORMATTER,
    GIT_PUSH_GATE,
    PATH_GATE,
    hooks_of,
    script,
    settings_in,
)
from tui.agent import events as ev
from tui.agent.hook_steps import MAX_STOP_CONTINUATIONS
from tui.agent.loop import Agent
from tui.approvals import Answer
from tui.hooks import HookRunner, HookSet
from tui.permissions import PermissionContext
from tui.permissions.policy import Policy, SessionSource
from tui.tool_results import DENIED_PREFIX
from tui.tools import default_tools
from tui.tools.base import ToolContext

# -- a fake model ---------------------------------------------------------------------------


def text(words: str) -> dict[str, Any]:
    return {"type": "text", "text": words}


def tool(name: str, tool_input: dict[str, Any], tool_id: str = "toolu_1") -> dict[str, Any]:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}


class _Stream:
    def __init__(self, blocks: list[dict[str, Any]]) -> None:
        self.blocks = blocks

    async def __aenter__(self) -> _Stream:
        return self

    async def __aexit__(self, *exc: object) -> bool:
        return False

    async def __aiter__(self):
        for block in self.blocks:
            if block["type"] == "text":
                yield SimpleNamespace(type="text", text=block["text"])
                yield SimpleNamespace(type="content_block_stop")

    async def get_final_message(self) -> SimpleNamespace:
        content = [SimpleNamespace(**b) for b in self.blocks]
        stop = "tool_use" if any(b["type"] == "tool_use" for b in self.blocks) else "end_turn"
        return SimpleNamespace(content=content, stop_reason=stop)


class FakeClient:
    """``client.messages.stream(**kwargs)`` answering with scripted replies, in order; once
    they run out every reply is "Done."."""

    def __init__(self, *replies: list[dict[str, Any]]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []
        self.messages = self

    def stream(self, **kwargs: Any) -> _Stream:
        self.requests.append(copy.deepcopy(kwargs))
        return _Stream(self.replies.pop(0) if self.replies else [text("Done.")])


# -- the harness ------------------------------------------------------------------------------


class Run:
    """An Agent in ``project`` with hooks from real settings files and a fake model."""

    def __init__(self, project: Path, client: FakeClient, *, answers: list[Answer] = (),
                 rules: dict[str, list[str]] | None = None, mode: str = "default",
                 **settings: Any) -> None:
        self.project = project
        self.client = client
        self.events: list[Any] = []
        self.answers = list(answers)
        loaded = settings_in(project, **settings)
        self.hooks = HookSet.from_settings(loaded)
        policy = Policy()
        for behavior, texts in (rules or {}).items():
            for rule in texts:
                policy.add(rule, behavior, anchor=project, source=SessionSource())
        self.agent = Agent(client=client, model="claude-test", tools=default_tools(),
                           tool_ctx=ToolContext(cwd=project, env=dict(os.environ)),
                           perm_ctx=PermissionContext((project,), mode=mode, policy=policy),
                           sink=self._sink, hooks=HookRunner(self.hooks, session_id="s"))

    def _sink(self, event: Any) -> None:
        self.events.append(event)
        if isinstance(event, ev.ApprovalNeeded) and self.answers:
            answer = self.answers.pop(0)
            asyncio.get_running_loop().call_soon(event.request.answer, answer)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def results(self, request: int) -> list[dict[str, Any]]:
        """The tool_result blocks sent with request number ``request``."""
        last = self.client.requests[request]["messages"][-1]
        return [b for b in last["content"] if b.get("type") == "tool_result"]

    def notices(self) -> str:
        return "\n".join(n.text for n in self.of(ev.Notice))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    (path / "src").mkdir(parents=True)
    return path


def hooks_dir(project: Path) -> Path:
    return project / ".claude" / "hooks"


# -- PreToolUse -------------------------------------------------------------------------------


async def test_git_push_gate_denies_before_the_engine_and_tells_the_model(project: Path) -> None:
    gate = script(hooks_dir(project), "no-push.sh", GIT_PUSH_GATE)
    client = FakeClient([tool("Bash", {"command": "git push origin main"})])
    run = Run(project, client, rules={"allow": ["Bash(git push *)"]},
              project_data=hooks_of("PreToolUse", str(gate), matcher="Bash"))
    assert await run.agent.run_turn("ship it") == "end_turn"
    (prepared,) = run.of(ev.ToolCallPrepared)
    assert prepared.decision.behavior == "deny", "an allow rule does not beat the hook"
    assert prepared.decision.source == ("hook: PreToolUse in project settings "
                                        f"({project / '.claude' / 'settings.json'})")
    assert not run.of(ev.ApprovalNeeded)
    (result,) = run.results(1)
    assert result["is_error"] is True and result["content"].startswith(DENIED_PREFIX)
    assert "BLOCKED: push from a feature branch" in result["content"]
    (finished,) = run.of(ev.ToolFinished)
    assert not finished.ran


async def test_path_gate_blocks_writes_outside_the_project(project: Path, tmp_path: Path) -> None:
    gate = script(hooks_dir(project), "paths.py", PATH_GATE, python=True)
    outside = tmp_path / "elsewhere" / "x.txt"
    client = FakeClient([tool("Write", {"file_path": str(outside), "content": "x"}),
                         tool("Write", {"file_path": str(project / "src" / "ok.txt"),
                                          "content": "ok\n"})])
    run = Run(project, client, answers=[Answer("allow_once")],
              user=hooks_of("PreToolUse", str(gate), matcher="Edit|Write"))
    await run.agent.run_turn("write two files")
    assert "is outside the project" in run.results(1)[0]["content"]
    assert not outside.exists()
    # Inside the project the hook lets it through to the engine, which asks as usual.
    assert len(run.of(ev.ApprovalNeeded)) == 1
    assert (project / "src" / "ok.txt").read_text() == "ok\n"


async def test_if_condition_runs_the_hook_only_for_matching_commands(project: Path) -> None:
    marker = project / "ran.log"
    client = FakeClient([tool("Bash", {"command": "git status"})],
                        [tool("Bash", {"command": "FOO=1 git commit -m wip"}, "toolu_2")])
    run = Run(project, client, answers=[Answer("deny_with_reason", reason="no")] * 2,
              user=hooks_of("PreToolUse", f"echo ran >> {marker}; exit 2", matcher="Bash",
                            **{"if": "Bash(git commit *)"}))
    await run.agent.run_turn("commit")
    assert marker.read_text() == "ran\n", "git status did not match the if; git commit did"
    decisions = [p.decision.source for p in run.of(ev.ToolCallPrepared)]
    assert decisions[1].startswith("hook: PreToolUse")


async def test_updated_input_is_decided_again_and_cannot_beat_a_deny_rule(project: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {
        "permissionDecision": "allow", "updatedInput": {"command": "rm -rf src"}}})
    client = FakeClient([tool("Bash", {"command": "ls"})])
    run = Run(project, client, rules={"deny": ["Bash(rm *)"]},
              user=hooks_of("PreToolUse", f"echo '{body}'", matcher="Bash"))
    await run.agent.run_turn("list")
    (prepared,) = run.of(ev.ToolCallPrepared)
    assert prepared.call.command == "rm -rf src", "the call was prepared from the new input"
    assert prepared.decision.behavior == "deny" and prepared.decision.rule == "Bash(rm *)"
    assert any("updatedInput" in line for line in prepared.decision.trace)
    assert (project / "src").is_dir()


async def test_updated_input_that_the_tool_rejects_is_an_error_for_the_model(
        project: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {"updatedInput": {"cmd": "ls"}}})
    run = Run(project, FakeClient([tool("Bash", {"command": "ls"})]),
              user=hooks_of("PreToolUse", f"echo '{body}'"))
    await run.agent.run_turn("list")
    (result,) = run.results(1)
    assert result["is_error"] and "not valid" in result["content"]


async def test_allow_answers_a_plain_prompt(project: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {"permissionDecision": "allow",
                                              "permissionDecisionReason": "team policy"}})
    client = FakeClient([tool("Bash", {"command": "touch made-by-hook"})])
    run = Run(project, client, user=hooks_of("PreToolUse", f"echo '{body}'", matcher="Bash"))
    await run.agent.run_turn("touch")
    (prepared,) = run.of(ev.ToolCallPrepared)
    assert prepared.decision.behavior == "allow"
    assert prepared.decision.source.startswith("hook: PreToolUse in user settings")
    assert not run.of(ev.ApprovalNeeded)
    assert (project / "made-by-hook").exists()


@pytest.mark.parametrize(("call", "rules"), [
    ({"command": "touch x"}, {"ask": ["Bash(touch *)"]}),            # an ask rule
    ({"command": "echo $(whoami) > out"}, {}),                          # a suspicious construct
    ({"command": "curl -s https://example.com"}, {}),                  # the network blocklist
    ({"command": "touch /tmp/outside-the-project"}, {}),               # a write outside
])
async def test_allow_never_overrides_ask_rules_or_safety_checks(
        project: Path, call: dict, rules: dict) -> None:
    body = json.dumps({"hookSpecificOutput": {"permissionDecision": "allow"}})
    run = Run(project, FakeClient([tool("Bash", call)]), rules=rules,
              answers=[Answer("deny_with_reason", reason="no")],
              user=hooks_of("PreToolUse", f"echo '{body}'", matcher="Bash"))
    await run.agent.run_turn("go")
    (prepared,) = run.of(ev.ToolCallPrepared)
    assert prepared.decision.behavior == "ask"
    assert any("the prompt stays" in line for line in prepared.decision.trace)
    assert len(run.of(ev.ApprovalNeeded)) == 1


async def test_allow_never_overrides_a_protected_path(project: Path) -> None:
    (project / ".git").mkdir()
    body = json.dumps({"hookSpecificOutput": {"permissionDecision": "allow"}})
    run = Run(project, FakeClient([tool("Write", {"file_path": str(project / ".git" / "config"),
                                                 "content": "x"})]),
              answers=[Answer("deny_with_reason", reason="no")],
              user=hooks_of("PreToolUse", f"echo '{body}'"))
    await run.agent.run_turn("go")
    assert run.of(ev.ToolCallPrepared)[0].decision.behavior == "ask"


async def test_ask_makes_an_allowed_call_ask(project: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {"permissionDecision": "ask",
                                              "permissionDecisionReason": "double-check"}})
    run = Run(project, FakeClient([tool("Read", {"file_path": str(project / "src" / "a.py")})]),
              answers=[Answer("deny_with_reason", reason="no")],
              user=hooks_of("PreToolUse", f"echo '{body}'", matcher="Read"))
    await run.agent.run_turn("read")
    (prepared,) = run.of(ev.ToolCallPrepared)
    assert prepared.decision.behavior == "ask" and "double-check" in prepared.decision.reason
    assert len(run.of(ev.ApprovalNeeded)) == 1


async def test_fail_closed_timeout_denies_the_call(project: Path) -> None:
    run = Run(project, FakeClient([tool("Bash", {"command": "ls"})]),
              user=hooks_of("PreToolUse", "sleep 10", timeout=0.3, failClosed=True))
    await run.agent.run_turn("list")
    assert run.of(ev.ToolCallPrepared)[0].decision.behavior == "deny"
    assert "fail-closed" in run.notices()
    assert run.results(1)[0]["is_error"]


async def test_exit_1_is_a_notice_and_the_call_goes_on(project: Path) -> None:
    run = Run(project, FakeClient([tool("Bash", {"command": "ls"})]),
              user=hooks_of("PreToolUse", "echo oops >&2; exit 1"))
    await run.agent.run_turn("list")
    assert run.of(ev.ToolCallPrepared)[0].decision.behavior == "allow"
    assert "exited with status 1: oops" in run.notices()


async def test_continue_false_stops_the_turn(project: Path) -> None:
    body = json.dumps({"continue": False, "stopReason": "maintenance window"})
    client = FakeClient([tool("Bash", {"command": "ls"}),
                         tool("Read", {"file_path": str(project / "a.py")}, "toolu_2")])
    run = Run(project, client, user=hooks_of("PreToolUse", f"echo '{body}'", matcher="Bash"))
    assert await run.agent.run_turn("go") == "hook_stopped"
    assert "maintenance window" in run.notices()
    assert len(client.requests) == 1
    last = run.agent.messages[-1]["content"]
    assert {b["tool_use_id"] for b in last} == {"toolu_1", "toolu_2"}
    assert all(b["is_error"] for b in last)


# -- PermissionRequest ------------------------------------------------------------------------


def _permission(behavior: str, **extra: Any) -> str:
    body = json.dumps({"hookSpecificOutput": {"hookEventName": "PermissionRequest",
                                              "decision": {"behavior": behavior, **extra}}})
    return f"echo '{body}'"


async def test_permission_request_allow_runs_without_the_card(project: Path) -> None:
    payload = project / "payload.json"
    command = f"cat > {payload}; {_permission('allow')}"
    run = Run(project, FakeClient([tool("Bash", {"command": "touch approved"})]),
              user=hooks_of("PermissionRequest", command, matcher="Bash"))
    await run.agent.run_turn("go")
    assert not run.of(ev.ApprovalNeeded)
    assert (project / "approved").exists()
    sent = json.loads(payload.read_text())
    assert sent["hook_event_name"] == "PermissionRequest" and "tool_use_id" not in sent
    assert sent["permission_suggestions"][0]["type"] == "addRules"


async def test_permission_request_deny_reaches_the_model(project: Path) -> None:
    run = Run(project, FakeClient([tool("Bash", {"command": "touch nope"})]),
              user=hooks_of("PermissionRequest", _permission("deny", message="not today")))
    await run.agent.run_turn("go")
    assert not run.of(ev.ApprovalNeeded)
    assert "not today" in run.results(1)[0]["content"]
    assert not (project / "nope").exists()


async def test_permission_request_cannot_answer_an_ask_rule(project: Path) -> None:
    run = Run(project, FakeClient([tool("Bash", {"command": "touch x"})]),
              rules={"ask": ["Bash(touch *)"]}, answers=[Answer("deny_with_reason", reason="n")],
              user=hooks_of("PermissionRequest", _permission("allow")))
    await run.agent.run_turn("go")
    assert len(run.of(ev.ApprovalNeeded)) == 1


async def test_permission_request_updated_input_meets_the_deny_rules(project: Path) -> None:
    command = _permission("allow", updatedInput={"command": "rm -rf src"})
    run = Run(project, FakeClient([tool("Bash", {"command": "touch x"})]),
              rules={"deny": ["Bash(rm *)"]}, user=hooks_of("PermissionRequest", command))
    await run.agent.run_turn("go")
    (prepared,) = run.of(ev.ToolCallPrepared)
    assert prepared.decision.behavior == "deny" and prepared.decision.rule == "Bash(rm *)"
    assert (project / "src").is_dir()


# -- PostToolUse ------------------------------------------------------------------------------


async def test_formatter_rewrites_the_file_and_the_model_is_told(project: Path) -> None:
    formatter = script(hooks_dir(project), "format.py", FORMATTER, python=True)
    client = FakeClient([tool("Write", {"file_path": str(project / "src" / "m.py"),
                                         "content": "x = 1   \n"})])
    run = Run(project, client, mode="acceptEdits",
              project_data=hooks_of("PostToolUse", str(formatter), matcher="Edit|Write"))
    await run.agent.run_turn("write")
    assert (project / "src" / "m.py").read_text() == "x = 1\n"
    (result,) = run.results(1)
    assert "PostToolUse hook context: formatted " in result["content"]


async def test_post_tool_use_exit_2_feedback_goes_to_the_model(project: Path) -> None:
    run = Run(project, FakeClient([tool("Bash", {"command": "ls"})]),
              user=hooks_of("PostToolUse", "echo 'lint failed: E501' >&2; exit 2"))
    await run.agent.run_turn("ls")
    assert "PostToolUse hook feedback: lint failed: E501" in run.results(1)[0]["content"]
    assert run.of(ev.ToolFinished)[0].ran


# -- UserPromptSubmit, Stop, SessionStart, ConfigChange ---------------------------------------


async def test_user_prompt_submit_block_keeps_the_prompt_from_the_model(project: Path) -> None:
    gate = script(hooks_dir(project), "secrets.py", """
import json, sys
prompt = json.load(sys.stdin)["prompt"]
if "password" in prompt:
    print("Prompt mentions a password; rephrase without it.", file=sys.stderr)
    sys.exit(2)
print("Current branch: main")
""", python=True)
    client = FakeClient([text("ok")])
    run = Run(project, client, user=hooks_of("UserPromptSubmit", str(gate)))
    assert await run.agent.run_turn("my password is hunter2") == "blocked"
    assert client.requests == [] and run.agent.messages == []
    assert "Prompt mentions a password" in run.notices()
    assert await run.agent.run_turn("explain the code") == "end_turn"
    sent = client.requests[0]["messages"][0]["content"]
    assert any("Current branch: main" in b["text"] for b in sent)
    assert sent[-1]["text"] == "explain the code"


async def test_stop_hook_continues_the_turn_with_its_reason(project: Path) -> None:
    flag = project / "tests-ran"
    command = (f"if [ -e {flag} ]; then exit 0; fi; touch {flag}; "
               "echo '{\"decision\": \"block\", \"reason\": \"run the tests first\"}'")
    client = FakeClient([text("All done.")], [text("Tests pass.")])
    run = Run(project, client, user=hooks_of("Stop", command))
    assert await run.agent.run_turn("fix it") == "end_turn"
    assert len(client.requests) == 2
    assert client.requests[1]["messages"][-1]["content"][-1]["text"] == \
        "Stop hook feedback: run the tests first"


async def test_stop_hook_continuations_are_capped(project: Path) -> None:
    log = project / "stop.log"
    command = (f"python3 -c \"import json,sys; print(json.load(sys.stdin)['stop_hook_active'])\""
               f" >> {log}; echo '{{\"decision\": \"block\", \"reason\": \"again\"}}'")
    client = FakeClient()
    run = Run(project, client, user=hooks_of("Stop", command))
    assert await run.agent.run_turn("loop") == "end_turn"
    assert len(client.requests) == 1 + MAX_STOP_CONTINUATIONS
    assert log.read_text().split() == ["False"] + ["True"] * MAX_STOP_CONTINUATIONS
    assert f"{MAX_STOP_CONTINUATIONS} times in a row" in run.notices()


async def test_session_start_context_becomes_a_note_for_the_model(project: Path) -> None:
    client = FakeClient([text("hi")])
    run = Run(project, client, user=hooks_of(
        "SessionStart", "echo '{\"hookSpecificOutput\": {\"additionalContext\": "
        "\"Sprint goal: ship hooks\"}}'", matcher="startup"))
    await run.agent.session_start("startup")
    await run.agent.session_start("clear")    # the matcher leaves /clear out
    assert run.agent.notes == ["Context from a SessionStart hook: Sprint goal: ship hooks"]
    await run.agent.run_turn("hello")
    first = client.requests[0]["messages"][0]["content"][0]["text"]
    assert "Sprint goal: ship hooks" in first


async def test_config_change_blocks_except_managed_settings(project: Path) -> None:
    run = Run(project, FakeClient(),
              user=hooks_of("ConfigChange", "echo '{\"decision\": \"block\"}'",
                            matcher="local_settings|policy_settings"))
    assert await run.agent.config_change("local_settings", str(project / "x.json")) is True
    assert await run.agent.config_change("user_settings", "/u/settings.json") is False
    assert await run.agent.config_change("policy_settings", "/etc/m.json") is False
    assert "managed settings always apply" in run.notices()


async def test_hook_problems_are_reported_once_as_notices(project: Path) -> None:
    run = Run(project, FakeClient(), user={"hooks": {"PreToolUse": [
        {"matcher": "Bash((", "hooks": [{"type": "command", "command": "true"}]},
        {"hooks": [{"type": "http", "url": "https://x"}]}]}})
    await run.agent.session_start()
    await run.agent.run_turn("hi")
    texts = [n.text for n in run.of(ev.Notice) if n.text.startswith("Hook settings:")]
    assert len(texts) == 2
    assert any("invalid regular expression" in t for t in texts)
    assert any("'http' hooks are not supported" in t for t in texts)


async def test_no_hooks_no_processes(project: Path) -> None:
    client = FakeClient([tool("Bash", {"command": "ls"})])
    run = Run(project, client)
    assert await run.agent.run_turn("ls") == "end_turn"
    assert not run.of(ev.Notice)
