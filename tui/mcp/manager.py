"""The MCP servers of one session: their states, connections, approvals and offered tools.

:class:`McpManager` is UI-free.  The session starts it in a task after the first frame
(:meth:`McpManager.start`); it connects every ``approved`` server (:mod:`tui.mcp.approvals`),
then puts each question to the user through :attr:`McpManager.ask` as an :class:`McpApproval`
carrying a future (``/mcp`` and the approval screen answer it; without a UI, as in ``-p``, nothing
is asked and pending servers and tools stay off).  Two kinds of question:

* ``server``: a project server before Warden first connects to it: the command line or URL as
  written, the env and header names (never values).  Answers: ``approve``, ``approve_all``
  (every pending server of the project), ``reject``.
* ``tools``: tools that are new or changed since they were pinned, with their descriptions, the
  diff against the approved description, and the injection detector's findings.  Answers:
  ``approve`` or ``reject`` (those versions are not offered, and not asked about again).

Only pinned, unchanged tools of connected servers are offered to the model
(:meth:`McpManager.offered`); :attr:`McpManager.on_tools` is told whenever that set changes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tui.mcp.approvals import (
    McpPolicy,
    McpStore,
    McpStoreError,
    ServerRecord,
    ServerState,
    ToolInfo,
    ToolStatus,
    description_diff,
    server_key,
    server_state,
    tool_status,
)
from tui.mcp.config import McpConfig, ServerSpec

if TYPE_CHECKING:
    from tui.injection import Finding
    from tui.mcp.client import McpConnection
    from tui.mcp.tool import McpTool
    from tui.sandbox.policy import SandboxPolicy

__all__ = ["ConnectionState", "McpApproval", "McpManager", "ServerStatus", "ToolChange",
           "describe_findings", "scan_description"]

ConnectionState = Literal["not started", "connecting", "connected", "failed", "closed"]
AnswerKind = Literal["approve", "approve_all", "reject"]


@dataclass(frozen=True)
class ToolChange:
    """A tool waiting for approval.

    Attributes:
        info: the tool as the server lists it now (with detector findings).
        status: ``new`` or ``changed``.
        old_description: the approved description it replaces (``changed``), else None.
    """

    info: ToolInfo
    status: ToolStatus
    old_description: str | None = None

    def diff(self) -> list[str]:
        """:func:`~tui.mcp.approvals.description_diff` of the old and new description."""
        if self.old_description is None:
            return []
        return description_diff(self.old_description, self.info.description, self.info.name)


@dataclass
class ServerStatus:
    """Everything shown about one server (``/mcp``, ``warden mcp list``, approvals).

    Attributes:
        spec: its definition.
        key: its key in the store (:func:`~tui.mcp.approvals.server_key`).
        state: may it start (:data:`~tui.mcp.approvals.ServerState`), and ``why``.
        connection: ``not started``, ``connecting``, ``connected``, ``failed``, ``closed``.
        error: why it failed, for people.
        tools: each listed (or, before connecting, pinned) tool with its status.
        offered: Warden names of the tools the model sees.
        sandboxed: a stdio server that runs inside the sandbox (its ``"sandbox": true``, or
            ``sandbox.mcpServers`` unless it says ``false``).
    """

    spec: ServerSpec
    key: str
    state: ServerState
    why: str
    connection: ConnectionState = "not started"
    error: str | None = None
    sandboxed: bool = False
    tools: list[tuple[ToolInfo, ToolStatus]] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)


@dataclass
class McpApproval:
    """A question for the user; resolve :attr:`future` with ``"approve"``, ``"approve_all"``
    (server questions only), ``"reject"`` or ``"later"`` (no answer: nothing is stored; the
    server or tools stay off until ``/mcp`` asks again).

    Attributes:
        kind: ``"server"`` (before the first connection) or ``"tools"`` (new or changed tools).
        server: the server's status (its spec has the command line or URL and the env names).
        future: the answer.
        tools: for ``tools``, what waits; for ``server``, empty (the tools are listed only once
            it has started, and asked about then).
        others: for ``server``, the other pending servers ``approve_all`` would approve too.
    """

    kind: Literal["server", "tools"]
    server: ServerStatus
    future: asyncio.Future[str]
    tools: tuple[ToolChange, ...] = ()
    others: tuple[str, ...] = ()


def describe_findings(findings: Iterable[Finding]) -> tuple[str, ...]:
    """The detector's findings as one line each: ``technique (line N): excerpt``."""
    return tuple(f"{f.technique}" + (f" (line {f.line})" if f.line else "")
                 + (f": {f.excerpt}" if f.excerpt else "") for f in findings)


def scan_description(text: str) -> tuple[str, ...]:
    """Run the injection detector on a tool description (``kind="tool_description"``).  A
    detector failure is itself a finding (the user should look closely), never a silent
    pass."""
    from tui.injection import scan

    try:
        return describe_findings(scan(text, kind="tool_description").findings)
    except Exception as exc:  # noqa: BLE001 - a detector bug must not hide the tool list
        return ((f"the injection detector failed on this description ({type(exc).__name__}); "
                 "read it yourself"),)


class McpManager:
    """The session's MCP servers.

    Args:
        config: the definitions (:func:`tui.mcp.config.load_servers`).
        policy: the MCP settings (:meth:`tui.mcp.approvals.McpPolicy.from_settings`).
        cwd: the project folder (stdio servers start here).
        project_root: where project and local approvals are keyed (the workspace trust root).
        trusted: workspace trust: project servers wait for it.
        store: the approvals and pins.
        process_env: Warden's environment (a stdio server's base, :func:`tui.mcp.client.
            server_env`).
        sandbox_policy: returns the sandbox policy for sandboxed servers, or None when there is
            none (a server that must be sandboxed then does not start).
        connect_timeout_s: seconds each server has to start and list its tools.
        call_timeout_s: seconds each tool call may take.
    """

    def __init__(self, config: McpConfig, policy: McpPolicy, *, cwd: Path,
                 project_root: Path, trusted: bool, store: McpStore,
                 process_env: Mapping[str, str] | None = None,
                 sandbox_policy: Callable[[], SandboxPolicy | None] | None = None,
                 connect_timeout_s: float | None = None,
                 call_timeout_s: float | None = None) -> None:
        self.config = config
        self.policy = policy
        self.cwd = cwd
        self.project_root = project_root
        self.trusted = trusted
        self.store = store
        self.process_env = dict(os.environ if process_env is None else process_env)
        self.sandbox_policy = sandbox_policy
        self.connect_timeout_s = connect_timeout_s
        self.call_timeout_s = call_timeout_s
        self.ask: Callable[[McpApproval], None] | None = None
        """Puts a question to the user (the UI sets it); None: nothing is asked."""
        self.on_tools: Callable[[dict[str, McpTool]], None] | None = None
        """Told the offered tools whenever they change."""
        self.notify: Callable[[str, str], None] | None = None
        """Told ``(text, severity)`` notices: failures, pending approvals."""
        self.store_error: str | None = None
        self.statuses: dict[str, ServerStatus] = {}
        self.connections: dict[str, McpConnection] = {}
        self._tools: dict[str, McpTool] = {}
        self._dead: list[McpConnection] = []
        self.refresh()

    # -- state ---------------------------------------------------------------------------------

    def _record(self, key: str) -> ServerRecord | None:
        """The stored record, or None; a broken store is remembered (fail closed)."""
        try:
            return self.store.get(key)
        except McpStoreError as exc:
            self.store_error = str(exc)
            return None

    def refresh(self) -> None:
        """Recompute every server's state from the settings, trust and the store (connections
        and their tools are kept)."""
        self.store_error = None
        for name, spec in self.config.servers.items():
            key = server_key(spec, self.project_root)
            record = self._record(key)
            state, why = server_state(spec, self.policy, trusted=self.trusted, record=record)
            if self.store_error is not None and state in ("approved", "pending"):
                state, why = "disabled", f"the MCP approvals store is broken: {self.store_error}"
            old = self.statuses.get(name)
            status = ServerStatus(spec, key, state, why, sandboxed=self._wants_sandbox(spec))
            if old is not None:
                status.connection, status.error = old.connection, old.error
                status.tools, status.offered = old.tools, old.offered
            elif record is not None:
                status.tools = [(ToolInfo(n, p.description, {}), "pinned" if p.approved
                                 else "rejected") for n, p in record.tools.items()]
            self.statuses[name] = status

    def _say(self, text: str, severity: str = "information") -> None:
        if self.notify is not None:
            self.notify(text, severity)

    def views(self) -> list[ServerStatus]:
        """Every server's status; a connection that died since (a crashed server) is marked
        ``failed`` and its tools are no longer offered."""
        dead = [n for n, c in self.connections.items() if c.error is not None]
        for name in dead:
            conn = self.connections.pop(name)
            self._dead.append(conn)
            status = self.statuses[name]
            status.connection, status.error = "failed", conn.error
        if dead:
            self._publish()
        return list(self.statuses.values())

    def _withdraw_dead(self) -> None:
        """Mark dead connections failed and stop offering their tools (:meth:`views`)."""
        self.views()

    def offered(self) -> dict[str, McpTool]:
        """The tools the model may call now, by Warden name."""
        return dict(self._tools)

    def pending(self) -> list[str]:
        """Names of servers waiting for the user's approval."""
        return [n for n, s in self.statuses.items() if s.state == "pending"]

    # -- start ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect every approved server (in parallel), then ask about pending ones (one at a
        time, when :attr:`ask` is set)."""
        for problem in self.config.problems:
            if problem.severity == "error":
                self._say(f"MCP: {problem}", "warning")
        if self.store_error is not None:
            self._say(f"MCP servers are off: {self.store_error}", "error")
            return
        approved = [n for n, s in self.statuses.items() if s.state == "approved"]
        await asyncio.gather(*(self._connect(n) for n in approved))
        waiting = self.pending()
        if waiting and self.ask is None:
            self._say(f"MCP: {len(waiting)} project server(s) wait for your approval "
                      f"({', '.join(waiting)}); type /mcp", "warning")
            return
        for name in waiting:
            if self.statuses[name].state == "pending":
                await self.ask_server(name)

    def _wants_sandbox(self, spec: ServerSpec) -> bool:
        """Whether ``spec`` must run inside the sandbox."""
        return spec.transport == "stdio" and (
            spec.sandbox is True or (spec.sandbox is None and self.policy.sandbox))

    def _sandbox_for(self, spec: ServerSpec) -> tuple[bool, SandboxPolicy | None, str | None]:
        """``(sandboxed, policy, why it cannot be)`` for a stdio server."""
        if not self._wants_sandbox(spec):
            return False, None, None
        policy = self.sandbox_policy() if self.sandbox_policy is not None else None
        if policy is None:
            return True, None, "the sandbox is not set up in this session"
        from tui.sandbox.doctor import can_run

        ok, why = can_run(policy)
        return True, policy if ok else None, None if ok else why

    async def _connect(self, name: str) -> None:
        """Start ``name``, list and judge its tools, publish the pinned ones."""
        from tui.mcp.client import McpConnection, McpError

        status = self.statuses[name]
        spec = status.spec
        if spec.unset:
            names = ", ".join(f"${{{n}}}" for n in spec.unset)
            self._fail(status, f"{name}: needs {names} set in the environment (or a default "
                               f"written as ${{VAR:-default}}) before it can start")
            return
        sandboxed, policy, why = await asyncio.to_thread(self._sandbox_for, spec)
        if sandboxed and policy is None:
            self._fail(status, f"{name}: must run in the sandbox, which cannot run here "
                               f"({why}); run `warden doctor`")
            return
        kwargs: dict[str, Any] = {}
        if self.connect_timeout_s is not None:
            kwargs["connect_timeout_s"] = self.connect_timeout_s
        if self.call_timeout_s is not None:
            kwargs["call_timeout_s"] = self.call_timeout_s
        conn = McpConnection(spec, cwd=self.cwd, process_env=self.process_env, sandbox=policy,
                             **kwargs)
        status.connection, status.error = "connecting", None
        try:
            listed = await conn.connect()
        except McpError as exc:
            hint = ""
            if policy is not None and not policy.allow_all_unix_sockets:
                hint = ("\nInside the sandbox Unix sockets are refused (all but a stream "
                        "socketpair()) and the network is off; a server that needs them runs "
                        "sandboxed only with sandbox.network.allowAllUnixSockets, or unsandboxed")
            self._fail(status, f"{exc}{hint}")
            return
        self.connections[name] = conn
        conn.on_dead = self._withdraw_dead  # a crashed server's tools go at once
        status.connection = "connected"
        tools = await asyncio.to_thread(
            lambda: [ToolInfo(t.name, t.description, t.input_schema,
                              scan_description(t.description)) for t in listed])
        await self._judge(name, tools)

    def _fail(self, status: ServerStatus, error: str) -> None:
        status.connection, status.error = "failed", error
        self._say(f"MCP server {status.spec.name} is off: {error}", "error")

    async def _judge(self, name: str, tools: list[ToolInfo]) -> None:
        """Compare ``tools`` with the pins; pin a user's own server's first listing; ask about
        new and changed tools; publish the pinned ones."""
        status = self.statuses[name]
        record = self._record(status.key)
        if self.store_error is not None:
            self._fail(status, f"the MCP approvals store is broken: {self.store_error}")
            await self._close(name)
            return
        first = record is None or not record.tools
        if first and status.spec.scope != "project" and tools:
            try:
                self.store.pin(status.key, tools)
            except McpStoreError as exc:
                self._fail(status, str(exc))
                await self._close(name)
                return
            record = self._record(status.key)
        status.tools = [(t, tool_status(record, t)) for t in tools]
        self._publish()
        changes = self.waiting_tools(name)
        if not changes:
            return
        changed = [c.info.name for c in changes if c.status == "changed"]
        if changed:
            self._say(f"MCP server {name} changed {len(changed)} tool(s) since you approved "
                      f"them ({', '.join(changed)}); they are off until you approve the change "
                      "(/mcp)", "warning")
        if self.ask is None:
            if not changed:
                self._say(f"MCP server {name}: {len(changes)} tool(s) wait for your approval "
                          "(/mcp)", "warning")
            return
        await self.ask_tools(name, changes)

    def _publish(self) -> None:
        """Rebuild the offered tools from every connected server's pinned tools."""
        from tui.mcp.tool import McpTool, tool_name

        tools: dict[str, McpTool] = {}
        for name, status in self.statuses.items():
            conn = self.connections.get(name)
            status.offered = []
            if conn is None or status.connection != "connected":
                continue
            for info, state in status.tools:
                if state != "pinned":
                    continue
                full = tool_name(name, info.name)
                if full is None or full in tools:
                    self._say(f"MCP server {name}: tool {info.name!r} is not offered (its name "
                              "is too long or clashes with another tool's)", "warning")
                    continue
                tools[full] = McpTool(conn, info, full)
                status.offered.append(full)
        self._tools = tools
        if self.on_tools is not None:
            self.on_tools(dict(tools))

    # -- questions -----------------------------------------------------------------------------

    async def _put(self, approval: McpApproval) -> str | None:
        """Ask, and wait; None for no answer (``"later"``, or no UI)."""
        if self.ask is None:
            return None
        self.ask(approval)
        try:
            answer = await approval.future
        except asyncio.CancelledError:
            if not approval.future.done():
                approval.future.cancel()
            raise
        allowed = ("approve", "approve_all", "reject") if approval.kind == "server" \
            else ("approve", "reject")
        return answer if answer in allowed else None

    def waiting_tools(self, name: str) -> tuple[ToolChange, ...]:
        """The new and changed tools of connected server ``name`` that wait for approval."""
        status = self.statuses[name]
        if name not in self.connections:
            return ()
        record = self._record(status.key)
        return tuple(ToolChange(t, s, record.tools[t.name].description
                                if s == "changed" and record is not None else None)
                     for t, s in status.tools if s in ("new", "changed"))

    async def review(self) -> None:
        """Ask about everything that waits (``/mcp``): pending servers, then waiting tools."""
        for name in self.pending():
            if self.statuses[name].state == "pending":
                await self.ask_server(name)
        for name in list(self.connections):
            changes = self.waiting_tools(name)
            if changes:
                await self.ask_tools(name, changes)

    async def ask_server(self, name: str) -> str | None:
        """Ask whether ``name`` may start; store the answer and act on it.

        Returns:
            The answer, or None (not asked, or no answer).
        """
        status = self.statuses[name]
        others = tuple(n for n in self.pending() if n != name)
        approval = McpApproval("server", status,
                               asyncio.get_running_loop().create_future(), others=others)
        answer = await self._put(approval)
        if answer is None:
            return None
        await self.decide_server(name, answer)
        return answer

    async def decide_server(self, name: str, answer: str) -> None:
        """Store ``answer`` (``approve``, ``approve_all``, ``reject``) about ``name`` and connect
        what it approves."""
        approve = answer in ("approve", "approve_all")
        names = [name]
        if answer == "approve_all":
            names += [n for n in self.pending() if n != name]
        for each in names:
            status = self.statuses[each]
            try:
                self.store.decide(status.key, status.spec, approve,
                                  "approve all" if answer == "approve_all" else answer)
            except McpStoreError as exc:
                self._fail(status, str(exc))
                return
        self.refresh()
        if approve:
            await asyncio.gather(*(self._connect(n) for n in names))
        else:
            await self._close(name)

    async def ask_tools(self, name: str, changes: tuple[ToolChange, ...]) -> str | None:
        """Ask about new or changed tools of ``name``; store the answer and publish.

        Returns:
            The answer, or None (not asked, or no answer).
        """
        approval = McpApproval("tools", self.statuses[name],
                               asyncio.get_running_loop().create_future(), tools=changes)
        answer = await self._put(approval)
        if answer is None:
            return None
        await self.decide_tools(name, [c.info for c in changes], answer == "approve")
        return answer

    async def decide_tools(self, name: str, tools: list[ToolInfo], approve: bool) -> None:
        """Pin (or reject) exactly these versions of ``tools`` of ``name``, and publish."""
        status = self.statuses[name]
        try:
            self.store.pin(status.key, tools, approved=approve)
        except McpStoreError as exc:
            self._say(f"MCP server {name}: {exc}", "error")
            return
        record = self._record(status.key)
        status.tools = [(t, tool_status(record, t)) for t, _ in status.tools]
        self._publish()

    # -- the end -------------------------------------------------------------------------------

    async def _close(self, name: str) -> None:
        conn = self.connections.pop(name, None)
        if conn is not None:
            await conn.aclose()
            self.statuses[name].connection = "closed"
        self._publish()

    async def aclose(self) -> None:
        """Close every connection (stops every stdio server)."""
        conns, self.connections = [*self.connections.values(), *self._dead], {}
        self._dead = []
        await asyncio.gather(*(c.aclose() for c in conns), return_exceptions=True)
        for status in self.statuses.values():
            if status.connection == "connected":
                status.connection = "closed"
        self._tools = {}
