"""The chat pane: user prompts, the model's streaming Markdown, tool-call lines and notices.

The model's text streams into an :class:`~widgets.answer_view.AnswerView`, one Line API widget
that re-renders only the open chunk at the answer's end, with the pane anchored to the bottom
(``STYLE.md`` §7).  Deltas are coalesced and flushed at most :attr:`ChatLog.FLUSH_INTERVAL`
apart.  Everything here is untrusted text: it is rendered as Markdown (never as Textual
markup) with raw HTML shown as text and links never opened (:mod:`widgets.markdown_lines`).

Only the live part of the conversation is made of widgets: what is finished is frozen into one
:class:`~widgets.chat_history.ChatHistory` (rendered once to lines), so the cost of a keystroke,
a streamed token or a turn does not grow with the length of the session (issue 14).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING

from textual import on, work
from textual._spatial_map import SpatialMap
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.layout import DockArrangeResult, WidgetPlacement
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Static

from widgets.answer_view import AnswerView
from widgets.chat_history import ChatHistory, Entry, capture_lines
from widgets.markdown_lines import renderer_for

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.strip import Strip
    from textual.timer import Timer


class ToolLine(Static):
    """One tool call in the chat: ``● Bash  python -m pytest -q`` and, below, its outcome.

    A line that has the call's whole result (:meth:`set_status` ``output``) can be expanded to
    show it under the outcome, and collapsed again: a click, or ``ctrl+o`` for the latest
    (:meth:`ChatLog.toggle_latest_output`).  The output is untrusted text, shown as it is (no
    markup), at most :attr:`OUTPUT_LINES` lines.
    """

    DEFAULT_CSS = """
    ToolLine { padding: 0 1; color: $text-muted; }
    ToolLine.-error { color: $text-error; }
    """

    OUTPUT_LINES = 400
    """Most lines of a result an expanded line shows (a note says how many more there are)."""

    def __init__(self, tool: str, summary: str, status: str = "") -> None:
        self._tool = tool
        self._summary = summary
        self._status = status
        self._notes: tuple[str, ...] = ()
        self._output = ""
        self.expanded = False
        """The whole result is shown under the outcome."""
        self.settled = False
        """True once the outcome is shown: the line will not change again (it may be frozen)."""
        super().__init__(self._content(), markup=False)

    def _content(self, *, brief: bool = False) -> Content:
        """What the line shows; ``brief``: the call and its outcome only (its text)."""
        parts: list[tuple[str, str] | str] = [("● ", "$accent"), (self._tool, "bold"), "  "]
        parts.append(self._summary)
        if self._status:
            parts.append(("\n  ⎿ ", "dim"))
            parts.append(self._status)
            if self.expandable and not self.expanded and not brief:
                parts.append(("  (click or ctrl+o to expand)", "dim"))
        for note in self._notes:
            parts.append(("\n  ⎿ ", "dim"))
            parts.append((f"sandbox: {note}", "$text-warning"))
        if self.expandable and self.expanded and not brief:
            lines = self._output.splitlines()
            for line in lines[:self.OUTPUT_LINES]:
                parts.append(("\n    ", "dim"))
                parts.append(line.expandtabs(4))
            if len(lines) > self.OUTPUT_LINES:
                more = len(lines) - self.OUTPUT_LINES
                parts.append((f"\n    … {more} more lines (the model received all of them)",
                              "dim"))
        return Content.assemble(*parts)

    @property
    def expandable(self) -> bool:
        """The line has a result to show or hide: more than the outcome line says."""
        output = self._output.strip()
        return bool(output) and output != self._status.strip()

    def set_status(self, status: str, *, error: bool = False,
                   notes: tuple[str, ...] = (), final: bool = True, output: str = "") -> None:
        """Show the outcome under the call (first line of the result, or why it did not run),
        and under it one line per sandbox note (a write or connection the sandbox blocked).
        ``output``: the whole result, shown when the line is expanded.  ``final=False`` for a
        passing state ("waiting for your approval")."""
        self._status = status
        self._notes = tuple(notes)
        self._output = output
        self.settled = final
        self.set_class(error, "-error")
        self.update(self._content())

    def toggle(self) -> None:
        """Show the whole output, or hide it again (no-op without one)."""
        if self.expandable:
            self.expanded = not self.expanded
            self.update(self._content())

    def on_click(self) -> None:
        self.toggle()

    def factory(self, *, expanded: bool | None = None) -> Callable[[], ToolLine]:
        """Builds a new, unmounted line showing the same call and outcome, expanded or not
        (as this one when None); holds the line's text, not the line: a frozen line is
        freed."""
        tool, summary, status, notes = self._tool, self._summary, self._status, self._notes
        output, error = self._output, self.has_class("-error")
        shown = self.expanded if expanded is None else expanded

        def build() -> ToolLine:
            line = ToolLine(tool, summary)
            line.set_status(status, error=error, notes=notes, output=output)
            line.expanded = shown and line.expandable
            line.update(line._content())
            return line

        return build

    @property
    def plain(self) -> str:
        """The line as plain text: the call and its outcome."""
        return self._content(brief=True).plain


class Offstage(Vertical):
    """Zero rows high: frozen entries are mounted here to be rendered again at a new width
    (laid out at the chat's width, never seen)."""

    DEFAULT_CSS = """
    Offstage { height: 0; overflow: hidden hidden; }
    """


class _FewPlacements(DockArrangeResult):
    """The chat's arrangement with a coarse spatial map.

    Textual indexes each arrangement in squares of 100x20 cells, so the history widget, a few
    thousand rows high late in a session, went into hundreds of squares on every layout (every
    streamed update): the one cost of a layout that still grew with the session.  The chat has
    a handful of children, so squares of :attr:`ROWS` rows find them as fast.
    """

    ROWS = 4096

    @property
    def spatial_map(self) -> SpatialMap[WidgetPlacement]:
        if self._spatial_map is None:
            self._spatial_map = SpatialMap(grid_width=4096, grid_height=self.ROWS)
            self._spatial_map.insert(
                (placement.region.grow(placement.margin), placement.offset, placement.fixed,
                 placement.overlay, placement)
                for placement in self.placements)
        return self._spatial_map


class ChatLog(VerticalScroll):
    """A scrolling transcript of the conversation, anchored to the newest line.

    Children: :class:`Offstage`, the frozen :class:`ChatHistory` (``#history``), then the live
    widgets of the turn in progress.
    """

    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    """As Textual's, without a second layout: the size is set *by* a layout, and the chat's
    grows with every streamed update (``Widget`` declares it with ``layout=True``, which laid
    the screen out twice per update)."""

    FLUSH_INTERVAL = 0.25
    """Seconds between Markdown updates while a reply streams."""

    TYPING_DEFER = 0.03
    """Seconds after a keystroke in the prompt before a pending flush may run."""

    MAX_DEFER = 0.3
    """Most seconds typing may delay a flush past the time it was due."""

    clock: Callable[[], float] = staticmethod(monotonic)
    """Seconds for the flush schedule (``time.monotonic``); a test sets a fake clock (a callable
    object) to check the schedule without timing it."""

    FREEZE_RETRY = 0.05
    """Seconds before trying again to freeze a widget that was not laid out yet."""

    FREEZE_WAITS = 40
    """Tries after which a widget that has a place is frozen as it is placed, even if its
    height does not match its content yet (a widget that stays unsettled)."""

    RERENDER_BATCH = 8
    """Frozen entries rendered again per refresh after the width changed."""

    # Descendant selectors: the same rules apply to the widgets rendered Offstage.
    DEFAULT_CSS = """
    ChatLog { padding: 0 1; }
    ChatLog .user-prompt {
        margin: 1 0 0 0; padding: 0 1;
        background: $boost; border-left: outer $primary;
    }
    ChatLog .notice { padding: 0 1; color: $text-muted; }
    ChatLog .notice.-error { color: $text-error; }
    ChatLog .notice.-warning { color: $text-warning; }
    """

    class Frozen(Message):
        """Every widget of the chat is frozen into the history (none is live): the finished
        turn now costs nothing per frame (the screen settles the heap then)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._answer: AnswerView | None = None
        self._pending: list[str] = []
        self._flush_timer: Timer | None = None
        self._flush_due = 0.0
        self._freeze_scheduled = False
        self._freeze_waits: dict[Widget, int] = {}
        """Times each widget was found not laid out when it was to be frozen."""
        self._rerendering = False
        self._leaving: set[Widget] = set()
        self._find: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Offstage()
        yield ChatHistory(id="history")

    def on_mount(self) -> None:
        self.anchor()

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        """Textual's arrangement of the chat's children, indexed coarsely
        (:class:`_FewPlacements`)."""
        result = super().arrange(size, optimal)
        if isinstance(result, _FewPlacements):
            return result
        return _FewPlacements(result.placements, result.widgets, result.scroll_spacing)

    @property
    def history(self) -> ChatHistory:
        """The frozen part of the conversation."""
        return self.query_one("#history", ChatHistory)

    @property
    def live(self) -> list[Widget]:
        """The widgets not frozen yet, in order."""
        return [w for w in self.children
                if not isinstance(w, ChatHistory | Offstage) and w not in self._leaving]

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
        if self._answer is None:
            self._answer = AnswerView()
            self.mount(self._answer)
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

    async def _flush(self) -> None:
        self._flush_timer = None
        if self._answer is None or not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._answer.append(text)

    async def end_text(self) -> None:
        """The current answer block is complete: write what is left and close its stream."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
        await self._flush()
        self._answer = None
        self.freeze()

    # -- freezing ----------------------------------------------------------------------------

    def freeze(self) -> None:
        """Freeze, after the next refresh (so they are laid out), the live widgets that are
        finished: the longest run from the top that holds no streaming Markdown and no tool
        line still waiting for its outcome."""
        if not self._freeze_scheduled:
            self._freeze_scheduled = True
            self.call_after_refresh(self._freeze_now)

    def end_turn(self) -> None:
        """The turn is over: whatever it showed is final (a call it never ran keeps its last
        status), so every live widget is frozen."""
        for line in self.query(ToolLine):
            line.settled = True
        self.freeze()

    def _settled(self) -> list[Widget]:
        done: list[Widget] = []
        for widget in self.live:
            if widget is self._answer or (isinstance(widget, ToolLine) and not widget.settled):
                break
            done.append(widget)
        return done

    async def _freeze_now(self) -> None:
        self._freeze_scheduled = False
        done = self._settled()
        entries: list[Entry] = []
        for widget in done:
            waits = self._freeze_waits.get(widget, 0)
            entry = self._entry(widget, force=waits >= self.FREEZE_WAITS)
            if entry is None:  # not laid out as it is now: freeze it a little later
                self._freeze_waits[widget] = waits + 1
                self.set_timer(self.FREEZE_RETRY, self.freeze)
                break
            self._freeze_waits.pop(widget, None)
            entries.append(entry)
        if not entries:
            return
        leaving = done[:len(entries)]
        self._leaving.update(leaving)  # in the history from now on, though removed later
        try:
            with self.app.batch_update():
                self.history.add(entries)
                await self.remove_children(leaving)
        finally:
            self._leaving.difference_update(leaving)
        # Textual caches the list of displayed children until something asks for it again
        # (focus, :first-of-type styles), and nothing does while an answer streams: the cache
        # kept every removed segment's widget tree alive, so a long answer's garbage grew with
        # its length, and each full collection walked it.  Asking refreshes it.
        self.displayed_children  # noqa: B018
        if not self.live:
            self.post_message(self.Frozen())

    def _laid_out(self, widget: Widget) -> bool:
        """True when the compositor has placed ``widget`` and its descendants as they are now
        (its height is what its content needs, and every descendant has a place)."""
        region = widget.region
        if not region.width:
            return False
        gutter = widget.styles.gutter
        needed = widget.get_content_height(self.scrollable_content_region.size, self.app.size,
                                           region.width - gutter.width) + gutter.height
        return needed == region.height and all(
            child.is_mounted and (child.region.width or not child.display)
            for child in widget.walk_children(Widget))

    def _entry(self, widget: Widget, *, force: bool = False) -> Entry | None:
        """``widget`` frozen: its rows, text and a factory to render it again; None when it is
        not laid out yet (unless ``force``: then as it is placed now).  An answer is frozen as
        the rows it shows, at the history's width."""
        if isinstance(widget, AnswerView):
            width = self.history.size.width or widget.size.width
            if not width:
                return None
            margin = widget.styles.margin
            return Entry("answer", widget.source, widget.rows(width), width, margin.top,
                         margin.bottom, render_rows=partial(self._render_answer, widget.source))
        if not (self._laid_out(widget) or (force and widget.region.height)):
            return None
        strips = capture_lines(widget)
        kind, text, factory = _describe(widget)
        if not force and text.strip() and not any(strip.text.strip() for strip in strips):
            return None  # its text is not drawn yet
        margin = widget.styles.margin
        alternate = (widget.factory(expanded=not widget.expanded)
                     if isinstance(widget, ToolLine) and widget.expandable else None)
        return Entry(kind, text, strips, widget.region.width, margin.top, margin.bottom, factory,
                     alternate=alternate)

    def _render_answer(self, source: str, width: int) -> list[Strip]:
        """A frozen answer's rows at ``width`` cells, in the current theme."""
        return renderer_for(self.app).render_answer(source, width)

    @on(ChatHistory.WidthChanged)
    def _width_changed(self, message: ChatHistory.WidthChanged) -> None:
        message.stop()
        if not self._rerendering:
            self._rerendering = True
            self._rerender()

    @work(group="chat-rerender")
    async def _rerender(self) -> None:
        """Render the frozen entries again at the history's width, newest first, a few per
        refresh, until none is left at another width (the width may change meanwhile).
        Entries keep their renderings by width: switching back costs nothing."""
        history = self.history
        try:
            while True:
                width = history.size.width
                stale = [e for e in history.stale(width)
                         if e.factory is not None or e.render_rows is not None]
                history.replace(history.entries)
                if not stale or not width:
                    return
                direct = [entry for entry in stale[:self.RERENDER_BATCH]
                          if entry.render_rows is not None]
                if direct:  # answers: rendered here, no widget
                    for entry in direct:
                        assert entry.render_rows is not None
                        entry.rendered(width, entry.render_rows(width))
                    await asyncio.sleep(0)
                    continue
                batch = stale[:self.RERENDER_BATCH]
                rendered = await self._offstage_rows(
                    [entry.factory for entry in batch if entry.factory is not None])
                if width == history.size.width:
                    for entry, rows in zip(batch, rendered, strict=True):
                        if rows is not None:
                            entry.rendered(width, rows)
        finally:
            self._rerendering = False

    async def _offstage_rows(
        self, factories: list[Callable[[], Widget]]
    ) -> list[list[Strip] | None]:
        """Build a widget with each factory, mount them offstage, and return the rows each shows
        at the history's width (None for one not laid out at that width); they are removed."""
        offstage = self.query_one(Offstage)
        widgets = [factory() for factory in factories]
        await offstage.mount_all(widgets)
        await self._refreshed()
        try:
            width = self.history.size.width
            return [capture_lines(widget) if widget.region.width == width else None
                    for widget in widgets]
        finally:
            await offstage.remove_children()

    async def _refreshed(self) -> None:
        """Return after the next screen refresh (when what was mounted is laid out)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def settle() -> None:
            if not done.done():
                done.set_result(None)

        self.call_after_refresh(settle)
        await done

    # -- tool output -------------------------------------------------------------------------

    @on(ChatHistory.EntryClicked)
    def _entry_clicked(self, message: ChatHistory.EntryClicked) -> None:
        message.stop()
        self._toggle_entry(message.index)

    def toggle_latest_output(self) -> bool:
        """Expand or collapse the whole output of the latest tool call that has one (live or
        frozen); False when there is none."""
        for widget in reversed(self.live):
            if isinstance(widget, ToolLine) and widget.expandable:
                widget.toggle()
                return True
        entries = self.history.entries
        for index in range(len(entries) - 1, -1, -1):
            if entries[index].alternate is not None:
                self._toggle_entry(index)
                return True
        return False

    @work(group="chat-toggle")
    async def _toggle_entry(self, index: int) -> None:
        """Show a frozen tool line's other state (output shown or hidden): its widget is built
        again offstage, drawn at the history's width, and its rows replace the entry's."""
        history = self.history
        entry = history.entries[index]
        if entry.alternate is None or not history.size.width:
            return
        (strips,) = await self._offstage_rows([entry.alternate])
        if not strips:
            return
        entry.factory, entry.alternate = entry.alternate, entry.factory
        entry.renders.clear()
        entry.strips, entry.width = strips, history.size.width
        history.replace(history.entries)

    # -- reading and moving ------------------------------------------------------------------

    def texts(self, kind: str | None = None) -> list[str]:
        """Plain text of every message, frozen or live (``prompt``, ``answer``, ``tool``,
        ``notice``; all when ``kind`` is None), oldest first."""
        live = [_describe(widget) for widget in self.live]
        return self.history.texts(kind) + [text for k, text, _ in live
                                           if kind is None or k == kind]

    def jump_to_latest(self) -> None:
        """Scroll to the newest line and follow the stream again."""
        self.history.highlight = None
        self.history.refresh()
        self._find = None
        self.scroll_end(animate=False)
        self.anchor()

    def find(self, phrase: str) -> bool:
        """Scroll to the previous row (above the last match for the same phrase) that shows
        ``phrase`` in the frozen conversation and mark it; False when there is none."""
        history = self.history
        before = self._find[1] if self._find and self._find[0] == phrase.lower() else None
        found = history.find(phrase, before)
        if found is None and before is not None:
            found = history.find(phrase)  # wrap around to the newest
        if found is None:
            return False
        row, column = found
        self._find = (phrase.lower(), row)
        history.highlight = (row, column, column + len(phrase))
        history.refresh()
        self.release_anchor()
        top = history.virtual_region.y + row - self.scrollable_content_region.height // 3
        self.scroll_to(y=max(0, top), animate=False)
        return True

    async def clear_log(self) -> None:
        """Remove everything (``/clear``)."""
        await self.end_text()
        self._freeze_scheduled = False
        self._freeze_waits.clear()
        await self.remove_children(self.live)
        self.history.clear()
        self._find = None


def _describe(widget: Widget) -> tuple[str, str, Callable[[], Widget] | None]:
    """``(kind, plain text, factory)`` of a chat widget (:class:`~widgets.chat_history.Entry`)."""
    if isinstance(widget, ToolLine):
        return "tool", widget.plain, widget.factory()
    if isinstance(widget, AnswerView):
        return "answer", widget.source, None
    if isinstance(widget, Static):
        content = widget.visual
        text = content.plain if isinstance(content, Content) else str(content)
        classes = " ".join(widget.classes)
        kind = "prompt" if widget.has_class("user-prompt") else "notice"
        return kind, text, lambda: Static(Content(text), classes=classes, markup=False)
    return "other", "", None
