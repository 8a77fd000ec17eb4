"""The model's Markdown as rows of cells: one renderer for an answer while it streams and after.

Textual's ``Markdown`` widget builds a widget per block, re-mounts a list's items when the list
grows, and lays out the screen again for each; streaming a long answer through it cost a third
of a core at 100 tokens/s (issue 14).  Here an answer is text rendered straight to
:class:`~textual.strip.Strip` rows by Rich's Markdown renderer (``rich.markdown``), styled from
the Textual theme's variables, so a streaming answer is one Line API widget
(:class:`~widgets.answer_view.AnswerView`) and a finished one is the same rows in the history.

An answer is cut into *chunks* at safe breaks (:func:`chunk_end`): a blank line outside a
fenced block, after a line that does not belong to a list, quote, table or indented block.
Chunks are rendered separately and joined by one blank row, which is what rendering the whole
text gives, so a streaming answer re-renders only its last, open chunk, and rendering the text
again at another width gives the same rows it showed while it streamed.

The text is untrusted: it is parsed as Markdown with raw HTML off (an HTML comment or tag is
shown as the characters it is, never hidden), links are shown with their address and never
made clickable, and nothing is read as Rich or Textual markup.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.app import App

CHUNK_CHARS = 600
"""A chunk ends at the first safe break after this many characters (fewer, larger chunks
render faster again at a new width; the open chunk is re-rendered on every update)."""

PADDING = 1
"""Blank cells left and right of every row (as the chat's other messages)."""

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_FENCE = ("```", "~~~")
_OFFSET = Style.from_meta({"offset": (0, 0)})
"""Marks a segment as text: the history sets its real offset, which mouse selection reads."""


def chunk_end(source: str, start: int = 0, min_chars: int = CHUNK_CHARS) -> int | None:
    """Where the chunk of ``source`` that begins at ``start`` may end, or None (it is open).

    A chunk ends just after a blank line that follows at least ``min_chars`` characters of the
    chunk, outside a fenced code block, when the last non-blank line before it is not a list
    item, quote, table row or indented line (so a list keeps its numbering, a fence its code,
    and a quote or table stays whole).  ``start`` must be 0 or a previous chunk's end.
    """
    fenced = False
    last = ""
    position = start
    for line in source[start:].splitlines(keepends=True):
        position += len(line)
        if not line.endswith("\n"):
            return None  # the line is not finished yet
        if line.lstrip().startswith(_FENCE):
            fenced = not fenced
        if line.strip():
            last = line.rstrip("\n")
        elif (not fenced and position - start >= min_chars and last
              and not last.startswith((" ", "\t", ">", "|"))
              and not _LIST_ITEM.match(last)):
            return position
    return None


def chunks(source: str, min_chars: int = CHUNK_CHARS) -> list[str]:
    """``source`` cut at every :func:`chunk_end`; the last chunk may be open (unfinished)."""
    parts: list[str] = []
    start = 0
    while (end := chunk_end(source, start, min_chars)) is not None:
        parts.append(source[start:end])
        start = end
    if start < len(source) or not parts:
        parts.append(source[start:])
    return parts


def _color(variables: Mapping[str, str], name: str, background: Color) -> str | None:
    """Theme variable ``name`` as a Rich colour (alpha blended over ``background``); None when
    it is unset, ``transparent`` or ``auto``."""
    value = variables.get(name, "")
    if not value or value.startswith(("auto", "transparent", "initial")):
        return None
    try:
        color = Color.parse(value)
    except Exception:  # noqa: BLE001 - a theme value Rich cannot show: no colour
        return None
    if color.a < 1:
        color = background.blend(color.with_alpha(1.0), color.a)
    return color.hex6


def _style(color: str | None, text_style: str = "", background: str | None = None) -> str:
    words = [word for word in text_style.split() if word not in ("none", "initial")]
    if color:
        words.append(color)
    if background:
        words += ["on", background]
    return " ".join(words) or "none"


def theme_styles(variables: Mapping[str, str]) -> dict[str, str]:
    """Rich styles of the Markdown elements (``markdown.h1`` …) from Textual theme
    ``variables`` (``App.theme_variables``): headings use ``$markdown-hN-*``, code, bullets,
    quotes and links the theme's text colours."""
    background = Color.parse(variables.get("background", "#000000"))
    def c(name: str) -> str | None:
        return _color(variables, name, background)
    styles = {
        "markdown.paragraph": "none",
        "markdown.text": "none",
        "markdown.em": "italic",
        "markdown.strong": "bold",
        "markdown.s": "strike",
        "markdown.code": _style(c("text-accent"), "", c("surface")),
        "markdown.code_block": "none",
        "markdown.block_quote": _style(c("text-secondary"), "italic"),
        "markdown.list": "none",
        "markdown.item": "none",
        "markdown.item.bullet": _style(c("text-primary"), "bold"),
        "markdown.item.number": _style(c("text-primary"), "bold"),
        "markdown.hr": _style(c("secondary")),
        "markdown.h1.border": _style(c("primary")),
        "markdown.link": _style(c("text-primary"), "underline"),
        "markdown.link_url": _style(c("foreground-muted")),
        "markdown.kbd": "bold",
        "markdown.table.border": _style(c("primary")),
        "markdown.table.header": "bold",
    }
    for level in range(1, 7):
        styles[f"markdown.h{level}"] = _style(
            c(f"markdown-h{level}-color"), variables.get(f"markdown-h{level}-text-style", "bold"),
            c(f"markdown-h{level}-background"))
    return styles


class MarkdownRenderer:
    """Renders Markdown text to rows for one theme.

    Args:
        variables: the Textual theme's variables (``App.theme_variables``).
        dark: the theme is dark (code blocks use the dark ANSI palette).
    """

    def __init__(self, variables: Mapping[str, str], *, dark: bool = True) -> None:
        # Rich's Markdown, markdown-it and Pygments load with the first answer, not at start.
        from rich.console import Console
        from rich.theme import Theme

        from widgets._rich_answer import AnswerMarkdown

        self._markdown = AnswerMarkdown
        self._console = Console(
            file=io.StringIO(), width=80, force_terminal=True, color_system="truecolor",
            theme=Theme(theme_styles(variables)), emoji=False, highlight=False, markup=False,
            legacy_windows=False, no_color=False)
        background = Color.parse(variables.get("background", "#000000"))
        self._code_theme = "ansi_dark" if dark else "ansi_light"
        self._code_background = _color(variables, "surface", background) or "default"

    def render(self, source: str, width: int) -> list[Strip]:
        """One chunk of Markdown as rows ``width`` cells wide (padding included; trailing blank
        rows removed).  Every text segment carries a selection offset."""
        inner = max(1, width - 2 * PADDING)
        markdown = self._markdown(source, self._code_theme, self._code_background)
        options = self._console.options.update_width(inner)
        lines = self._console.render_lines(markdown, options, pad=True, new_lines=False)
        while lines and not "".join(segment.text for segment in lines[-1]).strip() \
                and not any(segment.style and segment.style.bgcolor for segment in lines[-1]):
            lines.pop()
        pad = Segment(" " * PADDING, _OFFSET)
        return [Strip([pad, *_marked(line), pad], width) for line in lines]

    def render_chunks(self, parts: Iterable[str], width: int) -> list[Strip]:
        """Rows of consecutive chunks, one blank row between two (see the module docstring)."""
        rows: list[Strip] = []
        for part in parts:
            rendered = self.render(part, width)
            if rows and rendered:
                rows.append(Strip.blank(width))
            rows.extend(rendered)
        return rows

    def render_answer(self, source: str, width: int) -> list[Strip]:
        """A whole answer's rows: its :func:`chunks` rendered and joined."""
        return self.render_chunks(chunks(source), width)


def _marked(line: list[Segment]) -> list[Segment]:
    return [segment if segment.control else
            Segment(segment.text, (segment.style or Style()) + _OFFSET) for segment in line]


_RENDERERS: dict[str, MarkdownRenderer] = {}


def renderer_for(app: App[object]) -> MarkdownRenderer:
    """The renderer of ``app``'s current theme, built once per theme name (reading the
    theme's variables is not free, and a frame may ask for it many times)."""
    renderer = _RENDERERS.get(app.theme)
    if renderer is None:
        renderer = _RENDERERS[app.theme] = MarkdownRenderer(
            app.theme_variables, dark=app.current_theme.dark)
    return renderer
