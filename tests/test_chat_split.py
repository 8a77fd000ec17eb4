"""A long streamed answer continues in a new Markdown widget only at safe breaks, so the answer
reads exactly as one document while each widget stays small (keypress latency, bench/)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Markdown

from widgets.chat_log import ChatLog

PARAGRAPH = "This paragraph explains one step of the decision in plain words. " * 6 + "\n\n"


class ChatApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


async def _stream(text: str, piece: int = 7) -> list[str]:
    """Stream ``text`` in small deltas; returns the source text of each Markdown widget."""
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        for start in range(0, len(text), piece):
            chat.append_text(text[start:start + piece])
            if start % (piece * 40) == 0:
                await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.05)
        await chat.end_text()
        await pilot.pause()
        return [md.source for md in chat.query(Markdown)]


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


async def test_typing_defers_streaming_updates_but_never_stops_them() -> None:
    """Keys in the prompt move a due flush just past the keystroke, so the key's echo paints
    first; a user typing without pause still sees the answer grow."""
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        seen: list[int] = []
        for step in range(100):                  # 2 s of tokens, a key every 20 ms
            chat.append_text(f"word{step} ")
            chat.note_typing()
            await pilot.pause(0.02)
            markdown = chat.query(Markdown)
            if markdown:
                seen.append(len(markdown.first().source))
        await chat.end_text()
        await pilot.pause()
        final = chat.query_one(Markdown).source
    grew = sorted(set(seen))
    # Flushes are at most FLUSH_INTERVAL + MAX_DEFER (0.5 s) apart: 4 in 2 s, so the length
    # seen takes at least 3 different values besides the empty start.
    assert len([n for n in grew if n]) >= 3, f"the answer grew only {grew} while typing"
    assert final.split() == [f"word{step}" for step in range(100)]
