"""Text preparation for the diff viewer: safe display lines and whole-file syntax highlighting.

File text is untrusted: it is never parsed as markup, control characters are shown as visible
control pictures (``␛``) and bidirectional-override characters as ``�``, one for one, so offsets
into a line stay valid.  Highlighting runs once over a *whole* file (multi-line strings and
comments come out right) and is then split into lines; it is blocking, so callers run it in a
thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content, Span

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

TAB_SIZE = 4
"""Cells per tab stop when expanding tabs in file text."""

HIGHLIGHT_MAX_CHARS = 500_000
"""Files longer than this (in characters) are shown without syntax highlighting."""

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Invisible characters that reorder text ("Trojan Source"); shown as U+FFFD."""

VISIBLE_CONTROLS: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},
    0x7F: "\u2421",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},
    **{ord(char): "\ufffd" for char in _BIDI_CONTROLS},
}
"""One-for-one replacements that make control characters visible without shifting offsets."""

TOKEN_STYLES: dict[str, str] = {
    "Comment": "$foreground-muted italic",
    "Comment.Preproc": "$text-accent",
    "Keyword": "$text-secondary",
    "Keyword.Constant": "$text-accent",
    "Keyword.Type": "$text-warning",
    "Operator.Word": "$text-secondary",
    "Name.Builtin": "$text-accent",
    "Name.Builtin.Pseudo": "italic",
    "Name.Class": "$text-warning bold",
    "Name.Constant": "$text-accent",
    "Name.Decorator": "$text-accent",
    "Name.Exception": "$text-warning",
    "Name.Function": "$text-primary",
    "Name.Tag": "$text-error",
    "Name.Attribute": "$text-warning",
    "Literal.String": "$text-success",
    "Literal.String.Doc": "$text-success italic",
    "Literal.String.Escape": "$text-accent",
    "Literal.String.Interpol": "$text-accent",
    "Literal.Number": "$text-accent",
    "Generic.Heading": "$text-primary bold",
    "Generic.Subheading": "$text-primary bold",
    "Generic.Strong": "bold",
    "Generic.Emph": "italic",
    "Generic.Inserted": "$text-success",
    "Generic.Deleted": "$text-error",
    "Error": "$text-error",
}
"""Pygments token type (dotted name) -> Content style.  Only theme variables are used, so the
colours follow the app theme; a token without an entry takes its nearest ancestor's style."""

_token_style_cache: dict[_TokenType, str] = {}


def _token_style(token_type: _TokenType) -> str:
    """Style for a pygments token type, walking up to its ancestors (memoised)."""
    if (cached := _token_style_cache.get(token_type)) is not None:
        return cached
    style = ""
    node: _TokenType | None = token_type
    while node is not None:
        name = ".".join(node)
        if name in TOKEN_STYLES:
            style = TOKEN_STYLES[name]
            break
        node = node.parent
    _token_style_cache[token_type] = style
    return style


def sanitize_lines(text: str) -> list[str]:
    """Split file text into display lines, as :func:`tui.diffs.compute_hunks` numbers them.

    Tabs are expanded to :data:`TAB_SIZE`; control and bidi-override characters are replaced
    one-for-one with visible symbols.

    Args:
        text: raw file content.

    Returns:
        One string per line (``str.splitlines`` semantics), without line endings.
    """
    return [sanitize_line(line) for line in text.splitlines()]


def sanitize_line(line: str) -> str:
    """One line (or a path) made safe to display: tabs expanded to :data:`TAB_SIZE`, control and
    bidi-override characters replaced one-for-one with visible symbols."""
    return line.expandtabs(TAB_SIZE).translate(VISIBLE_CONTROLS)


def plain_lines(text: str) -> list[Content]:
    """:func:`sanitize_lines` as unstyled :class:`Content` (what :func:`highlight_lines` gives
    for a file without a lexer)."""
    return [Content(line, strip_control_codes=False) for line in sanitize_lines(text)]


def _lexer_for(filename: str) -> Lexer | None:
    """A pygments lexer chosen by file name, or ``None`` for plain text."""
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_for_filename(filename, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None
    return None if lexer.name == "Text only" else lexer


def highlight_lines(text: str, filename: str) -> list[Content]:
    """Syntax-highlight a whole file once, then split it into lines.

    Blocking (pygments is pure Python): call it from a thread for big files.

    Args:
        text: raw file content.
        filename: name used to pick the lexer (``get_lexer_for_filename``); unknown -> plain text.

    Returns:
        One :class:`Content` per line, index ``n - 1`` for line ``n``; styles are theme-variable
        strings (see :data:`TOKEN_STYLES`), resolved when rendered.
    """
    lines = sanitize_lines(text)
    lexer = _lexer_for(filename) if len(text) <= HIGHLIGHT_MAX_CHARS else None
    if lexer is None:
        return [Content(line, strip_control_codes=False) for line in lines]
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    # Rebuild the text from the tokens so offsets stay right whatever the lexer normalises.
    for token_type, value in lexer.get_tokens("\n".join(lines)):
        end = offset + len(value)
        if value and (style := _token_style(token_type)):
            spans.append(Span(offset, end, style))
        parts.append(value)
        offset = end
    highlighted = Content("".join(parts), spans, strip_control_codes=False).split(
        "\n", allow_blank=True
    )
    if len(highlighted) < len(lines):  # a lexer dropped a line break: never misnumber lines
        return [Content(line, strip_control_codes=False) for line in lines]
    return highlighted
