"""Run a program in a real pseudo-terminal and watch its screen through pyte.

:class:`PtyApp` starts a program with a pty as its stdin/stdout/stderr (its own session, the
pty as controlling terminal, window size set with ``TIOCSWINSZ``), drains everything the
program writes and feeds it into a :class:`pyte.Screen`, so a benchmark can wait until the
screen shows something (:meth:`PtyApp.wait_for`) and time it.

Two threads do the draining: a *reader* that only ``os.read``\\ s the master and timestamps
each chunk (so timestamps stay accurate even when pyte lags behind), and a *parser* that feeds
pyte and checks what :meth:`~PtyApp.wait_for` waits for.  A match is dated by the read time of
the chunk that completed it.  The reader can also run a cheap *probe* (e.g. read the child's
``VmHWM``) right after each read, so figures "at the moment of first paint" are not skewed by
parsing lag.

The ``/proc`` helpers (:func:`proc_status_kib`, :func:`cpu_seconds`) are Linux-only, like the
benchmarks.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyte

COLS = 120
ROWS = 36
CTRL_Q = b"\x11"

ScreenPredicate = Callable[[list[str]], bool]
"""Tells from the screen's lines (``pyte.Screen.display``) whether it shows what is awaited."""

_CLK_TCK = os.sysconf("SC_CLK_TCK")
_ENV_DROPPED_PREFIXES = ("TEXTUAL", "ANTHROPIC_", "WARDEN_")


# --------------------------------------------------------------------------------------------
# /proc helpers


def proc_status_kib(pid: int, key: str) -> int | None:
    """A ``kB`` field of ``/proc/<pid>/status`` (``VmHWM``, ``VmRSS``...), or None if gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident set size so far (``VmHWM``) in MiB, None if it is gone."""
    kib = proc_status_kib(pid, "VmHWM")
    return None if kib is None else kib / 1024


def rss_mib(pid: int) -> float | None:
    """The process's current resident set size (``VmRSS``) in MiB, None if it is gone."""
    kib = proc_status_kib(pid, "VmRSS")
    return None if kib is None else kib / 1024


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of the process (all its threads) in seconds, None if gone.

    From fields 14 and 15 (``utime``, ``stime``) of ``/proc/<pid>/stat``; children are not
    counted.
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces: split after it.
    fields = stat[stat.rindex(")") + 2:].split()
    # fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


# --------------------------------------------------------------------------------------------
# Environment


def terminal_env(
    extra: Mapping[str, str] | None = None, *, cols: int = COLS, rows: int = ROWS
) -> dict[str, str]:
    """This process's environment for a program run in the pty.

    ``TERM=xterm-256color``, ``COLORTERM=truecolor`` (what most current terminals set),
    ``COLUMNS``/``LINES``; variables that would change what is measured (``TEXTUAL*`` such as
    devtools, ``ANTHROPIC_*``, ``WARDEN_*``) are dropped, then ``extra`` is applied.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_DROPPED_PREFIXES)}
    env.pop("NO_COLOR", None)
    env.update(TERM="xterm-256color", COLORTERM="truecolor", COLUMNS=str(cols), LINES=str(rows))
    if extra:
        env.update(extra)
    return env


def venv_bin() -> Path:
    """The directory of the running interpreter (the venv's ``bin``), symlinks not resolved."""
    return Path(sys.executable).parent


# --------------------------------------------------------------------------------------------
# Screen predicates


def contains(text: str) -> ScreenPredicate:
    """True when ``text`` is on any line of the screen."""
    return lambda lines: any(text in line for line in lines)


def last_line_contains(text: str) -> ScreenPredicate:
    """True when ``text`` is on the screen's last line (where footers are)."""
    return lambda lines: bool(lines) and text in lines[-1]


def bottom_contains(text: str, rows: int = 3) -> ScreenPredicate:
    """True when ``text`` is on one of the screen's last ``rows`` lines (status lines)."""
    return lambda lines: any(text in line for line in lines[-rows:])


def all_of(*predicates: ScreenPredicate) -> ScreenPredicate:
    """True when every predicate is."""
    return lambda lines: all(p(lines) for p in predicates)


# --------------------------------------------------------------------------------------------
# The pty session


@dataclass
class Match:
    """When :meth:`PtyApp.wait_for` saw what it waited for.

    Attributes:
        elapsed_s: seconds from just before the program was launched to the read of the
            output chunk that completed the match.
        probe: what the reader's probe returned right after reading that chunk (None when no
            probe was set).
        lines: the screen at the match.
    """

    elapsed_s: float
    probe: Any
    lines: list[str]


@dataclass
class _Watch:
    predicate: ScreenPredicate
    done: threading.Event = field(default_factory=threading.Event)
    match: Match | None = None


class PtyApp:
    """A program running in a pseudo-terminal, its output rendered by pyte.

    Args:
        argv: the command.
        cwd: its working directory.
        env: its whole environment (see :func:`terminal_env`); this process's when None.
        cols: terminal width.
        rows: terminal height.

    Use as a context manager (``with PtyApp([...]) as app:``), which starts it and, on the way
    out, quits it (:meth:`close`).
    """

    def __init__(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        cols: int = COLS,
        rows: int = ROWS,
    ) -> None:
        self.argv = [os.fspath(a) for a in argv]
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.cols = cols
        self.rows = rows
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self._chunks: queue.Queue[tuple[float, bytes, Any] | None] = queue.Queue()
        self._watch: _Watch | None = None
        self._probe: Callable[[], Any] | None = None
        self._stop = threading.Event()
        self._eof = threading.Event()
        self._parsed_all = threading.Event()
        self._threads: list[threading.Thread] = []
        self._master = -1
        self._tail = bytearray()
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.bytes_read = 0
        """Bytes the program has written to the terminal so far."""

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> PtyApp:
        """Open the pty, launch the program and start draining its output."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        self._master = master
        self.started_at = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=slave, stdout=slave, stderr=slave, cwd=self.cwd,
                env=self.env, start_new_session=True, preexec_fn=_take_controlling_tty,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        for target, name in ((self._read_loop, "pty-reader"), (self._parse_loop, "pty-parser")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def close(self, timeout: float = 3.0) -> int | None:
        """Quit the program: ctrl+q, then SIGTERM, then SIGKILL.  Returns its exit status."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                self.send(CTRL_Q)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    proc.wait(timeout)
                    break
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        proc.send_signal(sig)
            else:
                proc.wait()
        # Let the reader drain what is left (the app's exit sequences), then stop.
        self._eof.wait(1.0)
        self._stop.set()
        for thread in self._threads:
            thread.join(2.0)
        if self._master >= 0:
            os.close(self._master)
            self._master = -1
        return proc.returncode

    def __enter__(self) -> PtyApp:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- interaction ---------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        """The program's process id."""
        assert self.proc is not None, "not started"
        return self.proc.pid

    def alive(self) -> bool:
        """True while the program runs."""
        return self.proc is not None and self.proc.poll() is None

    def send(self, data: bytes) -> None:
        """Type ``data`` into the terminal (``b"\\r"`` is Enter)."""
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def lines(self) -> list[str]:
        """The screen as it is now, one string per row."""
        with self._lock:
            return list(self.screen.display)

    def text(self) -> str:
        """The screen as it is now, rows joined by newlines and right-stripped."""
        return "\n".join(line.rstrip() for line in self.lines())

    def output_tail(self, limit: int = 4000) -> str:
        """The last raw bytes written by the program, decoded (for error messages)."""
        with self._lock:
            return bytes(self._tail[-limit:]).decode("utf-8", "replace")

    def set_probe(self, probe: Callable[[], Any] | None) -> None:
        """Run ``probe`` in the reader right after each read; :class:`Match` carries its value."""
        self._probe = probe

    def wait_for(self, predicate: ScreenPredicate, timeout: float) -> Match | None:
        """Wait until the screen satisfies ``predicate``.

        Returns:
            The :class:`Match`, or None on timeout or if the program exited first.
        """
        watch = _Watch(predicate)
        with self._lock:
            lines = list(self.screen.display)
            if predicate(lines):
                probe = self._probe() if self._probe is not None else None
                return Match(time.monotonic() - self.started_at, probe, lines)
            self._watch = watch
        deadline = time.monotonic() + timeout
        while not watch.done.wait(0.05):
            if time.monotonic() >= deadline or self._parsed_all.is_set():
                break
        with self._lock:
            self._watch = None
        return watch.match

    # -- threads -------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        """Read the master as fast as possible; timestamp (and probe) each chunk."""
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                try:
                    data = os.read(self._master, 65536)
                except OSError as exc:  # EIO: every slave descriptor is closed
                    if exc.errno in (errno.EIO, errno.EBADF):
                        break
                    raise
                if not data:
                    break
                now = time.monotonic()
                probe = self._probe
                value = probe() if probe is not None else None
                self.bytes_read += len(data)
                self._chunks.put((now, data, value))
        finally:
            self._eof.set()
            self._chunks.put(None)

    def _parse_loop(self) -> None:
        """Feed pyte and check the pending :meth:`wait_for`, in read order."""
        while True:
            item = self._chunks.get()
            if item is None:
                self._parsed_all.set()
                return
            read_at, data, probe = item
            with self._lock:
                self._stream.feed(data)
                self._tail += data
                del self._tail[:-65536]
                watch = self._watch
                if watch is None:
                    continue
                lines = list(self.screen.display)
                if watch.predicate(lines):
                    watch.match = Match(read_at - self.started_at, probe, lines)
                    self._watch = None
                    watch.done.set()


def _take_controlling_tty() -> None:
    """In the child (after ``setsid``): make its stdin, the pty slave, the controlling tty."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
