"""``decide()``: Claude Code's evaluation order, rule for rule, and fail closed.

Order (REF §2.7, ``SPEC.md`` §3): deny rules → ask rules → built-in checks that no rule may
approve (unanalysable commands, critical-path removals, destructive git on unsaved work) →
permission mode → allow rules → built-in read-only allowances → prompt.  First match wins;
specificity never matters.  Suspicious constructs, protected paths, network commands and writes
outside the working directories are *forced* prompts: allow rules and ``acceptEdits`` cannot
approve them, ``bypassPermissions`` can.  In ``dontAsk`` every would-be prompt is a deny.

The function is pure apart from path resolution (``realpath`` for the symlink dual check), glob
expansion of read targets, and ``git status`` when a destructive git command meets a repository.
"""

from __future__ import annotations

import functools
import glob as globlib
import os
import shutil
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tui.pathutil import absolute, lexically_inside
from tui.permissions.contained import (
    auto_allow_held,
    containment_available,
    covered_by_rules,
    wants_uncontained,
)
from tui.permissions.context import PermissionContext
from tui.permissions.decision import READ_ONLY_SOURCE, SANDBOX_AUTO_ALLOW_SOURCE, Decision
from tui.permissions.policy import source_label
from tui.permissions.protected import protected_reason
from tui.toolclasses import PermissionClass, tool_class, tools_of

if TYPE_CHECKING:
    from tui.permissions.rules import Rule
    from tui.shell.model import ShellAnalysis, SimpleCommand

READ_TOOLS = tools_of("read")
"""Tools covered by ``Read(...)`` path rules (REF §2.1), from :mod:`tui.toolclasses`."""
EDIT_TOOLS = tools_of("edit")
"""Tools covered by ``Edit(...)`` path rules (REF §2.1), from :mod:`tui.toolclasses`."""
ACCEPT_EDITS_COMMANDS = frozenset({"mkdir", "touch", "mv", "cp", "sed"})
"""Filesystem commands ``acceptEdits`` approves inside the working directories (REF §3; issue
9, family 11): they create, copy, move or edit, and their changes are shown in the
changes-this-turn review.  Removals (``rm``, ``rmdir``, ``find -delete``) keep prompting."""
EXACT_ONLY_FINDINGS = frozenset({"exec-wrapper", "exec-option"})
"""Findings after which only an exact-string allow rule approves the command (REF §2.3 for
``find -exec``; Warden applies it to every option that runs a program, from the registry)."""
EXACT_ONLY_WRAPPERS = frozenset({"watch", "setsid", "ionice", "flock"})
"""Exec wrappers that only an exact-string allow rule may approve (REF §2.3); the analyser's
``EXEC_WRAPPERS`` (a superset) is added at import of the shell data."""
PRIMARY_FIELDS = ("command", "file_path", "path", "notebook_path", "url")
_UNC_PREFIXES = ("\\\\", "\\??\\", "//?/")


class PreparedCall(Protocol):
    """What the engine reads of a prepared tool call: :class:`tui.tools.base.ToolCall` has it.

    A protocol rather than the class, because the tools sit above the engine (the Bash tool runs
    commands in :mod:`tui.sandbox`, which builds on the permission rules).
    """

    @property
    def name(self) -> str: ...
    @property
    def input(self) -> Mapping[str, Any]: ...
    @property
    def paths(self) -> tuple[Path, ...]: ...
    @property
    def command(self) -> str | None: ...
    @property
    def permission_class(self) -> PermissionClass: ...


@dataclass(frozen=True)
class CallView:
    """What the engine looks at: the tool, its raw input, absolute paths, command, URL."""

    tool: str
    input: Mapping[str, Any]
    paths: tuple[Path, ...] = ()
    command: str | None = None
    url: str | None = None
    raw_paths: tuple[str, ...] = ()
    klass: PermissionClass | None = None
    """The call's permission class, as its tool declares it; None: look the name up in
    :mod:`tui.toolclasses` (:attr:`permission_class`)."""

    @property
    def permission_class(self) -> PermissionClass:
        """What kind of side effect the call has (``read``, ``edit``, ``shell``...)."""
        return self.klass if self.klass is not None else tool_class(self.tool)

    @classmethod
    def of(cls, call: PreparedCall | CallView) -> CallView:
        """Build the view of a prepared call (a :class:`~tui.tools.base.ToolCall`), or pass a
        view through."""
        if isinstance(call, CallView):
            return call
        raw = tuple(str(call.input.get(k)) for k in ("file_path", "path", "notebook_path")
                    if isinstance(call.input.get(k), str))
        return cls(call.name, call.input, tuple(call.paths), call.command,
                   call.input.get("url") if isinstance(call.input.get("url"), str) else None,
                   raw, call.permission_class)

    @classmethod
    def from_input(cls, tool: str, tool_input: Mapping[str, Any], cwd: Path) -> CallView:
        """Build the view straight from a tool name and input (``warden check``).

        Paths are made absolute against ``cwd`` the way the tools do it; Glob and Grep without a
        ``path`` search ``cwd``.
        """
        raw: list[str] = []
        for key in ("file_path", "notebook_path", "path"):
            value = tool_input.get(key)
            if isinstance(value, str) and value:
                raw.append(value)
        if not raw and tool in ("Glob", "Grep"):
            raw.append(str(cwd))
        paths = tuple(absolute(p, cwd) for p in raw)
        command = tool_input.get("command") if tool == "Bash" else None
        url = tool_input.get("url")
        if tool == "WebFetch" and isinstance(url, str):
            from tui.permissions.domains import https_url

            url = https_url(url) or url  # what the tool fetches (its prepared call's URL)
        return cls(tool, tool_input, paths, command if isinstance(command, str) else None,
                   url if isinstance(url, str) else None, tuple(raw))


def is_inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """True when ``path`` is inside the working directories ``roots`` both as written and as
    resolved (``SPEC.md`` §5).

    Both ``path`` itself and its real path (``os.path.realpath``: symlinks followed) must be
    :func:`~tui.pathutil.lexically_inside` one of ``roots``, each root taken as written or
    resolved (so a project reached through a symlinked directory still counts).  Stricter than
    :func:`~tui.pathutil.really_inside` alone: a symlink inside the project that points
    outside it is outside, and so is a path outside that points in.  Reads the file system.
    A path holding a NUL byte names no file and is outside (so the call asks).
    """
    if "\x00" in str(path):
        return False
    everywhere: tuple[Path | str, ...] = (*roots, *(os.path.realpath(r) for r in roots))
    return (lexically_inside(path, *everywhere)
            and lexically_inside(os.path.realpath(path), *everywhere))


class _Eval:
    """One evaluation: the call, its shell analysis and the trace being written."""

    def __init__(self, call: PreparedCall | CallView, ctx: PermissionContext,
                 analysis: ShellAnalysis | None = None) -> None:
        self.view = CallView.of(call)
        self.ctx = ctx
        self.trace: list[str] = []
        self.analysis: ShellAnalysis | None = analysis
        self._problems: dict[int | None, str] | None = None
        if analysis is None and self.view.tool == "Bash" and self.view.command is not None:
            from tui.shell import analyze_cached

            self.analysis = analyze_cached(self.view.command, ctx.cwd, ctx.home,
                                           tuple(ctx.working_dirs))

    # -- results -------------------------------------------------------------------------

    def result(self, behavior: str, reason: str, rule: Rule | None = None,
               source: str | None = None, auto: str | None = None) -> Decision:
        if behavior == "ask" and self.ctx.mode == "dontAsk":
            self.trace.append("dontAsk mode: a prompt becomes a deny")
            behavior = "deny"
            reason = f"{reason} In dontAsk mode Warden denies instead of asking."
            source = source or "mode: dontAsk"
        src = source or (source_label(rule.source) if rule is not None else "built-in")
        self.trace.append(f"→ {behavior}: {reason}")
        return Decision(behavior, reason, rule.text if rule is not None else None,  # type: ignore[arg-type]
                        src, tuple(self.trace),
                        auto if behavior == "allow" else None)  # type: ignore[arg-type]

    # -- rule matching --------------------------------------------------------------------

    def matches(self, rule: Rule, side: str) -> str | None:
        """What ``rule`` matched in this call (for the reason), or ``None``.

        ``side`` is ``"deny"`` for deny and ask rules (match more), ``"allow"`` for allow rules
        (match less).
        """
        view = self.view
        kind = rule.kind
        if kind == "path":
            return self._path_rule(rule, side)
        if not rule.matches_tool(view.tool):
            return None
        if kind in ("tool", "mcp"):
            return view.tool
        if kind == "param":
            from tui.permissions.rules import param_matches

            return rule.specifier if param_matches(rule.specifier or "", view.input) else None
        if kind == "bash":
            return self._bash_rule(rule, side)
        if kind == "domain":
            from tui.permissions.domains import domain_matches, host_port_of

            host = host_port_of(view.url) if view.url else None
            spec = (rule.specifier or "").partition(":")[2].strip()
            return host if host is not None and domain_matches(spec, host) else None
        # "specifier": a plain string compared with the tool's primary field.
        from fnmatch import fnmatchcase

        spec = rule.specifier or ""
        for key, value in view.input.items():
            if not isinstance(value, str):
                continue
            if side == "allow" and key not in PRIMARY_FIELDS and key != "subagent_type":
                continue
            if value == spec or (side == "deny" and fnmatchcase(value, spec)):
                return value
        return None

    def _bash_rule(self, rule: Rule, side: str) -> str | None:
        from tui.permissions.rules import bash_matches

        spec = rule.specifier or ""
        analysis = self.analysis
        if analysis is None:
            return None
        if not analysis.ok or side == "deny":
            # Deny and ask rules see past every prefix and wrapper, and for a command Warden
            # cannot analyse they are tried on the raw text and each naive segment of it.
            for text in self._deny_texts():
                if bash_matches(spec, text):
                    return text
            return None
        return None  # allow rules are applied per sub-command in _bash_allowed

    def _deny_texts(self) -> list[str]:
        analysis = self.analysis
        assert analysis is not None
        texts: list[str] = []
        for cmd in analysis.commands:
            texts.append(cmd.text)
            texts.extend(cmd.rule_texts)
            raw = " ".join(cmd.raw.split())
            if raw != cmd.text:
                texts.append(raw)
            if cmd.env:  # as written, for a rule that begins with an assignment
                texts.append(" ".join([*(f"{n}={v}" for n, v in cmd.env), cmd.text]))
        whole = " ".join(analysis.command.split())
        texts.append(whole)
        if not analysis.ok:
            import re

            for seg in re.split(r"[;&|\n()`]+|\$\(", analysis.command):
                words = seg.split()
                while words and "=" in words[0] and not words[0].startswith("="):
                    words.pop(0)
                if words:
                    texts.append(" ".join(words))
        return texts

    def _path_rule(self, rule: Rule, side: str) -> str | None:
        """Path rules: ``Read(...)`` and ``Edit(...)`` only; the others are never consulted."""
        if rule.tool not in ("Read", "Edit"):
            return None
        view = self.view
        targets: list[Path] = []
        if view.permission_class == "read":
            # An Edit allow also grants read (REF §2.1).
            if rule.tool == "Read" or (rule.tool == "Edit" and side == "allow"):
                targets = list(view.paths)
        elif view.permission_class == "edit":
            # A Read deny also blocks edits and writes (REF §2.1).
            if rule.tool == "Edit" or (rule.tool == "Read" and side == "deny"):
                targets = list(view.paths)
        elif view.tool == "Bash" and self.analysis is not None:
            if rule.tool == "Edit" or (rule.tool == "Read" and side == "deny"):
                targets += [p for p in self._write_paths() if p is not None]
            if rule.tool == "Read" and side == "deny":
                targets += self._read_paths()
        for target in targets:
            if self._path_matches(rule, target, side):
                return str(target)
        if side == "deny":
            # A glob or a recursively read tree that may reach a matched path counts as
            # matching it, whatever exists now (issue 9); an allow always needs a real match.
            from tui.permissions.globreads import deny_reach

            return deny_reach(view.tool, view.input, view.paths, self.analysis, rule, self.ctx)
        return None

    def _path_matches(self, rule: Rule, path: Path, side: str) -> bool:
        from tui.permissions.paths import path_matches, symlink_views

        views = symlink_views(path)
        hits = [path_matches(rule, v, cwd=self.ctx.cwd, home=self.ctx.home) for v in views]
        return any(hits) if side == "deny" else all(hits)

    def _write_paths(self) -> list[Path | None]:
        assert self.analysis is not None
        return [ref.path for ref in self.analysis.writes]

    def _read_paths(self) -> list[Path]:
        """Read targets; a glob is expanded against the files that exist (bounded)."""
        assert self.analysis is not None
        out: list[Path] = []
        for ref in self.analysis.reads:
            if ref.path is not None:
                out.append(ref.path)
            elif any(ch in ref.text for ch in "*?["):
                pattern = ref.text if os.path.isabs(ref.text) else str(self.ctx.cwd / ref.text)
                for i, hit in enumerate(globlib.iglob(os.path.expanduser(pattern),
                                                      recursive=True)):
                    if i >= 500:
                        break
                    out.append(Path(os.path.normpath(hit)))
        return out

    # -- read-only checks that need the file system (issue 9) ------------------------------

    def read_only_problems(self) -> dict[int | None, str]:
        """Why commands the analysis judged read-only are not, seen from the file system.

        ``None`` keys concern the whole command: a glob in option position matches a file
        whose name starts with ``-``.  Per-command keys: the program name finds a program inside
        the working directories on ``PATH``; git runs in a repository whose configuration runs
        a program.
        """
        if self._problems is not None:
            return self._problems
        out: dict[int | None, str] = {}
        analysis = self.analysis
        if analysis is None or not analysis.ok:
            self._problems = out
            return out
        hit = _dash_matches(analysis.option_globs) if analysis.option_globs else None
        if hit is not None:
            out[None] = (f"a glob expands to {os.path.basename(hit)!r}, which the program "
                         "would read as an option")
        for index, cmd in enumerate(analysis.commands):
            if not analysis.command_read_only[index] or not cmd.argv:
                continue
            if program_in_workspace(cmd.argv[0], self.ctx):
                out[index] = (f"{cmd.argv[0]} on PATH is a program inside the working "
                              "directories, not the system's")
            elif cmd.program == "git":
                from tui.shell.gitrepo import config_runs_program

                why = config_runs_program(self.ctx.cwd)
                if why is not None:
                    out[index] = f"this repository's git configuration runs a program ({why})"
        self._problems = out
        return out

    def _git_config_runs_program(self) -> bool:
        """The repository at the working directory has config that runs programs (family 8):
        git there is never read-only, and only an exact allow rule approves it."""
        from tui.shell.gitrepo import config_runs_program

        return config_runs_program(self.ctx.cwd) is not None

    def command_read_only(self, index: int) -> bool:
        """``command_is_read_only`` with the file-system checks of :meth:`read_only_problems`."""
        from tui.shell import command_is_read_only

        assert self.analysis is not None
        return command_is_read_only(self.analysis, index) and \
            not self.command_read_only_blocked(index)

    def command_read_only_blocked(self, index: int) -> bool:
        """True when a file-system check blocks command ``index`` (or the whole command)."""
        problems = self.read_only_problems()
        return None in problems or index in problems

    def read_only(self) -> bool:
        """The whole command is read-only: the analysis says so and no check objects."""
        return self.analysis is not None and self.analysis.read_only and \
            not self.read_only_problems()

    # -- allow side ------------------------------------------------------------------------

    def first_allow(self, predicate: Callable[[Rule], bool]) -> Rule | None:
        for rule in self.ctx.policy.allow:
            if predicate(rule):
                return rule
        return None

    def allow_rule_for_paths(self, paths: list[Path], family: str) -> Rule | None:
        """An allow rule covering every path (``Edit`` rules also cover reads)."""
        if not paths:
            return None
        tools = ("Read", "Edit") if family == "Read" else ("Edit",)
        for rule in self.ctx.policy.allow:
            if rule.kind != "path" or rule.tool not in tools:
                continue
            if all(self._path_matches(rule, p, "allow") for p in paths):
                return rule
        return None

    def bash_command_allowed(self, cmd: SimpleCommand, index: int | None = None) -> Rule | None:
        """The allow rule that approves one sub-command, if any (REF §2.3).

        Leading ``NAME=value`` assignments: one of a safe variable
        (:data:`tui.shell.data.SAFE_ENV_VARS`) is stripped before rules match; one of any other
        variable stops every allow rule from matching past it, except a rule that begins with
        an assignment (``Bash(FOO=1 make *)``): such a rule matches the command as written,
        assignments included, and approves only when it names every unsafe variable the
        command assigns (:meth:`_env_rule_allowed`).  A bare assignment of an unsafe variable
        (no command) is never approved by a rule.

        Behind an exec-style wrapper, ``find -exec`` or an option that runs a program (an
        ``exec-option`` finding) only a bare ``Bash`` rule or an exact rule for the whole text
        counts; otherwise :meth:`Policy.bash_allow_match`.  A bare program name that finds a
        program inside the working directories on ``PATH`` is another program: only an exact
        rule approves it (issue 9, family 5).
        """
        from tui.permissions.rules import leading_assignments
        from tui.shell.data import EXEC_WRAPPERS, SAFE_ENV_VARS

        unsafe = {name for name, _ in cmd.env if name not in SAFE_ENV_VARS}
        if unsafe and not cmd.argv:
            return None  # a bare assignment of an unsafe variable changes the shell itself
        findings = self.analysis.findings if self.analysis is not None else ()
        exact_only = (bool((EXACT_ONLY_WRAPPERS | EXEC_WRAPPERS) & set(cmd.wrappers))
                      or cmd.origin == "find -exec"
                      or any(f.code in EXACT_ONLY_FINDINGS and f.command_index == index
                             for f in findings)
                      or (bool(cmd.argv) and program_in_workspace(cmd.argv[0], self.ctx))
                      or (cmd.program == "git" and self._git_config_runs_program()))
        if not exact_only:
            if not unsafe:
                found = self.ctx.policy.bash_allow_match(cmd.argv[0] if cmd.argv else "",
                                                         cmd.text)
                if found is not None:
                    return found
            return self._env_rule_allowed(cmd, unsafe)
        whole = " ".join(self.analysis.command.split()) if self.analysis else ""
        texts = (" ".join(cmd.raw.split()), whole)
        for rule in self.ctx.policy.bash_allow_rules():
            if rule.kind == "tool":
                if unsafe:
                    continue  # allow rules never match past an unsafe assignment
                return rule
            spec = rule.specifier or ""
            if "*" in spec or spec not in texts:
                continue
            if not unsafe or (cmd.env and unsafe <= set(leading_assignments(spec))):
                return rule
        return None

    def _env_rule_allowed(self, cmd: SimpleCommand, unsafe: set[str]) -> Rule | None:
        """The first allow rule beginning with an assignment that approves ``cmd`` as written.

        The command's texts as written: every leading assignment then the command
        (``NODE_ENV=test FOO=1 make all``), the same without the safe assignments
        (``FOO=1 make all``), and the source text with its whitespace collapsed (quotes kept,
        for ``Bash(FOO="a b" make)``).  The rule must match one of them
        (:func:`~tui.permissions.rules.bash_matches`) and name every unsafe variable in
        ``unsafe``, so ``Bash(FOO=1 *)`` never approves ``FOO=1 LD_PRELOAD=x make``.
        """
        from tui.permissions.rules import bash_matches, leading_assignments
        from tui.shell.data import SAFE_ENV_VARS

        if not cmd.env or not cmd.argv:
            return None
        texts = {
            " ".join([*(f"{n}={v}" for n, v in cmd.env), cmd.text]),
            " ".join([*(f"{n}={v}" for n, v in cmd.env if n not in SAFE_ENV_VARS), cmd.text]),
            " ".join(cmd.raw.split()),
        }
        for rule in self.ctx.policy.bash_allow_rules():
            if rule.kind != "bash":
                continue
            spec = rule.specifier or ""
            names = leading_assignments(spec)
            if not names or not unsafe <= set(names):
                continue
            if any(bash_matches(spec, text) for text in texts):
                return rule
        return None


def decide(call: PreparedCall | CallView, ctx: PermissionContext,
           analysis: ShellAnalysis | None = None) -> Decision:
    """Decide whether ``call`` runs (allow), waits for the user (ask) or is refused (deny).

    Args:
        call: a prepared tool call, or a :class:`CallView` built from raw input.
        ctx: working directories, mode and policy.
        analysis: the Bash command's analysis when the caller already has it (made with
            ``ctx.cwd``, ``ctx.home`` and ``ctx.working_dirs``), so it is parsed once per call.

    Returns:
        A :class:`~tui.permissions.decision.Decision` naming the deciding rule and its source,
        with the evaluation trace.  Never raises for a well-formed call; anything it does not
        recognise asks.
    """
    ev = _Eval(call, ctx, analysis)
    view = ev.view
    mode = ctx.mode
    policy = ctx.policy
    ev.trace.append(f"tool {view.tool}; mode {mode}")

    # UNC and WebDAV paths can leak credentials before any rule is consulted (SPEC §5).
    if _has_unc(view):
        return ev.result("ask", "The call names a Windows UNC or device path, which always asks.",
                         source="built-in: UNC path")

    sandboxed = False
    if view.tool == "Bash" and view.command is not None and ctx.sandbox is not None:
        from tui.permissions.sandbox_mode import runs_sandboxed

        sandboxed = runs_sandboxed(ctx.sandbox, view.command, view.input, ev.analysis)
        ev.trace.append("runs inside the sandbox" if sandboxed else "runs outside the sandbox")
    # autoAllowBashIfSandboxed applies only to a call that runs sandboxed (so the state is known).
    auto_allow = sandboxed and ctx.sandbox is not None and ctx.sandbox.auto_allow

    # 1-2. Deny rules, then ask rules: first match wins, in every mode.
    for behavior, rules in (("deny", policy.deny), ("ask", policy.ask)):
        for rule in rules:
            if behavior == "ask" and auto_allow and mode != "plan" and rule.kind == "tool":
                continue  # a bare Bash ask rule does not apply to sandboxed commands (REF §6.2)
            hit = ev.matches(rule, "deny")
            if hit is not None:
                ev.trace.append(f"{behavior} rule {rule.text} ({source_label(rule.source)}) "
                                f"matched {hit}")
                verb = "Denied" if behavior == "deny" else "Asking"
                return ev.result(behavior, f"{verb} by the rule {rule.text}.", rule)
        ev.trace.append(f"{behavior} rules: none of {len(rules)} matched")

    # 3. Built-in checks.
    forced: list[str] = []  # prompts that allow rules and acceptEdits may not approve
    analysis = ev.analysis
    if view.tool == "Bash":
        if analysis is None:
            return ev.result("ask", "The Bash call has no command string.",
                             source="built-in: invalid input")
        if not analysis.ok:
            return ev.result("ask", f"Warden could not analyse this command "
                             f"({analysis.fail_reason}), so it asks.",
                             source="built-in: command analysis")
        if analysis.critical_removals:
            return ev.result("ask", "It removes a critical path: "
                             f"{', '.join(analysis.critical_removals)}.",
                             source="built-in: critical path")
        escape = _sandbox_escape(ctx, view)
        if escape is not None:
            return ev.result(*escape)
        if auto_allow and mode != "plan" \
                and not _network_commands(analysis) and not analysis.destructive_git:
            held = auto_allow_held(ev)  # issue 10: read-only, git writes, protected writes
            if held is None:
                return ev.result("allow", "It runs inside the sandbox, which limits its writes "
                                 "to the working directories and blocks the network "
                                 "(autoAllowBashIfSandboxed).", source=SANDBOX_AUTO_ALLOW_SOURCE,
                                 auto="sandbox")
            ev.trace.append(f"sandbox auto-allow does not apply: {held}")
        if analysis.destructive_git and mode != "bypassPermissions" and \
                ctx.repo_has_unsaved_work(ctx.cwd):
            return ev.result("ask", f"{'; '.join(analysis.destructive_git)} would discard "
                             "uncommitted or unpushed work in this repository.",
                             source="built-in: destructive git")
        forced += [f.reason for f in analysis.findings if f.code not in EXACT_ONLY_FINDINGS]
        pending = [p for ref in analysis.writes for p in effective_paths(ref)]
        for ref in analysis.writes:
            forced += _write_problems(ref, ctx, pending)
        if any(r.kind == "path" and r.tool == "Read" for r in policy.deny):
            unknown = [ref.text for ref in analysis.reads
                       if ref.path is None and not any(ch in ref.text for ch in "*?[")]
            if unknown:
                forced.append(f"It reads {', '.join(unknown[:3])}, which Warden cannot resolve "
                              "before it runs, and Read deny rules are in force.")
    elif view.permission_class == "edit":
        from tui.permissions.protected import bare_repo_reason

        for path in view.paths:
            reason = protected_reason(str(path)) or bare_repo_reason(path, ctx.working_dirs)
            if reason:
                forced.append(f"It writes {path}: {reason}.")
    if forced:
        ev.trace.append("forced prompt: " + " ".join(forced))

    # 4. Permission mode.
    if mode == "bypassPermissions":
        if forced:
            ev.trace.append("bypassPermissions approves forced prompts")
        return ev.result("allow", "bypassPermissions mode approves every call that no deny or "
                         "ask rule caught.", source="mode: bypassPermissions")
    if mode == "plan" and (view.permission_class == "edit" or
                           (view.tool == "Bash" and not ev.read_only())):
        return ev.result("ask", "Plan mode: edits and commands that change things wait until "
                         "you approve them.", source="mode: plan")
    if forced:
        return ev.result("ask", " ".join(forced), source="built-in: safety check")
    if mode == "acceptEdits" and _accept_edits_approves(ev):
        return ev.result("allow", "acceptEdits mode approves file changes inside the working "
                         "directories.", source="mode: acceptEdits")

    # 5-6. Allow rules, then the built-in read-only allowances.
    return _allow_or_prompt(ev)


def _network_commands(analysis: ShellAnalysis) -> list[str]:
    """The network commands of the command-blocklist (curl, ssh, dig, socket one-liners...).

    Package managers that download (``npm install``) are network use too, but inside the
    sandbox their traffic goes through the filtering proxy; the blocklist applies to the tools
    whose purpose is to reach a host (SPEC §4), which still ask under sandbox auto-allow.
    """
    from tui.shell.data import INTERPRETER_CODE_FLAGS, NETWORK_COMMANDS

    blocked = NETWORK_COMMANDS | set(INTERPRETER_CODE_FLAGS)
    return [n for n in analysis.network if n.split(" ", 1)[0] in blocked]


def _sandbox_escape(ctx: PermissionContext, view: CallView) -> tuple[str, str, None, str] | None:
    """The prompt or refusal for a call that would run outside a required or enabled sandbox."""
    state = ctx.sandbox
    if state is None or not state.enabled:
        return None
    if not state.available:
        if state.fail_if_unavailable:
            return ("deny", ("The sandbox is required (failIfUnavailable) but cannot run here: "
                             f"{state.unavailable_reason}"), None, "sandbox: unavailable")
        return None
    if view.input.get("dangerouslyDisableSandbox") is True and state.allow_unsandboxed:
        return ("ask", ("The model asks to run this outside the sandbox "
                        "(dangerouslyDisableSandbox): it could write anywhere you can and reach "
                        "any host. This always asks."), None, "sandbox: escape")
    return None


def _has_unc(view: CallView) -> bool:
    """A file tool's path, or a command that starts with, a UNC or device path.  Inside a
    command, words are judged by the analysis (its ``unc-path`` finding), so ``"a\\\\b"`` in
    double quotes (one backslash after quote removal) is not mistaken for one (family 12)."""
    texts = list(view.raw_paths)
    if view.command:
        texts.append(view.command)
    return any(t.startswith(_UNC_PREFIXES) for t in texts)


def effective_paths(ref: Any) -> list[Path]:
    """Where a shell write or read lands: the path as written and as the kernel resolves it.

    ``ref.raw`` keeps ``..`` unfolded, so ``gd/../x`` with ``gd -> .git/hooks`` resolves to
    ``.git/x`` (``os.path.realpath`` follows each component in order, as ``open()`` does).
    Empty when the path is not known before the command runs.
    """
    if ref.path is None:
        return []
    raw = ref.raw or str(ref.path)
    if "\x00" in raw:
        return []  # no file has this name: the kernel refuses it, Warden asks (fail closed)
    out = [ref.path]
    if not any(ch in raw for ch in "*?["):
        real = Path(os.path.realpath(raw))
        if real not in out:
            out.append(real)
    return out


def _write_problems(ref: Any, ctx: PermissionContext, pending: list[Path]) -> list[str]:
    """Reasons a shell write target must be prompted for, whatever the allow rules say.

    Unknown targets, protected paths (as written or resolved through symlinks, and the markers
    of a bare git repository), and files that have other hard links (a write to one writes
    them all; issue 9, family 7).
    """
    from tui.permissions.protected import bare_repo_reason

    paths = effective_paths(ref)
    if not paths:
        raw = ref.raw or ""
        if raw and any(ch in raw for ch in "*?[") and _glob_write_problem(raw) is None:
            return []  # decided by the directory it expands in (acceptEdits) or asks
        return [f"It writes to {ref.text!r}, a path Warden cannot resolve before it runs."]
    out: list[str] = []
    for path in paths:
        reason = protected_reason(str(path)) or bare_repo_reason(path, ctx.working_dirs,
                                                                 pending=pending)
        if reason:
            out.append(f"It writes {path}: {reason}.")
            break
    try:
        st = os.lstat(paths[-1])
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        out.append(f"It writes {paths[-1]}, which has {st.st_nlink - 1} other hard link(s): "
                   "the write changes them too.")
    return out


def _accept_edits_approves(ev: _Eval) -> bool:
    ctx, view, analysis = ev.ctx, ev.view, ev.analysis
    if view.permission_class == "edit":
        return bool(view.paths) and all(is_inside(p, ctx.working_dirs) for p in view.paths)
    if view.tool == "Bash" and analysis is not None and analysis.commands:
        if analysis.network or analysis.findings:
            return False
        if not all(cmd.program in ACCEPT_EDITS_COMMANDS and cmd.origin == "top"
                   and (cmd.program != "sed" or analysis.writes)
                   and not ev.command_read_only_blocked(i)
                   for i, cmd in enumerate(analysis.commands)):
            return False
        if any(ref.op in _REMOVALS for ref in analysis.writes):
            return False
        return all(_write_inside(ref, ctx) for ref in analysis.writes)
    return False


_REMOVALS = frozenset({"rm", "rmdir", "unlink", "shred -u", "find -delete", "git rm",
                       "rsync --delete"})
"""Write ops that remove files: ``acceptEdits`` never approves them (family 11)."""


def _glob_write_problem(raw: str) -> str | None:
    """Why a glob write target (``build/*.o``) cannot be judged by its directory, or None.

    Its literal directory must not itself hold a glob, and neither the directory nor any name
    the last part can match may be protected.
    """
    from fnmatch import fnmatchcase

    from tui.permissions.protected import PROTECTED_DIRS, PROTECTED_FILES

    head, _, tail = raw.rpartition("/")
    if not head or any(ch in head for ch in "*?[") or "/" in tail:
        return "it is a glob across directories"
    names = (*PROTECTED_DIRS, *PROTECTED_FILES, "head", "config", "objects", "refs",
             "packed-refs", "commondir", "gitdir")
    if any(fnmatchcase(name, tail.lower()) for name in names):
        return "it can match a protected name"
    for d in (os.path.normpath(head), os.path.realpath(head)):
        why = protected_reason(os.path.join(d, "x"))
        if why:
            return why
    return None


def _write_inside(ref: Any, ctx: PermissionContext) -> bool:
    """A shell write lands inside the working directories, as written and as resolved.

    A glob target (``touch build/*.o``) is decided by the directory it can expand in: its
    literal directory must be inside, and its last part may not name a protected path.
    """
    paths = effective_paths(ref)
    if paths:
        return all(is_inside(p, ctx.working_dirs) for p in paths)
    raw = ref.raw or ""
    if not raw or not any(ch in raw for ch in "*?[") or _glob_write_problem(raw):
        return False
    head = raw.rpartition("/")[0]
    return is_inside(Path(os.path.realpath(head)), ctx.working_dirs) and \
        is_inside(Path(os.path.normpath(head)), ctx.working_dirs)


def program_in_workspace(name: str, ctx: PermissionContext) -> bool:
    """True when the bare command name ``name`` finds a program inside the working directories
    on ``PATH`` (``node_modules/.bin`` or ``.`` on ``PATH``): it is not the program its name
    suggests (issue 9, family 5).  Shell builtins and names with ``/`` are False (the analysis
    judges paths).  Cached per name, ``PATH`` and working directories."""
    if "/" in name or name in _BUILTINS:
        return False
    return _which_inside(name, os.environ.get("PATH", ""), tuple(ctx.working_dirs))


_BUILTINS = frozenset({"echo", "printf", "cd", "pwd", "test", "[", "true", "false", ":",
                       "type", "command", "exec", "read", "let", "declare", "typeset", "local",
                       "export", "readonly", "unset", "set", "shift", "source", ".", "eval",
                       "alias", "unalias", "hash", "builtin", "enable", "shopt", "trap",
                       "wait", "jobs", "kill", "umask", "ulimit", "getopts", "pushd", "popd",
                       "dirs", "mapfile", "readarray", "history", "fc", "bg", "fg", "times",
                       "return", "exit", "break", "continue", "logout", "help", "disown",
                       "suspend", "compgen", "complete", "compopt", "caller", "bind"})


@functools.lru_cache(maxsize=4096)
def _which_inside(name: str, path_var: str, working_dirs: tuple[Path, ...]) -> bool:
    found = shutil.which(name, path=path_var)
    if found is None:
        return False
    # Looser than is_inside on purpose: a program whose real path alone lies in the project
    # is already not the system program its name suggests, and True is the cautious answer.
    return (is_inside(Path(os.path.abspath(found)), working_dirs)
            or lexically_inside(os.path.realpath(found), *working_dirs))


def _dash_matches(patterns: tuple[str, ...]) -> str | None:
    """The first file name a glob in option position expands to that starts with ``-``."""
    for pattern in patterns:
        for k, hit in enumerate(globlib.iglob(pattern)):
            if k >= 2000:
                return f"{pattern} (too many matches to check)"
            if os.path.basename(hit).startswith("-"):
                return hit
    return None


def _allow_or_prompt(ev: _Eval) -> Decision:
    ctx, view = ev.ctx, ev.view
    inside = bool(view.paths) and all(is_inside(p, ctx.working_dirs) for p in view.paths)

    if view.permission_class == "read":
        if inside:
            return ev.result("allow", "Reads inside the working directories run without asking.",
                             source="built-in: working directory")
        rule = ev.allow_rule_for_paths(list(view.paths), "Read")
        if rule is not None:
            return ev.result("allow", f"Allowed by the rule {rule.text}.", rule)
        return ev.result("ask", "This reads outside the working directories.",
                         source="built-in: working directory")

    if view.permission_class == "edit":
        rule = ev.allow_rule_for_paths(list(view.paths), "Edit")
        if rule is not None:
            return ev.result("allow", f"Allowed by the rule {rule.text}.", rule)
        where = "" if inside else " It is outside the working directories."
        return ev.result("ask", f"Edits and writes ask unless a rule allows them.{where}",
                         source=f"mode: {ctx.mode}")

    if view.tool == "Bash":
        return _bash_allow_or_prompt(ev)

    for rule in ctx.policy.allow:
        if rule.kind in ("path", "bash", "param"):
            continue
        if ev.matches(rule, "allow") is not None:
            return ev.result("allow", f"Allowed by the rule {rule.text}.", rule)
    if view.tool == "WebFetch" and view.url:
        from tui.permissions.domains import host_of

        if host_of(view.url) is None:
            return ev.result("ask", "Warden cannot tell which host this URL reaches.",
                             source="built-in: URL")
    return ev.result("ask", f"No rule allows {view.tool}, so Warden asks.",
                     source=f"mode: {ctx.mode}")


def _read_only_allow(ev: _Eval) -> Decision:
    """Allow a command Warden judged read-only (it runs contained, issue 10 item 1), or ask when
    the model wants it outside the read-only sandbox (``dangerouslyDisableSandbox``)."""
    if wants_uncontained(ev.ctx, ev.view):
        return ev.result("ask", "The model asks to run this read-only command outside the "
                         "read-only sandbox (dangerouslyDisableSandbox): it could then write "
                         "anywhere you can and reach any host. This always asks.",
                         source="sandbox: escape")
    return ev.result("allow", "Every part of the command is a built-in read-only command.",
                     source=READ_ONLY_SOURCE, auto="read-only")


def _bash_allow_or_prompt(ev: _Eval) -> Decision:
    ctx = ev.ctx
    analysis = ev.analysis
    assert analysis is not None
    # A user's allow rule covering every part only matters where read-only commands run
    # contained (it then runs as the rules say); elsewhere both allow it the same way.
    if ev.read_only() and not (containment_available(ctx) and covered_by_rules(ev)):
        return _read_only_allow(ev)
    deciding: list[Rule] = []
    unapproved: list[str] = []
    for index, cmd in enumerate(analysis.commands):
        rule = ev.bash_command_allowed(cmd, index)
        if rule is not None:
            deciding.append(rule)
            ev.trace.append(f"`{cmd.text}` allowed by {rule.text} ({source_label(rule.source)})")
        elif ev.command_read_only(index):
            ev.trace.append(f"`{cmd.text}` is a built-in read-only command")
        else:
            unapproved.append(cmd.text or cmd.raw)
    if unapproved:
        why = "No rule allows " + ", ".join(f"`{t}`" for t in unapproved[:3])
        problems = ev.read_only_problems()
        if problems:
            why += "; " + "; ".join(sorted(set(problems.values())))
        if analysis.network:
            why += f"; it reaches the network ({', '.join(analysis.network[:3])})"
        return ev.result("ask", why + ".", source=f"mode: {ctx.mode}")
    # Write targets need their own approval: an Edit rule, inside the working directories.
    for ref in analysis.writes:
        if ref.path is None:  # a glob target: no Edit rule can be checked against it
            return ev.result("ask", f"It writes the files {ref.text!r} matches.",
                             source=f"mode: {ctx.mode}")
        rule = ev.allow_rule_for_paths(effective_paths(ref), "Edit")
        if rule is None:
            return ev.result("ask", f"It writes {ref.path}, and no Edit rule allows that.",
                             source=f"mode: {ctx.mode}")
        deciding.append(rule)
    first = deciding[0] if deciding else None
    if first is None:
        return _read_only_allow(ev)
    return ev.result("allow", f"Allowed by the rule {first.text}." if len(deciding) == 1 else
                     "Every part is allowed: " + ", ".join(sorted({r.text for r in deciding})),
                     first)
