"""A small, tolerant git-config reader and the keys that make git run a program.

No git is run: a hostile repository's configuration must be read, never obeyed.  The syntax
followed is git-config(1) "CONFIGURATION FILE" (https://git-scm.com/docs/git-config#_syntax):

* ``[section]``, ``[section "subsection"]`` (subsection case kept, ``\\"`` and ``\\\\``
  escapes) and the legacy ``[section.subsection]`` (all lower-cased); a variable may follow
  the header on the same line;
* section and variable names are case-insensitive (stored lower-cased);
* ``name = value``; a bare ``name`` means true (stored as ``None``);
* values: surrounding whitespace dropped, ``"..."`` quoting, ``\\n \\t \\b \\\\ \\"`` escapes,
  a backslash at the end of a line continues the value, ``#``/``;`` start a comment outside
  quotes.

Anything git itself would reject (an unknown escape, a newline inside quotes, a bad header)
is reported in :attr:`ParsedConfig.errors` and the rest of the file is still read; callers
treat an error as "unknown", hence risky.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_INCLUDE_DEPTH = 10
"""git's own limit on nested ``include.path`` (deeper, git stops with an error)."""

_BOOL_FALSE = frozenset({"false", "no", "off", "0", ""})
_BOOL_TRUE = frozenset({"true", "yes", "on", "1"})
_SPACE = " \t\f\v\r"


@dataclass(frozen=True)
class ConfigEntry:
    """One ``name = value`` line.

    Attributes:
        section: lower-cased section name (``core``, ``diff``).
        subsection: ``None`` when absent; as written for ``[diff "X"]``, lower-cased for the
            legacy ``[diff.x]``.
        name: lower-cased variable name.
        value: the unquoted value; ``None`` for a bare name (git's "true").
        line: 1-based line of the name.
    """

    section: str
    subsection: str | None
    name: str
    value: str | None
    line: int

    @property
    def key(self) -> str:
        """The dotted key as git-config(1) writes it: ``diff.x.textconv``."""
        if self.subsection is None:
            return f"{self.section}.{self.name}"
        return f"{self.section}.{self.subsection}.{self.name}"


@dataclass(frozen=True)
class ParsedConfig:
    """A parsed file: its entries in order and the problems found (``"line 3: ..."``)."""

    entries: tuple[ConfigEntry, ...]
    errors: tuple[str, ...]


class _Reader:
    """A cursor over the text with git's line counting."""

    def __init__(self, text: str) -> None:
        self.text = text.replace("\r\n", "\n")
        if self.text.startswith("\ufeff"):
            self.text = self.text[1:]
        self.i = 0
        self.line = 1

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else "\n"

    def at_end(self) -> bool:
        return self.i >= len(self.text)

    def take(self) -> str:
        ch = self.peek()
        if not self.at_end():
            self.i += 1
            if ch == "\n":
                self.line += 1
        return ch

    def skip_line(self) -> None:
        while not self.at_end() and self.take() != "\n":
            pass


def parse_config(text: str) -> ParsedConfig:
    """Parse git-config text; never raises.  See the module docstring for the syntax."""
    r = _Reader(text)
    entries: list[ConfigEntry] = []
    errors: list[str] = []
    section: tuple[str, str | None] | None = None
    while not r.at_end():
        ch = r.peek()
        if ch == "\n" or ch in _SPACE:
            r.take()
        elif ch in "#;":
            r.skip_line()
        elif ch == "[":
            line = r.line
            r.take()
            header = _header(r)
            if header is None:
                errors.append(f"line {line}: bad section header")
                r.skip_line()
            section = header
        elif ch.isascii() and ch.isalpha():
            line = r.line
            name, value, ok = _variable(r)
            if not ok:
                errors.append(f"line {line}: bad value for {name!r}")
                r.skip_line()
            elif section is None:
                errors.append(f"line {line}: {name!r} is outside any section")
            else:
                entries.append(ConfigEntry(section[0], section[1], name, value, line))
        else:
            errors.append(f"line {r.line}: unexpected {ch!r}")
            r.skip_line()
    return ParsedConfig(tuple(entries), tuple(errors))


def _header(r: _Reader) -> tuple[str, str | None] | None:
    """After ``[``: the (section, subsection) up to and including ``]``; None when bad."""
    name = ""
    while True:
        ch = r.peek()
        if ch == "]":
            r.take()
            break
        if ch in _SPACE:
            while r.peek() in _SPACE:
                r.take()
            if r.take() != '"':
                return None
            sub = _quoted_subsection(r)
            if sub is None or r.take() != "]" or not name or "." in name:
                return None
            return name, sub
        if not (ch.isascii() and (ch.isalnum() or ch in "-.")):
            return None
        name += r.take().lower()
    if not name:
        return None
    section, dot, sub = name.partition(".")
    if not section or (dot and not sub):
        return None
    return section, (sub if dot else None)


def _quoted_subsection(r: _Reader) -> str | None:
    out: list[str] = []
    while True:
        ch = r.take()
        if ch == "\n":
            return None
        if ch == '"':
            return "".join(out)
        if ch == "\\":
            ch = r.take()
            if ch == "\n":
                return None
        out.append(ch)


def _variable(r: _Reader) -> tuple[str, str | None, bool]:
    """A variable: (lower-cased name, value or None for bare, parsed cleanly)."""
    name = ""
    while not r.at_end() and r.peek().isascii() and (r.peek().isalnum() or r.peek() == "-"):
        name += r.take().lower()
    while r.peek() in " \t":
        r.take()
    if r.peek() == "\n":
        r.take()
        return name, None, True
    if r.take() != "=":
        return name, None, False
    value = _value(r)
    return name, value, value is not None


def _value(r: _Reader) -> str | None:
    """After ``=``: the value up to the end of its (possibly continued) line."""
    out: list[str] = []
    keep = 0  # length of ``out`` without trailing unquoted whitespace
    quoted = comment = False
    while True:
        if r.at_end():
            return None if quoted else "".join(out[:keep])
        ch = r.take()
        if ch == "\n":
            return None if quoted else "".join(out[:keep])
        if comment:
            continue
        if not quoted and ch in _SPACE:
            if out:
                out.append(ch)
            continue
        if not quoted and ch in "#;":
            comment = True
            continue
        if ch == "\\":
            nxt = r.take()
            if nxt == "\n":
                continue
            mapped = {"n": "\n", "t": "\t", "b": "\b", "\\": "\\", '"': '"'}.get(nxt)
            if mapped is None:
                return None
            out.append(mapped)
        elif ch == '"':
            quoted = not quoted
        else:
            out.append(ch)
        keep = len(out)


# -- keys that run a program ------------------------------------------------------------------


def _always(value: str | None) -> bool:
    return True


def _not_false(value: str | None) -> bool:
    """core.fsmonitor: only a boolean false is safe (true starts git's own daemon)."""
    return value is None or value.strip().lower() not in _BOOL_FALSE


def _not_bool(value: str | None) -> bool:
    """pager.<cmd>: a boolean picks the default pager; anything else is a command."""
    return value is not None and value.strip().lower() not in _BOOL_FALSE | _BOOL_TRUE


def _bang(value: str | None) -> bool:
    """alias.*, submodule.*.update: ``!cmd`` is a shell command."""
    return value is not None and value.lstrip().startswith("!")


def _nonempty(value: str | None) -> bool:
    """credential.helper: an empty value only resets the list."""
    return value is None or value.strip() != ""


def _not_never(value: str | None) -> bool:
    """protocol.allow / protocol.ext.allow: anything but ``never`` lets ``ext::`` run."""
    return value is None or value.strip().lower() != "never"


PROGRAM_KEYS: tuple[tuple[str, Callable[[str | None], bool]], ...] = (
    ("core.fsmonitor", _not_false), ("core.pager", _always), ("pager.*", _not_bool),
    ("core.editor", _always), ("sequence.editor", _always), ("core.sshcommand", _always),
    ("core.hookspath", _always), ("core.askpass", _always), ("core.gitproxy", _always),
    ("core.alternaterefscommand", _always), ("diff.external", _always),
    ("diff.*.textconv", _always), ("diff.*.command", _always), ("merge.*.driver", _always),
    ("filter.*.clean", _always), ("filter.*.smudge", _always), ("filter.*.process", _always),
    ("alias.*", _bang), ("alias.*.command", _bang), ("submodule.*.update", _bang),
    ("credential.helper", _nonempty), ("credential.*.helper", _nonempty),
    ("gpg.program", _always), ("gpg.*.program", _always), ("gpg.*.defaultkeycommand", _always),
    ("interactive.difffilter", _always), ("uploadpack.packobjectshook", _always),
    ("protocol.allow", _not_never), ("protocol.ext.allow", _not_never),
    ("remote.*.uploadpack", _always), ("remote.*.receivepack", _always),
    ("sendemail.*cmd", _always), ("sendemail.*.*cmd", _always),
    ("sendemail.smtpserver", _always), ("sendemail.*.smtpserver", _always),
    ("web.browser", _always), ("browser.*.cmd", _always), ("browser.*.path", _always),
    ("man.viewer", _always), ("man.*.cmd", _always), ("man.*.path", _always),
    ("difftool.*.cmd", _always), ("difftool.*.path", _always),
    ("mergetool.*.cmd", _always), ("mergetool.*.path", _always),
    ("hook.*.command", _always), ("trailer.*.command", _always), ("trailer.*.cmd", _always),
    ("guitool.*.cmd", _always), ("imap.tunnel", _always), ("instaweb.httpd", _always),
)
"""(pattern, risky(value)) pairs, from git-config(1) (https://git-scm.com/docs/git-config).

A pattern is ``section.name`` (no subsection) or ``section.SUB.name`` (a subsection; ``*``
matches any, other subsections compare case-insensitively); a name ``*`` matches any name and
``*cmd`` any name ending in ``cmd``.  A bare key (``None`` value) is git's "true"."""


def _name_matches(pattern: str, name: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    return pattern == name


def _key_matches(pattern: str, entry: ConfigEntry) -> bool:
    parts = pattern.split(".")
    if parts[0] != entry.section:
        return False
    if len(parts) == 2:
        return entry.subsection is None and _name_matches(parts[1], entry.name)
    if entry.subsection is None:
        return False
    if parts[1] != "*" and parts[1] != entry.subsection.lower():
        return False
    return _name_matches(parts[2], entry.name)


def runs_program(entry: ConfigEntry) -> bool:
    """True when ``entry`` (from a repository's own config) names a program git may run."""
    return any(_key_matches(pattern, entry) and risky(entry.value)
               for pattern, risky in PROGRAM_KEYS)


def include_path(entry: ConfigEntry) -> tuple[bool, str | None]:
    """Whether ``entry`` is ``include.path`` / ``includeIf.<cond>.path``, and its value.

    Conditions are not evaluated: every conditional include is followed (over-approximating
    what git reads can only add warnings)."""
    if entry.name != "path":
        return False, None
    if entry.section == "include" and entry.subsection is None:
        return True, entry.value
    if entry.section == "includeif" and entry.subsection is not None:
        return True, entry.value
    return False, None
