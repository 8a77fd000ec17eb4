"""Attention signals: a bell and the window title when an approval waits in the background; and
the typing guard that keeps answer keys from landing on a card while the user types."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events

from tests.fake_clock import FakeClock
from tests.scenarios import DemoRun, settle, to_pending_command, wait_until
from tui.attention import POP_TITLE, PUSH_TITLE, Attention, set_title_sequence
from widgets.approval_queue import ApprovalCard


class Terminal:
    """Records what an :class:`Attention` writes and how often it rings."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.bells = 0

    def write(self, text: str) -> None:
        self.written.append(text)

    def bell(self) -> None:
        self.bells += 1

    @property
    def text(self) -> str:
        return "".join(self.written)


def make() -> tuple[Attention, Terminal]:
    terminal = Terminal()
    return Attention(terminal.write, terminal.bell, fallback_title="Warden"), terminal


# --- the logic --------------------------------------------------------------------------------


def test_focused_terminal_gets_no_signal() -> None:
    attention, terminal = make()
    attention.request_added(1)
    attention.queue_changed(1)
    assert terminal.bells == 0 and terminal.written == []


def test_unfocused_request_rings_and_sets_the_title_until_focus_returns() -> None:
    attention, terminal = make()
    attention.focus_changed(False)
    assert terminal.written == []  # losing focus alone changes nothing
    attention.request_added(1)
    assert terminal.bells == 1
    assert terminal.written == [PUSH_TITLE, set_title_sequence("Warden: approval needed (1)")]
    attention.request_added(2)
    assert terminal.bells == 2  # one ring per new request
    assert terminal.written[-1] == set_title_sequence("Warden: approval needed (2)")
    assert terminal.written.count(PUSH_TITLE) == 1  # the original title is saved once
    attention.queue_changed(1)  # one answered elsewhere (e.g. interrupted): count follows
    assert terminal.written[-1] == set_title_sequence("Warden: approval needed (1)")
    assert terminal.bells == 2
    attention.focus_changed(True)
    assert terminal.written[-1] == set_title_sequence("Warden") + POP_TITLE
    assert not attention.title_set
    attention.queue_changed(0)
    assert terminal.text.count(POP_TITLE) == 1  # nothing more to restore


def test_an_emptied_queue_restores_the_title_even_while_unfocused() -> None:
    attention, terminal = make()
    attention.focus_changed(False)
    attention.request_added(1)
    attention.queue_changed(0)
    assert terminal.written[-1].endswith(POP_TITLE)
    attention.focus_changed(True)
    assert terminal.text.count(POP_TITLE) == 1


def test_close_restores_a_set_title() -> None:
    attention, terminal = make()
    attention.close()
    assert terminal.written == []
    attention.focus_changed(False)
    attention.request_added(3)
    attention.close()
    assert terminal.written[-1].endswith(POP_TITLE)


def test_title_sequence_drops_control_characters() -> None:
    assert set_title_sequence("a\x1b]0;evil\x07b\x9cc") == "\x1b]2;a]0;evilbc\x07"


# --- in the app ----------------------------------------------------------------------------


async def test_request_in_the_background_rings_and_titles_then_focus_restores(
        tmp_path: Path) -> None:
    """The terminal loses focus, the model asks to run a command: one bell, the title says
    "Warden: approval needed (1)"; focus comes back: the title is restored."""
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            screen = run.app.main_screen
            terminal = Terminal()
            screen.attention.write, screen.attention.bell = terminal.write, terminal.bell
            await wait_until(pilot, lambda: screen.session.ready, what="the model connection")
            run.app.post_message(events.AppBlur())
            await wait_until(pilot, lambda: not run.app.app_focus, what="blur")
            await screen.prompt.action_submit()  # no key press: a key would refocus the app
            await wait_until(pilot, lambda: screen.queue.cards, what="the approval card")
            await settle(pilot)
            assert terminal.bells == 1
            assert set_title_sequence("Warden: approval needed (1)") in terminal.written
            run.app.post_message(events.AppFocus())
            await wait_until(pilot, lambda: run.app.app_focus, what="focus")
            await pilot.pause()
            assert terminal.written[-1].endswith(POP_TITLE)
    finally:
        run.close()


async def test_request_while_focused_is_silent(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            screen = run.app.main_screen
            terminal = Terminal()
            screen.attention.write, screen.attention.bell = terminal.write, terminal.bell
            await to_pending_command(pilot)
            assert terminal.bells == 0 and terminal.written == []
    finally:
        run.close()


# --- the typing guard ----------------------------------------------------------------------


async def test_answer_keys_wait_while_the_user_types_in_the_prompt(
        tmp_path: Path, guard_clock: FakeClock) -> None:
    """Keys typed into the prompt hold back a card's answer keys for GUARD_SECONDS."""
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            await to_pending_command(pilot)
            screen = run.app.main_screen
            card = screen.queue.cards[0]
            guard_clock.advance(ApprovalCard.GUARD_SECONDS + 0.1)  # the card is no longer new
            screen.prompt.focus()
            await pilot.press(*"hello")
            card.focus()
            guard_clock.advance(ApprovalCard.GUARD_SECONDS - 0.05)
            await pilot.press("n")  # just inside the guard after typing: ignored
            await pilot.pause()
            assert not card.request.future.done()
            guard_clock.advance(ApprovalCard.GUARD_SECONDS + 0.01)  # after the ignored key too
            await pilot.press("n")
            await wait_until(pilot, lambda: card.request.future.done(), what="the answer")
            assert card.request.future.result().kind == "deny"
    finally:
        run.close()


async def test_a_typing_burst_on_a_card_never_answers_it(
        tmp_path: Path, guard_clock: FakeClock) -> None:
    """Keys arriving less than GUARD_SECONDS apart keep the guard up, even past the card's own
    first half second; after a pause the same key answers."""
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            await to_pending_command(pilot)  # the card has just appeared: its guard is up
            card = run.app.main_screen.queue.cards[0]
            assert card.has_focus
            for key in "nnnnnn":  # a burst lasting twice GUARD_SECONDS
                await pilot.press(key)
                guard_clock.advance(ApprovalCard.GUARD_SECONDS / 3)
            await pilot.pause()
            assert not card.request.future.done()
            guard_clock.advance(ApprovalCard.GUARD_SECONDS)
            await pilot.press("n")
            await wait_until(pilot, lambda: card.request.future.done(), what="the answer")
    finally:
        run.close()


async def test_card_does_not_take_focus_from_a_prompt_being_typed_in(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 36)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="the model connection")
            await screen.prompt.action_submit()

            async def keep_typing() -> None:  # typing on (and erasing) while the model works
                while True:
                    await pilot.press("x", "backspace")

            typing = asyncio.create_task(keep_typing())
            try:
                await wait_until(pilot, lambda: screen.queue.cards, what="the approval card")
            finally:
                typing.cancel()
            await settle(pilot)
            assert screen.prompt.has_focus
            assert not screen.queue.cards[0].has_focus
    finally:
        run.close()
