"""Keep garbage collection pauses short in a long session (issue 14).

A full collection walks every tracked object, so its pause grows with the heap: late in a long
session it took well over a second, and a key pressed meanwhile waited for it.  At the end of a
turn (once the chat has frozen it into lines) :func:`settle` collects once and then *freezes*
what survived (``gc.freeze``): those objects, the bulk of a long session's heap, are not walked
by later collections.  Collecting first matters: freezing garbage would keep it forever.

A frozen object that becomes garbage later (in a reference cycle) is only freed once it is
unfrozen, so every :data:`FULL_EVERY` settles, and on ``/clear`` (:func:`release`), the frozen
objects are returned to the collector first: what leaks is bounded by a few turns.
"""

from __future__ import annotations

import gc

FULL_EVERY = 25
"""Every this many :func:`settle` calls, the frozen objects are collected too."""

_settled = 0


def settle() -> None:
    """Collect, then move the survivors to the permanent generation.

    (Not ``gc.get_freeze_count()`` here: it walks every frozen object.)
    """
    global _settled
    _settled += 1
    if _settled % FULL_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def release() -> None:
    """Return the frozen objects to the collector (after ``/clear``) and collect."""
    gc.unfreeze()
    gc.collect()
