"""Run one command for real, traced, in a throwaway bubblewrap sandbox (the dynamic oracle).

Each run is one ``bwrap`` process with a fresh world:

* the host filesystem read-only (``--ro-bind / /``), a fresh ``/dev`` and ``/proc``, a private
  ``/tmp`` (tmpfs), and the real home directory hidden under an empty tmpfs
  (:func:`default_hidden`);
* the fixture workspace (:mod:`bench.oracle_fixture`) bound read-only at
  ``/tmp/.oracle-template`` and a tmpfs mounted at its own host path, into which the inner
  shell copies it (``cp -a``) *before* tracing starts: the command sees the project and the fake
  HOME at the same absolute paths Warden analysed, writable, and every write dies with the run;
* a host directory bound at ``/tmp/.oracle-trace`` for strace's log and the exit status;
* ``--unshare-net`` (no network: only a loopback that is down), ``--unshare-pid/-ipc/-uts``,
  ``--cap-drop ALL``, ``--die-with-parent``.  ``--new-session`` is left out (there is no
  terminal to protect, and keeping the process group lets the timeout kill the whole tree).

Inside, ``timeout -k 1 T strace -f ... -- bash -c COMMAND`` runs the command the way Warden's
Bash tool does (``bash -c``, stdin ``/dev/null``, stdout and stderr one pipe), its output capped
by ``head -c`` (so ``yes`` ends at once).  Outside, the whole process group is killed if the run
outlives ``T + 3`` seconds.  The environment is fixed and minimal (:func:`sandbox_env`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OUTPUT_CAP", "TRACE_SYSCALLS", "TraceRun", "default_hidden", "probe", "run_traced",
           "sandbox_argv", "sandbox_env"]

TEMPLATE_MOUNT = "/tmp/.oracle-template"
TRACE_MOUNT = "/tmp/.oracle-trace"
OUTPUT_CAP = 65536
"""Bytes of the command's output kept; ``head`` exits after them and the writer gets SIGPIPE."""

TRACE_SYSCALLS: tuple[str, ...] = (
    "?open", "openat", "?openat2", "?creat", "execve", "execveat",
    "clone", "?clone3", "?fork", "?vfork",
    "?unlink", "unlinkat", "?rename", "?renameat", "renameat2", "?mkdir", "mkdirat", "?rmdir",
    "?symlink", "symlinkat", "?link", "linkat", "truncate", "?chmod", "fchmod", "fchmodat",
    "?chown", "fchown", "?lchown", "fchownat", "?mknod", "mknodat", "?utime", "?utimes",
    "utimensat", "?futimesat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
    "lremovexattr", "fremovexattr", "connect", "sendto", "sendmsg",
)
"""What strace records (``?``: ignored where the architecture lacks it).  A targeted list rather
than ``%file,%process,%network``: the stat family is most of ``%file`` and would make ``find /``
or ``ls -R`` many times slower without telling anything about writes, execs or canary reads."""


@dataclass(frozen=True)
class TraceRun:
    """One traced run.

    Attributes:
        trace: strace's log (``""`` when strace could not start).
        status: the exit status of ``timeout strace bash -c ...`` (124 or 137 after a timeout),
            ``None`` when it was killed from outside.
        timed_out: the command ran out of time (inside or outside).
        seconds: wall time of the whole sandbox run.
        output: the command's merged output, at most :data:`OUTPUT_CAP` bytes, decoded.
    """

    trace: str
    status: int | None
    timed_out: bool
    seconds: float
    output: str


def sandbox_env(home: Path) -> dict[str, str]:
    """The command's environment: ``PATH``, ``HOME`` (the fake one), ``USER``, ``LOGNAME``,
    ``SHELL``, ``LANG``, ``TERM=dumb`` and ``TMPDIR=/tmp``, nothing from the host, plus what
    Warden sets for every Bash command (:data:`tui.tools.bash.COMMAND_ENV`: no optional git
    locks, no pager), so the oracle runs commands exactly as Warden does."""
    from tui.tools.bash import COMMAND_ENV

    return {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(home), "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash",
            "LANG": "C.UTF-8", "TERM": "dumb", "TMPDIR": "/tmp", **COMMAND_ENV}


def sandbox_argv(command: str, *, workspace: Path, project: Path, trace_dir: Path, name: str,
                 timeout: float = 5.0, bwrap: str = "bwrap", strace: str = "strace",
                 shell: str = "/bin/bash", hide: Sequence[str] = ()) -> list[str]:
    """The ``bwrap`` command line that runs ``command`` traced (see the module docstring).

    Args:
        command: the shell command, as Warden would run it (``bash -c``).
        workspace: the fixture's root (copied into a tmpfs at the same path).
        project: the working directory, inside ``workspace``.
        trace_dir: a host directory; the log is written to ``trace_dir/name`` and the exit
            status to ``trace_dir/name.rc``.
        name: a file name (no slash).
        timeout: seconds the command may run.
        bwrap, strace, shell: the programs to use.
        hide: host directories replaced by an empty tmpfs (:func:`default_hidden`).

    Raises:
        ValueError: ``name`` contains a slash or ``project`` is outside ``workspace``.
    """
    if "/" in name or not project.is_relative_to(workspace):
        raise ValueError(f"bad trace name {name!r} or project {project} outside {workspace}")
    log, rc = f"{TRACE_MOUNT}/{name}", f"{TRACE_MOUNT}/{name}.rc"
    inner = (
        f'cp -a {TEMPLATE_MOUNT}/. "$1"/ && cd "$2" || exit 125\n'
        f'( timeout -k 1 {timeout:g} {strace} -f -qq -y -s 256 --seccomp-bpf -e signal=none '
        f'-e trace={",".join(TRACE_SYSCALLS)} -o {log} -- {shell} -c "$3"; echo "$?" > {rc} ) '
        f'</dev/null 2>&1 | head -c {OUTPUT_CAP}\n'
    )
    return [
        bwrap, "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc",
        "--unshare-uts", "--cap-drop", "ALL",
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        *[arg for path in hide for arg in ("--tmpfs", path)],
        "--ro-bind", str(workspace), TEMPLATE_MOUNT, "--tmpfs", str(workspace),
        "--bind", str(trace_dir), TRACE_MOUNT, "--chdir", "/",
        "--", "/bin/sh", "-c", inner, "oracle", str(workspace), str(project), command,
    ]


def default_hidden() -> tuple[str, ...]:
    """The invoking user's real home directory, when it is not ``/``: commands get the fake
    HOME instead, never see real credentials, and ``find /`` has far less to walk (a Python
    toolchain under ``~`` can be most of the files on the machine)."""
    real = os.path.realpath(os.path.expanduser("~"))
    return (real,) if real not in ("/", "") and os.path.isdir(real) else ()


def run_traced(command: str, *, workspace: Path, project: Path, home: Path, trace_dir: Path,
               name: str, timeout: float = 5.0, bwrap: str = "bwrap",
               strace: str = "strace", hide: Sequence[str] = ()) -> TraceRun:
    """Run ``command`` in a fresh sandbox under strace and return its log.

    The log files are removed from ``trace_dir`` afterwards.  Raises ``OSError`` when ``bwrap``
    cannot be started at all; a sandbox that starts but fails shows as an empty ``trace``.
    """
    argv = sandbox_argv(command, workspace=workspace, project=project, trace_dir=trace_dir,
                        name=name, timeout=timeout, bwrap=bwrap, strace=strace, hide=hide)
    log, rc = trace_dir / name, trace_dir / f"{name}.rc"
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=sandbox_env(home),
                            start_new_session=True)
    killed = False
    try:
        out, _ = proc.communicate(timeout=timeout + 3)
    except subprocess.TimeoutExpired:
        killed = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
    seconds = time.monotonic() - start
    try:
        trace = log.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        trace = ""
    try:
        status: int | None = int(rc.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        status = None
    for path in (log, rc):
        path.unlink(missing_ok=True)
    timed_out = killed or status in (124, 137)
    return TraceRun(trace, status, timed_out, seconds, out.decode("utf-8", "replace"))


def probe(workdir: Path, bwrap: str | None = None, strace: str | None = None) -> tuple[bool, str]:
    """Can the oracle run here?  Starts a real sandbox, with the exact flags, running
    ``true`` under strace (as ``tui.sandbox.doctor`` does for Warden's own sandbox).

    Args:
        workdir: an empty scratch directory (a tiny workspace and trace dir are made in it).
        bwrap, strace: the programs (default: found on ``PATH``).

    Returns:
        ``(True, "bwrap ..., strace ...")`` or ``(False, "why, and how to fix it")``.
    """
    bwrap = bwrap or shutil.which("bwrap")
    strace = strace or shutil.which("strace")
    if bwrap is None:
        return False, "bwrap is not on PATH (apt-get install bubblewrap, or make sandbox-deps)"
    if strace is None:
        return False, "strace is not on PATH (apt-get install strace, or make sandbox-deps)"
    workspace, traces = workdir / "probe-ws", workdir / "probe-traces"
    (workspace / "project").mkdir(parents=True, exist_ok=True)
    traces.mkdir(parents=True, exist_ok=True)
    try:
        run = run_traced("true", workspace=workspace, project=workspace / "project",
                         home=workspace, trace_dir=traces, name="probe", timeout=5.0,
                         bwrap=bwrap, strace=strace)
    except OSError as exc:
        return False, f"{bwrap} could not be started: {exc.strerror}"
    if run.status == 0 and "execve(" in run.trace:
        return True, f"{bwrap}, {strace}"
    detail = run.output.strip().splitlines()[-1] if run.output.strip() else (
        f"exit status {run.status}")
    if not run.trace:
        return False, (f"bubblewrap or strace cannot run here: {detail} (bwrap needs user "
                       "namespaces or root; strace needs ptrace: check "
                       "kernel.yama.ptrace_scope and the container's seccomp profile)")
    return False, f"strace ran but the traced command failed: {detail}"
