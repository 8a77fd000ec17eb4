"""Keypress latency while the chat streams: how long a typed key takes to appear on screen.

Same set-up as :mod:`bench.streaming`: the replay server streams the ``long_answer`` cassette
at 100 tokens per second to ``warden`` in a 120x36 pty.  Once the answer is streaming, a
letter is typed into the prompt input every ``INTERVAL_S`` seconds; each key's latency is the
time from writing the byte to the pty until the terminal output that shows it in the input
line has been read (pyte renders the screen; the read is timestamped as it arrives).

Figure: ``keypress_latency_ms_while_streaming`` = the 95th percentile over ``KEYS`` keys.
Also reported: ``keypress_latency_p50_ms`` and the largest.
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import BenchError, Target, failure
from bench.streaming import (
    CASSETTE,
    PROMPT,
    STREAM_START_TIMEOUT_S,
    answer_phrases,
    any_phrase,
    warden_streaming_setup,
)

NAME = "keypress"
TPS = 100
KEYS = 90
INTERVAL_S = 0.1
KEY_TIMEOUT_S = 2.0
LETTERS = "qwertzuiopasdfghjklyxcvbnm"

TARGETS = {
    "keypress_latency_ms_while_streaming": Target("<", 50),
}


def _typed(text: str):
    """Predicate: the prompt input (a line near the bottom) shows ``text``."""
    return lambda lines: any(text in line for line in lines[-8:])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return round(ordered[index], 1)


def run(keys: int = KEYS, tps: float = TPS) -> dict[str, Any]:
    """Type ``keys`` letters while the answer streams at ``tps``; latency per key."""
    phrases = answer_phrases(CASSETTE)
    latencies: list[float] = []
    with warden_streaming_setup(tps, needed_s=keys * INTERVAL_S * 1.5 + 2) as app:
        app.send(PROMPT)
        if app.wait_for(any_phrase(phrases), STREAM_START_TIMEOUT_S) is None:
            raise failure(app, "the answer did not start streaming")
        typed = ""
        for index in range(keys):
            letter = LETTERS[index % len(LETTERS)]
            typed += letter
            sent = time.monotonic() - app.started_at
            app.send(letter.encode())
            match = app.wait_for(_typed(typed), KEY_TIMEOUT_S)
            if match is None:
                raise failure(app, f"key {index + 1} ({letter!r}) never appeared")
            latencies.append(max(0.0, (match.elapsed_s - sent) * 1000))
            time.sleep(INTERVAL_S)
    if not latencies:
        raise BenchError("no keys measured")
    return {
        "keypress_latency_ms_while_streaming": _percentile(latencies, 0.95),
        "keypress_latency_p50_ms": _percentile(latencies, 0.5),
        "keypress_latency_max_ms": round(max(latencies), 1),
        "keys": {"count": len(latencies), "interval_s": INTERVAL_S, "tokens_per_second": tps,
                 "latencies_ms": [round(v, 1) for v in latencies]},
    }
