"""An agent session: config in, a connected :class:`~tui.agent.loop.Agent` out (UI-free).

Connecting imports the Anthropic SDK and pydantic, which takes over a second; it runs in a
thread so the first screen is painted without waiting for it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from tui.agent import events as ev
from tui.agent.loop import Agent, Sink
from tui.config import AppConfig
from tui.permissions import PermissionContext


class NoApiKey(RuntimeError):
    """No API key in the environment or the keychain; ``detail`` says what was tried."""

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or "no API key found")
        self.detail = detail


class AgentSession:
    """Owns the client, the tools and the agent for one run of Warden."""

    def __init__(self, config: AppConfig, sink: Sink) -> None:
        self.config = config
        self.sink = sink
        self.agent: Agent | None = None
        self.recorder: Any = None
        self.perm_ctx = PermissionContext(working_dirs=(config.cwd, *config.additional_dirs),
                                          mode=config.permission_mode or "default")
        self.bypass_in_cycle = config.permission_mode == "bypassPermissions"
        self.local_settings = config.cwd / ".claude" / "settings.local.json"
        self._pending_notices: list[tuple[str, str]] = []
        self._ready = asyncio.Event()

    @property
    def ready(self) -> bool:
        """True once :meth:`connect` has finished."""
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        """Wait until :meth:`connect` has finished."""
        await self._ready.wait()

    async def connect(self) -> str:
        """Find the key, import the SDK, build the client, tools and agent.

        Returns:
            The model name in use (also reported as :class:`ModelResolved`).

        Raises:
            NoApiKey: no key was configured and none is in the environment or keychain.
        """
        return await asyncio.to_thread(self._connect_sync)

    def _connect_sync(self) -> str:
        from tui.agent.client import ClientConfig, make_client
        from tui.agent.models import newest_sonnet
        from tui.agent.prompt import system_prompt
        from tui.credentials import find_api_key
        from tui.tools import default_tools
        from tui.tools.base import ToolContext

        cfg = self.config
        self._load_policy()
        key = cfg.api_key
        if key is None:
            lookup = find_api_key()
            if lookup.key is None:
                raise NoApiKey(lookup.problem)
            key = lookup.key
        base_url = cfg.base_url
        if base_url is None and cfg.base_url_factory is not None:
            base_url = cfg.base_url_factory()
        client, self.recorder = make_client(
            ClientConfig(api_key=key, base_url=base_url, record_to=cfg.record_to)
        )
        model = cfg.model or newest_sonnet()
        env = {**os.environ, **cfg.extra_env} if cfg.extra_env else None
        tool_ctx = ToolContext(cwd=cfg.cwd, additional_dirs=self.perm_ctx.working_dirs[1:],
                               env=env)
        self.agent = Agent(
            client=client,
            model=model,
            tools=default_tools(),
            tool_ctx=tool_ctx,
            perm_ctx=self.perm_ctx,
            sink=self.sink,
            system=system_prompt(cfg.cwd, self.perm_ctx.working_dirs[1:]),
            grant=self.grant,
        )
        return model

    def _load_policy(self) -> None:
        """Load every settings scope, compile the rules, and settle the start mode.

        Runs in the connect thread (jsonschema and the rule parser are not needed before the
        first frame).  Problems become notices; a refused mode falls back to ``default``.
        """
        from tui.permissions.modes import ModeError, check_start_mode, normalise_mode
        from tui.permissions.policy import Policy
        from tui.settings import load_settings

        cfg = self.config
        settings = load_settings(cfg.cwd, cli=cfg.cli_settings)  # type: ignore[arg-type]
        policy = Policy.from_entries(settings.rules)
        policy.allow_managed_only = settings.allow_managed_rules_only
        for problem in settings.problems:
            severity = "error" if getattr(problem, "severity", "error") == "error" else "warning"
            self._pending_notices.append((str(problem), severity))
        for warning in policy.warnings:
            self._pending_notices.append((warning, "warning"))
        extra = tuple(p for p, _ in settings.additional_directories
                      if p not in self.perm_ctx.working_dirs)
        requested = cfg.permission_mode or settings.default_mode or "default"
        try:
            mode = normalise_mode(requested)
            check_start_mode(mode, disable_bypass=settings.disable_bypass)
        except ModeError as exc:
            self._pending_notices.append((f"Starting in default mode: {exc}", "error"))
            mode = "default"
        self.bypass_in_cycle = mode == "bypassPermissions"
        self.perm_ctx.policy = policy
        self.perm_ctx.mode = mode
        self.perm_ctx.working_dirs = (*self.perm_ctx.working_dirs, *extra)

    def set_mode(self, mode: str) -> None:
        """Change the permission mode; applies from the next tool call."""
        self.perm_ctx.mode = mode
        self.sink(ev.ModeChanged(mode))

    def grant(self, kind: str, rules: tuple[str, ...]) -> None:
        """Add rules the user granted: for the session, or saved to the local settings file.

        A rule that does not parse, or a file that cannot be written, is reported as a notice;
        the call the user approved still runs once.
        """
        from tui.permissions.policy import SessionSource

        if kind == "allow_session":
            for text in rules:
                if self.perm_ctx.policy.add(text, "allow", anchor=self.config.cwd,
                                            source=SessionSource()) is None:
                    self.sink(ev.Notice(self.perm_ctx.policy.warnings[-1], "warning"))
            return
        from tui.settings.model import SettingsSource
        from tui.settings.writer import SettingsWriteError, add_rule, ensure_local_settings_ignored

        source = SettingsSource("local", self.local_settings)
        for text in rules:
            if self.perm_ctx.policy.add(text, "allow", anchor=self.config.cwd,
                                        source=source) is None:
                self.sink(ev.Notice(self.perm_ctx.policy.warnings[-1], "warning"))
                continue
            try:
                add_rule(self.local_settings, "allow", text)
            except (SettingsWriteError, OSError) as exc:
                self.sink(ev.Notice(f"Could not save {text} to {self.local_settings}: {exc}. "
                                    "It applies for this session only.", "error"))
                continue
            self.sink(ev.Notice(f"Saved {text} to {self.local_settings}."))
        ignored = ensure_local_settings_ignored(self.local_settings, self.config.cwd)
        if ignored:
            self.sink(ev.Notice(ignored))

    def mark_ready(self, model: str) -> None:
        """Called on the event loop after :meth:`connect` succeeded."""
        self._ready.set()
        self.sink(ev.ModelResolved(model))
        self.sink(ev.ModeChanged(self.perm_ctx.mode))
        for text, severity in self._pending_notices:
            self.sink(ev.Notice(text, severity))
        self._pending_notices.clear()

    async def run_turn(self, prompt: str) -> str:
        """Run one turn (waits for :meth:`connect` first)."""
        await self.wait_ready()
        assert self.agent is not None
        return await self.agent.run_turn(prompt)

    async def aclose(self) -> None:
        """Close the HTTP client (call before the event loop ends)."""
        if self.agent is not None:
            await self.agent.client.close()

    def clear(self) -> None:
        """Forget the conversation."""
        if self.agent is not None:
            self.agent.clear()

    def save_recording(self, prompt: str) -> Path | None:
        """Write the recorded cassette when ``--record`` was given; returns its path."""
        if self.recorder is None or self.config.record_to is None or self.agent is None:
            return None
        path: Path = self.config.record_to
        self.recorder.save(path, cwd=self.config.cwd, model=self.agent.model, prompt=prompt)
        return path
