"""The replay server's wire format against real Anthropic streams from ../shared/corpora.

Each recorded or SDK-fixture stream in ``corpora/anthropic-sse`` is parsed, put into a one-node
cassette, served by the replay server, and read back by the real SDK: the message the SDK
accumulates must equal the message the events describe.  So the server speaks what the real API
sends (padding in data lines, ping events, tool_use input deltas), not a dialect of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import anthropic
import pytest

from tests.conftest import SHARED
from tui.demo.cassette import CassetteError, assemble_message, cassette_from_dict
from tui.demo.recorder import SSEParser
from tui.demo.server import ReplayServer

CORPUS = SHARED / "corpora" / "anthropic-sse"
KINDS = ("sdk-python-recorded__", "sdk-python-fixture__", "sdk-typescript-fixture__",
         "docs-streaming__")


def _streams() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.glob("*.sse") if p.name.startswith(KINDS))


def _events(path: Path) -> list[dict]:
    """The file's events; empty for the hand-written docs examples whose JSON is malformed."""
    parser = SSEParser()
    pairs = parser.feed(path.read_text(encoding="utf-8") + "\n\n")
    try:
        return [{"event": name, "data": json.loads(data)} for name, data in pairs if data.strip()]
    except json.JSONDecodeError:
        return []


def _cassette(events: list[dict], name: str):
    return cassette_from_dict({
        "format": "warden-cassette/1", "description": name, "model": "m", "prompt": "p",
        "start": "only", "nodes": {"only": {"events": events}},
    }, source=name)


def _servable(events: list[dict]) -> bool:
    """Complete text/tool_use streams (no stand-alone errors, no server tools, no thinking)."""
    if not events:
        return False
    types = {e["data"].get("type") for e in events}
    if "message_start" not in types or "message_stop" not in types:
        return False
    blocks = {e["data"]["content_block"]["type"] for e in events
              if e["data"].get("type") == "content_block_start"}
    if not blocks <= {"text", "tool_use"}:
        return False
    try:
        _cassette(events, "probe")
    except CassetteError:  # the SDK fixtures of deliberately incomplete tool-input JSON
        return False
    return True


STREAMS = [p for p in _streams() if _servable(_events(p))]
INCOMPLETE = [p for p in _streams() if "incomplete_partial_json" in p.name]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent (a clone without ../shared)")
def test_the_corpus_has_servable_streams() -> None:
    assert len(STREAMS) >= 8


@pytest.mark.parametrize("path", STREAMS, ids=[p.stem for p in STREAMS])
async def test_sdk_reads_corpus_stream_through_replay_server(path: Path, tmp_path: Path) -> None:
    events = _events(path)
    cassette = _cassette(events, path.name)
    expected = assemble_message(events)
    with ReplayServer(cassette, cwd=tmp_path) as server:
        client = anthropic.AsyncAnthropic(base_url=server.base_url, api_key="test", max_retries=0)
        async with client.messages.stream(
            model="m", max_tokens=100, messages=[{"role": "user", "content": "p"}]
        ) as stream:
            message = await stream.get_final_message()
        await client.close()
    got = [
        {"type": b.type, **({"text": b.text} if b.type == "text" else
                            {"id": b.id, "name": b.name, "input": b.input})}
        for b in message.content
    ]
    want = [
        {"type": b["type"], **({"text": b["text"]} if b["type"] == "text" else
                               {"id": b["id"], "name": b["name"], "input": b["input"]})}
        for b in expected["content"]
    ]
    assert got == want
    assert message.stop_reason == expected["stop_reason"]


@pytest.mark.parametrize("path", INCOMPLETE, ids=[p.stem for p in INCOMPLETE])
def test_incomplete_tool_input_streams_are_refused_with_a_clear_error(path: Path) -> None:
    """A cassette whose tool input JSON never completes is refused when loaded, not served."""
    with pytest.raises(CassetteError, match="(?i)json"):
        _cassette(_events(path), path.name)
