"""``/hooks``: every configured hook, where it comes from, and which do not run and why.

REF §8.5: ``/hooks`` shows the configured hooks (there is no per-hook switch).  Warden also
shows, for each hook, its event, matcher, command, timeout, ``failClosed`` and source file; what
disables hooks (``disableAllHooks``, ``allowManagedHooksOnly``, an untrusted workspace); and the
problems found in the ``hooks`` settings.  Hook commands are data: every text is rendered with
markup off (``STYLE.md`` §10).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.hooks.config import EVENTS, MATCHER_EVENTS, HookHandler, HookSet

Part = tuple[str, str] | str


class HooksScreen(ModalScreen[None]):
    """The ``/hooks`` panel; ``esc`` closes it.

    Args:
        hooks: the session's hooks, or None when none are loaded.
        connected: False before the session has connected (the hooks are not read yet).
    """

    CSS_PATH = "hooks.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Close", id="hooks.close")]

    def __init__(self, hooks: HookSet | None, *, connected: bool = True) -> None:
        super().__init__()
        self.hooks = hooks
        self.connected = connected

    def compose(self) -> ComposeResult:
        with Vertical(id="hooks-dialog"):
            yield Static("Hooks", id="hooks-title", markup=False)
            with VerticalScroll(id="hooks-body"):
                yield Static(self._status(), id="hooks-status", markup=False)
                for event in EVENTS:
                    handlers = self._handlers(event)
                    if handlers:
                        yield Static(self._event(event, handlers), classes="hooks-event",
                                     markup=False)
                problems = self.hooks.problems if self.hooks is not None else ()
                if problems:
                    yield Static(self._problems(), id="hooks-problems", markup=False)
        yield Footer()

    def _handlers(self, event: str) -> list[HookHandler]:
        if self.hooks is None:
            return []
        return [h for h in self.hooks.handlers if h.event == event]

    def _status(self) -> Content:
        """The summary: how many hooks run, and what disables them."""
        if not self.connected:
            return Content.assemble(("Not connected yet: ", "bold"),
                                    "the hooks are read when the session starts.")
        hooks = self.hooks
        if hooks is None or (not hooks.handlers and not hooks.problems and not hooks.held_back):
            return Content.assemble(("No hooks configured.", "bold"), "\n",
                                    ("Hooks are set under \"hooks\" in the settings files.",
                                     "dim"))
        running = sum(1 for h in hooks.handlers if h.disabled is None)
        parts: list[Part] = [(f"{running} of {len(hooks.handlers)} hooks run", "bold")]
        for why in (hooks.disabled_all, hooks.disabled_non_managed):
            if why:
                parts += ["\n", ("  ! ", "$warning"), why]
        for held in hooks.held_back:
            parts += ["\n", ("  ! ", "$warning"), "Held back (untrusted workspace): ", held]
        return Content.assemble(*parts)

    @staticmethod
    def _event(event: str, handlers: list[HookHandler]) -> Content:
        """One event's handlers: matcher, command, timeout, failClosed, source, state."""
        parts: list[Part] = [(event, "bold $accent")]
        for h in handlers:
            parts.append("\n ")
            if event in MATCHER_EVENTS:
                parts += [(" matcher ", "dim"), h.matcher.text.strip() or "*", " "]
            parts += [(" timeout ", "dim"), f"{h.timeout:g} s"]
            if h.fail_closed:
                parts += ["  ", ("failClosed", "bold $warning")]
            if h.if_rule is not None:
                parts += [("  if ", "dim"), h.if_rule]
            command = h.command if h.args is None else " ".join((h.command, *h.args))
            parts += ["\n", ("    command ", "dim"), command]
            parts += ["\n", ("    from ", "dim"), h.source_label]
            if h.disabled is not None:
                parts += ["\n", ("    disabled: ", "bold $error"), h.disabled]
        return Content.assemble(*parts)

    def _problems(self) -> Content:
        assert self.hooks is not None
        parts: list[Part] = [("Problems", "bold $error")]
        for problem in self.hooks.problems:
            mark = "  ✗ " if problem.severity == "error" else "  ! "
            parts += ["\n", (mark, "$error" if problem.severity == "error" else "$warning"),
                      str(problem)]
        return Content.assemble(*parts)
