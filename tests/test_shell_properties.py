"""Properties of the analyser that must hold for any input (hypothesis)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.shell import analyze
from tui.shell.explain import explain
from tui.shell.model import ShellAnalysis

CWD = Path("/home/u/proj")
HOME = Path("/home/u")

TOKENS = [
    "ls", "rm", "-rf", "cat", "echo", "sudo", "timeout", "5", "env", "A=1", "bash", "-c", "sh",
    "eval", "xargs", "find", ".", "-exec", "{}", "\\;", "+", "-delete", "git", "push", "-f",
    "reset", "--hard", "sed", "-i", "'s/a/b/w x'", "curl", "x.dev", "|", "||", "&&", ";", "&",
    "\n", ">", ">>", "2>&1", "<", "<<EOF", "EOF", "<<<", "$(", ")", "`", "'", '"', "$'\\x41'",
    "${IFS}", "$IFS", "${x@P}", "$CMD", "~", "~/x", "/", "*", "?", "[a]", "{a,b}", "{1..3}",
    "(", "{", "}", "!", "#", "\\", "\\\n", "=rm", "\u200b", "р", "if", "then", "fi", "for", "in",
    "do", "done", "while", "case", "esac", "$((1))", "[[", "]]", "cd", "..", "/tmp", "f()",
    "watch", "flock", "nice", "-n", "dig", "python3", "'import socket'", "--output=x", "-o",
]


def _check(a: ShellAnalysis, text: str) -> None:
    assert a.command == text
    if not a.ok:
        assert a.fail_reason
        assert not a.read_only
    if a.read_only:
        assert a.ok and not a.writes and not a.network and not a.findings
        assert not a.critical_removals and not a.destructive_git
        assert all(a.command_read_only)
    assert len(a.command_read_only) == len(a.commands)
    for ref in (*a.writes, *a.reads):
        assert 0 <= ref.command_index < max(1, len(a.commands))
        assert ref.path is None or ref.path.is_absolute()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_analyze_never_raises_on_arbitrary_text(text: str) -> None:
    _check(analyze(text, cwd=CWD, home=HOME), text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_analyze_never_raises_on_shellish_tokens(tokens: list[str]) -> None:
    text = " ".join(tokens)
    _check(analyze(text, cwd=CWD, home=HOME), text)
    explain(text, cwd=CWD, home=HOME)


SIMPLE = ["ls", "ls -la", "cat f", "rm x", "echo hi", "git status", "git push", "curl x.dev",
          "echo $(id)", "sort -o o f", "pwd", "touch t", "FOO=1 ls", "cd /tmp", "grep a f",
          "find . -delete", "sudo ls", "echo x > f", "[[ x ]]", "echo $((1))", "wc -l f"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SIMPLE), st.sampled_from(SIMPLE),
       st.sampled_from([";", "&&", "||", "|", "\n", "&"]))
def test_compound_is_read_only_only_if_both_parts_are(a: str, b: str, sep: str) -> None:
    whole = analyze(f"{a} {sep} {b}", cwd=CWD, home=HOME)
    left = analyze(a, cwd=CWD, home=HOME)
    right = analyze(b, cwd=CWD, home=HOME)
    if whole.read_only:
        assert left.read_only and right.read_only
    if not (left.read_only and right.read_only):
        assert not whole.read_only
    if not (left.ok and right.ok):
        assert not whole.ok


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIMPLE), st.sampled_from(["timeout 5", "nice -n 1", "nohup", "time",
                                                 "stdbuf -oL", "command", "env"]))
def test_transparent_wrappers_do_not_change_the_command(command: str, wrapper: str) -> None:
    plain = analyze(command, cwd=CWD, home=HOME)
    wrapped = analyze(f"{wrapper} {command}", cwd=CWD, home=HOME)
    if not plain.ok or not plain.commands or plain.commands[0].program in ("", "cd") or \
            plain.commands[0].env:
        return  # after a wrapper, NAME=value is the program's name, not an assignment
    assert wrapped.commands[0].argv == plain.commands[0].argv
    assert [w.path for w in wrapped.writes] == [w.path for w in plain.writes]
    assert wrapped.network == plain.network
