"""The status line: permission mode, model, working directory, read-only checks, demo label."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    """One line at the bottom of the main screen.

    Attributes (reactive, set by the screen): ``mode`` (a permission mode name), ``model``,
    ``cwd`` (already shortened for display), ``label`` (e.g. "Demo: recorded model responses",
    shown highlighted so a replay is never mistaken for the real model), ``busy``, ``checks``
    (e.g. "read-only checks: analysis only" when commands judged read-only cannot run in the
    read-only sandbox; empty when they can).
    """

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    mode: reactive[str] = reactive("default")
    model: reactive[str] = reactive("")
    cwd: reactive[str] = reactive("")
    label: reactive[str] = reactive("")
    busy: reactive[bool] = reactive(False)
    checks: reactive[str] = reactive("")

    MODE_STYLES = {
        "default": "$mode-default", "acceptEdits": "$mode-accept-edits", "plan": "$mode-plan",
        "dontAsk": "$mode-default", "bypassPermissions": "$mode-bypass",
    }
    """Background colour variable of the mode badge, per mode."""

    def render(self) -> Content:
        badge = self.MODE_STYLES.get(self.mode, "$mode-default")
        parts: list[tuple[str, str] | str] = [
            (f" {self.mode} ", f"bold $background on {badge}"), "  ",
            ("model ", "dim"), self.model or "…", "  ",
            ("cwd ", "dim"), self.cwd,
        ]
        if self.checks:
            parts += ["  ", (self.checks, "$text-warning")]
        if self.busy:
            parts += ["  ", ("working… (esc to interrupt)", "$text-accent")]
        if self.label:
            parts += ["  ", (f" {self.label} ", "bold $text on $warning-muted")]
        return Content.assemble(*parts)
