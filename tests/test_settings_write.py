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
from tui.settings.gitignore import ensure_local_settings_ignored
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
    assert path.read_text() == '{\n  "permissions": {\n    "allow": [\n      "Bash(npm test)"\n' \
                               '    ]\n  }\n}\n'
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


def test_not_a_repository(tmp_path: Path) -> None:
    local = tmp_path / ".claude" / "settings.local.json"
    assert ensure_local_settings_ignored(local, tmp_path) is None


def test_git_missing_counts_as_not_a_repository(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert ensure_local_settings_ignored(tmp_path / ".claude" / "settings.local.json",
                                         tmp_path) is None


@needs_git
def test_adds_the_local_file_to_info_exclude(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    local = repo / ".claude" / "settings.local.json"
    add_rule(local, "allow", "Read")
    exclude = repo / ".git" / "info" / "exclude"
    before = exclude.read_text() if exclude.exists() else ""
    message = ensure_local_settings_ignored(local, repo)
    assert message is not None and "/.claude/settings.local.json" in message
    assert exclude.read_text() == before + ("" if before.endswith("\n") or not before else "\n") \
        + "/.claude/settings.local.json\n"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert ensure_local_settings_ignored(local, repo) is None  # now ignored: nothing to do


@needs_git
def test_already_ignored_and_subdirectory_and_tracked(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("settings.local.json\n")
    exclude = repo / ".git" / "info" / "exclude"
    before = exclude.read_text() if exclude.exists() else None
    assert ensure_local_settings_ignored(repo / ".claude" / "settings.local.json", repo) is None
    assert (exclude.read_text() if exclude.exists() else None) == before
    (repo / ".gitignore").unlink()
    sub_local = repo / "pkg" / ".claude" / "settings.local.json"
    message = ensure_local_settings_ignored(sub_local, repo / "pkg")
    assert message is not None
    assert "/pkg/.claude/settings.local.json" in exclude.read_text().splitlines()
    # A tracked local file cannot be ignored: say so instead.
    tracked = repo / ".claude" / "settings.local.json"
    add_rule(tracked, "allow", "Read")
    git(repo, "add", "-f", ".claude/settings.local.json")
    message = ensure_local_settings_ignored(tracked, repo)
    assert message is not None and "tracked by git" in message


@needs_git
def test_worktree_uses_its_own_git_path(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    git(repo, "commit", "-q", "-m", "init")
    wt = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(wt))
    expected = Path(git(wt, "rev-parse", "--git-path", "info/exclude").strip())
    expected = expected if expected.is_absolute() else wt / expected
    message = ensure_local_settings_ignored(wt / ".claude" / "settings.local.json", wt)
    assert message is not None and str(expected) in message
    assert "/.claude/settings.local.json" in expected.read_text().splitlines()
    assert not (wt / ".git").is_dir()  # a worktree's .git is a file; it was left alone


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
