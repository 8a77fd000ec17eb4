"""Keeping a session's policy in step with the settings files on disk (UI-free).

REF §4.2 and §4.5: settings files are watched and hot-reloaded, and ``/permissions`` changes
apply from the next tool call, even mid-turn.  :class:`LiveSettings` reloads every scope in a
thread, then swaps the session's compiled policy in one assignment on the event loop (the engine
runs there too, so a decision never sees half a policy).  Rules granted "for this session" are
carried over; the mode is kept, except that a file turning on ``disableBypassPermissionsMode``
ends ``bypassPermissions``.  A broken file fails closed exactly as at start
(:func:`tui.settings.load_settings`), and its problem is reported.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.agent import events as ev

if TYPE_CHECKING:
    from tui.agent.session import AgentSession


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


class LiveSettings:
    """The settings watcher and reloader of one :class:`~tui.agent.session.AgentSession`."""

    def __init__(self, session: AgentSession) -> None:
        self.session = session
        self.reloads = 0
        """How many reloads were applied (tests and the benchmark wait on it)."""
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._own: dict[str, str | None] = {}
        self._reported: set[str] = set()

    @property
    def watching(self) -> bool:
        """True while the watcher task runs."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start watching (on the event loop, once the session has loaded its settings)."""
        if self._task is None:
            built = self.session.policy
            self._reported = {text for text, _ in built.notices} if built is not None else set()
            self._task = asyncio.create_task(self._watch(), name="warden-settings-watch")

    async def stop(self) -> None:
        """Stop watching and wait for the watcher to end."""
        self._stop.set()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass  # the cancellation we asked for

    async def _watch(self) -> None:
        from tui.settings.watch import watch_settings

        try:
            await watch_settings(self.session.config.cwd, self._changed, stop=self._stop)
        except OSError as exc:
            self.session.sink(ev.Notice(
                f"Settings files are not watched ({exc}); edits made outside Warden apply "
                "after a restart or after a change in /permissions.", "warning"))

    async def _changed(self, paths: set[Path]) -> None:
        external = any(self._own.get(str(p), "-") != _digest(p) for p in paths)
        try:
            await self.reload(paths, external=external)
        except Exception as exc:  # a bug here must be seen, and must not end the watcher
            self.session.sink(ev.Notice(f"Could not reload the settings: "
                                        f"{type(exc).__name__}: {exc}", "error"))

    def remember_write(self, path: Path) -> None:
        """Note that Warden itself just wrote ``path`` (its reload is then not "external")."""
        path = Path(os.path.abspath(path))
        self._own[str(path)] = _digest(path)

    async def written(self, *paths: Path) -> Any:
        """Warden wrote ``paths``: reload now rather than wait for the watcher; returns the
        new settings."""
        for path in paths:
            self.remember_write(path)
        return await self.reload(paths, external=False)

    async def reload(self, paths: Iterable[Path] = (), *, external: bool = True) -> Any:
        """Reload every scope and swap the policy; emits :class:`ev.SettingsReloaded`.

        Returns:
            The new :class:`~tui.settings.Settings`.
        """
        async with self._lock:
            if external and await self._blocked_by_hook(paths):
                return self.session.settings
            settings, policy = await asyncio.to_thread(self._load)
            old_sandbox = (self._sandbox_config(), self.session.perm_ctx.working_dirs,
                           self._deny_rules())
            self._apply(settings, policy)
            # The sandbox's writable binds are the working directories: rebuild it when they
            # change too (a directory added in /permissions), and when the deny rules behind
            # its masks change (both sandboxes, the read-only one included: issue 10).
            if (self._sandbox_config(), self.session.perm_ctx.working_dirs,
                    self._deny_rules()) != old_sandbox:
                await asyncio.to_thread(self.session._load_sandbox)
            self.reloads += 1
        problems = tuple(text for text, _ in policy.notices)
        new = tuple(p for p in problems if p not in self._reported)
        self._reported = set(problems)
        self.session.sink(ev.SettingsReloaded(tuple(str(p) for p in paths), problems, new,
                                              external))
        return settings

    async def _blocked_by_hook(self, paths: Iterable[Path]) -> bool:
        """Run the ConfigChange hooks (REF §8.4) for each changed file, with the hooks in force
        *before* the change; True when one blocks it, so the change is not applied (a change
        to managed settings cannot be blocked).  Warden's own writes do not fire them."""
        agent = self.session.agent
        if agent is None or agent.hooks is None:
            return False
        from tui.settings.paths import discover_sources

        scopes = {os.path.realpath(s.path): s.scope
                  for s in discover_sources(self.session.config.cwd) if s.path is not None}
        names = {"user": "user_settings", "project": "project_settings",
                 "local": "local_settings", "managed": "policy_settings"}
        for path in paths:
            source = names.get(scopes.get(os.path.realpath(path), ""), "")
            if not source:
                continue
            if await agent.config_change(source, str(path)):  # it says so in a notice
                return True
        return False

    def _deny_rules(self) -> tuple[str, ...]:
        """The deny rules' texts (``Read(...)``/``Edit(...)`` ones become sandbox masks)."""
        settings = self.session.settings
        if settings is None:
            return ()
        return tuple(sorted(e.text for e in settings.rules if e.behavior == "deny"))

    def _sandbox_config(self) -> object:
        settings = self.session.settings
        return settings.merged.get("sandbox") if settings is not None else None

    def _load(self) -> tuple[Any, Any]:
        """Rebuild the session's policy (in a thread): ``(settings, session_policy)``, through
        the one builder the session started with (:func:`tui.session_policy.
        build_session_policy`)."""
        from tui.session_policy import build_session_policy

        built = build_session_policy(self.session.policy_request())
        return built.settings, built

    def _apply(self, settings: Any, built: Any) -> None:
        """Swap in the new policy (on the event loop): session rules kept, directories
        recomputed, bypass ended when a file now disables it, ``env`` changes passed on."""
        session = self.session
        ctx = session.perm_ctx
        policy = built.policy
        for behavior in ("deny", "ask", "allow"):
            for rule in getattr(ctx.policy, behavior):
                if getattr(rule.source, "scope", None) == "session":
                    getattr(policy, behavior).append(rule)
        base = (session.config.cwd, *session.config.additional_dirs)
        extra = tuple(dict.fromkeys(p for p, _ in settings.additional_directories
                                    if p not in base))
        if settings.disable_bypass:
            session.bypass_in_cycle = False
            if ctx.mode == "bypassPermissions":
                ctx.mode = "default"
                session.sink(ev.ModeChanged("default"))
                session.sink(ev.Notice("bypassPermissions ended: a settings file now sets "
                                       "disableBypassPermissionsMode.", "warning"))
        ctx.working_dirs = (*base, *extra)
        ctx.policy = policy  # the swap: the next decide() sees the new rules
        old_env = session.policy.env if session.policy is not None else {}
        session.policy = built
        session.settings = settings
        agent = session.agent
        if agent is not None and agent.hooks is not None:
            from tui.hooks import HookSet

            agent.hooks.hooks = HookSet.from_settings(settings)
        if agent is not None and agent.tool_ctx.additional_dirs != ctx.working_dirs[1:]:
            agent.tool_ctx = replace(agent.tool_ctx, additional_dirs=ctx.working_dirs[1:])
        if agent is not None and built.env != old_env:
            agent.tool_ctx = replace(agent.tool_ctx, env=session.tool_env())
