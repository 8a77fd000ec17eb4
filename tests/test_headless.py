"""Headless runs (issue 11 item 5): ``warden -p`` end to end against the replay server.

A reviewer should see: the three output formats; a call that would ask is denied, listed in
``permission_denials`` with its tool, input and reason, and the model is told and continues; an
allowed call runs; ``--max-turns``; the exit statuses; the prompt on stdin; ``--demo -p``; and an
untrusted project's allow rule held back (with a warning) unless ``--trust-project`` or a stored
decision trusts it.  Reference: REF §4.6 and §2.7; Claude Code's headless docs.

Most runs call :func:`tui.cli.main` in this process (the SDK is imported once); the subprocess
tests run ``python -m tui`` as a user would.  Everything stays in ``tmp_path`` and on loopback.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import build_parser, main
from tui.demo.build_cassettes import NodeSpec, Tool, build_cassette
from tui.demo.server import ReplayServer
from tui.tool_results import DENIED_PREFIX

REPO = Path(__file__).resolve().parents[1]
PROMPT = "Please make the file made.txt"
MAKE = Tool("Bash", {"command": "sh make.sh", "description": "Make the file"})
ALLOW_MAKE = "Bash(sh make.sh)"
NODES = (
    NodeSpec("start", ("I'll make the file.", MAKE),
             {"ok": "made", "denied": "refused", "error": "failed"},
             expect={"user_text_contains": PROMPT}),
    NodeSpec("made", ("Made it.",)),
    NodeSpec("refused", ("I was not allowed to make it.",)),
    NodeSpec("failed", ("Making it failed.",)),
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    (path / "make.sh").write_text("touch made.txt\n")
    return path


@pytest.fixture
def server(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    cassette = build_cassette(NODES, prefix="hl", description="headless tests", prompt=PROMPT)
    with ReplayServer(cassette, cwd=project) as srv:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-not-a-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", srv.base_url)
        yield srv


def run(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str, str]:
    """``warden --cwd PROJECT --model M ARGS`` in this process: (status, stdout, stderr)."""
    status = main(["--cwd", str(project), "--model", "claude-test", *args])
    out, err = capsys.readouterr()
    return status, out, err


def last_tool_result(srv: ReplayServer) -> dict:
    blocks = srv.requests[-1]["messages"][-1]["content"]
    results = [b for b in blocks if b.get("type") == "tool_result"]
    assert len(results) == 1
    return results[0]


# -- output formats -----------------------------------------------------------------------------


def test_text_prints_the_final_answer_and_the_call_that_would_ask_is_denied(
        capsys, project, server) -> None:
    status, out, err = run(capsys, project, "-p", PROMPT)
    assert (status, out) == (0, "I was not allowed to make it.\n")
    assert not (project / "made.txt").exists()
    # The model was told why and went on (a second request answered from the denied branch).
    result = last_tool_result(server)
    assert result["is_error"] is True
    assert result["content"].startswith(DENIED_PREFIX)
    assert "non-interactive" in result["content"]
    assert len(server.requests) == 2


def test_json_lists_the_denial_with_tool_input_and_reason(capsys, project, server) -> None:
    status, out, _ = run(capsys, project, "-p", PROMPT, "--output-format", "json")
    assert status == 0
    result = json.loads(out)
    assert result["type"] == "result" and result["subtype"] == "success"
    assert result["is_error"] is False
    assert result["result"] == "I was not allowed to make it."
    assert result["num_turns"] == 2
    assert isinstance(result["duration_ms"], int) and result["session_id"]
    assert result["usage"]["input_tokens"] > 0 and result["usage"]["output_tokens"] > 0
    [denial] = result["permission_denials"]
    assert denial["tool_name"] == "Bash"
    assert denial["tool_use_id"] == "toolu_hl_start_1"
    assert denial["tool_input"] == MAKE.input
    assert denial["decision"] == "ask" and denial["reason"]


def test_stream_json_gives_init_messages_tool_results_then_the_result(
        capsys, project, server) -> None:
    status, out, _ = run(capsys, project, "-p", PROMPT, "--output-format", "stream-json",
                         "--allowedTools", ALLOW_MAKE)
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["type"] for line in lines] == ["system", "assistant", "user", "assistant",
                                               "result"]
    init = lines[0]
    assert init["subtype"] == "init" and init["cwd"] == str(project.resolve())
    assert "Bash" in init["tools"] and init["permissionMode"] == "default"
    tool_use = [b for b in lines[1]["message"]["content"] if b["type"] == "tool_use"]
    assert tool_use[0]["input"] == MAKE.input
    [block] = lines[2]["message"]["content"]
    assert block["type"] == "tool_result" and block["tool_use_id"] == "toolu_hl_start_1"
    assert not block.get("is_error")
    assert lines[-1]["result"] == "Made it." and lines[-1]["permission_denials"] == []
    assert len({line["session_id"] for line in lines}) == 1


# -- permissions --------------------------------------------------------------------------------


def test_an_allowed_call_runs(capsys, project, server) -> None:
    status, out, _ = run(capsys, project, "-p", PROMPT, "--allowedTools", ALLOW_MAKE)
    assert (status, out) == (0, "Made it.\n")
    assert (project / "made.txt").exists()


def test_dont_ask_mode_denies_without_asking(capsys, project, server) -> None:
    status, out, _ = run(capsys, project, "-p", PROMPT, "--output-format", "json",
                         "--permission-mode", "dontAsk")
    result = json.loads(out)
    assert status == 0 and result["result"] == "I was not allowed to make it."
    [denial] = result["permission_denials"]
    assert denial["decision"] == "deny" and "dontAsk" in denial["source"]


def test_a_deny_rule_is_listed_as_a_deny(capsys, project, server) -> None:
    status, out, _ = run(capsys, project, "-p", PROMPT, "--output-format", "json",
                         "--disallowedTools", "Bash(sh *)")
    result = json.loads(out)
    assert status == 0 and result["result"] == "I was not allowed to make it."
    [denial] = result["permission_denials"]
    assert denial["decision"] == "deny" and "--disallowedTools" in denial["source"]
    assert "Bash(sh *)" in denial["reason"]


def test_an_untrusted_projects_allow_rule_is_held_back_with_a_warning(
        capsys, project, server) -> None:
    claude = project / ".claude"
    claude.mkdir()
    (claude / "settings.json").write_text(
        json.dumps({"permissions": {"allow": [ALLOW_MAKE]}}))

    status, out, err = run(capsys, project, "-p", PROMPT)
    assert (status, out) == (0, "I was not allowed to make it.\n")
    assert not (project / "made.txt").exists()
    [warning] = [line for line in err.splitlines() if "not trusted" in line]
    assert "1 allow rule" in warning and "--trust-project" in warning

    status, out, err = run(capsys, project, "-p", PROMPT, "--trust-project")
    assert (status, out) == (0, "Made it.\n")
    assert "not trusted" not in err


def test_a_stored_trust_decision_applies_the_projects_allow_rule(
        capsys, project, server) -> None:
    from tui.trust import default_store

    claude = project / ".claude"
    claude.mkdir()
    (claude / "settings.json").write_text(
        json.dumps({"permissions": {"allow": [ALLOW_MAKE]}}))
    default_store().set(project.resolve(), True, "test")
    status, out, err = run(capsys, project, "-p", PROMPT)
    assert (status, out) == (0, "Made it.\n")
    assert "not trusted" not in err


# -- limits and errors --------------------------------------------------------------------------


def test_max_turns_stops_before_another_request(capsys, project, server) -> None:
    status, out, err = run(capsys, project, "-p", PROMPT, "--output-format", "json",
                           "--allowedTools", ALLOW_MAKE, "--max-turns", "1")
    assert status == 1
    result = json.loads(out)
    assert result["subtype"] == "error_max_turns" and result["is_error"] is True
    assert result["num_turns"] == 1 and len(server.requests) == 1
    assert (project / "made.txt").exists()  # the one allowed call of that turn ran
    assert "--max-turns 1" in err

    status, out, _ = run(capsys, project, "-p", PROMPT, "--max-turns", "1")
    assert (status, out) == (1, "")


def test_an_api_error_exits_1_with_the_message(capsys, project, monkeypatch) -> None:
    nodes = (NodeSpec("start", ("I'll make the file.", MAKE), {"ok": "done"}),
             NodeSpec("done", ("Made it.",)))
    cassette = build_cassette(nodes, prefix="err", description="no denied branch", prompt="")
    with ReplayServer(cassette, cwd=project) as srv:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-not-a-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", srv.base_url)
        status, out, err = run(capsys, project, "-p", PROMPT, "--output-format", "json")
    assert status == 1
    result = json.loads(out)
    assert result["subtype"] == "error_during_execution" and result["is_error"] is True
    assert "400" in result["errors"][0] and "400" in err


def test_no_api_key_exits_1(capsys, project, monkeypatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    status, out, err = run(capsys, project, "-p", PROMPT)
    assert (status, out) == (1, "")
    assert "no API key" in err and "ANTHROPIC_API_KEY" in err


@pytest.mark.parametrize(("args", "message"), [
    (["-p"], "needs a prompt"),
    (["-p", "   "], "needs a prompt"),
    (["-p", PROMPT, "--max-turns", "0"], "--max-turns"),
    ([PROMPT, "--output-format", "json"], "need -p"),
    (["-p", PROMPT, "--permission-mode", "yolo"], "yolo"),
])
def test_usage_errors_exit_2(capsys, project, monkeypatch, args, message) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status, out, err = run(capsys, project, *args)
    assert (status, out) == (2, "")
    assert message in err


def test_a_bad_output_format_is_refused_by_the_parser(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["-p", "x", "--output-format", "xml"])
    assert exc.value.code == 2


def test_the_prompt_can_come_on_stdin(capsys, project, server, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PROMPT + "\n"))
    status, out, _ = run(capsys, project, "--print")
    assert (status, out) == (0, "I was not allowed to make it.\n")
    assert PROMPT in server.requests[0]["messages"][0]["content"][-1]["text"]


# -- the command line ---------------------------------------------------------------------------


def test_a_positional_prompt_without_p_starts_the_tui_with_it(project, monkeypatch) -> None:
    import tui.app

    started = []

    class FakeApp:
        return_code = 0

        def __init__(self, config, theme=None) -> None:
            started.append(config)

        def run(self) -> None:
            pass

    monkeypatch.setattr(tui.app, "WardenApp", FakeApp)
    assert main(["--cwd", str(project), "--model", "m", "fix the bug"]) == 0
    assert started[0].initial_prompt == "fix the bug"
    assert build_parser().parse_args(["doctor"]).command == "doctor"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def test_subprocess_reads_the_prompt_on_stdin_and_prints_json(project, server) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "--cwd", str(project), "--model", "claude-test", "-p",
         "--output-format", "json", "--allowedTools", ALLOW_MAKE],
        input=PROMPT, capture_output=True, text=True, timeout=60, cwd=project,
        env=_env(ANTHROPIC_API_KEY="test-not-a-key", ANTHROPIC_BASE_URL=server.base_url))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["result"] == "Made it." and result["permission_denials"] == []
    assert (project / "made.txt").exists()
    assert "test-not-a-key" not in proc.stdout + proc.stderr


def test_demo_p_replays_the_recorded_conversation(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    base = [sys.executable, "-m", "tui", "--demo", "--demo-tps", "0", "--demo-dir", str(demo)]
    proc = subprocess.run([*base, "-p", "--output-format", "json"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, env=_env())
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["subtype"] == "success" and result["num_turns"] == 4
    denied = [(d["tool_name"], d["decision"]) for d in result["permission_denials"]]
    assert denied == [("Bash", "ask"), ("Edit", "ask"), ("Edit", "ask")]
    assert "curl" in result["permission_denials"][0]["tool_input"]["command"]
    assert "haven't made the changes" in result["result"]
    assert str(demo) in proc.stderr

    other = subprocess.run([*base, "-p", "write a poem"], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60, env=_env())
    assert other.returncode == 2 and other.stdout == ""
    assert "only answers its recorded prompt" in other.stderr


def _sandbox_can_run() -> bool:
    import shutil

    from tui.sandbox.doctor import diagnose

    try:
        return shutil.which("curl") is not None and diagnose(None).ok
    except Exception:
        return False


@pytest.mark.skipif(not _sandbox_can_run(), reason="bubblewrap or curl cannot run here")
def test_a_sandboxed_commands_host_request_is_denied_and_listed(
        capsys, project, monkeypatch) -> None:
    """The sandbox's network prompt (REF §6.3: an unlisted host asks) is denied like any other:
    the proxy refuses the connection and the run lists the host as a ``Network`` denial."""
    fetch = Tool("Bash", {"command": "curl -sS http://unlisted.example.test/"})
    nodes = (NodeSpec("start", (fetch,), {"any": "done"}), NodeSpec("done", ("Fetched.",)))
    cassette = build_cassette(nodes, prefix="net", description="network", prompt=PROMPT)
    with ReplayServer(cassette, cwd=project) as srv:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-not-a-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", srv.base_url)
        status, out, _ = run(capsys, project, "-p", PROMPT, "--output-format", "json",
                             "--settings", '{"sandbox": {"enabled": true}}',
                             "--allowedTools", "Bash(curl *)")
        result_block = last_tool_result(srv)
    assert status == 0
    result = json.loads(out)
    [denial] = result["permission_denials"]
    assert denial["tool_name"] == "Network" and denial["decision"] == "ask"
    assert denial["tool_input"] == {"host": "unlisted.example.test", "port": 80}
    assert "allowedDomains" in denial["reason"]
    assert "unlisted.example.test" in result_block["content"]
    assert "blocked" in result_block["content"]


async def test_the_sink_denies_every_approval_with_a_reason_for_the_model() -> None:
    """Unit: an ApprovalNeeded is answered at once with deny_with_reason (the model continues);
    the denial names the tool, its input and why it would have asked."""
    import asyncio

    from tui.agent import events as ev
    from tui.approvals import ApprovalRequest
    from tui.headless import HeadlessRun
    from tui.permissions.decision import Decision
    from tui.tools.base import ToolCall

    call = ToolCall("toolu_1", "Bash", {"command": "make"}, None, "shell", "make",  # type: ignore[arg-type]
                    command="make")
    request = ApprovalRequest(call, Decision("ask", "No rule allows `make`.", source="mode"),
                              asyncio.get_running_loop().create_future())
    out, err = io.StringIO(), io.StringIO()
    headless = HeadlessRun("stream-json", out, err, "sid")
    headless.sink(ev.ApprovalNeeded(request))
    answer = request.future.result()
    assert answer.kind == "deny_with_reason" and "No rule allows `make`." in answer.reason
    assert headless.denials == [{"tool_name": "Bash", "tool_use_id": "toolu_1",
                                 "tool_input": {"command": "make"},
                                 "reason": "No rule allows `make`.", "decision": "ask",
                                 "source": "mode"}]
    headless.sink(ev.Notice("a settings problem", "error"))
    assert err.getvalue() == "warden: warning: a settings problem\n"
