"""The old import path of ``warden doctor`` and ``warden sandbox run``, now
:mod:`tui.cli_sandbox` (an application command: it needs the session's policy builder and the
Bash tool, which sit above this package).  Kept only so existing imports keep working; new code
imports :mod:`tui.cli_sandbox`.  The import below is listed in ``[tool.importlinter]``'s
``ignore_imports``: remove both when nothing imports this module any more.
"""

from tui.cli_sandbox import (
    EXIT_TIMEOUT,
    EXIT_UNAVAILABLE,
    doctor_main,
    load_policy,
    sandbox_run_main,
)

__all__ = ["EXIT_TIMEOUT", "EXIT_UNAVAILABLE", "doctor_main", "load_policy", "sandbox_run_main"]
