"""The program registry's model: options with arity and effect, and parsing as programs parse.

One :class:`Program` per modelled program, built from a compact table (see
:func:`parse_table`).  :func:`parse_args` reads a command's arguments the way the program's own
parser does, resolving every option to its canonical name before anything is checked (issue 9,
family 1):

* GNU ``getopt_long`` (style ``gnu``): short options cluster (``-rf``); a short option that
  takes a value takes the rest of its word or the next word (``-n5``, ``-n 5``); an optional
  value is only ever attached (``-w80``, ``--color=never``); long options take ``=value`` or the
  next word and may be abbreviated to any unique prefix (``--in-pl`` is ``--in-place``; an exact
  name wins over a longer one it prefixes); ``--`` ends the options; options may follow operands.
* git's parse-options (style ``git``): the same, plus ``--no-NAME`` for every long option that
  takes no value, abbreviated too.
* POSIX (style ``posix``): like ``gnu`` but the first operand ends the options and long
  options are not abbreviated.
* ``args``: the program takes no options; every word is an operand.
* ``echo``: bash's echo: leading words made only of ``n``, ``e`` and ``E`` after a dash are
  options; anything else is printed.

Anything the parser does not understand (an unknown option, an ambiguous abbreviation, a value
given to an option that takes none, an option built at run time) is a *problem*: the command is
then not read-only.  Nothing here touches the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.shell.words import Arg

EFFECTS = frozenset({"safe", "read", "readlist", "write", "exec", "net", "chdir", "config",
                     "inplace", "unsafe", "recurse", "delete"})
"""What an option does.

``safe``: changes only what is printed.  ``read``: its value is a file whose contents are read.
``readlist``: it reads a list of file names (``--files0-from``, ``md5sum -c``): what is read is not
known before it runs.  ``write``: its value is a file or directory written.  ``exec``: it runs a
program (its value, a configured one, or a helper).  ``net``: it reaches the network.
``chdir``: its value is a directory the program works in or takes configuration from.
``config``: its value sets configuration (``git -c key=value``), judged by the program.
``inplace``: the operands are edited in place.  ``unsafe``: it changes the system or the shell's
state (``date --set``).  ``recurse``: directory operands are read recursively.  ``delete``:
it removes files (``find -delete``).
"""

TEMP_FILES = "(temporary files in $TMPDIR)"
"""An ``implied`` entry: the program writes and removes its own temporary files (``tac``
copies a pipe to one, ``sort`` spills large inputs).  Contained auto-allow gives each command a
private ``/tmp``."""

NOT_READ_ONLY = frozenset({"write", "exec", "net", "config", "inplace", "unsafe", "delete"})
"""Effects that make a command not read-only by themselves."""


@dataclass(frozen=True)
class Opt:
    """One option of a program.

    Attributes:
        names: every spelling, short (``"-n"``) and long (``"--lines"``); the first long name
            (else the first name) is the canonical one.
        arity: ``0`` no value, ``1`` a required value, ``2`` an optional value (attached only).
        effect: one of :data:`EFFECTS`.
    """

    names: tuple[str, ...]
    arity: int = 0
    effect: str = "safe"

    @property
    def canonical(self) -> str:
        """The canonical name: the first long name, else the first name."""
        for n in self.names:
            if n.startswith("--"):
                return n
        return self.names[0]


@dataclass
class Program:
    """How one program parses its arguments, and what each option does.

    Attributes:
        name: the program's name (``"head"``, or ``"git status"`` for a git subcommand).
        style: ``"gnu"``, ``"git"``, ``"posix"``, ``"exact"`` (permuted, no abbreviations),
            ``"golang"`` (``-name``/``--name``, no clusters), ``"args"`` or ``"echo"``.
        roles: the operands' roles, as in :mod:`tui.shell.argspec` (``"r*"``, ``"l*"``, ``"-"``).
        numeric: ``-5`` is an option (``head -5``), not an operand.
        read_only: the program can be read-only at all (else it is modelled only for its
            options that run programs, write or reach the network).
        any_option: every option of the program only changes what it prints (``uname``,
            ``ps``): unknown options are not problems.
        atfile: an operand ``@FILE`` reads more options from FILE (binutils), a problem.
        implied: programs it always runs itself (``man`` runs ``groff``), listed for the oracle.
        options: the options, in table order.
    """

    name: str
    style: str = "gnu"
    roles: str = "-"
    numeric: bool = False
    read_only: bool = True
    any_option: bool = False
    atfile: bool = False
    implied: tuple[str, ...] = ()
    options: list[Opt] = field(default_factory=list)
    _short: dict[str, Opt] = field(default_factory=dict, repr=False)
    _long: dict[str, Opt] = field(default_factory=dict, repr=False)

    def add(self, opt: Opt) -> None:
        """Add an option and index its names."""
        self.options.append(opt)
        for n in opt.names:
            if n.startswith("--"):
                self._long[n[2:]] = opt
            else:
                self._short[n[1:]] = opt

    def short(self, ch: str) -> Opt | None:
        """The option ``-ch``, or ``None``."""
        return self._short.get(ch)

    def long(self, name: str) -> tuple[Opt | None, str]:
        """The long option ``--name``: exact, or a unique prefix where the style allows it.

        Returns the option (``None`` when unknown or ambiguous) and a problem text (``""``
        when found).  ``--no-NAME`` negates a value-less option in the ``git`` style.
        """
        if name in self._long:
            return self._long[name], ""
        if self.style == "git" and name.startswith("no-") and name[3:] in self._long and \
                self._long[name[3:]].arity == 0:
            return self._long[name[3:]], ""
        if self.style not in ("gnu", "git") or not name:
            return None, f"unknown option --{name}"
        hits = {id(o): o for n, o in self._long.items() if n.startswith(name)}
        if self.style == "git" and name.startswith("no-"):
            hits.update({id(o): o for n, o in self._long.items()
                         if n.startswith(name[3:]) and o.arity == 0})
        if len(hits) == 1:
            return next(iter(hits.values())), ""
        if hits:
            return None, f"--{name} is an ambiguous abbreviation"
        return None, f"unknown option --{name}"

    @property
    def dangerous(self) -> bool:
        """True when some option does more than change what is printed (reads included)."""
        return any(o.effect != "safe" for o in self.options)

    @property
    def harmful(self) -> bool:
        """True when some option writes, runs, connects, deletes or moves where it looks.

        Words built at run time (``$F``, ``xargs`` input) are allowed in option position
        only for programs without such options: at worst they become an option that reads
        another file, which Read deny rules still see through the unknown-read check.
        """
        return any(o.effect in NOT_READ_ONLY or o.effect == "chdir" for o in self.options)

    def effects(self) -> dict[str, list[str]]:
        """Effect -> canonical names of the options that have it (for the README)."""
        out: dict[str, list[str]] = {}
        for o in self.options:
            if o.effect != "safe":
                out.setdefault(o.effect, []).append(" ".join(o.names))
        return out


@dataclass
class Parsed:
    """A command's arguments read by :func:`parse_args`.

    Attributes:
        opts: ``(option, value)`` in order; ``value`` is the :class:`Arg` of the value (attached
            values become a new static Arg), ``None`` when none was given.
        operands: the operands, in order.
        problems: why the parse is not certain (unknown options, run-time options...).
        option_globs: operands in option position that are globs: they could expand to an
            option when a matching file name starts with ``-`` (the engine checks the files).
    """

    opts: list[tuple[Opt, Arg | None]] = field(default_factory=list)
    operands: list[Arg] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    option_globs: list[Arg] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        """True when an option with any of ``names`` (any spelling) was given."""
        return any(n in o.names for o, _ in self.opts for n in names)

    def values(self, *names: str) -> list[Arg]:
        """The values given to the options named ``names``, in order."""
        return [v for o, v in self.opts if v is not None and any(n in o.names for n in names)]


def _attached(arg: Arg, text: str) -> Arg:
    """The part ``text`` at the end of ``arg`` as an argument of its own."""
    quoted = arg.quoted[len(arg.value) - len(text):] if arg.quoted else ()
    return Arg(value=text, raw=arg.raw, static=arg.static, glob=arg.glob, params=arg.params,
               kinds=arg.kinds, quoted=quoted)


_STATIC_LONG_NAME = re.compile(r"^--[A-Za-z0-9][A-Za-z0-9-]*=")


def may_be_option(arg: Arg) -> bool:
    """Could this word reach the program as something starting with ``-``?

    A word built at run time (``$F``, ``"$F"``) could; so could an unquoted glob whose first
    character is a wildcard (``*``, ``?``, ``[...]``): a file named ``-rf`` matches ``*``.
    """
    if not arg.static:
        return True
    if not arg.glob:
        return False
    first = arg.value[:1]
    quoted0 = arg.quoted[0] if arg.quoted else False
    return first == "-" or (first in "*?[" and not quoted0)


def parse_args(prog: Program, args: list[Arg]) -> Parsed:
    """Read ``args`` (without the program name) as ``prog`` reads them (module docstring)."""
    out = Parsed()
    if prog.style == "args":
        out.operands = list(args)
        return out
    if prog.style == "echo":
        i = 0
        while i < len(args) and args[i].static and len(args[i].value) > 1 and \
                args[i].value[0] == "-" and set(args[i].value[1:]) <= set("neE"):
            i += 1
        if i < len(args) and not args[i].static and i == 0:
            out.problems.append("the first word is built at run time and could be an option")
        out.operands = list(args[i:])
        return out
    i = 0
    only_operands = False
    while i < len(args):
        arg = args[i]
        v = arg.value
        i += 1
        if only_operands:
            out.operands.append(arg)
            continue
        if prog.atfile and v.startswith("@") and len(v) > 1:
            out.problems.append(f"{v} reads more options from a file")
        if not arg.static and _STATIC_LONG_NAME.match(v) and "$" not in v.split("=", 1)[0]:
            # --date=@$x: the option is known, only its value is built at run time
            name = v[2:].split("=", 1)[0]
            opt, problem = prog.long(name)
            if opt is None or opt.arity == 0:
                if not prog.any_option:
                    out.problems.append(problem if opt is None
                                        else f"{opt.canonical} takes no value")
                continue
            # a value built at run time: its effect (a read, a write...) is judged by what the
            # option does, with an unknown path
            out.opts.append((opt, _attached(arg, v.split("=", 1)[1])))
            continue
        if may_be_option(arg) and not (arg.static and v.startswith("-") and not arg.glob):
            # a run-time word or a glob in option position
            if not arg.static:
                out.problems.append(f"{arg.raw} is built at run time and could be an option")
            else:
                out.option_globs.append(arg)
            out.operands.append(arg)
            if prog.style == "posix":
                only_operands = True
            continue
        if v == "-" or not v.startswith("-"):
            out.operands.append(arg)
            if prog.style == "posix":
                only_operands = True
            continue
        if v == "--":
            only_operands = True
            continue
        if arg.glob:
            out.problems.append(f"{v} is a glob that expands to options")
            continue
        if prog.numeric and v[1:].isdigit():
            continue
        if prog.style == "golang":
            # Go's flag package: -name or --name, =value or the next word, no clusters
            name, eq, val = v.lstrip("-").partition("=")
            gopt = prog.short(name) or prog._long.get(name)
            if gopt is None:
                if not prog.any_option:
                    out.problems.append(f"unknown option {v}")
                continue
            if eq:
                out.opts.append((gopt, _attached(arg, val)))
            elif gopt.arity == 1 and i < len(args):
                out.opts.append((gopt, args[i]))
                i += 1
            else:
                out.opts.append((gopt, None))
            continue
        if v.startswith("--"):
            name, eq, val = v[2:].partition("=")
            opt, problem = prog.long(name)
            if opt is None:
                if not prog.any_option:
                    out.problems.append(problem)
                continue
            if eq:
                if opt.arity == 0:
                    out.problems.append(f"{opt.canonical} takes no value")
                    continue
                out.opts.append((opt, _attached(arg, val)))
            elif opt.arity == 1:
                if i < len(args):
                    out.opts.append((opt, args[i]))
                    i += 1
                else:
                    out.opts.append((opt, None))
            else:
                out.opts.append((opt, None))
            continue
        k = 1
        while k < len(v):
            ch = v[k]
            opt = prog.short(ch)
            if opt is None:
                if not prog.any_option:
                    out.problems.append(f"unknown option -{ch}")
                break
            if opt.arity:
                rest = v[k + 1:]
                if rest:
                    out.opts.append((opt, _attached(arg, rest)))
                elif opt.arity == 1 and i < len(args):
                    out.opts.append((opt, args[i]))
                    i += 1
                else:
                    out.opts.append((opt, None))
                break
            out.opts.append((opt, None))
            k += 1
    return out


def parse_table(text: str) -> dict[str, Program]:
    """Build programs from the registry's table text.

    Format, one program per block::

        @head gnu r* numeric            # name, style, roles, flags
          -c --bytes =N; -n --lines =N  # options: names, "=X" a value, "[=X]" an optional one
          -q --quiet --silent; -v --verbose; --files0-from =F !readlist

    A line starting with ``#``, and anything after `` # ``, is a comment.  Flags after the
    roles: ``numeric``, ``any`` (any option only changes output), ``atfile``, ``nonro`` (never
    read-only; modelled for its dangerous options), ``tmpfiles`` (writes its own temporary
    files: :data:`TEMP_FILES`), ``implied=a,b`` (continued on lines of
    their own).  An option's ``!effect``
    is one of :data:`EFFECTS` (``safe`` when absent).  ``--help`` and ``--version`` are added
    to ``gnu`` programs (git's ``--help`` opens a manual page or a browser).

    Raises:
        ValueError: a malformed line, naming it.
    """
    programs: dict[str, Program] = {}
    current: Program | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        body = "" if line.lstrip().startswith("#") else line.split(" # ", 1)[0].rstrip()
        if not body.strip():
            continue
        if body.startswith("@"):
            words = body[1:].split()
            name = words[0].replace("_", " ")
            current = Program(name=name, style=words[1] if len(words) > 1 else "gnu",
                              roles=words[2] if len(words) > 2 else "-")
            for flag in words[3:]:
                if flag == "numeric":
                    current.numeric = True
                elif flag == "any":
                    current.any_option = True
                elif flag == "atfile":
                    current.atfile = True
                elif flag == "nonro":
                    current.read_only = False
                elif flag == "tmpfiles":
                    current.implied += (TEMP_FILES,)
                elif flag.startswith("implied="):
                    current.implied = tuple(flag[8:].split(","))
                else:
                    raise ValueError(f"registry line {lineno}: unknown flag {flag!r}")
            if current.style == "gnu":
                # git's --help opens a manual page or a web browser (help.format): not added
                current.add(Opt(("--help",)))
                current.add(Opt(("--version",)))
            programs[name] = current
            continue
        if current is None:
            raise ValueError(f"registry line {lineno}: an option line before any @program")
        if body.strip().startswith("implied="):
            current.implied += tuple(body.strip()[8:].split(","))
            continue
        for spec in body.split(";"):
            words = spec.split()
            if not words:
                continue
            names = tuple(w for w in words if w.startswith("-") and not w.startswith("-="))
            arity = 0
            effect = "safe"
            for w in words:
                if w.startswith("[="):
                    arity = 2
                elif w.startswith("="):
                    arity = 1
                elif w.startswith("!"):
                    effect = w[1:]
            if not names or effect not in EFFECTS:
                raise ValueError(f"registry line {lineno}: cannot read option {spec.strip()!r}")
            current.add(Opt(names, arity, effect))
    return programs
