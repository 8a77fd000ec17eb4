"""Sandbox figures: the cost of running a command in bubblewrap, and a CONNECT through the proxy.

``sandbox_overhead_ms``: median extra wall time of ``sh -c 'echo hi'`` run through Warden's
``SandboxRunner`` with the network bridge (proxy started once, as in a session) versus a plain
subprocess, 30 runs each, interleaved.  ``sandbox_overhead_no_network_ms`` is the same without
the bridge.  ``proxy_connect_p50_ms``: median time to open a connection to the filtering proxy,
send ``CONNECT`` for an allowed loopback host, and read the ``200`` reply (50 runs).

``readonly_sandbox_overhead_ms`` (issue 10 item 1): median wall time of ``cat FILE`` run by the
Bash tool in the read-only sandbox, as Warden runs a command it judged read-only, minus the
median of the same call run plainly (30 runs each, interleaved, after one warm-up of each).
``readonly_cat_ms`` and ``plain_cat_ms`` are the two medians.  ``auto_allow_overhead_ms``:
the same for ``echo hi`` in the writable sandbox with every protected path held read-only (the
``"auto-allow"`` profile, no network), informational.

``deny_mask_ms_10k`` / ``deny_mask_ms_deep``: median time (5 runs) for
:meth:`tui.sandbox.masks.DenyPaths.find` to find the paths ``Read(.env)`` covers, cold (no
cache), in a project with one directory of 10,001 entries, and in one 40 levels deep (10 files
a level, 411 entries); ``deny_mask_warm_ms_10k`` is the same 10k tree once the listings are
cached and settled (what every later command pays).  Informational, no target (issue 10 item 3).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import BenchError, Target

if TYPE_CHECKING:
    from tui.permissions.sandbox_mode import SandboxProfile

NAME = "sandbox"
RUNS = 30
CONNECTS = 50

TARGETS = {
    "sandbox_overhead_ms": Target("<", 15),
    "proxy_connect_p50_ms": Target("<", 5),
    "readonly_sandbox_overhead_ms": Target("<=", 10),
}


def _plain_ms() -> float:
    start = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", "echo hi"], stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


async def _sandbox_overhead(cwd: Path, network: bool) -> tuple[float, float]:
    from tui.permissions.sandbox_mode import SandboxState  # noqa: F401 (same import path as a session)
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


def _deny_mask_figures() -> dict[str, float]:
    """Cold and warm mask computation on a wide and a deep tree (see the module docstring)."""
    from tui.permissions.paths import tree_programs
    from tui.sandbox.masks import RACY_S, DenyPaths, DenySource

    def finder(root: Path) -> DenyPaths:
        programs = tree_programs(".env", anchor=root, cwd=root, home=root)
        return DenyPaths([DenySource("Read(.env)", "read", programs=tuple(programs))])

    def median_ms(make: Any, runs: int = 5) -> float:
        times = []
        for _ in range(runs):
            f = make()
            start = time.perf_counter()
            found = f.find()
            times.append((time.perf_counter() - start) * 1000)
            if len(found.read) != 1:
                raise BenchError(f"expected one .env, found {found.read}")
        return statistics.median(times)

    with tempfile.TemporaryDirectory(prefix="warden-bench-mask-") as tmp:
        wide = Path(tmp, "wide").resolve()
        (wide / "big").mkdir(parents=True)
        for i in range(10_000):
            (wide / "big" / f"+{i:05d}").touch()
        (wide / "big" / ".env").write_text("x")
        deep = Path(tmp, "deep").resolve()
        level = deep
        for depth in range(40):
            level = level / f"d{depth}"
            level.mkdir(parents=True)
            for j in range(10):
                (level / f"f{j}").touch()
        (level / ".env").write_text("x")
        cold_wide = median_ms(lambda: finder(wide))
        cold_deep = median_ms(lambda: finder(deep))
        time.sleep(RACY_S + 0.2)  # let the listings settle, as in a real project
        warm = finder(wide)
        warm.find()
        warm_wide = median_ms(lambda: warm)
    return {"deny_mask_ms_10k": round(cold_wide, 2), "deny_mask_ms_deep": round(cold_deep, 2),
            "deny_mask_warm_ms_10k": round(warm_wide, 3)}


async def _tool_overhead(cwd: Path, command: str,
                         profile: SandboxProfile) -> tuple[float, float]:
    """Median ms of ``command`` through the Bash tool with ``profile``, and plainly."""
    from tui.sandbox.policy import resolve_policy
    from tui.sandbox.runner import SandboxRunner
    from tui.settings import load_settings
    from tui.tools.base import ToolContext
    from tui.tools.bash import Bash

    policy = resolve_policy(load_settings(cwd, only=()), cwd=cwd, working_dirs=(cwd,))
    runner = SandboxRunner(policy, cwd=cwd)
    ok, why = runner.available()
    if not ok:
        raise BenchError(f"the sandbox cannot run here: {why}")
    tool = Bash()
    boxed_ctx = ToolContext(cwd=cwd, sandbox=runner)
    plain_ctx = ToolContext(cwd=cwd)

    async def once(ctx: ToolContext, chosen: SandboxProfile | None) -> float:
        call = await tool.prepare("toolu_bench", {"command": command}, ctx)
        call.sandbox_profile = chosen
        start = time.perf_counter()
        result = await tool.run(call, ctx)
        elapsed = (time.perf_counter() - start) * 1000
        if result.is_error or "<sandbox_violations>" in result.content:
            raise BenchError(f"{command!r} ({chosen or 'plain'}) failed: {result.content!r}")
        return elapsed

    try:
        await once(boxed_ctx, profile)
        await once(plain_ctx, None)
        boxed, plain = [], []
        for _ in range(RUNS):
            boxed.append(await once(boxed_ctx, profile))
            plain.append(await once(plain_ctx, None))
    finally:
        await runner.aclose()
    return statistics.median(boxed), statistics.median(plain)


def _readonly_figures(cwd: Path) -> dict[str, float]:
    """``cat FILE`` contained vs plainly; ``echo hi`` auto-allow vs plainly."""
    target = cwd / "notes.txt"
    target.write_text("".join(f"line {i}\n" for i in range(200)))
    contained, plain = asyncio.run(_tool_overhead(cwd, f"cat {target}", "read-only"))
    auto, auto_plain = asyncio.run(_tool_overhead(cwd, "echo hi", "auto-allow"))
    return {"readonly_sandbox_overhead_ms": round(contained - plain, 2),
            "readonly_cat_ms": round(contained, 2), "plain_cat_ms": round(plain, 2),
            "auto_allow_overhead_ms": round(auto - auto_plain, 2)}


def run() -> dict[str, Any]:
    """Measure the sandbox's start-up cost and the proxy's CONNECT latency."""
    with tempfile.TemporaryDirectory(prefix="warden-bench-sbx-") as tmp:
        cwd = Path(tmp).resolve()
        boxed, plain = asyncio.run(_sandbox_overhead(cwd, network=True))
        boxed_nn, plain_nn = asyncio.run(_sandbox_overhead(cwd, network=False))
        readonly = _readonly_figures(cwd)
    return {
        "sandbox_overhead_ms": round(boxed - plain, 2),
        "sandbox_overhead_no_network_ms": round(boxed_nn - plain_nn, 2),
        "sandbox_echo_ms": round(boxed, 2),
        "plain_echo_ms": round(plain, 2),
        "proxy_connect_p50_ms": round(asyncio.run(_proxy_connect_p50()), 3),
        **_deny_mask_figures(),
        **readonly,
    }
