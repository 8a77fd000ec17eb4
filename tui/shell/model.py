"""What the shell analyser returns: plain frozen dataclasses, no behaviour (``SPEC.md`` §4).

The permission engine matches rules against :attr:`SimpleCommand.text`, checks
:attr:`ShellAnalysis.writes` like ``Edit`` calls and :attr:`ShellAnalysis.reads` against ``Read``
deny rules, forces a prompt for every :class:`Finding`, and asks whenever
:attr:`ShellAnalysis.ok` is false.  ``warden explain`` builds its text from the same objects.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Redirect:
    """One redirection of a simple command (REF §2.3 "Redirections").

    Attributes:
        op: the operator as written, with its file descriptor: ``">"``, ``">>"``, ``"2>"``,
            ``"&>"``, ``"<"``, ``">|"``, ``"<>"``, ``"2>&"`` (a duplication), ``"<<"``
            (here-document), ``"<<<"`` (here-string).
        fd: the explicit file descriptor (``2`` in ``2>``), ``None`` when not written.
        target: the target word after quote removal; for a duplication the descriptor
            (``"1"`` in ``2>&1``); for a here-document its delimiter.
        is_write: true when the target is a file opened for writing.
    """

    op: str
    fd: int | None
    target: str
    is_write: bool


@dataclass(frozen=True)
class SimpleCommand:
    """One simple command, found at the top level or nested inside another (SPEC §4).

    Attributes:
        argv: the words after quote removal and brace expansion, with wrappers (``timeout 5``,
            ``nice -n 5``, ``env FOO=1``, ``sudo -u x``...) and leading ``VAR=val`` assignments
            stripped: ``timeout 5 npm test`` gives ``("npm", "test")``.  A bare assignment
            (``FOO=1``) has an empty ``argv``.
        text: ``" ".join(argv)``; what ``Bash(...)`` permission rules match against.
        raw: the original source text of the command, wrappers included.
        env: leading assignments as ``(name, value)`` pairs, those given to ``env``/``sudo``
            included, in source order.
        wrappers: the stripped wrappers in order, e.g. ``("timeout", "nice")``.
        origin: where the command was found: ``"top"``, ``"$()"``, ``"``"``, ``"<()"``,
            ``">()"``, ``"bash -c"`` (the shell's name: ``"sh -c"``...), ``"eval"``,
            ``"find -exec"`` (or ``-execdir``/``-ok``/``-okdir``), ``"heredoc"`` (a shell fed a
            here-document), ``"sed e"``, and for the exec-style wrappers the wrapper's name:
            ``"sudo"``, ``"doas"``, ``"xargs"``, ``"watch"``, ``"setsid"``, ``"flock"``,
            ``"ionice"``.
        redirects: the command's own redirections in source order.
        rule_texts: more texts deny and ask rules are matched against: the command with its
            global options removed (``git --no-pager push x`` gives ``git push x``; issue 9,
            family 4).
        implied: programs this one always runs itself (``man`` runs ``groff``).
    """

    argv: tuple[str, ...]
    text: str
    raw: str
    env: tuple[tuple[str, str], ...] = ()
    wrappers: tuple[str, ...] = ()
    origin: str = "top"
    redirects: tuple[Redirect, ...] = ()
    rule_texts: tuple[str, ...] = ()
    implied: tuple[str, ...] = ()

    @property
    def program(self) -> str:
        """The basename of ``argv[0]`` (``/usr/bin/rm`` gives ``"rm"``), ``""`` without argv."""
        if not self.argv:
            return ""
        return os.path.basename(self.argv[0].rstrip("/")) or self.argv[0]


@dataclass(frozen=True)
class PathRef:
    """A file a command reads or writes.

    Attributes:
        text: the argument as written, after quote removal (``"../x"``, ``"*.env"``,
            ``"$HOME/x"``).
        path: the absolute, normalised path (``os.path.normpath``, symlinks not resolved);
            ``None`` when it contains something unknown before the command runs: a variable,
            a command substitution, an unquoted glob, ``~user``, or a relative path after a
            ``cd`` Warden could not follow.
        op: what does the access: ``"redirect"``, ``"rm"``, ``"mv"``, ``"cp"``, ``"tee"``,
            ``"sed -i"``, ``"dd of="``, ``"cat"``, ``"<"``, ... (the program, or the flag).
        command_index: index into :attr:`ShellAnalysis.commands` of the command that does it.
        recursive: the read covers the whole tree under ``path`` (``grep -r``, ``rg``,
            ``cp -r``, ``git grep``...), so a deny rule on anything below it applies.
        raw: the absolute path before ``..`` is folded (``/p/gd/../x``), for resolving as the
            kernel does (a ``..`` after a symlink goes up from the link's target); ``None``
            when ``path`` is ``None``.
    """

    text: str
    path: Path | None
    op: str
    command_index: int
    recursive: bool = False
    raw: str | None = None


@dataclass(frozen=True)
class Finding:
    """A suspicious construct: it forces a prompt even when an allow rule matches (SPEC §4).

    Attributes:
        code: a stable identifier from :data:`tui.shell.data.SUSPICIOUS_CONSTRUCTS`
            (``"command-substitution"``, ``"exec-wrapper"``...).
        reason: the sentence shown to the user, e.g. "Command contains $() command substitution".
        command_index: the command it belongs to, ``None`` when it concerns the whole text.
    """

    code: str
    reason: str
    command_index: int | None = None


@dataclass(frozen=True)
class ShellAnalysis:
    """Everything Warden knows about a shell command before it runs (SPEC §4).

    Attributes:
        command: the command as given.
        ok: false when the command could not be analysed with certainty; the engine then asks
            and never allows.
        fail_reason: why ``ok`` is false, e.g. "bashlex cannot parse arithmetic expansion $(( ))".
        commands: every simple command, nested ones included, in source order.
        writes: redirect targets (except ``/dev/null`` and the standard streams) and the write
            arguments of ``rm``, ``mv``, ``cp``, ``tee``, ``sed -i``, ``dd of=``...
        reads: read targets of ``cat``, ``head``, ``grep``, ``<``...; a glob keeps its text with
            ``path=None`` (it may match a denied file).
        findings: suspicious constructs, each forcing a prompt.
        network: ``"<program> <target>"`` for each command that reaches the network.
        critical_removals: removals of critical paths (REF §11.2), ``"<target> (<why>)"``.
        destructive_git: git commands that can discard work, as written (``"git reset --hard"``).
        read_only: every command is built-in read-only with no write or exec flag; no writes,
            no network, no findings, and ``ok``.
        command_read_only: per entry of ``commands``: the command on its own is built-in
            read-only (its redirect targets are judged separately as writes).
        option_globs: absolute glob patterns standing where a program reads options: the
            command is read-only only if none of them matches a file whose name starts with
            ``-`` (the engine expands them; nothing in a read-only command creates files).
        links: ``(alias, original)`` pairs of links made earlier in the same command
            (``ln``, ``cp -l``/``-s``): a later write to the alias writes the original.
    """

    command: str
    ok: bool
    fail_reason: str | None = None
    commands: tuple[SimpleCommand, ...] = ()
    writes: tuple[PathRef, ...] = ()
    reads: tuple[PathRef, ...] = ()
    findings: tuple[Finding, ...] = ()
    network: tuple[str, ...] = ()
    critical_removals: tuple[str, ...] = ()
    destructive_git: tuple[str, ...] = ()
    read_only: bool = False
    command_read_only: tuple[bool, ...] = ()
    option_globs: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
