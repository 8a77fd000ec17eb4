"""Applying the registry to one command (issue 9): see :mod:`tui.shell.registry`."""

from __future__ import annotations

import re

from tui.shell.effects.base import Ctx, Target
from tui.shell.registry import REGISTRY
from tui.shell.registry.core import NOT_READ_ONLY, Parsed, Program, parse_args
from tui.shell.registry.judges import inside_work, judge_find, judge_git, judge_jq

SUBSCRIPT_BUILTINS = frozenset({"test", "[", "declare", "typeset", "local", "export",
                                "readonly", "printf", "read", "let", "unset", "mapfile",
                                "readarray", "wait", "shift", "return", "exit", "ulimit"})
"""Builtins that evaluate array subscripts or arithmetic in their operands (family 6)."""

_SUBSCRIPT_CODE = re.compile(r"\[[^\]]*(\$|`)")
_ARITH_CODE = re.compile(r"\$\(|`|\[[^\]]*(\$|`)")


_DEREFERENCING = frozenset({("grep", "--dereference-recursive"),
                            ("egrep", "--dereference-recursive"),
                            ("fgrep", "--dereference-recursive"), ("diff", "--recursive")})
"""(program, option) recursions that follow every symlink met (grep -R; diff -r, whose
default is to follow).  grep's lowercase ``-r`` follows only links named on the command line,
which the engine resolves itself."""


def apply_options(ctx: Ctx, entry: Program, parsed: Parsed, label: str) -> None:
    """Record what each parsed option does (reads, writes, programs run...) in ``ctx``."""
    for opt, value in parsed.opts:
        effect = opt.effect
        name = f"{label} {opt.canonical}"
        if effect == "safe":
            continue
        if effect == "read":
            if value is not None and value.value != "-":
                ctx.read(value, name)
        elif effect == "readlist":
            if value is not None and value.value != "-":
                ctx.read(value, name)
            ctx.out.targets.append(Target(f"<files named by {name}>", [None], name, "read"))
        elif effect == "write":
            if value is not None and value.value != "-":
                ctx.write(value, name)
            else:
                ctx.block(f"{name} writes files")
        elif effect == "exec":
            ctx.finding("exec-option", name)
            ctx.out.executes.append(name)
            ctx.block(f"{name} runs another program")
        elif effect == "net":
            ctx.net(f"({name})")
        elif effect == "chdir":
            ctx.block(f"{name} makes it work in, or take configuration from, another directory")
            if value is None or not inside_work(ctx, value):
                ctx.finding("exec-option", name)
        elif effect == "recurse":
            reads = [t for t in ctx.out.targets if t.kind == "read"]
            for t in reads:
                t.recursive = True
            if not reads:
                ctx.read(".", name, recursive=True)
            if (label, opt.canonical) in _DEREFERENCING:
                # symlinks met on the way are followed: the files read can be anywhere
                ctx.out.targets.append(Target(f"<files that symlinks below point to ({name})>",
                                              [None], name, "read"))
        elif effect in NOT_READ_ONLY:
            ctx.block(f"{name} {_EFFECT_WORDS.get(effect, 'changes things')}")


_EFFECT_WORDS = {"inplace": "edits files in place", "unsafe": "changes the system or the shell",
                 "delete": "removes files", "config": "sets configuration"}


def judge(ctx: Ctx) -> None:
    """Judge one command against the registry (module docstring); records into ``ctx.out``.

    Unknown programs are not read-only.  For a program that may be read-only: every problem
    of the parse (unknown option, ambiguous abbreviation, an option built at run time when the
    program has dangerous options) blocks read-only; globs in option position are kept in
    ``ctx.out.option_globs`` for the engine to expand against the files present.
    """
    prog = ctx.program
    if prog in SUBSCRIPT_BUILTINS:
        _subscript_code(ctx)
    if prog == "git":
        judge_git(ctx, REGISTRY)
        return
    if prog in ("find", "gfind"):
        judge_find(ctx)
        return
    if prog == "jq":
        judge_jq(ctx)
        return
    if prog in ("test", "["):
        return
    if "literal script" in ctx.out.info:
        return  # bash -c 'SCRIPT': judged by its commands (effects.execs.handle_shell)
    entry = REGISTRY.get(prog) if " " not in prog else None  # "git status" is one word
    if entry is None:
        ctx.block(f"{prog} is not a program Warden models as read-only")
        return
    parsed = parse_args(entry, ctx.args)
    apply_options(ctx, entry, parsed, prog)
    ctx.out.implied.extend(entry.implied)
    if not entry.read_only:
        ctx.block(f"{prog} is not a read-only program")
        return
    harmful = entry.harmful
    for problem in parsed.problems:
        if "built at run time" in problem and not harmful:
            continue
        ctx.block(problem)
    ctx.out.option_globs.extend(a.value for a in parsed.option_globs)
    if harmful:
        if ctx.stdin_args:
            ctx.block(f"arguments from standard input could be {prog} options that write or "
                      "run programs")
    _program_forms(ctx, prog, parsed)


def _program_forms(ctx: Ctx, prog: str, parsed: Parsed) -> None:
    """Operand forms that are not read-only for otherwise read-only programs."""
    ops = parsed.operands
    if prog == "date" and any(not a.value.startswith("+") for a in ops):
        ctx.block("date with an argument other than +FORMAT sets the clock")
    elif prog == "hostname" and ops:
        ctx.block("hostname with an argument sets the host name")
    elif prog == "man" and any("/" in a.value or not a.static for a in ops):
        ctx.block("man given a path formats that file, whose requests can read other files")
    elif prog == "printf" and parsed.has("-v"):
        ctx.block("printf -v assigns a shell variable")


def _subscript_code(ctx: Ctx) -> None:
    """Family 6: an operand whose array subscript or arithmetic holds code."""
    pattern = _ARITH_CODE if ctx.program == "let" else _SUBSCRIPT_CODE
    for a in ctx.args:
        if pattern.search(a.value):
            ctx.finding("subscript-code", ctx.program)
            ctx.block(f"{ctx.program} evaluates the code in {a.value!r}")
            return
    if ctx.program == "let" and ctx.args:
        ctx.block("let evaluates arithmetic")
