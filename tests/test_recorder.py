"""Recording a session through RecordingTransport, with a ReplayServer standing in for the API."""

from __future__ import annotations

import gzip
import json
import stat
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from tui.demo.build_cassettes import NodeSpec, Tool, build_cassette
from tui.demo.cassette import CWD_PLACEHOLDER, CassetteError, load_cassette
from tui.demo.launch import DEMO_CASSETTE
from tui.demo.recorder import Recorder, RecordingTransport, SSEParser
from tui.demo.server import ReplayServer
from tui.tool_results import DENIED_PREFIX


def _assistant(message: anthropic.types.Message) -> dict[str, Any]:
    blocks = [b.model_dump(exclude_none=True) for b in message.content]
    return {"role": "assistant", "content": blocks}


def _results(message: anthropic.types.Message, text: str, is_error: bool = False) -> dict[str, Any]:
    return {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": b.id, "content": text, "is_error": is_error}
        for b in message.content if b.type == "tool_use"
    ]}


async def _stream(client: anthropic.AsyncAnthropic, messages: list[dict[str, Any]]) -> Any:
    async with client.messages.stream(
        model="claude-sonnet-5-5", max_tokens=4096, messages=messages
    ) as stream:
        async for _ in stream:
            pass
        return await stream.get_final_message()


async def _session(client: anthropic.AsyncAnthropic, prompt: str) -> list[Any]:
    """Play the demo: reads ok, curl denied, edits ok, tests ok, then a follow-up prompt."""
    history: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
    finals = []
    for text, is_error in [("contents", False), (f"{DENIED_PREFIX} by the user.", True),
                           ("edited", False), ("6 passed", False)]:
        final = await _stream(client, history)
        finals.append(final)
        history += [_assistant(final), _results(final, text, is_error)]
    done = await _stream(client, history)
    finals.append(done)
    history += [_assistant(done), {"role": "user", "content": "and now?"}]
    finals.append(await _stream(client, history))
    return finals


def _content(messages: list[Any]) -> list[list[dict[str, Any]]]:
    return [[b.model_dump(exclude_none=True) for b in m.content] for m in messages]


async def test_record_save_load_replay(tmp_path: Path) -> None:
    demo = load_cassette(DEMO_CASSETTE)
    real_cwd = tmp_path / "work" / "statskit"
    transport = RecordingTransport()
    with ReplayServer(demo, cwd=real_cwd) as api:
        client = anthropic.AsyncAnthropic(
            base_url=api.base_url, api_key="sk-ant-secret-key", max_retries=0,
            http_client=anthropic.DefaultAsyncHttpxClient(transport=transport),
        )
        recorded = await _session(client, demo.prompt)
        # a non-streaming call and a failing call: both are kept out of the chain or chained
        with pytest.raises(anthropic.BadRequestError):
            await client.messages.create(model="m", max_tokens=1,
                                         messages=[{"role": "assistant", "content": "x"}])
        await client.close()
    assert len(transport.recorder.exchanges) == 7
    assert transport.recorder.exchanges[-1].status == 400

    path = tmp_path / "out" / "session.json"
    transport.recorder.save(path, cwd=real_cwd, model="claude-sonnet-5-5", prompt=demo.prompt)
    text = path.read_text(encoding="utf-8")
    assert "sk-ant-secret-key" not in text and "x-api-key" not in text.lower()
    assert str(real_cwd) not in text
    assert CWD_PLACEHOLDER in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    cassette = load_cassette(path)
    assert cassette.start == "n0" and list(cassette.nodes) == [f"n{i}" for i in range(6)]
    assert cassette.nodes["n0"].next == {"ok": "n1"}
    assert cassette.nodes["n1"].next == {"denied": "n2"}
    assert cassette.nodes["n4"].next == {"prompt": "n5"}
    assert cassette.prompt == demo.prompt and cassette.model == "claude-sonnet-5-5"

    other_cwd = tmp_path / "elsewhere"
    with ReplayServer(cassette, cwd=other_cwd) as replay:
        client = anthropic.AsyncAnthropic(base_url=replay.base_url, api_key="x", max_retries=0)
        replayed = await _session(client, demo.prompt)
        await client.close()
    expected = json.loads(json.dumps(_content(recorded)).replace(str(real_cwd), str(other_cwd)))
    assert _content(replayed) == expected
    assert [m.stop_reason for m in replayed] == [m.stop_reason for m in recorded]


async def test_bytes_reach_the_sdk_unchanged(tmp_path: Path) -> None:
    sse = (
        b'event: message_start\r\ndata: {"type":"message_start","message":{"id":"msg_1",'
        b'"type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,'
        b'"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}   \r\n\r\n'
        b'event: content_block_start\r\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"text","text":""}}\r\n\r\n'
        b'event: ping\r\ndata: {"type": "ping"}\r\n\r\n'
        b'event: content_block_delta\r\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"Hi \xc3\xa9"}}\r\n\r\n'
        b'event: content_block_stop\r\ndata: {"type":"content_block_stop","index":0}\r\n\r\n'
        b'event: message_delta\r\ndata: {"type":"message_delta","delta":{"stop_reason":'
        b'"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\r\n\r\n'
        b'event: message_stop\r\ndata: {"type":"message_stop"}\r\n\r\n'
    )
    compressed = gzip.compress(sse)
    received: list[bytes] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        # split into awkward pieces, including inside a multi-byte character
        pieces = [compressed[i : i + 7] for i in range(0, len(compressed), 7)]
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream", "content-encoding": "gzip"},
            stream=_Chunks(pieces),
        )

    transport = RecordingTransport(httpx2.MockTransport(handler))
    async with httpx2.AsyncClient(transport=transport) as client:
        async with client.stream("POST", "https://api.example/v1/messages",
                                 json={"messages": [{"role": "user", "content": "hi"}]}) as resp:
            async for raw in resp.aiter_raw():
                received.append(raw)
    assert b"".join(received) == compressed
    exchange = transport.recorder.exchanges[0]
    assert exchange.complete and exchange.problem is None
    assert [e["event"] for e in exchange.events] == [
        "message_start", "content_block_start", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop",
    ]
    assert exchange.events[2]["data"]["delta"]["text"] == "Hi é"


class _Chunks(httpx2.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = pieces

    async def __aiter__(self) -> Any:
        for piece in self._pieces:
            yield piece


async def test_interrupted_stream_is_closed_off_and_side_requests_left_out(
    tmp_path: Path,
) -> None:
    cassette = build_cassette(
        [NodeSpec("a", ("First " * 50, Tool("Read", {"file_path": f"{CWD_PLACEHOLDER}/x"})),
                  {"ok": "b"}),
         NodeSpec("b", ("Second answer.",), {"prompt": "b"})],
        prefix="t", description="", prompt="go",
    )
    transport = RecordingTransport()
    with ReplayServer(cassette, cwd=tmp_path, tokens_per_second=2000) as api:
        client = anthropic.AsyncAnthropic(
            base_url=api.base_url, api_key="k", max_retries=0,
            http_client=httpx2.AsyncClient(transport=transport),
        )
        # interrupted during the tool_use block: the unfinished block is dropped
        async with client.messages.stream(model="m", max_tokens=10,
                                          messages=[{"role": "user", "content": "go"}]) as s:
            async for event in s:
                if event.type == "content_block_start" and event.index == 1:
                    break
        first = await _stream(client, [{"role": "user", "content": "go"}])  # a retry
        await _stream(client, [{"role": "user", "content": "summarise this page"}])  # side call
        second = await _stream(client, [{"role": "user", "content": "go"}, _assistant(first),
                                         _results(first, "ok")])
        await client.close()
    recorder = transport.recorder
    assert len(recorder.exchanges) == 4
    assert not recorder.exchanges[0].complete
    chain = recorder.chain()
    assert chain == [recorder.exchanges[1], recorder.exchanges[3]]
    saved = recorder.to_cassette(cwd=tmp_path)
    assert saved.nodes["n0"].tool_uses()[0]["input"] == {"file_path": f"{CWD_PLACEHOLDER}/x"}
    assert saved.prompt == "go" and saved.model == "claude-sonnet-5-5"
    assert second.content[0].text == "Second answer."

    only_interrupted = Recorder()
    only_interrupted.exchanges = [recorder.exchanges[0]]
    closed = only_interrupted.to_cassette(cwd=tmp_path).nodes["n0"]
    assert [t["type"] for t in closed.tool_uses()] == []
    assert closed.stop_reason == "end_turn"


def test_nothing_recorded_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="nothing to save"):
        Recorder().save(tmp_path / "x.json", cwd=tmp_path)
    assert not (tmp_path / "x.json").exists()


def test_sse_parser_handles_any_split() -> None:
    text = 'event: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\n: comment\nevent: b\rdata: 2\r\r\n'
    whole = SSEParser().feed(text)
    assert whole == [("a", '{"x":\n1}'), ("b", "2")]
    for cut in range(1, len(text)):
        parser = SSEParser()
        assert parser.feed(text[:cut]) + parser.feed(text[cut:]) == whole, cut
