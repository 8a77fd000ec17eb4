"""The bubblewrap command line for one sandboxed command.

Source: REF §6.3 (srt's Linux wrapping: flags, mount order, proxy variables, inner script),
REF §6.2 (what is writable, read-only, unreadable), ``SPEC.md`` §8.

Mount order (bubblewrap applies its options left to right; a later mount on a path hides what
an earlier one put there, so the more specific path must come later):

1. ``--ro-bind / /`` (``--bind / /`` with ``filesystem.disabled``), then ``--dev /dev`` and
   ``--proc /proc`` (a fresh ``/proc`` for the new PID namespace; bubblewrap itself covers
   ``/proc/sys``, ``/proc/sysrq-trigger``, ``/proc/irq`` and ``/proc/bus`` read-only).
2. Every other mount, sorted by path depth so a deeper (more specific) path always wins; at the
   same path the order is: writable bind < pin < ``allowRead`` re-bind < read-only bind <
   ``denyRead`` mask, so at equal specificity denial wins.  The kinds:

   * writable bind ``--bind P P`` for each write path (none inside a read-only path);
   * pin ``--bind A A`` for each directory between a write path and a read-only path inside it
     (``.git`` for ``.git/hooks``): a mount point cannot be renamed or removed, so
     ``mv .git x && mkdir -p .git/hooks`` cannot side-step the read-only bind;
   * read-only bind ``--ro-bind P P`` for each ``deny_write`` path inside a writable one;
   * mask: ``--tmpfs D`` for an unreadable directory, ``--ro-bind /dev/null F`` for a file;
   * ``allowRead`` re-bind ``--ro-bind P P`` for a readable path inside a mask.

   A mount that would change nothing (a pin or read-only bind outside any writable tree, a
   re-bind outside any mask, a mask inside a mask) is left out.  A writable path inside a mask
   is mounted again after it: what may be written may be read.
3. ``--remount-ro D`` for each masking tmpfs (not recursive: re-binds below keep their mode).
4. ``--bind`` of the session temp dir and of the network proxy's socket (always last, so no mask
   can hide them).

Then the environment (``TMPDIR``, ``SANDBOX_RUNTIME=1``, ``WARDEN_SANDBOX=1``, the proxy
variables), ``--chdir`` and ``-- SHELL -c SCRIPT``.  Flags: ``--new-session`` (no controlling
terminal: no keystroke injection), ``--die-with-parent``, ``--unshare-pid/-net/-ipc/-uts`` and
``--cap-drop ALL`` (when Warden runs as root bubblewrap would otherwise keep every capability,
and ``umount`` would undo the mounts).  Secrets never go into argv: the command's environment
is inherited from the runner's process, not passed with ``--setenv``.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import shlex
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from tui.pathutil import lexically_inside
from tui.sandbox.policy import SandboxPolicy

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FLAGS",
    "Mount",
    "NetworkSetupLike",
    "build_argv",
    "filter_helper_argv",
    "mount_plan",
    "proxy_env",
    "read_only_plan",
    "unix_socket_filter",
]

FLAGS: tuple[str, ...] = (
    "--new-session", "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc",
    "--unshare-uts", "--cap-drop", "ALL",
)
"""Isolation flags on every sandboxed command (REF §6.3)."""

NO_PROXY = "localhost,127.0.0.1,::1"

MountKind = Literal["rw", "pin", "allow", "ro", "mask"]
_PRIORITY: dict[str, int] = {"rw": 0, "pin": 1, "allow": 2, "ro": 3, "mask": 4}
_EFFECT: dict[str, str] = {"rw": "rw", "pin": "rw", "allow": "ro", "ro": "ro", "mask": "mask"}


class NetworkSetupLike(Protocol):
    """What the builder needs from :class:`tui.sandbox.network.NetworkSetup` (read-only, so a
    frozen dataclass satisfies it)."""

    @property
    def socket_path(self) -> Path:
        """The host proxy's Unix socket, bound at the same path inside the sandbox."""
        ...

    @property
    def port(self) -> int:
        """The relay's port on ``127.0.0.1`` inside the sandbox."""
        ...

    @property
    def bridge_argv(self) -> tuple[str, ...]:
        """Starts the relay inside the sandbox; returns once it listens (exit 0) or failed."""
        ...


@dataclass(frozen=True)
class Mount:
    """One planned mount: ``kind`` at ``path`` (absolute, ``realpath``'d); ``is_dir`` decides
    how a mask is made (tmpfs for a directory, ``/dev/null`` for anything else)."""

    kind: MountKind
    path: Path
    is_dir: bool = True

    def argv(self) -> list[str]:
        """The bubblewrap options for this mount."""
        p = os.fspath(self.path)
        if self.kind in ("rw", "pin"):
            return ["--bind", p, p]
        if self.kind in ("ro", "allow"):
            return ["--ro-bind", p, p]
        if self.is_dir:
            return ["--tmpfs", p]
        return ["--ro-bind", "/dev/null", p]


_ROOT = Path("/")


def root_writable(policy: SandboxPolicy) -> bool:
    """True when the whole file system is writable: ``filesystem.disabled``, or ``/`` among the
    write paths (then the root is bound writable, not bound again later)."""
    return policy.filesystem_disabled or _ROOT in policy.write_paths


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _deepest_enclosing(path: Path, roots: Iterable[Path]) -> Path | None:
    best: Path | None = None
    for r in roots:
        if lexically_inside(path, r) and (best is None or len(r.parts) > len(best.parts)):
            best = r
    return best


def mount_plan(policy: SandboxPolicy, *, skipped: list[str] | None = None) -> list[Mount]:
    """The mounts of step 2 (see the module docstring), in emission order.

    Paths that do not exist are left out (and named in ``skipped`` when given): bubblewrap can
    only mount existing paths, and creating them would change the user's files.
    """
    if policy.filesystem_disabled:
        return []
    note = skipped.append if skipped is not None else (lambda _msg: None)
    base = "rw" if root_writable(policy) else "ro"
    ro_paths = [p for p in policy.deny_write if _lexists(p)]
    writes: list[Path] = []
    for w in policy.write_paths:
        if not _lexists(w):
            note(f"write path {w} does not exist; not mounted")
        elif lexically_inside(w, *ro_paths):
            note(f"write path {w} lies inside a read-only path; it stays read-only")
        else:
            writes.append(w)
    candidates: list[Mount] = [Mount("rw", w) for w in writes if w != _ROOT]
    for p in ro_paths:
        root = _deepest_enclosing(p, writes)
        if root is None:
            continue  # already read-only
        candidates.append(Mount("ro", p))
        for anc in reversed(p.parents):
            if anc != root and lexically_inside(anc, root):
                candidates.append(Mount("pin", anc))
    for p in policy.deny_read:
        if _lexists(p):
            candidates.append(Mount("mask", p, os.path.isdir(p)))
        else:
            note(f"unreadable path {p} does not exist; not masked")
    for p in policy.allow_read:
        if _lexists(p):
            candidates.append(Mount("allow", p))
    unique = {(m.kind, m.path): m for m in candidates}
    ordered = sorted(unique.values(),
                     key=lambda m: (len(m.path.parts), _PRIORITY[m.kind], os.fspath(m.path)))
    emitted: list[Mount] = []
    # What the sandbox shows at each path mounted so far: the last mount there wins.  Looking
    # up a mount's own path and then its parents finds the deepest enclosing one in O(depth),
    # so hundreds of masks cost milliseconds (issue 10 item 3), not a quadratic scan.
    effect_at: dict[Path, str] = {}
    for m in ordered:
        effect = base
        for anc in (m.path, *m.path.parents):
            if anc in effect_at:
                effect = effect_at[anc]
                break
        if m.kind in ("pin", "ro") and effect != "rw":
            continue
        if m.kind == "allow" and effect != "mask":
            continue
        if m.kind == "mask" and effect == "mask":
            continue
        emitted.append(m)
        effect_at[m.path] = _EFFECT[m.kind]
    return emitted


def proxy_env(network: NetworkSetupLike) -> dict[str, str]:
    """The variables that send programs' traffic to the in-sandbox relay (REF §6.3)."""
    url = f"http://127.0.0.1:{network.port}"
    env = {name: url for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy",
                                  "https_proxy", "all_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = NO_PROXY
    extra = getattr(network, "env", None)
    if callable(extra):
        env.update(extra())
    return env


# -- the Unix-socket filter ---------------------------------------------------------------

@dataclass(frozen=True)
class _Syscalls:
    """One architecture's numbers (``asm/unistd.h``) for the Unix-socket filter."""

    arch: int  # AUDIT_ARCH_*
    socket: int
    socketpair: int
    io_uring_setup: int
    x32: bool  # has the x32 ABI (numbers with bit 30 set)
    tracing: tuple[int, ...]  # ptrace, process_vm_readv, process_vm_writev, pidfd_getfd


_X86_64 = _Syscalls(0xC000003E, 41, 53, 425, True, (101, 310, 311, 438))
_AARCH64 = _Syscalls(0xC00000B7, 198, 199, 425, False, (117, 270, 271, 438))
_SECCOMP_ARCH: dict[str, _Syscalls] = {
    "x86_64": _X86_64, "amd64": _X86_64, "aarch64": _AARCH64, "arm64": _AARCH64,
}
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
_LD_ABS, _JEQ, _JGE, _RET, _ALU_AND = 0x20, 0x15, 0x35, 0x06, 0x54
_AF_UNIX = 1
_SOCK_STREAM = 1
_SOCK_TYPE_MASK = 0xF  # the type bits of socket()'s second argument (linux/net.h)


def unix_socket_filter(machine: str | None = None, *,
                       block_tracing: bool = False) -> bytes | None:
    """A classic-BPF seccomp program (``struct sock_filter[]``, native byte order) that makes
    ``socket(AF_UNIX, ...)`` of every type (stream, datagram, seqpacket, raw),
    ``socketpair(AF_UNIX, ...)`` of every type but ``SOCK_STREAM``, and ``io_uring_setup``
    fail with ``EPERM`` (REF §6.3, §12.6; issue 10 item 4).

    Without it a sandboxed command could reach any Unix socket it can see: connecting to the
    Docker socket, the D-Bus session bus or an ssh-agent needs no write access to the file
    system, and a datagram needs no connection at all (``sendto(fd, msg, "/dev/log")``).
    A datagram or seqpacket ``socketpair`` is refused too: a datagram socket from a pair can
    still ``sendto`` any path.  A stream pair is allowed, because asyncio (its self-pipe),
    libuv (Node's child-process pipes) and many other runtimes need one to start, and it
    reaches nothing outside the pair: it is born connected, so ``connect`` fails with
    ``EISCONN`` and ``sendto``/``sendmsg`` with an address fail on a stream socket
    (``EISCONN``/``EOPNOTSUPP``); binding it makes a socket file nobody can connect to (a
    connected socket cannot ``listen``).  With no other way to make an ``AF_UNIX`` socket,
    ``sendto``/``sendmsg`` with a path address fail on every socket the command can have,
    and abstract names (``"\0name"``) are unreachable as well (they also live in the
    network namespace, which is the sandbox's own).  ``io_uring`` is refused because its
    socket operation bypasses seccomp.  System calls of another architecture (32-bit
    ``socketcall`` would hide the family) and x86-64's x32 calls get ``EPERM`` too, so
    32-bit programs do not run in the sandbox.

    Args:
        machine: ``platform.machine()`` value (default: this machine's).
        block_tracing: also refuse ``ptrace``, ``process_vm_readv``/``writev`` and
            ``pidfd_getfd``.  Needed when Landlock cannot be applied
            (:func:`tui.sandbox.filter_helper.filter_setup`): the sandbox's own unfiltered
            processes (bubblewrap's init, the network relay) run as the same user, and a
            command that could trace them could make them open a Unix socket for it.  Even
            then a command can write their memory through ``/proc/PID/mem``; only Landlock
            closes that.

    Returns:
        The program (8 bytes per instruction), or None for a machine without a known
        system-call table (the doctor then reports that Unix sockets are not filtered).
    """
    known = _SECCOMP_ARCH.get((machine or platform.machine()).lower())
    if known is None:
        return None
    prog = [(_LD_ABS, 0, 0, 4), (_JEQ, 1, 0, known.arch), (_RET, 0, 0, _RET_EPERM),
            (_LD_ABS, 0, 0, 0)]
    if known.x32:
        prog += [(_JGE, 0, 1, 0x40000000), (_RET, 0, 0, _RET_EPERM)]
    refused = (known.io_uring_setup, *(known.tracing if block_tracing else ()))
    for nr in refused:
        prog += [(_JEQ, 0, 1, nr), (_RET, 0, 0, _RET_EPERM)]
    # socket: refuse when the family (args[0], low half) is AF_UNIX.  socketpair: the same,
    # except a stream pair (args[1], low half, masked to the type without SOCK_NONBLOCK and
    # SOCK_CLOEXEC).  Offsets are relative to the next instruction.
    prog += [(_JEQ, 6, 0, known.socket),            # socket → the family check below
             (_JEQ, 0, 8, known.socketpair),        # neither → allow
             (_LD_ABS, 0, 0, 16), (_JEQ, 0, 6, _AF_UNIX),    # a pair of another family → allow
             (_LD_ABS, 0, 0, 24), (_ALU_AND, 0, 0, _SOCK_TYPE_MASK),
             (_JEQ, 3, 2, _SOCK_STREAM),            # a stream pair → allow, else refuse
             (_LD_ABS, 0, 0, 16), (_JEQ, 0, 1, _AF_UNIX),
             (_RET, 0, 0, _RET_EPERM), (_RET, 0, 0, _RET_ALLOW)]
    return b"".join(struct.pack("=HBBI", *insn) for insn in prog)


# The Python helper (no C compiler): flags, then no_new_privs, Landlock when asked (an empty
# domain: only creating socket files is handled, and abstract Unix sockets scoped, ABI 6+;
# being in a domain is what stops the command from tracing processes outside it), the
# seccomp program, then the optional wait for the relay, then exec.
_FILTER_HELPER = """\
import ctypes, os, sys, time
class P(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
class L(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]
def fail(what):
    sys.stderr.write("warden: could not apply the %s; not running\\n" % what)
    sys.exit(126)
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
code = bytes.fromhex(sys.argv[1])
argv = sys.argv[2:]
landlock = bool(argv) and argv[0] == "--landlock"
if landlock:
    argv.pop(0)
buf = ctypes.create_string_buffer(code, len(code))
prog = P(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
if libc.prctl(38, 1, 0, 0, 0) != 0:
    fail("Unix-socket filter")
if landlock:
    abi = libc.syscall(ctypes.c_long(444), None, ctypes.c_long(0), ctypes.c_long(1))
    attr = L(1 << 9, 0, 1 if abi >= 6 else 0)
    size = ctypes.sizeof(attr) if abi >= 6 else 8
    fd = libc.syscall(ctypes.c_long(444), ctypes.byref(attr), ctypes.c_long(size),
                      ctypes.c_long(0)) if abi >= 1 else -1
    if fd < 0 or libc.syscall(ctypes.c_long(446), ctypes.c_long(fd), ctypes.c_long(0)) != 0:
        fail("Landlock domain")
    os.close(fd)
if libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:
    fail("Unix-socket filter")
if argv and argv[0].startswith("--wait-listen="):
    want = argv.pop(0).split("=", 1)[1].upper()
    deadline = time.monotonic() + 1.0
    while True:
        try:
            with open("/proc/net/tcp") as fh:
                if any(f" {want} 00000000:0000 0A " in line for line in fh):
                    break
        except OSError:
            break
        if time.monotonic() > deadline:
            sys.stderr.write("warden: the network relay did not start; this command has no "
                             "network\\n")
            break
        time.sleep(0.001)
os.execv(argv[0], argv)
"""

def filter_helper_argv(python: str, program: bytes, *,
                       landlock: bool = False) -> tuple[str, ...]:
    """The prefix that applies ``program`` and then ``exec``s the rest of its argv.

    Used when the network relay must start first (it needs a Unix socket): the script starts
    the relay, then runs ``python -S -I -c HELPER <program hex> [--landlock] SHELL -c
    COMMAND``.  With ``landlock`` the helper also puts the command in a Landlock domain, so
    it cannot trace or write the memory of the relay or of bubblewrap's init (which have no
    filter).  If the filter or the domain cannot be applied the helper exits 126 without
    running the command (fail closed).
    """
    return (python, "-S", "-I", "-c", _FILTER_HELPER, program.hex(),
            *(("--landlock",) if landlock else ()))


def inner_script(command: str, shell: str, network: NetworkSetupLike | None,
                 filter_prefix: tuple[str, ...] = ()) -> list[str]:
    """``[shell, "-c", ...]`` run by bubblewrap.

    Without network it is the command itself.  With network the script starts the relay
    (``bridge_argv`` returns once ``127.0.0.1:<port>`` listens, or fails and says so), then
    ``exec``s the command in a fresh shell (behind ``filter_prefix``, the Unix-socket filter,
    when given), so the command's text is never spliced into the script.
    """
    if network is None:
        return [*filter_prefix, shell, "-c", command]
    if filter_prefix:
        # Start the relay in the background and let the filter helper (a Python start-up, the
        # slow part) run meanwhile; the helper waits until 127.0.0.1:<port> listens (bounded)
        # after applying the filter, then execs the command.
        wait = f"--wait-listen=0100007F:{network.port:04X}"
        run = shlex.join([*filter_prefix, wait, shell, "-c", command])
        script = (f"{shlex.join(network.bridge_argv)} >/dev/null 2>&1 &\n"
                  f"exec {run}\n")
        return [shell, "-c", script]
    run = shlex.join([*filter_prefix, shell, "-c", command])
    script = (f"{shlex.join(network.bridge_argv)} || echo 'warden: the network relay did not "
              "start; this command has no network' >&2\n"
              f"exec {run}\n")
    return [shell, "-c", script]


def read_only_plan(policy: SandboxPolicy, *, cwd: Path, keep: Iterable[Path] = (),
                   skipped: list[str] | None = None) -> list[Mount]:
    """The mounts of the read-only sandbox (:mod:`tui.sandbox.readonly`), emitted after
    ``--tmpfs /tmp``: the working directories, ``cwd`` and ``keep`` (files the sandbox must
    run, such as the filter helper) that lie below ``/tmp`` bound again read-only, in the same
    depth order as :func:`mount_plan` so the Read deny masks inside them still win, then the
    masks and ``allowRead`` re-binds.  Nothing is writable."""
    tmp = Path(os.path.realpath("/tmp"))
    below = [Path(os.path.realpath(p)) for p in (*policy.working_dirs, cwd, *keep)]
    again = tuple(p for p in below if lexically_inside(p, tmp))
    view = dataclasses.replace(policy, write_paths=again, deny_write=(),
                               filesystem_disabled=False)
    return [Mount("ro", m.path) if m.kind in ("rw", "pin") else m
            for m in mount_plan(view, skipped=skipped)]


def build_argv(policy: SandboxPolicy, command: str, *, cwd: Path, session_tmp: Path | None,
               shell: str = "/bin/sh", network: NetworkSetupLike | None = None,
               env: Mapping[str, str] | None = None,
               skipped: list[str] | None = None, seccomp_fd: int | None = None,
               filter_prefix: tuple[str, ...] = (), read_only: bool = False) -> list[str]:
    """The full bubblewrap argv that runs ``shell -c command`` in the sandbox.

    Args:
        policy: the resolved policy (paths absolute and ``realpath``'d).
        command: the user's shell command (never parsed here).
        cwd: the directory the command starts in (``realpath``'d here).
        session_tmp: the per-session temp dir: bound writable and set as ``TMPDIR`` (unused,
            and may be None, with ``read_only``).
        shell: absolute path of the shell inside the sandbox.
        network: the session's proxy setup, or None for no network at all (the network
            namespace is unshared either way).
        env: extra ``--setenv`` pairs (never secrets: argv is visible to every local user).
        skipped: collects sentences about paths that were not mounted.
        seccomp_fd: a file descriptor holding :func:`unix_socket_filter`'s program, which
            bubblewrap applies to the whole sandbox (``--seccomp FD``; the caller passes the fd
            to the child).  Only without network: the relay needs a Unix socket.
        filter_prefix: :func:`filter_helper_argv`, applied after the relay starts (network).
        read_only: the read-only sandbox (issue 10 item 1): a private tmpfs on ``/tmp``
            (``TMPDIR=/tmp``) and :func:`read_only_plan` instead of :func:`mount_plan`; give
            it a policy from :func:`tui.sandbox.readonly.read_only_policy` and no network.

    Returns:
        ``[bwrap, FLAGS..., mounts..., env..., "--chdir", cwd, "--", shell, "-c", script]``.
    """
    bwrap = policy.bwrap_path or "bwrap"
    argv = [bwrap, *FLAGS]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    argv += ["--bind", "/", "/"] if root_writable(policy) else ["--ro-bind", "/", "/"]
    argv += ["--dev", "/dev"]
    argv += ["--bind", "/proc", "/proc"] if policy.weaker_nested else ["--proc", "/proc"]
    if read_only:
        argv += ["--tmpfs", "/tmp"]
        helper = [Path(filter_prefix[0])] if filter_prefix else []
        plan = read_only_plan(policy, cwd=cwd, keep=helper, skipped=skipped)
    else:
        plan = mount_plan(policy, skipped=skipped)
    for m in plan:
        argv += m.argv()
    for m in plan:
        if m.kind == "mask" and m.is_dir:
            argv += ["--remount-ro", os.fspath(m.path)]
    if read_only or session_tmp is None:
        tmp = "/tmp"
    else:
        tmp = os.path.realpath(session_tmp)
        argv += ["--bind", tmp, tmp]
    variables: dict[str, str] = {"TMPDIR": tmp, "SANDBOX_RUNTIME": "1", "WARDEN_SANDBOX": "1"}
    if network is not None:
        sock = os.fspath(network.socket_path)
        argv += ["--bind", sock, sock]
        variables.update(proxy_env(network))
    if env:
        variables.update(env)
    for key, value in variables.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", os.path.realpath(cwd), "--"]
    argv += inner_script(command, shell, network, filter_prefix)
    return argv
