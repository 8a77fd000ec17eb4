"""Creating the Anthropic client (imports the SDK, so call it off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ClientConfig:
    """How to reach the model.

    Attributes:
        api_key: the key (never logged or written).
        base_url: ``None`` for the real API (or ``ANTHROPIC_BASE_URL``), else e.g. the replay
            server's loopback URL.
        record_to: when set, the exchange is recorded into this cassette file on exit.
        betas: values sent in the ``anthropic-beta`` header of every request (comma-joined),
            e.g. ``("context-1m-2025-08-07",)`` from :attr:`tui.agent.models.ModelChoice.betas`.
    """

    api_key: str
    base_url: str | None = None
    record_to: Path | None = None
    max_retries: int = 2
    betas: tuple[str, ...] = ()


def make_client(config: ClientConfig) -> tuple[Any, Any]:
    """Build an ``anthropic.AsyncAnthropic`` client.

    Returns:
        ``(client, recorder)``; ``recorder`` is a :class:`tui.demo.recorder.Recorder` when
        ``config.record_to`` is set, else ``None``.
    """
    import anthropic

    kwargs: dict[str, Any] = {"api_key": config.api_key, "max_retries": config.max_retries}
    if config.base_url:
        kwargs["base_url"] = config.base_url
    if config.betas:
        kwargs["default_headers"] = {"anthropic-beta": ",".join(config.betas)}
    recorder = None
    if config.record_to is not None:
        import httpx2

        from tui.demo.recorder import Recorder, RecordingTransport

        recorder = Recorder()
        transport = RecordingTransport(recorder=recorder)
        kwargs["http_client"] = httpx2.AsyncClient(transport=transport)
    return anthropic.AsyncAnthropic(**kwargs), recorder
