"""Judges for programs whose arguments are not plain options: git, find and jq (issue 9).

Each validates every option against what the program accepts and records the options that run
programs, write, or change where the program looks; the program handlers in
:mod:`tui.shell.effects` keep recording operands and network use.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tui.pathutil import lexically_inside
from tui.shell.effects.base import Ctx, lit
from tui.shell.paths import resolve_arg
from tui.shell.registry.core import Program, may_be_option, parse_args
from tui.shell.registry.git import key_runs_program
from tui.shell.words import Arg

if TYPE_CHECKING:
    pass

_GIT_READS_PATHSPECS = frozenset({"diff", "log", "show", "blame", "annotate", "whatchanged",
                                  "grep", "shortlog", "diff-tree", "diff-files", "diff-index",
                                  "rev-list", "ls-files", "ls-tree"})
_GIT_EXEC_OPTIONS: dict[str, tuple[str, ...]] = {
    # options of git subcommands that are never read-only, which name a program to run
    "push": ("--receive-pack", "--exec"), "fetch": ("--upload-pack",),
    "pull": ("--upload-pack",), "clone": ("--upload-pack", "-u", "--template"),
    "ls-remote": ("--upload-pack",), "archive": ("--exec",), "rebase": ("--exec", "-x"),
    "submodule": ("foreach",), "bisect": ("run",), "difftool": ("--extcmd", "-x", "--tool",
                                                                 "-t"),
    "mergetool": ("--tool", "-t"), "filter-branch": ("--tree-filter", "--index-filter",
                                                     "--msg-filter", "--env-filter",
                                                     "--commit-filter", "--parent-filter",
                                                     "--tag-name-filter"),
    "send-email": ("--sendmail-cmd", "--smtp-server", "--to-cmd", "--cc-cmd"),
    "commit": ("--template", "-t"), "init": ("--template",), "am": ("--exec",),
}


def inside_work(ctx: Ctx, value: Arg) -> bool:
    """True when every path ``value`` may name is known and lexically inside the working
    directories (:func:`tui.pathutil.lexically_inside`; the engine checks the real paths)."""
    paths = resolve_arg(value, ctx.cwd, ctx.home)
    return all(p is not None and lexically_inside(p, *ctx.working_dirs) for p in paths)


def _exec(ctx: Ctx, name: str) -> None:
    ctx.finding("exec-option", name)
    ctx.out.executes.append(name)
    ctx.block(f"{name} runs another program")


def _git_config_value(ctx: Ctx, text: str, label: str) -> None:
    key = text.split("=", 1)[0]
    if key_runs_program(key):
        _exec(ctx, f"{label} {key}")


def judge_git(ctx: Ctx, registry: dict[str, Program]) -> None:
    """git: global options matched exactly (``git.c``), then the subcommand's own options."""
    from tui.shell.registry.judge import apply_options

    entry = registry["git"]
    args = ctx.args
    i = 0
    skipped = 0
    while i < len(args):
        a = args[i]
        v = a.value
        if not a.static or a.glob:
            if may_be_option(a):
                ctx.block(f"git option {a.raw} is not known before it runs")
            break
        if not v.startswith("-") or v == "-":
            break
        name, eq, val = v.partition("=")
        opt = None
        value: Arg | None = None
        if name.startswith("--"):
            opt = entry._long.get(name[2:])
            if opt is not None and eq:
                value = lit(val)
            elif opt is not None and opt.arity == 1 and i + 1 < len(args):
                value = args[i + 1]
                i += 1
        else:
            opt = entry.short(v[1:2])
            if opt is not None and opt.arity == 1:
                if len(v) > 2:
                    value = lit(v[2:])  # -ccore.pager=x: git refuses it, Warden judges it
                elif i + 1 < len(args):
                    value = args[i + 1]
                    i += 1
            elif opt is not None and len(v) > 2:
                opt = None
        i += 1
        if opt is None:
            ctx.block(f"unknown git option {v}")
            skipped += 1
            continue
        label = f"git {name}"
        if opt.canonical in ("-c", "--config-env"):
            if value is None:
                ctx.block(f"{label} without a value")
            else:
                _git_config_value(ctx, value.value, label)
        elif opt.canonical == "--exec-path":
            if value is not None:
                _exec(ctx, label)
        elif opt.effect == "exec":
            _exec(ctx, label)
        elif opt.effect == "chdir" and value is not None:
            if not inside_work(ctx, value):
                _exec(ctx, label)
    rest = args[i:]
    if not rest:
        return
    ctx.out.rule_texts.append(" ".join(["git", *(a.value for a in rest)]))
    if skipped and len(rest) > 1:
        # an unknown global option may have taken the next word as its value
        ctx.out.rule_texts.append(" ".join(["git", *(a.value for a in rest[1:])]))
    sub = rest[0].value
    words = rest[1:]
    _git_exec_forms(ctx, sub, words)
    sub_entry = registry.get(f"git {sub}")
    if sub_entry is None:
        return
    parsed = parse_args(sub_entry, list(words))
    apply_options(ctx, sub_entry, parsed, f"git {sub}")
    for opt, value in parsed.opts:
        if opt.canonical in ("--pretty", "--format") and value is not None and \
                "%G" in value.value:
            _exec(ctx, f"git {sub} {opt.canonical}=%G")  # signature placeholders run gpg
    for problem in parsed.problems:
        ctx.block(problem)
    ctx.out.option_globs.extend(a.value for a in parsed.option_globs)
    if sub in ("branch", "tag") and parsed.operands and not parsed.has("-l", "--list"):
        ctx.block(f"git {sub} with a name creates a {sub}")
    if sub == "grep" and not any(t.recursive for t in ctx.out.targets):
        ctx.read(".", "git grep", recursive=True)
    if sub in _GIT_READS_PATHSPECS:
        after = False
        for a in words:
            if a.value == "--" and not after:
                after = True
                continue
            if after or (a in parsed.operands and ("/" in a.value or "." in a.value)):
                if a.static and ":" not in a.value and not a.value.startswith("-"):
                    ctx.read(a, f"git {sub}")


def _git_exec_forms(ctx: Ctx, sub: str, words: list[Arg]) -> None:
    """Forms of subcommands that are never read-only but run programs (force a prompt)."""
    texts = [a.value for a in words]
    for name in _GIT_EXEC_OPTIONS.get(sub, ()):
        for t in texts:
            if t == name or (name.startswith("--") and len(t) > 3 and
                             (t.split("=", 1)[0] == name or
                              (name.startswith(t.split("=", 1)[0]) and t.startswith("--")
                               and len(t.split("=", 1)[0]) >= 5))):
                _exec(ctx, f"git {sub} {name}")
                break
            if not name.startswith("--") and len(name) == 2 and t.startswith(name) and \
                    not t.startswith("--"):
                _exec(ctx, f"git {sub} {name}")
                break
    if sub in ("clone", "submodule", "pull", "fetch"):
        for k, t in enumerate(texts):
            if t in ("-c", "--config") and k + 1 < len(texts):
                _git_config_value(ctx, texts[k + 1], f"git {sub} {t}")
            elif t.startswith("--config="):
                _git_config_value(ctx, t[9:], f"git {sub} --config")
    if sub == "config":
        _git_config_write(ctx, texts)


def _git_config_write(ctx: Ctx, texts: list[str]) -> None:
    """``git config`` writing a key that runs a program, or any user/system-level write."""
    flags = [t for t in texts if t.startswith("-")]
    ops = [t for t in texts if not t.startswith("-")]
    reading = any(f.startswith("--get") or f in ("-l", "--list") for f in flags) or \
        (ops[:1] in (["get"], ["list"])) or (len(ops) <= 1 and not any(
            f in ("--unset", "--unset-all", "--add", "--replace-all", "--edit", "-e",
                  "--rename-section", "--remove-section") for f in flags))
    if reading:
        return
    if ops and ops[0] in ("set", "unset"):
        ops = ops[1:]
    if any(f in ("--global", "--system", "--file", "-f", "--blob") or f.startswith("--file=")
           for f in flags):
        _exec(ctx, "git config (user, system or other file)")
        return
    if any(f in ("--edit", "-e") for f in flags):
        _exec(ctx, "git config --edit")
        return
    if ops and key_runs_program(ops[0]):
        _exec(ctx, f"git config {ops[0]}")


# -- find -----------------------------------------------------------------------------------

_FIND_GLOBAL = {"-H": 0, "-L": 0, "-P": 0, "-D": 1}
_FIND_ARG1 = frozenset({
    "-amin", "-anewer", "-atime", "-cmin", "-cnewer", "-ctime", "-fstype", "-gid", "-group",
    "-ilname", "-iname", "-inum", "-ipath", "-iregex", "-iwholename", "-links", "-lname",
    "-mmin", "-mtime", "-name", "-newer", "-path", "-perm", "-regex", "-samefile", "-size",
    "-type", "-uid", "-used", "-user", "-wholename", "-xtype", "-context", "-maxdepth",
    "-mindepth", "-regextype", "-printf", "-files0-from"})
_FIND_ARG0 = frozenset({
    "-empty", "-executable", "-false", "-nogroup", "-nouser", "-readable", "-true", "-writable",
    "-d", "-depth", "-follow", "-help", "--help", "-ignore_readdir_race", "-mount",
    "-noignore_readdir_race", "-noleaf", "-version", "--version", "-warn", "-nowarn", "-xdev",
    "-ls", "-print", "-print0", "-prune", "-quit", "-not", "-a", "-and", "-o", "-or", "!", "(",
    ")", ",", "-daystart"})
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_FIND_WRITE = {"-fls": 1, "-fprint": 1, "-fprint0": 1, "-fprintf": 2}
_NEWER_XY = re.compile(r"^-newer[aBcmt][aBcmt]$")


def judge_find(ctx: Ctx) -> None:
    """find: every primary known (tests, safe actions, operators), with its arity."""
    args = ctx.args
    i = 0
    while i < len(args) and args[i].static and (args[i].value in _FIND_GLOBAL or
                                                re.match(r"^-O\d$", args[i].value)):
        i += 1 + _FIND_GLOBAL.get(args[i].value, 0)
    globs: list[str] = []
    while i < len(args):
        a = args[i]
        if a.static and not a.glob and (a.value.startswith("-") or a.value in ("(", "!", ")")):
            break
        if may_be_option(a):
            if a.static:
                globs.append(a.value)
            else:
                ctx.block(f"find start point {a.raw} is not known before it runs")
        i += 1
    while i < len(args):
        a = args[i]
        v = a.value
        if not a.static:
            ctx.block(f"find expression word {a.raw} is not known before it runs")
            i += 1
            continue
        if a.glob:
            globs.append(v)
            i += 1
            continue
        if v in _FIND_EXEC:
            j = i + 1
            while j < len(args) and args[j].value not in (";", "+"):
                j += 1
            i = j + 1
            continue
        if v in _FIND_WRITE:
            i += 1 + _FIND_WRITE[v]
            continue
        if v == "-delete":
            i += 1
            continue
        if v in _FIND_ARG1 or _NEWER_XY.match(v):
            if i + 1 < len(args) and args[i + 1].glob:
                globs.append(args[i + 1].value)
            if v == "-files0-from" and i + 1 < len(args):
                ctx.out.targets.append(_unknown_read("find -files0-from"))
            i += 2
            continue
        if v in _FIND_ARG0:
            i += 1
            continue
        ctx.block(f"unknown find primary {v}")
        i += 1
    ctx.out.option_globs.extend(globs)
    if ctx.stdin_args:
        ctx.block("arguments from standard input could be find actions such as -delete")


def _unknown_read(op: str):  # noqa: ANN202 - a Target
    from tui.shell.effects.base import Target

    return Target(f"<files named by {op}>", [None], op, "read")


# -- jq -------------------------------------------------------------------------------------

_JQ_ARITY: dict[str, int] = {
    "-n": 0, "--null-input": 0, "-R": 0, "--raw-input": 0, "-s": 0, "--slurp": 0, "-c": 0,
    "--compact-output": 0, "-r": 0, "--raw-output": 0, "-j": 0, "--join-output": 0, "-a": 0,
    "--ascii-output": 0, "-S": 0, "--sort-keys": 0, "-C": 0, "--color-output": 0, "-M": 0,
    "--monochrome-output": 0, "--tab": 0, "--unbuffered": 0, "--stream": 0,
    "--stream-errors": 0, "--seq": 0, "-e": 0, "--exit-status": 0, "--raw-output0": 0,
    "-h": 0, "--help": 0, "-V": 0, "--version": 0, "--build-configuration": 0, "-0": 0,
    "--indent": 1, "-f": 1, "--from-file": 1, "-L": 1, "--arg": 2, "--argjson": 2,
    "--slurpfile": 2, "--rawfile": 2,
}


def judge_jq(ctx: Ctx) -> None:
    """jq: every option known; ``-L`` module directories and ``import``/``include`` ask."""
    args = ctx.args
    i = 0
    operands: list[Arg] = []
    while i < len(args):
        a = args[i]
        v = a.value
        if v in ("--args", "--jsonargs"):
            break
        if may_be_option(a) and not (a.static and v.startswith("-") and not a.glob):
            if not a.static:
                pass  # a filter or file built at run time: the handler records the read
            operands.append(a)
            i += 1
            continue
        if v == "-" or not v.startswith("-"):
            operands.append(a)
            i += 1
            continue
        if v in _JQ_ARITY:
            if v == "-L":
                ctx.block("jq -L loads modules from another directory")
                if i + 1 < len(args):
                    ctx.read(args[i + 1], "jq -L", recursive=True)
            i += 1 + _JQ_ARITY[v]
            continue
        if not v.startswith("--") and all(f"-{c}" in _JQ_ARITY and _JQ_ARITY[f"-{c}"] == 0
                                          for c in v[1:]):
            i += 1
            continue
        if v.startswith("-L") and len(v) > 2:
            ctx.block("jq -L loads modules from another directory")
            ctx.read(v[2:], "jq -L", recursive=True)
            i += 1
            continue
        ctx.block(f"unknown jq option {v}")
        i += 1
    if operands and re.search(r"\b(import|include)\b", operands[0].value):
        ctx.block("the jq program imports modules from files")
