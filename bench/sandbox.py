"""Sandbox figures: the cost of running a command in bubblewrap, and a CONNECT through the proxy.

``sandbox_overhead_ms``: median extra wall time of ``sh -c 'echo hi'`` run through Warden's
``SandboxRunner`` with the network bridge (proxy started once, as in a session) versus a plain
subprocess, 30 runs each, interleaved.  ``sandbox_overhead_no_network_ms`` is the same without
the bridge.  ``proxy_connect_p50_ms``: median time to open a connection to the filtering proxy,
send ``CONNECT`` for an allowed loopback host, and read the ``200`` reply (50 runs).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, Target

NAME = "sandbox"
RUNS = 30
CONNECTS = 50

TARGETS = {
    "sandbox_overhead_ms": Target("<", 15),
    "proxy_connect_p50_ms": Target("<", 5),
}


def _plain_ms() -> float:
    start = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", "echo hi"], stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


async def _sandbox_overhead(cwd: Path, network: bool) -> tuple[float, float]:
    from tui.sandbox.mode import SandboxState  # noqa: F401 (same import path as a session)
    from tui.sandbox.network import SandboxNetwork
    from tui.sandbox.policy import resolve_policy
    from tui.sandbox.runner import SandboxRunner
    from tui.settings import CliSettings, load_settings

    settings = load_settings(cwd, cli=CliSettings(settings='{"sandbox": {"enabled": true}}'),
                             only=())
    policy = resolve_policy(settings, cwd=cwd, working_dirs=(cwd,))
    net: SandboxNetwork | None = None
    setup = None

    async def factory():
        nonlocal net, setup
        if setup is None:
            net = SandboxNetwork(allowed=(), denied=(), ask=None,
                                 runtime_dir=Path(tempfile.mkdtemp(prefix="warden-bench-net-")))
            setup = await net.start()
        return setup

    runner = SandboxRunner(policy, cwd=cwd, network_factory=factory if network else None)
    ok, why = runner.available()
    if not ok:
        raise BenchError(f"the sandbox cannot run here: {why}")
    try:
        await runner.run("echo warm", timeout_s=10)
        boxed, plain = [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            result = await runner.run("echo hi", timeout_s=10)
            boxed.append((time.perf_counter() - start) * 1000)
            if result.exit_code != 0 or "hi" not in result.output:
                raise BenchError(f"sandboxed echo failed: {result.output!r}")
            plain.append(await asyncio.to_thread(_plain_ms))
    finally:
        await runner.aclose()
        if net is not None:
            await net.aclose()
    return statistics.median(boxed), statistics.median(plain)


async def _proxy_connect_p50() -> float:
    from tui.sandbox.proxy import FilteringProxy

    async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        writer.close()

    server = await asyncio.start_server(upstream, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    proxy = FilteringProxy(allowed=[f"127.0.0.1:{port}"], denied=[])
    proxy_port = await proxy.start_tcp()
    times = []
    try:
        for _ in range(CONNECTS):
            start = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
            writer.write(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
                         .encode())
            await writer.drain()
            status = await reader.readline()
            times.append((time.perf_counter() - start) * 1000)
            if b" 200" not in status:
                raise BenchError(f"CONNECT through the proxy failed: {status!r}")
            writer.close()
    finally:
        await proxy.aclose()
        server.close()
    return statistics.median(times)


def run() -> dict[str, Any]:
    """Measure the sandbox's start-up cost and the proxy's CONNECT latency."""
    with tempfile.TemporaryDirectory(prefix="warden-bench-sbx-") as tmp:
        cwd = Path(tmp).resolve()
        boxed, plain = asyncio.run(_sandbox_overhead(cwd, network=True))
        boxed_nn, plain_nn = asyncio.run(_sandbox_overhead(cwd, network=False))
    return {
        "sandbox_overhead_ms": round(boxed - plain, 2),
        "sandbox_overhead_no_network_ms": round(boxed_nn - plain_nn, 2),
        "sandbox_echo_ms": round(boxed, 2),
        "plain_echo_ms": round(plain, 2),
        "proxy_connect_p50_ms": round(asyncio.run(_proxy_connect_p50()), 3),
    }
