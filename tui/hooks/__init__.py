"""Settings hooks (REF §8): user-configured commands run at points of the agent loop.

* :mod:`tui.hooks.config` reads the ``hooks`` key of every settings file into a
  :class:`HookSet` (matchers, ``if``, ``failClosed``, ``disableAllHooks``,
  ``allowManagedHooksOnly``), reporting malformed entries as :class:`HookProblem`.
* :mod:`tui.hooks.runner` runs the matching handlers in parallel (:class:`HookRunner`).
* :mod:`tui.hooks.protocol` says what their exit status and JSON output mean
  (:class:`HookOutcome`).
* :mod:`tui.hooks.gate` keeps a hook's ``allow`` from approving more than a plain prompt;
  :mod:`tui.hooks.calls` says how outcomes change a tool call, and the agent's
  :mod:`tui.agent.hook_steps` applies them in the loop.

The names below load on first use, so the agent loop imports this package for nothing.
UI-free: nothing here imports Textual.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.hooks.config import EVENTS, HookHandler, HookProblem, HookSet, Matcher
    from tui.hooks.protocol import HandlerRun, HookOutcome
    from tui.hooks.runner import HookRunner, hook_env

__all__ = [
    "EVENTS", "HandlerRun", "HookHandler", "HookOutcome", "HookProblem", "HookRunner", "HookSet",
    "Matcher", "hook_env",
]

_WHERE = {
    "EVENTS": "config", "HookHandler": "config", "HookProblem": "config", "HookSet": "config",
    "Matcher": "config", "HandlerRun": "protocol", "HookOutcome": "protocol",
    "HookRunner": "runner", "hook_env": "runner",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.hooks' has no attribute {name!r}")
    return getattr(import_module(f"tui.hooks.{module}"), name)
