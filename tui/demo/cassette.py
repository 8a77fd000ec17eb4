"""Cassettes: recorded model answers that the replay server streams back.

A cassette is a JSON file (format ``warden-cassette/1``)::

    {"format": "warden-cassette/1", "description": str, "model": str, "prompt": str,
     "start": "<node id>",
     "nodes": {"<id>": {"events": [{"event": "message_start", "data": {...}}, ...],
                        "next": {"ok": id, "error": id, "denied": id, "prompt": id, "any": id},
                        "expect": {"user_text_contains": str}}}}

An optional top-level ``"side"`` maps a marker string to more nodes (same shape, no ``next``):
answers to *side requests* outside the conversation, such as the approval card's "explain
risks" request.  A request whose system prompt contains the marker is answered by the first of
those nodes whose ``expect`` fits its last user message (a node without ``expect`` fits any);
see :meth:`Cassette.resolve_side`.

``events`` are the exact server-sent events of one Messages API streaming response, in order
(``data`` is the JSON object of the ``data:`` line). Which node answers a request is decided
statelessly from the request's ``messages`` (see :meth:`Cassette.resolve`): the first user
message is answered by ``start``; every later user message is classified by
:func:`classify_user_message` and the previous node's ``next`` names the node that answers it.

The string ``{{cwd}}`` stands for the working directory the cassette is replayed in; it is
substituted in ``text_delta`` texts, ``input_json_delta`` partial JSON (JSON-escaped) and in
``expect``. A placeholder is never split across two deltas (:func:`load_cassette` checks it).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.fsutil import atomic_write_text
from tui.tool_results import DENIED_PREFIX

CASSETTE_FORMAT = "warden-cassette/1"
"""Value of the ``format`` key of every cassette file."""

CWD_PLACEHOLDER = "{{cwd}}"
"""Stands for the working directory of the replay in cassette texts and tool inputs."""

OUTCOMES = ("ok", "error", "denied", "prompt")
"""Outcomes of a user message, as returned by :func:`classify_user_message`."""

NEXT_KEYS = (*OUTCOMES, "any")
"""Keys allowed in a node's ``next`` mapping (``any`` is the fallback)."""

EXPECT_KEYS = ("user_text_contains",)
"""Keys allowed in a node's ``expect`` mapping."""

_DELTA_FIELDS = {
    "text_delta": "text",
    "input_json_delta": "partial_json",
    "thinking_delta": "thinking",
}


class CassetteError(Exception):
    """A cassette file is malformed, or a request does not fit the recorded conversation."""


@dataclass
class CassetteNode:
    """One recorded model response and where the conversation goes after it.

    Attributes:
        id: the node's key in ``Cassette.nodes``.
        events: SSE events, each ``{"event": str, "data": dict}``, message_start to message_stop.
        next: outcome (``ok``/``error``/``denied``/``prompt``/``any``) -> id of the next node.
        expect: optional checks on the user message this node answers
            (``{"user_text_contains": str}``).
    """

    id: str
    events: list[dict[str, Any]]
    next: dict[str, str] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    _ids: list[str] = field(default_factory=list, init=False, repr=False, compare=False)
    _ids_for: tuple[int, int] | None = field(default=None, init=False, repr=False,
                                             compare=False)

    def tool_uses(self) -> list[dict[str, Any]]:
        """The response's tool_use blocks, assembled: ``[{"type", "id", "name", "input"}]``.

        Inputs still contain ``{{cwd}}`` placeholders (use :func:`events_for` first to
        substitute them).
        """
        message = assemble_message(self.events)
        return [block for block in message["content"] if block.get("type") == "tool_use"]

    def tool_use_ids(self) -> list[str]:
        """Ids of the response's tool_use blocks, in order (assembled once: the replay server
        checks them for every node of a conversation on each request)."""
        key = id(self.events), len(self.events)
        if self._ids_for != key:
            self._ids = [block["id"] for block in self.tool_uses()]
            self._ids_for = key
        return list(self._ids)

    @property
    def stop_reason(self) -> str | None:
        """The stop_reason sent in the node's message_delta event (None if there is none)."""
        for event in self.events:
            if event["event"] == "message_delta":
                return event["data"].get("delta", {}).get("stop_reason")
        return None

    def to_dict(self) -> dict[str, Any]:
        """The node as stored in a cassette file (without its id)."""
        out: dict[str, Any] = {"events": self.events, "next": dict(self.next)}
        if self.expect:
            out["expect"] = dict(self.expect)
        return out


@dataclass
class Cassette:
    """A recorded conversation graph (see the module docstring for the file format).

    Attributes:
        description: free text for humans.
        model: model name the recording used (the demo sends it in requests).
        prompt: the user's first prompt (the demo pre-fills the input with it).
        start: id of the node answering the first user message.
        nodes: node id -> node.
        source: the file the cassette was loaded from, if any (used in error messages).
    """

    description: str
    model: str
    prompt: str
    start: str
    nodes: dict[str, CassetteNode]
    source: str | None = None
    side: dict[str, dict[str, CassetteNode]] = field(default_factory=dict)
    """Side requests: system-prompt marker -> node id -> node (see the module docstring)."""

    @property
    def name(self) -> str:
        """Short name for messages: the file name, or ``<cassette>``."""
        return Path(self.source).name if self.source else "<cassette>"

    def resolve(
        self, messages: Sequence[Mapping[str, Any]], *, cwd: str | Path | None = None
    ) -> CassetteNode:
        """Return the node whose events answer a request with these ``messages``.

        Args:
            messages: the request body's ``messages``: user, assistant, user, ... ending with a
                user message (content a string or a list of content blocks, as JSON dicts).
            cwd: working directory substituted for ``{{cwd}}`` in ``expect`` checks; None
                leaves the placeholder as it is.

        Raises:
            CassetteError: roles do not alternate, a tool_use of the previous response has no
                (or more than one) tool_result, no branch exists for a user message's outcome,
                or an ``expect`` check fails. The message names the node and outcome.
        """
        return self.trace(messages, cwd=cwd)[-1]

    def resolve_side(
        self, system: str, messages: Sequence[Mapping[str, Any]], *,
        cwd: str | Path | None = None,
    ) -> CassetteNode | None:
        """The side node answering a request with this system prompt, or None when the system
        prompt carries no marker of :attr:`side` (then :meth:`resolve` applies).

        Raises:
            CassetteError: a marker matches but none of its nodes fits the last user message.
        """
        for marker, nodes in self.side.items():
            if marker not in system:
                continue
            last = messages[-1] if messages else {}
            for node in nodes.values():
                try:
                    self._check_expect(node, last, len(messages) - 1, cwd)
                except CassetteError:
                    continue
                return node
            raise CassetteError(
                f"{self.name}: no recorded answer to this {marker} request "
                f"(its nodes: {', '.join(nodes) or 'none'})"
            )
        return None

    def trace(
        self, messages: Sequence[Mapping[str, Any]], *, cwd: str | Path | None = None
    ) -> list[CassetteNode]:
        """Like :meth:`resolve`, but return every node along the way, one per user message."""
        if not messages:
            raise CassetteError(f"{self.name}: the request has no messages")
        for index, message in enumerate(messages):
            role = message.get("role") if isinstance(message, Mapping) else None
            wanted = "user" if index % 2 == 0 else "assistant"
            if role != wanted:
                raise CassetteError(
                    f"{self.name}: message {index} has role {role!r}, expected {wanted!r} "
                    "(a recorded conversation alternates user and assistant, starting and "
                    "ending with user)"
                )
        if len(messages) % 2 == 0:
            raise CassetteError(f"{self.name}: the last message must be a user message")

        node = self.nodes[self.start]
        self._check_expect(node, messages[0], 0, cwd)
        path = [node]
        for index in range(2, len(messages), 2):
            user = messages[index]
            _check_tool_results(self.name, node, user, index)
            outcome = classify_user_message(user)
            target = node.next.get(outcome) or node.next.get("any")
            if target is None:
                branches = ", ".join(sorted(node.next)) or "none (the conversation ends here)"
                raise CassetteError(
                    f"{self.name}: node {node.id!r} has no recorded answer for outcome "
                    f"{outcome!r} (user message {index}); its branches: {branches}"
                )
            node = self.nodes[target]
            self._check_expect(node, user, index, cwd)
            path.append(node)
        return path

    def _check_expect(
        self,
        node: CassetteNode,
        message: Mapping[str, Any],
        index: int,
        cwd: str | Path | None,
    ) -> None:
        wanted = node.expect.get("user_text_contains")
        if wanted is None:
            return
        if cwd is not None:
            wanted = wanted.replace(CWD_PLACEHOLDER, str(cwd))
        if wanted not in user_message_text(message):
            raise CassetteError(
                f"{self.name}: node {node.id!r} expects user message {index} to contain "
                f"{wanted!r}, and it does not"
            )

    def to_dict(self) -> dict[str, Any]:
        """The cassette as a JSON-ready dict (the file format)."""
        out: dict[str, Any] = {
            "format": CASSETTE_FORMAT,
            "description": self.description,
            "model": self.model,
            "prompt": self.prompt,
            "start": self.start,
            "nodes": {node_id: node.to_dict() for node_id, node in self.nodes.items()},
        }
        if self.side:
            out["side"] = {marker: {node_id: node.to_dict() for node_id, node in nodes.items()}
                           for marker, nodes in self.side.items()}
        return out

    def to_json(self) -> str:
        """The file's text: deterministic, two-space indented, one SSE event per line, ending
        with a newline (so that regenerated cassettes diff cleanly)."""
        head = {key: value for key, value in self.to_dict().items()
                if key not in ("nodes", "side")}
        lines = ["{"]
        for key, value in head.items():
            lines.append(f"  {json.dumps(key)}: {_dumps(value)},")
        lines.append('  "nodes": {')
        lines += _node_lines(self.nodes, "    ")
        if not self.side:
            lines.append("  }")
        else:
            lines.append("  },")
            lines.append('  "side": {')
            for m, (marker, nodes) in enumerate(self.side.items()):
                lines.append(f"    {json.dumps(marker)}: {{")
                lines += _node_lines(nodes, "      ")
                lines.append("    }" + ("," if m < len(self.side) - 1 else ""))
            lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def save(self, path: str | Path, *, mode: int = 0o644) -> None:
        """Write :meth:`to_json` to ``path`` atomically (:func:`tui.fsutil.atomic_write_text`).

        Args:
            path: destination file; missing parent directories are created.
            mode: permission bits of the written file.

        Raises:
            OSError: the directory is not writable.
        """
        atomic_write_text(Path(path), self.to_json(), mode=mode)


def _node_lines(nodes: Mapping[str, CassetteNode], indent: str) -> list[str]:
    """Nodes as :meth:`Cassette.to_json` writes them: one SSE event per line."""
    lines = []
    for n, (node_id, node) in enumerate(nodes.items()):
        lines.append(f"{indent}{json.dumps(node_id)}: {{")
        lines.append(f'{indent}  "events": [')
        for e, event in enumerate(node.events):
            comma = "," if e < len(node.events) - 1 else ""
            lines.append(f"{indent}    {_dumps(event)}{comma}")
        lines.append(f"{indent}  ],")
        tail = f'{indent}  "next": {_dumps(node.next)}'
        if node.expect:
            tail += f',\n{indent}  "expect": {_dumps(node.expect)}'
        lines.append(tail)
        lines.append(indent + "}" + ("," if n < len(nodes) - 1 else ""))
    return lines


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


# --- user messages -------------------------------------------------------------------------


def _blocks(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, list):
        return [block for block in content if isinstance(block, Mapping)]
    return []


def tool_result_text(block: Mapping[str, Any]) -> str:
    """Text of a tool_result block: its string content, or its text blocks joined by newlines."""
    content = block.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text"
        )
    return ""


def user_message_text(message: Mapping[str, Any]) -> str:
    """Text typed by the user in a message: string content, or its text blocks joined by
    newlines (tool_result contents are not included)."""
    return "\n".join(
        str(block.get("text", "")) for block in _blocks(message) if block.get("type") == "text"
    )


def classify_user_message(message: Mapping[str, Any]) -> str:
    """Classify a user message for branching: ``denied``, ``error``, ``ok`` or ``prompt``.

    ``denied``: some tool_result has ``is_error: true`` and text starting with
    :data:`~tui.tool_results.DENIED_PREFIX`; else ``error``: some tool_result has
    ``is_error: true``; else ``ok``: the message has tool_result blocks; else ``prompt``.
    """
    results = [block for block in _blocks(message) if block.get("type") == "tool_result"]
    if not results:
        return "prompt"
    errors = [block for block in results if block.get("is_error") is True]
    if any(tool_result_text(block).startswith(DENIED_PREFIX) for block in errors):
        return "denied"
    if errors:
        return "error"
    return "ok"


def _check_tool_results(
    name: str, node: CassetteNode, message: Mapping[str, Any], index: int
) -> None:
    expected = node.tool_use_ids()
    got = [
        str(block.get("tool_use_id"))
        for block in _blocks(message)
        if block.get("type") == "tool_result"
    ]
    if not expected:
        if got:
            raise CassetteError(
                f"{name}: user message {index} has tool_result blocks, but node {node.id!r} "
                "asked for no tool use"
            )
        return
    missing = [tool_id for tool_id in expected if tool_id not in got]
    extra = sorted({tool_id for tool_id in got if tool_id not in expected})
    doubled = sorted({tool_id for tool_id in got if got.count(tool_id) > 1})
    if missing or extra or doubled:
        problems = []
        if missing:
            problems.append(f"no tool_result for {', '.join(missing)}")
        if extra:
            problems.append(f"tool_result for unknown id {', '.join(extra)}")
        if doubled:
            problems.append(f"more than one tool_result for {', '.join(doubled)}")
        raise CassetteError(
            f"{name}: user message {index} answers node {node.id!r} (outcome "
            f"{classify_user_message(message)!r}) but must carry exactly one tool_result per "
            f"tool_use ({', '.join(expected)}): {'; '.join(problems)}"
        )


# --- events --------------------------------------------------------------------------------


def events_for(node: CassetteNode, cwd: str | Path) -> list[dict[str, Any]]:
    """The node's events with ``{{cwd}}`` replaced by ``cwd`` (a deep copy).

    The raw path goes into ``text_delta.text`` (and ``thinking_delta.thinking``); the
    JSON-string-escaped path (``json.dumps(path)[1:-1]``) into ``input_json_delta.partial_json``.
    """
    raw = str(cwd)
    escaped = json.dumps(raw)[1:-1]
    events = copy.deepcopy(node.events)
    for event in events:
        data = event["data"]
        if data.get("type") != "content_block_delta":
            continue
        delta = data.get("delta", {})
        key = _DELTA_FIELDS.get(delta.get("type", ""))
        if key is None or not isinstance(delta.get(key), str):
            continue
        value = escaped if key == "partial_json" else raw
        delta[key] = delta[key].replace(CWD_PLACEHOLDER, value)
    return events


def assemble_message(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Build the final Message JSON (as a non-streaming request returns it) from SSE events.

    Text and thinking deltas are concatenated, tool inputs parsed from their partial JSON
    (empty -> ``{}``), and stop_reason, stop_sequence and usage taken from message_delta.

    Raises:
        CassetteError: the events do not start with message_start, a delta names an unknown
            block, or a tool input is not valid JSON.
    """
    message: dict[str, Any] | None = None
    buffers: dict[int, str] = {}
    for event in events:
        data = event["data"]
        kind = data.get("type")
        if kind == "message_start":
            message = copy.deepcopy(data["message"])
            message["content"] = []
            continue
        if kind in ("ping", "message_stop", "error"):
            continue
        if message is None:
            raise CassetteError(f"event {kind!r} before message_start")
        if kind == "content_block_start":
            message["content"].append(copy.deepcopy(data["content_block"]))
        elif kind == "content_block_delta":
            index = data["index"]
            if not 0 <= index < len(message["content"]):
                raise CassetteError(f"content_block_delta for unknown block {index}")
            block = message["content"][index]
            delta = data["delta"]
            delta_type = delta.get("type")
            if delta_type == "text_delta":
                block["text"] = block.get("text", "") + delta["text"]
            elif delta_type == "input_json_delta":
                buffers[index] = buffers.get(index, "") + delta["partial_json"]
            elif delta_type == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + delta["thinking"]
            elif delta_type == "signature_delta":
                block["signature"] = delta["signature"]
            elif delta_type == "citations_delta":
                block.setdefault("citations", []).append(delta["citation"])
        elif kind == "content_block_stop":
            index = data["index"]
            if index in buffers:
                text = buffers.pop(index)
                try:
                    message["content"][index]["input"] = json.loads(text) if text else {}
                except json.JSONDecodeError as exc:
                    raise CassetteError(f"tool input of block {index} is not JSON: {exc}") from exc
        elif kind == "message_delta":
            delta = data.get("delta", {})
            for key in ("stop_reason", "stop_sequence"):
                if key in delta:
                    message[key] = delta[key]
            usage = data.get("usage") or {}
            message.setdefault("usage", {}).update(
                {key: value for key, value in usage.items() if value is not None}
            )
    if message is None:
        raise CassetteError("no message_start event")
    for index, text in buffers.items():  # blocks never stopped (an interrupted stream)
        try:
            message["content"][index]["input"] = json.loads(text) if text else {}
        except json.JSONDecodeError:
            message["content"][index]["input"] = {}
    return message


def validate_stream(events: Sequence[Mapping[str, Any]]) -> None:
    """Check that events form a well-ordered Messages API stream.

    message_start first; content blocks started in index order, deltas and stops only for
    open blocks, delta types matching the block type; one message_delta; message_stop last
    (or a final ``error`` event); ``{{cwd}}`` never split across two deltas of a block.

    Raises:
        CassetteError: with the reason (the caller adds the node and file).
    """
    if not events:
        raise CassetteError("no events")
    for number, event in enumerate(events):
        if not isinstance(event, Mapping) or not isinstance(event.get("event"), str):
            raise CassetteError(f"event {number} must be an object with a string 'event'")
        data = event.get("data")
        if not isinstance(data, Mapping) or data.get("type") != event["event"]:
            raise CassetteError(
                f"event {number}: 'data' must be an object whose 'type' equals the event name "
                f"{event['event']!r}"
            )
    kinds = [event["event"] for event in events]
    if kinds[0] != "message_start":
        raise CassetteError(f"the first event is {kinds[0]!r}, not 'message_start'")
    if kinds[-1] not in ("message_stop", "error"):
        raise CassetteError(f"the last event is {kinds[-1]!r}, not 'message_stop'")
    if kinds.count("message_start") != 1:
        raise CassetteError("more than one message_start")
    block_types: list[str] = []
    open_blocks: set[int] = set()
    pieces: dict[int, list[str]] = {}
    seen_delta = False
    allowed = {
        "text": {"text_delta", "citations_delta"},
        "tool_use": {"input_json_delta"},
        "server_tool_use": {"input_json_delta"},
        "thinking": {"thinking_delta", "signature_delta"},
    }
    for number, event in enumerate(events):
        data = event["data"]
        kind = event["event"]
        if kind == "content_block_start":
            index = data.get("index")
            block = data.get("content_block")
            if index != len(block_types) or not isinstance(block, Mapping):
                raise CassetteError(f"event {number}: content_block_start out of order")
            block_types.append(str(block.get("type")))
            open_blocks.add(index)
        elif kind in ("content_block_delta", "content_block_stop"):
            index = data.get("index")
            if index not in open_blocks:
                raise CassetteError(f"event {number}: {kind} for block {index}, which is not open")
            if kind == "content_block_stop":
                open_blocks.discard(index)
                continue
            delta = data.get("delta")
            if not isinstance(delta, Mapping):
                raise CassetteError(f"event {number}: content_block_delta without a delta")
            delta_type = str(delta.get("type"))
            fits = allowed.get(block_types[index])
            if fits is not None and delta_type not in fits:
                raise CassetteError(
                    f"event {number}: {delta_type} in a {block_types[index]} block"
                )
            key = _DELTA_FIELDS.get(delta_type)
            if key is not None:
                if not isinstance(delta.get(key), str):
                    raise CassetteError(f"event {number}: {delta_type} without a string {key!r}")
                pieces.setdefault(index, []).append(delta[key])
        elif kind == "message_delta":
            if seen_delta:
                raise CassetteError(f"event {number}: more than one message_delta")
            if open_blocks:
                raise CassetteError(f"event {number}: message_delta while blocks are open")
            seen_delta = True
    if kinds[-1] == "message_stop" and not seen_delta:
        raise CassetteError("no message_delta before message_stop")
    for index, parts in pieces.items():
        whole = "".join(parts).count(CWD_PLACEHOLDER)
        if whole != sum(part.count(CWD_PLACEHOLDER) for part in parts):
            raise CassetteError(
                f"the placeholder {CWD_PLACEHOLDER} is split across two deltas in block {index}"
            )


# --- chunking (used to build and to record cassettes) -------------------------------------

_WORD = re.compile(
    r"\n+|[ \t]{2,}|'[a-z]{1,2}\b|[ \t]?[A-Za-z]+|[ \t]?\d{1,3}|[ \t]?[^\sA-Za-z\d]{1,3}|[ \t]"
)
_CHUNK_SIZES = (4, 7, 3, 5, 9, 2, 6, 8, 4, 5)


def split_text(text: str, *, size: int = 4) -> list[str]:
    """Split text into token-sized deltas (about ``size`` characters: words with their leading
    space, longer words cut, runs of punctuation, contractions such as ``'ll``); ``{{cwd}}`` is
    never split. ``"".join(result) == text``."""
    tokens: list[str] = []
    for part in re.split(r"(\{\{cwd\}\})", text):
        if part == CWD_PLACEHOLDER:
            tokens.append(part)
            continue
        for match in _WORD.finditer(part):
            piece = match.group(0)
            if len(piece) <= size + 2:
                tokens.append(piece)
                continue
            start = 0
            while start < len(piece):
                take = size + 1 if start == 0 and piece[0] in " \t" else size
                if len(piece) - start - take <= 2:
                    take = len(piece) - start
                tokens.append(piece[start : start + take])
                start += take
    return tokens


def split_json(text: str) -> list[str]:
    """Split serialised JSON into ``partial_json`` chunks of 2-9 characters (cycling sizes,
    deterministic), never splitting ``{{cwd}}``. ``"".join(result) == text``."""
    chunks: list[str] = []
    turn = 0
    for part in re.split(r"(\{\{cwd\}\})", text):
        if not part:
            continue
        if part == CWD_PLACEHOLDER:
            chunks.append(part)
            continue
        start = 0
        while start < len(part):
            size = _CHUNK_SIZES[turn % len(_CHUNK_SIZES)]
            turn += 1
            chunks.append(part[start : start + size])
            start += size
    return chunks


def events_from_message(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Stream events for a complete Message (the inverse of :func:`assemble_message`).

    Text is split with :func:`split_text`, tool inputs serialised with ``json.dumps`` and split
    with :func:`split_json` (after an empty first chunk, as the API sends). Usage goes into
    message_start (``output_tokens`` 1) and message_delta (the message's ``output_tokens``).

    Args:
        message: ``{"id", "model", "content": [...], "stop_reason", "usage", ...}``.
    """
    usage = dict(message.get("usage") or {})
    start: dict[str, Any] = {
        "model": message.get("model"),
        "id": message.get("id"),
        "type": "message",
        "role": "assistant",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    for key, value in message.items():
        start.setdefault(key, copy.deepcopy(value))
    events: list[dict[str, Any]] = [_event("message_start", message=start)]
    for index, block in enumerate(message.get("content") or []):
        kind = block.get("type")
        if kind == "text":
            events.append(_event("content_block_start", index=index,
                                 content_block={"type": "text", "text": ""}))
            for piece in split_text(block.get("text", "")):
                events.append(_delta(index, {"type": "text_delta", "text": piece}))
        elif kind in ("tool_use", "server_tool_use"):
            head = {key: value for key, value in block.items() if key != "input"}
            events.append(_event("content_block_start", index=index,
                                 content_block={**head, "input": {}}))
            for piece in ["", *split_json(json.dumps(block.get("input", {}), ensure_ascii=False))]:
                events.append(_delta(index, {"type": "input_json_delta", "partial_json": piece}))
        elif kind == "thinking":
            events.append(_event("content_block_start", index=index,
                                 content_block={"type": "thinking", "thinking": "",
                                                "signature": ""}))
            for piece in split_text(block.get("thinking", "")):
                events.append(_delta(index, {"type": "thinking_delta", "thinking": piece}))
            if block.get("signature"):
                events.append(
                    _delta(index, {"type": "signature_delta", "signature": block["signature"]})
                )
        else:
            events.append(_event("content_block_start", index=index,
                                 content_block=copy.deepcopy(dict(block))))
        events.append(_event("content_block_stop", index=index))
    events.append(
        _event(
            "message_delta",
            delta={"stop_reason": message.get("stop_reason"),
                   "stop_sequence": message.get("stop_sequence")},
            usage={"output_tokens": usage.get("output_tokens", 0)},
        )
    )
    events.append(_event("message_stop"))
    return events


def _event(kind: str, **data: Any) -> dict[str, Any]:
    return {"event": kind, "data": {"type": kind, **data}}


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return _event("content_block_delta", index=index, delta=delta)


# --- loading -------------------------------------------------------------------------------


def load_cassette(path: str | Path) -> Cassette:
    """Read and validate a cassette file.

    Raises:
        CassetteError: the file cannot be read, is not JSON, or is malformed (wrong format
            tag, missing or mistyped keys, unknown node ids in ``start``/``next``, invalid
            event streams, a ``{{cwd}}`` split across deltas); the message names the file,
            the node and the reason.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteError(f"{path}: cannot read the cassette: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CassetteError(f"{path}: not valid JSON: {exc}") from exc
    return cassette_from_dict(data, source=str(path))


def cassette_from_dict(data: Any, *, source: str | None = None) -> Cassette:
    """Validate a parsed cassette (the JSON object of a file) and build a :class:`Cassette`.

    Raises:
        CassetteError: as for :func:`load_cassette`; ``source`` (a file name) prefixes messages.
    """
    where = source or "<cassette>"

    def fail(reason: str) -> CassetteError:
        return CassetteError(f"{where}: {reason}")

    if not isinstance(data, dict):
        raise fail("the top level must be a JSON object")
    if data.get("format") != CASSETTE_FORMAT:
        raise fail(f"'format' must be {CASSETTE_FORMAT!r}, got {data.get('format')!r}")
    for key in ("description", "model", "prompt", "start"):
        if not isinstance(data.get(key, "" if key in ("description", "prompt") else None), str):
            raise fail(f"{key!r} must be a string")
    nodes_data = data.get("nodes")
    if not isinstance(nodes_data, dict) or not nodes_data:
        raise fail("'nodes' must be a non-empty object")
    nodes = {node_id: _parse_node(node_id, raw, fail) for node_id, raw in nodes_data.items()}
    side: dict[str, dict[str, CassetteNode]] = {}
    side_data = data.get("side", {})
    if not isinstance(side_data, dict):
        raise fail("'side' must map markers to nodes")
    for marker, group in side_data.items():
        if not marker or not isinstance(group, dict) or not group:
            raise fail(f"side {marker!r} must be a non-empty object of nodes")
        side[marker] = {node_id: _parse_node(node_id, raw, fail) for node_id, raw in group.items()}
        for node in side[marker].values():
            if node.next:
                raise fail(f"side node {node.id!r}: side answers have no 'next'")
            try:
                assemble_message(node.events)
            except CassetteError as exc:
                raise fail(f"side node {node.id!r}: {exc}") from None
    start = data["start"]
    if start not in nodes:
        raise fail(f"'start' names unknown node {start!r}")
    for node in nodes.values():
        for outcome, target in node.next.items():
            if target not in nodes:
                raise fail(f"node {node.id!r}: next[{outcome!r}] names unknown node {target!r}")
        try:
            assemble_message(node.events)
        except CassetteError as exc:
            raise fail(f"node {node.id!r}: {exc}") from None
    return Cassette(
        description=data.get("description", ""),
        model=data["model"],
        prompt=data.get("prompt", ""),
        start=start,
        nodes=nodes,
        source=source,
        side=side,
    )


def _parse_node(node_id: str, raw: Any, fail: Any) -> CassetteNode:
    """Validate one node of a cassette file; ``fail(reason)`` builds the error to raise."""
    if not isinstance(raw, dict):
        raise fail(f"node {node_id!r} must be an object")
    unknown = sorted(set(raw) - {"events", "next", "expect"})
    if unknown:
        raise fail(f"node {node_id!r} has unknown keys {unknown}")
    events = raw.get("events")
    if not isinstance(events, list):
        raise fail(f"node {node_id!r}: 'events' must be a list")
    try:
        validate_stream(events)
    except CassetteError as exc:
        raise fail(f"node {node_id!r}: {exc}") from None
    next_ = raw.get("next", {})
    if not isinstance(next_, dict) or not all(isinstance(v, str) for v in next_.values()):
        raise fail(f"node {node_id!r}: 'next' must map outcomes to node ids")
    bad = sorted(set(next_) - set(NEXT_KEYS))
    if bad:
        raise fail(f"node {node_id!r}: unknown outcome(s) {bad} in 'next' "
                   f"(allowed: {', '.join(NEXT_KEYS)})")
    expect = raw.get("expect", {})
    if not isinstance(expect, dict) or not all(isinstance(v, str) for v in expect.values()):
        raise fail(f"node {node_id!r}: 'expect' must map keys to strings")
    bad = sorted(set(expect) - set(EXPECT_KEYS))
    if bad:
        raise fail(f"node {node_id!r}: unknown key(s) {bad} in 'expect'")
    return CassetteNode(id=node_id, events=events, next=dict(next_), expect=dict(expect))
