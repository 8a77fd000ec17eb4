"""The ``/permissions`` editor's core: snapshot, edits written to the right file, the test box,
recent calls, live reload and the settings watcher (no UI)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.waiting import wait_for
from tui.agent import events as ev
from tui.agent.recent import RecentCalls
from tui.agent.session import AgentSession
from tui.approvals import ApprovalRequest
from tui.config import AppConfig
from tui.permissions import editor
from tui.permissions.decision import Decision
from tui.permissions.engine import PermissionContext
from tui.permissions.policy import Policy, SessionSource
from tui.permissions.probe import parse_probe_input, probe, probe_text
from tui.settings import load_settings
from tui.settings.splice import splice
from tui.settings.watch import watch_settings
from tui.tool_results import denied_text
from tui.tools.base import ToolCall, ToolResult

PROJECT_TEXT = """{
    "model": "opus",
    "permissions": {
        "allow": ["Bash(git log *)"],
        "deny": [
            "Bash(rm -rf *)"
        ]
    },
    "env": {"A": "\\u00e9"}
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    cwd = tmp_path / "project"
    (cwd / ".claude").mkdir(parents=True)
    (cwd / ".claude" / "settings.json").write_text(PROJECT_TEXT)
    user = Path(os.environ["WARDEN_CONFIG_DIR"])
    user.mkdir(parents=True, exist_ok=True)
    (user / "settings.json").write_text(json.dumps({"permissions": {"ask": ["Bash(npm *)"]}}))
    managed = Path(os.environ["WARDEN_MANAGED_DIR"])
    managed.mkdir(parents=True, exist_ok=True)
    (managed / "managed-settings.json").write_text(
        json.dumps({"permissions": {"deny": ["Read(./secrets/**)"]}}))
    return cwd


def snapshot_of(cwd: Path, policy: Policy | None = None) -> editor.EditorSnapshot:
    settings = load_settings(cwd)
    return editor.build_snapshot(settings, policy or Policy.from_entries(settings.rules),
                                 "default", cwd=cwd)


def test_snapshot_lists_every_scope_with_file_and_lock(project: Path) -> None:
    policy = Policy.from_entries(load_settings(project).rules)
    policy.add("Edit(//tmp/**)", "allow", anchor=project, source=SessionSource())
    snap = snapshot_of(project, policy)
    rows = {(r.behavior, r.text): r for r in snap.rules}
    managed = rows[("deny", "Read(./secrets/**)")]
    assert managed.scope == "managed" and managed.read_only and "administrator" in (
        managed.why_read_only or "")
    assert rows[("deny", "Bash(rm -rf *)")].path == project / ".claude" / "settings.json"
    assert not rows[("deny", "Bash(rm -rf *)")].read_only
    assert rows[("ask", "Bash(npm *)")].scope == "user"
    assert rows[("allow", "Edit(//tmp/**)")].scope == "session"
    assert rows[("allow", "Edit(//tmp/**)")].read_only
    assert [r.text for r in snap.rules_for("deny")] == ["Read(./secrets/**)", "Bash(rm -rf *)"]
    assert editor.display_path(project / ".claude" / "settings.json", project) == \
        "./.claude/settings.json"


def test_add_writes_the_chosen_scope_and_keeps_the_rest_of_the_file(project: Path) -> None:
    files = editor.scope_files(project)
    assert editor.add(files, "local", "allow", "Read(./docs/**)", project) == \
        project / ".claude" / "settings.local.json"
    path = editor.add(files, "project", "allow", "Bash(cargo test)", project)
    text = path.read_text()
    # Only the allow list changed: the indentation, the other keys and their spelling remain.
    assert text == PROJECT_TEXT.replace('["Bash(git log *)"]',
                                        '["Bash(git log *)", "Bash(cargo test)"]')
    editor.add(files, "user", "deny", "WebFetch", project)
    user = json.loads(files["user"].read_text())
    assert user["permissions"] == {"ask": ["Bash(npm *)"], "deny": ["WebFetch"]}
    with pytest.raises(editor.EditorError, match="already in"):
        editor.add(files, "project", "allow", "Bash(cargo test)", project)
    with pytest.raises(editor.EditorError, match="managed"):
        editor.add(files, "managed", "allow", "Read", project)


def test_a_rule_that_does_not_parse_is_refused_before_writing(project: Path) -> None:
    files = editor.scope_files(project)
    with pytest.raises(editor.EditorError):
        editor.add(files, "project", "allow", "Bash(npm test", project)
    assert (project / ".claude" / "settings.json").read_text() == PROJECT_TEXT
    assert editor.check_rule_text("Bash(npm test", "allow", project)
    assert editor.check_rule_text("Bash(cargo test)", "allow", project) is None


def test_a_file_that_does_not_parse_is_never_rewritten(project: Path) -> None:
    broken = '{\n  "permissions": {"allow": ["Read"],}\n}\n'
    path = project / ".claude" / "settings.json"
    path.write_text(broken)
    with pytest.raises(editor.EditorError) as err:
        editor.add(editor.scope_files(project), "project", "deny", "WebFetch", project)
    assert f"{path}:2:" in str(err.value) and "nothing was changed" in str(err.value)
    assert path.read_text() == broken


def test_edit_replaces_in_place_delete_and_move(project: Path) -> None:
    snap = snapshot_of(project)
    row = next(r for r in snap.rules if r.text == "Bash(rm -rf *)")
    editor.edit(row, "Bash(rm -r *)", project)
    data = json.loads((project / ".claude" / "settings.json").read_text())
    assert data["permissions"]["deny"] == ["Bash(rm -r *)"]
    with pytest.raises(editor.EditorError, match="no longer in"):
        editor.delete(row)  # the old text is gone: the file changed meanwhile
    row = next(r for r in snapshot_of(project).rules if r.text == "Bash(git log *)")
    files = editor.scope_files(project)
    assert editor.move(row, files, "user") == files["user"]
    assert "Bash(git log *)" not in (project / ".claude" / "settings.json").read_text()
    assert json.loads(files["user"].read_text())["permissions"]["allow"] == ["Bash(git log *)"]
    moved = next(r for r in snapshot_of(project).rules if r.text == "Bash(git log *)")
    assert moved.scope == "user"
    editor.delete(moved)
    assert json.loads(files["user"].read_text())["permissions"]["allow"] == []
    data = json.loads((project / ".claude" / "settings.json").read_text())
    assert data["model"] == "opus" and data["env"] == {"A": "é"}


def test_managed_rows_are_read_only_with_a_message_naming_the_file(project: Path) -> None:
    row = next(r for r in snapshot_of(project).rules if r.scope == "managed")
    for action in (lambda: editor.edit(row, "Read", project), lambda: editor.delete(row),
                   lambda: editor.move(row, editor.scope_files(project), "local")):
        with pytest.raises(editor.EditorError) as err:
            action()
        assert "managed-settings.json" in str(err.value) and editor.LOCK in str(err.value)


def test_move_note_warns_when_a_path_rule_changes_meaning(project: Path) -> None:
    row = editor.RuleRow("deny", "Read(/secrets/**)", "project", project / "x.json")
    assert "anchor" in (editor.move_note(row, "user") or "")
    assert editor.move_note(row, "local") is None
    assert editor.move_note(editor.RuleRow("deny", "Read(//etc/**)", "project", None), "user") \
        is None


def test_probe_accepts_json_or_a_bare_value_and_explains_the_decision(project: Path) -> None:
    assert parse_probe_input("Bash", "git push") == {"command": "git push"}
    assert parse_probe_input("Read", "./.env") == {"file_path": "./.env"}
    assert parse_probe_input("WebFetch", "docs.python.org")["url"] == "https://docs.python.org"
    assert parse_probe_input("Edit", '{"file_path": "a.py"}') == {"file_path": "a.py"}
    settings = load_settings(project)
    ctx = PermissionContext(working_dirs=(project,), policy=Policy.from_entries(settings.rules))
    result = probe("Bash", "rm -rf build", ctx)
    assert result.decision is not None and result.decision.behavior == "deny"
    assert result.decision.rule == "Bash(rm -rf *)"
    assert any("deny rule Bash(rm -rf *)" in step for step in result.decision.trace)
    for text, message in (('{"command": ', "Not JSON yet"), ("[1]", "JSON object"),
                          ("   ", "Type a command")):
        bad = probe("Bash" if text != "[1]" else "mcp__x__y", text, ctx)
        assert bad.decision is None and message in (bad.error or "")
    assert probe_text("Bash", {"command": "ls -la"}) == "ls -la"
    assert json.loads(probe_text("Bash", {"command": "ls", "timeout": 5, "x": 1}))["x"] == 1


def _call(tool_use_id: str, command: str) -> ToolCall:
    return ToolCall(tool_use_id, "Bash", {"command": command}, None, "shell",  # type: ignore[arg-type]
                    command, command=command)


def test_recent_calls_record_asks_denials_suggestions_and_answers() -> None:
    recent = RecentCalls(maxlen=3)
    asked = _call("t1", "npm publish")
    recent.observe(ev.ToolCallPrepared(asked, Decision("ask", "No rule allows it.")))
    loop = asyncio.new_event_loop()
    try:
        request = ApprovalRequest(asked, Decision("ask", "No rule allows it."),
                                  loop.create_future(), suggested_rules=("Bash(npm publish)",))
    finally:
        loop.close()
    recent.observe(ev.ApprovalNeeded(request))
    recent.observe(ev.ToolFinished(asked, ToolResult(denied_text(None), True), ran=False))
    denied = _call("t2", "rm -rf /")
    recent.observe(ev.ToolCallPrepared(
        denied, Decision("deny", "Denied by the rule Bash(rm *).", "Bash(rm *)", "project")))
    recent.observe(ev.ToolCallPrepared(_call("t3", "ls"), Decision("allow", "read-only")))
    first, second = recent.items()[1], recent.items()[0]
    assert (first.label, first.suggested_rules) == ("asked, denied by you", ("Bash(npm publish)",))
    assert second.label == "denied" and second.blocked_by_rule
    for i in range(4):
        recent.observe(ev.ToolCallPrepared(_call(f"x{i}", "curl x"), Decision("ask", "net")))
    assert len(recent) == 3 and recent.items()[0].call_id == "x3"


def test_allow_rules_for_refuses_when_a_deny_rule_decided(project: Path) -> None:
    recent = RecentCalls()
    recent.observe(ev.ToolCallPrepared(
        _call("t1", "rm -rf build"),
        Decision("deny", "Denied by the rule Bash(rm -rf *).", "Bash(rm -rf *)", "project")))
    recent.observe(ev.ToolCallPrepared(_call("t2", "npm run build"),
                                       Decision("deny", "dontAsk mode.", None, "mode: dontAsk")))
    ctx = PermissionContext(working_dirs=(project,))
    rules, why = editor.allow_rules_for(recent.items()[1], ctx)
    assert rules == () and "Bash(rm -rf *)" in (why or "") and "Deny tab" in (why or "")
    rules, why = editor.allow_rules_for(recent.items()[0], ctx)
    assert rules == ("Bash(npm run build)",) and why is None


def test_splice_keeps_formatting_and_falls_back_when_unsafe() -> None:
    text = '{\n\t"a": [1,\n\t\t2],\n\t"b": {"c": true}\n}\n'
    assert splice(text, {"a": [1, 2], "b": {"c": False}}) == text.replace("true", "false")
    assert splice(text, {"a": [1, 2]}) is None  # a removed key: serialise the whole object
    added = splice(text, {"a": [1, 2], "b": {"c": True}, "d": [3]})
    assert added is not None and json.loads(added)["d"] == [3] and '\t"d": [' in added


async def test_reload_swaps_the_policy_keeps_session_rules_and_fails_closed(
        project: Path) -> None:
    events: list[object] = []
    session = AgentSession(AppConfig(cwd=project), events.append)
    session._load_policy()
    session.grant("allow_session", ("Bash(make *)",))
    local = project / ".claude" / "settings.local.json"
    local.write_text(json.dumps({"permissions": {"allow": ["Bash(cargo test)"]}}))
    await session.reload_policy((local,))
    allows = [r.text for r in session.perm_ctx.policy.allow]
    assert "Bash(cargo test)" in allows and "Bash(make *)" in allows
    assert probe("Bash", "cargo test", session.perm_ctx).decision.behavior == "allow"  # type: ignore[union-attr]
    local.write_text('{"permissions": {"allow": ["Bash(cargo test)"],}')  # a trailing comma
    await session.reload_policy((local,))
    assert probe("Bash", "cargo test", session.perm_ctx).decision.behavior == "ask"  # type: ignore[union-attr]
    reloaded = [e for e in events if isinstance(e, ev.SettingsReloaded)]
    assert reloaded[-1].new_problems and "settings.local.json" in reloaded[-1].new_problems[0]
    snap = session.permissions_snapshot()
    assert snap.problems and snap.problems[0].line == 1


async def test_watcher_sees_a_file_whose_directory_does_not_exist_yet(tmp_path: Path) -> None:
    cwd = tmp_path / "fresh"
    cwd.mkdir()
    seen: list[set[Path]] = []

    async def changed(paths: set[Path]) -> None:
        seen.append(paths)

    stop = asyncio.Event()
    task = asyncio.create_task(watch_settings(cwd, changed, stop=stop))
    target = cwd / ".claude" / "settings.json"
    try:
        await asyncio.sleep(0.2)  # let the watch start
        target.parent.mkdir()
        target.write_text("{}")
        await wait_for(lambda: any(target in s for s in seen),
                       what=f"the watcher to report {target}")
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
