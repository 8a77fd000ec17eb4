"""Read/Edit path patterns: gitignore syntax with Claude Code's anchors and depth rules.

Source: REF §2.5 (anchors, depth rules, the one-directory-segment asymmetry, symlinks, Windows
paths), REF §11.3, ``SPEC.md`` §5.  The glob matcher is written here rather than borrowed:
gitignore libraries do not know the anchors or the allow/deny asymmetry, and regular expressions
can backtrack exponentially on a hostile pattern from an untrusted project.  This matcher runs in
O(pattern × path) time.

How a pattern is read:

* Anchor: ``//p`` the filesystem root; ``~/p`` the home directory; ``/p`` the rule's settings
  source (:attr:`Rule.anchor`); ``./p`` and ``p`` the current (starting) directory.  A rule only
  matches paths at or below its anchor.  Windows forms (``C:\\Users\\a``) become ``/c/Users/a``,
  for patterns and paths alike.
* Segments: ``*``, ``?`` and ``[...]`` stay inside one path segment; a ``**`` segment matches zero
  or more segments; ``**`` inside a segment is an ordinary ``*``; ``\\x`` is a literal ``x``;
  trailing unescaped spaces are dropped (gitignore).
* Depth: a pattern without a ``/`` (other than a trailing one) matches at any depth below its
  anchor (``.env`` ≡ ``**/.env``).  A relative pattern of exactly two segments (``src/**``,
  ``.ssh/*``) matches only at the anchor in an allow rule and at any depth in a deny or ask rule
  (REF's "one directory segment" asymmetry).  Every other shape is anchored in every rule type.
* Directories: a pattern ending in ``/`` or ``/**`` matches the directory itself and everything
  below it.  Deny and ask rules also match everything below any path they match (gitignore: the
  contents of an excluded directory are excluded), so ``Read(secrets/)``, ``Read(secrets)`` and
  ``Read(.git)`` cannot be bypassed by naming a file inside.
* Case: allow rules compare case-sensitively.  Deny and ask rules also match case-insensitively,
  because on a case-insensitive filesystem (macOS, Windows) ``.ENV`` is the same file as
  ``.env``; on Linux this may over-match, which for deny and ask is the safe side.

Where REF is silent the code makes deny/ask match more and allow match less; every such choice
is noted where it is made.  For one pattern, an allow match always implies a deny match.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from tui.permissions.rules import Rule

__all__ = ["TreeProgram", "deny_matcher", "path_matches", "pattern_problem", "posix_form",
           "symlink_views", "tree_programs"]


# -- tokens ------------------------------------------------------------------------------------

_STAR = ("*",)
_ANY = ("?",)
_GLOBSTAR = "**"

_POSIX_CLASSES = {
    "alnum": str.isalnum,
    "alpha": str.isalpha,
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: c.isprintable() and not c.isspace(),
    "lower": str.islower,
    "print": str.isprintable,
    "punct": lambda c: c.isascii() and c.isprintable() and not c.isalnum() and c != " ",
    "space": str.isspace,
    "upper": str.isupper,
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}


@dataclass(frozen=True)
class _Class:
    """A ``[...]`` character class."""

    negated: bool
    chars: frozenset[str]
    ranges: tuple[tuple[str, str], ...]
    named: tuple[str, ...]

    def has(self, ch: str) -> bool:
        hit = (ch in self.chars or any(lo <= ch <= hi for lo, hi in self.ranges)
               or any(_POSIX_CLASSES[n](ch) for n in self.named))
        return hit != self.negated


# A token is ("lit", ch) | _STAR | _ANY | _Class; a segment is a tuple of tokens or _GLOBSTAR.
_Token = tuple[str, ...] | _Class
_Segment = tuple[_Token, ...] | str


class _Unusable(ValueError):
    """A pattern that is not a usable gitignore pattern."""


def _parse_class(p: str, i: int) -> tuple[_Class, int]:
    """Parse a class starting after ``[`` at ``p[i]``; returns it and the index after ``]``."""
    negated = False
    if i < len(p) and p[i] in "!^":
        negated = True
        i += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    named: list[str] = []
    first = True
    while True:
        if i >= len(p) or p[i] == "/":
            raise _Unusable("an unclosed '[' character class")
        ch = p[i]
        if ch == "]" and not first:
            return _Class(negated, frozenset(chars), tuple(ranges), tuple(named)), i + 1
        first = False
        if ch == "[" and p.startswith("[:", i):
            end = p.find(":]", i + 2)
            if end < 0:
                raise _Unusable("an unclosed '[:name:]' class")
            name = p[i + 2 : end]
            if name not in _POSIX_CLASSES:
                raise _Unusable(f"an unknown character class [:{name}:]")
            named.append(name)
            i = end + 2
            continue
        if ch == "\\":
            if i + 1 >= len(p):
                raise _Unusable("a '\\' at the end of the pattern")
            ch = p[i + 1]
            i += 1
        i += 1
        if i + 1 < len(p) and p[i] == "-" and p[i + 1] != "]":
            hi = p[i + 1]
            step = 2
            if hi == "\\":
                if i + 2 >= len(p):
                    raise _Unusable("a '\\' at the end of the pattern")
                hi = p[i + 2]
                step = 3
            if hi == "/":
                raise _Unusable("an unclosed '[' character class")
            ranges.append((ch, hi))
            i += step
        else:
            chars.add(ch)


def _tokenize(p: str, *, literal: bool, deny: bool) -> tuple[list[_Segment], bool]:
    """Split a pattern (anchor already removed) into segments.

    Returns the segments (``.`` and empty ones dropped, ``..`` kept as a literal segment for the
    caller) and whether the pattern ends with ``/``.  ``literal=True`` reads every character
    literally (for deny/ask rules whose pattern is unusable).
    """
    segments: list[_Segment] = []
    current: list[_Token] = []
    raw_stars = 0
    only_stars = True
    trailing_slash = False

    def close() -> None:
        nonlocal current, raw_stars, only_stars
        if current:
            if only_stars and raw_stars >= 2 and (deny or raw_stars == 2):
                # "**" is a globstar; for deny/ask "***" too (it matches a superset of "*")
                segments.append(_GLOBSTAR)
            else:
                segments.append(tuple(current))
        current, raw_stars, only_stars = [], 0, True

    i = 0
    n = len(p)
    while i < n:
        ch = p[i]
        trailing_slash = False
        if ch == "/":
            close()
            trailing_slash = True
            i += 1
            continue
        if literal:
            current.append(("lit", ch))
            only_stars = False
            i += 1
            continue
        if ch == "\\":
            if i + 1 >= n:
                raise _Unusable("a '\\' at the end of the pattern")
            if p[i + 1] == "/":
                close()
                trailing_slash = True
            else:
                current.append(("lit", p[i + 1]))
                only_stars = False
            i += 2
            continue
        if ch == "*":
            raw_stars += 1
            if not current or current[-1] is not _STAR:
                current.append(_STAR)
            i += 1
            continue
        only_stars = False
        if ch == "?":
            current.append(_ANY)
            i += 1
        elif ch == "[":
            cls, i = _parse_class(p, i + 1)
            current.append(cls)
        else:
            current.append(("lit", ch))
            i += 1
    close()
    segments = [s for s in segments if s != (("lit", "."),)]
    return segments, trailing_slash


_DOTDOT: _Segment = (("lit", "."), ("lit", "."))


def _strip_trailing_spaces(p: str) -> str:
    """gitignore: trailing spaces are ignored unless escaped with a backslash."""
    while p.endswith(" "):
        body = p[:-1]
        backslashes = len(body) - len(body.rstrip("\\"))
        if backslashes % 2 == 1:
            break
        p = body
    return p


# -- path normalisation ---------------------------------------------------------------------

_DRIVE_RE = re.compile(r"([A-Za-z]):(?=[\\/]|$)")
_DEVICE_PREFIXES = ("\\\\?\\", "\\??\\", "\\\\.\\", "//?/", "//./")


def _windows_to_posix(text: str) -> str | None:
    """``C:\\Users\\a`` → ``/c/Users/a``; ``None`` when ``text`` has no Windows form."""
    if "\\" not in text and _DRIVE_RE.match(text) is None:
        return None
    t = text
    for prefix in _DEVICE_PREFIXES:
        if t.startswith(prefix):
            t = t[len(prefix):]
            break
    match = _DRIVE_RE.match(t)
    if match is not None:
        t = "/" + match.group(1).lower() + "/" + t[2:]
    return t.replace("\\", "/")


def _segments_of(text: str) -> tuple[str, ...]:
    """Normalised absolute segments of a POSIX path: no empty, ``.`` or ``..`` segments."""
    out: list[str] = []
    for seg in text.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    return tuple(out)


def posix_form(path: Path | str) -> str:
    """The normalised absolute POSIX form of an absolute path (REF §2.5, §11.3).

    ``..`` and duplicate slashes are resolved lexically; Windows forms become ``/c/...``
    (``C:\\Users\\a`` → ``/c/Users/a``).  A relative path is returned relative to ``/``.
    """
    text = os.fspath(path)
    converted = _windows_to_posix(text)
    return "/" + "/".join(_segments_of(converted if converted is not None else text))


def _path_views(text: str, cwd: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The segment views of a path.

    A POSIX absolute path is read as written and, when it contains a backslash, also with
    backslashes as separators (a Windows-style name could reach the same file through another
    tool).  A drive or device form (``C:\\x``, ``\\\\?\\C:\\x``) is read only as ``/c/x``.
    """
    views: list[tuple[str, ...]] = []
    converted = _windows_to_posix(text)
    if converted is None:
        forms = [text]
    elif text.startswith("/"):
        forms = [text, converted]
    else:
        forms = [converted]
    for form in forms:
        segs = _segments_of(form) if form.startswith("/") else _segments_of(
            "/" + "/".join(cwd) + "/" + form)
        if segs not in views:
            views.append(segs)
    return views


def symlink_views(path: Path) -> tuple[Path, ...]:
    """The paths a rule must be checked against for ``path`` (REF §2.5 dual check).

    Returns ``(normalised path, os.path.realpath(path))`` with duplicates removed (one element
    when the path contains no symlink).  The engine requires every view to match for an allow
    rule and any view for a deny or ask rule.  Windows-form paths are only normalised.

    Raises:
        ValueError: the path contains a NUL character (from ``os.path.realpath``).
    """
    text = os.fspath(path)
    views = [Path(posix_form(text))]
    if text.startswith("/"):
        real = Path(posix_form(os.path.realpath(text)))
        if real not in views:
            views.append(real)
    return tuple(views)


# -- compiled patterns ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    anchor: tuple[str, ...]
    segments: tuple[_Segment, ...]


def _anchor_and_rest(spec: str, *, rule_anchor: tuple[str, ...], cwd: tuple[str, ...],
                     home: tuple[str, ...]) -> tuple[tuple[str, ...], str, str]:
    """Split a pattern into (anchor segments, rest, form) with form in abs/home/source/dot/bare."""
    converted = None
    if _DRIVE_RE.match(spec) is not None or spec.startswith(_DEVICE_PREFIXES):
        converted = _windows_to_posix(spec)
    if converted is not None:
        return (), converted.lstrip("/"), "abs"
    if spec.startswith("//"):
        return (), spec[2:], "abs"
    if spec == "~" or spec.startswith("~/"):
        return home, spec[2:], "home"
    if spec.startswith("/"):
        return rule_anchor, spec[1:], "source"
    if spec == "." or spec.startswith("./"):
        return cwd, spec[2:], "dot"
    return cwd, spec, "bare"


def _compile(spec: str, *, deny: bool, literal: bool, rule_anchor: tuple[str, ...],
             cwd: tuple[str, ...], home: tuple[str, ...]) -> _Compiled:
    """Compile one pattern for one rule type.  Raises :class:`_Unusable`."""
    anchor, rest, form = _anchor_and_rest(spec, rule_anchor=rule_anchor, cwd=cwd, home=home)
    if not literal:
        rest = _strip_trailing_spaces(rest)
    written, trailing_slash = _tokenize(rest, literal=literal, deny=deny)
    # Resolve "..": up from the anchor at the start, else drop the previous segment.
    segments: list[_Segment] = []
    anchor_list = list(anchor)
    for seg in written:
        if seg == _DOTDOT:
            if segments and segments[-1] == _GLOBSTAR:
                if not deny:
                    raise _Unusable("cannot resolve '..' after '**'")
                # "A/**/.." is A's parent or anything below A: deny/ask read it as
                # "parent(A)/**", which covers both.
                segments.pop()
                if segments:
                    segments.pop()
                elif anchor_list:
                    anchor_list.pop()
                segments.append(_GLOBSTAR)
            elif segments:
                segments.pop()
            elif anchor_list:
                anchor_list.pop()
            continue
        segments.append(seg)
    relative = form in ("bare", "dot")
    n_written = len(written)
    floating = False
    if relative and n_written == 1:
        # A bare name matches at any depth (REF §2.5).  "./name" is not bare in gitignore; an
        # allow rule keeps it at the cwd, a deny/ask rule also floats it (match more).
        floating = form == "bare" or deny
    elif relative and n_written == 2 and written[0] != _GLOBSTAR and deny:
        floating = True  # the one-directory-segment asymmetry: deny/ask at any depth
    if floating:
        segments.insert(0, _GLOBSTAR)
    if trailing_slash or (deny and (not segments or segments[-1] != _GLOBSTAR)):
        segments.append(_GLOBSTAR)
    collapsed: list[_Segment] = []
    for seg in segments:
        if seg == _GLOBSTAR and collapsed and collapsed[-1] == _GLOBSTAR:
            continue
        collapsed.append(seg)
    return _Compiled(tuple(anchor_list), tuple(collapsed))


@lru_cache(maxsize=4096)
def _compiled(spec: str, deny: bool, rule_anchor: tuple[str, ...], cwd: tuple[str, ...],
              home: tuple[str, ...]) -> _Compiled | None:
    """The compiled pattern, ``None`` when it matches nothing (an unusable allow pattern)."""
    try:
        return _compile(spec, deny=deny, literal=False, rule_anchor=rule_anchor, cwd=cwd,
                        home=home)
    except _Unusable:
        if not deny:
            return None  # an allow rule with an unusable pattern approves nothing
    # A deny or ask rule whose pattern is unusable still guards that literal path.
    return _compile(spec, deny=deny, literal=True, rule_anchor=rule_anchor, cwd=cwd, home=home)


def pattern_problem(spec: str) -> str | None:
    """Why ``spec`` is not a usable gitignore pattern, or ``None``.

    A message starting with ``"cannot"`` means the pattern cannot be resolved at all (the rule
    parser rejects it); others mean it is unusable as a glob.
    """
    try:
        _compile(spec, deny=False, literal=False, rule_anchor=(), cwd=(), home=())
    except _Unusable as exc:
        text = str(exc)
        return text if text.startswith("cannot") else f"the pattern has {text}"
    return None


# -- matching ---------------------------------------------------------------------------------


def _char_eq(a: str, b: str, icase: bool) -> bool:
    if a == b:
        return True
    return icase and (a.lower() == b.lower() or a.upper() == b.upper()
                      or a.casefold() == b.casefold())


def _token_matches(token: _Token, ch: str, icase: bool) -> bool:
    if token is _ANY:
        return True
    if isinstance(token, _Class):
        if token.has(ch):
            return True
        if not icase:
            return False
        return any(len(v) == 1 and v != ch and token.has(v)
                   for v in (ch.lower(), ch.upper(), ch.swapcase()))
    return _char_eq(token[1], ch, icase)


def _segment_matches(tokens: tuple[_Token, ...], name: str, icase: bool) -> bool:
    """Glob-match one path segment; ``*`` never crosses a ``/`` (there is none in a segment)."""
    ti = si = 0
    star_ti, star_si = -1, 0
    nt = len(tokens)
    while si < len(name):
        if ti < nt and tokens[ti] is _STAR:
            star_ti, star_si = ti, si
            ti += 1
        elif ti < nt and _token_matches(tokens[ti], name[si], icase):
            ti += 1
            si += 1
        elif star_ti >= 0:
            ti = star_ti + 1
            star_si += 1
            si = star_si
        else:
            return False
    while ti < nt and tokens[ti] is _STAR:
        ti += 1
    return ti == nt


def _segments_match(pattern: tuple[_Segment, ...], names: tuple[str, ...], icase: bool) -> bool:
    """Match path segments against pattern segments; ``**`` matches zero or more segments."""
    pi = ni = 0
    star_pi, star_ni = -1, 0
    np_ = len(pattern)
    while ni < len(names):
        if pi < np_ and pattern[pi] == _GLOBSTAR:
            star_pi, star_ni = pi, ni
            pi += 1
        elif pi < np_ and _segment_matches(pattern[pi], names[ni], icase):  # type: ignore[arg-type]
            pi += 1
            ni += 1
        elif star_pi >= 0:
            pi = star_pi + 1
            star_ni += 1
            ni = star_ni
        else:
            return False
    while pi < np_ and pattern[pi] == _GLOBSTAR:
        pi += 1
    return pi == np_


def _matches(compiled: _Compiled, view: tuple[str, ...], icase: bool) -> bool:
    anchor = compiled.anchor
    if len(view) < len(anchor):
        return False
    for want, have in zip(anchor, view, strict=False):
        if want != have and not (icase and _segment_eq_icase(want, have)):
            return False
    return _segments_match(compiled.segments, view[len(anchor):], icase)


def _segment_eq_icase(a: str, b: str) -> bool:
    return len(a) == len(b) and all(_char_eq(x, y, True) for x, y in zip(a, b, strict=True))


def _dir_segments(path: Path | str) -> tuple[str, ...]:
    return _segments_of(posix_form(path))


def _whitespace_variant(spec: str) -> str:
    """The pattern with whitespace removed around it and around every ``/``."""
    return "/".join(part.strip() for part in spec.strip().split("/"))


def path_matches(rule: Rule, path: Path, *, cwd: Path, home: Path) -> bool:
    """True when a path rule's pattern matches ``path`` (REF §2.5).

    Args:
        rule: a rule whose :attr:`~Rule.specifier` is a gitignore-style path pattern (normally
            kind ``"path"``); a rule without a specifier (bare ``Read``) matches every path.
            ``rule.behavior`` selects the allow or the deny/ask reading; ``rule.anchor`` is the
            directory ``/path`` patterns start from.
        path: the absolute path (one view from :func:`symlink_views`); ``..`` and duplicate
            slashes are normalised here, and a Windows form (``C:\\x``) is also read as
            ``/c/x``: a deny/ask rule matches if either reading matches, an allow rule only if
            both do.
        cwd: the original working directory (anchor of ``./p`` and bare ``p``).
        home: the home directory (anchor of ``~/p``).

    Deny and ask rules match more than allow rules with the same pattern: at any depth for
    one-directory-segment patterns, everything below a matched path, case-insensitively, with
    surrounding whitespace removed as a second reading, and the literal path when the pattern
    is not a usable glob.  Never raises for any string pattern or path.
    """
    spec = rule.specifier
    if spec is None:
        return True
    if not isinstance(spec, str):
        return False
    deny = rule.behavior != "allow"
    cwd_s, home_s = _dir_segments(cwd), _dir_segments(home)
    views = _path_views(os.fspath(path), cwd_s)
    for compiled in _readings(spec, deny, _dir_segments(rule.anchor), cwd_s, home_s):
        hits = (_matches(compiled, view, deny) for view in views)
        if (any(hits) if deny else all(hits)):
            return True
    return False


def _readings(spec: str, deny: bool, anchor_s: tuple[str, ...], cwd_s: tuple[str, ...],
              home_s: tuple[str, ...]) -> list[_Compiled]:
    """The compiled readings of one pattern: as written and, for deny/ask, whitespace-trimmed."""
    specs = [spec]
    if deny:
        variant = _whitespace_variant(spec)
        if variant and variant != spec:
            specs.append(variant)
    out = []
    for candidate in specs:
        compiled = _compiled(candidate, deny, anchor_s, cwd_s, home_s)
        if compiled is not None:
            out.append(compiled)
    return out


def deny_matcher(rules: list[Rule], *, cwd: Path, home: Path) -> Callable[[Path], bool]:
    """A fast test "does any of these deny/ask path rules match this path" (REF §2.5).

    The same answer as ``any(path_matches(r, path, ...) for r in rules)`` for deny and ask
    rules, with the patterns compiled once; for filtering many paths (a Grep walk).  A rule
    without a specifier matches every path.

    Raises:
        ValueError: one of ``rules`` is an allow rule.
    """
    cwd_s, home_s = _dir_segments(cwd), _dir_segments(home)
    compiled: list[_Compiled] = []
    for rule in rules:
        if rule.behavior == "allow":
            raise ValueError("deny_matcher takes deny and ask rules only")
        spec = rule.specifier
        if spec is None:
            return lambda path: True
        if isinstance(spec, str):
            compiled += _readings(spec, True, _dir_segments(rule.anchor), cwd_s, home_s)

    # Walk each pattern as a set of positions (anchor names, then segments) over a path's
    # names, remembering the positions reached after each directory: the directories of a
    # walk repeat in every path below them, so a file costs about one step per pattern.
    programs = [(c.anchor, c.segments, len(c.anchor), len(c.anchor) + len(c.segments))
                for c in compiled]
    memo: dict[tuple[int, tuple[str, ...]], frozenset[int]] = {}

    def closure(states: set[int], segs: tuple[_Segment, ...], a: int, end: int) -> frozenset[int]:
        todo = list(states)
        while todo:
            p = todo.pop()
            if a <= p < end and segs[p - a] == _GLOBSTAR and p + 1 not in states:
                states.add(p + 1)
                todo.append(p + 1)
        return frozenset(states)

    def step(i: int, states: frozenset[int], name: str) -> frozenset[int]:
        anchor, segs, a, end = programs[i]
        out: set[int] = set()
        for p in states:
            if p < a:
                if anchor[p] == name or _segment_eq_icase(anchor[p], name):
                    out.add(p + 1)
            elif p < end:
                seg = segs[p - a]
                if seg == _GLOBSTAR:
                    out.add(p)
                elif _segment_matches(seg, name, True):  # type: ignore[arg-type]
                    out.add(p + 1)
        return closure(out, segs, a, end)

    def states_after(i: int, dirs: tuple[str, ...]) -> frozenset[int]:
        # back to the deepest directory already seen, then forward (no recursion: any depth)
        k = len(dirs)
        while k > 0 and (i, dirs[:k]) not in memo:
            k -= 1
        states = memo.get((i, dirs[:k]))
        if states is None:
            _, segs, a, end = programs[i]
            states = closure({0}, segs, a, end)
        if len(memo) > 100_000:
            memo.clear()
        memo[(i, dirs[:k])] = states
        while k < len(dirs):
            states = step(i, states, dirs[k]) if states else states
            k += 1
            memo[(i, dirs[:k])] = states
        return states

    def matches(path: Path) -> bool:
        for view in _path_views(os.fspath(path), cwd_s):
            if not view:  # "/" itself
                if any(p[3] in states_after(i, ()) for i, p in enumerate(programs)):
                    return True
                continue
            dirs, name = view[:-1], view[-1]
            for i in range(len(programs)):
                before = states_after(i, dirs)
                if before and programs[i][3] in step(i, before, name):
                    return True
        return False

    return matches


# -- walking a directory tree -------------------------------------------------------------------
# Used by the sandbox (tui/sandbox/masks.py) to find the existing paths a deny pattern covers,
# at any depth, without calling path_matches once per file.

State = frozenset[int]
"""Where a :class:`TreeProgram` is after the names walked so far (positions in its segments)."""


@dataclass(frozen=True)
class TreeProgram:
    """One deny/ask path pattern compiled for matching while walking down a directory tree.

    Matching starts at :attr:`root` (the pattern's anchor: an absolute path) and moves one path
    segment at a time: :meth:`start` is the state at ``root``, :meth:`step` the state after one
    more name, :meth:`matched` says whether the path walked so far matches (then it and
    everything below it is denied), and an empty state means nothing below can match (a walk
    skips that directory).  For names below ``root`` the answers are those of
    :func:`path_matches` for a deny rule read as POSIX paths (case-insensitive; the Windows
    readings of a name containing ``\\`` are not tried).  Build with :func:`tree_programs`.

    Attributes:
        root: the anchor directory the pattern is relative to (absolute, normalised).
        text: the pattern as written, for messages.
    """

    root: Path
    text: str
    _segments: tuple[_Segment, ...]
    _closures: dict[State, State] = field(default_factory=dict, compare=False, hash=False,
                                          repr=False)

    def _closure(self, states: set[int]) -> State:
        key = frozenset(states)
        known = self._closures.get(key)
        if known is not None:
            return known
        segs, end = self._segments, len(self._segments)
        todo = list(states)
        while todo:
            p = todo.pop()
            if p < end and segs[p] == _GLOBSTAR and p + 1 not in states:
                states.add(p + 1)
                todo.append(p + 1)
        result = frozenset(states)
        if len(self._closures) < 4096:
            self._closures[key] = result
        return result

    def start(self) -> State:
        """The state at :attr:`root` itself (before any name)."""
        return self._closure({0})

    def step(self, states: State, name: str) -> State:
        """The state after the path segment ``name`` (an entry of the directory reached)."""
        segs, end = self._segments, len(self._segments)
        out: set[int] = set()
        for p in states:
            if p >= end:
                continue
            seg = segs[p]
            if seg == _GLOBSTAR:
                out.add(p)
            elif _segment_matches_fast(seg, name):  # type: ignore[arg-type]
                out.add(p + 1)
        return self._closure(out) if out else frozenset()

    def matched(self, states: State) -> bool:
        """True when the path walked so far matches the whole pattern."""
        return len(self._segments) in states


def _segment_matches_fast(tokens: tuple[_Token, ...], name: str) -> bool:
    """:func:`_segment_matches` case-insensitively, with a quick length test for segments
    without ``*`` (each of their tokens matches exactly one character)."""
    if _STAR not in tokens and len(tokens) != len(name):
        return False
    return _segment_matches(tokens, name, True)


def tree_programs(spec: str, *, anchor: Path, cwd: Path, home: Path) -> list[TreeProgram]:
    """A deny/ask path pattern compiled for walking (see :class:`TreeProgram`).

    Args:
        spec: the pattern as written in ``Read(...)``/``Edit(...)`` (REF §2.5 anchors: ``//p``
            the root, ``~/p`` home, ``/p`` ``anchor``, ``./p`` and ``p`` ``cwd``).
        anchor: the directory of the rule's settings source (for ``/p``).
        cwd: the starting directory.
        home: the home directory.

    Returns:
        One program per reading of the pattern (as written and, when it differs, with the
        whitespace around segments removed), as :func:`path_matches` reads a deny rule.  An
        unusable glob is read literally, as the engine does for deny rules.
    """
    cwd_s, home_s = _dir_segments(cwd), _dir_segments(home)
    out: list[TreeProgram] = []
    for compiled in _readings(spec, True, _dir_segments(anchor), cwd_s, home_s):
        root = Path("/" + "/".join(compiled.anchor))
        program = TreeProgram(root, spec, compiled.segments)
        if program not in out:
            out.append(program)
    return out
