"""The permission engine: which tool calls run, which ask, which are denied.

This first cut implements the working-directory rule for reads and asks for every side effect;
the full rule model of ``SPEC.md`` §1–§6 replaces :func:`decide` without changing its shape.
"""

from tui.permissions.decision import Behavior, Decision
from tui.permissions.engine import PermissionContext, decide

__all__ = ["Behavior", "Decision", "PermissionContext", "decide"]
