"""The sandbox's network end to end: real bubblewrap, real relay, real proxy (SPEC §8, REF §6.3).

The bwrap argv is built here (not with :mod:`tui.sandbox.bwrap`) so that this file tests only
the network pieces: ``--unshare-net`` gives the sandbox an empty network namespace, the proxy's
Unix socket is bind-mounted in, the relay from ``NetworkSetup.bridge_argv`` listens on
``127.0.0.1:3128`` inside, and a ``python3 -c`` client with ``HTTP(S)_PROXY`` set tries the
four ways out.  Skipped only when bubblewrap is missing or cannot create namespaces here.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.sandbox.network import NetworkSetup, SandboxNetwork, bridge_command


def _bwrap_problem() -> str | None:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bwrap is not installed (apt install bubblewrap)"
    probe = subprocess.run(
        [bwrap, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev",
         "--proc", "/proc", "true"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"bwrap cannot create namespaces here: {probe.stderr.strip()}"
    return None


_PROBLEM = _bwrap_problem()
pytestmark = pytest.mark.skipif(_PROBLEM is not None, reason=_PROBLEM or "")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = json.dumps({"path": self.path, "host": self.headers.get("Host")}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def host_server() -> Iterator[int]:
    """An HTTP server on the HOST's loopback; its port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


# Runs inside the sandbox; prints one JSON object with what each attempt gave.
_CLIENT = r"""
import json, socket, sys, urllib.request, urllib.error
port = int(sys.argv[1])
out = {}
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/listed", timeout=10) as r:
        out["listed"] = [r.status, json.loads(r.read())["path"]]
except Exception as e:
    out["listed"] = repr(e)
try:
    urllib.request.urlopen("http://unlisted.example/", timeout=10)
    out["unlisted"] = "reached"
except urllib.error.HTTPError as e:
    out["unlisted"] = [e.code, e.headers.get("X-Proxy-Error"), e.read().decode()]
except Exception as e:
    out["unlisted"] = repr(e)
try:
    s = socket.create_connection(("127.0.0.1", 3128), timeout=10)
    s.sendall(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n\r\n".encode())
    f = s.makefile("rb")
    status = f.readline().decode().strip()
    while f.readline() not in (b"\r\n", b""):
        pass
    s.sendall(b"GET /tunnel HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    out["connect"] = [status, f.read().split(b"\r\n\r\n", 1)[1].decode()]
except Exception as e:
    out["connect"] = repr(e)
try:
    socket.create_connection(("127.0.0.1", port), timeout=3).close()
    out["direct"] = "reached"
except OSError as e:
    out["direct"] = type(e).__name__
try:
    socket.getaddrinfo("example.com", 80)
    out["dns"] = "resolved"
except OSError as e:
    out["dns"] = type(e).__name__
print(json.dumps(out))
"""


def _sandbox_argv(setup: NetworkSetup, script: str) -> list[str]:
    sock = str(setup.socket_path)
    argv = ["bwrap", "--new-session", "--die-with-parent", "--unshare-net", "--unshare-pid",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--bind", sock, sock]
    proxy = setup.proxy_url
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        argv += ["--setenv", name, proxy]
    argv += ["--unsetenv", "NO_PROXY", "--unsetenv", "no_proxy"]
    return [*argv, "--", "/bin/bash", "-c", script]


def _variants() -> list[str]:
    found = ["python"]
    if bridge_command(Path("/tmp/x.sock"))[0] == "/bin/sh":
        found.append("socat")
    return found


@pytest.mark.parametrize("variant", _variants())
async def test_sandboxed_command_reaches_only_what_the_proxy_allows(
        variant: str, host_server: int) -> None:
    with tempfile.TemporaryDirectory(prefix="wnet") as tmp:
        net = SandboxNetwork(allowed=[f"127.0.0.1:{host_server}"], denied=[],
                             runtime_dir=Path(tmp), prefer_socat=variant == "socat")
        setup = await net.start()
        try:
            assert (setup.bridge_argv[0] == "/bin/sh") is (variant == "socat")
            script = (f"{shlex.join(setup.bridge_argv)} || {{ echo bridge-failed >&2; exit 9; }}\n"
                      f"exec {shlex.quote(sys.executable)} -I -c {shlex.quote(_CLIENT)} "
                      f"{host_server}")
            proc = await asyncio.create_subprocess_exec(
                *_sandbox_argv(setup, script), stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(proc.communicate(), 60)
            assert proc.returncode == 0, err.decode()
            seen = json.loads(out)
        finally:
            await net.aclose()
    assert seen["listed"] == [200, "/listed"]
    assert seen["unlisted"] == [403, "blocked-by-allowlist",
                                "Connection blocked by network allowlist"]
    assert seen["connect"][0] == "HTTP/1.1 200 Connection Established"
    assert json.loads(seen["connect"][1])["path"] == "/tunnel"
    assert seen["direct"] == "ConnectionRefusedError"  # the sandbox has its own loopback
    assert seen["dns"] == "gaierror"
    assert net.blocked() == ["host blocked: unlisted.example:80 (not in the allowlist)"]


async def test_relay_does_not_hold_the_output_open_without_a_pid_namespace(
        host_server: int) -> None:
    """Without ``--unshare-pid`` the Python relay still lets the command's output end."""
    with tempfile.TemporaryDirectory(prefix="wnet") as tmp:
        net = SandboxNetwork(allowed=[], denied=[], runtime_dir=Path(tmp), prefer_socat=False)
        setup = await net.start()
        try:
            sock = str(setup.socket_path)
            argv = ["bwrap", "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev",
                    "--bind", sock, sock, "--", "/bin/bash", "-c",
                    f"{shlex.join(setup.bridge_argv)} && echo ready"]
            proc = await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, _ = await asyncio.wait_for(proc.communicate(), 20)
        finally:
            await net.aclose()
    assert out.decode().strip() == "ready"


def test_warden_sandbox_run_reaches_a_listed_host_through_the_proxy(tmp_path) -> None:
    """`warden sandbox run` with allowedDomains naming a loopback server: the command reaches
    it through the proxy and exits with the command's status; an unlisted host gets 403."""
    import http.server
    import json as _json
    import subprocess
    import sys
    import threading

    from tui.sandbox.doctor import diagnose

    if not diagnose().ok:
        import pytest

        pytest.skip("bubblewrap cannot run on this kernel")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"hello from the host"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = _json.dumps({"sandbox": {"network": {"allowedDomains": [f"127.0.0.1:{port}"]}}})
    # NO_PROXY keeps 127.0.0.1 inside the sandbox, so the probe names the proxy explicitly to
    # reach the host's loopback server through it.
    probe = ("import os, urllib.request, sys\n"
             "os.environ.pop('no_proxy', None); os.environ.pop('NO_PROXY', None)\n"
             "o = urllib.request.build_opener(urllib.request.ProxyHandler("
             "{'http': os.environ['HTTP_PROXY']}))\n"
             f"print(o.open('http://127.0.0.1:{port}/', timeout=5).read().decode())\n"
             "try:\n    o.open('http://unlisted.example/', timeout=5)\n"
             "except urllib.error.HTTPError as e:\n    print('unlisted', e.code)\n"
             "sys.exit(7)\n")
    project = tmp_path / "p"
    project.mkdir()
    try:
        done = subprocess.run([sys.executable, "-m", "tui", "sandbox", "run", "--cwd",
                               str(project), "--settings", settings, "--", "/usr/bin/python3",
                               "-c", probe], capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert done.returncode == 7, done.stderr
    assert "hello from the host" in done.stdout
    assert "unlisted 403" in done.stdout
