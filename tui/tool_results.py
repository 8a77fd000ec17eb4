"""Fixed texts of the ``tool_result`` blocks Warden sends for calls that did not run.

The replay server (``tui.demo``) uses :data:`DENIED_PREFIX` to tell a denial from a tool error
when it chooses a cassette branch, so these strings are part of the recorded-model contract.
A leaf module: the agent loop, the hooks (a hook's denial) and the replay server all use it.
"""

DENIED_PREFIX = "Permission denied"
"""Start of every tool_result for a call the user or a deny rule refused."""

INTERRUPTED = "Interrupted by the user before this tool ran."
"""tool_result for calls left unanswered when the user pressed Esc."""

NOT_RUN_TURN_STOPPED = "Not run: the user denied an earlier call in this turn and stopped the turn."
"""tool_result for later calls of a turn the user stopped by denying without a reason."""


def denied_text(reason: str | None, *, by_rule: str | None = None) -> str:
    """The tool_result text for a denial.

    Args:
        reason: the user's reason, passed to the model verbatim (it is the user's own words).
        by_rule: the deny rule that matched, when a rule rather than the user denied.
    """
    if by_rule:
        text = f"{DENIED_PREFIX} by a permission rule: {by_rule}."
        return text if not reason else f"{text} {reason}"
    if reason:
        return f"{DENIED_PREFIX} by the user. The user's reason: {reason}"
    return f"{DENIED_PREFIX} by the user."
