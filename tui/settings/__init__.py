"""Settings files: where they are and, for now, the scalar keys the walking skeleton needs.

Scopes and file locations follow ``SPEC.md`` §1 (Claude Code's files, so a team's policy applies
unchanged).  ``WARDEN_CONFIG_DIR`` moves the user directory (``~/.claude``) and
``WARDEN_MANAGED_DIR`` the managed one (``/etc/claude-code``); tests always set both.  The full
loader (validation, arrays, rules, watching) is the permission-engine issue's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Scopes from highest to lowest precedence (``SPEC.md`` §1).
SCOPES = ("managed", "command line", "local", "project", "user")


@dataclass(frozen=True)
class SettingsFile:
    """One settings file of one scope, as found on disk."""

    scope: str
    path: Path


@dataclass
class LoadedSettings:
    """Merged scalar settings plus the problems met while loading.

    ``problems`` are sentences naming the file, line and column and what to do.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, SettingsFile] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def user_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user settings directory: ``$WARDEN_CONFIG_DIR`` or ``~/.claude``."""
    env = os.environ if env is None else env
    return Path(env.get("WARDEN_CONFIG_DIR") or Path.home() / ".claude")


def managed_dir(env: Mapping[str, str] | None = None) -> Path:
    """The managed settings directory: ``$WARDEN_MANAGED_DIR`` or ``/etc/claude-code``."""
    env = os.environ if env is None else env
    return Path(env.get("WARDEN_MANAGED_DIR") or "/etc/claude-code")


def settings_files(cwd: Path, env: Mapping[str, str] | None = None) -> list[SettingsFile]:
    """The settings files that apply in ``cwd``, highest precedence first (may not exist)."""
    managed = managed_dir(env)
    files = [SettingsFile("managed", managed / "managed-settings.json")]
    dropins = managed / "managed-settings.d"
    if dropins.is_dir():
        files += [SettingsFile("managed", p) for p in sorted(dropins.glob("*.json"))]
    files += [
        SettingsFile("local", cwd / ".claude" / "settings.local.json"),
        SettingsFile("project", cwd / ".claude" / "settings.json"),
        SettingsFile("user", user_dir(env) / "settings.json"),
    ]
    return files


def load_scalars(cwd: Path, env: Mapping[str, str] | None = None) -> LoadedSettings:
    """Read every settings file and merge top-level scalar keys (highest scope wins).

    A file that is not valid JSON contributes nothing and adds a problem naming its line and
    column; it never raises.
    """
    out = LoadedSettings()
    for sf in settings_files(cwd, env):
        try:
            text = sf.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except OSError as exc:
            out.problems.append(f"{sf.path}: cannot be read ({exc.strerror}); it was ignored.")
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            out.problems.append(
                f"{sf.path}:{exc.lineno}:{exc.colno}: invalid JSON ({exc.msg}); its settings "
                "were ignored. Fix the file (comments are not allowed in settings files)."
            )
            continue
        if not isinstance(data, dict):
            out.problems.append(f"{sf.path}: the top level must be a JSON object; ignored.")
            continue
        for key, value in data.items():
            if isinstance(value, (str, int, float, bool)) and key not in out.values:
                out.values[key] = value
                out.sources[key] = sf
    return out
