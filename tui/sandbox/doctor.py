"""``warden doctor``: can the sandbox run here, and if not, exactly what to do about it.

Source: ``SPEC.md`` §8 ("if bubblewrap is missing or cannot start, Warden says why and how to
fix it"), REF §6.1 (the ``/sandbox`` Dependencies tab), REF §6.3 (dependencies: ``bwrap``,
``socat``; Ubuntu 24.04+ needs an AppArmor profile granting ``bwrap`` ``userns`` when
``kernel.apparmor_restrict_unprivileged_userns=1``).

Every check has a name, whether it passed, a detail and, when it failed, one concrete sentence
saying how to fix it.  Only the *required* checks (the binary and a real start of bubblewrap
with the flags Warden uses) decide :attr:`DoctorReport.ok`; the others explain a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.sandbox.policy import SandboxPolicy

__all__ = ["Check", "DoctorReport", "can_run", "diagnose", "probe_argv"]

PROBE_TIMEOUT_S = 5.0
"""Seconds the real bubblewrap start may take before it counts as failed."""

INSTALL_FIX = ("install it: apt-get install bubblewrap (Debian, Ubuntu), dnf install bubblewrap "
               "(Fedora), pacman -S bubblewrap (Arch)")

_SYSCTL = Path("/proc/sys")


@dataclass(frozen=True)
class Check:
    """One diagnosis.

    Attributes:
        name: short label, e.g. ``"bubblewrap binary"``.
        ok: whether it passed.
        detail: what was found (a path, a version, an error message).
        fix: one sentence saying how to fix a failure; empty when ``ok``.
        required: whether the sandbox cannot run without it.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = False


@dataclass(frozen=True)
class DoctorReport:
    """All checks, in order; :attr:`ok` when every required one passed."""

    checks: tuple[Check, ...]
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the sandbox can run here."""
        return all(c.ok for c in self.checks if c.required)

    def reason(self) -> str:
        """Why the sandbox cannot run and how to fix it (first failing required check), or
        ``""`` when it can."""
        for c in self.checks:
            if c.required and not c.ok:
                return f"{c.name}: {c.detail}. Fix: {c.fix}" if c.fix else f"{c.name}: {c.detail}"
        return ""

    def summary(self) -> str:
        """Text for people: one line per check (``ok``/``FAIL``/``warn``), fixes indented."""
        lines = []
        for c in self.checks:
            mark = "ok  " if c.ok else ("FAIL" if c.required else "warn")
            lines.append(f"[{mark}] {c.name}: {c.detail}")
            if not c.ok and c.fix:
                lines.append(f"       fix: {c.fix}")
        for p in self.problems:
            lines.append(f"[note] settings: {p}")
        lines.append("The sandbox can run here." if self.ok else
                     "The sandbox cannot run here; Bash commands that must be sandboxed are "
                     "refused (failIfUnavailable) or run unsandboxed with prompts.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """``{"ok": bool, "checks": [{name, ok, detail, fix, required}], "problems": [...]}``."""
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks],
                "problems": list(self.problems)}


def _read_sysctl(name: str) -> str | None:
    try:
        return (_SYSCTL / name).read_text(encoding="ascii").strip()
    except OSError:
        return None


def probe_argv(bwrap: str, seccomp_fd: int | None = None) -> list[str]:
    """A real sandbox start with every feature :func:`tui.sandbox.bwrap.build_argv` uses
    (``seccomp_fd``: a file descriptor holding the Unix-socket filter, passed to the child)."""
    from tui.sandbox.bwrap import FLAGS

    argv = [bwrap, *FLAGS]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    return [*argv, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp", "--ro-bind", "/dev/null", "/tmp/x", "--remount-ro", "/tmp",
            "--json-status-fd", "1", "--setenv", "WARDEN_SANDBOX", "1", "--chdir", "/",
            "--", "/bin/sh", "-c", "exit 0"]


def _binary_check(policy: SandboxPolicy | None) -> tuple[Check, str | None]:
    if policy is not None and policy.bwrap_configured:
        path = policy.bwrap_path or ""
        where = "sandbox.bwrapPath (managed settings)"
        if not os.path.isabs(path):
            return Check("bubblewrap binary", False, f"{where} {path!r} is not an absolute path",
                         "ask your administrator to set sandbox.bwrapPath to an absolute path",
                         True), None
        if not os.path.exists(path):
            return Check("bubblewrap binary", False, f"{where} names {path}, which does not "
                         "exist", f"install bubblewrap at {path}, or have your administrator "
                         "correct sandbox.bwrapPath in the managed settings", True), None
        if not os.access(path, os.X_OK):
            return Check("bubblewrap binary", False, f"{where} names {path}, which is not "
                         "executable", f"chmod +x {path}", True), None
        return Check("bubblewrap binary", True, f"{path} (from {where})", required=True), path
    found = policy.bwrap_path if policy is not None and policy.bwrap_path else None
    found = found or shutil.which("bwrap")
    if found is None:
        return Check("bubblewrap binary", False, "bwrap is not on PATH", INSTALL_FIX, True), None
    return Check("bubblewrap binary", True, found, required=True), found


def _probe(bwrap: str, hints: list[Check]) -> Check:
    from tui.sandbox.bwrap import unix_socket_filter

    name = "namespaces usable"
    program = unix_socket_filter()
    fd: int | None = None
    try:
        if program is not None:
            fd = os.memfd_create("warden-seccomp-probe", os.MFD_CLOEXEC)
            os.write(fd, program)
            os.lseek(fd, 0, os.SEEK_SET)
        done = subprocess.run(probe_argv(bwrap, fd), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=PROBE_TIMEOUT_S, check=False,
                              pass_fds=() if fd is None else (fd,))
    except subprocess.TimeoutExpired:
        return Check(name, False, f"bubblewrap did not finish within {PROBE_TIMEOUT_S:g} s",
                     "check that the system is not overloaded and that bwrap works: "
                     f"{bwrap} --ro-bind / / true", True)
    except OSError as exc:
        return Check(name, False, f"{bwrap} could not be started: {exc.strerror}",
                     f"reinstall bubblewrap ({INSTALL_FIX})", True)
    finally:
        if fd is not None:
            os.close(fd)
    if done.returncode == 0:
        filtered = ", the Unix-socket filter" if program is not None else ""
        return Check(name, True, "started a sandbox with new PID, network, IPC and UTS "
                     f"namespaces, a fresh /proc, read-only mounts{filtered}", required=True)
    err = done.stderr.decode("utf-8", "replace").strip().splitlines()
    message = err[-1] if err else f"exit status {done.returncode}"
    failing = [h for h in hints if not h.ok and h.fix]
    if failing:
        fix = failing[0].fix
    elif "proc" in message.lower():
        fix = ("inside an unprivileged container /proc cannot be mounted: run the container "
               "with user namespaces allowed, or set sandbox.enableWeakerNestedSandbox "
               "(weaker: the host /proc stays visible)")
    else:
        fix = ("allow unprivileged user namespaces (sudo sysctl -w "
               "kernel.unprivileged_userns_clone=1), or install bwrap setuid root "
               "(chmod u+s on the bwrap binary)")
    return Check(name, False, f"bubblewrap could not start a sandbox: {message}", fix, True)


def _userns_checks() -> list[Check]:
    out: list[Check] = []
    if os.geteuid() == 0:
        out.append(Check("user namespaces", True, "not needed: running as root (bubblewrap "
                         "drops every capability inside the sandbox)"))
    else:
        clone = _read_sysctl("kernel/unprivileged_userns_clone")
        if clone is not None:
            out.append(Check("kernel.unprivileged_userns_clone", clone != "0", f"= {clone}",
                             "" if clone != "0" else
                             "sudo sysctl -w kernel.unprivileged_userns_clone=1 (persist it in "
                             "/etc/sysctl.d/99-userns.conf)"))
        limit = _read_sysctl("user/max_user_namespaces")
        if limit is not None:
            out.append(Check("user.max_user_namespaces", limit != "0", f"= {limit}",
                             "" if limit != "0" else
                             "sudo sysctl -w user.max_user_namespaces=15000"))
    restrict = _read_sysctl("kernel/apparmor_restrict_unprivileged_userns")
    if restrict is None:
        out.append(Check("AppArmor user-namespace restriction", True, "not present"))
    else:
        ok = restrict == "0" or os.geteuid() == 0
        out.append(Check("AppArmor user-namespace restriction", ok,
                         f"kernel.apparmor_restrict_unprivileged_userns = {restrict}",
                         "" if ok else
                         "add an AppArmor profile that grants bwrap userns (/etc/apparmor.d/"
                         "bwrap: 'abi <abi/4.0>, profile bwrap /usr/bin/bwrap flags=(unconfined)"
                         " { userns, }', then apparmor_parser -r it), or sudo sysctl -w "
                         "kernel.apparmor_restrict_unprivileged_userns=0"))
    return out


def _version_check(bwrap: str) -> Check:
    try:
        done = subprocess.run([bwrap, "--version"], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("bubblewrap version", False, f"bwrap --version failed: {exc}",
                     f"reinstall bubblewrap ({INSTALL_FIX})")
    text = done.stdout.decode("utf-8", "replace").strip() or done.stderr.decode(
        "utf-8", "replace").strip()
    return Check("bubblewrap version", done.returncode == 0, text or "unknown",
                 "" if done.returncode == 0 else f"reinstall bubblewrap ({INSTALL_FIX})")


def _filter_check(policy: SandboxPolicy | None) -> Check:
    from tui.sandbox.bwrap import unix_socket_filter

    if policy is not None and policy.allow_all_unix_sockets:
        return Check("Unix-socket filter", True, "off: sandbox.network.allowAllUnixSockets is "
                     "true (commands can connect to any Unix socket they can see)")
    if unix_socket_filter() is None:
        return Check("Unix-socket filter", False, "no seccomp table for this machine: "
                     "sandboxed commands can connect to Unix sockets (Docker, D-Bus)",
                     "run on x86-64 or arm64, or keep sockets such as /var/run/docker.sock "
                     "out of reach (sandbox.filesystem.denyRead)")
    from tui.sandbox.filter_helper import landlock_abi

    refused = ("socket(AF_UNIX) of every type, socketpair(AF_UNIX) but a stream pair, and "
               "io_uring refused (seccomp)")
    abi = landlock_abi()
    if abi >= 1:
        return Check("Unix-socket filter", True, f"{refused}; commands run in a Landlock "
                     f"domain (ABI {abi}), so they cannot trace the sandbox's own processes")
    return Check("Unix-socket filter", False, f"{refused}; Landlock is not available, so a "
                 "command could still write the memory of the sandbox's own processes "
                 "(bubblewrap's init, the network relay) through /proc and open a Unix "
                 "socket through them (tracing them is refused)",
                 "use a kernel with Landlock (5.13 or later, with landlock in the lsm= list) "
                 "to close this")


def _bridge_check() -> Check:
    try:
        from tui.sandbox.network import bridge_available
    except ImportError:
        return Check("network bridge", True, "not checked")
    ok, detail = bridge_available()
    return Check("network bridge", ok, detail,
                 "" if ok else "install socat (apt-get install socat): without it sandboxed "
                 "commands get no network")


def diagnose(policy: SandboxPolicy | None = None) -> DoctorReport:
    """Run every check (a real bubblewrap start included, at most :data:`PROBE_TIMEOUT_S`).

    Args:
        policy: the session's policy (its ``bwrap_path``, and its problems are listed), or
            None to look for ``bwrap`` on ``PATH``.

    Never raises.
    """
    binary, path = _binary_check(policy)
    checks = [binary]
    hints = _userns_checks()
    if path is not None:
        checks.append(_version_check(path))
        checks.append(_probe(path, hints))
    else:
        checks.append(Check("namespaces usable", False, "not tried: no bubblewrap binary",
                            binary.fix, True))
    checks += hints
    checks.append(_filter_check(policy))
    checks.append(_bridge_check())
    checks.append(_read_only_check(checks))
    problems = tuple(policy.problems) if policy is not None else ()
    return DoctorReport(tuple(checks), problems)


def _read_only_check(checks: list[Check]) -> Check:
    """Whether commands Warden judges read-only run contained (issue 10 item 1): bubblewrap
    starts and the Unix-socket filter exists (``allowAllUnixSockets`` does not apply there)."""
    from tui.sandbox.bwrap import unix_socket_filter

    name = "read-only checks"
    failed = next((c for c in checks if c.required and not c.ok), None)
    if failed is None and unix_socket_filter() is None:
        failed = Check("Unix-socket filter", False, "no seccomp table for this machine",
                       "run on x86-64 or arm64")
    if failed is None:
        return Check(name, True, "contained: commands Warden judges read-only run in a "
                     "read-only sandbox (nothing writable, private /tmp, no network)")
    return Check(name, False, f"analysis only: commands Warden judges read-only run without a "
                 f"sandbox, because {failed.name} failed ({failed.detail})",
                 f"enable the read-only sandbox: {failed.fix}" if failed.fix else
                 "enable the read-only sandbox: make bubblewrap start here")


def can_run(policy: SandboxPolicy | None = None) -> tuple[bool, str]:
    """The quick form for the runner: the binary and a real start only.

    Returns:
        ``(True, "<bwrap path>")`` or ``(False, "why. Fix: how")``.
    """
    binary, path = _binary_check(policy)
    if path is None:
        return False, DoctorReport((binary,)).reason()
    probe = _probe(path, _userns_checks())
    if not probe.ok:
        return False, DoctorReport((probe,)).reason()
    return True, path
