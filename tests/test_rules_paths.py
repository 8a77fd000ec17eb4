"""Read/Edit path patterns (REF §2.5, §11.3): anchors, gitignore depth, the src/** asymmetry,
directories, case, Windows forms, symlink views.

Rows marked "[Warden]" are choices where REF is silent: deny/ask rules match more, allow less.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.permissions.paths import path_matches, posix_form, symlink_views
from tui.permissions.rules import Rule, parse_rule

CWD = Path("/proj")
HOME = Path("/home/alice")
PROJECT = CWD  # project settings: "/" anchors at the project root
USER = HOME / ".claude"  # user settings: "/" anchors at ~/.claude
SETTINGS_FILE_DIR = Path("/etc/team")  # --settings /etc/team/policy.json


def matches(text: str, behavior: str, path: str, anchor: Path = PROJECT,
            cwd: Path = CWD, home: Path = HOME) -> bool:
    rule = parse_rule(text, behavior, anchor=anchor)
    return path_matches(rule, Path(path), cwd=cwd, home=home)


ROWS = [
    # rule, behavior, path, matches?
    # bare filename: any depth below the cwd, never above it (REF §2.5)
    ("Read(.env)", "deny", "/proj/.env", True),
    ("Read(.env)", "deny", "/proj/a/b/.env", True),
    ("Read(.env)", "deny", "/etc/.env", False),
    ("Read(.env)", "deny", "/.env", False),
    ("Read(.env)", "deny", "/proj/.env.local", False),
    ("Read(.env)", "deny", "/proj/x.env", False),
    ("Read(.env)", "allow", "/proj/a/b/.env", True),  # bare names float in every rule type
    ("Read(**/.env)", "deny", "/proj/a/b/.env", True),
    ("Read(**/.env)", "deny", "/etc/.env", False),
    ("Read(//**/.env)", "deny", "/etc/.env", True),
    ("Read(//**/.env)", "deny", "/proj/.env", True),
    ("Read(*.env)", "deny", "/proj/sub/prod.env", True),
    ("Read(*.env)", "deny", "/proj/.env", True),  # gitignore "*" matches a leading dot
    ("Read(*.env)", "deny", "/proj/prod.env.bak", False),
    ("Read(.env.*)", "deny", "/proj/api/.env.production", True),
    ("Read(*secret*)", "deny", "/proj/deep/er/my-secret-file", True),
    # "./path" and "path": relative to the cwd
    ("Read(./.env)", "deny", "/proj/.env", True),
    ("Read(./.env)", "allow", "/proj/.env", True),
    ("Read(./.env)", "allow", "/proj/sub/.env", False),  # [Warden] allow "./x" stays at cwd
    ("Read(./.env)", "deny", "/proj/sub/.env", True),  # [Warden] deny "./x" floats
    ("Read(./secrets/**)", "deny", "/proj/secrets/key", True),
    ("Read(./secrets/**)", "allow", "/proj/secrets/key", True),
    ("Read(./secrets/**)", "allow", "/proj/sub/secrets/key", False),
    # "//path": the filesystem root
    ("Read(//Users/alice/secrets/**)", "deny", "/Users/alice/secrets/a/b", True),
    ("Read(//Users/alice/secrets/**)", "deny", "/proj/Users/alice/secrets/a", False),
    ("Edit(//tmp/scratch.txt)", "allow", "/tmp/scratch.txt", True),
    ("Edit(//tmp/scratch.txt)", "allow", "/proj/tmp/scratch.txt", False),
    # "~/path": the home directory
    ("Read(~/.zshrc)", "deny", "/home/alice/.zshrc", True),
    ("Read(~/.zshrc)", "deny", "/home/alice/sub/.zshrc", False),
    ("Read(~/.zshrc)", "deny", "/proj/.zshrc", False),
    ("Read(~/.ssh/**)", "deny", "/home/alice/.ssh/id_rsa", True),
    ("Read(~/.ssh/**)", "deny", "/home/alice/.ssh", True),  # trailing /** includes the dir
    ("Read(~/.ssh/**)", "deny", "/home/alice/.sshx/id_rsa", False),
    ("Read(~/Documents/*.pdf)", "allow", "/home/alice/Documents/a.pdf", True),
    ("Read(~/Documents/*.pdf)", "allow", "/home/alice/Documents/x/a.pdf", False),
    # "*" stays in one segment, "**" crosses
    ("Edit(/src/*)", "allow", "/proj/src/a.ts", True),
    ("Edit(/src/*)", "allow", "/proj/src/a/b.ts", False),
    ("Edit(/src/**)", "allow", "/proj/src/a/b/c.ts", True),
    ("Read(//a/**/b)", "allow", "/a/b", True),
    ("Read(//a/**/b)", "allow", "/a/x/y/b", True),
    ("Read(//a/**/b)", "allow", "/a/x/y/bb", False),
    ("Read(//a/x**y)", "allow", "/a/xzzy", True),  # "**" inside a segment is a plain "*"
    ("Read(//a/x**y)", "allow", "/a/x/y", False),
    ("Read(//a/?.txt)", "allow", "/a/1.txt", True),
    ("Read(//a/?.txt)", "allow", "/a/12.txt", False),
    ("Read(**)", "allow", "/proj/any/thing", True),
    ("Read(**)", "allow", "/etc/passwd", False),
    # the one-directory-segment asymmetry (REF §2.5, the docs' src/vendor table)
    ("Edit(src/**)", "allow", "/proj/src/app.ts", True),
    ("Edit(src/**)", "allow", "/proj/vendor/pkg/src/lib.js", False),
    ("Edit(src/**)", "deny", "/proj/src/app.ts", True),
    ("Edit(src/**)", "deny", "/proj/vendor/pkg/src/lib.js", True),
    ("Edit(src/**)", "ask", "/proj/vendor/pkg/src/lib.js", True),
    ("Edit(src/**)", "deny", "/other/src/lib.js", False),  # never above the cwd
    ("Edit(/src/**)", "allow", "/proj/src/app.ts", True),
    ("Edit(/src/**)", "allow", "/proj/vendor/pkg/src/lib.js", False),
    ("Edit(/src/**)", "deny", "/proj/src/app.ts", True),
    ("Edit(/src/**)", "deny", "/proj/vendor/pkg/src/lib.js", False),
    ("Edit(**/src/**)", "allow", "/proj/vendor/pkg/src/lib.js", True),
    ("Edit(**/src/**)", "deny", "/proj/vendor/pkg/src/lib.js", True),
    ("Edit(src/components/**)", "allow", "/proj/src/components/a.tsx", True),
    ("Edit(src/components/**)", "deny", "/proj/src/components/a.tsx", True),
    ("Edit(src/components/**)", "allow", "/proj/x/src/components/a.tsx", False),
    ("Edit(src/components/**)", "deny", "/proj/x/src/components/a.tsx", False),
    ("Read(secrets/**)", "deny", "/proj/a/b/secrets/token", True),
    ("Edit(.ssh/*)", "deny", "/proj/sub/.ssh/config", True),  # [Warden] any two-segment shape
    ("Edit(.ssh/*)", "allow", "/proj/sub/.ssh/config", False),
    ("Edit(src/*.py)", "allow", "/proj/src/a.py", True),
    ("Edit(src/*.py)", "allow", "/proj/lib/src/a.py", False),
    ("Edit(src/*.py)", "deny", "/proj/lib/src/a.py", True),
    # directories: trailing "/" or "/**" is the dir and everything below; trailing-slash deny
    # paths are not bypassable; deny also covers what is inside a matched path
    ("Read(secrets/)", "deny", "/proj/secrets/x", True),
    ("Read(secrets/)", "deny", "/proj/secrets", True),
    ("Read(secrets/)", "deny", "/proj/a/secrets/b/c", True),
    ("Read(secrets/)", "deny", "/proj/secretsx/b", False),
    ("Read(src/**)", "allow", "/proj/src", True),
    ("Read(secrets)", "deny", "/proj/secrets/x", True),  # [Warden] gitignore: contents too
    ("Read(secrets)", "allow", "/proj/secrets", True),
    ("Read(secrets)", "allow", "/proj/secrets/x", False),  # [Warden] allow: the name only
    ("Edit(.git)", "deny", "/proj/.git/config", True),
    ("Read(//etc/passwd)", "deny", "/etc/passwd", True),
    ("Read(~/.ssh)", "deny", "/home/alice/.ssh/id_ed25519", True),
    # character classes and escapes, as gitignore
    ("Read(file[0-9].txt)", "allow", "/proj/file7.txt", True),
    ("Read(file[0-9].txt)", "allow", "/proj/filea.txt", False),
    ("Read(file[!0-9].txt)", "allow", "/proj/filea.txt", True),
    ("Read(file[!0-9].txt)", "allow", "/proj/file7.txt", False),
    ("Read(file[^0-9].txt)", "allow", "/proj/file7.txt", False),
    ("Read(file[[:digit:]].txt)", "allow", "/proj/file3.txt", True),
    ("Read(file[]x].txt)", "allow", "/proj/file].txt", True),
    ("Read(file[a-c-].txt)", "allow", "/proj/file-.txt", True),
    (r"Read(//x/\[2024\] Reports/**)", "allow", "/x/[2024] Reports/q1.xlsx", True),
    (r"Read(//x/\[2024\] Reports/**)", "allow", "/x/2 Reports/q1.xlsx", False),
    (r"Read(//x/a\*b)", "allow", "/x/a*b", True),
    (r"Read(//x/a\*b)", "allow", "/x/aZZb", False),
    ("Read(//x/notes )", "allow", "/x/notes", True),  # gitignore drops trailing spaces
    (r"Read(//x/notes\ )", "allow", "/x/notes ", True),
    ("Edit(./Finance (2024)/**)", "allow", "/proj/Finance (2024)/q1.xlsx", True),
    # "/path" is the settings source, not the filesystem root
    ("Edit(/docs/**)", "allow", "/proj/docs/a.md", True),
    ("Edit(/docs/**)", "allow", "/docs/a.md", False),
    ("Edit(/docs/**)", "allow", "/proj/.claude/docs/a.md", False),
    ("Edit(/src/**/*.ts)", "allow", "/proj/src/a/b/c.ts", True),
    ("Edit(/src/**/*.ts)", "allow", "/proj/src/c.ts", True),
    ("Edit(/src/**/*.ts)", "allow", "/proj/lib/src/c.ts", False),
    ("Read(/Users/alice/file)", "deny", "/Users/alice/file", False),  # not absolute
    ("Read(/Users/alice/file)", "deny", "/proj/Users/alice/file", True),
    # ".." in a pattern
    ("Read(../shared/**)", "allow", "/shared/notes.md", True),
    ("Read(../shared/**)", "allow", "/proj/shared/notes.md", False),
    ("Read(//a/b/../c)", "allow", "/a/c", True),
    # the path is normalised: ".." and duplicate slashes
    ("Read(./.env)", "allow", "/proj/a/../.env", True),
    ("Read(./.env)", "allow", "//proj//.env", True),
    ("Read(//etc/**)", "deny", "/proj/../etc/shadow", True),
    # case: allow exact, deny/ask also case-insensitive (case-insensitive filesystems)
    ("Read(.env)", "deny", "/proj/.ENV", True),
    ("Read(.env)", "ask", "/proj/sub/.Env", True),
    ("Read(.env)", "allow", "/proj/.ENV", False),
    ("Read(~/.SSH/**)", "deny", "/home/alice/.ssh/id_rsa", True),
    ("Read(//ETC/**)", "deny", "/etc/passwd", True),
    ("Read(file[A-C].txt)", "deny", "/proj/fileb.txt", True),
    ("Read(file[A-C].txt)", "allow", "/proj/fileb.txt", False),
    # Windows forms, for patterns and paths (REF §2.5, §11.3)
    ("Read(//c/Users/a/**)", "allow", "C:\\Users\\a\\x.txt", True),
    ("Read(C:\\Users\\a\\**)", "allow", "/c/Users/a/x.txt", True),
    ("Read(C:\\Users\\a\\**)", "allow", "C:/Users/a/x.txt", True),
    ("Read(C:\\Users\\a\\**)", "allow", "/c/Users/b/x.txt", False),
    ("Read(//c/**/.env)", "deny", "C:\\proj\\.env", True),
    ("Read(//c/**/.env)", "deny", "D:\\proj\\.env", False),
    ("Read(//**/.env)", "deny", "D:\\x\\.env", True),
    ("Read(//c/Users/**)", "deny", "\\\\?\\C:\\Users\\a", True),
    # unusable patterns: deny/ask still guard the literal path; allow approves nothing
    ("Read(x[a)", "deny", "/proj/x[a", True),
    ("Read(x[a)", "deny", "/proj/sub/x[a", True),
    ("Read(x[a)", "allow", "/proj/x[a", False),
    ("Read(//x/end\\)", "deny", "/x/end\\", True),
    ("Read(//x/end\\)", "allow", "/x/end\\", False),
    ("Read(x[[:nope:]])", "allow", "/proj/xn", False),
    # whitespace around segments: deny also reads the pattern without it [Warden]
    ("Read( ** /*key*)", "deny", "/proj/a/my_key.pem", True),
    ("Read( ** /*key*)", "allow", "/proj/a/my_key.pem", False),
    ("Write( ** /secrets/ ** )", "deny", "/proj/x/secrets/y", True),
    # "!" is not negation in Warden: a literal name that carves nothing out [Warden]
    ("Read(!sample.env)", "deny", "/proj/!sample.env", True),
    ("Read(!sample.env)", "deny", "/proj/sample.env", False),
]


@pytest.mark.parametrize(("text", "behavior", "path", "expected"), ROWS)
def test_path_matches(text: str, behavior: str, path: str, expected: bool) -> None:
    assert matches(text, behavior, path) is expected


ANCHOR_ROWS = [
    # rule, behavior, settings anchor, path, matches?  (REF §2.5: "/" per source)
    ("Read(/secrets/**)", "deny", USER, "/home/alice/.claude/secrets/k", True),
    ("Read(/secrets/**)", "deny", USER, "/proj/secrets/k", False),  # the common mistake
    ("Read(/secrets/**)", "deny", PROJECT, "/proj/secrets/k", True),
    ("Read(/policy.md)", "allow", SETTINGS_FILE_DIR, "/etc/team/policy.md", True),
    ("Read(/policy.md)", "allow", SETTINGS_FILE_DIR, "/proj/policy.md", False),
    # "./" and bare patterns ignore the settings anchor: always the cwd
    ("Read(secrets/**)", "deny", USER, "/proj/secrets/k", True),
    ("Read(./secrets/**)", "deny", USER, "/home/alice/.claude/secrets/k", False),
    ("Read(~/.aws/**)", "deny", USER, "/home/alice/.aws/credentials", True),
    ("Read(//**/.env)", "deny", USER, "/srv/app/.env", True),
]


@pytest.mark.parametrize(("text", "behavior", "anchor", "path", "expected"), ANCHOR_ROWS)
def test_slash_patterns_anchor_at_the_settings_source(
    text: str, behavior: str, anchor: Path, path: str, expected: bool
) -> None:
    assert matches(text, behavior, path, anchor=anchor) is expected


def test_bare_tool_rule_matches_every_path() -> None:
    rule = parse_rule("Read", "deny", anchor=PROJECT)
    assert path_matches(rule, Path("/anything"), cwd=CWD, home=HOME)


def test_dotdot_after_globstar_denies_more_and_allows_nothing() -> None:
    deny = _rule("a/**/../b", "deny")
    allow = _rule("a/**/../b", "allow")
    for path in ("/proj/b", "/proj/a/b", "/proj/a/x/b"):
        assert path_matches(deny, Path(path), cwd=CWD, home=HOME)
        assert not path_matches(allow, Path(path), cwd=CWD, home=HOME)


def test_windows_cwd_and_home() -> None:
    rule = parse_rule("Read(.env)", "deny", anchor=Path("C:\\proj"))
    assert path_matches(rule, Path("C:\\proj\\a\\.env"), cwd=Path("C:\\proj"),
                        home=Path("C:\\Users\\a"))
    assert not path_matches(rule, Path("C:\\other\\.env"), cwd=Path("C:\\proj"),
                            home=Path("C:\\Users\\a"))


def test_posix_form() -> None:
    assert posix_form("C:\\Users\\a") == "/c/Users/a"
    assert posix_form("/a//b/./c/../d/") == "/a/b/d"
    assert posix_form("//server/x") == "/server/x"
    assert posix_form("/..") == "/"


def test_many_wildcards_do_not_backtrack_exponentially() -> None:
    segment = "*a" * 30 + "b"
    rule = parse_rule(f"Read(//**/{segment}/**/" + "**/x/" * 20 + "y)", "deny",
                      anchor=PROJECT)
    path = Path("/" + "/".join(["a" * 200] * 60))
    start = time.perf_counter()
    assert not path_matches(rule, path, cwd=CWD, home=HOME)
    assert time.perf_counter() - start < 2.0


# -- symlinks (REF §2.5: allow needs every view, deny any) -------------------------------------


def test_symlink_views(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "f").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(real)
    real_f = Path(os.path.realpath(real / "f"))
    assert symlink_views(real_f) == (real_f,)
    views = symlink_views(link / "f")
    assert views[0] == link / "f"
    assert Path(os.path.realpath(real / "f")) in views
    assert len(views) == 2
    assert symlink_views(Path(str(tmp_path) + "//real/./f"))[0] == real / "f"


def test_link_into_a_denied_directory_is_denied_and_not_allowed(tmp_path: Path) -> None:
    """REF's example: ``Read(./project/**)`` allowed, ``Read(~/.ssh/**)`` denied,
    ``./project/key → ~/.ssh/id_rsa`` is blocked."""
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    (cwd / "project").mkdir(parents=True)
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("key")
    link = cwd / "project" / "key"
    link.symlink_to(home / ".ssh" / "id_rsa")
    allow = parse_rule("Read(./project/**)", "allow", anchor=cwd)
    deny = parse_rule("Read(~/.ssh/**)", "deny", anchor=cwd)
    views = symlink_views(link)
    assert len(views) == 2
    assert not all(path_matches(allow, v, cwd=cwd, home=home) for v in views)
    assert any(path_matches(deny, v, cwd=cwd, home=home) for v in views)


def test_dotdot_through_a_symlink_is_checked_physically(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "elsewhere" / "deep").mkdir(parents=True)
    (tmp_path / "proj" / "link").symlink_to(tmp_path / "elsewhere" / "deep")
    views = symlink_views(tmp_path / "proj" / "link" / ".." / "secret")
    assert tmp_path / "proj" / "secret" in views
    assert Path(os.path.realpath(tmp_path / "elsewhere")) / "secret" in views


# -- properties ----------------------------------------------------------------------------------

_SEGMENTS = ["a", "b", "A", "src", ".env", "*", "**", "***", "?", "[ab]", "[!a]", "*.py", "x*",
             ".", "..", "..", " a", "\\*", "[a", "~", "[[:alpha:]]"]
_PREFIXES = ["", "./", "/", "//", "~/", "../", "C:\\"]
_PATH_SEGMENTS = ["proj", "home", "alice", "a", "b", "A", "src", ".env", "x.py", "*", "[a",
                  "etc", ".claude", "secrets"]


@st.composite
def patterns(draw: st.DrawFn) -> str:
    segments = draw(st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=5))
    text = draw(st.sampled_from(_PREFIXES)) + "/".join(segments)
    if draw(st.booleans()):
        text += "/"
    return text


@st.composite
def paths(draw: st.DrawFn) -> str:
    start = draw(st.sampled_from(["/proj", "/home/alice", "", "/home/alice/.claude"]))
    rest = draw(st.lists(st.sampled_from(_PATH_SEGMENTS), max_size=5))
    return start + "/" + "/".join(rest)


def _rule(spec: str, behavior: str, anchor: Path = PROJECT) -> Rule:
    return Rule(text=f"Read({spec})", behavior=behavior, tool="Read",  # type: ignore[arg-type]
                specifier=spec, kind="path", anchor=anchor)


@given(patterns(), paths())
@settings(max_examples=1500, deadline=None)
def test_deny_is_never_narrower_than_allow(spec: str, path: str) -> None:
    """For any pattern and path: an allow match implies a deny (and ask) match."""
    p = Path(path)
    if path_matches(_rule(spec, "allow"), p, cwd=CWD, home=HOME):
        assert path_matches(_rule(spec, "deny"), p, cwd=CWD, home=HOME)
        assert path_matches(_rule(spec, "ask"), p, cwd=CWD, home=HOME)


@given(st.text(max_size=30), st.text(max_size=40))
@settings(max_examples=800, deadline=None)
def test_deny_is_never_narrower_than_allow_on_arbitrary_text(spec: str, path: str) -> None:
    p = Path("/proj/" + path)
    if path_matches(_rule(spec, "allow"), p, cwd=CWD, home=HOME):
        assert path_matches(_rule(spec, "deny"), p, cwd=CWD, home=HOME)


@given(st.text(max_size=40), st.text(max_size=60), st.sampled_from(["allow", "ask", "deny"]))
@settings(max_examples=800, deadline=None)
def test_path_matches_never_raises(spec: str, path: str, behavior: str) -> None:
    assert path_matches(_rule(spec, behavior), Path("/" + path), cwd=CWD, home=HOME) in (
        True, False)


@given(patterns(), st.text(max_size=60), st.sampled_from(["allow", "deny"]))
@settings(max_examples=500, deadline=None)
def test_path_matches_never_raises_on_glob_shaped_patterns(spec: str, path: str,
                                                           behavior: str) -> None:
    for candidate in (path, "/" + path, "C:\\" + path):
        path_matches(_rule(spec, behavior), Path(candidate), cwd=CWD, home=HOME)


@given(st.lists(st.sampled_from(_PATH_SEGMENTS[:-2]), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_a_literal_path_rule_matches_its_own_path(segments: list[str]) -> None:
    """An escaped, absolute rule (what "always allow" saves) matches exactly that path."""
    path = "/" + "/".join(segments)
    escaped = "".join("\\" + ch if ch in "[]*?\\" else ch for ch in path)
    spec = "//" + escaped.lstrip("/")
    assert path_matches(_rule(spec, "allow"), Path(path), cwd=CWD, home=HOME)
    assert not path_matches(_rule(spec, "allow"), Path(path + "x"), cwd=CWD, home=HOME)
