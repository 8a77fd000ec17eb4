"""Pattern intersection of globs with Read/Edit deny rules (issue family 9).

``may_intersect`` answers "could some path match both this glob and this deny rule?" without
looking at the disk.  A reviewer should see: shell ``*``/``?`` never reach a dot file unless the
glob writes the dot (``cat *`` misses ``.env``, ``cat .*`` does not), every rule anchor reads as
in ``path_matches``, trees are ``dir/**``, tool globs match dot files, "named" mode ignores a bare
``*``, and hostile patterns stay fast.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.permissions.intersect import may_intersect, shell_glob, tool_glob, tree_glob
from tui.permissions.paths import deny_matcher, path_matches
from tui.permissions.rules import parse_rule


def rule(text: str, anchor: Path, behavior: str = "deny"):
    return parse_rule(text, behavior, anchor=anchor)


def shell(text: str, rule_text: str, cwd: Path, *, home: Path | None = None,
          anchor: Path | None = None, tree: bool = False) -> bool:
    home = home or cwd / "home"
    glob = shell_glob(text, cwd=cwd, home=home, tree=tree)
    return may_intersect(glob, rule(rule_text, anchor or cwd), cwd=cwd, home=home)


@pytest.mark.parametrize(("glob", "expected"), [
    ("*.env", False),   # dotglob off: "*" cannot start ".env"
    ("*", False),
    ("?env", False),
    ("[!a]env", False),
    ("[%-0]env", False),  # a range never matches a leading dot (POSIX)
    ("**", False),      # globstar skips hidden names too
    ("**/*", False),
    (".e*", True),
    (".*", True),
    (".env", True),
    ("[.]env", True),   # POSIX leaves this open; counted as matching (fail closed)
    (".ENV*", True),    # deny rules compare case-insensitively
    ("*/.env", True),   # ./.env in a deny rule floats to any depth
    ("sub/.e?v", True),
    ("docs/*.md", False),
    ("sub/*", False),
])
def test_shell_globs_against_a_dotenv_rule(tmp_path: Path, glob: str, expected: bool) -> None:
    """Read(./.env): a shell glob reaches .env only by writing its leading dot."""
    assert shell(glob, "Read(./.env)", tmp_path) is expected


def test_dot_star_meets_a_globstar_rule(tmp_path: Path) -> None:
    """`.e*` against Read(**/.env) may meet at <cwd>/.env."""
    assert shell(".e*", "Read(**/.env)", tmp_path)
    assert not shell("*.e*", "Read(**/.env)", tmp_path)


def test_a_star_directory_reaches_into_a_denied_tree(tmp_path: Path) -> None:
    """`src/*/config.json` may be src/secret/config.json; another top directory may not."""
    assert shell("src/*/config.json", "Read(./src/secret/**)", tmp_path)
    assert not shell("lib/*/config.json", "Read(/src/secret/**)", tmp_path)
    assert not shell("src/*/config.json", "Read(/src/.secret/**)", tmp_path)


def test_absolute_and_home_anchors(tmp_path: Path) -> None:
    """`//` is the filesystem root, `~/` the home directory; `?` and classes are one char."""
    etc = tmp_path / "etc"
    assert shell(f"{etc}/pass*", f"Read(/{etc}/passwd)", tmp_path)
    assert shell(f"{etc}/p?sswd", f"Read(/{etc}/passwd)", tmp_path)
    assert not shell(f"{etc}/p[!aA]sswd", f"Read(/{etc}/passwd)", tmp_path)
    assert not shell(f"{etc}/*.conf", f"Read(/{etc}/passwd)", tmp_path)
    home = tmp_path / "alice"
    assert shell("~/.ss*/id_*", "Read(~/.ssh/**)", tmp_path, home=home)
    assert not shell("~/*/id_*", "Read(~/.ssh/**)", tmp_path, home=home)  # * skips .ssh
    assert not shell(f"{home}/.ss*/id_*", "Read(~/.ssh/**)", tmp_path, home=tmp_path / "bob")


def test_bare_names_match_at_any_depth(tmp_path: Path) -> None:
    """A bare `.env` or `*.key` is denied at every depth below the cwd, never above it."""
    assert shell("a/b/.e*", "Read(.env)", tmp_path)
    assert shell("*/*/*.key", "Read(*.key)", tmp_path)
    assert not shell("docs/*.pem", "Read(*.key)", tmp_path)
    assert shell("*/*/*.pem", "Read(*.key)", tmp_path)  # a.key/b/c.pem: below a denied dir
    assert not shell(f"{tmp_path.parent}/.e*", "Read(.env)", tmp_path)


def test_settings_relative_anchor(tmp_path: Path) -> None:
    """`/secret.txt` is relative to the settings file's directory, not to the cwd."""
    settings_dir = tmp_path / "team"
    cwd = tmp_path / "proj"
    assert shell(f"{settings_dir}/*.txt", "Read(/secret.txt)", cwd, anchor=settings_dir)
    assert not shell("*.txt", "Read(/secret.txt)", cwd, anchor=settings_dir)


def test_dot_dot_and_dot_star_can_climb(tmp_path: Path) -> None:
    """`../*` and `.*/x` (`.*` matches `..` in bash before 5.2) reach the parent."""
    cwd = tmp_path / "proj"
    top = tmp_path / "top.txt"
    assert shell("../*.txt", f"Read(/{top})", cwd)
    assert shell(".*/top.txt", f"Read(/{top})", cwd)
    assert not shell("*/top.txt", f"Read(/{top})", cwd)


def test_expansions_fail_closed(tmp_path: Path) -> None:
    """A variable may expand to any directories; `$(...)` may hold a slash: may match."""
    assert shell("$D/*.md", f"Read(/{tmp_path}/x/.env)", tmp_path)
    assert shell("$(pwd)/*", "Read(./.env)", tmp_path)


def test_trees_are_dir_globstar(tmp_path: Path) -> None:
    """A recursive read of D covers D/** with hidden names (grep -r reads .env)."""
    cwd = tmp_path / "proj"
    home = tmp_path / "home"

    def tree(directory: Path, text: str) -> bool:
        return may_intersect(tree_glob(directory), rule(text, cwd), cwd=cwd, home=home)

    assert tree(cwd, "Read(./.env)")
    assert tree(cwd / "docs", "Read(./.env)")       # docs/.env is denied too
    assert not tree(cwd / "docs", "Read(/secrets/**)")  # only <cwd>/secrets
    assert tree(cwd, "Read(/secrets/**)")
    assert tree(cwd / "secrets" / "a", "Read(/secrets/**)")
    assert not tree(tmp_path / "other", "Read(./.env)")
    assert tree(Path("/"), "Read(./.env)")
    # a recursive glob: `grep -r x s*` reads each match's tree
    assert shell("s*", "Read(/secrets/k/**)", cwd, tree=True)
    assert not shell("d*", "Read(/secrets/k/**)", cwd, tree=True)


def test_tool_globs_match_dot_files_and_named_mode(tmp_path: Path) -> None:
    """The Grep/Glob dialect: `*` starts `.env`; named mode needs the glob to name the path."""
    cwd = tmp_path

    def tool(pattern: str, text: str, *, named: bool = False) -> bool:
        glob = tool_glob(pattern, base=cwd, anywhere=True)
        return may_intersect(glob, rule(text, cwd), cwd=cwd, home=cwd, named=named)

    assert tool("*.env", "Read(./.env)")
    assert tool("**/.env*", "Read(./.env)", named=True)
    assert tool("secrets/*.py", "Read(./secrets/**)", named=True)
    assert tool("*.py", "Read(./secrets/**)")  # secrets/a.py: yes, in principle ...
    assert not tool("*.py", "Read(./secrets/**)", named=True)  # ... but it names nothing there
    assert not tool("*", "Read(./.env)", named=True)
    assert not tool("*.md", "Read(./.env)", named=True)


def test_an_allow_rule_is_refused(tmp_path: Path) -> None:
    """Intersection is for deny and ask rules; an allow needs a real match."""
    glob = shell_glob("*.md", cwd=tmp_path, home=tmp_path)
    with pytest.raises(ValueError):
        may_intersect(glob, rule("Read(./*.md)", tmp_path, "allow"), cwd=tmp_path, home=tmp_path)
    assert may_intersect(glob, rule("Read(./*.md)", tmp_path, "ask"), cwd=tmp_path,
                         home=tmp_path)


def test_hostile_patterns_stay_fast(tmp_path: Path) -> None:
    """Long star/char alternations on both sides finish quickly (no backtracking)."""
    glob_text = "/".join(["*a" * 60 + "?" * 40] * 6)
    rule_text = "Read(" + "/".join(["**", "*b" * 60 + "[!x]" * 30] * 6) + ")"
    start = time.perf_counter()
    shell(glob_text, rule_text, tmp_path)
    shell("[ab]" * 7 + "*", "Read(" + "[!a]*" * 50 + ")", tmp_path)
    assert time.perf_counter() - start < 5.0


# -- properties -----------------------------------------------------------------------------

NAME = st.one_of(
    st.sampled_from([".env", "x.key", "secrets", "a", "b", "XYZ", "xyz", ".cfg", "at.txt"]),
    st.text(alphabet="abcXYZ.-_0", min_size=1, max_size=8).filter(lambda s: s not in (".", "..")),
)
RULES = ["Read(./.env)", "Read(*.key)", "Read(/secrets/**)", "Read(./a/b)", "Read(.c*)",
         "Read(**/X?Z/**)", "Read(./[ab]*.txt)"]


def globify(name: str, data: st.DataObject) -> str:
    """`name` with some characters turned into `?`, `*` or a class; a leading dot stays."""
    out = []
    i = 0
    while i < len(name):
        ch = name[i]
        choice = data.draw(st.sampled_from(["keep", "keep", "?", "*", "class"]))
        if i == 0 and ch == ".":
            choice = "keep"
        if choice == "?":
            out.append("?")
        elif choice == "*":
            skip = data.draw(st.integers(0, len(name) - i))
            out.append("*")
            i += skip
            continue
        elif choice == "class":
            out.append(f"[{ch}q]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAME, min_size=1, max_size=3), rule_text=st.sampled_from(RULES),
       data=st.data())
def test_a_glob_that_can_match_a_denied_path_intersects(tmp_path: Path, names: list[str],
                                                        rule_text: str,
                                                        data: st.DataObject) -> None:
    """If the rule denies cwd/<names> and the glob matches it, the glob may intersect the rule."""
    path = tmp_path.joinpath(*names)
    r = rule(rule_text, tmp_path)
    if not path_matches(r, path, cwd=tmp_path, home=tmp_path):
        return
    text = "/".join(globify(n, data) for n in names)
    glob = shell_glob(text, cwd=tmp_path, home=tmp_path)
    assert may_intersect(glob, r, cwd=tmp_path, home=tmp_path), (text, str(path))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAME, min_size=0, max_size=4), rules=st.lists(st.sampled_from(
    RULES + ["Read(~/.ssh/**)", "Read(//**/id_*)", "Read( ./a /b )", "Read(./x[)"]),
    min_size=1, max_size=3))
def test_deny_matcher_agrees_with_path_matches(tmp_path: Path, names: list[str],
                                               rules: list[str]) -> None:
    """The compiled matcher Grep/Glob use gives path_matches' answer for every path."""
    parsed = [rule(t, tmp_path) for t in rules]
    path = tmp_path.joinpath(*names)
    home = tmp_path / "a"
    expected = any(path_matches(r, path, cwd=tmp_path, home=home) for r in parsed)
    assert deny_matcher(parsed, cwd=tmp_path, home=home)(path) is expected
