"""The main screen: chat on the left, the approval queue and the diff viewer on the right.

The screen owns the :class:`~tui.agent.session.AgentSession` and routes its events to widgets
(attributes down, messages up): it never renders anything itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tui import heap
from tui.agent import events as ev
from tui.agent.session import AgentSession, NoApiKey
from tui.config import AppConfig
from tui.messages import AgentUpdate
from tui.screens.approval_signals import explain_for_card, make_attention
from tui.slash import SLASH_COMMANDS
from tui.turn_changes import TurnChanges
from widgets.approval_queue import ApprovalCard, ApprovalQueue, CommandCard, EditCard
from widgets.chat_log import ChatLog, ToolLine
from widgets.prompt_input import PromptInput
from widgets.review_pane import PendingEdit, ReviewPane
from widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui.approvals import ApprovalRequest
    from tui.screens.permissions import PermissionsScreen
    from widgets.diff_view import DiffView

HELP_KEYS = {
    "enter": "send the prompt",
    "esc": "interrupt the running turn",
    "y / n / N": "on an approval card: allow once / deny (stops the turn) / deny with a reason",
    "tab": "move between the input and the approval cards",
    "pgup / pgdn": "scroll the conversation (also while typing)",
    "ctrl+end": "jump to the latest message and follow the answer again",
    "ctrl+q": "quit",
}


EventHandler = Callable[[Any, Any], Awaitable[None] | None]
"""``handler(screen, event)``: may be a plain method or a coroutine function."""

EVENT_HANDLERS: dict[type[ev.AgentEvent], EventHandler] = {}
"""Agent event type → the main screen's method that shows it (filled in by :func:`handles`).
A new event is one dataclass in :mod:`tui.agent.events` plus one decorated method here."""


def handles(*kinds: type[ev.AgentEvent]) -> Callable[[EventHandler], EventHandler]:
    """Decorator: register a main-screen method as the handler of agent events ``kinds``.

    Raises:
        ValueError: an event type already has a handler.
    """
    def register(handler: EventHandler) -> EventHandler:
        for kind in kinds:
            if kind in EVENT_HANDLERS:
                raise ValueError(f"{kind.__name__} already has a handler")
            EVENT_HANDLERS[kind] = handler
        return handler

    return register


TURN_END_NOTICES: dict[str, tuple[str, str]] = {
    "interrupted": ("Interrupted.", "warning"),
    "denied": ("Turn stopped: you denied a call. Say what to do instead.", "information"),
    "max_tokens": ("The reply hit the max_tokens limit.", "warning"),
}
"""What the chat says when a turn ends for these stop reasons (others end silently)."""


def short_path(path: Path) -> str:
    """``path`` with the home directory shown as ``~``."""
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home)) if path != home else "~"
    except ValueError:
        return str(path)


class MainScreen(Screen[None]):
    """Chat, approvals and diffs for one session."""

    CSS_PATH = "main.tcss"

    CONNECT_DELAY = 0.25
    """Seconds after mount before the SDK is imported and the client built."""

    HEAP_SETTLE_DELAY = 0.3
    """Seconds after a finished turn is frozen into lines before the heap is collected and
    frozen (:mod:`tui.heap`): the removed widgets are let go of by the next refresh."""

    BINDINGS = [
        Binding("escape", "interrupt", "Interrupt", id="main.interrupt"),
        Binding("shift+tab", "cycle_mode", "Mode", id="main.cycle_mode", priority=True),
        Binding("ctrl+l", "clear", "Clear", id="main.clear", show=False),
        # Not priority: a focused network card's own "s" (this session) wins; hidden because
        # the diff view shows its own "s" in the footer when it has focus.
        Binding("s", "toggle_split", "Split/unified diff", id="main.toggle_split", show=False),
        Binding("ctrl+a", "accept_edits", "Accept all edits", id="main.accept_edits"),
        Binding("pageup", "scroll_chat(-1)", "Scroll up", id="main.chat_page_up", show=False),
        Binding("pagedown", "scroll_chat(1)", "Scroll down", id="main.chat_page_down",
                show=False),
        Binding("ctrl+end", "jump_to_latest", "Latest", id="main.jump_to_latest", show=False),
        Binding("ctrl+o", "toggle_output", "Tool output", id="main.toggle_output", show=False),
    ]

    def __init__(self, config: AppConfig) -> None:
        super().__init__()
        self.config = config
        self.session = AgentSession(config, self._post_event)
        self._tool_lines: dict[str, ToolLine] = {}
        self._turn: Worker[str] | None = None
        self._first_prompt = ""
        self._permissions: PermissionsScreen | None = None
        """The ``/permissions`` editor while it is open (refreshed from agent events)."""
        self.turn_changes = TurnChanges()
        """Edits written without a prompt this turn (acceptEdits, allow rules): revertible."""
        self._unprompted_edits: set[str] = set()
        self._settle_heap = False
        """A turn ended: settle the heap once the chat has frozen it."""

    # -- typed accessors --------------------------------------------------------------------

    @property
    def chat(self) -> ChatLog:
        return self.query_one("#chat", ChatLog)

    @property
    def queue(self) -> ApprovalQueue:
        return self.query_one("#queue", ApprovalQueue)

    @property
    def review_pane(self) -> ReviewPane:
        """The side pane's diff of pending edits and review of the turn's changes (mounted
        after the first frame)."""
        return self.query_one("#review-pane", ReviewPane)

    @property
    def diff(self) -> DiffView:
        """The diff of the pending edits (in :attr:`review_pane`)."""
        return self.review_pane.diff

    @property
    def prompt(self) -> PromptInput:
        return self.query_one("#prompt", PromptInput)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def turn_running(self) -> bool:
        """True while a turn is in flight."""
        return self._turn is not None and self._turn.state in (
            WorkerState.PENDING, WorkerState.RUNNING,
        )

    # -- composition ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ChatLog(id="chat")
            with Vertical(id="side", classes="-idle"):
                yield ApprovalQueue(id="queue")
                # The review pane (diff viewer, changes review) is mounted by
                # _mount_diff_panes after the first frame: nothing needs it before the model
                # is connected.
        yield PromptInput(value=self.config.initial_prompt, commands=SLASH_COMMANDS.names(),
                          id="prompt")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        status = self.status
        status.cwd = short_path(self.config.cwd)
        status.model = self.config.model or ""
        status.label = self.config.label
        if self.config.is_demo:
            self.chat.add_notice(
                "Demo: recorded model responses. The answers replay a recording, not a live "
                f"model; the edits and commands you approve really run, in a copy at "
                f"{self.config.cwd}.",
                "warning",
            )
        for notice in self.config.notices:
            self.chat.add_notice(notice, "warning")
        self.prompt.focus()
        self.attention = make_attention(self.app)
        """Bell and window title for approvals that arrive while the terminal is unfocused."""
        self.watch(self.app, "app_focus", self.attention.focus_changed, init=False)
        # Importing the SDK takes over a second and competes for the GIL: start it once the
        # first full frame is on screen, not while Textual is still drawing it.
        self.set_timer(self.CONNECT_DELAY, self._connect)

    async def _mount_diff_panes(self) -> None:
        """Mount the (hidden) review pane, with the diff viewer and the "changes this turn"
        review, into the side pane."""
        if self.query("#review-pane"):
            return
        await self.query_one("#side").mount(ReviewPane(self.turn_changes, id="review-pane"))

    @work(exclusive=True, group="connect")
    async def _connect(self) -> None:
        await self._mount_diff_panes()
        if self.config.ask_trust:
            await self._ask_trust()
        try:
            model = await self.session.connect()
        except NoApiKey as exc:
            from tui.screens.no_key import NoKeyScreen

            await self.app.push_screen(NoKeyScreen(exc.detail))
            return
        from tui.screens.mcp import install

        install(self)  # MCP approvals on screen (the session starts MCP in mark_ready)
        self.session.mark_ready(model)
        # The SDK, the tools and the screens are loaded: keep them out of later collections,
        # so a long first answer's collections do not walk the start-up heap (tui.heap).
        self.set_timer(self.HEAP_SETTLE_DELAY, heap.settle)

    async def _ask_trust(self) -> None:
        """Show the workspace trust screen (REF §7.3) and apply the answer before the policy
        is built: the folder's own files grant only after "trust".  The answer is stored in
        Warden's data folder (not for "this session only"); a store that cannot be written
        is an error notice, and the answer still holds for this session."""
        import asyncio

        from tui.screens.trust import TrustScreen
        from tui.trust import TrustError, default_store
        from tui.trust_report import trust_report

        report = await asyncio.to_thread(trust_report, self.config.cwd)
        answer = await self.app.push_screen_wait(TrustScreen(report))
        self.config.ask_trust = False
        self.config.trusted_project = answer in ("trust", "session")
        root = report.key.root
        if answer != "session" and report.key.persist:
            store = default_store()
            try:
                await asyncio.to_thread(store.set, root, answer == "trust", "trust screen")
            except TrustError as exc:
                self.chat.add_notice(f"The trust decision applies to this session only: {exc}",
                                     "error")
        if answer == "no":
            self.chat.add_notice(
                f"{root} is not trusted: its own settings add only deny and ask rules. "
                f"`warden trust {root}` changes that.", "warning")
        else:
            self.chat.add_notice(f"{root} is trusted"
                                 f"{' for this session' if answer == 'session' else ''}.")

    async def on_unmount(self) -> None:
        self.attention.close()
        await self.session.aclose()

    # -- events from the agent --------------------------------------------------------------

    def _post_event(self, event: ev.AgentEvent) -> None:
        self.post_message(AgentUpdate(event))

    @on(AgentUpdate)
    async def _agent_update(self, message: AgentUpdate) -> None:
        """Route an agent event to its handler in :data:`EVENT_HANDLERS` (one per event type;
        an event type without one is ignored)."""
        event = message.event
        if self._permissions is not None:
            self._permissions.session_event(event)
        handler = EVENT_HANDLERS.get(type(event))
        if handler is not None:
            result = handler(self, event)
            if result is not None:
                await result

    @handles(ev.TextDelta)
    def _text_delta(self, event: ev.TextDelta) -> None:
        self.chat.append_text(event.text)

    @handles(ev.TextDone)
    async def _text_done(self, event: ev.TextDone) -> None:
        await self.chat.end_text()

    @handles(ev.ToolCallPrepared)
    def _tool_prepared(self, event: ev.ToolCallPrepared) -> None:
        call, decision = event.call, event.decision
        line = self.chat.add_tool(call.name, call.summary)
        self._tool_lines[call.tool_use_id] = line
        if decision.behavior == "allow" and call.change is not None:
            self._unprompted_edits.add(call.tool_use_id)
        if decision.behavior == "ask":
            line.set_status("waiting for your approval", final=False)

    @handles(ev.ToolCallInvalid)
    def _tool_invalid(self, event: ev.ToolCallInvalid) -> None:
        self.chat.add_tool(event.name, "").set_status(event.error, error=True)

    @handles(ev.ApprovalNeeded)
    def _approval_needed(self, event: ev.ApprovalNeeded) -> None:
        typing = self.prompt.typed_within(ApprovalCard.GUARD_SECONDS)
        self.queue.add_request(event.request, focus=not self.prompt.value.strip() and not typing)
        self.attention.request_added(len(self.queue.requests))

    @handles(ev.ToolFinished)
    def _tool_finished(self, event: ev.ToolFinished) -> None:
        call, result, ran = event.call, event.result, event.ran
        line = self._tool_lines.pop(call.tool_use_id, None)
        if line is not None:
            from tui.tools.base import outcome_line  # loaded with the agent's tools by now

            agent = self.session.agent
            tool = agent.tools.get(call.name) if agent is not None else None
            line.set_status(outcome_line(tool, result, ran),
                            error=result.is_error,
                            notes=call.sandbox_notes,
                            output=result.content if ran else "")
        if (call.tool_use_id in self._unprompted_edits and ran and not result.is_error
                and call.change is not None):
            self.turn_changes.record(call.change)
            self._show_review()
        if ran and call.bash_changes:
            for change in call.bash_changes:
                self.turn_changes.record(change)
            self._show_review()
        self._unprompted_edits.discard(call.tool_use_id)

    @handles(ev.TurnStarted)
    def _turn_started(self, event: ev.TurnStarted) -> None:
        self.status.busy = True
        if len(self.turn_changes):
            self.turn_changes.clear()
            self._show_review()

    @handles(ev.TurnFinished)
    async def _turn_finished(self, event: ev.TurnFinished) -> None:
        await self.chat.end_text()
        self.status.busy = False
        said = TURN_END_NOTICES.get(event.stop_reason)
        if said is not None:
            self.chat.add_notice(*said)
        self.chat.end_turn()
        self.prompt.focus()
        self._settle_heap = True

    @on(ChatLog.Frozen)
    def _chat_frozen(self, message: ChatLog.Frozen) -> None:
        """The finished turn is frozen into lines: collect, then keep the survivors out of later
        collections, so a full collection's pause does not grow with the session."""
        if self._settle_heap:
            self._settle_heap = False
            self.set_timer(self.HEAP_SETTLE_DELAY, heap.settle)

    @handles(ev.AgentError)
    def _agent_error(self, event: ev.AgentError) -> None:
        self.chat.add_notice(event.message, "error")

    @handles(ev.ModelResolved)
    def _model_resolved(self, event: ev.ModelResolved) -> None:
        self.status.model = event.model

    @handles(ev.ModeChanged)
    def _mode_changed(self, event: ev.ModeChanged) -> None:
        self.status.mode = event.mode

    @handles(ev.ReadOnlyChecks)
    def _read_only_checks(self, event: ev.ReadOnlyChecks) -> None:
        self.status.checks = "" if event.contained else "read-only checks: analysis only"

    @handles(ev.Notice)
    def _notice(self, event: ev.Notice) -> None:
        self.chat.add_notice(event.text, event.severity)

    @handles(ev.InjectionFlagged)
    def _injection_flagged(self, event: ev.InjectionFlagged) -> None:
        from tui.untrusted import chat_warning

        self.chat.add_notice(chat_warning(event.flagged), "warning")

    @on(ApprovalQueue.Changed)
    def _queue_changed(self, message: ApprovalQueue.Changed) -> None:
        self._show_pending(message.requests)
        self.attention.queue_changed(len(message.requests))
        if not message.requests and not self.prompt.has_focus:
            self.prompt.focus()

    # -- the review pane: pending edits, their hunks, the turn's changes -----------------------

    def _show_pending(self, requests: list[ApprovalRequest]) -> None:
        """Pending edits: each card's review (its version, the hunks rejected) goes to the
        review pane's diff."""
        self.review_pane.show_pending([PendingEdit(c.request, c.review)
                                       for c in self.queue.edit_cards if c.request in requests])
        self._layout_side()

    def _show_review(self) -> None:
        """Redraw the "changes this turn" review from :attr:`turn_changes`."""
        self.review_pane.show_changes(self.session.perm_ctx.mode)
        self._layout_side()

    def _layout_side(self) -> None:
        """Show the side pane while something waits or the turn changed files."""
        self.query_one("#side").set_class(not self.queue.requests and self.review_pane.is_empty,
                                          "-idle")

    @on(ReviewPane.HunkToggled)
    def _hunk_toggled(self, message: ReviewPane.HunkToggled) -> None:
        """Space on a pending edit's hunk: the card that owns the review flips it (and says so
        with ``EditCard.HunksChanged``)."""
        card = next((c for c in self.queue.edit_cards if c.request is message.request), None)
        if card is not None:
            card.toggle_hunk(message.hunk_index)

    @on(EditCard.HunksChanged)
    def _hunks_changed(self, message: EditCard.HunksChanged) -> None:
        """A card's review changed: the pane dims the rejected hunks again."""
        self.review_pane.show_rejected()

    @on(ReviewPane.Reverted)
    def _reverted(self, message: ReviewPane.Reverted) -> None:
        """A hunk of the turn's changes was reverted or applied again: say so, and tell the
        model to read the file again."""
        done = "reverted" if message.reverted else "applied again"
        hunk = message.hunk_index + 1
        self.chat.add_notice(f"Hunk {hunk} of {message.name} {done}.")
        self.session.note_for_model(
            f"The user {done} hunk {hunk} of your change to {message.name} "
            "after your turn; read the file again before editing it.")

    @on(ReviewPane.RevertFailed)
    def _revert_failed(self, message: ReviewPane.RevertFailed) -> None:
        self.chat.add_notice(f"Not reverted: {message.error}", "error")

    @on(EditCard.EditRequested)
    async def _edit_requested(self, message: EditCard.EditRequested) -> None:
        """``o`` on an edit card: the proposal in ``$EDITOR``; the user's version replaces it
        (:func:`~tui.screens.edit_in_editor.edit_card_in_editor`)."""
        from tui.external_editor import EditorError
        from tui.screens.edit_in_editor import edit_card_in_editor

        try:
            edited = await edit_card_in_editor(self.app, message.card)
        except EditorError as exc:
            self.chat.add_notice(f"Editor: {exc}", "error")
            return
        if edited:
            self._show_pending(self.queue.requests)

    def action_accept_edits(self) -> None:
        """``ctrl+a``: accept every pending edit (commands stay individual)."""
        count = self.queue.accept_all_edits()
        if count:
            self.notify(f"Accepted {count} edit{'s' if count != 1 else ''}.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``ctrl+a`` is offered only while edits wait."""
        if action == "accept_edits":
            return bool(self.is_mounted and self.query("#queue") and self.queue.edit_cards)
        return True

    def on_diff_view_pager_requested(self, message: DiffView.PagerRequested) -> None:
        """A diff too large to lay out hunk by hunk: read it whole in the pager screen.
        (Found by name, so the diff view's module still loads after the first frame.)"""
        from tui.screens.pager import PagerScreen

        self.app.push_screen(PagerScreen(message.change))

    @on(PromptInput.Typed)
    def _prompt_typed(self, message: PromptInput.Typed) -> None:
        """Typing in the prompt holds back the cards' answer keys for a moment, and lets the
        key's echo paint before the chat's next streaming update."""
        self.queue.note_typing(message.at)
        self.chat.note_typing()

    @on(CommandCard.ExplainRequested)
    def _explain_requested(self, message: CommandCard.ExplainRequested) -> None:
        """``e`` on a Bash card: the model's risk note, asked in a worker."""
        self.run_worker(explain_for_card(message.card, self.session), group="explain")

    # -- input ------------------------------------------------------------------------------

    @on(PromptInput.Submitted, "#prompt")
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if text.startswith("/"):
            self.prompt.value = ""
            await self._slash_command(text)
            return
        if self.turn_running:
            self.notify("A turn is running: wait for it or press esc to interrupt it.")
            return
        self.prompt.value = ""
        self._first_prompt = self._first_prompt or text
        self.chat.add_prompt(text)
        if not self.session.ready:
            self.chat.add_notice("Connecting to the model…")
        self._turn = self.run_worker(self.session.run_turn(text), group="turn", exclusive=True)

    async def _slash_command(self, text: str) -> None:
        """Run a slash command from the registry (:data:`tui.slash.SLASH_COMMANDS`)."""
        name, _, args = text.strip().partition(" ")
        command = SLASH_COMMANDS.find(name)
        if command is None:
            self.chat.add_notice(f"Unknown command {name.lower()}. Type /help for the list.",
                                 "warning")
            return
        await command.handler(self, args.strip())

    @SLASH_COMMANDS.command("/help", "Show commands and keys")
    async def _help(self, args: str = "") -> None:
        lines = ["Commands:", *SLASH_COMMANDS.help_lines()]
        lines += ["Keys:"] + [f"  {k:<10} {v}" for k, v in HELP_KEYS.items()]
        self.chat.add_notice("\n".join(lines))

    @SLASH_COMMANDS.command("/clear", "Clear the conversation and the screen")
    async def _clear(self, args: str = "") -> None:
        await self.action_clear()

    @SLASH_COMMANDS.command("/find", "Find text in the conversation (again: the previous match)")
    async def _find(self, args: str = "") -> None:
        """Scroll the conversation to the last row that shows ``args`` and mark it; the same
        search again goes to the match above.  ctrl+end returns to the latest message."""
        phrase = args.strip()
        if not phrase:
            self.notify("Usage: /find TEXT", severity="warning")
            return
        if not self.chat.find(phrase):
            self.notify(f"Not found in the conversation: {phrase}", severity="warning",
                        markup=False)

    @SLASH_COMMANDS.command("/permissions", "View and edit permission rules, test a call, "
                            "allow recent ones", aliases=("/allowed-tools",))
    async def _open_permissions(self, args: str = "") -> None:
        """Push the ``/permissions`` editor; it works while a turn runs."""
        from tui.screens.permissions import PermissionsScreen

        if not self.session.ready:
            self.chat.add_notice("The session is still starting; try /permissions again in a "
                                 "moment.")
            return
        screen = PermissionsScreen(self.session)
        self._permissions = screen

        def closed(_: None) -> None:
            self._permissions = None

        await self.app.push_screen(screen, closed)

    @handles(ev.SettingsReloaded)
    def _settings_reloaded(self, event: ev.SettingsReloaded) -> None:
        """New settings problems go to the chat; an edit made outside Warden gets a toast."""
        for problem in event.new_problems:
            self.chat.add_notice(f"Settings reloaded with a problem: {problem}", "error")
        if event.external and not event.new_problems:
            names = ", ".join(short_path(Path(p)) for p in event.paths) or "settings"
            self.notify(f"Permissions reloaded from {names}; they apply from the next tool "
                        "call.", markup=False)

    @SLASH_COMMANDS.command("/hooks", "Show the configured hooks, their source files and "
                            "which are disabled")
    async def _open_hooks(self, args: str = "") -> None:
        """Push the ``/hooks`` panel: the session's configured hooks (REF §8.5)."""
        from tui.screens.hooks import HooksScreen

        agent = self.session.agent
        runner = agent.hooks if agent is not None else None
        await self.app.push_screen(HooksScreen(runner.hooks if runner is not None else None,
                                               connected=self.session.ready))

    @SLASH_COMMANDS.command("/sandbox", "Show the sandbox's boundaries and turn it on or off")
    async def _open_sandbox(self, args: str = "") -> None:
        """Push the ``/sandbox`` panel (its data is built off the event loop)."""
        import asyncio

        from tui.screens.sandbox import SandboxScreen

        if not self.session.ready:
            self.chat.add_notice("The session is still starting; try /sandbox again in a moment.")
            return
        info = await asyncio.to_thread(self.session.sandbox_info)
        screen = SandboxScreen(info)

        async def toggled(message: SandboxScreen.Toggled) -> None:
            await asyncio.to_thread(self.session.set_sandbox, message.enabled, message.auto_allow)
            screen.show(await asyncio.to_thread(self.session.sandbox_info))

        screen.on_toggle = toggled
        await self.app.push_screen(screen)

    @SLASH_COMMANDS.command("/mcp", "Show MCP servers, their state, tools and pins; review "
                            "waiting approvals")
    async def _open_mcp(self, args: str = "") -> None:
        """Push the ``/mcp`` panel (:mod:`tui.screens.mcp`)."""
        from tui.screens.mcp import open_mcp

        await open_mcp(self, args)

    @SLASH_COMMANDS.command("/quit", "Quit Warden")
    async def _quit(self, args: str = "") -> None:
        self.app.exit()

    def action_cycle_mode(self) -> None:
        """Shift+Tab: default → acceptEdits → plan (→ bypassPermissions if started in it)."""
        from tui.modes import next_mode

        session = self.session
        mode = next_mode(session.perm_ctx.mode, bypass_in_cycle=session.bypass_in_cycle)
        session.set_mode(mode)

    def action_toggle_split(self) -> None:
        """``s`` outside the diff view: switch the diff between side by side and unified."""
        self.diff.action_toggle_split()

    def action_interrupt(self) -> None:
        """Cancel the running turn; pending approvals are withdrawn."""
        if self.turn_running and self._turn is not None:
            self._turn.cancel()

    def action_scroll_chat(self, pages: int) -> None:
        """PageUp / PageDown: scroll the conversation, wherever the focus is."""
        if pages < 0:
            self.chat.scroll_page_up(animate=False)
        else:
            self.chat.scroll_page_down(animate=False)

    def action_toggle_output(self) -> None:
        """Show or hide the whole output of the latest tool call (a click on any call does the
        same for that one)."""
        if not self.chat.toggle_latest_output():
            self.notify("No tool output to show yet.", severity="information")

    def action_jump_to_latest(self) -> None:
        """ctrl+end: back to the newest message, following the stream again."""
        self.chat.jump_to_latest()

    async def action_clear(self) -> None:
        """Forget the conversation and clear the chat."""
        self.action_interrupt()
        self.session.clear()
        await self.chat.clear_log()
        heap.release()

    def save_recording(self) -> Path | None:
        """Write the ``--record`` cassette, if recording."""
        return self.session.save_recording(self._first_prompt)
