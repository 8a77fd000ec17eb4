"""Read ``strace -f -y`` logs and find what a read-only command did that its analysis missed.

The log comes from ``strace -f -qq -y -s 256 -e signal=none -e trace=...`` (see
:data:`bench.oracle_sandbox.TRACE_SYSCALLS`): one line per system call, prefixed with the pid,
file descriptors annotated with their paths (``3</tmp/x>``, ``AT_FDCWD</cwd>``), calls that
another process interrupted split into ``<unfinished ...>`` and ``<... name resumed>`` lines.

:func:`parse_trace` turns it into :class:`Syscall` records; :func:`classify` compares them with
an :class:`Expectation` (what the analysis listed) and returns :class:`Defect` records in four
families:

* ``write``: a file opened with ``O_WRONLY``, ``O_RDWR``, ``O_CREAT`` or ``O_TRUNC``, or
  ``creat``, ``unlink*``, ``rename*``, ``mkdir*``, ``rmdir``, ``symlink*``, ``link*``,
  ``truncate``, ``mknod*``, the ``chmod``/``chown`` family, ``utime*`` and ``*setxattr``/
  ``*removexattr``; attempts count, failed or not.  Not counted: :data:`STREAM_PATHS`
  (``/dev/null``, ``/dev/tty``, the standard streams) and the paths in
  :attr:`Expectation.ignore_writes`.  (strace's own log never shows: the tracer is not
  traced.)
* ``exec``: a successful ``execve``/``execveat`` whose basename the analysis did not list.  Not
  counted: the first one (the shell that launches the command), the interpreter a
  ``#!/usr/bin/env NAME`` script re-executes, and :data:`HELPERS` (a program running its own
  implementation, e.g. ``zcat`` running ``gzip``); these are returned as ``benign`` instead.
* ``connect``: ``connect()`` to anything but :data:`NAME_SERVICE_SOCKETS` (the Unix sockets
  glibc tries for user and host lookups: nscd, systemd's userdb), ``AF_NETLINK`` (the kernel)
  and ``AF_UNSPEC`` (a disconnect); ``sendto``/``sendmsg`` with an ``AF_INET``/``AF_INET6``
  address.  The sandbox has no network, so the attempt is what counts.
* ``canary``: a successful open (not write-only) of a canary file whose resolved path (the
  kernel's, from the ``-y`` annotation) is not a listed read nor inside a listed directory.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["HELPERS", "NAME_SERVICE_SOCKETS", "STREAM_PATHS", "Defect", "Expectation", "Syscall",
           "classify", "parse_trace", "split_args", "unquote"]

STREAM_PATHS = frozenset({
    "/dev/null", "/dev/tty", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/0",
    "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2",
})
"""Paths a write to is never a defect."""

NAME_SERVICE_SOCKETS = frozenset({
    "/var/run/nscd/socket", "/run/nscd/socket", "/run/systemd/userdb/io.systemd.DynamicUser",
    "/run/systemd/userdb/io.systemd.Multiplexer", "/run/systemd/userdb/io.systemd.Home",
    "/run/systemd/userdb/io.systemd.Machine",
})
"""Unix sockets glibc connects to on its own for ``getpwnam``-style lookups (``ls -l``)."""

HELPERS: dict[str, frozenset[str]] = {
    "zcat": frozenset({"gzip"}), "gunzip": frozenset({"gzip"}), "uncompress": frozenset({"gzip"}),
    "zgrep": frozenset({"gzip", "grep", "sed"}), "zegrep": frozenset({"zgrep", "gzip", "grep"}),
    "zfgrep": frozenset({"zgrep", "gzip", "grep"}), "zless": frozenset({"gzip", "less"}),
    "zmore": frozenset({"gzip", "more"}), "zdiff": frozenset({"gzip", "diff", "cmp", "mktemp"}),
    "egrep": frozenset({"grep"}), "fgrep": frozenset({"grep"}),
    "man": frozenset({"preconv", "tbl", "eqn", "neqn", "pic", "refer", "grefer", "vgrind",
                      "zsoelim", "manconv", "nroff", "groff", "troff", "grotty", "col",
                      "locale", "iconv", "gzip"}),
}
"""Program -> programs it runs as part of its own implementation: Debian's shell-script
wrappers around the real binary, and ``man``'s formatting pipeline (``groff`` and friends, run
by ``nroff`` run by ``man``: a helper's own execs are judged against the same program's set).
Such execs are reported as benign, never as defects.  What these helpers *write* still counts."""

_WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC")
_OPENS = frozenset({"open", "openat", "openat2", "creat"})
_PATH_WRITES: dict[str, tuple[int, ...]] = {  # syscall -> indexes of (dirfd?, path) args
    "unlink": (0,), "rmdir": (0,), "mkdir": (0,), "truncate": (0,), "chmod": (0,),
    "chown": (0,), "lchown": (0,), "mknod": (0,), "utime": (0,), "utimes": (0,),
    "setxattr": (0,), "lsetxattr": (0,), "removexattr": (0,), "lremovexattr": (0,),
    "rename": (0, 1), "link": (0, 1), "symlink": (1,),
}
_AT_WRITES: dict[str, tuple[int, ...]] = {  # dirfd-relative: index of the dirfd of each path
    "unlinkat": (0,), "mkdirat": (0,), "fchmodat": (0,), "fchownat": (0,), "mknodat": (0,),
    "utimensat": (0,), "futimesat": (0,), "renameat": (0, 2), "renameat2": (0, 2),
    "linkat": (0, 2), "symlinkat": (1,),
}
_FD_WRITES = frozenset({"fchmod", "fchown", "fsetxattr", "fremovexattr"})
_EXECS = frozenset({"execve", "execveat"})
_CLONES = frozenset({"clone", "clone3", "fork", "vfork"})

_CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)\s+=\s+(?P<ret>-?\d+|\?|0x[0-9a-f]+)"
                   r"(?:<(?P<retpath>[^>]*)>)?(?:\s+(?P<errno>E[A-Z0-9]+))?.*$")
_UNFINISHED = re.compile(r"^(?P<name>\w+)\((?P<args>.*?)\s*<unfinished \.\.\.>$")
_RESUMED = re.compile(r"^<\.\.\. (?P<name>\w+) resumed>(?P<rest>.*)$")
_ANNOT = re.compile(r"^(?:-?\d+|AT_FDCWD)<(?P<path>.*)>$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "a": "\a", "b": "\b",
            "\\": "\\", '"': '"', "'": "'"}


@dataclass(frozen=True)
class Syscall:
    """One completed system call of the log.

    Attributes:
        pid: the process (or thread) id as strace printed it.
        name: the syscall, e.g. ``"openat"``.
        argtext: the arguments as printed (:attr:`args` splits them).
        ret: the return value as printed (``"0"``, ``"-1"``, ``"3"``, ``"?"``).
        ret_path: the ``-y`` annotation of a returned descriptor (the kernel's resolved path).
        errno: the error name of a failed call (``"ENOENT"``), else ``None``.
        line: the whole call on one line (unfinished and resumed halves joined).
    """

    pid: int
    name: str
    argtext: str
    ret: str
    ret_path: str | None
    errno: str | None
    line: str

    @functools.cached_property
    def args(self) -> tuple[str, ...]:
        """The arguments split at top-level commas (see :func:`split_args`); computed once,
        on demand (a ``find /`` log has tens of thousands of calls nobody looks into)."""
        return split_args(self.argtext)


@dataclass(frozen=True)
class Expectation:
    """What the analysis said the command does, in the terms :func:`classify` compares.

    Attributes:
        programs: basenames of every program the analysis listed (wrappers included).
        reads: absolute, symlink-resolved paths the analysis listed as read (files or
            directories: a directory covers everything below it).
        canaries: absolute, symlink-resolved paths of the canary files.
        ignore_writes: more paths (files or directories: a directory covers everything
            below it) whose writes are not defects.
    """

    programs: frozenset[str]
    reads: tuple[str, ...] = ()
    canaries: frozenset[str] = frozenset()
    ignore_writes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Defect:
    """Something the command did that its analysis did not list.

    Attributes:
        family: ``"write"``, ``"exec"``, ``"connect"``, ``"canary"``, or ``"benign"`` for an
            exempted exec (reported, never counted as a defect).
        reason: one line, stable across runs, e.g. ``"exec warden-marker-fsmonitor (by git)"``.
        lines: the offending syscall lines (at most 5 kept per reason).
    """

    family: str
    reason: str
    lines: tuple[str, ...]


def unquote(text: str) -> str | None:
    """The value of a strace string argument (``"a\\"b"`` -> ``a"b``), ``None`` when ``text``
    is not a quoted string (``NULL``, a number, a truncated ``"..."...`` string is cut)."""
    text = text.strip()
    if not text.startswith('"'):
        return None
    out = bytearray()
    i, n = 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            break
        if c == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "x" and re.match(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            octal = re.match(r"[0-7]{1,3}", text[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += _ESCAPES.get(nxt, nxt).encode()
            i += 2
            continue
        out += c.encode()
        i += 1
    return out.decode("utf-8", "surrogateescape")


def split_args(text: str) -> tuple[str, ...]:
    """Split a syscall's argument text at commas outside strings, brackets and ``<...>``
    annotations: ``'AT_FDCWD</a,b>, "x,y", [1, 2]'`` -> ``('AT_FDCWD</a,b>', '"x,y"',
    '[1, 2]')``."""
    parts: list[str] = []
    depth, start, i, n = 0, 0, 0, len(text)
    in_str = in_annot = False
    while i < n:
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif in_annot:
            if c == ">":
                in_annot = False
        elif c == '"':
            in_str = True
        elif c == "<" and i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
            in_annot = True
        elif c in "[{(":
            depth += 1
        elif c in "]})":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    last = text[start:].strip()
    if last or parts:
        parts.append(last)
    return tuple(parts)


def parse_trace(text: str) -> list[Syscall]:
    """Parse a ``strace -f -y`` log into completed calls, in log order.

    Unfinished calls are joined with their resumption (by pid); signal lines, exit lines and
    strace's own messages are skipped, as are lines that do not parse.  Never raises.
    """
    calls: list[Syscall] = []
    pending: dict[int, tuple[str, str]] = {}
    for raw in text.splitlines():
        head_, _, body = raw.partition(" ")
        if not head_.isdigit():
            continue
        pid, body = int(head_), body.strip()
        if body.startswith(("---", "+++")):
            continue
        unfinished = _UNFINISHED.match(body) if body.endswith("...>") else None
        if unfinished:
            pending[pid] = (unfinished.group("name"), unfinished.group("args"))
            continue
        resumed = _RESUMED.match(body) if body.startswith("<...") else None
        if resumed:
            name, head = pending.pop(pid, (resumed.group("name"), ""))
            rest = resumed.group("rest")
            joiner = ", " if head and rest and not rest.startswith((")", ",")) else ""
            body = f"{name}({head}{joiner}{rest}"
        call = _CALL.match(body)
        if not call:
            continue
        calls.append(Syscall(pid, call.group("name"), call.group("args"), call.group("ret"),
                             call.group("retpath"), call.group("errno"), f"{pid} {body}"))
    return calls


def _annotation(arg: str) -> str | None:
    m = _ANNOT.match(arg.strip())
    return m.group("path") if m else None


def _join(dirfd_arg: str | None, path: str) -> str:
    if os.path.isabs(path) or dirfd_arg is None:
        return os.path.normpath(path)
    base = _annotation(dirfd_arg)
    return os.path.normpath(os.path.join(base, path)) if base else path


def _open_target(call: Syscall) -> tuple[str | None, str]:
    """(path as resolved by the kernel when it succeeded, else joined; flags text)."""
    if call.name == "openat2":
        path, dirfd = unquote(call.args[1]) if len(call.args) > 1 else None, call.args[0]
        m = re.search(r"flags=([A-Z_|0-9]+)", call.args[2] if len(call.args) > 2 else "")
        flags = m.group(1) if m else ""
    elif call.name == "openat":
        path = unquote(call.args[1]) if len(call.args) > 1 else None
        dirfd, flags = call.args[0], call.args[2] if len(call.args) > 2 else ""
    else:  # open, creat
        path, dirfd = unquote(call.args[0]) if call.args else None, None
        flags = "O_CREAT|O_WRONLY|O_TRUNC" if call.name == "creat" else (
            call.args[1] if len(call.args) > 1 else "")
    if path is None:
        return None, flags
    if call.ret_path and not call.ret.startswith("-"):
        return call.ret_path, flags
    return _join(dirfd, path), flags


def _write_paths(call: Syscall) -> list[str]:
    if call.name in _PATH_WRITES:
        return [p for i in _PATH_WRITES[call.name] if i < len(call.args)
                if (p := unquote(call.args[i])) is not None]
    if call.name in _AT_WRITES:
        out = []
        for i in _AT_WRITES[call.name]:
            path = unquote(call.args[i + 1]) if i + 1 < len(call.args) else None
            if path is None:  # utimensat(fd, NULL, ...): the descriptor itself
                out.append(_annotation(call.args[i]) or call.args[i])
            else:
                out.append(_join(call.args[i], path))
        return out
    if call.name in _FD_WRITES and call.args:
        return [_annotation(call.args[0]) or call.args[0]]
    return []


def _connect_problem(call: Syscall) -> str | None:
    text = ", ".join(call.args[1:2]) if call.name == "connect" else ", ".join(call.args)
    family = re.search(r"(?:sa|nl)_family=(AF_\w+)", text)
    if call.name != "connect":  # sendto/sendmsg: only an explicit Internet address
        if family and family.group(1) in ("AF_INET", "AF_INET6"):
            return f"send to {_address(text)}"
        return None
    if family is None or family.group(1) in ("AF_NETLINK", "AF_UNSPEC"):
        return None
    if family.group(1) == "AF_UNIX":
        m = re.search(r'sun_path=(@?"(?:[^"\\]|\\.)*")', text)
        path = m.group(1) if m else "?"
        value = unquote(path.lstrip("@")) or path
        if not path.startswith("@") and value in NAME_SERVICE_SOCKETS:
            return None
        return f"connect unix:{'@' if path.startswith('@') else ''}{value}"
    return f"connect {_address(text)}"


def _address(text: str) -> str:
    port = re.search(r"sin6?_port=htons\((\d+)\)", text)
    addr = re.search(r'inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]+)"', text)
    return f"{addr.group(1) if addr else '?'}:{port.group(1) if port else '?'}"


def _shebang_env(path: str) -> str | None:
    """``NAME`` when ``path`` starts with ``#!/usr/bin/env [-S] NAME``."""
    try:
        with open(path, "rb") as f:
            first = f.readline(256)
    except OSError:
        return None
    m = re.match(rb"#!\s*/(?:usr/)?bin/env\s+(?:-S\s+)?(\S+)", first)
    return os.path.basename(m.group(1).decode("utf-8", "replace")) if m else None


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def classify(calls: Iterable[Syscall], expected: Expectation) -> list[Defect]:
    """The defects (and benign execs) in ``calls``, one :class:`Defect` per distinct reason.

    Args:
        calls: the parsed log (:func:`parse_trace`).
        expected: what the analysis listed.

    Returns:
        Defects in order of first occurrence; ``family == "benign"`` entries are exempted execs.
    """
    found: dict[tuple[str, str], list[str]] = {}

    def add(family: str, reason: str, line: str) -> None:
        lines = found.setdefault((family, reason), [])
        if len(lines) < 5:
            lines.append(line)

    calls = list(calls)
    # A child's first calls can be logged before its parent's clone() returns: know every
    # parent up front, and let a child inherit its parent's program when it first shows up.
    parent_of = {int(c.ret): c.pid for c in calls if c.name in _CLONES and c.ret.isdigit()}
    image: dict[int, str] = {}  # pid -> basename of the program it runs
    exe: dict[int, str] = {}  # pid -> path it was executed from
    owner: dict[int, str] = {}  # pid -> the listed program whose helpers it may run
    launcher_seen = False
    for call in calls:
        if call.pid not in image and call.pid in parent_of:
            parent_pid = parent_of[call.pid]
            image[call.pid] = image.get(parent_pid, "?")
            exe[call.pid], owner[call.pid] = exe.get(parent_pid, ""), owner.get(parent_pid, "")
        if call.name in _CLONES and call.ret.isdigit():
            child = int(call.ret)
            if child not in image:
                image[child], exe[child] = image.get(call.pid, "?"), exe.get(call.pid, "")
                owner[child] = owner.get(call.pid, "")
        elif call.name in _EXECS and call.ret == "0":
            path = unquote(call.args[1 if call.name == "execveat" else 0]) or "?"
            name = os.path.basename(path)
            parent = image.get(call.pid, "?")
            mine = owner.get(call.pid, "")
            if not launcher_seen:
                launcher_seen = True
            elif name in expected.programs:
                mine = name
            elif name in HELPERS.get(mine, ()):
                add("benign", f"exec {name} (helper of {mine})", call.line)
            elif exe.get(call.pid) and _shebang_env(exe[call.pid]) == name:
                add("benign", f"exec {name} (#!/usr/bin/env of {parent})", call.line)
            else:
                add("exec", f"exec {name} (by {parent})", call.line)
                mine = ""
            image[call.pid], exe[call.pid], owner[call.pid] = name, path, mine
        elif call.name in _OPENS:
            if call.name == "openat" and call.ret_path not in expected.canaries \
                    and not any(f in call.argtext for f in _WRITE_FLAGS):
                continue  # the common case, decided without splitting the arguments
            path, flags = _open_target(call)
            if path is None:
                continue
            writes = call.name == "creat" or any(f in flags.split("|") for f in _WRITE_FLAGS)
            if writes:
                if path not in STREAM_PATHS and not _under(path, expected.ignore_writes):
                    add("write", f"open for writing {path}", call.line)
            elif (not call.ret.startswith("-") and call.ret_path in expected.canaries
                  and not _under(call.ret_path, expected.reads)):
                add("canary", f"read {call.ret_path}", call.line)
        elif call.name in _PATH_WRITES or call.name in _AT_WRITES or call.name in _FD_WRITES:
            paths = _write_paths(call)
            if any(p not in STREAM_PATHS and not _under(p, expected.ignore_writes)
                   for p in paths):
                add("write", f"{call.name} {' -> '.join(paths)}", call.line)
        elif call.name in ("connect", "sendto", "sendmsg"):
            problem = _connect_problem(call)
            if problem:
                add("connect", problem, call.line)
    return [Defect(family, reason, tuple(lines)) for (family, reason), lines in found.items()]
