"""Everything a Warden session is started with (built by the CLI, read by the app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx2

    from tui.settings.model import CliSettings


class Recording(Protocol):
    """Keeps a session's model traffic for ``warden --record`` (:class:`tui.demo.recorder.
    Recorder` is one).  The command line provides it; the agent's client sends every request
    through :meth:`transport`, and the session calls :meth:`save` on exit, so the agent never
    imports the recorder (which sits with the replay server in :mod:`tui.demo`, above it)."""

    def transport(self) -> httpx2.AsyncBaseTransport:
        """A transport that forwards each request and records the Messages API exchanges."""
        ...

    def save(self, path: Path, *, cwd: Path, model: str | None = None,
             prompt: str | None = None) -> object:
        """Write what was recorded to ``path``."""
        ...


@dataclass
class AppConfig:
    """How this session runs.

    Attributes:
        cwd: the working directory (absolute, resolved).
        additional_dirs: ``--add-dir`` directories.
        model: the model the user asked for, or ``None`` for the SDK's newest Sonnet.
        api_key: the key to use; ``None`` means "look it up" (environment, then keychain).
        base_url: the API's base URL, ``None`` for the default.
        base_url_factory: called in the connect thread when ``base_url`` is ``None`` (the demo
            starts its replay server there, after the first frame is painted).
        label: shown in the status line; the demo sets "Demo: recorded model responses".
        initial_prompt: pre-filled in the input (the demo's recorded prompt).
        record_to: record the session's exchanges into this cassette file.
        recorder_factory: with :attr:`record_to`, called in the connect thread (the recorder's
            transport imports the SDK) for the :class:`Recording` that keeps the exchanges.
        extra_env: variables added to the environment of Bash commands.
        notices: messages to show in the chat at start (settings problems...).
        permission_mode: ``--permission-mode`` (``None``: settings ``defaultMode``, else default).
        cli_settings: ``--settings``, ``--allowedTools``, ``--disallowedTools`` (a
            :class:`tui.settings.model.CliSettings`), or ``None``.
        trusted_project: workspace trust (REF §7.3): True when the folder's repository-supplied
            settings may grant (allow rules, ``additionalDirectories``, hooks, ``env``, helper
            commands).  False (the default: fail closed) applies only their deny and ask rules.
        ask_trust: show the trust screen before connecting (the folder has no stored decision);
            the answer sets :attr:`trusted_project`.
        mcp_configs: ``--mcp-config`` files (absolute): MCP server definitions of the command
            line scope (:mod:`tui.mcp.config`).
    """

    cwd: Path
    additional_dirs: tuple[Path, ...] = ()
    model: str | None = None
    api_key: str | None = None
    base_url: str | None = None
    base_url_factory: Callable[[], str] | None = None
    label: str = ""
    initial_prompt: str = ""
    record_to: Path | None = None
    recorder_factory: Callable[[], Recording] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    permission_mode: str | None = None
    cli_settings: CliSettings | None = None
    trusted_project: bool = False
    ask_trust: bool = False
    mcp_configs: tuple[Path, ...] = ()

    @property
    def is_demo(self) -> bool:
        """True when a recorded model answers instead of the real API."""
        return self.label.startswith("Demo")
