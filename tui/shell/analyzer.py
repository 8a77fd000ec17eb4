"""The walk over bashlex's tree that turns a command line into a :class:`ShellAnalysis`.

SPEC §4: split on ``&&``, ``||``, ``;``, ``|``, ``|&``, ``&`` and newlines; recurse into
``$(...)``, backticks, ``<(...)``/``>(...)``, the string of ``bash -c``/``sh -c``/``eval``/
``trap``/``watch``/``flock -c``, ``find -exec`` and here-documents fed to a shell; strip
wrappers; track ``cd`` so relative paths resolve where they will be used; fail closed on
anything not understood.  :func:`analyze_detailed` also returns per-command details for
``explain``.

Choices, each fail-closed:

* cd tracking: ``cd X && cmd`` runs cmd in X; after ``cd X; cmd`` (or ``||``) cmd may run in
  either directory, so relative paths give one PathRef per candidate; a ``cd`` Warden cannot
  resolve (``cd "$D"``, ``cd -``, popd) makes later relative paths ``None``; cd in a subshell,
  a pipeline or a background job does not carry over; a cd inside if/for/while makes every
  path inside unknown.
* Substitutions bashlex leaves inside ``${...}`` (``${x:-$(cmd)}``) are read by the analyser
  itself; arithmetic there fails closed.
* Unquoted here-document bodies are walked for ``$(...)``/backticks; a here-document fed to a
  shell (``bash <<EOF``) is parsed as commands; a delimiter that is not a plain word fails
  closed (bash and bashlex could disagree on where the document ends).
* Taint: after an assignment to a possibly exported variable (``PATH=x``, ``export X=..``,
  ``printf -v X``, ``${X:=..}``, ``read X``), ``alias``, ``hash``, ``enable``, ``shopt``,
  ``set``, ``source`` or a function definition, no later command is read-only.
* ``/dev/tcp`` and ``/dev/udp`` redirect targets are network connections (finding
  ``dev-tcp``); ``/dev/null`` and the standard streams are not writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.pathutil import lexically_inside
from tui.shell.data import (
    EXEC_WRAPPERS,
    PRIVILEGE_WRAPPERS,
    SAFE_ENV_VARS,
    SUSPICIOUS_CONSTRUCTS,
)
from tui.shell.effects import Ctx, Effects, Target, command_effects
from tui.shell.findings import (
    has_invisible,
    may_be_environment,
    program_codes,
    scan_codes,
    word_codes,
)
from tui.shell.model import Finding, PathRef, Redirect, ShellAnalysis, SimpleCommand
from tui.shell.parse import ParseFailure, heredoc_delimiter, parse
from tui.shell.paths import (
    NULL_DEVICES,
    Cwd,
    normalise,
    read_guesses,
    resolve_arg,
    resolve_arg_raw,
    union,
)
from tui.shell.words import (
    Arg,
    HiddenSubstitutionError,
    Scan,
    args_of,
    hidden_substitutions,
    make_arg,
    scan_word,
)
from tui.shell.wrappers import Stripped, strip_wrappers

MAX_LENGTH = 10_000
MAX_COMMANDS = 50
MAX_DEPTH = 8
_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\+?)=")
_STATE_BUILTINS = frozenset({"alias", "hash", "enable", "shopt", "set", "unset", "source", ".",
                             "export", "declare", "typeset", "local", "readonly", "read",
                             "mapfile", "readarray", "trap", "eval", "builtin"})
_SUBST_CODES = {"$()": "command-substitution", "``": "backticks",
                "<()": "process-substitution", ">()": "process-substitution"}
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9_./:=+@%,-]+$")
_PLAIN_DELIMITER = re.compile(r"^[A-Za-z0-9_.,:=+@%/-]+$")
_DECLARERS = frozenset({"export", "declare", "typeset", "local", "readonly"})


class _Fail(Exception):
    """The command cannot be analysed with certainty; the message is the fail reason."""


@dataclass
class CommandDetail:
    """What explain needs beyond :class:`SimpleCommand`: effects, links, read-only reasons."""

    effects: Effects
    link: str = ""
    parent: int | None = None
    read_only: bool = False
    blockers: list[str] = field(default_factory=list)


@dataclass
class Detailed:
    """:func:`analyze_detailed`'s result: the analysis and one detail per command."""

    analysis: ShellAnalysis
    details: list[CommandDetail]


class _Analyzer:
    def __init__(self, command: str, cwd: Path, home: Path | None,
                 working_dirs: Sequence[Path]) -> None:
        self.command = command
        self.cwd0 = normalise(str(cwd))
        self.home = normalise(str(home)) if home is not None else None
        dirs = [normalise(str(d)) for d in working_dirs] or [self.cwd0]
        if self.cwd0 not in dirs:
            dirs.insert(0, self.cwd0)
        self.working_dirs = tuple(dirs)
        self.commands: list[SimpleCommand] = []
        self.details: list[CommandDetail] = []
        self.writes: list[PathRef] = []
        self.reads: list[PathRef] = []
        self.findings: list[Finding] = []
        self.network: list[str] = []
        self.critical: list[str] = []
        self.destructive: list[str] = []
        self.tainted = False
        self.depth = 0
        self.inherit: tuple[str, ...] = ()
        self.inherit_env: list[tuple[str, str]] = []
        self.parent: int | None = None
        self.redirect_hosts: dict[int, list[str]] = {}
        self.option_globs: list[str] = []
        self.links: list[tuple[int, Path, Path]] = []
        self.unknown_link = False

    # -- results ---------------------------------------------------------------------------

    def finding(self, code: str, index: int | None, x: str = "") -> None:
        """Record a suspicious construct (deduplicated) for command ``index``."""
        reason = SUSPICIOUS_CONSTRUCTS[code].replace("{x}", x)
        f = Finding(code, reason, index)
        if f not in self.findings:
            self.findings.append(f)

    def through_links(self) -> None:
        """Family 7: a write or read of a link made earlier in the command also touches what
        it points to (``ln -s .git/hooks h && echo x > h/pre-commit``)."""
        if not self.links:
            return
        for refs in (self.writes, self.reads):
            extra: list[PathRef] = []
            for ref in refs:
                if ref.path is None:
                    continue
                for index, alias, original in self.links:
                    if ref.command_index <= index:
                        continue
                    if ref.path == alias or alias in ref.path.parents:
                        mapped = original / ref.path.relative_to(alias)
                        extra.append(PathRef(ref.text, mapped, f"{ref.op} (through a link)",
                                             ref.command_index, ref.recursive, str(mapped)))
            refs.extend(extra)

    def result(self, ok: bool, reason: str | None) -> Detailed:
        """Assemble the :class:`ShellAnalysis` (``ok`` false: every command not read-only)."""
        self.through_links()
        ro_each = tuple(d.read_only for d in self.details)
        read_only = ok and all(ro_each) and not self.writes and not self.network and \
            not self.findings and not self.critical and not self.destructive
        analysis = ShellAnalysis(
            command=self.command, ok=ok, fail_reason=reason, commands=tuple(self.commands),
            writes=tuple(self.writes), reads=tuple(self.reads), findings=tuple(self.findings),
            network=tuple(self.network), critical_removals=tuple(self.critical),
            destructive_git=tuple(self.destructive), read_only=read_only,
            command_read_only=ro_each if ok else tuple(False for _ in ro_each),
            option_globs=tuple(dict.fromkeys(self.option_globs)),
            links=tuple((str(a), str(o)) for _, a, o in self.links))
        return Detailed(analysis, self.details)

    def run(self) -> Detailed:
        """Analyse the whole command; parse failures and :class:`_Fail` become ``ok=False``."""
        if len(self.command) > MAX_LENGTH:
            return self.result(False, f"the command is longer than {MAX_LENGTH:,} characters")
        if has_invisible(self.command):
            self.finding("invisible-character", None)
        try:
            self.source(self.command, (self.cwd0,), "top")
        except (_Fail, ParseFailure) as exc:
            return self.result(False, str(exc))
        return self.result(True, None)

    # -- walking ---------------------------------------------------------------------------

    def source(self, text: str, cwd: Cwd, origin: str) -> Cwd:
        """Parse ``text`` and walk every top-level tree; returns the cwd state afterwards."""
        if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#")
                                   for ln in text.splitlines()):
            return cwd
        trees = parse(text)
        link = ""
        for tree in trees:
            cwd = self.walk(tree, text, cwd, origin, link)
            link = ";"
        return cwd

    def walk(self, node: Any, src: str, cwd: Cwd, origin: str, link: str) -> Cwd:
        """Walk one bashlex node; returns the cwd state after it (SPEC §4 splitting)."""
        kind = node.kind
        if kind == "list":
            return self.walk_list(node, src, cwd, origin, link)
        if kind == "pipeline":
            for part in node.parts:
                if part.kind == "pipe":
                    link = part.pipe
                elif part.kind == "reservedword":
                    continue
                else:
                    self.walk(part, src, cwd, origin, link)
            return cwd
        if kind == "command":
            return self.simple(node, src, cwd, origin, link)
        if kind == "compound":
            return self.compound(node, src, cwd, origin, link)
        if kind in ("if", "for", "while", "until"):
            return self.control(node, src, cwd, origin, link)
        if kind == "function":
            return self.function(node, src, cwd, origin, link)
        raise _Fail(f"unsupported shell construct: {kind}")

    def walk_list(self, node: Any, src: str, cwd: Cwd, origin: str, link: str) -> Cwd:
        """A list split on ``;``, ``&&``, ``||``, ``&`` and newlines, tracking ``cd``."""
        parts = list(node.parts)
        for k, part in enumerate(parts):
            if part.kind == "operator":
                continue
            op = parts[k + 1].op if k + 1 < len(parts) and parts[k + 1].kind == "operator" \
                else ";"
            after = self.walk(part, src, cwd, origin, link)
            if op == "&":
                pass  # a background job runs in a subshell: its cd does not apply
            elif after != cwd:
                cwd = after if op == "&&" else union(cwd, after)
            link = op if op != "\n" else ";"
        return cwd

    def compound(self, node: Any, src: str, cwd: Cwd, origin: str, link: str) -> Cwd:
        """``{ ...; }`` (cd persists) or ``( ... )`` (a subshell: it does not), + redirects."""
        parts = list(node.list)
        subshell = bool(parts) and parts[0].kind == "reservedword" and parts[0].word == "("
        start = len(self.commands)
        inner = cwd
        for part in parts:
            if part.kind == "reservedword":
                continue
            inner = self.walk(part, src, inner, origin, link)
            link = ";"
        index = start if len(self.commands) > start else None
        for redirect in getattr(node, "redirects", []):
            self.redirect(redirect, src, cwd, index if index is not None else 0, None)
        return cwd if subshell else inner

    def control(self, node: Any, src: str, cwd: Cwd, origin: str, link: str) -> Cwd:
        """if/for/while/until: a cd inside makes every path in it unknown (branches, loops)."""
        inner = None if _changes_cwd(node) else cwd
        for part in node.parts:
            if part.kind == "reservedword":
                continue
            if part.kind == "word":
                self.word_args(part, src, len(self.commands), cwd)
                continue
            inner = self.walk(part, src, inner, origin, link)
            link = ";"
        return union(cwd, inner)

    def function(self, node: Any, src: str, cwd: Cwd, origin: str, link: str) -> Cwd:
        """A function definition: flagged, its body walked, later commands tainted."""
        self.finding("function-definition", len(self.commands))
        self.tainted = True
        body = getattr(node, "body", None)
        if body is None:
            raise _Fail("function without a body")
        self.walk(body, src, cwd, "function", link)
        return cwd

    # -- words -----------------------------------------------------------------------------

    def word_scan(self, wnode: Any, src: str, index: int, cwd: Cwd,
                  offset: int = 0) -> tuple[Scan, str, list[tuple[str, object]]]:
        """Scan a word node; returns the scan, its raw text, and substitutions to walk."""
        w0 = wnode.pos[0] + offset
        raw = src[w0:wnode.pos[1]]
        spans: list[tuple[int, int, str, str]] = []
        subs: list[tuple[str, object, int]] = []
        for part in getattr(wnode, "parts", []) or []:
            kind = part.kind
            s, e = part.pos[0] - w0, part.pos[1] - w0
            if kind == "parameter":
                spans.append((s, e, "param", str(getattr(part, "value", ""))))
            elif kind == "commandsubstitution":
                k = "backtick" if src[part.pos[0]:part.pos[0] + 1] == "`" else "cmdsubst"
                spans.append((s, e, k, ""))
                subs.append((k, part.command, s))
            elif kind == "processsubstitution":
                k = "<()" if src[part.pos[0]:part.pos[0] + 1] == "<" else ">()"
                spans.append((s, e, "procsubst", ""))
                subs.append((k, part.command, s))
            elif kind == "tilde":
                continue
            else:
                raise _Fail(f"unsupported word part: {kind}")
        scan = scan_word(raw, spans)
        self.scan_findings(scan, index)
        # substitutions bashlex reported inside single quotes are literal text: not run
        out: list[tuple[str, object]] = [(k, c) for k, c, start in subs
                                         if start in scan.used_spans]
        for item in scan.items:
            if item.kind not in ("param", "unknown"):
                continue
            try:
                hidden = hidden_substitutions(item.text[1:] if item.kind == "param" else
                                              item.text)
            except HiddenSubstitutionError as exc:
                raise _Fail(f"cannot read a substitution inside {item.text!r}: {exc}") from exc
            for origin, text in hidden:
                self.finding(_SUBST_CODES[origin], index)
                out.append(("hidden", (origin, text)))
        return scan, raw, out

    def scan_findings(self, scan: Scan, index: int) -> None:
        """Record the findings of one scanned word (an assigning ${X:=v} taints the rest)."""
        for code in scan_codes(scan):
            self.finding(code, index)
            if code == "assigning-expansion":
                self.tainted = True

    def word_args(self, wnode: Any, src: str, index: int, cwd: Cwd,
                  pending: list | None = None) -> list[Arg]:
        """The arguments one word node becomes; substitutions walked now or deferred."""
        raw = src[wnode.pos[0]:wnode.pos[1]]
        if not getattr(wnode, "parts", None) and _PLAIN_WORD.match(raw):
            # fast path: nothing quoted, expanded, globbed or brace-expanded
            return [Arg(value=raw, raw=raw, static=True, quoted=(False,) * len(raw))]
        scan, raw, subs = self.word_scan(wnode, src, index, cwd)
        args, failed = args_of(scan, raw)
        if failed:
            self.finding("brace-expansion", index)
        if pending is None:
            self.walk_subs(subs, src, cwd)
        else:
            pending.extend(subs)
        return args

    def walk_subs(self, subs: list, src: str, cwd: Cwd, parent: int | None = None) -> None:
        """Walk the commands of ``$()``, backticks and ``<()``/``>()`` found in words.

        ``("heredoc-body", text)`` entries are the bodies of unquoted here-documents: the shell
        expands them like a double-quoted string, so their substitutions are walked too.
        """
        for kind, cnode in subs:
            saved = self.parent
            self.parent = parent
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise _Fail("commands are nested too deeply")
                if kind == "heredoc-body":
                    self.heredoc_substitutions(str(cnode), cwd, parent)
                elif kind == "hidden":
                    h_origin, h_text = cnode
                    self.nested_text(h_text, h_origin, cwd, False)
                elif cnode is not None:
                    origin = {"cmdsubst": "$()", "backtick": "``"}.get(kind, kind)
                    self.walk(cnode, src, cwd, origin, "")
            finally:
                self.depth -= 1
                self.parent = saved

    def heredoc_substitutions(self, body: str, cwd: Cwd, parent: int | None) -> None:
        """Walk the substitutions in an unquoted here-document body (best effort).

        The body is read as the inside of a double-quoted word.  When that does not parse,
        the "heredoc-expansion" finding already forces a prompt.
        """
        text = ': "' + body.replace('"', '\\"') + '"'
        try:
            trees = parse(text)
        except ParseFailure:
            return
        for tree in trees:
            if tree.kind != "command":
                continue
            for part in tree.parts:
                if part.kind == "word":
                    _, _, subs = self.word_scan(part, text, parent if parent is not None else 0,
                                                cwd)
                    self.walk_subs(subs, text, cwd, parent)

    # -- simple commands -------------------------------------------------------------------

    def simple(self, node: Any, src: str, cwd: Cwd, origin: str, link: str) -> Cwd:
        """One simple command node: words, assignments and redirects, then the command."""
        index = len(self.commands)
        assigns: list[tuple[str, str]] = []
        args: list[Arg] = []
        redirect_nodes = []
        pending: list = []
        for part in node.parts:
            if part.kind == "assignment" and not args:
                assigns.append(self.assignment(part, src, index, cwd, pending))
            elif part.kind in ("word", "assignment"):
                args.extend(self.word_args(part, src, index, cwd, pending))
            elif part.kind == "redirect":
                redirect_nodes.append(part)
            else:
                raise _Fail(f"unsupported part of a command: {part.kind}")
        raw = src[node.pos[0]:node.pos[1]]
        redirects: list[Redirect] = []
        stdin_text: str | None = None
        for r in redirect_nodes:
            red, body = self.redirect(r, src, cwd, index, pending)
            redirects.append(red)
            if body is not None:
                stdin_text = body
        new_cwd = self.command_from_args(args, assigns, raw, cwd, origin, link, redirects,
                                         stdin_text)
        self.walk_subs(pending, src, cwd, index)
        return new_cwd

    def assignment(self, part: Any, src: str, index: int, cwd: Cwd,
                   pending: list) -> tuple[str, str]:
        """``NAME=value`` before a command: ``(name, value)``; substitutions deferred."""
        raw = src[part.pos[0]:part.pos[1]]
        m = _ASSIGN.match(raw)
        if m is None:
            raise _Fail(f"unrecognised assignment {raw!r}")
        name = m.group(1)
        scan, _, subs = self.word_scan(part, src, index, cwd, offset=0)
        pending.extend(subs)
        # the value is everything after NAME= in the scanned items
        value = "".join(it.text for it in scan.items)[len(m.group(0)):]
        if name == "IFS":
            self.finding("ifs", index)
        return name, value

    def redirect(self, r: Any, src: str, cwd: Cwd, index: int,
                 pending: list | None) -> tuple[Redirect, str | None]:
        """One redirection: the :class:`Redirect`, its write/read target, here-doc body."""
        rtype = str(r.type)
        fd = r.input if isinstance(getattr(r, "input", None), int) else None
        op = f"{fd if fd is not None else ''}{rtype}"
        out = r.output
        if rtype in ("<<", "<<-"):
            delim_raw = src[out.pos[0]:out.pos[1]] if hasattr(out, "pos") else str(out.word)
            quoted = any(c in delim_raw for c in "'\"\\")
            body = ""
            if getattr(r, "heredoc", None) is not None:
                body = str(r.heredoc.value)
                lines = body.split("\n")
                if lines and lines[-1].lstrip("\t") == heredoc_delimiter(delim_raw):
                    body = "\n".join(lines[:-1]) + ("\n" if len(lines) > 1 else "")
            delimiter = heredoc_delimiter(delim_raw)
            if "$" in delim_raw or "`" in delim_raw or not _PLAIN_DELIMITER.match(delimiter):
                raise _Fail(f"here-document delimiter {delim_raw!r} is not a plain word, so "
                            "Warden cannot be sure where the document ends")
            if not quoted and re.search(r"\$\(|`|\$\{|\$\[", body):
                self.finding("heredoc-expansion", index)
                if re.search(r"\$\(|`", body) and pending is not None:
                    pending.append(("heredoc-body", body))
            return Redirect(op, fd, heredoc_delimiter(delim_raw), False), body
        if not hasattr(out, "kind"):
            # a duplication or close: 2>&1, >&-, <&0
            return Redirect(op, fd, str(out), False), None
        local: list = []
        args = self.word_args(out, src, index, cwd, local if pending is None else pending)
        if pending is None:
            self.walk_subs(local, src, cwd, None)
        arg = args[0] if len(args) == 1 else make_arg([], "")
        if len(args) != 1:
            arg = Arg(value=" ".join(a.value for a in args), raw=args[0].raw if args else "",
                      static=False)
        if rtype == "<<<":
            return Redirect(op, fd, arg.value, False), arg.value + "\n"
        is_write = ">" in rtype and not (rtype in (">&", "<&") and arg.value.isdigit())
        is_read = "<" in rtype and rtype not in (">&",) and not (rtype == "<&" and
                                                                 arg.value.isdigit())
        target = arg.value
        if target.startswith(("/dev/tcp/", "/dev/udp/")):
            # bash itself opens a network connection for these redirect targets
            entry = f"bash {target}"
            if entry not in self.network:
                self.network.append(entry)
            self.redirect_hosts.setdefault(index, []).append(target.split("/")[3])
            self.finding("dev-tcp", index)
        paths = resolve_arg(arg, cwd, self.home)
        raws = resolve_arg_raw(arg, cwd, self.home)
        for path, raw in zip(paths, raws, strict=False):
            if is_write and not (path is not None and str(path) in NULL_DEVICES) and \
                    target not in NULL_DEVICES:
                self.writes.append(PathRef(target, path, "redirect", index, raw=raw))
            if is_read and target not in NULL_DEVICES:
                self.reads.append(PathRef(target, path, "<", index, raw=raw))
        if is_read:
            for guess in read_guesses(arg, cwd, self.home):
                self.reads.append(PathRef(target, guess, "<", index))
        return Redirect(op, fd, target, is_write), None

    # -- wrappers, effects, nested commands ------------------------------------------------

    def command_from_args(self, args: list[Arg], env: list[tuple[str, str]], raw: str,
                          cwd: Cwd, origin: str, link: str, redirects: list[Redirect],
                          stdin_text: str | None) -> Cwd:
        """Strip wrappers, record one SimpleCommand and its effects, then its nested ones."""
        index = len(self.commands)
        if index >= MAX_COMMANDS:
            raise _Fail(f"the command has more than {MAX_COMMANDS} sub-commands")
        self.word_findings(args, index)
        env = [*self.inherit_env, *env]
        stripped = strip_wrappers(args, env)
        if stripped.fail:
            raise _Fail(stripped.fail)
        args = stripped.args
        run_cwd = cwd
        if stripped.chdir is not None:
            paths = resolve_arg(stripped.chdir, cwd, self.home)
            run_cwd = None if any(p is None for p in paths) else tuple(
                p for p in paths if p is not None)
        wrappers = (*self.inherit, *stripped.wrappers)
        for w in stripped.wrappers:
            if w in EXEC_WRAPPERS:
                self.finding("exec-wrapper", index, w)
            if w in PRIVILEGE_WRAPPERS:
                self.finding("privileged", index, w)
        if stripped.nested is not None and not args:
            # watch 'CMD' / flock FILE -c 'CMD': only the nested commands run
            self.with_inherit(wrappers, env, self.parent, lambda: self.nested_text(
                stripped.nested[0], stripped.nested[1], run_cwd, False))  # type: ignore[index]
            self.record_targets(stripped.targets, run_cwd, index)
            return cwd
        cmd_origin = stripped.origin or origin
        if args:
            self.program_findings(args[0], index)
        argv = tuple(a.value for a in args)
        program = (os.path.basename(argv[0].rstrip("/")) or argv[0]) if argv else ""
        ctx = Ctx(program=program, args=args[1:], cwd=run_cwd, home=self.home,
                  working_dirs=self.working_dirs, origin=cmd_origin,
                  stdin_args=stripped.stdin_args, stdin_text=stdin_text)
        if args:
            effects = command_effects(ctx)
        else:
            effects = ctx.out
            effects.info.extend(name for name, _ in env)
        for arg, op, kind in stripped.targets:
            effects.targets.append(Target(arg.value, resolve_arg(arg, run_cwd, self.home), op,
                                          kind))
        effects.hosts.extend(self.redirect_hosts.get(index, []))
        text = " ".join(argv)
        rule_texts = [*effects.rule_texts, *_leading_option_texts(argv)]
        self.commands.append(SimpleCommand(
            argv=argv, text=text, raw=raw, env=tuple(env), wrappers=wrappers, origin=cmd_origin,
            redirects=tuple(redirects),
            rule_texts=tuple(t for t in dict.fromkeys(rule_texts) if t != text),
            implied=tuple(dict.fromkeys(effects.implied))))
        detail = CommandDetail(effects=effects, link=link, parent=self.parent)
        self.details.append(detail)
        self.record(effects, index)
        self.record_globs(effects, run_cwd, detail)
        self.record_links(effects, run_cwd, index)
        new_cwd = self.read_only_check(detail, program, args, env, wrappers, cwd, run_cwd,
                                       index)
        self.with_inherit(wrappers, env, index, lambda: self.nested_of(stripped, effects,
                                                                       run_cwd))
        return new_cwd

    def record_globs(self, effects: Effects, run_cwd: Cwd, detail: CommandDetail) -> None:
        """Globs in option position, made absolute for the engine to expand."""
        for pattern in effects.option_globs:
            if pattern.startswith("-"):
                effects.blockers.append(f"{pattern} is a glob that expands to options")
            elif pattern.startswith("/"):
                self.option_globs.append(pattern)
            elif run_cwd is None:
                effects.blockers.append(f"the glob {pattern} could expand to options in a "
                                        "directory Warden cannot know")
            else:
                self.option_globs.extend(os.path.join(str(c), pattern) for c in run_cwd)

    def record_links(self, effects: Effects, run_cwd: Cwd, index: int) -> None:
        """Links made by this command: ``(index, alias, original)`` for later writes."""
        for dest, src in effects.links:
            dests = resolve_arg(dest, run_cwd, self.home)
            srcs = resolve_arg(src, run_cwd, self.home)
            for d in dests:
                for s in srcs:
                    if d is None or s is None:
                        continue
                    self.links.append((index, d, s))
                    self.links.append((index, d / s.name, s))

    def nested_of(self, stripped: Stripped, effects: Effects, run_cwd: Cwd) -> None:
        """Walk what a command runs: ``bash -c``/``eval``/``sed e`` strings, ``find -exec``."""
        for text, n_origin, dynamic in effects.nested_shells:
            self.nested_text(text, n_origin, run_cwd, dynamic)
        for n_args, n_origin in effects.nested_argvs:
            self.command_from_args(list(n_args), [], " ".join(a.raw for a in n_args),
                                   run_cwd, n_origin, "", [], None)

    def with_inherit(self, wrappers: tuple[str, ...], env: list[tuple[str, str]],
                     parent: int | None, fn: Callable[[], None]) -> None:
        """Run ``fn`` with nested commands inheriting wrappers, env and a parent index."""
        saved = (self.inherit, self.inherit_env, self.parent)
        self.inherit, self.inherit_env, self.parent = wrappers, list(env), parent
        try:
            fn()
        finally:
            self.inherit, self.inherit_env, self.parent = saved

    def record_targets(self, targets: list[tuple[Arg, str, str]], cwd: Cwd,
                       index: int) -> None:
        """Record the wrappers' own targets (lock files, ``time -o`` files)."""
        for arg, op, kind in targets:
            for path, raw in zip(resolve_arg(arg, cwd, self.home),
                                 resolve_arg_raw(arg, cwd, self.home), strict=False):
                ref = PathRef(arg.value, path, op, index, raw=raw)
                (self.reads if kind == "read" else self.writes).append(ref)

    def read_only_check(self, detail: CommandDetail, program: str, args: list[Arg],
                        env: list[tuple[str, str]], wrappers: tuple[str, ...], cwd: Cwd,
                        run_cwd: Cwd, index: int) -> Cwd:
        """Set ``detail.read_only`` (REF §2.4) and return the cwd after this command."""
        effects = detail.effects
        blockers = list(effects.blockers)
        if args and "/" in args[0].value and not _system_program(args[0].value,
                                                                  self.working_dirs):
            blockers.append(f"{args[0].value} is not the {program} found on PATH")
        if any(w in PRIVILEGE_WRAPPERS or w in EXEC_WRAPPERS for w in wrappers):
            blockers.append("it runs through " + ", ".join(wrappers))
        unsafe = [name for name, _ in env if name not in SAFE_ENV_VARS]
        if unsafe:
            blockers.append(f"it sets {', '.join(unsafe)}, which is not a safe variable")
            if not args and any(may_be_environment(name) for name in unsafe):
                self.tainted = True
        if self.tainted and args:
            blockers.append("an earlier part changed the shell's environment or functions")
        if program in _STATE_BUILTINS and program not in _DECLARERS:
            self.tainted = True
        if program in _DECLARERS and any(n not in SAFE_ENV_VARS and may_be_environment(n)
                                         for n in effects.info):
            self.tainted = True
        if program == "printf" and _printf_assigns_environment(args):
            self.tainted = True
        if any(f.command_index == index for f in self.findings):
            blockers.append("it contains a suspicious construct")
        new_cwd: Cwd = cwd
        if program in ("cd", "pushd", "popd", "chdir") and effects.new_cwd != "unchanged":
            new_cwd = effects.new_cwd  # type: ignore[assignment]
            if new_cwd is None or not all(lexically_inside(p, *self.working_dirs) for p in new_cwd):
                blockers.append("cd leaves the working directories or goes somewhere unknown")
        if program == "git" and run_cwd != (self.cwd0,):
            blockers.append("git runs in another directory, whose hooks and config apply")
        detail.blockers = blockers
        detail.read_only = not blockers
        return new_cwd

    def nested_text(self, text: str, origin: str, cwd: Cwd, dynamic: bool) -> None:
        """Parse and walk a command string run by another command (depth-limited)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Fail("commands are nested too deeply")
        try:
            try:
                self.source(text, cwd, origin)
            except ParseFailure as exc:
                raise _Fail(f"the command string given to {origin} cannot be parsed: {exc}") \
                    from exc
        finally:
            self.depth -= 1

    def record(self, effects: Effects, index: int) -> None:
        """Move one command's effects into the analysis."""
        for t in effects.targets:
            for k, path in enumerate(t.paths):
                raw = t.raws[k] if k < len(t.raws) else (str(path) if path else None)
                ref = PathRef(t.text, path, t.op, index, t.recursive and t.kind == "read", raw)
                (self.reads if t.kind == "read" else self.writes).append(ref)
        for entry in effects.network:
            if entry not in self.network:
                self.network.append(entry)
        for code, x in effects.findings:
            self.finding(code, index, x)
        for entry in effects.destructive:
            if entry not in self.destructive:
                self.destructive.append(entry)
        for entry in effects.critical:
            if entry not in self.critical:
                self.critical.append(entry)

    def word_findings(self, args: list[Arg], index: int) -> None:
        """Record the findings of a command's words."""
        for code in word_codes(args):
            self.finding(code, index)

    def program_findings(self, a0: Arg, index: int) -> None:
        """Record the findings of a command's name."""
        for code in program_codes(a0):
            self.finding(code, index)


SYSTEM_BIN_DIRS = ("/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin")
"""Directories whose programs a path may name and still be the program the name finds."""


def _system_program(path: str, working_dirs: tuple[Path, ...]) -> bool:
    """Family 5: ``/usr/bin/cat`` is cat; ``./cat``, ``bin/ls``, ``/tmp/x/rg`` are not."""
    norm = os.path.normpath(path)
    if not path.startswith("/") or ".." in path.split("/"):
        return False
    if lexically_inside(norm, *working_dirs):
        return False
    return os.path.dirname(norm) in SYSTEM_BIN_DIRS


def _leading_option_texts(argv: tuple[str, ...]) -> list[str]:
    """The command's text without its leading options, for deny and ask rules (family 4).

    ``npm --loglevel silent publish`` gives ``npm silent publish`` and ``npm publish``: an
    option Warden does not model may or may not take the next word as its value, so both
    readings are kept (at most six words are skipped).
    """
    words = argv[1:]
    out: list[str] = []
    if not words or not words[0].startswith("-") or words[0] == "-":
        return out
    for k in range(1, min(len(words), 6) + 1):
        prev = words[k - 1]
        before = words[k - 2] if k >= 2 else ""
        if not (prev.startswith("-") or (before.startswith("-") and "=" not in before)):
            break
        if prev == "--":
            out.append(" ".join([argv[0], *words[k:]]))
            break
        if k < len(words):
            out.append(" ".join([argv[0], *words[k:]]))
    return out


def _printf_assigns_environment(args: list[Arg]) -> bool:
    """``printf -v NAME`` where NAME may be an environment variable (or is unknown)."""
    for k, a in enumerate(args[1:], start=1):
        if a.value == "-v":
            name = args[k + 1] if k + 1 < len(args) else None
        elif a.value.startswith("-v") and not a.value.startswith("--"):
            name = Arg(value=a.value[2:], raw=a.raw, static=a.static)
        else:
            continue
        if name is None or not name.static or may_be_environment(name.value):
            return True
    return False


def _changes_cwd(node: Any) -> bool:
    """True when a loop body contains cd/pushd/popd (its cwd differs between iterations)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if getattr(n, "kind", "") == "command":
            for part in n.parts:
                if part.kind == "word":
                    if os.path.basename(part.word) in ("cd", "pushd", "popd", "chdir"):
                        return True
                    break
        for attr in ("parts", "list"):
            children = getattr(n, attr, None)
            if isinstance(children, list):
                stack.extend(c for c in children if hasattr(c, "kind"))
        body = getattr(n, "command", None)
        if body is not None and hasattr(body, "kind"):
            stack.append(body)
    return False


def analyze_detailed(command: str, *, cwd: Path, home: Path | None = None,
                     working_dirs: Sequence[Path] = ()) -> Detailed:
    """Like :func:`tui.shell.analyze` but also returns per-command details (for explain).

    Never raises: a bug in the analyser gives ``ok=False`` with
    ``fail_reason="internal analyser error: ..."``.
    """
    try:
        return _Analyzer(command, cwd, home, working_dirs).run()
    except Exception as exc:  # noqa: BLE001 - fail closed on any analyser bug
        return Detailed(ShellAnalysis(command=command, ok=False,
                                      fail_reason=f"internal analyser error: "
                                                  f"{type(exc).__name__}: {exc}"), [])


def analyze(command: str, *, cwd: Path, home: Path | None = None,
            working_dirs: Sequence[Path] = ()) -> ShellAnalysis:
    """Analyse a shell command line before it runs (SPEC §4).

    Args:
        command: the command as the model wrote it (bash syntax).
        cwd: the directory it will run in.
        home: the user's home directory, for ``~`` and critical paths; ``None`` if unknown.
        working_dirs: the session's working directories (cwd and ``--add-dir`` ones); cwd is
            added when missing.

    Returns:
        A :class:`ShellAnalysis`.  Never raises; pure apart from ``os.path`` string functions.
    """
    return analyze_detailed(command, cwd=cwd, home=home, working_dirs=working_dirs).analysis
