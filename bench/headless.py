"""Headless runs: the wall time of ``warden --demo -p`` on the demo cassette, start to exit.

Each run is a fresh process (``warden --demo --demo-tps 0 --demo-dir DIR -p --output-format
json``, stdin from ``/dev/null``): Python starts, the sample project is copied, the replay
server starts, the SDK is imported, the recorded conversation is replayed as fast as the server
can send it (four model responses: three reads run, the ``curl | sh`` and both edits are
denied because nobody can approve them), the result is printed and the process exits.  One
warm-up run (compiled bytecode, page cache) is not counted.  Config, data and preference
directories are temporary, so no real settings or trust decisions are read.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, Target, median, warden_command

NAME = "headless"
RUNS = 7
TIMEOUT_S = 120.0

TARGETS = {
    "headless_run_ms": Target("<", 4000),
}


def _env(tmp: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    for name in ("WARDEN_CONFIG_DIR", "WARDEN_MANAGED_DIR", "WARDEN_DATA_DIR",
                 "WARDEN_PREFERENCES_DIR"):
        env[name] = str(tmp / name.lower())
    env.update(extra)
    return env


def _once(argv: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    """One run: (wall milliseconds, the parsed result object).

    Raises:
        BenchError: the run failed, timed out or did not print a successful result.
    """
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{' '.join(argv)} did not finish in {TIMEOUT_S:g} s") from exc
    elapsed = (time.perf_counter() - start) * 1000
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        result = None
    if proc.returncode != 0 or not isinstance(result, dict) or result.get("is_error"):
        raise BenchError(f"{' '.join(argv)} exited with {proc.returncode}\n--- stdout ---\n"
                         f"{proc.stdout[-1500:]}\n--- stderr ---\n{proc.stderr[-1500:]}")
    return elapsed, result


def run() -> dict[str, Any]:
    """Measure ``headless_run_ms`` (median of :data:`RUNS` runs, after one warm-up)."""
    with tempfile.TemporaryDirectory(prefix="warden-bench-headless-") as tmp_name:
        tmp = Path(tmp_name)
        command, extra = warden_command("--demo", "--demo-tps", "0", "--demo-dir",
                                        str(tmp / "statskit"), "-p", "--output-format", "json")
        env = _env(tmp, extra)
        _once(command, env)
        samples: list[float] = []
        result: dict[str, Any] = {}
        for _ in range(RUNS):
            elapsed, result = _once(command, env)
            samples.append(elapsed)
    return {
        "headless_run_ms": median(samples),
        "headless_detail": {  # not a figure: a dict is kept as detail
            "runs_ms": [round(s, 1) for s in samples],
            "stdev_ms": round(statistics.stdev(samples), 1) if len(samples) > 1 else 0.0,
            "num_turns": result.get("num_turns"),
            "denied": [d.get("tool_name") for d in result.get("permission_denials", ())],
            "reported_duration_ms": result.get("duration_ms"),
        },
    }
