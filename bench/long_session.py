"""A long session: do typing, streaming, turns and memory cost the same at turn 300 as at turn 10?

The real app runs in a 120x36 pty (:mod:`bench.ptyterm`) against the replay server, which runs
in this process so its rate can change between turns.  The cassette is generated in code
(:func:`tui.demo.build_cassettes.long_session_cassette`): 301 turns, each reading one or two
notes (auto-allowed ``Read`` calls) and answering in ~150 tokens of Markdown, streamed as fast as
the app takes them; turns 11 and 301 (and 101, 201) answer with ~1,600 tokens at 100 tokens/s.

Measured, each at the start and at the end of the session, in the same run:

- idle typing (after turns 10 and 300): ``KEYS`` letters typed one at a time into the prompt,
  each timed from the write to the pty until the screen shows it; p50 and p95 in ms;
- streaming (turns 11 and 301, 100 tokens/s): the app's CPU share over ``STREAM_WINDOW_S``
  (100 = one core), then key latency while it streams (a key every 0.1 s);
- time to first text: Enter to the turn's first words on screen, less the replay server's time
  to start its reply (which grows with the conversation it is sent, as a real model's time to
  first token does; the whole wait is kept as ``first_text_wall_ms``), median of turns 6-10
  and 296-300, in ms;
- CPU to render a short turn: the app's CPU seconds from Enter to the turn's last line on screen
  (median of the same turns);
- RSS after turn 300 (``VmRSS``, MiB).

Figures: ``long_session_key_p95_ms`` (idle typing at turn 300),
``long_session_stream_key_p95_ms`` (while streaming at turn 301), ``long_session_turn_cpu_ratio``
(turn 300 over turn 10), ``long_session_rss_mib``; each early/late pair and ratio is in the
details.  ``python -m bench.long_session --turns N`` runs a shorter session (ends at N + 1).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``tui`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BenchError, Target, failure  # noqa: E402
from bench.ptyterm import PtyApp, cpu_seconds, rss_mib  # noqa: E402
from bench.streaming import warden_app  # noqa: E402

NAME = "long_session"
TURNS = 300
"""Turns before the last measured one (which is turn ``TURNS + 1``)."""
EARLY = 10
"""The early measuring point: typing after this turn, streaming in the next."""
KEYS = 40
KEY_INTERVAL_S = 0.05
STREAM_KEYS = 50
STREAM_KEY_INTERVAL_S = 0.1
STREAM_TPS = 100
STREAM_WINDOW_S = 4.0
WINDOW = 5
"""Turns whose first-text time and CPU are taken (the median) at each end."""
TURN_TIMEOUT_S = 180.0
KEY_TIMEOUT_S = 5.0
LETTERS = "qwertzuiopasdfghjklyxcvbnm"
CTRL_U = b"\x15"

TARGETS = {
    "long_session_key_p95_ms": Target("<=", 50),
    "long_session_stream_key_p95_ms": Target("<=", 50),
    "long_session_turn_cpu_ratio": Target("<=", 1.25),
    "long_session_rss_mib": Target("<=", 200),
}


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return round(ordered[index], 1)


def _near_bottom(text: str, rows: int = 8):
    return lambda lines: any(text in line for line in lines[-rows:])


def _turn_done(marker: str):
    """The turn's last line is on screen and the status line no longer says "working"."""
    return lambda lines: (any(marker in line for line in lines)
                          and not any("working…" in line for line in lines[-3:]))


@contextmanager
def session_app(turns: int, long_turns: Sequence[int]) -> Iterator[tuple[PtyApp, Any]]:
    """Warden in a pty on a scratch project with notes to read, its model an in-process replay
    server for the long-session cassette; yields ``(app, server)`` after the first paint and
    :data:`~bench.streaming.SETTLE_S`."""
    from tui.demo.build_cassettes import SESSION_NOTES, long_session_cassette
    from tui.demo.server import ReplayServer

    cassette = long_session_cassette(turns, long_turns)
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as tmp_name:
        tmp = Path(tmp_name)
        project = tmp / "project"
        (project / "notes").mkdir(parents=True)
        (project / "README.md").write_text("# A project for Warden's benchmarks\n")
        for n in range(SESSION_NOTES):
            (project / "notes" / f"n{n}.md").write_text(
                f"# Note {n}\n\nThe rules of part {n}.\nThey are checked in order.\n")
        with (ReplayServer(cassette, cwd=project) as server,
              warden_app(project, tmp, server.base_url) as app):
            yield app, server


def type_keys(app: PtyApp, count: int, interval: float) -> list[float]:
    """Type ``count`` letters into the prompt one at a time; each one's latency in ms (write to
    the pty until the prompt line shows it).  Clears the prompt afterwards (ctrl+u)."""
    latencies: list[float] = []
    typed = ""
    for index in range(count):
        letter = LETTERS[index % len(LETTERS)]
        typed += letter
        sent = time.monotonic() - app.started_at
        app.send(letter.encode())
        match = app.wait_for(_near_bottom(typed), KEY_TIMEOUT_S)
        if match is None:
            raise failure(app, f"key {index + 1} ({letter!r}) never appeared")
        latencies.append(max(0.0, (match.elapsed_s - sent) * 1000))
        time.sleep(interval)
    app.send(CTRL_U)
    if app.wait_for(lambda lines: not _near_bottom(typed)(lines), KEY_TIMEOUT_S) is None:
        raise failure(app, "ctrl+u did not clear the prompt")
    return latencies


def run_turn(app: PtyApp, turn: int, server: Any = None) -> dict[str, float]:
    """Send the prompt of ``turn`` and wait for its last line; first-text ms and CPU seconds.

    ``first_text_ms`` is Warden's part of the wait: from Enter to the first words on screen,
    less the time the replay ``server`` took to start its reply (parsing a request that holds
    the whole conversation and finding the answer: the model's time to first token, which
    grows with the context whatever the client does).  ``first_text_wall_ms`` keeps the whole.
    """
    from tui.demo.build_cassettes import session_end_marker, session_first_text, session_prompt

    delays = server.response_delays if server is not None else []
    before = len(delays)
    cpu0 = cpu_seconds(app.pid)
    sent = time.monotonic() - app.started_at
    app.send(session_prompt(turn).encode() + b"\r")
    first = app.wait_for(lambda lines: any(session_first_text(turn) in ln for ln in lines),
                         TURN_TIMEOUT_S)
    if first is None:
        raise failure(app, f"turn {turn} showed no text")
    done = app.wait_for(_turn_done(session_end_marker(turn)), TURN_TIMEOUT_S)
    cpu1 = cpu_seconds(app.pid)
    if done is None or cpu0 is None or cpu1 is None:
        raise failure(app, f"turn {turn} did not finish")
    wall_ms = (first.elapsed_s - sent) * 1000
    server_ms = delays[before] * 1000 if len(delays) > before else 0.0
    return {"first_text_ms": round(wall_ms - server_ms, 1),
            "first_text_wall_ms": round(wall_ms, 1), "server_first_byte_ms": round(server_ms, 1),
            "cpu_s": round(cpu1 - cpu0, 3), "wall_s": round(done.elapsed_s - sent, 2)}


def streaming_turn(app: PtyApp, server: Any, turn: int) -> dict[str, Any]:
    """Turn ``turn`` streams ~1,600 tokens at :data:`STREAM_TPS`: the app's CPU share over
    :data:`STREAM_WINDOW_S` once the answer shows, then key latency while it streams."""
    from bench.streaming import any_phrase
    from tui.demo.build_cassettes import session_end_marker, session_prompt

    server.tokens_per_second = STREAM_TPS
    try:
        app.send(session_prompt(turn).encode() + b"\r")
        phrases = ["every tool call the model", "it takes the prepared call"]
        if app.wait_for(any_phrase(phrases), TURN_TIMEOUT_S) is None:
            raise failure(app, f"turn {turn}: the long answer did not stream")
        cpu0, t0 = cpu_seconds(app.pid), time.monotonic()
        time.sleep(STREAM_WINDOW_S)
        cpu1, t1 = cpu_seconds(app.pid), time.monotonic()
        keys = type_keys(app, STREAM_KEYS, STREAM_KEY_INTERVAL_S)
        streaming_still = not app.wait_for(_turn_done(session_end_marker(turn)), 0)
        if app.wait_for(_turn_done(session_end_marker(turn)), TURN_TIMEOUT_S) is None:
            raise failure(app, f"turn {turn} did not finish")
    finally:
        server.tokens_per_second = None
    if cpu0 is None or cpu1 is None:
        raise failure(app, "the app exited while streaming")
    return {"cpu_pct": round(100 * (cpu1 - cpu0) / (t1 - t0), 1),
            "key_p50_ms": _percentile(keys, 0.5), "key_p95_ms": _percentile(keys, 0.95),
            "key_max_ms": round(max(keys), 1), "keys_all_while_streaming": streaming_still}


def run(turns: int = TURNS, early: int = EARLY) -> dict[str, Any]:
    """Play ``turns`` + 1 turns; measure at ``early`` (and ``early`` + 1) and at the end."""
    if turns <= early + WINDOW:
        raise BenchError(f"a session of {turns} turns is too short to compare with turn {early}")
    long_turns = sorted({early + 1, turns + 1, *range(101, turns, 100)})
    per_turn: dict[int, dict[str, float]] = {}
    points: dict[str, dict[str, Any]] = {}
    started = time.monotonic()
    with session_app(turns + 1, long_turns) as (app, server):
        for turn in range(1, turns + 2):
            if turn in (early + 1, turns + 1):
                label = "early" if turn == early + 1 else "late"
                time.sleep(1.0)  # the end of the previous turn settles (heap, freezing)
                keys = type_keys(app, KEYS, KEY_INTERVAL_S)
                rss = rss_mib(app.pid)
                points[label] = {"after_turn": turn - 1, "key_p50_ms": _percentile(keys, 0.5),
                                 "key_p95_ms": _percentile(keys, 0.95),
                                 "key_max_ms": round(max(keys), 1),
                                 "rss_mib": round(rss or 0.0, 1)}
                points[label]["stream"] = streaming_turn(app, server, turn)
            elif turn in long_turns:
                server.tokens_per_second = STREAM_TPS
                try:
                    per_turn[turn] = run_turn(app, turn, server)
                finally:
                    server.tokens_per_second = None
            else:
                per_turn[turn] = run_turn(app, turn, server)
    early_turns = [per_turn[t] for t in range(early - WINDOW + 1, early + 1)]
    late_turns = [per_turn[t] for t in range(turns - WINDOW + 1, turns + 1)]

    def median(rows: list[dict[str, float]], key: str) -> float:
        return round(statistics.median(row[key] for row in rows), 3)

    for label, rows in (("early", early_turns), ("late", late_turns)):
        points[label]["first_text_ms"] = median(rows, "first_text_ms")
        points[label]["first_text_wall_ms"] = median(rows, "first_text_wall_ms")
        points[label]["server_first_byte_ms"] = median(rows, "server_first_byte_ms")
        points[label]["turn_cpu_s"] = median(rows, "cpu_s")
    e, late = points["early"], points["late"]

    def ratio(a: float, b: float) -> float | None:
        return round(b / a, 2) if a > 0 else None

    return {
        "long_session_key_p95_ms": late["key_p95_ms"],
        "long_session_stream_key_p95_ms": late["stream"]["key_p95_ms"],
        "long_session_turn_cpu_ratio": ratio(e["turn_cpu_s"], late["turn_cpu_s"]),
        "long_session_rss_mib": late["rss_mib"],
        "ratios": {
            "key_p95": ratio(e["key_p95_ms"], late["key_p95_ms"]),
            "stream_key_p95": ratio(e["stream"]["key_p95_ms"], late["stream"]["key_p95_ms"]),
            "stream_cpu": ratio(e["stream"]["cpu_pct"], late["stream"]["cpu_pct"]),
            "first_text": ratio(e["first_text_ms"], late["first_text_ms"]),
            "turn_cpu": ratio(e["turn_cpu_s"], late["turn_cpu_s"]),
        },
        "points": points,
        "session": {"turns": turns + 1, "long_turns": long_turns,
                    "seconds": round(time.monotonic() - started, 1),
                    "turn_wall_s": {t: r["wall_s"] for t, r in per_turn.items()
                                    if t % 25 == 0 or t <= 12}},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run a session of ``--turns`` turns and print the results as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.long_session")
    parser.add_argument("--turns", type=int, default=TURNS)
    parser.add_argument("--early", type=int, default=EARLY)
    args = parser.parse_args(argv)
    sys.setswitchinterval(0.001)
    print(json.dumps(run(args.turns, args.early), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
