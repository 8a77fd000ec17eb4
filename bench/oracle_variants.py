"""Variants of shell commands that a static analysis may read differently from the shell.

Each kind rewrites one word of a command (chosen with a seeded RNG) and leaves the rest of the
text byte for byte as it was:

``abbrev``
    a long option shortened to a prefix (``--in-place`` -> ``--in-pl``), ``=value`` kept;
``attach``
    a short option's value attached (``-n 5`` -> ``-n5``);
``equals`` / ``unequals``
    a long option's value moved into ``=`` (``--lines 5`` -> ``--lines=5``) and back;
``glob``
    an argument replaced by a glob that can match it (``foo.txt`` -> ``fo*.txt``,
    ``-f`` -> ``-f*``, ``/etc/passwd`` -> ``/etc/pas*``);
``symlink``
    a path routed through a symlink of the fixture (``/etc`` -> ``root-link/etc``,
    ``~/.ssh`` -> ``home-link/.ssh``, ``src/x`` -> ``lib/x``, ``.`` -> ``lib/..``);
``global``
    a global option inserted before a subcommand (``git status`` -> ``git --no-pager status``,
    ``git -c color.ui=never status``, ``git -C . status``...).

Only plain words at the top level are rewritten: nothing inside quotes, ``$()``, backquotes or
after a redirection operator.  The output depends only on the commands, the seed and the target
count.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["GLOBAL_OPTIONS", "KINDS", "Token", "Variant", "generate", "tokenize", "variant",
           "variants"]

KINDS: tuple[str, ...] = ("abbrev", "attach", "equals", "unequals", "glob", "symlink", "global")
"""Every kind of variant, in the order :func:`generate` tries them."""

GLOBAL_OPTIONS: dict[str, tuple[str, ...]] = {
    "git": ("--no-pager", "-c color.ui=never", "-C .", "--no-optional-locks", "-P",
            "--literal-pathspecs"),
    "npm": ("--silent", "--loglevel=silent"),
    "docker": ("--log-level error", "-D"),
    "systemctl": ("--no-pager", "-q"),
    "apt-get": ("-q",), "apt": ("-q",), "pip": ("-q",), "pip3": ("-q",),
    "svn": ("--non-interactive",), "hg": ("--quiet",), "cargo": ("--quiet",),
    "kubectl": ("--namespace default",),
}
"""Global options each program accepts before its subcommand."""

_SPECIAL = set("'\"\\$`*?[]{}")
_OPERATORS = set(";|&()<>")
_SIMPLE = re.compile(r"^[A-Za-z0-9_./~+:=,@%^-]+$")
_LONG = re.compile(r"^--([a-z][a-z0-9-]*[a-z0-9])$")
_LONG_EQ = re.compile(r"^--([a-z][a-z0-9-]*[a-z0-9])=([A-Za-z0-9_./~+:,@%^-]+)$")
_LONG_ANY = re.compile(r"^--([a-z][a-z0-9-]{3,})(=.*)?$")
_SHORT = re.compile(r"^-[A-Za-z0-9]$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Token:
    """A word or operator at the top level of a command.

    Attributes:
        start, end: its span in the command text.
        text: the text of the span.
        kind: ``"word"``, ``"op"`` (``|``, ``&&``, ``;``, ``(``...) or ``"redir"`` (``>``, ``2>``,
            ``<``...).
        plain: a word with no quotes, expansions, globs or escapes.
        role: for a word: ``"command"`` (first word of a simple command), ``"arg"``, or
            ``"target"`` (a redirection's target).
        command: for an ``"arg"``, the text of its command word.
    """

    start: int
    end: int
    text: str
    kind: str
    plain: bool = False
    role: str = ""
    command: str = ""


@dataclass(frozen=True)
class Variant:
    """A generated command: its text, the kind of rewrite, and the command it came from."""

    text: str
    kind: str
    base: str


def _word_end(text: str, i: int) -> int:
    """Index just after the word starting at ``i`` (quotes, ``$()``, backquotes balanced)."""
    n, depth, quote = len(text), 0, ""
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = ""
            i += 1
            continue
        if c == "\\":
            i += 2
            continue
        if c in "'\"`":
            quote = c
        elif c == "$" and i + 1 < n and text[i + 1] in "({":
            depth += 1
            i += 2
            continue
        elif c in "({" and depth:
            depth += 1
        elif c in ")}" and depth:
            depth -= 1
        elif depth == 0 and (c.isspace() or c in _OPERATORS):
            break
        i += 1
    return min(i, n)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into top-level tokens (see :class:`Token`).  Never raises; an unbalanced
    quote makes the rest of the text one word."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    expect_command, expect_target, command = True, False, ""
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        m = re.match(r"\d*(?:>>|>\||>&|<<<|<<-?|<>|<&|&>>|&>|>|<)", text[i:])
        if m and (c in "<>&" or text[i + len(m.group()) - 1] in "<>&"):
            op = m.group()
            if c != "&" or op.startswith("&>"):
                tokens.append(Token(i, i + len(op), op, "redir"))
                i += len(op)
                expect_target = True
                continue
        if c in _OPERATORS:
            op = text[i:i + 2] if text[i:i + 2] in ("&&", "||", ";;", "|&") else c
            tokens.append(Token(i, i + len(op), op, "op"))
            i += len(op)
            expect_command = True
            continue
        end = max(_word_end(text, i), i + 1)
        word = text[i:end]
        plain = not (_SPECIAL & set(word))
        if expect_target:
            role, expect_target = "target", False
        elif expect_command and not _ASSIGNMENT.match(word):
            role, expect_command, command = "command", False, word
        elif expect_command:
            role = "assignment"
        else:
            role = "arg"
        tokens.append(Token(i, end, word, "word", plain, role, command if role == "arg" else ""))
        i = end
    return tokens


def _args(tokens: Sequence[Token]) -> Iterator[tuple[int, Token]]:
    for k, t in enumerate(tokens):
        if t.kind == "word" and t.role == "arg" and t.plain:
            yield k, t


def _next_arg(tokens: Sequence[Token], k: int) -> Token | None:
    if k + 1 < len(tokens):
        t = tokens[k + 1]
        if t.kind == "word" and t.role == "arg" and t.plain and _SIMPLE.match(t.text) \
                and not t.text.startswith("-"):
            return t
    return None


Edit = tuple[int, int, str]


def _abbrev(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for _, t in _args(tokens):
        m = _LONG_ANY.match(t.text)
        if not m:
            continue
        name = m.group(1)
        k = rng.randint(max(3, len(name) // 2), len(name) - 1)
        while k < len(name) - 1 and name[k - 1] == "-":
            k += 1
        if name[k - 1] != "-":
            out.append((t.start, t.end, f"--{name[:k]}{m.group(2) or ''}"))
    return out


def _attach(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for k, t in _args(tokens):
        nxt = _next_arg(tokens, k)
        if _SHORT.match(t.text) and nxt is not None:
            out.append((t.start, nxt.end, t.text + nxt.text))
    return out


def _equals(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for k, t in _args(tokens):
        nxt = _next_arg(tokens, k)
        if _LONG.match(t.text) and nxt is not None:
            out.append((t.start, nxt.end, f"{t.text}={nxt.text}"))
    return out


def _unequals(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for _, t in _args(tokens):
        m = _LONG_EQ.match(t.text)
        if m:
            out.append((t.start, t.end, f"--{m.group(1)} {m.group(2)}"))
    return out


def _glob_of(word: str, rng: random.Random) -> str | None:
    if word.startswith("-"):
        return word + "*" if len(word) >= 2 and word != "--" else None
    head, sep, last = word.rpartition("/")
    if len(last) < 2 or last.isdigit() or last in ("..",):
        return None
    stem, dot, ext = last.rpartition(".")
    if dot and len(stem) >= 2 and ext:
        new = stem[:rng.randint(1, len(stem) - 1)] + "*." + ext
    elif len(last) >= 3 and rng.random() < 0.5:
        i = rng.randint(1, len(last) - 2)
        new = last[:i] + "?" + last[i + 1:]
    else:
        new = last[:rng.randint(1, len(last) - 1)] + "*"
    return head + sep + new


def _glob(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for _, t in _args(tokens):
        new = _glob_of(t.text, rng) if _SIMPLE.match(t.text) else None
        if new and new != t.text:
            out.append((t.start, t.end, new))
    return out


def _symlink_of(word: str) -> str | None:
    for home in ("$HOME", "${HOME}", "~"):
        if word == home:
            return "home-link"
        if word.startswith(home + "/"):
            return "home-link/" + word[len(home) + 1:]
    if word.startswith("/"):
        return "root-link" + word
    if word in (".", "./"):
        return "lib/.."
    if word == "data/2024.csv":
        return "latest.csv"
    if word == "src" or word.startswith("src/"):
        return "lib" + word[3:]
    if word.startswith("-") or ":" in word or "=" in word:
        return None
    if word.startswith("./") or "/" in word or re.search(r"\.[A-Za-z0-9]{1,5}$", word):
        return "lib/../" + word.removeprefix("./")
    return None


def _symlink(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for t in tokens:
        if t.kind != "word" or t.role != "arg":
            continue
        new = _symlink_of(t.text) if (t.plain or t.text.startswith(("$HOME", "${HOME}"))) \
            else None
        if new is not None and (t.plain or "$" not in new):
            out.append((t.start, t.end, new))
    return out


def _global(tokens: Sequence[Token], rng: random.Random) -> list[Edit]:
    out = []
    for k, t in enumerate(tokens):
        if t.kind != "word" or t.role != "command":
            continue
        options = GLOBAL_OPTIONS.get(t.text.rsplit("/", 1)[-1])
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if options and nxt is not None and nxt.kind == "word" and nxt.plain \
                and re.match(r"^[a-z][a-z0-9-]*$", nxt.text):
            out.append((t.end, t.end, " " + rng.choice(options)))
    return out


_RULES = {"abbrev": _abbrev, "attach": _attach, "equals": _equals, "unequals": _unequals,
          "glob": _glob, "symlink": _symlink, "global": _global}


def variants(command: str, kind: str, rng: random.Random, every: bool = False) -> list[str]:
    """``kind`` variants of ``command``: one (the word to rewrite chosen with ``rng``), or with
    ``every`` one per word that lends itself to it; ``[]`` when none does.

    Raises:
        KeyError: ``kind`` is not one of :data:`KINDS`.
    """
    edits = _RULES[kind](tokenize(command), rng)
    if edits and not every:
        edits = [rng.choice(edits)]
    out = [command[:start] + new + command[end:] for start, end, new in edits]
    return [text for text in out if text != command]


def variant(command: str, kind: str, rng: random.Random) -> str | None:
    """One ``kind`` variant of ``command`` (see :func:`variants`), or ``None``."""
    found = variants(command, kind, rng)
    return found[0] if found else None


def generate(commands: Sequence[str], seed: int = 0, target: int = 20000,
             kinds: Sequence[str] = KINDS, max_passes: int = 8) -> list[Variant]:
    """Variants of ``commands``, deterministic for a given seed.

    The first pass makes, for each command, one variant per word that lends itself to each
    kind, except ``glob`` (one per command: most words do).  Later passes make one variant per
    command and kind with new random choices (other words, prefixes, globs, options), until at
    least ``target`` distinct variants exist or ``max_passes`` passes ran.

    Args:
        commands: the base commands (NL2Bash lines).
        seed: the RNG seed; the output is a pure function of the arguments.
        target: how many variants to aim for (a pass is never cut short, so more may come
            back); ``0`` for the first pass only.
        kinds: which kinds to generate.
        max_passes: the most passes to make.

    Returns:
        Distinct variants, none equal to a base command, in generation order.
    """
    seen = set(commands)
    out: list[Variant] = []
    for p in range(max_passes):
        for i, base in enumerate(commands):
            for kind in kinds:
                rng = random.Random(f"{seed}:{p}:{i}:{kind}")
                for text in variants(base, kind, rng, every=p == 0 and kind != "glob"):
                    if text not in seen:
                        seen.add(text)
                        out.append(Variant(text, kind, base))
        if len(out) >= target:
            break
    return out
