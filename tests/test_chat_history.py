"""Finished messages are frozen into one line-based history (issue 14): nothing of them is lost.

A frozen turn looks exactly as it did live, is rendered again when the chat's width changes,
can be selected and copied, and ``/find`` scrolls back to it; PageUp scrolls the chat while the
prompt has focus.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App, ComposeResult

from tests.snapshot_apps.chat_history_app import answer, frozen, play_turn
from tests.waiting import wait_for
from widgets.answer_view import AnswerView
from widgets.chat_history import ChatHistory
from widgets.chat_log import ChatLog, ToolLine

RICH_ANSWER = """\
# A heading

A paragraph with `code`, **bold** and *italic* text that is long enough to wrap at least once \
in a chat that is a hundred columns wide.

1. first
2. second, with a [link](https://example.com)

```python
def f(x: int) -> int:
    return x + 1
```

| scope | file |
| --- | --- |
| user | `~/.claude/settings.json` |

> A quote.
"""


class ChatApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")


def _screen(app: App[object]) -> str:
    """The screen as SVG, without the ids that differ between two exports."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


async def test_a_frozen_turn_looks_as_it_did_live(monkeypatch) -> None:
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        monkeypatch.setattr(chat, "freeze", lambda: None)  # all live for the first pictures
        chat.add_prompt("question 1: show me everything")
        chat.add_tool("Read", "README.md").set_status("read 10 lines")
        for start in range(0, len(RICH_ANSWER), 11):
            chat.append_text(RICH_ANSWER[start:start + 11])
        await chat.end_text()
        await pilot.pause(0.2)
        assert len(chat.live) == 3
        shots = {}
        for y in (0, 10, 20):
            chat.scroll_to(y=y, animate=False)
            await pilot.pause()
            shots[y] = _screen(app)
        monkeypatch.undo()
        chat.end_turn()
        await frozen(pilot, chat)
        assert len(chat.history.entries) == 3
        for y, before in shots.items():
            chat.scroll_to(y=y, animate=False)
            await pilot.pause()
            assert _screen(app) == before, f"scrolled to {y}, the frozen chat looks different"
        prompt, tool, text = chat.texts()
        assert prompt == "question 1: show me everything"
        assert tool == "● Read  README.md\n  ⎿ read 10 lines"
        assert text.strip() == RICH_ANSWER.strip()


async def test_frozen_entries_are_rendered_again_at_a_new_width() -> None:
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        for turn in (1, 2):
            await play_turn(chat, turn)
            await frozen(pilot, chat)
        chat.append_text(RICH_ANSWER)
        await chat.end_text()
        await frozen(pilot, chat)
        await pilot.pause()
        wide = chat.history.row_count
        await pilot.resize_terminal(50, 30)
        history = chat.history
        await wait_for(lambda: history.size.width < 60 and all(
            entry.width == history.size.width for entry in history.entries),
            what="every frozen entry rendered again at the narrow width", timeout=30)
        assert {entry.width for entry in history.entries} == {history.size.width}
        assert history.row_count > wide                # the paragraphs wrap onto more rows
        rows = [history.render_line(y).text.rstrip() for y in range(history.row_count)]
        assert max(len(row) for row in rows) <= history.size.width
        assert any("paragraph with code" in row for row in rows)
        await pilot.resize_terminal(100, 30)           # back: the first rendering is kept
        await pilot.pause()
        assert history.row_count == wide


async def test_frozen_text_can_be_selected_and_copied() -> None:
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        await play_turn(chat, 7)
        await frozen(pilot, chat)
        chat.history.text_select_all()
        await pilot.pause()
        selected = app.screen.get_selected_text() or ""
        assert "question 7: what next?" in selected
        assert "Step 7: the rules" in selected and "deny is checked first;" in selected


async def test_find_scrolls_back_to_the_latest_match_then_earlier_ones() -> None:
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        for turn in range(1, 13):
            await play_turn(chat, turn)
            await frozen(pilot, chat)
        await pilot.pause()
        bottom = chat.scroll_y
        assert chat.find("then ask")                         # the newest match first
        first = chat.history.highlight
        assert first is not None and "then ask" in chat.history.render_line(first[0]).text
        assert chat.find("then ask")
        second = chat.history.highlight
        assert second is not None and second[0] < first[0]   # then the one above it
        assert chat.find("Step 3:")
        await pilot.pause()
        third = chat.history.highlight
        assert third is not None and chat.scroll_y < bottom  # scrolled back to it
        assert chat.scroll_y <= third[0] < chat.scroll_y + chat.scrollable_content_region.height
        assert not chat.find("no such words")
        chat.jump_to_latest()
        await pilot.pause()
        assert chat.history.highlight is None and chat.scroll_y == chat.max_scroll_y


async def test_clear_forgets_the_history() -> None:
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        await play_turn(chat, 1)
        await frozen(pilot, chat)
        assert chat.history.row_count
        await chat.clear_log()
        await pilot.pause()
        assert not chat.texts() and not chat.history.row_count and not chat.query(ToolLine)


async def test_a_streaming_answer_is_one_widget_and_becomes_one_entry() -> None:
    """A long answer streams into one childless line-based widget (no widget per paragraph,
    whatever the answer's length), and when it ends it becomes one history entry holding the
    whole text."""
    app = ChatApp()
    paragraph = "Words of a paragraph that keeps going for a while. " * 8 + "\n\n"
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        for _ in range(30):
            chat.append_text(paragraph)
            await pilot.pause(ChatLog.FLUSH_INTERVAL + 0.05)
        live = chat.live
        assert [type(w) for w in live] == [AnswerView] and not live[0].children
        assert live[0].size.height > 30 * 4        # every paragraph is drawn
        await chat.end_text()
        await frozen(pilot, chat)
        assert chat.texts("answer") == [paragraph * 30]
        assert len(chat.history.entries) == 1
        assert isinstance(chat.children[1], ChatHistory)


async def test_page_up_scrolls_the_chat_while_the_prompt_has_focus(tmp_path: Path) -> None:
    from tests.scenarios import DemoRun

    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 30)) as pilot:
            screen = run.app.main_screen
            chat = screen.chat
            for turn in range(1, 6):
                chat.add_notice(answer(turn))
            await pilot.pause()
            chat.scroll_end(animate=False)
            await pilot.pause()
            assert screen.prompt.has_focus and chat.max_scroll_y > 0
            bottom = chat.scroll_y
            await pilot.press("pageup")
            await pilot.pause()
            assert chat.scroll_y < bottom and screen.prompt.has_focus
            await pilot.press("ctrl+end")
            await pilot.pause()
            assert chat.scroll_y == chat.max_scroll_y
    finally:
        run.close()


async def test_a_tool_lines_whole_output_can_be_shown_and_hidden_live_and_frozen() -> None:
    """A tool call shows its outcome; a click (or ctrl+o for the latest) shows the whole result
    under it, as plain text, and hides it again: while the turn runs, and once the line is
    frozen into the history."""
    output = "line one of the result\n[bold]not markup[/bold]\n" + "".join(
        f"row {i}\n" for i in range(3))
    app = ChatApp()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.query_one(ChatLog)
        chat.add_prompt("question: run it")
        line = chat.add_tool("Bash", "python report.py")
        line.set_status("line one of the result", output=output)
        await pilot.pause()
        assert "not markup" not in str(line.render())
        await pilot.click(ToolLine)
        await pilot.pause()
        shown = str(line.render())
        assert "[bold]not markup[/bold]" in shown and "row 2" in shown
        await pilot.click(ToolLine)
        await pilot.pause()
        assert "row 2" not in str(line.render())

        chat.end_turn()
        await frozen(pilot, chat)
        history = chat.history
        tool_index = next(i for i, e in enumerate(history.entries) if e.kind == "tool")
        rows_before = history.row_count

        def text() -> str:
            return "\n".join(history.render_line(y).text for y in range(history.row_count))

        assert "row 2" not in text()
        await pilot.click(ChatHistory, offset=(4, history.entry_row(tool_index)))
        await wait_for(lambda: "row 2" in text(), what="the frozen line's output shown")
        assert "[bold]not markup[/bold]" in text() and history.row_count == rows_before + 5
        assert chat.toggle_latest_output()                        # ctrl+o: hide it again
        await wait_for(lambda: "row 2" not in text(), what="the output hidden again")
        assert history.row_count == rows_before
        assert chat.texts("tool") == ["● Bash  python report.py\n  ⎿ line one of the result"]
