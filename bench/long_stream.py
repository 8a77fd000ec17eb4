"""A very long answer: a streaming cost flat in its length, and the fastest rate kept up.

The replay server runs in this process and streams one ~16,000-token answer
(:func:`tui.demo.build_cassettes.very_long_answer`: ten parts, each under a ``# Part N``
heading) to the real app in a 120x36 pty.

- ``stream_cpu_pct_16k``: the first eight parts are sent at once
  (:attr:`~tui.demo.server.ReplayServer.unthrottled_deltas`), the last two (~32 s) at 100
  tokens/s; ``CATCH_UP_S`` after the answer shows, the app's CPU share is sampled over
  ``WINDOW_S``: the cost of streaming at 100 tokens/s near the end of a 16,000-token answer
  (from about token 13,500 on), where a design that re-lays out the whole answer pays most.
  100 = one core.  The answer must still be streaming when the window closes (the app takes
  seconds to take in the parts sent at once; a window that reached the end of the turn would
  measure the turn's end instead), else the group fails.
- ``stream_max_tps``: the whole answer at each rate of ``RATES`` in turn (a fresh app each
  time), the highest at which the answer's last line is on screen at most ``LAG_S`` after the
  server sent it; 0 when none is kept up.  The details keep each rate's lag.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``tui`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Target, failure  # noqa: E402
from bench.ptyterm import PtyApp, contains, cpu_seconds  # noqa: E402
from bench.streaming import PROMPT, warden_app  # noqa: E402

NAME = "long_stream"
PARTS = 10
TPS = 100
WINDOW_S = 8.0
RATES = (500, 1000, 2000, 4000)
LAG_S = 1.0
CATCH_UP_TIMEOUT_S = 60.0
CATCH_UP_S = 6.0
THROTTLED_PARTS = 2
"""Parts streamed at :data:`TPS` at the end of the answer (the others are sent at once)."""

TARGETS = {
    "stream_cpu_pct_16k": Target("<=", 15),
    "stream_max_tps": Target(">=", 500),
}


@contextmanager
def answer_app(tps: float | None, unthrottled: int = 0) -> Iterator[tuple[PtyApp, Any]]:
    """Warden in a pty, its model an in-process replay server of the very long answer at
    ``tps``; yields ``(app, server)`` after the first paint and the settle time."""
    from tui.demo.build_cassettes import very_long_answer_cassette
    from tui.demo.server import ReplayServer

    with tempfile.TemporaryDirectory(prefix="warden-bench-") as tmp_name:
        tmp = Path(tmp_name)
        project = tmp / "project"
        project.mkdir()
        (project / "README.md").write_text("# A project for Warden's benchmarks\n")
        server = ReplayServer(very_long_answer_cassette(PARTS), cwd=project,
                              tokens_per_second=tps)
        server.unthrottled_deltas = unthrottled
        with server, warden_app(project, tmp, server.base_url) as app:
            yield app, server


def deltas_before_last_part(parts: int = PARTS, last: int = 1) -> int:
    """Text deltas of the answer before the heading of its ``last``-th part from the end."""
    from tui.demo.build_cassettes import very_long_answer
    from tui.demo.cassette import split_text

    text = very_long_answer(parts)
    return len(split_text(text[:text.index(f"# Part {parts - last + 1}\n")]))


def cpu_at_the_end(window_s: float = WINDOW_S) -> dict[str, Any]:
    """CPU share while the last part streams at :data:`TPS` (see the module docstring)."""
    from bench.streaming import any_phrase

    with answer_app(TPS, deltas_before_last_part(last=THROTTLED_PARTS)) as (app, server):
        app.send(PROMPT)
        if app.wait_for(any_phrase(["every tool call the model"]), CATCH_UP_TIMEOUT_S) is None:
            raise failure(app, "the answer never showed")
        # The first parts arrive at once; the last two stream for ~32 s.  The window starts
        # CATCH_UP_S later (a slower app is still catching up then, and pays for it in the
        # figure) and must close before the answer ends.
        time.sleep(CATCH_UP_S)
        shown = [f"Part {n}" for n in range(PARTS - THROTTLED_PARTS + 1, PARTS + 1)]
        caught_up = any(part in line for line in app.lines() for part in shown)
        cpu0, t0 = cpu_seconds(app.pid), time.monotonic()
        time.sleep(window_s)
        cpu1, t1 = cpu_seconds(app.pid), time.monotonic()
        if cpu0 is None or cpu1 is None:
            raise failure(app, "the app exited while streaming")
        if server.last_stream_end is not None:
            raise failure(app, "the answer ended inside the measuring window")
    return {"cpu_pct": round(100 * (cpu1 - cpu0) / (t1 - t0), 1),
            "throttled_part_shown_at_window_start": caught_up}


def lag_at(tps: float) -> float | None:
    """Seconds from the server sending the answer's last token to its last line on screen at
    ``tps`` tokens/s; None when it did not show within a minute after."""
    from tui.demo.build_cassettes import very_long_answer
    from tui.demo.cassette import split_text

    duration = len(split_text(very_long_answer(PARTS))) / tps
    last_line = f"The end of part {PARTS}."
    with answer_app(tps) as (app, server):
        app.send(PROMPT)
        shown = app.wait_for(contains(last_line), duration + 60.0)
        if shown is None or server.last_stream_end is None:
            return None
        return round(shown.elapsed_s + app.started_at - server.last_stream_end, 2)


def run() -> dict[str, Any]:
    """Measure ``stream_cpu_pct_16k`` and ``stream_max_tps``."""
    end = cpu_at_the_end()
    lags: dict[str, float | None] = {}
    kept_up = 0
    for tps in RATES:
        lag = lag_at(tps)
        lags[str(tps)] = lag
        if lag is None or lag > LAG_S:
            break
        kept_up = tps
    return {"stream_cpu_pct_16k": end["cpu_pct"], "stream_max_tps": kept_up,
            "end_of_answer": {**end, "tokens_per_second": TPS, "window_s": WINDOW_S},
            "lag_s_by_rate": lags}


if __name__ == "__main__":
    import json

    sys.setswitchinterval(0.001)
    print(json.dumps(run(), indent=2))
