"""Running hook commands: in parallel, each in its own process group, bounded in time and output.

Source: REF §8.1 (all matching handlers run in parallel; hooks run in the project directory in
their own session without a controlling terminal; ``OTEL_*`` variables are stripped;
``CLAUDE_PROJECT_DIR`` is provided) and §8.3 (stdin JSON).  Each handler runs as
``/bin/sh -c COMMAND`` (with ``args``: ``/bin/sh -c 'exec "$0" "$@"' COMMAND ARGS...``, so the
arguments are never parsed by a shell) with ``start_new_session=True``: a new session and
process group, so ``/dev/tty`` cannot be opened and a timeout kills the whole group.  The
payload is written to stdin, which is then closed.  stdout and stderr are captured up to
:data:`OUTPUT_CAP` bytes each; the rest is read and dropped so the hook never blocks on a full
pipe.

The environment is the one tools get (the session has already removed Warden's credentials);
when none is given a minimal one is used, never Warden's own.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tui.hooks.config import HookHandler, HookSet
from tui.hooks.protocol import HandlerRun, HookOutcome, combine, payload

__all__ = ["OUTPUT_CAP", "HookRunner", "hook_env"]

OUTPUT_CAP = 64 * 1024
"""Bytes of stdout and of stderr kept per handler."""
PIPE_GRACE_S = 1.0
"""After the hook's shell exits, how long its pipes may stay open (a background child still
holding them); then the rest of its process group is killed."""
_MINIMAL_ENV_KEYS = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "TMPDIR",
                     "TERM")

IfMatcher = Callable[[str], "bool | None"]
"""Evaluates an ``if`` rule text against the current call: True, False, or None (unknown)."""


def hook_env(env: Mapping[str, str] | None, project_dir: Path) -> dict[str, str]:
    """The environment a hook runs with.

    Args:
        env: the tools' environment (secrets already removed), or None for a minimal one
            (``PATH``, ``HOME``, ``USER``, ``LANG``... from this process).
        project_dir: the project directory, exported as ``CLAUDE_PROJECT_DIR``.

    Returns:
        A new dict without any ``OTEL_*`` variable (REF §8.1).
    """
    if env is None:
        env = {k: os.environ[k] for k in _MINIMAL_ENV_KEYS if k in os.environ}
    out = {k: v for k, v in env.items() if not k.startswith("OTEL_")}
    out["CLAUDE_PROJECT_DIR"] = str(project_dir)
    return out


def _argv(handler: HookHandler, project_dir: Path) -> list[str]:
    if handler.args is None:
        return ["/bin/sh", "-c", handler.command]
    program = handler.command.replace("${CLAUDE_PROJECT_DIR}", str(project_dir))
    program = program.replace("$CLAUDE_PROJECT_DIR", str(project_dir))
    return ["/bin/sh", "-c", 'exec "$0" "$@"', program, *handler.args]


async def _read_capped(stream: asyncio.StreamReader | None, cap: int) -> tuple[bytes, bool]:
    """Read ``stream`` to EOF, keeping the first ``cap`` bytes; returns (kept, truncated)."""
    if stream is None:
        return b"", False
    kept = bytearray()
    truncated = False
    while True:
        chunk = await stream.read(65536)
        if not chunk:
            return bytes(kept), truncated
        room = cap - len(kept)
        if room > 0:
            kept += chunk[:room]
        if len(chunk) > room:
            truncated = True


async def _feed(stdin: asyncio.StreamWriter | None, data: bytes) -> None:
    """Write the payload and close stdin; a hook that does not read it is fine."""
    if stdin is None:
        return
    try:
        stdin.write(data)
        await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the hook exited or closed stdin without reading: allowed
    finally:
        try:
            stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass  # already closed by the other side


def _kill_group(pid: int) -> None:
    """SIGKILL the process group ``pid`` leads (it was started with a new session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone


class _Protocol(asyncio.subprocess.SubprocessStreamProtocol):
    """The standard subprocess protocol, plus a future set as soon as the process exits.

    ``Process.wait()`` also waits for the pipes to close, which a background child of the hook
    can hold open for as long as it lives; the hook's own exit is what counts.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=2**16, loop=loop)
        self.exited: asyncio.Future[None] = loop.create_future()

    def process_exited(self) -> None:
        super().process_exited()
        if not self.exited.done():
            self.exited.set_result(None)


async def run_handler(handler: HookHandler, data: bytes, *, cwd: Path, env: Mapping[str, str],
                      cap: int = OUTPUT_CAP) -> HandlerRun:
    """Run one handler to completion, timeout or failure to start.

    Args:
        handler: what to run (``command``, ``args``, ``timeout`` in seconds).
        data: the stdin payload (UTF-8 JSON).
        cwd: the project directory.
        env: the complete environment (see :func:`hook_env`).
        cap: bytes of stdout and of stderr to keep.

    Returns:
        The :class:`HandlerRun`; never raises for the hook's own failures.  Cancellation kills
        the process group and is re-raised.
    """
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    pipe = asyncio.subprocess.PIPE
    try:
        transport, protocol = await loop.subprocess_exec(
            lambda: _Protocol(loop), *_argv(handler, cwd), stdin=pipe, stdout=pipe,
            stderr=pipe, cwd=str(cwd), env=dict(env), start_new_session=True)
    except OSError as exc:
        return HandlerRun(handler, None, error=f"{type(exc).__name__}: {exc}")
    proc = asyncio.subprocess.Process(transport, protocol, loop)
    out_task = asyncio.ensure_future(_read_capped(proc.stdout, cap))
    err_task = asyncio.ensure_future(_read_capped(proc.stderr, cap))
    feed_task = asyncio.ensure_future(_feed(proc.stdin, data))
    tasks = (out_task, err_task, feed_task)
    timed_out = False
    try:
        try:
            await asyncio.wait_for(asyncio.shield(protocol.exited), handler.timeout)
        except TimeoutError:
            timed_out = True
            _kill_group(proc.pid)
            await protocol.exited
        duration = (time.monotonic() - started) * 1000
        _, pending = await asyncio.wait(tasks, timeout=PIPE_GRACE_S)
        if pending:
            _kill_group(proc.pid)  # its children still hold the pipes
            _, pending = await asyncio.wait(pending, timeout=PIPE_GRACE_S)
            for task in pending:
                task.cancel()
    except asyncio.CancelledError:
        _kill_group(proc.pid)
        for task in tasks:
            task.cancel()
        transport.close()
        raise
    returncode = transport.get_returncode()
    transport.close()
    stdout, out_cut = _result(out_task)
    stderr, err_cut = _result(err_task)
    return HandlerRun(handler, None if timed_out else returncode,
                      stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"),
                      timed_out=timed_out, truncated=out_cut or err_cut, duration_ms=duration)


def _result(task: asyncio.Future[tuple[bytes, bool]]) -> tuple[bytes, bool]:
    """A reader's (kept, truncated); an unfinished reader counts as truncated."""
    if task.done() and not task.cancelled() and task.exception() is None:
        return task.result()
    return b"", True


class HookRunner:
    """Runs a session's hooks.

    Build it once per session from the settings, hand it to the agent, and swap :attr:`hooks`
    when the settings are reloaded::

        runner = HookRunner(HookSet.from_settings(settings))
        agent = Agent(..., hooks=runner)
        runner.hooks = HookSet.from_settings(reloaded)   # after a reload

    Attributes:
        hooks: the configured hooks (:class:`~tui.hooks.config.HookSet`).
        session_id: sent as ``session_id`` (a random UUID by default).
        transcript_path: sent as ``transcript_path`` (``""`` when there is no transcript).
        output_cap: bytes of stdout and of stderr kept per handler.
    """

    def __init__(self, hooks: HookSet, *, session_id: str | None = None,
                 transcript_path: str = "", output_cap: int = OUTPUT_CAP) -> None:
        self.hooks = hooks
        self.session_id = session_id or str(uuid.uuid4())
        self.transcript_path = transcript_path
        self.output_cap = output_cap

    def has(self, event: str) -> bool:
        """True when some handler of ``event`` would run (cheap; no process is started)."""
        return self.hooks.has(event)

    async def run(self, event: str, *, cwd: Path, env: Mapping[str, str] | None, mode: str,
                  fields: Mapping[str, Any], match: str | None = None,
                  if_match: IfMatcher | None = None) -> HookOutcome:
        """Run every handler of ``event`` that matches, in parallel, and combine the results.

        Args:
            event: one of :data:`tui.hooks.config.EVENTS`.
            cwd: the project directory (the hooks' working directory and
                ``CLAUDE_PROJECT_DIR``).
            env: the tools' environment (see :func:`hook_env`).
            mode: the permission mode, sent as ``permission_mode``.
            fields: the event's own input fields (REF §8.3).
            match: what the matcher filters: the tool name, or the SessionStart/ConfigChange
                source.
            if_match: evaluates a handler's ``if`` rule against the current call (tool events);
                a None result runs the hook.

        Returns:
            A :class:`~tui.hooks.protocol.HookOutcome`; with no matching handler an empty one.
        """
        handlers = self.hooks.matching(event, match, if_match)
        if not handlers:
            return HookOutcome(event)
        body = payload(event, session_id=self.session_id, transcript_path=self.transcript_path,
                       cwd=str(cwd), mode=mode, fields=fields)
        data = json.dumps(body, default=str).encode("utf-8")
        full_env = hook_env(env, cwd)
        runs = await asyncio.gather(*(run_handler(h, data, cwd=cwd, env=full_env,
                                                  cap=self.output_cap) for h in handlers))
        return combine(event, runs)
