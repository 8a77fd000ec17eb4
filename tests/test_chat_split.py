"""A streamed answer is cut into Markdown chunks only at safe breaks, so it reads exactly as one
document while only its last, open chunk is rendered again as text arrives (issue 14)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.fake_clock import FakeClock
from widgets.answer_view import AnswerView
from widgets.chat_log import ChatLog
from widgets.markdown_lines import CHUNK_CHARS, MarkdownRenderer, chunks

PARAGRAPH = "This paragraph explains one step of the decision in plain words. " * 6 + "\n\n"


class ChatApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


def test_long_answer_is_cut_at_paragraph_breaks_and_nothing_is_lost() -> None:
    text = PARAGRAPH * 12
    parts = chunks(text)
    assert len(parts) >= 2
    assert "".join(parts) == text
    assert all(part.rstrip().endswith("words.") for part in parts)      # whole paragraphs only
    assert all(len(part) < CHUNK_CHARS + len(PARAGRAPH) for part in parts)


def test_code_blocks_lists_quotes_and_tables_are_never_cut() -> None:
    code = "```python\n" + "".join(f"x{i} = {i}\n\n" for i in range(200)) + "```\n\n"
    items = "".join(f"{i}. step number {i} of a long list\n\n" for i in range(1, 80))
    quote = "".join(f"> quoted line {i}\n>\n" for i in range(60)) + "\n"
    table = "| a | b |\n| --- | --- |\n" + "".join(f"| {i} | {i * 2} |\n" for i in range(80))
    parts = chunks(PARAGRAPH * 3 + code + items + "Between.\n\n" + quote + table
                   + "\nThe end.\n")
    fenced = [p for p in parts if "```python" in p]
    assert len(fenced) == 1 and fenced[0].count("```") == 2      # the fence stays whole
    listing = [p for p in parts if "1. step number 1 " in p]
    assert len(listing) == 1 and "79. step number 79" in listing[0]
    quoted = [p for p in parts if "quoted line 0" in p]
    assert len(quoted) == 1 and "quoted line 59" in quoted[0]
    tabled = [p for p in parts if "| 0 | 0 |" in p]
    assert len(tabled) == 1 and "| 79 | 158 |" in tabled[0]


RICH = (PARAGRAPH * 2 + "# Part 2\n\nSome `code` and **bold** words.\n\n"
        + "".join(f"{i}. item {i}\n" for i in range(1, 12)) + "\n"
        + "```python\ndef f():\n    return 1\n```\n\n" + PARAGRAPH * 3
        + "| scope | file |\n| --- | --- |\n| user | `~/.claude/settings.json` |\n\nDone.\n")


async def test_streamed_in_small_pieces_it_shows_the_rows_of_the_whole_text() -> None:
    """What the user sees while the answer streams (chunk by chunk, the open one re-rendered)
    is what the finished answer shows when rendered at once: numbering, code, the table and
    the spacing between blocks are the same."""
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = AnswerView()
        await app.query_one(ChatLog).mount(view)
        await pilot.pause()
        width = view.size.width
        for start in range(0, len(RICH), 9):
            view.append(RICH[start:start + 9])
            view.rows(width)
        streamed = [row.text for row in view.rows(width)]
        whole = [row.text for row in view.renderer.render(RICH, width)]
        assert streamed == whole
        assert any(row.lstrip().startswith("11. item 11") for row in streamed)
        assert any("return 1" in row for row in streamed)


async def test_only_the_open_chunk_is_rendered_again() -> None:
    """A closed chunk is rendered once; each update renders the open chunk only, so the work
    per update does not grow with the answer's length."""
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = AnswerView()
        await app.query_one(ChatLog).mount(view)
        await pilot.pause()
        rendered: list[str] = []
        original = MarkdownRenderer.render

        def spy(self: MarkdownRenderer, source: str, width: int) -> list:
            rendered.append(source)
            return original(self, source, width)

        MarkdownRenderer.render = spy  # type: ignore[method-assign]
        try:
            for _ in range(40):
                for start in range(0, len(PARAGRAPH), 30):
                    view.append(PARAGRAPH[start:start + 30])
                    view.rows(view.size.width)
        finally:
            MarkdownRenderer.render = original  # type: ignore[method-assign]
        assert view.source == PARAGRAPH * 40
        assert max(len(source) for source in rendered) < CHUNK_CHARS + len(PARAGRAPH)
        assert len(rendered) <= 40 * (len(PARAGRAPH) // 30 + 2)


async def test_typing_defers_streaming_updates_but_never_stops_them(monkeypatch) -> None:
    """A key in the prompt moves a due flush to just after the keystroke (so the key's echo
    paints first), but never more than MAX_DEFER past the time it was due: a user typing
    without pause still sees the answer grow.  Checked on the schedule itself, with a fake
    clock, so a busy machine cannot blur it."""
    app = ChatApp()
    async with app.run_test(size=(100, 30)):
        chat = app.query_one(ChatLog)
        clock = FakeClock(100.0)
        chat.clock = clock
        scheduled: list[float] = []          # absolute times the flush was (re)scheduled for

        class FakeTimer:
            def stop(self) -> None:
                pass

        def fake_set_timer(delay: float, callback: object) -> FakeTimer:
            scheduled.append(clock() + delay)
            return FakeTimer()

        monkeypatch.setattr(chat, "set_timer", fake_set_timer)
        chat.append_text("The answer begins")
        due = 100.0 + ChatLog.FLUSH_INTERVAL
        assert scheduled == [pytest.approx(due)]
        for key_at in (100.05, 100.19, 100.3, 100.45, 100.49, 100.6, 100.9):
            clock.advance(key_at - clock())
            chat.note_typing()
            when = scheduled[-1]
            # Never starved: at the latest MAX_DEFER after it was due (at once when overdue).
            assert when <= max(due + ChatLog.MAX_DEFER, key_at) + 1e-9
            if key_at + ChatLog.TYPING_DEFER <= due + ChatLog.MAX_DEFER:
                assert when >= key_at + ChatLog.TYPING_DEFER - 1e-9  # the key paints first
        assert scheduled[1] == pytest.approx(due)   # a key well before the flush leaves it


async def test_a_finished_answer_widget_is_freed_once_frozen() -> None:
    """Memory flat in the session's length: once an answer is frozen into the history its
    widget is freed (Textual's cache of displayed children used to keep removed widgets
    alive), and only its text and rows remain."""
    import gc
    import weakref

    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        chat.append_text(PARAGRAPH * 8)
        await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.1)
        views = [weakref.ref(w) for w in chat.query(AnswerView)]
        assert len(views) == 1
        await chat.end_text()
        for _ in range(100):
            if not chat.live:
                break
            await pilot.pause(0.05)
        frozen_texts = chat.live, chat.texts("answer")
        gc.collect()
        freed = views[0]() is None
    assert frozen_texts == ([], [PARAGRAPH * 8])
    assert freed
