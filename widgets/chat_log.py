"""The chat pane: user prompts, the model's streaming Markdown, tool-call lines and notices.

The model's text is streamed through :class:`~textual.widgets.Markdown`'s ``MarkdownStream`` with
the pane anchored to the bottom (``STYLE.md`` §7).  Deltas are coalesced and flushed at most
:attr:`ChatLog.FLUSH_INTERVAL` apart, so a fast stream re-parses the Markdown a few times a
second rather than once per token.  Everything here is untrusted text: it is rendered as Markdown
(never as Textual markup), with link opening off.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownStream

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


class ToolLine(Static):
    """One tool call in the chat: ``● Bash  python -m pytest -q`` and, below, its outcome."""

    DEFAULT_CSS = """
    ToolLine { padding: 0 1; color: $text-muted; }
    ToolLine.-error { color: $text-error; }
    """

    def __init__(self, tool: str, summary: str, status: str = "") -> None:
        self._tool = tool
        self._summary = summary
        self._status = status
        self._notes: tuple[str, ...] = ()
        super().__init__(self._content(), markup=False)

    def _content(self) -> Content:
        parts: list[tuple[str, str] | str] = [("● ", "$accent"), (self._tool, "bold"), "  "]
        parts.append(self._summary)
        if self._status:
            parts.append(("\n  ⎿ ", "dim"))
            parts.append(self._status)
        for note in self._notes:
            parts.append(("\n  ⎿ ", "dim"))
            parts.append((f"sandbox: {note}", "$text-warning"))
        return Content.assemble(*parts)

    def set_status(self, status: str, *, error: bool = False,
                   notes: tuple[str, ...] = ()) -> None:
        """Show the outcome under the call (first line of the result, or why it did not run),
        and under it one line per sandbox note (a write or connection the sandbox blocked)."""
        self._status = status
        self._notes = tuple(notes)
        self.set_class(error, "-error")
        self.update(self._content())


class ChatLog(VerticalScroll):
    """A scrolling transcript of the conversation, anchored to the newest line."""

    FLUSH_INTERVAL = 0.2
    """Seconds between Markdown updates while a reply streams."""

    TYPING_DEFER = 0.03
    """Seconds after a keystroke in the prompt before a pending flush may run."""

    MAX_DEFER = 0.3
    """Most seconds typing may delay a flush past the time it was due."""

    clock: Callable[[], float] = staticmethod(monotonic)
    """Seconds for the flush schedule (``time.monotonic``); a test sets a fake clock (a callable
    object) to check the schedule without timing it."""

    SPLIT_AFTER_CHARS = 1200
    """An answer longer than this continues in a new Markdown widget at the next safe break."""

    DEFAULT_CSS = """
    ChatLog { padding: 0 1; }
    ChatLog > .user-prompt {
        margin: 1 0 0 0; padding: 0 1;
        background: $boost; border-left: outer $primary;
    }
    ChatLog > Markdown { margin: 0; padding: 0 1; }
    ChatLog > .notice { padding: 0 1; color: $text-muted; }
    ChatLog > .notice.-error { color: $text-error; }
    ChatLog > .notice.-warning { color: $text-warning; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._markdown: Markdown | None = None
        self._stream: MarkdownStream | None = None
        self._pending: list[str] = []
        self._flush_timer: Timer | None = None
        self._flush_due = 0.0
        self._written = ""

    def on_mount(self) -> None:
        self.anchor()

    def add_prompt(self, text: str) -> None:
        """Show the user's prompt."""
        self.mount(Static(Content(text), classes="user-prompt", markup=False))

    def add_notice(self, text: str, severity: str = "information") -> None:
        """A one-line notice (``information``, ``warning`` or ``error``)."""
        classes = "notice" + (f" -{severity}" if severity != "information" else "")
        self.mount(Static(Content(text), classes=classes, markup=False))

    def add_tool(self, tool: str, summary: str) -> ToolLine:
        """Add a tool-call line and return it, so its outcome can be shown later."""
        line = ToolLine(tool, summary)
        self.mount(line)
        return line

    def append_text(self, delta: str) -> None:
        """Add a piece of the model's answer; starts a new Markdown block when needed."""
        if self._markdown is None:
            self._start_block()
        self._pending.append(delta)
        if self._flush_timer is None:
            self._flush_due = self.clock() + self.FLUSH_INTERVAL
            self._flush_timer = self.set_timer(self.FLUSH_INTERVAL, self._flush)

    def note_typing(self) -> None:
        """The user just pressed a key in the prompt: let its echo paint before the next flush.

        A flush re-lays out the answer (tens of milliseconds on a long one); a key pressed while
        it runs waits for it.  So a flush due now is moved to :attr:`TYPING_DEFER` after the
        key, into the gap before the next one, but never more than :attr:`MAX_DEFER` past the
        time it was due: the answer keeps streaming while the user types.
        """
        if self._flush_timer is None:
            return
        now = self.clock()
        when = min(max(self._flush_due, now + self.TYPING_DEFER),
                   self._flush_due + self.MAX_DEFER)
        self._flush_timer.stop()
        self._flush_timer = self.set_timer(max(when - now, 0.0), self._flush)

    def _start_block(self) -> None:
        """Mount a new Markdown widget for the answer and open its stream."""
        from textual.widgets import Markdown  # markdown-it: loaded with the first answer

        self._written = ""
        self._markdown = Markdown(open_links=False)
        self.mount(self._markdown)
        self._stream = Markdown.get_stream(self._markdown)

    async def _flush(self) -> None:
        self._flush_timer = None
        if self._stream is None or not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        cut = self._safe_break(text)
        if cut is None:
            await self._stream.write(text)
            self._written += text
            return
        # Keep each Markdown widget small: one long answer re-laid out in a single widget
        # costs more on every flush, and key presses wait behind it.
        await self._stream.write(text[:cut])
        await self._stream.stop()
        self._stream = None
        self._markdown = None
        if text[cut:]:
            self._start_block()
            assert self._stream is not None
            await self._stream.write(text[cut:])
            self._written = text[cut:]

    def _safe_break(self, text: str) -> int | None:
        """Where in ``text`` the current Markdown widget may end, or ``None``.

        Only once the widget holds :attr:`SPLIT_AFTER_CHARS`, at a blank line, outside a fenced
        code block and not after a list item, quote, table or indented line, so numbering, code
        and paragraphs render as they would in one widget.
        """
        index = text.rfind("\n\n")
        if index < 0 or len(self._written) + index < self.SPLIT_AFTER_CHARS:
            return None
        head = self._written + text[: index + 2]
        lines = head.splitlines()
        if sum(1 for line in lines if line.lstrip().startswith(("```", "~~~"))) % 2:
            return None
        last = next((line for line in reversed(lines) if line.strip()), "")
        if last.startswith((" ", "\t", ">", "|")) or _LIST_ITEM.match(last):
            return None
        return index + 2

    async def end_text(self) -> None:
        """The current answer block is complete: write what is left and close its stream."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
        await self._flush()
        if self._stream is not None:
            await self._stream.stop()
        self._stream = None
        self._markdown = None

    async def clear_log(self) -> None:
        """Remove everything (``/clear``)."""
        await self.end_text()
        await self.remove_children()
