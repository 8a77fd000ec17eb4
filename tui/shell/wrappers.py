"""Stripping wrappers (``timeout 5``, ``nice -n 5``, ``env FOO=1``, ``sudo -u x``...) from a
command, per SPEC §4 and REF §2.3: the wrapped command is what rules match and what the analyser
examines; the wrappers' names, assignments, lock files and ``-o`` files are kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from tui.shell.data import WRAPPERS
from tui.shell.effects import lit, placeholder
from tui.shell.words import Arg

ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\+?)=")


@dataclass
class Stripped:
    """The command left after wrappers, and what the wrappers themselves do."""

    args: list[Arg]
    wrappers: list[str] = field(default_factory=list)
    origin: str = ""
    stdin_args: bool = False
    chdir: Arg | None = None
    nested: tuple[str, str] | None = None
    targets: list[tuple[Arg, str, str]] = field(default_factory=list)
    fail: str = ""


def wrapper_options(prog: str, rest: list[Arg]) -> tuple[list[tuple[str, Arg | None]], int]:
    """A wrapper's own options (per data.WRAPPERS) and how many words they use."""
    spec = WRAPPERS[prog]
    opts: list[tuple[str, Arg | None]] = []
    i = 0
    while i < len(rest):
        a = rest[i]
        v = a.value
        if v == "--":
            i += 1
            break
        if prog == "nice" and re.match(r"^-\d+$|^--?-?\d+$", v):
            opts.append(("-n", a))
            i += 1
            continue
        if not v.startswith("-") or v == "-" or not a.static:
            break
        if v.startswith("--"):
            name, eq, val = v[2:].partition("=")
            hits = [n for n in spec.long_arg if n.startswith(name)] if name else []
            full = name if name in spec.long_arg else (hits[0] if len(hits) == 1 else name)
            if eq:
                opts.append(("--" + full, lit(val)))
                i += 1
            elif full in spec.long_arg and i + 1 < len(rest):
                opts.append(("--" + full, rest[i + 1]))
                i += 2
            else:
                opts.append(("--" + full, None))
                i += 1
            continue
        k = 1
        took_next = False
        while k < len(v):
            ch = v[k]
            if ch in spec.short_arg:
                tail = v[k + 1:]
                if tail:
                    opts.append(("-" + ch, lit(tail)))
                elif prog == "xargs" and ch in "ei":
                    opts.append(("-" + ch, None))  # optional attached value only
                elif i + 1 < len(rest):
                    opts.append(("-" + ch, rest[i + 1]))
                    took_next = True
                else:
                    opts.append(("-" + ch, None))
                break
            opts.append(("-" + ch, None))
            k += 1
        i += 2 if took_next else 1
    return opts, i


def strip_wrappers(args: list[Arg], env: list[tuple[str, str]]) -> Stripped:
    """Remove wrappers (SPEC §4 list) from the front of ``args``; see data.WRAPPERS."""
    out = Stripped(args=args)
    while out.args:
        a0 = out.args[0]
        prog = os.path.basename(a0.value)
        if not a0.static or prog not in WRAPPERS:
            break
        rest = out.args[1:]
        if prog == "command" and rest and rest[0].value.startswith("-") and \
                any(c in rest[0].value for c in "vV"):
            break
        opts, i = wrapper_options(prog, rest)
        names = {n for n, _ in opts}
        if prog in ("env", "sudo"):
            while i < len(rest) and rest[i].static and ASSIGNMENT.match(rest[i].value):
                name, _, value = rest[i].value.partition("=")
                env.append((name.rstrip("+"), value))
                i += 1
        if prog == "env" and names & {"-S", "--split-string"}:
            out.fail = "env -S splits a string into a command, which Warden does not analyse"
            return out
        if prog == "sudo" and names & {"-e", "--edit", "-l", "--list", "-v", "--validate",
                                       "-k", "-K", "--remove-timestamp", "-V", "--version",
                                       "-h", "--help"}:
            break
        if prog == "ionice" and names & {"-p", "-P", "-u", "--pid", "--pgid", "--uid"}:
            break
        spec = WRAPPERS[prog]
        positional = rest[i:i + spec.positional]
        if len(positional) < spec.positional:
            break
        i += spec.positional
        cmd = rest[i:]
        if prog == "flock" and positional:
            lock = positional[0]
            if not lock.value.isdigit():
                out.targets.append((lock, "flock", "write"))
            if cmd and cmd[0].value in ("-c", "--command"):
                out.wrappers.append(prog)
                out.origin = prog
                if len(cmd) < 2 or not cmd[1].static:
                    out.fail = "the command string given to flock -c is missing or not known"
                    return out
                out.nested = (cmd[1].value, "flock")
                out.args = []
                return out
        if not cmd:
            break
        for name, val in opts:
            if val is None:
                continue
            if prog in ("time", "strace", "ltrace") and name in ("-o", "--output"):
                out.targets.append((val, f"{prog} -o", "write"))
            if prog == "env" and name in ("-C", "--chdir"):
                out.chdir = val
            if prog == "sudo" and name in ("-D", "--chdir"):
                out.chdir = val
            if prog == "xargs" and name in ("-a", "--arg-file"):
                out.targets.append((val, "xargs -a", "read"))
        out.wrappers.append(prog)
        if spec.exec_style:
            out.origin = prog
        if prog == "xargs":
            out.stdin_args = True
            token = ""
            for name, val in opts:
                if name in ("-I", "--replace", "-i"):
                    token = val.value if val is not None else "{}"
            cmd = [placeholder(a, token) for a in cmd]
        if prog == "watch" and not names & {"-x", "--exec"}:
            text = " ".join(a.value for a in cmd)
            if any(not a.static for a in cmd):
                out.fail = "the command given to watch contains expansions Warden cannot see"
                return out
            out.nested = (text, "watch")
            out.args = []
            return out
        out.args = cmd
    return out
