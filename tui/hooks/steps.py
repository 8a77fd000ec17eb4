"""The old import path of the agent loop's hook steps, now :mod:`tui.agent.hook_steps` (a mixin
of the agent that reports through its events, so it belongs to the agent, above this package).

Kept only so existing imports keep working; new code imports :mod:`tui.agent.hook_steps`.  The
import below is listed in ``[tool.importlinter]``'s ``ignore_imports``: remove both when nothing
imports this module any more.
"""

from tui.agent.hook_steps import MAX_STOP_CONTINUATIONS, HookSteps

__all__ = ["MAX_STOP_CONTINUATIONS", "HookSteps"]
