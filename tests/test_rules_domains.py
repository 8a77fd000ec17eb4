"""WebFetch domains (REF §2.6): the host a URL reaches, and ``domain:`` patterns.

A URL whose host cannot be told with certainty gives ``None`` (the engine asks); respellings of
a host or address (shorthand IPv4, IPv4-mapped IPv6, percent-encoding, fullwidth characters)
are canonicalised so that a deny rule cannot be sidestepped.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.permissions.domains import (
    domain_matches,
    domain_pattern_problem,
    host_of,
    host_port_of,
)

HOSTS = [
    # url, host
    ("https://example.com/", "example.com"),
    ("https://EXAMPLE.com/Path", "example.com"),
    ("http://example.com./", "example.com"),  # trailing dot stripped
    ("https://api.example.com:8443/x?y=1#z", "api.example.com"),
    # user info never confuses it
    ("https://example.com@evil.com/", "evil.com"),
    ("https://user:pw@evil.com/", "evil.com"),
    ("https://example.com:443@evil.com/", "evil.com"),
    ("https://a@b@evil.com/", "evil.com"),
    ("https://evil.com/?example.com", "evil.com"),
    ("https://evil.com/#@example.com", "evil.com"),
    ("https://evil.com?@example.com", "evil.com"),
    ("https://evil.com/example.com", "evil.com"),
    # IPv6 in brackets, canonical
    ("http://[::1]:8080/", "[::1]"),
    ("http://[0:0:0:0:0:0:0:1]/", "[::1]"),
    ("http://[2001:DB8::1]/", "[2001:db8::1]"),
    ("http://[::ffff:127.0.0.1]/", "127.0.0.1"),  # IPv4-mapped: the IPv4 address
    # IPv4, canonical dotted (the resolver's reading of shorthand forms)
    ("http://127.0.0.1/", "127.0.0.1"),
    ("http://2130706433/", "127.0.0.1"),
    ("http://0x7f.1/", "127.0.0.1"),
    ("http://127.1/", "127.0.0.1"),
    # international names: IDNA, with the UTS #46 mapping browsers use
    ("https://bücher.de/", "xn--bcher-kva.de"),
    ("https://ｅｘａｍｐｌｅ。com/", "example.com"),
    ("https://%65xample.com/", "example.com"),  # percent-encoded host
    # unparseable or not http(s): None, so the engine asks
    ("ftp://example.com/", None),
    ("file:///etc/passwd", None),
    ("javascript:alert(1)", None),
    ("example.com", None),
    ("//example.com/", None),
    ("https://", None),
    ("https:///path", None),
    ("http://:80/", None),
    ("https://example.com:99999/", None),
    ("https://example.com:port/", None),
    ("http://[::1/", None),
    ("http://[not-v6]/", None),
    ("https://evil.com\\@example.com/", None),  # parsers disagree on "\": ask
    ("https://exa mple.com/", None),
    ("https://example.com/\tpath", None),
    (" https://example.com/", None),
    ("https://exa\nmple.com/", None),
    ("https://evil.com%40example.com/", None),
    ("https://evil.com%2fexample.com/", None),
    ("https://ex!ample.com/", None),
    ("http://1.2.3.4.5/", None),
    ("http://abc.123/", None),
    ("https://example.com../", None),
    ("", None),
]


@pytest.mark.parametrize(("url", "host"), HOSTS)
def test_host_of(url: str, host: str | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.com/", "example.com:443"),
    ("http://example.com/", "example.com:80"),
    ("http://example.com:8080/", "example.com:8080"),
    ("http://[::1]:8080/", "[::1]:8080"),
    ("https://[::1]/", "[::1]:443"),
    ("ftp://example.com/", None),
])
def test_host_port_of(url: str, expected: str | None) -> None:
    assert host_port_of(url) == expected


DOMAINS = [
    # pattern, host, matches?  (REF §2.6)
    ("example.com", "example.com", True),
    ("example.com", "EXAMPLE.COM", True),  # case-insensitive
    ("Example.COM", "example.com", True),
    ("example.com.", "example.com", True),  # trailing dot, both sides
    ("example.com", "example.com.", True),
    ("example.com", "api.example.com", False),
    ("example.com", "example.com.evil.com", False),
    ("example.com", "notexample.com", False),
    ("domain:example.com", "example.com", True),  # the rule's specifier form is accepted
    ("*.example.com", "api.example.com", True),
    ("*.example.com", "a.b.example.com", True),  # any subdomain depth
    ("*.example.com", "example.com", False),  # not the apex
    ("*.example.com", "example.com.evil.com", False),
    ("*.example.com", "evilexample.com", False),
    ("*.example.com", "a.example.com.evil.com", False),
    ("*", "anything.at.all", True),
    ("*", "[::1]", True),
    ("*", "127.0.0.1:8080", True),
    ("example.*", "example.org", True),  # "*" elsewhere: within one label
    ("example.*", "example.evil.com", False),
    ("example.*", "example.", False),
    ("example.*", "www.example.org", False),
    ("api.*.example.com", "api.eu.example.com", True),
    ("api.*.example.com", "api.a.b.example.com", False),
    ("ex*le.com", "example.com", True),
    ("ex*le.com", "ex.ample.com", False),
    ("*.*.example.com", "a.b.example.com", True),
    ("*.*.example.com", "b.example.com", False),
    # IPv6 in brackets, ports
    ("[::1]", "[::1]", True),
    ("[::1]", "[0:0::1]", True),
    ("[::1]:8080", "[::1]:8080", True),
    ("[::1]:8080", "[::1]:8081", False),
    ("[::1]:443", "[::1]", False),  # a port in the pattern needs the host's port
    ("[::1]", "[::1]:443", True),  # no port in the pattern: any port
    ("::1", "[::1]", True),
    ("localhost:3000", "localhost:3000", True),
    ("localhost:3000", "localhost:4000", False),
    ("localhost:3000", "localhost", False),
    ("localhost", "localhost:3000", True),
    ("*.example.com:443", "api.example.com:443", True),
    ("*.example.com:443", "api.example.com:80", False),
    ("example.com:0443", "example.com:443", True),
    ("example.com:notaport", "example.com:443", False),
    # IPv4 and respellings
    ("127.0.0.1", "127.0.0.1", True),
    ("127.0.0.1", "127.0.0.2", False),
    ("127.0.0.1", "[::ffff:127.0.0.1]", True),  # same endpoint
    ("[::ffff:127.0.0.1]", "127.0.0.1", True),
    ("127.0.0.1", "2130706433", True),
    ("2130706433", "127.0.0.1", True),
    # international names compare in IDNA form
    ("bücher.de", "xn--bcher-kva.de", True),
    ("*.bücher.de", "www.xn--bcher-kva.de", True),
    ("xn--bcher-kva.de", "bücher.de", True),
    # nonsense never matches
    ("", "example.com", False),
    ("example.com", "", False),
    ("domain:", "example.com", False),
]


@pytest.mark.parametrize(("pattern", "host", "expected"), DOMAINS)
def test_domain_matches(pattern: str, host: str, expected: bool) -> None:
    assert domain_matches(pattern, host) is expected


@pytest.mark.parametrize(("url", "pattern", "expected"), [
    ("https://example.com@evil.com/", "example.com", False),
    ("https://example.com@evil.com/", "evil.com", True),
    ("https://evil.com/?example.com", "example.com", False),
    ("https://a.b.example.com/x", "*.example.com", True),
    ("https://example.com.evil.com/", "*.example.com", False),
    ("http://[::1]:8080/", "[::1]:8080", True),
    ("https://[::1]/", "[::1]:443", True),
    ("http://0x7f.1:8080/", "127.0.0.1:8080", True),
])
def test_url_to_rule(url: str, pattern: str, expected: bool) -> None:
    """The engine's path: the URL's host (with its port) against the rule's pattern."""
    host = host_port_of(url)
    assert host is not None
    assert domain_matches(pattern, host) is expected


@pytest.mark.parametrize(("pattern", "problem"), [
    ("example.com", None),
    ("*.example.com", None),
    ("*", None),
    ("example.*", None),
    ("[::1]:8080", None),
    ("127.0.0.1", None),
    ("bücher.de", None),
    ("", "empty"),
    ("https://example.com", "not a domain"),
    ("example.com/path", "not a domain"),
    ("user@example.com", "not a domain"),
    ("example.com:0", "port"),
    ("example.com:65536", "port"),
    ("::1", "brackets"),
    ("[zz]", "IPv6"),
    ("exa mple.com", "not a domain name"),
    ("example..com", "not a domain name"),
])
def test_domain_pattern_problem(pattern: str, problem: str | None) -> None:
    found = domain_pattern_problem(pattern)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@given(st.text(max_size=60))
@settings(max_examples=800, deadline=None)
def test_host_of_never_raises(url: str) -> None:
    for candidate in (url, "https://" + url, "http://" + url + "/x"):
        host = host_of(candidate)
        assert host is None or (host == host.lower() and not host.endswith("."))
        host_port_of(candidate)


@given(st.text(max_size=30), st.text(max_size=30))
@settings(max_examples=800, deadline=None)
def test_domain_matches_never_raises(pattern: str, host: str) -> None:
    assert domain_matches(pattern, host) in (True, False)
    domain_pattern_problem(pattern)


_label = st.from_regex(r"[a-z][a-z0-9-]{0,5}", fullmatch=True)


@given(st.lists(_label, min_size=1, max_size=3), st.lists(_label, min_size=1, max_size=3))
@settings(max_examples=500, deadline=None)
def test_leading_star_dot_is_strict_subdomains(sub: list[str], base: list[str]) -> None:
    apex = ".".join(base)
    assert domain_matches("*." + apex, ".".join(sub) + "." + apex)
    assert not domain_matches("*." + apex, apex)
    assert not domain_matches("*." + apex, apex + ".evil.com")


@given(st.lists(_label, min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_host_of_agrees_with_domain_matches(labels: list[str]) -> None:
    host = ".".join(labels)
    assert host_of(f"https://{host}/path") == host
    assert domain_matches(host, host)
    assert domain_matches(host.upper() + ".", host)
