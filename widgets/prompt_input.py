"""The prompt input, with slash-command completion."""

from __future__ import annotations

from textual.suggester import SuggestFromList
from textual.widgets import Input

SLASH_COMMANDS: dict[str, str] = {
    "/help": "Show commands and keys",
    "/clear": "Clear the conversation and the screen",
    "/sandbox": "Show the sandbox's boundaries and turn it on or off",
    "/quit": "Quit Warden",
}
"""Slash commands and what they do (shown by ``/help``)."""


class PromptInput(Input):
    """Where the user types prompts and slash commands; Tab completes a slash command."""

    DEFAULT_CSS = """
    PromptInput { border: tall $primary 40%; }
    PromptInput:focus { border: tall $primary; }
    """

    def __init__(self, *, value: str = "", id: str | None = None) -> None:
        super().__init__(
            value=value,
            placeholder="Ask Warden to do something, or type / for commands",
            suggester=SuggestFromList(list(SLASH_COMMANDS), case_sensitive=False),
            id=id,
        )
