"""No silent keys: every settings key Warden does not implement gets one notice per file.

``SPEC.md`` §7: "Every settings key Warden does not implement is reported once per session (file
and key); no key is silently ignored."  A team's Claude Code settings files carry many keys that
only mean something to Claude Code's own UI (``statusLine``, ``outputStyle``, ``enabledPlugins``
...); Warden loads them without complaint (the schema allows any key), so without this report a
user could believe, say, ``cleanupPeriodDays`` protects them here when it does nothing.

:data:`IMPLEMENTED_KEYS` is the one table of what Warden gives a meaning to, each entry with the
place that implements it.  An entry for a dotted path (``permissions.allow``) makes its parent
(``permissions``) an object Warden implements only in part: its other members are reported by
their dotted path (``permissions.foo``).  An entry for a whole key (``env``, ``hooks``) covers
everything below it.  :data:`SCOPE_LIMITED_KEYS` lists keys Warden reads from some scopes only.

:func:`unimplemented_keys` is called once per session with the loaded settings; keys a scope
may not set (REF §4.3) and keys held back by workspace trust are already gone from each file's
``data`` and reported by the loader, so they are not reported twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tui.settings.jsontext import JsonPath, PositionMap, format_path
from tui.settings.model import LoadedFile, Scope, Settings, SettingsProblem

__all__ = [
    "IMPLEMENTED_KEYS", "NOT_IMPLEMENTED", "PROBLEM_CODE", "SCOPE_LIMITED_KEYS",
    "implemented_key_names", "unimplemented_keys",
]

PROBLEM_CODE = "unimplemented"
""":attr:`SettingsProblem.code` of the notices made here."""

NOT_IMPLEMENTED = "Warden does not implement this key; it has no effect"
"""The notice for a key Warden gives no meaning to."""

# One entry per key Warden implements: dotted path -> where it is implemented (module and
# function).  Keep it in step with the code; tests/test_known_keys.py checks the shape, and the
# README's published lists show the keys (tui/docs.py).
IMPLEMENTED_KEYS: dict[str, str] = {
    # -- no runtime meaning anywhere ---------------------------------------------------------
    "$schema": "nowhere: an editor's validation hint; Claude Code gives it no meaning either",
    # -- model and credentials ---------------------------------------------------------------
    "model": "tui/cli_config.py make_config -> tui/agent/models.py configured_model, resolve_model",
    "apiKeyHelper": "tui/credentials.py (the key helper; trust-gated: tui/settings/trustgate.py)",
    "env": "tui/session_policy.py settings_env (the session's and its commands' environment)",
    # -- hooks -------------------------------------------------------------------------------
    "hooks": "tui/hooks/config.py (hook configuration) and the hooks runner in tui/hooks",
    "disableAllHooks": "tui/hooks/config.py",
    "allowManagedHooksOnly": "tui/hooks/config.py (managed only: tui/settings/loader.py "
                             "SCOPE_RESTRICTED_KEYS)",
    # -- MCP servers -------------------------------------------------------------------------
    "enableAllProjectMcpServers": "tui/mcp/approvals.py McpPolicy, server_state",
    "enabledMcpjsonServers": "tui/mcp/approvals.py McpPolicy, server_state",
    "disabledMcpjsonServers": "tui/mcp/approvals.py McpPolicy, server_state",
    "allowedMcpServers": "tui/mcp/approvals.py McpPolicy.blocked (managed files only)",
    "deniedMcpServers": "tui/mcp/approvals.py McpPolicy.blocked",
    "sandbox.mcpServers": "tui/mcp/approvals.py McpPolicy -> tui/mcp/client.py sandbox_argv "
                          "(Warden's own: run stdio MCP servers in the sandbox)",
    # -- permissions -------------------------------------------------------------------------
    "allowManagedPermissionRulesOnly": "tui/settings/loader.py load_settings (managed only)",
    "disableAutoMode": "Warden has no auto mode (SPEC.md §6), so it is always disabled",
    "permissions.allow": "tui/settings/loader.py _rules -> tui/permissions/policy.py",
    "permissions.ask": "tui/settings/loader.py _rules -> tui/permissions/policy.py",
    "permissions.deny": "tui/settings/loader.py _rules -> tui/permissions/policy.py",
    "permissions.defaultMode": "tui/settings/loader.py load_settings (the start mode)",
    "permissions.additionalDirectories": "tui/settings/loader.py _directories -> "
                                         "tui/permissions/workspace.py",
    "permissions.disableBypassPermissionsMode": "tui/settings/loader.py load_settings -> "
                                                "tui/modes.py",
    "permissions.disableAutoMode": "Warden has no auto mode (SPEC.md §6), so it is always "
                                   "disabled",
    # -- sandbox (tui/sandbox/policy.py resolve_policy unless noted) -------------------------
    "sandbox.enabled": "tui/sandbox/policy.py resolve_policy; tui/session_policy.py",
    "sandbox.autoAllowBashIfSandboxed": "tui/sandbox/policy.py resolve_policy",
    "sandbox.allowUnsandboxedCommands": "tui/sandbox/policy.py resolve_policy",
    "sandbox.failIfUnavailable": "tui/sandbox/policy.py resolve_policy",
    "sandbox.enableWeakerNestedSandbox": "tui/sandbox/policy.py resolve_policy -> bwrap --proc",
    "sandbox.excludedCommands": "tui/sandbox/policy.py resolve_policy",
    "sandbox.bwrapPath": "tui/sandbox/policy.py (managed only: tui/settings/loader.py)",
    "sandbox.network.allowedDomains": "tui/sandbox/policy.py resolve_policy -> the proxy",
    "sandbox.network.deniedDomains": "tui/sandbox/policy.py resolve_policy -> the proxy",
    "sandbox.network.allowAllUnixSockets": "tui/sandbox/policy.py resolve_policy",
    "sandbox.network.allowManagedDomainsOnly": "tui/sandbox/policy.py (managed only)",
    "sandbox.network.strictAllowlist": "tui/sandbox/policy.py resolve_policy (network_lock)",
    "sandbox.network.httpProxyPort": "tui/sandbox/policy.py -> tui/sandbox/network.py",
    "sandbox.network.socksProxyPort": "tui/sandbox/policy.py -> tui/sandbox/network.py",
    "sandbox.filesystem.allowWrite": "tui/sandbox/policy.py resolve_policy",
    "sandbox.filesystem.denyWrite": "tui/sandbox/policy.py resolve_policy",
    "sandbox.filesystem.denyRead": "tui/sandbox/policy.py resolve_policy -> tui/sandbox/masks.py",
    "sandbox.filesystem.allowRead": "tui/sandbox/policy.py resolve_policy",
    "sandbox.filesystem.allowManagedReadPathsOnly": "tui/sandbox/policy.py (managed only)",
    "sandbox.filesystem.disabled": "tui/sandbox/policy.py resolve_policy",
    # -- Warden's own, kept for older versions -------------------------------------------------
    "theme": "themes/select.py choose_theme: a theme older versions of Warden saved in the "
             "user settings file (user scope only)",
}

SCOPE_LIMITED_KEYS: dict[str, tuple[Scope, ...]] = {
    "theme": ("user",),
}
"""Keys Warden reads from these scopes only; elsewhere they are reported like unknown keys."""

_SCOPE_LIMITED = "Warden reads this key only from {where}; it has no effect here"


def _tree(keys: Mapping[str, str]) -> dict[str, Any]:
    """The table as nested dicts: a leaf (whole key implemented) is ``True``."""
    root: dict[str, Any] = {}
    for dotted in keys:
        *parents, last = dotted.split(".")
        node = root
        for part in parents:
            child = node.setdefault(part, {})
            if child is True:
                break
            node = child
        else:
            node[last] = True
    return root


_TREE = _tree(IMPLEMENTED_KEYS)


def implemented_key_names() -> list[str]:
    """Every dotted key of :data:`IMPLEMENTED_KEYS`, sorted (for the README)."""
    return sorted(IMPLEMENTED_KEYS)


def _walk(data: Mapping[str, Any], tree: Mapping[str, Any],
          prefix: JsonPath = ()) -> Iterator[JsonPath]:
    """The paths in ``data`` that ``tree`` does not cover, in file order.

    A member of an object Warden implements in part is reported by its own path; a member whose
    value should be an object but is not is left to the schema check (nothing to walk into).
    """
    for key, value in data.items():
        path = (*prefix, str(key))
        node = tree.get(key)
        if node is None:
            yield path
        elif node is not True and isinstance(value, Mapping):
            yield from _walk(value, node, path)


def _dotted(path: JsonPath) -> str:
    return ".".join(str(p) for p in path)


class _Positions:
    """Line and column of keys in one file, read once and only when a notice needs them."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.map: PositionMap | None = None
        self.read = False

    def locate(self, key: JsonPath) -> tuple[int | None, int | None]:
        if self.path is None:
            return None, None
        if not self.read:
            self.read = True
            try:
                self.map = PositionMap.scan(self.path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                self.map = None
        if self.map is None or key not in self.map.keys:
            return None, None
        return self.map.locate(key)


def _file_notices(loaded: LoadedFile) -> list[SettingsProblem]:
    data = loaded.data
    if not isinstance(data, Mapping):
        return []
    source = loaded.source
    where = "" if source.path is not None else f"{source.origin or source.label}: "
    positions = _Positions(source.path)
    out: list[SettingsProblem] = []
    seen: set[JsonPath] = set()
    for path in _walk(data, _TREE):
        if path in seen:
            continue
        seen.add(path)
        line, column = positions.locate(path)
        out.append(SettingsProblem(f"{where}{NOT_IMPLEMENTED}", source.path, line, column,
                                   format_path(path), "warning", PROBLEM_CODE))
    for key, scopes in SCOPE_LIMITED_KEYS.items():
        top = (key,)
        if key in data and source.scope not in scopes and top not in seen:
            seen.add(top)
            line, column = positions.locate(top)
            names = " or ".join(f"{s} settings" for s in scopes)
            out.append(SettingsProblem(f"{where}{_SCOPE_LIMITED.format(where=names)}",
                                       source.path, line, column, format_path(top), "warning",
                                       PROBLEM_CODE))
    return out


def unimplemented_keys(settings: Settings) -> list[SettingsProblem]:
    """One warning per (settings source, key) for every key Warden does not implement.

    Args:
        settings: the loaded settings (:func:`tui.settings.load_settings`); each of
            ``settings.files`` is looked at through its ``data`` (what the file contributes
            after the loader's scope, trust and fail-closed filtering) and ``source``.

    Returns:
        :class:`~tui.settings.model.SettingsProblem` warnings (``code`` :data:`PROBLEM_CODE`),
        sources in ``settings.files`` order and keys in file order, e.g.
        ``/home/u/.claude/settings.json:4:3: statusLine: Warden does not implement this key;
        it has no effect``.  ``key`` is the dotted path (``sandbox.network.allowLocalBinding``
        for a member of an object Warden implements in part); line and column are those of the
        key when the file can be read again, else ``None``.  A source without a file (inline
        ``--settings`` JSON) is named at the start of the message.  The same file listed twice
        is reported once.  Never raises.

    Source: ``SPEC.md`` §7 ("Every settings key Warden does not implement is reported once per
    session (file and key)").
    """
    out: list[SettingsProblem] = []
    done: set[object] = set()
    for loaded in settings.files:
        ident: object = (os.path.realpath(loaded.source.path) if loaded.source.path is not None
                         else (loaded.source.scope, loaded.source.origin, id(loaded)))
        if ident in done:
            continue
        done.add(ident)
        out.extend(_file_notices(loaded))
    return out
