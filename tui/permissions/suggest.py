"""The rule "always allow" suggests for a prompt (REF §1.2).

Commands: one prefix rule per sub-command that needed approval, in the space form
(``Bash(npm run test *)``), at most 5; network commands and exec wrappers get exact rules,
since a prefix on them would approve far more than what the user saw.
WebFetch: ``WebFetch(domain:host)``.  MCP tools: ``mcp__server__tool``.  Edits are never saved
to disk: "always" for an edit lasts for the session (REF §1.2), so no rule is suggested for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.permissions.engine import CallView
    from tui.shell.model import ShellAnalysis, SimpleCommand

MAX_RULES = 5
_GITIGNORE_META = re.compile(r"([\[\]*?])")
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+@-]*$")


_PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")


def _prefix(cmd: SimpleCommand) -> str:
    """Program and its sub-command words (up to 3 plain words) followed by `` *``.

    ``python -m MODULE`` keeps the module: ``Bash(python -m pytest *)``.
    """
    words: list[str] = []
    argv = list(cmd.argv)
    if len(argv) >= 3 and _PYTHON.match(argv[0]) and argv[1] == "-m":
        words, argv = argv[:3], argv[3:]
        if not argv:
            return cmd.text
    for word in argv:
        if len(words) >= 3 or not _PLAIN_WORD.match(word) or "/" in word:
            break
        words.append(word)
    if not words:
        return cmd.text
    if len(words) == len(cmd.argv):
        return cmd.text  # the whole command is plain words: suggest it exactly
    return " ".join(words) + " *"


_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_.:+@/,=%-]*$")


def _unsafe_assignments(cmd: SimpleCommand) -> str | None:
    """The command's leading assignments of variables outside the safe list, as the rule must
    begin with them (``"FOO=1 BAR=x"``; ``""`` when there are none), or None when a value is not
    a plain word (the rule is then the exact source text).  An allow rule only matches past such
    an assignment when it begins with it (REF §2.3)."""
    from tui.shell.data import SAFE_ENV_VARS

    unsafe = [(n, v) for n, v in cmd.env if n not in SAFE_ENV_VARS]
    if any(not _PLAIN_VALUE.match(v) for _, v in unsafe):
        return None
    return " ".join(f"{n}={v}" for n, v in unsafe)


def suggest_bash_rules(analysis: ShellAnalysis, needs_rule: list[int]) -> list[str]:
    """Rules for the sub-commands at ``needs_rule`` (indexes into ``analysis.commands``).

    A sub-command that assigns a variable outside the safe list keeps that assignment at the
    start of its rule (``FOO=1 make all`` gives ``Bash(FOO=1 make all)``), the only form of allow
    rule that matches past it."""
    rules: list[str] = []
    network_programs = {n.split()[0] for n in analysis.network if n}
    for index in needs_rule:
        cmd = analysis.commands[index]
        if not cmd.argv:
            continue  # a bare assignment: no rule approves it
        exact = bool(cmd.wrappers) or cmd.program in network_programs or cmd.origin != "top"
        assigns = _unsafe_assignments(cmd)
        if assigns is None:
            exact = True  # an assignment that cannot be written back as a plain word
        text = " ".join(cmd.raw.split()) if exact else _prefix(cmd)
        if assigns and not exact:
            text = f"{assigns} {text}"
        rule = f"Bash({text})"
        if rule not in rules:
            rules.append(rule)
        if len(rules) == MAX_RULES:
            break
    return rules


def escape_path(path: str) -> str:
    """Escape gitignore metacharacters so a path rule matches only that literal path."""
    return _GITIGNORE_META.sub(r"\\\1", path)


def suggest_rules(view: CallView, analysis: ShellAnalysis | None, cwd: Path) -> list[str]:
    """The allow rules "always allow" would save for this call; empty when none is offered."""
    if view.tool == "Bash" and analysis is not None and analysis.ok:
        from tui.shell import command_is_read_only

        needs = [i for i in range(len(analysis.commands))
                 if not command_is_read_only(analysis, i)]
        return suggest_bash_rules(analysis, needs)
    if view.tool == "WebFetch" and view.url:
        from tui.permissions.domains import host_of

        host = host_of(view.url)
        return [f"WebFetch(domain:{host})"] if host else []
    if view.tool.startswith("mcp__"):
        return [view.tool]
    if view.tool in ("Read", "Glob", "Grep") and view.paths:
        parent = view.paths[0] if view.tool != "Read" else view.paths[0].parent
        return [f"Read(/{escape_path(str(parent)).lstrip('/')}/**)".replace("(/", "(//", 1)]
    return []


def describe_rule(rule: str) -> str:
    """What an allow rule covers, in words (shown before "always allow" saves it)."""
    match = re.fullmatch(r"(\w[\w-]*)(?:\((.*)\))?", rule.strip(), flags=re.S)
    if not match:
        return "This is not a valid rule."
    tool, spec = match.group(1), match.group(2)
    if spec is None or spec == "*":
        return f"Every {tool} call."
    if tool == "Bash":
        if spec.endswith(":*"):
            spec = spec[:-2] + " *"
        if spec.endswith(" *") and "*" not in spec[:-2]:
            return f"`{spec[:-2]}` alone or followed by any arguments."
        if "*" in spec:
            return f"Commands matching `{spec}`, where * stands for any text."
        return f"Exactly `{spec}`."
    if tool == "WebFetch" and spec.startswith("domain:"):
        host = spec[len("domain:"):]
        if host.startswith("*."):
            return f"Fetching pages from any subdomain of {host[2:]}."
        return f"Fetching pages from {host}."
    if tool in ("Read", "Edit"):
        verb = "Reading" if tool == "Read" else "Editing"
        return f"{verb} files matching {spec}."
    return f"{tool} calls matching {spec}."
