"""What the ``/sandbox`` panel shows, as plain data the session builds (UI-free)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SandboxInfo"]


@dataclass(frozen=True)
class SandboxInfo:
    """What the screen shows (plain data, built by the session)."""

    enabled: bool
    available: bool
    auto_allow: bool
    settings_file: str
    write_paths: tuple[str, ...] = ()
    deny_write: tuple[str, ...] = ()
    deny_read: tuple[str, ...] = ()
    allow_read: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    denied_domains: tuple[str, ...] = ()
    excluded_commands: tuple[str, ...] = ()
    checks: tuple[tuple[str, bool, str], ...] = ()  # (name, ok, detail or fix)
    problems: tuple[str, ...] = field(default=())
