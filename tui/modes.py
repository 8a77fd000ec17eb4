"""Permission modes (``SPEC.md`` §6, REF §3): the one home of their names, aliases and classes,
the Shift+Tab cycle, and start-up checks (a leaf module: settings, permissions and the UI all
import it)."""

from __future__ import annotations

import os
from typing import Literal

Mode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]

MODES: tuple[Mode, ...] = ("default", "acceptEdits", "plan", "dontAsk", "bypassPermissions")
"""Every mode Warden implements (``auto`` is not implemented, ``SPEC.md`` §6)."""

ALIASES = {"manual": "default"}
"""Accepted spellings that mean another mode (REF §3: ``manual`` is ``default``)."""

UNIMPLEMENTED_MODES: tuple[str, ...] = ("auto", "delegate")
"""Valid for Claude Code, not implemented by Warden: a setting naming one is warned about and
ignored (``SPEC.md`` §6)."""

PERMISSIVE_MODES: frozenset[str] = frozenset({"acceptEdits", "bypassPermissions", "auto"})
"""Start modes that widen what runs without a prompt: never taken from a settings file that
breaks the schema (``SPEC.md`` §1, fail closed)."""

RESTRICTIVE_MODES: frozenset[str] = frozenset({"default", "manual", "plan", "dontAsk"})
"""Start modes that only take away: an untrusted repository may still choose one (workspace
trust, :mod:`tui.settings.trustgate`)."""

SETTINGS_VALUES: tuple[str, ...] = (*MODES[:1], *ALIASES, *MODES[1:], *UNIMPLEMENTED_MODES)
"""Every value ``permissions.defaultMode`` may hold, in the order the schema lists them."""

LABELS: dict[str, str] = {
    "default": "default (ask before edits and commands)",
    "acceptEdits": "accept edits",
    "plan": "plan (read-only)",
    "dontAsk": "don't ask (deny what is not allowed)",
    "bypassPermissions": "bypass permissions",
}
"""What the status line and ``warden check`` call each mode."""


class ModeError(ValueError):
    """A mode that does not exist or may not be used here; the message says why."""


def normalise_mode(name: str) -> Mode:
    """The canonical mode for ``name``.

    Raises:
        ModeError: unknown mode (``auto`` included: Warden does not implement it).
    """
    canonical = ALIASES.get(name, name)
    if canonical not in MODES:
        raise ModeError(
            f"unknown permission mode {name!r}; use one of: {', '.join(MODES)}"
        )
    return canonical


def running_as_root() -> bool:
    """True when the process runs as root (``geteuid() == 0``) on a POSIX system."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def in_recognised_sandbox(env: dict[str, str] | None = None) -> bool:
    """True inside a container or sandbox Warden recognises (Docker, Podman, devcontainer).

    REF §3.2: bypass is refused for root unless inside a recognised sandbox.
    """
    env = dict(os.environ) if env is None else env
    if env.get("WARDEN_SANDBOXED") == "1" or env.get("DEVCONTAINER") or env.get("container"):
        return True
    return os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv")


def check_start_mode(mode: Mode, *, disable_bypass: bool, as_root: bool | None = None,
                     sandboxed: bool | None = None) -> None:
    """Refuse a start mode that policy forbids.

    Raises:
        ModeError: ``bypassPermissions`` while ``disableBypassPermissionsMode`` is set, or as
            root outside a recognised sandbox (REF §3.2, ``SPEC.md`` §6).
    """
    if mode != "bypassPermissions":
        return
    if disable_bypass:
        raise ModeError("bypassPermissions is disabled by policy "
                        "(permissions.disableBypassPermissionsMode is \"disable\")")
    root = running_as_root() if as_root is None else as_root
    boxed = in_recognised_sandbox() if sandboxed is None else sandboxed
    if root and not boxed:
        raise ModeError("bypassPermissions cannot be used as root outside a container or "
                        "sandbox; run Warden as an ordinary user")


def next_mode(current: str, *, bypass_in_cycle: bool) -> Mode:
    """The mode Shift+Tab moves to: default → acceptEdits → plan (→ bypass) → default.

    ``dontAsk`` is never in the cycle (flag-only); from it, or from any name that is not a
    mode in the cycle (``current`` is the session's mode string), Shift+Tab goes to ``default``.
    """
    cycle: list[Mode] = ["default", "acceptEdits", "plan"]
    if bypass_in_cycle:
        cycle.append("bypassPermissions")
    if current not in cycle:
        return "default"
    return cycle[(cycle.index(current) + 1) % len(cycle)]
