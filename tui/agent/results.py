"""The fixed ``tool_result`` texts, re-exported from their home :mod:`tui.tool_results` (a leaf
that the hooks and the replay server use too) under the agent's name."""

from tui.tool_results import DENIED_PREFIX, INTERRUPTED, NOT_RUN_TURN_STOPPED, denied_text

__all__ = ["DENIED_PREFIX", "INTERRUPTED", "NOT_RUN_TURN_STOPPED", "denied_text"]
