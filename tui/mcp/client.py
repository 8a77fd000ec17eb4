"""One connection to an MCP server, through the official ``mcp`` SDK (UI-free).

Transports: stdio (the SDK's ``stdio_client``; the server's stderr goes to a private temporary
file, and its last lines explain a crash) and streamable HTTP (``streamable_http_client`` with an
``httpx2`` client carrying the configured headers).  A stdio server with ``"sandbox": true`` (or
the ``sandbox.mcpServers`` setting) runs inside Warden's bubblewrap sandbox: the same argv as a
sandboxed Bash command (:func:`tui.sandbox.bwrap.build_argv`), with no network, the
Unix-socket filter and writes only where the sandbox policy allows.

The SDK's client is an async context manager whose task groups must be entered and left by one
task, so each connection runs in its own task (:meth:`McpConnection.connect` starts it); calls
come from any task.  Everything fails closed with a sentence for people: a server that does not
start, answer or list its tools within the timeout raises :class:`McpError`; a call that times
out or meets a dead server returns an error result.

The environment of a stdio server is a minimal base (:data:`BASE_ENV`: ``PATH``, ``HOME``,
``LANG``...) plus the server's own ``env``; never Warden's credentials
(:data:`tui.session_policy.SECRET_ENV_VARS`), whatever the definition says.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tui.mcp.approvals import ToolInfo

if TYPE_CHECKING:
    from tui.mcp.config import ServerSpec
    from tui.sandbox.policy import SandboxPolicy

__all__ = ["BASE_ENV", "CallOutcome", "McpConnection", "McpError", "sandbox_argv",
           "server_env"]

BASE_ENV = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "LC_CTYPE",
            "LC_MESSAGES", "TZ", "TMPDIR")
"""Variables of Warden's environment a stdio server inherits; everything else it gets only from
its own ``env``."""

CONNECT_TIMEOUT_S = 30.0
"""Seconds a server has to start, complete the handshake and list its tools."""
CALL_TIMEOUT_S = 120.0
"""Seconds a tool call may take before it is abandoned (an error result)."""
CLOSE_TIMEOUT_S = 5.0
"""Seconds a connection has to close before its task is cancelled."""
STDERR_TAIL = 1500
"""Characters of a stdio server's stderr quoted when it fails."""
MAX_TOOLS = 500
"""Most tools read from one server (a listing that pages on forever is cut)."""


class McpError(RuntimeError):
    """A server could not be started, reached or listed; the message says which and why."""


@dataclass(frozen=True)
class CallOutcome:
    """A tool call's result as text: what the server returned (text blocks joined, other
    content described), and whether it is an error."""

    text: str
    is_error: bool = False


def server_env(spec: ServerSpec, process_env: Mapping[str, str]) -> dict[str, str]:
    """The environment of ``spec``'s process: :data:`BASE_ENV` from ``process_env``, then the
    definition's ``env``, without Warden's credentials."""
    from tui.session_policy import SECRET_ENV_VARS

    env = {k: process_env[k] for k in BASE_ENV if k in process_env
           and not process_env[k].startswith("()")}
    env.update(spec.env)
    for name in SECRET_ENV_VARS:
        env.pop(name, None)
    return env


def _sandbox_python() -> str | None:
    """A ``python3`` the sandbox can run, for the filter helper (as the Bash sandbox finds it)."""
    import sys

    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3", sys.executable or ""):
        if candidate and os.access(candidate, os.X_OK):
            return os.path.realpath(candidate)
    return None


def _prepared(policy: SandboxPolicy, cwd: Path) -> SandboxPolicy:
    """``policy`` as a sandboxed Bash command gets it (:meth:`tui.sandbox.runner.SandboxRunner.
    _prepare`): the Read deny masks computed again, and the protected paths inside the writable
    trees (``.claude``, ``.git/hooks``, ``.mcp.json``, shell start-up files...) read-only, missing
    directories among them created empty so they can be mounted.

    Raises:
        McpError: the masks cannot be computed (fail closed).
    """
    import dataclasses

    from tui.sandbox.masks import MaskUnavailable
    from tui.sandbox.policy import protected_write_paths, refresh_masks

    if policy.filesystem_disabled:
        return policy
    try:
        policy = refresh_masks(policy)
    except MaskUnavailable as exc:
        raise McpError(f"the sandbox could not hide the denied paths: {exc}") from exc
    working = policy.working_dirs or (Path(os.path.realpath(cwd)),)
    home = policy.home or Path(os.environ.get("HOME") or Path.home())
    existing, missing = protected_write_paths(policy.write_paths, working_dirs=working,
                                              home=home, user_dir=policy.user_dir)
    for path in missing:
        with contextlib.suppress(OSError):
            path.mkdir(exist_ok=True)
    if missing:
        existing, _ = protected_write_paths(policy.write_paths, working_dirs=working, home=home,
                                            user_dir=policy.user_dir)
    deny = sorted(set(policy.deny_write) | set(existing))
    return dataclasses.replace(policy, deny_write=tuple(deny), working_dirs=working)


def sandbox_argv(spec: ServerSpec, policy: SandboxPolicy, *, cwd: Path,
                 session_tmp: Path) -> list[str]:
    """The bubblewrap argv that runs ``spec``'s command inside the sandbox.

    No network (the server speaks over stdin/stdout), the Unix-socket filter applied by a
    helper in front of the command, writes only where ``policy`` allows plus ``session_tmp``.

    Raises:
        McpError: the filter cannot be applied here (fail closed: the server does not start).
    """
    from tui.sandbox.bwrap import build_argv, filter_helper_argv
    from tui.sandbox.filter_helper import filter_setup

    policy = _prepared(policy, cwd)
    python = _sandbox_python()
    setup = filter_setup(network=False, allow_all_unix_sockets=policy.allow_all_unix_sockets,
                         python=python)
    prefix = setup.prefix
    if not prefix and setup.seccomp_program is not None:
        if python is None:
            raise McpError("the sandbox's Unix-socket filter needs python3 or a C compiler "
                           "here; run `warden doctor`")
        prefix = filter_helper_argv(python, setup.seccomp_program)
    command = shlex.join([spec.command or "", *spec.args])
    return build_argv(policy, command, cwd=cwd, session_tmp=session_tmp, shell="/bin/sh",
                      network=None, filter_prefix=prefix)


def result_text(result: Any) -> CallOutcome:
    """A ``CallToolResult`` as :class:`CallOutcome`: text blocks joined by newlines; images,
    audio and resources described in one line each; structured content as JSON when there is
    no text."""
    parts: list[str] = []
    for block in getattr(result, "content", None) or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(str(getattr(block, "text", "")))
        elif kind in ("image", "audio"):
            data = str(getattr(block, "data", ""))
            parts.append(f"[{kind}: {getattr(block, 'mime_type', '?')}, about "
                         f"{len(data) * 3 // 4} bytes; not shown]")
        elif kind == "resource_link":
            parts.append(f"[resource link: {getattr(block, 'uri', '')}]")
        elif kind == "resource":
            resource = getattr(block, "resource", None)
            text = getattr(resource, "text", None)
            uri = getattr(resource, "uri", "")
            parts.append(str(text) if isinstance(text, str) else f"[resource: {uri}]")
        else:
            parts.append(f"[{kind or 'unknown'} content; not shown]")
    structured = getattr(result, "structured_content", None)
    if not parts and structured is not None:
        parts.append(json.dumps(structured, ensure_ascii=False, indent=2))
    is_error = bool(getattr(result, "is_error", False))
    return CallOutcome("\n".join(parts) if parts else "(no content)", is_error)


def _describe(exc: BaseException) -> str:
    """A short sentence for an exception from the SDK or a transport (groups unwrapped)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class McpConnection:
    """A live connection to one server.

    Args:
        spec: the server's definition.
        cwd: the directory a stdio server starts in (a relative ``cwd`` in the definition is
            taken from here).
        process_env: Warden's environment (the base of a stdio server's, :func:`server_env`).
        sandbox: the sandbox policy to run a stdio server in, or None to run it plainly.
        connect_timeout_s: see :data:`CONNECT_TIMEOUT_S`.
        call_timeout_s: see :data:`CALL_TIMEOUT_S`.
    """

    def __init__(self, spec: ServerSpec, *, cwd: Path, process_env: Mapping[str, str],
                 sandbox: SandboxPolicy | None = None,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S,
                 call_timeout_s: float = CALL_TIMEOUT_S) -> None:
        self.spec = spec
        self.cwd = cwd
        self.process_env = process_env
        self.sandbox = sandbox
        self.connect_timeout_s = connect_timeout_s
        self.call_timeout_s = call_timeout_s
        self.tools: list[ToolInfo] = []
        self.error: str | None = None
        """Why the connection ended (None while it is up, or before it started)."""
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[list[ToolInfo]] | None = None
        self._stop = asyncio.Event()
        self.on_dead: Callable[[], None] | None = None
        """Told once when a live connection ends on its own (the server crashed or closed)."""
        self._stderr: IO[str] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def alive(self) -> bool:
        """True while the connection is up."""
        return self._client is not None and self.error is None

    async def connect(self) -> list[ToolInfo]:
        """Start (or reach) the server, complete the handshake and list its tools.

        Returns:
            The tools, in the server's order.

        Raises:
            McpError: it did not start, answer or list its tools within the timeout.
        """
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._task = loop.create_task(self._run(), name=f"warden-mcp-{self.spec.name}")
        try:
            return await asyncio.wait_for(asyncio.shield(self._ready), self.connect_timeout_s)
        except TimeoutError:
            await self.aclose()
            raise McpError(f"{self.spec.name}: no answer within {self.connect_timeout_s:g} s "
                           f"of starting{self._stderr_tail()}") from None

    def _transport(self) -> Any:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        spec = self.spec
        if spec.transport == "http":
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            http = create_mcp_http_client(headers=dict(spec.headers))
            return _HttpTransport(streamable_http_client(spec.url or "", http_client=http),
                                  http)
        cwd = self.cwd
        written_cwd = spec.written.get("cwd")
        if isinstance(written_cwd, str) and written_cwd:
            cwd = (self.cwd / os.path.expanduser(written_cwd)).resolve()
        env = server_env(spec, self.process_env)
        if self.sandbox is not None:
            self._tmp = tempfile.TemporaryDirectory(prefix="warden-mcp-")
            tmp = Path(os.path.realpath(self._tmp.name))
            os.chmod(tmp, 0o700)
            argv = sandbox_argv(spec, self.sandbox, cwd=cwd, session_tmp=tmp)
            params = StdioServerParameters(command=argv[0], args=argv[1:], env=env, cwd=cwd)
        else:
            params = StdioServerParameters(command=spec.command or "", args=list(spec.args),
                                           env=env, cwd=cwd)
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        return stdio_client(params, errlog=self._stderr)

    async def _run(self) -> None:
        """The connection's own task: enter the SDK's client, list tools, wait for close."""
        from mcp.client import Client
        from mcp_types import Implementation

        ready = self._ready
        assert ready is not None
        try:
            transport = self._transport()
            async with Client(transport, read_timeout_seconds=self.connect_timeout_s,
                              client_info=Implementation(name="warden", version="0"),
                              cache=None) as client:
                tools = await self._list(client)
                self.tools = tools
                self._client = client
                if not ready.done():
                    ready.set_result(tools)
                await self._stop.wait()
        except asyncio.CancelledError:
            if not ready.done():
                ready.set_exception(McpError(f"{self.spec.name}: the connection was closed "
                                             "before it was ready"))
            raise
        except McpError as exc:
            self.error = str(exc)
            if not ready.done():
                ready.set_exception(exc)
        except BaseException as exc:  # noqa: BLE001 - the SDK and its transports raise anything
            what = "could not start" if not ready.done() else "stopped"
            self.error = f"{self.spec.name}: {what} ({_describe(exc)}){self._stderr_tail()}"
            if not ready.done():
                ready.set_exception(McpError(self.error))
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
        finally:
            self._client = None
            if self.error is None and not self._stop.is_set():
                self.error = f"{self.spec.name}: the connection ended{self._stderr_tail()}"

    async def _list(self, client: Any) -> list[ToolInfo]:
        """Every tool of the server, following pages (at most :data:`MAX_TOOLS`)."""
        out: list[ToolInfo] = []
        cursor = None
        while len(out) < MAX_TOOLS:
            page = await client.list_tools(cursor=cursor)
            for tool in page.tools:
                schema = tool.input_schema if isinstance(tool.input_schema, dict) else {}
                out.append(ToolInfo(str(tool.name), str(tool.description or ""), schema))
            cursor = page.next_cursor
            if not cursor:
                break
        return out[:MAX_TOOLS]

    async def call(self, name: str, arguments: Mapping[str, Any],
                   timeout_s: float | None = None) -> CallOutcome:
        """Call tool ``name`` with ``arguments``.

        Returns:
            The result; an error result (never an exception) when the server is gone, the
            call times out or the server answers with a protocol error.
        """
        client = self._client
        if client is None or self.error is not None:
            return CallOutcome(f"MCP server {self.spec.name} is not connected: "
                               f"{self.error or 'not started'}", True)
        timeout = self.call_timeout_s if timeout_s is None else timeout_s
        try:
            result = await asyncio.wait_for(
                client.call_tool(name, dict(arguments), read_timeout_seconds=timeout), timeout)
        except TimeoutError:
            return CallOutcome(f"MCP server {self.spec.name}: {name} did not answer within "
                               f"{timeout:g} s; the call was abandoned", True)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the SDK raises its own errors and pydantic's
            from mcp_types import CONNECTION_CLOSED

            if getattr(exc, "code", None) == CONNECTION_CLOSED and self.error is None:
                # The server is gone (crashed, or closed its end): every later call fails too.
                self.error = (f"{self.spec.name}: the server closed the connection (it may have "
                              f"crashed){self._stderr_tail()}")
                self._stop.set()
                if self.on_dead is not None:
                    self.on_dead()
            dead = f" ({self.error})" if self.error else ""
            return CallOutcome(f"MCP server {self.spec.name}: {name} failed: "
                               f"{_describe(exc)}{dead}", True)
        return result_text(result)

    def _stderr_tail(self) -> str:
        """``"; its stderr ended with: ..."`` from a stdio server's stderr, or ``""``."""
        if self._stderr is None:
            return ""
        try:
            self._stderr.flush()
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - STDERR_TAIL * 4))
            tail = self._stderr.read()[-STDERR_TAIL:].strip()
        except (OSError, ValueError):
            return ""
        return f"; its stderr ended with:\n{tail}" if tail else ""

    async def aclose(self) -> None:
        """Close the connection and stop the server (bounded by :data:`CLOSE_TIMEOUT_S`)."""
        self._stop.set()
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), CLOSE_TIMEOUT_S)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if self.error is None:
            self.error = f"{self.spec.name}: closed"
        if self._stderr is not None:
            with contextlib.suppress(OSError):
                self._stderr.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.cleanup()


class _HttpTransport(contextlib.AbstractAsyncContextManager[Any]):
    """The SDK's streamable HTTP transport, closing the ``httpx2`` client it was given."""

    def __init__(self, inner: Any, http: Any) -> None:
        self.inner, self.http = inner, http

    async def __aenter__(self) -> Any:
        await self.http.__aenter__()
        try:
            return await self.inner.__aenter__()
        except BaseException:
            await self.http.__aexit__(None, None, None)
            raise

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self.inner.__aexit__(*exc)
        finally:
            await self.http.__aexit__(None, None, None)
