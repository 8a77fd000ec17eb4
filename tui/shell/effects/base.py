"""The record of one command's effects, and the helpers every handler uses (SPEC §4).

A handler looks at :attr:`Ctx.program` and :attr:`Ctx.args` (wrappers already stripped) and
records in :attr:`Ctx.out` the files read, written and deleted, hosts reached, nested commands,
findings, destructive git, critical removals, and every reason the command is not built-in
read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tui.shell.argspec import OUTPUT_OPTIONS
from tui.shell.options import OptSpec, Parsed, parse_options
from tui.shell.paths import Cwd, critical_reason, read_guesses, resolve_arg, resolve_arg_raw
from tui.shell.words import Arg

DELETE_OPS = frozenset({"rm", "rmdir", "unlink", "shred -u", "find -delete", "git rm",
                        "mv (source)", "rsync --delete"})
"""``PathRef.op`` values that remove the file."""
URL_RE = re.compile(r"\b(?:https?|ftp|wss?|ssh|git|rsync|sftp|s3|gs)://[^\s'\"<>)]+")


def lit(text: str) -> Arg:
    """A literal argument (not from the command line), for placeholders such as ``"."``."""
    return Arg(value=text, raw=text, static=True, quoted=(False,) * len(text))


def placeholder(arg: Arg, token: str) -> Arg:
    """``arg`` made opaque when it contains ``token`` (find's ``{}``, xargs -I's string)."""
    if not token or token not in arg.value:
        return arg
    return Arg(value=arg.value, raw=arg.raw, static=False, kinds=arg.kinds | {"placeholder"},
               params=arg.params, quoted=arg.quoted)


@dataclass
class Target:
    """A file the command touches: ``kind`` is ``"read"``, ``"write"`` or ``"delete"``."""

    text: str
    paths: list[Path | None]
    op: str
    kind: str
    raws: list[str | None] = field(default_factory=list)
    recursive: bool = False


@dataclass
class Effects:
    """Everything :func:`command_effects` learnt about one command."""

    targets: list[Target] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    findings: list[tuple[str, str]] = field(default_factory=list)
    destructive: list[str] = field(default_factory=list)
    critical: list[str] = field(default_factory=list)
    nested_shells: list[tuple[str, str, bool]] = field(default_factory=list)
    nested_argvs: list[tuple[list[Arg], str]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    executes: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_cwd: Cwd | str = "unchanged"
    subcommand: str = ""
    option_globs: list[str] = field(default_factory=list)
    implied: list[str] = field(default_factory=list)
    rule_texts: list[str] = field(default_factory=list)
    links: list[tuple[Arg, Arg]] = field(default_factory=list)


@dataclass
class Ctx:
    """One command being examined: its program, arguments and surroundings."""

    program: str
    args: list[Arg]
    cwd: Cwd
    home: Path | None
    working_dirs: tuple[Path, ...]
    origin: str = "top"
    stdin_args: bool = False
    stdin_text: str | None = None
    out: Effects = field(default_factory=Effects)

    # -- recording --------------------------------------------------------------------------

    def target(self, arg: Arg | str, op: str, kind: str, *,
               recursive: bool = False) -> list[Path | None]:
        """Record a file touched by the command; returns its resolved paths.

        A read of ``$HOME/...`` or ``$PWD/...`` also gets the likely path (paths.read_guesses).
        ``recursive`` marks a read of the whole tree under the path (``grep -r DIR``).  The
        same text, op and kind recorded twice is kept once.
        """
        a = lit(arg) if isinstance(arg, str) else arg
        paths = resolve_arg(a, self.cwd, self.home)
        raws = resolve_arg_raw(a, self.cwd, self.home)
        if kind == "read":
            guesses: list[Path | None] = list(read_guesses(a, self.cwd, self.home))
            extra = [g for g in guesses if g not in paths]
            paths = paths + extra
            raws = raws + [str(g) for g in extra]
        for t in self.out.targets:
            if t.text == a.value and t.op == op and t.kind == kind:
                t.recursive = t.recursive or recursive
                return paths
        self.out.targets.append(Target(a.value, paths, op, kind, raws, recursive))
        return paths

    def read(self, arg: Arg | str, op: str | None = None, *, recursive: bool = False) -> None:
        """Record a read target (``op`` defaults to the program; ``recursive``: the tree)."""
        self.target(arg, op or self.program, "read", recursive=recursive)

    def write(self, arg: Arg | str, op: str | None = None) -> None:
        """Record a write target (``op`` defaults to the program)."""
        self.target(arg, op or self.program, "write")

    def delete(self, arg: Arg | str, op: str | None = None) -> None:
        """Record a removal, and a critical removal when REF §11.2 says so."""
        a = lit(arg) if isinstance(arg, str) else arg
        paths = self.target(a, op or self.program, "delete")
        for p in paths:
            why = critical_reason(a, p, self.home, self.working_dirs, self.cwd)
            if why:
                entry = f"{a.value} ({why})"
                if entry not in self.out.critical:
                    self.out.critical.append(entry)

    def unknown_operands(self, kind: str, op: str | None = None) -> None:
        """Arguments supplied at run time (xargs): a target Warden cannot know."""
        self.out.targets.append(Target("<arguments from standard input>", [None],
                                       op or self.program, kind))

    def block(self, reason: str) -> None:
        """Record a reason the command is not built-in read-only."""
        if reason not in self.out.blockers:
            self.out.blockers.append(reason)

    def net(self, target: str, hosts: list[str] | None = None) -> None:
        """Record that the command reaches the network: ``"<program> <target>"`` and hosts."""
        entry = f"{self.program} {target}".strip()
        if entry not in self.out.network:
            self.out.network.append(entry)
        for h in hosts or []:
            if h and h not in self.out.hosts:
                self.out.hosts.append(h)
        self.block("it reaches the network")

    def finding(self, code: str, x: str = "") -> None:
        """Record a suspicious construct (a code of SUSPICIOUS_CONSTRUCTS)."""
        if (code, x) not in self.out.findings:
            self.out.findings.append((code, x))

    def nested(self, text: str, origin: str, dynamic: bool) -> None:
        """Record a command string the command runs (parsed again by the analyser)."""
        self.out.nested_shells.append((text, origin, dynamic))
        self.block(f"it runs another command ({origin})")

    def parsed(self, spec: OptSpec) -> Parsed:
        """The command's arguments split by ``spec`` (options.parse_options)."""
        return parse_options(self.args, spec)


# -- generic role-based programs -------------------------------------------------------------


def generic(ctx: Ctx, spec: OptSpec, roles: str) -> Parsed:
    """Apply an argspec role string to the operands, and its OUTPUT_OPTIONS (argspec.py)."""
    parsed = ctx.parsed(spec)
    for name in OUTPUT_OPTIONS.get(ctx.program, ()):
        for arg in parsed.get_args(name):
            if arg.value != "-":
                ctx.write(arg, f"{ctx.program} {name}")
    ops = parsed.operands
    if roles == "-":
        return parsed
    repeat = roles.endswith("*")
    seq = roles.rstrip("*")
    if not ops and seq:
        first = seq[0] if seq[0] not in "ps" else (seq[1] if len(seq) > 1 else "")
        if ctx.stdin_args:
            kind = {"r": "read", "l": "read", "w": "write", "d": "delete", "x": "read"}.get(first)
            if kind:
                ctx.unknown_operands(kind)
        elif first == "l":
            ctx.read(".", ctx.program)
        elif first in ("r", "x"):
            ctx.out.info.append("standard input")
        return parsed
    for k, arg in enumerate(ops):
        role = seq[k] if k < len(seq) else (seq[-1] if repeat else "")
        if (not arg.static or arg.glob) and role not in ("w", "d") and \
                any(r in "wd" for r in seq[k + 1:]):
            # a glob or an unquoted variable can become several words and push a later
            # word into a position that is written (uniq * writes its second match)
            ctx.unknown_operands("write")
        if arg.value == "-" and role in "rl":
            ctx.out.info.append("standard input")
            continue
        if role in ("r", "l"):
            ctx.read(arg)
        elif role == "w":
            if arg.value != "-":
                ctx.write(arg)
        elif role == "d":
            ctx.delete(arg)
        elif role == "x":
            ctx.read(arg)
            ctx.out.executes.append(arg.value)
    if ctx.stdin_args:
        last = seq[-1] if seq else ""
        kind = {"r": "read", "l": "read", "w": "write", "d": "delete"}.get(last)
        if kind and repeat:
            ctx.unknown_operands(kind)
    return parsed


def host_of_url(text: str) -> str:
    """The host name in a URL (``https://x.dev/a`` gives ``x.dev``), ``""`` if none."""
    try:
        parts = urlsplit(text if "://" in text else "//" + text)
        return parts.hostname or ""
    except ValueError:
        return ""


def host_of_userhost(text: str) -> str:
    """The host in ``user@host:path`` or ``[::1]:path`` forms."""
    host = text.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.split(":", 1)[0]


def quoted_whole(arg: Arg) -> bool:
    """True when every character of a static argument was quoted (no glob, no flag trick)."""
    return bool(arg.quoted) and all(arg.quoted) and arg.static
