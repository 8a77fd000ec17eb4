r"""The sandbox's network: host proxy + in-sandbox bridge, as the sandbox runner uses them.

Source: ``SPEC.md`` §8, REF §6.2 (``sandbox.network.*``), REF §6.3 (srt's Linux design: a
filtering proxy on the host listens on a Unix socket; the socket is bind-mounted into a sandbox
started with ``--unshare-net``; a relay inside listens on ``127.0.0.1:3128`` and forwards to the
socket; ``HTTP(S)_PROXY`` point programs at it).

How the runner wires one sandboxed command (``bwrap`` argv built by :mod:`tui.sandbox.bwrap`)::

    setup = await network.start()                 # once per session
    script = (f"{shlex.join(setup.bridge_argv)} || echo 'warden: no network bridge' >&2\n"
              f"{user_command}")
    bwrap --unshare-net --unshare-pid --proc /proc ... \
          --bind <setup.socket_path> <setup.socket_path> \
          --setenv K V for each of setup.env() ... \
          -- /bin/bash -c "$script"

``bridge_argv`` returns once ``127.0.0.1:<port>`` is listening (exit ``0``; ``1`` when it could
not start, and then the command simply has no network), leaving the relay running in the
background with its stdio closed.  Nothing has to be killed afterwards, given bwrap's
``--unshare-pid --die-with-parent`` (both in :data:`tui.sandbox.bwrap.FLAGS`): when the command
ends, bwrap exits and the kernel ends everything left in the PID namespace.  The Python relay
also exits by itself when the shell that started it exits; the ``socat`` relay does not, so
without those two flags bwrap's init would wait for it forever, holding the caller's output pipe
open.

Network lock keys (REF §6.2, issue 10 item 6): under ``allowManagedDomainsOnly`` (managed) or
``strictAllowlist`` a host outside the allowlist is refused with ``403`` at once, never asked
about, and :meth:`SandboxNetwork.blocked` names the key in the line the chat shows.  With
``httpProxyPort`` / ``socksProxyPort`` the sandbox uses your own proxy on the host's
``127.0.0.1``: the in-sandbox relay stays the same, and the host side of the Unix socket looks
at the first byte of each connection (``4``/``5``: SOCKS, anything else: HTTP) and pipes it to
that port unchanged; ``ALL_PROXY`` then names ``socks5h://`` so clients speak SOCKS to it.
Your proxy does the filtering then: Warden's allowlist does not apply to what goes to it.  A
protocol without a port set keeps going to Warden's filtering proxy (HTTP) or is refused
(SOCKS: Warden has no SOCKS proxy of its own).

Two relays, same contract: ``socat`` when installed (wrapped in a few lines of ``/bin/sh`` that
wait for the listener to appear in ``/proc/net/tcp``) and otherwise :mod:`tui.sandbox.bridge`
run by a system ``python3`` with ``-S -I``; its source is passed with ``-c`` so it works even
when the sandbox hides the directory Warden is installed in.  After each command the runner
calls :meth:`SandboxNetwork.blocked` and appends those sentences to the output the model sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.sandbox.proxy import HEAD_LIMIT, AskHost, FilteringProxy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui.sandbox.proxy import Resolver

log = logging.getLogger(__name__)

__all__ = [
    "SANDBOX_PROXY_PORT",
    "NetworkSetup",
    "SandboxNetwork",
    "bridge_available",
    "bridge_command",
]

SANDBOX_PROXY_PORT = 3128
"""The port the relay listens on inside the sandbox (srt's HTTP proxy port)."""

_BRIDGE_SOURCE = Path(__file__).with_name("bridge.py")
_SOCAT_SAFE_PATH = re.compile(r"[A-Za-z0-9/._+-]+")
_PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/local/bin/python3")

# $1 socat, $2 socket path, $3 port, $4 "0100007F:<port as 4 hex digits>" as in /proc/net/tcp.
_SOCAT_WRAPPER = """\
"$1" TCP-LISTEN:"$3",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$2" </dev/null >/dev/null 2>&1 &
p=$!
[ -r /proc/net/tcp ] || exit 0
n=0
while [ "$n" -lt 20000 ]; do
  while read -r _ a _ s _; do
    [ "$a" = "$4" ] && [ "$s" = 0A ] && exit 0
  done </proc/net/tcp
  kill -0 "$p" 2>/dev/null || exit 1
  n=$((n + 1))
done
exit 1
"""


@dataclass(frozen=True)
class NetworkSetup:
    """What the bwrap builder needs to give one sandbox the session's network.

    Attributes:
        socket_path: the host proxy's Unix socket; bind it at the same path inside
            (``--bind P P``).
        port: TCP port the relay listens on inside the sandbox (``127.0.0.1``), normally 3128.
        bridge_argv: command to run inside the sandbox before the user's command; it returns
            when the relay is ready (exit 0) or failed (exit 1) and leaves the relay running.
        socks: SOCKS connections through the relay reach a SOCKS5 proxy
            (``socksProxyPort``), so ``ALL_PROXY`` names ``socks5h://``.
    """

    socket_path: Path
    port: int
    bridge_argv: tuple[str, ...]
    socks: bool = False

    @property
    def proxy_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Variables that point programs inside the sandbox at the relay (``--setenv``).

        Upper- and lower-case ``HTTP_PROXY``/``HTTPS_PROXY`` plus ``ALL_PROXY`` (curl accepts
        an ``http://`` proxy there); ``NO_PROXY`` covers the sandbox's own loopback, so
        servers a command starts inside the sandbox are reached directly.  ``SANDBOX_RUNTIME``
        tells programs they are sandboxed (srt sets it too).
        """
        url = self.proxy_url
        every = f"socks5h://127.0.0.1:{self.port}" if self.socks else url
        no_proxy = "localhost,127.0.0.1,::1"
        return {
            "HTTP_PROXY": url, "HTTPS_PROXY": url, "http_proxy": url, "https_proxy": url,
            "ALL_PROXY": every, "all_proxy": every, "NO_PROXY": no_proxy, "no_proxy": no_proxy,
            "SANDBOX_RUNTIME": "1",
        }


def _python() -> str | None:
    """A real ``python3`` binary (not a shim) the sandbox can run, or ``None``."""
    for candidate in _PYTHON_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    exe = os.path.realpath(sys.executable) if sys.executable else ""
    return exe if exe and os.access(exe, os.X_OK) else None


def _socat() -> str | None:
    found = shutil.which("socat")
    return os.path.realpath(found) if found else None


def bridge_command(socket_path: Path, port: int = SANDBOX_PROXY_PORT, *,
                   prefer_socat: bool = True) -> tuple[str, ...]:
    """``bridge_argv`` for ``socket_path``: the ``socat`` wrapper or the Python relay.

    ``socat`` is used when installed, preferred, and the path has no characters its address
    syntax would read (``,``, ``:``, spaces...).

    Raises:
        RuntimeError: neither ``socat`` nor a ``python3`` binary was found.
    """
    path = os.fspath(socket_path)
    socat = _socat() if prefer_socat else None
    if socat is not None and _SOCAT_SAFE_PATH.fullmatch(path):
        return ("/bin/sh", "-c", _SOCAT_WRAPPER, "warden-bridge", socat, path, str(port),
                f"0100007F:{port:04X}")
    python = _python()
    if python is None:
        raise RuntimeError("no network bridge: install socat (apt install socat) or python3")
    return (python, "-S", "-I", "-c", _BRIDGE_SOURCE.read_text(encoding="utf-8"), path,
            str(port))


def bridge_available() -> tuple[bool, str]:
    """Whether sandboxed commands can get network through the proxy, and how (``doctor``)."""
    socat = _socat()
    if socat is not None:
        return True, f"socat ({socat})"
    python = _python()
    if python is not None:
        return True, (f"python3 relay ({python}); install socat for a faster start "
                      "(apt install socat)")
    return False, "no socat and no python3: sandboxed commands get no network (apt install socat)"


class SandboxNetwork:
    """One session's network for sandboxed commands: the proxy and how to reach it.

    Args:
        allowed: ``sandbox.network.allowedDomains`` (plus ``WebFetch(domain:...)`` allow rules).
        denied: ``sandbox.network.deniedDomains`` (plus ``WebFetch`` deny rules); wins.
        ask: the TUI's network prompt; ``None`` under ``strictAllowlist`` or
            ``allowManagedDomainsOnly`` (unlisted hosts are then blocked).
        runtime_dir: where the socket goes (created ``0700`` if missing); keep it short, a
            Unix socket path has at most 107 bytes.
        resolver: for tests; see :class:`FilteringProxy`.
        port: the relay's port inside the sandbox.
        prefer_socat: use ``socat`` when installed.
        locked_by: the setting that blocks unlisted hosts (``"sandbox.network.strictAllowlist"``
            or ``"sandbox.network.allowManagedDomainsOnly"``): ``ask`` is then ignored and
            :meth:`blocked` names the setting.  None: ``ask`` decides.
        http_proxy_port: ``httpProxyPort``: HTTP(S) proxy traffic is piped to
            ``127.0.0.1:<port>`` on the host instead of the filtering proxy.
        socks_proxy_port: ``socksProxyPort``: SOCKS traffic is piped to ``127.0.0.1:<port>``.

    The proxy is :attr:`proxy` (its ``decisions``, ``session_allowed``) once started.
    """

    def __init__(
        self,
        *,
        allowed: Sequence[str],
        denied: Sequence[str],
        ask: AskHost | None = None,
        runtime_dir: Path,
        resolver: Resolver | None = None,
        port: int = SANDBOX_PROXY_PORT,
        prefer_socat: bool = True,
        locked_by: str | None = None,
        http_proxy_port: int | None = None,
        socks_proxy_port: int | None = None,
    ) -> None:
        self.locked_by = locked_by
        self.proxy = FilteringProxy(allowed=allowed, denied=denied,
                                    ask=None if locked_by else ask, resolver=resolver)
        self.runtime_dir = Path(runtime_dir)
        self.port = port
        self.prefer_socat = prefer_socat
        self.http_proxy_port = http_proxy_port
        self.socks_proxy_port = socks_proxy_port
        self.setup: NetworkSetup | None = None
        self._reported = 0
        self._notes: list[str] = []
        self._listener: socket.socket | None = None
        self._accepting: asyncio.Task[None] | None = None
        self._conns: set[asyncio.Task[None]] = set()

    @classmethod
    def for_policy(cls, policy: Any, *, ask: AskHost | None, runtime_dir: Path,
                   **kwargs: Any) -> SandboxNetwork:
        """The network a :class:`tui.sandbox.policy.SandboxPolicy` asks for: its domain lists,
        its lock (``network_lock``: unlisted hosts blocked, ``ask`` not used) and its proxy
        ports.  ``kwargs`` go to the constructor (``resolver``, ``prefer_socat``...)."""
        return cls(allowed=policy.allowed_domains, denied=policy.denied_domains, ask=ask,
                   runtime_dir=runtime_dir, locked_by=policy.network_lock,
                   http_proxy_port=policy.http_proxy_port,
                   socks_proxy_port=policy.socks_proxy_port, **kwargs)

    async def start(self) -> NetworkSetup:
        """Start the proxy on ``runtime_dir/proxy-<16 hex>.sock``; idempotent.

        Raises:
            ValueError: the socket path would be too long.
            RuntimeError: no relay program is available (see :func:`bridge_available`).
            OSError: the socket could not be created.
        """
        if self.setup is not None:
            return self.setup
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.runtime_dir / f"proxy-{secrets.token_hex(8)}.sock"
        argv = bridge_command(path, self.port, prefer_socat=self.prefer_socat)
        if self.http_proxy_port is None and self.socks_proxy_port is None:
            await self.proxy.start_unix(path)
        else:
            self._listen(path)
        self.setup = NetworkSetup(socket_path=path, port=self.port, bridge_argv=argv,
                                  socks=self.socks_proxy_port is not None)
        return self.setup

    def blocked(self) -> list[str]:
        """One sentence per refusal since the last call, e.g. ``"host blocked: evil.com:443
        (not in the allowlist; sandbox.network.strictAllowlist blocks unlisted hosts without
        asking)"``, and per connection your own proxy (``httpProxyPort``/``socksProxyPort``)
        did not accept."""
        decisions = self.proxy.decisions
        new = decisions[self._reported:]
        self._reported = len(decisions)
        out = []
        for host, port, verdict, reason in new:
            if verdict != "deny":
                continue
            if self.locked_by and reason == "not in the allowlist":
                reason = f"{reason}; {self.locked_by} blocks unlisted hosts without asking"
            out.append(f"host blocked: {host}:{port} ({reason})")
        out += self._notes
        self._notes = []
        return out

    async def aclose(self) -> None:
        """Stop the proxy and remove its socket, and the runtime directory if nothing else is
        left in it (sessions make a fresh one per run: none is left behind in ``/tmp``)."""
        await self.proxy.aclose()
        if self._accepting is not None:
            self._accepting.cancel()
        for task in list(self._conns):
            task.cancel()
        await asyncio.gather(*self._conns, *(t for t in (self._accepting,) if t),
                             return_exceptions=True)
        self._accepting = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            if self.setup is not None:
                with contextlib.suppress(OSError):
                    self.setup.socket_path.unlink()
        if self.setup is not None:
            with contextlib.suppress(OSError):  # not empty, or already gone: leave it
                self.runtime_dir.rmdir()
        self.setup = None

    # -- your own proxy (httpProxyPort / socksProxyPort) -----------------------------------------

    def _listen(self, path: Path) -> None:
        """Listen on ``path`` (mode ``0600``, never replaced) and dispatch each connection."""
        from tui.sandbox.proxy import listen_unix

        sock = listen_unix(path)
        self._listener = sock
        self._accepting = asyncio.ensure_future(self._accept_loop(sock))

    async def _accept_loop(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            conn, _ = await loop.sock_accept(listener)
            conn.setblocking(False)
            task = asyncio.ensure_future(self._dispatch(conn))
            self._conns.add(task)
            task.add_done_callback(self._conns.discard)

    async def _dispatch(self, conn: socket.socket) -> None:
        """Route one connection by its first byte, which stays in the socket (``MSG_PEEK``)."""
        try:
            first = await asyncio.wait_for(_peek(conn), 30.0)
        except (OSError, TimeoutError):
            conn.close()
            return
        if not first:
            conn.close()
            return
        try:
            reader, writer = await asyncio.open_unix_connection(sock=conn, limit=HEAD_LIMIT)
        except OSError:
            conn.close()
            return
        if first[0] in (4, 5):
            if self.socks_proxy_port is None:
                self._notes.append("SOCKS connection refused: Warden has no SOCKS proxy of its "
                                   "own (set sandbox.network.socksProxyPort to use yours)")
                writer.close()
                return
            await self._pipe_to(self.socks_proxy_port, "socksProxyPort", reader, writer)
        elif self.http_proxy_port is not None:
            await self._pipe_to(self.http_proxy_port, "httpProxyPort", reader, writer)
        else:
            await self.proxy.handle(reader, writer)

    async def _pipe_to(self, port: int, key: str, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:
        try:
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port), 10.0)
            except (OSError, TimeoutError) as exc:
                why = getattr(exc, "strerror", None) or type(exc).__name__
                self._notes.append(f"your proxy on 127.0.0.1:{port} (sandbox.network.{key}) "
                                   f"did not accept the connection: {why}")
                if key == "httpProxyPort":
                    body = (f"Your proxy on 127.0.0.1:{port} (sandbox.network.{key}) is not "
                            "reachable")
                    writer.write((f"HTTP/1.1 502 Bad Gateway\r\nContent-Length: {len(body)}"
                                  f"\r\nConnection: close\r\n\r\n{body}").encode())
                    with contextlib.suppress(OSError):
                        await writer.drain()
                return
            try:
                await asyncio.gather(_copy(reader, up_writer), _copy(up_reader, writer))
            finally:
                up_writer.close()
        finally:
            writer.close()


async def _peek(conn: socket.socket) -> bytes:
    """The first byte waiting on ``conn`` without taking it; ``b""`` at EOF."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            return conn.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            ready: asyncio.Future[None] = loop.create_future()
            loop.add_reader(conn.fileno(), _settle, ready)
            try:
                await ready
            finally:
                loop.remove_reader(conn.fileno())


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until EOF, then half-close ``writer``; a reset ends the copy quietly."""
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (OSError, RuntimeError) as exc:
        log.debug("proxy pipe ended: %r", exc)
