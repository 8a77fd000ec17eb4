"""One oracle worker: decide a command as Warden would, and if Warden allows it, run it traced.

A process pool calls :func:`init_worker` once per worker, then :func:`judge` per input.  The
decision is Warden's own: ``decide()`` on a ``Bash`` call, default mode, the working directory
the fixture project, HOME the fake one, and the fixture allow policy
(:data:`bench.oracle_fixture.FIXTURE_POLICY`).  With only allow rules in it, every command
Warden allows with no rules at all (``built-in: read-only command``) is allowed here too, plus
those the rules approve; the ``source`` field says which.

What the analysis listed (``tui.shell.analyze``: programs of ``commands`` with their wrappers,
``reads`` resolved with ``realpath``, globs expanded like the shell would) becomes the
:class:`~bench.oracle_strace.Expectation` the trace is checked against.  Only the public API of
``tui.shell`` and ``tui.permissions`` is used.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.oracle_sandbox import run_traced
from bench.oracle_strace import Defect, Expectation, classify, parse_trace

__all__ = ["Judge", "Settings", "expectation", "init_worker", "judge", "stable"]


@dataclass(frozen=True)
class Settings:
    """What a worker needs (picklable).

    Attributes:
        workspace, project, home: the fixture's paths (:class:`bench.oracle_fixture.Fixture`).
        canaries: absolute paths of the canary files.
        trace_root: a host directory; each worker keeps its logs in a subdirectory.
        policy_json: settings JSON for the fixture policy.
        timeout: seconds each command may run.
        bwrap, strace: the programs.
        hide: host directories the sandbox hides (the real home).
    """

    workspace: str
    project: str
    home: str
    canaries: tuple[str, ...]
    trace_root: str
    policy_json: str
    timeout: float = 5.0
    bwrap: str = "bwrap"
    strace: str = "strace"
    hide: tuple[str, ...] = ()


def _expand(text: str, cwd: Path, home: Path) -> list[str]:
    """The paths a read target written as ``text`` (a glob, ``~``, ``$HOME``) can name."""
    text = re.sub(r"^(~|\$HOME|\$\{HOME\})(?=/|$)", str(home), text)
    if "$" in text or "`" in text:
        return []
    pattern = text if os.path.isabs(text) else str(cwd / text)
    return glob.glob(pattern) if glob.has_magic(pattern) else [pattern]


def expectation(analysis: Any, *, cwd: Path, home: Path, canaries: frozenset[str]) -> Expectation:
    """The :class:`Expectation` for a ``tui.shell.model.ShellAnalysis``.

    ``programs``: ``SimpleCommand.program`` and ``SimpleCommand.wrappers`` of every command.
    ``reads``: ``realpath`` of each ``PathRef.path``; a ``PathRef`` with ``path=None`` (a glob,
    ``$HOME``...) is expanded against ``cwd`` and ``home`` first, and dropped when it holds
    another variable.
    """
    from tui.shell.registry.core import TEMP_FILES

    programs: set[str] = set()
    ignore: set[str] = set()
    for cmd in analysis.commands:
        if cmd.program:
            programs.add(cmd.program)
        programs.update(os.path.basename(w) for w in cmd.wrappers)
        programs.update(p for p in getattr(cmd, "implied", ()) if p != TEMP_FILES)
        if TEMP_FILES in getattr(cmd, "implied", ()):
            ignore.add(TMP_DIR)
    reads: set[str] = set()
    for ref in analysis.reads:
        if ref.path is None and ref.text.startswith("<") and ref.text.endswith(">"):
            # the analysis says it reads files it cannot name before the command runs
            # (xargs input, what symlinks point to): any file, so Read deny rules make the
            # engine ask, and contained auto-allow masks them
            reads.add("/")
            continue
        names = [str(ref.path)] if ref.path is not None else _expand(ref.text, cwd, home)
        reads.update(os.path.realpath(n) for n in names)
    return Expectation(frozenset(programs), tuple(sorted(reads)), canaries,
                       frozenset(ignore))


TMP_DIR = "/tmp"
"""The sandbox's private temporary directory: writes below it are not defects for a command
whose analysis declares temporary files (``tac``, ``sort``)."""


class Judge:
    """Decides and runs commands for one worker (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        """Compile the policy and make this worker's trace directory.

        Raises:
            ValueError: the policy JSON is not valid settings.
        """
        from tui.permissions.engine import PermissionContext
        from tui.permissions.policy import Policy
        from tui.settings import CliSettings, load_settings

        self.s = settings
        self.project, self.home = Path(settings.project), Path(settings.home)
        self.workspace = Path(settings.workspace)
        loaded = load_settings(self.project, cli=CliSettings(settings=settings.policy_json),
                               only=())
        policy = Policy.from_entries(loaded.rules)
        if not policy.rules():
            raise ValueError("the fixture policy has no rules")
        self.ctx = PermissionContext(working_dirs=(self.project,), policy=policy, home=self.home,
                                     repo_has_unsaved_work=lambda _cwd: True)
        self.canaries = frozenset(os.path.realpath(c) for c in settings.canaries)
        self.trace_dir = Path(settings.trace_root) / f"worker-{os.getpid()}"
        self.trace_dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def decide(self, command: str) -> tuple[str, str]:
        """Warden's ``(behavior, source)`` for ``command`` as a Bash call."""
        from tui.permissions.engine import CallView, decide

        decision = decide(CallView.from_input("Bash", {"command": command}, self.project),
                          self.ctx)
        return decision.behavior, decision.source

    def display(self, text: str) -> str:
        """``text`` with the fixture's absolute paths shortened: ``$PROJECT``, ``~``, ``$WS``."""
        return (text.replace(str(self.project), "$PROJECT").replace(str(self.home), "~")
                .replace(str(self.workspace), "$WS"))

    def judge(self, item: tuple[int, str, str, str]) -> dict[str, Any]:
        """Decide ``(index, command, kind, base)``; run it when allowed.

        Returns:
            ``{"index", "command", "kind", "base", "behavior", "source", "ran"}`` (``behavior``
            ``"error"`` and the exception in ``source`` when Warden raised) and, when it
            ran, ``"seconds"``, ``"status"``, ``"timed_out"``, ``"syscalls"`` (lines parsed),
            ``"defects"`` and ``"benign"`` (lists of ``{"family", "reason", "lines"}``).
        """
        from tui.shell import analyze

        index, command, kind, base = item
        record: dict[str, Any] = {"index": index, "command": command, "kind": kind,
                                  "base": base, "ran": False}
        try:
            behavior, source = self.decide(command)
            if behavior == "allow":
                analysis = analyze(command, cwd=self.project, home=self.home,
                                   working_dirs=(self.project,))
        except Exception as exc:  # noqa: BLE001 - a bug in Warden is a finding, not a crash
            record.update(behavior="error", source=f"{type(exc).__name__}: {exc}")
            return record
        record.update(behavior=behavior, source=source)
        if behavior != "allow":
            return record
        expected = expectation(analysis, cwd=self.project, home=self.home,
                               canaries=self.canaries)
        self.count += 1
        run = run_traced(command, workspace=self.workspace, project=self.project,
                         home=self.home, trace_dir=self.trace_dir, name=f"t{self.count}",
                         timeout=self.s.timeout, bwrap=self.s.bwrap, strace=self.s.strace,
                         hide=self.s.hide)
        calls = parse_trace(run.trace)
        found = classify(calls, expected)
        record.update(ran=True, seconds=round(run.seconds, 3), status=run.status,
                      timed_out=run.timed_out, syscalls=len(calls),
                      programs=sorted(expected.programs),
                      defects=[self._as_json(d) for d in found if d.family != "benign"],
                      benign=[self._as_json(d) for d in found if d.family == "benign"])
        if not calls:
            record["error"] = self.display(run.output.strip()[-300:]) or "no trace"
        return record

    def _as_json(self, d: Defect) -> dict[str, Any]:
        return {"family": d.family, "reason": stable(self.display(d.reason)),
                "lines": [self.display(line) for line in d.lines]}


_RANDOM_TAIL = re.compile(r"(?<=/)([A-Za-z_.-]*?)([A-Za-z0-9]{6})(?=/|\s|$)")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d[_:]\d\d[_:]\d\d(?:[_.]\d+)?Z")


def stable(reason: str) -> str:
    """``reason`` with what changes from run to run masked: ``mkstemp`` suffixes
    (``/tmp/git-blob-I4EwF7`` -> ``/tmp/git-blob-XXXXXX``) and ISO timestamps (``<time>``)."""
    def mask(m: re.Match[str]) -> str:
        tail = m.group(2)
        mixed = sum(map(bool, (re.search("[A-Z]", tail), re.search("[a-z]", tail),
                               re.search("[0-9]", tail)))) >= 2
        return m.group(1) + ("XXXXXX" if mixed and not tail.isdigit() else tail)

    return _RANDOM_TAIL.sub(mask, _TIMESTAMP.sub("<time>", reason))


_JUDGE: Judge | None = None


def init_worker(settings: Settings) -> None:
    """Pool initializer: build this process's :class:`Judge`."""
    global _JUDGE
    _JUDGE = Judge(settings)


def judge(item: tuple[int, str, str, str]) -> dict[str, Any]:
    """Pool task: :meth:`Judge.judge` with this process's judge.

    Raises:
        RuntimeError: :func:`init_worker` was not called in this process.
    """
    if _JUDGE is None:
        raise RuntimeError("init_worker() was not called in this process")
    return _JUDGE.judge(item)
