"""Suspicious constructs found in words and command names (SPEC §4, REF §7.2).

Pure functions returning codes of :data:`tui.shell.data.SUSPICIOUS_CONSTRUCTS`; the analyser
attaches them to the command they occur in.  Decisions worth knowing:

* quoted characters in a flag name: a word that starts with ``-`` where any character of the
  flag *name* was quoted or escaped: ``"-"rf``, ``'-'x``, ``"--force"``, ``\\-delete``.  The
  name is the dashes and the letters/digits after them (for ``--`` options, up to ``=``), so
  quoted values are fine (``-d'-'``, ``--format='%H'``) and so are words with no letters after
  the dashes (``echo "---"``).  A fully quoted short flag such as ``echo "-n"`` is reported:
  that is the price of catching ``"-"rf``.
* look-alike characters: non-ASCII in a command name or in a flag name, and words starting with
  a Unicode dash (``–iname``); non-ASCII in ordinary arguments (``echo "héllo"``) is fine.
* invisible characters: format, control (except tab and newline), private-use and separator
  characters other than the ASCII space, anywhere in the command (zero-width space, bidi
  controls, no-break space).
"""

from __future__ import annotations

import re
import unicodedata

from tui.shell.paths import is_unc
from tui.shell.words import Arg, Scan

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
"""Unicode characters that look like ``-``."""
_IFS_FORMS = ("IFS:", "IFS%", "IFS#", "IFS/", "IFS^", "IFS,", "IFS@", "IFS-", "IFS=", "IFS+",
              "IFS?", "IFS[")
_LONG_FLAG = re.compile(r"^--[A-Za-z0-9\u0080-\uffff][A-Za-z0-9_\u0080-\uffff-]*")
_SHORT_FLAG = re.compile(r"^-[A-Za-z0-9\u0080-\uffff]+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ASSIGNING = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):?=")


def may_be_environment(name: str) -> bool:
    """Could assigning ``name`` change what later programs do?

    Assigning a variable that is already exported changes the environment of every later
    command.  Environment variables that change behaviour are upper-case by convention
    (``PATH``, ``LD_PRELOAD``, ``GIT_SSH_COMMAND``); the lower-case exceptions are the proxy
    variables, which only matter to network commands (never read-only anyway) but are listed.
    """
    return name != name.lower() or name in ("http_proxy", "https_proxy", "ftp_proxy",
                                            "all_proxy", "no_proxy")


def has_invisible(text: str) -> bool:
    """True when ``text`` holds an invisible, control or bidi character (module docstring)."""
    if text.isascii():
        return _ASCII_CONTROL.search(text) is not None
    for ch in text:
        if ch in "\t\n":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cc", "Co", "Cs", "Zl", "Zp") or (cat == "Zs" and ch != " "):
            return True
    return False


def scan_codes(scan: Scan) -> list[str]:
    """Codes for one scanned word: quoting tricks, ``$IFS``, transformations, substitutions."""
    out: list[str] = []
    if scan.ansi_c:
        out.append("ansi-c-quoting")
    if scan.locale:
        out.append("locale-quoting")
    if scan.line_continuation:
        out.append("line-continuation")
    if scan.quoted_newline_comment:
        out.append("quoted-newline-comment")
    for item in scan.items:
        if item.kind == "param":
            p = item.param
            if p == "IFS" or p.startswith(_IFS_FORMS):
                out.append("ifs")
            if re.search(r"@[A-Za-z]$", p):
                out.append("parameter-transformation")
            if p.startswith("!") and len(p) > 1:
                out.append("indirect-expansion")
            m = _ASSIGNING.match(p)
            if m and may_be_environment(m.group(1)):
                out.append("assigning-expansion")
        elif item.kind == "cmdsubst":
            out.append("command-substitution")
        elif item.kind == "backtick":
            out.append("backticks")
        elif item.kind == "procsubst":
            out.append("process-substitution")
        elif item.kind == "unknown" and "IFS" in item.text:
            out.append("ifs")
    return out


def word_codes(args: list[Arg]) -> list[str]:
    """Codes for a command's words: quoted flag names, look-alikes, zsh ``=cmd``, UNC paths."""
    out: list[str] = []
    for a in args:
        v = a.value
        if v.startswith("-") and a.static:
            m = _LONG_FLAG.match(v) or _SHORT_FLAG.match(v)
            if m and any(a.quoted[:m.end()]):
                out.append("quoted-flag")
            if m and any(ord(c) > 127 for c in m.group(0)):
                out.append("homoglyph")
        if v and v[0] in DASHES:
            out.append("homoglyph")
        if v.startswith("=") and len(v) > 1 and (v[1].isalpha() or v[1] == "_") and \
                a.quoted and not a.quoted[0]:
            out.append("zsh-equals")
        if is_unc(v):
            out.append("unc-path")
    return out


def program_codes(a0: Arg) -> list[str]:
    """Codes for the command-name word: variables, globs, brace expansion, look-alikes."""
    out: list[str] = []
    if not a0.static:
        out.append("variable-command")
    elif a0.glob:
        out.append("glob-command")
    if a0.braced:
        out.append("brace-command")
    if any(ord(c) > 127 for c in a0.value):
        out.append("homoglyph")
    return out
