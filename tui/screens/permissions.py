"""``/permissions``: every rule with its scope and file, edits written back, a live test box.

REF §4.5: the dialog lists allow/ask/deny rules with their settings file, adds and removes rules
per scope, shows the working directories, and can be opened during a turn; changes apply from
the next tool call.  Warden adds edit and move between scopes, a test box that shows the decision
and its trace as you type (``SPEC.md`` §3), and "allow this next time" on recent calls.  The
Workspace tab lists, adds and removes additional working directories
(:mod:`tui.screens.permission_dirs`).  The screen only reads the session and writes files
through :mod:`tui.permissions.editor`; the session's watcher reloads the policy, and
:meth:`PermissionsScreen.session_event` refreshes this screen in place.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Select, Static, TabbedContent, TabPane

from tui.agent import events as ev
from tui.permissions import editor
from tui.permissions.editor import EditorError, EditorSnapshot, RuleRow
from tui.permissions.probe import PROBE_TOOLS, hint_for, probe, probe_text
from tui.screens.permission_dialogs import ConfirmDialog, RuleDialog, ScopeDialog
from tui.screens.permission_dirs import WorkspaceTab
from widgets.directory_table import DirectoryTable
from widgets.recent_calls import RecentCallsTable
from widgets.rule_table import RuleTable
from widgets.trace_view import TraceView

if TYPE_CHECKING:
    from tui.agent.session import AgentSession
    from tui.permissions.context import PermissionContext
    from tui.permissions.probe import ProbeResult

BEHAVIORS = ("allow", "ask", "deny")
_REFRESH_EVENTS = (ev.SettingsReloaded, ev.ModeChanged, ev.ToolCallPrepared, ev.ApprovalNeeded,
                   ev.ToolFinished)


def _probe_with_tools(tool: str, text: str, ctx: PermissionContext,
                      problems: list[str]) -> ProbeResult:
    """:func:`~tui.permissions.probe.probe`, with Warden's tools loaded first (in the worker
    thread: they import pydantic) so their declared classes are known (:mod:`tui.toolclasses`)."""
    import tui.tools  # noqa: F401

    return probe(tool, text, ctx, problems=problems)


class PermissionsScreen(WorkspaceTab, Screen[None]):
    """The live ``/permissions`` editor for one session."""

    CSS_PATH = "permissions.tcss"

    BINDINGS = [
        Binding("escape", "close", "Close", id="permissions.close"),
        Binding("a", "add", "Add rule", id="permissions.add"),
        Binding("w", "add_directory", "Add directory", id="permissions.add_directory"),
        Binding("t", "focus_test", "Test a call", id="permissions.test"),
        Binding("r", "focus_recent", "Recent calls", id="permissions.recent"),
    ]

    def __init__(self, session: AgentSession) -> None:
        super().__init__()
        self.session = session
        self.snapshot: EditorSnapshot = session.permissions_snapshot()

    # -- typed accessors --------------------------------------------------------------------

    def table(self, behavior: str) -> RuleTable:
        return self.query_one(f"#rules-{behavior}", RuleTable)

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#perm-tabs", TabbedContent)

    @property
    def test_input(self) -> Input:
        return self.query_one("#test-input", Input)

    @property
    def test_tool(self) -> Select[str]:
        return self.query_one("#test-tool", Select)

    @property
    def trace(self) -> TraceView:
        return self.query_one("#test-trace", TraceView)

    @property
    def recent(self) -> RecentCallsTable:
        return self.query_one("#recent", RecentCallsTable)

    @property
    def current_behavior(self) -> str:
        """The behaviour of the tab shown (``allow``/``ask``/``deny``; ``workspace`` on the
        directories tab)."""
        active = self.tabs.active or "tab-allow"
        return active.removeprefix("tab-")

    # -- composition ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="perm-header", markup=False)
        yield Static(id="perm-errors", markup=False)
        with Horizontal(id="perm-body"):
            with Vertical(id="perm-left"):
                with TabbedContent(id="perm-tabs"):
                    for behavior in BEHAVIORS:
                        with TabPane(behavior.title(), id=f"tab-{behavior}"):
                            yield Static("", id=f"empty-{behavior}", classes="perm-empty",
                                         markup=False)
                            yield RuleTable(id=f"rules-{behavior}")
                    with TabPane("Workspace", id="tab-workspace"):
                        yield Static("", id="dirs-hint", markup=False)
                        yield DirectoryTable(id="dirs")
                yield Static(id="rule-detail", markup=False)
            with Vertical(id="perm-side"):
                yield Label("Test a call", classes="perm-title")
                with Horizontal(id="test-row"):
                    yield Select([(t, t) for t in PROBE_TOOLS], value="Bash", allow_blank=False,
                                 id="test-tool")
                    yield Input(placeholder=hint_for("Bash"), id="test-input")
                with VerticalScroll(id="test-trace-scroll"):
                    yield TraceView(id="test-trace")
                yield Label("Recently asked and denied  (A: allow next time)",
                            classes="perm-title")
                yield RecentCallsTable(id="recent")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.snapshot)
        self.table(self.current_behavior).focus()

    # -- showing ----------------------------------------------------------------------------

    def show(self, snapshot: EditorSnapshot) -> None:
        """Render ``snapshot`` in place (header, problems, tabs, recent calls); the cursor and
        the test box keep their state, and the test box is decided again."""
        self.snapshot = snapshot
        cwd = self.session.config.cwd
        self.query_one("#perm-header", Static).update(self._header(snapshot))
        errors = self.query_one("#perm-errors", Static)
        errors.update(self._problems(snapshot))
        errors.set_class(not (snapshot.problems or snapshot.warnings), "-hidden")
        for behavior in BEHAVIORS:
            rows = snapshot.rules_for(behavior)
            self.table(behavior).show(rows, lambda r: editor.display_path(r.path, cwd))
            self.tabs.get_tab(f"tab-{behavior}").label = f"{behavior.title()} ({len(rows)})"
            empty = self.query_one(f"#empty-{behavior}", Static)
            empty.update(f"No {behavior} rules. Press a to add one." if not rows else "")
            empty.set_class(bool(rows), "-hidden")
        self._show_directories(snapshot)
        self.recent.show(self.session.recent.items())
        self._show_detail()
        self._run_probe()

    def _show_detail(self) -> None:
        """The highlighted rule's (or directory's) full file and what can be done with it."""
        detail = self.query_one("#rule-detail", Static)
        if self.current_behavior not in BEHAVIORS:
            self._show_directory_detail(detail)
            return
        row = self.table(self.current_behavior).current_row
        if row is None:
            detail.update(Content.styled("a: add a rule", "dim"))
            return
        where = f"{row.scope} settings"
        if row.path is not None:
            where += f" ({row.path})"
        elif row.origin:
            where += f" ({row.origin})"
        if row.read_only:
            detail.update(Content.assemble((f"{editor.LOCK} ", ""), (row.text, "bold"), "  ",
                                           (f"{where}: {row.why_read_only}", "dim")))
        else:
            detail.update(Content.assemble((row.text, "bold"), "  ", (where, "dim")))

    @on(RuleTable.RowHighlighted)
    @on(TabbedContent.TabActivated)
    def _highlight_changed(self) -> None:
        self._show_detail()

    def _header(self, snapshot: EditorSnapshot) -> Content:
        parts: list[tuple[str, str] | str] = [
            ("Permissions", "bold $accent"), "   ", ("mode ", "dim"),
            (f" {snapshot.mode} ", "bold $background on $primary"),
            ("   changes apply from the next tool call, even mid-turn", "dim"), "\n",
            ("Additional directories  ", "dim"),
        ]
        if snapshot.directories:
            for i, row in enumerate(snapshot.directories):
                parts += [", " if i else "", str(row.path), (f" ({row.source})", "dim")]
        else:
            parts.append(("none", "dim"))
        if snapshot.managed_only:
            parts += ["\n", (("Managed settings allow only managed rules "
                              "(allowManagedPermissionRulesOnly): other rules do not apply."),
                             "$text-warning")]
        return Content.assemble(*parts)

    @staticmethod
    def _problems(snapshot: EditorSnapshot) -> Content:
        if not (snapshot.problems or snapshot.warnings):
            return Content("")
        parts: list[tuple[str, str] | str] = [
            ("Settings problems", "bold $text-error"),
            (("  a file with an error adds no allow rules until it is fixed; its deny and ask "
              "rules still apply"), "dim"),
        ]
        for problem in snapshot.problems:
            style = "$text-error" if problem.severity == "error" else "$text-warning"
            parts += ["\n", ("✗ " if problem.severity == "error" else "! ", style), str(problem)]
        for warning in snapshot.warnings:
            parts += ["\n", ("! ", "$text-warning"), warning]
        return Content.assemble(*parts)

    def session_event(self, event: object) -> None:
        """An agent event reached the main screen: refresh if it changes what is shown."""
        if isinstance(event, _REFRESH_EVENTS) and self.is_mounted:
            self.show(self.session.permissions_snapshot())

    # -- test box ---------------------------------------------------------------------------

    @on(Input.Changed, "#test-input")
    def _test_changed(self) -> None:
        self._run_probe()

    @on(Select.Changed, "#test-tool")
    def _tool_changed(self, event: Select.Changed) -> None:
        self.test_input.placeholder = hint_for(str(event.value))
        self._run_probe()

    @work(exclusive=True, group="probe")
    async def _run_probe(self) -> None:
        """Decide what the test box holds, off the event loop (a Bash parse can take a while)."""
        text = self.test_input.value
        if not text.strip():
            self.trace.show(None)
            return
        tool = str(self.test_tool.value)
        ctx = replace(self.session.perm_ctx)  # one policy for the whole decision
        count = len(self.snapshot.problems) + len(self.snapshot.warnings)
        problems = [(f"{count} problem{'s' if count != 1 else ''} in the settings, listed above; "
                     "a file with an error adds no allow rules")] if count else []
        result = await asyncio.to_thread(_probe_with_tools, tool, text, ctx, problems)
        self.trace.show(result)

    @on(RecentCallsTable.Picked)
    def _picked(self, message: RecentCallsTable.Picked) -> None:
        call = message.call
        select = self.test_tool
        if call.tool not in PROBE_TOOLS:
            select.set_options([(t, t) for t in (*PROBE_TOOLS, call.tool)])
        select.value = call.tool
        self.test_input.value = probe_text(call.tool, call.input)  # the focus stays: A is next

    # -- rule edits -------------------------------------------------------------------------

    async def _write(self, action: Any, *args: Any) -> bool:
        """Run an editor operation in a thread, then reload; errors become a notice."""
        try:
            path = await asyncio.to_thread(action, *args)
        except EditorError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return False
        await self.session.live.written(path)
        self.show(self.session.permissions_snapshot())
        return True

    def action_add(self) -> None:
        """``a``: add a rule to the tab's behaviour, in a chosen scope (a directory on the
        Workspace tab)."""
        behavior = self.current_behavior
        if behavior not in BEHAVIORS:
            self.action_add_directory()
            return
        if self.snapshot.managed_only:
            self.notify("Managed settings allow only managed rules; a rule added here would not "
                        "apply.", severity="warning")
            return

        async def done(result: Any) -> None:
            if result is not None:
                if await self._write(editor.add, self.snapshot.files, result.scope, behavior,
                                     result.text, self.session.config.cwd):
                    self._note_untrusted(behavior, result.scope)

        self.app.push_screen(RuleDialog(behavior, self.session.config.cwd), done)

    def _note_untrusted(self, behavior: str, scope: str) -> None:
        """An allow rule saved to an untrusted folder's project file does not apply yet
        (workspace trust, REF §7.3): say so rather than let it vanish from the table."""
        if behavior == "allow" and scope == "project" and not self.session.config.trusted_project:
            self.notify("Saved to the project settings, but this folder is not trusted: its allow "
                        "rules wait until you trust it (`warden trust`).", severity="warning",
                        markup=False, timeout=8)

    @on(RuleTable.Requested)
    def _rule_requested(self, message: RuleTable.Requested) -> None:
        row = message.row
        if row.read_only:
            self.notify(f"{editor.LOCK} {row.text}: {row.why_read_only}.", severity="warning",
                        markup=False)
            return
        if message.action == "edit":
            self._edit(row)
        elif message.action == "delete":
            self._delete(row)
        else:
            self._move(row)

    def _edit(self, row: RuleRow) -> None:
        async def done(result: Any) -> None:
            if result is not None and result.text != row.text:
                await self._write(editor.edit, row, result.text, self.session.config.cwd)

        self.app.push_screen(RuleDialog(row.behavior, self.session.config.cwd, text=row.text,
                                        scope=row.scope), done)

    def _delete(self, row: RuleRow) -> None:
        async def done(yes: bool | None) -> None:
            if yes:
                await self._write(editor.delete, row)

        where = editor.display_path(row.path, self.session.config.cwd)
        self.app.push_screen(ConfirmDialog(f"Delete the {row.behavior} rule {row.text} from "
                                           f"{row.scope} settings ({where})?"), done)

    def _move(self, row: RuleRow) -> None:
        async def done(scope: str | None) -> None:
            if scope is not None:
                if await self._write(editor.move, row, self.snapshot.files, scope):
                    self._note_untrusted(row.behavior, scope)

        notes: dict[str, str | None] = {s: editor.move_note(row, s) for s in editor.WRITABLE_SCOPES}
        self.app.push_screen(ScopeDialog(row.text, row.scope, notes), done)

    # -- recent calls -----------------------------------------------------------------------

    @on(RecentCallsTable.AllowNextTime)
    async def _allow_next_time(self, message: RecentCallsTable.AllowNextTime) -> None:
        """Save the suggested rule to the local settings, then say whether it now allows."""
        call = message.call
        session = self.session
        rules, why = await asyncio.to_thread(editor.allow_rules_for, call, session.perm_ctx)
        if why is not None:
            self.notify(why, severity="warning", markup=False, timeout=10)
            return
        session.grant("allow_always", rules)
        await session.live.written(session.local_settings)
        self.show(session.permissions_snapshot())
        result = await asyncio.to_thread(probe, call.tool, probe_text(call.tool, call.input),
                                         replace(session.perm_ctx))
        saved = ", ".join(rules)
        decision = result.decision
        if decision is not None and decision.behavior == "allow":
            self.notify(f"Saved {saved} to local settings: calls like this are allowed from "
                        "now on.", markup=False)
        elif decision is not None:
            self.notify(f"Saved {saved}, but this call would still {decision.behavior}: "
                        f"{decision.reason}", severity="warning", markup=False, timeout=10)

    # -- keys -------------------------------------------------------------------------------

    def action_focus_test(self) -> None:
        self.test_input.focus()

    def action_focus_recent(self) -> None:
        self.recent.focus()

    def action_close(self) -> None:
        """Escape: back to the conversation (a dialog's own escape closes the dialog first)."""
        self.dismiss(None)
