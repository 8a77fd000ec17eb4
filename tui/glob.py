"""Globs shared by the permission engine and the tools: ``*``-only matching, brace expansion.

* :func:`star_match`: the one glob of permission rules that are not paths: Bash rule specifiers
  (``Bash(npm run *)``), tool-name and parameter rules and WebFetch domain labels
  (:mod:`tui.permissions.rules`, :mod:`tui.permissions.domains`).
* :func:`expand_braces`: ``{a,b}`` alternatives of Glob and Grep patterns, for the tools
  (:mod:`tui.tools.glob`) and for the engine that judges what they may read
  (:mod:`tui.permissions.globreads`).

Path patterns in rules have their own gitignore-style matcher (:mod:`tui.permissions.paths`),
and the Glob tool its own translation to regular expressions (:mod:`tui.tools.glob`).
"""

from __future__ import annotations

__all__ = ["MAX_BRACE_EXPANSIONS", "TooManyAlternatives", "expand_braces", "star_match"]

MAX_BRACE_EXPANSIONS = 256
"""Alternatives a pattern's ``{a,b}`` groups may expand to."""


class TooManyAlternatives(ValueError):
    """A pattern's braces expand to more than :data:`MAX_BRACE_EXPANSIONS` alternatives."""


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


def expand_braces(pattern: str) -> list[str]:
    """Expand ``{a,b}`` alternatives (nested allowed) into plain patterns, in order.

    A ``{`` without a matching ``}`` or without a comma is literal.  ``\\{`` is literal.

    Raises:
        TooManyAlternatives: more than :data:`MAX_BRACE_EXPANSIONS` alternatives.
    """
    results = _expand(pattern)
    if len(results) > MAX_BRACE_EXPANSIONS:
        raise TooManyAlternatives(
            f"pattern expands to more than {MAX_BRACE_EXPANSIONS} alternatives")
    return results


def _expand(pattern: str) -> list[str]:
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            close, parts = _brace_group(pattern, i)
            if close is not None and len(parts) > 1:
                head, tail = pattern[:i], pattern[close + 1 :]
                out: list[str] = []
                for tail_variant in _expand(tail):
                    for part in parts:
                        for part_variant in _expand(part):
                            out.append(head + part_variant + tail_variant)
                            if len(out) > MAX_BRACE_EXPANSIONS:
                                return out
                return out
        i += 1
    return [pattern]


def _brace_group(pattern: str, open_at: int) -> tuple[int | None, list[str]]:
    """Find the ``}`` closing the ``{`` at ``open_at`` and split its top-level commas."""
    depth = 0
    parts: list[str] = []
    start = open_at + 1
    i = open_at
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(pattern[start:i])
                return i, parts
        elif char == "," and depth == 1:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return None, []
