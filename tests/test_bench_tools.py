"""The benchmark harness (``bench/``): pty + pyte helpers, /proc readers, results merging.

Cheap on purpose (a few seconds): the real figures come from ``make bench``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from types import SimpleNamespace

import pytest

pytest.importorskip("pyte", reason="pyte is not installed (pip install -e '.[bench]')")

from bench import baseline_app, ptyterm, startup, streaming  # noqa: E402
from bench import run as bench_run  # noqa: E402
from bench.common import Target  # noqa: E402


def test_proc_helpers_read_this_process() -> None:
    pid = os.getpid()
    # Burn a little CPU so the counters move.
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass
    cpu = ptyterm.cpu_seconds(pid)
    assert cpu is not None and cpu > 0
    peak, current = ptyterm.peak_rss_mib(pid), ptyterm.rss_mib(pid)
    assert peak is not None and current is not None
    assert 1 < current <= peak + 0.01
    assert ptyterm.proc_status_kib(pid, "NoSuchField") is None


def test_proc_helpers_of_a_missing_process() -> None:
    missing = 2**22 + 12345  # above the kernel's pid_max default
    assert ptyterm.cpu_seconds(missing) is None
    assert ptyterm.rss_mib(missing) is None


def test_screen_predicates() -> None:
    lines = ["  header  ", "some BODY text", " ^q Quit "]
    assert ptyterm.contains("BODY")(lines)
    assert not ptyterm.contains("body")(lines)
    assert ptyterm.last_line_contains("Quit")(lines)
    assert not ptyterm.last_line_contains("header")(lines)
    assert ptyterm.all_of(ptyterm.contains("header"), ptyterm.last_line_contains("Quit"))(lines)
    assert not ptyterm.all_of(ptyterm.contains("header"), ptyterm.contains("nope"))(lines)
    assert not ptyterm.last_line_contains("Quit")([])
    assert ptyterm.bottom_contains("BODY", rows=2)(lines)
    assert not ptyterm.bottom_contains("header", rows=2)(lines)


def test_terminal_env_sets_the_terminal_and_drops_what_skews_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEXTUAL", "devtools")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "secret")
    env = ptyterm.terminal_env({"EXTRA": "1"})
    assert env["TERM"] == "xterm-256color"
    assert (env["COLUMNS"], env["LINES"]) == ("120", "36")
    assert env["EXTRA"] == "1"
    assert "TEXTUAL" not in env and "ANTHROPIC_API_KEY" not in env


def test_pty_app_sets_the_window_size_and_takes_input() -> None:
    script = (
        "import os, sys; s = os.get_terminal_size(); print(f'size {s.columns}x{s.lines}', "
        "'tty' if os.isatty(0) else 'notty', flush=True); print('got', input())"
    )
    with ptyterm.PtyApp([sys.executable, "-c", script], env=ptyterm.terminal_env()) as app:
        assert app.wait_for(ptyterm.contains("size 120x36 tty"), 10) is not None
        app.send(b"hello\r")
        match = app.wait_for(ptyterm.contains("got hello"), 10)
        assert match is not None and match.elapsed_s > 0
    assert app.proc is not None and app.proc.returncode == 0
    assert app.bytes_read > 0


def test_wait_for_gives_up_when_the_program_exits() -> None:
    app = ptyterm.PtyApp([sys.executable, "-c", "print('bye')"], env=ptyterm.terminal_env())
    with app:
        started = time.monotonic()
        assert app.wait_for(ptyterm.contains("never shown"), 10) is None
        assert time.monotonic() - started < 5
    assert "bye" in app.text()


def test_baseline_first_paint_is_measured() -> None:
    result = startup.baseline_first_paint()
    assert result["first_paint_ms"] > 0
    assert baseline_app.MARKER in result["screen"]
    assert baseline_app.BINDING_TEXT in result["screen"].splitlines()[-1]
    assert result["peak_rss_mib"] > 10


def test_answer_phrases_skip_markdown_code_and_the_prompt(tmp_path) -> None:
    text = "# Explain the thing\n\n```python\nx = 1 + 2\n```\n\n**Every tool call** passes.\n"
    cassette = {
        "prompt": "Explain the thing please",
        "nodes": {"a": {"events": [
            {"event": "content_block_delta",
             "data": {"delta": {"type": "text_delta", "text": text[:9]}}},
            {"event": "content_block_delta",
             "data": {"delta": {"type": "text_delta", "text": text[9:]}}},
        ]}},
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cassette))
    assert streaming.answer_phrases(path) == ["every tool call"]
    assert streaming.any_phrase(["every tool call"])(["  Every tool call passes."])


def test_results_merge_and_table() -> None:
    module = SimpleNamespace(NAME="g", TARGETS={"a_ms": Target("<", 10), "b_pct": Target(">", 5)})
    data: dict = {"figures": {"old": {"value": 1, "target": None, "ok": None, "group": "g"}}}
    bench_run.merge(data, module, {"a_ms": 3.5, "b_pct": 1, "c": 2, "runs": [1, 2]}, None, "now")
    figures = data["figures"]
    assert "old" not in figures  # a group's figures are replaced as a whole
    assert (figures["a_ms"]["ok"], figures["b_pct"]["ok"], figures["c"]["ok"]) == (True, False,
                                                                                   None)
    assert data["details"]["g"] == {"runs": [1, 2]}
    text = bench_run.table(figures, ["g"], {})
    assert text.splitlines()[0].split(" | ")[0].strip() == "figure"
    assert "a_ms" in text and "< 10" in text and "NO" in text
    bench_run.merge(data, module, {}, "boom", "later")
    assert figures["a_ms"]["stale"] and data["errors"]["g"]["error"] == "boom"
    assert "FAILED" in bench_run.table(figures, ["g"], data["errors"])
