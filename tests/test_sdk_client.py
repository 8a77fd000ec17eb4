"""Warden's Anthropic client (``tui.agent.sdk_client``) sends what the SDK's own client sends,
without the SDK's per-request copy of the conversation, and streams answers the same way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anthropic
import httpx2
import pytest

from tui.agent.client import ClientConfig, make_client
from tui.agent.sdk_client import HistoryEncoder, WardenAnthropic

SSE = "".join(
    f"event: {kind}\ndata: {json.dumps(data)}\n\n" for kind, data in [
        ("message_start", {"type": "message_start", "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 0}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "text_delta", "text": "Héllo, "}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "text_delta", "text": "world."}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn",
                                                              "stop_sequence": None},
                           "usage": {"output_tokens": 4}}),
        ("message_stop", {"type": "message_stop"}),
    ])

HISTORY: list[dict[str, Any]] = [
    {"role": "user", "content": [{"type": "text", "text": "read the notes — all of them"}]},
    {"role": "assistant", "content": [
        {"type": "text", "text": "Reading."},
        {"type": "tool_use", "id": "toolu_1", "name": "Read",
         "input": {"file_path": "/p/notes/n1.md", "limit": 20}}]},
    {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "# Note 1\nx\n",
         "is_error": False}]},
]
TOOLS = [{"name": "Read", "description": "Reads a file.",
          "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}},
                           "required": ["file_path"]}}]


class Recorder:
    """An httpx transport that answers every request with :data:`SSE` (after ``failures``
    HTTP 529 answers) and keeps what was sent."""

    def __init__(self, failures: int = 0) -> None:
        self.requests: list[httpx2.Request] = []
        self.failures = failures

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            return httpx2.Response(529, json={"type": "error", "error": {
                "type": "overloaded_error", "message": "Overloaded"}})
        return httpx2.Response(200, text=SSE, headers={"content-type": "text/event-stream"})


def _client(cls: Callable[..., anthropic.AsyncAnthropic], transport: Recorder,
            **kwargs: Any) -> anthropic.AsyncAnthropic:
    return cls(api_key="sk-test", base_url="http://127.0.0.1:9",
               http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(transport)),
               **{"max_retries": 0, **kwargs})


async def _stream(client: anthropic.AsyncAnthropic, **params: Any) -> tuple[list[str], Any]:
    texts = []
    async with client.messages.stream(**params) as stream:
        async for event in stream:
            if event.type == "text":
                texts.append(event.text)
        final = await stream.get_final_message()
    return texts, final


PARAMS: dict[str, Any] = {"model": "claude-test", "max_tokens": 1024, "messages": HISTORY,
                          "tools": TOOLS, "system": "You are Warden's test."}


async def test_the_request_is_the_one_the_sdk_sends() -> None:
    """Same URL, same JSON body and the same headers that matter (version, key, content type,
    a default beta header) as ``anthropic.AsyncAnthropic``; only the SDK's helper-method
    telemetry headers differ."""
    sent = {}
    for cls in (anthropic.AsyncAnthropic, WardenAnthropic):
        transport = Recorder()
        client = _client(cls, transport, default_headers={"anthropic-beta": "beta-x"})
        await _stream(client, **PARAMS)
        await client.close()
        (request,) = transport.requests
        sent[cls] = request
    sdk, ours = sent[anthropic.AsyncAnthropic], sent[WardenAnthropic]
    assert (ours.method, ours.url) == (sdk.method, sdk.url)
    assert json.loads(ours.content) == json.loads(sdk.content)
    assert json.loads(ours.content)["stream"] is True
    for header in ("anthropic-version", "x-api-key", "content-type", "anthropic-beta",
                   "accept", "user-agent"):
        assert ours.headers.get(header) == sdk.headers.get(header), header
    assert "— all of them".encode() in ours.content  # non-ASCII sent as UTF-8, as the SDK does


async def test_the_answer_streams_as_with_the_sdk() -> None:
    """Text deltas arrive in order and the final message is the SDK's accumulated message."""
    client = _client(WardenAnthropic, Recorder())
    texts, final = await _stream(client, **PARAMS)
    await client.close()
    assert texts == ["Héllo, ", "world."]
    assert final.stop_reason == "end_turn" and final.content[0].text == "Héllo, world."


async def test_an_overloaded_answer_is_retried_with_the_same_body() -> None:
    """The SDK's retries still apply: a 529 is retried and the same bytes are sent again."""
    transport = Recorder(failures=1)
    client = _client(WardenAnthropic, transport, max_retries=1)
    texts, _ = await _stream(client, **PARAMS)
    await client.close()
    assert texts == ["Héllo, ", "world."]
    first, second = transport.requests
    assert first.content == second.content
    assert second.headers["x-stainless-retry-count"] == "1"


async def test_a_request_that_is_not_plain_json_fails_before_it_is_sent() -> None:
    """Fail closed: a value the encoder cannot write is an error, never a half-sent body."""
    transport = Recorder()
    client = _client(WardenAnthropic, transport)
    bad = [{"role": "user", "content": [{"type": "text", "text": {"a", "set"}}]}]
    with pytest.raises(TypeError):
        await _stream(client, **{**PARAMS, "messages": bad})
    await client.close()
    assert transport.requests == []


async def test_the_session_client_is_warden_s() -> None:
    """``make_client`` (the session's, the demo's and ``--record``'s) builds this client."""
    client, recording = make_client(ClientConfig(api_key="sk-test", base_url="http://127.0.0.1:9"))
    assert isinstance(client, WardenAnthropic) and recording is None
    await client.close()


def _json(messages: list[dict[str, Any]]) -> Any:
    return json.loads(HistoryEncoder().encode(messages))


def test_the_history_sent_is_the_conversation_as_it_is_now() -> None:
    """Turn after turn, with the last message growing in place, a message replaced, the list
    cut short and cleared (``/clear``), each request carries exactly the current messages."""
    encoder = HistoryEncoder()
    messages: list[dict[str, Any]] = []

    def sent() -> Any:
        return json.loads(encoder.encode(messages))

    assert sent() == []
    for turn in range(4):
        messages.append({"role": "user", "content": [{"type": "text", "text": f"q{turn} ✓"}]})
        assert sent() == messages
        messages.append({"role": "assistant", "content": [{"type": "text", "text": "a"}]})
        messages.append({"role": "user", "content": [{"type": "tool_result",
                                                      "tool_use_id": "t", "content": "r"}]})
        assert sent() == messages
        # The agent adds a note to the last user message (no new message).
        messages[-1]["content"].append({"type": "text", "text": "(Note from Warden)"})
        assert sent() == messages
    messages[1] = {"role": "assistant", "content": [{"type": "text", "text": "replaced"}]}
    assert sent() == messages
    del messages[5:]
    assert sent() == messages
    messages.clear()
    assert sent() == []
    messages.append({"role": "user", "content": "plain string content"})
    messages.append({"role": "assistant", "content": "ok"})
    assert sent() == messages


def test_a_settled_message_changed_in_place_is_sent_changed() -> None:
    """The guard behind the contract: an earlier message whose content list grew or was
    swapped is encoded again, not sent as it was."""
    encoder = HistoryEncoder()
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [{"type": "text", "text": "one"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "two"}]},
        {"role": "user", "content": [{"type": "text", "text": "three"}]},
    ]
    encoder.encode(messages)
    messages[0]["content"].append({"type": "text", "text": "added later"})
    assert json.loads(encoder.encode(messages)) == messages
    messages[1]["content"] = [{"type": "text", "text": "swapped"}]
    assert json.loads(encoder.encode(messages)) == messages


def test_messages_not_in_the_api_shape_are_still_sent_whole() -> None:
    """A message without ``content`` is nothing the encoder can keep: the whole list is
    encoded as it is (the API judges it)."""
    odd: list[dict[str, Any]] = [{"role": "user"}, {"role": "user", "content": "x"}]
    assert _json(odd) == odd


async def test_a_long_conversation_is_sent_whole_on_every_request() -> None:
    """Through the client: each request of a growing conversation carries all of it."""
    transport = Recorder()
    client = _client(WardenAnthropic, transport)
    messages: list[dict[str, Any]] = []
    for turn in range(5):
        messages.append({"role": "user", "content": [{"type": "text", "text": f"q{turn}"}]})
        await _stream(client, **{**PARAMS, "messages": messages})
        messages.append({"role": "assistant", "content": [{"type": "text", "text": "Héllo"}]})
    await client.close()
    bodies = [json.loads(request.content) for request in transport.requests]
    assert [len(body["messages"]) for body in bodies] == [1, 3, 5, 7, 9]
    assert bodies[-1]["messages"] == messages[:-1]
    assert bodies[-1]["tools"] == TOOLS and bodies[-1]["system"] == PARAMS["system"]
