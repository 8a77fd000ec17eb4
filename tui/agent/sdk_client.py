"""The Anthropic client Warden talks to the model with: the SDK's, minus a per-request copy of
the whole conversation (issue 14).

``AsyncAnthropic.messages.stream(messages=...)`` prepares its body before sending it: the SDK
walks the request in Python and copies every dict and list of it (``copy_tree`` in
``anthropic._utils._prepare``: so that NotGiven values are dropped, pydantic models dumped,
file inputs read and a retry can send it again), and then encodes the copy as JSON.  Warden
sends the whole conversation with every request, so late in a long session that walk was the
largest cost of a turn that grew with the session: about 16 ms a request at turn 300, two or
three requests a turn, against 5 ms for the JSON encoding itself (measured with
``bench/long_session.py``'s history shape).

Warden's requests hold plain JSON data only (the conversation is kept as the API's dicts, tool
inputs as the model sent them, tool schemas as dicts), so there is nothing for that walk to do.
:class:`WardenAnthropic` is the SDK's client with one change: ``messages.stream`` encodes the
body once with :func:`encode_body` and hands the bytes to the SDK's own ``post`` as ``content``
(the SDK's documented way to send a request body as is).  The conversation's JSON is kept
between requests (:class:`HistoryEncoder`), so a request encodes only what is new since the
last one: at turn 300 the body of a request costs well under a millisecond to build, as at
turn 10.  Headers, authentication, retries,
timeouts, server-sent events and the stream helper (``get_final_message`` and the accumulated
message) are the SDK's, unchanged.  Everything else of the client is the SDK's.

This module imports the SDK: load it off the UI thread (:func:`tui.agent.client.make_client`).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import anthropic
from anthropic import AsyncStream
from anthropic.lib.streaming import AsyncMessageStreamManager
from anthropic.resources.messages import AsyncMessages
from anthropic.types import Message, RawMessageStreamEvent

MESSAGES_PATH = "/v1/messages"

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_body(params: Mapping[str, Any], messages_json: str | None = None) -> bytes:
    """The JSON body of a streaming Messages API request: ``params`` plus ``"stream": true``.

    Args:
        params: the request's fields (``model``, ``max_tokens``, ``messages``, ``tools``,
            ``system``...) as plain JSON data: dicts, lists, strings, numbers, booleans, None.
        messages_json: the ``messages`` field already encoded (a JSON array), sent in place of
            ``params["messages"]``.

    Returns:
        UTF-8 JSON, compact, non-ASCII characters as they are (as the SDK encodes a body).

    Raises:
        TypeError: a value is not plain JSON data (a pydantic model, a date, a set...);
            ValueError: a float is NaN or infinite, or a container holds itself.
    """
    if messages_json is None:
        return _encoder.encode({**params, "stream": True}).encode()
    rest = _encoder.encode({k: v for k, v in params.items() if k != "messages"} | {"stream": True})
    return ('{"messages":' + messages_json + "," + rest[1:]).encode()


class HistoryEncoder:
    """The JSON of a conversation's ``messages``, kept from one request to the next.

    A conversation only grows at its end, so a message that is no longer the last one is
    encoded once and its JSON reused: a request then costs the encoding of what is new, not of
    the whole history.  What is reused is found by identity: the longest run of messages, from
    the first, that are the same objects as last time (the last message is always encoded
    again, as the agent adds tool results and notes to it).  A list that was cleared, cut short
    or had a message replaced is encoded again from the first difference.  The checks run over
    the whole list in C (``map``), well under a microsecond a message.

    The contract (kept by :class:`tui.agent.loop.Agent`): a message that has a message after it
    is not changed in place.  As a guard, a message whose ``content`` is another object or has
    another length than when it was encoded is encoded again.
    """

    def __init__(self) -> None:
        self._messages: list[Any] = []
        """The messages encoded (every message but the last, as last sent)."""
        self._contents: list[Any] = []
        self._lengths: list[int] = []
        self._parts: list[str] = []
        self._joined = ""
        """``",".join(self._parts)``."""

    def encode(self, messages: Sequence[Mapping[str, Any]]) -> str:
        """``messages`` as a JSON array (as :func:`encode_body` would encode it).

        Raises:
            TypeError, ValueError: as :func:`encode_body`.
        """
        messages = list(messages)
        settled = messages[:-1]
        try:
            contents = list(map(_content, settled))
            lengths = list(map(len, contents))
        except (KeyError, TypeError):  # not the API's shape: nothing to keep, encode it all
            self.__init__()  # type: ignore[misc]
            return _encoder.encode(messages)
        kept = len(self._messages)
        if not (kept <= len(settled) and all(map(operator.is_, self._messages, settled))
                and all(map(operator.is_, self._contents, contents))
                and self._lengths == lengths[:kept]):
            kept = 0
            for old, new, content, length in zip(self._messages, settled, contents, lengths,
                                                 strict=False):
                if old is not new or self._contents[kept] is not content or (
                        self._lengths[kept] != length):
                    break
                kept += 1
            del self._parts[kept:]
            self._joined = ",".join(self._parts)
        fresh = [_encoder.encode(message) for message in settled[kept:]]
        if fresh:
            self._parts.extend(fresh)
            self._joined = ",".join(filter(None, (self._joined, *fresh)))
        self._messages, self._contents, self._lengths = settled, contents, lengths
        last = _encoder.encode(messages[-1]) if messages else ""
        return "[" + ",".join(filter(None, (self._joined, last))) + "]"


_content = operator.itemgetter("content")


class PreparedMessages(AsyncMessages):
    """``client.messages`` whose ``stream`` sends a body encoded by :func:`encode_body`, with
    the conversation encoded by a :class:`HistoryEncoder`."""

    @cached_property
    def history(self) -> HistoryEncoder:
        """The JSON of the messages sent last (one conversation per client)."""
        return HistoryEncoder()

    def stream(  # type: ignore[override]  # Warden's requests: plain JSON keyword arguments
        self, *, extra_headers: Mapping[str, str] | None = None, **params: Any,
    ) -> AsyncMessageStreamManager[Any]:
        """Like ``AsyncMessages.stream``: an async context manager yielding the SDK's
        ``AsyncMessageStream``.  ``params`` are the request's fields (see :func:`encode_body`,
        whose errors are raised here, before anything is sent); ``extra_headers`` are added to
        the request's headers."""
        messages = params.get("messages")
        encoded = self.history.encode(messages) if isinstance(messages, list) else None
        body = encode_body(params, encoded)
        request = self._post(
            MESSAGES_PATH,
            content=body,
            options={"headers": dict(extra_headers or {})},
            cast_to=Message,
            stream=True,
            stream_cls=AsyncStream[RawMessageStreamEvent],
        )
        return AsyncMessageStreamManager(request)


class WardenAnthropic(anthropic.AsyncAnthropic):
    """``anthropic.AsyncAnthropic`` with :class:`PreparedMessages` as its ``messages``."""

    @property
    def user_agent(self) -> str:
        """The SDK client's own ``User-Agent`` (the SDK names it after the class)."""
        return f"{anthropic.AsyncAnthropic.__name__}/Python {self._version}"

    @cached_property
    def messages(self) -> PreparedMessages:
        """The Messages API, streaming with a body encoded once (module docstring)."""
        return PreparedMessages(self)
