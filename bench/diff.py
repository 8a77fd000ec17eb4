"""Diff viewer: how long a proposed edit takes to show, from the request to the painted diff.

A 2,000-line Python file with every 10th line changed (200 hunks of 7 lines: 1 removed, 1
added, 3 lines of context each side) is given to a :class:`~widgets.diff_view.DiffView` that
fills a headless app (``App.run_test``, 120x40: the unified layout, as in the main screen's
side panel).  The clock runs from ``set_changes()`` (the request arriving) to the view's
``Ready`` message, which is posted after the new widgets are mounted and painted; it covers
computing the hunks, pairing lines and finding the intra-line marks (in a thread), then
mounting the 200 hunk widgets and the first paint.  This file is over the view's
``SYNC_HIGHLIGHT_LINES``, so it is first painted without syntax colours, which the view adds
right after (pygments needs about 75 µs a line, twice): ``diff_highlighted_ms`` is the time to
the ``Highlighted`` message, when every hunk has its colours.  Each run gets a fresh
:class:`~tui.diffs.FileChange` (hunks are cached on it).

Figure: ``diff_open_ms``, the median of ``RUNS`` runs after one warm-up.  Also reported:
``diff_highlighted_ms``, ``diff_open_split_ms`` (180x40, split layout), ``diff_prepare_ms`` (the
whole prepare step with highlighting, measured directly, no UI) and the slowest unified run.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, Target, median

NAME = "diff"
RUNS = 7
LINES = 2_000
EVERY = 10
READY_TIMEOUT_S = 30.0

TARGETS = {
    "diff_open_ms": Target("<", 300),
}


def python_source(lines: int, changed_every: int = 0) -> str:
    """``lines`` lines of plausible Python (functions with docstrings, strings, numbers);
    with ``changed_every`` > 0 every such line (the 10th, 20th...) is edited."""
    out: list[str] = []
    for number in range(1, lines + 1):
        match number % 5:
            case 1:
                text = f"def step_{number}(value: int, name: str = \"n{number}\") -> int:"
            case 2:
                text = f'    """Step {number}: scale the value and log it."""'
            case 3:
                text = f"    result = value * {number} + len(name)  # scaled"
            case 4:
                text = f"    print(f\"{{name}}: {{result}}\", {number})"
            case _:
                text = "    return result"
        if changed_every and number % changed_every == 0:
            text = text.replace("result", "total").rstrip() + "  # edited"
        out.append(text)
    return "\n".join(out) + "\n"


def make_change():  # noqa: ANN201 - FileChange, imported late so ``bench`` imports stay cheap
    """A fresh change of the benchmark file (nothing cached on it)."""
    from tui.diffs import FileChange

    return FileChange(Path("/bench/module.py"), python_source(LINES),
                      python_source(LINES, EVERY), "module.py")


async def _open_times(size: tuple[int, int], runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds from ``set_changes`` to ``Ready`` and to ``Highlighted``, for ``runs`` runs
    after one warm-up."""
    from textual.app import App, ComposeResult

    from themes import DEFAULT_THEME, WARDEN_THEMES, semantic_variables
    from widgets.diff_view import DiffView

    class DiffBenchApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            for theme in WARDEN_THEMES:
                self.register_theme(theme)
            self.theme = DEFAULT_THEME
            self.ready = asyncio.Event()
            self.highlighted = asyncio.Event()

        def get_theme_variable_defaults(self) -> dict[str, str]:
            return semantic_variables(self.current_theme)

        def compose(self) -> ComposeResult:
            yield DiffView(id="diff")

        def on_diff_view_ready(self) -> None:
            self.ready.set()

        def on_diff_view_highlighted(self) -> None:
            self.highlighted.set()

    app = DiffBenchApp()
    times: list[float] = []
    colours: list[float] = []
    async with app.run_test(size=size) as pilot:
        view = app.query_one("#diff", DiffView)
        await asyncio.wait_for(app.ready.wait(), READY_TIMEOUT_S)  # the empty view
        for run in range(runs + 1):
            for empty in (True, False):  # clear first, so each run mounts from nothing
                app.ready.clear()
                app.highlighted.clear()
                started = time.perf_counter()
                view.set_changes([] if empty else [make_change()])
                try:
                    await asyncio.wait_for(app.ready.wait(), READY_TIMEOUT_S)
                    elapsed = (time.perf_counter() - started) * 1000
                    await asyncio.wait_for(app.highlighted.wait(), READY_TIMEOUT_S)
                    coloured = (time.perf_counter() - started) * 1000
                except TimeoutError as exc:
                    raise BenchError("DiffView.Ready or Highlighted was not posted") from exc
                await pilot.pause()
            if len(view.hunk_widgets()) != LINES // EVERY:
                raise BenchError(f"expected {LINES // EVERY} hunks, "
                                 f"got {len(view.hunk_widgets())}")
            if run:  # the first run warms up imports and caches
                times.append(elapsed)
                colours.append(coloured)
    return times, colours


def _prepare_ms(runs: int) -> float:
    """Median milliseconds of the whole prepare step (hunks, highlighting, marks), no UI."""
    from widgets.diff_view import prepare_changes

    times = []
    for _ in range(runs):
        change = make_change()
        started = time.perf_counter()
        prepare_changes([change], highlight_budget=None)
        times.append((time.perf_counter() - started) * 1000)
    return median(times)


def run(runs: int = RUNS) -> dict[str, Any]:
    """Measure; see the module docstring for the figures."""
    unified, coloured = asyncio.run(_open_times((120, 40), runs))
    split, _ = asyncio.run(_open_times((180, 40), runs))
    return {
        "diff_open_ms": median(unified),
        "diff_open_max_ms": round(max(unified), 1),
        "diff_highlighted_ms": median(coloured),
        "diff_open_split_ms": median(split),
        "diff_prepare_ms": _prepare_ms(runs),
        "diff_setup": f"{LINES} lines of Python, {LINES // EVERY} hunks",
        "diff_open_runs_ms": [round(t, 1) for t in unified],
    }
