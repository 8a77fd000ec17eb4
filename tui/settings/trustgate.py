"""Workspace trust at the settings layer: which files a repository supplies, and what an untrusted
one may still set.

Claude Code holds back what a folder's settings would grant until the workspace trust dialog is
accepted (REF §7.3, §4.3 "Trust-gated project keys").  Warden does the same with an allowlist:
an untrusted repository file keeps only what restricts (deny and ask rules,
``disableBypassPermissionsMode``, a restrictive ``defaultMode``, the sandbox's deny lists,
``disabledMcpjsonServers``, ``disableAllHooks: true``) and a few keys that grant nothing
(:data:`HARMLESS_KEYS`).  Everything else (allow rules, ``additionalDirectories``, hooks,
``env``, helper commands, MCP approvals, sandbox grants, keys Warden does not know) waits for
trust.  Stricter than Claude Code: a repository's ``defaultMode: "bypassPermissions"`` is ignored
even when the folder is trusted.

Repository-supplied files (REF §4.3): the project file ``.claude/settings.json``, and a
``.claude/settings.local.json`` that is tracked by git or is a symlink (a clone can ship either).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.modes import RESTRICTIVE_MODES
from tui.settings.model import SettingsSource

__all__ = [
    "HARMLESS_KEYS", "HELPER_KEYS", "RESTRICTIVE_MODES", "Grants", "gate", "grants_of",
    "is_repository_supplied", "local_file_status",
]


#: Top-level keys an untrusted repository file may set: they grant nothing.
HARMLESS_KEYS = frozenset({"$schema", "model", "includeCoAuthoredBy", "cleanupPeriodDays",
                           "outputStyle", "language"})

#: Settings keys naming a program Warden (or Claude Code) would run: shown on the trust screen.
HELPER_KEYS: tuple[tuple[str, ...], ...] = (
    ("apiKeyHelper",), ("awsAuthRefresh",), ("awsCredentialExport",), ("otelHeadersHelper",),
    ("statusLine", "command"), ("fileSuggestion", "command"), ("policyHelper",),
)

_KEEP_LISTS: tuple[tuple[str, ...], ...] = (
    ("permissions", "deny"), ("permissions", "ask"),
    ("sandbox", "filesystem", "denyRead"), ("sandbox", "filesystem", "denyWrite"),
    ("sandbox", "network", "deniedDomains"), ("disabledMcpjsonServers",),
)


@dataclass
class Grants:
    """What one repository file would grant once trusted (the trust screen's content).

    Every list holds display strings, in file order; values are data and must be rendered with
    markup off.
    """

    allow_rules: list[str] = field(default_factory=list)
    additional_directories: list[str] = field(default_factory=list)
    default_mode: str | None = None
    hooks: list[str] = field(default_factory=list)
    """``"PreToolUse [Bash]: ./scripts/check.sh"``."""
    env: list[str] = field(default_factory=list)
    """``"NAME=value"``."""
    helpers: list[str] = field(default_factory=list)
    """``"apiKeyHelper: ./get-key.sh"``."""
    mcp: list[str] = field(default_factory=list)
    """``"enableAllProjectMcpServers: true"``, ``"enabledMcpjsonServers: a, b"``."""
    sandbox: list[str] = field(default_factory=list)
    """``"sandbox.network.allowedDomains: example.com"``."""
    other: list[str] = field(default_factory=list)
    """Other keys held back (dotted paths)."""

    def is_empty(self) -> bool:
        """True when the file would grant nothing."""
        return not (self.allow_rules or self.additional_directories or self.default_mode
                    or self.hooks or self.env or self.helpers or self.mcp or self.sandbox
                    or self.other)

    def summary(self) -> str:
        """One phrase for a notice: ``"3 allow rules, hooks (2), env (1 variable)"``."""
        parts: list[str] = []

        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        if self.allow_rules:
            parts.append(count(len(self.allow_rules), "allow rule", "allow rules"))
        if self.additional_directories:
            parts.append("additionalDirectories")
        if self.default_mode:
            parts.append(f'defaultMode "{self.default_mode}"')
        if self.hooks:
            parts.append(f"hooks ({len(self.hooks)})")
        if self.env:
            parts.append(f"env ({count(len(self.env), 'variable', 'variables')})")
        parts += [h.split(":", 1)[0] for h in self.helpers]
        parts += [m.split(":", 1)[0] for m in self.mcp]
        parts += [s.split(":", 1)[0] for s in self.sandbox]
        parts += self.other
        return ", ".join(dict.fromkeys(parts))


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _leaves(obj: Any, prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    """(dotted path, value) of every non-object value below ``obj``."""
    if isinstance(obj, dict) and obj:
        out: list[tuple[tuple[str, ...], Any]] = []
        for key, value in obj.items():
            out += _leaves(value, (*prefix, str(key)))
        return out
    return [(prefix, obj)]


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value)


def grants_of(data: Mapping[str, Any] | None) -> Grants:
    """What ``data`` (one repository file's settings, after schema filtering) grants.

    Everything :func:`gate` would remove from an untrusted file is listed somewhere.
    """
    out = Grants()
    if not isinstance(data, Mapping):
        return out
    perms = data.get("permissions")
    perms = perms if isinstance(perms, dict) else {}
    allow = perms.get("allow")
    if isinstance(allow, list):
        out.allow_rules = [_show(r) for r in allow]
    dirs = perms.get("additionalDirectories")
    if isinstance(dirs, list):
        out.additional_directories = [_show(d) for d in dirs]
    mode = perms.get("defaultMode")
    if mode is not None and mode not in RESTRICTIVE_MODES:
        out.default_mode = _show(mode)
    for key in perms:
        if key not in ("allow", "additionalDirectories", "defaultMode", "deny", "ask",
                       "disableBypassPermissionsMode"):
            out.other.append(f"permissions.{key}")
    hooks = data.get("hooks")
    if isinstance(hooks, dict):
        for event, groups in hooks.items():
            for group in groups if isinstance(groups, list) else [groups]:
                matcher = group.get("matcher") if isinstance(group, dict) else None
                where = f" [{matcher}]" if isinstance(matcher, str) and matcher else ""
                handlers = group.get("hooks") if isinstance(group, dict) else None
                for handler in handlers if isinstance(handlers, list) else [handlers]:
                    what = (handler.get("command") or handler.get("url") or handler.get("type"))\
                        if isinstance(handler, dict) else handler
                    out.hooks.append(f"{event}{where}: {_show(what)}")
    elif hooks is not None:
        out.hooks.append(f"hooks: {_show(hooks)}")
    env = data.get("env")
    if isinstance(env, dict):
        out.env = [f"{k}={_show(v)}" for k, v in env.items()]
    elif env is not None:
        out.env = [f"env: {_show(env)}"]
    for path in HELPER_KEYS:
        value = _get(data, path)
        if value is not None:
            out.helpers.append(f"{'.'.join(path)}: {_show(value)}")
    for key in ("enableAllProjectMcpServers", "enabledMcpjsonServers", "mcpServers"):
        if key in data:
            value = data[key]
            shown = ", ".join(value) if key == "mcpServers" and isinstance(value, dict) \
                else _show(value)
            out.mcp.append(f"{key}: {shown}")
    sandbox = data.get("sandbox")
    if sandbox is not None:
        for path, value in _leaves(sandbox, ("sandbox",)):
            if path not in _KEEP_LISTS:
                out.sandbox.append(f"{'.'.join(path)}: {_show(value)}")
    disable_hooks = data.get("disableAllHooks")
    if disable_hooks is not None and disable_hooks is not True:
        out.other.append("disableAllHooks")
    listed = {"permissions", "hooks", "env", "sandbox", "enableAllProjectMcpServers",
              "enabledMcpjsonServers", "mcpServers", "disabledMcpjsonServers",
              "disableAllHooks", *HARMLESS_KEYS, *(p[0] for p in HELPER_KEYS)}
    out.other += [key for key in data if key not in listed]
    return out


def gate(data: dict[str, Any], *, trusted: bool) -> tuple[list[str], str | None]:
    """Apply workspace trust to one repository file's data, in place.

    Args:
        data: the file's settings object (after schema and scope filtering).
        trusted: whether the workspace is trusted.

    Returns:
        ``(held_back, bypass)``: ``held_back`` names what was removed because the workspace is
        not trusted (empty when trusted); ``bypass`` is set when a ``defaultMode:
        "bypassPermissions"`` was removed (always, trusted or not).
    """
    bypass = None
    perms = data.get("permissions")
    if isinstance(perms, dict) and perms.get("defaultMode") == "bypassPermissions":
        del perms["defaultMode"]
        bypass = "bypassPermissions"
    if trusted:
        return [], bypass
    summary = grants_of(data)
    keep_paths = set(_KEEP_LISTS) | {(k,) for k in HARMLESS_KEYS}
    keep_paths.add(("permissions", "disableBypassPermissionsMode"))
    if isinstance(perms, dict) and perms.get("defaultMode") in RESTRICTIVE_MODES:
        keep_paths.add(("permissions", "defaultMode"))
    if data.get("disableAllHooks") is True:
        keep_paths.add(("disableAllHooks",))
    _filter(data, keep_paths, ())
    held = summary.summary()
    return ([held] if held else []), bypass


def _filter(obj: dict[str, Any], keep: set[tuple[str, ...]], prefix: tuple[str, ...]) -> None:
    """Remove from ``obj`` (in place, order kept) every key whose path is neither in ``keep``
    nor on the way to one; objects left empty by the removal go too."""
    for key in list(obj):
        path = (*prefix, key)
        if path in keep:
            continue
        below = obj[key]
        if isinstance(below, dict) and any(k[:len(path)] == path for k in keep):
            _filter(below, keep, path)
            if below:
                continue
        del obj[key]


def local_file_status(path: Path, env: Mapping[str, str] | None = None) -> str | None:
    """Why a ``.claude/settings.local.json`` counts as repository-supplied, or None.

    Returns:
        ``"a symlink"``, ``"tracked by git"``, ``"git could not say whether it is tracked"``
        (fail closed) or None (an ordinary untracked local file, or none).
    """
    try:
        if path.is_symlink():
            return "a symlink"
        if not path.exists():
            return None
    except OSError:
        return "unreadable"
    from tui.shell.gitrepo import SAFE_GIT_OPTIONS, discover, without_git_env

    env = os.environ if env is None else env
    clean_env = without_git_env(env)
    repo = discover(path.parent, clean_env)
    if repo is None or repo.work_tree is None:
        return None
    clean_env["GIT_OPTIONAL_LOCKS"] = "0"
    try:
        done = subprocess.run(
            ["git", *SAFE_GIT_OPTIONS, "ls-files", "--error-unmatch", "--", path.name],
            cwd=path.parent, env=clean_env, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return "git could not say whether it is tracked"
    if done.returncode == 0:
        return "tracked by git"
    if b"did not match" in done.stderr:
        return None
    return "git could not say whether it is tracked"


def is_repository_supplied(source: SettingsSource,
                           env: Mapping[str, str] | None = None) -> str | None:
    """Why ``source`` is supplied by the repository (so trust-gated), or None.

    The project file always is; a local file when tracked or a symlink (REF §4.3).
    """
    if source.path is None:
        return None
    if source.scope == "project":
        return "the project's shared settings"
    if source.scope == "local":
        why = local_file_status(source.path, env)
        return f"a local settings file that is {why}" if why else None
    return None
