"""Could a glob and a ``Read``/``Edit`` deny rule match the same path?  (issue family 9)

A deny rule must not be dodged by naming its file through a pattern: ``cat .e*`` reads ``.env``
whether or not ``.env`` exists when the command is checked (the command can create it first), and
``grep -r x .`` reads every file below ``.``.  So the engine asks, for a glob read target, a Grep
``glob`` and a recursively read tree, whether *some* path could match both the glob and the
rule's pattern, by intersecting the two patterns rather than by listing the files present now.

The answer is exact for what it models and ``True`` ("may intersect") wherever it is unsure:
for a deny rule that is the fail-closed side.  Both patterns are made absolute and split into
segments; a product construction decides the rest in bounded time, with no backtracking:

* segment level: a table over (glob segment, rule segment) pairs, where ``**`` on either side
  matches zero or more whole segments;
* character level, for one pair of segments: a table over (glob token, rule token) pairs, where
  ``*`` matches any run of characters (never ``/``), ``?`` and ``[...]`` one character, and a
  segment must match a non-empty name.  Each table is O(len × len).

The rule side is read exactly as :func:`tui.permissions.paths.path_matches` reads a deny or ask
rule (REF §2.5): the same compiled pattern (anchors ``//``, ``~/``, ``/`` = the settings file's
directory, ``./`` and bare = the cwd; a name without ``/`` at any depth; a trailing ``/**`` for
everything below a match; the whitespace-trimmed second reading), compared case-insensitively.
This module reuses that compiler rather than repeating it.

The glob side comes in two dialects:

* :func:`shell_glob` — a shell word after quote removal (``PathRef.text``).  As in bash with
  ``dotglob`` off, ``*``, ``?``, ``[!...]`` and ranges never match a leading ``.`` of a name, so
  ``cat *`` does not read ``.env`` but ``cat .*`` does (POSIX XCU §2.13.3).  Whether a bracket
  list naming ``.`` (``[.]env``) matches a leading dot is unspecified there, so it counts as
  matching.  Quote removal has erased which characters were quoted, so a ``[...]`` is read both
  as a class and as literal text, and ``\\`` is an ordinary character.  ``**`` is read as bash's
  ``globstar`` (zero or more names without a leading dot), which also covers ``*`` with
  ``globstar`` off.  A segment that can match ``.`` or ``..`` (``.*`` in bash before 5.2) is
  also read as that step, so ``grep -r x .*`` reaches the parent directory.
* :func:`tool_glob` — the Grep and Glob tools' patterns (:mod:`tui.tools.glob`): ``*`` matches a
  leading dot, ``\\x`` escapes, a pattern without ``/`` matches at any depth.

Source: REF §2.5 (pattern syntax and anchors), ``SPEC.md`` §5, Claude Code's permission docs
("Read & Edit" rules apply to Grep/Glob and to the files Bash commands read).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from tui.permissions.paths import (
    _ANY,
    _GLOBSTAR,
    _POSIX_CLASSES,
    _STAR,
    _char_eq,
    _Class,
    _dir_segments,
    _readings,
    _segment_matches,
    _Token,
    _token_matches,
)

if TYPE_CHECKING:
    from tui.permissions.rules import Rule

__all__ = ["PathGlob", "Segment", "glob_views", "has_magic", "may_intersect", "shell_glob",
           "tool_glob", "tree_glob", "tree_may_hold"]

MAX_VARIANTS = 64
"""Readings of one glob (``[...]`` as class or text, ``.*`` as ``..``) before the answer is
simply "may intersect"."""

_ANYCHAR = _Class(True, frozenset(), (), ())
"""One character of any kind, a leading dot included: the reading of a construct this module
does not model exactly."""


# -- glob patterns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One segment of a glob.

    Attributes:
        alts: the token lists the segment may be read as (any of them); empty for ``**``.
        globstar: ``**``: zero or more whole names.
        hidden: a ``*``, ``?`` or class may match a name's leading ``.`` (true for the tools'
            globs and the inside of a recursively read tree; false for shell globs, where only
            an explicit ``.`` does).
        names: the segment singles names out: written in a tool's pattern and more than a
            bare ``*`` (see ``named`` in :func:`may_intersect`).
    """

    alts: tuple[tuple[_Token, ...], ...] = ()
    globstar: bool = False
    hidden: bool = True
    names: bool = False


@dataclass(frozen=True)
class PathGlob:
    """An absolute glob: ``root`` (literal names from ``/``) followed by one of ``variants``.

    Attributes:
        root: the leading directory names every reading shares (``("home", "a", "proj")``);
            the place to resolve symlinks (:meth:`rerooted`).
        variants: the readings of the rest, each a tuple of :class:`Segment`; the glob may
            match a path if any reading does.
        text: the pattern as given, for messages.
        anything: the glob was too involved to read: it may match any path.
    """

    root: tuple[str, ...]
    variants: tuple[tuple[Segment, ...], ...]
    text: str
    anything: bool = False

    @property
    def root_path(self) -> Path:
        """``root`` as an absolute path."""
        return Path("/" + "/".join(self.root))

    def rerooted(self, root: Path) -> PathGlob:
        """The same glob below another directory (the real path of :attr:`root_path`)."""
        return PathGlob(_dir_segments(root), self.variants, self.text, self.anything)


def has_magic(text: str) -> bool:
    """True when ``text`` contains a glob character (``*``, ``?`` or ``[``)."""
    return any(ch in text for ch in "*?[")


def _literal(name: str) -> Segment:
    return Segment((tuple(("lit", ch) for ch in name),))


_ANYWHERE = Segment(globstar=True, hidden=True)
_STAR_SEG = Segment(((_STAR,),), hidden=True)
_STAR_SEG_VISIBLE = Segment(((_STAR,),), hidden=False)


def tree_glob(directory: Path) -> PathGlob:
    """``directory/**``: the directory and every path below it, hidden names included.

    This is what a recursive read (``grep -r``, ``cp -r``, ``git grep``, a Grep over a
    directory) may touch.  ``directory`` must be absolute.
    """
    return PathGlob(_dir_segments(directory), ((Segment(globstar=True, hidden=True),),),
                    f"{directory}/**")


def shell_glob(text: str, *, cwd: Path | None, home: Path, tree: bool = False) -> PathGlob:
    """Read a shell word (after quote removal) as an absolute glob.

    Args:
        text: the word, e.g. ``"*.env"``, ``"../.e*"``, ``"~/.ssh/id_*"``, ``"/etc/*.conf"``.
        cwd: the directory a relative word is relative to; ``None`` when not known (a relative
            word may then be anywhere).
        home: what a leading ``~`` means; ``~user`` counts as any directory.  A ``$NAME`` makes
            its segment any number of names (``**``); ``$(...)``, ``${...}`` and backquotes,
            which may hold a ``/``, make the glob match anything.
        tree: the command reads each match recursively (``grep -r x src*``): the glob becomes
            ``text/**``, hidden names included below the match.

    Returns:
        A :class:`PathGlob`; never raises.  See the module docstring for the dialect.
    """
    if "$(" in text or "${" in text or "`" in text:
        return PathGlob((), (), text, anything=True)  # may hold a "/" anywhere
    items: list[str | Segment]
    rest = text
    if text.startswith(("$", "/")):
        items = []
    elif text == "~" or text.startswith("~/"):
        items, rest = list(_dir_segments(home)), text[2:]
    elif text.startswith("~"):
        items, rest = [_ANYWHERE], text.partition("/")[2]  # ~user: some home directory
    elif cwd is None:
        items = [_ANYWHERE]
    else:
        items = list(_dir_segments(cwd))
    readings: list[list[str | Segment]] = [items]
    for raw in rest.split("/"):
        if raw in ("", "."):
            continue
        if raw == "..":
            for reading in readings:
                _up(reading)
            continue
        if "$" in raw:
            seg = _ANYWHERE  # "$X" may expand to any names, slashes included
        elif raw == "**":
            seg = Segment(globstar=True, hidden=False)
        elif has_magic(raw):
            seg = Segment(_shell_alternatives(raw), hidden=False)
        else:
            for reading in readings:
                reading.append(raw)
            continue
        steps = [name for name in (".", "..") if not seg.globstar and _can_be(seg, name)]
        grown: list[list[str | Segment]] = []
        for reading in readings:
            grown.append([*reading, seg])
            if "." in steps:
                grown.append(list(reading))
            if ".." in steps:
                up = list(reading)
                _up(up)
                grown.append(up)
        readings = grown
        if len(readings) > MAX_VARIANTS:
            return PathGlob((), (), text, anything=True)
    if tree:
        for reading in readings:
            reading.append(Segment(globstar=True, hidden=True))
    return _assemble(readings, text)


def _up(reading: list[str | Segment]) -> None:
    """Apply ``..`` lexically to one reading."""
    if reading and isinstance(reading[-1], Segment) and reading[-1].globstar:
        # "x/**/..": x's parent or anything below x; read as "parent(x)/**"
        reading.pop()
        if reading:
            reading.pop()
        reading.append(Segment(globstar=True, hidden=True))
    elif reading:
        reading.pop()


def _can_be(seg: Segment, name: str) -> bool:
    """Can a (non-globstar) segment match the name ``.`` or ``..``?"""
    return any(_alt_accepts(alt, seg.hidden, name) for alt in seg.alts)


def _alt_accepts(alt: tuple[_Token, ...], hidden: bool, name: str) -> bool:
    if not hidden and name.startswith(".") and not _explicit_dot(alt):
        return False
    return _segment_matches(alt, name, False)


def _explicit_dot(alt: tuple[_Token, ...]) -> bool:
    """Does the first token name a ``.`` explicitly (so it may match a leading dot)?"""
    if not alt:
        return False
    first = alt[0]
    if first is _ANYCHAR:
        return True
    if isinstance(first, _Class):
        return not first.negated and "." in first.chars
    return first == ("lit", ".")


def _assemble(readings: list[list[str | Segment]], text: str) -> PathGlob:
    """Split the common literal prefix off the readings."""
    root: list[str] = []
    first = readings[0]
    for i, item in enumerate(first):
        if not isinstance(item, str) or any(len(r) <= i or r[i] != item for r in readings):
            break
        root.append(item)
    n = len(root)
    variants = tuple(
        tuple(_literal(item) if isinstance(item, str) else item for item in reading[n:])
        for reading in readings)
    return PathGlob(tuple(root), tuple(dict.fromkeys(variants)), text)


@dataclass(frozen=True)
class _Choice:
    """A ``[...]`` in a shell word: a class, or the same text taken literally."""

    cls: _Class
    text: str


def _shell_alternatives(raw: str) -> tuple[tuple[_Token, ...], ...]:
    """The token lists a shell segment may mean: each ``[...]`` as a class or as text."""
    pieces: list[_Token | _Choice] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "*":
            if not pieces or pieces[-1] is not _STAR:
                pieces.append(_STAR)
            i += 1
        elif ch == "?":
            pieces.append(_ANY)
            i += 1
        elif ch == "[":
            parsed = _shell_class(raw, i + 1)
            if parsed is None:
                pieces.append(("lit", "["))
                i += 1
            else:
                cls, end = parsed
                pieces.append(_Choice(cls, raw[i:end]))
                i = end
        else:
            pieces.append(("lit", ch))
            i += 1
    alts: list[list[_Token]] = [[]]
    for piece in pieces:
        if isinstance(piece, _Choice):
            as_text: list[_Token] = [("lit", c) for c in piece.text]
            alts = [[*a, piece.cls] for a in alts] + [a + as_text for a in alts]
            if len(alts) > MAX_VARIANTS:
                return ((_ANYCHAR, _STAR),)  # any non-empty name, hidden ones included
        else:
            for a in alts:
                a.append(piece)
    return tuple(dict.fromkeys(tuple(_collapse(a)) for a in alts))


def _collapse(tokens: list[_Token]) -> list[_Token]:
    out: list[_Token] = []
    for t in tokens:
        if t is _STAR and out and out[-1] is _STAR:
            continue
        out.append(t)
    return out


def _shell_class(raw: str, i: int) -> tuple[_Class, int] | None:
    """Parse a bracket expression after ``[`` at ``raw[i]``; ``None`` when it is not one.

    Returns the class and the index after ``]``.  Backslashes are ordinary characters (quote
    removal has run).  ``[=c=]`` and ``[.s.]`` are read as any character.
    """
    negated = i < len(raw) and raw[i] in "!^"
    if negated:
        i += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    named: list[str] = []
    unknown = False
    first = True
    while i < len(raw):
        ch = raw[i]
        if ch == "]" and not first:
            if unknown:
                return _ANYCHAR, i + 1
            return _Class(negated, frozenset(chars), tuple(ranges), tuple(named)), i + 1
        first = False
        if ch == "[" and i + 1 < len(raw) and raw[i + 1] in ":=.":
            kind = raw[i + 1]
            end = raw.find(kind + "]", i + 2)
            if end < 0:
                return None
            name = raw[i + 2 : end]
            if kind == ":":
                if name not in _POSIX_CLASSES:
                    return None
                named.append(name)
            else:
                unknown = True
            i = end + 2
            continue
        if i + 2 < len(raw) and raw[i + 1] == "-" and raw[i + 2] != "]":
            ranges.append((ch, raw[i + 2]))
            i += 3
            continue
        chars.add(ch)
        i += 1
    return None


def tool_glob(pattern: str, *, base: Path, anywhere: bool) -> PathGlob:
    """Read a Grep/Glob tool pattern (brace-free, see :func:`tui.glob.expand_braces`).

    Args:
        pattern: e.g. ``"*.py"``, ``"src/**/*.ts"``, ``"**/.env*"``.
        base: the absolute directory the pattern is relative to (the search ``path``).
        anywhere: Grep's reading: a pattern without ``/`` matches a name at any depth, a leading
            ``/`` anchors at ``base`` (``compile_globs(..., anywhere=True)``).

    Returns:
        A :class:`PathGlob` where ``*``, ``?`` and classes match a leading dot, as the tools'
        regular expressions do.  Never raises.
    """
    if anywhere:
        if pattern.startswith("/"):
            pattern = pattern.lstrip("/")
        elif "/" not in pattern:
            pattern = "**/" + pattern
    segs: list[Segment] = []
    for part in pattern.split("/"):
        if part in ("", "."):
            continue
        if part == "**":
            segs.append(Segment(globstar=True, hidden=True))
        else:
            tokens = _tool_tokens(part.replace("**", "*"))
            segs.append(Segment((tokens,), hidden=True, names=tokens != (_STAR,)))
    if not segs:
        return PathGlob(_dir_segments(base), ((),), pattern)
    return PathGlob(_dir_segments(base), (tuple(segs),), pattern)


def _tool_tokens(part: str) -> tuple[_Token, ...]:
    """Tokens of one tool-glob component, read as ``tui.tools.glob._component_regex`` reads it."""
    out: list[_Token] = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch == "*":
            if not out or out[-1] is not _STAR:
                out.append(_STAR)
        elif ch == "?":
            out.append(_ANY)
        elif ch == "\\" and i + 1 < len(part):
            i += 1
            out.append(("lit", part[i]))
        elif ch == "[":
            end = i + 1
            if end < len(part) and part[end] in "!^":
                end += 1
            if end < len(part) and part[end] == "]":
                end += 1
            while end < len(part) and part[end] != "]":
                end += 1
            if end >= len(part):
                out.append(("lit", "["))
            else:
                out.append(_tool_class(part[i + 1 : end]))
                i = end
        else:
            out.append(("lit", ch))
        i += 1
    return tuple(out)


def _tool_class(body: str) -> _Token:
    """A tool-glob class body as Python's ``re`` reads it; anything unusual is any character."""
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    if "[" in body or "\\" in body or "&&" in body or "~~" in body or "||" in body:
        return _ANYCHAR
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            lo, hi = body[i], body[i + 2]
            if lo > hi:
                return _ANYCHAR
            ranges.append((lo, hi))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    return _Class(negated, frozenset(chars), tuple(ranges), ())


# -- rules -------------------------------------------------------------------------------------


_RuleSeg = tuple[_Token, ...] | str


@lru_cache(maxsize=1024)
def _rule_patterns(spec: str, anchor: tuple[str, ...], cwd: tuple[str, ...],
                   home: tuple[str, ...]) -> tuple[tuple[_RuleSeg, ...], ...]:
    """The absolute segment patterns of a deny/ask rule's specifier (each of its readings)."""
    out: list[tuple[_RuleSeg, ...]] = []
    for compiled in _readings(spec, True, anchor, cwd, home):
        lead = tuple(tuple(("lit", ch) for ch in name) for name in compiled.anchor)
        out.append(lead + compiled.segments)
    return tuple(out)


def may_intersect(glob: PathGlob, rule: Rule, *, cwd: Path, home: Path,
                  named: bool = False) -> bool:
    """Could some path match both ``glob`` and the deny or ask path ``rule``?

    Args:
        glob: from :func:`shell_glob`, :func:`tool_glob` or :func:`tree_glob`.
        rule: a ``Read(...)``/``Edit(...)`` rule read as a deny or ask rule (REF §2.5: below
            its anchor, everything under a match, case-insensitive); a rule without a
            specifier matches every path.
        cwd: the starting directory (anchor of ``./p`` and bare ``p``).
        home: the home directory (anchor of ``~/p``).
        named: count only common paths where one of the glob's own name patterns (a segment
            with ``names``: not its root, not ``*`` or ``**``) matches a name the rule writes
            (not its ``**``).  For the Grep and Glob tools, which also drop denied files while
            they walk: ``*.py`` does not "name" anything inside a denied ``secrets/``
            directory, ``.env*`` names ``.env``.

    Returns:
        ``True`` when a common path exists or the answer is not certain (fail closed);
        ``False`` only when no path can match both.

    Raises:
        ValueError: ``rule`` is an allow rule: an allow needs a real match, never a possible
            one.
    """
    if rule.behavior == "allow":
        raise ValueError("may_intersect reads deny and ask rules only")
    spec = rule.specifier
    if spec is None:
        return True
    if not isinstance(spec, str):
        return False
    if glob.anything:
        return True
    patterns = _rule_patterns(spec, _dir_segments(rule.anchor), _dir_segments(cwd),
                              _dir_segments(home))
    lead = tuple(_literal(name) for name in glob.root)
    pairs: dict[tuple[Segment, _RuleSeg], bool] = {}
    return any(_segments_meet(lead + variant, pattern, pairs, named)
               for variant in glob.variants for pattern in patterns)


def tree_may_hold(directory: Path, rule: Rule, *, cwd: Path, home: Path) -> bool:
    """Could the tree rooted at ``directory`` hold a path the deny or ask ``rule`` matches?

    ``may_intersect(tree_glob(directory), rule, ...)``; same arguments, result and errors.
    """
    return may_intersect(tree_glob(directory), rule, cwd=cwd, home=home)


# -- the product construction --------------------------------------------------------------------


def _segments_meet(glob: tuple[Segment, ...], rule: tuple[_RuleSeg, ...],
                   pairs: dict[tuple[Segment, _RuleSeg], bool], named: bool) -> bool:
    """Segment-level product: can one list of names match both segment lists?

    A state is (glob position, rule position) with bit 1 "reached" and bit 2 "reached after a
    ``names`` glob segment met a written rule segment"; ``named`` accepts only bit 2.
    """
    n, m = len(glob), len(rule)

    def meet(g: Segment, r: _RuleSeg) -> bool:
        key = (g, r)
        hit = pairs.get(key)
        if hit is None:
            hit = _segment_meets(g, r)
            pairs[key] = hit
        return hit

    want = 2 if named else 3
    reach = [[0] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = 1
    for i in range(n + 1):
        for j in range(m + 1):
            bits = reach[i][j]
            if not bits:
                continue
            if i == n and j == m:
                return bool(bits & want)
            g = glob[i] if i < n else None
            r = rule[j] if j < m else None
            if g is not None and g.globstar:
                reach[i + 1][j] |= bits  # ** matches no name
                if r is not None and (r == _GLOBSTAR or meet(
                        _STAR_SEG if g.hidden else _STAR_SEG_VISIBLE, r)):
                    reach[i][j + 1] |= bits  # ** takes the name the rule segment matches
                continue
            if r == _GLOBSTAR:
                reach[i][j + 1] |= bits
                if g is not None and meet(g, (_STAR,)):
                    reach[i + 1][j] |= bits
                continue
            if g is not None and r is not None and meet(g, r):
                reach[i + 1][j + 1] |= 2 if g.names else bits
    return False


def _segment_meets(g: Segment, r: _RuleSeg) -> bool:
    """Can one name match the glob segment (some reading) and the rule segment?"""
    tokens = (_STAR,) if r == _GLOBSTAR else r
    return any(_tokens_meet(alt, not g.hidden and not _explicit_dot(alt), tokens)  # type: ignore[arg-type]
               for alt in g.alts)


def _tokens_meet(glob: tuple[_Token, ...], no_leading_dot: bool,
                 rule: tuple[_Token, ...]) -> bool:
    """Character-level product of two token lists: is there a common non-empty name?

    A state is (glob position, rule position, whether a character was taken); every step
    advances one side or takes one character, so the table is filled in one pass.
    ``no_leading_dot``: the first character may not be ``.`` (shell globs).
    """
    n, m = len(glob), len(rule)
    # reach[a][b]: bit 1 = reached before any character, bit 2 = after one
    reach = [[0] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = 1
    for a in range(n + 1):
        for b in range(m + 1):
            state = reach[a][b]
            if not state:
                continue
            ga = glob[a] if a < n else None
            rb = rule[b] if b < m else None
            g_star = ga is _STAR
            r_star = rb is _STAR
            if g_star and r_star and state & 1 and _chars_meet(_ANY, _ANY, no_leading_dot):
                state |= 2  # both stars take a first character together
                reach[a][b] = state
            for taken in (1, 2):
                if not state & taken:
                    continue
                first = taken == 1
                block_dot = no_leading_dot and first
                if g_star:
                    reach[a + 1][b] |= taken
                if r_star:
                    reach[a][b + 1] |= taken
                if ga is None or rb is None:
                    continue
                if g_star and not r_star:
                    if _chars_meet(_ANY, rb, block_dot):
                        reach[a][b + 1] |= 2
                elif r_star and not g_star:
                    if _chars_meet(ga, _ANY, block_dot):
                        reach[a + 1][b] |= 2
                elif not g_star and not r_star and _chars_meet(ga, rb, block_dot):
                    reach[a + 1][b + 1] |= 2
    return bool(reach[n][m] & 2)


# -- one character ------------------------------------------------------------------------------

_NEVER = frozenset({"/", "\0"})
_POOL = tuple(chr(c) for c in range(1, 128)) + (
    "\u00e9", "\u00df", "\u00a0", "\u0130", "\u0131", "\u017f", "\u212a", "\u212b", "\u4e00",
    "\U0001f600",
)
"""Characters always tried: all of ASCII, and the non-ASCII letters whose case partner is ASCII
(``K`` Kelvin sign, long ``s``, dotted/dotless ``i``)."""


def _glob_has(token: _Token, ch: str) -> bool:
    """The glob side matches case-sensitively (bash without nocaseglob; the tools' regexes)."""
    return _token_matches(token, ch, False)


@lru_cache(maxsize=65536)
def _chars_meet(g: _Token, r: _Token, block_dot: bool) -> bool:
    """Is there a character the glob token and the rule token (case-insensitive) both match?

    Names never hold ``/`` or NUL; ``block_dot`` also rules out ``.``.  Classes are tried on
    every ASCII character plus the boundaries of their sets (a non-empty intersection of
    intervals contains a boundary or one of the next three characters); an answer that would
    depend on non-ASCII case folding or named classes beyond that is ``True``.
    """
    banned = _NEVER | {"."} if block_dot else _NEVER
    if isinstance(g, tuple) and g is not _STAR and g is not _ANY:
        ch = g[1]
        return ch not in banned and _token_matches(r, ch, True)
    if g is _ANY and isinstance(r, tuple) and r is not _ANY and r is not _STAR:
        ch = r[1]
        return ch not in banned or any(
            v not in banned and _char_eq(ch, v, True) for v in _variants(ch))
    if g is _ANY and r is _ANY:
        return True
    candidates = set(_POOL)
    unsure = False
    for token in (g, r):
        if isinstance(token, _Class):
            unsure |= bool(token.named)
            for ch in token.chars:
                candidates.update(_near(ch))
            for lo, hi in token.ranges:
                candidates.update(_near(lo))
                candidates.update(_near(hi))
                unsure |= not (lo.isascii() and hi.isascii())
            unsure |= any(not ch.isascii() for ch in token.chars)
        elif isinstance(token, tuple) and token is not _ANY and token is not _STAR:
            candidates.update(_near(token[1]))
    for ch in list(candidates):
        candidates.update(_variants(ch))
    for ch in candidates:
        if ch not in banned and _glob_has(g, ch) and _token_matches(r, ch, True):
            return True
    return unsure


def _near(ch: str) -> list[str]:
    """``ch`` and the three characters after it, plus the one after each (interval bounds)."""
    code = ord(ch)
    return [chr(c) for c in range(code, min(code + 5, 0x110000))]


def _variants(ch: str) -> list[str]:
    out = []
    for v in (ch.lower(), ch.upper(), ch.swapcase(), ch.casefold()):
        if len(v) == 1:
            out.append(v)
    return out


def glob_views(glob: PathGlob) -> tuple[PathGlob, ...]:
    """``glob`` and, when its literal root holds a symlink, the glob below the real root.

    The engine tries a deny rule on every view (the REF §2.5 dual check for paths).  Calls
    ``os.path.realpath`` (a few ``lstat`` calls); never raises.
    """
    root = glob.root_path
    try:
        real = Path(os.path.realpath(root))
    except (OSError, ValueError):
        return (glob,)
    if real == root:
        return (glob,)
    return (glob, glob.rerooted(real))
