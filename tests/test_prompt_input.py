"""The prompt input: a keystroke does not lay out the screen, and a long prompt still scrolls."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from widgets.prompt_input import PromptInput


class PromptApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("above")
        yield PromptInput(id="prompt")


async def test_typing_sets_the_virtual_size_without_a_layout(monkeypatch) -> None:
    """Input sets ``virtual_size`` (a reactive that lays out the whole screen) on every change
    of its value; the prompt sets it silently, so a keystroke repaints only the input."""
    app = PromptApp()
    async with app.run_test(size=(60, 10)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.pause()
        layouts: list[bool] = []
        original = prompt.refresh

        def refresh(*args, **kwargs):  # type: ignore[no-untyped-def]
            layouts.append(bool(kwargs.get("layout")))
            return original(*args, **kwargs)

        monkeypatch.setattr(prompt, "refresh", refresh)
        await pilot.press(*"hello")
        assert prompt.value == "hello"
        assert prompt.virtual_size.width == prompt.content_width
        assert not any(layouts)


async def test_a_prompt_longer_than_the_input_scrolls_to_the_cursor() -> None:
    app = PromptApp()
    async with app.run_test(size=(40, 10)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press(*("word " * 20))
        await pilot.pause()
        assert prompt.virtual_size.width == len("word " * 20) + 1
        assert prompt.scroll_x > 0
        shown = prompt.render_lines(prompt.region.reset_offset)
        assert "word" in "".join(strip.text for strip in shown)
