"""Live settings reload: a rule written to a settings file on disk → ``/permissions`` shows it.

A headless Warden app (Textual's test driver, 140x42) on a temporary project opens the
``/permissions`` editor; each round writes a new ask rule to ``.claude/settings.local.json``
(as another editor or ``git pull`` would) and measures until the editor's Ask table lists it:
the watcher's debounce, the reload of every scope in a thread, the policy swap and the
in-place refresh.  No model is contacted (the session connects to an unused address).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, Target

NAME = "reload"
ROUNDS = 9
SETTLE_S = 0.4
"""Quiet time between rounds, so each write is its own burst for the watcher."""
TIMEOUT_S = 10.0

TARGETS = {
    "permissions_reload_ms": Target("<", 1000),
}


async def _measure(cwd: Path) -> list[float]:
    from tui.app import WardenApp
    from tui.config import AppConfig
    from tui.screens.permissions import PermissionsScreen

    config = AppConfig(cwd=cwd, model="claude-bench", api_key="bench-not-a-key",
                       base_url="http://127.0.0.1:9")
    app = WardenApp(config)
    local = cwd / ".claude" / "settings.local.json"
    samples: list[float] = []
    async with app.run_test(size=(140, 42)) as pilot:
        screen = app.main_screen
        deadline = time.monotonic() + TIMEOUT_S
        while not screen.session.ready:
            if time.monotonic() > deadline:
                raise BenchError("the session did not connect")
            await pilot.pause(0.05)
        await screen._open_permissions()
        editor = app.screen
        if not isinstance(editor, PermissionsScreen):
            raise BenchError("/permissions did not open")
        await pilot.pause(SETTLE_S)
        for i in range(ROUNDS):
            rule = f"Bash(bench-{i} *)"
            rules = [f"Bash(bench-{j} *)" for j in range(i + 1)]
            start = time.perf_counter()
            local.write_text(json.dumps({"permissions": {"ask": rules}}, indent=2))
            while not any(r.text == rule for r in editor.table("ask").rows_shown):
                if time.perf_counter() - start > TIMEOUT_S:
                    raise BenchError(f"{rule} never appeared in /permissions")
                await pilot.pause(0.005)
            samples.append((time.perf_counter() - start) * 1000)
            await pilot.pause(SETTLE_S)
    return samples


def run() -> dict[str, Any]:
    """Median and worst time from a write on disk to the rule on screen, in milliseconds."""
    saved = {k: os.environ.get(k) for k in ("WARDEN_CONFIG_DIR", "WARDEN_MANAGED_DIR")}
    with tempfile.TemporaryDirectory(prefix="warden-bench-reload-") as tmp:
        base = Path(tmp).resolve()
        os.environ["WARDEN_CONFIG_DIR"] = str(base / "user")
        os.environ["WARDEN_MANAGED_DIR"] = str(base / "managed")
        cwd = base / "project"
        (cwd / ".claude").mkdir(parents=True)
        try:
            samples = asyncio.run(_measure(cwd))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return {
        "permissions_reload_ms": round(statistics.median(samples), 1),
        "permissions_reload_max_ms": round(max(samples), 1),
        "permissions_reload_rounds": [round(s, 1) for s in samples],
    }
