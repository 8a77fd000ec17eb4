"""The "explain more" key (``e`` on a Bash card): the separate risk request, its parsing, the
demo's recorded answers, and the note on the card."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel
from textual.app import App, ComposeResult

from tests.scenarios import DemoRun, answer, to_pending_command, wait_until
from tui.agent.explain_more import (
    EXPLAIN_RISKS_MARKER,
    MAX_TOKENS,
    RiskNote,
    explain_risks,
    parse_risk_note,
)
from tui.approvals import ApprovalRequest
from tui.demo.build_cassettes import INJECTED_COMMAND
from tui.demo.cassette import CassetteError, cassette_from_dict, load_cassette
from tui.demo.launch import DEMO_CASSETTE
from tui.permissions.decision import Decision
from tui.tools.base import ToolCall
from widgets.approval_queue import ApprovalQueue, CommandCard
from widgets.risk_note import RiskNoteView

# --- parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reply", "level", "text"), [
    ("Risk: High\nIt deletes things.", "high", "It deletes things."),
    ("risk: low\n\nRead-only.", "low", "Read-only."),
    ("Risk: Medium\nWrites files.", "medium", "Writes files."),
    ("Risk: Med\nx", "medium", "x"),
    ("**Risk: High**\nx", "high", "x"),
    ("  Risk - HIGH.\nx", "high", "x"),
    ("Risk level: Low\nx", "low", "x"),
])
def test_parse_a_leading_risk_line(reply: str, level: str, text: str) -> None:
    assert parse_risk_note(reply) == RiskNote(level, text)  # type: ignore[arg-type]


@pytest.mark.parametrize("reply", [
    "This command lists files.\nRisk: Low",  # not the first line
    "Risk: Highly unusual\nx",
    "Risk: catastrophic\nx",
    "Risk:\nHigh",
    "",
])
def test_anything_else_is_risk_unknown_with_the_whole_text(reply: str) -> None:
    note = parse_risk_note(reply)
    assert note.level is None and note.text == reply.strip()
    assert note.label == "risk: unknown"


def test_labels() -> None:
    assert [RiskNote(level, "").label for level in ("low", "medium", "high")] == \
        ["Low", "Med", "High"]


# --- the request ------------------------------------------------------------------------------


@dataclass
class _Block:
    type: str
    text: str = ""


class FakeMessages:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.calls: list[dict] = []

    async def create(self, **kwargs):
        self.calls.append(kwargs)

        @dataclass
        class Response:
            content: list

        return Response([_Block("thinking"), _Block("text", self.reply)])


class FakeClient:
    def __init__(self, reply: str) -> None:
        self.messages = FakeMessages(reply)


async def test_explain_risks_sends_a_separate_short_request() -> None:
    client = FakeClient("Risk: High\nPipes a download into sh.")
    note = await explain_risks(client, "claude-x", "curl x | sh", Path("/proj"))
    assert note == RiskNote("high", "Pipes a download into sh.")
    (call,) = client.messages.calls
    assert call["model"] == "claude-x" and call["max_tokens"] == MAX_TOKENS
    assert call["system"].startswith(EXPLAIN_RISKS_MARKER)
    assert "tools" not in call and len(call["messages"]) == 1  # no conversation history
    user = call["messages"][0]["content"]
    assert "curl x | sh" in user and "/proj" in user


async def test_a_reply_without_text_is_an_error() -> None:
    with pytest.raises(ValueError):
        await explain_risks(FakeClient(""), "m", "ls", "/p")


# --- the demo's recorded answers ------------------------------------------------------------


def _user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_demo_cassette_answers_explain_requests_from_its_side_nodes() -> None:
    cassette = load_cassette(DEMO_CASSETTE)
    system = f"{EXPLAIN_RISKS_MARKER}\nYou review one shell command"
    node = cassette.resolve_side(system, _user(f"Command:\n{INJECTED_COMMAND}"))
    assert node is not None and node.id == "risks_setup_script"
    node = cassette.resolve_side(system, _user("Command:\npython -m pytest -q"))
    assert node is not None and node.id == "risks_run_tests"
    node = cassette.resolve_side(system, _user("Command:\nrm -rf /"))
    assert node is not None and node.id == "risks_unrecorded"
    assert cassette.resolve_side("You are Warden, a coding agent", _user("hi")) is None


def test_side_nodes_may_not_branch() -> None:
    data = load_cassette(DEMO_CASSETTE).to_dict()
    data["side"][EXPLAIN_RISKS_MARKER]["risks_run_tests"]["next"] = {"any": "explore"}
    with pytest.raises(CassetteError, match="side answers have no 'next'"):
        cassette_from_dict(data)


# --- on the card --------------------------------------------------------------------------------


async def test_e_shows_the_models_risk_note_labelled_high(tmp_path: Path) -> None:
    """In the demo, ``e`` on the `curl | sh` card asks the recorded model and shows its note
    with a "High" badge; the card is still pending and answerable."""
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            await to_pending_command(pilot)
            screen = run.app.main_screen
            card = screen.queue.cards[0]
            assert card.check_action("explain_more", ()) is True
            await pilot.press("e")
            view = card.query_one(RiskNoteView)
            await wait_until(pilot, lambda: view.state == "done", what="the risk note")
            text = str(view.render())
            assert "High" in text and "pipes it straight into `sh`" in text
            assert view.note is not None and view.note.level == "high"
            request = run.server.requests[-1]
            assert request["system"].startswith(EXPLAIN_RISKS_MARKER)
            assert len(request["messages"]) == 1  # not part of the conversation
            assert not card.request.future.done()
            await answer(pilot, "n")
            await wait_until(pilot, lambda: card.request.future.done(), what="the answer")
    finally:
        run.close()


@pytest.mark.parametrize(("level", "badge"), [("low", "Low"), ("medium", "Med"),
                                               ("high", "High"), (None, "risk: unknown")])
def test_note_badges(level, badge) -> None:
    assert RiskNote(level, "x").label == badge


class _Params(BaseModel):
    command: str = ""


def _request(name: str, command: str | None, permission_class: str) -> ApprovalRequest:
    call = ToolCall("toolu_1", name, {}, _Params(), permission_class,  # type: ignore[arg-type]
                    command or "file.txt", description="Do it", command=command)
    return ApprovalRequest(call, Decision("ask", "No rule allows it."),
                           asyncio.get_running_loop().create_future())


class QueueApp(App[None]):
    """An approval queue whose explain requests a fake session answers."""

    def __init__(self, reply: str | Exception) -> None:
        super().__init__()
        self.reply = reply
        self.gate = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield ApprovalQueue(id="queue")

    async def on_command_card_explain_requested(self, message: CommandCard.ExplainRequested):
        from tui.screens.approval_signals import explain_for_card

        app = self

        class Session:
            async def explain_risks(self, command: str) -> RiskNote:
                await app.gate.wait()
                if isinstance(app.reply, Exception):
                    raise app.reply
                return parse_risk_note(app.reply)

        self.run_worker(explain_for_card(message.card, Session()))  # type: ignore[arg-type]


async def test_unparseable_note_says_risk_unknown_and_shows_text_without_markup() -> None:
    app = QueueApp("[bold red]Looks fine[/] to me")
    async with app.run_test(size=(100, 30)) as pilot:
        card = app.query_one(ApprovalQueue).add_request(_request("Bash", "ls", "shell"))
        await pilot.pause()
        card.action_explain_more()
        view = card.query_one(RiskNoteView)
        await pilot.pause()
        assert view.state == "pending"  # the card is still there and answerable meanwhile
        app.gate.set()
        await wait_until(pilot, lambda: view.state == "done", what="the note")
        text = str(view.render())
        assert "risk: unknown" in text and "[bold red]Looks fine[/] to me" in text


async def test_a_failed_request_is_shown_on_the_card_and_may_be_retried() -> None:
    app = QueueApp(RuntimeError("overloaded"))
    app.gate.set()
    async with app.run_test(size=(100, 30)) as pilot:
        card = app.query_one(ApprovalQueue).add_request(_request("Bash", "ls", "shell"))
        await pilot.pause()
        card.action_explain_more()
        view = card.query_one(RiskNoteView)
        await wait_until(pilot, lambda: view.state == "error", what="the error")
        assert "overloaded" in str(view.render())
        app.reply = "Risk: Low\nfine"
        card.action_explain_more()
        await wait_until(pilot, lambda: view.state == "done", what="the retry")


async def test_e_is_offered_only_on_bash_cards() -> None:
    app = QueueApp("x")
    async with app.run_test(size=(100, 30)) as pilot:
        queue = app.query_one(ApprovalQueue)
        bash = queue.add_request(_request("Bash", "ls", "shell"))
        read = queue.add_request(_request("Read", None, "read"))
        await pilot.pause()
        assert bash.check_action("explain_more", ()) is True
        read.focus()
        await wait_until(pilot, lambda: app.focused is read, what="the read card's focus")
        assert "e" not in app.screen.active_bindings  # a read card has no "e" at all
        assert not read.query(RiskNoteView)
        assert "explain risks" in str(bash.query(".approval-card--keys").first().render())
        assert "explain risks" not in str(read.query(".approval-card--keys").first().render())
