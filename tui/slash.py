"""The slash-command registry: one entry per command feeds completion, ``/help``, the README
and Textual's command palette.

A command is a name, a help line, an optional argument hint and a handler: a coroutine function
taking the main screen and the text after the name.  Handlers register themselves where they
live (the main screen's methods) with :meth:`SlashRegistry.command`; nothing else needs to
change to add one (issue 12 item 4).  UI-free: the registry never imports Textual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["SLASH_COMMANDS", "SlashCommand", "SlashRegistry"]

Handler = Callable[[Any, str], Awaitable[None]]
"""``await handler(screen, args)``: ``args`` is the text after the command name, stripped."""


@dataclass(frozen=True)
class SlashCommand:
    """One slash command.

    Attributes:
        name: ``"/permissions"`` (lower case, with the slash).
        help: one line for ``/help``, the palette and the README.
        handler: what runs it (see :data:`Handler`).
        hint: the arguments it takes, e.g. ``"[DIR]"``; empty when none.
        aliases: other names that run it (``"/allowed-tools"``), not listed separately.
    """

    name: str
    help: str
    handler: Handler
    hint: str = ""
    aliases: tuple[str, ...] = ()


class SlashRegistry:
    """Slash commands by name, in the order they were registered."""

    def __init__(self) -> None:
        self._commands: dict[str, SlashCommand] = {}
        self._aliases: dict[str, str] = {}

    def command(self, name: str, help: str, *, hint: str = "",
                aliases: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
        """Decorator: register the decorated coroutine function as ``name``'s handler.

        Raises:
            ValueError: ``name`` or an alias is taken, or does not start with ``/``.
        """
        def register(handler: Handler) -> Handler:
            self.add(SlashCommand(name, help, handler, hint, aliases))
            return handler

        return register

    def add(self, command: SlashCommand) -> None:
        """Register ``command``.

        Raises:
            ValueError: its name or an alias is taken, or does not start with ``/``.
        """
        for name in (command.name, *command.aliases):
            if not name.startswith("/") or name != name.lower():
                raise ValueError(f"slash command {name!r} must be lower case and start with /")
            if name in self._commands or name in self._aliases:
                raise ValueError(f"slash command {name} is registered twice")
        self._commands[command.name] = command
        for alias in command.aliases:
            self._aliases[alias] = command.name

    def find(self, name: str) -> SlashCommand | None:
        """The command called ``name`` (any case; aliases too), or None."""
        name = name.lower()
        return self._commands.get(self._aliases.get(name, name))

    def __iter__(self) -> Iterator[SlashCommand]:
        return iter(self._commands.values())

    def names(self) -> list[str]:
        """Every command name (not aliases), in registration order: for completion."""
        return list(self._commands)

    def help_lines(self) -> list[str]:
        """``/help``'s lines: name, hint and help, aligned."""
        width = max((len(f"{c.name} {c.hint}".strip()) for c in self), default=0)
        return [f"  {f'{c.name} {c.hint}'.strip():<{width}}  {c.help}" for c in self]

    def markdown(self) -> str:
        """The README's list: ``` `/name` ``` and its help, one bullet per command."""
        return "\n".join(f"- `{f'{c.name} {c.hint}'.strip()}`: {c.help}"
                         + (f" (also `{'`, `'.join(c.aliases)}`)" if c.aliases else "")
                         for c in self)


SLASH_COMMANDS = SlashRegistry()
"""The registry of the main screen's commands (filled in by :mod:`tui.screens.main`)."""
