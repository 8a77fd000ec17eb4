"""A stand-in for Hypothesis when it is not installed, so its property tests skip, saying why.

Hypothesis comes with the ``test`` extra.  Without it, a module that imports it would fail to
collect, and its ordinary tests would be lost with the property tests.  ``tests/conftest.py``
installs this stand-in as ``hypothesis`` and ``hypothesis.strategies`` in that case: strategies
built at import time become inert placeholders, and every ``@given`` test is marked skipped.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import pytest

REASON = "hypothesis is not installed (pip install -e '.[test]')"


class _Inert:
    """Stands for any strategy or health check: every use gives the placeholder again."""

    def __getattr__(self, name: str) -> _Inert:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _Inert:
        return self

    def __or__(self, other: object) -> _Inert:
        return self

    __ror__ = __or__


INERT = _Inert()


class _Decorator(_Inert):
    """``settings(...)`` or ``example(...)``: applied to a test, it leaves the test as it is."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return args[0] if len(args) == 1 and not kwargs else self


class _Settings(_Inert):
    """``settings``: calling it gives a decorator (``@settings(max_examples=...)``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> _Decorator:
        return _Decorator()


def given(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks the property test skipped, with :data:`REASON`."""
    return pytest.mark.skip(reason=REASON)


def _module(name: str, **names: Any) -> types.ModuleType:
    module = types.ModuleType(name, __doc__)
    module.__dict__.update(names)
    module.__getattr__ = lambda attribute: INERT  # type: ignore[method-assign]
    return module


strategies = _module("hypothesis.strategies", composite=lambda function: lambda *a, **k: INERT)
hypothesis = _module("hypothesis", given=given, strategies=strategies, settings=_Settings(),
                     HealthCheck=INERT, assume=lambda condition: True, example=_Settings(),
                     note=lambda value: None)
