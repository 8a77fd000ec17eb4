"""Hypothesis properties of the read-only allowlist (issue 9).

* Adding an option never makes a command look safer.
* Abbreviating a long option to any unique prefix never changes a decision.
* Replacing an argument by a glob that can match it never loosens a decision.

A reviewer should see the properties stated on real registry entries and decided by the real
engine in a throwaway project that holds the files the commands name.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.check import evaluate
from tui.shell.registry import REGISTRY

ORDER = {"allow": 0, "ask": 1, "deny": 2}
BASES = [
    "cat a.txt", "head -n 5 a.txt", "sort a.txt", "sort -o out.txt a.txt", "grep foo a.txt",
    "ls -la", "wc -l a.txt", "cut -d, -f1 a.txt", "uniq a.txt", "diff a.txt b.txt",
    "sed s/a/b/ a.txt", "sed -i s/a/b/ a.txt", "tail a.txt", "tree", "du -s .", "nl a.txt",
    "find . -name a.txt", "rg foo", "git status", "git log -n 1", "git diff",
]
PROGRAMS = sorted({b.split()[0] for b in BASES if b.split()[0] in REGISTRY and
                   b.split()[0] != "git"})


def _project() -> tempfile.TemporaryDirectory:
    tmp = tempfile.TemporaryDirectory(prefix="warden-prop-")
    root = Path(tmp.name)
    for name in ("a.txt", "b.txt", "notes.md"):
        (root / name).write_text("foo\nbar\n")
    return tmp


def _decide(command: str, cwd: Path) -> str:
    return evaluate("Bash", {"command": command}, cwd=cwd, settings={},
                    discover=False).behavior


def _spelling(program: str, opt, name: str) -> list[str]:
    """The words that give ``opt`` (spelled ``name``) a value when it needs one."""
    if opt.arity == 1:
        return [f"{name}=1"] if name.startswith("--") else [name, "1"]
    if opt.arity == 2:
        return [f"{name}=1"] if name.startswith("--") else [f"{name}1"]
    return [name]


@st.composite
def option_words(draw, program: str) -> list[str]:
    entry = REGISTRY[program]
    opts = [o for o in entry.options]
    if draw(st.booleans()) or not opts:
        letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
        return ["--" + draw(letters)]
    opt = draw(st.sampled_from(opts))
    name = draw(st.sampled_from(opt.names))
    return _spelling(program, opt, name)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_adding_an_option_never_makes_a_command_look_safer(data) -> None:
    """Whatever option (known or unknown, with its value) is added after the program name, the
    decision is never more permissive than without it."""
    base = data.draw(st.sampled_from([b for b in BASES if b.split()[0] in PROGRAMS]))
    words = base.split()
    extra = data.draw(option_words(words[0]))
    command = " ".join([words[0], *extra, *words[1:]])
    with _project() as tmp:
        before = _decide(base, Path(tmp))
        after = _decide(command, Path(tmp))
    assert ORDER[after] >= ORDER[before], (base, command, before, after)


def _unique_prefixes(program: str) -> list[tuple[str, str]]:
    """(full long name, one of its unique prefixes) for every long option of ``program``."""
    entry = REGISTRY[program]
    longs = [n[2:] for o in entry.options for n in o.names if n.startswith("--")]
    out = []
    for name in longs:
        for k in range(1, len(name)):
            prefix = name[:k]
            hits = {id(entry.long(n)[0]) for n in longs if n.startswith(prefix)}
            if len(hits) == 1 and prefix not in longs:
                out.append((name, prefix))
    return out


GNU_PROGRAMS = [p for p in PROGRAMS if REGISTRY[p].style == "gnu"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_abbreviating_a_long_option_never_changes_a_decision(data) -> None:
    """getopt_long accepts any unique prefix: ``--in-pl`` is decided as ``--in-place``."""
    program = data.draw(st.sampled_from(GNU_PROGRAMS))
    pairs = _unique_prefixes(program)
    full, prefix = data.draw(st.sampled_from(pairs))
    opt = REGISTRY[program].long(full)[0]
    value = "=1" if opt.arity else ""
    tail = " s/a/b/" if program == "sed" else (" foo" if program in ("grep", "rg") else "")
    with _project() as tmp:
        a = _decide(f"{program} --{full}{value}{tail} a.txt", Path(tmp))
        b = _decide(f"{program} --{prefix}{value}{tail} a.txt", Path(tmp))
    assert a == b, (program, full, prefix, a, b)


def _glob_variants(word: str) -> list[str]:
    out = []
    for k in range(len(word)):
        out.append(word[:k] + "?" + word[k + 1:])
        out.append(word[:k] + "*" + word[k + 1:])
    out.append("*")
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_replacing_an_argument_by_a_matching_glob_never_loosens_a_decision(data) -> None:
    """``cat a.txt`` → ``cat a*.txt``, ``sort -o out.txt`` → ``sort -? out.txt``: a glob that
    can match the word is never decided more permissively than the word itself."""
    base = data.draw(st.sampled_from(BASES))
    words = base.split()
    k = data.draw(st.integers(min_value=1, max_value=max(1, len(words) - 1)))
    if k >= len(words):
        return
    if "/" in words[k] or words[k] in (".", ".."):
        return
    glob = data.draw(st.sampled_from(_glob_variants(words[k])))
    command = " ".join([*words[:k], glob, *words[k + 1:]])
    with _project() as tmp:
        before = _decide(base, Path(tmp))
        # the glob can match the word: a file by that name exists where it expands
        (Path(tmp) / words[k]).touch()
        after = _decide(command, Path(tmp))
    assert ORDER[after] >= ORDER[before], (base, command, before, after)
