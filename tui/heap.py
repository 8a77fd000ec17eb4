"""Keep garbage collection pauses short in a long session (issue 14).

A full collection walks every tracked object, so its pause grows with the heap: late in a long
session it took well over a second, and a key pressed meanwhile waited for it.  At the end of a
turn :func:`settle` collects once and then *freezes* what survived (``gc.freeze``): those
objects, the bulk of a long session's heap, are not walked by later collections.  Collecting
first matters: freezing garbage would keep it forever.  :func:`release` undoes the freeze when
the conversation is cleared, so what the session drops can be collected.
"""

from __future__ import annotations

import gc


def settle() -> float:
    """Collect every generation, then move the survivors to the permanent generation.

    Returns:
        Objects now frozen (``gc.get_freeze_count()``).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def release() -> None:
    """Return the frozen objects to the collector (after ``/clear``) and collect."""
    gc.unfreeze()
    gc.collect()
