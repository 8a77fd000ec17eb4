"""Rich's Markdown renderable as Warden shows an answer (:mod:`widgets.markdown_lines`).

Loaded with the first answer: importing Rich's Markdown, markdown-it and Pygments at start-up
would slow the first paint.  Three changes to Rich's defaults: raw HTML is parsed as text (shown,
never dropped), code blocks take the theme's surface colour and the terminal's ANSI palette,
and an ordered list's numbers are written ``3.`` as in the source.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, ListItem, Markdown
from rich.segment import Segment
from rich.syntax import Syntax

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")
"""CommonMark with tables and strikethrough; raw HTML is text (shown, not dropped)."""


class _ThemedCodeBlock(CodeBlock):
    """A fenced or indented code block: highlighted with the terminal's ANSI colours on the
    theme's surface colour (not a fixed Pygments theme that ignores light and dark)."""

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> _ThemedCodeBlock:
        lexer_name = (token.info or "").partition(" ")[0] or "text"
        background = getattr(markdown, "code_background", "default")
        return cls(lexer_name, markdown.code_theme, background)

    def __init__(self, lexer_name: str, theme: str, background: str) -> None:
        super().__init__(lexer_name, theme)
        self.background = background

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        yield Syntax(code, self.lexer_name, theme=self.theme, word_wrap=True,
                     padding=(0, 1), background_color=self.background)


class _NumberedItem(ListItem):
    """A list item; in an ordered list its number is written ``3.`` as in the source."""

    def render_number(self, console: Console, options: ConsoleOptions, number: int,
                      last_number: int) -> RenderResult:
        width = len(str(last_number)) + 3
        lines = console.render_lines(self.elements, options.update(width=options.max_width - width),
                                     style=self.style)
        style = console.get_style("markdown.item.number", default="none")
        numeral = Segment(f"{number}.".rjust(width - 1) + " ", style)
        padding = Segment(" " * width, style)
        for index, line in enumerate(lines):
            yield numeral if index == 0 else padding
            yield from line
            yield Segment.line()


class AnswerMarkdown(Markdown):
    """Rich's Markdown renderable, parsed with :data:`_PARSER` (raw HTML off)."""

    elements = {**Markdown.elements, "fence": _ThemedCodeBlock, "code_block": _ThemedCodeBlock,
                "list_item_open": _NumberedItem}

    def __init__(self, markup: str, code_theme: str, code_background: str) -> None:
        # Rich's own __init__ builds a parser with raw HTML on; these are its attributes.
        self.markup = markup
        self.parsed = _PARSER.parse(markup)
        self.code_theme = code_theme
        self.code_background = code_background
        self.justify = None
        self.style = "none"
        self.hyperlinks = False
        self.inline_code_lexer = None
        self.inline_code_theme = code_theme
