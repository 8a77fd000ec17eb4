"""App-wide Textual messages."""

from __future__ import annotations

from textual.message import Message

from tui.agent.events import AgentEvent


class AgentUpdate(Message):
    """Carries one :mod:`tui.agent.events` event from the agent loop to the screen."""

    def __init__(self, event: AgentEvent) -> None:
        super().__init__()
        self.event = event
