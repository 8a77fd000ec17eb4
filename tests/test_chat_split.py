"""A long streamed answer continues in a new Markdown widget only at safe breaks, so the answer
reads exactly as one document while each widget stays small (keypress latency, bench/)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.fake_clock import FakeClock
from widgets.chat_log import ChatLog

PARAGRAPH = "This paragraph explains one step of the decision in plain words. " * 6 + "\n\n"


class ChatApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


async def _stream(text: str, piece: int = 7) -> list[str]:
    """Stream ``text`` in small deltas; returns the source text of each Markdown segment (frozen
    or live)."""
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        for start in range(0, len(text), piece):
            chat.append_text(text[start:start + piece])
            if start % (piece * 40) == 0:
                await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.05)
        await chat.end_text()
        await pilot.pause()
        return chat.texts("answer")


async def test_long_answer_is_split_at_paragraph_breaks_and_nothing_is_lost() -> None:
    text = PARAGRAPH * 12
    sources = await _stream(text)
    assert len(sources) >= 2
    assert "".join(sources).replace("\n", "") == text.replace("\n", "")
    assert all(s.rstrip().endswith("words.") for s in sources)      # whole paragraphs only


async def test_code_blocks_and_lists_are_never_split() -> None:
    code = "```python\n" + "".join(f"x{i} = {i}\n\n" for i in range(200)) + "```\n\n"
    items = "".join(f"{i}. step number {i} of a long list\n\n" for i in range(1, 80))
    sources = await _stream(PARAGRAPH * 3 + code + items + "The end.\n")
    fenced = [s for s in sources if "```python" in s]
    assert len(fenced) == 1 and fenced[0].count("```") == 2      # the fence stays whole
    listing = [s for s in sources if "1. step number 1 " in s]
    assert len(listing) == 1 and "79. step number 79" in listing[0]


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


async def test_segments_frozen_while_the_answer_streams_are_freed() -> None:
    """Memory flat in the answer's length: once a closed segment is frozen into the history,
    its Markdown widget tree is freed while the answer is still streaming (Textual's cache of
    displayed children used to keep every removed segment alive until the turn ended)."""
    import gc
    import weakref

    from textual.widgets import Markdown

    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        segments: list[weakref.ref[Markdown]] = []
        for _ in range(8):
            for start in range(0, len(PARAGRAPH) * 3, 40):
                chat.append_text((PARAGRAPH * 3)[start:start + 40])
            await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.05)
            segments.extend(weakref.ref(w) for w in chat.query(Markdown)
                            if all(ref() is not w for ref in segments))
        chat.append_text("The answer goes on")   # still streaming: an open segment
        await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.3)
        live = [w for w in chat.live if isinstance(w, Markdown)]
        assert len(live) == 1 and len(chat.history.entries) >= 4
        segments.append(weakref.ref(live[0]))
        gc.collect()
        alive = [ref() for ref in segments if ref() is not None]
        assert alive == live
        await chat.end_text()
