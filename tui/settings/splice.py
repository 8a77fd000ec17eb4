"""Writing a changed settings object back into its file's *text*, touching only what changed.

``/permissions`` and "always allow" change one rule list; the rest of the file (its indentation,
key order, one-line arrays, blank lines) should stay as the user wrote it.  :func:`splice`
compares the old and new objects, replaces each changed value in place and inserts new keys
after the last member of their object, formatted like their surroundings.  It returns None when
it cannot do that safely (a key was removed, a new key goes into an empty object, the text is
not the JSON it claims to be); the writer then serialises the whole object instead.  The result
is always checked: it must parse back to exactly the new object.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tui.settings.jsontext import JsonPath, PositionMap

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


class _Unsafe(Exception):
    """The change cannot be spliced; serialise the whole object."""


def indent_unit(text: str) -> str:
    """The file's indentation step: the leading whitespace of its first indented line whose
    next character starts a key or value (two spaces when there is none)."""
    match = re.search(r"\n([ \t]+)[\"\[{\]}0-9tfn-]", text)
    return match.group(1) if match else "  "


def _end(text: str, start: int) -> int:
    """The offset just past the JSON value that starts at ``start``."""
    depth = 0
    for match in _TOKEN.finditer(text, start):
        tok = match.group()
        if tok in "[{":
            depth += 1
        elif tok in "]}":
            depth -= 1
        if depth == 0:
            return match.end()
    raise _Unsafe


def _line_indent(text: str, offset: int) -> str:
    """The whitespace that starts the line holding ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    return re.match(r"[ \t]*", text[start:]).group()  # type: ignore[union-attr]


def _dump(value: Any, base: str, unit: str, newline: str) -> str:
    """``value`` as JSON in the file's style, continuation lines indented from ``base``."""
    if isinstance(value, (dict, list)) and value:
        text = json.dumps(value, indent=unit, ensure_ascii=False)
        return text.replace("\n", newline + base)
    return json.dumps(value, ensure_ascii=False)


def _array(old: str, value: list[Any], base: str, unit: str, newline: str) -> str:
    """A replacement for the array text ``old``: one line if it was one line, else one item a
    line at the old items' indentation."""
    if "\n" not in old:
        return json.dumps(value, ensure_ascii=False)
    if not value:
        return "[]"
    first = re.search(r"\S", old[1:])
    item = base + unit
    if first is not None and old[1 + first.start()] != "]":
        line = old[:1 + first.start()]
        item = line[line.rfind("\n") + 1:] if "\n" in line else item
    close = base
    last = old.rstrip()[:-1]
    if "\n" in last and not last[last.rfind("\n") + 1:].strip():
        close = last[last.rfind("\n") + 1:].rstrip("\r")
    items = ("," + newline).join(item + json.dumps(v, ensure_ascii=False) for v in value)
    return "[" + newline + items + newline + close + "]"


def splice(text: str, new: dict[str, Any]) -> str | None:
    """``text`` (a JSON object) changed so that it parses to ``new``, or None (see module)."""
    try:
        old = json.loads(text)
        positions = PositionMap.scan(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(old, dict):
        return None
    unit = indent_unit(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []

    def walk(path: JsonPath, before: Any, after: Any) -> None:
        if isinstance(before, dict) and isinstance(after, dict):
            if any(k not in after for k in before):
                raise _Unsafe
            added = [k for k in after if k not in before]
            for key in before:
                walk((*path, key), before[key], after[key])
            if added:
                edits.append(_insert(path, before, {k: after[k] for k in added}))
            return
        if before == after and type(before) is type(after):
            return
        start = positions.values.get(path)
        if start is None:
            raise _Unsafe
        end = _end(text, start)
        base = _line_indent(text, positions.offset(path) or start)
        if isinstance(before, list) and isinstance(after, list):
            edits.append((start, end, _array(text[start:end], after, base, unit, newline)))
        else:
            edits.append((start, end, _dump(after, base, unit, newline)))

    def _insert(path: JsonPath, before: dict[str, Any], members: dict[str, Any]) -> tuple:
        if not before:
            raise _Unsafe
        last_key = (*path, list(before)[-1])
        last_start = positions.values.get(last_key)
        key_at = positions.keys.get(last_key)
        if last_start is None or key_at is None:
            raise _Unsafe
        at = _end(text, last_start)
        one_line = "\n" not in text[positions.values.get(path, 0):key_at]
        base = _line_indent(text, key_at)
        parts = []
        for key, value in members.items():
            dumped = (json.dumps(value, ensure_ascii=False) if one_line
                      else _dump(value, base, unit, newline))
            lead = " " if one_line else newline + base
            parts.append(f",{lead}{json.dumps(key, ensure_ascii=False)}: {dumped}")
        return at, at, "".join(parts)

    try:
        walk((), old, new)
    except _Unsafe:
        return None
    out = text
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    if not out.endswith(("\n", "\r\n")):
        out += newline
    try:
        if json.loads(out) != new:
            return None
    except (ValueError, RecursionError):
        return None
    return out
