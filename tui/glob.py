"""``*``-only wildcard matching, the one glob of permission rules that are not paths.

Used by Bash rule specifiers (``Bash(npm run *)``), tool-name and parameter rules and WebFetch
domain labels (:mod:`tui.permissions.rules`, :mod:`tui.permissions.domains`).  Path patterns
have their own gitignore-style matcher (:mod:`tui.permissions.paths`), and the Glob tool its
own (:mod:`tui.tools.glob`).
"""

from __future__ import annotations

__all__ = ["star_match"]


def star_match(pattern: str, text: str) -> bool:
    """True when ``text`` matches ``pattern`` as a whole, ``*`` matching any characters.

    No other character is special (``?``, ``[`` and ``\\`` match themselves), ``*`` matches
    across ``/`` and the empty string, and comparison is case-sensitive.  Runs in
    O(len(pattern) * len(text)) at worst (no regular expressions, so a hostile pattern cannot
    make it backtrack exponentially).

    Examples:
        ``star_match("npm run *", "npm run test")`` and ``star_match("a*b*c", "abc")`` are
        True; ``star_match("a?c", "abc")`` is False.
    """
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == text
    first, last = pieces[0], pieces[-1]
    if len(first) + len(last) > len(text):
        return False
    if not text.startswith(first) or not text.endswith(last):
        return False
    pos, end = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        if not piece:
            continue
        found = text.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return True
