"""A clock that moves only when the test says so.

Components with a timing guard take their time from a ``clock`` attribute (a callable returning
seconds: ``ApprovalCard.clock``, ``PromptInput.clock``, ``ChatLog.clock``).  A test gives them a
:class:`FakeClock` and steps it with :meth:`FakeClock.advance`, so "half a second later" is
exact on a busy machine and costs no real time.
"""

from __future__ import annotations


class FakeClock:
    """Seconds that move only through :meth:`advance`; call it to read the time.

    It is a callable object rather than a function so it can be set as a class attribute
    (``monkeypatch.setattr(ApprovalCard, "clock", clock)``) without becoming a method.  It
    starts well above 0 because 0.0 means "never" to some components (``last_typed``).
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward."""
        assert seconds >= 0, "a monotonic clock never goes back"
        self.now += seconds
