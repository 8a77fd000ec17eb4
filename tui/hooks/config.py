"""Hook configuration: the ``hooks`` key of every settings file, read into a :class:`HookSet`.

Source: REF §8.1 (shape, matchers, ``if``, handler types, default timeouts, identical handlers
run once) and §8.5 (``disableAllHooks``, ``allowManagedHooksOnly``).  Warden runs only
``type: "command"`` handlers; every other type, every event Warden does not implement and every
malformed entry becomes a :class:`HookProblem` naming the file and the key (``SPEC.md`` §7: no
key is silently ignored).  Nothing here raises for bad input.

Warden's extension: ``"failClosed": true`` on a handler makes a crash, a timeout or an exit
status other than 0 and 2 deny (or block) instead of letting the action through (REF §12.5).

This module never imports Textual; the permission engine is imported only to evaluate ``if``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tui.settings.model import Settings, SettingsSource

__all__ = [
    "DEFAULT_TIMEOUT_S", "EVENTS", "MATCHER_EVENTS", "TOOL_EVENTS", "HookHandler", "HookProblem",
    "HookSet", "Matcher",
]

EVENTS: tuple[str, ...] = ("PreToolUse", "PermissionRequest", "PostToolUse", "UserPromptSubmit",
                           "Stop", "SessionStart", "ConfigChange")
"""The events Warden fires (REF §8.2 lists more; their hooks are reported and never run)."""

TOOL_EVENTS = frozenset({"PreToolUse", "PermissionRequest", "PostToolUse"})
"""Events about one tool call: the matcher is the tool name, and ``if`` applies (REF §8.1)."""

MATCHER_EVENTS = frozenset({*TOOL_EVENTS, "SessionStart", "ConfigChange"})
"""Events whose matcher filters something: tool name, SessionStart ``source``
(``startup|resume|clear|compact``), ConfigChange ``source``.  For the others
(``UserPromptSubmit``, ``Stop``) a matcher is ignored (REF §8.1)."""

KNOWN_EVENTS = frozenset({
    "Setup", "SessionStart", "SessionEnd", "UserPromptSubmit", "UserPromptExpansion", "Stop",
    "StopFailure", "PreToolUse", "PermissionRequest", "PermissionDenied", "PostToolUse",
    "PostToolUseFailure", "PostToolBatch", "SubagentStart", "SubagentStop", "TaskCreated",
    "TaskCompleted", "Notification", "MessageDisplay", "TeammateIdle", "InstructionsLoaded",
    "ConfigChange", "CwdChanged", "DirectoryAdded", "FileChanged", "WorktreeCreate",
    "WorktreeRemove", "PreCompact", "PostCompact", "Elicitation", "ElicitationResult",
})
"""Every event Claude Code defines (REF §8.2), to tell "not implemented" from "misspelt"."""

DEFAULT_TIMEOUT_S = 600.0
"""A command handler's timeout when none is given, in seconds (REF §8.1)."""
EVENT_TIMEOUTS_S: Mapping[str, float] = {"UserPromptSubmit": 30.0}
"""Per-event default timeouts, in seconds (REF §8.1)."""

_OTHER_TYPES = frozenset({"http", "mcp_tool", "prompt", "agent"})
_HANDLER_KEYS = frozenset({"type", "command", "args", "timeout", "if", "failClosed",
                           "description", "statusMessage", "async", "once"})
_SIMPLE_MATCHER = re.compile(r"[A-Za-z0-9_ ,|-]*")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class HookProblem:
    """Something wrong or unsupported in one file's ``hooks``, for the user to fix.

    Attributes:
        source: the settings source the entry came from.
        key: the dotted JSON path, e.g. ``"hooks.PreToolUse[0].hooks[1].timeout"``.
        message: what is wrong and what Warden does about it.
        severity: ``"error"`` (the entry or part of it is not used) or ``"warning"``.

    ``str(problem)`` gives ``"<source label>: <key>: <message>"``.
    """

    source: SettingsSource
    key: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.source.label}: {self.key}: {self.message}"


@dataclass(frozen=True)
class Matcher:
    """A compiled matcher (REF §8.1).

    ``"*"``, ``""`` or omitted match everything; a text made only of ``[A-Za-z0-9_ ,|-]`` is a
    list of exact names separated by ``|`` or ``,`` (spaces around names ignored); anything else
    is an unanchored regular expression (Python :func:`re.search`; ``Edit.*`` also matches
    ``NotebookEdit``).  An invalid expression matches nothing (``error`` says why).
    """

    text: str
    names: frozenset[str] | None = None
    pattern: re.Pattern[str] | None = None
    error: str | None = None

    @classmethod
    def compile(cls, text: str) -> Matcher:
        """Compile ``text``; never raises (see :attr:`error`)."""
        stripped = text.strip()
        if stripped in ("", "*"):
            return cls(text)
        if _SIMPLE_MATCHER.fullmatch(stripped):
            names = frozenset(n.strip() for n in re.split(r"[|,]", stripped) if n.strip())
            return cls(text, names=names)
        try:
            return cls(text, pattern=re.compile(text))
        except re.error as exc:
            return cls(text, error=f"invalid regular expression ({exc}); it matches nothing")

    @property
    def matches_all(self) -> bool:
        """True for ``"*"``, ``""`` or an omitted matcher."""
        return self.names is None and self.pattern is None and self.error is None

    def matches(self, value: str | None) -> bool:
        """Whether ``value`` (a tool name, a SessionStart or ConfigChange source) matches."""
        if self.error is not None:
            return False
        if self.matches_all:
            return True
        if value is None:
            return False
        if self.names is not None:
            return value in self.names
        assert self.pattern is not None
        return self.pattern.search(value) is not None


@dataclass(frozen=True)
class HookHandler:
    """One ``type: "command"`` handler as configured in one settings file.

    Attributes:
        event: the event name, one of :data:`EVENTS`.
        matcher: the group's compiled matcher.
        command: the shell command, run with ``/bin/sh -c``; with ``args`` the path of the
            program, run with those arguments and no shell parsing of them.
        args: the exec-form arguments (REF §8.1 ``args``), or None.
        timeout: seconds before the process group is killed.
        fail_closed: Warden's ``failClosed``: a crash, timeout or exit status other than 0/2
            denies or blocks.
        if_rule: the ``if`` permission-rule text (tool events only), or None.
        source: the settings file it came from.
        key: its JSON path in that file, e.g. ``"hooks.PreToolUse[0].hooks[1]"``.
        disabled: why it does not run (``disableAllHooks``, ``allowManagedHooksOnly``, ``if`` on
            an event without tools, an invalid matcher), or None when it runs.
    """

    event: str
    matcher: Matcher
    command: str
    timeout: float
    fail_closed: bool
    source: SettingsSource
    key: str
    args: tuple[str, ...] | None = None
    if_rule: str | None = None
    disabled: str | None = None

    @property
    def identity(self) -> tuple[object, ...]:
        """What makes two handlers "identical" (they then run once, REF §8.1): the event, the
        command and its arguments."""
        return (self.event, self.command, self.args)

    @property
    def source_label(self) -> str:
        """``"project settings (/p/.claude/settings.json)"``, for people."""
        return self.source.label


@dataclass
class HookSet:
    """Every configured hook of a session, with what disables them.

    Attributes:
        handlers: every command handler of every file, highest scope first, in file order;
            disabled ones included (see :attr:`HookHandler.disabled`).
        problems: malformed and unsupported entries, in file order.
        disabled_all: why no hook runs at all (managed ``disableAllHooks``), or None.
        disabled_non_managed: why only managed hooks run (``disableAllHooks`` from another
            scope, or ``allowManagedHooksOnly``), or None.
        held_back: one line per repository file whose hooks were held back because the
            workspace is not trusted (the loader already removed them from the data).
    """

    handlers: tuple[HookHandler, ...] = ()
    problems: tuple[HookProblem, ...] = ()
    disabled_all: str | None = None
    disabled_non_managed: str | None = None
    held_back: tuple[str, ...] = ()
    _by_event: dict[str, tuple[HookHandler, ...]] = field(default_factory=dict, repr=False,
                                                          compare=False)

    def __post_init__(self) -> None:
        by_event: dict[str, list[HookHandler]] = {}
        for handler in self.handlers:
            if handler.disabled is None:
                by_event.setdefault(handler.event, []).append(handler)
        self._by_event = {k: tuple(v) for k, v in by_event.items()}

    @classmethod
    def empty(cls) -> HookSet:
        """No hooks at all."""
        return cls()

    @classmethod
    def from_settings(cls, settings: Settings) -> HookSet:
        """Read the ``hooks`` of every file of ``settings`` (a :class:`tui.settings.Settings`).

        ``settings.files`` is read highest scope first, so each handler keeps its own file;
        ``disableAllHooks`` comes from ``settings.merged`` (ordinary precedence) and the scope
        of the highest file that sets it; ``allowManagedHooksOnly`` only from managed files
        (an invalid value counts as true).  Never raises: problems are collected.
        """
        files = [(f.source, f.data) for f in settings.files]
        held = tuple(
            str(p) for f in settings.files for p in f.problems
            if getattr(p, "code", "") == "trust" and "hooks (" in p.message
        )
        return cls.from_files(files, settings.merged, held_back=held)

    @classmethod
    def from_files(cls, files: Iterable[tuple[SettingsSource, Mapping[str, Any] | None]],
                   merged: Mapping[str, Any], *, held_back: tuple[str, ...] = ()) -> HookSet:
        """Build from ``(source, data)`` pairs, highest scope first, and the merged object.

        The same as :meth:`from_settings` for callers without a whole ``Settings``.
        """
        files = list(files)
        problems: list[HookProblem] = []
        disabled_all, disabled_non_managed = _disable_state(files, merged, problems)
        handlers: list[HookHandler] = []
        for source, data in files:
            if not isinstance(data, Mapping) or "hooks" not in data:
                continue
            if disabled_all is not None:
                why = disabled_all
            elif disabled_non_managed is not None and source.scope != "managed":
                why = disabled_non_managed
            else:
                why = None
            for handler in _read_hooks(source, data["hooks"], problems):
                if why is not None and handler.disabled is None:
                    handler = _with_disabled(handler, why)
                handlers.append(handler)
        return cls(tuple(handlers), tuple(problems), disabled_all, disabled_non_managed,
                   held_back)

    def active(self, event: str) -> tuple[HookHandler, ...]:
        """The handlers of ``event`` that run (not disabled), in configuration order."""
        return self._by_event.get(event, ())

    def has(self, event: str) -> bool:
        """True when at least one handler of ``event`` runs."""
        return bool(self._by_event.get(event))

    def matching(self, event: str, value: str | None,
                 if_match: Callable[[str], bool | None] | None = None) -> list[HookHandler]:
        """The running handlers of ``event`` whose matcher accepts ``value`` (tool name or
        source) and whose ``if`` rule ``if_match`` does not reject (None: unknown, so the hook
        runs; without ``if_match`` ``if`` is not evaluated), identical ones once (the first,
        highest scope, is kept; ``failClosed`` if any copy that runs sets it)."""
        out: dict[tuple[object, ...], HookHandler] = {}
        for handler in self.active(event):
            if event in MATCHER_EVENTS and not handler.matcher.matches(value):
                continue
            if (if_match is not None and handler.if_rule is not None
                    and if_match(handler.if_rule) is False):
                continue
            first = out.get(handler.identity)
            if first is None:
                out[handler.identity] = handler
            elif handler.fail_closed and not first.fail_closed:
                out[handler.identity] = _replace(first, fail_closed=True)
        return list(out.values())


def _replace(handler: HookHandler, **changes: Any) -> HookHandler:
    from dataclasses import replace

    return replace(handler, **changes)


def _with_disabled(handler: HookHandler, why: str) -> HookHandler:
    return _replace(handler, disabled=why)


def _disable_state(files: list[tuple[SettingsSource, Mapping[str, Any] | None]],
                   merged: Mapping[str, Any],
                   problems: list[HookProblem]) -> tuple[str | None, str | None]:
    """``(disabled_all, disabled_non_managed)`` from ``disableAllHooks`` and
    ``allowManagedHooksOnly`` (REF §8.5)."""
    disabled_all: str | None = None
    disabled_non_managed: str | None = None
    for source, data in files:
        if not isinstance(data, Mapping) or "disableAllHooks" not in data:
            continue
        value = data["disableAllHooks"]
        if not isinstance(value, bool):
            problems.append(HookProblem(source, "disableAllHooks",
                                        f"must be true or false, not {value!r}; hooks stay on"))
    value = merged.get("disableAllHooks")
    if value is True:
        setter = next((s for s, d in files
                       if isinstance(d, Mapping) and d.get("disableAllHooks") is True), None)
        if setter is not None and setter.scope == "managed":
            disabled_all = f"disableAllHooks is set in {setter.label}"
        else:
            where = setter.label if setter is not None else "the settings"
            disabled_non_managed = (f"disableAllHooks is set in {where}; only managed hooks "
                                    "run")
    for source, data in files:
        if source.scope != "managed" or not isinstance(data, Mapping):
            continue
        if "allowManagedHooksOnly" not in data:
            continue
        value = data["allowManagedHooksOnly"]
        if value is False:
            continue
        if value is not True:
            problems.append(HookProblem(source, "allowManagedHooksOnly",
                                        f"must be true or false, not {value!r}; treated as true"))
        if disabled_non_managed is None:
            disabled_non_managed = (f"allowManagedHooksOnly is set in {source.label}; only "
                                    "managed hooks run")
    return disabled_all, disabled_non_managed


def _read_hooks(source: SettingsSource, hooks: object,
                problems: list[HookProblem]) -> list[HookHandler]:
    """Every command handler of one file's ``hooks`` object; problems appended."""
    def problem(key: str, message: str, severity: Severity = "error") -> None:
        problems.append(HookProblem(source, key, message, severity))

    if not isinstance(hooks, Mapping):
        problem("hooks", f"must be an object of event names, not {_kind(hooks)}; ignored")
        return []
    out: list[HookHandler] = []
    for event, groups in hooks.items():
        key = f"hooks.{event}"
        if event not in EVENTS:
            if event in KNOWN_EVENTS:
                problem(key, f"Warden does not fire {event}; these hooks never run", "warning")
            else:
                problem(key, f"unknown hook event {event!r}; these hooks never run")
            continue
        if not isinstance(groups, list):
            problem(key, f"must be a list of matcher groups, not {_kind(groups)}; ignored")
            continue
        for gi, group in enumerate(groups):
            out += _read_group(source, event, f"{key}[{gi}]", group, problem)
    return out


def _read_group(source: SettingsSource, event: str, key: str, group: object,
                problem: Any) -> list[HookHandler]:
    if not isinstance(group, Mapping):
        problem(key, f"must be an object with \"matcher\" and \"hooks\", not {_kind(group)}; "
                "ignored")
        return []
    raw_matcher = group.get("matcher", "")
    disabled: str | None = None
    if raw_matcher is None:
        raw_matcher = ""
    if not isinstance(raw_matcher, str):
        problem(f"{key}.matcher", f"must be a string, not {_kind(raw_matcher)}; this group's "
                "hooks never run")
        matcher = Matcher(str(raw_matcher), error="not a string")
        disabled = "its matcher is not a string"
    else:
        matcher = Matcher.compile(raw_matcher)
        if matcher.error is not None:
            problem(f"{key}.matcher", f"{raw_matcher!r}: {matcher.error}")
            disabled = f"its matcher is invalid: {matcher.error}"
        elif event not in MATCHER_EVENTS and not matcher.matches_all:
            problem(f"{key}.matcher", f"{event} has no matcher; {raw_matcher!r} is ignored and "
                    "the hooks run for every event", "warning")
            matcher = Matcher("")
    handlers = group.get("hooks")
    if not isinstance(handlers, list):
        problem(f"{key}.hooks", f"must be a list of handlers, not {_kind(handlers)}; ignored")
        return []
    extra = sorted(k for k in group if k not in ("matcher", "hooks") and not k.startswith("_"))
    for name in extra:
        problem(f"{key}.{name}", "unknown key; ignored", "warning")
    out: list[HookHandler] = []
    for hi, raw in enumerate(handlers):
        handler = _read_handler(source, event, f"{key}.hooks[{hi}]", raw, matcher, problem)
        if handler is not None:
            if disabled is not None and handler.disabled is None:
                handler = _with_disabled(handler, disabled)
            out.append(handler)
    return out


def _read_handler(source: SettingsSource, event: str, key: str, raw: object, matcher: Matcher,
                  problem: Any) -> HookHandler | None:
    """One handler, or None when it cannot run (the problem says why)."""
    if not isinstance(raw, Mapping):
        problem(key, f"must be an object, not {_kind(raw)}; ignored")
        return None
    kind = raw.get("type")
    if kind != "command":
        if kind in _OTHER_TYPES:
            problem(f"{key}.type", f"{kind!r} hooks are not supported by Warden (only "
                    "\"command\"); this hook never runs")
        elif kind is None:
            problem(f"{key}.type", "missing; Warden runs only \"command\" hooks; ignored")
        else:
            problem(f"{key}.type", f"unknown hook type {kind!r}; ignored")
        return None
    command = raw.get("command")
    if not isinstance(command, str) or not command.strip():
        problem(f"{key}.command", f"must be a non-empty string, not {_kind(command)}; ignored")
        return None
    args: tuple[str, ...] | None = None
    if "args" in raw:
        value = raw["args"]
        if isinstance(value, list) and all(isinstance(a, str) for a in value):
            args = tuple(value)
        else:
            problem(f"{key}.args", "must be a list of strings; ignored")
            return None
    timeout = EVENT_TIMEOUTS_S.get(event, DEFAULT_TIMEOUT_S)
    if "timeout" in raw:
        value = raw["timeout"]
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            timeout = float(value)
        else:
            problem(f"{key}.timeout", f"must be a positive number of seconds, not {value!r}; "
                    f"{timeout:g} s is used")
    fail_closed = False
    if "failClosed" in raw:
        value = raw["failClosed"]
        if isinstance(value, bool):
            fail_closed = value
        else:
            problem(f"{key}.failClosed", f"must be true or false, not {value!r}; treated as "
                    "true")
            fail_closed = True
    if_rule: str | None = None
    disabled: str | None = None
    if "if" in raw:
        value = raw["if"]
        if not isinstance(value, str) or not value.strip():
            problem(f"{key}.if", "must be one permission rule such as \"Bash(git *)\"; the "
                    "condition is ignored and the hook runs for every matching call")
        elif event not in TOOL_EVENTS:
            problem(f"{key}.if", f"\"if\" applies only to tool events; on {event} this hook "
                    "never runs", "warning")
            disabled = "\"if\" on an event without tool calls"
            if_rule = value
        else:
            if_rule = value
    if raw.get("async") is True:
        problem(f"{key}.async", "Warden runs every hook synchronously and honours its "
                "decision", "warning")
    if "once" in raw:
        problem(f"{key}.once", "applies only to skill hooks; ignored", "warning")
    for name in sorted(k for k in raw if k not in _HANDLER_KEYS):
        problem(f"{key}.{name}", "unknown key; ignored", "warning")
    return HookHandler(event, matcher, command, timeout, fail_closed, source, key, args,
                       if_rule, disabled)


def _kind(value: object) -> str:
    """``"a list"``, ``"a number"``... for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
