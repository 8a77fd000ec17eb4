"""Shell words as the shell sees them: quoting, expansions, globs and brace expansion.

bashlex gives each word's source span and the spans of the expansions inside it; this module
re-reads the source text to know which characters were quoted (bashlex's own quote removal loses
that, and gets ANSI-C quoting wrong), where the line continuations and quoted newlines are, and to
perform brace expansion (which bashlex does not do).  Pure functions, no I/O (SPEC §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GLOB_CHARS = "*?["
MAX_BRACE_WORDS = 256
"""Brace expansions producing more words than this are not expanded (the word stays opaque)."""

_ANSI_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_NAME_START = re.compile(r"[A-Za-z_0-9@*#?$!{(-]")
_SEQ = re.compile(r"^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$")


@dataclass(frozen=True)
class Item:
    """One piece of a scanned word: a character with its quoting, or an expansion kept opaque.

    ``kind`` is ``"c"`` for a character, otherwise the expansion kind: ``"param"``,
    ``"cmdsubst"``, ``"backtick"``, ``"procsubst"``, ``"unknown"``.  ``text`` is the character
    or the expansion's source text.  ``param`` is a parameter expansion's inside (``IFS``,
    ``x@P``).
    """

    text: str
    quoted: bool = False
    kind: str = "c"
    param: str = ""


@dataclass
class Scan:
    """The result of reading one word's source text (see :func:`scan_word`)."""

    items: list[Item] = field(default_factory=list)
    ansi_c: bool = False
    locale: bool = False
    line_continuation: bool = False
    quoted_newline_comment: bool = False
    used_spans: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Arg:
    """One word after brace expansion, as a command receives it (modulo runtime expansions).

    Attributes:
        value: the text after quote removal; expansions keep their source text (``$HOME/x``).
        raw: the source text of the whole word it came from.
        static: no expansion: ``value`` is exactly what the program receives (globs aside).
        glob: an unquoted ``*``, ``?`` or ``[...]``.
        tilde: the unquoted tilde prefix (``"~"``, ``"~root"``), ``""`` when none.
        params: parameter expansions inside (``("HOME",)``).
        kinds: expansion kinds inside (``{"param", "cmdsubst"}``).
        quoted: per character of ``value`` (static words only): was it quoted or escaped.
        leading_expansion: the word begins with an expansion (``$DIR/*``).
        braced: produced by brace expansion.
    """

    value: str
    raw: str
    static: bool
    glob: bool = False
    tilde: str = ""
    params: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    quoted: tuple[bool, ...] = ()
    leading_expansion: bool = False
    braced: bool = False

    @property
    def any_quoted(self) -> bool:
        """True when any character was quoted or escaped."""
        return any(self.quoted)

    def literal_prefix(self) -> str:
        """The characters before the first unquoted glob character or expansion."""
        out = []
        for ch, q in zip(self.value, self.quoted or (False,) * len(self.value), strict=False):
            if not q and ch in GLOB_CHARS:
                break
            out.append(ch)
        return "".join(out)


def _decode_ansi_c(body: str) -> str:
    """Decode the inside of ``$'...'`` the way bash does (common escapes)."""
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n in _ANSI_SIMPLE:
            out.append(_ANSI_SIMPLE[n])
            i += 2
        elif n == "x":
            m = re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2:])
            out.append(chr(int(m.group(0), 16)) if m else "\\x")
            i += 2 + (len(m.group(0)) if m else 0)
        elif n in "uU":
            m = re.match(r"[0-9A-Fa-f]{1,8}" if n == "U" else r"[0-9A-Fa-f]{1,4}", body[i + 2:])
            out.append(chr(min(int(m.group(0), 16), 0x10FFFF)) if m else "\\" + n)
            i += 2 + (len(m.group(0)) if m else 0)
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            assert m is not None
            out.append(chr(int(m.group(0), 8) & 0xFF))
            i += 1 + len(m.group(0))
        elif n == "c" and i + 2 < len(body):
            out.append(chr(ord(body[i + 2]) & 0x1F))
            i += 3
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out)


def _ansi_c_end(raw: str, start: int) -> int:
    """Index just past the closing quote of ``$'...'`` whose body starts at ``start``."""
    i = start
    while i < len(raw):
        if raw[i] == "\\":
            i += 2
            continue
        if raw[i] == "'":
            return i + 1
        i += 1
    return len(raw)


def _newline_then_hash(raw: str, newline_at: int) -> bool:
    rest = raw[newline_at + 1:].lstrip(" \t")
    return rest.startswith("#")


def scan_word(raw: str, spans: list[tuple[int, int, str, str]]) -> Scan:
    """Read a word's source text into quoted characters and opaque expansions.

    Args:
        raw: the word's source text, e.g. ``"r''m"`` or ``'"$HOME"/x'``.
        spans: expansions inside it as ``(start, end, kind, param)`` offsets relative to
            ``raw`` (from bashlex's parameter/substitution nodes).

    Returns:
        A :class:`Scan`.  Never raises on any input.
    """
    out = Scan()
    items = out.items
    span_at = {s[0]: s for s in spans}
    in_dq = False
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        nxt = raw[i + 1] if i + 1 < n else ""
        if c == "$" and nxt == "'" and not in_dq:
            end = _ansi_c_end(raw, i + 2)
            out.ansi_c = True
            body = raw[i + 2:end - 1] if end - 1 >= i + 2 else ""
            items.extend(Item(ch, True) for ch in _decode_ansi_c(body))
            i = end
            continue
        if c == "$" and nxt == '"' and not in_dq:
            out.locale = True
            in_dq = True
            i += 2
            continue
        span = span_at.get(i)
        if span is not None and span[1] > i:
            items.append(Item(raw[i:span[1]], in_dq, span[2], span[3]))
            out.used_spans.add(i)
            i = span[1]
            continue
        if c == "`":
            end = raw.find("`", i + 1)
            end = n if end < 0 else end + 1
            items.append(Item(raw[i:end], in_dq, "backtick"))
            i = end
            continue
        if c == "$" and nxt and _NAME_START.match(nxt):
            # An expansion bashlex did not report: keep the rest of the word opaque.
            items.append(Item(raw[i:], in_dq, "unknown"))
            break
        if in_dq:
            if c == '"':
                in_dq = False
                i += 1
            elif c == "\\" and nxt in ('$', '`', '"', "\\", "\n"):
                if nxt == "\n":
                    out.line_continuation = True
                else:
                    items.append(Item(nxt, True))
                i += 2
            else:
                if c == "\n" and _newline_then_hash(raw, i):
                    out.quoted_newline_comment = True
                items.append(Item(c, True))
                i += 1
            continue
        if c == "\\":
            if nxt == "\n":
                out.line_continuation = True
            elif nxt:
                items.append(Item(nxt, True))
            else:
                items.append(Item("\\", False))
            i += 2
            continue
        if c == "'":
            end = raw.find("'", i + 1)
            end = n if end < 0 else end
            for k in range(i + 1, end):
                if raw[k] == "\n" and _newline_then_hash(raw, k):
                    out.quoted_newline_comment = True
                items.append(Item(raw[k], True))
            i = end + 1
            continue
        if c == '"':
            in_dq = True
            i += 1
            continue
        items.append(Item(c, False))
        i += 1
    return out


# -- substitutions hidden inside ${...} -----------------------------------------------------


class HiddenSubstitutionError(Exception):
    """A substitution inside ``${...}`` whose end could not be found (or arithmetic)."""


def _matching_paren(text: str, start: int) -> int:
    """Index just past the ``)`` closing the ``(`` before ``start``; quotes are skipped."""
    depth = 1
    j = start
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch in ("'", '"'):
            k = text.find(ch, j + 1)
            if k < 0:
                raise HiddenSubstitutionError("unterminated quote")
            j = k + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise HiddenSubstitutionError("unterminated substitution")


def hidden_substitutions(text: str) -> list[tuple[str, str]]:
    """The substitutions inside a parameter expansion's text, which bashlex does not parse.

    ``${x:-$(rm -rf /)}`` gives ``[("$()", "rm -rf /")]``.  Quotes at this level are not taken
    as quoting (inside double quotes they are literal), so the result may over-approximate.

    Returns:
        ``(origin, command text)`` pairs, origin ``"$()"``, ``"``"``, ``"<()"`` or ``">()"``.

    Raises:
        HiddenSubstitutionError: unbalanced, or arithmetic expansion (``$((``/``$[``).
    """
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if text.startswith(("$((", "$["), i):
            raise HiddenSubstitutionError("arithmetic expansion")
        if text.startswith(("$(", "<(", ">("), i):
            end = _matching_paren(text, i + 2)
            origin = "$()" if c == "$" else f"{c}()"
            out.append((origin, text[i + 2:end - 1]))
            i = end
            continue
        if c == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise HiddenSubstitutionError("unterminated backtick")
            out.append(("``", text[i + 1:end]))
            i = end + 1
            continue
        i += 1
    return out


# -- brace expansion ------------------------------------------------------------------------


class BraceError(Exception):
    """A brace expansion too large to expand."""


def _is_open(item: Item) -> bool:
    return item.kind == "c" and not item.quoted and item.text == "{"


def _is_close(item: Item) -> bool:
    return item.kind == "c" and not item.quoted and item.text == "}"


def _is_comma(item: Item) -> bool:
    return item.kind == "c" and not item.quoted and item.text == ","


def _match_close(items: list[Item], start: int) -> int:
    depth = 0
    for k in range(start, len(items)):
        if _is_open(items[k]):
            depth += 1
        elif _is_close(items[k]):
            depth -= 1
            if depth == 0:
                return k
    return -1


def _split_alternatives(body: list[Item]) -> list[list[Item]]:
    parts: list[list[Item]] = [[]]
    depth = 0
    for it in body:
        if _is_open(it):
            depth += 1
        elif _is_close(it):
            depth -= 1
        if depth == 0 and _is_comma(it):
            parts.append([])
        else:
            parts[-1].append(it)
    return parts


def _sequence(body: list[Item]) -> list[list[Item]] | None:
    if any(it.kind != "c" or it.quoted for it in body):
        return None
    m = _SEQ.match("".join(it.text for it in body))
    if m is None:
        return None
    a, b, step_s = m.group(1), m.group(2), m.group(3)
    step = abs(int(step_s)) if step_s else 1
    step = step or 1
    if a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        x, y = int(a), int(b)
        if abs(y - x) // step + 1 > MAX_BRACE_WORDS:
            raise BraceError("sequence too long")
        width = max(len(a), len(b)) if (a.lstrip("-").startswith("0") and len(a.lstrip("-")) > 1
                                        or b.lstrip("-").startswith("0")
                                        and len(b.lstrip("-")) > 1) else 0
        rng = range(x, y + 1, step) if y >= x else range(x, y - 1, -step)
        return [[Item(ch) for ch in str(v).zfill(width)] for v in rng]
    if len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha():
        x, y = ord(a), ord(b)
        rng = range(x, y + 1, step) if y >= x else range(x, y - 1, -step)
        return [[Item(chr(v))] for v in rng]
    return None


def expand_braces(items: list[Item]) -> list[list[Item]]:
    """Bash brace expansion over scanned items (``file{,.bak}``, ``{1..3}``, ``{a,b}{c,d}``).

    Returns the expanded item lists (one when there is nothing to expand).  Raises
    :class:`BraceError` when the result would exceed :data:`MAX_BRACE_WORDS` words.
    """
    start = 0
    while True:
        i = next((k for k in range(start, len(items)) if _is_open(items[k])), -1)
        if i < 0:
            return [items]
        j = _match_close(items, i)
        if j < 0:
            return [items]
        body = items[i + 1:j]
        alts = _split_alternatives(body)
        if len(alts) > 1:
            choices: list[list[Item]] = []
            for alt in alts:
                choices.extend(expand_braces(alt))
        else:
            seq = _sequence(body)
            if seq is None:
                start = i + 1
                continue
            choices = seq
        prefix, suffix = items[:i], items[j + 1:]
        tails = expand_braces(suffix)
        if len(choices) * len(tails) > MAX_BRACE_WORDS:
            raise BraceError("too many words")
        return [prefix + c + t for c in choices for t in tails]


def has_brace_expansion(items: list[Item]) -> bool:
    """True when brace expansion would change this word."""
    try:
        result = expand_braces(items)
    except BraceError:
        return True
    return len(result) != 1 or result[0] is not items


# -- from items to arguments --------------------------------------------------------------


def make_arg(items: list[Item], raw: str, *, braced: bool = False) -> Arg:
    """Summarise one (brace-expanded) item list as an :class:`Arg`."""
    value = "".join(it.text for it in items)
    static = all(it.kind == "c" for it in items)
    kinds = frozenset(it.kind for it in items if it.kind != "c")
    params = tuple(it.param for it in items if it.kind == "param")
    quoted: list[bool] = []
    for it in items:
        quoted.extend([it.quoted] * len(it.text) if it.kind == "c" else [True] * len(it.text))
    glob = False
    for k, it in enumerate(items):
        if it.kind != "c" or it.quoted:
            continue
        if it.text in "*?":
            glob = True
        elif it.text == "[" and any(x.kind == "c" and not x.quoted and x.text == "]"
                                    for x in items[k + 2:]):
            glob = True
    tilde = ""
    if items and items[0].kind == "c" and not items[0].quoted and items[0].text == "~":
        prefix = []
        for it in items:
            if it.kind != "c" or it.text == "/":
                break
            prefix.append(it.text)
        if all(not it.quoted for it in items[:len(prefix)]):
            tilde = "".join(prefix)
    return Arg(value=value, raw=raw, static=static, glob=glob, tilde=tilde, params=params,
               kinds=kinds, quoted=tuple(quoted),
               leading_expansion=bool(items) and items[0].kind != "c", braced=braced)


def args_of(scan: Scan, raw: str) -> tuple[list[Arg], bool]:
    """The arguments a word becomes after brace expansion; second value: expansion failed."""
    try:
        expanded = expand_braces(scan.items)
    except BraceError:
        return [make_arg(scan.items, raw)], True
    braced = len(expanded) != 1 or expanded[0] is not scan.items
    return [make_arg(e, raw, braced=braced) for e in expanded], False
