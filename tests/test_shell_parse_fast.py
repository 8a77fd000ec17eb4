"""The plain-words fast path of the parser builds the trees bashlex builds.

A reviewer should see every NL2Bash command that takes the fast path analysed identically
with and without it, plus hand-picked lines that must not take it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.shell import analyze, parse

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "nl2bash" / "all.cm"


def _both(command: str, monkeypatch) -> tuple:
    cwd = Path("/p")
    fast = analyze(command, cwd=cwd, home=Path("/h"), working_dirs=(cwd,))
    with monkeypatch.context() as m:
        m.setattr(parse, "plain_parse", lambda text: None)
        slow = analyze(command, cwd=cwd, home=Path("/h"), working_dirs=(cwd,))
    return fast, slow


@pytest.mark.parametrize("command", ["ls -la src", "FOO=1 BAR=2 make test", "ls FOO=1",
                                     "grep -n x f | head -5 | wc -l", "git status",
                                     "cat a.txt b.txt", "sort -k2,2n -t, f", "rm -rf build",
                                     "ls ~", "ls *.py", "find . -name '*.py'",
                                     "grep -rn 'a b' src | sort", "echo \"x y\" 'z'",
                                     "ls [ab]*", "rm -rf ~/x", "echo \\x",
                                     "find . -name x -exec rm {} \\;",
                                     "find . \\( -name a -o -name b \\) -print",
                                     "find . ! -name '*.o'", "echo a^b {a,b}"])
def test_fast_path_matches_bashlex(command: str, monkeypatch) -> None:
    assert parse.plain_parse(command) is not None
    fast, slow = _both(command, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("command", ["echo $HOME", "a || b", "a && b", "ls > f",
                                     "echo \"$x\"", "echo 'x", "if x", "for i", "ls |",
                                     "| ls", "time ls", "x | | y", "a;b", "ls\nrm x",
                                     "echo `id`", "[[ -f x ]]", "ls # c", "{ ls; }",
                                     "! ls", "echo x\\"])
def test_other_lines_take_bashlex(command: str) -> None:
    assert parse.plain_parse(command) is None


def test_every_plain_corpus_command_is_analysed_the_same(monkeypatch) -> None:
    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is absent (clone without ../shared)")
    commands = [c for c in CORPUS.read_text(encoding="utf-8").splitlines()
                if parse.plain_parse(c) is not None]
    assert len(commands) > 2000
    for command in commands:
        fast, slow = _both(command, monkeypatch)
        assert fast == slow, command
