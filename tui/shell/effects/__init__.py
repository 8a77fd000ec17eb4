"""What one simple command does to files, the network and other commands (SPEC §4).

:func:`command_effects` looks at a program and its arguments (wrappers already stripped) and
records, in an :class:`Effects`, the files it reads, writes and deletes, the hosts it reaches,
the nested commands it runs (``bash -c``, ``eval``, ``find -exec``...), destructive git and
critical removals, and every reason it is not a built-in read-only command.  Programs without a
handler are recorded as running an unknown program: never read-only.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.shell import argspec
from tui.shell.data import (
    INTERPRETER_CODE_FLAGS,
    NETWORK_COMMANDS,
    NETWORK_SUBCOMMANDS,
)
from tui.shell.effects.base import (
    DELETE_OPS,
    Ctx,
    Effects,
    Target,
    generic,
    lit,
    placeholder,
)
from tui.shell.effects.execs import (
    handle_assignment_builtin,
    handle_cd,
    handle_eval,
    handle_interpreter,
    handle_parallel,
    handle_shell,
    handle_source,
    handle_trap,
)
from tui.shell.effects.files import (
    handle_chmod_like,
    handle_compress,
    handle_copy_like,
    handle_crontab,
    handle_dd,
    handle_find,
    handle_mktemp,
    handle_rm,
    handle_split,
    handle_tar,
    handle_tee,
    handle_unzip,
    handle_xxd,
    handle_zip,
)
from tui.shell.effects.git import handle_git
from tui.shell.effects.net import (
    handle_curl,
    handle_openssl,
    handle_package_network,
    handle_scp_like,
    handle_simple_net,
    handle_ssh,
    handle_wget,
)
from tui.shell.effects.text import handle_awk, handle_grep, handle_jq, handle_sed, handle_sort

# -- dispatch ---------------------------------------------------------------------------------

HANDLERS: dict[str, Callable[[Ctx], None]] = {}
"""Program name -> handler; programs not here use their argspec roles, or are unknown."""

_GROUPS: tuple[tuple[Callable[[Ctx], None], tuple[str, ...]], ...] = (
    (handle_rm, ("rm", "rmdir", "unlink", "shred")),
    (handle_copy_like, ("cp", "mv", "ln", "install")),
    (handle_chmod_like, ("chmod", "chown", "chgrp")),
    (handle_dd, ("dd",)), (handle_tee, ("tee",)), (handle_sort, ("sort",)),
    (handle_split, ("split", "csplit")), (handle_mktemp, ("mktemp",)),
    (handle_xxd, ("xxd",)), (handle_crontab, ("crontab",)),
    (handle_grep, ("grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep", "rgrep", "zegrep",
                   "agrep")),
    (handle_sed, ("sed", "gsed")), (handle_awk, ("awk", "gawk", "mawk", "nawk")),
    (handle_jq, ("jq",)), (handle_find, ("find", "gfind")),
    (handle_tar, ("tar", "gtar", "gnutar", "bsdtar")),
    (handle_zip, ("zip",)), (handle_unzip, ("unzip",)),
    (handle_compress, ("gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "unzstd",
                       "lz4", "pigz", "compress", "uncompress", "zcat", "bzcat", "xzcat",
                       "gzcat", "lzcat", "zstdcat", "lzma", "unlzma")),
    (handle_curl, ("curl",)), (handle_wget, ("wget",)), (handle_ssh, ("ssh",)),
    (handle_scp_like, ("scp", "rsync")), (handle_simple_net, ("sftp",)),
    (handle_openssl, ("openssl",)), (handle_git, ("git",)),
    (handle_eval, ("eval",)), (handle_trap, ("trap",)), (handle_source, ("source", ".")),
    (handle_parallel, ("parallel",)), (handle_cd, ("cd", "pushd", "popd", "chdir")),
    (handle_assignment_builtin, ("export", "declare", "typeset", "local", "readonly")),
    (handle_shell, ("sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "su", "runuser",
                    "csh", "tcsh", "yash", "posh")),
    (handle_interpreter, ("python2.7", "python3.8", "python3.9", "python3.10", "python3.11",
                          "python3.12", "python3.13", "python3.14")),
)
for _handler, _names in _GROUPS:
    for _name in _names:
        HANDLERS[_name] = _handler
for _name in INTERPRETER_CODE_FLAGS:
    HANDLERS.setdefault(_name, handle_interpreter)
for _name in NETWORK_COMMANDS:
    HANDLERS.setdefault(_name, handle_simple_net)
for _name in NETWORK_SUBCOMMANDS:
    HANDLERS.setdefault(_name, handle_package_network)


def _read_only_extra(ctx: Ctx) -> None:
    if ctx.program == "env" and ctx.args:
        ctx.block("env with arguments runs a command or changes the environment")


def command_effects(ctx: Ctx) -> Effects:
    """Record what ``ctx.program`` with ``ctx.args`` does (see module docstring)."""
    prog = ctx.program
    handler = HANDLERS.get(prog)
    if handler is not None:
        handler(ctx)
    elif prog in argspec.SPECS:
        spec, roles = argspec.SPECS[prog]
        generic(ctx, spec, roles)
    else:
        ctx.out.executes.append(prog)
    from tui.shell.registry.judge import judge

    judge(ctx)
    _read_only_extra(ctx)
    if any(t.kind in ("write", "delete") for t in ctx.out.targets):
        ctx.block("it writes files")
    return ctx.out


__all__ = ["DELETE_OPS", "HANDLERS", "Ctx", "Effects", "Target", "command_effects", "lit",
           "placeholder"]
