"""The ``/permissions`` editor's core: what the screen lists, and the edits it writes (UI-free).

REF §4.5: the dialog lists every allow/ask/deny rule with the settings file it came from, adds and
removes rules per scope and shows the working directories; it can be opened during a turn and its
changes apply from the next tool call.  Warden adds edit (replace in place) and move between the
user, project and local files.  Every write goes through :mod:`tui.settings.writer` (atomic, keeps
other keys, refuses managed files and files it cannot parse); managed, command-line and session
rules are shown read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.settings.model import Behavior, RuleEntry, Settings, SettingsProblem
from tui.settings.paths import local_settings_path, project_settings_path, user_settings_path

WritableScope = Literal["local", "project", "user"]
WRITABLE_SCOPES: tuple[WritableScope, ...] = ("local", "project", "user")
"""Scopes the editor writes, in the order the scope selector offers them (local first: it is
personal, like "always allow")."""

SCOPE_HELP: dict[str, str] = {
    "local": "just you, this project (.claude/settings.local.json, git-ignored)",
    "project": "everyone on this project (.claude/settings.json, committed)",
    "user": "you, every project (~/.claude/settings.json)",
}
"""One line per writable scope for the scope selector."""

LOCK = "🔒"


class EditorError(Exception):
    """An edit was refused or failed; the message names the file and says what to do.
    Nothing was written."""


@dataclass(frozen=True)
class RuleRow:
    """One rule as the editor lists it.

    Attributes:
        behavior: the list it is in (``allow``/``ask``/``deny``).
        text: the rule as written.
        scope: ``managed``, ``command line``, ``local``, ``project``, ``user`` or ``session``.
        path: the settings file, or None (flags, inline JSON, session).
        read_only: the editor will not change it; ``why_read_only`` says why, for the user.
        origin: the flag (``--allowedTools``) for command-line rules.
    """

    behavior: Behavior
    text: str
    scope: str
    path: Path | None
    read_only: bool = False
    why_read_only: str | None = None
    origin: str | None = None

    @property
    def key(self) -> str:
        """A stable identity for table rows: behavior, scope, file and text."""
        return f"{self.behavior}\x00{self.scope}\x00{self.path}\x00{self.text}"


@dataclass(frozen=True)
class DirectoryRow:
    """A working directory besides cwd, and where it came from (``--add-dir``, a settings file).

    Attributes:
        path: the directory, absolute (as :func:`tui.settings.loader.resolve_dir` resolves the
            entry against its file's anchor).
        source: where it came from, for people (``--add-dir``, ``project settings (/abs/...)``).
        scope: ``managed``, ``command line``, ``local``, ``project`` or ``user``.
        file: the settings file that lists it, or None (``--add-dir``).
        read_only: the editor will not remove it; ``why_read_only`` says why, for the user.
        origin: the flag (``--add-dir``, ``--settings``) for command-line entries.
    """

    path: Path
    source: str
    scope: str = "command line"
    file: Path | None = None
    read_only: bool = True
    why_read_only: str | None = "set on the command line (--add-dir) for this run"
    origin: str | None = "--add-dir"

    @property
    def key(self) -> str:
        """A stable identity for table rows: scope, file and directory."""
        return f"{self.scope}\x00{self.file}\x00{self.path}"


@dataclass(frozen=True)
class EditorSnapshot:
    """Everything the ``/permissions`` screen shows, at one moment (plain data).

    Attributes:
        rules: every rule, highest scope first, file order within a scope.
        directories: the additional working directories with their source.
        mode: the permission mode in force.
        problems: the settings problems (file, line, column, message), errors first.
        warnings: the policy's warnings about skipped or never-consulted rules.
        managed_only: ``allowManagedPermissionRulesOnly`` is on (other rules do not apply and
            the editor adds none).
        files: the file of each writable scope (may not exist yet).
    """

    rules: tuple[RuleRow, ...]
    directories: tuple[DirectoryRow, ...]
    mode: str
    problems: tuple[SettingsProblem, ...] = ()
    warnings: tuple[str, ...] = ()
    managed_only: bool = False
    files: Mapping[str, Path] = field(default_factory=dict)

    def rules_for(self, behavior: str) -> tuple[RuleRow, ...]:
        """The rules of one tab, in precedence order."""
        return tuple(r for r in self.rules if r.behavior == behavior)


def scope_files(cwd: Path, env: Mapping[str, str] | None = None) -> dict[str, Path]:
    """The file each writable scope writes: ``{"local": ..., "project": ..., "user": ...}``;
    local is at the repository root (:func:`tui.settings.paths.local_settings_path`, REF §1.2)."""
    return {"local": local_settings_path(cwd, env), "project": project_settings_path(cwd),
            "user": user_settings_path(env)}


def _why_read_only(scope: str, origin: str | None) -> str | None:
    if scope == "managed":
        return "managed settings are read-only to Warden; ask your administrator"
    if scope == "command line":
        return (f"set on the command line ({origin}) for this run" if origin
                else "set on the command line for this run")
    if scope == "session":
        return "granted for this session only; it ends when Warden exits"
    return None


def row_of(entry: RuleEntry) -> RuleRow:
    """The :class:`RuleRow` of a settings rule."""
    scope = entry.source.scope
    why = _why_read_only(scope, entry.source.origin)
    if scope == "command line" and entry.source.path is not None:
        why = f"from --settings {entry.source.path}, for this run"
    return RuleRow(entry.behavior, entry.text, scope, entry.source.path, why is not None, why,
                   entry.source.origin)


def build_snapshot(settings: Settings | None, policy: Any, mode: str, *,
                   cwd: Path, env: Mapping[str, str] | None = None,
                   cli_dirs: tuple[Path, ...] = ()) -> EditorSnapshot:
    """The editor's view of a session.

    Args:
        settings: the loaded settings (None before the session has loaded them).
        policy: the live :class:`~tui.permissions.policy.Policy`; its session rules (granted
            "for this session") are listed read-only after the file rules.
        mode: the permission mode in force.
        cwd: the project directory.
        env: environment for the user directory (``WARDEN_CONFIG_DIR``).
        cli_dirs: ``--add-dir`` directories (listed before the settings' ones).
    """
    rows = [row_of(e) for e in settings.rules] if settings is not None else []
    for behavior in ("deny", "ask", "allow"):
        for rule in getattr(policy, behavior, ()):
            if getattr(rule.source, "scope", None) == "session":
                rows.append(RuleRow(behavior, rule.text, "session", None, True,
                                    _why_read_only("session", None)))
    dirs: list[DirectoryRow] = [DirectoryRow(p, "--add-dir") for p in cli_dirs]
    seen = set(cli_dirs)
    if settings is not None:
        for path, source in settings.additional_directories:
            if path not in seen:
                seen.add(path)
                why = _why_read_only(source.scope, source.origin)
                if source.scope == "command line" and source.path is not None:
                    why = f"from --settings {source.path}, for this run"
                dirs.append(DirectoryRow(path, source.label, source.scope, source.path,
                                         why is not None, why, source.origin))
    problems = tuple(sorted(settings.problems, key=lambda p: p.severity != "error")
                     if settings is not None else ())
    return EditorSnapshot(
        rules=tuple(rows), directories=tuple(dirs), mode=mode, problems=problems,
        warnings=tuple(getattr(policy, "warnings", ())),
        managed_only=bool(settings is not None and settings.allow_managed_rules_only),
        files=scope_files(cwd, env),
    )


def check_rule_text(text: str, behavior: str, anchor: Path) -> str | None:
    """Why ``text`` is not a valid ``behavior`` rule, or None when it parses (warnings aside)."""
    from tui.permissions.rules import RuleSyntaxError, parse_rule

    if not text.strip():
        return "Type a rule, e.g. Bash(npm test *) or Read(./.env)."
    if text != text.strip():
        return "A rule may not start or end with spaces."
    try:
        parse_rule(text, behavior, anchor=anchor)
    except RuleSyntaxError as exc:
        return str(exc)
    return None


def _writable(row: RuleRow) -> Path:
    if row.read_only or row.path is None or row.scope not in WRITABLE_SCOPES:
        where = f" ({row.path})" if row.path is not None else ""
        raise EditorError(f"{LOCK} {row.text} comes from {row.scope}{where}: "
                          f"{row.why_read_only or 'read-only'}.")
    return row.path


def _write(action: Any, *args: Any) -> bool:
    from tui.settings.writer import SettingsWriteError

    try:
        return bool(action(*args))
    except SettingsWriteError as exc:
        raise EditorError(str(exc)) from None
    except OSError as exc:
        raise EditorError(f"{args[0]}: {exc.strerror or exc}; nothing was changed") from None


def add(files: Mapping[str, Path], scope: str, behavior: Behavior, text: str,
        anchor: Path) -> Path:
    """Add a rule to the file of ``scope``; returns that file.

    Raises:
        EditorError: ``scope`` is not local/project/user, the rule does not parse, it is there
            already, or the file cannot be written (unparseable, managed, I/O).
    """
    if scope not in WRITABLE_SCOPES:
        raise EditorError(f"Rules are added to local, project or user settings, not {scope}.")
    path = files[scope]
    problem = check_rule_text(text, behavior, anchor)
    if problem is not None:
        raise EditorError(problem)
    from tui.settings.writer import add_rule

    if not _write(add_rule, path, behavior, text):
        raise EditorError(f"{text} is already in {path}.")
    return path


def edit(row: RuleRow, new_text: str, anchor: Path) -> Path:
    """Replace ``row``'s rule with ``new_text`` in its file, at the same position.

    Raises:
        EditorError: the row is read-only, the new rule does not parse, the old rule is no
            longer in the file (changed on disk meanwhile), or the write fails.
    """
    path = _writable(row)
    problem = check_rule_text(new_text, row.behavior, anchor)
    if problem is not None:
        raise EditorError(problem)
    from tui.settings.writer import replace_rule

    if not _write(replace_rule, path, row.behavior, row.text, new_text):
        raise EditorError(f"{row.text} is no longer in {path} (changed on disk?); nothing "
                          "was changed.")
    return path


def delete(row: RuleRow) -> Path:
    """Remove ``row``'s rule from its file.

    Raises:
        EditorError: the row is read-only, the rule is no longer there, or the write fails.
    """
    path = _writable(row)
    from tui.settings.writer import remove_rule

    if not _write(remove_rule, path, row.behavior, row.text):
        raise EditorError(f"{row.text} is no longer in {path} (changed on disk?).")
    return path


def move(row: RuleRow, files: Mapping[str, Path], scope: str) -> Path:
    """Move ``row``'s rule to the file of ``scope`` (added there first, then removed here).

    Raises:
        EditorError: the row is read-only, ``scope`` is not writable or is the row's own, the
            rule is no longer in its file, or a write fails.
    """
    src = _writable(row)
    if scope not in WRITABLE_SCOPES:
        raise EditorError(f"Rules move to local, project or user settings, not {scope}.")
    if scope == row.scope:
        raise EditorError(f"{row.text} is already in {scope} settings.")
    from tui.settings.writer import move_rule

    dst = files[scope]
    if not _write(move_rule, src, dst, row.behavior, row.text):
        raise EditorError(f"{row.text} is no longer in {src} (changed on disk?).")
    return dst


def move_note(row: RuleRow, scope: str) -> str | None:
    """A warning when moving changes what a rule means: a ``/path`` pattern is relative to its
    file's anchor (project and local → the project, user → the user directory; REF §2.5)."""
    import re

    if not re.search(r"\(/(?!/)", row.text):
        return None
    homes = {"local": "project", "project": "project", "user": "user"}
    if homes.get(row.scope) == homes.get(scope):
        return None
    return (f"{row.text} has a /path pattern, which is relative to the settings file's "
            f"anchor: in {scope} settings it points somewhere else. Use // for an absolute "
            "path.")


def display_path(path: Path | None, cwd: Path, home: Path | None = None) -> str:
    """A settings file for the table: ``./.claude/settings.json`` inside the project,
    ``~/...`` under the home directory, else absolute; ``—`` for no file."""
    if path is None:
        return "—"
    home = home if home is not None else Path.home()
    for base, prefix in ((cwd, "."), (home, "~")):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        return f"{prefix}/{rel.as_posix()}"
    return str(path)


def allow_rules_for(call: Any, ctx: Any) -> tuple[tuple[str, ...], str | None]:
    """The rules "allow this next time" would save for a recent call, or why there are none.

    Args:
        call: a :class:`tui.agent.recent.RecentCall`.
        ctx: the live :class:`~tui.permissions.engine.PermissionContext`.

    Returns:
        ``(rules, None)``, or ``((), reason)`` when saving an allow rule cannot help: managed
        policy allows only managed rules, a deny or ask rule decided (they are checked before
        allow rules, REF §2.7), or Warden suggests no rule for this kind of call (edits are
        approved per session, REF §1.2).
    """
    if getattr(ctx.policy, "allow_managed_only", False):
        return (), ("Managed settings allow only managed rules "
                    "(allowManagedPermissionRulesOnly); no rule can be saved.")
    if call.rule is not None:
        tab = "Ask" if call.behavior == "ask" or call.reason.startswith("Asking") else "Deny"
        return (), (f"{call.summary} was decided by the rule {call.rule} ({call.source}); "
                    f"deny and ask rules are checked before allow rules, so an allow rule "
                    f"cannot change that. Edit or delete that rule on the {tab} tab.")
    rules = tuple(call.suggested_rules)
    if not rules:
        from tui.permissions.engine import CallView
        from tui.permissions.suggest import suggest_rules

        view = CallView.from_input(call.tool, call.input, ctx.cwd)
        analysis = None
        if view.command is not None:
            from tui.shell import analyze

            analysis = analyze(view.command, cwd=ctx.cwd, home=ctx.home,
                               working_dirs=ctx.working_dirs)
        rules = tuple(suggest_rules(view, analysis, ctx.cwd))
    if not rules:
        return (), (f"Warden has no rule to suggest for {call.tool} calls like this one "
                    "(edits are approved for the session from their card, or with acceptEdits "
                    "mode); add a rule by hand with a.")
    return rules, None
