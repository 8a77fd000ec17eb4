"""The ``Bash`` tool: run a shell command, output merged and capped (permission class "shell").

Each command runs as ``bash -c COMMAND`` (``sh`` when there is no bash) in its own session and
process group, stdin from ``/dev/null``, stdout and stderr on one pipe.  A timeout or a
cancellation (the user pressed Esc) kills the whole group: SIGTERM, then SIGKILL after 2 s.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import shutil
import signal
import subprocess
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tui.tools.base import Tool, ToolCall, ToolContext, ToolResult
from tui.tools.files import ToolInput

DEFAULT_TIMEOUT_MS = 120_000
"""Timeout when the model gives none (milliseconds)."""

MAX_TIMEOUT_MS = 600_000
"""Largest timeout the model may ask for (milliseconds)."""

KILL_GRACE_S = 2.0
"""Seconds between SIGTERM and SIGKILL when a command's process group is stopped."""

DRAIN_AFTER_EXIT_S = 0.25
"""Seconds to keep reading after the shell exits, for output still in flight.

Background jobs that keep the pipe open are not waited for beyond this."""

_READ_CHUNK = 64 * 1024

_KILLERS: set[asyncio.Task[None]] = set()
"""Group-kill tasks still running after their command was cancelled (kept referenced)."""


class BashInput(ToolInput):
    """Input of ``Bash`` (Claude Code's field names)."""

    command: str = Field(description="The shell command to run (bash syntax).")
    description: str | None = Field(
        default=None,
        description=(
            "A clear, concise description of what the command does, in 5-10 words, active "
            'voice, e.g. "List files in current directory" or "Install package dependencies". '
            "It is shown to the user when they approve the command."
        ),
    )
    timeout: int | None = Field(
        default=None,
        gt=0,
        le=MAX_TIMEOUT_MS,
        description=(
            f"Optional timeout in milliseconds (max {MAX_TIMEOUT_MS}); default "
            f"{DEFAULT_TIMEOUT_MS} ({DEFAULT_TIMEOUT_MS // 60_000} minutes)."
        ),
    )
    dangerouslyDisableSandbox: bool = Field(  # noqa: N815 (Claude Code's field name)
        default=False,
        description=(
            "Set to true only to retry a command that failed because the sandbox blocked a "
            "write or a host. The retry runs outside the sandbox and always asks the user."
        ),
    )


class OutputCollector:
    """Keeps the head and the tail of a stream of output within ``limit`` characters.

    Bytes are decoded incrementally as UTF-8 (invalid bytes become U+FFFD), so memory stays
    bounded by about ``2 * limit`` characters however much the command prints.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 200)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._head: list[str] = []
        self._head_len = 0
        self._tail = ""
        self.total = 0
        """Characters received so far."""

    def feed(self, data: bytes, *, final: bool = False) -> None:
        """Add a chunk of raw output (``final`` flushes a trailing partial character)."""
        text = self._decoder.decode(data, final)
        if not text:
            return
        self.total += len(text)
        room = self.limit - self._head_len
        if room > 0:
            self._head.append(text[:room])
            self._head_len += min(room, len(text))
            text = text[room:]
        if text:
            self._tail += text
            if len(self._tail) > 2 * self.limit:
                self._tail = self._tail[-self.limit :]

    def text(self) -> str:
        """The output: whole when it fits, else head + ``... [N characters cut] ...`` + tail."""
        self.feed(b"", final=True)
        head = "".join(self._head)
        if self.total <= self.limit:
            return head + self._tail
        keep = self.limit - 60
        head_keep = keep // 2
        head = head[:head_keep]
        tail = self._tail[-(keep - head_keep) :]
        # Cut at line boundaries when a line ends in the outer half of each part.
        newline = head.rfind("\n")
        if newline >= len(head) // 2:
            head = head[: newline + 1]
        newline = tail.find("\n")
        if 0 <= newline < len(tail) // 2:
            tail = tail[newline + 1 :]
        cut = self.total - len(head) - len(tail)
        separator = "" if head.endswith("\n") else "\n"
        return f"{head}{separator}... [{cut} characters cut] ...\n{tail}"


def _shell() -> str:
    """Path of bash, or of sh when bash is not installed."""
    return shutil.which("bash") or shutil.which("sh") or "/bin/sh"


def _signal_group(pgid: int, sig: signal.Signals) -> bool:
    """Send ``sig`` to process group ``pgid``; False when the group no longer exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # The id was reused by a group we do not own: nothing of ours is left.
    return True


def _group_has_live_members(pgid: int) -> bool:
    """True while some non-zombie process is in group ``pgid`` (Linux ``/proc``; else killpg)."""
    proc_dir = "/proc"
    if not os.path.isdir(proc_dir):
        return _signal_group(pgid, signal.Signals(0))
    for name in os.listdir(proc_dir):
        if not name.isdigit():
            continue
        try:
            with open(f"{proc_dir}/{name}/stat", "rb") as handle:
                stat_line = handle.read()
        except OSError:
            continue  # The process exited while we looked.
        fields = stat_line.rsplit(b")", 1)[-1].split()
        if len(fields) > 2 and fields[0] != b"Z" and int(fields[2]) == pgid:
            return True
    return False


async def kill_process_group(proc: asyncio.subprocess.Process, grace: float | None = None) -> None:
    """Stop the command's whole process group: SIGTERM, then SIGKILL after ``grace`` seconds.

    ``grace`` defaults to :data:`KILL_GRACE_S`.  Returns once the shell has been reaped and no
    live process of the group is left (or right after SIGKILL).  Safe to call when the processes
    are already gone.
    """
    grace = KILL_GRACE_S if grace is None else grace
    pgid = proc.pid
    loop = asyncio.get_running_loop()
    _signal_group(pgid, signal.SIGTERM)
    deadline = loop.time() + grace
    while loop.time() < deadline:
        if proc.returncode is not None and not _group_has_live_members(pgid):
            return
        try:
            await asyncio.wait_for(proc.wait(), 0.05)
        except TimeoutError:
            pass  # Still running: look again until the grace period ends.
    _signal_group(pgid, signal.SIGKILL)
    await proc.wait()


async def _pump(reader: asyncio.StreamReader, sink: OutputCollector) -> None:
    """Move everything from ``reader`` into ``sink`` until end of file."""
    while chunk := await reader.read(_READ_CHUNK):
        sink.feed(chunk)


def _format_seconds(ms: int) -> str:
    return f"{ms / 1000:g}"


class Bash(Tool):
    """Run a shell command in ``ctx.cwd``; output is stdout and stderr merged, capped."""

    name = "Bash"
    description = (
        "Runs a bash command and returns its output (stdout and stderr merged) and exit code.\n"
        "- Each call is a fresh shell in the working directory: `cd` and variables do not carry "
        "over to the next call; use absolute paths.\n"
        "- Give description: 5-10 words saying what the command does; the user sees it when "
        "asked to approve.\n"
        f"- timeout is in milliseconds (default {DEFAULT_TIMEOUT_MS}, max {MAX_TIMEOUT_MS}); "
        "on timeout the command and all its child processes are killed.\n"
        "- stdin is /dev/null: interactive commands cannot prompt; pass flags such as -y.\n"
        "- Long output is cut in the middle, keeping its beginning and end.\n"
        "- Prefer the Read, Glob, Grep, Edit and Write tools over cat, find, grep, sed and echo."
    )
    Input = BashInput
    permission_class = "shell"

    async def prepare_call(
        self, tool_use_id: str, raw: dict[str, Any], params: Any, ctx: ToolContext
    ) -> ToolCall:
        """summary = the command; description = the model's own description."""
        return ToolCall(
            tool_use_id=tool_use_id,
            name=self.name,
            input=raw,
            params=params,
            permission_class=self.permission_class,
            summary=params.command,
            description=params.description or None,
            command=params.command,
        )

    async def run(self, call: ToolCall, ctx: ToolContext) -> ToolResult:
        """Run the command; non-zero exit, timeout or spawn failure give ``is_error`` results.

        Raises:
            asyncio.CancelledError: re-raised after the process group has been killed.
        """
        params: BashInput = call.params  # type: ignore[assignment]
        command = call.command if call.command is not None else params.command
        timeout_ms = params.timeout or DEFAULT_TIMEOUT_MS
        env = command_environment(ctx.env)
        profile = call.extra.get("sandbox_profile") or (
            "sandbox" if call.extra.get("sandboxed") else None)
        if profile is not None:
            return await _run_sandboxed(command, timeout_ms, env, ctx, profile, call)
        loop = asyncio.get_running_loop()
        read_fd, write_fd = os.pipe()
        pipe_file = os.fdopen(read_fd, "rb", buffering=0)
        reader = asyncio.StreamReader(limit=_READ_CHUNK, loop=loop)
        try:
            transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader, loop=loop), pipe_file
            )
        except BaseException:
            pipe_file.close()
            os.close(write_fd)
            raise
        try:
            proc = await asyncio.create_subprocess_exec(
                _shell(),
                "-c",
                command,
                stdin=subprocess.DEVNULL,
                stdout=write_fd,
                stderr=write_fd,
                cwd=ctx.cwd,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            transport.close()
            return ToolResult(f"Could not start the command: {exc}", is_error=True)
        except BaseException:
            transport.close()
            raise
        finally:
            os.close(write_fd)
        sink = OutputCollector(ctx.output_limit)
        pump = asyncio.create_task(_pump(reader, sink))
        timed_out = False
        try:
            try:
                await asyncio.wait_for(proc.wait(), timeout_ms / 1000)
            except TimeoutError:
                timed_out = True
                await kill_process_group(proc)
            await asyncio.wait({pump}, timeout=DRAIN_AFTER_EXIT_S)
        except asyncio.CancelledError:
            # Kill in a task of its own so a second cancellation cannot stop it half way.
            killer = asyncio.create_task(kill_process_group(proc))
            _KILLERS.add(killer)
            killer.add_done_callback(_KILLERS.discard)
            await asyncio.shield(killer)
            raise
        finally:
            if not pump.done():
                pump.cancel()
            transport.close()
        if not pump.cancelled() and pump.done() and pump.exception() is not None:
            sink.feed(f"\n[output could not be read: {pump.exception()}]".encode())
        output = sink.text().rstrip("\n")
        if timed_out:
            text = f"Command timed out after {_format_seconds(timeout_ms)} s"
            return ToolResult(f"{text}\n{output}" if output else text, is_error=True)
        code = proc.returncode if proc.returncode is not None else -1
        if code != 0:
            detail = _exit_detail(code)
            return ToolResult(f"{output}\n{detail}" if output else detail, is_error=True)
        return ToolResult(output or "(no output)")


COMMAND_ENV: dict[str, str] = {
    "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "PAGER": "cat", "MANPAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
}
"""Set for every Bash command: git never refreshes the index opportunistically (a read-only
``git status`` writes nothing), no pager runs (a repository's ``core.pager`` is overridden by
``GIT_PAGER``), and git never waits for a password."""


def command_environment(base: Mapping[str, str] | None) -> dict[str, str]:
    """The environment a Bash command runs with: ``base`` (default: this process's) plus
    :data:`COMMAND_ENV`."""
    env = dict(base if base is not None else os.environ)
    env.update(COMMAND_ENV)
    return env


READ_ONLY_HINT = (
    "It ran in Warden's read-only sandbox because Warden judged it read-only: nothing can be "
    "written and no host reached. If it must write or reach the network, run it again with "
    "dangerouslyDisableSandbox: true; the user will be asked (unless "
    "sandbox.allowUnsandboxedCommands is false).")
"""Told to the model after a read-only-sandbox violation (issue 10 item 1)."""


async def _run_sandboxed(command: str, timeout_ms: int, env: dict[str, str] | None,
                         ctx: ToolContext, profile: str = "sandbox",
                         call: ToolCall | None = None) -> ToolResult:
    """Run in the session's sandbox; blocked writes and hosts are named in the result.

    ``profile`` is a :data:`tui.sandbox.mode.SandboxProfile`.  What the sandbox blocked is also
    put in ``call.extra["sandbox_notes"]`` (a tuple of sentences) for the chat; when the
    read-only sandbox could not start, ``call.extra["containment_failed"]`` holds why (the
    agent loop then asks whether to run the command without it).

    Fails closed: a call marked sandboxed never runs outside it.
    """
    runner = ctx.sandbox
    if runner is None:
        if call is not None and profile == "read-only":
            call.extra["containment_failed"] = "the read-only sandbox is not available"
        return ToolResult("Not run: this command must run in the sandbox, which is not "
                          "available.", is_error=True)
    from tui.sandbox.runner import SandboxUnavailable

    kwargs: dict[str, Any] = {} if profile == "sandbox" else {"profile": profile}
    try:
        result = await runner.run(command, timeout_s=timeout_ms / 1000, env=env,
                                  output_limit=ctx.output_limit, **kwargs)
    except SandboxUnavailable as exc:
        if call is not None and profile == "read-only":
            call.extra["containment_failed"] = str(exc)
            return ToolResult(f"Not run: the read-only sandbox cannot start: {exc}",
                              is_error=True)
        return ToolResult(f"Not run: the sandbox cannot start: {exc}", is_error=True)
    output = result.output.rstrip("\n")
    notes = list(result.violations)
    if call is not None and notes:
        call.extra["sandbox_notes"] = tuple(notes)
    if notes and profile == "read-only":
        notes.append(READ_ONLY_HINT)
    if result.timed_out:
        text = f"Command timed out after {_format_seconds(timeout_ms)} s"
        output = f"{text}\n{output}" if output else text
    elif result.exit_code != 0:
        detail = _exit_detail(result.exit_code)
        output = f"{output}\n{detail}" if output else detail
    if notes:
        output += "\n<sandbox_violations>\n" + "\n".join(notes) + "\n</sandbox_violations>"
    failed = result.timed_out or result.exit_code != 0
    return ToolResult(output or "(no output)", is_error=failed)


def _exit_detail(code: int) -> str:
    """``Exit code N``, naming the signal when the shell was killed by one (negative code)."""
    if code < 0:
        try:
            return f"Exit code {code} (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f"Exit code {code}"
    return f"Exit code {code}"
