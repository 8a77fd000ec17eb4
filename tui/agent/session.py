"""An agent session: config in, a connected :class:`~tui.agent.loop.Agent` out (UI-free).

Connecting imports the Anthropic SDK and pydantic, which takes over a second; it runs in a
thread so the first screen is painted without waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.agent import events as ev
from tui.config import AppConfig
from tui.permissions.context import PermissionContext
from tui.session_policy import SECRET_ENV_VARS, command_env

if TYPE_CHECKING:
    from tui.agent.loop import Agent, Sink
    from tui.permissions.sandbox_mode import SandboxState
    from tui.session_policy import PolicyRequest
    from tui.tools.web_isolation import IsolatedModel

__all__ = ["SECRET_ENV_VARS", "AgentSession", "NoApiKey", "command_env"]





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
        from tui.settings.paths import local_settings_path

        self.local_settings = local_settings_path(config.cwd)
        self.policy: Any = None
        """The :class:`tui.session_policy.SessionPolicy` in force (None before connecting)."""
        self._pending_notices: list[tuple[str, str]] = []
        self.settings: Any = None
        self.sandbox_policy: Any = None
        self.network: Any = None
        self._ready = asyncio.Event()
        self._session_start: asyncio.Task[None] | None = None
        """The SessionStart hooks' run (REF §8.2), awaited before the first turn."""
        from tui.agent.live_settings import LiveSettings
        from tui.agent.recent import RecentCalls

        self.recent = RecentCalls()
        """The last asked and denied calls (``/permissions``, "allow this next time")."""
        self.live = LiveSettings(self)
        """Watches the settings files and reloads the policy (:meth:`reload_policy`)."""
        self.mcp: Any = None
        """The :class:`tui.mcp.manager.McpManager` once MCP has started (after the first
        frame: :meth:`start_mcp`), else None."""
        self.mcp_ask: Any = None
        """Puts an MCP approval (:class:`tui.mcp.manager.McpApproval`) to the user; set by the
        UI.  None: nothing is asked, and pending servers and tools stay off."""
        self._mcp_start: asyncio.Task[None] | None = None

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
        from tui.agent.models import resolve_model
        from tui.agent.prompt import system_prompt
        from tui.credentials import find_api_key
        from tui.tools import default_tools
        from tui.tools.base import ToolContext

        cfg = self.config
        self._load_policy()
        key = cfg.api_key
        if key is None:
            helper = self.policy.settings.merged.get("apiKeyHelper")
            lookup = find_api_key(
                helper=helper if isinstance(helper, str) and helper.strip() else None,
                helper_cwd=cfg.cwd,
                helper_env=self.tool_env(include_extra=False))
            if lookup.key is None:
                raise NoApiKey(lookup.problem)
            key = lookup.key
        base_url = cfg.base_url
        if base_url is None and cfg.base_url_factory is not None:
            base_url = cfg.base_url_factory()
        # Aliases (sonnet, opus, haiku, default) and the [1m] suffix, as Claude Code reads them.
        choice = resolve_model(cfg.model, os.environ)
        recording = None
        if cfg.record_to is not None and cfg.recorder_factory is not None:
            recording = cfg.recorder_factory()
        client, self.recorder = make_client(
            ClientConfig(api_key=key, base_url=base_url, recording=recording, betas=choice.betas)
        )
        model = choice.name
        env = self.tool_env()
        page_model = self._isolated_model(client, choice.betas)
        tool_ctx = ToolContext(cwd=cfg.cwd, additional_dirs=self.perm_ctx.working_dirs[1:],
                               env=env, sandbox=self, isolated_model=page_model)
        from tui.agent.loop import Agent
        from tui.hooks import HookRunner, HookSet
        from tui.untrusted import new_tag

        tag = new_tag()
        self.agent = Agent(
            client=client,
            model=model,
            tools=default_tools(),
            tool_ctx=tool_ctx,
            perm_ctx=self.perm_ctx,
            sink=self._observe,
            system=system_prompt(cfg.cwd, self.perm_ctx.working_dirs[1:], untrusted_tag=tag),
            untrusted_tag=tag,
            grant=self.grant,
            hooks=HookRunner(HookSet.from_settings(self.settings)),
        )
        return model

    @staticmethod
    def _isolated_model(client: Any, betas: tuple[str, ...]) -> IsolatedModel:
        """WebFetch's isolated request (REF §7.4): the same client and key, the ``haiku``
        alias (``ANTHROPIC_DEFAULT_HAIKU_MODEL`` overrides it), without the conversation
        model's betas."""
        import anthropic

        from tui.agent.models import resolve_model
        from tui.tools.web_isolation import IsolatedModel

        small = resolve_model("haiku", os.environ)
        headers = {"anthropic-beta": anthropic.omit} if betas and not small.betas else None
        return IsolatedModel(client, small.name, headers)

    def policy_request(self) -> PolicyRequest:
        """What this session's policy is built from: the start directory, the command line and
        workspace trust."""
        from tui.session_policy import PolicyRequest

        cfg = self.config
        return PolicyRequest(cwd=cfg.cwd, cli=cfg.cli_settings,
                             add_dirs=cfg.additional_dirs, permission_mode=cfg.permission_mode,
                             trusted_project=cfg.trusted_project)

    def tool_env(self, *, include_extra: bool = True) -> dict[str, str]:
        """The environment of the commands and hooks this session runs: the process's, then the
        ``env`` setting, then the demo's extra variables (``include_extra``), with Warden's own
        credentials removed (:func:`tui.session_policy.command_env`)."""
        settings_env = self.policy.env if self.policy is not None else {}
        extra = self.config.extra_env if include_extra else {}
        return command_env({**os.environ, **settings_env, **extra})

    def _load_policy(self) -> None:
        """Build the session's policy (:func:`tui.session_policy.build_session_policy`) and
        the sandbox from it.

        Runs in the connect thread (jsonschema and the rule parser are not needed before the
        first frame).  Problems become notices; a refused mode falls back to ``default``.
        """
        from tui.session_policy import build_session_policy

        built = build_session_policy(self.policy_request())
        self.policy = built
        self._pending_notices += built.notices
        self.bypass_in_cycle = built.bypass_in_cycle
        self.perm_ctx.policy = built.policy
        self.perm_ctx.mode = built.mode
        self.perm_ctx.working_dirs = built.working_dirs
        self.settings = built.settings
        self._load_sandbox()

    # -- sandbox ------------------------------------------------------------------------------

    def _load_sandbox(self) -> SandboxState:
        """Build the sandbox state from ``sandbox.*`` (REF §6.2); start-up checks run here.

        Returns:
            The new state, also set as ``perm_ctx.sandbox``.
        """
        from tui.session_policy import sandbox_state

        state = sandbox_state(self.settings.merged if self.settings is not None else {})
        self.perm_ctx.sandbox = state
        self.sandbox_policy = None
        if state.enabled:
            self._load_configured_sandbox(state)
        self._load_containment(state)
        return state

    def _load_configured_sandbox(self, state: Any) -> None:
        """The runner of ``sandbox.enabled`` (REF §6.2), probed once."""
        from tui.sandbox.policy import resolve_policy
        from tui.sandbox.runner import SandboxRunner

        policy = resolve_policy(self.settings, cwd=self.config.cwd,
                                working_dirs=self.perm_ctx.working_dirs)
        self.sandbox_policy = policy
        runner = SandboxRunner(policy, cwd=self.config.cwd, network_factory=self._start_network)
        ok, why = runner.available()
        state.available, state.unavailable_reason = ok, why
        state.runner = runner if ok else None
        if not ok:
            verdict = ("Bash commands are refused (failIfUnavailable)" if
                       state.fail_if_unavailable else "commands run unsandboxed, with prompts")
            self._pending_notices.append(
                (f"The sandbox cannot run here: {why}. {verdict}. Run `warden doctor`.",
                 "error"))

    def _load_containment(self, state: Any) -> None:
        """The read-only sandbox for commands Warden judged read-only (issue 10 item 1), built
        whether or not ``sandbox.enabled``: its masks come from the same Read deny rules and
        ``filesystem.denyRead``.  Where bubblewrap cannot run, ``state.containment`` stays None
        and the analysis alone decides; the status line says so (:class:`ev.ReadOnlyChecks`)."""
        from tui.sandbox.readonly import why_unavailable
        from tui.sandbox.runner import SandboxRunner

        policy = self.sandbox_policy
        if policy is None and self.settings is not None:
            from tui.sandbox.policy import resolve_policy

            policy = resolve_policy(self.settings, cwd=self.config.cwd,
                                    working_dirs=self.perm_ctx.working_dirs)
        if policy is None:
            why = "the settings are not loaded"
        elif state.runner is not None:  # bubblewrap was just probed: only the filter is left
            why = why_unavailable(policy, probed=True)
        else:
            why = why_unavailable(policy)
        state.containment_reason = why
        state.containment = SandboxRunner(policy, cwd=self.config.cwd) if not why else None
        if self._ready.is_set():
            self.sink(ev.ReadOnlyChecks(state.contained, why))

    async def _start_network(self):
        """Start the filtering proxy the first time a sandboxed command runs."""
        import tempfile

        from tui.sandbox.network import SandboxNetwork

        policy = self.sandbox_policy
        runtime = Path(tempfile.mkdtemp(prefix="warden-net-"))
        # The policy's lock keys (unlisted hosts blocked with 403, never asked) and proxy ports.
        self.network = SandboxNetwork.for_policy(policy, ask=self._ask_host, runtime_dir=runtime)
        return await self.network.start()

    async def _ask_host(self, host: str, port: int) -> bool | str:
        """Ask the user whether a sandboxed command may reach ``host:port`` (REF §1.2).

        Returns ``"once"`` (allow this connection only), True (allowed for the session, or
        always: a ``WebFetch(domain:host)`` rule is saved too) or False (declined).
        """
        from tui.approvals import ApprovalRequest, HostAccess
        from tui.permissions.decision import Decision

        access = HostAccess(host, port)
        request = ApprovalRequest(
            access, Decision("ask", f"{host} is not in sandbox.network.allowedDomains.",
                             source="sandbox: network"),
            asyncio.get_running_loop().create_future(), suggested_rules=(access.rule,))
        self.sink(ev.ApprovalNeeded(request))
        try:
            answer = await request.future
        except asyncio.CancelledError:
            return False
        if answer.kind in ("allow_session", "allow_always"):
            self.network.session_allowed.add(host)
        if answer.kind == "allow_always":
            self.grant("allow_always", answer.rules or (access.rule,))
        if answer.kind == "allow_once":
            return "once"
        return answer.allowed

    def set_sandbox(self, enabled: bool, auto_allow: bool) -> None:
        """``/sandbox``: save ``sandbox.enabled`` and the mode to the local settings file."""
        from tui.settings.writer import SettingsWriteError, set_value

        try:
            set_value(self.local_settings, ("sandbox", "enabled"), enabled)
            set_value(self.local_settings, ("sandbox", "autoAllowBashIfSandboxed"), auto_allow)
            self.live.remember_write(self.local_settings)
            from tui.settings.gitignore import ensure_local_settings_ignored

            ignored = ensure_local_settings_ignored(self.local_settings, self.config.cwd)
            if ignored:
                self.sink(ev.Notice(ignored))
        except (SettingsWriteError, OSError) as exc:
            self.sink(ev.Notice(f"Could not save the sandbox setting: {exc}", "error"))
            return
        from tui.session_policy import build_session_policy

        self.settings = build_session_policy(self.policy_request()).settings
        state = self._load_sandbox()
        self.sink(ev.Notice(f"Sandbox {'on' if state.enabled else 'off'}"
                            f"{' (auto-allow)' if state.enabled and state.auto_allow else ''}; "
                            f"saved to {self.local_settings}."))

    def sandbox_info(self):
        """The plain data the ``/sandbox`` screen shows."""
        from tui.sandbox.doctor import diagnose
        from tui.sandbox.info import SandboxInfo

        state = self.perm_ctx.sandbox
        policy = self.sandbox_policy
        report = diagnose(policy)
        checks = tuple((c.name, c.ok, c.detail if c.ok else (c.fix or c.detail))
                       for c in report.checks)

        def paths(values) -> tuple[str, ...]:
            return tuple(str(v) for v in values)

        return SandboxInfo(
            enabled=bool(state and state.enabled), available=bool(state and state.available),
            auto_allow=bool(state is None or state.auto_allow),
            settings_file=str(self.local_settings),
            write_paths=paths(policy.write_paths) if policy else (),
            deny_write=paths(policy.deny_write) if policy else (),
            deny_read=paths(policy.deny_read) if policy else (),
            allow_read=paths(policy.allow_read) if policy else (),
            allowed_domains=tuple(policy.allowed_domains) if policy else (),
            denied_domains=tuple(policy.denied_domains) if policy else (),
            excluded_commands=state.excluded_commands if state else (),
            checks=checks, problems=tuple(policy.problems) if policy else ())

    def _observe(self, event: ev.AgentEvent) -> None:
        """The agent's sink: note asked/denied calls in :attr:`recent`, then pass it on."""
        self.recent.observe(event)
        self.sink(event)

    async def reload_policy(self, paths: tuple[Path, ...] = (), *, external: bool = True):
        """Reload every settings scope and swap the policy in; applies from the next tool call.

        Session rules are kept; a broken file fails closed and is reported.  Returns the new
        :class:`~tui.settings.Settings` (see :class:`tui.agent.live_settings.LiveSettings`).
        """
        return await self.live.reload(paths, external=external)

    def permissions_snapshot(self):
        """What ``/permissions`` shows now (a :class:`tui.permissions.editor.EditorSnapshot`)."""
        from tui.permissions.editor import build_snapshot

        return build_snapshot(self.settings, self.perm_ctx.policy, self.perm_ctx.mode,
                              cwd=self.config.cwd, cli_dirs=self.config.additional_dirs)

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
        from tui.settings.gitignore import ensure_local_settings_ignored
        from tui.settings.model import SettingsSource
        from tui.settings.writer import SettingsWriteError, add_rule

        source = SettingsSource("local", self.local_settings)
        for text in rules:
            if self.perm_ctx.policy.add(text, "allow", anchor=self.config.cwd,
                                        source=source) is None:
                self.sink(ev.Notice(self.perm_ctx.policy.warnings[-1], "warning"))
                continue
            try:
                add_rule(self.local_settings, "allow", text)
                self.live.remember_write(self.local_settings)
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
        self.live.start()
        if self.agent is not None:
            self._session_start = asyncio.get_running_loop().create_task(
                self.agent.session_start("startup"), name="warden-session-start")
        self._mcp_start = asyncio.get_running_loop().create_task(self.start_mcp(),
                                                                 name="warden-mcp-start")
        self.sink(ev.ModelResolved(model))
        self.sink(ev.ModeChanged(self.perm_ctx.mode))
        state = self.perm_ctx.sandbox
        if state is not None:
            self.sink(ev.ReadOnlyChecks(state.contained, state.containment_reason))
        for text, severity in self._pending_notices:
            self.sink(ev.Notice(text, severity))
        self._pending_notices.clear()

    # -- MCP servers --------------------------------------------------------------------------

    async def start_mcp(self) -> None:
        """Load the MCP server definitions and connect the approved servers; their pinned tools
        join the agent's as they come (issue 13 item 1; :mod:`tui.mcp.manager`).  Runs in a
        task after the first frame; a definition, store or server problem is a notice."""
        from tui.mcp.cli import build_manager

        cfg = self.config
        try:
            manager = await asyncio.to_thread(
                build_manager, cfg.cwd, mcp_configs=cfg.mcp_configs,
                trusted=cfg.trusted_project, settings=self.settings)
        except (OSError, ValueError) as exc:
            self.sink(ev.Notice(f"MCP servers are off: {exc}", "error"))
            return
        manager.sandbox_policy = self._mcp_sandbox_policy
        manager.notify = lambda text, severity: self.sink(ev.Notice(text, severity))
        manager.on_tools = self._set_mcp_tools
        manager.ask = self.mcp_ask
        self.mcp = manager
        await manager.start()

    def _mcp_sandbox_policy(self) -> Any:
        """The sandbox policy sandboxed MCP servers run in (the session's, else one resolved
        from the settings as ``sandbox.enabled`` would)."""
        if self.sandbox_policy is not None:
            return self.sandbox_policy
        if self.settings is None:
            return None
        from tui.sandbox.policy import resolve_policy

        return resolve_policy(self.settings, cwd=self.config.cwd,
                              working_dirs=self.perm_ctx.working_dirs)

    def _set_mcp_tools(self, tools: dict[str, Any]) -> None:
        """Offer exactly ``tools`` (Warden name -> tool) as the agent's MCP tools, less those a
        bare-name deny rule names (``mcp__server``, ``mcp__*``: REF §2.1, the model never sees
        them; a call would be denied anyway)."""
        if self.agent is None:
            return
        deny = [r for r in self.perm_ctx.policy.deny if r.specifier is None
                and r.kind in ("tool", "mcp")]
        tools = {n: t for n, t in tools.items() if not any(r.matches_tool(n) for r in deny)}
        current = self.agent.tools
        for name in [n for n in current if n.startswith("mcp__") and n not in tools]:
            del current[name]
        current.update(tools)

    async def run_turn(self, prompt: str) -> str:
        """Run one turn (waits for :meth:`connect` first)."""
        await self.wait_ready()
        assert self.agent is not None
        if self._session_start is not None:
            await self._session_start  # its additionalContext goes with the first prompt
            self._session_start = None
        return await self.agent.run_turn(prompt)

    async def run(self, command: str, *, profile: str = "sandbox", **kwargs: Any):
        """Run a command in the sandbox (the Bash tool's ``ctx.sandbox``); follows toggles.

        ``profile="read-only"`` runs it in the read-only sandbox (no network, so no blocked
        hosts to add); the others in the configured sandbox (:data:`tui.permissions.sandbox_mode.
        SandboxProfile`).  Raises :class:`tui.sandbox.runner.SandboxUnavailable` when that
        sandbox cannot run."""
        from tui.sandbox.runner import SandboxUnavailable

        state = self.perm_ctx.sandbox
        if profile == "read-only":
            if state is None or state.containment is None:
                raise SandboxUnavailable(state.containment_reason if state else
                                         "the read-only sandbox is not set up")
            return await state.containment.run(command, profile="read-only", **kwargs)
        if state is None or state.runner is None:
            raise SandboxUnavailable(state.unavailable_reason if state else "the sandbox is off")
        result = await state.runner.run(command, profile=profile, **kwargs)
        if self.network is not None:
            blocked = self.network.blocked()
            if blocked:
                result = type(result)(result.exit_code, result.output, result.timed_out,
                                      (*result.violations, *blocked))
        return result

    async def aclose(self) -> None:
        """Close the HTTP client and the sandbox (call before the event loop ends)."""
        await self.live.stop()
        if self._session_start is not None and not self._session_start.done():
            self._session_start.cancel()
        if self._mcp_start is not None and not self._mcp_start.done():
            self._mcp_start.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._mcp_start
        if self.mcp is not None:
            await self.mcp.aclose()
        if self.agent is not None:
            await self.agent.client.close()
        state = self.perm_ctx.sandbox
        if state is not None and state.runner is not None:
            await state.runner.aclose()
        if state is not None and state.containment is not None:
            await state.containment.aclose()
        if self.network is not None:
            await self.network.aclose()

    def note_for_model(self, text: str) -> None:
        """Tell the model ``text`` with the next prompt (e.g. the user reverted a hunk)."""
        if self.agent is not None:
            self.agent.notes.append(text)

    async def explain_risks(self, command: str):
        """Ask the model, in a separate request outside the conversation, for the risks of
        ``command`` (the ``e`` key of a Bash card; :mod:`tui.agent.explain_more`).

        Returns:
            A :class:`tui.agent.explain_more.RiskNote`.

        Raises:
            RuntimeError: the session is not connected yet.
            Exception: whatever the client raises (API and network errors).
        """
        from tui.agent.explain_more import explain_risks

        if self.agent is None:
            raise RuntimeError("the session is not connected to the model yet")
        return await explain_risks(self.agent.client, self.agent.model, command,
                                   self.config.cwd)

    def clear(self) -> None:
        """Forget the conversation; SessionStart hooks run again with ``source: "clear"``."""
        if self.agent is not None:
            self.agent.clear()
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on the event loop (a script): no hooks to wait for
                return
            self._session_start = loop.create_task(self.agent.session_start("clear"),
                                                   name="warden-session-start")

    def save_recording(self, prompt: str) -> Path | None:
        """Write the recorded cassette when ``--record`` was given; returns its path."""
        if self.recorder is None or self.config.record_to is None or self.agent is None:
            return None
        path: Path = self.config.record_to
        self.recorder.save(path, cwd=self.config.cwd, model=self.agent.model, prompt=prompt)
        return path
