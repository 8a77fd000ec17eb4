"""Fetching one web page for WebFetch: HTTPS only, pinned addresses, same-host redirects, caps.

What a fetch does (REF §7.4 for the Claude Code behaviour it follows, stricter where noted):

- **HTTPS only.** ``http://`` is upgraded to ``https://`` (the port, when the URL names one, is
  kept); certificates are verified against the system's trust store (httpx2's default), or the
  :class:`ssl.SSLContext` the :class:`Fetcher` was built with (tests pass their own test CA:
  the upgrade and the verification stay on).
- **Redirects** are followed by hand, only to the same host and port (after the upgrade), at
  most :data:`MAX_REDIRECTS` times.  A redirect to another host is *not* followed: the fetch
  returns a :class:`Redirect` naming the target, and the model may ask to fetch it, which is a
  new call the permission rules decide on.
- **Addresses (SSRF).** The host is resolved once per request and the connection goes to the
  address that was checked (the request carries the name in ``Host`` and in TLS SNI, httpx2's
  ``sni_hostname`` extension), so a second DNS answer cannot move it elsewhere.  Beyond Claude
  Code: loopback, private, link-local (cloud metadata) and other non-public addresses are
  reached only when the URL itself names them (an address literal, ``localhost`` or a
  ``*.localhost`` name), so the approval card showed it; a public-looking name that resolves to
  one is refused (:func:`host_kind`, :func:`address_kind`).
- **Nothing of the user's is sent:** no cookies (each request is built by hand, and the client
  keeps none), no proxy or ``.netrc`` credentials (``trust_env=False``), no user info (URLs
  with a user name or password are refused by :func:`target_of`).
- **Caps:** at most :data:`MAX_DOWNLOAD_BYTES` of (decoded) body, streamed and aborted beyond;
  only text-ish content types (:func:`is_text_type`); :data:`CONNECT_TIMEOUT_S` /
  :data:`READ_TIMEOUT_S` per request and :data:`TOTAL_TIMEOUT_S` for the whole fetch.
- **HTML to Markdown** with ``markdownify`` (:func:`to_markdown`; the first
  :data:`MAX_HTML_CHARS` characters of HTML), other text as it is, cut at
  :data:`MAX_MARKDOWN_CHARS` characters.

UI-free; every failure is a :class:`FetchProblem` whose message is meant for the model.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit

from tui.permissions.domains import host_of, https_url

if TYPE_CHECKING:  # imported when a fetch runs: importing the tools stays cheap
    import httpx2

__all__ = [
    "CONNECT_TIMEOUT_S",
    "MAX_DOWNLOAD_BYTES",
    "MAX_HTML_CHARS",
    "MAX_MARKDOWN_CHARS",
    "MAX_REDIRECTS",
    "READ_TIMEOUT_S",
    "TOTAL_TIMEOUT_S",
    "USER_AGENT",
    "AddressKind",
    "FetchProblem",
    "Fetcher",
    "Page",
    "Redirect",
    "Target",
    "address_kind",
    "host_kind",
    "is_text_type",
    "target_of",
    "to_markdown",
    "used_text",
]

MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024
"""Most bytes of a response body (after content decoding) read; a bigger body aborts the fetch."""

MAX_MARKDOWN_CHARS = 100_000
"""Most characters of the page's Markdown given to the isolated model; the rest is cut and a
note says so (Claude Code cuts its Markdown at the same size)."""

MAX_HTML_CHARS = 1_000_000
"""Most characters of a page's HTML converted to Markdown (and scanned): conversion costs about
3 ms per KiB, and the Markdown is cut at :data:`MAX_MARKDOWN_CHARS` anyway."""

MAX_REDIRECTS = 10
"""Most same-host redirects followed in one fetch."""

CONNECT_TIMEOUT_S = 10.0
"""Seconds to connect (per address tried)."""

READ_TIMEOUT_S = 30.0
"""Seconds without a byte from the server before a request is abandoned."""

TOTAL_TIMEOUT_S = 60.0
"""Seconds for the whole fetch, redirects included."""

USER_AGENT = "Warden-User/0.1 (WebFetch; user-approved fetch for a coding agent)"
"""The ``User-Agent`` sent (Claude Code's starts with ``Claude-User``: a fetch a user asked for,
not a crawler)."""

_ACCEPT = "text/markdown, text/html;q=0.9, text/plain;q=0.8, */*;q=0.1"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_TEXT_APPLICATION_TYPES = frozenset({
    "application/json", "application/ld+json", "application/xml", "application/xhtml+xml",
    "application/rss+xml", "application/atom+xml", "application/javascript",
    "application/x-javascript", "application/ecmascript", "application/yaml",
    "application/x-yaml", "application/toml", "application/x-sh", "application/markdown",
})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_BLANK_RUNS = re.compile(r"\n{3,}")

AddressKind = Literal["loopback", "private", "link-local", "non-public"]
"""Why an address is not on the public internet: ``loopback`` (this machine), ``private``
(RFC 1918, unique local IPv6), ``link-local`` (169.254.0.0/16 with the cloud metadata address,
fe80::/10), ``non-public`` (anything else not globally routable: unspecified, multicast,
reserved, shared/CGN 100.64.0.0/10...)."""


class FetchProblem(Exception):
    """The page could not be fetched or is not usable; the message is meant for the model."""


def address_kind(address: str) -> AddressKind | None:
    """What kind of non-public address ``address`` is, or ``None`` for a public one.

    ``address``: an IPv4 or IPv6 address as text (brackets and a ``%zone`` allowed); text that
    is no address gives ``"non-public"`` (fail closed).  IPv4-mapped IPv6 is judged as its IPv4
    address.
    """
    text = address.strip("[]").split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return "non-public"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private and not ip.is_unspecified and not ip.is_reserved and not ip.is_multicast:
        return "private"
    if not ip.is_global or ip.is_multicast:
        return "non-public"
    return None


def host_kind(host: str) -> AddressKind | None:
    """What the approval card can say about ``host`` before anything is resolved (no DNS).

    ``host`` is a canonical host (:func:`tui.permissions.domains.host_of`): an address literal
    gets :func:`address_kind`; ``localhost`` and ``*.localhost`` (RFC 6761) are ``loopback``;
    any other name gives ``None`` (it is checked when it is resolved, at fetch time).
    """
    if _is_literal(host):
        return address_kind(host)
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    return None


def _is_literal(host: str) -> bool:
    """True when a canonical host is an address (bracketed IPv6 or dotted IPv4), not a name."""
    return host.startswith("[") or host.replace(".", "").isdigit()


def is_text_type(content_type: str) -> bool:
    """True for the content types WebFetch reads: ``text/*``, JSON, XML, YAML, TOML,
    JavaScript and the ``+json``/``+xml`` types.  ``content_type`` is the header's value
    (parameters allowed); an empty one is not text (fail closed)."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if not mime:
        return False
    return (mime.startswith("text/") or mime in _TEXT_APPLICATION_TYPES
            or mime.endswith("+json") or mime.endswith("+xml"))


@dataclass(frozen=True, slots=True)
class Target:
    """One URL to fetch, as WebFetch reads it.

    Attributes:
        url: the URL as given.
        fetch_url: what is requested: ``https`` (an ``http`` URL upgraded), fragment removed.
        host: the canonical host (:func:`~tui.permissions.domains.host_of`: lowercase, IDNA,
            IPv6 bracketed), also sent in ``Host`` and TLS SNI.
        port: the TCP port (443 unless the URL names one).
        kind: :func:`host_kind` of the host: how the card describes it.
    """

    url: str
    fetch_url: str
    host: str
    port: int
    kind: AddressKind | None

    @property
    def upgraded(self) -> bool:
        """True when ``url`` was ``http://`` and is fetched over HTTPS."""
        return urlsplit(self.url).scheme.lower() == "http"

    @property
    def origin(self) -> tuple[str, int]:
        """``(host, port)``: a redirect is followed only when it keeps this."""
        return self.host, self.port


def target_of(url: str) -> Target:
    """Read ``url`` as WebFetch fetches it: upgraded to HTTPS, host canonical.

    Raises:
        FetchProblem: not an ``http``/``https`` URL with a host Warden can read with
            certainty (:func:`~tui.permissions.domains.host_of`), a user name or password in
            it, or a bad port.  No DNS lookup is made.
    """
    if not isinstance(url, str) or not url.strip():
        raise FetchProblem("The URL is empty.")
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchProblem(f"{url!r} is not a valid URL: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchProblem(f"WebFetch fetches http and https URLs only, not {scheme or 'this'}: "
                           f"{url!r}.")
    host = host_of(url)
    if host is None:
        raise FetchProblem(f"Warden cannot tell which host {url!r} reaches, so it does not "
                           "fetch it.")
    fetch_url = https_url(url)
    if fetch_url is None:
        raise FetchProblem("WebFetch does not fetch URLs with a user name or password in them "
                           "(it never sends credentials).")
    return Target(url=url, fetch_url=fetch_url, host=host, port=port or 443,
                  kind=host_kind(host))


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page.

    Attributes:
        url: the URL it was fetched from at last (after same-host redirects), https.
        status: the HTTP status (2xx).
        content_type: the ``Content-Type`` header's value.
        size: bytes of body read (decoded).
        text: the body as text (its charset, else UTF-8; bad bytes replaced).
        redirects: same-host redirects followed.
    """

    url: str
    status: int
    content_type: str
    size: int
    text: str
    redirects: int = 0

    @property
    def is_html(self) -> bool:
        """True for HTML (converted to Markdown)."""
        return self.content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


@dataclass(frozen=True, slots=True)
class Redirect:
    """The server redirected to another host; Warden did not follow.

    Attributes:
        url: the URL that redirected (https).
        target: the absolute URL it points to, as the server wrote it (resolved against
            ``url``).
        status: the redirect status (301, 302, 303, 307 or 308).
    """

    url: str
    target: str
    status: int


Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> addresses`` as text, in the order to try them."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the event loop's ``getaddrinfo``, TCP), in order,
    without duplicates.

    Raises:
        FetchProblem: the name does not resolve.
    """
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchProblem(f"{host} could not be resolved: {exc}.") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class Fetcher:
    """Fetches pages for WebFetch (see the module docstring for what a fetch does).

    Args:
        verify: the trust roots: ``True`` for the system's (production), or an
            :class:`ssl.SSLContext` (tests give one that trusts their own test CA).  Never
            ``False``: certificates are always checked.
        resolver: how host names are resolved (:func:`system_resolver`).
        max_bytes: :data:`MAX_DOWNLOAD_BYTES`.
        total_timeout: :data:`TOTAL_TIMEOUT_S`.

    Raises:
        ValueError: ``verify`` is ``False``.
    """

    def __init__(self, *, verify: ssl.SSLContext | Literal[True] = True,
                 resolver: Resolver = system_resolver, max_bytes: int = MAX_DOWNLOAD_BYTES,
                 total_timeout: float = TOTAL_TIMEOUT_S) -> None:
        if verify is not True and not isinstance(verify, ssl.SSLContext):
            raise ValueError("WebFetch always verifies certificates: pass True or an SSLContext")
        self.verify = verify
        self.resolver = resolver
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout

    async def fetch(self, url: str) -> Page | Redirect:
        """Fetch ``url``: a :class:`Page`, or a :class:`Redirect` to another host.

        Raises:
            FetchProblem: the URL is unusable, the host resolves to an address the URL did
                not name as local, no connection or TLS handshake succeeded, an error status,
                too many redirects, a redirect to a non-HTTP URL, a non-text content type, a
                body over ``max_bytes``, or the time ran out.
        """
        try:
            async with asyncio.timeout(self.total_timeout):
                return await self._fetch(url)
        except TimeoutError:
            raise FetchProblem(f"The fetch took longer than {self.total_timeout:g} s and was "
                               "abandoned.") from None

    async def _fetch(self, url: str) -> Page | Redirect:
        import httpx2

        target = target_of(url)
        timeout = httpx2.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        async with httpx2.AsyncClient(verify=self.verify, trust_env=False, timeout=timeout,
                                      follow_redirects=False) as client:
            for redirects in range(MAX_REDIRECTS + 1):
                response = await self._open(client, target)
                try:
                    status = response.status_code
                    if status in _REDIRECT_STATUSES:
                        location = response.headers.get("location", "").strip()
                        if not location:
                            raise FetchProblem(f"{target.fetch_url} answered HTTP {status} "
                                               "without a Location to redirect to.")
                        absolute = urljoin(target.fetch_url, location)
                        try:
                            following = target_of(absolute)
                        except FetchProblem as exc:
                            raise FetchProblem(f"{target.fetch_url} redirects to {absolute!r}, "
                                               f"which WebFetch does not follow: {exc}") from None
                        if following.origin != target.origin:
                            return Redirect(target.fetch_url, absolute, status)
                        target = following
                        continue
                    if not 200 <= status < 300:
                        raise FetchProblem(f"{target.fetch_url} answered HTTP {status} "
                                           f"{response.reason_phrase}.".replace(" .", "."))
                    return await self._read(response, target, redirects)
                finally:
                    await response.aclose()
        raise FetchProblem(f"{url} redirected more than {MAX_REDIRECTS} times.")

    async def _addresses(self, target: Target) -> list[str]:
        """The checked addresses to connect to for ``target`` (see the module docstring)."""
        if _is_literal(target.host):
            return [target.host.strip("[]")]
        addresses = await self.resolver(target.host, target.port)
        if not addresses:
            raise FetchProblem(f"{target.host} did not resolve to any address.")
        for address in addresses:
            kind = address_kind(address)
            if target.kind is None and kind is not None:
                raise FetchProblem(
                    f"{target.host} resolves to {address}, a {kind} address. WebFetch reaches "
                    "loopback, private and link-local addresses only when the URL names them "
                    "(an address, localhost or *.localhost), so that the approval shows it; "
                    "this fetch was refused.")
            if target.kind == "loopback" and kind != "loopback":
                raise FetchProblem(f"{target.host} resolves to {address}, which is not a "
                                   "loopback address; the fetch was refused.")
        return addresses

    async def _open(self, client: httpx2.AsyncClient, target: Target) -> httpx2.Response:
        """Send the GET for ``target`` to each checked address in turn until one connects;
        the response is streamed (the caller closes it)."""
        import httpx2

        addresses = await self._addresses(target)
        url = httpx2.URL(target.fetch_url)
        host_header = url.netloc.decode("ascii")
        last: Exception | None = None
        for address in addresses:
            request = httpx2.Request(
                "GET", url.copy_with(host=address),
                headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": _ACCEPT},
                extensions={"sni_hostname": target.host.strip("[]")})
            try:
                return await client.send(request, stream=True)
            except httpx2.ConnectError as exc:
                if _tls_failure(exc):
                    raise FetchProblem(f"The TLS connection to {target.host} failed: "
                                       f"{_reason(exc)}.") from None
                last = exc
            except httpx2.TimeoutException:
                raise FetchProblem(f"{target.host} did not answer in time.") from None
            except httpx2.HTTPError as exc:
                raise FetchProblem(f"Fetching {target.fetch_url} failed: {_reason(exc)}.") \
                    from None
        raise FetchProblem(f"Could not connect to {target.host} port {target.port}: "
                           f"{_reason(last) if last else 'no address'}.")

    async def _read(self, response: httpx2.Response, target: Target, redirects: int) -> Page:
        """Check the content type and read the body within ``max_bytes``."""
        import httpx2

        content_type = response.headers.get("content-type", "")
        if not is_text_type(content_type):
            shown = content_type.split(";", 1)[0].strip() or "no Content-Type"
            raise FetchProblem(f"{target.fetch_url} is {shown}, not text; WebFetch reads only "
                               "text pages (HTML, plain text, Markdown, JSON, XML...).")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchProblem(f"{target.fetch_url} is {int(declared):,} bytes, over WebFetch's "
                               f"limit of {self.max_bytes:,} bytes; it was not downloaded.")
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchProblem(f"{target.fetch_url} is over WebFetch's limit of "
                                       f"{self.max_bytes:,} bytes; the download was aborted.")
                chunks.append(chunk)
        except httpx2.TimeoutException:
            raise FetchProblem(f"{target.host} stopped sending the page.") from None
        except httpx2.HTTPError as exc:
            raise FetchProblem(f"Reading {target.fetch_url} failed: {_reason(exc)}.") from None
        encoding = response.charset_encoding or "utf-8"
        body = b"".join(chunks)
        try:
            text = body.decode(encoding, errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        return Page(target.fetch_url, response.status_code, content_type, size, text, redirects)


def _tls_failure(exc: BaseException) -> bool:
    """True when a connect error came from the TLS handshake (certificate, protocol)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE" in str(exc).upper() or "SSL" in str(exc).upper()


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def used_text(page: Page) -> str:
    """The part of ``page`` WebFetch reads (scans and converts): HTML up to
    :data:`MAX_HTML_CHARS` characters, other text up to :data:`MAX_MARKDOWN_CHARS`."""
    return page.text[:MAX_HTML_CHARS if page.is_html else MAX_MARKDOWN_CHARS]


def to_markdown(page: Page, limit: int = MAX_MARKDOWN_CHARS) -> tuple[str, bool]:
    """The page as Markdown for the isolated model, and whether anything was cut.

    HTML (``text/html``, XHTML) goes through ``markdownify`` (ATX headings; ``<script>`` and
    ``<style>`` contents dropped), its first :data:`MAX_HTML_CHARS` characters only; any other
    text type is kept as it is (:func:`used_text`).  At most ``limit`` characters are kept; a
    note at the end says when the page was cut.  CPU-bound (about 3 ms per KiB of HTML here):
    call it in a thread.
    """
    source = used_text(page)
    if page.is_html:
        from markdownify import markdownify

        text = markdownify(source, heading_style="ATX")
        text = _BLANK_RUNS.sub("\n\n", "\n".join(line.rstrip() for line in text.splitlines()))
        text = text.strip()
    else:
        text = source
    if len(text) <= limit and len(source) == len(page.text):
        return text, False
    return (text[:limit] + f"\n\n[WebFetch cut the page here: only the first {len(source):,} of "
            f"its {len(page.text):,} characters were read, and at most {limit:,} characters of "
            "Markdown are shown.]"), True
