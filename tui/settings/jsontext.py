"""JSON text helpers for settings files: positions, clear error messages, lenient recovery.

Settings files are plain JSON (``SPEC.md`` §1).  When one is broken, the user must see the file,
line and column and what to do, and the loader still wants to recover the file's *restrictive*
content (deny and ask rules) so a typo never loosens policy.  This module holds the text-level
pieces of that, all pure functions on ``str``:

* :func:`line_col` and :class:`PositionMap` turn offsets and JSON pointers into 1-based line and
  column numbers (a small scanner; no dependency);
* :func:`explain_decode_error` turns a :class:`json.JSONDecodeError` into a sentence that names the
  real cause (a JSONC comment, a trailing comma, merge-conflict markers, an empty file);
* :func:`lenient_loads`, :func:`conflict_sides` and :func:`scan_string_lists` are the recovery
  tools: they may accept text that is *not* valid JSON, so their result must only ever be used to
  add restrictions, never to grant anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: One element of a JSON path: an object key or an array index.
PathPart = str | int
JsonPath = tuple[PathPart, ...]

_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*\Z")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?$", re.MULTILINE)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based ``(line, column)`` of character ``offset`` in ``text`` (columns count characters).

    Lines are split on ``\\n`` only, as :mod:`json` counts them, so a CRLF file reports the same
    numbers an editor does.
    """
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def format_path(path: JsonPath) -> str:
    """A JSON path as the dotted form users read: ``("permissions", "allow", 3)`` →
    ``permissions.allow[3]``; keys that are not identifiers are quoted (``env["MY VAR"]``);
    the empty path is ``(top level)``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "(top level)"


@dataclass
class PositionMap:
    """Where each value (and each object key) of a JSON document starts in its text.

    Built by :meth:`scan` from text that :func:`json.loads` accepted.  Offsets are character
    offsets; :meth:`locate` turns a path into 1-based ``(line, column)``.  ``duplicates`` lists
    each object key met again inside the same object (path and offset of the repeat).
    """

    text: str
    values: dict[JsonPath, int]
    keys: dict[JsonPath, int]
    duplicates: list[tuple[JsonPath, int]]

    @classmethod
    def scan(cls, text: str) -> PositionMap:
        """Tokenise ``text`` (valid JSON) with an explicit stack (no recursion limit).

        With duplicate keys the last occurrence wins, like :func:`json.loads`.
        """
        values: dict[JsonPath, int] = {}
        keys: dict[JsonPath, int] = {}
        duplicates: list[tuple[JsonPath, int]] = []
        path: list[PathPart] = []
        # One frame per open container: [kind, member_on_path, keys seen]; kind "o" or "a".
        stack: list[list[Any]] = []
        expect_key = False
        for match in _TOKEN.finditer(text):
            tok, at = match.group(), match.start()
            top = stack[-1] if stack else None
            if tok == ",":
                if top is None:
                    continue
                if top[0] == "a":
                    path[-1] = int(path[-1]) + 1
                else:
                    if top[1]:
                        path.pop()
                        top[1] = False
                    expect_key = True
            elif tok == ":":
                continue
            elif tok in "}]":
                if top is None:
                    continue
                stack.pop()
                if top[0] == "a" or top[1]:
                    path.pop()
                expect_key = False
            elif top is not None and top[0] == "o" and expect_key:
                try:
                    key = json.loads(tok)
                except ValueError:
                    key = tok
                path.append(str(key))
                top[1] = True
                if key in top[2]:
                    duplicates.append((tuple(path), at))
                top[2].add(key)
                keys[tuple(path)] = at
                expect_key = False
            else:
                values[tuple(path)] = at
                if tok == "{":
                    stack.append(["o", False, set()])
                    expect_key = True
                elif tok == "[":
                    stack.append(["a", True, set()])
                    path.append(0)
        return cls(text, values, keys, duplicates)

    def offset(self, path: JsonPath) -> int | None:
        """Offset of ``path``'s key (object members) or value, else of its nearest existing
        ancestor; None for an empty map."""
        if path in self.keys:
            return self.keys[path]
        for n in range(len(path), -1, -1):
            if path[:n] in self.values:
                return self.values[path[:n]]
        return None

    def locate(self, path: JsonPath, at: int | None = None) -> tuple[int | None, int | None]:
        """1-based ``(line, column)`` of ``path`` (its key for object members), else
        ``(None, None)``."""
        at = self.offset(path) if at is None else at
        return (None, None) if at is None else line_col(self.text, at)


def _outside_strings(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, char)`` for every character outside JSON strings and comments, plus the
    two-character comment openers ``//`` and ``/*`` as single items."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if ch == "/" and i + 1 < n and text[i + 1] in "/*":
            yield i, text[i : i + 2]
            if text[i + 1] == "/":
                end = text.find("\n", i)
                i = n if end < 0 else end
            else:
                end = text.find("*/", i + 2)
                i = n if end < 0 else end + 2
            continue
        yield i, ch
        i += 1


class NonJsonConstant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's :mod:`json` reads them, JSON does not."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def reject_constant(name: str) -> Any:
    """``parse_constant`` hook for :func:`json.loads` that refuses ``NaN``/``Infinity``.

    Raises:
        NonJsonConstant: always.
    """
    raise NonJsonConstant(name)


def loads_strict(text: str) -> Any:
    """:func:`json.loads` as Claude Code's parser reads JSON: ``NaN``/``Infinity`` refused.

    Raises:
        json.JSONDecodeError, NonJsonConstant, ValueError (e.g. an integer of more than 4300
        digits), RecursionError.
    """
    return json.loads(text, parse_constant=reject_constant)


def find_outside_strings(text: str, word: str) -> int | None:
    """Offset of the first ``word`` that starts outside strings and comments, or None."""
    for at, tok in _outside_strings(text):
        if tok == word[0] and text.startswith(word, at):
            return at
    return None


def first_comment(text: str) -> int | None:
    """Offset of the first ``//`` or ``/*`` comment outside strings, or None."""
    for at, tok in _outside_strings(text):
        if tok in ("//", "/*"):
            return at
    return None


def strip_comments_and_trailing_commas(text: str) -> str:
    """``text`` without ``//``/``/* */`` comments (outside strings) and without commas that
    directly precede ``}`` or ``]``.  Newlines inside removed comments are kept, so line numbers
    of what remains do not move."""
    out: list[str] = []
    pending_comma: list[str] | None = None  # a comma and the blanks after it, not yet emitted
    last = 0
    for at, tok in _outside_strings(text):
        # Copy string contents (and anything skipped that is not a comment) verbatim.
        if at > last:
            skipped = text[last:at]
            if pending_comma is not None:
                out.extend(pending_comma)
                pending_comma = None
            out.append(skipped)
        if tok in ("//", "/*"):
            end = text.find("\n", at) if tok == "//" else text.find("*/", at + 2)
            end = len(text) if end < 0 else (end if tok == "//" else end + 2)
            blank = "\n" * text.count("\n", at, end)
            (pending_comma if pending_comma is not None else out).append(blank)
            last = end
            continue
        last = at + 1
        if tok == ",":
            if pending_comma is not None:
                out.extend(pending_comma)
            pending_comma = [","]
        elif tok.isspace():
            (pending_comma if pending_comma is not None else out).append(tok)
        else:
            if pending_comma is not None:
                if tok in "}]":
                    pending_comma[0] = ""
                out.extend(pending_comma)
                pending_comma = None
            out.append(tok)
    if pending_comma is not None:
        out.extend(pending_comma)
    out.append(text[last:])
    return "".join(out)


def lenient_loads(text: str) -> Any:
    """Parse JSON that may have JSONC comments and trailing commas.

    Raises:
        ValueError: (incl. :class:`json.JSONDecodeError`) if the text is still not JSON.
        RecursionError: for absurdly deep nesting.

    Only for recovering restrictions from a broken file (see the module docstring).
    """
    return json.loads(strip_comments_and_trailing_commas(text))


def conflict_sides(text: str) -> list[str] | None:
    """The two versions of a file with git merge-conflict markers, or None if it has none.

    ``<<<<<<<`` … ``|||||||`` (diff3 base, dropped) … ``=======`` … ``>>>>>>>``: the first
    returned text keeps "ours", the second "theirs"; lines outside conflicts are in both.
    """
    if not _CONFLICT.search(text):
        return None
    ours: list[str] = []
    theirs: list[str] = []
    state = "both"
    for line in text.splitlines(keepends=True):
        marker = line[:7]
        if marker == "<" * 7:
            state = "ours"
        elif marker == "|" * 7 and state == "ours":
            state = "base"
        elif marker == "=" * 7 and state in ("ours", "base"):
            state = "theirs"
        elif marker == ">" * 7 and state == "theirs":
            state = "both"
        else:
            if state in ("both", "ours"):
                ours.append(line)
            if state in ("both", "theirs"):
                theirs.append(line)
    return ["".join(ours), "".join(theirs)]


def scan_string_lists(text: str, key: str) -> list[list[str]]:
    """Every array of strings that follows ``"key":`` anywhere in ``text``.

    The last-resort recovery for text that does not parse even leniently (a missing comma
    elsewhere): each ``"deny": [...]`` that is itself well-formed is still found.  Arrays that do
    not decode, or hold non-strings, are skipped.
    """
    cleaned = strip_comments_and_trailing_commas(text)
    decoder = json.JSONDecoder()
    found: list[list[str]] = []
    for match in re.finditer('"' + re.escape(key) + r'"\s*:\s*', cleaned):
        try:
            value, _ = decoder.raw_decode(cleaned, match.end())
        except (ValueError, RecursionError):
            continue
        if isinstance(value, list):
            found.append([v for v in value if isinstance(v, str)])
    return found


def explain_decode_error(text: str, exc: json.JSONDecodeError) -> tuple[str, int, int]:
    """Why ``text`` is not JSON, as ``(message, line, column)`` (1-based) for the user.

    The message names the cause and the fix: an empty file, merge-conflict markers, a JSONC
    comment ("remove the comment at line N: settings files are plain JSON"), a trailing comma,
    else :mod:`json`'s own description.
    """
    if not text.strip():
        return ("the file is empty; a settings file must hold a JSON object (write {} for none)",
                1, 1)
    conflict = _CONFLICT.search(text)
    if conflict:
        line, col = line_col(text, conflict.start())
        return ((f"git merge-conflict marker at line {line}: resolve the conflict and remove the "
                 "<<<<<<< / ======= / >>>>>>> lines"), line, col)
    comment = first_comment(text)
    if comment is not None and comment <= exc.pos:
        line, col = line_col(text, comment)
        return ((f"remove the comment at line {line}: settings files are plain JSON "
                 "(JSONC comments are not allowed)"), line, col)
    also = ""
    if comment is not None:
        also = f" (the comment at line {line_col(text, comment)[0]} must go too: no JSONC)"
    pos = exc.pos
    before = text[:pos].rstrip()
    if before.endswith(",") and text[pos : pos + 1] in ("}", "]"):
        line, col = line_col(text, len(before) - 1)
        return ((f"remove the trailing comma at line {line}, column {col}: JSON does not allow a "
                 f"comma before a closing bracket{also}"), line, col)
    return ((f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the file "
             f"(a missing comma or quote is the usual cause){also}"), exc.lineno, exc.colno)
