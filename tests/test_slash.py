"""The slash-command registry (issue 12 item 4): one entry feeds completion, ``/help``, the
README and the command palette; a new command is one decorated handler."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios import DemoRun, wait_until
from tui.slash import SLASH_COMMANDS, SlashCommand, SlashRegistry


async def _noop(screen, args: str) -> None:
    return None


def test_registry_finds_names_and_aliases_in_any_case_and_refuses_duplicates() -> None:
    registry = SlashRegistry()
    registry.add(SlashCommand("/permissions", "rules", _noop, aliases=("/allowed-tools",)))
    registry.add(SlashCommand("/trust", "trust a folder", _noop, hint="[DIR]"))
    assert registry.find("/PERMISSIONS") is registry.find("/allowed-tools")
    assert registry.find("/nope") is None
    assert registry.names() == ["/permissions", "/trust"]
    assert registry.help_lines() == ["  /permissions  rules", "  /trust [DIR]  trust a folder"]
    with pytest.raises(ValueError, match="twice"):
        registry.add(SlashCommand("/allowed-tools", "again", _noop))
    with pytest.raises(ValueError, match="start with /"):
        registry.add(SlashCommand("trust", "no slash", _noop))


def test_the_main_screen_registers_every_command_once() -> None:
    import tui.screens.main  # noqa: F401

    assert SLASH_COMMANDS.names() == ["/help", "/clear", "/find", "/permissions", "/hooks",
                                      "/sandbox", "/mcp", "/quit"]


async def test_completion_help_and_the_palette_come_from_the_registry(tmp_path: Path) -> None:
    """Tab completes a registered name; /help lists it; the palette (ctrl+p) runs it."""
    run = DemoRun(tmp_path / "statskit")
    try:
        async with run.app.run_test(size=(120, 40)) as pilot:
            screen = run.app.main_screen
            await wait_until(pilot, lambda: screen.session.ready, what="connect")
            screen.prompt.value = ""
            await pilot.press(*"/sand")
            await wait_until(pilot, lambda: screen.prompt._suggestion == "/sandbox",
                             what="the /sandbox completion")
            screen.prompt.value = ""
            await pilot.press(*"/help", "enter")
            help_text = str(screen.chat.query(".notice").last().render())
            for command in SLASH_COMMANDS:
                assert command.name in help_text and command.help in help_text
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "CommandPalette",
                             what="the command palette")
            await pilot.press(*"hooks")
            await wait_until(pilot, lambda: "/hooks" in str(
                [str(o.prompt) for o in run.app.screen.query("CommandList").first()._options]),
                what="/hooks in the palette")
            await pilot.press("enter")
            await wait_until(pilot, lambda: type(run.app.screen).__name__ == "HooksScreen",
                             what="the /hooks screen from the palette")
    finally:
        run.close()
