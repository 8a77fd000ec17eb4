"""Slash commands in Textual's command palette (``ctrl+p``): the same registry as the prompt's
completion and ``/help`` (:data:`tui.slash.SLASH_COMMANDS`)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.slash import SLASH_COMMANDS


class SlashCommandsProvider(Provider):
    """Offers every slash command; choosing one runs it on the main screen as if typed."""

    def _run(self, name: str) -> None:
        screen = getattr(self.app, "main_screen", None)
        if screen is not None:
            screen.run_worker(screen._slash_command(name), group="slash")

    async def discover(self) -> Hits:
        """Every command, for the palette opened with nothing typed."""
        for command in SLASH_COMMANDS:
            yield DiscoveryHit(command.name, partial(self._run, command.name),
                               help=command.help)

    async def search(self, query: str) -> Hits:
        """Commands whose name or help matches ``query``."""
        matcher = self.matcher(query)
        for command in SLASH_COMMANDS:
            score = matcher.match(f"{command.name} {command.help}")
            if score > 0:
                yield Hit(score, matcher.highlight(command.name),
                          partial(self._run, command.name), help=command.help)
