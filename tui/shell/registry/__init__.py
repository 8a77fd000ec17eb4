"""The program registry: one entry per modelled program, read by the analysis and the engine.

"Read-only" is an allowlist of understood invocations (issue 9): a command is read-only only
when its program has an entry here that may be read-only, and every option it is given is one
the entry knows, resolved to its canonical name first (``--in-pl`` is ``--in-place``), with
every option's effect safe.  Options whose value names a file are reads or writes, checked like
operands; options that run a program give an ``exec-option`` finding, which an allow rule
cannot approve (only an exact-string rule, as for ``find -exec``).  The same table is published
in the README (:func:`published`).

:func:`tui.shell.registry.judge.judge` applies an entry to one command; the program handlers in
:mod:`tui.shell.effects` keep describing operands (which files are read or written).  This
package's ``__init__`` only builds the table, so that any module may import it.
"""

from __future__ import annotations

import dataclasses

from tui.shell.registry import files, git, search
from tui.shell.registry.core import EFFECTS, Opt, Program, parse_table

REGISTRY: dict[str, Program] = {
    **parse_table(files.TABLE), **parse_table(search.TABLE), **parse_table(git.table_text()),
}
"""Program name (``"head"``, ``"git status"``) -> its entry."""
for _name in ("egrep", "fgrep"):  # scripts running grep -E / -F: grep's options
    REGISTRY[_name] = dataclasses.replace(REGISTRY["grep"], name=_name, implied=("grep",))


def read_only_programs() -> list[str]:
    """Names of the programs that can be read-only (sorted; git subcommands as ``git X``)."""
    return sorted(n for n, p in REGISTRY.items() if p.read_only)


def published() -> dict[str, dict[str, list[str]]]:
    """Program -> effect -> options, for every option that is not ``safe`` (the README)."""
    return {n: p.effects() for n, p in sorted(REGISTRY.items()) if p.effects()}


__all__ = ["EFFECTS", "REGISTRY", "Opt", "Program", "published", "read_only_programs"]
