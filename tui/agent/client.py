"""Creating the Anthropic client (imports the SDK, so call it off the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.config import Recording


@dataclass(frozen=True)
class ClientConfig:
    """How to reach the model.

    Attributes:
        api_key: the key (never logged or written).
        base_url: ``None`` for the real API (or ``ANTHROPIC_BASE_URL``), else e.g. the replay
            server's loopback URL.
        recording: when set, every request goes through its transport, which records the
            Messages API exchanges (``warden --record``).
        betas: values sent in the ``anthropic-beta`` header of every request (comma-joined),
            e.g. ``("context-1m-2025-08-07",)`` from :attr:`tui.agent.models.ModelChoice.betas`.
    """

    api_key: str
    base_url: str | None = None
    recording: Recording | None = None
    max_retries: int = 2
    betas: tuple[str, ...] = ()


def make_client(config: ClientConfig) -> tuple[Any, Any]:
    """Build an ``anthropic.AsyncAnthropic`` client: a
    :class:`~tui.agent.sdk_client.WardenAnthropic`, whose ``messages.stream`` skips the SDK's
    per-request copy of the conversation.

    Returns:
        ``(client, recording)``: ``recording`` is ``config.recording`` (``None`` when the
        session is not recorded).
    """
    from tui.agent.sdk_client import WardenAnthropic

    kwargs: dict[str, Any] = {"api_key": config.api_key, "max_retries": config.max_retries}
    if config.base_url:
        kwargs["base_url"] = config.base_url
    if config.betas:
        kwargs["default_headers"] = {"anthropic-beta": ",".join(config.betas)}
    if config.recording is not None:
        import httpx2

        kwargs["http_client"] = httpx2.AsyncClient(transport=config.recording.transport())
    return WardenAnthropic(**kwargs), config.recording
