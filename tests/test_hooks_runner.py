"""The hook protocol with real processes (REF §8.3, §8.4; Warden's failClosed, REF §12.5).

Every hook here is a real shell or Python script in tmp_path, run by :class:`HookRunner` the way
the agent runs it: ``/bin/sh -c``, own process group, stdin JSON then closed.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_hooks_support import GIT_PUSH_GATE, PATH_GATE, script
from tui.hooks import HookRunner, HookSet
from tui.hooks.runner import OUTPUT_CAP
from tui.settings.model import SettingsSource

SOURCE = SettingsSource("project", Path("/project/.claude/settings.json"))


def hookset(event: str, *handlers: dict[str, Any], matcher: str | None = None) -> HookSet:
    group: dict[str, Any] = {"hooks": [{"type": "command", **h} for h in handlers]}
    if matcher is not None:
        group["matcher"] = matcher
    return HookSet.from_files([(SOURCE, {"hooks": {event: [group]}})], {})


async def run(tmp_path: Path, event: str, *handlers: dict[str, Any], fields: dict | None = None,
              match: str | None = "Bash", env: dict[str, str] | None = None,
              matcher: str | None = None):
    runner = HookRunner(hookset(event, *handlers, matcher=matcher), session_id="s-1")
    return await runner.run(event, cwd=tmp_path, env=env if env is not None else dict(os.environ),
                            mode="default", fields=fields or {}, match=match)


def bash_fields(command: str) -> dict[str, Any]:
    return {"tool_name": "Bash", "tool_input": {"command": command}, "tool_use_id": "toolu_1"}


def py(code: str) -> str:
    """A command running ``code`` with this interpreter."""
    return f"{sys.executable} -c {json.dumps(code)}"


# -- exit codes -------------------------------------------------------------------------------


async def test_git_push_gate_blocks_with_exit_2_and_its_stderr(tmp_path: Path) -> None:
    gate = script(tmp_path / "hooks", "no-push.sh", GIT_PUSH_GATE)
    blocked = await run(tmp_path, "PreToolUse", {"command": str(gate)},
                        fields=bash_fields("git push origin main"))
    assert blocked.decision == "deny" and blocked.blocked
    assert blocked.reason.startswith("BLOCKED: push from a feature branch")
    assert blocked.source == f"hook: PreToolUse in {SOURCE.label}"
    allowed = await run(tmp_path, "PreToolUse", {"command": str(gate)},
                        fields=bash_fields("git status"))
    assert allowed.decision is None and not allowed.blocked and not allowed.notices


async def test_exit_0_json_decision_and_reason(tmp_path: Path) -> None:
    out = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                  "permissionDecisionReason": "use the make target"}}
    hook = script(tmp_path, "deny.py", f"import json, sys\nsys.stdin.read()\n"
                  f"print(json.dumps({out!r}))\n", python=True)
    outcome = await run(tmp_path, "PreToolUse", {"command": str(hook)},
                        fields=bash_fields("npm test"))
    assert (outcome.decision, outcome.reason) == ("deny", "use the make target")


async def test_exit_2_cannot_be_overridden_by_json_allow(tmp_path: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {"permissionDecision": "allow"}})
    outcome = await run(tmp_path, "PreToolUse",
                        {"command": f"echo '{body}'; echo 'nope' >&2; exit 2"},
                        fields=bash_fields("ls"))
    assert outcome.decision == "deny"


async def test_exit_2_reason_prefers_the_json_reason(tmp_path: Path) -> None:
    body = json.dumps({"reason": "from JSON"})
    outcome = await run(tmp_path, "UserPromptSubmit",
                        {"command": f"echo '{body}'; echo 'from stderr' >&2; exit 2"}, match=None)
    assert outcome.blocked and outcome.reason == "from JSON"


async def test_exit_1_does_not_block_and_is_a_notice(tmp_path: Path) -> None:
    outcome = await run(tmp_path, "PreToolUse", {"command": "echo 'policy says no' >&2; exit 1"},
                        fields=bash_fields("rm -rf build"))
    assert outcome.decision is None and not outcome.blocked
    (notice,) = outcome.notices
    assert notice[1] == "warning" and "exited with status 1" in notice[0]
    assert "policy says no" in notice[0]


async def test_exit_1_with_valid_json_is_honoured(tmp_path: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {"permissionDecision": "ask"}})
    outcome = await run(tmp_path, "PreToolUse", {"command": f"echo '{body}'; exit 1"},
                        fields=bash_fields("ls"))
    assert outcome.decision == "ask"


async def test_legacy_decision_fields(tmp_path: Path) -> None:
    approve = await run(tmp_path, "PreToolUse",
                        {"command": "echo '{\"decision\": \"approve\", \"reason\": \"ok\"}'"},
                        fields=bash_fields("ls"))
    block = await run(tmp_path, "PreToolUse",
                      {"command": "echo '{\"decision\": \"block\", \"reason\": \"no\"}'"},
                      fields=bash_fields("ls"))
    assert (approve.decision, block.decision, block.reason) == ("allow", "deny", "no")


async def test_several_hooks_combine_deny_over_ask_over_allow(tmp_path: Path) -> None:
    def decide(word: str) -> dict[str, str]:
        body = json.dumps({"hookSpecificOutput": {"permissionDecision": word,
                                                  "permissionDecisionReason": word}})
        return {"command": f"echo '{body}'"}

    assert (await run(tmp_path, "PreToolUse", decide("allow"), decide("ask"),
                      fields=bash_fields("ls"))).decision == "ask"
    outcome = await run(tmp_path, "PreToolUse", decide("allow"), decide("deny"), decide("ask"),
                        fields=bash_fields("ls"))
    assert (outcome.decision, outcome.reason) == ("deny", "deny")


async def test_different_updated_inputs_apply_none_and_ask(tmp_path: Path) -> None:
    def update(command: str) -> dict[str, str]:
        body = json.dumps({"hookSpecificOutput": {"updatedInput": {"command": command}}})
        return {"command": f"echo '{body}'"}

    same = await run(tmp_path, "PreToolUse", update("ls -a"), update("ls -a"),
                     fields=bash_fields("ls"))
    assert same.updated_input == {"command": "ls -a"}
    differ = await run(tmp_path, "PreToolUse", update("ls -a"), update("ls -l"),
                       fields=bash_fields("ls"))
    assert differ.updated_input is None and differ.decision == "ask"


async def test_continue_false_stop_reason_and_system_message(tmp_path: Path) -> None:
    body = json.dumps({"continue": False, "stopReason": "budget spent",
                       "systemMessage": "hook says hi"})
    outcome = await run(tmp_path, "PostToolUse", {"command": f"echo '{body}'"},
                        fields=bash_fields("ls"))
    assert outcome.stop and outcome.stop_reason == "budget spent"
    assert ("hook says hi", "warning") in outcome.notices


# -- per-event output -------------------------------------------------------------------------


async def test_plain_stdout_is_context_only_for_prompt_and_session_start(tmp_path: Path) -> None:
    ups = await run(tmp_path, "UserPromptSubmit", {"command": "echo 'branch: main'"}, match=None)
    start = await run(tmp_path, "SessionStart", {"command": "echo 'tests: 12 failing'"},
                      match="startup")
    pre = await run(tmp_path, "PreToolUse", {"command": "echo 'debug chatter'"},
                    fields=bash_fields("ls"))
    assert ups.context == ["branch: main"] and start.context == ["tests: 12 failing"]
    assert pre.context == [] and pre.decision is None


async def test_permission_request_decision_and_exit_2_ignored(tmp_path: Path) -> None:
    body = json.dumps({"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {
        "behavior": "allow", "updatedInput": {"command": "npm test -- --ci"}}}})
    allow = await run(tmp_path, "PermissionRequest", {"command": f"echo '{body}'"},
                      fields=bash_fields("npm test"))
    assert allow.decision == "allow" and allow.updated_input == {"command": "npm test -- --ci"}
    ignored = await run(tmp_path, "PermissionRequest", {"command": "echo no >&2; exit 2"},
                        fields=bash_fields("npm test"))
    assert ignored.decision is None and "cannot use" in ignored.notices[0][0]
    body = json.dumps({"hookSpecificOutput": {"decision": {"behavior": "deny",
                                                           "message": "not on Fridays"}}})
    deny = await run(tmp_path, "PermissionRequest", {"command": f"echo '{body}'"},
                     fields=bash_fields("npm test"))
    assert (deny.decision, deny.reason) == ("deny", "not on Fridays")


async def test_stop_block_needs_a_reason(tmp_path: Path) -> None:
    block = await run(tmp_path, "Stop", {"command": "echo '{\"decision\": \"block\", "
                                         "\"reason\": \"run the tests first\"}'"}, match=None)
    assert block.blocked and block.reason == "run the tests first"
    bare = await run(tmp_path, "Stop", {"command": "echo '{\"decision\": \"block\"}'"},
                     match=None)
    assert not bare.blocked and "needs a" in bare.notices[0][0]


async def test_config_change_block(tmp_path: Path) -> None:
    outcome = await run(tmp_path, "ConfigChange", {"command": "echo '{\"decision\": \"block\"}'"},
                        fields={"source": "user_settings", "file_path": "/u/settings.json"},
                        match="user_settings", matcher="user_settings|local_settings")
    assert outcome.blocked
    skipped = await run(tmp_path, "ConfigChange",
                        {"command": "echo '{\"decision\": \"block\"}'"},
                        match="project_settings", matcher="user_settings")
    assert not skipped.blocked and not skipped.runs


# -- failClosed (Warden is stricter, REF §12.5) ----------------------------------------------


@pytest.mark.parametrize(("handler", "why"), [
    ({"command": "exit 1"}, "exited with status 1"),
    ({"command": "/nonexistent/gate.sh"}, "exited with status 127"),
    ({"command": "sleep 5", "timeout": 0.3}, "timed out after 0.3 s"),
    ({"command": "echo '{not json'"}, "not valid JSON"),
])
async def test_fail_closed_denies_on_crash_timeout_and_other_exits(
        tmp_path: Path, handler: dict, why: str) -> None:
    lax = await run(tmp_path, "PreToolUse", handler, fields=bash_fields("ls"))
    assert lax.decision is None, "without failClosed the call goes on (as Claude Code)"
    strict = await run(tmp_path, "PreToolUse", {**handler, "failClosed": True},
                       fields=bash_fields("ls"))
    assert strict.decision == "deny" and strict.blocked
    assert any(why in text and severity == "error" for text, severity in strict.notices)


async def test_fail_closed_when_the_hook_cannot_start(tmp_path: Path) -> None:
    runner = HookRunner(hookset("UserPromptSubmit", {"command": "true", "failClosed": True}))
    outcome = await runner.run("UserPromptSubmit", cwd=tmp_path / "missing", env={},
                               mode="default", fields={"prompt": "hi"})
    assert outcome.blocked and outcome.runs[0].error is not None


async def test_fail_closed_blocks_a_prompt_but_only_notes_a_stop_failure(tmp_path: Path) -> None:
    ups = await run(tmp_path, "UserPromptSubmit", {"command": "exit 3", "failClosed": True},
                    match=None)
    stop = await run(tmp_path, "Stop", {"command": "exit 3", "failClosed": True}, match=None)
    assert ups.blocked
    assert not stop.blocked and stop.notices


# -- the process ------------------------------------------------------------------------------


async def test_input_json_environment_and_working_directory(tmp_path: Path) -> None:
    dump = script(tmp_path / "hooks", "dump.py", """
import json, os, sys
data = json.load(sys.stdin)
try:
    open("/dev/tty").close()
    tty = "opened"
except OSError as exc:
    tty = type(exc).__name__
out = {"input": data, "cwd": os.getcwd(), "tty": tty, "sid": os.getsid(0), "pid": os.getpid(),
       "env": {k: v for k, v in os.environ.items()
               if k.startswith(("OTEL_", "CLAUDE_", "KEEP_"))}}
with open(os.path.join(os.environ["CLAUDE_PROJECT_DIR"], "dump.json"), "w") as f:
    json.dump(out, f)
""", python=True)
    env = {"PATH": os.environ["PATH"], "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x",
           "KEEP_ME": "1"}
    await run(tmp_path, "PreToolUse", {"command": str(dump)}, env=env,
              fields=bash_fields("npm test"))
    out = json.loads((tmp_path / "dump.json").read_text())
    assert out["input"] == {
        "session_id": "s-1", "transcript_path": "", "cwd": str(tmp_path),
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "npm test"}, "tool_use_id": "toolu_1"}
    assert out["cwd"] == str(tmp_path)
    assert out["env"] == {"CLAUDE_PROJECT_DIR": str(tmp_path), "KEEP_ME": "1"}
    assert out["tty"] != "opened"
    assert out["sid"] != os.getsid(0), "the hook runs in its own session"


async def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    command = f"sleep 60 & echo $! > {pidfile}; wait"
    started = time.monotonic()
    outcome = await run(tmp_path, "PreToolUse", {"command": command, "timeout": 0.5},
                        fields=bash_fields("ls"))
    assert time.monotonic() - started < 5
    assert outcome.runs[0].timed_out
    child = int(pidfile.read_text())
    await asyncio.sleep(0.2)
    assert _dead(child), "the background child of the timed-out hook was killed too"


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


async def test_handlers_run_in_parallel(tmp_path: Path) -> None:
    started = time.monotonic()
    outcome = await run(tmp_path, "PostToolUse", {"command": "sleep 0.6"},
                        {"command": "sleep 0.6; true"}, {"command": "sleep 0.6; :"},
                        fields=bash_fields("ls"))
    assert len(outcome.runs) == 3
    assert time.monotonic() - started < 1.5


async def test_output_is_capped(tmp_path: Path) -> None:
    outcome = await run(tmp_path, "PostToolUse",
                        {"command": py("import sys; sys.stdout.write('x' * 3_000_000)")},
                        fields=bash_fields("ls"))
    (r,) = outcome.runs
    assert r.exit_code == 0 and r.truncated and len(r.stdout) == OUTPUT_CAP


async def test_a_background_child_holding_the_pipe_does_not_hang_the_hook(tmp_path: Path) -> None:
    started = time.monotonic()
    outcome = await run(tmp_path, "PostToolUse", {"command": "sleep 30 & echo done"},
                        fields=bash_fields("ls"))
    assert time.monotonic() - started < 5
    assert outcome.runs[0].exit_code == 0 and outcome.runs[0].stdout.strip() == "done"


async def test_exec_form_args_are_not_parsed_by_a_shell(tmp_path: Path) -> None:
    script(tmp_path / "bin", "args.py", """
import json, os, sys
with open(os.path.join(os.environ["CLAUDE_PROJECT_DIR"], "args.json"), "w") as f:
    f.write(json.dumps(sys.argv[1:]))
""", python=True)
    await run(tmp_path, "PostToolUse",
              {"command": "${CLAUDE_PROJECT_DIR}/bin/args.py", "args": ["$HOME", "a b", "; rm x"]},
              fields=bash_fields("ls"))
    assert json.loads((tmp_path / "args.json").read_text()) == ["$HOME", "a b", "; rm x"]


async def test_path_gate_reads_stdin_json(tmp_path: Path) -> None:
    gate = script(tmp_path / "hooks", "paths.py", PATH_GATE, python=True)
    inside = await run(tmp_path, "PreToolUse", {"command": str(gate)}, match="Write",
                       fields={"tool_name": "Write", "tool_input": {
                           "file_path": str(tmp_path / "src" / "a.py"), "content": ""}})
    outside = await run(tmp_path, "PreToolUse", {"command": str(gate)}, match="Write",
                        fields={"tool_name": "Write", "tool_input": {
                            "file_path": "/etc/cron.d/x", "content": ""}})
    assert inside.decision is None
    assert outside.decision == "deny" and "/etc/cron.d/x is outside the project" in outside.reason


async def test_if_condition_filters_handlers(tmp_path: Path) -> None:
    runner = HookRunner(hookset("PreToolUse", {"command": "exit 2", "if": "Bash(git *)"},
                                matcher="Bash"))

    async def with_if(answer: bool | None):
        return await runner.run("PreToolUse", cwd=tmp_path, env={}, mode="default",
                                fields=bash_fields("x"), match="Bash",
                                if_match=lambda text: answer)

    assert (await with_if(True)).decision == "deny"
    assert (await with_if(False)).decision is None
    assert (await with_if(None)).decision == "deny", "cannot evaluate: run the check"


async def test_no_matching_handler_starts_nothing(tmp_path: Path) -> None:
    outcome = await run(tmp_path, "PreToolUse", {"command": "exit 2"}, matcher="Edit|Write",
                        fields=bash_fields("ls"))
    assert outcome.runs == () and outcome.decision is None
