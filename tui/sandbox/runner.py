"""Run one shell command inside bubblewrap and report what the sandbox blocked.

Source: ``SPEC.md`` §8, REF §6.3 (per-command wrapping, violations appended to the output the
model sees), REF §6.2 (per-session temp dir as ``$TMPDIR``; protected paths; bare-repository
plant files).

Three profiles (:data:`tui.permissions.sandbox_mode.SandboxProfile`, the ``profile`` argument of
:meth:`SandboxRunner.run`): ``"sandbox"`` (the configured sandbox), ``"auto-allow"`` (the same,
with every protected path of REF §11.1 read-only, existing or not: :mod:`tui.sandbox.protect`)
and ``"read-only"`` (nothing writable, private ``/tmp``, no network: :mod:`tui.sandbox.readonly`).
Protected paths that do not exist are held read-only for the command's duration
(:func:`tui.sandbox.protect.plan_holds`), then removed.

Fails closed: when bubblewrap is missing, cannot start, or fails while setting up the sandbox,
:meth:`SandboxRunner.run` raises :class:`SandboxUnavailable`; it never falls back to running the
command without the sandbox.  Whether a command that cannot be sandboxed may run unsandboxed is
the caller's decision (``failIfUnavailable``, the permission prompt), never this module's.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tui.pathutil import lexically_inside
from tui.sandbox.bwrap import NetworkSetupLike, build_argv
from tui.sandbox.policy import (
    SandboxPolicy,
    audit_candidates,
    is_git_dir,
    protected_write_paths,
    snapshot,
    snapshot_changes,
)

__all__ = ["SandboxResult", "SandboxRunner", "SandboxUnavailable", "write_violations"]

_PROFILES = frozenset({"sandbox", "auto-allow", "read-only"})

MAX_VIOLATIONS = 20
"""Most violation sentences reported for one command."""

_DRAIN_S = 0.5
"""Seconds to keep reading after bubblewrap exits (its pid namespace is gone by then)."""

_MARKERS: tuple[tuple[str, str], ...] = (
    ("read-only file system", "read-only file system"),
    ("errno 30", "read-only file system"),
    ("erofs", "read-only file system"),
    ("device or resource busy", "protected mount point"),
    ("permission denied", "permission denied"),
)
_QUOTED = re.compile(r"""['\u2018\u201c"`]([^'\u2019\u201d"`]+)['\u2019\u201d"`]""")
_CREATE = re.compile(r"(?:cannot|can't|could not|unable to) \w+(?: \w+)*? (/?[^\s:'\"]+)$")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run this command.  The message says why and how to fix it."""


@dataclass(frozen=True)
class SandboxResult:
    """The outcome of one sandboxed command.

    Attributes:
        exit_code: the command's exit status (``128 + N`` when killed by signal N inside the
            sandbox; ``-N`` when bubblewrap itself was killed by signal N, as on a timeout).
        output: stdout and stderr merged, capped at ``output_limit`` characters (head + tail).
        timed_out: the command ran past ``timeout_s`` and its process group was killed.
        violations: sentences naming what the sandbox blocked, e.g.
            ``"write blocked: /etc/passwd (read-only file system)"`` or
            ``"protected path created: /p/.mcp.json (...)"``.  Blocked hosts are reported by
            the network (:meth:`tui.sandbox.network.SandboxNetwork.blocked`).
    """

    exit_code: int
    output: str
    timed_out: bool
    violations: tuple[str, ...] = ()


def _blocked_path(line: str) -> str | None:
    """The path an error line names, or None."""
    quoted = _QUOTED.findall(line)
    if quoted:
        return quoted[0]
    lowered = line.lower()
    for marker, _ in _MARKERS:
        i = lowered.find(marker)
        if i > 0:
            head = line[:i].rstrip(" :")
            segment = head.rsplit(": ", 1)[-1].strip()
            match = _CREATE.search(segment)
            if match:
                return match.group(1)
            if segment and " " not in segment and not segment.isdigit():
                return segment
    return None


def write_violations(output: str, *, cwd: Path, policy: SandboxPolicy,
                     permission_denied: bool = True) -> list[str]:
    """``"write blocked: <path> (<why>)"`` for each error line naming a path the sandbox made
    read-only (REF §6.3: the model should see which path was blocked).

    Lines with "Read-only file system" (``EROFS``) or "Device or resource busy" (a mount point:
    a protected path or one of its parents) are always reported; "Permission denied" only when
    the path is not writable under the policy (outside every write path, or inside a read-only
    one), since ordinary permission errors happen without a sandbox too; never with
    ``permission_denied=False`` (the read-only sandbox: a write there fails with ``EROFS``, so a
    "Permission denied" is the host's own refusal, as often of a read).  Relative paths are
    shown joined to ``cwd``.
    """
    found: list[str] = []
    seen: set[str] = set()
    for line in output.splitlines():
        lowered = line.lower()
        why = next((w for marker, w in _MARKERS if marker in lowered), None)
        if why is None:
            continue
        path = _blocked_path(line)
        if not path:
            continue
        shown = os.path.normpath(os.path.join(cwd, path))
        if why == "permission denied" and (not permission_denied
                                           or _writable(Path(shown), policy)):
            continue
        if shown in seen:
            continue
        seen.add(shown)
        found.append(f"write blocked: {shown} ({why})")
        if len(found) >= MAX_VIOLATIONS:
            break
    return found


def _writable(path: Path, policy: SandboxPolicy) -> bool:
    real = Path(os.path.realpath(path))
    if not lexically_inside(real, *policy.write_paths):
        return False
    return not lexically_inside(real, *policy.deny_write)


def _python() -> str | None:
    """A ``python3`` the sandbox can run (for the Unix-socket filter helper), or None."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3", sys.executable or ""):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.realpath(candidate)
    return None


def _filter_fd(program: bytes) -> int:
    """A sealed-size memory file holding ``program``, offset 0 (for ``--seccomp FD``)."""
    fd = os.memfd_create("warden-seccomp", os.MFD_CLOEXEC)
    os.write(fd, program)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _shell() -> str:
    """bash when installed (what the Bash tool runs), else sh; ``realpath``'d."""
    found = shutil.which("bash") or shutil.which("sh") or "/bin/sh"
    return os.path.realpath(found)


class SandboxRunner:
    """Runs shell commands in bubblewrap for one session.

    Args:
        policy: the session's resolved policy.
        cwd: the directory commands start in.
        network_factory: starts the session's network (called once, at the first command);
            None for no network at all.  If it fails, commands run with no network and the
            failure is reported as a violation.
        shell: the shell inside the sandbox (default: bash, else sh).

    A per-session temp dir (mode ``0700``) is created at the first command and removed by
    :meth:`aclose`.
    """

    def __init__(self, policy: SandboxPolicy, *, cwd: Path,
                 network_factory: Callable[[], Awaitable[NetworkSetupLike]] | None = None,
                 shell: str | None = None) -> None:
        self.policy = policy
        self.cwd = Path(cwd)
        self.network_factory = network_factory
        self.shell = shell or _shell()
        self._tmp: Path | None = None
        self._available: tuple[bool, str] | None = None
        self._network: NetworkSetupLike | None = None
        self._network_error: str | None = None
        self._network_lock = asyncio.Lock()
        self._releasing: asyncio.Future[list[str]] | None = None
        """The previous command's held paths being removed (the next command waits for it)."""
        self._carried: list[str] = []

    @property
    def session_tmp(self) -> Path | None:
        """The per-session temp dir, once created."""
        return self._tmp

    def available(self) -> tuple[bool, str]:
        """``(True, bwrap path)`` or ``(False, why and how to fix)``; the first answer is kept
        (it starts bubblewrap once, at most :data:`tui.sandbox.doctor.PROBE_TIMEOUT_S`)."""
        if self._available is None:
            from tui.sandbox.doctor import can_run

            self._available = can_run(self.policy)
        return self._available

    def _ensure_tmp(self) -> Path:
        if self._tmp is None or not self._tmp.is_dir():
            self._tmp = Path(os.path.realpath(tempfile.mkdtemp(prefix="warden-sandbox-")))
            os.chmod(self._tmp, 0o700)
        return self._tmp

    async def _ensure_network(self) -> NetworkSetupLike | None:
        if self.network_factory is None or self._network_error is not None:
            return self._network
        async with self._network_lock:
            if self._network is None and self._network_error is None:
                try:
                    self._network = await self.network_factory()
                except (OSError, RuntimeError, ValueError) as exc:
                    self._network_error = str(exc) or type(exc).__name__
        return self._network

    def _prepare(self) -> tuple[SandboxPolicy, list[str]]:
        """The policy for this command: protected paths looked for again (the project may have
        changed), missing ``.claude`` / ``.git/hooks`` created empty so they can be mounted
        read-only."""
        policy = self.policy
        notes: list[str] = []
        if policy.filesystem_disabled:
            return policy, notes
        # Read/Edit deny paths as they are now (issue 10 item 3; tui.sandbox.masks): a command
        # whose masks cannot all be computed does not run.
        from tui.sandbox.masks import MaskUnavailable
        from tui.sandbox.policy import refresh_masks

        try:
            policy = refresh_masks(policy)
        except MaskUnavailable as exc:
            raise SandboxUnavailable(f"the sandbox could not hide the denied paths: {exc}"
                                     ) from exc
        working = policy.working_dirs or (Path(os.path.realpath(self.cwd)),)
        home = policy.home or Path(os.environ.get("HOME") or Path.home())
        existing, missing = protected_write_paths(policy.write_paths, working_dirs=working,
                                                  home=home, user_dir=policy.user_dir)
        if missing:
            for path in missing:
                try:
                    path.mkdir(exist_ok=True)
                except OSError as exc:
                    notes.append(f"could not create {path} to protect it: {exc.strerror}")
            existing, _ = protected_write_paths(policy.write_paths, working_dirs=working,
                                                home=home, user_dir=policy.user_dir)
        deny = sorted(set(policy.deny_write) | set(existing))
        return dataclasses.replace(policy, deny_write=tuple(deny), working_dirs=working), notes

    def _prepare_read_only(self) -> SandboxPolicy:
        """The read-only profile's policy for this command: the masks computed again, nothing
        writable (:func:`tui.sandbox.readonly.read_only_policy`)."""
        from tui.sandbox.masks import MaskUnavailable
        from tui.sandbox.policy import refresh_masks
        from tui.sandbox.readonly import read_only_policy

        base = dataclasses.replace(self.policy, filesystem_disabled=False)
        try:
            base = refresh_masks(base)
        except MaskUnavailable as exc:
            raise SandboxUnavailable(f"the sandbox could not hide the denied paths: {exc}"
                                     ) from exc
        working = base.working_dirs or (Path(os.path.realpath(self.cwd)),)
        return read_only_policy(dataclasses.replace(base, working_dirs=working))

    def _prepare_and_snapshot(self, profile: str = "sandbox") -> _Prepared:
        """Everything done on the host before one command, off the event loop: the policy,
        the held protected paths (created here: :func:`tui.sandbox.protect.make_holds`) and the
        snapshots the violations are computed from afterwards."""
        from tui.sandbox.protect import (
            auto_allow_protected,
            make_holds,
            plan_holds,
            watched_missing,
        )

        if profile == "read-only":
            return _Prepared(self._prepare_read_only(), [], {}, {})
        policy, notes = self._prepare()
        auto = profile == "auto-allow"
        held, hold_notes = make_holds(plan_holds(policy, auto_allow=auto))
        notes += hold_notes
        extra = [h.hold.path for h in held]
        if auto:
            extra += auto_allow_protected(policy)
        if extra:
            deny = sorted(set(policy.deny_write) | set(extra))
            policy = dataclasses.replace(policy, deny_write=tuple(deny))
        watched = watched_missing(policy) if auto else []
        before = snapshot(audit_candidates(policy))
        git_before = {wd: is_git_dir(wd) for wd in policy.working_dirs}
        return _Prepared(policy, notes, before, git_before, held, watched)

    async def run(self, command: str, *, timeout_s: float, env: Mapping[str, str] | None = None,
                  output_limit: int = 30_000, profile: str = "sandbox") -> SandboxResult:
        """Run ``command`` with ``shell -c`` in the sandbox.

        Args:
            command: the shell command.
            timeout_s: seconds before the command's process group is killed.
            env: the environment (default: this process's); passed to bubblewrap, which
                passes it on, so secrets never appear in argv.
            output_limit: characters of output kept (head and tail).
            profile: ``"sandbox"``, ``"auto-allow"`` or ``"read-only"``
                (:data:`tui.permissions.sandbox_mode.SandboxProfile`).  ``"read-only"`` never
                uses the network factory or the session temp dir.

        Raises:
            SandboxUnavailable: bubblewrap is missing, cannot start, or failed while setting
                up the sandbox (the command did not run).
            ValueError: an unknown ``profile``.
            asyncio.CancelledError: re-raised after the sandbox has been killed.
        """
        if profile not in _PROFILES:
            raise ValueError(f"unknown sandbox profile {profile!r}")
        ok, why = self.available()
        if not ok:
            raise SandboxUnavailable(why)
        await self._released()
        # File-system scans run off the event loop (bounded, but a big tree takes milliseconds).
        prepared = await asyncio.to_thread(self._prepare_and_snapshot, profile)
        try:
            result = await self._run_prepared(command, prepared, timeout_s=timeout_s, env=env,
                                              output_limit=output_limit,
                                              read_only=profile == "read-only")
        except BaseException:
            _after(prepared)  # a few unlinks: the held paths must not outlive the command
            raise
        notes, self._carried = self._carried, []
        if prepared.held and not prepared.released:
            # The held paths are removed in the background; the next command and aclose()
            # wait for it (removing a directory costs a journal write: ~0.3 ms each).
            held = prepared.held
            prepared.released = True
            self._releasing = asyncio.ensure_future(asyncio.to_thread(_release, held))
        if not notes:
            return result
        violations = (*notes, *result.violations)[:MAX_VIOLATIONS]
        return dataclasses.replace(result, violations=violations)

    async def _released(self) -> None:
        """Wait until the previous command's held paths are gone; keep what it said for the
        next result."""
        pending, self._releasing = self._releasing, None
        if pending is not None:
            self._carried += await asyncio.shield(pending)

    async def _run_prepared(self, command: str, prepared: _Prepared, *, timeout_s: float,
                            env: Mapping[str, str] | None, output_limit: int,
                            read_only: bool) -> SandboxResult:
        """:meth:`run` once the host side is prepared."""
        from tui.process import OutputCollector, run_group

        policy, notes = prepared.policy, list(prepared.notes)
        before, git_before = prepared.before, prepared.git_before
        tmp = None if read_only else self._ensure_tmp()
        network = None if read_only else await self._ensure_network()
        # The Unix-socket filter (+ a Landlock domain where the kernel has it), applied by a
        # helper in front of the command, or by bubblewrap (tui.sandbox.filter_helper).
        from tui.sandbox.filter_helper import filter_setup

        setup = await asyncio.to_thread(
            filter_setup, network=network is not None,
            allow_all_unix_sockets=policy.allow_all_unix_sockets, python=_python())
        prefix = setup.prefix
        if not setup.network:  # fail closed: no network rather than no socket filter
            network = None
        notes.extend(setup.notes)
        program = setup.seccomp_program
        seccomp_fd = _filter_fd(program) if program is not None else None
        if read_only and not prefix and seccomp_fd is None:
            raise SandboxUnavailable("the Unix-socket filter cannot be applied on this machine, "
                                     "so the read-only sandbox cannot stop connections. The "
                                     "command did not run. Fix: run `warden doctor`")
        argv = build_argv(policy, command, cwd=self.cwd, session_tmp=tmp, shell=self.shell,
                          network=network, seccomp_fd=seccomp_fd, filter_prefix=prefix,
                          read_only=read_only)
        status_r, status_w = os.pipe()
        argv[1:1] = ["--json-status-fd", str(status_w)]
        fds = (status_w,) if seccomp_fd is None else (status_w, seccomp_fd)
        # Read from before the start: the pipe ends once bubblewrap and this process (whose
        # copies run_group closes when the child has started) have closed their write ends.
        status_task = asyncio.create_task(asyncio.to_thread(_read_all, status_r))
        sink = OutputCollector(output_limit)
        try:
            done = await run_group(argv, stdout=sink, env=env, timeout_s=timeout_s,
                                   drain_s=_DRAIN_S, hand_over_fds=fds)
        except OSError as exc:
            await status_task  # empty: the write ends are closed
            raise SandboxUnavailable(f"bubblewrap ({argv[0]}) could not be started: "
                                     f"{exc.strerror}. Fix: run `warden doctor`") from exc
        timed_out = done.timed_out
        status = await status_task
        output = sink.text()
        if not timed_out and '"exit-code"' not in status:
            # bubblewrap writes "exit-code" only once the command has run; without it the
            # sandbox failed while being set up (a missing mount source, a chdir...).
            detail = "; ".join(ln.strip() for ln in output.splitlines()
                               if ln.startswith("bwrap:")) or output.strip()[:500]
            raise SandboxUnavailable(f"bubblewrap could not set up the sandbox: {detail}. "
                                     "The command did not run. Fix: run `warden doctor`")
        code = _exit_code(status, done.returncode)
        violations = list(notes)
        if read_only:
            from tui.sandbox.readonly import network_violations

            violations += write_violations(output, cwd=self.cwd, policy=policy,
                                           permission_denied=False)
            violations += network_violations(output)
            return SandboxResult(code, output, timed_out, tuple(violations[:MAX_VIOLATIONS]))
        if self._network_error is not None and self.network_factory is not None:
            violations.append(f"network unavailable: {self._network_error} (the command ran "
                              "with no network)")
        violations += write_violations(output, cwd=self.cwd, policy=policy)
        if prepared.held:
            from tui.sandbox.protect import held_violations

            violations += held_violations(output, prepared.held, cwd=self.cwd,
                                          already=violations)
        # One trip off the event loop: what changed, then watched names refused (the held
        # paths are released by run(), in the background).
        violations += await asyncio.to_thread(_changes_and_refused, before, git_before,
                                              prepared)
        return SandboxResult(code, output, timed_out, tuple(violations[:MAX_VIOLATIONS]))

    async def aclose(self) -> None:
        """Remove the session temp dir (after the last command's held paths).  The network is
        the session's to stop (it made it through ``network_factory``); a network object with
        ``aclose`` is stopped here too."""
        await self._released()
        self._carried = []
        if self._tmp is not None:
            await asyncio.to_thread(shutil.rmtree, self._tmp, True)
            self._tmp = None
        closer = getattr(self._network, "aclose", None)
        if callable(closer):
            with contextlib.suppress(OSError):
                await closer()
        self._network = None


@dataclass
class _Prepared:
    """What :meth:`SandboxRunner._prepare_and_snapshot` did on the host before one command."""

    policy: SandboxPolicy
    notes: list[str]
    before: dict[Path, tuple[int, int, int] | None]
    git_before: dict[Path, bool]
    held: list = dataclasses.field(default_factory=list)
    """:class:`tui.sandbox.protect.Held` paths to remove after the command."""
    watched: list = dataclasses.field(default_factory=list)
    """Protected names an auto-allowed command may not create (removed if it did)."""
    released: bool = False
    """:func:`_after` has run."""


def _after(prepared: _Prepared) -> list[str]:
    """After the command: remove the held paths, refuse watched names it created (once)."""
    if prepared.released or (not prepared.held and not prepared.watched):
        return []
    prepared.released = True
    from tui.sandbox.protect import refuse_created, release_holds

    return release_holds(prepared.held) + refuse_created(prepared.watched)


def _changes_and_refused(before: dict[Path, tuple[int, int, int] | None],
                         git_before: dict[Path, bool], prepared: _Prepared) -> list[str]:
    """:func:`_changes` (while the held paths still exist), then the watched names an
    auto-allowed command created removed (before anything else can use them)."""
    out = _changes(before, git_before)
    if prepared.watched:
        from tui.sandbox.protect import refuse_created

        out += refuse_created(prepared.watched)
        prepared.watched = []
    return out


def _release(held: list) -> list[str]:
    """Remove held paths (:func:`tui.sandbox.protect.release_holds`)."""
    from tui.sandbox.protect import release_holds

    return release_holds(held)


def _changes(before: dict[Path, tuple[int, int, int] | None],
             git_before: dict[Path, bool]) -> list[str]:
    """Protected paths created, replaced or removed, and bare repositories planted, since
    ``before`` (REF §6.2: a path that did not exist could not be mounted read-only)."""
    out = snapshot_changes(before)
    for wd, was in git_before.items():
        if not was and is_git_dir(wd):
            out.append(f"bare repository planted: {wd} now holds HEAD, objects/ and refs/, so "
                       "git would obey a config there; review it")
    return out


def _read_all(fd: int) -> str:
    """Everything bubblewrap writes to ``--json-status-fd`` (until it closes the pipe)."""
    chunks = []
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(4096):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def _exit_code(status: str, returncode: int | None) -> int:
    """The command's exit status from bubblewrap's JSON status lines, else bwrap's own."""
    for line in status.splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("exit-code"), int):
            return obj["exit-code"]
    return returncode if returncode is not None else -1
