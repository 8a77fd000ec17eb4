"""Waiting for something to happen, loudly.

A test that polls must fail with what it waited for, not silently carry on and fail later on a
vague assert (or pass without checking anything).  :func:`tests.scenarios.wait_until` does this
for a Textual pilot; :func:`wait_for` is the same for plain async code and
:func:`wait_for_sync` for plain blocking code.  Each returns the predicate's first truthy value
and raises :class:`TimeoutError` naming ``what`` when ``timeout`` seconds pass without one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

INTERVAL = 0.02
"""Seconds between two looks at the predicate."""


def timed_out(what: str, timeout: float) -> TimeoutError:
    """The error every waiting helper raises: it names what never happened."""
    return TimeoutError(f"timed out after {timeout:g} s waiting for {what}")


async def wait_for(predicate: Callable[[], T], *, what: str, timeout: float = 10.0,
                   interval: float = INTERVAL) -> T:
    """Sleep on the running event loop until ``predicate()`` is truthy; return that value.

    Raises:
        TimeoutError: naming ``what`` when it does not happen within ``timeout`` seconds.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := predicate()):
        if loop.time() > deadline:
            raise timed_out(what, timeout)
        await asyncio.sleep(interval)
    return value


def wait_for_sync(predicate: Callable[[], T], *, what: str, timeout: float = 10.0,
                  interval: float = INTERVAL) -> T:
    """Block until ``predicate()`` is truthy; return that value.

    Raises:
        TimeoutError: naming ``what`` when it does not happen within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise timed_out(what, timeout)
        time.sleep(interval)
    return value
