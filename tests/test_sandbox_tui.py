"""The sandbox from the TUI: /sandbox toggles it, and sandboxed commands run without a prompt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.scenarios import DemoRun, answer, to_pending_command, wait_until
from tui.sandbox.doctor import diagnose

pytestmark = pytest.mark.skipif(not diagnose().ok, reason="bubblewrap cannot run on this kernel")


async def test_slash_sandbox_shows_boundaries_and_toggles(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            await pilot.press(*"/sandbox", "enter")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "SandboxScreen",
                             what="the /sandbox panel")
            panel = run.app.screen
            assert "off" in str(panel.query_one("#sandbox-status").render())
            assert "bwrap" in str(panel.query_one("#sandbox-deps").render()).lower()
            await pilot.press("t")
            await wait_until(pilot, lambda: panel.info.enabled, what="sandbox on")
            local = run.cwd / ".claude" / "settings.local.json"
            assert json.loads(local.read_text())["sandbox"]["enabled"] is True
            boundaries = str(panel.query_one("#sandbox-boundaries").render())
            assert str(run.cwd) in boundaries
            assert screen.session.perm_ctx.sandbox.enabled
            await pilot.press("escape")
            assert run.app.screen is screen
    finally:
        run.close()


async def test_sandboxed_test_run_needs_no_prompt(tmp_path: Path) -> None:
    """With sandbox.enabled the demo's `python -m pytest -q` runs in bubblewrap, auto-allowed;
    the injected `curl | sh` still asks (the network-command block applies)."""
    run = DemoRun(tmp_path / "statskit")
    (run.cwd / ".claude").mkdir()
    (run.cwd / ".claude" / "settings.local.json").write_text(
        json.dumps({"sandbox": {"enabled": True}}))
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            await to_pending_command(pilot)
            assert screen.queue.cards[0].request.call.command.startswith("curl")
            await answer(pilot, "N", reason="no")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 2, what="edits")
            await answer(pilot, "y")
            await wait_until(pilot, lambda: len(screen.queue.cards) == 1, what="one edit")
            await answer(pilot, "y")
            await wait_until(pilot, lambda: not screen.turn_running, timeout=60, what="turn end")
            result = run.server.requests[-1]["messages"][-1]["content"][0]
            assert not result.get("is_error"), result
            assert "passed" in result["content"]
    finally:
        run.close()


async def test_new_host_prompt_once_session_and_always(tmp_path: Path) -> None:
    """A sandboxed command reaching a host not in the allowlist asks the user: `y` once, `s`
    for this session, `a` always (a WebFetch(domain:...) rule saved to local settings)."""
    import asyncio
    from types import SimpleNamespace

    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(140, 42)) as pilot:
            screen = run.app.main_screen
            session = screen.session
            await wait_until(pilot, lambda: session.ready, what="connect")
            async def aclose() -> None:
                return None

            session.network = SimpleNamespace(session_allowed=set(), aclose=aclose)
            screen.prompt.value = ""  # a half-typed prompt keeps the focus (and the keys)

            async def ask(host: str, key: str, reason: str | None = None) -> bool:
                task = asyncio.create_task(session._ask_host(host, 443))
                await wait_until(pilot, lambda: screen.queue.cards, what="the host card")
                card = screen.queue.cards[0]
                assert card.request.subject.summary == f"{host}:443"
                await answer(pilot, key)
                if key == "a":
                    await pilot.press("enter")  # keep the suggested rule
                return await task

            assert await ask("once.example", "y") == "once"
            assert "once.example" not in session.network.session_allowed
            assert await ask("session.example", "s") is True
            assert "session.example" in session.network.session_allowed
            assert await ask("always.example", "a") is True
            saved = json.loads((run.cwd / ".claude" / "settings.local.json").read_text())
            assert "WebFetch(domain:always.example)" in saved["permissions"]["allow"]
            assert await ask("no.example", "n") is False
    finally:
        run.close()
