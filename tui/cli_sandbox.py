"""``warden doctor`` and ``warden sandbox run``: the sandbox from the command line.

``warden doctor [--json] [--settings FILE|JSON] [--cwd DIR]`` prints every check of
:func:`tui.sandbox.doctor.diagnose` with a fix for each failure; exit status 0 when the sandbox
can run here, 1 when it cannot.

``warden sandbox run [--settings FILE|JSON] [--cwd DIR] [--timeout S] [--no-network] -- CMD...``
runs one command in the sandbox with the policy the settings give (``sandbox.enabled`` forced
on), prints its output, prints what the sandbox blocked to stderr and exits with the command's
status (124 on timeout).  Exit status 125 when the sandbox cannot run: the command is never run
without it.  Settings: without ``--settings`` every settings file that applies in ``--cwd``;
with it, the managed settings plus that file or JSON object (managed policy always applies,
REF §4.2).  Network: through the filtering proxy (unlisted hosts are blocked; there is no one
to ask).

``warden sandbox run --read-only -- CMD...`` runs the command exactly as Warden runs a command
it allowed because it judged it read-only (issue 10 item 1): in the read-only sandbox (the file
system read-only, Read deny paths masked, a private ``/tmp``, no network), with the Bash tool's
environment (Warden's own credentials removed, ``GIT_OPTIONAL_LOCKS=0``, no pager).  Exit status
125 when bubblewrap cannot run (Warden would then judge by the analysis alone).

An application command, not part of the sandbox package: it builds the session's policy
(:mod:`tui.session_policy`) and the Bash tool's environment (:mod:`tui.tools.bash`), which both
sit above :mod:`tui.sandbox` (the Bash tool runs commands in it), so it lives beside
:mod:`tui.cli` and :mod:`tui.check`.

Source: ``SPEC.md`` §8, REF §6.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["EXIT_TIMEOUT", "EXIT_UNAVAILABLE", "doctor_main", "load_policy", "sandbox_run_main"]

EXIT_UNAVAILABLE = 125
"""``warden sandbox run``: the sandbox cannot run (the command did not run)."""

EXIT_TIMEOUT = 124
"""``warden sandbox run``: the command ran past ``--timeout`` and was killed."""


def load_policy(cwd: Path, settings: str | None) -> Any:
    """The sandbox policy for ``cwd`` (``sandbox.enabled`` forced on), from the session's
    policy builder (:func:`tui.session_policy.build_session_policy`) with the folder's stored
    workspace-trust decision.

    ``settings`` (a file path or a JSON object text) replaces the discovered local, project and
    user files; managed settings are always read.
    """
    from tui.sandbox.policy import resolve_policy
    from tui.session_policy import PolicyRequest, build_session_policy
    from tui.settings.model import CliSettings, SettingsSource
    from tui.settings.paths import managed_settings_paths
    from tui.trust import stored_decision

    if settings is None:
        request = PolicyRequest(cwd=cwd, trusted_project=bool(stored_decision(cwd)))
    else:
        managed = [SettingsSource("managed", p) for p in managed_settings_paths()]
        request = PolicyRequest(cwd=cwd, cli=CliSettings(settings=settings), only=managed)
    built = build_session_policy(request)
    loaded = built.settings
    policy = resolve_policy(loaded, cwd=cwd, working_dirs=built.working_dirs)
    problems = tuple(str(p) for p in loaded.problems) + policy.problems
    return dataclasses.replace(policy, enabled=True, problems=problems)


def doctor_main(argv: list[str]) -> int:
    """``warden doctor``; returns 0 when the sandbox can run, 1 when it cannot, 2 on usage."""
    parser = argparse.ArgumentParser(prog="warden doctor",
                                     description="Check that the sandbox can run here.")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--settings", help="a settings file or JSON object (plus managed)")
    parser.add_argument("--cwd", type=Path, default=None, help="working directory")
    args = parser.parse_args(argv)
    from tui.sandbox.doctor import diagnose

    cwd = (args.cwd or Path.cwd()).resolve()
    policy = load_policy(cwd, args.settings)
    report = diagnose(policy)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(report.summary())
    return 0 if report.ok else 1


def sandbox_run_main(argv: list[str]) -> int:
    """``warden sandbox run``; returns the command's exit status, 124 on timeout, 125 when the
    sandbox cannot run, 2 on a usage error."""
    parser = argparse.ArgumentParser(
        prog="warden sandbox run",
        description="Run one command in the sandbox, as Warden's Bash tool would.")
    parser.add_argument("--settings", help="a settings file or JSON object (plus managed)")
    parser.add_argument("--cwd", type=Path, default=None, help="working directory")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds (default 600)")
    parser.add_argument("--no-network", action="store_true", help="no network at all")
    parser.add_argument("--read-only", action="store_true",
                        help="as Warden runs a command it judged read-only: nothing writable, "
                             "a private /tmp, no network")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="-- then the command: one shell string, or words to quote")
    args = parser.parse_args(argv)
    words = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not words:
        parser.error("give the command after --, e.g. warden sandbox run -- ls -la")
    command = words[0] if len(words) == 1 else shlex.join(words)
    cwd = (args.cwd or Path.cwd()).resolve()
    if not cwd.is_dir():
        parser.error(f"--cwd {cwd} is not a directory")
    policy = load_policy(cwd, args.settings)
    return asyncio.run(_run(policy, command, cwd=cwd, timeout_s=args.timeout,
                            network=not args.no_network and not args.read_only,
                            read_only=args.read_only))


def _bash_environment() -> dict[str, str]:
    """The environment the Bash tool gives a command (``tui.session_policy.command_env`` then
    ``tui.tools.bash.command_environment``)."""
    import os

    from tui.session_policy import command_env
    from tui.tools.bash import command_environment

    return command_environment(command_env(dict(os.environ)))


async def _run(policy: Any, command: str, *, cwd: Path, timeout_s: float,
               network: bool, read_only: bool = False) -> int:
    from tui.sandbox.runner import SandboxRunner, SandboxUnavailable

    net: Any = None
    factory = None
    if network:
        try:
            from tui.sandbox.network import SandboxNetwork
        except ImportError:
            pass  # no filtering proxy: the command runs with no network
        else:
            net = SandboxNetwork.for_policy(
                policy, ask=None, runtime_dir=Path(tempfile.mkdtemp(prefix="warden-net-")))
            factory = net.start
    runner = SandboxRunner(policy, cwd=cwd, network_factory=factory)
    try:
        try:
            if read_only:
                result = await runner.run(command, timeout_s=timeout_s,
                                          env=_bash_environment(), profile="read-only")
            else:
                result = await runner.run(command, timeout_s=timeout_s)
        except SandboxUnavailable as exc:
            print(f"warden sandbox run: the sandbox cannot run, so the command was not run: "
                  f"{exc}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        sys.stdout.write(result.output)
        sys.stdout.flush()
        blocked = list(result.violations)
        if net is not None:
            blocked += net.blocked()
        for line in blocked:
            print(f"sandbox: {line}", file=sys.stderr)
        if result.timed_out:
            print(f"sandbox: timed out after {timeout_s:g} s", file=sys.stderr)
            return EXIT_TIMEOUT
        code = result.exit_code
        return code if 0 <= code <= 255 else 128 + abs(code)
    finally:
        await runner.aclose()
        if net is not None:
            await net.aclose()
            runtime = getattr(net, "runtime_dir", None)
            if isinstance(runtime, Path):
                import shutil

                shutil.rmtree(runtime, ignore_errors=True)
