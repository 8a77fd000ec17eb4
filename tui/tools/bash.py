"""The ``Bash`` tool: run a shell command, output merged and capped (permission class "shell").

Each command runs as ``bash -c COMMAND`` (``sh`` when there is no bash) in its own session and
process group, stdin from ``/dev/null``, stdout and stderr on one pipe.  A timeout or a
cancellation (the user pressed Esc) kills the whole group: SIGTERM, then SIGKILL after 2 s
(:mod:`tui.process`).
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tui.process import DRAIN_AFTER_EXIT_S, KILL_GRACE_S, OutputCollector, run_group
from tui.tools.base import Tool, ToolCall, ToolContext, ToolResult, result_lines
from tui.tools.files import ToolInput

DEFAULT_TIMEOUT_MS = 120_000
"""Timeout when the model gives none (milliseconds)."""

MAX_TIMEOUT_MS = 600_000
"""Largest timeout the model may ask for (milliseconds)."""

# KILL_GRACE_S (SIGTERM to SIGKILL) and DRAIN_AFTER_EXIT_S (reading after the shell exits) are
# tui.process's; Bash reads them from this module at each run, so a test may patch them here.


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


def _shell() -> str:
    """Path of bash, or of sh when bash is not installed."""
    return shutil.which("bash") or shutil.which("sh") or "/bin/sh"


def _format_seconds(ms: int) -> str:
    return f"{ms / 1000:g}"


class Bash(Tool[BashInput]):
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
        self, tool_use_id: str, raw: dict[str, Any], params: BashInput, ctx: ToolContext
    ) -> ToolCall[BashInput]:
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

    async def run(self, call: ToolCall[BashInput], ctx: ToolContext) -> ToolResult:
        """Run the command; non-zero exit, timeout or spawn failure give ``is_error`` results.

        Raises:
            asyncio.CancelledError: re-raised after the process group has been killed.
        """
        params = call.params
        command = call.command if call.command is not None else params.command
        timeout_ms = params.timeout or DEFAULT_TIMEOUT_MS
        env = command_environment(ctx.env)
        profile = call.sandbox_profile
        if profile is not None:
            return await _run_sandboxed(command, timeout_ms, env, ctx, profile, call)
        sink = OutputCollector(ctx.output_limit)
        try:
            done = await run_group([_shell(), "-c", command], stdout=sink, cwd=ctx.cwd, env=env,
                                   timeout_s=timeout_ms / 1000, grace_s=KILL_GRACE_S,
                                   drain_s=DRAIN_AFTER_EXIT_S)
        except OSError as exc:
            return ToolResult(f"Could not start the command: {exc}", is_error=True)
        if done.read_error is not None:
            sink.feed(f"\n[output could not be read: {done.read_error}]".encode())
        output = sink.text().rstrip("\n")
        if done.timed_out:
            text = f"Command timed out after {_format_seconds(timeout_ms)} s"
            return ToolResult(f"{text}\n{output}" if output else text, is_error=True)
        code = done.returncode
        if code != 0:
            detail = _exit_detail(code)
            return ToolResult(f"{output}\n{detail}" if output else detail, is_error=True)
        return ToolResult(output or "(no output)")

    def summarise(self, result: ToolResult) -> str:
        """The last line of the output (where the exit code and most tools' verdicts are) and
        how many lines there were; a single line as it is."""
        lines = result_lines(result)
        if len(lines) > 1:
            return f"{lines[-1]}  ({len(lines)} lines of output)"
        return super().summarise(result)


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
                         call: ToolCall[BashInput] | None = None) -> ToolResult:
    """Run in the session's sandbox; blocked writes and hosts are named in the result.

    ``profile`` is a :data:`tui.permissions.sandbox_mode.SandboxProfile`.  What the sandbox
    blocked is also put in ``call.sandbox_notes`` (a tuple of sentences) for the chat; when the
    read-only sandbox could not start, ``call.containment_failed`` holds why (the agent loop
    then asks whether to run the command without it).

    Fails closed: a call marked sandboxed never runs outside it.
    """
    runner = ctx.sandbox
    if runner is None:
        if call is not None and profile == "read-only":
            call.containment_failed = "the read-only sandbox is not available"
        return ToolResult("Not run: this command must run in the sandbox, which is not "
                          "available.", is_error=True)
    from tui.sandbox.runner import SandboxUnavailable

    kwargs: dict[str, Any] = {} if profile == "sandbox" else {"profile": profile}
    try:
        result = await runner.run(command, timeout_s=timeout_ms / 1000, env=env,
                                  output_limit=ctx.output_limit, **kwargs)
    except SandboxUnavailable as exc:
        if call is not None and profile == "read-only":
            call.containment_failed = str(exc)
            return ToolResult(f"Not run: the read-only sandbox cannot start: {exc}",
                              is_error=True)
        return ToolResult(f"Not run: the sandbox cannot start: {exc}", is_error=True)
    output = result.output.rstrip("\n")
    notes = list(result.violations)
    if call is not None and notes:
        call.sandbox_notes = tuple(notes)
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
