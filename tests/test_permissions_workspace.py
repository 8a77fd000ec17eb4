"""The Workspace part of ``/permissions`` (no UI): additional directories added to and removed
from the right settings file, other keys kept, refusals with a message, read-only sources, and
the session's working directories after a reload."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.agent.session import AgentSession
from tui.config import AppConfig
from tui.permissions import editor, workspace
from tui.permissions.policy import Policy
from tui.settings import load_settings
from tui.settings.writer import SettingsWriteError, add_to_list, remove_from_list

PROJECT_TEXT = """{
    "model": "opus",
    "permissions": {
        "deny": [
            "Bash(rm -rf *)"
        ]
    },
    "env": {"A": "\\u00e9"}
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp/project`` with a project settings file; ``tmp/docs`` and ``tmp/home/notes`` exist
    (HOME is ``tmp/home``)."""
    cwd = tmp_path / "project"
    (cwd / ".claude").mkdir(parents=True)
    (cwd / ".claude" / "settings.json").write_text(PROJECT_TEXT)
    (tmp_path / "docs").mkdir()
    (tmp_path / "home" / "notes").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    Path(os.environ["WARDEN_CONFIG_DIR"]).mkdir(parents=True, exist_ok=True)
    return cwd


def snapshot_of(cwd: Path, cli_dirs: tuple[Path, ...] = ()) -> editor.EditorSnapshot:
    settings = load_settings(cwd)
    return editor.build_snapshot(settings, Policy.from_entries(settings.rules), "default",
                                 cwd=cwd, cli_dirs=cli_dirs)


def test_add_writes_the_path_as_typed_to_the_chosen_scope(project: Path) -> None:
    files = editor.scope_files(project)
    docs = (project.parent / "docs").resolve()
    assert workspace.add_directory(files, "local", "../docs", cwd=project) == files["local"]
    local = json.loads(files["local"].read_text())
    assert local == {"permissions": {"additionalDirectories": ["../docs"]}}
    row = snapshot_of(project).directories[0]
    assert (row.path, row.scope, row.file, row.read_only) == (docs, "local", files["local"],
                                                             False)
    # Project settings: only the new key is added; the rest keeps its text and indentation.
    workspace.add_directory(files, "project", "~/notes", cwd=project)
    text = files["project"].read_text()
    assert '"model": "opus"' in text and '"env": {"A": "\\u00e9"}' in text
    assert '        "deny": [\n            "Bash(rm -rf *)"\n        ]' in text
    assert json.loads(text)["permissions"]["additionalDirectories"] == ["~/notes"]
    # User settings: a relative entry is relative to the user directory, ~ to the home.
    workspace.add_directory(files, "user", str(docs), cwd=project)
    assert json.loads(files["user"].read_text())["permissions"]["additionalDirectories"] == \
        [str(docs)]
    shown = {(r.path, r.scope) for r in snapshot_of(project).directories}
    notes = (project.parent / "home" / "notes").resolve()
    assert shown == {(docs, "local"), (notes, "project")}  # docs once: the local entry first


def test_the_same_directory_twice_in_one_file_is_refused(project: Path) -> None:
    files = editor.scope_files(project)
    workspace.add_directory(files, "local", "../docs", cwd=project)
    before = files["local"].read_text()
    for spelling in ("../docs", str(project.parent / "docs"), "../docs/"):
        with pytest.raises(editor.EditorError, match="already in"):
            workspace.add_directory(files, "local", spelling, cwd=project)
    assert files["local"].read_text() == before


@pytest.mark.parametrize(("text", "message"), [
    ("../missing", "does not exist"),
    ("", "Type a directory"),
    (" ../docs", "start or end with spaces"),
    (".", "inside the project"),
    (".claude", "inside the project"),
])
def test_refusals_say_what_to_do_and_write_nothing(project: Path, text: str,
                                                   message: str) -> None:
    files = editor.scope_files(project)
    with pytest.raises(editor.EditorError, match=message):
        workspace.add_directory(files, "local", text, cwd=project)
    assert not files["local"].exists()


def test_a_missing_directory_names_the_fix_and_a_file_is_not_a_directory(project: Path) -> None:
    files = editor.scope_files(project)
    missing = (project.parent / "missing").resolve()
    _, problem = workspace.check_directory("../missing", "local", files, cwd=project)
    assert problem is not None and f"mkdir -p {missing}" in problem and str(project) in problem
    (project.parent / "notes.txt").write_text("x")
    _, problem = workspace.check_directory("../notes.txt", "project", files, cwd=project)
    assert problem is not None and "not a directory" in problem
    with pytest.raises(editor.EditorError, match="not managed"):
        workspace.add_directory(files, "managed", "../docs", cwd=project)


def test_remove_takes_every_spelling_out_of_its_file_and_keeps_the_rest(project: Path) -> None:
    path = project / ".claude" / "settings.json"
    docs = project.parent / "docs"
    data = json.loads(PROJECT_TEXT)
    data["permissions"]["additionalDirectories"] = ["../docs", str(docs), "~/notes"]
    path.write_text(json.dumps(data, indent=2))
    row = next(r for r in snapshot_of(project).directories if r.path == docs.resolve())
    assert row.scope == "project" and not row.read_only
    assert workspace.remove_directory(row, cwd=project) == path
    after = json.loads(path.read_text())
    assert after["permissions"] == {"deny": ["Bash(rm -rf *)"], "additionalDirectories":
                                    ["~/notes"]}
    assert after["model"] == "opus" and after["env"] == {"A": "é"}
    with pytest.raises(editor.EditorError, match="no longer in"):
        workspace.remove_directory(row, cwd=project)


def test_managed_and_add_dir_entries_are_read_only(project: Path) -> None:
    managed = Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json"
    managed.parent.mkdir(parents=True, exist_ok=True)
    docs = (project.parent / "docs").resolve()
    managed.write_text(json.dumps({"permissions": {"additionalDirectories": [str(docs)]}}))
    notes = (project.parent / "home" / "notes").resolve()
    rows = snapshot_of(project, cli_dirs=(notes,)).directories
    assert [(r.path, r.scope, r.read_only) for r in rows] == [
        (notes, "command line", True), (docs, "managed", True)]
    with pytest.raises(editor.EditorError) as err:
        workspace.remove_directory(rows[1], cwd=project)
    assert editor.LOCK in str(err.value) and str(managed) in str(err.value)
    assert "administrator" in str(err.value)
    with pytest.raises(editor.EditorError, match="--add-dir"):
        workspace.remove_directory(rows[0], cwd=project)
    # The writer refuses a managed file too, whoever asks.
    with pytest.raises(SettingsWriteError, match="read-only"):
        add_to_list(managed, workspace.DIRECTORIES_KEYS, "../x")
    assert json.loads(managed.read_text())["permissions"]["additionalDirectories"] == [str(docs)]


def test_list_helpers_refuse_odd_shapes_and_unparseable_files(project: Path) -> None:
    path = project / ".claude" / "settings.local.json"
    path.write_text('{"permissions": {"additionalDirectories": "../docs"}}')
    with pytest.raises(SettingsWriteError, match="additionalDirectories is not a list"):
        add_to_list(path, workspace.DIRECTORIES_KEYS, "../docs")
    broken = '{"permissions": {"additionalDirectories": ["../docs"],}}'
    path.write_text(broken)
    with pytest.raises(editor.EditorError, match="nothing was changed"):
        workspace.add_directory(editor.scope_files(project), "local", "~/notes", cwd=project)
    with pytest.raises(SettingsWriteError):
        remove_from_list(path, workspace.DIRECTORIES_KEYS, lambda item: True)
    assert path.read_text() == broken


async def test_the_session_works_in_an_added_directory_after_the_reload(project: Path) -> None:
    session = AgentSession(AppConfig(cwd=project, trusted_project=True), lambda event: None)
    session._load_policy()
    docs = (project.parent / "docs").resolve()
    assert docs not in session.perm_ctx.working_dirs
    files = session.permissions_snapshot().files
    written = workspace.add_directory(files, "project", "../docs", cwd=project)
    await session.live.written(written)
    assert session.perm_ctx.working_dirs == (project, docs)
    row = session.permissions_snapshot().directories[0]
    await session.live.written(workspace.remove_directory(row, cwd=project))
    assert session.perm_ctx.working_dirs == (project,)
    assert session.permissions_snapshot().directories == ()
