"""Loading settings: read every source, validate, fail closed, merge (``SPEC.md`` §1, REF §4).

The pipeline, per source (highest scope first: managed files, ``--settings``, ``--allowedTools``,
``--disallowedTools``, local, project, user):

1. read the text (a ``--settings`` file must be a regular file of at most 2 MiB);
2. parse it as plain JSON.  If that fails, the file contributes only what restricts: its deny and
   ask rules and ``disableBypassPermissionsMode``, recovered by a lenient re-parse (comments and
   trailing commas stripped; both sides of a merge conflict) or, failing that, by finding each
   well-formed ``"deny": [...]`` list.  The error names path, line, column and the fix;
3. validate against the schema; on any violation the file's grants (allow rules,
   ``additionalDirectories``, a permissive ``defaultMode``) are dropped, with warnings naming the
   line and key of each violation; its deny/ask rules still apply and unknown keys are kept;
4. drop keys the scope may not set (managed-only keys, REF §4.3);
5. merge: scalars from the highest scope, arrays concatenated and de-duplicated, objects key by
   key (REF §4.2); managed files merge among themselves with the later file winning.

Nothing here raises for a bad file: every problem becomes a :class:`SettingsProblem`.
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.modes import (
    ALIASES,
    MODES,
    PERMISSIVE_MODES,
    UNIMPLEMENTED_MODES,
)
from tui.settings.jsontext import (
    JsonPath,
    NonJsonConstant,
    PositionMap,
    conflict_sides,
    explain_decode_error,
    find_outside_strings,
    format_path,
    lenient_loads,
    line_col,
    loads_strict,
    scan_string_lists,
)
from tui.settings.model import (
    Behavior,
    CliSettings,
    LoadedFile,
    RuleEntry,
    Scope,
    Settings,
    SettingsProblem,
    SettingsSource,
)
from tui.settings.paths import anchor_for, discover_sources, home_dir
from tui.settings.schema import SchemaUnavailable, validate
from tui.settings.trustgate import gate, is_repository_supplied

#: ``--settings FILE`` must be a regular file no larger than this (REF §4.1).
MAX_CLI_SETTINGS_BYTES = 2 * 1024 * 1024
#: Any other settings file larger than this is refused (nobody writes 16 MiB of settings).
MAX_SETTINGS_BYTES = 16 * 1024 * 1024

#: Warnings of one kind kept per source; the rest are summed up in one line.
MAX_PROBLEMS_PER_KIND = 20
_KIND_NAMES = {"schema": "schema violations", "rule": "malformed rules",
               "directory": "directory warnings", "scope": "keys this scope may not set",
               "duplicate": "duplicate keys"}

BEHAVIORS: tuple[Behavior, ...] = ("allow", "ask", "deny")
# The mode vocabulary has one home: tui.modes (issue 12 item 2).
MODE_ALIASES = ALIASES

_MANAGED: frozenset[Scope] = frozenset({"managed"})
_USER_MANAGED: frozenset[Scope] = frozenset({"managed", "user"})
_USER_MANAGED_CLI: frozenset[Scope] = frozenset({"managed", "user", "command line"})
_USER_LOCAL_MANAGED: frozenset[Scope] = frozenset({"managed", "user", "local"})

#: Keys only some scopes may set (REF §4.3); elsewhere they are dropped with a warning.
SCOPE_RESTRICTED_KEYS: dict[JsonPath, frozenset[Scope]] = {
    **{
        (key,): _MANAGED
        for key in (
            "allowManagedPermissionRulesOnly", "allowManagedHooksOnly",
            "allowManagedMcpServersOnly", "disableSideloadFlags", "forceRemoteSettingsRefresh",
            "policyHelper", "parentSettingsBehavior", "strictKnownMarketplaces",
            "blockedMarketplaces", "strictPluginOnlyCustomization", "disableCommandPluginSources",
            "channelsEnabled", "allowedChannelPlugins", "pluginTrustMessage",
            "pluginSuggestionMarketplaces", "allowAllClaudeAiMcps", "wslInheritsWindowsSettings",
        )
    },
    ("sandbox", "network", "allowManagedDomainsOnly"): _MANAGED,
    ("sandbox", "filesystem", "allowManagedReadPathsOnly"): _MANAGED,
    ("sandbox", "bwrapPath"): _MANAGED,
    ("sandbox", "socatPath"): _MANAGED,
    ("autoMode",): _USER_MANAGED,
    ("skipAutoPermissionPrompt",): _USER_MANAGED,
    ("sandbox", "network", "tlsTerminate"): _USER_MANAGED,
    ("sandbox", "allowAppleEvents"): _USER_MANAGED,
    ("sandbox", "ripgrep"): _USER_MANAGED,
    ("sandbox", "network", "strictAllowlist"): _USER_MANAGED_CLI,
    # Stricter than REF: these send the sandbox's traffic to a port on the host's loopback
    # without Warden's filtering, so a repository must not choose them (issue 10 item 6).
    ("sandbox", "network", "httpProxyPort"): _USER_MANAGED_CLI,
    ("sandbox", "network", "socksProxyPort"): _USER_MANAGED_CLI,
    ("sandbox", "filesystem", "disabled"): _USER_MANAGED_CLI,
    ("sandbox", "credentials", "allowPlaintextInject"): _USER_MANAGED_CLI,
    ("sandbox", "credentials", "awsPairs"): _USER_MANAGED_CLI,
    ("sandbox", "credentials", "sigv4"): _USER_MANAGED_CLI,
    ("skipDangerousModePermissionPrompt",): _USER_LOCAL_MANAGED,
    ("useAutoModeDuringPlan",): _USER_LOCAL_MANAGED,
}

#: Values taken whole from the highest scope instead of merged (REF §4.1–4.2); ``*`` is any key.
WHOLE_VALUE_KEYS: tuple[JsonPath, ...] = (
    ("fallbackModel",), ("availableModels",), ("extraKnownMarketplaces", "*"),
)

_SCOPE_WHO = {
    _MANAGED: "managed settings",
    _USER_MANAGED: "user or managed settings",
    _USER_MANAGED_CLI: "user, managed or --settings settings",
    _USER_LOCAL_MANAGED: "user, local or managed settings",
}


@dataclass
class _Layer:
    """One source during loading: its file record, anchor, effective data and positions."""

    loaded: LoadedFile
    anchor: Path
    positions: PositionMap | None = None
    reported: set[JsonPath] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    suppressed: Counter[str] = field(default_factory=Counter)

    @property
    def source(self) -> SettingsSource:
        return self.loaded.source

    @property
    def data(self) -> dict[str, Any]:
        return self.loaded.data or {}

    def problem(self, message: str, path: JsonPath | None = None, *,
                severity: str = "warning", code: str = "", at: int | None = None) -> None:
        """Record a problem about ``path`` in this source, with its line and column if known
        (those of offset ``at`` when given).

        At most :data:`MAX_PROBLEMS_PER_KIND` warnings of one ``code`` are kept per source; the
        rest are counted and summed up by :meth:`finish`.
        """
        if path is not None:
            self.reported.add(path)
        if severity == "warning" and self.counts[code] >= MAX_PROBLEMS_PER_KIND:
            self.suppressed[code] += 1
            return
        self.counts[code] += 1
        line = column = None
        if path is not None and self.positions is not None:
            line, column = self.positions.locate(path, at)
        self.loaded.problems.append(SettingsProblem(
            message, self.source.path, line, column,
            None if path is None else format_path(path), severity, code,  # type: ignore[arg-type]
        ))

    def finish(self) -> None:
        """Add one line per kind of warning that was cut short."""
        for code, n in self.suppressed.items():
            self.loaded.problems.append(SettingsProblem(
                f"and {n} more {_KIND_NAMES.get(code, 'warnings')} like these", self.source.path,
                severity="warning", code=code))
        self.suppressed.clear()


# --------------------------------------------------------------------------- reading


def _read_file(source: SettingsSource, limit: int) -> tuple[str | None, SettingsProblem | None,
                                                              str | None]:
    """``(text, problem, encoding_error)``: text None and no problem when the file is absent.

    ``encoding_error`` is set (with the text decoded leniently) for a file that is not UTF-8.
    """
    assert source.path is not None
    path = source.path
    try:
        st = path.stat()
    except FileNotFoundError:
        return None, None, None
    except OSError as exc:
        return None, SettingsProblem(f"cannot be read ({exc.strerror}); it was ignored",
                                     path, code="io"), None
    if not stat.S_ISREG(st.st_mode):
        return None, SettingsProblem("is not a regular file; it was ignored", path,
                                     code="io"), None
    if st.st_size > limit:
        return None, SettingsProblem(
            f"is {st.st_size} bytes, over the {limit // (1024 * 1024)} MiB limit for settings "
            "files; it was ignored", path, code="io"), None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, SettingsProblem(f"cannot be read ({exc.strerror}); it was ignored",
                                     path, code="io"), None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None, None
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return text, None, (f"is not UTF-8 text (byte {exc.start + 1}, line {line}, column "
                            f"{column}); save it as UTF-8")


# --------------------------------------------------------------------------- recovery


def _recover(text: str) -> tuple[dict[str, Any] | None, bool]:
    """What still restricts in text that is not JSON: ``({"permissions": {"deny": [...],
    "ask": [...], "disableBypassPermissionsMode": "disable"}, "allowManagedPermissionRulesOnly":
    True} with only the parts found, or None; understood)`` where ``understood`` says every
    version of the text parsed leniently.  Never used to grant anything."""
    lists: dict[str, list[str]] = {"deny": [], "ask": []}
    disable = managed_only = False
    understood = True
    for version in conflict_sides(text) or [text]:
        try:
            obj = lenient_loads(version)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            perms = obj.get("permissions")
            if isinstance(perms, dict):
                for behavior in lists:
                    value = perms.get(behavior)
                    if isinstance(value, str):
                        value = [value]
                    if isinstance(value, list):
                        lists[behavior] += [v for v in value if isinstance(v, str) and v.strip()]
                disable |= perms.get("disableBypassPermissionsMode") not in (None, False)
            managed_only |= obj.get("allowManagedPermissionRulesOnly") not in (None, False)
            continue
        understood = False
        for behavior in lists:
            for found in scan_string_lists(version, behavior):
                lists[behavior] += [v for v in found if v.strip()]
        disable |= bool(re.search(r'"disableBypassPermissionsMode"\s*:\s*"disable"', version))
        managed_only |= bool(re.search(r'"allowManagedPermissionRulesOnly"\s*:\s*true', version))
    perms_out: dict[str, Any] = {
        b: list(dict.fromkeys(rules)) for b, rules in lists.items() if rules
    }
    if disable:
        perms_out["disableBypassPermissionsMode"] = "disable"
    out: dict[str, Any] = {"permissions": perms_out} if perms_out else {}
    if managed_only:
        out["allowManagedPermissionRulesOnly"] = True
    return out or None, understood


# --------------------------------------------------------------------------- one source


def _parse_source(source: SettingsSource, anchor: Path, text: str, schema: dict[str, Any] | None,
                  encoding_error: str | None = None) -> _Layer:
    """Parse, validate and fail-closed-filter one source's text."""
    layer = _Layer(LoadedFile(source, None, False, False, []), anchor)
    where = "" if source.path is not None else f"{source.origin or '--settings'}: "
    data: Any = None
    message = line = column = None
    try:
        if encoding_error is not None:
            raise UnicodeError(encoding_error)
        data = loads_strict(text)
    except json.JSONDecodeError as exc:
        message, line, column = explain_decode_error(text, exc)
    except NonJsonConstant as exc:
        at = find_outside_strings(text, exc.name.lstrip("-"))
        line, column = line_col(text, at) if at is not None else (None, None)
        message = f"{exc.name} is not a JSON value; write a number or a string instead"
    except RecursionError:
        message, line, column = "the JSON is nested too deeply to read", 1, 1
    except UnicodeError as exc:
        message, line, column = str(exc), None, None
    except ValueError as exc:
        message, line, column = f"cannot be read as JSON ({exc})", None, None
    if message is not None:
        recovered, understood = _recover(text)
        layer.loaded.data = recovered
        perms = (recovered or {}).get("permissions", {})
        kept = [f"{len(perms[b])} {b}" for b in ("deny", "ask") if perms.get(b)]
        if kept:
            outcome = f"; its {' and '.join(kept)} rules still apply"
        else:
            outcome = "" if understood else "; no deny or ask rules could be recovered from it"
        layer.loaded.problems.append(SettingsProblem(
            f"{where}{message}. Until it is fixed, none of this file's allow rules, "
            f"additionalDirectories or other settings apply{outcome}",
            source.path, line, column, None, "error", "json"))
        return layer

    layer.loaded.json_ok = True
    layer.positions = PositionMap.scan(text)
    for path, at in layer.positions.duplicates:
        layer.problem(f"{where}{json.dumps(path[-1])} appears more than once in this object; "
                      "only the last one counts (as in Claude Code): merge them", path,
                      code="duplicate", at=at)
    if not isinstance(data, dict):
        layer.loaded.problems.append(SettingsProblem(
            f"{where}the top level must be a JSON object {{...}}, not {type(data).__name__}; "
            "nothing from this file applies", source.path, 1, 1, None, "error", "json"))
        return layer

    layer.loaded.data = data
    try:
        violations = validate(data, schema)
    except RecursionError:
        violations = None
        layer.problem(f"{where}the JSON is nested too deeply to check", (), code="schema")
    except SchemaUnavailable as exc:
        violations = None
        layer.problem(f"{where}cannot be checked ({exc}); its allow rules are ignored until "
                      "Warden is reinstalled", severity="error", code="schema")
    if violations is None:
        layer.loaded.schema_ok = False
    else:
        layer.loaded.schema_ok = not violations
        positions = layer.positions
        ordered = sorted(violations, key=lambda v: positions.offset(v.path) or 0)
        for v in ordered:
            layer.problem(f"{where}{v.message}", v.path, code="schema")
    if not layer.loaded.schema_ok:
        _drop_grants(layer, where)
    return layer


def _drop_grants(layer: _Layer, where: str) -> None:
    """Fail closed for a file that breaks the schema: remove its allow rules,
    ``additionalDirectories`` and a permissive ``defaultMode`` (deny/ask stay)."""
    perms = layer.data.get("permissions")
    if not isinstance(perms, dict):
        return
    dropped = []
    where_path: JsonPath | None = None
    allow = perms.pop("allow", None)
    if allow is not None:
        n = len(allow) if isinstance(allow, list) else 0
        dropped.append(f"its {n} allow rule{'' if n == 1 else 's'}")
        where_path = ("permissions", "allow")
    dirs = perms.pop("additionalDirectories", None)
    if dirs:
        dropped.append("its additionalDirectories")
        where_path = where_path or ("permissions", "additionalDirectories")
    mode = perms.get("defaultMode")
    if mode in PERMISSIVE_MODES:
        del perms["defaultMode"]
        dropped.append(f'its defaultMode "{mode}"')
        where_path = where_path or ("permissions", "defaultMode")
    if dropped:
        layer.problem(f"{where}this file does not match the settings schema, so Warden ignores "
                      f"{' and '.join(dropped)} until it is fixed (deny and ask rules still "
                      "apply)", where_path, code="dropped")


def _drop_sandbox_nulls(layer: _Layer) -> None:
    """Remove ``null`` values inside ``sandbox`` (any depth): null means "not set", so a
    file such as Anthropic's ``examples/settings/settings-bash-sandbox.json``
    (``"httpProxyPort": null``) neither overrides a lower scope nor trips a scope warning."""
    def prune(obj: Any) -> None:
        if isinstance(obj, dict):
            for key in [k for k, v in obj.items() if v is None]:
                del obj[key]
            for value in obj.values():
                prune(value)

    sandbox = layer.loaded.data.get("sandbox") if isinstance(layer.loaded.data, dict) else None
    prune(sandbox)


def _restrict_scopes(layer: _Layer) -> None:
    """Drop the keys this source's scope may not set (REF §4.3), one warning each."""
    for path, allowed in SCOPE_RESTRICTED_KEYS.items():
        if layer.source.scope in allowed:
            continue
        parent: Any = layer.loaded.data
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            layer.problem(f"is honoured only in {_SCOPE_WHO[allowed]}; ignored here", path,
                          code="scope")
            del parent[path[-1]]


def _apply_trust(layer: _Layer, trusted: bool, env: Mapping[str, str]) -> None:
    """Workspace trust for a repository-supplied file (:mod:`tui.settings.trustgate`): until
    the folder is trusted only what restricts applies; a ``bypassPermissions`` start mode from
    the repository never does.  Each drop is one problem naming the file."""
    why = is_repository_supplied(layer.source, env)
    if why is None or layer.loaded.data is None:
        return
    held, bypass = gate(layer.loaded.data, trusted=trusted)
    if bypass:
        layer.problem('a repository may not start Warden in bypassPermissions; this defaultMode '
                      "is ignored (choose the mode yourself: --permission-mode or Shift+Tab)",
                      ("permissions", "defaultMode"), code="trust")
    if held:
        layer.problem(f"this workspace is not trusted, so this file ({why}) contributes only "
                      f"what restricts (deny and ask rules); held back: {held[0]}. Trust the "
                      "folder on the trust screen or with `warden trust`", code="trust")


def _flag_layer(source: SettingsSource, cwd: Path, behavior: Behavior,
                rules: Sequence[str]) -> _Layer:
    """A layer for ``--allowedTools`` / ``--disallowedTools``."""
    data = {"permissions": {behavior: list(rules)}}
    return _Layer(LoadedFile(source, data, True, True, []), cwd)


def _cli_settings_layer(value: str, cwd: Path, env: Mapping[str, str],
                        schema: dict[str, Any] | None) -> _Layer:
    """The ``--settings`` layer: inline JSON (starts with ``{``) or a file path."""
    if value.lstrip().startswith("{"):
        source = SettingsSource("command line", None, "--settings")
        return _parse_source(source, cwd, value, schema)
    path = home_dir(env) / value[2:] if value.startswith("~/") else Path(value)
    path = Path(os.path.abspath(cwd / path))
    source = SettingsSource("command line", path, "--settings")
    text, problem, encoding_error = _read_file(source, MAX_CLI_SETTINGS_BYTES)
    if text is None:
        loaded = LoadedFile(source, None, False, False, [problem or SettingsProblem(
            f"--settings {value}: no such file; nothing from it applies", path, code="io")])
        return _Layer(loaded, path.parent)
    return _parse_source(source, path.parent, text, schema, encoding_error)


# --------------------------------------------------------------------------- merging


def _dedupe_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _whole(path: JsonPath) -> bool:
    for pattern in WHOLE_VALUE_KEYS:
        if len(pattern) == len(path) and all(p in ("*", q) for p, q in zip(pattern, path,
                                                                              strict=True)):
            return True
    return False


def merge(high: Mapping[str, Any], low: Mapping[str, Any], _path: JsonPath = ()) -> dict[str, Any]:
    """Merge two settings objects, ``high`` taking precedence (REF §4.2).

    Scalars (and values of different types) come from ``high``; arrays are concatenated
    (``high`` first) and de-duplicated; objects are merged key by key, recursively; the keys in
    :data:`WHOLE_VALUE_KEYS` are taken whole from ``high``.  Neither input is modified.
    """
    out: dict[str, Any] = {}
    for key, hv in high.items():
        path = (*_path, key)
        if key not in low or _whole(path):
            out[key] = hv
            continue
        lv = low[key]
        if isinstance(hv, dict) and isinstance(lv, dict):
            out[key] = merge(hv, lv, path)
        elif isinstance(hv, list) and isinstance(lv, list):
            seen: dict[str, Any] = {}
            for item in (*hv, *lv):
                seen.setdefault(_dedupe_key(item), item)
            out[key] = list(seen.values())
        else:
            out[key] = hv
    for key, lv in low.items():
        if key not in out:
            out[key] = lv
    return out


def _merge_all(layers_high_first: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for data in layers_high_first:
        merged = merge(merged, data)
    return merged


# --------------------------------------------------------------------------- extraction


def _perms(layer: _Layer) -> dict[str, Any]:
    perms = layer.data.get("permissions")
    return perms if isinstance(perms, dict) else {}


def _rules(layer: _Layer) -> list[RuleEntry]:
    """The layer's rules in file order; malformed entries skipped with a warning each."""
    out: list[RuleEntry] = []
    for key, value in _perms(layer).items():
        if key not in BEHAVIORS:
            continue
        behavior: Behavior = key
        path: JsonPath = ("permissions", key)
        if isinstance(value, str):
            if behavior == "allow":
                layer.problem("must be a list of rules; this single string was ignored", path,
                              code="rule")
                continue
            layer.problem(f"must be a list of rules; the single {behavior} rule was applied "
                          "anyway", path, code="rule")
            value = [value]
        if not isinstance(value, list):
            if path not in layer.reported:
                layer.problem("must be a list of rule strings; ignored", path, code="rule")
            continue
        for i, item in enumerate(value):
            item_path = (*path, i)
            if not isinstance(item, str):
                if item_path not in layer.reported:
                    shown = json.dumps(item, ensure_ascii=False)
                    layer.problem(f"{shown[:60]} is not a rule (rules are strings); skipped",
                                  item_path, code="rule")
                continue
            if not item.strip():
                layer.problem("an empty rule; skipped", item_path, code="rule")
                continue
            out.append(RuleEntry(behavior, item, layer.source, layer.anchor))
    return out


def _additional_dirs(layer: _Layer, env: Mapping[str, str]) -> list[tuple[Path, SettingsSource]]:
    value = _perms(layer).get("additionalDirectories")
    path: JsonPath = ("permissions", "additionalDirectories")
    if value is None:
        return []
    if not isinstance(value, list):
        if path not in layer.reported:
            layer.problem("must be a list of directories; ignored", path, code="directory")
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            if (*path, i) not in layer.reported:
                layer.problem("is not a directory path; skipped", (*path, i), code="directory")
            continue
        resolved = resolve_dir(item, layer.anchor, env)
        _check_dir(resolved, lambda m, i=i: layer.problem(m, (*path, i), code="directory"))
        out.append((resolved, layer.source))
    return out


def resolve_dir(entry: str, anchor: Path, env: Mapping[str, str] | None = None) -> Path:
    """An ``additionalDirectories`` / ``--add-dir`` entry as an absolute path.

    ``~`` and ``~/x`` are the home directory; ``//x`` is the absolute ``/x`` (the rule-pattern
    spelling); ``/x`` is absolute; anything else is relative to ``anchor``.  Symlinks are
    resolved where the path exists.
    """
    entry = entry.strip()
    if entry == "~" or entry.startswith("~/"):
        path = home_dir(env) / entry[2:]
    elif entry.startswith("//"):
        path = Path(entry[1:])
    else:
        path = Path(entry)
        if not path.is_absolute():
            path = anchor / path
    return path.resolve(strict=False)


def _check_dir(path: Path, warn: Any) -> None:
    if not path.exists():
        warn(f"directory {path} does not exist (kept; it applies once created)")
    elif not path.is_dir():
        warn(f"{path} is not a directory (kept, but it grants nothing until it is one)")


def _mode_value(raw: Any) -> tuple[str | None, str | None]:
    """``(mode, problem)``: a valid Warden mode, or None and why not."""
    if not isinstance(raw, str):
        return None, f"{json.dumps(raw)[:40]} is not a mode name; ignored"
    mode = MODE_ALIASES.get(raw, raw)
    if mode in MODES:
        return mode, None
    if mode in UNIMPLEMENTED_MODES:
        return None, f'"{raw}" mode is not implemented by Warden; ignored'
    choices = ", ".join(MODES)
    return None, f'"{raw}" is not a permission mode ({choices}); ignored'


def _flag_on(raw: Any, documented: Any) -> tuple[bool, bool]:
    """``(on, odd)`` for a restrictive switch: anything but absent/false counts as on (fail
    closed); ``odd`` says the value was not the ``documented`` one."""
    if raw is None or raw is False:
        return False, False
    return True, not (raw == documented and type(raw) is type(documented))


# --------------------------------------------------------------------------- entry point


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

    Args:
        cwd: the start directory (project root); made absolute.
        env: environment for ``WARDEN_CONFIG_DIR``, ``WARDEN_MANAGED_DIR``, ``HOME``
            (default ``os.environ``).
        cli: the command-line layer (``--settings``, ``--allowedTools``, ``--disallowedTools``,
            ``--add-dir``, ``--permission-mode``).
        schema: the JSON Schema to validate files with; None for Warden's own.
        only: read exactly these file sources instead of discovering the managed, local,
            project and user files (sources without a path are skipped); ``cli`` still applies.
            ``only=[]`` with ``cli=CliSettings(settings=...)`` makes that the only source.
        trusted_project: workspace trust (REF §7.3): False keeps only what restricts in the
            repository-supplied files (the project file, a tracked or symlinked local file;
            :mod:`tui.settings.trustgate`).  A repository's ``bypassPermissions`` start mode
            is dropped either way.

    Returns:
        The merged :class:`Settings`.  Never raises for bad files or flags: they become
        problems (``SPEC.md`` §1, fail closed).
    """
    env = os.environ if env is None else env
    cwd = Path(os.path.abspath(cwd))
    cli = cli or CliSettings()
    general: list[SettingsProblem] = []

    sources = discover_sources(cwd, env) if only is None else [s for s in only if s.path]
    layers: list[_Layer] = []
    for source in sources:
        if source.path is not None and not source.path.is_absolute():
            source = SettingsSource(source.scope, Path(os.path.abspath(cwd / source.path)),
                                    source.origin)
        anchor = anchor_for(source, cwd, env)
        text, problem, encoding_error = _read_file(source, MAX_SETTINGS_BYTES)
        if text is None:
            if problem is not None:
                layers.append(_Layer(LoadedFile(source, None, False, False, [problem]), anchor))
            continue
        layers.append(_parse_source(source, anchor, text, schema, encoding_error))
    cli_layers: list[_Layer] = []
    if cli.settings:
        cli_layers.append(_cli_settings_layer(cli.settings, cwd, env, schema))
    if cli.allowed_tools:
        cli_layers.append(_flag_layer(SettingsSource("command line", None, "--allowedTools"),
                                      cwd, "allow", cli.allowed_tools))
    if cli.disallowed_tools:
        cli_layers.append(_flag_layer(SettingsSource("command line", None, "--disallowedTools"),
                                      cwd, "deny", cli.disallowed_tools))
    n_managed = sum(1 for layer in layers if layer.source.scope == "managed")
    layers[n_managed:n_managed] = cli_layers

    for layer in layers:
        if layer.loaded.data is not None:
            _drop_sandbox_nulls(layer)
            _restrict_scopes(layer)
            _apply_trust(layer, trusted_project, env)

    # Managed files merge among themselves, the later file winning (REF §4.1).
    managed_layers = [layer for layer in layers if layer.source.scope == "managed"]
    managed_tier = _merge_all(layer.data for layer in reversed(managed_layers))
    managed_only, odd = _flag_on(managed_tier.get("allowManagedPermissionRulesOnly"), True)
    if odd:
        general.append(SettingsProblem(
            "allowManagedPermissionRulesOnly in managed settings is not true or false; treated "
            "as true (fail closed)", severity="warning", key="allowManagedPermissionRulesOnly",
            code="schema"))

    # Drops that apply across sources: untrusted project, managed-only rules.
    dropped_by_managed = 0
    for layer in layers:
        perms = _perms(layer)
        if (managed_only and layer.source.scope != "managed"
                and layer.source.origin != "--disallowedTools"):
            for key in (*BEHAVIORS, "additionalDirectories"):
                removed = perms.pop(key, None)
                if key in BEHAVIORS and isinstance(removed, list):
                    dropped_by_managed += len(removed)

    rules: list[RuleEntry] = []
    seen_rules: set[tuple[str, str, str]] = set()
    for layer in layers:
        for rule in _rules(layer):
            rule_key = (rule.behavior, rule.text, rule.source.scope)
            if rule_key not in seen_rules:
                seen_rules.add(rule_key)
                rules.append(rule)
    if managed_only:
        general.append(SettingsProblem(
            "managed settings set allowManagedPermissionRulesOnly: only managed permission rules "
            f"(and --disallowedTools) apply; {dropped_by_managed} rules from other scopes, and "
            "their additionalDirectories, are ignored", severity="warning",
            key="allowManagedPermissionRulesOnly", code="scope"))

    # Additional directories: --add-dir, then settings (highest scope first).
    dirs: list[tuple[Path, SettingsSource]] = []
    add_dir_source = SettingsSource("command line", None, "--add-dir")
    for raw in cli.add_dirs:
        resolved = resolve_dir(str(raw), cwd, env)
        _check_dir(resolved, lambda m: general.append(SettingsProblem(
            f"--add-dir: {m}", severity="warning", code="directory")))
        dirs.append((resolved, add_dir_source))
    for layer in layers:
        dirs += _additional_dirs(layer, env)
    unique_dirs: dict[Path, tuple[Path, SettingsSource]] = {}
    for entry in dirs:
        unique_dirs.setdefault(entry[0], entry)

    # Start mode: --permission-mode, else the highest valid defaultMode (later managed file wins).
    default_mode: str | None = None
    mode_source: SettingsSource | None = None
    if cli.permission_mode is not None:
        mode_source = SettingsSource("command line", None, "--permission-mode")
        default_mode, why = _mode_value(cli.permission_mode)
        if default_mode is None:
            default_mode = "default"
            general.append(SettingsProblem(f"--permission-mode: {why}; starting in default mode",
                                           code="mode"))
    precedence = [*reversed(managed_layers), *(la for la in layers if la.source.scope != "managed")]
    for layer in precedence:
        mode_value = _perms(layer).get("defaultMode")
        if mode_value is None:
            continue
        mode, why = _mode_value(mode_value)
        path: JsonPath = ("permissions", "defaultMode")
        if mode is None:
            if path not in layer.reported or "not implemented" in (why or ""):
                layer.problem(why or "ignored", path, code="mode")
            continue
        if default_mode is None:
            default_mode, mode_source = mode, layer.source

    # disableBypassPermissionsMode from any scope.
    disable_bypass = False
    for layer in layers:
        on, odd = _flag_on(_perms(layer).get("disableBypassPermissionsMode"), "disable")
        disable_bypass |= on
        if odd:
            layer.problem('should be "disable"; treated as "disable" (fail closed)',
                          ("permissions", "disableBypassPermissionsMode"), code="mode")

    # A deep copy: nothing a reader does to ``merged`` may change the files' records.
    merged = copy.deepcopy(_merge_all(layer.data for layer in precedence))
    perms_out = merged.get("permissions")
    if not isinstance(perms_out, dict):
        perms_out = {}
    for behavior in BEHAVIORS:
        texts = list(dict.fromkeys(r.text for r in rules if r.behavior == behavior))
        if texts:
            perms_out[behavior] = texts
        else:
            perms_out.pop(behavior, None)
    if unique_dirs:
        perms_out["additionalDirectories"] = [str(p) for p in unique_dirs]
    else:
        perms_out.pop("additionalDirectories", None)
    if default_mode is not None:
        perms_out["defaultMode"] = default_mode
    else:
        perms_out.pop("defaultMode", None)
    if disable_bypass:
        perms_out["disableBypassPermissionsMode"] = "disable"
    if perms_out or "permissions" in merged:
        merged["permissions"] = perms_out

    for layer in layers:
        layer.finish()
    problems = [p for layer in layers for p in layer.loaded.problems] + general
    return Settings(
        rules=tuple(rules),
        default_mode=default_mode,
        default_mode_source=mode_source,
        additional_directories=tuple(unique_dirs.values()),
        disable_bypass=disable_bypass,
        allow_managed_rules_only=managed_only,
        merged=merged,
        files=tuple(layer.loaded for layer in layers),
        problems=tuple(problems),
    )

