"""Where the local settings file lives (REF §1.2 "Where the local file lives").

At the git repository root, resolved through worktrees to the main checkout; in the start
directory outside a repository, when the root is the home directory, on Windows, or when the
root, its ``.git`` or its ``.claude`` is not the user's.  The start directory's file of older
versions is still read; path-anchored rules still resolve from the start directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tui.settings import load_settings
from tui.settings.model import SettingsSource
from tui.settings.paths import (
    anchor_for,
    discover_sources,
    local_settings_path,
    repository_root,
    start_local_settings_path,
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's git configuration and home out of these tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout


def fake_repo(root: Path) -> Path:
    """A directory git would accept as a checkout (HEAD, objects, refs), without running git."""
    dotgit = root / ".git"
    (dotgit / "objects").mkdir(parents=True)
    (dotgit / "refs").mkdir()
    (dotgit / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home")}


# -- placement ----------------------------------------------------------------------------------


def test_outside_a_repository_it_stays_in_the_start_directory(tmp_path: Path) -> None:
    start = tmp_path / "plain" / "sub"
    start.mkdir(parents=True)
    assert repository_root(start, env_for(tmp_path)) is None
    assert local_settings_path(start, env_for(tmp_path)) == start / ".claude" / \
        "settings.local.json"
    assert start_local_settings_path(start) == start / ".claude" / "settings.local.json"


def test_in_a_subdirectory_it_is_at_the_repository_root(tmp_path: Path) -> None:
    root = fake_repo(tmp_path / "repo")
    start = root / "pkg" / "api"
    start.mkdir(parents=True)
    assert local_settings_path(start, env_for(tmp_path)) == \
        Path(os.path.realpath(root)) / ".claude" / "settings.local.json"
    assert local_settings_path(root, env_for(tmp_path)) == root / ".claude" / \
        "settings.local.json"


def test_on_windows_it_stays_in_the_start_directory(tmp_path: Path) -> None:
    start = fake_repo(tmp_path / "repo") / "pkg"
    start.mkdir()
    assert local_settings_path(start, env_for(tmp_path), platform="win32") == \
        start_local_settings_path(start)


def test_a_repository_at_the_home_directory_is_not_used(tmp_path: Path) -> None:
    home = fake_repo(tmp_path / "home")  # a dotfiles repository
    start = home / "projects" / "x"
    start.mkdir(parents=True)
    assert repository_root(start, env_for(tmp_path)) == Path(os.path.realpath(home))
    assert local_settings_path(start, {"HOME": str(home)}) == start_local_settings_path(start)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user needs root (chown)")
@pytest.mark.parametrize("whose", ["root", ".git", ".claude", ".claude target"])
def test_something_not_owned_by_the_user_keeps_it_in_the_start_directory(
        tmp_path: Path, whose: str) -> None:
    root = fake_repo(tmp_path / "repo")
    start = root / "pkg"
    start.mkdir()
    if whose == ".claude target":
        other = tmp_path / "elsewhere"
        other.mkdir()
        (root / ".claude").symlink_to(other)
        strange = other  # the link is the user's, what it points at is not
    else:
        (root / ".claude").mkdir()
        strange = {"root": root, ".git": root / ".git", ".claude": root / ".claude"}[whose]
    expected_root = Path(os.path.realpath(root)) / ".claude" / "settings.local.json"
    assert local_settings_path(start, env_for(tmp_path)) == expected_root
    os.chown(strange, 4242, -1)
    assert local_settings_path(start, env_for(tmp_path)) == start_local_settings_path(start)


def test_a_root_owned_by_someone_else_keeps_it_in_the_start_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs as any user: seen from another user id, nothing in the repository is theirs."""
    root = fake_repo(tmp_path / "repo")
    start = root / "pkg"
    start.mkdir()
    assert local_settings_path(start, env_for(tmp_path)) != start_local_settings_path(start)
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 4242)
    assert local_settings_path(start, env_for(tmp_path)) == start_local_settings_path(start)


def test_a_missing_claude_directory_is_fine_but_a_missing_git_is_not(tmp_path: Path) -> None:
    root = fake_repo(tmp_path / "repo")
    start = root / "pkg"
    start.mkdir()
    assert not (root / ".claude").exists()
    assert local_settings_path(start, env_for(tmp_path)).parent.parent == \
        Path(os.path.realpath(root))


def test_git_variables_do_not_move_it(tmp_path: Path) -> None:
    root = fake_repo(tmp_path / "repo")
    other = fake_repo(tmp_path / "other")
    start = root / "pkg"
    start.mkdir()
    env = {**env_for(tmp_path), "GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)}
    assert local_settings_path(start, env).parent.parent == Path(os.path.realpath(root))


@needs_git
def test_a_worktree_resolves_to_the_main_checkout(tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    git(main, "init", "-q")
    (main / "f").write_text("x")
    git(main, "add", "f")
    git(main, "commit", "-q", "-m", "init")
    wt = tmp_path / "wt"
    git(main, "worktree", "add", "-q", str(wt))
    (wt / "sub").mkdir()
    expected = Path(os.path.realpath(main)) / ".claude" / "settings.local.json"
    assert local_settings_path(wt, env_for(tmp_path)) == expected
    assert local_settings_path(wt / "sub", env_for(tmp_path)) == expected


@needs_git
def test_a_submodule_is_its_own_repository(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    git(lib, "init", "-q")
    (lib / "f").write_text("x")
    git(lib, "add", "f")
    git(lib, "commit", "-q", "-m", "init")
    sup = tmp_path / "super"
    sup.mkdir()
    git(sup, "init", "-q")
    git(sup, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "lib")
    (sup / "lib" / "src").mkdir()
    assert (sup / "lib" / ".git").is_file()
    assert local_settings_path(sup / "lib" / "src", env_for(tmp_path)) == \
        Path(os.path.realpath(sup / "lib")) / ".claude" / "settings.local.json"


# -- reading both files --------------------------------------------------------------------------


def test_both_local_files_are_listed_root_first(tmp_path: Path) -> None:
    root = fake_repo(tmp_path / "repo")
    start = root / "pkg"
    start.mkdir()
    env = {**env_for(tmp_path), "WARDEN_CONFIG_DIR": str(tmp_path / "user"),
           "WARDEN_MANAGED_DIR": str(tmp_path / "managed")}
    local = [s.path for s in discover_sources(start, env) if s.scope == "local"]
    assert local == [Path(os.path.realpath(root)) / ".claude" / "settings.local.json",
                     start / ".claude" / "settings.local.json"]
    at_root = [s.path for s in discover_sources(root, env) if s.scope == "local"]
    assert at_root == [root / ".claude" / "settings.local.json"]


def test_rules_from_both_apply_and_the_root_wins_for_scalars(tmp_path: Path) -> None:
    root = fake_repo(tmp_path / "repo")
    start = root / "pkg"
    (start / ".claude").mkdir(parents=True)
    (root / ".claude").mkdir()
    (root / ".claude" / "settings.local.json").write_text(json.dumps({
        "model": "from-root", "permissions": {"allow": ["Bash(make test)"]}}))
    (start / ".claude" / "settings.local.json").write_text(json.dumps({
        "model": "from-start", "permissions": {"allow": ["Edit(/src/**)"],
                                               "deny": ["Read(secret.txt)"]}}))
    settings = load_settings(start, env={**os.environ, **env_for(tmp_path)})
    rules = [(r.behavior, r.text, r.source.path) for r in settings.rules]
    root_file = Path(os.path.realpath(root)) / ".claude" / "settings.local.json"
    start_file = start / ".claude" / "settings.local.json"
    assert ("allow", "Bash(make test)", root_file) in rules
    assert ("allow", "Edit(/src/**)", start_file) in rules
    assert ("deny", "Read(secret.txt)", start_file) in rules
    assert settings.merged["model"] == "from-root"
    # Path-anchored rules of both files resolve from the start directory.
    anchors = {r.text: r.anchor for r in settings.rules}
    assert anchors["Edit(/src/**)"] == start
    assert anchors["Bash(make test)"] == start
    assert anchor_for(SettingsSource("local", root_file), start) == start
