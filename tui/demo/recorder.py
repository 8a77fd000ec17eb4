"""Record a real session into a cassette (``warden --record FILE``).

:class:`RecordingTransport` wraps the HTTP transport of the SDK's client::

    transport = RecordingTransport()
    client = anthropic.AsyncAnthropic(
        http_client=anthropic.DefaultAsyncHttpxClient(transport=transport), ...)
    ...
    transport.recorder.save(path, cwd=cwd)

Every request is forwarded unchanged. For ``POST .../v1/messages`` the JSON request body is kept
and the response is teed: bytes reach the SDK exactly as they arrived while a parser collects the
server-sent events. :meth:`Recorder.save` turns the exchanges into a linear cassette: nodes
``n0, n1, ...`` where node k's ``next[<outcome of request k+1's last user message>]`` is
``n(k+1)``, with the working directory replaced by ``{{cwd}}``. Headers (and so API keys) are
never kept.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import zlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from tui.demo.cassette import (
    CWD_PLACEHOLDER,
    Cassette,
    CassetteError,
    CassetteNode,
    cassette_from_dict,
    classify_user_message,
    events_from_message,
    split_json,
    split_text,
    user_message_text,
)

log = logging.getLogger(__name__)

_DELTA_KEYS = {
    "text_delta": "text",
    "thinking_delta": "thinking",
    "input_json_delta": "partial_json",
}


@dataclass
class Exchange:
    """One recorded ``POST /v1/messages``.

    Attributes:
        request: the JSON request body (``model``, ``messages``, ``tools`` ...).
        status: HTTP status of the response (0 until the response arrives).
        events: the response's SSE events ``{"event", "data"}`` in order, ``ping`` left out
            (for a non-streaming response: events rebuilt from the Message JSON).
        complete: the stream ended with message_stop (or the JSON body was read whole).
        problem: why the response could not be recorded, or None.
    """

    request: dict[str, Any]
    status: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = False
    problem: str | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The request's ``messages`` (empty list if absent)."""
        value = self.request.get("messages")
        return value if isinstance(value, list) else []


class Recorder:
    """Collects :class:`Exchange` objects and writes them as a cassette.

    Attributes:
        exchanges: every recorded messages request, in the order the requests were sent.
    """

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def transport(self) -> RecordingTransport:
        """A transport that records into this recorder (imports the SDK: call it off the UI
        thread); the :class:`tui.config.Recording` protocol."""
        return RecordingTransport(recorder=self)

    def chain(self) -> list[Exchange]:
        """The exchanges that form the recorded conversation, in order.

        Kept: successful (HTTP 200), recordable responses, starting with a one-message request,
        each next one carrying exactly two more messages (the assistant answer and a user
        message). A request repeating the previous one's messages (an SDK retry) replaces it.
        Others (side requests such as a summariser's, a second conversation) are left out with
        a log message.
        """
        chain: list[Exchange] = []
        for number, exchange in enumerate(self.exchanges):
            if exchange.status != 200 or exchange.problem or not exchange.events:
                log.info("recorder: request %d left out (status %s, %s)", number,
                         exchange.status, exchange.problem or "no events")
                continue
            size = len(exchange.messages)
            if not chain:
                if size == 1:
                    chain.append(exchange)
                else:
                    log.info("recorder: request %d left out (does not start a conversation)",
                             number)
            elif exchange.messages == chain[-1].messages:
                chain[-1] = exchange
            elif size == len(chain[-1].messages) + 2:
                chain.append(exchange)
            else:
                log.info("recorder: request %d left out (not the next turn of the conversation)",
                         number)
        return chain

    def to_cassette(
        self,
        *,
        cwd: str | Path,
        model: str | None = None,
        prompt: str | None = None,
        description: str | None = None,
    ) -> Cassette:
        """Build the cassette (see the module docstring), validated as if loaded from a file.

        Args:
            cwd: the session's working directory; occurrences in texts and tool inputs become
                ``{{cwd}}``.
            model: the cassette's model; defaults to the first request's ``model``.
            prompt: the first prompt; defaults to the text of the first user message.
            description: free text; a default names the number of turns.

        Raises:
            CassetteError: nothing usable was recorded.
        """
        chain = self.chain()
        if not chain:
            raise CassetteError("nothing to save: no complete model response was recorded")
        nodes: dict[str, CassetteNode] = {}
        for index, exchange in enumerate(chain):
            node_id = f"n{index}"
            nodes[node_id] = CassetteNode(id=node_id, events=_templated(exchange.events, cwd))
            if index:
                outcome = classify_user_message(exchange.messages[-1])
                nodes[f"n{index - 1}"].next[outcome] = node_id
        first = chain[0]
        cassette = Cassette(
            description=description
            or f"Recorded with warden --record ({len(chain)} model responses).",
            model=model or str(first.request.get("model", "")),
            prompt=prompt if prompt is not None else user_message_text(first.messages[0]),
            start="n0",
            nodes=nodes,
        )
        return cassette_from_dict(cassette.to_dict(), source="recording")

    def save(
        self,
        path: str | Path,
        *,
        cwd: str | Path,
        model: str | None = None,
        prompt: str | None = None,
        description: str | None = None,
    ) -> Cassette:
        """Write the cassette to ``path`` atomically (mode 0600: it quotes project content).

        Returns the cassette written. Raises :class:`CassetteError` (nothing recorded) or
        ``OSError`` (the file cannot be written).
        """
        cassette = self.to_cassette(cwd=cwd, model=model, prompt=prompt, description=description)
        cassette.save(path, mode=0o600)
        return cassette


class RecordingTransport(httpx2.AsyncBaseTransport):
    """An ``httpx2`` transport that forwards every request to ``inner`` and records Messages
    API exchanges into :attr:`recorder`.

    Args:
        inner: the transport doing the real work; default ``httpx2.AsyncHTTPTransport`` with
            the SDK's connection limits (environment proxies are not applied).
        recorder: where exchanges go; a new :class:`Recorder` by default.
    """

    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport | None = None,
        *,
        recorder: Recorder | None = None,
    ) -> None:
        if inner is None:
            from anthropic import DEFAULT_CONNECTION_LIMITS

            inner = httpx2.AsyncHTTPTransport(limits=DEFAULT_CONNECTION_LIMITS)
        self.inner = inner
        self.recorder = recorder if recorder is not None else Recorder()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Forward ``request``; for ``POST .../v1/messages`` record its body and tee the
        response body. Transport errors of ``inner`` propagate unchanged."""
        if request.method != "POST" or not request.url.path.rstrip("/").endswith("/v1/messages"):
            return await self.inner.handle_async_request(request)
        body = await request.aread()
        exchange = Exchange(request=_json_body(body))
        self.recorder.exchanges.append(exchange)
        response = await self.inner.handle_async_request(request)
        exchange.status = response.status_code
        if response.status_code == 200:
            response.stream = _TeeStream(response.stream, exchange, response.headers)
        return response

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self.inner.aclose()


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        log.warning("recorder: a messages request body is not JSON; its answer is not recorded")
        return {}
    return value if isinstance(value, dict) else {}


class _TeeStream(httpx2.AsyncByteStream):
    """Pass the response bytes through untouched while recording the events they carry."""

    def __init__(
        self, inner: Any, exchange: Exchange, headers: httpx2.Headers
    ) -> None:
        self._inner = inner
        self._exchange = exchange
        self._finished = False
        self._is_sse = "text/event-stream" in headers.get("content-type", "")
        self._raw: list[bytes] = []
        self._text = codecs.getincrementaldecoder("utf-8")("replace")
        self._parser = SSEParser()
        encoding = headers.get("content-encoding", "identity").strip().lower()
        self._unzip: Any = None
        if encoding == "gzip":
            self._unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._unzip = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            exchange.problem = f"unsupported content-encoding {encoding!r}"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._feed(chunk)
            yield chunk
        self._finish()

    async def aclose(self) -> None:
        self._finish()
        await self._inner.aclose()

    def _feed(self, chunk: bytes) -> None:
        if self._finished or self._exchange.problem:
            return
        try:
            data = self._unzip.decompress(chunk) if self._unzip is not None else chunk
        except zlib.error as exc:
            self._exchange.problem = f"cannot decompress the response: {exc}"
            return
        if not self._is_sse:
            self._raw.append(data)
            return
        for name, payload in self._parser.feed(self._text.decode(data)):
            self._add_event(name, payload)

    def _add_event(self, name: str | None, payload: str) -> None:
        try:
            data = json.loads(payload)
        except json.JSONDecodeError as exc:
            self._exchange.problem = f"an event's data is not JSON: {exc}"
            return
        if not isinstance(data, dict):
            self._exchange.problem = "an event's data is not a JSON object"
            return
        kind = name or str(data.get("type"))
        if kind == "ping":
            return
        self._exchange.events.append({"event": kind, "data": data})
        if kind in ("message_stop", "error"):
            self._exchange.complete = kind == "message_stop"

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        exchange = self._exchange
        if exchange.problem:
            log.warning("recorder: response not recorded: %s", exchange.problem)
            return
        if not self._is_sse:
            self._finish_json(b"".join(self._raw))
            return
        if self._unzip is not None:
            tail = self._unzip.flush()
            if tail:
                for name, payload in self._parser.feed(self._text.decode(tail)):
                    self._add_event(name, payload)
        for name, payload in self._parser.feed(self._text.decode(b"", final=True) + "\n\n"):
            self._add_event(name, payload)
        if not exchange.complete and exchange.events:
            if exchange.events[-1]["event"] == "error":
                exchange.problem = "the stream ended with an error event"
            else:
                exchange.events = _close_off(exchange.events)
                log.info("recorder: an interrupted stream was recorded up to its last block")

    def _finish_json(self, body: bytes) -> None:
        exchange = self._exchange
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            exchange.problem = f"the response is not JSON: {exc}"
            return
        if not isinstance(message, dict) or message.get("type") != "message":
            exchange.problem = "the response is not a Message"
            return
        exchange.events = events_from_message(message)
        exchange.complete = True


class SSEParser:
    """Incremental server-sent-events parser.

    :meth:`feed` takes decoded text in arbitrary pieces and returns the completed events as
    ``(event name or None, data)`` pairs, data lines joined with ``\\n``. Lines may end with
    ``\\r\\n``, ``\\n`` or ``\\r``; comments (``:``) and unknown fields are ignored.
    """

    _EOL = re.compile(r"\r\n|\n|\r")

    def __init__(self) -> None:
        self._buffer = ""
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, text: str) -> list[tuple[str | None, str]]:
        """Add text; return the events it completed."""
        self._buffer += text
        events: list[tuple[str | None, str]] = []
        position = 0
        while True:
            match = self._EOL.search(self._buffer, position)
            if match is None:
                break
            if match.group() == "\r" and match.end() == len(self._buffer):
                break  # may be the first half of \r\n
            line = self._buffer[position : match.start()]
            position = match.end()
            if not line:
                if self._data:
                    events.append((self._event, "\n".join(self._data)))
                self._event = None
                self._data = []
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if name == "event":
                self._event = value
            elif name == "data":
                self._data.append(value)
        self._buffer = self._buffer[position:]
        return events


def _close_off(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Complete an interrupted stream: drop the block still open (its content may be cut),
    then add message_delta (``end_turn``) and message_stop if missing."""
    stopped = {
        event["data"].get("index") for event in events if event["event"] == "content_block_stop"
    }
    kept = [
        dict(event)
        for event in events
        if event["event"] not in ("content_block_start", "content_block_delta")
        or event["data"].get("index") in stopped
    ]
    if not any(event["event"] == "message_delta" for event in kept):
        kept.append(
            {
                "event": "message_delta",
                "data": {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": 0},
                },
            }
        )
    kept.append({"event": "message_stop", "data": {"type": "message_stop"}})
    return kept


def _templated(events: Sequence[Mapping[str, Any]], cwd: str | Path) -> list[dict[str, Any]]:
    """Replace the working directory by ``{{cwd}}`` in the text, thinking and partial-JSON
    deltas of each block; a block where it occurs is re-chunked so that no placeholder is split
    across deltas (other blocks keep their recorded chunking)."""
    raw = str(cwd).rstrip("/") or "/"
    escaped = json.dumps(raw)[1:-1]
    # the path, not followed by more of a file name (so /work/app does not match /work/apple)
    patterns = {
        False: re.compile(re.escape(raw) + r"(?![\w-]|\.\w)"),
        True: re.compile(re.escape(escaped) + r"(?![\w-]|\.\w)"),
    }
    pieces: dict[int, list[str]] = {}
    kinds: dict[int, str] = {}
    for event in events:
        data = event["data"]
        if event["event"] == "content_block_delta":
            key = _DELTA_KEYS.get(str(data.get("delta", {}).get("type")))
            if key is not None:
                pieces.setdefault(data["index"], []).append(data["delta"][key])
                kinds[data["index"]] = data["delta"]["type"]
    replaced: dict[int, list[str]] = {}
    for index, parts in pieces.items():
        is_json = kinds[index] == "input_json_delta"
        whole = "".join(parts)
        new, count = patterns[is_json].subn(CWD_PLACEHOLDER, whole)
        if count:
            replaced[index] = ["", *split_json(new)] if is_json else split_text(new)
    out: list[dict[str, Any]] = []
    for event in events:
        data = event["data"]
        index = data.get("index")
        if event["event"] == "content_block_delta" and index in replaced:
            if data.get("delta", {}).get("type") == kinds[index]:
                continue
        if event["event"] == "content_block_stop" and index in replaced:
            key = _DELTA_KEYS[kinds[index]]
            for piece in replaced[index]:
                out.append(
                    {
                        "event": "content_block_delta",
                        "data": {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {"type": kinds[index], key: piece},
                        },
                    }
                )
        out.append(json.loads(json.dumps(event)))
    return out
