"""Where settings files live, and the ``/path`` anchor of each source (``SPEC.md`` §1, REF §2.5).

``WARDEN_CONFIG_DIR`` (else Claude Code's own ``CLAUDE_CONFIG_DIR``) moves the user directory
(``~/.claude``), and ``WARDEN_MANAGED_DIR`` the managed one (Claude Code's per-system location,
:data:`MANAGED_DIRS`); tests always set both.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from tui.settings.model import SettingsSource

MANAGED_DIRS: dict[str, str] = {
    "linux": "/etc/claude-code",
    "darwin": "/Library/Application Support/ClaudeCode",
    "win32": "C:\\Program Files\\ClaudeCode",
}
"""Where Claude Code reads managed settings, by ``sys.platform`` (``SPEC.md`` §1, REF §4.1);
other systems use the Linux path."""
MANAGED_FILE = "managed-settings.json"
MANAGED_DROPINS = "managed-settings.d"


def user_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user settings directory: ``$WARDEN_CONFIG_DIR``, else ``$CLAUDE_CONFIG_DIR`` (as
    Claude Code honours it), else ``~/.claude``."""
    env = os.environ if env is None else env
    configured = env.get("WARDEN_CONFIG_DIR") or env.get("CLAUDE_CONFIG_DIR")
    return Path(configured) if configured else home_dir(env) / ".claude"


def managed_dir(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The managed settings directory: ``$WARDEN_MANAGED_DIR``, else Claude Code's location on
    this system (:data:`MANAGED_DIRS`: ``/etc/claude-code`` on Linux)."""
    env = os.environ if env is None else env
    if env.get("WARDEN_MANAGED_DIR"):
        return Path(env["WARDEN_MANAGED_DIR"])
    system = sys.platform if platform is None else platform
    return Path(MANAGED_DIRS.get(system, MANAGED_DIRS["linux"]))


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$HOME`` from ``env`` if set, else the process's home directory."""
    env = os.environ if env is None else env
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def user_settings_path(env: Mapping[str, str] | None = None) -> Path:
    """``<user dir>/settings.json``."""
    return user_dir(env) / "settings.json"


def project_settings_path(cwd: Path) -> Path:
    """``<cwd>/.claude/settings.json`` (the start folder only, no parent fallback; REF §4.1)."""
    return cwd / ".claude" / "settings.json"


def local_settings_path(cwd: Path) -> Path:
    """``<cwd>/.claude/settings.local.json``, where "always allow" answers are saved."""
    return cwd / ".claude" / "settings.local.json"


def managed_settings_paths(env: Mapping[str, str] | None = None) -> list[Path]:
    """The managed files in merge order: ``managed-settings.json``, then
    ``managed-settings.d/*.json`` alphabetically, hidden and non-``.json`` entries skipped
    (REF §4.1).  Later files win for scalars.  Paths may not exist."""
    base = managed_dir(env)
    paths = [base / MANAGED_FILE]
    dropins = base / MANAGED_DROPINS
    try:
        names = sorted(os.listdir(dropins))
    except OSError:
        names = []
    paths += [dropins / n for n in names if n.endswith(".json") and not n.startswith(".")]
    return paths


def discover_sources(cwd: Path, env: Mapping[str, str] | None = None) -> list[SettingsSource]:
    """Every settings file that applies in ``cwd``, highest scope first (files may not exist):
    managed files, local, project, user.  The command line is not a file and is not listed.
    A path listed twice (a session started in the home directory) is kept once, first scope."""
    found = [SettingsSource("managed", p) for p in managed_settings_paths(env)]
    found += [
        SettingsSource("local", local_settings_path(cwd)),
        SettingsSource("project", project_settings_path(cwd)),
        SettingsSource("user", user_settings_path(env)),
    ]
    seen: set[str] = set()
    out: list[SettingsSource] = []
    for source in found:
        assert source.path is not None
        key = os.path.realpath(source.path)
        if key not in seen:
            seen.add(key)
            out.append(source)
    return out


def anchor_for(source: SettingsSource, cwd: Path, env: Mapping[str, str] | None = None) -> Path:
    """The directory a ``/path`` rule pattern (and a relative ``additionalDirectories`` entry) of
    ``source`` is relative to (REF §2.5): managed → the managed directory; a ``--settings`` file →
    its directory; local, project, CLI flags, inline JSON and session → ``cwd``; user → the user
    directory."""
    if source.scope == "managed":
        return managed_dir(env)
    if source.scope == "user":
        return user_dir(env) if source.path is None else source.path.parent
    if source.scope == "command line" and source.path is not None:
        return source.path.parent
    return cwd
