"""``warden explain``: what a shell command does, in plain words, derived from the parse.

Never from a model: the analyser (:mod:`tui.shell.analyzer`) says which files are read, written
and deleted, which hosts are reached and which commands run; :mod:`tui.shell.programs` names
the programs and their flags.  A program missing from that table is described as "run
<program>", with the program as what it executes.

Each explanation has a category, one phrase saying what the command does (:data:`CATEGORIES`):
"read-only" when the analysis proves it, else e.g. "runs project code" (``python -m pytest``),
"runs a program on each file" (``find -exec wc``), "writes files in the project".  It comes
from a table of programs and subcommands (:data:`PROGRAM_CATEGORIES`), then from the recorded
effects, what the command executes and why the analyser did not prove it read-only; a program
Warden knows nothing about "runs an unknown program".  The risk level (SPEC §4, §5), low to
high:

* ``read-only``: every part only reads: built-in read-only commands, programs whose every
  effect is modelled and none writes, and commands kept from being proven read-only only by
  reasons that say nothing worse (a substitution whose commands are judged on their own,
  ``find -exec`` of a read-only command, a ``cd`` out of the project, shell settings);
* ``unknown``: the command could not be analysed, or a program Warden models gets something it
  cannot know before it runs (``find "$dir"``: the value could be ``-delete``), and nothing
  worse was found;
* ``writes-project``: writes, all inside the working directories (``git commit``);
* ``writes-outside``: a write target outside the working directories, or one that cannot be
  resolved; code Warden does not model, which may write anywhere (project code such as
  ``make``, ``npm test``, ``pytest``, a script, code given on the command line, an unknown
  program, a shell); changing system settings, running as another user, signalling processes;
* ``network``: it reaches the network (installing packages does);
* ``destructive``: critical-path removals, destructive git, ``rm -r``, ``dd``, ``mkfs``,
  ``shred``, recursive ``chmod``/``chown``/``chgrp``, ``find -delete``, ``rsync --delete``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tui.pathutil import lexically_inside
from tui.shell.analyzer import CommandDetail, Detailed, analyze_detailed
from tui.shell.argspec import SPECS
from tui.shell.data import INTERPRETER_CODE_FLAGS, SAFE_ENV_VARS
from tui.shell.effects import DELETE_OPS, HANDLERS, Effects, lit
from tui.shell.findings import may_be_environment
from tui.shell.model import ShellAnalysis, SimpleCommand
from tui.shell.options import parse_options
from tui.shell.paths import normalise
from tui.shell.programs import ProgramInfo, describe
from tui.shell.registry import REGISTRY

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
                            "read", "mapfile", "readarray", "jobs", "type", "help",
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
        category: what the command does, one phrase of :data:`CATEGORIES`: ``"read-only"``
            when the analysis proves it, else e.g. ``"runs project code"``,
            ``"runs a program on each file"``, ``"writes files in the project"``
            (:func:`categorise`).
    """

    command: str
    risk: Risk
    summary: str
    commands: tuple[CommandExplanation, ...]
    warnings: tuple[str, ...]
    analysis: ShellAnalysis
    category: str = ""

    def to_json(self) -> dict[str, object]:
        """``{"command", "risk", "category", "summary", "commands", "warnings",
        "analysis"}``."""
        a = self.analysis
        return {
            "command": self.command, "risk": self.risk, "category": self.category,
            "summary": self.summary,
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
            objects = (f"{_join([_quote(x) for x in sources])} to "
                       f"{_join([_quote(w) for w in ce_writes])}")
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
    if any(r.path is None or not lexically_inside(r.path, *working_dirs)
           for r in analysis.writes):
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


# -- categories: what a command that is not proven read-only does ---------------------------

CATEGORIES: dict[str, Risk] = {
    "could not be analysed": "unknown",
    "discards uncommitted work": "destructive",
    "changes git history": "destructive",
    "deletes files": "destructive",
    "erases or overwrites data": "destructive",
    "runs as another user": "writes-outside",
    "changes system settings": "writes-outside",
    "stops or signals processes": "writes-outside",
    "removes packages": "writes-outside",
    "installs packages": "network",
    "manages packages": "writes-outside",
    "runs commands from its input": "writes-outside",
    "runs code given on the command line": "writes-outside",
    "runs project code": "writes-outside",
    "runs a script": "writes-outside",
    "reaches the network": "network",
    "runs containers or virtual machines": "writes-outside",
    "runs another program": "writes-outside",
    "runs an unknown program": "writes-outside",
    "runs programs in a changed environment": "writes-outside",
    "starts a shell": "writes-outside",
    "opens an editor": "writes-outside",
    "changes permissions": "writes-outside",
    "changes the repository": "writes-project",
    "writes files outside the project": "writes-outside",
    "writes files in the project": "writes-project",
    "runs a program on each file": "read-only",
    "changes shell settings": "read-only",
    "changes directory": "read-only",
    "sets shell variables": "read-only",
    "reads files": "read-only",
    "shows information": "read-only",
    "read-only": "read-only",
}
"""Every category :func:`explain` can give, most telling first, with the level it implies.

An explanation's ``category`` is the first of these that any part of the command has: ``make >
log`` "runs project code" rather than "writes files in the project", ``find -exec cp {} /tmp``
"writes files outside the project" rather than "runs a program on each file".  The level is
what a command of the category is when nothing else is known about it (from the program table,
what it executes, or why it is not read-only).  Code Warden does not model (project code, a
script, code on the command line, an unknown program, a shell) runs with the user's rights and
may write anywhere, so it is ``writes-outside``, as are changing system settings, running as
another user and signalling processes: never low, and never a claim of network access or
deletion that Warden has not seen.  Categories named from recorded effects (writes, removals,
hosts, destructive git) add no level of their own: :func:`_risk` ranks those effects.  "runs a
program on each file" and "runs code given on the command line" with a literal string are
``read-only`` only because the commands they run are analysed one by one and add their own
levels (``find -exec wc``, ``bash -c 'ls'``).
"""

_LEVELS: tuple[Risk, ...] = ("read-only", "unknown", "writes-project", "writes-outside",
                             "network", "destructive")
"""Risk levels from low to high, as :func:`_risk` ranks them: ``unknown`` (something Warden
could not resolve) is below any write Warden did see."""

_CATEGORY_TABLE = r"""
# category: program, "program subcommand", "program first-argument", "program (alone)" (no
# arguments) or "python -m module", ...  (each program's manual page)
runs project code: make, gmake, bmake, cmake, ninja, meson, bazel, scons, ant, mvn, gradle,
    gradlew, sbt, lein, rake, just, tox, nox, pytest, py.test, nosetests, jest, mocha, vitest,
    phpunit, rspec, ctest, npm, npm test, npm t, npm run, npm run-script, npm start, npm exec,
    yarn, yarn test, yarn run, yarn start, pnpm, pnpm test, pnpm run, bun, bun test, bun run,
    deno, deno run, deno test, cargo, go, dotnet, swift, mix, rails, bundle exec, uv run,
    poetry run, pdm run, hatch, stack, cabal, dune, rebar3, python -m pytest,
    python -m unittest, python -m doctest, python -m nose, python -m tox, python -m build,
    python -m coverage, python -m mypy
installs packages: pip install, pip download, pip wheel, pipx install, easy_install,
    npm install, npm i, npm ci, npm add, npm update, yarn add, yarn install, yarn upgrade,
    pnpm add, pnpm install, pnpm i, pnpm update, bun add, bun install, cargo install, cargo add,
    go get, go install, gem install, bundle install, bundle update, composer install,
    composer require, composer update, apt install, apt upgrade, apt-get install,
    apt-get upgrade, apt-get dist-upgrade, aptitude install, yum install, yum update,
    yum upgrade, dnf install, dnf upgrade, zypper install, zypper in, apk add, brew install,
    brew upgrade, port install, snap install, flatpak install, conda install, conda create,
    mamba install, uv add, uv pip, uv sync, poetry add, poetry install, cpanm, luarocks install,
    opam install, emerge
manages packages: pip, pipx, gem, bundle, composer, apt, apt-get, aptitude, yum, dnf, zypper,
    pacman, apk, brew, port, snap, flatpak, conda, mamba, dpkg, rpm, uv, poetry, cpan, luarocks,
    opam, nix-env, python -m pip, python -m ensurepip
removes packages: pip uninstall, npm uninstall, npm remove, npm rm, npm un, yarn remove,
    pnpm remove, apt remove, apt purge, apt autoremove, apt-get remove, apt-get purge,
    apt-get autoremove, yum remove, yum erase, dnf remove, brew uninstall, brew remove,
    gem uninstall, conda remove, snap remove, cargo uninstall, pipx uninstall
changes the repository: git, svn, hg, cvs, bzr, git-lfs
changes system settings: mount, umount, swapon, swapoff, sysctl, modprobe, insmod, rmmod,
    depmod, ifconfig, ifup, ifdown, iwconfig, ip, route, iptables, ip6tables, nft, ufw,
    firewall-cmd, hostnamectl, timedatectl, localectl, hwclock, systemctl, service, chkconfig,
    update-rc.d, launchctl, crontab, at, atrm, batch, useradd, userdel, usermod, groupadd,
    groupdel, groupmod, adduser, deluser, addgroup, passwd, chpasswd, chsh, chfn, visudo,
    ldconfig, update-alternatives, update-grub, grub-install, shutdown, reboot, halt, poweroff,
    init, telinit, losetup, cryptsetup, lvcreate, lvremove, lvextend, vgcreate, pvcreate, fsck,
    e2fsck, tune2fs, hdparm, blockdev, setenforce, xhost, stty, setxkbmap, xrandr, xset,
    gsettings, defaults, scutil, networksetup, nmcli, mknod, updatedb, ntpdate, xmodmap,
    amixer, quotaon, quotaoff, sudoedit
stops or signals processes: kill, killall, pkill, skill, xkill, renice
runs as another user: sudo, doas, pkexec, su, runuser, chroot, nsenter, unshare
runs containers or virtual machines: docker, podman, kubectl, vagrant, virsh, lxc, multipass,
    docker-compose
runs another program: npx, bunx, uvx, pipx run
writes files outside the project: ssh-keygen, history -a, history -w
opens an editor: vi, vim, nvim, nano, emacs, pico, joe, mcedit, gedit, code, subl, mate, kate,
    ed, ex, view
erases or overwrites data: dd, shred, wipefs, fdisk, sfdisk, gdisk, cfdisk, parted, mkswap,
    blkdiscard, mkfs, mke2fs
changes permissions: chmod, chown, chgrp, chattr, setfacl, chcon
changes shell settings: set, shopt, unset, alias, unalias, export, declare, typeset, local,
    readonly, hash, bind, complete, ulimit, umask, shift, getopts, exit, return, logout, wait,
    fg, bg, disown, trap, read, mapfile, readarray, let, eval, history -c, history -d
changes directory: cd, pushd, popd, chdir
shows information: crontab -l, dpkg -l, dpkg -L, dpkg -s, dpkg -S, rpm -q, rpm -qa, rpm -qf,
    rpm -ql, rpm -qi, apt list, apt search, apt show, brew list, pip list, pip show, pip freeze,
    npm ls, npm list, conda list, docker ps, docker images, kill -l,
    mount (alone), ifconfig (alone), ifconfig -a, systemctl status, service --status-all,
    screen -ls, screen -list, tmux ls, tmux list-sessions, tmux show-options, xargs (alone),
    history (alone)
starts a shell: screen, tmux, byobu, script, expect
"""


def _parse_category_table(text: str) -> dict[str, str]:
    """``"category: name, name..."`` lines (four-space continuations) -> name -> category."""
    out: dict[str, str] = {}
    lines: list[str] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("    ") and lines:
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.strip())
    for line in lines:
        category, _, names = line.partition(":")
        if category not in CATEGORIES:
            raise ValueError(f"unknown category in the category table: {category!r}")
        for name in names.split(","):
            if name.strip():
                out[name.strip()] = category
    return out


PROGRAM_CATEGORIES: dict[str, str] = _parse_category_table(_CATEGORY_TABLE)
"""Program (``"make"``), ``"program subcommand"`` (``"npm test"``), ``"program first-argument"``
(``"crontab -l"``), ``"program (alone)"`` (``"mount"`` with no arguments) or
``"python -m MODULE"`` -> category, from :data:`_CATEGORY_TABLE`; the more specific entry wins.
Programs not here are categorised by their effects (:func:`command_category`)."""

_FINDING_VERDICTS: dict[str, str] = {
    "command-substitution": "", "backticks": "", "process-substitution": "",
    "heredoc-expansion": "", "ansi-c-quoting": "", "quoted-flag": "", "line-continuation": "",
    "assigning-expansion": "", "exec-wrapper": "", "function-definition": "",
    "privileged": "runs as another user", "exec-option": "runs another program",
    "variable-command": "runs an unknown program", "glob-command": "runs an unknown program",
    "brace-command": "runs an unknown program", "zsh-equals": "runs an unknown program",
    "dev-tcp": "reaches the network",
    "sed-exec": "runs another program", "nested-expansion": "runs code given on the command line",
    "subscript-code": "runs code given on the command line", "ifs": "@builtin-prefix",
}
"""Finding code -> the category it gives the command (``""``: none; what it hides is analysed
on its own, as a substitution's commands are; ``"@builtin-prefix"``: none when it is an
assignment before a builtin, ``IFS= read``, which changes only that builtin).  A code not
listed (``invisible-character``, ``indirect-expansion``, ``unc-path``...) leaves the command's
effects unknown."""

_BLOCKER_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), verdict) for pattern, verdict in (
        (r"^it contains a suspicious construct$", "@findings"),
        (r"^an earlier part changed the shell's environment or functions$", "@taint"),
        (r"^cd leaves the working directories", ""),
        ((r"^it writes files$|^it reaches the network$|^it runs through | is not the .* found "
          r"on PATH$"), ""),
        (r"^it sets .*, which is not a safe variable$", "@environment"),
        (r"^man given a path|^let evaluates arithmetic$", ""),
        (r"^find -(exec|execdir|ok|okdir) runs another command$", "runs a program on each file"),
        (r"^it runs another command \(", "@children"),
        (r" is built at run time and could be an option$", "@placeholder"),
        ((r" is not (a program Warden models as read-only|a read-only program|a read-only git "
          r"command)$"), "@modelled"),
        ((r" runs the script | runs a script in the current shell$| runs commands from standard "
          r"input$| starts a shell as another user$"), "@modelled"),
        (r"^this form of git stash changes the repository$", "changes the repository"),
        (r"sets the clock$|sets the host name$| changes the system or the shell$",
         "changes system settings"),
        (r" assigns a shell variable$", "sets shell variables"),
        (r" removes files$", "deletes files"),
        (r" runs another program$", "runs another program"),
        ((r"^unknown option |^unknown find primary |is an ambiguous abbreviation$| takes no "
          r"value$|^the value of .* is built at run time$| is a glob that expands to options$"
          r"| reads more options from a file$"), "@parse"),
    ))
"""Why the analyser did not prove a command read-only (``CommandDetail.blockers``) -> what
that says: a category, ``""`` (nothing beyond the recorded effects), or a check (``@...``, see
:func:`_blocker_verdict`).  A blocker matching no rule leaves the command's effects unknown:
the fail-closed default."""

_BUILTINS = frozenset({
    "set", "shopt", "unset", "alias", "unalias", "export", "declare", "typeset", "local",
    "readonly", "hash", "bind", "complete", "ulimit", "umask", "shift", "getopts", "exit",
    "return", "logout", "wait", "disown", "read", "mapfile", "readarray", "let",
    "cd", "pushd", "popd", "echo", "printf", "test", "[", "[[", "true", "false", ":", "type",
    "pwd", "jobs", "dirs", "times", "help", "compgen"})
"""Shell builtins that run no program: an assignment before one changes only it."""
_DOTTED = frozenset({"mkfs", "fsck", "mount", "umount"})
"""Programs with variants named ``NAME.TYPE`` (``mkfs.ext4``, ``mount.nfs``)."""
_EACH_ORIGINS = ("xargs", "parallel")
_FILE_HANDLER_MODULES = ("tui.shell.effects.files", "tui.shell.effects.text")
_TAINTING: dict[str, str] = {"alias": "=", "hash": "-p", "enable": "-f", "source": "",
                             ".": ""}
"""Builtins that can change what a later command name runs, with the argument (text in it)
that makes them do so (``""``: always): ``alias ls=...``, ``hash -p``, ``enable -f``."""
_ASSIGNERS = frozenset({"export", "declare", "typeset", "local", "readonly", "read", "mapfile",
                        "readarray"})
_AS_ANOTHER_USER = frozenset({"sudo", "doas", "pkexec", "su", "runuser", "chroot", "nsenter",
                              "unshare"})
_DISCARDING_GIT = ("git reset", "git checkout", "git switch", "git restore", "git clean",
                   "git stash")


def _level_max(levels: Sequence[Risk]) -> Risk:
    """The highest of ``levels`` in :data:`_LEVELS` order (``read-only`` for none)."""
    return max(levels, key=_LEVELS.index) if levels else "read-only"


def _table_category(cmd: SimpleCommand, eff: Effects) -> str:
    """The table's category for the command.  A program the registry may prove read-only
    (``git log``, ``date``) only gets a category that implies no more than read-only (``cd``:
    "changes directory"); otherwise its effects and blockers say what it does."""
    prog = cmd.program
    base = re.sub(r"[0-9.]+$", "", prog) or prog
    stem = prog.split(".")[0] if prog.split(".")[0] in _DOTTED else prog
    sub = eff.subcommand
    first = cmd.argv[1] if len(cmd.argv) > 1 else "(alone)"
    keys = [f"{p} {sub}" for p in (prog, base) if sub] + [f"{prog} {first}", prog, base, stem]
    category = next((PROGRAM_CATEGORIES[k] for k in keys if k in PROGRAM_CATEGORIES), "")
    entry = REGISTRY.get(f"{prog} {sub}" if sub else prog)
    if category and entry is not None and entry.read_only and \
            CATEGORIES[category] != "read-only":
        return ""
    return category


def _local_path(text: str, dirs: tuple[Path, ...]) -> bool:
    """A program or script path that names a file in the project (relative, or inside)."""
    if not text or "$" in text or "`" in text or text.startswith("~"):
        return False
    if not text.startswith("/"):
        return True
    return lexically_inside(normalise(text), *dirs)


def _executes_categories(cmd: SimpleCommand, detail: CommandDetail, child_programs: set[str],
                         exec_options: bool, dirs: tuple[Path, ...], table: str) -> list[str]:
    """The categories the entries of ``effects.executes`` give the command (none for a
    program that is analysed as a nested command of its own, ``find -exec CMD``, nor for a
    program the table names, ``table``)."""
    prog = cmd.program
    out: list[str] = []
    for entry in detail.effects.executes:
        if entry in child_programs or entry.startswith("on "):
            continue  # judged on its own; ssh HOST CMD: the network category says it
        if entry.endswith(" code given on the command line"):
            out.append("runs code given on the command line")
        elif entry.endswith(" code from standard input") or \
                entry == "commands from standard input":
            out.append("runs commands from its input" if detail.link in ("|", "|&") else
                       "starts a shell")
        elif entry.startswith("python module "):
            module = entry.removeprefix("python module ")
            out.append(PROGRAM_CATEGORIES.get(f"python -m {module}", "runs another program"))
        elif entry == f"{prog} shell":
            out.append("starts a shell")
        elif entry == "scheduled commands (cron)":
            out.append("changes system settings")
        elif entry == prog and table:
            continue
        elif entry == prog:
            local = "/" in cmd.argv[0] and _local_path(cmd.argv[0], dirs)
            out.append("runs project code" if local else "runs an unknown program")
        elif entry.startswith(f"{prog} ") or entry in ("sed e", "awk system()/pipe") or \
                exec_options:
            out.append("runs another program")
        else:
            out.append("runs project code" if _local_path(entry, dirs) else "runs a script")
    return out


def _tainting(cmd: SimpleCommand, eff: Effects) -> bool:
    """Could this command change what a later command in the same line runs or does?"""
    def risky(name: str) -> bool:
        return name not in SAFE_ENV_VARS and may_be_environment(name)

    if not cmd.argv:
        return any(risky(name) for name, _ in cmd.env)
    prog = cmd.program
    if prog in _TAINTING:
        marker = _TAINTING[prog]
        return not marker or any(marker in w for w in cmd.argv[1:])
    if prog in _ASSIGNERS:
        names = list(eff.info) + [w.split("=", 1)[0] for w in cmd.argv[1:]
                                  if not w.startswith("-")]
        return any(risky(n) for n in names if n.isidentifier())
    return False


def _ancestors(details: Sequence[CommandDetail], index: int) -> set[int]:
    """The commands ``index`` is nested in (its substitution runs before them)."""
    out: set[int] = set()
    parent = details[index].parent
    while parent is not None and parent not in out and 0 <= parent < len(details):
        out.add(parent)
        parent = details[parent].parent
    return out


def _blocker_verdict(rule: str, blocker: str, index: int, cmd: SimpleCommand,
                     detail: CommandDetail, analysis: ShellAnalysis, explained: bool,
                     risky_taint: bool, children: list[int]) -> tuple[list[str], bool]:
    """Apply one ``@check`` of :data:`_BLOCKER_RULES` to ``blocker``: (categories, effects
    still unknown)."""
    if rule == "@findings":
        cats: list[str] = []
        unknown = False
        for f in analysis.findings:
            if f.command_index != index:
                continue
            verdict = _FINDING_VERDICTS.get(f.code)
            if verdict == "@builtin-prefix":
                verdict = "" if cmd.argv and cmd.program in _BUILTINS else None
            if verdict is None:
                unknown = True
            elif verdict:
                cats.append(verdict)
        return cats, unknown
    if rule == "@taint":
        # a changed environment or alias changes what a program does, not what a builtin does
        changed = risky_taint and cmd.program not in _BUILTINS
        return (["runs programs in a changed environment"] if changed else []), False
    if rule == "@environment":
        # VAR=x before a builtin only changes that builtin (IFS= read); before a program it
        # may change what the program runs (LD_PRELOAD=x.so ls); a bare VAR=x changes later
        # commands, which are judged as tainted
        changed = bool(cmd.argv) and cmd.program not in _BUILTINS
        return (["runs programs in a changed environment"] if changed else []), False
    if rule == "@children":
        return [], not children
    if rule == "@placeholder":
        # find's {} starts with its start point; <(...) becomes /dev/fd/N: neither is an option
        return [], not (cmd.origin.startswith("find -") or blocker.startswith(("<(", ">(")))
    if rule == "@parse":
        entry = REGISTRY.get(f"{cmd.program} {detail.effects.subcommand}") or \
            REGISTRY.get(cmd.program)
        return [], entry is None or entry.harmful
    if rule == "@modelled":
        handler = HANDLERS.get(cmd.program)
        by_handler = (handler is not None and handler.__module__ in _FILE_HANDLER_MODULES) \
            or cmd.program in _MODELLED_PURE
        return [], not (explained or (by_handler and cmd.origin not in _EACH_ORIGINS))
    return [rule], False


def command_category(analysis: ShellAnalysis, index: int, details: Sequence[CommandDetail],
                     working_dirs: tuple[Path, ...],
                     risky_taint: bool = False) -> tuple[list[str], Risk]:
    """The categories of ``analysis.commands[index]`` and the risk level they give it.

    Args:
        analysis: the whole command's analysis.
        index: which simple command.
        details: :func:`~tui.shell.analyzer.analyze_detailed`'s details, one per command.
        working_dirs: normalised working directories (in the project / outside it).
        risky_taint: an earlier command in the line may have changed what this one runs
            (an exported ``PATH``, ``alias``, ``source``...).

    Returns:
        ``(categories, level)``: categories from :data:`CATEGORIES`, in the order found: from
        the recorded effects (removals, destructive git, network, writes), privilege, the
        program table (:data:`PROGRAM_CATEGORIES`), what it executes (``effects.executes``,
        nested command strings, ``xargs``), and why it is not read-only
        (``detail.blockers`` through :data:`_BLOCKER_RULES`, findings through
        :data:`_FINDING_VERDICTS`); "reads files" or "shows information" when nothing else
        applies.  ``level`` is the highest level those categories add to the recorded
        effects (which :func:`_risk` ranks), and at least ``unknown`` when a reason the
        command is not read-only is not understood (fail closed).
    """
    cmd = analysis.commands[index]
    detail = details[index]
    eff = detail.effects
    found: dict[str, Risk] = {}

    def add(category: str, level: Risk | None = None) -> None:
        lvl = level or CATEGORIES[category]
        if category not in found or _LEVELS.index(lvl) > _LEVELS.index(found[category]):
            found[category] = lvl

    if not cmd.argv:
        add("sets shell variables")
    # recorded effects name the category; their level is _risk's (it ranks the same writes,
    # removals, hosts and destructive git), so here they add none
    writes = [r for r in analysis.writes if r.command_index == index]
    removals = [r for r in writes if r.op in DELETE_OPS and r.op != "mv (source)"]
    if eff.critical or removals:
        add("deletes files", "read-only")
    for text in eff.destructive:
        add("discards uncommitted work" if text.startswith(_DISCARDING_GIT)
            else "changes git history", "read-only")
    if eff.hosts or eff.network:
        add("reaches the network", "read-only")
    plain = [r for r in writes if r not in removals]
    outside = any(r.path is None or not lexically_inside(r.path, *working_dirs) for r in plain)
    if plain:
        add("writes files outside the project" if outside else "writes files in the project",
            "read-only")
    if cmd.program in _AS_ANOTHER_USER or _AS_ANOTHER_USER.intersection(cmd.wrappers):
        add("runs as another user")
    table = _table_category(cmd, eff)
    elsewhere = f" is not the {cmd.program} found on PATH"
    if cmd.argv and cmd.argv[0] != cmd.program and \
            any(b.endswith(elsewhere) for b in detail.blockers):
        # ./make, bin/frob: a file of that name, not the program the table knows
        table = ""
        add("runs project code" if _local_path(cmd.argv[0], working_dirs)
            else "runs an unknown program")
    if table:
        # chmod's targets are recorded: where they are says how far it reaches
        add(table, ("writes-outside" if outside else "writes-project")
            if table == "changes permissions" and plain else None)
    children = [k for k, d in enumerate(details) if d.parent == index and k != index]
    child_programs = {analysis.commands[k].argv[0] for k in children
                      if analysis.commands[k].argv}
    exec_options = any(f.code == "exec-option" and f.command_index == index
                       for f in analysis.findings)
    executes = _executes_categories(cmd, detail, child_programs, exec_options, working_dirs,
                                    table)
    for category in executes:
        add(category)
    for _text, origin, dynamic in eff.nested_shells:
        # the string's commands are analysed one by one and add their own levels; a string
        # built at run time is code Warden cannot see
        if origin in ("heredoc",):
            add("runs commands from its input", None if dynamic else "read-only")
        elif origin not in ("trap", "eval", "parallel", "sed e"):
            add("runs code given on the command line", None if dynamic else "read-only")
    if cmd.origin in _EACH_ORIGINS or any(w in _EACH_ORIGINS for w in cmd.wrappers) or \
            cmd.program == "parallel":
        add("runs a program on each file")
    unknown = False
    explained = bool(table or executes)
    for blocker in detail.blockers:
        rule = next((verdict for pattern, verdict in _BLOCKER_RULES
                     if pattern.search(blocker)), None)
        if rule is None:
            unknown = True
            continue
        if not rule.startswith("@"):
            if rule:
                add(rule)
            continue
        cats, uncertain = _blocker_verdict(rule, blocker, index, cmd, detail, analysis,
                                           explained, risky_taint, children)
        for category in cats:
            add(category)
        unknown = unknown or uncertain
    if cmd.origin == "parallel":
        unknown = True  # parallel appends its input to the command: arguments not modelled
    if not found:
        reads = any(t.kind == "read" for t in eff.targets) or \
            any(r.command_index == index for r in analysis.reads)
        add("reads files" if reads else "shows information")
    levels = list(found.values()) + (["unknown"] if unknown else [])
    return list(found), _level_max(levels)


def categorise(analysis: ShellAnalysis, details: Sequence[CommandDetail],
               working_dirs: tuple[Path, ...]) -> tuple[str, Risk]:
    """The category of a whole command line and the risk level its parts give it.

    Args:
        analysis: the command's analysis.
        details: one :class:`CommandDetail` per entry of ``analysis.commands``.
        working_dirs: normalised working directories.

    Returns:
        ``(category, level)``: ``("could not be analysed", "unknown")`` when ``analysis.ok``
        is false, ``("read-only", "read-only")`` when ``analysis.read_only``; otherwise the
        most telling category (first in :data:`CATEGORIES`) of any simple command, nested ones
        included (:func:`command_category`), and the highest level they add to the recorded
        effects.  :func:`explain`'s risk is that level where :func:`_risk` says ``unknown``,
        else the higher of the two.
    """
    if not analysis.ok:
        return "could not be analysed", "unknown"
    if analysis.read_only:
        return "read-only", "read-only"
    order = list(CATEGORIES)
    found: list[str] = []
    levels: list[Risk] = []
    tainters: list[int] = []
    count = min(len(analysis.commands), len(details))
    for index in range(count):
        ancestors = _ancestors(details, index)
        tainted = any(j not in ancestors for j in tainters)
        cats, level = command_category(analysis, index, details, working_dirs, tainted)
        found += cats
        levels.append(level)
        if _tainting(analysis.commands[index], details[index].effects):
            tainters.append(index)
    if analysis.network:
        found.append("reaches the network")
    if not found:
        return "shows information", "read-only"
    return min(found, key=order.index), _level_max(levels)


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
    try:
        category, level = categorise(analysis, details, dirs)
    except Exception:  # noqa: BLE001 - explain never raises; fail closed
        category, level = "could not be analysed", "unknown"
    risk = _risk(analysis, details, dirs)
    if analysis.ok:
        risk = level if risk == "unknown" else _level_max([risk, level])
    summary = _paragraph(explained, details)
    if not analysis.ok:
        summary = ("Warden could not fully analyse this command "
                   f"({analysis.fail_reason}). " + (summary if explained else ""))
    return Explanation(command=command, risk=risk, summary=summary.strip(),
                       commands=tuple(explained), warnings=tuple(dict.fromkeys(warnings)),
                       analysis=analysis, category=category)
