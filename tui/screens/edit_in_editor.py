"""``o`` on an edit card: the proposal goes to the user's ``$EDITOR`` and their version back.

Kept out of :mod:`tui.screens.main` so the screen stays a router: its
``EditCard.EditRequested`` handler calls :func:`edit_card_in_editor` and shows the diff again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from tui.diffs import FileChange
from tui.external_editor import edit_text

if TYPE_CHECKING:
    from textual.app import App

    from widgets.approval_card import EditCard


async def edit_card_in_editor(app: App[object], card: EditCard) -> bool:
    """Open ``card``'s version under review in ``$EDITOR`` (the app is suspended while the
    editor runs); when the saved text differs, the card shows the user's version
    (:meth:`~widgets.approval_card.EditCard.use_edited`), which they approve like any other.
    The answer carries it, and the engine decides again on it before it is written
    (:mod:`tui.agent.loop`).

    Headless (tests, no terminal to hand over) the editor runs in a thread instead.

    Returns:
        True if the card now shows a new version; False if the text came back unchanged or
        the request was answered or withdrawn meanwhile (the card is left alone).

    Raises:
        tui.external_editor.EditorError: the editor could not start or exited with an error.
    """
    request, change = card.request, card.change
    if request.future.done():
        return False
    name = Path(change.display_path or str(change.path)).name
    try:
        with app.suspend():
            edited = edit_text(change.new_text, name)
    except SuspendNotSupported:  # headless: no terminal to hand over
        edited = await asyncio.to_thread(edit_text, change.new_text, name)
    if edited == change.new_text or request.future.done():
        return False
    card.use_edited(FileChange(change.path, change.old_text, edited, change.display_path,
                               change.context))
    return True
