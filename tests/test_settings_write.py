"""Writing rules back to settings files, and git-ignoring the local file (SPEC §1)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tui.settings import load_settings
from tui.settings.gitignore import (
    IGNORE_LINE,
    ensure_local_settings_ignored,
    global_excludes_file,
)
from tui.settings.writer import (
    SettingsWriteError,
    add_rule,
    move_rule,
    remove_rule,
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's git configuration out of these tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_add_rule_creates_directory_and_file(tmp_path: Path) -> None:
    path = tmp_path / "proj" / ".claude" / "settings.local.json"
    assert add_rule(path, "allow", "Bash(npm test)") is True
    assert path.read_text() == ('{\n  "permissions": {\n    "allow": [\n      "Bash(npm test)"\n'
                                '    ]\n  }\n}\n')
    assert add_rule(path, "allow", "Bash(npm test)") is False
    assert add_rule(path, "deny", "WebFetch") is True
    loaded = load_settings(tmp_path / "proj")
    assert [(r.behavior, r.text, r.source.scope) for r in loaded.rules] == [
        ("allow", "Bash(npm test)", "local"), ("deny", "WebFetch", "local")]
    assert [p.name for p in path.parent.iterdir()] == ["settings.local.json"]  # no temp files


def test_add_rule_keeps_every_other_key_and_their_order(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    original = {"$schema": "https://json.schemastore.org/claude-code-settings.json",
                "model": "opus", "permissions": {"deny": ["Read(.env)"], "allow": ["Read"],
                                                 "defaultMode": "plan"},
                "env": {"Z": "1", "A": "é"}, "hooks": {}}
    path.write_text(json.dumps(original, indent=4))
    assert add_rule(path, "allow", "Edit(/src/**)")
    data = json.loads(path.read_text())
    assert list(data) == list(original)
    assert list(data["permissions"]) == ["deny", "allow", "defaultMode"]
    assert data["permissions"]["allow"] == ["Read", "Edit(/src/**)"]
    assert data["env"] == {"Z": "1", "A": "é"}
    # Unchanged parts keep their text (here the original's \u escape); a newline ends the file.
    assert '"A": "\\u00e9"' in path.read_text() and path.read_text().endswith("}\n")


@pytest.mark.parametrize("text, fragment", [
    ('{\n  // mine\n  "model": "x"\n}\n', "remove the comment at line 2"),
    ('{"model": "x",}', "trailing comma"),
    ('{"permissions": {"allow": "Read"}}', "permissions.allow is not a list"),
    ('{"permissions": []}', '"permissions" is not an object'),
    ('[1, 2]', "top level is not a JSON object"),
    ('{"model": "a", "model": "b"}', 'the key "model" appears twice'),
    ('{"cleanupPeriodDays": NaN}', "is not plain JSON"),
])
def test_add_rule_never_rewrites_a_file_it_cannot_parse(tmp_path: Path, text: str,
                                                        fragment: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(SettingsWriteError, match="nothing was changed") as info:
        add_rule(path, "allow", "Read")
    assert fragment in str(info.value) and str(path) in str(info.value)
    assert path.read_text() == text


def test_blank_file_is_treated_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("\n")
    assert add_rule(path, "ask", "Bash(git push *)")
    assert json.loads(path.read_text()) == {"permissions": {"ask": ["Bash(git push *)"]}}


def test_write_keeps_mode_line_endings_and_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_bytes(b'{\r\n  "model": "x"\r\n}\r\n')
    os.chmod(real, 0o600)
    link = tmp_path / "home" / ".claude" / "settings.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    assert add_rule(link, "deny", "WebFetch")
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    raw = real.read_bytes()
    assert raw.endswith(b"}\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert json.loads(raw)["permissions"]["deny"] == ["WebFetch"]


def test_new_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    add_rule(path, "allow", "Read")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_remove_and_move_rule(tmp_path: Path) -> None:
    local = tmp_path / ".claude" / "settings.local.json"
    project = tmp_path / ".claude" / "settings.json"
    add_rule(local, "allow", "Read")
    add_rule(local, "allow", "Edit")
    assert remove_rule(local, "allow", "Nope") is False
    assert remove_rule(tmp_path / "missing.json", "allow", "Read") is False
    assert move_rule(local, project, "allow", "Edit") is True
    assert json.loads(local.read_text()) == {"permissions": {"allow": ["Read"]}}
    assert json.loads(project.read_text()) == {"permissions": {"allow": ["Edit"]}}
    assert move_rule(local, project, "deny", "Read") is False
    assert remove_rule(local, "allow", "Read") is True
    assert json.loads(local.read_text()) == {"permissions": {"allow": []}}


def test_move_rule_checks_both_files_before_writing(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    dst = tmp_path / "b.json"
    src.write_text('{"permissions": {"allow": ["Read"]}}')
    dst.write_text("{oops")
    with pytest.raises(SettingsWriteError):
        move_rule(src, dst, "allow", "Read")
    assert json.loads(src.read_text()) == {"permissions": {"allow": ["Read"]}}
    assert dst.read_text() == "{oops"


def test_managed_settings_are_read_only() -> None:
    managed = Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json"
    with pytest.raises(SettingsWriteError, match="read-only"):
        add_rule(managed, "allow", "Read")
    assert not managed.exists()


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        add_rule(tmp_path / "s.json", "permit", "Read")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        add_rule(tmp_path / "s.json", "allow", " ")


# ------------------------------------------------------------------ git ignore
# REF §1.2: the first write of the local file in a repository that does not ignore it appends
# "**/.claude/settings.local.json" to the user's global excludes file.  HOME, XDG_CONFIG_HOME
# and GIT_CONFIG_GLOBAL are moved into tmp_path: the real home is never touched.


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return h


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q")
    return path


def test_not_a_repository(tmp_path: Path, home: Path) -> None:
    local = tmp_path / ".claude" / "settings.local.json"
    assert ensure_local_settings_ignored(local, tmp_path) is None
    assert not (home / ".config").exists()


def test_git_missing_counts_as_not_a_repository(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert ensure_local_settings_ignored(tmp_path / ".claude" / "settings.local.json",
                                         tmp_path) is None


@needs_git
def test_adds_the_pattern_to_the_global_excludes_file(tmp_path: Path, home: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    local = repo / ".claude" / "settings.local.json"
    add_rule(local, "allow", "Read")
    info_exclude = repo / ".git" / "info" / "exclude"
    before = info_exclude.read_text() if info_exclude.exists() else None
    message = ensure_local_settings_ignored(local, repo)
    ignore = home / ".config" / "git" / "ignore"
    assert message == f"added {IGNORE_LINE} to {ignore} so git ignores your personal settings"
    assert ignore.read_text() == "**/.claude/settings.local.json\n"
    assert (info_exclude.read_text() if info_exclude.exists() else None) == before
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert ensure_local_settings_ignored(local, repo) is None  # now ignored: nothing to do
    other = new_repo(tmp_path / "other")  # the one line covers every repository
    add_rule(other / "deep" / ".claude" / "settings.local.json", "allow", "Read")
    assert ensure_local_settings_ignored(other / "deep" / ".claude" / "settings.local.json",
                                         other / "deep") is None
    assert ignore.read_text() == "**/.claude/settings.local.json\n"


@needs_git
def test_xdg_config_home_is_used_and_existing_lines_are_kept(
        tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    ignore = xdg / "git" / "ignore"
    ignore.parent.mkdir(parents=True)
    ignore.write_text("*.swp\n.DS_Store")  # no newline at the end
    ignore.chmod(0o600)
    repo = new_repo(tmp_path / "repo")
    local = repo / ".claude" / "settings.local.json"
    add_rule(local, "allow", "Read")
    assert global_excludes_file(repo) == ignore
    assert ensure_local_settings_ignored(local, repo) is not None
    assert ignore.read_text() == "*.swp\n.DS_Store\n**/.claude/settings.local.json\n"
    assert stat.S_IMODE(ignore.stat().st_mode) == 0o600
    assert not (home / ".config").exists()


@needs_git
@pytest.mark.parametrize("value", ["~/my-ignores", "ABSOLUTE"])
def test_core_excludes_file_when_absolute_or_home_relative(
        tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    target = home / "my-ignores" if value.startswith("~") else tmp_path / "abs" / "ignores"
    written = str(target) if value == "ABSOLUTE" else value
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f"[core]\n\texcludesFile = {written}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    repo = new_repo(tmp_path / "repo")
    local = repo / ".claude" / "settings.local.json"
    add_rule(local, "allow", "Read")
    assert global_excludes_file(repo) == target
    assert ensure_local_settings_ignored(local, repo) is not None
    assert target.read_text() == "**/.claude/settings.local.json\n"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


@needs_git
def test_a_relative_core_excludes_file_falls_back_to_the_xdg_default(
        tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[core]\n\texcludesFile = relative/ignores\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    repo = new_repo(tmp_path / "repo")
    assert global_excludes_file(repo) == home / ".config" / "git" / "ignore"


@needs_git
def test_the_repository_config_cannot_choose_the_file(tmp_path: Path, home: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    planted = tmp_path / "victim"
    git(repo, "config", "core.excludesFile", str(planted))
    assert global_excludes_file(repo) == home / ".config" / "git" / "ignore"
    local = repo / ".claude" / "settings.local.json"
    add_rule(local, "allow", "Read")
    ensure_local_settings_ignored(local, repo)
    assert not planted.exists()


@needs_git
def test_already_ignored_subdirectory_and_tracked(tmp_path: Path, home: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "pkg").mkdir()
    (repo / ".gitignore").write_text("settings.local.json\n")
    assert ensure_local_settings_ignored(repo / ".claude" / "settings.local.json", repo) is None
    assert not (home / ".config").exists()
    (repo / ".gitignore").unlink()
    sub_local = repo / "pkg" / ".claude" / "settings.local.json"
    add_rule(sub_local, "allow", "Read")
    message = ensure_local_settings_ignored(sub_local, repo / "pkg")
    assert message is not None
    assert IGNORE_LINE in (home / ".config" / "git" / "ignore").read_text().splitlines()
    # A tracked local file cannot be ignored: say so instead.
    tracked = repo / ".claude" / "settings.local.json"
    add_rule(tracked, "allow", "Read")
    git(repo, "add", "-f", ".claude/settings.local.json")
    message = ensure_local_settings_ignored(tracked, repo)
    assert message is not None and "tracked by git" in message


@needs_git
def test_a_worktree_session_ignores_the_main_checkouts_file(tmp_path: Path, home: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    git(repo, "commit", "-q", "-m", "init")
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(wt))
    from tui.settings.paths import local_settings_path

    local = local_settings_path(wt)
    assert local.parent.parent == Path(os.path.realpath(repo))
    add_rule(local, "allow", "Read")
    message = ensure_local_settings_ignored(local, wt)
    assert message is not None
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (wt / ".git").is_dir()  # a worktree's .git is a file; it was left alone


@needs_git
def test_an_unreadable_excludes_file_is_an_error_and_left_alone(
        tmp_path: Path, home: Path) -> None:
    ignore = home / ".config" / "git" / "ignore"
    ignore.parent.mkdir(parents=True)
    ignore.write_bytes(b"caf\xe9\n")  # not UTF-8: rewriting it could change it
    repo = new_repo(tmp_path / "repo")
    local = repo / ".claude" / "settings.local.json"
    add_rule(local, "allow", "Read")
    with pytest.raises(SettingsWriteError):
        ensure_local_settings_ignored(local, repo)
    assert ignore.read_bytes() == b"caf\xe9\n"


def test_set_value_keeps_other_keys_and_creates_objects(tmp_path) -> None:
    import json as _json

    from tui.settings.writer import set_value

    path = tmp_path / ".claude" / "settings.local.json"
    path.parent.mkdir()
    path.write_text(_json.dumps({"model": "m", "permissions": {"allow": ["Bash(ls *)"]}}))
    assert set_value(path, ("sandbox", "enabled"), True) is True
    assert set_value(path, ("sandbox", "enabled"), True) is False
    data = _json.loads(path.read_text())
    assert data == {"model": "m", "permissions": {"allow": ["Bash(ls *)"]},
                    "sandbox": {"enabled": True}}
