"""A small reader for sed scripts: which files they write or read and whether they run commands.

``sed`` is in the read-only set only while its script has no ``w``/``W``/``e`` command and no
``w``/``e`` flag on ``s`` (SPEC §4, REF §2.4).  The reader follows GNU sed's grammar (addresses,
``!``, blocks, ``a``/``i``/``c`` text, labels, ``s``/``y`` with any delimiter and their flags);
anything it does not recognise makes the result uncertain, and the analyser then treats the
script as writing an unknown file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_SIMPLE = set("=dDgGhHnNpPxzF")
_EXIT_ARG = set("qQlL")
_LABEL = set("btT")
_FILE_CMDS = set("rRwW")
_S_FLAGS = set("gpiImMe0123456789")


@dataclass
class SedInfo:
    """What a sed script does beyond printing.

    Attributes:
        writes: files named by ``w``/``W`` commands and the ``s///w`` flag (``/dev/stdout`` too).
        reads: files named by ``r``/``R`` commands.
        executes: an ``e`` command or ``s///e`` flag is present.
        commands: the shell commands given to ``e`` commands (``1e id`` gives ``["id"]``).
        certain: false when part of the script could not be read.
    """

    writes: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    executes: bool = False
    commands: list[str] = field(default_factory=list)
    certain: bool = True


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def peek(self) -> str:
        """The next character, ``""`` at the end."""
        return self.s[self.i] if self.i < len(self.s) else ""

    def take(self) -> str:
        """Consume and return the next character."""
        c = self.peek()
        self.i += 1
        return c

    def skip_blanks(self) -> None:
        """Skip spaces and tabs."""
        while self.peek() in (" ", "\t"):
            self.i += 1

    def rest_of_line(self) -> str:
        """The text up to (not including) the next newline."""
        end = self.s.find("\n", self.i)
        end = len(self.s) if end < 0 else end
        out = self.s[self.i:end]
        self.i = end
        return out

    def delimited(self, delim: str) -> str | None:
        """Text up to an unescaped ``delim``; ``None`` when it never comes."""
        out: list[str] = []
        while self.i < len(self.s):
            c = self.take()
            if c == "\\":
                nxt = self.take()
                out.append(c + nxt)
                continue
            if c == delim:
                return "".join(out)
            if c == "\n" and delim != "\n":
                return None
            out.append(c)
        return None


def _address(r: _Reader) -> bool:
    """Consume one address if present; false when malformed."""
    c = r.peek()
    if c.isdigit():
        while r.peek().isdigit():
            r.take()
        if r.peek() == "~":
            r.take()
            while r.peek().isdigit():
                r.take()
        return True
    if c == "$":
        r.take()
        return True
    if c in ("/", "\\"):
        r.take()
        delim = "/" if c == "/" else r.take()
        if not delim or delim in "\n\\" or r.delimited(delim) is None:
            return False
        while r.peek() in ("I", "M"):
            r.take()
        return True
    return True


def _addresses(r: _Reader) -> bool:
    if not _address(r):
        return False
    r.skip_blanks()
    if r.peek() == ",":
        r.take()
        r.skip_blanks()
        if r.peek() in ("+", "~"):
            r.take()
            while r.peek().isdigit():
                r.take()
        elif not _address(r):
            return False
    r.skip_blanks()
    while r.peek() == "!":
        r.take()
        r.skip_blanks()
    return True


def _end_of_command(r: _Reader) -> bool:
    r.skip_blanks()
    c = r.peek()
    if c in ("", "\n", ";", "}", "#"):
        if c in ("\n", ";"):
            r.take()
        return True
    return False


def _s_command(r: _Reader, info: SedInfo) -> bool:
    delim = r.take()
    if not delim or delim in "\n\\":
        return False
    if r.delimited(delim) is None or r.delimited(delim) is None:
        return False
    while True:
        c = r.peek()
        if c in _S_FLAGS:
            r.take()
            if c == "e":
                info.executes = True
            continue
        if c == "w":
            r.take()
            r.skip_blanks()
            info.writes.append(r.rest_of_line())
            return True
        return _end_of_command(r)


def read_sed_script(text: str) -> SedInfo:
    """Read a sed script (the ``-e`` pieces joined with newlines).  Never raises."""
    info = SedInfo()
    r = _Reader(text)
    try:
        _read(r, info)
    except (IndexError, ValueError):
        info.certain = False
    return info


def _read(r: _Reader, info: SedInfo) -> None:
    while r.i < len(r.s):
        while r.peek() in (" ", "\t", "\n", ";"):
            r.take()
        if r.i >= len(r.s):
            return
        if r.peek() == "#":
            r.rest_of_line()
            continue
        if not _addresses(r):
            info.certain = False
            return
        cmd = r.take()
        if cmd in ("{",):
            continue
        if cmd == "}":
            if not _end_of_command(r) and r.peek() not in ("}",):
                info.certain = False
                return
            continue
        if cmd in _SIMPLE:
            if not _end_of_command(r):
                info.certain = False
                return
            continue
        if cmd in _EXIT_ARG:
            r.skip_blanks()
            while r.peek().isdigit():
                r.take()
            if not _end_of_command(r):
                info.certain = False
                return
            continue
        if cmd in _LABEL or cmd == ":":
            r.skip_blanks()
            while r.peek() not in ("", "\n", ";"):
                r.take()
            continue
        if cmd in ("a", "i", "c"):
            r.skip_blanks()
            if r.peek() == "\\":
                r.take()
                # classic form: text lines after "a\", each but the last ending in a backslash
                line = r.rest_of_line()
                more = not line.strip() or line.endswith("\\")
                while more and r.peek() == "\n":
                    r.take()
                    line = r.rest_of_line()
                    more = line.endswith("\\")
            else:
                r.rest_of_line()
            continue
        if cmd in _FILE_CMDS:
            r.skip_blanks()
            name = r.rest_of_line()
            (info.writes if cmd in "wW" else info.reads).append(name)
            continue
        if cmd == "e":
            info.executes = True
            r.skip_blanks()
            command = r.rest_of_line().strip()
            if command:
                info.commands.append(command)
            continue
        if cmd == "v":
            r.skip_blanks()
            while r.peek() not in ("", "\n", ";"):
                r.take()
            continue
        if cmd == "s":
            if not _s_command(r, info):
                info.certain = False
                return
            continue
        if cmd == "y":
            delim = r.take()
            if not delim or r.delimited(delim) is None or r.delimited(delim) is None or \
                    not _end_of_command(r):
                info.certain = False
                return
            continue
        info.certain = False
        return
