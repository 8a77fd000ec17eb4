"""bashlex, made to match bash on two points, with its failures turned into plain reasons.

Two adjustments are installed once, the first time this module is imported (they only make
bashlex accept input bash accepts; they never change the tree it builds for other input):

* ``time`` is lexed as an ordinary word.  bashlex raises ``NotImplementedError`` for the ``time``
  reserved word; as a word, the analyser strips it like the other wrappers (SPEC §4 lists
  ``time``).  ``time a | b`` is then read as ``(time a) | b``: the same commands run.
* A here-document's delimiter is compared after quote removal (``<<'EOF'`` ends at a line
  ``EOF``, as in bash).  bashlex compared the quoted text and never found the end.

Every other bashlex failure becomes a :class:`ParseFailure` with a reason for the prompt.
"""

from __future__ import annotations

from typing import Any

import bashlex
from bashlex import errors as bl_errors
from bashlex import heredoc as bl_heredoc
from bashlex import tokenizer as bl_tokenizer

_INSTALLED = False


class ParseFailure(Exception):
    """The text cannot be analysed; ``str(exc)`` is the reason shown to the user."""


def heredoc_delimiter(word: str) -> str:
    """The delimiter a here-document ends at: ``word`` after quote removal (bash manual 3.6.6)."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(word):
        c = word[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"' and i + 1 < len(word) and word[i + 1] in '"\\$`':
                i += 1
                out.append(word[i])
            else:
                out.append(c)
        elif c in "'\"":
            quote = c
        elif c == "\\" and i + 1 < len(word):
            i += 1
            out.append(word[i])
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _make_heredoc(tokenizer: Any, redirnode: Any, lineno: int, killleading: bool) -> str:
    """Read a here-document's body up to its delimiter line (replaces bashlex's reader)."""
    delimiter = heredoc_delimiter(str(redirnode.output.word))
    document: list[str] = []
    startpos = tokenizer._shell_input_line_index
    line = tokenizer.readline(False)
    while line:
        if killleading:
            line = line.lstrip("\t")
        if line.rstrip("\n") == delimiter:
            document.append(line.rstrip("\n"))
            break
        document.append(line)
        line = tokenizer.readline(False)
    if not line:
        raise bl_errors.ParsingError(
            f"here-document delimited by end-of-file (wanted {delimiter!r})",
            tokenizer._shell_input_line, tokenizer._shell_input_line_index)
    endpos = tokenizer._shell_input_line_index - 1
    redirnode.heredoc = bashlex.ast.node(kind="heredoc", value="".join(document),
                                         pos=(startpos, endpos))
    if redirnode.pos[1] + 1 == startpos:
        redirnode.pos = (redirnode.pos[0], endpos)
    return "".join(document)


def install() -> None:
    """Apply the two adjustments described in the module docstring (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    bl_tokenizer.valid_reserved_first_command.pop("time", None)
    bl_heredoc.makeheredoc = _make_heredoc
    _INSTALLED = True


def _reason(exc: BaseException, text: str) -> str:
    msg = str(exc)
    if isinstance(exc, NotImplementedError):
        if "arithmetic" in msg:
            return "bashlex cannot parse arithmetic expansion $(( )) or $[ ]"
        if "pattern" in msg or "case" in msg:
            return "bashlex cannot parse case statements"
        if "coproc" in msg:
            return "bashlex cannot parse coproc"
        if "select" in msg:
            return "bashlex cannot parse select loops"
        return f"bashlex does not implement this construct ({msg})"
    if isinstance(exc, bl_errors.ParsingError):
        if "looking for matching" in msg:
            return f"unterminated quote, substitution or bracket ({msg})"
        if "[[" in text:
            return "bashlex cannot parse [[ ]] conditionals"
        return f"bashlex cannot parse the command: {msg}"
    if type(exc).__name__ == "MatchedPairError":
        return f"unterminated quote, substitution or bracket ({msg})"
    return f"bashlex failed on the command ({type(exc).__name__}: {msg})"


def parse(text: str) -> list:
    """Parse ``text`` into bashlex trees (one per top-level command line).

    Raises:
        ParseFailure: bashlex could not parse it; the message says why.
    """
    install()
    try:
        return bashlex.parse(text)
    except RecursionError as exc:  # deeply nested input
        raise ParseFailure("the command is nested too deeply to parse") from exc
    except Exception as exc:  # noqa: BLE001 - every bashlex failure fails closed with a reason
        raise ParseFailure(_reason(exc, text)) from exc
