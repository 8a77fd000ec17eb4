"""``warden explain``: what a shell command does, in plain words, derived from the parse.

Never from a model: the analyser (:mod:`tui.shell.analyzer`) says which files are read, written
and deleted, which hosts are reached and which commands run; :mod:`tui.shell.programs` names
the programs and their flags.  A program missing from that table is described as "run
<program>", with the program as what it executes.  The risk level (SPEC §4, §5):

* ``unknown``: the command could not be analysed, or it runs programs whose effects Warden does
  not model (``make``, ``npm test``, a script) and nothing worse was found;
* ``destructive``: critical-path removals, destructive git, ``rm -r``, ``dd``, ``mkfs``,
  ``shred``, recursive ``chmod``/``chown``/``chgrp``, ``find -delete``, ``rsync --delete``;
* ``network``: it reaches the network;
* ``writes-outside``: a write target outside the working directories, or one that cannot be
  resolved;
* ``writes-project``: writes, all inside the working directories;
* ``read-only``: every part only reads (built-in read-only commands, or programs whose every
  effect is modelled and none writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tui.shell.analyzer import CommandDetail, Detailed, analyze_detailed
from tui.shell.argspec import SPECS
from tui.shell.data import INTERPRETER_CODE_FLAGS
from tui.shell.effects import Effects, lit
from tui.shell.model import ShellAnalysis, SimpleCommand
from tui.shell.options import parse_options
from tui.shell.paths import inside, normalise
from tui.shell.programs import ProgramInfo, describe

Risk = Literal["read-only", "writes-project", "writes-outside", "network", "destructive",
               "unknown"]

_DESTRUCTIVE_PROGRAMS = frozenset({"dd", "shred", "wipefs", "fdisk", "parted", "sfdisk",
                                   "mkswap", "blkdiscard"})
_MODELLED_PURE = frozenset({"awk", "gawk", "mawk", "nawk", "less", "more", "most", "zless",
                            "zmore", "bat", "zcat", "gzcat", "bzcat", "xzcat", "lzcat",
                            "zstdcat", "look", "iconv", "shuf", "pr", "tsort", "bc", "dc",
                            "zgrep", "zegrep", "rgrep", "agrep", "ag", "ack", "column",
                            "md5", "sha1", "shasum", "ldd", "objdump", "readelf", "nm", "size",
                            "lsattr", "getfacl", "zipinfo", "pstree", "lsof", "netstat", "ss",
                            "who", "w", "last", "users", "lscpu", "lsblk", "vmstat", "iostat",
                            "read", "mapfile", "readarray", "history", "jobs", "type", "help",
                            "info", "locate", "fd", "fdfind", "cal", "ncal", "tty", "yes",
                            "uuid", "uuidgen", "cowsay", "banner", "pv", "top", "htop",
                            "diff3", "sdiff", "ffprobe", "mediainfo", "identify", "exiftool",
                            "xmllint", "antiword"})
_TWO_SIDED = frozenset({"cp", "mv", "ln", "install", "rsync", "scp", "dd"})
_PATTERN_FIRST = frozenset({"grep", "egrep", "fgrep", "zgrep", "zegrep", "rgrep", "agrep", "rg",
                            "ag", "ack", "git grep"})
_SCRIPT_FIRST = frozenset({"sed", "gsed", "awk", "gawk", "mawk", "nawk", "jq", "yq"})
_LINKS = {"|": ", piped into ", "|&": ", piped (with errors) into ", "&&": ", then if that "
          "succeeds ", "||": ", or if that fails ", ";": "; then ", "&": " in the background; "
          "then "}


@dataclass(frozen=True)
class CommandExplanation:
    """One simple command in plain words.

    Attributes:
        program: the program's name (``"ls"``); ``""`` for a bare assignment.
        summary: e.g. ``"list src (long format, including hidden files)"``.
        reads, writes, deletes: paths or descriptions (``"standard input"``).
        executes: programs or command lines it runs (its own program when Warden does not know
            it, the commands of ``bash -c``, ``find -exec``...).
        hosts: network hosts it reaches.
        described: the program is in Warden's description table.
    """

    program: str
    summary: str
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()
    executes: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    described: bool = True

    @property
    def has_effect(self) -> bool:
        """True when at least one effect is recorded."""
        return bool(self.reads or self.writes or self.deletes or self.executes or self.hosts)

    def to_json(self) -> dict[str, object]:
        """A plain dict for ``--json``."""
        return {"program": self.program, "summary": self.summary, "reads": list(self.reads),
                "writes": list(self.writes), "deletes": list(self.deletes),
                "executes": list(self.executes), "hosts": list(self.hosts),
                "described": self.described}


@dataclass(frozen=True)
class Explanation:
    """What a whole command line does (``warden explain``, the approval card).

    Attributes:
        command: the command as given.
        risk: see the module docstring.
        summary: one paragraph naming every program and what it does, in order.
        commands: one :class:`CommandExplanation` per entry of ``analysis.commands``.
        warnings: suspicious constructs, the reason analysis failed, critical removals and
            destructive git, each a sentence.
        analysis: the :class:`ShellAnalysis` everything is derived from.
    """

    command: str
    risk: Risk
    summary: str
    commands: tuple[CommandExplanation, ...]
    warnings: tuple[str, ...]
    analysis: ShellAnalysis

    def to_json(self) -> dict[str, object]:
        """``{"command", "risk", "summary", "commands", "warnings", "analysis"}``."""
        a = self.analysis
        return {
            "command": self.command, "risk": self.risk, "summary": self.summary,
            "commands": [c.to_json() for c in self.commands], "warnings": list(self.warnings),
            "analysis": {
                "ok": a.ok, "fail_reason": a.fail_reason, "read_only": a.read_only,
                "commands": [{"argv": list(c.argv), "text": c.text, "origin": c.origin,
                              "wrappers": list(c.wrappers), "env": [list(e) for e in c.env]}
                             for c in a.commands],
                "writes": [{"text": r.text, "path": str(r.path) if r.path else None,
                            "op": r.op} for r in a.writes],
                "reads": [{"text": r.text, "path": str(r.path) if r.path else None,
                           "op": r.op} for r in a.reads],
                "findings": [{"code": f.code, "reason": f.reason} for f in a.findings],
                "network": list(a.network), "critical_removals": list(a.critical_removals),
                "destructive_git": list(a.destructive_git),
            },
        }


def _quote(text: str, limit: int = 40) -> str:
    short = text if len(text) <= limit else text[:limit - 1] + "…"
    if not short or any(c.isspace() for c in short) or short != text:
        return f"'{short}'"
    return short


def _join(items: list[str], limit: int = 4) -> str:
    items = [i for i in dict.fromkeys(items)]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _flag_meanings(info: ProgramInfo, args: list[str], program: str) -> list[str]:
    out: list[str] = []
    flags = info.flags
    for k, word in enumerate(args):
        if word == "--":
            break
        if word in flags and (word.startswith(("-", "+")) or k == 0 or word in (".", "--")):
            out.append(flags[word])
            continue
        if word.startswith("--"):
            key = word.split("=", 1)[0]
            if key in flags:
                out.append(flags[key])
            continue
        cluster = word[1:] if word.startswith("-") else (
            word if k == 0 and program in ("tar", "ps", "gtar", "bsdtar") else "")
        for ch in cluster:
            meaning = flags.get("-" + ch)
            if meaning:
                out.append(meaning)
            elif not ch.isalpha():
                break
    return list(dict.fromkeys(out))


def _operands(cmd: SimpleCommand, skip: int) -> list[str]:
    prog = cmd.program
    spec = SPECS.get(prog, (None, ""))[0]
    words = list(cmd.argv[1 + skip:])
    if spec is not None:
        parsed = parse_options([lit(w) for w in words], spec)
        return [a.value for a in parsed.operands]
    return [w for w in words if not w.startswith("-")]


_PREPOSITIONS = ("of", "in", "to", "for", "from", "on", "under", "with", "through", "into")


def _bare_verb(verb: str) -> str:
    """The verb without a dangling preposition (``"list the contents of"`` -> ``"list..."``)."""
    words = verb.split()
    while len(words) > 1 and words[-1] in _PREPOSITIONS:
        words.pop()
    return " ".join(words)


def _inline_script(cmd: SimpleCommand, key: str, skip: int) -> tuple[str, bool]:
    """The pattern/script/code a program was given, and whether it came from an option."""
    prog = cmd.program
    spec = SPECS.get(prog, SPECS.get(key, (None, "")))[0]
    words = list(cmd.argv[1 + skip:])
    if spec is None:
        return "", False
    parsed = parse_options([lit(w) for w in words], spec)
    given = parsed.get("-e", "--regexp", "--expression")
    if given:
        return "; ".join(given), True
    if parsed.get("-f", "--file", "--from-file"):
        return "", True
    return (parsed.operands[0].value if parsed.operands else ""), False


def _summary(cmd: SimpleCommand, detail: CommandDetail, info: ProgramInfo | None,
             ce_reads: list[str], ce_writes: list[str], ce_deletes: list[str]) -> str:
    prog = cmd.program
    eff = detail.effects
    sub = eff.subcommand
    if not cmd.argv:
        names = [name for name, _ in cmd.env]
        return "set the shell variable" + ("s " if len(names) > 1 else " ") + _join(names)
    args = list(cmd.argv[1:])
    if info is None:
        shown = " ".join(_quote(a) for a in args[:4]) + (" …" if len(args) > 4 else "")
        return f"run {prog}" + (f" {shown}" if shown else "")
    skip = 1 if sub and f"{prog} {sub}" == info.name else 0
    meanings = _flag_meanings(info, args[skip:], prog)
    key = info.name
    verb = info.verb
    files = ce_reads + ce_writes + ce_deletes
    objects = ""
    if key in _TWO_SIDED:
        sources = [t for t in ce_reads + ce_deletes if t not in ce_writes]
        if sources and ce_writes:
            objects = f"{_join([_quote(x) for x in sources])} to " \
                      f"{_join([_quote(w) for w in ce_writes])}"
        else:
            objects = _join([_quote(f) for f in files])
    elif key in _PATTERN_FIRST or key in _SCRIPT_FIRST:
        script, from_option = _inline_script(cmd, key, skip)
        rest = [f for f in files if from_option or f != script]
        where = _join([_quote(f) for f in rest]) or (info.default or "standard input")
        joiner = " in " if key in _PATTERN_FIRST else " on "
        if script:
            objects = _quote(script, 60) + joiner + where
        else:
            objects = ("patterns from a file" if key in _PATTERN_FIRST else
                       "a script from a file") + joiner + where
    elif any(e.startswith("python module ") for e in eff.executes):
        module = next(e for e in eff.executes if e.startswith("python module "))
        objects = f"the module {module.removeprefix('python module ')}"
        meanings = [m for m in meanings if m != info.flags.get("-m")]
    elif prog in INTERPRETER_CODE_FLAGS and any(
            e.endswith("code given on the command line") for e in eff.executes):
        code = next((cmd.argv[k + 1] for k in range(1, len(cmd.argv) - 1)
                     if cmd.argv[k] in INTERPRETER_CODE_FLAGS[prog]), "")
        objects = f"the command line: {_quote(code, 60)}" if code else "the command line"
    elif key == "find":
        objects = _join([_quote(f) for f in ce_reads + ce_deletes])
        extra = _find_details(list(cmd.argv[1:]))
        objects = (objects or info.default) + (f" {extra}" if extra else "")
    elif files:
        objects = _join([_quote(f) for f in files])
    else:
        ops = _operands(cmd, skip)
        objects = _join([_quote(o) for o in ops], 6)
    if not objects and info.default_is_object:
        objects = info.default
    text = f"{verb} {objects}" if objects else _bare_verb(verb)
    if meanings:
        text += f" ({', '.join(meanings)})"
    return text


def _find_details(args: list[str]) -> str:
    parts: list[str] = []
    negate = False
    for k, a in enumerate(args):
        nxt = args[k + 1] if k + 1 < len(args) else ""
        if a in ("!", "-not"):
            negate = True
            continue
        before = len(parts)
        if a in ("-name", "-iname") and nxt:
            parts.append(f"named {_quote(nxt)}")
        elif a in ("-path", "-ipath", "-wholename") and nxt:
            parts.append(f"with paths like {_quote(nxt)}")
        elif a in ("-regex", "-iregex") and nxt:
            parts.append(f"matching {_quote(nxt)}")
        elif a == "-type" and nxt:
            parts.append({"f": "that are files", "d": "that are directories",
                          "l": "that are symbolic links"}.get(nxt, f"of type {nxt}"))
        elif a in ("-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-newer") and nxt:
            parts.append(f"by time ({a} {nxt})")
        elif a == "-size" and nxt:
            parts.append(f"of size {nxt}")
        elif a in ("-user", "-group", "-perm") and nxt:
            parts.append(f"with {a[1:]} {nxt}")
        elif a == "-empty":
            parts.append("that are empty")
        elif a == "-delete":
            parts.append("and delete them")
        elif a in ("-exec", "-execdir", "-ok", "-okdir") and nxt:
            parts.append(f"and run {nxt} on each")
        elif a in ("-maxdepth",) and nxt:
            parts.append(f"at most {nxt} levels deep")
        elif a in ("-print0",):
            parts.append("printing NUL-separated names")
        elif a in ("-printf", "-fprintf") and nxt:
            parts.append("printing details")
        elif a in ("-ls", "-fls"):
            parts.append("listing them")
        if negate and len(parts) > before:
            parts[-1] = "not " + parts[-1]
        negate = False
    return ", ".join(dict.fromkeys(parts))


def _explain_one(analysis: ShellAnalysis, index: int, detail: CommandDetail,
                 children: list[int]) -> CommandExplanation:
    cmd = analysis.commands[index]
    eff = detail.effects
    prog = cmd.program
    info = describe(prog, eff.subcommand) if prog else None
    reads = [t.text for t in eff.targets if t.kind == "read"]
    writes = [t.text for t in eff.targets if t.kind == "write"]
    deletes = [t.text for t in eff.targets if t.kind == "delete"]
    for ref in analysis.writes:
        if ref.command_index == index and ref.op == "redirect" and ref.text not in writes:
            writes.append(ref.text)
    for ref in analysis.reads:
        if ref.command_index == index and ref.op == "<" and ref.text not in reads:
            reads.append(ref.text)
    if any(r.op in ("<<", "<<-") for r in cmd.redirects):
        reads.append("a here-document")
    if any(r.op == "<<<" for r in cmd.redirects):
        reads.append("a here-string")
    summary = _summary(cmd, detail, info, reads, writes, deletes)
    extra = [i for i in eff.info if i not in reads]
    if not cmd.argv:
        writes = [f"shell variable {name}" for name, _ in cmd.env]
    elif info is not None and not (reads or writes or deletes or eff.executes or eff.hosts):
        extra = extra or [info.default or "its arguments"]
    reads += extra
    executes = list(eff.executes)
    executes += [analysis.commands[c].text for c in children]
    if info is None and prog and prog not in executes:
        executes.insert(0, prog)
    wrappers = [w for w in cmd.wrappers]
    if wrappers:
        summary += f" (through {', '.join(wrappers)})"
    redirect_writes = [r.target for r in cmd.redirects if r.is_write]
    if redirect_writes:
        summary += f", writing output to {_join([_quote(w) for w in redirect_writes])}"
    return CommandExplanation(
        program=prog, summary=summary, reads=tuple(dict.fromkeys(reads)),
        writes=tuple(dict.fromkeys(writes)), deletes=tuple(dict.fromkeys(deletes)),
        executes=tuple(dict.fromkeys(executes)), hosts=tuple(dict.fromkeys(eff.hosts)),
        described=info is not None or not cmd.argv)


def _risk(analysis: ShellAnalysis, details: list[CommandDetail],
          working_dirs: tuple[Path, ...]) -> Risk:
    if not analysis.ok:
        return "unknown"
    progs = [c.program for c in analysis.commands]
    notes = [n for d in details for n in d.effects.notes]
    if analysis.critical_removals or analysis.destructive_git or \
            any(p in _DESTRUCTIVE_PROGRAMS or p.startswith("mkfs") for p in progs) or \
            any(r.op in ("find -delete", "rsync --delete") for r in analysis.writes) or \
            any(c.program in ("rm", "chmod", "chown", "chgrp") and "recursive" in
                d.effects.notes for c, d in zip(analysis.commands, details, strict=False)) or \
            "deletes files" in notes:
        return "destructive"
    if analysis.network:
        return "network"
    if any(r.path is None or not inside(r.path, working_dirs) for r in analysis.writes):
        return "writes-outside"
    if analysis.writes:
        return "writes-project"
    for cmd, detail in zip(analysis.commands, details, strict=False):
        if detail.read_only:
            continue
        pure = cmd.program in _MODELLED_PURE and not detail.effects.executes
        if not pure and cmd.argv:
            return "unknown"
    return "read-only"


def _paragraph(explained: list[CommandExplanation], details: list[CommandDetail]) -> str:
    if not explained:
        return "Does nothing."
    children: dict[int, list[int]] = {}
    for i, d in enumerate(details):
        if d.parent is not None and d.parent != i:
            children.setdefault(d.parent, []).append(i)

    def text(i: int, depth: int = 0) -> str:
        """One command and, in brackets, what it runs."""
        ce = explained[i]
        head = f"{ce.program}: {ce.summary}" if ce.program else ce.summary
        kids = children.get(i, [])
        if kids and depth < 3:
            head += " [which runs " + "; ".join(text(k, depth + 1) for k in kids) + "]"
        return head

    out = ""
    for i, d in enumerate(details):
        if d.parent is not None:
            continue
        part = text(i)
        out = part if not out else out + _LINKS.get(d.link, "; then ") + part
    out = out or text(0)
    return out + "."


def explain(command: str, *, cwd: Path, home: Path | None = None,
            working_dirs: Sequence[Path] = (), detailed: Detailed | None = None) -> Explanation:
    """Explain ``command`` (see the module docstring).  Never raises.

    Args:
        command: the shell command.
        cwd: the directory it would run in.
        home: the home directory, for ``~`` and critical paths.
        working_dirs: the session's working directories (cwd is added when missing).
        detailed: the command's :func:`~tui.shell.analyzer.analyze_detailed` result when the
            caller already has it (same arguments), so the command is parsed only once.
    """
    if detailed is None:
        detailed = analyze_detailed(command, cwd=cwd, home=home, working_dirs=working_dirs)
    analysis = detailed.analysis
    details = detailed.details
    dirs = tuple(normalise(str(d)) for d in working_dirs) or (normalise(str(cwd)),)
    if normalise(str(cwd)) not in dirs:
        dirs = (normalise(str(cwd)), *dirs)
    if len(details) != len(analysis.commands):
        details = [CommandDetail(effects=Effects()) for _ in analysis.commands]
    children: dict[int, list[int]] = {}
    for i, d in enumerate(details):
        if d.parent is not None:
            children.setdefault(d.parent, []).append(i)
    explained = [_explain_one(analysis, i, d, children.get(i, []))
                 for i, d in enumerate(details)]
    warnings: list[str] = []
    if analysis.fail_reason:
        warnings.append(f"Warden could not analyse this command: {analysis.fail_reason}")
    warnings += [f.reason for f in analysis.findings]
    warnings += [f"Removes a critical path: {c}" for c in analysis.critical_removals]
    warnings += [f"Can discard work: {g}" for g in analysis.destructive_git]
    risk = _risk(analysis, details, dirs)
    summary = _paragraph(explained, details)
    if not analysis.ok:
        summary = ("Warden could not fully analyse this command "
                   f"({analysis.fail_reason}). " + (summary if explained else ""))
    return Explanation(command=command, risk=risk, summary=summary.strip(),
                       commands=tuple(explained), warnings=tuple(dict.fromkeys(warnings)),
                       analysis=analysis)
