"""Hook overhead: what one no-op PreToolUse hook adds to each tool call, in milliseconds.

The agent loop (:class:`tui.agent.loop.Agent`) runs turns against an in-process fake model that
asks for one ``Read`` of a small file per turn and then ends the turn; no network, no UI.  Each
round times one turn without hooks and one with a PreToolUse hook ``true`` (matcher ``*``), so
both see the same machine load; ``hook_overhead_ms`` is the median of the per-round
differences: starting ``/bin/sh`` in its own process group, writing the JSON payload, waiting
for the exit and reading the (empty) output.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.common import Target

NAME = "hooks"
ROUNDS = 41
WARMUP = 3

TARGETS = {
    "hook_overhead_ms": Target("<", 25),
}


class _Stream:
    def __init__(self, blocks: list[dict[str, Any]]) -> None:
        self.blocks = blocks

    async def __aenter__(self) -> _Stream:
        return self

    async def __aexit__(self, *exc: object) -> bool:
        return False

    async def __aiter__(self):
        for block in self.blocks:
            if block["type"] == "text":
                yield SimpleNamespace(type="text", text=block["text"])

    async def get_final_message(self) -> SimpleNamespace:
        tools = any(b["type"] == "tool_use" for b in self.blocks)
        return SimpleNamespace(content=[SimpleNamespace(**b) for b in self.blocks],
                               stop_reason="tool_use" if tools else "end_turn")


class _Model:
    """Replies with one Read of ``path``, then with "Done.", turn after turn."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.messages = self
        self._ask = True

    def stream(self, **_kwargs: Any) -> _Stream:
        self._ask = not self._ask
        if not self._ask:
            return _Stream([{"type": "tool_use", "id": "toolu_bench", "name": "Read",
                             "input": {"file_path": str(self.path)}}])
        return _Stream([{"type": "text", "text": "Done."}])


def _agent(cwd: Path, hooks: Any) -> Any:
    from tui.agent.loop import Agent
    from tui.permissions import PermissionContext
    from tui.tools import default_tools
    from tui.tools.base import ToolContext

    return Agent(client=_Model(cwd / "data.txt"), model="bench", tools=default_tools(),
                 tool_ctx=ToolContext(cwd=cwd, env=dict(os.environ)),
                 perm_ctx=PermissionContext((cwd,)), sink=lambda _event: None, hooks=hooks)


async def _measure(cwd: Path) -> tuple[list[float], list[float]]:
    from tui.hooks import HookRunner, HookSet
    from tui.settings.model import SettingsSource

    source = SettingsSource("user", cwd / "settings.json")
    hooks = HookSet.from_files([(source, {"hooks": {"PreToolUse": [
        {"matcher": "*", "hooks": [{"type": "command", "command": "true"}]}]}})], {})
    plain = _agent(cwd, None)
    hooked = _agent(cwd, HookRunner(hooks))
    without: list[float] = []
    with_hook: list[float] = []
    for i in range(WARMUP + ROUNDS):
        for agent, samples in ((plain, without), (hooked, with_hook)):
            agent.messages.clear()
            start = time.perf_counter()
            await agent.run_turn("read it")
            if i >= WARMUP:
                samples.append((time.perf_counter() - start) * 1000)
    return without, with_hook


def run() -> dict[str, Any]:
    """``hook_overhead_ms``: the median extra milliseconds per tool call with one no-op
    PreToolUse hook; details: the medians with and without it."""
    with tempfile.TemporaryDirectory(prefix="warden-bench-hooks-") as tmp:
        cwd = Path(tmp).resolve()
        (cwd / "data.txt").write_text("one line\n")
        without, with_hook = asyncio.run(_measure(cwd))
    diffs = [h - p for h, p in zip(with_hook, without, strict=True)]
    return {
        "hook_overhead_ms": round(statistics.median(diffs), 2),
        "hook_call_detail": {
            "rounds": ROUNDS,
            "median_call_ms_without_hook": round(statistics.median(without), 2),
            "median_call_ms_with_hook": round(statistics.median(with_hook), 2),
        },
    }
