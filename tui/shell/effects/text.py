"""Handlers for search and text tools: grep, rg, sed, awk, jq, sort (SPEC §4, REF §2.4)."""

from __future__ import annotations

import re

from tui.shell import argspec
from tui.shell.effects.base import (
    Ctx,
    Target,
    generic,
    lit,
)
from tui.shell.sedscript import read_sed_script
from tui.shell.words import Arg


def handle_sort(ctx: Ctx) -> None:
    """sort: inputs read, -o written."""
    parsed = generic(ctx, argspec.SPECS["sort"][0], "r*")
    for arg in parsed.get_args("-o", "--output"):
        ctx.write(arg, "sort -o")
    for arg in parsed.get_args("--files0-from"):
        ctx.read(arg, "sort")


def handle_grep(ctx: Ctx) -> None:
    """grep/rg/ag/ack: the pattern, then files read (rg and -r: the cwd by default)."""
    prog = ctx.program
    spec = argspec.SPECS.get(prog, argspec.SPECS["grep"])[0]
    parsed = ctx.parsed(spec)
    ops = list(parsed.operands)
    pattern_given = parsed.has("-e", "--regexp", "-f", "--file")
    for arg in parsed.get_args("-f", "--file"):
        ctx.read(arg, prog)
    if prog in ("rg", "ag", "ack") and parsed.has("--files", "-l", "--type-list") and \
            not pattern_given:
        pattern_given = parsed.has("--files", "--type-list")
    if not pattern_given and ops:
        if ops[0].glob or not ops[0].static:
            # an unquoted glob or variable as the pattern can become several words, the
            # rest of them files to read (grep .* gives the pattern .env and reads .git...)
            ctx.unknown_operands("read")
        ops = ops[1:]
    recursive = prog in ("rg", "ag", "ack") or parsed.has("-r", "-R", "--recursive",
                                                          "--dereference-recursive")
    if not ops:
        if ctx.stdin_args:
            ctx.unknown_operands("read")
        elif recursive:
            ctx.read(".", prog, recursive=True)
        else:
            ctx.out.info.append("standard input")
    for arg in ops:
        if arg.value == "-":
            ctx.out.info.append("standard input")
        else:
            ctx.read(arg, prog, recursive=recursive)
    if ctx.stdin_args and ops:
        ctx.unknown_operands("read")


def handle_sed(ctx: Ctx) -> None:
    """sed: the script read for w/r/e commands (sedscript), files read or edited (-i)."""
    spec = argspec.SPECS["sed"][0]
    parsed = ctx.parsed(spec)
    ops = list(parsed.operands)
    scripts = parsed.get("-e", "--expression")
    script_args = parsed.get_args("-e", "--expression")
    if parsed.get("-f", "--file"):
        for arg in parsed.get_args("-f", "--file"):
            ctx.read(arg, "sed -f")
        ctx.block("sed -f reads a script Warden cannot check for w/e commands")
        ctx.out.targets.append(Target("<files named in the sed script>", [None], "sed w",
                                      "write"))
    in_place = parsed.has("-i", "--in-place")
    if not scripts and not parsed.get("-f", "--file") and ops:
        if in_place and len(ops) > 1 and ops[0].value == "" and ops[0].static:
            ops = ops[1:]  # BSD sed -i '' SCRIPT FILE: the empty word is the backup suffix
        script_args = [ops[0]]
        scripts = [ops[0].value]
        ops = ops[1:]
    if any(not a.static or a.glob for a in script_args):
        ctx.block("the sed script contains a variable or substitution")
        ctx.out.targets.append(Target("<files named in the sed script>", [None], "sed w",
                                      "write"))
    sandbox = parsed.has("--sandbox")
    info = read_sed_script("\n".join(scripts))
    if not info.certain and not sandbox:
        ctx.block("Warden could not read the whole sed script")
        ctx.out.targets.append(Target("<files named in the sed script>", [None], "sed w",
                                      "write"))
    for name in info.writes:
        name = name.strip()
        if name not in ("/dev/stdout", "/dev/stderr"):
            ctx.target(lit(name), "sed w", "write")
    for name in info.reads:
        ctx.target(lit(name.strip()), "sed r", "read")
    if info.executes and not sandbox:
        ctx.finding("sed-exec")
        ctx.block("the sed script runs shell commands")
        for command in info.commands:
            ctx.nested(command, "sed e", False)
        ctx.out.executes.append("sed e")
    for arg in ops:
        if in_place:
            ctx.write(arg, "sed -i")
        elif arg.value == "-":
            ctx.out.info.append("standard input")
        else:
            ctx.read(arg, "sed")
    if not ops:
        if ctx.stdin_args:
            ctx.unknown_operands("write" if in_place else "read", "sed -i" if in_place else "sed")
        else:
            ctx.out.info.append("standard input")
    if in_place:
        ctx.block("sed -i edits files in place")


def handle_awk(ctx: Ctx) -> None:
    """awk: the program (system(), pipes and > noted), files read."""
    parsed = ctx.parsed(argspec.SPECS["awk"][0])
    ops = list(parsed.operands)
    programs = parsed.get("-f", "--file")
    for arg in parsed.get_args("-f", "--file"):
        ctx.read(arg, ctx.program)
    text = ""
    if not programs and ops:
        text = ops[0].value
        ops = ops[1:]
    if "system(" in text or "| getline" in text or "|getline" in text or re.search(
            r"print[f]?[^;{}]*\|", text):
        ctx.out.executes.append("awk system()/pipe")
    if re.search(r"print[f]?[^;{}]*>", text):
        ctx.out.targets.append(Target("<files named in the awk program>", [None], "awk >",
                                      "write"))
    if "/inet/" in text:
        ctx.net("(/inet/ socket)")
    files = [a for a in ops if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", a.value)]
    for arg in files:
        ctx.read(arg, ctx.program)
    if not files:
        if ctx.stdin_args:
            ctx.unknown_operands("read")
        else:
            ctx.out.info.append("standard input")


def handle_jq(ctx: Ctx) -> None:
    """jq: the filter, then files read."""
    ops: list[Arg] = []
    i = 0
    args = ctx.args
    filt_given = False
    while i < len(args):
        v = args[i].value
        if v in ("--arg", "--argjson"):
            i += 3
            continue
        if v in ("--slurpfile", "--rawfile"):
            if i + 2 < len(args):
                ctx.read(args[i + 2], "jq")
            i += 3
            continue
        if v in ("-f", "--from-file"):
            if i + 1 < len(args):
                ctx.read(args[i + 1], "jq")
                filt_given = True
            i += 2
            continue
        if v in ("--args", "--jsonargs"):
            break
        if v in ("--indent", "--tab", "-L"):
            i += 2 if v != "--tab" else 1
            continue
        if v.startswith("-") and v != "-":
            i += 1
            continue
        ops.append(args[i])
        i += 1
    if not filt_given and ops:
        ops = ops[1:]
    for arg in ops:
        ctx.read(arg, "jq")
    if not ops:
        ctx.out.info.append("standard input")
