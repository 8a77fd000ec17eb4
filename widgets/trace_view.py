"""The decision and trace of a permission check, as the ``/permissions`` test box shows it.

Everything shown comes from the engine's :class:`~tui.permissions.decision.Decision` or from
what the user typed, so it is rendered as :class:`~textual.content.Content` with no markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.permissions.probe import ProbeResult

BEHAVIOR_STYLES = {
    "allow": "bold $background on $success",
    "ask": "bold $background on $warning",
    "deny": "bold $background on $error",
}
"""Badge style per decision."""


def trace_content(result: ProbeResult | None) -> Content:
    """The badge, reason, rule, source and trace lines of ``result``."""
    if result is None:
        return Content.styled("Type a call above to see how Warden decides it.", "dim")
    decision = result.decision
    if decision is None:
        return Content.styled(result.error or "", "$text-warning")
    parts: list[tuple[str, str] | str] = [
        (f" {decision.behavior.upper()} ", BEHAVIOR_STYLES.get(decision.behavior, "bold")),
        " ", decision.reason, "\n",
        ("rule   ", "dim"), decision.rule or "(none)", "\n",
        ("source ", "dim"), decision.source, "\n",
    ]
    if decision.trace:
        parts.append(("trace\n", "bold dim"))
    for step in decision.trace:
        style = "$text-warning" if step.startswith("settings:") else "$text-muted"
        if step.startswith("→"):
            style = "bold"
        parts += [("  " + step, style), "\n"]
    return Content.assemble(*parts).rstrip()


class TraceView(Static):
    """Shows a :class:`~tui.permissions.probe.ProbeResult`; call :meth:`show` with each one."""

    DEFAULT_CSS = """
    TraceView { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(trace_content(None), id=id, markup=False)
        self.result: ProbeResult | None = None

    def show(self, result: ProbeResult | None) -> None:
        """Render ``result`` (None: the hint)."""
        self.result = result
        self.update(trace_content(result))
