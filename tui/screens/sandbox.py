"""``/sandbox``: the sandbox's mode, its resolved boundaries, its dependencies, and a toggle.

REF §6.1: the panel shows the mode (auto-allow or regular permissions), the resolved
configuration (writable paths, denied paths, allowed and denied hosts), and what is missing on
Linux.  Toggling writes ``sandbox.enabled`` (and the mode ``sandbox.autoAllowBashIfSandboxed``)
to ``.claude/settings.local.json``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.sandbox.info import SandboxInfo

__all__ = ["SandboxInfo", "SandboxScreen"]


class SandboxScreen(Screen[None]):
    """The ``/sandbox`` panel; ``t`` toggles the sandbox, ``m`` the mode, ``esc`` closes."""

    CSS_PATH = "sandbox.tcss"

    BINDINGS = [
        Binding("t", "toggle_sandbox", "Sandbox on/off", id="sandbox.toggle"),
        Binding("m", "mode", "Auto-allow / regular", id="sandbox.mode"),
        Binding("escape", "app.pop_screen", "Close", id="sandbox.close"),
    ]

    class Toggled(Message):
        """The user asked to change ``enabled`` or ``auto_allow``."""

        def __init__(self, enabled: bool, auto_allow: bool) -> None:
            super().__init__()
            self.enabled = enabled
            self.auto_allow = auto_allow

    def __init__(self, info: SandboxInfo) -> None:
        super().__init__()
        self.info = info
        self.on_toggle: Callable[[SandboxScreen.Toggled], Awaitable[None]] | None = None
        """Set by the opener: an async callable run with each :class:`Toggled` message."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sandbox-body"):
            yield Static(id="sandbox-status", markup=False)
            yield Static(id="sandbox-boundaries", markup=False)
            yield Static(id="sandbox-deps", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.info)

    def show(self, info: SandboxInfo) -> None:
        """Render ``info`` (called again after a toggle)."""
        self.info = info
        state = "on" if info.enabled else "off"
        if info.enabled and not info.available:
            state = "on, but it cannot run here (see dependencies)"
        mode = ("auto-allow: sandboxed commands run without a prompt" if info.auto_allow
                else "regular permissions: sandboxed commands still ask")
        self.query_one("#sandbox-status", Static).update(Content.assemble(
            ("Sandbox  ", "bold"), (state, "bold $success" if info.enabled else "bold $warning"),
            "\n", ("Mode     ", "bold"), mode,
            "\n", ("Saved to ", "dim"), info.settings_file,
        ))
        parts: list[tuple[str, str] | str] = [("Boundaries\n", "bold $accent")]
        for label, values in (
            ("Writable", info.write_paths), ("Read-only inside writable", info.deny_write),
            ("Unreadable", info.deny_read), ("Readable again", info.allow_read),
            ("Allowed hosts", info.allowed_domains), ("Denied hosts", info.denied_domains),
            ("Never sandboxed", info.excluded_commands),
        ):
            parts.append((f"  {label}: ", "dim"))
            parts.append(", ".join(values) if values else "none")
            parts.append("\n")
        for problem in info.problems:
            parts += [("  ! ", "$warning"), problem, "\n"]
        self.query_one("#sandbox-boundaries", Static).update(Content.assemble(*parts))
        deps: list[tuple[str, str] | str] = [("Dependencies\n", "bold $accent")]
        for name, ok, detail in info.checks:
            deps += [("  ✓ " if ok else "  ✗ ", "$success" if ok else "$error"), name]
            if detail:
                deps += [("  " + detail, "dim")]
            deps.append("\n")
        self.query_one("#sandbox-deps", Static).update(Content.assemble(*deps))

    def action_toggle_sandbox(self) -> None:
        self.post_message(self.Toggled(not self.info.enabled, self.info.auto_allow))

    def action_mode(self) -> None:
        self.post_message(self.Toggled(self.info.enabled, not self.info.auto_allow))

    async def on_sandbox_screen_toggled(self, message: Toggled) -> None:
        if self.on_toggle is not None:
            await self.on_toggle(message)
