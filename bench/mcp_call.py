"""MCP: Warden's own time around a no-op MCP tool call, in ms.

The server is the tests' echo server (``tests/mcp_servers/echo_server.py``, the official SDK's
``MCPServer``) over stdio.  Each round times, back to back so both see the same machine load:

- the **raw call**: the SDK client's ``call_tool("noop", {})`` on the open connection;
- the **Warden call**: what the agent loop does for the same call: the tool adapter's
  ``prepare`` (the input checked against the server's JSON Schema), the permission engine's
  ``decide`` (an ``mcp__bench`` allow rule, so no prompt), ``run`` (the same SDK call, the
  result turned into text and capped), the injection detector on the result and the untrusted
  data envelope (:mod:`tui.untrusted`), when those modules are present.

``mcp_call_overhead_ms`` is the median of the per-round differences.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Target

NAME = "mcp_call"
ROUNDS = 201
WARMUP = 10
SERVER = Path(__file__).resolve().parent.parent / "tests" / "mcp_servers" / "echo_server.py"

TARGETS = {
    "mcp_call_overhead_ms": Target("<", 5),
}


async def _measure() -> dict[str, Any]:
    from tui.mcp.approvals import McpPolicy, McpStore
    from tui.mcp.config import McpConfig, parse_text
    from tui.mcp.manager import McpManager
    from tui.permissions import PermissionContext, decide
    from tui.permissions.policy import Policy, SessionSource
    from tui.tools.base import ToolContext

    with tempfile.TemporaryDirectory(prefix="warden-bench-mcp-") as tmp:
        root = Path(tmp)
        definition = {"mcpServers": {"bench": {"command": sys.executable,
                                               "args": [str(SERVER)]}}}
        servers, _ = parse_text(json.dumps(definition), root / "c.json", "command line",
                                env=dict(os.environ))
        manager = McpManager(McpConfig(servers={"bench": servers[0]}), McpPolicy(), cwd=root,
                             project_root=root, trusted=True,
                             store=McpStore(root / "data" / "mcp.json"))
        try:
            await manager.start()
            tool = manager.offered()["mcp__bench__noop"]
            client = tool.connection._client
            ctx = ToolContext(cwd=root)
            perm = PermissionContext(working_dirs=(root,), policy=Policy())
            perm.policy.add("mcp__bench", "allow", anchor=root, source=SessionSource())
            scan, wrap = _result_handling()

            async def raw() -> None:
                await client.call_tool("noop", {})

            async def warden(i: int) -> None:
                call = await tool.prepare(f"toolu_{i}", {}, ctx)
                if decide(call, perm).behavior != "allow":
                    raise RuntimeError("the bench's allow rule did not apply")
                result = await tool.run(call, ctx)
                if scan is not None:
                    scan(result.content, kind="mcp_result")
                if wrap is not None:
                    wrap(call, result.content)

            raws, wardens, diffs = [], [], []
            for i in range(WARMUP + ROUNDS):
                t0 = time.perf_counter()
                await raw()
                t1 = time.perf_counter()
                await warden(i)
                t2 = time.perf_counter()
                if i >= WARMUP:
                    raws.append((t1 - t0) * 1000)
                    wardens.append((t2 - t1) * 1000)
                    diffs.append((t2 - t1 - (t1 - t0)) * 1000)
        finally:
            await manager.aclose()
    return {
        "mcp_call_overhead_ms": round(statistics.median(diffs), 3),
        "mcp_raw_call_ms_p50": round(statistics.median(raws), 3),
        "mcp_warden_call_ms_p50": round(statistics.median(wardens), 3),
        "rounds": f"{ROUNDS} (after {WARMUP} warm-up), stdio, the tests' echo server",
    }


def _result_handling() -> tuple[Any, Any]:
    """The injection detector's ``scan`` and an envelope writer, when present."""
    try:
        from tui.injection import scan  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        scan = None
    try:
        from tui.untrusted import new_tag, source_label
        from tui.untrusted import wrap as wrap_text
    except ImportError:
        return scan, None
    tag = new_tag()

    def wrap(call: Any, text: str) -> Any:
        return wrap_text(text, tag=tag, source=source_label(call))

    return scan, wrap


def run() -> dict[str, Any]:
    """Measure (see the module docstring)."""
    return asyncio.run(_measure())
