"""tui.pathutil: absolute paths, lexical and real containment, each with one meaning."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.pathutil import absolute, lexically_inside, really_inside


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``project/src/a.py``, ``outside/secret``, and links in the project:
    ``project/out -> outside`` and ``project/src/up -> project``."""
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "a.py").write_text("x")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_text("s")
    (project / "out").symlink_to(tmp_path / "outside")
    (project / "src" / "up").symlink_to(project)
    return tmp_path


# -- absolute ---------------------------------------------------------------------------------


def test_absolute_joins_and_folds_without_io(tmp_path: Path) -> None:
    cwd = tmp_path / "w"
    assert absolute("a/./b//c/", cwd) == cwd / "a" / "b" / "c"
    assert absolute("a/../../x", cwd) == tmp_path / "x"
    assert absolute("/etc/../usr", cwd) == Path("/usr")
    assert absolute("", cwd) == cwd
    assert absolute(Path("rel"), str(cwd)) == cwd / "rel"


def test_absolute_expands_home_and_keeps_unknown_users(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert absolute("~", "/w") == tmp_path / "home"
    assert absolute("~/notes", "/w") == tmp_path / "home" / "notes"
    assert absolute("~no-such-user-xq/f", "/w") == Path("/w/~no-such-user-xq/f")


def test_absolute_does_not_resolve_symlinks(tree: Path) -> None:
    assert absolute("project/out/secret", tree) == tree / "project" / "out" / "secret"
    # ".." is folded as text, not taken from the link's target as the kernel would
    assert absolute("project/out/..", tree) == tree / "project"


def test_absolute_keeps_a_leading_double_slash() -> None:
    assert str(absolute("//srv/x", "/w")) == "//srv/x"
    assert str(absolute("///srv/x", "/w")) == "/srv/x"


# -- lexically_inside -------------------------------------------------------------------------


def test_lexically_inside_basic_and_component_wise() -> None:
    assert lexically_inside("/p", "/p")
    assert lexically_inside("/p/src/a.py", "/p")
    assert lexically_inside(Path("/p/src"), Path("/p/"))
    assert lexically_inside("/p/", "/p")
    assert not lexically_inside("/project", "/pro")
    assert not lexically_inside("/p", "/p/src")
    assert lexically_inside("/anything", "/")


def test_lexically_inside_takes_several_roots_and_none() -> None:
    assert lexically_inside("/b/x", "/a", "/b")
    assert not lexically_inside("/c/x", "/a", "/b")
    assert not lexically_inside("/a")


def test_dot_dot_is_folded_before_comparing() -> None:
    # The old Path.parents test said "/p/.." was inside "/p"; folded, it is "/".
    assert not lexically_inside("/p/..", "/p")
    assert not lexically_inside("/p/../etc/passwd", "/p")
    assert not lexically_inside("/p/src/../../etc", "/p")
    assert lexically_inside("/p/src/../lib/x", "/p")
    assert lexically_inside("/p/x", "/p/src/..")
    assert lexically_inside("/p/./src//a", "/p/src")


def test_lexically_inside_does_not_follow_symlinks(tree: Path) -> None:
    project = tree / "project"
    assert lexically_inside(project / "out" / "secret", project)
    assert not lexically_inside(tree / "outside" / "secret", project)


def test_lexically_inside_is_case_sensitive() -> None:
    assert not lexically_inside("/P/x", "/p")


def test_double_slash_is_a_root_of_its_own() -> None:
    assert not lexically_inside("//x", "/")
    assert not lexically_inside("/x", "//")
    assert lexically_inside("//x/y", "//x")
    assert lexically_inside("///x", "/")  # three or more slashes are "/"


def test_relative_paths_compare_as_text() -> None:
    assert lexically_inside("a/b", "a")
    assert not lexically_inside("a", "/")
    assert not lexically_inside("/a", "a")
    assert lexically_inside(".", ".") and not lexically_inside("a", ".")


def test_non_existent_paths_are_fine(tmp_path: Path) -> None:
    assert lexically_inside(tmp_path / "no" / "such", tmp_path)
    assert really_inside(tmp_path / "no" / "such", tmp_path)
    assert not really_inside(tmp_path / "no" / ".." / ".." / "x", tmp_path)


# -- really_inside ----------------------------------------------------------------------------


def test_really_inside_follows_a_link_out_of_the_project(tree: Path) -> None:
    project = tree / "project"
    assert not really_inside(project / "out" / "secret", project)
    assert not really_inside(project / "out", project)
    assert really_inside(project / "src" / "a.py", project)


def test_really_inside_takes_dot_dot_after_the_link_as_the_kernel(tree: Path) -> None:
    project = tree / "project"
    # project/out/.. is the parent of "outside" for the kernel: tree itself, not the project
    assert not really_inside(project / "out" / "..", project)
    assert lexically_inside(project / "out" / "..", project)
    # project/src/up/.. is project/.. = tree for the kernel
    assert not really_inside(project / "src" / "up" / "..", project)
    assert really_inside(project / "src" / "up" / "src", project)


def test_really_inside_resolves_a_symlinked_root(tree: Path) -> None:
    alias = tree / "alias"
    alias.symlink_to(tree / "project")
    assert really_inside(tree / "project" / "src", alias)
    assert really_inside(alias / "src", tree / "project")
    assert not lexically_inside(tree / "project" / "src", alias)


def test_really_inside_a_link_from_outside_pointing_in(tree: Path) -> None:
    inward = tree / "outside" / "in"
    inward.symlink_to(tree / "project" / "src")
    assert really_inside(inward / "a.py", tree / "project")
    assert not lexically_inside(inward / "a.py", tree / "project")


def test_really_inside_survives_a_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert really_inside(loop / "x", tmp_path)
    assert not really_inside(loop / "x", tmp_path / "other")


def test_really_inside_folds_double_slash_as_linux(tmp_path: Path) -> None:
    assert really_inside("//" + str(tmp_path).lstrip("/") + "/f", tmp_path)


def test_relative_path_is_taken_from_the_process_cwd(tree: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree / "project")
    assert really_inside("src/a.py", tree / "project")
    assert not really_inside("out/secret", tree / "project")
    assert os.getcwd() == str(tree / "project")


# -- the engine's "inside the working directories": both meanings at once ---------------------


def test_engine_is_inside_needs_both_meanings(tree: Path) -> None:
    from tui.permissions.engine import is_inside

    project = tree / "project"
    alias = tree / "alias"
    alias.symlink_to(project)
    inward = tree / "outside" / "in"
    inward.symlink_to(project / "src")
    assert is_inside(project / "src" / "a.py", (project,))
    assert not is_inside(project / "out" / "secret", (project,)), "link inside pointing out"
    assert not is_inside(inward / "a.py", (project,)), "link outside pointing in"
    assert is_inside(project / "src", (alias,)), "a root reached through a symlink"
    assert not is_inside(alias / "src", (project,)), "written outside, though it resolves in"
    assert not is_inside(project / ".." / "outside", (project,))
