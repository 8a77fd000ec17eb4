"""Permission rules: the ``Tool`` / ``Tool(specifier)`` grammar, Bash and parameter matching.

Source: REF §2.1 (shape, tool-name globs, specifier families), §2.2 (parameter rules), §2.3 (Bash
wildcards); ``SPEC.md`` §3.  Path patterns live in :mod:`tui.permissions.paths`, WebFetch domains
in :mod:`tui.permissions.domains`.

Everything here is a pure function.  Where the reference is silent the code errs on the side that
makes deny and ask rules match *more* and allow rules match *less*; each such choice says so.

Escapes inside the parentheses: ``\\(``, ``\\)`` and ``\\\\`` stand for ``(``, ``)`` and ``\\`` (the
form Claude Code writes when it saves a command containing parentheses).  Unescaped parentheses
are fine as long as they balance (``Edit(./Finance (2024)/**)``).  Path specifiers keep their
backslashes: gitignore syntax gives them their meaning (:mod:`tui.permissions.paths`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from tui.glob import star_match  # re-exported: its home is tui.glob

__all__ = [
    "BASH_PARAM_FIELDS",
    "AGENT_PARAM_FIELDS",
    "KNOWN_TOOLS",
    "PATH_TOOLS",
    "PRIMARY_FIELDS",
    "UNCONSULTED_PATH_TOOLS",
    "Rule",
    "RuleKind",
    "RuleSyntaxError",
    "bash_matches",
    "leading_assignments",
    "param_matches",
    "parse_rule",
    "star_match",
]


class RuleSyntaxError(ValueError):
    """A permission rule that cannot be used.  The message says what is wrong and how to write it.

    The settings loader skips such a rule with a warning naming it (``SPEC.md`` §1); the rest of
    its file still applies.
    """


RuleKind = Literal["tool", "bash", "path", "domain", "mcp", "param", "specifier"]
Behavior = Literal["allow", "ask", "deny"]

PRIMARY_FIELDS: frozenset[str] = frozenset({"command", "file_path", "path", "notebook_path", "url"})
"""A tool's primary content fields; parameter rules on them are rejected (REF §2.2: a compound
command or another spelling of the path would bypass them)."""

BASH_PARAM_FIELDS: frozenset[str] = frozenset(
    {"run_in_background", "dangerouslyDisableSandbox", "timeout", "description"}
)
"""Bash input fields a ``Bash(name:value)`` parameter rule may name (``SPEC.md`` §2)."""

AGENT_PARAM_FIELDS: frozenset[str] = frozenset(
    {"model", "isolation", "subagent_type", "run_in_background", "description", "prompt",
     "name", "mode"}
)
"""Agent input fields an ``Agent(name:value)`` parameter rule may name (REF §2.2 examples).
Any other ``Agent(x:y)`` is an agent name such as a plugin agent ``plugin:agent``."""

PATH_TOOLS: frozenset[str] = frozenset(
    {"Read", "Edit", "Write", "Glob", "Grep", "NotebookEdit", "MultiEdit", "LSP", "Cd"}
)
"""Tools whose specifier is a gitignore-style path pattern (REF §2.1, §2.5, §2.6 ``Cd``)."""

UNCONSULTED_PATH_TOOLS: frozenset[str] = frozenset(
    {"Write", "Glob", "NotebookEdit", "MultiEdit", "Grep"}
)
"""Path rules that are parsed but never consulted: only ``Read(...)`` and ``Edit(...)`` path
rules are (REF §2.1).  ``Grep(...)`` is not in REF's list, but Claude Code ignores it too, without
a warning; Warden warns."""

KNOWN_TOOLS: frozenset[str] = frozenset(
    {
        # REF §1.1
        "Read", "Glob", "Grep", "LSP", "Edit", "Write", "NotebookEdit", "MultiEdit", "Bash",
        "PowerShell", "Monitor", "WebFetch", "WebSearch", "Skill", "ExitPlanMode",
        "EnterWorktree", "Workflow", "Artifact", "ShareOnboardingGuide", "Agent", "Task",
        "AskUserQuestion", "EnterPlanMode", "ExitWorktree", "TaskCreate", "TaskGet", "TaskList",
        "TaskUpdate", "TaskStop", "TaskOutput", "TodoWrite", "CronCreate", "CronDelete",
        "CronList", "SendMessage", "ToolSearch", "ListMcpResourcesTool", "ReadMcpResourceTool",
        "EndConversation", "Cd",
        # older names still found in settings files
        "LS", "NotebookRead", "BashOutput", "KillShell", "SlashCommand", "MCPSearch",
    }
)
"""Tool names Warden recognises in rules; another name (without ``_`` or ``*``) gets a warning
(REF §2.1: "a deny/ask rule naming an unknown tool gives a startup warning")."""

TOOL_ALIASES: Mapping[str, str] = {"Task": "Agent"}
"""Old names that rules may still use (REF §1.1: ``Task(...)`` is an alias of ``Agent(...)``)."""

_BEHAVIORS: tuple[str, ...] = get_args(Behavior)
_NAME_RE = re.compile(r"[A-Za-z_*][A-Za-z0-9_*\-]*")
_PARAM_RE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*", re.DOTALL)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def canonical_tool(name: str) -> str:
    """The canonical tool name for ``name`` (``Task`` → ``Agent``); other names unchanged."""
    return TOOL_ALIASES.get(name, name)


@dataclass(frozen=True)
class Rule:
    """One parsed permission rule (REF §2.1).

    Attributes:
        text: the rule as written in the settings file.
        behavior: ``"allow"``, ``"ask"`` or ``"deny"``.
        tool: the canonical tool-name part (``Task`` is stored as ``Agent``); for deny and ask
            rules it may be a full-name glob (``"*"``, ``"mcp__*"``), for allow rules only a glob
            after a literal ``mcp__<server>__`` prefix.
        specifier: the text inside the parentheses, ``None`` for a bare name and for
            ``Tool(*)``.  Parenthesis escapes are removed (except in path patterns, where
            gitignore gives backslashes their meaning).  For deny/ask Bash rules, whitespace is
            normalised (see :func:`parse_rule`).
        kind: ``"tool"`` (bare name or name glob), ``"bash"``, ``"path"``, ``"domain"``,
            ``"mcp"``, ``"param"`` (``name:value``, deny/ask only) or ``"specifier"`` (an exact or
            glob string the engine compares with the tool's primary field).
        anchor: the directory ``/path`` patterns are relative to (the settings source, REF §2.5).
        source: opaque (a ``SettingsSource``), carried through for explanations.
        warnings: sentences for the user about a rule that parsed but may not do what its
            author meant (for example a ``Write(...)`` path rule, which is never consulted).
    """

    text: str
    behavior: Behavior
    tool: str
    specifier: str | None
    kind: RuleKind
    anchor: Path
    source: object = None
    warnings: tuple[str, ...] = ()

    def matches_tool(self, tool_name: str) -> bool:
        """True when this rule's tool part names ``tool_name`` (REF §2.1, §2.6).

        ``mcp__server`` covers every tool of that server (``mcp__server__<anything>``); a name
        with ``*`` is a glob that must match the whole name, ``*`` matching any characters;
        ``Task`` and ``Agent`` are the same tool.  Case-sensitive, never raises.
        """
        name = canonical_tool(tool_name)
        pattern = self.tool
        if "*" in pattern:
            return star_match(pattern, name)
        if pattern.startswith("mcp__") and "__" not in pattern[5:]:
            if name == pattern:
                return True
            if not name.startswith(pattern + "__"):
                return False
            # Whole segments (issue 9, family 10): mcp__github covers the server "github", not
            # "github_", whose tools are named mcp__github___tool.  That name could also be
            # github's tool "_tool": an allow rule does not match it, deny and ask rules do.
            rest = name[len(pattern) + 2:]
            return bool(rest) and (self.behavior != "allow" or not rest.startswith("_"))
        return name == pattern


# -- wildcard matching ------------------------------------------------------------------------


def bash_matches(specifier: str, command: str) -> bool:
    """True when one simple command's text matches a ``Bash(...)`` specifier (REF §2.3).

    Args:
        specifier: the rule's specifier, e.g. ``"npm run *"``, ``"git * main"``, ``"ls:*"``.
        command: ONE simple command (the caller splits compounds and strips wrappers and env
            prefixes), words separated by single spaces.

    Semantics: ``*`` matches any characters including spaces and ``/``; a trailing ``" *"`` is a
    word boundary (``"ls *"`` matches ``ls`` and ``ls -la``, not ``lsof``); a trailing ``":*"``
    is the legacy spelling of ``" *"`` and is special only at the very end (``"git:* push"``
    has a literal colon); no ``*`` means the whole command must be equal.  There is no escape for
    a literal ``*`` (as in Claude Code).  Case-sensitive.  Never raises.
    """
    if not isinstance(specifier, str) or not isinstance(command, str):
        return False
    if specifier.endswith(":*"):
        prefix = specifier[:-2]
    elif specifier.endswith(" *"):
        prefix = specifier[:-2]
    else:
        return star_match(specifier, command)
    # prefix followed by a space or the end of the command
    return star_match(prefix, command) or star_match(prefix + " *", command)


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@functools.lru_cache(maxsize=1024)
def leading_assignments(specifier: str) -> tuple[str, ...]:
    """The variable names a ``Bash(...)`` specifier assigns before its command, in order.

    ``"NODE_ENV=test npm test"`` gives ``("NODE_ENV",)``; ``'FOO=1 BAR="a b" make *'`` gives
    ``("FOO", "BAR")``; ``"npm test"``, ``"*"`` and ``"*=1 make"`` give ``()``.  Words are split
    on spaces outside single and double quotes; a word is an assignment when it starts with
    ``NAME=`` (a shell identifier, no wildcard in it).

    An allow rule that begins with an assignment matches the command as written, assignments
    included, and only approves an assignment of a variable outside the safe list
    (:data:`tui.shell.data.SAFE_ENV_VARS`) when it names that variable here (REF §2.3).
    """
    names: list[str] = []
    word: list[str] = []
    quote = ""
    for ch in [*specifier, " "]:
        if quote:
            word.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
            word.append(ch)
        elif ch == " ":
            if word:
                match = _ASSIGNMENT.match("".join(word))
                if match is None:
                    break
                names.append(match.group()[:-1])
                word = []
        else:
            word.append(ch)
    return tuple(names)


# -- parameter rules ----------------------------------------------------------------------------

_LAX_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_LAX_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


def _lax_bool(value: object) -> bool | None:
    """The boolean a lenient validator (pydantic's lax mode) would read ``value`` as, or None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _LAX_TRUE:
            return True
        if word in _LAX_FALSE:
            return False
    return None


def _param_texts(value: object) -> list[str]:
    """The texts a parameter value is compared as (JSON text for non-strings)."""
    if isinstance(value, str):
        return [value, value.strip()]
    if value is None or isinstance(value, bool | int):
        return [json.dumps(value)]
    if isinstance(value, float):
        texts = [json.dumps(value)]
        if value.is_integer():
            texts.append(str(int(value)))
        return texts
    try:
        return [json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)]
    except (TypeError, ValueError):
        return [repr(value)]


def split_param(specifier: str) -> tuple[str, str] | None:
    """``"name : value"`` → ``("name", "value")``; ``None`` when it is not ``name:value``."""
    match = _PARAM_RE.fullmatch(specifier)
    if match is None:
        return None
    return match.group(1), match.group(2)


def param_matches(specifier: str, tool_input: Mapping[str, object]) -> bool:
    """True when a ``name:value`` parameter rule matches a call's input (REF §2.2).

    Args:
        specifier: ``"name:value"``; whitespace around ``:`` is ignored; ``*`` in the value
            matches any characters.
        tool_input: the call's raw input as the model sent it.

    Only the top-level field ``name`` is looked at; a call without it never matches.  Booleans,
    numbers and ``null`` compare by their JSON text (``true``, ``600000``, ``null``); objects and
    arrays by their compact JSON text.  Parameter rules exist only in deny and ask lists, so the
    comparison errs towards matching: it ignores case and surrounding whitespace, and a value of
    ``true``/``false`` also matches the spellings a lenient validator would coerce to that
    boolean (``1``, ``"yes"``, ``"True"``...).  Never raises.
    """
    if not isinstance(specifier, str) or not isinstance(tool_input, Mapping):
        return False
    parts = split_param(specifier)
    if parts is None:
        return False
    name, wanted = parts
    if name not in tool_input:
        return False
    value = tool_input[name]
    wanted_low = wanted.lower()
    if wanted_low in ("true", "false") and _lax_bool(value) is (wanted_low == "true"):
        return True
    return any(star_match(wanted_low, text.lower()) for text in _param_texts(value))


# -- parsing ------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """Remove the rule-level escapes ``\\(``, ``\\)`` and ``\\\\`` (one left-to-right pass)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "()\\":
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _check_balance(text: str, spec: str) -> None:
    """Raise unless the unescaped parentheses in ``spec`` balance."""
    depth = 0
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                break
        i += 1
    if depth != 0:
        raise RuleSyntaxError(
            f"unbalanced parentheses in {text!r}: write Tool(specifier) with one closing ')' "
            "at the very end; escape a lone parenthesis inside the specifier as \\( or \\)"
        )


def _split_text(text: str) -> tuple[str, str | None]:
    """``"Tool(spec)"`` → ``("Tool", "spec")``; ``"Tool"`` → ``("Tool", None)``."""
    open_at = text.find("(")
    if open_at < 0:
        if ")" in text:
            raise RuleSyntaxError(
                f"unbalanced parentheses in {text!r}: a ')' without '('; write Tool or "
                "Tool(specifier)"
            )
        return text, None
    if not text.endswith(")"):
        raise RuleSyntaxError(
            f"unbalanced parentheses in {text!r}: the rule must end with ')' (write "
            "Tool(specifier), nothing after the closing parenthesis)"
        )
    spec = text[open_at + 1 : -1]
    _check_balance(text, spec)
    return text[:open_at], spec


def _check_name(text: str, name: str) -> None:
    if not name:
        raise RuleSyntaxError(
            f"{text!r} has no tool name: write Tool or Tool(specifier), e.g. Bash(npm test)"
        )
    if name != name.strip():
        raise RuleSyntaxError(
            f"{text!r}: no space is allowed between the tool name and '(' "
            f"(write {name.strip()}(...))"
        )
    if _NAME_RE.fullmatch(name) is None:
        raise RuleSyntaxError(
            f"{text!r}: {name!r} is not a tool name (letters, digits, '_', '-' and, in deny and "
            "ask rules, '*'); write Tool or Tool(specifier), e.g. WebSearch or Bash(ls *)"
        )


def _mcp_server(name: str) -> str:
    """The server segment of an ``mcp__server[__tool]`` name."""
    rest = name[5:]
    return rest.split("__", 1)[0]


def _check_mcp_name(text: str, name: str, behavior: str) -> None:
    server = _mcp_server(name)
    if not server:
        raise RuleSyntaxError(
            f"{text!r}: an MCP rule needs a server name: write mcp__<server> or "
            "mcp__<server>__<tool>"
        )
    if behavior == "allow" and "*" in server:
        raise RuleSyntaxError(
            f"{text!r}: an allow rule may use '*' only after a literal mcp__<server>__ prefix "
            "(an unanchored allow glob approves nothing); write e.g. mcp__github__get_* or "
            "mcp__github"
        )


def _check_name_glob(text: str, name: str, behavior: str) -> None:
    """Tool-name globs: any full-name glob in deny/ask; in allow only ``mcp__<server>__...*``."""
    if behavior != "allow":
        return
    if name.startswith("mcp__"):
        server = _mcp_server(name)
        rest = name[5 + len(server):]
        if server and "*" not in server and rest.startswith("__"):
            return
    raise RuleSyntaxError(
        f"{text!r}: an unanchored allow glob approves nothing; allow rules accept '*' in the tool "
        "name only after a literal mcp__<server>__ prefix (e.g. mcp__github__get_*). Name the "
        "tools to allow, or use this glob in a deny or ask rule"
    )


def _param_rule_error(text: str, tool: str, name: str) -> RuleSyntaxError:
    hint = ""
    if tool == "Bash" and name == "timeout":
        hint = " To allow the timeout command itself, write Bash(timeout *)."
    return RuleSyntaxError(
        f"{text!r}: parameter rules ({name}:value) are only allowed in deny and ask lists, "
        f"because one safe parameter does not make a call safe.{hint}"
    )


def _primary_field_error(text: str, tool: str, name: str) -> RuleSyntaxError:
    if tool == "Bash":
        how = "write a command rule such as Bash(rm *)"
    elif tool == "WebFetch":
        how = "write WebFetch(domain:example.com)"
    else:
        how = f"write a path rule such as {tool}(src/**)"
    return RuleSyntaxError(
        f"{text!r}: a parameter rule on the primary field {name!r} is ignored, because another "
        f"spelling of the same call (a compound command, another path form) would bypass it; "
        f"{how}"
    )


def _normalise_bash_spaces(spec: str) -> str:
    """Collapse whitespace runs outside shell quotes to one space and trim both ends."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(spec):
        ch = spec[i]
        if quote:
            out.append(ch)
            if ch == "\\" and quote == '"' and i + 1 < len(spec):
                out.append(spec[i + 1])
                i += 1
            elif ch == quote:
                quote = ""
        elif ch == "\\" and i + 1 < len(spec):
            out.append(spec[i : i + 2])
            i += 1
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
        i += 1
    text = "".join(out).strip()
    if text.endswith(":*"):
        text = text[:-2].rstrip() + ":*"
    return text


def _bash_rule(text: str, behavior: str, spec: str, warnings: list[str]) -> str:
    """Check and (for deny/ask) normalise a Bash command pattern; returns the specifier.

    Commands reach :func:`bash_matches` with single spaces between words and none at either
    end, so extra whitespace outside quotes in a pattern can never match.  A deny/ask rule is
    matched as if written with single spaces (match more); an allow rule is kept as written and
    gets a warning (match less).
    """
    spec = _unescape(spec)
    normal = _normalise_bash_spaces(spec)
    if normal != spec:
        if behavior == "allow":
            warnings.append(
                "commands are compared with words separated by single spaces, so the extra "
                "whitespace in this allow rule stops it from matching what it seems to"
            )
        else:
            warnings.append(
                f"whitespace normalised: this {behavior} rule is matched as Bash({normal})"
            )
            spec = normal
    body = spec[:-2] if spec.endswith(":*") else spec
    if ":*" in body:
        warnings.append(
            "':*' is special only at the very end of a Bash rule; here the colon is literal "
            "(write ' *' for a wildcard after a word)"
        )
    return spec


def _path_rule(text: str, tool: str, behavior: str, spec: str, warnings: list[str]) -> None:
    """Check a path pattern; adds warnings, raises for patterns that cannot be resolved."""
    from tui.permissions.paths import pattern_problem

    if tool in UNCONSULTED_PATH_TOOLS:
        replacement = "Read" if tool in ("Glob", "Grep") else "Edit"
        warnings.append(
            f"{tool}(...) path rules are never consulted; use {replacement}({spec}) instead "
            f"({replacement} rules cover every {'reading' if replacement == 'Read' else 'editing'}"
            " tool)"
        )
    if spec.lstrip().startswith("!"):
        warnings.append(
            "'!' negation is not supported: the pattern is read as a literal path starting "
            "with '!' and carves nothing out of other rules"
        )
    if spec != spec.strip() or re.search(r"\s/|/\s", spec):
        if behavior == "allow":
            warnings.append("whitespace around the path or a '/' is part of the pattern")
        else:
            warnings.append(
                "whitespace around the path or a '/' is part of the pattern; this "
                f"{behavior} rule is also matched with that whitespace removed"
            )
    problem = pattern_problem(spec)
    if problem is not None:
        if problem.startswith("cannot"):
            raise RuleSyntaxError(f"{text!r}: {problem}")
        if behavior == "allow":
            warnings.append(f"{problem}; this allow rule approves nothing")
        else:
            warnings.append(f"{problem}; this {behavior} rule guards only the literal path")


def _domain_rule(text: str, behavior: str, spec: str, warnings: list[str]) -> str:
    from tui.permissions.domains import domain_pattern_problem, host_of

    head, sep, value = spec.partition(":")
    if not sep or head.strip() != "domain":
        raise RuleSyntaxError(
            f"{text!r}: WebFetch rules take a domain: write WebFetch(domain:example.com), "
            "WebFetch(domain:*.example.com) or bare WebFetch for every fetch"
        )
    value = value.strip()
    problem = domain_pattern_problem(value)
    if problem is None:
        return "domain:" + value
    host = host_of(value) if "://" in value else None
    if host is not None and behavior != "allow":
        warnings.append(f"a URL is not a domain; this {behavior} rule is matched as "
                        f"WebFetch(domain:{host})")
        return "domain:" + host
    raise RuleSyntaxError(f"{text!r}: {problem}; write e.g. WebFetch(domain:example.com)")


def parse_rule(text: str, behavior: str, *, anchor: Path, source: object = None) -> Rule:
    """Parse one permission rule as written in a settings file (REF §2.1–§2.6).

    Args:
        text: e.g. ``"Bash(npm run *)"``, ``"Read(./.env)"``, ``"mcp__github"``.
        behavior: ``"allow"``, ``"ask"`` or ``"deny"`` (the list the rule is in).
        anchor: the directory ``/path`` patterns are relative to (REF §2.5: project settings →
            project root; local → original cwd; user → the user config dir; ``--settings FILE``
            → that file's directory; CLI flags and session rules → original cwd).
        source: opaque, carried into :attr:`Rule.source`.

    Returns:
        A :class:`Rule`.  Kinds: bare names and ``Tool(*)`` → ``"tool"`` (``"mcp"`` for MCP
        names); ``Bash(...)``/``Monitor(...)`` → ``"bash"``, or ``"param"`` for
        ``Bash(<field>:<value>)`` on a Bash field other than ``command``; ``Read``/``Edit`` (and
        the never-consulted ``Write``/``Glob``/``Grep``/``NotebookEdit``/``MultiEdit``, with a
        warning), ``LSP`` and ``Cd`` → ``"path"``; ``WebFetch(domain:...)`` → ``"domain"``;
        ``mcp__...`` → ``"mcp"`` (``"param"`` for ``name:value``); ``Agent``/``Task`` with a
        known field → ``"param"``; any other ``Tool(x)`` → ``"specifier"``.

    Raises:
        RuleSyntaxError: empty text; a newline or control character; unbalanced or empty
            parentheses; something that is not a tool name; a tool-name glob in an allow rule
            that is not anchored after ``mcp__<server>__``, or with a specifier; a parameter
            rule in an allow list or on a primary field (``command``, ``file_path``, ``path``,
            ``notebook_path``, ``url``); ``WebSearch(...)``; ``WebFetch(...)`` without
            ``domain:`` or with an unusable domain; an MCP rule with a specifier that is not
            ``*`` or ``name:value``; a path pattern with ``..`` after ``**``.

    Normalisations that make deny/ask rules match more (each adds a warning): a Bash specifier's
    whitespace is collapsed (``"curl :* "`` → ``"curl:*"``); a URL in ``WebFetch(domain:...)``
    is reduced to its host.  The same forms in an allow rule are kept as written (and warned
    about), or rejected.
    """
    if behavior not in _BEHAVIORS:
        raise RuleSyntaxError(
            f"unknown rule list {behavior!r}: rules go in permissions.allow, ask or deny"
        )
    if not isinstance(text, str):
        raise RuleSyntaxError(
            f"a rule must be a string such as \"Bash(npm test)\", not {type(text).__name__}"
        )
    if "\n" in text or "\r" in text:
        raise RuleSyntaxError(
            f"{text!r} contains a line break; a rule is one line: Tool or Tool(specifier)"
        )
    if _CONTROL_RE.search(text):
        raise RuleSyntaxError(f"{text!r} contains a control character; remove it")
    stripped = text.strip()
    if not stripped:
        raise RuleSyntaxError(
            "empty rule: write a tool name, e.g. \"WebSearch\", or Tool(specifier), e.g. "
            "\"Bash(npm test)\""
        )
    warnings: list[str] = []
    if stripped != text:
        warnings.append("leading or trailing whitespace around the rule is ignored")
    name, spec = _split_text(stripped)
    _check_name(stripped, name)
    if spec is not None and not spec.strip():
        raise RuleSyntaxError(
            f"{stripped!r} has empty parentheses: write {name} for every use of the tool, or "
            f"put a specifier inside, e.g. {name}(...)"
        )
    if spec == "*" or (spec is not None and behavior != "allow" and spec.strip() == "*"):
        spec = None  # Tool(*) is the bare name (REF §2.1); " * " only where it matches more

    def make(kind: RuleKind, specifier: str | None, tool: str = name) -> Rule:
        return Rule(text=text, behavior=behavior, tool=tool, specifier=specifier,  # type: ignore[arg-type]
                    kind=kind, anchor=anchor, source=source, warnings=tuple(warnings))

    if "*" in name:
        _check_name_glob(stripped, name, behavior)
        if name.startswith("mcp__"):
            _check_mcp_name(stripped, name, behavior)
        if spec is not None:
            raise RuleSyntaxError(
                f"{stripped!r}: a tool-name glob takes no specifier; write {name} alone, or "
                "name the tool"
            )
        return make("mcp" if name.startswith("mcp__") else "tool", None)

    tool = canonical_tool(name)
    if "_" not in tool and tool not in KNOWN_TOOLS:
        warnings.append(f"{tool!r} is not a tool Warden knows; check the spelling")

    if tool.startswith("mcp__"):
        _check_mcp_name(stripped, tool, behavior)
        if spec is None:
            return make("mcp", None, tool)
        param = split_param(spec)
        if param is not None:
            if param[0] in PRIMARY_FIELDS:
                raise _primary_field_error(stripped, tool, param[0])
            if behavior == "allow":
                raise _param_rule_error(stripped, tool, param[0])
            return make("param", f"{param[0]}:{param[1]}", tool)
        raise RuleSyntaxError(
            f"{stripped!r}: MCP rules take no specifier; write {tool} (or a parameter rule "
            "name:value in a deny or ask list)"
        )

    if spec is None:
        return make("tool", None, tool)

    if tool == "WebSearch":
        raise RuleSyntaxError(
            f"{stripped!r}: WebSearch takes no specifier; write WebSearch"
        )

    param = split_param(spec)
    if param is not None and param[0] in PRIMARY_FIELDS and tool != "WebFetch":
        raise _primary_field_error(stripped, tool, param[0])

    if tool in ("Bash", "Monitor"):
        # "NAME:*" is the legacy prefix form (REF §2.3), also for NAME = timeout: the
        # timeout command, as in Claude Code (issue 11)
        legacy_prefix = spec.rstrip().endswith(":*")
        if tool == "Bash" and param is not None and param[0] in BASH_PARAM_FIELDS \
                and not legacy_prefix:
            if behavior == "allow":
                raise _param_rule_error(stripped, tool, param[0])
            if param[0] == "timeout":
                warnings.append(
                    "read as a parameter rule on the Bash 'timeout' field; to match the "
                    "timeout command write Bash(timeout *)"
                )
            return make("param", f"{param[0]}:{param[1]}", tool)
        return make("bash", _bash_rule(stripped, behavior, spec, warnings), tool)

    if tool in PATH_TOOLS:
        _path_rule(stripped, tool, behavior, spec, warnings)
        return make("path", spec, tool)

    if tool == "WebFetch":
        return make("domain", _domain_rule(stripped, behavior, spec, warnings), tool)

    if tool == "Agent" and param is not None and param[0] in AGENT_PARAM_FIELDS:
        if behavior == "allow":
            raise _param_rule_error(stripped, tool, param[0])
        return make("param", f"{param[0]}:{param[1]}", tool)

    return make("specifier", _unescape(spec), tool)
