"""Handlers for programs that create, copy, move, remove and archive files (SPEC §4)."""

from __future__ import annotations

import os
import re

from tui.shell import argspec
from tui.shell.effects.base import (
    Ctx,
    Target,
    generic,
    lit,
    placeholder,
)
from tui.shell.options import OptSpec, parse_options
from tui.shell.words import Arg


def handle_rm(ctx: Ctx) -> None:
    """rm/rmdir/unlink/shred: removals (critical ones per REF §11.2)."""
    parsed = ctx.parsed(OptSpec())  # --interactive[=WHEN] takes its value only after "="
    op = ctx.program if ctx.program != "shred" else (
        "shred -u" if parsed.has("-u", "--remove", "--zap") else "shred")
    for arg in parsed.operands:
        if op == "shred":
            ctx.write(arg, op)
        else:
            ctx.delete(arg, op)
    if ctx.stdin_args:
        ctx.unknown_operands("delete", op)
    if ctx.program == "rm" and parsed.has("-r", "-R", "--recursive"):
        ctx.out.notes.append("recursive")


def handle_copy_like(ctx: Ctx) -> None:
    """cp/mv/ln/install: sources read (mv: removed), the destination written."""
    prog = ctx.program
    spec = argspec.SPECS[prog][0]
    parsed = ctx.parsed(spec)
    ops = list(parsed.operands)
    target_dir = parsed.get_args("-t", "--target-directory")
    if prog == "install" and parsed.has("-d", "--directory"):
        for arg in ops:
            ctx.write(arg, "install -d")
        return
    if target_dir:
        dest: Arg | None = target_dir[-1]
        sources = ops
    elif ctx.stdin_args:
        dest = None
        sources = ops
        ctx.unknown_operands("write", prog)
    elif prog == "ln" and len(ops) == 1:
        dest = lit(os.path.basename(ops[0].value.rstrip("/")) or ".")
        sources = ops
    elif len(ops) >= 2:
        dest, sources = ops[-1], ops[:-1]
    else:
        dest, sources = None, ops
    linking = prog == "ln" or (prog == "cp" and parsed.has(
        "-l", "--link", "-s", "--symbolic-link"))
    if linking and dest is not None:
        for src in sources:
            ctx.out.links.append((dest, src))
    for src in sources:
        if prog == "mv":
            ctx.delete(src, "mv (source)")
        elif prog == "ln":
            pass  # the link target is not opened
        else:
            ctx.read(src, prog, recursive=parsed.has("-r", "-R", "--recursive", "-a",
                                                      "--archive"))
    if dest is not None:
        ctx.write(dest, prog)
    if prog in ("cp", "mv") and parsed.has("-r", "-R", "--recursive", "-a", "--archive"):
        ctx.out.notes.append("recursive")


_CHMOD_MODE = re.compile(r"^([ugoa]*([-+=]([rwxXst]*|[ugo]))+|[-+=]?[0-7]{1,5})(,([ugoa]*([-+=]"
                         r"([rwxXst]*|[ugo]))+|[-+=]?[0-7]{1,5}))*$")


def handle_chmod_like(ctx: Ctx) -> None:
    """chmod/chown/chgrp: the mode or owner, then the files changed."""
    prog = ctx.program
    has_ref = any(a.value.startswith("--reference") for a in ctx.args)
    need_first = not has_ref
    rest: list[Arg] = []
    only_operands = False
    for a in ctx.args:
        v = a.value
        if need_first and not only_operands and prog == "chmod" and _CHMOD_MODE.match(v):
            need_first = False
            continue
        if not only_operands and v == "--":
            only_operands = True
            continue
        if not only_operands and v.startswith("-") and len(v) > 1:
            continue
        if need_first:
            need_first = False
            continue
        rest.append(a)
    for arg in rest:
        ctx.write(arg, prog)
    if ctx.stdin_args:
        ctx.unknown_operands("write", prog)
    if any(a.value in ("-R", "--recursive") or (a.value.startswith("-") and
           not a.value.startswith("--") and "R" in a.value) for a in ctx.args):
        ctx.out.notes.append("recursive")


def handle_dd(ctx: Ctx) -> None:
    """dd: ``if=`` read, ``of=`` written."""
    for a in ctx.args:
        key, eq, val = a.value.partition("=")
        if not eq:
            continue
        sub = Arg(value=val, raw=a.raw, static=a.static, glob=a.glob, params=a.params,
                  kinds=a.kinds, quoted=a.quoted[len(key) + 1:])
        if key == "of":
            ctx.write(sub, "dd of=")
        elif key == "if":
            ctx.read(sub, "dd if=")
    if not any(a.value.startswith("if=") for a in ctx.args):
        ctx.out.info.append("standard input")


def handle_tee(ctx: Ctx) -> None:
    """tee: every file written."""
    generic(ctx, OptSpec(), "w*")
    ctx.out.info.append("standard input")


def handle_split(ctx: Ctx) -> None:
    """split/csplit: the input read, PREFIX* written."""
    parsed = ctx.parsed(argspec.SPECS[ctx.program][0])
    ops = parsed.operands
    if ops and ops[0].value != "-":
        ctx.read(ops[0])
    else:
        ctx.out.info.append("standard input")
    if ctx.program == "csplit":
        prefix = (parsed.get("-f", "--prefix") or ["xx"])[-1]
    else:
        prefix = ops[1].value if len(ops) > 1 else "x"
    ctx.target(lit(prefix + "aa"), ctx.program, "write")
    ctx.out.targets[-1].text = prefix + "*"


def handle_mktemp(ctx: Ctx) -> None:
    """mktemp: a new file whose name is unknown before it runs."""
    parsed = ctx.parsed(OptSpec(short_arg="pt", long_arg=("tmpdir", "suffix")))
    if parsed.has("-u", "--dry-run"):
        return
    template = parsed.operands[0].value if parsed.operands else "tmp.XXXXXXXXXX"
    base = (parsed.get("-p", "--tmpdir") or ["$TMPDIR"])[-1]
    text = template if "/" in template and not parsed.get("-p", "--tmpdir") else \
        f"{base}/{template}"
    ctx.out.targets.append(Target(text, [None], "mktemp", "write"))


def handle_xxd(ctx: Ctx) -> None:
    """xxd: INFILE read, OUTFILE written (patched in place with -r)."""
    parsed = ctx.parsed(argspec.SPECS["xxd"][0])
    ops = parsed.operands
    reverse = parsed.has("-r", "--revert") or any(a.value == "-revert" for a in ctx.args)
    if ops:
        if ops[0].value != "-":
            ctx.read(ops[0], "xxd")
    else:
        ctx.out.info.append("standard input")
    if len(ops) > 1 and ops[1].value != "-":
        ctx.write(ops[1], "xxd -r" if reverse else "xxd")


def handle_crontab(ctx: Ctx) -> None:
    """crontab: installs scheduled commands (or lists them with -l)."""
    parsed = ctx.parsed(OptSpec(short_arg="uc"))
    if parsed.has("-l"):
        ctx.out.info.append("the crontab")
        return
    for arg in parsed.operands:
        ctx.read(arg, "crontab")
    ctx.out.executes.append("scheduled commands (cron)")


_FIND_EXEC = ("-exec", "-execdir", "-ok", "-okdir")


_FIND_WRITE = ("-fprint", "-fprint0", "-fprintf", "-fls")


_FIND_ARG1 = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename",
                        "-regex", "-iregex", "-type", "-xtype", "-size", "-perm", "-user",
                        "-group", "-uid", "-gid", "-mtime", "-mmin", "-atime", "-amin",
                        "-ctime", "-cmin", "-newer", "-anewer", "-cnewer", "-maxdepth",
                        "-mindepth", "-links", "-inum", "-samefile", "-lname", "-ilname",
                        "-printf", "-fstype", "-used", "-context", "-regextype", "-files0-from",
                        "-D", "-readable", "-newermt", "-newerct", "-newerat", "-newermm"})


_FIND_TESTS = frozenset({"-empty", "-executable", "-readable", "-writable", "-nouser",
                         "-nogroup", "-false"})


def handle_find(ctx: Ctx) -> None:
    """find: start points read (removed with -delete), -exec nested, -fprint files written."""
    args = ctx.args
    i = 0
    while i < len(args) and args[i].value in ("-H", "-L", "-P") or (
            i < len(args) and args[i].value.startswith(("-D", "-O")) and
            len(args[i].value) <= 3):
        i += 2 if args[i].value == "-D" else 1
    starts: list[Arg] = []
    while i < len(args):
        v = args[i].value
        if v.startswith("-") or v in ("(", ")", "!", ",") or (not args[i].static and
                                                             v.startswith("\\")):
            break
        starts.append(args[i])
        i += 1
    if not starts:
        starts = [lit(".")]
    deleting = any(a.value == "-delete" for a in args[i:])
    # -delete with a test (-name, -type...) removes some files under the start points; without
    # one it removes everything under them, which is a critical removal for "/", "~", "."
    everything = not any(a.value in _FIND_ARG1 or a.value in _FIND_TESTS for a in args[i:])
    for s in starts:
        if deleting and everything:
            ctx.delete(s, "find -delete")
        elif deleting:
            ctx.target(s, "find -delete", "delete")
        else:
            ctx.read(s, "find")
    if ctx.stdin_args:
        ctx.unknown_operands("delete" if deleting else "read", "find")
    if deleting:
        ctx.block("find -delete removes files")
    while i < len(args):
        v = args[i].value
        if v in _FIND_EXEC:
            j = i + 1
            inner: list[Arg] = []
            while j < len(args) and args[j].value not in (";", "+"):
                inner.append(placeholder(args[j], "{}"))
                j += 1
            origin = f"find {v}"
            ctx.finding("exec-wrapper", origin)
            ctx.block(f"find {v} runs another command")
            if inner:
                ctx.out.nested_argvs.append((inner, origin))
                ctx.out.executes.append(inner[0].value)
            i = j + 1
            continue
        if v in _FIND_WRITE:
            if i + 1 < len(args):
                ctx.write(args[i + 1], f"find {v}")
            ctx.block(f"find {v} writes a file")
            i += 3 if v == "-fprintf" else 2
            continue
        if v == "-files0-from" and i + 1 < len(args):
            ctx.read(args[i + 1], "find")
        i += 2 if v in _FIND_ARG1 else 1
        if v in ("-newerXY",):
            i += 1


def handle_tar(ctx: Ctx) -> None:
    """tar: the archive read or written, members read, extraction written."""
    args = list(ctx.args)
    if args and args[0].static and not args[0].value.startswith("-") and \
            re.match(r"^[A-Za-z]+$", args[0].value):
        first = args[0]
        args = [Arg(value="-" + first.value, raw=first.raw, static=True,
                    quoted=(False,) + first.quoted)] + args[1:]
    parsed = parse_options(args, argspec.SPECS["tar"][0])
    mode = ""
    for name, _ in parsed.opts:
        key = {"-c": "c", "--create": "c", "-x": "x", "--extract": "x", "--get": "x",
               "-t": "t", "--list": "t", "-r": "r", "--append": "r", "-u": "u",
               "--update": "u", "-A": "r", "--concatenate": "r", "--delete": "d",
               "-d": "t", "--diff": "t", "--compare": "t"}.get(name)
        if key:
            mode = key
    archives = parsed.get_args("-f", "--file")
    directory = parsed.get_args("-C", "--directory")
    for arg in parsed.get_args("-T", "--files-from", "-X", "--exclude-from"):
        ctx.read(arg, "tar")
    for name in ("-I", "--use-compress-program", "--to-command", "-F", "--info-script",
                 "--new-volume-script"):
        if parsed.has(name):
            ctx.out.executes.append(f"tar {name}")
    if any(v.startswith("exec") for v in parsed.get("--checkpoint-action")):
        ctx.out.executes.append("tar --checkpoint-action=exec")
    archive_is_stdio = not archives or archives[-1].value == "-"
    if mode in ("c", "r", "u", "d"):
        if not archive_is_stdio:
            ctx.write(archives[-1], f"tar -{mode}")
        for arg in parsed.operands:
            ctx.read(arg, "tar")
    elif mode == "x":
        if not archive_is_stdio:
            ctx.read(archives[-1], "tar -x")
        else:
            ctx.out.info.append("standard input")
        dest = directory[-1] if directory else lit(".")
        ctx.write(dest, "tar -x")
    else:
        if not archive_is_stdio:
            ctx.read(archives[-1], "tar")
        else:
            ctx.out.info.append("standard input")


def handle_zip(ctx: Ctx) -> None:
    """zip: the archive written, members read (removed with -m)."""
    parsed = ctx.parsed(argspec.SPECS["zip"][0])
    ops = parsed.operands
    if ops:
        ctx.write(ops[0], "zip")
    for arg in ops[1:]:
        ctx.read(arg, "zip")
    if parsed.has("-m", "--move"):
        for arg in ops[1:]:
            ctx.delete(arg, "rm")
    if parsed.has("-T", "--test") and parsed.get("-TT", "--unzip-command"):
        ctx.out.executes.append("zip -TT")


def handle_unzip(ctx: Ctx) -> None:
    """unzip: the archive read, the destination written (unless listing)."""
    parsed = ctx.parsed(argspec.SPECS["unzip"][0])
    ops = parsed.operands
    if ops:
        ctx.read(ops[0], "unzip")
    listing = parsed.has("-l", "-v", "-t", "-Z", "-p", "-c", "-z")
    if not listing:
        dest = parsed.get_args("-d")
        ctx.write(dest[-1] if dest else lit("."), "unzip")


def handle_compress(ctx: Ctx) -> None:
    """gzip and friends: files replaced in place, or read with -c/-l/-t."""
    prog = ctx.program
    parsed = ctx.parsed(argspec.SPECS.get(prog, argspec.SPECS["gzip"])[0])
    if parsed.has("-d", "--decompress", "--uncompress"):
        ctx.out.subcommand = "-d"
    to_stdout = parsed.has("-c", "--stdout", "--to-stdout", "-l", "--list", "-t", "--test") or \
        prog in ("zcat", "bzcat", "xzcat", "gzcat", "lzcat", "zstdcat")
    for arg in parsed.operands:
        if to_stdout:
            ctx.read(arg, prog)
        else:
            ctx.write(arg, prog)
    if not parsed.operands:
        if ctx.stdin_args:
            ctx.unknown_operands("read" if to_stdout else "write")
        else:
            ctx.out.info.append("standard input")
