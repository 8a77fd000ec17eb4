"""Getting the user's attention when an approval waits and the terminal is in the background.

While the terminal window is unfocused (Textual's ``AppBlur``/``AppFocus`` events, reflected in
``App.app_focus``), each *new* approval request rings the terminal bell once and sets the
window title to ``Warden: approval needed (N)``; N follows the queue while the window stays in
the background.  The title is restored as soon as focus returns or the queue empties.

Textual (8.2.8) never writes the terminal title (``App.title`` only feeds the ``Header``
widget), so :class:`Attention` writes the xterm control sequences itself through a ``write``
callable:

- ``CSI 22;2 t`` saves the current title on the terminal's title stack before the first change,
- ``OSC 2 ; text BEL`` sets it,
- on restore, ``OSC 2`` sets it to ``fallback_title`` and ``CSI 23;2 t`` pops the saved one.

Terminals with a title stack (xterm, VTE/GNOME Terminal, kitty, WezTerm, foot, iTerm2) get their
original title back; the others ignore the stack sequences and keep ``fallback_title``.  Terminal
multiplexers may ignore the title altogether; the bell still rings.

The class is plain Python (no Textual import): the main screen feeds it events and gives it the
app's ``bell`` and a writer to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable

TITLE_FORMAT = "Warden: approval needed ({count})"
"""Window title while approvals wait in the background; ``count`` is the queue length."""

PUSH_TITLE = "\x1b[22;2t"
"""xterm: save the window title on the title stack."""

POP_TITLE = "\x1b[23;2t"
"""xterm: restore the window title saved by :data:`PUSH_TITLE`."""


def set_title_sequence(title: str) -> str:
    """``OSC 2 ; title BEL``, with control characters removed from ``title``.

    Args:
        title: the window title; characters below U+0020 and DEL..U+009F are dropped so the
            text cannot end the sequence early or start another one.
    """
    safe = "".join(ch for ch in title if ch >= " " and not "\x7f" <= ch <= "\x9f")
    return f"\x1b]2;{safe}\x07"


class Attention:
    """Bell and window title for approvals that arrive while the terminal is unfocused.

    Args:
        write: writes raw text to the terminal (escape sequences); never called when nothing
            changes.
        bell: rings the terminal bell.
        fallback_title: the title set back on terminals without a title stack.

    Attributes:
        focused: whether the terminal window has focus (starts True, like ``App.app_focus``).
        pending: the number of requests in the approval queue, as last reported.
        title_set: True while the window title says an approval is needed.
    """

    def __init__(self, write: Callable[[str], None], bell: Callable[[], None],
                 fallback_title: str = "Warden") -> None:
        self.write = write
        self.bell = bell
        self.fallback_title = fallback_title
        self.focused = True
        self.pending = 0
        self.title_set = False

    def request_added(self, pending: int) -> None:
        """A new approval request arrived; ``pending`` requests now wait (this one included).

        Unfocused: ring the bell and show the count in the title.  Focused: nothing (the card is
        on screen).
        """
        self.pending = pending
        if self.focused or pending <= 0:
            return
        self.bell()
        self._show()

    def queue_changed(self, pending: int) -> None:
        """The queue now holds ``pending`` requests (answered, withdrawn or added).

        Updates the count in the title, or restores the title when the queue is empty.  Never
        rings the bell (:meth:`request_added` does, once per request).
        """
        self.pending = pending
        if pending <= 0:
            self._restore()
        elif self.title_set:
            self._show()

    def focus_changed(self, focused: bool) -> None:
        """The terminal window gained (``True``) or lost (``False``) focus.

        Regaining focus restores the title; losing it changes nothing until a request arrives.
        """
        self.focused = focused
        if focused:
            self._restore()

    def close(self) -> None:
        """Restore the title if it is set (call before the app exits)."""
        self._restore()

    def _show(self) -> None:
        if not self.title_set:
            self.write(PUSH_TITLE)
            self.title_set = True
        self.write(set_title_sequence(TITLE_FORMAT.format(count=self.pending)))

    def _restore(self) -> None:
        if not self.title_set:
            return
        self.title_set = False
        self.write(set_title_sequence(self.fallback_title) + POP_TITLE)
