"""tui.permissions.protected: bare-repository markers are git configuration (family 8), while a
project's ``config/`` directory or ``src/config.py`` stay ordinary files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.permissions.protected import bare_repo_reason, protected_reason


def git_like(path: Path, *markers: str) -> Path:
    """A directory holding some of HEAD (file), objects/, refs/."""
    path.mkdir(parents=True, exist_ok=True)
    for m in markers:
        if m == "HEAD":
            (path / "HEAD").write_text("ref: refs/heads/main\n")
        else:
            (path / m).mkdir()
    return path


@pytest.mark.parametrize("rel", ["HEAD", "refs/heads/x", "objects/ab/cdef", "packed-refs",
                                 "Head", "REFS/x", "objects"])
def test_markers_at_a_working_directory_root_are_protected(tmp_path: Path, rel: str) -> None:
    """HEAD, refs/*, objects/*, packed-refs at the root of a working directory (any case)
    would start a bare repository there: protected even in an empty folder."""
    assert bare_repo_reason(tmp_path / rel, [tmp_path]) is not None


@pytest.mark.parametrize("rel", ["config/app.yml", "src/config.py", "config", "hooks/useX.ts",
                                 "src/HEAD", "docs/refs/a.md", "info/readme", "commondir"])
def test_ordinary_project_files_are_not_protected(tmp_path: Path, rel: str) -> None:
    """A project's config/ directory, src/config.py, a root ``config`` file, hooks/ or a
    nested HEAD in a folder with no git markers: not protected (no false positives)."""
    (tmp_path / "src").mkdir()
    assert bare_repo_reason(tmp_path / rel, [tmp_path]) is None
    assert protected_reason(str(tmp_path / rel)) is None


@pytest.mark.parametrize("rel", ["HEAD", "config", "packed-refs", "commondir", "gitdir",
                                 "hooks/post-checkout", "objects/ab/cd", "refs/heads/m"])
def test_files_of_an_existing_bare_repository_are_protected(tmp_path: Path, rel: str) -> None:
    """In sub/ holding objects/ and refs/ (a nested, near-complete git directory), config, HEAD,
    hooks and the rest are git configuration."""
    sub = git_like(tmp_path / "sub", "objects", "refs")
    assert bare_repo_reason(sub / rel, [tmp_path]) is not None


def test_second_marker_is_protected_first_is_not(tmp_path: Path) -> None:
    """sub/ with refs/ only: writing objects/x (the second marker) asks; config does not yet
    (completing HEAD+objects+refs always needs a write that asks)."""
    sub = git_like(tmp_path / "sub", "refs")
    assert bare_repo_reason(sub / "objects" / "x", [tmp_path]) is not None
    assert bare_repo_reason(sub / "config", [tmp_path]) is None
    git_like(sub, "HEAD")
    assert bare_repo_reason(sub / "config" / "x.yml", [tmp_path]) is None
    assert bare_repo_reason(sub / "config", [tmp_path]) is not None


def test_pending_writes_of_the_same_command_count(tmp_path: Path) -> None:
    """``mkdir -p sub/objects sub/refs``: each marker is protected given the other pending."""
    sub = tmp_path / "sub"
    pending = [sub / "objects", sub / "refs"]
    assert bare_repo_reason(sub / "objects", [tmp_path]) is None
    assert bare_repo_reason(sub / "objects", [tmp_path], pending) is not None


def test_git_file_at_any_depth_stays_protected(tmp_path: Path) -> None:
    """The pure check still protects a ``.git`` file or directory anywhere (gitdir: redirects)."""
    assert protected_reason(str(tmp_path / "a" / "b" / ".git")) is not None
    assert protected_reason(str(tmp_path / ".git" / "modules" / "m" / "config")) is not None
    assert protected_reason(str(tmp_path / ".git" / "worktrees" / "w" / "commondir")) is not None


def test_the_protected_list_has_one_home_and_the_sandbox_derives_its_subset() -> None:
    """Issue 12 item 2: the sandbox's read-only names come from the permission layer's list,
    by kind, and every one of them is protected there too."""
    from tui.permissions.protected import (
        PROTECTED_DIR_KINDS,
        PROTECTED_DIRS,
        PROTECTED_FILE_KINDS,
        PROTECTED_FILES,
        protected_reason,
    )
    from tui.sandbox import policy

    assert set(policy.PROTECTED_TOP_FILES) <= PROTECTED_FILES
    assert set(policy.PROTECTED_TOP_DIRS) <= PROTECTED_DIRS
    assert set(policy.SANDBOX_FILE_KINDS) <= set(PROTECTED_FILE_KINDS)
    assert set(policy.SANDBOX_DIR_KINDS) <= set(PROTECTED_DIR_KINDS)
    assert policy.NESTED_NAMES <= PROTECTED_DIRS | PROTECTED_FILES
    for name in policy.PROTECTED_TOP_FILES:
        assert protected_reason(f"/p/{name}") == f"{name} is a protected file"
