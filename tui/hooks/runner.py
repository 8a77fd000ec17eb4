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


async def run_handler(handler: HookHandler, data: bytes, *, cwd: Path, env: Mapping[str, str],
                      cap: int = OUTPUT_CAP) -> HandlerRun:
    """Run one handler to completion, timeout or failure to start.

    The process-group mechanics are :func:`tui.process.run_capped`'s: the handler runs in a new
    session (no controlling TTY), gets ``data`` on stdin, and its whole group is killed at once
    on timeout, on cancellation, or when a background child still holds its pipes after it
    exited (``kill_lingering``).

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
    from tui.process import run_capped

    started = time.monotonic()
    try:
        done = await run_capped(_argv(handler, cwd), cap=cap, cwd=cwd, env=dict(env), stdin=data,
                                timeout_s=handler.timeout, grace_s=0, drain_s=PIPE_GRACE_S,
                                kill_lingering=True)
    except OSError as exc:
        return HandlerRun(handler, None, error=f"{type(exc).__name__}: {exc}")
    duration = (time.monotonic() - started) * 1000
    return HandlerRun(handler, None if done.timed_out else done.returncode,
                      done.stdout.decode("utf-8", "replace"),
                      done.stderr.decode("utf-8", "replace"),
                      timed_out=done.timed_out, truncated=done.truncated, duration_ms=duration)


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
