"""Streaming: the CPU Warden uses while the chat streams 100 tokens per second.

The replay server (``python -m tui.demo.server``) runs as its own process and streams the
``long_answer`` cassette (~1,600 deltas, one per token) at 100 deltas/s to ``warden`` (not in
demo mode: a plain session whose ``ANTHROPIC_BASE_URL`` is the server) running in a 120x36
pty.  After the first paint and a settle time (the SDK is imported in the background), a
prompt is typed; once the answer's first words are on screen, the app's CPU time (user +
system, all threads, from ``/proc/<pid>/stat``) is sampled over a fixed window.

Figure: ``stream_cpu_pct_at_100tps`` = 100 x CPU seconds / wall seconds (100 = one core).
Also reported, without targets: ``idle_cpu_pct`` (the same over 1 s before the prompt),
``stream_first_text_ms`` (Enter to the answer's first plain line on screen: includes the ~15
tokens before it), ``stream_output_kib_per_s`` (what the app writes to the terminal during the
window: a measure of how much it repaints) and ``stream_rss_mib`` (VmRSS at the window's end).
The details keep the CPU share of each second of the window: it grows with the transcript.
"""

from __future__ import annotations

import json
import re
import select
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, BenchError, Target, failure, warden_command
from bench.ptyterm import (
    PtyApp,
    ScreenPredicate,
    all_of,
    bottom_contains,
    cpu_seconds,
    last_line_contains,
    rss_mib,
    terminal_env,
    venv_bin,
)

NAME = "streaming"
TPS = 100
WINDOW_S = 8.0
SETTLE_S = 3.0
CASSETTE = REPO_ROOT / "tui" / "demo" / "cassettes" / "long_answer.json"
PROMPT = b"Explain how Warden's permission engine decides\r"
SERVER_READY_TIMEOUT_S = 20.0
FIRST_PAINT_TIMEOUT_S = 30.0
STREAM_START_TIMEOUT_S = 15.0

# The status line (its "cwd" field) and the footer are painted.
FIRST_FRAME = all_of(bottom_contains("cwd"), last_line_contains("Quit"))

TARGETS = {
    "stream_cpu_pct_at_100tps": Target("<", 30),
}


@contextmanager
def replay_server(cassette: Path, cwd: Path, tps: float) -> Iterator[str]:
    """Run ``python -m tui.demo.server`` for ``cassette``; yield its base URL."""
    argv = [str(venv_bin() / "python"), "-m", "tui.demo.server", "--cassette", str(cassette),
            "--cwd", str(cwd), "--tps", f"{tps:g}"]
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output: list[bytes] = []
    try:
        url = _await_ready(proc, output)
        # Keep draining its output so it never blocks on a full pipe.
        threading.Thread(target=lambda: output.extend(proc.stdout or ()), daemon=True).start()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _await_ready(proc: subprocess.Popen[bytes], output: list[bytes]) -> str:
    """Read the server's output until ``READY <url>``; return the URL."""
    assert proc.stdout is not None
    deadline = time.monotonic() + SERVER_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        line = proc.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.startswith(b"READY "):
            return line.split()[1].decode()
    raise BenchError("the replay server did not print READY:\n"
                     + b"".join(output).decode("utf-8", "replace"))


def answer_phrases(cassette: Path, count: int = 3) -> list[str]:
    """Lower-cased phrases (first words of the answer's first lines) that show it streams.

    Markdown syntax is stripped and phrases that are also in the cassette's prompt are left
    out (the prompt is echoed in the chat).
    """
    data = json.loads(cassette.read_text(encoding="utf-8"))
    prompt = str(data.get("prompt", "")).lower()
    text = "".join(_text_deltas(data))
    phrases: list[str] = []
    in_code = False
    for raw in text.splitlines():
        if raw.lstrip().startswith("```"):
            in_code = not in_code
            continue
        line = re.sub(r"^\s*(?:(?:[#>]+|[-*+]|\d+\.)\s+)*", "", raw)
        words = re.sub(r"[*_`#]", "", line).split()[:3]
        phrase = " ".join(words).lower()
        if in_code or len(words) < 3 or phrase in prompt:
            continue
        phrases.append(phrase)
        if len(phrases) == count:
            break
    if not phrases:
        raise BenchError(f"{cassette}: no text to recognise the answer by")
    return phrases


def _text_deltas(node: Any) -> Iterator[str]:
    """Every ``text_delta`` text in a cassette, in order (whatever the nesting)."""
    if isinstance(node, dict):
        if node.get("type") == "text_delta" and isinstance(node.get("text"), str):
            yield node["text"]
            return
        for value in node.values():
            yield from _text_deltas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _text_deltas(value)


def any_phrase(phrases: list[str]) -> ScreenPredicate:
    """True when one of the (lower-case) ``phrases`` is on the screen, whatever its case."""
    return lambda lines: any(p in line.lower() for line in lines for p in phrases)


def _sample_cpu(pid: int, until: float) -> list[float]:
    """Sleep until ``until`` (monotonic), noting the CPU share of each whole second."""
    shares: list[float] = []
    cpu, at = cpu_seconds(pid), time.monotonic()
    while (left := until - time.monotonic()) > 0:
        time.sleep(min(1.0, left))
        cpu_now, now = cpu_seconds(pid), time.monotonic()
        if cpu is not None and cpu_now is not None and now - at >= 0.5:
            shares.append(round(100 * (cpu_now - cpu) / (now - at), 1))
        cpu, at = cpu_now, now
    return shares


@contextmanager
def warden_app(project: Path, tmp: Path, base_url: str) -> Iterator[PtyApp]:
    """Warden in a pty on ``project``, its model at ``base_url``, its settings, managed files
    and data under ``tmp``; yields the app after its first paint and :data:`SETTLE_S`.  The one
    launcher of the pty benchmarks (streaming, keypress, long_session, long_stream).

    Raises:
        BenchError: no first paint within :data:`FIRST_PAINT_TIMEOUT_S`.
    """
    # A new folder asks for workspace trust first (issue 11), and the trust screen would take
    # the first keys typed: the benchmarks measure the conversation, so Warden starts trusted.
    argv, extra = warden_command("--trust-project")
    env = terminal_env({
        **extra,
        "WARDEN_DATA_DIR": str(tmp / "data"),
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": "bench-not-a-key",
        "WARDEN_CONFIG_DIR": str(tmp / "cfg"),
        "WARDEN_MANAGED_DIR": str(tmp / "managed"),
    })
    with PtyApp(argv, cwd=project, env=env) as app:
        if app.wait_for(FIRST_FRAME, FIRST_PAINT_TIMEOUT_S) is None:
            raise failure(app, "no first paint")
        time.sleep(SETTLE_S)
        yield app


@contextmanager
def warden_streaming_setup(tps: float, *, needed_s: float) -> Iterator[PtyApp]:
    """Warden in a pty on a scratch project, its model the replay server streaming
    :data:`CASSETTE` at ``tps``; yields the app after its first paint and :data:`SETTLE_S`.

    Raises:
        BenchError: the cassette streams for less than ``needed_s`` seconds, or no first paint.
    """
    deltas = sum(1 for _ in _text_deltas(json.loads(CASSETTE.read_text(encoding="utf-8"))))
    if deltas / tps < needed_s:
        raise BenchError(f"{CASSETTE.name} streams for {deltas / tps:.1f} s at {tps:g} tokens/s: "
                         f"less than the {needed_s:g} s needed")
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as tmp_name:
        tmp = Path(tmp_name)
        project = tmp / "project"
        project.mkdir()
        (project / "README.md").write_text("# A project for Warden's benchmarks\n")
        with replay_server(CASSETTE, project, tps) as url, warden_app(project, tmp, url) as app:
            yield app


def run(window_s: float = WINDOW_S, tps: float = TPS) -> dict[str, Any]:
    """Measure the app's CPU share over ``window_s`` seconds of streaming at ``tps``."""
    phrases = answer_phrases(CASSETTE)
    with warden_streaming_setup(tps, needed_s=window_s + 2) as app:
        idle_cpu0, idle_t0 = cpu_seconds(app.pid), time.monotonic()
        time.sleep(1.0)
        idle_cpu1, idle_t1 = cpu_seconds(app.pid), time.monotonic()
        app.send(PROMPT)
        sent_at = time.monotonic()
        started = app.wait_for(any_phrase(phrases), STREAM_START_TIMEOUT_S)
        if started is None:
            raise failure(app, f"the answer did not start streaming (looked for {phrases})")
        first_text_ms = (started.elapsed_s - (sent_at - app.started_at)) * 1000
        cpu0, t0, bytes0 = cpu_seconds(app.pid), time.monotonic(), app.bytes_read
        per_second = _sample_cpu(app.pid, t0 + window_s)
        cpu1, t1, bytes1 = cpu_seconds(app.pid), time.monotonic(), app.bytes_read
        rss = rss_mib(app.pid)
        if None in (cpu0, cpu1, idle_cpu0, idle_cpu1, rss):
            raise failure(app, "the app exited while streaming")
    wall = t1 - t0
    return {
        "stream_cpu_pct_at_100tps": round(100 * (cpu1 - cpu0) / wall, 1),
        "idle_cpu_pct": round(100 * (idle_cpu1 - idle_cpu0) / (idle_t1 - idle_t0), 1),
        "stream_first_text_ms": round(first_text_ms, 1),
        "stream_output_kib_per_s": round((bytes1 - bytes0) / 1024 / wall, 1),
        "stream_rss_mib": round(rss, 1),
        "window": {"seconds": round(wall, 2), "tokens_per_second": tps,
                   "cpu_seconds": round(cpu1 - cpu0, 3), "cpu_pct_each_second": per_second,
                   "phrases": phrases},
    }
