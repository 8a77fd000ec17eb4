"""tui.process: process groups started, fed, drained, capped, timed out and killed whole."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.waiting import wait_for_sync
from tui.process import (
    HeadBytes,
    OutputCollector,
    group_alive,
    kill_group,
    run_capped,
    run_group,
    signal_group,
)

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return raw.rsplit(b")", 1)[-1].split()[0] != b"Z"


async def wait_for_file(path: Path, timeout_s: float = 5.0) -> str:
    """The stripped text of ``path`` once it is non-empty; fails after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        await asyncio.sleep(0.02)
    raise AssertionError(f"{path} was not written within {timeout_s} s")


def sh(script: str) -> list[str]:
    return ["/bin/sh", "-c", script]


async def test_stdout_stderr_exit_code_cwd_env(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WARDEN_T": "v"}
    run = await run_capped(sh('pwd; echo "$WARDEN_T"; echo err >&2; exit 3'), cap=1000,
                           cwd=tmp_path, env=env)
    assert run.returncode == 3
    assert run.stdout.decode().splitlines() == [str(tmp_path), "v"]
    assert run.stderr == b"err\n"
    assert not run.truncated and not run.timed_out


async def test_merged_streams_keep_their_order() -> None:
    run = await run_capped(sh("echo a; echo b >&2; echo c"), cap=100, merge_stderr=True)
    assert run.stdout == b"a\nb\nc\n" and run.stderr == b""


async def test_stdin_bytes_reach_the_child_then_eof() -> None:
    run = await run_capped(["cat"], cap=100, stdin=b"payload\n")
    assert run.stdout == b"payload\n" and run.returncode == 0


async def test_no_stdin_is_dev_null() -> None:
    run = await run_capped(["cat"], cap=100, timeout_s=5)
    assert run.stdout == b"" and not run.timed_out


async def test_a_child_that_ignores_a_large_stdin_does_not_hang() -> None:
    started = time.monotonic()
    run = await run_capped(sh("echo done"), cap=100, stdin=b"x" * (4 << 20), timeout_s=10)
    assert run.stdout == b"done\n" and not run.timed_out
    assert time.monotonic() - started < 5


async def test_cap_keeps_the_head_and_says_it_cut() -> None:
    run = await run_capped(sh("seq 1 100000; seq 1 100000 >&2"), cap=10)
    assert run.stdout == b"1\n2\n3\n4\n5\n" and run.stderr == b"1\n2\n3\n4\n5\n"
    assert run.truncated and run.returncode == 0


async def test_killed_by_a_signal_is_a_negative_code() -> None:
    run = await run_capped(sh("kill -KILL $$"), cap=10)
    assert run.returncode == -signal.SIGKILL


async def test_spawn_failures_raise_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        await run_capped([str(tmp_path / "no-such-program")], cap=10)
    with pytest.raises(OSError):
        await run_capped(["true"], cap=10, cwd=tmp_path / "gone")


@needs_proc
async def test_timeout_kills_the_grandchild_too(tmp_path: Path) -> None:
    marker = tmp_path / "grandchild"
    started = time.monotonic()
    run = await run_capped(sh(f"sleep 30 & echo $! > {marker}; echo $$; wait"), cap=100,
                           timeout_s=0.5, grace_s=1.0)
    assert run.timed_out
    assert time.monotonic() - started < 5
    pgid = int(run.stdout.split()[0])
    grandchild = int(marker.read_text())
    assert not alive(grandchild)
    assert not group_alive(pgid)


@needs_proc
async def test_timeout_escalates_to_sigkill(tmp_path: Path) -> None:
    run = await run_capped(sh("trap '' TERM; echo $$; sleep 30"), cap=100, timeout_s=1.0,
                           grace_s=0.3)
    assert run.timed_out and run.returncode == -signal.SIGKILL, run
    # SIGKILL to the group is delivered asynchronously: the sleep goes within moments.
    pgid = int(run.stdout.split()[0])
    wait_for_sync(lambda: not group_alive(pgid), what=f"process group {pgid} to die",
                  timeout=10)


@needs_proc
async def test_cancellation_kills_the_group_and_reraises(tmp_path: Path) -> None:
    marker = tmp_path / "pids"
    task = asyncio.create_task(run_capped(sh(f"sleep 30 & echo $$ $! > {marker}; wait"),
                                          cap=10, grace_s=0.5))
    pgid, grandchild = map(int, (await wait_for_file(marker)).split())
    assert alive(grandchild)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not alive(grandchild) and not group_alive(pgid)


async def test_a_background_job_holding_the_pipe_does_not_block() -> None:
    started = time.monotonic()
    done = await run_group(sh("echo started; sleep 20 & echo $!"), stdout=(sink := HeadBytes(99)),
                           drain_s=0.2)
    background = int(sink.data.split()[-1])
    try:
        assert time.monotonic() - started < 3
        assert done.returncode == 0 and not done.drained and not done.timed_out
        assert sink.data.startswith(b"started\n")
    finally:
        os.kill(background, signal.SIGKILL)


@needs_proc
async def test_kill_lingering_stops_children_holding_the_pipes() -> None:
    run = await run_capped(sh("sleep 20 & echo $!"), cap=99, drain_s=0.2, kill_lingering=True)
    background = int(run.stdout)
    for _ in range(100):
        if not alive(background):
            break
        await asyncio.sleep(0.02)
    assert not alive(background)
    assert run.returncode == 0 and not run.timed_out


async def test_handed_over_fds_reach_the_child_and_are_closed_here() -> None:
    read_fd, write_fd = os.pipe()
    try:
        script = f"import os; os.write({write_fd}, b'via-fd\\n')"
        done = await run_group([sys.executable, "-c", script], stdout=HeadBytes(10),
                               hand_over_fds=(write_fd,))
        assert done.returncode == 0
        with pytest.raises(OSError):
            os.fstat(write_fd)
        assert os.read(read_fd, 100) == b"via-fd\n"
        assert os.read(read_fd, 100) == b"", "the last write end is closed"
    finally:
        os.close(read_fd)


async def test_custom_sink_gets_merged_text_head_and_tail() -> None:
    sink = OutputCollector(500)
    done = await run_group(sh("seq 1 5000"), stdout=sink)
    assert done.returncode == 0 and done.drained and done.read_error is None
    assert sink.truncated
    text = sink.text()
    assert text.startswith("1\n2\n") and text.endswith("4999\n5000\n")
    assert "characters cut" in text


async def test_kill_group_on_a_finished_process_is_harmless() -> None:
    proc = await asyncio.create_subprocess_exec("true", start_new_session=True)
    await proc.wait()
    await kill_group(proc, grace_s=0.1)
    assert proc.returncode == 0


def test_head_bytes_counts_what_it_drops() -> None:
    sink = HeadBytes(4)
    sink.feed(b"ab")
    assert not sink.truncated
    sink.feed(b"cdef")
    assert sink.data == b"abcd" and sink.total == 6 and sink.truncated


def test_signal_group_reports_a_missing_group() -> None:
    # A pid far above pid_max is never a process group.
    assert signal_group(2**22 + 12345, 0) is False


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc")
def test_group_alive_sees_this_process_group() -> None:
    assert group_alive(os.getpgrp())
