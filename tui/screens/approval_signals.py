"""Glue between the main screen and the approval cards: attention signals and "explain more".

Kept out of :mod:`tui.screens.main` so the screen stays a router: it calls these from its
handlers (``ApprovalNeeded``, ``ApprovalQueue.Changed``, ``CommandCard.ExplainRequested``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.attention import Attention

if TYPE_CHECKING:
    from textual.app import App

    from tui.agent.session import AgentSession
    from widgets.approval_card import CommandCard


def terminal_writer(app: App) -> Callable[[str], None]:
    """A callable writing raw escape sequences to the app's terminal (nothing when headless).

    Textual 8.2.8 has no public API for the window title; its own ``bell()`` and
    ``copy_to_clipboard()`` write through the driver the same way.
    """

    def write(text: str) -> None:
        driver = app._driver  # no public accessor; see the docstring
        if driver is not None and not app.is_headless:
            driver.write(text)

    return write


def make_attention(app: App) -> Attention:
    """An :class:`~tui.attention.Attention` ringing ``app``'s bell and writing its title."""
    return Attention(terminal_writer(app), app.bell, fallback_title=app.title or "Warden")


async def explain_for_card(card: CommandCard, session: AgentSession) -> None:
    """Ask for the card's risk note and show it there (run in a worker: the card stays
    answerable).  A card answered or withdrawn meanwhile is left alone; failures are shown on
    the card as text."""
    command = card.command
    try:
        note = await session.explain_risks(command)
    except Exception as exc:  # the SDK's errors, timeouts, no connection: all shown on the card
        if card.is_attached:
            card.show_risk_error(str(exc) or type(exc).__name__)
        return
    if card.is_attached:
        card.show_risk_note(note)
