"""One policy, built one way: the settings, rules, start mode, working directories, trust,
``env`` and sandbox configuration of a session, for every caller.

The TUI session (at start and on every reload), ``warden check``, ``warden sandbox run`` /
``warden doctor`` and headless ``-p`` runs all call :func:`build_session_policy`, so a call is
decided the same way wherever it is asked about (issue 11 item 4).  This module does no I/O
beyond loading the settings files (:func:`tui.settings.load_settings`) and never starts a
process other than the ``git ls-files`` that tells whether a local settings file is tracked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.permissions.policy import Policy
    from tui.permissions.sandbox_mode import SandboxState
    from tui.settings.model import CliSettings, Settings, SettingsSource

__all__ = ["PolicyRequest", "SECRET_ENV_VARS", "SessionPolicy", "build_session_policy",
           "command_env", "settings_env"]

SECRET_ENV_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "WARDEN_API_KEY")
"""Variables Warden uses to reach the model; never passed to the commands or hooks it runs,
whatever the ``env`` setting says (``SPEC.md`` §9)."""


def command_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for the commands and hooks Warden runs: its own credentials removed.

    The model could otherwise read the API key with ``echo $ANTHROPIC_API_KEY`` and send it
    anywhere a command reaches (``SPEC.md`` §9: secrets never leave through a tool).
    """
    return {k: v for k, v in env.items() if k not in SECRET_ENV_VARS}


@dataclass(frozen=True)
class PolicyRequest:
    """What a session's policy is built from.

    Attributes:
        cwd: the start directory (absolute).
        cli: the command-line layer: ``--settings``, ``--allowedTools``, ``--disallowedTools``
            (a :class:`tui.settings.model.CliSettings`), or None.
        add_dirs: ``--add-dir`` directories (absolute).
        permission_mode: ``--permission-mode`` (or ``--dangerously-skip-permissions``), or
            None for the settings' ``defaultMode``.
        trusted_project: workspace trust (REF §7.3): whether the repository-supplied files may
            grant.  False keeps only their deny and ask rules.
        env: the process environment for the settings paths (``WARDEN_CONFIG_DIR``, ``HOME``);
            None means ``os.environ``.
        only: read exactly these file sources instead of discovering them (``warden check
            --settings``); None discovers every scope.
        check_root: refuse ``bypassPermissions`` as root outside a container (REF §3.2);
            ``warden check`` turns it off, since it describes the policy, not this machine.
    """

    cwd: Path
    cli: CliSettings | None = None
    add_dirs: tuple[Path, ...] = ()
    permission_mode: str | None = None
    trusted_project: bool = False
    env: Mapping[str, str] | None = None
    only: Sequence[SettingsSource] | None = None
    check_root: bool = True


@dataclass
class SessionPolicy:
    """The policy of one session, as every caller sees it.

    Attributes:
        request: what it was built from.
        settings: the merged settings (:class:`tui.settings.Settings`).
        policy: the compiled rules (:class:`tui.permissions.policy.Policy`).
        mode: the start mode after the checks (a refused mode becomes ``default``).
        bypass_in_cycle: Shift+Tab may reach ``bypassPermissions`` (the session started in it).
        working_dirs: cwd, ``--add-dir`` directories, then ``additionalDirectories`` (absolute).
        env: the ``env`` setting's variables for tool subprocesses and hooks (string values
            only, Warden's own credentials removed).
        sandbox: the :class:`tui.permissions.sandbox_mode.SandboxState` the settings ask for (no
            runner yet: starting bubblewrap is the session's job).
        notices: ``(text, severity)`` lines for the user: settings problems, rule warnings, a
            refused start mode, unimplemented keys.
    """

    request: PolicyRequest
    settings: Settings
    policy: Policy
    mode: str
    bypass_in_cycle: bool
    working_dirs: tuple[Path, ...]
    env: dict[str, str]
    sandbox: SandboxState
    notices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def trusted_project(self) -> bool:
        """Whether the repository-supplied files could grant."""
        return self.request.trusted_project


def settings_env(merged: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """The ``env`` setting as subprocess variables (REF §4.2: merged key by key across scopes).

    Returns:
        ``(variables, problems)``: string values only; Warden's credentials
        (:data:`SECRET_ENV_VARS`) are left out with a problem, as are non-string values.
    """
    raw = merged.get("env")
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, ["env: must be an object of NAME: \"value\"; ignored"]
    out: dict[str, str] = {}
    problems: list[str] = []
    for name, value in raw.items():
        if name in SECRET_ENV_VARS:
            problems.append(f"env.{name}: Warden never passes its API credentials to commands "
                            "or hooks; ignored for them")
        elif isinstance(value, str):
            out[str(name)] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[str(name)] = str(value)
        else:
            problems.append(f"env.{name}: must be a string; ignored")
    return out, problems


def sandbox_state(merged: Mapping[str, object]) -> SandboxState:
    """The ``sandbox.*`` switches (REF §6.2) as a
    :class:`~tui.permissions.sandbox_mode.SandboxState` with no runner."""
    from tui.permissions.sandbox_mode import SandboxState

    raw = merged.get("sandbox")
    raw = raw if isinstance(raw, dict) else {}
    excluded = raw.get("excludedCommands")
    return SandboxState(
        enabled=raw.get("enabled") is True,
        auto_allow=raw.get("autoAllowBashIfSandboxed") is not False,
        allow_unsandboxed=raw.get("allowUnsandboxedCommands") is not False,
        fail_if_unavailable=raw.get("failIfUnavailable") is True,
        excluded_commands=tuple(e for e in excluded if isinstance(e, str))
        if isinstance(excluded, list) else (),
    )


def build_session_policy(request: PolicyRequest) -> SessionPolicy:
    """Load every settings scope and settle the session's policy.

    Never raises for bad files, flags or modes: they become :attr:`SessionPolicy.notices`
    and fail closed (``SPEC.md`` §1).  The start mode is ``--permission-mode``, else the highest
    valid ``defaultMode``, refused (back to ``default``, with a notice) when
    ``disableBypassPermissionsMode`` is set or Warden runs as root outside a container
    (``SPEC.md`` §6, REF §3.2).
    """
    from dataclasses import replace

    from tui.modes import ModeError, check_start_mode, normalise_mode
    from tui.permissions.policy import Policy
    from tui.settings import load_settings
    from tui.settings.model import CliSettings

    cwd = Path(os.path.abspath(request.cwd))
    cli = request.cli or CliSettings()
    cli = replace(cli, add_dirs=tuple(request.add_dirs) or cli.add_dirs)
    settings = load_settings(cwd, env=request.env, cli=cli, only=request.only,
                             trusted_project=request.trusted_project)
    policy = Policy.from_entries(settings.rules)
    policy.allow_managed_only = settings.allow_managed_rules_only
    notices: list[tuple[str, str]] = []
    for problem in settings.problems:
        notices.append((str(problem), "error" if problem.severity == "error" else "warning"))
    notices += [(w, "warning") for w in policy.warnings]
    try:
        from tui.settings.known_keys import unimplemented_keys
    except ImportError:  # pragma: no cover - the table lands with its own change
        pass
    else:
        notices += [(str(p), "warning") for p in unimplemented_keys(settings)]

    working: list[Path] = [cwd]
    for path, _source in settings.additional_directories:
        if path not in working:
            working.append(path)
    requested = request.permission_mode or settings.default_mode or "default"
    try:
        mode: str = normalise_mode(requested)
        check_start_mode(mode, disable_bypass=settings.disable_bypass,  # type: ignore[arg-type]
                         as_root=None if request.check_root else False)
    except ModeError as exc:
        notices.append((f"Starting in default mode: {exc}", "error"))
        mode = "default"
    env, env_problems = settings_env(settings.merged)
    notices += [(p, "warning") for p in env_problems]
    return SessionPolicy(
        request=request, settings=settings, policy=policy, mode=mode,
        bypass_in_cycle=mode == "bypassPermissions", working_dirs=tuple(working), env=env,
        sandbox=sandbox_state(settings.merged), notices=notices)
