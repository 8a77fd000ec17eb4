"""Start-up: time to the first full frame and memory, Warden (``--demo``) vs a minimal app.

Both apps run in a 120x36 pseudo-terminal; the clock runs from just before the launch to the
read of the output that completes the first full frame:

- Warden: the status line shows the demo label and the footer ("Quit" on the last line);
- the baseline (``bench/baseline_app.py``): its Markdown marker and footer binding are shown.

Runs alternate between the two apps (one untimed warm-up each first, so bytecode caches are
written); figures are medians.  The CPU time each app used until its first paint is reported
too: unlike wall time it hardly depends on what else the machine is doing.  Memory: ``VmHWM``
read right after that output (peak RSS at first paint) and ``VmRSS`` 3 s later (after Warden's
background SDK import).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.baseline_app import BINDING_TEXT, MARKER
from bench.common import REPO_ROOT, BenchError, Target, failure, median, warden_command
from bench.ptyterm import (
    PtyApp,
    ScreenPredicate,
    all_of,
    bottom_contains,
    contains,
    cpu_seconds,
    last_line_contains,
    peak_rss_mib,
    rss_mib,
    terminal_env,
    venv_bin,
)

NAME = "startup"
RUNS = 5
SETTLE_S = 3.0
FIRST_PAINT_TIMEOUT_S = 30.0
DEMO_LABEL = "Demo: recorded model responses"

TARGETS = {
    "first_paint_ratio": Target("<=", 1.3),
    "startup_peak_rss_mib": Target("<", 80),
}

# The label is also in the chat's demo notice: look for it in the status line, at the bottom.
WARDEN_FIRST_FRAME = all_of(bottom_contains(DEMO_LABEL), last_line_contains("Quit"))
BASELINE_FIRST_FRAME = all_of(contains(MARKER), last_line_contains(BINDING_TEXT))


def first_paint(
    argv: list[str],
    frame: ScreenPredicate,
    *,
    env: dict[str, str],
    cwd: str | Path | None = None,
    settle_s: float = 0.0,
    timeout: float = FIRST_PAINT_TIMEOUT_S,
) -> dict[str, Any]:
    """Launch ``argv`` in a pty, time its first full frame, then quit it.

    Returns:
        ``first_paint_ms``, ``cpu_ms`` (CPU time used until then), ``peak_rss_mib``
        (``VmHWM`` at first paint), ``settled_rss_mib``
        (``VmRSS`` ``settle_s`` seconds later; only when ``settle_s`` > 0) and ``screen``.

    Raises:
        BenchError: the frame did not appear within ``timeout`` seconds.
    """
    app = PtyApp(argv, cwd=cwd, env=env)
    with app:
        app.set_probe(lambda: (peak_rss_mib(app.pid), cpu_seconds(app.pid)))
        match = app.wait_for(frame, timeout)
        if match is None:
            raise failure(app, f"no complete first frame within {timeout:g} s")
        app.set_probe(None)
        peak, cpu = match.probe
        if peak is None or cpu is None:
            raise failure(app, "the app exited at its first paint")
        result: dict[str, Any] = {
            "first_paint_ms": round(match.elapsed_s * 1000, 1),
            "cpu_ms": round(cpu * 1000, 1),
            "peak_rss_mib": round(peak, 1),
            "screen": "\n".join(line.rstrip() for line in match.lines),
        }
        if settle_s > 0:
            time.sleep(settle_s)
            settled = rss_mib(app.pid)
            if settled is None:
                raise failure(app, f"the app exited within {settle_s:g} s of its first paint")
            result["settled_rss_mib"] = round(settled, 1)
    return result


def baseline_first_paint() -> dict[str, Any]:
    """One timed launch of the baseline app."""
    argv = [str(venv_bin() / "python"), str(REPO_ROOT / "bench" / "baseline_app.py")]
    return first_paint(argv, BASELINE_FIRST_FRAME, env=terminal_env())


def warden_first_paint(tmp: Path, *, settle_s: float = SETTLE_S) -> dict[str, Any]:
    """One timed launch of ``warden --demo`` with its config isolated under ``tmp``."""
    argv, extra = warden_command("--demo", "--demo-dir", str(tmp / "demo"))
    env = terminal_env({
        **extra,
        "WARDEN_CONFIG_DIR": str(tmp / "cfg"),
        "WARDEN_MANAGED_DIR": str(tmp / "managed"),
    })
    return first_paint(argv, WARDEN_FIRST_FRAME, env=env, cwd=tmp, settle_s=settle_s)


def run(runs: int = RUNS) -> dict[str, Any]:
    """Measure the start-up figures (medians of ``runs`` alternating launches)."""
    warden: list[dict[str, Any]] = []
    baseline: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as tmp_name:
        tmp = Path(tmp_name)
        baseline_first_paint()  # warm-up: compile bytecode, fill the page cache
        warden_first_paint(tmp, settle_s=0)
        for _ in range(runs):
            baseline.append(baseline_first_paint())
            warden.append(warden_first_paint(tmp))
    warden_ms = median([r["first_paint_ms"] for r in warden])
    baseline_ms = median([r["first_paint_ms"] for r in baseline])
    if baseline_ms <= 0:
        raise BenchError("the baseline's first paint took no time; the clock is broken")
    return {
        "startup_first_paint_ms": warden_ms,
        "baseline_first_paint_ms": baseline_ms,
        "first_paint_ratio": round(warden_ms / baseline_ms, 2),
        "startup_cpu_ms": median([r["cpu_ms"] for r in warden]),
        "baseline_cpu_ms": median([r["cpu_ms"] for r in baseline]),
        "startup_peak_rss_mib": median([r["peak_rss_mib"] for r in warden]),
        "settled_rss_mib": median([r["settled_rss_mib"] for r in warden]),
        "baseline_peak_rss_mib": median([r["peak_rss_mib"] for r in baseline]),
        "runs": {
            "warden_first_paint_ms": [r["first_paint_ms"] for r in warden],
            "baseline_first_paint_ms": [r["first_paint_ms"] for r in baseline],
            "warden_cpu_ms": [r["cpu_ms"] for r in warden],
            "baseline_cpu_ms": [r["cpu_ms"] for r in baseline],
            "warden_peak_rss_mib": [r["peak_rss_mib"] for r in warden],
            "warden_settled_rss_mib": [r["settled_rss_mib"] for r in warden],
        },
    }
