"""The app outside the demo: no-key screen, the real-API path through ANTHROPIC_BASE_URL,
slash commands, the status line and the footer's key descriptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios import DemoRun, wait_until
from tui.app import WardenApp
from tui.cli import build_parser, make_config
from tui.demo.cassette import load_cassette
from tui.demo.launch import DEMO_CASSETTE
from tui.demo.server import ReplayServer


async def answer_trust(pilot, app: WardenApp, key: str) -> None:
    """Answer the workspace trust screen that a folder seen for the first time opens."""
    await wait_until(pilot, lambda: type(app.screen).__name__ == "TrustScreen"
                     and bool(app.screen.query("#trust-buttons Button")),
                     what="the trust screen")
    await pilot.press(key)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """A keychain with nothing in it (never the real one)."""
    import tui.credentials as creds

    real = creds.find_api_key
    monkeypatch.setattr(creds, "find_api_key", lambda env=None, **kw: real(env, use_keyring=False))


async def test_without_a_key_the_screen_says_how_to_provide_one(tmp_path: Path, no_keyring) -> None:
    config, _ = make_config(build_parser().parse_args(["--cwd", str(tmp_path)]))
    app = WardenApp(config)
    async with app.run_test(size=(100, 40)) as pilot:
        await answer_trust(pilot, app, "n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "NoKeyScreen", what="screen")

        def text() -> str:
            return " ".join(str(s.render()) for s in app.screen.query("MarkdownParagraph"))

        await wait_until(pilot, lambda: "ANTHROPIC_API_KEY" in text(), what="the key help")
        assert "warden --demo" in text()
        assert "warden login" in app.screen.query_one("Markdown").source
        await pilot.press("q")
    assert app.return_code == 0


async def test_real_api_path_uses_key_and_base_url_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the demo, `warden` uses ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY; no demo label."""
    project = tmp_path / "proj"
    project.mkdir()
    cassette = load_cassette(DEMO_CASSETTE.with_name("long_answer.json"))
    with ReplayServer(cassette, cwd=project) as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-local-only")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        config, _ = make_config(build_parser().parse_args(["--cwd", str(project),
                                                           "--model", "claude-test"]))
        app = WardenApp(config)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.main_screen
            assert screen.status.label == ""
            await answer_trust(pilot, app, "s")
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            assert screen.status.model == "claude-test"
            await pilot.press(*"Explain", "enter")
            await wait_until(pilot, lambda: screen.session.agent and len(
                screen.session.agent.messages) == 2 and not screen.turn_running, what="answer")
        assert server.requests[0]["model"] == "claude-test"
        assert server.requests[0]["messages"][0]["content"][0]["text"] == "Explain"
        tools = {t["name"] for t in server.requests[0]["tools"]}
        assert tools == {"Read", "Glob", "Grep", "Edit", "Write", "Bash", "WebFetch"}


async def test_slash_help_clear_and_quit(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 40)) as pilot:
            screen = run.app.main_screen
            screen.prompt.value = ""
            await pilot.press(*"/help", "enter")
            notices = screen.chat.texts("notice")
            assert any("/clear" in n and "/quit" in n for n in notices)
            await pilot.press(*"/clear", "enter")
            await pilot.pause()
            assert not screen.chat.texts() and not screen.chat.history.row_count
            await pilot.press(*"/nope", "enter")
            assert "Unknown command /nope" in screen.chat.texts("notice")[-1]
            await pilot.press(*"/quit", "enter")
            await pilot.pause()
        assert run.app.return_code == 0
    finally:
        run.close()


async def test_status_line_shows_mode_model_cwd_and_demo_label(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            text = str(run.app.main_screen.status.render())
            assert "default" in text
            assert run.cassette.model in text
            assert "statskit" in text
            assert "Demo: recorded model responses" in text
    finally:
        run.close()


def test_every_binding_has_a_description_and_an_id() -> None:
    from textual.binding import Binding

    from tui.screens.main import MainScreen
    from widgets.approval_queue import ApprovalCard

    for owner in (WardenApp, MainScreen, ApprovalCard):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.description, f"{owner.__name__} {binding.key} has no description"
            assert binding.id, f"{owner.__name__} {binding.key} has no id"


async def test_record_writes_a_cassette_that_replays_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`warden --record FILE`: the session's exchanges become a cassette that replays them."""
    project = tmp_path / "proj"
    project.mkdir()
    out = tmp_path / "session.json"
    original = load_cassette(DEMO_CASSETTE.with_name("long_answer.json"))
    with ReplayServer(original, cwd=project) as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-must-not-be-recorded")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        config, _ = make_config(build_parser().parse_args(
            ["--cwd", str(project), "--model", "claude-test", "--record", str(out)]))
        app = WardenApp(config)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.main_screen
            await answer_trust(pilot, app, "t")
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            await pilot.press(*"Explain", "enter")
            await wait_until(pilot, lambda: screen.session.agent and len(
                screen.session.agent.messages) == 2 and not screen.turn_running, what="answer")
            answer_text = screen.session.agent.messages[1]["content"][0]["text"]
        saved = app.main_screen.save_recording()
    assert saved == out.resolve()
    raw = out.read_text()
    assert "sk-test-must-not-be-recorded" not in raw
    recorded = load_cassette(out)
    assert recorded.prompt == "Explain" and recorded.model == "claude-test"
    replayed = "".join(
        e["data"]["delta"]["text"] for e in recorded.nodes[recorded.start].events
        if e["data"].get("type") == "content_block_delta"
    )
    assert replayed == answer_text
