"""Child processes in a process group of their own: start, feed, drain and cap output, stop.

Every command Warden runs on the user's behalf (Bash, the sandbox, hooks, ``apiKeyHelper``)
starts in a new session, hence a new process group whose id is the child's pid.  Stopping the
command signals that whole group, so the children and grandchildren it started go with it (a
process that starts a session of its own escapes; the sandbox's pid namespace covers that).

Output comes through plain ``os.pipe`` pipes read by the event loop, not through asyncio's
subprocess pipes: on Python 3.11 ``Process.wait()`` does not return until every asyncio pipe of
the process has closed, so a background job that keeps stdout open would hold the caller until
the timeout.  Here the wait follows the child's own exit, and output still in flight is read
for ``drain_s`` seconds more.

API:

* :func:`run_group`: run ``argv`` with caller-supplied output sinks; returns a :class:`GroupExit`.
* :func:`run_capped`: the same, keeping the first ``cap`` bytes of stdout and stderr; returns a
  :class:`CapturedRun`.
* :func:`kill_group`: SIGTERM the group, SIGKILL after a grace period, reap the child.
* :func:`signal_group`, :func:`group_alive`: the primitives, for synchronous callers.
* Sinks: :class:`HeadBytes` (first bytes) and :class:`OutputCollector` (head and tail, as text).
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = [
    "DRAIN_AFTER_EXIT_S", "KILL_GRACE_S", "READ_CHUNK", "CapturedRun", "GroupExit", "HeadBytes",
    "OutputCollector", "Sink", "group_alive", "kill_group", "run_capped", "run_group",
    "signal_group",
]

KILL_GRACE_S = 2.0
"""Seconds between SIGTERM and SIGKILL when a process group is stopped."""

DRAIN_AFTER_EXIT_S = 0.25
"""Seconds to keep reading after the child exits, for output still in flight.

Background jobs that keep a pipe open are not waited for beyond this."""

READ_CHUNK = 64 * 1024
"""Bytes asked for per read of an output pipe."""

_KILLERS: set[asyncio.Task[None]] = set()
"""Group-kill tasks still running after their command was cancelled (kept referenced)."""


# -- sinks ------------------------------------------------------------------------------------


class Sink(Protocol):
    """Where output goes: ``feed`` is called with each chunk read, in order."""

    def feed(self, data: bytes) -> None:
        """Take one chunk of raw output (never empty)."""


class HeadBytes:
    """Keeps the first ``cap`` bytes of a stream and counts the rest.

    Attributes:
        cap: bytes kept (at least 0).
        total: bytes received so far.
    """

    def __init__(self, cap: int) -> None:
        self.cap = max(cap, 0)
        self.total = 0
        self._kept = bytearray()

    def feed(self, data: bytes) -> None:
        """Keep what still fits of ``data``; count all of it."""
        room = self.cap - len(self._kept)
        if room > 0:
            self._kept += data[:room]
        self.total += len(data)

    @property
    def data(self) -> bytes:
        """The kept bytes (at most ``cap``)."""
        return bytes(self._kept)

    @property
    def truncated(self) -> bool:
        """True when more than ``cap`` bytes arrived."""
        return self.total > self.cap


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

    @property
    def truncated(self) -> bool:
        """True when :meth:`text` cuts the middle out (more than ``limit`` characters)."""
        return self.total > self.limit

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


# -- signalling a group -----------------------------------------------------------------------


def signal_group(pgid: int, sig: int) -> bool:
    """Send signal ``sig`` to process group ``pgid`` (0: only check that it exists).

    Returns:
        False when the group no longer exists, or its id now belongs to a group this user does
        not own (nothing of ours is left); True when the signal was sent.
    """
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # The id was reused by a group we do not own: nothing of ours is left.
    return True


def group_alive(pgid: int) -> bool:
    """True while some non-zombie process is in group ``pgid``.

    Reads Linux's ``/proc``; elsewhere falls back to signal 0 (which also counts zombies).
    """
    proc_dir = "/proc"
    if not os.path.isdir(proc_dir):
        return signal_group(pgid, 0)
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


async def kill_group(proc: asyncio.subprocess.Process, grace_s: float = KILL_GRACE_S) -> None:
    """Stop ``proc``'s whole process group: SIGTERM, then SIGKILL after ``grace_s`` seconds.

    ``proc`` must lead its group (started with ``start_new_session=True``, as :func:`run_group`
    does).  ``grace_s <= 0`` sends SIGKILL straight away.  Returns once ``proc`` has been reaped
    and no live process of the group is left (or right after SIGKILL).  Safe to call when the
    processes are already gone.
    """
    pgid = proc.pid
    if grace_s > 0:
        loop = asyncio.get_running_loop()
        signal_group(pgid, signal.SIGTERM)
        deadline = loop.time() + grace_s
        while loop.time() < deadline:
            if proc.returncode is not None and not group_alive(pgid):
                return
            try:
                await asyncio.wait_for(proc.wait(), 0.05)
            except TimeoutError:
                pass  # Still running: look again until the grace period ends.
    signal_group(pgid, signal.SIGKILL)
    await proc.wait()


# -- running ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupExit:
    """How a :func:`run_group` command ended.

    Attributes:
        returncode: the child's exit status; ``-N`` when signal ``N`` killed it; ``-1`` if
            unknown.
        timed_out: the timeout expired and the group was killed.
        drained: every output pipe reached end of file within the drain period (False: a
            process still held one open, and its later output was not read).
        read_error: the first error raised while reading output, else None.
    """

    returncode: int
    timed_out: bool
    drained: bool
    read_error: BaseException | None = None


@dataclass(frozen=True)
class CapturedRun:
    """What :func:`run_capped` returns.

    Attributes:
        returncode: as :attr:`GroupExit.returncode`.
        stdout: the first ``cap`` bytes of stdout (of both streams, in order, when merged).
        stderr: the first ``cap`` bytes of stderr (``b""`` when merged into stdout).
        truncated: some output was dropped: beyond ``cap``, or still unread when the drain
            period ended.
        timed_out: the timeout expired and the group was killed.
    """

    returncode: int
    stdout: bytes
    stderr: bytes
    truncated: bool
    timed_out: bool


async def _pump(reader: asyncio.StreamReader, sink: Sink) -> None:
    """Move everything from ``reader`` into ``sink`` until end of file."""
    feed = sink.feed
    while chunk := await reader.read(READ_CHUNK):
        feed(chunk)


async def run_group(
    argv: Sequence[str],
    *,
    stdout: Sink,
    stderr: Sink | None = None,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    timeout_s: float | None = None,
    grace_s: float = KILL_GRACE_S,
    drain_s: float = DRAIN_AFTER_EXIT_S,
    kill_lingering: bool = False,
    hand_over_fds: Sequence[int] = (),
) -> GroupExit:
    """Run ``argv`` in a new session and process group; feed its output to the sinks.

    Args:
        argv: program and arguments (no shell is involved unless ``argv`` names one).
        stdout: receives stdout, and stderr too when ``stderr`` is None (one pipe, so the two
            stay in the order they were written).
        stderr: receives stderr on a pipe of its own.
        cwd: working directory (default: this process's).
        env: the complete environment (default: this process's).
        stdin: bytes written to stdin, which is then closed; None: stdin is ``/dev/null``.
            A child that exits without reading them is fine.
        timeout_s: seconds before the group is killed (:func:`kill_group`); None: no limit.
        grace_s: seconds between SIGTERM and SIGKILL, on timeout and on cancellation.
        drain_s: seconds to keep reading after the child exits (or is killed).
        kill_lingering: SIGKILL the group when its pipes are still open after ``drain_s``
            (children outliving the command), then read for ``drain_s`` more.  Off by default:
            a background job the command started is left running.
        hand_over_fds: descriptors the child inherits (``pass_fds``); this process's copies
            are closed once the child has started, whatever happens.

    Returns:
        The :class:`GroupExit`.  The child is always reaped before this returns.

    Raises:
        OSError: the child could not be started (missing program or ``cwd``...).
        asyncio.CancelledError: re-raised once the group has been killed (the kill runs in a
            task of its own, so a second cancellation cannot stop it half way).
    """
    loop = asyncio.get_running_loop()
    sinks = [stdout] if stderr is None else [stdout, stderr]
    readers: list[tuple[asyncio.StreamReader, Sink]] = []
    transports: list[asyncio.BaseTransport] = []
    child_fds: list[int] = []  # the child's ends of the pipes: closed here once it has them
    stdin_w: int | None = None
    try:
        for sink in sinks:
            read_fd, write_fd = os.pipe()
            child_fds.append(write_fd)
            pipe_file = os.fdopen(read_fd, "rb", buffering=0)
            reader = asyncio.StreamReader(limit=READ_CHUNK, loop=loop)
            try:
                read_transport, _ = await loop.connect_read_pipe(
                    functools.partial(asyncio.StreamReaderProtocol, reader, loop=loop),
                    pipe_file)
            except BaseException:
                pipe_file.close()
                raise
            transports.append(read_transport)
            readers.append((reader, sink))
        stdin_arg: int = subprocess.DEVNULL
        if stdin is not None:
            stdin_arg, stdin_w = os.pipe()
            child_fds.append(stdin_arg)
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=stdin_arg, stdout=child_fds[0],
            stderr=child_fds[1] if stderr is not None else child_fds[0],
            cwd=cwd, env=dict(env) if env is not None else None,
            start_new_session=True, pass_fds=tuple(hand_over_fds))
    except BaseException:
        for opened in transports:
            opened.close()
        if stdin_w is not None:
            os.close(stdin_w)
        raise
    finally:
        for fd in (*child_fds, *hand_over_fds):
            os.close(fd)
    tasks = [asyncio.create_task(_pump(reader, sink)) for reader, sink in readers]
    stdin_transport: asyncio.WriteTransport | None = None
    timed_out = False
    drained = False
    try:
        if stdin_w is not None:
            stdin_transport = await _feed(loop, stdin_w, stdin or b"")
        try:
            await asyncio.wait_for(proc.wait(), timeout_s)
        except TimeoutError:
            timed_out = True
            await kill_group(proc, grace_s)
        _, pending = await asyncio.wait(tasks, timeout=drain_s)
        if pending and kill_lingering:
            signal_group(proc.pid, signal.SIGKILL)  # children still hold the pipes
            _, pending = await asyncio.wait(pending, timeout=drain_s)
        drained = not pending
    except BaseException:  # cancelled (the user pressed Esc), or stdin could not be set up
        killer = asyncio.create_task(kill_group(proc, grace_s))
        _KILLERS.add(killer)
        killer.add_done_callback(_KILLERS.discard)
        await asyncio.shield(killer)
        raise
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        for opened in transports:
            opened.close()
        if stdin_transport is not None and stdin_transport.get_write_buffer_size():
            stdin_transport.abort()  # nobody will read the rest
    errors = [t.exception() for t in tasks if t.done() and not t.cancelled()]
    read_error = next((e for e in errors if e is not None), None)
    code = proc.returncode if proc.returncode is not None else -1
    return GroupExit(code, timed_out, drained, read_error)


async def _feed(loop: asyncio.AbstractEventLoop, fd: int, data: bytes) -> asyncio.WriteTransport:
    """Write ``data`` to the pipe ``fd`` in the background and close it once written.

    The event loop buffers what the pipe cannot take yet; a reader that goes away
    (``EPIPE``) ends the write quietly.
    """
    pipe = os.fdopen(fd, "wb", buffering=0)
    try:
        transport, _ = await loop.connect_write_pipe(asyncio.Protocol, pipe)
    except BaseException:
        pipe.close()
        raise
    transport.write(data)
    transport.close()  # flushes the buffer first, then closes
    return transport


async def run_capped(
    argv: Sequence[str],
    *,
    cap: int,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    timeout_s: float | None = None,
    merge_stderr: bool = False,
    grace_s: float = KILL_GRACE_S,
    drain_s: float = DRAIN_AFTER_EXIT_S,
    kill_lingering: bool = False,
) -> CapturedRun:
    """:func:`run_group` keeping the first ``cap`` bytes of stdout and of stderr.

    Args:
        argv, cwd, env, stdin, timeout_s, grace_s, drain_s, kill_lingering: as
            :func:`run_group`.
        cap: bytes kept of each stream (the rest is read and dropped, so the child never
            blocks on a full pipe).
        merge_stderr: stderr goes into stdout's pipe (and cap).

    Returns:
        The :class:`CapturedRun`.

    Raises:
        OSError: the child could not be started.
        asyncio.CancelledError: re-raised once the group has been killed.
    """
    out = HeadBytes(cap)
    err = None if merge_stderr else HeadBytes(cap)
    done = await run_group(argv, stdout=out, stderr=err, cwd=cwd, env=env, stdin=stdin,
                           timeout_s=timeout_s, grace_s=grace_s, drain_s=drain_s,
                           kill_lingering=kill_lingering)
    truncated = out.truncated or (err is not None and err.truncated) or not done.drained
    return CapturedRun(done.returncode, out.data, err.data if err is not None else b"",
                       truncated, done.timed_out)
