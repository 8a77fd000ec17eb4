"""Claude Code's model aliases (``sonnet``, ``opus``, ``haiku``, ``default``, ``[1m]``).

Source: https://code.claude.com/docs/en/model-config.  The request side is checked against a
loopback fake of the Messages API that records what the SDK sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tui.agent.client import ClientConfig, make_client
from tui.agent.models import (
    FALLBACK_MODEL,
    ModelChoice,
    configured_model,
    context_1m_beta,
    pick_newest,
    resolve_model,
    sdk_model_names,
)

KNOWN = [
    "claude-sonnet-4-6", "claude-sonnet-5-5", "claude-sonnet-5",
    "claude-opus-4-8", "claude-opus-5-5", "claude-opus-5",
    "claude-haiku-4-5-20251001", "claude-haiku-4-5", "claude-haiku-5-5",
    "claude-fable-5-2",
]
BETAS = ["context-1m-2025-08-07", "interleaved-thinking-2025-05-14"]


def resolve(name: str | None, env: dict[str, str] | None = None) -> ModelChoice:
    return resolve_model(name, env, known=KNOWN, known_betas=BETAS)


def test_pick_newest_per_family() -> None:
    assert pick_newest("sonnet", KNOWN) == "claude-sonnet-5-5"
    assert pick_newest("opus", KNOWN) == "claude-opus-5-5"
    assert pick_newest("haiku", ["claude-haiku-4-5-20251001", "claude-haiku-4-5"]) == (
        "claude-haiku-4-5"
    )
    assert pick_newest("fable", KNOWN) is None  # not an alias family
    assert pick_newest("opus", ["claude-sonnet-5"]) is None


@pytest.mark.parametrize(
    ("requested", "name"),
    [
        ("sonnet", "claude-sonnet-5-5"),
        ("opus", "claude-opus-5-5"),
        ("haiku", "claude-haiku-5-5"),
        ("Opus", "claude-opus-5-5"),
        (" haiku ", "claude-haiku-5-5"),
        ("default", "claude-sonnet-5-5"),
        (None, "claude-sonnet-5-5"),
    ],
)
def test_aliases_resolve_to_the_newest_of_their_family(requested: str | None, name: str) -> None:
    choice = resolve(requested)
    assert choice == ModelChoice(name=name, betas=(), requested=requested)


@pytest.mark.parametrize(
    "requested",
    ["claude-opus-4-8", "claude-sonnet-4-5-20250929", "my-gateway-model", "opusplan", "sonnet-x"],
)
def test_other_names_pass_through_unchanged(requested: str) -> None:
    assert resolve(requested) == ModelChoice(name=requested, betas=(), requested=requested)


@pytest.mark.parametrize(
    ("requested", "name"),
    [
        ("sonnet[1m]", "claude-sonnet-5-5"),
        ("opus[1M]", "claude-opus-5-5"),
        ("claude-sonnet-4-6[1m]", "claude-sonnet-4-6"),
        ("my-model[1m]", "my-model"),
    ],
)
def test_1m_suffix_is_stripped_and_asks_for_the_context_beta(requested: str, name: str) -> None:
    choice = resolve(requested)
    assert choice.name == name
    assert choice.betas == ("context-1m-2025-08-07",)


def test_1m_inside_a_name_is_not_a_suffix() -> None:
    assert resolve("sonnet[1m]-x") == ModelChoice("sonnet[1m]-x", (), "sonnet[1m]-x")


def test_default_family_variables_override_an_alias() -> None:
    env = {"ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-opus-4-8",
           "ANTHROPIC_DEFAULT_HAIKU_MODEL": "  "}
    assert resolve("opus", env).name == "claude-opus-4-8"
    assert resolve("opus[1m]", env) == ModelChoice(
        "claude-opus-4-8", ("context-1m-2025-08-07",), "opus[1m]"
    )
    assert resolve("haiku", env).name == "claude-haiku-5-5"  # blank is unset
    assert resolve("claude-opus-5", env).name == "claude-opus-5"  # full names are not aliases


def test_family_missing_from_the_sdk_list() -> None:
    assert resolve_model("sonnet", None, known=["claude-opus-5"]).name == FALLBACK_MODEL
    assert resolve_model("haiku", None, known=["claude-opus-5"]).name == "haiku"


def test_context_beta_is_read_from_the_sdk_list() -> None:
    assert context_1m_beta(["context-1m-2025-08-07", "context-1m-2027-01-01", "x"]) == (
        "context-1m-2027-01-01"
    )
    assert context_1m_beta([]) == "context-1m-2025-08-07"
    real = context_1m_beta()
    assert real.startswith("context-1m-")


def test_aliases_against_the_installed_sdk() -> None:
    names = sdk_model_names()
    for family in ("sonnet", "opus", "haiku"):
        choice = resolve_model(family)
        assert choice.name.startswith(f"claude-{family}-")
        assert choice.name in names


@pytest.mark.parametrize("where", ["cli", "env", "settings"])
def test_aliases_work_from_every_place_a_model_is_set(where: str) -> None:
    cli = "sonnet[1m]" if where == "cli" else None
    env = {"ANTHROPIC_MODEL": "sonnet[1m]"} if where == "env" else {}
    settings = "sonnet[1m]" if where == "settings" else None
    choice = resolve(configured_model(cli, env, settings))
    assert choice == ModelChoice("claude-sonnet-5-5", ("context-1m-2025-08-07",), "sonnet[1m]")


# -- the request --------------------------------------------------------------------------------


class _FakeMessagesApi(BaseHTTPRequestHandler):
    seen: list[tuple[dict[str, str], dict[str, Any]]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        type(self).seen.append(({k.lower(): v for k, v in self.headers.items()}, body))
        reply = json.dumps({
            "id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
            "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1},
        }).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


@pytest.fixture
def fake_api() -> Iterator[tuple[str, list[tuple[dict[str, str], dict[str, Any]]]]]:
    seen: list[tuple[dict[str, str], dict[str, Any]]] = []
    handler = type("Handler", (_FakeMessagesApi,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


async def _send(base_url: str, choice: ModelChoice) -> None:
    client, _ = make_client(ClientConfig(api_key="test-key", base_url=base_url, max_retries=0,
                                         betas=choice.betas))
    try:
        await client.messages.create(model=choice.name, max_tokens=8,
                                     messages=[{"role": "user", "content": "hi"}])
    finally:
        await client.close()


async def test_1m_request_carries_the_beta_header_and_the_bare_name(fake_api) -> None:
    base_url, seen = fake_api
    await _send(base_url, resolve(configured_model(None, {"ANTHROPIC_MODEL": "opus[1m]"}, None)))
    headers, body = seen[-1]
    assert body["model"] == "claude-opus-5-5"
    assert headers["anthropic-beta"] == "context-1m-2025-08-07"


async def test_plain_request_has_no_beta_header(fake_api) -> None:
    base_url, seen = fake_api
    await _send(base_url, resolve("claude-opus-4-8"))
    headers, body = seen[-1]
    assert body["model"] == "claude-opus-4-8"
    assert "anthropic-beta" not in headers


def test_the_session_sends_the_resolved_alias_and_the_1m_beta(tmp_path) -> None:
    """``warden --model sonnet[1m]``: the session asks for the newest Sonnet by its full name,
    with the 1M-context beta header on every request."""
    from tui.agent.models import context_1m_beta, newest_sonnet
    from tui.agent.session import AgentSession
    from tui.config import AppConfig

    session = AgentSession(AppConfig(cwd=tmp_path, model="sonnet[1m]", api_key="sk-test",
                                     base_url="http://127.0.0.1:9"), lambda e: None)
    assert session._connect_sync() == newest_sonnet()
    assert session.agent.model == newest_sonnet()
    headers = session.agent.client.default_headers
    assert headers.get("anthropic-beta") == context_1m_beta()
