"""getopt-style splitting of a command's arguments into options and operands.

GNU rules: short options cluster (``-rf``), a short option that takes a value takes the rest of
its word or the next word (``-n5``, ``-n 5``), long options take ``=value`` or the next word and
may be abbreviated to a unique prefix (``--out=x``), ``--`` ends the options, a lone ``-`` is an
operand (standard input), and options may follow operands unless ``permute`` is off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.shell.words import Arg


@dataclass(frozen=True)
class OptSpec:
    """Which options take a value.

    Attributes:
        short_arg: short option letters that take a value (``"nc"`` for ``head``).
        long_arg: long option names (without ``--``) that take a value.
        permute: options may come after operands (GNU); false for POSIX-style commands and
            wrappers (the first operand ends the options).
        numeric: ``-5`` is an option (``head -5``), not an operand.
        long_single_dash: long options are written with one dash (``-name``); no clustering.
    """

    short_arg: str = ""
    long_arg: tuple[str, ...] = ()
    permute: bool = True
    numeric: bool = False
    long_single_dash: bool = False


@dataclass
class Parsed:
    """The result of :func:`parse_options`.

    Attributes:
        opts: ``(name, value)`` in order; ``name`` is ``"-n"`` or ``"--lines"`` (the full name when
            an abbreviation was unique among ``long_arg``), ``value`` the option's value or
            ``None``.  A cluster ``-rf`` gives ``("-r", None), ("-f", None)``.
        values: the :class:`Arg` of each value taken from a separate word, by option name.
        operands: the remaining arguments.
        uncertain: an argument in option position whose text is not known before it runs
            (``$FLAGS``, a glob): it may be an option or an operand.
    """

    opts: list[tuple[str, str | None]] = field(default_factory=list)
    values: dict[str, list[Arg]] = field(default_factory=dict)
    operands: list[Arg] = field(default_factory=list)
    uncertain: bool = False

    def has(self, *names: str) -> bool:
        """True when any of ``names`` was given (``"-i"``, ``"--in-place"``)."""
        return any(name in names for name, _ in self.opts)

    def get(self, *names: str) -> list[str]:
        """The values given to any of ``names``, in order."""
        return [v for n, v in self.opts if n in names and v is not None]

    def get_args(self, *names: str) -> list[Arg]:
        """Like :meth:`get` but the values as arguments (quoting and expansions kept)."""
        out: list[Arg] = []
        for name in names:
            out.extend(self.values.get(name, []))
        return out


def _long_name(name: str, spec: OptSpec) -> str:
    if name in spec.long_arg:
        return name
    hits = [n for n in spec.long_arg if n.startswith(name)]
    return hits[0] if len(hits) == 1 else name


def _value_arg(arg: Arg, text: str) -> Arg:
    return Arg(value=text, raw=arg.raw, static=arg.static, glob=arg.glob, params=arg.params,
               kinds=arg.kinds, quoted=arg.quoted[len(arg.value) - len(text):])


def parse_options(args: list[Arg], spec: OptSpec) -> Parsed:
    """Split ``args`` (without the program name) into options and operands (never raises)."""
    out = Parsed()
    i = 0
    only_operands = False
    while i < len(args):
        arg = args[i]
        v = arg.value
        i += 1
        if only_operands or v == "-" or not v.startswith("-") or \
                (not arg.static and not v.startswith("-")):
            if not arg.static or arg.glob:
                if not only_operands:
                    out.uncertain = True
            out.operands.append(arg)
            if not spec.permute:
                only_operands = True
            continue
        if v == "--":
            only_operands = True
            continue
        if spec.numeric and v[1:].isdigit():
            out.opts.append((v, None))
            continue
        if not arg.static:
            out.uncertain = True
        if v.startswith("--") or spec.long_single_dash:
            body = v[2:] if v.startswith("--") else v[1:]
            name, eq, val = body.partition("=")
            full = _long_name(name, spec)
            key = ("--" if v.startswith("--") else "-") + full
            if eq:
                out.opts.append((key, val))
                out.values.setdefault(key, []).append(_value_arg(arg, val))
            elif full in spec.long_arg and i < len(args):
                out.opts.append((key, args[i].value))
                out.values.setdefault(key, []).append(args[i])
                i += 1
            else:
                out.opts.append((key, None))
            continue
        # a cluster of short options
        k = 1
        while k < len(v):
            ch = v[k]
            if ch in spec.short_arg:
                rest = v[k + 1:]
                if rest:
                    out.opts.append(("-" + ch, rest))
                    out.values.setdefault("-" + ch, []).append(_value_arg(arg, rest))
                elif i < len(args):
                    out.opts.append(("-" + ch, args[i].value))
                    out.values.setdefault("-" + ch, []).append(args[i])
                    i += 1
                else:
                    out.opts.append(("-" + ch, None))
                break
            out.opts.append(("-" + ch, None))
            k += 1
    return out


def flag_present(words: list[str], flag: str, *, clusters: bool = True) -> bool:
    """True when ``flag`` appears in ``words`` (see WRITE_OR_EXEC_FLAGS in data.py).

    ``-o`` matches ``-o``, ``-ofile`` and (with ``clusters``) ``-uo``; ``--output`` matches
    ``--output``, ``--output=x`` and GNU abbreviations such as ``--out``; a single-dash long
    flag (``-delete``) matches only the whole word.  Words after ``--`` are not flags.
    """
    for w in words:
        if w == "--":
            return False
        if flag.startswith("--"):
            if w.startswith("--") and len(w) > 2:
                name = w.split("=", 1)[0]
                if flag.startswith(name) and len(name) >= 3:
                    return True
            continue
        if len(flag) > 2:
            if w == flag or w.startswith(flag + "="):
                return True
            continue
        if w == flag or (w.startswith(flag) and not w.startswith("--")):
            return True
        if clusters and w.startswith("-") and not w.startswith("--") and flag[1] in w[1:]:
            return True
    return False
