"""Bash: exit codes, merged output, timeouts and cancellation that kill the whole group, caps."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from tests.waiting import wait_for
from tui.tools import Bash, ToolContext, ToolInputError, ToolResult
from tui.tools import bash as bash_module


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(cwd=tmp_path)


async def run(ctx: ToolContext, command: str, **extra: object) -> ToolResult:
    tool = Bash()
    call = await tool.prepare("toolu_b", {"command": command, **extra}, ctx)
    return await tool.run(call, ctx)


def live_members(pgid: int) -> list[int]:
    """Pids of non-zombie processes in process group ``pgid`` (from /proc)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue
        fields = raw.rsplit(b")", 1)[-1].split()
        if fields[0] != b"Z" and int(fields[2]) == pgid:
            pids.append(int(name))
    return pids


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


async def test_success_output_and_call_shape(ctx: ToolContext) -> None:
    tool = Bash()
    raw = {"command": "echo hello", "description": "Print a greeting"}
    call = await tool.prepare("toolu_b", raw, ctx)
    assert call.permission_class == "shell"
    assert call.summary == "echo hello" and call.command == "echo hello"
    assert call.description == "Print a greeting"
    result = await tool.run(call, ctx)
    assert result == ToolResult("hello")


async def test_nonzero_exit_is_an_error_with_the_code(ctx: ToolContext) -> None:
    result = await run(ctx, "echo partial; exit 3")
    assert result.is_error
    assert result.content == "partial\nExit code 3"
    silent = await run(ctx, "false")
    assert silent.is_error and silent.content == "Exit code 1"


async def test_stdout_and_stderr_are_merged_in_order(ctx: ToolContext) -> None:
    result = await run(ctx, "echo out; echo err >&2; echo out2")
    assert result.content == "out\nerr\nout2"


async def test_no_output_and_stdin_is_dev_null(ctx: ToolContext) -> None:
    assert await run(ctx, "true") == ToolResult("(no output)")
    assert await run(ctx, "cat") == ToolResult("(no output)")


async def test_cwd_and_env(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WARDEN_TEST": "from-ctx"}
    ctx = ToolContext(cwd=tmp_path, env=env)
    result = await run(ctx, 'pwd; echo "$WARDEN_TEST"; echo "${HOME:-unset}"')
    assert result.content.splitlines() == [str(tmp_path), "from-ctx", "unset"]


async def test_invalid_utf8_output_is_replaced(ctx: ToolContext) -> None:
    result = await run(ctx, r"printf 'caf\351\n'")
    assert result.content == "caf\ufffd"


async def test_output_cap_keeps_head_and_tail(tmp_path: Path) -> None:
    ctx = ToolContext(cwd=tmp_path, output_limit=1_000)
    result = await run(ctx, "seq 1 20000")
    text = result.content
    assert len(text) <= 1_000
    assert text.startswith("1\n2\n3\n")
    assert text.endswith("19999\n20000")
    full = "\n".join(str(i) for i in range(1, 20001)) + "\n"
    head, marker_and_tail = text.split("... [", 1)
    cut_text, tail = marker_and_tail.split(" characters cut] ...\n", 1)
    assert head.endswith("\n") and tail.split("\n")[0].isdigit(), "cut at line boundaries"
    assert full.startswith(head) and full.endswith(tail + "\n")
    assert len(head) + int(cut_text) + len(tail) + 1 == len(full)


def test_output_collector_bounds_memory() -> None:
    sink = bash_module.OutputCollector(500)
    for _ in range(1_000):
        sink.feed(b"x" * 1_000)
    sink.feed("é".encode()[:1])
    sink.feed("é".encode()[1:] + b"END")
    assert len(sink._tail) <= 2 * 500
    text = sink.text()
    assert text.endswith("éEND")
    assert "characters cut" in text and len(text) <= 500


@needs_proc
async def test_timeout_kills_the_whole_process_group(ctx: ToolContext) -> None:
    started = time.monotonic()
    result = await run(ctx, "echo $$; sleep 30 & sleep 30", timeout=500)
    elapsed = time.monotonic() - started
    assert result.is_error
    assert result.content.startswith("Command timed out after 0.5 s")
    pgid = int(result.content.splitlines()[1])
    assert live_members(pgid) == []
    assert elapsed < 5


@needs_proc
async def test_timeout_escalates_to_sigkill(
    ctx: ToolContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bash_module, "KILL_GRACE_S", 0.3)
    result = await run(ctx, "trap '' TERM; echo $$; sleep 30", timeout=300)
    assert result.is_error and "timed out" in result.content
    pgid = int(result.content.splitlines()[1])
    assert live_members(pgid) == []


@needs_proc
async def test_cancellation_kills_the_group_and_reraises(tmp_path: Path, ctx: ToolContext) -> None:
    marker = tmp_path / "pgid"
    task = asyncio.create_task(run(ctx, f"echo $$ > {marker}; sleep 30 & sleep 30"))
    await wait_for(lambda: marker.exists() and marker.read_text().strip(),
                   what="the command to write its process group id")
    pgid = int(marker.read_text())
    assert live_members(pgid), "the command should be running"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert live_members(pgid) == []


async def test_background_job_holding_the_pipe_does_not_block(ctx: ToolContext) -> None:
    started = time.monotonic()
    result = await run(ctx, "echo started; sleep 20 & echo $!")
    try:
        assert time.monotonic() - started < 3
        lines = result.content.splitlines()
        assert lines[0] == "started" and not result.is_error
    finally:
        os.kill(int(result.content.splitlines()[-1]), signal.SIGKILL)


async def test_timeout_bounds(ctx: ToolContext) -> None:
    with pytest.raises(ToolInputError, match="timeout"):
        await Bash().prepare("t", {"command": "true", "timeout": 600_001}, ctx)
    with pytest.raises(ToolInputError, match="command"):
        await Bash().prepare("t", {"description": "no command"}, ctx)


async def test_missing_cwd_is_an_error_result(tmp_path: Path) -> None:
    ctx = ToolContext(cwd=tmp_path / "gone")
    result = await run(ctx, "true")
    assert result.is_error and "Could not start" in result.content
