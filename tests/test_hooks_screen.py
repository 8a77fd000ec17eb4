"""``/hooks`` (REF §8.5): the panel, reached from the prompt, and its snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Static

from tests.scenarios import DemoRun, wait_until
from tests.snapshot_apps.hooks_app import HooksApp, sample_hooks
from tui.hooks import HookSet
from tui.screens.hooks import HooksScreen

SIZE = (110, 46)


def _text(screen: HooksScreen) -> str:
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_panel_lists_every_hook_with_its_source_and_state() -> None:
    app = HooksApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HooksScreen)
        text = _text(screen)
        assert "4 of 5 hooks run" in text
        assert "/opt/policy/bash-gate.sh" in text and "failClosed" in text
        assert "managed settings (/etc/claude-code/managed-settings.json)" in text
        assert "if Bash(git commit *)" in text
        assert "disabled: its matcher is invalid" in text
        assert "echo '[bold]literal[/bold]'" in text, "commands are shown verbatim"
        assert "'http' hooks are not supported" in text
        assert "Held back (untrusted workspace)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HooksScreen)


async def test_panel_says_why_hooks_are_disabled() -> None:
    hooks = HookSet(sample_hooks().handlers, disabled_all="disableAllHooks is set in managed "
                    "settings (/etc/claude-code/managed-settings.json)")

    class One(App[None]):
        def on_mount(self) -> None:
            self.push_screen(HooksScreen(hooks))

    app = One()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "disableAllHooks is set in managed settings" in _text(app.screen)


async def test_panel_before_connecting_and_without_hooks() -> None:
    class Two(App[None]):
        def __init__(self, screen: HooksScreen) -> None:
            super().__init__()
            self.panel = screen

        def on_mount(self) -> None:
            self.push_screen(self.panel)

    for screen, expected in ((HooksScreen(None, connected=False), "Not connected yet"),
                             (HooksScreen(HookSet.empty()), "No hooks configured.")):
        app = Two(screen)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert expected in _text(app.screen)


async def test_slash_hooks_opens_the_panel_from_the_prompt(tmp_path: Path) -> None:
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 40)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.prompt.value = ""
            await pilot.press(*"/hooks", "enter")
            await wait_until(pilot, lambda: isinstance(run.app.screen, HooksScreen),
                             what="/hooks")
            assert "hooks" in _text(run.app.screen).lower()
            await pilot.press("escape")
            await wait_until(pilot, lambda: run.app.screen is screen, what="close")
    finally:
        run.close()


def test_hooks_panel_snapshot(snap_compare) -> None:
    """See ``tests/snapshot_apps/hooks_app.py``: the ``/hooks`` panel with five hooks from three
    files (one disabled by its invalid matcher, one held back line for the untrusted project
    file), the failClosed badge, the verbatim ``[bold]literal[/bold]`` command and the red
    Problems list naming each file and key."""

    async def run_before(pilot) -> None:
        await pilot.pause(0.2)

    assert snap_compare(HooksApp(), terminal_size=SIZE, run_before=run_before)
