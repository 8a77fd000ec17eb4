"""The dynamic oracle's variant generator (``bench/oracle_variants.py``).

A reviewer should see each kind of rewrite on a small command with the exact text it produces,
that only plain top-level words are rewritten (quotes, ``$()`` and redirection targets stay
as written), that a glob always matches the word it replaced, that a symlink-routed path names
the same file in the fixture, and that generation is deterministic for a seed.
"""

from __future__ import annotations

import fnmatch
import os
import random
import shutil

import pytest

from bench.oracle_variants import KINDS, generate, tokenize, variant, variants


def _all(command: str, kind: str, seeds: int = 30) -> set[str]:
    """Every variant of ``command`` of this kind over a few seeds."""
    out: set[str] = set()
    for seed in range(seeds):
        out.update(variants(command, kind, random.Random(seed), every=True))
    return out


def test_abbrev_shortens_a_long_option_to_a_prefix_and_keeps_its_value() -> None:
    """``--in-place`` becomes a shorter prefix such as ``--in-pl``; ``=5`` stays attached."""
    found = _all("sed --in-place 's/a/b/' f", "abbrev")
    assert "sed --in-pl 's/a/b/' f" in found
    for text in found:
        option = text.split()[1]
        assert "--in-place".startswith(option) and 5 <= len(option) < len("--in-place")
        assert not option.endswith("-")
        assert text.endswith(" 's/a/b/' f")
    assert all(t.startswith("tail --") and t.endswith("=5 x")
               for t in _all("tail --lines=5 x", "abbrev"))
    assert variant("ls -l", "abbrev", random.Random(0)) is None


def test_attach_joins_a_short_option_and_its_value() -> None:
    """``-n 5`` becomes ``-n5``; an option followed by another option is left alone."""
    assert _all("head -n 5 foo.txt", "attach") == {"head -n5 foo.txt"}
    assert _all("ls -l -a", "attach") == set()


def test_equals_and_back() -> None:
    """``--lines 5`` <-> ``--lines=5``."""
    assert _all("tail --lines 5 x", "equals") == {"tail --lines=5 x"}
    assert _all("tail --lines=5 x", "unequals") == {"tail --lines 5 x"}
    assert _all("tail --lines=5 x", "equals") == set()


def test_glob_matches_the_word_it_replaces() -> None:
    """``foo.txt`` -> ``fo*.txt``-like globs, ``-f`` -> ``-f*``; every glob matches its word."""
    found = _all("cat foo.txt", "glob")
    assert found and all(t.startswith("cat ") for t in found)
    assert any(t in ("cat f*.txt", "cat fo*.txt") for t in found)
    assert _all("grep -f pats", "glob") >= {"grep -f* pats"}
    for command in ("cat foo.txt", "grep -f pats /etc/passwd", "ls --color=auto src/main.py"):
        before = command.split()
        for text in _all(command, "glob"):
            after = text.split()
            changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
            assert len(changed) == 1
            word, glob = changed[0]
            assert any(c in glob for c in "*?") and fnmatch.fnmatchcase(word, glob)


def test_only_plain_top_level_words_are_rewritten() -> None:
    """Quoted words, ``$()`` and redirection targets come back byte for byte."""
    command = "grep 'a b' \"c d\" $(ls -l) notes.txt > out.txt 2>&1"
    for kind in KINDS:
        for text in _all(command, kind):
            for kept in ("'a b'", '"c d"', "$(ls -l)", "> out.txt 2>&1"):
                assert kept in text, (kind, text)
    kinds = {t.text: (t.kind, t.role) for t in tokenize(command)}
    assert kinds["out.txt"] == ("word", "target")
    assert kinds["grep"] == ("word", "command")
    assert kinds[">"] == ("redir", "")


@pytest.mark.skipif(shutil.which("git") is None,
                    reason="git is not installed (the fixture is a repository)")
def test_symlink_routes_paths_through_the_fixture_links(tmp_path) -> None:
    """``/etc/passwd`` -> ``root-link/etc/passwd``, ``~/.ssh`` -> ``home-link/.ssh``, ``src/``
    -> ``lib/``; in a built fixture each rewritten path names the same file."""
    from bench.oracle_fixture import build_fixture

    assert _all("cat /etc/passwd", "symlink") == {"cat root-link/etc/passwd"}
    assert _all("ls ~/.ssh", "symlink") == {"ls home-link/.ssh"}
    assert _all("cat $HOME/.netrc", "symlink") == {"cat home-link/.netrc"}
    assert _all("cat src/main.py", "symlink") == {"cat lib/main.py"}
    assert _all("ls .", "symlink") == {"ls lib/.."}
    fixture = build_fixture(tmp_path / "ws")
    for before, after in (("/etc/passwd", "root-link/etc/passwd"),
                          (str(fixture.home / ".netrc"), "home-link/.netrc"),
                          (str(fixture.project / "src/main.py"), "lib/main.py"),
                          (str(fixture.project), "lib/..")):
        assert os.path.realpath(fixture.project / after) == os.path.realpath(before)


def test_global_option_goes_before_the_subcommand() -> None:
    """``git status`` gains ``--no-pager``, ``-c color.ui=never`` or ``-C .`` before
    ``status``; a program without a subcommand gets nothing."""
    found = _all("git status && git log -1", "global", seeds=60)
    for expected in ("git --no-pager status && git log -1",
                     "git -c color.ui=never status && git log -1",
                     "git -C . status && git log -1",
                     "git status && git --no-pager log -1"):
        assert expected in found
    assert _all("git --version", "global") == set()
    assert _all("ls -l", "global") == set()


def test_generate_is_deterministic_and_reaches_the_target() -> None:
    """Same seed, same list; another seed, another list; no variant equals a base."""
    bases = ["head -n 5 a.txt", "cat /etc/passwd", "git status", "tail --lines=3 b.log",
             "sed --in-place s/a/b/ c.txt", "grep -r foo src"]
    first = generate(bases, seed=1, target=30)
    assert first == generate(bases, seed=1, target=30)
    assert [v.text for v in first] != [v.text for v in generate(bases, seed=2, target=30)]
    assert len(first) >= 30
    assert len({v.text for v in first}) == len(first)
    assert not {v.text for v in first} & set(bases)
    assert {v.kind for v in first} == set(KINDS)
    assert all(v.base in bases for v in first)
    with pytest.raises(KeyError):
        variant("ls", "nope", random.Random(0))
