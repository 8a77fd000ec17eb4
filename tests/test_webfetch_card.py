"""The WebFetch approval card (Pilot): what a user sees before a page is fetched, and the
"allow this domain" answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.fake_clock import FakeClock
from tui.approvals import Answer, ApprovalRequest
from tui.permissions.decision import Decision
from tui.tools.base import ToolContext
from tui.tools.webfetch import WebFetch
from widgets.approval_card import ApprovalCard, WebFetchCard
from widgets.approval_queue import ApprovalQueue

PROMPT = "[bold red]Summarise[/] the install steps"


class QueueApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ApprovalQueue(id="queue")


async def _request(tmp_path: Path, url: str) -> ApprovalRequest:
    call = await WebFetch().prepare("toolu_1", {"url": url, "prompt": PROMPT},
                                    ToolContext(cwd=tmp_path))
    from tui.permissions.engine import CallView
    from tui.permissions.suggest import suggest_rules

    rules = tuple(suggest_rules(CallView.of(call), None, tmp_path))
    return ApprovalRequest(call, Decision("ask", "No rule allows WebFetch, so Warden asks."),
                           asyncio.get_running_loop().create_future(), suggested_rules=rules)


def _lines(card: ApprovalCard) -> list[str]:
    return [str(static.render()) for static in card.query(Static)]


async def test_the_card_shows_url_host_local_address_and_prompt(tmp_path: Path) -> None:
    """A loopback URL the model gave as http: the card names the https URL fetched, the host
    and port, warns that it is this machine, and shows the prompt literally (markup off)."""
    app = QueueApp()
    async with app.run_test(size=(110, 30)) as pilot:
        request = await _request(tmp_path, "http://127.0.0.1:8443/docs?x=1")
        card = app.query_one(ApprovalQueue).add_request(request)
        await pilot.pause()
        assert isinstance(card, WebFetchCard)
        text = "\n".join(_lines(card))
        assert "WebFetch  Fetch a web page" in text
        assert "https://127.0.0.1:8443/docs?x=1" in text
        assert "Host: 127.0.0.1  port 8443" in text
        assert "127.0.0.1 is a loopback address: the page comes from this machine" in text
        assert "Model asked for: http://127.0.0.1:8443/docs?x=1  (fetched over HTTPS)" in text
        assert f"Prompt: {PROMPT}" in text
        assert "only its answer reaches the conversation" in text
        assert "a allow for this domain…" in text and "s this domain, this session" in text


async def test_a_public_host_gets_no_local_warning(tmp_path: Path) -> None:
    app = QueueApp()
    async with app.run_test(size=(110, 30)) as pilot:
        card = app.query_one(ApprovalQueue).add_request(
            await _request(tmp_path, "https://docs.python.org/3/"))
        await pilot.pause()
        text = "\n".join(_lines(card))
        assert "Host: docs.python.org" in text and "port" not in text.split("Host:")[1][:30]
        assert "loopback" not in text and "private" not in text and "Model asked" not in text


async def test_this_session_grants_the_domain_rule(tmp_path: Path,
                                                   guard_clock: FakeClock) -> None:
    app = QueueApp()
    async with app.run_test(size=(110, 30)) as pilot:
        request = await _request(tmp_path, "https://docs.python.org/3/")
        app.query_one(ApprovalQueue).add_request(request)
        await pilot.pause()
        guard_clock.advance(ApprovalCard.GUARD_SECONDS + 0.1)
        await pilot.press("s")
        await pilot.pause()
        assert request.future.result() == Answer("allow_session",
                                                 rules=("WebFetch(domain:docs.python.org)",))
