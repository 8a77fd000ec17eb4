"""MCP in the TUI: the approval screen (before a project server's first connection, and for new
or changed tools) and the ``/mcp`` panel.

The questions come from :class:`tui.mcp.manager.McpManager` as
:class:`~tui.mcp.manager.McpApproval` objects carrying a future (``STYLE.md`` §4);
:func:`install` makes the session put them on screen one at a time.  Everything shown comes
from a definitions file or from the server (command lines, URLs, tool descriptions, detector
excerpts), so it is rendered with markup off (``Content`` parts, never markup strings).
Answer keys are ignored for :attr:`McpApprovalScreen.GUARD_SECONDS` after the screen appears
(``STYLE.md`` §5).
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

if TYPE_CHECKING:
    from tui.mcp.manager import McpApproval, McpManager, ToolChange

__all__ = ["McpApprovalScreen", "McpScreen", "approval_body", "install"]

Part = tuple[str, str] | str


def _server_body(approval: McpApproval) -> Content:
    """What a server question shows: the definition as written, names of env and headers."""
    spec = approval.server.spec
    parts: list[Part] = [("Defined in ", "dim"), f"{spec.path}",
                         f":{spec.line}" if spec.line else "", (f"  ({spec.scope} scope)", "dim"),
                         "\n\n"]
    if spec.transport == "http":
        parts += [("Connects to (streamable HTTP)\n", "bold"), f"  {spec.target}\n"]
        if spec.header_keys:
            parts += [("Headers ", "bold"), ("(names only)\n", "dim"),
                      f"  {', '.join(spec.header_keys)}\n"]
    else:
        where = ("inside the sandbox, no network" if approval.server.sandboxed
                 else "on your machine, as you")
        parts += [("Runs this command ", "bold"), (f"({where})\n", "dim"),
                  f"  {spec.target}\n"]
        if spec.env_keys:
            parts += [("Environment ", "bold"), ("(names only)\n", "dim"),
                      f"  {', '.join(spec.env_keys)}\n"]
    if spec.unset:
        parts += [("Needs ", "bold $warning"),
                  ", ".join(f"${{{n}}}" for n in spec.unset), " set first\n"]
    parts += ["\n", (("Its tools are listed once it has started; none is offered to the model "
                     "until you approve it too."), "dim")]
    return Content.assemble(*parts)


def _tool_part(change: ToolChange) -> list[Part]:
    info = change.info
    label = "changed since you approved it" if change.status == "changed" else "new"
    parts: list[Part] = [(info.name, "bold $accent"), (f"  ({label})\n", "dim")]
    if change.status == "changed":
        for line in change.diff()[2:]:
            style = ("$success" if line.startswith("+") else "$error" if line.startswith("-")
                     else "dim" if line.startswith("@@") else "")
            parts.append((f"  {line}\n", style) if style else f"  {line}\n")
    else:
        parts += [f"  {line}\n" for line in (info.description or "(no description)")
                  .splitlines()]
    for finding in info.findings:
        parts += [("  ! injection detector: ", "bold $warning"), f"{finding}\n"]
    return parts


def approval_body(approval: McpApproval) -> Content:
    """The body of an approval screen (plain text parts: never markup)."""
    if approval.kind == "server":
        return _server_body(approval)
    parts: list[Part] = []
    for change in approval.tools:
        parts += [*_tool_part(change), "\n"]
    return Content.assemble(*parts)


class McpApprovalScreen(ModalScreen[str]):
    """One MCP question; dismissed with ``"approve"``, ``"approve_all"``, ``"reject"`` or
    ``"later"``.

    | Key | Answer |
    |---|---|
    | ``y`` | approve (start the server / offer these tools) |
    | ``a`` | approve every pending project server (server questions with others pending) |
    | ``n`` | reject (remembered) |
    | ``escape`` | later (nothing stored; ``/mcp`` asks again) |
    """

    CSS_PATH = "mcp.tcss"
    GUARD_SECONDS = 0.5
    clock: Callable[[], float] = staticmethod(monotonic)
    """Seconds for the accidental-key guard (tests set a fake clock)."""

    BINDINGS = [
        Binding("y", "answer('approve')", "Approve", id="mcp.approve"),
        Binding("a", "answer('approve_all')", "Approve all", id="mcp.approve_all"),
        Binding("n", "answer('reject')", "Reject", id="mcp.reject"),
        Binding("escape", "answer('later')", "Later", id="mcp.later"),
    ]

    def __init__(self, approval: McpApproval) -> None:
        super().__init__()
        self.approval = approval
        self._shown_at = self.clock()

    @property
    def offers_all(self) -> bool:
        """Whether "approve all" is a choice (a server question with others pending)."""
        return self.approval.kind == "server" and bool(self.approval.others)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide "approve all" where it is not a choice."""
        if action == "answer" and parameters == ("approve_all",) and not self.offers_all:
            return False
        return True

    def compose(self) -> ComposeResult:
        approval = self.approval
        name = approval.server.spec.name
        if approval.kind == "server":
            title = Content.assemble("Start the MCP server ", (name, "bold"), "?")
            intro = ("This project's .mcp.json defines it. Warden has never connected to it "
                     "(or its definition changed).")
        else:
            title = Content.assemble("Tools of the MCP server ", (name, "bold"),
                                     " wait for your approval")
            intro = ("Their descriptions go to the model as instructions for using them. "
                     "Approve only text you would give it yourself.")
        with Vertical(id="mcp-dialog"):
            yield Static(title, id="mcp-title")
            yield Static(intro, id="mcp-intro", markup=False)
            with VerticalScroll(id="mcp-body"):
                yield Static(approval_body(approval), id="mcp-lines")
            with Horizontal(id="mcp-buttons"):
                yield Button("Approve (y)", id="approve", variant="primary")
                if self.offers_all:
                    yield Button(f"Approve all {len(approval.others) + 1} (a)",
                                 id="approve_all")
                yield Button("Reject (n)", id="reject", variant="error")
                yield Button("Later (esc)", id="later")
        yield Footer()

    def on_mount(self) -> None:
        self._shown_at = self.clock()
        self.query_one("#later", Button).focus()

    def action_answer(self, answer: str) -> None:
        """Close with ``answer``; approvals wait out the guard (escape never does)."""
        if answer != "later" and self.clock() - self._shown_at < self.GUARD_SECONDS:
            return
        if answer == "approve_all" and not self.offers_all:
            return
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(str(event.button.id))


class McpScreen(ModalScreen[None]):
    """The ``/mcp`` panel: every server, its scope, state, connection and tools with their
    pins (as ``warden mcp list``); ``r`` answers what waits, ``escape`` closes."""

    CSS_PATH = "mcp.tcss"
    BINDINGS = [
        Binding("r", "review", "Review waiting approvals", id="mcp.review"),
        Binding("escape", "app.pop_screen", "Close", id="mcp.close"),
    ]

    def __init__(self, manager: McpManager | None,
                 review: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self.manager = manager
        self.review = review

    def text(self) -> str:
        """The panel's lines (plain text)."""
        from tui.mcp.cli import status_lines

        if self.manager is None:
            return "MCP servers start once the session has connected; try /mcp again soon."
        lines = status_lines(self.manager.views())
        if self.manager.store_error:
            lines.insert(0, f"MCP is off: {self.manager.store_error}")
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="mcp-dialog"):
            yield Static("MCP servers", id="mcp-title", markup=False)
            with VerticalScroll(id="mcp-body"):
                yield Static(self.text(), id="mcp-lines", markup=False)
        yield Footer()

    def refresh_lines(self) -> None:
        """Show the servers as they are now."""
        self.query_one("#mcp-lines", Static).update(Content(self.text()))

    def action_review(self) -> None:
        """Close the panel and ask about every pending server and waiting tool."""
        self.dismiss(None)
        if self.review is not None:
            self.review()


def install(screen: Any) -> None:
    """Make ``screen``'s session put MCP questions on screen, one at a time
    (:class:`McpApprovalScreen`); call before the session starts MCP."""

    def ask(approval: McpApproval) -> None:
        def done(answer: str | None) -> None:
            if not approval.future.done():
                approval.future.set_result(answer or "later")

        screen.app.push_screen(McpApprovalScreen(approval), done)

    screen.session.mcp_ask = ask


async def open_mcp(screen: Any, args: str = "") -> None:
    """``/mcp`` (registered by the main screen): push the panel; its ``r`` reviews waiting
    approvals in a worker."""
    manager = screen.session.mcp

    def review() -> None:
        if manager is not None:
            screen.run_worker(manager.review(), group="mcp-review", exclusive=True)

    await screen.app.push_screen(McpScreen(manager, review))
