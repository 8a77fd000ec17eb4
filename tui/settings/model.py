"""The settings data model: sources, rules, problems, the merged result.

Shapes follow ``SPEC.md`` §1 (scopes, fail closed) and REF §4 (files, precedence, merging).  Other
modules (the permission engine, ``/permissions``, ``warden check``) build against these names; the
loading itself is :mod:`tui.settings.loader`, reachable here as :func:`load_settings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

#: Where a setting or rule came from, highest precedence first (REF §4.2); "session" holds rules
#: the user approved for this session only (never written to a file).
Scope = Literal["managed", "command line", "local", "project", "user", "session"]
Behavior = Literal["allow", "ask", "deny"]
Severity = Literal["error", "warning"]

#: Every scope, highest precedence first.
SCOPE_ORDER: tuple[Scope, ...] = ("managed", "command line", "local", "project", "user", "session")

_SCOPE_NAMES: dict[str, str] = {
    "managed": "managed settings",
    "command line": "command-line settings",
    "local": "local settings",
    "project": "project settings",
    "user": "user settings",
    "session": "this session",
}


@dataclass(frozen=True)
class SettingsSource:
    """One source of settings: a scope and, for files, the file's absolute path.

    ``path`` is None for command-line flags, inline ``--settings`` JSON and session rules;
    ``origin`` (optional) says which flag, e.g. ``"--allowedTools"``.
    """

    scope: Scope
    path: Path | None
    origin: str | None = None

    @property
    def label(self) -> str:
        """For people: ``"project settings (/abs/.claude/settings.json)"``,
        ``"command line (--allowedTools)"``, ``"this session"``."""
        if self.path is not None:
            return f"{_SCOPE_NAMES[self.scope]} ({self.path})"
        if self.scope == "command line":
            return f"command line ({self.origin})" if self.origin else "command line"
        return _SCOPE_NAMES.get(self.scope, self.scope)


@dataclass(frozen=True)
class RuleEntry:
    """One permission rule as written in one source (REF §2.1).

    ``text`` is the rule exactly as written (``"Bash(git log *)"``); parsing it is the engine's
    job.  ``anchor`` is the directory a ``/path`` pattern in this rule is relative to (REF §2.5):
    project and local files → the project root (cwd); user file → the user config directory;
    ``--settings FILE`` → that file's directory; CLI flags, inline ``--settings`` JSON and session
    rules → cwd; managed → the managed directory.
    """

    behavior: Behavior
    text: str
    source: SettingsSource
    anchor: Path


@dataclass(frozen=True)
class SettingsProblem:
    """Something wrong in a settings source, for the user to fix.

    ``line``/``column`` are 1-based; ``key`` is the dotted JSON path (``permissions.allow[3]``).
    ``code`` classifies it for programs: ``"json"`` (not JSON: the file's grants were dropped),
    ``"schema"`` (a schema violation), ``"rule"`` (a malformed rule was skipped),
    ``"scope"`` (a key that this scope may not set), ``"dropped"`` (grants dropped because of
    the above), ``"mode"``, ``"directory"``, ``"io"``.  ``str(problem)`` gives
    ``"path:line:col: key: message"``, leaving out the parts that are unknown.
    """

    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    key: str | None = None
    severity: Severity = "error"
    code: str = ""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
        parts = [p for p in (where, self.key) if p]
        return ": ".join([*parts, self.message])


@dataclass
class LoadedFile:
    """One settings source after reading, parsing, validating and fail-closed filtering.

    ``data`` is what this source *contributes*: for a good file the parsed object (minus keys its
    scope may not set); for a file with a schema violation the same minus its grants (allow rules,
    ``additionalDirectories``, a permissive ``defaultMode``); for a file that is not JSON only
    the deny/ask rules (and ``disableBypassPermissionsMode``) that could be recovered, or None.
    Policy that spans sources also removes from it: an untrusted project's allow rules and
    directories, and every non-managed rule under ``allowManagedPermissionRulesOnly``.
    ``json_ok`` is False when the text is not plain JSON; ``schema_ok`` is False on any schema
    violation (or a top level that is not an object).
    """

    source: SettingsSource
    data: dict[str, Any] | None
    json_ok: bool
    schema_ok: bool
    problems: list[SettingsProblem]


@dataclass
class Settings:
    """The merged settings of every scope (REF §4.2), with fail-closed filtering applied.

    Attributes:
        rules: every rule of every scope, highest scope first, in file order; de-duplicated on
            (behavior, text, scope).
        default_mode: the start mode (``--permission-mode`` first, then the highest valid
            ``permissions.defaultMode``; ``"manual"`` normalised to ``"default"``), or None.
        default_mode_source: where ``default_mode`` came from.
        additional_directories: absolute paths (``--add-dir`` and
            ``permissions.additionalDirectories``, resolved against each file's anchor) with their
            source, de-duplicated, first source kept.
        disable_bypass: ``permissions.disableBypassPermissionsMode`` is ``"disable"`` in any scope.
        allow_managed_rules_only: managed ``allowManagedPermissionRulesOnly`` is on (only managed
            rules and ``--disallowedTools`` apply).
        merged: the whole merged object (scalars from the highest scope, arrays concatenated and
            de-duplicated, objects merged key by key) for the other keys (``model``, ``sandbox``,
            ``env``, ``hooks``...).  ``permissions.additionalDirectories`` there holds the
            resolved absolute paths.  Values of keys that violated the schema are kept as written,
            so readers must check types.
        files: every source read, highest scope first: the files that exist (or failed to read)
            plus the command-line layers (``--settings``, and ``--allowedTools`` /
            ``--disallowedTools`` as path-less sources).
        problems: every problem, in source order.
    """

    rules: tuple[RuleEntry, ...]
    default_mode: str | None
    default_mode_source: SettingsSource | None
    additional_directories: tuple[tuple[Path, SettingsSource], ...]
    disable_bypass: bool
    allow_managed_rules_only: bool
    merged: dict[str, Any]
    files: tuple[LoadedFile, ...]
    problems: tuple[SettingsProblem, ...]

    def rules_for(self, behavior: Behavior) -> tuple[RuleEntry, ...]:
        """The rules of one behavior, in :attr:`rules` order."""
        return tuple(r for r in self.rules if r.behavior == behavior)


@dataclass(frozen=True)
class CliSettings:
    """The settings-related command-line flags (REF §4.4).

    ``settings`` is ``--settings``: a path to a JSON file (≤ 2 MiB, relative to cwd) or a JSON
    object string (anything starting with ``{``).  ``allowed_tools`` / ``disallowed_tools`` become
    allow / deny rules of the "command line" scope; ``add_dirs`` are extra working directories;
    ``permission_mode`` is the start mode (wins over every ``defaultMode``).
    """

    settings: str | None = None
    allowed_tools: tuple[str, ...] = ()
    disallowed_tools: tuple[str, ...] = ()
    add_dirs: tuple[Path, ...] = ()
    permission_mode: str | None = None


def load_settings(
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    cli: CliSettings | None = None,
    schema: dict[str, Any] | None = None,
    only: Sequence[SettingsSource] | None = None,
    trusted_project: bool = True,
) -> Settings:
    """Load, validate and merge every settings source for a session started in ``cwd``.

    See :func:`tui.settings.loader.load_settings` (this is the same function).
    """
    from tui.settings.loader import load_settings as _load

    return _load(cwd, env=env, cli=cli, schema=schema, only=only, trusted_project=trusted_project)


def split_tool_list(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``--allowedTools`` / ``--disallowedTools`` values as Claude Code splits them.

    Each value may hold several rules separated by commas or spaces, which split only outside
    parentheses: ``"Bash(git log --format=%H,%s),Read"`` gives ``Bash(git log
    --format=%H,%s)`` and ``Read``; ``"Edit Write"`` gives ``Edit`` and ``Write``.  An
    unbalanced parenthesis keeps the rest of the value as one rule (the rule parser then says
    what is wrong with it).  Empty pieces are dropped.  Source: Claude Code's CLI reference
    (``--allowedTools "Bash(git log:*)" "Bash(git diff:*)" "Read"``) and claude-code-action's
    comma-separated ``allowed_tools``.
    """
    out: list[str] = []
    for value in values:
        depth = 0
        current: list[str] = []
        for ch in value:
            if ch == "(":
                depth += 1
            elif ch == ")" and depth:
                depth -= 1
            if depth == 0 and (ch == "," or ch.isspace()):
                piece = "".join(current).strip()
                if piece:
                    out.append(piece)
                current = []
                continue
            current.append(ch)
        piece = "".join(current).strip()
        if piece:
            out.append(piece)
    return tuple(out)
