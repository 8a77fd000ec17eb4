"""Snapshot apps: the chat pane of a long session, its finished turns frozen into lines.

:class:`LongChatApp` plays :data:`TURNS` turns into a :class:`~widgets.chat_log.ChatLog` (100x30,
theme ``warden-dark``): each a prompt, a ``Read`` line with its outcome and a short Markdown
answer (heading, paragraph with inline code, bullet list), every one frozen into the history.
:class:`StreamingChatApp` has one frozen turn above a second answer still streaming (a live
Markdown widget).  ``run_before`` coroutines for the snapshot tests are :func:`scroll_back` and
:func:`stream_half`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.pilot import Pilot

from tests.snapshot_apps.themed import ThemedApp
from widgets.chat_log import ChatLog

TURNS = 40


def answer(turn: int) -> str:
    """The Markdown answer of ``turn``."""
    return (f"## Step {turn}: the rules\n\nTurn {turn} reads `notes/n{turn % 5}.md` and finds "
            f"**{turn % 3 + 2} rules**.\n\n- deny is checked first;\n- then ask, then allow.\n")


async def play_turn(chat: ChatLog, turn: int, *, finish: bool = True) -> None:
    """Add one turn to ``chat``: prompt, a Read line, the answer (streamed in small pieces)."""
    chat.add_prompt(f"question {turn}: what next?")
    chat.add_tool("Read", f"notes/n{turn % 5}.md").set_status("read 4 lines")
    text = answer(turn)
    for start in range(0, len(text), 9):
        chat.append_text(text[start:start + 9])
    if finish:
        await chat.end_text()
        chat.end_turn()


async def frozen(pilot: Pilot, chat: ChatLog) -> None:
    """Wait until nothing in ``chat`` is live any more."""
    for _ in range(200):
        if not chat.live:
            return
        await pilot.pause(0.05)
    raise TimeoutError("the chat never froze its widgets")


class LongChatApp(ThemedApp):
    """A chat with :data:`TURNS` finished turns."""

    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


async def scroll_back(pilot: Pilot) -> None:
    """Play the turns, then ``/find Step 12`` (as the main screen's command does): the chat
    scrolls back to turn 12's heading and marks the match."""
    chat = pilot.app.query_one(ChatLog)
    for turn in range(1, TURNS + 1):
        await play_turn(chat, turn)
        await frozen(pilot, chat)
    await pilot.pause()
    assert chat.find("Step 12")
    await pilot.pause()


class StreamingChatApp(ThemedApp):
    """One frozen turn, then an answer that is still streaming."""

    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


async def stream_half(pilot: Pilot) -> None:
    """Turn 1 finished and frozen; turn 2's prompt, Read line and the first half of its answer
    shown live (its last flush done, the stream still open)."""
    chat = pilot.app.query_one(ChatLog)
    await play_turn(chat, 1)
    await frozen(pilot, chat)
    chat.add_prompt("question 2: and the sandbox?")
    chat.add_tool("Read", "notes/sandbox.md").set_status("read 12 lines")
    chat.append_text("## The sandbox\n\nWrites outside the project are **blocked** by the "
                     "sandbox, and the chat shows each one under its command.\n\n- reads: ")
    await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.2)
    await pilot.pause()
