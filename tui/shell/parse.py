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

import re
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


_PLAIN_LINE = re.compile(r"""^[A-Za-z0-9_./:=+@%, |*?\[\]~'"{}!^\\-]*$""")
_ESCAPED = re.compile(r"\\[^\n]")
_WORD = re.compile(r"""(?:[^\s|'"\\]+|\\[^\n]|'[^']*'|"[^"\\]*")+|\|""")
_ASSIGNMENT_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "case", "esac", "for", "select",
                       "while", "until", "do", "done", "in", "function", "time", "coproc"})


def plain_parse(text: str) -> list | None:
    """The trees bashlex would build for a line of plain words, optionally piped, or None.

    A fast path for the most common commands (``ls -la src``, ``grep -n 'x' *.py | head``):
    words of letters, digits, ``_./:=+@%,-!^{}``, globs, ``~``, backslash escapes and quoted
    strings without ``$``, backquotes or (in double quotes) backslashes, separated by spaces
    and ``|``, and no reserved word in command position.  bashlex gives such words no parts
    (the analyser reads quotes, globs and tildes from the source text itself).  Anything else
    (``$``, redirections, other operators, a lone brace) is left to bashlex.
    ``tests/test_shell_parse_fast.py`` checks both give the same analysis.
    """
    if not _PLAIN_LINE.match(_ESCAPED.sub("", text)) or "||" in text or text.endswith("\\"):
        return None
    segments: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    consumed = 0
    for m in _WORD.finditer(text):
        if text[consumed:m.start()].strip(" "):
            return None  # an unterminated quote or a stray character
        consumed = m.end()
        if m.group(0) == "|":
            if not current:
                return None
            segments.append(current)
            current = []
        else:
            current.append((m.group(0), m.start(), m.end()))
    if not current or text[consumed:].strip(" "):
        return None
    segments.append(current)
    commands = []
    for words in segments:
        first = next((w for w, _, _ in words if not _ASSIGNMENT_WORD.match(w)), None)
        if first in _RESERVED or first in ("[[", "]]", "!") or \
                any(w in ("{", "}") for w, _, _ in words):
            return None  # bashlex reads a lone brace as a reserved word anywhere
        parts = []
        prefix = True
        for w, start, end in words:
            kind = "assignment" if prefix and _ASSIGNMENT_WORD.match(w) else "word"
            prefix = prefix and kind == "assignment"
            parts.append(bashlex.ast.node(kind=kind, word=w, pos=(start, end), parts=[]))
        commands.append(bashlex.ast.node(kind="command", parts=parts,
                                         pos=(words[0][1], words[-1][2])))
    if len(commands) == 1:
        return commands
    pipeline: list = []
    for k, command in enumerate(commands):
        if k:
            at = text.index("|", commands[k - 1].pos[1])
            pipeline.append(bashlex.ast.node(kind="pipe", pipe="|", pos=(at, at + 1)))
        pipeline.append(command)
    return [bashlex.ast.node(kind="pipeline", parts=pipeline,
                             pos=(commands[0].pos[0], commands[-1].pos[1]))]


def parse(text: str) -> list:
    """Parse ``text`` into bashlex trees (one per top-level command line).

    Lines of plain words take :func:`plain_parse`'s fast path.

    Raises:
        ParseFailure: bashlex could not parse it; the message says why.
    """
    fast = plain_parse(text)
    if fast is not None:
        return fast
    install()
    try:
        return bashlex.parse(text)
    except RecursionError as exc:  # deeply nested input
        raise ParseFailure("the command is nested too deeply to parse") from exc
    except Exception as exc:  # noqa: BLE001 - every bashlex failure fails closed with a reason
        raise ParseFailure(_reason(exc, text)) from exc
