"""Reproduction for the Textual report in textual-input-virtual-size.md (run it with the Textual
version to report on installed): every keystroke in an ``Input`` lays out the whole screen.

    python docs/upstream/textual_input_relayout.py [WIDGETS]

An app with one ``Input`` under a ``VerticalScroll`` of WIDGETS ``Static`` widgets (default
500).  Forty letters are typed with Pilot, once into a plain ``Input`` and once into a
subclass whose ``_watch_value`` sets ``virtual_size`` with ``set_reactive`` first (so the
reactive sees no change and requests no layout).  For each it prints the screen layouts
(``Screen._refresh_layout`` calls) per key and the milliseconds they took per key.  Nothing
here is Warden's.
"""

from __future__ import annotations

import asyncio
import sys
import time

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Input, Static

KEYS = "the quick brown fox jumps over the lazy d"
LAYOUTS = [0, 0.0]
"""Screen layouts since the last reset, and seconds spent in them."""


class QuietInput(Input):
    """The workaround: the same size, set without requesting a layout."""

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class Repro(App[None]):
    def __init__(self, widgets: int, quiet: bool) -> None:
        super().__init__()
        self.widgets = widgets
        self.quiet = quiet

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for n in range(self.widgets):
                yield Static(f"message {n}: some text that was said a while ago")
        yield (QuietInput if self.quiet else Input)(id="prompt")


async def measure(widgets: int, quiet: bool) -> tuple[float, float]:
    """``(layouts per key, ms of layout per key)``."""
    app = Repro(widgets, quiet)
    async with app.run_test(size=(120, 36)) as pilot:
        app.query_one("#prompt").focus()
        await pilot.pause(0.5)
        LAYOUTS[:] = [0, 0.0]
        for letter in KEYS:
            await pilot.press("space" if letter == " " else letter)
            await pilot.pause()  # let the screen refresh after each key
        assert app.query_one("#prompt", Input).value == KEYS
    return LAYOUTS[0] / len(KEYS), 1000 * LAYOUTS[1] / len(KEYS)


def main() -> None:
    widgets = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    original = Screen._refresh_layout

    def counting(self: Screen, *args: object, **kwargs: object) -> None:
        started = time.perf_counter()
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        LAYOUTS[0] += 1
        LAYOUTS[1] += time.perf_counter() - started

    Screen._refresh_layout = counting  # type: ignore[method-assign]
    import textual

    print(f"Textual {textual.__version__}, {widgets} Static widgets")
    for quiet in (False, True):
        layouts, ms = asyncio.run(measure(widgets, quiet))
        name = "Input with set_reactive(virtual_size)" if quiet else "Input"
        print(f"{name:40s} {layouts:4.2f} layouts/key  {ms:6.1f} ms of layout/key")


if __name__ == "__main__":
    main()
