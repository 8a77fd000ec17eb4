"""The host-side filtering proxy every sandboxed command's network traffic goes through.

Source: ``SPEC.md`` §8 (network leaves only through a host proxy that applies
``sandbox.network.allowedDomains``/``deniedDomains`` and refuses loopback, link-local and private
targets unless listed), REF §6.2 (the keys) and REF §6.3 (srt's design: a proxy on the host,
reached from inside the sandbox through a Unix socket; a blocked host gets ``403 Forbidden`` with
``X-Proxy-Error: blocked-by-allowlist`` and the body ``Connection blocked by network allowlist``;
an upstream failure gets ``502 Bad Gateway``).

What it speaks (asyncio streams, no HTTP library):

* ``CONNECT host:port HTTP/1.1`` (what clients send for ``https://`` URLs through
  ``HTTPS_PROXY``): the request line and headers are read up to the blank line, at most
  16 KiB; anything malformed gets ``400`` and the connection is closed.  When the target passes
  the checks the proxy answers ``200 Connection Established`` and pipes bytes both ways.
* Plain-HTTP requests in absolute form (``GET http://host/path HTTP/1.1``, what clients send for
  ``http://`` URLs through ``HTTP_PROXY``): the host is checked, the head is rewritten to origin
  form (``GET /path HTTP/1.1``, ``Host`` set to the checked host, ``Proxy-*`` headers dropped)
  and forwarded with its body (``Content-Length`` or chunked framing; a request carrying both,
  or an unknown transfer coding, is refused with ``400``, so a request cannot be smuggled past
  the check).  **Keep-alive:** later requests on the same client connection must name the same
  host and port as the first; one that names another host gets ``403`` (after the responses
  already owed by the upstream have been delivered) and the connection is closed.  After an
  ``Upgrade`` request (WebSocket) the rest of the stream is piped unparsed to the same upstream.
  ``https://`` in absolute form is refused with ``400`` (clients use ``CONNECT`` for that).

Policy for a ``host:port`` (:meth:`FilteringProxy.check`, no I/O): a ``denied`` match blocks
(deny wins); an ``allowed`` match allows; a host the user allowed for this session
(:attr:`FilteringProxy.session_allowed`) is allowed, one the user declined is blocked; otherwise
the ``ask`` callback decides, once per ``host:port`` per session (concurrent requests share one
question), and without a callback the host is blocked.  Patterns are matched with
:func:`tui.permissions.domains.domain_matches`: ``*.example.com`` covers subdomains at any depth
but not the apex, case is folded, a trailing dot ignored, ``host:port`` entries match that port
only, IPv6 addresses are written in brackets.

After the name check the host is resolved (injectable resolver; default ``loop.getaddrinfo``)
and every address is checked again: an address matching a ``denied`` entry is blocked, and an
address that is not globally routable - loopback (``127.0.0.0/8``, ``::1``), link-local
(``169.254.0.0/16``, ``fe80::/10``, so cloud metadata endpoints), private (``10/8``,
``172.16/12``, ``192.168/16``, ``fc00::/7``), shared/CGNAT, reserved, unspecified, multicast or
broadcast, also when embedded in IPv4-mapped, NAT64 or 6to4 IPv6 - is refused with the same
``403`` (reason ``private address ...``) unless an ``allowed`` entry without wildcards names that
exact host or address (``127.0.0.1:8080``, ``localhost:8080``, ``gitlab.corp``).  Listing a
name exactly therefore trusts its DNS; wildcard entries never open private addresses.  A name
resolving to several addresses is refused if any one of them is refused.  The proxy then
connects to the checked address, never to the name again, so a second DNS answer cannot
re-point the connection (DNS rebinding).

Fail closed: every error before the upstream connection is made (a malformed request, a failed
lookup, a resolver or ``ask`` callback that raises, an internal bug) refuses the connection;
nothing is forwarded unchecked.  Every decision is appended to :attr:`FilteringProxy.decisions`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import os
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from tui.permissions.domains import domain_matches, host_of

__all__ = [
    "BLOCKED_BODY",
    "BLOCKED_HEADER",
    "AskHost",
    "Check",
    "Connector",
    "FilteringProxy",
    "Resolver",
    "Verdict",
    "forbidden_address",
]

log = logging.getLogger(__name__)

Verdict = Literal["allow", "deny"]
"""The final verdict on one connection attempt."""
Check = Literal["allow", "deny", "ask"]
"""What :meth:`FilteringProxy.check` can say: ``"ask"`` means the user must be asked."""
AskHost = Callable[[str, int], Awaitable["bool | str"]]
"""Asks the user about a host: True (remember for the session), "once" or False."""
"""Interactive question ``(host, port) -> may this session reach it?`` (the TUI's prompt)."""
Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> IP address strings``; raises ``OSError`` when the name does not resolve."""
Connector = Callable[[str, int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
"""``(checked IP address, port) -> streams``; default :func:`asyncio.open_connection`."""

BLOCKED_HEADER = "X-Proxy-Error: blocked-by-allowlist"
BLOCKED_BODY = "Connection blocked by network allowlist"

HEAD_LIMIT = 16 * 1024
"""Most bytes accepted for a request line plus headers."""
_MAX_HEADERS = 100
_HEAD_TIMEOUT_S = 30.0
_CHUNK = 64 * 1024

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_REQUEST_LINE = re.compile(rf"({_TOKEN}) ([\x21-\x7e]+) (HTTP/1\.[01])")
_HEADER_LINE = re.compile(rf"({_TOKEN}):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*")
_AUTHORITY = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r\n")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_DROP_HEADERS = frozenset({"host", "proxy-connection", "proxy-authorization"})



def listen_unix(path: Path) -> socket.socket:
    """A non-blocking listening Unix stream socket at ``path``, mode ``0600`` before anyone can
    connect; ``path`` is created, never replaced.

    Raises:
        FileExistsError: ``path`` exists.
        ValueError: ``path`` is too long for a Unix socket address (107 bytes).
        OSError: binding or listening failed (nothing is left behind).
    """
    raw = os.fsencode(path)
    if len(raw) > 107:
        raise ValueError(f"socket path too long ({len(raw)} bytes > 107): {path}")
    if os.path.lexists(path):
        raise FileExistsError(f"{path} exists")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(raw)
        os.chmod(raw, 0o600)  # before listen(): nobody can connect in between
        sock.listen(128)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        with contextlib.suppress(OSError):
            os.unlink(raw)
        raise
    return sock

class _BadRequest(Exception):
    """The client sent something this proxy will not read; answered with ``400``."""


@dataclass(frozen=True)
class _Request:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]

    def values(self, name: str) -> list[str]:
        return [v for n, v in self.headers if n.lower() == name]


class _Activity:
    """Last time bytes moved on a connection (loop clock), for the idle timeout."""

    def __init__(self) -> None:
        self.last = asyncio.get_running_loop().time()

    def touch(self) -> None:
        self.last = asyncio.get_running_loop().time()


def forbidden_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when ``ip`` is not a public unicast address (SPEC §8: refused unless listed).

    Loopback, link-local, private, shared (CGNAT), reserved, documentation, unspecified,
    multicast and broadcast addresses; an IPv4 address embedded in IPv4-mapped
    (``::ffff:10.0.0.1``), NAT64 (``64:ff9b::/96``) or 6to4 (``2002::/16``) IPv6 is judged as
    that IPv4 address.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip in _SIX_TO_FOUR:
            embedded = ip.sixtofour
            if embedded is None or forbidden_address(embedded):
                return True
    return not ip.is_global or ip.is_multicast or ip.is_unspecified


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address when ``host`` (canonical, IPv6 bracketed) is an IP literal, else ``None``."""
    try:
        return ipaddress.ip_address(host[1:-1] if host.startswith("[") else host)
    except ValueError:
        return None


def _ip_host(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An address in ``host:port`` form: IPv6 bracketed, without a zone."""
    if isinstance(ip, ipaddress.IPv6Address):
        return f"[{ipaddress.IPv6Address(int(ip)).compressed}]"
    return str(ip)


def canonical_host(host: str) -> str | None:
    """``host`` as the policy compares it (lowercase, IDNA, IPv6 bracketed); ``None`` if bad."""
    if not isinstance(host, str) or not host or any(c in host for c in "/?#@ \\"):
        return None
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host_of(f"http://{host}/")


def _parse_authority(text: str) -> tuple[str, int] | None:
    """``"host:port"`` of a ``CONNECT`` target → (canonical host, port), or ``None``."""
    m = _AUTHORITY.fullmatch(text)
    if m is None:
        return None
    host = canonical_host(m.group(1))
    port = int(m.group(2))
    if host is None or not 0 < port < 65536:
        return None
    return host, port


def _parse_absolute(target: str) -> tuple[str, int, str]:
    """``http://host[:port]/path?q`` → (canonical host, port, origin-form target).

    Raises:
        _BadRequest: not an absolute ``http`` URL this proxy can read with certainty.
    """
    if not target[:7].lower() == "http://":
        raise _BadRequest("not an absolute http:// URL")
    host = host_of(target)
    try:
        parts = urlsplit(target)
        port = parts.port if parts.port is not None else 80
    except ValueError as exc:
        raise _BadRequest("bad port") from exc
    if host is None or not 0 < port < 65536:
        raise _BadRequest("bad host")
    origin = parts.path or "/"
    if not origin.startswith("/"):
        raise _BadRequest("bad path")
    if parts.query:
        origin = f"{origin}?{parts.query}"
    return host, port, origin


def _parse_head(head: bytes) -> _Request:
    """Request line and headers of one request (``head`` ends with the blank line).

    Raises:
        _BadRequest: a malformed request line or header, bare CR/LF, obsolete line folding, too
            many headers.
    """
    text = head.lstrip(b"\r\n").decode("latin-1")
    if not text.endswith("\r\n\r\n"):
        raise _BadRequest("no blank line")
    lines = text[:-4].split("\r\n")
    if any("\r" in line or "\n" in line for line in lines):
        raise _BadRequest("bare CR or LF")
    m = _REQUEST_LINE.fullmatch(lines[0])
    if m is None:
        raise _BadRequest("bad request line")
    if len(lines) - 1 > _MAX_HEADERS:
        raise _BadRequest("too many headers")
    headers = []
    for line in lines[1:]:
        hm = _HEADER_LINE.fullmatch(line)
        if hm is None:
            raise _BadRequest("bad header line")
        headers.append((hm.group(1), hm.group(2)))
    return _Request(m.group(1), m.group(2), m.group(3), tuple(headers))


def _body_framing(req: _Request) -> tuple[str, int]:
    """(``"none"``/``"length"``/``"chunked"``, length) for a request's body (RFC 9112 §6).

    Raises:
        _BadRequest: both ``Transfer-Encoding`` and ``Content-Length``, a transfer coding that
            does not end in ``chunked``, or unequal/invalid ``Content-Length`` values.
    """
    te = [c.strip().lower() for v in req.values("transfer-encoding") for c in v.split(",")]
    cl = [c.strip() for v in req.values("content-length") for c in v.split(",")]
    if te and cl:
        raise _BadRequest("both Transfer-Encoding and Content-Length")
    if te:
        if te[-1] != "chunked" or te.count("chunked") != 1:
            raise _BadRequest("unsupported transfer coding")
        return "chunked", 0
    if cl:
        if len(set(cl)) != 1 or not cl[0].isascii() or not cl[0].isdigit() or len(cl[0]) > 18:
            raise _BadRequest("bad Content-Length")
        return "length", int(cl[0])
    return "none", 0


def _response(status: str, body: str, *extra: str) -> bytes:
    """A complete ``HTTP/1.1`` response that closes the connection."""
    payload = body.encode()
    head = [f"HTTP/1.1 {status}", "Content-Type: text/plain; charset=utf-8", *extra,
            f"Content-Length: {len(payload)}", "Connection: close", "", ""]
    return "\r\n".join(head).encode("latin-1") + payload


_BLOCKED = _response("403 Forbidden", BLOCKED_BODY, BLOCKED_HEADER)
_BAD_REQUEST = _response("400 Bad Request", "Bad request")
_BAD_GATEWAY = _response("502 Bad Gateway", "Upstream connection failed")
_BUSY = _response("503 Service Unavailable", "Too many connections through the proxy")
_ESTABLISHED = b"HTTP/1.1 200 Connection Established\r\n\r\n"


class FilteringProxy:
    """An HTTP ``CONNECT`` + plain-HTTP proxy that lets through only what the policy allows.

    Args:
        allowed: ``allowedDomains`` patterns (``github.com``, ``*.npmjs.org``,
            ``api.example.com:443``, ``127.0.0.1:8080``, ``[::1]``).
        denied: ``deniedDomains`` patterns; a match always blocks.
        ask: asked about hosts in neither list; ``None`` blocks them (``strictAllowlist``).
            Returning true adds ``"host:port"`` to :attr:`session_allowed`, false to
            :attr:`session_denied`; either way the same ``host:port`` is not asked again.  An
            exception blocks that one connection.
        resolver: ``(host, port) -> [ip, ...]``; default ``loop.getaddrinfo``.  Not called for
            IP literals.  Must raise (or return ``[]``) when the name does not resolve.
        connect_timeout_s: seconds for the lookup, for the upstream ``connect``, and for
            waiting for a free connection slot.
        idle_timeout_s: a connection on which no byte moved either way for this long is closed.
        max_connections: connections served at once; more wait up to ``connect_timeout_s`` for
            a slot, then get ``503``.
        connector: opens the upstream connection to a checked address (never a name); a test
            seam for reaching "public" addresses without a network.

    Attributes:
        decisions: ``(host, port, verdict, reason)`` per connection attempt (and per refused
            keep-alive request), in order; ``host`` canonical (lowercase, IDNA, IPv6 bracketed).
            Reasons: ``"in allowedDomains"``, ``"allowed for this session"``, ``"allowed by the
            user"``, ``"in deniedDomains"``, ``"not in the allowlist"``, ``"declined by the
            user"``, ``"private address 10.0.0.5"``, ``"the prompt failed"``, ``"keep-alive
            request to another host"``.
        session_allowed: ``host:port`` strings (any :func:`domain_matches` pattern works)
            allowed for this session; the caller may add to it.
        session_denied: ``host:port`` strings declined for this session.
    """

    def __init__(
        self,
        *,
        allowed: Sequence[str],
        denied: Sequence[str],
        ask: AskHost | None = None,
        resolver: Resolver | None = None,
        connect_timeout_s: float = 10.0,
        idle_timeout_s: float = 300.0,
        max_connections: int = 64,
        connector: Connector | None = None,
    ) -> None:
        self.allowed: tuple[str, ...] = tuple(allowed)
        self.denied: tuple[str, ...] = tuple(denied)
        self.ask = ask
        self.resolver: Resolver = resolver or _default_resolver
        self.connector: Connector = connector or asyncio.open_connection
        self.connect_timeout_s = connect_timeout_s
        self.idle_timeout_s = idle_timeout_s
        self.decisions: list[tuple[str, int, Verdict, str]] = []
        self.session_allowed: set[str] = set()
        self.session_denied: set[str] = set()
        self._slots = asyncio.Semaphore(max_connections)
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._asks: dict[str, asyncio.Task[bool | str]] = {}
        self._unix_path: Path | None = None

    # ----------------------------------------------------------------- policy
    def check(self, host: str, port: int) -> tuple[Check, str]:
        """The policy's answer for ``host:port`` by name alone (no I/O, no address checks).

        Returns ``("deny", reason)``, ``("allow", reason)`` or ``("ask", "not in the
        allowlist")``; the last only when an ``ask`` callback was given.  An invalid host or
        port is denied.
        """
        canon = canonical_host(host)
        if canon is None:
            return "deny", "invalid host"
        if not isinstance(port, int) or not 0 < port < 65536:
            return "deny", "invalid port"
        hp = f"{canon}:{port}"
        if any(domain_matches(p, hp) for p in self.denied):
            return "deny", "in deniedDomains"
        if any(domain_matches(p, hp) for p in self.allowed):
            return "allow", "in allowedDomains"
        if any(domain_matches(p, hp) for p in self.session_allowed):
            return "allow", "allowed for this session"
        if any(domain_matches(p, hp) for p in self.session_denied):
            return "deny", "declined by the user"
        if self.ask is None:
            return "deny", "not in the allowlist"
        return "ask", "not in the allowlist"

    def _named_exactly(self, host: str, ip: str, port: int) -> bool:
        """An ``allowed`` entry without wildcards names ``host`` or the address ``ip``."""
        for pattern in self.allowed:
            if "*" in pattern:
                continue
            if domain_matches(pattern, f"{host}:{port}") or domain_matches(pattern, f"{ip}:{port}"):
                return True
        return False

    async def _decide_by_name(self, host: str, port: int) -> tuple[Verdict, str]:
        verdict, reason = self.check(host, port)
        if verdict != "ask":
            return verdict, reason
        key = f"{host}:{port}"
        task = self._asks.get(key)
        if task is None:
            assert self.ask is not None
            task = asyncio.ensure_future(self.ask(host, port))
            self._asks[key] = task
            task.add_done_callback(functools.partial(self._asked, key))
        try:
            ok = await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and (current is None or not current.cancelling()):
                return "deny", "the prompt failed"
            raise
        except Exception:
            log.exception("network ask callback failed for %s", key)
            return "deny", "the prompt failed"
        if ok == "once":
            return "allow", "allowed once by the user"
        return ("allow", "allowed by the user") if ok is True else ("deny", "declined by the user")

    def _asked(self, key: str, task: asyncio.Task[bool | str]) -> None:
        self._asks.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return
        if task.result() == "once":
            return  # "allow once": the next connection asks again
        (self.session_allowed if task.result() is True else self.session_denied).add(key)

    async def _resolve(
        self, host: str, port: int
    ) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        literal = _ip_literal(host)
        if literal is not None:
            return [literal]
        found = await asyncio.wait_for(self.resolver(host, port), self.connect_timeout_s)
        return [ipaddress.ip_address(a) for a in found]  # ValueError: fail closed

    def _record(self, host: str, port: int, verdict: Verdict, reason: str) -> None:
        self.decisions.append((host, port, verdict, reason))
        log.info("proxy %s %s:%d (%s)", verdict, host, port, reason)

    async def _open_checked(
        self, host: str, port: int, client: asyncio.StreamWriter
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """Check ``host:port``, resolve it, check the addresses and connect to one.

        On refusal the ``403``/``502`` has been written to ``client`` and ``None`` is returned.
        """
        verdict, reason = await self._decide_by_name(host, port)
        if verdict == "deny":
            self._record(host, port, "deny", reason)
            await _send(client, _BLOCKED)
            return None
        try:
            addresses = await self._resolve(host, port)
        except Exception as exc:  # OSError, TimeoutError, a bad answer: refuse
            log.info("proxy lookup of %s failed: %r", host, exc)
            addresses = []
        for ip in addresses:
            ip_text = _ip_host(ip)
            if any(domain_matches(p, f"{ip_text}:{port}") for p in self.denied):
                self._record(host, port, "deny", "in deniedDomains")
                await _send(client, _BLOCKED)
                return None
            if forbidden_address(ip) and not self._named_exactly(host, ip_text, port):
                self._record(host, port, "deny", f"private address {ip_text}")
                await _send(client, _BLOCKED)
                return None
        self._record(host, port, "allow", reason)
        for ip in addresses:
            try:
                return await asyncio.wait_for(self.connector(str(ip), port),
                                              self.connect_timeout_s)
            except (OSError, TimeoutError) as exc:
                log.info("proxy connect to %s:%d failed: %r", ip, port, exc)
        await _send(client, _BAD_GATEWAY)
        return None

    # ---------------------------------------------------------------- servers
    async def start_unix(self, path: Path) -> None:
        """Listen on the Unix socket ``path`` (mode ``0600``; created, never replaced).

        Raises:
            FileExistsError: ``path`` exists.
            ValueError: ``path`` is too long for a Unix socket address (107 bytes).
        """
        sock = listen_unix(path)
        try:
            server = await asyncio.start_unix_server(self._handle, sock=sock, limit=HEAD_LIMIT)
        except BaseException:
            sock.close()
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        self._unix_path = Path(path)
        self._servers.append(server)

    async def start_tcp(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on TCP ``host:port`` (tests and benchmarks); returns the bound port."""
        server = await asyncio.start_server(self._handle, host, port, limit=HEAD_LIMIT)
        self._servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one client connection accepted elsewhere (a dispatcher that looked at its
        first byte; :class:`tui.sandbox.network.SandboxNetwork`); closes ``writer``.  Same
        checks as a connection to :meth:`start_unix`'s socket; never raises."""
        await self._handle(reader, writer)

    async def aclose(self) -> None:
        """Stop listening, end every open connection and remove the Unix socket."""
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        for asking in list(self._asks.values()):
            asking.cancel()
        await asyncio.gather(*self._tasks, *self._asks.values(), return_exceptions=True)
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._servers.clear()
        if self._unix_path is not None:
            with contextlib.suppress(OSError):
                self._unix_path.unlink()
            self._unix_path = None

    # ------------------------------------------------------------ connections
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.connect_timeout_s)
            except TimeoutError:
                await _send(writer, _BUSY)
                return
            try:
                await self._serve(reader, writer)
            finally:
                self._slots.release()
        except _BadRequest as exc:
            log.info("proxy: bad request (%s)", exc)
            await _send(writer, _BAD_REQUEST)
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # aclose(): end quietly (asyncio's stream callback logs a cancelled handler task).
            pass
        except Exception:  # a bug: refuse (close), never forward unchecked
            log.exception("proxy connection failed")
        finally:
            writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await _read_head(reader, _HEAD_TIMEOUT_S)
        if head is None:
            return
        req = _parse_head(head)
        if req.method == "CONNECT":
            target = _parse_authority(req.target)
            if target is None:
                raise _BadRequest("bad CONNECT target")
            upstream = await self._open_checked(*target, writer)
            if upstream is None:
                return
            up_reader, up_writer = upstream
            try:
                writer.write(_ESTABLISHED)
                await writer.drain()
                activity = _Activity()
                await self._relay(activity, self._pipe(reader, writer=up_writer, act=activity),
                                  self._pipe(up_reader, writer=writer, act=activity))
            finally:
                up_writer.close()
            return
        host, port, origin = _parse_absolute(req.target)
        framing = _body_framing(req)
        upstream = await self._open_checked(host, port, writer)
        if upstream is None:
            return
        up_reader, up_writer = upstream
        try:
            await self._serve_http(req, origin, framing, (host, port), reader, writer,
                                   up_reader, up_writer)
        finally:
            up_writer.close()

    async def _serve_http(
        self,
        req: _Request,
        origin: str,
        framing: tuple[str, int],
        target: tuple[str, int],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
    ) -> None:
        """Forward requests to one checked upstream while its responses are piped back."""
        activity = _Activity()
        # No half-close toward the client: a refusal may still have to be written after the
        # upstream's EOF, and the client connection is closed when this returns anyway.
        pump = asyncio.ensure_future(
            self._pipe(up_reader, writer=writer, act=activity, half_close=False))
        refusal: bytes | None = None

        async def refuse_later(response: bytes) -> None:
            # Deliver the responses still owed for earlier requests; the refusal follows them.
            nonlocal refusal
            refusal = response
            if up_writer.can_write_eof():
                up_writer.write_eof()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(pump), self.connect_timeout_s)

        async def requests() -> None:
            nonlocal req, origin, framing
            while True:
                await self._forward_request(req, origin, framing, target, reader, up_writer,
                                            activity)
                if req.values("upgrade"):
                    await self._pipe(reader, writer=up_writer, act=activity)
                    return
                try:
                    head = await _read_head(reader, None)
                    if head is None:
                        if up_writer.can_write_eof():
                            up_writer.write_eof()
                        return
                    req = _parse_head(head)
                    host, port, origin = _parse_absolute(req.target)
                    framing = _body_framing(req)
                except _BadRequest as exc:
                    log.info("proxy: bad keep-alive request (%s)", exc)
                    await refuse_later(_BAD_REQUEST)
                    return
                if (host, port) != target:
                    self._record(host, port, "deny", "keep-alive request to another host")
                    await refuse_later(_BLOCKED)
                    return

        sender = asyncio.ensure_future(requests())
        try:
            await self._relay(
                activity, sender, pump,
                stop=lambda: pump.done() or (refusal is not None and sender.done()))
            if refusal is not None:
                await _send(writer, refusal)
        finally:
            for t in (sender, pump):
                t.cancel()
            await asyncio.gather(sender, pump, return_exceptions=True)

    async def _forward_request(
        self,
        req: _Request,
        origin: str,
        framing: tuple[str, int],
        target: tuple[str, int],
        reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
        activity: _Activity,
    ) -> None:
        host, port = target
        authority = host if port == 80 else f"{host}:{port}"
        lines = [f"{req.method} {origin} {req.version}", f"Host: {authority}"]
        lines += [f"{n}: {v}" for n, v in req.headers if n.lower() not in _DROP_HEADERS]
        up_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        kind, length = framing
        if kind == "length":
            await _copy_exactly(reader, up_writer, length, activity)
        elif kind == "chunked":
            while True:
                line = await _read_line(reader)
                m = _CHUNK_SIZE.fullmatch(line)
                if m is None:
                    raise _BadRequest("bad chunk size line")
                up_writer.write(line)
                size = int(m.group(1), 16)
                if size == 0:
                    while True:  # trailer fields, then the blank line
                        trailer = await _read_line(reader)
                        up_writer.write(trailer)
                        if trailer == b"\r\n":
                            break
                    break
                await _copy_exactly(reader, up_writer, size, activity)
                if await reader.readexactly(2) != b"\r\n":
                    raise _BadRequest("chunk not followed by CRLF")
                up_writer.write(b"\r\n")
        await up_writer.drain()
        activity.touch()

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        *,
        writer: asyncio.StreamWriter,
        act: _Activity,
        half_close: bool = True,
    ) -> None:
        """Copy ``reader`` to ``writer`` until EOF, then half-close ``writer`` if asked."""
        while True:
            data = await reader.read(_CHUNK)
            if not data:
                break
            act.touch()
            writer.write(data)
            await writer.drain()
        if half_close and writer.can_write_eof() and not writer.is_closing():
            with contextlib.suppress(OSError, RuntimeError):
                writer.write_eof()

    async def _relay(
        self,
        act: _Activity,
        *jobs: Awaitable[None],
        stop: Callable[[], bool] | None = None,
    ) -> None:
        """Run ``jobs`` until all finish, one fails, ``stop()`` is true, or idle timeout.

        Jobs still running on return are cancelled.

        Raises:
            Exception: the first job's error (the connection is then closed by the caller).
        """
        tasks = [asyncio.ensure_future(j) for j in jobs]
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Future[None]] = set(tasks)
        try:
            while True:
                timeout = max(0.0, act.last + self.idle_timeout_s - loop.time())
                # FIRST_COMPLETED, not FIRST_EXCEPTION: a job that ends normally (the upstream
                # closed a close-delimited response) must be able to stop the relay at once.
                done, pending = await asyncio.wait(
                    pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                errors = [t.exception() for t in done if not t.cancelled()]
                first = next((e for e in errors if e is not None), None)
                if first is not None:
                    raise first
                if not pending or (stop is not None and stop()):
                    return
                if loop.time() - act.last >= self.idle_timeout_s:
                    return
        finally:
            for t in tasks:
                if not t.done():
                    t.cancel()
                    t.add_done_callback(_retrieve)


def _retrieve(task: asyncio.Future[None]) -> None:
    """Mark a cancelled job's late error as seen (the connection is closed already)."""
    if not task.cancelled():
        task.exception()


async def _default_resolver(host: str, port: int) -> list[str]:
    """Addresses of ``host`` via ``loop.getaddrinfo`` (TCP), in the resolver's order."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    seen: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in seen:
            seen.append(addr)
    return seen


async def _read_head(reader: asyncio.StreamReader, timeout: float | None) -> bytes | None:
    """One request head up to and including the blank line; ``None`` at a clean EOF.

    Raises:
        _BadRequest: no blank line within :data:`HEAD_LIMIT` bytes, or EOF mid-head.
        TimeoutError: ``timeout`` seconds passed.
    """
    try:
        async with asyncio.timeout(timeout):
            return await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("request head too large") from exc
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise _BadRequest("connection closed mid-head") from exc


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n")
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("line too long") from exc


async def _copy_exactly(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int, act: _Activity
) -> None:
    while n > 0:
        data = await reader.read(min(n, _CHUNK))
        if not data:
            raise asyncio.IncompleteReadError(b"", n)
        n -= len(data)
        act.touch()
        writer.write(data)
        await writer.drain()


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    """Write a final response; errors ignored (the connection is closed next anyway)."""
    if writer.is_closing():
        return
    with contextlib.suppress(OSError, RuntimeError):
        writer.write(data)
        await writer.drain()
