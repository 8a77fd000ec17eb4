"""Settings: Claude Code's settings files, read and written so a team's policy means the same.

Scopes and file locations follow ``SPEC.md`` §1; merging REF §4.2; fail closed ``SPEC.md`` §1.

* :mod:`tui.settings.model` — the data model (:class:`SettingsSource`, :class:`RuleEntry`,
  :class:`SettingsProblem`, :class:`LoadedFile`, :class:`Settings`, :class:`CliSettings`);
* :mod:`tui.settings.loader` — :func:`load_settings` (discover, validate, fail closed, merge);
* :mod:`tui.settings.paths` — where the files are and each source's ``/path`` anchor;
* :mod:`tui.settings.writer` — adding, removing and moving rules in a file, atomically;
* :mod:`tui.settings.schema` — validation against Warden's ``schema.json`` (or another schema).

:func:`load_scalars` is the walking skeleton's view (top-level scalars only), kept for its callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.settings.loader import load_settings
from tui.settings.model import (
    CliSettings,
    LoadedFile,
    RuleEntry,
    Scope,
    Settings,
    SettingsProblem,
    SettingsSource,
)
from tui.settings.paths import (
    anchor_for,
    discover_sources,
    local_settings_path,
    managed_dir,
    project_settings_path,
    user_dir,
    user_settings_path,
)

__all__ = [
    "CliSettings", "LoadedFile", "LoadedSettings", "RuleEntry", "SCOPES", "Scope", "Settings",
    "SettingsFile", "SettingsProblem", "SettingsSource", "anchor_for", "discover_sources",
    "load_scalars", "load_settings", "local_settings_path", "managed_dir",
    "project_settings_path", "settings_files", "user_dir", "user_settings_path",
]

#: File scopes from highest to lowest precedence (``SPEC.md`` §1).
SCOPES = ("managed", "command line", "local", "project", "user")


@dataclass(frozen=True)
class SettingsFile:
    """One settings file of one scope, as found on disk (may not exist)."""

    scope: str
    path: Path


@dataclass
class LoadedSettings:
    """Merged top-level scalar settings plus the problems met while loading.

    ``values`` maps a key to its merged scalar value; ``sources`` says which file set it;
    ``problems`` are ``str(SettingsProblem)`` lines naming the file, line and column.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, SettingsFile] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def settings_files(cwd: Path, env: Mapping[str, str] | None = None) -> list[SettingsFile]:
    """The settings files that apply in ``cwd``, highest precedence first (may not exist)."""
    return [SettingsFile(s.scope, s.path) for s in discover_sources(cwd, env) if s.path]


def load_scalars(cwd: Path, env: Mapping[str, str] | None = None, *,
                 trusted_project: bool = False) -> LoadedSettings:
    """The top-level scalar keys of the merged settings (highest scope wins), from
    :func:`load_settings`; never raises.  A broken file contributes nothing it would not
    contribute to :func:`load_settings` and adds its problems; an untrusted repository's files
    only what :mod:`tui.settings.trustgate` keeps."""
    settings = load_settings(cwd, env=env, trusted_project=trusted_project)
    out = LoadedSettings(problems=[str(p) for p in settings.problems])
    # Highest source first; among managed files the later one wins.
    managed = [f for f in settings.files if f.source.scope == "managed"]
    ordered = [*reversed(managed), *(f for f in settings.files if f.source.scope != "managed")]
    for loaded in ordered:
        if loaded.source.path is None or not loaded.data:
            continue
        for key, value in loaded.data.items():
            if isinstance(value, (str, int, float, bool)) and key not in out.values:
                out.values[key] = value
                out.sources[key] = SettingsFile(loaded.source.scope, loaded.source.path)
    return out
