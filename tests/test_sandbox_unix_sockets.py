"""Unix sockets are out of reach of sandboxed commands: stream and datagram, by path, in the
abstract namespace, through ``socketpair()``, and through the sandbox's own unfiltered processes
(issue 10 item 4; ``SPEC.md`` §8; REF §6.3; :func:`tui.sandbox.bwrap.unix_socket_filter`,
:mod:`tui.sandbox.filter_helper`).

Every attack runs for real, in Python inside bubblewrap, against listeners this test creates on
the host under ``tmp_path`` (visible inside through the read-only root); afterwards the host
checks that nothing arrived.  Skipped where the kernel forbids the sandbox.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui.sandbox.filter_helper as fh
from tui.sandbox.bwrap import filter_helper_argv, unix_socket_filter
from tui.sandbox.doctor import can_run
from tui.sandbox.network import SandboxNetwork
from tui.sandbox.policy import SandboxPolicy, resolve_policy
from tui.sandbox.runner import SandboxRunner
from tui.settings import load_settings

_OK, _WHY = can_run()
needs_bwrap = pytest.mark.skipif(not _OK, reason=f"the kernel forbids the sandbox: {_WHY}")
needs_landlock = pytest.mark.skipif(fh.landlock_abi() < 1,
                                    reason="this kernel has no Landlock (5.13+, lsm=landlock)")
needs_filter = pytest.mark.skipif(unix_socket_filter() is None,
                                  reason="no seccomp table for this machine's architecture")

PYTHON = os.path.realpath(sys.executable)


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


class Listeners:
    """Host-side sockets an attacker would aim at, all non-blocking."""

    def __init__(self, root: Path) -> None:
        self.log_path = str(root / "log.sock")  # stands in for /dev/log (syslog, datagram)
        self.app_path = str(root / "app.sock")  # stands in for /run/docker.sock (stream)
        self.abstract = "warden-test-" + secrets.token_hex(6)
        self.log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.log.bind(self.log_path)
        self.app = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.app.bind(self.app_path)
        self.app.listen(4)
        self.abs = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.abs.bind("\0" + self.abstract)
        for s in (self.log, self.app, self.abs):
            s.setblocking(False)

    def received(self) -> list[str]:
        got = []
        for name, sock in (("log", self.log), ("abstract", self.abs)):
            try:
                got.append(f"{name}: {sock.recv(100)!r}")
            except BlockingIOError:
                pass
        try:
            conn, _ = self.app.accept()
            conn.close()
            got.append("app: a connection")
        except BlockingIOError:
            pass
        return got

    def close(self) -> None:
        for s in (self.log, self.app, self.abs):
            s.close()


@pytest.fixture
def listeners(tmp_path: Path) -> Iterator[Listeners]:
    found = Listeners(_real(tmp_path))
    # The host itself can reach them: the attacks below would work without the sandbox.
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    probe.sendto(b"probe", found.log_path)
    probe.sendto(b"probe", "\0" + found.abstract)
    probe.close()
    assert sorted(found.received()) == ["abstract: b'probe'", "log: b'probe'"]
    yield found
    found.close()


# Runs inside the sandbox: every way to a host Unix socket; prints {attempt: outcome}.
ATTACKS = r"""
import ctypes, errno, json, socket, sys
log, app, abstract = sys.argv[1], sys.argv[2], "\0" + sys.argv[3]
out = {}
def attempt(name, fn):
    try:
        fn()
        out[name] = "ALLOWED"
    except OSError as e:
        out[name] = errno.errorcode.get(e.errno, str(e.errno))
U = socket.AF_UNIX
attempt("dgram sendto path", lambda: socket.socket(U, socket.SOCK_DGRAM).sendto(b"1", log))
def dgram_connect():
    s = socket.socket(U, socket.SOCK_DGRAM)
    s.connect(log)
    s.send(b"2")
attempt("dgram connect+send", dgram_connect)
attempt("dgram /dev/log", lambda: socket.socket(U, socket.SOCK_DGRAM).sendto(b"3", "/dev/log"))
attempt("dgram abstract", lambda: socket.socket(U, socket.SOCK_DGRAM).sendto(b"4", abstract))
attempt("stream connect", lambda: socket.socket(U, socket.SOCK_STREAM).connect(app))
attempt("seqpacket", lambda: socket.socket(U, socket.SOCK_SEQPACKET).connect(app))
attempt("socketpair dgram", lambda: socket.socketpair(U, socket.SOCK_DGRAM))
attempt("socketpair seqpacket", lambda: socket.socketpair(U, socket.SOCK_SEQPACKET))
# A stream pair is allowed (asyncio and libuv need one), and reaches nothing else: it is
# born connected, and a stream socket takes no address to send to.
pair = socket.socketpair()
pair[0].send(b"pair")
out["socketpair stream"] = "ALLOWED" if pair[1].recv(4) == b"pair" else "broken"
attempt("stream pair connect", lambda: pair[0].connect(app))
attempt("stream pair sendto path", lambda: pair[0].sendto(b"5", log))
attempt("stream pair sendto abstract", lambda: pair[0].sendto(b"5", abstract))
def pair_after_close():
    a, b = socket.socketpair()
    b.close()
    a.connect(app)
attempt("stream pair connect after close", pair_after_close)
# An AF_INET socket with a Unix address (Python refuses the shape, libc does not).
libc = ctypes.CDLL(None, use_errno=True)
inet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
addr = ctypes.create_string_buffer(110)
addr[0:2] = (1).to_bytes(2, sys.byteorder)
addr[2:2 + len(log)] = log.encode()
rc = libc.sendto(inet.fileno(), b"6", 1, 0, addr, 2 + len(log) + 1)
out["inet socket, unix address"] = "ALLOWED" if rc >= 0 else errno.errorcode[ctypes.get_errno()]
print(json.dumps(out))
"""


def _policy(project: Path, home: Path) -> SandboxPolicy:
    return resolve_policy(load_settings(project, only=()), cwd=project, working_dirs=[project],
                          home=home)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    root = _real(tmp_path) / "project"
    root.mkdir()
    home = _real(tmp_path) / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return root, home


async def _run(policy: SandboxPolicy, cwd: Path, command: str, *, network: bool) -> str:
    net = None
    factory = None
    if network:
        net = SandboxNetwork(allowed=(), denied=(), ask=None,
                             runtime_dir=Path(tempfile.mkdtemp(prefix="wnet")))
        factory = net.start
    runner = SandboxRunner(policy, cwd=cwd, network_factory=factory)
    try:
        result = await runner.run(command, timeout_s=60)
    finally:
        await runner.aclose()
        if net is not None:
            await net.aclose()
            shutil.rmtree(net.runtime_dir, ignore_errors=True)
    return result.output


def _attack_command(listeners: Listeners) -> str:
    import shlex

    return shlex.join([PYTHON, "-I", "-c", ATTACKS, listeners.log_path, listeners.app_path,
                       listeners.abstract])


# -- the attacks, in bubblewrap ------------------------------------------------------------------


@needs_bwrap
@needs_filter
@pytest.mark.parametrize("network", [False, True], ids=["no network", "network relay"])
async def test_no_unix_socket_of_any_kind_reaches_the_host(
        project: tuple[Path, Path], listeners: Listeners, network: bool) -> None:
    root, home = project
    output = await _run(_policy(root, home), root, _attack_command(listeners), network=network)
    seen = json.loads(output.strip().splitlines()[-1])
    assert seen == {
        "dgram sendto path": "EPERM", "dgram connect+send": "EPERM",
        "dgram /dev/log": "EPERM", "dgram abstract": "EPERM", "stream connect": "EPERM",
        "seqpacket": "EPERM", "socketpair dgram": "EPERM", "socketpair seqpacket": "EPERM",
        "socketpair stream": "ALLOWED", "stream pair connect": "EISCONN",
        "stream pair sendto path": seen["stream pair sendto path"],
        "stream pair sendto abstract": seen["stream pair sendto abstract"],
        "stream pair connect after close": "EISCONN",
        "inet socket, unix address": seen["inet socket, unix address"],
    }
    assert seen["inet socket, unix address"] in ("EAFNOSUPPORT", "EINVAL")
    for sent in ("stream pair sendto path", "stream pair sendto abstract"):
        assert seen[sent] in ("EISCONN", "EOPNOTSUPP"), seen
    assert listeners.received() == []


# Runs inside the sandbox: tries to take over every other process there (bubblewrap's init,
# the network relay), which are not under the filter and run as the same user.
HIJACK = r"""
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
me, out = os.getpid(), {}
for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
    if pid == me:
        continue
    try:
        name = open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        continue
    got = {}
    rc = libc.ptrace(16, pid, None, None)  # PTRACE_ATTACH
    got["attach"] = "ALLOWED" if rc == 0 else errno.errorcode[ctypes.get_errno()]
    if rc == 0:
        libc.ptrace(17, pid, None, None)  # PTRACE_DETACH
    try:
        open(f"/proc/{pid}/mem", "r+b").close()
        got["mem"] = "ALLOWED"
    except OSError as e:
        got["mem"] = errno.errorcode[e.errno]
    out[f"{pid}:{name}"] = got
print(json.dumps(out))
"""


@needs_bwrap
@needs_filter
@needs_landlock
@pytest.mark.parametrize("network", [False, True], ids=["no network", "network relay"])
async def test_the_sandboxes_own_processes_cannot_be_hijacked(
        project: tuple[Path, Path], network: bool) -> None:
    """Without Landlock a command could PTRACE_ATTACH bubblewrap's init or the relay (same
    user, no filter) and make it open a Unix socket for it; this was possible before."""
    import shlex

    root, home = project
    output = await _run(_policy(root, home), root,
                        shlex.join([PYTHON, "-I", "-c", HIJACK]), network=network)
    seen = json.loads(output.strip().splitlines()[-1])
    names = [key.split(":", 1)[1] for key in seen]
    assert "bwrap" in names
    if network:
        assert any(n in ("socat", "python3", "sh") for n in names if n != "bwrap")
    for who, got in seen.items():
        assert got["attach"] == "EPERM", who
        assert got["mem"] in ("EACCES", "EPERM", "ESRCH"), who  # ESRCH: a zombie, no memory


@needs_bwrap
@needs_filter
async def test_without_landlock_tracing_is_refused_by_seccomp(
        project: tuple[Path, Path], listeners: Listeners,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback (no Landlock, no compiled helper): bubblewrap applies the filter with the
    tracing calls refused; the Unix-socket attacks still fail."""
    import shlex

    monkeypatch.setattr(fh, "landlock_abi", lambda: 0)
    monkeypatch.setattr(fh, "helper_argv", lambda program, landlock=False: None)
    setup = fh.filter_setup(network=False, allow_all_unix_sockets=False, python=PYTHON)
    assert setup.prefix == () and setup.seccomp_program == unix_socket_filter(
        block_tracing=True)
    root, home = project
    policy = _policy(root, home)
    hijack = await _run(policy, root, shlex.join([PYTHON, "-I", "-c", HIJACK]), network=False)
    seen = json.loads(hijack.strip().splitlines()[-1])
    assert seen and all(got["attach"] == "EPERM" for got in seen.values())
    attacks = await _run(policy, root, _attack_command(listeners), network=False)
    outcomes = json.loads(attacks.strip().splitlines()[-1])
    assert outcomes.pop("socketpair stream") == "ALLOWED"  # a pair reaches only itself
    assert set(outcomes.values()) <= {"EPERM", "EAFNOSUPPORT", "EINVAL", "EISCONN",
                                      "EOPNOTSUPP"}
    assert listeners.received() == []


# -- the helpers on their own ------------------------------------------------------------------

PROBE = r"""
import ctypes, errno, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
def outcome(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print(outcome(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()),
      outcome(lambda: socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)),
      outcome(lambda: socket.socketpair()),
      outcome(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)),
      "ok" if libc.ptrace(16, int(sys.argv[1]), None, None) == 0
      else errno.errorcode[ctypes.get_errno()])
"""


def _helper_prefixes() -> list[tuple[str, tuple[str, ...]]]:
    program = unix_socket_filter()
    if program is None:
        return []
    found = [("python", filter_helper_argv(PYTHON, program, landlock=True))]
    compiled = fh.helper_argv(program, landlock=True)
    if compiled is not None:
        found.append(("compiled", compiled))
    return found


@needs_landlock
@pytest.mark.parametrize(("kind", "prefix"), _helper_prefixes(),
                         ids=[k for k, _ in _helper_prefixes()])
def test_helpers_refuse_socketpair_and_tracing_outside_the_domain(
        kind: str, prefix: tuple[str, ...]) -> None:
    outsider = subprocess.Popen(["sleep", "30"])
    try:
        done = subprocess.run([*prefix, PYTHON, "-I", "-c", PROBE, str(outsider.pid)],
                              capture_output=True, text=True, timeout=30)
    finally:
        outsider.kill()
        outsider.wait()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", "EPERM", "ok", "EPERM", "EPERM"]


def test_filter_program_shape() -> None:
    for machine in ("x86_64", "aarch64"):
        plain = unix_socket_filter(machine)
        tracing = unix_socket_filter(machine, block_tracing=True)
        assert plain is not None and tracing is not None
        assert len(tracing) - len(plain) == 4 * 2 * 8  # four more refused calls
    assert unix_socket_filter("riscv64") is None


def test_filter_setup_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fh, "landlock_abi", lambda: 6)
    monkeypatch.setattr(fh, "helper_argv",
                        lambda program, landlock=False: ("/h", program.hex(),
                                                         *(("--landlock",) if landlock else ())))
    setup = fh.filter_setup(network=True, allow_all_unix_sockets=False, python=None)
    assert setup.prefix[-1] == "--landlock" and setup.landlock and setup.network
    assert fh.filter_setup(network=True, allow_all_unix_sockets=True, python=None) == \
        fh.FilterSetup()
    monkeypatch.setattr(fh, "helper_argv", lambda program, landlock=False: None)
    with_python = fh.filter_setup(network=True, allow_all_unix_sockets=False, python=PYTHON)
    assert with_python.prefix[0] == PYTHON and with_python.prefix[-1] == "--landlock"
    no_python = fh.filter_setup(network=True, allow_all_unix_sockets=False, python=None)
    assert not no_python.network and no_python.seccomp_program is not None
    assert "no network" in no_python.notes[0]
