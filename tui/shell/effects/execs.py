"""Handlers for commands that run other code: shells, interpreters, eval, cd (SPEC §4)."""

from __future__ import annotations

import re

from tui.shell import argspec
from tui.shell.data import (
    INTERPRETER_CODE_FLAGS,
    INTERPRETER_NETWORK_MARKERS,
    INTERPRETER_PROCESS_MARKERS,
)
from tui.shell.effects.base import (
    URL_RE,
    Ctx,
    host_of_url,
)
from tui.shell.options import OptSpec, parse_options
from tui.shell.paths import resolve_arg
from tui.shell.words import Arg


def _code_network(ctx: Ctx, code: str, label: str) -> None:
    """Interpreter code that opens sockets or starts processes: network use, and a finding
    that forces a prompt even when an allow rule covers the command (issue 9, family 3)."""
    if any(marker in code for marker in INTERPRETER_NETWORK_MARKERS):
        hosts = [host_of_url(u) for u in URL_RE.findall(code)]
        ctx.net(f"{label} (code that opens network connections)", hosts)
        ctx.finding("exec-option", f"{ctx.program} {label} (code that opens sockets)")
    if any(marker in code for marker in INTERPRETER_PROCESS_MARKERS):
        ctx.finding("exec-option", f"{ctx.program} {label} (code that starts processes)")


def handle_interpreter(ctx: Ctx) -> None:
    """python/perl/ruby/node/php...: code checked for sockets (SPEC §4), scripts run, -i edits."""
    prog = ctx.program
    base = re.sub(r"[0-9.]+$", "", prog) or prog
    code_flags = INTERPRETER_CODE_FLAGS.get(prog) or INTERPRETER_CODE_FLAGS.get(base, ())
    spec = argspec.SPECS.get(base, argspec.SPECS.get(prog, (OptSpec(permute=False), "-")))[0]
    parsed = parse_options(ctx.args, spec)
    codes: list[str] = []
    for flag in code_flags:
        codes.extend(parsed.get(flag))
    if prog == "deno" and ctx.args and ctx.args[0].value == "eval" and len(ctx.args) > 1:
        codes.append(ctx.args[1].value)
    module = (parsed.get("-m") or [""])[-1] if base in ("python", "pypy") else ""
    if codes:
        ctx.out.executes.append(f"{prog} code given on the command line")
        for code in codes:
            _code_network(ctx, code, code_flags[0] if code_flags else "code")
    elif module:
        ctx.out.executes.append(f"python module {module}")
        _module_options(ctx, module)
        if module in ("http.server", "SimpleHTTPServer", "smtpd", "xmlrpc.server",
                      "pyftpdlib", "ftplib", "webbrowser") or (
                module in ("pip", "pip3") and parsed.operands and
                parsed.operands[0].value in ("install", "download")):
            ctx.net(f"-m {module}")
    elif parsed.operands and parsed.operands[0].value != "-":
        script = parsed.operands[0]
        ctx.read(script, prog)
        ctx.out.executes.append(script.value)
    else:
        ctx.out.executes.append(f"{prog} code from standard input")
        if ctx.stdin_text is not None:
            _code_network(ctx, ctx.stdin_text, "code from standard input")
    in_place = base in ("perl", "ruby") and parsed.has("-i")
    if codes:
        for arg in parsed.operands:
            if in_place:
                ctx.write(arg, f"{prog} -i")
            elif arg.value != "-":
                ctx.read(arg, prog)


_SCRIPT_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"})
"""Shells whose ``-c`` script with only the options below is judged as the script itself."""
_SAFE_SHELL_FLAGS = frozenset("celuxvf")
"""Short options that only change how the script runs (``-c`` script, ``-l`` login shell,
``-e`` exit on error, ``-u`` unset variables, ``-x``/``-v`` tracing, ``-f`` no globbing)."""
_SAFE_SHELL_LONG = frozenset({"--login", "--norc", "--noprofile", "--posix", "--noediting"})
_SAFE_SHELL_SETTINGS = frozenset({"pipefail", "errexit", "nounset", "xtrace", "noglob",
                                  "posix", "verbose"})


def _module_options(ctx: Ctx, module: str) -> None:
    """``python -m pytest -p x``: the module's own options judged by its registry entry."""
    from tui.shell.registry import REGISTRY
    from tui.shell.registry.core import parse_args
    from tui.shell.registry.judge import apply_options

    entry = REGISTRY.get(module)
    if entry is None:
        return
    for k, a in enumerate(ctx.args):
        if a.value == "-m" or (a.value.startswith("-m") and a.value[2:] == module):
            rest = ctx.args[k + (2 if a.value == "-m" else 1):]
            apply_options(ctx, entry, parse_args(entry, list(rest)), f"python -m {module}")
            return


def handle_shell(ctx: Ctx) -> None:
    """sh/bash/zsh/su...: ``-c STRING`` parsed again (SPEC §4); a script or stdin runs."""
    prog = ctx.program
    args = ctx.args
    i = 0
    has_c = False
    unknown_option = False
    command_arg: Arg | None = None
    if prog in ("su", "runuser"):
        ctx.finding("privileged", prog)
        parsed = ctx.parsed(argspec.SPECS["su"][0])
        cmds = parsed.get_args("-c", "--command", "--session-command")
        if cmds:
            command_arg = cmds[-1]
            has_c = True
    else:
        while i < len(args):
            v = args[i].value
            if v in ("-o", "+o", "--rcfile", "--init-file", "-O", "+O"):
                if not (v in ("-o", "+o") and i + 1 < len(args) and
                        args[i + 1].value in _SAFE_SHELL_SETTINGS):
                    unknown_option = True
                i += 2
                continue
            if v == "--":
                i += 1
                break
            if v.startswith(("-", "+")) and len(v) > 1:
                if not v.startswith("--") and "c" in v[1:]:
                    has_c = True
                if not args[i].static or not (v in _SAFE_SHELL_LONG or (
                        not v.startswith("--") and set(v[1:]) <= _SAFE_SHELL_FLAGS)):
                    unknown_option = True
                i += 1
                continue
            break
        if has_c and i < len(args):
            command_arg = args[i]
    if has_c:
        if command_arg is None:
            ctx.block(f"{prog} -c without a command string")
            return
        origin = f"{prog} -c"
        dynamic = not command_arg.static
        if dynamic:
            ctx.finding("nested-expansion")
        ctx.nested(command_arg.value, origin, dynamic)
        if not dynamic and not unknown_option and prog in _SCRIPT_SHELLS:
            # bash -lc 'ls && pwd' is that script: its commands are judged on their own
            # (family 12); the shell itself adds nothing but its start-up files
            ctx.out.blockers.remove(f"it runs another command ({origin})")
            ctx.out.info.append("literal script")
        return
    if prog in ("su", "runuser"):
        ctx.block(f"{prog} starts a shell as another user")
        ctx.out.executes.append(f"{prog} shell")
        return
    operands = args[i:]
    if operands and operands[0].value not in ("-s",):
        ctx.read(operands[0], prog)
        ctx.out.executes.append(operands[0].value)
        ctx.block(f"{prog} runs the script {operands[0].value}")
        return
    ctx.block(f"{prog} runs commands from standard input")
    if ctx.stdin_text is not None:
        ctx.nested(ctx.stdin_text, "heredoc", False)
    else:
        ctx.out.executes.append("commands from standard input")


def handle_eval(ctx: Ctx) -> None:
    """eval: its words joined and parsed again (SPEC §4)."""
    if not ctx.args:
        return
    dynamic = any(not a.static for a in ctx.args)
    if dynamic:
        ctx.finding("nested-expansion")
    ctx.nested(" ".join(a.value for a in ctx.args), "eval", dynamic)


def handle_trap(ctx: Ctx) -> None:
    """trap: the handler string is parsed again; it runs later, on a signal."""
    ops = [a for a in ctx.args if a.value not in ("--",)]
    if not ops or ops[0].value in ("-l", "-p", "-", "") or len(ops) < 2:
        return
    ctx.nested(ops[0].value, "trap", not ops[0].static)
    if not ops[0].static:
        ctx.finding("nested-expansion")


def handle_source(ctx: Ctx) -> None:
    """source/.: reads and runs a script in the current shell."""
    if ctx.args:
        ctx.read(ctx.args[0], "source")
        ctx.out.executes.append(ctx.args[0].value)
    ctx.block("source runs a script in the current shell")


def handle_parallel(ctx: Ctx) -> None:
    """GNU parallel: its command words are run by a shell for each input."""
    words: list[Arg] = []
    for a in ctx.args:
        if a.value in (":::", "::::", ":::+", "::::+"):
            break
        words.append(a)
    parsed = parse_options(words, OptSpec(short_arg="jSdIaEn", long_arg=(
        "jobs", "sshlogin", "delimiter", "arg-file", "results", "joblog", "workdir", "tmpdir"),
        permute=False))
    if parsed.operands:
        dynamic = any(not a.static for a in parsed.operands)
        ctx.nested(" ".join(a.value for a in parsed.operands), "parallel", dynamic)
    if parsed.get("-S", "--sshlogin"):
        ctx.net("--sshlogin " + " ".join(parsed.get("-S", "--sshlogin")))


def handle_cd(ctx: Ctx) -> None:
    """cd/pushd/popd: the new cwd state (unknown for ``-``, variables, popd)."""
    ops = [a for a in ctx.args if not (a.value.startswith("-") and a.value != "-")]
    prog = ctx.program
    if prog == "popd":
        ctx.out.new_cwd = None
        return
    if not ops:
        ctx.out.new_cwd = (ctx.home,) if ctx.home is not None and prog == "cd" else \
            (None if prog == "cd" else "unchanged")
        if prog == "cd":
            ctx.out.info.append("the home directory")
        return
    target = ops[0]
    if target.value == "-":
        ctx.out.new_cwd = None
        return
    paths = resolve_arg(target, ctx.cwd, ctx.home)
    if any(p is None for p in paths):
        ctx.out.new_cwd = None
    else:
        ctx.out.new_cwd = tuple(p for p in paths if p is not None)
    ctx.out.info.append(target.value)


def handle_assignment_builtin(ctx: Ctx) -> None:
    """export/declare/local...: the names assigned (for tainting)."""
    for a in ctx.args:
        if "=" in a.value and not a.value.startswith("-"):
            ctx.out.info.append(a.value.split("=", 1)[0])
