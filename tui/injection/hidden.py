"""Concealment channels: text a human does not see but a model reads, made readable.

Prompt injection often hides its words from the person reviewing the content (the corpus's
labelling rule, ``../shared/corpora/injection/README.md``: "Hiding text from humans (Unicode
tags, zero-width encodings, HTML comments, alt text, CSS-hidden HTML, config fields) does not
change the label").  This module undoes the hiding so the intent rules in
:mod:`tui.injection.signals` can read the words:

* **Unicode tag characters** (U+E0000-U+E007F, "ASCII smuggling"): each maps to the ASCII
  character 0xE0000 below it.  Emoji subdivision flags (U+1F3F4, tag letters/digits, U+E007F
  CANCEL TAG; Unicode TS #51 section 1.4.5) are the one legitimate use and are left alone.
* **Zero-width bit encodings** ("Sneaky Bits" and friends): long runs of two or three invisible
  characters encoding bytes; decoded when the result is readable text.
* **Zero-width characters splitting words** (``I<U+200B>g<U+200B>n...``): removed.  Emoji ZWJ
  sequences and a stray zero-width space are legitimate and simply disappear in the
  normalised text.
* **Bidi controls** (U+202A-U+202E, U+2066-U+2069; the "Trojan Source" characters): removed,
  noted per line.
* **Homoglyphs**: Cyrillic and Greek letters that look like Latin ones, inside words that also
  hold Latin letters (or whole look-alike words on a line that does), mapped to Latin.
* **JSON string escapes** (``\\n``, ``\\u003c``, surrogate pairs): MCP results and API payloads
  carry text JSON-encoded; it is decoded in place so the rules see the words.

Every function keeps line numbers: normalisation never adds or removes a newline.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = [
    "Hidden", "Normalised", "decode_base64_blobs", "normalise", "rot13", "visible",
]

TAG_RUN = re.compile("[\U000e0000-\U000e007f]+")
FLAG_TAGS = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,8}\U000e007f")
INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad"
INVISIBLE_RUN = re.compile(f"[{INVISIBLE}]{{16,}}")
INVISIBLE_ANY = re.compile(f"[{INVISIBLE}]")
WORD_SPLIT = re.compile(f"[^\\W\\d_][{INVISIBLE}]+[^\\W\\d_]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
JSON_ESCAPE = re.compile(r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
                         r"|u([0-9a-fA-F]{4})|([nrt\"\\/]))")
SPECIAL = re.compile(f"[\U000e0000-\U000e007f{INVISIBLE}\u202a-\u202e\u2066-\u2069\u200e\u200f"
                     f"\u061c\u0370-\u04ff]")
"""Any character one of the channels below cares about (a text without one is left as is)."""
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BASE64_BLOB = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])")

# Cyrillic and Greek letters that render like Latin ones (Unicode confusables, the subset that
# garak's homoglyph map and common attacks use).
_HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ѕ": "s",
    "ј": "j", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ҝ": "k", "ɡ": "g", "ո": "n",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D", "Ү": "Y",
    "ο": "o", "α": "a", "ν": "v", "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "ϲ": "c",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)
_HOMOGLYPH_CLASS = "".join(_HOMOGLYPHS)
MIXED_WORD = re.compile(
    f"(?:[A-Za-z][{_HOMOGLYPH_CLASS}]|[{_HOMOGLYPH_CLASS}][A-Za-z])")
NON_CONFUSABLE_CYRILLIC = re.compile("[\u0400-\u04ff\u0370-\u03ff]")


@dataclass(frozen=True)
class Hidden:
    """Text decoded from a concealment channel.

    Attributes:
        channel: ``"unicode_tags"``, ``"zero_width"``, ``"base64"`` or ``"rot13"``.
        line: 1-based line of the carrier where the hidden text sits.
        text: the decoded text (plain ASCII for tags and bit encodings).
    """

    channel: str
    line: int
    text: str


@dataclass
class Normalised:
    """What :func:`normalise` returns: readable text plus what was hidden where.

    Attributes:
        text: the text with escapes decoded, invisible characters removed and homoglyphs mapped;
            it has exactly as many lines as the input.
        hidden: decoded hidden payloads (tags, zero-width bits), in order.
        channels: per 1-based line, the concealment channels seen on it (``"zero_width"`` for
            split words, ``"homoglyph"``, ``"bidi"``, ``"unicode_tags"``).
    """

    text: str
    hidden: list[Hidden] = field(default_factory=list)
    channels: dict[int, set[str]] = field(default_factory=dict)

    def note(self, line: int, channel: str) -> None:
        """Record that ``channel`` hid something on ``line``."""
        self.channels.setdefault(line, set()).add(channel)


class _LineOf:
    """1-based line numbers of offsets in one text (line starts computed once, then bisected)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def __call__(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


_NEWLINE = re.compile("\n")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _json_unescape(match: re.Match[str]) -> str:
    hi, lo, single, simple = match.groups()
    if hi is not None:
        return chr(0x10000 + ((int(hi, 16) - 0xD800) << 10) + (int(lo, 16) - 0xDC00))
    if single is not None:
        ch = chr(int(single, 16))
        return " " if ch in "\n\r" or "\ud800" <= ch <= "\udfff" else ch
    return {"n": "  ", "r": " ", "t": " "}.get(simple, simple)


def _decode_tags(run: str) -> str:
    return "".join(chr(ord(c) - 0xE0000) for c in run if 0x20 <= ord(c) - 0xE0000 < 0x7F)


def _decode_bits(run: str) -> str | None:
    """Readable ASCII from a run of two or three kinds of invisible characters, or None."""
    kinds = sorted(set(run))
    if not 2 <= len(kinds) <= 3:
        return None
    candidates: list[list[str]] = []
    if len(kinds) == 2:
        candidates.append([run[i:i + 8] for i in range(0, len(run) - 7, 8)])
    else:  # one kind separates groups of bits
        for sep in kinds:
            groups = [g for g in run.split(sep) if g]
            if groups and all(len(g) <= 8 for g in groups):
                candidates.append(groups)
    for groups in candidates:
        symbols = sorted({c for g in groups for c in g})
        if len(symbols) != 2:
            continue
        for zero, one in ((symbols[0], symbols[1]), (symbols[1], symbols[0])):
            table = str.maketrans({zero: "0", one: "1"})
            try:
                out = "".join(chr(int(g.translate(table), 2)) for g in groups)
            except ValueError:
                continue
            printable = sum(1 for c in out if 32 <= ord(c) < 127 or c in "\n\t")
            if out and printable / len(out) >= 0.9 and " " in out:
                return CONTROL.sub(" ", out)
    return None


def normalise(text: str) -> Normalised:
    """Decode escapes and concealment channels in ``text``, keeping its lines.

    Returns a :class:`Normalised`; never raises on any input string.
    """
    norm = Normalised(text)
    if "\\" in text and ("\\n" in text or "\\u" in text or '\\"' in text):
        if "\\u" in text or "\x00" in text:
            text = JSON_ESCAPE.sub(_json_unescape, text)
        else:  # the common case, without a regex callback per escape
            text = (text.replace("\\\\", "\x00").replace("\\n", "  ").replace("\\r", " ")
                    .replace("\\t", " ").replace('\\"', '"').replace("\\/", "/")
                    .replace("\x00", "\\"))
    if text.isascii() or not SPECIAL.search(text):
        norm.text = text
        return norm
    if TAG_RUN.search(text):
        covered: set[int] = set()
        for m in FLAG_TAGS.finditer(text):
            covered.update(range(m.start(), m.end()))
        line_of = _LineOf(text)
        for m in TAG_RUN.finditer(text):
            if m.start() in covered:
                continue
            decoded = _decode_tags(m.group())
            if decoded.strip():
                line = line_of(m.start())
                norm.hidden.append(Hidden("unicode_tags", line, decoded))
                norm.note(line, "unicode_tags")
        text = FLAG_TAGS.sub("\U0001f3f4", text)
        text = TAG_RUN.sub("", text)
    if INVISIBLE_ANY.search(text):
        line_of = _LineOf(text)
        for m in INVISIBLE_RUN.finditer(text):
            decoded_bits = _decode_bits(m.group())
            if decoded_bits:
                line = line_of(m.start())
                norm.hidden.append(Hidden("zero_width", line, decoded_bits))
                norm.note(line, "zero_width")
        text = INVISIBLE_RUN.sub("", text)
        line_of = _LineOf(text)
        for m in WORD_SPLIT.finditer(text):
            norm.note(line_of(m.start()), "zero_width")
        text = INVISIBLE_ANY.sub("", text)
    if BIDI.search(text):
        line_of = _LineOf(text)
        for m in BIDI.finditer(text):
            norm.note(line_of(m.start()), "bidi")
        text = BIDI.sub("", text)
    if NON_CONFUSABLE_CYRILLIC.search(text):
        lines = text.split("\n")
        for i, row in enumerate(lines):
            if MIXED_WORD.search(row):
                mixed = len(MIXED_WORD.findall(row))
                if mixed >= 2:
                    lines[i] = row.translate(_HOMOGLYPH_TABLE)
                    norm.note(i + 1, "homoglyph")
        text = "\n".join(lines)
    norm.text = text
    return norm


def decode_base64_blobs(text: str, limit: int = 32) -> list[Hidden]:
    """Readable text hidden as base64 in ``text``: at most ``limit`` blobs, each decoded when
    it is mostly printable ASCII with spaces (so keys, hashes and images are skipped)."""
    out: list[Hidden] = []
    for m in BASE64_BLOB.finditer(text):
        blob = m.group()
        if (len(blob) > 20000 or blob.isalpha() or blob.isdigit()
                or blob.count("/") * 16 > len(blob)):  # a path, not base64
            continue
        try:
            raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=False)
        except (binascii.Error, ValueError):
            continue
        try:
            decoded = raw.decode("ascii")
        except UnicodeDecodeError:
            continue
        if decoded.count(" ") >= 2 and sum(c.isprintable() for c in decoded) >= 0.95 * len(decoded):
            out.append(Hidden("base64", _line_of(text, m.start()), decoded))
            if len(out) >= limit:
                break
    return out


def rot13(text: str) -> str:
    """``text`` with ROT13 applied to its ASCII letters."""
    return codecs.encode(text, "rot13")


_SHOW = re.compile(f"([{INVISIBLE}\t\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                   f"\x00-\x08\x0b-\x1f\x7f-\x9f\U000e0000-\U000e007f])\\1*")


def _show(m: re.Match[str]) -> str:
    ch = m.group(1)
    if ch == "\t":
        return " "
    n = len(m.group())
    return f"<U+{ord(ch):04X}>" if n == 1 else f"<U+{ord(ch):04X} x{n}>"


def visible(text: str, limit: int = 120) -> str:
    """``text`` made safe to show: invisible and control characters as ``<U+XXXX>`` (runs
    collapsed, e.g. ``<U+200B x148>``), at most ``limit`` characters."""
    s = _SHOW.sub(_show, text[: limit * 4]).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"
