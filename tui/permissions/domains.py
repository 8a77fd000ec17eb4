"""WebFetch domains: which host a URL reaches, and ``WebFetch(domain:...)`` patterns.

Source: REF §2.6 (matching), REF §1.2 (IPv6 hosts saved bracketed), ``SPEC.md`` §7.  URLs are
split with :mod:`urllib.parse`; the host is then put in the one form a rule is compared with:
lowercase, no trailing dot, IDNA (``xn--``) for international names, canonical IPv6 in brackets,
canonical dotted IPv4.

A URL this module cannot read with certainty gives ``None`` so the engine asks.  That includes
the forms on which URL parsers disagree and a host check could be fooled: backslashes
(``https://evil.com\\@good.com`` — a browser-style parser goes to ``evil.com``), whitespace and
control characters (some parsers silently drop them), and hosts that are not valid names.
Shorthand IPv4 forms (``http://2130706433/``, ``http://0x7f.1/``) are canonicalised to the
address the resolver would use (``127.0.0.1``), and IPv4-mapped IPv6 (``[::ffff:127.0.0.1]``)
to its IPv4 address, so a deny rule on the address cannot be sidestepped by respelling it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import unquote, urlsplit, urlunsplit

from tui.glob import star_match

__all__ = [
    "domain_matches",
    "domain_pattern_problem",
    "host_of",
    "host_port_of",
    "https_url",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_CHARS = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_PATTERN_CHARS = re.compile(r"[a-z0-9_*-]+(?:\.[a-z0-9_*-]+)*")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
_BAD_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f\\]")


def _idna(name: str) -> str | None:
    """ASCII form of a host name (UTS #46 mapping, as browsers do); ``None`` if invalid."""
    if name.isascii():
        return name.lower()
    try:
        import idna
    except ImportError:  # the idna package comes with httpx; fall back to IDNA 2003
        try:
            return name.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return None
    try:
        return idna.encode(name, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def _ipv6(text: str) -> str | None:
    """Canonical bracketed IPv6 (or dotted IPv4 for an IPv4-mapped address); ``None`` if not."""
    try:
        addr = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    if addr.ipv4_mapped is not None and addr.scope_id is None:
        return str(addr.ipv4_mapped)
    return f"[{addr.compressed}]"


def _canonical_host(raw: str) -> str | None:
    """Canonical form of a host name or address as it appears in a URL; ``None`` if invalid."""
    if not raw:
        return None
    host = unquote(raw, errors="strict") if "%" in raw else raw
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        return _ipv6(host)
    if _BAD_URL_CHARS.search(host) or "%" in host:
        return None
    ascii_host = _idna(host)
    if ascii_host is None:
        return None
    if ascii_host.endswith("."):
        ascii_host = ascii_host[:-1]
    if not ascii_host or _HOST_CHARS.fullmatch(ascii_host) is None:
        return None
    last = ascii_host.rsplit(".", 1)[-1]
    if _NUMERIC_LABEL.fullmatch(last):
        # An IPv4 address, possibly in a shorthand the resolver accepts (inet_aton rules).
        try:
            return socket.inet_ntoa(socket.inet_aton(ascii_host))
        except OSError:
            return None
    return ascii_host


def _split_url(url: str) -> tuple[str, int] | None:
    """(canonical host, effective port) of an http(s) URL, or ``None``."""
    if not isinstance(url, str) or _BAD_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return None
        hostname = parts.hostname
        port = parts.port
    except (ValueError, UnicodeError):
        return None
    if not hostname:
        return None
    try:
        host = _canonical_host(hostname)
    except (ValueError, UnicodeError):
        return None
    if host is None:
        return None
    return host, port if port is not None else _DEFAULT_PORTS[scheme]


def host_of(url: str) -> str | None:
    """The host an http(s) URL reaches, in the form domain rules compare with (REF §2.6).

    Returns the lowercased host name without a trailing dot, IDNA-encoded (``xn--...``), IPv6
    in brackets (``[::1]``), IPv4 canonical dotted; ``None`` for anything that is not an
    ``http``/``https`` URL with a host, or that this module cannot read with certainty (see the
    module docstring), so the engine asks.  User info never confuses it:
    ``https://example.com@evil.com/`` → ``"evil.com"``; ``https://evil.com/?example.com`` →
    ``"evil.com"``.  Never raises.
    """
    split = _split_url(url)
    return split[0] if split is not None else None


def host_port_of(url: str) -> str | None:
    """``"host:port"`` for an http(s) URL, the port explicit or the scheme's default.

    ``https://example.com/`` → ``"example.com:443"``; ``http://[::1]:8080/`` → ``"[::1]:8080"``.
    Pass this to :func:`domain_matches` so that a pattern with a port can be checked.  ``None``
    as for :func:`host_of`.
    """
    split = _split_url(url)
    return f"{split[0]}:{split[1]}" if split is not None else None


def https_url(url: str) -> str | None:
    """The URL WebFetch requests for ``url``: ``http`` upgraded to ``https`` (a port the URL
    names is kept), the host in :func:`host_of` form, no fragment (REF §7.4: WebFetch upgrades
    HTTP to HTTPS).  The engine decides a WebFetch call on this URL, so a rule with a port
    sees the port that is reached.

    ``http://Example.com/a?b#c`` → ``"https://example.com/a?b"``; ``None`` when
    :func:`host_of` gives ``None`` or the URL carries a user name or password.  Never raises.
    """
    if not isinstance(url, str) or _split_url(url) is None:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    host = _split_url(url)
    assert host is not None
    netloc = host[0] if port is None else f"{host[0]}:{port}"
    return urlunsplit(("https", netloc, parts.path or "/", parts.query, ""))


def _split_host_port(text: str) -> tuple[str, str | None]:
    """``"host:port"``/``"[v6]:port"``/``"host"`` → (host, port text or None)."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return text, None
        rest = text[end + 1:]
        if rest.startswith(":"):
            return text[: end + 1], rest[1:]
        return text[: end + 1], None if not rest else rest
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, port
    return text, None  # a bare IPv6 address (several colons) or a plain host


def _valid_port(port: str) -> bool:
    return port.isascii() and port.isdigit() and 0 < int(port) < 65536


def _canonical_pattern_host(host: str) -> str:
    """Lowercase, no trailing dot, IPv6 canonical, IDNA labels (wildcard labels kept)."""
    host = host.strip().lower()
    if host.endswith(".") and host != ".":
        host = host[:-1]
    inner = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in inner:
        v6 = _ipv6(inner)
        return v6 if v6 is not None else host
    if "*" not in host and _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return host
    labels = []
    for label in host.split("."):
        if not label.isascii() and "*" not in label:
            label = _idna(label) or label
        labels.append(label)
    return ".".join(labels)


def _canonical_given_host(host: str) -> str:
    """The host passed to :func:`domain_matches`, in :func:`host_of` form where possible."""
    host = host.strip()
    try:
        canon = _canonical_host(host)
    except (ValueError, UnicodeError):
        canon = None
    if canon is not None:
        return canon
    host = host.lower()
    return host[:-1] if host.endswith(".") else host


def _labels_match(pattern: list[str], host: list[str]) -> bool:
    return len(pattern) == len(host) and all(
        star_match(p, h) for p, h in zip(pattern, host, strict=True))


def domain_matches(pattern: str, host: str) -> bool:
    """True when a ``WebFetch(domain:...)`` pattern covers ``host`` (REF §2.6).

    Args:
        pattern: ``"example.com"``, ``"*.example.com"``, ``"example.*"``, ``"*"``,
            ``"[::1]:8080"``...; a leading ``"domain:"`` is accepted and ignored.
        host: ``"host"`` or ``"host:port"`` (IPv6 bracketed), normally from :func:`host_of` or
            :func:`host_port_of`.

    Case-insensitive; a trailing ``.`` is ignored on both sides.  ``*`` alone matches every
    host; a leading ``*.`` matches any subdomain at any depth but not the apex
    (``*.example.com`` matches ``a.b.example.com``, not ``example.com`` nor
    ``example.com.evil.com``); a ``*`` anywhere else matches within one label (``example.*``
    matches ``example.org``, not ``example.evil.com``).  When the pattern has a ``:port``, the
    host must be given with a port and the ports must be equal; a host given without a port
    does not match such a pattern (pass :func:`host_port_of`).  Never raises.
    """
    if not isinstance(pattern, str) or not isinstance(host, str):
        return False
    pat = pattern.strip()
    if pat.lower().startswith("domain:"):
        pat = pat[7:].strip()
    pat_host, pat_port = _split_host_port(pat)
    given_host, given_port = _split_host_port(host.strip())
    if pat_port is not None:
        if not _valid_port(pat_port) or given_port is None or not _valid_port(given_port):
            return False
        if int(pat_port) != int(given_port):
            return False
    p = _canonical_pattern_host(pat_host)
    h = _canonical_given_host(given_host)
    if not p or not h:
        return False
    if p == "*":
        return True
    if p.startswith("["):
        return p == h
    h_labels = h.split(".")
    if p.startswith("*."):
        suffix = p[2:].split(".")
        if len(h_labels) <= len(suffix):
            return False
        return _labels_match(suffix, h_labels[-len(suffix):])
    return _labels_match(p.split("."), h_labels)


def domain_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` (the part after ``domain:``) is not a usable domain pattern, or ``None``.

    Accepted: a host name with optional ``*`` wildcards, an IPv4 address, a bracketed IPv6
    address, each with an optional ``:port``; ``*`` alone.
    """
    if not pattern:
        return "the domain is empty"
    if "/" in pattern or "@" in pattern or "://" in pattern:
        return f"{pattern!r} is not a domain (no scheme, path or user part)"
    host, port = _split_host_port(pattern)
    if port is not None and not _valid_port(port):
        return f"{port!r} is not a port number (1-65535)"
    if host.startswith("["):
        if not host.endswith("]") or _ipv6(host[1:-1]) is None:
            return f"{host!r} is not an IPv6 address"
        return None
    if ":" in host:
        return f"{host!r}: write an IPv6 address in brackets, e.g. [::1]"
    canon = _canonical_pattern_host(host)
    if canon == "*":
        return None
    if _PATTERN_CHARS.fullmatch(canon) is None:
        return f"{pattern!r} is not a domain name (letters, digits, '-', '.', and '*')"
    return None
