"""The network lock keys and proxy ports, as in Claude Code (issue 10 item 6; REF §6.2;
``SPEC.md`` §8: "``allowManagedDomainsOnly`` blocks rather than asks").

* ``sandbox.network.allowManagedDomainsOnly`` (managed) and ``strictAllowlist`` (user, managed,
  ``--settings``): a host outside the list gets ``403`` at once, nobody is asked, and the line
  for the chat names the key;
* ``httpProxyPort`` / ``socksProxyPort``: the sandbox's traffic goes to your proxy on the host's
  loopback (user, managed or ``--settings`` only: a repository cannot redirect it);
* ``null`` values, as in Anthropic's ``examples/settings/*.json``, are accepted.

The network tests run real commands (``curl``) in bubblewrap through the real relay and the
real host side, against servers on the host's loopback only.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED
from tui.sandbox.doctor import can_run
from tui.sandbox.network import SandboxNetwork
from tui.sandbox.policy import SandboxPolicy, resolve_policy
from tui.sandbox.runner import SandboxRunner
from tui.settings import load_settings
from tui.settings.schema import validate

_OK, _WHY = can_run()
needs_bwrap = pytest.mark.skipif(not _OK, reason=f"the kernel forbids the sandbox: {_WHY}")
needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
EXAMPLES = SHARED / "corpora" / "claude-settings"


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


def _write(path: Path, content: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _real(tmp_path) / "project"
    root.mkdir()
    home = _real(tmp_path) / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return root


def managed(content: dict) -> None:
    _write(Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json", content)


def user(content: dict) -> None:
    _write(Path(os.environ["WARDEN_CONFIG_DIR"]) / "settings.json", content)


def project_file(root: Path, content: dict) -> None:
    _write(root / ".claude" / "settings.json", content)


def policy_for(root: Path) -> SandboxPolicy:
    loaded = load_settings(root)
    return resolve_policy(loaded, cwd=root, working_dirs=[root], home=Path(os.environ["HOME"]))


# -- servers on the host's loopback ----------------------------------------------------------


async def _http_server(body: bytes, seen: list[str]) -> asyncio.Server:
    """Answers every request with ``body``; records each request line (and Host)."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        host = next((ln.split(":", 1)[1].strip() for ln in lines
                     if ln.lower().startswith("host:")), "")
        seen.append(f"{lines[0]} | {host}")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                     % (len(body), body))
        await writer.drain()
        writer.close()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def _socks_server(body: bytes, seen: list[str]) -> asyncio.Server:
    """A SOCKS5 proxy stub: no authentication, CONNECT by name; records ``host:port`` and
    answers the tunnelled HTTP request with ``body`` itself."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        await reader.readexactly(count)
        writer.write(bytes([5, 0]))
        _, command, _, kind = await reader.readexactly(4)
        assert version == 5 and command == 1 and kind == 3
        name = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        port = int.from_bytes(await reader.readexactly(2), "big")
        seen.append(f"{name}:{port}")
        writer.write(bytes([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                     % (len(body), body))
        await writer.drain()
        writer.close()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


def _port(server: asyncio.Server) -> int:
    return int(server.sockets[0].getsockname()[1])


@pytest.fixture
async def sites() -> AsyncIterator[tuple[int, int]]:
    """Two web servers on the host's loopback: (listed, other)."""
    a = await _http_server(b"site-a", [])
    b = await _http_server(b"site-b", [])
    yield _port(a), _port(b)
    for server in (a, b):
        server.close()
        await server.wait_closed()


class Asked:
    """The network prompt, recorded: declines every host."""

    def __init__(self) -> None:
        self.hosts: list[str] = []

    async def __call__(self, host: str, port: int) -> bool:
        self.hosts.append(f"{host}:{port}")
        return False


async def run_with_network(policy: SandboxPolicy, root: Path, command: str,
                           ask: Asked) -> tuple[str, list[str], SandboxNetwork]:
    """Run ``command`` in the sandbox with the network the policy asks for (as a session
    does); returns the output and the lines the chat shows beside it."""
    net = SandboxNetwork.for_policy(policy, ask=ask,
                                    runtime_dir=Path(tempfile.mkdtemp(prefix="wnet")))
    runner = SandboxRunner(policy, cwd=root, network_factory=net.start)
    try:
        result = await runner.run(command, timeout_s=60)
        return result.output, [*result.violations, *net.blocked()], net
    finally:
        await runner.aclose()
        await net.aclose()
        shutil.rmtree(net.runtime_dir, ignore_errors=True)


def curl(url: str, options: str = "") -> str:
    """``curl`` printing the body and the status code; NO_PROXY is cleared so loopback URLs
    go through the proxy too (inside the sandbox loopback is the sandbox's own).  ``options``
    is shell text (it may expand variables)."""
    return ("env -u NO_PROXY -u no_proxy curl -s --max-time 20 -w ' %{http_code}\\n' "
            f"{options} {shlex.quote(url)}")


# -- the lock keys ---------------------------------------------------------------------------


@needs_bwrap
@needs_curl
async def test_allow_managed_domains_only_blocks_with_403_without_asking(
        project: Path, sites: tuple[int, int]) -> None:
    listed, other = sites
    managed({"sandbox": {"network": {"allowManagedDomainsOnly": True,
                                     "allowedDomains": [f"127.0.0.1:{listed}"]}}})
    user({"sandbox": {"network": {"allowedDomains": [f"127.0.0.1:{other}"]}},
          "permissions": {"allow": [f"WebFetch(domain:127.0.0.1:{other})"]}})
    policy = policy_for(project)
    assert policy.network_lock == "sandbox.network.allowManagedDomainsOnly"
    assert policy.allowed_domains == (f"127.0.0.1:{listed}",)
    ask = Asked()
    output, lines, _ = await run_with_network(
        policy, project, "; ".join([curl(f"http://127.0.0.1:{listed}/"),
                                    curl(f"http://127.0.0.1:{other}/"),
                                    curl("http://unlisted.example/")]), ask)
    assert output.split("\n")[:3] == ["site-a 200",
                                      "Connection blocked by network allowlist 403",
                                      "Connection blocked by network allowlist 403"]
    assert ask.hosts == []  # blocked, never asked
    lock = "sandbox.network.allowManagedDomainsOnly blocks unlisted hosts without asking"
    assert lines == [f"host blocked: 127.0.0.1:{other} (not in the allowlist; {lock})",
                     f"host blocked: unlisted.example:80 (not in the allowlist; {lock})"]


@needs_bwrap
@needs_curl
async def test_strict_allowlist_blocks_with_403_without_asking(
        project: Path, sites: tuple[int, int]) -> None:
    listed, other = sites
    user({"sandbox": {"network": {"strictAllowlist": True,
                                  "allowedDomains": [f"127.0.0.1:{listed}"]}}})
    policy = policy_for(project)
    assert policy.network_lock == "sandbox.network.strictAllowlist"
    ask = Asked()
    output, lines, _ = await run_with_network(
        policy, project, f"{curl(f'http://127.0.0.1:{listed}/')}; "
                         f"{curl(f'http://127.0.0.1:{other}/')}", ask)
    assert output.split("\n")[:2] == ["site-a 200",
                                      "Connection blocked by network allowlist 403"]
    assert ask.hosts == []
    assert lines == [(f"host blocked: 127.0.0.1:{other} (not in the allowlist; "
                      "sandbox.network.strictAllowlist blocks unlisted hosts without asking)")]


@needs_bwrap
@needs_curl
async def test_without_a_lock_the_user_is_asked_and_a_repository_cannot_lock(
        project: Path, sites: tuple[int, int]) -> None:
    """The control: strictAllowlist in the project's file is ignored (REF §4.3), so the
    unlisted host is asked about (and declined here)."""
    _, other = sites
    project_file(project, {"sandbox": {"network": {"strictAllowlist": True}}})
    loaded = load_settings(project)
    assert any("strictAllowlist" in str(p) and "ignored" in str(p) for p in loaded.problems)
    policy = policy_for(project)
    assert policy.network_lock is None
    ask = Asked()
    output, lines, _ = await run_with_network(policy, project,
                                              curl(f"http://127.0.0.1:{other}/"), ask)
    assert ask.hosts == [f"127.0.0.1:{other}"]
    assert output.split("\n")[0] == "Connection blocked by network allowlist 403"
    assert lines == [f"host blocked: 127.0.0.1:{other} (declined by the user)"]


# -- your own proxy ----------------------------------------------------------------------------


@needs_bwrap
@needs_curl
async def test_http_proxy_port_sends_the_sandbox_through_your_proxy(project: Path) -> None:
    seen: list[str] = []
    yours = await _http_server(b"via-your-proxy", seen)
    try:
        user({"sandbox": {"network": {"httpProxyPort": _port(yours)}}})
        policy = policy_for(project)
        assert policy.http_proxy_port == _port(yours) and policy.socks_proxy_port is None
        output, lines, net = await run_with_network(
            policy, project, curl("http://not-in-any-list.example/page"), Asked())
    finally:
        yours.close()
        await yours.wait_closed()
    assert output.split("\n")[0] == "via-your-proxy 200"
    assert seen == [("GET http://not-in-any-list.example/page HTTP/1.1 | "
                     "not-in-any-list.example")]
    assert net.proxy.decisions == [] and lines == []  # Warden's filter was not consulted


@needs_bwrap
@needs_curl
async def test_socks_proxy_port_sends_socks_clients_to_your_socks_proxy(
        project: Path, sites: tuple[int, int]) -> None:
    listed, _ = sites
    seen: list[str] = []
    yours = await _socks_server(b"via-your-socks", seen)
    try:
        user({"sandbox": {"network": {"socksProxyPort": _port(yours),
                                      "allowedDomains": [f"127.0.0.1:{listed}"]}}})
        policy = policy_for(project)
        through_socks = curl("http://socks-target.example:8080/", '-x "$ALL_PROXY"')
        direct = curl(f"http://127.0.0.1:{listed}/")
        command = f'echo "$ALL_PROXY"; {through_socks}; {direct}'
        output, _, _ = await run_with_network(policy, project, command, Asked())
    finally:
        yours.close()
        await yours.wait_closed()
    first, second, third = output.split("\n")[:3]
    assert first == "socks5h://127.0.0.1:3128"
    assert second == "via-your-socks 200" and seen == ["socks-target.example:8080"]
    assert third == "site-a 200"  # HTTP still goes through Warden's filtering proxy


@needs_bwrap
@needs_curl
async def test_your_proxy_not_listening_gives_502_and_a_line(project: Path) -> None:
    closed = await _http_server(b"", [])
    port = _port(closed)
    closed.close()
    await closed.wait_closed()
    user({"sandbox": {"network": {"httpProxyPort": port}}})
    output, lines, _ = await run_with_network(policy_for(project), project,
                                              curl("http://x.example/"), Asked())
    assert output.split("\n")[0].endswith(" 502")
    assert len(lines) == 1 and f"127.0.0.1:{port} (sandbox.network.httpProxyPort)" in lines[0]


def test_a_repository_cannot_choose_the_proxy_ports(project: Path) -> None:
    project_file(project, {"sandbox": {"network": {"httpProxyPort": 8080,
                                                   "socksProxyPort": 1080}}})
    loaded = load_settings(project)
    scope = [str(p) for p in loaded.problems if p.code == "scope"]
    assert len(scope) == 2 and all("user, managed or --settings" in p for p in scope)
    policy = policy_for(project)
    assert policy.http_proxy_port is None and policy.socks_proxy_port is None


# -- null values ---------------------------------------------------------------------------------


def test_null_values_are_accepted_by_the_schema() -> None:
    doc = {"sandbox": {"enabled": None, "failIfUnavailable": None,
                       "network": {"httpProxyPort": None, "socksProxyPort": None,
                                   "allowManagedDomainsOnly": None, "strictAllowlist": None,
                                   "allowAllUnixSockets": None},
                       "filesystem": {"disabled": None}}}
    assert validate(doc) == []
    assert validate({"sandbox": {"network": {"httpProxyPort": "8080"}}}) != []
    assert validate({"sandbox": {"network": {"httpProxyPort": 0}}}) != []


def test_null_means_not_set(project: Path) -> None:
    user({"sandbox": {"network": {"httpProxyPort": 8080}}})
    managed({"sandbox": {"enabled": None, "network": {"httpProxyPort": None,
                                                      "socksProxyPort": None}}})
    loaded = load_settings(project)
    assert [str(p) for p in loaded.problems] == []
    assert loaded.merged["sandbox"] == {"network": {"httpProxyPort": 8080}}
    assert policy_for(project).http_proxy_port == 8080


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"the shared corpora are not at {EXAMPLES}")
@pytest.mark.parametrize("name", ["settings-bash-sandbox.json", "settings-strict.json"])
def test_anthropics_example_files_load_cleanly_as_managed_settings(project: Path,
                                                                   name: str) -> None:
    src = EXAMPLES / f"anthropics__claude-code__examples_settings_{name}"
    raw = json.loads(src.read_text(encoding="utf-8"))
    assert raw["sandbox"]["network"]["httpProxyPort"] is None  # the case this is about
    target = Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    loaded = load_settings(project)
    assert [str(p) for p in loaded.problems if p.code in ("schema", "json", "dropped")] == []
    assert loaded.files[0].schema_ok
    network = loaded.merged["sandbox"]["network"]
    assert "httpProxyPort" not in network and "socksProxyPort" not in network
    policy = policy_for(project)
    assert policy.http_proxy_port is None and policy.network_lock is None


@needs_bwrap
@needs_curl
async def test_the_blocked_line_reaches_the_chat_beside_the_output(
        project: Path, sites: tuple[int, int]) -> None:
    """Through the session's own code (``Session._start_network``, ``Session.run``) and the
    Bash tool's formatting: what the model and the user see."""
    from types import SimpleNamespace

    from tui.agent.session import AgentSession as Session
    from tui.tools.base import ToolContext
    from tui.tools.bash import _run_sandboxed

    listed, other = sites
    managed({"sandbox": {"network": {"allowManagedDomainsOnly": True,
                                     "allowedDomains": [f"127.0.0.1:{listed}"]}}})
    policy = policy_for(project)
    ask = Asked()
    session: Any = SimpleNamespace(sandbox_policy=policy, _ask_host=ask, network=None)
    runner = SandboxRunner(policy, cwd=project,
                           network_factory=lambda: Session._start_network(session))
    session.perm_ctx = SimpleNamespace(sandbox=SimpleNamespace(runner=runner))

    class Sandbox:
        async def run(self, command: str, **kwargs: Any):
            return await Session.run(session, command, **kwargs)

    try:
        result = await _run_sandboxed(curl(f"http://127.0.0.1:{other}/"), 60_000, None,
                                      ToolContext(cwd=project, sandbox=Sandbox()))
    finally:
        await runner.aclose()
        if session.network is not None:
            await session.network.aclose()
            shutil.rmtree(session.network.runtime_dir, ignore_errors=True)
    assert ask.hosts == []
    assert result.content.startswith("Connection blocked by network allowlist 403")
    assert result.content.endswith(
        f"<sandbox_violations>\nhost blocked: 127.0.0.1:{other} (not in the allowlist; "
        "sandbox.network.allowManagedDomainsOnly blocks unlisted hosts without asking)\n"
        "</sandbox_violations>")
